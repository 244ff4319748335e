/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * VMs and vCPUs behind include/vm.h: the portable state (core/vm.c) and the
 * platform hooks it needs (arch/vcpu.c at EL2, mocks in host tests).
 * Everything here is guarded by hyp_lock.
 */
#ifndef HYP_VCPU_H
#define HYP_VCPU_H

#include "pgtable.h"
#include "vgic.h"
#include "vm.h"

#define VM_MAX_VMS		16
#define VM_IPA_BITS		40	/* like the host's stage-2 */
#define VM_MMIO_WINDOW_END	SZ_1G	/* [0, 1 GiB) always traps as MMIO */

#define VCPU_SLEEP_WFI			1

/* EL1 system registers switched with the vCPU (arch/vcpu.c) */
enum vcpu_sysreg {
	SR_SCTLR, SR_TTBR0, SR_TTBR1, SR_TCR, SR_MAIR, SR_AMAIR, SR_VBAR,
	SR_CONTEXTIDR, SR_TPIDR_EL0, SR_TPIDRRO_EL0, SR_TPIDR_EL1, SR_SP_EL0,
	SR_SP_EL1, SR_ELR, SR_SPSR, SR_ESR, SR_FAR, SR_AFSR0, SR_AFSR1, SR_PAR,
	SR_CPACR, SR_CNTKCTL, SR_MDSCR, SR_CSSELR, SR_CNTV_CTL, SR_CNTV_CVAL,
	SR_CNTVOFF, SR_VPIDR, SR_VMPIDR,
	SR_APIAKEYLO, SR_APIAKEYHI, SR_APIBKEYLO, SR_APIBKEYHI, SR_APDAKEYLO,
	SR_APDAKEYHI, SR_APDBKEYLO, SR_APDBKEYHI, SR_APGAKEYLO, SR_APGAKEYHI,
	NR_VCPU_SYSREGS,
};

struct vcpu_ctx {
	u64 x[31];
	u64 pc, pstate;
	u64 sys[NR_VCPU_SYSREGS];
	u64 fpsr, fpcr;
	u64 v[64] __attribute__((aligned(16)));	/* V0-V31 */
};

struct vm;

struct vcpu {
	struct vm *vm;
	unsigned int index;
	u64 capid;
	u32 virq;		/* wakeup SPI to the host, as INTID */
	bool on;		/* powered on: vcpu_run enters it */
	/*
	 * Killed by another vCPU's SYSTEM_OFF/RESET: if it was inside
	 * vcpu_run, that run ends POWERED_OFF with the VM-exited flag, as
	 * Gunyah's killed thread exits there.
	 */
	bool killed;
	/*
	 * Start/CPU_ON while it may still be leaving vcpu_run elsewhere: the
	 * context is reset with @boot on its next entry (vcpu_take_reset()).
	 */
	bool reset_pending;
	struct vm_boot boot;
	int running_on;		/* physical CPU inside vcpu_run, or -1 */
	/* An MMIO read waiting for its value (resume0 of the next run) */
	bool mmio_read;
	u8 mmio_rt, mmio_size, mmio_len;	/* len: of the instruction */
	bool mmio_sse, mmio_sf;
	/*
	 * Sleep in WFI (EXPECTS_WAKEUP returned, not re-entered since): the
	 * wakeup SPI goes to the host once (@wake_raised) when an interrupt
	 * becomes pending (vcpu_kick()) or at @wake_deadline, the guest's
	 * timer deadline in physical counter ticks (~0: none).
	 */
	bool sleeping, wake_raised;
	u64 wake_deadline;
	/* GIC virtual CPU interface (arch/vcpu.c), current after each exit */
	u64 ich_vmcr;
	u32 ich_ap0r[4], ich_ap1r[4];
	struct vgic_cpu vgic;	/* redistributor, SGIs/PPIs (core/vgic.c) */
	struct vcpu_ctx ctx;
};

enum vm_state {
	VM_STATE_STOPPED,	/* created, or reset: vCPUs off */
	VM_STATE_RUNNING,
	/*
	 * A vCPU halted the VM (PSCI SYSTEM_OFF, SYSTEM_RESET, SYSTEM_RESET2)
	 * and the RM has not finished halting it (vm_stop()): on the real
	 * Gunyah the RM runs the killed vCPUs itself meanwhile, so the host's
	 * vcpu_run on any of them is BUSY.
	 */
	VM_STATE_HALTING,
	VM_STATE_EXITED,	/* stopped or ended itself */
};

struct vm {
	bool used;
	bool dying;		/* destroyed while a vCPU still runs */
	u16 vmid;
	u8 hw_vmid;		/* VTTBR_EL2.VMID; the host is 0 */
	enum vm_state state;
	unsigned int nr_running;
	struct pgtable s2;
	struct vcpu *vcpu[VM_MAX_VCPUS];
	struct vgic vgic;	/* distributor, SPIs (core/vgic.c) */
};

extern struct vm vms[VM_MAX_VMS];

/* core/vm.c, for arch/vcpu.c */
struct vcpu *vcpu_get(u64 capid);		/* from the host cspace */
/*
 * Guest PSCI call in ctx x0..x3; returns a vcpu_run state (data[0..1]) or
 * -1 to resume.
 */
int vm_guest_psci(struct vcpu *v, u64 *data);
/* A vCPU left vcpu_run: frees a dying VM once nobody runs it. */
void vm_vcpu_put(struct vcpu *v);
void vcpu_reset_ctx(struct vcpu *v, u64 pc, u64 x0);
/* Apply a pending start/CPU_ON reset; the caller owns the vCPU's context. */
void vcpu_take_reset(struct vcpu *v);
/*
 * Make @v runnable: if it returned EXPECTS_WAKEUP and has not been
 * re-entered, raise its wakeup SPI to the host once; if it runs on a CPU,
 * make it exit (plat_vcpu_kick_cpu()) so that it sees new interrupts.
 */
void vcpu_kick(struct vcpu *v);
/* @v returns EXPECTS_WAKEUP (WFI); @deadline in physical counter ticks. */
void vcpu_sleep(struct vcpu *v, u64 deadline);
/*
 * Wake every sleeping vCPU whose deadline is at or before @now (physical
 * counter); returns the earliest deadline still ahead (~0: none).
 */
u64 vcpu_wake_due(u64 now);
/* Earliest sleeping deadline, a hint readable without hyp_lock. */
extern u64 vcpu_next_deadline;
/* arch/vcpu.c: run the RM's due work (rm_poll()); takes hyp_lock. */
void rm_poll_due(void);

/* Data-abort syndrome of a single-register access */
struct mmio_access {
	u8 size;	/* bytes */
	u8 rt;		/* 31 = XZR */
	bool write, sse, sf;
};
bool vm_mmio_decode(u64 esr, struct mmio_access *a);
/* Extend a read value as the load instruction would. */
u64 vm_mmio_extend(u64 val, u8 size, bool sse, bool sf);

/* Platform hooks */
void *plat_s2_zalloc(unsigned int order);
void plat_s2_free(void *p, unsigned int order);
void plat_s2_tlb_inval(const struct pgtable *pgt, u64 addr,
		       unsigned int level);
void plat_s2_tlb_flush_vm(const struct vm *vm);	/* whole VMID, all CPUs */
int plat_spi_alloc(void);			/* INTID, or -1 */
void plat_spi_free(u32 intid);
void plat_spi_raise(u32 intid);
void plat_vcpu_init_ctx(struct vcpu *v);	/* arch reset values */
/* Make the vCPU running on physical @cpu exit soon (no-op for this CPU). */
void plat_vcpu_kick_cpu(int cpu);

/* core/hypercall.c: vCPU capabilities in the host cspace */
int host_cap_alloc_vcpu(struct vcpu *v, u64 *capid);
void host_cap_free(u64 capid);
struct vcpu *host_cap_vcpu(u64 capid, int *err);

#endif
