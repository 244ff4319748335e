/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * EL2 exception vectors. Only synchronous exceptions from the host (lower
 * EL, AArch64) are expected: the host owns IRQ, FIQ and SError (HCR_EL2.IMO,
 * FMO, AMO clear). Anything else is a stub bug and ends in el2_fault().
 */
#include "asm.h"

#define HOST_REGS_SIZE	(32 * 8)	/* struct host_regs */

	.text
	.balign	0x800
ENTRY(el2_vectors)
	el2_vfault	0		/* current EL, SP_EL0: sync, irq, fiq, serror */
	el2_vfault	1
	el2_vfault	2
	el2_vfault	3
	el2_vfault	4		/* current EL, SP_EL2 */
	el2_vfault	5
	el2_vfault	6
	el2_vfault	7
	.balign	0x80		/* lower EL, AArch64: sync */
	b	host_sync
	el2_vfault	9
	el2_vfault	10
	el2_vfault	11
	el2_vfault	12		/* lower EL, AArch32 */
	el2_vfault	13
	el2_vfault	14
	el2_vfault	15
END(el2_vectors)

/* Save the host's x0-x30, handle the trap in C, restore, return. */
ENTRY(host_sync)
	sub	sp, sp, #HOST_REGS_SIZE
	stp	x0, x1, [sp, #16 * 0]
	stp	x2, x3, [sp, #16 * 1]
	stp	x4, x5, [sp, #16 * 2]
	stp	x6, x7, [sp, #16 * 3]
	stp	x8, x9, [sp, #16 * 4]
	stp	x10, x11, [sp, #16 * 5]
	stp	x12, x13, [sp, #16 * 6]
	stp	x14, x15, [sp, #16 * 7]
	stp	x16, x17, [sp, #16 * 8]
	stp	x18, x19, [sp, #16 * 9]
	stp	x20, x21, [sp, #16 * 10]
	stp	x22, x23, [sp, #16 * 11]
	stp	x24, x25, [sp, #16 * 12]
	stp	x26, x27, [sp, #16 * 13]
	stp	x28, x29, [sp, #16 * 14]
	str	x30, [sp, #16 * 15]
	mov	x0, sp
	bl	handle_host_sync
	ldp	x0, x1, [sp, #16 * 0]
	ldp	x2, x3, [sp, #16 * 1]
	ldp	x4, x5, [sp, #16 * 2]
	ldp	x6, x7, [sp, #16 * 3]
	ldp	x8, x9, [sp, #16 * 4]
	ldp	x10, x11, [sp, #16 * 5]
	ldp	x12, x13, [sp, #16 * 6]
	ldp	x14, x15, [sp, #16 * 7]
	ldp	x16, x17, [sp, #16 * 8]
	ldp	x18, x19, [sp, #16 * 9]
	ldp	x20, x21, [sp, #16 * 10]
	ldp	x22, x23, [sp, #16 * 11]
	ldp	x24, x25, [sp, #16 * 12]
	ldp	x26, x27, [sp, #16 * 13]
	ldp	x28, x29, [sp, #16 * 14]
	ldr	x30, [sp, #16 * 15]
	add	sp, sp, #HOST_REGS_SIZE
	eret
	dsb	nsh
	isb
END(host_sync)
