/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Helpers shared by the kselftests that run bare-metal payloads with the
 * reference VMM's library: finding a payload, and telling "the running
 * driver does not have this yet" (skip) from a failure.
 *
 * The payloads are looked up in $GUNYAH_GUEST_DIR, /guest, and the guest/
 * directory next to the test program or that directory itself.
 */
#ifndef GUNYAH_TEST_UTIL_H
#define GUNYAH_TEST_UTIL_H

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

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

#endif /* GUNYAH_TEST_UTIL_H */
