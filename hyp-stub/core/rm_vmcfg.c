// SPDX-License-Identifier: GPL-2.0-only
/*
 * VM_INIT: read the VM's DT, as the real RM does, and build the VM from it.
 *
 * The DT lives in the image parcel named by VM_CONFIG_IMAGE. It is copied
 * into stub memory before anything looks at it: the host may still write a
 * shared parcel, and must not change the DT between check and use.
 *
 * What is read (the rest of the DT is the guest's business):
 *
 *	/gunyah-vm-config (or the older /qcom,vm-config)
 *	    memory { base-address = <IPA>; }	image parcel IPA, page aligned,
 *						#address-cells of the node (2)
 *	    vcpus { affinity = "proxy";		absent: proxy; anything else is
 *						refused: only the host schedules
 *		    config = "/cpus"; }		where the cpu nodes are ("/cpus")
 *	    interrupts { config = <&gic>; }	the guest's GICv3 (see
 *						rm_parse_gic()); absent: the
 *						vGIC's default addresses
 *	    vdevices { <any> { vdevice-type = "shm";
 *			memory { label = <L>; base = <IPA>; }; }; }
 *						the parcel labelled L at IPA
 *	    vdevices { <any> { vdevice-type = "doorbell"; label = <L>;
 *			peer-default; interrupts = <0 SPI flags>; }; }
 *						a doorbell the host rings into
 *						the guest's SPI (BELL_TX
 *						resource with label L);
 *						other vdevice types are ignored
 *	/cpus/<node> with device_type = "cpu"	one vCPU each, 1..VM_MAX_VCPUS
 *	/reserved-memory/<node> { reg = <IPA size>; [label = <L>;] }
 *						outside the image parcel: the
 *						parcel labelled L, or without a
 *						label the first unplaced parcel
 *						of that size; none: left alone
 *
 * Parcels the DT does not place stay unmapped (reclaimable at any time).
 */
#include <string.h>

#include <libfdt.h>

#include "rm_internal.h"

#define RM_FDT_MAX_DEPTH	32

/* GICv3: the distributor's frame, and RD_base + SGI_base per redistributor. */
#define RM_GICD_SIZE		0x10000ULL
#define RM_GICR_STRIDE		0x20000ULL

/* DT interrupt specifier of the GIC binding: <type number flags> */
#define RM_GIC_SPI		0
#define RM_IRQ_EDGE_RISING	1
#define RM_IRQ_LEVEL_HIGH	4

static u8 rm_dtb[RM_DTB_MAX] __attribute__((aligned(8)));

struct rm_placement {
	struct rm_parcel *p;
	u64 ipa;
};

struct rm_vmcfg {
	unsigned int nr_vcpus;
	unsigned int nr_placed;		/* [0] is the image parcel */
	struct rm_placement placed[RM_MAX_PARCELS];
	unsigned int nr_bells;
	struct {
		u32 label;
		u32 intid;
	} bell[VM_MAX_DOORBELLS];
	bool gic;			/* interrupts/config names the GIC */
	u64 gicd_base, gicr_base;
};

static struct rm_vmcfg rm_cfg;

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

/* A property holding exactly one NUL-terminated string. */
static const char *rm_fdt_string(const void *fdt, int node, const char *name)
{
	int len;
	const char *s = fdt_getprop(fdt, node, name, &len);

	if (!s || len <= 0 || s[len - 1] || strnlen(s, (size_t)len) != (size_t)len - 1)
		return NULL;
	return s;
}

/*
 * #address-cells / #size-cells of @node, @def when absent (libfdt's
 * fdt_address_cells() lives in fdt_addresses.c, which needs fdt_rw.c).
 */
static int rm_fdt_cells(const void *fdt, int node, const char *name, int def)
{
	int len;
	const fdt32_t *c = fdt_getprop(fdt, node, name, &len);

	if (!c)
		return def;
	return len == 4 ? (int)MIN(fdt32_ld(c), 16U) : -1;
}

/* A number of @cells (1 or 2) cells, the property being exactly that long. */
static bool rm_fdt_num(const void *fdt, int node, const char *name, int cells, u64 *v)
{
	int len;
	const fdt32_t *c = fdt_getprop(fdt, node, name, &len);

	if (!c || (cells != 1 && cells != 2) || len != cells * 4)
		return false;
	*v = cells == 2 ? (u64)fdt32_ld(c) << 32 | fdt32_ld(c + 1) : fdt32_ld(c);
	return true;
}

static bool rm_fdt_label(const void *fdt, int node, u32 *label)
{
	u64 v;

	if (!rm_fdt_num(fdt, node, "label", 1, &v) &&
	    !rm_fdt_num(fdt, node, "qcom,label", 1, &v))
		return false;
	*label = (u32)v;
	return true;
}

static bool rm_placed(const struct rm_parcel *p)
{
	for (unsigned int i = 0; i < rm_cfg.nr_placed; i++) {
		if (rm_cfg.placed[i].p == p)
			return true;
	}
	return false;
}

/* Record @p at @ipa: each parcel once, guest ranges disjoint. */
static u32 rm_place(struct rm_parcel *p, u64 ipa)
{
	if (!IS_ALIGNED(ipa, SZ_4K) || ipa + p->size < ipa || rm_placed(p))
		return RM_ERROR_ARGUMENT_INVALID;
	for (unsigned int i = 0; i < rm_cfg.nr_placed; i++) {
		const struct rm_placement *o = &rm_cfg.placed[i];

		if (ipa < o->ipa + o->p->size && o->ipa < ipa + p->size)
			return RM_ERROR_ARGUMENT_INVALID;
	}
	/* Cannot overflow: each parcel is placed at most once. */
	rm_cfg.placed[rm_cfg.nr_placed++] = (struct rm_placement){ p, ipa };
	return RM_ERROR_OK;
}

/* An unplaced, usable parcel of the VM with this label (or, if !by_label, size). */
static struct rm_parcel *rm_find_parcel(u16 vmid, bool by_label, u32 label, u64 size)
{
	for (unsigned int i = 0; i < RM_MAX_PARCELS; i++) {
		struct rm_parcel *p = rm_parcel_at(i);

		if (!rm_parcel_usable_by(p, vmid) || rm_placed(p))
			continue;
		if (by_label ? p->label == label : p->size == size)
			return p;
	}
	return NULL;
}

static u32 rm_parse_vcpus(const void *fdt, int cfg)
{
	const char *cpus_path = "/cpus", *affinity;
	int vcpus = fdt_subnode_offset(fdt, cfg, "vcpus"), cpus, node;
	unsigned int n = 0;

	if (vcpus >= 0) {
		affinity = rm_fdt_string(fdt, vcpus, "affinity");
		if (fdt_getprop(fdt, vcpus, "affinity", NULL) &&
		    (!affinity || strcmp(affinity, "proxy")))
			return RM_ERROR_ARGUMENT_INVALID;
		if (fdt_getprop(fdt, vcpus, "config", NULL)) {
			cpus_path = rm_fdt_string(fdt, vcpus, "config");
			if (!cpus_path)
				return RM_ERROR_ARGUMENT_INVALID;
		}
	}
	cpus = fdt_path_offset(fdt, cpus_path);
	if (cpus < 0)
		return RM_ERROR_ARGUMENT_INVALID;
	fdt_for_each_subnode(node, fdt, cpus) {
		const char *type = rm_fdt_string(fdt, node, "device_type");

		if (type && !strcmp(type, "cpu") && ++n > VM_MAX_VCPUS)
			return RM_ERROR_ARGUMENT_INVALID;
	}
	if (!n)
		return RM_ERROR_ARGUMENT_INVALID;
	rm_cfg.nr_vcpus = n;
	return RM_ERROR_OK;
}

/* vdevices { * { vdevice-type = "shm"; memory { label; base; }; }; } */
static u32 rm_parse_shm(const void *fdt, int cfg, u16 vmid)
{
	int vdevs = fdt_subnode_offset(fdt, cfg, "vdevices"), node;

	if (vdevs < 0)
		return RM_ERROR_OK;
	fdt_for_each_subnode(node, fdt, vdevs) {
		const char *type = rm_fdt_string(fdt, node, "vdevice-type");
		int mem;
		struct rm_parcel *p;
		u32 label, err;
		u64 base;

		if (!type || strcmp(type, "shm"))
			continue;
		mem = fdt_subnode_offset(fdt, node, "memory");
		if (mem < 0 || !rm_fdt_label(fdt, mem, &label) ||
		    !rm_fdt_num(fdt, mem, "base", rm_fdt_cells(fdt, mem, "#address-cells", 2), &base))
			return RM_ERROR_ARGUMENT_INVALID;
		p = rm_find_parcel(vmid, true, label, 0);
		if (!p)
			return RM_ERROR_ARGUMENT_INVALID;
		err = rm_place(p, base);
		if (err)
			return err;
	}
	return RM_ERROR_OK;
}

/*
 * vdevices { * { vdevice-type = "doorbell"; label = <L>; peer-default;
 * interrupts = <0 SPI flags>; }; }: the host is the only peer the stub
 * knows; the interrupt is a GIC SPI of the guest, edge rising or level high
 * (how the guest configures it; the doorbell only drives its level), each
 * SPI and each label used once. generate, source-can-clear and the like
 * describe the guest's view and are not needed here.
 */
static u32 rm_parse_bells(const void *fdt, int cfg)
{
	int vdevs = fdt_subnode_offset(fdt, cfg, "vdevices"), node;

	if (vdevs < 0)
		return RM_ERROR_OK;
	fdt_for_each_subnode(node, fdt, vdevs) {
		const char *type = rm_fdt_string(fdt, node, "vdevice-type");
		const fdt32_t *irq;
		u32 label, spi, flags, intid;
		int len;

		if (!type || strcmp(type, "doorbell"))
			continue;
		irq = fdt_getprop(fdt, node, "interrupts", &len);
		if (!rm_fdt_label(fdt, node, &label) || !irq || len != 12 ||
		    !fdt_getprop(fdt, node, "peer-default", NULL) ||
		    rm_cfg.nr_bells == VM_MAX_DOORBELLS)
			return RM_ERROR_ARGUMENT_INVALID;
		spi = fdt32_ld(irq + 1);
		flags = fdt32_ld(irq + 2);
		if (fdt32_ld(irq) != RM_GIC_SPI ||
		    spi >= VM_DOORBELL_INTID_END - VM_DOORBELL_INTID_MIN ||
		    (flags != RM_IRQ_EDGE_RISING && flags != RM_IRQ_LEVEL_HIGH))
			return RM_ERROR_ARGUMENT_INVALID;
		intid = spi + VM_DOORBELL_INTID_MIN;
		for (unsigned int i = 0; i < rm_cfg.nr_bells; i++) {
			/* The host finds its doorbell by label. */
			if (rm_cfg.bell[i].label == label || rm_cfg.bell[i].intid == intid)
				return RM_ERROR_ARGUMENT_INVALID;
		}
		rm_cfg.bell[rm_cfg.nr_bells].label = label;
		rm_cfg.bell[rm_cfg.nr_bells].intid = intid;
		rm_cfg.nr_bells++;
	}
	return RM_ERROR_OK;
}

/* A reg entry of @ac address and @sc size cells (1 or 2 each). */
static const fdt32_t *rm_fdt_reg(const fdt32_t *reg, int ac, int sc, u64 *base, u64 *size)
{
	*base = ac == 2 ? (u64)fdt32_ld(reg) << 32 | fdt32_ld(reg + 1) : fdt32_ld(reg);
	reg += ac;
	*size = sc == 2 ? (u64)fdt32_ld(reg) << 32 | fdt32_ld(reg + 1) : fdt32_ld(reg);
	return reg + sc;
}

/*
 * interrupts { config = <&gic>; }: the guest's GICv3 node, compatible
 * "arm,gic-v3", reg = <GICD base size>, <GICR base size> (further entries,
 * GICC/GICH/GICV, are the guest's business) in its parent's cells. The
 * frames must be as large as what the vGIC emulates there: one GICD, one
 * redistributor per vCPU. Where they may be is the vGIC's call
 * (vm_vgic_config()). No config: the vGIC's defaults.
 */
static u32 rm_parse_gic(const void *fdt, int cfg)
{
	int irqs = fdt_subnode_offset(fdt, cfg, "interrupts"), gic, parent, ac, sc, len;
	const fdt32_t *ph, *reg;
	u64 gicd_size, gicr_size;

	if (irqs < 0)
		return RM_ERROR_OK;
	ph = fdt_getprop(fdt, irqs, "config", &len);
	if (!ph)
		return RM_ERROR_OK;
	if (len != 4)
		return RM_ERROR_ARGUMENT_INVALID;
	gic = fdt_node_offset_by_phandle(fdt, fdt32_ld(ph));
	if (gic < 0 || fdt_node_check_compatible(fdt, gic, "arm,gic-v3"))
		return RM_ERROR_ARGUMENT_INVALID;
	parent = fdt_parent_offset(fdt, gic);
	if (parent < 0)
		return RM_ERROR_ARGUMENT_INVALID;
	ac = rm_fdt_cells(fdt, parent, "#address-cells", 2);
	sc = rm_fdt_cells(fdt, parent, "#size-cells", 1);
	if ((ac != 1 && ac != 2) || (sc != 1 && sc != 2))
		return RM_ERROR_ARGUMENT_INVALID;
	reg = fdt_getprop(fdt, gic, "reg", &len);
	if (!reg || len < 2 * (ac + sc) * 4 || len % ((ac + sc) * 4))
		return RM_ERROR_ARGUMENT_INVALID;
	reg = rm_fdt_reg(reg, ac, sc, &rm_cfg.gicd_base, &gicd_size);
	rm_fdt_reg(reg, ac, sc, &rm_cfg.gicr_base, &gicr_size);
	/* rm_cfg.nr_vcpus <= VM_MAX_VCPUS: no overflow. */
	if (gicd_size < RM_GICD_SIZE || gicr_size < rm_cfg.nr_vcpus * RM_GICR_STRIDE)
		return RM_ERROR_ARGUMENT_INVALID;
	rm_cfg.gic = true;
	return RM_ERROR_OK;
}

/* /reserved-memory children outside the image parcel: see the top comment. */
static u32 rm_parse_reserved(const void *fdt, u16 vmid)
{
	int rmem = fdt_path_offset(fdt, "/reserved-memory"), ac, sc, node;
	const struct rm_placement *img = &rm_cfg.placed[0];

	if (rmem < 0)
		return RM_ERROR_OK;
	ac = rm_fdt_cells(fdt, rmem, "#address-cells", 2);
	sc = rm_fdt_cells(fdt, rmem, "#size-cells", 1);
	if ((ac != 1 && ac != 2) || (sc != 1 && sc != 2))
		return RM_ERROR_ARGUMENT_INVALID;
	fdt_for_each_subnode(node, fdt, rmem) {
		const fdt32_t *reg;
		struct rm_parcel *p;
		u64 base, size;
		u32 label = 0, err;
		bool labelled;
		int len;

		reg = fdt_getprop(fdt, node, "reg", &len);
		if (!reg || len != (ac + sc) * 4)
			continue;
		base = ac == 2 ? (u64)fdt32_ld(reg) << 32 | fdt32_ld(reg + 1) : fdt32_ld(reg);
		reg += ac;
		size = sc == 2 ? (u64)fdt32_ld(reg) << 32 | fdt32_ld(reg + 1) : fdt32_ld(reg);
		if (base >= img->ipa && base - img->ipa < img->p->size)
			continue;
		labelled = rm_fdt_label(fdt, node, &label);
		p = rm_find_parcel(vmid, labelled, label, size);
		if (!p)
			continue;
		if (p->size != size)
			return RM_ERROR_ARGUMENT_INVALID;
		err = rm_place(p, base);
		if (err)
			return err;
	}
	return RM_ERROR_OK;
}

/* Fill rm_cfg from the VM's DT, already copied to rm_dtb. */
static u32 rm_parse_dt(struct rm_vm *vm, struct rm_parcel *image)
{
	const void *fdt = rm_dtb;
	int cfg, mem;
	u64 base;
	u32 err;

	if (!rm_fdt_check(fdt, vm->dtb_size))
		return RM_ERROR_ARGUMENT_INVALID;
	cfg = fdt_path_offset(fdt, "/gunyah-vm-config");
	if (cfg < 0)
		cfg = fdt_path_offset(fdt, "/qcom,vm-config");
	if (cfg < 0)
		return RM_ERROR_ARGUMENT_INVALID;

	mem = fdt_subnode_offset(fdt, cfg, "memory");
	if (mem < 0 ||
	    !rm_fdt_num(fdt, mem, "base-address", rm_fdt_cells(fdt, mem, "#address-cells", 2), &base))
		return RM_ERROR_ARGUMENT_INVALID;
	err = rm_place(image, base);
	if (err)
		return err;

	err = rm_parse_vcpus(fdt, cfg);
	if (!err)
		err = rm_parse_gic(fdt, cfg);
	if (!err)
		err = rm_parse_shm(fdt, cfg, vm->vmid);
	if (!err)
		err = rm_parse_bells(fdt, cfg);
	if (!err)
		err = rm_parse_reserved(fdt, vm->vmid);
	return err;
}

static void rm_vm_unbuild(struct rm_vm *vm)
{
	for (unsigned int i = 0; i < rm_cfg.nr_placed; i++)
		rm_parcel_unmap(rm_cfg.placed[i].p);
	if (vm->created)
		vm_destroy(vm->vmid);
	vm->created = false;
	vm->nr_vcpus = 0;
	vm->nr_bells = 0;
}

static u32 rm_vm_build(struct rm_vm *vm)
{
	struct rm_parcel *image = rm_parcel_lookup(vm->image_handle);
	u32 err;
	int ret;

	memset(&rm_cfg, 0, sizeof(rm_cfg));
	/* The host may have reclaimed the image parcel since VM_CONFIG_IMAGE. */
	if (!rm_parcel_usable_by(image, vm->vmid))
		return RM_ERROR_HANDLE_INVALID;
	if (vm->dtb_size > RM_DTB_MAX)
		return RM_ERROR_ARGUMENT_INVALID;
	if (!rm_parcel_read(image, vm->dtb_offset, rm_dtb, (size_t)vm->dtb_size))
		return RM_ERROR_ARGUMENT_INVALID;
	err = rm_parse_dt(vm, image);
	if (err)
		return err;

	ret = vm_create(vm->vmid);
	if (ret)
		return rm_error_from_gh(ret);
	vm->created = true;
	for (unsigned int i = 0; i < rm_cfg.nr_placed; i++) {
		err = rm_parcel_map(rm_cfg.placed[i].p, rm_cfg.placed[i].ipa);
		if (err)
			goto undo;
	}
	for (unsigned int i = 0; i < rm_cfg.nr_vcpus; i++) {
		ret = vm_vcpu_create(vm->vmid, i, &vm->vcpu_capid[i], &vm->vcpu_virq[i]);
		if (ret) {
			err = rm_error_from_gh(ret);
			goto undo;
		}
		vm->nr_vcpus = i + 1;
	}
	/* After the vCPUs: the vGIC checks the redistributors of all of them. */
	if (rm_cfg.gic) {
		ret = vm_vgic_config(vm->vmid, rm_cfg.gicd_base, rm_cfg.gicr_base);
		if (ret) {
			err = rm_error_from_gh(ret);
			goto undo;
		}
	}
	for (unsigned int i = 0; i < rm_cfg.nr_bells; i++) {
		struct rm_bell *b = &vm->bell[i];

		ret = vm_doorbell_create(vm->vmid, rm_cfg.bell[i].intid, &b->capid);
		if (ret) {
			err = rm_error_from_gh(ret);
			goto undo;
		}
		b->label = rm_cfg.bell[i].label;
		vm->nr_bells = i + 1;
	}
	vm->ipa_base = rm_cfg.placed[0].ipa;
	return RM_ERROR_OK;

undo:
	rm_vm_unbuild(vm);
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

	if (!vm)
		return RM_ERROR_VMID_INVALID;
	if (vm->status != RM_VM_STATUS_LOAD || !vm->configured)
		return RM_ERROR_VM_STATE;

	rm_vm_set_status(vm, RM_VM_STATUS_INIT);
	err = rm_vm_build(vm);
	rm_vm_set_status(vm, err ? RM_VM_STATUS_INIT_FAILED : RM_VM_STATUS_READY);
	return err;
}
