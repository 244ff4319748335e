// SPDX-License-Identifier: GPL-2.0-only
/* reset: PSCI SYSTEM_RESET; if that returns, report its value and power off. */
#include "guest_lib.h"

void guest_main(u64 dtb)
{
	puts_uart("reset: PSCI SYSTEM_RESET\n");
	report(hvc(PSCI_SYSTEM_RESET, 0, 0, 0));
}
