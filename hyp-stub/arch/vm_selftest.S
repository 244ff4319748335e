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
	/* 0x280: IRQ, current EL SPx: take it, stop the timer, report */
	.balign	0x80
	mrs	x7, s3_0_c12_c12_0		/* ICC_IAR1_EL1 */
	msr	cntv_ctl_el0, xzr
	isb
	msr	s3_0_c12_c12_1, x7		/* ICC_EOIR1_EL1 (maintenance) */
	str	x7, [x10, #0x108]		/* write 8 @0x10000108: INTID */
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
	mov	x6, #0xf0
	msr	s3_0_c4_c6_0, x6		/* ICC_PMR_EL1: virtual */
	mrs	x6, s3_0_c4_c6_0
	mrs	x7, s3_0_c12_c12_5		/* ICC_SRE_EL1: 7 */
	orr	x6, x6, x7, lsl #8
	str	x6, [x10, #0x100]		/* write 8 @0x10000100: 0x7f0 */
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
	movz	x0, #0xc400, lsl #16
	movk	x0, #3				/* CPU_ON64 of a missing vCPU 2 */
	mov	x1, #2
	hvc	#0
	str	x0, [x10, #48]			/* write 8 @0x10000030: -6 */
	movz	x0, #0xc400, lsl #16
	movk	x0, #3				/* CPU_ON64 of impossible MPIDR 9 */
	mov	x1, #9
	hvc	#0
	str	x0, [x10, #56]			/* write 8 @0x10000038: -2 */
	wfi					/* EXPECTS_WAKEUP */
	/* vGIC on: GICD, vCPU 0's redistributor (2 vCPUs), PPI 27, group 1 */
	movz	x11, #0x3fff, lsl #16
	mov	w12, #0x12			/* ARE, EnableGrp1A */
	str	w12, [x11]
	movz	x11, #0x3ffb, lsl #16
	str	wzr, [x11, #0x14]		/* GICR_WAKER: awake */
	add	x11, x11, #0x10, lsl #12	/* SGI frame */
	movz	w12, #0x800, lsl #16
	str	w12, [x11, #0x100]		/* ISENABLER0: PPI 27 */
	mov	x12, #1
	msr	s3_0_c12_c12_7, x12		/* ICC_IGRPEN1_EL1 */
	isb
	/* Virtual timer soon, IRQs unmasked: taken while running */
	mrs	x12, cntfrq_el0
	lsr	x12, x12, #10
	mrs	x13, cntvct_el0
	add	x13, x13, x12
	msr	cntv_cval_el0, x13
	mov	x12, #1
	msr	cntv_ctl_el0, x12
	isb
	mov	x7, #0
	msr	daifclr, #2
1:	cbz	x7, 1b
	msr	daifset, #2
	/* Timer armed, IRQs masked, WFI: sleeps until the deadline */
	mrs	x12, cntfrq_el0
	lsr	x12, x12, #6
	mrs	x13, cntvct_el0
	add	x13, x13, x12
	msr	cntv_cval_el0, x13
	mov	x12, #1
	msr	cntv_ctl_el0, x12
	isb
	str	x13, [x10, #0x110]		/* write 8 @0x10000110: CVAL */
	mov	x7, #0
	wfi					/* EXPECTS_WAKEUP */
	msr	daifclr, #2
2:	cbz	x7, 2b
	msr	daifset, #2
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
