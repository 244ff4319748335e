// SPDX-License-Identifier: GPL-2.0-only
/*
 * vcpu_run: the host's thread donates its physical CPU to a guest vCPU until
 * something needs the host (gunyah-abi.md §2). The host's EL1 state is saved
 * on entry and restored exactly before every return; the guest runs behind
 * its own stage-2 with physical interrupts routed to EL2 (IMO/FMO), WFI and
 * SMC trapped, and everything it must not touch trapped and emulated
 * (RAZ/WI) or refused (UNDEF). No guest action can crash the stub.
 *
 * Interrupts: the guest's ICC_* accesses go to the GIC's virtual CPU
 * interface (IMO/FMO), fed through the list registers by the vGIC
 * (core/vgic.c) around every entry; the physical interface stays the
 * host's. Physical IRQs exit the guest: the stub's own (maintenance PPI 25,
 * the guest's virtual timer PPI 27) are handled here and the guest resumed,
 * anything else is the host's and vcpu_run returns READY.
 */
#include <string.h>
#include "arm64.h"
#include "format.h"
#include "gunyah.h"
#include "hyp.h"
#include "hypercall.h"
#include "mem.h"
#include "rm.h"
#include "vcpu.h"
#include "vgic.h"

/* Newer registers by encoding */
#define APIAKEYLO_EL1	s3_0_c2_c1_0
#define APIAKEYHI_EL1	s3_0_c2_c1_1
#define APIBKEYLO_EL1	s3_0_c2_c1_2
#define APIBKEYHI_EL1	s3_0_c2_c1_3
#define APDAKEYLO_EL1	s3_0_c2_c2_0
#define APDAKEYHI_EL1	s3_0_c2_c2_1
#define APDBKEYLO_EL1	s3_0_c2_c2_2
#define APDBKEYHI_EL1	s3_0_c2_c2_3
#define APGAKEYLO_EL1	s3_0_c2_c3_0
#define APGAKEYHI_EL1	s3_0_c2_c3_1

#define HCR_FMO		BIT(3)
#define HCR_IMO		BIT(4)
#define HCR_TLOR	BIT(35)
#define HCR_TERR	BIT(36)

#define CPTR_TZ		BIT(8)
#define CPTR_TSM	BIT(12)
#define CPTR_TAM	BIT(30)

#define MDCR_TPMCR	BIT(5)
#define MDCR_TPM	BIT(6)
#define MDCR_TDA	BIT(9)
#define MDCR_TDOSA	BIT(10)
#define MDCR_TDRA	BIT(11)

#define ICH_HCR_EN	BIT(0)

/* GIC virtual interface registers by encoding */
#define ICH_AP0R0_EL2	s3_4_c12_c8_0
#define ICH_AP0R1_EL2	s3_4_c12_c8_1
#define ICH_AP0R2_EL2	s3_4_c12_c8_2
#define ICH_AP0R3_EL2	s3_4_c12_c8_3
#define ICH_AP1R0_EL2	s3_4_c12_c9_0
#define ICH_AP1R1_EL2	s3_4_c12_c9_1
#define ICH_AP1R2_EL2	s3_4_c12_c9_2
#define ICH_AP1R3_EL2	s3_4_c12_c9_3
#define ICH_LR0_EL2	s3_4_c12_c12_0
#define ICH_LR1_EL2	s3_4_c12_c12_1
#define ICH_LR2_EL2	s3_4_c12_c12_2
#define ICH_LR3_EL2	s3_4_c12_c12_3
#define ICH_LR4_EL2	s3_4_c12_c12_4
#define ICH_LR5_EL2	s3_4_c12_c12_5
#define ICH_LR6_EL2	s3_4_c12_c12_6
#define ICH_LR7_EL2	s3_4_c12_c12_7
#define ICH_LR8_EL2	s3_4_c12_c13_0
#define ICH_LR9_EL2	s3_4_c12_c13_1
#define ICH_LR10_EL2	s3_4_c12_c13_2
#define ICH_LR11_EL2	s3_4_c12_c13_3
#define ICH_LR12_EL2	s3_4_c12_c13_4
#define ICH_LR13_EL2	s3_4_c12_c13_5
#define ICH_LR14_EL2	s3_4_c12_c13_6
#define ICH_LR15_EL2	s3_4_c12_c13_7

#define GIC_SPURIOUS	1023

/* MSR/MRS syndrome (EC 0x18): the register, without Rt and direction */
#define SYS_ISS_MASK	0x3ffc1eUL
#define SYS_ISS(op0, op1, crn, crm, op2)				\
	(((u64)(op0) << 20) | ((u64)(op2) << 17) | ((u64)(op1) << 14) |	\
	 ((u64)(crn) << 10) | ((u64)(crm) << 1))
#define ISS_ICC_SGI1R	SYS_ISS(3, 0, 12, 11, 5)
#define ISS_ICC_ASGI1R	SYS_ISS(3, 0, 12, 11, 6)
#define ISS_ICC_SGI0R	SYS_ISS(3, 0, 12, 11, 7)
#define ISS_ICC_SRE	SYS_ISS(3, 0, 12, 12, 5)
#define ICC_SRE_EL1_VAL	0x7	/* SRE, DFB, DIB: what the guest reads */

/* The guest's virtual timer asserts its interrupt: ENABLE, !IMASK, ISTATUS */
#define CNTV_CTL_ENABLE	BIT(0)
#define CNTV_CTL_IMASK	BIT(1)
#define CNTV_CTL_ISTAT	BIT(2)

/* Physical PPIs this file switches while a guest runs */
#define STUB_PPIS	(BIT(GIC_PPI_MAINT) | BIT(GIC_PPI_HYP_TIMER) |	\
			 BIT(GIC_PPI_VTIMER))
/* Our IRQ exits in a row handled at EL2 before the host gets a turn */
#define MAX_EL2_IRQS	64

#define HPFAR_FIPA_MASK	0x00000ffffffffff0UL

#define ESR_EC_SYS64	0x18
#define ESR_EC_SVE	0x19
#define ESR_EC_SME	0x1d

#define EXIT_SYNC	0
#define EXIT_IRQ	1
#define EXIT_FIQ	2

#define SMCCC_NOT_SUPPORTED	((u64)-1L)

extern u8 guest_vectors[], el2_vectors[];
u64 __guest_enter(struct vcpu_ctx *ctx);
void fpsimd_save(u64 *v, u64 *fpsr_fpcr);
void fpsimd_load(const u64 *v, const u64 *fpsr_fpcr);

/* The host's EL1 state while its CPU runs a vCPU */
struct host_save {
	u64 sys[NR_VCPU_SYSREGS];
	u64 fpsr, fpcr;
	u64 v[64] __attribute__((aligned(16)));
	u64 hcr, vttbr, cptr, mdcr, cnthctl;
	u64 elr_el2, spsr_el2;		/* where the host's HVC returns */
	u64 icc_sre_el2;
	u32 ppi_enabled;		/* the host's STUB_PPIS enables */
	bool vtimer_masked;		/* physical PPI 27 masked (guest's) */
};

static struct host_save host_save[NR_CPUS];

static bool has_pauth(void)
{
	u64 isar1 = read_sysreg(id_aa64isar1_el1);
	u64 isar2 = read_sysreg(ID_AA64ISAR2_EL1);

	return ID_FIELD(isar1, 4) || ID_FIELD(isar1, 8) ||
	       ID_FIELD(isar1, 24) || ID_FIELD(isar1, 28) ||
	       ID_FIELD(isar2, 8) || ID_FIELD(isar2, 12);
}

#define SAVE(i, r)	s[i] = read_sysreg(r)
#define LOAD(i, r)	write_sysreg(s[i], r)

#define SYSREGS(X)							\
	X(SR_SCTLR, sctlr_el1); X(SR_TTBR0, ttbr0_el1);			\
	X(SR_TTBR1, ttbr1_el1); X(SR_TCR, tcr_el1);			\
	X(SR_MAIR, mair_el1); X(SR_AMAIR, amair_el1);			\
	X(SR_VBAR, vbar_el1); X(SR_CONTEXTIDR, contextidr_el1);		\
	X(SR_TPIDR_EL0, tpidr_el0); X(SR_TPIDRRO_EL0, tpidrro_el0);	\
	X(SR_TPIDR_EL1, tpidr_el1); X(SR_SP_EL0, sp_el0);		\
	X(SR_SP_EL1, sp_el1); X(SR_ELR, elr_el1); X(SR_SPSR, spsr_el1);	\
	X(SR_ESR, esr_el1); X(SR_FAR, far_el1); X(SR_AFSR0, afsr0_el1);	\
	X(SR_AFSR1, afsr1_el1); X(SR_PAR, par_el1);			\
	X(SR_CPACR, cpacr_el1); X(SR_CNTKCTL, cntkctl_el1);		\
	X(SR_MDSCR, mdscr_el1); X(SR_CSSELR, csselr_el1);		\
	X(SR_CNTVOFF, cntvoff_el2); X(SR_VPIDR, vpidr_el2);		\
	X(SR_VMPIDR, vmpidr_el2)

#define PAUTH(X)							\
	X(SR_APIAKEYLO, APIAKEYLO_EL1); X(SR_APIAKEYHI, APIAKEYHI_EL1);	\
	X(SR_APIBKEYLO, APIBKEYLO_EL1); X(SR_APIBKEYHI, APIBKEYHI_EL1);	\
	X(SR_APDAKEYLO, APDAKEYLO_EL1); X(SR_APDAKEYHI, APDAKEYHI_EL1);	\
	X(SR_APDBKEYLO, APDBKEYLO_EL1); X(SR_APDBKEYHI, APDBKEYHI_EL1);	\
	X(SR_APGAKEYLO, APGAKEYLO_EL1); X(SR_APGAKEYHI, APGAKEYHI_EL1)

static void sysregs_save(u64 *s)
{
	SYSREGS(SAVE);
	/* Timer: disable first so the compare cannot fire on the wrong side. */
	SAVE(SR_CNTV_CTL, cntv_ctl_el0);
	SAVE(SR_CNTV_CVAL, cntv_cval_el0);
	write_sysreg(0, cntv_ctl_el0);
	if (has_pauth()) {
		PAUTH(SAVE);
	}
}

static void sysregs_load(const u64 *s)
{
	SYSREGS(LOAD);
	LOAD(SR_CNTV_CVAL, cntv_cval_el0);
	LOAD(SR_CNTV_CTL, cntv_ctl_el0);
	if (has_pauth()) {
		PAUTH(LOAD);
	}
	isb();
}

void plat_vcpu_init_ctx(struct vcpu *v)
{
	u64 *s = v->ctx.sys;

	s[SR_SCTLR] = SCTLR_EL1_RES1;	/* MMU and caches off */
	s[SR_VPIDR] = read_sysreg(midr_el1);
	s[SR_VMPIDR] = BIT(31) | v->index;	/* Aff0 = vCPU index */
	/* Everything else (CPACR: FP trapped at EL1, timer off) is zero. */
	/* Virtual CPU interface: groups off, priority mask 0, none active */
	v->ich_vmcr = 0;
	memset(v->ich_ap0r, 0, sizeof(v->ich_ap0r));
	memset(v->ich_ap1r, 0, sizeof(v->ich_ap1r));
}

static u64 guest_hcr(void)
{
	u64 hcr = HCR_VM | HCR_SWIO | HCR_PTW | HCR_FB | HCR_BSU_IS |
		  HCR_TSC | HCR_RW | HCR_IMO | HCR_FMO | HCR_TWI | HCR_TLOR |
		  HCR_TERR;

	/* The keys are switched, so the guest may use them untrapped. */
	if (has_pauth())
		hcr |= HCR_API | HCR_APK;
	/* No HCR_ATA: MTE tag state is not switched, its registers trap. */
	return hcr;
}

/*
 * The host's tick comes from its virtual timer, which is the guest's while
 * the guest runs: the EL2 physical timer stands in for it (CNTVOFF is 0
 * for the host), so the host's deadline still interrupts the guest and
 * vcpu_run returns READY in time. The RM's next deadline does the same,
 * so that its work is done (at the host's next call) even while the host
 * only runs guests.
 */
static void host_timer_proxy(const struct host_save *h, bool on)
{
	u64 ctl = h->sys[SR_CNTV_CTL];
	u64 cval = __atomic_load_n(&rm_next_deadline, __ATOMIC_RELAXED);

	if ((ctl & 3) == 1)
		cval = MIN(cval, h->sys[SR_CNTV_CVAL]);
	if (on && cval != ~0UL && gic_have_rd()) {
		write_sysreg(cval, cnthp_cval_el2);
		write_sysreg(1, cnthp_ctl_el2);
	} else {
		write_sysreg(0, cnthp_ctl_el2);
	}
}

/* ---------------------------------------- GIC virtual CPU interface */

/* Implemented list registers (ICH_VTR_EL2.ListRegs + 1), at most 16. */
static unsigned int nr_lrs(void)
{
	return MIN((unsigned int)(read_sysreg(ICH_VTR_EL2) & 0x1f) + 1,
		   VGIC_MAX_LRS);
}

/* ICH_AP<g>R<n>_EL2 registers: 1, 2 or 4 for 5, 6 or 7 preemption bits. */
static unsigned int nr_aprs(void)
{
	unsigned int pre = ((read_sysreg(ICH_VTR_EL2) >> 26) & 7) + 1;

	return pre <= 5 ? 1 : pre == 6 ? 2 : 4;
}

/* Unrolled from the highest implemented LR down (case nr: LR nr - 1). */
#define LR_LOAD(n)							\
	case n + 1:							\
		write_sysreg(lr[n], ICH_LR##n##_EL2);			\
		fallthrough
#define LR_SAVE(n)							\
	case n + 1:							\
		lr[n] = read_sysreg(ICH_LR##n##_EL2);			\
		write_sysreg(0, ICH_LR##n##_EL2);			\
		fallthrough

static void lrs_load(const u64 *lr, unsigned int nr)
{
	switch (nr) {
	LR_LOAD(15); LR_LOAD(14); LR_LOAD(13); LR_LOAD(12);
	LR_LOAD(11); LR_LOAD(10); LR_LOAD(9); LR_LOAD(8);
	LR_LOAD(7); LR_LOAD(6); LR_LOAD(5); LR_LOAD(4);
	LR_LOAD(3); LR_LOAD(2); LR_LOAD(1); LR_LOAD(0);
	default:
		break;
	}
}

/* Read and clear: no guest interrupt state stays behind for the host. */
static void lrs_save_clear(u64 *lr, unsigned int nr)
{
	switch (nr) {
	LR_SAVE(15); LR_SAVE(14); LR_SAVE(13); LR_SAVE(12);
	LR_SAVE(11); LR_SAVE(10); LR_SAVE(9); LR_SAVE(8);
	LR_SAVE(7); LR_SAVE(6); LR_SAVE(5); LR_SAVE(4);
	LR_SAVE(3); LR_SAVE(2); LR_SAVE(1); LR_SAVE(0);
	default:
		break;
	}
}

static void aprs_load(const struct vcpu *v)
{
	switch (nr_aprs()) {
	case 4:
		write_sysreg(v->ich_ap0r[3], ICH_AP0R3_EL2);
		write_sysreg(v->ich_ap1r[3], ICH_AP1R3_EL2);
		write_sysreg(v->ich_ap0r[2], ICH_AP0R2_EL2);
		write_sysreg(v->ich_ap1r[2], ICH_AP1R2_EL2);
		fallthrough;
	case 2:
		write_sysreg(v->ich_ap0r[1], ICH_AP0R1_EL2);
		write_sysreg(v->ich_ap1r[1], ICH_AP1R1_EL2);
		fallthrough;
	default:
		write_sysreg(v->ich_ap0r[0], ICH_AP0R0_EL2);
		write_sysreg(v->ich_ap1r[0], ICH_AP1R0_EL2);
	}
}

static void aprs_save(struct vcpu *v)
{
	switch (nr_aprs()) {
	case 4:
		v->ich_ap0r[3] = read_sysreg(ICH_AP0R3_EL2);
		v->ich_ap1r[3] = read_sysreg(ICH_AP1R3_EL2);
		v->ich_ap0r[2] = read_sysreg(ICH_AP0R2_EL2);
		v->ich_ap1r[2] = read_sysreg(ICH_AP1R2_EL2);
		fallthrough;
	case 2:
		v->ich_ap0r[1] = read_sysreg(ICH_AP0R1_EL2);
		v->ich_ap1r[1] = read_sysreg(ICH_AP1R1_EL2);
		fallthrough;
	default:
		v->ich_ap0r[0] = read_sysreg(ICH_AP0R0_EL2);
		v->ich_ap1r[0] = read_sysreg(ICH_AP1R0_EL2);
	}
}

/*
 * Once per vcpu_run. The host's enables of PPIs 25-27 are saved: 25 and 26
 * must interrupt the guest (the host's GIC driver leaves them disabled),
 * 27 is the guest's timer now. ICC_SRE_EL2.Enable = 0 traps the guest's
 * ICC_SRE_EL1, the host's register, so it cannot clear SRE.
 */
static void gic_vcpu_load(const struct vcpu *v, struct host_save *h)
{
	h->ppi_enabled = gic_ppi_enabled() & STUB_PPIS;
	gic_ppi_set(STUB_PPIS, 0);
	h->vtimer_masked = false;
	h->icc_sre_el2 = read_sysreg(ICC_SRE_EL2);
	write_sysreg(h->icc_sre_el2 & ~ICC_SRE_ENABLE, ICC_SRE_EL2);
	write_sysreg(v->ich_vmcr, ICH_VMCR_EL2);
	aprs_load(v);
	isb();
}

/*
 * Before every return to the host, with the guest's timer already off
 * (sysregs_save()): the host's PPI enables exactly as they were; nothing
 * of ours is left pending (no LR, ICH_HCR_EL2 0, CNTHP off).
 */
static void gic_vcpu_put(struct vcpu *v, const struct host_save *h)
{
	aprs_save(v);
	write_sysreg(h->icc_sre_el2, ICC_SRE_EL2);
	isb();
	gic_ppi_set(h->ppi_enabled, STUB_PPIS & ~h->ppi_enabled);
}

/*
 * The guest's virtual timer, "mask" approach: its PPI 27 fires physically
 * while the guest runs, and its level (ENABLE && !IMASK && ISTATUS) is
 * sampled here at every exit and before every entry and fed to the vGIC as
 * a level interrupt (a software LR, EOI maintenance on deactivation). While
 * the level is high, the physical PPI 27 is masked at the redistributor so
 * it cannot exit the guest again and again; a sample that finds the level
 * low (the guest reprogrammed or masked its timer, typically seen at its
 * EOI) unmasks it. Simpler than KVM's mapped (HW) LRs and never leaves
 * an active physical interrupt behind for the host.
 */
static u64 vtimer_sync(struct vcpu *v, struct host_save *h)
{
	u64 ctl = read_sysreg(cntv_ctl_el0);
	bool level = (ctl & (CNTV_CTL_ENABLE | CNTV_CTL_IMASK |
			     CNTV_CTL_ISTAT)) ==
		     (CNTV_CTL_ENABLE | CNTV_CTL_ISTAT);

	vgic_set_ppi_level(v, VGIC_VTIMER_PPI, level);
	if (level != h->vtimer_masked) {
		if (level)
			gic_ppi_set(0, BIT(GIC_PPI_VTIMER));
		else
			gic_ppi_set(BIT(GIC_PPI_VTIMER), 0);
		h->vtimer_masked = level;
	}
	return ctl;
}

/*
 * A physical IRQ that exited the guest and is handled at EL2 (then the
 * guest resumes): never acknowledged, its source is removed instead. The
 * maintenance and timer PPIs are levels that drop with the LR sync and
 * vtimer_sync(); this CPU's kick SPI is cleared.
 */
static bool irq_is_stub(u32 intid)
{
	if (intid && intid == gic_kick_intid()) {
		gic_kick_clear();
		return true;
	}
	/* Without a redistributor PPI 27 cannot be masked: host's turn. */
	if (!gic_have_rd())
		return false;
	return intid == GIC_PPI_MAINT || intid == GIC_PPI_VTIMER ||
	       intid == GIC_SPURIOUS;
}

void plat_vcpu_kick_cpu(int cpu)
{
	/* This CPU is in the stub for that vCPU: it flushes before entry. */
	if (cpu >= 0 && (unsigned int)cpu != this_cpu())
		gic_kick_cpu(cpu);
}

static void el2_enter_guest(struct vcpu *v, struct host_save *h)
{
	h->hcr = read_sysreg(hcr_el2);
	h->vttbr = read_sysreg(vttbr_el2);
	h->cptr = read_sysreg(cptr_el2);
	h->mdcr = read_sysreg(mdcr_el2);
	h->cnthctl = read_sysreg(cnthctl_el2);

	write_sysreg(guest_hcr(), hcr_el2);
	write_sysreg((u64)(uintptr_t)v->vm->s2.root |
		     ((u64)v->vm->hw_vmid << 48), vttbr_el2);
	/* SVE/SME state is not switched: trap it (UNDEF to the guest). */
	write_sysreg(h->cptr | CPTR_TZ | CPTR_TSM | CPTR_TAM, cptr_el2);
	/* The host's debug and PMU state stay the host's: RAZ/WI. */
	write_sysreg(h->mdcr | MDCR_TPMCR | MDCR_TPM | MDCR_TDA | MDCR_TDOSA |
		     MDCR_TDRA, mdcr_el2);
	/* Physical counter yes, the host's physical timer no. */
	write_sysreg(CNTHCTL_EL1PCTEN, cnthctl_el2);
	write_sysreg((u64)(uintptr_t)guest_vectors, vbar_el2);
	write_sysreg(v->ctx.pc, elr_el2);
	write_sysreg(v->ctx.pstate, spsr_el2);
	isb();
}

static void el2_leave_guest(struct vcpu *v, const struct host_save *h)
{
	v->ctx.pc = read_sysreg(elr_el2);
	v->ctx.pstate = read_sysreg(spsr_el2);
	write_sysreg((u64)(uintptr_t)el2_vectors, vbar_el2);
	write_sysreg(h->cnthctl, cnthctl_el2);
	write_sysreg(h->mdcr, mdcr_el2);
	write_sysreg(h->cptr, cptr_el2);
	write_sysreg(h->vttbr, vttbr_el2);
	write_sysreg(h->hcr, hcr_el2);
	isb();
}

/* Size of the trapped instruction (AArch32 EL0 may run T32). */
static u64 insn_len(u64 esr)
{
	return (esr & ESR_IL) ? 4 : 2;
}

/* An UNDEFINED exception to the guest's EL1 (its EL1 registers are live). */
static void guest_inject_undef(struct vcpu *v, u64 esr_el2)
{
	write_sysreg(v->ctx.pc, elr_el1);
	write_sysreg(v->ctx.pstate, spsr_el1);
	write_sysreg((ESR_EC_UNKNOWN << ESR_EC_SHIFT) | (esr_el2 & ESR_IL),
		     esr_el1);
	v->ctx.pc = read_sysreg(vbar_el1) + el1_vector_offset(v->ctx.pstate);
	v->ctx.pstate = PSR_MODE_EL1h | PSR_DAIF;
}

static bool is_icc(u64 esr)
{
	unsigned int op0 = (esr >> 20) & 3, op2 = (esr >> 17) & 7;
	unsigned int op1 = (esr >> 14) & 7, crn = (esr >> 10) & 0xf;
	unsigned int crm = (esr >> 1) & 0xf;

	if (op0 != 3 || (op1 != 0 && op1 != 1 && op1 != 2))
		return false;
	return crn == 12 || (crn == 4 && crm == 6 && op2 == 0);
}

/*
 * A trapped MSR/MRS. Of the GIC CPU interface only what the virtual
 * interface cannot do traps: the SGI registers (always, with IMO/FMO) and
 * ICC_SRE_EL1 (ICC_SRE_EL2.Enable clear). Other GIC registers UNDEF,
 * everything else is RAZ/WI.
 */
static void guest_sysreg(struct vcpu *v, u64 esr)
{
	unsigned int rt = (esr >> 5) & 0x1f;
	bool read = esr & 1;
	u64 val = rt == 31 ? 0 : v->ctx.x[rt];

	switch (esr & SYS_ISS_MASK) {
	case ISS_ICC_SGI1R:
		if (read)
			break;
		spin_lock(&hyp_lock);
		vgic_sgi(v, val);
		spin_unlock(&hyp_lock);
		v->ctx.pc += insn_len(esr);
		return;
	case ISS_ICC_SGI0R:
	case ISS_ICC_ASGI1R:
		/* Group 0 and Secure SGIs: the vGIC has group 1 only. */
		if (read)
			break;
		v->ctx.pc += insn_len(esr);
		return;
	case ISS_ICC_SRE:
		if (read && rt != 31)
			v->ctx.x[rt] = ICC_SRE_EL1_VAL;
		v->ctx.pc += insn_len(esr);
		return;
	default:
		if (is_icc(esr))
			break;
		if (read && rt != 31)
			v->ctx.x[rt] = 0;
		v->ctx.pc += insn_len(esr);
		return;
	}
	guest_inject_undef(v, esr);
}

struct run_result {
	u64 state;
	u64 data[3];
};

/* SMCCC call from the guest (HVC #0, or a trapped SMC #0). */
static int guest_smccc(struct vcpu *v, u64 esr, struct run_result *r)
{
	u32 fid = (u32)v->ctx.x[0];
	int state;

	if (esr & 0xffff) {
		v->ctx.x[0] = SMCCC_NOT_SUPPORTED;
		return -1;
	}
	if ((fid & ~0x40000000U) >= 0x84000000U &&
	    (fid & ~0x40000000U) < 0x84000020U) {
		spin_lock(&hyp_lock);
		state = vm_guest_psci(v, r->data);
		spin_unlock(&hyp_lock);
		return state;
	}
	if (fid == SMCCC_VERSION)
		v->ctx.x[0] = SMCCC_VERSION_1_1;
	else
		v->ctx.x[0] = SMCCC_NOT_SUPPORTED;
	return -1;
}

/* The emulated GICD/GICR frames: handled here, no exit to the host. */
static bool guest_vgic_mmio(struct vcpu *v, u64 esr, u64 ipa,
			    const struct mmio_access *a)
{
	u64 val = 0;
	bool done;

	if (a->write && a->rt != 31) {
		val = v->ctx.x[a->rt];
		if (a->size < 8)
			val &= (1UL << (a->size * 8)) - 1;
	}
	spin_lock(&hyp_lock);
	done = vgic_mmio(v, ipa, a->write, a->size, &val);
	spin_unlock(&hyp_lock);
	if (!done)
		return false;
	if (!a->write && a->rt != 31)
		v->ctx.x[a->rt] = vm_mmio_extend(val, a->size, a->sse, a->sf);
	v->ctx.pc += insn_len(esr);
	return true;
}

/* A data abort: MMIO if it has a syndrome and hits no parcel, else FAULT. */
static int guest_dabt(struct vcpu *v, u64 esr, struct run_result *r)
{
	u64 fsc = ESR_FSC(esr);
	u64 ipa = ((read_sysreg(hpfar_el2) & HPFAR_FIPA_MASK) << 8) |
		  (read_sysreg(far_el2) & 0xfff);
	struct mmio_access a;
	bool xlat = esr_fsc_is_translation(fsc);

	if ((!xlat && ipa >= VM_MMIO_WINDOW_END) || !vm_mmio_decode(esr, &a))
		return VCPU_STATE_FAULT;
	if (xlat && guest_vgic_mmio(v, esr, ipa, &a))
		return -1;
	r->data[0] = ipa;
	r->data[1] = a.size;
	if (a.write) {
		u64 val = a.rt == 31 ? 0 : v->ctx.x[a.rt];

		if (a.size < 8)
			val &= (1UL << (a.size * 8)) - 1;
		r->data[2] = val;
		v->ctx.pc += insn_len(esr);
		return VCPU_STATE_VMMIO_WRITE;
	}
	v->mmio_read = true;
	v->mmio_rt = a.rt;
	v->mmio_size = a.size;
	v->mmio_sse = a.sse;
	v->mmio_sf = a.sf;
	v->mmio_len = insn_len(esr);
	return VCPU_STATE_VMMIO_READ;
}

/*
 * WFI: resume at once if an interrupt is deliverable (the timer's level
 * was sampled at this exit), else sleep until vcpu_kick() or the timer's
 * deadline. A timer already firing whose interrupt the guest disabled
 * cannot wake it, like on hardware: no deadline then.
 */
static int guest_wfi(struct vcpu *v, struct host_save *h,
		     struct run_result *r)
{
	u64 off = read_sysreg(cntvoff_el2), cval = read_sysreg(cntv_cval_el0);
	u64 ctl, deadline = ~0UL;

	spin_lock(&hyp_lock);
	ctl = vtimer_sync(v, h);
	if ((ctl & (CNTV_CTL_ENABLE | CNTV_CTL_IMASK | CNTV_CTL_ISTAT)) ==
	    CNTV_CTL_ENABLE) {
		deadline = cval + off;
		if (deadline < off)	/* beyond the counter's range */
			deadline = ~0UL;
	}
	if (vgic_has_pending(v)) {
		spin_unlock(&hyp_lock);
		return -1;
	}
	vcpu_sleep(v, deadline);
	spin_unlock(&hyp_lock);
	r->data[0] = 0;
	r->data[1] = VCPU_SLEEP_WFI;
	return VCPU_STATE_EXPECTS_WAKEUP;
}

/* -1: resume the guest; otherwise the state for the host. */
static int handle_exit(struct vcpu *v, struct host_save *h, u64 kind,
		       u32 intid, struct run_result *r)
{
	u64 esr = read_sysreg(esr_el2);

	if (kind == EXIT_IRQ)
		return irq_is_stub(intid) ? -1 : VCPU_STATE_READY;
	if (kind == EXIT_FIQ)
		return VCPU_STATE_READY;
	if (kind != EXIT_SYNC)
		return VCPU_STATE_FAULT;
	switch (ESR_EC(esr)) {
	case ESR_EC_WFX:
		v->ctx.pc += insn_len(esr);
		if (esr & 3)		/* WFE (not trapped), WFIT: no wait */
			return -1;
		return guest_wfi(v, h, r);
	case ESR_EC_SMC64:
		v->ctx.pc += 4;
		fallthrough;
	case ESR_EC_HVC64:
		return guest_smccc(v, esr, r);
	case ESR_EC_DABT_LOW:
		return guest_dabt(v, esr, r);
	case ESR_EC_SYS64:
		guest_sysreg(v, esr);
		return -1;
	case ESR_EC_UNKNOWN:
	case ESR_EC_SVE:
	case ESR_EC_SME:
		guest_inject_undef(v, esr);
		return -1;
	default:		/* instruction aborts and anything else */
		return VCPU_STATE_FAULT;
	}
}

/* Under hyp_lock: raise the wakeups of sleeping vCPUs whose time came. */
static u64 wake_due_vcpus(void)
{
	u64 now;

	isb();
	now = read_sysreg(cntpct_el0);
	if (__atomic_load_n(&vcpu_next_deadline, __ATOMIC_RELAXED) > now)
		return __atomic_load_n(&vcpu_next_deadline, __ATOMIC_RELAXED);
	return vcpu_wake_due(now);
}

/* ---------------------------------------------- RM platform hooks */

u64 plat_counter(void)
{
	isb();
	return read_sysreg(cntpct_el0);
}

u64 plat_counter_freq(void)
{
	return read_sysreg(cntfrq_el0);
}

void plat_rm_log(u16 vmid, const char *fmt, va_list ap)
{
	char why[160];

	fmt_vsnprintf(why, sizeof(why), fmt, ap);
	pr("rm: VM %u: %s", vmid, why);
}

/*
 * At every host trap and after a host WFI: the RM's work that fell due
 * (see rm_poll()). A counter read and a compare when nothing is due.
 */
void rm_poll_due(void)
{
	u64 due = __atomic_load_n(&rm_next_deadline, __ATOMIC_RELAXED);

	if (due == ~0UL || plat_counter() < due)
		return;
	spin_lock(&hyp_lock);
	rm_poll(plat_counter());
	spin_unlock(&hyp_lock);
}

/*
 * The host's WFI (HCR_EL2.TWI): the stub gets no interrupt of its own
 * while the host runs, so an idle CPU waits here, with the EL2 physical
 * timer (PPI 26) armed at the earliest deadline of a vCPU sleeping in WFI
 * or of the RM's pending work. Interrupts stay masked at EL2; any pending
 * physical one (the host's or PPI 26) ends the WFI, and the host then
 * takes its own. CNTHP is used only here and inside vcpu_run
 * (host_timer_proxy()), never both at once.
 */
void host_wfi(void)
{
	u64 rm_due = __atomic_load_n(&rm_next_deadline, __ATOMIC_RELAXED);
	u32 enabled = 0;
	u64 next;

	if (__atomic_load_n(&vcpu_next_deadline, __ATOMIC_RELAXED) == ~0UL &&
	    rm_due == ~0UL) {
		dsb(sy);
		asm volatile("wfi" : : : "memory");
		return;
	}
	spin_lock(&hyp_lock);
	next = MIN(wake_due_vcpus(), rm_due);
	spin_unlock(&hyp_lock);
	if (next != ~0UL && !gic_have_rd())
		return;		/* no timer: the host polls by its WFIs */
	if (next != ~0UL) {
		enabled = gic_ppi_enabled() & BIT(GIC_PPI_HYP_TIMER);
		gic_ppi_set(BIT(GIC_PPI_HYP_TIMER), 0);
		write_sysreg(next, cnthp_cval_el2);
		write_sysreg(1, cnthp_ctl_el2);
		isb();
	}
	dsb(sy);
	asm volatile("wfi" : : : "memory");
	if (next == ~0UL)
		return;
	/* PPI 26's level drops before the host runs again. */
	write_sysreg(0, cnthp_ctl_el2);
	isb();
	if (!enabled)
		gic_ppi_set(0, BIT(GIC_PPI_HYP_TIMER));
	spin_lock(&hyp_lock);
	wake_due_vcpus();
	spin_unlock(&hyp_lock);
	rm_poll_due();
}

/*
 * The VM-exited flag: the VM has exited, or this vCPU was killed by a
 * halt (its thread exits) while the RM still halts the VM.
 */
static u64 powered_off_flags(const struct vcpu *v)
{
	return v->vm->state == VM_STATE_EXITED || v->killed ?
	       VCPU_POWERED_OFF_VM_EXITED : 0;
}

static void powered_off(const struct vcpu *v, struct run_result *r)
{
	r->state = VCPU_STATE_POWERED_OFF;
	r->data[0] = powered_off_flags(v);
}

void plat_vcpu_run(u64 *regs)
{
	unsigned int cpu = this_cpu();
	struct host_save *h = &host_save[cpu];
	unsigned int nr_lr = nr_lrs(), el2_irqs = 0;
	struct run_result r = { 0 };
	u64 lr[VGIC_MAX_LRS];
	struct vcpu *v;
	int err, state;

	spin_lock(&hyp_lock);
	v = host_cap_vcpu(regs[1], &err);
	if (!v) {
		spin_unlock(&hyp_lock);
		regs[0] = (u64)(s64)err;
		return;
	}
	/*
	 * Run elsewhere, or held by the RM while it halts the VM (Gunyah:
	 * the RM runs the killed vCPUs itself until they exit).
	 */
	if (v->running_on >= 0 || v->vm->state == VM_STATE_HALTING) {
		spin_unlock(&hyp_lock);
		regs[0] = GH_ERROR_BUSY;
		return;
	}
	/* Started or CPU_ON'd since it last ran: fresh context. */
	vcpu_take_reset(v);
	/* Finish an MMIO read with the host's value (resume0). */
	if (v->mmio_read) {
		if (v->mmio_rt != 31)
			v->ctx.x[v->mmio_rt] = vm_mmio_extend(regs[2],
				v->mmio_size, v->mmio_sse, v->mmio_sf);
		v->ctx.pc += v->mmio_len;
		v->mmio_read = false;
	}
	if (!v->on) {
		powered_off(v, &r);
		spin_unlock(&hyp_lock);
		goto out;
	}
	v->running_on = cpu;
	v->vm->nr_running++;
	v->sleeping = false;
	spin_unlock(&hyp_lock);

	h->elr_el2 = read_sysreg(elr_el2);
	h->spsr_el2 = read_sysreg(spsr_el2);
	sysregs_save(h->sys);
	fpsimd_save(h->v, &h->fpsr);
	sysregs_load(v->ctx.sys);
	fpsimd_load(v->ctx.v, &v->ctx.fpsr);
	gic_vcpu_load(v, h);
	gic_kick_enable(true);
	host_timer_proxy(h, true);

	for (;;) {
		u32 intid = GIC_SPURIOUS;
		u64 kind, ich_hcr;

		spin_lock(&hyp_lock);
		/* Stopped (or CPU_OFF'd, reset) by someone else meanwhile? */
		if (!v->on) {
			spin_unlock(&hyp_lock);
			powered_off(v, &r);
			break;
		}
		/* The timer's deadline may have passed while it slept. */
		vtimer_sync(v, h);
		ich_hcr = vgic_flush_lrs(v, lr, nr_lr);
		spin_unlock(&hyp_lock);
		lrs_load(lr, nr_lr);
		write_sysreg(ich_hcr | ICH_HCR_EN, ICH_HCR_EL2);
		el2_enter_guest(v, h);
		kind = __guest_enter(&v->ctx);
		/* Peek only: a host interrupt is never acknowledged here. */
		if (kind == EXIT_IRQ)
			intid = read_sysreg(ICC_HPPIR1_EL1) & 0xffffff;
		lrs_save_clear(lr, nr_lr);
		v->ich_vmcr = read_sysreg(ICH_VMCR_EL2);
		write_sysreg(0, ICH_HCR_EL2);
		el2_leave_guest(v, h);
		spin_lock(&hyp_lock);
		vgic_sync_lrs(v, lr, nr_lr);
		vtimer_sync(v, h);
		spin_unlock(&hyp_lock);
		r = (struct run_result){ 0 };
		state = handle_exit(v, h, kind, intid, &r);
		if (state < 0 && kind != EXIT_IRQ)
			el2_irqs = 0;
		/* Ours (maintenance, timer, kick) resume the guest; bounded. */
		if (state < 0 && kind == EXIT_IRQ &&
		    ++el2_irqs >= MAX_EL2_IRQS)
			state = VCPU_STATE_READY;
		if (state < 0)
			continue;
		r.state = state;
		/* Stopped or reset meanwhile: report that, not the exit. */
		if (!__atomic_load_n(&v->on, __ATOMIC_ACQUIRE) &&
		    (state == VCPU_STATE_READY ||
		     state == VCPU_STATE_EXPECTS_WAKEUP ||
		     state == VCPU_STATE_VMMIO_READ ||
		     state == VCPU_STATE_VMMIO_WRITE ||
		     state == VCPU_STATE_FAULT)) {
			v->mmio_read = false;
			r = (struct run_result){ 0 };
			powered_off(v, &r);
		}
		break;
	}

	host_timer_proxy(h, false);
	fpsimd_save(v->ctx.v, &v->ctx.fpsr);
	sysregs_save(v->ctx.sys);
	gic_vcpu_put(v, h);
	gic_kick_enable(false);
	sysregs_load(h->sys);
	fpsimd_load(h->v, &h->fpsr);
	write_sysreg(h->elr_el2, elr_el2);
	write_sysreg(h->spsr_el2, spsr_el2);

	spin_lock(&hyp_lock);
	if (r.state == VCPU_STATE_POWERED_OFF)
		r.data[0] = powered_off_flags(v);
	/* A WFI overtaken by a stop: no wakeup at its deadline. */
	if (r.state != VCPU_STATE_EXPECTS_WAKEUP)
		v->sleeping = false;
	vm_vcpu_put(v);
	wake_due_vcpus();
	spin_unlock(&hyp_lock);
out:
	regs[0] = GH_ERROR_OK;
	regs[1] = r.state;
	regs[2] = r.data[0];
	regs[3] = r.data[1];
	regs[4] = r.data[2];
}
