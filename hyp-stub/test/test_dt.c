// SPDX-License-Identifier: GPL-2.0-only
/* Host tests for core/dt.c on QEMU-virt-like device trees. */
#include <stdlib.h>
#include <libfdt.h>
#include "unit.h"
#include "dt.h"

#define BUF_SIZE	0x10000

struct spec {
	const u64 (*mem)[2];		/* per memory node: base, size */
	int nr_mem;
	int nr_cpus;
	const char *gic_compat;
	bool initrd32;			/* 32-bit initrd properties */
	bool hypervisor;		/* pre-existing /hypervisor node */
};

static const u64 qemu_mem[][2] = { { 0x40000000, 0x40000000 } };

static void cells64(u32 *c, u64 a, u64 b)
{
	c[0] = cpu_to_fdt32(a >> 32);
	c[1] = cpu_to_fdt32((u32)a);
	c[2] = cpu_to_fdt32(b >> 32);
	c[3] = cpu_to_fdt32((u32)b);
}

/* Sequential-write a small DT shaped like QEMU virt's; caller frees. */
static void *build(const struct spec *s)
{
	void *fdt = calloc(1, BUF_SIZE);
	u32 c[8];
	char name[32];
	int i;

	fdt_create(fdt, BUF_SIZE);
	fdt_finish_reservemap(fdt);
	fdt_begin_node(fdt, "");
	fdt_property_u32(fdt, "#address-cells", 2);
	fdt_property_u32(fdt, "#size-cells", 2);
	fdt_property_string(fdt, "model", "linux,dummy-virt");

	fdt_begin_node(fdt, "chosen");
	fdt_property_string(fdt, "bootargs", "console=ttyAMA0");
	if (s->initrd32) {
		fdt_property_u32(fdt, "linux,initrd-start", 0x48000000);
		fdt_property_u32(fdt, "linux,initrd-end", 0x48100000);
	} else {
		fdt_property_u64(fdt, "linux,initrd-start", 0x48000000);
		fdt_property_u64(fdt, "linux,initrd-end", 0x48200000);
	}
	fdt_end_node(fdt);

	for (i = 0; i < s->nr_mem; i++) {
		snprintf(name, sizeof(name), "memory@%llx",
			 (unsigned long long)s->mem[i][0]);
		fdt_begin_node(fdt, name);
		cells64(c, s->mem[i][0], s->mem[i][1]);
		fdt_property(fdt, "reg", c, 16);
		fdt_property_string(fdt, "device_type", "memory");
		fdt_end_node(fdt);
	}

	fdt_begin_node(fdt, "intc@8000000");
	fdt_property_string(fdt, "compatible", s->gic_compat);
	cells64(c, 0x8000000, 0x10000);
	cells64(c + 4, 0x80a0000, 0xf60000);
	fdt_property(fdt, "reg", c, 32);
	fdt_property_u32(fdt, "#interrupt-cells", 3);
	fdt_property(fdt, "interrupt-controller", "", 0);
	fdt_end_node(fdt);

	fdt_begin_node(fdt, "cpus");
	fdt_property_u32(fdt, "#address-cells", 1);
	fdt_property_u32(fdt, "#size-cells", 0);
	fdt_begin_node(fdt, "cpu-map");
	fdt_end_node(fdt);
	for (i = 0; i < s->nr_cpus; i++) {
		snprintf(name, sizeof(name), "cpu@%d", i);
		fdt_begin_node(fdt, name);
		fdt_property_string(fdt, "device_type", "cpu");
		fdt_property_u32(fdt, "reg", i);
		fdt_end_node(fdt);
	}
	fdt_end_node(fdt);

	if (s->hypervisor) {
		fdt_begin_node(fdt, "hypervisor");
		fdt_end_node(fdt);
	}
	fdt_end_node(fdt);
	fdt_finish(fdt);
	return fdt;
}

static const struct dt_host_cfg cfg = {
	.hyp = { 0x40000000, 0x1000000 },
	.rm_tx_capid = 0, .rm_rx_capid = 1,
	.rm_tx_spi = 128, .rm_rx_spi = 129,
};

static const struct spec qemu = {
	.mem = qemu_mem, .nr_mem = 1, .nr_cpus = 2, .gic_compat = "arm,gic-v3",
};

static u32 prop_u32(const void *fdt, const char *path, const char *prop, int i)
{
	int node = fdt_path_offset(fdt, path), len;
	const fdt32_t *p = fdt_getprop(fdt, node, prop, &len);

	return p && len >= 4 * (i + 1) ? fdt32_to_cpu(p[i]) : 0xdeadbeef;
}

static bool prop_is(const void *fdt, const char *path, const char *prop,
		    const void *val, int len)
{
	int node = fdt_path_offset(fdt, path), plen;
	const void *p = fdt_getprop(fdt, node, prop, &plen);

	return p && plen == len && !memcmp(p, val, len);
}

TEST(parse_qemu_virt)
{
	struct dt_info info;
	void *fdt = build(&qemu);

	ASSERT_TRUE(dt_parse(fdt, &info) == NULL);
	EXPECT_EQ(info.nr_mem, 1);
	EXPECT_EQ(info.mem[0].base, 0x40000000);
	EXPECT_EQ(info.mem[0].size, 0x40000000);
	EXPECT_EQ(info.nr_cpus, 2);
	EXPECT_EQ(info.mpidr[1], 1);
	EXPECT_EQ(info.nr_cpus_ignored, 0);
	EXPECT_EQ(info.gicd.base, 0x8000000);
	EXPECT_EQ(info.gicd.size, 0x10000);
	EXPECT_EQ(info.initrd.base, 0x48000000);
	EXPECT_EQ(info.initrd.size, 0x200000);
	free(fdt);
}

TEST(parse_initrd32_and_many_cpus)
{
	struct spec s = qemu;
	struct dt_info info;
	void *fdt;

	s.initrd32 = true;
	s.nr_cpus = 11;
	fdt = build(&s);
	ASSERT_TRUE(dt_parse(fdt, &info) == NULL);
	EXPECT_EQ(info.initrd.size, 0x100000);
	EXPECT_EQ(info.nr_cpus, NR_CPUS);
	EXPECT_EQ(info.nr_cpus_ignored, 11 - NR_CPUS);
	EXPECT_EQ(info.mpidr[NR_CPUS - 1], NR_CPUS - 1);
	free(fdt);
}

TEST(parse_errors)
{
	struct spec s = qemu;
	struct dt_info info;
	void *fdt;
	const char *err;

	s.gic_compat = "arm,cortex-a15-gic";
	fdt = build(&s);
	err = dt_parse(fdt, &info);
	ASSERT_TRUE(err != NULL);
	EXPECT_TRUE(strstr(err, "GICv3") != NULL);
	free(fdt);

	s = qemu;
	s.nr_mem = 0;
	fdt = build(&s);
	EXPECT_TRUE(dt_parse(fdt, &info) != NULL);
	free(fdt);

	s = qemu;
	s.nr_cpus = 0;
	fdt = build(&s);
	EXPECT_TRUE(dt_parse(fdt, &info) != NULL);
	memset(fdt, 0, 16);
	err = dt_parse(fdt, &info);
	ASSERT_TRUE(err != NULL);
	EXPECT_TRUE(strstr(err, "DTB header") != NULL);
	free(fdt);
}

TEST(fixup_qemu_virt)
{
	static const char hyp_compat[] =
		"qcom,gunyah-hypervisor-1.0\0qcom,gunyah-hypervisor\0simple-bus";
	static const char rm_compat[] = "gunyah-resource-manager\0"
		"qcom,resource-manager-1-0\0qcom,resource-manager";
	static const char vm_compat[] =
		"qcom,gunyah-vm-id-1.0\0qcom,gunyah-vm-id";
	const char *rm = "/hypervisor/qcom,resource-manager-rpc@0000000000000000";
	struct dt_info info;
	void *fdt = build(&qemu);
	int node;

	ASSERT_TRUE(dt_fixup_host(fdt, BUF_SIZE, &cfg) == NULL);
	ASSERT_TRUE(dt_parse(fdt, &info) == NULL);
	EXPECT_EQ(info.nr_mem, 1);
	EXPECT_EQ(info.mem[0].base, 0x41000000);
	EXPECT_EQ(info.mem[0].size, 0x3f000000);
	EXPECT_TRUE(fdt_path_offset(fdt, "/memory@41000000") >= 0);
	EXPECT_TRUE(fdt_totalsize(fdt) < BUF_SIZE);	/* packed */

	EXPECT_TRUE(prop_is(fdt, "/hypervisor", "compatible", hyp_compat,
			    sizeof(hyp_compat)));
	EXPECT_EQ(prop_u32(fdt, "/hypervisor", "#address-cells", 0), 2);
	EXPECT_EQ(prop_u32(fdt, "/hypervisor", "#size-cells", 0), 0);
	EXPECT_TRUE(prop_is(fdt, "/hypervisor/qcom,gunyah-vm", "compatible",
			    vm_compat, sizeof(vm_compat)));
	EXPECT_EQ(prop_u32(fdt, "/hypervisor/qcom,gunyah-vm", "qcom,vmid", 0), 3);
	EXPECT_TRUE(prop_is(fdt, "/hypervisor/qcom,gunyah-vm", "qcom,vendor",
			    "Qualcomm", 9));

	node = fdt_path_offset(fdt, rm);
	ASSERT_TRUE(node >= 0);
	EXPECT_TRUE(prop_is(fdt, rm, "compatible", rm_compat,
			    sizeof(rm_compat)));
	EXPECT_EQ(prop_u32(fdt, rm, "reg", 0), 0);
	EXPECT_EQ(prop_u32(fdt, rm, "reg", 1), 0);
	EXPECT_EQ(prop_u32(fdt, rm, "reg", 2), 0);
	EXPECT_EQ(prop_u32(fdt, rm, "reg", 3), 1);
	EXPECT_EQ(prop_u32(fdt, rm, "interrupts", 0), 0);
	EXPECT_EQ(prop_u32(fdt, rm, "interrupts", 1), 128);
	EXPECT_EQ(prop_u32(fdt, rm, "interrupts", 2), 1);
	EXPECT_EQ(prop_u32(fdt, rm, "interrupts", 3), 0);
	EXPECT_EQ(prop_u32(fdt, rm, "interrupts", 4), 129);
	EXPECT_EQ(prop_u32(fdt, rm, "interrupts", 5), 1);
	EXPECT_TRUE(prop_is(fdt, rm, "qcom,is-full-duplex", "", 0));
	/* As the real RM: where its own interrupt allocations start (INTID). */
	EXPECT_EQ(prop_u32(fdt, rm, "qcom,free-irq-start", 0), 160);
	EXPECT_EQ(prop_u32(fdt, rm, "qcom,free-irq-start", 0),
		  32 + prop_u32(fdt, rm, "interrupts", 1));
	/* Found by compatible, whatever the unit address (TX capid). */
	EXPECT_EQ(fdt_node_offset_by_compatible(fdt, -1, "gunyah-resource-manager"),
		  node);
	EXPECT_EQ(prop_u32(fdt, rm, "qcom,tx-message-size", 0), 240);
	EXPECT_EQ(prop_u32(fdt, rm, "qcom,rx-message-size", 0), 240);
	EXPECT_EQ(prop_u32(fdt, rm, "qcom,tx-queue-depth", 0), 8);
	EXPECT_EQ(prop_u32(fdt, rm, "qcom,rx-queue-depth", 0), 8);
	free(fdt);
}

TEST(fixup_capid_in_node_name)
{
	struct dt_host_cfg c = cfg;
	void *fdt = build(&qemu);

	c.rm_tx_capid = 0x123456789abcdefULL;
	c.rm_rx_capid = 0xfedcba9876543210ULL;
	ASSERT_TRUE(dt_fixup_host(fdt, BUF_SIZE, &c) == NULL);
	EXPECT_EQ(prop_u32(fdt,
		"/hypervisor/qcom,resource-manager-rpc@0123456789abcdef",
		"reg", 2), 0xfedcba98);
	free(fdt);
}

TEST(fixup_numa_memory)
{
	/* Hole at the start of node 0, whole node 1 inside it, node 2 apart. */
	static const u64 mem[][2] = {
		{ 0x40800000, 0x10000000 },
		{ 0x40000000, 0x00400000 },
		{ 0x80000000, 0x40000000 },
	};
	struct spec s = qemu;
	struct dt_info info;
	void *fdt;

	s.mem = mem;
	s.nr_mem = 3;
	fdt = build(&s);
	ASSERT_TRUE(dt_fixup_host(fdt, BUF_SIZE, &cfg) == NULL);
	ASSERT_TRUE(dt_parse(fdt, &info) == NULL);
	ASSERT_EQ(info.nr_mem, 2);
	EXPECT_EQ(info.mem[0].base, 0x41000000);
	EXPECT_EQ(info.mem[0].size, 0x0f800000);
	EXPECT_EQ(info.mem[1].base, 0x80000000);
	EXPECT_TRUE(fdt_path_offset(fdt, "/memory@40000000") < 0);
	EXPECT_TRUE(fdt_path_offset(fdt, "/memory@80000000") >= 0);
	free(fdt);
}

TEST(fixup_hole_in_middle)
{
	static const u64 mem[][2] = { { 0x30000000, 0x20000000 } };
	struct spec s = qemu;
	struct dt_info info;
	void *fdt;

	s.mem = mem;
	fdt = build(&s);
	ASSERT_TRUE(dt_fixup_host(fdt, BUF_SIZE, &cfg) == NULL);
	ASSERT_TRUE(dt_parse(fdt, &info) == NULL);
	ASSERT_EQ(info.nr_mem, 2);
	EXPECT_EQ(info.mem[0].base, 0x30000000);
	EXPECT_EQ(info.mem[0].size, 0x10000000);
	EXPECT_EQ(info.mem[1].base, 0x41000000);
	EXPECT_EQ(info.mem[1].size, 0x0f000000);
	/* Unit address unchanged: the first entry still starts there. */
	EXPECT_TRUE(fdt_path_offset(fdt, "/memory@30000000") >= 0);
	free(fdt);
}

TEST(fixup_errors)
{
	struct spec s = qemu;
	void *fdt;
	const char *err;

	s.hypervisor = true;
	fdt = build(&s);
	err = dt_fixup_host(fdt, BUF_SIZE, &cfg);
	ASSERT_TRUE(err != NULL);
	EXPECT_TRUE(strstr(err, "already") != NULL);
	free(fdt);

	/* No room to grow: fails cleanly instead of overflowing. */
	fdt = build(&qemu);
	fdt_pack(fdt);
	err = dt_fixup_host(fdt, fdt_totalsize(fdt), &cfg);
	ASSERT_TRUE(err != NULL);
	EXPECT_TRUE(strstr(err, "FDT_ERR_NOSPACE") != NULL);
	err = dt_fixup_host(fdt, fdt_totalsize(fdt) - 8, &cfg);
	ASSERT_TRUE(err != NULL);
	EXPECT_TRUE(strstr(err, "DTB open") != NULL);
	free(fdt);
}
