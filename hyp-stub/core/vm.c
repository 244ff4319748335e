// SPDX-License-Identifier: GPL-2.0-only
/*
 * Guest VMs: address spaces (one stage-2 per VM, only pages transferred to
 * the VM), vCPUs and their capabilities, start/stop/reset, the guests' PSCI
 * calls and MMIO syndrome decoding. The world switch is arch/vcpu.c.
 * Everything runs under hyp_lock.
 */
#include <string.h>
#include "doorbell.h"
#include "gunyah.h"
#include "mem.h"
#include "psci.h"
#include "vcpu.h"
#include "vgic.h"

struct vm vms[VM_MAX_VMS];
static struct vcpu vcpu_pool[VM_MAX_VMS][VM_MAX_VCPUS];

/*
 * The RM provides the real one; without an RM nobody finishes the halt:
 * the VM stays HALTING until vm_stop().
 */
__attribute__((weak)) void rm_vm_halted(u16 vmid, u64 state, u64 data0,
					u64 data1)
{
	(void)vmid;
	(void)state;
	(void)data0;
	(void)data1;
}

static const struct pgt_ops vm_s2_ops = {
	.zalloc_pages = plat_s2_zalloc,
	.tlb_inval = plat_s2_tlb_inval,
	.free_pages = plat_s2_free,
};

static struct vm *vm_get(u16 vmid)
{
	for (unsigned int i = 0; i < VM_MAX_VMS; i++)
		if (vms[i].used && !vms[i].dying && vms[i].vmid == vmid)
			return &vms[i];
	return NULL;
}

/* Clear the host stage-2's "mapped" marks of what a VM maps in a range. */
struct unmark {
	u16 vmid;
	int err;
};

static int unmark_leaf(const struct pgtable *pgt, const struct pgt_leaf *leaf,
		       void *arg)
{
	struct unmark *u = arg;
	int ret;

	(void)pgt;
	if (!pgt_leaf_valid(leaf))
		return 0;
	ret = mem_borrower_unmap(u->vmid, pgt_leaf_pa(leaf), leaf->size);
	if (ret && !u->err)
		u->err = ret;
	return 0;
}

static int vm_unmark(struct vm *vm, u64 ipa, u64 size)
{
	struct unmark u = { .vmid = vm->vmid };

	pgt_walk(&vm->s2, ipa, size, unmark_leaf, &u);
	return u.err;
}

int vm_create(u16 vmid)
{
	struct vm *vm = NULL;
	unsigned int i;

	for (i = 0; i < VM_MAX_VMS; i++) {
		if (vms[i].used && vms[i].vmid == vmid)
			return vms[i].dying ? GH_ERROR_BUSY :
					      GH_ERROR_OBJECT_CONFIGURED;
		if (!vms[i].used && !vm)
			vm = &vms[i];
	}
	if (!vm)
		return GH_ERROR_NORESOURCES;
	memset(vm, 0, sizeof(*vm));
	vm->vmid = vmid;
	vm->hw_vmid = (u8)(vm - vms + 1);
	vm->s2.vmid = vm->hw_vmid;
	if (pgt_init(&vm->s2, PGT_STAGE2, VM_IPA_BITS, &vm_s2_ops))
		return GH_ERROR_NOMEM;
	vm->s2.vmid = vm->hw_vmid;
	vm->state = VM_STATE_STOPPED;
	vgic_vm_init(vm);
	vm->used = true;
	return GH_ERROR_OK;
}

static void vm_free(struct vm *vm)
{
	/* No vCPU runs it now: the pages may go back to the host. */
	(void)vm_unmark(vm, 0, 1UL << VM_IPA_BITS);
	plat_s2_tlb_flush_vm(vm);
	pgt_destroy(&vm->s2);
	vgic_vm_free(vm);
	vm->used = false;
	vm->dying = false;
}

/* Without a way to interrupt its CPU a vCPU waits for its next exit. */
__attribute__((weak)) void plat_vcpu_kick_cpu(int cpu)
{
	(void)cpu;
}

/*
 * Every vCPU off; one still in the guest on another CPU is made to exit
 * (it sees !on there). @killed: the vCPUs were killed by a halt.
 */
static void vcpus_off(struct vm *vm, bool killed)
{
	for (unsigned int i = 0; i < VM_MAX_VCPUS; i++) {
		struct vcpu *v = vm->vcpu[i];

		if (!v)
			continue;
		v->on = false;
		v->killed = killed;
		v->mmio_read = false;
		/* A host waiting for this vCPU must look again. */
		v->sleeping = false;
		plat_spi_raise(v->virq);
		if (v->running_on >= 0)
			plat_vcpu_kick_cpu(v->running_on);
	}
}

void vm_destroy(u16 vmid)
{
	struct vm *vm = vm_get(vmid);

	if (!vm)
		return;
	vm->state = VM_STATE_EXITED;
	vcpus_off(vm, false);
	vm_doorbells_free(vm);
	for (unsigned int i = 0; i < VM_MAX_VCPUS; i++) {
		struct vcpu *v = vm->vcpu[i];

		if (!v)
			continue;
		host_cap_free(v->capid);
		plat_spi_free(v->virq);
		vm->vcpu[i] = NULL;
	}
	/* A vCPU still inside vcpu_run elsewhere frees it when it leaves. */
	if (vm->nr_running)
		vm->dying = true;
	else
		vm_free(vm);
}

/* ------------------------------------------------------- wakeups */

u64 vcpu_next_deadline = ~0UL;

void vcpu_kick(struct vcpu *v)
{
	if (v->sleeping) {
		if (!v->wake_raised) {
			v->wake_raised = true;
			plat_spi_raise(v->virq);
		}
		return;
	}
	/* In the guest on a CPU: make it exit to see the new interrupt. */
	if (v->running_on >= 0)
		plat_vcpu_kick_cpu(v->running_on);
}

void vcpu_sleep(struct vcpu *v, u64 deadline)
{
	v->sleeping = true;
	v->wake_raised = false;
	v->wake_deadline = deadline;
	if (deadline < vcpu_next_deadline)
		__atomic_store_n(&vcpu_next_deadline, deadline,
				 __ATOMIC_RELAXED);
}

/*
 * Bounded scan (VM_MAX_VMS * VM_MAX_VCPUS) instead of a sorted list: it
 * runs when a host CPU idles or a vcpu_run returns, never per guest exit.
 */
u64 vcpu_wake_due(u64 now)
{
	u64 next = ~0UL;

	for (unsigned int i = 0; i < VM_MAX_VMS; i++) {
		if (!vms[i].used)
			continue;
		for (unsigned int j = 0; j < VM_MAX_VCPUS; j++) {
			struct vcpu *v = vms[i].vcpu[j];

			if (!v || !v->sleeping || v->wake_raised ||
			    v->wake_deadline == ~0UL)
				continue;
			if (v->wake_deadline <= now)
				vcpu_kick(v);
			else
				next = MIN(next, v->wake_deadline);
		}
	}
	__atomic_store_n(&vcpu_next_deadline, next, __ATOMIC_RELAXED);
	return next;
}

void vm_vcpu_put(struct vcpu *v)
{
	struct vm *vm = v->vm;

	v->running_on = -1;
	if (--vm->nr_running == 0 && vm->dying)
		vm_free(vm);
}

static int unmapped_leaf(const struct pgtable *pgt, const struct pgt_leaf *leaf,
			 void *arg)
{
	(void)pgt;
	(void)arg;
	return pgt_leaf_valid(leaf);
}

int vm_map(u16 vmid, u64 ipa, u64 pa, u64 size, bool write, bool exec)
{
	struct vm *vm = vm_get(vmid);
	unsigned int prot = PGT_PROT_R;
	int ret;

	if (!vm)
		return GH_ERROR_ARG_INVAL;
	if (!size || !IS_ALIGNED(ipa | pa | size, PGT_PAGE_SIZE) ||
	    ipa + size < ipa || ipa + size > (1UL << VM_IPA_BITS) ||
	    pa + size < pa)
		return GH_ERROR_ARG_INVAL;
	/* The IPA range must be free; the pages this VM's and not mapped. */
	if (pgt_walk(&vm->s2, ipa, size, unmapped_leaf, NULL))
		return GH_ERROR_DENIED;
	ret = mem_borrower_map(vmid, pa, size);
	if (ret)
		return ret;
	if (write)
		prot |= PGT_PROT_W;
	if (exec)
		prot |= PGT_PROT_X;
	/* All or nothing: tables are allocated before any entry is written. */
	ret = pgt_map(&vm->s2, ipa, size, pa, prot, PGT_STATE_OWNED);
	if (ret)
		(void)mem_borrower_unmap(vmid, pa, size);
	return ret == PGT_ENOMEM ? GH_ERROR_NOMEM :
	       ret ? GH_ERROR_ARG_INVAL : GH_ERROR_OK;
}

int vm_unmap(u16 vmid, u64 ipa, u64 size)
{
	struct vm *vm = vm_get(vmid);
	int ret, unmark;

	if (!vm)
		return GH_ERROR_ARG_INVAL;
	if (!size || !IS_ALIGNED(ipa | size, PGT_PAGE_SIZE) ||
	    ipa + size < ipa || ipa + size > (1UL << VM_IPA_BITS))
		return GH_ERROR_ARG_INVAL;
	unmark = vm_unmark(vm, ipa, size);
	/* Each valid entry is invalidated for the VM's VMID (tlb_inval). */
	ret = pgt_unmap(&vm->s2, ipa, size, PGT_OWNER_NONE);
	if (ret)
		return ret == PGT_ENOMEM ? GH_ERROR_NOMEM : GH_ERROR_ARG_INVAL;
	return unmark;
}

int vm_vcpu_create(u16 vmid, unsigned int index, u64 *capid, u32 *virq)
{
	struct vm *vm = vm_get(vmid);
	struct vcpu *v;
	int spi, ret;

	if (!vm || index >= VM_MAX_VCPUS)
		return GH_ERROR_ARG_INVAL;
	if (vm->vcpu[index])
		return GH_ERROR_OBJECT_CONFIGURED;
	v = &vcpu_pool[vm - vms][index];
	memset(v, 0, sizeof(*v));
	v->vm = vm;
	v->index = index;
	v->running_on = -1;
	spi = plat_spi_alloc();
	if (spi < 0)
		return GH_ERROR_NORESOURCES;
	ret = host_cap_alloc_vcpu(v, &v->capid);
	if (ret) {
		plat_spi_free(spi);
		return ret;
	}
	v->virq = spi;
	vcpu_reset_ctx(v, 0, 0);
	vgic_vcpu_init(v);
	vm->vcpu[index] = v;
	*capid = v->capid;
	*virq = v->virq;
	return GH_ERROR_OK;
}

void vcpu_reset_ctx(struct vcpu *v, u64 pc, u64 x0)
{
	memset(&v->ctx, 0, sizeof(v->ctx));
	v->ctx.pc = pc;
	v->ctx.x[0] = x0;
	v->ctx.pstate = 0x3c5;	/* EL1h, DAIF masked */
	v->mmio_read = false;
	plat_vcpu_init_ctx(v);
}

void vcpu_take_reset(struct vcpu *v)
{
	if (!v->reset_pending)
		return;
	vcpu_reset_ctx(v, v->boot.pc, v->boot.x[0]);
	for (unsigned int i = 1; i < ARRAY_SIZE(v->boot.x); i++)
		v->ctx.x[i] = v->boot.x[i];
	v->ctx.sys[SR_SP_EL1] = v->boot.sp_el1;
	v->reset_pending = false;
}

int vm_start(u16 vmid, const struct vm_boot *boot)
{
	struct vm *vm = vm_get(vmid);
	struct vcpu *v;

	if (!vm || !boot)
		return GH_ERROR_ARG_INVAL;
	if (vm->state != VM_STATE_STOPPED)
		return GH_ERROR_OBJECT_STATE;
	v = vm->vcpu[0];
	if (!v)
		return GH_ERROR_OBJECT_CONFIG;
	for (unsigned int i = 0; i < VM_MAX_VCPUS; i++)
		if (vm->vcpu[i] && vm->vcpu[i]->running_on >= 0)
			return GH_ERROR_BUSY;	/* still leaving a stop */
	v->boot = *boot;
	v->reset_pending = true;
	vm->state = VM_STATE_RUNNING;
	v->on = true;
	plat_spi_raise(v->virq);
	return GH_ERROR_OK;
}

int vm_stop(u16 vmid)
{
	struct vm *vm = vm_get(vmid);

	if (!vm)
		return GH_ERROR_ARG_INVAL;
	/* Killed vCPUs of a halt have exited now: they stay killed. */
	if (vm->state != VM_STATE_HALTING)
		vcpus_off(vm, false);
	vm->state = VM_STATE_EXITED;
	return GH_ERROR_OK;
}

int vm_reset(u16 vmid)
{
	struct vm *vm = vm_get(vmid);
	int ret;

	if (!vm)
		return GH_ERROR_ARG_INVAL;
	vcpus_off(vm, false);
	vm_doorbells_reset(vm);
	vgic_vm_reset(vm);
	/* Failing only for want of table memory: the pages stay marked. */
	(void)vm_unmark(vm, 0, 1UL << VM_IPA_BITS);
	/* One VMID-wide flush instead of one per page. */
	vm->s2.tlbi_deferred = true;
	ret = pgt_unmap(&vm->s2, 0, 1UL << VM_IPA_BITS, PGT_OWNER_NONE);
	vm->s2.tlbi_deferred = false;
	plat_s2_tlb_flush_vm(vm);
	if (ret)
		return GH_ERROR_NOMEM;
	vm->state = VM_STATE_STOPPED;
	return GH_ERROR_OK;
}

/* ------------------------------------------------------- guest PSCI */

/*
 * As Gunyah's PSCI (hyp/vm/psci/src/psci_common.c), for the functions the
 * stub offers: VERSION, CPU_ON, CPU_OFF, AFFINITY_INFO, SYSTEM_OFF,
 * SYSTEM_RESET, SYSTEM_RESET2 and FEATURES. CPU_SUSPEND is not offered:
 * guests idle in WFI.
 */
#define PSCI_FN_SMC64		0x40000000U

/*
 * A guest's MPIDR as the RM sets up its vGIC (linear mapping, mask 0x7fff:
 * vCPU index = Aff0 | Aff1 << 8, Aff2 and Aff3 zero); the bits outside the
 * affinity fields are ignored, as by Gunyah.
 */
#define MPIDR_AFF0(m)		((m) & 0xffUL)
#define MPIDR_AFF1(m)		(((m) >> 8) & 0xffUL)
#define MPIDR_AFF2_3_MASK	0xff00ff0000UL
/* Gunyah's PLATFORM_MAX_CORES on QEMU, which CPU_ON compares indexes with */
#define PSCI_PLATFORM_MAX_CORES	8

static struct vcpu *vcpu_by_mpidr(struct vm *vm, u64 mpidr)
{
	if ((mpidr & MPIDR_AFF2_3_MASK) || MPIDR_AFF1(mpidr) ||
	    MPIDR_AFF0(mpidr) >= VM_MAX_VCPUS)
		return NULL;
	return vm->vcpu[MPIDR_AFF0(mpidr)];
}

/*
 * CPU_ON of an MPIDR without a vCPU: INVALID_PARAMETERS if the VM could
 * not have such a CPU, INTERNAL_FAILURE if it could (a valid MPIDR whose
 * index is within the platform's cores). Gunyah compares the index with
 * "> PLATFORM_MAX_CORES", so index 8 counts as possible too.
 */
static s64 psci_cpu_on_missing(u64 mpidr)
{
	u64 index = MPIDR_AFF0(mpidr) | MPIDR_AFF1(mpidr) << 8;

	if ((mpidr & MPIDR_AFF2_3_MASK) || MPIDR_AFF1(mpidr) > 0x7f ||
	    index > PSCI_PLATFORM_MAX_CORES)
		return PSCI_INVALID_PARAMS;
	return PSCI_INTERNAL_FAILURE;
}

/*
 * SYSTEM_OFF, SYSTEM_RESET, SYSTEM_RESET2: Gunyah kills every other vCPU
 * and powers the caller off (psci_stop_all_vcpus()), then the RM finishes
 * the halt. The caller's vcpu_run ends with @state and @data; the others'
 * (if running) with POWERED_OFF and the VM-exited flag.
 */
static int vm_halt(struct vm *vm, struct vcpu *v, int state, u64 *data,
		   u64 data0, u64 data1)
{
	/* Killed by another vCPU's halt while it trapped: that one halts. */
	if (vm->state != VM_STATE_RUNNING) {
		v->on = false;
		data[0] = 0;
		return VCPU_STATE_POWERED_OFF;
	}
	vm->state = VM_STATE_HALTING;
	vcpus_off(vm, true);
	v->killed = false;
	data[0] = data0;
	data[1] = data1;
	rm_vm_halted(vm->vmid, (u64)state, data0, data1);
	return state;
}

static bool psci_known(u32 fid)
{
	switch (fid) {
	case PSCI_VERSION:
	case PSCI_CPU_OFF:
	case PSCI_CPU_ON:
	case PSCI_CPU_ON64:
	case PSCI_AFFINITY_INFO:
	case PSCI_AFFINITY_INFO64:
	case PSCI_SYSTEM_OFF:
	case PSCI_SYSTEM_RESET:
	case PSCI_SYSTEM_RESET2:
	case PSCI_SYSTEM_RESET2_64:
	case PSCI_FEATURES:
		return true;
	default:
		return false;
	}
}

int vm_guest_psci(struct vcpu *v, u64 *data)
{
	struct vm *vm = v->vm;
	u64 *x = v->ctx.x;
	u32 fid = (u32)x[0];
	bool smc64 = fid & PSCI_FN_SMC64;
	u64 a1 = x[1], a2 = x[2], a3 = x[3];
	struct vcpu *t;
	s64 ret;

	if (!smc64) {
		a1 = (u32)a1;
		a2 = (u32)a2;
		a3 = (u32)a3;
	}
	if (!psci_known(fid)) {
		x[0] = (u64)(s64)PSCI_NOT_SUPPORTED;
		return -1;
	}
	switch (fid & ~PSCI_FN_SMC64) {
	case PSCI_VERSION:
		ret = PSCI_VERSION_1_1;
		break;
	case PSCI_FEATURES:
		ret = psci_known((u32)a1) || (u32)a1 == 0x80000000U ?
		      PSCI_SUCCESS : PSCI_NOT_SUPPORTED;
		break;
	case PSCI_CPU_ON:
		t = vcpu_by_mpidr(vm, a1);
		if (!t) {
			ret = psci_cpu_on_missing(a1);
		} else if (t->on) {
			ret = PSCI_ALREADY_ON;
		} else {
			t->boot = (struct vm_boot){ .pc = a2, .x = { a3 } };
			t->reset_pending = true;
			t->on = true;
			plat_spi_raise(t->virq);
			ret = PSCI_SUCCESS;
		}
		break;
	case PSCI_AFFINITY_INFO:
		t = vcpu_by_mpidr(vm, a1);
		if (!t || a2)
			ret = PSCI_INVALID_PARAMS;
		else
			ret = t->on ? 0 : 1;	/* ON, OFF */
		break;
	case PSCI_CPU_OFF:
		v->on = false;
		data[0] = 0;
		return VCPU_STATE_POWERED_OFF;
	case PSCI_SYSTEM_OFF:
		return vm_halt(vm, v, VCPU_STATE_POWERED_OFF, data, 0, 0);
	case PSCI_SYSTEM_RESET:
		return vm_halt(vm, v, VCPU_STATE_PSCI_SYSTEM_RESET, data,
			       VCPU_RESET_SYSTEM_RESET, 0);
	case PSCI_SYSTEM_RESET2:
	default:
		/* Any reset type: Gunyah leaves judging it to the VM's owner. */
		return vm_halt(vm, v, VCPU_STATE_PSCI_SYSTEM_RESET, data,
			       smc64 ? (u32)a1 | VCPU_RESET_RESET2_SMC64 : a1,
			       a2);
	}
	x[0] = (u64)ret;
	return -1;
}

/* ----------------------------------------------------- MMIO syndrome */

#define ESR_ISV		BIT(24)
#define ESR_SAS_SHIFT	22
#define ESR_SSE		BIT(21)
#define ESR_SRT_SHIFT	16
#define ESR_SF		BIT(15)
#define ESR_WNR		BIT(6)
#define ESR_S1PTW_BIT	BIT(7)
#define ESR_EC_DABT	0x24

bool vm_mmio_decode(u64 esr, struct mmio_access *a)
{
	if (((esr >> 26) & 0x3f) != ESR_EC_DABT || !(esr & ESR_ISV) ||
	    (esr & ESR_S1PTW_BIT))
		return false;
	a->size = 1 << ((esr >> ESR_SAS_SHIFT) & 3);
	a->rt = (esr >> ESR_SRT_SHIFT) & 0x1f;
	a->sse = esr & ESR_SSE;
	a->sf = esr & ESR_SF;
	a->write = esr & ESR_WNR;
	return true;
}

u64 vm_mmio_extend(u64 val, u8 size, bool sse, bool sf)
{
	unsigned int bits = size * 8;

	if (bits < 64) {
		val &= (1UL << bits) - 1;
		if (sse && (val & (1UL << (bits - 1))))
			val |= ~((1UL << bits) - 1);
	}
	if (!sf)
		val &= 0xffffffffUL;
	return val;
}
