// SPDX-License-Identifier: GPL-2.0-only
/*
 * The host drives the physical GICv3 itself; the stub only allocates SPIs
 * nobody else uses and makes them pending in the distributor to interrupt
 * the host.
 */
#include "arm64.h"
#include "hyp.h"
#include "spinlock.h"
#include "rm.h"
#include "vcpu.h"

#define GICD_CTLR		0x0000
#define GICD_CTLR_RWP		BIT(31)
#define GICD_TYPER		0x0004
#define GICD_IGROUPR(n)		(0x0080 + 4 * (n))
#define GICD_ISENABLER(n)	(0x0100 + 4 * (n))
#define GICD_ICENABLER(n)	(0x0180 + 4 * (n))
#define GICD_ISPENDR(n)		(0x0200 + 4 * (n))
#define GICD_ICPENDR(n)		(0x0280 + 4 * (n))
#define GICD_IPRIORITYR		0x0400		/* one byte per INTID */
#define GICD_IROUTER		0x6000		/* 8 bytes per INTID */
#define KICK_PRIORITY		0xa0		/* Linux's default */
#define GIC_SPI_BASE		32	/* INTID of SPI 0 */
#define GIC_MAX_INTID		1019

#define FIRST_FREE_SPI		GIC_FIRST_FREE_SPI	/* layout.h */

static volatile u32 *gicd;
static spinlock_t gic_lock = SPINLOCK_INIT;	/* shared GICD words */
static u32 nr_spis;
static u32 spi_used[(GIC_MAX_INTID + 1) / 32 + 1];	/* by SPI number */
static u32 rm_spi[2];

#define GICR_CTLR		0x0000
#define GICR_CTLR_RWP		BIT(3)
#define GICR_TYPER		0x0008
#define GICR_TYPER_VLPIS	BIT(1)
#define GICR_TYPER_LAST		BIT(4)
#define GICR_SGI_OFFSET		0x10000
#define GICR_ISENABLER0		0x0100
#define GICR_ICENABLER0		0x0180

static u64 gicr_base, gicr_size;
static volatile u8 *cpu_rd[NR_CPUS];	/* this CPU's redistributor */

/* Find this CPU's redistributor by affinity (GICR_TYPER[63:32]). */
static volatile u8 *find_rd(void)
{
	u64 mpidr = read_sysreg(mpidr_el1);
	u64 aff = (mpidr & 0xffffff) | ((mpidr >> 8) & 0xff000000);
	u64 off = 0;

	while (gicr_size && off + 0x20000 <= gicr_size) {
		volatile u8 *rd = (volatile u8 *)(uintptr_t)(gicr_base + off);
		u64 typer = *(volatile u64 *)(rd + GICR_TYPER);

		if ((typer >> 32) == aff)
			return rd;
		if (typer & GICR_TYPER_LAST)
			break;
		off += (typer & GICR_TYPER_VLPIS) ? 0x40000 : 0x20000;
	}
	return NULL;
}

static volatile u8 *this_rd(void)
{
	unsigned int cpu = this_cpu();

	if (!cpu_rd[cpu])
		cpu_rd[cpu] = find_rd();
	return cpu_rd[cpu];
}

bool gic_have_rd(void)
{
	return this_rd() != NULL;
}

u32 gic_ppi_enabled(void)
{
	volatile u8 *rd = this_rd();

	return rd ? *(volatile u32 *)(rd + GICR_SGI_OFFSET + GICR_ISENABLER0) :
		    0;
}

/*
 * The host's gic_cpu_config() configured every PPI (group 1, priority) and
 * disabled those it does not use; only the enables are changed here. A
 * disable is complete (no more signalling) once RWP reads 0.
 */
void gic_ppi_set(u32 enable, u32 disable)
{
	volatile u8 *rd = this_rd();
	unsigned int n = 1000000;

	if (!rd)
		return;
	if (disable) {
		*(volatile u32 *)(rd + GICR_SGI_OFFSET + GICR_ICENABLER0) =
			disable;
		while ((*(volatile u32 *)(rd + GICR_CTLR) & GICR_CTLR_RWP) &&
		       --n)
			;
	}
	if (enable)
		*(volatile u32 *)(rd + GICR_SGI_OFFSET + GICR_ISENABLER0) =
			enable;
}

const char *gic_init(const struct mem_range *dist, const struct mem_range *rd)
{
	u32 typer;

	gicr_base = rd->base;
	gicr_size = rd->size;

	gicd = (volatile u32 *)(uintptr_t)dist->base;
	typer = gicd[GICD_TYPER / 4];
	nr_spis = MIN(32 * ((typer & 0x1f) + 1), GIC_MAX_INTID + 1) -
		  GIC_SPI_BASE;
	if (nr_spis < FIRST_FREE_SPI + 2)
		return "GIC has no free SPIs above 127";
	return NULL;
}

/*
 * SPIs nobody else uses: the RM's (for good) and vCPU wakeups. Next-fit,
 * so a freed SPI comes back only after all others: the host may still be
 * releasing its handler for the old VM when a new VM is set up.
 */
static u32 spi_next = FIRST_FREE_SPI;

int gic_alloc_spi(void)
{
	for (u32 n = 0; n < nr_spis - FIRST_FREE_SPI; n++) {
		u32 spi = spi_next;

		spi_next = spi + 1 < nr_spis ? spi + 1 : FIRST_FREE_SPI;
		if (spi_used[spi / 32] & BIT(spi % 32))
			continue;
		spi_used[spi / 32] |= BIT(spi % 32);
		return spi;
	}
	return -1;
}

void gic_free_spi(u32 spi)
{
	u32 intid = spi + GIC_SPI_BASE;

	if (spi < FIRST_FREE_SPI || spi >= nr_spis)
		return;
	gicd[GICD_ICPENDR(intid / 32) / 4] = BIT(intid % 32);
	spi_used[spi / 32] &= ~BIT(spi % 32);
}

/* vCPU wakeup interrupts, as INTIDs (core/vm.c, under hyp_lock) */
int plat_spi_alloc(void)
{
	int spi = gic_alloc_spi();

	return spi < 0 ? -1 : spi + GIC_SPI_BASE;
}

void plat_spi_free(u32 intid)
{
	if (intid >= GIC_SPI_BASE)
		gic_free_spi(intid - GIC_SPI_BASE);
}

void plat_spi_raise(u32 intid)
{
	dsb(ishst);
	gicd[GICD_ISPENDR(intid / 32) / 4] = BIT(intid % 32);
}

/*
 * vCPU kicks: one stub-private SPI per physical CPU, routed to it and
 * enabled only while that CPU runs a guest (so the host never receives
 * it). Making it pending forces the guest there to exit to EL2, where the
 * stub consumes it and re-enters with the new interrupt state.
 */
static u32 kick_intid[NR_CPUS];		/* 0: none */
static bool kick_setup[NR_CPUS];

void gic_kick_init(unsigned int nr)
{
	for (unsigned int cpu = 0; cpu < nr && cpu < NR_CPUS; cpu++) {
		int spi = gic_alloc_spi();

		if (spi < 0)
			return;		/* fall back to the host's tick */
		kick_intid[cpu] = spi + GIC_SPI_BASE;
	}
}

u32 gic_kick_intid(void)
{
	return kick_intid[this_cpu()];
}

static void gicd_wait_rwp(void)
{
	unsigned int n = 1000000;

	while ((gicd[GICD_CTLR / 4] & GICD_CTLR_RWP) && --n)
		;
}

/*
 * Routing, group and priority are set here once (the host's GIC driver
 * initialised every SPI at its boot, before any vcpu_run, and never touches
 * SPIs it does not use again); only the enable is switched per vcpu_run.
 */
void gic_kick_enable(bool on)
{
	unsigned int cpu = this_cpu();
	u32 intid = kick_intid[cpu];
	u64 mpidr;

	if (!intid)
		return;
	if (!on) {
		gicd[GICD_ICENABLER(intid / 32) / 4] = BIT(intid % 32);
		gicd_wait_rwp();
		gicd[GICD_ICPENDR(intid / 32) / 4] = BIT(intid % 32);
		return;
	}
	if (!kick_setup[cpu]) {
		mpidr = read_sysreg(mpidr_el1);
		*(volatile u64 *)((volatile u8 *)gicd + GICD_IROUTER +
				  8 * intid) =
			(mpidr & 0xffffff) | ((mpidr & 0xff00000000UL));
		*((volatile u8 *)gicd + GICD_IPRIORITYR + intid) =
			KICK_PRIORITY;
		spin_lock(&gic_lock);
		gicd[GICD_IGROUPR(intid / 32) / 4] |= BIT(intid % 32);
		spin_unlock(&gic_lock);
		kick_setup[cpu] = true;
	}
	gicd[GICD_ISENABLER(intid / 32) / 4] = BIT(intid % 32);
}

void gic_kick_clear(void)
{
	u32 intid = kick_intid[this_cpu()];

	if (intid)
		gicd[GICD_ICPENDR(intid / 32) / 4] = BIT(intid % 32);
}

void gic_kick_cpu(unsigned int cpu)
{
	u32 intid = cpu < NR_CPUS ? kick_intid[cpu] : 0;

	if (!intid)
		return;
	/* The new interrupt state must be visible before the exit. */
	dsb(ishst);
	gicd[GICD_ISPENDR(intid / 32) / 4] = BIT(intid % 32);
}

void gic_set_rm_spis(u32 tx, u32 rx)
{
	rm_spi[RM_HOST_IRQ_TX_NOT_FULL] = tx;
	rm_spi[RM_HOST_IRQ_RX_NOT_EMPTY] = rx;
}

/* Called by the RM with hyp_lock held: a real edge to the host, no polling. */
void plat_raise_host_irq(enum rm_host_irq irq)
{
	u32 intid = rm_spi[irq] + GIC_SPI_BASE;

	/* The queue update must be visible before the host can take the IRQ. */
	dsb(ishst);
	gicd[GICD_ISPENDR(intid / 32) / 4] = BIT(intid % 32);
}
