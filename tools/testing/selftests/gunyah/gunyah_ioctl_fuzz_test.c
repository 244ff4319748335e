// SPDX-License-Identifier: GPL-2.0-only
/*
 * An ioctl fuzzer for /dev/gunyah, its VM files and its vCPU files.
 *
 * Random sequences of ioctls (both UAPI generations' numbers, numbers near
 * them, random numbers) with random arguments (valid-looking structures with
 * random fields, NULL, unmapped, kernel and misaligned pointers, structures
 * straddling into an unmapped page, random sizes), random opens and closes,
 * mmaps of vCPU files, runs of whatever VM the ioctls built, and now and
 * then a real guest payload run. Bounded in count and time; the seed is
 * printed (GUNYAH_FUZZ_SEED replays a run, GUNYAH_FUZZ_SECONDS and
 * GUNYAH_FUZZ_COUNT change the bounds).
 *
 * The fuzzing runs in a child process watched for progress (a hang is a
 * failure). Afterwards: the child exited normally and had closed every
 * file it opened, the driver's counters and the FOLL_PIN counters are back
 * to their baselines, and a normal VM still runs.
 *
 * Guest memory given to VMs comes from one scratch mapping that the fuzzer
 * never reads or passes as an ioctl argument: the host loses access to lent
 * pages, and a kernel access to one would be the test's own fault.
 */

#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
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
#include "gunyah_vmm_lib.h"
#include "gunyah_test_util.h"

#define FUZZ_SECONDS		15	/* under TCG with KASAN */
#define FUZZ_COUNT		200000	/* ioctls */
#define HANG_MS			30000	/* no progress for this long: a hang */
#define SETTLE_TIMEOUT_MS	10000
#define FUZZ_TIMEOUT		300	/* the harness's; the bounds are above */
#define RUN_TIMER_US		20000	/* a blocking ioctl is interrupted */

#define PAGE			4096UL
#define SCRATCH_SIZE		(4UL << 20)	/* guest memory, never touched */
#define ARGS_SIZE		(4 * PAGE)	/* argument buffers; then a hole */
#define MAX_FDS			16
#define MAX_VM_FDS		6	/* the stub has room for 16 VMs */
#define NR_ERRNO		160
#define NR_SEEN			4096	/* distinct ioctl numbers, hashed */

enum fd_kind { FD_DEV, FD_VM, FD_VCPU, FD_EVENT, FD_OTHER, NR_KINDS };
static const char *const kind_name[NR_KINDS] = {
	"dev", "vm", "vcpu", "eventfd", "other",
};

/* Figures, in memory shared with the parent (also valid after a hang). */
struct fuzz_shared {
	unsigned long ioctls, ok, opens, closes, mmaps, vm_runs, payload_runs;
	unsigned long builds, builds_started;
	unsigned long payload_ok, fds_created[NR_KINDS];
	unsigned long err[NR_ERRNO];
	unsigned long distinct;
	long progress_ms;
	unsigned int last_cmd;
	int last_kind;
	int fd_leak;		/* files left after closing ours */
	char msg[256];
	char build_err[128];	/* the last failure of a build */
};

struct fuzz_fd {
	int fd;
	enum fd_kind kind;
	void *run;		/* vCPU: the mapped run page, or NULL */
};

struct fuzz {
	struct fuzz_shared *sh;
	__u64 s;
	struct fuzz_fd fds[MAX_FDS];
	int nr_fds;
	char *scratch;		/* guest memory */
	char *args;		/* argument buffers, followed by a hole */
	char *hole;		/* unmapped */
	unsigned int seen[NR_SEEN];
	const void *hello, *spin;
	size_t hello_len, spin_len;
};

/* ---- the run's PRNG (gunyah_test_util.h) ---- */

static unsigned int rnd(struct fuzz *f, unsigned int n)
{
	return gh_test_rnd(&f->s, n);
}

static __u64 rnd64(struct fuzz *f)
{
	return gh_test_rnd_next(&f->s);
}

static long env_long(const char *name, long def)
{
	const char *v = getenv(name);

	return v && *v ? strtol(v, NULL, 0) : def;
}

/* ---- leak accounting (gunyah_test_util.h) ---- */

static int wait_baseline(const struct gh_test_stats *base, char *why,
			 size_t len)
{
	long deadline = gh_test_now_ms() + SETTLE_TIMEOUT_MS;
	struct gh_test_stats now;
	int off;

	for (;;) {
		gh_test_read_stats(&now);
		off = gh_test_stats_diff(base, &now, why, len);
		if (!off || gh_test_now_ms() > deadline)
			return off;
		usleep(200000);
	}
}

/* ---- the file pool ---- */

static void fuzz_close(struct fuzz *f, int i)
{
	struct fuzz_fd *e = &f->fds[i];

	if (e->run)
		munmap(e->run, PAGE);
	close(e->fd);
	f->sh->closes++;
	*e = f->fds[--f->nr_fds];
}

static void fuzz_add(struct fuzz *f, int fd, enum fd_kind kind)
{
	if (f->nr_fds == MAX_FDS)
		fuzz_close(f, rnd(f, MAX_FDS));
	f->fds[f->nr_fds++] = (struct fuzz_fd){ .fd = fd, .kind = kind };
	f->sh->fds_created[kind]++;
}

static int fuzz_find(struct fuzz *f, int fd)
{
	int i;

	for (i = 0; i < f->nr_fds; i++)
		if (f->fds[i].fd == fd)
			return i;
	return -1;
}

/* A file an ioctl returned: a VM or a vCPU, by its name. */
static void fuzz_adopt(struct fuzz *f, int fd)
{
	char path[64], target[64];
	enum fd_kind kind = FD_OTHER;
	ssize_t n;

	if (fd < 0 || fuzz_find(f, fd) >= 0 ||
	    fcntl(fd, F_GETFD) < 0)
		return;
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	n = readlink(path, target, sizeof(target) - 1);
	if (n > 0) {
		target[n] = '\0';
		if (strstr(target, "gunyah-vcpu"))
			kind = FD_VCPU;
		else if (strstr(target, "gunyah-vm"))
			kind = FD_VM;
	}
	fuzz_add(f, fd, kind);
}

static int fuzz_pick(struct fuzz *f, enum fd_kind kind)
{
	int i, n = 0, pick;

	for (i = 0; i < f->nr_fds; i++)
		n += f->fds[i].kind == kind;
	if (!n)
		return -1;
	pick = rnd(f, n);
	for (i = 0; i < f->nr_fds; i++)
		if (f->fds[i].kind == kind && !pick--)
			return i;
	return -1;
}

/* An fd number for an argument: ours, or a bad one. */
static int fuzz_fd_arg(struct fuzz *f)
{
	int i;

	switch (rnd(f, 6)) {
	case 0:
		return -1;
	case 1:
		return rnd(f, 1024);
	case 2:
		return (int)rnd64(f);
	default:
		i = fuzz_pick(f, FD_EVENT);
		if (i < 0 || !rnd(f, 4))
			i = f->nr_fds ? rnd(f, f->nr_fds) : -1;
		return i < 0 ? -1 : f->fds[i].fd;
	}
}

/* ---- arguments ---- */

static __u64 fuzz_size(struct fuzz *f)
{
	switch (rnd(f, 8)) {
	case 0:
		return 0;
	case 1:
		return rnd64(f);
	case 2:
		return PAGE * (1 + rnd(f, 4)) + rnd(f, 2);
	case 3:
		return -PAGE;
	case 4:	/* large: 16 MiB to 8 TiB */
		return 1ULL << (24 + rnd(f, 20));
	default:
		return PAGE * (1 + rnd(f, SCRATCH_SIZE / PAGE / 4));
	}
}

static __u64 fuzz_gpa(struct fuzz *f)
{
	switch (rnd(f, 6)) {
	case 0:
		return rnd64(f);
	case 1:
		return -PAGE * (1 + rnd(f, 4));
	case 2:
		return rnd64(f) & ~(PAGE - 1) & 0xffffffffffULL;
	default:
		return GH_GUEST_RAM_BASE + PAGE * rnd(f, 2048) + !rnd(f, 16);
	}
}

/* A user address for guest memory: the scratch area, or nonsense. */
static __u64 fuzz_uaddr(struct fuzz *f)
{
	switch (rnd(f, 8)) {
	case 0:
		return 0;
	case 1:
		return (unsigned long)f->hole;
	case 2:
		return 0xffff800008000000ULL + PAGE * rnd(f, 1024);
	case 3:
		return rnd64(f);
	default:
		return (unsigned long)f->scratch +
		       PAGE * rnd(f, SCRATCH_SIZE / PAGE) + !rnd(f, 16);
	}
}

/* A pointer for an ioctl argument: mostly @good, sometimes not. */
static unsigned long fuzz_ptr(struct fuzz *f, void *good, size_t size)
{
	switch (rnd(f, 12)) {
	case 0:
		return 0;
	case 1:
		return (unsigned long)f->hole + rnd(f, PAGE);
	case 2:
		return 0xffff800008000000ULL + rnd(f, 1 << 20);
	case 3:	/* straddling into the hole */
		return (unsigned long)f->hole - 1 - rnd(f, size ? size : 1);
	case 4:
		return rnd64(f);
	case 5:
		return (unsigned long)good + 1 + rnd(f, 7);
	default:
		return (unsigned long)good;
	}
}

static void fill_random(struct fuzz *f, void *p, size_t len)
{
	__u8 *b = p;
	size_t i;

	for (i = 0; i < len; i++)
		b[i] = rnd64(f);
}

/* A function argument at @buf for @type; returns its "right" size. */
static __u32 fuzz_fn_arg(struct fuzz *f, __u32 type, void *buf)
{
	switch (type) {
	case GUNYAH_FN_VCPU: {
		struct gunyah_fn_vcpu_arg *a = buf;

		a->id = rnd(f, 4) ? rnd(f, 4) : (__u32)rnd64(f);
		return sizeof(*a);
	}
	case GUNYAH_FN_IRQFD: {
		struct gunyah_fn_irqfd_arg *a = buf;

		a->fd = fuzz_fd_arg(f);
		a->label = rnd(f, 4) ? rnd(f, 4) : (__u32)rnd64(f);
		a->flags = rnd(f, 4) ? rnd(f, 2) : (__u32)rnd64(f);
		a->padding = !rnd(f, 8);
		return sizeof(*a);
	}
	case GUNYAH_FN_IOEVENTFD: {
		struct gunyah_fn_ioeventfd_arg *a = buf;
		static const __u32 lens[] = { 0, 1, 2, 4, 8, 3, 16 };

		a->datamatch = rnd(f, 2) ? rnd(f, 4) : rnd64(f);
		a->addr = rnd(f, 4) ? GH_GUEST_TESTDEV_BASE + 8 * rnd(f, 8) :
				      rnd64(f);
		a->len = lens[rnd(f, ARRAY_SIZE(lens))];
		a->fd = fuzz_fd_arg(f);
		a->flags = rnd(f, 4) ? rnd(f, 4) : (__u32)rnd64(f);
		a->padding = !rnd(f, 8);
		return sizeof(*a);
	}
	default:
		fill_random(f, buf, 64);
		return rnd(f, 64);
	}
}

/* Build a plausible argument for @cmd in f->args; returns the ioctl arg. */
static unsigned long fuzz_arg(struct fuzz *f, unsigned int cmd)
{
	void *a = f->args + 8 * rnd(f, 4);	/* slides a little */
	size_t size = _IOC_SIZE(cmd);

	fill_random(f, f->args, ARGS_SIZE);
	switch (cmd) {
	case GH_CREATE_VM:
	case GH_VM_START:
	case GH_VCPU_RUN:
	case GH_VCPU_MMAP_SIZE:
		return rnd(f, 4) ? 0 : rnd64(f);
	case GH_VM_SET_USER_MEM_REGION:
	case GH_VM_ANDROID_LEND_USER_MEM: {
		struct gunyah_userspace_memory_region *r = a;

		r->label = rnd(f, 4) ? rnd(f, 4) : (__u32)rnd64(f);
		r->flags = rnd(f, 4) ? 1 + rnd(f, 7) : (__u32)rnd64(f);
		r->guest_phys_addr = fuzz_gpa(f);
		r->memory_size = fuzz_size(f);
		r->userspace_addr = fuzz_uaddr(f);
		break;
	}
	case GH_VM_RECLAIM_REGION:
	case GH_VM_SET_DTB_CONFIG:
	case GH_VM_ANDROID_SET_FW_CONFIG: {
		struct gunyah_address_range *r = a;

		r->guest_phys_addr = fuzz_gpa(f);
		r->size = rnd(f, 2) ? GH_DTB_MAX_SIZE : fuzz_size(f);
		break;
	}
	case GH_VM_SET_BOOT_CONTEXT: {
		struct gunyah_vm_boot_context *c = a;

		c->reg = rnd(f, 4) ? GH_VM_BOOT_CONTEXT_REG(rnd(f, 4),
							    rnd(f, 40)) :
				     (__u32)rnd64(f);
		c->reserved = !rnd(f, 8);
		break;
	}
	case GH_VM_ADD_FUNCTION:
	case GH_VM_REMOVE_FUNCTION: {
		struct gunyah_fn_desc *d = a;
		void *fa = f->args + 2 * PAGE;
		__u32 right;

		d->type = rnd(f, 8) ? 1 + rnd(f, 3) : (__u32)rnd64(f) % 8;
		right = fuzz_fn_arg(f, d->type, fa);
		switch (rnd(f, 6)) {
		case 0:
			d->arg_size = 0;
			break;
		case 1:
			d->arg_size = rnd(f, 2) ? GUNYAH_FN_MAX_ARG_SIZE + 1 :
						  (__u32)rnd64(f);
			break;
		case 2:
			d->arg_size = rnd(f, GUNYAH_FN_MAX_ARG_SIZE + 1);
			break;
		default:
			d->arg_size = right;
			break;
		}
		d->arg = fuzz_ptr(f, fa, d->arg_size);
		break;
	}
	case GUNYAH_CREATE_GUEST_MEM: {
		struct gunyah_create_mem_args *m = a;

		m->flags = rnd(f, 4);
		m->size = fuzz_size(f);
		break;
	}
	case GUNYAH_VM_MAP_MEM: {
		struct gunyah_map_mem_args *m = a;

		m->guest_addr = fuzz_gpa(f);
		m->flags = rnd64(f);
		m->guest_mem_fd = fuzz_fd_arg(f);
		m->offset = rnd(f, 2) ? 0 : rnd64(f);
		m->size = fuzz_size(f);
		break;
	}
	default:
		if (!(_IOC_DIR(cmd) & (_IOC_READ | _IOC_WRITE)) && rnd(f, 2))
			return rnd64(f);
		break;
	}
	return fuzz_ptr(f, a, size);
}

/* ---- ioctl numbers ---- */

static const unsigned int known_cmds[] = {
	GH_CREATE_VM, GUNYAH_CREATE_VM, GH_VCPU_MMAP_SIZE,
	GUNYAH_VCPU_MMAP_SIZE, GUNYAH_CREATE_GUEST_MEM,
	GH_VM_SET_USER_MEM_REGION, GUNYAH_VM_SET_USER_MEM_REGION,
	GH_VM_ANDROID_LEND_USER_MEM, GUNYAH_VM_ANDROID_LEND_USER_MEM,
	GH_VM_SET_DTB_CONFIG, GUNYAH_VM_SET_DTB_CONFIG,
	GH_VM_START, GUNYAH_VM_START,
	GH_VM_ADD_FUNCTION, GUNYAH_VM_ADD_FUNCTION,
	GH_VM_REMOVE_FUNCTION, GUNYAH_VM_REMOVE_FUNCTION,
	GUNYAH_VM_MAP_MEM, GH_VM_SET_BOOT_CONTEXT, GUNYAH_VM_SET_BOOT_CONTEXT,
	GH_VM_ANDROID_SET_FW_CONFIG, GUNYAH_VM_ANDROID_SET_FW_CONFIG,
	GH_VM_RECLAIM_REGION, GUNYAH_VM_RECLAIM_REGION,
	GH_VCPU_RUN, GUNYAH_VCPU_RUN,
};

/* The ioctls of each kind of file, to get past the first checks */
static const unsigned int dev_cmds[] = {
	GH_CREATE_VM, GUNYAH_CREATE_VM, GH_VCPU_MMAP_SIZE,
	GUNYAH_CREATE_GUEST_MEM,
};

static const unsigned int vm_cmds[] = {
	GH_VM_SET_USER_MEM_REGION, GH_VM_ANDROID_LEND_USER_MEM,
	GH_VM_SET_DTB_CONFIG, GH_VM_START, GH_VM_ADD_FUNCTION,
	GH_VM_ADD_FUNCTION, GH_VM_REMOVE_FUNCTION, GH_VM_REMOVE_FUNCTION,
	GUNYAH_VM_MAP_MEM, GH_VM_SET_BOOT_CONTEXT, GH_VM_ANDROID_SET_FW_CONFIG,
	GH_VM_RECLAIM_REGION,
};

static unsigned int fuzz_cmd(struct fuzz *f, enum fd_kind kind)
{
	unsigned int cmd = known_cmds[rnd(f, ARRAY_SIZE(known_cmds))];

	if (rnd(f, 10) < 6) {
		switch (kind) {
		case FD_DEV:
			return dev_cmds[rnd(f, ARRAY_SIZE(dev_cmds))];
		case FD_VM:
			return vm_cmds[rnd(f, ARRAY_SIZE(vm_cmds))];
		case FD_VCPU:
			return rnd(f, 8) ? GH_VCPU_RUN : GH_VCPU_MMAP_SIZE;
		default:
			break;
		}
	}

	switch (rnd(f, 10)) {
	case 0:	/* a known number with another size or direction */
		return (cmd & ~(_IOC_SIZEMASK << _IOC_SIZESHIFT)) |
		       (rnd(f, 300) << _IOC_SIZESHIFT);
	case 1:
		return cmd ^ (_IOC_READ << _IOC_DIRSHIFT);
	case 2:	/* the Gunyah types, any number */
		return _IOC(rnd(f, 4), rnd(f, 2) ? 'G' : 'A', rnd(f, 0x20),
			    rnd(f, 2) ? 0 : rnd(f, 128));
	case 3:
		return (unsigned int)rnd64(f);
	default:
		return cmd;
	}
}

static void note_cmd(struct fuzz *f, unsigned int cmd)
{
	unsigned int h = (cmd * 2654435761U) % NR_SEEN, i;

	for (i = 0; i < NR_SEEN; i++, h = (h + 1) % NR_SEEN) {
		if (f->seen[h] == cmd + 1)
			return;
		if (!f->seen[h]) {
			f->seen[h] = cmd + 1;
			f->sh->distinct++;
			return;
		}
	}
}

/* ---- operations ---- */

static timer_t run_timer;

static void on_timer(int sig)
{
}

/* Interrupt whatever blocks (GH_VCPU_RUN) after RUN_TIMER_US. */
static void arm_timer(void)
{
	struct itimerspec its = {
		.it_value.tv_nsec = RUN_TIMER_US * 1000,
		.it_interval.tv_nsec = RUN_TIMER_US * 1000,
	};

	timer_settime(run_timer, 0, &its, NULL);
}

static void disarm_timer(void)
{
	struct itimerspec its = { 0 };

	timer_settime(run_timer, 0, &its, NULL);
}

static void do_ioctl(struct fuzz *f)
{
	struct fuzz_shared *sh = f->sh;
	enum fd_kind kind;
	unsigned long arg;
	unsigned int cmd;
	int i, fd, ret;

	/*
	 * The target: mostly a Gunyah file; a bad fd now and then (never
	 * one we do not own, such as the console).
	 */
	i = -1;
	if (rnd(f, 16)) {
		kind = rnd(f, 3);
		i = fuzz_pick(f, kind);
		if (i < 0 && f->nr_fds)
			i = rnd(f, f->nr_fds);
	}
	fd = i < 0 ? (rnd(f, 2) ? -1 : 100000 + rnd(f, 1000)) : f->fds[i].fd;
	kind = i < 0 ? FD_OTHER : f->fds[i].kind;

	cmd = fuzz_cmd(f, kind);
	arg = fuzz_arg(f, cmd);
	/* A vCPU's run page with random content */
	if (kind == FD_VCPU && f->fds[i].run && rnd(f, 2))
		fill_random(f, (char *)f->fds[i].run + 1 + rnd(f, 8), 32);

	sh->last_cmd = cmd;
	sh->last_kind = kind;
	note_cmd(f, cmd);
	arm_timer();
	ret = ioctl(fd, cmd, arg);
	disarm_timer();
	sh->ioctls++;
	if (ret < 0) {
		sh->err[errno < NR_ERRNO ? errno : 0]++;
		return;
	}
	sh->ok++;
	if (cmd == GH_VCPU_RUN)
		sh->vm_runs++;
	/* A new file: a VM, a vCPU (or whatever the driver returns) */
	if (ret > 2 && (cmd == GH_CREATE_VM || cmd == GH_VM_ADD_FUNCTION ||
			cmd == GUNYAH_CREATE_GUEST_MEM))
		fuzz_adopt(f, ret);
}

static void do_open(struct fuzz *f)
{
	int fd;

	switch (rnd(f, 4)) {
	case 0:
		fd = eventfd(rnd(f, 2), EFD_CLOEXEC | (rnd(f, 2) ? EFD_NONBLOCK : 0));
		if (fd >= 0)
			fuzz_add(f, fd, FD_EVENT);
		break;
	case 1:
		fd = memfd_create("fuzz", MFD_CLOEXEC);
		if (fd >= 0)
			fuzz_add(f, fd, FD_OTHER);
		break;
	default:
		fd = open(GUNYAH_DEV, O_RDWR | O_CLOEXEC);
		if (fd >= 0)
			fuzz_add(f, fd, FD_DEV);
		break;
	}
	f->sh->opens++;
}

static void do_mmap(struct fuzz *f)
{
	static const size_t sizes[] = { PAGE, 2 * PAGE, 1 };
	int i = fuzz_pick(f, rnd(f, 4) ? FD_VCPU : rnd(f, 2));
	size_t size = sizes[rnd(f, ARRAY_SIZE(sizes))];
	off_t off = rnd(f, 4) ? 0 : PAGE * (1 + rnd(f, 2));
	int prot = rnd(f, 4) ? PROT_READ | PROT_WRITE : PROT_READ;
	void *p;

	if (i < 0)
		return;
	p = mmap(NULL, size, prot, rnd(f, 4) ? MAP_SHARED : MAP_PRIVATE,
		 f->fds[i].fd, off);
	f->sh->mmaps++;
	if (p == MAP_FAILED)
		return;
	/* Keep a good one as the vCPU's run page; drop the others */
	if (f->fds[i].kind == FD_VCPU && !f->fds[i].run && size == PAGE &&
	    !off && prot & PROT_WRITE) {
		f->fds[i].run = p;
		return;
	}
	munmap(p, size);
}

/*
 * A well-formed VM, left to the random ioctls: memory with a payload (spin
 * or hello) and its DTB, vCPUs, maybe started. Its memory is a mapping of
 * its own, never touched again (it may be lent) and never unmapped (it may
 * still be pinned): the process's exit frees it.
 */
static void do_build(struct fuzz *f)
{
	struct gh_vm vm = { 0 };
	int nr = 1 + rnd(f, 2), i;

	f->sh->builds++;
	/* Room for the new files, and for its VM in the RM */
	for (;;) {
		int vms = 0;

		for (i = 0; i < f->nr_fds; i++)
			vms += f->fds[i].kind == FD_VM ||
			       f->fds[i].kind == FD_VCPU;
		if (vms <= MAX_VM_FDS && f->nr_fds <= MAX_FDS - 4 - nr)
			break;
		i = fuzz_pick(f, rnd(f, 2) ? FD_VM : FD_VCPU);
		fuzz_close(f, i >= 0 ? i : rnd(f, f->nr_fds));
	}
	i = gh_vm_create(&vm, NULL);
	if (vm.dev_fd >= 0)
		fuzz_add(f, vm.dev_fd, FD_DEV);
	if (vm.vm_fd >= 0)
		fuzz_add(f, vm.vm_fd, FD_VM);
	if (i || gh_vm_alloc_mem(&vm, 0x80000) ||
	    gh_vm_load_blob(&vm, rnd(f, 2) ? f->spin : f->hello,
			    rnd(f, 2) ? f->spin_len : f->hello_len) ||
	    gh_vm_setup_dtb(&vm, nr, "fuzz") ||
	    gh_vm_map_mem(&vm, rnd(f, 2) ? GH_MEM_LEND : GH_MEM_SHARE, 0) ||
	    gh_vm_set_dtb_config(&vm) || gh_vm_add_vcpus(&vm, nr))
		goto out;
	if (rnd(f, 2) && !gh_vm_start(&vm))
		f->sh->builds_started++;
out:
	if (vm.err_what)
		snprintf(f->sh->build_err, sizeof(f->sh->build_err),
			 "%s: %s", vm.err_what, strerror(vm.err));
	for (i = 0; i < GH_MAX_VCPUS; i++) {
		if (vm.vcpu_fd[i] < 0)
			continue;
		fuzz_add(f, vm.vcpu_fd[i], FD_VCPU);
		f->fds[f->nr_fds - 1].run = vm.run[i];
	}
}

/* A real guest: boot hello.bin and see it say goodbye. */
static void do_payload(struct fuzz *f)
{
	struct gh_vm vm = { 0 };
	enum gh_run_end end;

	f->sh->payload_runs++;
	if (gh_vm_boot(&vm, NULL, f->hello, f->hello_len, 0x100000,
		       rnd(f, 2) ? GH_MEM_LEND : GH_MEM_SHARE, 1)) {
		snprintf(f->sh->msg, sizeof(f->sh->msg), "payload: %s: %s",
			 vm.err_what, strerror(vm.err));
	} else {
		end = gh_vm_run(&vm, 10000);
		if (end == GH_END_EXITED &&
		    vm.status == GUNYAH_VM_STATUS_EXITED)
			f->sh->payload_ok++;
		else
			snprintf(f->sh->msg, sizeof(f->sh->msg),
				 "payload: %s", gh_end_str(&vm));
	}
	gh_vm_destroy(&vm);
	gh_vm_free_mem(&vm);
}

static int fuzz_main(struct fuzz *f, long budget_ms, long count)
{
	struct sigevent sev = {
		.sigev_notify = SIGEV_THREAD_ID,
		.sigev_signo = SIGRTMIN,
	};
	struct sigaction sa = { .sa_handler = on_timer };
	long start = gh_test_now_ms(), last_payload = start;
	int fds_before = gh_test_fd_count();

	sigemptyset(&sa.sa_mask);
	sigaction(SIGRTMIN, &sa, NULL);	/* no SA_RESTART: EINTR */
	sev._sigev_un._tid = gettid();
	if (timer_create(CLOCK_MONOTONIC, &sev, &run_timer))
		return 2;

	while ((long)f->sh->ioctls < count && gh_test_now_ms() - start < budget_ms) {
		unsigned int op = rnd(f, 100);

		f->sh->progress_ms = gh_test_now_ms();
		if (op < 8) {
			do_open(f);
		} else if (op < 12) {
			if (f->nr_fds)
				fuzz_close(f, rnd(f, f->nr_fds));
		} else if (op < 15) {
			do_mmap(f);
		} else if (op < 16 && gh_test_now_ms() - last_payload > 8000) {
			do_payload(f);
			last_payload = gh_test_now_ms();
		} else if (op < 18) {
			do_build(f);
		} else {
			/* A /dev/gunyah to work on */
			if (fuzz_pick(f, FD_DEV) < 0) {
				int fd = open(GUNYAH_DEV, O_RDWR | O_CLOEXEC);

				if (fd >= 0)
					fuzz_add(f, fd, FD_DEV);
			}
			do_ioctl(f);
		}
	}
	/* One real run at the end, whatever the fuzzing left behind */
	do_payload(f);

	while (f->nr_fds)
		fuzz_close(f, 0);
	timer_delete(run_timer);
	f->sh->fd_leak = gh_test_fd_count() - fds_before;
	return 0;
}

static void print_figures(struct __test_metadata *_metadata,
			  const struct fuzz_shared *sh, __u64 seed, long ms)
{
	char buf[512];
	int e;

	TH_LOG("seed %#llx: %lu ioctls (%lu succeeded), %lu distinct ioctl numbers, %.1f s",
	       (unsigned long long)seed, sh->ioctls, sh->ok, sh->distinct,
	       ms / 1000.0);
	TH_LOG("%lu opens, %lu closes, %lu mmaps, %lu GH_VCPU_RUN returned 0",
	       sh->opens, sh->closes, sh->mmaps, sh->vm_runs);
	TH_LOG("%lu/%lu payload runs ok, %lu VMs built (%lu started) for the fuzzing",
	       sh->payload_ok, sh->payload_runs, sh->builds, sh->builds_started);
	TH_LOG("files created: %lu dev, %lu VM, %lu vCPU, %lu eventfd, %lu other",
	       sh->fds_created[FD_DEV], sh->fds_created[FD_VM],
	       sh->fds_created[FD_VCPU], sh->fds_created[FD_EVENT],
	       sh->fds_created[FD_OTHER]);
	buf[0] = '\0';
	for (e = 0; e < NR_ERRNO; e++)
		if (sh->err[e])
			snprintf(buf + strlen(buf), sizeof(buf) - strlen(buf),
				 " %s %lu", e ? strerrorname_np(e) : "E?",
				 sh->err[e]);
	TH_LOG("errors:%s", buf);
}

FIXTURE(fuzz) {
	int unused;
};

FIXTURE_SETUP(fuzz)
{
	if (gh_test_no_gunyah() == 1)
		SKIP(return, GUNYAH_DEV " not present: not running on Gunyah");
}

FIXTURE_TEARDOWN(fuzz)
{
}

TEST_F_TIMEOUT(fuzz, ioctls, FUZZ_TIMEOUT)
{
	long budget_ms = env_long("GUNYAH_FUZZ_SECONDS", FUZZ_SECONDS) * 1000;
	long count = env_long("GUNYAH_FUZZ_COUNT", FUZZ_COUNT);
	long start, last, last_ioctls = -1;
	struct gh_test_stats base;
	struct fuzz_shared *sh;
	struct gh_vm vm = { 0 };
	char why[512];
	size_t hello_len, spin_len;
	void *hello, *spin;
	int status;
	__u64 seed;
	pid_t pid;

	hello = gh_test_load_payload("hello", &hello_len);
	spin = gh_test_load_payload("spin", &spin_len);
	if (!hello || !spin)
		SKIP(return, "guest/hello.bin or guest/spin.bin not found");
	seed = env_long("GUNYAH_FUZZ_SEED", 0);
	if (!seed) {
		struct timespec ts;

		clock_gettime(CLOCK_REALTIME, &ts);
		seed = ((__u64)ts.tv_sec << 20) ^ ts.tv_nsec ^ getpid();
	}
	TH_LOG("seed %#llx (GUNYAH_FUZZ_SEED=%#llx to replay), at most %ld ioctls in %ld s",
	       (unsigned long long)seed, (unsigned long long)seed, count,
	       budget_ms / 1000);
	gh_test_read_stats(&base);

	sh = mmap(NULL, sizeof(*sh), PROT_READ | PROT_WRITE,
		  MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(sh, MAP_FAILED);
	memset(sh, 0, sizeof(*sh));
	sh->progress_ms = gh_test_now_ms();

	start = gh_test_now_ms();
	pid = fork();
	ASSERT_GE(pid, 0);
	if (!pid) {
		static struct fuzz fz;

		fz.sh = sh;
		fz.s = seed | 1;
		fz.hello = hello;
		fz.hello_len = hello_len;
		fz.spin = spin;
		fz.spin_len = spin_len;
		/* A guard page after it: no region runs into other memory */
		fz.scratch = mmap(NULL, SCRATCH_SIZE + PAGE,
				  PROT_READ | PROT_WRITE,
				  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		fz.args = mmap(NULL, ARGS_SIZE + PAGE, PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (fz.scratch == MAP_FAILED || fz.args == MAP_FAILED)
			_exit(3);
		memset(fz.scratch, 0x5a, SCRATCH_SIZE);
		fz.hole = fz.args + ARGS_SIZE;
		if (mprotect(fz.hole, PAGE, PROT_NONE) ||
		    mprotect(fz.scratch + SCRATCH_SIZE, PAGE, PROT_NONE))
			_exit(3);
		_exit(fuzz_main(&fz, budget_ms, count));
	}

	/* Watch: progress, or a hang */
	last = gh_test_now_ms();
	for (;;) {
		if (waitpid(pid, &status, WNOHANG) == pid)
			break;
		if ((long)sh->ioctls != last_ioctls) {
			last_ioctls = sh->ioctls;
			last = gh_test_now_ms();
		}
		if (gh_test_now_ms() - last > HANG_MS &&
		    gh_test_now_ms() - sh->progress_ms > HANG_MS) {
			char path[64], stat[256] = "";
			ssize_t n;
			int fd;

			snprintf(path, sizeof(path), "/proc/%d/stat", pid);
			fd = open(path, O_RDONLY | O_CLOEXEC);
			n = fd >= 0 ? read(fd, stat, sizeof(stat) - 1) : -1;
			if (fd >= 0)
				close(fd);
			stat[n > 0 ? n : 0] = '\0';
			print_figures(_metadata, sh, seed, gh_test_now_ms() - start);
			kill(pid, SIGKILL);
			waitpid(pid, &status, 0);
			ASSERT_TRUE(false)
				TH_LOG("hang: no progress for %d s in ioctl %#x on a %s file: %s",
				       HANG_MS / 1000, sh->last_cmd,
				       kind_name[sh->last_kind], stat);
		}
		usleep(20000);
	}
	print_figures(_metadata, sh, seed, gh_test_now_ms() - start);
	if (sh->msg[0])
		TH_LOG("%s", sh->msg);
	if (sh->build_err[0])
		TH_LOG("last failure to build a VM (fine under fuzzing): %s",
		       sh->build_err);
	ASSERT_TRUE(WIFEXITED(status))
		TH_LOG("the fuzzer died: signal %d after ioctl %#x on a %s file",
		       WTERMSIG(status), sh->last_cmd,
		       kind_name[sh->last_kind]);
	EXPECT_EQ(WEXITSTATUS(status), 0);
	EXPECT_EQ(sh->fd_leak, 0) TH_LOG("files left open by the fuzzer");
	EXPECT_GT(sh->ioctls, 0);
	EXPECT_EQ(sh->payload_ok, sh->payload_runs);

	EXPECT_EQ(wait_baseline(&base, why, sizeof(why)), 0)
		TH_LOG("not back to the baseline:%s", why);

	/* A normal VM still runs */
	ASSERT_EQ(gh_vm_boot(&vm, NULL, hello, hello_len, 0x100000,
			     GH_MEM_LEND, 1), 0)
		TH_LOG("%s: %s", vm.err_what, strerror(vm.err));
	EXPECT_EQ(gh_vm_run(&vm, 20000), GH_END_EXITED)
		TH_LOG("%s", gh_end_str(&vm));
	gh_vm_destroy(&vm);
	gh_vm_free_mem(&vm);
	EXPECT_EQ(wait_baseline(&base, why, sizeof(why)), 0)
		TH_LOG("not back to the baseline after a normal VM:%s", why);
	TH_LOG("%.1f s in all", (gh_test_now_ms() - start) / 1000.0);
	munmap(sh, sizeof(*sh));
	free(hello);
	free(spin);
}

TEST_HARNESS_MAIN
