/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A minimal GICv3 driver for the bare-metal payloads: the distributor and
 * redistributors by MMIO, the CPU interface through the ICC_* system
 * registers (the virtual CPU interface under Gunyah), Group 1 only,
 * EOImode 0, and an EL1 vector table whose IRQ entry acknowledges, counts,
 * hands the INTID to the payload's irq_handler() and ends the interrupt.
 */
#ifndef GUNYAH_GUEST_GIC_H
#define GUNYAH_GUEST_GIC_H

#include "guest_lib.h"

#define GIC_PRIO_DEFAULT	0xa0

/* The EL1 vector table (vectors.S) */
extern char guest_vectors[];

/* Handled interrupts, per cpu (MPIDR.Aff0) and INTID. */
extern volatile u32 gic_irq_count[GUEST_MAX_CPUS][GUEST_NR_IRQS];

/*
 * The payload's hook, called from the IRQ vector between acknowledge and
 * end of interrupt, with IRQs masked. A weak default does nothing.
 */
void irq_handler(u32 cpu, u32 intid);

/* Boot vCPU: distributor, then gic_cpu_init(). 0 or an IRQT_ERR_* code. */
int gic_init(void);
/* Each vCPU: its redistributor, CPU interface and vectors. */
int gic_cpu_init(void);

/* Group 1, @prio; SPIs: edge/level and routed to @cpu. */
void gic_irq_config(u32 intid, int level, u8 prio, u32 cpu);
void gic_irq_enable(u32 intid);
/* Masks @intid and waits until the GIC has taken that in (RWP). */
void gic_irq_disable(u32 intid);
/* GICD/GICR_ISPENDR bit of @intid. */
int gic_irq_pending(u32 intid);
/* SGI @intid to the vCPU with Aff0 @cpu (Aff1-3 zero). */
void gic_send_sgi(u32 intid, u32 cpu);

static inline u32 this_cpu(void)
{
	return read_mpidr() & 0xff;
}

static inline void local_irq_enable(void)
{
	asm volatile("msr daifclr, #2" : : : "memory");
}

static inline void local_irq_disable(void)
{
	asm volatile("msr daifset, #2" : : : "memory");
}

/*
 * Sleep in WFI until @intid was handled @n times on this cpu. IRQs are
 * masked around the check so that one arriving just before the WFI still
 * wakes it (a pending interrupt ends WFI even while masked). Returns the
 * number of WFIs executed. Leaves IRQs enabled.
 */
u32 gic_wait_wfi(u32 intid, u32 n);
/* Spin (IRQs enabled) until the count reaches @n or @ticks pass. */
int gic_wait_spin(u32 intid, u32 n, u64 ticks);

/* Virtual timer */
static inline void vtimer_arm(u64 cval)
{
	asm volatile("msr cntv_cval_el0, %0; msr cntv_ctl_el0, %1; isb"
		     : : "r"(cval), "r"(1UL) : "memory");
}

static inline void vtimer_disable(void)
{
	asm volatile("msr cntv_ctl_el0, %0; isb" : : "r"(0UL) : "memory");
}

#endif /* GUNYAH_GUEST_GIC_H */
