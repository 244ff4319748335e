// SPDX-License-Identifier: GPL-2.0-only
/*
 * Gunyah hypercalls from the host: identification, the two RM message
 * queues and the doorbells into guests. Every argument is checked here
 * before anything reaches the RM or a doorbell.
 */
#include <string.h>
#include "doorbell.h"
#include "gunyah.h"
#include "hypercall.h"
#include "vcpu.h"

spinlock_t hyp_lock = SPINLOCK_INIT;

enum cap_type {
	CAP_TYPE_NONE,
	CAP_TYPE_MSGQ,
	CAP_TYPE_VCPU,
	CAP_TYPE_DOORBELL,
};

#define CAP_RIGHT_MSGQ_SEND	BIT(0)
#define CAP_RIGHT_MSGQ_RECV	BIT(1)
#define CAP_RIGHT_VCPU_RUN	BIT(0)
#define CAP_RIGHT_BELL_SEND	BIT(0)
#define CAP_RIGHT_BELL_RECV	BIT(1)
#define CAP_RIGHT_BELL_MASK	BIT(2)
#define CAP_RIGHT_BELL_RESET	BIT(3)
/*
 * The host is the source of every doorbell: it may send, and mask and reset
 * (Linux's level irqfd sets the masks on its BELL_TX capability), but never
 * receive.
 */
#define CAP_RIGHTS_BELL_HOST	(CAP_RIGHT_BELL_SEND | CAP_RIGHT_BELL_MASK | \
				 CAP_RIGHT_BELL_RESET)

struct cap {
	enum cap_type type;
	u32 rights;
	void *obj;
};

/*
 * Fixed RM queues, then one slot per possible vCPU and doorbell (guarded by
 * hyp_lock), so that creating one never fails for lack of a slot.
 */
#define HOST_CSPACE_SIZE \
	(2 + VM_MAX_VMS * (VM_MAX_VCPUS + VM_MAX_DOORBELLS))

static struct cap host_cspace[HOST_CSPACE_SIZE] = {
	[HOST_CAP_RM_TX] = { CAP_TYPE_MSGQ, CAP_RIGHT_MSGQ_SEND, NULL },
	[HOST_CAP_RM_RX] = { CAP_TYPE_MSGQ, CAP_RIGHT_MSGQ_RECV, NULL },
};

static int cap_check(u64 capid, enum cap_type type, u32 rights)
{
	const struct cap *c;

	if (capid >= ARRAY_SIZE(host_cspace) ||
	    host_cspace[capid].type == CAP_TYPE_NONE)
		return GH_ERROR_CSPACE_CAP_NULL;
	c = &host_cspace[capid];
	if (c->type != type)
		return GH_ERROR_CSPACE_WRONG_OBJ_TYPE;
	if ((c->rights & rights) != rights)
		return GH_ERROR_CSPACE_INSUF_RIGHTS;
	return GH_ERROR_OK;
}

static int host_cap_alloc(enum cap_type type, u32 rights, void *obj,
			  u64 *capid)
{
	for (u64 i = HOST_CAP_RM_RX + 1; i < ARRAY_SIZE(host_cspace); i++) {
		if (host_cspace[i].type != CAP_TYPE_NONE)
			continue;
		host_cspace[i] = (struct cap){ type, rights, obj };
		*capid = i;
		return GH_ERROR_OK;
	}
	return GH_ERROR_CSPACE_FULL;
}

int host_cap_alloc_vcpu(struct vcpu *v, u64 *capid)
{
	return host_cap_alloc(CAP_TYPE_VCPU, CAP_RIGHT_VCPU_RUN, v, capid);
}

int host_cap_alloc_doorbell(struct doorbell *db, u64 *capid)
{
	return host_cap_alloc(CAP_TYPE_DOORBELL, CAP_RIGHTS_BELL_HOST, db,
			      capid);
}

void host_cap_free(u64 capid)
{
	if (capid > HOST_CAP_RM_RX && capid < ARRAY_SIZE(host_cspace))
		host_cspace[capid] = (struct cap){ CAP_TYPE_NONE, 0, NULL };
}

struct vcpu *host_cap_vcpu(u64 capid, int *err)
{
	*err = cap_check(capid, CAP_TYPE_VCPU, CAP_RIGHT_VCPU_RUN);
	return *err ? NULL : host_cspace[capid].obj;
}

/* Doorbell capabilities come and go with VMs: hyp_lock must be held. */
static struct doorbell *host_cap_doorbell(u64 capid, u32 rights, int *err)
{
	*err = cap_check(capid, CAP_TYPE_DOORBELL, rights);
	return *err ? NULL : host_cspace[capid].obj;
}

static void host_buf_read(u8 *dst, const struct host_buf *hb)
{
	for (int i = 0; i < 2; i++) {
		if (hb->len[i])
			memcpy(dst, hb->ptr[i], hb->len[i]);
		dst += hb->len[i];
	}
}

static void host_buf_write(const struct host_buf *hb, const u8 *src,
			   size_t size)
{
	for (int i = 0; i < 2; i++) {
		size_t n = MIN(size, hb->len[i]);

		if (n)
			memcpy(hb->ptr[i], src, n);
		src += n;
		size -= n;
	}
}

static void hyp_identify(u64 *regs)
{
	regs[0] = GH_API_VERSION | GH_API_INFO_64BIT |
		  (GH_API_VARIANT_QC << GH_API_INFO_VARIANT_SHIFT);
	/* Only what is implemented. */
	regs[1] = GH_API_FLAG0_DOORBELL | GH_API_FLAG0_MSGQUEUE |
		  GH_API_FLAG0_VCPU | GH_API_FLAG0_VCPU_RUN;
	regs[2] = 0;
	regs[3] = 0;
}

/* x1 capid, x2 size, x3 buffer VA, x4 flags, x5 0 -> x0 error, x1 not_full */
static void msgq_send(u64 *regs)
{
	u64 capid = regs[1], size = regs[2], va = regs[3], flags = regs[4];
	u8 msg[RM_MSGQ_MSG_SIZE];
	bool not_full = false;
	struct host_buf hb;
	int ret;

	if (regs[5] || (flags & ~GH_MSGQ_SEND_FLAG_PUSH)) {
		ret = GH_ERROR_ARG_INVAL;
		goto out;
	}
	ret = cap_check(capid, CAP_TYPE_MSGQ, CAP_RIGHT_MSGQ_SEND);
	if (ret)
		goto out;
	if (size > RM_MSGQ_MSG_SIZE) {
		ret = GH_ERROR_ARG_SIZE;
		goto out;
	}
	spin_lock(&hyp_lock);
	ret = plat_host_buf_get(&hb, va, size, false);
	if (!ret) {
		host_buf_read(msg, &hb);
		ret = rm_host_msgq_send(msg, size,
					flags & GH_MSGQ_SEND_FLAG_PUSH,
					&not_full);
	}
	spin_unlock(&hyp_lock);
out:
	regs[0] = ret;
	regs[1] = not_full;
}

/* x1 capid, x2 buffer VA, x3 buffer size, x4 0 -> x0 error, x1 size, x2 not_empty */
static void msgq_recv(u64 *regs)
{
	u64 capid = regs[1], va = regs[2];
	size_t len = MIN(regs[3], (u64)RM_MSGQ_MSG_SIZE), size = 0;
	u8 msg[RM_MSGQ_MSG_SIZE];
	bool not_empty = false;
	struct host_buf hb;
	int ret;

	if (regs[4]) {
		ret = GH_ERROR_ARG_INVAL;
		goto out;
	}
	ret = cap_check(capid, CAP_TYPE_MSGQ, CAP_RIGHT_MSGQ_RECV);
	if (ret)
		goto out;
	spin_lock(&hyp_lock);
	/* Translate first, so a bad buffer never costs the host a message. */
	ret = plat_host_buf_get(&hb, va, len, true);
	if (!ret)
		ret = rm_host_msgq_recv(msg, len, &size, &not_empty);
	if (!ret)
		host_buf_write(&hb, msg, size);
	else
		size = 0;
	spin_unlock(&hyp_lock);
out:
	regs[0] = ret;
	regs[1] = size;
	regs[2] = not_empty;
}

/* x1 capid, x2 0 -> x0 error. As in Gunyah, flushing needs receive rights. */
static void msgq_flush(u64 *regs)
{
	int ret;

	if (regs[2]) {
		regs[0] = GH_ERROR_ARG_INVAL;
		return;
	}
	ret = cap_check(regs[1], CAP_TYPE_MSGQ, CAP_RIGHT_MSGQ_RECV);
	if (!ret) {
		spin_lock(&hyp_lock);
		ret = rm_host_msgq_flush(false);
		spin_unlock(&hyp_lock);
	}
	regs[0] = ret;
}

/* x1 capid, x2 new_flags, x3 0 -> x0 error, x1 old_flags */
static void bell_send(u64 *regs)
{
	struct doorbell *db;
	u64 old_flags = 0;
	int ret = GH_ERROR_ARG_INVAL;

	if (!regs[3]) {
		spin_lock(&hyp_lock);
		db = host_cap_doorbell(regs[1], CAP_RIGHT_BELL_SEND, &ret);
		if (db)
			ret = doorbell_send(db, regs[2], &old_flags);
		spin_unlock(&hyp_lock);
	}
	regs[0] = ret;
	regs[1] = old_flags;
}

/*
 * x1 capid, x2 clear_flags, x3 0 -> x0 error, x1 old_flags. Receiving is the
 * guest's side of a doorbell: no capability of the host's has the right, so
 * this only ever reports the cspace's error.
 */
static void bell_receive(u64 *regs)
{
	int ret = GH_ERROR_ARG_INVAL;

	if (!regs[3]) {
		spin_lock(&hyp_lock);
		if (host_cap_doorbell(regs[1], CAP_RIGHT_BELL_RECV, &ret))
			ret = GH_ERROR_UNIMPLEMENTED;	/* never granted */
		spin_unlock(&hyp_lock);
	}
	regs[0] = ret;
	regs[1] = 0;
}

/* x1 capid, x2 0 -> x0 error */
static void bell_reset(u64 *regs)
{
	struct doorbell *db;
	int ret = GH_ERROR_ARG_INVAL;

	if (!regs[2]) {
		spin_lock(&hyp_lock);
		db = host_cap_doorbell(regs[1], CAP_RIGHT_BELL_RESET, &ret);
		if (db)
			doorbell_reset(db);
		spin_unlock(&hyp_lock);
	}
	regs[0] = ret;
}

/* x1 capid, x2 enable_mask, x3 ack_mask, x4 0 -> x0 error */
static void bell_mask(u64 *regs)
{
	struct doorbell *db;
	int ret = GH_ERROR_ARG_INVAL;

	if (!regs[4]) {
		spin_lock(&hyp_lock);
		db = host_cap_doorbell(regs[1], CAP_RIGHT_BELL_MASK, &ret);
		if (db)
			doorbell_mask(db, regs[2], regs[3]);
		spin_unlock(&hyp_lock);
	}
	regs[0] = ret;
}

void gh_vendor_hyp_call(u64 *regs)
{
	u32 fid = (u32)regs[0];

	if (fid == SMCCC_VENDOR_HYP_UID) {
		regs[0] = GH_UUID_0;
		regs[1] = GH_UUID_1;
		regs[2] = GH_UUID_2;
		regs[3] = GH_UUID_3;
		return;
	}
	if ((fid & GH_HCALL_MASK) != GH_HCALL_BASE) {
		regs[0] = SMCCC_RET_NOT_SUPPORTED;
		return;
	}
	switch (GH_HCALL_NR(fid)) {
	case GH_HCALL_HYP_IDENTIFY:
		hyp_identify(regs);
		break;
	case GH_HCALL_DOORBELL_SEND:
		bell_send(regs);
		break;
	case GH_HCALL_DOORBELL_RECEIVE:
		bell_receive(regs);
		break;
	case GH_HCALL_DOORBELL_RESET:
		bell_reset(regs);
		break;
	case GH_HCALL_DOORBELL_MASK:
		bell_mask(regs);
		break;
	case GH_HCALL_MSGQ_SEND:
		msgq_send(regs);
		break;
	case GH_HCALL_MSGQ_RECV:
		msgq_recv(regs);
		break;
	case GH_HCALL_MSGQ_FLUSH:
		msgq_flush(regs);
		break;
	case GH_HCALL_VCPU_RUN:
		/* x1 capid, x2..x4 resume0..2, x5 0 */
		if (regs[5]) {
			regs[0] = GH_ERROR_ARG_INVAL;
			break;
		}
		plat_vcpu_run(regs);
		break;
	default:
		regs[0] = (u64)GH_ERROR_UNIMPLEMENTED;
	}
}
