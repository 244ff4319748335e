// SPDX-License-Identifier: GPL-2.0-only
/* Host memory ownership, recorded in the host stage-2 table: see mem.h. */
#include <string.h>
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

struct share {
	u64 base, end;
	u16 vmid;
	bool used;
};

static struct share shares[MEM_MAX_SHARES];

void mem_set_host_s2(struct pgtable *s2)
{
	xfer_s2 = s2;
	memset(shares, 0, sizeof(shares));
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

static struct share *free_share(void)
{
	for (unsigned int i = 0; i < MEM_MAX_SHARES; i++)
		if (!shares[i].used)
			return &shares[i];
	return NULL;
}

/* A record of @vmid that [base, end) extends at either side. */
static struct share *adjacent_share(u16 vmid, u64 base, u64 end)
{
	for (unsigned int i = 0; i < MEM_MAX_SHARES; i++) {
		struct share *s = &shares[i];

		if (s->used && s->vmid == vmid &&
		    (s->end == base || s->base == end))
			return s;
	}
	return NULL;
}

static int pgt_err(int ret)
{
	if (ret == PGT_ENOMEM)
		return GH_ERROR_NOMEM;
	return ret ? GH_ERROR_ARG_INVAL : GH_ERROR_OK;
}

int mem_xfer_to_vm(u16 vmid, u64 pa, u64 size, enum mem_xfer type)
{
	struct share *s = NULL;
	int ret = mem_xfer_check(pa, size);

	if (ret)
		return ret;
	if (type == MEM_XFER_SHARE) {
		s = adjacent_share(vmid, pa, pa + size);
		if (!s)
			s = free_share();
		if (!s)
			return GH_ERROR_NORESOURCES;
		ret = pgt_map(xfer_s2, pa, size, pa, PGT_PROT_RW | PGT_PROT_X,
			      PGT_STATE_SHARED_OWNED);
		if (ret)
			return pgt_err(ret);
		if (!s->used)
			*s = (struct share){ pa, pa + size, vmid, true };
		else if (s->end == pa)
			s->end = pa + size;
		else
			s->base = pa;
		return GH_ERROR_OK;
	} else if (type == MEM_XFER_LEND) {
		/* Each replaced entry is invalidated for VMID 0 (tlb_inval). */
		ret = pgt_unmap(xfer_s2, pa, size, PGT_OWNER_VM(vmid));
	} else {
		return GH_ERROR_ARG_INVAL;
	}
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

/*
 * Is [base, end) covered by @vmid's share records? *splits: how many new
 * records cutting it out would need.
 */
static bool shares_cover(u16 vmid, u64 base, u64 end, unsigned int *splits)
{
	u64 covered = 0;

	*splits = 0;
	for (unsigned int i = 0; i < MEM_MAX_SHARES; i++) {
		const struct share *s = &shares[i];

		if (!s->used || s->end <= base || s->base >= end)
			continue;
		if (s->vmid != vmid)
			return false;
		covered += MIN(s->end, end) - MAX(s->base, base);
		if (s->base < base && s->end > end)
			(*splits)++;
	}
	return covered == end - base;
}

static void shares_remove(u64 base, u64 end)
{
	for (unsigned int i = 0; i < MEM_MAX_SHARES; i++) {
		struct share *s = &shares[i];

		if (!s->used || s->end <= base || s->base >= end)
			continue;
		if (s->base < base && s->end > end) {
			struct share *t = free_share();	/* checked before */

			*t = (struct share){ end, s->end, s->vmid, true };
			s->end = base;
		} else if (s->base < base) {
			s->end = base;
		} else if (s->end > end) {
			s->base = end;
		} else {
			s->used = false;
		}
	}
}

static unsigned int nr_free_shares(void)
{
	unsigned int n = 0;

	for (unsigned int i = 0; i < MEM_MAX_SHARES; i++)
		n += !shares[i].used;
	return n;
}

int mem_xfer_to_host(u16 vmid, u64 pa, u64 size, enum mem_xfer type,
		     bool sanitize)
{
	unsigned int splits;
	int ret;

	if (!xfer_range_ok(pa, size))
		return GH_ERROR_ARG_INVAL;
	if (type == MEM_XFER_SHARE) {
		if (pgt_walk(xfer_s2, pa, size, shared_leaf, NULL) ||
		    !shares_cover(vmid, pa, pa + size, &splits))
			return GH_ERROR_DENIED;
		if (splits > nr_free_shares())
			return GH_ERROR_NORESOURCES;
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
	if (type == MEM_XFER_SHARE)
		shares_remove(pa, pa + size);
	return GH_ERROR_OK;
}

static int vm_leaf(const struct pgtable *pgt, const struct pgt_leaf *leaf,
		   void *arg)
{
	u16 vmid = *(const u16 *)arg;
	unsigned int splits;

	if (!lent_leaf(pgt, leaf, arg))
		return 0;
	if (shared_leaf(pgt, leaf, NULL))
		return 1;
	return !shares_cover(vmid, leaf->addr, leaf->addr + leaf->size,
			     &splits);
}

bool mem_owned_by_vm(u16 vmid, u64 pa, u64 size)
{
	if (!xfer_range_ok(pa, size))
		return false;
	return pgt_walk(xfer_s2, pa, size, vm_leaf, &vmid) == 0;
}
