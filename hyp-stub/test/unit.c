// SPDX-License-Identifier: GPL-2.0-only
/* Runner for the host-side unit tests: see unit.h. */
#include <stdlib.h>
#include "unit.h"

#define MAX_TESTS 512

static struct {
	const char *name;
	unit_fn fn;
} tests[MAX_TESTS];
static int ntests;
int unit_test_failed;

void unit_register(const char *name, unit_fn fn)
{
	if (ntests == MAX_TESTS) {
		fprintf(stderr, "too many tests\n");
		exit(2);
	}
	tests[ntests].name = name;
	tests[ntests].fn = fn;
	ntests++;
}

void unit_fail(const char *file, int line, const char *expr,
	       long long a, long long b)
{
	printf("# %s:%d: check failed: %s (%lld vs %lld)\n", file, line, expr,
	       a, b);
	unit_test_failed = 1;
}

int main(int argc, char **argv)
{
	const char *prog = strrchr(argv[0], '/') ? strrchr(argv[0], '/') + 1 : argv[0];
	int passed = 0, failed = 0;

	(void)argc;
	printf("TAP version 13\n1..%d\n", ntests);
	for (int i = 0; i < ntests; i++) {
		unit_test_failed = 0;
		tests[i].fn();
		if (unit_test_failed)
			failed++;
		else
			passed++;
		printf("%s %d - %s\n", unit_test_failed ? "not ok" : "ok", i + 1,
		       tests[i].name);
	}
	printf("%s: %d passed, %d failed\n", prog, passed, failed);
	return failed ? 1 : 0;
}
