/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Virtual GICv3 for guest VMs (no ITS, no LPIs): the distributor and the
 * redistributors are emulated on MMIO traps (core/vgic.c), the CPU interface
 * is the GIC's virtual interface, fed through the list registers by
 * vgic_flush_lrs()/vgic_sync_lrs() around every guest entry (arch/).
 *
 * Everything here runs with hyp_lock held. The state lives in struct vm
 * (SPIs, distributor) and struct vcpu (SGIs, PPIs, redistributor). Every
 * VM has VGIC_NR_BASE_SPIS SPIs in struct vgic; binding a source (a
 * doorbell) to a higher SPI extends the VM's SPIs with pages from the
 * page-table pool, up to the real vGIC's 988 (hyp/vm/vgic: GIC_SPI_NUM,
 * hyp/platform/gicv3/gicv3.tc), freed by vgic_vm_free().
 */
#ifndef HYP_VGIC_H
#define HYP_VGIC_H

#include "types.h"

#define VGIC_NR_PRIVATE		32	/* SGIs 0-15, PPIs 16-31 */
#define VGIC_NR_BASE_SPIS	96	/* every VM: INTIDs 32..127 */
/* The real vGIC's GIC_SPI_NUM: SPIs 0..987, INTIDs 32..1019. */
#define VGIC_MAX_SPIS		988
#define VGIC_MAX_INTID_END	(VGIC_NR_PRIVATE + VGIC_MAX_SPIS)
/* SPIs beyond the base come in pool pages of this many. */
#define VGIC_SPI_CHUNK		128
#define VGIC_NR_CHUNKS		((VGIC_MAX_SPIS - VGIC_NR_BASE_SPIS + \
				  VGIC_SPI_CHUNK - 1) / VGIC_SPI_CHUNK)
#define VGIC_MAX_LRS		16

#define VGIC_MAINT_PPI		25
#define VGIC_VTIMER_PPI		27

/* Guest frames: GICD 64 KiB, per vCPU a 128 KiB RD + SGI frame pair */
#define VGIC_GICD_SIZE		0x10000UL
#define VGIC_GICR_STRIDE	0x20000UL
/*
 * The platform's default (build/issue4-plan.md): GICD at 0x3fff0000, the
 * redistributors of all vCPUs directly below it.
 */
#define VGIC_DEFAULT_GICD_BASE	0x3fff0000UL

/* ICH_LR<n>_EL2 fields (GICv3 virtual interface, HW = 0) */
#define VGIC_LR_VINTID_MASK	0xffffffffUL
#define VGIC_LR_EOI		BIT(41)	/* maintenance IRQ on deactivation */
#define VGIC_LR_PRIO_SHIFT	48
#define VGIC_LR_GROUP1		BIT(60)
#define VGIC_LR_HW		BIT(61)
#define VGIC_LR_PENDING		BIT(62)
#define VGIC_LR_ACTIVE		BIT(63)

/* ICH_HCR_EL2 maintenance bits returned by vgic_flush_lrs() */
#define VGIC_HCR_UIE		BIT(1)	/* at most one LR left valid */
#define VGIC_HCR_NPIE		BIT(3)	/* no LR left pending */

struct vm;
struct vcpu;

/*
 * A hypervisor-side source of an SPI (a doorbell), as the real vGIC's
 * virq_source: it asserts the SPI with vgic_virq_assert() and the vGIC
 * asks it whether a level assertion still holds when the guest deactivates
 * the interrupt, disables it or clears its pending state.
 */
struct vgic_irq_source {
	/*
	 * Still asserted? @reasserted: asserted again since the guest was
	 * last given the interrupt (the real vGIC's "edge" bit). false drops
	 * the level. Called with hyp_lock held; must not change vGIC state.
	 */
	bool (*check_pending)(struct vgic_irq_source *src, bool reasserted);
};

#define VGIC_LR_NONE		0xff	/* vgic_irq.lr_owner: in no LR */

/* One interrupt's state */
struct vgic_irq {
	struct vgic_irq_source *src;	/* SPIs only */
	u64 route;		/* SPIs: GICD_IROUTER (Aff3..0, IRM) */
	u8 priority;
	u8 lr_owner;		/* vCPU index whose LRs hold it, or LR_NONE */
	u8 lr_state;		/* what the flush presented (core/vgic.c) */
	bool enabled;
	bool latch;		/* pending latch (edge, ISPENDR, SGI) */
	bool line;		/* input level (SPIs, PPIs); a source's level */
	bool active;
	bool edge;		/* GICD_ICFGR: edge-triggered */
	/* Sources: asserted since last put in an LR as pending. */
	bool reasserted;
};

/* Per VM: distributor and SPIs */
struct vgic {
	u64 gicd_base;
	u64 gicr_base;		/* valid when !gicr_below_gicd */
	/* Redistributors directly below GICD: base follows the vCPU count. */
	bool gicr_below_gicd;
	u32 ctlr;		/* GICD_CTLR.EnableGrp0/1 as written */
	/*
	 * Bumped by every change of interrupt state: a vCPU whose last flush
	 * found nothing to present skips the scan until it moves.
	 */
	u32 gen;
	/* SPIs 0..nr_spis-1: the base ones here, the rest in spi_ext pages. */
	u32 nr_spis;
	struct vgic_irq spi[VGIC_NR_BASE_SPIS];
	struct vgic_irq *spi_ext[VGIC_NR_CHUNKS];
};

/* Per vCPU: redistributor, SGIs/PPIs, the LRs of the last flush */
struct vgic_cpu {
	struct vgic_irq priv[VGIC_NR_PRIVATE];
	bool sleep;		/* GICR_WAKER.ProcessorSleep */
	u8 nr_lr;		/* LRs filled by the last flush, not synced */
	u16 lr_intid[VGIC_MAX_LRS];
	/* The last flush found nothing, at vgic.gen idle_gen, vCPUs idle_on */
	bool idle;
	u8 idle_on;
	u32 idle_gen;
};

/*
 * One source per SPI (else GH_ERROR_VIRQ_BOUND). An SPI beyond the VM's
 * current ones extends them (GH_ERROR_NOMEM if the pool is empty);
 * INTIDs at or above VGIC_MAX_INTID_END are GH_ERROR_ARG_INVAL.
 */
int vgic_source_bind(struct vm *vm, u32 intid, struct vgic_irq_source *s);
void vgic_source_unbind(struct vm *vm, u32 intid);
/* From vm_free(): the SPI pages go back to the pool. */
void vgic_vm_free(struct vm *vm);
/*
 * The bound source asserts its SPI (the real virq_assert()): an
 * edge-configured SPI becomes pending; unless @edge_only the level is
 * held until the source's check_pending() says otherwise or
 * vgic_virq_clear(). Makes the target vCPU runnable.
 */
void vgic_virq_assert(struct vm *vm, u32 intid, bool edge_only);
/* The source drops its level at once (the real virq_clear()). */
void vgic_virq_clear(struct vm *vm, u32 intid);
/*
 * Input level of an SPI without a source (tests, platform lines); a
 * rising edge latches pending for edge config.
 */
void vgic_set_level(struct vm *vm, u32 intid, bool level);
/* Private interrupt (PPI) level of one vCPU: the virtual timer. */
void vgic_set_ppi_level(struct vcpu *v, u32 intid, bool level);

/* Guest MMIO to the GICD/GICR frames: true if it was one (handled). */
bool vgic_mmio(struct vcpu *v, u64 ipa, bool write, u8 size, u64 *val);
/* Guest write of ICC_SGI1R_EL1 (trapped). */
void vgic_sgi(struct vcpu *v, u64 sgi1r);
/*
 * Before entering the guest: fill lr[0..nr_lr) (ICH_LR<n>_EL2 values,
 * 0 = empty), return ICH_HCR_EL2 maintenance bits to set (UIE/NPIE when
 * more interrupts are pending than LRs; EOI maintenance for level irqs,
 * whose sources are asked again at deactivation, is requested via
 * ICH_LR.EOI). Every flush
 * must be followed by a vgic_sync_lrs() of the same vCPU (a missed one is
 * treated as "LRs unchanged" by the next flush).
 */
u64 vgic_flush_lrs(struct vcpu *v, u64 *lr, unsigned int nr_lr);
/* After leaving the guest: fold the LRs back into the state. */
void vgic_sync_lrs(struct vcpu *v, const u64 *lr, unsigned int nr_lr);
/* An enabled, pending interrupt is deliverable to @v (WFI must not sleep). */
bool vgic_has_pending(const struct vcpu *v);
void vgic_vm_init(struct vm *vm);	/* from vm_create(): defaults, all off */
void vgic_vcpu_init(struct vcpu *v);	/* from vcpu create/reset */
/*
 * From vm_reset(): guest-visible state back to reset values, every vCPU
 * too. The frame addresses, bound sources and their line levels (inputs
 * from outside the guest) stay.
 */
void vgic_vm_reset(struct vm *vm);

#endif
