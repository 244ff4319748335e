// SPDX-License-Identifier: GPL-2.0-only
/*
 * Virtual GICv3 (no ITS, no LPIs, a single security state) for guest VMs:
 * see include/vgic.h.
 *
 * Model: every interrupt has an enable, a pending latch (edge, ISPENDR,
 * SGIs), an input line (level), an active bit, a priority and for SPIs a
 * route. "Pending" for delivery is the latch, or for a level interrupt the
 * line while the interrupt is not active: a level interrupt the guest is
 * handling is resampled when it deactivates it (the LR's EOI maintenance
 * interrupt brings us back here), not re-presented while it is active.
 *
 * While an interrupt sits in an LR its presented pending state belongs to
 * the LR: flush moves the latch into it, sync moves what the guest did not
 * take back, so events that arrive meanwhile (latched again) are merged,
 * never lost. A guest cannot name anything outside its own VM: INTIDs and
 * vCPU indices are bounded by the VM's SPIs and vCPU array.
 *
 * SPIs with a source (doorbells) follow the real vGIC (hyp/vm/vgic/src/
 * deliver.c, distrib.c): the source asserts them (virq_assert), the level
 * it asserts stays until the vGIC asks the source again (check_pending)
 * when the guest deactivates the interrupt, disables it or clears its
 * pending state, and is then dropped if the source says so. Pending as the
 * guest reads it (GICD_ISPENDR) is what its list register shows while the
 * interrupt is active: an active level interrupt reads not pending even
 * though its level is still asserted.
 */
#include <string.h>
#include "gunyah.h"
#include "vcpu.h"

/* What flush put in an LR (vgic_irq.lr_state) */
#define IN_LR_PENDING		BIT(0)
#define IN_LR_ACTIVE		BIT(1)
#define IN_LR_LATCH		BIT(2)	/* the pending came from the latch */

/* Distributor registers */
#define GICD_CTLR		0x0000
#define GICD_TYPER		0x0004
#define GICD_IIDR		0x0008
#define GICD_TYPER2		0x000c
#define GICD_IROUTER		0x6000	/* + 8 * INTID, INTID >= 32 */
#define GIC_PIDR2		0xffe8	/* GICD_PIDR2, GICR_PIDR2 */

#define GICD_CTLR_ENABLE_G1	BIT(0)	/* EnableGrp0 with DS = 1 */
#define GICD_CTLR_ENABLE_G1A	BIT(1)	/* the group 1 enable with ARE */
#define GICD_CTLR_ARE		BIT(4)
#define GICD_CTLR_DS		BIT(6)

/* Shared by the GICD and the redistributor's SGI frame */
#define GIC_IGROUPR		0x0080
#define GIC_ISENABLER		0x0100
#define GIC_ICENABLER		0x0180
#define GIC_ISPENDR		0x0200
#define GIC_ICPENDR		0x0280
#define GIC_ISACTIVER		0x0300
#define GIC_ICACTIVER		0x0380
#define GIC_IPRIORITYR		0x0400
#define GIC_ICFGR		0x0c00

/* Redistributor RD frame */
#define GICR_CTLR		0x0000
#define GICR_IIDR		0x0004
#define GICR_TYPER		0x0008
#define GICR_WAKER		0x0014
#define GICR_SGI_FRAME		0x10000

#define GICR_TYPER_LAST		BIT(4)
#define GICR_WAKER_PSLEEP	BIT(1)
#define GICR_WAKER_CASLEEP	BIT(2)

/* Implementer 0 (none), product 'G': matches no Linux quirk. */
#define VGIC_IIDR		0x47000000U
#define VGIC_PIDR2		(3U << 4)	/* ArchRev: GICv3 */
/* IDbits = 9 (10-bit INTIDs), no LPIs/MBIS/ESPI; ITLinesNumber per VM */
#define VGIC_TYPER		(9U << 19)
/* GICD_IROUTER: Aff3 [39:32], IRM [31], Aff2..0 [23:0] */
#define IROUTER_MASK		0xff80ffffffUL
#define IROUTER_IRM		BIT(31)

#define ICC_SGI1R_TARGETS(r)	((r) & 0xffff)
#define ICC_SGI1R_AFF1(r)	(((r) >> 16) & 0xff)
#define ICC_SGI1R_INTID(r)	(((r) >> 24) & 0xf)
#define ICC_SGI1R_AFF2(r)	(((r) >> 32) & 0xff)
#define ICC_SGI1R_IRM		BIT(40)
#define ICC_SGI1R_RS(r)		(((r) >> 44) & 0xf)
#define ICC_SGI1R_AFF3(r)	(((r) >> 48) & 0xff)

static_assert(VGIC_SPI_CHUNK * sizeof(struct vgic_irq) <= PGT_PAGE_SIZE,
	      "a chunk of SPIs fits in one pool page");
static_assert(VGIC_MAX_INTID_END <= 1020, "INTIDs 1020..1023 are special");

/* SPI @s (0-based) of @vm, or NULL beyond its SPIs. */
static struct vgic_irq *spi_at(struct vm *vm, u32 s)
{
	struct vgic *d = &vm->vgic;
	u32 e;

	if (s >= d->nr_spis)
		return NULL;
	if (s < VGIC_NR_BASE_SPIS)
		return &d->spi[s];
	e = s - VGIC_NR_BASE_SPIS;
	return &d->spi_ext[e / VGIC_SPI_CHUNK][e % VGIC_SPI_CHUNK];
}

/* One past the VM's last INTID. */
static u32 intid_end(const struct vm *vm)
{
	return VGIC_NR_PRIVATE + vm->vgic.nr_spis;
}

static struct vgic_irq *irq_get(struct vm *vm, struct vcpu *v, u32 intid)
{
	if (intid < VGIC_NR_PRIVATE)
		return v ? &v->vgic.priv[intid] : NULL;
	return spi_at(vm, intid - VGIC_NR_PRIVATE);
}

/* An SPI by INTID, or NULL (not an SPI, or beyond the VM's). */
static struct vgic_irq *spi_get(struct vm *vm, u32 intid)
{
	return intid < VGIC_NR_PRIVATE ? NULL :
	       spi_at(vm, intid - VGIC_NR_PRIVATE);
}

static bool group1_enabled(const struct vm *vm)
{
	return vm->vgic.ctlr & GICD_CTLR_ENABLE_G1A;
}

/* Pending as the guest may take it next (not counting an LR copy). */
static bool irq_pending(const struct vgic_irq *irq)
{
	return irq->latch || (!irq->edge && irq->line && !irq->active);
}

static bool irq_deliverable(const struct vm *vm, const struct vgic_irq *irq)
{
	return irq->enabled && group1_enabled(vm) && irq_pending(irq);
}

/*
 * Guest view of pending, as the real vGIC reads it: for an interrupt in a
 * list register the LR's pending bit; an active one stays in its LR until
 * deactivated, so a level still asserted reads not pending while the guest
 * handles it (seen on the real hypervisor: a level doorbell's SPI masked
 * in its handler is not in GICD_ISPENDR, and is taken again once unmasked
 * if the source still asserts it).
 */
static bool irq_pending_view(const struct vgic_irq *irq)
{
	if (irq->lr_owner != VGIC_LR_NONE)
		return irq->lr_state & IN_LR_PENDING;
	if (irq->active)
		return irq->latch;
	return irq_pending(irq);
}

/*
 * Ask a source whether the level it asserted still holds (the real
 * vgic_virq_check_pending()); drop it if not.
 */
static void irq_check_source(struct vgic_irq *irq, bool reasserted)
{
	if (irq->src && irq->line &&
	    !irq->src->check_pending(irq->src, reasserted))
		irq->line = false;
}

/* Highest created vCPU index + 1: the number of redistributor frames. */
static unsigned int vgic_nr_frames(const struct vm *vm)
{
	unsigned int n = 0;

	for (unsigned int i = 0; i < VM_MAX_VCPUS; i++)
		if (vm->vcpu[i])
			n = i + 1;
	return n;
}

/*
 * The vCPU an SPI goes to: Aff0 of IROUTER (vCPU i has MPIDR Aff0 = i and
 * every other level 0), or for IRM = 1 the first vCPU that is on (vCPU 0
 * when none is). A route to no vCPU delivers nowhere until rewritten.
 */
static struct vcpu *spi_target(struct vm *vm, const struct vgic_irq *irq)
{
	u64 aff0 = irq->route & 0xff;

	if (irq->route & IROUTER_IRM) {
		for (unsigned int i = 0; i < VM_MAX_VCPUS; i++)
			if (vm->vcpu[i] && vm->vcpu[i]->on)
				return vm->vcpu[i];
		return vm->vcpu[0];
	}
	if ((irq->route & ~0xffUL) || aff0 >= VM_MAX_VCPUS)
		return NULL;
	return vm->vcpu[aff0];
}

/* A private interrupt of @t, or an SPI routed to @t (and in no other LR). */
static bool irq_for(struct vm *vm, struct vcpu *t, u32 intid,
		    const struct vgic_irq *irq)
{
	if (intid < VGIC_NR_PRIVATE)
		return true;
	return spi_target(vm, irq) == t &&
	       (irq->lr_owner == VGIC_LR_NONE || irq->lr_owner == t->index);
}

static void spi_kick(struct vm *vm, struct vgic_irq *irq)
{
	struct vcpu *t;

	if (!irq_deliverable(vm, irq))
		return;
	t = spi_target(vm, irq);
	if (t)
		vcpu_kick(t);
}

/* After a guest register write: wake whoever it made deliverable. */
static void kick_all(struct vm *vm)
{
	for (unsigned int i = 0; i < VM_MAX_VCPUS; i++) {
		struct vcpu *t = vm->vcpu[i];

		if (t && vgic_has_pending(t))
			vcpu_kick(t);
	}
}

/* ---------------------------------------------------------- state */

static void irq_reset(struct vgic_irq *irq, bool keep_input)
{
	struct vgic_irq_source *src = irq->src;
	bool line = irq->line;

	memset(irq, 0, sizeof(*irq));
	irq->lr_owner = VGIC_LR_NONE;
	if (keep_input) {
		irq->src = src;
		irq->line = line;
	}
}

/* Interrupt state changed: no vCPU may trust an empty previous flush. */
static void vgic_changed(struct vm *vm)
{
	if (vm)
		vm->vgic.gen++;
}

/* Which vCPUs are on: IRM=1 routing depends on it. */
static u8 vcpus_on(const struct vm *vm)
{
	u8 on = 0;

	for (unsigned int i = 0; i < VM_MAX_VCPUS; i++)
		if (vm->vcpu[i] && vm->vcpu[i]->on)
			on |= BIT(i);
	return on;
}

void vgic_vcpu_init(struct vcpu *v)
{
	struct vgic_cpu *c = &v->vgic;

	vgic_changed(v->vm);
	c->idle = false;

	for (unsigned int i = 0; i < VGIC_NR_PRIVATE; i++) {
		irq_reset(&c->priv[i], false);
		/* SGIs: edge, enabled at reset as KVM's (IMPLEMENTATION DEFINED) */
		if (i < 16) {
			c->priv[i].edge = true;
			c->priv[i].enabled = true;
		}
	}
	c->sleep = true;
	/* An LR still in flight (a reset under a running vCPU) is dropped. */
	c->nr_lr = 0;
	/* ... and so are SPIs in its LRs. */
	if (v->vm) {
		for (u32 i = 0; i < v->vm->vgic.nr_spis; i++) {
			struct vgic_irq *irq = spi_at(v->vm, i);

			if (irq->lr_owner == v->index)
				irq->lr_owner = VGIC_LR_NONE;
		}
	}
}

void vgic_vm_init(struct vm *vm)
{
	struct vgic *d = &vm->vgic;

	memset(d, 0, sizeof(*d));
	d->gicd_base = VGIC_DEFAULT_GICD_BASE;
	d->gicr_below_gicd = true;
	d->nr_spis = VGIC_NR_BASE_SPIS;
	for (u32 i = 0; i < VGIC_NR_BASE_SPIS; i++)
		irq_reset(&d->spi[i], false);
}

void vgic_vm_free(struct vm *vm)
{
	struct vgic *d = &vm->vgic;

	for (unsigned int i = 0; i < VGIC_NR_CHUNKS; i++) {
		if (d->spi_ext[i])
			plat_s2_free(d->spi_ext[i], 0);
		d->spi_ext[i] = NULL;
	}
	d->nr_spis = VGIC_NR_BASE_SPIS;
}

/* SPIs up to and including @s: more pool pages, all or nothing. */
static int vgic_grow(struct vm *vm, u32 s)
{
	struct vgic *d = &vm->vgic;
	unsigned int need, have;

	if (s < d->nr_spis)
		return GH_ERROR_OK;
	need = (s - VGIC_NR_BASE_SPIS) / VGIC_SPI_CHUNK + 1;
	have = (d->nr_spis - VGIC_NR_BASE_SPIS) / VGIC_SPI_CHUNK;
	for (unsigned int i = have; i < need; i++) {
		d->spi_ext[i] = plat_s2_zalloc(0);
		if (!d->spi_ext[i]) {
			while (i-- > have) {
				plat_s2_free(d->spi_ext[i], 0);
				d->spi_ext[i] = NULL;
			}
			return GH_ERROR_NOMEM;
		}
		for (unsigned int j = 0; j < VGIC_SPI_CHUNK; j++)
			irq_reset(&d->spi_ext[i][j], false);
	}
	vgic_changed(vm);
	d->nr_spis = MIN(VGIC_NR_BASE_SPIS + need * VGIC_SPI_CHUNK,
			 (unsigned int)VGIC_MAX_SPIS);
	return GH_ERROR_OK;
}

void vgic_vm_reset(struct vm *vm)
{
	vgic_changed(vm);
	vm->vgic.ctlr = 0;
	for (u32 i = 0; i < vm->vgic.nr_spis; i++)
		irq_reset(spi_at(vm, i), true);
	for (unsigned int i = 0; i < VM_MAX_VCPUS; i++)
		if (vm->vcpu[i])
			vgic_vcpu_init(vm->vcpu[i]);
}

static struct vm *vgic_vm_get(u16 vmid)
{
	for (unsigned int i = 0; i < VM_MAX_VMS; i++)
		if (vms[i].used && !vms[i].dying && vms[i].vmid == vmid)
			return &vms[i];
	return NULL;
}

/*
 * The GICR area must be below the MMIO window end and clear of the GICD
 * for the vCPUs created so far (at least one); vCPUs created later extend
 * it, and accesses then match the GICD first and stop at 1 GiB.
 */
int vm_vgic_config(u16 vmid, u64 gicd_base, u64 gicr_base)
{
	struct vm *vm = vgic_vm_get(vmid);
	u64 gicr_size;

	if (vm)
		vgic_changed(vm);
	if (!vm)
		return GH_ERROR_ARG_INVAL;
	if (vm->state == VM_STATE_RUNNING)
		return GH_ERROR_OBJECT_STATE;
	gicr_size = VGIC_GICR_STRIDE * MAX(vgic_nr_frames(vm), 1U);
	if (!IS_ALIGNED(gicd_base | gicr_base, VGIC_GICD_SIZE) ||
	    gicd_base >= VM_MMIO_WINDOW_END ||	/* no overflow below */
	    gicd_base + VGIC_GICD_SIZE > VM_MMIO_WINDOW_END ||
	    gicr_base >= VM_MMIO_WINDOW_END ||
	    gicr_base + gicr_size > VM_MMIO_WINDOW_END ||
	    (gicd_base < gicr_base + gicr_size &&
	     gicr_base < gicd_base + VGIC_GICD_SIZE))
		return GH_ERROR_ARG_INVAL;
	vm->vgic.gicd_base = gicd_base;
	vm->vgic.gicr_base = gicr_base;
	vm->vgic.gicr_below_gicd = false;
	return GH_ERROR_OK;
}

int vgic_source_bind(struct vm *vm, u32 intid, struct vgic_irq_source *s)
{
	struct vgic_irq *irq;
	int ret;

	if (intid < VGIC_NR_PRIVATE || intid >= VGIC_MAX_INTID_END || !s ||
	    !s->check_pending)
		return GH_ERROR_ARG_INVAL;
	ret = vgic_grow(vm, intid - VGIC_NR_PRIVATE);
	if (ret)
		return ret;
	irq = spi_get(vm, intid);
	if (irq->src)
		return GH_ERROR_VIRQ_BOUND;
	vgic_changed(vm);
	irq->src = s;
	irq->reasserted = false;
	return GH_ERROR_OK;
}

void vgic_source_unbind(struct vm *vm, u32 intid)
{
	struct vgic_irq *irq = spi_get(vm, intid);

	if (!irq)
		return;
	vgic_changed(vm);
	irq->src = NULL;
	irq->line = false;
	irq->reasserted = false;
}

/* A new input level; true if it made the interrupt pending anew. */
static bool irq_set_line(struct vgic_irq *irq, bool level)
{
	bool rising = level && !irq->line;

	irq->line = level;
	if (rising && irq->edge)
		irq->latch = true;
	return rising;
}

void vgic_set_level(struct vm *vm, u32 intid, bool level)
{
	struct vgic_irq *irq = spi_get(vm, intid);

	/* A source's SPI is driven by vgic_virq_assert()/clear() only. */
	if (!irq || irq->src)
		return;
	if (irq->line != level)
		vgic_changed(vm);
	if (irq_set_line(irq, level))
		spi_kick(vm, irq);
}

/*
 * Every assertion is an event: an edge-configured SPI latches pending even
 * while the level was already up, so a guest that switched the SPI to edge
 * while it was high (rung before its driver was ready) gets every send.
 */
void vgic_virq_assert(struct vm *vm, u32 intid, bool edge_only)
{
	struct vgic_irq *irq = spi_get(vm, intid);

	if (!irq || !irq->src)
		return;
	vgic_changed(vm);
	irq->reasserted = true;
	if (irq->edge)
		irq->latch = true;
	if (!edge_only)
		irq->line = true;
	spi_kick(vm, irq);
}

void vgic_virq_clear(struct vm *vm, u32 intid)
{
	struct vgic_irq *irq = spi_get(vm, intid);

	if (!irq || !irq->src || !irq->line)
		return;
	vgic_changed(vm);
	irq->line = false;
}

void vgic_set_ppi_level(struct vcpu *v, u32 intid, bool level)
{
	struct vgic_irq *irq;

	if (intid < 16 || intid >= VGIC_NR_PRIVATE)
		return;
	irq = &v->vgic.priv[intid];
	if (irq->line != level)
		vgic_changed(v->vm);
	if (irq_set_line(irq, level) && irq_deliverable(v->vm, irq))
		vcpu_kick(v);
}

void vgic_sgi(struct vcpu *v, u64 sgi1r)
{
	struct vm *vm = v->vm;
	u32 intid = ICC_SGI1R_INTID(sgi1r);
	u32 targets = ICC_SGI1R_TARGETS(sgi1r);

	vgic_changed(vm);
	if (!(sgi1r & ICC_SGI1R_IRM)) {
		/* Only Aff3.Aff2.Aff1 = 0.0.0 and Aff0 0..15 (RS 0) exist. */
		if (ICC_SGI1R_AFF1(sgi1r) || ICC_SGI1R_AFF2(sgi1r) ||
		    ICC_SGI1R_AFF3(sgi1r) || ICC_SGI1R_RS(sgi1r))
			return;
	}
	for (unsigned int i = 0; i < VM_MAX_VCPUS; i++) {
		struct vcpu *t = vm->vcpu[i];
		struct vgic_irq *irq;

		if (!t)
			continue;
		if (sgi1r & ICC_SGI1R_IRM ? t == v : !(targets & BIT(i)))
			continue;
		irq = &t->vgic.priv[intid];
		irq->latch = true;
		if (irq_deliverable(vm, irq))
			vcpu_kick(t);
	}
}

bool vgic_has_pending(const struct vcpu *v)
{
	struct vm *vm = v->vm;

	if (!group1_enabled(vm))
		return false;
	for (u32 intid = 0; intid < intid_end(vm); intid++) {
		const struct vgic_irq *irq = irq_get(vm, (struct vcpu *)v,
						     intid);

		if (irq_deliverable(vm, irq) &&
		    irq_for(vm, (struct vcpu *)v, intid, irq))
			return true;
	}
	return false;
}

/* ------------------------------------------------------ list registers */

/* The LRs of a flush that was never synced: as if the guest did nothing. */
static void lrs_forget(struct vcpu *v)
{
	struct vgic_cpu *c = &v->vgic;

	for (unsigned int i = 0; i < c->nr_lr; i++) {
		struct vgic_irq *irq = irq_get(v->vm, v, c->lr_intid[i]);

		if (!irq || irq->lr_owner != v->index)
			continue;
		if (irq->lr_state & IN_LR_LATCH)
			irq->latch = true;
		irq->lr_owner = VGIC_LR_NONE;
	}
	c->nr_lr = 0;
}

/* Wants an LR: active (to be deactivated), or deliverable pending. */
static bool irq_wants_lr(struct vm *vm, const struct vgic_irq *irq)
{
	return irq->active || irq_deliverable(vm, irq);
}

/*
 * Order of presentation: active ones first (the guest must see them to
 * deactivate them), then by priority; the INTID (10 bits) breaks ties so
 * that the key is unique.
 */
static u32 lr_key(const struct vgic_irq *irq, u32 intid)
{
	return (irq->active ? 0 : BIT(18)) | ((u32)irq->priority << 10) | intid;
}

static u64 lr_encode(struct vm *vm, struct vgic_irq *irq, u32 intid)
{
	u64 lr = intid | ((u64)irq->priority << VGIC_LR_PRIO_SHIFT) |
		 VGIC_LR_GROUP1;

	irq->lr_state = 0;
	if (irq->active) {
		lr |= VGIC_LR_ACTIVE;
		irq->lr_state |= IN_LR_ACTIVE;
	}
	if (irq_deliverable(vm, irq)) {
		lr |= VGIC_LR_PENDING;
		irq->lr_state |= IN_LR_PENDING;
		if (irq->latch)
			irq->lr_state |= IN_LR_LATCH;
		irq->latch = false;	/* the LR holds it now */
		/* Listed: later assertions count as new (the real "edge"). */
		irq->reasserted = false;
	}
	/* Level: resample the line when the guest deactivates it. */
	if (!irq->edge)
		lr |= VGIC_LR_EOI;
	return lr;
}

/*
 * The best @max candidates by lr_key(), kept sorted in @best (at most
 * VGIC_MAX_LRS): one pass over the VM's interrupts, no per-INTID array.
 */
struct lr_cand {
	u32 key;
	u32 intid;
};

static void lr_cand_add(struct lr_cand *best, unsigned int *nb,
			unsigned int max, u32 key, u32 intid)
{
	unsigned int i = *nb;

	if (i == max) {
		if (!max || key >= best[max - 1].key)
			return;
		i--;
	} else {
		(*nb)++;
	}
	for (; i && best[i - 1].key > key; i--)
		best[i] = best[i - 1];
	best[i] = (struct lr_cand){ key, intid };
}

u64 vgic_flush_lrs(struct vcpu *v, u64 *lr, unsigned int nr_lr)
{
	struct vm *vm = v->vm;
	struct vgic_cpu *c = &v->vgic;
	struct lr_cand best[VGIC_MAX_LRS];
	unsigned int n = 0, nb = 0, used, max = MIN(nr_lr, VGIC_MAX_LRS);
	bool pending = false;
	u8 on = vcpus_on(vm);
	u64 hcr = 0;

	for (unsigned int i = 0; i < nr_lr; i++)
		lr[i] = 0;
	/* Nothing changed since a flush that found nothing: skip the scan. */
	if (c->idle && !c->nr_lr && c->idle_gen == vm->vgic.gen &&
	    c->idle_on == on)
		return 0;
	if (c->nr_lr)
		vgic_changed(vm);	/* lrs_forget() may latch */
	lrs_forget(v);
	for (u32 intid = 0; intid < intid_end(vm); intid++) {
		struct vgic_irq *irq = irq_get(vm, v, intid);

		if (!irq_wants_lr(vm, irq) || !irq_for(vm, v, intid, irq))
			continue;
		n++;
		lr_cand_add(best, &nb, max, lr_key(irq, intid), intid);
	}
	for (used = 0; used < nb; used++) {
		u32 intid = best[used].intid;
		struct vgic_irq *irq = irq_get(vm, v, intid);

		lr[used] = lr_encode(vm, irq, intid);
		irq->lr_owner = v->index;
		c->lr_intid[used] = intid;
		pending |= irq->lr_state & IN_LR_PENDING;
	}
	n -= used;		/* still waiting for an LR */
	c->nr_lr = used;
	c->idle = !used && !n;
	c->idle_gen = vm->vgic.gen;
	c->idle_on = on;
	if (n && max >= 2) {
		/* Refill once the guest has retired all but one. */
		hcr |= VGIC_HCR_UIE;
	} else if (n && used) {
		/* One LR: refill when it is taken, or deactivated. */
		if (pending)
			hcr |= VGIC_HCR_NPIE;
		else
			lr[0] |= VGIC_LR_EOI;
	}
	return hcr;
}

void vgic_sync_lrs(struct vcpu *v, const u64 *lr, unsigned int nr_lr)
{
	struct vm *vm = v->vm;
	struct vgic_cpu *c = &v->vgic;

	if (c->nr_lr)
		vgic_changed(vm);
	for (unsigned int i = 0; i < c->nr_lr; i++) {
		u32 intid = c->lr_intid[i];
		struct vgic_irq *irq = irq_get(vm, v, intid);
		u64 val;

		/* Dropped by a reset meanwhile, or its SPIs freed. */
		if (!irq || irq->lr_owner != v->index)
			continue;
		irq->lr_owner = VGIC_LR_NONE;
		/*
		 * An LR not read back, or holding another INTID (a glue bug):
		 * unchanged. 0 is an empty LR: retired.
		 */
		val = i < nr_lr ? lr[i] : 0;
		if (i >= nr_lr ||
		    (val && (val & VGIC_LR_VINTID_MASK) != intid)) {
			if (irq->lr_state & IN_LR_LATCH)
				irq->latch = true;
			continue;
		}
		irq->active = val & VGIC_LR_ACTIVE;
		if (val & VGIC_LR_PENDING) {
			/* Not taken yet: a latched pending goes back. */
			if (irq->lr_state & IN_LR_LATCH)
				irq->latch = true;
		} else if (!irq->active) {
			/*
			 * Deactivated (the EOI maintenance of a level one):
			 * the real vGIC asks the source whether its level
			 * still holds, reasserted if it was asserted again
			 * after the LR was written.
			 */
			irq_check_source(irq, irq->reasserted);
		}
		if (intid >= VGIC_NR_PRIVATE)
			spi_kick(vm, irq);	/* re-routed meanwhile? */
	}
	c->nr_lr = 0;
}

/* ------------------------------------------------------------- MMIO */

enum irq_bit { BIT_ENABLE, BIT_PENDING, BIT_ACTIVE };

static bool irq_bit_get(const struct vgic_irq *irq, enum irq_bit b)
{
	switch (b) {
	case BIT_ENABLE:
		return irq->enabled;
	case BIT_PENDING:
		return irq_pending_view(irq);
	default:
		return irq->active;
	}
}

/*
 * A source's level is checked again whenever the real vGIC undelivers or
 * deactivates the interrupt: on disable, on ICPENDR (with the reassert
 * state from before the clear), on ICACTIVER.
 */
static void irq_bit_set(struct vgic_irq *irq, enum irq_bit b, bool set)
{
	bool reasserted = irq->reasserted;

	switch (b) {
	case BIT_ENABLE:
		irq->enabled = set;
		if (!set)
			irq_check_source(irq, reasserted);
		break;
	case BIT_PENDING:
		/* The latch only: a level line stays what it is. */
		irq->latch = set;
		if (!set) {
			irq->reasserted = false;
			irq_check_source(irq, reasserted);
		}
		break;
	default:
		irq->active = set;
		if (!set)
			irq_check_source(irq, reasserted);
		break;
	}
}

/*
 * The interrupt registers both frames share, for INTIDs [lo, hi): the
 * GICD serves the SPIs, the SGI frame its vCPU's SGIs and PPIs; whatever
 * names other INTIDs is RAZ/WI. @off and @size are already checked for
 * natural alignment.
 */
static void irq_regs(struct vm *vm, struct vcpu *v, u32 off, bool write,
		     u8 size, u64 *val, u32 lo, u32 hi)
{
	u32 w = (u32)*val;

	if (off >= GIC_IPRIORITYR && off < GIC_IPRIORITYR + VGIC_MAX_INTID_END) {
		u32 first = off - GIC_IPRIORITYR;

		if (size != 1 && size != 4)
			return;
		for (u32 i = 0; i < size; i++) {
			struct vgic_irq *irq = irq_get(vm, v, first + i);

			if (first + i < lo || first + i >= hi)
				continue;
			if (write)
				irq->priority = (u8)(w >> (8 * i));
			else
				*val |= (u64)irq->priority << (8 * i);
		}
		return;
	}
	if (size != 4)
		return;
	if (off >= GIC_ICFGR && off < GIC_ICFGR + 0x100) {
		u32 first = (off - GIC_ICFGR) * 4;

		for (u32 i = 0; i < 16; i++) {
			struct vgic_irq *irq = irq_get(vm, v, first + i);

			if (first + i < lo || first + i >= hi)
				continue;
			/* SGIs are always edge; bit 2n is RES0 */
			if (write && first + i >= 16)
				irq->edge = w & BIT(2 * i + 1);
			else if (!write && irq->edge)
				*val |= BIT(2 * i + 1);
		}
		return;
	}
	if (off >= GIC_IGROUPR && off < GIC_IPRIORITYR) {
		u32 reg = (off - GIC_IGROUPR) % 0x80, first = reg * 8;
		u32 kind = (off - GIC_IGROUPR) / 0x80;
		static const enum irq_bit bits[] = {
			0, BIT_ENABLE, BIT_ENABLE, BIT_PENDING, BIT_PENDING,
			BIT_ACTIVE, BIT_ACTIVE,
		};

		if (first < lo || first >= hi)
			return;
		if (kind == 0) {		/* IGROUPR: all Group 1, RAO/WI */
			if (!write)
				*val = 0xffffffffU;
			return;
		}
		for (u32 i = 0; i < 32 && first + i < hi; i++) {
			struct vgic_irq *irq = irq_get(vm, v, first + i);

			if (!write) {
				if (irq_bit_get(irq, bits[kind]))
					*val |= BIT(i);
			} else if (w & BIT(i)) {
				/* odd kinds are the set registers */
				irq_bit_set(irq, bits[kind], kind & 1);
			}
		}
	}
}

static void gicd_access(struct vm *vm, u32 off, bool write, u8 size,
			u64 *val)
{
	struct vgic *d = &vm->vgic;

	if (off >= GICD_IROUTER + 8 * VGIC_NR_PRIVATE &&
	    off < GICD_IROUTER + 8 * VGIC_MAX_INTID_END) {
		struct vgic_irq *irq = spi_get(vm, (off - GICD_IROUTER) / 8);
		unsigned int shift = (off & 4) * 8;
		u64 mask = size == 8 ? ~0UL : 0xffffffffUL << shift;

		if ((size != 4 && size != 8) || !irq)
			return;
		if (write)
			irq->route = ((irq->route & ~mask) |
				      ((*val << shift) & mask)) & IROUTER_MASK;
		else
			*val = (irq->route & mask) >> shift;
		return;
	}
	if (off >= GIC_IGROUPR && off < GIC_ICFGR + 0x100) {
		irq_regs(vm, NULL, off, write, size, val, VGIC_NR_PRIVATE,
			 intid_end(vm));
		return;
	}
	if (size != 4)
		return;
	switch (off) {
	case GICD_CTLR:
		if (write)
			d->ctlr = *val & (GICD_CTLR_ENABLE_G1 |
					  GICD_CTLR_ENABLE_G1A);
		else	/* RWP (bit 31) is 0: writes take effect at once */
			*val = d->ctlr | GICD_CTLR_ARE | GICD_CTLR_DS;
		break;
	case GICD_TYPER:
		/* ITLinesNumber: INTIDs up to 32 * (N + 1) - 1 cover the VM's */
		if (!write)
			*val = VGIC_TYPER |
			       ((MAX(vgic_nr_frames(vm), 1U) - 1) << 5) |
			       ((intid_end(vm) + 31) / 32 - 1);
		break;
	case GICD_IIDR:
		if (!write)
			*val = VGIC_IIDR;
		break;
	case GIC_PIDR2:
		if (!write)
			*val = VGIC_PIDR2;
		break;
	default:		/* TYPER2 and everything else: RAZ/WI */
		break;
	}
}

static void gicr_rd_access(struct vcpu *t, u32 off, bool write, u8 size,
			   u64 *val)
{
	struct vm *vm = t->vm;

	/* 64-bit, or either 32-bit half */
	if ((off == GICR_TYPER && size >= 4) ||
	    (off == GICR_TYPER + 4 && size == 4)) {
		u64 typer = ((u64)t->index << 32) | ((u64)t->index << 8);

		if (t->index + 1 == vgic_nr_frames(vm))
			typer |= GICR_TYPER_LAST;
		if (!write)
			*val = size == 8 ? typer :
			       (u32)(typer >> ((off - GICR_TYPER) * 8));
		return;
	}
	if (size != 4)
		return;
	switch (off) {
	case GICR_IIDR:
		if (!write)
			*val = VGIC_IIDR;
		break;
	case GICR_WAKER:
		/* The handshake completes at once: ChildrenAsleep follows. */
		if (write)
			t->vgic.sleep = *val & GICR_WAKER_PSLEEP;
		else if (t->vgic.sleep)
			*val = GICR_WAKER_PSLEEP | GICR_WAKER_CASLEEP;
		break;
	case GIC_PIDR2:
		if (!write)
			*val = VGIC_PIDR2;
		break;
	default:		/* CTLR (no LPIs, RWP 0) and the rest: RAZ/WI */
		break;
	}
}

bool vgic_mmio(struct vcpu *v, u64 ipa, bool write, u8 size, u64 *val)
{
	struct vm *vm = v->vm;
	struct vgic *d = &vm->vgic;
	unsigned int frames = vgic_nr_frames(vm);
	u64 gicr = d->gicr_base, gicr_end;
	bool gicd = ipa - d->gicd_base < VGIC_GICD_SIZE;

	/* Frames of the vCPUs created so far; the GICD wins an overlap. */
	if (d->gicr_below_gicd)
		gicr = d->gicd_base - VGIC_GICR_STRIDE * frames;
	gicr_end = MIN(gicr + VGIC_GICR_STRIDE * frames, VM_MMIO_WINDOW_END);
	if (!gicd && (ipa < gicr || ipa >= gicr_end))
		return false;

	if (write) {
		vgic_changed(vm);
		if (size < 8)
			*val &= (1UL << (size * 8)) - 1;
	} else {
		*val = 0;
	}
	/* Natural alignment, 1/2/4/8 bytes only; the rest is RAZ/WI. */
	if ((size != 1 && size != 2 && size != 4 && size != 8) ||
	    !IS_ALIGNED(ipa, size))
		return true;

	if (gicd) {
		gicd_access(vm, ipa - d->gicd_base, write, size, val);
	} else {
		struct vcpu *t = vm->vcpu[(ipa - gicr) / VGIC_GICR_STRIDE];
		u32 off = (ipa - gicr) % VGIC_GICR_STRIDE;

		if (!t)			/* a hole in the vCPU indices */
			return true;
		if (off < GICR_SGI_FRAME)
			gicr_rd_access(t, off, write, size, val);
		else
			irq_regs(vm, t, off - GICR_SGI_FRAME, write, size,
				 val, 0, VGIC_NR_PRIVATE);
	}
	if (write)
		kick_all(vm);
	return true;
}
