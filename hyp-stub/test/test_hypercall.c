// SPDX-License-Identifier: GPL-2.0-only
/*
 * Host tests for core/hypercall.c and core/doorbell.c, with the RM, host
 * memory and the vGIC mocked.
 */
#include <stdlib.h>
#include "unit.h"
#include "doorbell.h"
#include "gunyah.h"
#include "hypercall.h"
#include "vcpu.h"
#include "vgic.h"

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
	EXPECT_EQ(r[1], GH_API_FLAG0_DOORBELL | GH_API_FLAG0_MSGQUEUE |
			GH_API_FLAG0_VCPU | GH_API_FLAG0_VCPU_RUN);
	EXPECT_EQ(r[1], 0x826);
	EXPECT_EQ(r[2], 0);
	EXPECT_EQ(r[3], 0);
}

TEST(unknown_calls)
{
	u64 r[8] = { HCALL(0x16) };

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

/* ------------------------------------------------------------ doorbells */

struct vm vms[VM_MAX_VMS];

/* vGIC mock: each line's bound source and asserted level. */
struct mock_line {
	struct vgic_irq_source *src;
	bool level;
	int nr_sets;		/* level assertions */
	int nr_events;		/* every assertion, edge-only ones too */
};

static struct mock_line lines[VM_MAX_VMS][VGIC_MAX_INTID_END];
static int bind_ret, vgic_errors, pages_out;

/* The page-table pool: doorbell pages. */
void *plat_s2_zalloc(unsigned int order)
{
	void *p = calloc(1, 4096UL << order);

	if (p)
		pages_out += 1 << order;
	return p;
}

void plat_s2_free(void *p, unsigned int order)
{
	pages_out -= 1 << order;
	free(p);
}

static struct mock_line *line(const struct vm *vm, u32 intid)
{
	if (vm < vms || vm >= vms + VM_MAX_VMS || intid >= VGIC_MAX_INTID_END) {
		vgic_errors++;
		return &lines[0][0];
	}
	return &lines[vm - vms][intid];
}

int vgic_source_bind(struct vm *vm, u32 intid, struct vgic_irq_source *src)
{
	struct mock_line *l = line(vm, intid);

	expect_locked();
	if (bind_ret)
		return bind_ret;
	if (l->src || !src || !src->check_pending)
		return GH_ERROR_VIRQ_BOUND;
	l->src = src;
	return GH_ERROR_OK;
}

void vgic_source_unbind(struct vm *vm, u32 intid)
{
	struct mock_line *l = line(vm, intid);

	expect_locked();
	if (!l->src)
		vgic_errors++;
	l->src = NULL;
	l->level = false;
}

void vgic_virq_assert(struct vm *vm, u32 intid, bool edge_only)
{
	struct mock_line *l = line(vm, intid);

	expect_locked();
	/* A doorbell drives only the line it is bound to. */
	if (!l->src)
		vgic_errors++;
	l->nr_events++;
	if (!edge_only) {
		l->level = true;
		l->nr_sets++;
	}
}

void vgic_virq_clear(struct vm *vm, u32 intid)
{
	struct mock_line *l = line(vm, intid);

	expect_locked();
	if (!l->src)
		vgic_errors++;
	l->level = false;
}

#define BELL_VMID	5

static void bell_setup(void)
{
	memset(vms, 0, sizeof(vms));
	memset(lines, 0, sizeof(lines));
	bind_ret = vgic_errors = 0;
	vms[1].used = true;
	vms[1].vmid = BELL_VMID;
	vms[2].used = true;
	vms[2].vmid = BELL_VMID + 1;
}

/* Free what a test created, so that the cspace is empty for the next one. */
static void bell_teardown(void)
{
	spin_lock(&hyp_lock);
	for (unsigned int i = 0; i < VM_MAX_VMS; i++)
		vm_doorbells_free(&vms[i]);
	spin_unlock(&hyp_lock);
	EXPECT_EQ(vgic_errors, 0);
	for (unsigned int i = 0; i < VM_MAX_VMS; i++)
		for (unsigned int j = 0; j < VGIC_MAX_INTID_END; j++)
			EXPECT_TRUE(lines[i][j].src == NULL);
	EXPECT_EQ(pages_out, 0);
}

/* vm_doorbell_create() under hyp_lock, as the RM calls it. */
static int bell_create(u16 vmid, u32 intid, u64 *capid)
{
	int ret;

	spin_lock(&hyp_lock);
	ret = vm_doorbell_create(vmid, intid, capid);
	spin_unlock(&hyp_lock);
	return ret;
}

/*
 * The guest took the interrupt on @intid of vms[1] and deactivated it: the
 * vGIC asks the doorbell whether its level still holds (not reasserted
 * since: the guest had every send).
 */
static void guest_eoi(u32 intid)
{
	struct mock_line *l = &lines[1][intid];

	ASSERT_TRUE(l->src != NULL);
	spin_lock(&hyp_lock);
	if (l->level && !l->src->check_pending(l->src, false))
		l->level = false;
	spin_unlock(&hyp_lock);
}

static u64 bell_call(u32 nr, u64 capid, u64 a2, u64 a3, u64 a4, u64 *x1)
{
	u64 r[8] = { HCALL(nr), capid, a2, a3, a4, 0x55, 0x66, 0x77 };

	call(r);
	if (r[5] != 0x55)		/* untouched */
		unit_fail(__FILE__, __LINE__, "x5 untouched", (long long)r[5], 0x55);
	if (x1)
		*x1 = r[1];
	return r[0];
}

static u64 bell_send(u64 capid, u64 flags, u64 *old)
{
	return bell_call(GH_HCALL_DOORBELL_SEND, capid, flags, 0, 0, old);
}

static u64 bell_mask(u64 capid, u64 enable, u64 ack)
{
	return bell_call(GH_HCALL_DOORBELL_MASK, capid, enable, ack, 0, NULL);
}

static u64 bell_reset(u64 capid)
{
	return bell_call(GH_HCALL_DOORBELL_RESET, capid, 0, 0, 0, NULL);
}

TEST(bell_create_checks)
{
	u64 cap[VM_MAX_DOORBELLS], c = 0x1234;

	bell_setup();
	EXPECT_EQ(bell_create(BELL_VMID + 7, 40, &c), GH_ERROR_ARG_INVAL);
	EXPECT_EQ(bell_create(BELL_VMID, 31, &c), GH_ERROR_ARG_INVAL);
	EXPECT_EQ(bell_create(BELL_VMID, 0, &c), GH_ERROR_ARG_INVAL);
	EXPECT_EQ(bell_create(BELL_VMID, VGIC_MAX_INTID_END, &c), GH_ERROR_ARG_INVAL);
	EXPECT_EQ(bell_create(BELL_VMID, ~0U, &c), GH_ERROR_ARG_INVAL);
	EXPECT_EQ(c, 0x1234);
	bind_ret = GH_ERROR_ARG_INVAL;		/* the vGIC refuses the line */
	EXPECT_EQ(bell_create(BELL_VMID, 40, &c), GH_ERROR_ARG_INVAL);
	bind_ret = 0;
	ASSERT_EQ(bell_create(BELL_VMID, 32, &cap[0]), GH_ERROR_OK);
	EXPECT_EQ(cap[0], 2);		/* the failed one took no capability */
	EXPECT_TRUE(lines[1][32].src != NULL);
	EXPECT_EQ(lines[1][32].nr_sets, 0);	/* nothing raised yet */
	EXPECT_EQ(bell_create(BELL_VMID, 32, &c), GH_ERROR_VIRQ_BOUND);
	ASSERT_EQ(bell_create(BELL_VMID, VGIC_MAX_INTID_END - 1, &cap[1]), GH_ERROR_OK);
	for (unsigned int i = 2; i < VM_MAX_DOORBELLS; i++)
		ASSERT_EQ(bell_create(BELL_VMID, 40 + i, &cap[i]), GH_ERROR_OK);
	EXPECT_EQ(bell_create(BELL_VMID, 60, &c), GH_ERROR_NORESOURCES);
	for (unsigned int i = 0; i < VM_MAX_DOORBELLS; i++)
		for (unsigned int j = 0; j < i; j++)
			EXPECT_NE(cap[i], cap[j]);
	/* Per VM: the same SPI of another VM is another line. */
	ASSERT_EQ(bell_create(BELL_VMID + 1, 32, &c), GH_ERROR_OK);
	EXPECT_TRUE(lines[2][32].src != NULL && lines[2][32].src != lines[1][32].src);
	/* A dying VM gets none. */
	vms[2].dying = true;
	EXPECT_EQ(bell_create(BELL_VMID + 1, 33, &c), GH_ERROR_ARG_INVAL);
	vms[2].dying = false;
	/* A full cspace: no doorbell, and its line is free again. */
	{
		static struct vcpu v;
		u64 vcaps[2 + VM_MAX_VMS * (VM_MAX_VCPUS + VM_MAX_DOORBELLS)];
		unsigned int n = 0;

		while (n < ARRAY_SIZE(vcaps) && host_cap_alloc_vcpu(&v, &vcaps[n]) == GH_ERROR_OK)
			n++;
		EXPECT_TRUE(n < ARRAY_SIZE(vcaps));
		EXPECT_EQ(n, ARRAY_SIZE(vcaps) - 2 - VM_MAX_DOORBELLS - 1);
		EXPECT_EQ(bell_create(BELL_VMID + 1, 34, &c), GH_ERROR_CSPACE_FULL);
		EXPECT_TRUE(lines[2][34].src == NULL);
		while (n)
			host_cap_free(vcaps[--n]);
		ASSERT_EQ(bell_create(BELL_VMID + 1, 34, &c), GH_ERROR_OK);
	}
	bell_teardown();
}

/*
 * Reset masks (enable ~0, ack 0), as the real hypervisor creates them:
 * every send asserts the level and the flags stay set.
 */
TEST(bell_send_reset_masks)
{
	u64 cap, old = 99;

	bell_setup();
	ASSERT_EQ(bell_create(BELL_VMID, 50, &cap), GH_ERROR_OK);
	EXPECT_EQ(bell_send(cap, 0x1, &old), GH_ERROR_OK);
	EXPECT_EQ(old, 0);
	EXPECT_TRUE(lines[1][50].level);
	EXPECT_EQ(bell_send(cap, 0x4, &old), GH_ERROR_OK);
	EXPECT_EQ(old, 0x1);
	EXPECT_EQ(lines[1][50].nr_events, 2);	/* every send is an event */
	guest_eoi(50);
	EXPECT_TRUE(lines[1][50].level);	/* ack 0: still asserted */
	EXPECT_EQ(bell_send(cap, 0x8000000000000000UL, &old), GH_ERROR_OK);
	EXPECT_EQ(old, 0x5);
	/* Sending 0 is a send (the real doorbell_send() refuses nothing). */
	EXPECT_EQ(bell_send(cap, 0, &old), GH_ERROR_OK);
	EXPECT_EQ(old, 0x8000000000000005UL);
	EXPECT_EQ(lines[1][50].nr_events, 4);
	bell_teardown();
}

/* enable 1 / ack 1, as Linux's level irqfd: the send consumes the flag at once. */
TEST(bell_level_ack1)
{
	u64 cap, old;

	bell_setup();
	ASSERT_EQ(bell_create(BELL_VMID, 33, &cap), GH_ERROR_OK);
	EXPECT_EQ(bell_mask(cap, 1, 1), GH_ERROR_OK);
	EXPECT_FALSE(lines[1][33].level);
	for (int i = 0; i < 3; i++) {
		EXPECT_EQ(bell_send(cap, 1, &old), GH_ERROR_OK);
		EXPECT_EQ(old, 0);			/* cleared by the last send */
		EXPECT_TRUE(lines[1][33].level);
		guest_eoi(33);
		EXPECT_FALSE(lines[1][33].level);	/* handled: dropped */
	}
	EXPECT_EQ(lines[1][33].nr_sets, 3);
	bell_teardown();
}

/* enable 1 / ack 0 (the driver's old level irqfd): up until a reset. */
TEST(bell_level_ack_mask_zero)
{
	u64 cap, old;

	bell_setup();
	ASSERT_EQ(bell_create(BELL_VMID, 33, &cap), GH_ERROR_OK);
	EXPECT_EQ(bell_mask(cap, 1, 0), GH_ERROR_OK);
	EXPECT_EQ(bell_send(cap, 1, &old), GH_ERROR_OK);
	EXPECT_TRUE(lines[1][33].level);
	guest_eoi(33);
	EXPECT_TRUE(lines[1][33].level);	/* still asserted */
	EXPECT_EQ(bell_send(cap, 1, &old), GH_ERROR_OK);
	EXPECT_EQ(old, 1);			/* flags kept */
	EXPECT_EQ(bell_reset(cap), GH_ERROR_OK);
	EXPECT_FALSE(lines[1][33].level);
	/* Reset restored enable ~0, ack 0. */
	EXPECT_EQ(bell_send(cap, 2, &old), GH_ERROR_OK);
	EXPECT_EQ(old, 0);
	guest_eoi(33);
	EXPECT_TRUE(lines[1][33].level);
	EXPECT_EQ(bell_send(cap, 4, &old), GH_ERROR_OK);
	EXPECT_EQ(old, 2);
	bell_teardown();
}

TEST(bell_enable_and_partial_ack)
{
	u64 cap, old;

	bell_setup();
	ASSERT_EQ(bell_create(BELL_VMID, 34, &cap), GH_ERROR_OK);
	EXPECT_EQ(bell_mask(cap, 0, ~0UL), GH_ERROR_OK);
	EXPECT_EQ(bell_send(cap, 1, &old), GH_ERROR_OK);
	EXPECT_FALSE(lines[1][34].level);	/* enable_mask 0: edge only */
	EXPECT_EQ(lines[1][34].nr_events, 1);
	EXPECT_EQ(bell_mask(cap, 1, 0), GH_ERROR_OK);
	EXPECT_TRUE(lines[1][34].level);	/* the mask is evaluated at once */
	EXPECT_EQ(bell_mask(cap, 2, 0), GH_ERROR_OK);
	EXPECT_FALSE(lines[1][34].level);
	/* ack_mask 1: a level send clears bit 0 only. */
	EXPECT_EQ(bell_mask(cap, ~0UL, 1), GH_ERROR_OK);
	EXPECT_TRUE(lines[1][34].level);	/* bit 0 enabled again */
	EXPECT_EQ(bell_send(cap, 2, &old), GH_ERROR_OK);
	EXPECT_EQ(old, 0);			/* bit 0 went with the mask */
	guest_eoi(34);
	EXPECT_TRUE(lines[1][34].level);	/* bit 1 is left */
	EXPECT_EQ(bell_send(cap, 4, &old), GH_ERROR_OK);
	EXPECT_EQ(old, 2);
	EXPECT_EQ(bell_mask(cap, ~0UL, 6), GH_ERROR_OK);	/* asserted: acks */
	guest_eoi(34);
	EXPECT_FALSE(lines[1][34].level);
	EXPECT_EQ(bell_send(cap, 8, &old), GH_ERROR_OK);
	EXPECT_EQ(old, 0);
	bell_teardown();
}

TEST(bell_cspace_checks)
{
	u64 cap, vcap, old = 99, r[8];
	static struct vcpu v;
	static const u32 nrs[] = { GH_HCALL_DOORBELL_SEND, GH_HCALL_DOORBELL_RECEIVE,
				   GH_HCALL_DOORBELL_RESET, GH_HCALL_DOORBELL_MASK };

	bell_setup();
	ASSERT_EQ(bell_create(BELL_VMID, 35, &cap), GH_ERROR_OK);
	ASSERT_EQ(host_cap_alloc_vcpu(&v, &vcap), GH_ERROR_OK);
	/* The host is the source: no receive right. */
	EXPECT_EQ(bell_call(GH_HCALL_DOORBELL_RECEIVE, cap, 1, 0, 0, &old),
		  GH_ERROR_CSPACE_INSUF_RIGHTS);
	EXPECT_EQ(old, 0);
	for (unsigned int i = 0; i < ARRAY_SIZE(nrs); i++) {
		/* Wrong object types, unknown capids */
		EXPECT_EQ(bell_call(nrs[i], HOST_CAP_RM_TX, 0, 0, 0, NULL),
			  GH_ERROR_CSPACE_WRONG_OBJ_TYPE);
		EXPECT_EQ(bell_call(nrs[i], HOST_CAP_RM_RX, 0, 0, 0, NULL),
			  GH_ERROR_CSPACE_WRONG_OBJ_TYPE);
		EXPECT_EQ(bell_call(nrs[i], vcap, 0, 0, 0, NULL),
			  GH_ERROR_CSPACE_WRONG_OBJ_TYPE);
		EXPECT_EQ(bell_call(nrs[i], 200, 0, 0, 0, NULL),
			  GH_ERROR_CSPACE_CAP_NULL);
		EXPECT_EQ(bell_call(nrs[i], ~0UL, 0, 0, 0, NULL),
			  GH_ERROR_CSPACE_CAP_NULL);
	}
	/* Reserved arguments must be zero; nothing happens otherwise. */
	EXPECT_EQ(bell_call(GH_HCALL_DOORBELL_SEND, cap, 1, 1, 0, &old),
		  GH_ERROR_ARG_INVAL);
	EXPECT_EQ(old, 0);
	EXPECT_EQ(bell_call(GH_HCALL_DOORBELL_RECEIVE, cap, 1, 1, 0, NULL),
		  GH_ERROR_ARG_INVAL);
	EXPECT_EQ(bell_call(GH_HCALL_DOORBELL_RESET, cap, 1, 0, 0, NULL),
		  GH_ERROR_ARG_INVAL);
	EXPECT_EQ(bell_call(GH_HCALL_DOORBELL_MASK, cap, 0, 0, 1, NULL),
		  GH_ERROR_ARG_INVAL);
	EXPECT_EQ(lines[1][35].nr_sets, 0);
	/* Other calls do not take doorbells. */
	{
		u64 s[8] = { HCALL(GH_HCALL_MSGQ_SEND), cap, 8, HOST_VA };

		call(s);
		EXPECT_EQ(s[0], GH_ERROR_CSPACE_WRONG_OBJ_TYPE);
		memcpy(r, (u64[8]){ HCALL(GH_HCALL_VCPU_RUN), cap }, sizeof(r));
		call(r);
		EXPECT_EQ(r[0], GH_ERROR_CSPACE_WRONG_OBJ_TYPE);
	}
	/* The reserved slot of each call is checked, not a neighbour. */
	EXPECT_EQ(bell_call(GH_HCALL_DOORBELL_SEND, cap, 1, 0, 1, &old), GH_ERROR_OK);
	EXPECT_EQ(bell_call(GH_HCALL_DOORBELL_RESET, cap, 0, 1, 1, NULL), GH_ERROR_OK);
	EXPECT_EQ(bell_call(GH_HCALL_DOORBELL_MASK, cap, ~0UL, ~0UL, 0, NULL),
		  GH_ERROR_OK);
	host_cap_free(vcap);
	bell_teardown();
}

/* vm_destroy() path: capabilities revoked, lines unbound, slots reusable. */
TEST(bell_free_revokes)
{
	u64 cap[3], other, old;

	bell_setup();
	ASSERT_EQ(bell_create(BELL_VMID, 36, &cap[0]), GH_ERROR_OK);
	ASSERT_EQ(bell_create(BELL_VMID + 1, 36, &other), GH_ERROR_OK);
	ASSERT_EQ(bell_create(BELL_VMID, 37, &cap[1]), GH_ERROR_OK);
	EXPECT_EQ(bell_send(cap[0], 1, &old), GH_ERROR_OK);
	EXPECT_EQ(bell_send(other, 1, &old), GH_ERROR_OK);
	spin_lock(&hyp_lock);
	vm_doorbells_free(&vms[1]);
	spin_unlock(&hyp_lock);
	EXPECT_TRUE(lines[1][36].src == NULL && lines[1][37].src == NULL);
	for (unsigned int i = 0; i < 2; i++) {
		EXPECT_EQ(bell_send(cap[i], 1, &old), GH_ERROR_CSPACE_CAP_NULL);
		EXPECT_EQ(bell_mask(cap[i], 1, 0), GH_ERROR_CSPACE_CAP_NULL);
		EXPECT_EQ(bell_reset(cap[i]), GH_ERROR_CSPACE_CAP_NULL);
	}
	/* The other VM's doorbell lives on. */
	EXPECT_EQ(bell_send(other, 2, &old), GH_ERROR_OK);
	EXPECT_EQ(old, 1);
	EXPECT_TRUE(lines[2][36].level);
	/* Its SPI and capability slot can be used again. */
	ASSERT_EQ(bell_create(BELL_VMID, 36, &cap[2]), GH_ERROR_OK);
	EXPECT_EQ(cap[2], cap[0]);
	EXPECT_EQ(bell_send(cap[2], 1, &old), GH_ERROR_OK);
	EXPECT_EQ(old, 0);			/* a fresh doorbell */
	bell_teardown();
}

/* vm_reset() path: every doorbell of that VM back to its reset state. */
TEST(bell_vm_reset)
{
	u64 cap[2], other, old;

	bell_setup();
	ASSERT_EQ(bell_create(BELL_VMID, 40, &cap[0]), GH_ERROR_OK);
	ASSERT_EQ(bell_create(BELL_VMID, 41, &cap[1]), GH_ERROR_OK);
	ASSERT_EQ(bell_create(BELL_VMID + 1, 40, &other), GH_ERROR_OK);
	EXPECT_EQ(bell_mask(cap[0], 1, 1), GH_ERROR_OK);
	EXPECT_EQ(bell_send(cap[0], 1, &old), GH_ERROR_OK);
	EXPECT_EQ(bell_send(cap[1], 6, &old), GH_ERROR_OK);
	EXPECT_EQ(bell_send(other, 1, &old), GH_ERROR_OK);
	spin_lock(&hyp_lock);
	vm_doorbells_reset(&vms[1]);
	spin_unlock(&hyp_lock);
	EXPECT_FALSE(lines[1][40].level);
	EXPECT_FALSE(lines[1][41].level);
	EXPECT_TRUE(lines[2][40].level);
	EXPECT_EQ(bell_send(cap[1], 1, &old), GH_ERROR_OK);
	EXPECT_EQ(old, 0);
	EXPECT_EQ(bell_send(cap[0], 1, &old), GH_ERROR_OK);
	EXPECT_EQ(old, 0);
	guest_eoi(40);
	EXPECT_TRUE(lines[1][40].level);	/* masks back to enable ~0, ack 0 */
	EXPECT_EQ(bell_send(other, 2, &old), GH_ERROR_OK);
	EXPECT_EQ(old, 1);
	bell_teardown();
}
