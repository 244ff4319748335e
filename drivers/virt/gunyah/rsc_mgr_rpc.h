/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Gunyah Resource Manager calls: message IDs and encoders shared with
 * debugfs and the KUnit tests.
 */

#ifndef __GUNYAH_RSC_MGR_RPC_PRIV_H
#define __GUNYAH_RSC_MGR_RPC_PRIV_H

#include <kunit/visibility.h>
#include <linux/bits.h>
#include <linux/gunyah_rsc_mgr.h>
#include <linux/types.h>

/* Message IDs: VM management */
#define GUNYAH_RM_RPC_VM_ALLOC_VMID		0x56000001
#define GUNYAH_RM_RPC_VM_DEALLOC_VMID		0x56000002
#define GUNYAH_RM_RPC_VM_START			0x56000004
#define GUNYAH_RM_RPC_VM_STOP			0x56000005
#define GUNYAH_RM_RPC_VM_RESET			0x56000006
#define GUNYAH_RM_RPC_VM_CONFIG_IMAGE		0x56000009
#define GUNYAH_RM_RPC_VM_INIT			0x5600000B
#define GUNYAH_RM_RPC_VM_GET_HYP_RESOURCES	0x56000020
#define GUNYAH_RM_RPC_VM_GET_VMID		0x56000024
#define GUNYAH_RM_RPC_VM_SET_BOOT_CONTEXT	0x56000031
#define GUNYAH_RM_RPC_VM_SET_FIRMWARE_MEM	0x56000032

/* Message IDs: memory */
#define GUNYAH_RM_RPC_MEM_LEND			0x51000012
#define GUNYAH_RM_RPC_MEM_SHARE			0x51000013
#define GUNYAH_RM_RPC_MEM_RECLAIM		0x51000015
#define GUNYAH_RM_RPC_MEM_APPEND		0x51000018

/* MEM_LEND/MEM_SHARE flags */
#define GUNYAH_RM_MEM_SHARE_FLAG_SANITIZE	BIT(0)
#define GUNYAH_RM_MEM_SHARE_FLAG_APPEND		BIT(1)
/* MEM_APPEND flags */
#define GUNYAH_RM_MEM_APPEND_FLAG_LAST		BIT(0)
/* MEM_RECLAIM flags */
#define GUNYAH_RM_MEM_RECLAIM_FLAG_SANITIZE	BIT(0)

int gunyah_rm_mem_append(struct gunyah_rm *rm, u32 mem_handle,
			 const struct gunyah_rm_mem_entry *entries,
			 size_t n_entries);

#if IS_ENABLED(CONFIG_KUNIT)
void *gunyah_rm_mem_share_encode(const struct gunyah_rm_mem_parcel *parcel,
				 size_t *size);
void *gunyah_rm_mem_append_encode(u32 mem_handle,
				  const struct gunyah_rm_mem_entry *entries,
				  size_t n, bool last, size_t *size);
int gunyah_rm_parse_hyp_resources(const void *resp, size_t resp_size);
#endif

#endif /* __GUNYAH_RSC_MGR_RPC_PRIV_H */
