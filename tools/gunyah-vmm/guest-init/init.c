// SPDX-License-Identifier: GPL-2.0-only
/*
 * /init of the Linux guest's initramfs: say hello from userspace on the
 * console, tell how many interrupts the console's UART took (its output
 * goes by interrupts, through the VMM's irqfd), then power the VM off (PSCI
 * SYSTEM_OFF: the VMM sees the VM exit).
 *
 * Static, no libraries beyond libc: the initramfs holds only this and
 * /dev/console.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <termios.h>
#include <unistd.h>

/* The console, or the kernel log (which goes to the console) without one. */
static int open_console(void)
{
	int fd = open("/dev/console", O_WRONLY | O_NOCTTY | O_CLOEXEC);

	if (fd >= 0)
		return fd;
	mkdir("/dev", 0755);
	mount("devtmpfs", "/dev", "devtmpfs", 0, NULL);
	fd = open("/dev/console", O_WRONLY | O_NOCTTY | O_CLOEXEC);
	if (fd >= 0)
		return fd;
	return open("/dev/kmsg", O_WRONLY | O_CLOEXEC);
}

/* The interrupts of the PL011 on all CPUs, from /proc/interrupts; -1 if none. */
static long uart_interrupts(void)
{
	char line[256], *p, *end;
	long n = -1, v;
	FILE *f;

	mkdir("/proc", 0555);
	mount("proc", "/proc", "proc", 0, NULL);
	f = fopen("/proc/interrupts", "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		if (!strstr(line, "pl011"))
			continue;
		/* " 13:   5   0  GICv3  33 Level  uart-pl011" */
		p = strchr(line, ':');
		if (!p)
			break;
		n = 0;
		for (p++;; p = end) {
			v = strtol(p, &end, 10);
			if (end == p)
				break;
			n += v;
		}
		break;
	}
	fclose(f);
	return n;
}

int main(void)
{
	struct utsname u = { 0 };
	cpu_set_t cpus;
	int fd = open_console();

	uname(&u);
	CPU_ZERO(&cpus);
	sched_getaffinity(0, sizeof(cpus), &cpus);
	if (fd >= 0)
		dprintf(fd, "%s: %s %s, %d CPUs; powering off\n",
			"Hello from the Linux guest's userspace (init)",
			u.sysname, u.release, CPU_COUNT(&cpus));
	if (fd >= 0) {
		/* Sent (not just queued) before the count is read. */
		tcdrain(fd);
		dprintf(fd, "init: PL011 interrupts: %ld\n", uart_interrupts());
		tcdrain(fd);
	}
	sync();
	reboot(RB_POWER_OFF);
	/* Not reached; if it were, init exiting would panic the guest. */
	for (;;)
		pause();
}
