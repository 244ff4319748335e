// SPDX-License-Identifier: GPL-2.0-only
/*
 * hello: print through the PL011 (MMIO exits to the VMM), report x0 (the
 * DTB IPA) to the test device, power off with PSCI SYSTEM_OFF.
 */
#include "guest_lib.h"

void guest_main(u64 dtb)
{
	u64 magic = r32(dtb);
	s64 ver = hvc(PSCI_VERSION, 0, 0, 0);

	puts_uart("Hello from a Gunyah guest! vCPU ");
	putc_uart('0' + (read_mpidr() & 0xff));
	puts_uart(", DTB at ");
	puthex(dtb);
	puts_uart(magic == 0xedfe0dd0 ? " (valid FDT)" : " (NO FDT MAGIC)");
	puts_uart(", PSCI ");
	putc_uart('0' + ((ver >> 16) & 0xf));
	putc_uart('.');
	putc_uart('0' + (ver & 0xf));
	puts_uart("\nGoodbye: PSCI SYSTEM_OFF\n");
	report(dtb);
	report(magic);
}
