/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Gunyah Resource Manager RPC core: internal interface between the RPC core,
 * its transports (the message queues, or a test fake) and the VM manager.
 */

#ifndef __GUNYAH_RSC_MGR_PRIV_H
#define __GUNYAH_RSC_MGR_PRIV_H

#include <linux/bits.h>
#include <linux/completion.h>
#include <linux/gunyah_rsc_mgr.h>
#include <linux/kref.h>
#include <linux/list.h>
#include <linux/miscdevice.h>
#include <linux/mutex.h>
#include <linux/notifier.h>
#include <linux/spinlock.h>
#include <linux/types.h>
#include <linux/workqueue.h>
#include <linux/xarray.h>

/* One RPC packet: an 8-byte header and up to 232 bytes of payload */
#define GUNYAH_RM_PACKET_SIZE		240
#define GUNYAH_RM_RPC_HDR_SIZE		8

/* Header byte 0: (header words << 4) | API version */
#define GUNYAH_RM_RPC_API_VERSION	1
#define GUNYAH_RM_RPC_HDR_WORDS		2
#define GUNYAH_RM_RPC_API		\
	((GUNYAH_RM_RPC_HDR_WORDS << 4) | GUNYAH_RM_RPC_API_VERSION)

/* Header byte 1: (fragments << 2) | type */
#define GUNYAH_RM_RPC_TYPE_MASK		GENMASK(1, 0)
#define GUNYAH_RM_RPC_FRAGMENTS_MASK	GENMASK(7, 2)

enum gunyah_rm_rpc_type {
	GUNYAH_RM_RPC_TYPE_CONTINUATION	= 0,
	GUNYAH_RM_RPC_TYPE_REQUEST	= 1,
	GUNYAH_RM_RPC_TYPE_REPLY	= 2,
	GUNYAH_RM_RPC_TYPE_NOTIF	= 3,
};

/**
 * struct gunyah_rm_rpc_hdr - Header of every RPC packet
 * @api: GUNYAH_RM_RPC_API.
 * @type: Fragment count (bits 7:2) and &enum gunyah_rm_rpc_type (bits 1:0).
 * @seq: Sequence number; a reply echoes its request's.
 * @msg_id: Message ID.
 */
struct gunyah_rm_rpc_hdr {
	u8 api;
	u8 type;
	__le16 seq;
	__le32 msg_id;
} __packed;

/* Flags of &struct gunyah_rm_transport.send */
#define GUNYAH_RM_TX_PUSH		BIT(0)
#define GUNYAH_RM_TX_KILLABLE		BIT(1)

/**
 * struct gunyah_rm_transport - How the RPC core sends packets
 * @send: Send one packet of @size bytes (at most GUNYAH_RM_PACKET_SIZE).
 *        Sleeps while the link is full. @flags: GUNYAH_RM_TX_PUSH on the
 *        last packet of a message; GUNYAH_RM_TX_KILLABLE when no packet of
 *        the message went out yet and the call sets up state, so the wait
 *        may end on a fatal signal.
 *        Returns 0 or a negative errno.
 *
 * Received packets are handed to gunyah_rm_core_rx(), one at a time.
 */
struct gunyah_rm_transport {
	int (*send)(struct gunyah_rm_transport *transport, const void *buf,
		    size_t size, unsigned int flags);
};

/**
 * struct gunyah_rm_rx_state - Reassembly of a multi-packet message
 * @active: A message is being reassembled.
 * @type: GUNYAH_RM_RPC_TYPE_REPLY or GUNYAH_RM_RPC_TYPE_NOTIF.
 * @fragments: Continuation packets announced by the first packet.
 * @received: Continuation packets received so far.
 * @seq: Sequence number of the message.
 * @msg_id: Message ID of the message.
 * @buf: Payload received so far.
 * @size: Size of @buf's content.
 * @call: For a reply: the call it belongs to.
 */
struct gunyah_rm_rx_state {
	bool active;
	u8 type;
	u8 fragments;
	u8 received;
	u16 seq;
	u32 msg_id;
	void *buf;
	size_t size;
	struct gunyah_rm_call *call;
};

/**
 * struct gunyah_rm - A Resource Manager connection
 * @dev: The device providing the transport.
 * @transport: The transport.
 * @kref: References: the transport, open /dev/gunyah files and VMs.
 * @send_lock: Serializes messages (their packets must not interleave) and
 *             protects @tx_buf and @stopped.
 * @stopped: The transport is gone: calls fail with -ENODEV.
 * @tx_msgs: Messages sent (requests), for statistics; under @send_lock.
 * @tx_packets: Packets sent, for statistics; under @send_lock.
 * @tx_buf: The packet being sent.
 * @calls: Outstanding calls by sequence number.
 * @next_seq: Next sequence number to try.
 * @rx_lock: Protects @rx and @rx_stopped.
 * @rx_stopped: Received packets are dropped.
 * @rx: Reassembly state.
 * @nh: Notification subscribers.
 * @notif_lock: Protects @notif_list.
 * @notif_list: Notifications waiting for delivery, in order of arrival.
 * @notif_work: Delivers notifications outside of the receive path, so that
 *              subscribers may make calls.
 * @vmid_lock: Protects @vmid and @have_vmid.
 * @have_vmid: @vmid is valid.
 * @vmid: Our own VMID, cached.
 * @deferred_lock: Protects @deferred_vms and @deferred_stopped.
 * @deferred_vms: &struct gunyah_vm whose teardown waits for the RM's RESET
 *                status (vm_mgr.c).
 * @deferred_stopped: The connection stopped: no teardown is deferred any
 *                    more.
 * @miscdev: /dev/gunyah.
 * @debugfs: /sys/kernel/debug/gunyah (CONFIG_GUNYAH_DEBUGFS).
 * @benches: Its benchmark files (CONFIG_GUNYAH_DEBUGFS).
 */
struct gunyah_rm {
	struct device *dev;
	struct gunyah_rm_transport *transport;
	struct kref kref;

	struct mutex send_lock; /* see above: messages, tx_buf, stopped */
	bool stopped;
	u64 tx_msgs;
	u64 tx_packets;
	u8 tx_buf[GUNYAH_RM_PACKET_SIZE];

	struct xarray calls;
	u32 next_seq;

	struct mutex rx_lock; /* rx, rx_stopped */
	bool rx_stopped;
	struct gunyah_rm_rx_state rx;

	struct blocking_notifier_head nh;
	spinlock_t notif_lock; /* notif_list */
	struct list_head notif_list;
	struct work_struct notif_work;

	struct mutex vmid_lock; /* vmid, have_vmid */
	bool have_vmid;
	u16 vmid;

	struct mutex deferred_lock; /* deferred_vms, deferred_stopped */
	struct list_head deferred_vms;
	bool deferred_stopped;

	struct miscdevice miscdev;
#ifdef CONFIG_GUNYAH_DEBUGFS
	struct dentry *debugfs;
	struct gunyah_bench *benches;
#endif
};

struct gunyah_rm *gunyah_rm_core_create(struct device *dev,
					struct gunyah_rm_transport *transport);
int gunyah_rm_core_rx(struct gunyah_rm *rm, const void *buf, size_t size);
void gunyah_rm_core_stop(struct gunyah_rm *rm);
int gunyah_rm_error_remap(u32 rm_error);

int gunyah_vm_mgr_register(struct gunyah_rm *rm);
void gunyah_vm_mgr_unregister(struct gunyah_rm *rm);
void gunyah_vm_mgr_notification(struct gunyah_rm *rm,
				const struct gunyah_rm_notification *notif);
void gunyah_vm_mgr_stop(struct gunyah_rm *rm);

#ifdef CONFIG_GUNYAH_DEBUGFS
void gunyah_rm_debugfs_register(struct gunyah_rm *rm);
void gunyah_rm_debugfs_unregister(struct gunyah_rm *rm);
#else
static inline void gunyah_rm_debugfs_register(struct gunyah_rm *rm) { }
static inline void gunyah_rm_debugfs_unregister(struct gunyah_rm *rm) { }
#endif

#endif /* __GUNYAH_RSC_MGR_PRIV_H */
