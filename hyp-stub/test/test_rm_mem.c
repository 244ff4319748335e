// SPDX-License-Identifier: GPL-2.0-only
/*
 * Unit tests for core/rm_mem.c: MEM_SHARE, MEM_LEND, MEM_APPEND, MEM_RECLAIM
 * against the vm.h mock (test/vm_mock.c), which counts contract violations.
 */
#include "rm_guest_test.h"

/* A fresh RM with one guest VM; returns its VMID. */
static u16 setup(void)
{
	rm_test_reset();
	return g_alloc_vm();
}

TEST(mem_share_round_trip)
{
	u16 vm = setup();
	struct g_sgl sgl[2] = { g_pages(0, 2), g_pages(4, 1) };
	u32 h;

	ASSERT_TRUE(vm);
	ASSERT_EQ(g_donate(false, vm, 7, 0, 0x11, sgl, 2, &h), RM_ERROR_OK);
	EXPECT_NE(h, 0);
	EXPECT_EQ(mock.pages_out, 3);
	EXPECT_EQ(mock.page[0].owner, vm);
	EXPECT_FALSE(mock.page[0].lent);
	EXPECT_EQ(mock.page[4].owner, vm);
	EXPECT_EQ(mock.page[2].owner, 0);
	/* Checked before transferring: every range, then every transfer. */
	EXPECT_EQ(mock.xfer_to_vm_calls, 2);
	EXPECT_TRUE(mock.xfer_checks >= 2);

	mock_ram[0] = 0x5A;
	ASSERT_EQ(g_reclaim(h, 0), RM_ERROR_OK);
	EXPECT_EQ(mock.pages_out, 0);
	EXPECT_EQ(mock_ram[0], 0x5A);		/* shared, no sanitize: kept */
	EXPECT_EQ(g_reclaim(h, 0), RM_ERROR_HANDLE_INVALID);
	EXPECT_EQ(mock.violations, 0);
}

TEST(mem_lend_round_trip_zeroes)
{
	u16 vm = setup();
	struct g_sgl sgl = g_pages(8, 2);
	u32 h;

	memset(mock_ram + 8 * MOCK_PAGE, 0xA5, 2 * MOCK_PAGE);
	ASSERT_EQ(g_donate(true, vm, 6, 0, 1, &sgl, 1, &h), RM_ERROR_OK);
	EXPECT_TRUE(mock.page[8].lent && mock.page[9].lent);
	EXPECT_EQ(mock.page[9].owner, vm);
	ASSERT_EQ(g_reclaim(h, 0), RM_ERROR_OK);
	EXPECT_EQ(mock_ram[8 * MOCK_PAGE], 0);
	EXPECT_EQ(mock_ram[10 * MOCK_PAGE - 1], 0);
	EXPECT_EQ(mock.pages_out, 0);
	EXPECT_EQ(mock.violations, 0);
}

TEST(mem_reclaim_sanitize_share)
{
	u16 vm = setup();
	struct g_sgl sgl = g_pages(3, 1);
	u32 h;

	ASSERT_EQ(g_donate(false, vm, 6, 0, 1, &sgl, 1, &h), RM_ERROR_OK);
	mock_ram[3 * MOCK_PAGE + 7] = 1;
	EXPECT_EQ(g_reclaim(h, 2), RM_ERROR_ARGUMENT_INVALID);	/* unknown flag */
	ASSERT_EQ(g_reclaim(h, RM_MEM_FLAG_SANITIZE), RM_ERROR_OK);
	EXPECT_EQ(mock_ram[3 * MOCK_PAGE + 7], 0);

	/* Sanitize asked for at share time holds at reclaim too. */
	ASSERT_EQ(g_donate(false, vm, 6, RM_MEM_FLAG_SANITIZE, 1, &sgl, 1, &h), RM_ERROR_OK);
	mock_ram[3 * MOCK_PAGE + 7] = 1;
	ASSERT_EQ(g_reclaim(h, 0), RM_ERROR_OK);
	EXPECT_EQ(mock_ram[3 * MOCK_PAGE + 7], 0);
}

TEST(mem_handles_unique_nonzero)
{
	u16 vm = setup();
	u32 h[4];

	for (unsigned int i = 0; i < 4; i++) {
		struct g_sgl sgl = g_pages(i, 1);

		ASSERT_EQ(g_donate(i & 1, vm, 4, 0, i, &sgl, 1, &h[i]), RM_ERROR_OK);
		EXPECT_NE(h[i], 0);
		for (unsigned int j = 0; j < i; j++)
			EXPECT_NE(h[i], h[j]);
	}
	/* A reclaimed handle is not handed out again straight away. */
	ASSERT_EQ(g_reclaim(h[1], 0), RM_ERROR_OK);
	{
		struct g_sgl sgl = g_pages(1, 1);
		u32 again;

		ASSERT_EQ(g_donate(false, vm, 4, 0, 9, &sgl, 1, &again), RM_ERROR_OK);
		EXPECT_NE(again, h[1]);
		EXPECT_NE(again, 0);
	}
}

/* Rejected SGLs: nothing checked with or transferred by the mechanisms. */
TEST(mem_rejects_bad_sgl)
{
	u16 vm = setup();
	const u64 pa = mock_pa(0);
	const struct g_sgl bad[][2] = {
		{ { pa + 0x800, MOCK_PAGE }, { mock_pa(5), MOCK_PAGE } },	/* misaligned base */
		{ { pa, 0x1800 }, { mock_pa(5), MOCK_PAGE } },			/* misaligned size */
		{ { pa, 0 }, { mock_pa(5), MOCK_PAGE } },			/* empty */
		{ { pa, 2 * MOCK_PAGE }, { mock_pa(1), MOCK_PAGE } },		/* overlapping */
		{ { mock_pa(5), MOCK_PAGE }, { mock_pa(5), MOCK_PAGE } },	/* duplicate */
		{ { pa, MOCK_PAGE }, { 0xFFFFFFFFFFFFF000ULL, 0x2000 } },	/* wraps */
		{ { pa, MOCK_PAGE }, { 0xFFFFFFFFFFFFF000ULL, 0x1000 } },	/* ends at 2^64 */
	};
	u32 h;

	for (unsigned int i = 0; i < ARRAY_SIZE(bad); i++) {
		EXPECT_EQ(g_donate(false, vm, 4, 0, 0, bad[i], 2, &h), RM_ERROR_ARGUMENT_INVALID);
		EXPECT_EQ(g_donate(true, vm, 4, 0, 0, bad[i], 2, &h), RM_ERROR_ARGUMENT_INVALID);
	}
	EXPECT_EQ(g_donate(false, vm, 4, 0, 0, bad[0], 0, &h), RM_ERROR_ARGUMENT_INVALID);
	EXPECT_EQ(mock.xfer_checks, 0);
	EXPECT_EQ(mock.xfer_to_vm_calls, 0);
	EXPECT_EQ(mock.pages_out, 0);
}

TEST(mem_rejects_bad_acl)
{
	u16 vm = setup(), vm2 = g_alloc_vm();
	struct g_sgl sgl = g_pages(0, 1);
	const struct {
		u32 id;
		struct g_acl acl[3];
		unsigned int n;
		u32 err;
	} c[] = {
		{ RM_MSG_MEM_LEND, { { RM_VMID_HOST, 4 } }, 1, RM_ERROR_ARGUMENT_INVALID },
		{ RM_MSG_MEM_LEND, { { vm, 4 }, { RM_VMID_HOST, 4 } }, 2, RM_ERROR_ARGUMENT_INVALID },
		{ RM_MSG_MEM_LEND, { { vm, 4 }, { vm2, 4 } }, 2, RM_ERROR_ARGUMENT_INVALID },
		{ RM_MSG_MEM_LEND, { }, 0, RM_ERROR_ARGUMENT_INVALID },
		{ RM_MSG_MEM_LEND, { { 0x77, 4 } }, 1, RM_ERROR_VMID_INVALID },
		{ RM_MSG_MEM_LEND, { { RM_VMID_RM, 4 } }, 1, RM_ERROR_VMID_INVALID },
		{ RM_MSG_MEM_LEND, { { vm, 0 } }, 1, RM_ERROR_ARGUMENT_INVALID },
		{ RM_MSG_MEM_LEND, { { vm, 8 | 4 } }, 1, RM_ERROR_ARGUMENT_INVALID },
		{ RM_MSG_MEM_SHARE, { { vm, 4 } }, 1, RM_ERROR_ARGUMENT_INVALID },
		{ RM_MSG_MEM_SHARE, { { vm, 4 }, { vm2, 4 } }, 2, RM_ERROR_ARGUMENT_INVALID },
		{ RM_MSG_MEM_SHARE, { { RM_VMID_HOST, 4 }, { RM_VMID_HOST, 4 } }, 2,
		  RM_ERROR_ARGUMENT_INVALID },
		{ RM_MSG_MEM_SHARE, { { vm, 4 }, { RM_VMID_HOST, 4 }, { vm2, 4 } }, 3,
		  RM_ERROR_ARGUMENT_INVALID },
		{ RM_MSG_MEM_SHARE, { { 0x77, 4 }, { RM_VMID_HOST, 4 } }, 2, RM_ERROR_VMID_INVALID },
		{ RM_MSG_MEM_SHARE, { { vm, 4 }, { RM_VMID_HOST, 0x10 } }, 2,
		  RM_ERROR_ARGUMENT_INVALID },
	};

	ASSERT_TRUE(vm && vm2);
	for (unsigned int i = 0; i < ARRAY_SIZE(c); i++) {
		size_t len = g_mem_body(g_body, 0, 0, 0, c[i].acl, c[i].n, &sgl, 1, 0, 0);

		EXPECT_EQ(g_call0(c[i].id, g_body, len), c[i].err);
	}
	EXPECT_EQ(mock.xfer_to_vm_calls, 0);

	/* The host may come second; attributes must name an ACL member. */
	{
		struct g_acl ok[2] = { { RM_VMID_HOST, 7 }, { vm, 5 } };
		size_t len = g_mem_body(g_body, 0, 0, 0, ok, 2, &sgl, 1, 1, vm2);

		EXPECT_EQ(g_call0(RM_MSG_MEM_SHARE, g_body, len), RM_ERROR_ARGUMENT_INVALID);
		len = g_mem_body(g_body, 0, 0, 0, ok, 2, &sgl, 1, 1, vm);
		EXPECT_EQ(g_call0(RM_MSG_MEM_SHARE, g_body, len), RM_ERROR_OK);
		EXPECT_EQ(mock.page[0].owner, vm);
	}
}

/* Malformed bodies: counts overflowing the message, trailing bytes, types. */
TEST(mem_rejects_malformed)
{
	u16 vm = setup();
	struct g_acl acl[2] = { { vm, 4 }, { RM_VMID_HOST, 4 } };
	struct g_sgl sgl[2] = { g_pages(0, 1), g_pages(1, 1) };
	size_t len = g_mem_body(g_body, 0, 0, 0, acl, 2, sgl, 2, 0, 0);
	/* Offsets of the three counts in this body. */
	const size_t acl_n = 8, sgl_n = 8 + 4 + 8, attr_n = sgl_n + 4 + 32;

	ASSERT_EQ(len, attr_n + 4);
	for (size_t cut = 0; cut < len; cut += 3)
		EXPECT_EQ(g_call0(RM_MSG_MEM_SHARE, g_body, cut), RM_ERROR_INVALID);
	g_body[len] = 0;
	EXPECT_EQ(g_call0(RM_MSG_MEM_SHARE, g_body, len + 1), RM_ERROR_INVALID);
	EXPECT_EQ(g_call0(RM_MSG_MEM_SHARE, g_body, len + 16), RM_ERROR_INVALID);

	g_body[acl_n] = 3;		/* ACL count past its entries */
	EXPECT_EQ(g_call0(RM_MSG_MEM_SHARE, g_body, len), RM_ERROR_INVALID);
	le16(g_body + acl_n, 0xFFFF);
	EXPECT_EQ(g_call0(RM_MSG_MEM_SHARE, g_body, len), RM_ERROR_INVALID);
	g_body[acl_n] = 2;
	g_body[acl_n + 1] = 0;
	le16(g_body + sgl_n, 0xFFFF);	/* SGL count overflowing the message */
	EXPECT_EQ(g_call0(RM_MSG_MEM_SHARE, g_body, len), RM_ERROR_INVALID);
	le16(g_body + sgl_n, 1);	/* or short of it: trailing bytes */
	EXPECT_EQ(g_call0(RM_MSG_MEM_SHARE, g_body, len), RM_ERROR_INVALID);
	le16(g_body + sgl_n, 2);
	le16(g_body + attr_n, 1);	/* attributes past the end */
	EXPECT_EQ(g_call0(RM_MSG_MEM_SHARE, g_body, len), RM_ERROR_INVALID);
	le16(g_body + attr_n, 0);

	g_body[0] = RM_MEM_TYPE_IO;
	EXPECT_EQ(g_call0(RM_MSG_MEM_SHARE, g_body, len), RM_ERROR_ARGUMENT_INVALID);
	g_body[0] = 0;
	g_body[2] = 0x4;		/* unknown flag */
	EXPECT_EQ(g_call0(RM_MSG_MEM_SHARE, g_body, len), RM_ERROR_ARGUMENT_INVALID);
	g_body[2] = 0;
	EXPECT_EQ(mock.xfer_to_vm_calls, 0);
	EXPECT_EQ(g_call0(RM_MSG_MEM_SHARE, g_body, len), RM_ERROR_OK);
	EXPECT_EQ(mock.pages_out, 2);
}

TEST(mem_sgl_limit_per_message)
{
	u16 vm = setup();
	static struct g_sgl sgl[513];
	struct g_acl acl = { vm, 4 };
	size_t len;

	/* 513 disjoint entries (outside the arena: never reach the mock). */
	for (unsigned int i = 0; i < 513; i++)
		sgl[i] = (struct g_sgl){ 0x100000000ULL + i * 0x2000ULL, MOCK_PAGE };
	len = g_mem_body(g_body, 0, 0, 0, &acl, 1, sgl, 513, 0, 0);
	EXPECT_EQ(g_call0(RM_MSG_MEM_LEND, g_body, len), RM_ERROR_INVALID);
	len = g_mem_body(g_body, 0, 0, 0, &acl, 1, sgl, 512, 0, 0);
	/* 512 are fine by the RM; the mechanisms refuse memory not the host's. */
	EXPECT_EQ(g_call0(RM_MSG_MEM_LEND, g_body, len), RM_ERROR_DENIED);
	EXPECT_EQ(mock.xfer_to_vm_calls, 0);
}

TEST(mem_denied_checked_before_any_transfer)
{
	u16 vm = setup();
	struct g_sgl sgl[3] = { g_pages(0, 1), g_pages(1, 1), { 0x1000, MOCK_PAGE } };
	u32 h, h2;

	EXPECT_EQ(g_donate(true, vm, 4, 0, 0, sgl, 3, &h), RM_ERROR_DENIED);
	EXPECT_EQ(mock.xfer_to_vm_calls, 0);
	EXPECT_EQ(mock.pages_out, 0);

	/* Memory already given cannot be given again. */
	ASSERT_EQ(g_donate(false, vm, 4, 0, 0, sgl, 1, &h), RM_ERROR_OK);
	EXPECT_EQ(g_donate(true, vm, 4, 0, 0, sgl, 2, &h2), RM_ERROR_DENIED);
	EXPECT_EQ(mock.pages_out, 1);
}

TEST(mem_rollback_mid_list)
{
	u16 vm = setup();
	struct g_sgl sgl[4] = { g_pages(0, 1), g_pages(2, 2), g_pages(6, 1), g_pages(9, 1) };
	u32 h;

	memset(mock_ram, 0x33, 12 * MOCK_PAGE);
	for (unsigned int k = 1; k <= 4; k++) {
		mock.xfer_to_vm_calls = 0;
		mock.xfer_to_host_calls = 0;
		mock.fail_xfer_to_vm_at = k;
		EXPECT_EQ(g_donate(false, vm, 4, 0, 0, sgl, 4, &h), RM_ERROR_DENIED);
		EXPECT_EQ(mock.xfer_to_vm_calls, k);
		EXPECT_EQ(mock.xfer_to_host_calls, k - 1);	/* what was done, undone */
		EXPECT_EQ(mock.pages_out, 0);
	}
	EXPECT_EQ(mock_ram[2 * MOCK_PAGE], 0x33);	/* a share rolled back: kept */
	mock.fail_xfer_to_vm_at = 0;
	mock.xfer_to_vm_calls = 0;
	ASSERT_EQ(g_donate(false, vm, 4, 0, 0, sgl, 4, &h), RM_ERROR_OK);
	EXPECT_EQ(mock.pages_out, 5);
	EXPECT_EQ(mock.violations, 0);
}

TEST(mem_parcel_table_full)
{
	u16 vm = setup();
	u32 h, first = 0;

	for (unsigned int i = 0; i < RM_MAX_PARCELS; i++) {
		struct g_sgl sgl = g_pages(i, 1);

		ASSERT_EQ(g_donate(false, vm, 4, 0, i, &sgl, 1, &h), RM_ERROR_OK);
		if (!i)
			first = h;
	}
	{
		struct g_sgl sgl = g_pages(0, 1);

		EXPECT_EQ(g_donate(false, vm, 4, 0, 0, &sgl, 1, &h), RM_ERROR_NOMEM);
		ASSERT_EQ(g_reclaim(first, 0), RM_ERROR_OK);
		EXPECT_EQ(g_donate(false, vm, 4, 0, 0, &sgl, 1, &h), RM_ERROR_OK);
	}
}

TEST(mem_append)
{
	u16 vm = setup();
	struct g_sgl first = g_pages(0, 2), more[2] = { g_pages(4, 1), g_pages(8, 2) };
	struct g_sgl overlap = g_pages(1, 1), last = g_pages(12, 1);
	u32 h, plain;

	ASSERT_EQ(g_donate(true, vm, 7, RM_MEM_FLAG_APPEND, 5, &first, 1, &h), RM_ERROR_OK);
	/* Not usable while incomplete. */
	EXPECT_EQ(g_config_image(vm, 0, h, 0, 0, 0, 0x1000), RM_ERROR_ARGUMENT_INVALID);

	EXPECT_EQ(g_append(h, 0, more, 2), RM_ERROR_OK);
	EXPECT_EQ(mock.pages_out, 5);
	EXPECT_EQ(g_append(h, 0, &overlap, 1), RM_ERROR_ARGUMENT_INVALID);
	EXPECT_EQ(g_append(h, 0, more, 1), RM_ERROR_ARGUMENT_INVALID);	/* already in */
	EXPECT_EQ(g_append(0x12345, 0, &last, 1), RM_ERROR_HANDLE_INVALID);
	EXPECT_EQ(g_append(h, 2, &last, 1), RM_ERROR_ARGUMENT_INVALID);	/* bad flag */
	/* Count and length must agree. */
	g_append(h, 0, &last, 1);
	EXPECT_EQ(mock.pages_out, 6);
	le16(g_body + 8, 2);
	EXPECT_EQ(g_call0(RM_MSG_MEM_APPEND, g_body, 28), RM_ERROR_INVALID);
	EXPECT_EQ(g_call0(RM_MSG_MEM_APPEND, g_body, 11), RM_ERROR_INVALID);
	le16(g_body + 8, 1);		/* trailing bytes */
	EXPECT_EQ(g_call0(RM_MSG_MEM_APPEND, g_body, 28 + 4), RM_ERROR_INVALID);
	EXPECT_EQ(mock.pages_out, 6);

	last = g_pages(13, 1);
	EXPECT_EQ(g_append(h, RM_MEM_APPEND_LAST, &last, 1), RM_ERROR_OK);
	EXPECT_EQ(g_append(h, RM_MEM_APPEND_LAST, &last, 0), RM_ERROR_ARGUMENT_INVALID);
	EXPECT_EQ(g_config_image(vm, 0, h, 0, 0, 0, 0x1000), RM_ERROR_OK);

	/* Only parcels announced with "append follows" take appends. */
	{
		struct g_sgl p = g_pages(20, 1), q = g_pages(21, 1);

		ASSERT_EQ(g_donate(true, vm, 7, 0, 6, &p, 1, &plain), RM_ERROR_OK);
		EXPECT_EQ(g_append(plain, 0, &q, 1), RM_ERROR_ARGUMENT_INVALID);
	}

	mock.xfer_to_host_calls = 0;
	EXPECT_EQ(g_reclaim(h, 0), RM_ERROR_OK);
	EXPECT_EQ(mock.xfer_to_host_calls, 5);
	EXPECT_EQ(mock.pages_out, 1);
	EXPECT_EQ(mock.violations, 0);
}

TEST(mem_append_rollback)
{
	u16 vm = setup();
	struct g_sgl first = g_pages(0, 1), more[3] = { g_pages(2, 1), g_pages(3, 1), g_pages(5, 1) };
	u32 h;

	ASSERT_EQ(g_donate(false, vm, 7, RM_MEM_FLAG_APPEND, 5, &first, 1, &h), RM_ERROR_OK);
	mock.xfer_to_vm_calls = 0;
	mock.fail_xfer_to_vm_at = 3;
	EXPECT_EQ(g_append(h, RM_MEM_APPEND_LAST, more, 3), RM_ERROR_DENIED);
	EXPECT_EQ(mock.pages_out, 1);		/* back to the parcel before */
	EXPECT_EQ(mock.page[2].owner, 0);
	mock.fail_xfer_to_vm_at = 0;
	EXPECT_EQ(g_append(h, RM_MEM_APPEND_LAST, more, 3), RM_ERROR_OK);
	EXPECT_EQ(mock.pages_out, 4);
	EXPECT_EQ(g_reclaim(h, 0), RM_ERROR_OK);
	EXPECT_EQ(mock.pages_out, 0);
	EXPECT_EQ(mock.violations, 0);
}

TEST(mem_reclaim_malformed)
{
	u8 req[9] = { 0 };

	setup();
	EXPECT_EQ(g_call0(RM_MSG_MEM_RECLAIM, req, 7), RM_ERROR_INVALID);
	EXPECT_EQ(g_call0(RM_MSG_MEM_RECLAIM, req, 9), RM_ERROR_INVALID);
	EXPECT_EQ(g_reclaim(0, 0), RM_ERROR_HANDLE_INVALID);
	EXPECT_EQ(g_reclaim(0x100, 0), RM_ERROR_HANDLE_INVALID);
}

/*
 * 256 MiB of fully fragmented memory shared and 256 MiB lent to one VM:
 * 65536 separate 4 KiB ranges each, in 512-entry messages (LEND/SHARE with
 * "append follows", then APPENDs), and reclaimed. That fills the range
 * pool exactly (RM_MAX_RANGES); nothing is quadratic in the ranges.
 */
#define G_SCATTERED	65536U

static u32 g_give_scattered(bool lend, u16 vm, unsigned int first)
{
	static struct g_sgl sgl[RM_MEM_SGL_MAX];
	u32 h = 0;

	for (unsigned int done = 0; done < G_SCATTERED; done += RM_MEM_SGL_MAX) {
		bool last = done + RM_MEM_SGL_MAX == G_SCATTERED;
		u32 err;

		/* every third page of the window: no two ranges touch */
		for (unsigned int i = 0; i < RM_MEM_SGL_MAX; i++)
			sgl[i] = (struct g_sgl){ mock_big_pa(3 * (done + i) + first), MOCK_PAGE };
		if (!done)
			err = g_donate(lend, vm, 7, RM_MEM_FLAG_APPEND, 9, sgl, RM_MEM_SGL_MAX, &h);
		else
			err = g_append(h, last ? RM_MEM_APPEND_LAST : 0, sgl, RM_MEM_SGL_MAX);
		if (err != RM_ERROR_OK)
			return 0;
	}
	return h;
}

TEST(mem_many_scattered_ranges)
{
	u16 vm = setup();
	struct g_sgl one = g_pages(0, 1);
	u32 hs, hl, h;

	hs = g_give_scattered(false, vm, 0);
	ASSERT_TRUE(hs != 0);
	hl = g_give_scattered(true, vm, 1);
	ASSERT_TRUE(hl != 0);
	EXPECT_EQ(mock.pages_out, 2 * G_SCATTERED);
	EXPECT_EQ(mock.page[MOCK_RAM_PAGES + 3 * 100].owner, vm);
	EXPECT_FALSE(mock.page[MOCK_RAM_PAGES + 3 * 100].lent);
	EXPECT_TRUE(mock.page[MOCK_RAM_PAGES + 3 * 100 + 1].lent);
	EXPECT_EQ(mock.page[MOCK_RAM_PAGES + 3 * 100 + 2].owner, 0);
	/* the pool is full: one more range is refused, nothing moves */
	EXPECT_EQ(g_donate(true, vm, 7, 0, 0, &one, 1, &h), RM_ERROR_NOMEM);
	EXPECT_EQ(mock.page[0].owner, 0);

	EXPECT_EQ(g_reclaim(hs, 0), RM_ERROR_OK);
	EXPECT_EQ(g_reclaim(hl, 0), RM_ERROR_OK);
	EXPECT_EQ(mock.pages_out, 0);
	EXPECT_EQ(mock.violations, 0);
	/* all back in the pool */
	hs = g_give_scattered(false, vm, 2);
	EXPECT_TRUE(hs != 0);
	EXPECT_EQ(g_reclaim(hs, 0), RM_ERROR_OK);
	EXPECT_EQ(mock.violations, 0);
}

/* ------------------------------------------------ the VM's DT and windows */

/*
 * A VM made as QEMU's Gunyah accelerator makes it (shared/gunyah-abi.md
 * §4): guest RAM lent as the image parcel, the DT at 64 KiB into it in a
 * region of 1 MiB (FDT_MAX_SIZE) with a much smaller FDT, 256 level
 * doorbells bell-0..bell-ff (label = SPI), interrupts { config = <phandle> }
 * and a shared window for a restricted-dma-pool: a shm vdevice and a
 * /reserved-memory node, both with qcom,label.
 */
#define Q_BASE		0x80000000ULL
#define Q_DTB_OFF	0x10000ULL
#define Q_DTB_REGION	0x100000ULL
#define Q_WIN_IPA	0xc0000000ULL
#define Q_WIN_LABEL	5
#define Q_WIN_SIZE	(4 * MOCK_PAGE)

static u8 q_dtb[0x10000];
static u16 q_vm;
static u32 q_image, q_win, q_extra;	/* q_extra: 0 or one more parcel */

/* The window: 4 pages, one range, or four apart (a scattered buffer). */
static void q_setup(bool scattered_window)
{
	struct g_sgl img[2] = { g_pages(0, 32), { mock_big_pa(0), 256 * MOCK_PAGE } };
	struct g_sgl frag[4] = { g_pages(40, 1), g_pages(42, 1), g_pages(44, 1), g_pages(46, 1) };
	struct g_sgl one = g_pages(40, 4);

	rm_test_reset();
	q_vm = g_alloc_vm();
	HOST_CHECK(q_vm, "vm", 0, 0);
	HOST_CHECK(g_donate(true, q_vm, 7, 0, 0, img, 2, &q_image) == RM_ERROR_OK, "image", 0, 0);
	HOST_CHECK(g_donate(false, q_vm, 6, 0, Q_WIN_LABEL, scattered_window ? frag : &one,
			    scattered_window ? 4 : 1, &q_win) == RM_ERROR_OK, "window", 0, 0);
}

static struct g_dt q_dt(void)
{
	return (struct g_dt){
		.base = Q_BASE, .ncpus = 2,
		.gic = true, .root_intc = true,
		.gicd = 0x3fff0000, .gicd_size = 0x10000,
		.gicr = 0x3ffb0000, .gicr_size = 0x40000,
		.qemu_bells = 256,
		.shm = true, .shm_qemu = true, .shm_label = Q_WIN_LABEL, .shm_base = Q_WIN_IPA,
		.rmem = true, .rmem_labelled = true, .rmem_label = Q_WIN_LABEL,
		.rmem_base = Q_WIN_IPA, .rmem_size = Q_WIN_SIZE,
	};
}

/* The DT into the image parcel (arena page 16 on); returns its totalsize. */
static u32 q_put(const struct g_dt *d)
{
	memset(q_dtb, 0, sizeof(q_dtb));
	g_build_dt(q_dtb, sizeof(q_dtb), d);
	memcpy(mock_ram + 16 * MOCK_PAGE, q_dtb, sizeof(q_dtb));
	return fdt_totalsize(q_dtb);
}

static u32 q_config(u64 dtb_size)
{
	return g_config_image(q_vm, 0, q_image, 0, 0, Q_DTB_OFF, dtb_size);
}

/* The last RM console line has @s; the rate limit's window moves on. */
static bool q_logged(const char *s)
{
	bool yes = strstr(mock.log, s) != NULL;

	if (!yes)
		printf("# last RM line: \"%s\", wanted \"%s\"\n", mock.log, s);
	mock_advance_us(2000000);
	return yes;
}

static const struct mock_map *q_map(u64 ipa)
{
	for (unsigned int i = 0; i < MOCK_MAPS; i++) {
		if (mock.map[i].used && mock.map[i].vmid == q_vm && mock.map[i].ipa == ipa)
			return &mock.map[i];
	}
	return NULL;
}

static struct mock_vm *q_mvm(void)
{
	for (unsigned int i = 0; i < MOCK_VMS; i++) {
		if (mock.vm[i].exists && mock.vm[i].vmid == q_vm)
			return &mock.vm[i];
	}
	return NULL;
}

/* VM_STOP (force) if it runs, VM_RESET, DEALLOC, every parcel back. */
static void q_teardown(void)
{
	u8 stop[8] = { 0 };

	le16(stop, q_vm);
	stop[2] = 1;
	if (q_mvm() && q_mvm()->running)
		EXPECT_EQ(g_call0(RM_MSG_VM_STOP, stop, 8), RM_ERROR_OK);
	for (int i = 0; i < 100 && g_vmid_call(RM_MSG_VM_RESET, q_vm) != RM_ERROR_OK; i++)
		mock_advance_us(100000);
	for (int i = 0; i < 100 && g_vmid_call(RM_MSG_VM_DEALLOC_VMID, q_vm) != RM_ERROR_OK; i++)
		mock_advance_us(100000);
	EXPECT_EQ(g_reclaim(q_win, 0), RM_ERROR_OK);
	EXPECT_EQ(g_reclaim(q_image, 0), RM_ERROR_OK);
	if (q_extra)
		EXPECT_EQ(g_reclaim(q_extra, 0), RM_ERROR_OK);
	q_extra = 0;
	EXPECT_EQ(mock.pages_out, 0);
	EXPECT_EQ(mock.violations, 0);
	rm_quirk_resmem_one_region = true;
	rm_quirk_start_noresource = true;
}

/*
 * The whole QEMU shape is accepted: the 1 MiB region around a ~40 KiB FDT
 * (the old stub parsed the region and refused it), 256 doorbells on INTIDs
 * 32..287 (the old stub had 8, up to INTID 127), the phandle config with
 * the real RM's warning, and at VM_START the scattered window mapped
 * contiguously at the shm base, which the labelled /reserved-memory node
 * then finds there.
 */
TEST(vmcfg_qemu_shape)
{
	static u8 rep[RM_REPLY_MAX];
	struct g_dt d = q_dt();
	size_t rep_len = 0;
	u32 total;

	q_setup(true);
	total = q_put(&d);
	EXPECT_TRUE(total > 0x8000 && total < 0x10000);
	ASSERT_EQ(q_config(Q_DTB_REGION), RM_ERROR_OK);
	ASSERT_EQ(g_vmid_call(RM_MSG_VM_INIT, q_vm), RM_ERROR_OK);
	EXPECT_TRUE(q_logged("looks like a phandle (0x1), but should be a path"));
	ASSERT_TRUE(q_mvm() != NULL);
	EXPECT_EQ(q_mvm()->nr_bells, 256);
	EXPECT_EQ(q_mvm()->bell_intid[255], 287);
	EXPECT_TRUE(q_mvm()->gic);
	ASSERT_EQ(g_hyp_resources(q_vm, rep, &rep_len), RM_ERROR_OK);
	ASSERT_EQ(rep_len, 4 + (2 + 256) * 44);
	for (unsigned int i = 0; i < 256; i++) {
		const u8 *e = rep + 4 + (2 + i) * 44;

		EXPECT_EQ(e[0], 0);				/* BELL_TX */
		EXPECT_EQ(rm_get_le32(e + 8), i);		/* label = SPI */
	}
	EXPECT_TRUE(q_map(Q_BASE) != NULL);
	EXPECT_TRUE(q_map(Q_WIN_IPA) == NULL);		/* at VM_START */
	ASSERT_EQ(g_vmid_call(RM_MSG_VM_START, q_vm), RM_ERROR_OK);
	EXPECT_TRUE(g_is_status(0, q_vm, RM_VM_STATUS_RUNNING));
	ASSERT_TRUE(q_map(Q_WIN_IPA) != NULL);
	EXPECT_EQ(q_map(Q_WIN_IPA)->pa, mock_pa(40));
	EXPECT_TRUE(q_map(Q_WIN_IPA + 3 * MOCK_PAGE) != NULL);	/* contiguous IPAs */
	EXPECT_EQ(g_reclaim(q_win, 0), RM_ERROR_MEM_INUSE);
	q_teardown();
}

/* The FDT's own totalsize must fit the declared region; more is refused. */
TEST(vmcfg_dtb_region)
{
	struct g_dt d = q_dt();
	u32 total;

	q_setup(false);
	total = q_put(&d);
	ASSERT_EQ(q_config(total - 8), RM_ERROR_OK);
	EXPECT_EQ(g_vmid_call(RM_MSG_VM_INIT, q_vm), RM_ERROR_ARGUMENT_INVALID);
	EXPECT_TRUE(q_logged("fdt_totalsize"));
	EXPECT_TRUE(g_is_status(1, q_vm, RM_VM_STATUS_INIT_FAILED));
	EXPECT_EQ(mock.nr_vms, 0);
	q_teardown();

	/* Exactly the FDT: fine too. */
	q_setup(false);
	total = q_put(&d);
	ASSERT_EQ(q_config(total), RM_ERROR_OK);
	EXPECT_EQ(g_vmid_call(RM_MSG_VM_INIT, q_vm), RM_ERROR_OK);
	q_teardown();

	/* A header claiming more than the stub copies (the region holds it). */
	q_setup(false);
	q_put(&d);
	fdt_set_totalsize(mock_ram + 16 * MOCK_PAGE, RM_DTB_MAX + 8);
	ASSERT_EQ(q_config(Q_DTB_REGION), RM_ERROR_OK);
	EXPECT_EQ(g_vmid_call(RM_MSG_VM_INIT, q_vm), RM_ERROR_ARGUMENT_INVALID);
	EXPECT_TRUE(q_logged("the stub reads at most"));
	q_teardown();

	/* Not an FDT at all. */
	q_setup(false);
	memset(mock_ram + 16 * MOCK_PAGE, 0xd0, 64);
	ASSERT_EQ(q_config(Q_DTB_REGION), RM_ERROR_OK);
	EXPECT_EQ(g_vmid_call(RM_MSG_VM_INIT, q_vm), RM_ERROR_ARGUMENT_INVALID);
	EXPECT_TRUE(q_logged("invalid dtb"));
	q_teardown();
}

/*
 * A scattered shared parcel named only by a labelled /reserved-memory
 * node: the real RM accepts it at the node's range as one SGL entry
 * without MAP_CONTIGUOUS, which fails for more than one physical range
 * (ARGUMENT_INVALID), "No memparcel matching", and VM_START replies
 * NORESOURCE; the VM is INIT_FAILED. The same window in one range works.
 */
TEST(vmcfg_resmem_scattered_refused)
{
	struct g_dt d = q_dt();

	d.shm = false;
	q_setup(true);
	q_put(&d);
	ASSERT_EQ(q_config(Q_DTB_REGION), RM_ERROR_OK);
	ASSERT_EQ(g_vmid_call(RM_MSG_VM_INIT, q_vm), RM_ERROR_OK);
	mock_advance_us(2000000);
	EXPECT_EQ(g_vmid_call(RM_MSG_VM_START, q_vm), RM_ERROR_NORESOURCE);
	EXPECT_TRUE(g_is_status(0, q_vm, RM_VM_STATUS_INIT_FAILED));
	EXPECT_TRUE(q_logged("No memparcel matching /reserved-memory/region!"));
	EXPECT_TRUE(q_map(Q_WIN_IPA) == NULL);
	EXPECT_FALSE(q_mvm()->running);
	EXPECT_EQ(g_vmid_call(RM_MSG_VM_START, q_vm), RM_ERROR_VM_STATE);
	q_teardown();

	/* The underlying error, with the reply quirk off: 6. */
	q_setup(true);
	q_put(&d);
	ASSERT_EQ(q_config(Q_DTB_REGION), RM_ERROR_OK);
	ASSERT_EQ(g_vmid_call(RM_MSG_VM_INIT, q_vm), RM_ERROR_OK);
	rm_quirk_start_noresource = false;
	EXPECT_EQ(g_vmid_call(RM_MSG_VM_START, q_vm), RM_ERROR_ARGUMENT_INVALID);
	q_teardown();

	/* Without the one-range quirk the scattered window is mapped. */
	q_setup(true);
	q_put(&d);
	ASSERT_EQ(q_config(Q_DTB_REGION), RM_ERROR_OK);
	ASSERT_EQ(g_vmid_call(RM_MSG_VM_INIT, q_vm), RM_ERROR_OK);
	rm_quirk_resmem_one_region = false;
	EXPECT_EQ(g_vmid_call(RM_MSG_VM_START, q_vm), RM_ERROR_OK);
	EXPECT_TRUE(q_map(Q_WIN_IPA) != NULL);
	q_teardown();

	/* One physical range: accepted at the node's range. */
	q_setup(false);
	q_put(&d);
	ASSERT_EQ(q_config(Q_DTB_REGION), RM_ERROR_OK);
	ASSERT_EQ(g_vmid_call(RM_MSG_VM_INIT, q_vm), RM_ERROR_OK);
	EXPECT_EQ(g_vmid_call(RM_MSG_VM_START, q_vm), RM_ERROR_OK);
	ASSERT_TRUE(q_map(Q_WIN_IPA) != NULL);
	EXPECT_EQ(q_map(Q_WIN_IPA)->size, Q_WIN_SIZE);
	q_teardown();
}

/*
 * Nodes without qcom,label match only a parcel mapped at exactly their
 * range already (the shm one here); a shared window nobody placed does not
 * match (the Linux guest's unlabelled swiotlb window on the real RM); a
 * plain "label" is not a qcom,label; size-only nodes are skipped; a shared
 * parcel must not be "reusable".
 */
TEST(vmcfg_resmem_unlabelled)
{
	struct g_dt d = q_dt();

	/* Mapped by its shm vdevice: found by address. */
	d.rmem_labelled = false;
	d.rmem_dynamic = true;
	q_setup(true);
	q_put(&d);
	ASSERT_EQ(q_config(Q_DTB_REGION), RM_ERROR_OK);
	ASSERT_EQ(g_vmid_call(RM_MSG_VM_INIT, q_vm), RM_ERROR_OK);
	EXPECT_EQ(g_vmid_call(RM_MSG_VM_START, q_vm), RM_ERROR_OK);
	q_teardown();

	/* The same range, one page short: no match. */
	d.rmem_size = Q_WIN_SIZE - MOCK_PAGE;
	q_setup(true);
	q_put(&d);
	ASSERT_EQ(q_config(Q_DTB_REGION), RM_ERROR_OK);
	ASSERT_EQ(g_vmid_call(RM_MSG_VM_INIT, q_vm), RM_ERROR_OK);
	EXPECT_EQ(g_vmid_call(RM_MSG_VM_START, q_vm), RM_ERROR_NORESOURCE);
	EXPECT_TRUE(q_logged("No memparcel matching /reserved-memory/region!"));
	q_teardown();

	/* Nothing maps the window: no match (the old stub took it by size). */
	d = q_dt();
	d.shm = false;
	d.rmem_labelled = false;
	q_setup(false);
	q_put(&d);
	ASSERT_EQ(q_config(Q_DTB_REGION), RM_ERROR_OK);
	ASSERT_EQ(g_vmid_call(RM_MSG_VM_INIT, q_vm), RM_ERROR_OK);
	EXPECT_EQ(g_vmid_call(RM_MSG_VM_START, q_vm), RM_ERROR_NORESOURCE);
	EXPECT_TRUE(q_logged("No memparcel matching /reserved-memory/region!"));
	q_teardown();

	/* Shared, but marked reusable. */
	d = q_dt();
	d.rmem_reusable = true;
	q_setup(false);
	q_put(&d);
	ASSERT_EQ(q_config(Q_DTB_REGION), RM_ERROR_OK);
	ASSERT_EQ(g_vmid_call(RM_MSG_VM_INIT, q_vm), RM_ERROR_OK);
	EXPECT_EQ(g_vmid_call(RM_MSG_VM_START, q_vm), RM_ERROR_NORESOURCE);
	EXPECT_TRUE(q_logged("is marked reusable, but the memparcel is not exclusive"));
	q_teardown();
}

/*
 * Unlabelled parcels lent with all rights are the VM's private memory:
 * mapped after the image parcel at VM_START (accept_memparcel_private()).
 * A labelled one is not.
 */
TEST(vmcfg_private_parcels)
{
	struct g_dt d = q_dt();
	struct g_sgl more = g_pages(50, 2), labelled = g_pages(53, 1);
	u32 h1, h2;

	q_setup(false);
	ASSERT_EQ(g_donate(true, q_vm, 7, 0, 0, &more, 1, &h1), RM_ERROR_OK);
	ASSERT_EQ(g_donate(true, q_vm, 7, 0, 9, &labelled, 1, &h2), RM_ERROR_OK);
	q_put(&d);
	ASSERT_EQ(q_config(Q_DTB_REGION), RM_ERROR_OK);
	ASSERT_EQ(g_vmid_call(RM_MSG_VM_INIT, q_vm), RM_ERROR_OK);
	EXPECT_TRUE(q_map(Q_BASE + 288 * MOCK_PAGE) == NULL);
	ASSERT_EQ(g_vmid_call(RM_MSG_VM_START, q_vm), RM_ERROR_OK);
	ASSERT_TRUE(q_map(Q_BASE + 288 * MOCK_PAGE) != NULL);	/* right after */
	EXPECT_EQ(q_map(Q_BASE + 288 * MOCK_PAGE)->pa, mock_pa(50));
	EXPECT_EQ(g_reclaim(h2, 0), RM_ERROR_OK);		/* never mapped */
	EXPECT_EQ(g_reclaim(h1, 0), RM_ERROR_MEM_INUSE);
	q_extra = h1;
	q_teardown();
}

/* One VM_INIT refused for @d, with @why on the console. */
static void q_refused(const struct g_dt *d, const char *why)
{
	q_setup(false);
	q_put(d);
	ASSERT_EQ(q_config(Q_DTB_REGION), RM_ERROR_OK);
	mock_advance_us(2000000);
	EXPECT_EQ(g_vmid_call(RM_MSG_VM_INIT, q_vm), RM_ERROR_ARGUMENT_INVALID);
	EXPECT_TRUE(q_logged(why));
	EXPECT_EQ(mock.nr_vms, 0);
	EXPECT_EQ(mock.nr_bells, 0);
	q_teardown();
}

static void q_accepted(const struct g_dt *d)
{
	q_setup(false);
	q_put(d);
	ASSERT_EQ(q_config(Q_DTB_REGION), RM_ERROR_OK);
	mock_advance_us(2000000);
	EXPECT_EQ(g_vmid_call(RM_MSG_VM_INIT, q_vm), RM_ERROR_OK);
	if (g_reply_at < 0 || rm_get_le32(g_ev[g_reply_at].data))
		printf("# last RM line: \"%s\"\n", mock.log);
	q_teardown();
}

/* What the RM refuses in a VM's DT, each with its reason on the console. */
TEST(vmcfg_refusals_say_why)
{
	struct g_dt d;

	d = q_dt();
	d.qemu_bells = VM_MAX_DOORBELLS + 1;
	q_refused(&d, "more than 320 doorbells");
	d = q_dt();
	d.qemu_bells = 1;
	d.qemu_bells_first = 988;			/* INTID 1020 */
	q_refused(&d, "not an SPI of the vGIC (0..987)");
	d = q_dt();
	d.nbells = 1;
	d.bell[0] = g_bell_ok(1000, 3, 4);		/* SPI 3 again */
	q_refused(&d, "SPI 3 already has a doorbell");
	d = q_dt();
	d.nbells = 1;
	d.bell[0] = g_bell_ok(1000, 300, 4);
	d.bell[0].type = 1;				/* a PPI */
	q_refused(&d, "not an SPI");
	d = q_dt();
	d.nbells = 1;
	d.bell[0] = g_bell_ok(1000, 300, 4);
	d.bell[0].no_irq = true;
	q_refused(&d, "no <type number flags> interrupts");
	d.bell[0].no_irq = false;
	d.bell[0].flags = 8;				/* level low */
	q_refused(&d, "invalid GIC IRQ trigger mode 0x8");
	d.bell[0].flags = 4;
	d.bell[0].no_peer = true;
	q_refused(&d, "the stub's only peer is the host");
	d = q_dt();
	d.root_intc = false;
	d.gic_no_config = true;
	q_refused(&d, "couldn't read interrupts \"config\"");
	d = q_dt();
	d.gic_compat = "arm,gic-400";
	q_refused(&d, "is not a GIC(v3)");
	d = q_dt();
	d.base = Q_BASE + 0x800;
	q_refused(&d, "base-address invalid alignment");
	d = q_dt();
	d.affinity = "static";
	q_refused(&d, "only host-scheduled (proxy) vCPUs");
}

/* What the real RM accepts and the old stub did not. */
TEST(vmcfg_accepted_shapes)
{
	struct g_dt d;

	/* The last SPI of the real vGIC, and repeated labels. */
	d = q_dt();
	d.qemu_bells = 0;
	d.nbells = 3;
	d.bell[0] = g_bell_ok(7, 987, 4);
	d.bell[1] = g_bell_ok(7, 0, 1);
	d.bell[2] = g_bell_ok(7, 1, 4 | 0x100);		/* upper flag bits ignored */
	d.bell[2].no_label = true;			/* label 0 */
	q_accepted(&d);
	/* interrupts without config: the root's interrupt-parent. */
	d = q_dt();
	d.gic_no_config = true;
	q_accepted(&d);
	/* config as a path: no warning. */
	d = q_dt();
	d.gic_path = true;
	d.root_intc = false;
	q_setup(false);
	q_put(&d);
	ASSERT_EQ(q_config(Q_DTB_REGION), RM_ERROR_OK);
	mock.log[0] = 0;
	EXPECT_EQ(g_vmid_call(RM_MSG_VM_INIT, q_vm), RM_ERROR_OK);
	EXPECT_EQ(mock.log[0], 0);
	q_teardown();
	/* GIC frame sizes are not checked (the real RM reads only bases). */
	d = q_dt();
	d.gicd_size = 0x1000;
	d.gicr_size = 0x1000;
	q_accepted(&d);
	/* base-address aligned up to 2 MiB, with a warning. */
	d = q_dt();
	d.base = Q_BASE + 0x1000;
	d.gic_path = true;
	q_setup(false);
	q_put(&d);
	ASSERT_EQ(q_config(Q_DTB_REGION), RM_ERROR_OK);
	EXPECT_EQ(g_vmid_call(RM_MSG_VM_INIT, q_vm), RM_ERROR_OK);
	EXPECT_TRUE(q_logged("not 2MB aligned, aligning up"));
	EXPECT_TRUE(q_map(Q_BASE + 0x200000) != NULL);
	q_teardown();
}
