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
 * flags |= @new_flags (0 is GH_ERROR_ARG_INVAL), *old_flags = the flags
 * before; the SPI is asserted while (flags & enable_mask) != 0.
 */
int doorbell_send(struct doorbell *db, u64 new_flags, u64 *old_flags);
/* New masks; the SPI's level follows at once. */
void doorbell_mask(struct doorbell *db, u64 enable_mask, u64 ack_mask);
/* flags 0, enable_mask = ack_mask = ~0, the SPI deasserted. */
void doorbell_reset(struct doorbell *db);

/* core/vm.c: vm_reset() resets every doorbell of @vm, vm_destroy() frees them. */
void vm_doorbells_reset(struct vm *vm);
void vm_doorbells_free(struct vm *vm);

/* core/hypercall.c: the host's capability to a doorbell (send, mask, reset). */
int host_cap_alloc_doorbell(struct doorbell *db, u64 *capid);

#endif
