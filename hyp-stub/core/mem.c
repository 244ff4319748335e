// SPDX-License-Identifier: GPL-2.0-only
/* Host memory ownership, recorded in the host stage-2 table: see mem.h. */
#include "gunyah.h"
#include "mem.h"

int mem_host_s2_init(struct pgtable *s2, const struct host_mem_layout *l)
{
	unsigned int i;
	int ret;

	for (i = 0; i < l->nr_ram; i++) {
		ret = pgt_map(s2, l->ram[i].base, l->ram[i].size,
			      l->ram[i].base, PGT_PROT_RW | PGT_PROT_X,
			      PGT_STATE_OWNED);
		if (ret)
			return ret;
	}
	for (i = 0; i < l->nr_dev; i++) {
		ret = pgt_map(s2, l->dev[i].base, l->dev[i].size,
			      l->dev[i].base, PGT_PROT_RW | PGT_PROT_DEVICE,
			      PGT_STATE_OWNED);
		if (ret)
			return ret;
	}
	/* Explicit even though never mapped: records who owns it. */
	return pgt_unmap(s2, l->hyp.base, l->hyp.size, PGT_OWNER_HYP);
}

struct access_check {
	bool write;
};

static int check_leaf(const struct pgtable *pgt, const struct pgt_leaf *leaf,
		      void *arg)
{
	const struct access_check *c = arg;
	unsigned int prot = pgt_leaf_prot(pgt, leaf);

	if (!pgt_leaf_valid(leaf) || (prot & PGT_PROT_DEVICE) ||
	    !(prot & PGT_PROT_R) || (c->write && !(prot & PGT_PROT_W)))
		return 1;
	return 0;
}

bool mem_host_can_access(const struct pgtable *s2, u64 ipa, u64 size,
			 bool write)
{
	struct access_check c = { .write = write };
	u64 start = ipa & ~(PGT_PAGE_SIZE - 1);
	u64 end;

	if (!size)
		return true;
	if (ipa + size < ipa)
		return false;
	end = ALIGN_UP(ipa + size, PGT_PAGE_SIZE);
	if (end < start + PGT_PAGE_SIZE)	/* wrapped at the top */
		return false;
	return pgt_walk(s2, start, end - start, check_leaf, &c) == 0;
}

/* ------------------------------------------------ ownership transfers */

static struct pgtable *xfer_s2;

void mem_set_host_s2(struct pgtable *s2)
{
	xfer_s2 = s2;
}

static bool xfer_range_ok(u64 pa, u64 size)
{
	return xfer_s2 && size && IS_ALIGNED(pa | size, PGT_PAGE_SIZE) &&
	       pa + size > pa && pa + size <= (1UL << xfer_s2->ia_bits);
}

/* Host-owned, exclusively, Normal RAM (never device space or the stub's). */
static int owned_leaf(const struct pgtable *pgt, const struct pgt_leaf *leaf,
		      void *arg)
{
	unsigned int prot = pgt_leaf_prot(pgt, leaf);

	(void)arg;
	if (!pgt_leaf_valid(leaf) || pgt_leaf_state(leaf) != PGT_STATE_OWNED ||
	    (prot & PGT_PROT_DEVICE) || pgt_leaf_pa(leaf) != leaf->addr)
		return 1;
	return 0;
}

int mem_xfer_check(u64 pa, u64 size)
{
	if (!xfer_range_ok(pa, size))
		return GH_ERROR_ARG_INVAL;
	if (pgt_walk(xfer_s2, pa, size, owned_leaf, NULL))
		return GH_ERROR_DENIED;
	return GH_ERROR_OK;
}

static int pgt_err(int ret)
{
	if (ret == PGT_ENOMEM)
		return GH_ERROR_NOMEM;
	return ret ? GH_ERROR_ARG_INVAL : GH_ERROR_OK;
}

int mem_xfer_to_vm(u16 vmid, u64 pa, u64 size, enum mem_xfer type)
{
	int ret = mem_xfer_check(pa, size);

	if (ret)
		return ret;
	if (type == MEM_XFER_SHARE)
		ret = pgt_map(xfer_s2, pa, size, pa, PGT_PROT_RW | PGT_PROT_X,
			      PGT_STATE_SHARED_OWNED);
	else if (type == MEM_XFER_LEND)
		/* Each replaced entry is invalidated for VMID 0 (tlb_inval). */
		ret = pgt_unmap(xfer_s2, pa, size, PGT_OWNER_VM(vmid));
	else
		return GH_ERROR_ARG_INVAL;
	return pgt_err(ret);
}

static int lent_leaf(const struct pgtable *pgt, const struct pgt_leaf *leaf,
		     void *arg)
{
	(void)pgt;
	return pgt_leaf_valid(leaf) ||
	       pgt_leaf_owner(leaf) != PGT_OWNER_VM(*(const u16 *)arg);
}

static int shared_leaf(const struct pgtable *pgt, const struct pgt_leaf *leaf,
		       void *arg)
{
	(void)pgt;
	(void)arg;
	return !pgt_leaf_valid(leaf) ||
	       pgt_leaf_state(leaf) != PGT_STATE_SHARED_OWNED;
}

int mem_xfer_to_host(u16 vmid, u64 pa, u64 size, enum mem_xfer type,
		     bool sanitize)
{
	int ret;

	if (!xfer_range_ok(pa, size))
		return GH_ERROR_ARG_INVAL;
	/* The VM must have unmapped the pages first (vm_unmap()). */
	if (mem_borrower_maps(vmid, pa, size))
		return GH_ERROR_BUSY;
	if (type == MEM_XFER_SHARE) {
		/* Shared, with @vmid on the RM's word: see mem.h. */
		if (pgt_walk(xfer_s2, pa, size, shared_leaf, NULL))
			return GH_ERROR_DENIED;
	} else if (type == MEM_XFER_LEND) {
		if (pgt_walk(xfer_s2, pa, size, lent_leaf, &vmid))
			return GH_ERROR_DENIED;
		sanitize = true;
	} else {
		return GH_ERROR_ARG_INVAL;
	}
	/*
	 * Zero before the host can see the pages again. If remapping then
	 * runs out of table memory, the pages stay with the VM, zeroed.
	 */
	if (sanitize)
		plat_mem_zero(pa, size);
	ret = pgt_map(xfer_s2, pa, size, pa, PGT_PROT_RW | PGT_PROT_X,
		      PGT_STATE_OWNED);
	if (ret)
		return pgt_err(ret);
	return GH_ERROR_OK;
}

/* ------------------------------------------------ borrower mappings */

enum borrow_kind {
	BORROW_NONE,		/* not this VM's page */
	BORROW_LENT,
	BORROW_LENT_MAPPED,
	BORROW_SHARED,		/* with @vmid on the RM's word: see mem.h */
	BORROW_SHARED_MAPPED,
};

static enum borrow_kind borrow_kind(const struct pgt_leaf *leaf, u16 vmid)
{
	if (!pgt_leaf_valid(leaf)) {
		if (pgt_leaf_owner(leaf) == PGT_OWNER_VM(vmid))
			return BORROW_LENT;
		if (pgt_leaf_owner(leaf) == PGT_OWNER_VM_MAPPED(vmid))
			return BORROW_LENT_MAPPED;
		return BORROW_NONE;
	}
	if (pgt_leaf_state(leaf) == PGT_STATE_SHARED_OWNED)
		return BORROW_SHARED;
	if (pgt_leaf_state(leaf) == PGT_STATE_SHARED_MAPPED)
		return BORROW_SHARED_MAPPED;
	return BORROW_NONE;
}

struct borrow_walk {
	u16 vmid;
	enum borrow_kind from[2];
};

/* Every leaf is one of the two kinds @from[] (the walk's argument). */
static int kinds_leaf(const struct pgtable *pgt, const struct pgt_leaf *leaf,
		      void *arg)
{
	const struct borrow_walk *w = arg;
	enum borrow_kind kind = borrow_kind(leaf, w->vmid);

	(void)pgt;
	return kind != w->from[0] && kind != w->from[1];
}

/* What a leaf of @kind becomes when its "mapped" mark is flipped. */
static enum borrow_kind flipped(enum borrow_kind kind)
{
	switch (kind) {
	case BORROW_LENT:
		return BORROW_LENT_MAPPED;
	case BORROW_LENT_MAPPED:
		return BORROW_LENT;
	case BORROW_SHARED:
		return BORROW_SHARED_MAPPED;
	case BORROW_SHARED_MAPPED:
		return BORROW_SHARED;
	default:
		return BORROW_NONE;
	}
}

static int set_kind(u16 vmid, u64 pa, u64 size, enum borrow_kind kind)
{
	int ret;

	if (kind == BORROW_LENT || kind == BORROW_LENT_MAPPED)
		ret = pgt_unmap(xfer_s2, pa, size, kind == BORROW_LENT ?
				PGT_OWNER_VM(vmid) : PGT_OWNER_VM_MAPPED(vmid));
	else
		/* Software bits only: no break-before-make for the host. */
		ret = pgt_map(xfer_s2, pa, size, pa, PGT_PROT_RW | PGT_PROT_X,
			      kind == BORROW_SHARED ? PGT_STATE_SHARED_OWNED :
						      PGT_STATE_SHARED_MAPPED);
	return pgt_err(ret);
}

/*
 * Flip the mark of every leaf in [pa, end), leaf by leaf (a range may mix
 * lent and shared pages). Returns where it stopped: @end, or the start of
 * a piece that could not be changed (no table memory for a split).
 */
static u64 flip_range(u16 vmid, u64 pa, u64 end, int *err)
{
	while (pa < end) {
		struct pgt_leaf leaf = pgt_lookup(xfer_s2, pa);
		u64 next = MIN(leaf.addr + leaf.size, end);

		*err = set_kind(vmid, pa, next - pa,
				flipped(borrow_kind(&leaf, vmid)));
		if (*err)
			return pa;
		pa = next;
	}
	return end;
}

/* Check every page is @from[0] or @from[1], then flip all or nothing. */
static int flip_marks(u16 vmid, u64 pa, u64 size, enum borrow_kind from0,
		      enum borrow_kind from1)
{
	struct borrow_walk w = { .vmid = vmid, .from = { from0, from1 } };
	int err = GH_ERROR_OK, undo_err;
	u64 done;

	if (!xfer_range_ok(pa, size))
		return GH_ERROR_ARG_INVAL;
	if (pgt_walk(xfer_s2, pa, size, kinds_leaf, &w))
		return GH_ERROR_DENIED;
	done = flip_range(vmid, pa, pa + size, &err);
	/* Undoing needs no memory: the changed pieces are split already. */
	if (err)
		flip_range(vmid, pa, done, &undo_err);
	return err;
}

int mem_borrower_map(u16 vmid, u64 pa, u64 size)
{
	return flip_marks(vmid, pa, size, BORROW_LENT, BORROW_SHARED);
}

int mem_borrower_unmap(u16 vmid, u64 pa, u64 size)
{
	return flip_marks(vmid, pa, size, BORROW_LENT_MAPPED,
			  BORROW_SHARED_MAPPED);
}

static int mapped_leaf(const struct pgtable *pgt, const struct pgt_leaf *leaf,
		       void *arg)
{
	enum borrow_kind kind = borrow_kind(leaf, *(const u16 *)arg);

	(void)pgt;
	return kind == BORROW_LENT_MAPPED || kind == BORROW_SHARED_MAPPED;
}

bool mem_borrower_maps(u16 vmid, u64 pa, u64 size)
{
	return xfer_range_ok(pa, size) &&
	       pgt_walk(xfer_s2, pa, size, mapped_leaf, &vmid) != 0;
}
