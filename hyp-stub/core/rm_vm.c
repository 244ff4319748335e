// SPDX-License-Identifier: GPL-2.0-only
/*
 * RM VM management: VMIDs of guest VMs, their states and the lifecycle
 * calls. The host (VMID 3) is the only RPC client, so every call here is
 * made by, and every VM owned by, the host.
 *
 * States (RM_VM_STATUS_*), as the real RM walks them:
 *
 *	ALLOC -> LOAD --CONFIG_IMAGE, SET_BOOT_CONTEXT-- INIT -> READY | INIT_FAILED
 *	READY --START--> RUNNING --STOP or guest exit--> EXITED
 *	LOAD, READY, EXITED, INIT_FAILED --RESET--> RESETTING -> RESET
 *	LOAD, INIT_FAILED, RESET --DEALLOC--> free
 *
 * Every change is announced with VM_STATUS.
 */
#include <string.h>

#include "rm_internal.h"

static_assert(RM_VMID_DYN_LAST - RM_VMID_DYN_FIRST + 1 >= RM_MAX_VMS,
	      "a free VM slot implies a free dynamic VMID");

static struct rm_vm rm_vms[RM_MAX_VMS];

/*
 * VM_STATUS notifications that must follow the reply of the request being
 * handled (VM_RESET's: the real RM resets asynchronously, so the host sees
 * the OK first, then RESETTING and RESET).
 */
struct rm_deferred_status {
	u16 vmid;
	u8 status;
};

static struct rm_deferred_status rm_deferred[4];
static unsigned int rm_nr_deferred;

void rm_vm_init(void)
{
	memset(rm_vms, 0, sizeof(rm_vms));
	rm_nr_deferred = 0;
	rm_mem_init();
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

static void rm_notify_status(u16 vmid, u8 status)
{
	u8 n[RM_VM_STATUS_NOTIF_SIZE] = { 0 };

	rm_put_le16(n, vmid);
	n[4] = status;		/* os_status, app_status: nothing to report */
	(void)rm_notify(RM_NOTIF_VM_STATUS, n, sizeof(n));
}

void rm_vm_set_status(struct rm_vm *vm, u8 status)
{
	vm->status = status;
	rm_notify_status(vm->vmid, status);
}

static void rm_defer_status(u16 vmid, u8 status)
{
	if (rm_nr_deferred < ARRAY_SIZE(rm_deferred))
		rm_deferred[rm_nr_deferred++] = (struct rm_deferred_status){ vmid, status };
}

void rm_vm_after_reply(void)
{
	for (unsigned int i = 0; i < rm_nr_deferred; i++)
		rm_notify_status(rm_deferred[i].vmid, rm_deferred[i].status);
	rm_nr_deferred = 0;
}

static void rm_notify_exited(u16 vmid, u16 exit_type, const void *reason, size_t reason_size)
{
	u8 n[RM_VM_EXITED_NOTIF_SIZE + 64];

	/* The host's run page keeps 8 bytes of reason; 64 is plenty. */
	reason_size = MIN(reason_size, sizeof(n) - RM_VM_EXITED_NOTIF_SIZE);
	rm_put_le16(n, vmid);
	rm_put_le16(n + 2, exit_type);
	rm_put_le32(n + 4, (u32)reason_size);
	if (reason_size)
		memcpy(n + RM_VM_EXITED_NOTIF_SIZE, reason, reason_size);
	(void)rm_notify(RM_NOTIF_VM_EXITED, n, RM_VM_EXITED_NOTIF_SIZE + reason_size);
}

/* RUNNING -> EXITED: VM_EXITED first, so the exit reason is known by then. */
static void rm_vm_mark_exited(struct rm_vm *vm, u16 exit_type, const void *reason,
			      size_t reason_size)
{
	rm_notify_exited(vm->vmid, exit_type, reason, reason_size);
	rm_vm_set_status(vm, RM_VM_STATUS_EXITED);
}

void rm_vm_exited(u16 vmid, u16 exit_type, const void *reason, size_t reason_size)
{
	struct rm_vm *vm = rm_vm_lookup(vmid);

	/* Only a running VM exits; VM_STOP in progress reports its own exit. */
	if (!vm || vm->status != RM_VM_STATUS_RUNNING || vm->exiting)
		return;
	rm_vm_mark_exited(vm, exit_type, reason, reason ? reason_size : 0);
}

/* The VM named by a request's leading {u16 vmid}; NULL for the host or unknown. */
static struct rm_vm *rm_vm_of(const struct rm_msg *msg)
{
	return rm_vm_lookup(rm_get_le16(msg->req));
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

	*vm = (struct rm_vm){ .vmid = vmid, .status = RM_VM_STATUS_LOAD };
	return RM_ERROR_OK;
}

/*
 * {u16 vmid; u16 reserved}: free a VM that never ran or has been reset:
 * LOAD (never initialised), INIT_FAILED (INIT undid everything) or RESET.
 * READY, RUNNING and EXITED VMs must be reset first, as on the real RM.
 * Parcels given to the VM stay the host's to reclaim, but can no longer
 * configure a VM that reuses the VMID.
 */
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
	if (vm->status != RM_VM_STATUS_LOAD && vm->status != RM_VM_STATUS_RESET &&
	    vm->status != RM_VM_STATUS_INIT_FAILED)
		return RM_ERROR_VM_STATE;

	if (vm->created)
		vm_destroy(vmid);
	rm_mem_vm_reset(vmid, true);
	memset(vm, 0, sizeof(*vm));
	return RM_ERROR_OK;
}

/*
 * {u16 vmid; u16 auth; u32 mem_handle; u64 image_offset; u64 image_size;
 *  u64 dtb_offset; u64 dtb_size}: which parcel holds the VM's image and DT.
 * Before VM_INIT only; may be repeated, the last one counts. The parcel is
 * checked again by VM_INIT (the host may reclaim it in between).
 */
u32 rm_vm_config_image(struct rm_msg *msg)
{
	const u8 *req = msg->req;
	struct rm_vm *vm = rm_vm_of(msg);
	u16 auth = rm_get_le16(req + 2);
	struct rm_parcel *p = rm_parcel_lookup(rm_get_le32(req + 4));
	u64 img_off = rm_get_le64(req + 8), img_size = rm_get_le64(req + 16);
	u64 dtb_off = rm_get_le64(req + 24), dtb_size = rm_get_le64(req + 32);

	if (!vm)
		return RM_ERROR_VMID_INVALID;
	if (vm->status != RM_VM_STATUS_LOAD)
		return RM_ERROR_VM_STATE;
	/* Authenticated images (PIL, pVM firmware) need a loader the stub lacks. */
	if (auth != RM_VM_AUTH_NONE)
		return RM_ERROR_ARGUMENT_INVALID;
	if (!p)
		return RM_ERROR_HANDLE_INVALID;
	if (!rm_parcel_usable_by(p, vm->vmid))
		return RM_ERROR_ARGUMENT_INVALID;
	if (img_off > p->size || img_size > p->size - img_off ||
	    !dtb_size || dtb_off > p->size || dtb_size > p->size - dtb_off)
		return RM_ERROR_ARGUMENT_INVALID;

	vm->configured = true;
	vm->auth = auth;
	vm->image_handle = p->handle;
	vm->image_offset = img_off;
	vm->image_size = img_size;
	vm->dtb_offset = dtb_off;
	vm->dtb_size = dtb_size;
	return RM_ERROR_OK;
}

/*
 * {u16 vmid; u8 reg_set; u8 index; u32 res; u64 value}: a boot vCPU register
 * instead of the RM's default. X0..X7 (the entry registers of the arm64
 * boot protocols), PC, SP (SP_EL1). Any time before VM_START.
 */
u32 rm_vm_set_boot_context(struct rm_msg *msg)
{
	const u8 *req = msg->req;
	struct rm_vm *vm = rm_vm_of(msg);
	u8 set = req[2], index = req[3];
	u64 value = rm_get_le64(req + 8);

	if (!vm)
		return RM_ERROR_VMID_INVALID;
	switch (set) {
	case RM_BOOT_REG_SET_X:
		if (index >= ARRAY_SIZE(vm->boot.x))
			return RM_ERROR_ARGUMENT_INVALID;
		break;
	case RM_BOOT_REG_SET_PC:
	case RM_BOOT_REG_SET_SP:
		if (index)
			return RM_ERROR_ARGUMENT_INVALID;
		break;
	default:
		return RM_ERROR_ARGUMENT_INVALID;
	}
	if (vm->status != RM_VM_STATUS_LOAD && vm->status != RM_VM_STATUS_READY)
		return RM_ERROR_VM_STATE;

	if (set == RM_BOOT_REG_SET_X) {
		vm->boot.x[index] = value;
		vm->boot_set |= RM_BOOT_SET_X(index);
	} else if (set == RM_BOOT_REG_SET_PC) {
		vm->boot.pc = value;
		vm->boot_set |= RM_BOOT_SET_PC;
	} else {
		vm->boot.sp_el1 = value;
		vm->boot_set |= RM_BOOT_SET_SP;
	}
	return RM_ERROR_OK;
}

/*
 * vmid req -> {u32 n; entry[n]}: the resources VM_INIT created (none
 * before). One 44-byte vCPU entry per vCPU: label = vCPU index, capid for
 * vcpu_run, virq = the vCPU's wakeup interrupt to the host. Then one BELL_TX
 * entry per doorbell: label from the DT, capid for doorbell_send/mask/reset;
 * the host has no interrupt to take from it (virq 0). Entry handles are
 * the capids' low words: unique among live resources and never 0 (capids
 * 0 and 1 are the RM's queues).
 */
u32 rm_vm_get_hyp_resources(struct rm_msg *msg)
{
	struct rm_vm *vm = rm_vm_of(msg);
	u8 *rep = msg->rep;

	static_assert(4 + (VM_MAX_VCPUS + VM_MAX_DOORBELLS) * RM_HYP_RES_ENTRY_SIZE <=
		      RM_REPLY_MAX, "every entry fits in one reply");

	if (!vm)
		return RM_ERROR_VMID_INVALID;
	rm_put_le32(rep, vm->nr_vcpus + vm->nr_bells);
	rep += 4;
	for (unsigned int i = 0; i < vm->nr_vcpus; i++, rep += RM_HYP_RES_ENTRY_SIZE) {
		memset(rep, 0, RM_HYP_RES_ENTRY_SIZE);
		rep[0] = RM_HYP_RES_VCPU;
		rm_put_le16(rep + 2, vm->vmid);		/* partner_vmid */
		rm_put_le32(rep + 8, i);		/* label */
		rm_put_le64(rep + 12, vm->vcpu_capid[i]);
		rm_put_le32(rep + 24, vm->vcpu_virq[i]);
	}
	for (unsigned int i = 0; i < vm->nr_bells; i++, rep += RM_HYP_RES_ENTRY_SIZE) {
		memset(rep, 0, RM_HYP_RES_ENTRY_SIZE);
		rep[0] = RM_HYP_RES_BELL_TX;		/* the host rings it */
		rm_put_le16(rep + 2, vm->vmid);		/* partner_vmid */
		rm_put_le32(rep + 4, (u32)vm->bell[i].capid);	/* handle */
		rm_put_le32(rep + 8, vm->bell[i].label);
		rm_put_le64(rep + 12, vm->bell[i].capid);
	}
	msg->rep_len = 4 + (vm->nr_vcpus + vm->nr_bells) * RM_HYP_RES_ENTRY_SIZE;
	return RM_ERROR_OK;
}

/*
 * vmid req: READY -> RUNNING. The boot vCPU starts at the image parcel's base
 * with x0 = the DT's IPA, unless VM_SET_BOOT_CONTEXT said otherwise.
 */
u32 rm_vm_start(struct rm_msg *msg)
{
	struct rm_vm *vm = rm_vm_of(msg);
	struct vm_boot boot = { 0 };
	int ret;

	if (!vm)
		return RM_ERROR_VMID_INVALID;
	if (vm->status != RM_VM_STATUS_READY)
		return RM_ERROR_VM_STATE;

	boot.pc = vm->ipa_base;
	boot.x[0] = vm->ipa_base + vm->dtb_offset;
	if (vm->boot_set & RM_BOOT_SET_PC)
		boot.pc = vm->boot.pc;
	if (vm->boot_set & RM_BOOT_SET_SP)
		boot.sp_el1 = vm->boot.sp_el1;
	for (unsigned int i = 0; i < ARRAY_SIZE(boot.x); i++) {
		if (vm->boot_set & RM_BOOT_SET_X(i))
			boot.x[i] = vm->boot.x[i];
	}

	ret = vm_start(vm->vmid, &boot);
	if (ret)
		return rm_error_from_gh(ret);
	rm_vm_set_status(vm, RM_VM_STATUS_RUNNING);
	return RM_ERROR_OK;
}

/*
 * {u16 vmid; u8 flags (bit0 force); u8 res; u32 stop_reason}: RUNNING ->
 * EXITED. The stub's guests have no RM channel for VM_SHUTDOWN, so a
 * graceful stop cannot be asked of them: both stop at once; the forced one
 * reports exit type FORCED_STOP, the other VM_EXIT.
 */
u32 rm_vm_stop(struct rm_msg *msg)
{
	struct rm_vm *vm = rm_vm_of(msg);
	u8 flags = msg->req[2];
	int ret;

	if (!vm)
		return RM_ERROR_VMID_INVALID;
	if (flags & ~RM_VM_STOP_FLAG_FORCE)
		return RM_ERROR_ARGUMENT_INVALID;
	if (vm->status != RM_VM_STATUS_RUNNING)
		return RM_ERROR_VM_STATE;

	/* vm_stop() may report the guest's exit: this stop reports it instead. */
	vm->exiting = true;
	ret = vm_stop(vm->vmid);
	vm->exiting = false;
	if (ret)
		return rm_error_from_gh(ret);
	rm_vm_mark_exited(vm, (flags & RM_VM_STOP_FLAG_FORCE) ? RM_VM_EXIT_TYPE_FORCED_STOP :
				RM_VM_EXIT_TYPE_VM_EXIT, NULL, 0);
	return RM_ERROR_OK;
}

/*
 * vmid req: back to an empty VM whose VMID stays allocated: vCPUs off, every
 * parcel unmapped (so the host can reclaim it). From READY, EXITED or
 * INIT_FAILED, and from LOAD (nothing to undo), as Linux resets any VM it
 * configured; a running VM must be stopped first. Answered OK, then
 * VM_STATUS RESETTING and RESET follow the reply.
 */
u32 rm_vm_reset(struct rm_msg *msg)
{
	struct rm_vm *vm = rm_vm_of(msg);
	int ret;

	if (!vm)
		return RM_ERROR_VMID_INVALID;
	if (vm->status != RM_VM_STATUS_READY && vm->status != RM_VM_STATUS_EXITED &&
	    vm->status != RM_VM_STATUS_INIT_FAILED && vm->status != RM_VM_STATUS_LOAD)
		return RM_ERROR_VM_STATE;

	if (vm->created) {
		ret = vm_reset(vm->vmid);
		if (ret)
			return rm_error_from_gh(ret);
	}
	rm_mem_vm_reset(vm->vmid, false);
	vm->status = RM_VM_STATUS_RESET;
	rm_defer_status(vm->vmid, RM_VM_STATUS_RESETTING);
	rm_defer_status(vm->vmid, RM_VM_STATUS_RESET);
	return RM_ERROR_OK;
}
