// SPDX-License-Identifier: GPL-2.0-only
/*
 * Gunyah irqfd function: an eventfd bound to a doorbell of the VM. Signalling
 * the eventfd rings the doorbell (doorbell_send), which raises the interrupt
 * the VM's devicetree gives the doorbell in the guest.
 *
 * The doorbell is the BELL_TX hyp resource whose label is the irqfd's label;
 * the RM creates it from a "doorbell" vdevice of the VM's devicetree and
 * reports it in VM_GET_HYP_RESOURCES, when the VM starts.
 */

#include <kunit/visibility.h>
#include <linux/eventfd.h>
#include <linux/file.h>
#include <linux/gunyah.h>
#include <linux/poll.h>
#include <linux/printk.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/wait.h>

#include "rsc_mgr.h"
#include "vm_mgr.h"

/* The doorbell flag an irqfd raises */
#define GUNYAH_IRQFD_BELL_FLAG	BIT_ULL(0)
/*
 * The masks an edge irqfd relies on: every flag enabled and acknowledged,
 * one assertion per signal. Restored when a level irqfd goes, since the next
 * irqfd with the label may be an edge one.
 */
#define GUNYAH_IRQFD_BELL_DEFAULT_MASK	(~0ULL)

/**
 * struct gunyah_irqfd - An irqfd
 * @f: The function instance.
 * @ticket: Claim on the BELL_TX resource with the irqfd's label.
 * @ctx: The eventfd; a reference is held until unbind.
 * @wait: Entry in the eventfd's wait queue.
 * @pt: Used once, to add @wait to the eventfd's wait queue.
 * @lock: Protects @ghrsc and @pending; taken in the eventfd's wakeup, with
 *        interrupts disabled.
 * @ghrsc: The doorbell once the VM's resources are known, else NULL.
 * @pending: The eventfd was signalled while @ghrsc was NULL.
 * @level: GUNYAH_IRQFD_FLAGS_LEVEL was given.
 */
struct gunyah_irqfd {
	struct gunyah_vm_function_instance *f;
	struct gunyah_vm_resource_ticket ticket;
	struct eventfd_ctx *ctx;
	wait_queue_entry_t wait;
	poll_table pt;
	spinlock_t lock; /* see above */
	struct gunyah_resource *ghrsc;
	bool pending;
	bool level;
};

/**
 * gunyah_irqfd_bell_masks() - The doorbell masks an irqfd sets
 * @level: The irqfd is a level one (GUNYAH_IRQFD_FLAGS_LEVEL).
 * @enable: Set to the enable mask.
 * @ack: Set to the acknowledge mask.
 *
 * Gunyah doorbells (hyp/ipc/doorbell in the hypervisor): the interrupt is
 * asserted while (flags & enable), each assertion clears (flags & ack), and
 * the virtual GIC asks the doorbell again whether the line is pending after
 * the guest's EOI. A level irqfd enables and acknowledges its flag: one
 * signal is one assertion, which ends when the guest takes the interrupt;
 * the line asserts again only on the next signal. (With ack 0 the line would
 * stay asserted from the first signal until the VM is reset.) An edge irqfd
 * keeps the masks the doorbell has.
 *
 * Return: true when @enable and @ack must be set on the doorbell.
 */
VISIBLE_IF_KUNIT bool gunyah_irqfd_bell_masks(bool level, u64 *enable,
					      u64 *ack)
{
	if (!level)
		return false;

	*enable = GUNYAH_IRQFD_BELL_FLAG;
	*ack = GUNYAH_IRQFD_BELL_FLAG;
	return true;
}
EXPORT_SYMBOL_IF_KUNIT(gunyah_irqfd_bell_masks);

/* Ring the doorbell, or remember the signal until it exists. */
static void gunyah_irqfd_ring(struct gunyah_irqfd *irqfd)
{
	enum gunyah_error gh_error;
	unsigned long flags;

	spin_lock_irqsave(&irqfd->lock, flags);
	if (!irqfd->ghrsc) {
		irqfd->pending = true;
		goto out;
	}
	/* A fast hypercall: fine in atomic context. */
	gh_error = gunyah_hypercall_doorbell_send(irqfd->ghrsc->capid,
						  GUNYAH_IRQFD_BELL_FLAG, NULL);
	if (gh_error != GUNYAH_ERROR_OK)
		pr_err_ratelimited("gunyah: VM %u irqfd label %u: doorbell_send failed: %d\n",
				   irqfd->f->ghvm->vmid, irqfd->ticket.label,
				   gh_error);
out:
	spin_unlock_irqrestore(&irqfd->lock, flags);
}

/*
 * The eventfd's wakeup, called with the eventfd's wait queue lock held and
 * interrupts disabled: by eventfd_signal(), a write(), or the eventfd's
 * release.
 */
static int gunyah_irqfd_wakeup(wait_queue_entry_t *wait, unsigned int mode,
			       int sync, void *key)
{
	struct gunyah_irqfd *irqfd = container_of(wait, struct gunyah_irqfd,
						  wait);
	__poll_t events = key_to_poll(key);
	u64 cnt;

	if (events & EPOLLIN) {
		/* Consume the count: an eventfd at its maximum blocks writers. */
		eventfd_ctx_do_read(irqfd->ctx, &cnt);
		gunyah_irqfd_ring(irqfd);
	}

	if (events & EPOLLHUP) {
		/*
		 * The eventfd's file was closed, so nothing can signal it any
		 * more: stop listening (our reference keeps the context alive
		 * until unbind). The function itself stays until removed by
		 * label or with the VM, so that a VMM which closes the eventfd
		 * before removing the irqfd still sees the removal succeed.
		 * __remove_wait_queue() in unbind is harmless on the
		 * self-linked entry.
		 */
		list_del_init(&wait->entry);
	}

	return 0;
}

static void gunyah_irqfd_queue_proc(struct file *file, wait_queue_head_t *wqh,
				    poll_table *pt)
{
	struct gunyah_irqfd *irqfd = container_of(pt, struct gunyah_irqfd, pt);

	add_wait_queue(wqh, &irqfd->wait);
}

static bool gunyah_irqfd_populate(struct gunyah_vm_resource_ticket *ticket,
				  struct gunyah_resource *ghrsc)
{
	struct gunyah_irqfd *irqfd = container_of(ticket, struct gunyah_irqfd,
						  ticket);
	struct device *dev = irqfd->f->ghvm->rm->dev;
	enum gunyah_error gh_error;
	unsigned long flags;
	u64 enable, ack;
	bool pending;

	if (irqfd->ghrsc)
		return false;

	if (gunyah_irqfd_bell_masks(irqfd->level, &enable, &ack)) {
		gh_error = gunyah_hypercall_doorbell_mask(ghrsc->capid, enable,
							  ack);
		if (gh_error != GUNYAH_ERROR_OK) {
			/* Then the start fails: no silent edge behaviour. */
			dev_err(dev, "VM %u irqfd label %u: doorbell_mask failed: %d\n",
				irqfd->f->ghvm->vmid, ticket->label, gh_error);
			return false;
		}
	}

	spin_lock_irqsave(&irqfd->lock, flags);
	irqfd->ghrsc = ghrsc;
	pending = irqfd->pending;
	irqfd->pending = false;
	spin_unlock_irqrestore(&irqfd->lock, flags);

	/* Deliver what was signalled before the doorbell existed. */
	if (pending)
		gunyah_irqfd_ring(irqfd);

	return true;
}

static void gunyah_irqfd_unpopulate(struct gunyah_vm_resource_ticket *ticket,
				    struct gunyah_resource *ghrsc)
{
	struct gunyah_irqfd *irqfd = container_of(ticket, struct gunyah_irqfd,
						  ticket);
	enum gunyah_error gh_error;
	unsigned long flags;

	/* After this no wakeup uses the resource, which may be freed. */
	spin_lock_irqsave(&irqfd->lock, flags);
	irqfd->ghrsc = NULL;
	spin_unlock_irqrestore(&irqfd->lock, flags);

	/* The next irqfd with this label may be an edge one. */
	if (irqfd->level) {
		gh_error = gunyah_hypercall_doorbell_mask(ghrsc->capid,
							  GUNYAH_IRQFD_BELL_DEFAULT_MASK,
							  GUNYAH_IRQFD_BELL_DEFAULT_MASK);
		if (gh_error != GUNYAH_ERROR_OK)
			dev_warn(irqfd->f->ghvm->rm->dev,
				 "VM %u irqfd label %u: doorbell_mask failed: %d\n",
				 irqfd->f->ghvm->vmid, ticket->label, gh_error);
	}
}

static long gunyah_irqfd_bind(struct gunyah_vm_function_instance *f)
{
	const struct gunyah_fn_irqfd_arg *arg = f->argp;
	struct gunyah_vm *ghvm = f->ghvm;
	struct gunyah_irqfd *irqfd;
	struct file *file;
	__poll_t events;
	struct fd fd;
	long ret;

	if (f->arg_size != sizeof(*arg))
		return -EINVAL;
	/*
	 * @padding is not checked, as in v14 and the Android Common Kernel:
	 * QEMU's Gunyah accelerator leaves it uninitialised.
	 */
	if (arg->flags & ~GUNYAH_IRQFD_FLAGS_LEVEL)
		return -EINVAL;

	irqfd = kzalloc(sizeof(*irqfd), GFP_KERNEL);
	if (!irqfd)
		return -ENOMEM;

	irqfd->f = f;
	irqfd->level = arg->flags & GUNYAH_IRQFD_FLAGS_LEVEL;
	spin_lock_init(&irqfd->lock);
	init_waitqueue_func_entry(&irqfd->wait, gunyah_irqfd_wakeup);
	init_poll_funcptr(&irqfd->pt, gunyah_irqfd_queue_proc);
	f->data = irqfd;

	fd = fdget(arg->fd);
	file = fd_file(fd);
	if (!file) {
		ret = -EBADF;
		goto err_free;
	}

	/* -EINVAL when the file is not an eventfd */
	irqfd->ctx = eventfd_ctx_fileget(file);
	if (IS_ERR(irqfd->ctx)) {
		ret = PTR_ERR(irqfd->ctx);
		goto err_fdput;
	}

	irqfd->ticket.resource_type = GUNYAH_RESOURCE_TYPE_BELL_TX;
	irqfd->ticket.label = arg->label;
	irqfd->ticket.populate = gunyah_irqfd_populate;
	irqfd->ticket.unpopulate = gunyah_irqfd_unpopulate;
	/* -EEXIST when the VM has an irqfd with this label already */
	ret = gunyah_vm_add_resource_ticket(ghvm, &irqfd->ticket);
	if (ret)
		goto err_ctx;

	/*
	 * The VM's resources are known once it was started: a label without
	 * a doorbell is an error now, as it is at start.
	 */
	if (gunyah_vm_status(ghvm, NULL) != GUNYAH_RM_VM_STATUS_NO_STATE &&
	    !irqfd->ghrsc) {
		dev_err(ghvm->rm->dev,
			"VM %u: irqfd label %u: no doorbell in the VM's DT\n",
			ghvm->vmid, arg->label);
		ret = -ENODEV;
		goto err_ticket;
	}

	/* Listen, and deliver a signal the eventfd already holds. */
	events = vfs_poll(file, &irqfd->pt);
	if (events & EPOLLIN)
		gunyah_irqfd_ring(irqfd);

	fdput(fd);
	return 0;

err_ticket:
	gunyah_vm_remove_resource_ticket(ghvm, &irqfd->ticket);
err_ctx:
	eventfd_ctx_put(irqfd->ctx);
err_fdput:
	fdput(fd);
err_free:
	f->data = NULL;
	kfree(irqfd);
	return ret;
}

static void gunyah_irqfd_unbind(struct gunyah_vm_function_instance *f)
{
	struct gunyah_irqfd *irqfd = f->data;
	u64 cnt;

	/*
	 * Under the eventfd's wait queue lock: once removed, no wakeup runs
	 * or will run on this irqfd.
	 */
	eventfd_ctx_remove_wait_queue(irqfd->ctx, &irqfd->wait, &cnt);
	gunyah_vm_remove_resource_ticket(f->ghvm, &irqfd->ticket);
	eventfd_ctx_put(irqfd->ctx);
	kfree(irqfd);
}

/* crosvm removes irqfds by label only: compare nothing else. */
static bool gunyah_irqfd_compare(const struct gunyah_vm_function_instance *f,
				 const void *arg, size_t size)
{
	const struct gunyah_fn_irqfd_arg *instance = f->argp, *other = arg;

	if (size != sizeof(*other))
		return false;

	return instance->label == other->label;
}

const struct gunyah_vm_function gunyah_irqfd_function = {
	.type = GUNYAH_FN_IRQFD,
	.name = "irqfd",
	.after_start = true,
	.bind = gunyah_irqfd_bind,
	.unbind = gunyah_irqfd_unbind,
	.compare = gunyah_irqfd_compare,
};
