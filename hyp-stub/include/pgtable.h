/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Portable AArch64 translation tables (4 KiB granule) for the EL2 stage-1
 * regime and for stage-2. The same code runs at EL2 and in host unit tests;
 * table memory comes from pgt_ops and is addressed by its identity-mapped
 * physical address (the stub runs with VA == PA).
 *
 * pgt_map() and pgt_unmap() are all-or-nothing: a first pass splits blocks
 * (the only step that allocates, and one that does not change what is
 * mapped), a second pass writes the leaves and cannot fail. Replacing a valid
 * entry always goes through break-before-make with ops->tlb_inval().
 *
 * Ownership lives in the leaves: valid leaves carry a page state in software
 * bits, invalid leaves carry the owner of the memory behind them.
 */
#ifndef HYP_PGTABLE_H
#define HYP_PGTABLE_H

#include "types.h"

#define PGT_PAGE_SHIFT		12
#define PGT_PAGE_SIZE		(1UL << PGT_PAGE_SHIFT)
#define PGT_MAX_IA_BITS		48

#define PGT_EINVAL		(-22)
#define PGT_ENOMEM		(-12)

enum pgt_stage {
	PGT_STAGE1_EL2,		/* EL2 (non-VHE) stage-1: single VA range */
	PGT_STAGE2,		/* EL1&0 stage-2, concatenated root allowed */
};

/* Access and type of a mapping, turned into stage-specific bits */
#define PGT_PROT_R		BIT(0)
#define PGT_PROT_W		BIT(1)
#define PGT_PROT_X		BIT(2)
#define PGT_PROT_DEVICE		BIT(3)	/* Device-nGnRE instead of Normal WB */
#define PGT_PROT_RW		(PGT_PROT_R | PGT_PROT_W)

/* State of a mapped page for the table's user (pKVM-style) */
enum pgt_state {
	PGT_STATE_OWNED,		/* exclusively owned */
	PGT_STATE_SHARED_OWNED,		/* owned and shared with another VM */
	PGT_STATE_SHARED_BORROWED,	/* owned by another VM, shared with us */
	PGT_STATE_SHARED_MAPPED,	/* SHARED_OWNED, and the borrower maps it */
};

/* Owner recorded in an invalid leaf (24 bits) */
#define PGT_OWNER_NONE		0	/* nothing the table's user may reach */
#define PGT_OWNER_HYP		1	/* hypervisor-private memory */
#define PGT_OWNER_VM_BASE	0x10000	/* | vmid: lent to that VM */
#define PGT_OWNER_VM(vmid)	(PGT_OWNER_VM_BASE | (u16)(vmid))
/* | vmid: lent to that VM, which maps it in its stage-2 */
#define PGT_OWNER_VM_MAPPED_BASE	0x20000
#define PGT_OWNER_VM_MAPPED(vmid)	(PGT_OWNER_VM_MAPPED_BASE | (u16)(vmid))
#define PGT_OWNER_MAX		0xffffffU

struct pgtable;

struct pgt_ops {
	/* Zeroed, naturally aligned 2^order pages; NULL when exhausted. */
	void *(*zalloc_pages)(unsigned int order);
	/*
	 * The valid entry mapping @addr at @level has just been zeroed:
	 * make that visible and invalidate the TLBs before it is rewritten.
	 */
	void (*tlb_inval)(const struct pgtable *pgt, u64 addr,
			  unsigned int level);
	/* Optional: give back what zalloc_pages() returned (pgt_destroy). */
	void (*free_pages)(void *p, unsigned int order);
};

struct pgtable {
	u64 *root;
	const struct pgt_ops *ops;
	enum pgt_stage stage;
	unsigned int ia_bits;
	unsigned int start_level;
	unsigned int root_order;	/* root is 2^root_order pages */
	u16 vmid;			/* stage-2: for the user's tlb_inval */
	/*
	 * Only invalidating entries (unmap) and the caller flushes the whole
	 * table's TLB entries afterwards: skip the per-entry tlb_inval().
	 */
	bool tlbi_deferred;
};

/* One leaf (or the part of it inside the walked range) */
struct pgt_leaf {
	u64 addr;
	u64 size;
	u64 pte;
	unsigned int level;
};

typedef int (*pgt_walk_fn)(const struct pgtable *pgt,
			   const struct pgt_leaf *leaf, void *arg);

int pgt_init(struct pgtable *pgt, enum pgt_stage stage, unsigned int ia_bits,
	     const struct pgt_ops *ops);
int pgt_map(struct pgtable *pgt, u64 addr, u64 size, u64 pa,
	    unsigned int prot, enum pgt_state state);
int pgt_unmap(struct pgtable *pgt, u64 addr, u64 size, unsigned int owner);
/* Free every table page through ops->free_pages (TLBs are the caller's). */
void pgt_destroy(struct pgtable *pgt);
/* Calls @fn for every leaf overlapping [addr, addr + size); stops on non-zero. */
int pgt_walk(const struct pgtable *pgt, u64 addr, u64 size, pgt_walk_fn fn,
	     void *arg);
/* The leaf containing @addr, or a zero-sized one when @addr is out of range. */
struct pgt_leaf pgt_lookup(const struct pgtable *pgt, u64 addr);

bool pgt_leaf_valid(const struct pgt_leaf *leaf);
u64 pgt_leaf_pa(const struct pgt_leaf *leaf);		/* PA of leaf->addr */
unsigned int pgt_leaf_prot(const struct pgtable *pgt,
			   const struct pgt_leaf *leaf);
enum pgt_state pgt_leaf_state(const struct pgt_leaf *leaf);
unsigned int pgt_leaf_owner(const struct pgt_leaf *leaf);

#endif
