/* SPDX-License-Identifier: GPL-2.0-only */
/* Assembler helpers. */
#ifndef HYP_ASM_H
#define HYP_ASM_H

/* PC-relative address of @sym (works before the MMU is on, at any load address). */
.macro adr_l, reg, sym
	adrp	\reg, \sym
	add	\reg, \reg, :lo12:\sym
.endm

#define ENTRY(name)	.globl name; .type name, %function; name:
#define END(name)	.size name, . - name

/* A vector the stub never expects: report it to el2_fault() (number in x0). */
.macro	el2_vfault kind
	.balign	0x80
	mov	x0, #\kind
	mrs	x1, esr_el2
	mrs	x2, elr_el2
	mrs	x3, far_el2
	mrs	x4, spsr_el2
	b	el2_fault
.endm

#endif
