// SPDX-License-Identifier: GPL-2.0-only
/*
 * Access to host buffers named by host EL1 virtual addresses: each page is
 * translated with AT S12E1R/W through the host's own stage-1 and stage-2,
 * and the resulting PA must be host-owned RAM in the host stage-2 table.
 */
#include <string.h>
#include "arm64.h"
#include "gunyah.h"
#include "hyp.h"
#include "hypercall.h"
#include "mem.h"

int plat_host_buf_get(struct host_buf *hb, u64 va, size_t size, bool write)
{
	u64 saved_par = read_sysreg(par_el1);	/* the host's register */
	int ret = GH_ERROR_OK;
	unsigned int i;

	memset(hb, 0, sizeof(*hb));
	if (size > RM_MSGQ_MSG_SIZE || va + size < va)
		return GH_ERROR_ADDR_INVAL;
	for (i = 0; size; i++) {
		u64 chunk = MIN(size, PGT_PAGE_SIZE - (va & (PGT_PAGE_SIZE - 1)));
		u64 par, pa;

		if (write)
			asm volatile("at s12e1w, %0" : : "r"(va));
		else
			asm volatile("at s12e1r, %0" : : "r"(va));
		isb();
		par = read_sysreg(par_el1);
		pa = (par & PAR_PA_MASK) | (va & (PGT_PAGE_SIZE - 1));
		if ((par & PAR_F) ||
		    !mem_host_can_access(&host_s2, pa, chunk, write)) {
			ret = GH_ERROR_ADDR_INVAL;
			break;
		}
		hb->ptr[i] = (u8 *)(uintptr_t)pa;	/* EL2 maps host RAM 1:1 */
		hb->len[i] = chunk;
		va += chunk;
		size -= chunk;
	}
	write_sysreg(saved_par, par_el1);
	return ret;
}
