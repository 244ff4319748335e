/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Device-tree parsing and host DT fix-up, on libfdt. Portable: the same code
 * runs at EL2 (with the MMU off for dt_parse) and in host unit tests.
 * Functions return NULL on success or a static error message.
 */
#ifndef HYP_DT_H
#define HYP_DT_H

#include "layout.h"
#include "mem.h"

#define DT_MAX_MEM	8

struct dt_info {
	struct mem_range mem[DT_MAX_MEM];	/* RAM from the /memory nodes */
	unsigned int nr_mem;
	u64 mpidr[NR_CPUS];			/* /cpus reg values, DT order */
	unsigned int nr_cpus;
	unsigned int nr_cpus_ignored;		/* CPUs beyond NR_CPUS */
	struct mem_range gicd;			/* GICv3 distributor */
	struct mem_range initrd;		/* from /chosen, size 0 if none */
};

struct dt_host_cfg {
	struct mem_range hyp;			/* removed from the host's RAM */
	u64 rm_tx_capid, rm_rx_capid;		/* host cspace capids */
	u32 rm_tx_spi, rm_rx_spi;		/* GIC SPI numbers (not INTIDs) */
};

const char *dt_parse(const void *fdt, struct dt_info *info);

/*
 * Open @fdt in place into @bufsize bytes, remove cfg->hyp from every memory
 * node, add the /hypervisor node of gunyah-abi.md section 4, then pack.
 */
const char *dt_fixup_host(void *fdt, size_t bufsize,
			  const struct dt_host_cfg *cfg);

#endif
