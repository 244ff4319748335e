/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Fixed physical layout of the stub on QEMU virt. Included from C, assembly
 * and the linker script, so only plain defines here.
 */
#ifndef HYP_LAYOUT_H
#define HYP_LAYOUT_H

#define STUB_BASE		0x40000000	/* private region: never given to the host */
#define STUB_SIZE		0x01000000
#define STUB_LOAD_ADDR		0x40200000	/* QEMU loads a text_offset 0 Image at RAM + 2 MiB */
#define STUB_IMAGE_SIZE		0x00e00000	/* header image_size: load address to end of region */
#define LINUX_LOAD_ADDR		(STUB_BASE + STUB_SIZE)

#define UART_BASE		0x09000000	/* PL011 on QEMU virt */

/*
 * The SPIs the stub hands out (RM queues first, then vCPU wakeups, kicks):
 * QEMU virt wires its devices to SPIs 0-127 (platform bus 64-127). The
 * host DT's qcom,free-irq-start is its INTID (+ 32), as the real RM's
 * 960 is the first INTID of its own allocations (its RM queue's).
 */
#define GIC_FIRST_FREE_SPI	128

#define NR_CPUS			8
#define STACK_SHIFT		14		/* 16 KiB per CPU */
#define STACK_SIZE		(1 << STACK_SHIFT)

#endif
