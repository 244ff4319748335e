/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Minimal host-side unit-test harness for hyp-stub code.
 *
 *	TEST(name) { EXPECT_EQ(a, b); ASSERT_TRUE(x); }
 *
 * Each test binary prints one TAP line per test and a final
 * "<binary>: N passed, N failed" line; it exits non-zero on any failure.
 * EXPECT_* record a failure and continue; ASSERT_* end the test.
 */
#ifndef HYP_TEST_UNIT_H
#define HYP_TEST_UNIT_H

#include <stdio.h>
#include <stdint.h>
#include <string.h>

typedef void (*unit_fn)(void);
void unit_register(const char *name, unit_fn fn);
void unit_fail(const char *file, int line, const char *expr,
	       long long a, long long b);
extern int unit_test_failed;

#define TEST(name)							\
	static void name(void);						\
	__attribute__((constructor)) static void unit_reg_##name(void)	\
	{ unit_register(#name, name); }					\
	static void name(void)

#define UNIT_CHECK(cond, expr, a, b, fatal) do {			\
	if (!(cond)) {							\
		unit_fail(__FILE__, __LINE__, expr, (long long)(a),	\
			  (long long)(b));				\
		if (fatal)						\
			return;						\
	}								\
} while (0)

#define EXPECT_EQ(a, b)	do { long long _a = (long long)(a), _b = (long long)(b); \
	UNIT_CHECK(_a == _b, #a " == " #b, _a, _b, 0); } while (0)
#define EXPECT_NE(a, b)	do { long long _a = (long long)(a), _b = (long long)(b); \
	UNIT_CHECK(_a != _b, #a " != " #b, _a, _b, 0); } while (0)
#define EXPECT_TRUE(x)	UNIT_CHECK((x), #x, 0, 0, 0)
#define EXPECT_FALSE(x)	UNIT_CHECK(!(x), "!(" #x ")", 0, 0, 0)
#define ASSERT_EQ(a, b)	do { long long _a = (long long)(a), _b = (long long)(b); \
	UNIT_CHECK(_a == _b, #a " == " #b, _a, _b, 1); } while (0)
#define ASSERT_TRUE(x)	UNIT_CHECK((x), #x, 0, 0, 1)
#define EXPECT_MEMEQ(a, b, n) UNIT_CHECK(memcmp((a), (b), (n)) == 0, \
	"memcmp(" #a ", " #b ", " #n ") == 0", 0, 0, 0)

#endif
