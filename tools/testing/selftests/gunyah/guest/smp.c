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
	u64 i, started = 0, seen, deadline;
	s64 ret;

	for (i = 1; i < GUEST_MAX_CPUS; i++) {
		ret = hvc(PSCI_CPU_ON_64, i, (u64)secondary_entry, i);
		w64(TESTDEV(TESTDEV_CPU_ON), (i << 32) | (u32)ret);
		if (ret)
			break;
		started++;
	}
	deadline = read_cntvct() + 10 * read_cntfrq();
	do {
		seen = 0;
		for (i = 1; i <= started; i++)
			seen += alive[i];
	} while (seen < started && read_cntvct() < deadline);
	puts_uart("smp: ");
	putc_uart('0' + seen + 1);
	puts_uart(" vCPUs up\n");
	w64(TESTDEV(TESTDEV_CPU_COUNT), seen + 1);
	w64(TESTDEV(TESTDEV_DONE), TESTDEV_DONE_MAGIC);
}
