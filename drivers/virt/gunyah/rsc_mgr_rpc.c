// SPDX-License-Identifier: GPL-2.0-only
/*
 * Gunyah Resource Manager calls.
 */

#include <linux/export.h>
#include <linux/limits.h>
#include <linux/slab.h>

#include "rsc_mgr.h"

/* Message IDs: VM management */
#define GUNYAH_RM_RPC_VM_ALLOC_VMID		0x56000001
#define GUNYAH_RM_RPC_VM_DEALLOC_VMID		0x56000002
#define GUNYAH_RM_RPC_VM_GET_VMID		0x56000024

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
