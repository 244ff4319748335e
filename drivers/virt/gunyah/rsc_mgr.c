// SPDX-License-Identifier: GPL-2.0-only
/*
 * Gunyah Resource Manager RPC core.
 *
 * Messages to and from the Resource Manager (RM) are split into packets of
 * at most 240 bytes: an 8-byte header and up to 232 bytes of payload. A long
 * message is a first packet announcing N continuation packets (N <= 62),
 * then those N packets. Requests are matched to replies by a 16-bit sequence
 * number; notifications are delivered to subscribers from a work item, so
 * that a subscriber may itself call the RM.
 *
 * The core does not know how packets travel: it sends them through a
 * &struct gunyah_rm_transport and receives them from gunyah_rm_core_rx().
 */

#include <linux/bitfield.h>
#include <linux/device.h>
#include <linux/error-injection.h>
#include <linux/export.h>
#include <linux/irq.h>
#include <linux/irqdomain.h>
#include <linux/of.h>
#include <linux/of_irq.h>
#include <linux/slab.h>
#include <linux/unaligned.h>

#include <kunit/visibility.h>

#include "rsc_mgr.h"
#include "rsc_mgr_rpc.h"

/**
 * struct gunyah_rm_call - An outstanding call
 * @msg_id: Message ID of the request; the reply must match it.
 * @ret: Result of the call.
 * @resp: Reply payload (after the error code), owned by the caller.
 * @resp_size: Size of @resp.
 * @done: Completed when @ret, @resp and @resp_size are final.
 */
struct gunyah_rm_call {
	u32 msg_id;
	int ret;
	void *resp;
	size_t resp_size;
	struct completion done;
};

/**
 * struct gunyah_rm_notif - A notification waiting for delivery
 * @list: Entry in &gunyah_rm.notif_list.
 * @msg_id: Notification ID.
 * @payload: Payload.
 * @size: Size of @payload.
 */
struct gunyah_rm_notif {
	struct list_head list;
	u32 msg_id;
	void *payload;
	size_t size;
};

/**
 * gunyah_rm_error_remap() - Convert a Resource Manager error to an errno
 * @rm_error: Error code of an RM reply (&enum gunyah_rm_error).
 *
 * Return: 0 for GUNYAH_RM_ERROR_OK, a negative errno otherwise (-EBADMSG for
 * codes this kernel does not know).
 */
int gunyah_rm_error_remap(u32 rm_error)
{
	switch (rm_error) {
	case GUNYAH_RM_ERROR_OK:
		return 0;
	case GUNYAH_RM_ERROR_UNIMPLEMENTED:
		return -EOPNOTSUPP;
	case GUNYAH_RM_ERROR_NOMEM:
		return -ENOMEM;
	case GUNYAH_RM_ERROR_NORESOURCE:
		return -ENOSPC;
	case GUNYAH_RM_ERROR_DENIED:
		return -EPERM;
	case GUNYAH_RM_ERROR_BUSY:
	case GUNYAH_RM_ERROR_MEM_INUSE:
	case GUNYAH_RM_ERROR_IRQ_INUSE:
	case GUNYAH_RM_ERROR_IN_USE:
		return -EBUSY;
	case GUNYAH_RM_ERROR_INVALID:
	case GUNYAH_RM_ERROR_ARGUMENT_INVALID:
	case GUNYAH_RM_ERROR_HANDLE_INVALID:
	case GUNYAH_RM_ERROR_VALIDATE_FAILED:
	case GUNYAH_RM_ERROR_MEM_INVALID:
	case GUNYAH_RM_ERROR_MEM_RELEASED:
	case GUNYAH_RM_ERROR_VMID_INVALID:
	case GUNYAH_RM_ERROR_IRQ_INVALID:
	case GUNYAH_RM_ERROR_IRQ_RELEASED:
	case GUNYAH_RM_ERROR_VM_STATE:
		return -EINVAL;
	case GUNYAH_RM_ERROR_MAP_FAILED:
		return -EIO;
	case GUNYAH_RM_ERROR_LOOKUP_FAILED:
	case GUNYAH_RM_ERROR_IRQ_NOT_MAPPED:
		return -ENOENT;
	default:
		return -EBADMSG;
	}
}
EXPORT_SYMBOL_IF_KUNIT(gunyah_rm_error_remap);

static void gunyah_rm_notif_work(struct work_struct *work)
{
	struct gunyah_rm *rm = container_of(work, struct gunyah_rm, notif_work);
	struct gunyah_rm_notification notification;
	struct gunyah_rm_notif *notif;

	for (;;) {
		spin_lock(&rm->notif_lock);
		notif = list_first_entry_or_null(&rm->notif_list,
						 struct gunyah_rm_notif, list);
		if (notif)
			list_del(&notif->list);
		spin_unlock(&rm->notif_lock);

		if (!notif)
			return;

		notification.id = notif->msg_id;
		notification.payload = notif->payload;
		notification.size = notif->size;
		blocking_notifier_call_chain(&rm->nh, notif->msg_id,
					     &notification);
		/*
		 * After the subscribers, outside of the chain: a VM whose
		 * teardown waited for this RESET unsubscribes as it ends.
		 */
		gunyah_vm_mgr_notification(rm, &notification);

		kfree(notif->payload);
		kfree(notif);
	}
}

/**
 * gunyah_rm_core_create() - Create the RPC core of an RM connection
 * @dev: The device providing the transport; used for messages.
 * @transport: The transport; must stay valid until gunyah_rm_core_stop().
 *
 * The caller owns one reference, dropped with gunyah_rm_put() after
 * gunyah_rm_core_stop().
 *
 * Return: the connection, or ERR_PTR(-ENOMEM).
 */
struct gunyah_rm *gunyah_rm_core_create(struct device *dev,
					struct gunyah_rm_transport *transport)
{
	struct gunyah_rm *rm;

	rm = kzalloc(sizeof(*rm), GFP_KERNEL);
	if (!rm)
		return ERR_PTR(-ENOMEM);

	rm->dev = get_device(dev);
	rm->transport = transport;
	kref_init(&rm->kref);
	mutex_init(&rm->send_lock);
	xa_init_flags(&rm->calls, XA_FLAGS_ALLOC);
	mutex_init(&rm->rx_lock);
	BLOCKING_INIT_NOTIFIER_HEAD(&rm->nh);
	spin_lock_init(&rm->notif_lock);
	INIT_LIST_HEAD(&rm->notif_list);
	INIT_WORK(&rm->notif_work, gunyah_rm_notif_work);
	mutex_init(&rm->vmid_lock);
	mutex_init(&rm->deferred_lock);
	INIT_LIST_HEAD(&rm->deferred_vms);

	return rm;
}
EXPORT_SYMBOL_IF_KUNIT(gunyah_rm_core_create);

static void gunyah_rm_release(struct kref *kref)
{
	struct gunyah_rm *rm = container_of(kref, struct gunyah_rm, kref);

	WARN_ON(!rm->stopped);
	WARN_ON(!xa_empty(&rm->calls));
	WARN_ON(!list_empty(&rm->deferred_vms));
	xa_destroy(&rm->calls);
	mutex_destroy(&rm->deferred_lock);
	mutex_destroy(&rm->vmid_lock);
	mutex_destroy(&rm->rx_lock);
	mutex_destroy(&rm->send_lock);
	put_device(rm->dev);
	kfree(rm);
}

/**
 * gunyah_rm_get() - Take a reference to an RM connection
 * @rm: The connection.
 *
 * Return: @rm.
 */
struct gunyah_rm *gunyah_rm_get(struct gunyah_rm *rm)
{
	kref_get(&rm->kref);
	return rm;
}
EXPORT_SYMBOL_GPL(gunyah_rm_get);

/**
 * gunyah_rm_put() - Drop a reference to an RM connection
 * @rm: The connection.
 */
void gunyah_rm_put(struct gunyah_rm *rm)
{
	kref_put(&rm->kref, gunyah_rm_release);
}
EXPORT_SYMBOL_GPL(gunyah_rm_put);

/* Finish a call: the caller may free it as soon as it is completed. */
static void gunyah_rm_call_done(struct gunyah_rm_call *call, int ret,
				void *resp, size_t resp_size)
{
	call->ret = ret;
	call->resp = resp;
	call->resp_size = resp_size;
	complete(&call->done);
}

/* A reply is complete: split off the RM error code and finish its call. */
static void gunyah_rm_finish_reply(struct gunyah_rm *rm,
				   struct gunyah_rm_call *call,
				   void *buf, size_t size)
{
	u32 rm_error;

	if (size < sizeof(__le32)) {
		dev_warn_ratelimited(rm->dev,
				     "reply to %#x without error code\n",
				     call->msg_id);
		kfree(buf);
		gunyah_rm_call_done(call, -EBADMSG, NULL, 0);
		return;
	}

	rm_error = get_unaligned_le32(buf);
	if (rm_error != GUNYAH_RM_ERROR_OK) {
		dev_dbg(rm->dev, "call %#x failed: RM error %#x\n",
			call->msg_id, rm_error);
		kfree(buf);
		gunyah_rm_call_done(call, gunyah_rm_error_remap(rm_error),
				    NULL, 0);
		return;
	}

	size -= sizeof(__le32);
	if (!size) {
		kfree(buf);
		buf = NULL;
	} else {
		memmove(buf, buf + sizeof(__le32), size);
	}
	gunyah_rm_call_done(call, 0, buf, size);
}

static void gunyah_rm_finish_notif(struct gunyah_rm *rm, u32 msg_id,
				   void *buf, size_t size)
{
	struct gunyah_rm_notif *notif;

	notif = kmalloc(sizeof(*notif), GFP_KERNEL);
	if (!notif) {
		kfree(buf);
		return;
	}

	notif->msg_id = msg_id;
	notif->payload = buf;
	notif->size = size;

	spin_lock(&rm->notif_lock);
	list_add_tail(&notif->list, &rm->notif_list);
	spin_unlock(&rm->notif_lock);

	schedule_work(&rm->notif_work);
}

/* The message in rx is complete: hand it over. Called with rx_lock held. */
static void gunyah_rm_rx_finish(struct gunyah_rm *rm)
{
	struct gunyah_rm_rx_state *rx = &rm->rx;

	if (rx->type == GUNYAH_RM_RPC_TYPE_REPLY)
		gunyah_rm_finish_reply(rm, rx->call, rx->buf, rx->size);
	else
		gunyah_rm_finish_notif(rm, rx->msg_id, rx->buf, rx->size);

	memset(rx, 0, sizeof(*rx));
}

/* Give up on the message in rx; its caller, if any, gets @ret. */
static void gunyah_rm_rx_abort(struct gunyah_rm *rm, int ret)
{
	struct gunyah_rm_rx_state *rx = &rm->rx;

	if (!rx->active)
		return;

	if (rx->type == GUNYAH_RM_RPC_TYPE_REPLY)
		gunyah_rm_call_done(rx->call, ret, NULL, 0);
	kfree(rx->buf);
	memset(rx, 0, sizeof(*rx));
}

/* Claim the call a reply belongs to, so that nobody else completes it. */
static struct gunyah_rm_call *gunyah_rm_claim_call(struct gunyah_rm *rm,
						   u16 seq, u32 msg_id)
{
	struct gunyah_rm_call *call;

	xa_lock(&rm->calls);
	call = xa_load(&rm->calls, seq);
	if (!call) {
		xa_unlock(&rm->calls);
		dev_warn_ratelimited(rm->dev,
				     "reply to %#x with unknown sequence %u\n",
				     msg_id, seq);
		return ERR_PTR(-ENOENT);
	}
	if (call->msg_id != msg_id) {
		xa_unlock(&rm->calls);
		dev_warn_ratelimited(rm->dev,
				     "reply to %#x for sequence %u of %#x\n",
				     msg_id, seq, call->msg_id);
		return ERR_PTR(-EINVAL);
	}
	__xa_erase(&rm->calls, seq);
	xa_unlock(&rm->calls);

	return call;
}

/* First packet of a reply or notification. Called with rx_lock held. */
static int gunyah_rm_rx_first(struct gunyah_rm *rm, u8 type, u8 fragments,
			      u16 seq, u32 msg_id, const void *payload,
			      size_t size)
{
	struct gunyah_rm_rx_state *rx = &rm->rx;
	struct gunyah_rm_call *call = NULL;
	void *buf;

	if (type == GUNYAH_RM_RPC_TYPE_REPLY) {
		call = gunyah_rm_claim_call(rm, seq, msg_id);
		if (IS_ERR(call))
			return PTR_ERR(call);
	}

	/* The RM sends one message at a time: it gave up on the last one. */
	if (rx->active) {
		dev_warn_ratelimited(rm->dev,
				     "message %#x cut short by message %#x\n",
				     rx->msg_id, msg_id);
		gunyah_rm_rx_abort(rm, -EBADMSG);
	}

	buf = kmalloc(size_add(array_size(fragments, GUNYAH_RM_PAYLOAD_SIZE),
			       size), GFP_KERNEL);
	if (!buf) {
		if (call)
			gunyah_rm_call_done(call, -ENOMEM, NULL, 0);
		return -ENOMEM;
	}
	memcpy(buf, payload, size);

	rx->type = type;
	rx->fragments = fragments;
	rx->received = 0;
	rx->seq = seq;
	rx->msg_id = msg_id;
	rx->buf = buf;
	rx->size = size;
	rx->call = call;
	rx->active = true;

	if (!fragments)
		gunyah_rm_rx_finish(rm);

	return 0;
}

/* A continuation packet. Called with rx_lock held. */
static int gunyah_rm_rx_continuation(struct gunyah_rm *rm, u8 fragments,
				     u16 seq, u32 msg_id, const void *payload,
				     size_t size)
{
	struct gunyah_rm_rx_state *rx = &rm->rx;

	if (!rx->active) {
		dev_warn_ratelimited(rm->dev,
				     "continuation of %#x without a message\n",
				     msg_id);
		return -EINVAL;
	}

	if (msg_id != rx->msg_id || seq != rx->seq ||
	    fragments != rx->fragments) {
		dev_warn_ratelimited(rm->dev,
				     "continuation of %#x/%u/%u does not match %#x/%u/%u\n",
				     msg_id, seq, fragments, rx->msg_id,
				     rx->seq, rx->fragments);
		return -EINVAL;
	}

	memcpy(rx->buf + rx->size, payload, size);
	rx->size += size;
	rx->received++;

	if (rx->received == rx->fragments)
		gunyah_rm_rx_finish(rm);

	return 0;
}

/**
 * gunyah_rm_core_rx() - Process a packet received from the RM
 * @rm: The connection.
 * @buf: The packet; only read during the call.
 * @size: Size of the packet.
 *
 * Malformed packets, continuations that do not belong to the message being
 * reassembled and replies nobody waits for are dropped.
 *
 * Context: Process context; packets of one connection must not be passed
 * concurrently (they are serialized anyway).
 * Return: 0 when the packet was accepted, a negative errno when dropped:
 * -EINVAL when malformed or out of place, -ENOENT for a reply to an unknown
 * sequence number, -ENOMEM, or -ENODEV after gunyah_rm_core_stop().
 */
int gunyah_rm_core_rx(struct gunyah_rm *rm, const void *buf, size_t size)
{
	const struct gunyah_rm_rpc_hdr *hdr = buf;
	const void *payload = buf + sizeof(*hdr);
	u8 type, fragments;
	u32 msg_id;
	u16 seq;
	int ret;

	if (size < sizeof(*hdr) || size > GUNYAH_RM_PACKET_SIZE) {
		dev_warn_ratelimited(rm->dev, "dropping packet of %zu bytes\n",
				     size);
		return -EINVAL;
	}

	if (hdr->api != GUNYAH_RM_RPC_API) {
		dev_warn_ratelimited(rm->dev,
				     "dropping packet with API byte %#x\n",
				     hdr->api);
		return -EINVAL;
	}

	type = FIELD_GET(GUNYAH_RM_RPC_TYPE_MASK, hdr->type);
	fragments = FIELD_GET(GUNYAH_RM_RPC_FRAGMENTS_MASK, hdr->type);
	seq = le16_to_cpu(hdr->seq);
	msg_id = le32_to_cpu(hdr->msg_id);
	size -= sizeof(*hdr);

	if (fragments > GUNYAH_RM_MAX_FRAGMENTS) {
		dev_warn_ratelimited(rm->dev,
				     "dropping message %#x of %u fragments\n",
				     msg_id, fragments);
		return -EINVAL;
	}

	mutex_lock(&rm->rx_lock);

	if (rm->rx_stopped) {
		ret = -ENODEV;
		goto out;
	}

	switch (type) {
	case GUNYAH_RM_RPC_TYPE_REPLY:
	case GUNYAH_RM_RPC_TYPE_NOTIF:
		ret = gunyah_rm_rx_first(rm, type, fragments, seq, msg_id,
					 payload, size);
		break;
	case GUNYAH_RM_RPC_TYPE_CONTINUATION:
		ret = gunyah_rm_rx_continuation(rm, fragments, seq, msg_id,
						payload, size);
		break;
	default:
		dev_warn_ratelimited(rm->dev,
				     "dropping request %#x from the RM\n",
				     msg_id);
		ret = -EINVAL;
		break;
	}

out:
	mutex_unlock(&rm->rx_lock);
	return ret;
}
EXPORT_SYMBOL_IF_KUNIT(gunyah_rm_core_rx);

/*
 * Calls that undo what the RM holds for a VM. Giving up on one would leave
 * the VM's memory lent or its VMID taken, so a fatal signal does not cut
 * short the wait for room in the queue: a killed VMM's teardown, and the
 * rollback of an ioctl whose task was killed, must complete.
 */
static bool gunyah_rm_call_killable(u32 msg_id)
{
	switch (msg_id) {
	case GUNYAH_RM_RPC_VM_STOP:
	case GUNYAH_RM_RPC_VM_RESET:
	case GUNYAH_RM_RPC_MEM_RECLAIM:
	case GUNYAH_RM_RPC_VM_DEALLOC_VMID:
		return false;
	default:
		return true;
	}
}

/* Send a request, split into packets. */
static int gunyah_rm_send(struct gunyah_rm *rm, u32 msg_id, u16 seq,
			  const void *req_buf, size_t req_buf_size)
{
	struct gunyah_rm_rpc_hdr *hdr = (struct gunyah_rm_rpc_hdr *)rm->tx_buf;
	unsigned int fragments, i, flags;
	size_t offset = 0, chunk;
	int ret = 0;

	fragments = req_buf_size ?
		DIV_ROUND_UP(req_buf_size, GUNYAH_RM_PAYLOAD_SIZE) - 1 : 0;

	mutex_lock(&rm->send_lock);

	if (rm->stopped) {
		ret = -ENODEV;
		goto out;
	}

	for (i = 0; i <= fragments; i++) {
		u8 type = i ? GUNYAH_RM_RPC_TYPE_CONTINUATION :
			      GUNYAH_RM_RPC_TYPE_REQUEST;

		chunk = min_t(size_t, req_buf_size - offset,
			      GUNYAH_RM_PAYLOAD_SIZE);

		hdr->api = GUNYAH_RM_RPC_API;
		hdr->type = FIELD_PREP(GUNYAH_RM_RPC_TYPE_MASK, type) |
			    FIELD_PREP(GUNYAH_RM_RPC_FRAGMENTS_MASK, fragments);
		hdr->seq = cpu_to_le16(seq);
		hdr->msg_id = cpu_to_le32(msg_id);
		if (chunk)
			memcpy(rm->tx_buf + sizeof(*hdr), req_buf + offset,
			       chunk);

		flags = 0;
		if (i == fragments)
			flags |= GUNYAH_RM_TX_PUSH;
		/* Once a packet is out, the rest of the message must follow. */
		if (!i && gunyah_rm_call_killable(msg_id))
			flags |= GUNYAH_RM_TX_KILLABLE;

		ret = rm->transport->send(rm->transport, rm->tx_buf,
					  sizeof(*hdr) + chunk, flags);
		if (ret)
			break;

		rm->tx_packets++;
		if (i == fragments)
			rm->tx_msgs++;

		offset += chunk;
	}

out:
	mutex_unlock(&rm->send_lock);
	return ret;
}

/**
 * gunyah_rm_call() - Call the Resource Manager and wait for the reply
 * @rm: The connection.
 * @message_id: Message ID of the call.
 * @req_buf: Request payload; may be NULL when @req_buf_size is 0.
 * @req_buf_size: Size of the request payload; at most GUNYAH_RM_MAX_MSG_SIZE.
 * @resp_buf: Filled with the reply payload (after the RM error code), to be
 *            freed with kfree(), or NULL when the reply has no payload.
 *            May be NULL to discard the payload.
 * @resp_buf_size: Filled with the size of the reply payload. NULL when
 *                 @resp_buf is.
 *
 * Waits uninterruptibly for the reply: the RM always replies, and giving up
 * would leave the RM's state and ours out of step.
 *
 * Context: Process context; sleeps.
 * Return: 0 on success; the RM error mapped to an errno when the RM failed the
 * call; -E2BIG when the request is too long; -EBADMSG for a malformed reply;
 * -ENODEV when the connection is gone; a transport error; -EINTR when killed
 * before the request went out (never for VM_STOP, VM_RESET, MEM_RECLAIM and
 * VM_DEALLOC_VMID, which undo state and so always wait).
 */
int gunyah_rm_call(struct gunyah_rm *rm, u32 message_id, const void *req_buf,
		   size_t req_buf_size, void **resp_buf, size_t *resp_buf_size)
{
	struct gunyah_rm_call call = {
		.msg_id = message_id,
	};
	u32 seq;
	int ret;

	might_sleep();

	if (!rm || (req_buf_size && !req_buf) || !resp_buf != !resp_buf_size)
		return -EINVAL;
	if (req_buf_size > GUNYAH_RM_MAX_MSG_SIZE)
		return -E2BIG;

	if (resp_buf) {
		*resp_buf = NULL;
		*resp_buf_size = 0;
	}

	init_completion(&call.done);

	ret = xa_alloc_cyclic(&rm->calls, &seq, &call, XA_LIMIT(0, U16_MAX),
			      &rm->next_seq, GFP_KERNEL);
	if (ret < 0)
		return ret == -EBUSY ? -EAGAIN : ret;

	ret = gunyah_rm_send(rm, message_id, seq, req_buf, req_buf_size);
	if (ret) {
		if (ret == -ERESTARTSYS)
			ret = -EINTR;
		/*
		 * If part of the message went out, a reply may be on its way
		 * already: whoever took the call off the list completes it.
		 */
		if (xa_erase(&rm->calls, seq) == &call)
			return ret;
		wait_for_completion(&call.done);
		kfree(call.resp);
		return ret;
	}

	wait_for_completion(&call.done);

	if (call.ret)
		return call.ret;

	if (resp_buf) {
		*resp_buf = call.resp;
		*resp_buf_size = call.resp_size;
	} else {
		kfree(call.resp);
	}

	return 0;
}
EXPORT_SYMBOL_GPL(gunyah_rm_call);
/* Fails any RM call; rsc_mgr_rpc.c has one injection point per call. */
ALLOW_ERROR_INJECTION(gunyah_rm_call, ERRNO);

/**
 * gunyah_rm_core_stop() - Stop an RM connection when its transport goes away
 * @rm: The connection.
 *
 * Outstanding and new calls fail with -ENODEV, received packets are dropped
 * and pending notifications are discarded. The teardowns of VMs that waited
 * for the RM's RESET end now: no RESET can arrive any more, so their
 * memory stays pinned and their VMIDs allocated (see gunyah_vm_mgr_stop()).
 * The transport must already have
 * woken up any sender waiting in &struct gunyah_rm_transport.send and must
 * fail further sends.
 *
 * Context: Process context; sleeps.
 */
void gunyah_rm_core_stop(struct gunyah_rm *rm)
{
	struct gunyah_rm_notif *notif, *tmp;
	struct gunyah_rm_call *call;
	unsigned long seq;
	LIST_HEAD(notifs);

	mutex_lock(&rm->send_lock);
	rm->stopped = true;
	mutex_unlock(&rm->send_lock);

	mutex_lock(&rm->rx_lock);
	rm->rx_stopped = true;
	gunyah_rm_rx_abort(rm, -ENODEV);
	mutex_unlock(&rm->rx_lock);

	xa_lock(&rm->calls);
	xa_for_each(&rm->calls, seq, call) {
		__xa_erase(&rm->calls, seq);
		gunyah_rm_call_done(call, -ENODEV, NULL, 0);
	}
	xa_unlock(&rm->calls);

	cancel_work_sync(&rm->notif_work);

	spin_lock(&rm->notif_lock);
	list_splice_init(&rm->notif_list, &notifs);
	spin_unlock(&rm->notif_lock);

	list_for_each_entry_safe(notif, tmp, &notifs, list) {
		kfree(notif->payload);
		kfree(notif);
	}

	gunyah_vm_mgr_stop(rm);
}
EXPORT_SYMBOL_IF_KUNIT(gunyah_rm_core_stop);

/**
 * gunyah_rm_notifier_register() - Subscribe to RM notifications
 * @rm: The connection.
 * @nb: The notifier block; its callback gets the notification ID as action
 *      and a &struct gunyah_rm_notification as data, in process context.
 *
 * Return: 0.
 */
int gunyah_rm_notifier_register(struct gunyah_rm *rm, struct notifier_block *nb)
{
	return blocking_notifier_chain_register(&rm->nh, nb);
}
EXPORT_SYMBOL_GPL(gunyah_rm_notifier_register);

/**
 * gunyah_rm_notifier_unregister() - Unsubscribe from RM notifications
 * @rm: The connection.
 * @nb: The notifier block given to gunyah_rm_notifier_register().
 *
 * Return: 0, or -ENOENT when @nb was not registered.
 */
int gunyah_rm_notifier_unregister(struct gunyah_rm *rm,
				  struct notifier_block *nb)
{
	return blocking_notifier_chain_unregister(&rm->nh, nb);
}
EXPORT_SYMBOL_GPL(gunyah_rm_notifier_unregister);

/**
 * gunyah_rm_virq_to_irq() - Map an interrupt given by the RM to a Linux irq
 * @rm: The RM connection.
 * @virq: The interrupt as the RM gives it: a GIC INTID, 32..1019 for SPIs.
 *
 * The RM names interrupts to the host by their GIC INTID. They are mapped
 * in the domain of the RM device's interrupt parent (the GIC the host's
 * interrupts go to), as edge-rising SPIs.
 *
 * Context: Process context; sleeps.
 * Return: the Linux irq (positive), or a negative errno.
 */
int gunyah_rm_virq_to_irq(struct gunyah_rm *rm, u32 virq)
{
	struct irq_fwspec fwspec = { };
	struct device_node *parent;
	u32 cells = 3;
	int irq;

	if (virq < 32 || virq > 1019)
		return -EINVAL;
	if (!rm->dev || !rm->dev->of_node)
		return -ENODEV;

	parent = of_irq_find_parent(rm->dev->of_node);
	if (!parent)
		return -ENODEV;

	of_property_read_u32(parent, "#interrupt-cells", &cells);
	if (cells < 3 || cells > ARRAY_SIZE(fwspec.param)) {
		of_node_put(parent);
		return -EINVAL;
	}

	fwspec.fwnode = of_fwnode_handle(parent);
	fwspec.param_count = cells;
	fwspec.param[0] = 0;			/* GIC_SPI */
	fwspec.param[1] = virq - 32;
	fwspec.param[2] = IRQ_TYPE_EDGE_RISING;

	irq = irq_create_fwspec_mapping(&fwspec);
	of_node_put(parent);

	return irq > 0 ? irq : -EINVAL;
}
EXPORT_SYMBOL_GPL(gunyah_rm_virq_to_irq);

/**
 * gunyah_rm_irq_dispose() - Undo gunyah_rm_virq_to_irq()
 * @irq: The Linux irq, freed.
 */
void gunyah_rm_irq_dispose(unsigned int irq)
{
	irq_dispose_mapping(irq);
}
EXPORT_SYMBOL_GPL(gunyah_rm_irq_dispose);
