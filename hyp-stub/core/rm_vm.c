// SPDX-License-Identifier: GPL-2.0-only
/*
 * RM VM management: VMIDs of guest VMs, their states and the lifecycle
 * calls. The host (VMID 3) is the only RPC client, so every call here is
 * made by, and every VM owned by, the host.
 *
 * States (RM_VM_STATUS_*), as the real RM walks them:
 *
 *	ALLOC -> LOAD --CONFIG_IMAGE, SET_BOOT_CONTEXT-- INIT -> READY | INIT_FAILED
 *	READY --START--> RUNNING --STOP (force) or guest halt--> EXITED
 *	LOAD, READY, EXITED, INIT_FAILED --RESET--> RESETTING ~~> RESET
 *	LOAD, INIT_FAILED, RESET --DEALLOC--> free
 *
 * Every change is announced with VM_STATUS. The real RM (src/vm_mgnt/
 * vm_mgnt.c) finishes two of them later, from its event loop; the stub's
 * RM, which has no thread, keeps them as jobs that rm_poll() runs once
 * due, at a later stub entry:
 *
 *  - A guest's halt (PSCI SYSTEM_OFF, SYSTEM_RESET, SYSTEM_RESET2): the
 *    hypervisor kills the vCPUs and tells the RM (rm_vm_halted()); the RM
 *    runs the killed vCPUs until they exit (vm_config.c kill_all_vcpus(),
 *    wait_for_vcpu_exit(), polling every 2 ms) and meanwhile the host's
 *    vcpu_run on them is BUSY; then VM_STATUS EXITED, then VM_EXITED with
 *    the exit type from the halting vCPU's state (vcpu_halt_callback()).
 *    Modelled as RM_HALT_DELAY_US of BUSY.
 *  - VM_RESET: VM_STATUS RESETTING, the reply, then stage by stage
 *    (vm_reset_callback(): vdevices, one accepted parcel per step, IRQs,
 *    the VM's objects) and VM_STATUS RESET. It takes seconds for a large
 *    lent guest under QEMU: modelled as RM_RESET_DELAY_US plus
 *    RM_RESET_US_PER_MIB for every MiB the VM has mapped. Only then are the
 *    parcels unmapped, so MEM_RECLAIM before RESET fails with MEM_INUSE.
 *
 * The delays are short by default so that tests stay fast; a build can
 * override them (-DRM_RESET_US_PER_MIB=... and so on).
 */
#include <string.h>

#include "rm_internal.h"

static_assert(RM_VMID_DYN_LAST - RM_VMID_DYN_FIRST + 1 >= RM_MAX_VMS,
	      "a free VM slot implies a free dynamic VMID");

#ifndef RM_HALT_DELAY_US
#define RM_HALT_DELAY_US	2000
#endif
#ifndef RM_RESET_DELAY_US
#define RM_RESET_DELAY_US	3000
#endif
#ifndef RM_RESET_US_PER_MIB
#define RM_RESET_US_PER_MIB	100
#endif
/* A due job whose notifications do not fit yet (the host is not reading) */
#define RM_RETRY_US		1000

/* Exit reason word 0 (vm_mgnt.c vm_mgnt_send_exited()) */
#define RM_EXIT_FLAG_RESET2_SMC64	BIT(15)
#define RM_EXIT_CODE_NORMAL		0
#define RM_EXIT_CODE_UNKNOWN_ERROR	2
#define RM_EXIT_REASON(flags, code)	((u32)(flags) | (u32)(code) << 16)

static struct rm_vm rm_vms[RM_MAX_VMS];

enum rm_job_kind {
	RM_JOB_NONE,
	RM_JOB_HALT,		/* rm_vm_halted() */
	RM_JOB_RESET,		/* VM_RESET */
};

/*
 * One job per VM at most: a halting VM is RUNNING for the host's calls, so
 * it cannot be reset meanwhile. Two more slots than RM VMs, for VMs set up
 * without the RM (the EL1 self-test's).
 */
struct rm_job {
	u16 vmid;
	u8 kind;		/* enum rm_job_kind; RM_JOB_NONE: free */
	u64 due;		/* physical counter */
	u64 state, data0, data1;	/* HALT: the halting vCPU's state */
};

static struct rm_job rm_jobs[RM_MAX_VMS + 2];
u64 rm_next_deadline = ~0UL;

static u64 rm_us(u64 us)
{
	return us * plat_counter_freq() / 1000000;
}

static void rm_jobs_update_deadline(void)
{
	u64 next = ~0UL;

	for (size_t i = 0; i < ARRAY_SIZE(rm_jobs); i++) {
		if (rm_jobs[i].kind != RM_JOB_NONE)
			next = MIN(next, rm_jobs[i].due);
	}
	__atomic_store_n(&rm_next_deadline, next, __ATOMIC_RELAXED);
}

static struct rm_job *rm_job_add(u16 vmid, enum rm_job_kind kind, u64 delay_us)
{
	for (size_t i = 0; i < ARRAY_SIZE(rm_jobs); i++) {
		struct rm_job *j = &rm_jobs[i];

		if (j->kind != RM_JOB_NONE)
			continue;
		*j = (struct rm_job){ .vmid = vmid, .kind = (u8)kind,
				      .due = plat_counter() + rm_us(delay_us) };
		rm_jobs_update_deadline();
		return j;
	}
	return NULL;
}

static void rm_job_cancel(u16 vmid)
{
	for (size_t i = 0; i < ARRAY_SIZE(rm_jobs); i++) {
		if (rm_jobs[i].kind != RM_JOB_NONE && rm_jobs[i].vmid == vmid)
			rm_jobs[i].kind = RM_JOB_NONE;
	}
	rm_jobs_update_deadline();
}

void rm_vm_init(void)
{
	memset(rm_vms, 0, sizeof(rm_vms));
	memset(rm_jobs, 0, sizeof(rm_jobs));
	rm_next_deadline = ~0UL;
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

/*
 * RUNNING -> EXITED as the real RM does it: VM_STATUS EXITED first, then
 * VM_EXITED {vmid, exit_type, reason_size, reason}, the reason being u32
 * words: word 0 = flags | exit code << 16, then @nr_extra more.
 */
static void rm_vm_mark_exited(struct rm_vm *vm, u16 exit_type, u32 reason0,
			      const u32 *extra, unsigned int nr_extra)
{
	u8 n[RM_VM_EXITED_NOTIF_SIZE + 4 * 4];
	size_t len = RM_VM_EXITED_NOTIF_SIZE + 4 * (1 + nr_extra);

	rm_vm_set_status(vm, RM_VM_STATUS_EXITED);
	rm_put_le16(n, vm->vmid);
	rm_put_le16(n + 2, exit_type);
	rm_put_le32(n + 4, (u32)(len - RM_VM_EXITED_NOTIF_SIZE));
	rm_put_le32(n + 8, reason0);
	for (unsigned int i = 0; i < nr_extra && i < 3; i++)
		rm_put_le32(n + 12 + 4 * i, extra[i]);
	(void)rm_notify(RM_NOTIF_VM_EXITED, n, MIN(len, sizeof(n)));
}

void rm_vm_halted(u16 vmid, u64 state, u64 data0, u64 data1)
{
	struct rm_job *j;

	/* One halt per VM: the first vCPU's counts (vcpu_halt_callback()). */
	for (size_t i = 0; i < ARRAY_SIZE(rm_jobs); i++) {
		if (rm_jobs[i].kind != RM_JOB_NONE && rm_jobs[i].vmid == vmid)
			return;
	}
	j = rm_job_add(vmid, RM_JOB_HALT, RM_HALT_DELAY_US);

	/* Cannot happen (a slot per VM): never leave the VM BUSY for good. */
	if (!j) {
		(void)vm_stop(vmid);
		return;
	}
	j->state = state;
	j->data0 = data0;
	j->data1 = data1;
}

/*
 * The exit type from the halting vCPU's state, as vcpu_halt_callback()
 * maps it: POWERED_OFF (SYSTEM_OFF) is PLATFORM_OFF; PSCI_SYSTEM_RESET
 * with bit 63 (SYSTEM_RESET) PLATFORM_RESET; otherwise SYSTEM_RESET2, with
 * the reset type and the 64-bit cookie (32 bits for an SMC32 call) in the
 * reason and flag bit 15 for an SMC64 call.
 */
static void rm_vm_halt_done(struct rm_vm *vm, const struct rm_job *j)
{
	u32 extra[3] = { 0 };
	u64 cookie = j->data1;
	u16 flags = 0;

	if (j->state == VCPU_STATE_POWERED_OFF) {
		rm_vm_mark_exited(vm, RM_VM_EXIT_TYPE_PLATFORM_OFF,
				  RM_EXIT_REASON(0, RM_EXIT_CODE_NORMAL), NULL, 0);
	} else if (j->state == VCPU_STATE_PSCI_SYSTEM_RESET &&
		   (j->data0 & VCPU_RESET_SYSTEM_RESET)) {
		rm_vm_mark_exited(vm, RM_VM_EXIT_TYPE_PLATFORM_RESET,
				  RM_EXIT_REASON(0, RM_EXIT_CODE_NORMAL), NULL, 0);
	} else if (j->state == VCPU_STATE_PSCI_SYSTEM_RESET) {
		if (j->data0 & VCPU_RESET_RESET2_SMC64)
			flags |= RM_EXIT_FLAG_RESET2_SMC64;
		else
			cookie &= 0xffffffffUL;
		extra[0] = (u32)j->data0;
		extra[1] = (u32)cookie;
		extra[2] = (u32)(cookie >> 32);
		rm_vm_mark_exited(vm, RM_VM_EXIT_TYPE_SYSTEM_RESET2,
				  RM_EXIT_REASON(flags, RM_EXIT_CODE_NORMAL), extra, 3);
	} else {
		rm_vm_mark_exited(vm, RM_VM_EXIT_TYPE_SW_ERROR,
				  RM_EXIT_REASON(0, RM_EXIT_CODE_UNKNOWN_ERROR), NULL, 0);
	}
}

/* Bytes the VM has mapped: what a reset has to give back. */
static u64 rm_vm_mapped_bytes(u16 vmid)
{
	u64 bytes = 0;

	for (unsigned int i = 0; i < RM_MAX_PARCELS; i++) {
		const struct rm_parcel *p = rm_parcel_at(i);

		if (p && p->vmid == vmid && p->mapped)
			bytes += p->size;
	}
	return bytes;
}

/* Returns false if the job must wait (its notifications do not fit yet). */
static bool rm_job_run(const struct rm_job *j)
{
	struct rm_vm *vm = rm_vm_lookup(j->vmid);
	int ret;

	if (j->kind == RM_JOB_HALT) {
		/* Not the RM's VM (set up without it): the mechanism only. */
		if (!vm || vm->status != RM_VM_STATUS_RUNNING) {
			(void)vm_stop(j->vmid);
			return true;
		}
		if (msgq_space(&rm_outbox) < 2)
			return false;
		/* The killed vCPUs have exited: vcpu_run reports it from now. */
		(void)vm_stop(vm->vmid);
		rm_vm_halt_done(vm, j);
		return true;
	}

	if (!vm || vm->status != RM_VM_STATUS_RESETTING)
		return true;
	if (msgq_space(&rm_outbox) < 1)
		return false;
	if (vm->created) {
		ret = vm_reset(vm->vmid);
		if (ret) {
			rm_log_vm(vm->vmid, "reset: out of memory, trying again");
			return false;
		}
	}
	rm_mem_vm_reset(vm->vmid, false);
	rm_vm_set_status(vm, RM_VM_STATUS_RESET);
	return true;
}

void rm_poll(u64 now)
{
	for (size_t i = 0; i < ARRAY_SIZE(rm_jobs); i++) {
		struct rm_job *j = &rm_jobs[i];

		if (j->kind == RM_JOB_NONE || j->due > now)
			continue;
		if (rm_job_run(j))
			j->kind = RM_JOB_NONE;
		else
			j->due = now + rm_us(RM_RETRY_US);
	}
	rm_jobs_update_deadline();
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

	if (!vm) {
		rm_log_vm(vmid, "VM_ALLOC_VMID: all %u VMs in use", RM_MAX_VMS);
		return RM_ERROR_NORESOURCE;
	}

	if (!vmid) {
		/* Ends within the range: a free slot leaves a dynamic VMID free. */
		for (vmid = RM_VMID_DYN_FIRST; rm_vm_find(vmid); vmid++)
			;
		rm_put_le32(msg->rep, vmid);
		msg->rep_len = 4;
	} else if (vmid < RM_VMID_ALLOC_FIRST || vmid > RM_VMID_ALLOC_LAST ||
		   rm_vm_find(vmid)) {
		rm_log_vm(vmid, "VM_ALLOC_VMID: VMID reserved or in use");
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
	if (vmid == RM_VMID_HOST || vmid == RM_VMID_RM) {
		rm_log_vm(vmid, "VM_DEALLOC_VMID: not the host's VM");
		return RM_ERROR_DENIED;
	}

	vm = rm_vm_lookup(vmid);
	if (!vm) {
		rm_log_vm(vmid, "VM_DEALLOC_VMID: no such VM");
		return RM_ERROR_VMID_INVALID;
	}
	if (vm->status != RM_VM_STATUS_LOAD && vm->status != RM_VM_STATUS_RESET &&
	    vm->status != RM_VM_STATUS_INIT_FAILED) {
		rm_log_vm(vmid, "VM_DEALLOC_VMID: not reset (status %u)", vm->status);
		return RM_ERROR_VM_STATE;
	}

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

	if (!vm) {
		rm_log_vm(rm_get_le16(req), "VM_CONFIG_IMAGE: no such VM");
		return RM_ERROR_VMID_INVALID;
	}
	if (vm->status != RM_VM_STATUS_LOAD) {
		rm_log_vm(vm->vmid, "VM_CONFIG_IMAGE: not in LOAD (status %u)", vm->status);
		return RM_ERROR_VM_STATE;
	}
	/* Authenticated images (PIL, pVM firmware) need a loader the stub lacks. */
	if (auth != RM_VM_AUTH_NONE) {
		rm_log_vm(vm->vmid, "VM_CONFIG_IMAGE: auth type %u not supported", auth);
		return RM_ERROR_ARGUMENT_INVALID;
	}
	if (!p) {
		rm_log_vm(vm->vmid, "VM_CONFIG_IMAGE: no parcel %#x", rm_get_le32(req + 4));
		return RM_ERROR_HANDLE_INVALID;
	}
	if (!rm_parcel_usable_by(p, vm->vmid)) {
		rm_log_vm(vm->vmid, "VM_CONFIG_IMAGE: parcel %#x is not for this VM", p->handle);
		return RM_ERROR_ARGUMENT_INVALID;
	}
	if (img_off > p->size || img_size > p->size - img_off ||
	    !dtb_size || dtb_off > p->size || dtb_size > p->size - dtb_off) {
		rm_log_vm(vm->vmid, "VM_CONFIG_IMAGE: image or DT outside parcel %#x", p->handle);
		return RM_ERROR_ARGUMENT_INVALID;
	}

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

	if (!vm) {
		rm_log_vm(rm_get_le16(req), "VM_SET_BOOT_CONTEXT: no such VM");
		return RM_ERROR_VMID_INVALID;
	}
	if ((set == RM_BOOT_REG_SET_X && index >= ARRAY_SIZE(vm->boot.x)) ||
	    ((set == RM_BOOT_REG_SET_PC || set == RM_BOOT_REG_SET_SP) && index) ||
	    set > RM_BOOT_REG_SET_SP) {
		rm_log_vm(vm->vmid, "VM_SET_BOOT_CONTEXT: no register %u/%u", set, index);
		return RM_ERROR_ARGUMENT_INVALID;
	}
	if (vm->status != RM_VM_STATUS_LOAD && vm->status != RM_VM_STATUS_READY) {
		rm_log_vm(vm->vmid, "VM_SET_BOOT_CONTEXT: too late (status %u)", vm->status);
		return RM_ERROR_VM_STATE;
	}

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

	if (!vm) {
		rm_log_vm(rm_get_le16(msg->req), "VM_GET_HYP_RESOURCES: no such VM");
		return RM_ERROR_VMID_INVALID;
	}
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
	u32 err;
	int ret;

	if (!vm) {
		rm_log_vm(rm_get_le16(msg->req), "VM_START: no such VM");
		return RM_ERROR_VMID_INVALID;
	}
	if (vm->status != RM_VM_STATUS_READY) {
		rm_log_vm(vm->vmid, "VM_START: not READY (status %u)", vm->status);
		return RM_ERROR_VM_STATE;
	}
	/* Shared windows (rm_vmcfg.c); failing, the real RM leaves INIT_FAILED. */
	err = rm_vm_start_config(vm);
	if (err) {
		rm_vm_set_status(vm, RM_VM_STATUS_INIT_FAILED);
		return err;
	}

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
	if (ret) {
		rm_log_vm(vm->vmid, "VM_START: cannot start the vCPUs (%d)", ret);
		return rm_error_from_gh(ret);
	}
	rm_vm_set_status(vm, RM_VM_STATUS_RUNNING);
	return RM_ERROR_OK;
}

/*
 * {u16 vmid; u8 flags (bit0 force); u8 res; u32 stop_reason}, for a RUNNING
 * VM, as vm_mgnt_handle_stop(): with force, the RM stops the VM at once
 * (kills and runs its vCPUs until they exit), sends VM_STATUS EXITED and
 * VM_EXITED FORCED_STOP, then replies. Without it, the real RM only sends
 * the guest VM_SHUTDOWN with the stop reason and replies OK: the guest
 * decides. The stub's guests have no RM channel, so nothing happens then.
 * The other flag bits are ignored, as by the real RM.
 */
u32 rm_vm_stop(struct rm_msg *msg)
{
	u16 vmid = rm_get_le16(msg->req);
	struct rm_vm *vm = rm_vm_of(msg);
	u8 flags = msg->req[2];
	int ret;

	if (!vm) {
		rm_log_vm(vmid, "VM_STOP: no such VM");
		return RM_ERROR_VMID_INVALID;
	}
	if (vm->status != RM_VM_STATUS_RUNNING) {
		rm_log_vm(vmid, "VM_STOP: not running (status %u)", vm->status);
		return RM_ERROR_VM_STATE;
	}
	if (!(flags & RM_VM_STOP_FLAG_FORCE)) {
		rm_log_vm(vmid, "VM_STOP without force: VM_SHUTDOWN not delivered (no guest RM channel), still running");
		return RM_ERROR_OK;
	}

	/* Before the RM finished a guest's halt: the stop wins. */
	rm_job_cancel(vmid);
	ret = vm_stop(vmid);
	if (ret) {
		rm_log_vm(vmid, "VM_STOP: cannot stop the vCPUs (%d)", ret);
		return rm_error_from_gh(ret);
	}
	rm_vm_mark_exited(vm, RM_VM_EXIT_TYPE_FORCED_STOP,
			  RM_EXIT_REASON(0, RM_EXIT_CODE_NORMAL), NULL, 0);
	return RM_ERROR_OK;
}

/*
 * vmid req: back to an empty VM whose VMID stays allocated: vCPUs off, every
 * parcel unmapped (so the host can reclaim it). From READY, EXITED or
 * INIT_FAILED as on the real RM, and from LOAD (nothing to undo), which the
 * real RM refuses (VM_STATE) but Linux relies on to tear down a VM it never
 * initialised. A running VM must be stopped first. VM_STATUS RESETTING
 * goes before the reply, as from vm_mgnt_handle_reset(); the reset itself
 * and VM_STATUS RESET come later (an RM_JOB_RESET, see the top).
 */
u32 rm_vm_reset(struct rm_msg *msg)
{
	u16 vmid = rm_get_le16(msg->req);
	struct rm_vm *vm = rm_vm_of(msg);
	u64 mib;

	if (!vm) {
		rm_log_vm(vmid, "VM_RESET: no such VM");
		return RM_ERROR_VMID_INVALID;
	}
	if (vm->status != RM_VM_STATUS_READY && vm->status != RM_VM_STATUS_EXITED &&
	    vm->status != RM_VM_STATUS_INIT_FAILED && vm->status != RM_VM_STATUS_LOAD) {
		rm_log_vm(vmid, "VM_RESET: not allowed in status %u", vm->status);
		return RM_ERROR_VM_STATE;
	}

	mib = (rm_vm_mapped_bytes(vmid) + (1UL << 20) - 1) >> 20;
	if (!rm_job_add(vmid, RM_JOB_RESET, RM_RESET_DELAY_US + mib * RM_RESET_US_PER_MIB)) {
		rm_log_vm(vmid, "VM_RESET: no room for the reset");	/* cannot happen */
		return RM_ERROR_NORESOURCE;
	}
	rm_vm_set_status(vm, RM_VM_STATUS_RESETTING);
	return RM_ERROR_OK;
}
