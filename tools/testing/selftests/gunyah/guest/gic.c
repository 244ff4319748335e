// SPDX-License-Identifier: GPL-2.0-only
/*
 * Minimal GICv3 driver of the bare-metal payloads: see gic.h.
 *
 * Every distributor and redistributor access is a single load or store of
 * the width Linux uses (32-bit; GICR_TYPER and GICD_IROUTER 64-bit), so the
 * hypervisor's emulation sees one access with a valid syndrome, of a kind
 * it already serves for Linux guests.
 */
#include "gic.h"

/* Distributor */
#define GICD_CTLR		0x0000
#define GICD_TYPER		0x0004
#define GICD_IGROUPR		0x0080
#define GICD_ISENABLER		0x0100
#define GICD_ICENABLER		0x0180
#define GICD_ISPENDR		0x0200
#define GICD_ICACTIVER		0x0380
#define GICD_IPRIORITYR		0x0400
#define GICD_ICFGR		0x0c00
#define GICD_IROUTER		0x6000

/* Non-secure view / single security state: ARE, Group 1 (A) enables */
#define GICD_CTLR_ENABLE_G1	(1U << 0)
#define GICD_CTLR_ENABLE_G1A	(1U << 1)
#define GICD_CTLR_ARE		(1U << 4)
#define GICD_CTLR_RWP		(1U << 31)

/* Redistributor: RD frame, then the SGI frame 64 KiB above it */
#define GICR_CTLR		0x0000
#define GICR_TYPER		0x0008
#define GICR_WAKER		0x0014
#define GICR_SGI		0x10000
#define GICR_IGROUPR0		(GICR_SGI + 0x0080)
#define GICR_ISENABLER0		(GICR_SGI + 0x0100)
#define GICR_ICENABLER0		(GICR_SGI + 0x0180)
#define GICR_ISPENDR0		(GICR_SGI + 0x0200)
#define GICR_ICACTIVER0		(GICR_SGI + 0x0380)
#define GICR_IPRIORITYR0	(GICR_SGI + 0x0400)

#define GICR_CTLR_RWP		(1U << 3)
#define GICR_TYPER_LAST		(1U << 4)
#define GICR_WAKER_PSLEEP	(1U << 1)
#define GICR_WAKER_CASLEEP	(1U << 2)

/* ICC_* by encoding: assemblers differ in which names they know */
#define ICC_PMR_EL1		"s3_0_c4_c6_0"
#define ICC_IAR1_EL1		"s3_0_c12_c12_0"
#define ICC_EOIR1_EL1		"s3_0_c12_c12_1"
#define ICC_BPR1_EL1		"s3_0_c12_c12_3"
#define ICC_CTLR_EL1		"s3_0_c12_c12_4"
#define ICC_SRE_EL1		"s3_0_c12_c12_5"
#define ICC_IGRPEN1_EL1		"s3_0_c12_c12_7"
#define ICC_SGI1R_EL1		"s3_0_c12_c11_5"

#define ICC_CTLR_EOIMODE	(1UL << 1)

#define read_sysreg(r) ({						\
	u64 __v;							\
	asm volatile("mrs %0, " r : "=r"(__v) : : "memory");		\
	__v;								\
})
#define write_sysreg(r, v)						\
	({ asm volatile("msr " r ", %0" : : "r"((u64)(v)) : "memory"); })

static inline void isb(void)
{
	asm volatile("isb" : : : "memory");
}

#define __weak			__attribute__((weak))
#define POLL_LOOPS		100000

volatile u32 gic_irq_count[GUEST_MAX_CPUS][GUEST_NR_IRQS];
static u64 gicr_base[GUEST_MAX_CPUS];
static u32 nr_irqs;		/* from GICD_TYPER, at most GUEST_NR_IRQS */

void __weak irq_handler(u32 cpu, u32 intid)
{
}

#ifndef GIC_DIST_BASE
#define GIC_DIST_BASE		GUEST_GICD_BASE
#endif

static inline u64 gicd(u32 off)
{
	return GIC_DIST_BASE + off;
}

static inline u64 gicr(u32 off)
{
	return gicr_base[this_cpu()] + off;
}

static int wait_clear(u64 addr, u32 bit)
{
	int i;

	for (i = 0; i < POLL_LOOPS; i++) {
		if (!(r32(addr) & bit))
			return 0;
	}
	return IRQT_ERR_RWP;
}

/*
 * Our redistributor: the frames sit directly below the distributor, so walk
 * down from it to the frame whose GICR_TYPER affinity is our MPIDR's, as
 * Linux matches them; the first frame below the GICD must be the last one.
 * (A build for another layout may override the walk.)
 */
#ifndef GICR_WALK_FIRST
#define GICR_WALK_FIRST		(GIC_DIST_BASE - GUEST_GICR_STRIDE)
#define GICR_WALK_STEP		(-(s64)GUEST_GICR_STRIDE)
#endif

static int find_gicr(void)
{
	u64 mpidr = read_mpidr();
	u64 aff = (mpidr & 0xffffff) | ((mpidr >> 8) & 0xff000000);
	u64 frame = GICR_WALK_FIRST, typer;
	int k;

	for (k = 0; k < GUEST_MAX_CPUS; k++, frame += GICR_WALK_STEP) {
		/* 64-bit, as Linux reads it */
		typer = r64(frame + GICR_TYPER);
		if (!k && GICR_WALK_STEP < 0 && !(typer & GICR_TYPER_LAST))
			return IRQT_ERR_NO_GICR;
		if (typer >> 32 == aff) {
			gicr_base[this_cpu()] = frame;
			return 0;
		}
		if (GICR_WALK_STEP > 0 && (typer & GICR_TYPER_LAST))
			break;
	}
	return IRQT_ERR_NO_GICR;
}

int gic_cpu_init(void)
{
	u64 sre;
	int i, ret;

	if (this_cpu() >= GUEST_MAX_CPUS)
		return IRQT_ERR_NO_GICR;
	ret = find_gicr();
	if (ret)
		return ret;

	w32(gicr(GICR_WAKER), r32(gicr(GICR_WAKER)) & ~GICR_WAKER_PSLEEP);
	for (i = 0; i < POLL_LOOPS; i++) {
		if (!(r32(gicr(GICR_WAKER)) & GICR_WAKER_CASLEEP))
			break;
	}
	if (i == POLL_LOOPS)
		return IRQT_ERR_WAKER;

	/*
	 * SGIs and PPIs: Group 1, off, not active. Pending state is kept,
	 * as Linux keeps it: an interrupt raised before the guest set up
	 * its GIC is still taken once enabled.
	 */
	w32(gicr(GICR_IGROUPR0), ~0U);
	w32(gicr(GICR_ICENABLER0), ~0U);
	w32(gicr(GICR_ICACTIVER0), ~0U);
	for (i = 0; i < 32; i += 4)
		w32(gicr(GICR_IPRIORITYR0 + i), GIC_PRIO_DEFAULT * 0x01010101U);
	ret = wait_clear(gicr(GICR_CTLR), GICR_CTLR_RWP);
	if (ret)
		return ret;

	/* The system register interface must be on: no memory-mapped GICC. */
	sre = read_sysreg(ICC_SRE_EL1);
	if (!(sre & 1)) {
		write_sysreg(ICC_SRE_EL1, sre | 1);
		isb();
		if (!(read_sysreg(ICC_SRE_EL1) & 1))
			return IRQT_ERR_SRE;
	}
	write_sysreg(ICC_PMR_EL1, 0xff);
	write_sysreg(ICC_BPR1_EL1, 0);
	write_sysreg(ICC_CTLR_EL1, read_sysreg(ICC_CTLR_EL1) & ~ICC_CTLR_EOIMODE);
	write_sysreg(ICC_IGRPEN1_EL1, 1);
	isb();

	write_sysreg("vbar_el1", (u64)guest_vectors);
	isb();
	return 0;
}

int gic_init(void)
{
	u32 i, ctlr;
	int ret;

	w32(gicd(GICD_CTLR), 0);
	ret = wait_clear(gicd(GICD_CTLR), GICD_CTLR_RWP);
	if (ret)
		return ret;
	nr_irqs = 32 * ((r32(gicd(GICD_TYPER)) & 0x1f) + 1);
	if (nr_irqs > GUEST_NR_IRQS)
		nr_irqs = GUEST_NR_IRQS;

	/* SPIs: Group 1, off, not active (pending kept), level, as Linux */
	for (i = 32; i < nr_irqs; i += 32) {
		w32(gicd(GICD_IGROUPR + i / 8), ~0U);
		w32(gicd(GICD_ICENABLER + i / 8), ~0U);
		w32(gicd(GICD_ICACTIVER + i / 8), ~0U);
	}
	for (i = 32; i < nr_irqs; i += 4)
		w32(gicd(GICD_IPRIORITYR + i), GIC_PRIO_DEFAULT * 0x01010101U);
	for (i = 32; i < nr_irqs; i += 16)
		w32(gicd(GICD_ICFGR + i / 4), 0);
	ret = wait_clear(gicd(GICD_CTLR), GICD_CTLR_RWP);
	if (ret)
		return ret;

	w32(gicd(GICD_CTLR), GICD_CTLR_ARE | GICD_CTLR_ENABLE_G1A | GICD_CTLR_ENABLE_G1);
	ret = wait_clear(gicd(GICD_CTLR), GICD_CTLR_RWP);
	if (ret)
		return ret;
	ctlr = r32(gicd(GICD_CTLR));
	if (!(ctlr & GICD_CTLR_ARE) ||
	    !(ctlr & (GICD_CTLR_ENABLE_G1A | GICD_CTLR_ENABLE_G1)))
		return IRQT_ERR_NO_GICD;

	return gic_cpu_init();
}

/* 32-bit read-modify-write of the byte of @intid in a byte-per-INTID array */
static void rmw_byte(u64 base, u32 intid, u8 val)
{
	u64 a = base + (intid & ~3U);
	u32 shift = 8 * (intid & 3);

	w32(a, (r32(a) & ~(0xffU << shift)) | ((u32)val << shift));
}

void gic_irq_config(u32 intid, int level, u8 prio, u32 cpu)
{
	u64 a;
	u32 shift;

	if (intid < 32) {
		w32(gicr(GICR_IGROUPR0), r32(gicr(GICR_IGROUPR0)) | (1U << intid));
		rmw_byte(gicr(GICR_IPRIORITYR0), intid, prio);
		return;
	}
	a = gicd(GICD_IGROUPR + (intid / 32) * 4);
	w32(a, r32(a) | (1U << (intid % 32)));
	rmw_byte(gicd(GICD_IPRIORITYR), intid, prio);
	/* ICFGR: two bits per INTID, the upper one set for edge */
	a = gicd(GICD_ICFGR + (intid / 16) * 4);
	shift = 2 * (intid % 16) + 1;
	w32(a, (r32(a) & ~(1U << shift)) | ((level ? 0U : 1U) << shift));
	/* Affinity routing to one cpu: Aff0 = @cpu, Interrupt_Routing_Mode 0 */
	w64(gicd(GICD_IROUTER + intid * 8), cpu);
}

void gic_irq_enable(u32 intid)
{
	if (intid < 32)
		w32(gicr(GICR_ISENABLER0), 1U << intid);
	else
		w32(gicd(GICD_ISENABLER + (intid / 32) * 4), 1U << (intid % 32));
}

void gic_irq_disable(u32 intid)
{
	if (intid < 32) {
		w32(gicr(GICR_ICENABLER0), 1U << intid);
		wait_clear(gicr(GICR_CTLR), GICR_CTLR_RWP);
	} else {
		w32(gicd(GICD_ICENABLER + (intid / 32) * 4), 1U << (intid % 32));
		wait_clear(gicd(GICD_CTLR), GICD_CTLR_RWP);
	}
}

int gic_irq_pending(u32 intid)
{
	if (intid < 32)
		return (r32(gicr(GICR_ISPENDR0)) >> intid) & 1;
	return (r32(gicd(GICD_ISPENDR + (intid / 32) * 4)) >> (intid % 32)) & 1;
}

void gic_send_sgi(u32 intid, u32 cpu)
{
	/* Aff3.Aff2.Aff1 = 0, TargetList bit @cpu (Aff0 < 16), INTID 27:24 */
	asm volatile("dsb ishst" : : : "memory");
	write_sysreg(ICC_SGI1R_EL1, ((u64)(intid & 0xf) << 24) | (1UL << (cpu & 0xf)));
	isb();
}

u32 gic_wait_wfi(u32 intid, u32 n)
{
	u32 cpu = this_cpu(), loops = 0;

	for (;;) {
		local_irq_disable();
		if (gic_irq_count[cpu][intid] >= n)
			break;
		asm volatile("dsb sy; wfi" : : : "memory");
		loops++;
		local_irq_enable();
	}
	local_irq_enable();
	return loops;
}

int gic_wait_spin(u32 intid, u32 n, u64 ticks)
{
	u32 cpu = this_cpu();
	u64 end = read_cntvct() + ticks;

	local_irq_enable();
	while (gic_irq_count[cpu][intid] < n) {
		if (read_cntvct() > end)
			return -1;
	}
	return 0;
}

/* From the vector table (vectors.S), IRQs masked. */
void gic_handle_irq(void)
{
	u64 iar = read_sysreg(ICC_IAR1_EL1);
	u32 intid = iar & 0xffffff, cpu = this_cpu();

	if (intid >= 1020)	/* spurious: nothing to end */
		return;
	if (intid < GUEST_NR_IRQS && cpu < GUEST_MAX_CPUS)
		gic_irq_count[cpu][intid]++;
	irq_handler(cpu, intid);
	write_sysreg(ICC_EOIR1_EL1, iar);
	isb();
}

/* Anything but an IRQ is a payload bug: tell the host and stop. */
void gic_bad_exception(u64 vector, u64 esr, u64 elr)
{
	report(IRQT_ERROR(IRQT_ERR_EXCEPTION | (vector << 8)));
	report(esr);
	report(elr);
	psci_system_off();
}
