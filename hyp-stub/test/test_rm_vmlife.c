// SPDX-License-Identifier: GPL-2.0-only
/*
 * Unit tests for the VM lifecycle in core/rm_vm.c and core/rm_vmcfg.c:
 * CONFIG_IMAGE, SET_BOOT_CONTEXT, INIT (the VM's DT), GET_HYP_RESOURCES,
 * START, STOP, RESET, DEALLOC, guest exits, and the notifications, against
 * the vm.h mock (test/vm_mock.c).
 */
#include "rm_guest_test.h"

/*
 * The image parcel: arena pages 0-7 then 16-23 (64 KiB in the guest at
 * BASE). The DT sits at DTB_OFF, across the two ranges, so that the RM must
 * follow the parcel's layout to read it.
 */
#define BASE		0x80000000ULL
#define DTB_OFF		0x7800ULL
#define DTB_SIZE	0x1000ULL
#define EXTRA_LABEL	7
#define EXTRA_IPA	0x90000000ULL

static u16 vm;
static u32 image, extra;

static void write_parcel(u64 off, const void *src, size_t len)
{
	const u8 *s = src;

	for (size_t i = 0; i < len; i++, off++) {
		unsigned int page = (unsigned int)(off / MOCK_PAGE);

		page = page < 8 ? page : page - 8 + 16;
		mock_ram[page * MOCK_PAGE + off % MOCK_PAGE] = s[i];
	}
}

/* A VM, its image parcel (shared) and an extra lent parcel (label 7). */
static void setup(void)
{
	struct g_sgl img[2] = { g_pages(0, 8), g_pages(16, 8) }, ext = g_pages(30, 4);

	rm_test_reset();
	vm = g_alloc_vm();
	HOST_CHECK(vm != 0, "vm", vm, 0);
	HOST_CHECK(g_donate(false, vm, 7, 0, 1, img, 2, &image) == RM_ERROR_OK, "image", 0, 0);
	HOST_CHECK(g_donate(true, vm, 6, 0, EXTRA_LABEL, &ext, 1, &extra) == RM_ERROR_OK,
		   "extra", 0, 0);
}

static void put_dt(const struct g_dt *d)
{
	static u8 buf[DTB_SIZE];

	memset(buf, 0, sizeof(buf));
	g_build_dt(buf, sizeof(buf), d);
	write_parcel(DTB_OFF, buf, sizeof(buf));
}

static const struct g_dt dt_ok = { .base = BASE, .ncpus = 2 };

static u32 configure(void)
{
	return g_config_image(vm, 0, image, 0, 0, DTB_OFF, DTB_SIZE);
}

/* VM_INIT, checking the INIT and READY/INIT_FAILED notifications around it. */
static u32 init_vm(void)
{
	u32 err = g_vmid_call(RM_MSG_VM_INIT, vm);

	HOST_CHECK(g_nev == 3 && g_reply_at == 2, "INIT: two notifications, reply", g_nev, 3);
	HOST_CHECK(g_is_status(0, vm, RM_VM_STATUS_INIT), "status INIT", 0, 0);
	HOST_CHECK(g_is_status(1, vm, err ? RM_VM_STATUS_INIT_FAILED : RM_VM_STATUS_READY),
		   "status READY/INIT_FAILED", err, 0);
	return err;
}

static const struct mock_map *find_map(u64 ipa)
{
	for (unsigned int i = 0; i < MOCK_MAPS; i++) {
		if (mock.map[i].used && mock.map[i].vmid == vm && mock.map[i].ipa == ipa)
			return &mock.map[i];
	}
	return NULL;
}

static struct mock_vm *mvm(void)
{
	for (unsigned int i = 0; i < MOCK_VMS; i++) {
		if (mock.vm[i].exists && mock.vm[i].vmid == vm)
			return &mock.vm[i];
	}
	return NULL;
}

/* Everything the host can receive now, into g_ev (as g_call() does). */
static void drain(void)
{
	static struct host_msg m;

	g_nev = 0;
	g_reply_at = -1;
	while (host_recv_msg(&m) == 0) {
		struct g_event *e = &g_ev[g_nev < 16 ? g_nev : 15];

		e->type = m.type;
		e->id = m.id;
		e->len = m.len;
		memcpy(e->data, m.data, MIN(m.len, sizeof(e->data)));
		HOST_CHECK(m.type == RM_RPC_TYPE_NOTIF, "only notifications", m.type, 3);
		g_nev++;
	}
}

/*
 * Move the RM's clock on in steps of @step us until the host receives
 * something (in g_ev); returns how long that took, ~0 if nothing came
 * within @max us.
 */
static u64 wait_notifs(u64 step, u64 max)
{
	u64 waited = 0;

	for (;;) {
		drain();
		if (g_nev)
			return waited;
		if (waited >= max)
			return ~0ULL;
		mock_advance_us(step);
		waited += step;
	}
}

/* The defaults of core/rm_vm.c, which these tests hold it to. */
#define HALT_US		2000
#define RESET_US	3000
#define RESET_US_PER_MIB 100

/*
 * VM_RESET of @v as the real RM answers it: VM_STATUS RESETTING, the OK
 * reply, and VM_STATUS RESET later; true if all came.
 */
static bool reset_vm(u16 v)
{
	if (g_vmid_call(RM_MSG_VM_RESET, v) != RM_ERROR_OK || g_nev != 2 || g_reply_at != 1 ||
	    !g_is_status(0, v, RM_VM_STATUS_RESETTING))
		return false;
	return wait_notifs(500, 1000000) != ~0ULL && g_nev == 1 &&
	       g_is_status(0, v, RM_VM_STATUS_RESET);
}

/* g_ev[i] is VM_EXITED of @vmid with @type and @words of reason. */
static bool is_exited(unsigned int i, u16 vmid, u16 type, unsigned int words)
{
	const struct g_event *e = &g_ev[i];

	return i < g_nev && e->type == RM_RPC_TYPE_NOTIF && e->id == RM_NOTIF_VM_EXITED &&
	       e->len == 8 + 4 * words && rm_get_le16(e->data) == vmid &&
	       rm_get_le16(e->data + 2) == type && rm_get_le32(e->data + 4) == 4 * words;
}

TEST(vmlife_full_lifecycle)
{
	struct g_dt d = dt_ok;
	u8 rep[512];
	size_t rep_len = 0;
	const struct mock_map *m;
	u8 stop[8] = { 0 };

	setup();
	d.ncpus = 6;		/* 6 * 44 + 8 bytes: a two-packet reply */
	d.rmem = true;
	d.rmem_labelled = true;		/* qcom,label: the extra parcel's */
	d.rmem_label = EXTRA_LABEL;
	d.rmem_base = EXTRA_IPA;
	d.rmem_size = 4 * MOCK_PAGE;
	put_dt(&d);

	ASSERT_EQ(configure(), RM_ERROR_OK);
	EXPECT_EQ(g_nev, 1);		/* no notification */
	ASSERT_EQ(init_vm(), RM_ERROR_OK);

	/* Image parcel at base-address, range by range; extra at VM_START. */
	ASSERT_TRUE(mvm() != NULL);
	m = find_map(BASE);
	ASSERT_TRUE(m != NULL);
	EXPECT_EQ(m->pa, mock_pa(0));
	EXPECT_EQ(m->size, 8 * MOCK_PAGE);
	EXPECT_TRUE(m->write && m->exec);
	m = find_map(BASE + 8 * MOCK_PAGE);
	ASSERT_TRUE(m != NULL);
	EXPECT_EQ(m->pa, mock_pa(16));
	EXPECT_TRUE(find_map(EXTRA_IPA) == NULL);
	EXPECT_EQ(mock.nr_maps, 2);
	EXPECT_EQ(mvm()->nr_vcpus, 6);

	ASSERT_EQ(g_hyp_resources(vm, rep, &rep_len), RM_ERROR_OK);
	ASSERT_EQ(rep_len, 4 + 6 * 44);
	EXPECT_EQ(rm_get_le32(rep), 6);
	for (unsigned int i = 0; i < 6; i++) {
		const u8 *e = rep + 4 + i * 44;
		static const u8 zero[16];

		EXPECT_EQ(e[0], RM_HYP_RES_VCPU);
		EXPECT_EQ(e[1], 0);
		EXPECT_EQ(rm_get_le16(e + 2), vm);
		EXPECT_EQ(rm_get_le32(e + 4), 0);
		EXPECT_EQ(rm_get_le32(e + 8), i);
		EXPECT_EQ(rm_get_le64(e + 12), MOCK_VCPU_CAPID(vm, i));
		EXPECT_EQ(rm_get_le32(e + 20), 0);
		EXPECT_EQ(rm_get_le32(e + 24), MOCK_VCPU_VIRQ(i));
		EXPECT_MEMEQ(e + 28, zero, 16);
	}

	/* In use: no reclaim while mapped. */
	EXPECT_EQ(g_reclaim(image, 0), RM_ERROR_MEM_INUSE);
	EXPECT_EQ(g_vmid_call(RM_MSG_VM_DEALLOC_VMID, vm), RM_ERROR_VM_STATE);

	ASSERT_EQ(g_vmid_call(RM_MSG_VM_START, vm), RM_ERROR_OK);
	EXPECT_EQ(g_nev, 2);
	EXPECT_TRUE(g_is_status(0, vm, RM_VM_STATUS_RUNNING));
	EXPECT_EQ(g_reply_at, 1);
	/* The labelled /reserved-memory node's parcel, accepted there. */
	m = find_map(EXTRA_IPA);
	ASSERT_TRUE(m != NULL);
	EXPECT_EQ(m->pa, mock_pa(30));
	EXPECT_TRUE(m->write);
	EXPECT_FALSE(m->exec);		/* rights RW from the ACL */
	EXPECT_EQ(mock.nr_maps, 3);
	EXPECT_EQ(g_reclaim(extra, 0), RM_ERROR_MEM_INUSE);
	ASSERT_TRUE(mvm()->running);
	EXPECT_EQ(mvm()->boot.pc, BASE);
	EXPECT_EQ(mvm()->boot.x[0], BASE + DTB_OFF);
	EXPECT_EQ(mvm()->boot.x[1], 0);
	EXPECT_EQ(mvm()->boot.sp_el1, 0);
	EXPECT_EQ(g_vmid_call(RM_MSG_VM_RESET, vm), RM_ERROR_VM_STATE);
	EXPECT_EQ(g_reclaim(image, 0), RM_ERROR_MEM_INUSE);

	le16(stop, vm);
	stop[2] = RM_VM_STOP_FLAG_FORCE;
	le32(stop + 4, 0x99);
	ASSERT_EQ(g_call0(RM_MSG_VM_STOP, stop, 8), RM_ERROR_OK);
	/* As the real RM: EXITED status, VM_EXITED (reason: one zero word), reply. */
	ASSERT_EQ(g_nev, 3);
	EXPECT_TRUE(g_is_status(0, vm, RM_VM_STATUS_EXITED));
	EXPECT_TRUE(is_exited(1, vm, RM_VM_EXIT_TYPE_FORCED_STOP, 1));
	EXPECT_EQ(rm_get_le32(g_ev[1].data + 8), 0);
	EXPECT_EQ(g_reply_at, 2);
	EXPECT_FALSE(mvm()->running);
	EXPECT_EQ(g_call0(RM_MSG_VM_STOP, stop, 8), RM_ERROR_VM_STATE);
	EXPECT_EQ(g_reclaim(image, 0), RM_ERROR_MEM_INUSE);	/* not reset yet */

	/* RESET: RESETTING, the reply, and RESET only later. */
	ASSERT_EQ(g_vmid_call(RM_MSG_VM_RESET, vm), RM_ERROR_OK);
	ASSERT_EQ(g_nev, 2);
	EXPECT_TRUE(g_is_status(0, vm, RM_VM_STATUS_RESETTING));
	EXPECT_EQ(g_reply_at, 1);
	EXPECT_EQ(mock.nr_maps, 3);
	EXPECT_EQ(mock.reset_calls, 0);
	/* Meanwhile the VM still holds its parcels and its VMID. */
	EXPECT_EQ(g_reclaim(extra, 0), RM_ERROR_MEM_INUSE);
	EXPECT_EQ(g_vmid_call(RM_MSG_VM_DEALLOC_VMID, vm), RM_ERROR_VM_STATE);
	EXPECT_EQ(g_vmid_call(RM_MSG_VM_RESET, vm), RM_ERROR_VM_STATE);
	/* 80 KiB mapped: one MiB's worth on top of the base delay. */
	EXPECT_EQ(wait_notifs(100, 100000), RESET_US + RESET_US_PER_MIB);
	ASSERT_EQ(g_nev, 1);
	EXPECT_TRUE(g_is_status(0, vm, RM_VM_STATUS_RESET));
	EXPECT_EQ(mock.nr_maps, 0);
	EXPECT_EQ(mock.reset_calls, 1);
	EXPECT_EQ(rm_next_deadline, ~0ULL);
	EXPECT_EQ(g_vmid_call(RM_MSG_VM_START, vm), RM_ERROR_VM_STATE);

	memset(mock_ram + 30 * MOCK_PAGE, 0x42, MOCK_PAGE);
	EXPECT_EQ(g_reclaim(image, 0), RM_ERROR_OK);
	EXPECT_EQ(g_reclaim(extra, 0), RM_ERROR_OK);
	EXPECT_EQ(mock_ram[30 * MOCK_PAGE], 0);		/* lent: zeroed */
	EXPECT_EQ(mock.pages_out, 0);
	EXPECT_EQ(g_vmid_call(RM_MSG_VM_DEALLOC_VMID, vm), RM_ERROR_OK);
	EXPECT_EQ(g_nev, 1);
	EXPECT_EQ(mock.nr_vms, 0);
	EXPECT_EQ(mock.destroy_calls, 1);
	EXPECT_EQ(mock.violations, 0);
	EXPECT_TRUE(host_rx_empty());
}

TEST(vmlife_boot_context)
{
	const u32 ids[2] = { RM_MSG_VM_SET_BOOT_CONTEXT, RM_MSG_VM_SET_BOOT_CONTEXT_OLD };

	for (unsigned int k = 0; k < 2; k++) {
		u32 id = ids[k];

		setup();
		put_dt(&dt_ok);
		EXPECT_EQ(g_boot_ctx(id, 0x77, RM_BOOT_REG_SET_X, 0, 1), RM_ERROR_VMID_INVALID);
		EXPECT_EQ(g_boot_ctx(id, vm, 3, 0, 1), RM_ERROR_ARGUMENT_INVALID);
		EXPECT_EQ(g_boot_ctx(id, vm, RM_BOOT_REG_SET_X, 8, 1), RM_ERROR_ARGUMENT_INVALID);
		EXPECT_EQ(g_boot_ctx(id, vm, RM_BOOT_REG_SET_PC, 1, 1), RM_ERROR_ARGUMENT_INVALID);
		EXPECT_EQ(g_boot_ctx(id, vm, RM_BOOT_REG_SET_SP, 1, 1), RM_ERROR_ARGUMENT_INVALID);
		EXPECT_EQ(g_call0(id, g_zeros, 15), RM_ERROR_INVALID);

		/* Before INIT (LOAD) and after it (READY). */
		EXPECT_EQ(g_boot_ctx(id, vm, RM_BOOT_REG_SET_X, 7, 0x77), RM_ERROR_OK);
		EXPECT_EQ(g_boot_ctx(id, vm, RM_BOOT_REG_SET_PC, 0, BASE + 0x1000), RM_ERROR_OK);
		ASSERT_EQ(configure(), RM_ERROR_OK);
		ASSERT_EQ(init_vm(), RM_ERROR_OK);
		EXPECT_EQ(g_boot_ctx(id, vm, RM_BOOT_REG_SET_SP, 0, 0x1234), RM_ERROR_OK);
		EXPECT_EQ(g_boot_ctx(id, vm, RM_BOOT_REG_SET_X, 1, 0x11), RM_ERROR_OK);
		ASSERT_EQ(g_vmid_call(RM_MSG_VM_START, vm), RM_ERROR_OK);
		ASSERT_TRUE(mvm() != NULL);
		EXPECT_EQ(mvm()->boot.pc, BASE + 0x1000);
		EXPECT_EQ(mvm()->boot.sp_el1, 0x1234);
		EXPECT_EQ(mvm()->boot.x[0], BASE + DTB_OFF);	/* default kept */
		EXPECT_EQ(mvm()->boot.x[1], 0x11);
		EXPECT_EQ(mvm()->boot.x[7], 0x77);
		EXPECT_EQ(mvm()->boot.x[2], 0);
		EXPECT_EQ(g_boot_ctx(id, vm, RM_BOOT_REG_SET_X, 0, 1), RM_ERROR_VM_STATE);
	}
}

/* Every DT error: INIT_FAILED with nothing left behind, then RESET/DEALLOC work. */
TEST(vmlife_dt_errors)
{
	struct g_dt d[12];
	unsigned int n = 0;

	d[n] = dt_ok; d[n++].no_cfg = true;
	d[n] = dt_ok; d[n++].cfg_name = "vm-config";
	d[n] = dt_ok; d[n++].no_base = true;
	d[n] = dt_ok; d[n++].base = BASE + 0x800;		/* misaligned */
	d[n] = dt_ok; d[n++].ncpus = VM_MAX_VCPUS + 1;
	d[n] = dt_ok; d[n++].ncpus = 0;
	d[n] = dt_ok; d[n++].affinity = "static";
	/* (shm vdevices place their parcels at VM_START: vmlife_dt_variants_accepted) */
	/* The image parcel would wrap the IPA space. */
	d[n] = dt_ok; d[n++].base = 0xFFFFFFFFFFFFC000ULL;

	for (unsigned int i = 0; i <= n + 1; i++) {
		setup();
		if (i < n) {
			put_dt(&d[i]);
		} else if (i == n) {
			/* Not a DT at all. */
			u8 junk[DTB_SIZE];

			memset(junk, 0xD0, sizeof(junk));
			write_parcel(DTB_OFF, junk, sizeof(junk));
		} else {
			/* A DT whose header claims more than dtb_size. */
			static u8 buf[DTB_SIZE];

			g_build_dt(buf, sizeof(buf), &dt_ok);
			fdt_set_totalsize(buf, DTB_SIZE + 8);
			write_parcel(DTB_OFF, buf, sizeof(buf));
		}
		ASSERT_EQ(configure(), RM_ERROR_OK);
		EXPECT_NE(init_vm(), RM_ERROR_OK);
		EXPECT_EQ(mock.nr_vms, 0);
		EXPECT_EQ(mock.nr_maps, 0);
		EXPECT_EQ(g_vmid_call(RM_MSG_VM_START, vm), RM_ERROR_VM_STATE);
		EXPECT_EQ(g_vmid_call(RM_MSG_VM_INIT, vm), RM_ERROR_VM_STATE);
		EXPECT_EQ(g_reclaim(extra, 0), RM_ERROR_OK);
		EXPECT_TRUE(reset_vm(vm));
		EXPECT_EQ(g_vmid_call(RM_MSG_VM_DEALLOC_VMID, vm), RM_ERROR_OK);
		EXPECT_EQ(g_reclaim(image, 0), RM_ERROR_OK);
		EXPECT_EQ(mock.pages_out, 0);
		EXPECT_EQ(mock.violations, 0);
	}
}

TEST(vmlife_dt_variants_accepted)
{
	struct g_dt d = dt_ok;

	/* The older node name, and 8 vCPUs. */
	setup();
	d.cfg_name = "qcom,vm-config";
	d.ncpus = VM_MAX_VCPUS;
	put_dt(&d);
	ASSERT_EQ(configure(), RM_ERROR_OK);
	ASSERT_EQ(init_vm(), RM_ERROR_OK);
	EXPECT_EQ(mvm()->nr_vcpus, VM_MAX_VCPUS);
	/* The extra parcel is not in the DT: unmapped, reclaimable while READY. */
	EXPECT_EQ(mock.nr_maps, 2);
	EXPECT_EQ(g_reclaim(extra, 0), RM_ERROR_OK);

	/* A shm vdevice places the parcel with its label, at VM_START. */
	setup();
	d = dt_ok;
	d.shm = true;
	d.shm_label = EXTRA_LABEL;
	d.shm_base = EXTRA_IPA;
	put_dt(&d);
	ASSERT_EQ(configure(), RM_ERROR_OK);
	ASSERT_EQ(init_vm(), RM_ERROR_OK);
	EXPECT_TRUE(find_map(EXTRA_IPA) == NULL);
	ASSERT_EQ(g_vmid_call(RM_MSG_VM_START, vm), RM_ERROR_OK);
	ASSERT_TRUE(find_map(EXTRA_IPA) != NULL);
	EXPECT_EQ(find_map(EXTRA_IPA)->pa, mock_pa(30));

	/* A shm label no parcel has: nothing to place, no error. */
	setup();
	d.shm_label = 99;
	put_dt(&d);
	ASSERT_EQ(configure(), RM_ERROR_OK);
	ASSERT_EQ(init_vm(), RM_ERROR_OK);
	ASSERT_EQ(g_vmid_call(RM_MSG_VM_START, vm), RM_ERROR_OK);
	EXPECT_TRUE(find_map(EXTRA_IPA) == NULL);

	/* The extra parcel placed over the image parcel: VM_START fails. */
	setup();
	d.shm_label = EXTRA_LABEL;
	d.shm_base = BASE + 0x1000;
	put_dt(&d);
	ASSERT_EQ(configure(), RM_ERROR_OK);
	ASSERT_EQ(init_vm(), RM_ERROR_OK);
	EXPECT_EQ(g_vmid_call(RM_MSG_VM_START, vm), RM_ERROR_NORESOURCE);
	EXPECT_TRUE(g_is_status(0, vm, RM_VM_STATUS_INIT_FAILED));
	EXPECT_FALSE(mvm()->running);

	/*
	 * An unlabelled reserved-memory node no mapped parcel sits at: "No
	 * memparcel matching" (the old stub took a parcel of that size).
	 */
	setup();
	d = dt_ok;
	d.rmem = true;
	d.rmem_base = EXTRA_IPA;
	d.rmem_size = 4 * MOCK_PAGE;
	put_dt(&d);
	ASSERT_EQ(configure(), RM_ERROR_OK);
	ASSERT_EQ(init_vm(), RM_ERROR_OK);
	EXPECT_EQ(g_vmid_call(RM_MSG_VM_START, vm), RM_ERROR_NORESOURCE);
	EXPECT_TRUE(find_map(EXTRA_IPA) == NULL);
	EXPECT_EQ(mock.violations, 0);
}

/* A mechanism failing half way through INIT: everything undone. */
TEST(vmlife_init_rollback)
{
	for (unsigned int k = 0; k < 4; k++) {
		struct g_dt d = dt_ok;

		setup();
		put_dt(&d);
		if (k == 0)
			mock.fail_create_at = 1;
		else if (k == 1)
			mock.fail_map_at = 2;	/* second range of the image parcel */
		else if (k == 2)
			mock.fail_vcpu_at = 1;
		else
			mock.fail_vcpu_at = 2;
		ASSERT_EQ(configure(), RM_ERROR_OK);
		EXPECT_NE(init_vm(), RM_ERROR_OK);
		EXPECT_EQ(mock.nr_vms, 0);
		EXPECT_EQ(mock.nr_maps, 0);
		EXPECT_EQ(g_reclaim(image, 0), RM_ERROR_OK);
		EXPECT_EQ(g_reclaim(extra, 0), RM_ERROR_OK);
		EXPECT_EQ(g_vmid_call(RM_MSG_VM_DEALLOC_VMID, vm), RM_ERROR_OK);
		EXPECT_EQ(mock.violations, 0);
	}
}

TEST(vmlife_state_errors)
{
	u8 stop[8] = { 0 };

	setup();
	put_dt(&dt_ok);
	le16(stop, vm);
	EXPECT_EQ(g_vmid_call(RM_MSG_VM_INIT, vm), RM_ERROR_VM_STATE);	/* not configured */
	EXPECT_EQ(g_nev, 1);
	EXPECT_EQ(g_vmid_call(RM_MSG_VM_START, vm), RM_ERROR_VM_STATE);
	EXPECT_EQ(g_call0(RM_MSG_VM_STOP, stop, 8), RM_ERROR_VM_STATE);
	EXPECT_EQ(g_vmid_call(RM_MSG_VM_START, 0x77), RM_ERROR_VMID_INVALID);
	EXPECT_EQ(g_vmid_call(RM_MSG_VM_INIT, 0x77), RM_ERROR_VMID_INVALID);
	EXPECT_EQ(g_vmid_call(RM_MSG_VM_RESET, RM_VMID_HOST), RM_ERROR_VMID_INVALID);

	ASSERT_EQ(configure(), RM_ERROR_OK);
	ASSERT_EQ(configure(), RM_ERROR_OK);		/* again: the last one counts */
	ASSERT_EQ(init_vm(), RM_ERROR_OK);
	EXPECT_EQ(g_vmid_call(RM_MSG_VM_INIT, vm), RM_ERROR_VM_STATE);
	EXPECT_EQ(configure(), RM_ERROR_VM_STATE);
	EXPECT_EQ(g_call0(RM_MSG_VM_STOP, stop, 8), RM_ERROR_VM_STATE);
	EXPECT_EQ(g_vmid_call(RM_MSG_VM_DEALLOC_VMID, vm), RM_ERROR_VM_STATE);
	ASSERT_EQ(g_vmid_call(RM_MSG_VM_START, vm), RM_ERROR_OK);
	EXPECT_EQ(g_vmid_call(RM_MSG_VM_START, vm), RM_ERROR_VM_STATE);
	EXPECT_EQ(g_nev, 1);
	EXPECT_EQ(mock.start_calls, 1);
	EXPECT_EQ(configure(), RM_ERROR_VM_STATE);
	EXPECT_EQ(g_vmid_call(RM_MSG_VM_DEALLOC_VMID, vm), RM_ERROR_VM_STATE);
	EXPECT_EQ(g_call0(RM_MSG_VM_STOP, stop, 4), RM_ERROR_INVALID);
	/*
	 * Without force the real RM only asks the guest (VM_SHUTDOWN), which
	 * the stub's guests cannot hear: OK, and the VM keeps running. Other
	 * flag bits are ignored, as by the real RM.
	 */
	for (u8 flags = 0; flags < 8; flags += 2) {
		stop[2] = flags;
		EXPECT_EQ(g_call0(RM_MSG_VM_STOP, stop, 8), RM_ERROR_OK);
		EXPECT_EQ(g_nev, 1);
		EXPECT_EQ(rm_vm_lookup(vm)->status, RM_VM_STATUS_RUNNING);
		EXPECT_EQ(mock.stop_calls, 0);
	}
	stop[2] = RM_VM_STOP_FLAG_FORCE | 0x80;
	ASSERT_EQ(g_call0(RM_MSG_VM_STOP, stop, 8), RM_ERROR_OK);
	EXPECT_TRUE(is_exited(1, vm, RM_VM_EXIT_TYPE_FORCED_STOP, 1));
	EXPECT_EQ(g_nev, 3);
	EXPECT_EQ(mock.stop_calls, 1);
	EXPECT_EQ(g_vmid_call(RM_MSG_VM_DEALLOC_VMID, vm), RM_ERROR_VM_STATE);
	EXPECT_EQ(mock.violations, 0);
}

TEST(vmlife_config_image_checks)
{
	u16 other;
	u32 theirs;
	struct g_sgl sgl = g_pages(40, 1);

	setup();
	other = g_alloc_vm();
	ASSERT_EQ(g_donate(false, other, 7, 0, 1, &sgl, 1, &theirs), RM_ERROR_OK);
	EXPECT_EQ(g_config_image(0x77, 0, image, 0, 0, DTB_OFF, DTB_SIZE), RM_ERROR_VMID_INVALID);
	EXPECT_EQ(g_config_image(vm, 0, 0x4321, 0, 0, DTB_OFF, DTB_SIZE), RM_ERROR_HANDLE_INVALID);
	EXPECT_EQ(g_config_image(vm, 0, theirs, 0, 0, 0, 0x100), RM_ERROR_ARGUMENT_INVALID);
	EXPECT_EQ(g_config_image(vm, 1, image, 0, 0, DTB_OFF, DTB_SIZE), RM_ERROR_ARGUMENT_INVALID);
	EXPECT_EQ(g_config_image(vm, 0, image, 0, 0, 0x10000, 1), RM_ERROR_ARGUMENT_INVALID);
	EXPECT_EQ(g_config_image(vm, 0, image, 0, 0, 0xF000, 0x1001), RM_ERROR_ARGUMENT_INVALID);
	EXPECT_EQ(g_config_image(vm, 0, image, 0, 0, ~0ULL, 2), RM_ERROR_ARGUMENT_INVALID);
	EXPECT_EQ(g_config_image(vm, 0, image, 0, 0, 0x1000, 0), RM_ERROR_ARGUMENT_INVALID);
	EXPECT_EQ(g_config_image(vm, 0, image, 1, ~0ULL, 0, 0x100), RM_ERROR_ARGUMENT_INVALID);
	EXPECT_EQ(g_config_image(vm, 0, image, 0, 0x10000, 0xF000, 0x1000), RM_ERROR_OK);
	EXPECT_EQ(g_call0(RM_MSG_VM_CONFIG_IMAGE, g_zeros, 41), RM_ERROR_INVALID);

	/* The image parcel reclaimed between CONFIG_IMAGE and INIT. */
	put_dt(&dt_ok);
	ASSERT_EQ(configure(), RM_ERROR_OK);
	ASSERT_EQ(g_reclaim(image, 0), RM_ERROR_OK);
	EXPECT_EQ(init_vm(), RM_ERROR_HANDLE_INVALID);
	EXPECT_EQ(mock.nr_vms, 0);

	/*
	 * A DT region larger than the FDT in it (QEMU declares 1 MiB): the
	 * FDT's own totalsize counts. (An FDT larger than the RM copies is
	 * in test_rm_mem.c.)
	 */
	setup();
	put_dt(&dt_ok);
	ASSERT_EQ(g_config_image(vm, 0, image, 0, 0, DTB_OFF, 16 * MOCK_PAGE - DTB_OFF),
		  RM_ERROR_OK);
	EXPECT_EQ(init_vm(), RM_ERROR_OK);
}

/* Parcels of a deallocated VM cannot configure a VM that reuses its VMID. */
TEST(vmlife_dealloc_orphans_parcels)
{
	u8 req[4] = { 0 };

	setup();
	ASSERT_EQ(g_vmid_call(RM_MSG_VM_DEALLOC_VMID, vm), RM_ERROR_OK);
	le16(req, vm);
	ASSERT_EQ(g_call0(RM_MSG_VM_ALLOC_VMID, req, 4), RM_ERROR_OK);
	EXPECT_EQ(configure(), RM_ERROR_ARGUMENT_INVALID);
	EXPECT_EQ(g_reclaim(image, 0), RM_ERROR_OK);
	EXPECT_EQ(g_reclaim(extra, 0), RM_ERROR_OK);
	EXPECT_EQ(mock.pages_out, 0);
	EXPECT_EQ(mock.violations, 0);
}

/* A started VM of the fixture. */
static void start_vm(void)
{
	put_dt(&dt_ok);
	HOST_CHECK(configure() == RM_ERROR_OK, "configure", 0, 0);
	HOST_CHECK(init_vm() == RM_ERROR_OK, "init", 0, 0);
	HOST_CHECK(g_vmid_call(RM_MSG_VM_START, vm) == RM_ERROR_OK, "start", 0, 0);
}

/* Reset, reclaim and deallocate the fixture's VM, checking each step. */
static void teardown(void)
{
	EXPECT_EQ(g_vmid_call(RM_MSG_VM_RESET, vm), RM_ERROR_OK);
	EXPECT_NE(wait_notifs(500, 1000000), ~0ULL);
	EXPECT_TRUE(g_is_status(0, vm, RM_VM_STATUS_RESET));
	EXPECT_EQ(g_reclaim(image, 0), RM_ERROR_OK);
	EXPECT_EQ(g_reclaim(extra, 0), RM_ERROR_OK);
	EXPECT_EQ(g_vmid_call(RM_MSG_VM_DEALLOC_VMID, vm), RM_ERROR_OK);
	EXPECT_EQ(mock.nr_vms, 0);
	EXPECT_EQ(mock.pages_out, 0);
	EXPECT_EQ(mock.violations, 0);
}

/*
 * A guest's PSCI SYSTEM_OFF (the mechanism calls rm_vm_halted() with the
 * halting vCPU's POWERED_OFF state): nothing for RM_HALT_DELAY_US, during
 * which the VM is still RUNNING for the host's calls; then VM_STATUS
 * EXITED first, VM_EXITED PLATFORM_OFF with one zero reason word second.
 */
TEST(vmlife_guest_system_off)
{
	setup();
	start_vm();
	rm_vm_halted(vm, VCPU_STATE_POWERED_OFF, 0, 0);
	EXPECT_EQ(rm_next_deadline, mock.now + HALT_US);
	mock_advance_us(HALT_US - 1);
	drain();
	EXPECT_EQ(g_nev, 0);
	EXPECT_EQ(mock.stop_calls, 0);		/* the mechanism still halting */
	EXPECT_EQ(rm_vm_lookup(vm)->status, RM_VM_STATUS_RUNNING);
	EXPECT_EQ(g_vmid_call(RM_MSG_VM_RESET, vm), RM_ERROR_VM_STATE);
	EXPECT_EQ(wait_notifs(1, 10), 1);
	ASSERT_EQ(g_nev, 2);
	EXPECT_TRUE(g_is_status(0, vm, RM_VM_STATUS_EXITED));
	EXPECT_TRUE(is_exited(1, vm, RM_VM_EXIT_TYPE_PLATFORM_OFF, 1));
	EXPECT_EQ(rm_get_le32(g_ev[1].data + 8), 0);
	EXPECT_EQ(mock.stop_calls, 1);
	EXPECT_FALSE(mvm()->running);
	EXPECT_EQ(rm_next_deadline, ~0ULL);
	/* Once only. */
	EXPECT_EQ(wait_notifs(1000, 10000), ~0ULL);
	teardown();

	/* Two vCPUs halting at once: the first one's counts, once. */
	setup();
	start_vm();
	rm_vm_halted(vm, VCPU_STATE_POWERED_OFF, 0, 0);
	rm_vm_halted(vm, VCPU_STATE_PSCI_SYSTEM_RESET, VCPU_RESET_SYSTEM_RESET, 0);
	EXPECT_EQ(wait_notifs(100, 100000), HALT_US);
	ASSERT_EQ(g_nev, 2);
	EXPECT_TRUE(is_exited(1, vm, RM_VM_EXIT_TYPE_PLATFORM_OFF, 1));
	EXPECT_EQ(wait_notifs(1000, 10000), ~0ULL);
	EXPECT_EQ(mock.stop_calls, 1);
	teardown();
}

/* SYSTEM_RESET: PLATFORM_RESET (2), not the 3 of SYSTEM_RESET2. */
TEST(vmlife_guest_system_reset)
{
	setup();
	start_vm();
	rm_vm_halted(vm, VCPU_STATE_PSCI_SYSTEM_RESET, VCPU_RESET_SYSTEM_RESET, 0);
	EXPECT_EQ(wait_notifs(100, 100000), HALT_US);
	ASSERT_EQ(g_nev, 2);
	EXPECT_TRUE(g_is_status(0, vm, RM_VM_STATUS_EXITED));
	EXPECT_TRUE(is_exited(1, vm, RM_VM_EXIT_TYPE_PLATFORM_RESET, 1));
	EXPECT_EQ(rm_get_le32(g_ev[1].data + 8), 0);
	teardown();
}

/*
 * SYSTEM_RESET2: type 3, reason {flags | code << 16, reset type, cookie
 * low, cookie high}; flag bit 15 and the 64-bit cookie for SMC64, the
 * cookie's low 32 bits for SMC32 (vm_mgnt.c vcpu_halt_callback()).
 */
TEST(vmlife_guest_system_reset2)
{
	static const struct {
		u64 data0, data1;
		u32 word0, type, lo, hi;
	} c[] = {
		{ 0x80000001UL, 0x123456789UL, 0, 0x80000001U, 0x23456789U, 0 },
		{ 0x80000002UL | VCPU_RESET_RESET2_SMC64, 0x1122334455667788UL,
		  0x8000, 0x80000002U, 0x55667788U, 0x11223344U },
		{ 0, 0, 0, 0, 0, 0 },		/* SYSTEM_WARM_RESET */
	};

	for (size_t i = 0; i < ARRAY_SIZE(c); i++) {
		setup();
		start_vm();
		rm_vm_halted(vm, VCPU_STATE_PSCI_SYSTEM_RESET, c[i].data0, c[i].data1);
		EXPECT_EQ(wait_notifs(100, 100000), HALT_US);
		ASSERT_EQ(g_nev, 2);
		EXPECT_TRUE(g_is_status(0, vm, RM_VM_STATUS_EXITED));
		EXPECT_TRUE(is_exited(1, vm, RM_VM_EXIT_TYPE_SYSTEM_RESET2, 4));
		EXPECT_EQ(rm_get_le32(g_ev[1].data + 8), c[i].word0);
		EXPECT_EQ(rm_get_le32(g_ev[1].data + 12), c[i].type);
		EXPECT_EQ(rm_get_le32(g_ev[1].data + 16), c[i].lo);
		EXPECT_EQ(rm_get_le32(g_ev[1].data + 20), c[i].hi);
		teardown();
	}
}

/* Any other state of the halting vCPU: a software error, code UNKNOWN. */
TEST(vmlife_guest_halt_unknown_state)
{
	setup();
	start_vm();
	rm_vm_halted(vm, VCPU_STATE_FAULT, 0, 0);
	EXPECT_EQ(wait_notifs(100, 100000), HALT_US);
	ASSERT_EQ(g_nev, 2);
	EXPECT_TRUE(is_exited(1, vm, RM_VM_EXIT_TYPE_SW_ERROR, 1));
	EXPECT_EQ(rm_get_le32(g_ev[1].data + 8), 2U << 16);
	teardown();
}

/* A forced VM_STOP before the RM finished a halt wins; the halt is dropped. */
TEST(vmlife_stop_during_halt)
{
	u8 stop[8] = { 0 };

	setup();
	start_vm();
	rm_vm_halted(vm, VCPU_STATE_POWERED_OFF, 0, 0);
	mock_advance_us(HALT_US / 2);
	le16(stop, vm);
	stop[2] = RM_VM_STOP_FLAG_FORCE;
	ASSERT_EQ(g_call0(RM_MSG_VM_STOP, stop, 8), RM_ERROR_OK);
	ASSERT_EQ(g_nev, 3);
	EXPECT_TRUE(g_is_status(0, vm, RM_VM_STATUS_EXITED));
	EXPECT_TRUE(is_exited(1, vm, RM_VM_EXIT_TYPE_FORCED_STOP, 1));
	EXPECT_EQ(rm_next_deadline, ~0ULL);
	EXPECT_EQ(wait_notifs(1000, 10000), ~0ULL);
	EXPECT_EQ(mock.stop_calls, 1);
	teardown();
}

/*
 * A halt of a VM the RM does not know (set up through vm.h alone, as the
 * EL1 self-test's): the RM still finishes it (vm_stop()), silently.
 */
TEST(vmlife_halt_of_foreign_vm)
{
	u64 capid;
	u32 virq;

	rm_test_reset();
	ASSERT_EQ(vm_create(200), GH_ERROR_OK);
	ASSERT_EQ(vm_vcpu_create(200, 0, &capid, &virq), GH_ERROR_OK);
	ASSERT_EQ(vm_start(200, &(struct vm_boot){ 0 }), GH_ERROR_OK);
	rm_vm_halted(200, VCPU_STATE_POWERED_OFF, 0, 0);
	EXPECT_EQ(wait_notifs(100, 10000), ~0ULL);
	EXPECT_EQ(mock.stop_calls, 1);
	EXPECT_FALSE(mock.vm[0].running);
	EXPECT_EQ(rm_next_deadline, ~0ULL);
}

/* The notifications of a finished halt wait while the host reads nothing. */
TEST(vmlife_halt_waits_for_room)
{
	u8 payload[8] = { 0 };
	unsigned int queued = 0;

	setup();
	start_vm();
	/* Fill RX and the outbox with notifications the host does not read. */
	while (rm_notify(RM_NOTIF_VM_STATUS, payload, sizeof(payload)) == GH_ERROR_OK)
		queued++;
	rm_vm_halted(vm, VCPU_STATE_POWERED_OFF, 0, 0);
	mock_advance_us(10 * HALT_US);
	EXPECT_EQ(mock.stop_calls, 0);		/* not done, not lost */
	EXPECT_NE(rm_next_deadline, ~0ULL);
	/* The host reads: the halt finishes at the next due poll. */
	for (unsigned int i = 0; i < queued; i++) {
		static struct host_msg m;

		ASSERT_EQ(host_recv_msg(&m), 0);
	}
	EXPECT_EQ(wait_notifs(100, 100000), 1000);
	ASSERT_EQ(g_nev, 2);
	EXPECT_TRUE(g_is_status(0, vm, RM_VM_STATUS_EXITED));
	EXPECT_TRUE(is_exited(1, vm, RM_VM_EXIT_TYPE_PLATFORM_OFF, 1));
	teardown();
}

/*
 * RESET takes RM_RESET_DELAY_US plus RM_RESET_US_PER_MIB for each MiB the
 * VM has mapped (rounded up): 400 MiB of (unbacked) lent memory, marked
 * mapped as VM_INIT would, take 40 ms more than nothing.
 */
TEST(vmlife_reset_time_scales_with_memory)
{
	struct g_sgl big = { mock_big_pa(0), 400ULL << 20 };
	u32 handle;

	setup();
	ASSERT_EQ(g_vmid_call(RM_MSG_VM_RESET, vm), RM_ERROR_OK);
	EXPECT_EQ(wait_notifs(100, 1000000), RESET_US);
	EXPECT_TRUE(g_is_status(0, vm, RM_VM_STATUS_RESET));
	EXPECT_EQ(g_vmid_call(RM_MSG_VM_DEALLOC_VMID, vm), RM_ERROR_OK);

	setup();
	ASSERT_EQ(g_donate(true, vm, 6, 0, 9, &big, 1, &handle), RM_ERROR_OK);
	ASSERT_TRUE(rm_parcel_lookup(handle) != NULL);
	rm_parcel_lookup(handle)->mapped = true;
	ASSERT_EQ(g_vmid_call(RM_MSG_VM_RESET, vm), RM_ERROR_OK);
	EXPECT_EQ(g_reclaim(handle, 0), RM_ERROR_MEM_INUSE);
	EXPECT_EQ(wait_notifs(100, 1000000), RESET_US + 400 * RESET_US_PER_MIB);
	EXPECT_TRUE(g_is_status(0, vm, RM_VM_STATUS_RESET));
	EXPECT_EQ(g_reclaim(handle, 0), RM_ERROR_OK);
	EXPECT_EQ(g_vmid_call(RM_MSG_VM_DEALLOC_VMID, vm), RM_ERROR_OK);
}

/* Refusals of lifecycle calls are said on the console, rate-limited. */
TEST(vmlife_refusals_logged)
{
	u8 stop[8] = { 0 };

	setup();
	le16(stop, vm);
	stop[2] = RM_VM_STOP_FLAG_FORCE;
	EXPECT_EQ(g_call0(RM_MSG_VM_STOP, stop, 8), RM_ERROR_VM_STATE);
	EXPECT_EQ(mock.log_lines, 1);
	EXPECT_TRUE(strstr(mock.log, "VM_STOP") != NULL);
	EXPECT_EQ(strncmp(mock.log, "rm: VM ", 7), 0);
	EXPECT_EQ(strtoul(mock.log + 7, NULL, 10), vm);
	EXPECT_EQ(g_vmid_call(RM_MSG_VM_START, vm), RM_ERROR_VM_STATE);
	EXPECT_EQ(mock.log_lines, 2);
	EXPECT_TRUE(strstr(mock.log, "VM_START: not READY") != NULL);
	EXPECT_EQ(g_vmid_call(RM_MSG_VM_RESET, 0x77), RM_ERROR_VMID_INVALID);
	EXPECT_EQ(strncmp(mock.log, "rm: VM 119: VM_RESET", 20), 0);
	/* A flood: 10 lines a second. */
	for (int i = 0; i < 1000; i++)
		(void)g_vmid_call(RM_MSG_VM_START, vm);
	EXPECT_EQ(mock.log_lines, 10);
	mock_advance_us(1000000);
	EXPECT_EQ(g_vmid_call(RM_MSG_VM_START, vm), RM_ERROR_VM_STATE);
	/* The count of what was left out, then the line. */
	EXPECT_EQ(mock.log_lines, 12);
	EXPECT_TRUE(strstr(mock.log, "VM_START") != NULL);
}

TEST(vmlife_hyp_resources_before_init)
{
	u8 rep[64];
	size_t rep_len = 0;

	setup();
	EXPECT_EQ(g_hyp_resources(vm, rep, &rep_len), RM_ERROR_OK);
	EXPECT_EQ(rep_len, 4);
	EXPECT_EQ(rm_get_le32(rep), 0);
	EXPECT_EQ(g_hyp_resources(0x77, rep, &rep_len), RM_ERROR_VMID_INVALID);
	EXPECT_EQ(g_call0(RM_MSG_VM_SET_FIRMWARE_MEM, g_zeros, 24), RM_ERROR_UNIMPLEMENTED);
}

/*
 * Random lifecycle traffic with valid-looking but often wrong arguments,
 * and VM DTs with flipped bytes: the RM must keep the mechanisms' contract
 * (the mock counts violations) and AddressSanitizer/UBSan quiet, and a
 * teardown at the end must give every page back.
 */
static u64 rnd_state = 0x243F6A8885A308D3ULL;

static u32 rnd(u32 n)
{
	rnd_state ^= rnd_state >> 12;
	rnd_state ^= rnd_state << 25;
	rnd_state ^= rnd_state >> 27;
	return (u32)((rnd_state * 0x2545F4914F6CDD1DULL) >> 33) % n;
}

static void random_dt_page(bool clean, unsigned int page)
{
	static u8 buf[MOCK_PAGE];
	struct g_dt d = { .base = rnd(2) ? BASE : EXTRA_IPA,
			  .ncpus = (int)(clean ? 1 + rnd(4) : rnd(5)),
			  .shm = !clean && !rnd(4), .shm_label = rnd(3), .shm_base = 0xA0000000ULL,
			  .rmem = !rnd(4), .rmem_base = 0xB0000000ULL,
			  .rmem_size = (1 + rnd(3)) * MOCK_PAGE };
	size_t len;

	memset(buf, 0, sizeof(buf));
	len = g_build_dt(buf, sizeof(buf), &d);
	for (unsigned int flips = clean ? 0 : rnd(4); flips; flips--)
		buf[rnd((u32)len)] ^= (u8)(1 + rnd(255));
	memcpy(mock_ram + page * MOCK_PAGE, buf, sizeof(buf));
}

TEST(vmlife_random_ops)
{
	u16 vms[8];
	u32 handles[64], err;
	u16 owner[64];
	unsigned int nvms = 0, nh = 0, ok = 0;
	static unsigned int hist[14][22];	/* per operation, per RM error */

	rm_test_reset();
	for (unsigned int i = 0; i < MOCK_RAM_PAGES; i++)
		random_dt_page(true, i);
	for (unsigned int step = 0; step < 20000; step++) {
		u16 v = nvms && rnd(16) ? vms[rnd(nvms)] : (u16)(RM_VMID_DYN_FIRST + rnd(3));
		u32 h = nh && rnd(16) ? handles[rnd(nh)] : rnd(0x200);
		u8 req[16] = { 0 };

		static const u8 ops[] = { 0, 0, 1, 2, 2, 2, 3, 4, 4, 5, 5, 5, 6, 6, 7, 7, 8, 9, 10,
					  11, 12, 13, 13, 13 };
		unsigned int op = ops[rnd(sizeof(ops))];

		switch (op) {
		case 0:
			if (nvms < ARRAY_SIZE(vms)) {
				v = g_alloc_vm();
				if (v)
					vms[nvms++] = v;
			}
			continue;
		case 1:
			if (rnd(4))
				continue;
			err = g_vmid_call(RM_MSG_VM_DEALLOC_VMID, v);
			for (unsigned int i = 0; !err && i < nvms; i++) {
				if (vms[i] == v)
					vms[i] = vms[--nvms];
			}
			break;
		case 2: {
			struct g_sgl sgl[3];
			unsigned int n = 1 + rnd(3);

			for (unsigned int i = 0; i < n; i++)
				sgl[i] = g_pages(rnd(MOCK_RAM_PAGES - 4), 1 + rnd(4));
			err = g_donate(rnd(2), v, (u8)(1 + rnd(7)),
				       (u8)(rnd(2) | (rnd(4) ? 0 : RM_MEM_FLAG_APPEND)), rnd(3),
				       sgl, n, &h);
			if (!err && nh < ARRAY_SIZE(handles)) {
				owner[nh] = v;
				handles[nh++] = h;
			}
			break;
		}
		case 3: {
			struct g_sgl sgl = g_pages(rnd(MOCK_RAM_PAGES - 2), 1 + rnd(2));

			err = g_append(h, (u8)rnd(2), &sgl, 1);
			break;
		}
		case 4:
			err = g_reclaim(h, (u8)rnd(2));
			for (unsigned int i = 0; !err && i < nh; i++) {
				if (handles[i] == h) {
					owner[i] = owner[nh - 1];
					handles[i] = handles[--nh];
				}
			}
			break;
		case 5:
			/* Mostly one of the VM's own parcels. */
			for (unsigned int i = 0, k = rnd(64), any = rnd(4); any && i < nh; i++) {
				if (owner[(i + k) % nh] == v)
					h = handles[(i + k) % nh];
			}
			err = g_config_image(v, 0, h, 0, 0, rnd(2) * MOCK_PAGE,
					     (1 + rnd(2)) * MOCK_PAGE - rnd(2) * 0x800);
			break;
		case 6:
			err = g_vmid_call(RM_MSG_VM_INIT, v);
			break;
		case 7:
			err = g_vmid_call(RM_MSG_VM_START, v);
			break;
		case 8:
			le16(req, v);
			req[2] = (u8)rnd(2);
			err = g_call0(RM_MSG_VM_STOP, req, 8);
			break;
		case 9:
			err = g_vmid_call(RM_MSG_VM_RESET, v);
			break;
		case 10:
			err = g_boot_ctx(RM_MSG_VM_SET_BOOT_CONTEXT, v, (u8)rnd(3), (u8)rnd(2),
					 rnd(0x1000));
			break;
		case 11:
			err = g_vmid_call(RM_MSG_VM_GET_HYP_RESOURCES, v);
			break;
		case 12: {
			/* A guest halts, as the mechanism reports it: running VMs only. */
			static const u64 states[] = { VCPU_STATE_POWERED_OFF,
						      VCPU_STATE_PSCI_SYSTEM_RESET, VCPU_STATE_FAULT };
			struct rm_vm *rv = rm_vm_lookup(v);

			if (rv && rv->status == RM_VM_STATUS_RUNNING)
				rm_vm_halted(v, states[rnd(3)], rnd(2) ? VCPU_RESET_SYSTEM_RESET : rnd(5),
					     rnd(0x1000));
			continue;
		}
		default:
			if (rnd(8)) {
				random_dt_page(false, rnd(MOCK_RAM_PAGES));
			} else {
				for (unsigned int i = 0; i < MOCK_RAM_PAGES; i++)
					random_dt_page(true, i);
			}
			continue;
		}
		EXPECT_TRUE(err <= RM_ERROR_VM_STATE);
		/* Halts and resets finish at their time, between the host's calls. */
		mock_advance_us(700);
		ok += !err;
		hist[op][err > 20 ? 21 : err]++;
		ASSERT_EQ(mock.violations, 0);
	}
	printf("# %u calls succeeded: %u INIT, %u START, %u RECLAIM refused in use\n", ok,
	       hist[6][0], hist[7][0], hist[4][RM_ERROR_MEM_INUSE]);
	/* Deep enough to mean something. */
	EXPECT_TRUE(ok > 1000);
	EXPECT_TRUE(hist[6][0] >= 5);
	EXPECT_TRUE(hist[7][0] >= 3);
	EXPECT_TRUE(hist[4][RM_ERROR_MEM_INUSE] >= 5);

	/* Teardown as Linux does it, from whatever state each VM is in. */
	for (unsigned int i = 0; i < nvms; i++) {
		u8 stop[8] = { (u8)vms[i], 0, RM_VM_STOP_FLAG_FORCE };

		g_call0(RM_MSG_VM_STOP, stop, 8);
		g_vmid_call(RM_MSG_VM_RESET, vms[i]);
		mock_advance_us(100000);
		g_vmid_call(RM_MSG_VM_DEALLOC_VMID, vms[i]);
	}
	for (unsigned int i = 0; i < nh; i++)
		g_reclaim(handles[i], 0);
	EXPECT_EQ(mock.pages_out, 0);
	EXPECT_EQ(mock.nr_vms, 0);
	EXPECT_EQ(mock.nr_maps, 0);
	EXPECT_EQ(mock.violations, 0);
}

/* Flipped bytes anywhere in a VM DT: INIT either builds a sane VM or nothing. */
TEST(vmlife_dt_flips)
{
	static u8 buf[DTB_SIZE];
	unsigned int built = 0, refused = 0;

	for (unsigned int iter = 0; iter < 3000; iter++) {
		struct g_dt d = dt_ok;
		size_t len;
		u32 err;

		setup();
		d.shm = rnd(2);
		d.shm_label = EXTRA_LABEL;
		d.shm_base = EXTRA_IPA;
		d.ncpus = 1 + (int)rnd(VM_MAX_VCPUS);
		d.nbells = rnd(3);
		d.bell[0] = g_bell_ok(3, 1, 4);
		d.bell[1] = g_bell_ok(4, 95, 1);
		if (rnd(2)) {
			d.gic = true;
			d.gicd = 0x3fff0000;
			d.gicd_size = 0x10000;
			d.gicr = 0x3fef0000;
			d.gicr_size = 0x100000;
		}
		memset(buf, 0, sizeof(buf));
		len = g_build_dt(buf, sizeof(buf), &d);
		for (unsigned int flips = 1 + rnd(3); flips; flips--)
			buf[rnd((u32)len)] ^= (u8)(1 << rnd(8));
		write_parcel(DTB_OFF, buf, sizeof(buf));
		ASSERT_EQ(configure(), RM_ERROR_OK);
		err = init_vm();
		if (err) {
			refused++;
			EXPECT_EQ(mock.nr_vms, 0);
			EXPECT_EQ(mock.nr_maps, 0);
		} else {
			built++;
			ASSERT_TRUE(mvm() != NULL);
			EXPECT_TRUE(mvm()->nr_vcpus >= 1 && mvm()->nr_vcpus <= VM_MAX_VCPUS);
			EXPECT_TRUE(mock.nr_maps >= 2);
			EXPECT_TRUE(mvm()->nr_bells <= 2);
		}
		EXPECT_TRUE(reset_vm(vm));
		EXPECT_EQ(g_reclaim(image, 0), RM_ERROR_OK);
		EXPECT_EQ(g_reclaim(extra, 0), RM_ERROR_OK);
		ASSERT_EQ(mock.violations, 0);
		EXPECT_EQ(g_vmid_call(RM_MSG_VM_DEALLOC_VMID, vm), RM_ERROR_OK);
		EXPECT_EQ(mock.nr_bells, 0);
	}
	printf("# %u built, %u refused\n", built, refused);
	EXPECT_TRUE(built > 100 && refused > 100);
}

/* Linux resets any VM it configured, even one never initialised. */
TEST(vmlife_reset_from_load)
{
	setup();
	ASSERT_EQ(configure(), RM_ERROR_OK);
	ASSERT_TRUE(reset_vm(vm));
	EXPECT_EQ(mock.reset_calls, 0);		/* no VM to reset yet */
	EXPECT_EQ(g_vmid_call(RM_MSG_VM_RESET, vm), RM_ERROR_VM_STATE);
	EXPECT_EQ(g_vmid_call(RM_MSG_VM_INIT, vm), RM_ERROR_VM_STATE);
	EXPECT_EQ(g_reclaim(image, 0), RM_ERROR_OK);
	EXPECT_EQ(g_reclaim(extra, 0), RM_ERROR_OK);
	EXPECT_EQ(g_vmid_call(RM_MSG_VM_DEALLOC_VMID, vm), RM_ERROR_OK);
	EXPECT_EQ(mock.nr_vms, 0);
	EXPECT_EQ(mock.violations, 0);
}

/* ------------------------------------------------------------ doorbells */

#define GICD_BASE	0x3fff0000ULL
#define GICR_BASE	0x3ffb0000ULL	/* two vCPUs' frames below the GICD */

static struct g_dt dt_bells(void)
{
	struct g_dt d = dt_ok;

	d.nbells = 3;
	d.bell[0] = g_bell_ok(5, 0, 1);		/* INTID 32, edge */
	d.bell[1] = g_bell_ok(0xfffffff0, 1, 4);	/* INTID 33, level */
	d.bell[2] = g_bell_ok(0, 95, 1);	/* INTID 127: the last SPI */
	d.gic = true;
	d.gicd = GICD_BASE;
	d.gicd_size = 0x10000;
	d.gicr = GICR_BASE;
	d.gicr_size = 2 * 0x20000;
	return d;
}

/* An entry as shared/gunyah-abi.md §3 lays it out. */
static void bell_entry(u8 *e, u16 vmid, u32 label, u64 capid)
{
	memset(e, 0, 44);
	e[0] = 0;				/* BELL_TX */
	le16(e + 2, vmid);			/* partner */
	le32(e + 4, (u32)capid);		/* handle */
	le32(e + 8, label);
	le64(e + 12, capid);			/* virq_handle, virq, base, size: 0 */
}

TEST(vmlife_bells_resources)
{
	struct g_dt d = dt_bells();
	u8 rep[512], want[44];
	size_t rep_len = 0;

	setup();
	put_dt(&d);
	ASSERT_EQ(configure(), RM_ERROR_OK);
	ASSERT_EQ(init_vm(), RM_ERROR_OK);
	ASSERT_TRUE(mvm() != NULL);
	ASSERT_EQ(mvm()->nr_bells, 3);
	EXPECT_EQ(mvm()->bell_intid[0], 32);
	EXPECT_EQ(mvm()->bell_intid[1], 33);
	EXPECT_EQ(mvm()->bell_intid[2], 127);
	EXPECT_TRUE(mvm()->gic);
	EXPECT_EQ(mvm()->gicd_base, GICD_BASE);
	EXPECT_EQ(mvm()->gicr_base, GICR_BASE);

	ASSERT_EQ(g_hyp_resources(vm, rep, &rep_len), RM_ERROR_OK);
	ASSERT_EQ(rep_len, 4 + 5 * 44);
	EXPECT_EQ(rm_get_le32(rep), 5);
	EXPECT_EQ(rep[4], RM_HYP_RES_VCPU);		/* vCPUs first */
	EXPECT_EQ(rep[4 + 44], RM_HYP_RES_VCPU);
	bell_entry(want, vm, 5, MOCK_BELL_CAPID(vm, 0));
	EXPECT_MEMEQ(rep + 4 + 2 * 44, want, 44);
	bell_entry(want, vm, 0xfffffff0, MOCK_BELL_CAPID(vm, 1));
	EXPECT_MEMEQ(rep + 4 + 3 * 44, want, 44);
	bell_entry(want, vm, 0, MOCK_BELL_CAPID(vm, 2));
	EXPECT_MEMEQ(rep + 4 + 4 * 44, want, 44);
	/* handle: the capid's low word (unique, not 0) */
	EXPECT_EQ(rm_get_le32(rep + 4 + 2 * 44 + 4), 0x2000 + vm * 16);

	/* Reset keeps the VM's resources; dealloc frees them. */
	ASSERT_TRUE(reset_vm(vm));
	EXPECT_EQ(mock.nr_bells, 3);
	EXPECT_EQ(g_reclaim(image, 0), RM_ERROR_OK);
	EXPECT_EQ(g_reclaim(extra, 0), RM_ERROR_OK);
	EXPECT_EQ(g_vmid_call(RM_MSG_VM_DEALLOC_VMID, vm), RM_ERROR_OK);
	EXPECT_EQ(mock.nr_bells, 0);
	EXPECT_EQ(mock.nr_vms, 0);
	EXPECT_EQ(mock.violations, 0);
}

/*
 * 8 vCPUs and the 12 doorbells this DT holds in one reply. The most a VM
 * can have (VM_MAX_DOORBELLS, QEMU's 256) is in test_rm_mem.c, whose
 * image parcel holds a DT that large.
 */
TEST(vmlife_bells_max)
{
	struct g_dt d = dt_bells();
	const unsigned int nb = ARRAY_SIZE(d.bell);
	u8 rep[RM_REPLY_MAX];
	size_t rep_len = 0;

	setup();
	d.ncpus = VM_MAX_VCPUS;
	d.gicr = GICD_BASE - VM_MAX_VCPUS * 0x20000;
	d.gicr_size = VM_MAX_VCPUS * 0x20000;
	d.nbells = nb;
	for (unsigned int i = 0; i < nb; i++)
		d.bell[i] = g_bell_ok(100 + i, 10 + i, i % 2 ? 4 : 1);
	put_dt(&d);
	ASSERT_EQ(configure(), RM_ERROR_OK);
	ASSERT_EQ(init_vm(), RM_ERROR_OK);
	ASSERT_EQ(g_hyp_resources(vm, rep, &rep_len), RM_ERROR_OK);
	ASSERT_EQ(rep_len, 4 + (VM_MAX_VCPUS + nb) * 44);
	EXPECT_EQ(rm_get_le32(rep), VM_MAX_VCPUS + nb);
	for (unsigned int i = 0; i < nb; i++) {
		u8 want[44];

		bell_entry(want, vm, 100 + i, MOCK_BELL_CAPID(vm, i));
		EXPECT_MEMEQ(rep + 4 + (VM_MAX_VCPUS + i) * 44, want, 44);
		EXPECT_EQ(mvm()->bell_intid[i], 32 + 10 + i);
	}
	EXPECT_EQ(mock.violations, 0);
}

/* Each malformed doorbell or GIC node: INIT_FAILED, nothing left, next VM fine. */
TEST(vmlife_bell_dt_errors)
{
	struct g_dt d[32];
	unsigned int n = 0;

#define BELL_BAD(field, value) do {					\
	d[n] = dt_bells(); d[n].bell[1].field = value; n++;		\
} while (0)
	BELL_BAD(no_peer, true);
	BELL_BAD(no_irq, true);
	BELL_BAD(irq_cells, 2);
	BELL_BAD(irq_cells, 4);
	BELL_BAD(type, 1);			/* a PPI */
	BELL_BAD(spi, 988);			/* INTID 1020: beyond the vGIC */
	BELL_BAD(spi, 0xffffffe0);		/* would wrap to INTID 0 */
	BELL_BAD(flags, 0);
	BELL_BAD(flags, 2);			/* edge falling */
	BELL_BAD(flags, 8);			/* level low */
	BELL_BAD(spi, 95);			/* SPI of bell[2] again */
#undef BELL_BAD
	d[n] = dt_bells(); d[n++].gic_compat = "arm,gic-400";
	d[n] = dt_bells(); d[n++].gic_phandle = 7;	/* no such node */
	d[n] = dt_bells(); d[n++].gic_nreg = 1;		/* no GICR */
	/* interrupts { } without config and no root interrupt-parent */
	d[n] = dt_bells(); d[n++].gic_no_config = true;

	for (unsigned int i = 0; i < n; i++) {
		setup();
		put_dt(&d[i]);
		ASSERT_EQ(configure(), RM_ERROR_OK);
		EXPECT_EQ(init_vm(), RM_ERROR_ARGUMENT_INVALID);
		/* Refused while parsing: no VM was even created. */
		EXPECT_EQ(mock.create_calls, 0);
		EXPECT_EQ(mock.bell_calls, 0);
		EXPECT_EQ(mock.nr_bells, 0);
		EXPECT_EQ(mock.nr_vms, 0);
		EXPECT_EQ(mock.nr_maps, 0);
		EXPECT_TRUE(reset_vm(vm));
		EXPECT_EQ(g_vmid_call(RM_MSG_VM_DEALLOC_VMID, vm), RM_ERROR_OK);
		EXPECT_EQ(g_reclaim(image, 0), RM_ERROR_OK);
		EXPECT_EQ(g_reclaim(extra, 0), RM_ERROR_OK);
		EXPECT_EQ(mock.pages_out, 0);
		EXPECT_EQ(mock.violations, 0);
		if (unit_test_failed) {
			printf("# variant %u\n", i);
			return;
		}
	}

	/* The same VMID slot then takes a good DT. */
	{
		struct g_dt ok = dt_bells();

		setup();
		put_dt(&ok);
		ASSERT_EQ(configure(), RM_ERROR_OK);
		ASSERT_EQ(init_vm(), RM_ERROR_OK);
		EXPECT_EQ(mock.nr_bells, 3);
	}
}

/* A mechanism refusing half way: everything created so far is undone. */
TEST(vmlife_bell_rollback)
{
	for (unsigned int k = 0; k < 3; k++) {
		struct g_dt d = dt_bells();

		setup();
		put_dt(&d);
		if (k == 0)
			mock.fail_bell_at = 1;
		else if (k == 1)
			mock.fail_bell_at = 3;
		else
			mock.fail_vgic_at = 1;	/* e.g. frames outside the window */
		ASSERT_EQ(configure(), RM_ERROR_OK);
		EXPECT_NE(init_vm(), RM_ERROR_OK);
		EXPECT_EQ(mock.nr_vms, 0);
		EXPECT_EQ(mock.nr_bells, 0);
		EXPECT_EQ(mock.nr_maps, 0);
		{
			static u8 rep[RM_REPLY_MAX];
			size_t rep_len = 0;

			EXPECT_EQ(g_hyp_resources(vm, rep, &rep_len), RM_ERROR_OK);
			EXPECT_EQ(rep_len, 4);		/* nothing listed */
			EXPECT_EQ(rm_get_le32(rep), 0);
		}
		EXPECT_EQ(g_reclaim(image, 0), RM_ERROR_OK);
		EXPECT_EQ(g_reclaim(extra, 0), RM_ERROR_OK);
		EXPECT_EQ(g_vmid_call(RM_MSG_VM_DEALLOC_VMID, vm), RM_ERROR_OK);
		EXPECT_EQ(mock.violations, 0);
	}
}

TEST(vmlife_gic_variants)
{
	struct g_dt d = dt_bells();

	/* No interrupts/config: the vGIC keeps its defaults. */
	setup();
	d.gic = false;
	put_dt(&d);
	ASSERT_EQ(configure(), RM_ERROR_OK);
	ASSERT_EQ(init_vm(), RM_ERROR_OK);
	EXPECT_FALSE(mvm()->gic);
	EXPECT_EQ(mock.vgic_calls, 0);
	EXPECT_EQ(mvm()->nr_bells, 3);

	/* One-cell addresses, GICC/GICH/GICV entries after the two. */
	setup();
	d = dt_bells();
	d.gic_cells = 1;
	d.gic_nreg = 4;
	d.gicd = 0x2fff0000;
	d.gicr = 0x2ff00000;
	d.gicr_size = 0x80000;
	put_dt(&d);
	ASSERT_EQ(configure(), RM_ERROR_OK);
	ASSERT_EQ(init_vm(), RM_ERROR_OK);
	EXPECT_TRUE(mvm()->gic);
	EXPECT_EQ(mvm()->gicd_base, 0x2fff0000);
	EXPECT_EQ(mvm()->gicr_base, 0x2ff00000);
	EXPECT_EQ(mock.vgic_calls, 1);

	/* An interrupts node without config: the root's interrupt-parent. */
	setup();
	d = dt_bells();
	d.gic_no_config = true;
	d.root_intc = true;
	put_dt(&d);
	ASSERT_EQ(configure(), RM_ERROR_OK);
	ASSERT_EQ(init_vm(), RM_ERROR_OK);
	EXPECT_TRUE(mvm()->gic);
	EXPECT_EQ(mock.vgic_calls, 1);

	/* No doorbells: only vCPU entries. */
	setup();
	d = dt_bells();
	d.nbells = 0;
	put_dt(&d);
	ASSERT_EQ(configure(), RM_ERROR_OK);
	ASSERT_EQ(init_vm(), RM_ERROR_OK);
	EXPECT_EQ(mvm()->nr_bells, 0);
	EXPECT_EQ(mock.violations, 0);
}
