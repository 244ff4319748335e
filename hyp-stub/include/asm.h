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

#endif
