/* SPDX-License-Identifier: GPL-2.0-only WITH Linux-syscall-note */
/*
 * Userspace interface for /dev/gunyah: create and run virtual machines under
 * the Gunyah hypervisor.
 *
 * Three published generations of this interface share one ioctl number space,
 * and this header serves each of them unchanged (see
 * Documentation/virt/gunyah/abi-generations.rst):
 *
 * - v14: the GH_* and gh_* names of the Linux series posted to LKML (v14,
 *   June 2023) and of the Android Common Kernel android14-6.1, with its
 *   GH_ANDROID_* extensions. QEMU's Gunyah accelerator and crosvm use them.
 *   Their enums, enum constants and struct tags are distinct C types here, as
 *   v14 defined them, each with the layout of its GUNYAH_* counterpart; they
 *   are grouped at the end of this file.
 * - Android: the Android Common Kernel android15-6.6 and android16-6.12, which
 *   bionic's linux/gunyah.h is generated from: the GUNYAH_* core names, plus
 *   GH_VM_SET_USER_MEM_REGION and the GH_ANDROID_* ioctls on
 *   struct gunyah_userspace_memory_region and
 *   struct gunyah_vm_firmware_config, and GH_VM_RECLAIM_REGION.
 * - v17: the GUNYAH_* names of the series posted to LKML in February 2024
 *   (never merged; gunyah-test-vmm uses them). Where v17 and Android disagree,
 *   on the GUNYAH_VM_MAP_MEM flags, this header has Android's values.
 *
 * A few aliases (GUNYAH_* names of Android's GH_* ioctls and the reverse)
 * belong to no generation; they are kept for this project's own tools.
 */

#ifndef _UAPI_LINUX_GUNYAH_H
#define _UAPI_LINUX_GUNYAH_H

#include <linux/types.h>
#include <linux/ioctl.h>

#define GUNYAH_IOCTL_TYPE		'G'

/* Android Common Kernel extensions use their own ioctl type. */
#define GH_ANDROID_IOCTL_TYPE		'A'
#define GUNYAH_ANDROID_IOCTL_TYPE	GH_ANDROID_IOCTL_TYPE

/*
 * ioctls for /dev/gunyah
 */

/**
 * define GUNYAH_CREATE_VM - Create a virtual machine
 *
 * Issued on /dev/gunyah with an argument of 0 (any other value is rejected
 * with EINVAL). Allocates a VM identifier from the Resource Manager.
 *
 * Return: a new file descriptor (close-on-exec) for the VM.
 */
#define GUNYAH_CREATE_VM		_IO(GUNYAH_IOCTL_TYPE, 0x0)

/**
 * define GUNYAH_VCPU_MMAP_SIZE - Size of the vCPU run page
 *
 * Issued on /dev/gunyah. The vCPU file descriptor is mmap()ed with this size
 * at offset 0 to access &struct gunyah_vcpu_run.
 *
 * Return: the size, in bytes, of the mapping.
 */
#define GUNYAH_VCPU_MMAP_SIZE		_IO(GUNYAH_IOCTL_TYPE, 0x6)

/**
 * enum gunyah_mem_flags - Flags for &struct gunyah_create_mem_args (v17)
 * @GHMF_CLOEXEC: Create the guest memory file descriptor close-on-exec.
 * @GHMF_ALLOW_HUGEPAGE: Allow the guest memory to be backed by huge pages.
 */
enum gunyah_mem_flags {
	GHMF_CLOEXEC		= 1U << 0,
	GHMF_ALLOW_HUGEPAGE	= 1U << 1,
};

/**
 * struct gunyah_create_mem_args - Description of guest memory to create (v17)
 * @flags: See &enum gunyah_mem_flags.
 * @size: Size of the memory, in bytes; a multiple of the page size.
 * @reserved: Reserved, must be zero.
 */
struct gunyah_create_mem_args {
	__u64 flags;
	__u64 size;
	__u64 reserved[6];
};

/**
 * define GUNYAH_CREATE_GUEST_MEM - Create memory that can be given to a VM
 *
 * Issued on /dev/gunyah with a pointer to &struct gunyah_create_mem_args.
 * From v17.
 *
 * Return: a file descriptor for the guest memory, to be passed to
 * &GUNYAH_VM_MAP_MEM.
 */
#define GUNYAH_CREATE_GUEST_MEM		_IOW(GUNYAH_IOCTL_TYPE, 0x8, \
					     struct gunyah_create_mem_args)
#define GH_CREATE_GUEST_MEM		GUNYAH_CREATE_GUEST_MEM

/*
 * ioctls for VM file descriptors (returned by GUNYAH_CREATE_VM)
 */

/**
 * struct gunyah_userspace_memory_region - Userspace memory given to a VM
 * @label: Identifier of the region, unique within the VM.
 * @flags: Guest access rights: GUNYAH_MEM_ALLOW_READ, GUNYAH_MEM_ALLOW_WRITE
 *         and GUNYAH_MEM_ALLOW_EXEC (Android), or GH_MEM_ALLOW_READ,
 *         GH_MEM_ALLOW_WRITE and GH_MEM_ALLOW_EXEC (v14): the same bits.
 * @guest_phys_addr: Guest physical address of the region (page-aligned).
 * @memory_size: Size of the region in bytes (page-aligned).
 * @userspace_addr: Address of the memory in the caller's address space
 *                  (page-aligned).
 *
 * Android's name; v14's is &struct gh_userspace_memory_region.
 */
struct gunyah_userspace_memory_region {
	__u32 label;
	__u32 flags;
	__u64 guest_phys_addr;
	__u64 memory_size;
	__u64 userspace_addr;
};

/**
 * define GH_VM_SET_USER_MEM_REGION - Share userspace memory with a VM
 *
 * Takes a pointer to &struct gunyah_userspace_memory_region (or to the same
 * layout, &struct gh_userspace_memory_region). The memory is shared: the host
 * keeps access to it while the VM runs. From v14 and Android.
 *
 * Return: 0 on success.
 */
#define GH_VM_SET_USER_MEM_REGION	_IOW(GUNYAH_IOCTL_TYPE, 0x1, \
					     struct gunyah_userspace_memory_region)
#define GUNYAH_VM_SET_USER_MEM_REGION	GH_VM_SET_USER_MEM_REGION

/**
 * define GH_VM_ANDROID_LEND_USER_MEM - Lend userspace memory to a VM
 *
 * Takes a pointer to &struct gunyah_userspace_memory_region (or to
 * &struct gh_userspace_memory_region). The memory is lent: the host loses
 * access to it while the VM owns it. An Android extension (android14-6.1 on).
 *
 * Return: 0 on success.
 */
#define GH_VM_ANDROID_LEND_USER_MEM	_IOW(GH_ANDROID_IOCTL_TYPE, 0x11, \
					     struct gunyah_userspace_memory_region)
#define GUNYAH_VM_ANDROID_LEND_USER_MEM	GH_VM_ANDROID_LEND_USER_MEM

/**
 * struct gunyah_vm_dtb_config - Location of the VM's devicetree blob
 * @guest_phys_addr: Guest physical address of the devicetree.
 * @size: Size of the devicetree region, including room for the overlay that
 *        the Resource Manager applies to it; the blob itself may be smaller.
 */
struct gunyah_vm_dtb_config {
	__u64 guest_phys_addr;
	__u64 size;
};

/**
 * define GUNYAH_VM_SET_DTB_CONFIG - Set the location of the VM's devicetree
 *
 * Takes a pointer to &struct gunyah_vm_dtb_config. Only before the VM starts.
 *
 * Return: 0 on success.
 */
#define GUNYAH_VM_SET_DTB_CONFIG	_IOW(GUNYAH_IOCTL_TYPE, 0x2, \
					     struct gunyah_vm_dtb_config)

/**
 * define GUNYAH_VM_START - Start the VM
 *
 * Configures the VM with the Resource Manager and starts it. Starting a VM
 * that is already running succeeds.
 *
 * Return: 0 on success.
 */
#define GUNYAH_VM_START			_IO(GUNYAH_IOCTL_TYPE, 0x3)

/**
 * enum gunyah_fn_type - Types of VM functions
 * @GUNYAH_FN_VCPU: A vCPU. &struct gunyah_fn_desc.arg points to
 *                  &struct gunyah_fn_vcpu_arg; adding the function returns a
 *                  vCPU file descriptor.
 * @GUNYAH_FN_IRQFD: An eventfd that raises a doorbell interrupt in the VM.
 *                   &struct gunyah_fn_desc.arg points to
 *                   &struct gunyah_fn_irqfd_arg.
 * @GUNYAH_FN_IOEVENTFD: An eventfd signalled by guest writes to an MMIO
 *                       address. &struct gunyah_fn_desc.arg points to
 *                       &struct gunyah_fn_ioeventfd_arg.
 */
enum gunyah_fn_type {
	GUNYAH_FN_VCPU = 1,
	GUNYAH_FN_IRQFD = 2,
	GUNYAH_FN_IOEVENTFD = 3,
};

#define GUNYAH_FN_MAX_ARG_SIZE		256

/**
 * struct gunyah_fn_vcpu_arg - Argument of a vCPU function
 * @id: Index of the vCPU in the VM.
 */
struct gunyah_fn_vcpu_arg {
	__u32 id;
};

/**
 * enum gunyah_irqfd_flags - Flags of &struct gunyah_fn_irqfd_arg
 * @GUNYAH_IRQFD_FLAGS_LEVEL: The interrupt is a level one in the guest: a
 *                            signal asserts the line, and it stays asserted
 *                            until the guest takes the interrupt; it asserts
 *                            again only on the next signal. One interrupt
 *                            per signal; signals given before the guest took
 *                            the interrupt merge. The doorbell's DT node
 *                            should say level-high. Without this flag the
 *                            interrupt is an edge one, also one per signal.
 */
enum gunyah_irqfd_flags {
	GUNYAH_IRQFD_FLAGS_LEVEL = 1U << 0,
};

/**
 * struct gunyah_fn_irqfd_arg - Argument of an irqfd function
 * @fd: An eventfd; writing to it raises the doorbell. A signal pending when
 *      the irqfd is added, or given before the VM started, is delivered
 *      when the doorbell exists.
 * @label: Label of the doorbell in the VM's devicetree; unique in the VM
 *         (EEXIST otherwise). Starting the VM fails with ENODEV when the
 *         devicetree has no doorbell with this label (adding the irqfd does,
 *         after the start).
 * @flags: See &enum gunyah_irqfd_flags; other bits are rejected (EINVAL).
 * @padding: Padding, ignored (QEMU's Gunyah accelerator leaves it
 *            uninitialised); set it to zero.
 *
 * GUNYAH_VM_REMOVE_FUNCTION finds the irqfd by @label only. Closing the
 * eventfd does not remove the irqfd.
 */
struct gunyah_fn_irqfd_arg {
	__u32 fd;
	__u32 label;
	__u32 flags;
	__u32 padding;
};

/**
 * enum gunyah_ioeventfd_flags - Flags of &struct gunyah_fn_ioeventfd_arg
 * @GUNYAH_IOEVENTFD_FLAGS_DATAMATCH: Signal the eventfd only when the written
 *                                    value equals
 *                                    &struct gunyah_fn_ioeventfd_arg.datamatch.
 *
 * crosvm passes 1 << 1 for datamatch: Linux accepts that bit as a synonym of
 * GUNYAH_IOEVENTFD_FLAGS_DATAMATCH. Other bits are rejected (EINVAL).
 */
enum gunyah_ioeventfd_flags {
	GUNYAH_IOEVENTFD_FLAGS_DATAMATCH = 1U << 0,
};

/**
 * struct gunyah_fn_ioeventfd_arg - Argument of an ioeventfd function
 * @datamatch: Value compared with the written data (its first @len bytes)
 *             when GUNYAH_IOEVENTFD_FLAGS_DATAMATCH is set.
 * @addr: Guest physical address of the MMIO register.
 * @len: Access size: 1, 2, 4 or 8 bytes, or 0 for a write of any size at
 *       @addr (not with datamatch). [@addr, @addr + max(@len, 1)) must not
 *       wrap around.
 * @fd: The eventfd to signal.
 * @flags: See &enum gunyah_ioeventfd_flags.
 * @padding: Padding, ignored (QEMU's Gunyah accelerator leaves it
 *            uninitialised); set it to zero.
 *
 * A guest write that matches completes in the kernel: the eventfd is
 * signalled and the vCPU resumes without GUNYAH_VCPU_RUN returning.
 * Registrations whose ranges [@addr, @addr + max(@len, 1)) overlap are
 * rejected with EEXIST, except several with datamatch at the same @addr and
 * @len and different values. GUNYAH_VM_REMOVE_FUNCTION finds the ioeventfd
 * by @addr, @len and datamatch (with its value), not by @fd.
 */
struct gunyah_fn_ioeventfd_arg {
	__u64 datamatch;
	__u64 addr;
	__u32 len;
	__s32 fd;
	__u32 flags;
	__u32 padding;
};

/**
 * struct gunyah_fn_desc - Description of a VM function
 * @type: See &enum gunyah_fn_type.
 * @arg_size: Size of the argument at @arg; at most GUNYAH_FN_MAX_ARG_SIZE.
 * @arg: Pointer to the argument of the function.
 */
struct gunyah_fn_desc {
	__u32 type;
	__u32 arg_size;
	__u64 arg;
};

/**
 * define GUNYAH_VM_ADD_FUNCTION - Add a function (vCPU, irqfd, ioeventfd)
 *
 * Takes a pointer to &struct gunyah_fn_desc.
 *
 * Return: a vCPU file descriptor for GUNYAH_FN_VCPU, 0 for the other types.
 */
#define GUNYAH_VM_ADD_FUNCTION		_IOW(GUNYAH_IOCTL_TYPE, 0x4, \
					     struct gunyah_fn_desc)

/**
 * define GUNYAH_VM_REMOVE_FUNCTION - Remove a function added before
 *
 * Takes a pointer to &struct gunyah_fn_desc identifying the function.
 *
 * Return: 0 on success.
 */
#define GUNYAH_VM_REMOVE_FUNCTION	_IOW(GUNYAH_IOCTL_TYPE, 0x7, \
					     struct gunyah_fn_desc)

/**
 * enum gunyah_map_flags - Flags of &struct gunyah_map_mem_args (Android)
 * @GUNYAH_MEM_ALLOW_READ: The guest may read the memory.
 * @GUNYAH_MEM_ALLOW_WRITE: The guest may write the memory.
 * @GUNYAH_MEM_ALLOW_EXEC: The guest may execute from the memory.
 * @GUNYAH_MEM_ALLOW_RWX: All of the guest access rights.
 * @GUNYAH_MEM_DEFAULT_ACCESS: Default host access for the VM type (lend).
 * @GUNYAH_MEM_FORCE_LEND: The host loses access while the VM owns the memory.
 * @GUNYAH_MEM_FORCE_SHARE: The host keeps access to the memory.
 * @GUNYAH_MEM_UNMAP: Remove the mapping instead of adding it.
 *
 * The layout of the Android Common Kernel, which ships: guest rights in bits
 * 0 to 2 (as GH_MEM_ALLOW_*), the host access type a value in
 * GUNYAH_MEM_ACCESS_MASK. v17 had the same names with other values (access
 * type 0/1/2 in bits 0 to 2, rights in bits 4 to 6, mask 0x7); those are not
 * served: a v17 client rebuilt against this header gets Android's values.
 */
enum gunyah_map_flags {
	GUNYAH_MEM_ALLOW_READ = 1U << 0,
	GUNYAH_MEM_ALLOW_WRITE = 1U << 1,
	GUNYAH_MEM_ALLOW_EXEC = 1U << 2,
	GUNYAH_MEM_ALLOW_RWX = GUNYAH_MEM_ALLOW_READ | GUNYAH_MEM_ALLOW_WRITE |
			       GUNYAH_MEM_ALLOW_EXEC,

	GUNYAH_MEM_DEFAULT_ACCESS = 0x00,
	GUNYAH_MEM_FORCE_LEND = 0x10,
	GUNYAH_MEM_FORCE_SHARE = 0x20,
#define GUNYAH_MEM_ACCESS_MASK		0x70

	GUNYAH_MEM_UNMAP = 1U << 8,
};

/**
 * struct gunyah_map_mem_args - Map guest memory into a VM
 * @guest_addr: Guest physical address of the mapping.
 * @flags: See &enum gunyah_map_flags.
 * @guest_mem_fd: File descriptor returned by GUNYAH_CREATE_GUEST_MEM.
 * @offset: Offset of the mapping in the guest memory file.
 * @size: Size of the mapping in bytes.
 */
struct gunyah_map_mem_args {
	__u64 guest_addr;
	__u32 flags;
	__u32 guest_mem_fd;
	__u64 offset;
	__u64 size;
};

/**
 * define GUNYAH_VM_MAP_MEM - Map (or unmap) guest memory into the VM
 *
 * Takes a pointer to &struct gunyah_map_mem_args. From v17 and Android.
 *
 * Return: 0 on success.
 */
#define GUNYAH_VM_MAP_MEM		_IOW(GUNYAH_IOCTL_TYPE, 0x9, \
					     struct gunyah_map_mem_args)
#define GH_VM_MAP_MEM			GUNYAH_VM_MAP_MEM

/**
 * enum gunyah_vm_boot_context_reg - Register sets of a boot context entry
 * @REG_SET_X: General purpose registers X0 to X31 (index 0 to 31).
 * @REG_SET_PC: The program counter (index 0).
 * @REG_SET_SP: The stack pointers SP_EL0 to SP_EL2 (index 0 to 2).
 */
enum gunyah_vm_boot_context_reg {
	REG_SET_X = 0,
	REG_SET_PC = 1,
	REG_SET_SP = 2,
};

#define GUNYAH_VM_BOOT_CONTEXT_REG_SHIFT	8
#define GUNYAH_VM_BOOT_CONTEXT_REG(reg, idx)				\
	((((reg) & 0xff) << GUNYAH_VM_BOOT_CONTEXT_REG_SHIFT) | ((idx) & 0xff))

/**
 * struct gunyah_vm_boot_context - Initial value of a register of the boot vCPU
 * @reg: The register: GUNYAH_VM_BOOT_CONTEXT_REG(set, index), with set from
 *       &enum gunyah_vm_boot_context_reg.
 * @reserved: Reserved, must be zero.
 * @value: Value of the register.
 */
struct gunyah_vm_boot_context {
	__u32 reg;
	__u32 reserved;
	__u64 value;
};

/**
 * define GUNYAH_VM_SET_BOOT_CONTEXT - Set a register of the boot vCPU
 *
 * Takes a pointer to &struct gunyah_vm_boot_context. Only before the VM
 * starts; an index out of range for the register set fails with EINVAL.
 *
 * Return: 0 on success.
 */
#define GUNYAH_VM_SET_BOOT_CONTEXT	_IOW(GUNYAH_IOCTL_TYPE, 0xa, \
					     struct gunyah_vm_boot_context)

/**
 * struct gunyah_vm_firmware_config - Location of the VM's firmware
 * @guest_phys_addr: Guest physical address of the firmware.
 * @size: Size of the firmware region in bytes.
 *
 * Android's name; v14's is &struct gh_vm_firmware_config.
 */
struct gunyah_vm_firmware_config {
	__u64 guest_phys_addr;
	__u64 size;
};

/**
 * define GH_VM_ANDROID_SET_FW_CONFIG - Set the location of the VM's firmware
 *
 * Takes a pointer to &struct gunyah_vm_firmware_config (or to
 * &struct gh_vm_firmware_config). Only before the VM starts. An Android
 * extension (android14-6.1 on).
 *
 * Return: 0 on success.
 */
#define GH_VM_ANDROID_SET_FW_CONFIG	_IOW(GH_ANDROID_IOCTL_TYPE, 0x12, \
					     struct gunyah_vm_firmware_config)
#define GUNYAH_VM_ANDROID_SET_FW_CONFIG	GH_VM_ANDROID_SET_FW_CONFIG

/**
 * struct gunyah_address_range - A range of guest physical addresses
 * @guest_phys_addr: Guest physical address of the range (page-aligned).
 * @size: Size of the range in bytes (page-aligned).
 */
struct gunyah_address_range {
	__u64 guest_phys_addr;
	__u64 size;
};

/**
 * define GH_VM_RECLAIM_REGION - Take memory back from the VM
 *
 * Takes a pointer to &struct gunyah_address_range covering memory lent with
 * GH_VM_ANDROID_LEND_USER_MEM, typically on balloon inflation. An Android
 * extension (android16-6.12; crosvm's balloon).
 *
 * Return: 0 on success.
 */
#define GH_VM_RECLAIM_REGION		_IOW(GH_ANDROID_IOCTL_TYPE, 0x13, \
					     struct gunyah_address_range)
#define GUNYAH_VM_RECLAIM_REGION	GH_VM_RECLAIM_REGION

/*
 * ioctls for vCPU file descriptors (returned by GUNYAH_VM_ADD_FUNCTION)
 */

/**
 * enum gunyah_vm_status - Why the VM is no longer runnable
 * @GUNYAH_VM_STATUS_LOAD_FAILED: The VM could not be loaded.
 * @GUNYAH_VM_STATUS_EXITED: The VM shut down or requested a reset; see
 *                           &struct gunyah_vm_exit_info.
 * @GUNYAH_VM_STATUS_CRASHED: The VM crashed.
 */
enum gunyah_vm_status {
	GUNYAH_VM_STATUS_LOAD_FAILED = 1,
	GUNYAH_VM_STATUS_EXITED = 2,
	GUNYAH_VM_STATUS_CRASHED = 3,
};

/* Size of &struct gunyah_vm_exit_info.reason. */
#define GUNYAH_VM_MAX_EXIT_REASON_SIZE	8u

/**
 * struct gunyah_vm_exit_info - How the VM exited, as reported by Gunyah
 * @type: Exit type from the Resource Manager's VM_EXITED notification, as
 *        the RM sent it (0 VM exit, 1 platform off, 2 platform reset,
 *        3 PSCI SYSTEM_RESET2, 4 watchdog bite, 5 software error,
 *        6 asynchronous hardware error, 7 forced stop).
 * @padding: Padding.
 * @reason_size: Number of valid bytes in @reason.
 * @reason: Exit reason from the Resource Manager, little-endian, not
 *          interpreted by Linux.
 */
struct gunyah_vm_exit_info {
	__u16 type;
	__u16 padding;
	__u32 reason_size;
	__u8 reason[GUNYAH_VM_MAX_EXIT_REASON_SIZE];
};

/**
 * enum gunyah_vcpu_exit - Why GUNYAH_VCPU_RUN returned 0
 * @GUNYAH_VCPU_EXIT_UNKNOWN: Not used.
 * @GUNYAH_VCPU_EXIT_MMIO: The vCPU accessed an MMIO address that neither the
 *                         hypervisor nor Linux handles; see
 *                         &struct gunyah_vcpu_run.mmio.
 * @GUNYAH_VCPU_EXIT_STATUS: The VM is no longer runnable; see
 *                           &struct gunyah_vcpu_run.status.
 * @GUNYAH_VCPU_EXIT_PAGE_FAULT: The vCPU accessed guest memory that is not
 *                               mapped; see &struct gunyah_vcpu_run.page_fault.
 */
enum gunyah_vcpu_exit {
	GUNYAH_VCPU_EXIT_UNKNOWN = 0,
	GUNYAH_VCPU_EXIT_MMIO = 1,
	GUNYAH_VCPU_EXIT_STATUS = 2,
	GUNYAH_VCPU_EXIT_PAGE_FAULT = 3,
};

/**
 * enum gunyah_vcpu_resume_action - How to resume after an MMIO or page fault
 * @GUNYAH_VCPU_RESUME_HANDLED: The access was handled (for an MMIO read, the
 *                              value is in &struct gunyah_vcpu_run.mmio.data).
 * @GUNYAH_VCPU_RESUME_FAULT: The access cannot be handled: inject the fault
 *                            into the guest.
 * @GUNYAH_VCPU_RESUME_RETRY: Retry the faulting access, e.g. after mapping the
 *                            missing memory.
 */
enum gunyah_vcpu_resume_action {
	GUNYAH_VCPU_RESUME_HANDLED = 0,
	GUNYAH_VCPU_RESUME_FAULT = 1,
	GUNYAH_VCPU_RESUME_RETRY = 2,
};

/**
 * struct gunyah_vcpu_run - The vCPU run page, shared with userspace
 * @immediate_exit: Input: when set, GUNYAH_VCPU_RUN returns EINTR at once.
 * @padding: Padding.
 * @exit_reason: Output: see &enum gunyah_vcpu_exit.
 * @mmio: Valid when @exit_reason is GUNYAH_VCPU_EXIT_MMIO.
 * @mmio.phys_addr: Guest physical address of the access.
 * @mmio.data: The written value when @mmio.is_write is 1; filled in by
 *             userspace for reads.
 * @mmio.len: Size of the access; only the first @mmio.len bytes of
 *            @mmio.data are used.
 * @mmio.is_write: 1 for a write, 0 for a read.
 * @mmio.resume_action: Input: see &enum gunyah_vcpu_resume_action.
 * @status: Valid when @exit_reason is GUNYAH_VCPU_EXIT_STATUS.
 * @status.status: See &enum gunyah_vm_status.
 * @status.exit_info: Valid when @status.status is GUNYAH_VM_STATUS_EXITED.
 * @page_fault: Valid when @exit_reason is GUNYAH_VCPU_EXIT_PAGE_FAULT.
 * @page_fault.phys_addr: Guest physical address of the access.
 * @page_fault.attempt: Why Linux could not resolve the fault: -ENOENT when no
 *                      memory is mapped there, -EPERM when the access rights
 *                      do not allow the access.
 * @page_fault.resume_action: Input: see &enum gunyah_vcpu_resume_action.
 *
 * Obtained by mmap()ing a vCPU file descriptor at offset 0 with the size
 * returned by GUNYAH_VCPU_MMAP_SIZE. The union starts at offset 16.
 */
struct gunyah_vcpu_run {
	/* in */
	__u8 immediate_exit;
	__u8 padding[7];

	/* out */
	__u32 exit_reason;

	/* private: the union is anonymous, which C99 (unlike C11) lacks */
	__extension__
	/* public: */
	union {
		struct {
			__u64 phys_addr;
			__u8 data[8];
			__u32 len;
			__u8 is_write;
			__u8 resume_action;
		} mmio;

		struct {
			__u32 status;
			struct gunyah_vm_exit_info exit_info;
		} status;

		struct {
			__u64 phys_addr;
			__s32 attempt;
			__u8 resume_action;
		} page_fault;
	};
};

/**
 * define GUNYAH_VCPU_RUN - Run the vCPU
 *
 * Issued on a vCPU file descriptor. Runs the vCPU on the calling thread until
 * it needs userspace; the reason is in &struct gunyah_vcpu_run.
 *
 * Return: 0 when the run page holds an exit reason; fails with EINTR when a
 * signal is pending or &struct gunyah_vcpu_run.immediate_exit is set.
 */
#define GUNYAH_VCPU_RUN			_IO(GUNYAH_IOCTL_TYPE, 0x5)

/*
 * The v14 names (LKML v14, android14-6.1; QEMU's Gunyah accelerator, crosvm).
 *
 * The same ioctls, values and layouts as above, under the names, enum types
 * and struct tags v14 gave them, so that v14 clients compile unchanged. The
 * ioctl numbers are the same whichever of the two struct tags a client passes.
 */

#define GH_IOCTL_TYPE			GUNYAH_IOCTL_TYPE

#define GH_CREATE_VM			GUNYAH_CREATE_VM
#define GH_VCPU_MMAP_SIZE		GUNYAH_VCPU_MMAP_SIZE
#define GH_VM_SET_DTB_CONFIG		GUNYAH_VM_SET_DTB_CONFIG
#define GH_VM_START			GUNYAH_VM_START
#define GH_VM_ADD_FUNCTION		GUNYAH_VM_ADD_FUNCTION
#define GH_VM_REMOVE_FUNCTION		GUNYAH_VM_REMOVE_FUNCTION
#define GH_VCPU_RUN			GUNYAH_VCPU_RUN
/* Not in v14: crosvm's GH_ names for the boot context of v17. */
#define GH_VM_SET_BOOT_CONTEXT		GUNYAH_VM_SET_BOOT_CONTEXT
#define GH_VM_BOOT_CONTEXT_REG_SHIFT	GUNYAH_VM_BOOT_CONTEXT_REG_SHIFT
#define GH_VM_BOOT_CONTEXT_REG(reg, idx)	GUNYAH_VM_BOOT_CONTEXT_REG(reg, idx)

/**
 * enum gh_mem_flags - Guest access rights of &struct gh_userspace_memory_region
 * @GH_MEM_ALLOW_READ: The guest may read the memory.
 * @GH_MEM_ALLOW_WRITE: The guest may write the memory.
 * @GH_MEM_ALLOW_EXEC: The guest may execute from the memory.
 *
 * The same bits as GUNYAH_MEM_ALLOW_* of &enum gunyah_map_flags.
 */
enum gh_mem_flags {
	GH_MEM_ALLOW_READ = 1U << 0,
	GH_MEM_ALLOW_WRITE = 1U << 1,
	GH_MEM_ALLOW_EXEC = 1U << 2,
};

/**
 * struct gh_userspace_memory_region - v14 &struct gunyah_userspace_memory_region
 * @label: Identifier of the region, unique within the VM.
 * @flags: See &enum gh_mem_flags.
 * @guest_phys_addr: Guest physical address of the region (page-aligned).
 * @memory_size: Size of the region in bytes (page-aligned).
 * @userspace_addr: Address of the memory in the caller's address space
 *                  (page-aligned).
 *
 * Argument of GH_VM_SET_USER_MEM_REGION and GH_VM_ANDROID_LEND_USER_MEM.
 */
struct gh_userspace_memory_region {
	__u32 label;
	__u32 flags;
	__u64 guest_phys_addr;
	__u64 memory_size;
	__u64 userspace_addr;
};

/**
 * struct gh_vm_dtb_config - v14 &struct gunyah_vm_dtb_config
 * @guest_phys_addr: Guest physical address of the devicetree.
 * @size: Size of the devicetree region, including room for the overlay that
 *        the Resource Manager applies to it.
 */
struct gh_vm_dtb_config {
	__u64 guest_phys_addr;
	__u64 size;
};

/**
 * enum gh_fn_type - v14 &enum gunyah_fn_type
 * @GH_FN_VCPU: A vCPU; the argument is &struct gh_fn_vcpu_arg.
 * @GH_FN_IRQFD: An irqfd; the argument is &struct gh_fn_irqfd_arg.
 * @GH_FN_IOEVENTFD: An ioeventfd; the argument is &struct gh_fn_ioeventfd_arg.
 */
enum gh_fn_type {
	GH_FN_VCPU = 1,
	GH_FN_IRQFD = 2,
	GH_FN_IOEVENTFD = 3,
};

#define GH_FN_MAX_ARG_SIZE		GUNYAH_FN_MAX_ARG_SIZE

/**
 * struct gh_fn_vcpu_arg - v14 &struct gunyah_fn_vcpu_arg
 * @id: Index of the vCPU in the VM.
 */
struct gh_fn_vcpu_arg {
	__u32 id;
};

/**
 * enum gh_irqfd_flags - v14 &enum gunyah_irqfd_flags
 * @GH_IRQFD_FLAGS_LEVEL: A level interrupt; see GUNYAH_IRQFD_FLAGS_LEVEL.
 */
enum gh_irqfd_flags {
	GH_IRQFD_FLAGS_LEVEL = 1U << 0,
};

/* The name before v14 (android14-6.1 until mid 2023). */
#define GH_IRQFD_LEVEL			GH_IRQFD_FLAGS_LEVEL

/**
 * struct gh_fn_irqfd_arg - v14 &struct gunyah_fn_irqfd_arg
 * @fd: An eventfd; writing to it raises the doorbell.
 * @label: Label of the doorbell in the VM's devicetree.
 * @flags: See &enum gh_irqfd_flags.
 * @padding: Padding, ignored (QEMU's Gunyah accelerator leaves it
 *            uninitialised); set it to zero.
 */
struct gh_fn_irqfd_arg {
	__u32 fd;
	__u32 label;
	__u32 flags;
	__u32 padding;
};

/**
 * enum gh_ioeventfd_flags - v14 &enum gunyah_ioeventfd_flags
 * @GH_IOEVENTFD_FLAGS_DATAMATCH: Signal the eventfd only when the written
 *                                value equals
 *                                &struct gh_fn_ioeventfd_arg.datamatch.
 */
enum gh_ioeventfd_flags {
	GH_IOEVENTFD_FLAGS_DATAMATCH = 1U << 0,
};

/* The name before v14 (android14-6.1 until mid 2023; crosvm). */
#define GH_IOEVENTFD_DATAMATCH		GH_IOEVENTFD_FLAGS_DATAMATCH

/**
 * struct gh_fn_ioeventfd_arg - v14 &struct gunyah_fn_ioeventfd_arg
 * @datamatch: Value compared with the written data.
 * @addr: Guest physical address of the MMIO register.
 * @len: Access size: 1, 2, 4 or 8 bytes, or 0 for any size.
 * @fd: The eventfd to signal.
 * @flags: See &enum gh_ioeventfd_flags.
 * @padding: Padding, ignored (QEMU's Gunyah accelerator leaves it
 *            uninitialised); set it to zero.
 */
struct gh_fn_ioeventfd_arg {
	__u64 datamatch;
	__u64 addr;
	__u32 len;
	__s32 fd;
	__u32 flags;
	__u32 padding;
};

/**
 * struct gh_fn_desc - v14 &struct gunyah_fn_desc
 * @type: See &enum gh_fn_type.
 * @arg_size: Size of the argument at @arg; at most GH_FN_MAX_ARG_SIZE.
 * @arg: Pointer to the argument of the function.
 */
struct gh_fn_desc {
	__u32 type;
	__u32 arg_size;
	__u64 arg;
};

/**
 * struct gh_vm_boot_context - &struct gunyah_vm_boot_context as crosvm names it
 * @reg: The register: GH_VM_BOOT_CONTEXT_REG(set, index).
 * @reserved: Reserved, must be zero.
 * @value: Value of the register.
 */
struct gh_vm_boot_context {
	__u32 reg;
	__u32 reserved;
	__u64 value;
};

/**
 * struct gh_vm_firmware_config - v14 &struct gunyah_vm_firmware_config
 * @guest_phys_addr: Guest physical address of the firmware.
 * @size: Size of the firmware region in bytes.
 *
 * Argument of GH_VM_ANDROID_SET_FW_CONFIG.
 */
struct gh_vm_firmware_config {
	__u64 guest_phys_addr;
	__u64 size;
};

/**
 * struct gh_address_range - &struct gunyah_address_range under a GH_ name
 * @guest_phys_addr: Guest physical address of the range (page-aligned).
 * @size: Size of the range in bytes (page-aligned).
 *
 * Argument of GH_VM_RECLAIM_REGION (not in v14).
 */
struct gh_address_range {
	__u64 guest_phys_addr;
	__u64 size;
};

/**
 * enum gh_vm_status - v14 &enum gunyah_vm_status
 * @GH_VM_STATUS_LOAD_FAILED: The VM could not be loaded.
 * @GH_VM_STATUS_EXITED: The VM shut down or requested a reset; see
 *                       &struct gh_vm_exit_info.
 * @GH_VM_STATUS_CRASHED: The VM crashed.
 */
enum gh_vm_status {
	GH_VM_STATUS_LOAD_FAILED = 1,
	GH_VM_STATUS_EXITED = 2,
	GH_VM_STATUS_CRASHED = 3,
};

#define GH_VM_MAX_EXIT_REASON_SIZE	GUNYAH_VM_MAX_EXIT_REASON_SIZE

/**
 * struct gh_vm_exit_info - v14 &struct gunyah_vm_exit_info
 * @type: Exit type from the Resource Manager's VM_EXITED notification.
 * @padding: Padding.
 * @reason_size: Number of valid bytes in @reason.
 * @reason: Exit reason from the Resource Manager, little-endian.
 */
struct gh_vm_exit_info {
	__u16 type;
	__u16 padding;
	__u32 reason_size;
	__u8 reason[GH_VM_MAX_EXIT_REASON_SIZE];
};

/**
 * enum gh_vcpu_exit - v14 &enum gunyah_vcpu_exit
 * @GH_VCPU_EXIT_UNKNOWN: Not used.
 * @GH_VCPU_EXIT_MMIO: See &struct gh_vcpu_run.mmio.
 * @GH_VCPU_EXIT_STATUS: See &struct gh_vcpu_run.status.
 * @GH_VCPU_EXIT_PAGE_FAULT: See &struct gh_vcpu_run.page_fault (not in v14).
 */
enum gh_vcpu_exit {
	GH_VCPU_EXIT_UNKNOWN = 0,
	GH_VCPU_EXIT_MMIO = 1,
	GH_VCPU_EXIT_STATUS = 2,
	GH_VCPU_EXIT_PAGE_FAULT = 3,
};

/**
 * enum gh_vcpu_resume_action - &enum gunyah_vcpu_resume_action, GH_ names
 * @GH_VCPU_RESUME_HANDLED: The access was handled.
 * @GH_VCPU_RESUME_FAULT: Inject the fault into the guest.
 * @GH_VCPU_RESUME_RETRY: Retry the faulting access.
 *
 * Not in v14, whose clients leave the resume action 0 (handled).
 */
enum gh_vcpu_resume_action {
	GH_VCPU_RESUME_HANDLED = 0,
	GH_VCPU_RESUME_FAULT = 1,
	GH_VCPU_RESUME_RETRY = 2,
};

/**
 * struct gh_vcpu_run - v14 &struct gunyah_vcpu_run
 * @immediate_exit: Input: when set, GH_VCPU_RUN returns EINTR at once.
 * @padding: Padding.
 * @exit_reason: Output: see &enum gh_vcpu_exit.
 * @mmio: Valid when @exit_reason is GH_VCPU_EXIT_MMIO.
 * @mmio.phys_addr: Guest physical address of the access.
 * @mmio.data: The written value, or the value read, filled in by userspace.
 * @mmio.len: Size of the access.
 * @mmio.is_write: 1 for a write, 0 for a read.
 * @mmio.resume_action: Input: see &enum gh_vcpu_resume_action (not in v14).
 * @status: Valid when @exit_reason is GH_VCPU_EXIT_STATUS.
 * @status.status: See &enum gh_vm_status.
 * @status.exit_info: Valid when @status.status is GH_VM_STATUS_EXITED.
 * @page_fault: Valid when @exit_reason is GH_VCPU_EXIT_PAGE_FAULT (not in
 *              v14).
 * @page_fault.phys_addr: Guest physical address of the access.
 * @page_fault.attempt: Why Linux could not resolve the fault.
 * @page_fault.resume_action: Input: see &enum gh_vcpu_resume_action.
 *
 * As in v14, @status.status is an enum (4 bytes, as the __u32 of
 * &struct gunyah_vcpu_run on every Linux ABI).
 */
struct gh_vcpu_run {
	/* in */
	__u8 immediate_exit;
	__u8 padding[7];

	/* out */
	__u32 exit_reason;

	/* private: the union is anonymous, which C99 (unlike C11) lacks */
	__extension__
	/* public: */
	union {
		struct {
			__u64 phys_addr;
			__u8 data[8];
			__u32 len;
			__u8 is_write;
			__u8 resume_action;
		} mmio;

		struct {
			enum gh_vm_status status;
			struct gh_vm_exit_info exit_info;
		} status;

		struct {
			__u64 phys_addr;
			__s32 attempt;
			__u8 resume_action;
		} page_fault;
	};
};

#endif /* _UAPI_LINUX_GUNYAH_H */
