// SPDX-License-Identifier: GPL-2.0-only
/*
 * Gunyah vCPU function: a file descriptor per vCPU, run by proxy scheduling
 * (the host thread donates its time with the vcpu_run hypercall).
 */

#include <linux/anon_inodes.h>
#include <linux/file.h>
#include <linux/gunyah.h>
#include <linux/interrupt.h>
#include <linux/jiffies.h>
#include <linux/kref.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/unaligned.h>
#include <linux/wait.h>

#include "rsc_mgr.h"
#include "vm_mgr.h"

/* data0 bit of POWERED_OFF: the whole VM exited */
#define GUNYAH_VCPU_POWERED_OFF_VM_EXITED	BIT_ULL(0)

/* vcpu_run BUSY this long while the VM runs is worth a log line */
#define GUNYAH_VCPU_BUSY_WARN			(10 * HZ)

/* resume1 actions of vcpu_run after an MMIO access or a page fault */
#define GUNYAH_ADDRSPACE_VMMIO_ACTION_EMULATE	0
#define GUNYAH_ADDRSPACE_VMMIO_ACTION_RETRY	1
#define GUNYAH_ADDRSPACE_VMMIO_ACTION_FAULT	2

/**
 * enum gunyah_vcpu_pending - What the next GH_VCPU_RUN must complete
 * @GUNYAH_VCPU_PENDING_NONE: Nothing.
 * @GUNYAH_VCPU_PENDING_MMIO_READ: An MMIO read: pass the value.
 * @GUNYAH_VCPU_PENDING_MMIO_WRITE: An MMIO write: pass the action.
 * @GUNYAH_VCPU_PENDING_PAGE_FAULT: A page fault: pass the action.
 */
enum gunyah_vcpu_pending {
	GUNYAH_VCPU_PENDING_NONE,
	GUNYAH_VCPU_PENDING_MMIO_READ,
	GUNYAH_VCPU_PENDING_MMIO_WRITE,
	GUNYAH_VCPU_PENDING_PAGE_FAULT,
};

/**
 * struct gunyah_vcpu - A vCPU
 * @f: The function instance; NULL once removed.
 * @ghvm: The VM; a reference is held by the vCPU file.
 * @kref: References: the function instance and the vCPU file.
 * @id: vCPU index (label of its hyp resource).
 * @ticket: Claim on the vCPU hyp resource.
 * @rsc: The hyp resource once the VM started, else NULL. Written with
 *       @run_lock and the VM lock held.
 * @run: The run page, shared with userspace.
 * @run_lock: Serializes GH_VCPU_RUN; protects @pending.
 * @pending: &enum gunyah_vcpu_pending.
 * @wakeup: The wakeup interrupt fired since the last vcpu_run.
 * @unbinding: The vCPU is being removed: runs end.
 */
struct gunyah_vcpu {
	struct gunyah_vm_function_instance *f;
	struct gunyah_vm *ghvm;
	struct kref kref;
	u32 id;
	struct gunyah_vm_resource_ticket ticket;
	struct gunyah_resource *rsc;
	struct gunyah_vcpu_run *run;
	struct mutex run_lock; /* see above */
	enum gunyah_vcpu_pending pending;
	bool wakeup;
	bool unbinding;
};

static void gunyah_vcpu_release_kref(struct kref *kref)
{
	struct gunyah_vcpu *vcpu = container_of(kref, struct gunyah_vcpu, kref);

	free_page((unsigned long)vcpu->run);
	mutex_destroy(&vcpu->run_lock);
	kfree(vcpu);
}

static void gunyah_vcpu_put(struct gunyah_vcpu *vcpu)
{
	kref_put(&vcpu->kref, gunyah_vcpu_release_kref);
}

static irqreturn_t gunyah_vcpu_irq_handler(int irq, void *data)
{
	struct gunyah_vcpu *vcpu = data;

	WRITE_ONCE(vcpu->wakeup, true);
	wake_up_all(&vcpu->ghvm->vcpu_wait);

	return IRQ_HANDLED;
}

static void gunyah_vcpu_exit_status(struct gunyah_vcpu *vcpu, u32 status,
				    const struct gunyah_vm_exit_info *info)
{
	struct gunyah_vcpu_run *run = vcpu->run;

	run->exit_reason = GUNYAH_VCPU_EXIT_STATUS;
	memset(&run->status, 0, sizeof(run->status));
	run->status.status = status;
	if (info)
		run->status.exit_info = *info;
}

/*
 * An exiting VM: wait for the RM's VM_EXITED, at most exit_timeout_ms from
 * when the exit began. Returns 0 once the exit is known (or the wait ran
 * out: then it is known without type and reason), -EINTR on a signal,
 * -ENODEV when the vCPU is being removed.
 */
static int gunyah_vcpu_wait_exit(struct gunyah_vcpu *vcpu)
{
	struct gunyah_vm *ghvm = vcpu->ghvm;
	long left;

	left = wait_event_interruptible_timeout(ghvm->vcpu_wait,
						gunyah_vm_exit_state(ghvm, NULL) ==
						GUNYAH_VM_EXIT_DONE ||
						READ_ONCE(vcpu->unbinding),
						gunyah_vm_exit_wait_left(ghvm));
	if (left < 0)
		return -EINTR;
	if (READ_ONCE(vcpu->unbinding))
		return -ENODEV;
	if (!left)
		gunyah_vm_exit_timeout(ghvm);
	return 0;
}

/*
 * Fill the run page with the VM's status: 1 when GH_VCPU_RUN must return it,
 * 0 while the VM runs, or a negative errno. An exit is reported only once
 * the RM said how the VM exited: its exit type and reason, verbatim. Called
 * after gunyah_vm_ensure_started(): a VM still in a state of its start (up
 * to READY) failed to start.
 */
static int gunyah_vcpu_check_vm_status(struct gunyah_vcpu *vcpu)
{
	struct gunyah_vm_exit_info info;
	int ret;

	for (;;) {
		switch (gunyah_vm_run_state(vcpu->ghvm, &info)) {
		case GUNYAH_VM_RUN_RUNNING:
			return 0;
		case GUNYAH_VM_RUN_EXITED:
			gunyah_vcpu_exit_status(vcpu, GUNYAH_VM_STATUS_EXITED,
						&info);
			return 1;
		case GUNYAH_VM_RUN_START_FAILED:
			gunyah_vcpu_exit_status(vcpu,
						GUNYAH_VM_STATUS_LOAD_FAILED,
						NULL);
			return 1;
		default:
			/* Exiting: afterwards the exit is known. */
			ret = gunyah_vcpu_wait_exit(vcpu);
			if (ret)
				return ret;
			break;
		}
	}
}

static bool gunyah_vcpu_should_wake(struct gunyah_vcpu *vcpu)
{
	return READ_ONCE(vcpu->wakeup) || READ_ONCE(vcpu->unbinding) ||
	       gunyah_vm_exit_state(vcpu->ghvm, NULL) != GUNYAH_VM_EXIT_NONE ||
	       gunyah_vm_status(vcpu->ghvm, NULL) != GUNYAH_RM_VM_STATUS_RUNNING;
}

/*
 * vcpu_run returned BUSY: the vCPU is not the host's to run now. On the real
 * Gunyah this is the RM running the vCPUs itself while it halts the VM (after
 * a guest's SYSTEM_OFF or SYSTEM_RESET), until the VM has exited: sleep a
 * tick, or until the VM's status changes, and call again. A VM that stays
 * BUSY for long while the RM says it runs is logged, not failed: the VMM
 * may still stop it with a signal.
 */
static int gunyah_vcpu_busy(struct gunyah_vcpu *vcpu, unsigned long *since)
{
	struct gunyah_vm *ghvm = vcpu->ghvm;
	long ret;

	if (!*since) {
		*since = jiffies ?: 1;
	} else if (time_after(jiffies, *since + GUNYAH_VCPU_BUSY_WARN)) {
		dev_warn_ratelimited(ghvm->rm->dev,
				     "VM %u vCPU %u: vcpu_run busy for %u s and the RM reports no exit\n",
				     ghvm->vmid, vcpu->id,
				     jiffies_to_msecs(jiffies - *since) / 1000);
	}

	ret = wait_event_interruptible_timeout(ghvm->vcpu_wait,
					       gunyah_vcpu_should_wake(vcpu), 1);
	return ret < 0 ? -EINTR : 0;
}

static u64 gunyah_vcpu_resume_action(u8 action)
{
	switch (action) {
	case GUNYAH_VCPU_RESUME_FAULT:
		return GUNYAH_ADDRSPACE_VMMIO_ACTION_FAULT;
	case GUNYAH_VCPU_RESUME_RETRY:
		return GUNYAH_ADDRSPACE_VMMIO_ACTION_RETRY;
	default:
		return GUNYAH_ADDRSPACE_VMMIO_ACTION_EMULATE;
	}
}

/* Turn what userspace left in the run page into resume data. */
static void gunyah_vcpu_resume_data(struct gunyah_vcpu *vcpu, u64 *resume)
{
	struct gunyah_vcpu_run *run = vcpu->run;
	u8 data[8];
	u32 len;

	switch (vcpu->pending) {
	case GUNYAH_VCPU_PENDING_MMIO_READ:
		len = min_t(u32, READ_ONCE(run->mmio.len), sizeof(data));
		memset(data, 0, sizeof(data));
		memcpy(data, run->mmio.data, len);
		resume[0] = get_unaligned_le64(data);
		fallthrough;
	case GUNYAH_VCPU_PENDING_MMIO_WRITE:
		resume[1] = gunyah_vcpu_resume_action(READ_ONCE(run->mmio.resume_action));
		break;
	case GUNYAH_VCPU_PENDING_PAGE_FAULT:
		resume[1] = gunyah_vcpu_resume_action(READ_ONCE(run->page_fault.resume_action));
		break;
	default:
		break;
	}
	vcpu->pending = GUNYAH_VCPU_PENDING_NONE;
}

/*
 * Handle one vcpu_run result. Returns 1 to call vcpu_run again, 0 to return
 * to userspace, or a negative errno.
 */
static int gunyah_vcpu_handle(struct gunyah_vcpu *vcpu,
			      const struct gunyah_hypercall_vcpu_run_resp *resp)
{
	struct gunyah_vcpu_run *run = vcpu->run;
	int ret;

	switch (resp->state) {
	case GUNYAH_VCPU_STATE_READY:
		cond_resched();
		return 1;
	case GUNYAH_VCPU_STATE_POWERED_OFF:
		/*
		 * The whole VM exited: how is the RM's to say, in VM_EXITED;
		 * the loop waits for it.
		 */
		if (resp->state_data[0] & GUNYAH_VCPU_POWERED_OFF_VM_EXITED) {
			gunyah_vm_exit_pending(vcpu->ghvm,
					       "vcpu_run reported the VM exited");
			return 1;
		}
		fallthrough;
	case GUNYAH_VCPU_STATE_EXPECTS_WAKEUP:
		/*
		 * Sleep until the wakeup interrupt (which may have fired
		 * already: the flag was cleared before vcpu_run) or the end
		 * of the VM.
		 */
		ret = wait_event_interruptible(vcpu->ghvm->vcpu_wait,
					       gunyah_vcpu_should_wake(vcpu));
		return ret ? -EINTR : 1;
	case GUNYAH_VCPU_STATE_BLOCKED:
		schedule_timeout_interruptible(1);
		return 1;
	case GUNYAH_VCPU_ADDRSPACE_VMMIO_READ:
	case GUNYAH_VCPU_ADDRSPACE_VMMIO_WRITE:
		if (resp->state_data[1] > sizeof(run->mmio.data) ||
		    !resp->state_data[1])
			return -EIO;
		/*
		 * A write that matches an ioeventfd completes here, without
		 * userspace: the resume data, zeroed after the call, tells the
		 * hypervisor the access was emulated.
		 */
		if (resp->state == GUNYAH_VCPU_ADDRSPACE_VMMIO_WRITE &&
		    gunyah_vm_mmio_write(vcpu->ghvm, resp->state_data[0],
					 resp->state_data[1],
					 resp->state_data[2]))
			return 1;
		run->exit_reason = GUNYAH_VCPU_EXIT_MMIO;
		run->mmio.phys_addr = resp->state_data[0];
		run->mmio.len = resp->state_data[1];
		run->mmio.resume_action = GUNYAH_VCPU_RESUME_HANDLED;
		memset(run->mmio.data, 0, sizeof(run->mmio.data));
		if (resp->state == GUNYAH_VCPU_ADDRSPACE_VMMIO_WRITE) {
			run->mmio.is_write = 1;
			put_unaligned_le64(resp->state_data[2], run->mmio.data);
			vcpu->pending = GUNYAH_VCPU_PENDING_MMIO_WRITE;
		} else {
			run->mmio.is_write = 0;
			vcpu->pending = GUNYAH_VCPU_PENDING_MMIO_READ;
		}
		return 0;
	case GUNYAH_VCPU_ADDRSPACE_PAGE_FAULT:
		run->exit_reason = GUNYAH_VCPU_EXIT_PAGE_FAULT;
		run->page_fault.phys_addr = resp->state_data[0];
		run->page_fault.attempt = -ENOENT;
		run->page_fault.resume_action = GUNYAH_VCPU_RESUME_FAULT;
		vcpu->pending = GUNYAH_VCPU_PENDING_PAGE_FAULT;
		return 0;
	case GUNYAH_VCPU_STATE_PSCI_SYSTEM_RESET:
		/*
		 * The RM halts the VM and reports the reset in VM_EXITED
		 * (PLATFORM_RESET, or PSCI_SYSTEM_RESET2): its type is the
		 * one reported, not one made up from this state.
		 */
		gunyah_vm_exit_pending(vcpu->ghvm,
				       "vcpu_run reported a PSCI system reset");
		return 1;
	case GUNYAH_VCPU_STATE_FAULT:
		gunyah_vcpu_exit_status(vcpu, GUNYAH_VM_STATUS_CRASHED, NULL);
		return 0;
	default:
		dev_warn_ratelimited(vcpu->ghvm->rm->dev,
				     "VM %u vCPU %u: unknown vcpu_run state %#llx\n",
				     vcpu->ghvm->vmid, vcpu->id, resp->state);
		return -EIO;
	}
}

static long gunyah_vcpu_run(struct gunyah_vcpu *vcpu)
{
	struct gunyah_hypercall_vcpu_run_resp resp;
	u64 resume[3] = { 0 };
	unsigned long busy_since = 0;
	enum gunyah_error gh_error;
	int ret;

	/* As v14/v17: running a vCPU starts the VM. */
	ret = gunyah_vm_ensure_started(vcpu->ghvm);
	if (ret)
		return ret;

	if (mutex_lock_interruptible(&vcpu->run_lock))
		return -EINTR;

	if (!vcpu->rsc || READ_ONCE(vcpu->unbinding)) {
		/* The VM ended, or the RM gave no resource for this vCPU. */
		ret = gunyah_vcpu_check_vm_status(vcpu);
		if (ret > 0)
			ret = 0;
		else if (!ret)
			ret = -ENODEV;
		goto out;
	}

	gunyah_vcpu_resume_data(vcpu, resume);

	for (;;) {
		if (READ_ONCE(vcpu->run->immediate_exit) ||
		    signal_pending(current)) {
			ret = -EINTR;
			break;
		}
		if (READ_ONCE(vcpu->unbinding)) {
			ret = -ENODEV;
			break;
		}
		ret = gunyah_vcpu_check_vm_status(vcpu);
		if (ret) {
			if (ret > 0)
				ret = 0;
			break;
		}

		/* Pairs with the interrupt handler: no lost wakeup. */
		smp_store_mb(vcpu->wakeup, false);

		gh_error = gunyah_hypercall_vcpu_run(vcpu->rsc->capid, resume,
						     &resp);
		memset(resume, 0, sizeof(resume));

		if (gh_error == GUNYAH_ERROR_RETRY) {
			cond_resched();
			continue;
		}
		if (gh_error == GUNYAH_ERROR_BUSY) {
			ret = gunyah_vcpu_busy(vcpu, &busy_since);
			if (ret)
				break;
			continue;
		}
		busy_since = 0;
		if (gh_error != GUNYAH_ERROR_OK) {
			ret = gunyah_error_remap(gh_error);
			break;
		}

		ret = gunyah_vcpu_handle(vcpu, &resp);
		if (ret <= 0)
			break;
	}

out:
	mutex_unlock(&vcpu->run_lock);
	return ret;
}

static long gunyah_vcpu_ioctl(struct file *filp, unsigned int cmd,
			      unsigned long arg)
{
	struct gunyah_vcpu *vcpu = filp->private_data;

	switch (cmd) {
	case GUNYAH_VCPU_RUN:
		return gunyah_vcpu_run(vcpu);
	case GUNYAH_VCPU_MMAP_SIZE:
		return PAGE_SIZE;
	default:
		return -ENOTTY;
	}
}

static int gunyah_vcpu_release(struct inode *inode, struct file *filp)
{
	struct gunyah_vcpu *vcpu = filp->private_data;
	struct gunyah_vm *ghvm = vcpu->ghvm;

	gunyah_vcpu_put(vcpu);
	gunyah_vm_put(ghvm);
	return 0;
}

static vm_fault_t gunyah_vcpu_fault(struct vm_fault *vmf)
{
	struct gunyah_vcpu *vcpu = vmf->vma->vm_file->private_data;
	struct page *page;

	if (vmf->pgoff)
		return VM_FAULT_SIGBUS;

	page = virt_to_page(vcpu->run);
	get_page(page);
	vmf->page = page;
	return 0;
}

static const struct vm_operations_struct gunyah_vcpu_ops = {
	.fault = gunyah_vcpu_fault,
};

static int gunyah_vcpu_mmap(struct file *file, struct vm_area_struct *vma)
{
	if (vma->vm_pgoff || vma_pages(vma) > 1)
		return -EINVAL;
	vma->vm_ops = &gunyah_vcpu_ops;
	return 0;
}

static const struct file_operations gunyah_vcpu_fops = {
	.owner = THIS_MODULE,
	.unlocked_ioctl = gunyah_vcpu_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
	.release = gunyah_vcpu_release,
	.mmap = gunyah_vcpu_mmap,
	.llseek = noop_llseek,
};

static bool gunyah_vcpu_populate(struct gunyah_vm_resource_ticket *ticket,
				 struct gunyah_resource *ghrsc)
{
	struct gunyah_vcpu *vcpu = container_of(ticket, struct gunyah_vcpu,
						ticket);
	struct gunyah_rm *rm = vcpu->ghvm->rm;
	int irq, ret;

	if (vcpu->rsc)
		return false;

	irq = gunyah_rm_virq_to_irq(rm, ghrsc->virq);
	if (irq < 0) {
		dev_err(rm->dev, "VM %u vCPU %u: no Linux irq for virq %u: %d\n",
			vcpu->ghvm->vmid, vcpu->id, ghrsc->virq, irq);
		return false;
	}

	ret = request_irq(irq, gunyah_vcpu_irq_handler, 0, "gunyah_vcpu",
			  vcpu);
	if (ret) {
		dev_err(rm->dev, "VM %u vCPU %u: failed to request irq %d: %d\n",
			vcpu->ghvm->vmid, vcpu->id, irq, ret);
		gunyah_rm_irq_dispose(irq);
		return false;
	}
	ghrsc->irq = irq;

	mutex_lock(&vcpu->run_lock);
	vcpu->rsc = ghrsc;
	mutex_unlock(&vcpu->run_lock);

	return true;
}

static void gunyah_vcpu_unpopulate(struct gunyah_vm_resource_ticket *ticket,
				   struct gunyah_resource *ghrsc)
{
	struct gunyah_vcpu *vcpu = container_of(ticket, struct gunyah_vcpu,
						ticket);

	/* Make a running GH_VCPU_RUN return, then wait for it. */
	WRITE_ONCE(vcpu->unbinding, true);
	wake_up_all(&vcpu->ghvm->vcpu_wait);

	mutex_lock(&vcpu->run_lock);
	vcpu->rsc = NULL;
	mutex_unlock(&vcpu->run_lock);

	free_irq(ghrsc->irq, vcpu);
	gunyah_rm_irq_dispose(ghrsc->irq);
	ghrsc->irq = 0;
}

static long gunyah_vcpu_bind(struct gunyah_vm_function_instance *f)
{
	const struct gunyah_fn_vcpu_arg *arg = f->argp;
	struct gunyah_vm_function_instance *other;
	struct gunyah_vcpu *vcpu;
	struct file *filp;
	char name[32];
	long ret;
	int fd;

	if (f->arg_size != sizeof(*arg))
		return -EINVAL;

	list_for_each_entry(other, &f->ghvm->functions, vm_list) {
		if (other->fn == f->fn &&
		    ((struct gunyah_fn_vcpu_arg *)other->argp)->id == arg->id)
			return -EEXIST;
	}

	vcpu = kzalloc(sizeof(*vcpu), GFP_KERNEL);
	if (!vcpu)
		return -ENOMEM;

	vcpu->run = (void *)get_zeroed_page(GFP_KERNEL);
	if (!vcpu->run) {
		kfree(vcpu);
		return -ENOMEM;
	}

	vcpu->f = f;
	vcpu->ghvm = f->ghvm;
	vcpu->id = arg->id;
	kref_init(&vcpu->kref);
	mutex_init(&vcpu->run_lock);
	f->data = vcpu;

	vcpu->ticket.resource_type = GUNYAH_RESOURCE_TYPE_VCPU;
	vcpu->ticket.label = arg->id;
	vcpu->ticket.populate = gunyah_vcpu_populate;
	vcpu->ticket.unpopulate = gunyah_vcpu_unpopulate;
	ret = gunyah_vm_add_resource_ticket(f->ghvm, &vcpu->ticket);
	if (ret)
		goto err_put;

	fd = get_unused_fd_flags(O_CLOEXEC);
	if (fd < 0) {
		ret = fd;
		goto err_ticket;
	}

	snprintf(name, sizeof(name), "gunyah-vcpu:%u", vcpu->id);
	/* The file holds a reference to the vCPU and one to the VM. */
	kref_get(&vcpu->kref);
	gunyah_vm_get(f->ghvm);
	filp = anon_inode_getfile(name, &gunyah_vcpu_fops, vcpu, O_RDWR);
	if (IS_ERR(filp)) {
		ret = PTR_ERR(filp);
		gunyah_vm_put(f->ghvm);
		gunyah_vcpu_put(vcpu);
		put_unused_fd(fd);
		goto err_ticket;
	}
	fd_install(fd, filp);
	atomic_inc(&gunyah_vm_stats.vcpus);

	return fd;

err_ticket:
	gunyah_vm_remove_resource_ticket(f->ghvm, &vcpu->ticket);
err_put:
	gunyah_vcpu_put(vcpu);
	return ret;
}

static void gunyah_vcpu_unbind(struct gunyah_vm_function_instance *f)
{
	struct gunyah_vcpu *vcpu = f->data;

	gunyah_vm_remove_resource_ticket(f->ghvm, &vcpu->ticket);
	vcpu->f = NULL;
	gunyah_vcpu_put(vcpu);
	atomic_dec(&gunyah_vm_stats.vcpus);
}

static bool gunyah_vcpu_compare(const struct gunyah_vm_function_instance *f,
				const void *arg, size_t size)
{
	const struct gunyah_fn_vcpu_arg *instance = f->argp, *other = arg;

	if (size != sizeof(*other))
		return false;

	return instance->id == other->id;
}

const struct gunyah_vm_function gunyah_vcpu_function = {
	.type = GUNYAH_FN_VCPU,
	.name = "vcpu",
	.after_start = false,
	.bind = gunyah_vcpu_bind,
	.unbind = gunyah_vcpu_unbind,
	.compare = gunyah_vcpu_compare,
};
