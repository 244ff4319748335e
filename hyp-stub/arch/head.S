/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Entry points: the arm64 Image header QEMU boots us through, the boot CPU
 * entry, the entry PSCI starts other CPUs at, and the switches into the MMU
 * and into the host.
 */
#include "asm.h"
#include "layout.h"

#define CURRENTEL_EL2	(2 << 2)
#define SPSR_HOST	0x3c5	/* EL1h, DAIF masked */

	.section .head.text, "ax"
ENTRY(_start)
	/* arm64 Image header (Documentation/arch/arm64/booting.rst) */
	b	primary_entry		/* code0 */
	.long	0			/* code1 */
	.quad	0			/* text_offset */
	.quad	STUB_IMAGE_SIZE		/* image_size, patched by mkimage.sh */
	.quad	0x2			/* flags: LE, 4 KiB pages, 2 MiB aligned base */
	.quad	0, 0, 0			/* res2-res4 */
	.ascii	"ARM\x64"		/* magic */
	.long	0			/* res5 */
END(_start)

	.text
/* x0 = DTB. MMU off, at EL2 unless QEMU lacks virtualization=on. */
ENTRY(primary_entry)
	msr	daifset, #0xf
	mov	x19, x0
	adr_l	x1, boot_stack_end
	mov	sp, x1
	mrs	x1, CurrentEL
	cmp	x1, #CURRENTEL_EL2
	mov	x0, #0				/* boot_fail(0): not at EL2 */
	b.ne	boot_fail
	ldr	x1, =_start			/* link-time address */
	adr	x2, _start			/* run-time address */
	cmp	x1, x2
	mov	x0, #1				/* boot_fail(1): wrong address */
	b.ne	boot_fail

	/* Zero .bss (boot stack included: nothing is on it yet). */
	adr_l	x1, __bss_start
	adr_l	x2, __bss_end
1:	cmp	x1, x2
	b.hs	2f
	stp	xzr, xzr, [x1], #16
	b	1b
2:	adr_l	x1, el2_vectors
	msr	vbar_el2, x1
	isb
	mov	x0, x19
	bl	stub_main
	b	hang
END(primary_entry)

/*
 * Started by PSCI CPU_ON (or a powerdown CPU_SUSPEND waking up) at EL2 with
 * the MMU off and x0 = our CPU index, which the stub itself passed as the
 * context. No memory is written before the MMU is on, so no stale cache line
 * can shadow it.
 */
ENTRY(secondary_entry)
	msr	daifset, #0xf
	cmp	x0, #NR_CPUS
	b.hs	hang
	mov	x19, x0
	adr_l	x1, el2_vectors
	msr	vbar_el2, x1
	adr_l	x1, cpu_stacks
	add	x2, x19, #1
	add	x1, x1, x2, lsl #STACK_SHIFT
	mov	sp, x1
	adr_l	x0, el2_mmu_cfg
	bl	enable_mmu
	mov	x0, x19
	bl	secondary_main
	b	hang
END(secondary_entry)

/* x0 = struct el2_mmu_cfg { mair, tcr, ttbr0, sctlr }. Uses registers only. */
ENTRY(enable_mmu)
	ldp	x1, x2, [x0]
	ldp	x3, x4, [x0, #16]
	msr	mair_el2, x1
	msr	tcr_el2, x2
	msr	ttbr0_el2, x3
	isb
	tlbi	alle2
	dsb	nsh
	isb
	msr	sctlr_el2, x4
	isb
	ic	iallu
	dsb	nsh
	isb
	ret
END(enable_mmu)

/*
 * enter_host(entry, x0, el2_sp): ERET to the host at EL1h with DAIF masked,
 * x0 as given and every other general register zero. EL2 takes later
 * exceptions on @el2_sp.
 */
ENTRY(enter_host)
	mov	sp, x2
	msr	elr_el2, x0
	mov	x0, #SPSR_HOST
	msr	spsr_el2, x0
	mov	x0, x1
	.irp	n, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30
	mov	x\n, xzr
	.endr
	eret
	dsb	nsh
	isb
END(enter_host)

ENTRY(hang)
	wfe
	b	hang
END(hang)

	.bss
	.balign	16
boot_stack:
	.space	STACK_SIZE
boot_stack_end:

	.balign	16
	.globl	cpu_stacks
cpu_stacks:
	.space	NR_CPUS * STACK_SIZE
