// SPDX-License-Identifier: GPL-2.0-only
/*
 * A mock of the mechanisms in include/vm.h for the RM's host tests, with the
 * libfdt the RM parses guest DTs with (and the sequential writer the tests
 * build them with).
 *
 * The Makefile links it with every RM test (RM_SRCS). libfdt's read-only
 * and sequential-write parts are compiled in here as well (not fdt_rw.c:
 * it clashes with fdt_sw.c in one unit, and the RM does not need it). Keeps its own
 * record of page ownership and mappings over a small "host RAM" arena and
 * counts every contract violation of vm.h by the RM (mock.violations), so
 * that the tests can check the RM used the mechanisms correctly. Failures
 * can be injected at the k-th call of each mechanism.
 */
#include <fdt.c>
#include <fdt_ro.c>
#include <fdt_strerror.c>
#include <fdt_sw.c>

#include <stdio.h>

#include "vm_mock.h"

struct vm_mock mock;
u8 mock_ram[MOCK_RAM_PAGES * MOCK_PAGE] __attribute__((aligned(MOCK_PAGE)));

void mock_reset(void)
{
	memset(&mock, 0, sizeof(mock));
	memset(mock_ram, 0, sizeof(mock_ram));
}

/* Page index of @pa in the arena, then the unbacked window; or -1. */
static long mock_page(u64 pa)
{
	u64 base = (u64)(uintptr_t)mock_ram;

	if (pa >= base && pa - base < sizeof(mock_ram))
		return (long)((pa - base) / MOCK_PAGE);
	if (pa >= MOCK_BIG_BASE && pa - MOCK_BIG_BASE < MOCK_BIG_PAGES * MOCK_PAGE)
		return (long)(MOCK_RAM_PAGES + (pa - MOCK_BIG_BASE) / MOCK_PAGE);
	return -1;
}

static bool mock_backed(u64 pa)
{
	return mock_page(pa) >= 0 && mock_page(pa) < MOCK_RAM_PAGES;
}

static bool mock_range_ok(u64 pa, u64 size)
{
	u64 base = (u64)(uintptr_t)mock_ram;

	if (!size || pa % MOCK_PAGE || size % MOCK_PAGE || pa + size < pa)
		return false;
	if (pa >= base && pa + size <= base + sizeof(mock_ram))
		return true;
	return pa >= MOCK_BIG_BASE &&
	       pa + size <= MOCK_BIG_BASE + MOCK_BIG_PAGES * MOCK_PAGE;
}

/* The injected failure due at this call of a counter, if any. */
static int mock_inject(unsigned int *calls, unsigned int fail_at, int err)
{
	return ++*calls == fail_at ? err : GH_ERROR_OK;
}

int mem_xfer_check(u64 pa, u64 size)
{
	mock.xfer_checks++;
	if (!mock_range_ok(pa, size))
		return GH_ERROR_DENIED;
	for (u64 off = 0; off < size; off += MOCK_PAGE) {
		if (mock.page[mock_page(pa + off)].owner)
			return GH_ERROR_DENIED;
	}
	return GH_ERROR_OK;
}

int mem_xfer_to_vm(u16 vmid, u64 pa, u64 size, enum mem_xfer type)
{
	int ret = mock_inject(&mock.xfer_to_vm_calls, mock.fail_xfer_to_vm_at, GH_ERROR_DENIED);

	if (ret)
		return ret;
	/* The RM must have checked; an unchecked transfer is a violation. */
	if (mem_xfer_check(pa, size)) {
		mock.violations++;
		return GH_ERROR_DENIED;
	}
	for (u64 off = 0; off < size; off += MOCK_PAGE) {
		struct mock_page *pg = &mock.page[mock_page(pa + off)];

		pg->owner = vmid;
		pg->lent = type == MEM_XFER_LEND;
	}
	mock.pages_out += size / MOCK_PAGE;
	return GH_ERROR_OK;
}

int mem_xfer_to_host(u16 vmid, u64 pa, u64 size, enum mem_xfer type, bool sanitize)
{
	mock.xfer_to_host_calls++;
	if (!mock_range_ok(pa, size)) {
		mock.violations++;
		return GH_ERROR_DENIED;
	}
	for (u64 off = 0; off < size; off += MOCK_PAGE) {
		struct mock_page *pg = &mock.page[mock_page(pa + off)];

		if (pg->owner != vmid || pg->lent != (type == MEM_XFER_LEND) || pg->mapped) {
			mock.violations++;
			return GH_ERROR_DENIED;
		}
	}
	for (u64 off = 0; off < size; off += MOCK_PAGE) {
		struct mock_page *pg = &mock.page[mock_page(pa + off)];

		if ((pg->lent || sanitize) && mock_backed(pa + off))
			memset((void *)(uintptr_t)(pa + off), 0, MOCK_PAGE);
		pg->owner = 0;
		pg->lent = false;
	}
	mock.pages_out -= size / MOCK_PAGE;
	return GH_ERROR_OK;
}

static struct mock_vm *mock_vm(u16 vmid)
{
	for (unsigned int i = 0; i < MOCK_VMS; i++) {
		if (mock.vm[i].exists && mock.vm[i].vmid == vmid)
			return &mock.vm[i];
	}
	return NULL;
}

/* Drop the VM's mappings in [ipa, ipa + size). */
static void mock_unmap(u16 vmid, u64 ipa, u64 size)
{
	for (unsigned int i = 0; i < MOCK_MAPS; i++) {
		struct mock_map *m = &mock.map[i];

		if (!m->used || m->vmid != vmid || m->ipa < ipa || m->ipa - ipa >= size)
			continue;
		for (u64 off = 0; off < m->size; off += MOCK_PAGE)
			mock.page[mock_page(m->pa + off)].mapped = false;
		m->used = false;
		mock.nr_maps--;
	}
}

int vm_create(u16 vmid)
{
	int ret = mock_inject(&mock.create_calls, mock.fail_create_at, GH_ERROR_NOMEM);

	if (ret)
		return ret;
	if (mock_vm(vmid)) {
		mock.violations++;
		return GH_ERROR_BUSY;
	}
	for (unsigned int i = 0; i < MOCK_VMS; i++) {
		if (!mock.vm[i].exists) {
			mock.vm[i] = (struct mock_vm){ .exists = true, .vmid = vmid };
			mock.nr_vms++;
			return GH_ERROR_OK;
		}
	}
	return GH_ERROR_NOMEM;
}

void vm_destroy(u16 vmid)
{
	struct mock_vm *vm = mock_vm(vmid);

	if (!vm) {
		mock.violations++;
		return;
	}
	mock_unmap(vmid, 0, ~0ULL);
	mock.nr_bells -= vm->nr_bells;		/* freed with their VM */
	vm->exists = false;
	mock.nr_vms--;
	mock.destroy_calls++;
}

int vm_map(u16 vmid, u64 ipa, u64 pa, u64 size, bool write, bool exec)
{
	int ret = mock_inject(&mock.map_calls, mock.fail_map_at, GH_ERROR_NOMEM);

	if (ret)
		return ret;
	if (!mock_vm(vmid) || !mock_range_ok(pa, size) || ipa % MOCK_PAGE) {
		mock.violations++;
		return GH_ERROR_ARG_INVAL;
	}
	for (u64 off = 0; off < size; off += MOCK_PAGE) {
		const struct mock_page *pg = &mock.page[mock_page(pa + off)];

		/* Only pages given to the VM, each mapped once. */
		if (pg->owner != vmid || pg->mapped) {
			mock.violations++;
			return GH_ERROR_DENIED;
		}
	}
	for (unsigned int i = 0; i < MOCK_MAPS; i++) {
		struct mock_map *m = &mock.map[i];

		if (m->used)
			continue;
		*m = (struct mock_map){ true, vmid, ipa, pa, size, write, exec };
		for (u64 off = 0; off < size; off += MOCK_PAGE)
			mock.page[mock_page(pa + off)].mapped = true;
		mock.nr_maps++;
		return GH_ERROR_OK;
	}
	return GH_ERROR_NOMEM;
}

int vm_unmap(u16 vmid, u64 ipa, u64 size)
{
	if (!mock_vm(vmid)) {
		mock.violations++;
		return GH_ERROR_ARG_INVAL;
	}
	mock_unmap(vmid, ipa, size);
	return GH_ERROR_OK;
}

int vm_vcpu_create(u16 vmid, unsigned int index, u64 *capid, u32 *virq)
{
	int ret = mock_inject(&mock.vcpu_calls, mock.fail_vcpu_at, GH_ERROR_NOMEM);
	struct mock_vm *vm = mock_vm(vmid);

	if (ret)
		return ret;
	if (!vm || index >= VM_MAX_VCPUS || index != vm->nr_vcpus) {
		mock.violations++;
		return GH_ERROR_ARG_INVAL;
	}
	vm->nr_vcpus++;
	*capid = MOCK_VCPU_CAPID(vmid, index);
	*virq = MOCK_VCPU_VIRQ(index);
	return GH_ERROR_OK;
}

/* Doorbell SPIs: the RM must have checked range and uniqueness from the DT. */
int vm_doorbell_create(u16 vmid, u32 intid, u64 *capid)
{
	int ret = mock_inject(&mock.bell_calls, mock.fail_bell_at, GH_ERROR_NORESOURCES);
	struct mock_vm *vm = mock_vm(vmid);

	if (ret)
		return ret;
	if (!vm || intid < VM_DOORBELL_INTID_MIN || intid >= VM_DOORBELL_INTID_END ||
	    vm->nr_bells == VM_MAX_DOORBELLS) {
		mock.violations++;
		return GH_ERROR_ARG_INVAL;
	}
	for (unsigned int i = 0; i < vm->nr_bells; i++) {
		if (vm->bell_intid[i] == intid) {
			mock.violations++;
			return GH_ERROR_VIRQ_BOUND;
		}
	}
	*capid = MOCK_BELL_CAPID(vmid, vm->nr_bells);
	vm->bell_intid[vm->nr_bells++] = intid;
	mock.nr_bells++;
	return GH_ERROR_OK;
}

/* Where the frames may go is the vGIC's check: refusals are injected. */
int vm_vgic_config(u16 vmid, u64 gicd_base, u64 gicr_base)
{
	int ret = mock_inject(&mock.vgic_calls, mock.fail_vgic_at, GH_ERROR_ARG_INVAL);
	struct mock_vm *vm = mock_vm(vmid);

	if (ret)
		return ret;
	/* After the vCPUs, so that all their redistributors are checked. */
	if (!vm || !vm->nr_vcpus || vm->running) {
		mock.violations++;
		return GH_ERROR_OBJECT_STATE;
	}
	vm->gic = true;
	vm->gicd_base = gicd_base;
	vm->gicr_base = gicr_base;
	return GH_ERROR_OK;
}

int vm_start(u16 vmid, const struct vm_boot *boot)
{
	struct mock_vm *vm = mock_vm(vmid);

	if (!vm || vm->running || !vm->nr_vcpus) {
		mock.violations++;
		return GH_ERROR_OBJECT_STATE;
	}
	vm->running = true;
	vm->boot = *boot;
	mock.start_calls++;
	return GH_ERROR_OK;
}

int vm_stop(u16 vmid)
{
	struct mock_vm *vm = mock_vm(vmid);

	if (!vm) {
		mock.violations++;
		return GH_ERROR_OBJECT_STATE;
	}
	vm->running = false;
	mock.stop_calls++;
	return GH_ERROR_OK;
}

int vm_reset(u16 vmid)
{
	struct mock_vm *vm = mock_vm(vmid);

	if (!vm) {
		mock.violations++;
		return GH_ERROR_OBJECT_STATE;
	}
	mock_unmap(vmid, 0, ~0ULL);
	vm->running = false;
	mock.reset_calls++;
	return GH_ERROR_OK;
}

/* The RM's clock: MOCK_COUNTER_FREQ ticks a second, moved by mock_advance_us(). */
u64 plat_counter(void)
{
	return mock.now;
}

u64 plat_counter_freq(void)
{
	return MOCK_COUNTER_FREQ;
}

void mock_advance_us(u64 us)
{
	mock.now += us * (MOCK_COUNTER_FREQ / 1000000);
	rm_poll(mock.now);
}

/* The RM's console: counted, and the last line kept for the tests. */
void plat_rm_log(u16 vmid, const char *fmt, va_list ap)
{
	int n = snprintf(mock.log, sizeof(mock.log), "rm: VM %u: ", vmid);

	vsnprintf(mock.log + n, sizeof(mock.log) - (size_t)n, fmt, ap);
	mock.log_lines++;
}
