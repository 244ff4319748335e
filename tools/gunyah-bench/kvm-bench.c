// SPDX-License-Identifier: GPL-2.0-only
/*
 * kvm-bench: the KVM side of `make bench`. A minimal VMM on /dev/kvm that
 * runs the bench payload (tools/testing/selftests/gunyah/guest/bench.c) on
 * the same guest platform as gunyah-vmm: RAM at GUEST_RAM_BASE, the test
 * device at GUEST_TESTDEV_BASE answered from userspace, an in-kernel
 * GICv3 at GUEST_GICD_BASE with its redistributors directly below.
 *
 *   kvm-bench [options] bench.bin
 *
 * One VM per measured mode (the payload runs one mode per boot), then
 * --vms VMs of the lifecycle. Prints one line per row on stdout:
 *   BENCH {"row": ..., "unit": "ns", "median": ..., "p10": ..., "p90": ...,
 *          "n": ..., "extra": {...}}
 *
 * Clocks. The guest stamps with CNTPCT_EL0, the host with CNTVCT_EL0 from
 * userspace; both read the same count, with no offset:
 *  - the guest's physical counter is untrapped while the VM has no
 *    physical counter offset (KVM_ARM_SET_COUNTER_OFFSET, unused here):
 *    nVHE __timer_enable_traps() sets CNTHCTL_EL2.EL1PCTEN when poffset is
 *    0, VHE timer_set_traps() traps only for a non-zero offset without
 *    FEAT_ECV (KVM 6.12).
 *  - the host's virtual counter: under VHE (E2H = TGE = 1) EL0 reads use a
 *    zero virtual offset; under nVHE (QEMU's cortex-a72 is ARMv8.0, so the
 *    bench kernel logs "Hyp nVHE mode initialized") KVM loads the guest's
 *    CNTVOFF_EL2 only while the vCPU is loaded and writes 0 back in
 *    kvm_timer_vcpu_put(), before the thread returns to userspace.
 * Checked empirically on every lifecycle VM: the guest's first-instruction
 * CNTPCT lies between the host's CNTVCT before KVM_RUN and at the exit of
 * that report (extra "counter_check" of "vm start to first instruction";
 * 20/20 under TCG with and without icount), so no constant to subtract.
 * Ticks become ns with CNTFRQ_EL0; under QEMU -icount shift=0 a ns is an
 * instruction.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <linux/kvm.h>

/* linux/psci.h (via asm/kvm.h) has a PSCI_VERSION(maj, min) of its own */
#undef PSCI_VERSION
#include "guest/guest.h"
#include "bench_common.h"

typedef uint64_t u64;
typedef uint32_t u32;

#define GUEST_RAM_SIZE		(16UL << 20)
#define TESTDEV_SIZE		0x1000
#define BENCH_MMIO_VALUE	0x600dcafeU	/* what BENCH_MMIO_ADDR reads */
#define NR_VCPUS		1

/* A core register's id for KVM_{GET,SET}_ONE_REG */
#define CORE_REG(x)	(KVM_REG_ARM64 | KVM_REG_SIZE_U64 | KVM_REG_ARM_CORE | \
			 KVM_REG_ARM_CORE_REG(x))

static int kvm_fd = -1;
static bool verbose;

static void die(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fputs("kvm-bench: ", stderr);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

/* An ioctl that must succeed: name it and errno on failure. */
#define xioctl(fd, req, arg) ({						\
	int __r = ioctl((fd), (req), (arg));				\
	if (__r < 0)							\
		die("%s: %s", #req, strerror(errno));			\
	__r;								\
})

struct vm {
	int fd, vcpu_fd, gic_fd;
	struct kvm_run *run;
	size_t run_size;
	void *mem;
	int ioevent_fd, irq_fd;		/* eventfds, -1 if unused */

	u64 arg;			/* what TESTDEV_ARG reads */
	u64 *reports;			/* TESTDEV_REPORT writes */
	u32 nr_reports, max_reports;
	u64 *sync_ticks;		/* host counter at each TESTDEV_SYNC */
	u32 nr_syncs;
	bool done;			/* TESTDEV_DONE seen */
	bool off;			/* PSCI SYSTEM_OFF seen */

	/* host counter stamps */
	u64 t_first_run;		/* just before the first KVM_RUN */
	u64 t_first_report;		/* at the first TESTDEV_REPORT exit */
	u64 t_done_resume;		/* just before the KVM_RUN after DONE */
	u64 t_off;			/* KVM_RUN returned with SYSTEM_OFF */
};

static void *payload;
static size_t payload_size;

static void load_payload(const char *path)
{
	struct stat st;
	int fd;

	fd = open(path, O_RDONLY);
	if (fd < 0 || fstat(fd, &st) < 0)
		die("%s: %s", path, strerror(errno));
	if ((size_t)st.st_size > GUEST_RAM_SIZE / 2)
		die("%s: too large for %lu MiB of guest RAM", path, GUEST_RAM_SIZE >> 20);
	payload_size = st.st_size;
	payload = malloc(payload_size);
	if (!payload || read(fd, payload, payload_size) != (ssize_t)payload_size)
		die("%s: read failed", path);
	close(fd);
}

static void gic_set_addr(struct vm *vm, u64 type, u64 addr)
{
	struct kvm_device_attr attr = {
		.group = KVM_DEV_ARM_VGIC_GRP_ADDR,
		.attr = type,
		.addr = (u64)(unsigned long)&addr,
	};

	xioctl(vm->gic_fd, KVM_SET_DEVICE_ATTR, &attr);
}

/* "vm create": the VM, its vGICv3 and one initialised vCPU. */
static void vm_create(struct vm *vm)
{
	struct kvm_create_device gic = { .type = KVM_DEV_TYPE_ARM_VGIC_V3 };
	struct kvm_device_attr init = {
		.group = KVM_DEV_ARM_VGIC_GRP_CTRL,
		.attr = KVM_DEV_ARM_VGIC_CTRL_INIT,
	};
	struct kvm_vcpu_init vcpu_init;

	vm->ioevent_fd = -1;
	vm->irq_fd = -1;
	/* Type 0: the default 40-bit IPA space, plenty for 0x80000000 + 16M */
	vm->fd = xioctl(kvm_fd, KVM_CREATE_VM, 0UL);
	xioctl(vm->fd, KVM_CREATE_DEVICE, &gic);
	vm->gic_fd = gic.fd;
	gic_set_addr(vm, KVM_VGIC_V3_ADDR_TYPE_DIST, GUEST_GICD_BASE);
	gic_set_addr(vm, KVM_VGIC_V3_ADDR_TYPE_REDIST, GUEST_GICR_BASE(NR_VCPUS));

	vm->vcpu_fd = xioctl(vm->fd, KVM_CREATE_VCPU, 0UL);
	vm->run = mmap(NULL, vm->run_size, PROT_READ | PROT_WRITE, MAP_SHARED,
		       vm->vcpu_fd, 0);
	if (vm->run == MAP_FAILED)
		die("mmap(kvm_run): %s", strerror(errno));
	xioctl(vm->fd, KVM_ARM_PREFERRED_TARGET, &vcpu_init);
	/* PSCI 0.2+ in the kernel: PSCI_VERSION and SYSTEM_OFF via hvc */
	vcpu_init.features[0] |= 1U << KVM_ARM_VCPU_PSCI_0_2;
	xioctl(vm->vcpu_fd, KVM_ARM_VCPU_INIT, &vcpu_init);

	/* After the vCPUs exist: sizes the redistributors, default routing */
	xioctl(vm->gic_fd, KVM_SET_DEVICE_ATTR, &init);
}

/*
 * "vm memory 16 MiB": anonymous memory behind one memslot. Not
 * pre-faulted: KVM maps stage 2 on the guest's first touches, which is
 * part of how a KVM VM gets its memory.
 */
static void vm_memory(struct vm *vm)
{
	struct kvm_userspace_memory_region region = {
		.slot = 0,
		.guest_phys_addr = GUEST_RAM_BASE,
		.memory_size = GUEST_RAM_SIZE,
	};

	vm->mem = mmap(NULL, GUEST_RAM_SIZE, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (vm->mem == MAP_FAILED)
		die("mmap(guest RAM): %s", strerror(errno));
	region.userspace_addr = (u64)(unsigned long)vm->mem;
	xioctl(vm->fd, KVM_SET_USER_MEMORY_REGION, &region);
}

/* Payload at the RAM base, PC there, x0 = 0: bench.bin needs no DTB. */
static void vm_load(struct vm *vm, u64 arg, u32 max_reports)
{
	u64 pc = GUEST_RAM_BASE, x0 = 0;
	struct kvm_one_reg reg;

	memcpy(vm->mem, payload, payload_size);
	reg.id = CORE_REG(regs.pc);
	reg.addr = (u64)(unsigned long)&pc;
	xioctl(vm->vcpu_fd, KVM_SET_ONE_REG, &reg);
	reg.id = CORE_REG(regs.regs[0]);
	reg.addr = (u64)(unsigned long)&x0;
	xioctl(vm->vcpu_fd, KVM_SET_ONE_REG, &reg);

	vm->arg = arg;
	vm->max_reports = max_reports;
	vm->reports = calloc(max_reports, sizeof(*vm->reports));
	vm->sync_ticks = calloc(max_reports, sizeof(*vm->sync_ticks));
	if (!vm->reports || !vm->sync_ticks)
		die("out of memory");
}

/* Guest writes to BENCH_IOEVENT_ADDR complete in the kernel. */
static void vm_add_ioeventfd(struct vm *vm)
{
	struct kvm_ioeventfd ioev = {
		.addr = BENCH_IOEVENT_ADDR,
		.len = 4,
	};

	vm->ioevent_fd = eventfd(0, EFD_NONBLOCK);
	if (vm->ioevent_fd < 0)
		die("eventfd: %s", strerror(errno));
	ioev.fd = vm->ioevent_fd;
	xioctl(vm->fd, KVM_IOEVENTFD, &ioev);
}

/*
 * SPI BENCH_SPI on an eventfd. The vGIC's default routing (set up by
 * CTRL_INIT) maps gsi n to irqchip pin n, and pin n is SPI INTID n + 32
 * (Documentation/virt/kvm/api.rst, KVM_IRQFD): gsi = BENCH_SPI.
 */
static void vm_add_irqfd(struct vm *vm)
{
	struct kvm_irqfd irqfd = { .gsi = BENCH_SPI };

	vm->irq_fd = eventfd(0, EFD_NONBLOCK);
	if (vm->irq_fd < 0)
		die("eventfd: %s", strerror(errno));
	irqfd.fd = vm->irq_fd;
	xioctl(vm->fd, KVM_IRQFD, &irqfd);
}

static void testdev_write(struct vm *vm, u64 off, u64 val)
{
	switch (off) {
	case TESTDEV_REPORT:
		if (!vm->nr_reports)
			vm->t_first_report = bench_cntvct();
		if (vm->nr_reports < vm->max_reports)
			vm->reports[vm->nr_reports++] = val;
		break;
	case TESTDEV_DONE:
		if (val != TESTDEV_DONE_MAGIC)
			die("guest: TESTDEV_DONE %#llx", (unsigned long long)val);
		vm->done = true;
		break;
	case TESTDEV_SYNC: {
		u64 one = 1;

		/* irqfd mode: stamp, then raise the SPI from the host */
		if (vm->irq_fd < 0 || vm->nr_syncs >= vm->max_reports)
			die("guest: unexpected TESTDEV_SYNC %llu", (unsigned long long)val);
		vm->sync_ticks[vm->nr_syncs++] = bench_cntvct();
		if (write(vm->irq_fd, &one, sizeof(one)) != sizeof(one))
			die("irqfd write: %s", strerror(errno));
		break;
	}
	default:
		die("guest: write of %#llx to test device offset %#llx",
		    (unsigned long long)val, (unsigned long long)off);
	}
}

static void handle_mmio(struct vm *vm)
{
	struct kvm_run *run = vm->run;
	u64 addr = run->mmio.phys_addr, val = 0;
	u32 len = run->mmio.len;

	if (addr >= GUEST_TESTDEV_BASE && addr < GUEST_TESTDEV_BASE + TESTDEV_SIZE) {
		u64 off = addr - GUEST_TESTDEV_BASE;

		if (run->mmio.is_write) {
			memcpy(&val, run->mmio.data, len);
			testdev_write(vm, off, val);
			return;
		}
		if (off != TESTDEV_ARG)
			die("guest: read of test device offset %#llx", (unsigned long long)off);
		memcpy(run->mmio.data, &vm->arg, len);
		return;
	}
	if (addr == BENCH_MMIO_ADDR && !run->mmio.is_write) {
		val = BENCH_MMIO_VALUE;
		memcpy(run->mmio.data, &val, len);
		return;
	}
	die("guest: unhandled MMIO %s of %u bytes at %#llx", run->mmio.is_write ?
	    "write" : "read", len, (unsigned long long)addr);
}

/* Run until PSCI SYSTEM_OFF. */
static void vm_run(struct vm *vm)
{
	struct kvm_run *run = vm->run;
	bool first = true;
	u64 t;

	while (!vm->off) {
		t = bench_cntvct();
		if (first)
			vm->t_first_run = t;
		else if (vm->done && !vm->t_done_resume)
			vm->t_done_resume = t;
		first = false;
		if (ioctl(vm->vcpu_fd, KVM_RUN, NULL) < 0) {
			if (errno == EINTR || errno == EAGAIN)
				continue;
			die("KVM_RUN: %s", strerror(errno));
		}
		switch (run->exit_reason) {
		case KVM_EXIT_MMIO:
			handle_mmio(vm);
			break;
		case KVM_EXIT_SYSTEM_EVENT:
			vm->t_off = bench_cntvct();
			if (run->system_event.type != KVM_SYSTEM_EVENT_SHUTDOWN)
				die("guest: system event %u", run->system_event.type);
			vm->off = true;
			break;
		case KVM_EXIT_INTR:
			break;
		default:
			die("KVM_RUN: exit reason %u", run->exit_reason);
		}
	}
	if (!vm->done)
		die("guest powered off without TESTDEV_DONE");
}

/* "vm teardown": unmap what pins the fds, close them, free guest RAM. */
static void vm_destroy(struct vm *vm)
{
	munmap(vm->run, vm->run_size);
	close(vm->vcpu_fd);
	close(vm->gic_fd);
	if (vm->ioevent_fd >= 0)
		close(vm->ioevent_fd);
	if (vm->irq_fd >= 0)
		close(vm->irq_fd);
	/* The last reference: kvm_destroy_vm() runs here */
	close(vm->fd);
	munmap(vm->mem, GUEST_RAM_SIZE);
}

static void vm_free(struct vm *vm)
{
	free(vm->reports);
	free(vm->sync_ticks);
}

/* One BENCH line (bench_common.h) with a formatted "extra". */
static void print_row(const char *row, double *ns, u32 n, const char *extra_fmt, ...)
{
	char extra[256];
	va_list ap;

	if (!n) {
		fprintf(stderr, "kvm-bench: %s: no samples\n", row);
		return;
	}
	va_start(ap, extra_fmt);
	vsnprintf(extra, sizeof(extra), extra_fmt, ap);
	va_end(ap);
	bench_row(row, ns, n, extra);
}

static bool report_is_error(u64 v)
{
	return IRQT_TAG(v) == IRQT_TAG_ERROR;
}

/* One VM running one mode for n iterations; one row from its reports. */
static void bench_mode(u32 mode, u32 n, const char *row)
{
	struct vm vm = { .run_size = ioctl(kvm_fd, KVM_GET_VCPU_MMAP_SIZE, 0) };
	double *ns;
	u32 i, m = 0;

	fprintf(stderr, "kvm-bench: %s: %u iterations\n", row, n);

	vm_create(&vm);
	vm_memory(&vm);
	vm_load(&vm, BENCH_ARG(mode, n), n + 1);
	if (mode == BENCH_MODE_IOEVENTFD)
		vm_add_ioeventfd(&vm);
	if (mode == BENCH_MODE_IRQFD)
		vm_add_irqfd(&vm);
	vm_run(&vm);

	ns = calloc(vm.nr_reports + 1, sizeof(*ns));
	if (!ns)
		die("out of memory");
	for (i = 0; i < vm.nr_reports; i++) {
		u64 v = vm.reports[i];

		if (report_is_error(v))
			die("%s: guest error %llu", row,
			    (unsigned long long)IRQT_VALUE(v));
		if (mode == BENCH_MODE_IRQFD) {
			/* t_recv (guest) - t_send (host, at SYNC i + 1) */
			if (i >= vm.nr_syncs || v < vm.sync_ticks[i])
				die("%s: report %u (%llu) before its signal", row, i,
				    (unsigned long long)v);
			v -= vm.sync_ticks[i];
		}
		ns[m++] = bench_ticks_ns(v);
	}
	if (m != n)
		fprintf(stderr, "kvm-bench: %s: %u reports for %u iterations\n", row, m, n);
	print_row(row, ns, m, "\"cntfrq\": %llu", (unsigned long long)bench_cntfrq());
	free(ns);
	vm_destroy(&vm);
	vm_free(&vm);
}

/*
 * The lifecycle: nr VMs each created, given 16 MiB, started in the
 * FIRST_INSN mode (the payload's first instruction stamps CNTPCT and
 * reports it), run to SYSTEM_OFF and torn down. Host stamps between the
 * phases; the payload copy and register setup count in "vm lifecycle"
 * only.
 */
enum { P_CREATE, P_MEMORY, P_FIRST_INSN, P_EXIT, P_TEARDOWN, P_TOTAL, NR_PHASES };

static const char *const phase_rows[NR_PHASES] = {
	[P_CREATE] = "vm create",
	[P_MEMORY] = "vm memory 16 MiB",
	[P_FIRST_INSN] = "vm start to first instruction",
	[P_EXIT] = "vm exit",
	[P_TEARDOWN] = "vm teardown",
	[P_TOTAL] = "vm lifecycle",
};

static void bench_lifecycle(u32 nr)
{
	size_t run_size = ioctl(kvm_fd, KVM_GET_VCPU_MMAP_SIZE, 0);
	double *ns[NR_PHASES];
	u32 i, p, in_window = 0;
	long long min_skew = 0, max_skew = 0;

	fprintf(stderr, "kvm-bench: vm lifecycle: %u VMs\n", nr);
	for (p = 0; p < NR_PHASES; p++) {
		ns[p] = calloc(nr, sizeof(double));
		if (!ns[p])
			die("out of memory");
	}
	for (i = 0; i < nr; i++) {
		struct vm vm = { .run_size = run_size };
		u64 t0, t1, t2, t5, first;

		t0 = bench_cntvct();
		vm_create(&vm);
		t1 = bench_cntvct();
		vm_memory(&vm);
		t2 = bench_cntvct();
		vm_load(&vm, BENCH_ARG(BENCH_MODE_FIRST_INSN, 1), 2);
		vm_run(&vm);
		vm_destroy(&vm);
		t5 = bench_cntvct();

		if (vm.nr_reports != 1 || report_is_error(vm.reports[0]))
			die("lifecycle: VM %u: bad first-instruction report", i);
		first = vm.reports[0];
		/* The counter check: t_first_run <= first <= t_first_report */
		if (first >= vm.t_first_run && first <= vm.t_first_report)
			in_window++;
		if (!i || (long long)(first - vm.t_first_run) < min_skew)
			min_skew = first - vm.t_first_run;
		if (!i || (long long)(first - vm.t_first_report) > max_skew)
			max_skew = first - vm.t_first_report;
		if (verbose)
			fprintf(stderr,
				"kvm-bench: VM %u: host before KVM_RUN %llu, guest first insn %llu, host at report %llu\n",
				i, (unsigned long long)vm.t_first_run,
				(unsigned long long)first,
				(unsigned long long)vm.t_first_report);

		ns[P_CREATE][i] = bench_ticks_ns(t1 - t0);
		ns[P_MEMORY][i] = bench_ticks_ns(t2 - t1);
		ns[P_FIRST_INSN][i] = bench_ticks_ns((double)(long long)(first - vm.t_first_run));
		ns[P_EXIT][i] = bench_ticks_ns(vm.t_off - vm.t_done_resume);
		ns[P_TEARDOWN][i] = bench_ticks_ns(t5 - vm.t_off);
		ns[P_TOTAL][i] = bench_ticks_ns(t5 - t0);
		vm_free(&vm);
	}
	if (in_window != nr)
		fprintf(stderr,
			"kvm-bench: counter check: %u of %u first-instruction stamps outside [before KVM_RUN, report exit] (skew %lld..%lld ticks)\n",
			nr - in_window, nr, min_skew, max_skew);
	for (p = 0; p < NR_PHASES; p++) {
		if (p == P_FIRST_INSN)
			print_row(phase_rows[p], ns[p], nr,
				  "\"vms\": %u, \"counter_check\": \"%u/%u\"",
				  nr, in_window, nr);
		else if (p == P_EXIT)
			print_row(phase_rows[p], ns[p], nr,
				  "\"vms\": %u, \"from\": \"KVM_RUN after TESTDEV_DONE\"", nr);
		else
			print_row(phase_rows[p], ns[p], nr, "\"vms\": %u", nr);
		free(ns[p]);
	}
}

static void usage(void)
{

	fprintf(stderr,
		"Usage: kvm-bench [options] bench.bin\n"
		"  -n, --iters N      iterations of the mmio, ioeventfd, hvc modes (default 1000);\n"
		"                     irqfd and timer default to N/4 and N/10\n"
		"  --irq-iters N      iterations of the irqfd mode\n"
		"  --timer-iters N    iterations of the timer mode\n"
		"  -l, --vms N        VMs of the lifecycle (default 20)\n"
		"  -m N, -k N         gunyah-bench's share/lend rounds and in-kernel loops:\n"
		"                     accepted (bench.sh passes one set to both), ignored\n"
		"  --only LIST        comma-separated subset of mmio,ioeventfd,hvc,irqfd,timer,lifecycle\n"
		"  --verbose          counter stamps of every lifecycle VM on stderr\n");
	exit(2);
}

static bool selected(const char *only, const char *name)
{
	size_t len = strlen(name);
	const char *p = only;

	if (!only)
		return true;
	while ((p = strstr(p, name))) {
		if ((p == only || p[-1] == ',') && (p[len] == ',' || !p[len]))
			return true;
		p += len;
	}
	return false;
}

static u32 parse_u32(const char *s, const char *opt)
{
	char *end;
	unsigned long v = strtoul(s, &end, 0);

	if (!*s || *end || !v || v > 1000000)
		die("%s: bad count '%s'", opt, s);
	return v;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "iters", required_argument, NULL, 'n' },
		{ "irq-iters", required_argument, NULL, 'q' },
		{ "timer-iters", required_argument, NULL, 't' },
		{ "vms", required_argument, NULL, 'l' },
		{ "only", required_argument, NULL, 'o' },
		{ "verbose", no_argument, NULL, 'V' },
		{ "help", no_argument, NULL, 'h' },
		{ }
	};
	u32 iters = 1000, irq_iters = 0, timer_iters = 0, vms = 20;
	const char *only = NULL;
	int c, ver;

	while ((c = getopt_long(argc, argv, "n:l:m:k:h", opts, NULL)) != -1) {
		switch (c) {
		case 'n':
			iters = parse_u32(optarg, "--iters");
			break;
		case 'q':
			irq_iters = parse_u32(optarg, "--irq-iters");
			break;
		case 't':
			timer_iters = parse_u32(optarg, "--timer-iters");
			break;
		case 'l':
			vms = parse_u32(optarg, "--vms");
			break;
		case 'm':
		case 'k':
			break;
		case 'o':
			only = optarg;
			break;
		case 'V':
			verbose = true;
			break;
		default:
			usage();
		}
	}
	if (optind != argc - 1)
		usage();
	/* The irqfd and timer rounds cost far more guest time each */
	if (!irq_iters)
		irq_iters = iters / 4 ? iters / 4 : 1;
	if (!timer_iters)
		timer_iters = iters / 10 ? iters / 10 : 1;
	load_payload(argv[optind]);

	kvm_fd = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	if (kvm_fd < 0)
		die("/dev/kvm: %s", strerror(errno));
	ver = ioctl(kvm_fd, KVM_GET_API_VERSION, 0);
	if (ver != KVM_API_VERSION)
		die("KVM_GET_API_VERSION: %d, expected %d", ver, KVM_API_VERSION);
	if (ioctl(kvm_fd, KVM_CHECK_EXTENSION, KVM_CAP_IRQFD) <= 0 ||
	    ioctl(kvm_fd, KVM_CHECK_EXTENSION, KVM_CAP_IOEVENTFD) <= 0)
		die("KVM without irqfd/ioeventfd");
	if (!bench_cntfrq())
		die("CNTFRQ_EL0 is 0");

	if (selected(only, "mmio"))
		bench_mode(BENCH_MODE_MMIO_READ, iters, "mmio read exit");
	if (selected(only, "ioeventfd"))
		bench_mode(BENCH_MODE_IOEVENTFD, iters, "ioeventfd write exit");
	if (selected(only, "hvc"))
		bench_mode(BENCH_MODE_HVC, iters, "guest hypercall");
	if (selected(only, "irqfd"))
		bench_mode(BENCH_MODE_IRQFD, irq_iters, "irqfd to guest handler");
	if (selected(only, "timer"))
		bench_mode(BENCH_MODE_TIMER, timer_iters, "guest timer latency");
	if (selected(only, "lifecycle"))
		bench_lifecycle(vms);
	return 0;
}
