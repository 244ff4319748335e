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
#include "vm.h"

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

/*
 * The host stage-2 that mem_xfer_*() change: set once by the platform
 * (arch/mmu.c) or a unit test before the first transfer.
 */
void mem_set_host_s2(struct pgtable *s2);

/*
 * Who a page is shared with is not recorded at EL2. A shared page's host
 * leaf says SHARED_OWNED (software bits [56:55]); the bits left in the
 * descriptor cannot hold an 8-bit VMID, and a side table would either be
 * bounded (the old 4096-record table refused fragmented guests) or sized
 * by host RAM. So for shares the mechanisms check the page state only:
 * sharing a shared or lent page is DENIED, unsharing (mem_xfer_to_host
 * SHARE) and vm_map() of a shared page require it to be SHARED_OWNED, and
 * the borrower is the RM's word: the RM (in the TCB) gives back and maps a
 * parcel's ranges only for the VM of that parcel, found by handle, and a
 * page is in at most one parcel because sharing it twice is DENIED. Lent
 * pages do record their VM (PGT_OWNER_VM(vmid) in the invalid leaf) and
 * are checked against it. No table, no limit: every transfer is one
 * check walk and one commit of the host stage-2 range.
 */

/*
 * Provided by the platform (host tests mock them). plat_mem_zero() clears
 * [pa, pa + size) and makes the zeroes visible to any later observer.
 */
void plat_mem_zero(u64 pa, u64 size);

/*
 * Whether the borrower maps a page is recorded with its ownership in the
 * host stage-2 leaf (a lent page's owner PGT_OWNER_VM_MAPPED(vmid), a
 * shared page's state SHARED_MAPPED), so the checks below walk only the
 * page's own range, never a VM's whole stage-2.
 *
 * mem_borrower_map(): every page of [pa, pa + size) is lent to @vmid or
 * shared, and not mapped yet: mark it mapped (else GH_ERROR_DENIED; all
 * or nothing). mem_borrower_unmap() is the inverse. mem_borrower_maps():
 * is any page of the range marked mapped (by @vmid for lent pages)?
 */
int mem_borrower_map(u16 vmid, u64 pa, u64 size);
int mem_borrower_unmap(u16 vmid, u64 pa, u64 size);
bool mem_borrower_maps(u16 vmid, u64 pa, u64 size);

#endif
