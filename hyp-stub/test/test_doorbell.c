// SPDX-License-Identifier: GPL-2.0-only
/*
 * Doorbells end to end on the real vGIC (core/doorbell.c, core/vgic.c and
 * the hypercalls of core/hypercall.c): the host rings, the guest sees the
 * SPI in its list registers, takes it (an LR going active) and EOIs it (the
 * LR empty). The RM, host memory and vcpu_kick() are mocked.
 */
#include "unit.h"
#include "doorbell.h"
#include "gunyah.h"
#include "hypercall.h"
#include "vcpu.h"
#include "vgic.h"

struct vm vms[VM_MAX_VMS];
static struct vcpu vcpu0;
static int kicks;

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
	spin_unlock(&hyp_lock);
	gh_vendor_hyp_call(r);
	EXPECT_EQ(r[0], GH_ERROR_CSPACE_CAP_NULL);
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

TEST(doorbell_edge_irqfd)
{
	u64 lr[4];

	setup(true);
	EXPECT_EQ(flush(lr), 0);
	sync(lr, 0);
	EXPECT_EQ(send(1), 0);
	EXPECT_EQ(kicks, 1);				/* the vCPU is woken */
	EXPECT_EQ(flush(lr), LR_PENDING);
	sync(lr, LR_ACTIVE);				/* taken: flags cleared */
	EXPECT_EQ(send(1), 0);				/* a new event */
	EXPECT_EQ(flush(lr), LR_ACTIVE | LR_PENDING);
	sync(lr, LR_PENDING);				/* EOI of the first */
	EXPECT_EQ(flush(lr), LR_PENDING);		/* the second follows */
	sync(lr, 0);					/* taken and EOI'd */
	EXPECT_EQ(flush(lr), 0);
	sync(lr, 0);
	EXPECT_EQ(send(2), 0);
	teardown();
}

TEST(doorbell_level_irqfd)
{
	u64 lr[4];

	setup(false);
	hcall(GH_HCALL_DOORBELL_MASK, 1, 0);		/* Linux's level irqfd */
	EXPECT_EQ(send(1), 0);
	EXPECT_EQ(flush(lr), LR_PENDING);
	sync(lr, LR_ACTIVE);
	EXPECT_EQ(send(1), 1);				/* not acked away */
	EXPECT_NE(flush(lr) & LR_ACTIVE, 0);
	sync(lr, 0);					/* EOI */
	EXPECT_EQ(flush(lr), LR_PENDING);		/* still asserted */
	sync(lr, 0);
	hcall(GH_HCALL_DOORBELL_RESET, 0, 0);
	EXPECT_EQ(flush(lr), 0);			/* line down */
	sync(lr, 0);
	/* enable_mask 0: flags collect, nothing is raised. */
	hcall(GH_HCALL_DOORBELL_MASK, 0, ~0UL);
	EXPECT_EQ(send(4), 0);
	EXPECT_EQ(flush(lr), 0);
	sync(lr, 0);
	hcall(GH_HCALL_DOORBELL_MASK, 4, ~0UL);
	EXPECT_EQ(flush(lr), LR_PENDING);
	sync(lr, 0);
	teardown();
}

/*
 * Rung before the guest's driver was ready: the line is high while the SPI
 * is level-configured and disabled; the guest then makes it edge. That
 * first event may be lost (as on a GIC), but every later send must arrive.
 */
TEST(doorbell_rung_before_edge_config)
{
	u64 lr[4];

	setup(false);
	gicd_wr(0x180 + INTID / 32 * 4, BIT(INTID % 32));	/* disabled */
	EXPECT_EQ(send(1), 0);
	gicd_wr(0xc00 + INTID / 16 * 4, BIT(2 * (INTID % 16) + 1));
	gicd_wr(0x100 + INTID / 32 * 4, BIT(INTID % 32));
	flush(lr);
	sync(lr, 0);
	EXPECT_EQ(send(1), 1);				/* flags still set */
	EXPECT_EQ(flush(lr), LR_PENDING);
	sync(lr, LR_ACTIVE);				/* taken: flags cleared */
	EXPECT_EQ(send(1), 0);
	EXPECT_EQ(flush(lr), LR_ACTIVE | LR_PENDING);
	sync(lr, 0);
	teardown();
}

/* A level SPI taken and still asserted reads back as pending. */
TEST(doorbell_level_active_reads_pending)
{
	u64 lr[4], val = 0;

	setup(false);
	hcall(GH_HCALL_DOORBELL_MASK, 1, 0);
	EXPECT_EQ(send(1), 0);
	EXPECT_EQ(flush(lr), LR_PENDING);
	sync(lr, LR_ACTIVE);				/* in the guest's handler */
	EXPECT_TRUE(vgic_mmio(&vcpu0, GICD + 0x200 + INTID / 32 * 4, false, 4,
			      &val));
	EXPECT_NE(val & BIT(INTID % 32), 0);
	EXPECT_TRUE(vgic_mmio(&vcpu0, GICD + 0x300 + INTID / 32 * 4, false, 4,
			      &val));
	EXPECT_NE(val & BIT(INTID % 32), 0);		/* and active */
	flush(lr);
	sync(lr, 0);
	teardown();
}

/* vm_reset(): the vGIC keeps bound lines' levels, the doorbells drop them. */
TEST(doorbell_vm_reset)
{
	u64 lr[4];

	setup(false);
	hcall(GH_HCALL_DOORBELL_MASK, 1, 0);
	EXPECT_EQ(send(1), 0);
	spin_lock(&hyp_lock);
	vgic_vm_reset(vm);
	vm_doorbells_reset(vm);
	spin_unlock(&hyp_lock);
	gicd_wr(0, BIT(1) | BIT(4));
	gicd_wr(0x100 + INTID / 32 * 4, BIT(INTID % 32));
	EXPECT_EQ(flush(lr), 0);
	sync(lr, 0);
	EXPECT_EQ(send(1), 0);
	EXPECT_EQ(flush(lr), LR_PENDING);
	sync(lr, LR_ACTIVE);				/* masks back to ~0 */
	EXPECT_EQ(send(1), 0);
	sync(lr, 0);
	teardown();
}
