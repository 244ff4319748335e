// SPDX-License-Identifier: GPL-2.0-only
/*
 * libFuzzer target for the RM's RPC parser: the input is a script of host
 * actions on the two RM message queues (send a packet of the given bytes,
 * receive, flush), so the fuzzer can build fragmented messages, bad headers,
 * truncated and overlong payloads and lists whose counts overflow the
 * message. After every action the queue invariants must hold; ASan/UBSan
 * catch the rest. Built with clang by `make -C hyp-stub fuzz`.
 *
 * Script: repeated { u8 op; u8 len; u8 bytes[len] } with op % 4:
 * 0 send the bytes as one packet, 1 receive one packet, 2 flush TX (and RX
 * if bit 2 of op), 3 send back the last packet received; then the RM's
 * clock moves on by ((op >> 3) & 3) * 2 ms.
 */
#include <stdio.h>
#include <stdlib.h>

#include "../rm_test.h"

/* unit.h's failure hook: a broken invariant is a crash for libFuzzer. */
void unit_fail(const char *file, int line, const char *expr, long long a,
	       long long b)
{
	fprintf(stderr, "%s:%d: check failed: %s (%lld vs %lld)\n", file, line,
		expr, a, b);
	abort();
}

static void check_invariants(void)
{
	EXPECT_TRUE(msgq_count(&rm_host_tx) <= RM_MSGQ_DEPTH);
	EXPECT_TRUE(msgq_count(&rm_host_rx) <= RM_MSGQ_DEPTH);
	EXPECT_TRUE(msgq_count(&rm_outbox) <= RM_OUTBOX_DEPTH);
	/* The RM only stops while RX is full. */
	if (!msgq_empty(&rm_outbox) || !msgq_empty(&rm_host_tx))
		EXPECT_TRUE(msgq_full(&rm_host_rx));
}

/* A packet the host receives is framed: at least the 8-byte header. */
static void recv_one(u8 *last, size_t *last_len)
{
	u8 buf[RM_MSGQ_MSG_SIZE];
	bool not_empty;
	size_t size = 0;

	if (rm_host_msgq_recv(buf, sizeof(buf), &size, &not_empty) ==
	    GH_ERROR_OK) {
		EXPECT_TRUE(size >= 8 && size <= RM_MSGQ_MSG_SIZE);
		memcpy(last, buf, size);
		*last_len = size;
	}
}

int LLVMFuzzerTestOneInput(const u8 *data, size_t size)
{
	u8 last[RM_MSGQ_MSG_SIZE];
	size_t last_len = 0;

	rm_test_reset();
	while (size >= 2) {
		u8 op = data[0], len = data[1];

		data += 2;
		size -= 2;
		if (len > size)
			len = (u8)size;
		switch (op % 4) {
		case 0:
			host_send(data, len);
			data += len;
			size -= len;
			break;
		case 1:
			recv_one(last, &last_len);
			break;
		case 2:
			rm_host_msgq_flush(true);
			if (op & 4)
				rm_host_msgq_flush(false);
			break;
		default:
			if (last_len)
				host_send(last, last_len);
			break;
		}
		/* Time passes: the RM's due work (VM_RESET's end) runs. */
		mock_advance_us(((op >> 3) & 3) * 2000);
		check_invariants();
	}
	/* Drain: everything queued must come out well framed. */
	for (unsigned int i = 0; i < 4 * RM_OUTBOX_DEPTH; i++)
		recv_one(last, &last_len);
	check_invariants();
	return 0;
}
