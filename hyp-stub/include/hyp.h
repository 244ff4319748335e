/* SPDX-License-Identifier: GPL-2.0-only */
/* Interfaces between the EL2 (arch/) parts of the stub. */
#ifndef HYP_HYP_H
#define HYP_HYP_H

#include "dt.h"
#include "layout.h"
#include "pgtable.h"
#include "types.h"

#define __noreturn	__attribute__((noreturn))
#define __printf(a, b)	__attribute__((format(printf, a, b)))
#define fallthrough	__attribute__((__fallthrough__))

/* console.c: one "hyp-stub: ..." line per call */
void pr(const char *fmt, ...) __printf(1, 2);
void __noreturn panic(const char *fmt, ...) __printf(1, 2);

/* The host's x0..x30 as saved by vectors.S */
struct host_regs {
	u64 x[31];
	u64 pad;
};

enum cpu_state {
	CPU_OFF,
	CPU_ON_PENDING,		/* CPU_ON issued, not yet in the host */
	CPU_ON,
};

struct cpu {
	u64 mpidr;
	enum cpu_state state;	/* under psci_lock */
	u64 host_entry;		/* where the host resumes after CPU_ON or */
	u64 host_ctx;		/* a powerdown CPU_SUSPEND, and its x0 */
};

extern struct cpu cpus[NR_CPUS];
extern unsigned int nr_cpus;

static inline unsigned int this_cpu(void)
{
	u64 v;

	asm volatile("mrs %0, tpidr_el2" : "=r"(v));
	return (unsigned int)v;
}

/* head.S */
void secondary_entry(void);
void __noreturn enter_host(u64 entry, u64 x0, u64 el2_sp);
void __noreturn hang(void);
extern u8 cpu_stacks[];

static inline u64 cpu_stack_top(unsigned int cpu)
{
	return (u64)(uintptr_t)cpu_stacks + ((u64)(cpu + 1) << STACK_SHIFT);
}

/* mmu.c */
struct el2_mmu_cfg {
	u64 mair, tcr, ttbr0, sctlr;
} __attribute__((aligned(64)));		/* alone in its cache line */

extern struct el2_mmu_cfg el2_mmu_cfg;
extern struct pgtable host_s2;		/* guarded by hyp_lock */
extern struct mem_range gicr_range;	/* GICv3 redistributors, or size 0 */

const char *mmu_init(const struct dt_info *dt, const struct mem_range *ram,
		     unsigned int nr_ram);
void enable_mmu(const struct el2_mmu_cfg *cfg);
void cpu_init_stage2(void);
void dcache_clean_range(u64 start, u64 size);
void dcache_inval_range(u64 start, u64 size);

/* el2.c */
void cpu_init_el2(unsigned int cpu);

/* gic.c */
const char *gic_init(const struct mem_range *gicd,
		     const struct mem_range *gicr);
/*
 * This CPU's redistributor PPIs: the stub's own (25 maintenance, 26 EL2
 * timer) and the virtual timer's (27) while a guest runs. Masks of INTIDs.
 */
#define GIC_PPI_MAINT		25
#define GIC_PPI_HYP_TIMER	26
#define GIC_PPI_VTIMER		27
bool gic_have_rd(void);
/* vCPU kicks between CPUs (one private SPI per CPU, see gic.c) */
void gic_kick_init(unsigned int nr_cpus);
u32 gic_kick_intid(void);		/* this CPU's, 0 if none */
void gic_kick_enable(bool on);		/* while this CPU runs a guest */
void gic_kick_clear(void);
void gic_kick_cpu(unsigned int cpu);
u32 gic_ppi_enabled(void);		/* GICR_ISENABLER0 */
void gic_ppi_set(u32 enable, u32 disable);
int gic_alloc_spi(void);
void gic_free_spi(u32 spi);
void gic_set_rm_spis(u32 tx, u32 rx);

/* psci.c */
void psci_init(void);
void psci_call(struct host_regs *regs, u32 fid);
u32 psci_fw_version(void);

/* vm_selftest.c (make selftest builds only) */
void vm_selftest_setup(void);

/* traps.c */
void handle_host_sync(struct host_regs *regs);

/* vcpu.c: the host executed WFI (trapped); wait here, wake due vCPUs. */
void host_wfi(void);

#endif
