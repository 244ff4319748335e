// SPDX-License-Identifier: GPL-2.0-only
/*
 * Doorbells: Gunyah's doorbell object with the host as its only source and
 * an SPI of a guest's vGIC as its receiver (the irqfds of the host's VMM).
 *
 * The semantics are the real hypervisor's (hyp/ipc/doorbell/src/
 * doorbell.c): a 64-bit flags word; doorbell_send ORs bits into it and
 * asserts the SPI, as a level if (flags & enable_mask) != 0 (then clears
 * the ack_mask bits at once) or else as an edge only; the vGIC asks again
 * (check_pending) when the guest deactivates, disables or clears the
 * interrupt, and the level holds while the guest has not had it since the
 * last send or (flags & enable_mask) != 0. Reset and creation values:
 * flags 0, enable_mask ~0, ack_mask 0.
 *
 * So with enable 1 / ack 1 (Linux's level irqfd) one send is one guest
 * interrupt and the level drops when the guest has handled it; with
 * ack 0 the level stays until doorbell_reset or doorbell_mask.
 *
 * A VM's doorbells live in pages from the page-table pool, allocated as
 * the RM creates them and freed with the VM. Everything runs under
 * hyp_lock.
 */
#include <string.h>

#include "doorbell.h"
#include "gunyah.h"
#include "vcpu.h"
#include "vgic.h"

static_assert(VM_DOORBELL_INTID_END == VGIC_MAX_INTID_END,
	      "vm.h's doorbell SPI range is the vGIC's");
static_assert(VM_DOORBELL_INTID_MIN == VGIC_NR_PRIVATE, "doorbells raise SPIs only");

struct doorbell {
	struct vgic_irq_source src;
	struct vm *vm;
	bool used;
	u32 intid;
	u64 capid;
	u64 flags;
	u64 enable_mask;
	u64 ack_mask;
};

/* One pool page of a VM's doorbells. */
struct bell_page {
	struct bell_page *next;
	struct doorbell db[(PGT_PAGE_SIZE - sizeof(void *)) / sizeof(struct doorbell)];
};

static_assert(sizeof(struct bell_page) <= PGT_PAGE_SIZE, "one page each");

/* Indexed like vms[]: a VM slot's pages, and how many doorbells it has. */
static struct bell_page *bell_pages[VM_MAX_VMS];
static unsigned int bell_count[VM_MAX_VMS];

static struct doorbell *bell_of(struct vgic_irq_source *src)
{
	return (struct doorbell *)((char *)src - offsetof(struct doorbell, src));
}

static bool bell_asserted(const struct doorbell *db)
{
	return db->flags & db->enable_mask;
}

/* The vGIC asks whether the level still holds (virq_check_pending). */
static bool doorbell_check_pending(struct vgic_irq_source *src, bool reasserted)
{
	struct doorbell *db = bell_of(src);

	/* Sent again since the guest had it: not yet seen, keep it. */
	return reasserted || bell_asserted(db);
}

int doorbell_send(struct doorbell *db, u64 new_flags, u64 *old_flags)
{
	bool level;

	/* As the real one: even 0 is a send (an edge if nothing is enabled). */
	*old_flags = db->flags;
	db->flags |= new_flags;
	level = bell_asserted(db);
	vgic_virq_assert(db->vm, db->intid, !level);
	/* A level assertion consumes the ack_mask bits at once. */
	if (level)
		db->flags &= ~db->ack_mask;
	return GH_ERROR_OK;
}

void doorbell_mask(struct doorbell *db, u64 enable_mask, u64 ack_mask)
{
	bool was = bell_asserted(db), now = db->flags & enable_mask;

	db->enable_mask = enable_mask;
	db->ack_mask = ack_mask;
	if (was && !now) {
		vgic_virq_clear(db->vm, db->intid);
	} else if (now) {
		if (!was)
			vgic_virq_assert(db->vm, db->intid, false);
		db->flags &= ~db->ack_mask;
	}
}

void doorbell_reset(struct doorbell *db)
{
	vgic_virq_clear(db->vm, db->intid);
	db->flags = 0;
	db->ack_mask = 0;
	db->enable_mask = ~0UL;
}

/* Like vm.c's lookup: a dying VM gets no new doorbells. */
static struct vm *bell_vm_get(u16 vmid)
{
	for (unsigned int i = 0; i < VM_MAX_VMS; i++) {
		if (vms[i].used && !vms[i].dying && vms[i].vmid == vmid)
			return &vms[i];
	}
	return NULL;
}

/* A free slot among @slot's pages, a new page if all are full (or NULL). */
static struct doorbell *bell_slot(unsigned int slot)
{
	struct bell_page *pg;

	if (bell_count[slot] >= VM_MAX_DOORBELLS)
		return NULL;
	for (pg = bell_pages[slot]; pg; pg = pg->next) {
		for (unsigned int i = 0; i < ARRAY_SIZE(pg->db); i++) {
			if (!pg->db[i].used)
				return &pg->db[i];
		}
	}
	pg = plat_s2_zalloc(0);
	if (!pg)
		return NULL;
	pg->next = bell_pages[slot];
	bell_pages[slot] = pg;
	return &pg->db[0];
}

int vm_doorbell_create(u16 vmid, u32 intid, u64 *capid)
{
	struct vm *vm = bell_vm_get(vmid);
	struct doorbell *db;
	unsigned int slot;
	int ret;

	if (!vm || intid < VM_DOORBELL_INTID_MIN ||
	    intid >= VM_DOORBELL_INTID_END)
		return GH_ERROR_ARG_INVAL;
	slot = (unsigned int)(vm - vms);
	db = bell_slot(slot);
	if (!db)
		return bell_count[slot] >= VM_MAX_DOORBELLS ?
		       GH_ERROR_NORESOURCES : GH_ERROR_NOMEM;

	memset(db, 0, sizeof(*db));
	db->src.check_pending = doorbell_check_pending;
	db->vm = vm;
	db->intid = intid;
	db->enable_mask = ~0UL;
	/* One source per line (else VIRQ_BOUND): two would fight over its level. */
	ret = vgic_source_bind(vm, intid, &db->src);
	if (ret)
		return ret;
	ret = host_cap_alloc_doorbell(db, &db->capid);
	if (ret) {
		vgic_source_unbind(vm, intid);
		return ret;
	}
	db->used = true;
	bell_count[slot]++;
	*capid = db->capid;
	return GH_ERROR_OK;
}

void vm_doorbells_reset(struct vm *vm)
{
	for (struct bell_page *pg = bell_pages[vm - vms]; pg; pg = pg->next) {
		for (unsigned int i = 0; i < ARRAY_SIZE(pg->db); i++) {
			if (pg->db[i].used)
				doorbell_reset(&pg->db[i]);
		}
	}
}

void vm_doorbells_free(struct vm *vm)
{
	unsigned int slot = (unsigned int)(vm - vms);
	struct bell_page *pg = bell_pages[slot], *next;

	for (; pg; pg = next) {
		for (unsigned int i = 0; i < ARRAY_SIZE(pg->db); i++) {
			struct doorbell *db = &pg->db[i];

			if (!db->used)
				continue;
			/* Revoked first: from here on the host cannot reach it. */
			host_cap_free(db->capid);
			vgic_source_unbind(vm, db->intid);
			db->used = false;
		}
		next = pg->next;
		plat_s2_free(pg, 0);
	}
	bell_pages[slot] = NULL;
	bell_count[slot] = 0;
}
