// SPDX-License-Identifier: GPL-2.0-only
/*
 * <linux/gunyah.h> as the clients of each published generation use it:
 *
 * - v14 (LKML v14, android14-6.1): QEMU's Gunyah accelerator and crosvm,
 *   with enum gh_mem_flags, struct gh_vcpu_run, GH_IRQFD_FLAGS_LEVEL, ...
 * - Android (android15-6.6, android16-6.12; bionic's linux/gunyah.h): the
 *   GUNYAH_* core names, GH_VM_SET_USER_MEM_REGION and GH_VM_ANDROID_* on
 *   struct gunyah_userspace_memory_region, Android's GUNYAH_VM_MAP_MEM flags.
 * - v17 (LKML, February 2024): gunyah-test-vmm's GUNYAH_* names.
 *
 * The first part is client code only, in C99: the Makefile compiles it
 * against the installed header with -std=c99 -pedantic -Werror
 * -DGUNYAH_UAPI_C99 before building the test, so the header must be
 * self-contained strict C99. Its layout checks fail the build if a v14 type
 * ever differs from the GUNYAH_* one the driver serves, or an ioctl number
 * from Documentation/virt/gunyah/abi-generations.rst.
 *
 * The kselftest then checks the numbers and values at run time, decodes a
 * run page written the driver's way with v14 client code, and, on Gunyah
 * (skipped when /dev/gunyah is absent), issues each generation's ioctls on
 * its own structures to show that they reach the driver with one layout.
 */

#ifndef GUNYAH_UAPI_C99
#define _GNU_SOURCE
#endif
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <linux/gunyah.h>

#if defined(__STDC_VERSION__) && __STDC_VERSION__ >= 201112L
#include <assert.h>
#define UAPI_ASSERT(cond)	static_assert(cond, #cond)
#else
/* C99 has no static assertion: an array of negative size stops the build. */
#define UAPI_ASSERT(cond)	extern char uapi_assert[(cond) ? 1 : -1]
#endif

/*
 * The member (the variadic argument, a designator such as mmio.len) is at the
 * same place and of the same size in struct gh_<name> and struct
 * gunyah_<name>.
 */
#define SAME_MEMBER(name, ...)						\
	UAPI_ASSERT(offsetof(struct gh_##name, __VA_ARGS__) ==		\
		    offsetof(struct gunyah_##name, __VA_ARGS__) &&	\
		    sizeof(((struct gh_##name *)0)->__VA_ARGS__) ==	\
		    sizeof(((struct gunyah_##name *)0)->__VA_ARGS__))

/* The v14 types have the layouts of the GUNYAH_* types the driver serves. */
UAPI_ASSERT(sizeof(struct gh_userspace_memory_region) == 32);
UAPI_ASSERT(sizeof(struct gunyah_userspace_memory_region) == 32);
SAME_MEMBER(userspace_memory_region, label);
SAME_MEMBER(userspace_memory_region, flags);
SAME_MEMBER(userspace_memory_region, guest_phys_addr);
SAME_MEMBER(userspace_memory_region, memory_size);
SAME_MEMBER(userspace_memory_region, userspace_addr);

UAPI_ASSERT(sizeof(struct gh_vm_dtb_config) == 16);
SAME_MEMBER(vm_dtb_config, guest_phys_addr);
SAME_MEMBER(vm_dtb_config, size);

UAPI_ASSERT(sizeof(struct gh_vm_firmware_config) == 16);
SAME_MEMBER(vm_firmware_config, guest_phys_addr);
SAME_MEMBER(vm_firmware_config, size);

UAPI_ASSERT(sizeof(struct gh_address_range) == 16);
SAME_MEMBER(address_range, guest_phys_addr);
SAME_MEMBER(address_range, size);

UAPI_ASSERT(sizeof(struct gh_vm_boot_context) == 16);
SAME_MEMBER(vm_boot_context, reg);
SAME_MEMBER(vm_boot_context, reserved);
SAME_MEMBER(vm_boot_context, value);

UAPI_ASSERT(sizeof(struct gh_fn_desc) == 16);
SAME_MEMBER(fn_desc, type);
SAME_MEMBER(fn_desc, arg_size);
SAME_MEMBER(fn_desc, arg);

UAPI_ASSERT(sizeof(struct gh_fn_vcpu_arg) == 4);
SAME_MEMBER(fn_vcpu_arg, id);

UAPI_ASSERT(sizeof(struct gh_fn_irqfd_arg) == 16);
SAME_MEMBER(fn_irqfd_arg, fd);
SAME_MEMBER(fn_irqfd_arg, label);
SAME_MEMBER(fn_irqfd_arg, flags);
SAME_MEMBER(fn_irqfd_arg, padding);

UAPI_ASSERT(sizeof(struct gh_fn_ioeventfd_arg) == 32);
UAPI_ASSERT(offsetof(struct gh_fn_ioeventfd_arg, fd) == 20);
SAME_MEMBER(fn_ioeventfd_arg, datamatch);
SAME_MEMBER(fn_ioeventfd_arg, addr);
SAME_MEMBER(fn_ioeventfd_arg, len);
SAME_MEMBER(fn_ioeventfd_arg, fd);
SAME_MEMBER(fn_ioeventfd_arg, flags);
SAME_MEMBER(fn_ioeventfd_arg, padding);

UAPI_ASSERT(sizeof(struct gh_vm_exit_info) == 16);
SAME_MEMBER(vm_exit_info, type);
SAME_MEMBER(vm_exit_info, padding);
SAME_MEMBER(vm_exit_info, reason_size);
SAME_MEMBER(vm_exit_info, reason);

/* The run page: the union at 16, as in v14, v17 and Android. */
UAPI_ASSERT(sizeof(struct gh_vcpu_run) == 40);
UAPI_ASSERT(sizeof(struct gunyah_vcpu_run) == 40);
UAPI_ASSERT(offsetof(struct gh_vcpu_run, mmio) == 16);
UAPI_ASSERT(offsetof(struct gh_vcpu_run, status.exit_info) == 20);
UAPI_ASSERT(sizeof(enum gh_vm_status) == 4);
SAME_MEMBER(vcpu_run, immediate_exit);
SAME_MEMBER(vcpu_run, padding);
SAME_MEMBER(vcpu_run, exit_reason);
SAME_MEMBER(vcpu_run, mmio.phys_addr);
SAME_MEMBER(vcpu_run, mmio.data);
SAME_MEMBER(vcpu_run, mmio.len);
SAME_MEMBER(vcpu_run, mmio.is_write);
SAME_MEMBER(vcpu_run, mmio.resume_action);
SAME_MEMBER(vcpu_run, status.status);
SAME_MEMBER(vcpu_run, status.exit_info.type);
SAME_MEMBER(vcpu_run, status.exit_info.reason_size);
SAME_MEMBER(vcpu_run, status.exit_info.reason);
SAME_MEMBER(vcpu_run, page_fault.phys_addr);
SAME_MEMBER(vcpu_run, page_fault.attempt);
SAME_MEMBER(vcpu_run, page_fault.resume_action);

/* Android's and v17's structures of the guest_memfd interface. */
UAPI_ASSERT(sizeof(struct gunyah_create_mem_args) == 64);
UAPI_ASSERT(sizeof(struct gunyah_map_mem_args) == 32);
UAPI_ASSERT(offsetof(struct gunyah_map_mem_args, flags) == 8);
UAPI_ASSERT(offsetof(struct gunyah_map_mem_args, guest_mem_fd) == 12);
UAPI_ASSERT(offsetof(struct gunyah_map_mem_args, offset) == 16);

/* With the generic ioctl encoding (arm64, x86), the numbers themselves. */
#if _IOC_SIZESHIFT == 16 && _IOC_DIRSHIFT == 30 && _IOC_WRITE == 1U
UAPI_ASSERT(GH_CREATE_VM == 0x4700);
UAPI_ASSERT(GH_VM_SET_USER_MEM_REGION == 0x40204701);
UAPI_ASSERT(GH_VM_SET_DTB_CONFIG == 0x40104702);
UAPI_ASSERT(GH_VM_START == 0x4703);
UAPI_ASSERT(GH_VM_ADD_FUNCTION == 0x40104704);
UAPI_ASSERT(GH_VCPU_RUN == 0x4705);
UAPI_ASSERT(GH_VCPU_MMAP_SIZE == 0x4706);
UAPI_ASSERT(GH_VM_REMOVE_FUNCTION == 0x40104707);
UAPI_ASSERT(GUNYAH_CREATE_GUEST_MEM == 0x40404708);
UAPI_ASSERT(GUNYAH_VM_MAP_MEM == 0x40204709);
UAPI_ASSERT(GUNYAH_VM_SET_BOOT_CONTEXT == 0x4010470a);
UAPI_ASSERT(GH_VM_ANDROID_LEND_USER_MEM == 0x40204111);
UAPI_ASSERT(GH_VM_ANDROID_SET_FW_CONFIG == 0x40104112);
UAPI_ASSERT(GH_VM_RECLAIM_REGION == 0x40104113);
#endif

/*
 * v14 client code, written as QEMU's accelerator and crosvm write it: the
 * v14 enum types, enum constants and struct tags.
 */

static void v14_fill_region(struct gh_userspace_memory_region *region,
			    __u32 label, __u64 gpa, void *hva, __u64 size,
			    int read_only)
{
	enum gh_mem_flags flags = GH_MEM_ALLOW_READ | GH_MEM_ALLOW_EXEC;

	if (!read_only)
		flags |= GH_MEM_ALLOW_WRITE;

	memset(region, 0, sizeof(*region));
	region->label = label;
	region->flags = flags;
	region->guest_phys_addr = gpa;
	region->memory_size = size;
	region->userspace_addr = (__u64)(uintptr_t)hva;
}

static void v14_fill_vcpu(struct gh_fn_desc *desc, struct gh_fn_vcpu_arg *arg,
			  __u32 id)
{
	arg->id = id;
	desc->type = GH_FN_VCPU;
	desc->arg_size = sizeof(*arg);
	desc->arg = (__u64)(uintptr_t)arg;
}

static void v14_fill_irqfd(struct gh_fn_desc *desc,
			   struct gh_fn_irqfd_arg *arg, int fd, __u32 label,
			   enum gh_irqfd_flags flags)
{
	memset(arg, 0, sizeof(*arg));
	arg->fd = fd;
	arg->label = label;
	arg->flags = flags;
	desc->type = GH_FN_IRQFD;
	desc->arg_size = sizeof(*arg);
	desc->arg = (__u64)(uintptr_t)arg;
}

static void v14_fill_ioeventfd(struct gh_fn_desc *desc,
			       struct gh_fn_ioeventfd_arg *arg, int fd,
			       __u64 addr, __u32 len, __u64 datamatch)
{
	enum gh_ioeventfd_flags flags = GH_IOEVENTFD_FLAGS_DATAMATCH;

	memset(arg, 0, sizeof(*arg));
	arg->fd = fd;
	arg->addr = addr;
	arg->len = len;
	arg->datamatch = datamatch;
	arg->flags = flags;
	desc->type = GH_FN_IOEVENTFD;
	desc->arg_size = sizeof(*arg);
	desc->arg = (__u64)(uintptr_t)arg;
}

/*
 * QEMU's accelerator names the RM's exit types itself, with this tag and
 * these constants, until a UAPI header has them: the header must not define
 * them, or QEMU stops compiling.
 */
enum gh_vm_exit_type {
	GH_RM_EXIT_TYPE_VM_EXIT = 0,
	GH_RM_EXIT_TYPE_PSCI_POWER_OFF = 1,
	GH_RM_EXIT_TYPE_PSCI_SYSTEM_RESET = 2,
	GH_RM_EXIT_TYPE_PSCI_SYSTEM_RESET2 = 3,
	GH_RM_EXIT_TYPE_WDT_BITE = 4,
	GH_RM_EXIT_TYPE_HYP_ERROR = 5,
	GH_RM_EXIT_TYPE_ASYNC_EXT_ABORT = 6,
	GH_RM_EXIT_TYPE_VM_FORCE_STOPPED = 7,
};

/* What a v14 VMM learns from its run page. */
struct v14_exit {
	enum gh_vcpu_exit reason;
	enum gh_vm_status status;
	enum gh_vm_exit_type exit_type;
	__u32 reason_size;
	__u8 exit_reason[GH_VM_MAX_EXIT_REASON_SIZE];
	__u64 mmio_addr;
	__u32 mmio_len;
	int mmio_write;
	__u8 mmio_data[8];
};

static void v14_decode_exit(const struct gh_vcpu_run *run, struct v14_exit *e)
{
	memset(e, 0, sizeof(*e));
	e->reason = run->exit_reason;
	switch (e->reason) {
	case GH_VCPU_EXIT_MMIO:
		e->mmio_addr = run->mmio.phys_addr;
		e->mmio_len = run->mmio.len;
		e->mmio_write = run->mmio.is_write;
		memcpy(e->mmio_data, run->mmio.data, sizeof(e->mmio_data));
		break;
	case GH_VCPU_EXIT_STATUS:
		e->status = run->status.status;
		if (e->status == GH_VM_STATUS_EXITED) {
			e->exit_type = run->status.exit_info.type;
			e->reason_size = run->status.exit_info.reason_size;
			memcpy(e->exit_reason, run->status.exit_info.reason,
			       sizeof(e->exit_reason));
		}
		break;
	default:
		break;
	}
}

/*
 * Android client code (bionic's header: crosvm and the Android VMMs): the
 * GUNYAH_* structures with the GH_ ioctls Android keeps, and Android's
 * GUNYAH_VM_MAP_MEM flags.
 */

static void android_fill_region(struct gunyah_userspace_memory_region *region,
				__u32 label, __u64 gpa, void *hva, __u64 size)
{
	memset(region, 0, sizeof(*region));
	region->label = label;
	region->flags = GUNYAH_MEM_ALLOW_READ | GUNYAH_MEM_ALLOW_WRITE |
			GUNYAH_MEM_ALLOW_EXEC;
	region->guest_phys_addr = gpa;
	region->memory_size = size;
	region->userspace_addr = (__u64)(uintptr_t)hva;
}

static void android_fill_map(struct gunyah_map_mem_args *args, __u64 gpa,
			     int guest_mem_fd, __u64 size, int lend)
{
	memset(args, 0, sizeof(*args));
	args->guest_addr = gpa;
	args->flags = GUNYAH_MEM_ALLOW_RWX;
	args->flags |= lend ? GUNYAH_MEM_FORCE_LEND : GUNYAH_MEM_FORCE_SHARE;
	args->guest_mem_fd = guest_mem_fd;
	args->size = size;
}

/* As Android's driver decodes the flags: 1 lend, 0 share. */
static int android_map_is_lend(__u32 flags)
{
	__u32 access = flags & GUNYAH_MEM_ACCESS_MASK;

	if (access == GUNYAH_MEM_FORCE_SHARE)
		return 0;
	return access == GUNYAH_MEM_FORCE_LEND ||
	       access == GUNYAH_MEM_DEFAULT_ACCESS;
}

/*
 * v17 client code, as gunyah-test-vmm writes it: GUNYAH_* names only.
 */

static void v17_fill_vcpu(struct gunyah_fn_desc *desc,
			  struct gunyah_fn_vcpu_arg *arg, __u32 id)
{
	enum gunyah_fn_type type = GUNYAH_FN_VCPU;

	arg->id = id;
	desc->type = type;
	desc->arg_size = sizeof(*arg);
	desc->arg = (__u64)(uintptr_t)arg;
}

static void v17_fill_boot(struct gunyah_vm_boot_context *ctx,
			  enum gunyah_vm_boot_context_reg set, unsigned int idx,
			  __u64 value)
{
	memset(ctx, 0, sizeof(*ctx));
	ctx->reg = GUNYAH_VM_BOOT_CONTEXT_REG(set, idx);
	ctx->value = value;
}

static void v17_fill_create_mem(struct gunyah_create_mem_args *args,
				__u64 size)
{
	memset(args, 0, sizeof(*args));
	args->flags = GHMF_CLOEXEC | GHMF_ALLOW_HUGEPAGE;
	args->size = size;
}

/* A page fault exit: retry once memory is mapped. */
static enum gunyah_vcpu_resume_action
v17_page_fault(struct gunyah_vcpu_run *run)
{
	enum gunyah_vcpu_exit reason = run->exit_reason;

	if (reason != GUNYAH_VCPU_EXIT_PAGE_FAULT)
		return GUNYAH_VCPU_RESUME_HANDLED;
	run->page_fault.resume_action = GUNYAH_VCPU_RESUME_RETRY;
	return GUNYAH_VCPU_RESUME_RETRY;
}

#ifndef GUNYAH_UAPI_C99

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "../kselftest_harness.h"
#include "gunyah_test_util.h"

#define GUEST_BASE	0x80000000ULL
#define MEM_PAGES	16
#define MMIO_ADDR	0x9000000ULL

/*
 * The ioctl numbers, from the table of the ABI: type, number and argument
 * size. A v14 client (crosvm's bindings, QEMU) computes them with its own
 * struct tags; the values must not depend on which tag it uses.
 */
#define IOW_SIZE(type, nr, size)	_IOC(_IOC_WRITE, (type), (nr), (size))

struct uapi_ioctl {
	const char *name;
	unsigned long value;
	unsigned long expected;
};

static const struct uapi_ioctl uapi_ioctls[] = {
	/* v14 (and android14-6.1) */
	{ "GH_CREATE_VM", GH_CREATE_VM, _IO('G', 0x0) },
	{ "GH_VM_SET_USER_MEM_REGION", GH_VM_SET_USER_MEM_REGION,
	  IOW_SIZE('G', 0x1, 32) },
	{ "GH_VM_SET_DTB_CONFIG", GH_VM_SET_DTB_CONFIG,
	  IOW_SIZE('G', 0x2, 16) },
	{ "GH_VM_START", GH_VM_START, _IO('G', 0x3) },
	{ "GH_VM_ADD_FUNCTION", GH_VM_ADD_FUNCTION, IOW_SIZE('G', 0x4, 16) },
	{ "GH_VCPU_RUN", GH_VCPU_RUN, _IO('G', 0x5) },
	{ "GH_VCPU_MMAP_SIZE", GH_VCPU_MMAP_SIZE, _IO('G', 0x6) },
	{ "GH_VM_REMOVE_FUNCTION", GH_VM_REMOVE_FUNCTION,
	  IOW_SIZE('G', 0x7, 16) },
	{ "GH_VM_ANDROID_LEND_USER_MEM", GH_VM_ANDROID_LEND_USER_MEM,
	  IOW_SIZE('A', 0x11, 32) },
	{ "GH_VM_ANDROID_SET_FW_CONFIG", GH_VM_ANDROID_SET_FW_CONFIG,
	  IOW_SIZE('A', 0x12, 16) },
	/* v14 clients computing the numbers on v14 struct tags */
	{ "_IOW(GH_IOCTL_TYPE, 0x1, struct gh_userspace_memory_region)",
	  _IOW(GH_IOCTL_TYPE, 0x1, struct gh_userspace_memory_region),
	  GH_VM_SET_USER_MEM_REGION },
	{ "_IOW(GH_IOCTL_TYPE, 0x2, struct gh_vm_dtb_config)",
	  _IOW(GH_IOCTL_TYPE, 0x2, struct gh_vm_dtb_config),
	  GH_VM_SET_DTB_CONFIG },
	{ "_IOW(GH_IOCTL_TYPE, 0x4, struct gh_fn_desc)",
	  _IOW(GH_IOCTL_TYPE, 0x4, struct gh_fn_desc), GH_VM_ADD_FUNCTION },
	{ "_IOW(GH_IOCTL_TYPE, 0x7, struct gh_fn_desc)",
	  _IOW(GH_IOCTL_TYPE, 0x7, struct gh_fn_desc), GH_VM_REMOVE_FUNCTION },
	{ "_IOW(GH_ANDROID_IOCTL_TYPE, 0x11, struct gh_userspace_memory_region)",
	  _IOW(GH_ANDROID_IOCTL_TYPE, 0x11, struct gh_userspace_memory_region),
	  GH_VM_ANDROID_LEND_USER_MEM },
	{ "_IOW(GH_ANDROID_IOCTL_TYPE, 0x12, struct gh_vm_firmware_config)",
	  _IOW(GH_ANDROID_IOCTL_TYPE, 0x12, struct gh_vm_firmware_config),
	  GH_VM_ANDROID_SET_FW_CONFIG },
	{ "_IOW(GH_IOCTL_TYPE, 0xa, struct gh_vm_boot_context)",
	  _IOW(GH_IOCTL_TYPE, 0xa, struct gh_vm_boot_context),
	  GH_VM_SET_BOOT_CONTEXT },
	{ "_IOW(GH_ANDROID_IOCTL_TYPE, 0x13, struct gh_address_range)",
	  _IOW(GH_ANDROID_IOCTL_TYPE, 0x13, struct gh_address_range),
	  GH_VM_RECLAIM_REGION },
	/* Android (bionic) and v17 */
	{ "GUNYAH_CREATE_VM", GUNYAH_CREATE_VM, _IO('G', 0x0) },
	{ "GUNYAH_VM_SET_DTB_CONFIG", GUNYAH_VM_SET_DTB_CONFIG,
	  IOW_SIZE('G', 0x2, 16) },
	{ "GUNYAH_VM_START", GUNYAH_VM_START, _IO('G', 0x3) },
	{ "GUNYAH_VM_ADD_FUNCTION", GUNYAH_VM_ADD_FUNCTION,
	  IOW_SIZE('G', 0x4, 16) },
	{ "GUNYAH_VCPU_RUN", GUNYAH_VCPU_RUN, _IO('G', 0x5) },
	{ "GUNYAH_VCPU_MMAP_SIZE", GUNYAH_VCPU_MMAP_SIZE, _IO('G', 0x6) },
	{ "GUNYAH_VM_REMOVE_FUNCTION", GUNYAH_VM_REMOVE_FUNCTION,
	  IOW_SIZE('G', 0x7, 16) },
	{ "GUNYAH_CREATE_GUEST_MEM", GUNYAH_CREATE_GUEST_MEM,
	  IOW_SIZE('G', 0x8, 64) },
	{ "GUNYAH_VM_MAP_MEM", GUNYAH_VM_MAP_MEM, IOW_SIZE('G', 0x9, 32) },
	{ "GUNYAH_VM_SET_BOOT_CONTEXT", GUNYAH_VM_SET_BOOT_CONTEXT,
	  IOW_SIZE('G', 0xa, 16) },
	{ "GH_VM_RECLAIM_REGION", GH_VM_RECLAIM_REGION,
	  IOW_SIZE('A', 0x13, 16) },
	/* Android's GH_ names on its GUNYAH_ struct tags */
	{ "_IOW(GUNYAH_IOCTL_TYPE, 0x1, struct gunyah_userspace_memory_region)",
	  _IOW(GUNYAH_IOCTL_TYPE, 0x1, struct gunyah_userspace_memory_region),
	  GH_VM_SET_USER_MEM_REGION },
	{ "_IOW(GH_ANDROID_IOCTL_TYPE, 0x12, struct gunyah_vm_firmware_config)",
	  _IOW(GH_ANDROID_IOCTL_TYPE, 0x12, struct gunyah_vm_firmware_config),
	  GH_VM_ANDROID_SET_FW_CONFIG },
};

#define EXPECT_ERRNO(call, err) do {					\
	errno = 0;							\
	EXPECT_EQ((call), -1);						\
	EXPECT_EQ(errno, (err)) TH_LOG(#call ": %s", strerror(errno));	\
} while (0)

/* Every ioctl name of every generation has the number of the ABI table. */
TEST(ioctl_numbers)
{
	const struct uapi_ioctl *io;

	/* (gcc folds the constant table and cannot see that names are set) */
	for (io = uapi_ioctls; io < uapi_ioctls + ARRAY_SIZE(uapi_ioctls); io++)
		EXPECT_EQ(io->value, io->expected)
			TH_LOG("%s: %#lx, want %#lx",
			       io->name ? io->name : "?", io->value,
			       io->expected);
}

/* The constants: v14's enums, Android's map flags (which ship), v17's. */
TEST(constant_values)
{
	enum gh_mem_flags mf = GH_MEM_ALLOW_READ;
	enum gh_irqfd_flags irqf = GH_IRQFD_FLAGS_LEVEL;
	enum gh_vcpu_exit exit = GH_VCPU_EXIT_STATUS;
	enum gunyah_map_flags map = GUNYAH_MEM_FORCE_SHARE;

	EXPECT_EQ(mf, 1);
	EXPECT_EQ(GH_MEM_ALLOW_WRITE, 2);
	EXPECT_EQ(GH_MEM_ALLOW_EXEC, 4);
	EXPECT_EQ(irqf, 1);
	EXPECT_EQ(GH_IRQFD_LEVEL, GH_IRQFD_FLAGS_LEVEL);
	EXPECT_EQ(GUNYAH_IRQFD_FLAGS_LEVEL, 1);
	EXPECT_EQ(GH_IOEVENTFD_FLAGS_DATAMATCH, 1);
	EXPECT_EQ(GH_IOEVENTFD_DATAMATCH, 1);
	EXPECT_EQ(GUNYAH_IOEVENTFD_FLAGS_DATAMATCH, 1);
	EXPECT_EQ(GH_FN_VCPU, 1);
	EXPECT_EQ(GH_FN_IRQFD, 2);
	EXPECT_EQ(GH_FN_IOEVENTFD, 3);
	EXPECT_EQ(GUNYAH_FN_VCPU, GH_FN_VCPU);
	EXPECT_EQ(GUNYAH_FN_IRQFD, GH_FN_IRQFD);
	EXPECT_EQ(GUNYAH_FN_IOEVENTFD, GH_FN_IOEVENTFD);
	EXPECT_EQ(GH_FN_MAX_ARG_SIZE, 256);
	EXPECT_EQ(GUNYAH_FN_MAX_ARG_SIZE, 256);
	EXPECT_EQ(GH_VM_STATUS_LOAD_FAILED, 1);
	EXPECT_EQ(GH_VM_STATUS_EXITED, 2);
	EXPECT_EQ(GH_VM_STATUS_CRASHED, 3);
	EXPECT_EQ(GUNYAH_VM_STATUS_EXITED, GH_VM_STATUS_EXITED);
	EXPECT_EQ(GH_VCPU_EXIT_UNKNOWN, 0);
	EXPECT_EQ(GH_VCPU_EXIT_MMIO, 1);
	EXPECT_EQ(exit, 2);
	EXPECT_EQ(GUNYAH_VCPU_EXIT_PAGE_FAULT, 3);
	EXPECT_EQ(GH_VM_MAX_EXIT_REASON_SIZE, 8);
	EXPECT_EQ(GUNYAH_VM_MAX_EXIT_REASON_SIZE, 8);
	EXPECT_EQ(GH_IOCTL_TYPE, 'G');
	EXPECT_EQ(GUNYAH_IOCTL_TYPE, 'G');
	EXPECT_EQ(GH_ANDROID_IOCTL_TYPE, 'A');

	/* Android's GUNYAH_VM_MAP_MEM layout, not v17's */
	EXPECT_EQ(GUNYAH_MEM_ALLOW_READ, 1 << 0);
	EXPECT_EQ(GUNYAH_MEM_ALLOW_WRITE, 1 << 1);
	EXPECT_EQ(GUNYAH_MEM_ALLOW_EXEC, 1 << 2);
	EXPECT_EQ(GUNYAH_MEM_ALLOW_RWX, 7);
	EXPECT_EQ(GUNYAH_MEM_DEFAULT_ACCESS, 0);
	EXPECT_EQ(GUNYAH_MEM_FORCE_LEND, 0x10);
	EXPECT_EQ(map, 0x20);
	EXPECT_EQ(GUNYAH_MEM_ACCESS_MASK, 0x70);
	EXPECT_EQ(GUNYAH_MEM_UNMAP, 1 << 8);
	/* Android's region rights are v14's bits */
	EXPECT_EQ(GUNYAH_MEM_ALLOW_READ, GH_MEM_ALLOW_READ);
	EXPECT_EQ(GUNYAH_MEM_ALLOW_WRITE, GH_MEM_ALLOW_WRITE);
	EXPECT_EQ(GUNYAH_MEM_ALLOW_EXEC, GH_MEM_ALLOW_EXEC);

	/* v17 */
	EXPECT_EQ(GHMF_CLOEXEC, 1);
	EXPECT_EQ(GHMF_ALLOW_HUGEPAGE, 2);
	EXPECT_EQ(REG_SET_X, 0);
	EXPECT_EQ(REG_SET_PC, 1);
	EXPECT_EQ(REG_SET_SP, 2);
	EXPECT_EQ(GUNYAH_VM_BOOT_CONTEXT_REG(REG_SET_SP, 2), 0x202);
	EXPECT_EQ(GH_VM_BOOT_CONTEXT_REG(REG_SET_X, 31), 31);
	EXPECT_EQ(GUNYAH_VCPU_RESUME_HANDLED, 0);
	EXPECT_EQ(GUNYAH_VCPU_RESUME_FAULT, 1);
	EXPECT_EQ(GUNYAH_VCPU_RESUME_RETRY, 2);
}

/* Android's flags decode as Android's driver decodes them. */
TEST(android_map_flags)
{
	struct gunyah_map_mem_args args;

	android_fill_map(&args, GUEST_BASE, 3, 0x10000, 1);
	EXPECT_EQ(args.flags, 0x17);
	EXPECT_EQ(android_map_is_lend(args.flags), 1);
	EXPECT_EQ(args.flags & ~GUNYAH_MEM_ACCESS_MASK, GUNYAH_MEM_ALLOW_RWX);
	android_fill_map(&args, GUEST_BASE, 3, 0x10000, 0);
	EXPECT_EQ(args.flags, 0x27);
	EXPECT_EQ(android_map_is_lend(args.flags), 0);
	EXPECT_EQ(android_map_is_lend(GUNYAH_MEM_ALLOW_READ), 1);
	EXPECT_EQ(args.guest_mem_fd, 3);
	EXPECT_EQ(args.guest_addr, GUEST_BASE);
}

/*
 * The bytes of a run page the driver filled in (struct gunyah_vcpu_run) read
 * by v14 client code (struct gh_vcpu_run), and a v14 argument read through
 * the driver's structure.
 */
TEST(v14_reads_driver_layout)
{
	struct gunyah_vcpu_run drv;
	struct gh_vcpu_run v14;
	struct gh_fn_irqfd_arg v14_arg;
	struct gh_fn_desc v14_desc;
	struct gunyah_fn_irqfd_arg drv_arg;
	struct gunyah_fn_desc drv_desc;
	struct gh_fn_ioeventfd_arg v14_io;
	struct gunyah_fn_ioeventfd_arg drv_io;
	struct v14_exit e;
	static const __u8 reason[8] = { 0x11, 0x22, 0x33, 0x44 };

	memset(&drv, 0, sizeof(drv));
	drv.exit_reason = GUNYAH_VCPU_EXIT_STATUS;
	drv.status.status = GUNYAH_VM_STATUS_EXITED;
	drv.status.exit_info.type = 2;	/* platform reset */
	drv.status.exit_info.reason_size = 4;
	memcpy(drv.status.exit_info.reason, reason, sizeof(reason));
	memcpy(&v14, &drv, sizeof(v14));
	v14_decode_exit(&v14, &e);
	EXPECT_EQ(e.reason, GH_VCPU_EXIT_STATUS);
	EXPECT_EQ(e.status, GH_VM_STATUS_EXITED);
	EXPECT_EQ(e.exit_type, GH_RM_EXIT_TYPE_PSCI_SYSTEM_RESET);
	EXPECT_EQ(e.reason_size, 4);
	EXPECT_EQ(memcmp(e.exit_reason, reason, sizeof(reason)), 0);

	memset(&drv, 0, sizeof(drv));
	drv.exit_reason = GUNYAH_VCPU_EXIT_MMIO;
	drv.mmio.phys_addr = MMIO_ADDR + 4;
	drv.mmio.len = 4;
	drv.mmio.is_write = 1;
	memcpy(drv.mmio.data, reason, sizeof(reason));
	memcpy(&v14, &drv, sizeof(v14));
	v14_decode_exit(&v14, &e);
	EXPECT_EQ(e.reason, GH_VCPU_EXIT_MMIO);
	EXPECT_EQ(e.mmio_addr, MMIO_ADDR + 4);
	EXPECT_EQ(e.mmio_len, 4);
	EXPECT_EQ(e.mmio_write, 1);
	EXPECT_EQ(memcmp(e.mmio_data, reason, sizeof(reason)), 0);
	/* v17 page-fault handling writes where the driver reads */
	drv.exit_reason = GUNYAH_VCPU_EXIT_PAGE_FAULT;
	EXPECT_EQ(v17_page_fault(&drv), GUNYAH_VCPU_RESUME_RETRY);
	EXPECT_EQ(drv.page_fault.resume_action, GUNYAH_VCPU_RESUME_RETRY);

	v14_fill_irqfd(&v14_desc, &v14_arg, 7, 0x1f, GH_IRQFD_FLAGS_LEVEL);
	memcpy(&drv_desc, &v14_desc, sizeof(drv_desc));
	memcpy(&drv_arg, &v14_arg, sizeof(drv_arg));
	EXPECT_EQ(drv_desc.type, GUNYAH_FN_IRQFD);
	EXPECT_EQ(drv_desc.arg_size, sizeof(struct gunyah_fn_irqfd_arg));
	EXPECT_EQ(drv_desc.arg, (__u64)(uintptr_t)&v14_arg);
	EXPECT_EQ(drv_arg.fd, 7);
	EXPECT_EQ(drv_arg.label, 0x1f);
	EXPECT_EQ(drv_arg.flags, GUNYAH_IRQFD_FLAGS_LEVEL);

	v14_fill_ioeventfd(&v14_desc, &v14_io, 9, MMIO_ADDR, 4, 0xabcd);
	memcpy(&drv_io, &v14_io, sizeof(drv_io));
	EXPECT_EQ(drv_io.fd, 9);
	EXPECT_EQ(drv_io.addr, MMIO_ADDR);
	EXPECT_EQ(drv_io.len, 4);
	EXPECT_EQ(drv_io.datamatch, 0xabcd);
	EXPECT_EQ(drv_io.flags, GUNYAH_IOEVENTFD_FLAGS_DATAMATCH);
}

FIXTURE(dev) {
	int dev;
	int vm;
	long page;
	void *mem;
	size_t mem_size;
	long pinned;
};

FIXTURE_SETUP(dev)
{
	self->vm = -1;
	self->mem = MAP_FAILED;
	self->dev = open(GUNYAH_DEV, O_RDWR | O_CLOEXEC);
	if (self->dev < 0 && (errno == ENOENT || errno == ENODEV || errno == ENXIO))
		SKIP(return, GUNYAH_DEV " not present: not running on Gunyah");
	ASSERT_GE(self->dev, 0) TH_LOG("open " GUNYAH_DEV ": %s", strerror(errno));

	self->pinned = gh_test_read_counter("pinned_pages");
	ASSERT_GE(self->pinned, 0) TH_LOG("no " GH_TEST_SYSFS "pinned_pages");
	self->page = sysconf(_SC_PAGESIZE);
	self->mem_size = MEM_PAGES * self->page;
	self->mem = mmap(NULL, self->mem_size, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(self->mem, MAP_FAILED);
}

FIXTURE_TEARDOWN(dev)
{
	if (self->vm >= 0)
		close(self->vm);
	if (self->mem != MAP_FAILED)
		munmap(self->mem, self->mem_size);
	if (self->dev >= 0) {
		EXPECT_EQ(gh_test_read_counter("pinned_pages"), self->pinned);
		close(self->dev);
	}
}

/*
 * A v14 client (QEMU's accelerator): every argument is a v14-typed
 * structure, and what the driver makes of it shows it read the fields where
 * v14 put them.
 */
TEST_F(dev, v14_client)
{
	struct gh_userspace_memory_region region;
	struct gh_vm_dtb_config dtb = { GUEST_BASE, 0 };
	struct gh_vm_firmware_config fw = { GUEST_BASE, 0 };
	struct gh_vm_boot_context boot = { 0, 0, GUEST_BASE };
	struct gh_fn_vcpu_arg vcpu_arg;
	struct gh_fn_irqfd_arg irqfd;
	struct gh_fn_ioeventfd_arg ioevent;
	struct gh_fn_desc desc;
	struct gh_vcpu_run *run;
	long half = self->mem_size / 2;
	int vcpu, efd, size;

	self->vm = ioctl(self->dev, GH_CREATE_VM, 0);
	ASSERT_GE(self->vm, 0) TH_LOG("GH_CREATE_VM: %s", strerror(errno));

	/* label, flags, addresses and size reach the driver */
	v14_fill_region(&region, 0, GUEST_BASE, self->mem, half, 0);
	EXPECT_EQ(region.flags, 7);
	ASSERT_EQ(ioctl(self->vm, GH_VM_SET_USER_MEM_REGION, &region), 0)
		TH_LOG("GH_VM_SET_USER_MEM_REGION: %s", strerror(errno));
	EXPECT_EQ(gh_test_read_counter("pinned_pages"), self->pinned + MEM_PAGES / 2);
	v14_fill_region(&region, 0, GUEST_BASE + half, (char *)self->mem + half,
			half, 1);
	EXPECT_ERRNO(ioctl(self->vm, GH_VM_ANDROID_LEND_USER_MEM, &region),
		     EEXIST);
	region.label = 1;
	region.flags |= 1 << 3;
	EXPECT_ERRNO(ioctl(self->vm, GH_VM_ANDROID_LEND_USER_MEM, &region),
		     EINVAL);
	region.flags = GH_MEM_ALLOW_READ;
	region.userspace_addr += 1;
	EXPECT_ERRNO(ioctl(self->vm, GH_VM_ANDROID_LEND_USER_MEM, &region),
		     EINVAL);
	region.userspace_addr -= 1;
	EXPECT_EQ(ioctl(self->vm, GH_VM_ANDROID_LEND_USER_MEM, &region), 0)
		TH_LOG("GH_VM_ANDROID_LEND_USER_MEM: %s", strerror(errno));
	EXPECT_EQ(gh_test_read_counter("pinned_pages"), self->pinned + MEM_PAGES);

	EXPECT_ERRNO(ioctl(self->vm, GH_VM_SET_DTB_CONFIG, &dtb), EINVAL);
	dtb.size = self->page;
	EXPECT_EQ(ioctl(self->vm, GH_VM_SET_DTB_CONFIG, &dtb), 0);
	EXPECT_ERRNO(ioctl(self->vm, GH_VM_ANDROID_SET_FW_CONFIG, &fw), EINVAL);
	fw.size = self->page;
	EXPECT_EQ(ioctl(self->vm, GH_VM_ANDROID_SET_FW_CONFIG, &fw), 0);

	/* crosvm's GH_ names for the v17 boot context */
	boot.reg = GH_VM_BOOT_CONTEXT_REG(REG_SET_PC, 0);
	EXPECT_EQ(ioctl(self->vm, GH_VM_SET_BOOT_CONTEXT, &boot), 0)
		TH_LOG("GH_VM_SET_BOOT_CONTEXT: %s", strerror(errno));
	boot.reg = GH_VM_BOOT_CONTEXT_REG(REG_SET_PC, 1);
	EXPECT_ERRNO(ioctl(self->vm, GH_VM_SET_BOOT_CONTEXT, &boot), EINVAL);

	/* A vCPU and its run page */
	v14_fill_vcpu(&desc, &vcpu_arg, 0);
	vcpu = ioctl(self->vm, GH_VM_ADD_FUNCTION, &desc);
	ASSERT_GE(vcpu, 0) TH_LOG("GH_FN_VCPU: %s", strerror(errno));
	EXPECT_ERRNO(ioctl(self->vm, GH_VM_ADD_FUNCTION, &desc), EEXIST);
	size = ioctl(self->dev, GH_VCPU_MMAP_SIZE, 0);
	ASSERT_GE(size, (int)sizeof(*run));
	run = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, vcpu, 0);
	ASSERT_NE(run, MAP_FAILED);
	EXPECT_EQ(run->exit_reason, GH_VCPU_EXIT_UNKNOWN);
	munmap(run, size);
	EXPECT_EQ(ioctl(self->vm, GH_VM_REMOVE_FUNCTION, &desc), 0);
	close(vcpu);

	/* A level irqfd: label and flags where v14 put them */
	efd = eventfd(0, EFD_CLOEXEC);
	ASSERT_GE(efd, 0);
	v14_fill_irqfd(&desc, &irqfd, efd, 5, GH_IRQFD_FLAGS_LEVEL);
	EXPECT_EQ(ioctl(self->vm, GH_VM_ADD_FUNCTION, &desc), 0)
		TH_LOG("GH_FN_IRQFD: %s", strerror(errno));
	EXPECT_ERRNO(ioctl(self->vm, GH_VM_ADD_FUNCTION, &desc), EEXIST);
	irqfd.label = 6;
	irqfd.flags = 1 << 1;
	EXPECT_ERRNO(ioctl(self->vm, GH_VM_ADD_FUNCTION, &desc), EINVAL);
	irqfd.label = 5;
	EXPECT_EQ(ioctl(self->vm, GH_VM_REMOVE_FUNCTION, &desc), 0);
	EXPECT_ERRNO(ioctl(self->vm, GH_VM_REMOVE_FUNCTION, &desc), ENOENT);

	/* An ioeventfd with datamatch */
	v14_fill_ioeventfd(&desc, &ioevent, efd, MMIO_ADDR, 4, 1);
	EXPECT_EQ(ioctl(self->vm, GH_VM_ADD_FUNCTION, &desc), 0)
		TH_LOG("GH_FN_IOEVENTFD: %s", strerror(errno));
	EXPECT_ERRNO(ioctl(self->vm, GH_VM_ADD_FUNCTION, &desc), EEXIST);
	ioevent.datamatch = 2;
	EXPECT_EQ(ioctl(self->vm, GH_VM_ADD_FUNCTION, &desc), 0);
	ioevent.len = 3;
	EXPECT_ERRNO(ioctl(self->vm, GH_VM_ADD_FUNCTION, &desc), EINVAL);
	ioevent.len = 4;
	EXPECT_EQ(ioctl(self->vm, GH_VM_REMOVE_FUNCTION, &desc), 0);
	close(efd);
}

/* An Android client: bionic's structures and names */
TEST_F(dev, android_client)
{
	struct gunyah_userspace_memory_region region;
	struct gunyah_vm_firmware_config fw;
	struct gunyah_vm_dtb_config dtb;
	struct gunyah_address_range range;
	long half = self->mem_size / 2;

	self->vm = ioctl(self->dev, GUNYAH_CREATE_VM, 0);
	ASSERT_GE(self->vm, 0) TH_LOG("GUNYAH_CREATE_VM: %s", strerror(errno));

	android_fill_region(&region, 3, GUEST_BASE, self->mem, half);
	EXPECT_EQ(ioctl(self->vm, GH_VM_ANDROID_LEND_USER_MEM, &region), 0)
		TH_LOG("GH_VM_ANDROID_LEND_USER_MEM: %s", strerror(errno));
	android_fill_region(&region, 4, GUEST_BASE + half,
			    (char *)self->mem + half, half);
	EXPECT_EQ(ioctl(self->vm, GH_VM_SET_USER_MEM_REGION, &region), 0)
		TH_LOG("GH_VM_SET_USER_MEM_REGION: %s", strerror(errno));
	EXPECT_EQ(gh_test_read_counter("pinned_pages"), self->pinned + MEM_PAGES);

	dtb.guest_phys_addr = GUEST_BASE;
	dtb.size = self->page;
	EXPECT_EQ(ioctl(self->vm, GUNYAH_VM_SET_DTB_CONFIG, &dtb), 0);
	fw.guest_phys_addr = GUEST_BASE + self->page;
	fw.size = self->page;
	EXPECT_EQ(ioctl(self->vm, GH_VM_ANDROID_SET_FW_CONFIG, &fw), 0);

	/* Balloon: the shared half goes back, by its exact range */
	range.guest_phys_addr = GUEST_BASE + half;
	range.size = half - self->page;
	EXPECT_ERRNO(ioctl(self->vm, GH_VM_RECLAIM_REGION, &range), EINVAL);
	range.size = half;
	EXPECT_EQ(ioctl(self->vm, GH_VM_RECLAIM_REGION, &range), 0)
		TH_LOG("GH_VM_RECLAIM_REGION: %s", strerror(errno));
	EXPECT_EQ(gh_test_read_counter("pinned_pages"), self->pinned + MEM_PAGES / 2);
}

/* A v17 client (gunyah-test-vmm): GUNYAH_* names only */
TEST_F(dev, v17_client)
{
	struct gunyah_vm_boot_context ctx;
	struct gunyah_create_mem_args mem_args;
	struct gunyah_fn_vcpu_arg arg;
	struct gunyah_fn_desc desc;
	int vcpu, memfd;

	self->vm = ioctl(self->dev, GUNYAH_CREATE_VM, 0);
	ASSERT_GE(self->vm, 0) TH_LOG("GUNYAH_CREATE_VM: %s", strerror(errno));

	v17_fill_vcpu(&desc, &arg, 1);
	vcpu = ioctl(self->vm, GUNYAH_VM_ADD_FUNCTION, &desc);
	ASSERT_GE(vcpu, 0) TH_LOG("GUNYAH_FN_VCPU: %s", strerror(errno));
	/* gunyah-test-vmm: a duplicate vCPU id fails */
	EXPECT_ERRNO(ioctl(self->vm, GUNYAH_VM_ADD_FUNCTION, &desc), EEXIST);
	EXPECT_GE(ioctl(self->dev, GUNYAH_VCPU_MMAP_SIZE, 0),
		  (int)sizeof(struct gunyah_vcpu_run));

	/* ... and so does a boot context index out of range */
	v17_fill_boot(&ctx, REG_SET_PC, 0, GUEST_BASE);
	EXPECT_EQ(ioctl(self->vm, GUNYAH_VM_SET_BOOT_CONTEXT, &ctx), 0)
		TH_LOG("GUNYAH_VM_SET_BOOT_CONTEXT: %s", strerror(errno));
	v17_fill_boot(&ctx, REG_SET_X, 31, 0);
	EXPECT_EQ(ioctl(self->vm, GUNYAH_VM_SET_BOOT_CONTEXT, &ctx), 0);
	v17_fill_boot(&ctx, REG_SET_X, 32, 0);
	EXPECT_ERRNO(ioctl(self->vm, GUNYAH_VM_SET_BOOT_CONTEXT, &ctx), EINVAL);
	v17_fill_boot(&ctx, REG_SET_SP, 3, 0);
	EXPECT_ERRNO(ioctl(self->vm, GUNYAH_VM_SET_BOOT_CONTEXT, &ctx), EINVAL);

	/*
	 * guest_memfd is not served yet: the ioctl must be refused cleanly,
	 * or give a file descriptor.
	 */
	v17_fill_create_mem(&mem_args, self->mem_size);
	memfd = ioctl(self->dev, GUNYAH_CREATE_GUEST_MEM, &mem_args);
	if (memfd < 0) {
		EXPECT_TRUE(gh_test_not_implemented(errno))
			TH_LOG("GUNYAH_CREATE_GUEST_MEM: %s", strerror(errno));
	} else {
		close(memfd);
	}

	EXPECT_EQ(ioctl(self->vm, GUNYAH_VM_REMOVE_FUNCTION, &desc), 0);
	close(vcpu);
}

TEST_HARNESS_MAIN

#endif /* GUNYAH_UAPI_C99 */
