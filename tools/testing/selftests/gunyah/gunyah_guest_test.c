// SPDX-License-Identifier: GPL-2.0-only
/*
 * Tests that run guests under Gunyah: bare-metal payloads (guest/NAME.bin)
 * booted with the reference VMM's helpers (tools/gunyah-vmm), checking
 * memory sharing and lending, MMIO emulation, PSCI CPU_ON, SYSTEM_OFF and
 * SYSTEM_RESET, and that a killed VMM leaks neither pages nor VMIDs.
 *
 * The behaviour of the real Resource Manager and hypervisor that a host
 * can see (../shared/gunyah-abi.md section 6) has a test each here: the
 * exit types and a filled exit_info (VM_STATUS(EXITED) comes before
 * VM_EXITED), every vCPU of a stopping VM reporting the exit (no EBUSY),
 * PSCI CPU_ON of a missing vCPU, shared windows matched by qcom,label
 * (refused without one, and at one range when not physically contiguous,
 * unless a shm vdevice maps them), and a RESET that comes after the driver
 * stopped waiting still freeing the VM.
 *
 * Skipped without /dev/gunyah, and while the driver does not implement an
 * ioctl the test needs (ENOTTY, EOPNOTSUPP).
 *
 * The payloads are looked up in $GUNYAH_GUEST_DIR, /guest, and the guest/
 * directory next to this program or that directory itself.
 */

#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "gunyah_test_util.h"
#include "gunyah_vmm_lib.h"
#include "guest/guest.h"

#include "../kselftest_harness.h"

#define MIB		(1024UL * 1024)
#define RUN_TIMEOUT_MS	20000
#define KILL_ROUNDS	5
/*
 * A parcel takes one range per discontiguous run of pages; hyp-stub holds
 * 131072 ranges for all parcels (256 MiB of 4 KiB pages, twice), so the
 * sizes here are about run time, not limits. BIG_MEM: enough anonymous
 * memory to be thousands of ranges (fragmented beyond the old 16 MiB).
 */
#define KILL_MEM	(8 * MIB)
#define GUEST_MEM	MIB
#define BIG_MEM		(64 * MIB)
#define LEAK_SLACK	(16 * MIB)	/* MemFree noise: per-CPU page lists */
#define VM_COUNT_CAP	64
#define WHY_LEN		512

/* ---- the test device ---- */

static __u64 trunc_len(__u64 v, __u32 len)
{
	return len >= 8 ? v : v & ((1ULL << (8 * len)) - 1);
}

static __u64 sext(__u64 v, __u32 len)
{
	int shift = 64 - 8 * len;

	return (__u64)((__s64)(v << shift) >> shift);
}

struct test_ctx {
	/* called on the first TESTDEV_REPORT write, VM lock held */
	void (*on_report)(struct gh_vm *vm, struct test_ctx *ctx);
	bool reported;
	int ready_fd;		/* kill test: written on the first heartbeat */
	bool stop_on_heartbeat;
	/* mem tests: what the host saw while the VM ran */
	int probe_result;
	size_t guest_words_seen;
};

static bool testdev_mmio(struct gh_vm *vm, int vcpu, __u64 addr,
			 __u32 len, bool is_write, __u64 *data)
{
	struct test_ctx *ctx = vm->opaque;
	__u64 off = addr - GUEST_TESTDEV_BASE;

	if (addr < GUEST_TESTDEV_BASE || off >= 0x1000)
		return false;
	if (!is_write) {
		if (off >= TESTDEV_READ_BASE && off < TESTDEV_WRITE_BASE)
			*data = trunc_len(TESTDEV_READ_VALUE(off - TESTDEV_READ_BASE), len);
		else
			*data = 0;
		return true;
	}
	if (ctx && off == TESTDEV_REPORT && !ctx->reported) {
		ctx->reported = true;
		if (ctx->on_report)
			ctx->on_report(vm, ctx);
	}
	if (ctx && off == TESTDEV_HEARTBEAT && ctx->stop_on_heartbeat)
		gh_vm_stop(vm);
	if (ctx && off == TESTDEV_HEARTBEAT && ctx->ready_fd >= 0) {
		if (write(ctx->ready_fd, "R", 1) != 1)
			_exit(3);
		ctx->ready_fd = -1;
	}
	return true;
}

/* The non-UART MMIO accesses of the guest, filtered. */
static int log_find(struct gh_vm *vm, int from, __u64 off, bool is_write)
{
	int i;

	for (i = from; i < vm->mmio_count; i++) {
		if (vm->mmio_log[i].addr == GUEST_TESTDEV_BASE + off &&
		    vm->mmio_log[i].is_write == is_write)
			return i;
	}
	return -1;
}

static int reports(struct gh_vm *vm, __u64 *v, int max)
{
	int i, n = 0;

	for (i = 0; i < vm->mmio_count && n < max; i++) {
		if (vm->mmio_log[i].addr == GUEST_TESTDEV_BASE + TESTDEV_REPORT &&
		    vm->mmio_log[i].is_write)
			v[n++] = vm->mmio_log[i].data;
	}
	return n;
}

/* ---- reading memory that may be lent ---- */

static __thread sigjmp_buf probe_jmp;
static __thread int probing;

static void probe_signal(int sig, siginfo_t *si, void *uc)
{
	if (probing)
		siglongjmp(probe_jmp, sig);
	signal(sig, SIG_DFL);
	raise(sig);
}

struct probe {
	const __u64 *p;
	size_t words;
	int sig;		/* the signal the read raised, 0 if none */
	size_t nonzero;		/* words read that are not zero */
	__u64 first;
	bool done;
};

static void *probe_thread(void *arg)
{
	struct probe *pr = arg;
	size_t i;
	int sig;

	sig = sigsetjmp(probe_jmp, 1);
	if (sig) {
		probing = 0;
		pr->sig = sig;
		__atomic_store_n(&pr->done, true, __ATOMIC_RELEASE);
		return NULL;
	}
	probing = 1;
	pr->first = __atomic_load_n(&pr->p[0], __ATOMIC_RELAXED);
	for (i = 0; i < pr->words; i++)
		pr->nonzero += __atomic_load_n(&pr->p[i], __ATOMIC_RELAXED) != 0;
	probing = 0;
	__atomic_store_n(&pr->done, true, __ATOMIC_RELEASE);
	return NULL;
}

enum { PROBE_READ, PROBE_SIGNAL, PROBE_HUNG };

/*
 * Read [p, p + words) in a thread: a host access to lent memory must raise
 * a signal, and must not hang the reader.
 */
static int probe_mem(const void *p, size_t words, struct probe *pr)
{
	struct sigaction sa = { .sa_sigaction = probe_signal, .sa_flags = SA_SIGINFO };
	struct timespec ts;
	pthread_t t;

	memset(pr, 0, sizeof(*pr));
	pr->p = p;
	pr->words = words;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGSEGV, &sa, NULL);
	sigaction(SIGBUS, &sa, NULL);
	if (pthread_create(&t, NULL, probe_thread, pr))
		return PROBE_HUNG;
	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_sec += 5;
	if (pthread_timedjoin_np(t, NULL, &ts)) {
		pthread_detach(t);
		return PROBE_HUNG;
	}
	return pr->sig ? PROBE_SIGNAL : PROBE_READ;
}

/* ---- booting ---- */

FIXTURE(guest) {
	struct gh_vm vm;
	struct test_ctx ctx;
	void *image;
	size_t image_len;
	bool booted;
	char reset_timeout[32];	/* the module parameter to put back */
};

FIXTURE_SETUP(guest)
{
	int r;

	memset(&self->vm, 0, sizeof(self->vm));
	self->vm.vm_fd = -1;
	self->vm.dev_fd = -1;
	memset(&self->ctx, 0, sizeof(self->ctx));
	self->ctx.ready_fd = -1;
	r = gh_test_no_gunyah();
	if (r > 0)
		SKIP(return, GUNYAH_DEV " not present: not running on Gunyah");
	ASSERT_EQ(r, 0) TH_LOG("open " GUNYAH_DEV ": %s", strerror(-r));
}

#define RESET_TIMEOUT_PARAM	"/sys/module/gunyah/parameters/reset_timeout_ms"

FIXTURE_TEARDOWN(guest)
{
	if (self->reset_timeout[0] &&
	    gh_test_write_str(RESET_TIMEOUT_PARAM, self->reset_timeout))
		fprintf(stderr, "# could not restore " RESET_TIMEOUT_PARAM " = %s\n",
			self->reset_timeout);
	if (self->booted) {
		gh_vm_destroy(&self->vm);
		gh_vm_free_mem(&self->vm);
	}
	free(self->image);
}

/*
 * Boot a payload: 0 when the VM started, 1 when a step is not implemented
 * yet (skip), -1 on failure; why says which step.
 */
static int boot(struct gh_vm *vm, struct test_ctx *ctx, const char *payload,
		size_t mem, enum gh_mem_mode mode, int vcpus, char *why,
		size_t why_len)
{
	void *image;
	size_t len = 0;
	int ret;

	ret = gh_vm_create(vm, GUNYAH_DEV);
	vm->mmio_fn = testdev_mmio;
	vm->opaque = ctx;
	image = gh_test_load_payload(payload, &len);
	if (!image) {
		snprintf(why, why_len, "payload %s.bin not found", payload);
		return -1;
	}
	if (!ret)
		ret = gh_vm_alloc_mem(vm, mem);
	if (!ret)
		ret = gh_vm_load_blob(vm, image, len);
	free(image);
	if (!ret) {
		__u64 *h = (__u64 *)((char *)vm->mem + MEMTEST_HOST_OFF);
		int i;

		for (i = 0; i < MEMTEST_WORDS; i++)
			h[i] = MEMTEST_HOST_WORD(i);
	}
	if (!ret)
		ret = gh_vm_setup_dtb(vm, vcpus, "gunyah-selftest");
	if (!ret)
		ret = gh_vm_map_mem(vm, mode, 0);
	if (!ret)
		ret = gh_vm_set_dtb_config(vm);
	if (!ret)
		ret = gh_vm_add_vcpus(vm, vcpus);
	if (!ret)
		ret = gh_vm_start(vm);
	if (!ret)
		return 0;
	snprintf(why, why_len, "%s: %s%s", vm->err_what, strerror(-ret),
		 gh_test_not_implemented(-ret) ? " (not implemented yet)" : "");
	return gh_test_not_implemented(-ret) ? 1 : -1;
}

/* Run to the end; 1 when GH_VCPU_RUN is not implemented yet (skip). */
static int run(struct gh_vm *vm, char *why, size_t why_len)
{
	enum gh_run_end end = gh_vm_run(vm, RUN_TIMEOUT_MS);

	snprintf(why, why_len, "%s; console: \"%.*s\"", gh_end_str(vm),
		 (int)vm->uart_len, vm->uart_buf);
	if (end == GH_END_ERROR && gh_test_not_implemented(vm->err))
		return 1;
	return 0;
}

/* Boot and run a payload in the fixture's VM: 1 to skip, -1 on failure. */
static int boot_run(struct __test_metadata *_metadata, struct _test_data_guest *self,
		    const char *payload, size_t mem, enum gh_mem_mode mode,
		    int vcpus, char *why)
{
	int r;

	r = boot(&self->vm, &self->ctx, payload, mem, mode, vcpus, why, WHY_LEN);
	self->booted = true;
	if (r)
		return r;
	r = run(&self->vm, why, WHY_LEN);
	TH_LOG("%s: %s", payload, why);
	return r;
}

/*
 * PSCI SYSTEM_OFF: the real RM's exit type 1 (PLATFORM_OFF); 0 is only the
 * guest's own RM VM_EXIT call, which these guests never make.
 */
static bool exited_off(struct gh_vm *vm)
{
	return vm->end == GH_END_EXITED && vm->status == GUNYAH_VM_STATUS_EXITED &&
	       vm->exit_type == 1;
}

/* hello: PL011 output, x0 = DTB IPA at entry, PSCI SYSTEM_OFF as exit type 1 */
TEST_F_TIMEOUT(guest, hello_system_off, 60)
{
	char why[WHY_LEN];
	int r, i;
	__u64 v[2];

	r = boot_run(_metadata, self, "hello", GUEST_MEM, GH_MEM_SHARE, 1, why);
	if (r > 0)
		SKIP(return, "%s", why);
	ASSERT_EQ(r, 0) TH_LOG("%s", why);
	ASSERT_TRUE(exited_off(&self->vm)) TH_LOG("%s", gh_end_str(&self->vm));
	/*
	 * The exit_info of VM_EXITED, which the RM sends after
	 * VM_STATUS(EXITED): one 32-bit reason word, exit flags and code
	 * (EXIT_CODE_NORMAL) both 0. All zero bytes with reason_size 0 is
	 * what a driver that completed the exit on the status reports.
	 */
	EXPECT_EQ(self->vm.exit_reason_size, 4);
	for (i = 0; i < 4; i++)
		EXPECT_EQ(self->vm.exit_reason[i], 0) TH_LOG("reason byte %d", i);
	self->vm.uart_buf[self->vm.uart_len] = '\0';
	EXPECT_NE(NULL, strstr(self->vm.uart_buf, "Hello from a Gunyah guest!"));
	EXPECT_NE(NULL, strstr(self->vm.uart_buf, "(valid FDT)"));
	ASSERT_EQ(reports(&self->vm, v, 2), 2);
	EXPECT_EQ(v[0], self->vm.dtb_ipa);
	EXPECT_EQ(v[1], 0xedfe0dd0);	/* FDT magic, read little-endian */
}

/* The same with lent memory. */
TEST_F_TIMEOUT(guest, hello_lent, 60)
{
	char why[WHY_LEN];
	int r;

	r = boot_run(_metadata, self, "hello", GUEST_MEM, GH_MEM_LEND, 1, why);
	if (r > 0)
		SKIP(return, "%s", why);
	ASSERT_EQ(r, 0) TH_LOG("%s", why);
	ASSERT_TRUE(exited_off(&self->vm)) TH_LOG("%s", gh_end_str(&self->vm));
	self->vm.uart_buf[self->vm.uart_len] = '\0';
	EXPECT_NE(NULL, strstr(self->vm.uart_buf, "Hello from a Gunyah guest!"));
}

/*
 * 64 MiB of (physically fragmented) anonymous memory shared, then another
 * 64 MiB lent: thousands of SGL ranges per parcel, sent as LEND/SHARE plus
 * APPENDs, mapped, run, reclaimed.
 */
TEST_F_TIMEOUT(guest, hello_big_shared_then_lent, 180)
{
	enum gh_mem_mode modes[2] = { GH_MEM_SHARE, GH_MEM_LEND };
	char why[WHY_LEN];
	int r;

	for (int i = 0; i < 2; i++) {
		if (i) {	/* the shared VM goes, and its memory back */
			gh_vm_destroy(&self->vm);
			gh_vm_free_mem(&self->vm);
			memset(&self->vm, 0, sizeof(self->vm));
			self->vm.vm_fd = -1;
			self->vm.dev_fd = -1;
			self->booted = false;
		}
		r = boot_run(_metadata, self, "hello", BIG_MEM, modes[i], 1, why);
		if (r > 0)
			SKIP(return, "%s", why);
		ASSERT_EQ(r, 0) TH_LOG("%s: %s", i ? "lent" : "shared", why);
		ASSERT_TRUE(exited_off(&self->vm)) TH_LOG("%s", gh_end_str(&self->vm));
		self->vm.uart_buf[self->vm.uart_len] = '\0';
		EXPECT_NE(NULL, strstr(self->vm.uart_buf, "Hello from a Gunyah guest!"));
	}
}

/* PSCI SYSTEM_RESET is reported as a reset exit, not as a power off. */
TEST_F_TIMEOUT(guest, system_reset, 60)
{
	char why[WHY_LEN];
	int r;
	__u64 v[1];

	r = boot_run(_metadata, self, "reset", GUEST_MEM, GH_MEM_SHARE, 1, why);
	if (r > 0)
		SKIP(return, "%s", why);
	ASSERT_EQ(r, 0) TH_LOG("%s", why);
	ASSERT_EQ(self->vm.end, GH_END_EXITED) TH_LOG("%s", gh_end_str(&self->vm));
	ASSERT_EQ(self->vm.status, GUNYAH_VM_STATUS_EXITED);
	/* PSCI SYSTEM_RESET: the RM's PLATFORM_RESET (2); 3 is SYSTEM_RESET2 */
	EXPECT_EQ(self->vm.exit_type, 2) TH_LOG("%s", gh_end_str(&self->vm));
	/* reset type and cookie are SYSTEM_RESET2's: one zero word here */
	EXPECT_EQ(self->vm.exit_reason_size, 4);
	/* SYSTEM_RESET did not return to the guest */
	EXPECT_EQ(reports(&self->vm, v, 1), 0) TH_LOG("SYSTEM_RESET returned %#llx",
						      (unsigned long long)v[0]);
}

/* MMIO: read values reach the guest, writes arrive with address, size, data */
TEST_F_TIMEOUT(guest, mmio, 60)
{
	char why[WHY_LEN];
	int r;
	static const struct { __u32 off, len; int ext; } loads[] = {
		{ 0x00, 1, 0 }, { 0x02, 2, 0 }, { 0x04, 4, 0 }, { 0x08, 8, 0 },
		{ 0x10, 1, 64 }, { 0x12, 2, 64 }, { 0x14, 4, 64 },
		{ 0x18, 1, 32 }, { 0x1a, 2, 32 },
	};
	static const struct { __u32 off, len; __u64 data; } stores[] = {
		{ 0x01, 1, 0xa5 }, { 0x02, 2, 0xbeef }, { 0x04, 4, 0xcafef00d },
		{ 0x08, 8, 0x0123456789abcdefULL },
	};
	struct gh_vm *vm = &self->vm;
	struct gh_mmio_rec *rec;
	__u64 want;
	unsigned int i;
	int at = 0;

	r = boot_run(_metadata, self, "mmio", GUEST_MEM, GH_MEM_SHARE, 1, why);
	if (r > 0)
		SKIP(return, "%s", why);
	ASSERT_EQ(r, 0) TH_LOG("%s", why);
	ASSERT_TRUE(exited_off(vm)) TH_LOG("%s", gh_end_str(vm));
	ASSERT_EQ(vm->mmio_count, 2 * ARRAY_SIZE(loads) + ARRAY_SIZE(stores) + 1);

	for (i = 0; i < ARRAY_SIZE(loads); i++, at += 2) {
		rec = &vm->mmio_log[at];
		EXPECT_EQ(rec->addr, GUEST_TESTDEV_BASE + TESTDEV_READ_BASE + loads[i].off);
		EXPECT_EQ(rec->len, loads[i].len);
		EXPECT_FALSE(rec->is_write);
		/* the register the guest loaded, as it reported it */
		want = trunc_len(TESTDEV_READ_VALUE(loads[i].off), loads[i].len);
		if (loads[i].ext)
			want = trunc_len(sext(want, loads[i].len), loads[i].ext / 8);
		rec = &vm->mmio_log[at + 1];
		EXPECT_EQ(rec->addr, GUEST_TESTDEV_BASE + TESTDEV_REPORT);
		EXPECT_EQ(rec->len, 8);
		EXPECT_TRUE(rec->is_write);
		EXPECT_EQ(rec->data, want)
			TH_LOG("load #%u (size %u, %s): got %#llx, want %#llx",
			       i, loads[i].len,
			       loads[i].ext ? "sign-extending" : "zero-extending",
			       (unsigned long long)rec->data,
			       (unsigned long long)want);
	}
	for (i = 0; i < ARRAY_SIZE(stores); i++, at++) {
		rec = &vm->mmio_log[at];
		EXPECT_EQ(rec->addr, GUEST_TESTDEV_BASE + TESTDEV_WRITE_BASE + stores[i].off);
		EXPECT_EQ(rec->len, stores[i].len);
		EXPECT_TRUE(rec->is_write);
		EXPECT_EQ(rec->data, stores[i].data) TH_LOG("store #%u", i);
	}
	rec = &vm->mmio_log[at];
	EXPECT_EQ(rec->addr, GUEST_TESTDEV_BASE + TESTDEV_DONE);
	EXPECT_EQ(rec->data, TESTDEV_DONE_MAGIC);
}

/* On the guest's first report (VM running): look at the guest's pattern. */
static void mem_on_report(struct gh_vm *vm, struct test_ctx *ctx)
{
	const __u64 *g = (const __u64 *)((char *)vm->mem + MEMTEST_GUEST_OFF);
	struct probe pr;
	size_t i;

	ctx->probe_result = probe_mem(g, MEMTEST_WORDS, &pr);
	if (ctx->probe_result != PROBE_READ)
		return;
	for (i = 0; i < MEMTEST_WORDS; i++)
		ctx->guest_words_seen += g[i] == MEMTEST_GUEST_WORD(i);
}

/* Shared memory: the guest sees the host's writes and the host the guest's. */
TEST_F_TIMEOUT(guest, mem_shared, 60)
{
	char why[WHY_LEN];
	int r;
	const __u64 *g;
	__u64 v[2];
	size_t i, seen = 0;

	self->ctx.on_report = mem_on_report;
	r = boot_run(_metadata, self, "mem", GUEST_MEM, GH_MEM_SHARE, 1, why);
	if (r > 0)
		SKIP(return, "%s", why);
	ASSERT_EQ(r, 0) TH_LOG("%s", why);
	ASSERT_TRUE(exited_off(&self->vm)) TH_LOG("%s", gh_end_str(&self->vm));
	ASSERT_EQ(reports(&self->vm, v, 2), 2);
	EXPECT_EQ(v[0], MEMTEST_HOST_WORD(0));
	EXPECT_EQ(v[1], MEMTEST_WORDS) TH_LOG("guest saw %llu host words",
					      (unsigned long long)v[1]);
	/* while the VM ran */
	ASSERT_EQ(self->ctx.probe_result, PROBE_READ);
	EXPECT_EQ(self->ctx.guest_words_seen, MEMTEST_WORDS);

	/* and after teardown: shared memory keeps its content */
	gh_vm_destroy(&self->vm);
	g = (const __u64 *)((char *)self->vm.mem + MEMTEST_GUEST_OFF);
	for (i = 0; i < MEMTEST_WORDS; i++)
		seen += g[i] == MEMTEST_GUEST_WORD(i);
	EXPECT_EQ(seen, MEMTEST_WORDS);
}

/*
 * Lent memory: the guest writes it and reads what the host put there before
 * lending; a host read while the VM runs raises a signal; after teardown the
 * memory is back, zeroed.
 */
TEST_F_TIMEOUT(guest, mem_lent, 90)
{
	char why[WHY_LEN];
	int r;
	struct probe pr;
	__u64 v[2];
	int i, res = PROBE_HUNG;

	self->ctx.on_report = mem_on_report;
	r = boot_run(_metadata, self, "mem", GUEST_MEM, GH_MEM_LEND, 1, why);
	if (r > 0)
		SKIP(return, "%s", why);
	ASSERT_EQ(r, 0) TH_LOG("%s", why);
	ASSERT_TRUE(exited_off(&self->vm)) TH_LOG("%s", gh_end_str(&self->vm));
	ASSERT_EQ(reports(&self->vm, v, 2), 2);
	EXPECT_EQ(v[0], MEMTEST_HOST_WORD(0));
	EXPECT_EQ(v[1], MEMTEST_WORDS);
	/* while the VM ran */
	EXPECT_EQ(self->ctx.probe_result, PROBE_SIGNAL)
		TH_LOG("host read of lent memory: %s",
		       self->ctx.probe_result == PROBE_READ ? "succeeded" : "hung");

	/* after teardown (possibly finished asynchronously) */
	gh_vm_destroy(&self->vm);
	for (i = 0; i < 50; i++) {
		res = probe_mem(self->vm.mem, self->vm.mem_size / 8, &pr);
		if (res != PROBE_SIGNAL)
			break;
		usleep(100 * 1000);
	}
	ASSERT_EQ(res, PROBE_READ) TH_LOG("lent memory not readable after teardown");
	EXPECT_EQ(pr.nonzero, 0) TH_LOG("%zu non-zero words after teardown (first %#llx)",
					pr.nonzero, (unsigned long long)pr.first);
}

/* vCPU 0 starts the others with PSCI CPU_ON; each runs on its own thread. */
static void smp_test(struct __test_metadata *_metadata, struct gh_vm *vm, int n)
{
	__u64 cpu;
	int i, at;

	ASSERT_TRUE(exited_off(vm)) TH_LOG("%s", gh_end_str(vm));
	at = 0;
	for (i = 1; i < n; i++) {
		at = log_find(vm, at, TESTDEV_CPU_ON, true);
		ASSERT_GE(at, 0) TH_LOG("no CPU_ON report for vCPU %d", i);
		EXPECT_EQ(vm->mmio_log[at].data, (__u64)i << 32)
			TH_LOG("CPU_ON(%d) returned %d", i, (int)vm->mmio_log[at].data);
		at++;
	}
	/*
	 * One more: a vCPU that does not exist (a valid MPIDR). The real
	 * hypervisor answers INTERNAL_FAILURE (-6), not INVALID_PARAMETERS.
	 */
	at = log_find(vm, at, TESTDEV_CPU_ON, true);
	ASSERT_GE(at, 0);
	EXPECT_EQ(vm->mmio_log[at].data, ((__u64)n << 32) | (__u32)-6)
		TH_LOG("CPU_ON(%d) of a missing vCPU returned %d (want INTERNAL_FAILURE, -6)",
		       n, (int)vm->mmio_log[at].data);

	for (i = 1; i < n; i++) {
		int found = 0;

		for (at = 0; at < vm->mmio_count; at++) {
			struct gh_mmio_rec *r = &vm->mmio_log[at];

			if (r->addr != GUEST_TESTDEV_BASE + TESTDEV_CPU_ALIVE ||
			    r->data >> 32 != (__u64)i)
				continue;
			found++;
			cpu = r->data & 0xffffff;
			EXPECT_EQ(cpu, (__u64)i)
				TH_LOG("vCPU %d: MPIDR affinity %#llx", i,
				       (unsigned long long)cpu);
			EXPECT_EQ(r->vcpu, i) TH_LOG("vCPU %d ran on the thread of vCPU %d",
						     i, r->vcpu);
		}
		EXPECT_EQ(found, 1) TH_LOG("vCPU %d checked in %d times", i, found);
	}
	at = log_find(vm, 0, TESTDEV_CPU_COUNT, true);
	ASSERT_GE(at, 0);
	EXPECT_EQ(vm->mmio_log[at].data, (__u64)n);
}

TEST_F_TIMEOUT(guest, smp_2, 60)
{
	char why[WHY_LEN];
	int r;

	r = boot_run(_metadata, self, "smp", GUEST_MEM, GH_MEM_SHARE, 2, why);
	if (r > 0)
		SKIP(return, "%s", why);
	ASSERT_EQ(r, 0) TH_LOG("%s", why);
	smp_test(_metadata, &self->vm, 2);
}

TEST_F_TIMEOUT(guest, smp_4_lent, 60)
{
	char why[WHY_LEN];
	int r;

	r = boot_run(_metadata, self, "smp", GUEST_MEM, GH_MEM_LEND, 4, why);
	if (r > 0)
		SKIP(return, "%s", why);
	ASSERT_EQ(r, 0) TH_LOG("%s", why);
	smp_test(_metadata, &self->vm, 4);
}

/* ---- teardown ---- */

/* A counter of the driver in /sys/class/misc/gunyah, or -1. */
static long drv_counter(const char *name)
{
	char path[128];
	long val = -1;
	FILE *f;

	snprintf(path, sizeof(path), "/sys/class/misc/gunyah/%s", name);
	f = fopen(path, "r");
	if (!f)
		return -1;
	if (fscanf(f, "%ld", &val) != 1)
		val = -1;
	fclose(f);
	return val;
}

/* Wait up to 5 s for a driver counter to come back to @want. */
static long drv_counter_wait(const char *name, long want)
{
	long v = drv_counter(name);
	int i;

	for (i = 0; i < 50 && v != want; i++) {
		usleep(100 * 1000);
		v = drv_counter(name);
	}
	return v;
}

/*
 * Stop a running VM (a started vCPU and one never powered on) and close its
 * files in several orders: each time every page is unpinned, the VM freed and
 * the lent memory back with the host, zeroed.
 */
TEST_F_TIMEOUT(guest, close_any_order, 120)
{
	long pinned = drv_counter("pinned_pages"), vms = drv_counter("vms");
	char why[WHY_LEN];
	int order, r, i;

	for (order = 0; order < 3; order++) {
		struct test_ctx ctx = { .ready_fd = -1, .stop_on_heartbeat = true };
		struct gh_vm *vm = &self->vm;
		struct probe pr;

		r = boot(vm, &ctx, "spin", GUEST_MEM, GH_MEM_LEND, 2, why, WHY_LEN);
		self->booted = true;
		if (r > 0)
			SKIP(return, "%s", why);
		ASSERT_EQ(r, 0) TH_LOG("%s", why);
		ASSERT_EQ(gh_vm_run(vm, RUN_TIMEOUT_MS), GH_END_STOPPED)
			TH_LOG("order %d: %s", order, gh_end_str(vm));

		switch (order) {
		case 0:		/* the VM first, then the vCPUs, run pages last */
			close(vm->vm_fd);
			vm->vm_fd = -1;
			for (i = 0; i < vm->nr_vcpus; i++) {
				close(vm->vcpu_fd[i]);
				vm->vcpu_fd[i] = -1;
			}
			break;
		case 1:		/* the vCPUs first, with their run pages */
			for (i = 0; i < vm->nr_vcpus; i++) {
				munmap(vm->run[i], vm->run_size);
				vm->run[i] = NULL;
				close(vm->vcpu_fd[i]);
				vm->vcpu_fd[i] = -1;
			}
			break;
		default:	/* /dev/gunyah first, then the rest */
			close(vm->dev_fd);
			vm->dev_fd = -1;
			break;
		}
		gh_vm_destroy(vm);

		if (pinned >= 0) {
			EXPECT_EQ(drv_counter_wait("pinned_pages", pinned), pinned)
				TH_LOG("order %d", order);
			EXPECT_EQ(drv_counter_wait("vms", vms), vms) TH_LOG("order %d", order);
		}
		for (i = 0; i < 50; i++) {
			r = probe_mem(vm->mem, vm->mem_size / 8, &pr);
			if (r != PROBE_SIGNAL)
				break;
			usleep(100 * 1000);
		}
		EXPECT_EQ(r, PROBE_READ) TH_LOG("order %d: lent memory not back", order);
		EXPECT_EQ(pr.nonzero, 0) TH_LOG("order %d: not zeroed", order);
		gh_vm_free_mem(vm);
		self->booted = false;
	}
}

/* ---- killing the VMM ---- */

static long mem_stat(const char *key)
{
	char line[256];
	size_t klen = strlen(key);
	long val = -1;
	FILE *f;

	f = fopen("/proc/meminfo", "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		if (!strncmp(line, key, klen) && line[klen] == ':') {
			val = strtol(line + klen + 1, NULL, 10) * 1024;
			break;
		}
	}
	fclose(f);
	return val;
}

/* How many VMs can exist at once (up to VM_COUNT_CAP). */
static int vm_capacity(void)
{
	int fds[VM_COUNT_CAP], dev, n, i;

	dev = open(GUNYAH_DEV, O_RDWR | O_CLOEXEC);
	if (dev < 0)
		return -1;
	for (n = 0; n < VM_COUNT_CAP; n++) {
		fds[n] = ioctl(dev, GH_CREATE_VM, 0);
		if (fds[n] < 0)
			break;
	}
	for (i = 0; i < n; i++)
		close(fds[i]);
	close(dev);
	return n;
}

/* Child: run the spin payload forever; 'R' on the pipe once it runs. */
static void kill_child(int fd, enum gh_mem_mode mode, size_t mem)
{
	struct test_ctx ctx = { .ready_fd = fd };
	struct gh_vm vm;
	char why[WHY_LEN];
	int r;

	r = boot(&vm, &ctx, "spin", mem, mode, 1, why, WHY_LEN);
	if (r) {
		dprintf(fd, "%c%s", r > 0 ? 'S' : 'F', why);
		_exit(1);
	}
	run(&vm, why, sizeof(why));
	dprintf(fd, "F%s", why);
	_exit(1);
}

/* SIGKILL a VMM with a running VM: no pinned page and no VMID leaks. */
TEST_F_TIMEOUT(guest, kill_vmm_no_leak, 180)
{
	long free_before, free_after = 0, pinned_before, leaked_before, vms_before;
	int cap_before, cap_after, round, i, r;
	char why[WHY_LEN];

	cap_before = vm_capacity();
	free_before = mem_stat("MemFree");
	ASSERT_GT(free_before, 0);
	pinned_before = drv_counter("pinned_pages");
	leaked_before = drv_counter("leaked_pages");
	vms_before = drv_counter("vms");

	for (round = 0; round < KILL_ROUNDS; round++) {
		struct pollfd pfd;
		char msg[300] = "";
		int p[2], status;
		ssize_t n;
		pid_t pid;

		ASSERT_EQ(pipe(p), 0);
		pid = fork();
		ASSERT_GE(pid, 0);
		if (!pid) {
			close(p[0]);
			kill_child(p[1], round & 1 ? GH_MEM_SHARE : GH_MEM_LEND,
				   round & 1 ? GUEST_MEM : KILL_MEM);
		}
		close(p[1]);
		pfd.fd = p[0];
		pfd.events = POLLIN;
		n = 0;
		if (poll(&pfd, 1, RUN_TIMEOUT_MS) == 1)
			n = read(p[0], msg, sizeof(msg) - 1);
		close(p[0]);
		msg[n > 0 ? n : 0] = '\0';
		kill(pid, SIGKILL);
		ASSERT_EQ(waitpid(pid, &status, 0), pid);
		if (msg[0] == 'S')
			SKIP(return, "%s", msg + 1);
		ASSERT_EQ(msg[0], 'R') TH_LOG("round %d: VM did not run: %s", round,
					      n > 0 ? msg + 1 : "timeout");
	}

	/* Teardown may finish after the VMM is gone: give it time. */
	for (i = 0; i < 100; i++) {
		free_after = mem_stat("MemFree");
		if (free_before - free_after <= (long)LEAK_SLACK &&
		    drv_counter("pinned_pages") == pinned_before &&
		    drv_counter("vms") == vms_before)
			break;
		usleep(100 * 1000);
	}
	if (pinned_before >= 0) {
		TH_LOG("pinned_pages %ld -> %ld, leaked_pages %ld -> %ld, vms %ld -> %ld",
		       pinned_before, drv_counter("pinned_pages"), leaked_before,
		       drv_counter("leaked_pages"), vms_before, drv_counter("vms"));
		EXPECT_EQ(drv_counter("pinned_pages"), pinned_before);
		EXPECT_EQ(drv_counter("leaked_pages"), leaked_before);
		EXPECT_EQ(drv_counter("vms"), vms_before);
	} else {
		TH_LOG("no driver counters in /sys/class/misc/gunyah: MemFree only");
	}
	TH_LOG("MemFree before %ld KiB, after %d killed VMMs: %ld KiB",
	       free_before / 1024, KILL_ROUNDS, free_after / 1024);
	/* Without the driver's exact counters, MemFree is all there is. */
	if (pinned_before < 0)
		EXPECT_GE(free_after + (long)LEAK_SLACK, free_before)
			TH_LOG("%ld KiB of memory lost", (free_before - free_after) / 1024);

	cap_after = vm_capacity();
	TH_LOG("VMs at once: %d before, %d after", cap_before, cap_after);
	EXPECT_EQ(cap_after, cap_before);

	/* and a VM still runs */
	r = boot(&self->vm, &self->ctx, "hello", GUEST_MEM, GH_MEM_LEND, 1,
		 why, WHY_LEN);
	self->booted = true;
	ASSERT_EQ(r, 0) TH_LOG("%s", why);
	run(&self->vm, why, sizeof(why));
	EXPECT_TRUE(exited_off(&self->vm)) TH_LOG("%s", why);
}

/* ---- a VM that powers off under running vCPUs ---- */

#define STOP_VCPUS	4
#define KICK_SIGNAL	SIGUSR2

struct stop_vcpu {
	struct gh_vm *vm;
	int idx;
	int stop;		/* atomic: set by the main thread */
	int err;		/* errno of a failed GH_VCPU_RUN, or 0 */
	bool exited;		/* got GUNYAH_VCPU_EXIT_STATUS */
	bool timed_out;
	__u32 status;
	__u16 type;
	__u64 cpu_count;	/* TESTDEV_CPU_COUNT, from vCPU 0 */
	__u64 cpu_on;		/* the last TESTDEV_CPU_ON */
	unsigned long mmio;
};

static void kick(int sig)
{
	(void)sig;
}

/* GH_VCPU_RUN until the exit, an error or ->stop; MMIO answered with 0. */
static void *stop_vcpu_thread(void *p)
{
	struct stop_vcpu *s = p;
	struct gunyah_vcpu_run *run = s->vm->run[s->idx];
	int fd = s->vm->vcpu_fd[s->idx];
	__u64 data;

	while (!__atomic_load_n(&s->stop, __ATOMIC_ACQUIRE)) {
		if (ioctl(fd, GH_VCPU_RUN, 0) < 0) {
			if (errno == EINTR || errno == EAGAIN)
				continue;
			s->err = errno;
			break;
		}
		if (run->exit_reason == GUNYAH_VCPU_EXIT_STATUS) {
			s->exited = true;
			s->status = run->status.status;
			s->type = run->status.exit_info.type;
			break;
		}
		if (run->exit_reason != GUNYAH_VCPU_EXIT_MMIO)
			continue;
		s->mmio++;
		data = 0;
		memcpy(&data, run->mmio.data, run->mmio.len > 8 ? 8 : run->mmio.len);
		if (run->mmio.is_write &&
		    run->mmio.phys_addr == GUEST_TESTDEV_BASE + TESTDEV_CPU_COUNT)
			s->cpu_count = data;
		if (run->mmio.is_write &&
		    run->mmio.phys_addr == GUEST_TESTDEV_BASE + TESTDEV_CPU_ON)
			s->cpu_on = data;
		if (!run->mmio.is_write)
			memset(run->mmio.data, 0, sizeof(run->mmio.data));
		run->mmio.resume_action = GUNYAH_VCPU_RESUME_HANDLED;
	}
	return NULL;
}

/*
 * vCPU 0 powers the VM off while vCPUs 1-3 run (the stop payload). The
 * real RM then halts the running vCPUs itself, and a host vcpu_run on them
 * gets BUSY until the VM has exited: each vCPU's GH_VCPU_RUN must report
 * the exit (status EXITED, PSCI SYSTEM_OFF = exit type 1), none EBUSY,
 * none hang. Every vCPU has a thread of its own that only runs it.
 */
TEST_F_TIMEOUT(guest, stop_with_running_vcpus, 90)
{
	struct sigaction sa = { .sa_handler = kick };
	struct stop_vcpu s[STOP_VCPUS];
	pthread_t t[STOP_VCPUS];
	struct timespec ts;
	char why[WHY_LEN];
	int i, r, k;

	r = boot(&self->vm, &self->ctx, "stop", GUEST_MEM, GH_MEM_SHARE, STOP_VCPUS,
		 why, WHY_LEN);
	self->booted = true;
	if (r > 0)
		SKIP(return, "%s", why);
	ASSERT_EQ(r, 0) TH_LOG("%s", why);

	sigemptyset(&sa.sa_mask);
	sigaction(KICK_SIGNAL, &sa, NULL);	/* no SA_RESTART: EINTR */
	memset(s, 0, sizeof(s));
	for (i = 0; i < STOP_VCPUS; i++) {
		s[i].vm = &self->vm;
		s[i].idx = i;
		ASSERT_EQ(pthread_create(&t[i], NULL, stop_vcpu_thread, &s[i]), 0);
	}
	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_sec += RUN_TIMEOUT_MS / 1000;
	for (i = 0; i < STOP_VCPUS; i++) {
		if (!pthread_timedjoin_np(t[i], NULL, &ts))
			continue;
		/* hung: kick it out of GH_VCPU_RUN */
		s[i].timed_out = true;
		__atomic_store_n(&s[i].stop, 1, __ATOMIC_RELEASE);
		self->vm.run[i]->immediate_exit = 1;
		for (k = 0; k < 100; k++) {
			struct timespec tk;

			pthread_kill(t[i], KICK_SIGNAL);
			clock_gettime(CLOCK_REALTIME, &tk);
			tk.tv_nsec += 50 * 1000 * 1000;
			if (tk.tv_nsec >= 1000000000) {
				tk.tv_sec++;
				tk.tv_nsec -= 1000000000;
			}
			if (!pthread_timedjoin_np(t[i], NULL, &tk))
				break;
		}
		if (k == 100)
			pthread_detach(t[i]);
	}

	EXPECT_EQ(s[0].cpu_count, STOP_VCPUS) TH_LOG("vCPUs that checked in");
	/* PSCI CPU_ON of the first vCPU that does not exist: INTERNAL_FAILURE */
	EXPECT_EQ(s[0].cpu_on, ((__u64)STOP_VCPUS << 32) | (__u32)-6)
		TH_LOG("CPU_ON(%d) of a missing vCPU returned %d", STOP_VCPUS,
		       (int)s[0].cpu_on);
	for (i = 0; i < STOP_VCPUS; i++) {
		TH_LOG("vCPU %d: %s%s%s, status %u, exit type %u, %lu MMIO exits", i,
		       s[i].exited ? "exit reported" : "no exit",
		       s[i].err ? ", GH_VCPU_RUN: " : "",
		       s[i].err ? strerror(s[i].err) : "",
		       s[i].status, s[i].type, s[i].mmio);
		EXPECT_FALSE(s[i].timed_out)
			TH_LOG("vCPU %d: GH_VCPU_RUN never returned the exit", i);
		EXPECT_EQ(s[i].err, 0) TH_LOG("vCPU %d: GH_VCPU_RUN failed for a stopping VM: %s",
					      i, strerror(s[i].err));
		EXPECT_TRUE(s[i].exited) TH_LOG("vCPU %d", i);
		EXPECT_EQ(s[i].status, GUNYAH_VM_STATUS_EXITED) TH_LOG("vCPU %d", i);
		EXPECT_EQ(s[i].type, 1) TH_LOG("vCPU %d: exit type (PSCI SYSTEM_OFF is 1)", i);
	}
}

/* ---- shared windows in /reserved-memory ---- */

#define SHM_SIZE	(64 * 1024UL)

/*
 * The window's node in /reserved-memory, with or without qcom,label, alone
 * or with the shm vdevice (as QEMU and the VMM write it), of physically
 * consecutive pages or of pages in descending physical order.
 */
enum shm_kind {
	SHM_LABELLED,		/* label, no vdevice, contiguous */
	SHM_UNLABELLED,		/* no label, no vdevice, contiguous */
	SHM_FRAGMENTED,		/* label, no vdevice, fragmented */
	SHM_VDEV_FRAGMENTED,	/* label and vdevice, fragmented */
};

struct pfn_page {
	__u64 pfn;
	size_t idx;
};

static int cmp_pfn_desc(const void *a, const void *b)
{
	const struct pfn_page *x = a, *y = b;

	return x->pfn < y->pfn ? 1 : x->pfn > y->pfn ? -1 : 0;
}

/*
 * @n anonymous pages moved (mremap keeps the frame) into one mapping in
 * descending physical order: no two neighbours are physically adjacent,
 * so the parcel has one range per page. NULL if the frame numbers are
 * not readable (not root).
 */
static void *fragmented_window(size_t n)
{
	size_t i, pool_n = 2 * n, pg = getpagesize();
	struct pfn_page *p;
	char *pool, *win = NULL;

	pool = mmap(NULL, pool_n * pg, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
	if (pool == MAP_FAILED)
		return NULL;
	p = calloc(pool_n, sizeof(*p));
	if (!p)
		goto out;
	for (i = 0; i < pool_n; i++) {
		p[i].pfn = gh_virt_to_pfn(pool + i * pg);
		p[i].idx = i;
		if (!p[i].pfn)
			goto out;
	}
	qsort(p, pool_n, sizeof(*p), cmp_pfn_desc);
	win = mmap(NULL, n * pg, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (win == MAP_FAILED) {
		win = NULL;
		goto out;
	}
	for (i = 0; i < n; i++) {
		if (mremap(pool + p[i].idx * pg, pg, pg, MREMAP_MAYMOVE | MREMAP_FIXED,
			   win + i * pg) == MAP_FAILED) {
			munmap(win, n * pg);
			win = NULL;
			break;
		}
	}
out:
	munmap(pool, pool_n * pg);
	free(p);
	return win;
}

/*
 * hello with lent RAM and a SHM_SIZE shared window after it (label 1, a
 * restricted-dma-pool node in /reserved-memory): 0 when the VM started,
 * -errno of the failed step (vm->err_what), or 1 when the window cannot
 * be had as @kind needs it (skip).
 */
static int boot_shm(struct gh_vm *vm, struct test_ctx *ctx, enum shm_kind kind,
		    char *why)
{
	bool fragmented = kind == SHM_FRAGMENTED || kind == SHM_VDEV_FRAGMENTED;
	size_t len = 0;
	void *image;
	int ret;

	image = gh_test_load_payload("hello", &len);
	if (!image) {
		snprintf(why, WHY_LEN, "payload hello.bin not found");
		return -ENOENT;
	}
	ret = gh_vm_create(vm, GUNYAH_DEV);
	vm->mmio_fn = testdev_mmio;
	vm->opaque = ctx;
	if (!ret)
		ret = gh_vm_alloc_mem(vm, GUEST_MEM);
	if (!ret)
		ret = gh_vm_load_blob(vm, image, len);
	free(image);
	if (!ret && fragmented) {
		vm->shm = fragmented_window(SHM_SIZE / getpagesize());
		if (!vm->shm || gh_phys_contiguous(vm->shm, SHM_SIZE) != 0) {
			snprintf(why, WHY_LEN,
				 "no fragmented window (page frame numbers need root)");
			return 1;
		}
		vm->shm_size = SHM_SIZE;
		vm->shm_map_size = SHM_SIZE;
		vm->shm_contiguous = 0;
	} else if (!ret) {
		ret = gh_vm_alloc_shm(vm, SHM_SIZE);
		if (!ret && vm->shm_contiguous != 1) {
			snprintf(why, WHY_LEN, "no physically contiguous window (%s)",
				 vm->shm_contiguous ? "frame numbers need root" :
				 "no run of free pages");
			return 1;
		}
	}
	vm->shm_no_label = kind == SHM_UNLABELLED;
	vm->shm_no_vdevice = kind != SHM_VDEV_FRAGMENTED;
	if (!ret)
		ret = gh_vm_setup_dtb(vm, 1, "gunyah-selftest");
	if (!ret)
		ret = gh_vm_map_mem(vm, GH_MEM_LEND, 0);
	if (!ret)
		ret = gh_vm_map_shm(vm, vm->shm_label);
	if (!ret)
		ret = gh_vm_set_dtb_config(vm);
	if (!ret)
		ret = gh_vm_add_vcpus(vm, 1);
	if (!ret)
		ret = gh_vm_start(vm);
	if (ret)
		snprintf(why, WHY_LEN, "%s: %s", vm->err_what, strerror(-ret));
	return ret;
}

/*
 * A window the real RM must accept: the VM starts and runs.
 */
static void shm_accepted(struct __test_metadata *_metadata, struct _test_data_guest *self,
			 enum shm_kind kind)
{
	char why[WHY_LEN];
	int r;

	r = boot_shm(&self->vm, &self->ctx, kind, why);
	self->booted = true;
	if (r > 0)
		SKIP(return, "%s", why);
	ASSERT_EQ(r, 0) TH_LOG("%s", why);
	run(&self->vm, why, WHY_LEN);
	ASSERT_TRUE(exited_off(&self->vm)) TH_LOG("%s", why);
}

/*
 * A window the real RM refuses: VM_START fails with EINVAL. The real RM's
 * reply to a VM_START whose resources it could not set up is NORESOURCE
 * whatever went wrong (vm_mgnt.c), which the driver reports as a refused
 * configuration, EINVAL (not ENOSPC: no resource ran out); an RM that told
 * the cause (the stub without rm_quirk_start_noresource) would say @cause
 * (ARGUMENT_INVALID for a failed accept: EINVAL; DENIED for no match:
 * EPERM).
 */
static void shm_refused(struct __test_metadata *_metadata, struct _test_data_guest *self,
			enum shm_kind kind, int cause)
{
	char why[WHY_LEN];
	int r;

	r = boot_shm(&self->vm, &self->ctx, kind, why);
	self->booted = true;
	if (r > 0)
		SKIP(return, "%s", why);
	TH_LOG("%s", r ? why : "started");
	ASSERT_LT(r, 0) TH_LOG("the Resource Manager accepted the window");
	EXPECT_STREQ(self->vm.err_what, "GH_VM_START");
	EXPECT_TRUE(r == -EINVAL || r == -cause) TH_LOG("%s", why);
}

/* A physically contiguous window with qcom,label: accepted at its range. */
TEST_F_TIMEOUT(guest, shm_window_labelled, 60)
{
	shm_accepted(_metadata, self, SHM_LABELLED);
}

/*
 * The same window without qcom,label: the real RM matches an unlabelled
 * node only to a parcel already mapped at its range, and nothing mapped
 * this one ("No memparcel matching").
 */
TEST_F_TIMEOUT(guest, shm_window_unlabelled, 60)
{
	shm_refused(_metadata, self, SHM_UNLABELLED, EPERM);
}

/*
 * A labelled window of pages in descending physical order: the RM accepts
 * a parcel at a node's range with one SGL entry, which a parcel of several
 * physical ranges does not pass (MEM_ACCEPT: ARGUMENT_INVALID).
 */
TEST_F_TIMEOUT(guest, shm_window_fragmented, 60)
{
	shm_refused(_metadata, self, SHM_FRAGMENTED, EINVAL);
}

/*
 * The same fragmented window with the shm vdevice QEMU writes for it: the
 * real RM maps the vdevice's parcel at its base IPA-contiguous first, and
 * the labelled node then finds it mapped there: accepted.
 */
TEST_F_TIMEOUT(guest, shm_window_vdevice_fragmented, 60)
{
	shm_accepted(_metadata, self, SHM_VDEV_FRAGMENTED);
}

/* ---- a RESET that comes late ---- */

#define LATE_RESET_MEM	(16 * MIB)

/*
 * The real RM takes seconds to reset a VM with lent memory. With the
 * driver's wait for RESET cut to nothing (reset_timeout_ms = 0), closing a
 * VM with lent memory leaves the rest of the teardown to the RESET
 * notification when it comes: then the parcels are reclaimed, the VMID
 * freed and the pages unpinned. The driver's counters (sysfs vms,
 * pinned_pages) come back to where they were, the lent memory comes back
 * zeroed, and as many VMs as before can be created.
 */
TEST_F_TIMEOUT(guest, late_reset_releases_vmid, 120)
{
	long pinned = drv_counter("pinned_pages"), vms = drv_counter("vms");
	long pinned_now = -1, vms_now = -1;
	int cap_before, cap_after, r, i, fd;
	char why[WHY_LEN];
	struct probe pr;
	ssize_t n;

	fd = open(RESET_TIMEOUT_PARAM, O_RDONLY | O_CLOEXEC);
	ASSERT_GE(fd, 0) TH_LOG(RESET_TIMEOUT_PARAM ": %s (the bounded wait for RESET)",
				strerror(errno));
	n = read(fd, self->reset_timeout, sizeof(self->reset_timeout) - 1);
	close(fd);
	ASSERT_GT(n, 0);
	self->reset_timeout[n] = '\0';
	ASSERT_GE(vms, 0) TH_LOG("no sysfs counters in " GH_TEST_SYSFS);
	ASSERT_GE(pinned, 0);
	cap_before = vm_capacity();
	ASSERT_EQ(gh_test_write_str(RESET_TIMEOUT_PARAM, "0"), 0);

	r = boot(&self->vm, &self->ctx, "hello", LATE_RESET_MEM, GH_MEM_LEND, 1,
		 why, WHY_LEN);
	self->booted = true;
	if (r > 0)
		SKIP(return, "%s", why);
	ASSERT_EQ(r, 0) TH_LOG("%s", why);
	run(&self->vm, why, WHY_LEN);
	ASSERT_TRUE(exited_off(&self->vm)) TH_LOG("%s", why);
	gh_vm_destroy(&self->vm);
	TH_LOG("right after close: vms %ld -> %ld, pinned_pages %ld -> %ld", vms,
	       drv_counter("vms"), pinned, drv_counter("pinned_pages"));

	for (i = 0; i < 300; i++) {
		vms_now = drv_counter("vms");
		pinned_now = drv_counter("pinned_pages");
		if (vms_now == vms && pinned_now == pinned)
			break;
		usleep(100 * 1000);
	}
	TH_LOG("after %d ms: vms %ld, pinned_pages %ld", i * 100, vms_now, pinned_now);
	EXPECT_EQ(vms_now, vms) TH_LOG("the VM was not freed when RESET came");
	EXPECT_EQ(pinned_now, pinned) TH_LOG("pages still pinned");
	for (i = 0; i < 50; i++) {
		r = probe_mem(self->vm.mem, self->vm.mem_size / 8, &pr);
		if (r != PROBE_SIGNAL)
			break;
		usleep(100 * 1000);
	}
	EXPECT_EQ(r, PROBE_READ) TH_LOG("lent memory not back");
	EXPECT_EQ(pr.nonzero, 0) TH_LOG("lent memory not zeroed");

	ASSERT_EQ(gh_test_write_str(RESET_TIMEOUT_PARAM, self->reset_timeout), 0);
	self->reset_timeout[0] = '\0';
	cap_after = vm_capacity();
	TH_LOG("VMs at once: %d before, %d after", cap_before, cap_after);
	EXPECT_EQ(cap_after, cap_before) TH_LOG("a VMID was not released");
}

TEST_HARNESS_MAIN
