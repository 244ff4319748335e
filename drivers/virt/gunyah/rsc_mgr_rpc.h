/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Gunyah Resource Manager calls: encoders shared with the KUnit tests.
 */

#ifndef __GUNYAH_RSC_MGR_RPC_PRIV_H
#define __GUNYAH_RSC_MGR_RPC_PRIV_H

#include <kunit/visibility.h>
#include <linux/bits.h>
#include <linux/gunyah_rsc_mgr.h>
#include <linux/types.h>

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
