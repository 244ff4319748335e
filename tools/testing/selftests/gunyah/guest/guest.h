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
#define TESTDEV_ARG		0x028	/* r64: the test's parameter for the payload */
#define TESTDEV_SYNC		0x030	/* w64: a step number; the host acts on it */
#define TESTDEV_IRQ_EARLY	0x038	/* w64: irq payload, see IRQTEST_EARLY() */
#define TESTDEV_HEARTBEAT	0x040	/* w64: a counter, forever (spin payload) */
#define TESTDEV_IRQ_LINE	0x048	/* r64: the test device's interrupt line */
#define TESTDEV_IRQ_ACK		0x050	/* w64: lower the test device's line */
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

/*
 * The guest's GICv3: the distributor, and directly below it one 128 KiB
 * redistributor (RD + SGI frame) per vCPU, vCPU 0 lowest.
 */
#define GUEST_GICD_BASE		0x3fff0000UL
#define GUEST_GICR_STRIDE	0x20000UL
#define GUEST_GICR_BASE(nr_vcpus)	(GUEST_GICD_BASE - GUEST_GICR_STRIDE * (nr_vcpus))
#define GUEST_GICR(cpu, nr_vcpus)	(GUEST_GICR_BASE(nr_vcpus) + GUEST_GICR_STRIDE * (cpu))
#define GUEST_NR_IRQS		288	/* INTIDs 0..287: SPIs 0..255, as QEMU's */
#define GUEST_SPI_INTID(spi)	((spi) + 32)
#define GUEST_VTIMER_PPI	27	/* virtual timer INTID */

/*
 * Interrupt payloads (irq, timer, ipi): TESTDEV_REPORT words carry a tag in
 * bits 63:56.
 *   IRQ:   a handled interrupt: cpu 55:48, INTID 47:32, bit 31 whether the
 *          INTID still read as pending in the handler (after acknowledge,
 *          and for a level one after masking it), 30:0 its count on that
 *          cpu including this one.
 *   COUNT: a final count.
 *   TIMER: one timer round: WFI loops 55:40, counter ticks from arming the
 *          timer to the handler 39:0.
 *   ERROR: the payload gave up: an IRQT_ERR_* code.
 */
#define IRQT_TAG(v)		((unsigned long long)(v) >> 56)
#define IRQT_TAG_IRQ		1ULL
#define IRQT_TAG_COUNT		2ULL
#define IRQT_TAG_TIMER		3ULL
#define IRQT_TAG_ERROR		0xeULL
#define IRQT_IRQ(cpu, intid, pend, n)	((IRQT_TAG_IRQ << 56) |			\
					 ((unsigned long long)(cpu) << 48) |	\
					 ((unsigned long long)(intid) << 32) |	\
					 ((unsigned long long)!!(pend) << 31) |	\
					 ((n) & 0x7fffffffULL))
#define IRQT_IRQ_CPU(v)		(((v) >> 48) & 0xff)
#define IRQT_IRQ_INTID(v)	(((v) >> 32) & 0xffff)
#define IRQT_IRQ_PENDING(v)	(((v) >> 31) & 1)
#define IRQT_IRQ_N(v)		((v) & 0x7fffffff)
#define IRQT_COUNT(n)		((IRQT_TAG_COUNT << 56) | (n))
#define IRQT_TIMER(loops, ticks)	((IRQT_TAG_TIMER << 56) |			\
					 ((unsigned long long)((loops) & 0xffff) << 40) | \
					 ((ticks) & 0xffffffffffULL))
#define IRQT_TIMER_LOOPS(v)	(((v) >> 40) & 0xffff)
#define IRQT_TIMER_TICKS(v)	((v) & 0xffffffffffULL)
#define IRQT_ERROR(code)	((IRQT_TAG_ERROR << 56) | (code))
#define IRQT_VALUE(v)		((v) & 0xffffffffffffffULL)

#define IRQT_ERR_NO_GICD	1	/* GICD_CTLR did not take ARE/enable */
#define IRQT_ERR_NO_GICR	2	/* no redistributor with our affinity */
#define IRQT_ERR_WAKER		3	/* GICR_WAKER.ChildrenAsleep stuck */
#define IRQT_ERR_SRE		4	/* ICC_SRE_EL1.SRE not set */
#define IRQT_ERR_RWP		5	/* GICD/GICR_CTLR.RWP stuck */
#define IRQT_ERR_EXCEPTION	6	/* unexpected exception (not an IRQ) */
#define IRQT_ERR_TIMEOUT	7	/* an interrupt did not come */
#define IRQT_ERR_CPU_ON		8	/* PSCI CPU_ON failed */

/*
 * irq payload: TESTDEV_ARG = SPI | level << 8 | count << 16; count is the
 * number of signals (edge: rounds after the early check; level: the first
 * while the SPI is disabled, on TESTDEV_SYNC 0, then count - 1 rounds).
 */
#define IRQTEST_EDGE_SPI	10
#define IRQTEST_LEVEL_SPI	11
#define IRQTEST_ARG(spi, level, n)	((spi) | (!!(level) << 8) | ((n) << 16))
#define IRQTEST_ARG_SPI(a)	((a) & 0xff)
#define IRQTEST_ARG_LEVEL(a)	(((a) >> 8) & 1)
#define IRQTEST_ARG_N(a)	(((a) >> 16) & 0xffff)
/*
 * Level, resignal: the handler of the first interrupt masks the SPI and has
 * the host signal again (TESTDEV_SYNC 4) while it is active; see irq.c.
 */
#define IRQTEST_RESIGNAL	(1 << 9)
#define IRQTEST_ARG_RESIGNAL(a)	(((a) >> 9) & 1)
/*
 * Edge: before the first signal, whether the SPI read as pending at boot
 * and how many interrupts the payload took within 20 ms of enabling it.
 */
#define IRQTEST_EARLY(pend, n)	((!!(pend) << 8) | ((n) & 0xff))
#define IRQTEST_EARLY_PENDING(v)	(((v) >> 8) & 1)
#define IRQTEST_EARLY_N(v)	((v) & 0xff)

/* timer payload: TESTDEV_ARG = rounds; each arms the timer for 10 ms */
#define TIMERTEST_PERIOD_DIV	100	/* period = CNTFRQ / 100 */

/* ipi payload: SGI between vCPU 0 and vCPU 1 */
#define IPITEST_SGI		3

/*
 * qemu_dev payload: a VM laid out as QEMU's virt machine lays it out for
 * its Gunyah accelerator (RAM at 1 GiB, GICv3 distributor at 128 MiB with
 * the redistributors upward from QEMUVM_GICR_BASE, SPIs 0-255 each behind
 * a level doorbell). The test device's interrupt is SPI QEMUVM_DEV_SPI
 * (QEMU's first virtio-mmio SPI); its line stays high from a TESTDEV_SYNC
 * write until a TESTDEV_IRQ_ACK. TESTDEV_ARG = rounds. Reports: the DTB
 * IPA, the FDT magic read little-endian, the INTIDs the distributor has,
 * one IRQT_IRQ per interrupt of any SPI, IRQT_COUNT(all SPI interrupts).
 */
#define QEMUVM_RAM_BASE		0x40000000UL
#define QEMUVM_GICD_BASE	0x08000000UL
#define QEMUVM_GICR_BASE	0x080a0000UL
#define QEMUVM_GICR_SIZE	0x00f60000UL
#define QEMUVM_NR_SPIS		256
#define QEMUVM_DEV_SPI		16
#define QEMUVM_UART_SPI		1

/* ioevent payload: writes to this page, see ioevent.h */
#define GUEST_IOEVT_BASE	0x0b000000UL

/*
 * bench payload (make bench; Gunyah and KVM VMMs alike).
 * TESTDEV_ARG = BENCH_ARG(mode, iterations). One TESTDEV_REPORT per measured
 * iteration (written outside the timed window), then TESTDEV_DONE and PSCI
 * SYSTEM_OFF. Guest timestamps are CNTPCT_EL0 ticks (CNTVCT_EL0 for the
 * timer mode); the host's are CNTVCT_EL0 read from userspace.
 *   MMIO_READ:   ticks of one 32-bit load of BENCH_MMIO_ADDR (answered by
 *                the VMM in userspace).
 *   IOEVENTFD:   ticks of one 32-bit store of 1 to BENCH_IOEVENT_ADDR (an
 *                ioeventfd without datamatch completes it in the kernel).
 *   HVC:         ticks of one hvc #0 PSCI_VERSION.
 *   IRQFD:       SPI BENCH_SPI (edge): each iteration writes TESTDEV_SYNC = i
 *                (1-based); the host then reads its counter (t_send) and
 *                signals the irqfd; the guest sleeps in WFI; its handler reads
 *                CNTPCT (t_recv); the report is t_recv, the host subtracts.
 *   TIMER:       the virtual timer armed CNTFRQ / 1000 ticks ahead, WFI; the
 *                report is CNTVCT in the handler minus CNTV_CVAL.
 *   FIRST_INSN:  one report: CNTPCT read by the first instruction of the
 *                payload (the host took its counter just before START or the
 *                first KVM_RUN); iterations are ignored.
 *   MMIO_SPLIT:  as MMIO_READ, but two reports per iteration: t0 and t1
 *                themselves, so that a VMM that reads its counter when it
 *                handles the load can split the round trip into the way out
 *                (t_vmm - t0) and the way back (t1 - t_vmm). Optional.
 */
#define BENCH_MMIO_ADDR		0x0b000000UL
#define BENCH_IOEVENT_ADDR	0x0b001000UL
#define BENCH_SPI		20
#define BENCH_INTID		GUEST_SPI_INTID(BENCH_SPI)
#define BENCH_MODE_MMIO_READ	1
#define BENCH_MODE_IOEVENTFD	2
#define BENCH_MODE_HVC		3
#define BENCH_MODE_IRQFD	4
#define BENCH_MODE_TIMER	5
#define BENCH_MODE_FIRST_INSN	6
#define BENCH_MODE_MMIO_SPLIT	7
#define BENCH_ARG(mode, n)	(((unsigned long long)(mode) << 32) | (unsigned int)(n))
#define BENCH_ARG_MODE(a)	((unsigned int)((a) >> 32))
#define BENCH_ARG_N(a)		((unsigned int)(a))
#define BENCH_TIMER_DIV		1000	/* timer deadline: CNTFRQ / 1000 ahead */

#endif /* GUNYAH_GUEST_H */
