/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Test-and-test-and-set spinlock on compiler atomics, so that the same code
 * builds for EL2 and for host unit tests. Only valid once the EL2 MMU is on
 * (exclusives need Normal cacheable memory).
 */
#ifndef HYP_SPINLOCK_H
#define HYP_SPINLOCK_H

#include "types.h"

typedef struct {
	u32 locked;
} spinlock_t;

#define SPINLOCK_INIT	{ 0 }

static inline void spin_lock(spinlock_t *l)
{
	while (__atomic_exchange_n(&l->locked, 1, __ATOMIC_ACQUIRE)) {
		while (__atomic_load_n(&l->locked, __ATOMIC_RELAXED))
			;
	}
}

static inline void spin_unlock(spinlock_t *l)
{
	__atomic_store_n(&l->locked, 0, __ATOMIC_RELEASE);
}

#endif
