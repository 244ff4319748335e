/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Page-table pages for host tests: zeroed, naturally aligned, tracked so a
 * test can count them, free them all, and make the next allocations fail.
 * One copy per test binary (static).
 */
#ifndef HYP_TEST_FAKE_PAGES_H
#define HYP_TEST_FAKE_PAGES_H

#include <stdlib.h>
#include <string.h>
#include "pgtable.h"

#define FAKE_PAGES_MAX	1024

static void *allocs[FAKE_PAGES_MAX];
static int nr_allocs;
static int alloc_budget = -1;	/* allocations left before failing; < 0: no limit */

static void *fake_zalloc(unsigned int order)
{
	size_t size = PGT_PAGE_SIZE << order;
	void *p;

	if (alloc_budget == 0 || nr_allocs == FAKE_PAGES_MAX)
		return NULL;
	if (alloc_budget > 0)
		alloc_budget--;
	p = aligned_alloc(size, size);
	if (p) {
		memset(p, 0, size);
		allocs[nr_allocs++] = p;
	}
	return p;
}

/* Free every page and lift the allocation limit. */
static void fake_pages_reset(void)
{
	while (nr_allocs)
		free(allocs[--nr_allocs]);
	alloc_budget = -1;
}

#endif
