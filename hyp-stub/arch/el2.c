// SPDX-License-Identifier: GPL-2.0-only
/*
 * Per-CPU EL2 configuration for running the host at EL1: stage-2 on, SMC
 * trapped, and everything else (FP/SVE/SME, PMU, debug, timers, GIC CPU
 * interface, pointer authentication, MTE) handed to the host untrapped.
 */
#include "arm64.h"
#include "hyp.h"

static u64 host_hcr(void)
{
	u64 isar1 = read_sysreg(id_aa64isar1_el1);
	u64 isar2 = read_sysreg(ID_AA64ISAR2_EL1);
	u64 pfr1 = read_sysreg(id_aa64pfr1_el1);
	/*
	 * IMO/FMO/AMO stay clear: the host takes its own physical interrupts
	 * and SErrors. FB/BSU broadcast its TLB and barrier operations; PTW
	 * faults stage-1 walks that hit device memory. TWI: an idle host CPU
	 * waits at EL2 instead (host_wfi()), where the stub can arm its own
	 * timer for the deadlines of vCPUs sleeping in WFI; WFE stays free.
	 */
	u64 hcr = HCR_VM | HCR_SWIO | HCR_PTW | HCR_FB | HCR_BSU_IS |
		  HCR_TSC | HCR_RW | HCR_TWI;

	/* APA, API, GPA, GPI; APA3, GPA3: pointer authentication present */
	if (ID_FIELD(isar1, 4) || ID_FIELD(isar1, 8) ||
	    ID_FIELD(isar1, 24) || ID_FIELD(isar1, 28) ||
	    ID_FIELD(isar2, 8) || ID_FIELD(isar2, 12))
		hcr |= HCR_API | HCR_APK;
	/* MTE2 or later: allocation tag access must not trap */
	if (ID_FIELD(pfr1, 8) >= 2)
		hcr |= HCR_ATA;
	return hcr;
}

static void init_fp_sve_sme(void)
{
	u64 pfr0 = read_sysreg(id_aa64pfr0_el1);
	u64 pfr1 = read_sysreg(id_aa64pfr1_el1);
	u64 smcr;

	write_sysreg(CPTR_EL2_RES1, cptr_el2);
	isb();
	/* Do not cap the host's vector lengths. */
	if (ID_FIELD(pfr0, 32))
		write_sysreg(0xf, ZCR_EL2);
	if (ID_FIELD(pfr1, 24)) {
		smcr = 0xf;
		if (read_sysreg(ID_AA64SMFR0_EL1) & BIT(63))
			smcr |= BIT(31);	/* FA64 */
		write_sysreg(smcr, SMCR_EL2);
	}
}

static void init_debug_pmu(void)
{
	u64 dfr0 = read_sysreg(id_aa64dfr0_el1);
	unsigned int pmuver = ID_FIELD(dfr0, 8);
	u64 mdcr = 0;

	/* All event counters to the host, none reserved for EL2. */
	if (pmuver && pmuver != 0xf)
		mdcr |= (read_sysreg(pmcr_el0) >> 11) & MDCR_HPMN_MASK;
	/* PMUv3p1: the host's counters must not count EL2 activity. */
	if (pmuver >= 4 && pmuver != 0xf)
		mdcr |= MDCR_HPMD;
	/* Statistical profiling and trace buffers owned by EL1, if present. */
	if (ID_FIELD(dfr0, 32))
		mdcr |= 3UL << MDCR_E2PB_SHIFT;
	if (ID_FIELD(dfr0, 44))
		mdcr |= 3UL << MDCR_E2TB_SHIFT;
	write_sysreg(mdcr, mdcr_el2);
}

void cpu_init_el2(unsigned int cpu)
{
	write_sysreg(cpu, tpidr_el2);
	init_fp_sve_sme();
	init_debug_pmu();
	/* FEAT_HCX: its reset value is UNKNOWN; no extra traps or enables. */
	if (ID_FIELD(read_sysreg(id_aa64mmfr1_el1), 40))
		write_sysreg(0, HCRX_EL2);

	/* Physical counter and timer for the host, no virtual offset. */
	write_sysreg(CNTHCTL_EL1PCTEN | CNTHCTL_EL1PCEN, cnthctl_el2);
	write_sysreg(0, cntvoff_el2);
	write_sysreg(0, cnthp_ctl_el2);

	/* The host drives the physical GICv3 CPU interface. */
	write_sysreg(read_sysreg(ICC_SRE_EL2) | ICC_SRE_SRE | ICC_SRE_ENABLE,
		     ICC_SRE_EL2);
	isb();
	write_sysreg(0, ICH_HCR_EL2);

	write_sysreg(read_sysreg(midr_el1), vpidr_el2);
	write_sysreg(read_sysreg(mpidr_el1), vmpidr_el2);
	write_sysreg(0, hstr_el2);
	write_sysreg(SCTLR_EL1_RES1, sctlr_el1);

	cpu_init_stage2();
	write_sysreg(host_hcr(), hcr_el2);
	isb();
}
