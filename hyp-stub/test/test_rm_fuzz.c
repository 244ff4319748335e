// SPDX-License-Identifier: GPL-2.0-only
/*
 * Garbage in, invariants out: random host traffic against the RM, checked
 * after every step. The seed is fixed (and printed) so that a failure
 * reproduces; RM_FUZZ_SEED=<n> in the environment explores other ones.
 *
 * Checked: hypercall results agree with the queue states; the RM's
 * back-pressure invariants; every packet the host receives is well framed
 * (strictly, except for orphan continuations right after an RX flush);
 * replies echo a sequence number the host used and carry a known RM error;
 * interrupts are raised whenever the host needs one; and at the end the link
 * and the VMID table still work. AddressSanitizer/UBSan check the rest.
 */
#include <stdlib.h>

#include "rm_test.h"

#define FUZZ_STEPS	200000

static u64 rng_state;

static u64 rng(void)
{
	/* xorshift64* */
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 0x2545F4914F6CDD1DULL;
}

static u32 rng_below(u32 n)
{
	return (u32)(rng() % n);
}

static const u32 fuzz_ids[] = {
	RM_MSG_VM_ALLOC_VMID, RM_MSG_VM_DEALLOC_VMID, RM_MSG_VM_GET_VMID,
	RM_MSG_VM_START, RM_MSG_MEM_LEND, 0, 0xFFFFFFFF,
};

/* What the host has done and seen. */
static struct {
	/* sequence numbers of well-formed first packets of requests sent */
	u8 seq_used[65536 / 8];
	bool rx_seen_empty;		/* host last saw RX empty ... */
	unsigned int rx_irqs_then;	/* ... with this many RX interrupts */
	bool tx_seen_full;
	unsigned int tx_irqs_then;
	/* framing of the packet stream the host receives */
	bool in_msg;
	u8 frags, left;
	u16 seq;
	u32 id;
	bool orphans_ok;		/* after an RX flush */
	unsigned long sent, received, replies, notifs, rejected;
	unsigned long good_starts;	/* well-formed first packets of requests */
} h;

static void check_rm_invariants(void)
{
	EXPECT_TRUE(msgq_count(&rm_host_tx) <= RM_MSGQ_DEPTH);
	EXPECT_TRUE(msgq_count(&rm_host_rx) <= RM_MSGQ_DEPTH);
	EXPECT_TRUE(msgq_count(&rm_outbox) <= RM_OUTBOX_DEPTH);
	/* The RM only stops while RX is full. */
	if (!msgq_empty(&rm_outbox) || !msgq_empty(&rm_host_tx))
		EXPECT_TRUE(msgq_full(&rm_host_rx));
}

static bool known_rm_error(u32 err)
{
	return err == RM_ERROR_OK || err == RM_ERROR_UNIMPLEMENTED ||
	       err == RM_ERROR_NORESOURCE || err == RM_ERROR_DENIED ||
	       err == RM_ERROR_INVALID || err == RM_ERROR_VMID_INVALID ||
	       err == RM_ERROR_VM_STATE;
}

/* Check one received packet against the framing rules. */
static void check_packet(const u8 *pkt, size_t len)
{
	u8 type = pkt[1] & 3, frags = pkt[1] >> 2;
	u16 seq = rm_get_le16(pkt + 2);
	u32 id = rm_get_le32(pkt + 4);

	EXPECT_TRUE(len >= 8 && len <= 240);
	EXPECT_EQ(pkt[0], 0x21);
	EXPECT_TRUE(frags <= 62);

	if (type == RM_RPC_TYPE_CONT) {
		if (!h.in_msg) {
			EXPECT_TRUE(h.orphans_ok);
			return;
		}
		EXPECT_EQ(frags, h.frags);
		EXPECT_EQ(seq, h.seq);
		EXPECT_EQ(id, h.id);
		h.in_msg = --h.left != 0;
		return;
	}

	/* A new message only after the previous one is complete. */
	EXPECT_FALSE(h.in_msg);
	h.orphans_ok = false;
	h.in_msg = frags != 0;
	h.frags = frags;
	h.left = frags;
	h.seq = seq;
	h.id = id;
	if (type == RM_RPC_TYPE_REPLY) {
		h.replies++;
		EXPECT_TRUE(h.seq_used[seq / 8] & (1 << (seq % 8)));
		EXPECT_TRUE(len >= 12);
		if (len >= 12)
			EXPECT_TRUE(known_rm_error(rm_get_le32(pkt + 8)));
	} else {
		EXPECT_EQ(type, RM_RPC_TYPE_NOTIF);
		h.notifs++;
	}
}

static size_t random_packet(u8 *pkt, bool garbage)
{
	size_t len;
	u8 type, frags;
	u16 seq;
	u32 id;

	if (garbage || rng_below(16) == 0) {
		len = rng_below(16) ? rng_below(241) : rng_below(300);
		for (size_t i = 0; i < len; i++)
			pkt[i] = (u8)rng();
		return len;
	}

	/* Plausible packets, so that the deeper paths run too. */
	type = rng_below(8) ? (rng_below(2) ? RM_RPC_TYPE_REQUEST : RM_RPC_TYPE_CONT)
			    : (u8)rng_below(4);
	frags = rng_below(8) ? (u8)rng_below(3) : (u8)(60 + rng_below(4));
	seq = (u16)rng_below(8);
	id = fuzz_ids[rng_below(ARRAY_SIZE(fuzz_ids))];
	len = rng_below(4) ? 8 + rng_below(8) : 8 + rng_below(240);
	for (size_t i = 8; i < len; i++)
		pkt[i] = (u8)rng();
	if (len >= 10 && rng_below(2)) {
		/* VMIDs near the interesting ranges */
		pkt[8] = (u8)(rng_below(2) ? RM_VMID_DYN_FIRST + rng_below(20) : rng_below(256));
		pkt[9] = (u8)(rng_below(8) ? 0 : rng());
	}
	pkt_make(pkt, rng_below(32) ? 0x21 : (u8)rng(), type, frags, seq, id, NULL, 0);
	return len;
}

static void step_send(bool garbage)
{
	u8 pkt[300];
	size_t len = random_packet(pkt, garbage);
	bool was_full = msgq_full(&rm_host_tx), not_full;
	int ret;

	/*
	 * Only these can be answered: the real RM drops bad headers, replies
	 * and notifications without a reply, so must the stub.
	 */
	bool good = len >= 8 && len <= 240 && !was_full && pkt[0] == RM_RPC_HDR_BYTE0 &&
		    (pkt[1] & 3) == RM_RPC_TYPE_REQUEST && (pkt[1] >> 2) <= RM_RPC_MAX_FRAGMENTS;

	if (good) {
		h.seq_used[rm_get_le16(pkt + 2) / 8] |= 1 << (rm_get_le16(pkt + 2) % 8);
		h.good_starts++;
	}

	ret = rm_host_msgq_send(pkt, len, rng_below(2), &not_full);
	if (was_full) {
		EXPECT_EQ(ret, GH_ERROR_MSGQUEUE_FULL);
	} else if (!len || len > 240) {
		EXPECT_EQ(ret, GH_ERROR_ARG_SIZE);
		h.rejected++;
	} else {
		EXPECT_EQ(ret, GH_ERROR_OK);
		/* The host only sends after a TX_NOT_FULL since it saw TX full. */
		if (h.tx_seen_full)
			EXPECT_TRUE(rm_test_irqs[RM_HOST_IRQ_TX_NOT_FULL] > h.tx_irqs_then);
		h.tx_seen_full = false;
		h.sent++;
	}
	EXPECT_EQ(not_full, !msgq_full(&rm_host_tx));
	if (!not_full) {
		h.tx_seen_full = true;
		h.tx_irqs_then = rm_test_irqs[RM_HOST_IRQ_TX_NOT_FULL];
	}
}

static void step_recv(void)
{
	u8 buf[RM_RPC_PKT_SIZE];
	size_t buf_size = rng_below(8) ? sizeof(buf) : rng_below(sizeof(buf) + 1);
	u32 count = msgq_count(&rm_host_rx);
	size_t size = 999;
	bool not_empty;
	int ret;

	ret = rm_host_msgq_recv(buf, buf_size, &size, &not_empty);
	if (!count) {
		EXPECT_EQ(ret, GH_ERROR_MSGQUEUE_EMPTY);
		EXPECT_FALSE(not_empty);
	} else {
		/* Non-empty: the host got here through an RX_NOT_EMPTY interrupt. */
		if (h.rx_seen_empty)
			EXPECT_TRUE(rm_test_irqs[RM_HOST_IRQ_RX_NOT_EMPTY] > h.rx_irqs_then);
		h.rx_seen_empty = false;
		if (ret == GH_ERROR_ARG_SIZE) {
			EXPECT_TRUE(buf_size < sizeof(buf));
			EXPECT_TRUE(not_empty);
			EXPECT_EQ(size, 0);
			EXPECT_EQ(msgq_count(&rm_host_rx), count);
		} else {
			EXPECT_EQ(ret, GH_ERROR_OK);
			EXPECT_TRUE(size <= buf_size);
			EXPECT_EQ(not_empty, !msgq_empty(&rm_host_rx));
			if (ret == GH_ERROR_OK && size >= 8 && size <= buf_size) {
				h.received++;
				check_packet(buf, size);
			}
		}
	}
	if (!not_empty) {
		h.rx_seen_empty = true;
		h.rx_irqs_then = rm_test_irqs[RM_HOST_IRQ_RX_NOT_EMPTY];
	}
}

static void step_flush(void)
{
	if (rng_below(2)) {
		EXPECT_EQ(rm_host_msgq_flush(true), GH_ERROR_OK);
		/* Room in TX again: a full TX raised TX_NOT_FULL. */
		if (h.tx_seen_full)
			EXPECT_TRUE(rm_test_irqs[RM_HOST_IRQ_TX_NOT_FULL] > h.tx_irqs_then);
		h.tx_seen_full = false;
		return;
	}
	EXPECT_EQ(rm_host_msgq_flush(false), GH_ERROR_OK);
	h.in_msg = false;
	h.orphans_ok = true;
	if (msgq_empty(&rm_host_rx)) {
		h.rx_seen_empty = true;
		h.rx_irqs_then = rm_test_irqs[RM_HOST_IRQ_RX_NOT_EMPTY];
	} else {
		/* Refilled from the outbox: the host must have been told. */
		EXPECT_TRUE(!h.rx_seen_empty ||
			    rm_test_irqs[RM_HOST_IRQ_RX_NOT_EMPTY] > h.rx_irqs_then);
		h.rx_seen_empty = false;
	}
}

static void step_notify(void)
{
	static u8 payload[3 * 232];
	size_t len = rng_below(sizeof(payload) + 1);
	u32 pkts = len ? (u32)(len + 231) / 232 : 1;
	bool fits = pkts <= msgq_space(&rm_outbox);

	/* Refused, whole, only when the outbox has no room left. */
	EXPECT_EQ(rm_notify(RM_NOTIF_VM_STATUS, payload, len),
		  fits ? GH_ERROR_OK : GH_ERROR_MSGQUEUE_FULL);
}

static void fuzz_run(unsigned long steps, bool garbage)
{
	/* Percent of steps that receive: a sleepy host lets the queues fill up. */
	static const u32 recv_pct[] = { 5, 40, 70 };
	u32 recv = recv_pct[0];

	for (unsigned long i = 0; i < steps && !unit_test_failed; i++) {
		u32 op = rng_below(100);

		if (i % 256 == 0)
			recv = recv_pct[rng_below(ARRAY_SIZE(recv_pct))];
		if (op < 3)
			step_notify();
		else if (op < 4)
			step_flush();
		else if (op < 4 + recv)
			step_recv();
		else
			step_send(garbage);
		check_rm_invariants();
	}
}

static void fuzz_reset(void)
{
	const char *env = getenv("RM_FUZZ_SEED");

	rng_state = env ? strtoull(env, NULL, 0) : 0x9E3779B97F4A7C15ULL;
	if (!rng_state)
		rng_state = 1;
	printf("# seed %#llx\n", (unsigned long long)rng_state);
	memset(&h, 0, sizeof(h));
	h.rx_seen_empty = true;
	rm_test_reset();
}

/* The link and the VMID table still work after the storm. */
static void check_recovery(void)
{
	u8 buf[RM_RPC_PKT_SIZE], rep[16];
	size_t size, rep_len;
	bool not_empty;
	u32 vmid;
	int guard = 0;

	/* Drain RX (and so TX) completely. */
	while (rm_host_msgq_recv(buf, sizeof(buf), &size, &not_empty) == GH_ERROR_OK)
		ASSERT_TRUE(++guard < 10000);
	check_rm_invariants();
	EXPECT_TRUE(msgq_empty(&rm_host_tx));
	EXPECT_TRUE(msgq_empty(&rm_outbox));

	EXPECT_EQ(host_call(RM_MSG_VM_GET_VMID, 0xBEEF, NULL, 0, rep, &rep_len), RM_ERROR_OK);
	EXPECT_EQ(rm_get_le32(rep), RM_VMID_HOST);

	/* Free whatever the fuzzer allocated, then every slot is usable. */
	for (u32 id = RM_VMID_ALLOC_FIRST; id <= RM_VMID_ALLOC_LAST; id++) {
		u8 req[4] = { (u8)id, 0, 0, 0 };

		if (rm_vm_lookup((u16)id))
			EXPECT_EQ(host_call(RM_MSG_VM_DEALLOC_VMID, 1, req, 4, rep, &rep_len),
				  RM_ERROR_OK);
	}
	for (int i = 0; i < RM_MAX_VMS; i++) {
		u8 req[4] = { 0 };

		EXPECT_EQ(host_call(RM_MSG_VM_ALLOC_VMID, 2, req, 4, rep, &rep_len), RM_ERROR_OK);
		vmid = rm_get_le32(rep);
		EXPECT_TRUE(vmid >= RM_VMID_DYN_FIRST && vmid <= RM_VMID_DYN_LAST);
	}
	EXPECT_TRUE(host_rx_empty());
}

TEST(fuzz_plausible_packets)
{
	fuzz_reset();
	fuzz_run(FUZZ_STEPS, false);
	printf("# sent %lu (rejected %lu), received %lu: %lu replies, %lu notifications\n",
	       h.sent, h.rejected, h.received, h.replies, h.notifs);
	/* The run reached the interesting states at all. */
	EXPECT_TRUE(h.replies > 1000);
	EXPECT_TRUE(rm_test_irqs[RM_HOST_IRQ_TX_NOT_FULL] > 10);
	check_recovery();
}

TEST(fuzz_pure_garbage)
{
	fuzz_reset();
	fuzz_run(FUZZ_STEPS, true);
	printf("# sent %lu (rejected %lu, %lu well-formed requests), received %lu: %lu replies, %lu notifications\n",
	       h.sent, h.rejected, h.good_starts, h.received, h.replies, h.notifs);
	/* Garbage is dropped unanswered (replies only echo well-formed requests). */
	EXPECT_TRUE(h.sent > FUZZ_STEPS / 4);
	EXPECT_TRUE(h.good_starts < h.sent / 100);
	EXPECT_TRUE(h.replies <= h.good_starts);
	check_recovery();
}
