// SPDX-License-Identifier: GPL-2.0-only
/*
 * Doorbells: Gunyah's doorbell object with the host as its only source and
 * an SPI of a guest's vGIC as its receiver (the irqfds of the host's VMM).
 *
 * A doorbell holds a 64-bit flags word. The host ORs bits into it
 * (doorbell_send); the SPI is asserted while (flags & enable_mask) != 0.
 * When the guest takes the interrupt, the vGIC calls back and the bits of
 * ack_mask are cleared, then the level is evaluated again. So with the
 * reset masks (all ones) every send after an acknowledgment is one new
 * interrupt (edge-like), while ack_mask 0 keeps the line asserted until the
 * host resets the doorbell (Linux's level irqfd).
 *
 * A fixed pool of VM_MAX_DOORBELLS per VM slot, no allocation. Everything
 * runs under hyp_lock.
 */
#include <string.h>

#include "doorbell.h"
#include "gunyah.h"
#include "vcpu.h"
#include "vgic.h"

static_assert(VM_DOORBELL_INTID_END == VGIC_NR_IRQS,
	      "vm.h's doorbell SPI range is the vGIC's");
static_assert(VM_DOORBELL_INTID_MIN == 32, "doorbells raise SPIs only");

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

/* Indexed like vms[]: a VM slot's doorbells. */
static struct doorbell bells[VM_MAX_VMS][VM_MAX_DOORBELLS];

static struct doorbell *bell_of(struct vgic_irq_source *src)
{
	return (struct doorbell *)((char *)src - offsetof(struct doorbell, src));
}

static void doorbell_update(struct doorbell *db)
{
	vgic_set_level(db->vm, db->intid, (db->flags & db->enable_mask) != 0);
}

/* The guest took the interrupt (vGIC callback). */
static void doorbell_ack(struct vgic_irq_source *src)
{
	struct doorbell *db = bell_of(src);

	db->flags &= ~db->ack_mask;
	doorbell_update(db);
}

int doorbell_send(struct doorbell *db, u64 new_flags, u64 *old_flags)
{
	bool asserted;

	/* As in Gunyah: sending nothing is a caller bug, not a no-op. */
	if (!new_flags)
		return GH_ERROR_ARG_INVAL;
	asserted = db->flags & db->enable_mask;
	*old_flags = db->flags;
	db->flags |= new_flags;
	doorbell_update(db);
	/* Every send is an event, even when the line was already up. */
	if (asserted)
		vgic_signal_event(db->vm, db->intid);
	return GH_ERROR_OK;
}

void doorbell_mask(struct doorbell *db, u64 enable_mask, u64 ack_mask)
{
	db->enable_mask = enable_mask;
	db->ack_mask = ack_mask;
	doorbell_update(db);
}

void doorbell_reset(struct doorbell *db)
{
	db->flags = 0;
	db->enable_mask = ~0UL;
	db->ack_mask = ~0UL;
	doorbell_update(db);
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

int vm_doorbell_create(u16 vmid, u32 intid, u64 *capid)
{
	struct vm *vm = bell_vm_get(vmid);
	struct doorbell *pool, *db = NULL;
	int ret;

	if (!vm || intid < VM_DOORBELL_INTID_MIN ||
	    intid >= VM_DOORBELL_INTID_END)
		return GH_ERROR_ARG_INVAL;
	pool = bells[vm - vms];
	for (unsigned int i = 0; i < VM_MAX_DOORBELLS && !db; i++) {
		if (!pool[i].used)
			db = &pool[i];
	}
	if (!db)
		return GH_ERROR_NORESOURCES;

	memset(db, 0, sizeof(*db));
	db->src.ack = doorbell_ack;
	db->vm = vm;
	db->intid = intid;
	db->enable_mask = ~0UL;
	db->ack_mask = ~0UL;
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
	*capid = db->capid;
	return GH_ERROR_OK;
}

void vm_doorbells_reset(struct vm *vm)
{
	struct doorbell *pool = bells[vm - vms];

	for (unsigned int i = 0; i < VM_MAX_DOORBELLS; i++) {
		if (pool[i].used)
			doorbell_reset(&pool[i]);
	}
}

void vm_doorbells_free(struct vm *vm)
{
	struct doorbell *pool = bells[vm - vms];

	for (unsigned int i = 0; i < VM_MAX_DOORBELLS; i++) {
		struct doorbell *db = &pool[i];

		if (!db->used)
			continue;
		/* Revoked first: from here on the host cannot reach it. */
		host_cap_free(db->capid);
		vgic_source_unbind(vm, db->intid);
		db->used = false;
	}
}
