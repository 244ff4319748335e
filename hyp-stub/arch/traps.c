// SPDX-License-Identifier: GPL-2.0-only
/*
 * Synchronous exceptions from the host: SMCCC calls (HVC #0 and trapped
 * SMC #0), stage-2 aborts, WFI (idle, see host_wfi()) and anything else.
 * Each is also a chance for the RM to run its due work (rm_poll_due()).
 * Every input ends in a result or an exception injected into the host,
 * like pKVM does: never a stub panic.
 */
#include "arm64.h"
#include "gunyah.h"
#include "hyp.h"
#include "hypercall.h"
#include "vcpu.h"

#define PSCI_RANGE_BASE		0x84000000U	/* standard service: PSCI */
#define PSCI_RANGE_SIZE		0x20

#define HPFAR_FIPA_MASK		0x00000ffffffffff0UL

static void smccc_arch_call(u64 *x, u32 fid)
{
	u32 query = (u32)x[1];

	switch (fid) {
	case SMCCC_VERSION:
		x[0] = SMCCC_VERSION_1_1;
		break;
	case SMCCC_ARCH_FEATURES:
		/* No firmware workarounds are offered. */
		x[0] = (query == SMCCC_VERSION || query == SMCCC_ARCH_FEATURES) ?
		       SMCCC_RET_SUCCESS : (u64)SMCCC_RET_NOT_SUPPORTED;
		break;
	default:
		x[0] = (u64)SMCCC_RET_NOT_SUPPORTED;
	}
}

/* Both conduits behave the same: Linux probes the UID over its PSCI conduit. */
static void smccc_call(struct host_regs *regs)
{
	u32 fid = (u32)regs->x[0];

	if (!(fid & SMCCC_FAST_CALL)) {
		regs->x[0] = (u64)SMCCC_RET_NOT_SUPPORTED;
		return;
	}
	switch (SMCCC_OWNER(fid)) {
	case SMCCC_OWNER_ARCH:
		smccc_arch_call(regs->x, fid);
		break;
	case SMCCC_OWNER_STANDARD:
		if (((fid & ~SMCCC_64) - PSCI_RANGE_BASE) < PSCI_RANGE_SIZE)
			psci_call(regs, fid);
		else
			regs->x[0] = (u64)SMCCC_RET_NOT_SUPPORTED;
		break;
	case SMCCC_OWNER_VENDOR_HYP:
		gh_vendor_hyp_call(regs->x);
		break;
	default:
		regs->x[0] = (u64)SMCCC_RET_NOT_SUPPORTED;
	}
}

/* Make the host take a synchronous exception at EL1, as the CPU would. */
static void inject_sync(u64 esr, bool set_far, u64 far)
{
	u64 spsr = read_sysreg(spsr_el2);
	u64 sctlr = read_sysreg(sctlr_el1);
	u64 mmfr1 = read_sysreg(id_aa64mmfr1_el1);
	u64 pfr1 = read_sysreg(id_aa64pfr1_el1);
	u64 pstate = PSR_MODE_EL1h | PSR_DAIF | (spsr & BIT(24) /* DIT */);

	if (ID_FIELD(mmfr1, 20)) {		/* FEAT_PAN */
		pstate |= spsr & PSR_PAN;
		if (!(sctlr & SCTLR_EL1_SPAN))
			pstate |= PSR_PAN;
	}
	if (ID_FIELD(pfr1, 4) && (sctlr & SCTLR_EL1_DSSBS))	/* FEAT_SSBS */
		pstate |= PSR_SSBS;
	if (ID_FIELD(pfr1, 8))			/* FEAT_MTE */
		pstate |= PSR_TCO;

	write_sysreg(read_sysreg(elr_el2), elr_el1);
	write_sysreg(spsr, spsr_el1);
	write_sysreg(esr, esr_el1);
	if (set_far)
		write_sysreg(far, far_el1);
	write_sysreg(read_sysreg(vbar_el1) + el1_vector_offset(spsr), elr_el2);
	write_sysreg(pstate, spsr_el2);
}

static bool from_el0(u64 spsr)
{
	return (spsr & PSR_MODE32) || (spsr & 0xf) == PSR_MODE_EL0t;
}

/* A synchronous external abort, as for a bus error at that address. */
static void inject_abort(u64 esr_el2)
{
	bool iabt = ESR_EC(esr_el2) == ESR_EC_IABT_LOW;
	bool el0 = from_el0(read_sysreg(spsr_el2));
	u64 ec = iabt ? (el0 ? ESR_EC_IABT_LOW : ESR_EC_IABT_CUR) :
			(el0 ? ESR_EC_DABT_LOW : ESR_EC_DABT_CUR);

	inject_sync((ec << ESR_EC_SHIFT) | (esr_el2 & ESR_IL) | ESR_FSC_EXTABT,
		    true, read_sysreg(far_el2));
}

static void inject_undef(u64 esr_el2)
{
	inject_sync((ESR_EC_UNKNOWN << ESR_EC_SHIFT) | (esr_el2 & ESR_IL),
		    false, 0);
}

/*
 * A stage-2 fault. Translation and access-flag faults can be spurious: a
 * break-before-make on another CPU briefly invalidated the entry. If the
 * page is mapped now, let the host retry; otherwise the access targets
 * memory the host does not own (the stub, a lent page, nothing): abort it.
 */
static unsigned int nr_host_aborts;

static void host_abort(u64 esr)
{
	u64 fsc = ESR_FSC(esr), ipa;
	struct pgt_leaf leaf;

	if (esr_fsc_is_translation(fsc) || esr_fsc_is_access_flag(fsc)) {
		ipa = (read_sysreg(hpfar_el2) & HPFAR_FIPA_MASK) << 8;
		spin_lock(&hyp_lock);
		leaf = pgt_lookup(&host_s2, ipa);
		spin_unlock(&hyp_lock);
		if (leaf.size && pgt_leaf_valid(&leaf))
			return;
	}
	/* Named in the log, but a hostile host must not flood it. */
	if (__atomic_fetch_add(&nr_host_aborts, 1, __ATOMIC_RELAXED) < 8)
		pr("host stage-2 abort: ESR %#lx IPA %#lx FAR %#lx",
		   esr, (read_sysreg(hpfar_el2) & HPFAR_FIPA_MASK) << 8,
		   read_sysreg(far_el2));
	inject_abort(esr);
}

void handle_host_sync(struct host_regs *regs)
{
	u64 esr = read_sysreg(esr_el2);

	/* The RM has no thread: what it finishes later happens here. */
	rm_poll_due();

	switch (ESR_EC(esr)) {
	case ESR_EC_SMC64:
		/* ELR points at the trapped SMC: resume after it. */
		write_sysreg(read_sysreg(elr_el2) + 4, elr_el2);
		fallthrough;
	case ESR_EC_HVC64:
		if (esr & 0xffff)	/* SMCCC calls use immediate 0 */
			regs->x[0] = (u64)SMCCC_RET_NOT_SUPPORTED;
		else
			smccc_call(regs);
		break;
	case ESR_EC_IABT_LOW:
	case ESR_EC_DABT_LOW:
		host_abort(esr);
		break;
	case ESR_EC_WFX:
		/* WFI (TI 0) waits; WFIT may complete early, WFE never traps. */
		if ((esr & 3) == 0)
			host_wfi();
		write_sysreg(read_sysreg(elr_el2) + ((esr & ESR_IL) ? 4 : 2),
			     elr_el2);
		break;
	default:
		inject_undef(esr);
	}
}
