// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit tests of the Gunyah Resource Manager RPC core, run against a fake
 * transport that records the packets sent and injects the packets received.
 */

#include <kunit/device.h>
#include <kunit/test.h>
#include <linux/bitfield.h>
#include <linux/gunyah.h>
#include <linux/kthread.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/unaligned.h>
#include <linux/wait.h>
#include <linux/workqueue.h>

#include "rsc_mgr.h"
#include "rsc_mgr_rpc.h"
#include "vm_mgr.h"

#define TEST_TIMEOUT		(5 * HZ)
#define TEST_MAX_PACKETS	128
#define TEST_MAX_CALLS		8
#define TEST_MSG_ID		0x56000099

enum test_call_kind {
	TEST_CALL_RAW,
	TEST_CALL_ALLOC_VMID,
	TEST_CALL_DEALLOC_VMID,
	TEST_CALL_GET_VMID,
	TEST_CALL_FN,
};

struct test_packet {
	u8 data[GUNYAH_RM_PACKET_SIZE];
	size_t size;
	unsigned int flags;
};

/* A call made from a work item, so that the test can answer it. */
struct test_call {
	struct work_struct work;
	struct gunyah_rm *rm;
	enum test_call_kind kind;
	u32 msg_id;
	const void *req;
	size_t req_size;
	u16 vmid;
	int (*fn)(struct test_call *call);
	void *data;
	void *resp;
	size_t resp_size;
	int ret;
	struct completion done;
};

struct test_ctx {
	struct gunyah_rm_transport transport;
	struct kunit *test;
	struct gunyah_rm *rm;

	spinlock_t lock;		/* protects the packet log */
	struct test_packet packets[TEST_MAX_PACKETS];
	unsigned int num_packets;
	int fail_at;			/* packet index whose send fails */
	wait_queue_head_t wq;

	struct test_call *calls[TEST_MAX_CALLS];
	unsigned int num_calls;
};

static int test_transport_send(struct gunyah_rm_transport *transport,
			       const void *buf, size_t size, unsigned int flags)
{
	struct test_ctx *ctx = container_of(transport, struct test_ctx,
					    transport);
	struct test_packet *packet;
	int ret = 0;

	spin_lock(&ctx->lock);
	if (ctx->num_packets == ctx->fail_at) {
		ret = -EIO;
	} else if (ctx->num_packets == TEST_MAX_PACKETS ||
		   size > GUNYAH_RM_PACKET_SIZE) {
		ret = -ENOSPC;
	} else {
		packet = &ctx->packets[ctx->num_packets];
		memcpy(packet->data, buf, size);
		packet->size = size;
		packet->flags = flags;
		ctx->num_packets++;
	}
	spin_unlock(&ctx->lock);

	wake_up_all(&ctx->wq);

	return ret;
}

static unsigned int test_num_packets(struct test_ctx *ctx)
{
	unsigned int n;

	spin_lock(&ctx->lock);
	n = ctx->num_packets;
	spin_unlock(&ctx->lock);

	return n;
}

/* Wait until @n packets were sent in all. */
static void test_wait_packets(struct kunit *test, unsigned int n)
{
	struct test_ctx *ctx = test->priv;
	long left;

	left = wait_event_timeout(ctx->wq, test_num_packets(ctx) >= n,
				  TEST_TIMEOUT);
	KUNIT_ASSERT_GT_MSG(test, left, 0, "only %u of %u packets sent",
			    test_num_packets(ctx), n);
}

static const struct gunyah_rm_rpc_hdr *test_packet_hdr(struct test_ctx *ctx,
						       unsigned int i)
{
	return (const struct gunyah_rm_rpc_hdr *)ctx->packets[i].data;
}

static u16 test_packet_seq(struct test_ctx *ctx, unsigned int i)
{
	return le16_to_cpu(test_packet_hdr(ctx, i)->seq);
}

static u32 test_packet_msg_id(struct test_ctx *ctx, unsigned int i)
{
	return le32_to_cpu(test_packet_hdr(ctx, i)->msg_id);
}

static void test_call_work(struct work_struct *work)
{
	struct test_call *call = container_of(work, struct test_call, work);
	u16 vmid;

	switch (call->kind) {
	case TEST_CALL_RAW:
		call->ret = gunyah_rm_call(call->rm, call->msg_id, call->req,
					   call->req_size, &call->resp,
					   &call->resp_size);
		break;
	case TEST_CALL_ALLOC_VMID:
		call->ret = gunyah_rm_alloc_vmid(call->rm, call->vmid);
		break;
	case TEST_CALL_DEALLOC_VMID:
		call->ret = gunyah_rm_dealloc_vmid(call->rm, call->vmid);
		break;
	case TEST_CALL_GET_VMID:
		call->ret = gunyah_rm_get_vmid(call->rm, &vmid);
		if (!call->ret)
			call->vmid = vmid;
		break;
	case TEST_CALL_FN:
		call->ret = call->fn(call);
		break;
	}

	complete(&call->done);
}

static struct test_call *test_start(struct kunit *test,
				    enum test_call_kind kind, u32 msg_id,
				    const void *req, size_t req_size, u16 vmid)
{
	struct test_ctx *ctx = test->priv;
	struct test_call *call;

	KUNIT_ASSERT_LT(test, ctx->num_calls, TEST_MAX_CALLS);

	call = kunit_kzalloc(test, sizeof(*call), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, call);

	INIT_WORK(&call->work, test_call_work);
	init_completion(&call->done);
	call->rm = ctx->rm;
	call->kind = kind;
	call->msg_id = msg_id;
	call->req = req;
	call->req_size = req_size;
	call->vmid = vmid;
	ctx->calls[ctx->num_calls++] = call;

	queue_work(system_unbound_wq, &call->work);

	return call;
}

/* Make the calls of @fn from a work item. */
static struct test_call *test_start_fn(struct kunit *test,
				       int (*fn)(struct test_call *call),
				       void *data)
{
	struct test_ctx *ctx = test->priv;
	struct test_call *call;

	KUNIT_ASSERT_LT(test, ctx->num_calls, TEST_MAX_CALLS);

	call = kunit_kzalloc(test, sizeof(*call), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, call);

	INIT_WORK(&call->work, test_call_work);
	init_completion(&call->done);
	call->rm = ctx->rm;
	call->kind = TEST_CALL_FN;
	call->fn = fn;
	call->data = data;
	ctx->calls[ctx->num_calls++] = call;

	queue_work(system_unbound_wq, &call->work);

	return call;
}

static struct test_call *test_start_call(struct kunit *test, u32 msg_id,
					 const void *req, size_t req_size)
{
	return test_start(test, TEST_CALL_RAW, msg_id, req, req_size, 0);
}

static void test_wait_call(struct kunit *test, struct test_call *call)
{
	unsigned long left;

	left = wait_for_completion_timeout(&call->done, TEST_TIMEOUT);
	KUNIT_ASSERT_GT_MSG(test, left, 0, "call %#x did not return",
			    call->msg_id);
}

static bool test_call_returned(struct test_call *call)
{
	return completion_done(&call->done);
}

/* Inject one packet. */
static int test_inject(struct kunit *test, u8 type, u8 fragments, u16 seq,
		       u32 msg_id, const void *payload, size_t size)
{
	struct test_ctx *ctx = test->priv;
	u8 packet[GUNYAH_RM_PACKET_SIZE] = {};
	struct gunyah_rm_rpc_hdr *hdr = (struct gunyah_rm_rpc_hdr *)packet;

	KUNIT_ASSERT_LE(test, size, GUNYAH_RM_PAYLOAD_SIZE);

	hdr->api = GUNYAH_RM_RPC_API;
	hdr->type = FIELD_PREP(GUNYAH_RM_RPC_TYPE_MASK, type) |
		    FIELD_PREP(GUNYAH_RM_RPC_FRAGMENTS_MASK, fragments);
	hdr->seq = cpu_to_le16(seq);
	hdr->msg_id = cpu_to_le32(msg_id);
	if (size)
		memcpy(packet + sizeof(*hdr), payload, size);

	return gunyah_rm_core_rx(ctx->rm, packet, sizeof(*hdr) + size);
}

/* Inject a whole message, split into packets like the RM does. */
static void test_inject_msg(struct kunit *test, u8 type, u16 seq, u32 msg_id,
			    const void *payload, size_t size)
{
	unsigned int fragments, i;
	size_t offset = 0, chunk;

	fragments = size ? DIV_ROUND_UP(size, GUNYAH_RM_PAYLOAD_SIZE) - 1 : 0;
	KUNIT_ASSERT_LE(test, fragments, GUNYAH_RM_MAX_FRAGMENTS);

	for (i = 0; i <= fragments; i++) {
		chunk = min_t(size_t, size - offset, GUNYAH_RM_PAYLOAD_SIZE);
		KUNIT_ASSERT_EQ(test,
				test_inject(test,
					    i ? GUNYAH_RM_RPC_TYPE_CONTINUATION :
						type,
					    fragments, seq, msg_id,
					    payload + offset, chunk),
				0);
		offset += chunk;
	}
}

/* Inject a reply: the RM error code, then @size bytes of @data. */
static void test_inject_reply(struct kunit *test, u16 seq, u32 msg_id,
			      u32 rm_error, const void *data, size_t size)
{
	u8 *buf;

	buf = kunit_kmalloc(test, sizeof(__le32) + size, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, buf);

	put_unaligned_le32(rm_error, buf);
	if (size)
		memcpy(buf + sizeof(__le32), data, size);

	test_inject_msg(test, GUNYAH_RM_RPC_TYPE_REPLY, seq, msg_id, buf,
			sizeof(__le32) + size);
}

static u8 *test_pattern(struct kunit *test, size_t size, u8 seed)
{
	u8 *buf;
	size_t i;

	buf = kunit_kmalloc(test, size ?: 1, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, buf);

	for (i = 0; i < size; i++)
		buf[i] = (u8)(i * 7 + seed);

	return buf;
}

static int gunyah_rm_test_init(struct kunit *test)
{
	struct test_ctx *ctx;
	struct device *dev;

	ctx = kunit_kzalloc(test, sizeof(*ctx), GFP_KERNEL);
	if (!ctx)
		return -ENOMEM;

	dev = kunit_device_register(test, "gunyah-rm-test");
	if (IS_ERR(dev))
		return PTR_ERR(dev);

	ctx->test = test;
	ctx->transport.send = test_transport_send;
	ctx->fail_at = -1;
	spin_lock_init(&ctx->lock);
	init_waitqueue_head(&ctx->wq);

	ctx->rm = gunyah_rm_core_create(dev, &ctx->transport);
	if (IS_ERR(ctx->rm))
		return PTR_ERR(ctx->rm);

	test->priv = ctx;

	return 0;
}

static void gunyah_rm_test_exit(struct kunit *test)
{
	struct test_ctx *ctx = test->priv;
	unsigned int i;

	if (!ctx)
		return;

	/* Fails whatever call is still waiting, so the work items end. */
	gunyah_rm_core_stop(ctx->rm);

	for (i = 0; i < ctx->num_calls; i++) {
		flush_work(&ctx->calls[i]->work);
		kfree(ctx->calls[i]->resp);
	}

	gunyah_rm_put(ctx->rm);
}

struct test_frag_case {
	size_t size;
	unsigned int packets;
};

static const struct test_frag_case test_frag_cases[] = {
	{ 0, 1 },
	{ 1, 1 },
	{ 231, 1 },
	{ 232, 1 },
	{ 233, 2 },
	{ 464, 2 },
	{ 465, 3 },
	{ GUNYAH_RM_MAX_MSG_SIZE - 1, 63 },
	{ GUNYAH_RM_MAX_MSG_SIZE, 63 },
};

static void test_frag_case_desc(const struct test_frag_case *c, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "%zu bytes in %u packets",
		 c->size, c->packets);
}

KUNIT_ARRAY_PARAM(test_frag, test_frag_cases, test_frag_case_desc);

/* Requests are split at 232-byte boundaries, PUSH on the last packet. */
static void gunyah_rm_test_request_fragments(struct kunit *test)
{
	const struct test_frag_case *fc = test->param_value;
	struct test_ctx *ctx = test->priv;
	struct test_call *call;
	size_t offset = 0;
	unsigned int i;
	u8 *req;
	u16 seq;

	req = test_pattern(test, fc->size, 1);
	call = test_start_call(test, TEST_MSG_ID, req, fc->size);

	test_wait_packets(test, fc->packets);
	KUNIT_EXPECT_EQ(test, test_num_packets(ctx), fc->packets);

	seq = test_packet_seq(ctx, 0);
	for (i = 0; i < fc->packets; i++) {
		const struct test_packet *packet = &ctx->packets[i];
		const struct gunyah_rm_rpc_hdr *hdr = test_packet_hdr(ctx, i);
		bool last = i == fc->packets - 1;
		size_t chunk = packet->size - sizeof(*hdr);

		KUNIT_EXPECT_EQ(test, hdr->api, 0x21);
		KUNIT_EXPECT_EQ(test,
				FIELD_GET(GUNYAH_RM_RPC_TYPE_MASK, hdr->type),
				i ? GUNYAH_RM_RPC_TYPE_CONTINUATION :
				    GUNYAH_RM_RPC_TYPE_REQUEST);
		KUNIT_EXPECT_EQ(test,
				FIELD_GET(GUNYAH_RM_RPC_FRAGMENTS_MASK,
					  hdr->type),
				fc->packets - 1);
		KUNIT_EXPECT_EQ(test, test_packet_seq(ctx, i), seq);
		KUNIT_EXPECT_EQ(test, test_packet_msg_id(ctx, i), TEST_MSG_ID);
		KUNIT_EXPECT_EQ(test, !!(packet->flags & GUNYAH_RM_TX_PUSH),
				last);
		/* Only the wait for the first packet may end on a signal */
		KUNIT_EXPECT_EQ(test, !!(packet->flags & GUNYAH_RM_TX_KILLABLE),
				!i);
		if (!last)
			KUNIT_EXPECT_EQ(test, packet->size,
					GUNYAH_RM_PACKET_SIZE);
		KUNIT_ASSERT_LE(test, offset + chunk, fc->size);
		KUNIT_EXPECT_MEMEQ(test, packet->data + sizeof(*hdr),
				   req + offset, chunk);
		offset += chunk;
	}
	KUNIT_EXPECT_EQ(test, offset, fc->size);

	KUNIT_EXPECT_FALSE(test, test_call_returned(call));
	test_inject_reply(test, seq, TEST_MSG_ID, GUNYAH_RM_ERROR_OK, NULL, 0);
	test_wait_call(test, call);
	KUNIT_EXPECT_EQ(test, call->ret, 0);
	KUNIT_EXPECT_NULL(test, call->resp);
	KUNIT_EXPECT_EQ(test, call->resp_size, 0);
}

/* A request needing more than 62 continuations is refused unsent. */
static void gunyah_rm_test_request_too_long(struct kunit *test)
{
	struct test_ctx *ctx = test->priv;
	size_t resp_size;
	void *resp;
	u8 *req;

	req = test_pattern(test, GUNYAH_RM_MAX_MSG_SIZE + 1, 2);

	KUNIT_EXPECT_EQ(test, gunyah_rm_call(ctx->rm, TEST_MSG_ID, req,
					     GUNYAH_RM_MAX_MSG_SIZE + 1,
					     &resp, &resp_size),
			-E2BIG);
	KUNIT_EXPECT_EQ(test, gunyah_rm_call(ctx->rm, TEST_MSG_ID, NULL, 4,
					     &resp, &resp_size),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, gunyah_rm_call(ctx->rm, TEST_MSG_ID, NULL, 0,
					     &resp, NULL),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, test_num_packets(ctx), 0);
}

/* A reply in several packets is reassembled; the error code is split off. */
static void gunyah_rm_test_reply_reassembly(struct kunit *test)
{
	struct test_ctx *ctx = test->priv;
	struct test_call *call;
	u8 *data;

	data = test_pattern(test, 700, 3);
	call = test_start_call(test, TEST_MSG_ID, NULL, 0);
	test_wait_packets(test, 1);

	/* 704 bytes: 232 + 232 + 232 + 8 */
	test_inject_reply(test, test_packet_seq(ctx, 0), TEST_MSG_ID,
			  GUNYAH_RM_ERROR_OK, data, 700);

	test_wait_call(test, call);
	KUNIT_EXPECT_EQ(test, call->ret, 0);
	KUNIT_ASSERT_EQ(test, call->resp_size, 700);
	KUNIT_EXPECT_MEMEQ(test, call->resp, data, 700);
}

/* Exactly 62 continuations are fine; a header announcing 63 is not. */
static void gunyah_rm_test_reply_max_fragments(struct kunit *test)
{
	size_t size = GUNYAH_RM_MAX_MSG_SIZE - sizeof(__le32);
	struct test_ctx *ctx = test->priv;
	struct test_call *call;
	u8 *data;
	u16 seq;

	data = test_pattern(test, size, 4);
	call = test_start_call(test, TEST_MSG_ID, NULL, 0);
	test_wait_packets(test, 1);
	seq = test_packet_seq(ctx, 0);

	KUNIT_EXPECT_EQ(test, test_inject(test, GUNYAH_RM_RPC_TYPE_REPLY, 63,
					  seq, TEST_MSG_ID, data,
					  GUNYAH_RM_PAYLOAD_SIZE),
			-EINVAL);
	KUNIT_EXPECT_FALSE(test, test_call_returned(call));

	test_inject_reply(test, seq, TEST_MSG_ID, GUNYAH_RM_ERROR_OK, data,
			  size);

	test_wait_call(test, call);
	KUNIT_EXPECT_EQ(test, call->ret, 0);
	KUNIT_ASSERT_EQ(test, call->resp_size, size);
	KUNIT_EXPECT_MEMEQ(test, call->resp, data, size);
}

/* Continuations that are out of order or do not match are dropped. */
static void gunyah_rm_test_continuation_mismatch(struct kunit *test)
{
	const size_t total = 3 * GUNYAH_RM_PAYLOAD_SIZE;
	struct test_ctx *ctx = test->priv;
	const u8 *junk = test_pattern(test, GUNYAH_RM_PAYLOAD_SIZE, 0x55);
	struct test_call *call;
	u8 *full;
	u16 seq;

	/* The reply payload: error code, then data */
	full = test_pattern(test, total, 5);
	put_unaligned_le32(GUNYAH_RM_ERROR_OK, full);

	call = test_start_call(test, TEST_MSG_ID, NULL, 0);
	test_wait_packets(test, 1);
	seq = test_packet_seq(ctx, 0);

	/* A continuation before any first packet */
	KUNIT_EXPECT_EQ(test, test_inject(test, GUNYAH_RM_RPC_TYPE_CONTINUATION,
					  2, seq, TEST_MSG_ID, junk,
					  GUNYAH_RM_PAYLOAD_SIZE),
			-EINVAL);

	KUNIT_EXPECT_EQ(test, test_inject(test, GUNYAH_RM_RPC_TYPE_REPLY, 2, seq,
					  TEST_MSG_ID, full,
					  GUNYAH_RM_PAYLOAD_SIZE),
			0);

	/* Wrong message ID, sequence or fragment count */
	KUNIT_EXPECT_EQ(test, test_inject(test, GUNYAH_RM_RPC_TYPE_CONTINUATION,
					  2, seq, TEST_MSG_ID + 1, junk,
					  GUNYAH_RM_PAYLOAD_SIZE),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, test_inject(test, GUNYAH_RM_RPC_TYPE_CONTINUATION,
					  2, seq + 1, TEST_MSG_ID, junk,
					  GUNYAH_RM_PAYLOAD_SIZE),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, test_inject(test, GUNYAH_RM_RPC_TYPE_CONTINUATION,
					  3, seq, TEST_MSG_ID, junk,
					  GUNYAH_RM_PAYLOAD_SIZE),
			-EINVAL);

	KUNIT_EXPECT_EQ(test, test_inject(test, GUNYAH_RM_RPC_TYPE_CONTINUATION,
					  2, seq, TEST_MSG_ID,
					  full + GUNYAH_RM_PAYLOAD_SIZE,
					  GUNYAH_RM_PAYLOAD_SIZE),
			0);
	KUNIT_EXPECT_FALSE(test, test_call_returned(call));
	KUNIT_EXPECT_EQ(test, test_inject(test, GUNYAH_RM_RPC_TYPE_CONTINUATION,
					  2, seq, TEST_MSG_ID,
					  full + 2 * GUNYAH_RM_PAYLOAD_SIZE,
					  GUNYAH_RM_PAYLOAD_SIZE),
			0);

	test_wait_call(test, call);
	KUNIT_EXPECT_EQ(test, call->ret, 0);
	KUNIT_ASSERT_EQ(test, call->resp_size, total - sizeof(__le32));
	KUNIT_EXPECT_MEMEQ(test, call->resp, full + sizeof(__le32),
			   total - sizeof(__le32));

	/* Once the message is complete, a further continuation is stray */
	KUNIT_EXPECT_EQ(test, test_inject(test, GUNYAH_RM_RPC_TYPE_CONTINUATION,
					  2, seq, TEST_MSG_ID, junk,
					  GUNYAH_RM_PAYLOAD_SIZE),
			-EINVAL);
}

struct test_notifier {
	struct notifier_block nb;
	struct completion done;
	unsigned int count;
	u32 ids[4];
	size_t size;
	u8 payload[1024];
};

static int test_notifier_call(struct notifier_block *nb, unsigned long action,
			      void *data)
{
	struct test_notifier *tn = container_of(nb, struct test_notifier, nb);
	struct gunyah_rm_notification *notification = data;

	if (tn->count < ARRAY_SIZE(tn->ids))
		tn->ids[tn->count] = action;
	tn->count++;

	WARN_ON(notification->id != action);
	tn->size = min(notification->size, sizeof(tn->payload));
	memcpy(tn->payload, notification->payload, tn->size);

	complete(&tn->done);

	return NOTIFY_OK;
}

static void test_wait_notification(struct kunit *test,
				   struct test_notifier *tn)
{
	unsigned long left;

	left = wait_for_completion_timeout(&tn->done, TEST_TIMEOUT);
	KUNIT_ASSERT_GT_MSG(test, left, 0, "notification not delivered");
}

/* A message cut short by the next one fails its call; the next one counts. */
static void gunyah_rm_test_reply_cut_short(struct kunit *test)
{
	struct test_ctx *ctx = test->priv;
	struct test_notifier *tn;
	struct test_call *call;
	u8 *data;

	tn = kunit_kzalloc(test, sizeof(*tn), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, tn);
	tn->nb.notifier_call = test_notifier_call;
	init_completion(&tn->done);
	KUNIT_ASSERT_EQ(test, gunyah_rm_notifier_register(ctx->rm, &tn->nb), 0);

	data = test_pattern(test, GUNYAH_RM_PAYLOAD_SIZE, 6);
	put_unaligned_le32(GUNYAH_RM_ERROR_OK, data);

	call = test_start_call(test, TEST_MSG_ID, NULL, 0);
	test_wait_packets(test, 1);

	KUNIT_EXPECT_EQ(test, test_inject(test, GUNYAH_RM_RPC_TYPE_REPLY, 1,
					  test_packet_seq(ctx, 0), TEST_MSG_ID,
					  data, GUNYAH_RM_PAYLOAD_SIZE),
			0);
	KUNIT_EXPECT_EQ(test, test_inject(test, GUNYAH_RM_RPC_TYPE_NOTIF, 0, 0,
					  GUNYAH_RM_NOTIFICATION_VM_STATUS,
					  data, 8),
			0);

	test_wait_call(test, call);
	KUNIT_EXPECT_EQ(test, call->ret, -EBADMSG);
	KUNIT_EXPECT_NULL(test, call->resp);

	test_wait_notification(test, tn);
	KUNIT_EXPECT_EQ(test, tn->ids[0], GUNYAH_RM_NOTIFICATION_VM_STATUS);
	KUNIT_EXPECT_EQ(test, tn->size, 8);

	gunyah_rm_notifier_unregister(ctx->rm, &tn->nb);
}

/* Several outstanding calls get their own replies, whatever the order. */
static void gunyah_rm_test_concurrent_calls(struct kunit *test)
{
	struct test_ctx *ctx = test->priv;
	struct test_call *calls[4];
	__le32 req[4], val;
	u16 seqs[4];
	unsigned int i, j;

	for (i = 0; i < ARRAY_SIZE(calls); i++) {
		req[i] = cpu_to_le32(i);
		calls[i] = test_start_call(test, TEST_MSG_ID + i, &req[i],
					   sizeof(req[i]));
	}

	test_wait_packets(test, ARRAY_SIZE(calls));
	KUNIT_ASSERT_EQ(test, test_num_packets(ctx), ARRAY_SIZE(calls));

	for (i = 0; i < ARRAY_SIZE(calls); i++) {
		u32 idx = test_packet_msg_id(ctx, i) - TEST_MSG_ID;

		KUNIT_ASSERT_LT(test, idx, ARRAY_SIZE(calls));
		seqs[idx] = test_packet_seq(ctx, i);
		KUNIT_EXPECT_MEMEQ(test, ctx->packets[i].data + 8, &req[idx],
				   sizeof(req[idx]));
	}
	for (i = 0; i < ARRAY_SIZE(calls); i++)
		for (j = i + 1; j < ARRAY_SIZE(calls); j++)
			KUNIT_EXPECT_NE(test, seqs[i], seqs[j]);

	/* Sequence of one call with the message ID of another: dropped */
	val = cpu_to_le32(0xbad);
	KUNIT_EXPECT_EQ(test, test_inject(test, GUNYAH_RM_RPC_TYPE_REPLY, 0,
					  seqs[0], TEST_MSG_ID + 1, &val,
					  sizeof(val)),
			-EINVAL);
	/* A sequence number nobody waits for: dropped */
	KUNIT_EXPECT_EQ(test, test_inject(test, GUNYAH_RM_RPC_TYPE_REPLY, 0,
					  (u16)(seqs[0] + 1000), TEST_MSG_ID,
					  &val, sizeof(val)),
			-ENOENT);

	for (i = ARRAY_SIZE(calls); i-- > 0;) {
		val = cpu_to_le32(1000 + i);
		KUNIT_EXPECT_FALSE(test, test_call_returned(calls[i]));
		test_inject_reply(test, seqs[i], TEST_MSG_ID + i,
				  GUNYAH_RM_ERROR_OK, &val, sizeof(val));
		test_wait_call(test, calls[i]);
	}

	for (i = 0; i < ARRAY_SIZE(calls); i++) {
		KUNIT_EXPECT_EQ(test, calls[i]->ret, 0);
		KUNIT_ASSERT_EQ(test, calls[i]->resp_size, sizeof(val));
		KUNIT_EXPECT_EQ(test, get_unaligned_le32(calls[i]->resp),
				1000 + i);
	}

	/* Answered: the same reply again finds nobody */
	KUNIT_EXPECT_EQ(test, test_inject(test, GUNYAH_RM_RPC_TYPE_REPLY, 0,
					  seqs[0], TEST_MSG_ID, &val,
					  sizeof(val)),
			-ENOENT);
}

/* Notifications reach the subscribers, in order, until they unsubscribe. */
static void gunyah_rm_test_notifications(struct kunit *test)
{
	struct test_ctx *ctx = test->priv;
	struct test_notifier *tn;
	u8 *data;

	tn = kunit_kzalloc(test, sizeof(*tn), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, tn);
	tn->nb.notifier_call = test_notifier_call;
	init_completion(&tn->done);
	KUNIT_ASSERT_EQ(test, gunyah_rm_notifier_register(ctx->rm, &tn->nb), 0);

	data = test_pattern(test, 600, 7);

	test_inject_msg(test, GUNYAH_RM_RPC_TYPE_NOTIF, 0,
			GUNYAH_RM_NOTIFICATION_VM_STATUS, data, 8);
	test_wait_notification(test, tn);
	KUNIT_EXPECT_EQ(test, tn->ids[0], GUNYAH_RM_NOTIFICATION_VM_STATUS);
	KUNIT_ASSERT_EQ(test, tn->size, 8);
	KUNIT_EXPECT_MEMEQ(test, tn->payload, data, 8);

	/* Three packets */
	reinit_completion(&tn->done);
	test_inject_msg(test, GUNYAH_RM_RPC_TYPE_NOTIF, 0,
			GUNYAH_RM_NOTIFICATION_VM_EXITED, data, 600);
	test_wait_notification(test, tn);
	KUNIT_EXPECT_EQ(test, tn->ids[1], GUNYAH_RM_NOTIFICATION_VM_EXITED);
	KUNIT_ASSERT_EQ(test, tn->size, 600);
	KUNIT_EXPECT_MEMEQ(test, tn->payload, data, 600);

	/* Two in a row arrive in order */
	test_inject_msg(test, GUNYAH_RM_RPC_TYPE_NOTIF, 0,
			GUNYAH_RM_NOTIFICATION_MEM_SHARED, data, 4);
	test_inject_msg(test, GUNYAH_RM_RPC_TYPE_NOTIF, 0,
			GUNYAH_RM_NOTIFICATION_MEM_RELEASED, data, 4);
	flush_work(&ctx->rm->notif_work);
	KUNIT_EXPECT_EQ(test, tn->count, 4);
	KUNIT_EXPECT_EQ(test, tn->ids[2], GUNYAH_RM_NOTIFICATION_MEM_SHARED);
	KUNIT_EXPECT_EQ(test, tn->ids[3], GUNYAH_RM_NOTIFICATION_MEM_RELEASED);

	KUNIT_EXPECT_EQ(test, gunyah_rm_notifier_unregister(ctx->rm, &tn->nb),
			0);
	test_inject_msg(test, GUNYAH_RM_RPC_TYPE_NOTIF, 0,
			GUNYAH_RM_NOTIFICATION_VM_STATUS, data, 8);
	flush_work(&ctx->rm->notif_work);
	KUNIT_EXPECT_EQ(test, tn->count, 4);
}

/* An RM error in the reply is the call's result, mapped to an errno. */
static void gunyah_rm_test_rm_error(struct kunit *test)
{
	struct test_ctx *ctx = test->priv;
	struct test_call *call;
	__le32 val = cpu_to_le32(42);

	call = test_start_call(test, TEST_MSG_ID, NULL, 0);
	test_wait_packets(test, 1);
	test_inject_reply(test, test_packet_seq(ctx, 0), TEST_MSG_ID,
			  GUNYAH_RM_ERROR_DENIED, &val, sizeof(val));
	test_wait_call(test, call);
	KUNIT_EXPECT_EQ(test, call->ret, -EPERM);
	KUNIT_EXPECT_NULL(test, call->resp);
	KUNIT_EXPECT_EQ(test, call->resp_size, 0);
}

static void gunyah_rm_test_error_remap(struct kunit *test)
{
	static const struct {
		u32 rm_error;
		int err;
	} map[] = {
		{ GUNYAH_RM_ERROR_OK, 0 },
		{ GUNYAH_RM_ERROR_UNIMPLEMENTED, -EOPNOTSUPP },
		{ GUNYAH_RM_ERROR_NOMEM, -ENOMEM },
		{ GUNYAH_RM_ERROR_NORESOURCE, -ENOSPC },
		{ GUNYAH_RM_ERROR_DENIED, -EPERM },
		{ GUNYAH_RM_ERROR_INVALID, -EINVAL },
		{ GUNYAH_RM_ERROR_BUSY, -EBUSY },
		{ GUNYAH_RM_ERROR_ARGUMENT_INVALID, -EINVAL },
		{ GUNYAH_RM_ERROR_HANDLE_INVALID, -EINVAL },
		{ GUNYAH_RM_ERROR_VALIDATE_FAILED, -EINVAL },
		{ GUNYAH_RM_ERROR_MAP_FAILED, -EIO },
		{ GUNYAH_RM_ERROR_MEM_INVALID, -EINVAL },
		{ GUNYAH_RM_ERROR_MEM_INUSE, -EBUSY },
		{ GUNYAH_RM_ERROR_MEM_RELEASED, -EINVAL },
		{ GUNYAH_RM_ERROR_VMID_INVALID, -EINVAL },
		{ GUNYAH_RM_ERROR_LOOKUP_FAILED, -ENOENT },
		{ GUNYAH_RM_ERROR_IRQ_INVALID, -EINVAL },
		{ GUNYAH_RM_ERROR_IRQ_INUSE, -EBUSY },
		{ GUNYAH_RM_ERROR_IRQ_RELEASED, -EINVAL },
		{ GUNYAH_RM_ERROR_IN_USE, -EBUSY },
		{ GUNYAH_RM_ERROR_IRQ_NOT_MAPPED, -ENOENT },
		{ GUNYAH_RM_ERROR_VM_STATE, -EINVAL },
		{ 0x15, -EBADMSG },
		{ 0xdeadbeef, -EBADMSG },
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(map); i++)
		KUNIT_EXPECT_EQ_MSG(test, gunyah_rm_error_remap(map[i].rm_error),
				    map[i].err, "RM error %#x", map[i].rm_error);
}

/* Malformed packets are rejected. */
static void gunyah_rm_test_malformed(struct kunit *test)
{
	struct test_ctx *ctx = test->priv;
	u8 packet[GUNYAH_RM_PACKET_SIZE + 1] = {};
	struct gunyah_rm_rpc_hdr *hdr = (struct gunyah_rm_rpc_hdr *)packet;
	struct test_call *call;
	__le16 half = 0;

	/* Too short for a header, or longer than a message queue message */
	KUNIT_EXPECT_EQ(test, gunyah_rm_core_rx(ctx->rm, packet, 0), -EINVAL);
	KUNIT_EXPECT_EQ(test, gunyah_rm_core_rx(ctx->rm, packet, 7), -EINVAL);

	hdr->api = GUNYAH_RM_RPC_API;
	hdr->type = GUNYAH_RM_RPC_TYPE_NOTIF;
	hdr->msg_id = cpu_to_le32(GUNYAH_RM_NOTIFICATION_VM_STATUS);
	KUNIT_EXPECT_EQ(test, gunyah_rm_core_rx(ctx->rm, packet,
						GUNYAH_RM_PACKET_SIZE + 1),
			-EINVAL);

	/* Wrong API version or header size */
	hdr->api = 0x11;
	KUNIT_EXPECT_EQ(test, gunyah_rm_core_rx(ctx->rm, packet, 16), -EINVAL);
	hdr->api = 0x22;
	KUNIT_EXPECT_EQ(test, gunyah_rm_core_rx(ctx->rm, packet, 16), -EINVAL);
	hdr->api = GUNYAH_RM_RPC_API;

	/* More than 62 continuations announced */
	hdr->type = FIELD_PREP(GUNYAH_RM_RPC_FRAGMENTS_MASK, 63) |
		    GUNYAH_RM_RPC_TYPE_NOTIF;
	KUNIT_EXPECT_EQ(test, gunyah_rm_core_rx(ctx->rm, packet, 16), -EINVAL);

	/* The RM does not send requests */
	hdr->type = GUNYAH_RM_RPC_TYPE_REQUEST;
	KUNIT_EXPECT_EQ(test, gunyah_rm_core_rx(ctx->rm, packet, 16), -EINVAL);

	/* A reply without a (whole) error code fails its call */
	call = test_start_call(test, TEST_MSG_ID, NULL, 0);
	test_wait_packets(test, 1);
	KUNIT_EXPECT_EQ(test, test_inject(test, GUNYAH_RM_RPC_TYPE_REPLY, 0,
					  test_packet_seq(ctx, 0), TEST_MSG_ID,
					  NULL, 0),
			0);
	test_wait_call(test, call);
	KUNIT_EXPECT_EQ(test, call->ret, -EBADMSG);

	call = test_start_call(test, TEST_MSG_ID, NULL, 0);
	test_wait_packets(test, 2);
	KUNIT_EXPECT_EQ(test, test_inject(test, GUNYAH_RM_RPC_TYPE_REPLY, 0,
					  test_packet_seq(ctx, 1), TEST_MSG_ID,
					  &half, sizeof(half)),
			0);
	test_wait_call(test, call);
	KUNIT_EXPECT_EQ(test, call->ret, -EBADMSG);
}

/* A failed send fails the call and forgets its sequence number. */
static void gunyah_rm_test_send_failure(struct kunit *test)
{
	struct test_ctx *ctx = test->priv;
	struct test_call *call;
	__le32 val = 0;
	u8 *req;

	req = test_pattern(test, 600, 8);
	ctx->fail_at = 1;
	call = test_start_call(test, TEST_MSG_ID, req, 600);
	test_wait_call(test, call);
	KUNIT_EXPECT_EQ(test, call->ret, -EIO);
	KUNIT_ASSERT_EQ(test, test_num_packets(ctx), 1);

	KUNIT_EXPECT_EQ(test, test_inject(test, GUNYAH_RM_RPC_TYPE_REPLY, 0,
					  test_packet_seq(ctx, 0), TEST_MSG_ID,
					  &val, sizeof(val)),
			-ENOENT);
}

/* Stopping the connection fails outstanding and new calls. */
static void gunyah_rm_test_stop(struct kunit *test)
{
	struct test_ctx *ctx = test->priv;
	struct test_call *call;
	__le32 val = 0;

	call = test_start_call(test, TEST_MSG_ID, NULL, 0);
	test_wait_packets(test, 1);

	gunyah_rm_core_stop(ctx->rm);
	test_wait_call(test, call);
	KUNIT_EXPECT_EQ(test, call->ret, -ENODEV);

	KUNIT_EXPECT_EQ(test, gunyah_rm_call(ctx->rm, TEST_MSG_ID, NULL, 0,
					     NULL, NULL),
			-ENODEV);
	KUNIT_EXPECT_EQ(test, test_inject(test, GUNYAH_RM_RPC_TYPE_REPLY, 0,
					  test_packet_seq(ctx, 0), TEST_MSG_ID,
					  &val, sizeof(val)),
			-ENODEV);
	KUNIT_EXPECT_EQ(test, test_num_packets(ctx), 1);
}

/* VM_ALLOC_VMID, VM_DEALLOC_VMID and VM_GET_VMID */
static void gunyah_rm_test_vmid_calls(struct kunit *test)
{
	static const u8 dynamic_req[] = { 0, 0, 0, 0 };
	static const u8 static_req[] = { 7, 0, 0, 0 };
	static const u8 dealloc_req[] = { 45, 0, 0, 0 };
	struct test_ctx *ctx = test->priv;
	struct test_call *call;
	__le32 val;
	u16 vmid = 0;

	/* Dynamic allocation: the RM names the VMID */
	call = test_start(test, TEST_CALL_ALLOC_VMID, 0, NULL, 0, 0);
	test_wait_packets(test, 1);
	KUNIT_EXPECT_EQ(test, test_packet_msg_id(ctx, 0), 0x56000001);
	KUNIT_ASSERT_EQ(test, ctx->packets[0].size, 8 + sizeof(dynamic_req));
	KUNIT_EXPECT_MEMEQ(test, ctx->packets[0].data + 8, dynamic_req,
			   sizeof(dynamic_req));
	val = cpu_to_le32(45);
	test_inject_reply(test, test_packet_seq(ctx, 0), 0x56000001,
			  GUNYAH_RM_ERROR_OK, &val, sizeof(val));
	test_wait_call(test, call);
	KUNIT_EXPECT_EQ(test, call->ret, 45);

	/* Static allocation: no VMID in the reply */
	call = test_start(test, TEST_CALL_ALLOC_VMID, 0, NULL, 0, 7);
	test_wait_packets(test, 2);
	KUNIT_EXPECT_MEMEQ(test, ctx->packets[1].data + 8, static_req,
			   sizeof(static_req));
	test_inject_reply(test, test_packet_seq(ctx, 1), 0x56000001,
			  GUNYAH_RM_ERROR_OK, NULL, 0);
	test_wait_call(test, call);
	KUNIT_EXPECT_EQ(test, call->ret, 7);

	/* Dynamic allocation with a truncated reply */
	call = test_start(test, TEST_CALL_ALLOC_VMID, 0, NULL, 0, 0);
	test_wait_packets(test, 3);
	test_inject_reply(test, test_packet_seq(ctx, 2), 0x56000001,
			  GUNYAH_RM_ERROR_OK, &val, 2);
	test_wait_call(test, call);
	KUNIT_EXPECT_EQ(test, call->ret, -EBADMSG);

	/* Out of VMIDs */
	call = test_start(test, TEST_CALL_ALLOC_VMID, 0, NULL, 0, 0);
	test_wait_packets(test, 4);
	test_inject_reply(test, test_packet_seq(ctx, 3), 0x56000001,
			  GUNYAH_RM_ERROR_NORESOURCE, NULL, 0);
	test_wait_call(test, call);
	KUNIT_EXPECT_EQ(test, call->ret, -ENOSPC);

	call = test_start(test, TEST_CALL_DEALLOC_VMID, 0, NULL, 0, 45);
	test_wait_packets(test, 5);
	KUNIT_EXPECT_EQ(test, test_packet_msg_id(ctx, 4), 0x56000002);
	KUNIT_EXPECT_MEMEQ(test, ctx->packets[4].data + 8, dealloc_req,
			   sizeof(dealloc_req));
	test_inject_reply(test, test_packet_seq(ctx, 4), 0x56000002,
			  GUNYAH_RM_ERROR_OK, NULL, 0);
	test_wait_call(test, call);
	KUNIT_EXPECT_EQ(test, call->ret, 0);
	/* Freeing a VMID is never cut short by a signal, taking one is */
	KUNIT_EXPECT_TRUE(test, ctx->packets[0].flags & GUNYAH_RM_TX_KILLABLE);
	KUNIT_EXPECT_FALSE(test, ctx->packets[4].flags & GUNYAH_RM_TX_KILLABLE);

	/* VM_GET_VMID asks once, then answers from the cache */
	call = test_start(test, TEST_CALL_GET_VMID, 0, NULL, 0, 0);
	test_wait_packets(test, 6);
	KUNIT_EXPECT_EQ(test, test_packet_msg_id(ctx, 5), 0x56000024);
	KUNIT_EXPECT_EQ(test, ctx->packets[5].size, 8);
	val = cpu_to_le32(3);
	test_inject_reply(test, test_packet_seq(ctx, 5), 0x56000024,
			  GUNYAH_RM_ERROR_OK, &val, sizeof(val));
	test_wait_call(test, call);
	KUNIT_EXPECT_EQ(test, call->ret, 0);
	KUNIT_EXPECT_EQ(test, call->vmid, 3);

	KUNIT_EXPECT_EQ(test, gunyah_rm_get_vmid(ctx->rm, &vmid), 0);
	KUNIT_EXPECT_EQ(test, vmid, 3);
	KUNIT_EXPECT_EQ(test, test_num_packets(ctx), 6);
}

/* Gather the payload of the message sent as packets [@first, @first + @n). */
static u8 *test_sent_payload(struct kunit *test, unsigned int first,
			     unsigned int n, size_t *size)
{
	struct test_ctx *ctx = test->priv;
	unsigned int i;
	u8 *buf;

	buf = kunit_kzalloc(test, n * GUNYAH_RM_PAYLOAD_SIZE, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, buf);

	*size = 0;
	for (i = first; i < first + n; i++) {
		memcpy(buf + *size, ctx->packets[i].data + 8,
		       ctx->packets[i].size - 8);
		*size += ctx->packets[i].size - 8;
	}

	return buf;
}

static struct gunyah_rm_mem_parcel *test_parcel(struct kunit *test,
						size_t n_mem, bool share)
{
	struct gunyah_rm_mem_parcel *parcel;
	size_t i;

	parcel = kunit_kzalloc(test, sizeof(*parcel), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, parcel);
	parcel->label = 0x11223344;
	parcel->n_acl_entries = share ? 2 : 1;
	parcel->acl_entries = kunit_kcalloc(test, 2,
					    sizeof(*parcel->acl_entries),
					    GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, parcel->acl_entries);
	parcel->acl_entries[0].vmid = cpu_to_le16(45);
	parcel->acl_entries[0].perms = GUNYAH_RM_ACL_R | GUNYAH_RM_ACL_W;
	parcel->acl_entries[1].vmid = cpu_to_le16(3);
	parcel->acl_entries[1].perms = 7;
	parcel->n_mem_entries = n_mem;
	parcel->mem_entries = kunit_kcalloc(test, n_mem,
					    sizeof(*parcel->mem_entries),
					    GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, parcel->mem_entries);
	for (i = 0; i < n_mem; i++) {
		parcel->mem_entries[i].phys_addr =
			cpu_to_le64(0x80000000ULL + i * 0x2000);
		parcel->mem_entries[i].size = cpu_to_le64(0x1000);
	}
	parcel->mem_handle = GUNYAH_MEM_HANDLE_INVAL;

	return parcel;
}

static void gunyah_rm_test_mem_share_encode(struct kunit *test)
{
	struct gunyah_rm_mem_parcel *parcel = test_parcel(test, 3, true);
	size_t size;
	u8 *msg;

	msg = gunyah_rm_mem_share_encode(parcel, &size);
	KUNIT_ASSERT_NOT_NULL(test, msg);
	/* header 8, ACL count 4 + 2 * 4, SGL count 4 + 3 * 16, attrs 4 */
	KUNIT_ASSERT_EQ(test, size, 8 + 12 + 52 + 4);
	KUNIT_EXPECT_EQ(test, msg[0], 0);		/* normal memory */
	KUNIT_EXPECT_EQ(test, msg[2], 0);		/* no append */
	KUNIT_EXPECT_EQ(test, get_unaligned_le32(msg + 4), 0x11223344);
	KUNIT_EXPECT_EQ(test, get_unaligned_le32(msg + 8), 2);	/* u32 count */
	KUNIT_EXPECT_EQ(test, get_unaligned_le16(msg + 12), 45);
	KUNIT_EXPECT_EQ(test, msg[14], GUNYAH_RM_ACL_R | GUNYAH_RM_ACL_W);
	KUNIT_EXPECT_EQ(test, get_unaligned_le16(msg + 16), 3);
	KUNIT_EXPECT_EQ(test, get_unaligned_le16(msg + 20), 3);
	KUNIT_EXPECT_EQ(test, get_unaligned_le64(msg + 24), 0x80000000);
	KUNIT_EXPECT_EQ(test, get_unaligned_le64(msg + 32), 0x1000);
	KUNIT_EXPECT_EQ(test, get_unaligned_le64(msg + 56), 0x80004000);
	KUNIT_EXPECT_EQ(test, get_unaligned_le32(msg + 72), 0);	/* attrs */
	kfree(msg);

	/* 513 entries: 512 in the first message, append follows */
	parcel = test_parcel(test, 513, false);
	msg = gunyah_rm_mem_share_encode(parcel, &size);
	KUNIT_ASSERT_NOT_NULL(test, msg);
	KUNIT_ASSERT_EQ(test, size, 8 + 8 + 4 + 512 * 16 + 4);
	KUNIT_EXPECT_EQ(test, msg[2], GUNYAH_RM_MEM_SHARE_FLAG_APPEND);
	KUNIT_EXPECT_EQ(test, get_unaligned_le32(msg + 8), 1);
	KUNIT_EXPECT_EQ(test, get_unaligned_le16(msg + 16), 512);
	kfree(msg);

	/* Exactly 512: no append */
	parcel = test_parcel(test, 512, false);
	msg = gunyah_rm_mem_share_encode(parcel, &size);
	KUNIT_ASSERT_NOT_NULL(test, msg);
	KUNIT_EXPECT_EQ(test, msg[2], 0);
	kfree(msg);

	msg = gunyah_rm_mem_append_encode(0x1234, parcel->mem_entries + 1, 2,
					  true, &size);
	KUNIT_ASSERT_NOT_NULL(test, msg);
	KUNIT_ASSERT_EQ(test, size, 12 + 32);
	KUNIT_EXPECT_EQ(test, get_unaligned_le32(msg), 0x1234);
	KUNIT_EXPECT_EQ(test, msg[4], GUNYAH_RM_MEM_APPEND_FLAG_LAST);
	KUNIT_EXPECT_EQ(test, get_unaligned_le16(msg + 8), 2);
	KUNIT_EXPECT_EQ(test, get_unaligned_le64(msg + 12), 0x80002000);
	kfree(msg);
}

static int test_do_mem_share(struct test_call *call)
{
	return gunyah_rm_mem_share(call->rm, call->data);
}

static int test_do_mem_lend(struct test_call *call)
{
	return gunyah_rm_mem_lend(call->rm, call->data);
}

/* How many packets a message of @size payload bytes takes */
static unsigned int test_packets_for(size_t size)
{
	return DIV_ROUND_UP(size, GUNYAH_RM_PAYLOAD_SIZE);
}

static void gunyah_rm_test_mem_share_append(struct kunit *test)
{
	struct gunyah_rm_mem_parcel *parcel = test_parcel(test, 1100, true);
	struct test_ctx *ctx = test->priv;
	unsigned int first_pkts, next;
	struct test_call *call;
	size_t size;
	__le32 handle = cpu_to_le32(0xabcd);
	u8 *msg;

	call = test_start_fn(test, test_do_mem_share, parcel);
	first_pkts = test_packets_for(8 + 12 + 4 + 512 * 16 + 4);
	test_wait_packets(test, first_pkts);
	KUNIT_EXPECT_EQ(test, test_packet_msg_id(ctx, 0), 0x51000013);
	msg = test_sent_payload(test, 0, first_pkts, &size);
	KUNIT_ASSERT_EQ(test, size, 8 + 12 + 4 + 512 * 16 + 4);
	KUNIT_EXPECT_EQ(test, msg[2], GUNYAH_RM_MEM_SHARE_FLAG_APPEND);
	KUNIT_EXPECT_EQ(test, get_unaligned_le16(msg + 20), 512);
	test_inject_reply(test, test_packet_seq(ctx, 0), 0x51000013,
			  GUNYAH_RM_ERROR_OK, &handle, sizeof(handle));

	/* Entries 512..1023, not last */
	next = first_pkts;
	test_wait_packets(test, next + test_packets_for(12 + 512 * 16));
	KUNIT_EXPECT_EQ(test, test_packet_msg_id(ctx, next), 0x51000018);
	msg = test_sent_payload(test, next, test_packets_for(12 + 512 * 16),
				&size);
	KUNIT_ASSERT_EQ(test, size, 12 + 512 * 16);
	KUNIT_EXPECT_EQ(test, get_unaligned_le32(msg), 0xabcd);
	KUNIT_EXPECT_EQ(test, msg[4], 0);
	KUNIT_EXPECT_EQ(test, get_unaligned_le16(msg + 8), 512);
	KUNIT_EXPECT_EQ(test, get_unaligned_le64(msg + 12),
			0x80000000ULL + 512 * 0x2000);
	test_inject_reply(test, test_packet_seq(ctx, next), 0x51000018,
			  GUNYAH_RM_ERROR_OK, NULL, 0);

	/* Entries 1024..1099, last */
	next += test_packets_for(12 + 512 * 16);
	test_wait_packets(test, next + test_packets_for(12 + 76 * 16));
	msg = test_sent_payload(test, next, test_packets_for(12 + 76 * 16),
				&size);
	KUNIT_ASSERT_EQ(test, size, 12 + 76 * 16);
	KUNIT_EXPECT_EQ(test, msg[4], GUNYAH_RM_MEM_APPEND_FLAG_LAST);
	KUNIT_EXPECT_EQ(test, get_unaligned_le16(msg + 8), 76);
	test_inject_reply(test, test_packet_seq(ctx, next), 0x51000018,
			  GUNYAH_RM_ERROR_OK, NULL, 0);

	test_wait_call(test, call);
	KUNIT_EXPECT_EQ(test, call->ret, 0);
	KUNIT_EXPECT_EQ(test, parcel->mem_handle, 0xabcd);
}

static void gunyah_rm_test_mem_append_fails(struct kunit *test)
{
	struct gunyah_rm_mem_parcel *parcel = test_parcel(test, 513, false);
	struct test_ctx *ctx = test->priv;
	unsigned int first_pkts;
	struct test_call *call;
	__le32 handle = cpu_to_le32(0x77);
	size_t size;
	u8 *msg;

	call = test_start_fn(test, test_do_mem_lend, parcel);
	first_pkts = test_packets_for(8 + 8 + 4 + 512 * 16 + 4);
	test_wait_packets(test, first_pkts);
	KUNIT_EXPECT_EQ(test, test_packet_msg_id(ctx, 0), 0x51000012);
	test_inject_reply(test, test_packet_seq(ctx, 0), 0x51000012,
			  GUNYAH_RM_ERROR_OK, &handle, sizeof(handle));
	test_wait_packets(test, first_pkts + 1);
	test_inject_reply(test, test_packet_seq(ctx, first_pkts), 0x51000018,
			  GUNYAH_RM_ERROR_MEM_INVALID, NULL, 0);

	/* The partial parcel is reclaimed */
	test_wait_packets(test, first_pkts + 2);
	KUNIT_EXPECT_EQ(test, test_packet_msg_id(ctx, first_pkts + 1),
			0x51000015);
	msg = test_sent_payload(test, first_pkts + 1, 1, &size);
	KUNIT_ASSERT_EQ(test, size, 8);
	KUNIT_EXPECT_EQ(test, get_unaligned_le32(msg), 0x77);
	test_inject_reply(test, test_packet_seq(ctx, first_pkts + 1),
			  0x51000015, GUNYAH_RM_ERROR_OK, NULL, 0);

	test_wait_call(test, call);
	KUNIT_EXPECT_EQ(test, call->ret, -EINVAL);
	KUNIT_EXPECT_EQ(test, parcel->mem_handle, GUNYAH_MEM_HANDLE_INVAL);
}

static int test_do_vm_calls(struct test_call *call)
{
	struct gunyah_rm_mem_parcel *parcel = call->data;
	int ret;

	ret = gunyah_rm_vm_configure(call->rm, 45, GUNYAH_RM_VM_AUTH_NONE,
				     0xabcd, 0, 0, 0x1000, 0x2000);
	if (ret)
		return ret;
	ret = gunyah_rm_vm_stop(call->rm, 45, true);
	if (ret)
		return ret;
	ret = gunyah_rm_vm_set_boot_context(call->rm, 45, 2, 1, 0x1122);
	if (ret)
		return ret;
	parcel->mem_handle = 0xabcd;
	return gunyah_rm_mem_reclaim(call->rm, parcel, true);
}

static void gunyah_rm_test_vm_calls(struct kunit *test)
{
	static const u8 config_req[40] = {
		45, 0, 0, 0, 0xcd, 0xab, 0, 0,
		[24] = 0, 0x10, [32] = 0, 0x20,
	};
	static const u8 stop_req[8] = { 45, 0, 1, 0 };
	static const u8 boot_req[16] = {
		45, 0, 2, 1, 0, 0, 0, 0, 0x22, 0x11,
	};
	static const u8 reclaim_req[8] = { 0xcd, 0xab, 0, 0, 1 };
	struct gunyah_rm_mem_parcel *parcel = test_parcel(test, 1, false);
	struct test_ctx *ctx = test->priv;
	struct test_call *call;

	call = test_start_fn(test, test_do_vm_calls, parcel);

	test_wait_packets(test, 1);
	KUNIT_EXPECT_EQ(test, test_packet_msg_id(ctx, 0), 0x56000009);
	KUNIT_ASSERT_EQ(test, ctx->packets[0].size, 8 + sizeof(config_req));
	KUNIT_EXPECT_MEMEQ(test, ctx->packets[0].data + 8, config_req,
			   sizeof(config_req));
	test_inject_reply(test, test_packet_seq(ctx, 0), 0x56000009,
			  GUNYAH_RM_ERROR_OK, NULL, 0);

	test_wait_packets(test, 2);
	KUNIT_EXPECT_EQ(test, test_packet_msg_id(ctx, 1), 0x56000005);
	KUNIT_ASSERT_EQ(test, ctx->packets[1].size, 8 + sizeof(stop_req));
	KUNIT_EXPECT_MEMEQ(test, ctx->packets[1].data + 8, stop_req,
			   sizeof(stop_req));
	test_inject_reply(test, test_packet_seq(ctx, 1), 0x56000005,
			  GUNYAH_RM_ERROR_OK, NULL, 0);

	test_wait_packets(test, 3);
	KUNIT_EXPECT_EQ(test, test_packet_msg_id(ctx, 2), 0x56000031);
	KUNIT_ASSERT_EQ(test, ctx->packets[2].size, 8 + sizeof(boot_req));
	KUNIT_EXPECT_MEMEQ(test, ctx->packets[2].data + 8, boot_req,
			   sizeof(boot_req));
	test_inject_reply(test, test_packet_seq(ctx, 2), 0x56000031,
			  GUNYAH_RM_ERROR_OK, NULL, 0);

	test_wait_packets(test, 4);
	KUNIT_EXPECT_EQ(test, test_packet_msg_id(ctx, 3), 0x51000015);
	KUNIT_ASSERT_EQ(test, ctx->packets[3].size, 8 + sizeof(reclaim_req));
	KUNIT_EXPECT_MEMEQ(test, ctx->packets[3].data + 8, reclaim_req,
			   sizeof(reclaim_req));
	/* Refused while the guest holds the parcel: the handle stays */
	test_inject_reply(test, test_packet_seq(ctx, 3), 0x51000015,
			  GUNYAH_RM_ERROR_MEM_INUSE, NULL, 0);

	test_wait_call(test, call);
	KUNIT_EXPECT_EQ(test, call->ret, -EBUSY);
	KUNIT_EXPECT_EQ(test, parcel->mem_handle, 0xabcd);

	/* A fatal signal may cut short setting up, never undoing */
	KUNIT_EXPECT_TRUE(test, ctx->packets[0].flags & GUNYAH_RM_TX_KILLABLE);
	KUNIT_EXPECT_FALSE(test, ctx->packets[1].flags & GUNYAH_RM_TX_KILLABLE);
	KUNIT_EXPECT_TRUE(test, ctx->packets[2].flags & GUNYAH_RM_TX_KILLABLE);
	KUNIT_EXPECT_FALSE(test, ctx->packets[3].flags & GUNYAH_RM_TX_KILLABLE);
}

static void gunyah_rm_test_hyp_resources(struct kunit *test)
{
	u8 *buf;
	size_t size = 4 + 2 * 44;

	buf = kunit_kzalloc(test, size + 44, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, buf);

	put_unaligned_le32(2, buf);
	KUNIT_EXPECT_EQ(test, gunyah_rm_parse_hyp_resources(buf, size), 0);
	KUNIT_EXPECT_EQ(test, gunyah_rm_parse_hyp_resources(buf, size - 1),
			-EBADMSG);
	KUNIT_EXPECT_EQ(test, gunyah_rm_parse_hyp_resources(buf, size + 44),
			-EBADMSG);
	KUNIT_EXPECT_EQ(test, gunyah_rm_parse_hyp_resources(buf, 3), -EBADMSG);
	put_unaligned_le32(0xffffffff, buf);
	KUNIT_EXPECT_EQ(test, gunyah_rm_parse_hyp_resources(buf, size),
			-EBADMSG);
	put_unaligned_le32(0, buf);
	KUNIT_EXPECT_EQ(test, gunyah_rm_parse_hyp_resources(buf, 4), 0);
}

static void gunyah_rm_test_coalesce(struct kunit *test)
{
	struct gunyah_rm_mem_entry entries[8];
	struct page *block, *single, *pages[8];
	int i;

	block = alloc_pages(GFP_KERNEL, 2);
	KUNIT_ASSERT_NOT_NULL(test, block);
	single = alloc_page(GFP_KERNEL);
	if (!single) {
		__free_pages(block, 2);
		KUNIT_FAIL(test, "out of memory");
		return;
	}

	/* 4 contiguous pages: one entry */
	for (i = 0; i < 4; i++)
		pages[i] = block + i;
	KUNIT_EXPECT_EQ(test, gunyah_mem_coalesce(pages, 4, entries), 1);
	KUNIT_EXPECT_EQ(test, le64_to_cpu(entries[0].phys_addr),
			page_to_phys(block));
	KUNIT_EXPECT_EQ(test, le64_to_cpu(entries[0].size), 4 * PAGE_SIZE);

	/* Out of order: 2, 3, 0, 1 -> two entries */
	pages[0] = block + 2;
	pages[1] = block + 3;
	pages[2] = block;
	pages[3] = block + 1;
	KUNIT_EXPECT_EQ(test, gunyah_mem_coalesce(pages, 4, entries), 2);
	KUNIT_EXPECT_EQ(test, le64_to_cpu(entries[0].phys_addr),
			page_to_phys(block + 2));
	KUNIT_EXPECT_EQ(test, le64_to_cpu(entries[0].size), 2 * PAGE_SIZE);
	KUNIT_EXPECT_EQ(test, le64_to_cpu(entries[1].size), 2 * PAGE_SIZE);

	/* A page repeated is not contiguous with itself */
	pages[0] = single;
	pages[1] = single;
	KUNIT_EXPECT_EQ(test, gunyah_mem_coalesce(pages, 2, entries), 2);

	KUNIT_EXPECT_EQ(test, gunyah_mem_coalesce(pages, 0, entries), 0);

	__free_page(single);
	__free_pages(block, 2);
}

struct test_rsc_ticket {
	struct gunyah_vm_resource_ticket ticket;
	int populated;
	int unpopulated;
	bool refuse;
};

static bool test_ticket_populate(struct gunyah_vm_resource_ticket *ticket,
				 struct gunyah_resource *ghrsc)
{
	struct test_rsc_ticket *t = container_of(ticket, struct test_rsc_ticket,
						 ticket);

	if (t->refuse)
		return false;
	t->populated++;
	return true;
}

static void test_ticket_unpopulate(struct gunyah_vm_resource_ticket *ticket,
				   struct gunyah_resource *ghrsc)
{
	struct test_rsc_ticket *t = container_of(ticket, struct test_rsc_ticket,
						 ticket);

	t->unpopulated++;
}

static void test_ticket_init(struct test_rsc_ticket *t, u8 type, u32 label)
{
	memset(t, 0, sizeof(*t));
	t->ticket.resource_type = type;
	t->ticket.label = label;
	t->ticket.populate = test_ticket_populate;
	t->ticket.unpopulate = test_ticket_unpopulate;
}

static struct gunyah_resource *test_rsc(struct kunit *test, u8 type, u32 label)
{
	struct gunyah_resource *ghrsc;

	ghrsc = kunit_kzalloc(test, sizeof(*ghrsc), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, ghrsc);
	ghrsc->type = type;
	ghrsc->rm_label = label;
	return ghrsc;
}

static size_t test_list_len(struct list_head *head)
{
	return list_count_nodes(head);
}

/* Hyp resources go to the ticket of the same type and label */
static void gunyah_vm_test_resource_tickets(struct kunit *test)
{
	struct test_rsc_ticket vcpu0, vcpu1, bell0, dup, picky;
	struct gunyah_resource *r_vcpu0, *r_vcpu1, *r_bell0, *r_vcpu7;
	struct gunyah_vm *ghvm;

	ghvm = kunit_kzalloc(test, sizeof(*ghvm), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, ghvm);
	mutex_init(&ghvm->lock);
	INIT_LIST_HEAD(&ghvm->resources);
	INIT_LIST_HEAD(&ghvm->resource_tickets);

	test_ticket_init(&vcpu0, GUNYAH_RESOURCE_TYPE_VCPU, 0);
	test_ticket_init(&vcpu1, GUNYAH_RESOURCE_TYPE_VCPU, 1);
	test_ticket_init(&bell0, GUNYAH_RESOURCE_TYPE_BELL_TX, 0);
	test_ticket_init(&dup, GUNYAH_RESOURCE_TYPE_VCPU, 0);
	test_ticket_init(&picky, GUNYAH_RESOURCE_TYPE_VCPU, 7);
	picky.refuse = true;

	r_vcpu0 = test_rsc(test, GUNYAH_RESOURCE_TYPE_VCPU, 0);
	r_vcpu1 = test_rsc(test, GUNYAH_RESOURCE_TYPE_VCPU, 1);
	r_bell0 = test_rsc(test, GUNYAH_RESOURCE_TYPE_BELL_TX, 0);
	r_vcpu7 = test_rsc(test, GUNYAH_RESOURCE_TYPE_VCPU, 7);

	mutex_lock(&ghvm->lock);
	KUNIT_EXPECT_EQ(test, gunyah_vm_add_resource_ticket(ghvm, &vcpu0.ticket), 0);
	KUNIT_EXPECT_EQ(test, gunyah_vm_add_resource_ticket(ghvm, &dup.ticket),
			-EEXIST);
	KUNIT_EXPECT_EQ(test, gunyah_vm_add_resource_ticket(ghvm, &picky.ticket), 0);

	/* At start: matched by type and label, the rest kept */
	gunyah_vm_place_resource(ghvm, r_vcpu0);
	gunyah_vm_place_resource(ghvm, r_vcpu1);
	gunyah_vm_place_resource(ghvm, r_bell0);
	gunyah_vm_place_resource(ghvm, r_vcpu7);
	KUNIT_EXPECT_EQ(test, vcpu0.populated, 1);
	KUNIT_EXPECT_EQ(test, test_list_len(&vcpu0.ticket.resources), 1);
	KUNIT_EXPECT_PTR_EQ(test, list_first_entry(&vcpu0.ticket.resources,
						   struct gunyah_resource, list),
			    r_vcpu0);
	/* Refused by its ticket: kept */
	KUNIT_EXPECT_EQ(test, test_list_len(&picky.ticket.resources), 0);
	KUNIT_EXPECT_EQ(test, test_list_len(&ghvm->resources), 3);

	/* Tickets added later find their resources */
	KUNIT_EXPECT_EQ(test, gunyah_vm_add_resource_ticket(ghvm, &vcpu1.ticket), 0);
	KUNIT_EXPECT_EQ(test, vcpu1.populated, 1);
	KUNIT_EXPECT_EQ(test, gunyah_vm_add_resource_ticket(ghvm, &bell0.ticket), 0);
	KUNIT_EXPECT_EQ(test, bell0.populated, 1);
	KUNIT_EXPECT_EQ(test, vcpu0.populated, 1);
	KUNIT_EXPECT_EQ(test, test_list_len(&ghvm->resources), 1);

	/* Removing a ticket gives its resources back */
	gunyah_vm_remove_resource_ticket(ghvm, &vcpu0.ticket);
	KUNIT_EXPECT_EQ(test, vcpu0.unpopulated, 1);
	KUNIT_EXPECT_EQ(test, test_list_len(&ghvm->resources), 2);
	gunyah_vm_remove_resource_ticket(ghvm, &vcpu1.ticket);
	gunyah_vm_remove_resource_ticket(ghvm, &bell0.ticket);
	gunyah_vm_remove_resource_ticket(ghvm, &picky.ticket);
	KUNIT_EXPECT_EQ(test, picky.unpopulated, 0);
	KUNIT_EXPECT_EQ(test, test_list_len(&ghvm->resources), 4);
	KUNIT_EXPECT_TRUE(test, list_empty(&ghvm->resource_tickets));
	mutex_unlock(&ghvm->lock);
	mutex_destroy(&ghvm->lock);
}

/* VM_START: the real RM's NORESOURCE is a refused configuration. */
static int test_do_vm_start(struct test_call *call)
{
	return gunyah_rm_vm_start(call->rm, 45);
}

static void gunyah_rm_test_vm_start_errors(struct kunit *test)
{
	static const struct {
		u32 rm_error;
		int err;
	} cases[] = {
		{ GUNYAH_RM_ERROR_NORESOURCE, -EINVAL },
		{ GUNYAH_RM_ERROR_ARGUMENT_INVALID, -EINVAL },
		{ GUNYAH_RM_ERROR_VM_STATE, -EINVAL },
		{ GUNYAH_RM_ERROR_DENIED, -EPERM },
		{ GUNYAH_RM_ERROR_NOMEM, -ENOMEM },
		{ GUNYAH_RM_ERROR_BUSY, -EBUSY },
	};
	struct test_ctx *ctx = test->priv;
	struct test_call *call;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		call = test_start_fn(test, test_do_vm_start, NULL);
		test_wait_packets(test, i + 1);
		KUNIT_EXPECT_EQ(test, test_packet_msg_id(ctx, i), 0x56000004);
		test_inject_reply(test, test_packet_seq(ctx, i), 0x56000004,
				  cases[i].rm_error, NULL, 0);
		test_wait_call(test, call);
		KUNIT_EXPECT_EQ_MSG(test, call->ret, cases[i].err,
				    "RM error %#x", cases[i].rm_error);
	}
}

/* Level irqfds: one doorbell assertion per signal (enable 1, ack 1). */
static void gunyah_irqfd_test_bell_masks(struct kunit *test)
{
	u64 enable = 0xdead, ack = 0xdead;

	KUNIT_EXPECT_TRUE(test, gunyah_irqfd_bell_masks(true, &enable, &ack));
	KUNIT_EXPECT_EQ(test, enable, 1);
	KUNIT_EXPECT_EQ(test, ack, 1);

	/* Edge irqfds keep the doorbell's own masks */
	enable = 0xdead;
	ack = 0xdead;
	KUNIT_EXPECT_FALSE(test, gunyah_irqfd_bell_masks(false, &enable, &ack));
	KUNIT_EXPECT_EQ(test, enable, 0xdead);
	KUNIT_EXPECT_EQ(test, ack, 0xdead);
}

#define TEST_VMID		45

static int test_do_vm_alloc(struct test_call *call)
{
	struct gunyah_vm *ghvm = gunyah_vm_alloc(call->rm);

	if (IS_ERR(ghvm))
		return PTR_ERR(ghvm);
	call->data = ghvm;
	return 0;
}

static int test_do_vm_put(struct test_call *call)
{
	gunyah_vm_put(call->data);
	return 0;
}

/* Reply OK to packet @i, a call @msg_id, with @size bytes of @data. */
static void test_answer(struct kunit *test, unsigned int i, u32 msg_id,
			const void *data, size_t size)
{
	struct test_ctx *ctx = test->priv;

	test_wait_packets(test, i + 1);
	KUNIT_ASSERT_EQ(test, test_packet_msg_id(ctx, i), msg_id);
	test_inject_reply(test, test_packet_seq(ctx, i), msg_id,
			  GUNYAH_RM_ERROR_OK, data, size);
}

/* A VM from the fake RM (packets 0 and 1), in @status. */
static struct gunyah_vm *test_vm_create(struct kunit *test,
					enum gunyah_rm_vm_status status)
{
	struct test_call *call;
	struct gunyah_vm *ghvm;
	__le32 val;

	call = test_start_fn(test, test_do_vm_alloc, NULL);
	val = cpu_to_le32(3);
	test_answer(test, 0, 0x56000024, &val, sizeof(val));
	val = cpu_to_le32(TEST_VMID);
	test_answer(test, 1, 0x56000001, &val, sizeof(val));
	test_wait_call(test, call);
	KUNIT_ASSERT_EQ(test, call->ret, 0);

	ghvm = call->data;
	KUNIT_ASSERT_EQ(test, ghvm->vmid, TEST_VMID);
	/* As if started: the start sequence is not the point here. */
	spin_lock_irq(&ghvm->status_lock);
	ghvm->vm_status = status;
	spin_unlock_irq(&ghvm->status_lock);

	return ghvm;
}

static void test_inject_status(struct kunit *test, u16 vmid, u8 status)
{
	struct test_ctx *ctx = test->priv;
	struct gunyah_rm_vm_status_payload p = {
		.vmid = cpu_to_le16(vmid),
		.vm_status = status,
	};

	test_inject_msg(test, GUNYAH_RM_RPC_TYPE_NOTIF, 0,
			GUNYAH_RM_NOTIFICATION_VM_STATUS, &p, sizeof(p));
	flush_work(&ctx->rm->notif_work);
}

static void test_inject_exited(struct kunit *test, u16 vmid, u16 type,
			       const void *reason, u32 reason_size)
{
	struct test_ctx *ctx = test->priv;
	u8 buf[sizeof(struct gunyah_rm_vm_exited_payload) + 16] = {};
	struct gunyah_rm_vm_exited_payload *p = (void *)buf;

	p->vmid = cpu_to_le16(vmid);
	p->exit_type = cpu_to_le16(type);
	p->exit_reason_size = cpu_to_le32(reason_size);
	memcpy(p->exit_reason, reason, reason_size);
	test_inject_msg(test, GUNYAH_RM_RPC_TYPE_NOTIF, 0,
			GUNYAH_RM_NOTIFICATION_VM_EXITED, buf,
			sizeof(*p) + reason_size);
	flush_work(&ctx->rm->notif_work);
}

/* Tear @ghvm down from a work item: VM_RESET is packet @i. */
static struct test_call *test_vm_put_reset(struct kunit *test,
					   struct gunyah_vm *ghvm,
					   unsigned int i)
{
	struct test_call *call;

	call = test_start_fn(test, test_do_vm_put, ghvm);
	test_answer(test, i, 0x56000006, NULL, 0);
	return call;
}

/*
 * The real RM's order: VM_STATUS(EXITED), then VM_EXITED. The exit is
 * pending (nothing to report) until VM_EXITED, whose type and reason are
 * kept as they came.
 */
static void gunyah_vm_test_status_then_exited(struct kunit *test)
{
	static const u8 reason[8] = { 1, 2, 3, 4, 5, 6, 7, 8 };
	struct gunyah_vm_exit_info info;
	struct gunyah_vm *ghvm;
	struct test_call *call;

	ghvm = test_vm_create(test, GUNYAH_RM_VM_STATUS_RUNNING);
	KUNIT_EXPECT_EQ(test, gunyah_vm_exit_state(ghvm, NULL),
			GUNYAH_VM_EXIT_NONE);

	/* Another VM's notifications change nothing */
	test_inject_status(test, TEST_VMID + 1, GUNYAH_RM_VM_STATUS_EXITED);
	KUNIT_EXPECT_EQ(test, gunyah_vm_exit_state(ghvm, NULL),
			GUNYAH_VM_EXIT_NONE);

	test_inject_status(test, TEST_VMID, GUNYAH_RM_VM_STATUS_EXITED);
	KUNIT_EXPECT_EQ(test, gunyah_vm_exit_state(ghvm, NULL),
			GUNYAH_VM_EXIT_PENDING);
	KUNIT_EXPECT_EQ(test, gunyah_vm_status(ghvm, NULL),
			GUNYAH_RM_VM_STATUS_EXITED);
	KUNIT_EXPECT_GT(test, gunyah_vm_exit_wait_left(ghvm), 0);

	test_inject_exited(test, TEST_VMID, GUNYAH_RM_VM_EXIT_TYPE_PLATFORM_OFF,
			   reason, sizeof(reason));
	KUNIT_EXPECT_EQ(test, gunyah_vm_exit_state(ghvm, &info),
			GUNYAH_VM_EXIT_DONE);
	KUNIT_EXPECT_EQ(test, info.type, GUNYAH_RM_VM_EXIT_TYPE_PLATFORM_OFF);
	KUNIT_EXPECT_EQ(test, info.reason_size, sizeof(reason));
	KUNIT_EXPECT_MEMEQ(test, info.reason, reason, sizeof(reason));

	/* RESET comes in time: the teardown ends at once */
	call = test_vm_put_reset(test, ghvm, 2);
	test_inject_status(test, TEST_VMID, GUNYAH_RM_VM_STATUS_RESET);
	test_answer(test, 3, 0x56000002, NULL, 0);
	test_wait_call(test, call);
}

/* VM_EXITED alone (and the other order) also completes the exit. */
static void gunyah_vm_test_exited_alone(struct kunit *test)
{
	struct gunyah_vm_exit_info info;
	struct gunyah_vm *ghvm;
	struct test_call *call;

	ghvm = test_vm_create(test, GUNYAH_RM_VM_STATUS_RUNNING);
	test_inject_exited(test, TEST_VMID,
			   GUNYAH_RM_VM_EXIT_TYPE_PLATFORM_RESET, NULL, 0);
	KUNIT_EXPECT_EQ(test, gunyah_vm_exit_state(ghvm, &info),
			GUNYAH_VM_EXIT_DONE);
	KUNIT_EXPECT_EQ(test, info.type, GUNYAH_RM_VM_EXIT_TYPE_PLATFORM_RESET);
	KUNIT_EXPECT_EQ(test, info.reason_size, 0);
	KUNIT_EXPECT_EQ(test, gunyah_vm_status(ghvm, NULL),
			GUNYAH_RM_VM_STATUS_EXITED);

	/* The status after it (older RMs) does not hide the exit again */
	test_inject_status(test, TEST_VMID, GUNYAH_RM_VM_STATUS_EXITED);
	KUNIT_EXPECT_EQ(test, gunyah_vm_exit_state(ghvm, &info),
			GUNYAH_VM_EXIT_DONE);
	KUNIT_EXPECT_EQ(test, info.type, GUNYAH_RM_VM_EXIT_TYPE_PLATFORM_RESET);

	call = test_vm_put_reset(test, ghvm, 2);
	test_inject_status(test, TEST_VMID, GUNYAH_RM_VM_STATUS_RESET);
	test_answer(test, 3, 0x56000002, NULL, 0);
	test_wait_call(test, call);
}

/*
 * VM_STATUS(EXITED) without VM_EXITED: the wait for it is bounded, then the
 * exit is reported without a type (none is made up).
 */
static void gunyah_vm_test_status_alone(struct kunit *test)
{
	unsigned int saved = gunyah_vm_exit_timeout_ms;
	struct gunyah_vm_exit_info info;
	struct gunyah_vm *ghvm;
	struct test_call *call;
	long left;

	gunyah_vm_exit_timeout_ms = 100;
	ghvm = test_vm_create(test, GUNYAH_RM_VM_STATUS_RUNNING);
	test_inject_status(test, TEST_VMID, GUNYAH_RM_VM_STATUS_EXITED);
	KUNIT_EXPECT_EQ(test, gunyah_vm_exit_state(ghvm, NULL),
			GUNYAH_VM_EXIT_PENDING);

	/* What a vCPU does: wait, bounded */
	left = wait_event_timeout(ghvm->vcpu_wait,
				  gunyah_vm_exit_state(ghvm, NULL) ==
				  GUNYAH_VM_EXIT_DONE,
				  gunyah_vm_exit_wait_left(ghvm));
	KUNIT_EXPECT_EQ(test, left, 0);
	KUNIT_EXPECT_EQ(test, gunyah_vm_exit_wait_left(ghvm), 0);
	KUNIT_EXPECT_EQ(test, gunyah_vm_exit_state(ghvm, NULL),
			GUNYAH_VM_EXIT_PENDING);
	gunyah_vm_exit_timeout(ghvm);
	KUNIT_EXPECT_EQ(test, gunyah_vm_exit_state(ghvm, &info),
			GUNYAH_VM_EXIT_DONE);
	KUNIT_EXPECT_EQ(test, info.type, 0);
	KUNIT_EXPECT_EQ(test, info.reason_size, 0);

	/* A VM_EXITED after all is what counts */
	test_inject_exited(test, TEST_VMID,
			   GUNYAH_RM_VM_EXIT_TYPE_FORCE_STOPPED, NULL, 0);
	gunyah_vm_exit_state(ghvm, &info);
	KUNIT_EXPECT_EQ(test, info.type, GUNYAH_RM_VM_EXIT_TYPE_FORCE_STOPPED);

	gunyah_vm_exit_timeout_ms = saved;
	call = test_vm_put_reset(test, ghvm, 2);
	test_inject_status(test, TEST_VMID, GUNYAH_RM_VM_STATUS_RESET);
	test_answer(test, 3, 0x56000002, NULL, 0);
	test_wait_call(test, call);
}

/* Tear down @ghvm, in RESET or never started: VM_DEALLOC_VMID is packet @i. */
static void test_vm_put_dealloc(struct kunit *test, struct gunyah_vm *ghvm,
				unsigned int i)
{
	struct test_call *call;

	call = test_start_fn(test, test_do_vm_put, ghvm);
	test_answer(test, i, 0x56000002, NULL, 0);
	test_wait_call(test, call);
}

/*
 * What a vCPU does with the VM's status (gunyah_vm_run_state()): run,
 * report a failed start, wait while the VM exits, and report the exit only
 * with the RM's VM_EXITED.
 */
static void gunyah_vm_test_run_state(struct kunit *test)
{
	struct gunyah_vm_exit_info info;
	struct gunyah_vm *ghvm;

	ghvm = test_vm_create(test, GUNYAH_RM_VM_STATUS_READY);
	KUNIT_EXPECT_EQ(test, gunyah_vm_run_state(ghvm, NULL),
			GUNYAH_VM_RUN_START_FAILED);
	KUNIT_EXPECT_EQ(test, gunyah_vm_exit_state(ghvm, NULL),
			GUNYAH_VM_EXIT_NONE);

	spin_lock_irq(&ghvm->status_lock);
	ghvm->vm_status = GUNYAH_RM_VM_STATUS_RUNNING;
	spin_unlock_irq(&ghvm->status_lock);
	KUNIT_EXPECT_EQ(test, gunyah_vm_run_state(ghvm, NULL),
			GUNYAH_VM_RUN_RUNNING);

	test_inject_status(test, TEST_VMID, GUNYAH_RM_VM_STATUS_EXITED);
	KUNIT_EXPECT_EQ(test, gunyah_vm_run_state(ghvm, &info),
			GUNYAH_VM_RUN_EXITING);

	test_inject_exited(test, TEST_VMID, GUNYAH_RM_VM_EXIT_TYPE_PLATFORM_OFF,
			   NULL, 0);
	memset(&info, 0xff, sizeof(info));
	KUNIT_EXPECT_EQ(test, gunyah_vm_run_state(ghvm, &info),
			GUNYAH_VM_RUN_EXITED);
	KUNIT_EXPECT_EQ(test, info.type, GUNYAH_RM_VM_EXIT_TYPE_PLATFORM_OFF);
	KUNIT_EXPECT_EQ(test, info.reason_size, 0);

	/* The RESET at teardown does not hide the exit */
	test_inject_status(test, TEST_VMID, GUNYAH_RM_VM_STATUS_RESET);
	KUNIT_EXPECT_EQ(test, gunyah_vm_run_state(ghvm, &info),
			GUNYAH_VM_RUN_EXITED);
	KUNIT_EXPECT_EQ(test, info.type, GUNYAH_RM_VM_EXIT_TYPE_PLATFORM_OFF);

	test_vm_put_dealloc(test, ghvm, 2);
}

/*
 * A running VM whose status changes with no exit known (RESET here) is not
 * reported as exited at once, with an exit type 0 nobody sent: it exits, and
 * its VM_EXITED is what the vCPUs report.
 */
static void gunyah_vm_test_stopped_without_exit(struct kunit *test)
{
	struct gunyah_vm_exit_info info;
	struct gunyah_vm *ghvm;

	ghvm = test_vm_create(test, GUNYAH_RM_VM_STATUS_RUNNING);
	test_inject_status(test, TEST_VMID, GUNYAH_RM_VM_STATUS_RESET);
	KUNIT_EXPECT_EQ(test, gunyah_vm_status(ghvm, NULL),
			GUNYAH_RM_VM_STATUS_RESET);
	KUNIT_EXPECT_EQ(test, gunyah_vm_run_state(ghvm, &info),
			GUNYAH_VM_RUN_EXITING);
	KUNIT_EXPECT_EQ(test, gunyah_vm_exit_state(ghvm, NULL),
			GUNYAH_VM_EXIT_PENDING);
	KUNIT_EXPECT_GT(test, gunyah_vm_exit_wait_left(ghvm), 0);

	test_inject_exited(test, TEST_VMID,
			   GUNYAH_RM_VM_EXIT_TYPE_FORCE_STOPPED, NULL, 0);
	KUNIT_EXPECT_EQ(test, gunyah_vm_run_state(ghvm, &info),
			GUNYAH_VM_RUN_EXITED);
	KUNIT_EXPECT_EQ(test, info.type, GUNYAH_RM_VM_EXIT_TYPE_FORCE_STOPPED);

	/* Reset already: no VM_RESET, straight to VM_DEALLOC_VMID */
	test_vm_put_dealloc(test, ghvm, 2);
}

#define TEST_RUN_STATE_ROUNDS	200

struct test_run_state_poller {
	struct gunyah_vm *ghvm;
	unsigned long polls;
	unsigned long bad;	/* EXITED, but not with the RM's exit type */
};

static int test_run_state_poll(void *data)
{
	struct test_run_state_poller *p = data;
	struct gunyah_vm_exit_info info;

	while (!kthread_should_stop()) {
		if (gunyah_vm_run_state(p->ghvm, &info) ==
		    GUNYAH_VM_RUN_EXITED &&
		    info.type != GUNYAH_RM_VM_EXIT_TYPE_PLATFORM_OFF)
			p->bad++;
		p->polls++;
		cond_resched();
	}
	return 0;
}

/*
 * A vCPU looking at the VM while the real RM's VM_STATUS(EXITED) and
 * VM_EXITED arrive, round after round: it never sees an exit other than the
 * one VM_EXITED brings (a status read apart from the exit state once gave
 * an exit of type 0 when VM_STATUS(EXITED) came in between).
 */
static void gunyah_vm_test_run_state_race(struct kunit *test)
{
	struct test_run_state_poller p = {};
	struct task_struct *poller;
	struct gunyah_vm *ghvm;
	unsigned int round;

	ghvm = test_vm_create(test, GUNYAH_RM_VM_STATUS_RUNNING);
	p.ghvm = ghvm;
	poller = kthread_run(test_run_state_poll, &p, "gunyah-test-poll");
	KUNIT_ASSERT_FALSE(test, IS_ERR(poller));

	for (round = 0; round < TEST_RUN_STATE_ROUNDS; round++) {
		spin_lock_irq(&ghvm->status_lock);
		ghvm->vm_status = GUNYAH_RM_VM_STATUS_RUNNING;
		ghvm->exit_state = GUNYAH_VM_EXIT_NONE;
		memset(&ghvm->exit_info, 0, sizeof(ghvm->exit_info));
		spin_unlock_irq(&ghvm->status_lock);

		test_inject_status(test, TEST_VMID, GUNYAH_RM_VM_STATUS_EXITED);
		test_inject_exited(test, TEST_VMID,
				   GUNYAH_RM_VM_EXIT_TYPE_PLATFORM_OFF, NULL, 0);
	}

	kthread_stop(poller);
	KUNIT_EXPECT_GT(test, p.polls, 0);
	KUNIT_EXPECT_EQ(test, p.bad, 0);

	test_inject_status(test, TEST_VMID, GUNYAH_RM_VM_STATUS_RESET);
	test_vm_put_dealloc(test, ghvm, 2);
}

static bool test_vm_deferred(struct gunyah_rm *rm, struct gunyah_vm *ghvm)
{
	struct gunyah_vm *other;
	bool found = false;

	mutex_lock(&rm->deferred_lock);
	list_for_each_entry(other, &rm->deferred_vms, deferred)
		found |= other == ghvm;
	mutex_unlock(&rm->deferred_lock);

	return found;
}

/*
 * RESET later than reset_timeout_ms: closing the VM returns, the VM stays
 * counted, and its VMID is freed when RESET arrives.
 */
static void gunyah_vm_test_late_reset(struct kunit *test)
{
	unsigned int saved = gunyah_vm_reset_timeout_ms;
	struct test_ctx *ctx = test->priv;
	int vms = atomic_read(&gunyah_live_vms);
	int vmids = atomic_read(&gunyah_vm_stats.vmids);
	struct gunyah_vm *ghvm;
	struct test_call *call;

	gunyah_vm_reset_timeout_ms = 100;
	ghvm = test_vm_create(test, GUNYAH_RM_VM_STATUS_EXITED);
	KUNIT_EXPECT_EQ(test, atomic_read(&gunyah_live_vms), vms + 1);
	KUNIT_EXPECT_EQ(test, atomic_read(&gunyah_vm_stats.vmids), vmids + 1);

	call = test_vm_put_reset(test, ghvm, 2);
	test_wait_call(test, call);
	gunyah_vm_reset_timeout_ms = saved;

	/* Waiting for RESET: nothing released, no VM_DEALLOC_VMID yet */
	KUNIT_EXPECT_TRUE(test, test_vm_deferred(ctx->rm, ghvm));
	KUNIT_EXPECT_EQ(test, atomic_read(&gunyah_live_vms), vms + 1);
	KUNIT_EXPECT_EQ(test, atomic_read(&gunyah_vm_stats.vmids), vmids + 1);
	KUNIT_EXPECT_EQ(test, test_num_packets(ctx), 3);

	/* Another VM's RESET is not this one's */
	test_inject_status(test, TEST_VMID + 1, GUNYAH_RM_VM_STATUS_RESET);
	KUNIT_EXPECT_TRUE(test, test_vm_deferred(ctx->rm, ghvm));

	/* RESET: VM_DEALLOC_VMID from the notification work */
	test_inject_msg(test, GUNYAH_RM_RPC_TYPE_NOTIF, 0,
			GUNYAH_RM_NOTIFICATION_VM_STATUS,
			&(struct gunyah_rm_vm_status_payload){
				.vmid = cpu_to_le16(TEST_VMID),
				.vm_status = GUNYAH_RM_VM_STATUS_RESET,
			}, sizeof(struct gunyah_rm_vm_status_payload));
	test_answer(test, 3, 0x56000002, NULL, 0);
	flush_work(&ctx->rm->notif_work);

	KUNIT_EXPECT_EQ(test, atomic_read(&gunyah_live_vms), vms);
	KUNIT_EXPECT_EQ(test, atomic_read(&gunyah_vm_stats.vmids), vmids);
	KUNIT_EXPECT_TRUE(test, list_empty(&ctx->rm->deferred_vms));
}

/*
 * The RM connection stops while a VM waits for its RESET: the VM is freed,
 * its VMID stays allocated (the RM may still hold it).
 */
static void gunyah_vm_test_late_reset_rm_gone(struct kunit *test)
{
	unsigned int saved = gunyah_vm_reset_timeout_ms;
	struct test_ctx *ctx = test->priv;
	int vms = atomic_read(&gunyah_live_vms);
	int vmids = atomic_read(&gunyah_vm_stats.vmids);
	struct gunyah_vm *ghvm;
	struct test_call *call;

	gunyah_vm_reset_timeout_ms = 50;
	ghvm = test_vm_create(test, GUNYAH_RM_VM_STATUS_EXITED);
	call = test_vm_put_reset(test, ghvm, 2);
	test_wait_call(test, call);
	gunyah_vm_reset_timeout_ms = saved;
	KUNIT_EXPECT_TRUE(test, test_vm_deferred(ctx->rm, ghvm));

	gunyah_rm_core_stop(ctx->rm);
	KUNIT_EXPECT_EQ(test, atomic_read(&gunyah_live_vms), vms);
	KUNIT_EXPECT_TRUE(test, list_empty(&ctx->rm->deferred_vms));
	KUNIT_EXPECT_EQ(test, test_num_packets(ctx), 3);
	/* Leaked on purpose; not this suite's to keep counted */
	KUNIT_EXPECT_EQ(test, atomic_read(&gunyah_vm_stats.vmids), vmids + 1);
	atomic_dec(&gunyah_vm_stats.vmids);
}

static struct kunit_case gunyah_rm_rpc_test_cases[] = {
	KUNIT_CASE_PARAM(gunyah_rm_test_request_fragments,
			 test_frag_gen_params),
	KUNIT_CASE(gunyah_rm_test_request_too_long),
	KUNIT_CASE(gunyah_rm_test_reply_reassembly),
	KUNIT_CASE(gunyah_rm_test_reply_max_fragments),
	KUNIT_CASE(gunyah_rm_test_continuation_mismatch),
	KUNIT_CASE(gunyah_rm_test_reply_cut_short),
	KUNIT_CASE(gunyah_rm_test_concurrent_calls),
	KUNIT_CASE(gunyah_rm_test_notifications),
	KUNIT_CASE(gunyah_rm_test_rm_error),
	KUNIT_CASE(gunyah_rm_test_error_remap),
	KUNIT_CASE(gunyah_rm_test_malformed),
	KUNIT_CASE(gunyah_rm_test_send_failure),
	KUNIT_CASE(gunyah_rm_test_stop),
	KUNIT_CASE(gunyah_rm_test_vmid_calls),
	KUNIT_CASE(gunyah_rm_test_mem_share_encode),
	KUNIT_CASE(gunyah_rm_test_mem_share_append),
	KUNIT_CASE(gunyah_rm_test_mem_append_fails),
	KUNIT_CASE(gunyah_rm_test_vm_calls),
	KUNIT_CASE(gunyah_rm_test_hyp_resources),
	KUNIT_CASE(gunyah_rm_test_coalesce),
	KUNIT_CASE(gunyah_vm_test_resource_tickets),
	KUNIT_CASE(gunyah_rm_test_vm_start_errors),
	KUNIT_CASE(gunyah_irqfd_test_bell_masks),
	{}
};

static struct kunit_suite gunyah_rm_rpc_test_suite = {
	.name = "gunyah_rm_rpc",
	.init = gunyah_rm_test_init,
	.exit = gunyah_rm_test_exit,
	.test_cases = gunyah_rm_rpc_test_cases,
};

/* The VM's exit and teardown, driven by the fake RM's notifications */
static struct kunit_case gunyah_vm_lifecycle_test_cases[] = {
	KUNIT_CASE(gunyah_vm_test_status_then_exited),
	KUNIT_CASE(gunyah_vm_test_exited_alone),
	KUNIT_CASE(gunyah_vm_test_status_alone),
	KUNIT_CASE(gunyah_vm_test_run_state),
	KUNIT_CASE(gunyah_vm_test_stopped_without_exit),
	KUNIT_CASE(gunyah_vm_test_run_state_race),
	KUNIT_CASE(gunyah_vm_test_late_reset),
	KUNIT_CASE(gunyah_vm_test_late_reset_rm_gone),
	{}
};

static struct kunit_suite gunyah_vm_lifecycle_test_suite = {
	.name = "gunyah_vm_lifecycle",
	.init = gunyah_rm_test_init,
	.exit = gunyah_rm_test_exit,
	.test_cases = gunyah_vm_lifecycle_test_cases,
};

/* Hypercall errors map to errnos. */
static void gunyah_hypercall_test_error_remap(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, gunyah_error_remap(GUNYAH_ERROR_OK), 0);
	KUNIT_EXPECT_EQ(test, gunyah_error_remap(GUNYAH_ERROR_UNIMPLEMENTED),
			-EOPNOTSUPP);
	KUNIT_EXPECT_EQ(test, gunyah_error_remap(GUNYAH_ERROR_RETRY), -EAGAIN);
	KUNIT_EXPECT_EQ(test, gunyah_error_remap(GUNYAH_ERROR_ARG_INVAL),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, gunyah_error_remap(GUNYAH_ERROR_NOMEM), -ENOMEM);
	KUNIT_EXPECT_EQ(test, gunyah_error_remap(GUNYAH_ERROR_DENIED), -EACCES);
	KUNIT_EXPECT_EQ(test, gunyah_error_remap(GUNYAH_ERROR_BUSY), -EBUSY);
	KUNIT_EXPECT_EQ(test, gunyah_error_remap(GUNYAH_ERROR_MSGQUEUE_FULL),
			-EAGAIN);
	KUNIT_EXPECT_EQ(test, gunyah_error_remap(GUNYAH_ERROR_MSGQUEUE_EMPTY),
			-EAGAIN);
	KUNIT_EXPECT_EQ(test,
			gunyah_error_remap(GUNYAH_ERROR_CSPACE_WRONG_OBJ_TYPE),
			-ENXIO);
	KUNIT_EXPECT_EQ(test, gunyah_error_remap(GUNYAH_ERROR_FAILURE), -EIO);
	KUNIT_EXPECT_EQ(test, gunyah_error_remap((enum gunyah_error)99), -EIO);
}

/* Field layout of hyp_identify's api_info */
static void gunyah_hypercall_test_api_version(struct kunit *test)
{
	struct gunyah_hypercall_hyp_identify_resp identity = {
		.api_info = 0x5100000000008001ULL,
	};

	KUNIT_EXPECT_EQ(test, gunyah_api_version(&identity), GUNYAH_API_V1);
	KUNIT_EXPECT_TRUE(test,
			  identity.api_info & GUNYAH_API_INFO_IS_64BIT);
	KUNIT_EXPECT_FALSE(test,
			   identity.api_info & GUNYAH_API_INFO_BIG_ENDIAN);
	KUNIT_EXPECT_EQ(test, FIELD_GET(GUNYAH_API_INFO_VARIANT_MASK,
					identity.api_info), 0x51);
}

static struct kunit_case gunyah_hypercall_test_cases[] = {
	KUNIT_CASE(gunyah_hypercall_test_error_remap),
	KUNIT_CASE(gunyah_hypercall_test_api_version),
	{}
};

static struct kunit_suite gunyah_hypercall_test_suite = {
	.name = "gunyah_hypercall",
	.test_cases = gunyah_hypercall_test_cases,
};

kunit_test_suites(&gunyah_rm_rpc_test_suite, &gunyah_vm_lifecycle_test_suite,
		  &gunyah_hypercall_test_suite);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("KUnit tests of the Gunyah Resource Manager RPC");
MODULE_IMPORT_NS(EXPORTED_FOR_KUNIT_TESTING);
