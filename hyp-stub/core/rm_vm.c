// SPDX-License-Identifier: GPL-2.0-only
/*
 * RM VM management: VMIDs of guest VMs. The host (VMID 3) is the only RPC
 * client, so every call here is made by, and every VM owned by, the host.
 */
#include <string.h>

#include "rm_internal.h"

static_assert(RM_VMID_DYN_LAST - RM_VMID_DYN_FIRST + 1 >= RM_MAX_VMS,
	      "a free VM slot implies a free dynamic VMID");

static struct rm_vm rm_vms[RM_MAX_VMS];

void rm_vm_init(void)
{
	memset(rm_vms, 0, sizeof(rm_vms));
}

/* The slot holding @vmid; vmid 0 finds a free slot. */
static struct rm_vm *rm_vm_find(u16 vmid)
{
	for (size_t i = 0; i < ARRAY_SIZE(rm_vms); i++) {
		if (rm_vms[i].vmid == vmid)
			return &rm_vms[i];
	}
	return NULL;
}

struct rm_vm *rm_vm_lookup(u16 vmid)
{
	return vmid ? rm_vm_find(vmid) : NULL;
}

u32 rm_vm_get_vmid(struct rm_msg *msg)
{
	rm_put_le32(msg->rep, RM_VMID_HOST);
	msg->rep_len = 4;
	return RM_ERROR_OK;
}

/*
 * {u16 vmid; u16 reserved}: vmid 0 asks for any VMID, returned as {u32 vmid};
 * otherwise that VMID, with no reply payload. As with the real RM, a VMID
 * that cannot be given (reserved, out of range, in use) and running out of
 * VMs are both RM_ERROR_NORESOURCE, and the reserved field is ignored.
 */
u32 rm_vm_alloc_vmid(struct rm_msg *msg)
{
	u16 vmid = rm_get_le16(msg->req);
	struct rm_vm *vm = rm_vm_find(0);

	if (!vm)
		return RM_ERROR_NORESOURCE;

	if (!vmid) {
		/* Ends within the range: a free slot leaves a dynamic VMID free. */
		for (vmid = RM_VMID_DYN_FIRST; rm_vm_find(vmid); vmid++)
			;
		rm_put_le32(msg->rep, vmid);
		msg->rep_len = 4;
	} else if (vmid < RM_VMID_ALLOC_FIRST || vmid > RM_VMID_ALLOC_LAST ||
		   rm_vm_find(vmid)) {
		return RM_ERROR_NORESOURCE;
	}

	vm->vmid = vmid;
	vm->status = RM_VM_STATUS_LOAD;
	return RM_ERROR_OK;
}

/* {u16 vmid; u16 reserved}: free a VM that never started or has been reset. */
u32 rm_vm_dealloc_vmid(struct rm_msg *msg)
{
	u16 vmid = rm_get_le16(msg->req);
	struct rm_vm *vm;

	/* They exist but belong to the RM, not to the host (real RM: DENIED). */
	if (vmid == RM_VMID_HOST || vmid == RM_VMID_RM)
		return RM_ERROR_DENIED;

	vm = rm_vm_lookup(vmid);
	if (!vm)
		return RM_ERROR_VMID_INVALID;
	if (vm->status != RM_VM_STATUS_LOAD && vm->status != RM_VM_STATUS_RESET)
		return RM_ERROR_VM_STATE;

	vm->vmid = 0;
	return RM_ERROR_OK;
}
