// SPDX-License-Identifier: GPL-2.0-only
/*
 * RM-RPC transport between the host and the RM inside the stub.
 *
 * The host's msgq_send puts a packet on its TX queue and the RM consumes TX
 * synchronously (rm_pump). A complete request is dispatched and its reply is
 * fragmented into the outbox, which is moved into the host's RX queue as far
 * as RX has room. The RM consumes TX only while RX has room, so at the end of
 * every step:
 *
 *	outbox non-empty  =>  RX full
 *	TX non-empty      =>  RX full
 *
 * Hence the outbox is empty whenever a request is handled and always has room
 * for its reply, and back-pressure reaches the host as a full TX queue.
 * Draining RX (msgq_recv, msgq_flush) refills it and resumes TX.
 *
 * Host interrupts follow the hypervisor's default thresholds: RX_NOT_EMPTY
 * when the RM puts a packet into an empty RX queue, TX_NOT_FULL when the RM
 * takes a packet from a full TX queue or the host flushes a full TX queue.
 * The RM sends without the push flag, as the real RM does, so RX_NOT_EMPTY
 * is a pure empty -> non-empty edge.
 */
#include <string.h>

#include "gunyah.h"
#include "rm_internal.h"

static struct msgq_slot host_tx_slots[RM_MSGQ_DEPTH];
static struct msgq_slot host_rx_slots[RM_MSGQ_DEPTH];
static struct msgq_slot outbox_slots[RM_OUTBOX_DEPTH];

struct msgq rm_host_tx;
struct msgq rm_host_rx;
struct msgq rm_outbox;

static struct rm_reasm rm_request;
static u8 rm_reply_buf[RM_RPC_MAX_PAYLOAD];
static u16 rm_notif_seq;

static void rm_hdr_parse(const u8 *pkt, struct rm_rpc_hdr *hdr)
{
	hdr->byte0 = pkt[0];
	hdr->type = pkt[1] & 0x3;
	hdr->frags = pkt[1] >> 2;
	hdr->seq = rm_get_le16(pkt + 2);
	hdr->id = rm_get_le32(pkt + 4);
}

static void rm_hdr_write(u8 *pkt, u8 type, u8 frags, u16 seq, u32 id)
{
	pkt[0] = RM_RPC_HDR_BYTE0;
	pkt[1] = (u8)(frags << 2 | type);
	rm_put_le16(pkt + 2, seq);
	rm_put_le32(pkt + 4, id);
}

void rm_reasm_reset(struct rm_reasm *r)
{
	r->active = false;
	r->len = 0;
}

enum rm_reasm_result rm_reasm_packet(struct rm_reasm *r, const u8 *pkt, size_t len,
				     struct rm_rpc_hdr *hdr)
{
	const u8 *payload = pkt + RM_RPC_HEADER_SIZE;
	size_t plen;
	bool ok;

	if (len < RM_RPC_HEADER_SIZE)
		return RM_REASM_DROP;

	rm_hdr_parse(pkt, hdr);
	plen = len - RM_RPC_HEADER_SIZE;
	ok = hdr->byte0 == RM_RPC_HDR_BYTE0 && hdr->frags <= RM_RPC_MAX_FRAGMENTS &&
	     plen <= RM_RPC_PKT_PAYLOAD;

	if (hdr->type == RM_RPC_TYPE_CONT) {
		/* Not part of the message being reassembled: dropped, as by the real RM. */
		if (!ok || !r->active || hdr->id != r->id || hdr->seq != r->seq ||
		    hdr->frags != r->frags)
			return RM_REASM_DROP;
		/*
		 * Fits: at most frags + 1 packets of at most RM_RPC_PKT_PAYLOAD
		 * bytes each make up a message, and frags <= RM_RPC_MAX_FRAGMENTS.
		 */
		memcpy(r->buf + r->len, payload, plen);
		r->len += plen;
		if (--r->left)
			return RM_REASM_PARTIAL;
		r->active = false;
		return RM_REASM_DONE;
	}

	/*
	 * Dropped without a reply, as by the real RM (src/rpc/rm-rpc.c
	 * do_recv(), src/resource-manager.c msg_callback()): a bad header
	 * (API version, header size, more than 62 fragments), which leaves a
	 * message being reassembled alone, and anything but a request (a
	 * reply or a notification to the RM). A host that sends one must not
	 * wait for an answer.
	 */
	if (!ok)
		return RM_REASM_DROP;

	/*
	 * Any well-formed first packet ends the message being reassembled,
	 * which is dropped without a reply as the real RM does: a sender
	 * starts a new message only after sending all of the previous one.
	 */
	r->active = false;
	if (hdr->type != RM_RPC_TYPE_REQUEST)
		return RM_REASM_DROP;

	memcpy(r->buf, payload, plen);
	r->len = plen;
	r->id = hdr->id;
	r->seq = hdr->seq;
	r->frags = hdr->frags;
	r->left = hdr->frags;
	if (!r->left)
		return RM_REASM_DONE;
	r->active = true;
	return RM_REASM_PARTIAL;
}

/* Fragment a message into the outbox, all of it or nothing. */
static int rm_rpc_queue(u8 type, u32 id, u16 seq, const u8 *payload, size_t len)
{
	u8 pkt[RM_RPC_PKT_SIZE];
	size_t frags, off = 0;
	bool not_full, wake;

	if (len > RM_RPC_MAX_PAYLOAD)
		return GH_ERROR_ARG_SIZE;
	frags = len ? (len - 1) / RM_RPC_PKT_PAYLOAD : 0;
	if (msgq_space(&rm_outbox) < frags + 1)
		return GH_ERROR_MSGQUEUE_FULL;

	for (size_t i = 0; i <= frags; i++) {
		size_t n = MIN(len - off, (size_t)RM_RPC_PKT_PAYLOAD);

		rm_hdr_write(pkt, i ? RM_RPC_TYPE_CONT : type, (u8)frags, seq, id);
		if (n)		/* payload may be NULL when len is 0 */
			memcpy(pkt + RM_RPC_HEADER_SIZE, payload + off, n);
		off += n;
		/* Cannot fail: the space was checked above. */
		(void)msgq_send(&rm_outbox, pkt, RM_RPC_HEADER_SIZE + n, false,
				&not_full, &wake);
	}
	return GH_ERROR_OK;
}

/* Move outbox packets into the host's RX queue while it has room. */
static void rm_outbox_drain(void)
{
	u8 pkt[RM_RPC_PKT_SIZE];
	size_t len;
	bool flag, wake;

	while (!msgq_empty(&rm_outbox) && !msgq_full(&rm_host_rx)) {
		(void)msgq_recv(&rm_outbox, pkt, sizeof(pkt), &len, &flag, &wake);
		(void)msgq_send(&rm_host_rx, pkt, len, false, &flag, &wake);
		if (wake)
			plat_raise_host_irq(RM_HOST_IRQ_RX_NOT_EMPTY);
	}
}

static void rm_reply(u32 id, u16 seq, u32 err, size_t rep_len)
{
	rm_put_le32(rm_reply_buf, err);
	/*
	 * Cannot fail: requests are handled only with an empty outbox, which
	 * holds a maximum-size reply after the handler's notifications.
	 */
	(void)rm_rpc_queue(RM_RPC_TYPE_REPLY, id, seq, rm_reply_buf, 4 + rep_len);
}

static void rm_rx_packet(const u8 *pkt, size_t len)
{
	struct rm_rpc_hdr hdr;
	struct rm_msg msg;
	u32 err;

	switch (rm_reasm_packet(&rm_request, pkt, len, &hdr)) {
	case RM_REASM_DROP:
	case RM_REASM_PARTIAL:
		return;
	case RM_REASM_DONE:
		break;
	}

	msg = (struct rm_msg){
		.id = rm_request.id,
		.req = rm_request.buf,
		.req_len = rm_request.len,
		.rep = rm_reply_buf + 4,
	};
	err = rm_dispatch(&msg);
	rm_reply(rm_request.id, rm_request.seq, err, msg.rep_len);
}

/*
 * Let the RM run until it blocks: refill RX from the outbox, then consume TX
 * packets while RX has room. Terminates: every pass that does not return
 * takes one packet off TX, and nothing adds to TX meanwhile.
 */
static void rm_pump(void)
{
	u8 pkt[RM_RPC_PKT_SIZE];
	size_t len;
	bool not_empty, wake;

	for (;;) {
		rm_outbox_drain();
		if (msgq_full(&rm_host_rx) || msgq_empty(&rm_host_tx))
			return;
		(void)msgq_recv(&rm_host_tx, pkt, sizeof(pkt), &len, &not_empty, &wake);
		if (wake)
			plat_raise_host_irq(RM_HOST_IRQ_TX_NOT_FULL);
		rm_rx_packet(pkt, len);
	}
}

void rm_rpc_init(void)
{
	/* Constant, valid geometries: msgq_init cannot fail here. */
	(void)msgq_init(&rm_host_tx, host_tx_slots, RM_MSGQ_DEPTH, RM_MSGQ_MSG_SIZE);
	(void)msgq_init(&rm_host_rx, host_rx_slots, RM_MSGQ_DEPTH, RM_MSGQ_MSG_SIZE);
	(void)msgq_init(&rm_outbox, outbox_slots, RM_OUTBOX_DEPTH, RM_RPC_PKT_SIZE);
	rm_reasm_reset(&rm_request);
	rm_notif_seq = 0;
}

int rm_notify(u32 notif_id, const void *payload, size_t len)
{
	int ret = rm_rpc_queue(RM_RPC_TYPE_NOTIF, notif_id, rm_notif_seq, payload, len);

	if (ret != GH_ERROR_OK)
		return ret;
	rm_notif_seq++;
	rm_outbox_drain();
	return GH_ERROR_OK;
}

int rm_host_msgq_send(const void *msg, size_t size, bool push, bool *not_full)
{
	bool wake;
	int ret;

	/*
	 * The RM looks at TX after every packet, so neither push nor the
	 * queue's wake-up matter: the RM does not wait for an interrupt.
	 */
	ret = msgq_send(&rm_host_tx, msg, size, push, not_full, &wake);
	if (ret != GH_ERROR_OK)
		return ret;
	rm_pump();
	*not_full = !msgq_full(&rm_host_tx);
	return GH_ERROR_OK;
}

int rm_host_msgq_recv(void *buf, size_t buf_size, size_t *size, bool *not_empty)
{
	bool wake;
	int ret;

	ret = msgq_recv(&rm_host_rx, buf, buf_size, size, not_empty, &wake);
	if (ret != GH_ERROR_OK)
		return ret;
	rm_pump();
	*not_empty = !msgq_empty(&rm_host_rx);
	return GH_ERROR_OK;
}

int rm_host_msgq_flush(bool tx)
{
	if (tx) {
		if (msgq_flush(&rm_host_tx))
			plat_raise_host_irq(RM_HOST_IRQ_TX_NOT_FULL);
		return GH_ERROR_OK;
	}
	/*
	 * Packets of a message still in the outbox then reach the host as
	 * orphan continuations, which it drops: as with Gunyah, where the RM
	 * keeps sending what it had pending.
	 */
	(void)msgq_flush(&rm_host_rx);
	rm_pump();
	return GH_ERROR_OK;
}
