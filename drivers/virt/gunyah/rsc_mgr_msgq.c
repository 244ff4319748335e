// SPDX-License-Identifier: GPL-2.0-only
/*
 * Gunyah Resource Manager: message-queue transport and platform driver.
 *
 * The RM's devicetree node names two message queues by capability ID in
 * `reg` (TX then RX) and their interrupts in `interrupts` (TX then RX). The
 * RX interrupt says that messages are waiting; the TX interrupt says that the
 * TX queue, which was full, has room again.
 */

#include <linux/atomic.h>
#include <linux/device.h>
#include <linux/gunyah.h>
#include <linux/interrupt.h>
#include <linux/mod_devicetable.h>
#include <linux/module.h>
#include <linux/of.h>
#include <linux/platform_device.h>
#include <linux/wait.h>

#include "rsc_mgr.h"

/**
 * struct gunyah_rm_msgq - Message-queue transport of an RM connection
 * @transport: The transport, given to the RPC core.
 * @dev: The RM platform device.
 * @rm: The RPC core.
 * @tx_capid: Capability ID of the queue to the RM.
 * @rx_capid: Capability ID of the queue from the RM.
 * @tx_irq: Interrupt: the TX queue has room again.
 * @rx_irq: Interrupt: the RX queue has messages.
 * @tx_wq: Senders waiting for room in the TX queue.
 * @tx_events: Count of TX interrupts, to wait without missing one.
 * @dead: The device is going away: senders give up.
 * @rx_buf: Buffer for received packets, used by the RX thread only.
 */
struct gunyah_rm_msgq {
	struct gunyah_rm_transport transport;
	struct device *dev;
	struct gunyah_rm *rm;
	u64 tx_capid;
	u64 rx_capid;
	int tx_irq;
	int rx_irq;
	wait_queue_head_t tx_wq;
	atomic_t tx_events;
	bool dead;
	u8 rx_buf[GUNYAH_MSGQ_MAX_MSG_SIZE];
};

static_assert(GUNYAH_RM_PACKET_SIZE <= GUNYAH_MSGQ_MAX_MSG_SIZE);

/* A TX interrupt came since @events was read, or the device is going away */
static bool gunyah_rm_msgq_tx_woken(struct gunyah_rm_msgq *msgq, int events)
{
	return atomic_read(&msgq->tx_events) != events || READ_ONCE(msgq->dead);
}

static int gunyah_rm_msgq_send(struct gunyah_rm_transport *transport,
			       const void *buf, size_t size, unsigned int flags)
{
	struct gunyah_rm_msgq *msgq =
		container_of(transport, struct gunyah_rm_msgq, transport);
	u64 tx_flags = 0;
	enum gunyah_error gunyah_error;
	bool ready;
	int events, ret;

	if (flags & GUNYAH_RM_TX_PUSH)
		tx_flags |= GUNYAH_HYPERCALL_MSGQ_TX_FLAGS_PUSH;

	for (;;) {
		if (READ_ONCE(msgq->dead))
			return -ENODEV;

		/* An interrupt after this read ends the wait below at once. */
		events = atomic_read(&msgq->tx_events);

		gunyah_error = gunyah_hypercall_msgq_send(msgq->tx_capid, size,
							  buf, tx_flags, &ready);
		if (gunyah_error != GUNYAH_ERROR_MSGQUEUE_FULL)
			break;

		if (flags & GUNYAH_RM_TX_KILLABLE) {
			ret = wait_event_killable(msgq->tx_wq,
						  gunyah_rm_msgq_tx_woken(msgq, events));
			if (ret)
				return ret;
		} else {
			wait_event(msgq->tx_wq,
				   gunyah_rm_msgq_tx_woken(msgq, events));
		}
	}

	if (gunyah_error != GUNYAH_ERROR_OK) {
		dev_err_ratelimited(msgq->dev, "msgq_send failed: %d\n",
				    gunyah_error);
		return gunyah_error_remap(gunyah_error);
	}

	return 0;
}

static irqreturn_t gunyah_rm_msgq_tx_irq(int irq, void *data)
{
	struct gunyah_rm_msgq *msgq = data;

	atomic_inc(&msgq->tx_events);
	wake_up_all(&msgq->tx_wq);

	return IRQ_HANDLED;
}

static irqreturn_t gunyah_rm_msgq_rx_thread(int irq, void *data)
{
	struct gunyah_rm_msgq *msgq = data;
	enum gunyah_error gunyah_error;
	bool ready;
	size_t len;

	do {
		gunyah_error = gunyah_hypercall_msgq_recv(msgq->rx_capid,
							  msgq->rx_buf,
							  sizeof(msgq->rx_buf),
							  &len, &ready);
		if (gunyah_error != GUNYAH_ERROR_OK) {
			if (gunyah_error != GUNYAH_ERROR_MSGQUEUE_EMPTY)
				dev_err_ratelimited(msgq->dev,
						    "msgq_recv failed: %d\n",
						    gunyah_error);
			break;
		}

		gunyah_rm_core_rx(msgq->rm, msgq->rx_buf, len);
	} while (ready);

	return IRQ_HANDLED;
}

/* Capability IDs of the TX and RX queues, from `reg`. */
static int gunyah_rm_msgq_parse_capids(struct gunyah_rm_msgq *msgq)
{
	struct device_node *np = msgq->dev->of_node;
	int addr_cells = of_n_addr_cells(np);
	int cells = addr_cells + of_n_size_cells(np);
	const __be32 *reg;
	int len;

	reg = of_get_property(np, "reg", &len);
	if (!reg || len < 2 * cells * (int)sizeof(*reg)) {
		dev_err(msgq->dev, "missing TX and RX capability IDs in reg\n");
		return -EINVAL;
	}

	msgq->tx_capid = of_read_number(reg, addr_cells);
	msgq->rx_capid = of_read_number(reg + cells, addr_cells);

	return 0;
}

static void gunyah_rm_msgq_stop(void *data)
{
	struct gunyah_rm_msgq *msgq = data;

	WRITE_ONCE(msgq->dead, true);
	wake_up_all(&msgq->tx_wq);

	gunyah_rm_core_stop(msgq->rm);
	gunyah_rm_put(msgq->rm);
}

static void gunyah_rm_msgq_unregister_vm_mgr(void *data)
{
	gunyah_vm_mgr_unregister(data);
}

static void gunyah_rm_msgq_unregister_debugfs(void *data)
{
	gunyah_rm_debugfs_unregister(data);
}

static int gunyah_rm_probe(struct platform_device *pdev)
{
	struct gunyah_hypercall_hyp_identify_resp identity;
	struct device *dev = &pdev->dev;
	struct gunyah_rm_msgq *msgq;
	u16 vmid;
	int ret;

	if (!arch_is_gunyah_guest())
		return dev_err_probe(dev, -ENODEV,
				     "not running under the Gunyah hypervisor\n");

	gunyah_hypercall_hyp_identify(&identity);
	pr_info("Gunyah hypervisor detected, API version %u\n",
		gunyah_api_version(&identity));
	dev_dbg(dev, "api_info %#llx flags %#llx %#llx %#llx\n",
		identity.api_info, identity.flags[0], identity.flags[1],
		identity.flags[2]);

	msgq = devm_kzalloc(dev, sizeof(*msgq), GFP_KERNEL);
	if (!msgq)
		return -ENOMEM;

	msgq->dev = dev;
	msgq->transport.send = gunyah_rm_msgq_send;
	init_waitqueue_head(&msgq->tx_wq);

	ret = gunyah_rm_msgq_parse_capids(msgq);
	if (ret)
		return ret;

	msgq->tx_irq = platform_get_irq(pdev, 0);
	if (msgq->tx_irq < 0)
		return msgq->tx_irq;

	msgq->rx_irq = platform_get_irq(pdev, 1);
	if (msgq->rx_irq < 0)
		return msgq->rx_irq;

	msgq->rm = gunyah_rm_core_create(dev, &msgq->transport);
	if (IS_ERR(msgq->rm))
		return PTR_ERR(msgq->rm);

	/* Released after the interrupts: no packet arrives after the stop. */
	ret = devm_add_action_or_reset(dev, gunyah_rm_msgq_stop, msgq);
	if (ret)
		return ret;

	ret = devm_request_irq(dev, msgq->tx_irq, gunyah_rm_msgq_tx_irq, 0,
			       "gunyah_rm_tx", msgq);
	if (ret)
		return dev_err_probe(dev, ret, "failed to request TX IRQ\n");

	ret = devm_request_threaded_irq(dev, msgq->rx_irq, NULL,
					gunyah_rm_msgq_rx_thread, IRQF_ONESHOT,
					"gunyah_rm_rx", msgq);
	if (ret)
		return dev_err_probe(dev, ret, "failed to request RX IRQ\n");

	ret = gunyah_rm_get_vmid(msgq->rm, &vmid);
	if (ret)
		return dev_err_probe(dev, ret,
				     "failed to get VMID from the resource manager\n");

	ret = gunyah_vm_mgr_register(msgq->rm);
	if (ret)
		return dev_err_probe(dev, ret, "failed to register /dev/gunyah\n");

	ret = devm_add_action_or_reset(dev, gunyah_rm_msgq_unregister_vm_mgr,
				       msgq->rm);
	if (ret)
		return ret;

	gunyah_rm_debugfs_register(msgq->rm);
	ret = devm_add_action_or_reset(dev, gunyah_rm_msgq_unregister_debugfs,
				       msgq->rm);
	if (ret)
		return ret;

	dev_info(dev, "Gunyah resource manager probed, host VMID %u\n", vmid);

	return 0;
}

static const struct of_device_id gunyah_rm_of_match[] = {
	{ .compatible = "gunyah-resource-manager" },
	{}
};
MODULE_DEVICE_TABLE(of, gunyah_rm_of_match);

static struct platform_driver gunyah_rm_driver = {
	.probe = gunyah_rm_probe,
	.driver = {
		.name = "gunyah_rsc_mgr",
		.of_match_table = gunyah_rm_of_match,
	},
};
module_platform_driver(gunyah_rm_driver);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Gunyah Resource Manager driver");
