// SPDX-License-Identifier: GPL-2.0-only
/*
 * VM_INIT and the memory part of VM_START: read the VM's DT, as the real RM
 * does, and build the VM from it. Sources of the rules below (quic/gunyah-
 * resource-manager, 12/2023): src/vm_creation/vm_creation.c (map_dtb,
 * process_memparcels, patch_resmem_nodes), src/vm_creation/second_vm.c
 * (vm_creation_init), src/vm_config/vm_config_parser.c (the listeners),
 * platform/qemu/src/vm_dt.c (the GIC), src/vm_mgnt/vm_mgnt.c (VM_START).
 *
 * The DT is the FDT at dtb_offset of the image parcel: its own totalsize
 * must fit the dtb_size VM_CONFIG_IMAGE declared (QEMU declares 1 MiB,
 * FDT_MAX_SIZE, for a much smaller FDT). It is copied into stub memory
 * before anything looks at it: the host may still write a shared parcel,
 * and must not change the DT between check and use. VM_START reads it
 * again, as the real RM maps it again there.
 *
 * VM_INIT reads (the rest of the DT is the guest's business):
 *
 *	/gunyah-vm-config (or /qcom,vm-config)
 *	    memory { base-address = <IPA>; }	image parcel IPA, page aligned
 *						(aligned up to 2 MiB, with a
 *						warning, as the real RM does)
 *	    vcpus { affinity = "proxy";		absent: proxy; others refused:
 *						only the host schedules
 *		    config = "/cpus"; }		where the cpu nodes are
 *	    interrupts { config = "/intc"; }	the guest's GICv3, by path, or
 *						by phandle (accepted with the
 *						real RM's warning); absent: the
 *						root's interrupt-parent if it is
 *						a usable GICv3, else the vGIC's
 *						default addresses
 *	<any> { vdevice-type = "doorbell"; [qcom,]label = <L>; peer-default;
 *		interrupts = <0 SPI 1|4>; }	a doorbell the host rings into
 *						SPI 0..987 of the guest (BELL_TX
 *						resource with label L, default
 *						0; labels may repeat, SPIs not)
 *	<any> { vdevice-type = "shm"; peer-default;
 *		memory { [qcom,]label = <L>; base = <IPA>; }; }
 *						the parcel labelled L goes to
 *						IPA at VM_START
 *	/cpus/<node> with device_type = "cpu"	one vCPU each, 1..VM_MAX_VCPUS
 *
 * VM_START, in the real RM's order: every parcel of the VM not yet mapped
 * whose label has a shm vdevice is mapped at its base (IPA-contiguous, the
 * real RM's MAP_CONTIGUOUS accept); every unlabelled lent RWX parcel is
 * mapped after the image parcel (the real RM's private memory; a failure
 * is only a warning); then each /reserved-memory child must match a
 * parcel: with qcom,label = <L> the VM's first parcel labelled L, mapped
 * there already or accepted now at the node's reg as one range (which the
 * real memparcel code does only for a parcel of one physical range,
 * rm_quirk_resmem_one_region); without a label a parcel already mapped at
 * exactly that range; nodes with "size" and no "reg" are skipped.
 * Anything else fails VM_START ("No memparcel matching ..."), with the
 * real RM's reply NORESOURCE (rm_quirk_start_noresource).
 *
 * Every refusal says why on the stub console (rm_log_vm()).
 */
#include <string.h>

#include <libfdt.h>

#include "rm_internal.h"

#define RM_FDT_MAX_DEPTH	32

/* DT interrupt specifier of the GIC binding: <type number flags> */
#define RM_GIC_SPI		0
#define RM_IRQ_EDGE_RISING	1
#define RM_IRQ_LEVEL_HIGH	4
#define RM_GIC_MAX_SPI		(VM_DOORBELL_INTID_END - VM_DOORBELL_INTID_MIN)

/* The real vGIC's redistributor frames: RD + SGI, no VLPI. */
#define RM_GICR_STRIDE		0x20000ULL

/* The real RM aligns base-address up to 2 MiB. */
#define RM_BASE_ALIGN		0x200000ULL

/* The real RM's defaults for #address-cells / #size-cells. */
#define RM_DEFAULT_AC		2
#define RM_DEFAULT_SC		1

bool rm_quirk_resmem_one_region = true;
bool rm_quirk_start_noresource = true;

static u8 rm_dtb[RM_DTB_MAX] __attribute__((aligned(8)));

struct rm_vmcfg {
	u16 vmid;
	u64 base;
	unsigned int nr_vcpus;
	unsigned int nr_bells;
	struct {
		u32 label;
		u32 intid;
	} bell[VM_MAX_DOORBELLS];
	unsigned int nr_shm;
	struct rm_shm shm[RM_MAX_SHM];
	bool gic;			/* a GICv3 node gives the frames */
	u64 gicd_base, gicr_base;
};

static struct rm_vmcfg rm_cfg;

#define rm_refuse(...)	rm_log_vm(rm_cfg.vmid, __VA_ARGS__)

/* ------------------------------------------------------------ FDT access */

/*
 * The structure block walked end to end, as libfdt's fdt_check_full() does
 * (the kernel's copy of libfdt lacks fdt_check.c): balanced nodes under one
 * root, every name and property name inside the blob.
 */
static bool rm_fdt_check(const void *fdt, size_t bufsize)
{
	int offset = 0, next, depth = 0, len;
	bool root_done = false;

	if (bufsize < FDT_V1_SIZE || fdt_check_header(fdt) || fdt_totalsize(fdt) > bufsize)
		return false;
	/*
	 * libfdt loads structure tags as aligned words: a misaligned block
	 * (which this libfdt's header check lets through) would be an
	 * alignment fault at EL2.
	 */
	if (!IS_ALIGNED(fdt_off_dt_struct(fdt), FDT_TAGSIZE) ||
	    !IS_ALIGNED(fdt_off_mem_rsvmap(fdt), 8))
		return false;
	for (;;) {
		u32 tag = fdt_next_tag(fdt, offset, &next);

		if (next < 0)
			return false;
		switch (tag) {
		case FDT_NOP:
			break;
		case FDT_END:
			return root_done && depth == 0;
		case FDT_BEGIN_NODE:
			if (root_done || ++depth > RM_FDT_MAX_DEPTH ||
			    !fdt_get_name(fdt, offset, &len))
				return false;
			break;
		case FDT_END_NODE:
			if (!depth)
				return false;
			if (!--depth)
				root_done = true;
			break;
		case FDT_PROP: {
			const struct fdt_property *prop;

			if (!depth)
				return false;
			prop = fdt_get_property_by_offset(fdt, offset, &len);
			if (!prop || !fdt_get_string(fdt, fdt32_ld(&prop->nameoff), &len))
				return false;
			break;
		}
		default:
			return false;
		}
		offset = next;
	}
}

/*
 * Copy the FDT at the DT region of the image parcel into rm_dtb: the
 * FDT's own totalsize must fit the region (map_dtb()); a larger region is
 * fine.
 */
static u32 rm_dtb_load(const struct rm_vm *vm, const struct rm_parcel *image)
{
	struct fdt_header hdr;
	u32 total;

	if (vm->dtb_size < sizeof(hdr) ||
	    !rm_parcel_read(image, vm->dtb_offset, &hdr, sizeof(hdr))) {
		rm_refuse("DT region %#llx+%#llx holds no FDT header",
			  (unsigned long long)vm->dtb_offset,
			  (unsigned long long)vm->dtb_size);
		return RM_ERROR_ARGUMENT_INVALID;
	}
	if (fdt_magic(&hdr) != FDT_MAGIC) {
		rm_refuse("invalid dtb: no FDT at offset %#llx of parcel %#x",
			  (unsigned long long)vm->dtb_offset, image->handle);
		return RM_ERROR_ARGUMENT_INVALID;
	}
	total = fdt_totalsize(&hdr);
	if (total > vm->dtb_size) {
		rm_refuse("fdt_totalsize (%u) > DTB region size (%llu)", total,
			  (unsigned long long)vm->dtb_size);
		return RM_ERROR_ARGUMENT_INVALID;
	}
	if (total > RM_DTB_MAX) {
		rm_refuse("DT of %u bytes: the stub reads at most %u", total,
			  RM_DTB_MAX);
		return RM_ERROR_ARGUMENT_INVALID;
	}
	if (!rm_parcel_read(image, vm->dtb_offset, rm_dtb, total) ||
	    !rm_fdt_check(rm_dtb, total)) {
		rm_refuse("invalid dtb: the FDT's structure is broken");
		return RM_ERROR_ARGUMENT_INVALID;
	}
	return RM_ERROR_OK;
}

static const char *rm_name(const void *fdt, int node)
{
	const char *n = fdt_get_name(fdt, node, NULL);

	return n && *n ? n : "/";
}

/* A property holding exactly one NUL-terminated string. */
static const char *rm_fdt_string(const void *fdt, int node, const char *name)
{
	int len;
	const char *s = fdt_getprop(fdt, node, name, &len);

	if (!s || len <= 0 || s[len - 1] || strnlen(s, (size_t)len) != (size_t)len - 1)
		return NULL;
	return s;
}

/* The first string of a string list (fdt_stringlist_get(..., 0)). */
static const char *rm_fdt_string0(const void *fdt, int node, const char *name)
{
	return fdt_stringlist_get(fdt, node, name, 0, NULL);
}

/* #address-cells / #size-cells of @node, @def when absent, -1 if bad. */
static int rm_fdt_cells(const void *fdt, int node, const char *name, int def)
{
	int len;
	const fdt32_t *c = fdt_getprop(fdt, node, name, &len);

	if (!c)
		return def;
	return len == 4 ? (int)MIN(fdt32_ld(c), 16U) : -1;
}

/* The cells @node's own addresses use: its parent's (the real RM's ctx). */
static int rm_fdt_parent_cells(const void *fdt, int node, const char *name, int def)
{
	int parent = fdt_parent_offset(fdt, node);

	return parent < 0 ? def : rm_fdt_cells(fdt, parent, name, def);
}

static u64 rm_fdt_read(const fdt32_t *c, int cells)
{
	return cells == 2 ? (u64)fdt32_ld(c) << 32 | fdt32_ld(c + 1) : fdt32_ld(c);
}

/* A number of @cells (1 or 2) cells, the property being exactly that long. */
static bool rm_fdt_num(const void *fdt, int node, const char *name, int cells, u64 *v)
{
	int len;
	const fdt32_t *c = fdt_getprop(fdt, node, name, &len);

	if (!c || (cells != 1 && cells != 2) || len != cells * 4)
		return false;
	*v = rm_fdt_read(c, cells);
	return true;
}

static bool rm_fdt_u32(const void *fdt, int node, const char *name, u32 *v)
{
	u64 n;

	if (!rm_fdt_num(fdt, node, name, 1, &n))
		return false;
	*v = (u32)n;
	return true;
}

/* A vdevice's label: qcom,label, else label (parse_device_label()). */
static bool rm_fdt_label(const void *fdt, int node, u32 *label)
{
	return rm_fdt_u32(fdt, node, "qcom,label", label) ||
	       rm_fdt_u32(fdt, node, "label", label);
}

/* The next node after @node (-1: the first) whose vdevice-type is @type. */
static int rm_next_vdevice(const void *fdt, int node, const char *type)
{
	/* No depth: every node of the tree, in order, then an error. */
	for (node = fdt_next_node(fdt, node, NULL); node >= 0;
	     node = fdt_next_node(fdt, node, NULL)) {
		const char *t = rm_fdt_string0(fdt, node, "vdevice-type");

		if (t && !strcmp(t, type))
			return node;
	}
	return -1;
}

#define rm_for_each_vdevice(node, fdt, type)				\
	for ((node) = rm_next_vdevice((fdt), -1, (type)); (node) >= 0;	\
	     (node) = rm_next_vdevice((fdt), (node), (type)))

/* ------------------------------------------------------------- VM_INIT */

static u32 rm_parse_memory(const void *fdt, int cfg)
{
	int mem = fdt_subnode_offset(fdt, cfg, "memory");
	u64 base;

	if (mem < 0 || !rm_fdt_num(fdt, mem, "base-address",
				   rm_fdt_parent_cells(fdt, mem, "#address-cells",
						       RM_DEFAULT_AC), &base)) {
		rm_refuse("no memory { base-address } in the VM config");
		return RM_ERROR_ARGUMENT_INVALID;
	}
	if (!IS_ALIGNED(base, SZ_4K)) {
		rm_refuse("base-address invalid alignment (%#llx)",
			  (unsigned long long)base);
		return RM_ERROR_ARGUMENT_INVALID;
	}
	if (!IS_ALIGNED(base, RM_BASE_ALIGN)) {
		rm_refuse("warning: base-address %#llx not 2MB aligned, aligning up",
			  (unsigned long long)base);
		if (ALIGN_UP(base, RM_BASE_ALIGN) < base) {
			rm_refuse("base-address %#llx wraps when aligned up",
				  (unsigned long long)base);
			return RM_ERROR_ARGUMENT_INVALID;
		}
		base = ALIGN_UP(base, RM_BASE_ALIGN);
	}
	rm_cfg.base = base;
	return RM_ERROR_OK;
}

static u32 rm_parse_vcpus(const void *fdt, int cfg)
{
	const char *cpus_path = "/cpus", *affinity;
	int vcpus = fdt_subnode_offset(fdt, cfg, "vcpus"), cpus, node;
	unsigned int n = 0;

	if (vcpus >= 0) {
		affinity = rm_fdt_string(fdt, vcpus, "affinity");
		if (fdt_getprop(fdt, vcpus, "affinity", NULL) &&
		    (!affinity || strcmp(affinity, "proxy"))) {
			rm_refuse("vcpus affinity \"%s\": the stub has only host-scheduled (proxy) vCPUs",
				  affinity ? affinity : "?");
			return RM_ERROR_ARGUMENT_INVALID;
		}
		if (fdt_getprop(fdt, vcpus, "config", NULL)) {
			cpus_path = rm_fdt_string(fdt, vcpus, "config");
			if (!cpus_path) {
				rm_refuse("parse_vcpus: \"config\" path invalid");
				return RM_ERROR_ARGUMENT_INVALID;
			}
		}
	}
	cpus = fdt_path_offset(fdt, cpus_path);
	if (cpus < 0) {
		rm_refuse("parse_vcpus: no node %s", cpus_path);
		return RM_ERROR_ARGUMENT_INVALID;
	}
	fdt_for_each_subnode(node, fdt, cpus) {
		const char *type = rm_fdt_string(fdt, node, "device_type");

		if (type && !strcmp(type, "cpu") && ++n > VM_MAX_VCPUS) {
			rm_refuse("more than %u vCPUs", VM_MAX_VCPUS);
			return RM_ERROR_ARGUMENT_INVALID;
		}
	}
	if (!n) {
		rm_refuse("no cpu nodes in %s", cpus_path);
		return RM_ERROR_ARGUMENT_INVALID;
	}
	rm_cfg.nr_vcpus = n;
	return RM_ERROR_OK;
}

/*
 * The guest's GICv3 node (platform_parse_gic()): compatible "arm,gic-v3",
 * interrupt-controller, #interrupt-cells = 3, one redistributor region,
 * reg = <GICD ...>, <GICR ...> in its parent's cells (sizes are not
 * checked, as by the real RM; the frames must suit the vGIC, see
 * vm_vgic_config()). The stub cannot allocate the frames (the real RM does
 * without a reg, and patches the DT) nor use another redistributor stride.
 */
static u32 rm_parse_gic_node(const void *fdt, int gic, bool quiet)
{
	int parent = fdt_parent_offset(fdt, gic), ac, sc, len;
	const fdt32_t *reg;
	u32 v;
	u64 stride;

#define RM_GIC_REFUSE(...) do {			\
	if (!quiet)				\
		rm_refuse(__VA_ARGS__);		\
	return RM_ERROR_ARGUMENT_INVALID;	\
} while (0)
	if (fdt_node_check_compatible(fdt, gic, "arm,gic-v3"))
		RM_GIC_REFUSE("Interrupt controller %s is not a GIC(v3)", rm_name(fdt, gic));
	if (!fdt_getprop(fdt, gic, "interrupt-controller", NULL))
		RM_GIC_REFUSE("Missing \"interrupt-controller\" property in %s", rm_name(fdt, gic));
	if (fdt_getprop(fdt, gic, "#redistributor-regions", NULL) &&
	    (!rm_fdt_u32(fdt, gic, "#redistributor-regions", &v) || v != 1))
		RM_GIC_REFUSE("Can't support multiple GICR regions");
	if (!rm_fdt_u32(fdt, gic, "#interrupt-cells", &v) || v != 3)
		RM_GIC_REFUSE("GIC node does not specify #interrupt-cells = 3");
	if (fdt_getprop(fdt, gic, "redistributor-stride", NULL) &&
	    (!rm_fdt_num(fdt, gic, "redistributor-stride", 2, &stride) ||
	     stride != RM_GICR_STRIDE))
		RM_GIC_REFUSE("redistributor-stride other than 128 KiB: not in the stub's vGIC");
	ac = parent < 0 ? -1 : rm_fdt_cells(fdt, parent, "#address-cells", RM_DEFAULT_AC);
	sc = parent < 0 ? -1 : rm_fdt_cells(fdt, parent, "#size-cells", RM_DEFAULT_SC);
	if ((ac != 1 && ac != 2) || (sc != 1 && sc != 2))
		RM_GIC_REFUSE("GIC node: unsupported #address-cells/#size-cells");
	reg = fdt_getprop(fdt, gic, "reg", &len);
	if (!reg)
		RM_GIC_REFUSE("GIC node has no reg: the stub does not allocate and patch GIC addresses");
	if (len < 2 * (ac + sc) * 4)
		RM_GIC_REFUSE("Truncated \"reg\" property in GIC node");
#undef RM_GIC_REFUSE
	rm_cfg.gicd_base = rm_fdt_read(reg, ac);
	rm_cfg.gicr_base = rm_fdt_read(reg + ac + sc, ac);
	rm_cfg.gic = true;
	return RM_ERROR_OK;
}

/*
 * interrupts { config }: a path, or a phandle (which the real RM accepts
 * with a warning). The root's interrupt-parent, if it is a usable GICv3,
 * counts first and lets an interrupts node go without config; no GIC at
 * all: the vGIC's defaults (platform_parse_root(),
 * platform_parse_interrupts()).
 */
static u32 rm_parse_gic(const void *fdt, int cfg)
{
	int irqs = fdt_subnode_offset(fdt, cfg, "interrupts"), gic, len = 0;
	const char *path;
	u32 ph;

	if (rm_fdt_u32(fdt, 0, "interrupt-parent", &ph)) {
		gic = fdt_node_offset_by_phandle(fdt, ph);
		if (gic >= 0)
			(void)rm_parse_gic_node(fdt, gic, true);
	}
	if (irqs < 0)
		return RM_ERROR_OK;
	path = fdt_stringlist_get(fdt, irqs, "config", 0, &len);
	if (!path && len == -FDT_ERR_NOTFOUND && rm_cfg.gic)
		return RM_ERROR_OK;
	if (path && len > 1 && path[0] == '/') {
		gic = fdt_path_offset(fdt, path);
		if (gic < 0) {
			rm_refuse("Error: couldn't find GIC node \"%s\"", path);
			return RM_ERROR_ARGUMENT_INVALID;
		}
	} else if (rm_fdt_u32(fdt, irqs, "config", &ph)) {
		rm_refuse("warning: interrupts \"config\" property looks like a phandle (%#x), but should be a path",
			  ph);
		gic = fdt_node_offset_by_phandle(fdt, ph);
		if (gic < 0) {
			rm_refuse("Interrupt controller phandle is invalid");
			return RM_ERROR_ARGUMENT_INVALID;
		}
	} else {
		rm_refuse("Error: couldn't read interrupts \"config\" property");
		return RM_ERROR_ARGUMENT_INVALID;
	}
	return rm_parse_gic_node(fdt, gic, false);
}

/*
 * Doorbells with the host as source (parse_doorbell(), handle_doorbell()):
 * peer-default (the host is the only peer the stub knows), the label
 * (default 0; the real RM does not require labels to differ), and the SPI
 * of the guest it raises, edge or level. Without a usable interrupts
 * property the real RM allocates a virq and patches the guest's DT; the
 * stub does not, so it refuses. Each SPI once (the real RM's virq map
 * refuses a second binding).
 */
static u32 rm_parse_bells(const void *fdt)
{
	int node;

	rm_for_each_vdevice(node, fdt, "doorbell") {
		const char *name = rm_name(fdt, node), *peer;
		const fdt32_t *irq;
		u32 label = 0, type, spi, intid;
		int len;

		if (!fdt_getprop(fdt, node, "peer-default", NULL)) {
			peer = rm_fdt_string0(fdt, node, "peer");
			rm_refuse("doorbell %s: peer \"%s\": the stub's only peer is the host (peer-default)",
				  name, peer ? peer : "(none)");
			return RM_ERROR_ARGUMENT_INVALID;
		}
		(void)rm_fdt_label(fdt, node, &label);
		irq = fdt_getprop(fdt, node, "interrupts", &len);
		if (!irq || len != 12) {
			rm_refuse("doorbell %s: no <type number flags> interrupts (the real RM would allocate a virq and patch the DT, the stub does not)",
				  name);
			return RM_ERROR_ARGUMENT_INVALID;
		}
		type = fdt32_ld(irq);
		spi = fdt32_ld(irq + 1);
		if (type != RM_GIC_SPI || spi >= RM_GIC_MAX_SPI) {
			rm_refuse("doorbell %s: interrupt <%u %u>: not an SPI of the vGIC (0..%u)",
				  name, type, spi, RM_GIC_MAX_SPI - 1);
			return RM_ERROR_ARGUMENT_INVALID;
		}
		switch (fdt32_ld(irq + 2) & 0xf) {
		case RM_IRQ_EDGE_RISING:
		case RM_IRQ_LEVEL_HIGH:
			break;
		default:
			rm_refuse("doorbell %s: invalid GIC IRQ trigger mode %#x", name,
				  fdt32_ld(irq + 2) & 0xf);
			return RM_ERROR_ARGUMENT_INVALID;
		}
		intid = spi + VM_DOORBELL_INTID_MIN;
		for (unsigned int i = 0; i < rm_cfg.nr_bells; i++) {
			if (rm_cfg.bell[i].intid == intid) {
				rm_refuse("doorbell %s: SPI %u already has a doorbell", name, spi);
				return RM_ERROR_ARGUMENT_INVALID;
			}
		}
		if (rm_cfg.nr_bells == VM_MAX_DOORBELLS) {
			rm_refuse("more than %u doorbells", VM_MAX_DOORBELLS);
			return RM_ERROR_ARGUMENT_INVALID;
		}
		rm_cfg.bell[rm_cfg.nr_bells].label = label;
		rm_cfg.bell[rm_cfg.nr_bells].intid = intid;
		rm_cfg.nr_bells++;
	}
	return RM_ERROR_OK;
}

/*
 * shm vdevices (parse_shm_doorbell(), parse_memory_node()): peer-default,
 * one child named "memory" with the parcel's label and a page-aligned base
 * in the vdevice's cells. "allocate-base" (the RM picks the IPA) and
 * "shm-doorbell" (with doorbells of the RM's choosing) are not in the
 * stub. push-compatible, dma_base and the like are the guest's business.
 */
static u32 rm_parse_shm(const void *fdt)
{
	int node;

	if (rm_next_vdevice(fdt, -1, "shm-doorbell") >= 0) {
		rm_refuse("shm-doorbell vdevices are not in the stub");
		return RM_ERROR_ARGUMENT_INVALID;
	}
	rm_for_each_vdevice(node, fdt, "shm") {
		const char *name = rm_name(fdt, node);
		int mem = -1, child;
		u32 label;
		u64 base;

		fdt_for_each_subnode(child, fdt, node) {
			if (strcmp(rm_name(fdt, child), "memory") || mem >= 0) {
				rm_refuse("shm %s: expected one \"memory\" node", name);
				return RM_ERROR_ARGUMENT_INVALID;
			}
			mem = child;
		}
		if (mem < 0) {
			rm_refuse("shm %s: missing \"memory\" node", name);
			return RM_ERROR_ARGUMENT_INVALID;
		}
		if (!rm_fdt_label(fdt, mem, &label)) {
			rm_refuse("shm %s: memory has no label", name);
			return RM_ERROR_ARGUMENT_INVALID;
		}
		if (fdt_getprop(fdt, mem, "allocate-base", NULL)) {
			rm_refuse("shm %s: allocate-base: the stub does not allocate IPAs", name);
			return RM_ERROR_ARGUMENT_INVALID;
		}
		if (!rm_fdt_num(fdt, mem, "base",
				rm_fdt_cells(fdt, node, "#address-cells", RM_DEFAULT_AC), &base)) {
			rm_refuse("shm %s: neither base or allocate-base present", name);
			return RM_ERROR_ARGUMENT_INVALID;
		}
		if (!IS_ALIGNED(base, SZ_4K)) {
			rm_refuse("shm %s: base not aligned", name);
			return RM_ERROR_ARGUMENT_INVALID;
		}
		if (!fdt_getprop(fdt, node, "peer-default", NULL)) {
			rm_refuse("shm %s: not peer-default", name);
			return RM_ERROR_ARGUMENT_INVALID;
		}
		if (rm_cfg.nr_shm == RM_MAX_SHM) {
			rm_refuse("more than %u shm vdevices", RM_MAX_SHM);
			return RM_ERROR_ARGUMENT_INVALID;
		}
		rm_cfg.shm[rm_cfg.nr_shm++] = (struct rm_shm){ .label = label, .base = base };
	}
	return RM_ERROR_OK;
}

static int rm_cfg_node(const void *fdt)
{
	int cfg = fdt_path_offset(fdt, "/gunyah-vm-config");

	return cfg >= 0 ? cfg : fdt_path_offset(fdt, "/qcom,vm-config");
}

/* Fill rm_cfg from the VM's DT, already copied to rm_dtb. */
static u32 rm_parse_dt(void)
{
	const void *fdt = rm_dtb;
	int cfg = rm_cfg_node(fdt);
	u32 err;

	if (cfg < 0) {
		rm_refuse("no /gunyah-vm-config node in the DT");
		return RM_ERROR_ARGUMENT_INVALID;
	}
	err = rm_parse_memory(fdt, cfg);
	if (!err)
		err = rm_parse_vcpus(fdt, cfg);
	if (!err)
		err = rm_parse_gic(fdt, cfg);
	if (!err)
		err = rm_parse_bells(fdt);
	if (!err)
		err = rm_parse_shm(fdt);
	return err;
}

static void rm_vm_unbuild(struct rm_vm *vm, struct rm_parcel *image)
{
	if (image)
		rm_parcel_unmap(image);
	if (vm->created)
		vm_destroy(vm->vmid);
	vm->created = false;
	vm->nr_vcpus = 0;
	vm->nr_bells = 0;
	vm->nr_shm = 0;
}

static u32 rm_vm_build(struct rm_vm *vm)
{
	struct rm_parcel *image = rm_parcel_lookup(vm->image_handle);
	u32 err;
	int ret;

	memset(&rm_cfg, 0, sizeof(rm_cfg));
	rm_cfg.vmid = vm->vmid;
	/* The host may have reclaimed the image parcel since VM_CONFIG_IMAGE. */
	if (!rm_parcel_usable_by(image, vm->vmid)) {
		rm_refuse("failed to look up memparcel %#x", vm->image_handle);
		return RM_ERROR_HANDLE_INVALID;
	}
	err = rm_dtb_load(vm, image);
	if (!err)
		err = rm_parse_dt();
	if (err)
		return err;

	ret = vm_create(vm->vmid);
	if (ret) {
		rm_refuse("cannot create the VM (%d)", ret);
		return rm_error_from_gh(ret);
	}
	vm->created = true;
	err = rm_parcel_map(image, rm_cfg.base);
	if (err) {
		rm_refuse("cannot map the image parcel %#x at %#llx", image->handle,
			  (unsigned long long)rm_cfg.base);
		goto undo;
	}
	for (unsigned int i = 0; i < rm_cfg.nr_vcpus; i++) {
		ret = vm_vcpu_create(vm->vmid, i, &vm->vcpu_capid[i], &vm->vcpu_virq[i]);
		if (ret) {
			rm_refuse("cannot create vCPU %u (%d)", i, ret);
			err = rm_error_from_gh(ret);
			goto undo;
		}
		vm->nr_vcpus = i + 1;
	}
	/* After the vCPUs: the vGIC checks the redistributors of all of them. */
	if (rm_cfg.gic) {
		ret = vm_vgic_config(vm->vmid, rm_cfg.gicd_base, rm_cfg.gicr_base);
		if (ret) {
			rm_refuse("GIC frames GICD %#llx GICR %#llx unusable (%d)",
				  (unsigned long long)rm_cfg.gicd_base,
				  (unsigned long long)rm_cfg.gicr_base, ret);
			err = rm_error_from_gh(ret);
			goto undo;
		}
	}
	for (unsigned int i = 0; i < rm_cfg.nr_bells; i++) {
		struct rm_bell *b = &vm->bell[i];

		ret = vm_doorbell_create(vm->vmid, rm_cfg.bell[i].intid, &b->capid);
		if (ret) {
			rm_refuse("cannot create the doorbell on INTID %u (%d)",
				  rm_cfg.bell[i].intid, ret);
			err = rm_error_from_gh(ret);
			goto undo;
		}
		b->label = rm_cfg.bell[i].label;
		vm->nr_bells = i + 1;
	}
	memcpy(vm->shm, rm_cfg.shm, sizeof(vm->shm));
	vm->nr_shm = rm_cfg.nr_shm;
	vm->ipa_base = rm_cfg.base;
	vm->mem_size = image->size;
	return RM_ERROR_OK;

undo:
	rm_vm_unbuild(vm, image);
	return err;
}

/*
 * vmid req: LOAD (with VM_CONFIG_IMAGE done) -> INIT -> READY, or
 * INIT_FAILED with nothing left behind (no stage-2, no vCPUs, parcels
 * unmapped and reclaimable). The reply carries why it failed.
 */
u32 rm_vm_init_vm(struct rm_msg *msg)
{
	struct rm_vm *vm = rm_vm_lookup(rm_get_le16(msg->req));
	u32 err;

	if (!vm) {
		rm_log_vm(rm_get_le16(msg->req), "VM_INIT: no such VM");
		return RM_ERROR_VMID_INVALID;
	}
	if (vm->status != RM_VM_STATUS_LOAD || !vm->configured) {
		rm_log_vm(vm->vmid, "VM_INIT: not configured in LOAD (status %u)", vm->status);
		return RM_ERROR_VM_STATE;
	}

	rm_vm_set_status(vm, RM_VM_STATUS_INIT);
	err = rm_vm_build(vm);
	rm_vm_set_status(vm, err ? RM_VM_STATUS_INIT_FAILED : RM_VM_STATUS_READY);
	return err;
}

/* ------------------------------------------------------------ VM_START */

/*
 * Map @p at @ipa if no other parcel of the VM is there (the real RM's
 * address-range allocator refuses overlaps: NORESOURCE).
 */
static u32 rm_map_at(struct rm_vm *vm, struct rm_parcel *p, u64 ipa)
{
	if (ipa + p->size < ipa)
		return RM_ERROR_NORESOURCE;
	for (unsigned int i = 0; i < RM_MAX_PARCELS; i++) {
		const struct rm_parcel *o = rm_parcel_at(i);

		if (o && o->vmid == vm->vmid && o->mapped &&
		    ipa < o->ipa + o->size && o->ipa < ipa + p->size)
			return RM_ERROR_NORESOURCE;
	}
	return rm_parcel_map(p, ipa);
}

/*
 * The VM's unmapped parcels whose label a shm vdevice names go to its
 * base, IPA-contiguous (vm_creation_process_memparcel(),
 * accept_memparcel_fixed() with MAP_CONTIGUOUS): scattered is fine.
 */
static u32 rm_start_shm(struct rm_vm *vm)
{
	for (unsigned int i = 0; i < RM_MAX_PARCELS; i++) {
		struct rm_parcel *p = rm_parcel_at(i);

		if (!rm_parcel_usable_by(p, vm->vmid) || p->mapped)
			continue;
		for (unsigned int s = 0; s < vm->nr_shm; s++) {
			u32 err;

			if (vm->shm[s].label != p->label)
				continue;
			err = rm_map_at(vm, p, vm->shm[s].base);
			if (err) {
				rm_refuse("shm label %u: mp %#x failed to accept at %#llx (%u)",
					  p->label, p->handle,
					  (unsigned long long)vm->shm[s].base, err);
				return err;
			}
			break;
		}
	}
	return RM_ERROR_OK;
}

/*
 * Unlabelled parcels lent to the VM alone with all rights are its private
 * memory: mapped after the image parcel and what came before; a failure
 * is only a warning (process_memparcels(), accept_memparcel_private()).
 */
static void rm_start_private(struct rm_vm *vm)
{
	for (unsigned int i = 0; i < RM_MAX_PARCELS; i++) {
		struct rm_parcel *p = rm_parcel_at(i);
		u64 ipa = vm->ipa_base + vm->mem_size;

		if (!rm_parcel_usable_by(p, vm->vmid) || p->mapped || p->label ||
		    p->xfer != MEM_XFER_LEND || p->rights != RM_ACL_RIGHTS_ALL)
			continue;
		if (ipa < vm->ipa_base || rm_map_at(vm, p, ipa)) {
			rm_refuse("warning: accept private mp %#x at %#llx failed",
				  p->handle, (unsigned long long)ipa);
			continue;
		}
		vm->mem_size += p->size;
	}
}

/* One reg entry {base, size} of a /reserved-memory child, or false. */
static bool rm_resmem_reg(const void *fdt, int node, int ac, int sc, u64 *base, u64 *size)
{
	const char *name = rm_name(fdt, node);
	const fdt32_t *reg;
	int len;

	reg = fdt_getprop(fdt, node, "reg", &len);
	if (!reg) {
		rm_refuse("No \"reg\" property in /reserved-memory/%s", name);
		return false;
	}
	if (len != (ac + sc) * 4) {
		rm_refuse("Bad \"reg\" in /reserved-memory/%s; len %d != %d", name, len,
			  (ac + sc) * 4);
		return false;
	}
	*base = rm_fdt_read(reg, ac);
	*size = rm_fdt_read(reg + ac, sc);
	if (!*size || *base + *size - 1 < *base) {
		rm_refuse("Bad \"reg\" in /reserved-memory/%s; size %#llx", name,
			  (unsigned long long)*size);
		return false;
	}
	return true;
}

/*
 * By label (find_memparcel_for_resmem_node_by_label()): the VM's first
 * parcel with that label, mapped at exactly the node's range already, or
 * accepted there now with one SGL entry and without MAP_CONTIGUOUS, which
 * memparcel_do_accept() allows only if the parcel is one physical range
 * of that size (else ARGUMENT_INVALID).
 */
static struct rm_parcel *rm_resmem_by_label(struct rm_vm *vm, const char *name, u32 label,
					    u64 base, u64 size, u32 *why)
{
	for (unsigned int i = 0; i < RM_MAX_PARCELS; i++) {
		struct rm_parcel *p = rm_parcel_at(i);

		if (!rm_parcel_usable_by(p, vm->vmid) || p->label != label)
			continue;
		if (p->mapped) {
			if (p->ipa == base && p->size == size)
				return p;
			rm_refuse("/reserved-memory/%s: mp %#x (label %#x) is mapped at %#llx+%#llx",
				  name, p->handle, label, (unsigned long long)p->ipa,
				  (unsigned long long)p->size);
			return NULL;
		}
		if (p->size != size ||
		    (rm_quirk_resmem_one_region && p->nr_ranges != 1)) {
			rm_refuse("/reserved-memory/%s: accept of mp %#x (%u ranges, %#llx bytes) at one range of %#llx failed (%u)",
				  name, p->handle, p->nr_ranges, (unsigned long long)p->size,
				  (unsigned long long)size, RM_ERROR_ARGUMENT_INVALID);
			*why = RM_ERROR_ARGUMENT_INVALID;
			return NULL;
		}
		if (rm_map_at(vm, p, base)) {
			rm_refuse("/reserved-memory/%s: mp %#x cannot go to %#llx", name,
				  p->handle, (unsigned long long)base);
			return NULL;
		}
		return p;
	}
	return NULL;
}

/* Without a label: a parcel already mapped at exactly that range. */
static struct rm_parcel *rm_resmem_by_address(struct rm_vm *vm, u64 base, u64 size)
{
	for (unsigned int i = 0; i < RM_MAX_PARCELS; i++) {
		struct rm_parcel *p = rm_parcel_at(i);

		if (rm_parcel_usable_by(p, vm->vmid) && p->mapped && p->ipa == base &&
		    p->size == size)
			return p;
	}
	return NULL;
}

/* patch_resmem_nodes(): every child of /reserved-memory names a parcel. */
static u32 rm_start_resmem(struct rm_vm *vm)
{
	const void *fdt = rm_dtb;
	int rmem = fdt_path_offset(fdt, "/reserved-memory"), ac, sc, node;

	if (rmem < 0)
		return RM_ERROR_OK;
	ac = rm_fdt_cells(fdt, rmem, "#address-cells", RM_DEFAULT_AC);
	sc = rm_fdt_cells(fdt, rmem, "#size-cells", RM_DEFAULT_SC);
	if ((ac != 1 && ac != 2) || (sc != 1 && sc != 2)) {
		rm_refuse("/reserved-memory: unsupported #address-cells/#size-cells");
		return RM_ERROR_ARGUMENT_INVALID;
	}
	fdt_for_each_subnode(node, fdt, rmem) {
		const char *name = rm_name(fdt, node);
		struct rm_parcel *p = NULL;
		u64 base, size;
		u32 label, why = RM_ERROR_DENIED;

		if (rm_fdt_u32(fdt, node, "qcom,label", &label)) {
			if (rm_resmem_reg(fdt, node, ac, sc, &base, &size))
				p = rm_resmem_by_label(vm, name, label, base, size, &why);
		} else if (fdt_getprop(fdt, node, "size", NULL) &&
			   !fdt_getprop(fdt, node, "reg", NULL)) {
			continue;	/* allocated by the guest after boot */
		} else if (rm_resmem_reg(fdt, node, ac, sc, &base, &size)) {
			p = rm_resmem_by_address(vm, base, size);
		}
		if (!p) {
			rm_refuse("No memparcel matching /reserved-memory/%s!", name);
			return why;
		}
		if (p->xfer == MEM_XFER_SHARE && fdt_getprop(fdt, node, "reusable", NULL)) {
			rm_refuse("/reserved-memory/%s is marked reusable, but the memparcel is not exclusive!",
				  name);
			return RM_ERROR_DENIED;
		}
	}
	return RM_ERROR_OK;
}

u32 rm_vm_start_config(struct rm_vm *vm)
{
	struct rm_parcel *image = rm_parcel_lookup(vm->image_handle);
	u32 err;

	memset(&rm_cfg, 0, sizeof(rm_cfg));
	rm_cfg.vmid = vm->vmid;
	err = rm_start_shm(vm);
	if (!err) {
		rm_start_private(vm);
		/* process_dtb(): the DT is mapped and read again. */
		err = rm_parcel_usable_by(image, vm->vmid) ? rm_dtb_load(vm, image) :
		      RM_ERROR_HANDLE_INVALID;
	}
	if (!err)
		err = rm_start_resmem(vm);
	if (!err)
		return RM_ERROR_OK;
	/* What failed is on the console already (the last line). */
	return rm_quirk_start_noresource ? RM_ERROR_NORESOURCE : err;
}
