// SPDX-License-Identifier: GPL-2.0-only
/*
 * Hostile-host KUnit suite: attacks the live Gunyah hypervisor (and its
 * Resource Manager) from the host kernel, through the raw hypercalls, raw
 * RM-RPC packets on the RM's message queue and the Resource Manager calls.
 *
 * The attacks: invalid, wrong-kind and revoked capability IDs and reserved
 * arguments; message-queue buffers at unmapped, hypervisor-private, device,
 * read-only and lent memory or straddling into it, oversize and empty
 * messages; malformed RM-RPC framing (headers, types, fragment counts,
 * orphan and stray continuations, floods, random packets) and bodies
 * (truncated, overlong, counts overflowing the message); lending memory
 * the host does not own or has given away, the same page twice,
 * overlapping parcels, bad appends and reclaims (twice, bogus handles,
 * while mapped or running); malformed VM DTs for the RM to parse; running
 * out of VMIDs and parcels; and a VM whose vCPU spins on another CPU.
 *
 * Every attack must be refused with an error (or, for packets the RM cannot
 * answer, be dropped without effect): never succeed, crash or hang. After
 * the attacks the hypervisor must still lend and reclaim memory (zeroed) and
 * answer Resource Manager calls. The attacks and refusals are counted and
 * reported by the last case ("# hostile: N attacks, M refused"). The
 * addresses of the hypervisor's memory and devices are QEMU virt's, as
 * hyp-stub lays them out.
 *
 * Raw RM-RPC packets are sent with the RM connection's send lock held (so
 * they never interleave with a message of the driver) and with the RM's RX
 * interrupt disabled, so that the replies to them are read here; any other
 * packet read meanwhile is handed to the driver's RPC core, in order.
 */

#include <kunit/test.h>
#include <linux/arm-smccc.h>
#include <linux/delay.h>
#include <linux/gunyah.h>
#include <linux/gunyah_rsc_mgr.h>
#include <linux/interrupt.h>
#include <linux/io.h>
#include <linux/kthread.h>
#include <linux/libfdt.h>
#include <linux/memblock.h>
#include <linux/miscdevice.h>
#include <linux/mm.h>
#include <linux/of.h>
#include <linux/of_irq.h>
#include <linux/of_platform.h>
#include <linux/platform_device.h>
#include <linux/prandom.h>
#include <linux/sizes.h>
#include <linux/slab.h>
#include <linux/unaligned.h>
#include <linux/vmalloc.h>

#include "rsc_mgr.h"
#include "rsc_mgr_rpc.h"

/* Hypercall function IDs: <linux/gunyah.h> */

/* Resource Manager message IDs: rsc_mgr_rpc.h, and one that names nothing */
#define HOSTILE_RM_UNKNOWN		0x560000ff

#define HOSTILE_VMID_HOST		3
/* More VMs and parcels than the RM keeps at once (16 and 64 on the stub) */
#define HOSTILE_MAX_VMIDS		64
#define HOSTILE_MAX_PARCELS		96
/* Sequence numbers of raw packets: far from the driver's (cyclic from 0) */
#define HOSTILE_SEQ_FIRST		0xf000
/* Tries (1 ms apart) to read the reply to a raw packet */
#define HOSTILE_REPLY_TRIES		5

/* Stub-private memory on QEMU virt (hyp-stub/include/layout.h) */
#define HOSTILE_STUB_BASE		0x40000000ULL
#define HOSTILE_STUB_SIZE		0x01000000ULL
#define HOSTILE_UART_BASE		0x09000000ULL
#define HOSTILE_GICD_BASE		0x08000000ULL

/*
 * MEM_LEND body offsets: header, ACL {u16 n; u16 res} + one 4-byte entry,
 * SGL {u16 n; u16 res} + one 16-byte entry, attributes {u16 n; u16 res}.
 */
#define HOSTILE_LEND_ACL		8
#define HOSTILE_LEND_SGL		(HOSTILE_LEND_ACL + 4 + 4)
#define HOSTILE_LEND_ATTR		(HOSTILE_LEND_SGL + 4 + 16)
#define HOSTILE_LEND_LEN		(HOSTILE_LEND_ATTR + 4)

/* Guest IPA of the test VM's image parcel, and its doorbell's guest SPI */
#define HOSTILE_VM_IPA			0x80000000ULL
#define HOSTILE_VM_BELL_SPI		10
/* How long a VM_RESET may take to complete (the stub's are short) */
#define HOSTILE_RESET_TIMEOUT		(15 * HZ)
/*
 * Its image: at the start (where it boots with x0 = its DT's IPA) a loop
 * writing 0xa5a5 over the DT, which the RM has read by then:
 *	movz x1, #0xa5a5; 1: str x1, [x0]; b 1b
 * and the DT in the upper half of the page.
 */
static const u32 hostile_vm_code[] = { 0xd294b4a1, 0xf9000001, 0x17ffffff };
#define HOSTILE_VM_DT_OFFSET		(PAGE_SIZE / 2)

/**
 * struct hostile_ctx - What the suite attacks with
 * @rm: The live RM connection (a reference is held).
 * @tx_capid: Capability ID of the host's queue to the RM.
 * @rx_capid: Capability ID of the host's queue from the RM.
 * @rx_irq: Linux IRQ of the RX queue (disabled while raw packets fly).
 * @seq: Next raw sequence number.
 * @pkt: Packet being sent.
 * @rx: Packet being received.
 * @attacks: Attacks tried, all cases.
 * @refused: Attacks refused, all cases.
 */
struct hostile_ctx {
	struct gunyah_rm *rm;
	u64 tx_capid;
	u64 rx_capid;
	int rx_irq;
	u16 seq;
	u8 pkt[GUNYAH_RM_PACKET_SIZE];
	u8 rx[GUNYAH_MSGQ_MAX_MSG_SIZE];
	unsigned int attacks;
	unsigned int refused;
};

static struct hostile_ctx *hostile;

/* ---------------------------------------------------------- accounting */

static void hostile_count(struct kunit *test, bool refused, const char *what)
{
	hostile->attacks++;
	if (refused)
		hostile->refused++;
	else
		KUNIT_FAIL(test, "attack not refused: %s", what);
}

/* A raw hypercall that must fail, with @want when @want is not OK. */
static void hostile_check_hvc(struct kunit *test, const char *what, long got,
			      long want)
{
	hostile_count(test, got != GUNYAH_ERROR_OK, what);
	if (want != GUNYAH_ERROR_OK && got != GUNYAH_ERROR_OK)
		KUNIT_EXPECT_EQ_MSG(test, got, want, "%s", what);
}

#define HOSTILE_HVC(test, want, call)					\
	hostile_check_hvc(test, #call, (long)(call), want)

/* An RM call (errno result) that must fail. */
#define HOSTILE_RM(test, call) do {					\
	int __ret = (call);						\
									\
	hostile_count(test, __ret < 0, #call);				\
} while (0)

/* ---------------------------------------------------------- hypercalls */

static struct arm_smccc_res hostile_call(u32 id, u64 a1, u64 a2, u64 a3,
					 u64 a4, u64 a5, u64 a6)
{
	struct arm_smccc_res res;

	arm_smccc_1_1_hvc(id, a1, a2, a3, a4, a5, a6, &res);
	return res;
}

static long hostile_hvc(u32 id, u64 a1, u64 a2, u64 a3, u64 a4, u64 a5)
{
	return (long)hostile_call(id, a1, a2, a3, a4, a5, 0).a0;
}

static long hostile_send(u64 capid, const void *buf, u64 size)
{
	return hostile_hvc(GUNYAH_HYPERCALL_MSGQ_SEND, capid, size, (uintptr_t)buf,
			   GUNYAH_HYPERCALL_MSGQ_TX_FLAGS_PUSH, 0);
}

static long hostile_recv(u64 capid, void *buf, u64 size)
{
	return hostile_hvc(GUNYAH_HYPERCALL_MSGQ_RECV, capid, (uintptr_t)buf, size,
			   0, 0);
}

/* ------------------------------------------------------ raw RM packets */

/* Stop the driver's use of the RM queues: see the top of the file. */
static void hostile_rx_hold(void)
{
	mutex_lock(&hostile->rm->send_lock);
	disable_irq(hostile->rx_irq);
}

/*
 * A received packet that answers a raw packet of ours (a reply or its
 * continuation with a raw sequence number); anything else is the driver's.
 */
static bool hostile_is_raw(size_t len)
{
	u8 type = hostile->rx[1] & GUNYAH_RM_RPC_TYPE_MASK;

	return len >= GUNYAH_RM_RPC_HDR_SIZE &&
	       type != GUNYAH_RM_RPC_TYPE_NOTIF &&
	       get_unaligned_le16(hostile->rx + 2) >= HOSTILE_SEQ_FIRST;
}

/* Hand what is left to the driver and let it run again. */
static void hostile_rx_release(void)
{
	bool ready;
	size_t len;

	while (gunyah_hypercall_msgq_recv(hostile->rx_capid, hostile->rx,
					  sizeof(hostile->rx), &len,
					  &ready) == GUNYAH_ERROR_OK) {
		if (!hostile_is_raw(len))
			gunyah_rm_core_rx(hostile->rm, hostile->rx, len);
	}
	enable_irq(hostile->rx_irq);
	mutex_unlock(&hostile->rm->send_lock);
}

/* Header of a raw packet with the next raw sequence number. */
static u16 hostile_hdr(u8 api, u8 type, u8 fragments, u32 msg_id)
{
	u16 seq = hostile->seq++;

	if (hostile->seq < HOSTILE_SEQ_FIRST)
		hostile->seq = HOSTILE_SEQ_FIRST;
	memset(hostile->pkt, 0, sizeof(hostile->pkt));
	hostile->pkt[0] = api;
	hostile->pkt[1] = (fragments << 2) | type;
	put_unaligned_le16(seq, hostile->pkt + 2);
	put_unaligned_le32(msg_id, hostile->pkt + 4);
	return seq;
}

/* Same header, with the sequence number of @seq. */
static void hostile_hdr_seq(u8 api, u8 type, u8 fragments, u16 seq,
			    u32 msg_id)
{
	hostile_hdr(api, type, fragments, msg_id);
	put_unaligned_le16(seq, hostile->pkt + 2);
}

static long hostile_send_pkt(size_t size)
{
	return hostile_send(hostile->tx_capid, hostile->pkt, size);
}

/*
 * Read the reply to raw sequence number @seq: true if it came, with its RM
 * error in @rm_error (U32_MAX - 1 when too short to hold one). Other raw
 * replies are dropped, the driver's packets handed to it.
 */
static bool hostile_reply(u16 seq, u32 *rm_error)
{
	unsigned int tries = 0;
	size_t len;
	bool ready;

	while (tries < HOSTILE_REPLY_TRIES) {
		enum gunyah_error err;

		err = gunyah_hypercall_msgq_recv(hostile->rx_capid, hostile->rx,
						 sizeof(hostile->rx), &len,
						 &ready);
		if (err != GUNYAH_ERROR_OK) {
			tries++;
			usleep_range(1000, 2000);
			continue;
		}
		if (!hostile_is_raw(len)) {
			gunyah_rm_core_rx(hostile->rm, hostile->rx, len);
			continue;
		}
		if ((hostile->rx[1] & GUNYAH_RM_RPC_TYPE_MASK) !=
		    GUNYAH_RM_RPC_TYPE_REPLY ||
		    get_unaligned_le16(hostile->rx + 2) != seq)
			continue;
		*rm_error = len >= GUNYAH_RM_RPC_HDR_SIZE + 4 ?
			    get_unaligned_le32(hostile->rx + 8) : U32_MAX - 1;
		return true;
	}
	return false;
}

/*
 * A raw packet (already in hostile->pkt) that the RM must refuse: either no
 * reply at all, or a reply with an RM error.
 */
/*
 * Send @n full packets of the longest message (GUNYAH_RM_MAX_FRAGMENTS
 * continuations) @seq/@msg_id, whose request header is in the buffer; leave
 * the next continuation's header there, unsent.
 */
static void hostile_send_full_pkts(struct kunit *test, unsigned int n,
				   u16 seq, u32 msg_id)
{
	unsigned int i;

	for (i = 0; i < n; i++) {
		KUNIT_EXPECT_EQ(test, hostile_send_pkt(GUNYAH_RM_PACKET_SIZE),
				GUNYAH_ERROR_OK);
		hostile_hdr_seq(GUNYAH_RM_RPC_API,
				GUNYAH_RM_RPC_TYPE_CONTINUATION,
				GUNYAH_RM_MAX_FRAGMENTS, seq, msg_id);
	}
}

static void hostile_pkt_refused(struct kunit *test, const char *what,
				size_t size)
{
	u16 seq = get_unaligned_le16(hostile->pkt + 2);
	long err = hostile_send_pkt(size);
	u32 rm_error = GUNYAH_RM_ERROR_OK;
	bool replied = false;

	if (err == GUNYAH_ERROR_OK)
		replied = hostile_reply(seq, &rm_error);
	hostile_count(test, err != GUNYAH_ERROR_OK || !replied ||
		      rm_error != GUNYAH_RM_ERROR_OK, what);
}

/* A well-formed one-packet GET_VMID: the RM must answer it with OK. */
static void hostile_rpc_alive(struct kunit *test, const char *after)
{
	u32 rm_error = U32_MAX;
	u16 seq;

	seq = hostile_hdr(GUNYAH_RM_RPC_API, GUNYAH_RM_RPC_TYPE_REQUEST, 0,
			  GUNYAH_RM_RPC_VM_GET_VMID);
	KUNIT_ASSERT_EQ(test, hostile_send_pkt(GUNYAH_RM_RPC_HDR_SIZE),
			GUNYAH_ERROR_OK);
	KUNIT_EXPECT_TRUE_MSG(test, hostile_reply(seq, &rm_error),
			      "no reply to GET_VMID after %s", after);
	KUNIT_EXPECT_EQ_MSG(test, rm_error, GUNYAH_RM_ERROR_OK,
			    "GET_VMID after %s", after);
}

/* A GET_VMID call through the driver (not its cached VMID): must work. */
static void hostile_rm_alive(struct kunit *test)
{
	size_t size;
	void *resp;

	KUNIT_ASSERT_EQ(test, gunyah_rm_call(hostile->rm, GUNYAH_RM_RPC_VM_GET_VMID,
					     NULL, 0, &resp, &size), 0);
	KUNIT_EXPECT_EQ(test, size, 4);
	if (size >= 4)
		KUNIT_EXPECT_EQ(test, get_unaligned_le32(resp), HOSTILE_VMID_HOST);
	kfree(resp);
}

/* ------------------------------------------------------------ memory */

static int hostile_lend_entries(u16 vmid, struct gunyah_rm_mem_entry *entries,
				size_t n, bool share, u32 *handle)
{
	struct gunyah_rm_mem_acl_entry acl[2] = {
		{ .vmid = cpu_to_le16(vmid), .perms = GUNYAH_RM_ACL_R |
		  GUNYAH_RM_ACL_W | GUNYAH_RM_ACL_X },
		{ .vmid = cpu_to_le16(HOSTILE_VMID_HOST), .perms =
		  GUNYAH_RM_ACL_R | GUNYAH_RM_ACL_W },
	};
	struct gunyah_rm_mem_parcel parcel = {
		.mem_type = GUNYAH_RM_MEM_TYPE_NORMAL,
		.n_acl_entries = share ? 2 : 1,
		.acl_entries = acl,
		.n_mem_entries = n,
		.mem_entries = entries,
		.mem_handle = GUNYAH_MEM_HANDLE_INVAL,
	};
	int ret;

	ret = share ? gunyah_rm_mem_share(hostile->rm, &parcel) :
		      gunyah_rm_mem_lend(hostile->rm, &parcel);
	*handle = parcel.mem_handle;
	return ret;
}

static int hostile_reclaim(u32 handle, bool sanitize)
{
	struct gunyah_rm_mem_parcel parcel = { .mem_handle = handle };

	return gunyah_rm_mem_reclaim(hostile->rm, &parcel, sanitize);
}

static int hostile_lend(u16 vmid, u64 pa, u64 size, u32 *handle)
{
	struct gunyah_rm_mem_entry entry = {
		.phys_addr = cpu_to_le64(pa),
		.size = cpu_to_le64(size),
	};

	return hostile_lend_entries(vmid, &entry, 1, false, handle);
}

/*
 * A lend or share that must be refused; if it was not, the memory is
 * reclaimed at once (or the test fails loudly).
 */
static void hostile_bad_lend(struct kunit *test, const char *what, u16 vmid,
			     struct gunyah_rm_mem_entry *entries, size_t n,
			     bool share)
{
	u32 handle;
	int ret = hostile_lend_entries(vmid, entries, n, share, &handle);

	hostile_count(test, ret < 0, what);
	if (!ret)
		KUNIT_EXPECT_EQ_MSG(test, hostile_reclaim(handle, true), 0,
				    "reclaim of wrongly accepted %s", what);
}

static void hostile_bad_lend_one(struct kunit *test, const char *what,
				 u16 vmid, u64 pa, u64 size)
{
	struct gunyah_rm_mem_entry entry = {
		.phys_addr = cpu_to_le64(pa),
		.size = cpu_to_le64(size),
	};

	hostile_bad_lend(test, what, vmid, &entry, 1, false);
}

/* --------------------------------------------------------- a test VM */

/**
 * struct hostile_vm - A minimal VM: one vCPU, one doorbell, one lent page
 * @vmid: VMID, 0 when none.
 * @image: The page holding the VM's DT, lent to it.
 * @image_handle: Its parcel's handle, GUNYAH_MEM_HANDLE_INVAL when not lent.
 * @inited: VM_INIT succeeded (the image parcel is mapped).
 * @started: VM_START succeeded.
 * @vcpu_capid: Capability ID of the vCPU.
 * @bell_capid: Capability ID of the doorbell.
 */
struct hostile_vm {
	u16 vmid;
	struct page *image;
	u32 image_handle;
	bool inited;
	bool started;
	u64 vcpu_capid;
	u64 bell_capid;
};

/**
 * struct hostile_dt - What the VM's DT says
 * @no_config: Leave out /gunyah-vm-config.
 * @base: memory/base-address: the image parcel's IPA.
 * @base_cells: Cells of base-address (#address-cells is 2).
 * @cpus: cpu nodes under /cpus.
 * @affinity: vcpus/affinity, or NULL for no vcpus node.
 * @bells: Doorbells, labels 0, 1, ...
 * @dup_spi: Put every doorbell on @spi.
 * @spi: The first doorbell's guest SPI (the others follow).
 * @flags: The doorbells' interrupt flags.
 * @gic_phandle: interrupts/config of /gunyah-vm-config, 0 for none.
 * @depth: Nodes nested under /gunyah-vm-config/nest.
 */
struct hostile_dt {
	bool no_config;
	u64 base;
	unsigned int base_cells;
	unsigned int cpus;
	const char *affinity;
	unsigned int bells;
	bool dup_spi;
	u32 spi;
	u32 flags;
	u32 gic_phandle;
	unsigned int depth;
};

/* The VM of most cases: one vCPU, one doorbell, its image at 2 GiB. */
static const struct hostile_dt hostile_dt_ok = {
	.base = HOSTILE_VM_IPA,
	.base_cells = 2,
	.cpus = 1,
	.bells = 1,
	.spi = HOSTILE_VM_BELL_SPI,
	.flags = 1,
};

static int hostile_build_dt(void *fdt, size_t size, const struct hostile_dt *dt)
{
	fdt32_t base[2] = { cpu_to_fdt32(upper_32_bits(dt->base)),
			    cpu_to_fdt32(lower_32_bits(dt->base)) };
	unsigned int i;
	char name[16];
	int ret;

	/* libfdt errors are negative: any failure leaves @ret negative. */
	ret = fdt_create(fdt, size);
	ret |= fdt_finish_reservemap(fdt);
	ret |= fdt_begin_node(fdt, "");
	ret |= fdt_property_u32(fdt, "#address-cells", 2);
	ret |= fdt_property_u32(fdt, "#size-cells", 2);
	if (!dt->no_config) {
		ret |= fdt_begin_node(fdt, "gunyah-vm-config");
		ret |= fdt_begin_node(fdt, "memory");
		ret |= fdt_property(fdt, "base-address",
				    &base[2 - dt->base_cells],
				    dt->base_cells * sizeof(fdt32_t));
		ret |= fdt_end_node(fdt);
		if (dt->affinity) {
			ret |= fdt_begin_node(fdt, "vcpus");
			ret |= fdt_property_string(fdt, "affinity",
						   dt->affinity);
			ret |= fdt_end_node(fdt);
		}
		if (dt->gic_phandle) {
			ret |= fdt_begin_node(fdt, "interrupts");
			ret |= fdt_property_u32(fdt, "config", dt->gic_phandle);
			ret |= fdt_end_node(fdt);
		}
		ret |= fdt_begin_node(fdt, "vdevices");
		for (i = 0; i < dt->bells; i++) {
			const fdt32_t irq[] = {
				cpu_to_fdt32(0),
				cpu_to_fdt32(dt->dup_spi ? dt->spi : dt->spi + i),
				cpu_to_fdt32(dt->flags),
			};

			snprintf(name, sizeof(name), "bell%u", i);
			ret |= fdt_begin_node(fdt, name);
			ret |= fdt_property_string(fdt, "vdevice-type",
						   "doorbell");
			ret |= fdt_property_u32(fdt, "label", i);
			ret |= fdt_property(fdt, "peer-default", NULL, 0);
			ret |= fdt_property(fdt, "interrupts", irq,
					    sizeof(irq));
			ret |= fdt_end_node(fdt);
		}
		ret |= fdt_end_node(fdt);
		ret |= fdt_begin_node(fdt, "nest");
		for (i = 0; i < dt->depth; i++)
			ret |= fdt_begin_node(fdt, "n");
		for (i = 0; i < dt->depth; i++)
			ret |= fdt_end_node(fdt);
		ret |= fdt_end_node(fdt);
		ret |= fdt_end_node(fdt);
	}
	ret |= fdt_begin_node(fdt, "cpus");
	ret |= fdt_property_u32(fdt, "#address-cells", 1);
	ret |= fdt_property_u32(fdt, "#size-cells", 0);
	for (i = 0; i < dt->cpus; i++) {
		snprintf(name, sizeof(name), "cpu@%u", i);
		ret |= fdt_begin_node(fdt, name);
		ret |= fdt_property_string(fdt, "device_type", "cpu");
		ret |= fdt_property_u32(fdt, "reg", i);
		ret |= fdt_end_node(fdt);
	}
	ret |= fdt_end_node(fdt);
	ret |= fdt_end_node(fdt);
	ret |= fdt_finish(fdt);
	return ret ? -EINVAL : 0;
}

/* VM_ALLOC_VMID, and with @init: lend the DT, configure, init, resources. */
static void hostile_vm_create(struct kunit *test, struct hostile_vm *vm,
			      bool init)
{
	struct gunyah_rm_hyp_resources *res;
	struct gunyah_rm *rm = hostile->rm;
	u32 i, n;
	int ret;

	memset(vm, 0, sizeof(*vm));
	vm->image_handle = GUNYAH_MEM_HANDLE_INVAL;
	ret = gunyah_rm_alloc_vmid(rm, 0);
	KUNIT_ASSERT_GT(test, ret, 0);
	vm->vmid = ret;
	if (!init)
		return;

	vm->image = alloc_page(GFP_KERNEL | __GFP_ZERO);
	KUNIT_ASSERT_NOT_NULL(test, vm->image);
	for (i = 0; i < ARRAY_SIZE(hostile_vm_code); i++)
		put_unaligned_le32(hostile_vm_code[i],
				   page_address(vm->image) + 4 * i);
	KUNIT_ASSERT_EQ(test, hostile_build_dt(page_address(vm->image) +
					       HOSTILE_VM_DT_OFFSET,
					       PAGE_SIZE - HOSTILE_VM_DT_OFFSET,
					       &hostile_dt_ok), 0);
	KUNIT_ASSERT_EQ(test, hostile_lend(vm->vmid, page_to_phys(vm->image),
					   PAGE_SIZE, &vm->image_handle), 0);
	KUNIT_ASSERT_EQ(test, gunyah_rm_vm_configure(rm, vm->vmid,
						     GUNYAH_RM_VM_AUTH_NONE,
						     vm->image_handle, 0,
						     PAGE_SIZE,
						     HOSTILE_VM_DT_OFFSET,
						     PAGE_SIZE -
						     HOSTILE_VM_DT_OFFSET),
			0);
	KUNIT_ASSERT_EQ(test, gunyah_rm_vm_init(rm, vm->vmid), 0);
	vm->inited = true;

	KUNIT_ASSERT_EQ(test, gunyah_rm_get_hyp_resources(rm, vm->vmid, &res),
			0);
	n = le32_to_cpu(res->n_entries);
	for (i = 0; i < n; i++) {
		u64 capid = le64_to_cpu(res->entries[i].cap_id);

		if (res->entries[i].type == GUNYAH_RESOURCE_TYPE_VCPU)
			vm->vcpu_capid = capid;
		else if (res->entries[i].type == GUNYAH_RESOURCE_TYPE_BELL_TX)
			vm->bell_capid = capid;
	}
	kfree(res);
	KUNIT_ASSERT_NE(test, vm->vcpu_capid, 0);
	KUNIT_ASSERT_NE(test, vm->bell_capid, 0);
}

/* Stop, reset, reclaim (checking the page came back zeroed) and dealloc. */
static void hostile_vm_destroy(struct kunit *test, struct hostile_vm *vm)
{
	struct gunyah_rm *rm = hostile->rm;
	unsigned long deadline;
	int ret;

	if (!vm->vmid)
		return;
	if (vm->started)
		KUNIT_EXPECT_EQ(test, gunyah_rm_vm_stop(rm, vm->vmid, true), 0);
	/* Refused (VM_STATE) only when the test reset it already. */
	gunyah_rm_vm_reset(rm, vm->vmid);
	/*
	 * The reset completes later (status RESET), as on the real RM: until
	 * then the parcel is refused (MEM_INUSE) and so is the VMID.
	 */
	deadline = jiffies + HOSTILE_RESET_TIMEOUT;
	if (vm->image_handle != GUNYAH_MEM_HANDLE_INVAL) {
		while ((ret = hostile_reclaim(vm->image_handle, true)) == -EBUSY &&
		       time_before(jiffies, deadline))
			usleep_range(5000, 10000);
		KUNIT_EXPECT_EQ(test, ret, 0);
		if (ret) {
			/* Not ours any more: never touch or free it. */
			vm->image = NULL;
		} else {
			KUNIT_EXPECT_TRUE(test,
					  memchr_inv(page_address(vm->image), 0,
						     PAGE_SIZE) == NULL);
		}
	}
	if (vm->image)
		__free_page(vm->image);
	while ((ret = gunyah_rm_dealloc_vmid(rm, vm->vmid)) &&
	       time_before(jiffies, deadline))
		usleep_range(5000, 10000);
	KUNIT_EXPECT_EQ(test, ret, 0);
	vm->vmid = 0;
}

static void hostile_need_rm(struct kunit *test)
{
	if (!hostile)
		kunit_skip(test, "not running on Gunyah, or no Resource Manager");
}

/* ----------------------------------------------------------- the cases */

/* Invalid, wrong-kind and revoked capability IDs; unimplemented calls. */
static void hostile_capids(struct kunit *test)
{
	u64 tx, rx, v, d, bad[] = { 0x12345678, BIT_ULL(32), ~0ULL, 0x1000 };
	struct arm_smccc_res res;
	struct hostile_vm vm;
	u8 *buf;
	unsigned int i;

	hostile_need_rm(test);
	tx = hostile->tx_capid;
	rx = hostile->rx_capid;
	buf = kunit_kzalloc(test, GUNYAH_MSGQ_MAX_MSG_SIZE, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, buf);
	hostile_vm_create(test, &vm, true);
	v = vm.vcpu_capid;
	d = vm.bell_capid;

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		HOSTILE_HVC(test, GUNYAH_ERROR_CSPACE_CAP_NULL,
			    hostile_send(bad[i], buf, 16));
		HOSTILE_HVC(test, GUNYAH_ERROR_CSPACE_CAP_NULL,
			    hostile_recv(bad[i], buf, GUNYAH_MSGQ_MAX_MSG_SIZE));
		HOSTILE_HVC(test, GUNYAH_ERROR_CSPACE_CAP_NULL,
			    hostile_hvc(GUNYAH_HYPERCALL_MSGQ_FLUSH, bad[i], 0, 0, 0, 0));
		HOSTILE_HVC(test, GUNYAH_ERROR_CSPACE_CAP_NULL,
			    hostile_hvc(GUNYAH_HYPERCALL_DOORBELL_SEND, bad[i], 1, 0, 0, 0));
		HOSTILE_HVC(test, GUNYAH_ERROR_CSPACE_CAP_NULL,
			    hostile_hvc(GUNYAH_HYPERCALL_DOORBELL_MASK, bad[i], 1, 1, 0, 0));
		HOSTILE_HVC(test, GUNYAH_ERROR_CSPACE_CAP_NULL,
			    hostile_hvc(GUNYAH_HYPERCALL_VCPU_RUN, bad[i], 0, 0, 0, 0));
	}

	/* Capabilities of another kind, or without the right. */
	HOSTILE_HVC(test, GUNYAH_ERROR_CSPACE_INSUF_RIGHTS,
		    hostile_send(rx, buf, 16));
	HOSTILE_HVC(test, GUNYAH_ERROR_CSPACE_WRONG_OBJ_TYPE,
		    hostile_send(v, buf, 16));
	HOSTILE_HVC(test, GUNYAH_ERROR_CSPACE_WRONG_OBJ_TYPE,
		    hostile_send(d, buf, 16));
	HOSTILE_HVC(test, GUNYAH_ERROR_CSPACE_INSUF_RIGHTS,
		    hostile_recv(tx, buf, GUNYAH_MSGQ_MAX_MSG_SIZE));
	HOSTILE_HVC(test, GUNYAH_ERROR_CSPACE_WRONG_OBJ_TYPE,
		    hostile_recv(v, buf, GUNYAH_MSGQ_MAX_MSG_SIZE));
	HOSTILE_HVC(test, GUNYAH_ERROR_CSPACE_WRONG_OBJ_TYPE,
		    hostile_recv(d, buf, GUNYAH_MSGQ_MAX_MSG_SIZE));
	HOSTILE_HVC(test, GUNYAH_ERROR_CSPACE_INSUF_RIGHTS,
		    hostile_hvc(GUNYAH_HYPERCALL_MSGQ_FLUSH, tx, 0, 0, 0, 0));
	HOSTILE_HVC(test, GUNYAH_ERROR_CSPACE_WRONG_OBJ_TYPE,
		    hostile_hvc(GUNYAH_HYPERCALL_MSGQ_FLUSH, d, 0, 0, 0, 0));
	HOSTILE_HVC(test, GUNYAH_ERROR_CSPACE_WRONG_OBJ_TYPE,
		    hostile_hvc(GUNYAH_HYPERCALL_DOORBELL_SEND, tx, 1, 0, 0, 0));
	HOSTILE_HVC(test, GUNYAH_ERROR_CSPACE_WRONG_OBJ_TYPE,
		    hostile_hvc(GUNYAH_HYPERCALL_DOORBELL_SEND, v, 1, 0, 0, 0));
	HOSTILE_HVC(test, GUNYAH_ERROR_CSPACE_INSUF_RIGHTS,
		    hostile_hvc(GUNYAH_HYPERCALL_DOORBELL_RECEIVE, d, ~0ULL, 0, 0, 0));
	HOSTILE_HVC(test, GUNYAH_ERROR_CSPACE_WRONG_OBJ_TYPE,
		    hostile_hvc(GUNYAH_HYPERCALL_DOORBELL_RESET, rx, 0, 0, 0, 0));
	HOSTILE_HVC(test, GUNYAH_ERROR_CSPACE_WRONG_OBJ_TYPE,
		    hostile_hvc(GUNYAH_HYPERCALL_DOORBELL_MASK, v, 1, 1, 0, 0));
	HOSTILE_HVC(test, GUNYAH_ERROR_CSPACE_WRONG_OBJ_TYPE,
		    hostile_hvc(GUNYAH_HYPERCALL_VCPU_RUN, tx, 0, 0, 0, 0));
	HOSTILE_HVC(test, GUNYAH_ERROR_CSPACE_WRONG_OBJ_TYPE,
		    hostile_hvc(GUNYAH_HYPERCALL_VCPU_RUN, d, 0, 0, 0, 0));

	/* Reserved arguments that are not zero. */
	HOSTILE_HVC(test, GUNYAH_ERROR_ARG_INVAL,
		    hostile_hvc(GUNYAH_HYPERCALL_DOORBELL_SEND, d, 1, 1, 0, 0));
	HOSTILE_HVC(test, GUNYAH_ERROR_ARG_INVAL,
		    hostile_hvc(GUNYAH_HYPERCALL_DOORBELL_RESET, d, 1, 0, 0, 0));
	HOSTILE_HVC(test, GUNYAH_ERROR_ARG_INVAL,
		    hostile_hvc(GUNYAH_HYPERCALL_DOORBELL_MASK, d, 1, 1, 1, 0));
	HOSTILE_HVC(test, GUNYAH_ERROR_ARG_INVAL,
		    hostile_hvc(GUNYAH_HYPERCALL_MSGQ_FLUSH, rx, 1, 0, 0, 0));
	HOSTILE_HVC(test, GUNYAH_ERROR_ARG_INVAL,
		    hostile_hvc(GUNYAH_HYPERCALL_VCPU_RUN, v, 0, 0, 0, 1));

	/* Calls the stub does not offer the host. */
	HOSTILE_HVC(test, GUNYAH_ERROR_UNIMPLEMENTED,
		    hostile_hvc(GUNYAH_HYPERCALL_ADDRSPACE_MAP, v, d, 0, 0, 0));
	HOSTILE_HVC(test, GUNYAH_ERROR_UNIMPLEMENTED,
		    hostile_hvc(GUNYAH_HYPERCALL_ADDRSPACE_UNMAP, v, d, 0, 0, 0));
	HOSTILE_HVC(test, GUNYAH_ERROR_UNIMPLEMENTED,
		    hostile_hvc(GUNYAH_HYPERCALL_VCPU_POWEROFF, v, 1, 0, 0, 0));
	HOSTILE_HVC(test, GUNYAH_ERROR_UNIMPLEMENTED,
		    hostile_hvc(GUNYAH_HYPERCALL_MEMEXTENT_DONATE, 0, 0, 0, 0,
				PAGE_SIZE));
	HOSTILE_HVC(test, GUNYAH_ERROR_UNIMPLEMENTED,
		    hostile_hvc(GUNYAH_HYPERCALL(0x3fff), 0, 0, 0, 0, 0));

	/* Revoked: the VM's capabilities once it is reset, then freed. */
	hostile_vm_destroy(test, &vm);
	HOSTILE_HVC(test, GUNYAH_ERROR_CSPACE_CAP_NULL,
		    hostile_hvc(GUNYAH_HYPERCALL_VCPU_RUN, v, 0, 0, 0, 0));
	HOSTILE_HVC(test, GUNYAH_ERROR_CSPACE_CAP_NULL,
		    hostile_hvc(GUNYAH_HYPERCALL_DOORBELL_SEND, d, 1, 0, 0, 0));
	HOSTILE_HVC(test, GUNYAH_ERROR_CSPACE_CAP_NULL,
		    hostile_hvc(GUNYAH_HYPERCALL_DOORBELL_MASK, d, 1, 1, 0, 0));
	HOSTILE_HVC(test, GUNYAH_ERROR_CSPACE_CAP_NULL,
		    hostile_hvc(GUNYAH_HYPERCALL_DOORBELL_RESET, d, 0, 0, 0, 0));

	/*
	 * A started VM that was reset keeps its vCPU until it is freed, but
	 * the vCPU is off: vcpu_run must not run it.
	 */
	hostile_vm_create(test, &vm, true);
	KUNIT_ASSERT_EQ(test, gunyah_rm_vm_start(hostile->rm, vm.vmid), 0);
	KUNIT_ASSERT_EQ(test, gunyah_rm_vm_stop(hostile->rm, vm.vmid, true), 0);
	KUNIT_ASSERT_EQ(test, gunyah_rm_vm_reset(hostile->rm, vm.vmid), 0);
	res = hostile_call(GUNYAH_HYPERCALL_VCPU_RUN, vm.vcpu_capid, 0, 0, 0, 0, 0);
	hostile_count(test, res.a0 != GUNYAH_ERROR_OK ||
		      res.a1 == GUNYAH_VCPU_STATE_POWERED_OFF,
		      "vcpu_run after VM_RESET");
	hostile_vm_destroy(test, &vm);
}

/* Message-queue buffers the host does not own, and bad sizes. */
static void hostile_msgq_buffers(struct kunit *test)
{
	u64 unbacked = ALIGN(PFN_PHYS(max_pfn), SZ_1G) + SZ_1G;
	void __iomem *stub = NULL, *uart, *hole;
	u64 tx, rx, bad_va[] = {
		0, 0x1000, BIT_ULL(47), 0xdead000000000000ULL,
		~0ULL - 15,
	};
	struct page *pages, *scratch;
	struct hostile_vm vm;
	void *ro, *guard;
	u8 *lent, *buf;
	u32 handle, rm_error;
	unsigned int i;
	u16 seq;

	hostile_need_rm(test);
	tx = hostile->tx_capid;
	rx = hostile->rx_capid;
	buf = kunit_kzalloc(test, PAGE_SIZE, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, buf);
	/* Two pages: the second is lent, so buffers can straddle into it. */
	pages = alloc_pages(GFP_KERNEL | __GFP_ZERO, 1);
	KUNIT_ASSERT_NOT_NULL(test, pages);
	scratch = alloc_page(GFP_KERNEL | __GFP_ZERO);
	KUNIT_ASSERT_NOT_NULL(test, scratch);
	/* A host page mapped read-only at stage 1: no msgq_recv into it. */
	ro = vmap(&scratch, 1, VM_MAP, PAGE_KERNEL_RO);
	KUNIT_ASSERT_NOT_NULL(test, ro);
	/* The guard page after a vmalloc area: unmapped at stage 1. */
	guard = vmalloc(PAGE_SIZE);
	KUNIT_ASSERT_NOT_NULL(test, guard);
	if (!pfn_is_map_memory(PHYS_PFN(HOSTILE_STUB_BASE)))
		stub = ioremap(HOSTILE_STUB_BASE, PAGE_SIZE);
	uart = ioremap(HOSTILE_UART_BASE, PAGE_SIZE);
	hole = ioremap(unbacked, PAGE_SIZE);

	hostile_vm_create(test, &vm, true);
	lent = page_address(pages) + PAGE_SIZE;
	KUNIT_ASSERT_EQ(test, hostile_lend(vm.vmid, page_to_phys(pages) +
					   PAGE_SIZE, PAGE_SIZE, &handle), 0);

	hostile_rx_hold();

	/* Sends: nothing of the bad buffer may reach the RM. */
	for (i = 0; i < ARRAY_SIZE(bad_va); i++)
		HOSTILE_HVC(test, GUNYAH_ERROR_ADDR_INVAL,
			    hostile_send(tx, (void *)(uintptr_t)bad_va[i], 16));
	if (stub) {
		HOSTILE_HVC(test, GUNYAH_ERROR_ADDR_INVAL,
			    hostile_send(tx, (__force void *)stub, 16));
		HOSTILE_HVC(test, GUNYAH_ERROR_ADDR_INVAL,
			    hostile_send(tx, (__force void *)stub + PAGE_SIZE - 8,
					 16));
	} else {
		kunit_info(test, "stub memory is host RAM here: not attacked\n");
	}
	if (uart)
		HOSTILE_HVC(test, GUNYAH_ERROR_ADDR_INVAL,
			    hostile_send(tx, (__force void *)uart, 16));
	if (hole)
		HOSTILE_HVC(test, GUNYAH_ERROR_ADDR_INVAL,
			    hostile_send(tx, (__force void *)hole, 16));
	HOSTILE_HVC(test, GUNYAH_ERROR_ADDR_INVAL,
		    hostile_send(tx, guard + PAGE_SIZE, 16));
	HOSTILE_HVC(test, GUNYAH_ERROR_ADDR_INVAL, hostile_send(tx, lent, 16));
	HOSTILE_HVC(test, GUNYAH_ERROR_ADDR_INVAL,
		    hostile_send(tx, lent - 8, 16));
	HOSTILE_HVC(test, GUNYAH_ERROR_ADDR_INVAL,
		    hostile_send(tx, lent - 1, GUNYAH_MSGQ_MAX_MSG_SIZE));
	HOSTILE_HVC(test, GUNYAH_ERROR_ADDR_INVAL,
		    hostile_send(tx, page_address(vm.image), 16));
	/* Sizes: oversize, huge, and empty messages. */
	HOSTILE_HVC(test, GUNYAH_ERROR_ARG_SIZE,
		    hostile_send(tx, buf, GUNYAH_MSGQ_MAX_MSG_SIZE + 1));
	HOSTILE_HVC(test, GUNYAH_ERROR_ARG_SIZE, hostile_send(tx, buf, PAGE_SIZE));
	HOSTILE_HVC(test, GUNYAH_ERROR_ARG_SIZE, hostile_send(tx, buf, ~0ULL));
	HOSTILE_HVC(test, GUNYAH_ERROR_ARG_SIZE, hostile_send(tx, buf, 0));
	HOSTILE_HVC(test, GUNYAH_ERROR_ARG_SIZE, hostile_send(tx, NULL, 0));
	/* Unknown flags, reserved argument. */
	HOSTILE_HVC(test, GUNYAH_ERROR_ARG_INVAL,
		    hostile_hvc(GUNYAH_HYPERCALL_MSGQ_SEND, tx, 16, (uintptr_t)buf,
				BIT(1), 0));
	HOSTILE_HVC(test, GUNYAH_ERROR_ARG_INVAL,
		    hostile_hvc(GUNYAH_HYPERCALL_MSGQ_SEND, tx, 16, (uintptr_t)buf,
				0, 1));
	hostile_rpc_alive(test, "bad send buffers");

	/* Receives: a reply waits; no bad buffer may consume or get it. */
	seq = hostile_hdr(GUNYAH_RM_RPC_API, GUNYAH_RM_RPC_TYPE_REQUEST, 0,
			  GUNYAH_RM_RPC_VM_GET_VMID);
	KUNIT_ASSERT_EQ(test, hostile_send_pkt(GUNYAH_RM_RPC_HDR_SIZE),
			GUNYAH_ERROR_OK);
	for (i = 0; i < ARRAY_SIZE(bad_va); i++)
		HOSTILE_HVC(test, GUNYAH_ERROR_ADDR_INVAL,
			    hostile_recv(rx, (void *)(uintptr_t)bad_va[i],
					 GUNYAH_MSGQ_MAX_MSG_SIZE));
	if (stub)
		HOSTILE_HVC(test, GUNYAH_ERROR_ADDR_INVAL,
			    hostile_recv(rx, (__force void *)stub,
					 GUNYAH_MSGQ_MAX_MSG_SIZE));
	if (uart)
		HOSTILE_HVC(test, GUNYAH_ERROR_ADDR_INVAL,
			    hostile_recv(rx, (__force void *)uart,
					 GUNYAH_MSGQ_MAX_MSG_SIZE));
	if (hole)
		HOSTILE_HVC(test, GUNYAH_ERROR_ADDR_INVAL,
			    hostile_recv(rx, (__force void *)hole,
					 GUNYAH_MSGQ_MAX_MSG_SIZE));
	HOSTILE_HVC(test, GUNYAH_ERROR_ADDR_INVAL,
		    hostile_recv(rx, guard + PAGE_SIZE, GUNYAH_MSGQ_MAX_MSG_SIZE));
	HOSTILE_HVC(test, GUNYAH_ERROR_ADDR_INVAL,
		    hostile_recv(rx, ro, GUNYAH_MSGQ_MAX_MSG_SIZE));
	HOSTILE_HVC(test, GUNYAH_ERROR_ADDR_INVAL,
		    hostile_recv(rx, lent, GUNYAH_MSGQ_MAX_MSG_SIZE));
	HOSTILE_HVC(test, GUNYAH_ERROR_ADDR_INVAL,
		    hostile_recv(rx, lent - 8, GUNYAH_MSGQ_MAX_MSG_SIZE));
	HOSTILE_HVC(test, GUNYAH_ERROR_ADDR_INVAL,
		    hostile_recv(rx, page_address(vm.image),
				 GUNYAH_MSGQ_MAX_MSG_SIZE));
	HOSTILE_HVC(test, GUNYAH_ERROR_ARG_SIZE, hostile_recv(rx, buf, 4));
	HOSTILE_HVC(test, GUNYAH_ERROR_ARG_SIZE, hostile_recv(rx, buf, 0));
	HOSTILE_HVC(test, GUNYAH_ERROR_ARG_INVAL,
		    hostile_hvc(GUNYAH_HYPERCALL_MSGQ_RECV, rx, (uintptr_t)buf,
				GUNYAH_MSGQ_MAX_MSG_SIZE, 1, 0));
	KUNIT_EXPECT_TRUE_MSG(test, hostile_reply(seq, &rm_error),
			      "reply lost to a refused msgq_recv");
	KUNIT_EXPECT_EQ(test, rm_error, GUNYAH_RM_ERROR_OK);
	KUNIT_EXPECT_TRUE(test, !memchr_inv(ro, 0, PAGE_SIZE));

	hostile_rx_release();

	KUNIT_EXPECT_EQ(test, hostile_reclaim(handle, true), 0);
	KUNIT_EXPECT_TRUE(test, !memchr_inv(lent, 0, PAGE_SIZE));
	hostile_vm_destroy(test, &vm);
	if (hole)
		iounmap(hole);
	if (uart)
		iounmap(uart);
	if (stub)
		iounmap(stub);
	vfree(guard);
	vunmap(ro);
	__free_page(scratch);
	__free_pages(pages, 1);
}

/* Malformed RM-RPC framing, sent raw on the RM's queue. */
static void hostile_rpc_framing(struct kunit *test)
{
	static const u8 bad_api[] = { 0x22, 0x11, 0x20, 0x00, 0xff, 0x12 };
	const u8 api = GUNYAH_RM_RPC_API;
	struct rnd_state rnd;
	u32 rm_error;
	unsigned int i;
	u16 seq;

	hostile_need_rm(test);
	hostile_rx_hold();

	/* Bad header: API version and header size. */
	for (i = 0; i < ARRAY_SIZE(bad_api); i++) {
		hostile_hdr(bad_api[i], GUNYAH_RM_RPC_TYPE_REQUEST, 0,
			    GUNYAH_RM_RPC_VM_GET_VMID);
		hostile_pkt_refused(test, "bad RPC API byte",
				    GUNYAH_RM_RPC_HDR_SIZE);
	}
	/* Wrong message types: replies and notifications to the RM. */
	hostile_hdr(api, GUNYAH_RM_RPC_TYPE_REPLY, 0, GUNYAH_RM_RPC_VM_GET_VMID);
	hostile_pkt_refused(test, "reply sent to the RM", GUNYAH_RM_RPC_HDR_SIZE);
	hostile_hdr(api, GUNYAH_RM_RPC_TYPE_NOTIF, 0, GUNYAH_RM_RPC_VM_GET_VMID);
	hostile_pkt_refused(test, "notification sent to the RM",
			    GUNYAH_RM_RPC_HDR_SIZE + 4);
	/* A continuation without a start. */
	hostile_hdr(api, GUNYAH_RM_RPC_TYPE_CONTINUATION, 1,
		    GUNYAH_RM_RPC_VM_GET_VMID);
	hostile_pkt_refused(test, "orphan continuation", GUNYAH_RM_PACKET_SIZE);
	/* More fragments than a message may have. */
	hostile_hdr(api, GUNYAH_RM_RPC_TYPE_REQUEST, 63, GUNYAH_RM_RPC_VM_GET_VMID);
	hostile_pkt_refused(test, "63 fragments", GUNYAH_RM_PACKET_SIZE);
	/* Packets too short to hold a header. */
	for (i = 1; i < GUNYAH_RM_RPC_HDR_SIZE; i += 3) {
		hostile_hdr(api, GUNYAH_RM_RPC_TYPE_REQUEST, 0,
			    GUNYAH_RM_RPC_VM_GET_VMID);
		hostile_pkt_refused(test, "truncated header", i);
	}
	hostile_rpc_alive(test, "bad headers");

	/* A start announcing 2 continuations, abandoned by a new message. */
	hostile_hdr(api, GUNYAH_RM_RPC_TYPE_REQUEST, 2, GUNYAH_RM_RPC_VM_GET_VMID);
	hostile_pkt_refused(test, "abandoned message", GUNYAH_RM_PACKET_SIZE);
	hostile_rpc_alive(test, "an abandoned message");

	/*
	 * A start announcing one continuation, then continuations that do
	 * not belong to it (sequence, ID, count), then one that does: the
	 * message (GET_VMID with a payload) is then too long.
	 */
	seq = hostile_hdr(api, GUNYAH_RM_RPC_TYPE_REQUEST, 1,
			  GUNYAH_RM_RPC_VM_GET_VMID);
	KUNIT_EXPECT_EQ(test, hostile_send_pkt(GUNYAH_RM_PACKET_SIZE),
			GUNYAH_ERROR_OK);
	hostile_hdr_seq(api, GUNYAH_RM_RPC_TYPE_CONTINUATION, 1, seq + 1,
			GUNYAH_RM_RPC_VM_GET_VMID);
	hostile_pkt_refused(test, "continuation, wrong sequence",
			    GUNYAH_RM_PACKET_SIZE);
	hostile_hdr_seq(api, GUNYAH_RM_RPC_TYPE_CONTINUATION, 1, seq,
			GUNYAH_RM_RPC_VM_INIT);
	hostile_pkt_refused(test, "continuation, wrong message ID",
			    GUNYAH_RM_PACKET_SIZE);
	hostile_hdr_seq(api, GUNYAH_RM_RPC_TYPE_CONTINUATION, 2, seq,
			GUNYAH_RM_RPC_VM_GET_VMID);
	hostile_pkt_refused(test, "continuation, wrong fragment count",
			    GUNYAH_RM_PACKET_SIZE);
	hostile_hdr_seq(0x22, GUNYAH_RM_RPC_TYPE_CONTINUATION, 1, seq,
			GUNYAH_RM_RPC_VM_GET_VMID);
	hostile_pkt_refused(test, "continuation, bad API byte",
			    GUNYAH_RM_PACKET_SIZE);
	hostile_hdr_seq(api, GUNYAH_RM_RPC_TYPE_CONTINUATION, 1, seq,
			GUNYAH_RM_RPC_VM_GET_VMID);
	KUNIT_EXPECT_EQ(test, hostile_send_pkt(GUNYAH_RM_PACKET_SIZE),
			GUNYAH_ERROR_OK);
	KUNIT_EXPECT_TRUE(test, hostile_reply(seq, &rm_error));
	hostile_count(test, rm_error != GUNYAH_RM_ERROR_OK,
		      "GET_VMID with 464 bytes of payload");
	/* One continuation more than announced. */
	hostile_hdr_seq(api, GUNYAH_RM_RPC_TYPE_CONTINUATION, 1, seq,
			GUNYAH_RM_RPC_VM_GET_VMID);
	hostile_pkt_refused(test, "continuation after the end",
			    GUNYAH_RM_PACKET_SIZE);

	/*
	 * The longest message (62 continuations) of an unknown call, and
	 * one cut short after 30 continuations (then abandoned).
	 */
	seq = hostile_hdr(api, GUNYAH_RM_RPC_TYPE_REQUEST,
			  GUNYAH_RM_MAX_FRAGMENTS, HOSTILE_RM_UNKNOWN);
	hostile_send_full_pkts(test, GUNYAH_RM_MAX_FRAGMENTS, seq,
			       HOSTILE_RM_UNKNOWN);
	hostile_pkt_refused(test, "63-packet unknown call",
			    GUNYAH_RM_PACKET_SIZE);
	seq = hostile_hdr(api, GUNYAH_RM_RPC_TYPE_REQUEST,
			  GUNYAH_RM_MAX_FRAGMENTS, GUNYAH_RM_RPC_MEM_LEND);
	hostile_send_full_pkts(test, 30, seq, GUNYAH_RM_RPC_MEM_LEND);
	hostile_pkt_refused(test, "MEM_LEND cut short", GUNYAH_RM_PACKET_SIZE);
	hostile_rpc_alive(test, "long messages");

	/*
	 * A flood: requests without reading the replies, until the RM stops
	 * taking them (queue full); then every one taken is answered.
	 */
	seq = hostile->seq;
	for (i = 0; i < 64; i++) {
		hostile_hdr(api, GUNYAH_RM_RPC_TYPE_REQUEST, 0,
			    GUNYAH_RM_RPC_VM_GET_VMID);
		if (hostile_send_pkt(GUNYAH_RM_RPC_HDR_SIZE) != GUNYAH_ERROR_OK)
			break;
	}
	hostile_count(test, i < 64, "flood of the RM's queue");
	while (i--) {
		rm_error = U32_MAX;
		KUNIT_EXPECT_TRUE(test, hostile_reply(seq, &rm_error));
		KUNIT_EXPECT_EQ(test, rm_error, GUNYAH_RM_ERROR_OK);
		seq++;
	}

	/* Random packets of calls that do not exist (fixed seed). */
	prandom_seed_state(&rnd, 0x67756e796168ULL);
	for (i = 0; i < 64; i++) {
		size_t len = prandom_u32_state(&rnd) % GUNYAH_RM_PACKET_SIZE + 1;

		hostile_hdr(api, 0, 0, 0);
		prandom_bytes_state(&rnd, hostile->pkt, len);
		/* Keep the sequence raw and the call unknown. */
		if (len >= 4)
			put_unaligned_le16(hostile->seq++ | HOSTILE_SEQ_FIRST,
					   hostile->pkt + 2);
		if (len >= GUNYAH_RM_RPC_HDR_SIZE)
			hostile->pkt[7] = 0x5f;
		hostile_pkt_refused(test, "random packet", len);
	}
	hostile_rpc_alive(test, "random packets");

	hostile_rx_release();

	/* The driver's own calls still work. */
	hostile_rm_alive(test);
}

/*
 * A reply to a sequence number the driver never used reaches the driver
 * itself: it must drop it (with a message, no WARN) and carry on.
 */
static void hostile_rpc_stray_reply(struct kunit *test)
{
	hostile_need_rm(test);
	mutex_lock(&hostile->rm->send_lock);
	hostile_hdr(GUNYAH_RM_RPC_API, GUNYAH_RM_RPC_TYPE_REQUEST, 0,
		    GUNYAH_RM_RPC_VM_GET_VMID);
	KUNIT_EXPECT_EQ(test, hostile_send_pkt(GUNYAH_RM_RPC_HDR_SIZE),
			GUNYAH_ERROR_OK);
	mutex_unlock(&hostile->rm->send_lock);
	/* The stray reply is ahead of this call's in the queue. */
	hostile_rm_alive(test);
	hostile_count(test, true, "stray reply to the driver");
}

/* A request body built in @buf, sent through the driver: must fail. */
#define HOSTILE_BODY(test, id, buf, len)				\
	HOSTILE_RM(test, gunyah_rm_call(hostile->rm, id, buf, len, NULL, NULL))

/* Malformed bodies: truncated, overlong, lists whose counts overflow. */
static void hostile_rpc_payloads(struct kunit *test)
{
	size_t max = GUNYAH_RM_MAX_MSG_SIZE;
	struct hostile_vm vm;
	struct page *page;
	u32 handle;
	u64 pa;
	u8 *b;

	hostile_need_rm(test);
	b = kunit_kzalloc(test, max, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, b);
	/* A page of ours for the SGLs: the RM must refuse before using it. */
	page = alloc_page(GFP_KERNEL | __GFP_ZERO);
	KUNIT_ASSERT_NOT_NULL(test, page);
	pa = page_to_phys(page);
	hostile_vm_create(test, &vm, false);

	/* Fixed-size calls, too short and too long. */
	HOSTILE_BODY(test, GUNYAH_RM_RPC_VM_ALLOC_VMID, b, 0);
	HOSTILE_BODY(test, GUNYAH_RM_RPC_VM_ALLOC_VMID, b, 2);
	HOSTILE_BODY(test, GUNYAH_RM_RPC_VM_ALLOC_VMID, b, 8);
	put_unaligned_le16(vm.vmid, b);
	HOSTILE_BODY(test, GUNYAH_RM_RPC_VM_DEALLOC_VMID, b, 2);
	HOSTILE_BODY(test, GUNYAH_RM_RPC_VM_DEALLOC_VMID, b, 5);
	HOSTILE_BODY(test, GUNYAH_RM_RPC_VM_START, b, 3);
	HOSTILE_BODY(test, GUNYAH_RM_RPC_VM_INIT, b, 0);
	HOSTILE_BODY(test, GUNYAH_RM_RPC_VM_GET_VMID, b, 4);
	HOSTILE_BODY(test, GUNYAH_RM_RPC_VM_GET_VMID, b, max);
	HOSTILE_BODY(test, GUNYAH_RM_RPC_VM_CONFIG_IMAGE, b, 39);
	HOSTILE_BODY(test, GUNYAH_RM_RPC_VM_CONFIG_IMAGE, b, 41);
	HOSTILE_BODY(test, GUNYAH_RM_RPC_VM_SET_BOOT_CONTEXT, b, 15);
	HOSTILE_BODY(test, GUNYAH_RM_RPC_MEM_RECLAIM, b, 0);
	HOSTILE_BODY(test, GUNYAH_RM_RPC_MEM_RECLAIM, b, 7);
	HOSTILE_BODY(test, GUNYAH_RM_RPC_MEM_RECLAIM, b, 9);
	HOSTILE_BODY(test, HOSTILE_RM_UNKNOWN, b, 0);
	HOSTILE_BODY(test, HOSTILE_RM_UNKNOWN, b, max);
	HOSTILE_BODY(test, GUNYAH_RM_RPC_VM_SET_FIRMWARE_MEM, b, 24);
	HOSTILE_BODY(test, 0, NULL, 0);

	/*
	 * MEM_LEND: header, ACL {u16 n; u16 res} + 4n, SGL {u16 n; u16 res}
	 * + 16n, attributes {u16 n; u16 res} + 4n. A valid one-page body of
	 * 40 bytes, then lengths and counts that do not match.
	 */
	memset(b, 0, max);
	put_unaligned_le16(1, b + HOSTILE_LEND_ACL);
	put_unaligned_le16(vm.vmid, b + HOSTILE_LEND_ACL + 4);
	b[HOSTILE_LEND_ACL + 6] = GUNYAH_RM_ACL_R | GUNYAH_RM_ACL_W;
	put_unaligned_le16(1, b + HOSTILE_LEND_SGL);
	put_unaligned_le64(pa, b + HOSTILE_LEND_SGL + 4);
	put_unaligned_le64(PAGE_SIZE, b + HOSTILE_LEND_SGL + 12);

	HOSTILE_BODY(test, GUNYAH_RM_RPC_MEM_LEND, b, 0);
	HOSTILE_BODY(test, GUNYAH_RM_RPC_MEM_LEND, b, 4);
	HOSTILE_BODY(test, GUNYAH_RM_RPC_MEM_LEND, b, HOSTILE_LEND_LEN - 1);
	HOSTILE_BODY(test, GUNYAH_RM_RPC_MEM_LEND, b, HOSTILE_LEND_LEN + 1);
	HOSTILE_BODY(test, GUNYAH_RM_RPC_MEM_LEND, b, HOSTILE_LEND_LEN + 4);
	HOSTILE_BODY(test, GUNYAH_RM_RPC_MEM_SHARE, b, HOSTILE_LEND_LEN - 2);
	put_unaligned_le16(0xffff, b + HOSTILE_LEND_ACL);
	HOSTILE_BODY(test, GUNYAH_RM_RPC_MEM_LEND, b, HOSTILE_LEND_LEN);
	HOSTILE_BODY(test, GUNYAH_RM_RPC_MEM_LEND, b, max);
	put_unaligned_le32(2, b + HOSTILE_LEND_ACL);
	HOSTILE_BODY(test, GUNYAH_RM_RPC_MEM_LEND, b, HOSTILE_LEND_LEN);
	put_unaligned_le32(1, b + HOSTILE_LEND_ACL);
	put_unaligned_le16(0xffff, b + HOSTILE_LEND_SGL);
	HOSTILE_BODY(test, GUNYAH_RM_RPC_MEM_LEND, b, HOSTILE_LEND_LEN);
	HOSTILE_BODY(test, GUNYAH_RM_RPC_MEM_LEND, b, max);
	put_unaligned_le16(2, b + HOSTILE_LEND_SGL);
	HOSTILE_BODY(test, GUNYAH_RM_RPC_MEM_LEND, b, HOSTILE_LEND_LEN);
	put_unaligned_le16(0, b + HOSTILE_LEND_SGL);
	HOSTILE_BODY(test, GUNYAH_RM_RPC_MEM_LEND, b, HOSTILE_LEND_LEN);
	put_unaligned_le16(1, b + HOSTILE_LEND_SGL);
	put_unaligned_le16(0xffff, b + HOSTILE_LEND_ATTR);
	HOSTILE_BODY(test, GUNYAH_RM_RPC_MEM_LEND, b, HOSTILE_LEND_LEN);
	put_unaligned_le16(1, b + HOSTILE_LEND_ATTR);
	HOSTILE_BODY(test, GUNYAH_RM_RPC_MEM_LEND, b, HOSTILE_LEND_LEN);
	put_unaligned_le16(0, b + HOSTILE_LEND_ATTR);
	/* 513 SGL entries (zeroed) in a body of the right length */
	memset(b + HOSTILE_LEND_SGL, 0, max - HOSTILE_LEND_SGL);
	put_unaligned_le16(513, b + HOSTILE_LEND_SGL);
	HOSTILE_BODY(test, GUNYAH_RM_RPC_MEM_LEND, b, HOSTILE_LEND_SGL + 4 + 513 * 16 + 4);

	/* MEM_APPEND: unknown handle, count overflow, truncated */
	memset(b, 0, max);
	put_unaligned_le32(0xdeadbeef, b);
	put_unaligned_le16(1, b + 8);
	put_unaligned_le64(pa, b + 12);
	put_unaligned_le64(PAGE_SIZE, b + 20);
	HOSTILE_BODY(test, GUNYAH_RM_RPC_MEM_APPEND, b, 28);
	put_unaligned_le16(0xffff, b + 8);
	HOSTILE_BODY(test, GUNYAH_RM_RPC_MEM_APPEND, b, 28);
	HOSTILE_BODY(test, GUNYAH_RM_RPC_MEM_APPEND, b, 6);
	HOSTILE_BODY(test, GUNYAH_RM_RPC_MEM_APPEND, b, 0);

	/* A real parcel, then bodies that name it wrongly. */
	KUNIT_ASSERT_EQ(test, hostile_lend(vm.vmid, pa, PAGE_SIZE,
					   &handle), 0);
	memset(b, 0, max);
	put_unaligned_le32(handle, b);
	b[4] = 0x80;				/* unknown reclaim flag */
	HOSTILE_BODY(test, GUNYAH_RM_RPC_MEM_RECLAIM, b, 8);
	b[4] = 0;
	HOSTILE_BODY(test, GUNYAH_RM_RPC_MEM_APPEND, b, 12);	/* complete */
	KUNIT_EXPECT_EQ(test, hostile_reclaim(handle, true), 0);
	KUNIT_EXPECT_TRUE(test, !memchr_inv(page_address(page), 0, PAGE_SIZE));
	__free_page(page);
	hostile_vm_destroy(test, &vm);
}

/* Memory the host does not own, double lends, overlaps, bad reclaims. */
static void hostile_mem(struct kunit *test)
{
	u64 unbacked = ALIGN(PFN_PHYS(max_pfn), SZ_1G) + SZ_1G;
	struct gunyah_rm_mem_entry e[2];
	struct gunyah_rm *rm = hostile->rm;
	struct hostile_vm a, b;
	struct arm_smccc_res res;
	u32 h1, h2, stale;
	struct page *pages;
	u64 pa;

	hostile_need_rm(test);
	pages = alloc_pages(GFP_KERNEL | __GFP_ZERO, 2);
	KUNIT_ASSERT_NOT_NULL(test, pages);
	pa = page_to_phys(pages);
	hostile_vm_create(test, &a, true);
	hostile_vm_create(test, &b, false);

	/* Not the host's: the stub, devices, nothing, address 0. */
	hostile_bad_lend_one(test, "lend stub memory", a.vmid,
			     HOSTILE_STUB_BASE, PAGE_SIZE);
	hostile_bad_lend_one(test, "lend all stub memory", a.vmid,
			     HOSTILE_STUB_BASE, HOSTILE_STUB_SIZE);
	hostile_bad_lend_one(test, "lend stub memory and the next page",
			     a.vmid, HOSTILE_STUB_BASE + HOSTILE_STUB_SIZE -
			     PAGE_SIZE, 2 * PAGE_SIZE);
	hostile_bad_lend_one(test, "lend the UART", a.vmid, HOSTILE_UART_BASE,
			     PAGE_SIZE);
	hostile_bad_lend_one(test, "lend the GIC", a.vmid, HOSTILE_GICD_BASE,
			     PAGE_SIZE);
	hostile_bad_lend_one(test, "lend unbacked IPA", a.vmid, unbacked,
			     PAGE_SIZE);
	hostile_bad_lend_one(test, "lend IPA 0", a.vmid, 0, PAGE_SIZE);
	hostile_bad_lend_one(test, "lend the top page", a.vmid,
			     -(u64)PAGE_SIZE, PAGE_SIZE);
	/* Bad ranges. */
	hostile_bad_lend_one(test, "lend misaligned", a.vmid, pa + 1,
			     PAGE_SIZE);
	hostile_bad_lend_one(test, "lend size 0", a.vmid, pa, 0);
	hostile_bad_lend_one(test, "lend partial page", a.vmid, pa, 100);
	hostile_bad_lend_one(test, "lend wrapping", a.vmid, pa, -pa);
	/* Bad VMs. */
	hostile_bad_lend_one(test, "lend to the host", HOSTILE_VMID_HOST, pa,
			     PAGE_SIZE);
	hostile_bad_lend_one(test, "lend to VMID 0", 0, pa, PAGE_SIZE);
	hostile_bad_lend_one(test, "lend to a VMID not allocated", 0xfe, pa,
			     PAGE_SIZE);

	/* The same page twice in a parcel, and overlapping entries. */
	e[0].phys_addr = cpu_to_le64(pa);
	e[0].size = cpu_to_le64(PAGE_SIZE);
	e[1] = e[0];
	hostile_bad_lend(test, "same page twice in a parcel", a.vmid, e, 2,
			 false);
	e[0].size = cpu_to_le64(2 * PAGE_SIZE);
	e[1].phys_addr = cpu_to_le64(pa + PAGE_SIZE);
	hostile_bad_lend(test, "overlapping entries in a parcel", a.vmid, e, 2,
			 false);
	hostile_bad_lend(test, "share overlapping entries", a.vmid, e, 2,
			 true);

	/* Already lent: lend again, overlap, share, lend to another VM. */
	KUNIT_ASSERT_EQ(test, hostile_lend(a.vmid, pa, 2 * PAGE_SIZE, &h1), 0);
	hostile_bad_lend_one(test, "lend a lent page again", a.vmid, pa,
			     PAGE_SIZE);
	hostile_bad_lend_one(test, "overlapping parcels", a.vmid,
			     pa + PAGE_SIZE, 2 * PAGE_SIZE);
	hostile_bad_lend_one(test, "lend a lent page to another VM", b.vmid,
			     pa, 2 * PAGE_SIZE);
	e[0].phys_addr = cpu_to_le64(pa + 2 * PAGE_SIZE);
	e[0].size = cpu_to_le64(PAGE_SIZE);
	e[1].phys_addr = cpu_to_le64(pa + PAGE_SIZE);
	e[1].size = cpu_to_le64(PAGE_SIZE);
	hostile_bad_lend(test, "parcel with one free and one lent page", b.vmid,
			 e, 2, false);
	hostile_bad_lend(test, "share a lent page", b.vmid, e, 2, true);
	hostile_bad_lend_one(test, "lend a page lent and mapped", b.vmid,
			     page_to_phys(a.image), PAGE_SIZE);
	/* Its DT in a parcel of another VM: B cannot boot from A's memory. */
	HOSTILE_RM(test, gunyah_rm_vm_configure(rm, b.vmid,
						GUNYAH_RM_VM_AUTH_NONE,
						a.image_handle, 0, PAGE_SIZE,
						0, PAGE_SIZE));
	HOSTILE_RM(test, gunyah_rm_vm_configure(rm, b.vmid,
						GUNYAH_RM_VM_AUTH_NONE, h1, 0,
						PAGE_SIZE, 0, PAGE_SIZE));

	/* The third page, shared: cannot be lent too, nor shared twice. */
	KUNIT_ASSERT_EQ(test, hostile_lend_entries(b.vmid, e, 1, true, &h2), 0);
	hostile_bad_lend_one(test, "lend a shared page", a.vmid,
			     pa + 2 * PAGE_SIZE, PAGE_SIZE);
	hostile_bad_lend(test, "share a shared page", a.vmid, e, 1, true);
	KUNIT_EXPECT_EQ(test, hostile_reclaim(h2, false), 0);

	/* Reclaims: twice, bogus handles, while mapped or running. */
	KUNIT_EXPECT_EQ(test, hostile_reclaim(h1, true), 0);
	stale = h1;
	HOSTILE_RM(test, hostile_reclaim(stale, true));
	HOSTILE_RM(test, hostile_reclaim(0, false));
	HOSTILE_RM(test, hostile_reclaim(0xdeadbeef, false));
	HOSTILE_RM(test, hostile_reclaim(GUNYAH_MEM_HANDLE_INVAL, false));
	HOSTILE_RM(test, hostile_reclaim(a.image_handle, true));
	KUNIT_EXPECT_TRUE(test, !memchr_inv(page_address(pages), 0,
					    2 * PAGE_SIZE));

	/* States: a vCPU of a VM not started does not run. */
	res = hostile_call(GUNYAH_HYPERCALL_VCPU_RUN, a.vcpu_capid, 0, 0, 0, 0, 0);
	hostile_count(test, res.a0 != GUNYAH_ERROR_OK ||
		      res.a1 == GUNYAH_VCPU_STATE_POWERED_OFF,
		      "vcpu_run before VM_START");
	res = hostile_call(GUNYAH_HYPERCALL_VCPU_RUN, a.vcpu_capid, ~0ULL, 2, ~0ULL,
			   0, 0);
	hostile_count(test, res.a0 != GUNYAH_ERROR_OK ||
		      res.a1 == GUNYAH_VCPU_STATE_POWERED_OFF,
		      "vcpu_run before VM_START, with resume data");
	HOSTILE_RM(test, gunyah_rm_vm_init(rm, a.vmid));
	HOSTILE_RM(test, gunyah_rm_vm_start(rm, b.vmid));
	HOSTILE_RM(test, gunyah_rm_vm_init(rm, b.vmid));
	HOSTILE_RM(test, gunyah_rm_dealloc_vmid(rm, a.vmid));
	HOSTILE_RM(test, gunyah_rm_dealloc_vmid(rm, HOSTILE_VMID_HOST));
	HOSTILE_RM(test, gunyah_rm_vm_reset(rm, HOSTILE_VMID_HOST));
	HOSTILE_RM(test, gunyah_rm_vm_start(rm, HOSTILE_VMID_HOST));
	HOSTILE_RM(test, gunyah_rm_vm_configure(rm, a.vmid,
						GUNYAH_RM_VM_AUTH_NONE,
						a.image_handle, 0, PAGE_SIZE,
						0, PAGE_SIZE));

	/* Started (its vCPU never run): still mapped, not reclaimable. */
	KUNIT_ASSERT_EQ(test, gunyah_rm_vm_start(rm, a.vmid), 0);
	a.started = true;
	HOSTILE_RM(test, hostile_reclaim(a.image_handle, true));
	HOSTILE_RM(test, gunyah_rm_vm_start(rm, a.vmid));
	HOSTILE_RM(test, gunyah_rm_vm_reset(rm, a.vmid));
	HOSTILE_RM(test, gunyah_rm_dealloc_vmid(rm, a.vmid));
	hostile_bad_lend_one(test, "lend a page mapped by a running VM",
			     b.vmid, page_to_phys(a.image), PAGE_SIZE);

	hostile_vm_destroy(test, &a);
	hostile_vm_destroy(test, &b);
	__free_pages(pages, 2);
}

/* Ways to damage a valid DT blob, after it is built */
enum hostile_dt_damage {
	HOSTILE_DT_NONE,
	HOSTILE_DT_MAGIC,
	HOSTILE_DT_TOTALSIZE,
	HOSTILE_DT_STRUCT_OFF,
	HOSTILE_DT_STRUCT_MISALIGNED,
	HOSTILE_DT_STRINGS_OFF,
	HOSTILE_DT_PROP_LEN,
	HOSTILE_DT_PROP_NAMEOFF,
	HOSTILE_DT_NO_END,
	HOSTILE_DT_ZERO,
	HOSTILE_DT_RANDOM,
};

static void hostile_dt_damage(struct kunit *test, void *fdt,
			      enum hostile_dt_damage damage)
{
	/* The root node's first tag is "#address-cells": FDT_PROP. */
	__be32 *prop = fdt + fdt_off_dt_struct(fdt) + 8;
	__be32 *end = fdt + fdt_off_dt_struct(fdt) +
		      fdt_size_dt_struct(fdt) - 4;
	struct rnd_state rnd;

	KUNIT_ASSERT_EQ(test, be32_to_cpu(prop[0]), FDT_PROP);
	KUNIT_ASSERT_EQ(test, be32_to_cpu(*end), FDT_END);
	switch (damage) {
	case HOSTILE_DT_NONE:
		break;
	case HOSTILE_DT_MAGIC:
		fdt_set_magic(fdt, 0xedfe0dd0);
		break;
	case HOSTILE_DT_TOTALSIZE:
		fdt_set_totalsize(fdt, 0xfffffff0);
		break;
	case HOSTILE_DT_STRUCT_OFF:
		fdt_set_off_dt_struct(fdt, 0xffff0000);
		break;
	case HOSTILE_DT_STRUCT_MISALIGNED:
		fdt_set_off_dt_struct(fdt, fdt_off_dt_struct(fdt) + 2);
		break;
	case HOSTILE_DT_STRINGS_OFF:
		fdt_set_size_dt_strings(fdt, 0x7ffffff0);
		break;
	case HOSTILE_DT_PROP_LEN:
		prop[1] = cpu_to_be32(0x7ffffff0);
		break;
	case HOSTILE_DT_PROP_NAMEOFF:
		prop[2] = cpu_to_be32(0x7ffffff0);
		break;
	case HOSTILE_DT_NO_END:
		*end = cpu_to_be32(FDT_NOP);
		break;
	case HOSTILE_DT_ZERO:
		memset(fdt, 0, PAGE_SIZE);
		break;
	case HOSTILE_DT_RANDOM:
		prandom_seed_state(&rnd, 0x6474);
		prandom_bytes_state(&rnd, fdt, PAGE_SIZE);
		break;
	}
}

/*
 * A VM whose DT is @dt, damaged by @damage, at @dtb_offset in its image
 * parcel and said to be @dtb_size long: the result of VM_CONFIG_IMAGE, or
 * of VM_INIT when that succeeded. The VM is freed either way.
 */
static int hostile_try_dt(struct kunit *test, const struct hostile_dt *dt,
			  enum hostile_dt_damage damage, u64 dtb_offset,
			  u64 dtb_size)
{
	struct gunyah_rm *rm = hostile->rm;
	struct hostile_vm vm;
	int ret;

	hostile_vm_create(test, &vm, false);
	vm.image = alloc_page(GFP_KERNEL | __GFP_ZERO);
	KUNIT_ASSERT_NOT_NULL(test, vm.image);
	KUNIT_ASSERT_EQ(test, hostile_build_dt(page_address(vm.image),
					       PAGE_SIZE, dt), 0);
	hostile_dt_damage(test, page_address(vm.image), damage);
	KUNIT_ASSERT_EQ(test, hostile_lend(vm.vmid, page_to_phys(vm.image),
					   PAGE_SIZE, &vm.image_handle), 0);
	ret = gunyah_rm_vm_configure(rm, vm.vmid, GUNYAH_RM_VM_AUTH_NONE,
				     vm.image_handle, 0, PAGE_SIZE, dtb_offset,
				     dtb_size);
	if (!ret) {
		ret = gunyah_rm_vm_init(rm, vm.vmid);
		vm.inited = !ret;
	}
	hostile_vm_destroy(test, &vm);
	return ret;
}

/* The same, which must fail. */
static void hostile_bad_dt(struct kunit *test, const char *what,
			   const struct hostile_dt *dt,
			   enum hostile_dt_damage damage, u64 dtb_offset,
			   u64 dtb_size)
{
	hostile_count(test, hostile_try_dt(test, dt, damage, dtb_offset,
					   dtb_size) < 0, what);
}

/* The VM's DT, which the RM parses: malformed blobs and bad contents. */
static void hostile_vm_dt(struct kunit *test)
{
	const struct hostile_dt *ok = &hostile_dt_ok;
	struct hostile_dt dt;
	unsigned int i;

	hostile_need_rm(test);

	/* Control: the undamaged DT makes a VM. */
	KUNIT_ASSERT_EQ(test, hostile_try_dt(test, ok, HOSTILE_DT_NONE, 0,
					     PAGE_SIZE), 0);

	/* Where the DT is. */
	HOSTILE_RM(test, gunyah_rm_vm_configure(hostile->rm, 0,
						GUNYAH_RM_VM_AUTH_NONE, 0, 0,
						0, 0, PAGE_SIZE));
	hostile_bad_dt(test, "DT size 0", ok, HOSTILE_DT_NONE, 0, 0);
	hostile_bad_dt(test, "DT past the parcel", ok, HOSTILE_DT_NONE,
		       PAGE_SIZE / 2, PAGE_SIZE);
	hostile_bad_dt(test, "DT offset past the parcel", ok, HOSTILE_DT_NONE,
		       2 * PAGE_SIZE, 16);
	hostile_bad_dt(test, "DT offset + size wrapping", ok, HOSTILE_DT_NONE,
		       16, -8ULL);
	hostile_bad_dt(test, "DT cut short", ok, HOSTILE_DT_NONE, 0, 64);
	hostile_bad_dt(test, "DT header only", ok, HOSTILE_DT_NONE, 0, 40);

	/* The blob. */
	hostile_bad_dt(test, "DT bad magic", ok, HOSTILE_DT_MAGIC, 0,
		       PAGE_SIZE);
	hostile_bad_dt(test, "DT totalsize", ok, HOSTILE_DT_TOTALSIZE, 0,
		       PAGE_SIZE);
	hostile_bad_dt(test, "DT struct offset", ok, HOSTILE_DT_STRUCT_OFF, 0,
		       PAGE_SIZE);
	hostile_bad_dt(test, "DT struct misaligned", ok,
		       HOSTILE_DT_STRUCT_MISALIGNED, 0, PAGE_SIZE);
	hostile_bad_dt(test, "DT strings size", ok, HOSTILE_DT_STRINGS_OFF, 0,
		       PAGE_SIZE);
	hostile_bad_dt(test, "DT property length", ok, HOSTILE_DT_PROP_LEN, 0,
		       PAGE_SIZE);
	hostile_bad_dt(test, "DT property name offset", ok,
		       HOSTILE_DT_PROP_NAMEOFF, 0, PAGE_SIZE);
	hostile_bad_dt(test, "DT without FDT_END", ok, HOSTILE_DT_NO_END, 0,
		       PAGE_SIZE);
	hostile_bad_dt(test, "DT all zero", ok, HOSTILE_DT_ZERO, 0, PAGE_SIZE);
	hostile_bad_dt(test, "DT random bytes", ok, HOSTILE_DT_RANDOM, 0,
		       PAGE_SIZE);

	/* The contents. */
	dt = *ok;
	dt.no_config = true;
	hostile_bad_dt(test, "DT without gunyah-vm-config", &dt,
		       HOSTILE_DT_NONE, 0, PAGE_SIZE);
	dt = *ok;
	dt.cpus = 0;
	hostile_bad_dt(test, "DT without CPUs", &dt, HOSTILE_DT_NONE, 0,
		       PAGE_SIZE);
	dt.cpus = 9;
	hostile_bad_dt(test, "DT with 9 CPUs", &dt, HOSTILE_DT_NONE, 0,
		       PAGE_SIZE);
	dt = *ok;
	dt.affinity = "static";
	hostile_bad_dt(test, "DT vCPUs not proxy-scheduled", &dt,
		       HOSTILE_DT_NONE, 0, PAGE_SIZE);
	dt = *ok;
	dt.base = HOSTILE_VM_IPA + 1;
	hostile_bad_dt(test, "DT image IPA misaligned", &dt, HOSTILE_DT_NONE, 0,
		       PAGE_SIZE);
	dt.base = -(u64)PAGE_SIZE;
	hostile_bad_dt(test, "DT image IPA at the top", &dt, HOSTILE_DT_NONE, 0,
		       PAGE_SIZE);
	dt.base = BIT_ULL(52);
	hostile_bad_dt(test, "DT image IPA beyond the IPA space", &dt,
		       HOSTILE_DT_NONE, 0, PAGE_SIZE);
	dt = *ok;
	dt.base_cells = 1;
	hostile_bad_dt(test, "DT image IPA of 1 cell", &dt, HOSTILE_DT_NONE, 0,
		       PAGE_SIZE);
	dt = *ok;
	/* The vGIC of a VM has 988 SPIs (INTIDs 32..1019), as the host's */
	dt.spi = 988;
	hostile_bad_dt(test, "DT doorbell SPI out of range", &dt,
		       HOSTILE_DT_NONE, 0, PAGE_SIZE);
	dt.spi = -1U;
	hostile_bad_dt(test, "DT doorbell SPI ~0", &dt, HOSTILE_DT_NONE, 0,
		       PAGE_SIZE);
	dt = *ok;
	dt.flags = 2;
	hostile_bad_dt(test, "DT doorbell falling edge", &dt, HOSTILE_DT_NONE,
		       0, PAGE_SIZE);
	dt = *ok;
	dt.bells = 2;
	dt.dup_spi = true;
	hostile_bad_dt(test, "DT doorbells on one SPI", &dt, HOSTILE_DT_NONE,
		       0, PAGE_SIZE);
	/*
	 * Control: VMMs declare many doorbells (QEMU 256), not the 8 the stub
	 * once held; as many as fit in the page.
	 */
	dt.dup_spi = false;
	dt.bells = 32;
	KUNIT_EXPECT_EQ(test, hostile_try_dt(test, &dt, HOSTILE_DT_NONE, 0,
					     PAGE_SIZE), 0);
	dt = *ok;
	dt.gic_phandle = 0x1234;
	hostile_bad_dt(test, "DT GIC phandle of nothing", &dt, HOSTILE_DT_NONE,
		       0, PAGE_SIZE);
	dt = *ok;
	dt.depth = 40;
	hostile_bad_dt(test, "DT nested 40 deep", &dt, HOSTILE_DT_NONE, 0,
		       PAGE_SIZE);

	/* Every VM above was freed: the RM still makes one. */
	for (i = 0; i < 2; i++) {
		struct hostile_vm vm;

		hostile_vm_create(test, &vm, true);
		hostile_vm_destroy(test, &vm);
	}
}

/* MEM_APPEND (@n entries of @e) through the driver's RPC. */
static int hostile_append_call(u32 handle, u8 flags,
			       const struct gunyah_rm_mem_entry *e, u16 n)
{
	size_t len = 12 + n * sizeof(*e);
	u8 *req;
	int ret;

	req = kzalloc(len, GFP_KERNEL);
	if (!req)
		return -ENOMEM;
	put_unaligned_le32(handle, req);
	req[4] = flags;
	put_unaligned_le16(n, req + 8);
	memcpy(req + 12, e, n * sizeof(*e));
	ret = gunyah_rm_call(hostile->rm, GUNYAH_RM_RPC_MEM_APPEND, req, len,
			     NULL, NULL);
	kfree(req);
	return ret;
}

static void hostile_entry(struct gunyah_rm_mem_entry *e, u64 pa, u64 size)
{
	e->phys_addr = cpu_to_le64(pa);
	e->size = cpu_to_le64(size);
}

/* A parcel still being built (MEM_APPEND to follow), and bad appends. */
static void hostile_append(struct kunit *test)
{
	u8 req[HOSTILE_LEND_LEN] = { 0 };
	struct gunyah_rm_mem_entry e[2];
	struct gunyah_rm *rm;
	struct hostile_vm a, b;
	struct page *pages;
	size_t size;
	void *resp;
	u32 h;
	u64 pa;

	hostile_need_rm(test);
	rm = hostile->rm;
	pages = alloc_pages(GFP_KERNEL | __GFP_ZERO, 2);
	KUNIT_ASSERT_NOT_NULL(test, pages);
	pa = page_to_phys(pages);
	hostile_vm_create(test, &a, true);
	hostile_vm_create(test, &b, false);

	/* MEM_LEND of the first page to B, saying that more will follow. */
	req[2] = GUNYAH_RM_MEM_SHARE_FLAG_APPEND;
	put_unaligned_le16(1, req + HOSTILE_LEND_ACL);
	put_unaligned_le16(b.vmid, req + HOSTILE_LEND_ACL + 4);
	req[HOSTILE_LEND_ACL + 6] = GUNYAH_RM_ACL_R | GUNYAH_RM_ACL_W;
	put_unaligned_le16(1, req + HOSTILE_LEND_SGL);
	put_unaligned_le64(pa, req + HOSTILE_LEND_SGL + 4);
	put_unaligned_le64(PAGE_SIZE, req + HOSTILE_LEND_SGL + 12);
	KUNIT_ASSERT_EQ(test, gunyah_rm_call(rm, GUNYAH_RM_RPC_MEM_LEND, req,
					     sizeof(req), &resp, &size), 0);
	KUNIT_ASSERT_EQ(test, size, 4);
	h = get_unaligned_le32(resp);
	kfree(resp);

	/* Not complete: cannot hold a VM's image yet. */
	HOSTILE_RM(test, gunyah_rm_vm_configure(rm, b.vmid,
						GUNYAH_RM_VM_AUTH_NONE, h, 0,
						PAGE_SIZE, 0, PAGE_SIZE));
	/* Appends of what the host does not own, or the parcel holds. */
	hostile_entry(&e[0], pa, PAGE_SIZE);
	HOSTILE_RM(test, hostile_append_call(h, 0, e, 1));
	hostile_entry(&e[0], pa + PAGE_SIZE, 2 * PAGE_SIZE);
	hostile_entry(&e[1], pa, PAGE_SIZE);
	HOSTILE_RM(test, hostile_append_call(h, 0, e, 2));
	hostile_entry(&e[0], pa + PAGE_SIZE, PAGE_SIZE);
	e[1] = e[0];
	HOSTILE_RM(test, hostile_append_call(h, 0, e, 2));
	hostile_entry(&e[0], HOSTILE_STUB_BASE, PAGE_SIZE);
	HOSTILE_RM(test, hostile_append_call(h, 0, e, 1));
	hostile_entry(&e[0], page_to_phys(a.image), PAGE_SIZE);
	HOSTILE_RM(test, hostile_append_call(h, 0, e, 1));
	hostile_entry(&e[0], HOSTILE_UART_BASE, PAGE_SIZE);
	HOSTILE_RM(test, hostile_append_call(h, 0, e, 1));
	hostile_entry(&e[0], pa + PAGE_SIZE, PAGE_SIZE);
	HOSTILE_RM(test, hostile_append_call(h, 0x80, e, 1));
	HOSTILE_RM(test, hostile_append_call(a.image_handle, 0, e, 1));
	/* A page given to the parcel: no longer the host's to lend. */
	KUNIT_EXPECT_EQ(test, hostile_append_call(h, GUNYAH_RM_MEM_APPEND_FLAG_LAST, e,
						  1), 0);
	hostile_bad_lend_one(test, "lend a page appended to a parcel", a.vmid,
			     pa + PAGE_SIZE, PAGE_SIZE);
	/* Complete now: no more appends. */
	hostile_entry(&e[0], pa + 2 * PAGE_SIZE, PAGE_SIZE);
	HOSTILE_RM(test, hostile_append_call(h, GUNYAH_RM_MEM_APPEND_FLAG_LAST, e, 1));

	KUNIT_EXPECT_EQ(test, hostile_reclaim(h, true), 0);
	HOSTILE_RM(test, hostile_append_call(h, 0, e, 1));
	KUNIT_EXPECT_TRUE(test, !memchr_inv(page_address(pages), 0,
					    4 * PAGE_SIZE));
	hostile_vm_destroy(test, &a);
	hostile_vm_destroy(test, &b);
	__free_pages(pages, 2);
}

/* VMIDs that cannot be had, and more VMs and parcels than the RM keeps. */
static void hostile_exhaust(struct kunit *test)
{
	struct gunyah_rm *rm;
	struct hostile_vm vm;
	struct page **pages;
	unsigned int n, i;
	u16 *vmids;
	u32 *handles;
	int ret = 0;

	hostile_need_rm(test);
	rm = hostile->rm;
	vmids = kunit_kcalloc(test, HOSTILE_MAX_VMIDS, sizeof(*vmids),
			      GFP_KERNEL);
	pages = kunit_kcalloc(test, HOSTILE_MAX_PARCELS, sizeof(*pages),
			      GFP_KERNEL);
	handles = kunit_kcalloc(test, HOSTILE_MAX_PARCELS, sizeof(*handles),
				GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, vmids);
	KUNIT_ASSERT_NOT_NULL(test, pages);
	KUNIT_ASSERT_NOT_NULL(test, handles);

	/* The host's, the RM's and out-of-range VMIDs. */
	HOSTILE_RM(test, gunyah_rm_alloc_vmid(rm, HOSTILE_VMID_HOST));
	HOSTILE_RM(test, gunyah_rm_alloc_vmid(rm, 1));
	HOSTILE_RM(test, gunyah_rm_alloc_vmid(rm, 0xff));
	HOSTILE_RM(test, gunyah_rm_alloc_vmid(rm, 0xffff));
	HOSTILE_RM(test, gunyah_rm_dealloc_vmid(rm, 0));
	HOSTILE_RM(test, gunyah_rm_dealloc_vmid(rm, 0xfe));

	for (n = 0; n < HOSTILE_MAX_VMIDS; n++) {
		ret = gunyah_rm_alloc_vmid(rm, 0);
		if (ret < 0)
			break;
		vmids[n] = ret;
	}
	KUNIT_EXPECT_GT(test, n, 0);
	if (n < HOSTILE_MAX_VMIDS) {
		hostile_count(test, true, "VMIDs beyond the RM's limit");
		kunit_info(test, "VMIDs refused after %u: %d\n", n, ret);
	}
	if (n)
		HOSTILE_RM(test, gunyah_rm_alloc_vmid(rm, vmids[0]));
	for (i = 0; i < n; i++)
		KUNIT_EXPECT_EQ(test, gunyah_rm_dealloc_vmid(rm, vmids[i]), 0);
	if (n)
		HOSTILE_RM(test, gunyah_rm_dealloc_vmid(rm, vmids[0]));

	hostile_vm_create(test, &vm, false);
	for (n = 0; n < HOSTILE_MAX_PARCELS; n++) {
		pages[n] = alloc_page(GFP_KERNEL | __GFP_ZERO);
		KUNIT_ASSERT_NOT_NULL(test, pages[n]);
		ret = hostile_lend(vm.vmid, page_to_phys(pages[n]), PAGE_SIZE,
				   &handles[n]);
		if (ret < 0) {
			__free_page(pages[n]);
			break;
		}
	}
	if (n < HOSTILE_MAX_PARCELS) {
		hostile_count(test, true, "parcels beyond the RM's limit");
		kunit_info(test, "parcels refused after %u: %d\n", n, ret);
	}
	for (i = 0; i < n; i++) {
		ret = hostile_reclaim(handles[i], true);
		KUNIT_EXPECT_EQ(test, ret, 0);
		/* Not given back: never touch it again. */
		if (!ret)
			__free_page(pages[i]);
	}
	hostile_vm_destroy(test, &vm);
	hostile_rm_alive(test);
}

/**
 * struct hostile_runner - A thread running a vCPU until it is off
 * @capid: The vCPU.
 * @runs: vcpu_run calls that ran the vCPU.
 * @longest_us: The longest of them, in microseconds.
 * @last: The last call's error and state.
 * @done: Set when the vCPU is off or a call failed.
 */
struct hostile_runner {
	u64 capid;
	unsigned long runs;
	s64 longest_us;
	struct arm_smccc_res last;
	struct completion done;
};

static int hostile_runner_fn(void *data)
{
	struct hostile_runner *r = data;
	unsigned long deadline = jiffies + 30 * HZ;

	for (;;) {
		ktime_t t = ktime_get();

		r->last = hostile_call(GUNYAH_HYPERCALL_VCPU_RUN, r->capid, 0, 0, 0,
				       0, 0);
		cond_resched();
		if (!time_before(jiffies, deadline))
			break;
		/* The test's own vcpu_run has it: try again. */
		if (r->last.a0 == GUNYAH_ERROR_BUSY)
			continue;
		WRITE_ONCE(r->runs, r->runs + 1);
		r->longest_us = max(r->longest_us, ktime_us_delta(ktime_get(), t));
		if (r->last.a0 != GUNYAH_ERROR_OK ||
		    r->last.a1 != GUNYAH_VCPU_STATE_READY)
			break;
	}
	complete(&r->done);
	return 0;
}

/*
 * A VM whose vCPU writes its memory in a loop on another CPU: its memory
 * and state may not be taken from under it, a second vcpu_run is BUSY.
 * Then it is stopped, reset, its page reclaimed and its VMID freed without
 * waiting for the vCPU thread: the page must come back zeroed and stay so,
 * and the thread must come back.
 */
static void hostile_running(struct kunit *test)
{
	struct hostile_runner *r;
	struct task_struct *task;
	struct arm_smccc_res res;
	struct gunyah_rm *rm;
	struct hostile_vm vm, b;
	unsigned int i, busy = 0;
	unsigned long start;
	struct page *page;
	u64 capid;

	hostile_need_rm(test);
	if (num_online_cpus() < 2)
		kunit_skip(test, "needs two CPUs");
	rm = hostile->rm;
	/* Not test-managed: leaked if the thread never finishes. */
	r = kzalloc(sizeof(*r), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, r);
	hostile_vm_create(test, &vm, true);
	hostile_vm_create(test, &b, false);
	KUNIT_ASSERT_EQ(test, gunyah_rm_vm_start(rm, vm.vmid), 0);
	vm.started = true;

	r->capid = vm.vcpu_capid;
	init_completion(&r->done);
	start = jiffies;
	task = kthread_run(hostile_runner_fn, r, "hostile_vcpu");
	KUNIT_ASSERT_FALSE(test, IS_ERR(task));
	/* Until it runs in the guest. */
	for (i = 0; i < 1000 && !READ_ONCE(r->runs); i++)
		usleep_range(1000, 2000);

	/* Each call either finds it BUSY or runs it itself for a while. */
	for (i = 0; i < 500 && !busy; i++) {
		res = hostile_call(GUNYAH_HYPERCALL_VCPU_RUN, vm.vcpu_capid, 0, 0,
				   0, 0, 0);
		if (res.a0 == GUNYAH_ERROR_BUSY)
			busy++;
		else
			KUNIT_EXPECT_EQ(test, res.a0, GUNYAH_ERROR_OK);
		usleep_range(100, 200);
	}
	hostile_count(test, busy, "vcpu_run of a vCPU running elsewhere");

	HOSTILE_RM(test, hostile_reclaim(vm.image_handle, true));
	HOSTILE_RM(test, gunyah_rm_vm_reset(rm, vm.vmid));
	HOSTILE_RM(test, gunyah_rm_dealloc_vmid(rm, vm.vmid));
	HOSTILE_RM(test, gunyah_rm_vm_init(rm, vm.vmid));
	hostile_bad_lend_one(test, "lend the image of a running VM", b.vmid,
			     page_to_phys(vm.image), PAGE_SIZE);
	hostile_rx_hold();
	HOSTILE_HVC(test, GUNYAH_ERROR_ADDR_INVAL,
		    hostile_send(hostile->tx_capid, page_address(vm.image),
				 16));
	hostile_rpc_alive(test, "a buffer in a running VM");
	hostile_rx_release();

	/* Torn down under the running vCPU, which must not write any more. */
	KUNIT_EXPECT_EQ(test, gunyah_rm_vm_stop(rm, vm.vmid, true), 0);
	vm.started = false;
	res = hostile_call(GUNYAH_HYPERCALL_VCPU_RUN, vm.vcpu_capid, 0, 0, 0, 0, 0);
	hostile_count(test, res.a0 != GUNYAH_ERROR_OK ||
		      res.a1 == GUNYAH_VCPU_STATE_POWERED_OFF,
		      "vcpu_run after VM_STOP");
	page = vm.image;
	get_page(page);		/* kept past hostile_vm_destroy() */
	hostile_vm_destroy(test, &vm);
	KUNIT_ASSERT_TRUE_MSG(test, wait_for_completion_timeout(&r->done,
								30 * HZ),
			      "vCPU thread still running after VM_STOP");
	KUNIT_EXPECT_TRUE(test, (r->last.a0 == GUNYAH_ERROR_OK &&
				 r->last.a1 == GUNYAH_VCPU_STATE_POWERED_OFF) ||
			  r->last.a0 == GUNYAH_ERROR_CSPACE_CAP_NULL);
	kunit_info(test, "%lu vcpu_run calls in the %u ms the VM ran, longest %lld us\n",
		   r->runs, jiffies_to_msecs(jiffies - start), r->longest_us);
	capid = r->capid;
	kfree(r);
	msleep(20);
	hostile_count(test, !memchr_inv(page_address(page), 0, PAGE_SIZE),
		      "guest write after its memory was reclaimed");
	put_page(page);

	hostile_vm_destroy(test, &b);
	HOSTILE_HVC(test, GUNYAH_ERROR_CSPACE_CAP_NULL,
		    hostile_hvc(GUNYAH_HYPERCALL_VCPU_RUN, capid, 0, 0, 0, 0));
}

/* Afterwards: a lend and reclaim round trip, the RM, the totals. */
static void hostile_summary(struct kunit *test)
{
	struct hostile_vm vm;
	struct page *page;
	u32 handle;

	hostile_need_rm(test);
	page = alloc_page(GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, page);
	memset(page_address(page), 0xa5, PAGE_SIZE);
	hostile_vm_create(test, &vm, false);
	KUNIT_ASSERT_EQ(test, hostile_lend(vm.vmid, page_to_phys(page),
					   PAGE_SIZE, &handle), 0);
	KUNIT_EXPECT_EQ(test, hostile_reclaim(handle, true), 0);
	KUNIT_EXPECT_TRUE(test, !memchr_inv(page_address(page), 0, PAGE_SIZE));
	__free_page(page);
	hostile_vm_destroy(test, &vm);
	hostile_rm_alive(test);

	kunit_info(test, "%u attacks, %u refused\n", hostile->attacks,
		   hostile->refused);
	KUNIT_EXPECT_EQ(test, hostile->attacks, hostile->refused);
}

/* ---------------------------------------------------------- the suite */

/* The RM connection of the live driver, found through /dev/gunyah. */
static struct gunyah_rm *hostile_find_rm(struct device *parent)
{
	struct miscdevice *misc;
	struct gunyah_rm *rm;
	struct device *dev;

	dev = device_find_child_by_name(parent, "gunyah");
	if (!dev)
		return NULL;
	misc = dev_get_drvdata(dev);
	rm = misc ? gunyah_rm_get(container_of(misc, struct gunyah_rm,
					       miscdev)) : NULL;
	put_device(dev);
	return rm;
}

static int hostile_suite_init(struct kunit_suite *suite)
{
	struct platform_device *pdev;
	struct device_node *np;
	const __be32 *reg;
	int ac, cells, len;

	np = of_find_compatible_node(NULL, NULL, "gunyah-resource-manager");
	if (!np)
		return 0;	/* not on Gunyah: the cases skip */
	hostile = kzalloc(sizeof(*hostile), GFP_KERNEL);
	if (!hostile)
		goto out;
	hostile->seq = HOSTILE_SEQ_FIRST;
	ac = of_n_addr_cells(np);
	cells = ac + of_n_size_cells(np);
	reg = of_get_property(np, "reg", &len);
	hostile->rx_irq = of_irq_get(np, 1);
	pdev = of_find_device_by_node(np);
	if (pdev) {
		hostile->rm = hostile_find_rm(&pdev->dev);
		put_device(&pdev->dev);
	}
	if (!reg || len < 2 * cells * (int)sizeof(*reg) ||
	    hostile->rx_irq <= 0 || !hostile->rm) {
		if (hostile->rm)
			gunyah_rm_put(hostile->rm);
		kfree(hostile);
		hostile = NULL;
		goto out;
	}
	hostile->tx_capid = of_read_number(reg, ac);
	hostile->rx_capid = of_read_number(reg + cells, ac);
out:
	of_node_put(np);
	return 0;
}

/* Each case reports how many attacks it made. */
static int hostile_case_init(struct kunit *test)
{
	if (hostile)
		test->priv = (void *)(uintptr_t)hostile->attacks;
	return 0;
}

static void hostile_case_exit(struct kunit *test)
{
	unsigned int first = (uintptr_t)test->priv;

	if (hostile && hostile->attacks > first)
		kunit_info(test, "%u attacks\n", hostile->attacks - first);
}

static void hostile_suite_exit(struct kunit_suite *suite)
{
	if (!hostile)
		return;
	gunyah_rm_put(hostile->rm);
	kfree(hostile);
	hostile = NULL;
}

static struct kunit_case gunyah_hostile_cases[] = {
	KUNIT_CASE(hostile_capids),
	KUNIT_CASE(hostile_msgq_buffers),
	KUNIT_CASE_SLOW(hostile_rpc_framing),
	KUNIT_CASE(hostile_rpc_stray_reply),
	KUNIT_CASE_SLOW(hostile_rpc_payloads),
	KUNIT_CASE_SLOW(hostile_mem),
	KUNIT_CASE(hostile_append),
	KUNIT_CASE_SLOW(hostile_vm_dt),
	KUNIT_CASE_SLOW(hostile_exhaust),
	KUNIT_CASE_SLOW(hostile_running),
	/* Named so that its line reads "# hostile: N attacks, M refused". */
	{ .run_case = hostile_summary, .name = "hostile" },
	{}
};

static struct kunit_suite gunyah_hostile_suite = {
	.name = "gunyah_hostile",
	.suite_init = hostile_suite_init,
	.suite_exit = hostile_suite_exit,
	.init = hostile_case_init,
	.exit = hostile_case_exit,
	.test_cases = gunyah_hostile_cases,
};

kunit_test_suite(gunyah_hostile_suite);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Hostile-host KUnit tests of the live Gunyah hypervisor");
MODULE_IMPORT_NS(EXPORTED_FOR_KUNIT_TESTING);
