/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Doorbells from the host into guests (core/doorbell.c): the operations the
 * host's hypercalls (core/hypercall.c) and the VM teardown (core/vm.c) use.
 * vm_doorbell_create() is in vm.h. Everything runs under hyp_lock.
 */
#ifndef HYP_DOORBELL_H
#define HYP_DOORBELL_H

#include "types.h"

struct doorbell;
struct vm;

/*
 * flags |= @new_flags, *old_flags = the flags before; the SPI is asserted,
 * as a level if (flags & enable_mask) != 0 (the ack_mask bits are then
 * cleared at once), else as an edge only. Always GH_ERROR_OK.
 */
int doorbell_send(struct doorbell *db, u64 new_flags, u64 *old_flags);
/*
 * New masks: the level drops if no enabled flag is left, is asserted if
 * one is now enabled; while asserted the ack_mask bits are cleared.
 */
void doorbell_mask(struct doorbell *db, u64 enable_mask, u64 ack_mask);
/* flags 0, enable_mask ~0, ack_mask 0, the level dropped. */
void doorbell_reset(struct doorbell *db);

/*
 * core/vm.c: vm_reset() resets every doorbell of @vm, vm_destroy() frees
 * them (and their pool pages).
 */
void vm_doorbells_reset(struct vm *vm);
void vm_doorbells_free(struct vm *vm);

/* core/hypercall.c: the host's capability to a doorbell (send, mask, reset). */
int host_cap_alloc_doorbell(struct doorbell *db, u64 *capid);

#endif
