// SPDX-License-Identifier: GPL-2.0-only
/* Unit tests for core/msgq.c: the bounded message queue. */
#include "rm_test.h"

#define DEPTH 4

static struct msgq_slot slots[DEPTH];
static struct msgq q;

static void fill(u8 *buf, size_t len, u8 seed)
{
	for (size_t i = 0; i < len; i++)
		buf[i] = (u8)(seed + i * 7);
}

TEST(msgq_init_rejects_bad_geometry)
{
	q.depth = 99;
	EXPECT_EQ(msgq_init(&q, slots, 0, 240), GH_ERROR_ARG_INVAL);
	EXPECT_EQ(msgq_init(&q, slots, DEPTH, 0), GH_ERROR_ARG_INVAL);
	EXPECT_EQ(msgq_init(&q, slots, DEPTH, 241), GH_ERROR_ARG_INVAL);
	EXPECT_EQ(q.depth, 99);		/* untouched on error */
	ASSERT_EQ(msgq_init(&q, slots, DEPTH, 240), GH_ERROR_OK);
	EXPECT_EQ(q.depth, DEPTH);
	EXPECT_TRUE(msgq_empty(&q));
	EXPECT_FALSE(msgq_full(&q));
	EXPECT_EQ(msgq_space(&q), DEPTH);
}

TEST(msgq_fifo_order_and_lengths)
{
	u8 in[3][240], out[240];
	size_t lens[3] = { 1, 240, 17 }, size;
	bool flag, wake;

	ASSERT_EQ(msgq_init(&q, slots, DEPTH, 240), GH_ERROR_OK);
	for (int i = 0; i < 3; i++) {
		fill(in[i], lens[i], (u8)(i * 50 + 1));
		ASSERT_EQ(msgq_send(&q, in[i], lens[i], false, &flag, &wake), GH_ERROR_OK);
	}
	EXPECT_EQ(msgq_count(&q), 3);
	for (int i = 0; i < 3; i++) {
		memset(out, 0xEE, sizeof(out));
		ASSERT_EQ(msgq_recv(&q, out, sizeof(out), &size, &flag, &wake), GH_ERROR_OK);
		EXPECT_EQ(size, lens[i]);
		EXPECT_MEMEQ(out, in[i], lens[i]);
		EXPECT_EQ(flag, i < 2);		/* not_empty */
	}
}

TEST(msgq_not_full_and_full_error)
{
	u8 msg[8] = { 1, 2, 3 };
	bool not_full = false, wake;

	ASSERT_EQ(msgq_init(&q, slots, DEPTH, 240), GH_ERROR_OK);
	for (int i = 0; i < DEPTH; i++) {
		ASSERT_EQ(msgq_send(&q, msg, sizeof(msg), false, &not_full, &wake), GH_ERROR_OK);
		EXPECT_EQ(not_full, i < DEPTH - 1);
	}
	not_full = true;
	EXPECT_EQ(msgq_send(&q, msg, sizeof(msg), true, &not_full, &wake),
		  GH_ERROR_MSGQUEUE_FULL);
	EXPECT_FALSE(not_full);
	EXPECT_FALSE(wake);
	EXPECT_EQ(msgq_count(&q), DEPTH);
	/* Full is reported before the size is looked at, as by Gunyah. */
	EXPECT_EQ(msgq_send(&q, msg, 241, false, &not_full, &wake), GH_ERROR_MSGQUEUE_FULL);
}

TEST(msgq_empty_error)
{
	u8 buf[240];
	size_t size = 123;
	bool not_empty = true, wake = true;

	ASSERT_EQ(msgq_init(&q, slots, DEPTH, 240), GH_ERROR_OK);
	EXPECT_EQ(msgq_recv(&q, buf, sizeof(buf), &size, &not_empty, &wake),
		  GH_ERROR_MSGQUEUE_EMPTY);
	EXPECT_FALSE(not_empty);
	EXPECT_FALSE(wake);
	EXPECT_EQ(size, 0);
}

TEST(msgq_receiver_wake_on_first_message_or_push)
{
	u8 msg[4] = { 0 };
	bool not_full, wake;

	ASSERT_EQ(msgq_init(&q, slots, DEPTH, 240), GH_ERROR_OK);
	ASSERT_EQ(msgq_send(&q, msg, 4, false, &not_full, &wake), GH_ERROR_OK);
	EXPECT_TRUE(wake);		/* empty -> non-empty */
	ASSERT_EQ(msgq_send(&q, msg, 4, false, &not_full, &wake), GH_ERROR_OK);
	EXPECT_FALSE(wake);
	ASSERT_EQ(msgq_send(&q, msg, 4, true, &not_full, &wake), GH_ERROR_OK);
	EXPECT_TRUE(wake);		/* push */
}

TEST(msgq_sender_wake_only_when_leaving_full)
{
	u8 msg[4] = { 0 }, buf[240];
	size_t size;
	bool flag, wake;

	ASSERT_EQ(msgq_init(&q, slots, DEPTH, 240), GH_ERROR_OK);
	for (int i = 0; i < DEPTH; i++)
		ASSERT_EQ(msgq_send(&q, msg, 4, false, &flag, &wake), GH_ERROR_OK);
	for (int i = 0; i < DEPTH; i++) {
		ASSERT_EQ(msgq_recv(&q, buf, sizeof(buf), &size, &flag, &wake), GH_ERROR_OK);
		EXPECT_EQ(wake, i == 0);
	}
}

TEST(msgq_send_arg_size)
{
	u8 msg[241] = { 0 };
	bool not_full = false, wake = true;

	ASSERT_EQ(msgq_init(&q, slots, DEPTH, 240), GH_ERROR_OK);
	EXPECT_EQ(msgq_send(&q, msg, 241, false, &not_full, &wake), GH_ERROR_ARG_SIZE);
	EXPECT_TRUE(not_full);
	EXPECT_FALSE(wake);
	EXPECT_EQ(msgq_send(&q, msg, 0, false, &not_full, &wake), GH_ERROR_ARG_SIZE);
	EXPECT_TRUE(msgq_empty(&q));
	EXPECT_EQ(msgq_send(&q, msg, 240, false, &not_full, &wake), GH_ERROR_OK);

	/* A smaller configured limit is enforced too. */
	ASSERT_EQ(msgq_init(&q, slots, DEPTH, 16), GH_ERROR_OK);
	EXPECT_EQ(msgq_send(&q, msg, 17, false, &not_full, &wake), GH_ERROR_ARG_SIZE);
	EXPECT_EQ(msgq_send(&q, msg, 16, false, &not_full, &wake), GH_ERROR_OK);
}

TEST(msgq_recv_small_buffer_keeps_message)
{
	u8 msg[100], buf[240];
	size_t size = 77;
	bool not_empty = false, wake = true;

	fill(msg, sizeof(msg), 3);
	ASSERT_EQ(msgq_init(&q, slots, DEPTH, 240), GH_ERROR_OK);
	ASSERT_EQ(msgq_send(&q, msg, sizeof(msg), false, &not_empty, &wake), GH_ERROR_OK);
	memset(buf, 0xEE, sizeof(buf));
	EXPECT_EQ(msgq_recv(&q, buf, 99, &size, &not_empty, &wake), GH_ERROR_ARG_SIZE);
	EXPECT_EQ(size, 0);
	EXPECT_TRUE(not_empty);
	EXPECT_FALSE(wake);
	EXPECT_EQ(buf[0], 0xEE);	/* nothing copied */
	EXPECT_EQ(msgq_count(&q), 1);
	ASSERT_EQ(msgq_recv(&q, buf, 100, &size, &not_empty, &wake), GH_ERROR_OK);
	EXPECT_EQ(size, 100);
	EXPECT_MEMEQ(buf, msg, 100);
	EXPECT_FALSE(not_empty);
}

TEST(msgq_wraps_around)
{
	u8 msg[240], buf[240];
	size_t size;
	bool flag, wake;
	int sent = 0, got = 0;

	ASSERT_EQ(msgq_init(&q, slots, DEPTH, 240), GH_ERROR_OK);
	/* Keep 0..3 messages in flight over many laps of the ring. */
	for (int step = 0; step < 200; step++) {
		if (step % 5 != 4 && !msgq_full(&q)) {
			fill(msg, 240, (u8)sent);
			ASSERT_EQ(msgq_send(&q, msg, 1 + sent % 240, false, &flag, &wake),
				  GH_ERROR_OK);
			sent++;
		} else if (!msgq_empty(&q)) {
			ASSERT_EQ(msgq_recv(&q, buf, sizeof(buf), &size, &flag, &wake),
				  GH_ERROR_OK);
			fill(msg, 240, (u8)got);
			EXPECT_EQ(size, 1 + got % 240);
			EXPECT_MEMEQ(buf, msg, size);
			got++;
		}
		EXPECT_EQ(msgq_count(&q), sent - got);
	}
	EXPECT_TRUE(sent > 2 * DEPTH);
}

TEST(msgq_flush_empties_and_reports_full)
{
	u8 msg[4] = { 9 }, buf[240];
	size_t size;
	bool flag, wake;

	ASSERT_EQ(msgq_init(&q, slots, DEPTH, 240), GH_ERROR_OK);
	ASSERT_EQ(msgq_send(&q, msg, 4, false, &flag, &wake), GH_ERROR_OK);
	EXPECT_FALSE(msgq_flush(&q));
	EXPECT_TRUE(msgq_empty(&q));
	EXPECT_EQ(msgq_recv(&q, buf, sizeof(buf), &size, &flag, &wake),
		  GH_ERROR_MSGQUEUE_EMPTY);

	for (int i = 0; i < DEPTH; i++)
		ASSERT_EQ(msgq_send(&q, msg, 4, false, &flag, &wake), GH_ERROR_OK);
	EXPECT_TRUE(msgq_flush(&q));
	EXPECT_FALSE(msgq_flush(&q));

	/* Usable afterwards, with a fresh order. */
	msg[0] = 42;
	ASSERT_EQ(msgq_send(&q, msg, 3, false, &flag, &wake), GH_ERROR_OK);
	EXPECT_TRUE(wake);
	ASSERT_EQ(msgq_recv(&q, buf, sizeof(buf), &size, &flag, &wake), GH_ERROR_OK);
	EXPECT_EQ(size, 3);
	EXPECT_EQ(buf[0], 42);
}
