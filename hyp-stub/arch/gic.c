// SPDX-License-Identifier: GPL-2.0-only
/*
 * The host drives the physical GICv3 itself; the stub only allocates SPIs
 * nobody else uses and makes them pending in the distributor to interrupt
 * the host.
 */
#include "arm64.h"
#include "hyp.h"
#include "rm.h"

#define GICD_TYPER		0x0004
#define GICD_ISPENDR(n)		(0x0200 + 4 * (n))
#define GIC_SPI_BASE		32	/* INTID of SPI 0 */
#define GIC_MAX_INTID		1019

/* QEMU virt wires its devices to SPIs 0-127 (platform bus 64-127). */
#define FIRST_FREE_SPI		128

static volatile u32 *gicd;
static u32 nr_spis, next_spi = FIRST_FREE_SPI;
static u32 rm_spi[2];

const char *gic_init(const struct mem_range *dist)
{
	u32 typer;

	gicd = (volatile u32 *)(uintptr_t)dist->base;
	typer = gicd[GICD_TYPER / 4];
	nr_spis = MIN(32 * ((typer & 0x1f) + 1), GIC_MAX_INTID + 1) -
		  GIC_SPI_BASE;
	if (nr_spis < FIRST_FREE_SPI + 2)
		return "GIC has no free SPIs above 127";
	return NULL;
}

/* SPIs handed out for good (issue 3 adds per-vCPU wakeup interrupts). */
int gic_alloc_spi(void)
{
	if (next_spi >= nr_spis)
		return -1;
	return next_spi++;
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
