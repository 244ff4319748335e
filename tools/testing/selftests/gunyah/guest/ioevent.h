/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The writes of the ioevent payload, in order: shared by the payload and
 * gunyah_irq_test, which registers ioeventfds for some of them and checks
 * that exactly the others exit to userspace.
 */
#ifndef GUNYAH_GUEST_IOEVENT_H
#define GUNYAH_GUEST_IOEVENT_H

#include "guest.h"

#define IOEVT_MATCH64	0x1122334455667788ULL
#define IOEVT_MATCH16	0xbeefULL

struct ioevt_write {
	unsigned long long off;		/* from GUEST_IOEVT_BASE */
	unsigned int len;
	unsigned long long data;
};

static const struct ioevt_write ioevt_writes[] = {
	{ 0x00, 4, 1 },			/* +0x00: any value, 32-bit */
	{ 0x00, 4, 2 },
	{ 0x00, 4, 3 },
	{ 0x18, 1, 0x5a },		/* +0x18: 8-bit */
	{ 0x08, 8, IOEVT_MATCH64 },	/* +0x08: 64-bit, datamatch */
	{ 0x08, 8, 0xdead },
	{ 0x08, 8, IOEVT_MATCH64 },
	{ 0x10, 2, IOEVT_MATCH16 },	/* +0x10: 16-bit, datamatch */
	{ 0x10, 2, 0xbeee },
	{ 0x10, 4, IOEVT_MATCH16 },	/* the right value, the wrong size */
	{ 0x20, 4, 7 },			/* +0x20: a length-0 (any size) one */
	{ 0x20, 2, 8 },
	{ 0x28, 8, 9 },			/* never registered */
};

#endif /* GUNYAH_GUEST_IOEVENT_H */
