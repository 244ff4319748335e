/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * EL1 self-test payload: booted by hyp-stub in place of Linux (same arm64
 * Image header), it plays a hostile host to exercise the stub's interfaces.
 */
#include "asm.h"

	.section .head.text, "ax"
ENTRY(_start)
	b	entry			/* code0 */
	.long	0			/* code1 */
	.quad	0			/* text_offset */
	.quad	__image_size		/* image_size */
	.quad	0x2			/* flags: LE, 4 KiB pages */
	.quad	0, 0, 0
	.ascii	"ARM\x64"
	.long	0
END(_start)

	.text
/* Boot CPU: EL1h, MMU off, x0 = DTB */
ENTRY(entry)
	mov	x19, x0
	adr_l	x1, stack0_end
	mov	sp, x1
	adr_l	x1, __bss_start
	adr_l	x2, __bss_end
1:	cmp	x1, x2
	b.hs	2f
	stp	xzr, xzr, [x1], #16
	b	1b
2:	adr_l	x1, el1_vectors
	msr	vbar_el1, x1
	isb
	mov	x0, x19
	bl	selftest_main
	b	.
END(entry)

/* Secondary CPU from PSCI CPU_ON: x0 = context */
ENTRY(secondary_entry)
	adr_l	x1, stack1_end
	mov	sp, x1
	adr_l	x1, el1_vectors
	msr	vbar_el1, x1
	isb
	bl	secondary_main
	b	.
END(secondary_entry)

/* Only synchronous exceptions at EL1 with SP_EL1 are expected. */
.macro	vbad n
	.balign	0x80
	mov	x0, #\n
	b	el1_unexpected
.endm

	.balign	0x800
ENTRY(el1_vectors)
	vbad	0
	vbad	1
	vbad	2
	vbad	3
	.balign	0x80
	b	el1_sync_entry
	vbad	5
	vbad	6
	vbad	7
	vbad	8
	vbad	9
	vbad	10
	vbad	11
	vbad	12
	vbad	13
	vbad	14
	vbad	15
END(el1_vectors)

ENTRY(el1_sync_entry)
	sub	sp, sp, #256
	stp	x0, x1, [sp, #0]
	stp	x2, x3, [sp, #16]
	stp	x4, x5, [sp, #32]
	stp	x6, x7, [sp, #48]
	stp	x8, x9, [sp, #64]
	stp	x10, x11, [sp, #80]
	stp	x12, x13, [sp, #96]
	stp	x14, x15, [sp, #112]
	stp	x16, x17, [sp, #128]
	stp	x18, x19, [sp, #144]
	stp	x20, x21, [sp, #160]
	stp	x22, x23, [sp, #176]
	stp	x24, x25, [sp, #192]
	stp	x26, x27, [sp, #208]
	stp	x28, x29, [sp, #224]
	str	x30, [sp, #8 * 30]
	mov	x0, sp
	bl	el1_sync
	ldp	x0, x1, [sp, #0]
	ldp	x2, x3, [sp, #16]
	ldp	x4, x5, [sp, #32]
	ldp	x6, x7, [sp, #48]
	ldp	x8, x9, [sp, #64]
	ldp	x10, x11, [sp, #80]
	ldp	x12, x13, [sp, #96]
	ldp	x14, x15, [sp, #112]
	ldp	x16, x17, [sp, #128]
	ldp	x18, x19, [sp, #144]
	ldp	x20, x21, [sp, #160]
	ldp	x22, x23, [sp, #176]
	ldp	x24, x25, [sp, #192]
	ldp	x26, x27, [sp, #208]
	ldp	x28, x29, [sp, #224]
	ldr	x30, [sp, #8 * 30]
	add	sp, sp, #256
	eret
END(el1_sync_entry)

	.bss
	.balign	16
	.space	0x4000
stack0_end:
	.space	0x4000
stack1_end:
