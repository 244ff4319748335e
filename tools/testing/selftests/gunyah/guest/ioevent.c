// SPDX-License-Identifier: GPL-2.0-only
/*
 * ioevent: the stores of ioevent.h to GUEST_IOEVT_BASE, in order, then
 * TESTDEV_DONE. Stores matching an ioeventfd must not reach the VMM.
 */
#include "guest_lib.h"
#include "ioevent.h"

void guest_main(u64 dtb)
{
	unsigned int i;

	for (i = 0; i < sizeof(ioevt_writes) / sizeof(ioevt_writes[0]); i++) {
		u64 a = GUEST_IOEVT_BASE + ioevt_writes[i].off;
		u64 v = ioevt_writes[i].data;

		switch (ioevt_writes[i].len) {
		case 1:
			w8(a, v);
			break;
		case 2:
			w16(a, v);
			break;
		case 4:
			w32(a, v);
			break;
		default:
			w64(a, v);
			break;
		}
	}
	w64(TESTDEV(TESTDEV_DONE), TESTDEV_DONE_MAGIC);
}
