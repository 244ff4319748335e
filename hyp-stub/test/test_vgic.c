// SPDX-License-Identifier: GPL-2.0-only
/*
 * Host tests of the virtual GICv3 (core/vgic.c): register emulation of the
 * distributor and redistributors, edge/level semantics, sources (doorbells), the
 * list-register flush/sync cycle, SGIs and hostile accesses. The VMs and
 * vCPUs are set up by hand; vcpu_kick() is recorded.
 */
#include <stdlib.h>
#include "unit.h"
#include "gunyah.h"
#include "vcpu.h"

struct vm vms[VM_MAX_VMS];
static struct vcpu vcpus[2][VM_MAX_VCPUS];
static struct vm *vm;
static int kicks[VM_MAX_VCPUS];
static int pages_out;
static bool pages_fail;

/* The page-table pool, for the SPIs beyond the base ones. */
void *plat_s2_zalloc(unsigned int order)
{
	void *p = pages_fail ? NULL : calloc(1, 4096UL << order);

	if (p)
		pages_out += 1 << order;
	return p;
}

void plat_s2_free(void *p, unsigned int order)
{
	pages_out -= 1 << order;
	free(p);
}

void vcpu_kick(struct vcpu *v)
{
	if (v->vm == vm)
		kicks[v->index]++;
}

#define GICD		0x3fff0000UL
#define STRIDE		0x20000UL
#define SGI_FRAME	0x10000UL

#define CTLR_G1A	BIT(1)
#define IROUTER(n)	(GICD + 0x6000 + 8 * (n))

static unsigned int nr_vcpus;

static struct vcpu *vc(unsigned int i)
{
	return &vcpus[0][i];
}

static u64 gicr(unsigned int i)
{
	return GICD - STRIDE * nr_vcpus + STRIDE * i;
}

/* VM @slot with vCPUs of the indices in @mask (vCPU 0 on). */
static struct vm *make_vm(unsigned int slot, u16 vmid, u32 mask)
{
	struct vm *m = &vms[slot];

	memset(m, 0, sizeof(*m));
	m->used = true;
	m->vmid = vmid;
	m->state = VM_STATE_STOPPED;
	vgic_vm_init(m);
	for (unsigned int i = 0; i < VM_MAX_VCPUS; i++) {
		struct vcpu *v = &vcpus[slot][i];

		if (!(mask & BIT(i)))
			continue;
		memset(v, 0, sizeof(*v));
		v->vm = m;
		v->index = i;
		v->on = i == 0;
		vgic_vcpu_init(v);
		m->vcpu[i] = v;
	}
	return m;
}

static void setup_mask(u32 mask)
{
	memset(vms, 0, sizeof(vms));
	memset(kicks, 0, sizeof(kicks));
	vm = make_vm(0, 7, mask);
	nr_vcpus = 32 - __builtin_clz(mask);
}

static void setup(unsigned int n)
{
	setup_mask((u32)BIT(n) - 1);
}

static u64 rd(struct vcpu *v, u64 ipa, u8 size)
{
	u64 val = 0xdeadbeefcafef00dUL;

	if (!vgic_mmio(v, ipa, false, size, &val)) {
		unit_fail(__FILE__, __LINE__, "vgic_mmio() read", ipa, size);
		return ~0UL;
	}
	return val;
}

static void wr(struct vcpu *v, u64 ipa, u8 size, u64 val)
{
	EXPECT_TRUE(vgic_mmio(v, ipa, true, size, &val));
}

static void dist_on(void)
{
	wr(vc(0), GICD, 4, CTLR_G1A | BIT(0));
}

/* SPI @intid: enabled, @edge, priority @prio, to vCPU @cpu */
static void spi_cfg(u32 intid, bool edge, u8 prio, unsigned int cpu)
{
	u64 icfgr = GICD + 0xc00 + intid / 16 * 4;
	u32 bit = 2 * (intid % 16) + 1;

	wr(vc(0), icfgr, 4, (rd(vc(0), icfgr, 4) & ~BIT(bit)) |
			    (edge ? BIT(bit) : 0));
	wr(vc(0), GICD + 0x400 + intid, 1, prio);
	wr(vc(0), IROUTER(intid), 8, cpu);
	wr(vc(0), GICD + 0x100 + intid / 32 * 4, 4, BIT(intid % 32));
}

static u64 lr_of(u32 intid, u8 prio, u64 state)
{
	return intid | ((u64)prio << 48) | VGIC_LR_GROUP1 | state;
}

TEST(gicd_id_and_ctlr)
{
	setup(2);
	EXPECT_EQ(rd(vc(0), GICD + 0x4, 4), (9U << 19) | (1U << 5) | 3);
	EXPECT_EQ(rd(vc(0), GICD + 0xffe8, 4), 0x30);
	EXPECT_EQ(rd(vc(0), GICD + 0x8, 4), 0x47000000);
	EXPECT_EQ(rd(vc(0), GICD + 0xc, 4), 0);		/* TYPER2 */
	/* ARE and DS read as one, only the group enables stick, RWP 0 */
	EXPECT_EQ(rd(vc(0), GICD, 4), 0x50);
	wr(vc(0), GICD, 4, 0xffffffff);
	EXPECT_EQ(rd(vc(0), GICD, 4), 0x53);
	wr(vc(0), GICD, 4, 0);
	EXPECT_EQ(rd(vc(0), GICD, 4), 0x50);
	/* IGROUPR: SPIs all Group 1 (RAO/WI), SGIs/PPIs RAZ in the GICD */
	wr(vc(0), GICD + 0x84, 4, 0);
	EXPECT_EQ(rd(vc(0), GICD + 0x84, 4), 0xffffffff);
	EXPECT_EQ(rd(vc(0), GICD + 0x80, 4), 0);
	EXPECT_EQ(rd(vc(0), GICD + 0x90, 4), 0);	/* INTIDs >= 128 */
	EXPECT_EQ(rd(vc(1), GICD + 0x4, 4), (9U << 19) | (1U << 5) | 3);
}

TEST(gicr_typer_pidr_waker)
{
	setup(2);
	EXPECT_EQ(rd(vc(0), gicr(0) + 0x8, 8), 0);
	EXPECT_EQ(rd(vc(0), gicr(1) + 0x8, 8), BIT(32) | BIT(8) | BIT(4));
	EXPECT_EQ(rd(vc(0), gicr(1) + 0x8, 4), BIT(8) | BIT(4));
	EXPECT_EQ(rd(vc(0), gicr(1) + 0xc, 4), 1);
	EXPECT_EQ(rd(vc(0), gicr(1) + 0x8, 1), 0);	/* no byte access */
	EXPECT_EQ(rd(vc(1), gicr(0) + 0xffe8, 4), 0x30);
	EXPECT_EQ(rd(vc(1), gicr(1) + 0xffe8, 4), 0x30);
	EXPECT_EQ(rd(vc(0), gicr(0), 4), 0);		/* CTLR, RWP 0 */
	EXPECT_EQ(rd(vc(0), gicr(0) + 0x4, 4), 0x47000000);
	/* WAKER: asleep at reset; ChildrenAsleep follows ProcessorSleep */
	EXPECT_EQ(rd(vc(0), gicr(1) + 0x14, 4), 6);
	wr(vc(0), gicr(1) + 0x14, 4, 0);
	EXPECT_EQ(rd(vc(0), gicr(1) + 0x14, 4), 0);
	EXPECT_EQ(rd(vc(0), gicr(0) + 0x14, 4), 6);	/* per vCPU */
	wr(vc(0), gicr(1) + 0x14, 4, 2);
	EXPECT_EQ(rd(vc(0), gicr(1) + 0x14, 4), 6);
	/* Outside the GICR area: not ours, the VMM's */
	u64 val = 0;

	EXPECT_FALSE(vgic_mmio(vc(0), gicr(0) - 4, false, 4, &val));
	EXPECT_FALSE(vgic_mmio(vc(0), GICD + 0x10000, false, 4, &val));
	EXPECT_FALSE(vgic_mmio(vc(0), 0x09000000, true, 4, &val));
}

TEST(gicr_hole_and_last)
{
	setup_mask(BIT(0) | BIT(2));		/* vCPU 1 missing */
	EXPECT_EQ(nr_vcpus, 3);
	EXPECT_EQ(rd(vc(0), gicr(0) + 0x8, 8), 0);
	EXPECT_EQ(rd(vc(0), gicr(1) + 0x8, 8), 0);	/* hole: RAZ/WI */
	wr(vc(0), gicr(1) + SGI_FRAME + 0x200, 4, ~0U);
	EXPECT_EQ(rd(vc(0), gicr(2) + 0x8, 8), BIT(33) | BIT(9) | BIT(4));
	EXPECT_EQ(rd(vc(0), GICD + 0x4, 4) >> 5 & 7, 2);
}

TEST(enable_pending_active_regs)
{
	setup(2);
	wr(vc(0), GICD + 0x104, 4, BIT(1) | BIT(31));	/* 33, 63 */
	EXPECT_EQ(rd(vc(0), GICD + 0x104, 4), BIT(1) | BIT(31));
	EXPECT_EQ(rd(vc(0), GICD + 0x184, 4), BIT(1) | BIT(31));
	wr(vc(0), GICD + 0x184, 4, BIT(31));
	EXPECT_EQ(rd(vc(0), GICD + 0x104, 4), BIT(1));
	wr(vc(0), GICD + 0x208, 4, BIT(2));		/* 66 pending */
	EXPECT_EQ(rd(vc(1), GICD + 0x208, 4), BIT(2));
	wr(vc(0), GICD + 0x288, 4, BIT(2));
	EXPECT_EQ(rd(vc(0), GICD + 0x208, 4), 0);
	wr(vc(0), GICD + 0x30c, 4, BIT(0));		/* 96 active */
	EXPECT_EQ(rd(vc(0), GICD + 0x38c, 4), BIT(0));
	wr(vc(0), GICD + 0x38c, 4, BIT(0));
	EXPECT_EQ(rd(vc(0), GICD + 0x30c, 4), 0);
	/* SGI/PPI registers in the GICD are RAZ/WI with ARE */
	wr(vc(0), GICD + 0x100, 4, ~0U);
	EXPECT_EQ(rd(vc(0), GICD + 0x100, 4), 0);
	/* ... and live in each redistributor's SGI frame */
	EXPECT_EQ(rd(vc(0), gicr(1) + SGI_FRAME + 0x100, 4), 0xffff);
	wr(vc(0), gicr(1) + SGI_FRAME + 0x180, 4, ~0U);
	wr(vc(0), gicr(1) + SGI_FRAME + 0x100, 4, BIT(27));
	EXPECT_EQ(rd(vc(0), gicr(1) + SGI_FRAME + 0x100, 4), BIT(27));
	EXPECT_EQ(rd(vc(0), gicr(0) + SGI_FRAME + 0x100, 4), 0xffff);
	EXPECT_EQ(rd(vc(0), gicr(1) + SGI_FRAME + 0x80, 4), 0xffffffff);
	wr(vc(1), gicr(0) + SGI_FRAME + 0x200, 4, BIT(5));
	EXPECT_EQ(rd(vc(0), gicr(0) + SGI_FRAME + 0x200, 4), BIT(5));
	EXPECT_EQ(rd(vc(0), gicr(1) + SGI_FRAME + 0x200, 4), 0);
	wr(vc(1), gicr(0) + SGI_FRAME + 0x300, 4, BIT(20));
	EXPECT_EQ(rd(vc(0), gicr(0) + SGI_FRAME + 0x380, 4), BIT(20));
}

TEST(priority_config_route_regs)
{
	setup(2);
	wr(vc(0), GICD + 0x421, 1, 0xa0);		/* INTID 33 */
	EXPECT_EQ(rd(vc(0), GICD + 0x421, 1), 0xa0);
	EXPECT_EQ(rd(vc(0), GICD + 0x420, 4), 0xa000);
	wr(vc(0), GICD + 0x424, 4, 0x11223344);		/* 36..39 */
	EXPECT_EQ(rd(vc(0), GICD + 0x427, 1), 0x11);
	EXPECT_EQ(rd(vc(0), GICD + 0x424, 1), 0x44);
	EXPECT_EQ(rd(vc(0), GICD + 0x424, 2), 0);	/* halfword: RAZ/WI */
	wr(vc(0), GICD + 0x400, 4, ~0U);		/* SGIs in GICD */
	EXPECT_EQ(rd(vc(0), GICD + 0x400, 4), 0);
	wr(vc(0), gicr(1) + SGI_FRAME + 0x41b, 1, 0x80);	/* PPI 27 */
	EXPECT_EQ(rd(vc(0), gicr(1) + SGI_FRAME + 0x418, 4), 0x80000000);
	EXPECT_EQ(rd(vc(0), gicr(0) + SGI_FRAME + 0x418, 4), 0);

	/* ICFGR: SPI edge bit 2n+1 writable, SGIs fixed edge, PPIs writable */
	wr(vc(0), GICD + 0xc08, 4, 0xffffffff);
	EXPECT_EQ(rd(vc(0), GICD + 0xc08, 4), 0xaaaaaaaa);
	wr(vc(0), GICD + 0xc08, 4, BIT(3));
	EXPECT_EQ(rd(vc(0), GICD + 0xc08, 4), BIT(3));
	EXPECT_EQ(rd(vc(0), GICD + 0xc00, 4), 0);	/* SGIs via GICD */
	EXPECT_EQ(rd(vc(0), gicr(0) + SGI_FRAME + 0xc00, 4), 0xaaaaaaaa);
	wr(vc(0), gicr(0) + SGI_FRAME + 0xc00, 4, 0);
	EXPECT_EQ(rd(vc(0), gicr(0) + SGI_FRAME + 0xc00, 4), 0xaaaaaaaa);
	EXPECT_EQ(rd(vc(0), gicr(0) + SGI_FRAME + 0xc04, 4), 0);
	wr(vc(0), gicr(0) + SGI_FRAME + 0xc04, 4, BIT(7));	/* PPI 19 */
	EXPECT_EQ(rd(vc(0), gicr(0) + SGI_FRAME + 0xc04, 4), BIT(7));

	/* IROUTER: Aff3..0 and IRM; 64-bit and 32-bit halves */
	wr(vc(0), IROUTER(40), 8, ~0UL);
	EXPECT_EQ(rd(vc(0), IROUTER(40), 8), 0xff80ffffffUL);
	wr(vc(0), IROUTER(40) + 4, 4, 0);
	EXPECT_EQ(rd(vc(0), IROUTER(40), 8), 0x80ffffffUL);
	wr(vc(0), IROUTER(40), 4, 1);
	EXPECT_EQ(rd(vc(0), IROUTER(40), 4), 1);
	EXPECT_EQ(rd(vc(0), IROUTER(40) + 4, 4), 0);
	EXPECT_EQ(rd(vc(0), IROUTER(127), 8), 0);
	wr(vc(0), IROUTER(31), 8, 1);			/* not an SPI */
	EXPECT_EQ(rd(vc(0), IROUTER(31), 8), 0);
	wr(vc(0), IROUTER(128), 8, 1);			/* beyond the SPIs */
	EXPECT_EQ(rd(vc(0), IROUTER(128), 8), 0);
}

/*
 * A flush that found nothing is reused while nothing changes; every kind of
 * change (a line, an SGI, a guest register write, a vCPU powering on for
 * IRM routing) must end that.
 */
TEST(idle_flush_cache)
{
	u64 lr[4];

	setup(2);
	dist_on();
	spi_cfg(40, true, 0x80, 1);
	EXPECT_EQ(vgic_flush_lrs(vc(1), lr, 4), 0);
	EXPECT_EQ(lr[0], 0);
	vgic_sync_lrs(vc(1), lr, 4);
	EXPECT_EQ(vgic_flush_lrs(vc(1), lr, 4), 0);	/* cached: still empty */
	EXPECT_EQ(lr[0], 0);
	vgic_sync_lrs(vc(1), lr, 4);
	vgic_set_level(vm, 40, true);
	vgic_flush_lrs(vc(1), lr, 4);
	EXPECT_EQ(lr[0], lr_of(40, 0x80, VGIC_LR_PENDING));
	lr[0] = 0;					/* taken and EOI'd */
	vgic_sync_lrs(vc(1), lr, 4);
	vgic_flush_lrs(vc(1), lr, 4);
	EXPECT_EQ(lr[0], 0);
	vgic_sync_lrs(vc(1), lr, 4);
	vgic_sgi(vc(0), BIT(1) | (3UL << 24));		/* SGI 3 to vCPU 1 */
	vgic_flush_lrs(vc(1), lr, 4);
	EXPECT_EQ(lr[0] & VGIC_LR_VINTID_MASK, 3);
	lr[0] = 0;
	vgic_sync_lrs(vc(1), lr, 4);
	vgic_flush_lrs(vc(1), lr, 4);
	EXPECT_EQ(lr[0], 0);
	vgic_sync_lrs(vc(1), lr, 4);
	/* A guest write that pends SPI 41 (disabled, then enabled). */
	spi_cfg(41, true, 0x70, 1);
	wr(vc(0), GICD + 0x204, 4, BIT(9));		/* ISPENDR1: INTID 41 */
	vgic_flush_lrs(vc(1), lr, 4);
	EXPECT_EQ(lr[0], lr_of(41, 0x70, VGIC_LR_PENDING));
	vgic_sync_lrs(vc(1), lr, 4);
}

TEST(edge_spi)
{
	u64 lr[4];

	setup(2);
	dist_on();
	spi_cfg(40, true, 0x80, 1);
	vgic_set_level(vm, 40, true);
	EXPECT_EQ(kicks[1], 1);
	EXPECT_EQ(kicks[0], 0);
	EXPECT_TRUE(vgic_has_pending(vc(1)));
	EXPECT_FALSE(vgic_has_pending(vc(0)));
	vgic_set_level(vm, 40, true);			/* no new edge */
	EXPECT_EQ(kicks[1], 1);
	EXPECT_EQ(vgic_flush_lrs(vc(0), lr, 4), 0);
	EXPECT_EQ(lr[0], 0);
	EXPECT_EQ(vgic_flush_lrs(vc(1), lr, 4), 0);
	EXPECT_EQ(lr[0], lr_of(40, 0x80, VGIC_LR_PENDING));	/* no EOI */
	EXPECT_EQ(lr[1], 0);
	/* The guest took it: active */
	lr[0] = lr_of(40, 0x80, VGIC_LR_ACTIVE);
	vgic_sync_lrs(vc(1), lr, 4);
	EXPECT_FALSE(vgic_has_pending(vc(1)));
	EXPECT_EQ(rd(vc(0), GICD + 0x304, 4), BIT(8));
	EXPECT_EQ(rd(vc(0), GICD + 0x204, 4), 0);
	vgic_set_level(vm, 40, true);			/* still high: no edge */
	EXPECT_EQ(rd(vc(0), GICD + 0x204, 4), 0);
	/* A new edge while active: active and pending */
	vgic_set_level(vm, 40, false);
	vgic_set_level(vm, 40, true);
	EXPECT_EQ(kicks[1], 2);
	EXPECT_EQ(vgic_flush_lrs(vc(1), lr, 4), 0);
	EXPECT_EQ(lr[0], lr_of(40, 0x80, VGIC_LR_PENDING | VGIC_LR_ACTIVE));
	lr[0] = 0;					/* both handled */
	vgic_sync_lrs(vc(1), lr, 4);
	EXPECT_FALSE(vgic_has_pending(vc(1)));
	EXPECT_EQ(vgic_flush_lrs(vc(1), lr, 4), 0);
	EXPECT_EQ(lr[0], 0);
	vgic_sync_lrs(vc(1), lr, 4);
	/* An edge while the LR still holds it pending merges, not doubles */
	vgic_set_level(vm, 40, false);
	vgic_set_level(vm, 40, true);
	vgic_flush_lrs(vc(1), lr, 4);
	vgic_set_level(vm, 40, false);
	vgic_set_level(vm, 40, true);
	vgic_sync_lrs(vc(1), lr, 4);			/* untouched: pending */
	vgic_flush_lrs(vc(1), lr, 4);
	EXPECT_EQ(lr[0], lr_of(40, 0x80, VGIC_LR_PENDING));
	EXPECT_EQ(lr[1], 0);
	/* ... but one after the guest took it is a second interrupt */
	vgic_set_level(vm, 40, false);
	vgic_set_level(vm, 40, true);
	lr[0] = lr_of(40, 0x80, VGIC_LR_ACTIVE);
	vgic_sync_lrs(vc(1), lr, 4);
	vgic_flush_lrs(vc(1), lr, 4);
	EXPECT_EQ(lr[0], lr_of(40, 0x80, VGIC_LR_PENDING | VGIC_LR_ACTIVE));
}

TEST(level_spi_resample_on_eoi)
{
	u64 lr[4];

	setup(1);
	dist_on();
	spi_cfg(41, false, 0x40, 0);
	vgic_set_level(vm, 41, true);
	EXPECT_EQ(kicks[0], 1);
	EXPECT_EQ(rd(vc(0), GICD + 0x204, 4), BIT(9));	/* line pending */
	vgic_flush_lrs(vc(0), lr, 4);
	EXPECT_EQ(lr[0], lr_of(41, 0x40, VGIC_LR_PENDING) | VGIC_LR_EOI);
	lr[0] = lr_of(41, 0x40, VGIC_LR_ACTIVE) | VGIC_LR_EOI;
	vgic_sync_lrs(vc(0), lr, 4);
	/* Active with the line high: not pending again until deactivated */
	EXPECT_FALSE(vgic_has_pending(vc(0)));
	vgic_flush_lrs(vc(0), lr, 4);
	EXPECT_EQ(lr[0], lr_of(41, 0x40, VGIC_LR_ACTIVE) | VGIC_LR_EOI);
	/* The guest EOIs with the line still high: resampled, pending */
	lr[0] &= ~(VGIC_LR_ACTIVE | VGIC_LR_PENDING);	/* as the GIC does */
	vgic_sync_lrs(vc(0), lr, 4);
	EXPECT_TRUE(vgic_has_pending(vc(0)));
	vgic_flush_lrs(vc(0), lr, 4);
	EXPECT_EQ(lr[0], lr_of(41, 0x40, VGIC_LR_PENDING) | VGIC_LR_EOI);
	/* The line drops before the guest takes it: no longer pending */
	vgic_set_level(vm, 41, false);
	vgic_sync_lrs(vc(0), lr, 4);			/* LR still pending */
	EXPECT_FALSE(vgic_has_pending(vc(0)));
	EXPECT_EQ(rd(vc(0), GICD + 0x204, 4), 0);
	vgic_flush_lrs(vc(0), lr, 4);
	EXPECT_EQ(lr[0], 0);
	vgic_sync_lrs(vc(0), lr, 4);
	/* ISPENDR on a level SPI latches until the guest takes it */
	wr(vc(0), GICD + 0x204, 4, BIT(9));
	EXPECT_TRUE(vgic_has_pending(vc(0)));
	vgic_flush_lrs(vc(0), lr, 4);
	EXPECT_EQ(lr[0], lr_of(41, 0x40, VGIC_LR_PENDING) | VGIC_LR_EOI);
	lr[0] = 0;
	vgic_sync_lrs(vc(0), lr, 4);
	EXPECT_FALSE(vgic_has_pending(vc(0)));
}

/* A source like a doorbell: its level is @src_level; checks recorded. */
static struct vgic_irq_source test_src;
static int nr_checks, last_reasserted;
static bool src_level;

static int nr_wrong_src;

static bool test_check(struct vgic_irq_source *src, bool reasserted)
{
	if (src != &test_src)
		nr_wrong_src++;
	nr_checks++;
	last_reasserted = reasserted;
	return reasserted || src_level;
}

/*
 * The real vGIC's virq_source: the level holds until the guest deactivates
 * the interrupt (EOI), disables or clears it and the source then says it
 * no longer asserts it; taking it (pending -> active) asks nothing. The
 * old stub called the source when the guest took the interrupt.
 */
TEST(source_check_pending)
{
	struct vgic_irq_source other = { test_check }, none = { NULL };
	u64 lr[4];

	setup(1);
	nr_checks = 0;
	src_level = false;
	test_src.check_pending = test_check;
	EXPECT_EQ(vgic_source_bind(vm, 42, &test_src), GH_ERROR_OK);
	EXPECT_EQ(vgic_source_bind(vm, 42, &other), GH_ERROR_VIRQ_BOUND);
	EXPECT_EQ(vgic_source_bind(vm, 27, &other), GH_ERROR_ARG_INVAL);
	EXPECT_EQ(vgic_source_bind(vm, 1020, &other), GH_ERROR_ARG_INVAL);
	EXPECT_EQ(vgic_source_bind(vm, 43, &none), GH_ERROR_ARG_INVAL);
	dist_on();
	spi_cfg(42, false, 0, 0);
	vgic_virq_assert(vm, 42, false);
	EXPECT_EQ(kicks[0], 1);
	vgic_set_level(vm, 42, false);			/* not for sourced SPIs */
	EXPECT_EQ(rd(vc(0), GICD + 0x204, 4), BIT(10));
	/* No NPIE any more: nothing happens when the guest takes it */
	EXPECT_EQ(vgic_flush_lrs(vc(0), lr, 4), 0);
	EXPECT_EQ(lr[0], lr_of(42, 0, VGIC_LR_PENDING) | VGIC_LR_EOI);
	vgic_sync_lrs(vc(0), lr, 4);			/* not taken yet */
	vgic_flush_lrs(vc(0), lr, 4);
	lr[0] = (lr[0] & ~VGIC_LR_PENDING) | VGIC_LR_ACTIVE;
	vgic_sync_lrs(vc(0), lr, 4);			/* taken */
	EXPECT_EQ(nr_checks, 0);
	EXPECT_EQ(rd(vc(0), GICD + 0x204, 4), 0);	/* active: LR view */
	EXPECT_EQ(rd(vc(0), GICD + 0x304, 4), BIT(10));
	EXPECT_EQ(vgic_flush_lrs(vc(0), lr, 4), 0);
	EXPECT_EQ(lr[0], lr_of(42, 0, VGIC_LR_ACTIVE) | VGIC_LR_EOI);
	lr[0] = 0;					/* EOI */
	vgic_sync_lrs(vc(0), lr, 4);
	EXPECT_EQ(nr_checks, 1);
	EXPECT_EQ(last_reasserted, 0);
	EXPECT_FALSE(vgic_has_pending(vc(0)));		/* dropped */
	/* Asserted again while listed: the check says "reasserted" */
	src_level = false;
	vgic_virq_assert(vm, 42, false);
	vgic_flush_lrs(vc(0), lr, 4);
	vgic_virq_assert(vm, 42, false);
	lr[0] = 0;
	vgic_sync_lrs(vc(0), lr, 4);
	EXPECT_EQ(nr_checks, 2);
	EXPECT_EQ(last_reasserted, 1);
	EXPECT_TRUE(vgic_has_pending(vc(0)));		/* one more */
	vgic_flush_lrs(vc(0), lr, 4);
	lr[0] = 0;
	vgic_sync_lrs(vc(0), lr, 4);
	EXPECT_EQ(last_reasserted, 0);
	EXPECT_FALSE(vgic_has_pending(vc(0)));
	/* Disabled while asserted and still held by the source */
	src_level = true;
	vgic_virq_assert(vm, 42, false);
	wr(vc(0), GICD + 0x184, 4, BIT(10));
	EXPECT_EQ(nr_checks, 4);
	EXPECT_EQ(rd(vc(0), GICD + 0x204, 4), BIT(10));
	src_level = false;
	wr(vc(0), GICD + 0x284, 4, BIT(10));		/* ICPENDR */
	EXPECT_EQ(nr_checks, 5);
	EXPECT_EQ(last_reasserted, 1);			/* not had it yet */
	EXPECT_EQ(rd(vc(0), GICD + 0x204, 4), BIT(10));
	wr(vc(0), GICD + 0x284, 4, BIT(10));
	EXPECT_EQ(last_reasserted, 0);
	EXPECT_EQ(rd(vc(0), GICD + 0x204, 4), 0);	/* now dropped */
	wr(vc(0), GICD + 0x104, 4, BIT(10));
	/* Edge only: a level-configured SPI ignores it, an edge one latches */
	vgic_virq_assert(vm, 42, true);
	EXPECT_FALSE(vgic_has_pending(vc(0)));
	spi_cfg(42, true, 0, 0);
	vgic_virq_assert(vm, 42, true);
	EXPECT_TRUE(vgic_has_pending(vc(0)));
	vgic_flush_lrs(vc(0), lr, 4);
	lr[0] = 0;
	vgic_sync_lrs(vc(0), lr, 4);
	/* virq_clear drops the level at once */
	spi_cfg(42, false, 0, 0);
	vgic_virq_assert(vm, 42, false);
	vgic_virq_clear(vm, 42);
	EXPECT_FALSE(vgic_has_pending(vc(0)));
	/* Unbound: no more checks; the SPI is a plain line again */
	nr_checks = 0;
	vgic_source_unbind(vm, 42);
	vgic_virq_assert(vm, 42, false);		/* ignored */
	EXPECT_FALSE(vgic_has_pending(vc(0)));
	vgic_set_level(vm, 42, true);
	vgic_flush_lrs(vc(0), lr, 4);
	lr[0] = 0;
	vgic_sync_lrs(vc(0), lr, 4);
	EXPECT_EQ(nr_checks, 0);
	EXPECT_EQ(vgic_source_bind(vm, 42, &other), GH_ERROR_OK);
	EXPECT_EQ(nr_wrong_src, 0);
}

/*
 * SPIs beyond the base 96 come from the pool when a source binds there;
 * GICD_TYPER.ITLinesNumber follows (the real vGIC: 31, for 988 SPIs); the
 * pages go back with vgic_vm_free().
 */
TEST(spis_grow_with_sources)
{
	static struct vgic_irq_source srcs[3];
	u64 lr[4];

	setup(1);
	dist_on();
	EXPECT_EQ(rd(vc(0), GICD + 4, 4) & 0x1f, 3);
	wr(vc(0), GICD + 0x100 + 4 * 8, 4, ~0U);	/* INTIDs 256..287 */
	EXPECT_EQ(rd(vc(0), GICD + 0x100 + 4 * 8, 4), 0);
	for (int i = 0; i < 3; i++)
		srcs[i].check_pending = test_check;
	pages_fail = true;
	EXPECT_EQ(vgic_source_bind(vm, 287, &srcs[0]), GH_ERROR_NOMEM);
	EXPECT_EQ(pages_out, 0);
	EXPECT_EQ(rd(vc(0), GICD + 4, 4) & 0x1f, 3);	/* unchanged */
	pages_fail = false;
	EXPECT_EQ(vgic_source_bind(vm, 287, &srcs[0]), GH_ERROR_OK);
	EXPECT_EQ(pages_out, 2);
	EXPECT_EQ(rd(vc(0), GICD + 4, 4) & 0x1f, 11);	/* INTIDs < 384 */
	EXPECT_EQ(vgic_source_bind(vm, 200, &srcs[1]), GH_ERROR_OK);
	EXPECT_EQ(pages_out, 2);
	spi_cfg(287, false, 0xa0, 0);
	EXPECT_EQ(rd(vc(0), GICD + 0x400 + 284, 4), 0xa0000000U);
	EXPECT_EQ(rd(vc(0), IROUTER(287), 8), 0);
	vgic_virq_assert(vm, 287, false);
	EXPECT_EQ(rd(vc(0), GICD + 0x200 + 4 * 8, 4), BIT(31));
	vgic_flush_lrs(vc(0), lr, 4);
	EXPECT_EQ(lr[0], lr_of(287, 0xa0, VGIC_LR_PENDING) | VGIC_LR_EOI);
	lr[0] = 0;
	vgic_sync_lrs(vc(0), lr, 4);
	EXPECT_EQ(vgic_source_bind(vm, 1019, &srcs[2]), GH_ERROR_OK);
	EXPECT_EQ(pages_out, 7);
	EXPECT_EQ(rd(vc(0), GICD + 4, 4) & 0x1f, 31);
	/* INTIDs 1020..1023 do not exist */
	wr(vc(0), GICD + 0x100 + 4 * 31, 4, ~0U);
	EXPECT_EQ(rd(vc(0), GICD + 0x100 + 4 * 31, 4), 0x0fffffffU);
	wr(vc(0), GICD + 0x400 + 1020, 4, ~0U);
	EXPECT_EQ(rd(vc(0), GICD + 0x400 + 1020, 4), 0);
	EXPECT_EQ(rd(vc(0), IROUTER(1020), 8), 0);
	vgic_vm_reset(vm);				/* keeps the pages */
	EXPECT_EQ(pages_out, 7);
	vgic_vm_free(vm);
	EXPECT_EQ(pages_out, 0);
	EXPECT_EQ(rd(vc(0), GICD + 4, 4) & 0x1f, 3);
}

TEST(lr_round_trip_and_missed_sync)
{
	u64 lr[4], again[4];

	setup(1);
	dist_on();
	spi_cfg(45, true, 0xa0, 0);
	wr(vc(0), GICD + 0x204, 4, BIT(13));
	vgic_flush_lrs(vc(0), lr, 4);
	EXPECT_EQ(lr[0], 45 | 0xa0UL << 48 | BIT(60) | BIT(62));
	EXPECT_EQ(lr[0] & (BIT(61) | BIT(41)), 0);	/* HW 0, no EOI */
	/* Unchanged LR back: still pending, presented the same again */
	vgic_sync_lrs(vc(0), lr, 4);
	EXPECT_TRUE(vgic_has_pending(vc(0)));
	EXPECT_EQ(rd(vc(0), GICD + 0x204, 4), BIT(13));
	vgic_flush_lrs(vc(0), again, 4);
	EXPECT_EQ(again[0], lr[0]);
	/* A flush without sync (missed) is "unchanged", not lost */
	vgic_flush_lrs(vc(0), again, 4);
	EXPECT_EQ(again[0], lr[0]);
	/* A foreign value in the LR is ignored (state kept) */
	again[0] = lr_of(46, 0, VGIC_LR_ACTIVE);
	vgic_sync_lrs(vc(0), again, 4);
	EXPECT_EQ(rd(vc(0), GICD + 0x304, 4), 0);
	EXPECT_TRUE(vgic_has_pending(vc(0)));
	/* Fewer LRs read back than filled: the rest unchanged */
	vgic_flush_lrs(vc(0), again, 4);
	vgic_sync_lrs(vc(0), again, 0);
	EXPECT_TRUE(vgic_has_pending(vc(0)));
}

TEST(overflow_uie_then_rest)
{
	u64 lr[4];
	static const u32 ids[] = { 50, 51, 52, 53, 54, 55 };
	static const u8 prio[] = { 0x60, 0x10, 0x50, 0x20, 0x40, 0x30 };

	setup(1);
	dist_on();
	for (unsigned int i = 0; i < 6; i++) {
		spi_cfg(ids[i], true, prio[i], 0);
		vgic_set_level(vm, ids[i], true);
	}
	EXPECT_EQ(vgic_flush_lrs(vc(0), lr, 4) & VGIC_HCR_UIE, VGIC_HCR_UIE);
	/* Highest priority (lowest value) first */
	EXPECT_EQ(lr[0] & 0xffffffff, 51);
	EXPECT_EQ(lr[1] & 0xffffffff, 53);
	EXPECT_EQ(lr[2] & 0xffffffff, 55);
	EXPECT_EQ(lr[3] & 0xffffffff, 54);
	for (unsigned int i = 0; i < 4; i++)
		lr[i] = 0;				/* all handled */
	vgic_sync_lrs(vc(0), lr, 4);
	EXPECT_EQ(vgic_flush_lrs(vc(0), lr, 4), 0);
	EXPECT_EQ(lr[0], lr_of(52, 0x50, VGIC_LR_PENDING));
	EXPECT_EQ(lr[1], lr_of(50, 0x60, VGIC_LR_PENDING));
	EXPECT_EQ(lr[2], 0);
	lr[0] = 0;
	lr[1] = 0;
	vgic_sync_lrs(vc(0), lr, 4);
	EXPECT_FALSE(vgic_has_pending(vc(0)));
	/* One LR only: refill when its pending is taken (NPIE) */
	vgic_set_level(vm, 50, false);
	vgic_set_level(vm, 50, true);
	vgic_set_level(vm, 51, false);
	vgic_set_level(vm, 51, true);
	EXPECT_EQ(vgic_flush_lrs(vc(0), lr, 1), VGIC_HCR_NPIE);
	EXPECT_EQ(lr[0], lr_of(51, 0x10, VGIC_LR_PENDING));
	lr[0] = lr_of(51, 0x10, VGIC_LR_ACTIVE);
	vgic_sync_lrs(vc(0), lr, 1);
	/* ... or, all active, on its deactivation (EOI maintenance) */
	wr(vc(0), GICD + 0x184, 4, BIT(50 - 32));	/* 50 disabled */
	wr(vc(0), GICD + 0x304, 4, BIT(50 - 32));	/* and active */
	EXPECT_EQ(vgic_flush_lrs(vc(0), lr, 1), 0);
	EXPECT_EQ(lr[0] & VGIC_LR_EOI, VGIC_LR_EOI);
	EXPECT_EQ(lr[0] & (VGIC_LR_ACTIVE | VGIC_LR_PENDING), VGIC_LR_ACTIVE);
}

TEST(active_presented_first)
{
	u64 lr[2];

	setup(1);
	dist_on();
	for (u32 i = 60; i < 64; i++) {
		spi_cfg(i, true, 0x10, 0);
		vgic_set_level(vm, i, true);
	}
	spi_cfg(70, true, 0xf0, 0);
	wr(vc(0), GICD + 0x184, 4, BIT(70 - 64));	/* disabled */
	wr(vc(0), GICD + 0x308, 4, BIT(70 - 64));	/* active */
	EXPECT_EQ(vgic_flush_lrs(vc(0), lr, 2), VGIC_HCR_UIE);
	EXPECT_EQ(lr[0], lr_of(70, 0xf0, VGIC_LR_ACTIVE));
	EXPECT_EQ(lr[1], lr_of(60, 0x10, VGIC_LR_PENDING));
	/* Active SGIs/PPIs too, on their own vCPU */
	lr[0] = 0;
	lr[1] = lr_of(60, 0x10, VGIC_LR_ACTIVE);
	vgic_sync_lrs(vc(0), lr, 2);
	vgic_flush_lrs(vc(0), lr, 2);
	EXPECT_EQ(lr[0], lr_of(60, 0x10, VGIC_LR_ACTIVE));
	EXPECT_EQ(lr[1], lr_of(61, 0x10, VGIC_LR_PENDING));
}

TEST(sgi_targets_and_irm)
{
	u64 lr[4];

	setup(3);
	dist_on();
	/* INTID 3 to vCPUs 1 and 2 */
	vgic_sgi(vc(0), 3UL << 24 | 0x6);
	EXPECT_EQ(kicks[0], 0);
	EXPECT_EQ(kicks[1], 1);
	EXPECT_EQ(kicks[2], 1);
	EXPECT_EQ(rd(vc(0), gicr(1) + SGI_FRAME + 0x200, 4), BIT(3));
	EXPECT_EQ(rd(vc(0), gicr(0) + SGI_FRAME + 0x200, 4), 0);
	EXPECT_FALSE(vgic_has_pending(vc(0)));
	EXPECT_TRUE(vgic_has_pending(vc(2)));
	vgic_flush_lrs(vc(2), lr, 4);
	EXPECT_EQ(lr[0], lr_of(3, 0, VGIC_LR_PENDING));	/* vINTID only */
	lr[0] = 0;
	vgic_sync_lrs(vc(2), lr, 4);
	EXPECT_FALSE(vgic_has_pending(vc(2)));
	/* IRM: everyone but the sender */
	vgic_sgi(vc(1), 1UL << 40 | 7UL << 24 | 0x2);
	EXPECT_EQ(rd(vc(0), gicr(0) + SGI_FRAME + 0x200, 4), BIT(7));
	EXPECT_EQ(rd(vc(0), gicr(1) + SGI_FRAME + 0x200, 4), BIT(3));
	EXPECT_EQ(rd(vc(0), gicr(2) + SGI_FRAME + 0x200, 4), BIT(7));
	/* Aff1/Aff2/Aff3/RS other than 0 name no vCPU; bits >= 3 neither */
	memset(kicks, 0, sizeof(kicks));
	vgic_sgi(vc(0), 1UL << 16 | 5UL << 24 | 0x7);
	vgic_sgi(vc(0), 1UL << 32 | 5UL << 24 | 0x7);
	vgic_sgi(vc(0), 1UL << 48 | 5UL << 24 | 0x7);
	vgic_sgi(vc(0), 1UL << 44 | 5UL << 24 | 0x7);
	vgic_sgi(vc(0), 5UL << 24 | 0xfff8);
	EXPECT_EQ(kicks[0] + kicks[1] + kicks[2], 0);
	for (unsigned int i = 0; i < 3; i++)
		EXPECT_EQ(rd(vc(0), gicr(i) + SGI_FRAME + 0x200, 4) & BIT(5), 0);
	/* Disabled SGI: latched but no kick, no delivery */
	wr(vc(0), gicr(0) + SGI_FRAME + 0x180, 4, BIT(9));
	memset(kicks, 0, sizeof(kicks));
	vgic_sgi(vc(1), 9UL << 24 | 0x1);
	EXPECT_EQ(kicks[0], 0);
	EXPECT_EQ(rd(vc(0), gicr(0) + SGI_FRAME + 0x200, 4), BIT(7) | BIT(9));
}

TEST(has_pending_and_routing)
{
	setup(3);
	spi_cfg(80, true, 0, 1);
	vgic_set_level(vm, 80, true);
	/* Distributor off: nothing deliverable, nobody kicked */
	EXPECT_FALSE(vgic_has_pending(vc(1)));
	EXPECT_EQ(kicks[1], 0);
	dist_on();					/* enabling kicks */
	EXPECT_EQ(kicks[1], 1);
	EXPECT_TRUE(vgic_has_pending(vc(1)));
	EXPECT_FALSE(vgic_has_pending(vc(0)));
	/* Disabled: not deliverable */
	wr(vc(0), GICD + 0x188, 4, BIT(16));
	EXPECT_FALSE(vgic_has_pending(vc(1)));
	wr(vc(0), GICD + 0x108, 4, BIT(16));
	/* Re-routed to vCPU 2 */
	wr(vc(0), IROUTER(80), 8, 2);
	EXPECT_FALSE(vgic_has_pending(vc(1)));
	EXPECT_TRUE(vgic_has_pending(vc(2)));
	EXPECT_EQ(kicks[2], 1);
	/* IRM: the first vCPU that is on */
	wr(vc(0), IROUTER(80), 8, BIT(31));
	EXPECT_TRUE(vgic_has_pending(vc(0)));
	vc(0)->on = false;
	vc(1)->on = true;
	EXPECT_FALSE(vgic_has_pending(vc(0)));
	EXPECT_TRUE(vgic_has_pending(vc(1)));
	/* A route to a vCPU that does not exist: delivered nowhere */
	wr(vc(0), IROUTER(80), 8, 5);
	wr(vc(0), IROUTER(81), 8, 1UL << 8);		/* Aff1 = 1 */
	spi_cfg(81, true, 0, 0);
	wr(vc(0), IROUTER(81), 8, 1UL << 8);
	vgic_set_level(vm, 81, true);
	for (unsigned int i = 0; i < 3; i++)
		EXPECT_FALSE(vgic_has_pending(vc(i)));
	/* PPI: the virtual timer, level */
	wr(vc(0), gicr(2) + SGI_FRAME + 0x100, 4, BIT(27));
	memset(kicks, 0, sizeof(kicks));
	vgic_set_ppi_level(vc(2), 27, true);
	EXPECT_EQ(kicks[2], 1);
	EXPECT_TRUE(vgic_has_pending(vc(2)));
	EXPECT_FALSE(vgic_has_pending(vc(1)));
	vgic_set_ppi_level(vc(2), 27, false);
	EXPECT_FALSE(vgic_has_pending(vc(2)));
	vgic_set_ppi_level(vc(2), 12, true);		/* an SGI: ignored */
	vgic_set_ppi_level(vc(2), 32, true);
	vgic_set_level(vm, 27, true);			/* not an SPI */
	vgic_set_level(vm, 128, true);
	EXPECT_FALSE(vgic_has_pending(vc(2)));
}

TEST(spi_in_other_vcpus_lr_not_doubled)
{
	u64 lr[4];

	setup(2);
	dist_on();
	spi_cfg(90, true, 0, 0);
	vgic_set_level(vm, 90, true);
	vgic_flush_lrs(vc(0), lr, 4);
	EXPECT_EQ(lr[0] & 0xffffffff, 90);
	wr(vc(1), IROUTER(90), 8, 1);			/* moved meanwhile */
	EXPECT_EQ(rd(vc(1), GICD + 0x208, 4), BIT(26));	/* pending view */
	vgic_set_level(vm, 90, false);			/* and a new edge */
	vgic_set_level(vm, 90, true);
	vgic_flush_lrs(vc(1), lr, 4);
	EXPECT_EQ(lr[0], 0);				/* still in vCPU 0's */
	vgic_flush_lrs(vc(0), lr, 4);			/* (vCPU 0 missed sync) */
	EXPECT_EQ(lr[0], 0);
	memset(kicks, 0, sizeof(kicks));
	vgic_sync_lrs(vc(0), lr, 4);
	vgic_flush_lrs(vc(1), lr, 4);
	EXPECT_EQ(lr[0], lr_of(90, 0, VGIC_LR_PENDING));	/* once */
	EXPECT_EQ(lr[1], 0);
}

TEST(reset_keeps_inputs)
{
	u64 lr[4];

	setup(2);
	test_src.check_pending = test_check;
	src_level = true;
	EXPECT_EQ(vgic_source_bind(vm, 42, &test_src), GH_ERROR_OK);
	dist_on();
	spi_cfg(42, false, 0x30, 0);
	vgic_virq_assert(vm, 42, false);
	wr(vc(0), gicr(1) + 0x14, 4, 0);
	vgic_flush_lrs(vc(0), lr, 4);
	vgic_vm_reset(vm);
	EXPECT_EQ(rd(vc(0), GICD, 4), 0x50);
	EXPECT_EQ(rd(vc(0), GICD + 0x104, 4), 0);
	EXPECT_EQ(rd(vc(0), GICD + 0x42a, 1), 0);
	EXPECT_EQ(rd(vc(0), gicr(1) + 0x14, 4), 6);
	EXPECT_EQ(rd(vc(0), GICD + 0x204, 4), BIT(10));	/* line still high */
	EXPECT_EQ(vgic_source_bind(vm, 42, &test_src), GH_ERROR_VIRQ_BOUND);
	/* The stale LRs of a vCPU running across the reset are dropped */
	lr[0] = lr_of(42, 0x30, VGIC_LR_ACTIVE);
	vgic_sync_lrs(vc(0), lr, 4);
	EXPECT_EQ(rd(vc(0), GICD + 0x304, 4), 0);
}

/* A small deterministic generator: the hostile guest */
static u64 rng_state = 0x9e3779b97f4a7c15UL;

static u64 rng(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

TEST(hostile_accesses_harmless)
{
	static struct vgic other_before;
	static struct vgic_cpu other_cpu_before;
	struct vm *other;
	u64 lr[VGIC_MAX_LRS + 4] = { 0 };

	setup(2);
	/* Extended SPIs (pool pages) up to INTID 543, a source at 500 */
	test_src.check_pending = test_check;
	ASSERT_EQ(vgic_source_bind(vm, 500, &test_src), GH_ERROR_OK);
	other = make_vm(1, 9, 0x3);
	vgic_set_level(other, 33, true);
	memcpy(&other_before, &other->vgic, sizeof(other_before));
	memcpy(&other_cpu_before, &vcpus[1][1].vgic, sizeof(other_cpu_before));
	for (unsigned int i = 0; i < 200000; i++) {
		u64 r = rng(), val = rng();
		static const u8 sizes[] = { 0, 1, 2, 3, 4, 5, 8, 16, 255 };
		u8 size = sizes[r % ARRAY_SIZE(sizes)];
		u64 ipa = gicr(0) + ((r >> 8) % (STRIDE * 2 + 0x10000 + 64)) - 32;
		struct vcpu *v = vc((r >> 40) & 1);

		/* Interesting offsets more often: the register blocks */
		if (r & BIT(50))
			ipa = (r & BIT(51) ? GICD : gicr((r >> 52) & 1) +
			       (r & BIT(53) ? SGI_FRAME : 0)) +
			      ((r >> 20) & 0xfff);
		if (r & BIT(54))
			ipa = IROUTER((r >> 20) & 0x3ff) + ((r >> 56) & 7);
		if (vgic_mmio(v, ipa, r & BIT(55), size, &val) &&
		    !(r & BIT(55)) && size < 8 && size)
			EXPECT_EQ(val >> (size * 8), 0);
		if ((i & 0xff) == 0) {
			vgic_sgi(v, rng());
			vgic_set_level(vm, (u32)rng(), rng() & 1);
			vgic_virq_assert(vm, rng() & 1 ? 500 : (u32)rng(), rng() & 1);
			src_level = rng() & 1;
			vgic_set_ppi_level(v, (u32)rng(), rng() & 1);
			vgic_flush_lrs(v, lr, (rng() % (VGIC_MAX_LRS + 4)));
			for (unsigned int j = 0; j < ARRAY_SIZE(lr); j++)
				lr[j] ^= rng() & (VGIC_LR_ACTIVE | VGIC_LR_PENDING);
			vgic_sync_lrs(v, lr, (rng() % (VGIC_MAX_LRS + 4)));
			(void)vgic_has_pending(v);
		}
	}
	/* The other VM never saw any of it */
	EXPECT_MEMEQ(&other->vgic, &other_before, sizeof(other_before));
	EXPECT_MEMEQ(&vcpus[1][1].vgic, &other_cpu_before,
		     sizeof(other_cpu_before));
	/* Still a working GIC */
	EXPECT_EQ(rd(vc(0), GICD + 0xffe8, 4), 0x30);
	EXPECT_EQ(rd(vc(0), gicr(1) + 0x8, 8), BIT(32) | BIT(8) | BIT(4));
	vgic_vm_free(vm);
	EXPECT_EQ(pages_out, 0);
}

TEST(unaligned_and_odd_sizes_raz_wi)
{
	u64 val;

	setup(1);
	dist_on();
	wr(vc(0), GICD + 0x102, 4, ~0U);		/* unaligned word */
	wr(vc(0), GICD + 0x104, 2, ~0U);		/* halfword */
	wr(vc(0), GICD + 0x104, 1, ~0U);		/* byte */
	wr(vc(0), GICD + 0x104, 8, ~0UL);		/* doubleword */
	wr(vc(0), GICD + 0x104, 3, ~0U);		/* nonsense size */
	EXPECT_EQ(rd(vc(0), GICD + 0x104, 4), 0);
	EXPECT_EQ(rd(vc(0), GICD + 0x101, 4), 0);
	EXPECT_EQ(rd(vc(0), IROUTER(40) + 2, 4), 0);
	wr(vc(0), IROUTER(40) + 4, 8, ~0UL);		/* misaligned 64-bit */
	wr(vc(0), IROUTER(40), 2, ~0UL);
	EXPECT_EQ(rd(vc(0), IROUTER(40), 8), 0);
	wr(vc(0), GICD, 1, 0);			/* CTLR needs a word */
	EXPECT_EQ(rd(vc(0), GICD, 4), 0x53);
	val = 0x12345;
	EXPECT_TRUE(vgic_mmio(vc(0), GICD + 0xfffc, false, 8, &val));
	EXPECT_EQ(val, 0);				/* crosses the end */
	val = 0x12345;
	EXPECT_TRUE(vgic_mmio(vc(0), GICD + 0x1234, false, 0, &val));
	EXPECT_EQ(val, 0);
	/* Unknown offsets: RAZ/WI */
	wr(vc(0), GICD + 0x5000, 4, ~0U);
	EXPECT_EQ(rd(vc(0), GICD + 0x5000, 4), 0);
	wr(vc(0), gicr(0) + 0x70, 8, ~0UL);		/* PROPBASER: no LPIs */
	EXPECT_EQ(rd(vc(0), gicr(0) + 0x70, 8), 0);
	wr(vc(0), gicr(0) + SGI_FRAME + 0xd00, 4, ~0U);
	EXPECT_EQ(rd(vc(0), gicr(0) + SGI_FRAME + 0xd00, 4), 0);
	EXPECT_EQ(rd(vc(0), gicr(0) + SGI_FRAME + 0x104, 4), 0);
}

TEST(config_validation)
{
	u64 val = 0;

	setup(2);
	EXPECT_EQ(vm_vgic_config(7, 0x08000000, 0x080a0000), GH_ERROR_OK);
	EXPECT_FALSE(vgic_mmio(vc(0), GICD + 0xffe8, false, 4, &val));
	EXPECT_EQ(rd(vc(0), 0x08000000 + 0xffe8, 4), 0x30);
	EXPECT_EQ(rd(vc(1), 0x080a0000 + STRIDE + 0x8, 8),
		  BIT(32) | BIT(8) | BIT(4));
	EXPECT_FALSE(vgic_mmio(vc(0), 0x080a0000 + 2 * STRIDE, false, 4,
			       &val));
	/* Unaligned, beyond the MMIO window, overlapping, wrapping */
	EXPECT_EQ(vm_vgic_config(7, 0x08001000, 0x080a0000), GH_ERROR_ARG_INVAL);
	EXPECT_EQ(vm_vgic_config(7, 0x08000000, 0x080a8000), GH_ERROR_ARG_INVAL);
	EXPECT_EQ(vm_vgic_config(7, SZ_1G, 0x080a0000), GH_ERROR_ARG_INVAL);
	EXPECT_EQ(vm_vgic_config(7, 0x08000000, SZ_1G - STRIDE), GH_ERROR_ARG_INVAL);
	EXPECT_EQ(vm_vgic_config(7, 0x08000000, 0x07ff0000), GH_ERROR_ARG_INVAL);
	EXPECT_EQ(vm_vgic_config(7, 0x08000000, 0x07fe0000), GH_ERROR_ARG_INVAL);
	EXPECT_EQ(vm_vgic_config(7, 0x08020000, 0x08000000), GH_ERROR_ARG_INVAL);
	EXPECT_EQ(vm_vgic_config(7, 0xffffffffffff0000UL, 0), GH_ERROR_ARG_INVAL);
	EXPECT_EQ(vm_vgic_config(7, 0, 0xfffffffffffe0000UL), GH_ERROR_ARG_INVAL);
	EXPECT_EQ(vm_vgic_config(8, 0x08000000, 0x080a0000), GH_ERROR_ARG_INVAL);
	/* Failed calls changed nothing */
	EXPECT_EQ(rd(vc(0), 0x08000000 + 0xffe8, 4), 0x30);
	/* Adjacent is fine; the plan's layout too */
	EXPECT_EQ(vm_vgic_config(7, 0x08040000, 0x08000000), GH_ERROR_OK);
	EXPECT_EQ(vm_vgic_config(7, GICD, GICD - 2 * STRIDE), GH_ERROR_OK);
	EXPECT_EQ(rd(vc(0), gicr(1) + 0x8, 8), BIT(32) | BIT(8) | BIT(4));
	vm->state = VM_STATE_RUNNING;
	EXPECT_EQ(vm_vgic_config(7, 0x08000000, 0x080a0000), GH_ERROR_OBJECT_STATE);
	vm->dying = true;
	EXPECT_EQ(vm_vgic_config(7, 0x08000000, 0x080a0000), GH_ERROR_ARG_INVAL);
}
