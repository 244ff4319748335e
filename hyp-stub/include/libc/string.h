/* SPDX-License-Identifier: GPL-2.0-only */
/* The string functions the stub and libfdt use (arch/libc.c), EL2 only. */
#ifndef HYP_LIBC_STRING_H
#define HYP_LIBC_STRING_H

#include <stddef.h>

void *memcpy(void *dst, const void *src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
void *memset(void *s, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);
void *memchr(const void *s, int c, size_t n);
size_t strlen(const char *s);
size_t strnlen(const char *s, size_t max);
int strcmp(const char *a, const char *b);
char *strchr(const char *s, int c);
char *strrchr(const char *s, int c);

#endif
