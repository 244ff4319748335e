/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Entering and leaving a guest vCPU (arch/vcpu.c). While a guest runs,
 * VBAR_EL2 points at guest_vectors: every exception from the guest saves
 * its x0-x30 into the vCPU context and returns from __guest_enter() with
 * the kind of exception (0 sync, 1 IRQ, 2 FIQ, 3 SError).
 * FP/SIMD helpers for the eager switch live here too (EL2 C code is built
 * with -mgeneral-regs-only and never touches these registers).
 */
#include "asm.h"

.macro	gexit code
	.balign	0x80
	stp	x0, x1, [sp, #-16]!
	mov	x0, #\code
	b	__guest_exit
.endm

	.text
	.balign	0x800
ENTRY(guest_vectors)
	el2_vfault	0		/* current EL: a stub bug, as in el2_vectors */
	el2_vfault	1
	el2_vfault	2
	el2_vfault	3
	el2_vfault	4
	el2_vfault	5
	el2_vfault	6
	el2_vfault	7
	gexit	0		/* lower EL, AArch64 */
	gexit	1
	gexit	2
	gexit	3
	gexit	0		/* lower EL, AArch32 (a guest's EL0 only) */
	gexit	1
	gexit	2
	gexit	3
END(guest_vectors)

/* u64 __guest_enter(struct vcpu_ctx *ctx): ELR/SPSR_EL2 already set. */
ENTRY(__guest_enter)
	stp	x29, x30, [sp, #-16]!
	stp	x27, x28, [sp, #-16]!
	stp	x25, x26, [sp, #-16]!
	stp	x23, x24, [sp, #-16]!
	stp	x21, x22, [sp, #-16]!
	stp	x19, x20, [sp, #-16]!
	stp	x0, xzr, [sp, #-16]!		/* ctx, found again on exit */
	ldp	x2, x3, [x0, #16 * 1]
	ldp	x4, x5, [x0, #16 * 2]
	ldp	x6, x7, [x0, #16 * 3]
	ldp	x8, x9, [x0, #16 * 4]
	ldp	x10, x11, [x0, #16 * 5]
	ldp	x12, x13, [x0, #16 * 6]
	ldp	x14, x15, [x0, #16 * 7]
	ldp	x16, x17, [x0, #16 * 8]
	ldp	x18, x19, [x0, #16 * 9]
	ldp	x20, x21, [x0, #16 * 10]
	ldp	x22, x23, [x0, #16 * 11]
	ldp	x24, x25, [x0, #16 * 12]
	ldp	x26, x27, [x0, #16 * 13]
	ldp	x28, x29, [x0, #16 * 14]
	ldr	x30, [x0, #16 * 15]
	ldp	x0, x1, [x0]
	eret
	dsb	nsh
	isb
END(__guest_enter)

/* x0 = exit kind; the guest's x0, x1 on the stack, then the ctx pointer. */
ENTRY(__guest_exit)
	ldr	x1, [sp, #16]
	stp	x2, x3, [x1, #16 * 1]
	stp	x4, x5, [x1, #16 * 2]
	stp	x6, x7, [x1, #16 * 3]
	stp	x8, x9, [x1, #16 * 4]
	stp	x10, x11, [x1, #16 * 5]
	stp	x12, x13, [x1, #16 * 6]
	stp	x14, x15, [x1, #16 * 7]
	stp	x16, x17, [x1, #16 * 8]
	stp	x18, x19, [x1, #16 * 9]
	stp	x20, x21, [x1, #16 * 10]
	stp	x22, x23, [x1, #16 * 11]
	stp	x24, x25, [x1, #16 * 12]
	stp	x26, x27, [x1, #16 * 13]
	stp	x28, x29, [x1, #16 * 14]
	str	x30, [x1, #16 * 15]
	ldp	x2, x3, [sp], #16
	stp	x2, x3, [x1]
	add	sp, sp, #16
	ldp	x19, x20, [sp], #16
	ldp	x21, x22, [sp], #16
	ldp	x23, x24, [sp], #16
	ldp	x25, x26, [sp], #16
	ldp	x27, x28, [sp], #16
	ldp	x29, x30, [sp], #16
	ret
END(__guest_exit)

/* fpsimd_save(u64 v[64], u64 *fpsr_fpcr) / fpsimd_load(same) */
ENTRY(fpsimd_save)
	stp	q0, q1, [x0, #32 * 0]
	stp	q2, q3, [x0, #32 * 1]
	stp	q4, q5, [x0, #32 * 2]
	stp	q6, q7, [x0, #32 * 3]
	stp	q8, q9, [x0, #32 * 4]
	stp	q10, q11, [x0, #32 * 5]
	stp	q12, q13, [x0, #32 * 6]
	stp	q14, q15, [x0, #32 * 7]
	stp	q16, q17, [x0, #32 * 8]
	stp	q18, q19, [x0, #32 * 9]
	stp	q20, q21, [x0, #32 * 10]
	stp	q22, q23, [x0, #32 * 11]
	stp	q24, q25, [x0, #32 * 12]
	stp	q26, q27, [x0, #32 * 13]
	stp	q28, q29, [x0, #32 * 14]
	stp	q30, q31, [x0, #32 * 15]
	mrs	x2, fpsr
	mrs	x3, fpcr
	stp	x2, x3, [x1]
	ret
END(fpsimd_save)

ENTRY(fpsimd_load)
	ldp	q0, q1, [x0, #32 * 0]
	ldp	q2, q3, [x0, #32 * 1]
	ldp	q4, q5, [x0, #32 * 2]
	ldp	q6, q7, [x0, #32 * 3]
	ldp	q8, q9, [x0, #32 * 4]
	ldp	q10, q11, [x0, #32 * 5]
	ldp	q12, q13, [x0, #32 * 6]
	ldp	q14, q15, [x0, #32 * 7]
	ldp	q16, q17, [x0, #32 * 8]
	ldp	q18, q19, [x0, #32 * 9]
	ldp	q20, q21, [x0, #32 * 10]
	ldp	q22, q23, [x0, #32 * 11]
	ldp	q24, q25, [x0, #32 * 12]
	ldp	q26, q27, [x0, #32 * 13]
	ldp	q28, q29, [x0, #32 * 14]
	ldp	q30, q31, [x0, #32 * 15]
	ldp	x2, x3, [x1]
	msr	fpsr, x2
	msr	fpcr, x3
	ret
END(fpsimd_load)
