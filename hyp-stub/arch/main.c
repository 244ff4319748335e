// SPDX-License-Identifier: GPL-2.0-only
/*
 * Boot CPU flow: read the DT with the MMU off, build the EL2 and host
 * stage-2 tables, turn the MMU on, fix the host DT up, start the RM and
 * enter Linux at EL1.
 */
#include <libfdt.h>
#include "arm64.h"
#include "gunyah.h"
#include "hyp.h"
#include "hypercall.h"

#define LINUX_MAGIC		0x644d5241	/* "ARM\x64" */
#define DTB_GROWTH		0x10000		/* room for the host DT edits */
#define MAX_HOST_RAM		(DT_MAX_MEM + 1)

extern u8 __data_start[];

static struct dt_info dt;
static struct mem_range host_ram[MAX_HOST_RAM];
static unsigned int nr_host_ram;

static const struct mem_range *ram_bank_of(u64 addr, u64 size)
{
	for (unsigned int i = 0; i < dt.nr_mem; i++)
		if (addr >= dt.mem[i].base && size <= dt.mem[i].size &&
		    addr - dt.mem[i].base <= dt.mem[i].size - size)
			return &dt.mem[i];
	return NULL;
}

static bool overlaps(u64 a, u64 asize, u64 b, u64 bsize)
{
	return a < b + bsize && b < a + asize;
}

/* All RAM except the stub region, which must lie inside one bank. */
static void split_host_ram(void)
{
	const struct mem_range stub = { STUB_BASE, STUB_SIZE };

	if (!ram_bank_of(STUB_BASE, STUB_SIZE))
		panic("stub region %#x-%#x is not inside RAM", STUB_BASE,
		      STUB_BASE + STUB_SIZE - 1);
	for (unsigned int i = 0; i < dt.nr_mem; i++) {
		const struct mem_range *r = &dt.mem[i];

		if (!overlaps(r->base, r->size, stub.base, stub.size)) {
			host_ram[nr_host_ram++] = *r;
			continue;
		}
		if (r->base < stub.base)
			host_ram[nr_host_ram++] = (struct mem_range){
				r->base, stub.base - r->base };
		if (mem_range_end(r) > mem_range_end(&stub))
			host_ram[nr_host_ram++] = (struct mem_range){
				mem_range_end(&stub),
				mem_range_end(r) - mem_range_end(&stub) };
	}
}

/* The Linux Image header mkimage.sh put right after the stub region. */
static u64 check_linux(void)
{
	const volatile u64 *hdr = (const volatile u64 *)LINUX_LOAD_ADDR;
	u64 text_offset = hdr[1], image_size = hdr[2];

	if ((u32)hdr[7] != LINUX_MAGIC)
		panic("no Linux arm64 Image at %#x: build gunyah.img with 'make image LINUX_IMAGE=...'",
		      LINUX_LOAD_ADDR);
	if (text_offset || !image_size ||
	    !ram_bank_of(LINUX_LOAD_ADDR, image_size))
		panic("unsupported Linux Image header (text_offset %#lx, image_size %#lx)",
		      text_offset, image_size);
	return image_size;
}

/*
 * The DT grows in place (QEMU puts it after the kernel and initrd); it may
 * use the RAM after it up to the initrd, the kernel or the end of its bank.
 */
static u64 dtb_room(u64 dtb, u64 linux_size)
{
	u64 size = fdt_totalsize((const void *)dtb), limit;
	const struct mem_range *bank = ram_bank_of(dtb, size);

	if (!bank || !IS_ALIGNED(dtb, 8) ||
	    overlaps(dtb, size, STUB_BASE, STUB_SIZE + linux_size) ||
	    (dt.initrd.size &&
	     overlaps(dtb, size, dt.initrd.base, dt.initrd.size)))
		panic("DTB at %#lx (%#lx bytes) overlaps the stub, Linux or the initrd",
		      dtb, size);
	limit = mem_range_end(bank);
	if (dt.initrd.size && dt.initrd.base > dtb)
		limit = MIN(limit, dt.initrd.base);
	if (LINUX_LOAD_ADDR > dtb)
		limit = MIN(limit, LINUX_LOAD_ADDR);
	return MIN(size + DTB_GROWTH, limit - dtb);
}

static unsigned int boot_cpu_index(void)
{
	u64 mpidr = read_sysreg(mpidr_el1) & MPIDR_HWID_MASK;

	for (unsigned int i = 0; i < dt.nr_cpus; i++)
		if (dt.mpidr[i] == mpidr)
			return i;
	panic("boot CPU (MPIDR %#lx) is not among the first %u DT CPUs", mpidr,
	      NR_CPUS);
}

/*
 * The GICv3 redistributors (second reg entry of the GIC node, QEMU's root
 * uses two address and two size cells): the stub enables its own timer's
 * PPI there while a guest runs. Optional: without it the host's timer
 * simply waits for the guest's next exit.
 */
static struct mem_range find_gicr(const void *fdt)
{
	struct mem_range r = { 0, 0 };
	const fdt32_t *reg;
	int node, len;

	node = fdt_node_offset_by_compatible(fdt, -1, "arm,gic-v3");
	if (node < 0 || fdt_address_cells(fdt, 0) != 2 ||
	    fdt_size_cells(fdt, 0) != 2)
		return r;
	reg = fdt_getprop(fdt, node, "reg", &len);
	if (!reg || len < 32)
		return r;
	r.base = ((u64)fdt32_ld(&reg[4]) << 32) | fdt32_ld(&reg[5]);
	r.size = ((u64)fdt32_ld(&reg[6]) << 32) | fdt32_ld(&reg[7]);
	return r;
}

void __noreturn stub_main(u64 dtb)
{
	struct dt_host_cfg cfg = {
		.hyp = { STUB_BASE, STUB_SIZE },
		.rm_tx_capid = HOST_CAP_RM_TX,
		.rm_rx_capid = HOST_CAP_RM_RX,
	};
	unsigned int boot, i;
	const char *err;
	u64 linux_size, room;
	int tx, rx;

	/* MMU off: only read memory here, write nothing outside .data/.bss. */
	err = dt_parse((const void *)dtb, &dt);
	if (err)
		panic("device tree at %#lx: %s", dtb, err);
	split_host_ram();
	linux_size = check_linux();
	room = dtb_room(dtb, linux_size);
	boot = boot_cpu_index();
	gicr_range = find_gicr((const void *)dtb);

	pr("Gunyah EL2 hypervisor stub, API v%u, %u CPUs, RAM %#lx-%#lx%s, stub %#x-%#x",
	   GH_API_VERSION, dt.nr_cpus, dt.mem[0].base,
	   mem_range_end(&dt.mem[0]) - 1, dt.nr_mem > 1 ? " (+more)" : "",
	   STUB_BASE, STUB_BASE + STUB_SIZE - 1);
	if (dt.nr_cpus_ignored)
		pr("ignoring %u CPUs beyond the first %u", dt.nr_cpus_ignored,
		   NR_CPUS);

	err = mmu_init(&dt, host_ram, nr_host_ram);
	if (err)
		panic("%s", err);
	/* No stale cache line may shadow what was written with the MMU off. */
	dcache_inval_range((u64)__data_start,
			   STUB_BASE + STUB_SIZE - (u64)__data_start);
	enable_mmu(&el2_mmu_cfg);

	err = gic_init(&dt.gicd, &gicr_range);
	if (err)
		panic("%s", err);
	tx = gic_alloc_spi();
	rx = gic_alloc_spi();
	if (tx < 0 || rx < 0)
		panic("no free SPIs for the RM");
	gic_set_rm_spis(tx, rx);
	cfg.rm_tx_spi = tx;
	cfg.rm_rx_spi = rx;
	err = dt_fixup_host((void *)dtb, room, &cfg);
	if (err)
		panic("host DT: %s", err);
	/* Linux reads its DT with the MMU off. */
	dcache_clean_range(dtb, room);

	rm_init();
#ifdef HYP_VM_SELFTEST
	vm_selftest_setup();
#endif
	nr_cpus = dt.nr_cpus;
	for (i = 0; i < nr_cpus; i++)
		cpus[i].mpidr = dt.mpidr[i];
	gic_kick_init(nr_cpus);
	cpus[boot].state = CPU_ON;
	psci_init();
	cpu_init_el2(boot);

	pr("EL2 MMU on, host stage-2 40-bit IPA, host RAM %#lx-%#lx%s",
	   host_ram[0].base, mem_range_end(&host_ram[0]) - 1,
	   nr_host_ram > 1 ? " (+more)" : "");
	pr("RM msgq capids %u (tx) %u (rx), SPIs %d (tx) %d (rx); PSCI %u.%u via SMC",
	   HOST_CAP_RM_TX, HOST_CAP_RM_RX, tx, rx, psci_fw_version() >> 16,
	   psci_fw_version() & 0xffff);
	pr("entering Linux at %#x (EL1h), DTB %#lx", LINUX_LOAD_ADDR, dtb);
	enter_host(LINUX_LOAD_ADDR, dtb, cpu_stack_top(boot));
}
