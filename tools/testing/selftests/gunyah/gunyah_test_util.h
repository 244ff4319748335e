/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Helpers shared by the kselftests that run bare-metal payloads with the
 * reference VMM's library: finding a payload, telling "the running driver
 * does not have this yet" (skip) from a failure, and the leak accounting
 * (what the driver holds, the kernel's FOLL_PIN balance, MemFree), and the
 * small tools of the randomised tests: a clock, a seeded PRNG, fd counting.
 *
 * The payloads are looked up in $GUNYAH_GUEST_DIR, /guest, and the guest/
 * directory next to the test program or that directory itself.
 */
#ifndef GUNYAH_TEST_UTIL_H
#define GUNYAH_TEST_UTIL_H

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <linux/types.h>

#define GUNYAH_DEV	"/dev/gunyah"

static inline void *gh_test_read_file(const char *path, size_t *len)
{
	struct stat st;
	void *buf = NULL;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return NULL;
	if (!fstat(fd, &st) && st.st_size > 0) {
		buf = malloc(st.st_size);
		if (buf && read(fd, buf, st.st_size) != st.st_size) {
			free(buf);
			buf = NULL;
		}
		*len = st.st_size;
	}
	close(fd);
	return buf;
}

/* guest/@name.bin: malloc'ed contents, or NULL. */
static inline void *gh_test_load_payload(const char *name, size_t *len)
{
	char path[PATH_MAX + 64], exe[PATH_MAX];
	const char *env = getenv("GUNYAH_GUEST_DIR");
	ssize_t n;
	void *buf;

	if (env) {
		snprintf(path, sizeof(path), "%s/%s.bin", env, name);
		buf = gh_test_read_file(path, len);
		if (buf)
			return buf;
	}
	snprintf(path, sizeof(path), "/guest/%s.bin", name);
	buf = gh_test_read_file(path, len);
	if (buf)
		return buf;
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n <= 0)
		return NULL;
	exe[n] = '\0';
	*strrchr(exe, '/') = '\0';
	snprintf(path, sizeof(path), "%s/guest/%s.bin", exe, name);
	buf = gh_test_read_file(path, len);
	if (buf)
		return buf;
	/* "make install" of the kselftests puts them next to the tests */
	snprintf(path, sizeof(path), "%s/%s.bin", exe, name);
	return gh_test_read_file(path, len);
}

/* An ioctl the running driver does not implement (yet). */
static inline bool gh_test_not_implemented(int err)
{
	return err == ENOTTY || err == EOPNOTSUPP;
}

/*
 * 1 if /dev/gunyah is missing (not running on Gunyah: skip), 0 if it
 * opens, -errno otherwise.
 */
static inline int gh_test_no_gunyah(void)
{
	int fd = open(GUNYAH_DEV, O_RDWR | O_CLOEXEC);

	if (fd >= 0) {
		close(fd);
		return 0;
	}
	if (errno == ENOENT || errno == ENODEV || errno == ENXIO)
		return 1;
	return -errno;
}

/*
 * Leak accounting. The driver's counters are in debugfs (vm_stats, with
 * CONFIG_GUNYAH_DEBUGFS) and sysfs; FOLL_PIN pins are the whole system's.
 * A value of -1 is "not available" and is not compared.
 */
#define GH_TEST_VM_STATS	"/sys/kernel/debug/gunyah/vm_stats"
#define GH_TEST_SYSFS		"/sys/class/misc/gunyah/"

enum { GH_ST_VMS, GH_ST_VCPUS, GH_ST_PINNED, GH_ST_PARCELS, GH_ST_VMIDS,
	GH_ST_LEAKED, GH_ST_FOLL_PIN, GH_NR_ST };
static const char *const gh_test_st_name[GH_NR_ST] = {
	"vms", "vcpus", "pinned_pages", "parcels", "vmids", "leaked_pages",
	"foll_pin",
};

struct gh_test_stats {
	long v[GH_NR_ST];
	long memfree_kb;
};

static inline long gh_test_read_long(const char *path)
{
	char buf[32];
	ssize_t n;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	return strtol(buf, NULL, 0);
}

/* One of the driver's counters in GH_TEST_SYSFS; -1 when absent. */
static inline long gh_test_read_counter(const char *name)
{
	char path[128];

	snprintf(path, sizeof(path), GH_TEST_SYSFS "%s", name);
	return gh_test_read_long(path);
}

/* "key: value" or "key value" lines of @path: the value of @key, or -1. */
static inline long gh_test_read_keyed(const char *path, const char *key)
{
	size_t klen = strlen(key);
	char line[256];
	long v = -1;
	FILE *f;

	f = fopen(path, "re");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		if (strncmp(line, key, klen) ||
		    (line[klen] != ':' && line[klen] != ' '))
			continue;
		v = strtol(line + klen + 1, NULL, 0);
		break;
	}
	fclose(f);
	return v;
}

static inline void gh_test_read_stats(struct gh_test_stats *st)
{
	long acq, rel;
	int i, fd;

	for (i = 0; i < GH_ST_LEAKED; i++)
		st->v[i] = gh_test_read_keyed(GH_TEST_VM_STATS,
					      gh_test_st_name[i]);
	if (st->v[GH_ST_VMS] < 0)
		st->v[GH_ST_VMS] = gh_test_read_long(GH_TEST_SYSFS "vms");
	if (st->v[GH_ST_PINNED] < 0)
		st->v[GH_ST_PINNED] =
			gh_test_read_long(GH_TEST_SYSFS "pinned_pages");
	st->v[GH_ST_LEAKED] = gh_test_read_long(GH_TEST_SYSFS "leaked_pages");
	/*
	 * vmstat counters sit in per-CPU deltas until folded: off by dozens
	 * on a few CPUs. Fold them first (root only).
	 */
	fd = open("/proc/sys/vm/stat_refresh", O_WRONLY | O_CLOEXEC);
	if (fd >= 0) {
		if (write(fd, "1", 1) != 1)
			perror("stat_refresh");
		close(fd);
	}
	acq = gh_test_read_keyed("/proc/vmstat", "nr_foll_pin_acquired");
	rel = gh_test_read_keyed("/proc/vmstat", "nr_foll_pin_released");
	st->v[GH_ST_FOLL_PIN] = fd >= 0 && acq >= 0 && rel >= 0 ? acq - rel : -1;
	st->memfree_kb = gh_test_read_keyed("/proc/meminfo", "MemFree");
}

/* Counters that differ from @base, listed in @buf; how many. */
static inline int gh_test_stats_diff(const struct gh_test_stats *base,
				     const struct gh_test_stats *now,
				     char *buf, size_t len)
{
	int i, n = 0;

	buf[0] = '\0';
	for (i = 0; i < GH_NR_ST; i++) {
		if (base->v[i] < 0 || now->v[i] < 0 || base->v[i] == now->v[i])
			continue;
		n++;
		snprintf(buf + strlen(buf), len - strlen(buf), " %s %ld->%ld",
			 gh_test_st_name[i], base->v[i], now->v[i]);
	}
	return n;
}

/* CLOCK_MONOTONIC in ms */
static inline long gh_test_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000L + ts.tv_nsec / 1000000;
}

/* xorshift64*: a run is reproducible from its (nonzero) seed. */
static inline __u64 gh_test_rnd_next(__u64 *s)
{
	__u64 x = *s;

	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	*s = x;
	return x * 0x2545f4914f6cdd1dULL;
}

/* A number in [0, @n), 0 when @n is 0 */
static inline unsigned int gh_test_rnd(__u64 *s, unsigned int n)
{
	return n ? (unsigned int)(gh_test_rnd_next(s) >> 32) % n : 0;
}

/* Write @str to the file @path (sysfs, procfs, debugfs): 0 or -errno. */
static inline int gh_test_write_str(const char *path, const char *str)
{
	ssize_t n;
	int fd;

	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = write(fd, str, strlen(str));
	close(fd);
	return n < 0 ? -errno : 0;
}

/* The process's open file descriptors, or -1. */
static inline int gh_test_fd_count(void)
{
	DIR *dir = opendir("/proc/self/fd");
	struct dirent *d;
	int n = 0;

	if (!dir)
		return -1;
	while ((d = readdir(dir)))
		n += d->d_name[0] != '.';
	closedir(dir);
	return n - 1;	/* the directory's own */
}

#endif /* GUNYAH_TEST_UTIL_H */
