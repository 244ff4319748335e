// SPDX-License-Identifier: GPL-2.0-only
/*
 * stop: a VM that powers off while all its vCPUs run. vCPU 0 starts vCPUs
 * 1.. with PSCI CPU_ON until one does not exist (reported through
 * TESTDEV_CPU_ON, as smp does); each started vCPU checks in and then keeps
 * running, writing heartbeats; once all are in, vCPU 0 waits a little and
 * calls PSCI SYSTEM_OFF with the others still running. The host must see
 * the exit on every vCPU (the RM halts the running ones itself).
 */
#include "guest_lib.h"

static volatile u64 alive[GUEST_MAX_CPUS];

static void delay_us(u64 us)
{
	u64 end = read_cntvct() + read_cntfrq() / 1000000 * us;

	while (read_cntvct() < end)
		;
}

void secondary_main(u64 idx)
{
	u64 n = 0;

	w64(TESTDEV(TESTDEV_CPU_ALIVE), (idx << 32) | (read_mpidr() & 0xffffff));
	alive[idx] = 1;
	for (;;) {
		w64(TESTDEV(TESTDEV_HEARTBEAT), (idx << 32) | n++);
		delay_us(200);
	}
}

void guest_main(u64 dtb)
{
	u64 up;

	up = start_secondaries(alive);
	w64(TESTDEV(TESTDEV_CPU_COUNT), up);
	/* the others are well into their loops: power off under them */
	delay_us(20000);
	puts_uart("stop: PSCI SYSTEM_OFF with all vCPUs running\n");
}
