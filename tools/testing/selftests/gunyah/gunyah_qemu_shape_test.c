// SPDX-License-Identifier: GPL-2.0-only
/*
 * VMs made exactly as QEMU's Gunyah accelerator (the RFC v2 patches, what
 * runs VMs on Gunyah phones) and its virt machine make them, so that the
 * driver and the hypervisor are tried the way that client uses them:
 *
 *  - the VM's DT in QEMU's shape: virt's memory map (RAM at 1 GiB, GICv3
 *    at 128 MiB, PL011 at 0x9000000 on SPI 1), /gunyah-vm-config as
 *    gunyah_arm_fdt_customize() writes it: image-name "qemu-vm", memory
 *    { base-address }, interrupts { config = <&intc>; }, vcpus { affinity
 *    = "proxy"; }, a shm-<slot> vdevice per shared slot (push-compatible
 *    "dma", dma_base 0, memory { label; #address-cells; base }) and 256
 *    level doorbells bell-0 .. bell-ff, label = SPI number, on SPIs 0-255;
 *    for a confidential guest the swiotlb window as a /reserved-memory
 *    restricted-dma-pool (with the qcom,label the real RM needs to find
 *    its parcel);
 *  - the DTB in a 1 MiB region (QEMU's FDT_MAX_SIZE) with a much smaller
 *    FDT inside;
 *  - memory as QEMU registers it: one slot per RAM section at or above
 *    1 GiB, label = slot number; a confidential guest's RAM lent except a
 *    trailing swiotlb-size window, shared;
 *  - no boot registers: the RM starts the image parcel's base with x0 =
 *    the DTB;
 *  - 256 level irqfds registered, one per doorbell, and a device whose
 *    level interrupt line is signalled once per assertion, as QEMU's
 *    gunyah irqchip does (the doorbell is cleared when the guest takes
 *    the interrupt, so one signal is one interrupt).
 *
 * The guest (guest/qemu_dev.c) enables all 256 SPIs, asks the device for
 * DEV_ROUNDS interrupts, lowers the line in its handler, and reports every
 * interrupt: the test checks that it booted with x0 = the DTB and saw
 * exactly as many interrupts as were signalled, on the device's SPI only.
 *
 * Skipped without /dev/gunyah or without a physically contiguous window
 * (page frame numbers need root).
 */

#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "gunyah_vmm_lib.h"
#include "gunyah_test_util.h"
#include "guest/guest.h"

#include "../kselftest_harness.h"

#define MIB		(1024UL * 1024)
#define QEMU_RAM	(8 * MIB)
#define QEMU_SWIOTLB	MIB		/* arm-confidential-guest swiotlb-size */
#define QEMU_DTB_OFF	(2 * MIB)	/* in RAM, after the image */
#define QEMU_VCPUS	2
#define DEV_ROUNDS	8
#define RUN_TIMEOUT_MS	30000
#define WHY_LEN		512
#define MAX_REPORTS	64
#define SIGNAL_DELAY_US	5000

/* The test device, a level-triggered device behind an irqfd. */
struct qdev {
	int irqfd;		/* index in vm->irqfd[] of its SPI's doorbell */
	bool line;		/* its interrupt line */
	int signals;		/* irqfd signals: one per assertion */
	int signal_err;
	int acks_low;		/* acknowledges with the line already low */
	/* odd rounds are raised from another thread, the vCPU in WFI */
	int pipe[2];
	pthread_t thread;
	bool has_thread;
};

/* VM lock held: the line goes high; a rising edge is one signal. */
static void qdev_raise(struct gh_vm *vm, struct qdev *d)
{
	int ret;

	if (d->line)
		return;
	d->line = true;
	ret = gh_vm_irqfd_signal(vm, d->irqfd);
	if (ret && !d->signal_err)
		d->signal_err = ret;
	if (!ret)
		d->signals++;
}

struct qdev_thread_arg {
	struct gh_vm *vm;
	struct qdev *d;
};

static void *qdev_thread(void *p)
{
	struct qdev_thread_arg a = *(struct qdev_thread_arg *)p;
	sigset_t set;
	char c;

	free(p);
	sigfillset(&set);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	while (read(a.d->pipe[0], &c, 1) == 1) {
		usleep(SIGNAL_DELAY_US);
		pthread_mutex_lock(&a.vm->lock);
		qdev_raise(a.vm, a.d);
		pthread_mutex_unlock(&a.vm->lock);
	}
	return NULL;
}

static bool qdev_mmio(struct gh_vm *vm, int vcpu, __u64 addr, __u32 len,
		      bool is_write, __u64 *data)
{
	struct qdev *d = vm->opaque;
	__u64 off = addr - GUEST_TESTDEV_BASE;

	if (addr < GUEST_TESTDEV_BASE || off >= 0x1000)
		return false;
	if (!is_write) {
		*data = off == TESTDEV_ARG ? DEV_ROUNDS :
			off == TESTDEV_IRQ_LINE ? d->line : 0;
		return true;
	}
	if (off == TESTDEV_SYNC) {
		if ((*data & 1) && d->has_thread) {
			if (write(d->pipe[1], "r", 1) != 1 && !d->signal_err)
				d->signal_err = -errno;
		} else {
			qdev_raise(vm, d);
		}
	} else if (off == TESTDEV_IRQ_ACK) {
		d->acks_low += !d->line;
		d->line = false;
	}
	return true;
}

/* ---- the VM's DT, as QEMU's virt machine and Gunyah accelerator write it ---- */

enum { PH_GIC = 0x8001, PH_CLK = 0x8000, PH_SWIOTLB = 0x8002 };

static void prop_reg(struct gh_fdt *f, __u64 base, __u64 size)
{
	__u32 c[4] = { base >> 32, (__u32)base, size >> 32, (__u32)size };

	gh_fdt_prop_cells(f, "reg", c, 4);
}

static void prop_irq(struct gh_fdt *f, __u32 type, __u32 nr, __u32 flags)
{
	__u32 c[3] = { type, nr, flags };

	gh_fdt_prop_cells(f, "interrupts", c, 3);
}

/*
 * @lent: a confidential guest (arm-confidential-guest with swiotlb-size):
 * slot 0 lent, slot 1 the trailing shared window. Otherwise one shared
 * slot. The FDT's size, or -1.
 */
static long qemu_write_dtb(void *buf, size_t size, bool lent)
{
	__u64 swiotlb = QEMU_RAM - QEMU_SWIOTLB;
	struct gh_fdt f;
	char node[64];
	int i;

	gh_fdt_init(&f, buf, size);
	gh_fdt_begin_node(&f, "");
	gh_fdt_prop_u32(&f, "interrupt-parent", PH_GIC);
	gh_fdt_prop_str(&f, "model", "linux,dummy-virt");
	gh_fdt_prop_u32(&f, "#size-cells", 2);
	gh_fdt_prop_u32(&f, "#address-cells", 2);
	gh_fdt_prop_str(&f, "compatible", "linux,dummy-virt");

	gh_fdt_begin_node(&f, "psci");
	gh_fdt_prop_u32(&f, "migrate", 0xc4000005);
	gh_fdt_prop_u32(&f, "cpu_on", 0xc4000003);
	gh_fdt_prop_u32(&f, "cpu_off", 0x84000002);
	gh_fdt_prop_u32(&f, "cpu_suspend", 0xc4000001);
	gh_fdt_prop_str(&f, "method", "hvc");
	gh_fdt_prop(&f, "compatible", "arm,psci-1.0\0arm,psci-0.2\0arm,psci",
		    sizeof("arm,psci-1.0\0arm,psci-0.2\0arm,psci"));
	gh_fdt_end_node(&f);

	snprintf(node, sizeof(node), "memory@%lx", QEMUVM_RAM_BASE);
	gh_fdt_begin_node(&f, node);
	prop_reg(&f, QEMUVM_RAM_BASE, QEMU_RAM);
	gh_fdt_prop_str(&f, "device_type", "memory");
	gh_fdt_end_node(&f);

	if (lent) {
		gh_fdt_begin_node(&f, "reserved-memory");
		gh_fdt_prop_u32(&f, "#address-cells", 2);
		gh_fdt_prop_u32(&f, "#size-cells", 2);
		gh_fdt_prop(&f, "ranges", NULL, 0);
		snprintf(node, sizeof(node), "restricted_dma_reserved@%llx",
			 QEMUVM_RAM_BASE + swiotlb);
		gh_fdt_begin_node(&f, node);
		gh_fdt_prop_str(&f, "compatible", "restricted-dma-pool");
		prop_reg(&f, QEMUVM_RAM_BASE + swiotlb, QEMU_SWIOTLB);
		gh_fdt_prop_u32(&f, "qcom,label", 1);	/* slot 1 */
		gh_fdt_prop_u32(&f, "phandle", PH_SWIOTLB);
		gh_fdt_end_node(&f);
		gh_fdt_end_node(&f);
	}

	gh_fdt_begin_node(&f, "chosen");
	gh_fdt_prop_str(&f, "stdout-path", "/pl011@9000000");
	gh_fdt_end_node(&f);

	snprintf(node, sizeof(node), "intc@%lx", QEMUVM_GICD_BASE);
	gh_fdt_begin_node(&f, node);
	gh_fdt_prop_u32(&f, "phandle", PH_GIC);
	{
		__u32 c[8] = { 0, QEMUVM_GICD_BASE, 0, 0x10000,
			       0, QEMUVM_GICR_BASE, 0, QEMUVM_GICR_SIZE };

		gh_fdt_prop_cells(&f, "reg", c, 8);
	}
	gh_fdt_prop_u32(&f, "#redistributor-regions", 1);
	gh_fdt_prop_str(&f, "compatible", "arm,gic-v3");
	gh_fdt_prop(&f, "ranges", NULL, 0);
	gh_fdt_prop_u32(&f, "#size-cells", 2);
	gh_fdt_prop_u32(&f, "#address-cells", 2);
	gh_fdt_prop(&f, "interrupt-controller", NULL, 0);
	gh_fdt_prop_u32(&f, "#interrupt-cells", 3);
	gh_fdt_end_node(&f);

	gh_fdt_begin_node(&f, "timer");
	{
		__u32 c[12] = { 1, 13, 4, 1, 14, 4, 1, 11, 4, 1, 10, 4 };

		gh_fdt_prop_cells(&f, "interrupts", c, 12);
	}
	gh_fdt_prop(&f, "always-on", NULL, 0);
	gh_fdt_prop_str(&f, "compatible", "arm,armv8-timer");
	gh_fdt_end_node(&f);

	gh_fdt_begin_node(&f, "apb-pclk");
	gh_fdt_prop_u32(&f, "phandle", PH_CLK);
	gh_fdt_prop_str(&f, "clock-output-names", "clk24mhz");
	gh_fdt_prop_u32(&f, "clock-frequency", 24000000);
	gh_fdt_prop_u32(&f, "#clock-cells", 0);
	gh_fdt_prop_str(&f, "compatible", "fixed-clock");
	gh_fdt_end_node(&f);

	gh_fdt_begin_node(&f, "pl011@9000000");
	{
		__u32 c[2] = { PH_CLK, PH_CLK };

		gh_fdt_prop(&f, "clock-names", "uartclk\0apb_pclk",
			    sizeof("uartclk\0apb_pclk"));
		gh_fdt_prop_cells(&f, "clocks", c, 2);
	}
	prop_irq(&f, 0, QEMUVM_UART_SPI, 4);
	prop_reg(&f, GUEST_UART_BASE, 0x1000);
	gh_fdt_prop(&f, "compatible", "arm,pl011\0arm,primecell",
		    sizeof("arm,pl011\0arm,primecell"));
	gh_fdt_end_node(&f);

	/* the test device, where virt's first virtio-mmio transport sits */
	snprintf(node, sizeof(node), "testdev@%lx", GUEST_TESTDEV_BASE);
	gh_fdt_begin_node(&f, node);
	prop_irq(&f, 0, QEMUVM_DEV_SPI, 4);
	prop_reg(&f, GUEST_TESTDEV_BASE, 0x1000);
	gh_fdt_prop_str(&f, "compatible", "linux,gunyah-selftest-dev");
	gh_fdt_end_node(&f);

	gh_fdt_begin_node(&f, "cpus");
	gh_fdt_prop_u32(&f, "#size-cells", 0);
	gh_fdt_prop_u32(&f, "#address-cells", 1);
	for (i = QEMU_VCPUS - 1; i >= 0; i--) {
		snprintf(node, sizeof(node), "cpu@%x", i);
		gh_fdt_begin_node(&f, node);
		gh_fdt_prop_u32(&f, "reg", i);
		gh_fdt_prop_str(&f, "enable-method", "psci");
		gh_fdt_prop_str(&f, "compatible", "arm,armv8");
		gh_fdt_prop_str(&f, "device_type", "cpu");
		gh_fdt_end_node(&f);
	}
	gh_fdt_end_node(&f);

	/* gunyah_arm_fdt_customize() */
	gh_fdt_begin_vm_config(&f, "qemu-vm", QEMUVM_RAM_BASE, PH_GIC);
	/* every shared slot but the one at the image's base: slot 1 */
	if (lent) {
		gh_fdt_begin_node(&f, "shm-1");
		gh_fdt_prop_str(&f, "vdevice-type", "shm");
		gh_fdt_prop_str(&f, "push-compatible", "dma");
		gh_fdt_prop(&f, "peer-default", NULL, 0);
		gh_fdt_prop_u64(&f, "dma_base", 0);
		gh_fdt_begin_node(&f, "memory");
		gh_fdt_prop_u32(&f, "label", 1);
		gh_fdt_prop_u32(&f, "#address-cells", 2);
		gh_fdt_prop_u64(&f, "base", QEMUVM_RAM_BASE + swiotlb);
		gh_fdt_end_node(&f);
		gh_fdt_end_node(&f);
	}
	for (i = 0; i < QEMUVM_NR_SPIS; i++) {
		char gen[48];

		snprintf(node, sizeof(node), "bell-%x", i);
		snprintf(gen, sizeof(gen), "/hypervisor/bell-%x", i);
		gh_fdt_begin_node(&f, node);
		gh_fdt_prop_str(&f, "vdevice-type", "doorbell");
		gh_fdt_prop_str(&f, "generate", gen);
		gh_fdt_prop_u32(&f, "label", i);
		gh_fdt_prop(&f, "peer-default", NULL, 0);
		gh_fdt_prop(&f, "source-can-clear", NULL, 0);
		prop_irq(&f, 0, i, 4);	/* GIC_FDT_IRQ_FLAGS_LEVEL_HI */
		gh_fdt_end_node(&f);
	}
	gh_fdt_end_node(&f);
	gh_fdt_end_node(&f);

	gh_fdt_end_node(&f);
	return gh_fdt_finish(&f);
}

/* ---- the VM ---- */

FIXTURE(qemu) {
	struct gh_vm vm;
	struct qdev dev;
	bool created;
};

FIXTURE_VARIANT(qemu) {
	bool lent;	/* confidential guest: RAM lent, a shared swiotlb window */
};

FIXTURE_VARIANT_ADD(qemu, shared) {
	.lent = false,
};

FIXTURE_VARIANT_ADD(qemu, lent_swiotlb) {
	.lent = true,
};

FIXTURE_SETUP(qemu)
{
	int r;

	memset(&self->vm, 0, sizeof(self->vm));
	self->vm.vm_fd = -1;
	self->vm.dev_fd = -1;
	memset(&self->dev, 0, sizeof(self->dev));
	self->dev.pipe[0] = -1;
	self->dev.pipe[1] = -1;
	r = gh_test_no_gunyah();
	if (r > 0)
		SKIP(return, GUNYAH_DEV " not present: not running on Gunyah");
	ASSERT_EQ(r, 0) TH_LOG("open " GUNYAH_DEV ": %s", strerror(-r));
}

static void stop_thread(struct qdev *d)
{
	if (d->pipe[1] >= 0)
		close(d->pipe[1]);
	d->pipe[1] = -1;
	if (d->has_thread)
		pthread_join(d->thread, NULL);
	d->has_thread = false;
	if (d->pipe[0] >= 0)
		close(d->pipe[0]);
	d->pipe[0] = -1;
}

FIXTURE_TEARDOWN(qemu)
{
	stop_thread(&self->dev);
	if (self->created) {
		gh_vm_destroy(&self->vm);
		gh_vm_free_mem(&self->vm);
	}
}

/* One RAM slot as QEMU's gunyah_set_user_memory_region() registers it. */
static int qemu_slot(struct gh_vm *vm, __u32 slot, __u64 off, __u64 size, bool lend)
{
	struct gunyah_userspace_memory_region region = {
		.label = slot,
		.flags = GH_MEM_ALLOW_READ | GH_MEM_ALLOW_WRITE | GH_MEM_ALLOW_EXEC,
		.guest_phys_addr = QEMUVM_RAM_BASE + off,
		.memory_size = size,
		.userspace_addr = (uintptr_t)vm->mem + off,
	};

	if (ioctl(vm->vm_fd, lend ? GH_VM_ANDROID_LEND_USER_MEM :
		  GH_VM_SET_USER_MEM_REGION, &region) < 0) {
		vm->err = errno;
		vm->err_what = lend ? "GH_VM_ANDROID_LEND_USER_MEM" :
				      "GH_VM_SET_USER_MEM_REGION";
		return -errno;
	}
	return 0;
}

/*
 * Create and start the VM: 0, 1 to skip (why), -errno (why). The steps in
 * QEMU's order: the VM, its RAM slots, the irqfds of the interrupt
 * controller, the vCPUs, the DTB, start.
 */
static int qemu_boot(struct gh_vm *vm, struct qdev *d, bool lent, char *why)
{
	size_t len = 0, lent_size = lent ? QEMU_RAM - QEMU_SWIOTLB : QEMU_RAM;
	struct qdev_thread_arg *a;
	void *image, *ram;
	long fdt;
	int i, ret;

	image = gh_test_load_payload("qemu_dev", &len);
	if (!image) {
		snprintf(why, WHY_LEN, "payload qemu_dev.bin not found");
		return -ENOENT;
	}
	ret = gh_vm_create(vm, GUNYAH_DEV);
	vm->mmio_fn = qdev_mmio;
	vm->opaque = d;
	if (ret)
		goto fail;

	/* RAM: one anonymous block, the window in it physically contiguous */
	ram = mmap(NULL, QEMU_RAM, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (ram == MAP_FAILED) {
		ret = -errno;
		vm->err_what = "mmap RAM";
		goto fail;
	}
	vm->mem = ram;
	vm->mem_size = QEMU_RAM;
	if (lent && !gh_alloc_phys_contiguous(QEMU_SWIOTLB, (char *)ram + lent_size)) {
		free(image);
		snprintf(why, WHY_LEN,
			 "no physically contiguous swiotlb window (page frame numbers need root)");
		return 1;
	}
	if (len > QEMU_DTB_OFF) {
		ret = -EFBIG;
		vm->err_what = "payload size";
		goto fail;
	}
	memcpy(ram, image, len);
	fdt = qemu_write_dtb((char *)ram + QEMU_DTB_OFF, GH_DTB_QEMU_SIZE, lent);
	if (fdt < 0) {
		ret = -ENOSPC;
		vm->err_what = "write the DTB";
		goto fail;
	}
	vm->dtb_ipa = QEMUVM_RAM_BASE + QEMU_DTB_OFF;
	vm->dtb_size = GH_DTB_QEMU_SIZE;
	vm->fdt_size = fdt;

	ret = qemu_slot(vm, 0, 0, lent_size, lent);
	if (!ret && lent)
		ret = qemu_slot(vm, 1, lent_size, QEMU_SWIOTLB, false);
	for (i = 0; !ret && i < QEMUVM_NR_SPIS; i++) {
		ret = gh_vm_declare_irqfd(vm, i, i, true);
		if (ret == i)
			ret = 0;
		else
			vm->err_what = "gh_vm_declare_irqfd";
	}
	if (!ret)
		ret = gh_vm_add_irqfds(vm);
	d->irqfd = gh_vm_irqfd_find(vm, QEMUVM_DEV_SPI);
	if (!ret)
		ret = gh_vm_add_vcpus(vm, QEMU_VCPUS);
	if (!ret)
		ret = gh_vm_set_dtb_config(vm);
	if (!ret && !pipe(d->pipe)) {
		a = malloc(sizeof(*a));
		if (a) {
			a->vm = vm;
			a->d = d;
			if (!pthread_create(&d->thread, NULL, qdev_thread, a))
				d->has_thread = true;
			else
				free(a);
		}
	}
	if (!ret)
		ret = gh_vm_start(vm);
	if (!ret) {
		free(image);
		return 0;
	}
fail:
	free(image);
	snprintf(why, WHY_LEN, "%s: %s", vm->err_what, strerror(-ret));
	return gh_test_not_implemented(-ret) ? 1 : ret;
}

TEST_F_TIMEOUT(qemu, boot_and_level_device, 90)
{
	struct gh_vm *vm = &self->vm;
	__u64 rep[MAX_REPORTS];
	char why[WHY_LEN];
	int i, n = 0, r, irqs;
	enum gh_run_end end;

	r = qemu_boot(vm, &self->dev, variant->lent, why);
	self->created = true;
	if (r > 0)
		SKIP(return, "%s", why);
	ASSERT_EQ(r, 0) TH_LOG("%s", why);
	TH_LOG("%s: DTB %zu bytes in a %zu-byte region at %#llx, %d level irqfds",
	       variant->lent ? "lent RAM, shared swiotlb window" : "shared RAM",
	       vm->fdt_size, vm->dtb_size, (unsigned long long)vm->dtb_ipa, vm->nr_irqfds);
	EXPECT_LT(vm->fdt_size, vm->dtb_size);

	end = gh_vm_run(vm, RUN_TIMEOUT_MS);
	stop_thread(&self->dev);
	vm->uart_buf[vm->uart_len] = '\0';
	TH_LOG("%s; console: \"%s\"", gh_end_str(vm), vm->uart_buf);
	for (i = 0; i < vm->mmio_count && n < MAX_REPORTS; i++) {
		if (vm->mmio_log[i].addr == GUEST_TESTDEV_BASE + TESTDEV_REPORT &&
		    vm->mmio_log[i].is_write)
			rep[n++] = vm->mmio_log[i].data;
	}
	for (i = 0; i < n; i++)
		TH_LOG("report %d: %#llx", i, (unsigned long long)rep[i]);

	ASSERT_EQ(end, GH_END_EXITED) TH_LOG("%s", gh_end_str(vm));
	EXPECT_EQ(vm->status, GUNYAH_VM_STATUS_EXITED);
	EXPECT_EQ(vm->exit_type, 1) TH_LOG("%s: want PSCI SYSTEM_OFF", gh_end_str(vm));
	EXPECT_NE(NULL, strstr(vm->uart_buf, "qemu_dev: booted"));
	EXPECT_NE(NULL, strstr(vm->uart_buf, "qemu_dev: done"));
	EXPECT_EQ(NULL, strstr(vm->uart_buf, "line low"))
		TH_LOG("an interrupt of the device while its line was low");
	EXPECT_EQ(self->dev.signal_err, 0) TH_LOG("irqfd signal: %s",
						  strerror(-self->dev.signal_err));
	EXPECT_EQ(self->dev.acks_low, 0);

	/* booted at the image parcel's base with x0 = the DTB */
	ASSERT_GE(n, 3);
	EXPECT_EQ(rep[0], vm->dtb_ipa);
	EXPECT_EQ(rep[1], 0xedfe0dd0);	/* FDT magic, read little-endian */
	EXPECT_GE(rep[2], 32 + QEMUVM_NR_SPIS) TH_LOG("the guest's GIC has %llu INTIDs",
						      (unsigned long long)rep[2]);
	ASSERT_NE(IRQT_TAG(rep[n - 1]), IRQT_TAG_ERROR)
		TH_LOG("guest error %llu", IRQT_VALUE(rep[n - 1]));

	/* as many interrupts as signals, all the device's, none more */
	EXPECT_EQ(self->dev.signals, DEV_ROUNDS);
	irqs = n - 4;
	EXPECT_EQ(irqs, DEV_ROUNDS)
		TH_LOG("%d interrupts for %d signals", irqs, self->dev.signals);
	for (i = 3; i < n - 1; i++) {
		EXPECT_EQ(IRQT_TAG(rep[i]), IRQT_TAG_IRQ) TH_LOG("report %d", i);
		EXPECT_EQ(IRQT_IRQ_INTID(rep[i]), GUEST_SPI_INTID(QEMUVM_DEV_SPI))
			TH_LOG("report %d: an interrupt of SPI %llu, never signalled", i,
			       IRQT_IRQ_INTID(rep[i]) - 32);
		EXPECT_EQ(IRQT_IRQ_N(rep[i]), i - 2) TH_LOG("report %d", i);
	}
	EXPECT_EQ(rep[n - 1], IRQT_COUNT(DEV_ROUNDS))
		TH_LOG("the guest counted %llu interrupts on its SPIs for %d signals",
		       IRQT_VALUE(rep[n - 1]), DEV_ROUNDS);
}

TEST_HARNESS_MAIN
