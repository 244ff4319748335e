/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Host-side helpers for the RM tests: the platform interrupt hook, and a
 * host end of the RM-RPC protocol written independently of core/rm_rpc.c so
 * that it checks the RM rather than mirrors it.
 *
 * plat_raise_host_irq() and its counters are weak so that the test files link
 * both into one binary each and all together.
 */
#ifndef HYP_TEST_RM_TEST_H
#define HYP_TEST_RM_TEST_H

#include <string.h>

#include "../core/rm_internal.h"
#include "gunyah.h"
#include "unit.h"
#include "vm_mock.h"	/* test/vm_mock.c is linked with every RM test */

/* A failed check of the host end: records the failure, as EXPECT_* do. */
#define HOST_CHECK(cond, what, a, b) do {					\
	if (!(cond))								\
		unit_fail(__FILE__, __LINE__, what, (long long)(a), (long long)(b)); \
} while (0)

__attribute__((weak)) unsigned int rm_test_irqs[2];

__attribute__((weak)) void plat_raise_host_irq(enum rm_host_irq irq)
{
	rm_test_irqs[irq]++;
}

static inline void rm_test_reset(void)
{
	rm_init();
	mock_reset();
	memset(rm_test_irqs, 0, sizeof(rm_test_irqs));
}

/* Build one packet with an arbitrary header; returns its length. */
static inline size_t pkt_make(u8 *pkt, u8 byte0, u8 type, u8 frags, u16 seq, u32 id,
			      const void *payload, size_t plen)
{
	pkt[0] = byte0;
	pkt[1] = (u8)(frags << 2 | type);
	pkt[2] = (u8)seq;
	pkt[3] = (u8)(seq >> 8);
	for (int i = 0; i < 4; i++)
		pkt[4 + i] = (u8)(id >> (8 * i));
	if (plen)
		memcpy(pkt + 8, payload, plen);
	return 8 + plen;
}

static inline int host_send(const void *pkt, size_t len)
{
	bool not_full;

	return rm_host_msgq_send(pkt, len, true, &not_full);
}

/*
 * Send a request as Linux does: full 232-byte fragments, the announced count
 * being @frags (normally (len - 1) / 232). Returns the first error.
 */
static inline int host_send_request_frags(u32 id, u16 seq, const u8 *payload, size_t len,
					  unsigned int frags)
{
	u8 pkt[RM_RPC_PKT_SIZE];
	size_t off = 0;

	for (unsigned int i = 0; i <= frags; i++) {
		size_t n = len - off < 232 ? len - off : 232;
		int ret;

		pkt_make(pkt, 0x21, i ? RM_RPC_TYPE_CONT : RM_RPC_TYPE_REQUEST, (u8)frags, seq,
			 id, n ? payload + off : NULL, n);
		off += n;
		ret = host_send(pkt, 8 + n);
		if (ret != GH_ERROR_OK)
			return ret;
	}
	return GH_ERROR_OK;
}

static inline int host_send_request(u32 id, u16 seq, const void *payload, size_t len)
{
	return host_send_request_frags(id, seq, payload, len, len ? (len - 1) / 232 : 0);
}

struct host_msg {
	u8 type;
	u16 seq;
	u32 id;
	unsigned int npkts;
	size_t len;
	u8 data[RM_RPC_MAX_PAYLOAD];
};

static inline int host_recv_pkt(u8 *pkt, size_t *len)
{
	bool not_empty;

	return rm_host_msgq_recv(pkt, RM_RPC_PKT_SIZE, len, &not_empty);
}

/*
 * Receive one whole message from RX, checking the framing the RM must
 * produce. Returns 0, or -1 (after a failed check, or when RX runs dry).
 */
static inline int host_recv_msg(struct host_msg *m)
{
	u8 pkt[RM_RPC_PKT_SIZE];
	unsigned int frags = 0;
	size_t len;

	m->npkts = 0;
	m->len = 0;
	do {
		if (host_recv_pkt(pkt, &len) != GH_ERROR_OK)
			return -1;
		HOST_CHECK(len >= 8 && len <= 240, "packet length", len, 0);
		HOST_CHECK(pkt[0] == 0x21, "header byte 0", pkt[0], 0x21);
		if (len < 8 || pkt[0] != 0x21)
			return -1;
		if (!m->npkts) {
			m->type = pkt[1] & 3;
			frags = pkt[1] >> 2;
			m->seq = (u16)(pkt[2] | pkt[3] << 8);
			m->id = rm_get_le32(pkt + 4);
			HOST_CHECK(m->type == RM_RPC_TYPE_REPLY || m->type == RM_RPC_TYPE_NOTIF,
				   "first packet type", m->type, 0);
			HOST_CHECK(frags <= 62, "fragment count", frags, 62);
			if (frags > 62)
				return -1;
		} else {
			HOST_CHECK(pkt[1] == (frags << 2 | RM_RPC_TYPE_CONT),
				   "continuation byte 1", pkt[1], frags << 2);
			HOST_CHECK(rm_get_le16(pkt + 2) == m->seq &&
				   rm_get_le32(pkt + 4) == m->id,
				   "continuation seq/id", rm_get_le16(pkt + 2), m->seq);
			if (pkt[1] != (frags << 2 | RM_RPC_TYPE_CONT))
				return -1;
		}
		/* Every packet but the last is full, as the real RM sends them. */
		HOST_CHECK(m->npkts == frags || len == 240, "non-final packet full", len, 240);
		memcpy(m->data + m->len, pkt + 8, len - 8);
		m->len += len - 8;
		m->npkts++;
	} while (m->npkts <= frags);
	return 0;
}

/*
 * Make a call and check its reply's framing; returns the RM error code
 * (0xDEADBEEF if no reply came) and copies the payload after it to @rep.
 */
static inline u32 host_call(u32 id, u16 seq, const void *req, size_t req_len,
			    u8 *rep, size_t *rep_len)
{
	static struct host_msg m;

	HOST_CHECK(host_send_request(id, seq, req, req_len) == GH_ERROR_OK,
		   "request sent", 0, 0);
	if (host_recv_msg(&m))
		return 0xDEADBEEF;
	HOST_CHECK(m.type == RM_RPC_TYPE_REPLY, "reply type", m.type, RM_RPC_TYPE_REPLY);
	HOST_CHECK(m.id == id, "reply msg id", m.id, id);
	HOST_CHECK(m.seq == seq, "reply seq", m.seq, seq);
	HOST_CHECK(m.len >= 4, "reply has an error word", m.len, 4);
	if (m.len < 4)
		return 0xDEADBEEF;
	if (rep) {
		*rep_len = m.len - 4;
		memcpy(rep, m.data + 4, m.len - 4);
	}
	return rm_get_le32(m.data);
}

/* RX must be empty now. */
static inline bool host_rx_empty(void)
{
	u8 pkt[RM_RPC_PKT_SIZE];
	size_t len;

	return host_recv_pkt(pkt, &len) == GH_ERROR_MSGQUEUE_EMPTY;
}

#endif
