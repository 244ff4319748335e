/* SPDX-License-Identifier: GPL-2.0-only */
/* Included by libfdt_env.h; the stub needs nothing from it. EL2 only. */
#ifndef HYP_LIBC_STDLIB_H
#define HYP_LIBC_STDLIB_H

#include <stddef.h>

#endif
