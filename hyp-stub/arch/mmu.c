// SPDX-License-Identifier: GPL-2.0-only
/*
 * The stub's two translation regimes: its own EL2 stage-1 (identity map of
 * the stub image, the page-table pool, the UART, the GIC distributor and the
 * host's RAM) and the host's stage-2 (VMID 0, identity map of host RAM and of
 * the devices the host drives, never the stub region).
 */
#include <string.h>
#include "arm64.h"
#include "hyp.h"
#include "mem.h"
#include "vcpu.h"

#define HYP_VA_BITS	39	/* one level-1 root table */
#define HOST_IPA_BITS	40	/* two concatenated level-1 root tables */

/* QEMU virt: devices below RAM, and the high IO regions from 256 GiB up. */
#define VIRT_LOW_IO_END		0x40000000UL
#define VIRT_HIGH_IO_BASE	0x4000000000UL

#define MAIR_DEVICE_nGnRE	0x04UL	/* index 0 */
#define MAIR_NORMAL_WB		0xffUL	/* index 1 */

#define TCR_T0SZ(bits)		(64UL - (bits))
#define TCR_IRGN0_WBWA		(1UL << 8)
#define TCR_ORGN0_WBWA		(1UL << 10)
#define TCR_SH0_INNER		(3UL << 12)
#define TCR_PS_SHIFT		16
#define TCR_EL2_RES1		(BIT(31) | BIT(23))
#define VTCR_SL0_SHIFT		6
#define VTCR_EL2_RES1		BIT(31)

extern u8 __text_start[], __text_end[], __rodata_start[], __rodata_end[];
extern u8 __data_start[], __image_end[];

struct el2_mmu_cfg el2_mmu_cfg;
struct pgtable host_s2;
struct mem_range gicr_range;
static struct pgtable hyp_s1;
static u64 host_vtcr, host_vttbr;
static u64 pool_next, pool_end;

/*
 * Page-table memory: the rest of the stub region. Guest stage-2 tables come
 * back on VM destruction and are kept on per-order free lists.
 */
#define POOL_MAX_ORDER	4

static void *pool_free[POOL_MAX_ORDER + 1];

static void *pool_zalloc(unsigned int order)
{
	u64 size = PGT_PAGE_SIZE << order;
	u64 p;

	if (order <= POOL_MAX_ORDER && pool_free[order]) {
		void **head = pool_free[order];

		pool_free[order] = *head;
		memset(head, 0, size);
		return head;
	}
	p = ALIGN_UP(pool_next, size);
	if (p > pool_end || pool_end - p < size)
		return NULL;
	pool_next = p + size;
	memset((void *)(uintptr_t)p, 0, size);
	return (void *)(uintptr_t)p;
}

static void pool_give_back(void *p, unsigned int order)
{
	if (order > POOL_MAX_ORDER)
		return;		/* never allocated by guests */
	*(void **)p = pool_free[order];
	pool_free[order] = p;
}

static void hyp_tlb_inval(const struct pgtable *pgt, u64 addr,
			  unsigned int level)
{
	(void)pgt;
	(void)level;
	dsb(ishst);
	asm volatile("tlbi vae2is, %0" : : "r"(addr >> 12));
	dsb(ish);
	isb();
}

/*
 * TLB maintenance for a stage-2 by VMID: the TLBI operations act on the
 * VMID in VTTBR_EL2, so load the table's own for the duration (as pKVM
 * does), broadcast to all CPUs, and put the current one back.
 */
static u64 s2_vttbr(const struct pgtable *pgt)
{
	return (u64)(uintptr_t)pgt->root | ((u64)pgt->vmid << 48);
}

static u64 vttbr_switch(u64 vttbr)
{
	u64 old = read_sysreg(vttbr_el2);

	if (old != vttbr) {
		write_sysreg(vttbr, vttbr_el2);
		isb();
	}
	return old;
}

static void vttbr_restore(u64 old, u64 cur)
{
	if (old != cur) {
		write_sysreg(old, vttbr_el2);
		isb();
	}
}

/*
 * By IPA for the table's VMID, then the combined stage-1+2 entries that
 * may still hold the old IPA.
 */
static void s2_tlb_inval(const struct pgtable *pgt, u64 addr,
			 unsigned int level)
{
	u64 vttbr = s2_vttbr(pgt), old;

	(void)level;
	dsb(ishst);
	old = vttbr_switch(vttbr);
	asm volatile("tlbi ipas2e1is, %0" : : "r"(addr >> 12));
	dsb(ish);
	asm volatile("tlbi vmalle1is");
	dsb(ish);
	vttbr_restore(old, vttbr);
	isb();
}

static void host_tlb_inval(const struct pgtable *pgt, u64 addr,
			   unsigned int level)
{
	s2_tlb_inval(pgt, addr, level);
}

void *plat_s2_zalloc(unsigned int order)
{
	return pool_zalloc(order);
}

void plat_s2_free(void *p, unsigned int order)
{
	pool_give_back(p, order);
}

void plat_s2_tlb_inval(const struct pgtable *pgt, u64 addr,
		       unsigned int level)
{
	s2_tlb_inval(pgt, addr, level);
}

void plat_s2_tlb_flush_vm(const struct vm *vm)
{
	u64 vttbr = s2_vttbr(&vm->s2), old;

	if (!vm->s2.root)
		return;
	dsb(ishst);
	old = vttbr_switch(vttbr);
	asm volatile("tlbi vmalls12e1is");
	dsb(ish);
	vttbr_restore(old, vttbr);
	isb();
}

void plat_mem_zero(u64 pa, u64 size)
{
	/* DCZID_EL0: log2 of the DC ZVA block in words; DZP: prohibited. */
	u64 dczid = read_sysreg(dczid_el0);
	u64 block = 4UL << (dczid & 0xf);

	/*
	 * EL2 maps all host RAM 1:1 (Normal WB), lent pages included. DC ZVA
	 * zeroes a whole block per instruction: reclaiming a big VM is
	 * dominated by this. Page-aligned ranges are block-aligned.
	 */
	if ((dczid & BIT(4)) || block > PGT_PAGE_SIZE ||
	    !IS_ALIGNED(pa | size, block)) {
		memset((void *)(uintptr_t)pa, 0, size);
	} else {
		for (u64 addr = pa; addr < pa + size; addr += block)
			asm volatile("dc zva, %0" : : "r"(addr) : "memory");
	}
	dsb(ish);
}

static const struct pgt_ops hyp_ops = {
	.zalloc_pages = pool_zalloc,
	.tlb_inval = hyp_tlb_inval,
};

static const struct pgt_ops host_ops = {
	.zalloc_pages = pool_zalloc,
	.tlb_inval = host_tlb_inval,
};

static int hyp_map(u64 start, u64 end, unsigned int prot)
{
	start &= ~(PGT_PAGE_SIZE - 1);
	end = ALIGN_UP(end, PGT_PAGE_SIZE);
	return pgt_map(&hyp_s1, start, end - start, start, prot,
		       PGT_STATE_OWNED);
}

static const char *build_hyp_s1(const struct dt_info *dt,
				const struct mem_range *ram,
				unsigned int nr_ram)
{
	unsigned int i;
	int ret;

	if (pgt_init(&hyp_s1, PGT_STAGE1_EL2, HYP_VA_BITS, &hyp_ops))
		return "no memory for EL2 page tables";
	ret = hyp_map((u64)__text_start, (u64)__text_end,
		      PGT_PROT_R | PGT_PROT_X) ?:
	      hyp_map((u64)__rodata_start, (u64)__rodata_end, PGT_PROT_R) ?:
	      hyp_map((u64)__data_start, STUB_BASE + STUB_SIZE, PGT_PROT_RW) ?:
	      hyp_map(UART_BASE, UART_BASE + PGT_PAGE_SIZE,
		      PGT_PROT_RW | PGT_PROT_DEVICE) ?:
	      hyp_map(dt->gicd.base, mem_range_end(&dt->gicd),
		      PGT_PROT_RW | PGT_PROT_DEVICE);
	if (!ret && gicr_range.size &&
	    hyp_map(gicr_range.base, mem_range_end(&gicr_range),
		    PGT_PROT_RW | PGT_PROT_DEVICE))
		gicr_range.size = 0;
	if (ret)
		return "cannot build the EL2 page tables";
	/* Host RAM, so the stub can copy host buffers. */
	for (i = 0; i < nr_ram; i++) {
		if (mem_range_end(&ram[i]) > (1UL << HYP_VA_BITS))
			return "RAM above 512 GiB is not supported";
		if (hyp_map(ram[i].base, mem_range_end(&ram[i]), PGT_PROT_RW))
			return "cannot map host RAM at EL2";
	}
	return NULL;
}

static const char *build_host_s2(const struct mem_range *ram,
				 unsigned int nr_ram)
{
	struct mem_range dev[2];
	struct host_mem_layout l = {
		.ram = ram, .nr_ram = nr_ram, .dev = dev, .nr_dev = 0,
		.hyp = { STUB_BASE, STUB_SIZE },
	};
	u64 ram_start = ~0UL, ram_end = 0, high;
	unsigned int i;

	for (i = 0; i < nr_ram; i++) {
		ram_start = MIN(ram_start, ram[i].base);
		ram_end = MAX(ram_end, mem_range_end(&ram[i]));
	}
	/* Below RAM: flash, GIC (incl. ITS), UART, RTC, virtio, PCIe low. */
	dev[l.nr_dev++] = (struct mem_range){
		0, MIN(MIN(ram_start, STUB_BASE), VIRT_LOW_IO_END) };
	/* High redistributors, PCIe ECAM and MMIO: above RAM, to the IPA limit. */
	high = ALIGN_UP(MAX(ram_end, VIRT_HIGH_IO_BASE), SZ_1G);
	if (high < (1UL << HOST_IPA_BITS))
		dev[l.nr_dev++] = (struct mem_range){
			high, (1UL << HOST_IPA_BITS) - high };

	if (pgt_init(&host_s2, PGT_STAGE2, HOST_IPA_BITS, &host_ops) ||
	    mem_host_s2_init(&host_s2, &l))
		return "cannot build the host stage-2 page tables";
	return NULL;
}

const char *mmu_init(const struct dt_info *dt, const struct mem_range *ram,
		     unsigned int nr_ram)
{
	static const u8 parange_bits[] = PARANGE_BITS;
	unsigned int parange = ID_FIELD(read_sysreg(id_aa64mmfr0_el1), 0);
	u64 ps = MIN(parange, 5U);	/* 48 bits: no 52-bit descriptors */
	const char *err;

	if (parange >= ARRAY_SIZE(parange_bits) ||
	    parange_bits[parange] < HOST_IPA_BITS)
		return "CPU physical address range below 40 bits";
	pool_next = (u64)__image_end;
	pool_end = STUB_BASE + STUB_SIZE;

	err = build_hyp_s1(dt, ram, nr_ram);
	if (!err)
		err = build_host_s2(ram, nr_ram);
	if (err)
		return err;

	el2_mmu_cfg.mair = MAIR_DEVICE_nGnRE | (MAIR_NORMAL_WB << 8);
	el2_mmu_cfg.tcr = TCR_EL2_RES1 | TCR_T0SZ(HYP_VA_BITS) |
			  TCR_IRGN0_WBWA | TCR_ORGN0_WBWA | TCR_SH0_INNER |
			  (ps << TCR_PS_SHIFT);
	el2_mmu_cfg.ttbr0 = (u64)hyp_s1.root;
	el2_mmu_cfg.sctlr = SCTLR_EL2_RES1 | SCTLR_M | SCTLR_C | SCTLR_SA |
			    SCTLR_I | SCTLR_WXN;
	host_vtcr = VTCR_EL2_RES1 | TCR_T0SZ(HOST_IPA_BITS) |
		    ((2UL - host_s2.start_level) << VTCR_SL0_SHIFT) |
		    TCR_IRGN0_WBWA | TCR_ORGN0_WBWA | TCR_SH0_INNER |
		    (ps << TCR_PS_SHIFT);
	host_vttbr = (u64)host_s2.root;		/* VMID 0 */
	host_s2.vmid = 0;
	mem_set_host_s2(&host_s2);
	return NULL;
}

void cpu_init_stage2(void)
{
	write_sysreg(host_vtcr, vtcr_el2);
	write_sysreg(host_vttbr, vttbr_el2);
	isb();
	/* Nothing this CPU cached for VMID 0 before may survive. */
	asm volatile("tlbi vmalls12e1");
	dsb(nsh);
	isb();
}

static u64 dcache_line(void)
{
	return 4UL << ((read_sysreg(ctr_el0) >> 16) & 0xf);
}

/* Write back to the point of coherency, for readers with the MMU off. */
void dcache_clean_range(u64 start, u64 size)
{
	u64 line = dcache_line(), a;

	for (a = start & ~(line - 1); a < start + size; a += line)
		asm volatile("dc cvac, %0" : : "r"(a) : "memory");
	dsb(sy);
}

/* Drop cached copies of memory written with the MMU off. */
void dcache_inval_range(u64 start, u64 size)
{
	u64 line = dcache_line(), a;

	for (a = start & ~(line - 1); a < start + size; a += line)
		asm volatile("dc ivac, %0" : : "r"(a) : "memory");
	dsb(sy);
}
