/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Gunyah Resource Manager: the RPC interface to the VM that owns the
 * hypervisor's resources and creates VMs on request of the host.
 */

#ifndef _LINUX_GUNYAH_RSC_MGR_H
#define _LINUX_GUNYAH_RSC_MGR_H

#include <linux/bits.h>
#include <linux/limits.h>
#include <linux/notifier.h>
#include <linux/types.h>

struct gunyah_rm;

/* Largest payload of one RPC packet, after the 8-byte header */
#define GUNYAH_RM_PAYLOAD_SIZE			232
/* Most continuation packets that may follow the first packet of a message */
#define GUNYAH_RM_MAX_FRAGMENTS			62
/* Largest payload of a message */
#define GUNYAH_RM_MAX_MSG_SIZE			\
	((GUNYAH_RM_MAX_FRAGMENTS + 1) * GUNYAH_RM_PAYLOAD_SIZE)

/**
 * enum gunyah_rm_error - Error codes of Resource Manager replies
 * @GUNYAH_RM_ERROR_OK: Success.
 * @GUNYAH_RM_ERROR_UNIMPLEMENTED: The call is not implemented.
 * @GUNYAH_RM_ERROR_NOMEM: Out of memory.
 * @GUNYAH_RM_ERROR_NORESOURCE: Out of another resource (e.g. VMIDs).
 * @GUNYAH_RM_ERROR_DENIED: The caller may not do this.
 * @GUNYAH_RM_ERROR_INVALID: Invalid request.
 * @GUNYAH_RM_ERROR_BUSY: The resource is busy.
 * @GUNYAH_RM_ERROR_ARGUMENT_INVALID: An argument is invalid.
 * @GUNYAH_RM_ERROR_HANDLE_INVALID: A handle is invalid.
 * @GUNYAH_RM_ERROR_VALIDATE_FAILED: Validation failed.
 * @GUNYAH_RM_ERROR_MAP_FAILED: Mapping failed.
 * @GUNYAH_RM_ERROR_MEM_INVALID: Invalid memory.
 * @GUNYAH_RM_ERROR_MEM_INUSE: The memory is in use (e.g. still accepted by a
 *                             VM).
 * @GUNYAH_RM_ERROR_MEM_RELEASED: The memory was already released.
 * @GUNYAH_RM_ERROR_VMID_INVALID: Invalid VMID.
 * @GUNYAH_RM_ERROR_LOOKUP_FAILED: Lookup failed.
 * @GUNYAH_RM_ERROR_IRQ_INVALID: Invalid interrupt.
 * @GUNYAH_RM_ERROR_IRQ_INUSE: The interrupt is in use.
 * @GUNYAH_RM_ERROR_IRQ_RELEASED: The interrupt was already released.
 * @GUNYAH_RM_ERROR_IN_USE: The resource is in use.
 * @GUNYAH_RM_ERROR_IRQ_NOT_MAPPED: The interrupt is not mapped.
 * @GUNYAH_RM_ERROR_VM_STATE: The VM is in the wrong state.
 */
enum gunyah_rm_error {
	GUNYAH_RM_ERROR_OK			= 0x0,
	GUNYAH_RM_ERROR_UNIMPLEMENTED		= 0xffffffff,
	GUNYAH_RM_ERROR_NOMEM			= 0x1,
	GUNYAH_RM_ERROR_NORESOURCE		= 0x2,
	GUNYAH_RM_ERROR_DENIED			= 0x3,
	GUNYAH_RM_ERROR_INVALID			= 0x4,
	GUNYAH_RM_ERROR_BUSY			= 0x5,
	GUNYAH_RM_ERROR_ARGUMENT_INVALID	= 0x6,
	GUNYAH_RM_ERROR_HANDLE_INVALID		= 0x7,
	GUNYAH_RM_ERROR_VALIDATE_FAILED		= 0x8,
	GUNYAH_RM_ERROR_MAP_FAILED		= 0x9,
	GUNYAH_RM_ERROR_MEM_INVALID		= 0xa,
	GUNYAH_RM_ERROR_MEM_INUSE		= 0xb,
	GUNYAH_RM_ERROR_MEM_RELEASED		= 0xc,
	GUNYAH_RM_ERROR_VMID_INVALID		= 0xd,
	GUNYAH_RM_ERROR_LOOKUP_FAILED		= 0xe,
	GUNYAH_RM_ERROR_IRQ_INVALID		= 0xf,
	GUNYAH_RM_ERROR_IRQ_INUSE		= 0x10,
	GUNYAH_RM_ERROR_IRQ_RELEASED		= 0x11,
	GUNYAH_RM_ERROR_IN_USE			= 0x12,
	GUNYAH_RM_ERROR_IRQ_NOT_MAPPED		= 0x13,
	GUNYAH_RM_ERROR_VM_STATE		= 0x14,
};

/* Notifications (message IDs of type-3 messages from the RM) */
#define GUNYAH_RM_NOTIFICATION_VM_EXITED		0x56100001
#define GUNYAH_RM_NOTIFICATION_VM_SHUTDOWN		0x56100002
#define GUNYAH_RM_NOTIFICATION_VM_STATUS		0x56100008
#define GUNYAH_RM_NOTIFICATION_MEM_SHARED		0x51100011
#define GUNYAH_RM_NOTIFICATION_MEM_RELEASED		0x51100012
#define GUNYAH_RM_NOTIFICATION_MEM_ACCEPTED		0x51100013
#define GUNYAH_RM_NOTIFICATION_MEM_RECALL		0x51100014

/**
 * struct gunyah_rm_notification - A notification from the Resource Manager
 * @id: Message ID, one of GUNYAH_RM_NOTIFICATION_*.
 * @payload: The payload (little-endian, as sent by the RM).
 * @size: Size of @payload in bytes; check it before reading the payload.
 *
 * Passed as the data pointer to the notifier blocks registered with
 * gunyah_rm_notifier_register(); the action is @id. Valid only during the
 * notifier call.
 */
struct gunyah_rm_notification {
	u32 id;
	const void *payload;
	size_t size;
};

/**
 * enum gunyah_rm_vm_status - VM status reported in VM_STATUS notifications
 * @GUNYAH_RM_VM_STATUS_NO_STATE: No state.
 * @GUNYAH_RM_VM_STATUS_INIT: Being initialized.
 * @GUNYAH_RM_VM_STATUS_READY: Initialized, ready to start.
 * @GUNYAH_RM_VM_STATUS_RUNNING: Running.
 * @GUNYAH_RM_VM_STATUS_PAUSED: Paused.
 * @GUNYAH_RM_VM_STATUS_LOAD: Being loaded.
 * @GUNYAH_RM_VM_STATUS_AUTH: Being authenticated.
 * @GUNYAH_RM_VM_STATUS_INIT_FAILED: Initialization failed.
 * @GUNYAH_RM_VM_STATUS_EXITED: Exited.
 * @GUNYAH_RM_VM_STATUS_RESETTING: Being reset.
 * @GUNYAH_RM_VM_STATUS_RESET: Reset: its resources can be reclaimed.
 */
enum gunyah_rm_vm_status {
	GUNYAH_RM_VM_STATUS_NO_STATE		= 0,
	GUNYAH_RM_VM_STATUS_INIT		= 1,
	GUNYAH_RM_VM_STATUS_READY		= 2,
	GUNYAH_RM_VM_STATUS_RUNNING		= 3,
	GUNYAH_RM_VM_STATUS_PAUSED		= 4,
	GUNYAH_RM_VM_STATUS_LOAD		= 5,
	GUNYAH_RM_VM_STATUS_AUTH		= 6,
	GUNYAH_RM_VM_STATUS_INIT_FAILED		= 8,
	GUNYAH_RM_VM_STATUS_EXITED		= 9,
	GUNYAH_RM_VM_STATUS_RESETTING		= 10,
	GUNYAH_RM_VM_STATUS_RESET		= 11,
};

/**
 * struct gunyah_rm_vm_status_payload - Payload of a VM_STATUS notification
 * @vmid: The VM.
 * @reserved: Reserved.
 * @vm_status: See &enum gunyah_rm_vm_status.
 * @os_status: Status of the guest OS.
 * @app_status: Status of the guest application.
 */
struct gunyah_rm_vm_status_payload {
	__le16 vmid;
	u16 reserved;
	u8 vm_status;
	u8 os_status;
	__le16 app_status;
} __packed;

/**
 * enum gunyah_rm_vm_exit_type - How a VM exited (VM_EXITED notification)
 * @GUNYAH_RM_VM_EXIT_TYPE_VM_EXIT: The guest's own VM_EXIT call to the RM.
 * @GUNYAH_RM_VM_EXIT_TYPE_PLATFORM_OFF: Platform power off: a guest's PSCI
 *                                       SYSTEM_OFF.
 * @GUNYAH_RM_VM_EXIT_TYPE_PLATFORM_RESET: Platform reset: a guest's PSCI
 *                                         SYSTEM_RESET.
 * @GUNYAH_RM_VM_EXIT_TYPE_PSCI_SYSTEM_RESET2: PSCI SYSTEM_RESET2.
 * @GUNYAH_RM_VM_EXIT_TYPE_WDT_BITE: Watchdog bite.
 * @GUNYAH_RM_VM_EXIT_TYPE_SOFT_ERR: Software error (crash).
 * @GUNYAH_RM_VM_EXIT_TYPE_ASYNC_HW_ERR: Asynchronous hardware error.
 * @GUNYAH_RM_VM_EXIT_TYPE_FORCE_STOPPED: Forced stop (VM_STOP).
 */
enum gunyah_rm_vm_exit_type {
	GUNYAH_RM_VM_EXIT_TYPE_VM_EXIT			= 0,
	GUNYAH_RM_VM_EXIT_TYPE_PLATFORM_OFF		= 1,
	GUNYAH_RM_VM_EXIT_TYPE_PLATFORM_RESET		= 2,
	GUNYAH_RM_VM_EXIT_TYPE_PSCI_SYSTEM_RESET2	= 3,
	GUNYAH_RM_VM_EXIT_TYPE_WDT_BITE			= 4,
	GUNYAH_RM_VM_EXIT_TYPE_SOFT_ERR			= 5,
	GUNYAH_RM_VM_EXIT_TYPE_ASYNC_HW_ERR		= 6,
	GUNYAH_RM_VM_EXIT_TYPE_FORCE_STOPPED		= 7,
};

/**
 * struct gunyah_rm_vm_exited_payload - Payload of a VM_EXITED notification
 * @vmid: The VM.
 * @exit_type: See &enum gunyah_rm_vm_exit_type.
 * @exit_reason_size: Size of @exit_reason in bytes.
 * @exit_reason: Exit reason, not interpreted by Linux.
 */
struct gunyah_rm_vm_exited_payload {
	__le16 vmid;
	__le16 exit_type;
	__le32 exit_reason_size;
	u8 exit_reason[];
} __packed;

int gunyah_rm_notifier_register(struct gunyah_rm *rm, struct notifier_block *nb);
int gunyah_rm_notifier_unregister(struct gunyah_rm *rm,
				  struct notifier_block *nb);

struct gunyah_rm *gunyah_rm_get(struct gunyah_rm *rm);
void gunyah_rm_put(struct gunyah_rm *rm);

int gunyah_rm_call(struct gunyah_rm *rm, u32 message_id, const void *req_buf,
		   size_t req_buf_size, void **resp_buf, size_t *resp_buf_size);

int gunyah_rm_alloc_vmid(struct gunyah_rm *rm, u16 vmid);
int gunyah_rm_dealloc_vmid(struct gunyah_rm *rm, u16 vmid);
int gunyah_rm_get_vmid(struct gunyah_rm *rm, u16 *vmid);

/* Most SGL entries in one MEM_LEND/MEM_SHARE/MEM_APPEND message */
#define GUNYAH_RM_MAX_MEM_ENTRIES		512

/* Access rights of &struct gunyah_rm_mem_acl_entry.perms */
#define GUNYAH_RM_ACL_X				BIT(0)
#define GUNYAH_RM_ACL_W				BIT(1)
#define GUNYAH_RM_ACL_R				BIT(2)

/**
 * struct gunyah_rm_mem_acl_entry - One VM's access to a memory parcel
 * @vmid: The VM.
 * @perms: GUNYAH_RM_ACL_* bits.
 * @reserved: Reserved, zero.
 */
struct gunyah_rm_mem_acl_entry {
	__le16 vmid;
	u8 perms;
	u8 reserved;
} __packed;

/**
 * struct gunyah_rm_mem_entry - One physically contiguous range of a parcel
 * @phys_addr: Host (intermediate) physical address.
 * @size: Size in bytes.
 */
struct gunyah_rm_mem_entry {
	__le64 phys_addr;
	__le64 size;
} __packed;

/**
 * enum gunyah_rm_mem_type - Memory type of a parcel
 * @GUNYAH_RM_MEM_TYPE_NORMAL: Normal memory.
 * @GUNYAH_RM_MEM_TYPE_IO: Device memory.
 */
enum gunyah_rm_mem_type {
	GUNYAH_RM_MEM_TYPE_NORMAL	= 0,
	GUNYAH_RM_MEM_TYPE_IO		= 1,
};

/* Invalid memory handle: the parcel was not given to the RM */
#define GUNYAH_MEM_HANDLE_INVAL			U32_MAX

/**
 * struct gunyah_rm_mem_parcel - A memory parcel given to other VMs
 * @mem_type: See &enum gunyah_rm_mem_type.
 * @label: Label of the parcel, seen by the receiving VM.
 * @n_acl_entries: Number of entries of @acl_entries.
 * @acl_entries: The VMs that get access, with their rights.
 * @n_mem_entries: Number of entries of @mem_entries.
 * @mem_entries: The memory, in physically contiguous ranges.
 * @mem_handle: Handle from the RM once shared or lent, else
 *              GUNYAH_MEM_HANDLE_INVAL.
 */
struct gunyah_rm_mem_parcel {
	enum gunyah_rm_mem_type mem_type;
	u32 label;
	size_t n_acl_entries;
	struct gunyah_rm_mem_acl_entry *acl_entries;
	size_t n_mem_entries;
	struct gunyah_rm_mem_entry *mem_entries;
	u32 mem_handle;
};

/**
 * struct gunyah_rm_hyp_resource - A hypervisor resource of a VM
 * @type: See &enum gunyah_rm_resource_type.
 * @reserved: Reserved.
 * @partner_vmid: The VM at the other end of the resource.
 * @resource_handle: RM handle of the resource.
 * @resource_label: Label (for vCPUs: the vCPU index).
 * @cap_id: Capability ID for hypercalls.
 * @virq_handle: RM handle of the interrupt.
 * @virq: Interrupt to the host: a GIC INTID (32..1019: SPI virq - 32), or
 *        U32_MAX for none.
 * @base: Base address (virtio-mmio, memory extents).
 * @size: Size (virtio-mmio, memory extents).
 */
struct gunyah_rm_hyp_resource {
	u8 type;
	u8 reserved;
	__le16 partner_vmid;
	__le32 resource_handle;
	__le32 resource_label;
	__le64 cap_id;
	__le32 virq_handle;
	__le32 virq;
	__le64 base;
	__le64 size;
} __packed;

/**
 * struct gunyah_rm_hyp_resources - Reply of VM_GET_HYP_RESOURCES
 * @n_entries: Number of entries.
 * @entries: The resources.
 */
struct gunyah_rm_hyp_resources {
	__le32 n_entries;
	struct gunyah_rm_hyp_resource entries[];
} __packed;

/**
 * enum gunyah_rm_resource_type - Types of hypervisor resources
 * @GUNYAH_RESOURCE_TYPE_BELL_TX: Doorbell the host rings.
 * @GUNYAH_RESOURCE_TYPE_BELL_RX: Doorbell the host receives.
 * @GUNYAH_RESOURCE_TYPE_MSGQ_TX: Message queue the host sends on.
 * @GUNYAH_RESOURCE_TYPE_MSGQ_RX: Message queue the host receives on.
 * @GUNYAH_RESOURCE_TYPE_VCPU: A vCPU (label = vCPU index).
 * @GUNYAH_RESOURCE_TYPE_VPM_GROUP: Virtual power management group.
 * @GUNYAH_RESOURCE_TYPE_VIRTIO_MMIO: A virtio-mmio device.
 * @GUNYAH_RESOURCE_TYPE_MEM_EXTENT: A memory extent.
 * @GUNYAH_RESOURCE_TYPE_ADDR_SPACE: An address space.
 */
enum gunyah_rm_resource_type {
	GUNYAH_RESOURCE_TYPE_BELL_TX		= 0,
	GUNYAH_RESOURCE_TYPE_BELL_RX		= 1,
	GUNYAH_RESOURCE_TYPE_MSGQ_TX		= 2,
	GUNYAH_RESOURCE_TYPE_MSGQ_RX		= 3,
	GUNYAH_RESOURCE_TYPE_VCPU		= 4,
	GUNYAH_RESOURCE_TYPE_VPM_GROUP		= 5,
	GUNYAH_RESOURCE_TYPE_VIRTIO_MMIO	= 6,
	GUNYAH_RESOURCE_TYPE_MEM_EXTENT		= 9,
	GUNYAH_RESOURCE_TYPE_ADDR_SPACE		= 10,
};

/**
 * enum gunyah_rm_vm_auth_mechanism - Image authentication of VM_CONFIG_IMAGE
 * @GUNYAH_RM_VM_AUTH_NONE: None.
 * @GUNYAH_RM_VM_AUTH_QCOM_PIL_ELF: Qualcomm PIL ELF image.
 * @GUNYAH_RM_VM_AUTH_QCOM_ANDROID_PVM: Android protected VM.
 */
enum gunyah_rm_vm_auth_mechanism {
	GUNYAH_RM_VM_AUTH_NONE			= 0,
	GUNYAH_RM_VM_AUTH_QCOM_PIL_ELF		= 1,
	GUNYAH_RM_VM_AUTH_QCOM_ANDROID_PVM	= 2,
};

/* Flags of VM_STOP */
#define GUNYAH_RM_VM_STOP_FLAG_FORCE_STOP	BIT(0)

/* Register sets of VM_SET_BOOT_CONTEXT */
#define GUNYAH_RM_BOOT_CONTEXT_REG_SET_X	0
#define GUNYAH_RM_BOOT_CONTEXT_REG_SET_PC	1
#define GUNYAH_RM_BOOT_CONTEXT_REG_SET_SP	2

int gunyah_rm_mem_share(struct gunyah_rm *rm,
			struct gunyah_rm_mem_parcel *parcel);
int gunyah_rm_mem_lend(struct gunyah_rm *rm,
		       struct gunyah_rm_mem_parcel *parcel);
int gunyah_rm_mem_reclaim(struct gunyah_rm *rm,
			  struct gunyah_rm_mem_parcel *parcel, bool sanitize);
int gunyah_rm_vm_start(struct gunyah_rm *rm, u16 vmid);
int gunyah_rm_vm_stop(struct gunyah_rm *rm, u16 vmid, bool force);
int gunyah_rm_vm_reset(struct gunyah_rm *rm, u16 vmid);
int gunyah_rm_vm_configure(struct gunyah_rm *rm, u16 vmid,
			   enum gunyah_rm_vm_auth_mechanism auth_mechanism,
			   u32 mem_handle, u64 image_offset, u64 image_size,
			   u64 dtb_offset, u64 dtb_size);
int gunyah_rm_vm_init(struct gunyah_rm *rm, u16 vmid);
int gunyah_rm_vm_set_boot_context(struct gunyah_rm *rm, u16 vmid, u8 reg_set,
				  u8 reg_index, u64 value);
int gunyah_rm_vm_set_firmware_mem(struct gunyah_rm *rm, u16 vmid,
				  u32 mem_handle, u64 fw_offset, u64 fw_size);
int gunyah_rm_virq_to_irq(struct gunyah_rm *rm, u32 virq);
void gunyah_rm_irq_dispose(unsigned int irq);
int gunyah_rm_get_hyp_resources(struct gunyah_rm *rm, u16 vmid,
				struct gunyah_rm_hyp_resources **resources);

#endif /* _LINUX_GUNYAH_RSC_MGR_H */
