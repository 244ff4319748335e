// SPDX-License-Identifier: GPL-2.0-only
/*
 * Fault injection: each Resource Manager call of a VM's creation, start and
 * teardown is failed in turn with fail_function (the driver marks every RM
 * call wrapper ALLOW_ERROR_INJECTION), and the test checks that
 *  - the ioctl that made the call fails with the injected errno (creation
 *    and start), or the teardown recovers (a transient failure is retried);
 *  - nothing is left behind once the VM is closed: the driver's counters in
 *    /sys/kernel/debug/gunyah/vm_stats (vms, vcpus, pinned_pages, parcels,
 *    vmids), the FOLL_PIN pins of /proc/vmstat and the process's file
 *    descriptors are back to where they were;
 *  - memory given back to the host is readable, and lent memory that the RM
 *    never kept is intact (sanitized memory reads as zeros);
 *  - the next VM runs to its PSCI SYSTEM_OFF.
 *
 * One more case fails gunyah_rm_call(), which every wrapper goes through,
 * on its first call, then its second, and so on, over a whole VM life:
 * every RM call the driver makes is failed once, including any call the
 * cases by name do not know of.
 *
 * Skipped without /dev/gunyah, debugfs' fail_function or vm_stats. The
 * faults are injected once (times=1), except in one case that fails a
 * teardown call twice: the driver tries it three times.
 */

#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include <linux/gunyah.h>

#include "gunyah_test_util.h"
#include "gunyah_vmm_lib.h"

#include "../kselftest_harness.h"

#define FEI_DIR		"/sys/kernel/debug/fail_function/"
#define MIB		(1024UL * 1024)
#define GUEST_MEM	(256 * 1024UL)	/* image, stacks, DTB */
/* Physically fragmented: more than 512 ranges, so MEM_APPEND is used */
#define BIG_MEM		(2 * MIB + GUEST_MEM)
#define RUN_TIMEOUT_MS	10000
#define PATTERN		0x5a
/* More RM calls than a VM's life takes: the sweep ends before */
#define SWEEP_MAX_CALLS	64

/* EVERY_CALL: the sweep over all RM calls of a VM's life */
enum phase { CREATE, START, TEARDOWN, EVERY_CALL };

/* Shared with the harness's test processes: counted in the children. */
static int *faults_injected;
static struct timespec t_start;

static void __attribute__((constructor)) faults_init(void)
{
	clock_gettime(CLOCK_MONOTONIC, &t_start);
	faults_injected = mmap(NULL, sizeof(*faults_injected),
			       PROT_READ | PROT_WRITE,
			       MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (faults_injected == MAP_FAILED)
		faults_injected = NULL;
}

/* After the harness's totals: the figure quoted in the documentation. */
static void __attribute__((destructor)) faults_report(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	if (faults_injected)
		ksft_print_msg("faults injected: %d (%ld s)\n",
			       *faults_injected,
			       (long)(t.tv_sec - t_start.tv_sec));
}

/* The driver's counters (gunyah_test_util.h): all of vm_stats present. */
static int read_stats(struct gh_test_stats *st)
{
	int i;

	gh_test_read_stats(st);
	for (i = GH_ST_VMS; i <= GH_ST_VMIDS; i++)
		if (st->v[i] < 0)
			return -EPROTO;
	return 0;
}

static bool fei_injectable(const char *fn)
{
	size_t len = strlen(fn);
	char line[256];
	bool found = false;
	FILE *f;

	f = fopen(FEI_DIR "injectable", "re");
	if (!f)
		return false;
	while (!found && fgets(line, sizeof(line), f))
		found = !strncmp(line, fn, len) &&
			(line[len] == '\t' || line[len] == ' ');
	fclose(f);
	return found;
}

static void fei_clear(void)
{
	/* Only blanks: every injection point is removed. */
	gh_test_write_str(FEI_DIR "inject", "\n");
}

/*
 * Fail @fn with -@err, @times times, from its @nth call on (the first when
 * @nth is 0 or 1: fail_function's "space" lets calls pass while it is
 * greater than 1). 0 or -errno.
 */
static int fei_arm_nth(const char *fn, int err, int times, int nth)
{
	char buf[64];
	int ret;

	fei_clear();
	/* No stack dump per fault: the console log must stay clean. */
	ret = gh_test_write_str(FEI_DIR "verbose", "0");
	if (!ret)
		ret = gh_test_write_str(FEI_DIR "probability", "100");
	if (!ret)
		ret = gh_test_write_str(FEI_DIR "interval", "1");
	if (!ret) {
		snprintf(buf, sizeof(buf), "%d", nth);
		ret = gh_test_write_str(FEI_DIR "space", buf);
	}
	if (!ret)
		ret = gh_test_write_str(FEI_DIR "task-filter", "N");
	if (!ret) {
		snprintf(buf, sizeof(buf), "%d", times);
		ret = gh_test_write_str(FEI_DIR "times", buf);
	}
	if (!ret)
		ret = gh_test_write_str(FEI_DIR "inject", fn);
	if (!ret) {
		char path[128];

		/* retval takes an unsigned value: the errno's bits */
		snprintf(path, sizeof(path), FEI_DIR "%s/retval", fn);
		snprintf(buf, sizeof(buf), "%#lx", (unsigned long)(long)-err);
		ret = gh_test_write_str(path, buf);
	}
	return ret;
}

static int fei_arm(const char *fn, int err, int times)
{
	return fei_arm_nth(fn, err, times, 0);
}

/* Faults injected since fei_arm(@times). */
static int fei_fired(int times)
{
	long left = gh_test_read_long(FEI_DIR "times");

	return left < 0 ? 0 : times - (int)left;
}

/*
 * @size bytes of anonymous memory whose pages are physically apart, so that
 * a parcel of it needs one range per page: the even pages are faulted in
 * first, then the odd ones, so neighbours come from different runs of the
 * page allocator.
 */
static void *alloc_fragmented(size_t size)
{
	long page = getpagesize();
	size_t i, n = size / page;
	char *p;

	p = mmap(NULL, size, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return NULL;
	madvise(p, size, MADV_NOHUGEPAGE);
	for (i = 0; i < n; i += 2)
		p[i * page] = 0;
	for (i = 1; i < n; i += 2)
		p[i * page] = 0;
	return p;
}

struct step {
	const char *fn;		/* the RM call wrapper failed */
	int err;		/* the errno injected */
	enum phase phase;
	enum gh_mem_mode mode;
	bool big;		/* fragmented memory: MEM_APPEND */
	bool fw;		/* GH_VM_ANDROID_SET_FW_CONFIG */
	bool run;		/* teardown: run hello to its end first */
	bool kept_intact;	/* the RM never kept the memory */
	int times;		/* 0: once */
};

FIXTURE(fault) {
	struct gh_test_stats stats;
	int fds;
	void *img;
	size_t img_len;
};

FIXTURE_VARIANT(fault) {
	struct step step;
};

/* VM creation */
FIXTURE_VARIANT_ADD(fault, alloc_vmid) {
	.step = { "gunyah_rm_alloc_vmid", ENOSPC, CREATE },
};

/* Start, shared memory */
FIXTURE_VARIANT_ADD(fault, mem_share) {
	.step = { "gunyah_rm_mem_share", ENOMEM, START, GH_MEM_SHARE,
		  .kept_intact = true },
};

FIXTURE_VARIANT_ADD(fault, mem_append_shared) {
	.step = { "gunyah_rm_mem_append", ENOMEM, START, GH_MEM_SHARE,
		  .big = true, .kept_intact = true },
};

FIXTURE_VARIANT_ADD(fault, vm_configure) {
	.step = { "gunyah_rm_vm_configure", EINVAL, START, GH_MEM_SHARE },
};

FIXTURE_VARIANT_ADD(fault, vm_set_firmware_mem) {
	.step = { "gunyah_rm_vm_set_firmware_mem", EPERM, START, GH_MEM_SHARE,
		  .fw = true },
};

FIXTURE_VARIANT_ADD(fault, vm_init) {
	.step = { "gunyah_rm_vm_init", EIO, START, GH_MEM_SHARE },
};

FIXTURE_VARIANT_ADD(fault, vm_set_boot_context) {
	.step = { "gunyah_rm_vm_set_boot_context", EINVAL, START,
		  GH_MEM_SHARE },
};

FIXTURE_VARIANT_ADD(fault, get_hyp_resources) {
	.step = { "gunyah_rm_get_hyp_resources", ENOMEM, START,
		  GH_MEM_SHARE },
};

FIXTURE_VARIANT_ADD(fault, vm_start) {
	.step = { "gunyah_rm_vm_start", EBUSY, START, GH_MEM_SHARE },
};

/* Start, lent memory */
FIXTURE_VARIANT_ADD(fault, mem_lend) {
	.step = { "gunyah_rm_mem_lend", ENOMEM, START, GH_MEM_LEND,
		  .kept_intact = true },
};

/* The RM took the first part of the parcel: it gives it back sanitized. */
FIXTURE_VARIANT_ADD(fault, mem_append_lent) {
	.step = { "gunyah_rm_mem_append", ENOMEM, START, GH_MEM_LEND,
		  .big = true },
};

/* Teardown: retried, so a single failure leaves nothing behind */
FIXTURE_VARIANT_ADD(fault, vm_stop) {
	.step = { "gunyah_rm_vm_stop", EBUSY, TEARDOWN, GH_MEM_SHARE },
};

FIXTURE_VARIANT_ADD(fault, vm_stop_twice) {
	.step = { "gunyah_rm_vm_stop", EBUSY, TEARDOWN, GH_MEM_LEND,
		  .times = 2 },
};

FIXTURE_VARIANT_ADD(fault, vm_reset) {
	.step = { "gunyah_rm_vm_reset", EBUSY, TEARDOWN, GH_MEM_SHARE,
		  .run = true },
};

FIXTURE_VARIANT_ADD(fault, mem_reclaim) {
	.step = { "gunyah_rm_mem_reclaim", EBUSY, TEARDOWN, GH_MEM_SHARE,
		  .run = true },
};

FIXTURE_VARIANT_ADD(fault, mem_reclaim_lent) {
	.step = { "gunyah_rm_mem_reclaim", EBUSY, TEARDOWN, GH_MEM_LEND,
		  .run = true },
};

FIXTURE_VARIANT_ADD(fault, dealloc_vmid) {
	.step = { "gunyah_rm_dealloc_vmid", EINVAL, TEARDOWN, GH_MEM_LEND,
		  .run = true },
};

/*
 * Every call in turn, with lent, fragmented memory. No firmware range: the
 * stub's RM does not implement VM_SET_FIRMWARE_MEM (EOPNOTSUPP).
 */
FIXTURE_VARIANT_ADD(fault, every_rm_call) {
	.step = { "gunyah_rm_call", EIO, EVERY_CALL, GH_MEM_LEND,
		  .big = true, .run = true },
};

FIXTURE_SETUP(fault)
{
	const struct step *st = &variant->step;

	if (gh_test_no_gunyah() == 1)
		SKIP(return, GUNYAH_DEV " not present: not running on Gunyah");
	if (access(FEI_DIR "inject", W_OK))
		SKIP(return, FEI_DIR " not present (CONFIG_FAIL_FUNCTION, debugfs)");
	if (access(GH_TEST_VM_STATS, R_OK))
		SKIP(return, GH_TEST_VM_STATS " not present (CONFIG_GUNYAH_DEBUGFS)");
	ASSERT_TRUE(fei_injectable(st->fn))
		TH_LOG("%s is not an error-injection point", st->fn);

	self->img = gh_test_load_payload("hello", &self->img_len);
	if (!self->img)
		SKIP(return, "guest/hello.bin not found");

	fei_clear();
	ASSERT_EQ(read_stats(&self->stats), 0);
	if (self->stats.v[GH_ST_FOLL_PIN] < 0)
		TH_LOG("no exact FOLL_PIN count (/proc/sys/vm/stat_refresh): not checked");
	self->fds = gh_test_fd_count();
	ASSERT_GT(self->fds, 0);
}

FIXTURE_TEARDOWN(fault)
{
	fei_clear();
	free(self->img);
}

/* PSCI SYSTEM_OFF: the RM's exit type 1 (PLATFORM_OFF), nothing else */
static bool exited_off(const struct gh_vm *vm)
{
	return vm->end == GH_END_EXITED &&
	       vm->status == GUNYAH_VM_STATUS_EXITED && vm->exit_type == 1;
}

static int set_boot_pc(struct gh_vm *vm, __u64 pc)
{
	struct gunyah_vm_boot_context ctx = {
		.reg = GUNYAH_VM_BOOT_CONTEXT_REG(REG_SET_PC, 0),
		.value = pc,
	};

	return ioctl(vm->vm_fd, GH_VM_SET_BOOT_CONTEXT, &ctx);
}

/*
 * Up to GH_VM_START, with every optional step the driver turns into an RM
 * call: a boot register (VM_SET_BOOT_CONTEXT, the value the RM would use
 * anyway) and, if @st->fw, a firmware range (VM_SET_FIRMWARE_MEM). The
 * guest memory is filled with a pattern around the image and the DTB and
 * copied to @snap. Returns 0, or -errno of the failed step (vm->err_what).
 */
static int fault_vm_start(struct gh_vm *vm, const struct step *st,
			  const void *img, size_t img_len, char **snap)
{
	size_t size = st->big ? BIG_MEM : GUEST_MEM;
	long page = getpagesize();
	size_t start;
	int ret;

	memset(vm, 0, sizeof(*vm));
	ret = gh_vm_create(vm, NULL);
	if (ret)
		return ret;

	if (st->big) {
		vm->mem = alloc_fragmented(size);
		if (!vm->mem)
			return -ENOMEM;
		vm->mem_size = size;
	} else {
		ret = gh_vm_alloc_mem(vm, size);
		if (ret)
			return ret;
	}
	ret = gh_vm_load_blob(vm, img, img_len);
	if (ret)
		return ret;
	start = (img_len + page - 1) & ~(page - 1);
	memset((char *)vm->mem + start, PATTERN,
	       size - GH_DTB_MAX_SIZE - start);
	ret = gh_vm_setup_dtb(vm, 1, "fault-test");
	if (ret)
		return ret;
	*snap = malloc(size);
	if (!*snap)
		return -ENOMEM;
	memcpy(*snap, vm->mem, size);

	ret = gh_vm_map_mem(vm, st->mode, 0);
	if (!ret)
		ret = gh_vm_set_dtb_config(vm);
	if (ret)
		return ret;
	if (set_boot_pc(vm, GH_GUEST_RAM_BASE))
		return -errno;
	if (st->fw) {
		struct gunyah_vm_firmware_config fw = {
			.guest_phys_addr = GH_GUEST_RAM_BASE,
			.size = page,
		};

		if (ioctl(vm->vm_fd, GH_VM_ANDROID_SET_FW_CONFIG, &fw))
			return -errno;
	}
	ret = gh_vm_add_vcpus(vm, 1);
	if (!ret)
		ret = gh_vm_start(vm);
	return ret;
}

/*
 * After the VM is gone, every page of its memory is the host's again:
 * reading it must work. Lent memory is either intact or sanitized (zero);
 * with @intact (the RM never kept it) it must be intact.
 */
static void check_memory(struct __test_metadata *_metadata,
			 const struct gh_vm *vm, const char *snap,
			 bool lent, bool intact)
{
	const char *mem = vm->mem;
	long page = getpagesize();
	size_t off, bad = 0;
	char *zero;

	zero = calloc(1, page);
	ASSERT_NE(NULL, zero);
	for (off = 0; off < vm->mem_size; off += page) {
		/* Reading a page the guest still owned would fault. */
		if (!memcmp(mem + off, snap + off, page))
			continue;
		if (intact || (memcmp(mem + off, zero, page) && lent))
			bad++;
	}
	free(zero);
	EXPECT_EQ(bad, 0) TH_LOG("%zu pages neither intact%s", bad,
				 intact ? "" : " nor zero");
}

/* Nothing left behind: counters, pins and fds are back to their baseline. */
static void check_baseline(struct __test_metadata *_metadata,
			   const struct _test_data_fault *self, const char *when)
{
	struct gh_test_stats now;
	char why[256];

	ASSERT_EQ(read_stats(&now), 0);
	EXPECT_EQ(gh_test_stats_diff(&self->stats, &now, why, sizeof(why)), 0)
		TH_LOG("%s:%s", when, why);
	EXPECT_EQ(gh_test_fd_count(), self->fds) TH_LOG("%s: file descriptors", when);
}

/*
 * A guest that powers off at once: x0 = PSCI SYSTEM_OFF, hvc #0. Cheaper
 * to run under TCG than hello, whose UART output takes 200 MMIO exits.
 */
static const __u32 off_image[] = {
	0xd2800100,	/* movz x0, #0x8 */
	0xf2b08000,	/* movk x0, #0x8400, lsl #16 */
	0xd4000002,	/* hvc #0 */
	0x14000000,	/* b . */
};

/* The next VM works: it runs to its PSCI SYSTEM_OFF. */
static void check_next_vm(struct __test_metadata *_metadata,
			  const struct _test_data_fault *self,
			  enum gh_mem_mode mode)
{
	struct gh_vm vm;
	int ret;

	memset(&vm, 0, sizeof(vm));
	ret = gh_vm_boot(&vm, NULL, off_image, sizeof(off_image), GUEST_MEM,
			 mode, 1);
	EXPECT_EQ(ret, 0) TH_LOG("next VM: %s: %s", vm.err_what,
				 strerror(vm.err));
	if (!ret) {
		gh_vm_run(&vm, RUN_TIMEOUT_MS);
		EXPECT_TRUE(exited_off(&vm)) TH_LOG("next VM: %s",
						    gh_end_str(&vm));
	}
	gh_vm_destroy(&vm);
	gh_vm_free_mem(&vm);
	check_baseline(_metadata, self, "after the next VM");
}

/*
 * The sweep: the VM's life with its @nth RM call failed, for nth = 1, 2, ...
 * until a life passes without the fault firing. A failed call of creation
 * or start fails its ioctl with the injected errno; a failed teardown call
 * is retried. Either way nothing is left behind.
 */
static void every_rm_call(struct __test_metadata *_metadata,
			  const struct _test_data_fault *self,
			  const struct step *st)
{
	int nth, fired, ret, failed_ioctl = 0, recovered = 0;
	char *snap;
	struct gh_vm vm;
	bool off;

	for (nth = 1; nth <= SWEEP_MAX_CALLS; nth++) {
		snap = NULL;
		off = false;
		ASSERT_EQ(fei_arm_nth(st->fn, st->err, 1, nth), 0);
		ret = fault_vm_start(&vm, st, self->img, self->img_len, &snap);
		if (!ret) {
			gh_vm_run(&vm, RUN_TIMEOUT_MS);
			off = exited_off(&vm);
		}
		gh_vm_destroy(&vm);
		fired = fei_fired(1);
		fei_clear();
		if (faults_injected)
			__atomic_add_fetch(faults_injected, fired,
					   __ATOMIC_RELAXED);

		if (ret) {
			failed_ioctl++;
			EXPECT_EQ(fired, 1) TH_LOG("RM call %d: %s: %s", nth,
						   vm.err_what,
						   strerror(vm.err));
			EXPECT_EQ(ret, -st->err)
				TH_LOG("RM call %d: %s: %s", nth, vm.err_what,
				       strerror(vm.err));
		} else {
			recovered += fired;
			EXPECT_TRUE(off) TH_LOG("RM call %d: %s", nth,
						gh_end_str(&vm));
		}
		if (snap)
			check_memory(_metadata, &vm, snap, true, false);
		free(snap);
		gh_vm_free_mem(&vm);
		check_baseline(_metadata, self, "after an RM call failed");
		if (!fired)
			break;
	}
	EXPECT_LE(nth, SWEEP_MAX_CALLS) TH_LOG("the sweep did not end");
	EXPECT_GT(failed_ioctl, 0);
	EXPECT_GT(recovered, 0);
	TH_LOG("%d RM calls in a VM's life, each failed once:", nth - 1);
	TH_LOG("%d failed their ioctl, %d were retried at teardown",
	       failed_ioctl, recovered);
	check_next_vm(_metadata, self, st->mode);
}

TEST_F_TIMEOUT(fault, inject, 120)
{
	const struct step *st = &variant->step;
	int times = st->times ? st->times : 1, fired, ret;
	char *snap = NULL;
	struct gh_vm vm;

	if (st->phase == EVERY_CALL) {
		every_rm_call(_metadata, self, st);
		return;
	}
	if (st->phase != TEARDOWN)
		ASSERT_EQ(fei_arm(st->fn, st->err, times), 0);
	ret = fault_vm_start(&vm, st, self->img, self->img_len, &snap);

	if (st->phase == TEARDOWN) {
		ASSERT_EQ(ret, 0) TH_LOG("%s: %s", vm.err_what,
					 strerror(vm.err));
		if (st->run) {
			gh_vm_run(&vm, RUN_TIMEOUT_MS);
			EXPECT_TRUE(exited_off(&vm)) TH_LOG("%s",
							    gh_end_str(&vm));
		}
		ASSERT_EQ(fei_arm(st->fn, st->err, times), 0);
	} else {
		/* The ioctl of the step fails with the injected errno. */
		EXPECT_EQ(ret, -st->err)
			TH_LOG("%s: %s", vm.err_what, strerror(vm.err));
		EXPECT_STREQ(vm.err_what, st->phase == CREATE ?
			     "GH_CREATE_VM" : "GH_VM_START");
		/* A start that reached the RM is final. */
		if (st->phase == START) {
			errno = 0;
			EXPECT_EQ(ioctl(vm.vm_fd, GH_VM_START), -1);
			EXPECT_EQ(errno, EINVAL);
		}
	}

	gh_vm_destroy(&vm);
	fired = fei_fired(times);
	fei_clear();
	if (faults_injected)
		__atomic_add_fetch(faults_injected, fired, __ATOMIC_RELAXED);
	EXPECT_EQ(fired, times) TH_LOG("%s was not called", st->fn);

	if (snap)
		check_memory(_metadata, &vm, snap, st->mode == GH_MEM_LEND,
			     st->kept_intact);
	free(snap);
	gh_vm_free_mem(&vm);

	check_baseline(_metadata, self, "after the fault");
	check_next_vm(_metadata, self, st->mode);
}

/*
 * Opt-in, as it leaks for good (GUNYAH_FAULT_TEST_LEAK=1 in the environment,
 * e.g. on the kernel command line): MEM_RECLAIM of lent memory keeps
 * failing at teardown. The driver gives up after its retries and keeps the
 * pages pinned, never handing them back to the page allocator: they stay in
 * vm_stats' pinned_pages and parcels, in the FOLL_PIN pins and in
 * /sys/class/misc/gunyah/leaked_pages. The VM itself and its VMID go (the
 * VM was reset). Its memory is not read: it may still be the guest's.
 */
TEST(reclaim_fails_for_good)
{
	const struct step st = { "gunyah_rm_mem_reclaim", EBUSY, TEARDOWN,
				 GH_MEM_LEND };
	long npages = GUEST_MEM / getpagesize();
	struct gh_test_stats base, now;
	char *snap = NULL;
	struct gh_vm vm;
	int ret;

	if (!getenv("GUNYAH_FAULT_TEST_LEAK"))
		SKIP(return, "leaks for good: set GUNYAH_FAULT_TEST_LEAK=1");
	if (gh_test_no_gunyah() == 1)
		SKIP(return, GUNYAH_DEV " not present: not running on Gunyah");
	if (access(FEI_DIR "inject", W_OK) || access(GH_TEST_VM_STATS, R_OK))
		SKIP(return, "no fail_function or " GH_TEST_VM_STATS);

	ASSERT_EQ(read_stats(&base), 0);
	ret = fault_vm_start(&vm, &st, off_image, sizeof(off_image), &snap);
	ASSERT_EQ(ret, 0) TH_LOG("%s: %s", vm.err_what, strerror(vm.err));
	gh_vm_run(&vm, RUN_TIMEOUT_MS);
	EXPECT_TRUE(exited_off(&vm)) TH_LOG("%s", gh_end_str(&vm));

	ASSERT_EQ(fei_arm(st.fn, st.err, -1), 0);
	gh_vm_destroy(&vm);
	fei_clear();
	free(snap);
	/* Unmapping drops the mapping only: the pins keep the pages. */
	gh_vm_free_mem(&vm);

	ASSERT_EQ(read_stats(&now), 0);
	EXPECT_EQ(now.v[GH_ST_VMS], base.v[GH_ST_VMS]);
	EXPECT_EQ(now.v[GH_ST_VCPUS], base.v[GH_ST_VCPUS]);
	EXPECT_EQ(now.v[GH_ST_VMIDS], base.v[GH_ST_VMIDS]);
	EXPECT_EQ(now.v[GH_ST_PARCELS], base.v[GH_ST_PARCELS] + 1);
	EXPECT_EQ(now.v[GH_ST_PINNED], base.v[GH_ST_PINNED] + npages);
	if (base.v[GH_ST_FOLL_PIN] >= 0)
		EXPECT_EQ(now.v[GH_ST_FOLL_PIN], base.v[GH_ST_FOLL_PIN] + npages);
	if (base.v[GH_ST_LEAKED] >= 0)
		EXPECT_EQ(now.v[GH_ST_LEAKED], base.v[GH_ST_LEAKED] + npages);
}

TEST_HARNESS_MAIN
