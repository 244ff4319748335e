/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * printf-style formatting for the stub's console: %c %s %d %i %u %x %p %%,
 * flags '-', '0' and '#', a field width, and the l, ll and z length modifiers.
 */
#ifndef HYP_FORMAT_H
#define HYP_FORMAT_H

#include <stdarg.h>
#include "types.h"

/* As vsnprintf(): returns the length the full output would have. */
int fmt_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int fmt_snprintf(char *buf, size_t size, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#endif
