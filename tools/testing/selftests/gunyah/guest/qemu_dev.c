// SPDX-License-Identifier: GPL-2.0-only
/*
 * qemu_dev: a guest of a VM made as QEMU's Gunyah accelerator makes it (see
 * QEMUVM_* in guest.h; linked at QEMUVM_RAM_BASE, gic.c built for QEMU's
 * GIC layout). All 256 SPIs are configured level and enabled, so that an
 * interrupt nobody raised would be seen. Each round asks the test device
 * for an interrupt (TESTDEV_SYNC), sleeps until it came; the handler finds
 * the device's line high and lowers it (TESTDEV_IRQ_ACK), as a driver of a
 * level-triggered device does. Then 20 ms must bring no other interrupt.
 */
#include "gic.h"

#define DEV_INTID	GUEST_SPI_INTID(QEMUVM_DEV_SPI)

void irq_handler(u32 cpu, u32 intid)
{
	if (intid == DEV_INTID) {
		if (!r64(TESTDEV(TESTDEV_IRQ_LINE)))
			puts_uart("qemu_dev: interrupt with the line low\n");
		w64(TESTDEV(TESTDEV_IRQ_ACK), 1);
	}
	report(IRQT_IRQ(cpu, intid, 0, gic_irq_count[cpu][intid]));
}

void guest_main(u64 dtb)
{
	u64 rounds = r64(TESTDEV(TESTDEV_ARG)), i, total = 0;
	u32 spi;
	int ret;

	puts_uart("qemu_dev: booted, DTB at ");
	puthex(dtb);
	puts_uart("\n");
	report(dtb);
	report(r32(dtb));
	ret = gic_init();
	if (ret) {
		report(IRQT_ERROR(ret));
		return;
	}
	report(32 * ((r32(QEMUVM_GICD_BASE + 0x4) & 0x1f) + 1));
	for (spi = 0; spi < QEMUVM_NR_SPIS; spi++) {
		gic_irq_config(GUEST_SPI_INTID(spi), 1, GIC_PRIO_DEFAULT, 0);
		gic_irq_enable(GUEST_SPI_INTID(spi));
	}
	local_irq_enable();
	for (i = 1; i <= rounds; i++) {
		w64(TESTDEV(TESTDEV_SYNC), i);
		gic_wait_wfi(DEV_INTID, i);
	}
	gic_wait_spin(DEV_INTID, rounds + 1, read_cntfrq() / 50);
	local_irq_disable();
	for (spi = 0; spi < QEMUVM_NR_SPIS; spi++)
		total += gic_irq_count[0][GUEST_SPI_INTID(spi)];
	report(IRQT_COUNT(total));
	puts_uart("qemu_dev: done\n");
	w64(TESTDEV(TESTDEV_DONE), TESTDEV_DONE_MAGIC);
}
