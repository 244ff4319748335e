// SPDX-License-Identifier: GPL-2.0-only
/*
 * The host drives the physical GICv3 itself; the stub only allocates SPIs
 * nobody else uses and makes them pending in the distributor to interrupt
 * the host.
 */
#include "arm64.h"
#include "hyp.h"
#include "rm.h"
#include "vcpu.h"

#define GICD_TYPER		0x0004
#define GICD_ISPENDR(n)		(0x0200 + 4 * (n))
#define GICD_ICPENDR(n)		(0x0280 + 4 * (n))
#define GIC_SPI_BASE		32	/* INTID of SPI 0 */
#define GIC_MAX_INTID		1019

/* QEMU virt wires its devices to SPIs 0-127 (platform bus 64-127). */
#define FIRST_FREE_SPI		128

static volatile u32 *gicd;
static u32 nr_spis;
static u32 spi_used[(GIC_MAX_INTID + 1) / 32 + 1];	/* by SPI number */
static u32 rm_spi[2];

#define GICR_TYPER		0x0008
#define GICR_TYPER_VLPIS	BIT(1)
#define GICR_TYPER_LAST		BIT(4)
#define GICR_SGI_OFFSET		0x10000
#define GICR_ISENABLER0		0x0100
#define HYP_TIMER_PPI		26

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

bool gic_enable_hyp_timer_ppi(void)
{
	unsigned int cpu = this_cpu();

	if (!cpu_rd[cpu])
		cpu_rd[cpu] = find_rd();
	if (!cpu_rd[cpu])
		return false;
	/* The host's gic_cpu_config() disabled it; priority/group are its. */
	*(volatile u32 *)(cpu_rd[cpu] + GICR_SGI_OFFSET + GICR_ISENABLER0) =
		BIT(HYP_TIMER_PPI);
	return true;
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
