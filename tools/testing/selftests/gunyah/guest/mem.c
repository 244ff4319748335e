// SPDX-License-Identifier: GPL-2.0-only
/*
 * mem: write a pattern at MEMTEST_GUEST_OFF of guest RAM, read the host's
 * at MEMTEST_HOST_OFF and report its first word and the number of words
 * that match, then power off.
 */
#include "guest_lib.h"

void guest_main(u64 dtb)
{
	volatile u64 *g = (volatile u64 *)(GUEST_RAM_BASE + MEMTEST_GUEST_OFF);
	volatile u64 *h = (volatile u64 *)(GUEST_RAM_BASE + MEMTEST_HOST_OFF);
	u64 i, match = 0;

	for (i = 0; i < MEMTEST_WORDS; i++)
		g[i] = MEMTEST_GUEST_WORD(i);
	for (i = 0; i < MEMTEST_WORDS; i++)
		match += h[i] == MEMTEST_HOST_WORD(i);
	puts_uart("mem: pattern written\n");
	report(h[0]);
	report(match);
	w64(TESTDEV(TESTDEV_DONE), TESTDEV_DONE_MAGIC);
}
