/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Test guest for the EL1 self-test (make selftest builds the stub with
 * HYP_VM_SELFTEST; never part of the real image). Position independent;
 * runs at IPA 0x80000000 with the MMU off. x10 = MMIO base 0x10000000.
 * The exits it produces, in order, are what test/el1/selftest.c expects.
 */
#include "asm.h"

#ifdef HYP_VM_SELFTEST
	.section .rodata
	.balign	0x800
ENTRY(vmst_guest_start)
	/* 0x000: vector table (2 KiB aligned): sync from current EL, SPx */
	.skip	0x200
	mrs	x7, esr_el1
	str	x7, [x10, #0x100]
	mrs	x7, elr_el1
	add	x7, x7, #4
	msr	elr_el1, x7
	eret
	.balign	0x800
	/* 0x800: vCPU 0 entry, x0 = 0x1234 */
	adr	x9, vmst_guest_start
	msr	vbar_el1, x9
	isb
	mov	x10, #0x10000000
	str	w0, [x10]			/* write 4 @0x10000000 */
	ldrsb	x2, [x10, #8]			/* read 1 @0x10000008 */
	str	x2, [x10, #16]			/* write 8 @0x10000010 */
	movz	x3, #0x8010, lsl #16
	str	x2, [x3]			/* shared page */
	mov	x9, #0x300000
	msr	cpacr_el1, x9
	isb
	fmov	d0, x2				/* the guest's own V0 */
	movz	x4, #0x9000, lsl #16
	ldr	w5, [x4]			/* read 4 @0x90000000 (unbacked) */
	str	x5, [x10, #24]			/* write 8 @0x10000018 */
	mrs	x6, s3_0_c4_c6_0		/* ICC_PMR_EL1: UNDEF, handler writes ESR */
	movz	x0, #0x8400, lsl #16		/* PSCI_VERSION */
	hvc	#0
	str	x0, [x10, #32]			/* write 8 @0x10000020 */
	movz	x0, #0xc400, lsl #16
	movk	x0, #3				/* CPU_ON64 */
	mov	x1, #1
	adr	x2, vmst_guest_fault
	mov	x3, #0
	hvc	#0
	str	x0, [x10, #40]			/* write 8 @0x10000028 */
	wfi					/* EXPECTS_WAKEUP */
	movz	x0, #0x8400, lsl #16
	movk	x0, #8				/* SYSTEM_OFF */
	hvc	#0
	b	.
	/* vCPU 1 entry: a load pair has no syndrome: FAULT */
vmst_guest_fault:
	mov	x10, #0x10000000
	ldp	x2, x3, [x10]
	b	.
ENTRY(vmst_guest_end)
#endif
