// SPDX-License-Identifier: GPL-2.0-only
/* Host tests for core/hypercall.c, with the RM and host memory mocked. */
#include "unit.h"
#include "gunyah.h"
#include "hypercall.h"
#include "vcpu.h"

/* Fake host memory: two pages at HOST_VA, plus a VA that never translates. */
#define HOST_VA		0x7f0000000000UL
#define BAD_VA		0xdead000UL

static u8 host_mem[8192];
static int lock_errors;		/* mocks called without hyp_lock */

static void expect_locked(void)
{
	if (hyp_lock.locked != 1)
		lock_errors++;
}
static size_t last_get_size;
static int nr_gets;

int plat_host_buf_get(struct host_buf *hb, u64 va, size_t size, bool write)
{
	u64 first;

	(void)write;
	expect_locked();
	nr_gets++;
	last_get_size = size;
	memset(hb, 0, sizeof(*hb));
	if (!size)
		return GH_ERROR_OK;
	if (va < HOST_VA || va - HOST_VA > sizeof(host_mem) ||
	    size > sizeof(host_mem) - (va - HOST_VA))
		return GH_ERROR_ADDR_INVAL;
	/* Split at the page boundary like the real translation does. */
	first = MIN(size, 4096 - (va & 4095));
	hb->ptr[0] = &host_mem[va - HOST_VA];
	hb->len[0] = first;
	hb->ptr[1] = &host_mem[va - HOST_VA + first];
	hb->len[1] = size - first;
	return GH_ERROR_OK;
}

/* RM mock: one message in each direction. */
static u8 sent[RM_MSGQ_MSG_SIZE], queued[RM_MSGQ_MSG_SIZE];
static size_t sent_size, queued_size;
static bool sent_push, queued_present;
static int send_ret, nr_sends, nr_recvs, nr_flushes;
static bool flushed_tx;

void rm_init(void)
{
}

int rm_host_msgq_send(const void *msg, size_t size, bool push, bool *not_full)
{
	expect_locked();
	nr_sends++;
	memcpy(sent, msg, size);
	sent_size = size;
	sent_push = push;
	*not_full = send_ret == GH_ERROR_OK;
	return send_ret;
}

int rm_host_msgq_recv(void *buf, size_t buf_size, size_t *size,
		      bool *not_empty)
{
	expect_locked();
	nr_recvs++;
	if (!queued_present)
		return GH_ERROR_MSGQUEUE_EMPTY;
	if (queued_size > buf_size)
		return GH_ERROR_ARG_SIZE;
	memcpy(buf, queued, queued_size);
	*size = queued_size;
	*not_empty = false;
	queued_present = false;
	return GH_ERROR_OK;
}

int rm_host_msgq_flush(bool tx)
{
	expect_locked();
	nr_flushes++;
	flushed_tx = tx;
	return GH_ERROR_OK;
}

void plat_raise_host_irq(enum rm_host_irq irq)
{
	(void)irq;
}

static int nr_runs;
static u64 run_capid;

void plat_vcpu_run(u64 *regs)
{
	int err;

	nr_runs++;
	spin_lock(&hyp_lock);
	host_cap_vcpu(regs[1], &err);
	spin_unlock(&hyp_lock);
	run_capid = regs[1];
	regs[0] = err;
}

static void reset(void)
{
	memset(host_mem, 0, sizeof(host_mem));
	nr_gets = nr_sends = nr_recvs = nr_flushes = 0;
	send_ret = GH_ERROR_OK;
	queued_present = false;
}

static void call(u64 *r)
{
	gh_vendor_hyp_call(r);
	EXPECT_EQ(hyp_lock.locked, 0);
	EXPECT_EQ(lock_errors, 0);
}

#define HCALL(n)	(GH_HCALL_BASE | (n))

TEST(vendor_uid)
{
	u64 r[8] = { SMCCC_VENDOR_HYP_UID, 9, 9, 9, 9 };

	call(r);
	EXPECT_EQ(r[0], 0xcd8fd5c1);
	EXPECT_EQ(r[1], 0xdb5f53a4);
	EXPECT_EQ(r[2], 0x36ce6592);
	EXPECT_EQ(r[3], 0x145f3d67);
	EXPECT_EQ(r[4], 9);
}

TEST(identify)
{
	u64 r[8] = { HCALL(GH_HCALL_HYP_IDENTIFY), 9, 9, 9 };

	call(r);
	EXPECT_EQ(r[0], 0x5100000000008001UL);
	EXPECT_EQ(r[1], GH_API_FLAG0_MSGQUEUE | GH_API_FLAG0_VCPU |
			GH_API_FLAG0_VCPU_RUN);
	EXPECT_EQ(r[1], 0x824);
	EXPECT_EQ(r[2], 0);
	EXPECT_EQ(r[3], 0);
}

TEST(unknown_calls)
{
	u64 r[8] = { HCALL(0x12) };

	call(r);
	EXPECT_EQ(r[0], (u64)-1);
	r[0] = HCALL(0x3fff);
	call(r);
	EXPECT_EQ(r[0], (u64)-1);
	r[0] = 0x86000001;		/* not a hypercall, not the UID */
	call(r);
	EXPECT_EQ(r[0], (u64)-1);
	r[0] = 0x8600801b;		/* SMC32 form of msgq_send */
	call(r);
	EXPECT_EQ(r[0], (u64)-1);
}

TEST(send_across_pages)
{
	u64 va = HOST_VA + 4096 - 100;
	u64 r[8] = { HCALL(GH_HCALL_MSGQ_SEND), HOST_CAP_RM_TX, 240, va,
		     GH_MSGQ_SEND_FLAG_PUSH, 0, 0x66, 0x77 };

	reset();
	for (int i = 0; i < 240; i++)
		host_mem[4096 - 100 + i] = (u8)i;
	call(r);
	EXPECT_EQ(r[0], GH_ERROR_OK);
	EXPECT_EQ(r[1], 1);
	EXPECT_EQ(nr_sends, 1);
	EXPECT_EQ(sent_size, 240);
	EXPECT_TRUE(sent_push);
	EXPECT_MEMEQ(sent, &host_mem[4096 - 100], 240);
	EXPECT_EQ(r[6], 0x66);		/* untouched */
	EXPECT_EQ(r[7], 0x77);
}

TEST(send_errors)
{
	u64 r[8];

	reset();
#define SEND(cap, size, va, flags, res) do {				\
	u64 init[8] = { HCALL(GH_HCALL_MSGQ_SEND), cap, size, va, flags, res }; \
	memcpy(r, init, sizeof(r));					\
	call(r);							\
} while (0)
	SEND(HOST_CAP_RM_RX, 8, HOST_VA, 0, 0);
	EXPECT_EQ(r[0], GH_ERROR_CSPACE_INSUF_RIGHTS);
	SEND(2, 8, HOST_VA, 0, 0);
	EXPECT_EQ(r[0], GH_ERROR_CSPACE_CAP_NULL);
	SEND(1UL << 63, 8, HOST_VA, 0, 0);
	EXPECT_EQ(r[0], GH_ERROR_CSPACE_CAP_NULL);
	SEND(HOST_CAP_RM_TX, 241, HOST_VA, 0, 0);
	EXPECT_EQ(r[0], GH_ERROR_ARG_SIZE);
	SEND(HOST_CAP_RM_TX, ~0UL, HOST_VA, 0, 0);
	EXPECT_EQ(r[0], GH_ERROR_ARG_SIZE);
	SEND(HOST_CAP_RM_TX, 8, HOST_VA, 0, 1);
	EXPECT_EQ(r[0], GH_ERROR_ARG_INVAL);
	SEND(HOST_CAP_RM_TX, 8, HOST_VA, 2, 0);
	EXPECT_EQ(r[0], GH_ERROR_ARG_INVAL);
	EXPECT_EQ(nr_gets, 0);
	SEND(HOST_CAP_RM_TX, 8, BAD_VA, 0, 0);
	EXPECT_EQ(r[0], GH_ERROR_ADDR_INVAL);
	EXPECT_EQ(r[1], 0);
	SEND(HOST_CAP_RM_TX, 240, HOST_VA + 8192 - 239, 0, 0);
	EXPECT_EQ(r[0], GH_ERROR_ADDR_INVAL);
	EXPECT_EQ(nr_sends, 0);
	send_ret = GH_ERROR_MSGQUEUE_FULL;
	SEND(HOST_CAP_RM_TX, 0, 0, 0, 0);	/* empty message, no buffer */
	EXPECT_EQ(r[0], GH_ERROR_MSGQUEUE_FULL);
	EXPECT_EQ(r[1], 0);
	EXPECT_EQ(nr_sends, 1);
#undef SEND
}

TEST(recv_across_pages)
{
	u64 va = HOST_VA + 4096 - 10;
	u64 r[8] = { HCALL(GH_HCALL_MSGQ_RECV), HOST_CAP_RM_RX, va, 4096, 0 };

	reset();
	for (int i = 0; i < 40; i++)
		queued[i] = (u8)(i + 1);
	queued_size = 40;
	queued_present = true;
	call(r);
	EXPECT_EQ(r[0], GH_ERROR_OK);
	EXPECT_EQ(r[1], 40);
	EXPECT_EQ(r[2], 0);
	EXPECT_EQ(last_get_size, RM_MSGQ_MSG_SIZE);	/* capped at 240 */
	EXPECT_MEMEQ(&host_mem[4096 - 10], queued, 40);
	EXPECT_EQ(host_mem[4096 + 30], 0);
	/* Now empty. */
	r[0] = HCALL(GH_HCALL_MSGQ_RECV);
	r[1] = HOST_CAP_RM_RX;
	r[2] = va;
	r[3] = 240;
	call(r);
	EXPECT_EQ(r[0], GH_ERROR_MSGQUEUE_EMPTY);
	EXPECT_EQ(r[1], 0);
}

TEST(recv_errors)
{
	u64 r[8];

	reset();
	queued_size = 100;
	queued_present = true;
#define RECV(cap, va, len, res) do {					\
	u64 init[8] = { HCALL(GH_HCALL_MSGQ_RECV), cap, va, len, res }; \
	memcpy(r, init, sizeof(r));					\
	call(r);							\
} while (0)
	RECV(HOST_CAP_RM_TX, HOST_VA, 240, 0);
	EXPECT_EQ(r[0], GH_ERROR_CSPACE_INSUF_RIGHTS);
	RECV(7, HOST_VA, 240, 0);
	EXPECT_EQ(r[0], GH_ERROR_CSPACE_CAP_NULL);
	RECV(HOST_CAP_RM_RX, HOST_VA, 240, 5);
	EXPECT_EQ(r[0], GH_ERROR_ARG_INVAL);
	RECV(HOST_CAP_RM_RX, BAD_VA, 240, 0);
	EXPECT_EQ(r[0], GH_ERROR_ADDR_INVAL);
	EXPECT_EQ(nr_recvs, 0);		/* message not consumed */
	RECV(HOST_CAP_RM_RX, HOST_VA, 16, 0);
	EXPECT_EQ(r[0], GH_ERROR_ARG_SIZE);
	EXPECT_EQ(r[1], 0);
	EXPECT_TRUE(queued_present);
	RECV(HOST_CAP_RM_RX, HOST_VA, 100, 0);
	EXPECT_EQ(r[0], GH_ERROR_OK);
	EXPECT_EQ(r[1], 100);
#undef RECV
}

TEST(flush)
{
	u64 r[8] = { HCALL(GH_HCALL_MSGQ_FLUSH), HOST_CAP_RM_RX, 0 };

	reset();
	call(r);
	EXPECT_EQ(r[0], GH_ERROR_OK);
	EXPECT_EQ(nr_flushes, 1);
	EXPECT_FALSE(flushed_tx);
	r[0] = HCALL(GH_HCALL_MSGQ_FLUSH);
	r[1] = HOST_CAP_RM_TX;
	call(r);
	EXPECT_EQ(r[0], GH_ERROR_CSPACE_INSUF_RIGHTS);
	r[0] = HCALL(GH_HCALL_MSGQ_FLUSH);
	r[1] = 2;
	call(r);
	EXPECT_EQ(r[0], GH_ERROR_CSPACE_CAP_NULL);
	r[0] = HCALL(GH_HCALL_MSGQ_FLUSH);
	r[1] = HOST_CAP_RM_RX;
	r[2] = 1;
	call(r);
	EXPECT_EQ(r[0], GH_ERROR_ARG_INVAL);
	EXPECT_EQ(nr_flushes, 1);
}

TEST(vcpu_caps)
{
	static struct vcpu v[3];
	u64 cap[3], r[8];
	int err;

	for (int i = 0; i < 3; i++)
		ASSERT_EQ(host_cap_alloc_vcpu(&v[i], &cap[i]), GH_ERROR_OK);
	EXPECT_EQ(cap[0], 2);
	EXPECT_EQ(cap[1], 3);
	EXPECT_TRUE(host_cap_vcpu(cap[1], &err) == &v[1]);
	EXPECT_EQ(err, GH_ERROR_OK);
	/* RM queues are not vCPUs, vCPUs are not queues */
	EXPECT_TRUE(host_cap_vcpu(HOST_CAP_RM_TX, &err) == NULL);
	EXPECT_EQ(err, GH_ERROR_CSPACE_WRONG_OBJ_TYPE);
	{
		u64 s[8] = { HCALL(GH_HCALL_MSGQ_SEND), cap[0], 8, HOST_VA };

		call(s);
		EXPECT_EQ(s[0], GH_ERROR_CSPACE_WRONG_OBJ_TYPE);
	}
	host_cap_free(cap[1]);
	EXPECT_TRUE(host_cap_vcpu(cap[1], &err) == NULL);
	EXPECT_EQ(err, GH_ERROR_CSPACE_CAP_NULL);
	host_cap_free(HOST_CAP_RM_TX);		/* never freed */
	EXPECT_TRUE(host_cap_vcpu(HOST_CAP_RM_TX, &err) == NULL);
	EXPECT_EQ(err, GH_ERROR_CSPACE_WRONG_OBJ_TYPE);
	/* freed slots are reused */
	ASSERT_EQ(host_cap_alloc_vcpu(&v[1], &cap[1]), GH_ERROR_OK);
	EXPECT_EQ(cap[1], 3);

	/* vcpu_run: x5 must be 0, then the platform runs it */
	nr_runs = 0;
	{
		u64 init[8] = { HCALL(GH_HCALL_VCPU_RUN), cap[0], 0, 0, 0, 1 };

		memcpy(r, init, sizeof(r));
	}
	call(r);
	EXPECT_EQ(r[0], GH_ERROR_ARG_INVAL);
	EXPECT_EQ(nr_runs, 0);
	r[0] = HCALL(GH_HCALL_VCPU_RUN);
	r[1] = cap[2];
	r[5] = 0;
	call(r);
	EXPECT_EQ(nr_runs, 1);
	EXPECT_EQ(run_capid, cap[2]);
	EXPECT_EQ(r[0], GH_ERROR_OK);
	for (int i = 0; i < 3; i++)
		host_cap_free(cap[i]);
}
