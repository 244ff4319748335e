// SPDX-License-Identifier: GPL-2.0-only
/*
 * vcpu_run: the host's thread donates its physical CPU to a guest vCPU until
 * something needs the host (gunyah-abi.md §2). The host's EL1 state is saved
 * on entry and restored exactly before every return; the guest runs behind
 * its own stage-2 with physical interrupts routed to EL2 (IMO/FMO), WFI and
 * SMC trapped, and everything it must not touch trapped and emulated
 * (RAZ/WI) or refused (UNDEF). No guest action can crash the stub.
 */
#include <string.h>
#include "arm64.h"
#include "gunyah.h"
#include "hyp.h"
#include "hypercall.h"
#include "mem.h"
#include "vcpu.h"

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
#define HCR_TWI		BIT(13)
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

#define ICH_HCR_TC	BIT(10)
#define ICH_HCR_TALL0	BIT(11)
#define ICH_HCR_TALL1	BIT(12)
#define ICH_HCR_TDIR	BIT(14)

#define HPFAR_FIPA_MASK	0x00000ffffffffff0UL

#define ESR_EC_WFX	0x01
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
 * vcpu_run returns READY in time.
 */
static void host_timer_proxy(const struct host_save *h, bool on)
{
	u64 ctl = h->sys[SR_CNTV_CTL];

	if (on && (ctl & 3) == 1 && gic_enable_hyp_timer_ppi()) {
		write_sysreg(h->sys[SR_CNTV_CVAL], cnthp_cval_el2);
		write_sysreg(1, cnthp_ctl_el2);
	} else {
		write_sysreg(0, cnthp_ctl_el2);
	}
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
	/* No vGIC yet: every GIC CPU interface access traps. */
	write_sysreg(ICH_HCR_TC | ICH_HCR_TALL0 | ICH_HCR_TALL1 | ICH_HCR_TDIR,
		     ICH_HCR_EL2);
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
	write_sysreg(0, ICH_HCR_EL2);
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

/* A trapped MSR/MRS: GIC registers UNDEF, everything else RAZ/WI. */
static void guest_sysreg(struct vcpu *v, u64 esr)
{
	unsigned int rt = (esr >> 5) & 0x1f;

	if (is_icc(esr)) {
		guest_inject_undef(v, esr);
		return;
	}
	if ((esr & 1) && rt != 31)
		v->ctx.x[rt] = 0;
	v->ctx.pc += insn_len(esr);
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

/* A data abort: MMIO if it has a syndrome and hits no parcel, else FAULT. */
static int guest_dabt(struct vcpu *v, u64 esr, struct run_result *r)
{
	u64 fsc = ESR_FSC(esr);
	u64 ipa = ((read_sysreg(hpfar_el2) & HPFAR_FIPA_MASK) << 8) |
		  (read_sysreg(far_el2) & 0xfff);
	struct mmio_access a;
	bool xlat = (fsc & 0x3c) == 0x04;

	if ((!xlat && ipa >= VM_MMIO_WINDOW_END) || !vm_mmio_decode(esr, &a))
		return VCPU_STATE_FAULT;
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

/* -1: resume the guest; otherwise the state for the host. */
static int handle_exit(struct vcpu *v, u64 kind, struct run_result *r)
{
	u64 esr = read_sysreg(esr_el2);

	if (kind == EXIT_IRQ || kind == EXIT_FIQ)
		return VCPU_STATE_READY;
	if (kind != EXIT_SYNC)
		return VCPU_STATE_FAULT;
	switch (ESR_EC(esr)) {
	case ESR_EC_WFX:
		v->ctx.pc += insn_len(esr);
		if (esr & 1)		/* WFE: not trapped, but harmless */
			return -1;
		r->data[0] = 0;
		r->data[1] = VCPU_SLEEP_WFI;
		return VCPU_STATE_EXPECTS_WAKEUP;
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

static void powered_off(const struct vcpu *v, struct run_result *r)
{
	r->state = VCPU_STATE_POWERED_OFF;
	r->data[0] = v->vm->state == VM_STATE_EXITED ?
		     VCPU_POWERED_OFF_VM_EXITED : 0;
}

void plat_vcpu_run(u64 *regs)
{
	unsigned int cpu = this_cpu();
	struct host_save *h = &host_save[cpu];
	struct run_result r = { 0 };
	struct vcpu *v;
	int err, state;

	spin_lock(&hyp_lock);
	v = host_cap_vcpu(regs[1], &err);
	if (!v) {
		spin_unlock(&hyp_lock);
		regs[0] = (u64)(s64)err;
		return;
	}
	if (v->running_on >= 0) {
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
	spin_unlock(&hyp_lock);

	h->elr_el2 = read_sysreg(elr_el2);
	h->spsr_el2 = read_sysreg(spsr_el2);
	sysregs_save(h->sys);
	fpsimd_save(h->v, &h->fpsr);
	sysregs_load(v->ctx.sys);
	fpsimd_load(v->ctx.v, &v->ctx.fpsr);
	host_timer_proxy(h, true);

	for (;;) {
		u64 kind;

		/* Stopped (or CPU_OFF'd, reset) by someone else meanwhile? */
		if (!__atomic_load_n(&v->on, __ATOMIC_ACQUIRE)) {
			powered_off(v, &r);
			break;
		}
		el2_enter_guest(v, h);
		kind = __guest_enter(&v->ctx);
		el2_leave_guest(v, h);
		r = (struct run_result){ 0 };
		state = handle_exit(v, kind, &r);
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
	sysregs_load(h->sys);
	fpsimd_load(h->v, &h->fpsr);
	write_sysreg(h->elr_el2, elr_el2);
	write_sysreg(h->spsr_el2, spsr_el2);

	spin_lock(&hyp_lock);
	if (r.state == VCPU_STATE_POWERED_OFF)
		r.data[0] = v->vm->state == VM_STATE_EXITED ?
			    VCPU_POWERED_OFF_VM_EXITED : 0;
	vm_vcpu_put(v);
	spin_unlock(&hyp_lock);
out:
	regs[0] = GH_ERROR_OK;
	regs[1] = r.state;
	regs[2] = r.data[0];
	regs[3] = r.data[1];
	regs[4] = r.data[2];
}
