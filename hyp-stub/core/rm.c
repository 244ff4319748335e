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
	{ RM_MSG_VM_START,		4, 4, rm_vm_start },
	{ RM_MSG_VM_STOP,		RM_VM_STOP_SIZE, RM_VM_STOP_SIZE, rm_vm_stop },
	{ RM_MSG_VM_RESET,		4, 4, rm_vm_reset },
	{ RM_MSG_VM_CONFIG_IMAGE,	RM_VM_CONFIG_IMAGE_SIZE, RM_VM_CONFIG_IMAGE_SIZE,
					rm_vm_config_image },
	{ RM_MSG_VM_INIT,		4, 4, rm_vm_init_vm },
	{ RM_MSG_VM_GET_HYP_RESOURCES,	4, 4, rm_vm_get_hyp_resources },
	{ RM_MSG_VM_SET_BOOT_CONTEXT,	RM_VM_BOOT_CONTEXT_SIZE, RM_VM_BOOT_CONTEXT_SIZE,
					rm_vm_set_boot_context },
	{ RM_MSG_VM_SET_BOOT_CONTEXT_OLD, RM_VM_BOOT_CONTEXT_SIZE, RM_VM_BOOT_CONTEXT_SIZE,
					rm_vm_set_boot_context },
	/* Bodies parsed by the handlers: lists of counted entries. */
	{ RM_MSG_MEM_LEND,		0, RM_RPC_MAX_PAYLOAD, rm_mem_lend },
	{ RM_MSG_MEM_SHARE,		0, RM_RPC_MAX_PAYLOAD, rm_mem_share },
	{ RM_MSG_MEM_APPEND,		0, RM_RPC_MAX_PAYLOAD, rm_mem_append },
	{ RM_MSG_MEM_RECLAIM,		RM_MEM_RECLAIM_SIZE, RM_MEM_RECLAIM_SIZE, rm_mem_reclaim },
	/*
	 * VM_SET_FIRMWARE_MEM (Android pVM firmware) is not handled: the stub
	 * has no firmware loader, so it stays UNIMPLEMENTED.
	 */
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

/*
 * At most RM_LOG_BURST lines per second of counter time; the number left
 * out is told with the next line printed. Enough to explain what a host
 * did wrong, not enough for a hostile host to keep the console busy.
 */
#define RM_LOG_BURST	10

static u64 rm_log_window;	/* start of the current second */
static unsigned int rm_log_lines, rm_log_dropped;

static void rm_log_line(u16 vmid, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	plat_rm_log(vmid, fmt, ap);
	va_end(ap);
}

void rm_log_vm(u16 vmid, const char *fmt, ...)
{
	u64 now = plat_counter();
	va_list ap;

	if (now - rm_log_window >= plat_counter_freq()) {
		rm_log_window = now;
		rm_log_lines = 0;
	}
	if (rm_log_lines >= RM_LOG_BURST) {
		rm_log_dropped++;
		return;
	}
	rm_log_lines++;
	if (rm_log_dropped) {
		rm_log_line(vmid, "(%u earlier RM messages not shown)", rm_log_dropped);
		rm_log_dropped = 0;
	}
	va_start(ap, fmt);
	plat_rm_log(vmid, fmt, ap);
	va_end(ap);
}

void rm_init(void)
{
	rm_rpc_init();
	rm_vm_init();
	rm_log_window = plat_counter();
	rm_log_lines = 0;
	rm_log_dropped = 0;
}
