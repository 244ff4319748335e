/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Gunyah vendor-hypervisor SMCCC calls from the host (portable part).
 *
 * The host's cspace: capid 0 sends to the RM (TX), capid 1 receives from it
 * (RX); vCPU capabilities (right: vcpu_run) and doorbell capabilities
 * (rights: send, mask, reset) are added from capid 2 on. Every RM call,
 * doorbell operation, host-buffer translation and copy happens under
 * hyp_lock, which also guards the host stage-2 (see mem.h).
 */
#ifndef HYP_HYPERCALL_H
#define HYP_HYPERCALL_H

#include "rm.h"
#include "spinlock.h"

#define HOST_CAP_RM_TX		0
#define HOST_CAP_RM_RX		1

extern spinlock_t hyp_lock;

/* A host buffer made accessible to the stub: one page crossing at most. */
struct host_buf {
	u8 *ptr[2];
	size_t len[2];
};

static_assert(RM_MSGQ_MSG_SIZE <= 4096, "host_buf holds at most two pages");

/*
 * Provided by the platform: translate the host EL1 virtual range
 * [va, va + size), size <= RM_MSGQ_MSG_SIZE, for reading (or writing when
 * @write) by the stub. Returns GH_ERROR_OK or GH_ERROR_ADDR_INVAL.
 * Called with hyp_lock held.
 */
int plat_host_buf_get(struct host_buf *hb, u64 va, size_t size, bool write);

/*
 * Provided by the platform: vcpu_run with the caller's x0..x7 in @regs
 * (x5 already checked zero); writes x0..x4. Called without hyp_lock.
 */
void plat_vcpu_run(u64 *regs);

/*
 * Handle an SMCCC call owned by the vendor hypervisor (owner 6): @regs holds
 * the caller's x0..x7 on entry and the results on return.
 */
void gh_vendor_hyp_call(u64 *regs);

#endif
