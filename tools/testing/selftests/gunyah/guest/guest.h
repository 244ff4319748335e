/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The contract between the bare-metal guest payloads and the programs that
 * run them (gunyah_guest_test, gunyah-vmm): guest physical addresses and
 * the registers of the test device. Constants only: included by both sides.
 *
 * Guest RAM starts at GUEST_RAM_BASE; the payload is linked there and
 * entered at its first byte with x0 = the IPA of the VM's DTB, MMU off.
 */
#ifndef GUNYAH_GUEST_H
#define GUNYAH_GUEST_H

#define GUEST_RAM_BASE		0x80000000UL
#define GUEST_UART_BASE		0x09000000UL	/* PL011 */
#define GUEST_TESTDEV_BASE	0x0a000000UL

/* Test device registers (offsets from GUEST_TESTDEV_BASE) */
#define TESTDEV_REPORT		0x000	/* w64: a result, in order */
#define TESTDEV_DONE		0x008	/* w64: TESTDEV_DONE_MAGIC, then power off */
#define TESTDEV_CPU_ON		0x010	/* w64: (cpu << 32) | (u32)psci_ret */
#define TESTDEV_CPU_ALIVE	0x018	/* w64: (cpu << 32) | MPIDR[23:0], by that cpu */
#define TESTDEV_CPU_COUNT	0x020	/* w64: number of cpus that checked in */
#define TESTDEV_HEARTBEAT	0x040	/* w64: a counter, forever (spin payload) */
#define TESTDEV_READ_BASE	0x100	/* reads in [0x100, 0x200) */
#define TESTDEV_WRITE_BASE	0x200	/* writes in [0x200, 0x300) */

#define TESTDEV_DONE_MAGIC	0x600dUL

/*
 * A read of TESTDEV_READ_BASE + off with size len returns
 * TESTDEV_READ_VALUE(off) truncated to len bytes: bit 7, 15, 31 set so that
 * sign-extending loads extend.
 */
#define TESTDEV_READ_VALUE(off)	(0xf1e2d3c4b5a69780ULL | ((off) & 0x7f))

/* Memory test: guest RAM offsets */
#define MEMTEST_GUEST_OFF	0x40000UL	/* the guest writes here */
#define MEMTEST_HOST_OFF	0x80000UL	/* the host writes here */
#define MEMTEST_WORDS		512
#define MEMTEST_GUEST_WORD(i)	(0x6775657374000000ULL ^ ((unsigned long long)(i) * 0x10001ULL))
#define MEMTEST_HOST_WORD(i)	(0x686f737400000000ULL ^ ((unsigned long long)(i) * 0x3000003ULL))

/* PSCI function IDs (SMC32 and SMC64 calling conventions) */
#define PSCI_VERSION		0x84000000UL
#define PSCI_CPU_OFF		0x84000002UL
#define PSCI_CPU_ON_64		0xc4000003UL
#define PSCI_SYSTEM_OFF		0x84000008UL
#define PSCI_SYSTEM_RESET	0x84000009UL

#define GUEST_MAX_CPUS		8

#endif /* GUNYAH_GUEST_H */
