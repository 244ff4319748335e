// SPDX-License-Identifier: GPL-2.0-only
/* Device-tree parsing and host DT fix-up: see dt.h. */
#include <libfdt.h>
#include "dt.h"
#include "format.h"
#include "gunyah.h"
#include "rm_rpc_abi.h"
#include "rm.h"

#define GIC_SPI			0
#define IRQ_TYPE_EDGE_RISING	1
#define MAX_REG_ENTRIES		(2 * DT_MAX_MEM)

static char err_buf[96];

static const char *fdt_fail(const char *what, int err)
{
	fmt_snprintf(err_buf, sizeof(err_buf), "%s: %s", what,
		     fdt_strerror(err));
	return err_buf;
}

static u64 read_cells(const fdt32_t *p, int n)
{
	u64 v = 0;

	while (n--)
		v = (v << 32) | fdt32_ld(p++);
	return v;
}

static void write_cells(fdt32_t *p, int n, u64 v)
{
	while (n--) {
		p[n] = cpu_to_fdt32((u32)v);
		v >>= 32;
	}
}

/* #address-cells and #size-cells of @parent, limited to what a u64 holds. */
static const char *get_cells(const void *fdt, int parent, int *ac, int *sc)
{
	*ac = fdt_address_cells(fdt, parent);
	*sc = fdt_size_cells(fdt, parent);
	if (*ac < 1 || *ac > 2 || *sc < 0 || *sc > 2)
		return "unsupported #address-cells/#size-cells";
	return NULL;
}

/* Reads up to @max (base, size) pairs of @node's reg; returns the count. */
static int read_reg(const void *fdt, int node, int ac, int sc,
		    struct mem_range *r, int max)
{
	const fdt32_t *p;
	int len, n, i;

	p = fdt_getprop(fdt, node, "reg", &len);
	if (!p || !sc || len % (4 * (ac + sc)))
		return -1;
	n = len / (4 * (ac + sc));
	if (n > max)
		return -1;
	for (i = 0; i < n; i++, p += ac + sc) {
		r[i].base = read_cells(p, ac);
		r[i].size = read_cells(p + ac, sc);
		if (r[i].base + r[i].size < r[i].base)
			return -1;
	}
	return n;
}

static int next_memory_node(const void *fdt, int prev)
{
	return fdt_node_offset_by_prop_value(fdt, prev, "device_type",
					     "memory", sizeof("memory"));
}

static const char *parse_memory(const void *fdt, struct dt_info *info)
{
	struct mem_range r[MAX_REG_ENTRIES];
	const char *err;
	int node, ac, sc, n, i;

	err = get_cells(fdt, 0, &ac, &sc);
	if (err)
		return err;
	for (node = next_memory_node(fdt, -1); node >= 0;
	     node = next_memory_node(fdt, node)) {
		if (fdt_parent_offset(fdt, node) != 0)
			continue;
		n = read_reg(fdt, node, ac, sc, r, MAX_REG_ENTRIES);
		if (n < 0)
			return "bad /memory reg";
		for (i = 0; i < n; i++) {
			if (!r[i].size)
				continue;
			if (info->nr_mem == DT_MAX_MEM)
				return "too many memory ranges";
			info->mem[info->nr_mem++] = r[i];
		}
	}
	if (!info->nr_mem)
		return "no memory in /memory nodes";
	return NULL;
}

static const char *parse_cpus(const void *fdt, struct dt_info *info)
{
	const fdt32_t *reg;
	int cpus, node, ac, len;
	const char *type;

	cpus = fdt_path_offset(fdt, "/cpus");
	if (cpus < 0)
		return fdt_fail("/cpus", cpus);
	ac = fdt_address_cells(fdt, cpus);
	if (ac < 1 || ac > 2)
		return "bad /cpus #address-cells";
	fdt_for_each_subnode(node, fdt, cpus) {
		type = fdt_getprop(fdt, node, "device_type", NULL);
		if (!type || strcmp(type, "cpu"))
			continue;
		reg = fdt_getprop(fdt, node, "reg", &len);
		if (!reg || len != 4 * ac)
			return "bad cpu reg";
		if (info->nr_cpus == NR_CPUS) {
			info->nr_cpus_ignored++;
			continue;
		}
		info->mpidr[info->nr_cpus++] = read_cells(reg, ac);
	}
	if (!info->nr_cpus)
		return "no CPUs in /cpus";
	return NULL;
}

static const char *parse_gic(const void *fdt, struct dt_info *info)
{
	struct mem_range r[MAX_REG_ENTRIES];
	const fdt32_t *icells;
	const char *err;
	int node, ac, sc;

	node = fdt_node_offset_by_compatible(fdt, -1, "arm,gic-v3");
	if (node < 0)
		return "no GICv3 (arm,gic-v3) node: use gic-version=3";
	err = get_cells(fdt, fdt_parent_offset(fdt, node), &ac, &sc);
	if (err)
		return err;
	/* The first reg entry is the distributor; redistributors follow. */
	if (read_reg(fdt, node, ac, sc, r, MAX_REG_ENTRIES) < 1 || !r[0].size)
		return "bad GIC reg";
	info->gicd = r[0];
	icells = fdt_getprop(fdt, node, "#interrupt-cells", NULL);
	if (!icells || fdt32_ld(icells) != 3)
		return "GIC #interrupt-cells is not 3";
	return NULL;
}

static const char *parse_initrd(const void *fdt, struct dt_info *info)
{
	const fdt32_t *s, *e;
	int chosen, ls, le;
	u64 start, end;

	chosen = fdt_path_offset(fdt, "/chosen");
	if (chosen < 0)
		return NULL;
	s = fdt_getprop(fdt, chosen, "linux,initrd-start", &ls);
	e = fdt_getprop(fdt, chosen, "linux,initrd-end", &le);
	if (!s || !e)
		return NULL;
	if ((ls != 4 && ls != 8) || (le != 4 && le != 8))
		return "bad linux,initrd-start/end";
	start = read_cells(s, ls / 4);
	end = read_cells(e, le / 4);
	if (end < start)
		return "bad linux,initrd-start/end";
	info->initrd.base = start;
	info->initrd.size = end - start;
	return NULL;
}

const char *dt_parse(const void *fdt, struct dt_info *info)
{
	const char *err;
	int ret;

	memset(info, 0, sizeof(*info));
	ret = fdt_check_header(fdt);
	if (ret)
		return fdt_fail("DTB header", ret);
	err = parse_memory(fdt, info);
	if (!err)
		err = parse_cpus(fdt, info);
	if (!err)
		err = parse_gic(fdt, info);
	if (!err)
		err = parse_initrd(fdt, info);
	return err;
}

/* [base, end) minus @hole, into @out (at most two pieces); returns count. */
static int subtract(const struct mem_range *r, const struct mem_range *hole,
		    struct mem_range *out)
{
	u64 end = mem_range_end(r), hend = mem_range_end(hole);
	int n = 0;

	if (hend <= r->base || hole->base >= end) {
		out[n++] = *r;
		return n;
	}
	if (r->base < hole->base)
		out[n++] = (struct mem_range){ r->base, hole->base - r->base };
	if (hend < end)
		out[n++] = (struct mem_range){ hend, end - hend };
	return n;
}

/*
 * Rewrite one memory node without @hole. Returns 1 if the node was deleted
 * (node offsets changed), 0 if not, or a negative libfdt error.
 */
static int carve_node(void *fdt, int node, int ac, int sc,
		      const struct mem_range *hole)
{
	struct mem_range in[MAX_REG_ENTRIES], out[2 * MAX_REG_ENTRIES];
	fdt32_t cells[2 * MAX_REG_ENTRIES * 4];
	bool changed = false;
	char name[32];
	int n, m = 0, i, k;

	n = read_reg(fdt, node, ac, sc, in, MAX_REG_ENTRIES);
	if (n < 0)
		return -FDT_ERR_BADVALUE;
	for (i = 0; i < n; i++) {
		k = subtract(&in[i], hole, &out[m]);
		if (k != 1 || out[m].base != in[i].base ||
		    out[m].size != in[i].size)
			changed = true;
		m += k;
	}
	if (!changed)
		return 0;
	if (!m)
		return fdt_del_node(fdt, node) ?: 1;
	for (i = 0; i < m; i++) {
		write_cells(&cells[i * (ac + sc)], ac, out[i].base);
		write_cells(&cells[i * (ac + sc) + ac], sc, out[i].size);
	}
	n = fdt_setprop(fdt, node, "reg", cells, m * (ac + sc) * 4);
	if (n)
		return n;
	/* Keep the unit address in step with the first reg entry. */
	fmt_snprintf(name, sizeof(name), "memory@%llx",
		     (unsigned long long)out[0].base);
	return fdt_set_name(fdt, node, name);
}

static const char *carve_memory(void *fdt, const struct mem_range *hole)
{
	const char *err;
	int node, ac, sc, ret;

	err = get_cells(fdt, 0, &ac, &sc);
	if (err)
		return err;
	node = next_memory_node(fdt, -1);
	while (node >= 0) {
		ret = fdt_parent_offset(fdt, node) == 0 ?
		      carve_node(fdt, node, ac, sc, hole) : 0;
		if (ret < 0)
			return fdt_fail("/memory", ret);
		/* A deleted node moved everything after it: rescan. */
		node = next_memory_node(fdt, ret ? -1 : node);
	}
	return NULL;
}

static const char hyp_compat[] =
	"qcom,gunyah-hypervisor-1.0\0qcom,gunyah-hypervisor\0simple-bus";
static const char vm_compat[] = "qcom,gunyah-vm-id-1.0\0qcom,gunyah-vm-id";
static const char rm_compat[] =
	"gunyah-resource-manager\0qcom,resource-manager-1-0\0qcom,resource-manager";

static int add_vm_node(void *fdt, int hyp)
{
	int node = fdt_add_subnode(fdt, hyp, "qcom,gunyah-vm");

	if (node < 0)
		return node;
	return fdt_setprop(fdt, node, "compatible", vm_compat,
			   sizeof(vm_compat)) ?:
	       fdt_setprop_u32(fdt, node, "qcom,vmid", RM_VMID_HOST) ?:
	       fdt_setprop_string(fdt, node, "qcom,vendor", "Qualcomm");
}

static int add_rm_node(void *fdt, int hyp, const struct dt_host_cfg *cfg)
{
	fdt32_t reg[4], irqs[6];
	char name[48];
	int node;

	fmt_snprintf(name, sizeof(name), "qcom,resource-manager-rpc@%016llx",
		     (unsigned long long)cfg->rm_tx_capid);
	node = fdt_add_subnode(fdt, hyp, name);
	if (node < 0)
		return node;
	write_cells(&reg[0], 2, cfg->rm_tx_capid);
	write_cells(&reg[2], 2, cfg->rm_rx_capid);
	/* TX (not-full) first, then RX (not-empty), as the driver expects. */
	irqs[0] = cpu_to_fdt32(GIC_SPI);
	irqs[1] = cpu_to_fdt32(cfg->rm_tx_spi);
	irqs[2] = cpu_to_fdt32(IRQ_TYPE_EDGE_RISING);
	irqs[3] = cpu_to_fdt32(GIC_SPI);
	irqs[4] = cpu_to_fdt32(cfg->rm_rx_spi);
	irqs[5] = cpu_to_fdt32(IRQ_TYPE_EDGE_RISING);
	return fdt_setprop(fdt, node, "compatible", rm_compat,
			   sizeof(rm_compat)) ?:
	       fdt_setprop(fdt, node, "reg", reg, sizeof(reg)) ?:
	       fdt_setprop(fdt, node, "interrupts", irqs, sizeof(irqs)) ?:
	       /* The first INTID of the RM's own allocations (real RM: 960). */
	       fdt_setprop_u32(fdt, node, "qcom,free-irq-start",
			       GIC_FIRST_FREE_SPI + 32) ?:
	       fdt_setprop_empty(fdt, node, "qcom,is-full-duplex") ?:
	       fdt_setprop_u32(fdt, node, "qcom,tx-message-size",
			       RM_MSGQ_MSG_SIZE) ?:
	       fdt_setprop_u32(fdt, node, "qcom,rx-message-size",
			       RM_MSGQ_MSG_SIZE) ?:
	       fdt_setprop_u32(fdt, node, "qcom,tx-queue-depth",
			       RM_MSGQ_DEPTH) ?:
	       fdt_setprop_u32(fdt, node, "qcom,rx-queue-depth",
			       RM_MSGQ_DEPTH);
}

static const char *add_hypervisor(void *fdt, const struct dt_host_cfg *cfg)
{
	int hyp, ret;

	if (fdt_path_offset(fdt, "/hypervisor") >= 0)
		return "DTB already has a /hypervisor node";
	hyp = fdt_add_subnode(fdt, 0, "hypervisor");
	if (hyp < 0)
		return fdt_fail("/hypervisor", hyp);
	ret = fdt_setprop(fdt, hyp, "compatible", hyp_compat,
			  sizeof(hyp_compat)) ?:
	      fdt_setprop_u32(fdt, hyp, "#address-cells", 2) ?:
	      fdt_setprop_u32(fdt, hyp, "#size-cells", 0) ?:
	      add_rm_node(fdt, hyp, cfg) ?:
	      add_vm_node(fdt, hyp);
	return ret < 0 ? fdt_fail("/hypervisor", ret) : NULL;
}

const char *dt_fixup_host(void *fdt, size_t bufsize,
			  const struct dt_host_cfg *cfg)
{
	const char *err;
	int ret;

	if (bufsize > INT32_MAX)
		return "DTB buffer too large";
	ret = fdt_open_into(fdt, fdt, (int)bufsize);
	if (ret)
		return fdt_fail("DTB open", ret);
	err = carve_memory(fdt, &cfg->hyp);
	if (!err)
		err = add_hypervisor(fdt, cfg);
	if (err)
		return err;
	ret = fdt_pack(fdt);
	return ret ? fdt_fail("DTB pack", ret) : NULL;
}
