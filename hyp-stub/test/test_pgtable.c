// SPDX-License-Identifier: GPL-2.0-only
/* Host tests for core/pgtable.c and core/mem.c. */
#include <stdlib.h>
#include "unit.h"
#include "fake_pages.h"
#include "pgtable.h"
#include "mem.h"

static int nr_inval;
static u64 last_inval_addr;
static unsigned int last_inval_level;

static void test_tlb_inval(const struct pgtable *pgt, u64 addr,
			   unsigned int level)
{
	(void)pgt;
	nr_inval++;
	last_inval_addr = addr;
	last_inval_level = level;
}

static const struct pgt_ops ops = {
	.zalloc_pages = fake_zalloc,
	.tlb_inval = test_tlb_inval,
};

static void reset(void)
{
	fake_pages_reset();
	nr_inval = 0;
}

#define GB	0x40000000UL
#define MB2	0x200000UL
#define KB4	0x1000UL

TEST(init_levels)
{
	struct pgtable p;

	reset();
	ASSERT_EQ(pgt_init(&p, PGT_STAGE2, 40, &ops), 0);
	EXPECT_EQ(p.start_level, 1);
	EXPECT_EQ(p.root_order, 1);	/* two concatenated level-1 tables */
	EXPECT_TRUE(IS_ALIGNED((uintptr_t)p.root, 2 * PGT_PAGE_SIZE));
	ASSERT_EQ(pgt_init(&p, PGT_STAGE1_EL2, 39, &ops), 0);
	EXPECT_EQ(p.start_level, 1);
	EXPECT_EQ(p.root_order, 0);
	ASSERT_EQ(pgt_init(&p, PGT_STAGE1_EL2, 40, &ops), 0);
	EXPECT_EQ(p.start_level, 0);
	ASSERT_EQ(pgt_init(&p, PGT_STAGE2, 44, &ops), 0);
	EXPECT_EQ(p.start_level, 0);
	EXPECT_EQ(p.root_order, 0);
	ASSERT_EQ(pgt_init(&p, PGT_STAGE2, 42, &ops), 0);
	EXPECT_EQ(p.start_level, 1);
	EXPECT_EQ(p.root_order, 3);
	EXPECT_EQ(pgt_init(&p, PGT_STAGE2, 49, &ops), PGT_EINVAL);
	EXPECT_EQ(pgt_init(&p, PGT_STAGE2, 31, &ops), PGT_EINVAL);
	alloc_budget = 0;
	EXPECT_EQ(pgt_init(&p, PGT_STAGE2, 40, &ops), PGT_ENOMEM);
	reset();
}

TEST(stage2_block_encoding)
{
	struct pgtable p;
	struct pgt_leaf l;

	reset();
	ASSERT_EQ(pgt_init(&p, PGT_STAGE2, 40, &ops), 0);
	ASSERT_EQ(pgt_map(&p, GB, GB, GB, PGT_PROT_RW | PGT_PROT_X,
			  PGT_STATE_OWNED), 0);
	l = pgt_lookup(&p, GB + 0x1234);
	EXPECT_EQ(l.level, 1);
	EXPECT_EQ(l.addr, GB);
	EXPECT_EQ(l.size, GB);
	/* block | MemAttr WB | S2AP RW | SH inner | AF, executable */
	EXPECT_EQ(l.pte, GB | 0x7fd);
	EXPECT_EQ(pgt_leaf_prot(&p, &l), PGT_PROT_RW | PGT_PROT_X);
	EXPECT_EQ(pgt_leaf_state(&l), PGT_STATE_OWNED);
	/* The second concatenated root table is used above 512 GiB. */
	ASSERT_EQ(pgt_map(&p, 0x8000000000UL, GB, 0x8000000000UL,
			  PGT_PROT_RW | PGT_PROT_DEVICE,
			  PGT_STATE_SHARED_BORROWED), 0);
	EXPECT_EQ(p.root[512], 0x8000000000UL | 0x7c5 | BIT(54) | BIT(56));
	l = pgt_lookup(&p, 0x8000000000UL);
	EXPECT_EQ(pgt_leaf_prot(&p, &l), PGT_PROT_RW | PGT_PROT_DEVICE);
	EXPECT_EQ(pgt_leaf_state(&l), PGT_STATE_SHARED_BORROWED);
	EXPECT_EQ(nr_inval, 0);		/* nothing valid was replaced */
	reset();
}

TEST(stage1_page_encoding)
{
	struct pgtable p;
	struct pgt_leaf l;

	reset();
	ASSERT_EQ(pgt_init(&p, PGT_STAGE1_EL2, 39, &ops), 0);
	ASSERT_EQ(pgt_map(&p, 0x40201000, KB4, 0x40201000, PGT_PROT_RW,
			  PGT_STATE_OWNED), 0);
	l = pgt_lookup(&p, 0x40201000);
	EXPECT_EQ(l.level, 3);
	/* page | AttrIndx 1 | AP RW (AP[1] RES1) | SH | AF | XN */
	EXPECT_EQ(l.pte, 0x40201000 | 0x747 | BIT(54));
	EXPECT_EQ(pgt_leaf_prot(&p, &l), PGT_PROT_RW);
	ASSERT_EQ(pgt_map(&p, 0x9000000, KB4, 0x9000000,
			  PGT_PROT_RW | PGT_PROT_DEVICE, PGT_STATE_OWNED), 0);
	l = pgt_lookup(&p, 0x9000000);
	EXPECT_EQ(l.pte & 0x1c, 0);	/* AttrIndx 0: device */
	EXPECT_EQ(pgt_leaf_prot(&p, &l), PGT_PROT_RW | PGT_PROT_DEVICE);
	ASSERT_EQ(pgt_map(&p, 0x40200000, KB4, 0x40200000,
			  PGT_PROT_R | PGT_PROT_X, PGT_STATE_OWNED), 0);
	l = pgt_lookup(&p, 0x40200000);
	EXPECT_EQ(pgt_leaf_prot(&p, &l), PGT_PROT_R | PGT_PROT_X);
	EXPECT_EQ(l.pte & (3UL << 6), 3UL << 6);	/* read-only */
	reset();
}

TEST(bad_arguments)
{
	struct pgtable p, s1;

	reset();
	ASSERT_EQ(pgt_init(&p, PGT_STAGE2, 40, &ops), 0);
	ASSERT_EQ(pgt_init(&s1, PGT_STAGE1_EL2, 39, &ops), 0);
	EXPECT_EQ(pgt_map(&p, 0x800, KB4, 0, PGT_PROT_RW, 0), PGT_EINVAL);
	EXPECT_EQ(pgt_map(&p, 0, 0x800, 0, PGT_PROT_RW, 0), PGT_EINVAL);
	EXPECT_EQ(pgt_map(&p, 0, 0, 0, PGT_PROT_RW, 0), PGT_EINVAL);
	EXPECT_EQ(pgt_map(&p, 0, KB4, 0x800, PGT_PROT_RW, 0), PGT_EINVAL);
	EXPECT_EQ(pgt_map(&p, 1UL << 40, KB4, 0, PGT_PROT_RW, 0), PGT_EINVAL);
	EXPECT_EQ(pgt_map(&p, (1UL << 40) - KB4, 2 * KB4, 0, PGT_PROT_RW, 0),
		  PGT_EINVAL);
	EXPECT_EQ(pgt_map(&p, 0, ~0UL & ~(KB4 - 1), 0, PGT_PROT_RW, 0),
		  PGT_EINVAL);
	EXPECT_EQ(pgt_map(&p, 0, KB4, 1UL << 48, PGT_PROT_RW, 0), PGT_EINVAL);
	EXPECT_EQ(pgt_map(&p, 0, 2 * KB4, (1UL << 48) - KB4, PGT_PROT_RW, 0),
		  PGT_EINVAL);
	EXPECT_EQ(pgt_map(&p, 0, KB4, 0, 0, 0), PGT_EINVAL);
	EXPECT_EQ(pgt_map(&p, 0, KB4, 0, PGT_PROT_RW | PGT_PROT_X |
			  PGT_PROT_DEVICE, 0), PGT_EINVAL);
	EXPECT_EQ(pgt_map(&p, 0, KB4, 0, PGT_PROT_RW | BIT(7), 0), PGT_EINVAL);
	EXPECT_EQ(pgt_map(&p, 0, KB4, 0, PGT_PROT_RW, 4), PGT_EINVAL);
	EXPECT_EQ(pgt_map(&s1, 0, KB4, 0, PGT_PROT_RW | PGT_PROT_X, 0),
		  PGT_EINVAL);
	EXPECT_EQ(pgt_map(&s1, 0, KB4, 0, PGT_PROT_W, 0), PGT_EINVAL);
	EXPECT_EQ(pgt_unmap(&p, 0, KB4, PGT_OWNER_MAX + 1), PGT_EINVAL);
	EXPECT_EQ(pgt_unmap(&p, KB4, 0, 0), PGT_EINVAL);
	EXPECT_EQ(pgt_walk(&p, 1UL << 40, KB4, NULL, NULL), PGT_EINVAL);
	EXPECT_EQ(pgt_lookup(&p, 1UL << 40).size, 0);
	reset();
}

TEST(unmap_page_splits_block)
{
	struct pgtable p;
	struct pgt_leaf l;

	reset();
	ASSERT_EQ(pgt_init(&p, PGT_STAGE2, 40, &ops), 0);
	ASSERT_EQ(pgt_map(&p, GB, GB, GB, PGT_PROT_RW | PGT_PROT_X,
			  PGT_STATE_OWNED), 0);
	ASSERT_EQ(pgt_unmap(&p, GB + 3 * MB2 + 5 * KB4, KB4, 7), 0);
	/* Two block breaks for the splits, then the page itself. */
	EXPECT_EQ(nr_inval, 3);
	EXPECT_EQ(last_inval_addr, GB + 3 * MB2 + 5 * KB4);
	EXPECT_EQ(last_inval_level, 3);
	l = pgt_lookup(&p, GB + 3 * MB2 + 5 * KB4);
	EXPECT_FALSE(pgt_leaf_valid(&l));
	EXPECT_EQ(l.level, 3);
	EXPECT_EQ(pgt_leaf_owner(&l), 7);
	l = pgt_lookup(&p, GB + 3 * MB2 + 6 * KB4);
	EXPECT_TRUE(pgt_leaf_valid(&l));
	EXPECT_EQ(l.level, 3);
	EXPECT_EQ(pgt_leaf_pa(&l), GB + 3 * MB2 + 6 * KB4);
	EXPECT_EQ(pgt_leaf_prot(&p, &l), PGT_PROT_RW | PGT_PROT_X);
	l = pgt_lookup(&p, GB + 4 * MB2);
	EXPECT_EQ(l.level, 2);
	EXPECT_EQ(pgt_leaf_pa(&l), GB + 4 * MB2);
	l = pgt_lookup(&p, 2 * GB - KB4);
	EXPECT_EQ(l.addr, 2 * GB - MB2);
	EXPECT_EQ(pgt_leaf_pa(&l), 2 * GB - MB2);
	/* Map the page back: no new tables, one invalid -> valid write. */
	nr_inval = 0;
	ASSERT_EQ(pgt_map(&p, GB + 3 * MB2 + 5 * KB4, KB4,
			  GB + 3 * MB2 + 5 * KB4, PGT_PROT_R,
			  PGT_STATE_SHARED_OWNED), 0);
	EXPECT_EQ(nr_inval, 0);
	l = pgt_lookup(&p, GB + 3 * MB2 + 5 * KB4);
	EXPECT_EQ(pgt_leaf_prot(&p, &l), PGT_PROT_R);
	EXPECT_EQ(pgt_leaf_state(&l), PGT_STATE_SHARED_OWNED);
	/* Changing a valid leaf is break-before-make. */
	ASSERT_EQ(pgt_map(&p, GB + 3 * MB2 + 5 * KB4, KB4,
			  GB + 3 * MB2 + 5 * KB4, PGT_PROT_RW,
			  PGT_STATE_OWNED), 0);
	EXPECT_EQ(nr_inval, 1);
	EXPECT_EQ(last_inval_level, 3);
	/* Same again: nothing to do. */
	ASSERT_EQ(pgt_map(&p, GB + 3 * MB2 + 5 * KB4, KB4,
			  GB + 3 * MB2 + 5 * KB4, PGT_PROT_RW,
			  PGT_STATE_OWNED), 0);
	EXPECT_EQ(nr_inval, 1);
	reset();
}

TEST(split_invalid_keeps_owner)
{
	struct pgtable p;
	struct pgt_leaf l;

	reset();
	ASSERT_EQ(pgt_init(&p, PGT_STAGE2, 40, &ops), 0);
	ASSERT_EQ(pgt_unmap(&p, 0, 1UL << 40, PGT_OWNER_HYP), 0);
	l = pgt_lookup(&p, 0x123456789000UL & ((1UL << 40) - 1));
	EXPECT_EQ(l.level, 1);
	EXPECT_EQ(pgt_leaf_owner(&l), PGT_OWNER_HYP);
	ASSERT_EQ(pgt_map(&p, GB + KB4, KB4, GB + KB4, PGT_PROT_RW, 0), 0);
	l = pgt_lookup(&p, GB);
	EXPECT_EQ(l.level, 3);
	EXPECT_EQ(pgt_leaf_owner(&l), PGT_OWNER_HYP);
	l = pgt_lookup(&p, GB + MB2);
	EXPECT_EQ(l.level, 2);
	EXPECT_EQ(pgt_leaf_owner(&l), PGT_OWNER_HYP);
	EXPECT_EQ(nr_inval, 0);
	reset();
}

/* Only the software state changes: no break-before-make, no TLBI. */
TEST(state_change_without_bbm)
{
	struct pgtable p;
	struct pgt_leaf l;

	reset();
	ASSERT_EQ(pgt_init(&p, PGT_STAGE2, 40, &ops), 0);
	ASSERT_EQ(pgt_map(&p, GB, KB4, GB, PGT_PROT_RW, PGT_STATE_SHARED_OWNED),
		  0);
	ASSERT_EQ(pgt_map(&p, GB, KB4, GB, PGT_PROT_RW,
			  PGT_STATE_SHARED_MAPPED), 0);
	EXPECT_EQ(nr_inval, 0);
	l = pgt_lookup(&p, GB);
	EXPECT_EQ(pgt_leaf_state(&l), PGT_STATE_SHARED_MAPPED);
	EXPECT_EQ(pgt_leaf_pa(&l), GB);
	/* Anything else that changes is still break-before-make. */
	ASSERT_EQ(pgt_map(&p, GB, KB4, GB, PGT_PROT_R,
			  PGT_STATE_SHARED_MAPPED), 0);
	EXPECT_EQ(nr_inval, 1);
	reset();
}

TEST(block_needs_aligned_output)
{
	struct pgtable p;
	struct pgt_leaf l;

	reset();
	ASSERT_EQ(pgt_init(&p, PGT_STAGE2, 40, &ops), 0);
	/* 2 MiB-aligned input but only 4 KiB-aligned output: pages. */
	ASSERT_EQ(pgt_map(&p, GB, MB2, GB + KB4, PGT_PROT_RW, 0), 0);
	l = pgt_lookup(&p, GB + MB2 - KB4);
	EXPECT_EQ(l.level, 3);
	EXPECT_EQ(pgt_leaf_pa(&l), GB + MB2);
	/* Level-0 blocks do not exist with a 4 KiB granule. */
	ASSERT_EQ(pgt_init(&p, PGT_STAGE2, 44, &ops), 0);
	ASSERT_EQ(pgt_map(&p, 0, 1UL << 39, 0, PGT_PROT_RW, 0), 0);
	l = pgt_lookup(&p, (1UL << 39) - 1);
	EXPECT_EQ(l.level, 1);
	reset();
}

TEST(enomem_changes_nothing)
{
	struct pgtable p;
	struct pgt_leaf l;
	u64 page = GB + 3 * MB2 + 5 * KB4;

	reset();
	ASSERT_EQ(pgt_init(&p, PGT_STAGE2, 40, &ops), 0);
	ASSERT_EQ(pgt_map(&p, GB, GB, GB, PGT_PROT_RW, 0), 0);
	alloc_budget = 1;	/* a page unmap needs two tables */
	EXPECT_EQ(pgt_unmap(&p, page, KB4, PGT_OWNER_HYP), PGT_ENOMEM);
	l = pgt_lookup(&p, page);
	EXPECT_TRUE(pgt_leaf_valid(&l));
	EXPECT_EQ(pgt_leaf_pa(&l) + (page - l.addr), page);
	EXPECT_EQ(pgt_leaf_prot(&p, &l), PGT_PROT_RW);
	/* Retrying with memory succeeds and reuses the level-2 split. */
	alloc_budget = 1;
	EXPECT_EQ(pgt_unmap(&p, page, KB4, PGT_OWNER_HYP), 0);
	l = pgt_lookup(&p, page);
	EXPECT_FALSE(pgt_leaf_valid(&l));
	reset();
}

struct walk_sum {
	u64 total;
	u64 next;
	int contiguous;
};

static int sum_cb(const struct pgtable *pgt, const struct pgt_leaf *leaf,
		  void *arg)
{
	struct walk_sum *s = arg;

	(void)pgt;
	if (leaf->addr != s->next)
		s->contiguous = 0;
	s->next = leaf->addr + leaf->size;
	s->total += leaf->size;
	return 0;
}

TEST(walk_covers_range_exactly)
{
	struct pgtable p;
	struct walk_sum s = { 0, GB - KB4, 1 };

	reset();
	ASSERT_EQ(pgt_init(&p, PGT_STAGE2, 40, &ops), 0);
	ASSERT_EQ(pgt_map(&p, GB, GB, GB, PGT_PROT_RW, 0), 0);
	ASSERT_EQ(pgt_unmap(&p, GB + MB2, KB4, 0), 0);
	ASSERT_EQ(pgt_walk(&p, GB - KB4, GB + 2 * KB4, sum_cb, &s), 0);
	EXPECT_EQ(s.total, GB + 2 * KB4);
	EXPECT_TRUE(s.contiguous);
	reset();
}

static const struct mem_range ram[] = {
	{ 0x41000000, 0x3f000000 },
};
static const struct mem_range dev[] = {
	{ 0, 0x40000000 },
	{ 0x4000000000UL, 0xc000000000UL },
};

static int host_s2(struct pgtable *p)
{
	struct host_mem_layout l = {
		.ram = ram, .nr_ram = 1, .dev = dev, .nr_dev = 2,
		.hyp = { 0x40000000, 0x1000000 },
	};
	int ret = pgt_init(p, PGT_STAGE2, 40, &ops);

	return ret ? ret : mem_host_s2_init(p, &l);
}

TEST(host_layout)
{
	struct pgtable p;
	struct pgt_leaf l;

	reset();
	ASSERT_EQ(host_s2(&p), 0);
	l = pgt_lookup(&p, 0x40000000);
	EXPECT_FALSE(pgt_leaf_valid(&l));
	EXPECT_EQ(pgt_leaf_owner(&l), PGT_OWNER_HYP);
	EXPECT_EQ(l.level, 2);
	l = pgt_lookup(&p, 0x40ffffff);
	EXPECT_EQ(pgt_leaf_owner(&l), PGT_OWNER_HYP);
	l = pgt_lookup(&p, 0x41000000);
	EXPECT_TRUE(pgt_leaf_valid(&l));
	EXPECT_EQ(pgt_leaf_state(&l), PGT_STATE_OWNED);
	l = pgt_lookup(&p, 0x9000000);
	EXPECT_EQ(pgt_leaf_prot(&p, &l), PGT_PROT_RW | PGT_PROT_DEVICE);
	EXPECT_EQ(l.level, 1);
	l = pgt_lookup(&p, 0x8000000000UL);
	EXPECT_EQ(pgt_leaf_prot(&p, &l), PGT_PROT_RW | PGT_PROT_DEVICE);
	l = pgt_lookup(&p, 0x80000000);		/* beyond RAM */
	EXPECT_FALSE(pgt_leaf_valid(&l));
	EXPECT_EQ(pgt_leaf_owner(&l), PGT_OWNER_NONE);
	reset();
}

TEST(host_access_checks)
{
	struct pgtable p;

	reset();
	ASSERT_EQ(host_s2(&p), 0);
	EXPECT_TRUE(mem_host_can_access(&p, 0x41000000, 240, true));
	EXPECT_TRUE(mem_host_can_access(&p, 0x7fffff00, 0x100, false));
	EXPECT_TRUE(mem_host_can_access(&p, 0x41000ff0, 0x20, true));
	EXPECT_TRUE(mem_host_can_access(&p, 0x40000000, 0, false));
	EXPECT_FALSE(mem_host_can_access(&p, 0x40fffff0, 0x20, false));
	EXPECT_FALSE(mem_host_can_access(&p, 0x40200000, 1, false));
	EXPECT_FALSE(mem_host_can_access(&p, 0x7fffff00, 0x101, false));
	EXPECT_FALSE(mem_host_can_access(&p, 0x9000000, 4, false));
	EXPECT_FALSE(mem_host_can_access(&p, 1UL << 40, 4, false));
	EXPECT_FALSE(mem_host_can_access(&p, ~0UL - 8, 0x10, false));
	EXPECT_FALSE(mem_host_can_access(&p, ~0UL - 0x800, 0x10, false));
	/* A read-only page refuses writes but allows reads. */
	ASSERT_EQ(pgt_map(&p, 0x41001000, KB4, 0x41001000, PGT_PROT_R,
			  PGT_STATE_SHARED_BORROWED), 0);
	EXPECT_TRUE(mem_host_can_access(&p, 0x41001000, 8, false));
	EXPECT_FALSE(mem_host_can_access(&p, 0x41000ff8, 16, true));
	reset();
}

/* core/mem.c's transfer hooks, unused here (test_mem.c covers them) */
bool vm_maps_pa(u16 vmid, u64 pa, u64 size)
{
	(void)vmid;
	(void)pa;
	(void)size;
	return false;
}

void plat_mem_zero(u64 pa, u64 size)
{
	(void)pa;
	(void)size;
}

TEST(destroy_frees_tables)
{
	struct pgtable p;

	reset();
	ASSERT_EQ(pgt_init(&p, PGT_STAGE2, 40, &ops), 0);
	ASSERT_EQ(pgt_map(&p, 0x80000000UL, KB4, 0x80000000UL, PGT_PROT_RW,
			  PGT_STATE_OWNED), 0);
	EXPECT_EQ(nr_allocs, 3);	/* root, level 2, level 3 */
	pgt_destroy(&p);		/* no free_pages: only forgets */
	EXPECT_TRUE(p.root == NULL);
	reset();
}

TEST(owner_range)
{
	struct pgtable p;
	struct pgt_leaf l;

	reset();
	ASSERT_EQ(pgt_init(&p, PGT_STAGE2, 40, &ops), 0);
	EXPECT_EQ(pgt_unmap(&p, 0, KB4, PGT_OWNER_VM(0xffff)), 0);
	l = pgt_lookup(&p, 0);
	EXPECT_EQ(pgt_leaf_owner(&l), 0x1ffff);
	EXPECT_EQ(pgt_unmap(&p, 0, KB4, PGT_OWNER_MAX + 1), PGT_EINVAL);
	reset();
}
