// SPDX-License-Identifier: GPL-2.0-only
/*
 * Interrupts and events of Gunyah guests, with bare-metal payloads that
 * drive the guest's virtual GICv3 (guest/gic.c):
 *
 *  - irqfd_edge, irqfd_level: an eventfd write raises a guest SPI through a
 *    doorbell; the guest's handler sees it exactly as often as signalled
 *    (edge; a signal before the VM starts does not wedge it; level: one
 *    interrupt per signal, a signal while the SPI is masked taken once
 *    unmasked, and no interrupt without a signal).
 *  - ioeventfd_match, ioeventfd_datamatch: guest stores that match an
 *    ioeventfd signal its eventfd and never reach the VMM; the others do
 *    (ioeventfd_none: all of them without ioeventfds).
 *  - timer_interrupt: the virtual timer's PPI wakes the guest from WFI.
 *  - ipi: an SGI from one vCPU to another and back.
 *
 * Skipped without /dev/gunyah, while the driver lacks an ioctl or function
 * the test needs (ENOTTY, EOPNOTSUPP; ENOENT for an unknown function type)
 * and while the hypervisor does not emulate the guest's GIC (its accesses
 * reach the VMM as MMIO).
 */

#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "gunyah_vmm_lib.h"
#include "gunyah_test_util.h"
#include "guest/guest.h"
#include "guest/ioevent.h"

#include "../kselftest_harness.h"

#define RUN_TIMEOUT_MS	20000
#define GUEST_MEM	(1024UL * 1024)
#define WHY_LEN		512
#define MAX_REPORTS	64
#define EDGE_ROUNDS	6
#define LEVEL_SIGNALS	6
#define TIMER_ROUNDS	5
#define SIGNAL_DELAY_US	5000
/* WFIs per timer round: a WFI that does not sleep loops thousands of times */
#define TIMER_MAX_WFIS	50

struct irq_ctx {
	__u64 arg;		/* TESTDEV_ARG */
	int irqfd;		/* index in vm->irqfd[] rung on TESTDEV_SYNC */
	int signals;		/* eventfd writes done */
	int signal_err;		/* first failed eventfd write: -errno */
	bool gic_exit;		/* a GICD/GICR access reached the VMM */
	/*
	 * Odd steps are signalled from another thread after a delay, so that
	 * the vCPU is asleep in WFI and must be woken; even ones at once.
	 */
	int pipe[2];
	pthread_t signaller;
	bool has_signaller;
};

static void ring(struct gh_vm *vm, struct irq_ctx *ctx)
{
	int ret = gh_vm_irqfd_signal(vm, ctx->irqfd);

	if (ret && !ctx->signal_err)
		ctx->signal_err = ret;
	if (!ret)
		__atomic_add_fetch(&ctx->signals, 1, __ATOMIC_RELAXED);
}

struct signaller_arg {
	struct gh_vm *vm;
	struct irq_ctx *ctx;
};

static void *signaller(void *p)
{
	struct signaller_arg a = *(struct signaller_arg *)p;
	sigset_t set;
	char c;

	free(p);
	sigfillset(&set);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	while (read(a.ctx->pipe[0], &c, 1) == 1) {
		usleep(SIGNAL_DELAY_US);
		ring(a.vm, a.ctx);
	}
	return NULL;
}

static bool in_gic(__u64 addr)
{
	return addr >= GUEST_GICR_BASE(GUEST_MAX_CPUS) &&
	       addr < GUEST_GICD_BASE + 0x10000;
}

static bool testdev_mmio(struct gh_vm *vm, int vcpu, __u64 addr,
			 __u32 len, bool is_write, __u64 *data)
{
	struct irq_ctx *ctx = vm->opaque;
	__u64 off = addr - GUEST_TESTDEV_BASE;

	if (in_gic(addr)) {
		ctx->gic_exit = true;
		if (!is_write)
			*data = 0;
		return true;
	}
	if (addr < GUEST_TESTDEV_BASE || off >= 0x1000)
		return false;
	if (!is_write) {
		*data = off == TESTDEV_ARG ? ctx->arg : 0;
		return true;
	}
	if (off == TESTDEV_SYNC) {
		if (ctx->has_signaller && (*data & 1)) {
			if (write(ctx->pipe[1], "s", 1) != 1 && !ctx->signal_err)
				ctx->signal_err = -errno;
		} else {
			ring(vm, ctx);
		}
	}
	return true;
}

/* What the guest reported through TESTDEV_REPORT, with the reporting vCPU. */
struct reports {
	__u64 v[MAX_REPORTS];
	int vcpu[MAX_REPORTS];
	int n;
	int nr_error;
	char why[WHY_LEN];	/* the first error, decoded */
};

static void collect(struct gh_vm *vm, struct reports *r)
{
	int i;

	memset(r, 0, sizeof(*r));
	for (i = 0; i < vm->mmio_count && r->n < MAX_REPORTS; i++) {
		struct gh_mmio_rec *rec = &vm->mmio_log[i];

		if (rec->addr != GUEST_TESTDEV_BASE + TESTDEV_REPORT || !rec->is_write)
			continue;
		if (IRQT_TAG(rec->data) == IRQT_TAG_ERROR && !r->nr_error++) {
			__u64 code = IRQT_VALUE(rec->data);
			const char *what = "";

			/* an exception report is followed by ESR and ELR */
			if ((code & 0xff) == IRQT_ERR_EXCEPTION)
				what = ", see the ESR and ELR reports";
			else if ((code & 0xff) == IRQT_ERR_TIMEOUT)
				what = ": an interrupt did not come";
			snprintf(r->why, sizeof(r->why),
				 "vCPU %d: guest error %llu (vector %#llx)%s",
				 rec->vcpu, code & 0xff, code >> 8, what);
		}
		r->vcpu[r->n] = rec->vcpu;
		r->v[r->n++] = rec->data;
	}
}

/* The irq payload's TESTDEV_IRQ_EARLY word, or -1. */
static long long irq_early(struct gh_vm *vm)
{
	int i;

	for (i = 0; i < vm->mmio_count; i++) {
		if (vm->mmio_log[i].addr == GUEST_TESTDEV_BASE + TESTDEV_IRQ_EARLY &&
		    vm->mmio_log[i].is_write)
			return vm->mmio_log[i].data;
	}
	return -1;
}

static void log_reports(struct __test_metadata *_metadata, const struct reports *r)
{
	int i;

	for (i = 0; i < r->n; i++)
		TH_LOG("report %d (vCPU %d): %#llx", i, r->vcpu[i],
		       (unsigned long long)r->v[i]);
}

FIXTURE(irq) {
	struct gh_vm vm;
	struct irq_ctx ctx;
	bool booted;
};

FIXTURE_SETUP(irq)
{
	int r;

	memset(&self->vm, 0, sizeof(self->vm));
	self->vm.vm_fd = -1;
	self->vm.dev_fd = -1;
	memset(&self->ctx, 0, sizeof(self->ctx));
	self->ctx.pipe[0] = -1;
	self->ctx.pipe[1] = -1;
	self->ctx.irqfd = -1;
	r = gh_test_no_gunyah();
	if (r > 0)
		SKIP(return, GUNYAH_DEV " not present: not running on Gunyah");
	ASSERT_EQ(r, 0) TH_LOG("open " GUNYAH_DEV ": %s", strerror(-r));
}

static void stop_signaller(struct irq_ctx *ctx)
{
	if (ctx->pipe[1] >= 0)
		close(ctx->pipe[1]);
	ctx->pipe[1] = -1;
	if (ctx->has_signaller)
		pthread_join(ctx->signaller, NULL);
	ctx->has_signaller = false;
	if (ctx->pipe[0] >= 0)
		close(ctx->pipe[0]);
	ctx->pipe[0] = -1;
}

FIXTURE_TEARDOWN(irq)
{
	stop_signaller(&self->ctx);
	if (self->booted) {
		gh_vm_destroy(&self->vm);
		gh_vm_free_mem(&self->vm);
	}
}

/* Called after gh_vm_create(), before the DTB: irqfds, ioeventfds. */
typedef int (*setup_fn)(struct gh_vm *vm, void *arg);

static bool skippable(struct gh_vm *vm, int err)
{
	if (gh_test_not_implemented(err))
		return true;
	/* the driver's answer to a function type it does not know */
	return err == ENOENT && vm->err_what && strstr(vm->err_what, "ADD_FUNCTION");
}

/*
 * Boot and run @payload to its end: 0 when it ran, 1 when a step is not
 * implemented yet (skip), -1 on failure; @why says what happened.
 */
static int boot_run(struct gh_vm *vm, struct irq_ctx *ctx, const char *payload,
		    int vcpus, setup_fn setup, void *arg, char *why)
{
	enum gh_run_end end;
	size_t len = 0;
	void *image;
	int ret;

	image = gh_test_load_payload(payload, &len);
	if (!image) {
		snprintf(why, WHY_LEN, "payload %s.bin not found", payload);
		return -1;
	}
	ret = gh_vm_create(vm, GUNYAH_DEV);
	vm->mmio_fn = testdev_mmio;
	vm->opaque = ctx;
	if (!ret)
		ret = gh_vm_alloc_mem(vm, GUEST_MEM);
	if (!ret)
		ret = gh_vm_load_blob(vm, image, len);
	free(image);
	if (!ret && setup)
		ret = setup(vm, arg);
	if (!ret)
		ret = gh_vm_setup_dtb(vm, vcpus, "gunyah-irq-test");
	if (!ret)
		ret = gh_vm_map_mem(vm, GH_MEM_SHARE, 0);
	if (!ret)
		ret = gh_vm_set_dtb_config(vm);
	if (!ret)
		ret = gh_vm_add_vcpus(vm, vcpus);
	if (!ret)
		ret = gh_vm_start(vm);
	if (ret) {
		snprintf(why, WHY_LEN, "%s: %s%s", vm->err_what, strerror(-ret),
			 skippable(vm, -ret) ? " (not implemented yet)" : "");
		return skippable(vm, -ret) ? 1 : -1;
	}
	end = gh_vm_run(vm, RUN_TIMEOUT_MS);
	stop_signaller(ctx);
	snprintf(why, WHY_LEN, "%s; console: \"%.*s\"", gh_end_str(vm),
		 (int)vm->uart_len, vm->uart_buf);
	if (end == GH_END_ERROR && gh_test_not_implemented(vm->err))
		return 1;
	if (ctx->gic_exit) {
		snprintf(why, WHY_LEN,
			 "the hypervisor does not emulate the guest's GICv3 (GICD/GICR accesses exit to the VMM)");
		return 1;
	}
	return 0;
}

/* PSCI SYSTEM_OFF: the RM's exit type 1 (PLATFORM_OFF), nothing else */
static bool exited_off(struct gh_vm *vm)
{
	return vm->end == GH_END_EXITED && vm->status == GUNYAH_VM_STATUS_EXITED &&
	       vm->exit_type == 1;
}

/* ---- irqfd ---- */

struct irqfd_setup {
	__u32 spi;
	bool level;
	bool ring_before_start;	/* add the irqfd and signal it before start */
};

static int declare_irqfd(struct gh_vm *vm, void *p)
{
	struct irqfd_setup *s = p;
	struct irq_ctx *ctx = vm->opaque;
	struct signaller_arg *a;
	int i;

	/* label = SPI number: away from the UART's label 1 */
	i = gh_vm_declare_irqfd(vm, s->spi, s->spi, s->level);
	if (i < 0) {
		vm->err_what = "gh_vm_declare_irqfd";
		return i;
	}
	ctx->irqfd = i;
	if (s->ring_before_start) {
		/* gh_vm_start() then finds it added */
		i = gh_vm_add_irqfds(vm);
		if (i)
			return i;
		ring(vm, ctx);
	}
	if (pipe(ctx->pipe))
		return -errno;
	a = malloc(sizeof(*a));
	if (!a)
		return -ENOMEM;
	a->vm = vm;
	a->ctx = ctx;
	if (pthread_create(&ctx->signaller, NULL, signaller, a)) {
		free(a);
		return -EAGAIN;
	}
	ctx->has_signaller = true;
	return 0;
}

/*
 * EDGE_ROUNDS single eventfd writes, half of them while the vCPU sleeps in
 * WFI: each raises SPI IRQTEST_EDGE_SPI once, the handler finds it no longer
 * pending, and no interrupt comes without a write.
 */
TEST_F_TIMEOUT(irq, irqfd_edge, 60)
{
	struct irqfd_setup s = { IRQTEST_EDGE_SPI, false };
	__u32 intid = GUEST_SPI_INTID(IRQTEST_EDGE_SPI);
	struct reports r;
	char why[WHY_LEN];
	int ret, i;

	self->ctx.arg = IRQTEST_ARG(IRQTEST_EDGE_SPI, 0, EDGE_ROUNDS);
	ret = boot_run(&self->vm, &self->ctx, "irq", 1, declare_irqfd, &s, why);
	self->booted = true;
	if (ret > 0)
		SKIP(return, "%s", why);
	ASSERT_EQ(ret, 0) TH_LOG("%s", why);
	TH_LOG("%s", why);
	collect(&self->vm, &r);
	log_reports(_metadata, &r);
	ASSERT_EQ(r.nr_error, 0) TH_LOG("%s", r.why);
	ASSERT_EQ(self->ctx.signal_err, 0) TH_LOG("eventfd write: %s",
						  strerror(-self->ctx.signal_err));
	ASSERT_TRUE(exited_off(&self->vm)) TH_LOG("%s (the guest got %d of %d interrupts)",
						  gh_end_str(&self->vm),
						  r.n, EDGE_ROUNDS);
	EXPECT_EQ(self->ctx.signals, EDGE_ROUNDS);
	/* nothing before the first signal */
	EXPECT_EQ(irq_early(&self->vm), IRQTEST_EARLY(0, 0));
	ASSERT_EQ(r.n, EDGE_ROUNDS + 1);
	for (i = 0; i < EDGE_ROUNDS; i++) {
		EXPECT_EQ(IRQT_TAG(r.v[i]), IRQT_TAG_IRQ) TH_LOG("report %d", i);
		EXPECT_EQ(IRQT_IRQ_INTID(r.v[i]), intid) TH_LOG("report %d", i);
		EXPECT_EQ(IRQT_IRQ_CPU(r.v[i]), 0);
		EXPECT_EQ(IRQT_IRQ_N(r.v[i]), i + 1) TH_LOG("report %d", i);
		EXPECT_EQ(IRQT_IRQ_PENDING(r.v[i]), 0)
			TH_LOG("edge SPI still pending after acknowledge (report %d)", i);
	}
	EXPECT_EQ(r.v[EDGE_ROUNDS], IRQT_COUNT(EDGE_ROUNDS))
		TH_LOG("handled %llu interrupts for %d signals",
		       IRQT_VALUE(r.v[EDGE_ROUNDS]), EDGE_ROUNDS);
}

/*
 * An eventfd write before the VM starts, before its doorbell exists and
 * before the guest configures the SPI as edge-triggered. Whether that one
 * reaches the guest is not defined (a GIC takes no edge while the SPI is
 * still level-configured), but it must not wedge the irqfd: the signals
 * after it each raise the SPI once, as in irqfd_edge.
 */
TEST_F_TIMEOUT(irq, irqfd_edge_before_start, 60)
{
	struct irqfd_setup s = { IRQTEST_EDGE_SPI, false, true };
	__u32 intid = GUEST_SPI_INTID(IRQTEST_EDGE_SPI);
	const int rounds = 2;
	long long early;
	struct reports r;
	char why[WHY_LEN];
	int ret, i, base;

	self->ctx.arg = IRQTEST_ARG(IRQTEST_EDGE_SPI, 0, rounds);
	ret = boot_run(&self->vm, &self->ctx, "irq", 1, declare_irqfd, &s, why);
	self->booted = true;
	if (ret > 0)
		SKIP(return, "%s", why);
	ASSERT_EQ(ret, 0) TH_LOG("%s", why);
	TH_LOG("%s", why);
	collect(&self->vm, &r);
	log_reports(_metadata, &r);
	ASSERT_EQ(r.nr_error, 0) TH_LOG("%s", r.why);
	ASSERT_EQ(self->ctx.signal_err, 0) TH_LOG("eventfd write: %s",
						  strerror(-self->ctx.signal_err));
	early = irq_early(&self->vm);
	ASSERT_GE(early, 0) TH_LOG("the payload did not get to its first round");
	base = IRQTEST_EARLY_N(early);
	TH_LOG("signal before start: SPI %spending at guest boot, %d interrupt(s) taken",
	       IRQTEST_EARLY_PENDING(early) ? "" : "not ", base);
	ASSERT_TRUE(exited_off(&self->vm))
		TH_LOG("%s: irqfd wedged by a signal before start (%d/%d later ones came)",
		       gh_end_str(&self->vm), r.n - base, rounds);
	EXPECT_EQ(self->ctx.signals, rounds + 1);
	ASSERT_LE(base, 1);
	ASSERT_EQ(r.n, base + rounds + 1);
	for (i = 0; i < base + rounds; i++) {
		EXPECT_EQ(IRQT_TAG(r.v[i]), IRQT_TAG_IRQ) TH_LOG("report %d", i);
		EXPECT_EQ(IRQT_IRQ_INTID(r.v[i]), intid) TH_LOG("report %d", i);
		EXPECT_EQ(IRQT_IRQ_N(r.v[i]), i + 1) TH_LOG("report %d", i);
	}
	EXPECT_EQ(r.v[base + rounds], IRQT_COUNT(base + rounds));
}

/*
 * LEVEL_SIGNALS eventfd writes to a level irqfd (the first while the guest
 * has the SPI disabled, the others half of them while it sleeps in WFI):
 * exactly one guest interrupt each. The doorbell asserts the SPI on a
 * signal and is cleared when the guest takes the interrupt (enable and ack
 * mask 1, the real Gunyah's level semantics), so the handler finds it no
 * longer pending and it does not come back after the EOI. (A doorbell that
 * stayed asserted until reset would be taken again after every EOI.)
 */
TEST_F_TIMEOUT(irq, irqfd_level, 60)
{
	struct irqfd_setup s = { IRQTEST_LEVEL_SPI, true };
	__u32 intid = GUEST_SPI_INTID(IRQTEST_LEVEL_SPI);
	struct reports r;
	char why[WHY_LEN];
	int ret, i;

	self->ctx.arg = IRQTEST_ARG(IRQTEST_LEVEL_SPI, 1, LEVEL_SIGNALS);
	ret = boot_run(&self->vm, &self->ctx, "irq", 1, declare_irqfd, &s, why);
	self->booted = true;
	if (ret > 0)
		SKIP(return, "%s", why);
	ASSERT_EQ(ret, 0) TH_LOG("%s", why);
	TH_LOG("%s", why);
	collect(&self->vm, &r);
	log_reports(_metadata, &r);
	ASSERT_EQ(self->ctx.signal_err, 0) TH_LOG("eventfd write: %s",
						  strerror(-self->ctx.signal_err));
	ASSERT_EQ(r.nr_error, 0)
		TH_LOG("%s (the level SPI signalled while masked was not taken once unmasked)",
		       r.why);
	ASSERT_TRUE(exited_off(&self->vm)) TH_LOG("%s (%d guest reports for %d signals)",
						  gh_end_str(&self->vm), r.n, LEVEL_SIGNALS);
	EXPECT_EQ(self->ctx.signals, LEVEL_SIGNALS);
	ASSERT_GE(r.n, 1);
	EXPECT_EQ(r.v[r.n - 1], IRQT_COUNT(LEVEL_SIGNALS))
		TH_LOG("handled %llu interrupts for %d signals",
		       IRQT_VALUE(r.v[r.n - 1]), LEVEL_SIGNALS);
	ASSERT_EQ(r.n, LEVEL_SIGNALS + 1);
	for (i = 0; i < LEVEL_SIGNALS; i++) {
		EXPECT_EQ(IRQT_TAG(r.v[i]), IRQT_TAG_IRQ) TH_LOG("report %d", i);
		EXPECT_EQ(IRQT_IRQ_INTID(r.v[i]), intid) TH_LOG("report %d", i);
		EXPECT_EQ(IRQT_IRQ_N(r.v[i]), i + 1) TH_LOG("report %d", i);
		EXPECT_EQ(IRQT_IRQ_PENDING(r.v[i]), 0)
			TH_LOG("level SPI still pending after the guest took it (report %d)", i);
	}
}

/*
 * A level doorbell signalled again while the guest handles its interrupt
 * with the SPI masked (the handler has the host signal through an MMIO
 * write): in the handler the SPI reads not pending (seen on the real
 * hypervisor: an active level interrupt is not in GICD_ISPENDR), it stays
 * away while masked, and is taken once more, only once, when unmasked.
 */
TEST_F_TIMEOUT(irq, irqfd_level_masked_in_handler, 60)
{
	struct irqfd_setup s = { IRQTEST_LEVEL_SPI, true };
	__u32 intid = GUEST_SPI_INTID(IRQTEST_LEVEL_SPI);
	struct reports r;
	char why[WHY_LEN];
	int ret, i;

	self->ctx.arg = IRQTEST_ARG(IRQTEST_LEVEL_SPI, 1, 2) | IRQTEST_RESIGNAL;
	ret = boot_run(&self->vm, &self->ctx, "irq", 1, declare_irqfd, &s, why);
	self->booted = true;
	if (ret > 0)
		SKIP(return, "%s", why);
	ASSERT_EQ(ret, 0) TH_LOG("%s", why);
	TH_LOG("%s", why);
	collect(&self->vm, &r);
	log_reports(_metadata, &r);
	ASSERT_EQ(r.nr_error, 0)
		TH_LOG("%s (signalled while active and masked, not taken once unmasked)",
		       r.why);
	ASSERT_TRUE(exited_off(&self->vm)) TH_LOG("%s", gh_end_str(&self->vm));
	EXPECT_EQ(self->ctx.signals, 2);
	ASSERT_EQ(r.n, 4);
	for (i = 0; i < 4; i += 2) {
		EXPECT_EQ(IRQT_TAG(r.v[i]), IRQT_TAG_IRQ) TH_LOG("report %d", i);
		EXPECT_EQ(IRQT_IRQ_INTID(r.v[i]), intid) TH_LOG("report %d", i);
		EXPECT_EQ(IRQT_IRQ_N(r.v[i]), i / 2 + 1) TH_LOG("report %d", i);
		EXPECT_EQ(IRQT_IRQ_PENDING(r.v[i]), 0)
			TH_LOG("level SPI read pending while the guest handled it (report %d)", i);
	}
	EXPECT_EQ(r.v[1], IRQT_COUNT(1)) TH_LOG("taken while masked");
	EXPECT_EQ(r.v[3], IRQT_COUNT(2)) TH_LOG("interrupts for 2 signals");
}

/* ---- ioeventfd ---- */

struct ioevt_reg {
	__u64 off;
	__u32 len;
	bool datamatch;
	__u64 data;
};

struct ioevt_setup {
	const struct ioevt_reg *reg;
	int n;
	int fd[8];
};

static int add_ioeventfds(struct gh_vm *vm, void *p)
{
	struct ioevt_setup *s = p;
	int i;

	for (i = 0; i < s->n; i++) {
		s->fd[i] = gh_vm_add_ioeventfd(vm, GUEST_IOEVT_BASE + s->reg[i].off,
					       s->reg[i].len,
					       s->reg[i].datamatch ? GH_IOEVENTFD_DATAMATCH : 0,
					       s->reg[i].data);
		if (s->fd[i] < 0)
			return s->fd[i];
	}
	return 0;
}

static bool ioevt_matches(const struct ioevt_reg *reg, const struct ioevt_write *w)
{
	__u64 mask = w->len >= 8 ? ~0ULL : (1ULL << (8 * w->len)) - 1;

	return reg->off == w->off && (!reg->len || reg->len == w->len) &&
	       (!reg->datamatch || (reg->data & mask) == w->data);
}

static void ioevt_test(struct __test_metadata *_metadata, struct gh_vm *vm,
		       struct irq_ctx *ctx, const struct ioevt_reg *reg, int nreg)
{
	struct ioevt_setup s = { .reg = reg, .n = nreg };
	int want[8] = { 0 }, at = 0, exits = 0, i, j, ret;
	char why[WHY_LEN];

	ret = boot_run(vm, ctx, "ioevent", 1, add_ioeventfds, &s, why);
	if (ret > 0)
		SKIP(return, "%s", why);
	ASSERT_EQ(ret, 0) TH_LOG("%s", why);
	TH_LOG("%s", why);
	ASSERT_TRUE(exited_off(vm)) TH_LOG("%s", gh_end_str(vm));

	/* Every write: an eventfd signal if it matches, else the next exit. */
	for (i = 0; i < (int)ARRAY_SIZE(ioevt_writes); i++) {
		const struct ioevt_write *w = &ioevt_writes[i];
		struct gh_mmio_rec *rec;

		for (j = 0; j < nreg; j++) {
			if (ioevt_matches(&reg[j], w))
				break;
		}
		if (j < nreg) {
			want[j]++;
			continue;
		}
		exits++;
		ASSERT_LT(at, vm->mmio_count) TH_LOG("write %d did not exit to the VMM", i);
		rec = &vm->mmio_log[at++];
		EXPECT_EQ(rec->addr, GUEST_IOEVT_BASE + w->off) TH_LOG("write %d", i);
		EXPECT_EQ(rec->len, w->len) TH_LOG("write %d", i);
		EXPECT_TRUE(rec->is_write);
		EXPECT_EQ(rec->data, w->data) TH_LOG("write %d", i);
	}
	/* then only the end of the test: nothing matched reached the VMM */
	ASSERT_LT(at, vm->mmio_count);
	EXPECT_EQ(vm->mmio_log[at].addr, GUEST_TESTDEV_BASE + TESTDEV_DONE)
		TH_LOG("unexpected exit at %#llx (len %u, data %#llx)",
		       (unsigned long long)vm->mmio_log[at].addr, vm->mmio_log[at].len,
		       (unsigned long long)vm->mmio_log[at].data);
	EXPECT_EQ(vm->mmio_count, exits + 1);
	EXPECT_EQ(vm->mmio_exits, (unsigned long)(exits + 1));

	for (j = 0; j < nreg; j++) {
		__u64 cnt = 0;

		if (read(s.fd[j], &cnt, sizeof(cnt)) != sizeof(cnt)) {
			/* EFD_NONBLOCK: EAGAIN is a zero count */
			ASSERT_EQ(errno, EAGAIN);
			cnt = 0;
		}
		EXPECT_EQ(cnt, (__u64)want[j])
			TH_LOG("ioeventfd %d (+%#llx len %u%s): %llu signals, want %d", j,
			       (unsigned long long)reg[j].off, reg[j].len,
			       reg[j].datamatch ? " datamatch" : "",
			       (unsigned long long)cnt, want[j]);
	}
}

/* Baseline: without ioeventfds every write of the payload exits, as sent. */
TEST_F_TIMEOUT(irq, ioeventfd_none, 60)
{
	self->booted = true;
	ioevt_test(_metadata, &self->vm, &self->ctx, NULL, 0);
}

/* Any value: 32-bit, 8-bit and any-size registrations. */
TEST_F_TIMEOUT(irq, ioeventfd_match, 60)
{
	static const struct ioevt_reg reg[] = {
		{ 0x00, 4, false, 0 },
		{ 0x18, 1, false, 0 },
		{ 0x20, 0, false, 0 },
	};

	self->booted = true;
	ioevt_test(_metadata, &self->vm, &self->ctx, reg, ARRAY_SIZE(reg));
}

/* Only the matching value (and size) signals; the rest exits. */
TEST_F_TIMEOUT(irq, ioeventfd_datamatch, 60)
{
	static const struct ioevt_reg reg[] = {
		{ 0x08, 8, true, IOEVT_MATCH64 },
		{ 0x10, 2, true, IOEVT_MATCH16 },
	};

	self->booted = true;
	ioevt_test(_metadata, &self->vm, &self->ctx, reg, ARRAY_SIZE(reg));
}

/* ---- timer ---- */

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/*
 * TIMER_ROUNDS rounds of a 10 ms virtual timer: each wakes the guest from
 * WFI (few WFIs per round), no earlier than the deadline.
 */
TEST_F_TIMEOUT(irq, timer_interrupt, 60)
{
	struct reports r;
	char why[WHY_LEN];
	__u64 freq, period;
	double t0, elapsed;
	int ret, i;

	self->ctx.arg = TIMER_ROUNDS;
	t0 = now_s();
	ret = boot_run(&self->vm, &self->ctx, "timer", 1, NULL, NULL, why);
	elapsed = now_s() - t0;
	self->booted = true;
	if (ret > 0)
		SKIP(return, "%s", why);
	ASSERT_EQ(ret, 0) TH_LOG("%s", why);
	TH_LOG("%s", why);
	collect(&self->vm, &r);
	log_reports(_metadata, &r);
	ASSERT_EQ(r.nr_error, 0) TH_LOG("%s", r.why);
	ASSERT_TRUE(exited_off(&self->vm)) TH_LOG("%s (%d timer rounds reported)",
						  gh_end_str(&self->vm), r.n);
	ASSERT_EQ(r.n, TIMER_ROUNDS + 2);
	freq = r.v[TIMER_ROUNDS + 1];
	ASSERT_GT(freq, 0);
	period = freq / TIMERTEST_PERIOD_DIV;
	for (i = 0; i < TIMER_ROUNDS; i++) {
		__u64 v = r.v[i];

		ASSERT_EQ(IRQT_TAG(v), IRQT_TAG_TIMER) TH_LOG("report %d: %#llx", i,
							      (unsigned long long)v);
		TH_LOG("round %d: %llu ticks (%.2f ms), %llu WFIs", i,
		       IRQT_TIMER_TICKS(v), IRQT_TIMER_TICKS(v) * 1e3 / freq,
		       IRQT_TIMER_LOOPS(v));
		EXPECT_GE(IRQT_TIMER_TICKS(v), period) TH_LOG("round %d: early", i);
		EXPECT_LT(IRQT_TIMER_TICKS(v), freq) TH_LOG("round %d: over 1 s late", i);
		EXPECT_GE(IRQT_TIMER_LOOPS(v), 1);
		EXPECT_LE(IRQT_TIMER_LOOPS(v), TIMER_MAX_WFIS)
			TH_LOG("round %d: WFI did not sleep", i);
	}
	EXPECT_EQ(r.v[TIMER_ROUNDS], IRQT_COUNT(TIMER_ROUNDS));
	/* and the host saw the time pass */
	EXPECT_GE(elapsed, TIMER_ROUNDS * 0.01);
}

/* ---- IPI ---- */

/* SGI IPITEST_SGI from vCPU 0 to vCPU 1, then back. */
TEST_F_TIMEOUT(irq, ipi, 60)
{
	int got[2] = { 0 }, counts[2] = { 0 };
	struct reports r;
	char why[WHY_LEN];
	int ret, i, cpu;

	ret = boot_run(&self->vm, &self->ctx, "ipi", 2, NULL, NULL, why);
	self->booted = true;
	if (ret > 0)
		SKIP(return, "%s", why);
	ASSERT_EQ(ret, 0) TH_LOG("%s", why);
	TH_LOG("%s", why);
	collect(&self->vm, &r);
	log_reports(_metadata, &r);
	ASSERT_EQ(r.nr_error, 0) TH_LOG("%s", r.why);
	ASSERT_TRUE(exited_off(&self->vm)) TH_LOG("%s", gh_end_str(&self->vm));
	for (i = 0; i < r.n; i++) {
		__u64 v = r.v[i];

		ASSERT_LT(r.vcpu[i], 2);
		if (IRQT_TAG(v) == IRQT_TAG_COUNT) {
			counts[r.vcpu[i]] = IRQT_VALUE(v);
			continue;
		}
		ASSERT_EQ(IRQT_TAG(v), IRQT_TAG_IRQ) TH_LOG("report %d", i);
		cpu = IRQT_IRQ_CPU(v);
		EXPECT_EQ(cpu, r.vcpu[i]) TH_LOG("vCPU %d handled cpu %d's interrupt",
						 r.vcpu[i], cpu);
		EXPECT_EQ(IRQT_IRQ_INTID(v), IPITEST_SGI) TH_LOG("report %d", i);
		if (cpu < 2)
			got[cpu]++;
	}
	EXPECT_EQ(got[1], 1) TH_LOG("vCPU 1 took the SGI %d times", got[1]);
	EXPECT_EQ(got[0], 1) TH_LOG("vCPU 0 took the SGI %d times", got[0]);
	EXPECT_EQ(counts[1], 1);
	EXPECT_EQ(counts[0], 1);
}

TEST_HARNESS_MAIN
