/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Gunyah VM manager: the VMs created through /dev/gunyah.
 */

#ifndef __GUNYAH_VM_MGR_PRIV_H
#define __GUNYAH_VM_MGR_PRIV_H

#include <linux/kref.h>
#include <linux/types.h>

struct gunyah_rm;

/**
 * struct gunyah_vm - A VM created through /dev/gunyah
 * @kref: References: the VM file, and later its vCPUs and functions.
 * @rm: The Resource Manager connection the VM was created with.
 * @vmid: The VM's VMID, allocated from the RM at creation and freed when the
 *        last reference goes.
 */
struct gunyah_vm {
	struct kref kref;
	struct gunyah_rm *rm;
	u16 vmid;
};

struct gunyah_vm *gunyah_vm_get(struct gunyah_vm *ghvm);
void gunyah_vm_put(struct gunyah_vm *ghvm);

#endif /* __GUNYAH_VM_MGR_PRIV_H */
