// SPDX-License-Identifier: GPL-2.0-only
/*
 * AArch64 4 KiB-granule translation tables for EL2 stage-1 and stage-2.
 * See include/pgtable.h for the contract.
 */
#include "pgtable.h"

#define PTRS_PER_TABLE		512
#define LEVEL_BITS		9

#define PTE_VALID		BIT(0)
#define PTE_TABLE		BIT(1)	/* table at levels 0-2, page at level 3 */
#define PTE_TYPE_MASK		3UL
#define PTE_ADDR_MASK		0x0000fffffffff000UL	/* OA[47:12] */
#define PTE_SH_INNER		(3UL << 8)
#define PTE_AF			BIT(10)
#define PTE_XN			BIT(54)
#define PTE_STATE_SHIFT		55	/* software bits [56:55] */
#define PTE_STATE_MASK		(3UL << PTE_STATE_SHIFT)
#define PTE_OWNER_SHIFT		2	/* invalid entries: owner in [25:2] */
#define PTE_OWNER_MASK		((u64)PGT_OWNER_MAX << PTE_OWNER_SHIFT)

/* EL2 stage-1: MAIR_EL2 index 0 Device-nGnRE, 1 Normal WB (see arch/mmu.c) */
#define S1_ATTRIDX_MASK		(7UL << 2)
#define S1_ATTRIDX_DEVICE	(0UL << 2)
#define S1_ATTRIDX_NORMAL	(1UL << 2)
#define S1_AP_MASK		(3UL << 6)
#define S1_AP_RW		(1UL << 6)	/* AP[1] is RES1 at EL2 */
#define S1_AP_RO		(3UL << 6)

#define S2_MEMATTR_MASK		(0xfUL << 2)
#define S2_MEMATTR_DEVICE	(0x1UL << 2)	/* Device-nGnRE */
#define S2_MEMATTR_NORMAL	(0xfUL << 2)	/* Normal, inner/outer WB */
#define S2_AP_R			BIT(6)
#define S2_AP_W			BIT(7)

#define READ_PTE(p)		(*(volatile u64 *)(p))
#define WRITE_PTE(p, v)		(*(volatile u64 *)(p) = (v))

static unsigned int level_shift(unsigned int level)
{
	return PGT_PAGE_SHIFT + LEVEL_BITS * (3 - level);
}

static u64 level_size(unsigned int level)
{
	return 1UL << level_shift(level);
}

static bool pte_is_table(u64 pte, unsigned int level)
{
	return level < 3 && (pte & PTE_TYPE_MASK) == (PTE_VALID | PTE_TABLE);
}

static u64 *pte_table(u64 pte)
{
	return (u64 *)(uintptr_t)(pte & PTE_ADDR_MASK);
}

int pgt_init(struct pgtable *pgt, enum pgt_stage stage, unsigned int ia_bits,
	     const struct pgt_ops *ops)
{
	/* Stage-2 may concatenate up to 16 tables at the start level. */
	unsigned int max_root_bits = LEVEL_BITS + (stage == PGT_STAGE2 ? 4 : 0);
	unsigned int level = 3, root_bits;

	if (ia_bits < 32 || ia_bits > PGT_MAX_IA_BITS)
		return PGT_EINVAL;
	while (ia_bits - level_shift(level) > max_root_bits)
		level--;
	root_bits = ia_bits - level_shift(level);

	pgt->stage = stage;
	pgt->ia_bits = ia_bits;
	pgt->start_level = level;
	pgt->root_order = root_bits > LEVEL_BITS ? root_bits - LEVEL_BITS : 0;
	pgt->ops = ops;
	pgt->root = ops->zalloc_pages(pgt->root_order);
	return pgt->root ? 0 : PGT_ENOMEM;
}

static bool range_ok(const struct pgtable *pgt, u64 addr, u64 size)
{
	u64 limit = 1UL << pgt->ia_bits;

	return size && IS_ALIGNED(addr | size, PGT_PAGE_SIZE) &&
	       addr < limit && size <= limit - addr;
}

static bool prot_ok(const struct pgtable *pgt, unsigned int prot)
{
	if (prot & ~(PGT_PROT_RW | PGT_PROT_X | PGT_PROT_DEVICE))
		return false;
	if ((prot & PGT_PROT_DEVICE) && (prot & PGT_PROT_X))
		return false;
	if (pgt->stage == PGT_STAGE2)
		return prot & PGT_PROT_RW;
	/* EL2 stage-1: always readable, never writable and executable. */
	return (prot & PGT_PROT_R) &&
	       (prot & (PGT_PROT_W | PGT_PROT_X)) != (PGT_PROT_W | PGT_PROT_X);
}

/* Leaf attributes, without output address and descriptor type bits. */
static u64 leaf_attrs(const struct pgtable *pgt, unsigned int prot,
		      enum pgt_state state)
{
	u64 attrs = PTE_AF | PTE_SH_INNER |
		    ((u64)state << PTE_STATE_SHIFT);

	if (!(prot & PGT_PROT_X))
		attrs |= PTE_XN;
	if (pgt->stage == PGT_STAGE1_EL2) {
		attrs |= (prot & PGT_PROT_W) ? S1_AP_RW : S1_AP_RO;
		attrs |= (prot & PGT_PROT_DEVICE) ? S1_ATTRIDX_DEVICE :
						    S1_ATTRIDX_NORMAL;
	} else {
		attrs |= (prot & PGT_PROT_R) ? S2_AP_R : 0;
		attrs |= (prot & PGT_PROT_W) ? S2_AP_W : 0;
		attrs |= (prot & PGT_PROT_DEVICE) ? S2_MEMATTR_DEVICE :
						    S2_MEMATTR_NORMAL;
	}
	return attrs;
}

/* Replace an entry, with break-before-make if the old one was valid. */
static void set_pte(const struct pgtable *pgt, u64 *ptep, u64 new, u64 addr,
		    unsigned int level)
{
	u64 old = READ_PTE(ptep);

	if (old == new)
		return;
	/* The walker ignores software bits: no break-before-make for them. */
	if ((old & PTE_VALID) && !((old ^ new) & ~PTE_STATE_MASK)) {
		WRITE_PTE(ptep, new);
		return;
	}
	if ((old & PTE_VALID) && pgt->tlbi_deferred && !(new & PTE_VALID)) {
		WRITE_PTE(ptep, new);
		return;
	}
	if (old & PTE_VALID) {
		WRITE_PTE(ptep, 0);
		pgt->ops->tlb_inval(pgt, addr, level);
	}
	WRITE_PTE(ptep, new);
}

/* Turn a leaf into a table of next-level leaves describing the same thing. */
static int split(const struct pgtable *pgt, u64 *ptep, unsigned int level,
		 u64 addr)
{
	u64 pte = READ_PTE(ptep);
	u64 *child = pgt->ops->zalloc_pages(0);
	unsigned int i;

	if (!child)
		return PGT_ENOMEM;
	if (pte & PTE_VALID) {
		u64 attrs = pte & ~(PTE_ADDR_MASK | PTE_TYPE_MASK);
		u64 type = level + 1 == 3 ? PTE_VALID | PTE_TABLE : PTE_VALID;
		u64 pa = pte & PTE_ADDR_MASK;

		for (i = 0; i < PTRS_PER_TABLE; i++)
			child[i] = (pa + i * level_size(level + 1)) | attrs | type;
	} else {
		for (i = 0; i < PTRS_PER_TABLE; i++)
			child[i] = pte;
	}
	set_pte(pgt, ptep, (u64)(uintptr_t)child | PTE_VALID | PTE_TABLE,
		addr, level);
	return 0;
}

struct pgt_op {
	u64 addr, end;
	bool map;
	u64 pa;		/* map: output address of op->addr */
	u64 attrs;	/* map: leaf attributes; unmap: invalid entry */
	bool commit;	/* false: split only; true: write leaves */
};

static u64 op_leaf(const struct pgt_op *op, u64 addr, unsigned int level)
{
	if (!op->map)
		return op->attrs;
	return (op->pa + (addr - op->addr)) | op->attrs | PTE_VALID |
	       (level == 3 ? PTE_TABLE : 0);
}

/* Can [addr, addr + level_size) become a single leaf of @op? */
static bool op_fits_leaf(const struct pgt_op *op, u64 addr,
			 unsigned int level)
{
	u64 size = level_size(level);

	if (!IS_ALIGNED(addr, size) || op->end - addr < size)
		return false;
	if (!op->map)
		return true;
	/* No level-0 blocks with a 4 KiB granule; blocks need an aligned OA. */
	return level >= 1 && IS_ALIGNED(op->pa + (addr - op->addr), size);
}

static int apply(const struct pgtable *pgt, const struct pgt_op *op,
		 u64 *table, unsigned int level, u64 base, u64 limit)
{
	u64 addr = MAX(op->addr, base), end = MIN(op->end, limit);
	int ret;

	while (addr < end) {
		u64 entry = addr & ~(level_size(level) - 1);
		u64 next = entry + level_size(level);
		u64 *ptep = &table[(entry - base) >> level_shift(level)];

		if (!pte_is_table(READ_PTE(ptep), level)) {
			if (op_fits_leaf(op, addr, level)) {
				if (op->commit)
					set_pte(pgt, ptep,
						op_leaf(op, addr, level),
						entry, level);
				addr = next;
				continue;
			}
			/* The prepare pass has split everything commit needs. */
			if (op->commit)
				return PGT_EINVAL;
			ret = split(pgt, ptep, level, entry);
			if (ret)
				return ret;
		}
		ret = apply(pgt, op, pte_table(READ_PTE(ptep)), level + 1,
			    entry, next);
		if (ret)
			return ret;
		addr = next;
	}
	return 0;
}

static int run_op(struct pgtable *pgt, struct pgt_op *op)
{
	u64 limit = 1UL << pgt->ia_bits;
	int ret;

	op->commit = false;
	ret = apply(pgt, op, pgt->root, pgt->start_level, 0, limit);
	if (ret)
		return ret;
	op->commit = true;
	return apply(pgt, op, pgt->root, pgt->start_level, 0, limit);
}

int pgt_map(struct pgtable *pgt, u64 addr, u64 size, u64 pa,
	    unsigned int prot, enum pgt_state state)
{
	struct pgt_op op = {
		.addr = addr, .end = addr + size, .map = true, .pa = pa,
	};

	if (!range_ok(pgt, addr, size) || !prot_ok(pgt, prot) ||
	    !IS_ALIGNED(pa, PGT_PAGE_SIZE) ||
	    pa > PTE_ADDR_MASK || size > PTE_ADDR_MASK + PGT_PAGE_SIZE - pa ||
	    state > PGT_STATE_SHARED_MAPPED)
		return PGT_EINVAL;
	op.attrs = leaf_attrs(pgt, prot, state);
	return run_op(pgt, &op);
}

int pgt_unmap(struct pgtable *pgt, u64 addr, u64 size, unsigned int owner)
{
	struct pgt_op op = {
		.addr = addr, .end = addr + size, .map = false,
		.attrs = (u64)owner << PTE_OWNER_SHIFT,
	};

	if (!range_ok(pgt, addr, size) || owner > PGT_OWNER_MAX)
		return PGT_EINVAL;
	return run_op(pgt, &op);
}

static int walk(const struct pgtable *pgt, u64 *table, unsigned int level,
		u64 base, u64 limit, u64 addr, u64 end, pgt_walk_fn fn,
		void *arg)
{
	int ret;

	addr = MAX(addr, base);
	end = MIN(end, limit);
	while (addr < end) {
		u64 entry = addr & ~(level_size(level) - 1);
		u64 next = entry + level_size(level);
		u64 pte = READ_PTE(&table[(entry - base) >> level_shift(level)]);

		if (pte_is_table(pte, level)) {
			ret = walk(pgt, pte_table(pte), level + 1, entry, next,
				   addr, end, fn, arg);
		} else {
			struct pgt_leaf leaf = {
				.addr = addr, .size = MIN(next, end) - addr,
				.pte = pte, .level = level,
			};

			ret = fn(pgt, &leaf, arg);
		}
		if (ret)
			return ret;
		addr = next;
	}
	return 0;
}

int pgt_walk(const struct pgtable *pgt, u64 addr, u64 size, pgt_walk_fn fn,
	     void *arg)
{
	if (!range_ok(pgt, addr, size))
		return PGT_EINVAL;
	return walk(pgt, pgt->root, pgt->start_level, 0, 1UL << pgt->ia_bits,
		    addr, addr + size, fn, arg);
}

static int lookup_cb(const struct pgtable *pgt, const struct pgt_leaf *leaf,
		     void *arg)
{
	(void)pgt;
	*(struct pgt_leaf *)arg = *leaf;
	return 1;
}

struct pgt_leaf pgt_lookup(const struct pgtable *pgt, u64 addr)
{
	struct pgt_leaf leaf = { 0 };
	u64 page = addr & ~(PGT_PAGE_SIZE - 1);

	pgt_walk(pgt, page, PGT_PAGE_SIZE, lookup_cb, &leaf);
	if (leaf.size) {
		/* Widen to the whole leaf so callers see its full extent. */
		leaf.addr &= ~(level_size(leaf.level) - 1);
		leaf.size = level_size(leaf.level);
	}
	return leaf;
}

bool pgt_leaf_valid(const struct pgt_leaf *leaf)
{
	return leaf->pte & PTE_VALID;
}

u64 pgt_leaf_pa(const struct pgt_leaf *leaf)
{
	return (leaf->pte & PTE_ADDR_MASK) +
	       (leaf->addr & (level_size(leaf->level) - 1));
}

unsigned int pgt_leaf_prot(const struct pgtable *pgt,
			   const struct pgt_leaf *leaf)
{
	u64 pte = leaf->pte;
	unsigned int prot = 0;

	if (!(pte & PTE_VALID))
		return 0;
	if (!(pte & PTE_XN))
		prot |= PGT_PROT_X;
	if (pgt->stage == PGT_STAGE1_EL2) {
		prot |= PGT_PROT_R;
		if ((pte & S1_AP_MASK) == S1_AP_RW)
			prot |= PGT_PROT_W;
		if ((pte & S1_ATTRIDX_MASK) == S1_ATTRIDX_DEVICE)
			prot |= PGT_PROT_DEVICE;
	} else {
		if (pte & S2_AP_R)
			prot |= PGT_PROT_R;
		if (pte & S2_AP_W)
			prot |= PGT_PROT_W;
		if ((pte & S2_MEMATTR_MASK) == S2_MEMATTR_DEVICE)
			prot |= PGT_PROT_DEVICE;
	}
	return prot;
}

enum pgt_state pgt_leaf_state(const struct pgt_leaf *leaf)
{
	return (leaf->pte & PTE_STATE_MASK) >> PTE_STATE_SHIFT;
}

unsigned int pgt_leaf_owner(const struct pgt_leaf *leaf)
{
	if (leaf->pte & PTE_VALID)
		return PGT_OWNER_NONE;
	return (leaf->pte & PTE_OWNER_MASK) >> PTE_OWNER_SHIFT;
}

static void free_table(const struct pgtable *pgt, u64 *table,
		       unsigned int level, unsigned int order)
{
	unsigned int i, n = PTRS_PER_TABLE << order;

	for (i = 0; level < 3 && i < n; i++)
		if (pte_is_table(READ_PTE(&table[i]), level))
			free_table(pgt, pte_table(READ_PTE(&table[i])),
				   level + 1, 0);
	pgt->ops->free_pages(table, order);
}

void pgt_destroy(struct pgtable *pgt)
{
	if (!pgt->root)
		return;
	if (pgt->ops->free_pages)
		free_table(pgt, pgt->root, pgt->start_level, pgt->root_order);
	pgt->root = NULL;
}
