// SPDX-License-Identifier: GPL-2.0-only
/*
 * Tests of /dev/gunyah: VM creation and teardown.
 *
 * Needs a kernel running as the primary VM of the Gunyah hypervisor (or of
 * a stub speaking its interfaces); skipped when /dev/gunyah is absent.
 */

#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <linux/gunyah.h>

#include "../kselftest_harness.h"

#define GUNYAH_DEV		"/dev/gunyah"
#define CREATE_LOOPS		200
#define MAX_OPEN_VMS		32
#define MIN_OPEN_VMS		4
#define CHILDREN		8
#define CHILD_LOOPS		50
#define CHILD_RETRIES		1000
/*
 * Each VM costs RM round trips; under TCG with KASAN on a loaded machine the
 * loops can take minutes. The harness default (30 s) would make them timed.
 */
#define SLOW_TEST_TIMEOUT	600

FIXTURE(gunyah) {
	int fd;
};

FIXTURE_SETUP(gunyah)
{
	self->fd = open(GUNYAH_DEV, O_RDWR | O_CLOEXEC);
	if (self->fd < 0 && (errno == ENOENT || errno == ENODEV || errno == ENXIO))
		SKIP(return, GUNYAH_DEV " not present: not running on Gunyah");
	ASSERT_GE(self->fd, 0) TH_LOG("open " GUNYAH_DEV ": %s", strerror(errno));
}

FIXTURE_TEARDOWN(gunyah)
{
	if (self->fd >= 0)
		close(self->fd);
}

/* VMs can be created and destroyed over and over: their VMIDs are freed. */
TEST_F_TIMEOUT(gunyah, create_close_loop, SLOW_TEST_TIMEOUT)
{
	int i, vm;

	for (i = 0; i < CREATE_LOOPS; i++) {
		vm = ioctl(self->fd, GH_CREATE_VM, 0);
		ASSERT_GE(vm, 0) TH_LOG("GH_CREATE_VM #%d: %s", i, strerror(errno));
		ASSERT_EQ(close(vm), 0);
	}
}

/* The GUNYAH_* and GH_* names are the same ioctl. */
TEST_F(gunyah, create_vm_both_names)
{
	int vm;

	ASSERT_EQ(GUNYAH_CREATE_VM, GH_CREATE_VM);
	vm = ioctl(self->fd, GUNYAH_CREATE_VM, 0);
	ASSERT_GE(vm, 0) TH_LOG("GUNYAH_CREATE_VM: %s", strerror(errno));
	close(vm);
}

/* The argument of GH_CREATE_VM is a VM type; only 0 exists. */
TEST_F(gunyah, create_vm_bad_type)
{
	static const unsigned long types[] = { 1, 2, 0x80000000UL, ULONG_MAX };
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(types); i++) {
		errno = 0;
		EXPECT_EQ(ioctl(self->fd, GH_CREATE_VM, types[i]), -1);
		EXPECT_EQ(errno, EINVAL) TH_LOG("type %#lx", types[i]);
	}
}

TEST_F(gunyah, vcpu_mmap_size)
{
	int size = ioctl(self->fd, GH_VCPU_MMAP_SIZE, 0);

	ASSERT_GT(size, 0) TH_LOG("GH_VCPU_MMAP_SIZE: %s", strerror(errno));
	EXPECT_GE((size_t)size, sizeof(struct gunyah_vcpu_run));
}

TEST_F(gunyah, unknown_ioctl)
{
	int vm;

	errno = 0;
	EXPECT_EQ(ioctl(self->fd, _IO(GUNYAH_IOCTL_TYPE, 0xff), 0), -1);
	EXPECT_EQ(errno, ENOTTY);
	errno = 0;
	EXPECT_EQ(ioctl(self->fd, _IO('x', 0x0), 0), -1);
	EXPECT_EQ(errno, ENOTTY);

	vm = ioctl(self->fd, GH_CREATE_VM, 0);
	ASSERT_GE(vm, 0) TH_LOG("GH_CREATE_VM: %s", strerror(errno));
	errno = 0;
	EXPECT_EQ(ioctl(vm, _IO(GUNYAH_IOCTL_TYPE, 0xff), 0), -1);
	EXPECT_EQ(errno, ENOTTY);
	/* A /dev/gunyah ioctl is not a VM ioctl */
	errno = 0;
	EXPECT_EQ(ioctl(vm, GH_CREATE_VM, 0), -1);
	EXPECT_EQ(errno, ENOTTY);
	close(vm);
}

/* The VM file descriptor is close-on-exec and an anonymous inode. */
TEST_F(gunyah, vm_fd_flags)
{
	char path[64], target[64];
	ssize_t len;
	int vm, flags;

	vm = ioctl(self->fd, GH_CREATE_VM, 0);
	ASSERT_GE(vm, 0) TH_LOG("GH_CREATE_VM: %s", strerror(errno));

	flags = fcntl(vm, F_GETFD);
	ASSERT_GE(flags, 0);
	EXPECT_TRUE(flags & FD_CLOEXEC);

	snprintf(path, sizeof(path), "/proc/self/fd/%d", vm);
	len = readlink(path, target, sizeof(target) - 1);
	if (len >= 0) {
		target[len] = '\0';
		EXPECT_STREQ(target, "anon_inode:gunyah-vm");
	} else {
		TH_LOG("%s: %s (no /proc?), not checking the name", path,
		       strerror(errno));
	}

	close(vm);
}

/* Many VMs can exist at once; all are freed when closed. */
TEST_F(gunyah, many_vms)
{
	int vms[MAX_OPEN_VMS];
	int i, j, n;

	for (n = 0; n < MAX_OPEN_VMS; n++) {
		vms[n] = ioctl(self->fd, GH_CREATE_VM, 0);
		if (vms[n] < 0) {
			/* The RM may run out of VMIDs: that must be clean */
			ASSERT_TRUE(errno == ENOSPC || errno == ENOMEM ||
				    errno == EBUSY)
				TH_LOG("GH_CREATE_VM #%d: %s", n, strerror(errno));
			break;
		}
	}
	TH_LOG("%d VMs open at once", n);
	ASSERT_GE(n, MIN_OPEN_VMS);

	for (i = 0; i < n; i++)
		for (j = i + 1; j < n; j++)
			ASSERT_NE(vms[i], vms[j]);

	for (i = 0; i < n; i++)
		ASSERT_EQ(close(vms[i]), 0);

	/* The same number fits again: nothing leaked */
	for (i = 0; i < n; i++) {
		vms[i] = ioctl(self->fd, GH_CREATE_VM, 0);
		ASSERT_GE(vms[i], 0) TH_LOG("GH_CREATE_VM #%d again: %s", i,
					    strerror(errno));
	}
	for (i = 0; i < n; i++)
		ASSERT_EQ(close(vms[i]), 0);
}

/* A VM outlives the /dev/gunyah file it was created with. */
TEST_F(gunyah, vm_outlives_dev_fd)
{
	int fd, vm;

	fd = open(GUNYAH_DEV, O_RDWR | O_CLOEXEC);
	ASSERT_GE(fd, 0);
	vm = ioctl(fd, GH_CREATE_VM, 0);
	ASSERT_GE(vm, 0) TH_LOG("GH_CREATE_VM: %s", strerror(errno));
	ASSERT_EQ(close(fd), 0);
	ASSERT_EQ(close(vm), 0);
}

/* Several processes create and destroy VMs at the same time. */
TEST_F_TIMEOUT(gunyah, concurrent_create, SLOW_TEST_TIMEOUT)
{
	pid_t pids[CHILDREN];
	int i, status;

	for (i = 0; i < CHILDREN; i++) {
		pids[i] = fork();
		ASSERT_GE(pids[i], 0);
		if (!pids[i]) {
			int j, vm, retries = 0;

			for (j = 0; j < CHILD_LOOPS; j++) {
				vm = ioctl(self->fd, GH_CREATE_VM, 0);
				/* Other children may hold all the VMIDs */
				if (vm < 0 && errno == ENOSPC &&
				    retries++ < CHILD_RETRIES) {
					usleep(1000);
					j--;
					continue;
				}
				if (vm < 0)
					_exit(1);
				if (close(vm))
					_exit(2);
			}
			_exit(0);
		}
	}

	for (i = 0; i < CHILDREN; i++) {
		ASSERT_EQ(waitpid(pids[i], &status, 0), pids[i]);
		EXPECT_TRUE(WIFEXITED(status));
		EXPECT_EQ(WEXITSTATUS(status), 0) TH_LOG("child %d", i);
	}
}

TEST_HARNESS_MAIN
