// SPDX-License-Identifier: GPL-2.0-only
/*
 * Gunyah Resource Manager calls.
 *
 * Every call is an error-injection point (CONFIG_FUNCTION_ERROR_INJECTION),
 * so that fail_function can fail each step of a VM's life in turn and the
 * error paths of the callers can be tested without a misbehaving RM.
 */

#include <kunit/visibility.h>
#include <linux/error-injection.h>
#include <linux/export.h>
#include <linux/limits.h>
#include <linux/slab.h>

#include "rsc_mgr.h"
#include "rsc_mgr_rpc.h"

/**
 * struct gunyah_rm_vm_common_vmid_req - Request naming one VM
 * @vmid: The VM.
 * @reserved: Reserved, zero.
 */
struct gunyah_rm_vm_common_vmid_req {
	__le16 vmid;
	__le16 reserved;
} __packed;

/**
 * struct gunyah_rm_vmid_resp - Reply carrying a VMID
 * @vmid: The VMID.
 */
struct gunyah_rm_vmid_resp {
	__le32 vmid;
} __packed;

/* Read the VMID out of a reply. */
static int gunyah_rm_parse_vmid(const void *resp, size_t resp_size)
{
	const struct gunyah_rm_vmid_resp *vmid_resp = resp;
	u32 vmid;

	if (resp_size < sizeof(*vmid_resp))
		return -EBADMSG;

	vmid = le32_to_cpu(vmid_resp->vmid);
	if (!vmid || vmid > U16_MAX)
		return -EBADMSG;

	return vmid;
}

/**
 * gunyah_rm_alloc_vmid() - Allocate a VMID
 * @rm: The RM connection.
 * @vmid: The VMID to allocate, or 0 to let the RM pick one.
 *
 * Context: Process context; sleeps.
 * Return: the allocated VMID (positive), or a negative errno.
 */
int gunyah_rm_alloc_vmid(struct gunyah_rm *rm, u16 vmid)
{
	struct gunyah_rm_vm_common_vmid_req req = {
		.vmid = cpu_to_le16(vmid),
	};
	size_t resp_size;
	void *resp;
	int ret;

	ret = gunyah_rm_call(rm, GUNYAH_RM_RPC_VM_ALLOC_VMID, &req, sizeof(req),
			     &resp, &resp_size);
	if (ret)
		return ret;

	/* The RM only replies with the VMID when it picked it. */
	ret = vmid ? vmid : gunyah_rm_parse_vmid(resp, resp_size);
	kfree(resp);

	return ret;
}
EXPORT_SYMBOL_GPL(gunyah_rm_alloc_vmid);
ALLOW_ERROR_INJECTION(gunyah_rm_alloc_vmid, ERRNO);

/**
 * gunyah_rm_dealloc_vmid() - Free a VMID
 * @rm: The RM connection.
 * @vmid: The VMID to free.
 *
 * Context: Process context; sleeps.
 * Return: 0 on success, or a negative errno.
 */
int gunyah_rm_dealloc_vmid(struct gunyah_rm *rm, u16 vmid)
{
	struct gunyah_rm_vm_common_vmid_req req = {
		.vmid = cpu_to_le16(vmid),
	};

	return gunyah_rm_call(rm, GUNYAH_RM_RPC_VM_DEALLOC_VMID, &req,
			      sizeof(req), NULL, NULL);
}
EXPORT_SYMBOL_GPL(gunyah_rm_dealloc_vmid);
ALLOW_ERROR_INJECTION(gunyah_rm_dealloc_vmid, ERRNO);

/**
 * gunyah_rm_get_vmid() - Get the VMID of this VM
 * @rm: The RM connection.
 * @vmid: Filled with the VMID.
 *
 * Asks the RM the first time, then returns the cached value.
 *
 * Context: Process context; sleeps.
 * Return: 0 on success, or a negative errno.
 */
int gunyah_rm_get_vmid(struct gunyah_rm *rm, u16 *vmid)
{
	size_t resp_size;
	void *resp;
	int ret;

	mutex_lock(&rm->vmid_lock);

	if (!rm->have_vmid) {
		ret = gunyah_rm_call(rm, GUNYAH_RM_RPC_VM_GET_VMID, NULL, 0,
				     &resp, &resp_size);
		if (ret)
			goto out;

		ret = gunyah_rm_parse_vmid(resp, resp_size);
		kfree(resp);
		if (ret < 0)
			goto out;

		rm->vmid = ret;
		rm->have_vmid = true;
	}

	*vmid = rm->vmid;
	ret = 0;
out:
	mutex_unlock(&rm->vmid_lock);
	return ret;
}
EXPORT_SYMBOL_GPL(gunyah_rm_get_vmid);
ALLOW_ERROR_INJECTION(gunyah_rm_get_vmid, ERRNO);

/**
 * struct gunyah_rm_mem_share_req_header - Start of MEM_LEND/MEM_SHARE
 * @mem_type: &enum gunyah_rm_mem_type.
 * @reserved0: Reserved, zero.
 * @flags: GUNYAH_RM_MEM_SHARE_* flags.
 * @reserved1: Reserved, zero.
 * @label: Label of the parcel.
 */
struct gunyah_rm_mem_share_req_header {
	u8 mem_type;
	u8 reserved0;
	u8 flags;
	u8 reserved1;
	__le32 label;
} __packed;

/**
 * struct gunyah_rm_mem_section - Count of an SGL or attribute section
 * @n_entries: Number of entries following.
 * @reserved: Reserved, zero.
 */
struct gunyah_rm_mem_section {
	__le16 n_entries;
	__le16 reserved;
} __packed;

/**
 * struct gunyah_rm_mem_append_req_header - Start of MEM_APPEND
 * @mem_handle: The parcel, from MEM_LEND/MEM_SHARE.
 * @flags: GUNYAH_RM_MEM_APPEND_FLAG_LAST on the last MEM_APPEND.
 * @reserved: Reserved, zero.
 */
struct gunyah_rm_mem_append_req_header {
	__le32 mem_handle;
	u8 flags;
	u8 reserved[3];
} __packed;

/**
 * struct gunyah_rm_mem_release_req - MEM_RECLAIM request
 * @mem_handle: The parcel.
 * @flags: GUNYAH_RM_MEM_RECLAIM_FLAG_SANITIZE.
 * @reserved: Reserved, zero.
 */
struct gunyah_rm_mem_release_req {
	__le32 mem_handle;
	u8 flags;
	u8 reserved[3];
} __packed;

/**
 * struct gunyah_rm_vm_stop_req - VM_STOP request
 * @vmid: The VM.
 * @flags: GUNYAH_RM_VM_STOP_FLAG_FORCE_STOP.
 * @reserved: Reserved, zero.
 * @stop_reason: Reason passed to the VM.
 */
struct gunyah_rm_vm_stop_req {
	__le16 vmid;
	u8 flags;
	u8 reserved;
	__le32 stop_reason;
} __packed;

/**
 * struct gunyah_rm_vm_config_image_req - VM_CONFIG_IMAGE request
 * @vmid: The VM.
 * @auth_mech: &enum gunyah_rm_vm_auth_mechanism.
 * @mem_handle: The parcel holding the image and the DTB.
 * @image_offset: Offset of the image in the parcel.
 * @image_size: Size of the image.
 * @dtb_offset: Offset of the DTB in the parcel.
 * @dtb_size: Size of the DTB.
 */
struct gunyah_rm_vm_config_image_req {
	__le16 vmid;
	__le16 auth_mech;
	__le32 mem_handle;
	__le64 image_offset;
	__le64 image_size;
	__le64 dtb_offset;
	__le64 dtb_size;
} __packed;

/**
 * struct gunyah_rm_vm_set_boot_context_req - VM_SET_BOOT_CONTEXT request
 * @vmid: The VM.
 * @reg_set: GUNYAH_RM_BOOT_CONTEXT_REG_SET_*.
 * @reg_index: Index in the register set.
 * @reserved: Reserved, zero.
 * @value: Value of the register.
 */
struct gunyah_rm_vm_set_boot_context_req {
	__le16 vmid;
	u8 reg_set;
	u8 reg_index;
	__le32 reserved;
	__le64 value;
} __packed;

/**
 * struct gunyah_rm_vm_set_firmware_mem_req - VM_SET_FIRMWARE_MEM request
 * @vmid: The VM.
 * @reserved: Reserved, zero.
 * @mem_handle: The parcel holding the firmware.
 * @fw_offset: Offset of the firmware in the parcel.
 * @fw_size: Size of the firmware.
 */
struct gunyah_rm_vm_set_firmware_mem_req {
	__le16 vmid;
	__le16 reserved;
	__le32 mem_handle;
	__le64 fw_offset;
	__le64 fw_size;
} __packed;

static_assert(sizeof(struct gunyah_rm_mem_share_req_header) == 8);
static_assert(sizeof(struct gunyah_rm_mem_acl_entry) == 4);
static_assert(sizeof(struct gunyah_rm_mem_entry) == 16);
static_assert(sizeof(struct gunyah_rm_mem_append_req_header) == 8);
static_assert(sizeof(struct gunyah_rm_mem_release_req) == 8);
static_assert(sizeof(struct gunyah_rm_vm_stop_req) == 8);
static_assert(sizeof(struct gunyah_rm_vm_config_image_req) == 40);
static_assert(sizeof(struct gunyah_rm_vm_set_boot_context_req) == 16);
static_assert(sizeof(struct gunyah_rm_vm_set_firmware_mem_req) == 24);
static_assert(sizeof(struct gunyah_rm_hyp_resource) == 44);

/**
 * gunyah_rm_mem_share_encode() - Build a MEM_LEND/MEM_SHARE request
 * @parcel: The parcel; its first min(n_mem_entries, 512) entries are sent.
 * @size: Filled with the size of the request.
 *
 * Sets the "append follows" flag when the parcel has more than
 * GUNYAH_RM_MAX_MEM_ENTRIES entries. The ACL count is a u32, as Linux sends
 * it (the RM reads a u16 count and a reserved u16: the same bytes).
 *
 * Return: the request (kfree() it), or NULL when out of memory.
 */
VISIBLE_IF_KUNIT void *
gunyah_rm_mem_share_encode(const struct gunyah_rm_mem_parcel *parcel,
			   size_t *size)
{
	struct gunyah_rm_mem_share_req_header *hdr;
	struct gunyah_rm_mem_section *section;
	size_t n_mem = min_t(size_t, parcel->n_mem_entries,
			     GUNYAH_RM_MAX_MEM_ENTRIES);
	size_t acl_size = parcel->n_acl_entries * sizeof(*parcel->acl_entries);
	size_t mem_size = n_mem * sizeof(*parcel->mem_entries);
	__le32 *n_acl;
	void *msg, *p;

	*size = sizeof(*hdr) + sizeof(*n_acl) + acl_size + sizeof(*section) +
		mem_size + sizeof(*section);
	msg = kzalloc(*size, GFP_KERNEL);
	if (!msg)
		return NULL;

	hdr = msg;
	hdr->mem_type = parcel->mem_type;
	hdr->flags = parcel->n_mem_entries > n_mem ?
		     GUNYAH_RM_MEM_SHARE_FLAG_APPEND : 0;
	hdr->label = cpu_to_le32(parcel->label);
	p = hdr + 1;

	n_acl = p;
	*n_acl = cpu_to_le32(parcel->n_acl_entries);
	p = n_acl + 1;
	memcpy(p, parcel->acl_entries, acl_size);
	p += acl_size;

	section = p;
	section->n_entries = cpu_to_le16(n_mem);
	p = section + 1;
	memcpy(p, parcel->mem_entries, mem_size);
	p += mem_size;

	/* No memory attributes */
	section = p;
	section->n_entries = 0;

	return msg;
}
EXPORT_SYMBOL_IF_KUNIT(gunyah_rm_mem_share_encode);

/**
 * gunyah_rm_mem_append_encode() - Build a MEM_APPEND request
 * @mem_handle: The parcel.
 * @entries: The entries to append.
 * @n: Number of @entries, at most GUNYAH_RM_MAX_MEM_ENTRIES.
 * @last: This is the last MEM_APPEND of the parcel.
 * @size: Filled with the size of the request.
 *
 * Return: the request (kfree() it), or NULL when out of memory.
 */
VISIBLE_IF_KUNIT void *
gunyah_rm_mem_append_encode(u32 mem_handle,
			    const struct gunyah_rm_mem_entry *entries,
			    size_t n, bool last, size_t *size)
{
	struct gunyah_rm_mem_append_req_header *hdr;
	struct gunyah_rm_mem_section *section;
	void *msg;

	*size = sizeof(*hdr) + sizeof(*section) + n * sizeof(*entries);
	msg = kzalloc(*size, GFP_KERNEL);
	if (!msg)
		return NULL;

	hdr = msg;
	hdr->mem_handle = cpu_to_le32(mem_handle);
	hdr->flags = last ? GUNYAH_RM_MEM_APPEND_FLAG_LAST : 0;
	section = (void *)(hdr + 1);
	section->n_entries = cpu_to_le16(n);
	memcpy(section + 1, entries, n * sizeof(*entries));

	return msg;
}
EXPORT_SYMBOL_IF_KUNIT(gunyah_rm_mem_append_encode);

static int gunyah_rm_mem_release(struct gunyah_rm *rm, u32 mem_handle,
				 u8 flags)
{
	struct gunyah_rm_mem_release_req req = {
		.mem_handle = cpu_to_le32(mem_handle),
		.flags = flags,
	};

	return gunyah_rm_call(rm, GUNYAH_RM_RPC_MEM_RECLAIM, &req, sizeof(req),
			      NULL, NULL);
}

/**
 * gunyah_rm_mem_append() - Send the rest of a parcel's memory entries
 * @rm: The RM connection.
 * @mem_handle: The parcel, from MEM_LEND/MEM_SHARE with the append flag.
 * @entries: The entries beyond the first GUNYAH_RM_MAX_MEM_ENTRIES.
 * @n_entries: Number of @entries.
 *
 * Sends as many MEM_APPEND as needed, the last one flagged. Not inlined: it
 * is an error-injection point of its own.
 *
 * Context: Process context; sleeps.
 * Return: 0 on success, or a negative errno.
 */
noinline int gunyah_rm_mem_append(struct gunyah_rm *rm, u32 mem_handle,
				  const struct gunyah_rm_mem_entry *entries,
				  size_t n_entries)
{
	size_t n, size;
	void *msg;
	int ret;

	while (n_entries) {
		n = min_t(size_t, n_entries, GUNYAH_RM_MAX_MEM_ENTRIES);
		msg = gunyah_rm_mem_append_encode(mem_handle, entries, n,
						  n == n_entries, &size);
		if (!msg)
			return -ENOMEM;

		ret = gunyah_rm_call(rm, GUNYAH_RM_RPC_MEM_APPEND, msg, size,
				     NULL, NULL);
		kfree(msg);
		if (ret)
			return ret;

		entries += n;
		n_entries -= n;
	}

	return 0;
}
ALLOW_ERROR_INJECTION(gunyah_rm_mem_append, ERRNO);

static int gunyah_rm_mem_lend_common(struct gunyah_rm *rm, u32 message_id,
				     struct gunyah_rm_mem_parcel *parcel)
{
	size_t msg_size, resp_size;
	void *msg, *resp;
	u32 handle;
	int ret;

	if (!parcel->n_mem_entries || !parcel->n_acl_entries)
		return -EINVAL;

	msg = gunyah_rm_mem_share_encode(parcel, &msg_size);
	if (!msg)
		return -ENOMEM;

	ret = gunyah_rm_call(rm, message_id, msg, msg_size, &resp, &resp_size);
	kfree(msg);
	if (ret)
		return ret;

	if (resp_size < sizeof(__le32)) {
		kfree(resp);
		return -EBADMSG;
	}
	handle = le32_to_cpup(resp);
	kfree(resp);

	if (parcel->n_mem_entries > GUNYAH_RM_MAX_MEM_ENTRIES) {
		const struct gunyah_rm_mem_entry *rest =
			&parcel->mem_entries[GUNYAH_RM_MAX_MEM_ENTRIES];

		ret = gunyah_rm_mem_append(rm, handle, rest,
					   parcel->n_mem_entries -
					   GUNYAH_RM_MAX_MEM_ENTRIES);
		if (ret) {
			/*
			 * Nobody accepted the parcel yet: take it back. If the
			 * RM keeps it, the caller must reclaim it before it
			 * may free the memory: hand the handle over.
			 */
			if (gunyah_rm_mem_release(rm, handle, 0)) {
				dev_err(rm->dev,
					"failed to reclaim partial parcel %#x\n",
					handle);
				parcel->mem_handle = handle;
			}
			return ret;
		}
	}

	parcel->mem_handle = handle;
	return 0;
}

/**
 * gunyah_rm_mem_lend() - Lend memory to other VMs
 * @rm: The RM connection.
 * @parcel: The parcel; @parcel->acl_entries must not include the host.
 *
 * Sends MEM_LEND, then MEM_APPEND for the entries beyond the first
 * GUNYAH_RM_MAX_MEM_ENTRIES. The host loses access to the memory.
 *
 * Context: Process context; sleeps.
 * Return: 0 with @parcel->mem_handle set, or a negative errno. On error
 * @parcel->mem_handle is left GUNYAH_MEM_HANDLE_INVAL, unless the RM kept
 * part of the parcel (a MEM_APPEND and the MEM_RECLAIM after it failed): it
 * is then set, and the parcel must be reclaimed before the memory is freed.
 */
int gunyah_rm_mem_lend(struct gunyah_rm *rm,
		       struct gunyah_rm_mem_parcel *parcel)
{
	return gunyah_rm_mem_lend_common(rm, GUNYAH_RM_RPC_MEM_LEND, parcel);
}
EXPORT_SYMBOL_GPL(gunyah_rm_mem_lend);
ALLOW_ERROR_INJECTION(gunyah_rm_mem_lend, ERRNO);

/**
 * gunyah_rm_mem_share() - Share memory with other VMs
 * @rm: The RM connection.
 * @parcel: The parcel; @parcel->acl_entries includes the host.
 *
 * Sends MEM_SHARE, then MEM_APPEND for the entries beyond the first
 * GUNYAH_RM_MAX_MEM_ENTRIES. The host keeps access to the memory.
 *
 * Context: Process context; sleeps.
 * Return: as gunyah_rm_mem_lend().
 */
int gunyah_rm_mem_share(struct gunyah_rm *rm,
			struct gunyah_rm_mem_parcel *parcel)
{
	return gunyah_rm_mem_lend_common(rm, GUNYAH_RM_RPC_MEM_SHARE, parcel);
}
EXPORT_SYMBOL_GPL(gunyah_rm_mem_share);
ALLOW_ERROR_INJECTION(gunyah_rm_mem_share, ERRNO);

/**
 * gunyah_rm_mem_reclaim() - Take back a lent or shared parcel
 * @rm: The RM connection.
 * @parcel: The parcel.
 * @sanitize: Let the RM zero the memory before giving it back (lent memory).
 *
 * Fails (-EBUSY) while a VM still has the parcel accepted: reset it first.
 *
 * Context: Process context; sleeps.
 * Return: 0 with @parcel->mem_handle reset, or a negative errno.
 */
int gunyah_rm_mem_reclaim(struct gunyah_rm *rm,
			  struct gunyah_rm_mem_parcel *parcel, bool sanitize)
{
	int ret;

	ret = gunyah_rm_mem_release(rm, parcel->mem_handle,
				    sanitize ? GUNYAH_RM_MEM_RECLAIM_FLAG_SANITIZE : 0);
	if (!ret)
		parcel->mem_handle = GUNYAH_MEM_HANDLE_INVAL;

	return ret;
}
EXPORT_SYMBOL_GPL(gunyah_rm_mem_reclaim);
ALLOW_ERROR_INJECTION(gunyah_rm_mem_reclaim, ERRNO);

static int gunyah_rm_common_vmid_call(struct gunyah_rm *rm, u32 message_id,
				      u16 vmid)
{
	struct gunyah_rm_vm_common_vmid_req req = {
		.vmid = cpu_to_le16(vmid),
	};

	return gunyah_rm_call(rm, message_id, &req, sizeof(req), NULL, NULL);
}

/**
 * gunyah_rm_vm_start() - Start a VM
 * @rm: The RM connection.
 * @vmid: The VM, initialized with gunyah_rm_vm_init().
 *
 * The real RM answers NORESOURCE to VM_START for whatever fails while it
 * builds the VM from its DT and parcels: a /reserved-memory node that no
 * parcel matches, a shared parcel it cannot accept at the node's range
 * (ARGUMENT_INVALID inside the RM), a vdevice it cannot create. That is a
 * VM configuration the RM refuses, not a lack of space: -EINVAL, the errno
 * of an RM that replies ARGUMENT_INVALID itself.
 *
 * Context: Process context; sleeps.
 * Return: 0 on success, -EINVAL when the RM refuses the VM's configuration,
 * or another negative errno.
 */
int gunyah_rm_vm_start(struct gunyah_rm *rm, u16 vmid)
{
	int ret;

	ret = gunyah_rm_common_vmid_call(rm, GUNYAH_RM_RPC_VM_START, vmid);
	return ret == -ENOSPC ? -EINVAL : ret;
}
EXPORT_SYMBOL_GPL(gunyah_rm_vm_start);
ALLOW_ERROR_INJECTION(gunyah_rm_vm_start, ERRNO);

/**
 * gunyah_rm_vm_stop() - Stop a VM
 * @rm: The RM connection.
 * @vmid: The VM.
 * @force: Stop it without asking the guest.
 *
 * Context: Process context; sleeps.
 * Return: 0 on success, or a negative errno.
 */
int gunyah_rm_vm_stop(struct gunyah_rm *rm, u16 vmid, bool force)
{
	struct gunyah_rm_vm_stop_req req = {
		.vmid = cpu_to_le16(vmid),
		.flags = force ? GUNYAH_RM_VM_STOP_FLAG_FORCE_STOP : 0,
	};

	return gunyah_rm_call(rm, GUNYAH_RM_RPC_VM_STOP, &req, sizeof(req),
			      NULL, NULL);
}
EXPORT_SYMBOL_GPL(gunyah_rm_vm_stop);
ALLOW_ERROR_INJECTION(gunyah_rm_vm_stop, ERRNO);

/**
 * gunyah_rm_vm_reset() - Reset a VM so that its resources can be reclaimed
 * @rm: The RM connection.
 * @vmid: The VM.
 *
 * Asynchronous: the reset is complete when the RM reports the VM status
 * GUNYAH_RM_VM_STATUS_RESET.
 *
 * Context: Process context; sleeps.
 * Return: 0 on success, or a negative errno.
 */
int gunyah_rm_vm_reset(struct gunyah_rm *rm, u16 vmid)
{
	return gunyah_rm_common_vmid_call(rm, GUNYAH_RM_RPC_VM_RESET, vmid);
}
EXPORT_SYMBOL_GPL(gunyah_rm_vm_reset);
ALLOW_ERROR_INJECTION(gunyah_rm_vm_reset, ERRNO);

/**
 * gunyah_rm_vm_configure() - Tell the RM where the VM's image and DTB are
 * @rm: The RM connection.
 * @vmid: The VM.
 * @auth_mechanism: How the image is authenticated.
 * @mem_handle: The parcel holding the image and the DTB.
 * @image_offset: Offset of the image in the parcel.
 * @image_size: Size of the image.
 * @dtb_offset: Offset of the DTB in the parcel.
 * @dtb_size: Size of the DTB.
 *
 * Sends VM_CONFIG_IMAGE.
 *
 * Context: Process context; sleeps.
 * Return: 0 on success, or a negative errno.
 */
int gunyah_rm_vm_configure(struct gunyah_rm *rm, u16 vmid,
			   enum gunyah_rm_vm_auth_mechanism auth_mechanism,
			   u32 mem_handle, u64 image_offset, u64 image_size,
			   u64 dtb_offset, u64 dtb_size)
{
	struct gunyah_rm_vm_config_image_req req = {
		.vmid = cpu_to_le16(vmid),
		.auth_mech = cpu_to_le16(auth_mechanism),
		.mem_handle = cpu_to_le32(mem_handle),
		.image_offset = cpu_to_le64(image_offset),
		.image_size = cpu_to_le64(image_size),
		.dtb_offset = cpu_to_le64(dtb_offset),
		.dtb_size = cpu_to_le64(dtb_size),
	};

	return gunyah_rm_call(rm, GUNYAH_RM_RPC_VM_CONFIG_IMAGE, &req,
			      sizeof(req), NULL, NULL);
}
EXPORT_SYMBOL_GPL(gunyah_rm_vm_configure);
ALLOW_ERROR_INJECTION(gunyah_rm_vm_configure, ERRNO);

/**
 * gunyah_rm_vm_init() - Initialize a configured VM
 * @rm: The RM connection.
 * @vmid: The VM.
 *
 * Context: Process context; sleeps.
 * Return: 0 on success, or a negative errno.
 */
int gunyah_rm_vm_init(struct gunyah_rm *rm, u16 vmid)
{
	return gunyah_rm_common_vmid_call(rm, GUNYAH_RM_RPC_VM_INIT, vmid);
}
EXPORT_SYMBOL_GPL(gunyah_rm_vm_init);
ALLOW_ERROR_INJECTION(gunyah_rm_vm_init, ERRNO);

/**
 * gunyah_rm_vm_set_boot_context() - Set a register of the boot vCPU
 * @rm: The RM connection.
 * @vmid: The VM.
 * @reg_set: GUNYAH_RM_BOOT_CONTEXT_REG_SET_*.
 * @reg_index: Index in the register set.
 * @value: The value.
 *
 * Context: Process context; sleeps.
 * Return: 0 on success, or a negative errno.
 */
int gunyah_rm_vm_set_boot_context(struct gunyah_rm *rm, u16 vmid, u8 reg_set,
				  u8 reg_index, u64 value)
{
	struct gunyah_rm_vm_set_boot_context_req req = {
		.vmid = cpu_to_le16(vmid),
		.reg_set = reg_set,
		.reg_index = reg_index,
		.value = cpu_to_le64(value),
	};

	return gunyah_rm_call(rm, GUNYAH_RM_RPC_VM_SET_BOOT_CONTEXT, &req,
			      sizeof(req), NULL, NULL);
}
EXPORT_SYMBOL_GPL(gunyah_rm_vm_set_boot_context);
ALLOW_ERROR_INJECTION(gunyah_rm_vm_set_boot_context, ERRNO);

/**
 * gunyah_rm_vm_set_firmware_mem() - Tell the RM where the VM's firmware is
 * @rm: The RM connection.
 * @vmid: The VM.
 * @mem_handle: The parcel holding the firmware.
 * @fw_offset: Offset of the firmware in the parcel.
 * @fw_size: Size of the firmware.
 *
 * Context: Process context; sleeps.
 * Return: 0 on success, or a negative errno.
 */
int gunyah_rm_vm_set_firmware_mem(struct gunyah_rm *rm, u16 vmid,
				  u32 mem_handle, u64 fw_offset, u64 fw_size)
{
	struct gunyah_rm_vm_set_firmware_mem_req req = {
		.vmid = cpu_to_le16(vmid),
		.mem_handle = cpu_to_le32(mem_handle),
		.fw_offset = cpu_to_le64(fw_offset),
		.fw_size = cpu_to_le64(fw_size),
	};

	return gunyah_rm_call(rm, GUNYAH_RM_RPC_VM_SET_FIRMWARE_MEM, &req,
			      sizeof(req), NULL, NULL);
}
EXPORT_SYMBOL_GPL(gunyah_rm_vm_set_firmware_mem);
ALLOW_ERROR_INJECTION(gunyah_rm_vm_set_firmware_mem, ERRNO);

/**
 * gunyah_rm_parse_hyp_resources() - Check a VM_GET_HYP_RESOURCES reply
 * @resp: The reply payload after the error word.
 * @resp_size: Its size.
 *
 * Return: 0 when the entry count matches the size, -EBADMSG otherwise.
 */
VISIBLE_IF_KUNIT int gunyah_rm_parse_hyp_resources(const void *resp,
						   size_t resp_size)
{
	const struct gunyah_rm_hyp_resources *res = resp;
	size_t n;

	if (resp_size < sizeof(*res))
		return -EBADMSG;

	n = le32_to_cpu(res->n_entries);
	if (n > (resp_size - sizeof(*res)) / sizeof(res->entries[0]) ||
	    resp_size != struct_size(res, entries, n))
		return -EBADMSG;

	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(gunyah_rm_parse_hyp_resources);

/**
 * gunyah_rm_get_hyp_resources() - Get the hypervisor resources of a VM
 * @rm: The RM connection.
 * @vmid: The VM, initialized.
 * @resources: Filled with the resources (kfree() them).
 *
 * Context: Process context; sleeps.
 * Return: 0 on success, or a negative errno.
 */
int gunyah_rm_get_hyp_resources(struct gunyah_rm *rm, u16 vmid,
				struct gunyah_rm_hyp_resources **resources)
{
	struct gunyah_rm_vm_common_vmid_req req = {
		.vmid = cpu_to_le16(vmid),
	};
	size_t resp_size;
	void *resp;
	int ret;

	ret = gunyah_rm_call(rm, GUNYAH_RM_RPC_VM_GET_HYP_RESOURCES, &req,
			     sizeof(req), &resp, &resp_size);
	if (ret)
		return ret;

	ret = gunyah_rm_parse_hyp_resources(resp, resp_size);
	if (ret) {
		kfree(resp);
		return ret;
	}

	*resources = resp;
	return 0;
}
EXPORT_SYMBOL_GPL(gunyah_rm_get_hyp_resources);
ALLOW_ERROR_INJECTION(gunyah_rm_get_hyp_resources, ERRNO);
