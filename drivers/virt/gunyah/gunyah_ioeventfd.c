// SPDX-License-Identifier: GPL-2.0-only
/*
 * Gunyah ioeventfd function: guest MMIO writes to a registered address (and
 * size, and value with datamatch) complete in the kernel by signalling an
 * eventfd, without returning to the VMM.
 *
 * Rules, as KVM's ioeventfds where the ABI lets us:
 * - len 0 matches a write of any size at addr; with datamatch it is EINVAL
 *   (the value of a write of unknown size cannot be compared).
 * - len is 0, 1, 2, 4 or 8; [addr, addr + max(len, 1)) must not wrap.
 * - flags: GUNYAH_IOEVENTFD_FLAGS_DATAMATCH; GUNYAH_IOEVENTFD_CROSVM_DATAMATCH
 *   (1 << 1, the value crosvm passes) means the same.
 * - Overlapping registrations are rejected with EEXIST, except several with
 *   datamatch at the same addr and len and different values (one doorbell
 *   register, one eventfd per virtqueue).
 * - Removal matches addr, len and datamatch (with its value), not the fd.
 */

#include <linux/eventfd.h>
#include <linux/file.h>
#include <linux/minmax.h>
#include <linux/overflow.h>
#include <linux/slab.h>
#include <linux/spinlock.h>

#include <kunit/visibility.h>

#include "vm_mgr.h"

/**
 * struct gunyah_ioeventfd - An ioeventfd
 * @desc: What it matches.
 * @ctx: The eventfd; a reference is held until unbind.
 * @list: Entry in &struct gunyah_vm.ioeventfds.
 */
struct gunyah_ioeventfd {
	struct gunyah_ioeventfd_desc desc;
	struct eventfd_ctx *ctx;
	struct list_head list;
};

/**
 * gunyah_ioeventfd_parse() - Check an ioeventfd argument
 * @arg: The argument given by userspace.
 * @desc: Filled with what it matches.
 *
 * The file descriptor is not checked.
 *
 * Return: 0, or -EINVAL.
 */
VISIBLE_IF_KUNIT int
gunyah_ioeventfd_parse(const struct gunyah_fn_ioeventfd_arg *arg,
		       struct gunyah_ioeventfd_desc *desc)
{
	const u32 datamatch = GUNYAH_IOEVENTFD_FLAGS_DATAMATCH |
			      GUNYAH_IOEVENTFD_CROSVM_DATAMATCH;
	u64 end;

	/* @padding is not checked: see gunyah_irqfd_bind(). */
	if (arg->flags & ~datamatch)
		return -EINVAL;

	switch (arg->len) {
	case 0:
		if (arg->flags & datamatch)
			return -EINVAL;
		break;
	case 1:
	case 2:
	case 4:
	case 8:
		break;
	default:
		return -EINVAL;
	}

	if (check_add_overflow(arg->addr, (u64)max(arg->len, 1U), &end))
		return -EINVAL;

	desc->addr = arg->addr;
	desc->len = arg->len;
	desc->datamatch = arg->flags & datamatch;
	desc->data = desc->datamatch ? arg->datamatch : 0;

	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(gunyah_ioeventfd_parse);

/**
 * gunyah_ioeventfd_conflict() - Whether two ioeventfds cannot coexist
 * @a: One, checked with gunyah_ioeventfd_parse().
 * @b: The other, likewise.
 *
 * Return: true when their ranges [addr, addr + max(len, 1)) intersect,
 * unless both use datamatch with the same addr and len and different values.
 */
VISIBLE_IF_KUNIT bool
gunyah_ioeventfd_conflict(const struct gunyah_ioeventfd_desc *a,
			  const struct gunyah_ioeventfd_desc *b)
{
	/* No overflow: gunyah_ioeventfd_parse() checked the ranges. */
	u64 a_end = a->addr + max(a->len, 1U);
	u64 b_end = b->addr + max(b->len, 1U);

	if (a->addr >= b_end || b->addr >= a_end)
		return false;

	return !(a->datamatch && b->datamatch && a->addr == b->addr &&
		 a->len == b->len && a->data != b->data);
}
EXPORT_SYMBOL_IF_KUNIT(gunyah_ioeventfd_conflict);

/**
 * gunyah_ioeventfd_match() - Whether a guest write matches an ioeventfd
 * @desc: The ioeventfd, checked with gunyah_ioeventfd_parse().
 * @addr: Guest physical address of the write.
 * @len: Size of the write in bytes: 1, 2, 4 or 8.
 * @data: The value written; bits above @len bytes are ignored.
 *
 * Return: true when the write signals the ioeventfd.
 */
VISIBLE_IF_KUNIT bool
gunyah_ioeventfd_match(const struct gunyah_ioeventfd_desc *desc, u64 addr,
		       u32 len, u64 data)
{
	if (addr != desc->addr)
		return false;
	if (!desc->len)
		return true;
	if (len != desc->len)
		return false;
	if (!desc->datamatch)
		return true;
	if (len < sizeof(data))
		data &= BIT_ULL(len * BITS_PER_BYTE) - 1;
	return data == desc->data;
}
EXPORT_SYMBOL_IF_KUNIT(gunyah_ioeventfd_match);

/**
 * gunyah_vm_mmio_write() - Complete a guest MMIO write with an ioeventfd
 * @ghvm: The VM.
 * @addr: Guest physical address of the write.
 * @len: Size of the write in bytes: 1, 2, 4 or 8.
 * @data: The value written.
 *
 * Context: Any context; does not sleep.
 * Return: true when an ioeventfd matched and was signalled: the write is
 * handled. false when userspace has to handle it.
 */
bool gunyah_vm_mmio_write(struct gunyah_vm *ghvm, u64 addr, u32 len, u64 data)
{
	struct gunyah_ioeventfd *iofd;
	unsigned long flags;
	bool handled = false;

	spin_lock_irqsave(&ghvm->ioeventfd_lock, flags);
	list_for_each_entry(iofd, &ghvm->ioeventfds, list) {
		if (gunyah_ioeventfd_match(&iofd->desc, addr, len, data)) {
			eventfd_signal(iofd->ctx);
			handled = true;
			/* Registrations do not overlap: at most one match. */
			break;
		}
	}
	spin_unlock_irqrestore(&ghvm->ioeventfd_lock, flags);

	return handled;
}

static long gunyah_ioeventfd_bind(struct gunyah_vm_function_instance *f)
{
	const struct gunyah_fn_ioeventfd_arg *arg = f->argp;
	struct gunyah_vm *ghvm = f->ghvm;
	struct gunyah_ioeventfd *iofd, *other;
	struct eventfd_ctx *ctx;
	unsigned long flags;
	long ret;

	if (f->arg_size != sizeof(*arg))
		return -EINVAL;

	iofd = kzalloc(sizeof(*iofd), GFP_KERNEL);
	if (!iofd)
		return -ENOMEM;

	ret = gunyah_ioeventfd_parse(arg, &iofd->desc);
	if (ret)
		goto err_free;

	/* -EBADF for a bad fd, -EINVAL for a file that is not an eventfd */
	ctx = eventfd_ctx_fdget(arg->fd);
	if (IS_ERR(ctx)) {
		ret = PTR_ERR(ctx);
		goto err_free;
	}
	iofd->ctx = ctx;

	/* The VM's lock serializes bind and unbind: the list is stable. */
	list_for_each_entry(other, &ghvm->ioeventfds, list) {
		if (gunyah_ioeventfd_conflict(&iofd->desc, &other->desc)) {
			ret = -EEXIST;
			goto err_ctx;
		}
	}

	spin_lock_irqsave(&ghvm->ioeventfd_lock, flags);
	list_add_tail(&iofd->list, &ghvm->ioeventfds);
	spin_unlock_irqrestore(&ghvm->ioeventfd_lock, flags);
	f->data = iofd;

	return 0;

err_ctx:
	eventfd_ctx_put(ctx);
err_free:
	kfree(iofd);
	return ret;
}

static void gunyah_ioeventfd_unbind(struct gunyah_vm_function_instance *f)
{
	struct gunyah_ioeventfd *iofd = f->data;
	struct gunyah_vm *ghvm = f->ghvm;
	unsigned long flags;

	/* After this no vCPU signals the eventfd. */
	spin_lock_irqsave(&ghvm->ioeventfd_lock, flags);
	list_del(&iofd->list);
	spin_unlock_irqrestore(&ghvm->ioeventfd_lock, flags);

	eventfd_ctx_put(iofd->ctx);
	kfree(iofd);
}

static bool gunyah_ioeventfd_compare(const struct gunyah_vm_function_instance *f,
				     const void *arg, size_t size)
{
	const struct gunyah_ioeventfd *iofd = f->data;
	struct gunyah_ioeventfd_desc desc;

	if (size != sizeof(struct gunyah_fn_ioeventfd_arg) ||
	    gunyah_ioeventfd_parse(arg, &desc))
		return false;

	return desc.addr == iofd->desc.addr && desc.len == iofd->desc.len &&
	       desc.datamatch == iofd->desc.datamatch &&
	       desc.data == iofd->desc.data;
}

const struct gunyah_vm_function gunyah_ioeventfd_function = {
	.type = GUNYAH_FN_IOEVENTFD,
	.name = "ioeventfd",
	.after_start = true,
	.bind = gunyah_ioeventfd_bind,
	.unbind = gunyah_ioeventfd_unbind,
	.compare = gunyah_ioeventfd_compare,
};
