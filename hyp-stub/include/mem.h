/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Host memory ownership.
 *
 * The host's stage-2 table is the one record of what the host may touch:
 * valid leaves carry the page state (owned/shared), invalid leaves the owner
 * of memory the host lost. Every change is check-then-commit under hyp_lock:
 * pgt_walk() checks the state of every page in the range, then pgt_map() or
 * pgt_unmap() commits the new state and changes nothing if it fails.
 */
#ifndef HYP_MEM_H
#define HYP_MEM_H

#include "pgtable.h"

struct mem_range {
	u64 base;
	u64 size;
};

struct host_mem_layout {
	const struct mem_range *ram;	/* host RAM, hypervisor region excluded */
	unsigned int nr_ram;
	const struct mem_range *dev;	/* device windows the host drives */
	unsigned int nr_dev;
	struct mem_range hyp;		/* hypervisor-private memory */
};

static inline u64 mem_range_end(const struct mem_range *r)
{
	return r->base + r->size;
}

/* Identity-map the host: RAM Normal RWX owned, devices RW XN, hyp unmapped. */
int mem_host_s2_init(struct pgtable *s2, const struct host_mem_layout *l);

/*
 * True if the host may read (and with @write, write) every byte of
 * [ipa, ipa + size) as Normal memory. Caller holds hyp_lock.
 */
bool mem_host_can_access(const struct pgtable *s2, u64 ipa, u64 size,
			 bool write);

#endif
