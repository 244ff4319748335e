/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Resource Manager internals shared by core/rm*.c and the unit tests.
 *
 * Layers:
 *   rm_rpc.c  transport: the host's TX/RX message queues, request reassembly,
 *             reply/notification fragmentation through the outbox,
 *             back-pressure and host interrupts;
 *   rm.c      the call table and dispatch;
 *   rm_vm.c   VMIDs, VM states and the lifecycle calls, notifications;
 *   rm_mem.c  memory parcels: LEND, SHARE, APPEND, RECLAIM;
 *   rm_vmcfg.c VM_INIT: the VM's DT (gunyah-vm-config) and building the VM;
 *             at VM_START, the shared windows (shm, /reserved-memory).
 *
 * The mechanisms behind them (ownership, stage-2, vCPUs) are in vm.h.
 */
#ifndef HYP_RM_INTERNAL_H
#define HYP_RM_INTERNAL_H

#include "msgq.h"
#include "rm.h"
#include "rm_rpc_abi.h"
#include "types.h"
#include "vm.h"

static_assert(RM_MSGQ_MSG_SIZE == RM_RPC_PKT_SIZE, "one RPC packet per queue message");
static_assert(RM_RPC_PKT_SIZE <= MSGQ_MSG_SIZE_MAX, "queue slots hold a packet");

/* Reply payload space after the le32 error word. */
#define RM_REPLY_MAX		(RM_RPC_MAX_PAYLOAD - 4)

/*
 * Notification packets one request handler may queue before its reply. The
 * outbox is empty whenever a request is handled (see rm_rpc.c), so this plus
 * one maximum-size reply always fits.
 */
#define RM_NOTIF_RESERVE_PKTS	16
#define RM_OUTBOX_DEPTH		(RM_RPC_MAX_PKTS + RM_NOTIF_RESERVE_PKTS)

static inline u16 rm_get_le16(const u8 *p)
{
	return (u16)(p[0] | (p[1] << 8));
}

static inline u32 rm_get_le32(const u8 *p)
{
	return (u32)p[0] | ((u32)p[1] << 8) | ((u32)p[2] << 16) | ((u32)p[3] << 24);
}

static inline u64 rm_get_le64(const u8 *p)
{
	return (u64)rm_get_le32(p) | ((u64)rm_get_le32(p + 4) << 32);
}

static inline void rm_put_le16(u8 *p, u16 v)
{
	p[0] = (u8)v;
	p[1] = (u8)(v >> 8);
}

static inline void rm_put_le32(u8 *p, u32 v)
{
	p[0] = (u8)v;
	p[1] = (u8)(v >> 8);
	p[2] = (u8)(v >> 16);
	p[3] = (u8)(v >> 24);
}

static inline void rm_put_le64(u8 *p, u64 v)
{
	rm_put_le32(p, (u32)v);
	rm_put_le32(p + 4, (u32)(v >> 32));
}

/* ---- rm.c: calls ---- */

/*
 * One request being handled. The handler reads req[req_len] (already checked
 * against the table's min/max length), may write up to RM_REPLY_MAX bytes
 * to rep and sets rep_len (0 on entry); the reply carries the returned RM
 * error code followed by rep[rep_len].
 */
struct rm_msg {
	u32 id;
	const u8 *req;
	size_t req_len;
	u8 *rep;
	size_t rep_len;
};

struct rm_call {
	u32 msg_id;
	u32 min_len;		/* request payload bounds, inclusive */
	u32 max_len;
	u32 (*fn)(struct rm_msg *msg);
};

/* Returns the RM error code of the reply; RM_ERROR_UNIMPLEMENTED for unknown IDs. */
u32 rm_dispatch(struct rm_msg *msg);

/* ---- rm_rpc.c: transport ---- */

struct rm_rpc_hdr {
	u8 byte0;		/* (header_words << 4) | api_version */
	u8 type;
	u8 frags;		/* continuation packets that follow the first */
	u16 seq;
	u32 id;
};

enum rm_reasm_result {
	RM_REASM_DROP,		/* packet ignored */
	RM_REASM_PARTIAL,	/* accepted, more continuations expected */
	RM_REASM_DONE,		/* r->buf[r->len] is the complete request r->id/r->seq */
};

struct rm_reasm {
	bool active;		/* waiting for continuations */
	u32 id;
	u16 seq;
	u8 frags;
	u8 left;		/* continuations still expected */
	size_t len;
	u8 buf[RM_RPC_MAX_PAYLOAD];
};

void rm_reasm_reset(struct rm_reasm *r);

/*
 * Feed one packet received from the host; *hdr is its parsed header when the
 * packet has one. Never reads outside pkt[len] or writes outside r->buf.
 */
enum rm_reasm_result rm_reasm_packet(struct rm_reasm *r, const u8 *pkt, size_t len,
				     struct rm_rpc_hdr *hdr);

void rm_rpc_init(void);

/*
 * Queue a notification (type 3) of @len payload bytes to the host and move
 * what fits into its RX queue. Safe from request handlers and from outside
 * the RM. Returns GH_ERROR_ARG_SIZE for len > RM_RPC_MAX_PAYLOAD and
 * GH_ERROR_MSGQUEUE_FULL, dropping the notification, when the outbox cannot
 * hold it (the host has stopped reading).
 */
int rm_notify(u32 notif_id, const void *payload, size_t len);

/* The host's queues and the RM's outbox, exposed for the tests' invariant checks. */
extern struct msgq rm_host_tx;
extern struct msgq rm_host_rx;
extern struct msgq rm_outbox;

/* ---- rm_vm.c: VMIDs ---- */

/*
 * VMIDs the host may name in VM_ALLOC_VMID: everything but the hypervisor's
 * and the platform's low VMIDs (0..3, 3 being the host) and the RM's (0xFF).
 * Dynamic allocation hands out the real RM's dynamic range.
 */
#define RM_VMID_ALLOC_FIRST	0x04U
#define RM_VMID_ALLOC_LAST	0xFEU
#define RM_VMID_DYN_FIRST	0x80U
#define RM_VMID_DYN_LAST	0xBEU
#define RM_MAX_VMS		16	/* guest VMs alive at once */

/* Boot context registers set by VM_SET_BOOT_CONTEXT (rm_vm.boot_set). */
#define RM_BOOT_SET_X(i)	(1U << (i))
#define RM_BOOT_SET_PC		(1U << 8)
#define RM_BOOT_SET_SP		(1U << 9)

#define RM_MAX_SHM		16	/* shm vdevices per VM */

struct rm_vm {
	u16 vmid;		/* 0: free slot */
	u8 status;		/* RM_VM_STATUS_* */
	bool created;		/* vm_create() done, vm_destroy() due */
	bool configured;	/* VM_CONFIG_IMAGE accepted */
	u16 auth;
	u32 image_handle;
	u64 image_offset;
	u64 image_size;
	u64 dtb_offset;
	u64 dtb_size;
	u64 ipa_base;		/* image parcel IPA, from memory/base-address */
	u16 boot_set;		/* RM_BOOT_SET_* */
	struct vm_boot boot;
	unsigned int nr_vcpus;
	u64 vcpu_capid[VM_MAX_VCPUS];
	u32 vcpu_virq[VM_MAX_VCPUS];
	unsigned int nr_bells;	/* doorbells from the DT's vdevices */
	struct rm_bell {
		u32 label;
		u64 capid;	/* the host's (source) capability */
	} bell[VM_MAX_DOORBELLS];
	/* From VM_INIT for VM_START (rm_vmcfg.c) */
	u64 mem_size;		/* image parcel + private parcels mapped after it */
	unsigned int nr_shm;
	struct rm_shm {		/* a shm vdevice: the parcel labelled @label */
		u32 label;
		u64 base;	/* goes to this IPA */
	} shm[RM_MAX_SHM];
};

void rm_vm_init(void);
struct rm_vm *rm_vm_lookup(u16 vmid);

/* Send VM_STATUS for @vm after setting its status. */
void rm_vm_set_status(struct rm_vm *vm, u8 status);

/* RM error code for a GH_ERROR_* from the mechanisms. */
u32 rm_error_from_gh(int gh_err);

u32 rm_vm_get_vmid(struct rm_msg *msg);
u32 rm_vm_alloc_vmid(struct rm_msg *msg);
u32 rm_vm_dealloc_vmid(struct rm_msg *msg);
u32 rm_vm_config_image(struct rm_msg *msg);
u32 rm_vm_set_boot_context(struct rm_msg *msg);
u32 rm_vm_get_hyp_resources(struct rm_msg *msg);
u32 rm_vm_start(struct rm_msg *msg);
u32 rm_vm_stop(struct rm_msg *msg);
u32 rm_vm_reset(struct rm_msg *msg);

/* ---- rm_mem.c: memory parcels ---- */

#define RM_MAX_PARCELS		64	/* parcels alive at once */
/*
 * SGL entries held by all parcels: 2 x 65536, i.e. two guests of 256 MiB of
 * fully fragmented 4 KiB pages (or one 512 MiB), 3 MiB of static state.
 */
#define RM_MAX_RANGES		131072
#define RM_RANGE_NONE		0xFFFFFFFFU

struct rm_range {
	u64 base;		/* host PA (= host IPA: the host is identity-mapped) */
	u64 size;
	u32 next;		/* next range of the parcel, or RM_RANGE_NONE */
};

struct rm_parcel {
	u32 handle;		/* 0: free slot */
	u32 label;
	u16 vmid;		/* the guest in the ACL */
	u8 xfer;		/* enum mem_xfer */
	u8 rights;		/* the guest's RM_ACL_RIGHT_* */
	bool sanitize;		/* LEND/SHARE asked for sanitize on reclaim */
	bool complete;		/* no MEM_APPEND pending */
	bool orphan;		/* its VM was deallocated: reclaim only */
	bool mapped;		/* mapped in vmid's stage-2 at ipa */
	u64 ipa;
	u64 size;		/* sum of the ranges; offsets index into this */
	u32 nr_ranges;
	u32 first, last;
};

void rm_mem_init(void);

/* The live parcel with @handle (NULL for 0 or unknown). */
struct rm_parcel *rm_parcel_lookup(u32 handle);

/*
 * @p (may be NULL) can configure or be mapped into @vmid: complete, its
 * ACL names @vmid, and not left over from a deallocated VM of that VMID.
 */
bool rm_parcel_usable_by(const struct rm_parcel *p, u16 vmid);

/* Slot @i of the parcel table if live, for iterating (0..RM_MAX_PARCELS-1). */
struct rm_parcel *rm_parcel_at(unsigned int i);

/*
 * Copy @len bytes at byte @offset of the parcel (as laid out in the guest)
 * to @dst, through the stub's 1:1 map of host RAM. Returns false if the
 * range is not inside the parcel.
 */
bool rm_parcel_read(const struct rm_parcel *p, u64 offset, void *dst, size_t len);

/* Map the parcel into its VM at @ipa, all or nothing; unmap it. RM errors. */
u32 rm_parcel_map(struct rm_parcel *p, u64 ipa);
void rm_parcel_unmap(struct rm_parcel *p);

/* The VM was reset (mappings gone) or deallocated (@gone). */
void rm_mem_vm_reset(u16 vmid, bool gone);

u32 rm_mem_lend(struct rm_msg *msg);
u32 rm_mem_share(struct rm_msg *msg);
u32 rm_mem_append(struct rm_msg *msg);
u32 rm_mem_reclaim(struct rm_msg *msg);

/* ---- rm_vmcfg.c: VM_INIT, VM_START's shared windows ---- */

/* Bytes of VM DT (its fdt_totalsize) copied and parsed; QEMU's is ~40 KiB. */
#define RM_DTB_MAX		0x20000

u32 rm_vm_init_vm(struct rm_msg *msg);

/*
 * At VM_START, before the vCPUs start: map the shm vdevices' and private
 * parcels and match the DT's /reserved-memory nodes to parcels. On failure
 * the VM is left as it is (the caller moves it to INIT_FAILED, the host
 * resets it); returns RM_ERROR_NORESOURCE as the real RM (see below).
 */
u32 rm_vm_start_config(struct rm_vm *vm);

/*
 * Behaviours of the real RM (12/2023) that clients must live with, on by
 * default; tests may turn them off to see the stub without them.
 *
 * rm_quirk_resmem_one_region: a /reserved-memory node's parcel is accepted
 * with one SGL entry and without MAP_CONTIGUOUS, which memparcel_do_accept()
 * refuses (ARGUMENT_INVALID) for a parcel of more than one physical range.
 *
 * rm_quirk_start_noresource: VM_START replies NORESOURCE whatever failed
 * in vm_creation_process_resource() (vm_mgnt_handle_start()); off, it
 * replies the underlying error (ARGUMENT_INVALID for the refused accept,
 * DENIED for "No memparcel matching").
 */
extern bool rm_quirk_resmem_one_region;
extern bool rm_quirk_start_noresource;

#endif
