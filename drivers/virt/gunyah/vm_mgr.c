// SPDX-License-Identifier: GPL-2.0-only
/*
 * Gunyah VM manager: /dev/gunyah and the VM file descriptors.
 */

#include <kunit/visibility.h>
#include <linux/anon_inodes.h>
#include <linux/delay.h>
#include <linux/device.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/jiffies.h>
#include <linux/miscdevice.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/overflow.h>
#include <linux/slab.h>
#include <linux/stddef.h>
#include <linux/sysfs.h>
#include <linux/uaccess.h>

#include <uapi/linux/gunyah.h>

#include "rsc_mgr.h"
#include "vm_mgr.h"

/*
 * The userspace ABI is shared with existing VMMs: pin its layout and ioctl
 * numbers down.
 */
static_assert(sizeof(struct gunyah_userspace_memory_region) == 32);
static_assert(sizeof(struct gunyah_vm_dtb_config) == 16);
static_assert(sizeof(struct gunyah_fn_desc) == 16);
static_assert(sizeof(struct gunyah_fn_vcpu_arg) == 4);
static_assert(sizeof(struct gunyah_fn_irqfd_arg) == 16);
static_assert(sizeof(struct gunyah_fn_ioeventfd_arg) == 32);
static_assert(offsetof(struct gunyah_fn_ioeventfd_arg, fd) == 20);
static_assert(sizeof(struct gunyah_create_mem_args) == 64);
static_assert(sizeof(struct gunyah_map_mem_args) == 32);
static_assert(offsetof(struct gunyah_map_mem_args, guest_mem_fd) == 12);
static_assert(sizeof(struct gunyah_vm_boot_context) == 16);
static_assert(sizeof(struct gunyah_vm_firmware_config) == 16);
static_assert(sizeof(struct gunyah_address_range) == 16);
static_assert(sizeof(struct gunyah_vm_exit_info) == 16);

static_assert(offsetof(struct gunyah_vcpu_run, immediate_exit) == 0);
static_assert(offsetof(struct gunyah_vcpu_run, exit_reason) == 8);
static_assert(offsetof(struct gunyah_vcpu_run, mmio) == 16);
static_assert(offsetof(struct gunyah_vcpu_run, mmio.phys_addr) == 16);
static_assert(offsetof(struct gunyah_vcpu_run, mmio.data) == 24);
static_assert(offsetof(struct gunyah_vcpu_run, mmio.len) == 32);
static_assert(offsetof(struct gunyah_vcpu_run, mmio.is_write) == 36);
static_assert(offsetof(struct gunyah_vcpu_run, mmio.resume_action) == 37);
static_assert(offsetof(struct gunyah_vcpu_run, status.status) == 16);
static_assert(offsetof(struct gunyah_vcpu_run, status.exit_info) == 20);
static_assert(offsetof(struct gunyah_vcpu_run, page_fault.phys_addr) == 16);
static_assert(offsetof(struct gunyah_vcpu_run, page_fault.attempt) == 24);
static_assert(offsetof(struct gunyah_vcpu_run, page_fault.resume_action) == 28);
static_assert(sizeof(struct gunyah_vcpu_run) == 40);

static_assert(GH_CREATE_VM == 0x4700);
static_assert(GH_VM_SET_USER_MEM_REGION == 0x40204701);
static_assert(GH_VM_SET_DTB_CONFIG == 0x40104702);
static_assert(GH_VM_START == 0x4703);
static_assert(GH_VM_ADD_FUNCTION == 0x40104704);
static_assert(GH_VCPU_RUN == 0x4705);
static_assert(GH_VCPU_MMAP_SIZE == 0x4706);
static_assert(GH_VM_REMOVE_FUNCTION == 0x40104707);
static_assert(GUNYAH_CREATE_GUEST_MEM == 0x40404708);
static_assert(GUNYAH_VM_MAP_MEM == 0x40204709);
static_assert(GH_VM_SET_BOOT_CONTEXT == 0x4010470a);
static_assert(GH_VM_ANDROID_LEND_USER_MEM == 0x40204111);
static_assert(GH_VM_ANDROID_SET_FW_CONFIG == 0x40104112);
static_assert(GH_VM_RECLAIM_REGION == 0x40104113);

atomic64_t gunyah_pinned_pages = ATOMIC64_INIT(0);
atomic64_t gunyah_leaked_pages = ATOMIC64_INIT(0);
atomic_t gunyah_live_vms = ATOMIC_INIT(0);
EXPORT_SYMBOL_IF_KUNIT(gunyah_live_vms);
struct gunyah_vm_stats gunyah_vm_stats;
EXPORT_SYMBOL_IF_KUNIT(gunyah_vm_stats);

/* How long teardown waits for the RM to report a stop */
#define GUNYAH_VM_STATUS_TIMEOUT	(10 * HZ)

/*
 * Built in, the parameters are gunyah.<name> (/sys/module/gunyah/parameters/),
 * as the VMs are /dev/gunyah's; as a module, those of gunyah_rsc_mgr.
 */
#ifndef MODULE
#undef MODULE_PARAM_PREFIX
#define MODULE_PARAM_PREFIX "gunyah."
#endif

/*
 * How long the teardown waits for the RM's RESET status after VM_RESET. The
 * real RM resets asynchronously, and took more than 10 s for a VM with
 * 128 MiB of lent memory under QEMU TCG. When RESET comes later, the rest of
 * the teardown (reclaiming the memory, freeing the VMID) runs when it
 * arrives.
 */
VISIBLE_IF_KUNIT unsigned int gunyah_vm_reset_timeout_ms = 10000;
EXPORT_SYMBOL_IF_KUNIT(gunyah_vm_reset_timeout_ms);
module_param_named(reset_timeout_ms, gunyah_vm_reset_timeout_ms, uint, 0644);
MODULE_PARM_DESC(reset_timeout_ms,
		 "How long closing a VM waits for the RM to reset it before the reclaim of its memory and VMID is left to the RESET's arrival (ms, default 10000)");

/*
 * How long the vCPUs of an exiting VM wait for the RM's VM_EXITED after
 * VM_STATUS(EXITED), or after vcpu_run said the VM exited, before they
 * report the exit without its type and reason. The real RM sends the two
 * notifications back to back.
 */
VISIBLE_IF_KUNIT unsigned int gunyah_vm_exit_timeout_ms = 2000;
EXPORT_SYMBOL_IF_KUNIT(gunyah_vm_exit_timeout_ms);
module_param_named(exit_timeout_ms, gunyah_vm_exit_timeout_ms, uint, 0644);
MODULE_PARM_DESC(exit_timeout_ms,
		 "How long vCPUs wait for the RM's VM_EXITED once the VM is exiting (ms, default 2000)");

/*
 * Teardown calls to the RM are tried this many times, this long apart: a
 * transient failure must not leak a VM's memory for good.
 */
#define GUNYAH_VM_TEARDOWN_ATTEMPTS	3
#define GUNYAH_VM_TEARDOWN_RETRY_MS	20

/* The function types: GH_VM_ADD_FUNCTION looks the type up here. */
static const struct gunyah_vm_function *const gunyah_vm_functions[] = {
	[GUNYAH_FN_VCPU] = &gunyah_vcpu_function,
	[GUNYAH_FN_IRQFD] = &gunyah_irqfd_function,
	[GUNYAH_FN_IOEVENTFD] = &gunyah_ioeventfd_function,
};

/**
 * gunyah_vm_status() - The VM's status
 * @ghvm: The VM.
 * @info: If not NULL, filled with the exit information.
 *
 * Return: the status, &enum gunyah_rm_vm_status.
 */
enum gunyah_rm_vm_status gunyah_vm_status(struct gunyah_vm *ghvm,
					  struct gunyah_vm_exit_info *info)
{
	enum gunyah_rm_vm_status status;
	unsigned long flags;

	spin_lock_irqsave(&ghvm->status_lock, flags);
	status = ghvm->vm_status;
	if (info)
		*info = ghvm->exit_info;
	spin_unlock_irqrestore(&ghvm->status_lock, flags);

	return status;
}
EXPORT_SYMBOL_IF_KUNIT(gunyah_vm_status);

/**
 * gunyah_vm_teardown_retry() - Whether to call a failed teardown step again
 * @ghvm: The VM being torn down.
 * @call: Name of the RM call, for the log.
 * @ret: What the call returned.
 * @attempt: Calls made before this one (0 after the first call).
 *
 * Logs a failure. The call should be made again after a short sleep (done
 * here), up to GUNYAH_VM_TEARDOWN_ATTEMPTS calls in all, unless the RM
 * connection is gone.
 *
 * Context: Process context; sleeps.
 * Return: true to make the call again, false when @ret is final.
 */
bool gunyah_vm_teardown_retry(struct gunyah_vm *ghvm, const char *call,
			      int ret, unsigned int attempt)
{
	struct device *dev = ghvm->rm->dev;

	if (!ret)
		return false;

	if (ret == -ENODEV || attempt + 1 >= GUNYAH_VM_TEARDOWN_ATTEMPTS) {
		dev_err(dev, "VM %u: %s failed: %d, giving up\n", ghvm->vmid,
			call, ret);
		return false;
	}

	dev_warn(dev, "VM %u: %s failed: %d, retrying\n", ghvm->vmid, call,
		 ret);
	msleep(GUNYAH_VM_TEARDOWN_RETRY_MS);
	return true;
}

static void gunyah_vm_set_status(struct gunyah_vm *ghvm,
				 enum gunyah_rm_vm_status status)
{
	unsigned long flags;

	spin_lock_irqsave(&ghvm->status_lock, flags);
	ghvm->vm_status = status;
	spin_unlock_irqrestore(&ghvm->status_lock, flags);
	wake_up_all(&ghvm->vm_status_wait);
	wake_up_all(&ghvm->vcpu_wait);
}

/**
 * gunyah_vm_exit_state() - How far the VM's exit got
 * @ghvm: The VM.
 * @info: If not NULL, filled with the exit information (valid in
 *        GUNYAH_VM_EXIT_DONE).
 *
 * Return: &enum gunyah_vm_exit_state.
 */
enum gunyah_vm_exit_state gunyah_vm_exit_state(struct gunyah_vm *ghvm,
					       struct gunyah_vm_exit_info *info)
{
	enum gunyah_vm_exit_state state;
	unsigned long flags;

	spin_lock_irqsave(&ghvm->status_lock, flags);
	state = ghvm->exit_state;
	if (info)
		*info = ghvm->exit_info;
	spin_unlock_irqrestore(&ghvm->status_lock, flags);

	return state;
}
EXPORT_SYMBOL_IF_KUNIT(gunyah_vm_exit_state);

/* Called with the status lock held. */
static void __gunyah_vm_exit_pending(struct gunyah_vm *ghvm, const char *cause)
{
	lockdep_assert_held(&ghvm->status_lock);

	if (ghvm->exit_state != GUNYAH_VM_EXIT_NONE)
		return;
	ghvm->exit_state = GUNYAH_VM_EXIT_PENDING;
	ghvm->exit_pending_since = jiffies;
	ghvm->exit_pending_cause = cause;
}

/**
 * gunyah_vm_exit_pending() - The VM is exiting: its VM_EXITED is awaited
 * @ghvm: The VM.
 * @cause: What says so, for the log; a string that lives as long as the
 *         module.
 *
 * No effect once the VM is exiting or exited.
 */
void gunyah_vm_exit_pending(struct gunyah_vm *ghvm, const char *cause)
{
	unsigned long flags;

	spin_lock_irqsave(&ghvm->status_lock, flags);
	__gunyah_vm_exit_pending(ghvm, cause);
	spin_unlock_irqrestore(&ghvm->status_lock, flags);
	wake_up_all(&ghvm->vcpu_wait);
}

/**
 * gunyah_vm_run_state() - What a vCPU of the started VM must do now
 * @ghvm: The VM, past gunyah_vm_ensure_started().
 * @info: Filled with the RM's exit information in GUNYAH_VM_RUN_EXITED.
 *
 * The VM's status and its exit state are read together: read one after the
 * other, a VM_STATUS(EXITED) landing in between looked like a VM that had
 * stopped without any exit pending, and an exit without VM_EXITED (type 0)
 * was reported. A VM that is not running and whose exit is not known (a
 * RESET with no exit before it) is exiting from now on: its VM_EXITED is
 * awaited, as for any exit, within exit_timeout_ms. No exit is made up.
 *
 * Return: &enum gunyah_vm_run_state.
 */
enum gunyah_vm_run_state gunyah_vm_run_state(struct gunyah_vm *ghvm,
					     struct gunyah_vm_exit_info *info)
{
	enum gunyah_vm_run_state state;
	unsigned long flags;

	spin_lock_irqsave(&ghvm->status_lock, flags);
	switch (ghvm->exit_state) {
	case GUNYAH_VM_EXIT_DONE:
		state = GUNYAH_VM_RUN_EXITED;
		if (info)
			*info = ghvm->exit_info;
		break;
	case GUNYAH_VM_EXIT_PENDING:
		state = GUNYAH_VM_RUN_EXITING;
		break;
	default:
		switch (ghvm->vm_status) {
		case GUNYAH_RM_VM_STATUS_RUNNING:
			state = GUNYAH_VM_RUN_RUNNING;
			break;
		case GUNYAH_RM_VM_STATUS_LOAD:
		case GUNYAH_RM_VM_STATUS_AUTH:
		case GUNYAH_RM_VM_STATUS_INIT:
		case GUNYAH_RM_VM_STATUS_READY:
		case GUNYAH_RM_VM_STATUS_INIT_FAILED:
			state = GUNYAH_VM_RUN_START_FAILED;
			break;
		default:
			__gunyah_vm_exit_pending(ghvm,
						 "the VM stopped running without an exit from the RM");
			state = GUNYAH_VM_RUN_EXITING;
			break;
		}
		break;
	}
	spin_unlock_irqrestore(&ghvm->status_lock, flags);

	return state;
}
EXPORT_SYMBOL_IF_KUNIT(gunyah_vm_run_state);

/**
 * gunyah_vm_exit_wait_left() - How much longer to wait for VM_EXITED
 * @ghvm: The VM, exiting.
 *
 * Return: jiffies left of exit_timeout_ms since the VM started exiting;
 * 0 once it ran out.
 */
long gunyah_vm_exit_wait_left(struct gunyah_vm *ghvm)
{
	unsigned long flags, deadline;
	long left;

	spin_lock_irqsave(&ghvm->status_lock, flags);
	deadline = ghvm->exit_pending_since +
		   msecs_to_jiffies(READ_ONCE(gunyah_vm_exit_timeout_ms));
	spin_unlock_irqrestore(&ghvm->status_lock, flags);

	left = (long)(deadline - jiffies);
	return left > 0 ? left : 0;
}
EXPORT_SYMBOL_IF_KUNIT(gunyah_vm_exit_wait_left);

/**
 * gunyah_vm_exit_timeout() - VM_EXITED did not come: end the exit without it
 * @ghvm: The VM, exiting for exit_timeout_ms.
 *
 * The exit becomes GUNYAH_VM_EXIT_DONE with empty exit information (no type
 * is made up), and the log says what announced the exit. No effect when
 * VM_EXITED arrived meanwhile.
 */
void gunyah_vm_exit_timeout(struct gunyah_vm *ghvm)
{
	const char *cause = NULL;
	unsigned long flags;

	spin_lock_irqsave(&ghvm->status_lock, flags);
	if (ghvm->exit_state == GUNYAH_VM_EXIT_PENDING) {
		ghvm->exit_state = GUNYAH_VM_EXIT_DONE;
		memset(&ghvm->exit_info, 0, sizeof(ghvm->exit_info));
		cause = ghvm->exit_pending_cause;
	}
	spin_unlock_irqrestore(&ghvm->status_lock, flags);

	if (!cause)
		return;
	dev_warn(ghvm->rm->dev,
		 "VM %u: %s, but no VM_EXITED came within %u ms: reporting the exit without type and reason\n",
		 ghvm->vmid, cause, READ_ONCE(gunyah_vm_exit_timeout_ms));
	wake_up_all(&ghvm->vm_status_wait);
	wake_up_all(&ghvm->vcpu_wait);
}
EXPORT_SYMBOL_IF_KUNIT(gunyah_vm_exit_timeout);

/*
 * VM_EXITED: the exit type and reason, copied as they are. The exit is
 * known from now on, whether VM_STATUS(EXITED) came before (the real RM) or
 * comes after (older stubs), or never.
 */
static void gunyah_vm_notif_exited(struct gunyah_vm *ghvm,
				   const struct gunyah_rm_notification *notif)
{
	const struct gunyah_rm_vm_exited_payload *payload = notif->payload;
	unsigned long flags;
	size_t size;

	if (notif->size < sizeof(*payload) ||
	    le16_to_cpu(payload->vmid) != ghvm->vmid)
		return;

	size = min3((size_t)le32_to_cpu(payload->exit_reason_size),
		    notif->size - sizeof(*payload),
		    (size_t)GUNYAH_VM_MAX_EXIT_REASON_SIZE);

	spin_lock_irqsave(&ghvm->status_lock, flags);
	memset(&ghvm->exit_info, 0, sizeof(ghvm->exit_info));
	ghvm->exit_info.type = le16_to_cpu(payload->exit_type);
	ghvm->exit_info.reason_size = size;
	memcpy(ghvm->exit_info.reason, payload->exit_reason, size);
	ghvm->exit_state = GUNYAH_VM_EXIT_DONE;
	/* A late notification must not undo a reset. */
	if (ghvm->vm_status != GUNYAH_RM_VM_STATUS_RESETTING &&
	    ghvm->vm_status != GUNYAH_RM_VM_STATUS_RESET)
		ghvm->vm_status = GUNYAH_RM_VM_STATUS_EXITED;
	spin_unlock_irqrestore(&ghvm->status_lock, flags);
	wake_up_all(&ghvm->vm_status_wait);
	wake_up_all(&ghvm->vcpu_wait);
}

static void gunyah_vm_notif_status(struct gunyah_vm *ghvm,
				   const struct gunyah_rm_notification *notif)
{
	const struct gunyah_rm_vm_status_payload *payload = notif->payload;
	unsigned long flags;

	if (notif->size < sizeof(*payload) ||
	    le16_to_cpu(payload->vmid) != ghvm->vmid)
		return;

	/*
	 * The other transitions are synchronous to our RM calls; the reset
	 * is the one we wait for.
	 */
	switch (payload->vm_status) {
	case GUNYAH_RM_VM_STATUS_RESET:
		gunyah_vm_set_status(ghvm, GUNYAH_RM_VM_STATUS_RESET);
		break;
	case GUNYAH_RM_VM_STATUS_EXITED:
		/*
		 * The VM stopped, but the exit type and reason come with the
		 * VM_EXITED that the real RM sends next: exiting until then.
		 */
		spin_lock_irqsave(&ghvm->status_lock, flags);
		if (ghvm->vm_status == GUNYAH_RM_VM_STATUS_RUNNING) {
			ghvm->vm_status = GUNYAH_RM_VM_STATUS_EXITED;
			__gunyah_vm_exit_pending(ghvm,
						 "the RM sent VM_STATUS(EXITED)");
		}
		spin_unlock_irqrestore(&ghvm->status_lock, flags);
		wake_up_all(&ghvm->vm_status_wait);
		wake_up_all(&ghvm->vcpu_wait);
		break;
	default:
		break;
	}
}

static int gunyah_vm_rm_notification(struct notifier_block *nb,
				     unsigned long action, void *data)
{
	struct gunyah_vm *ghvm = container_of(nb, struct gunyah_vm, nb);

	switch (action) {
	case GUNYAH_RM_NOTIFICATION_VM_EXITED:
		gunyah_vm_notif_exited(ghvm, data);
		break;
	case GUNYAH_RM_NOTIFICATION_VM_STATUS:
		gunyah_vm_notif_status(ghvm, data);
		break;
	default:
		break;
	}

	return NOTIFY_OK;
}

/**
 * gunyah_vm_alloc() - Create a VM: allocate its VMID from the RM
 * @rm: The RM connection.
 *
 * Return: the VM with one reference, or an ERR_PTR().
 */
VISIBLE_IF_KUNIT struct gunyah_vm *gunyah_vm_alloc(struct gunyah_rm *rm)
{
	struct gunyah_vm *ghvm;
	u16 host_vmid;
	int vmid, ret;

	ret = gunyah_rm_get_vmid(rm, &host_vmid);
	if (ret)
		return ERR_PTR(ret);

	ghvm = kzalloc(sizeof(*ghvm), GFP_KERNEL);
	if (!ghvm)
		return ERR_PTR(-ENOMEM);

	vmid = gunyah_rm_alloc_vmid(rm, 0);
	if (vmid < 0) {
		kfree(ghvm);
		return ERR_PTR(vmid);
	}
	atomic_inc(&gunyah_vm_stats.vmids);

	kref_init(&ghvm->kref);
	ghvm->rm = gunyah_rm_get(rm);
	ghvm->vmid = vmid;
	ghvm->host_vmid = host_vmid;
	mutex_init(&ghvm->lock);
	INIT_LIST_HEAD(&ghvm->memory);
	INIT_LIST_HEAD(&ghvm->functions);
	INIT_LIST_HEAD(&ghvm->resources);
	INIT_LIST_HEAD(&ghvm->resource_tickets);
	INIT_LIST_HEAD(&ghvm->deferred);
	xa_init(&ghvm->boot_context);
	spin_lock_init(&ghvm->status_lock);
	ghvm->vm_status = GUNYAH_RM_VM_STATUS_NO_STATE;
	ghvm->exit_state = GUNYAH_VM_EXIT_NONE;
	init_waitqueue_head(&ghvm->vm_status_wait);
	init_waitqueue_head(&ghvm->vcpu_wait);
	spin_lock_init(&ghvm->ioeventfd_lock);
	INIT_LIST_HEAD(&ghvm->ioeventfds);
	ghvm->nb.notifier_call = gunyah_vm_rm_notification;

	ret = gunyah_rm_notifier_register(rm, &ghvm->nb);
	if (ret) {
		if (!gunyah_rm_dealloc_vmid(rm, vmid))
			atomic_dec(&gunyah_vm_stats.vmids);
		gunyah_rm_put(rm);
		kfree(ghvm);
		return ERR_PTR(ret);
	}
	atomic_inc(&gunyah_live_vms);

	return ghvm;
}
EXPORT_SYMBOL_IF_KUNIT(gunyah_vm_alloc);

static struct gunyah_vm_resource_ticket *
gunyah_vm_find_ticket(struct gunyah_vm *ghvm, u8 type, u32 label)
{
	struct gunyah_vm_resource_ticket *ticket;

	list_for_each_entry(ticket, &ghvm->resource_tickets, vm_list)
		if (ticket->resource_type == type && ticket->label == label)
			return ticket;

	return NULL;
}

/**
 * gunyah_vm_place_resource() - Hand a hyp resource to its ticket
 * @ghvm: The VM; its lock held.
 * @ghrsc: The resource.
 *
 * The resource goes to the ticket of the same type and label if there is
 * one and it takes it, else it is kept for a ticket added later.
 */
VISIBLE_IF_KUNIT void gunyah_vm_place_resource(struct gunyah_vm *ghvm,
					       struct gunyah_resource *ghrsc)
{
	struct gunyah_vm_resource_ticket *ticket;

	lockdep_assert_held(&ghvm->lock);

	ticket = gunyah_vm_find_ticket(ghvm, ghrsc->type, ghrsc->rm_label);
	if (ticket && ticket->populate(ticket, ghrsc))
		list_add(&ghrsc->list, &ticket->resources);
	else
		list_add(&ghrsc->list, &ghvm->resources);
}
EXPORT_SYMBOL_IF_KUNIT(gunyah_vm_place_resource);

/**
 * gunyah_vm_add_resource_ticket() - Claim hyp resources by type and label
 * @ghvm: The VM; its lock held.
 * @ticket: The ticket; resources already known are handed over at once.
 *
 * Return: 0, or -EEXIST when another ticket claims the same resources.
 */
int gunyah_vm_add_resource_ticket(struct gunyah_vm *ghvm,
				  struct gunyah_vm_resource_ticket *ticket)
{
	struct gunyah_resource *ghrsc, *tmp;

	lockdep_assert_held(&ghvm->lock);

	if (gunyah_vm_find_ticket(ghvm, ticket->resource_type, ticket->label))
		return -EEXIST;

	INIT_LIST_HEAD(&ticket->resources);
	list_add(&ticket->vm_list, &ghvm->resource_tickets);

	list_for_each_entry_safe(ghrsc, tmp, &ghvm->resources, list) {
		if (ghrsc->type == ticket->resource_type &&
		    ghrsc->rm_label == ticket->label &&
		    ticket->populate(ticket, ghrsc))
			list_move(&ghrsc->list, &ticket->resources);
	}

	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(gunyah_vm_add_resource_ticket);

/**
 * gunyah_vm_remove_resource_ticket() - Give back a ticket's resources
 * @ghvm: The VM; its lock held.
 * @ticket: The ticket added with gunyah_vm_add_resource_ticket().
 */
void gunyah_vm_remove_resource_ticket(struct gunyah_vm *ghvm,
				      struct gunyah_vm_resource_ticket *ticket)
{
	struct gunyah_resource *ghrsc, *tmp;

	lockdep_assert_held(&ghvm->lock);

	list_for_each_entry_safe(ghrsc, tmp, &ticket->resources, list) {
		ticket->unpopulate(ticket, ghrsc);
		list_move(&ghrsc->list, &ghvm->resources);
	}
	list_del(&ticket->vm_list);
}
EXPORT_SYMBOL_IF_KUNIT(gunyah_vm_remove_resource_ticket);

static int gunyah_vm_get_resources(struct gunyah_vm *ghvm)
{
	struct gunyah_rm_hyp_resources *resources;
	struct gunyah_resource *ghrsc;
	u32 i, n;
	int ret;

	ret = gunyah_rm_get_hyp_resources(ghvm->rm, ghvm->vmid, &resources);
	if (ret)
		return ret;

	n = le32_to_cpu(resources->n_entries);
	for (i = 0; i < n; i++) {
		ghrsc = kzalloc(sizeof(*ghrsc), GFP_KERNEL);
		if (!ghrsc) {
			ret = -ENOMEM;
			break;
		}
		ghrsc->type = resources->entries[i].type;
		ghrsc->capid = le64_to_cpu(resources->entries[i].cap_id);
		ghrsc->rm_label = le32_to_cpu(resources->entries[i].resource_label);
		ghrsc->virq = le32_to_cpu(resources->entries[i].virq);
		gunyah_vm_place_resource(ghvm, ghrsc);
	}
	kfree(resources);

	return ret;
}

/*
 * Every irqfd needs its doorbell: a label that the VM's DT does not give a
 * doorbell would be a silent no-op, so the start fails instead (ENODEV, the
 * errno of a vCPU run without its resource too).
 */
static int gunyah_vm_check_tickets(struct gunyah_vm *ghvm)
{
	struct gunyah_vm_resource_ticket *ticket;

	list_for_each_entry(ticket, &ghvm->resource_tickets, vm_list) {
		if (ticket->resource_type != GUNYAH_RESOURCE_TYPE_BELL_TX ||
		    !list_empty(&ticket->resources))
			continue;
		dev_err(ghvm->rm->dev,
			"VM %u: irqfd label %u: no doorbell in the VM's DT\n",
			ghvm->vmid, ticket->label);
		return -ENODEV;
	}

	return 0;
}

static void gunyah_vm_free_resources(struct gunyah_vm *ghvm)
{
	struct gunyah_resource *ghrsc, *tmp;

	list_for_each_entry_safe(ghrsc, tmp, &ghvm->resources, list) {
		list_del(&ghrsc->list);
		kfree(ghrsc);
	}
}

static int gunyah_vm_send_boot_context(struct gunyah_vm *ghvm)
{
	unsigned long reg;
	u64 *value;
	int ret;

	xa_for_each(&ghvm->boot_context, reg, value) {
		u8 reg_set = (reg >> GUNYAH_VM_BOOT_CONTEXT_REG_SHIFT) & 0xff;

		ret = gunyah_rm_vm_set_boot_context(ghvm->rm, ghvm->vmid,
						    reg_set, reg & 0xff, *value);
		if (ret)
			return ret;
	}

	return 0;
}

/*
 * The start sequence: give the memory to the RM, VM_CONFIG_IMAGE with the
 * parcel holding the DTB, VM_SET_FIRMWARE_MEM, VM_INIT, the boot context,
 * VM_GET_HYP_RESOURCES (handed to the functions by type and label; every
 * irqfd must get its doorbell), VM_START.
 */
static int gunyah_vm_start_locked(struct gunyah_vm *ghvm)
{
	struct gunyah_vm_mem *mem, *dtb_mem, *fw_mem = NULL;
	struct device *dev = ghvm->rm->dev;
	int ret;

	lockdep_assert_held(&ghvm->lock);

	switch (gunyah_vm_status(ghvm, NULL)) {
	case GUNYAH_RM_VM_STATUS_NO_STATE:
		if (!ghvm->start_failed)
			break;
		fallthrough;
	default:
		return -EINVAL;
	case GUNYAH_RM_VM_STATUS_RUNNING:
		return 0;
	}

	if (!ghvm->dtb.size)
		return -EINVAL;
	dtb_mem = gunyah_vm_mem_find(ghvm, ghvm->dtb.guest_phys_addr,
				     ghvm->dtb.size);
	if (!dtb_mem)
		return -EINVAL;
	if (ghvm->fw.size) {
		fw_mem = gunyah_vm_mem_find(ghvm, ghvm->fw.guest_phys_addr,
					    ghvm->fw.size);
		if (!fw_mem)
			return -EINVAL;
	}

	/* From here on, a failure is final: the RM may hold some state. */
	ghvm->start_failed = true;

	list_for_each_entry(mem, &ghvm->memory, list) {
		ret = gunyah_vm_mem_give(ghvm, mem);
		if (ret) {
			dev_warn(dev, "VM %u: failed to give memory label %u: %d\n",
				 ghvm->vmid, mem->label, ret);
			return ret;
		}
	}

	ret = gunyah_rm_vm_configure(ghvm->rm, ghvm->vmid,
				     GUNYAH_RM_VM_AUTH_NONE,
				     dtb_mem->parcel.mem_handle, 0, 0,
				     ghvm->dtb.guest_phys_addr -
				     dtb_mem->guest_phys_addr,
				     ghvm->dtb.size);
	if (ret) {
		dev_warn(dev, "VM %u: VM_CONFIG_IMAGE failed: %d\n",
			 ghvm->vmid, ret);
		return ret;
	}
	gunyah_vm_set_status(ghvm, GUNYAH_RM_VM_STATUS_LOAD);

	if (fw_mem) {
		u64 fw_offset = ghvm->fw.guest_phys_addr -
				fw_mem->guest_phys_addr;

		ret = gunyah_rm_vm_set_firmware_mem(ghvm->rm, ghvm->vmid,
						    fw_mem->parcel.mem_handle,
						    fw_offset, ghvm->fw.size);
		if (ret) {
			dev_warn(dev, "VM %u: VM_SET_FIRMWARE_MEM failed: %d\n",
				 ghvm->vmid, ret);
			return ret;
		}
	}

	gunyah_vm_set_status(ghvm, GUNYAH_RM_VM_STATUS_INIT);
	ret = gunyah_rm_vm_init(ghvm->rm, ghvm->vmid);
	if (ret) {
		gunyah_vm_set_status(ghvm, GUNYAH_RM_VM_STATUS_INIT_FAILED);
		dev_warn(dev, "VM %u: VM_INIT failed: %d\n", ghvm->vmid, ret);
		return ret;
	}
	gunyah_vm_set_status(ghvm, GUNYAH_RM_VM_STATUS_READY);

	ret = gunyah_vm_send_boot_context(ghvm);
	if (ret) {
		dev_warn(dev, "VM %u: VM_SET_BOOT_CONTEXT failed: %d\n",
			 ghvm->vmid, ret);
		return ret;
	}

	ret = gunyah_vm_get_resources(ghvm);
	if (ret) {
		dev_warn(dev, "VM %u: VM_GET_HYP_RESOURCES failed: %d\n",
			 ghvm->vmid, ret);
		return ret;
	}

	ret = gunyah_vm_check_tickets(ghvm);
	if (ret)
		return ret;

	ret = gunyah_rm_vm_start(ghvm->rm, ghvm->vmid);
	if (ret) {
		dev_warn(dev, "VM %u: VM_START failed: %d\n", ghvm->vmid, ret);
		return ret;
	}

	ghvm->start_failed = false;
	gunyah_vm_set_status(ghvm, GUNYAH_RM_VM_STATUS_RUNNING);
	return 0;
}

/**
 * gunyah_vm_ensure_started() - Start the VM unless it was started
 * @ghvm: The VM.
 *
 * Context: Process context; sleeps.
 * Return: 0 when the VM was started (it may have exited since), or a
 * negative errno.
 */
int gunyah_vm_ensure_started(struct gunyah_vm *ghvm)
{
	int ret;

	if (gunyah_vm_status(ghvm, NULL) == GUNYAH_RM_VM_STATUS_RUNNING)
		return 0;

	/*
	 * Another thread may be starting the VM, under the lock (LOAD, INIT,
	 * READY are passing states then): wait for the outcome rather than
	 * report a state of the start as the VM's.
	 */
	ret = mutex_lock_interruptible(&ghvm->lock);
	if (ret)
		return ret;
	if (gunyah_vm_status(ghvm, NULL) == GUNYAH_RM_VM_STATUS_NO_STATE)
		ret = gunyah_vm_start_locked(ghvm);
	mutex_unlock(&ghvm->lock);

	return ret;
}

static bool gunyah_vm_running(struct gunyah_vm *ghvm)
{
	return gunyah_vm_status(ghvm, NULL) == GUNYAH_RM_VM_STATUS_RUNNING;
}

/**
 * enum gunyah_vm_reset_result - Outcome of the stop and reset at teardown
 * @GUNYAH_VM_RESET_DONE: Reset (or never started): reclaim, free the VMID.
 * @GUNYAH_VM_RESET_FAILED: The RM may still run the VM: keep its VMID, free
 *                          only the parcels the RM gives back.
 * @GUNYAH_VM_RESET_PENDING: The RM accepted VM_RESET but its RESET status
 *                           did not come within reset_timeout_ms.
 */
enum gunyah_vm_reset_result {
	GUNYAH_VM_RESET_DONE,
	GUNYAH_VM_RESET_FAILED,
	GUNYAH_VM_RESET_PENDING,
};

/*
 * Teardown from any state: VM_STOP (force) if running, then VM_RESET and wait
 * for the RESET status, so that the memory can be reclaimed afterwards. Each
 * call is retried a few times.
 */
static enum gunyah_vm_reset_result gunyah_vm_stop_and_reset(struct gunyah_vm *ghvm)
{
	struct device *dev = ghvm->rm->dev;
	enum gunyah_rm_vm_status status;
	unsigned int attempt;
	int ret;

	/* The VM may exit by itself meanwhile: then VM_STOP is not needed. */
	for (attempt = 0; gunyah_vm_running(ghvm); attempt++) {
		ret = gunyah_rm_vm_stop(ghvm->rm, ghvm->vmid, true);
		if (!gunyah_vm_teardown_retry(ghvm, "VM_STOP", ret, attempt))
			break;
	}
	/*
	 * Also after a failed VM_STOP: the RM refuses to stop a VM that just
	 * exited, and its VM_STATUS(EXITED) may still be on its way.
	 */
	if (!wait_event_timeout(ghvm->vm_status_wait, !gunyah_vm_running(ghvm),
				GUNYAH_VM_STATUS_TIMEOUT)) {
		dev_err(dev, "VM %u: still running, cannot reset it\n",
			ghvm->vmid);
		return GUNYAH_VM_RESET_FAILED;
	}

	status = gunyah_vm_status(ghvm, NULL);
	if (status == GUNYAH_RM_VM_STATUS_NO_STATE ||
	    status == GUNYAH_RM_VM_STATUS_RESET)
		return GUNYAH_VM_RESET_DONE;

	gunyah_vm_set_status(ghvm, GUNYAH_RM_VM_STATUS_RESETTING);
	for (attempt = 0;; attempt++) {
		ret = gunyah_rm_vm_reset(ghvm->rm, ghvm->vmid);
		if (!gunyah_vm_teardown_retry(ghvm, "VM_RESET", ret, attempt))
			break;
	}
	if (ret)
		return GUNYAH_VM_RESET_FAILED;

	/* The RM resets asynchronously: RESET comes as a notification. */
	if (!wait_event_timeout(ghvm->vm_status_wait,
				gunyah_vm_status(ghvm, NULL) ==
				GUNYAH_RM_VM_STATUS_RESET,
				msecs_to_jiffies(READ_ONCE(gunyah_vm_reset_timeout_ms))))
		return GUNYAH_VM_RESET_PENDING;

	return GUNYAH_VM_RESET_DONE;
}

static void gunyah_vm_remove_function_instance(struct gunyah_vm_function_instance *inst)
{
	inst->fn->unbind(inst);
	list_del(&inst->vm_list);
	kfree(inst->argp);
	kfree(inst);
}

/*
 * The end of the teardown, once the RM reset the VM (@reset) or will not
 * any more: reclaim and unpin the memory (the RM decides: a parcel it does
 * not give back stays pinned), return the VMID when the VM was reset, stop
 * listening to the RM, free the VM. Not from within the RM notifier chain.
 */
static void gunyah_vm_destroy(struct gunyah_vm *ghvm, bool reset)
{
	unsigned int attempt;
	int ret;

	mutex_lock(&ghvm->lock);
	gunyah_vm_mem_free_all(ghvm);
	mutex_unlock(&ghvm->lock);

	gunyah_rm_notifier_unregister(ghvm->rm, &ghvm->nb);

	/* A VM the RM may still run keeps its VMID: it is not ours to reuse. */
	if (reset) {
		for (attempt = 0;; attempt++) {
			ret = gunyah_rm_dealloc_vmid(ghvm->rm, ghvm->vmid);
			if (!gunyah_vm_teardown_retry(ghvm, "VM_DEALLOC_VMID",
						      ret, attempt))
				break;
		}
		if (!ret)
			atomic_dec(&gunyah_vm_stats.vmids);
	} else {
		dev_err(ghvm->rm->dev,
			"VM %u: not reset: leaving its VMID allocated\n",
			ghvm->vmid);
	}

	atomic_dec(&gunyah_live_vms);
	gunyah_rm_put(ghvm->rm);
	mutex_destroy(&ghvm->lock);
	kfree(ghvm);
}

/*
 * VM_RESET was accepted but RESET did not come in time: the VM is handed to
 * the RM connection, which ends its teardown when RESET arrives
 * (gunyah_vm_mgr_notification()), or when the connection stops. Returns
 * false when it cannot wait any more (RESET arrived meanwhile, or the
 * connection stopped): the caller ends the teardown itself.
 */
static bool gunyah_vm_defer_release(struct gunyah_vm *ghvm)
{
	struct gunyah_rm *rm = ghvm->rm;
	unsigned long npages = 0;
	unsigned int nparcels = 0;
	struct gunyah_vm_mem *mem;
	bool deferred = false;

	list_for_each_entry(mem, &ghvm->memory, list) {
		npages += mem->npages;
		if (mem->parcel.mem_handle != GUNYAH_MEM_HANDLE_INVAL)
			nparcels++;
	}

	/*
	 * Under the lock that gunyah_vm_mgr_notification() takes after our
	 * notifier saw a RESET: either RESET is seen here, or the VM is on
	 * the list when it looks. Once on the list, the VM may be freed by
	 * it at any time.
	 */
	mutex_lock(&rm->deferred_lock);
	if (!rm->deferred_stopped &&
	    gunyah_vm_status(ghvm, NULL) != GUNYAH_RM_VM_STATUS_RESET) {
		dev_warn(rm->dev,
			 "VM %u: no RESET from the RM within %u ms: its %u parcels (%lu pinned pages) and its VMID are reclaimed when RESET arrives\n",
			 ghvm->vmid, READ_ONCE(gunyah_vm_reset_timeout_ms),
			 nparcels, npages);
		list_add_tail(&ghvm->deferred, &rm->deferred_vms);
		deferred = true;
	}
	mutex_unlock(&rm->deferred_lock);

	return deferred;
}

static void gunyah_vm_free(struct kref *kref)
{
	struct gunyah_vm *ghvm = container_of(kref, struct gunyah_vm, kref);
	struct gunyah_vm_function_instance *inst, *tmp;
	enum gunyah_vm_reset_result reset;
	unsigned long reg;
	u64 *value;

	mutex_lock(&ghvm->lock);
	list_for_each_entry_safe(inst, tmp, &ghvm->functions, vm_list)
		gunyah_vm_remove_function_instance(inst);

	reset = gunyah_vm_stop_and_reset(ghvm);
	gunyah_vm_free_resources(ghvm);
	mutex_unlock(&ghvm->lock);

	xa_for_each(&ghvm->boot_context, reg, value)
		kfree(value);
	xa_destroy(&ghvm->boot_context);

	if (reset == GUNYAH_VM_RESET_PENDING) {
		/* From now on the RM connection ends the teardown. */
		if (gunyah_vm_defer_release(ghvm))
			return;
		/* RESET arrived meanwhile, or the connection stopped. */
		if (gunyah_vm_status(ghvm, NULL) != GUNYAH_RM_VM_STATUS_RESET)
			reset = GUNYAH_VM_RESET_FAILED;
	}
	gunyah_vm_destroy(ghvm, reset != GUNYAH_VM_RESET_FAILED);
}

/**
 * gunyah_vm_mgr_notification() - End the teardowns that waited for a RESET
 * @rm: The RM connection.
 * @notif: A notification, after the notifier chain had it.
 *
 * A VM_STATUS(RESET) of a VM whose teardown was deferred ends that teardown
 * here: its memory is reclaimed, its VMID freed.
 *
 * Context: The RM's notification work, outside of the notifier chain.
 */
void gunyah_vm_mgr_notification(struct gunyah_rm *rm,
				const struct gunyah_rm_notification *notif)
{
	const struct gunyah_rm_vm_status_payload *payload = notif->payload;
	struct gunyah_vm *ghvm, *found = NULL;

	if (notif->id != GUNYAH_RM_NOTIFICATION_VM_STATUS ||
	    notif->size < sizeof(*payload) ||
	    payload->vm_status != GUNYAH_RM_VM_STATUS_RESET)
		return;

	mutex_lock(&rm->deferred_lock);
	list_for_each_entry(ghvm, &rm->deferred_vms, deferred) {
		if (ghvm->vmid == le16_to_cpu(payload->vmid)) {
			list_del_init(&ghvm->deferred);
			found = ghvm;
			break;
		}
	}
	mutex_unlock(&rm->deferred_lock);

	if (!found)
		return;

	dev_info(rm->dev, "VM %u: RESET arrived: reclaiming its memory and VMID\n",
		 found->vmid);
	gunyah_vm_destroy(found, true);
}

/**
 * gunyah_vm_mgr_stop() - End the deferred teardowns of a stopped connection
 * @rm: The RM connection, stopped: no notification comes any more.
 *
 * The VMs still waiting for RESET are freed without it: the RM may still
 * hold their memory, which stays pinned (counted as leaked), and their
 * VMIDs stay allocated. No teardown is deferred after this.
 *
 * Context: Process context; sleeps.
 */
void gunyah_vm_mgr_stop(struct gunyah_rm *rm)
{
	struct gunyah_vm *ghvm, *tmp;
	LIST_HEAD(vms);

	mutex_lock(&rm->deferred_lock);
	rm->deferred_stopped = true;
	list_splice_init(&rm->deferred_vms, &vms);
	mutex_unlock(&rm->deferred_lock);

	list_for_each_entry_safe(ghvm, tmp, &vms, deferred) {
		list_del_init(&ghvm->deferred);
		dev_err(rm->dev, "VM %u: RM gone before its RESET\n",
			ghvm->vmid);
		gunyah_vm_destroy(ghvm, false);
	}
}

/**
 * gunyah_vm_get() - Take a reference to a VM
 * @ghvm: The VM.
 *
 * Return: @ghvm.
 */
struct gunyah_vm *gunyah_vm_get(struct gunyah_vm *ghvm)
{
	kref_get(&ghvm->kref);
	return ghvm;
}

/**
 * gunyah_vm_put() - Drop a reference to a VM
 * @ghvm: The VM.
 *
 * The VM is torn down (stopped, reset, its memory reclaimed) and its VMID
 * returned to the RM when the last reference goes.
 *
 * Context: Process context; sleeps.
 */
void gunyah_vm_put(struct gunyah_vm *ghvm)
{
	kref_put(&ghvm->kref, gunyah_vm_free);
}
EXPORT_SYMBOL_IF_KUNIT(gunyah_vm_put);

static const struct gunyah_vm_function *gunyah_vm_get_function(u32 type)
{
	if (type >= ARRAY_SIZE(gunyah_vm_functions))
		return NULL;
	return gunyah_vm_functions[type];
}

static long gunyah_vm_add_function(struct gunyah_vm *ghvm,
				   const struct gunyah_fn_desc *f)
{
	const struct gunyah_vm_function *fn;
	struct gunyah_vm_function_instance *inst;
	long ret;

	if (f->arg_size > GUNYAH_FN_MAX_ARG_SIZE)
		return -EINVAL;

	fn = gunyah_vm_get_function(f->type);
	if (!fn)
		return -ENOENT;

	inst = kzalloc(sizeof(*inst), GFP_KERNEL);
	if (!inst)
		return -ENOMEM;

	inst->fn = fn;
	inst->ghvm = ghvm;
	inst->arg_size = f->arg_size;
	if (f->arg_size) {
		inst->argp = memdup_user(u64_to_user_ptr(f->arg), f->arg_size);
		if (IS_ERR(inst->argp)) {
			ret = PTR_ERR(inst->argp);
			kfree(inst);
			return ret;
		}
	}

	mutex_lock(&ghvm->lock);
	if (!fn->after_start &&
	    gunyah_vm_status(ghvm, NULL) != GUNYAH_RM_VM_STATUS_NO_STATE) {
		ret = -EBUSY;
		goto err;
	}

	ret = fn->bind(inst);
	if (ret < 0)
		goto err;

	list_add(&inst->vm_list, &ghvm->functions);
	mutex_unlock(&ghvm->lock);

	return ret;
err:
	mutex_unlock(&ghvm->lock);
	kfree(inst->argp);
	kfree(inst);
	return ret;
}

static long gunyah_vm_rm_function(struct gunyah_vm *ghvm,
				  const struct gunyah_fn_desc *f)
{
	struct gunyah_vm_function_instance *inst, *tmp;
	const struct gunyah_vm_function *fn;
	void *argp;
	long ret = -ENOENT;

	if (f->arg_size > GUNYAH_FN_MAX_ARG_SIZE)
		return -EINVAL;

	fn = gunyah_vm_get_function(f->type);
	if (!fn)
		return -ENOENT;

	argp = f->arg_size ? memdup_user(u64_to_user_ptr(f->arg), f->arg_size) :
			     NULL;
	if (IS_ERR(argp))
		return PTR_ERR(argp);

	mutex_lock(&ghvm->lock);
	list_for_each_entry_safe(inst, tmp, &ghvm->functions, vm_list) {
		if (inst->fn == fn && fn->compare(inst, argp, f->arg_size)) {
			gunyah_vm_remove_function_instance(inst);
			ret = 0;
			break;
		}
	}
	mutex_unlock(&ghvm->lock);
	kfree(argp);

	return ret;
}

static long gunyah_vm_set_boot_context(struct gunyah_vm *ghvm,
				       const struct gunyah_vm_boot_context *ctx)
{
	u8 reg_set, reg_index;
	u64 *value, *old;
	long ret = 0;

	if (ctx->reg & ~0xffffU)
		return -EINVAL;

	reg_set = ctx->reg >> GUNYAH_VM_BOOT_CONTEXT_REG_SHIFT;
	reg_index = ctx->reg & 0xff;
	switch (reg_set) {
	case REG_SET_X:
		if (reg_index > 31)
			return -EINVAL;
		break;
	case REG_SET_PC:
		if (reg_index)
			return -EINVAL;
		break;
	case REG_SET_SP:
		if (reg_index > 2)
			return -EINVAL;
		break;
	default:
		return -EINVAL;
	}

	value = kmalloc(sizeof(*value), GFP_KERNEL);
	if (!value)
		return -ENOMEM;
	*value = ctx->value;

	mutex_lock(&ghvm->lock);
	if (gunyah_vm_status(ghvm, NULL) != GUNYAH_RM_VM_STATUS_NO_STATE ||
	    ghvm->start_failed) {
		ret = -EINVAL;
		goto out;
	}

	old = xa_store(&ghvm->boot_context, ctx->reg, value, GFP_KERNEL);
	if (xa_is_err(old)) {
		ret = xa_err(old);
		goto out;
	}
	kfree(old);
	value = NULL;
out:
	mutex_unlock(&ghvm->lock);
	kfree(value);
	return ret;
}

/* GH_VM_SET_DTB_CONFIG and GH_VM_ANDROID_SET_FW_CONFIG */
static long gunyah_vm_set_range(struct gunyah_vm *ghvm, u64 *dst_addr,
				u64 *dst_size, u64 addr, u64 size)
{
	long ret = 0;
	u64 end;

	if (!size || check_add_overflow(addr, size, &end))
		return -EINVAL;

	mutex_lock(&ghvm->lock);
	if (gunyah_vm_status(ghvm, NULL) != GUNYAH_RM_VM_STATUS_NO_STATE ||
	    ghvm->start_failed) {
		ret = -EBUSY;
	} else {
		*dst_addr = addr;
		*dst_size = size;
	}
	mutex_unlock(&ghvm->lock);

	return ret;
}

static long gunyah_vm_ioctl(struct file *filp, unsigned int cmd,
			    unsigned long arg)
{
	struct gunyah_vm *ghvm = filp->private_data;
	void __user *argp = (void __user *)arg;
	long ret;

	switch (cmd) {
	case GH_VM_SET_USER_MEM_REGION:
	case GH_VM_ANDROID_LEND_USER_MEM: {
		struct gunyah_userspace_memory_region region;

		if (copy_from_user(&region, argp, sizeof(region)))
			return -EFAULT;
		return gunyah_vm_add_user_mem(ghvm, &region,
					      cmd == GH_VM_SET_USER_MEM_REGION);
	}
	case GH_VM_RECLAIM_REGION: {
		struct gunyah_address_range range;

		if (copy_from_user(&range, argp, sizeof(range)))
			return -EFAULT;
		return gunyah_vm_reclaim_range(ghvm, range.guest_phys_addr,
					       range.size);
	}
	case GUNYAH_VM_SET_DTB_CONFIG: {
		struct gunyah_vm_dtb_config dtb;

		if (copy_from_user(&dtb, argp, sizeof(dtb)))
			return -EFAULT;
		return gunyah_vm_set_range(ghvm, &ghvm->dtb.guest_phys_addr,
					   &ghvm->dtb.size,
					   dtb.guest_phys_addr, dtb.size);
	}
	case GH_VM_ANDROID_SET_FW_CONFIG: {
		struct gunyah_vm_firmware_config fw;

		if (copy_from_user(&fw, argp, sizeof(fw)))
			return -EFAULT;
		return gunyah_vm_set_range(ghvm, &ghvm->fw.guest_phys_addr,
					   &ghvm->fw.size,
					   fw.guest_phys_addr, fw.size);
	}
	case GUNYAH_VM_SET_BOOT_CONTEXT: {
		struct gunyah_vm_boot_context ctx;

		if (copy_from_user(&ctx, argp, sizeof(ctx)))
			return -EFAULT;
		return gunyah_vm_set_boot_context(ghvm, &ctx);
	}
	case GUNYAH_VM_START:
		ret = mutex_lock_interruptible(&ghvm->lock);
		if (ret)
			return ret;
		ret = gunyah_vm_start_locked(ghvm);
		mutex_unlock(&ghvm->lock);
		return ret;
	case GUNYAH_VM_ADD_FUNCTION:
	case GUNYAH_VM_REMOVE_FUNCTION: {
		struct gunyah_fn_desc f;

		if (copy_from_user(&f, argp, sizeof(f)))
			return -EFAULT;
		if (cmd == GUNYAH_VM_ADD_FUNCTION)
			return gunyah_vm_add_function(ghvm, &f);
		return gunyah_vm_rm_function(ghvm, &f);
	}
	default:
		/* GUNYAH_VM_MAP_MEM (guest_memfd) is not supported. */
		return -ENOTTY;
	}
}

static int gunyah_vm_release(struct inode *inode, struct file *filp)
{
	gunyah_vm_put(filp->private_data);
	return 0;
}

static const struct file_operations gunyah_vm_fops = {
	.owner = THIS_MODULE,
	.unlocked_ioctl = gunyah_vm_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
	.release = gunyah_vm_release,
	.llseek = noop_llseek,
};

static long gunyah_dev_create_vm(struct gunyah_rm *rm)
{
	struct gunyah_vm *ghvm;
	struct file *file;
	int fd, ret;

	ghvm = gunyah_vm_alloc(rm);
	if (IS_ERR(ghvm))
		return PTR_ERR(ghvm);

	fd = get_unused_fd_flags(O_CLOEXEC);
	if (fd < 0) {
		ret = fd;
		goto err_put_vm;
	}

	file = anon_inode_getfile("gunyah-vm", &gunyah_vm_fops, ghvm, O_RDWR);
	if (IS_ERR(file)) {
		ret = PTR_ERR(file);
		goto err_put_fd;
	}

	fd_install(fd, file);

	return fd;

err_put_fd:
	put_unused_fd(fd);
err_put_vm:
	gunyah_vm_put(ghvm);
	return ret;
}

static struct gunyah_rm *gunyah_dev_rm(struct file *filp)
{
	struct miscdevice *miscdev = filp->private_data;

	return container_of(miscdev, struct gunyah_rm, miscdev);
}

static long gunyah_dev_ioctl(struct file *filp, unsigned int cmd,
			     unsigned long arg)
{
	switch (cmd) {
	case GUNYAH_CREATE_VM:
		/* The argument is the VM type: only 0 is defined. */
		if (arg)
			return -EINVAL;
		return gunyah_dev_create_vm(gunyah_dev_rm(filp));
	case GUNYAH_VCPU_MMAP_SIZE:
		return PAGE_SIZE;
	default:
		return -ENOTTY;
	}
}

static int gunyah_dev_open(struct inode *inode, struct file *filp)
{
	/* misc_open() set private_data to our miscdevice */
	gunyah_rm_get(gunyah_dev_rm(filp));
	return 0;
}

static int gunyah_dev_release(struct inode *inode, struct file *filp)
{
	gunyah_rm_put(gunyah_dev_rm(filp));
	return 0;
}

static const struct file_operations gunyah_dev_fops = {
	.owner = THIS_MODULE,
	.open = gunyah_dev_open,
	.release = gunyah_dev_release,
	.unlocked_ioctl = gunyah_dev_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
	.llseek = noop_llseek,
};

static ssize_t pinned_pages_show(struct device *dev,
				 struct device_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%lld\n", atomic64_read(&gunyah_pinned_pages));
}
static DEVICE_ATTR_RO(pinned_pages);

static ssize_t leaked_pages_show(struct device *dev,
				 struct device_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%lld\n", atomic64_read(&gunyah_leaked_pages));
}
static DEVICE_ATTR_RO(leaked_pages);

static ssize_t vms_show(struct device *dev, struct device_attribute *attr,
			char *buf)
{
	return sysfs_emit(buf, "%d\n", atomic_read(&gunyah_live_vms));
}
static DEVICE_ATTR_RO(vms);

static struct attribute *gunyah_dev_attrs[] = {
	&dev_attr_pinned_pages.attr,
	&dev_attr_leaked_pages.attr,
	&dev_attr_vms.attr,
	NULL,
};
ATTRIBUTE_GROUPS(gunyah_dev);

/**
 * gunyah_vm_mgr_register() - Create /dev/gunyah for an RM connection
 * @rm: The RM connection; must work (VMs are created through it).
 *
 * Return: 0 on success, or a negative errno.
 */
int gunyah_vm_mgr_register(struct gunyah_rm *rm)
{
	rm->miscdev.minor = MISC_DYNAMIC_MINOR;
	rm->miscdev.name = "gunyah";
	rm->miscdev.fops = &gunyah_dev_fops;
	rm->miscdev.parent = rm->dev;
	rm->miscdev.groups = gunyah_dev_groups;

	return misc_register(&rm->miscdev);
}

/**
 * gunyah_vm_mgr_unregister() - Remove /dev/gunyah
 * @rm: The RM connection given to gunyah_vm_mgr_register().
 *
 * Files already open keep their reference to @rm; their calls fail once the
 * connection is stopped.
 */
void gunyah_vm_mgr_unregister(struct gunyah_rm *rm)
{
	misc_deregister(&rm->miscdev);
}
