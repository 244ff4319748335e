// SPDX-License-Identifier: GPL-2.0-only
/*
 * Tests of the VM configuration ioctls of /dev/gunyah: memory regions, DTB,
 * boot context, functions and vCPUs, start, and teardown without leaks.
 * No guest has to run: the RM calls happen at GH_VM_START only, and the
 * tests that need a VM to start skip when the RM cannot start one.
 *
 * Leaks are checked with the driver's counters in /sys/class/misc/gunyah/
 * (pinned_pages, leaked_pages, vms).
 */

#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <linux/gunyah.h>

#include "../kselftest_harness.h"
#include "gunyah_test_util.h"
#include "gunyah_vmm_lib.h"

#define MEM_PAGES	16
#define GUEST_BASE	0x80000000ULL

FIXTURE(vm) {
	int dev;
	int vm;
	long page;
	void *mem;
	size_t mem_size;
	long pinned, vms;
};

FIXTURE_SETUP(vm)
{
	self->vm = -1;
	self->mem = MAP_FAILED;
	self->dev = open(GUNYAH_DEV, O_RDWR | O_CLOEXEC);
	if (self->dev < 0 && (errno == ENOENT || errno == ENODEV || errno == ENXIO))
		SKIP(return, GUNYAH_DEV " not present: not running on Gunyah");
	ASSERT_GE(self->dev, 0) TH_LOG("open " GUNYAH_DEV ": %s", strerror(errno));

	self->pinned = gh_test_read_counter("pinned_pages");
	self->vms = gh_test_read_counter("vms");
	ASSERT_GE(self->pinned, 0) TH_LOG("no " GH_TEST_SYSFS "pinned_pages");
	ASSERT_GE(self->vms, 0);

	self->page = sysconf(_SC_PAGESIZE);
	self->mem_size = MEM_PAGES * self->page;
	self->mem = mmap(NULL, 2 * self->mem_size, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(self->mem, MAP_FAILED);

	self->vm = ioctl(self->dev, GH_CREATE_VM, 0);
	ASSERT_GE(self->vm, 0) TH_LOG("GH_CREATE_VM: %s", strerror(errno));
}

FIXTURE_TEARDOWN(vm)
{
	if (self->vm >= 0)
		close(self->vm);
	if (self->mem != MAP_FAILED)
		munmap(self->mem, 2 * self->mem_size);
	if (self->dev >= 0) {
		/* Everything is back: no pinned page, no VM left behind */
		EXPECT_EQ(gh_test_read_counter("pinned_pages"), self->pinned);
		EXPECT_EQ(gh_test_read_counter("vms"), self->vms);
		EXPECT_EQ(gh_test_read_counter("leaked_pages"), 0);
		close(self->dev);
	}
}

static int add_mem(int vm, unsigned long cmd, __u32 label, __u32 flags,
		   __u64 gpa, __u64 size, void *uaddr)
{
	struct gh_userspace_memory_region region = {
		.label = label,
		.flags = flags,
		.guest_phys_addr = gpa,
		.memory_size = size,
		.userspace_addr = (__u64)(unsigned long)uaddr,
	};

	return ioctl(vm, cmd, &region);
}

#define RWX	(GH_MEM_ALLOW_READ | GH_MEM_ALLOW_WRITE | GH_MEM_ALLOW_EXEC)

static int add_vcpu(int vm, __u32 id)
{
	struct gh_fn_vcpu_arg arg = { .id = id };
	struct gh_fn_desc desc = {
		.type = GH_FN_VCPU,
		.arg_size = sizeof(arg),
		.arg = (__u64)(unsigned long)&arg,
	};

	return ioctl(vm, GH_VM_ADD_FUNCTION, &desc);
}

static int remove_vcpu(int vm, __u32 id)
{
	struct gh_fn_vcpu_arg arg = { .id = id };
	struct gh_fn_desc desc = {
		.type = GH_FN_VCPU,
		.arg_size = sizeof(arg),
		.arg = (__u64)(unsigned long)&arg,
	};

	return ioctl(vm, GH_VM_REMOVE_FUNCTION, &desc);
}

static int set_boot(int vm, __u32 reg, __u64 value)
{
	struct gh_vm_boot_context ctx = { .reg = reg, .value = value };

	return ioctl(vm, GH_VM_SET_BOOT_CONTEXT, &ctx);
}

static long pinned_now(void)
{
	return gh_test_read_counter("pinned_pages");
}

#define EXPECT_ERRNO(call, err) do {					\
	errno = 0;							\
	EXPECT_EQ((call), -1);						\
	EXPECT_EQ(errno, (err)) TH_LOG(#call ": %s", strerror(errno));	\
} while (0)

/* Misaligned, empty, wrapping regions and unknown flags: EINVAL */
TEST_F(vm, mem_invalid)
{
	static const unsigned long cmds[] = {
		GH_VM_SET_USER_MEM_REGION, GH_VM_ANDROID_LEND_USER_MEM,
	};
	char *m = self->mem;
	size_t sz = self->mem_size;
	int i;

	for (i = 0; i < 2; i++) {
		unsigned long c = cmds[i];

		EXPECT_ERRNO(add_mem(self->vm, c, 0, RWX, GUEST_BASE + 1, sz, m),
			     EINVAL);
		EXPECT_ERRNO(add_mem(self->vm, c, 0, RWX, GUEST_BASE, sz - 1, m),
			     EINVAL);
		EXPECT_ERRNO(add_mem(self->vm, c, 0, RWX, GUEST_BASE, sz, m + 1),
			     EINVAL);
		EXPECT_ERRNO(add_mem(self->vm, c, 0, RWX, GUEST_BASE, 0, m),
			     EINVAL);
		EXPECT_ERRNO(add_mem(self->vm, c, 0, RWX | 8, GUEST_BASE, sz, m),
			     EINVAL);
		EXPECT_ERRNO(add_mem(self->vm, c, 0, RWX, -(__u64)self->page,
				     sz, m), EINVAL);
	}
	EXPECT_ERRNO(ioctl(self->vm, GH_VM_SET_USER_MEM_REGION, NULL), EFAULT);
}

/* Unmapped user memory cannot be pinned */
TEST_F(vm, mem_unmapped)
{
	char *m = (char *)self->mem + self->mem_size;

	ASSERT_EQ(munmap(m, self->mem_size), 0);
	EXPECT_ERRNO(add_mem(self->vm, GH_VM_SET_USER_MEM_REGION, 0, RWX,
			     GUEST_BASE, self->mem_size, m), EFAULT);
	EXPECT_EQ(gh_test_read_counter("pinned_pages"), self->pinned);
	/* The teardown unmaps the whole range again: harmless */
}

/* Overlapping guest or user ranges and duplicate labels: EEXIST */
TEST_F(vm, mem_overlap_and_labels)
{
	char *m = self->mem;
	size_t half = self->mem_size / 2;

	ASSERT_EQ(add_mem(self->vm, GH_VM_SET_USER_MEM_REGION, 1, RWX,
			  GUEST_BASE, half, m), 0);
	EXPECT_EQ(gh_test_read_counter("pinned_pages"), self->pinned + MEM_PAGES / 2);

	/* Same label, elsewhere */
	EXPECT_ERRNO(add_mem(self->vm, GH_VM_ANDROID_LEND_USER_MEM, 1, RWX,
			     GUEST_BASE + 0x100000, half, m + half), EEXIST);
	/* Guest range overlapping by one page */
	EXPECT_ERRNO(add_mem(self->vm, GH_VM_SET_USER_MEM_REGION, 2, RWX,
			     GUEST_BASE + half - self->page, half, m + half),
		     EEXIST);
	/* User range overlapping by one page */
	EXPECT_ERRNO(add_mem(self->vm, GH_VM_ANDROID_LEND_USER_MEM, 2, RWX,
			     GUEST_BASE + 0x100000, half,
			     m + half - self->page), EEXIST);
	/* Adjacent is fine, lent */
	EXPECT_EQ(add_mem(self->vm, GH_VM_ANDROID_LEND_USER_MEM, 2,
			  GH_MEM_ALLOW_READ, GUEST_BASE + half, half, m + half),
		  0);
	EXPECT_EQ(gh_test_read_counter("pinned_pages"), self->pinned + MEM_PAGES);
}

/* GH_VM_RECLAIM_REGION before start gives the pages back */
TEST_F(vm, reclaim_region)
{
	struct gh_address_range range = {
		.guest_phys_addr = GUEST_BASE,
		.size = self->mem_size,
	};

	ASSERT_EQ(add_mem(self->vm, GH_VM_ANDROID_LEND_USER_MEM, 0, RWX,
			  GUEST_BASE, self->mem_size, self->mem), 0);
	range.size -= self->page;
	EXPECT_ERRNO(ioctl(self->vm, GH_VM_RECLAIM_REGION, &range), EINVAL);
	range.size += self->page;
	range.guest_phys_addr += 1;
	EXPECT_ERRNO(ioctl(self->vm, GH_VM_RECLAIM_REGION, &range), EINVAL);
	range.guest_phys_addr -= 1;
	EXPECT_EQ(ioctl(self->vm, GH_VM_RECLAIM_REGION, &range), 0);
	EXPECT_EQ(gh_test_read_counter("pinned_pages"), self->pinned);
	EXPECT_ERRNO(ioctl(self->vm, GH_VM_RECLAIM_REGION, &range), EINVAL);
	/* The label and range are free again */
	EXPECT_EQ(add_mem(self->vm, GH_VM_SET_USER_MEM_REGION, 0, RWX,
			  GUEST_BASE, self->mem_size, self->mem), 0);
}

TEST_F(vm, dtb_and_fw_config)
{
	struct gh_vm_dtb_config dtb = { GUEST_BASE, 0 };
	struct gh_vm_firmware_config fw = { GUEST_BASE, 0 };

	EXPECT_ERRNO(ioctl(self->vm, GH_VM_SET_DTB_CONFIG, &dtb), EINVAL);
	dtb.guest_phys_addr = -(__u64)self->page;
	dtb.size = 2 * self->page;
	EXPECT_ERRNO(ioctl(self->vm, GH_VM_SET_DTB_CONFIG, &dtb), EINVAL);
	dtb.guest_phys_addr = GUEST_BASE;
	EXPECT_EQ(ioctl(self->vm, GH_VM_SET_DTB_CONFIG, &dtb), 0);
	EXPECT_ERRNO(ioctl(self->vm, GH_VM_ANDROID_SET_FW_CONFIG, &fw), EINVAL);
	fw.size = self->page;
	EXPECT_EQ(ioctl(self->vm, GH_VM_ANDROID_SET_FW_CONFIG, &fw), 0);
}

/* Start checks that need no RM: a DTB inside a memory region */
TEST_F(vm, start_without_config)
{
	struct gh_vm_dtb_config dtb = { GUEST_BASE, 0x1000 };

	EXPECT_ERRNO(ioctl(self->vm, GH_VM_START), EINVAL);
	ASSERT_EQ(ioctl(self->vm, GH_VM_SET_DTB_CONFIG, &dtb), 0);
	EXPECT_ERRNO(ioctl(self->vm, GH_VM_START), EINVAL);
	ASSERT_EQ(add_mem(self->vm, GH_VM_SET_USER_MEM_REGION, 0, RWX,
			  GUEST_BASE + self->mem_size, self->mem_size,
			  self->mem), 0);
	EXPECT_ERRNO(ioctl(self->vm, GH_VM_START), EINVAL);
	/* Still configurable: nothing reached the RM */
	EXPECT_EQ(set_boot(self->vm, GH_VM_BOOT_CONTEXT_REG(REG_SET_PC, 0),
			   GUEST_BASE), 0);
}

TEST_F(vm, boot_context)
{
	EXPECT_EQ(set_boot(self->vm, GH_VM_BOOT_CONTEXT_REG(REG_SET_X, 0), 1), 0);
	EXPECT_EQ(set_boot(self->vm, GH_VM_BOOT_CONTEXT_REG(REG_SET_X, 31), 1), 0);
	EXPECT_EQ(set_boot(self->vm, GH_VM_BOOT_CONTEXT_REG(REG_SET_PC, 0), 1), 0);
	EXPECT_EQ(set_boot(self->vm, GH_VM_BOOT_CONTEXT_REG(REG_SET_SP, 2), 1), 0);
	/* Setting a register again replaces the value */
	EXPECT_EQ(set_boot(self->vm, GH_VM_BOOT_CONTEXT_REG(REG_SET_X, 0), 2), 0);

	EXPECT_ERRNO(set_boot(self->vm, GH_VM_BOOT_CONTEXT_REG(REG_SET_X, 32), 1),
		     EINVAL);
	EXPECT_ERRNO(set_boot(self->vm, GH_VM_BOOT_CONTEXT_REG(REG_SET_PC, 1), 1),
		     EINVAL);
	EXPECT_ERRNO(set_boot(self->vm, GH_VM_BOOT_CONTEXT_REG(REG_SET_SP, 3), 1),
		     EINVAL);
	EXPECT_ERRNO(set_boot(self->vm, GH_VM_BOOT_CONTEXT_REG(3, 0), 1), EINVAL);
	EXPECT_ERRNO(set_boot(self->vm, 1 << 16, 1), EINVAL);
}

TEST_F(vm, functions)
{
	struct gh_fn_vcpu_arg arg = { .id = 0 };
	struct gh_fn_desc desc = {
		.type = GH_FN_VCPU,
		.arg_size = sizeof(arg),
		.arg = (__u64)(unsigned long)&arg,
	};
	int vcpu0, vcpu1;

	vcpu0 = add_vcpu(self->vm, 0);
	ASSERT_GE(vcpu0, 0) TH_LOG("add vCPU 0: %s", strerror(errno));
	EXPECT_TRUE(fcntl(vcpu0, F_GETFD) & FD_CLOEXEC);
	EXPECT_ERRNO(add_vcpu(self->vm, 0), EEXIST);
	vcpu1 = add_vcpu(self->vm, 1);
	ASSERT_GE(vcpu1, 0);

	desc.arg_size = 8;
	EXPECT_ERRNO(ioctl(self->vm, GH_VM_ADD_FUNCTION, &desc), EINVAL);
	desc.arg_size = GH_FN_MAX_ARG_SIZE + 1;
	EXPECT_ERRNO(ioctl(self->vm, GH_VM_ADD_FUNCTION, &desc), EINVAL);
	desc.arg_size = sizeof(arg);
	desc.arg = 16;
	EXPECT_ERRNO(ioctl(self->vm, GH_VM_ADD_FUNCTION, &desc), EFAULT);
	desc.arg = (__u64)(unsigned long)&arg;
	desc.type = 99;
	EXPECT_ERRNO(ioctl(self->vm, GH_VM_ADD_FUNCTION, &desc), ENOENT);
	desc.type = 0;
	EXPECT_ERRNO(ioctl(self->vm, GH_VM_REMOVE_FUNCTION, &desc), ENOENT);

	EXPECT_EQ(remove_vcpu(self->vm, 0), 0);
	EXPECT_ERRNO(remove_vcpu(self->vm, 0), ENOENT);
	EXPECT_ERRNO(remove_vcpu(self->vm, 7), ENOENT);
	/* A removed vCPU's file still works, but cannot run */
	EXPECT_ERRNO(ioctl(vcpu0, GH_VCPU_RUN), EINVAL);
	EXPECT_EQ(close(vcpu0), 0);
	/* Its id is free again */
	vcpu0 = add_vcpu(self->vm, 0);
	EXPECT_GE(vcpu0, 0);

	close(vcpu0);
	close(vcpu1);
}

TEST_F(vm, vcpu_file)
{
	struct gh_vcpu_run *run;
	int vcpu, size;

	size = ioctl(self->dev, GH_VCPU_MMAP_SIZE);
	ASSERT_GE(size, (int)sizeof(*run));

	vcpu = add_vcpu(self->vm, 0);
	ASSERT_GE(vcpu, 0);
	EXPECT_EQ(ioctl(vcpu, GH_VCPU_MMAP_SIZE), size);

	run = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, vcpu, 0);
	ASSERT_NE(run, MAP_FAILED);
	EXPECT_EQ(run->exit_reason, 0);
	run->immediate_exit = 1;
	EXPECT_EQ(mmap(NULL, size, PROT_READ, MAP_SHARED, vcpu, size),
		  MAP_FAILED);
	EXPECT_EQ(mmap(NULL, 2 * size, PROT_READ, MAP_SHARED, vcpu, 0),
		  MAP_FAILED);

	/* Running starts the VM, which has no DTB: EINVAL */
	EXPECT_ERRNO(ioctl(vcpu, GH_VCPU_RUN), EINVAL);
	EXPECT_ERRNO(ioctl(vcpu, 0x4799), ENOTTY);

	munmap(run, size);
	close(vcpu);
}

/* The VM and vCPU files close in any order */
TEST_F(vm, close_order)
{
	struct gh_vcpu_run *run;
	int vm, v0, v1;

	ASSERT_EQ(add_mem(self->vm, GH_VM_SET_USER_MEM_REGION, 0, RWX,
			  GUEST_BASE, self->mem_size, self->mem), 0);
	v0 = add_vcpu(self->vm, 0);
	v1 = add_vcpu(self->vm, 1);
	ASSERT_GE(v0, 0);
	ASSERT_GE(v1, 0);
	run = mmap(NULL, self->page, PROT_READ | PROT_WRITE, MAP_SHARED, v0, 0);
	ASSERT_NE(run, MAP_FAILED);

	/* VM first: the vCPUs keep it alive */
	ASSERT_EQ(close(self->vm), 0);
	self->vm = -1;
	EXPECT_EQ(gh_test_read_counter("vms"), self->vms + 1);
	EXPECT_EQ(close(v1), 0);
	EXPECT_EQ(close(v0), 0);
	EXPECT_EQ(gh_test_read_counter("vms"), self->vms + 1);	/* the mapping */
	run->immediate_exit = 1;
	munmap(run, self->page);
	EXPECT_EQ(gh_test_read_counter("vms"), self->vms);
	EXPECT_EQ(gh_test_read_counter("pinned_pages"), self->pinned);

	/* vCPU first */
	vm = ioctl(self->dev, GH_CREATE_VM, 0);
	ASSERT_GE(vm, 0);
	v0 = add_vcpu(vm, 0);
	ASSERT_GE(v0, 0);
	EXPECT_EQ(close(v0), 0);
	EXPECT_EQ(close(vm), 0);
}

/* A VMM killed with its VM configured leaks nothing */
TEST_F(vm, vmm_killed)
{
	int status;
	pid_t pid;

	pid = fork();
	ASSERT_GE(pid, 0);
	if (!pid) {
		int vm = ioctl(self->dev, GH_CREATE_VM, 0);

		if (vm < 0 ||
		    add_mem(vm, GH_VM_ANDROID_LEND_USER_MEM, 0, RWX,
			    GUEST_BASE, self->mem_size, self->mem) ||
		    add_vcpu(vm, 0) < 0 || add_vcpu(vm, 1) < 0)
			_exit(1);
		kill(getpid(), SIGKILL);
		_exit(2);
	}
	ASSERT_EQ(waitpid(pid, &status, 0), pid);
	ASSERT_TRUE(WIFSIGNALED(status)) TH_LOG("child failed: %d",
						WEXITSTATUS(status));
	EXPECT_EQ(gh_test_read_counter("pinned_pages"), self->pinned);
	EXPECT_EQ(gh_test_read_counter("vms"), self->vms + 1);	/* ours */
}

static int irqfd_fn(int vm, unsigned long cmd, __u32 fd, __u32 label,
		    __u32 flags, __u32 padding)
{
	struct gh_fn_irqfd_arg arg = {
		.fd = fd, .label = label, .flags = flags, .padding = padding,
	};
	struct gh_fn_desc desc = {
		.type = GH_FN_IRQFD,
		.arg_size = sizeof(arg),
		.arg = (__u64)(unsigned long)&arg,
	};

	return ioctl(vm, cmd, &desc);
}

static int add_irqfd(int vm, int fd, __u32 label, __u32 flags)
{
	return irqfd_fn(vm, GH_VM_ADD_FUNCTION, fd, label, flags, 0);
}

static int remove_irqfd(int vm, __u32 label)
{
	/* By label only, as crosvm does: fd and flags do not matter */
	return irqfd_fn(vm, GH_VM_REMOVE_FUNCTION, -1, label, 0, 0);
}

/* crosvm's value of the datamatch flag (documented in the UAPI header) */
#define CROSVM_IOEVENTFD_DATAMATCH	0x2U	/* bit 1 */

static int ioeventfd_fn(int vm, unsigned long cmd, int fd, __u64 addr,
			__u32 len, __u32 flags, __u64 datamatch,
			__u32 padding)
{
	struct gh_fn_ioeventfd_arg arg = {
		.datamatch = datamatch, .addr = addr, .len = len, .fd = fd,
		.flags = flags, .padding = padding,
	};
	struct gh_fn_desc desc = {
		.type = GH_FN_IOEVENTFD,
		.arg_size = sizeof(arg),
		.arg = (__u64)(unsigned long)&arg,
	};

	return ioctl(vm, cmd, &desc);
}

static int add_ioeventfd(int vm, int fd, __u64 addr, __u32 len, __u32 flags,
			 __u64 datamatch)
{
	return ioeventfd_fn(vm, GH_VM_ADD_FUNCTION, fd, addr, len, flags,
			    datamatch, 0);
}

static int remove_ioeventfd(int vm, __u64 addr, __u32 len, __u32 flags,
			    __u64 datamatch)
{
	return ioeventfd_fn(vm, GH_VM_REMOVE_FUNCTION, -1, addr, len, flags,
			    datamatch, 0);
}

/* irqfd arguments, labels and removal; no VM start needed */
TEST_F(vm, irqfd_args)
{
	struct gh_fn_irqfd_arg arg = { 0 };
	struct gh_fn_desc desc = {
		.type = GH_FN_IRQFD,
		.arg_size = 8,
		.arg = (__u64)(unsigned long)&arg,
	};
	int efd, efd2, pipefd[2];

	efd = eventfd(0, EFD_CLOEXEC);
	efd2 = eventfd(0, EFD_CLOEXEC);
	ASSERT_GE(efd, 0);
	ASSERT_GE(efd2, 0);
	ASSERT_EQ(pipe(pipefd), 0);

	arg.fd = efd;
	EXPECT_ERRNO(ioctl(self->vm, GH_VM_ADD_FUNCTION, &desc), EINVAL);
	EXPECT_ERRNO(add_irqfd(self->vm, efd, 1, 2), EINVAL);
	EXPECT_ERRNO(add_irqfd(self->vm, efd, 1, 1U << 31), EINVAL);
	/* Padding is ignored: QEMU's accelerator leaves it uninitialised. */
	EXPECT_EQ(irqfd_fn(self->vm, GH_VM_ADD_FUNCTION, efd, 1, 0, 0xdeadbeef), 0);
	EXPECT_EQ(remove_irqfd(self->vm, 1), 0);
	EXPECT_ERRNO(add_irqfd(self->vm, -1, 1, 0), EBADF);
	EXPECT_ERRNO(add_irqfd(self->vm, 1000, 1, 0), EBADF);
	EXPECT_ERRNO(add_irqfd(self->vm, pipefd[0], 1, 0), EINVAL);

	EXPECT_EQ(add_irqfd(self->vm, efd, 1, 0), 0);
	EXPECT_EQ(add_irqfd(self->vm, efd2, 2, GH_IRQFD_LEVEL), 0);
	/* One irqfd per label, whatever the eventfd */
	EXPECT_ERRNO(add_irqfd(self->vm, efd2, 1, 0), EEXIST);
	EXPECT_ERRNO(add_irqfd(self->vm, efd, 2, GH_IRQFD_LEVEL), EEXIST);

	/* Signals before the VM started are fine (kept for the doorbell) */
	EXPECT_EQ(eventfd_write(efd, 1), 0);

	EXPECT_EQ(remove_irqfd(self->vm, 1), 0);
	EXPECT_ERRNO(remove_irqfd(self->vm, 1), ENOENT);
	EXPECT_ERRNO(remove_irqfd(self->vm, 99), ENOENT);
	/* The label is free again; a signalled eventfd can be bound */
	EXPECT_EQ(add_irqfd(self->vm, efd, 1, GH_IRQFD_LEVEL), 0);

	/* Closing the eventfd does not remove the irqfd: removal still works */
	EXPECT_EQ(close(efd2), 0);
	EXPECT_ERRNO(add_irqfd(self->vm, efd, 2, 0), EEXIST);
	EXPECT_EQ(remove_irqfd(self->vm, 2), 0);

	/* The VM's teardown unbinds the remaining one */
	close(efd);
	close(pipefd[0]);
	close(pipefd[1]);
}

/* ioeventfd arguments, overlaps and removal; no VM start needed */
TEST_F(vm, ioeventfd_args)
{
	const __u64 a = GH_GUEST_TESTDEV_BASE;
	int efd, efd2, pipefd[2];

	efd = eventfd(0, EFD_CLOEXEC);
	efd2 = eventfd(0, EFD_CLOEXEC);
	ASSERT_GE(efd, 0);
	ASSERT_GE(efd2, 0);
	ASSERT_EQ(pipe(pipefd), 0);

	EXPECT_ERRNO(add_ioeventfd(self->vm, efd, a, 3, 0, 0), EINVAL);
	EXPECT_ERRNO(add_ioeventfd(self->vm, efd, a, 16, 0, 0), EINVAL);
	EXPECT_ERRNO(add_ioeventfd(self->vm, efd, a, 0, GH_IOEVENTFD_DATAMATCH,
				   1), EINVAL);
	EXPECT_ERRNO(add_ioeventfd(self->vm, efd, a, 0,
				   CROSVM_IOEVENTFD_DATAMATCH, 1), EINVAL);
	EXPECT_ERRNO(add_ioeventfd(self->vm, efd, a, 4, 1U << 2, 0), EINVAL);
	EXPECT_EQ(ioeventfd_fn(self->vm, GH_VM_ADD_FUNCTION, efd, a, 4, 0,
			       0, 0xdeadbeef), 0);
	EXPECT_EQ(remove_ioeventfd(self->vm, a, 4, 0, 0), 0);
	EXPECT_ERRNO(add_ioeventfd(self->vm, efd, -4ULL, 8, 0, 0), EINVAL);
	EXPECT_ERRNO(add_ioeventfd(self->vm, -1, a, 4, 0, 0), EBADF);
	EXPECT_ERRNO(add_ioeventfd(self->vm, pipefd[1], a, 4, 0, 0), EINVAL);

	/* crosvm's datamatch flag, and the UAPI one: different values */
	EXPECT_EQ(add_ioeventfd(self->vm, efd, a, 4,
				CROSVM_IOEVENTFD_DATAMATCH, 1), 0);
	EXPECT_EQ(add_ioeventfd(self->vm, efd2, a, 4, GH_IOEVENTFD_DATAMATCH,
				2), 0);
	/* The same value again, whichever flag says datamatch */
	EXPECT_ERRNO(add_ioeventfd(self->vm, efd2, a, 4,
				   GH_IOEVENTFD_DATAMATCH, 1), EEXIST);
	EXPECT_ERRNO(add_ioeventfd(self->vm, efd2, a, 4,
				   CROSVM_IOEVENTFD_DATAMATCH, 2), EEXIST);
	/* Overlaps: any size there, a part, without datamatch */
	EXPECT_ERRNO(add_ioeventfd(self->vm, efd2, a, 0, 0, 0), EEXIST);
	EXPECT_ERRNO(add_ioeventfd(self->vm, efd2, a + 2, 2, 0, 0), EEXIST);
	EXPECT_ERRNO(add_ioeventfd(self->vm, efd2, a, 4, 0, 0), EEXIST);
	EXPECT_ERRNO(add_ioeventfd(self->vm, efd2, a - 4, 8, 0, 0), EEXIST);
	/* Adjacent is fine */
	EXPECT_EQ(add_ioeventfd(self->vm, efd2, a + 4, 0, 0, 0), 0);
	EXPECT_EQ(add_ioeventfd(self->vm, efd2, a - 8, 8, 0, 0), 0);

	/* Removal by addr, len and datamatch; not by fd */
	EXPECT_ERRNO(remove_ioeventfd(self->vm, a, 4, GH_IOEVENTFD_DATAMATCH,
				      3), ENOENT);
	EXPECT_ERRNO(remove_ioeventfd(self->vm, a, 4, 0, 0), ENOENT);
	EXPECT_ERRNO(remove_ioeventfd(self->vm, a, 2, GH_IOEVENTFD_DATAMATCH,
				      1), ENOENT);
	EXPECT_EQ(remove_ioeventfd(self->vm, a, 4, GH_IOEVENTFD_DATAMATCH, 1),
		  0);
	EXPECT_ERRNO(remove_ioeventfd(self->vm, a, 4,
				      CROSVM_IOEVENTFD_DATAMATCH, 1), ENOENT);
	EXPECT_EQ(remove_ioeventfd(self->vm, a, 4, CROSVM_IOEVENTFD_DATAMATCH,
				   2), 0);
	EXPECT_EQ(remove_ioeventfd(self->vm, a + 4, 0, 0, 0), 0);
	/* The range is free again */
	EXPECT_EQ(add_ioeventfd(self->vm, efd, a, 4, 0, 0), 0);
	EXPECT_EQ(remove_ioeventfd(self->vm, a, 4, 0, 0), 0);
	EXPECT_ERRNO(remove_ioeventfd(self->vm, a, 4, 0, 0), ENOENT);

	/* The VM's teardown removes the one at a - 8 */
	close(efd);
	close(efd2);
	close(pipefd[0]);
	close(pipefd[1]);
}

/*
 * Started VMs, with the reference VMM's library: a guest that spins
 * ("b ."), never started by a run unless the test runs it.
 */
static const __u32 spin_image[] = { 0x14000000 };	/* b . */
#define STARTED_MEM	0x100000	/* 1 MiB */

FIXTURE(started) {
	struct gh_vm vm;
	long pinned, vms;
	bool booted;
};

FIXTURE_SETUP(started)
{
	int ret;

	if (access(GUNYAH_DEV, F_OK))
		SKIP(return, GUNYAH_DEV " not present: not running on Gunyah");
	self->pinned = gh_test_read_counter("pinned_pages");
	self->vms = gh_test_read_counter("vms");
	ASSERT_GE(self->pinned, 0);

	ret = gh_vm_boot(&self->vm, NULL, spin_image, sizeof(spin_image),
			 STARTED_MEM, GH_MEM_SHARE, 1);
	ASSERT_EQ(ret, 0) TH_LOG("%s: %s", self->vm.err_what,
				 strerror(self->vm.err));
	self->booted = true;
}

FIXTURE_TEARDOWN(started)
{
	if (!self->booted)
		return;
	gh_vm_destroy(&self->vm);
	gh_vm_free_mem(&self->vm);
	/* Stopped, reset, reclaimed, unpinned, VMID freed */
	EXPECT_EQ(gh_test_read_counter("pinned_pages"), self->pinned);
	EXPECT_EQ(gh_test_read_counter("vms"), self->vms);
	EXPECT_EQ(gh_test_read_counter("leaked_pages"), 0);
}

/* Start is idempotent; the configuration is closed once started */
TEST_F(started, start_twice_and_add_after_start)
{
	struct gh_vm_dtb_config dtb = { GUEST_BASE, 0x1000 };
	int vm = self->vm.vm_fd;

	EXPECT_EQ(pinned_now() - self->pinned, STARTED_MEM / getpagesize());
	EXPECT_EQ(ioctl(vm, GH_VM_START), 0);
	EXPECT_EQ(ioctl(vm, GH_VM_START), 0);
	EXPECT_ERRNO(add_vcpu(vm, 1), EBUSY);
	EXPECT_ERRNO(set_boot(vm, GH_VM_BOOT_CONTEXT_REG(REG_SET_PC, 0),
			      GUEST_BASE), EINVAL);
	EXPECT_ERRNO(ioctl(vm, GH_VM_SET_DTB_CONFIG, &dtb), EBUSY);
	EXPECT_ERRNO(ioctl(vm, GH_VM_ANDROID_SET_FW_CONFIG, &dtb), EBUSY);
	/* The vCPU exists: removing it is fine */
	EXPECT_EQ(remove_vcpu(vm, 0), 0);
	EXPECT_ERRNO(ioctl(self->vm.vcpu_fd[0], GH_VCPU_RUN), ENODEV);
}

static void on_alarm(int sig)
{
}

/* immediate_exit and signals end a run with EINTR; runs resume */
TEST_F(started, run_interrupted)
{
	struct sigaction sa = { .sa_handler = on_alarm };	/* no SA_RESTART */
	struct gunyah_vcpu_run *run = self->vm.run[0];
	int vcpu = self->vm.vcpu_fd[0], i;

	ASSERT_EQ(sigaction(SIGALRM, &sa, NULL), 0);

	run->immediate_exit = 1;
	EXPECT_ERRNO(ioctl(vcpu, GH_VCPU_RUN), EINTR);
	run->immediate_exit = 0;

	for (i = 0; i < 3; i++) {
		ualarm(100000, 0);
		EXPECT_ERRNO(ioctl(vcpu, GH_VCPU_RUN), EINTR);
	}
}

/* A VMM killed while its vCPU runs leaks nothing */
TEST(vmm_killed_mid_run)
{
	long pinned = gh_test_read_counter("pinned_pages"), vms = gh_test_read_counter("vms");
	int status, pipefd[2];
	char c;
	pid_t pid;

	if (access(GUNYAH_DEV, F_OK))
		SKIP(return, GUNYAH_DEV " not present: not running on Gunyah");
	ASSERT_EQ(pipe(pipefd), 0);

	pid = fork();
	ASSERT_GE(pid, 0);
	if (!pid) {
		struct gh_vm vm;

		if (gh_vm_boot(&vm, NULL, spin_image, sizeof(spin_image),
			       STARTED_MEM, GH_MEM_LEND, 1))
			_exit(1);
		if (write(pipefd[1], "x", 1) != 1)
			_exit(2);
		for (;;)
			ioctl(vm.vcpu_fd[0], GH_VCPU_RUN);
	}
	close(pipefd[1]);
	ASSERT_EQ(read(pipefd[0], &c, 1), 1) TH_LOG("the child failed to boot");
	usleep(200000);
	EXPECT_GT(gh_test_read_counter("pinned_pages"), pinned);
	kill(pid, SIGKILL);
	ASSERT_EQ(waitpid(pid, &status, 0), pid);
	EXPECT_TRUE(WIFSIGNALED(status));
	EXPECT_EQ(gh_test_read_counter("pinned_pages"), pinned);
	EXPECT_EQ(gh_test_read_counter("vms"), vms);
	EXPECT_EQ(gh_test_read_counter("leaked_pages"), 0);
	close(pipefd[0]);
}

/*
 * An irqfd whose label has no doorbell in the VM's DT: the start fails with
 * ENODEV (and the kernel logs "irqfd label 77: no doorbell in the VM's
 * DT"), and the VM goes without leaks.
 */
TEST(irqfd_without_doorbell)
{
	long pinned = gh_test_read_counter("pinned_pages"), vms = gh_test_read_counter("vms");
	struct gh_vm vm = { 0 };
	int efd;

	if (access(GUNYAH_DEV, F_OK))
		SKIP(return, GUNYAH_DEV " not present: not running on Gunyah");

	ASSERT_EQ(gh_vm_create(&vm, NULL), 0) TH_LOG("%s", vm.err_what);
	ASSERT_EQ(gh_vm_alloc_mem(&vm, STARTED_MEM), 0);
	ASSERT_EQ(gh_vm_load_blob(&vm, spin_image, sizeof(spin_image)), 0);
	ASSERT_EQ(gh_vm_map_mem(&vm, GH_MEM_SHARE, 0), 0);
	ASSERT_EQ(gh_vm_setup_dtb(&vm, 1, "irqfd-test"), 0);
	ASSERT_EQ(gh_vm_set_dtb_config(&vm), 0);
	ASSERT_EQ(gh_vm_add_vcpus(&vm, 1), 0);

	efd = eventfd(0, EFD_CLOEXEC);
	ASSERT_GE(efd, 0);
	ASSERT_EQ(add_irqfd(vm.vm_fd, efd, 77, 0), 0);
	EXPECT_ERRNO(ioctl(vm.vm_fd, GH_VM_START), ENODEV);
	/* Final, as every start that reached the RM */
	EXPECT_ERRNO(ioctl(vm.vm_fd, GH_VM_START), EINVAL);

	close(efd);
	gh_vm_destroy(&vm);
	gh_vm_free_mem(&vm);
	EXPECT_EQ(gh_test_read_counter("pinned_pages"), pinned);
	EXPECT_EQ(gh_test_read_counter("vms"), vms);
	EXPECT_EQ(gh_test_read_counter("leaked_pages"), 0);
}

struct signaller {
	int fd;
	int stop;		/* __atomic accesses */
	unsigned long n;	/* __atomic accesses */
};

static void *signal_loop(void *p)
{
	struct signaller *sig = p;

	while (!__atomic_load_n(&sig->stop, __ATOMIC_RELAXED)) {
		if (eventfd_write(sig->fd, 1) == 0)
			__atomic_add_fetch(&sig->n, 1, __ATOMIC_RELAXED);
	}
	return NULL;
}

static unsigned long signals_sent(struct signaller *sig)
{
	return __atomic_load_n(&sig->n, __ATOMIC_RELAXED);
}

/* Binds and unbinds that overlap signals, at least */
#define IRQFD_REBINDS		200
/* Signals the other thread must send while the binds go on */
#define IRQFD_REBIND_SIGNALS	100
#define IRQFD_REBIND_SECONDS	20

/*
 * An irqfd with its doorbell (bell-5 in the VM's DT, guest SPI 10): the
 * start succeeds, the irqfd can be removed and added again while the VM
 * runs (also while another thread signals the eventfd: no use after free,
 * which KASAN would report), and an irqfd added after the start without a
 * doorbell fails with ENODEV. Skips while the hypervisor offers no
 * doorbells (the start then fails with ENODEV although the DT has the bell
 * node).
 */
TEST(irqfd_with_doorbell)
{
	long pinned = gh_test_read_counter("pinned_pages"), vms = gh_test_read_counter("vms");
	struct signaller sig = { 0 };
	unsigned long first, during;
	struct gh_vm vm = { 0 };
	int i, n, ret, efd;
	pthread_t thread;
	time_t deadline;

	if (access(GUNYAH_DEV, F_OK))
		SKIP(return, GUNYAH_DEV " not present: not running on Gunyah");

	i = gh_vm_declare_irqfd(&vm, 5, 10, true);
	ASSERT_GE(i, 0);
	ret = gh_vm_boot(&vm, NULL, spin_image, sizeof(spin_image),
			 STARTED_MEM, GH_MEM_SHARE, 1);
	if (ret == -ENODEV) {
		gh_vm_destroy(&vm);
		gh_vm_free_mem(&vm);
		SKIP(return, "the hypervisor gave no doorbell for bell-5");
	}
	ASSERT_EQ(ret, 0) TH_LOG("%s: %s", vm.err_what, strerror(vm.err));

	/* Ring it: the guest spins with interrupts masked, no harm */
	EXPECT_EQ(eventfd_write(vm.irqfd[i].fd, 1), 0);

	efd = eventfd(1, EFD_CLOEXEC);	/* signalled already */
	ASSERT_GE(efd, 0);
	EXPECT_ERRNO(add_irqfd(vm.vm_fd, efd, 5, 0), EEXIST);
	EXPECT_EQ(remove_irqfd(vm.vm_fd, 5), 0);
	/* The doorbell goes back to the VM: another irqfd can take it */
	EXPECT_EQ(add_irqfd(vm.vm_fd, efd, 5, 0), 0);
	EXPECT_EQ(eventfd_write(efd, 1), 0);
	EXPECT_ERRNO(add_irqfd(vm.vm_fd, efd, 6, 0), ENODEV);
	EXPECT_EQ(remove_irqfd(vm.vm_fd, 5), 0);

	/*
	 * Bind and unbind while the eventfd is signalled all the time. The
	 * signalling thread may first run on another CPU well after the
	 * binds began (a release kernel does 200 of them before an idle
	 * vCPU under TCG wakes up), so wait for its first signal, and go on
	 * binding until it has sent enough signals during the binds.
	 */
	sig.fd = efd;
	ASSERT_EQ(pthread_create(&thread, NULL, signal_loop, &sig), 0);
	deadline = time(NULL) + IRQFD_REBIND_SECONDS;
	while (!signals_sent(&sig) && time(NULL) < deadline)
		sched_yield();
	first = signals_sent(&sig);
	for (n = 0; time(NULL) < deadline; n++) {
		if (n >= IRQFD_REBINDS &&
		    signals_sent(&sig) - first >= IRQFD_REBIND_SIGNALS)
			break;
		ASSERT_EQ(add_irqfd(vm.vm_fd, efd, 5,
				    n & 1 ? GH_IRQFD_LEVEL : 0), 0);
		ASSERT_EQ(remove_irqfd(vm.vm_fd, 5), 0);
	}
	during = signals_sent(&sig) - first;
	__atomic_store_n(&sig.stop, 1, __ATOMIC_RELAXED);
	pthread_join(thread, NULL);
	EXPECT_GT(first, 0) TH_LOG("no signal within %d s", IRQFD_REBIND_SECONDS);
	EXPECT_GE(during, IRQFD_REBIND_SIGNALS)
		TH_LOG("%d binds in %d s saw %lu signals", n,
		       IRQFD_REBIND_SECONDS, during);
	EXPECT_GE(n, IRQFD_REBINDS);

	close(efd);
	gh_vm_destroy(&vm);
	gh_vm_free_mem(&vm);
	EXPECT_EQ(gh_test_read_counter("pinned_pages"), pinned);
	EXPECT_EQ(gh_test_read_counter("vms"), vms);
	EXPECT_EQ(gh_test_read_counter("leaked_pages"), 0);
}

TEST_HARNESS_MAIN
