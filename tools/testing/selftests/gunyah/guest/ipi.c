// SPDX-License-Identifier: GPL-2.0-only
/*
 * ipi: vCPU 0 starts vCPU 1 (PSCI CPU_ON), which enables SGI IPITEST_SGI
 * and says so in RAM; vCPU 0 sends it that SGI, vCPU 1 (asleep in WFI)
 * takes it and sends the same SGI back; vCPU 0 takes it. The handlers
 * report each (IRQT_IRQ with the receiving cpu); each cpu then reports
 * IRQT_COUNT(its SGI count); vCPU 0 powers off once vCPU 1 is done.
 */
#include "gic.h"

static volatile u64 ready, done;

void irq_handler(u32 cpu, u32 intid)
{
	report(IRQT_IRQ(cpu, intid, 0, gic_irq_count[cpu][intid]));
}

void secondary_main(u64 idx)
{
	int ret = gic_cpu_init();

	if (ret) {
		report(IRQT_ERROR(ret));
		done = 1;
		return;
	}
	gic_irq_config(IPITEST_SGI, 0, GIC_PRIO_DEFAULT, 0);
	gic_irq_enable(IPITEST_SGI);
	ready = 1;
	gic_wait_wfi(IPITEST_SGI, 1);
	gic_send_sgi(IPITEST_SGI, 0);
	local_irq_disable();
	report(IRQT_COUNT(gic_irq_count[1][IPITEST_SGI]));
	done = 1;
}

void guest_main(u64 dtb)
{
	u64 freq = read_cntfrq(), end;
	s64 ret;

	ret = gic_init();
	if (ret) {
		report(IRQT_ERROR(ret));
		return;
	}
	gic_irq_config(IPITEST_SGI, 0, GIC_PRIO_DEFAULT, 0);
	gic_irq_enable(IPITEST_SGI);
	local_irq_enable();
	ret = hvc(PSCI_CPU_ON_64, 1, (u64)secondary_entry, 1);
	if (ret) {
		report(IRQT_ERROR(IRQT_ERR_CPU_ON));
		return;
	}
	end = read_cntvct() + 5 * freq;
	while (!ready && !done && read_cntvct() < end)
		;
	if (!ready) {
		report(IRQT_ERROR(IRQT_ERR_TIMEOUT));
		return;
	}
	gic_send_sgi(IPITEST_SGI, 1);
	gic_wait_wfi(IPITEST_SGI, 1);
	end = read_cntvct() + 5 * freq;
	while (!done && read_cntvct() < end)
		;
	local_irq_disable();
	report(IRQT_COUNT(gic_irq_count[0][IPITEST_SGI]));
	w64(TESTDEV(TESTDEV_DONE), TESTDEV_DONE_MAGIC);
}
