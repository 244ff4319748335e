// SPDX-License-Identifier: GPL-2.0-only
/*
 * gunyah-vmm: a small reference VMM for /dev/gunyah.
 *
 *   gunyah-vmm [options] IMAGE
 *   gunyah-vmm [options] --kernel Image [--initrd FILE] [--cmdline STR]
 *
 * Loads IMAGE (a bare-metal payload) or a Linux arm64 Image at the guest RAM
 * base (IPA 0x80000000), writes the VM's DT (with /gunyah-vm-config) at the
 * end of RAM, gives the memory to the VM, starts it and runs every vCPU in a
 * thread. Guest writes to the PL011 at IPA 0x09000000 go to stdout. A Linux
 * guest gets its RAM lent, a shared bounce-buffer window after it, an
 * initrd, a command line and the PL011's interrupt through an irqfd.
 * Exits 0 when the guest powered off (RM exit type 1, PSCI SYSTEM_OFF, or 0,
 * its own VM_EXIT call), 2 when it asked for a reset (2, PSCI SYSTEM_RESET;
 * 3, SYSTEM_RESET2), 1 on anything else.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gunyah_vmm_lib.h"
#include "guest/guest.h"	/* tools/testing/selftests/gunyah/guest */

/*
 * The payloads' test device at GUEST_TESTDEV_BASE: reads return the values
 * the kselftest expects, writes are printed with -v.
 */
static bool testdev(struct gh_vm *vm, int vcpu, __u64 addr, __u32 len,
		    bool is_write, __u64 *data)
{
	__u64 off = addr - GUEST_TESTDEV_BASE;

	if (addr < GUEST_TESTDEV_BASE || off >= 0x1000)
		return false;
	if (is_write) {
		if (vm->verbose)
			fprintf(stderr, "gunyah-vmm: vCPU %d: testdev +%#llx/%u <- %#llx\n", vcpu,
				(unsigned long long)off, len, (unsigned long long)*data);
		return true;
	}
	*data = 0;
	if (off >= TESTDEV_READ_BASE && off < TESTDEV_WRITE_BASE) {
		*data = TESTDEV_READ_VALUE(off - TESTDEV_READ_BASE);
		if (len < 8)
			*data &= (1ULL << (8 * len)) - 1;
	}
	return true;
}

#define MIB			(1024UL * 1024)
#define LINUX_MEM_DEFAULT	(128 * MIB)
#define LINUX_SWIOTLB_DEFAULT	(4 * MIB)
#define LINUX_CMDLINE_DEFAULT	"console=ttyAMA0 earlycon panic=-1"

static void usage(FILE *out)
{
	fprintf(out,
		"usage: gunyah-vmm [options] IMAGE\n"
		"       gunyah-vmm [options] --kernel Image [--initrd FILE] [--cmdline STR]\n"
		"  --share        share guest RAM with the VM (default for IMAGE)\n"
		"  --lend         lend guest RAM: the host loses access while the VM runs\n"
		"                 (default for --kernel)\n"
		"  --mem SIZE     guest RAM size, K/M/G suffix, MiB without\n"
		"                 (default 64M, 128M for --kernel)\n"
		"  --vcpus N      number of vCPUs (default 1, 2 for --kernel; at most %d)\n"
		"  --kernel FILE  boot a Linux arm64 Image\n"
		"  --initrd FILE  the Linux guest's initramfs\n"
		"  --cmdline STR  the Linux guest's command line\n"
		"                 (default \"" LINUX_CMDLINE_DEFAULT "\")\n"
		"  --swiotlb SIZE the shared bounce-buffer window after the RAM, a\n"
		"                 restricted-dma-pool and shm vdevice (default 4M for\n"
		"                 --kernel, else 0), physically contiguous if it can be\n"
		"  --dtb-size SIZE the DTB region at the end of RAM given to the RM\n"
		"                 (default 64K; QEMU declares 1M), the FDT inside it\n"
		"  --no-uart-irq  no irqfd for the PL011's interrupt (SPI 1)\n"
		"  --timeout S    stop the VM after S seconds (default: none)\n"
		"  -v             log unhandled MMIO, unusual exits and the writes to the\n"
		"                 payloads' test device at 0x0a000000\n",
		GH_MAX_VCPUS);
}

/* "128M", "4m", "1G", "512K"; a bare number is MiB. *ok false if invalid. */
static unsigned long long parse_size(const char *s, bool *ok)
{
	unsigned long long v;
	char *end;

	errno = 0;
	v = strtoull(s, &end, 0);
	*ok = !errno && end != s;
	switch (*end) {
	case 'k': case 'K':
		v <<= 10;
		end++;
		break;
	case 'g': case 'G':
		v <<= 30;
		end++;
		break;
	case 'm': case 'M':
		v <<= 20;
		end++;
		break;
	case '\0':
		v <<= 20;
		break;
	default:
		*ok = false;
	}
	if (*end)
		*ok = false;
	return v;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "lend", no_argument, NULL, 'l' },
		{ "share", no_argument, NULL, 's' },
		{ "mem", required_argument, NULL, 'm' },
		{ "vcpus", required_argument, NULL, 'c' },
		{ "timeout", required_argument, NULL, 't' },
		{ "kernel", required_argument, NULL, 'k' },
		{ "initrd", required_argument, NULL, 'i' },
		{ "cmdline", required_argument, NULL, 'a' },
		{ "swiotlb", required_argument, NULL, 'w' },
		{ "dtb-size", required_argument, NULL, 'd' },
		{ "no-uart-irq", no_argument, NULL, 'n' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ }
	};
	const char *kernel = NULL, *initrd = NULL, *cmdline = NULL, *image;
	unsigned long long mem = 0, swiotlb = ~0ULL, dtb_size = GH_DTB_MAX_SIZE;
	unsigned long vcpus = 0, timeout = 0;
	bool verbose = false, uart_irq = true, ok = true, size_ok;
	int mode = -1, c, ret;
	enum gh_run_end end;
	static struct gh_vm vm;	/* zeroed: no irqfds declared */

	while ((c = getopt_long(argc, argv, "lsm:c:t:vh", opts, NULL)) != -1) {
		switch (c) {
		case 'l':
			mode = GH_MEM_LEND;
			break;
		case 's':
			mode = GH_MEM_SHARE;
			break;
		case 'm':
			mem = parse_size(optarg, &size_ok);
			ok &= size_ok;
			break;
		case 'c':
			vcpus = strtoul(optarg, NULL, 0);
			break;
		case 't':
			timeout = strtoul(optarg, NULL, 0);
			break;
		case 'k':
			kernel = optarg;
			break;
		case 'i':
			initrd = optarg;
			break;
		case 'a':
			cmdline = optarg;
			break;
		case 'w':
			swiotlb = parse_size(optarg, &size_ok);
			ok &= size_ok;
			break;
		case 'd':
			dtb_size = parse_size(optarg, &size_ok);
			ok &= size_ok;
			break;
		case 'n':
			uart_irq = false;
			break;
		case 'v':
			verbose = true;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 1;
		}
	}
	/* A Linux guest: lent RAM, a bounce-buffer window, two vCPUs. */
	if (mode < 0)
		mode = kernel ? GH_MEM_LEND : GH_MEM_SHARE;
	if (!mem)
		mem = kernel ? LINUX_MEM_DEFAULT : 64 * MIB;
	if (swiotlb == ~0ULL)
		swiotlb = kernel ? LINUX_SWIOTLB_DEFAULT : 0;
	if (!vcpus)
		vcpus = kernel ? 2 : 1;
	image = kernel ? kernel : argv[optind];
	if (!ok || optind != argc - (kernel ? 0 : 1) || (!kernel && (initrd || cmdline)) ||
	    !dtb_size || (dtb_size & 0xfff) || dtb_size > (64ULL << 20) ||
	    mem < 2 * dtb_size || mem > (4ULL << 30) || (mem & 0xfff) ||
	    (swiotlb & 0xfff) || swiotlb > (1ULL << 30) || vcpus > GH_MAX_VCPUS) {
		usage(stderr);
		return 1;
	}

	ret = gh_vm_create(&vm, NULL);
	vm.dtb_region = dtb_size;
	vm.verbose = verbose;
	vm.uart_out = stdout;
	vm.mmio_fn = testdev;
	if (kernel) {
		vm.cmdline = cmdline ? cmdline : LINUX_CMDLINE_DEFAULT;
		if (!ret && uart_irq)
			ret = gh_vm_set_uart_irq(&vm);
	}
	if (!ret)
		ret = gh_vm_alloc_mem(&vm, mem);
	if (!ret && swiotlb) {
		ret = gh_vm_alloc_shm(&vm, swiotlb);
		/*
		 * The shm vdevice has the real RM map it IPA-contiguous;
		 * a /reserved-memory node alone would need one range.
		 */
		if (!ret && vm.shm_contiguous != 1 && verbose)
			fprintf(stderr, "gunyah-vmm: the shared window is %s\n",
				vm.shm_contiguous ? "of unknown physical layout" :
				"not physically contiguous");
		else if (!ret && verbose)
			fprintf(stderr, "gunyah-vmm: shared window: physically contiguous at PFN %#llx\n",
				(unsigned long long)gh_virt_to_pfn(vm.shm));
	}
	if (!ret)
		ret = kernel ? gh_vm_load_linux(&vm, kernel, initrd) :
			       gh_vm_load_image(&vm, image);
	/* Everything is written before the memory may be lent. */
	if (!ret)
		ret = gh_vm_setup_dtb(&vm, vcpus, "gunyah-vmm");
	if (!ret)
		ret = gh_vm_map_mem(&vm, mode, 0);
	if (!ret && swiotlb)
		ret = gh_vm_map_shm(&vm, vm.shm_label);
	if (!ret)
		ret = gh_vm_set_dtb_config(&vm);
	if (!ret)
		ret = gh_vm_add_vcpus(&vm, vcpus);
	/*
	 * The PL011's interrupt is a nicety (see gh_vm_set_uart_irq()): with
	 * a driver that has no irqfd the guest still runs, without it.
	 */
	if (!ret && vm.uart_irqfd && gh_vm_add_irqfds(&vm)) {
		fprintf(stderr, "gunyah-vmm: %s: %s: the PL011 has no interrupt\n",
			vm.err_what, strerror(vm.err));
		vm.nr_irqfds = 0;
		vm.uart_irqfd = 0;
	}
	if (!ret)
		ret = gh_vm_start(&vm);	/* adds the irqfds first */
	if (ret) {
		fprintf(stderr, "gunyah-vmm: %s: %s\n", vm.err_what, strerror(-ret));
		if (vm.uart_irqfd)
			fprintf(stderr,
				"gunyah-vmm: (--no-uart-irq runs without the PL011's interrupt)\n");
		return 1;
	}
	fprintf(stderr, "gunyah-vmm: started %s%s: %lu vCPU(s), %llu MiB %s at %#llx",
		kernel ? "Linux " : "", image, vcpus, mem >> 20,
		mode == GH_MEM_LEND ? "lent" : "shared", GH_GUEST_RAM_BASE);
	if (swiotlb)
		fprintf(stderr, ", %llu KiB shared window at %#llx", swiotlb >> 10,
			GH_GUEST_RAM_BASE + mem);
	if (vm.initrd_size)
		fprintf(stderr, ", initrd at %#llx", (unsigned long long)vm.initrd_ipa);
	fprintf(stderr, ", DTB at %#llx (%zu of %zu bytes)\n",
		(unsigned long long)vm.dtb_ipa, vm.fdt_size, vm.dtb_size);

	end = gh_vm_run(&vm, timeout * 1000);
	fflush(stdout);
	fprintf(stderr, "gunyah-vmm: %s (%lu MMIO exits)\n", gh_end_str(&vm), vm.mmio_exits);
	gh_vm_destroy(&vm);
	gh_vm_free_mem(&vm);

	if (end != GH_END_EXITED || vm.status != GUNYAH_VM_STATUS_EXITED)
		return 1;
	/* The RM's exit types: 0 VM_EXIT, 1 PLATFORM_OFF, 2/3 resets */
	switch (vm.exit_type) {
	case 0:
	case 1:
		return 0;
	case 2:
	case 3:
		return 2;
	default:
		return 1;
	}
}
