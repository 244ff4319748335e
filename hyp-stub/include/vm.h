/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Guest VMs: the mechanisms the RM drives.
 *
 * The RM (core/rm*.c) owns protocol and policy: VMIDs, memory parcels and
 * their ACLs, VM states and notifications, the VM's DT. The mechanisms
 * declared here (core/mem.c, core/vm.c, arch/) own page ownership, the
 * guests' stage-2 tables, vCPUs and the host capabilities that name them.
 * Every call is made with hyp_lock held. Errors are GH_ERROR_* codes.
 */
#ifndef HYP_VM_H
#define HYP_VM_H

#include "types.h"

#define VM_MAX_VCPUS		8

/*
 * Page ownership transfers between the host and a VM, all-or-nothing
 * (check every page, then commit). [pa, pa + size) must be page aligned.
 *
 * SHARE: the host keeps access; the pages become "shared with vmid" and
 * cannot be shared or lent again until returned.
 * LEND: the pages leave the host's stage-2 (a host access faults) and are
 * owned by vmid.
 * Only host-owned, not shared, not lent RAM outside the hypervisor can go;
 * anything else is GH_ERROR_DENIED.
 */
enum mem_xfer {
	MEM_XFER_SHARE,
	MEM_XFER_LEND,
};

int mem_xfer_check(u64 pa, u64 size);
int mem_xfer_to_vm(u16 vmid, u64 pa, u64 size, enum mem_xfer type);

/*
 * Give the pages back to the host. Lent pages are always zeroed before the
 * host sees them again; shared pages when @sanitize. The pages must not be
 * mapped in the VM any more (vm_unmap() first).
 */
int mem_xfer_to_host(u16 vmid, u64 pa, u64 size, enum mem_xfer type,
		     bool sanitize);

/* A VM's address space: an empty stage-2 until parcels are mapped. */
int vm_create(u16 vmid);
void vm_destroy(u16 vmid);	/* stops it first if needed; frees vCPUs */

/* Map pages already transferred to @vmid at @ipa; unmap them again. */
int vm_map(u16 vmid, u64 ipa, u64 pa, u64 size, bool write, bool exec);
int vm_unmap(u16 vmid, u64 ipa, u64 size);

/*
 * vCPU @index (MPIDR Aff0 = index) of @vmid, with a capability in the host's
 * cspace for vcpu_run (*capid) and an edge SPI to the host that signals its
 * wakeups (*virq, as GIC INTID).
 */
int vm_vcpu_create(u16 vmid, unsigned int index, u64 *capid, u32 *virq);

/*
 * Doorbells (core/doorbell.c): a doorbell whose receiver is @vmid's vGIC SPI
 * @intid (VM_DOORBELL_INTID_MIN <= intid < VM_DOORBELL_INTID_END, each SPI
 * at most once) and whose source is the host: a new capability in the
 * host's cspace (*capid: doorbell_send, doorbell_mask, doorbell_reset).
 * vm_reset() clears their flags and masks; vm_destroy() frees them and
 * revokes the capabilities. Memory comes from the page-table pool as they
 * are created (GH_ERROR_NOMEM when it is empty). At most VM_MAX_DOORBELLS
 * per VM: as many as one VM_GET_HYP_RESOURCES reply lists beside the vCPUs.
 */
#define VM_MAX_DOORBELLS	320
#define VM_DOORBELL_INTID_MIN	32	/* SPIs only */
#define VM_DOORBELL_INTID_END	1020	/* the real vGIC's 988 SPIs (doorbell.c) */

int vm_doorbell_create(u16 vmid, u32 intid, u64 *capid);

/*
 * The guest's GICv3 frames from its DT (core/vgic.c), after its vCPUs are
 * created; without it the vGIC keeps its defaults. GH_ERROR_ARG_* if the
 * frames are unusable (outside the MMIO window, overlapping).
 */
int vm_vgic_config(u16 vmid, u64 gicd_base, u64 gicr_base);

/* Initial register state of the boot vCPU (boot context or RM defaults). */
struct vm_boot {
	u64 pc;
	u64 sp_el1;
	u64 x[8];
};

/*
 * Start: vCPU 0 becomes runnable at EL1h with @boot, the others stay powered
 * off until the guest's PSCI CPU_ON. Stop: every vCPU stops (also ends a
 * HALTING VM's halt), vcpu_run then reports POWERED_OFF with the VM-exited
 * flag and waiting hosts get the wakeup interrupt. Reset: vCPUs back to
 * powered off, all mappings removed.
 */
int vm_start(u16 vmid, const struct vm_boot *boot);
int vm_stop(u16 vmid);
int vm_reset(u16 vmid);

/* vcpu_run states (gunyah-abi.md §2) and their data */
#define VCPU_STATE_READY		0
#define VCPU_STATE_EXPECTS_WAKEUP	1
#define VCPU_STATE_POWERED_OFF		2
#define VCPU_STATE_BLOCKED		3
#define VCPU_STATE_VMMIO_READ		4
#define VCPU_STATE_VMMIO_WRITE		5
#define VCPU_STATE_FAULT		6
#define VCPU_STATE_PSCI_SYSTEM_RESET	0x100

#define VCPU_POWERED_OFF_VM_EXITED	BIT(0)
/* PSCI_SYSTEM_RESET data0: the reset type, with these flags */
#define VCPU_RESET_SYSTEM_RESET		BIT(63)	/* SYSTEM_RESET, not RESET2 */
#define VCPU_RESET_RESET2_SMC64		BIT(62)	/* SYSTEM_RESET2 by SMC64 */

/*
 * Implemented by the RM, called by the mechanisms when a guest halts its
 * VM (PSCI SYSTEM_OFF, SYSTEM_RESET, SYSTEM_RESET2), as Gunyah raises the
 * halting vCPU's halt interrupt to the RM: every vCPU is killed, the VM is
 * HALTING (vcpu_run BUSY) until the RM calls vm_stop(). @state, @data0 and
 * @data1 are what vcpu_run_check gives the RM for the halting vCPU
 * (POWERED_OFF, or PSCI_SYSTEM_RESET with the reset type and cookie).
 */
void rm_vm_halted(u16 vmid, u64 state, u64 data0, u64 data1);

#endif
