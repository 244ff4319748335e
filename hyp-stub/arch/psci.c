// SPDX-License-Identifier: GPL-2.0-only
/*
 * PSCI mediation. The host's PSCI calls (trapped SMCs, or HVCs) are checked
 * here; those QEMU's firmware knows are forwarded with an SMC from EL2, with
 * the stub's own entry point substituted wherever a CPU (re)starts so that
 * EL2 is set up again before the host resumes. Function IDs QEMU does not
 * know must never reach it: an unknown SMC from EL2 is UNDEFINED there.
 */
#include "arm64.h"
#include "gunyah.h"
#include "hyp.h"
#include "hypercall.h"
#include "mem.h"
#include "psci.h"
#include "spinlock.h"

struct cpu cpus[NR_CPUS];
unsigned int nr_cpus;

static spinlock_t psci_lock = SPINLOCK_INIT;
static u32 fw_version;
static u64 powerdown_bit = BIT(16);	/* CPU_SUSPEND power_state StateType */

static s64 fw_call(u32 fid, u64 a1, u64 a2, u64 a3)
{
	register u64 x0 asm("x0") = fid;
	register u64 x1 asm("x1") = a1;
	register u64 x2 asm("x2") = a2;
	register u64 x3 asm("x3") = a3;

	asm volatile("smc #0"
		     : "+r"(x0), "+r"(x1), "+r"(x2), "+r"(x3)
		     :
		     : "x4", "x5", "x6", "x7", "x8", "x9", "x10", "x11",
		       "x12", "x13", "x14", "x15", "x16", "x17", "memory");
	return (s64)x0;
}

/* The calls forwarded to the firmware: all of them are known to QEMU. */
static bool fw_handles(u32 fid)
{
	switch (fid) {
	case PSCI_VERSION:
	case PSCI_CPU_SUSPEND:
	case PSCI_CPU_SUSPEND64:
	case PSCI_CPU_OFF:
	case PSCI_CPU_ON:
	case PSCI_CPU_ON64:
	case PSCI_AFFINITY_INFO:
	case PSCI_AFFINITY_INFO64:
	case PSCI_MIGRATE_INFO_TYPE:
	case PSCI_SYSTEM_OFF:
	case PSCI_SYSTEM_RESET:
		return true;
	case PSCI_FEATURES:
		return fw_version >= PSCI_VERSION_1_0;
	default:
		return false;
	}
}

void psci_init(void)
{
	fw_version = (u32)fw_call(PSCI_VERSION, 0, 0, 0);
	if (fw_version >= PSCI_VERSION_1_0 &&
	    (fw_call(PSCI_FEATURES, PSCI_CPU_SUSPEND64, 0, 0) &
	     PSCI_FEATURES_EXT_STATEID))
		powerdown_bit = BIT(30);
}

u32 psci_fw_version(void)
{
	return fw_version;
}

static int cpu_index(u64 mpidr)
{
	for (unsigned int i = 0; i < nr_cpus; i++)
		if (cpus[i].mpidr == mpidr)
			return i;
	return -1;
}

/* The host may only start CPUs in memory it owns (its MMU is off then). */
static bool host_entry_ok(u64 entry)
{
	bool ok;

	if (entry & 3)
		return false;
	spin_lock(&hyp_lock);
	ok = mem_host_can_access(&host_s2, entry, 4, false);
	spin_unlock(&hyp_lock);
	return ok;
}

static s64 cpu_on(u64 mpidr, u64 entry, u64 ctx)
{
	int idx = cpu_index(mpidr);
	struct cpu *c;
	s64 ret;

	if (idx < 0)
		return PSCI_INVALID_PARAMS;
	if (!host_entry_ok(entry))
		return PSCI_INVALID_ADDRESS;
	c = &cpus[idx];
	spin_lock(&psci_lock);
	if (c->state == CPU_ON) {
		ret = PSCI_ALREADY_ON;
	} else if (c->state == CPU_ON_PENDING) {
		ret = PSCI_ON_PENDING;
	} else {
		c->host_entry = entry;
		c->host_ctx = ctx;
		c->state = CPU_ON_PENDING;
		ret = fw_call(PSCI_CPU_ON64, c->mpidr,
			      (u64)(uintptr_t)secondary_entry, idx);
		/* e.g. ALREADY_ON while the CPU finishes its own CPU_OFF */
		if (ret != PSCI_SUCCESS)
			c->state = CPU_OFF;
	}
	spin_unlock(&psci_lock);
	return ret;
}

static s64 cpu_off(void)
{
	struct cpu *c = &cpus[this_cpu()];
	s64 ret;

	spin_lock(&psci_lock);
	c->state = CPU_OFF;
	spin_unlock(&psci_lock);
	ret = fw_call(PSCI_CPU_OFF, 0, 0, 0);	/* returns only on failure */
	spin_lock(&psci_lock);
	c->state = CPU_ON;
	spin_unlock(&psci_lock);
	return ret;
}

static s64 cpu_suspend(u32 fid, u64 power_state, u64 entry, u64 ctx)
{
	unsigned int idx = this_cpu();

	if (!(power_state & powerdown_bit))
		return fw_call(fid, power_state, 0, 0);
	if (!host_entry_ok(entry))
		return PSCI_INVALID_ADDRESS;
	/* Only this CPU uses its entry until it wakes up. */
	cpus[idx].host_entry = entry;
	cpus[idx].host_ctx = ctx;
	return fw_call(PSCI_CPU_SUSPEND64, power_state,
		       (u64)(uintptr_t)secondary_entry, idx);
}

static s64 features(u32 fid)
{
	/* SMCCC 1.1 is the stub's own: discovered through PSCI_FEATURES. */
	if (fid == SMCCC_VERSION)
		return PSCI_SUCCESS;
	if (!fw_handles(fid))
		return PSCI_NOT_SUPPORTED;
	return fw_call(PSCI_FEATURES, fid, 0, 0);
}

void psci_call(struct host_regs *regs, u32 fid)
{
	u64 *x = regs->x;
	u64 a1 = x[1], a2 = x[2], a3 = x[3];
	s64 ret;

	/* SMC32 calls: only the low 32 bits of the arguments count. */
	if (!(fid & SMCCC_64)) {
		a1 = (u32)a1;
		a2 = (u32)a2;
		a3 = (u32)a3;
	}
	if (!fw_handles(fid)) {
		x[0] = (u64)PSCI_NOT_SUPPORTED;
		return;
	}
	switch (fid) {
	case PSCI_CPU_ON:
	case PSCI_CPU_ON64:
		ret = cpu_on(a1, a2, a3);
		break;
	case PSCI_CPU_OFF:
		ret = cpu_off();
		break;
	case PSCI_CPU_SUSPEND:
	case PSCI_CPU_SUSPEND64:
		ret = cpu_suspend(fid, a1, a2, a3);
		break;
	case PSCI_AFFINITY_INFO:
	case PSCI_AFFINITY_INFO64:
		ret = fw_call(fid, a1, a2, 0);
		break;
	case PSCI_FEATURES:
		ret = features((u32)a1);
		break;
	default:	/* VERSION, MIGRATE_INFO_TYPE, SYSTEM_OFF, SYSTEM_RESET */
		ret = fw_call(fid, 0, 0, 0);
	}
	x[0] = (u64)ret;
}

/* From secondary_entry: EL2 MMU on. Finish EL2 set-up and enter the host. */
void __noreturn secondary_main(unsigned int idx)
{
	struct cpu *c = &cpus[idx];
	u64 entry, ctx;

	cpu_init_el2(idx);
	spin_lock(&psci_lock);
	entry = c->host_entry;
	ctx = c->host_ctx;
	c->state = CPU_ON;
	spin_unlock(&psci_lock);
	enter_host(entry, ctx, cpu_stack_top(idx));
}
