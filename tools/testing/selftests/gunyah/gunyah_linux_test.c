// SPDX-License-Identifier: GPL-2.0-only
/*
 * End to end: the reference VMM's helpers (tools/gunyah-vmm) boot a Linux
 * guest in a Gunyah VM, to its userspace, and it powers off.
 *
 * The guest is the host's own kernel Image with a tiny initramfs whose /init
 * prints a line and powers off (tools/gunyah-vmm/guest-init): 2 vCPUs, its
 * RAM lent, a shared bounce-buffer window (restricted-dma-pool) after it,
 * the PL011 console with its interrupt through an irqfd, the GICv3 and the
 * timer of the hypervisor. The console must show the kernel's banner, both
 * CPUs up, the window found, the line from /init and that the PL011 took
 * interrupts (its TX FIFO fills, so /init's output went by interrupts); the
 * VM must exit with PSCI SYSTEM_OFF. The guest's console is echoed as
 * "# guest: " lines.
 *
 * Files: $GUNYAH_LINUX_GUEST_DIR, else /guest/linux, else guest/linux next
 * to this program: Image and initramfs.cpio. Skipped without them, without
 * /dev/gunyah, and while the driver lacks an ioctl it needs; without the
 * irqfd function the guest runs without the PL011's interrupt.
 * GUNYAH_LINUX_TEST_NO_IRQFD=1 leaves the PL011's irqfd out (to tell a
 * guest problem from an irqfd one).
 *
 * Slow: a debug (KASAN) kernel boots twice under TCG, once nested.
 */

#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "gunyah_vmm_lib.h"

#include "../kselftest_harness.h"

#define GUNYAH_DEV	"/dev/gunyah"
#define MIB		(1024UL * 1024)
#define GUEST_MEM	(128 * MIB)
#define GUEST_SWIOTLB	(4 * MIB)
#define GUEST_VCPUS	2
#define GUEST_CMDLINE	"console=ttyAMA0 earlycon panic=-1 kunit.enable=0"
#define RUN_TIMEOUT_S	480
#define SHM_LABEL	1

/* ---- the guest's console: kept whole, echoed line by line ---- */

struct console {
	char *buf;
	size_t len, cap;
	size_t line;		/* start of the line not echoed yet */
};

static ssize_t console_write(void *cookie, const char *data, size_t n)
{
	struct console *c = cookie;
	size_t i;

	if (c->len + n + 1 > c->cap) {
		size_t cap = (c->len + n + 1) * 2;
		char *p = realloc(c->buf, cap);

		if (!p)
			return -1;
		c->buf = p;
		c->cap = cap;
	}
	memcpy(c->buf + c->len, data, n);
	c->len += n;
	c->buf[c->len] = '\0';
	for (i = c->line; i < c->len; i++) {
		size_t end = i;

		if (c->buf[i] != '\n')
			continue;
		/* Without the console's "\r": one clean log line per guest line. */
		if (end > c->line && c->buf[end - 1] == '\r')
			end--;
		printf("# guest: %.*s\n", (int)(end - c->line), c->buf + c->line);
		c->line = i + 1;
	}
	fflush(stdout);
	return n;
}

static bool console_has(struct console *c, const char *s)
{
	return c->buf && strstr(c->buf, s);
}

/* What follows the first @s on the console, or NULL. */
static const char *c_str_after(struct console *c, const char *s)
{
	const char *p = c->buf ? strstr(c->buf, s) : NULL;

	return p ? p + strlen(s) : NULL;
}

/* The first console line holding @s, for the log (static buffer). */
static const char *console_line(struct console *c, const char *s)
{
	static char line[160];
	const char *p = c->buf ? strstr(c->buf, s) : NULL, *b, *e;

	if (!p)
		return "(none)";
	for (b = p; b > c->buf && b[-1] != '\n'; b--)
		;
	e = strchr(p, '\n');
	if (!e)
		e = p + strlen(p);
	snprintf(line, sizeof(line), "%.*s", (int)(e - b), b);
	return line;
}

/* ---- the guest's files ---- */

static bool guest_dir(char *dir, size_t len)
{
	const char *env = getenv("GUNYAH_LINUX_GUEST_DIR");
	char exe[PATH_MAX], path[PATH_MAX + 64];
	ssize_t n;

	if (env) {
		snprintf(dir, len, "%s", env);
		snprintf(path, sizeof(path), "%s/Image", dir);
		return !access(path, R_OK);
	}
	snprintf(dir, len, "/guest/linux");
	if (!access("/guest/linux/Image", R_OK))
		return true;
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n <= 0)
		return false;
	exe[n] = '\0';
	*strrchr(exe, '/') = '\0';
	snprintf(dir, len, "%s/guest/linux", exe);
	snprintf(path, sizeof(path), "%s/Image", dir);
	return !access(path, R_OK);
}

/* @name is set to something other than "" or "0". */
static bool env_set(const char *name)
{
	const char *v = getenv(name);

	return v && *v && strcmp(v, "0");
}

static bool not_implemented(int err)
{
	return err == ENOTTY || err == EOPNOTSUPP;
}

FIXTURE(linux_guest) {
	struct gh_vm vm;
	struct console con;
	FILE *out;
	char dir[PATH_MAX + 32];
	bool created;
};

FIXTURE_SETUP(linux_guest)
{
	int fd;

	memset(&self->vm, 0, sizeof(self->vm));
	self->vm.vm_fd = -1;
	self->vm.dev_fd = -1;
	fd = open(GUNYAH_DEV, O_RDWR | O_CLOEXEC);
	if (fd < 0 && (errno == ENOENT || errno == ENODEV || errno == ENXIO))
		SKIP(return, GUNYAH_DEV " not present: not running on Gunyah");
	ASSERT_GE(fd, 0) TH_LOG("open " GUNYAH_DEV ": %s", strerror(errno));
	close(fd);
	if (!guest_dir(self->dir, sizeof(self->dir)))
		SKIP(return, "no Linux guest (%.200s/Image)", self->dir);
}

FIXTURE_TEARDOWN(linux_guest)
{
	if (self->created) {
		gh_vm_destroy(&self->vm);
		gh_vm_free_mem(&self->vm);
	}
	if (self->out)
		fclose(self->out);
	free(self->con.buf);
}

/*
 * Boot the Linux guest: 0 when the VM started, 1 when a step is not
 * implemented by the driver yet (skip), -1 on failure.
 */
static int boot_linux(struct _test_data_linux_guest *self, char *why, size_t len)
{
	static const cookie_io_functions_t io = { .write = console_write };
	struct gh_vm *vm = &self->vm;
	char kernel[PATH_MAX + 64], initrd[PATH_MAX + 64];
	int ret;

	snprintf(kernel, sizeof(kernel), "%s/Image", self->dir);
	snprintf(initrd, sizeof(initrd), "%s/initramfs.cpio", self->dir);
	self->out = fopencookie(&self->con, "w", io);
	if (!self->out) {
		snprintf(why, len, "fopencookie: %s", strerror(errno));
		return -1;
	}
	setvbuf(self->out, NULL, _IONBF, 0);

	ret = gh_vm_create(vm, GUNYAH_DEV);
	self->created = true;
	vm->uart_out = self->out;
	vm->cmdline = GUEST_CMDLINE;
	if (!ret && !env_set("GUNYAH_LINUX_TEST_NO_IRQFD"))
		ret = gh_vm_set_uart_irq(vm);
	if (!ret)
		ret = gh_vm_alloc_mem(vm, GUEST_MEM);
	if (!ret)
		ret = gh_vm_alloc_shm(vm, GUEST_SWIOTLB);
	if (!ret)
		ret = gh_vm_load_linux(vm, kernel, initrd);
	if (!ret)
		ret = gh_vm_setup_dtb(vm, GUEST_VCPUS, "gunyah-linux-test");
	if (!ret)
		ret = gh_vm_map_mem(vm, GH_MEM_LEND, 0);
	if (!ret)
		ret = gh_vm_map_shm(vm, SHM_LABEL);
	if (!ret)
		ret = gh_vm_set_dtb_config(vm);
	if (!ret)
		ret = gh_vm_add_vcpus(vm, GUEST_VCPUS);
	/*
	 * A driver without the irqfd function: the guest runs without the
	 * PL011's interrupt (it does not need it); gunyah_irq_test judges
	 * irqfds.
	 */
	if (!ret && vm->uart_irqfd) {
		ret = gh_vm_add_irqfds(vm);
		if (ret == -ENOENT || not_implemented(-ret)) {
			printf("# no irqfd (%s): the PL011 has no interrupt\n", strerror(-ret));
			vm->nr_irqfds = 0;
			vm->uart_irqfd = 0;
			ret = 0;
		}
	}
	if (!ret)
		ret = gh_vm_start(vm);
	if (!ret)
		return 0;
	snprintf(why, len, "%s: %s%s", vm->err_what ? vm->err_what : "?",
		 strerror(-ret), not_implemented(-ret) ? " (not implemented yet)" : "");
	return not_implemented(-ret) ? 1 : -1;
}

/* Linux boots on 2 vCPUs to its /init, which powers the VM off. */
TEST_F_TIMEOUT(linux_guest, boot_to_userspace, RUN_TIMEOUT_S + 60)
{
	static const char *const bad[] = {
		"Kernel panic", "BUG:", "Oops", "WARNING:", "Call trace:",
		"Unable to handle",
	};
	struct gh_vm *vm = &self->vm;
	struct console *con = &self->con;
	enum gh_run_end end;
	char why[512];
	unsigned int i;
	int r;

	r = boot_linux(self, why, sizeof(why));
	if (r > 0)
		SKIP(return, "%s", why);
	/* The RM accepts the labelled window only as one physical range. */
	ASSERT_EQ(r, 0) TH_LOG("%s (swiotlb window %s)", why,
			       vm->shm_contiguous == 1 ? "physically contiguous" :
			       vm->shm_contiguous ? "of unknown layout" :
			       "not physically contiguous");
	TH_LOG("Linux guest from %s: %d vCPUs, %lu MiB lent, %lu MiB shared at %#llx (%s)",
	       self->dir, GUEST_VCPUS, GUEST_MEM / MIB, GUEST_SWIOTLB / MIB,
	       GH_GUEST_RAM_BASE + GUEST_MEM,
	       vm->shm_contiguous == 1 ? "physically contiguous" : "not contiguous");

	end = gh_vm_run(vm, RUN_TIMEOUT_S * 1000);
	fflush(self->out);
	/* The last line, if the guest did not end it. */
	if (con->line < con->len)
		console_write(con, "\n", 1);
	TH_LOG("%s (%lu MMIO exits)", gh_end_str(vm), vm->mmio_exits);
	if (end == GH_END_ERROR && not_implemented(vm->err))
		SKIP(return, "%s", gh_end_str(vm));

	EXPECT_TRUE(console_has(con, "Linux version 6.12"))
		TH_LOG("no kernel banner on the console");
	EXPECT_TRUE(console_has(con, "smp: Brought up 1 node, 2 CPUs"))
		TH_LOG("not both CPUs up: %s", console_line(con, "smp: Brought up"));
	EXPECT_TRUE(console_has(con, "restricted DMA pool"))
		TH_LOG("the shared window was not found as a restricted-dma-pool");
	EXPECT_TRUE(console_has(con, "Hello from the Linux guest's userspace (init)"))
		TH_LOG("no line from the guest's /init");
	/* /init's console output went by the PL011's interrupt: the irqfd. */
	if (vm->uart_irqfd) {
		const char *p = c_str_after(con, "init: PL011 interrupts: ");

		EXPECT_TRUE(p && atol(p) > 0)
			TH_LOG("the PL011's interrupt (irqfd, SPI %d): %s", GH_GUEST_UART_SPI,
			       console_line(con, "init: PL011 interrupts"));
	}
	for (i = 0; i < ARRAY_SIZE(bad); i++)
		EXPECT_FALSE(console_has(con, bad[i]))
			TH_LOG("guest: %s", console_line(con, bad[i]));

	ASSERT_EQ(end, GH_END_EXITED) TH_LOG("%s", gh_end_str(vm));
	EXPECT_EQ(vm->status, GUNYAH_VM_STATUS_EXITED);
	/* poweroff: PSCI SYSTEM_OFF, the RM's exit type 1 (PLATFORM_OFF) */
	EXPECT_EQ(vm->exit_type, 1) TH_LOG("%s: want PSCI SYSTEM_OFF", gh_end_str(vm));
}

TEST_HARNESS_MAIN
