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
