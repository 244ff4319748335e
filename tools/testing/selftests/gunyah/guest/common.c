// SPDX-License-Identifier: GPL-2.0-only
/* Power-off paths and vCPU bring-up shared by every payload. */
#include "guest_lib.h"

void psci_system_off(void)
{
	for (;;) {
		hvc(PSCI_SYSTEM_OFF, 0, 0, 0);
		asm volatile("wfi");
	}
}

void psci_cpu_off(void)
{
	for (;;) {
		hvc(PSCI_CPU_OFF, 0, 0, 0);
		asm volatile("wfi");
	}
}

/*
 * PSCI CPU_ON each further vCPU until one fails, reporting every result,
 * then wait up to 10 s for the started ones to set their @alive flag.
 * Returns how many vCPUs are up, this one included.
 */
u64 start_secondaries(volatile u64 *alive)
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
	return seen + 1;
}
