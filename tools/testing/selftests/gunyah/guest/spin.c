// SPDX-License-Identifier: GPL-2.0-only
/* spin: run forever, writing a counter to the test device (a heartbeat). */
#include "guest_lib.h"

void guest_main(u64 dtb)
{
	u64 n = 0;

	puts_uart("spin: running until killed\n");
	for (;;)
		w64(TESTDEV(TESTDEV_HEARTBEAT), n++);
}
