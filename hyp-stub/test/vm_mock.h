/* SPDX-License-Identifier: GPL-2.0-only */
/* The vm.h mock's state, for the RM tests: see vm_mock.c. */
#ifndef HYP_TEST_VM_MOCK_H
#define HYP_TEST_VM_MOCK_H

#include <string.h>

#include "../core/rm_internal.h"
#include "gunyah.h"
#include "vm.h"

#define MOCK_PAGE		4096UL
#define MOCK_RAM_PAGES		64
/*
 * A second, unbacked window of "host RAM" for tests of many ranges: its
 * ownership is tracked like the arena's, but no byte of it is touched (the
 * mock zeroes only arena pages). Tests that read parcel contents use the
 * arena.
 */
#define MOCK_BIG_BASE		0x10000000000ULL
#define MOCK_BIG_PAGES		(3U * 65536U)
#define MOCK_VMS		16
#define MOCK_MAPS		64
#define MOCK_VCPU_CAPID(vmid, i) (0x1000ULL + (vmid) * 16ULL + (i))
#define MOCK_VCPU_VIRQ(i)	(96U + (i))
#define MOCK_BELL_CAPID(vmid, i) (0x2000ULL + (vmid) * 16ULL + (i))

struct mock_page {
	u16 owner;		/* 0: the host's */
	bool lent;
	bool mapped;
};

struct mock_map {
	bool used;
	u16 vmid;
	u64 ipa, pa, size;
	bool write, exec;
};

struct mock_vm {
	bool exists;
	u16 vmid;
	bool running;
	unsigned int nr_vcpus;
	struct vm_boot boot;
	unsigned int nr_bells;
	u32 bell_intid[VM_MAX_DOORBELLS];
	bool gic;		/* vm_vgic_config() called */
	u64 gicd_base, gicr_base;
};

struct vm_mock {
	struct mock_page page[MOCK_RAM_PAGES + MOCK_BIG_PAGES];
	struct mock_map map[MOCK_MAPS];
	struct mock_vm vm[MOCK_VMS];
	unsigned int nr_maps, nr_vms, pages_out;
	unsigned int violations;	/* vm.h contract broken by the RM */
	/* calls, and the call number (1-based) that fails; 0: none */
	unsigned int xfer_checks, xfer_to_vm_calls, fail_xfer_to_vm_at;
	unsigned int xfer_to_host_calls;
	unsigned int create_calls, fail_create_at;
	unsigned int map_calls, fail_map_at;
	unsigned int vcpu_calls, fail_vcpu_at;
	unsigned int bell_calls, fail_bell_at, nr_bells;	/* nr_bells: alive */
	unsigned int vgic_calls, fail_vgic_at;
	unsigned int start_calls, stop_calls, reset_calls, destroy_calls;
	u64 now;			/* plat_counter() */
	unsigned int log_lines;		/* plat_rm_log() calls */
	char log[256];			/* the last line */
};

#define MOCK_COUNTER_FREQ	1000000ULL	/* 1 tick = 1 us */

/* Move the RM's clock on by @us and run what fell due (rm_poll()). */
void mock_advance_us(u64 us);

extern struct vm_mock mock;
extern u8 mock_ram[MOCK_RAM_PAGES * MOCK_PAGE];

void mock_reset(void);

/* PA of arena page @i. */
static inline u64 mock_pa(unsigned int i)
{
	return (u64)(uintptr_t)mock_ram + (u64)i * MOCK_PAGE;
}

/* PA of page @i of the unbacked window. */
static inline u64 mock_big_pa(unsigned int i)
{
	return MOCK_BIG_BASE + (u64)i * MOCK_PAGE;
}

#endif
