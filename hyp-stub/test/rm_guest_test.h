/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Helpers for the RM's guest-VM tests (test_rm_mem.c, test_rm_vmlife.c):
 * message builders written from shared/gunyah-abi.md, a call that records
 * every message the host receives around the reply, and a VM DT builder.
 */
#ifndef HYP_TEST_RM_GUEST_TEST_H
#define HYP_TEST_RM_GUEST_TEST_H

#include <libfdt.h>

#include "rm_test.h"

static u16 g_seq;

/* Everything received by the last g_call(): notifications and the reply. */
struct g_event {
	u8 type;
	u32 id;
	size_t len;
	u8 data[512];
};

static struct g_event g_ev[16];
static unsigned int g_nev;
static int g_reply_at;		/* index of the reply in g_ev, -1 if none */

static inline void le16(u8 *p, u16 v) { p[0] = (u8)v; p[1] = (u8)(v >> 8); }
static inline void le32(u8 *p, u32 v) { le16(p, (u16)v); le16(p + 2, (u16)(v >> 16)); }
static inline void le64(u8 *p, u64 v) { le32(p, (u32)v); le32(p + 4, (u32)(v >> 32)); }

/*
 * Make a call, then drain RX; returns the reply's error word (0xDEADBEEF if
 * there was no reply) and copies the reply payload after it to @rep.
 */
static inline u32 g_call(u32 id, const void *req, size_t len, u8 *rep, size_t *rep_len)
{
	static struct host_msg m;
	u16 seq = g_seq++;
	u32 err = 0xDEADBEEF;

	g_nev = 0;
	g_reply_at = -1;
	HOST_CHECK(host_send_request(id, seq, req, len) == GH_ERROR_OK, "request sent", 0, 0);
	while (host_recv_msg(&m) == 0) {
		struct g_event *e = &g_ev[g_nev < 16 ? g_nev : 15];

		e->type = m.type;
		e->id = m.id;
		e->len = m.len;
		memcpy(e->data, m.data, MIN(m.len, sizeof(e->data)));
		if (m.type == RM_RPC_TYPE_REPLY) {
			HOST_CHECK(g_reply_at < 0, "one reply", g_reply_at, -1);
			HOST_CHECK(m.id == id && m.seq == seq, "reply id/seq", m.id, id);
			g_reply_at = (int)g_nev;
			if (m.len >= 4) {
				err = rm_get_le32(m.data);
				if (rep) {
					*rep_len = m.len - 4;
					memcpy(rep, m.data + 4, m.len - 4);
				}
			}
		}
		g_nev++;
	}
	return err;
}

/* g_call() without a reply payload. */
static inline u32 g_call0(u32 id, const void *req, size_t len)
{
	return g_call(id, req, len, NULL, NULL);
}

static inline u32 g_vmid_call(u32 id, u16 vmid)
{
	u8 req[4] = { 0 };

	le16(req, vmid);
	return g_call0(id, req, 4);
}

static inline u32 g_hyp_resources(u16 vmid, u8 *rep, size_t *rep_len)
{
	u8 req[4] = { 0 };

	le16(req, vmid);
	return g_call(RM_MSG_VM_GET_HYP_RESOURCES, req, 4, rep, rep_len);
}

/* A request of zeros, for length checks. */
static const u8 g_zeros[64];

/* Received event @i is a VM_STATUS notification for @vmid with @status. */
static inline bool g_is_status(unsigned int i, u16 vmid, u8 status)
{
	const struct g_event *e = &g_ev[i];

	return i < g_nev && e->type == RM_RPC_TYPE_NOTIF && e->id == RM_NOTIF_VM_STATUS &&
	       e->len == 8 && rm_get_le16(e->data) == vmid && e->data[4] == status &&
	       e->data[5] == 0 && rm_get_le16(e->data + 6) == 0;
}

static inline u16 g_alloc_vm(void)
{
	u8 req[4] = { 0 }, rep[8];
	size_t rep_len = 0;

	if (g_call(RM_MSG_VM_ALLOC_VMID, req, 4, rep, &rep_len) != RM_ERROR_OK || rep_len != 4)
		return 0;
	return (u16)rm_get_le32(rep);
}

/* ---- MEM_LEND / MEM_SHARE bodies ---- */

struct g_acl {
	u16 vmid;
	u8 rights;
};

struct g_sgl {
	u64 base, size;
};

/* Body with @nacl ACL, @nsgl SGL and @nattr attribute entries (vmid @attr_vmid). */
static inline size_t g_mem_body(u8 *b, u8 mem_type, u8 flags, u32 label,
				const struct g_acl *acl, unsigned int nacl,
				const struct g_sgl *sgl, unsigned int nsgl,
				unsigned int nattr, u16 attr_vmid)
{
	size_t o = 0;

	memset(b, 0, 8);
	b[0] = mem_type;
	b[2] = flags;
	le32(b + 4, label);
	o = 8;
	le32(b + o, nacl);	/* Linux's u32 count: the RM's u16 n + u16 res */
	o += 4;
	for (unsigned int i = 0; i < nacl; i++, o += 4) {
		le16(b + o, acl[i].vmid);
		b[o + 2] = acl[i].rights;
		b[o + 3] = 0;
	}
	le16(b + o, (u16)nsgl);
	le16(b + o + 2, 0);
	o += 4;
	for (unsigned int i = 0; i < nsgl; i++, o += 16) {
		le64(b + o, sgl[i].base);
		le64(b + o + 8, sgl[i].size);
	}
	le16(b + o, (u16)nattr);
	le16(b + o + 2, 0);
	o += 4;
	for (unsigned int i = 0; i < nattr; i++, o += 4) {
		le16(b + o, 1);
		le16(b + o + 2, attr_vmid);
	}
	return o;
}

static u8 g_body[RM_RPC_MAX_PAYLOAD];

/* Share (with the host RW) or lend pages to @vmid; *handle on success. */
static inline u32 g_donate(bool lend, u16 vmid, u8 rights, u8 flags, u32 label,
			   const struct g_sgl *sgl, unsigned int nsgl, u32 *handle)
{
	struct g_acl acl[2] = { { vmid, rights }, { RM_VMID_HOST, 6 } };
	u8 rep[8];
	size_t rep_len = 0, len;
	u32 err;

	len = g_mem_body(g_body, 0, flags, label, acl, lend ? 1 : 2, sgl, nsgl, 0, 0);
	err = g_call(lend ? RM_MSG_MEM_LEND : RM_MSG_MEM_SHARE, g_body, len, rep, &rep_len);
	*handle = err == RM_ERROR_OK && rep_len == 4 ? rm_get_le32(rep) : 0;
	HOST_CHECK(err != RM_ERROR_OK || rep_len == 4, "handle reply", rep_len, 4);
	return err;
}

/* Pages [first, first + n) of the arena as one SGL entry. */
static inline struct g_sgl g_pages(unsigned int first, unsigned int n)
{
	return (struct g_sgl){ mock_pa(first), (u64)n * MOCK_PAGE };
}

static inline u32 g_reclaim(u32 handle, u8 flags)
{
	u8 req[8] = { 0 };

	le32(req, handle);
	req[4] = flags;
	return g_call0(RM_MSG_MEM_RECLAIM, req, 8);
}

static inline u32 g_append(u32 handle, u8 flags, const struct g_sgl *sgl, unsigned int n)
{
	size_t o = 12;

	memset(g_body, 0, 12);
	le32(g_body, handle);
	g_body[4] = flags;
	le16(g_body + 8, (u16)n);
	for (unsigned int i = 0; i < n; i++, o += 16) {
		le64(g_body + o, sgl[i].base);
		le64(g_body + o + 8, sgl[i].size);
	}
	return g_call0(RM_MSG_MEM_APPEND, g_body, o);
}

static inline u32 g_config_image(u16 vmid, u16 auth, u32 handle, u64 img_off, u64 img_size,
				 u64 dtb_off, u64 dtb_size)
{
	u8 req[40] = { 0 };

	le16(req, vmid);
	le16(req + 2, auth);
	le32(req + 4, handle);
	le64(req + 8, img_off);
	le64(req + 16, img_size);
	le64(req + 24, dtb_off);
	le64(req + 32, dtb_size);
	return g_call0(RM_MSG_VM_CONFIG_IMAGE, req, 40);
}

static inline u32 g_boot_ctx(u32 id, u16 vmid, u8 set, u8 index, u64 value)
{
	u8 req[16] = { 0 };

	le16(req, vmid);
	req[2] = set;
	req[3] = index;
	le64(req + 8, value);
	return g_call0(id, req, 16);
}

/* ---- the VM's DT ---- */

struct g_dt {
	const char *cfg_name;		/* "gunyah-vm-config" unless set */
	bool no_cfg;
	bool no_base;
	u64 base;
	int ncpus;
	const char *affinity;		/* NULL: "proxy" */
	bool shm;			/* a shm vdevice for label shm_label at shm_base */
	u32 shm_label;
	u64 shm_base;
	bool shm_qemu;			/* as QEMU: qcom,label, push-compatible "dma" */
	bool rmem;			/* a /reserved-memory node at rmem_base */
	u64 rmem_base, rmem_size;
	bool rmem_labelled;		/* ... with qcom,label = rmem_label */
	u32 rmem_label;
	bool rmem_reusable;
	bool rmem_dynamic;		/* a second node with size and no reg */
	unsigned int nbells;		/* doorbell vdevices bell[0..nbells) */
	struct g_bell {
		u32 label, type, spi, flags;	/* interrupts = <type spi flags> */
		bool no_label, no_peer, no_irq;
		int irq_cells;		/* 0: 3 */
	} bell[12];
	/*
	 * Then QEMU's: bell-0 .. bell-<n-1 in hex>, label = SPI = i, from
	 * SPI qemu_bells_first on, trigger qemu_bells_flags (0: level).
	 */
	unsigned int qemu_bells;
	u32 qemu_bells_first, qemu_bells_flags;
	bool gic;			/* a GICv3 node, named by interrupts/config */
	u64 gicd, gicd_size, gicr, gicr_size;
	const char *gic_compat;		/* NULL: "arm,gic-v3" */
	u32 gic_phandle;		/* in config; 0: the node's (1) */
	bool gic_no_config;		/* interrupts { } without config */
	bool gic_path;			/* config = "/soc/intc", not a phandle */
	bool root_intc;			/* / { interrupt-parent = <the GIC>; } */
	int gic_nreg;			/* reg entries; 0: 2 */
	int gic_cells;			/* cells of each address and size; 0: 2 */
};

/* A doorbell vdevice as the VMM writes it: label, SPI, edge (1) or level (4). */
static inline struct g_bell g_bell_ok(u32 label, u32 spi, u32 flags)
{
	return (struct g_bell){ .label = label, .spi = spi, .flags = flags };
}

static inline void g_cells2(u32 *c, u64 v)
{
	c[0] = cpu_to_fdt32((u32)(v >> 32));
	c[1] = cpu_to_fdt32((u32)v);
}

/* Write the DT into @buf (@size bytes); returns its total size. */
static inline void g_cells(u32 *c, int n, u64 v)
{
	if (n == 2)
		g_cells2(c, v);
	else
		c[0] = cpu_to_fdt32((u32)v);
}

static inline void g_build_gic(void *buf, const struct g_dt *d)
{
	int n = d->gic_cells ? d->gic_cells : 2, nreg = d->gic_nreg ? d->gic_nreg : 2;
	u32 reg[4 * 4] = { 0 };

	/* The GIC sits in the root (2/2 cells) unless the test changes them. */
	fdt_begin_node(buf, "soc");
	fdt_property_u32(buf, "#address-cells", (u32)n);
	fdt_property_u32(buf, "#size-cells", (u32)n);
	fdt_begin_node(buf, "intc");
	fdt_property_string(buf, "compatible", d->gic_compat ? d->gic_compat : "arm,gic-v3");
	fdt_property_u32(buf, "#interrupt-cells", 3);
	fdt_property(buf, "interrupt-controller", "", 0);
	g_cells(reg, n, d->gicd);
	g_cells(reg + n, n, d->gicd_size);
	g_cells(reg + 2 * n, n, d->gicr);
	g_cells(reg + 3 * n, n, d->gicr_size);
	fdt_property(buf, "reg", reg, nreg * 2 * n * 4);
	fdt_property_u32(buf, "phandle", 1);
	fdt_end_node(buf);
	fdt_end_node(buf);
}

static inline void g_build_bell(void *buf, const struct g_bell *b, unsigned int i)
{
	u32 irq[4] = { cpu_to_fdt32(b->type), cpu_to_fdt32(b->spi), cpu_to_fdt32(b->flags), 0 };
	char name[24];

	snprintf(name, sizeof(name), "bell-%u", i);
	fdt_begin_node(buf, name);
	fdt_property_string(buf, "vdevice-type", "doorbell");
	fdt_property_string(buf, "generate", "/hypervisor/bell");
	if (!b->no_label)
		fdt_property_u32(buf, "label", b->label);
	if (!b->no_peer)
		fdt_property(buf, "peer-default", "", 0);
	fdt_property(buf, "source-can-clear", "", 0);
	if (!b->no_irq)
		fdt_property(buf, "interrupts", irq, (b->irq_cells ? b->irq_cells : 3) * 4);
	fdt_end_node(buf);
}

/* A doorbell as QEMU's accelerator writes it: bell-<hex>, label = SPI. */
static inline void g_build_qemu_bell(void *buf, u32 spi, u32 flags)
{
	u32 irq[3] = { cpu_to_fdt32(0), cpu_to_fdt32(spi), cpu_to_fdt32(flags) };
	char name[24];

	snprintf(name, sizeof(name), "bell-%x", spi);
	fdt_begin_node(buf, name);
	fdt_property_string(buf, "vdevice-type", "doorbell");
	snprintf(name, sizeof(name), "/hypervisor/bell-%x", spi);
	fdt_property_string(buf, "generate", name);
	fdt_property_u32(buf, "label", spi);
	fdt_property(buf, "peer-default", "", 0);
	fdt_property(buf, "interrupts", irq, sizeof(irq));
	fdt_end_node(buf);
}

static inline size_t g_build_dt(void *buf, size_t size, const struct g_dt *d)
{
	u32 c[4];
	char name[16];

	fdt_create(buf, (int)size);
	fdt_finish_reservemap(buf);
	fdt_begin_node(buf, "");
	fdt_property_u32(buf, "#address-cells", 2);
	fdt_property_u32(buf, "#size-cells", 2);
	if (d->root_intc)
		fdt_property_u32(buf, "interrupt-parent", 1);
	fdt_begin_node(buf, "cpus");
	fdt_property_u32(buf, "#address-cells", 1);
	fdt_property_u32(buf, "#size-cells", 0);
	for (int i = 0; i < d->ncpus; i++) {
		snprintf(name, sizeof(name), "cpu@%d", i);
		fdt_begin_node(buf, name);
		fdt_property_string(buf, "device_type", "cpu");
		fdt_property_u32(buf, "reg", (u32)i);
		fdt_end_node(buf);
	}
	fdt_end_node(buf);
	if (d->rmem) {
		fdt_begin_node(buf, "reserved-memory");
		fdt_property_u32(buf, "#address-cells", 2);
		fdt_property_u32(buf, "#size-cells", 2);
		fdt_property(buf, "ranges", "", 0);
		fdt_begin_node(buf, "region");
		g_cells2(c, d->rmem_base);
		g_cells2(c + 2, d->rmem_size);
		fdt_property(buf, "reg", c, 16);
		if (d->rmem_labelled)
			fdt_property_u32(buf, "qcom,label", d->rmem_label);
		if (d->rmem_reusable)
			fdt_property(buf, "reusable", "", 0);
		fdt_end_node(buf);
		if (d->rmem_dynamic) {
			fdt_begin_node(buf, "linux,cma");
			fdt_property_string(buf, "compatible", "shared-dma-pool");
			g_cells2(c, 0x100000);
			fdt_property(buf, "size", c, 8);
			fdt_end_node(buf);
		}
		fdt_end_node(buf);
	}
	if (d->gic)
		g_build_gic(buf, d);
	if (!d->no_cfg) {
		fdt_begin_node(buf, d->cfg_name ? d->cfg_name : "gunyah-vm-config");
		fdt_property_string(buf, "image-name", "test-vm");
		fdt_property_string(buf, "os-type", "linux");
		fdt_begin_node(buf, "memory");
		fdt_property_u32(buf, "#address-cells", 2);
		fdt_property_u32(buf, "#size-cells", 2);
		if (!d->no_base) {
			g_cells2(c, d->base);
			fdt_property(buf, "base-address", c, 8);
		}
		fdt_end_node(buf);
		fdt_begin_node(buf, "vcpus");
		fdt_property_string(buf, "affinity", d->affinity ? d->affinity : "proxy");
		fdt_end_node(buf);
		if (d->gic) {
			fdt_begin_node(buf, "interrupts");
			if (d->gic_path)
				fdt_property_string(buf, "config", "/soc/intc");
			else if (!d->gic_no_config)
				fdt_property_u32(buf, "config",
						 d->gic_phandle ? d->gic_phandle : 1);
			fdt_end_node(buf);
		}
		fdt_begin_node(buf, "vdevices");
		fdt_property_string(buf, "generate", "/hypervisor");
		/* Other vdevice types are ignored. */
		fdt_begin_node(buf, "msgq-1");
		fdt_property_string(buf, "vdevice-type", "message-queue");
		fdt_property_u32(buf, "label", 1);
		fdt_end_node(buf);
		for (unsigned int i = 0; i < d->nbells; i++)
			g_build_bell(buf, &d->bell[i], i);
		for (unsigned int i = 0; i < d->qemu_bells; i++)
			g_build_qemu_bell(buf, d->qemu_bells_first + i,
					  d->qemu_bells_flags ? d->qemu_bells_flags : 4);
		if (d->shm) {
			fdt_begin_node(buf, "shm-1");
			fdt_property_string(buf, "vdevice-type", "shm");
			fdt_property_string(buf, "generate", "/hypervisor");
			fdt_property(buf, "peer-default", "", 0);
			if (d->shm_qemu)
				fdt_property_string(buf, "push-compatible", "dma");
			fdt_begin_node(buf, "memory");
			fdt_property_u32(buf, d->shm_qemu ? "qcom,label" : "label", d->shm_label);
			fdt_property_u32(buf, "#address-cells", 2);
			g_cells2(c, d->shm_base);
			fdt_property(buf, "base", c, 8);
			fdt_end_node(buf);
			fdt_end_node(buf);
		}
		fdt_end_node(buf);
		fdt_end_node(buf);
	}
	fdt_end_node(buf);
	HOST_CHECK(fdt_finish(buf) == 0, "test DT fits its buffer", 0, 0);
	return fdt_totalsize(buf);
}

#endif
