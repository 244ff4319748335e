// SPDX-License-Identifier: GPL-2.0-only
/*
 * irq: an SPI raised by the host through an irqfd (a Gunyah doorbell).
 * TESTDEV_ARG = IRQTEST_ARG(spi, level, n).
 *
 * Edge: first 20 ms for anything raised before the payload was ready
 * (reported with TESTDEV_IRQ_EARLY), then n rounds; in each the payload
 * writes the round number to TESTDEV_SYNC, on which the host signals the
 * eventfd once, and sleeps in WFI until its handler has run; the handler
 * reports the interrupt and whether it still reads as pending (it must
 * not: the edge was consumed). Then 20 ms with IRQs on must bring no
 * further interrupt.
 *
 * Level: n signals, one interrupt each. The first comes while the SPI is
 * still disabled (TESTDEV_SYNC 0: the host signals before the write
 * returns) and must be taken once the payload enables it; then n - 1
 * rounds as for edge. A level doorbell is asserted by a signal and cleared
 * when the guest takes the interrupt (Gunyah's ack mask, which the driver
 * sets on level irqfds), so the handler finds it no longer pending and,
 * with no further signal, it never comes again: 20 ms with IRQs on must
 * bring no interrupt beyond the n.
 *
 * Level with IRQTEST_RESIGNAL (two signals): the handler of the first
 * interrupt masks the SPI and has the host signal again while the
 * interrupt is active; the SPI must read not pending there (the real
 * vGIC's view of an active level interrupt), stay away while masked
 * (IRQT_COUNT(1) after 20 ms) and be taken once more, and only once, when
 * unmasked.
 *
 * Last report: IRQT_COUNT(handled interrupts of the SPI).
 */
#include "gic.h"

static u32 test_intid;
static int test_resignal;

void irq_handler(u32 cpu, u32 intid)
{
	if (intid == test_intid && test_resignal && gic_irq_count[cpu][intid] == 1) {
		gic_irq_disable(intid);
		w64(TESTDEV(TESTDEV_SYNC), 4);	/* signalled before this returns */
	}
	report(IRQT_IRQ(cpu, intid, gic_irq_pending(intid), gic_irq_count[cpu][intid]));
}

void guest_main(u64 dtb)
{
	u64 arg = r64(TESTDEV(TESTDEV_ARG));
	u64 freq = read_cntfrq();
	u32 i, n = IRQTEST_ARG_N(arg), base;
	int ret, boot_pending, test_level;

	test_intid = GUEST_SPI_INTID(IRQTEST_ARG_SPI(arg));
	test_level = IRQTEST_ARG_LEVEL(arg);
	test_resignal = test_level && IRQTEST_ARG_RESIGNAL(arg);
	ret = gic_init();
	if (ret) {
		report(IRQT_ERROR(ret));
		return;
	}
	boot_pending = gic_irq_pending(test_intid);
	gic_irq_config(test_intid, test_level, GIC_PRIO_DEFAULT, 0);
	if (test_resignal) {
		gic_irq_enable(test_intid);
		w64(TESTDEV(TESTDEV_SYNC), 2);
		gic_wait_wfi(test_intid, 1);
		/* masked by the handler, signalled again: held */
		gic_wait_spin(test_intid, 2, freq / 50);
		report(IRQT_COUNT(gic_irq_count[0][test_intid]));
		gic_irq_enable(test_intid);
		if (gic_wait_spin(test_intid, 2, freq))
			report(IRQT_ERROR(IRQT_ERR_TIMEOUT));
		gic_wait_spin(test_intid, 3, freq / 50);
		local_irq_disable();
		report(IRQT_COUNT(gic_irq_count[0][test_intid]));
		w64(TESTDEV(TESTDEV_DONE), TESTDEV_DONE_MAGIC);
		return;
	}
	if (test_level) {
		/* signalled while disabled: held, taken once enabled */
		w64(TESTDEV(TESTDEV_SYNC), 0);
		local_irq_enable();
	}
	gic_irq_enable(test_intid);

	if (!test_level) {
		gic_wait_spin(test_intid, 1, freq / 50);
		base = gic_irq_count[0][test_intid];
		w64(TESTDEV(TESTDEV_IRQ_EARLY), IRQTEST_EARLY(boot_pending, base));
		for (i = 1; i <= n; i++) {
			w64(TESTDEV(TESTDEV_SYNC), i);
			gic_wait_wfi(test_intid, base + i);
		}
		gic_wait_spin(test_intid, base + n + 1, freq / 50);
	} else {
		if (gic_wait_spin(test_intid, 1, freq))
			report(IRQT_ERROR(IRQT_ERR_TIMEOUT));
		for (i = 2; i <= n; i++) {
			w64(TESTDEV(TESTDEV_SYNC), i);
			gic_wait_wfi(test_intid, i);
		}
		/* no signal, no interrupt: the doorbell was cleared */
		gic_wait_spin(test_intid, n + 1, freq / 50);
	}
	local_irq_disable();
	report(IRQT_COUNT(gic_irq_count[0][test_intid]));
	w64(TESTDEV(TESTDEV_DONE), TESTDEV_DONE_MAGIC);
}
