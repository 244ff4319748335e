/* SPDX-License-Identifier: GPL-2.0-only */
/* AArch64 system registers, barriers and register fields used at EL2. */
#ifndef HYP_ARM64_H
#define HYP_ARM64_H

#include "types.h"

#define __stringify_1(x)	#x
#define __stringify(x)		__stringify_1(x)

/* @r may be a name or one of the encodings below (expanded first). */
#define read_sysreg(r) ({						\
	u64 __v;							\
	asm volatile("mrs %0, " __stringify(r) : "=r"(__v));		\
	__v;								\
})
#define write_sysreg(v, r)						\
	asm volatile("msr " __stringify(r) ", %x0" : : "rZ"((u64)(v)))

#define isb()		asm volatile("isb" : : : "memory")
#define dsb(opt)	asm volatile("dsb " #opt : : : "memory")

/* Registers newer than ARMv8.0, by encoding (the assembler may not know them) */
#define ID_AA64ISAR2_EL1	s3_0_c0_c6_2
#define ID_AA64SMFR0_EL1	s3_0_c0_c4_5
#define ZCR_EL2			s3_4_c1_c2_0
#define SMCR_EL2		s3_4_c1_c2_6
#define HCRX_EL2		s3_4_c1_c2_2
#define HFGRTR_EL2		s3_4_c1_c1_4
#define HFGWTR_EL2		s3_4_c1_c1_5
#define HFGITR_EL2		s3_4_c1_c1_6
#define HDFGRTR_EL2		s3_4_c3_c1_4
#define HDFGWTR_EL2		s3_4_c3_c1_5
#define ICC_SRE_EL2		s3_4_c12_c9_5
#define ICH_HCR_EL2		s3_4_c12_c11_0
#define ICH_VTR_EL2		s3_4_c12_c11_1
#define ICH_MISR_EL2		s3_4_c12_c11_2
#define ICH_VMCR_EL2		s3_4_c12_c11_7
#define ICC_HPPIR1_EL1		s3_0_c12_c12_2

/* 4-bit ID register field */
#define ID_FIELD(reg, shift)	(((reg) >> (shift)) & 0xf)

/* ESR_ELx */
#define ESR_EC_SHIFT		26
#define ESR_EC(esr)		(((esr) >> ESR_EC_SHIFT) & 0x3f)
#define ESR_IL			BIT(25)
#define ESR_ISS_MASK		0x1ffffffUL
#define ESR_EC_UNKNOWN		0x00
#define ESR_EC_WFX		0x01
#define ESR_EC_HVC64		0x16
#define ESR_EC_SMC64		0x17
#define ESR_EC_IABT_LOW		0x20
#define ESR_EC_IABT_CUR		0x21
#define ESR_EC_DABT_LOW		0x24
#define ESR_EC_DABT_CUR		0x25
#define ESR_FSC(esr)		((esr) & 0x3f)
#define ESR_FSC_EXTABT		0x10

/* Translation fault at any level, incl. level -1 of FEAT_LPA2 (0x2b). */
static inline bool esr_fsc_is_translation(u64 fsc)
{
	return (fsc & 0x3c) == 0x04 || fsc == 0x2b;
}

static inline bool esr_fsc_is_access_flag(u64 fsc)
{
	return (fsc & 0x3c) == 0x08;
}
#define ESR_S1PTW		BIT(7)	/* in data and instruction abort ISS */

/* PSTATE / SPSR_ELx */
#define PSR_MODE_MASK		0x1f	/* M[4] set: AArch32 */
#define PSR_MODE_EL0t		0x0
#define PSR_MODE_EL1t		0x4
#define PSR_MODE_EL1h		0x5
#define PSR_MODE32		0x10
#define PSR_F			BIT(6)
#define PSR_I			BIT(7)
#define PSR_A			BIT(8)
#define PSR_D			BIT(9)
#define PSR_DAIF		(PSR_D | PSR_A | PSR_I | PSR_F)
#define PSR_SSBS		BIT(12)
#define PSR_BTYPE_MASK		(3UL << 10)
#define PSR_SS			BIT(21)
#define PSR_PAN			BIT(22)
#define PSR_UAO			BIT(23)
#define PSR_TCO			BIT(25)

/* HCR_EL2 */
#define HCR_VM			BIT(0)
#define HCR_SWIO		BIT(1)
#define HCR_PTW			BIT(2)
#define HCR_FB			BIT(9)
#define HCR_TWI			BIT(13)
#define HCR_BSU_IS		(1UL << 10)
#define HCR_TSC			BIT(19)
#define HCR_RW			BIT(31)
#define HCR_APK			BIT(40)
#define HCR_API			BIT(41)
#define HCR_ATA			BIT(56)

/* SCTLR_EL2 (non-VHE) and SCTLR_EL1 */
#define SCTLR_EL2_RES1		0x30c50830UL
#define SCTLR_M			BIT(0)
#define SCTLR_C			BIT(2)
#define SCTLR_SA		BIT(3)
#define SCTLR_I			BIT(12)
#define SCTLR_WXN		BIT(19)
#define SCTLR_EL1_RES1		0x30d00800UL	/* ARMv8.0 RES1 bits, MMU off */
#define SCTLR_EL1_SPAN		BIT(23)
#define SCTLR_EL1_DSSBS		BIT(44)

/* CPTR_EL2 (non-VHE): RES1 bits only, so nothing is trapped */
#define CPTR_EL2_RES1		0x22ffUL

/* CNTHCTL_EL2 (non-VHE) */
#define CNTHCTL_EL1PCTEN	BIT(0)
#define CNTHCTL_EL1PCEN		BIT(1)

/* MDCR_EL2 */
#define MDCR_HPMN_MASK		0x1fUL
#define MDCR_HPMD		BIT(17)
#define MDCR_E2PB_SHIFT		12
#define MDCR_E2TB_SHIFT		24

/* ICC_SRE_EL2 */
#define ICC_SRE_SRE		BIT(0)
#define ICC_SRE_ENABLE		BIT(3)

/* PAR_EL1 */
#define PAR_F			BIT(0)
#define PAR_PA_MASK		0x0000fffffffff000UL

/* MPIDR affinity fields Aff3..Aff0 */
#define MPIDR_HWID_MASK		0xff00ffffffUL

/* ID_AA64MMFR0_EL1.PARange encodings to bits */
#define PARANGE_BITS		{ 32, 36, 40, 42, 44, 48, 52 }

/* Offset in VBAR_EL1 of a synchronous exception taken from @spsr's mode. */
static inline u64 el1_vector_offset(u64 spsr)
{
	if (spsr & PSR_MODE32)
		return 0x600;
	switch (spsr & 0xf) {
	case PSR_MODE_EL0t:
		return 0x400;
	case PSR_MODE_EL1t:
		return 0x000;
	default:
		return 0x200;
	}
}

#endif
