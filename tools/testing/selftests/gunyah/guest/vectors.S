/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * EL1 exception vectors of the interrupt payloads (linked with gic.c only):
 * an IRQ from EL1 (SP_EL1, where the payloads run) saves the caller-saved
 * registers and calls gic_handle_irq(); every other entry is unexpected and
 * goes to gic_bad_exception(offset, ESR, ELR). IRQs stay masked in the
 * handler (no nesting), so ELR/SPSR need no saving. The payloads use no
 * FP/SIMD registers (-mgeneral-regs-only).
 */
	.macro	bad_vector off
	.balign	0x80
	mov	x0, #\off
	mrs	x1, esr_el1
	mrs	x2, elr_el1
	b	gic_bad_exception
	.endm

	.section .text.vectors, "ax"
	.balign	0x800
	.global	guest_vectors
guest_vectors:
	bad_vector 0x000	/* current EL, SP_EL0: sync */
	bad_vector 0x080	/* IRQ */
	bad_vector 0x100	/* FIQ */
	bad_vector 0x180	/* SError */
	bad_vector 0x200	/* current EL, SP_ELx: sync */
	.balign	0x80		/* 0x280: IRQ */
	b	irq_entry
	bad_vector 0x300	/* FIQ */
	bad_vector 0x380	/* SError */
	bad_vector 0x400	/* lower EL, AArch64 */
	bad_vector 0x480
	bad_vector 0x500
	bad_vector 0x580
	bad_vector 0x600	/* lower EL, AArch32 */
	bad_vector 0x680
	bad_vector 0x700
	bad_vector 0x780

irq_entry:
	sub	sp, sp, #(22 * 8)
	stp	x0, x1, [sp, #(0 * 8)]
	stp	x2, x3, [sp, #(2 * 8)]
	stp	x4, x5, [sp, #(4 * 8)]
	stp	x6, x7, [sp, #(6 * 8)]
	stp	x8, x9, [sp, #(8 * 8)]
	stp	x10, x11, [sp, #(10 * 8)]
	stp	x12, x13, [sp, #(12 * 8)]
	stp	x14, x15, [sp, #(14 * 8)]
	stp	x16, x17, [sp, #(16 * 8)]
	stp	x18, x29, [sp, #(18 * 8)]
	str	x30, [sp, #(20 * 8)]
	bl	gic_handle_irq
	ldp	x0, x1, [sp, #(0 * 8)]
	ldp	x2, x3, [sp, #(2 * 8)]
	ldp	x4, x5, [sp, #(4 * 8)]
	ldp	x6, x7, [sp, #(6 * 8)]
	ldp	x8, x9, [sp, #(8 * 8)]
	ldp	x10, x11, [sp, #(10 * 8)]
	ldp	x12, x13, [sp, #(12 * 8)]
	ldp	x14, x15, [sp, #(14 * 8)]
	ldp	x16, x17, [sp, #(16 * 8)]
	ldp	x18, x29, [sp, #(18 * 8)]
	ldr	x30, [sp, #(20 * 8)]
	add	sp, sp, #(22 * 8)
	eret
