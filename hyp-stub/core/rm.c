// SPDX-License-Identifier: GPL-2.0-only
/*
 * Resource Manager: the table of calls the host can make, and dispatch.
 * Transport is in rm_rpc.c, the calls themselves in rm_vm.c and friends.
 */
#include "rm_internal.h"

/*
 * Payload lengths are those the real RM accepts; anything else is answered
 * with RM_ERROR_INVALID before the handler runs.
 */
static const struct rm_call rm_calls[] = {
	{ RM_MSG_VM_ALLOC_VMID,		4, 4, rm_vm_alloc_vmid },
	{ RM_MSG_VM_DEALLOC_VMID,	4, 4, rm_vm_dealloc_vmid },
	{ RM_MSG_VM_GET_VMID,		0, 0, rm_vm_get_vmid },
};

u32 rm_dispatch(struct rm_msg *msg)
{
	for (size_t i = 0; i < ARRAY_SIZE(rm_calls); i++) {
		const struct rm_call *call = &rm_calls[i];

		if (call->msg_id != msg->id)
			continue;
		if (msg->req_len < call->min_len || msg->req_len > call->max_len)
			return RM_ERROR_INVALID;
		return call->fn(msg);
	}
	return RM_ERROR_UNIMPLEMENTED;
}

void rm_init(void)
{
	rm_rpc_init();
	rm_vm_init();
}
