/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Shared by gunyah-bench and kvm-bench (header-only): the host counter,
 * ticks to ns, and the `BENCH {json}` output lines of `make bench`:
 *   BENCH {"row": "<name>", "unit": "ns", "median": <num>, "p10": <num>,
 *          "p90": <num>, "n": <count>, "extra": {...}}
 */
#ifndef GUNYAH_BENCH_COMMON_H
#define GUNYAH_BENCH_COMMON_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* CNTVCT_EL0 from userspace: equal to the guest's CNTPCT_EL0 (offset 0). */
static inline uint64_t bench_cntvct(void)
{
	uint64_t v;

	asm volatile("isb; mrs %0, cntvct_el0" : "=r"(v) : : "memory");
	return v;
}

static inline uint64_t bench_cntfrq(void)
{
	uint64_t v;

	asm volatile("mrs %0, cntfrq_el0" : "=r"(v));
	return v;
}

static inline double bench_ticks_ns(double ticks)
{
	return ticks * 1e9 / (double)bench_cntfrq();
}

/* CLOCK_MONOTONIC in ns (for host-side phases). */
static inline uint64_t bench_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

static int bench_cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* The q-quantile (0..1) of sorted v[n], nearest rank. */
static inline double bench_quantile(const double *v, size_t n, double q)
{
	size_t i;

	if (!n)
		return 0;
	i = (size_t)(q * (double)(n - 1) + 0.5);
	return v[i < n ? i : n - 1];
}

/*
 * Print one BENCH line for the n samples v[] (ns; sorted in place).
 * @extra: the inside of the "extra" object (e.g. "\"pages_per_s\": 123"),
 * or NULL.
 */
static inline void bench_row(const char *row, double *v, size_t n, const char *extra)
{
	qsort(v, n, sizeof(*v), bench_cmp_double);
	printf("BENCH {\"row\": \"%s\", \"unit\": \"ns\", \"median\": %.1f, "
	       "\"p10\": %.1f, \"p90\": %.1f, \"n\": %zu, \"extra\": {%s}}\n",
	       row, bench_quantile(v, n, 0.5), bench_quantile(v, n, 0.1),
	       bench_quantile(v, n, 0.9), n, extra ? extra : "");
	fflush(stdout);
}

#endif /* GUNYAH_BENCH_COMMON_H */
