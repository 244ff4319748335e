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
	if (vm_maps_pa(vmid, pa, size))
		return GH_ERROR_BUSY;
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

static int vm_leaf(const struct pgtable *pgt, const struct pgt_leaf *leaf,
		   void *arg)
{
	/* Lent to @vmid, or shared (with @vmid on the RM's word: mem.h). */
	return lent_leaf(pgt, leaf, arg) && shared_leaf(pgt, leaf, NULL);
}

bool mem_owned_by_vm(u16 vmid, u64 pa, u64 size)
{
	if (!xfer_range_ok(pa, size))
		return false;
	return pgt_walk(xfer_s2, pa, size, vm_leaf, &vmid) == 0;
}
