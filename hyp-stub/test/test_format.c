// SPDX-License-Identifier: GPL-2.0-only
/* Host tests for core/format.c, checked against the C library. */
#include <stdio.h>
#include "unit.h"
#include "format.h"

#define CHECK_FMT(fmt, ...) do {					\
	char a[64], b[64];						\
	int na = fmt_snprintf(a, sizeof(a), fmt, __VA_ARGS__);		\
	int nb = snprintf(b, sizeof(b), fmt, __VA_ARGS__);		\
	EXPECT_EQ(na, nb);						\
	if (strcmp(a, b))						\
		printf("# '%s' != '%s'\n", a, b);			\
	EXPECT_EQ(strcmp(a, b), 0);					\
} while (0)

TEST(integers)
{
	CHECK_FMT("%d %i %u", -12, 0, 4000000000U);
	CHECK_FMT("%ld %lu %llx", -9000000000L, 18000000000000000000UL,
		  0xfedcba9876543210ULL);
	CHECK_FMT("%zu %zx", (size_t)42, (size_t)0x1234);
	CHECK_FMT("%x %lx", 0xdeadbeefU, 0x40000000UL);
	CHECK_FMT("[%5d] [%-5d] [%05d] [%05d]", 42, 42, 42, -42);
	CHECK_FMT("%016lx", 0x1UL);
	CHECK_FMT("[%#x] [%#lx] [%#010x] [%#10x] [%-#8x] [%#x]", 0x40U,
		  0x41000000UL, 0xabcdU, 0xabcdU, 0x1fU, 0U);
	CHECK_FMT("%lld", (long long)(-0x7fffffffffffffffLL - 1));
}

TEST(strings_and_chars)
{
	CHECK_FMT("%s|%c|%%|%8s|%-8s|", "abc", 'x', "right", "left");
	CHECK_FMT("%s", "");
}

TEST(pointer)
{
	char a[32];

	fmt_snprintf(a, sizeof(a), "%p", (void *)0x40200000UL);
	EXPECT_EQ(strcmp(a, "0x40200000"), 0);
	fmt_snprintf(a, sizeof(a), "[%12p]", (void *)0x1234UL);
	EXPECT_EQ(strcmp(a, "[      0x1234]"), 0);
}

TEST(truncation)
{
	char a[8];

	EXPECT_EQ(fmt_snprintf(a, sizeof(a), "%s", "0123456789"), 10);
	EXPECT_EQ(strcmp(a, "0123456"), 0);
	EXPECT_EQ(fmt_snprintf(NULL, 0, "%d", 1234), 4);
	EXPECT_EQ(fmt_snprintf(a, 1, "abc"), 3);
	EXPECT_EQ(a[0], '\0');
}

/* Not literals, so the compiler's format checking lets them through. */
static const char *const bad_formats[] = { "a%qb", "end%" };

TEST(unknown_conversion)
{
	char a[16];

	EXPECT_EQ(fmt_snprintf(a, sizeof(a), bad_formats[0], 0), 4);
	EXPECT_EQ(strcmp(a, "a%qb"), 0);
	EXPECT_EQ(fmt_snprintf(a, sizeof(a), bad_formats[1], 0), 4);
	EXPECT_EQ(strcmp(a, "end%"), 0);
}
