// SPDX-License-Identifier: GPL-2.0-only
/*
 * Host tests for page ownership (core/mem.c) and guest address spaces
 * (core/vm.c) on a fake host stage-2: RAM at 1 GiB with the stub's region
 * at its start, devices below.
 */
#include <stdlib.h>
#include "unit.h"
#include "fake_pages.h"
#include "doorbell.h"
#include "gunyah.h"
#include "mem.h"
#include "vcpu.h"

#define GB	0x40000000UL
#define MB2	0x200000UL
#define KB4	0x1000UL

#define HYP_BASE	GB
#define HYP_SIZE	(16 * 0x100000UL)
#define RAM_BASE	(HYP_BASE + HYP_SIZE)
#define RAM_SIZE	(GB - HYP_SIZE)

static int nr_frees;
static int nr_inval, nr_flush;
static u64 zeroed_pa, zeroed_size;
static int nr_zero, nr_spi_raised, nr_spis;
static struct pgtable host;

static void tlb_inval(const struct pgtable *pgt, u64 addr, unsigned int level)
{
	(void)pgt;
	(void)addr;
	(void)level;
	nr_inval++;
}

static const struct pgt_ops host_ops = {
	.zalloc_pages = fake_zalloc,
	.tlb_inval = tlb_inval,
};

/* Platform hooks of core/mem.c and core/vm.c */
void plat_mem_zero(u64 pa, u64 size)
{
	nr_zero++;
	zeroed_pa = pa;
	zeroed_size = size;
}

void *plat_s2_zalloc(unsigned int order)
{
	return fake_zalloc(order);
}

void plat_s2_free(void *p, unsigned int order)
{
	(void)order;
	for (int i = 0; i < nr_allocs; i++) {
		if (allocs[i] == p) {
			free(p);
			allocs[i] = allocs[--nr_allocs];
			nr_frees++;
			return;
		}
	}
	abort();	/* never allocated: a double free */
}

void plat_s2_tlb_inval(const struct pgtable *pgt, u64 addr,
		       unsigned int level)
{
	tlb_inval(pgt, addr, level);
}

void plat_s2_tlb_flush_vm(const struct vm *vm)
{
	(void)vm;
	nr_flush++;
}

int plat_spi_alloc(void)
{
	return nr_spis < 4 ? 32 + 130 + nr_spis++ : -1;
}

void plat_spi_free(u32 intid)
{
	(void)intid;
	nr_spis--;
}

void plat_spi_raise(u32 intid)
{
	(void)intid;
	nr_spi_raised++;
}

void plat_vcpu_init_ctx(struct vcpu *v)
{
	(void)v;
}

static u64 next_cap = 2;

int host_cap_alloc_vcpu(struct vcpu *v, u64 *capid)
{
	(void)v;
	*capid = next_cap++;
	return GH_ERROR_OK;
}

void host_cap_free(u64 capid)
{
	(void)capid;
}

/* core/doorbell.c has its own tests (test_hypercall.c): only the calls here. */
static const struct vm *bells_reset_vm, *bells_freed_vm;
static int nr_bells_reset, nr_bells_freed;

void vm_doorbells_reset(struct vm *vm)
{
	bells_reset_vm = vm;
	nr_bells_reset++;
}

void vm_doorbells_free(struct vm *vm)
{
	bells_freed_vm = vm;
	nr_bells_freed++;
}

/* The RM's end of a guest's halt: recorded, finished by the test (vm_stop()). */
static int nr_halted;
static u64 halted[4];		/* vmid, state, data0, data1 */

void rm_vm_halted(u16 vmid, u64 state, u64 data0, u64 data1)
{
	nr_halted++;
	halted[0] = vmid;
	halted[1] = state;
	halted[2] = data0;
	halted[3] = data1;
}

static int nr_kicks, kicked_cpu = -1;

void plat_vcpu_kick_cpu(int cpu)
{
	nr_kicks++;
	kicked_cpu = cpu;
}

struct vcpu *host_cap_vcpu(u64 capid, int *err)
{
	(void)capid;
	*err = GH_ERROR_CSPACE_CAP_NULL;
	return NULL;
}

static void setup(void)
{
	static const struct mem_range ram = { RAM_BASE, RAM_SIZE };
	static const struct mem_range dev = { 0, GB };
	struct host_mem_layout l = {
		.ram = &ram, .nr_ram = 1, .dev = &dev, .nr_dev = 1,
		.hyp = { HYP_BASE, HYP_SIZE },
	};

	for (unsigned int i = 0; i < VM_MAX_VMS; i++)
		if (vms[i].used)
			vm_destroy(vms[i].vmid);
	fake_pages_reset();
	ASSERT_TRUE(pgt_init(&host, PGT_STAGE2, 40, &host_ops) == 0);
	ASSERT_TRUE(mem_host_s2_init(&host, &l) == 0);
	mem_set_host_s2(&host);
	nr_inval = nr_zero = nr_flush = nr_frees = 0;
}

static bool host_rw(u64 pa, u64 size)
{
	return mem_host_can_access(&host, pa, size, true);
}

/* Lent to @vmid or shared, and not mapped: the borrower may map it. */
static bool owned_by_vm(u16 vmid, u64 pa, u64 size)
{
	return mem_borrower_map(vmid, pa, size) == GH_ERROR_OK &&
	       mem_borrower_unmap(vmid, pa, size) == GH_ERROR_OK;
}

TEST(lend_and_double_lend)
{
	u64 pa = RAM_BASE + 0x100000;

	setup();
	EXPECT_EQ(mem_xfer_check(pa, 4 * KB4), GH_ERROR_OK);
	EXPECT_EQ(mem_xfer_to_vm(5, pa, 4 * KB4, MEM_XFER_LEND), GH_ERROR_OK);
	EXPECT_FALSE(host_rw(pa, KB4));
	EXPECT_FALSE(mem_host_can_access(&host, pa + 3 * KB4, 1, false));
	EXPECT_TRUE(host_rw(pa + 4 * KB4, KB4));
	EXPECT_TRUE(host_rw(pa - KB4, KB4));
	EXPECT_NE(nr_inval, 0);		/* the host's TLB entries went too */
	EXPECT_EQ(mem_xfer_check(pa, KB4), GH_ERROR_DENIED);
	EXPECT_EQ(mem_xfer_to_vm(5, pa, KB4, MEM_XFER_LEND), GH_ERROR_DENIED);
	EXPECT_EQ(mem_xfer_to_vm(6, pa + 2 * KB4, KB4, MEM_XFER_LEND),
		  GH_ERROR_DENIED);
	EXPECT_EQ(mem_xfer_to_vm(6, pa + 3 * KB4, 2 * KB4, MEM_XFER_SHARE),
		  GH_ERROR_DENIED);
	EXPECT_TRUE(owned_by_vm(5, pa, 4 * KB4));
	EXPECT_FALSE(owned_by_vm(6, pa, KB4));
	EXPECT_FALSE(owned_by_vm(5, pa, 5 * KB4));
}

TEST(stub_device_and_bad_ranges_denied)
{
	setup();
	EXPECT_EQ(mem_xfer_to_vm(5, HYP_BASE, KB4, MEM_XFER_LEND),
		  GH_ERROR_DENIED);
	EXPECT_EQ(mem_xfer_to_vm(5, HYP_BASE + HYP_SIZE - KB4, 2 * KB4,
				 MEM_XFER_SHARE), GH_ERROR_DENIED);
	EXPECT_EQ(mem_xfer_to_vm(5, 0x09000000, KB4, MEM_XFER_LEND),
		  GH_ERROR_DENIED);	/* device space */
	EXPECT_EQ(mem_xfer_to_vm(5, 2 * GB, KB4, MEM_XFER_LEND),
		  GH_ERROR_DENIED);	/* beyond RAM: nothing */
	EXPECT_EQ(mem_xfer_to_vm(5, RAM_BASE + 1, KB4, MEM_XFER_LEND),
		  GH_ERROR_ARG_INVAL);
	EXPECT_EQ(mem_xfer_to_vm(5, RAM_BASE, 0, MEM_XFER_LEND),
		  GH_ERROR_ARG_INVAL);
	EXPECT_EQ(mem_xfer_to_vm(5, ~0UL & ~(KB4 - 1), KB4, MEM_XFER_LEND),
		  GH_ERROR_ARG_INVAL);
	EXPECT_EQ(mem_xfer_to_vm(5, RAM_BASE, KB4, 7), GH_ERROR_ARG_INVAL);
	EXPECT_TRUE(host_rw(RAM_BASE, KB4));
}

TEST(share_then_lend)
{
	u64 pa = RAM_BASE + 0x200000;

	setup();
	EXPECT_EQ(mem_xfer_to_vm(5, pa, 2 * KB4, MEM_XFER_SHARE), GH_ERROR_OK);
	EXPECT_TRUE(host_rw(pa, 2 * KB4));		/* host keeps access */
	EXPECT_EQ(mem_xfer_to_vm(5, pa, KB4, MEM_XFER_LEND), GH_ERROR_DENIED);
	EXPECT_EQ(mem_xfer_to_vm(6, pa + KB4, KB4, MEM_XFER_SHARE),
		  GH_ERROR_DENIED);
	EXPECT_TRUE(owned_by_vm(5, pa, 2 * KB4));
	/*
	 * The borrower of a share is not recorded (mem.h): VM 6 passes the
	 * share check, the RM is what keeps it to its own parcels.
	 */
	EXPECT_TRUE(owned_by_vm(6, pa, KB4));
	EXPECT_EQ(mem_xfer_to_host(5, pa, KB4, MEM_XFER_LEND, false),
		  GH_ERROR_DENIED);	/* it was shared, not lent */
	EXPECT_EQ(mem_xfer_to_host(5, pa + KB4, KB4, MEM_XFER_SHARE, false),
		  GH_ERROR_OK);
	EXPECT_EQ(nr_zero, 0);
	EXPECT_EQ(mem_xfer_to_vm(5, pa + KB4, KB4, MEM_XFER_LEND), GH_ERROR_OK);
	EXPECT_EQ(mem_xfer_to_vm(5, pa, KB4, MEM_XFER_LEND), GH_ERROR_DENIED);
	EXPECT_EQ(mem_xfer_to_host(5, pa, KB4, MEM_XFER_SHARE, true),
		  GH_ERROR_OK);
	EXPECT_EQ(nr_zero, 1);		/* sanitize */
	EXPECT_EQ(mem_xfer_to_vm(6, pa, KB4, MEM_XFER_SHARE), GH_ERROR_OK);
}

TEST(unshare_middle_splits_record)
{
	u64 pa = RAM_BASE + 0x400000;

	setup();
	EXPECT_EQ(mem_xfer_to_vm(5, pa, 3 * KB4, MEM_XFER_SHARE), GH_ERROR_OK);
	EXPECT_EQ(mem_xfer_to_host(5, pa + KB4, KB4, MEM_XFER_SHARE, false),
		  GH_ERROR_OK);
	EXPECT_TRUE(owned_by_vm(5, pa, KB4));
	EXPECT_FALSE(owned_by_vm(5, pa + KB4, KB4));
	EXPECT_TRUE(owned_by_vm(5, pa + 2 * KB4, KB4));
	EXPECT_EQ(mem_xfer_to_host(5, pa, 3 * KB4, MEM_XFER_SHARE, false),
		  GH_ERROR_DENIED);	/* middle page is the host's now */
	EXPECT_EQ(mem_xfer_to_host(5, pa + 2 * KB4, KB4, MEM_XFER_SHARE, false),
		  GH_ERROR_OK);
	EXPECT_EQ(mem_xfer_to_host(5, pa, KB4, MEM_XFER_SHARE, false),
		  GH_ERROR_OK);
	EXPECT_EQ(mem_xfer_check(pa, 3 * KB4), GH_ERROR_OK);
}

TEST(lend_across_block_boundary)
{
	/* The host maps RAM with 2 MiB/1 GiB blocks: both sides get split. */
	u64 pa = RAM_BASE + 3 * MB2 - 2 * KB4;
	struct pgt_leaf l;

	setup();
	l = pgt_lookup(&host, pa);
	EXPECT_TRUE(l.size >= MB2);
	EXPECT_EQ(mem_xfer_to_vm(7, pa, 4 * KB4, MEM_XFER_LEND), GH_ERROR_OK);
	for (u64 a = pa - KB4; a < pa + 5 * KB4; a += KB4) {
		bool in = a >= pa && a < pa + 4 * KB4;

		l = pgt_lookup(&host, a);
		EXPECT_EQ(pgt_leaf_valid(&l), !in);
		if (in)
			EXPECT_EQ(pgt_leaf_owner(&l), PGT_OWNER_VM(7));
		else
			EXPECT_EQ(pgt_leaf_pa(&l), a);	/* still identity */
	}
	EXPECT_EQ(mem_xfer_to_host(7, pa, 4 * KB4, MEM_XFER_LEND, false),
		  GH_ERROR_OK);
	EXPECT_TRUE(host_rw(pa - MB2, 3 * MB2));
}

TEST(partial_failure_changes_nothing)
{
	u64 pa = RAM_BASE + 5 * MB2;

	setup();
	/* Last page is the stub's neighbour? No: make it lent first. */
	ASSERT_EQ(mem_xfer_to_vm(5, pa + 8 * KB4, KB4, MEM_XFER_LEND), 0);
	nr_inval = 0;
	EXPECT_EQ(mem_xfer_to_vm(6, pa, 9 * KB4, MEM_XFER_LEND),
		  GH_ERROR_DENIED);
	EXPECT_TRUE(host_rw(pa, 8 * KB4));
	EXPECT_EQ(nr_inval, 0);
	/* Out of table memory while splitting: nothing changed either. */
	alloc_budget = 0;
	EXPECT_EQ(mem_xfer_to_vm(6, pa + 64 * MB2 + KB4, KB4, MEM_XFER_LEND),
		  GH_ERROR_NOMEM);
	EXPECT_EQ(mem_xfer_to_vm(6, pa + 64 * MB2 + KB4, KB4, MEM_XFER_SHARE),
		  GH_ERROR_NOMEM);
	alloc_budget = -1;
	EXPECT_TRUE(host_rw(pa + 64 * MB2, MB2));
	EXPECT_EQ(mem_xfer_check(pa + 64 * MB2, MB2), GH_ERROR_OK);
	/* Reclaim with one page not lent to that VM: nothing changes. */
	EXPECT_EQ(mem_xfer_to_host(5, pa + 7 * KB4, 2 * KB4, MEM_XFER_LEND,
				   false), GH_ERROR_DENIED);
	EXPECT_FALSE(mem_host_can_access(&host, pa + 8 * KB4, 1, false));
	EXPECT_EQ(nr_zero, 0);
}

TEST(reclaim_zeroes_and_checks_vmid)
{
	u64 pa = RAM_BASE + 7 * MB2;

	setup();
	ASSERT_EQ(mem_xfer_to_vm(5, pa, 2 * KB4, MEM_XFER_LEND), 0);
	EXPECT_EQ(mem_xfer_to_host(6, pa, 2 * KB4, MEM_XFER_LEND, false),
		  GH_ERROR_DENIED);
	EXPECT_EQ(mem_xfer_to_host(5, pa, 2 * KB4, MEM_XFER_SHARE, false),
		  GH_ERROR_DENIED);
	EXPECT_EQ(nr_zero, 0);
	EXPECT_EQ(mem_xfer_to_host(5, pa, 2 * KB4, MEM_XFER_LEND, false),
		  GH_ERROR_OK);
	EXPECT_EQ(nr_zero, 1);		/* lent memory: always zeroed */
	EXPECT_EQ(zeroed_pa, pa);
	EXPECT_EQ(zeroed_size, 2 * KB4);
	EXPECT_TRUE(host_rw(pa, 2 * KB4));
	EXPECT_EQ(mem_xfer_to_host(5, pa, 2 * KB4, MEM_XFER_LEND, false),
		  GH_ERROR_DENIED);	/* twice */
	EXPECT_EQ(mem_xfer_to_host(5, HYP_BASE, KB4, MEM_XFER_LEND, false),
		  GH_ERROR_DENIED);	/* the stub's memory */
}

TEST(vm_map_only_its_pages)
{
	u64 pa = RAM_BASE + 9 * MB2, ipa = 0x80000000UL;
	struct pgt_leaf l;
	struct vm *vm;

	setup();
	ASSERT_EQ(vm_create(10), GH_ERROR_OK);
	EXPECT_EQ(vm_create(10), GH_ERROR_OBJECT_CONFIGURED);
	ASSERT_EQ(vm_create(11), GH_ERROR_OK);
	ASSERT_EQ(mem_xfer_to_vm(10, pa, 4 * KB4, MEM_XFER_LEND), 0);
	ASSERT_EQ(mem_xfer_to_vm(10, pa + 4 * KB4, KB4, MEM_XFER_SHARE), 0);
	/* not transferred, or to another VM, or the stub: refused */
	EXPECT_EQ(vm_map(10, ipa, pa + 5 * KB4, KB4, true, false),
		  GH_ERROR_DENIED);
	EXPECT_EQ(vm_map(11, ipa, pa, KB4, true, false), GH_ERROR_DENIED);
	EXPECT_EQ(vm_map(10, ipa, HYP_BASE, KB4, true, false), GH_ERROR_DENIED);
	EXPECT_EQ(vm_map(12, ipa, pa, KB4, true, false), GH_ERROR_ARG_INVAL);
	EXPECT_EQ(vm_map(10, ipa + 1, pa, KB4, true, false), GH_ERROR_ARG_INVAL);
	EXPECT_EQ(vm_map(10, 1UL << 40, pa, KB4, true, false),
		  GH_ERROR_ARG_INVAL);
	/* lent + shared pages together */
	EXPECT_EQ(vm_map(10, ipa, pa, 5 * KB4, true, true), GH_ERROR_OK);
	vm = &vms[0];
	ASSERT_EQ(vm->vmid, 10);
	l = pgt_lookup(&vm->s2, ipa + 4 * KB4);
	EXPECT_TRUE(pgt_leaf_valid(&l));
	EXPECT_EQ(pgt_leaf_pa(&l), pa + 4 * KB4);
	EXPECT_EQ(pgt_leaf_prot(&vm->s2, &l), PGT_PROT_RW | PGT_PROT_X);
	l = pgt_lookup(&vm->s2, ipa + 5 * KB4);
	EXPECT_FALSE(pgt_leaf_valid(&l));
	/* mapped twice: refused (same IPA or same pages elsewhere) */
	EXPECT_EQ(vm_map(10, ipa, pa, KB4, true, false), GH_ERROR_DENIED);
	EXPECT_EQ(vm_map(10, ipa + GB, pa, KB4, false, false), GH_ERROR_DENIED);
	/* reclaim while mapped: refused; after unmap: fine */
	EXPECT_EQ(mem_xfer_to_host(10, pa, 4 * KB4, MEM_XFER_LEND, false),
		  GH_ERROR_BUSY);
	EXPECT_EQ(mem_xfer_to_host(10, pa + 4 * KB4, KB4, MEM_XFER_SHARE,
				   false), GH_ERROR_BUSY);
	EXPECT_EQ(nr_zero, 0);
	nr_inval = 0;
	EXPECT_EQ(vm_unmap(10, ipa, 5 * KB4), GH_ERROR_OK);
	EXPECT_EQ(nr_inval, 5);		/* each page invalidated */
	EXPECT_EQ(mem_xfer_to_host(10, pa, 4 * KB4, MEM_XFER_LEND, false),
		  GH_ERROR_OK);
	EXPECT_EQ(mem_xfer_to_host(10, pa + 4 * KB4, KB4, MEM_XFER_SHARE,
				   false), GH_ERROR_OK);
}

TEST(vm_reset_unmaps_destroy_frees)
{
	u64 pa = RAM_BASE + 11 * MB2, capid;
	u32 virq;
	int allocs_before;

	setup();
	allocs_before = nr_allocs;
	ASSERT_EQ(vm_create(20), GH_ERROR_OK);
	ASSERT_EQ(mem_xfer_to_vm(20, pa, MB2, MEM_XFER_LEND), 0);
	ASSERT_EQ(vm_map(20, 0x80000000UL, pa, MB2, true, true), 0);
	ASSERT_EQ(vm_map(20, 0x90001000UL, pa, KB4, true, true),
		  GH_ERROR_DENIED);
	ASSERT_EQ(vm_vcpu_create(20, 0, &capid, &virq), GH_ERROR_OK);
	EXPECT_EQ(vm_vcpu_create(20, 0, &capid, &virq),
		  GH_ERROR_OBJECT_CONFIGURED);
	EXPECT_EQ(vm_vcpu_create(20, VM_MAX_VCPUS, &capid, &virq),
		  GH_ERROR_ARG_INVAL);
	EXPECT_EQ(virq, 32 + 130);
	EXPECT_TRUE(mem_borrower_maps(20, pa + KB4, KB4));
	nr_inval = nr_flush = 0;
	nr_bells_reset = nr_bells_freed = 0;
	EXPECT_EQ(vm_reset(20), GH_ERROR_OK);
	EXPECT_EQ(nr_bells_reset, 1);		/* doorbells back to reset state */
	EXPECT_TRUE(bells_reset_vm && bells_reset_vm->vmid == 20);
	EXPECT_EQ(nr_bells_freed, 0);
	EXPECT_EQ(nr_inval, 0);		/* one flush instead */
	EXPECT_EQ(nr_flush, 1);
	EXPECT_FALSE(mem_borrower_maps(20, pa, MB2));
	EXPECT_NE(nr_flush, 0);
	EXPECT_EQ(mem_xfer_to_host(20, pa, MB2, MEM_XFER_LEND, true),
		  GH_ERROR_OK);
	vm_destroy(20);
	EXPECT_EQ(nr_bells_freed, 1);		/* doorbells and their caps */
	EXPECT_TRUE(bells_freed_vm && bells_freed_vm->vmid == 20);
	EXPECT_EQ(nr_spis, 0);		/* wakeup SPI given back */
	EXPECT_EQ(nr_allocs, allocs_before);	/* every table page freed */
	EXPECT_EQ(vm_map(20, 0x80000000UL, pa, KB4, true, true),
		  GH_ERROR_ARG_INVAL);
}

/*
 * The host stage-2 records which borrowed pages the VM maps: partial
 * unmaps, holes and a mixed lent/shared range keep it exact, and a page
 * mapped once cannot be mapped again at another IPA.
 */
TEST(vm_mapped_marks)
{
	u64 pa = RAM_BASE + 13 * MB2, ipa = 0x80000000UL;
	struct pgt_leaf l;

	setup();
	ASSERT_EQ(vm_create(21), GH_ERROR_OK);
	ASSERT_EQ(mem_xfer_to_vm(21, pa, MB2 - KB4, MEM_XFER_LEND), 0);
	ASSERT_EQ(mem_xfer_to_vm(21, pa + MB2 - KB4, KB4, MEM_XFER_SHARE), 0);
	EXPECT_FALSE(mem_borrower_maps(21, pa, MB2));
	ASSERT_EQ(vm_map(21, ipa, pa, MB2, true, false), 0);
	EXPECT_TRUE(mem_borrower_maps(21, pa, KB4));
	EXPECT_TRUE(mem_borrower_maps(21, pa + MB2 - KB4, KB4));
	EXPECT_FALSE(mem_borrower_maps(22, pa, KB4));	/* lent to 21 */
	l = pgt_lookup(&host, pa);
	EXPECT_EQ(pgt_leaf_owner(&l), PGT_OWNER_VM_MAPPED(21));
	l = pgt_lookup(&host, pa + MB2 - KB4);
	EXPECT_EQ(pgt_leaf_state(&l), PGT_STATE_SHARED_MAPPED);
	EXPECT_TRUE(host_rw(pa + MB2 - KB4, KB4));	/* shared: still the host's */
	EXPECT_EQ(vm_map(21, ipa + GB, pa + KB4, KB4, true, false),
		  GH_ERROR_DENIED);			/* an alias */
	/* Unmapping a hole and a page twice changes only what was mapped. */
	EXPECT_EQ(vm_unmap(21, 0x70000000UL, MB2), GH_ERROR_OK);
	EXPECT_EQ(vm_unmap(21, ipa + KB4, KB4), GH_ERROR_OK);
	EXPECT_EQ(vm_unmap(21, ipa, 2 * KB4), GH_ERROR_OK);
	EXPECT_FALSE(mem_borrower_maps(21, pa, 2 * KB4));
	EXPECT_TRUE(mem_borrower_maps(21, pa + 2 * KB4, KB4));
	EXPECT_EQ(mem_xfer_to_host(21, pa, 2 * KB4, MEM_XFER_LEND, true),
		  GH_ERROR_OK);
	EXPECT_EQ(mem_xfer_to_host(21, pa + 2 * KB4, KB4, MEM_XFER_LEND, true),
		  GH_ERROR_BUSY);
	/* A page can be mapped again, once, after its unmap. */
	ASSERT_EQ(mem_xfer_to_vm(21, pa, KB4, MEM_XFER_LEND), 0);
	EXPECT_EQ(vm_map(21, ipa + GB, pa, KB4, true, false), GH_ERROR_OK);
	EXPECT_EQ(vm_map(21, ipa + GB + KB4, pa, KB4, true, false),
		  GH_ERROR_DENIED);
	EXPECT_EQ(vm_reset(21), GH_ERROR_OK);
	EXPECT_FALSE(mem_borrower_maps(21, pa, MB2));
	EXPECT_EQ(mem_xfer_to_host(21, pa, KB4, MEM_XFER_LEND, true),
		  GH_ERROR_OK);
	EXPECT_EQ(mem_xfer_to_host(21, pa + 2 * KB4, MB2 - 3 * KB4,
				   MEM_XFER_LEND, true), GH_ERROR_OK);
	EXPECT_EQ(mem_xfer_to_host(21, pa + MB2 - KB4, KB4, MEM_XFER_SHARE,
				   false), GH_ERROR_OK);
	EXPECT_EQ(mem_xfer_check(pa, MB2), GH_ERROR_OK);
	vm_destroy(21);
}

/* A VM freed with pages still mapped gives up the marks with its tables. */
TEST(vm_destroy_clears_marks)
{
	u64 pa = RAM_BASE + 15 * MB2;

	setup();
	ASSERT_EQ(vm_create(23), GH_ERROR_OK);
	ASSERT_EQ(mem_xfer_to_vm(23, pa, 4 * KB4, MEM_XFER_LEND), 0);
	ASSERT_EQ(vm_map(23, 0x80000000UL, pa, 4 * KB4, true, false), 0);
	EXPECT_TRUE(mem_borrower_maps(23, pa, 4 * KB4));
	vm_destroy(23);
	EXPECT_FALSE(mem_borrower_maps(23, pa, 4 * KB4));
	EXPECT_EQ(mem_xfer_to_host(23, pa, 4 * KB4, MEM_XFER_LEND, true),
		  GH_ERROR_OK);
}

TEST(vm_start_stop_psci)
{
	struct vm_boot boot = { .pc = 0x80000000UL, .sp_el1 = 0x1234,
				.x = { 0x81000000UL, 1, 2 } };
	u64 capid[2], data[3] = { 0 };
	u32 virq[2];
	struct vcpu *v0, *v1;
	struct vm *vm;

	setup();
	ASSERT_EQ(vm_create(30), GH_ERROR_OK);
	EXPECT_EQ(vm_start(30, &boot), GH_ERROR_OBJECT_CONFIG);	/* no vCPU */
	ASSERT_EQ(vm_vcpu_create(30, 0, &capid[0], &virq[0]), 0);
	ASSERT_EQ(vm_vcpu_create(30, 1, &capid[1], &virq[1]), 0);
	vm = &vms[0];
	v0 = vm->vcpu[0];
	v1 = vm->vcpu[1];
	ASSERT_EQ(vm_start(30, &boot), GH_ERROR_OK);
	EXPECT_EQ(vm_start(30, &boot), GH_ERROR_OBJECT_STATE);
	EXPECT_TRUE(v0->on);
	EXPECT_FALSE(v1->on);
	EXPECT_TRUE(v0->reset_pending);
	vcpu_take_reset(v0);			/* as vcpu_run does */
	EXPECT_FALSE(v0->reset_pending);
	EXPECT_EQ(v0->ctx.pc, 0x80000000UL);
	EXPECT_EQ(v0->ctx.x[0], 0x81000000UL);
	EXPECT_EQ(v0->ctx.x[2], 2);
	EXPECT_EQ(v0->ctx.sys[SR_SP_EL1], 0x1234);
	EXPECT_EQ(v0->ctx.pstate, 0x3c5);

	/* PSCI from vCPU 0 */
	v0->ctx.x[0] = 0x84000000;		/* VERSION */
	EXPECT_EQ(vm_guest_psci(v0, data), -1);
	EXPECT_EQ(v0->ctx.x[0], 0x10001);
	v0->ctx.x[0] = 0xc4000004;		/* AFFINITY_INFO64 */
	v0->ctx.x[1] = 1;
	v0->ctx.x[2] = 0;
	EXPECT_EQ(vm_guest_psci(v0, data), -1);
	EXPECT_EQ(v0->ctx.x[0], 1);		/* OFF */
	v0->ctx.x[0] = 0xc4000003;		/* CPU_ON64 vCPU 1 */
	v0->ctx.x[1] = 1;
	v0->ctx.x[2] = 0x80001000;
	v0->ctx.x[3] = 77;
	nr_spi_raised = 0;
	EXPECT_EQ(vm_guest_psci(v0, data), -1);
	EXPECT_EQ(v0->ctx.x[0], 0);
	EXPECT_TRUE(v1->on);
	vcpu_take_reset(v1);
	EXPECT_EQ(v1->ctx.pc, 0x80001000);
	EXPECT_EQ(v1->ctx.x[0], 77);
	EXPECT_EQ(nr_spi_raised, 1);		/* its host wakes up */
	v0->ctx.x[0] = 0xc4000003;
	EXPECT_EQ(vm_guest_psci(v0, data), -1);
	EXPECT_EQ((s64)v0->ctx.x[0], -4);	/* ALREADY_ON */
	v0->ctx.x[0] = 0xc4000003;
	v0->ctx.x[1] = 0x100;			/* Aff1 != 0 */
	EXPECT_EQ(vm_guest_psci(v0, data), -1);
	EXPECT_EQ((s64)v0->ctx.x[0], -2);
	v0->ctx.x[0] = 0x8400000a;		/* FEATURES(CPU_ON64) */
	v0->ctx.x[1] = 0xc4000003;
	EXPECT_EQ(vm_guest_psci(v0, data), -1);
	EXPECT_EQ(v0->ctx.x[0], 0);
	v0->ctx.x[0] = 0x8400000a;		/* FEATURES(CPU_SUSPEND) */
	v0->ctx.x[1] = 0x84000001;
	EXPECT_EQ(vm_guest_psci(v0, data), -1);
	EXPECT_EQ((s64)v0->ctx.x[0], -1);
	v1->ctx.x[0] = 0x84000002;		/* CPU_OFF */
	EXPECT_EQ(vm_guest_psci(v1, data), VCPU_STATE_POWERED_OFF);
	EXPECT_EQ(data[0], 0);
	EXPECT_FALSE(v1->on);
	v0->ctx.x[0] = 0x84000008;		/* SYSTEM_OFF */
	nr_halted = 0;
	EXPECT_EQ(vm_guest_psci(v0, data), VCPU_STATE_POWERED_OFF);
	/* The caller is powered off; the VM has not exited yet. */
	EXPECT_EQ(data[0], 0);
	EXPECT_FALSE(v0->on);
	EXPECT_EQ(vm->state, VM_STATE_HALTING);
	EXPECT_EQ(nr_halted, 1);
	EXPECT_EQ(halted[0], 30);
	EXPECT_EQ(halted[1], VCPU_STATE_POWERED_OFF);
	EXPECT_EQ(vm_start(30, &boot), GH_ERROR_OBJECT_STATE);
	EXPECT_EQ(vm_stop(30), GH_ERROR_OK);	/* the RM finished */
	EXPECT_EQ(vm->state, VM_STATE_EXITED);
	EXPECT_EQ(vm_start(30, &boot), GH_ERROR_OBJECT_STATE);
	EXPECT_EQ(vm_reset(30), GH_ERROR_OK);
	v0->running_on = 1;			/* still leaving vcpu_run */
	EXPECT_EQ(vm_start(30, &boot), GH_ERROR_BUSY);
	v0->running_on = -1;
	EXPECT_EQ(vm_start(30, &boot), GH_ERROR_OK);
	vcpu_take_reset(v0);
	v0->ctx.x[0] = 0x84000009;		/* SYSTEM_RESET */
	EXPECT_EQ(vm_guest_psci(v0, data), VCPU_STATE_PSCI_SYSTEM_RESET);
	EXPECT_EQ(data[0], VCPU_RESET_SYSTEM_RESET);
	EXPECT_EQ(data[1], 0);
	EXPECT_EQ(vm->state, VM_STATE_HALTING);
	EXPECT_EQ(halted[1], VCPU_STATE_PSCI_SYSTEM_RESET);
	EXPECT_EQ(halted[2], VCPU_RESET_SYSTEM_RESET);
	EXPECT_EQ(vm_stop(30), GH_ERROR_OK);
	vm_destroy(30);
}

/* A started two-vCPU VM with vmid @vmid; vCPU 1 powered on too. */
static struct vm *psci_vm(u16 vmid)
{
	struct vm_boot boot = { .pc = 0x80000000UL };
	u64 capid;
	u32 virq;

	setup();
	if (vm_create(vmid) || vm_vcpu_create(vmid, 0, &capid, &virq) ||
	    vm_vcpu_create(vmid, 1, &capid, &virq) || vm_start(vmid, &boot))
		return NULL;
	vms[0].vcpu[1]->on = true;
	return &vms[0];
}

static s64 guest_call(struct vcpu *v, u64 fid, u64 a1, u64 a2, u64 a3, int *state,
		      u64 *data)
{
	v->ctx.x[0] = fid;
	v->ctx.x[1] = a1;
	v->ctx.x[2] = a2;
	v->ctx.x[3] = a3;
	*state = vm_guest_psci(v, data);
	return (s64)v->ctx.x[0];
}

/*
 * CPU_ON of an MPIDR without a vCPU (hyp/vm/psci/src/psci_common.c
 * psci_cpu_on()): INTERNAL_FAILURE (-6) for an MPIDR the VM could have
 * (linear mapping Aff0 | Aff1 << 8, index <= PLATFORM_MAX_CORES = 8),
 * INVALID_PARAMETERS (-2) for one it could not.
 */
TEST(psci_cpu_on_missing_vcpu)
{
	static const struct { u64 mpidr; s64 ret; } c[] = {
		{ 2, -6 }, { 7, -6 }, { 8, -6 },	/* 8: Gunyah's "> 8" */
		{ 0x80000002UL, -6 },			/* bits outside Aff ignored */
		{ 9, -2 }, { 0xff, -2 }, { 0x100, -2 }, { 0x7f00, -2 },
		{ 0x8000, -2 }, { 0x10000, -2 }, { 0x100000000UL, -2 },
	};
	u64 data[3];
	int state;
	struct vm *vm = psci_vm(31);

	ASSERT_TRUE(vm != NULL);
	for (size_t i = 0; i < ARRAY_SIZE(c); i++) {
		EXPECT_EQ(guest_call(vm->vcpu[0], 0xc4000003, c[i].mpidr, 0x80000000, 0,
				     &state, data), c[i].ret);
		EXPECT_EQ(state, -1);
	}
	/* SMC32: the MPIDR's upper half is not looked at. */
	EXPECT_EQ(guest_call(vm->vcpu[0], 0x84000003, 0x100000002UL, 0, 0, &state, data), -6);
	/* Existing vCPUs: ALREADY_ON; AFFINITY_INFO of a missing one is INVALID. */
	EXPECT_EQ(guest_call(vm->vcpu[0], 0xc4000003, 1, 0, 0, &state, data), -4);
	EXPECT_EQ(guest_call(vm->vcpu[0], 0xc4000004, 2, 0, 0, &state, data), -2);
	EXPECT_EQ(vm->state, VM_STATE_RUNNING);
	vm_destroy(31);
}

/*
 * SYSTEM_OFF from vCPU 0 while vCPU 1 runs on CPU 1: every vCPU is killed
 * and made to exit (kicked, wakeup SPI), the VM is HALTING until the RM's
 * vm_stop(); vCPU 1's run ends with the VM-exited flag (killed), the
 * caller's without.
 */
TEST(psci_system_off_kills_all)
{
	u64 data[3] = { 9, 9, 9 };
	int state;
	struct vm *vm = psci_vm(32);

	ASSERT_TRUE(vm != NULL);
	vm->vcpu[1]->running_on = 1;
	nr_kicks = nr_spi_raised = nr_halted = 0;
	guest_call(vm->vcpu[0], 0x84000008, 0, 0, 0, &state, data);
	EXPECT_EQ(state, VCPU_STATE_POWERED_OFF);
	EXPECT_EQ(data[0], 0);
	EXPECT_EQ(vm->state, VM_STATE_HALTING);
	EXPECT_FALSE(vm->vcpu[0]->on);
	EXPECT_FALSE(vm->vcpu[1]->on);
	EXPECT_FALSE(vm->vcpu[0]->killed);
	EXPECT_TRUE(vm->vcpu[1]->killed);
	EXPECT_EQ(nr_kicks, 1);
	EXPECT_EQ(kicked_cpu, 1);
	EXPECT_EQ(nr_spi_raised, 2);
	EXPECT_EQ(nr_halted, 1);
	/*
	 * vCPU 1 was trapping into its own SYSTEM_RESET meanwhile: killed, it
	 * does not halt the VM again.
	 */
	guest_call(vm->vcpu[1], 0x84000009, 0, 0, 0, &state, data);
	EXPECT_EQ(state, VCPU_STATE_POWERED_OFF);
	EXPECT_EQ(nr_halted, 1);
	EXPECT_EQ(vm->state, VM_STATE_HALTING);
	vm->vcpu[1]->running_on = -1;
	EXPECT_EQ(vm_stop(32), GH_ERROR_OK);
	EXPECT_EQ(vm->state, VM_STATE_EXITED);
	EXPECT_TRUE(vm->vcpu[1]->killed);
	/* Reset and a new start make the vCPUs ordinary again. */
	EXPECT_EQ(vm_reset(32), GH_ERROR_OK);
	EXPECT_FALSE(vm->vcpu[1]->killed);
	vm_destroy(32);
}

/*
 * SYSTEM_RESET2, both conventions: state PSCI_SYSTEM_RESET, data0 = the
 * reset type (SMC64: | bit 62), data1 = the cookie (SMC32: 32 bits). Any
 * reset type is taken. FEATURES reports it; the SMC64 forms of calls that
 * only have an SMC32 one are NOT_SUPPORTED.
 */
TEST(psci_system_reset2)
{
	u64 data[3];
	int state;
	struct vm *vm = psci_vm(33);

	ASSERT_TRUE(vm != NULL);
	EXPECT_EQ(guest_call(vm->vcpu[0], 0x8400000a, 0x84000012, 0, 0, &state, data), 0);
	EXPECT_EQ(guest_call(vm->vcpu[0], 0x8400000a, 0xc4000012, 0, 0, &state, data), 0);
	EXPECT_EQ(guest_call(vm->vcpu[0], 0x8400000a, 0xc4000008, 0, 0, &state, data), -1);
	EXPECT_EQ(guest_call(vm->vcpu[0], 0xc4000008, 0, 0, 0, &state, data), -1);
	EXPECT_EQ(state, -1);
	EXPECT_EQ(vm->state, VM_STATE_RUNNING);

	guest_call(vm->vcpu[1], 0x84000012, 0xffff80000001UL, 0x1122334455UL, 0, &state, data);
	EXPECT_EQ(state, VCPU_STATE_PSCI_SYSTEM_RESET);
	EXPECT_EQ(data[0], 0x80000001UL);
	EXPECT_EQ(data[1], 0x22334455UL);
	EXPECT_EQ(halted[2], 0x80000001UL);
	EXPECT_EQ(vm->state, VM_STATE_HALTING);
	EXPECT_TRUE(vm->vcpu[0]->killed);
	EXPECT_FALSE(vm->vcpu[1]->killed);
	vm_destroy(33);

	vm = psci_vm(34);
	ASSERT_TRUE(vm != NULL);
	guest_call(vm->vcpu[0], 0xc4000012, 0xffff00000000UL, 0x1122334455UL, 0, &state, data);
	EXPECT_EQ(state, VCPU_STATE_PSCI_SYSTEM_RESET);
	EXPECT_EQ(data[0], VCPU_RESET_RESET2_SMC64);
	EXPECT_EQ(data[1], 0x1122334455UL);
	EXPECT_EQ(halted[3], 0x1122334455UL);
	vm_destroy(34);
}

TEST(mmio_decode)
{
	struct mmio_access a;

	/* str w1, [x0]: DABT, ISV, SAS 2 (4 bytes), SRT 1, WnR */
	EXPECT_TRUE(vm_mmio_decode((0x24UL << 26) | BIT(25) | BIT(24) |
				   (2UL << 22) | (1UL << 16) | BIT(6), &a));
	EXPECT_EQ(a.size, 4);
	EXPECT_EQ(a.rt, 1);
	EXPECT_TRUE(a.write);
	/* ldrsb x3: SAS 0, SSE, SF, SRT 3 */
	EXPECT_TRUE(vm_mmio_decode((0x24UL << 26) | BIT(24) | BIT(21) |
				   (3UL << 16) | BIT(15), &a));
	EXPECT_EQ(a.size, 1);
	EXPECT_TRUE(a.sse && a.sf && !a.write);
	EXPECT_EQ(vm_mmio_extend(0x80, 1, true, true), 0xffffffffffffff80UL);
	EXPECT_EQ(vm_mmio_extend(0x80, 1, true, false), 0xffffff80UL);
	EXPECT_EQ(vm_mmio_extend(0x1ff80, 1, false, true), 0x80);
	EXPECT_EQ(vm_mmio_extend(0x123456789UL, 8, false, true), 0x123456789UL);
	EXPECT_EQ(vm_mmio_extend(0xffff8000UL, 2, true, true),
		  0xffffffffffff8000UL);
	/* no ISV (e.g. ldp), stage-1 walk, other classes: not MMIO */
	EXPECT_FALSE(vm_mmio_decode((0x24UL << 26) | (2UL << 22), &a));
	EXPECT_FALSE(vm_mmio_decode((0x24UL << 26) | BIT(24) | BIT(7), &a));
	EXPECT_FALSE(vm_mmio_decode((0x20UL << 26) | BIT(24), &a));
}

/*
 * 256 MiB of fully fragmented memory, shared and lent: of every three pages
 * of 768 MiB, the first is shared, the second lent, the third stays the
 * host's (65536 separate 4 KiB ranges of each kind), and back. No table
 * fills up, and each transfer costs one walk of its own range.
 */
#define NR_SCATTERED	65536U
#define SHARED_PG(i)	(RAM_BASE + 3 * (u64)(i) * KB4)
#define LENT_PG(i)	(SHARED_PG(i) + KB4)

TEST(many_scattered_shares)
{
	unsigned int i;

	setup();
	ASSERT_TRUE(SHARED_PG(NR_SCATTERED) <= RAM_BASE + RAM_SIZE);
	for (i = 0; i < NR_SCATTERED; i++) {
		ASSERT_EQ(mem_xfer_to_vm(5, SHARED_PG(i), KB4, MEM_XFER_SHARE),
			  GH_ERROR_OK);
		ASSERT_EQ(mem_xfer_to_vm(5, LENT_PG(i), KB4, MEM_XFER_LEND),
			  GH_ERROR_OK);
	}
	/* the pages in between are still the host's alone */
	EXPECT_EQ(mem_xfer_check(LENT_PG(7) + KB4, KB4), GH_ERROR_OK);
	EXPECT_TRUE(host_rw(SHARED_PG(7), KB4));
	EXPECT_FALSE(host_rw(LENT_PG(7), KB4));
	/* given once only */
	EXPECT_EQ(mem_xfer_to_vm(6, SHARED_PG(7), KB4, MEM_XFER_SHARE),
		  GH_ERROR_DENIED);
	EXPECT_EQ(mem_xfer_to_vm(6, LENT_PG(7), KB4, MEM_XFER_LEND),
		  GH_ERROR_DENIED);
	EXPECT_TRUE(owned_by_vm(5, SHARED_PG(7), 2 * KB4));
	EXPECT_FALSE(owned_by_vm(6, LENT_PG(7), KB4));
	EXPECT_FALSE(owned_by_vm(5, SHARED_PG(7), 3 * KB4));
	/* a neighbour joins the share, then goes back with its pages */
	EXPECT_EQ(mem_xfer_to_vm(5, LENT_PG(0) + KB4, KB4, MEM_XFER_SHARE),
		  GH_ERROR_OK);
	EXPECT_EQ(mem_xfer_to_host(5, LENT_PG(0) + KB4, 2 * KB4,
				   MEM_XFER_SHARE, false), GH_ERROR_OK);
	nr_zero = 0;
	for (i = 0; i < NR_SCATTERED; i++) {
		if (i != 1)
			ASSERT_EQ(mem_xfer_to_host(5, SHARED_PG(i), KB4,
						   MEM_XFER_SHARE, false),
				  GH_ERROR_OK);
		ASSERT_EQ(mem_xfer_to_host(5, LENT_PG(i), KB4, MEM_XFER_LEND,
					   false), GH_ERROR_OK);
	}
	EXPECT_EQ(nr_zero, (int)NR_SCATTERED);	/* every lent page zeroed */
	EXPECT_EQ(mem_xfer_check(RAM_BASE, SHARED_PG(NR_SCATTERED) - RAM_BASE),
		  GH_ERROR_OK);
}

TEST(destroy_while_running)
{
	u64 capid;
	u32 virq;
	struct vm *vm;
	struct vcpu *v;

	setup();
	ASSERT_EQ(vm_create(40), GH_ERROR_OK);
	ASSERT_EQ(vm_vcpu_create(40, 0, &capid, &virq), GH_ERROR_OK);
	vm = &vms[0];
	v = vm->vcpu[0];
	/* as plat_vcpu_run() does when it enters the vCPU */
	v->running_on = 1;
	vm->nr_running++;
	vm_destroy(40);
	EXPECT_TRUE(vm->used && vm->dying);	/* tables still in use */
	EXPECT_FALSE(v->on);
	EXPECT_EQ(vm_create(40), GH_ERROR_BUSY);
	EXPECT_EQ(vm_map(40, 0, RAM_BASE, KB4, true, false),
		  GH_ERROR_ARG_INVAL);
	vm_vcpu_put(v);				/* it leaves vcpu_run */
	EXPECT_FALSE(vm->used);
	EXPECT_EQ(v->running_on, -1);
	EXPECT_EQ(vm_create(40), GH_ERROR_OK);
	vm_destroy(40);
}

/* core/vm.c wires the vGIC in: defaults at create, reset with the VM. */
TEST(vm_vgic_lifecycle)
{
	u64 capid, val = 0;
	u32 virq;
	struct vcpu *v;
	struct vm *vm;

	setup();
	ASSERT_EQ(vm_create(40), GH_ERROR_OK);
	vm = &vms[0];
	EXPECT_EQ(vm->vgic.gicd_base, VGIC_DEFAULT_GICD_BASE);
	EXPECT_EQ(vm->vgic.spi[0].lr_owner, VGIC_LR_NONE);
	ASSERT_EQ(vm_vcpu_create(40, 0, &capid, &virq), GH_ERROR_OK);
	v = vm->vcpu[0];
	EXPECT_TRUE(v->vgic.sleep);		/* GICR_WAKER reset value */
	EXPECT_TRUE(v->vgic.priv[3].enabled);	/* SGIs */
	/* Guest state set, then the VM reset: back to reset values */
	val = 3;
	EXPECT_TRUE(vgic_mmio(v, VGIC_DEFAULT_GICD_BASE, true, 4, &val));
	val = 0;
	EXPECT_TRUE(vgic_mmio(v, VGIC_DEFAULT_GICD_BASE - 0x20000 + 0x14,
			      true, 4, &val));
	vgic_set_level(vm, 40, true);
	EXPECT_EQ(vm->vgic.ctlr, 3);
	EXPECT_FALSE(v->vgic.sleep);
	EXPECT_EQ(vm_reset(40), GH_ERROR_OK);
	EXPECT_EQ(vm->vgic.ctlr, 0);
	EXPECT_TRUE(v->vgic.sleep);
	EXPECT_TRUE(vm->vgic.spi[8].line);	/* inputs stay */
	vm_destroy(40);
}
