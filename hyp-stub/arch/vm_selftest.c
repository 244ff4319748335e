// SPDX-License-Identifier: GPL-2.0-only
/*
 * make selftest only (HYP_VM_SELFTEST): before the EL1 self-test starts,
 * set up a test VM through the include/vm.h mechanisms directly, so that
 * vcpu_run, isolation and the guest's exits are tested without the RM.
 * vCPU capids 2 and 3; wakeup SPIs follow the RM's two.
 */
#include <string.h>
#include "gunyah.h"
#include "hyp.h"
#include "hypercall.h"
#include "mem.h"
#include "vm.h"

#ifdef HYP_VM_SELFTEST
#define VMST_VMID	200
#define VMST_LENT_PA	0x7f000000UL
#define VMST_LENT_SIZE	0x10000UL
#define VMST_SHARED_PA	0x7f100000UL
#define VMST_IPA	0x80000000UL

extern u8 vmst_guest_start[], vmst_guest_end[];

void vm_selftest_setup(void)
{
	struct vm_boot boot = { .pc = VMST_IPA + 0x800, .x = { 0x1234 } };
	u64 cap0 = 0, cap1 = 0;
	u32 irq0 = 0, irq1 = 0;
	int ret;

	memcpy((void *)VMST_LENT_PA, vmst_guest_start,
	       vmst_guest_end - vmst_guest_start);
	memset((void *)VMST_SHARED_PA, 0, 0x1000);
	spin_lock(&hyp_lock);
	ret = mem_xfer_to_vm(VMST_VMID, VMST_LENT_PA, VMST_LENT_SIZE,
			     MEM_XFER_LEND) ?:
	      mem_xfer_to_vm(VMST_VMID, VMST_SHARED_PA, 0x1000,
			     MEM_XFER_SHARE) ?:
	      vm_create(VMST_VMID) ?:
	      vm_map(VMST_VMID, VMST_IPA, VMST_LENT_PA, VMST_LENT_SIZE, true,
		     true) ?:
	      vm_map(VMST_VMID, VMST_IPA + 0x100000, VMST_SHARED_PA, 0x1000,
		     true, false) ?:
	      vm_vcpu_create(VMST_VMID, 0, &cap0, &irq0) ?:
	      vm_vcpu_create(VMST_VMID, 1, &cap1, &irq1) ?:
	      vm_start(VMST_VMID, &boot);
	spin_unlock(&hyp_lock);
	pr("test VM %u: %d, vCPU capids %lu %lu, wakeup INTIDs %u %u",
	   VMST_VMID, ret, cap0, cap1, irq0, irq1);
}
#endif
