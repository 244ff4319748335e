/* SPDX-License-Identifier: GPL-2.0-only */
/* Freestanding limits.h for EL2 (GCC's own wants a C library behind it). */
#ifndef HYP_LIBC_LIMITS_H
#define HYP_LIBC_LIMITS_H

#define CHAR_BIT	__CHAR_BIT__
#define INT_MAX		__INT_MAX__
#define INT_MIN		(-INT_MAX - 1)
#define UINT_MAX	(INT_MAX * 2U + 1U)
#define LONG_MAX	__LONG_MAX__
#define LONG_MIN	(-LONG_MAX - 1L)
#define ULONG_MAX	(LONG_MAX * 2UL + 1UL)

#endif
