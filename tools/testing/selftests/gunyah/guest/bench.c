// SPDX-License-Identifier: GPL-2.0-only
/*
 * bench: the guest side of `make bench`, run unchanged by gunyah-bench
 * (/dev/gunyah) and kvm-bench (/dev/kvm). TESTDEV_ARG = BENCH_ARG(mode, n);
 * the modes and what each report means are in guest.h (BENCH_MODE_*).
 * Reports are written outside the timed window; then TESTDEV_DONE and
 * PSCI SYSTEM_OFF (from start.S on return).
 */
#include "gic.h"

static volatile u64 irq_ticks;	/* counter read by the handler */

static inline u64 read_cntpct(void)
{
	u64 v;

	asm volatile("isb; mrs %0, cntpct_el0" : "=r"(v) : : "memory");
	return v;
}

void irq_handler(u32 cpu, u32 intid)
{
	if (intid == BENCH_INTID) {
		irq_ticks = read_cntpct();
	} else if (intid == GUEST_VTIMER_PPI) {
		irq_ticks = read_cntvct();
		vtimer_disable();
	}
}

static void bench_mmio_read(u32 n)
{
	u64 t0, t1;
	u32 i;

	for (i = 0; i < n; i++) {
		t0 = read_cntpct();
		r32(BENCH_MMIO_ADDR);
		t1 = read_cntpct();
		report(t1 - t0);
	}
}

static void bench_mmio_split(u32 n)
{
	u64 t0, t1;
	u32 i;

	for (i = 0; i < n; i++) {
		t0 = read_cntpct();
		r32(BENCH_MMIO_ADDR);
		t1 = read_cntpct();
		report(t0);
		report(t1);
	}
}

static void bench_ioeventfd(u32 n)
{
	u64 t0, t1;
	u32 i;

	for (i = 0; i < n; i++) {
		t0 = read_cntpct();
		w32(BENCH_IOEVENT_ADDR, 1);
		t1 = read_cntpct();
		report(t1 - t0);
	}
}

static void bench_hvc(u32 n)
{
	u64 t0, t1;
	u32 i;

	for (i = 0; i < n; i++) {
		t0 = read_cntpct();
		hvc(PSCI_VERSION, 0, 0, 0);
		t1 = read_cntpct();
		report(t1 - t0);
	}
}

static void bench_irqfd(u32 n)
{
	u32 i;

	gic_irq_config(BENCH_INTID, 0, GIC_PRIO_DEFAULT, 0);
	gic_irq_enable(BENCH_INTID);
	for (i = 1; i <= n; i++) {
		w64(TESTDEV(TESTDEV_SYNC), i);
		gic_wait_wfi(BENCH_INTID, i);
		report(irq_ticks);
	}
	gic_irq_disable(BENCH_INTID);
}

static void bench_timer(u32 n)
{
	u64 period = read_cntfrq() / BENCH_TIMER_DIV, cval;
	u32 i;

	vtimer_disable();
	gic_irq_config(GUEST_VTIMER_PPI, 1, GIC_PRIO_DEFAULT, 0);
	gic_irq_enable(GUEST_VTIMER_PPI);
	for (i = 1; i <= n; i++) {
		cval = read_cntvct() + period;
		vtimer_arm(cval);
		gic_wait_wfi(GUEST_VTIMER_PPI, i);
		report(irq_ticks - cval);
	}
}

void guest_main(u64 dtb, u64 entry_ticks)
{
	u64 arg = r64(TESTDEV(TESTDEV_ARG));
	u32 mode = BENCH_ARG_MODE(arg), n = BENCH_ARG_N(arg);
	int ret;

	if (mode == BENCH_MODE_FIRST_INSN) {
		report(entry_ticks);
		goto done;
	}
	if (mode == BENCH_MODE_IRQFD || mode == BENCH_MODE_TIMER) {
		ret = gic_init();
		if (ret) {
			report(IRQT_ERROR(ret));
			goto done;
		}
	}
	switch (mode) {
	case BENCH_MODE_MMIO_READ:
		bench_mmio_read(n);
		break;
	case BENCH_MODE_MMIO_SPLIT:
		bench_mmio_split(n);
		break;
	case BENCH_MODE_IOEVENTFD:
		bench_ioeventfd(n);
		break;
	case BENCH_MODE_HVC:
		bench_hvc(n);
		break;
	case BENCH_MODE_IRQFD:
		bench_irqfd(n);
		break;
	case BENCH_MODE_TIMER:
		bench_timer(n);
		break;
	default:
		report(IRQT_ERROR(0xff));
		break;
	}
	local_irq_disable();
done:
	w64(TESTDEV(TESTDEV_DONE), TESTDEV_DONE_MAGIC);
}
