// SPDX-License-Identifier: GPL-2.0-only
/*
 * timer: TESTDEV_ARG rounds of: arm the virtual timer CNTFRQ /
 * TIMERTEST_PERIOD_DIV ticks ahead, sleep in WFI until the handler of PPI 27
 * has run (it turns the timer off, dropping the line), report
 * IRQT_TIMER(WFIs executed, ticks from arming to the handler). Each round
 * must sleep: a WFI that returns at once would show as many WFIs.
 * Then IRQT_COUNT(timer interrupts) and CNTFRQ.
 */
#include "gic.h"

static volatile u64 fired_at;

void irq_handler(u32 cpu, u32 intid)
{
	if (intid != GUEST_VTIMER_PPI) {
		report(IRQT_IRQ(cpu, intid, 0, gic_irq_count[cpu][intid]));
		return;
	}
	fired_at = read_cntvct();
	vtimer_disable();
}

void guest_main(u64 dtb)
{
	u64 rounds = r64(TESTDEV(TESTDEV_ARG));
	u64 freq = read_cntfrq(), t0, period = freq / TIMERTEST_PERIOD_DIV;
	u32 i, loops;
	int ret;

	ret = gic_init();
	if (ret) {
		report(IRQT_ERROR(ret));
		return;
	}
	vtimer_disable();
	gic_irq_config(GUEST_VTIMER_PPI, 1, GIC_PRIO_DEFAULT, 0);
	gic_irq_enable(GUEST_VTIMER_PPI);
	for (i = 1; i <= rounds; i++) {
		t0 = read_cntvct();
		vtimer_arm(t0 + period);
		loops = gic_wait_wfi(GUEST_VTIMER_PPI, i);
		report(IRQT_TIMER(loops, fired_at - t0));
	}
	local_irq_disable();
	report(IRQT_COUNT(gic_irq_count[0][GUEST_VTIMER_PPI]));
	report(freq);
	w64(TESTDEV(TESTDEV_DONE), TESTDEV_DONE_MAGIC);
}
