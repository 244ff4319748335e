// SPDX-License-Identifier: GPL-2.0-only
/*
 * gunyah-vmm: a small reference VMM for /dev/gunyah.
 *
 *   gunyah-vmm [--lend|--share] [--mem MiB] [--vcpus N] [--timeout S] [-v] IMAGE
 *
 * Loads IMAGE at the guest RAM base (IPA 0x80000000), writes the VM's DT
 * (with /gunyah-vm-config) at the end of RAM, gives the memory to the VM,
 * starts it and runs every vCPU in a thread. Guest writes to the PL011 at
 * IPA 0x09000000 go to stdout. Exits 0 when the guest powered off, 2 when it
 * asked for a reset, 1 on any error.
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

static void usage(FILE *out)
{
	fprintf(out,
		"usage: gunyah-vmm [--lend|--share] [--mem MiB] [--vcpus N] [--timeout S] [-v] IMAGE\n"
		"  --share      share guest memory with the VM (default)\n"
		"  --lend       lend guest memory: the host loses access while the VM runs\n"
		"  --mem MiB    guest RAM size (default 64)\n"
		"  --vcpus N    number of vCPUs (default 1, at most %d)\n"
		"  --timeout S  stop the VM after S seconds (default: none)\n"
		"  -v           log unhandled MMIO, unusual exits and the writes to the\n"
		"               payloads' test device at 0x0a000000\n",
		GH_MAX_VCPUS);
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "lend", no_argument, NULL, 'l' },
		{ "share", no_argument, NULL, 's' },
		{ "mem", required_argument, NULL, 'm' },
		{ "vcpus", required_argument, NULL, 'c' },
		{ "timeout", required_argument, NULL, 't' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ }
	};
	enum gh_mem_mode mode = GH_MEM_SHARE;
	unsigned long mem_mib = 64, vcpus = 1, timeout = 0;
	bool verbose = false;
	enum gh_run_end end;
	struct gh_vm vm;
	int c, ret;

	while ((c = getopt_long(argc, argv, "lsm:c:t:vh", opts, NULL)) != -1) {
		switch (c) {
		case 'l':
			mode = GH_MEM_LEND;
			break;
		case 's':
			mode = GH_MEM_SHARE;
			break;
		case 'm':
			mem_mib = strtoul(optarg, NULL, 0);
			break;
		case 'c':
			vcpus = strtoul(optarg, NULL, 0);
			break;
		case 't':
			timeout = strtoul(optarg, NULL, 0);
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
	if (optind != argc - 1 || !mem_mib || mem_mib > 4096 || !vcpus ||
	    vcpus > GH_MAX_VCPUS) {
		usage(stderr);
		return 1;
	}

	ret = gh_vm_create(&vm, NULL);
	vm.verbose = verbose;
	vm.uart_out = stdout;
	vm.mmio_fn = testdev;
	if (!ret)
		ret = gh_vm_alloc_mem(&vm, mem_mib << 20);
	if (!ret)
		ret = gh_vm_load_image(&vm, argv[optind]);
	if (!ret)
		ret = gh_vm_setup_dtb(&vm, vcpus, "gunyah-vmm");
	if (!ret)
		ret = gh_vm_map_mem(&vm, mode, 0);
	if (!ret)
		ret = gh_vm_set_dtb_config(&vm);
	if (!ret)
		ret = gh_vm_add_vcpus(&vm, vcpus);
	if (!ret)
		ret = gh_vm_start(&vm);
	if (ret) {
		fprintf(stderr, "gunyah-vmm: %s: %s\n", vm.err_what, strerror(-ret));
		return 1;
	}
	fprintf(stderr, "gunyah-vmm: started %s: %lu vCPU(s), %lu MiB %s at %#llx, DTB at %#llx\n",
		argv[optind], vcpus, mem_mib, mode == GH_MEM_LEND ? "lent" : "shared",
		GH_GUEST_RAM_BASE, (unsigned long long)vm.dtb_ipa);

	end = gh_vm_run(&vm, timeout * 1000);
	fflush(stdout);
	fprintf(stderr, "gunyah-vmm: %s (%lu MMIO exits)\n", gh_end_str(&vm), vm.mmio_exits);
	gh_vm_destroy(&vm);
	gh_vm_free_mem(&vm);

	if (end != GH_END_EXITED || vm.status != GUNYAH_VM_STATUS_EXITED)
		return 1;
	return vm.exit_type == 0 ? 0 : 2;
}
