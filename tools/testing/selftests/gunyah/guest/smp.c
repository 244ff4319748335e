// SPDX-License-Identifier: GPL-2.0-only
/*
 * smp: vCPU 0 starts vCPUs 1.. with PSCI CPU_ON (target MPIDR = index) until
 * one does not exist, each started vCPU checks in through the test device
 * and a flag in RAM, and vCPU 0 reports how many did before powering off.
 */
#include "guest_lib.h"

static volatile u64 alive[GUEST_MAX_CPUS];

void secondary_main(u64 idx)
{
	w64(TESTDEV(TESTDEV_CPU_ALIVE), (idx << 32) | (read_mpidr() & 0xffffff));
	alive[idx] = 1;
}

void guest_main(u64 dtb)
{
	u64 up;

	up = start_secondaries(alive);
	puts_uart("smp: ");
	putc_uart('0' + up);
	puts_uart(" vCPUs up\n");
	w64(TESTDEV(TESTDEV_CPU_COUNT), up);
	w64(TESTDEV(TESTDEV_DONE), TESTDEV_DONE_MAGIC);
}
