/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Entry of the bare-metal guest payloads. The boot vCPU enters at the image
 * base (GUEST_RAM_BASE) with x0 = DTB IPA, MMU and caches off; secondaries
 * started with PSCI CPU_ON enter at secondary_entry with x0 = their index.
 * The very first instruction samples CNTPCT_EL0: guest_main() gets it as its
 * second argument (the bench payload's first-instruction time).
 */
	.section .text.start, "ax"
	.global _start
_start:
	mrs	x20, cntpct_el0
	mov	x19, x0
	adrp	x1, __bss_start
	add	x1, x1, :lo12:__bss_start
	adrp	x2, __bss_end
	add	x2, x2, :lo12:__bss_end
1:	cmp	x1, x2
	b.hs	2f
	str	xzr, [x1], #8
	b	1b
2:	mov	x0, #0
	bl	set_stack
	mov	x0, x19
	mov	x1, x20
	bl	guest_main
	bl	psci_system_off
3:	wfi
	b	3b

	.global secondary_entry
secondary_entry:
	mov	x19, x0
	bl	set_stack
	mov	x0, x19
	bl	secondary_main
	bl	psci_cpu_off
4:	wfi
	b	4b

/* sp = stacks + (x0 + 1) * 4096; clobbers x1 */
set_stack:
	add	x1, x0, #1
	lsl	x1, x1, #12
	adrp	x0, stacks
	add	x0, x0, :lo12:stacks
	add	sp, x0, x1
	ret

	.weak	secondary_main
secondary_main:
	ret

	.bss
	.balign	16
stacks:
	.space	4096 * 8
