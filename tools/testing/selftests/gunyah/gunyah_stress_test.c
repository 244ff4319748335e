// SPDX-License-Identifier: GPL-2.0-only
/*
 * Stress tests of /dev/gunyah: bounded in time and count.
 *
 * kill_vmms: several VMM processes create, run and destroy VMs in a loop,
 * with shared and lent memory (a large region lent while the VM runs), and
 * the parent SIGKILLs them at random points (any time, mid-lend, mid-run)
 * and respawns them. The guest memory is a memfd that the parent owns:
 * after a VMM died, every page that was lent must read back zero (the RM
 * sanitizes lent memory at reclaim) and reading it must not fault.
 *
 * race_remove_close: vCPU threads in GH_VCPU_RUN while other threads remove
 * the vCPU function (both UAPI names), close the vCPU and VM files and
 * signal the runners, in random orders.
 *
 * Afterwards: the driver's counters (debugfs gunyah/vm_stats, or the
 * /sys/class/misc/gunyah counters), the FOLL_PIN counters of /proc/vmstat
 * and MemFree are back to their baselines, every child was reaped in time
 * and no task of ours is stuck in D state.
 *
 * Environment: GUNYAH_STRESS_SEED (PRNG seed, printed), GUNYAH_STRESS_SECONDS
 * (the time budget of both tests, default STRESS_SECONDS: two thirds for
 * kill_vmms), GUNYAH_STRESS_MEMFREE_KB (the MemFree margin),
 * GUNYAH_STRESS_VERBOSE (trace the VMMs on stderr).
 */

#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <linux/gunyah.h>

#include "../kselftest_harness.h"
#include "gunyah_vmm_lib.h"
#include "gunyah_test_util.h"

#define STRESS_SECONDS		10	/* both tests, under TCG with KASAN */
#define STRESS_MAX_KILLS	400	/* count bound of kill_vmms */
#define STRESS_MAX_ROUNDS	400	/* count bound of race_remove_close */
#define NR_VMMS			3
#define MIN_STARTED		3	/* VMs started, however slow the machine */
#define REAP_TIMEOUT_MS		30000	/* a killed VMM must be gone by then */
#define SETTLE_TIMEOUT_MS	10000	/* counters back to their baselines */
#define MEMFREE_MARGIN_KB	4096
#define STRESS_TIMEOUT		300	/* the harness's; the budget is above */

/* Guest memory of one VMM: three regions in one slot of the memfd */
#define BOOT_SIZE		0x80000UL	/* payload + DTB, shared or lent */
#define EXTRA_SIZE		0x40000UL	/* shared or lent, unused by the guest */
#define BIG_SIZE		0x400000UL	/* lent, mostly after start */
#define SLOT_SIZE		(BOOT_SIZE + EXTRA_SIZE + BIG_SIZE)
#define NR_REGIONS		3
#define EXTRA_IPA		(GH_GUEST_RAM_BASE + 0x8000000ULL)
#define BIG_IPA			(GH_GUEST_RAM_BASE + 0x10000000ULL)

#define PAGE			4096UL
#define PATTERN(off)		(0x5354524553535eedULL ^ (unsigned long long)(off))

static const size_t region_off[NR_REGIONS] = {
	0, BOOT_SIZE, BOOT_SIZE + EXTRA_SIZE,
};

static const size_t region_size[NR_REGIONS] = {
	BOOT_SIZE, EXTRA_SIZE, BIG_SIZE,
};

static const __u64 region_ipa[NR_REGIONS] = {
	GH_GUEST_RAM_BASE, EXTRA_IPA, BIG_IPA,
};

/* ---- the seed of the PRNG (gunyah_test_util.h), and the budgets ---- */

static __u64 stress_seed(void)
{
	const char *env = getenv("GUNYAH_STRESS_SEED");
	struct timespec ts;

	if (env && *env)
		return strtoull(env, NULL, 0);
	clock_gettime(CLOCK_REALTIME, &ts);
	return ((__u64)ts.tv_sec << 20) ^ ts.tv_nsec ^ getpid();
}

/* The time budget of a test, in ms: @share thirds of the total. */
static long stress_budget_ms(int share)
{
	const char *env = getenv("GUNYAH_STRESS_SECONDS");
	int s = env ? atoi(env) : 0;

	return (s > 0 ? s : STRESS_SECONDS) * 1000L * share / 3;
}

static long memfree_margin_kb(void)
{
	const char *env = getenv("GUNYAH_STRESS_MEMFREE_KB");

	return env && *env ? atol(env) : MEMFREE_MARGIN_KB;
}

static bool verbose;

#define trace(fmt, ...) do {						\
	if (verbose)							\
		fprintf(stderr, "# [%ld %d] " fmt "\n", gh_test_now_ms() % 100000,	\
			getpid(), ##__VA_ARGS__);			\
} while (0)

/* ---- leak accounting ---- */

static void stats_str(const struct gh_test_stats *st, char *buf, size_t len)
{
	int i;

	buf[0] = '\0';
	for (i = 0; i < GH_NR_ST; i++)
		if (st->v[i] >= 0)
			snprintf(buf + strlen(buf), len - strlen(buf), "%s%s %ld",
				 buf[0] ? ", " : "", gh_test_st_name[i], st->v[i]);
}

/*
 * Free what the kernel can give back cheaply, then read MemFree. Shrinking
 * the slab caches also empties KASAN's quarantine of their objects.
 */
static long settled_memfree(bool drop)
{
	char path[300];
	struct dirent *d;
	DIR *dir;

	if (drop) {
		sync();
		gh_test_write_str("/proc/sys/vm/drop_caches", "3");
		dir = opendir("/sys/kernel/slab");
		while (dir && (d = readdir(dir))) {
			if (d->d_name[0] == '.' || d->d_type == DT_LNK)
				continue;
			snprintf(path, sizeof(path), "/sys/kernel/slab/%s/shrink",
				 d->d_name);
			gh_test_write_str(path, "1");
		}
		if (dir)
			closedir(dir);
		usleep(100000);
	}
	return gh_test_read_keyed("/proc/meminfo", "MemFree");
}

/*
 * Wait until the counters are back to @base; MemFree within the margin.
 * Returns the number of counters still off (described in @why).
 */
static int wait_baseline(const struct gh_test_stats *base, struct gh_test_stats *now,
			 char *why, size_t len)
{
	long deadline = gh_test_now_ms() + SETTLE_TIMEOUT_MS;
	bool dropped = false;
	int off;

	for (;;) {
		gh_test_read_stats(now);
		off = gh_test_stats_diff(base, now, why, len);
		if (!off) {
			now->memfree_kb = settled_memfree(!dropped);
			dropped = true;
			if (base->memfree_kb < 0 ||
			    now->memfree_kb >= base->memfree_kb -
					       memfree_margin_kb())
				return 0;
		}
		if (gh_test_now_ms() > deadline)
			break;
		usleep(200000);
	}
	if (!off && now->memfree_kb >= 0)
		snprintf(why, len, " MemFree %ld -> %ld KiB (margin %ld KiB)",
			 base->memfree_kb, now->memfree_kb,
			 memfree_margin_kb());
	return off ? off : 1;
}

/* Tasks of ours (this test's comm) in uninterruptible sleep. */
static int stuck_tasks(char *buf, size_t len)
{
	char path[300], stat[512], comm[32];
	struct dirent *d;
	int n = 0, fd;
	ssize_t r;
	DIR *dir;

	buf[0] = '\0';
	fd = open("/proc/self/comm", O_RDONLY | O_CLOEXEC);
	r = fd >= 0 ? read(fd, comm, sizeof(comm) - 1) : -1;
	if (fd >= 0)
		close(fd);
	if (r <= 0)
		return 0;
	comm[r - 1] = '\0';

	dir = opendir("/proc");
	if (!dir)
		return 0;
	while ((d = readdir(dir))) {
		char *p, *q;

		if (d->d_name[0] < '1' || d->d_name[0] > '9')
			continue;
		snprintf(path, sizeof(path), "/proc/%s/stat", d->d_name);
		fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			continue;
		r = read(fd, stat, sizeof(stat) - 1);
		close(fd);
		if (r <= 0)
			continue;
		stat[r] = '\0';
		p = strchr(stat, '(');
		q = strrchr(stat, ')');
		if (!p || !q || q[1] != ' ')
			continue;
		*q = '\0';
		if (q[2] != 'D' || strcmp(p + 1, comm))
			continue;
		n++;
		snprintf(buf + strlen(buf), len - strlen(buf), " %s", d->d_name);
	}
	closedir(dir);
	return n;
}

/* ---- reading memory that may fault (a lent page the host lost) ---- */

static sigjmp_buf fault_jmp;
static int fault_armed;	/* set around the reads, by one thread */

static void on_fault(int sig)
{
	if (__atomic_load_n(&fault_armed, __ATOMIC_SEQ_CST))
		siglongjmp(fault_jmp, 1);
	signal(sig, SIG_DFL);
	raise(sig);
}

static void catch_faults(void)
{
	struct sigaction sa = { .sa_handler = on_fault };

	sigemptyset(&sa.sa_mask);
	sigaction(SIGBUS, &sa, NULL);
	sigaction(SIGSEGV, &sa, NULL);
}

/* PG_TORN: every word zero or the pattern, both present (a refill cut short) */
enum page_kind { PG_ZERO, PG_PATTERN, PG_TORN, PG_OTHER, PG_FAULT };

/* @p is at offset @off of the memfd. */
static enum page_kind page_kind(const __u64 *p, size_t off)
{
	bool zero = true, pattern = true, torn = true;
	size_t i;

	__atomic_store_n(&fault_armed, 1, __ATOMIC_SEQ_CST);
	if (sigsetjmp(fault_jmp, 1)) {
		__atomic_store_n(&fault_armed, 0, __ATOMIC_SEQ_CST);
		return PG_FAULT;
	}
	for (i = 0; i < PAGE / 8 && (zero || pattern || torn); i++) {
		__u64 v = __atomic_load_n(&p[i], __ATOMIC_RELAXED);
		bool is_pattern = v == PATTERN(off + i * 8);

		zero &= !v;
		pattern &= is_pattern;
		torn &= !v || is_pattern;
	}
	__atomic_store_n(&fault_armed, 0, __ATOMIC_SEQ_CST);
	return zero ? PG_ZERO : pattern ? PG_PATTERN : torn ? PG_TORN : PG_OTHER;
}

static void fill_pattern(void *mem, size_t off, size_t size)
{
	__u64 *p = mem;
	size_t i;

	for (i = 0; i < size / 8; i++)
		p[i] = PATTERN(off + i * 8);
}

FIXTURE(stress) {
	int unused;
};

FIXTURE_SETUP(stress)
{
	if (gh_test_no_gunyah() == 1)
		SKIP(return, GUNYAH_DEV " not present: not running on Gunyah");
}

FIXTURE_TEARDOWN(stress)
{
}

/* ---- kill_vmms: the VMM processes ---- */

/* What a VMM did and does, in memory shared with the parent. */
struct slot {
	/* a VMM's current VM */
	int lent[NR_REGIONS];		/* region configured as lent */
	int given[NR_REGIONS];		/* region surely given to the RM */
	int lending;			/* in LEND to the running VM */
	int running;			/* vCPUs in GH_VCPU_RUN */
	int in_vm;			/* between create and destroy */
	int refilling;			/* region + 1 whose pattern is being rewritten */
	/* totals over the slot's VMMs */
	unsigned long vms, started, lends, reclaims, runs, exits;
	unsigned long errors;
	char err[160];
};

struct vmm_ctx {
	struct slot *slot;
	char *mem;			/* the slot's memory */
	size_t mem_off;			/* its offset in the memfd */
	const void *spin, *hello;
	size_t spin_len, hello_len;
	__u64 seed;
	bool dirty[NR_REGIONS];		/* not the pattern any more */
	int idx;			/* the slot's */
	struct gh_vm vm;
};

static void vmm_error(struct vmm_ctx *c, const char *what, int err)
{
	struct slot *s = c->slot;

	__atomic_add_fetch(&s->errors, 1, __ATOMIC_SEQ_CST);
	snprintf(s->err, sizeof(s->err), "%s: %s", what, strerror(err));
}

static int set_region(int vm_fd, int r, bool lend, char *host)
{
	struct gunyah_userspace_memory_region region = {
		.label = r,
		.flags = GH_MEM_ALLOW_READ | GH_MEM_ALLOW_WRITE |
			 GH_MEM_ALLOW_EXEC,
		.guest_phys_addr = region_ipa[r],
		.memory_size = region_size[r],
		.userspace_addr = (unsigned long)host,
	};

	return ioctl(vm_fd, lend ? GH_VM_ANDROID_LEND_USER_MEM :
				   GH_VM_SET_USER_MEM_REGION, &region);
}

static void *lender(void *p)
{
	struct vmm_ctx *c = p;
	struct slot *s = c->slot;
	const int r = 2;

	trace("lending");
	__atomic_store_n(&s->lending, 1, __ATOMIC_SEQ_CST);
	if (set_region(c->vm.vm_fd, r, true, c->mem + region_off[r])) {
		vmm_error(c, "LEND to the running VM", errno);
	} else {
		__atomic_store_n(&s->given[r], 1, __ATOMIC_SEQ_CST);
		__atomic_add_fetch(&s->lends, 1, __ATOMIC_SEQ_CST);
	}
	__atomic_store_n(&s->lending, 0, __ATOMIC_SEQ_CST);
	trace("lent");
	return NULL;
}

/*
 * After the VM gave region @r back: a lent region reads zero, the shared
 * one the guest does not use keeps the pattern.
 */
static void vmm_check_region(struct vmm_ctx *c, int r)
{
	struct slot *s = c->slot;
	size_t off;

	if (!s->given[r] || (!s->lent[r] && r != 1))
		return;
	for (off = 0; off < region_size[r]; off += PAGE) {
		size_t o = region_off[r] + off;
		enum page_kind k;

		k = page_kind((void *)(c->mem + o), c->mem_off + o);
		if (k == (s->lent[r] ? PG_ZERO : PG_PATTERN))
			continue;
		__atomic_add_fetch(&s->errors, 1, __ATOMIC_SEQ_CST);
		snprintf(s->err, sizeof(s->err),
			 "region %d (%s) page at %#zx: %s after the VM gave it back",
			 r, s->lent[r] ? "lent" : "shared", off,
			 k == PG_FAULT ? "faults" : "not as expected");
		return;
	}
}

static void vmm_one_vm(struct vmm_ctx *c)
{
	struct slot *s = c->slot;
	struct gh_vm *vm = &c->vm;
	bool spin = gh_test_rnd(&c->seed, 10) < 7;
	bool big_first = gh_test_rnd(&c->seed, 4) == 0;
	int nr_vcpus = 1 + gh_test_rnd(&c->seed, 2), r;
	bool lent[NR_REGIONS] = {
		gh_test_rnd(&c->seed, 2), gh_test_rnd(&c->seed, 2), true,
	};
	pthread_t lend_thread;
	bool lending = false;
	enum gh_run_end end;

	for (r = 0; r < NR_REGIONS; r++) {
		s->given[r] = 0;
		s->lent[r] = lent[r];
	}
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	trace("VM: %s, %d vCPUs, lent %d%d%d, big lent %s start",
	      spin ? "spin" : "hello", nr_vcpus, lent[0], lent[1], lent[2],
	      big_first ? "before" : "after");
	/* Regions lent before read zero now: the pattern again. */
	for (r = 1; r < NR_REGIONS; r++) {
		if (c->dirty[r]) {
			/* A kill in here leaves a page half zero, half pattern. */
			__atomic_store_n(&s->refilling, r + 1, __ATOMIC_SEQ_CST);
			fill_pattern(c->mem + region_off[r],
				     c->mem_off + region_off[r],
				     region_size[r]);
			__atomic_store_n(&s->refilling, 0, __ATOMIC_SEQ_CST);
		}
		c->dirty[r] = lent[r];
	}
	memset(c->mem, 0, BOOT_SIZE);

	memset(vm, 0, sizeof(*vm));
	s->in_vm = 1;
	if (gh_vm_create(vm, NULL))
		goto fail;
	s->vms++;
	trace("created");
	vm->mem = c->mem;
	vm->mem_size = BOOT_SIZE;
	if (gh_vm_load_blob(vm, spin ? c->spin : c->hello,
			    spin ? c->spin_len : c->hello_len) ||
	    gh_vm_setup_dtb(vm, nr_vcpus, "stress") ||
	    gh_vm_map_mem(vm, lent[0] ? GH_MEM_LEND : GH_MEM_SHARE, 0))
		goto fail;
	if (set_region(vm->vm_fd, 1, lent[1], c->mem + region_off[1])) {
		vm->err = errno;
		vm->err_what = "extra region";
		goto fail;
	}
	if (big_first &&
	    set_region(vm->vm_fd, 2, true, c->mem + region_off[2])) {
		vm->err = errno;
		vm->err_what = "LEND before start";
		goto fail;
	}
	trace("memory");
	if (gh_vm_set_dtb_config(vm) || gh_vm_add_vcpus(vm, nr_vcpus) ||
	    gh_vm_start(vm))
		goto fail;
	trace("started");
	s->given[0] = 1;
	s->given[1] = 1;
	if (big_first)
		s->given[2] = 1;
	s->started++;

	/* The big lend runs while the vCPUs do. */
	if (!big_first)
		lending = !pthread_create(&lend_thread, NULL, lender, c);

	s->running = 1;
	end = gh_vm_run(vm, spin ? 20 + gh_test_rnd(&c->seed, 300) : 5000);
	s->running = 0;
	s->runs++;
	if (lending)
		pthread_join(lend_thread, NULL);
	trace("ran: %s", gh_end_str(vm));
	if (end == GH_END_EXITED)
		s->exits++;
	else if (end == GH_END_ERROR)
		vmm_error(c, vm->err_what, vm->err);
	else if (!spin)
		vmm_error(c, "hello did not exit", ETIMEDOUT);

	/* Sometimes take the big region back while the VM exists. */
	if (s->given[2] && gh_test_rnd(&c->seed, 4) == 0) {
		struct gunyah_address_range range = { BIG_IPA, BIG_SIZE };

		if (ioctl(vm->vm_fd, GH_VM_RECLAIM_REGION, &range)) {
			vmm_error(c, "GH_VM_RECLAIM_REGION", errno);
		} else {
			s->reclaims++;
			vmm_check_region(c, 2);
			s->given[2] = 0;
		}
	}
	gh_vm_destroy(vm);
	trace("destroyed");
	for (r = 0; r < NR_REGIONS; r++)
		vmm_check_region(c, r);
	s->in_vm = 0;
	trace("checked");
	return;
fail:
	vmm_error(c, vm->err_what ? vm->err_what : "?", vm->err);
	gh_vm_destroy(vm);
	s->in_vm = 0;
}

static void vmm_main(struct vmm_ctx *c)
{
	signal(SIGPIPE, SIG_DFL);
	for (;;)
		vmm_one_vm(c);
}

/* ---- kill_vmms: the parent ---- */

struct kill_stats {
	unsigned long kills, kills_lend, kills_run, kills_idle, spawns;
	unsigned long pages_zero, pages_pattern, pages_other, faults;
	unsigned long errors;
};

/*
 * Check a dead VMM's slot: nothing faults; a region surely lent reads zero;
 * a lent one in flight reads zero or the pattern, page by page; the unused
 * shared region keeps the pattern (or zero from a previous lend).
 */
static int check_slot(struct slot *s, char *mem, size_t mem_off,
		      struct kill_stats *ks, char *why, size_t len)
{
	int r, bad = 0;
	size_t off;

	for (r = 0; r < NR_REGIONS; r++) {
		for (off = 0; off < region_size[r]; off += PAGE) {
			size_t o = region_off[r] + off;
			enum page_kind k = page_kind((void *)(mem + o),
						     mem_off + o);

			switch (k) {
			case PG_ZERO:
				ks->pages_zero++;
				break;
			case PG_PATTERN:
				ks->pages_pattern++;
				break;
			case PG_TORN:
				/* only where the dead VMM was refilling */
				if (s->refilling != r + 1)
					k = PG_OTHER;
				ks->pages_other += k == PG_OTHER;
				break;
			case PG_OTHER:
				ks->pages_other++;
				break;
			case PG_FAULT:
				ks->faults++;
				break;
			}
			if (k == PG_FAULT ||
			    (s->lent[r] && s->given[r] && k != PG_ZERO) ||
			    (r && k == PG_OTHER)) {
				if (!bad++)
					snprintf(why, len,
						 "region %d (%s%s) page at %#zx %s",
						 r, s->lent[r] ? "lent" : "shared",
						 s->given[r] ? ", given" : "",
						 off, k == PG_FAULT ? "faults" :
						 k == PG_OTHER ? "is garbage" :
						 "is not zero");
			}
		}
	}
	return bad;
}

static unsigned long total_started(const struct slot *slots)
{
	unsigned long n = 0;
	int i;

	for (i = 0; i < NR_VMMS; i++)
		n += __atomic_load_n(&slots[i].started, __ATOMIC_SEQ_CST);
	return n;
}

/* A new VMM in @c's slot, which starts from the pattern. */
static pid_t spawn_vmm(struct vmm_ctx *c, __u64 *rs)
{
	struct slot *s = c->slot;
	pid_t pid;

	memset(s->lent, 0, sizeof(s->lent));
	memset(s->given, 0, sizeof(s->given));
	s->lending = 0;
	s->running = 0;
	s->in_vm = 0;
	s->refilling = 0;
	memset(c->dirty, 0, sizeof(c->dirty));
	fill_pattern(c->mem, c->mem_off, SLOT_SIZE);
	c->seed = gh_test_rnd_next(rs) | 1;
	pid = fork();
	if (!pid) {
		/* Whatever happens to the test, its VMMs do not outlive it. */
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		vmm_main(c);
		_exit(1);
	}
	trace("spawned %d", pid);
	return pid;
}

static void kill_vmm(struct kill_stats *ks, struct slot *s, pid_t pid)
{
	if (__atomic_load_n(&s->lending, __ATOMIC_SEQ_CST))
		ks->kills_lend++;
	else if (__atomic_load_n(&s->running, __ATOMIC_SEQ_CST))
		ks->kills_run++;
	else if (!__atomic_load_n(&s->in_vm, __ATOMIC_SEQ_CST))
		ks->kills_idle++;
	trace("kill %d (lending %d running %d in_vm %d)", pid, s->lending,
	      s->running, s->in_vm);
	kill(pid, SIGKILL);
	ks->kills++;
}

/*
 * A VMM killed at @killed_at (ms) must be gone within REAP_TIMEOUT_MS: 0,
 * or -1 with its state and our tasks in D state in @why.
 */
static int reap_check(pid_t pid, long killed_at, char *why, size_t len)
{
	char path[64], buf[160], stuck[160];
	ssize_t n;
	int fd;

	if (gh_test_now_ms() - killed_at < REAP_TIMEOUT_MS)
		return 0;
	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	n = fd >= 0 ? read(fd, buf, sizeof(buf) - 1) : -1;
	if (fd >= 0)
		close(fd);
	buf[n > 0 ? n : 0] = '\0';
	stuck_tasks(stuck, sizeof(stuck));
	snprintf(why, len, "VMM %d not reaped %d ms after SIGKILL: %s; D state:%s",
		 pid, REAP_TIMEOUT_MS, buf, stuck);
	return -1;
}

static void after_death(struct __test_metadata *_metadata, struct vmm_ctx *c,
			struct kill_stats *ks, const char *when)
{
	char why[256];

	trace("reaped");
	if (check_slot(c->slot, c->mem, c->mem_off, ks, why, sizeof(why))) {
		ks->errors++;
		TH_LOG("after a %s of VMM %d: %s", when, c->idx, why);
	}
}

TEST_F_TIMEOUT(stress, kill_vmms, STRESS_TIMEOUT)
{
	long killed_at[NR_VMMS] = { 0 }, start, deadline, budget, until = 0;
	long t_begin = gh_test_now_ms();
	struct vmm_ctx ctx[NR_VMMS];
	struct kill_stats ks = { 0 };
	int i, memfd, target, kind = 0;
	struct gh_test_stats base, now;
	pid_t pid[NR_VMMS];
	struct slot *slots;
	char why[512], buf[512];
	__u64 seed, rs;
	char *mem;
	void *spin, *hello;
	size_t spin_len, hello_len;

	spin = gh_test_load_payload("spin", &spin_len);
	hello = gh_test_load_payload("hello", &hello_len);
	if (!spin || !hello)
		SKIP(return, "guest/spin.bin or guest/hello.bin not found");

	verbose = getenv("GUNYAH_STRESS_VERBOSE");
	seed = stress_seed();
	rs = seed | 1;
	budget = stress_budget_ms(2);
	TH_LOG("seed %#llx (GUNYAH_STRESS_SEED to replay), %.1f s, %d VMMs",
	       (unsigned long long)seed, budget / 1000.0, NR_VMMS);
	catch_faults();

	gh_test_read_stats(&base);
	base.memfree_kb = settled_memfree(true);
	stats_str(&base, buf, sizeof(buf));
	TH_LOG("baseline: %s, MemFree %ld KiB", buf, base.memfree_kb);

	slots = mmap(NULL, NR_VMMS * sizeof(*slots), PROT_READ | PROT_WRITE,
		     MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(slots, MAP_FAILED);
	memset(slots, 0, NR_VMMS * sizeof(*slots));
	memfd = memfd_create("gunyah-stress", MFD_CLOEXEC);
	ASSERT_GE(memfd, 0);
	ASSERT_EQ(ftruncate(memfd, NR_VMMS * SLOT_SIZE), 0);
	mem = mmap(NULL, NR_VMMS * SLOT_SIZE, PROT_READ | PROT_WRITE,
		   MAP_SHARED, memfd, 0);
	ASSERT_NE(mem, MAP_FAILED);
	fill_pattern(mem, 0, NR_VMMS * SLOT_SIZE);

	for (i = 0; i < NR_VMMS; i++) {
		ctx[i] = (struct vmm_ctx){
			.slot = &slots[i],
			.mem = mem + i * SLOT_SIZE,
			.mem_off = i * SLOT_SIZE,
			.spin = spin, .spin_len = spin_len,
			.hello = hello, .hello_len = hello_len,
			.idx = i,
		};
		pid[i] = spawn_vmm(&ctx[i], &rs);
		ASSERT_GE(pid[i], 0);
		ks.spawns++;
	}

	start = gh_test_now_ms();
	deadline = start + budget;
	target = -1;
	/* On a slow machine: longer, until a few VMs were started. */
	while ((gh_test_now_ms() < deadline ||
		(total_started(slots) < MIN_STARTED &&
		 gh_test_now_ms() < start + 3 * budget)) &&
	       ks.kills < STRESS_MAX_KILLS) {
		struct slot *s;

		/* Dead VMMs: check their memory, start new ones. */
		for (i = 0; i < NR_VMMS; i++) {
			if (!killed_at[i])
				continue;
			ASSERT_EQ(reap_check(pid[i], killed_at[i], why, sizeof(why)), 0)
				TH_LOG("%s", why);
			if (!killed_at[i] || waitpid(pid[i], NULL, WNOHANG) != pid[i])
				continue;
			killed_at[i] = 0;
			pid[i] = 0;
			after_death(_metadata, &ctx[i], &ks, "kill");
			if (gh_test_now_ms() >= deadline &&
			    total_started(slots) >= MIN_STARTED)
				break;
			pid[i] = spawn_vmm(&ctx[i], &rs);
			ASSERT_GE(pid[i], 0);
			ks.spawns++;
		}

		/*
		 * The next victim, and when: at a random time, mid-lend
		 * or mid-run (or after a second of waiting for that).
		 */
		if (target < 0 || !pid[target]) {
			target = gh_test_rnd(&rs, NR_VMMS);
			kind = gh_test_rnd(&rs, 3);
			until = gh_test_now_ms() + (kind ? 3000 : gh_test_rnd(&rs, 1500));
		}
		s = &slots[target];
		if (killed_at[target] || !pid[target]) {
			target = -1;
		} else if (gh_test_now_ms() >= until ||
			   (kind == 1 && __atomic_load_n(&s->lending,
							 __ATOMIC_SEQ_CST)) ||
			   (kind == 2 && __atomic_load_n(&s->running,
							 __ATOMIC_SEQ_CST))) {
			/* Inside the ioctl rather than at its start */
			if (kind && gh_test_now_ms() < until)
				usleep(gh_test_rnd(&rs, 20000));
			kill_vmm(&ks, s, pid[target]);
			killed_at[target] = gh_test_now_ms();
			target = -1;
			continue;
		}
		usleep(1000);
	}

	/* The end: kill them all at once, mid-whatever. */
	for (i = 0; i < NR_VMMS; i++) {
		if (pid[i] && !killed_at[i]) {
			kill_vmm(&ks, &slots[i], pid[i]);
			killed_at[i] = gh_test_now_ms();
		}
	}
	for (i = 0; i < NR_VMMS; i++) {
		if (!pid[i])
			continue;
		while (waitpid(pid[i], NULL, WNOHANG) != pid[i]) {
			ASSERT_EQ(reap_check(pid[i], killed_at[i], why,
					     sizeof(why)), 0)
				TH_LOG("%s", why);
			usleep(5000);
		}
		after_death(_metadata, &ctx[i], &ks, "final kill");
	}

	{
		unsigned long vms = 0, started = 0, lends = 0, reclaims = 0;
		unsigned long runs = 0, exits = 0, errors = 0;

		for (i = 0; i < NR_VMMS; i++) {
			vms += slots[i].vms;
			started += slots[i].started;
			lends += slots[i].lends;
			reclaims += slots[i].reclaims;
			runs += slots[i].runs;
			exits += slots[i].exits;
			errors += slots[i].errors;
			if (slots[i].errors)
				TH_LOG("VMM slot %d: %lu errors, last: %s", i,
				       slots[i].errors, slots[i].err);
		}
		TH_LOG("%.1f s: %lu VMs created, %lu started, %lu exited, %lu runs",
		       (gh_test_now_ms() - start) / 1000.0, vms, started, exits, runs);
		TH_LOG("%lu lends of %lu MiB to running VMs, %lu reclaims",
		       lends, BIG_SIZE >> 20, reclaims);
		TH_LOG("%lu VMMs spawned, %lu killed (%lu mid-lend, %lu mid-run, %lu between VMs)",
		       ks.spawns, ks.kills, ks.kills_lend, ks.kills_run,
		       ks.kills_idle);
		TH_LOG("pages checked after kills: %lu zero, %lu pattern, %lu other, %lu faulted",
		       ks.pages_zero, ks.pages_pattern, ks.pages_other,
		       ks.faults);
		EXPECT_EQ(errors, 0);
		EXPECT_GT(started, 0);
	}
	EXPECT_EQ(ks.errors, 0);
	EXPECT_EQ(ks.faults, 0);

	munmap(mem, NR_VMMS * SLOT_SIZE);
	close(memfd);
	munmap(slots, NR_VMMS * sizeof(*slots));
	free(spin);
	free(hello);

	EXPECT_EQ(stuck_tasks(buf, sizeof(buf)), 0) TH_LOG("D state:%s", buf);
	EXPECT_EQ(wait_baseline(&base, &now, why, sizeof(why)), 0)
		TH_LOG("not back to the baseline:%s", why);
	stats_str(&now, buf, sizeof(buf));
	TH_LOG("after: %s, MemFree %ld KiB (baseline %ld); %.1f s in all",
	       buf, now.memfree_kb, base.memfree_kb,
	       (gh_test_now_ms() - t_begin) / 1000.0);
}

/* ---- race_remove_close ---- */

#define RACE_SIGNAL	SIGUSR2
#define RACE_VCPUS	2
#define RACE_MEM	0x100000UL

struct runner {
	pthread_t thread;
	int fd;			/* the vCPU's file, as the runner sees it */
	struct gunyah_vcpu_run *run;
	int stop;		/* __atomic */
	int done;		/* __atomic */
	int err;		/* errno that ended the runs */
	__u32 status;		/* the VM status that ended them */
	unsigned int delay_us;	/* before the first run */
	unsigned long runs;
};

static void race_kick(int sig)
{
}

static void *runner_main(void *p)
{
	struct runner *r = p;

	usleep(r->delay_us);
	while (!__atomic_load_n(&r->stop, __ATOMIC_SEQ_CST)) {
		if (ioctl(r->fd, GH_VCPU_RUN, 0) < 0) {
			if (errno == EINTR || errno == EAGAIN)
				continue;
			r->err = errno;
			break;
		}
		r->runs++;
		/* The spinning guest never stops: any status is wrong */
		if (r->run->exit_reason == GUNYAH_VCPU_EXIT_STATUS) {
			r->status = r->run->status.status;
			break;
		}
		if (r->run->exit_reason == GUNYAH_VCPU_EXIT_MMIO &&
		    !r->run->mmio.is_write)
			memset(r->run->mmio.data, 0, sizeof(r->run->mmio.data));
	}
	__atomic_store_n(&r->done, 1, __ATOMIC_SEQ_CST);
	return NULL;
}

/* A VM running guest/spin.bin, started unless !@start. */
static int race_boot(struct gh_vm *vm, const void *spin, size_t spin_len,
		     enum gh_mem_mode mode, int nr, bool start)
{
	int ret;

	ret = gh_vm_create(vm, NULL);
	if (!ret)
		ret = gh_vm_alloc_mem(vm, RACE_MEM);
	if (!ret)
		ret = gh_vm_load_blob(vm, spin, spin_len);
	if (!ret)
		ret = gh_vm_setup_dtb(vm, nr, "race");
	if (!ret)
		ret = gh_vm_map_mem(vm, mode, 0);
	if (!ret)
		ret = gh_vm_set_dtb_config(vm);
	if (!ret)
		ret = gh_vm_add_vcpus(vm, nr);
	if (!ret && start)
		ret = gh_vm_start(vm);
	return ret;
}

static int remove_vcpu(int vm_fd, __u32 id, bool v17)
{
	struct gunyah_fn_vcpu_arg arg = { .id = id };
	struct gunyah_fn_desc desc = {
		.type = v17 ? GUNYAH_FN_VCPU : GH_FN_VCPU,
		.arg_size = sizeof(arg),
		.arg = (unsigned long)&arg,
	};

	return ioctl(vm_fd, v17 ? GUNYAH_VM_REMOVE_FUNCTION :
				  GH_VM_REMOVE_FUNCTION, &desc);
}

struct race_stats {
	unsigned long started_by_run;
	unsigned long rounds, removes, remove_enoent, vcpu_closes, vm_closes;
	unsigned long signals, runs, enodev, ebadf, other;
};

/* Join the runners within 10 s, kicking them; false if one hangs. */
static bool join_runners(struct runner *rn, int n)
{
	long deadline = gh_test_now_ms() + 10000;
	int i, left;

	for (i = 0; i < n; i++)
		__atomic_store_n(&rn[i].stop, 1, __ATOMIC_SEQ_CST);
	do {
		left = 0;
		for (i = 0; i < n; i++) {
			if (__atomic_load_n(&rn[i].done, __ATOMIC_SEQ_CST))
				continue;
			left++;
			if (rn[i].run)
				rn[i].run->immediate_exit = 1;
			pthread_kill(rn[i].thread, RACE_SIGNAL);
		}
		if (left)
			usleep(2000);
	} while (left && gh_test_now_ms() < deadline);
	if (left)
		return false;
	for (i = 0; i < n; i++)
		pthread_join(rn[i].thread, NULL);
	return true;
}

TEST_F_TIMEOUT(stress, race_remove_close, STRESS_TIMEOUT)
{
	struct sigaction sa = { .sa_handler = race_kick };
	struct race_stats rs = { 0 };
	struct gh_test_stats base, now;
	char why[512], buf[512];
	long t0, deadline;
	__u64 seed, s;
	size_t spin_len;
	void *spin;
	int i;

	spin = gh_test_load_payload("spin", &spin_len);
	if (!spin)
		SKIP(return, "guest/spin.bin not found");
	sigemptyset(&sa.sa_mask);
	ASSERT_EQ(sigaction(RACE_SIGNAL, &sa, NULL), 0);	/* no SA_RESTART */

	seed = stress_seed();
	s = seed | 1;
	TH_LOG("seed %#llx (GUNYAH_STRESS_SEED to replay), %.1f s",
	       (unsigned long long)seed, stress_budget_ms(1) / 1000.0);
	t0 = gh_test_now_ms();
	gh_test_read_stats(&base);
	base.memfree_kb = settled_memfree(true);

	deadline = gh_test_now_ms() + stress_budget_ms(1);
	while (gh_test_now_ms() < deadline && rs.rounds < STRESS_MAX_ROUNDS) {
		struct runner rn[RACE_VCPUS] = { 0 };
		struct gh_vm vm = { 0 };
		int nr = 1 + gh_test_rnd(&s, RACE_VCPUS), vm_fd, steps, k;
		bool vcpu_open[RACE_VCPUS], vm_open = true, start;

		/* Started here, or by the first GH_VCPU_RUN (racing) */
		start = gh_test_rnd(&s, 2);
		ASSERT_EQ(race_boot(&vm, spin, spin_len,
				    gh_test_rnd(&s, 2) ? GH_MEM_LEND : GH_MEM_SHARE,
				    nr, start), 0)
			TH_LOG("round %lu: %s: %s", rs.rounds, vm.err_what,
			       strerror(vm.err));
		rs.started_by_run += !start;
		rs.rounds++;
		vm_fd = vm.vm_fd;
		for (i = 0; i < nr; i++) {
			rn[i].fd = vm.vcpu_fd[i];
			rn[i].run = vm.run[i];
			rn[i].delay_us = i ? gh_test_rnd(&s, 100000) : 0;
			vcpu_open[i] = true;
			ASSERT_EQ(pthread_create(&rn[i].thread, NULL, runner_main,
						 &rn[i]), 0);
		}

		/* A few racing steps, in a random order, at random times */
		steps = 1 + gh_test_rnd(&s, 4);
		for (k = 0; k < steps; k++) {
			int v = gh_test_rnd(&s, nr);

			usleep(gh_test_rnd(&s, 30000));
			switch (gh_test_rnd(&s, 4)) {
			case 0:
				if (!vm_open)
					break;
				if (remove_vcpu(vm_fd, v, gh_test_rnd(&s, 2)) == 0)
					rs.removes++;
				else if (errno == ENOENT)
					rs.remove_enoent++;
				else
					ASSERT_TRUE(false)
						TH_LOG("REMOVE_FUNCTION: %s",
						       strerror(errno));
				break;
			case 1:
				if (!vcpu_open[v])
					break;
				/* The runner's ioctl holds the file. */
				close(vm.vcpu_fd[v]);
				vm.vcpu_fd[v] = -1;
				vcpu_open[v] = false;
				rs.vcpu_closes++;
				break;
			case 2:
				if (!vm_open)
					break;
				close(vm_fd);
				vm.vm_fd = -1;
				vm_open = false;
				rs.vm_closes++;
				break;
			default:
				pthread_kill(rn[v].thread, RACE_SIGNAL);
				rs.signals++;
				break;
			}
		}

		ASSERT_TRUE(join_runners(rn, nr))
			TH_LOG("round %lu: a vCPU thread hangs in GH_VCPU_RUN",
			       rs.rounds);
		for (i = 0; i < nr; i++) {
			rs.runs += rn[i].runs;
			if (rn[i].err == ENODEV)
				rs.enodev++;
			else if (rn[i].err == EBADF)
				rs.ebadf++;
			else if (rn[i].err)
				rs.other++;
			EXPECT_TRUE(!rn[i].err || rn[i].err == ENODEV ||
				    rn[i].err == EBADF)
				TH_LOG("vCPU %d: GH_VCPU_RUN: %s", i,
				       strerror(rn[i].err));
			EXPECT_EQ(rn[i].status, 0)
				TH_LOG("round %lu (%s): vCPU %d: VM status %u",
				       rs.rounds, start ? "started" :
				       "started by GH_VCPU_RUN", i,
				       rn[i].status);
		}
		/* The rest: runs pages, vCPU files, VM file, memory */
		gh_vm_destroy(&vm);
		gh_vm_free_mem(&vm);
	}

	TH_LOG("%.1f s: %lu VMs (%lu started by GH_VCPU_RUN), %lu vCPU removes (+%lu ENOENT)",
	       (gh_test_now_ms() - t0) / 1000.0, rs.rounds, rs.started_by_run,
	       rs.removes, rs.remove_enoent);
	TH_LOG("%lu vCPU closes, %lu VM closes, %lu signals, all mid-run",
	       rs.vcpu_closes, rs.vm_closes, rs.signals);
	TH_LOG("%lu GH_VCPU_RUN exits to the VMM; runs ended by ENODEV %lu, EBADF %lu, other %lu",
	       rs.runs, rs.enodev, rs.ebadf, rs.other);
	free(spin);
	EXPECT_GT(rs.rounds, 0);
	EXPECT_EQ(stuck_tasks(buf, sizeof(buf)), 0) TH_LOG("D state:%s", buf);
	EXPECT_EQ(wait_baseline(&base, &now, why, sizeof(why)), 0)
		TH_LOG("not back to the baseline:%s", why);
	TH_LOG("MemFree %ld KiB (baseline %ld); %.1f s in all", now.memfree_kb,
	       base.memfree_kb, (gh_test_now_ms() - t0) / 1000.0);
}

TEST_HARNESS_MAIN
