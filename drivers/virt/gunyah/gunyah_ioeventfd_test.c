// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit tests of the Gunyah ioeventfd rules: argument checks, overlap and
 * matching of guest writes. No VM is needed: these are pure functions.
 */

#include <kunit/test.h>
#include <linux/module.h>

#include "vm_mgr.h"

#define DM	GUNYAH_IOEVENTFD_FLAGS_DATAMATCH

static struct gunyah_fn_ioeventfd_arg test_arg(u64 addr, u32 len, u32 flags,
					       u64 datamatch)
{
	return (struct gunyah_fn_ioeventfd_arg) {
		.datamatch = datamatch,
		.addr = addr,
		.len = len,
		.fd = -1,
		.flags = flags,
	};
}

static int test_parse(u64 addr, u32 len, u32 flags, u64 datamatch,
		      struct gunyah_ioeventfd_desc *desc)
{
	struct gunyah_fn_ioeventfd_arg arg = test_arg(addr, len, flags,
						      datamatch);

	return gunyah_ioeventfd_parse(&arg, desc);
}

static void gunyah_ioeventfd_test_parse(struct kunit *test)
{
	struct gunyah_fn_ioeventfd_arg arg;
	struct gunyah_ioeventfd_desc d;
	u32 len;

	for (len = 0; len <= 9; len++) {
		bool ok = len == 0 || len == 1 || len == 2 || len == 4 ||
			  len == 8;

		KUNIT_EXPECT_EQ_MSG(test, test_parse(0x1000, len, 0, 0, &d),
				    ok ? 0 : -EINVAL, "len %u", len);
	}
	KUNIT_EXPECT_EQ(test, test_parse(0x1000, 16, 0, 0, &d), -EINVAL);

	/* Any size cannot be compared with a value */
	KUNIT_EXPECT_EQ(test, test_parse(0x1000, 0, DM, 5, &d), -EINVAL);
	KUNIT_EXPECT_EQ(test, test_parse(0x1000, 0,
					 GUNYAH_IOEVENTFD_CROSVM_DATAMATCH, 5,
					 &d), -EINVAL);

	/* Unknown flags; padding is ignored (QEMU leaves it uninitialised) */
	KUNIT_EXPECT_EQ(test, test_parse(0x1000, 4, 1U << 2, 0, &d), -EINVAL);
	KUNIT_EXPECT_EQ(test, test_parse(0x1000, 4, 1U << 31, 0, &d), -EINVAL);
	arg = test_arg(0x1000, 4, 0, 0);
	arg.padding = 0xdeadbeef;
	KUNIT_EXPECT_EQ(test, gunyah_ioeventfd_parse(&arg, &d), 0);

	/* Wrapping ranges */
	KUNIT_EXPECT_EQ(test, test_parse(U64_MAX - 3, 8, 0, 0, &d), -EINVAL);
	KUNIT_EXPECT_EQ(test, test_parse(U64_MAX, 0, 0, 0, &d), -EINVAL);
	KUNIT_EXPECT_EQ(test, test_parse(U64_MAX - 7, 4, 0, 0, &d), 0);

	/* crosvm's datamatch flag is datamatch */
	KUNIT_ASSERT_EQ(test, test_parse(0x2000, 4,
					 GUNYAH_IOEVENTFD_CROSVM_DATAMATCH,
					 7, &d), 0);
	KUNIT_EXPECT_TRUE(test, d.datamatch);
	KUNIT_EXPECT_EQ(test, d.data, 7ULL);
	KUNIT_EXPECT_EQ(test, d.addr, 0x2000ULL);
	KUNIT_EXPECT_EQ(test, d.len, 4U);

	/* Without datamatch the value is ignored */
	KUNIT_ASSERT_EQ(test, test_parse(0x2000, 4, 0, 7, &d), 0);
	KUNIT_EXPECT_FALSE(test, d.datamatch);
	KUNIT_EXPECT_EQ(test, d.data, 0ULL);
}

static bool test_conflict(u64 a_addr, u32 a_len, u32 a_flags, u64 a_data,
			  u64 b_addr, u32 b_len, u32 b_flags, u64 b_data,
			  struct kunit *test)
{
	struct gunyah_ioeventfd_desc a, b;

	KUNIT_ASSERT_EQ(test, test_parse(a_addr, a_len, a_flags, a_data, &a), 0);
	KUNIT_ASSERT_EQ(test, test_parse(b_addr, b_len, b_flags, b_data, &b), 0);
	/* The relation is symmetric */
	KUNIT_EXPECT_EQ(test, gunyah_ioeventfd_conflict(&a, &b),
			gunyah_ioeventfd_conflict(&b, &a));
	return gunyah_ioeventfd_conflict(&a, &b);
}

static void gunyah_ioeventfd_test_conflict(struct kunit *test)
{
	/* Disjoint and adjacent ranges coexist */
	KUNIT_EXPECT_FALSE(test, test_conflict(0x1000, 4, 0, 0,
					       0x1004, 4, 0, 0, test));
	KUNIT_EXPECT_FALSE(test, test_conflict(0x1000, 0, 0, 0,
					       0x1001, 1, 0, 0, test));
	/* Same address, or overlapping ranges */
	KUNIT_EXPECT_TRUE(test, test_conflict(0x1000, 4, 0, 0,
					      0x1000, 4, 0, 0, test));
	KUNIT_EXPECT_TRUE(test, test_conflict(0x1000, 4, 0, 0,
					      0x1002, 2, 0, 0, test));
	KUNIT_EXPECT_TRUE(test, test_conflict(0x1000, 8, 0, 0,
					      0x1007, 1, 0, 0, test));
	KUNIT_EXPECT_TRUE(test, test_conflict(0x1000, 0, 0, 0,
					      0x1000, 4, DM, 1, test));
	KUNIT_EXPECT_TRUE(test, test_conflict(0x1003, 0, 0, 0,
					      0x1000, 4, 0, 0, test));
	/* Datamatch: different values at one register coexist */
	KUNIT_EXPECT_FALSE(test, test_conflict(0x1000, 4, DM, 0,
					       0x1000, 4, DM, 1, test));
	KUNIT_EXPECT_FALSE(test, test_conflict(0x1000, 4, DM, 0,
					       0x1000, 4,
					       GUNYAH_IOEVENTFD_CROSVM_DATAMATCH,
					       1, test));
	KUNIT_EXPECT_TRUE(test, test_conflict(0x1000, 4, DM, 1,
					      0x1000, 4, DM, 1, test));
	KUNIT_EXPECT_TRUE(test, test_conflict(0x1000, 4, DM, 1,
					      0x1000, 4, 0, 0, test));
	KUNIT_EXPECT_TRUE(test, test_conflict(0x1000, 4, DM, 1,
					      0x1000, 2, DM, 2, test));
	KUNIT_EXPECT_TRUE(test, test_conflict(0x1000, 4, DM, 1,
					      0x1002, 4, DM, 2, test));
	/* The top of the address space */
	KUNIT_EXPECT_TRUE(test, test_conflict(U64_MAX - 15, 8, 0, 0,
					      U64_MAX - 9, 1, 0, 0, test));
}

static void gunyah_ioeventfd_test_match(struct kunit *test)
{
	struct gunyah_ioeventfd_desc any, word, dm, dm1, dm8;

	KUNIT_ASSERT_EQ(test, test_parse(0x1000, 0, 0, 0, &any), 0);
	KUNIT_ASSERT_EQ(test, test_parse(0x2000, 4, 0, 0, &word), 0);
	KUNIT_ASSERT_EQ(test, test_parse(0x3000, 4, DM, 0x1234, &dm), 0);
	KUNIT_ASSERT_EQ(test, test_parse(0x4000, 1, DM, 0x80, &dm1), 0);
	KUNIT_ASSERT_EQ(test, test_parse(0x5000, 8, DM, U64_MAX, &dm8), 0);

	/* len 0: any size at the address, any value */
	KUNIT_EXPECT_TRUE(test, gunyah_ioeventfd_match(&any, 0x1000, 1, 0));
	KUNIT_EXPECT_TRUE(test, gunyah_ioeventfd_match(&any, 0x1000, 8, ~0ULL));
	KUNIT_EXPECT_FALSE(test, gunyah_ioeventfd_match(&any, 0x1001, 1, 0));
	KUNIT_EXPECT_FALSE(test, gunyah_ioeventfd_match(&any, 0xfff, 4, 0));

	/* Size must be equal */
	KUNIT_EXPECT_TRUE(test, gunyah_ioeventfd_match(&word, 0x2000, 4, 9));
	KUNIT_EXPECT_FALSE(test, gunyah_ioeventfd_match(&word, 0x2000, 2, 9));
	KUNIT_EXPECT_FALSE(test, gunyah_ioeventfd_match(&word, 0x2000, 8, 9));
	KUNIT_EXPECT_FALSE(test, gunyah_ioeventfd_match(&word, 0x2004, 4, 9));

	/* Datamatch compares the written bytes only */
	KUNIT_EXPECT_TRUE(test, gunyah_ioeventfd_match(&dm, 0x3000, 4, 0x1234));
	KUNIT_EXPECT_TRUE(test,
			  gunyah_ioeventfd_match(&dm, 0x3000, 4,
						 0xffffffff00001234ULL));
	KUNIT_EXPECT_FALSE(test, gunyah_ioeventfd_match(&dm, 0x3000, 4, 0x1235));
	KUNIT_EXPECT_FALSE(test, gunyah_ioeventfd_match(&dm, 0x3000, 2, 0x1234));
	KUNIT_EXPECT_TRUE(test, gunyah_ioeventfd_match(&dm1, 0x4000, 1, 0x180));
	KUNIT_EXPECT_FALSE(test, gunyah_ioeventfd_match(&dm1, 0x4000, 1, 0x81));
	KUNIT_EXPECT_TRUE(test, gunyah_ioeventfd_match(&dm8, 0x5000, 8, U64_MAX));
	KUNIT_EXPECT_FALSE(test,
			   gunyah_ioeventfd_match(&dm8, 0x5000, 8, U64_MAX - 1));
}

static struct kunit_case gunyah_ioeventfd_test_cases[] = {
	KUNIT_CASE(gunyah_ioeventfd_test_parse),
	KUNIT_CASE(gunyah_ioeventfd_test_conflict),
	KUNIT_CASE(gunyah_ioeventfd_test_match),
	{}
};

static struct kunit_suite gunyah_ioeventfd_test_suite = {
	.name = "gunyah_ioeventfd",
	.test_cases = gunyah_ioeventfd_test_cases,
};

kunit_test_suite(gunyah_ioeventfd_test_suite);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("KUnit tests of the Gunyah ioeventfd rules");
MODULE_IMPORT_NS(EXPORTED_FOR_KUNIT_TESTING);
