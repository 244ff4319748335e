// SPDX-License-Identifier: GPL-2.0-only
/*
 * Unit tests for core/rm_rpc.c: RM-RPC framing, reassembly, fragmentation,
 * malformed input, back-pressure and host interrupts.
 */
#include "rm_test.h"

#define UNKNOWN_ID	0x560000FEU

static u8 big[RM_RPC_MAX_PAYLOAD + 1];
static struct host_msg msg;
static struct rm_reasm reasm;

static void fill(u8 *buf, size_t len, u8 seed)
{
	for (size_t i = 0; i < len; i++)
		buf[i] = (u8)(seed ^ (i * 13) ^ (i >> 8));
}

TEST(rpc_get_vmid_single_packet_bytes)
{
	static const u8 req[] = { 0x21, 0x01, 0x34, 0x12, 0x24, 0x00, 0x00, 0x56 };
	static const u8 rep[] = { 0x21, 0x02, 0x34, 0x12, 0x24, 0x00, 0x00, 0x56,
				  0x00, 0x00, 0x00, 0x00, 0x03, 0x00, 0x00, 0x00 };
	u8 buf[240];
	size_t size;
	bool not_full = false, not_empty = true;

	rm_test_reset();
	ASSERT_EQ(rm_host_msgq_send(req, sizeof(req), true, &not_full), GH_ERROR_OK);
	EXPECT_TRUE(not_full);
	EXPECT_EQ(rm_test_irqs[RM_HOST_IRQ_RX_NOT_EMPTY], 1);
	EXPECT_EQ(rm_test_irqs[RM_HOST_IRQ_TX_NOT_FULL], 0);
	ASSERT_EQ(rm_host_msgq_recv(buf, sizeof(buf), &size, &not_empty), GH_ERROR_OK);
	EXPECT_EQ(size, sizeof(rep));
	EXPECT_MEMEQ(buf, rep, sizeof(rep));
	EXPECT_FALSE(not_empty);
	EXPECT_TRUE(host_rx_empty());
}

TEST(rpc_seq_echoed)
{
	static const u16 seqs[] = { 0, 1, 0x00FF, 0x7FFF, 0x8000, 0xFFFF };
	u8 rep[16];
	size_t rep_len;

	rm_test_reset();
	for (size_t i = 0; i < ARRAY_SIZE(seqs); i++) {
		/* host_call checks the echoed sequence number and ID */
		EXPECT_EQ(host_call(RM_MSG_VM_GET_VMID, seqs[i], NULL, 0, rep, &rep_len),
			  RM_ERROR_OK);
		EXPECT_EQ(rep_len, 4);
		EXPECT_EQ(rm_get_le32(rep), RM_VMID_HOST);
	}
}

TEST(rpc_unknown_id_unimplemented)
{
	static const u32 ids[] = { UNKNOWN_ID, 0, 0xFFFFFFFF, 0x56100008 };
	u8 rep[16];
	size_t rep_len = 99;

	rm_test_reset();
	for (size_t i = 0; i < ARRAY_SIZE(ids); i++) {
		EXPECT_EQ(host_call(ids[i], (u16)i, NULL, 0, rep, &rep_len),
			  RM_ERROR_UNIMPLEMENTED);
		EXPECT_EQ(rep_len, 0);
	}
	EXPECT_TRUE(host_rx_empty());
}

TEST(rpc_wrong_length_for_known_call_invalid)
{
	u8 req[8] = { 0 }, rep[16];
	size_t rep_len;

	rm_test_reset();
	EXPECT_EQ(host_call(RM_MSG_VM_GET_VMID, 1, req, 1, rep, &rep_len), RM_ERROR_INVALID);
	EXPECT_EQ(rep_len, 0);
	EXPECT_EQ(host_call(RM_MSG_VM_ALLOC_VMID, 2, req, 3, rep, &rep_len), RM_ERROR_INVALID);
	EXPECT_EQ(host_call(RM_MSG_VM_ALLOC_VMID, 3, req, 5, rep, &rep_len), RM_ERROR_INVALID);
	EXPECT_EQ(host_call(RM_MSG_VM_ALLOC_VMID, 4, req, 0, rep, &rep_len), RM_ERROR_INVALID);
	EXPECT_EQ(host_call(RM_MSG_VM_DEALLOC_VMID, 5, req, 8, rep, &rep_len),
		  RM_ERROR_INVALID);
	/* Nothing was allocated by the rejected calls. */
	EXPECT_EQ(rm_vm_lookup(RM_VMID_DYN_FIRST), NULL);
}

/* Feed a request of @len bytes to the reassembler the way Linux sends it. */
static void reasm_feed(size_t len, u16 seq)
{
	unsigned int frags = len ? (len - 1) / 232 : 0;
	u8 pkt[240];
	size_t off = 0;
	struct rm_rpc_hdr hdr;

	fill(big, len, (u8)len);
	for (unsigned int i = 0; i <= frags; i++) {
		size_t n = len - off < 232 ? len - off : 232;
		size_t plen = pkt_make(pkt, 0x21, i ? 0 : 1, (u8)frags, seq, 0x51000012,
				       big + off, n);

		off += n;
		EXPECT_EQ(rm_reasm_packet(&reasm, pkt, plen, &hdr),
			  i == frags ? RM_REASM_DONE : RM_REASM_PARTIAL);
	}
	EXPECT_EQ(reasm.len, len);
	EXPECT_EQ(reasm.seq, seq);
	EXPECT_EQ(reasm.id, 0x51000012);
	EXPECT_FALSE(reasm.active);
	EXPECT_MEMEQ(reasm.buf, big, len);
}

TEST(rpc_reassembly_at_packet_boundaries)
{
	static const size_t lens[] = { 0, 1, 231, 232, 233, 463, 464, 465,
				       62 * 232, 62 * 232 + 1, RM_RPC_MAX_PAYLOAD };

	rm_reasm_reset(&reasm);
	for (size_t i = 0; i < ARRAY_SIZE(lens); i++)
		reasm_feed(lens[i], (u16)(0xF000 + i));
}

TEST(rpc_reassembly_rejects_63_continuations)
{
	u8 pkt[240];
	size_t len;
	struct rm_rpc_hdr hdr;

	rm_reasm_reset(&reasm);
	fill(big, 232, 1);
	len = pkt_make(pkt, 0x21, RM_RPC_TYPE_REQUEST, 63, 7, UNKNOWN_ID, big, 232);
	EXPECT_EQ(rm_reasm_packet(&reasm, pkt, len, &hdr), RM_REASM_DROP);
	EXPECT_EQ(hdr.seq, 7);
	EXPECT_EQ(hdr.id, UNKNOWN_ID);
	EXPECT_FALSE(reasm.active);
	len = pkt_make(pkt, 0x21, RM_RPC_TYPE_CONT, 63, 7, UNKNOWN_ID, big, 232);
	EXPECT_EQ(rm_reasm_packet(&reasm, pkt, len, &hdr), RM_REASM_DROP);
}

TEST(rpc_reassembly_rejects_oversized_packet)
{
	u8 pkt[248];
	size_t len;
	struct rm_rpc_hdr hdr;

	/* Cannot come through a 240-byte queue, but the bound must hold anyway. */
	rm_reasm_reset(&reasm);
	fill(big, 233, 2);
	len = pkt_make(pkt, 0x21, RM_RPC_TYPE_REQUEST, 0, 1, UNKNOWN_ID, big, 233);
	EXPECT_EQ(rm_reasm_packet(&reasm, pkt, len, &hdr), RM_REASM_DROP);
	len = pkt_make(pkt, 0x21, RM_RPC_TYPE_REQUEST, 1, 1, UNKNOWN_ID, big, 232);
	ASSERT_EQ(rm_reasm_packet(&reasm, pkt, len, &hdr), RM_REASM_PARTIAL);
	len = pkt_make(pkt, 0x21, RM_RPC_TYPE_CONT, 1, 1, UNKNOWN_ID, big, 233);
	EXPECT_EQ(rm_reasm_packet(&reasm, pkt, len, &hdr), RM_REASM_DROP);
	EXPECT_TRUE(reasm.active);
	EXPECT_EQ(reasm.len, 232);
}

TEST(rpc_request_of_62_continuations_accepted)
{
	u8 req[4] = { 0 }, rep[16];
	size_t rep_len;

	rm_test_reset();
	/* Payloadless continuations: the reassembled GET_VMID is still empty. */
	ASSERT_EQ(host_send_request_frags(RM_MSG_VM_GET_VMID, 0x100, NULL, 0, 62), GH_ERROR_OK);
	ASSERT_EQ(host_recv_msg(&msg), 0);
	EXPECT_EQ(msg.seq, 0x100);
	EXPECT_EQ(rm_get_le32(msg.data), RM_ERROR_OK);
	EXPECT_EQ(rm_get_le32(msg.data + 4), RM_VMID_HOST);
	EXPECT_TRUE(host_rx_empty());

	/* The largest request: 63 full packets. */
	fill(big, RM_RPC_MAX_PAYLOAD, 5);
	ASSERT_EQ(host_send_request(UNKNOWN_ID, 0x101, big, RM_RPC_MAX_PAYLOAD), GH_ERROR_OK);
	ASSERT_EQ(host_recv_msg(&msg), 0);
	EXPECT_EQ(msg.seq, 0x101);
	EXPECT_EQ(rm_get_le32(msg.data), RM_ERROR_UNIMPLEMENTED);
	ASSERT_EQ(host_send_request(RM_MSG_VM_GET_VMID, 0x102, big, RM_RPC_MAX_PAYLOAD),
		  GH_ERROR_OK);
	ASSERT_EQ(host_recv_msg(&msg), 0);
	EXPECT_EQ(rm_get_le32(msg.data), RM_ERROR_INVALID);

	EXPECT_EQ(host_call(RM_MSG_VM_ALLOC_VMID, 0x103, req, 4, rep, &rep_len), RM_ERROR_OK);
	EXPECT_TRUE(host_rx_empty());
}

TEST(rpc_request_of_63_continuations_rejected)
{
	u8 pkt[240];

	rm_test_reset();
	fill(big, 232, 9);
	pkt_make(pkt, 0x21, RM_RPC_TYPE_REQUEST, 63, 0x4242, RM_MSG_VM_GET_VMID, big, 232);
	ASSERT_EQ(host_send(pkt, 240), GH_ERROR_OK);
	/* Dropped without a reply, as by the real RM... */
	EXPECT_TRUE(host_rx_empty());
	/* ...and its continuations are orphans, dropped too. */
	for (int i = 0; i < 63; i++) {
		pkt_make(pkt, 0x21, RM_RPC_TYPE_CONT, 63, 0x4242, RM_MSG_VM_GET_VMID, big, 232);
		ASSERT_EQ(host_send(pkt, 240), GH_ERROR_OK);
	}
	EXPECT_TRUE(host_rx_empty());
	EXPECT_EQ(rm_test_irqs[RM_HOST_IRQ_RX_NOT_EMPTY], 0);
}

TEST(rpc_reply_only_after_last_fragment)
{
	u8 pkt[240];

	rm_test_reset();
	fill(big, 233, 3);
	pkt_make(pkt, 0x21, RM_RPC_TYPE_REQUEST, 1, 9, UNKNOWN_ID, big, 232);
	ASSERT_EQ(host_send(pkt, 240), GH_ERROR_OK);
	EXPECT_TRUE(host_rx_empty());
	pkt_make(pkt, 0x21, RM_RPC_TYPE_CONT, 1, 9, UNKNOWN_ID, big + 232, 1);
	ASSERT_EQ(host_send(pkt, 9), GH_ERROR_OK);
	ASSERT_EQ(host_recv_msg(&msg), 0);
	EXPECT_EQ(msg.seq, 9);
	EXPECT_EQ(rm_get_le32(msg.data), RM_ERROR_UNIMPLEMENTED);
}

TEST(rpc_mismatched_continuations_dropped)
{
	u8 pkt[240], zero[2] = { 0, 0 }, junk[2] = { 0x81, 0 };

	rm_test_reset();
	/*
	 * ALLOC_VMID {0, 0} split 2 + 2 + 0 bytes over three packets. Each
	 * mismatching continuation carries two bytes: had any been appended,
	 * the request would not be 4 bytes long and the reply not OK.
	 */
	pkt_make(pkt, 0x21, RM_RPC_TYPE_REQUEST, 2, 77, RM_MSG_VM_ALLOC_VMID, zero, 2);
	ASSERT_EQ(host_send(pkt, 10), GH_ERROR_OK);
	pkt_make(pkt, 0x21, RM_RPC_TYPE_CONT, 2, 78, RM_MSG_VM_ALLOC_VMID, junk, 2);
	ASSERT_EQ(host_send(pkt, 10), GH_ERROR_OK);	/* wrong seq */
	pkt_make(pkt, 0x21, RM_RPC_TYPE_CONT, 2, 77, RM_MSG_VM_DEALLOC_VMID, junk, 2);
	ASSERT_EQ(host_send(pkt, 10), GH_ERROR_OK);	/* wrong ID */
	pkt_make(pkt, 0x21, RM_RPC_TYPE_CONT, 3, 77, RM_MSG_VM_ALLOC_VMID, junk, 2);
	ASSERT_EQ(host_send(pkt, 10), GH_ERROR_OK);	/* wrong count */
	pkt_make(pkt, 0x11, RM_RPC_TYPE_CONT, 2, 77, RM_MSG_VM_ALLOC_VMID, junk, 2);
	ASSERT_EQ(host_send(pkt, 10), GH_ERROR_OK);	/* wrong version */
	EXPECT_TRUE(host_rx_empty());

	pkt_make(pkt, 0x21, RM_RPC_TYPE_CONT, 2, 77, RM_MSG_VM_ALLOC_VMID, zero, 2);
	ASSERT_EQ(host_send(pkt, 10), GH_ERROR_OK);
	EXPECT_TRUE(host_rx_empty());
	pkt_make(pkt, 0x21, RM_RPC_TYPE_CONT, 2, 77, RM_MSG_VM_ALLOC_VMID, NULL, 0);
	ASSERT_EQ(host_send(pkt, 8), GH_ERROR_OK);
	ASSERT_EQ(host_recv_msg(&msg), 0);
	EXPECT_EQ(msg.seq, 77);
	EXPECT_EQ(msg.len, 8);
	EXPECT_EQ(rm_get_le32(msg.data), RM_ERROR_OK);
	EXPECT_EQ(rm_get_le32(msg.data + 4), RM_VMID_DYN_FIRST);

	/* One continuation too many is an orphan. */
	ASSERT_EQ(host_send(pkt, 8), GH_ERROR_OK);
	EXPECT_TRUE(host_rx_empty());
}

TEST(rpc_new_request_abandons_partial_one)
{
	u8 pkt[240], rep[16];
	size_t rep_len;

	rm_test_reset();
	fill(big, 232, 4);
	pkt_make(pkt, 0x21, RM_RPC_TYPE_REQUEST, 1, 1, UNKNOWN_ID, big, 232);
	ASSERT_EQ(host_send(pkt, 240), GH_ERROR_OK);
	/* A new request in the middle is served... */
	EXPECT_EQ(host_call(RM_MSG_VM_GET_VMID, 2, NULL, 0, rep, &rep_len), RM_ERROR_OK);
	/* ...and the first one is gone: its continuation is an orphan. */
	pkt_make(pkt, 0x21, RM_RPC_TYPE_CONT, 1, 1, UNKNOWN_ID, big, 1);
	ASSERT_EQ(host_send(pkt, 9), GH_ERROR_OK);
	EXPECT_TRUE(host_rx_empty());

	/* So does a well-formed first packet of another type (a notification)... */
	pkt_make(pkt, 0x21, RM_RPC_TYPE_REQUEST, 1, 4, UNKNOWN_ID, big, 232);
	ASSERT_EQ(host_send(pkt, 240), GH_ERROR_OK);
	pkt_make(pkt, 0x21, RM_RPC_TYPE_NOTIF, 0, 5, UNKNOWN_ID, NULL, 0);
	ASSERT_EQ(host_send(pkt, 8), GH_ERROR_OK);
	pkt_make(pkt, 0x21, RM_RPC_TYPE_CONT, 1, 4, UNKNOWN_ID, big, 1);
	ASSERT_EQ(host_send(pkt, 9), GH_ERROR_OK);
	EXPECT_TRUE(host_rx_empty());

	/*
	 * ...but not a packet with a bad header: the real RM drops it before
	 * looking at the message being reassembled, which then completes.
	 */
	pkt_make(pkt, 0x21, RM_RPC_TYPE_REQUEST, 1, 6, UNKNOWN_ID, big, 232);
	ASSERT_EQ(host_send(pkt, 240), GH_ERROR_OK);
	pkt_make(pkt, 0x22, RM_RPC_TYPE_REQUEST, 0, 7, UNKNOWN_ID, NULL, 0);
	ASSERT_EQ(host_send(pkt, 8), GH_ERROR_OK);
	pkt_make(pkt, 0x21, RM_RPC_TYPE_REQUEST, 63, 8, UNKNOWN_ID, NULL, 0);
	ASSERT_EQ(host_send(pkt, 8), GH_ERROR_OK);
	EXPECT_TRUE(host_rx_empty());
	pkt_make(pkt, 0x21, RM_RPC_TYPE_CONT, 1, 6, UNKNOWN_ID, big, 1);
	ASSERT_EQ(host_send(pkt, 9), GH_ERROR_OK);
	ASSERT_EQ(host_recv_msg(&msg), 0);
	EXPECT_EQ(msg.seq, 6);
	EXPECT_EQ(rm_get_le32(msg.data), RM_ERROR_UNIMPLEMENTED);
	EXPECT_TRUE(host_rx_empty());
}

TEST(rpc_orphan_continuation_dropped)
{
	u8 pkt[240];

	rm_test_reset();
	pkt_make(pkt, 0x21, RM_RPC_TYPE_CONT, 0, 5, RM_MSG_VM_GET_VMID, NULL, 0);
	ASSERT_EQ(host_send(pkt, 8), GH_ERROR_OK);
	pkt_make(pkt, 0x21, RM_RPC_TYPE_CONT, 1, 5, RM_MSG_VM_GET_VMID, big, 100);
	ASSERT_EQ(host_send(pkt, 108), GH_ERROR_OK);
	EXPECT_TRUE(host_rx_empty());
	EXPECT_EQ(rm_test_irqs[RM_HOST_IRQ_RX_NOT_EMPTY], 0);
}

TEST(rpc_malformed_header_dropped_without_reply)
{
	static const struct { u8 byte0, type, frags; } bad[] = {
		{ 0x11, RM_RPC_TYPE_REQUEST, 0 },	/* one header word */
		{ 0x22, RM_RPC_TYPE_REQUEST, 0 },	/* API version 2 */
		{ 0x20, RM_RPC_TYPE_REQUEST, 0 },
		{ 0x31, RM_RPC_TYPE_REQUEST, 0 },
		{ 0xFF, RM_RPC_TYPE_REQUEST, 0 },
		{ 0x21, RM_RPC_TYPE_REPLY, 0 },		/* not a request */
		{ 0x21, RM_RPC_TYPE_NOTIF, 0 },
		{ 0x21, RM_RPC_TYPE_REPLY, 3 },
		{ 0x21, RM_RPC_TYPE_REQUEST, 63 },
	};
	u8 pkt[240];

	rm_test_reset();
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		u16 seq = (u16)(0x3000 + i);

		pkt_make(pkt, bad[i].byte0, bad[i].type, bad[i].frags, seq,
			 RM_MSG_VM_GET_VMID, NULL, 0);
		ASSERT_EQ(host_send(pkt, 8), GH_ERROR_OK);
		EXPECT_TRUE(host_rx_empty());
	}
	EXPECT_EQ(rm_test_irqs[RM_HOST_IRQ_RX_NOT_EMPTY], 0);
	/* The RM is still there: a good request right after is answered. */
	pkt_make(pkt, 0x21, RM_RPC_TYPE_REQUEST, 0, 0x3100, RM_MSG_VM_GET_VMID, NULL, 0);
	ASSERT_EQ(host_send(pkt, 8), GH_ERROR_OK);
	ASSERT_EQ(host_recv_msg(&msg), 0);
	EXPECT_EQ(msg.seq, 0x3100);
	EXPECT_EQ(rm_get_le32(msg.data), RM_ERROR_OK);
}

TEST(rpc_short_packets_dropped)
{
	u8 pkt[8] = { 0x21, 0x01, 0, 0, 0x24, 0, 0, 0x56 };

	rm_test_reset();
	/* Without a full header there is no sequence number to answer. */
	for (size_t len = 1; len < 8; len++)
		ASSERT_EQ(host_send(pkt, len), GH_ERROR_OK);
	EXPECT_TRUE(host_rx_empty());
	ASSERT_EQ(host_send(pkt, 8), GH_ERROR_OK);
	ASSERT_EQ(host_recv_msg(&msg), 0);
	EXPECT_EQ(rm_get_le32(msg.data + 4), RM_VMID_HOST);
}

/* Notifications exercise the same fragmentation as replies, at any size. */
TEST(rpc_notification_fragmentation)
{
	static const size_t lens[] = { 0, 1, 231, 232, 233, 464, 465, 20 * 232 + 5,
				       RM_RPC_MAX_PAYLOAD };

	rm_test_reset();
	for (size_t i = 0; i < ARRAY_SIZE(lens); i++) {
		size_t pkts = lens[i] ? (lens[i] + 231) / 232 : 1;

		fill(big, lens[i], (u8)(i + 1));
		ASSERT_EQ(rm_notify(RM_NOTIF_VM_STATUS, big, lens[i]), GH_ERROR_OK);
		ASSERT_EQ(host_recv_msg(&msg), 0);
		EXPECT_EQ(msg.type, RM_RPC_TYPE_NOTIF);
		EXPECT_EQ(msg.id, RM_NOTIF_VM_STATUS);
		EXPECT_EQ(msg.seq, i);
		EXPECT_EQ(msg.npkts, pkts);
		EXPECT_EQ(msg.len, lens[i]);
		EXPECT_MEMEQ(msg.data, big, lens[i]);
		EXPECT_TRUE(host_rx_empty());
	}
	EXPECT_EQ(rm_notify(RM_NOTIF_VM_STATUS, big, RM_RPC_MAX_PAYLOAD + 1), GH_ERROR_ARG_SIZE);
	EXPECT_TRUE(host_rx_empty());
}

TEST(rpc_notifications_bounded_when_host_stops_reading)
{
	u8 payload[8] = { 0 };
	unsigned int queued = 0;

	rm_test_reset();
	while (rm_notify(RM_NOTIF_VM_EXITED, payload, sizeof(payload)) == GH_ERROR_OK) {
		queued++;
		ASSERT_TRUE(queued <= RM_MSGQ_DEPTH + RM_OUTBOX_DEPTH);
	}
	EXPECT_EQ(queued, RM_MSGQ_DEPTH + RM_OUTBOX_DEPTH);
	EXPECT_EQ(rm_test_irqs[RM_HOST_IRQ_RX_NOT_EMPTY], 1);
	/* A multi-packet one that does not fit is refused whole. */
	for (unsigned int i = 0; i < RM_MSGQ_DEPTH; i++)
		ASSERT_EQ(host_recv_msg(&msg), 0);
	EXPECT_EQ(rm_notify(RM_NOTIF_VM_EXITED, big, 9 * 232), GH_ERROR_MSGQUEUE_FULL);
	EXPECT_EQ(rm_notify(RM_NOTIF_VM_EXITED, big, 8 * 232), GH_ERROR_OK);

	for (unsigned int i = RM_MSGQ_DEPTH; i < queued; i++) {
		ASSERT_EQ(host_recv_msg(&msg), 0);
		EXPECT_EQ(msg.seq, i);		/* in order, none lost */
		EXPECT_EQ(msg.len, 8);
	}
	ASSERT_EQ(host_recv_msg(&msg), 0);
	EXPECT_EQ(msg.len, 8 * 232);
	EXPECT_TRUE(host_rx_empty());
}

TEST(rpc_back_pressure)
{
	u8 pkt[240], buf[240];
	size_t size;
	bool not_full, not_empty;
	unsigned int got = 0;

	rm_test_reset();
	/* Eight requests fill RX with eight replies. */
	for (u16 seq = 0; seq < RM_MSGQ_DEPTH; seq++) {
		pkt_make(pkt, 0x21, RM_RPC_TYPE_REQUEST, 0, seq, RM_MSG_VM_GET_VMID, NULL, 0);
		ASSERT_EQ(rm_host_msgq_send(pkt, 8, true, &not_full), GH_ERROR_OK);
		EXPECT_TRUE(not_full);
	}
	EXPECT_EQ(msgq_count(&rm_host_rx), RM_MSGQ_DEPTH);
	/* The RM stops consuming: the next eight pile up in TX. */
	for (u16 seq = RM_MSGQ_DEPTH; seq < 2 * RM_MSGQ_DEPTH; seq++) {
		pkt_make(pkt, 0x21, RM_RPC_TYPE_REQUEST, 0, seq, RM_MSG_VM_GET_VMID, NULL, 0);
		ASSERT_EQ(rm_host_msgq_send(pkt, 8, true, &not_full), GH_ERROR_OK);
		EXPECT_EQ(not_full, seq < 2 * RM_MSGQ_DEPTH - 1);
	}
	not_full = true;
	EXPECT_EQ(rm_host_msgq_send(pkt, 8, true, &not_full), GH_ERROR_MSGQUEUE_FULL);
	EXPECT_FALSE(not_full);
	EXPECT_EQ(rm_test_irqs[RM_HOST_IRQ_TX_NOT_FULL], 0);
	EXPECT_EQ(rm_test_irqs[RM_HOST_IRQ_RX_NOT_EMPTY], 1);

	/* Reading one reply lets the RM take one request: TX stops being full. */
	ASSERT_EQ(rm_host_msgq_recv(buf, sizeof(buf), &size, &not_empty), GH_ERROR_OK);
	got++;
	EXPECT_TRUE(not_empty);
	EXPECT_EQ(rm_test_irqs[RM_HOST_IRQ_TX_NOT_FULL], 1);
	EXPECT_EQ(msgq_count(&rm_host_tx), RM_MSGQ_DEPTH - 1);
	EXPECT_EQ(msgq_count(&rm_host_rx), RM_MSGQ_DEPTH);

	/* Drain: every reply, in order; no further edges. */
	do {
		ASSERT_EQ(rm_host_msgq_recv(buf, sizeof(buf), &size, &not_empty), GH_ERROR_OK);
		EXPECT_EQ(rm_get_le16(buf + 2), got);
		EXPECT_EQ(rm_get_le32(buf + 12), RM_VMID_HOST);
		got++;
	} while (not_empty);
	EXPECT_EQ(got, 2 * RM_MSGQ_DEPTH);
	EXPECT_EQ(rm_test_irqs[RM_HOST_IRQ_TX_NOT_FULL], 1);
	EXPECT_EQ(rm_test_irqs[RM_HOST_IRQ_RX_NOT_EMPTY], 1);
	EXPECT_TRUE(host_rx_empty());
	EXPECT_TRUE(msgq_empty(&rm_host_tx));
}

TEST(rpc_pending_outbox_delays_requests)
{
	u8 pkt[240];

	rm_test_reset();
	fill(big, 20 * 232, 6);
	ASSERT_EQ(rm_notify(RM_NOTIF_VM_STATUS, big, 20 * 232), GH_ERROR_OK);
	EXPECT_EQ(msgq_count(&rm_outbox), 20 - RM_MSGQ_DEPTH);
	pkt_make(pkt, 0x21, RM_RPC_TYPE_REQUEST, 0, 3, RM_MSG_VM_GET_VMID, NULL, 0);
	ASSERT_EQ(host_send(pkt, 8), GH_ERROR_OK);
	EXPECT_EQ(msgq_count(&rm_host_tx), 1);

	/* The notification arrives whole, then the reply. */
	ASSERT_EQ(host_recv_msg(&msg), 0);
	EXPECT_EQ(msg.type, RM_RPC_TYPE_NOTIF);
	EXPECT_EQ(msg.npkts, 20);
	EXPECT_MEMEQ(msg.data, big, 20 * 232);
	ASSERT_EQ(host_recv_msg(&msg), 0);
	EXPECT_EQ(msg.type, RM_RPC_TYPE_REPLY);
	EXPECT_EQ(msg.seq, 3);
	EXPECT_TRUE(host_rx_empty());
}

TEST(rpc_rx_not_empty_irq_edges)
{
	u8 pkt[240], buf[240];
	size_t size;
	bool not_empty;

	rm_test_reset();
	pkt_make(pkt, 0x21, RM_RPC_TYPE_REQUEST, 0, 1, RM_MSG_VM_GET_VMID, NULL, 0);
	ASSERT_EQ(host_send(pkt, 8), GH_ERROR_OK);
	EXPECT_EQ(rm_test_irqs[RM_HOST_IRQ_RX_NOT_EMPTY], 1);
	ASSERT_EQ(host_send(pkt, 8), GH_ERROR_OK);	/* RX already non-empty */
	EXPECT_EQ(rm_test_irqs[RM_HOST_IRQ_RX_NOT_EMPTY], 1);
	ASSERT_EQ(rm_host_msgq_recv(buf, sizeof(buf), &size, &not_empty), GH_ERROR_OK);
	EXPECT_TRUE(not_empty);
	ASSERT_EQ(rm_host_msgq_recv(buf, sizeof(buf), &size, &not_empty), GH_ERROR_OK);
	EXPECT_FALSE(not_empty);
	ASSERT_EQ(host_send(pkt, 8), GH_ERROR_OK);	/* empty -> non-empty again */
	EXPECT_EQ(rm_test_irqs[RM_HOST_IRQ_RX_NOT_EMPTY], 2);
	/* Dropped packets raise nothing. */
	ASSERT_EQ(rm_host_msgq_recv(buf, sizeof(buf), &size, &not_empty), GH_ERROR_OK);
	ASSERT_EQ(host_send(pkt, 7), GH_ERROR_OK);
	EXPECT_EQ(rm_test_irqs[RM_HOST_IRQ_RX_NOT_EMPTY], 2);
	EXPECT_EQ(rm_test_irqs[RM_HOST_IRQ_TX_NOT_FULL], 0);
}

TEST(rpc_arg_size)
{
	u8 pkt[241] = { 0x21, 0x01, 0, 0, 0x24, 0, 0, 0x56 }, buf[240];
	size_t size = 5;
	bool not_full = false, not_empty = false;

	rm_test_reset();
	EXPECT_EQ(rm_host_msgq_send(pkt, 241, true, &not_full), GH_ERROR_ARG_SIZE);
	EXPECT_TRUE(not_full);
	EXPECT_EQ(rm_host_msgq_send(pkt, 0, true, &not_full), GH_ERROR_ARG_SIZE);
	EXPECT_TRUE(host_rx_empty());		/* nothing reached the RM */

	ASSERT_EQ(rm_host_msgq_send(pkt, 8, true, &not_full), GH_ERROR_OK);
	EXPECT_EQ(rm_host_msgq_recv(buf, 15, &size, &not_empty), GH_ERROR_ARG_SIZE);
	EXPECT_EQ(size, 0);
	EXPECT_TRUE(not_empty);		/* the reply stays queued */
	EXPECT_EQ(rm_host_msgq_recv(buf, 0, &size, &not_empty), GH_ERROR_ARG_SIZE);
	ASSERT_EQ(rm_host_msgq_recv(buf, 16, &size, &not_empty), GH_ERROR_OK);
	EXPECT_EQ(size, 16);
	EXPECT_EQ(rm_get_le32(buf + 12), RM_VMID_HOST);
	EXPECT_FALSE(not_empty);
	EXPECT_EQ(rm_host_msgq_recv(buf, 240, &size, &not_empty), GH_ERROR_MSGQUEUE_EMPTY);
	EXPECT_FALSE(not_empty);
}

TEST(rpc_flush_tx)
{
	u8 pkt[240];
	bool not_full;

	rm_test_reset();
	pkt_make(pkt, 0x21, RM_RPC_TYPE_REQUEST, 0, 0, RM_MSG_VM_GET_VMID, NULL, 0);
	for (int i = 0; i < 2 * RM_MSGQ_DEPTH; i++)
		ASSERT_EQ(host_send(pkt, 8), GH_ERROR_OK);
	EXPECT_EQ(rm_host_msgq_flush(true), GH_ERROR_OK);
	EXPECT_EQ(rm_test_irqs[RM_HOST_IRQ_TX_NOT_FULL], 1);	/* was full */
	EXPECT_TRUE(msgq_empty(&rm_host_tx));
	EXPECT_EQ(rm_host_msgq_flush(true), GH_ERROR_OK);
	EXPECT_EQ(rm_test_irqs[RM_HOST_IRQ_TX_NOT_FULL], 1);	/* was not */
	/* The flushed requests are never answered. */
	for (int i = 0; i < RM_MSGQ_DEPTH; i++)
		ASSERT_EQ(host_recv_msg(&msg), 0);
	EXPECT_TRUE(host_rx_empty());
	EXPECT_EQ(rm_host_msgq_send(pkt, 8, true, &not_full), GH_ERROR_OK);
	EXPECT_TRUE(not_full);
}

TEST(rpc_flush_rx_refills_from_outbox)
{
	unsigned int irqs;

	rm_test_reset();
	fill(big, 10 * 232, 7);
	ASSERT_EQ(rm_notify(RM_NOTIF_VM_STATUS, big, 10 * 232), GH_ERROR_OK);
	ASSERT_EQ(rm_notify(RM_NOTIF_VM_EXITED, big, 4), GH_ERROR_OK);
	irqs = rm_test_irqs[RM_HOST_IRQ_RX_NOT_EMPTY];
	EXPECT_EQ(rm_host_msgq_flush(false), GH_ERROR_OK);
	/* The rest of the long one and the short one came in, with an edge. */
	EXPECT_EQ(msgq_count(&rm_host_rx), 3);
	EXPECT_EQ(rm_test_irqs[RM_HOST_IRQ_RX_NOT_EMPTY], irqs + 1);
	EXPECT_EQ(rm_host_msgq_flush(false), GH_ERROR_OK);
	EXPECT_TRUE(host_rx_empty());
	EXPECT_EQ(rm_test_irqs[RM_HOST_IRQ_RX_NOT_EMPTY], irqs + 1);
	/* The link still works. */
	EXPECT_EQ(host_call(RM_MSG_VM_GET_VMID, 1, NULL, 0, NULL, NULL), RM_ERROR_OK);
}
