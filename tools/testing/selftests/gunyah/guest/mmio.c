// SPDX-License-Identifier: GPL-2.0-only
/*
 * mmio: loads of every size (zero- and sign-extending) from the test device,
 * each loaded register value reported back, then stores of every size.
 */
#include "guest_lib.h"

#define RD(off)	TESTDEV(TESTDEV_READ_BASE + (off))
#define WR(off)	TESTDEV(TESTDEV_WRITE_BASE + (off))

void guest_main(u64 dtb)
{
	puts_uart("mmio: loads\n");
	report(r8(RD(0x00)));
	report(r16(RD(0x02)));
	report(r32(RD(0x04)));
	report(r64(RD(0x08)));
	report(r8sx(RD(0x10)));
	report(r16sx(RD(0x12)));
	report(r32sx(RD(0x14)));
	report(r8sw(RD(0x18)));
	report(r16sw(RD(0x1a)));
	puts_uart("mmio: stores\n");
	w8(WR(0x01), 0xa5);
	w16(WR(0x02), 0xbeef);
	w32(WR(0x04), 0xcafef00d);
	w64(WR(0x08), 0x0123456789abcdefUL);
	w64(TESTDEV(TESTDEV_DONE), TESTDEV_DONE_MAGIC);
}
