// SPDX-License-Identifier: GPL-2.0-only
/* Host memory ownership, recorded in the host stage-2 table: see mem.h. */
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
