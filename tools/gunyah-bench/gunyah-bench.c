// SPDX-License-Identifier: GPL-2.0-only
/*
 * gunyah-bench: the Gunyah side of `make bench` (scripts/bench.sh).
 *
 * Runs the bench payload (tools/testing/selftests/gunyah/guest/bench.c)
 * through /dev/gunyah with the reference VMM's helpers, one VM per mode,
 * then the VM lifecycle, share/lend/reclaim of 256 MiB, and the in-kernel
 * rows of CONFIG_GUNYAH_DEBUGFS. Prints one `BENCH {json}` line per row on
 * stdout (see bench_common.h), progress on stderr.
 *
 *   gunyah-bench [-n iters] [-l vms] [-m mem_rounds] [-k kernel_iters]
 *                [-s lifecycle_mib] [bench.bin]
 * (-s: another VM size than 16 MiB for the lifecycle rows, for profiling;
 * the row names keep "16 MiB".)
 *
 * Times are CNTVCT_EL0 ticks of the host and CNTPCT_EL0 ticks of the guest
 * (the same counter: offset 0 on both), converted with CNTFRQ_EL0.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "gunyah_vmm_lib.h"
#include "guest/guest.h"
#include "bench_common.h"

#define BENCH_IRQFD_LABEL	5
#define BENCH_VM_MEM		(2UL << 20)
#define LIFECYCLE_MEM		(16UL << 20)
#define XFER_MEM		(256UL << 20)
#define XFER_GPA		0xc0000000ULL
#define XFER_LABEL		1
#define RUN_TIMEOUT_MS		600000
#define DEBUGFS			"/sys/kernel/debug"
#define DEBUGFS_GUNYAH		DEBUGFS "/gunyah"

/* One run of the payload: what the VMM saw. */
struct bench_ctx {
	unsigned int mode, n;
	unsigned int nr_expected;	/* reports */
	int irqfd;			/* index in vm->irqfd[] (mode IRQFD) */
	uint64_t *reports;
	unsigned int nr_reports;
	uint64_t *t_send;		/* host counter at TESTDEV_SYNC i */
	bool done;
	uint64_t t_done;
	bool error;
};

static const char *image_path = "/guest/bench.bin";
static size_t lifecycle_mem = LIFECYCLE_MEM;
static void *image;
static size_t image_len;

static bool bench_mmio(struct gh_vm *vm, int vcpu, __u64 addr, __u32 len,
		       bool is_write, __u64 *data)
{
	struct bench_ctx *ctx = vm->opaque;
	uint64_t now;

	if (addr == BENCH_MMIO_ADDR && !is_write) {
		if (ctx->mode == BENCH_MODE_MMIO_SPLIT && ctx->nr_reports / 2 < ctx->n)
			ctx->t_send[ctx->nr_reports / 2] = bench_cntvct();
		*data = 0;
		return true;
	}
	if (addr < GUEST_TESTDEV_BASE || addr >= GUEST_TESTDEV_BASE + 0x1000)
		return false;
	switch (addr - GUEST_TESTDEV_BASE) {
	case TESTDEV_ARG:
		if (!is_write)
			*data = BENCH_ARG(ctx->mode, ctx->n);
		return true;
	case TESTDEV_REPORT:
		if (!is_write)
			return false;
		/* Counter values never reach the error tag (bits 63:56). */
		if (IRQT_TAG(*data) == IRQT_TAG_ERROR)
			ctx->error = true;
		if (ctx->nr_reports < ctx->nr_expected)
			ctx->reports[ctx->nr_reports++] = *data;
		return true;
	case TESTDEV_SYNC:
		if (!is_write)
			return false;
		now = bench_cntvct();
		if (*data >= 1 && *data <= ctx->n)
			ctx->t_send[*data - 1] = now;
		if (ctx->irqfd >= 0)
			gh_vm_irqfd_signal(vm, ctx->irqfd);
		return true;
	case TESTDEV_DONE:
		ctx->t_done = bench_cntvct();
		ctx->done = *data == TESTDEV_DONE_MAGIC;
		return true;
	}
	return false;
}

static void *xmalloc(size_t size)
{
	void *p = calloc(1, size);

	if (!p) {
		perror("gunyah-bench: calloc");
		exit(1);
	}
	return p;
}

static void progress(const char *fmt, const char *what)
{
	fprintf(stderr, "gunyah-bench: ");
	fprintf(stderr, fmt, what);
	fputc('\n', stderr);
}

static int vm_fail(struct gh_vm *vm, const char *step, int ret)
{
	fprintf(stderr, "gunyah-bench: %s: %s: %s\n", step,
		vm->err_what ? vm->err_what : "?", strerror(-ret));
	return ret;
}

/*
 * Create a VM of @mem bytes with the payload, 1 vCPU, up to (not including)
 * GH_VM_START. @ctx is the MMIO context.
 */
static int vm_prepare(struct gh_vm *vm, struct bench_ctx *ctx, size_t mem)
{
	int ret;

	ret = gh_vm_create(vm, NULL);
	if (!ret)
		ret = gh_vm_alloc_mem(vm, mem);
	if (!ret)
		ret = gh_vm_load_blob(vm, image, image_len);
	if (!ret)
		ret = gh_vm_setup_dtb(vm, 1, "gunyah-bench");
	if (!ret)
		ret = gh_vm_map_mem(vm, GH_MEM_SHARE, 0);
	if (!ret)
		ret = gh_vm_set_dtb_config(vm);
	if (!ret)
		ret = gh_vm_add_vcpus(vm, 1);
	vm->mmio_fn = bench_mmio;
	vm->opaque = ctx;
	return ret;
}

static int run_checked(struct gh_vm *vm, struct bench_ctx *ctx, const char *what)
{
	enum gh_run_end end = gh_vm_run(vm, RUN_TIMEOUT_MS);

	if (end != GH_END_EXITED || !ctx->done || ctx->error ||
	    ctx->nr_reports != ctx->nr_expected) {
		fprintf(stderr, "gunyah-bench: %s: %s, done %d, %u/%u reports%s",
			what, gh_end_str(vm), ctx->done, ctx->nr_reports, ctx->nr_expected,
			ctx->error ? ", payload error" : "");
		if (ctx->nr_reports)
			fprintf(stderr, " (first %#llx)",
				(unsigned long long)ctx->reports[0]);
		fputc('\n', stderr);
		return -1;
	}
	return 0;
}

static void ctx_init(struct bench_ctx *ctx, unsigned int mode, unsigned int n)
{
	memset(ctx, 0, sizeof(*ctx));
	ctx->mode = mode;
	ctx->n = n;
	ctx->irqfd = -1;
	ctx->nr_expected = mode == BENCH_MODE_MMIO_SPLIT ? 2 * n : n;
	ctx->reports = xmalloc(ctx->nr_expected * sizeof(*ctx->reports));
	ctx->t_send = xmalloc(n * sizeof(*ctx->t_send));
}

static void ctx_free(struct bench_ctx *ctx)
{
	free(ctx->reports);
	free(ctx->t_send);
}

/*
 * MMIO_READ split in two (mode MMIO_SPLIT): the median way out (guest load
 * to the VMM's callback) and way back (callback to the guest's next
 * instruction), for the extras of "mmio read exit".
 */
static double split_out = -1, split_back = -1;

/* Modes 1-5 and 7: one VM each. */
static int bench_mode(unsigned int mode, unsigned int n, const char *row)
{
	struct gh_vm vm;
	struct bench_ctx ctx;
	double *v;
	unsigned int i;
	int ret, fd;

	progress("%s", row);
	memset(&vm, 0, sizeof(vm));
	ctx_init(&ctx, mode, n);
	if (mode == BENCH_MODE_IRQFD) {
		ctx.irqfd = gh_vm_declare_irqfd(&vm, BENCH_IRQFD_LABEL, BENCH_SPI, false);
		if (ctx.irqfd < 0) {
			fprintf(stderr, "gunyah-bench: declare irqfd: %s\n", strerror(-ctx.irqfd));
			ctx_free(&ctx);
			return ctx.irqfd;
		}
	}
	ret = vm_prepare(&vm, &ctx, BENCH_VM_MEM);
	if (ret) {
		vm_fail(&vm, row, ret);
		goto out;
	}
	if (mode == BENCH_MODE_IOEVENTFD) {
		fd = gh_vm_add_ioeventfd(&vm, BENCH_IOEVENT_ADDR, 4, 0, 0);
		if (fd < 0) {
			ret = vm_fail(&vm, "ioeventfd", fd);
			goto out;
		}
	}
	ret = gh_vm_start(&vm);
	if (ret) {
		vm_fail(&vm, row, ret);
		goto out;
	}
	ret = run_checked(&vm, &ctx, row);
	if (ret)
		goto out;

	v = xmalloc(n * sizeof(*v));
	if (mode == BENCH_MODE_MMIO_SPLIT) {
		double *back = xmalloc(n * sizeof(*back));

		for (i = 0; i < n; i++) {
			v[i] = bench_ticks_ns((double)(int64_t)(ctx.t_send[i] - ctx.reports[2 * i]));
			back[i] = bench_ticks_ns((double)(int64_t)(ctx.reports[2 * i + 1] -
							  ctx.t_send[i]));
		}
		qsort(v, n, sizeof(*v), bench_cmp_double);
		qsort(back, n, sizeof(*back), bench_cmp_double);
		split_out = bench_quantile(v, n, 0.5);
		split_back = bench_quantile(back, n, 0.5);
		free(back);
		free(v);
		goto out;
	}
	for (i = 0; i < n; i++) {
		uint64_t ticks = ctx.reports[i];

		if (mode == BENCH_MODE_IRQFD)
			ticks -= ctx.t_send[i];
		v[i] = bench_ticks_ns((double)(int64_t)ticks);
	}
	if (mode == BENCH_MODE_MMIO_READ && split_out >= 0) {
		char extra[96];

		snprintf(extra, sizeof(extra), "\"to_vmm\": %.1f, \"from_vmm\": %.1f",
			 split_out, split_back);
		bench_row(row, v, n, extra);
	} else {
		bench_row(row, v, n, NULL);
	}
	free(v);
out:
	gh_vm_destroy(&vm);
	gh_vm_free_mem(&vm);
	ctx_free(&ctx);
	return ret;
}

/* Lifecycle: @nvms VMs of 16 MiB running the FIRST_INSN mode. */
static int bench_lifecycle(unsigned int nvms)
{
	enum { CREATE, MEMORY, FIRST, EXIT, TEARDOWN, TOTAL, START_IOCTL, NR_PHASES };
	static const char * const rows[NR_PHASES] = {
		"vm create", "vm memory 16 MiB", "vm start to first instruction",
		"vm exit", "vm teardown", "vm lifecycle", NULL,
	};
	char extra[96];
	double *v[NR_PHASES];
	unsigned int i, k, ok = 0;
	int ret = 0;

	progress("%s", "vm lifecycle");
	for (k = 0; k < NR_PHASES; k++)
		v[k] = xmalloc(nvms * sizeof(double));

	for (i = 0; i < nvms; i++) {
		struct gh_vm vm;
		struct bench_ctx ctx;
		uint64_t t0, t1, t2, t3, t4, t4s = 0, t5, t6;

		memset(&vm, 0, sizeof(vm));
		ctx_init(&ctx, BENCH_MODE_FIRST_INSN, 1);
		t0 = bench_cntvct();
		ret = gh_vm_create(&vm, NULL);
		t1 = bench_cntvct();
		if (!ret)
			ret = gh_vm_alloc_mem(&vm, lifecycle_mem);
		if (!ret)
			ret = gh_vm_load_blob(&vm, image, image_len);
		if (!ret)
			ret = gh_vm_setup_dtb(&vm, 1, "gunyah-bench");
		t2 = bench_cntvct();
		if (!ret)
			ret = gh_vm_map_mem(&vm, GH_MEM_SHARE, 0);
		t3 = bench_cntvct();
		if (!ret)
			ret = gh_vm_set_dtb_config(&vm);
		if (!ret)
			ret = gh_vm_add_vcpus(&vm, 1);
		vm.mmio_fn = bench_mmio;
		vm.opaque = &ctx;
		t4 = bench_cntvct();
		if (!ret)
			ret = gh_vm_start(&vm);
		t4s = bench_cntvct();
		if (ret) {
			vm_fail(&vm, "lifecycle", ret);
		} else {
			ret = run_checked(&vm, &ctx, "lifecycle");
		}
		t5 = bench_cntvct();
		gh_vm_destroy(&vm);
		gh_vm_free_mem(&vm);
		t6 = bench_cntvct();
		if (!ret) {
			/*
			 * The VM and its vCPU (as KVM's row): GH_CREATE_VM, and
			 * the DTB config and vCPU function added after the
			 * memory (the driver wants them in that order).
			 */
			v[CREATE][ok] = bench_ticks_ns((t1 - t0) + (t4 - t3));
			/* mmap + image + DTB + GH_VM_SET_USER_MEM_REGION (pin) */
			v[MEMORY][ok] = bench_ticks_ns(t3 - t1);
			v[FIRST][ok] = bench_ticks_ns((double)(int64_t)(ctx.reports[0] - t4));
			v[EXIT][ok] = bench_ticks_ns(t5 - ctx.t_done);
			v[TEARDOWN][ok] = bench_ticks_ns(t6 - t5);
			v[TOTAL][ok] = bench_ticks_ns(t6 - t0);
			v[START_IOCTL][ok] = bench_ticks_ns(t4s - t4);
			ok++;
		}
		(void)t2;
		ctx_free(&ctx);
		if (ret)
			break;
	}
	if (ok) {
		qsort(v[START_IOCTL], ok, sizeof(double), bench_cmp_double);
		/* The part of FIRST spent in GH_VM_START (the RM calls). */
		snprintf(extra, sizeof(extra), "\"start_ioctl\": %.1f",
			 bench_quantile(v[START_IOCTL], ok, 0.5));
		bench_row(rows[TOTAL], v[TOTAL], ok, NULL);
		for (k = 0; k < TOTAL; k++)
			bench_row(rows[k], v[k], ok, k == FIRST ? extra : NULL);
	}
	for (k = 0; k < NR_PHASES; k++)
		free(v[k]);
	return ret;
}

/* "messages N packets M" of debugfs rm_stats; -1 when absent. */
static long long rm_messages(void)
{
	long long msgs = -1, packets;
	FILE *f = fopen(DEBUGFS_GUNYAH "/rm_stats", "r");

	if (!f)
		return -1;
	if (fscanf(f, "messages %lld packets %lld", &msgs, &packets) != 2)
		msgs = -1;
	fclose(f);
	return msgs;
}

static void xfer_row(const char *row, double *v, unsigned int n, long long msgs)
{
	char extra[128];
	double sorted_median;

	/* bench_row() sorts: compute the rate from the same median. */
	qsort(v, n, sizeof(*v), bench_cmp_double);
	sorted_median = bench_quantile(v, n, 0.5);
	if (msgs >= 0)
		snprintf(extra, sizeof(extra), "\"pages_per_s\": %.0f, \"rm_messages\": %lld",
			 (double)(XFER_MEM / 4096) * 1e9 / sorted_median, msgs);
	else
		snprintf(extra, sizeof(extra), "\"pages_per_s\": %.0f, \"rm_messages\": null",
			 (double)(XFER_MEM / 4096) * 1e9 / sorted_median);
	bench_row(row, v, n, extra);
}

/*
 * Share or lend 256 MiB to a started VM (its vCPU never runs): memory added
 * to a running VM goes to the RM at once (pin, parcel, MEM_SHARE/MEM_LEND
 * and MEM_APPENDs); lent memory is then taken back with
 * GH_VM_RECLAIM_REGION (MEM_RECLAIM, the hypervisor zeroes it).
 */
static int bench_xfer(bool lend, unsigned int rounds)
{
	const char *row = lend ? "lend 256 MiB" : "share 256 MiB";
	double *give = xmalloc(rounds * sizeof(double));
	double *reclaim = xmalloc(rounds * sizeof(double));
	long long give_msgs = -1, reclaim_msgs = -1, m0, m1, m2;
	unsigned int i, ok = 0;
	int ret = 0;

	progress("%s", row);
	for (i = 0; i < rounds; i++) {
		struct gh_vm vm;
		struct bench_ctx ctx;
		struct gunyah_userspace_memory_region region = {
			.label = XFER_LABEL,
			.flags = GH_MEM_ALLOW_READ | GH_MEM_ALLOW_WRITE | GH_MEM_ALLOW_EXEC,
			.guest_phys_addr = XFER_GPA,
			.memory_size = XFER_MEM,
		};
		struct gunyah_address_range range = {
			.guest_phys_addr = XFER_GPA,
			.size = XFER_MEM,
		};
		uint64_t t0, t1, t2, t3;
		void *mem;

		memset(&vm, 0, sizeof(vm));
		ctx_init(&ctx, BENCH_MODE_FIRST_INSN, 1);
		mem = mmap(NULL, XFER_MEM, PROT_READ | PROT_WRITE,
			   MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
		if (mem == MAP_FAILED) {
			perror("gunyah-bench: mmap 256 MiB");
			ret = -errno;
			ctx_free(&ctx);
			break;
		}
		region.userspace_addr = (uintptr_t)mem;
		ret = vm_prepare(&vm, &ctx, BENCH_VM_MEM);
		if (!ret)
			ret = gh_vm_start(&vm);
		if (ret) {
			vm_fail(&vm, row, ret);
			goto next;
		}
		m0 = rm_messages();
		t0 = bench_cntvct();
		ret = ioctl(vm.vm_fd, lend ? GH_VM_ANDROID_LEND_USER_MEM :
			    GH_VM_SET_USER_MEM_REGION, &region);
		t1 = bench_cntvct();
		m1 = rm_messages();
		if (ret < 0) {
			ret = -errno;
			fprintf(stderr, "gunyah-bench: %s: %s\n", row, strerror(errno));
			goto next;
		}
		t2 = bench_cntvct();
		ret = ioctl(vm.vm_fd, GH_VM_RECLAIM_REGION, &range);
		t3 = bench_cntvct();
		m2 = rm_messages();
		if (ret < 0) {
			ret = -errno;
			fprintf(stderr, "gunyah-bench: %s: reclaim: %s\n", row, strerror(errno));
			goto next;
		}
		give[ok] = bench_ticks_ns(t1 - t0);
		reclaim[ok] = bench_ticks_ns(t3 - t2);
		if (m0 >= 0) {
			give_msgs = m1 - m0;
			reclaim_msgs = m2 - m1;
		}
		ok++;
next:
		gh_vm_destroy(&vm);
		gh_vm_free_mem(&vm);
		munmap(mem, XFER_MEM);
		ctx_free(&ctx);
		if (ret)
			break;
	}
	if (ok) {
		xfer_row(row, give, ok, give_msgs);
		if (lend)
			xfer_row("reclaim 256 MiB", reclaim, ok, reclaim_msgs);
	}
	free(give);
	free(reclaim);
	return ret;
}

/* CONFIG_GUNYAH_DEBUGFS: bench_<name> runs @n iterations in the kernel. */
static int bench_debugfs(const char *name, unsigned int n, const char *row)
{
	char path[128], buf[128];
	unsigned long long cnt, median, p10, p90;
	ssize_t len;
	int fd;

	progress("%s", row);
	snprintf(path, sizeof(path), DEBUGFS_GUNYAH "/bench_%s", name);
	fd = open(path, O_RDWR);
	if (fd < 0) {
		fprintf(stderr, "gunyah-bench: %s: %s (CONFIG_GUNYAH_DEBUGFS?)\n",
			path, strerror(errno));
		return -errno;
	}
	len = snprintf(buf, sizeof(buf), "%u\n", n);
	if (write(fd, buf, len) != len) {
		fprintf(stderr, "gunyah-bench: %s: write: %s\n", path, strerror(errno));
		close(fd);
		return -EIO;
	}
	len = pread(fd, buf, sizeof(buf) - 1, 0);
	close(fd);
	if (len <= 0)
		return -EIO;
	buf[len] = 0;
	if (sscanf(buf, "%llu %llu %llu %llu", &cnt, &median, &p10, &p90) != 4)
		return -EIO;
	printf("BENCH {\"row\": \"%s\", \"unit\": \"ns\", \"median\": %llu, "
	       "\"p10\": %llu, \"p90\": %llu, \"n\": %llu, \"extra\": {}}\n",
	       row, median, p10, p90, cnt);
	fflush(stdout);
	return 0;
}

static int load_image(const char *path)
{
	struct stat st;
	int fd = open(path, O_RDONLY);

	if (fd < 0 || fstat(fd, &st) < 0) {
		fprintf(stderr, "gunyah-bench: %s: %s\n", path, strerror(errno));
		return -1;
	}
	image_len = st.st_size;
	image = xmalloc(image_len);
	if (read(fd, image, image_len) != (ssize_t)image_len) {
		fprintf(stderr, "gunyah-bench: %s: short read\n", path);
		close(fd);
		return -1;
	}
	close(fd);
	return 0;
}

int main(int argc, char **argv)
{
	unsigned int iters = 1000, vms = 20, rounds = 3, kiters = 2000;
	int opt, failed = 0;

	while ((opt = getopt(argc, argv, "n:l:m:k:s:")) != -1) {
		switch (opt) {
		case 'n':
			iters = strtoul(optarg, NULL, 0);
			break;
		case 'l':
			vms = strtoul(optarg, NULL, 0);
			break;
		case 'm':
			rounds = strtoul(optarg, NULL, 0);
			break;
		case 'k':
			kiters = strtoul(optarg, NULL, 0);
			break;
		case 's':
			lifecycle_mem = strtoul(optarg, NULL, 0) << 20;
			break;
		default:
			fprintf(stderr, "usage: %s [-n iters] [-l vms] [-m mem_rounds] "
				"[-k kernel_iters] [-s lifecycle_mib] [bench.bin]\n", argv[0]);
			return 2;
		}
	}
	if (optind < argc)
		image_path = argv[optind];
	if (!iters || !vms || !rounds || !kiters || load_image(image_path))
		return 2;
	setvbuf(stdout, NULL, _IOLBF, 0);
	fprintf(stderr, "gunyah-bench: CNTFRQ %llu Hz, %u iterations\n",
		(unsigned long long)bench_cntfrq(), iters);

	/* The in-kernel rows need debugfs. */
	if (access(DEBUGFS_GUNYAH, F_OK))
		mount("debugfs", DEBUGFS, "debugfs", 0, NULL);

	failed |= !!bench_mode(BENCH_MODE_MMIO_SPLIT, iters, "mmio read exit (split)");
	failed |= !!bench_mode(BENCH_MODE_MMIO_READ, iters, "mmio read exit");
	failed |= !!bench_mode(BENCH_MODE_IOEVENTFD, iters, "ioeventfd write exit");
	failed |= !!bench_mode(BENCH_MODE_HVC, iters, "guest hypercall");
	failed |= !!bench_mode(BENCH_MODE_IRQFD, iters / 4 ? iters / 4 : 1,
			       "irqfd to guest handler");
	failed |= !!bench_mode(BENCH_MODE_TIMER, iters / 10 ? iters / 10 : 1,
			       "guest timer latency");
	failed |= !!bench_debugfs("hyp_identify", kiters, "host hypercall");
	failed |= !!bench_debugfs("rm_get_vmid", kiters / 10 ? kiters / 10 : 1,
				  "rm rpc round trip");
	failed |= !!bench_debugfs("rm_max_message", kiters / 40 ? kiters / 40 : 1,
				  "rm rpc max message");
	failed |= !!bench_lifecycle(vms);
	failed |= !!bench_xfer(false, rounds);
	failed |= !!bench_xfer(true, rounds);
	fprintf(stderr, "gunyah-bench: %s\n", failed ? "FAILED (some rows missing)" : "done");
	return failed;
}
