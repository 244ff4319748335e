// SPDX-License-Identifier: GPL-2.0-only
/* Power-off paths shared by every payload. */
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
