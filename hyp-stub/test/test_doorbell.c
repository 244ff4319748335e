// SPDX-License-Identifier: GPL-2.0-only
/*
 * Doorbells end to end on the real vGIC (core/doorbell.c, core/vgic.c and
 * the hypercalls of core/hypercall.c): the host rings, the guest sees the
 * SPI in its list registers, takes it (an LR going active) and EOIs it (the
 * LR empty). The RM, host memory and vcpu_kick() are mocked; the pool is
 * malloc, counted.
 *
 * The expectations are the real hypervisor's (hyp/ipc/doorbell/src/
 * doorbell.c, hyp/vm/vgic/src/deliver.c): the ack_mask bits are cleared
 * when a send asserts the level, the level is checked again when the guest
 * deactivates, disables or clears the interrupt.
 */
#include <stdlib.h>
#include "unit.h"
#include "doorbell.h"
#include "gunyah.h"
#include "hypercall.h"
#include "vcpu.h"
#include "vgic.h"

struct vm vms[VM_MAX_VMS];
static struct vcpu vcpu0;
static int kicks, pages_out;

void *plat_s2_zalloc(unsigned int order)
{
	void *p = aligned_alloc(4096, 4096UL << order);

	if (p) {
		memset(p, 0, 4096UL << order);
		pages_out += 1 << order;
	}
	return p;
}

void plat_s2_free(void *p, unsigned int order)
{
	pages_out -= 1 << order;
	free(p);
}

void vcpu_kick(struct vcpu *v)
{
	(void)v;
	kicks++;
}

/* Not reached here: only the doorbell hypercalls are made. */
int plat_host_buf_get(struct host_buf *hb, u64 va, size_t size, bool write)
{
	(void)hb; (void)va; (void)size; (void)write;
	return GH_ERROR_ADDR_INVAL;
}

void plat_vcpu_run(u64 *regs)
{
	regs[0] = GH_ERROR_UNIMPLEMENTED;
}

int rm_host_msgq_send(const void *msg, size_t size, bool push, bool *not_full)
{
	(void)msg; (void)size; (void)push; (void)not_full;
	return GH_ERROR_UNIMPLEMENTED;
}

int rm_host_msgq_recv(void *buf, size_t buf_size, size_t *size, bool *not_empty)
{
	(void)buf; (void)buf_size; (void)size; (void)not_empty;
	return GH_ERROR_UNIMPLEMENTED;
}

int rm_host_msgq_flush(bool tx)
{
	(void)tx;
	return GH_ERROR_UNIMPLEMENTED;
}

#define VMID		9
#define GICD		VGIC_DEFAULT_GICD_BASE
#define INTID		45
#define LR_PENDING	VGIC_LR_PENDING
#define LR_ACTIVE	VGIC_LR_ACTIVE

static struct vm *vm;
static u64 cap;

static void gicd_wr(u64 off, u64 val)
{
	EXPECT_TRUE(vgic_mmio(&vcpu0, GICD + off, true, 4, &val));
}

static u32 gicd_rd(u64 off)
{
	u64 val = 0;

	if (!vgic_mmio(&vcpu0, GICD + off, false, 4, &val))
		unit_fail(__FILE__, __LINE__, "GICD read", (long long)off, 0);
	return (u32)val;
}

/* GICD_ISPENDR / ISACTIVER bit of @intid as the guest reads it. */
static bool pending(u32 intid)
{
	return gicd_rd(0x200 + intid / 32 * 4) & BIT(intid % 32);
}

static bool active(u32 intid)
{
	return gicd_rd(0x300 + intid / 32 * 4) & BIT(intid % 32);
}

static void mask_irq(u32 intid, bool masked)
{
	gicd_wr((masked ? 0x180 : 0x100) + intid / 32 * 4, BIT(intid % 32));
}

/* One VM, one vCPU, its distributor on and INTID enabled (@edge). */
static void setup(bool edge)
{
	memset(vms, 0, sizeof(vms));
	memset(&vcpu0, 0, sizeof(vcpu0));
	vm = &vms[3];
	vm->used = true;
	vm->vmid = VMID;
	vgic_vm_init(vm);
	vcpu0.vm = vm;
	vcpu0.on = true;
	vgic_vcpu_init(&vcpu0);
	vm->vcpu[0] = &vcpu0;
	gicd_wr(0, BIT(1) | BIT(4));			/* EnableGrp1A, ARE */
	gicd_wr(0xc00 + INTID / 16 * 4, edge ? BIT(2 * (INTID % 16) + 1) : 0);
	gicd_wr(0x100 + INTID / 32 * 4, BIT(INTID % 32));
	spin_lock(&hyp_lock);
	ASSERT_EQ(vm_doorbell_create(VMID, INTID, &cap), GH_ERROR_OK);
	spin_unlock(&hyp_lock);
	kicks = 0;
}

static void teardown(void)
{
	u64 r[8] = { GH_HCALL_BASE | GH_HCALL_DOORBELL_SEND, cap, 1, 0 };

	spin_lock(&hyp_lock);
	vm_doorbells_free(vm);
	vgic_vm_free(vm);
	spin_unlock(&hyp_lock);
	gh_vendor_hyp_call(r);
	EXPECT_EQ(r[0], GH_ERROR_CSPACE_CAP_NULL);
	EXPECT_EQ(pages_out, 0);		/* every pool page came back */
}

static u64 send(u64 flags)
{
	u64 r[8] = { GH_HCALL_BASE | GH_HCALL_DOORBELL_SEND, cap, flags, 0 };

	gh_vendor_hyp_call(r);
	if (r[0] != GH_ERROR_OK || hyp_lock.locked)
		unit_fail(__FILE__, __LINE__, "doorbell_send", (long long)r[0], 0);
	return r[1];
}

static void hcall(u32 nr, u64 a2, u64 a3)
{
	u64 r[8] = { GH_HCALL_BASE | nr, cap, a2, a3, 0 };

	gh_vendor_hyp_call(r);
	EXPECT_EQ(r[0], GH_ERROR_OK);
}

/* What the guest would find on entry: INTID's LR state bits (0: not there). */
static u64 flush(u64 *lr)
{
	unsigned int n = 4;

	memset(lr, 0, n * sizeof(*lr));
	vgic_flush_lrs(&vcpu0, lr, n);
	for (unsigned int i = 0; i < n; i++)
		if ((lr[i] & VGIC_LR_VINTID_MASK) == INTID)
			return lr[i] & (LR_PENDING | LR_ACTIVE);
	return 0;
}

/* The guest ran: LR of INTID now @state (active after an ack, 0 after EOI). */
static void sync(u64 *lr, u64 state)
{
	for (unsigned int i = 0; i < 4; i++)
		if ((lr[i] & VGIC_LR_VINTID_MASK) == INTID)
			lr[i] = state ? (lr[i] & ~(LR_PENDING | LR_ACTIVE)) | state : 0;
	vgic_sync_lrs(&vcpu0, lr, 4);
}

/*
 * Edge irqfd (the reset masks: enable ~0, ack 0): the flags stay set, but
 * an edge-configured SPI becomes pending on every send.
 */
TEST(doorbell_edge_irqfd)
{
	u64 lr[4];

	setup(true);
	EXPECT_EQ(flush(lr), 0);
	sync(lr, 0);
	EXPECT_EQ(send(1), 0);
	EXPECT_EQ(kicks, 1);				/* the vCPU is woken */
	EXPECT_EQ(flush(lr), LR_PENDING);
	sync(lr, LR_ACTIVE);				/* taken */
	EXPECT_EQ(send(1), 1);				/* ack_mask 0: kept */
	EXPECT_EQ(flush(lr), LR_ACTIVE | LR_PENDING);	/* a new event */
	sync(lr, LR_PENDING);				/* EOI of the first */
	EXPECT_EQ(flush(lr), LR_PENDING);		/* the second follows */
	sync(lr, 0);					/* taken and EOI'd */
	EXPECT_EQ(flush(lr), 0);			/* nothing more */
	sync(lr, 0);
	EXPECT_EQ(send(2), 1);
	EXPECT_EQ(flush(lr), LR_PENDING);
	sync(lr, 0);
	teardown();
}

/*
 * Level irqfd as the driver sets it: enable 1, ack 1. Each
 * send is exactly one interrupt; the level drops once the guest has
 * handled it. The old stub kept it up after the EOI (ack at take time with
 * ack 0) or cleared the flags only when taken; the real one clears them
 * at the send.
 */
TEST(doorbell_level_enable1_ack1_one_irq_per_send)
{
	u64 lr[4];
	int irqs = 0;

	setup(false);
	hcall(GH_HCALL_DOORBELL_MASK, 1, 1);
	for (int i = 0; i < 5; i++) {
		EXPECT_EQ(send(1), 0);			/* cleared at the send */
		EXPECT_TRUE(pending(INTID));
		while (flush(lr) & LR_PENDING) {
			irqs++;
			sync(lr, LR_ACTIVE);		/* taken */
			EXPECT_FALSE(pending(INTID));
			EXPECT_EQ(flush(lr), LR_ACTIVE);
			sync(lr, 0);			/* EOI: level dropped */
		}
		sync(lr, 0);
		EXPECT_FALSE(pending(INTID));
		EXPECT_EQ(irqs, i + 1);
	}
	/*
	 * Two sends before the guest had the first: consumed at the send
	 * (old_flags 0; the old stub cleared them when the guest took it),
	 * merged into one interrupt as on a GIC.
	 */
	EXPECT_EQ(send(1), 0);
	EXPECT_EQ(send(1), 0);
	EXPECT_EQ(flush(lr), LR_PENDING);
	sync(lr, 0);
	EXPECT_EQ(flush(lr), 0);
	sync(lr, 0);
	/* Two sends while the guest handles the first: one more, no third. */
	EXPECT_EQ(send(1), 0);
	EXPECT_EQ(flush(lr), LR_PENDING);
	sync(lr, LR_ACTIVE);
	EXPECT_EQ(send(1), 0);
	EXPECT_EQ(flush(lr), LR_ACTIVE);		/* level: not while active */
	sync(lr, 0);					/* EOI: reasserted */
	EXPECT_EQ(flush(lr), LR_PENDING);
	sync(lr, LR_ACTIVE);
	EXPECT_EQ(flush(lr), LR_ACTIVE);
	sync(lr, 0);
	EXPECT_EQ(flush(lr), 0);
	sync(lr, 0);
	teardown();
}

/*
 * The guest masks the level SPI in its handler (a oneshot handler):
 * while it is active it does not read pending (its LR is active only), as
 * observed on the real hypervisor. With ack 1 the level was consumed by
 * the send: unmasking brings nothing. With ack 0 the doorbell still
 * asserts it: after the EOI it reads pending and is taken again once
 * unmasked.
 */
TEST(doorbell_level_masked_in_handler)
{
	u64 lr[4];

	setup(false);
	hcall(GH_HCALL_DOORBELL_MASK, 1, 1);
	EXPECT_EQ(send(1), 0);
	EXPECT_EQ(flush(lr), LR_PENDING);
	sync(lr, LR_ACTIVE);
	mask_irq(INTID, true);
	EXPECT_FALSE(pending(INTID));
	EXPECT_TRUE(active(INTID));
	EXPECT_EQ(flush(lr), LR_ACTIVE);
	sync(lr, 0);					/* EOI */
	EXPECT_FALSE(pending(INTID));
	mask_irq(INTID, false);
	EXPECT_EQ(flush(lr), 0);			/* one send, one irq */
	sync(lr, 0);

	hcall(GH_HCALL_DOORBELL_MASK, 1, 0);
	EXPECT_EQ(send(1), 0);
	EXPECT_EQ(flush(lr), LR_PENDING);
	sync(lr, LR_ACTIVE);
	mask_irq(INTID, true);
	EXPECT_FALSE(pending(INTID));			/* the observed fact */
	EXPECT_EQ(flush(lr), LR_ACTIVE);
	sync(lr, 0);					/* EOI, still masked */
	EXPECT_TRUE(pending(INTID));			/* asserted, not listed */
	EXPECT_EQ(flush(lr), 0);
	sync(lr, 0);
	mask_irq(INTID, false);
	EXPECT_EQ(flush(lr), LR_PENDING);		/* taken again */
	sync(lr, 0);
	EXPECT_EQ(flush(lr), LR_PENDING);		/* ack 0: until reset */
	sync(lr, 0);
	hcall(GH_HCALL_DOORBELL_RESET, 0, 0);
	EXPECT_FALSE(pending(INTID));
	EXPECT_EQ(flush(lr), 0);
	sync(lr, 0);
	teardown();
}

/* Rung while masked (ack 1): held as pending, delivered once on unmask. */
TEST(doorbell_level_rung_while_masked)
{
	u64 lr[4];

	setup(false);
	hcall(GH_HCALL_DOORBELL_MASK, 1, 1);
	mask_irq(INTID, true);
	EXPECT_EQ(send(1), 0);
	EXPECT_TRUE(pending(INTID));
	EXPECT_EQ(flush(lr), 0);
	sync(lr, 0);
	mask_irq(INTID, false);
	EXPECT_EQ(flush(lr), LR_PENDING);
	sync(lr, 0);
	EXPECT_EQ(flush(lr), 0);
	sync(lr, 0);
	/*
	 * ICPENDR does not clear a source's level the guest has not had yet
	 * (the real vGIC asks the doorbell with "reasserted" set).
	 */
	EXPECT_EQ(send(1), 0);
	gicd_wr(0x280 + INTID / 32 * 4, BIT(INTID % 32));
	EXPECT_TRUE(pending(INTID));
	EXPECT_EQ(flush(lr), LR_PENDING);
	sync(lr, 0);
	EXPECT_EQ(flush(lr), 0);
	sync(lr, 0);
	teardown();
}

/*
 * enable_mask 0: the flags collect and each send is an edge only (an
 * edge-configured SPI still fires, a level one does not); enabling a set
 * flag asserts the level at once and consumes ack_mask.
 */
TEST(doorbell_enable_mask_edge_only)
{
	u64 lr[4];

	setup(false);
	hcall(GH_HCALL_DOORBELL_MASK, 0, ~0UL);
	EXPECT_EQ(send(4), 0);
	EXPECT_EQ(send(8), 4);				/* flags collect */
	EXPECT_FALSE(pending(INTID));
	EXPECT_EQ(flush(lr), 0);
	sync(lr, 0);
	hcall(GH_HCALL_DOORBELL_MASK, 4, 4);
	EXPECT_EQ(flush(lr), LR_PENDING);
	sync(lr, 0);					/* consumed by the mask */
	EXPECT_EQ(flush(lr), 0);
	sync(lr, 0);
	EXPECT_EQ(send(1), 8);				/* bit 2 acked, 3 left */
	/* Disabling every set flag drops the level before the guest had it. */
	hcall(GH_HCALL_DOORBELL_MASK, 0, 0);
	EXPECT_EQ(send(2), 9);
	EXPECT_FALSE(pending(INTID));
	hcall(GH_HCALL_DOORBELL_MASK, 0x10, 0);
	EXPECT_FALSE(pending(INTID));
	EXPECT_EQ(flush(lr), 0);
	sync(lr, 0);
	/* Edge-configured: an edge-only send is still an interrupt. */
	gicd_wr(0xc00 + INTID / 16 * 4, BIT(2 * (INTID % 16) + 1));
	EXPECT_EQ(send(1), 0xb);
	EXPECT_EQ(flush(lr), LR_PENDING);
	sync(lr, 0);
	/* Sending 0 is a send too (the real one does not refuse it). */
	EXPECT_EQ(send(0), 0xb);
	EXPECT_EQ(flush(lr), LR_PENDING);
	sync(lr, 0);
	teardown();
}

/*
 * Rung before the guest's driver was ready: the level is up while the SPI
 * is level-configured and disabled; the guest then makes it edge. Every
 * later send must arrive.
 */
TEST(doorbell_rung_before_edge_config)
{
	u64 lr[4];

	setup(false);
	mask_irq(INTID, true);
	EXPECT_EQ(send(1), 0);
	gicd_wr(0xc00 + INTID / 16 * 4, BIT(2 * (INTID % 16) + 1));
	mask_irq(INTID, false);
	flush(lr);
	sync(lr, 0);
	EXPECT_EQ(send(1), 1);				/* ack 0: flags kept */
	EXPECT_EQ(flush(lr), LR_PENDING);
	sync(lr, LR_ACTIVE);
	EXPECT_EQ(send(1), 1);
	EXPECT_EQ(flush(lr), LR_ACTIVE | LR_PENDING);
	sync(lr, 0);
	teardown();
}

/* vm_reset(): the doorbells drop their levels and get their reset masks. */
TEST(doorbell_vm_reset)
{
	u64 lr[4];

	setup(false);
	hcall(GH_HCALL_DOORBELL_MASK, 1, 1);
	mask_irq(INTID, true);
	EXPECT_EQ(send(1), 0);
	spin_lock(&hyp_lock);
	vgic_vm_reset(vm);
	vm_doorbells_reset(vm);
	spin_unlock(&hyp_lock);
	gicd_wr(0, BIT(1) | BIT(4));
	mask_irq(INTID, false);
	EXPECT_EQ(flush(lr), 0);
	sync(lr, 0);
	EXPECT_EQ(send(1), 0);
	EXPECT_EQ(flush(lr), LR_PENDING);
	sync(lr, 0);					/* EOI */
	EXPECT_EQ(send(1), 1);				/* reset ack_mask is 0 */
	EXPECT_EQ(flush(lr), LR_PENDING);		/* level still held */
	sync(lr, 0);
	teardown();
}

/*
 * QEMU's VM: 256 level doorbells on SPIs 0-255 (INTIDs 32..287). The vGIC
 * grows to cover them from the pool, reports it in GICD_TYPER, delivers on
 * the highest one, and gives every page back when the VM goes. The old
 * stub had 8 doorbells and INTIDs up to 127.
 */
TEST(doorbell_256_on_spis_0_255)
{
	static u64 caps[256];
	u64 lr[4], c, r[8];

	setup(false);
	EXPECT_EQ(gicd_rd(4) & 0x1f, 3);		/* 128 INTIDs to start */
	spin_lock(&hyp_lock);
	for (u32 i = 0; i < 256; i++) {
		if (32 + i == INTID)
			continue;
		ASSERT_EQ(vm_doorbell_create(VMID, 32 + i, &caps[i]), GH_ERROR_OK);
	}
	EXPECT_EQ(vm_doorbell_create(VMID, 287, &c), GH_ERROR_VIRQ_BOUND);
	EXPECT_EQ(vm_doorbell_create(VMID, 1020, &c), GH_ERROR_ARG_INVAL);
	spin_unlock(&hyp_lock);
	EXPECT_TRUE(pages_out > 0);
	/* 96 + 2 pages of 128 SPIs; ITLinesNumber N: INTIDs < 32 * (N + 1). */
	EXPECT_EQ(gicd_rd(4) & 0x1f, (32 + 352 + 31) / 32 - 1);
	EXPECT_EQ(gicd_rd(4) & ~0x1fU, 9U << 19);	/* IDbits, 1 vCPU */
	/* The highest: level, enabled, ack 1, as the driver sets it. */
	gicd_wr(0xc00 + 287 / 16 * 4, 0);
	mask_irq(287, false);
	memcpy(r, (u64[8]){ GH_HCALL_BASE | GH_HCALL_DOORBELL_MASK, caps[255], 1, 1, 0 },
	       sizeof(r));
	gh_vendor_hyp_call(r);
	EXPECT_EQ(r[0], GH_ERROR_OK);
	memcpy(r, (u64[8]){ GH_HCALL_BASE | GH_HCALL_DOORBELL_SEND, caps[255], 1, 0 },
	       sizeof(r));
	gh_vendor_hyp_call(r);
	EXPECT_EQ(r[0], GH_ERROR_OK);
	EXPECT_TRUE(pending(287));
	memset(lr, 0, sizeof(lr));
	vgic_flush_lrs(&vcpu0, lr, 4);
	EXPECT_EQ(lr[0] & (VGIC_LR_VINTID_MASK | LR_PENDING), 287 | LR_PENDING);
	lr[0] = 0;
	vgic_sync_lrs(&vcpu0, lr, 4);
	EXPECT_FALSE(pending(287));
	/* Beyond the VM's SPIs: RAZ/WI. */
	gicd_wr(0x100 + 960 / 32 * 4, ~0U);
	EXPECT_EQ(gicd_rd(0x100 + 960 / 32 * 4), 0);
	teardown();
	EXPECT_EQ(gicd_rd(4) & 0x1f, 3);
}

/* As many as the real vGIC has: up to INTID 1019, ITLinesNumber 31. */
TEST(doorbell_highest_spi)
{
	u64 c;

	setup(false);
	spin_lock(&hyp_lock);
	ASSERT_EQ(vm_doorbell_create(VMID, 1019, &c), GH_ERROR_OK);
	spin_unlock(&hyp_lock);
	EXPECT_EQ(gicd_rd(4) & 0x1f, 31);
	gicd_wr(0x100 + 1019 / 32 * 4, ~0U);		/* 1020..1023: none */
	EXPECT_EQ(gicd_rd(0x100 + 1019 / 32 * 4), 0x0fffffffU);
	teardown();
}
