// SPDX-License-Identifier: GPL-2.0-only
/*
 * Gunyah VM manager: /dev/gunyah and the VM file descriptors.
 */

#include <linux/anon_inodes.h>
#include <linux/device.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/miscdevice.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/stddef.h>

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

static struct gunyah_vm *gunyah_vm_alloc(struct gunyah_rm *rm)
{
	struct gunyah_vm *ghvm;
	int vmid;

	ghvm = kzalloc(sizeof(*ghvm), GFP_KERNEL);
	if (!ghvm)
		return ERR_PTR(-ENOMEM);

	vmid = gunyah_rm_alloc_vmid(rm, 0);
	if (vmid < 0) {
		kfree(ghvm);
		return ERR_PTR(vmid);
	}

	kref_init(&ghvm->kref);
	ghvm->rm = gunyah_rm_get(rm);
	ghvm->vmid = vmid;

	return ghvm;
}

static void gunyah_vm_free(struct kref *kref)
{
	struct gunyah_vm *ghvm = container_of(kref, struct gunyah_vm, kref);
	int ret;

	ret = gunyah_rm_dealloc_vmid(ghvm->rm, ghvm->vmid);
	if (ret)
		dev_warn(ghvm->rm->dev, "failed to deallocate VMID %u: %d\n",
			 ghvm->vmid, ret);

	gunyah_rm_put(ghvm->rm);
	kfree(ghvm);
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
 * The VM is destroyed, and its VMID returned to the RM, when the last
 * reference goes.
 *
 * Context: Process context; sleeps.
 */
void gunyah_vm_put(struct gunyah_vm *ghvm)
{
	kref_put(&ghvm->kref, gunyah_vm_free);
}

static long gunyah_vm_ioctl(struct file *filp, unsigned int cmd,
			    unsigned long arg)
{
	/* The VM ioctls come with the VM configuration and vCPU support. */
	return -ENOTTY;
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
