// SPDX-License-Identifier: GPL-2.0-only
/*
 * Helpers of a minimal Gunyah VMM: see gunyah_vmm_lib.h.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "gunyah_vmm_lib.h"

#define GH_KICK_SIGNAL	SIGUSR1

/* ---- flattened devicetree writer ---- */

#define FDT_MAGIC	0xd00dfeedU
#define FDT_BEGIN_NODE	1
#define FDT_END_NODE	2
#define FDT_PROP	3
#define FDT_END		9
#define FDT_HDR_SIZE	40
#define FDT_RSV_SIZE	16	/* one terminating entry */
#define FDT_STRUCT_OFF	(FDT_HDR_SIZE + FDT_RSV_SIZE)

static void put_be32(__u8 *p, __u32 v)
{
	p[0] = v >> 24;
	p[1] = v >> 16;
	p[2] = v >> 8;
	p[3] = v;
}

static void fdt_put(struct gh_fdt *f, const void *data, size_t len)
{
	size_t pad = (4 - (len & 3)) & 3;

	if (f->err || FDT_STRUCT_OFF + f->struct_len + len + pad > f->size) {
		f->err = 1;
		return;
	}
	memcpy(f->buf + FDT_STRUCT_OFF + f->struct_len, data, len);
	memset(f->buf + FDT_STRUCT_OFF + f->struct_len + len, 0, pad);
	f->struct_len += len + pad;
}

static void fdt_put32(struct gh_fdt *f, __u32 v)
{
	__u8 b[4];

	put_be32(b, v);
	fdt_put(f, b, 4);
}

static __u32 fdt_string(struct gh_fdt *f, const char *s)
{
	size_t off = 0, len = strlen(s) + 1;

	while (off < f->strings_len) {
		if (!strcmp(f->strings + off, s))
			return off;
		off += strlen(f->strings + off) + 1;
	}
	if (f->strings_len + len > sizeof(f->strings)) {
		f->err = 1;
		return 0;
	}
	memcpy(f->strings + f->strings_len, s, len);
	f->strings_len += len;
	return off;
}

void gh_fdt_init(struct gh_fdt *f, void *buf, size_t size)
{
	memset(f, 0, sizeof(*f));
	f->buf = buf;
	f->size = size;
	if (size < FDT_STRUCT_OFF)
		f->err = 1;
}

void gh_fdt_begin_node(struct gh_fdt *f, const char *name)
{
	fdt_put32(f, FDT_BEGIN_NODE);
	fdt_put(f, name, strlen(name) + 1);
	f->depth++;
}

void gh_fdt_end_node(struct gh_fdt *f)
{
	fdt_put32(f, FDT_END_NODE);
	f->depth--;
}

void gh_fdt_prop(struct gh_fdt *f, const char *name, const void *val, size_t len)
{
	__u32 nameoff = fdt_string(f, name);

	fdt_put32(f, FDT_PROP);
	fdt_put32(f, len);
	fdt_put32(f, nameoff);
	if (len)
		fdt_put(f, val, len);
}

void gh_fdt_prop_u32(struct gh_fdt *f, const char *name, __u32 v)
{
	__u8 b[4];

	put_be32(b, v);
	gh_fdt_prop(f, name, b, 4);
}

void gh_fdt_prop_u64(struct gh_fdt *f, const char *name, __u64 v)
{
	__u8 b[8];

	put_be32(b, v >> 32);
	put_be32(b + 4, v);
	gh_fdt_prop(f, name, b, 8);
}

void gh_fdt_prop_str(struct gh_fdt *f, const char *name, const char *s)
{
	gh_fdt_prop(f, name, s, strlen(s) + 1);
}

void gh_fdt_prop_cells(struct gh_fdt *f, const char *name, const __u32 *c, int n)
{
	__u8 b[64];
	int i;

	if (n > 16) {
		f->err = 1;
		return;
	}
	for (i = 0; i < n; i++)
		put_be32(b + 4 * i, c[i]);
	gh_fdt_prop(f, name, b, 4 * n);
}

long gh_fdt_finish(struct gh_fdt *f)
{
	size_t strings_off, total;

	fdt_put32(f, FDT_END);
	strings_off = FDT_STRUCT_OFF + f->struct_len;
	total = strings_off + f->strings_len;
	if (f->err || f->depth || total > f->size)
		return -1;
	memcpy(f->buf + strings_off, f->strings, f->strings_len);
	memset(f->buf, 0, FDT_STRUCT_OFF);
	put_be32(f->buf + 0, FDT_MAGIC);
	put_be32(f->buf + 4, total);
	put_be32(f->buf + 8, FDT_STRUCT_OFF);		/* off_dt_struct */
	put_be32(f->buf + 12, strings_off);		/* off_dt_strings */
	put_be32(f->buf + 16, FDT_HDR_SIZE);		/* off_mem_rsvmap */
	put_be32(f->buf + 20, 17);			/* version */
	put_be32(f->buf + 24, 16);			/* last_comp_version */
	put_be32(f->buf + 28, 0);			/* boot_cpuid_phys */
	put_be32(f->buf + 32, f->strings_len);		/* size_dt_strings */
	put_be32(f->buf + 36, f->struct_len);		/* size_dt_struct */
	return total;
}

/* ---- VM setup ---- */

static int fail(struct gh_vm *vm, const char *what)
{
	int e = errno ? errno : EINVAL;

	vm->err = e;
	vm->err_what = what;
	return -e;
}

int gh_vm_create(struct gh_vm *vm, const char *dev)
{
	int i;

	memset(vm, 0, sizeof(*vm));
	vm->dev_fd = vm->vm_fd = -1;
	for (i = 0; i < GH_MAX_VCPUS; i++)
		vm->vcpu_fd[i] = -1;
	pthread_mutex_init(&vm->lock, NULL);
	vm->dev_fd = open(dev ? dev : "/dev/gunyah", O_RDWR | O_CLOEXEC);
	if (vm->dev_fd < 0)
		return fail(vm, "open /dev/gunyah");
	vm->vm_fd = ioctl(vm->dev_fd, GH_CREATE_VM, 0);
	if (vm->vm_fd < 0)
		return fail(vm, "GH_CREATE_VM");
	return 0;
}

int gh_vm_alloc_mem(struct gh_vm *vm, size_t size)
{
	void *p = mmap(NULL, size, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		return fail(vm, "mmap guest memory");
	vm->mem = p;
	vm->mem_size = size;
	return 0;
}

int gh_vm_load_blob(struct gh_vm *vm, const void *buf, size_t len)
{
	if (len + GH_DTB_MAX_SIZE > vm->mem_size) {
		errno = EFBIG;
		return fail(vm, "image does not fit in guest memory");
	}
	memcpy(vm->mem, buf, len);
	return 0;
}

int gh_vm_load_image(struct gh_vm *vm, const char *path)
{
	struct stat st;
	ssize_t n;
	int fd, ret;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return fail(vm, "open image");
	if (fstat(fd, &st) < 0) {
		ret = fail(vm, "stat image");
		goto out;
	}
	if ((size_t)st.st_size + GH_DTB_MAX_SIZE > vm->mem_size) {
		errno = EFBIG;
		ret = fail(vm, "image does not fit in guest memory");
		goto out;
	}
	n = read(fd, vm->mem, st.st_size);
	ret = n == st.st_size ? 0 : fail(vm, "read image");
out:
	close(fd);
	return ret;
}

int gh_vm_map_mem(struct gh_vm *vm, enum gh_mem_mode mode, __u32 label)
{
	struct gunyah_userspace_memory_region region = {
		.label = label,
		.flags = GH_MEM_ALLOW_READ | GH_MEM_ALLOW_WRITE | GH_MEM_ALLOW_EXEC,
		.guest_phys_addr = GH_GUEST_RAM_BASE,
		.memory_size = vm->mem_size,
		.userspace_addr = (uintptr_t)vm->mem,
	};

	vm->mode = mode;
	if (mode == GH_MEM_LEND) {
		if (ioctl(vm->vm_fd, GH_VM_ANDROID_LEND_USER_MEM, &region) < 0)
			return fail(vm, "GH_VM_ANDROID_LEND_USER_MEM");
	} else {
		if (ioctl(vm->vm_fd, GH_VM_SET_USER_MEM_REGION, &region) < 0)
			return fail(vm, "GH_VM_SET_USER_MEM_REGION");
	}
	return 0;
}

/* The VM's DT, as crosvm and the QEMU Gunyah patches write it. */
static long write_dtb(struct gh_vm *vm, void *buf, size_t size, int nr_vcpus,
		      const char *name)
{
	const __u32 gic_phandle = 1;
	__u64 gicr = GH_GUEST_GICD_BASE - GH_GUEST_GICR_SIZE * nr_vcpus;
	__u32 cells[16];
	struct gh_fdt f;
	char node[32];
	int i;

	gh_fdt_init(&f, buf, size);
	gh_fdt_begin_node(&f, "");
	gh_fdt_prop_u32(&f, "#address-cells", 2);
	gh_fdt_prop_u32(&f, "#size-cells", 2);
	gh_fdt_prop_str(&f, "compatible", "linux,dummy-virt");
	gh_fdt_prop_u32(&f, "interrupt-parent", gic_phandle);

	gh_fdt_begin_node(&f, "chosen");
	gh_fdt_prop_str(&f, "stdout-path", "/pl011@9000000");
	gh_fdt_prop_str(&f, "bootargs", "console=ttyAMA0 earlycon");
	gh_fdt_end_node(&f);

	gh_fdt_begin_node(&f, "memory");
	gh_fdt_prop_str(&f, "device_type", "memory");
	cells[0] = GH_GUEST_RAM_BASE >> 32;
	cells[1] = (__u32)GH_GUEST_RAM_BASE;
	cells[2] = (__u64)vm->mem_size >> 32;
	cells[3] = (__u32)vm->mem_size;
	gh_fdt_prop_cells(&f, "reg", cells, 4);
	gh_fdt_end_node(&f);

	gh_fdt_begin_node(&f, "cpus");
	gh_fdt_prop_u32(&f, "#address-cells", 1);
	gh_fdt_prop_u32(&f, "#size-cells", 0);
	for (i = 0; i < nr_vcpus; i++) {
		snprintf(node, sizeof(node), "cpu@%x", i);
		gh_fdt_begin_node(&f, node);
		gh_fdt_prop_str(&f, "device_type", "cpu");
		gh_fdt_prop_str(&f, "compatible", "arm,armv8");
		gh_fdt_prop_str(&f, "enable-method", "psci");
		gh_fdt_prop_u32(&f, "reg", i);
		gh_fdt_end_node(&f);
	}
	gh_fdt_end_node(&f);

	gh_fdt_begin_node(&f, "psci");
	gh_fdt_prop(&f, "compatible", "arm,psci-1.0\0arm,psci-0.2",
		    sizeof("arm,psci-1.0\0arm,psci-0.2"));
	gh_fdt_prop_str(&f, "method", "hvc");
	gh_fdt_end_node(&f);

	snprintf(node, sizeof(node), "intc@%llx", GH_GUEST_GICD_BASE);
	gh_fdt_begin_node(&f, node);
	gh_fdt_prop_str(&f, "compatible", "arm,gic-v3");
	gh_fdt_prop_u32(&f, "#interrupt-cells", 3);
	gh_fdt_prop(&f, "interrupt-controller", NULL, 0);
	cells[0] = 0;
	cells[1] = GH_GUEST_GICD_BASE;
	cells[2] = 0;
	cells[3] = GH_GUEST_GICD_SIZE;
	cells[4] = 0;
	cells[5] = gicr;
	cells[6] = 0;
	cells[7] = GH_GUEST_GICR_SIZE * nr_vcpus;
	gh_fdt_prop_cells(&f, "reg", cells, 8);
	gh_fdt_prop_u32(&f, "phandle", gic_phandle);
	gh_fdt_end_node(&f);

	gh_fdt_begin_node(&f, "timer");
	gh_fdt_prop_str(&f, "compatible", "arm,armv8-timer");
	gh_fdt_prop(&f, "always-on", NULL, 0);
	{
		static const __u32 ppis[] = { 13, 14, 11, 10 };

		for (i = 0; i < 4; i++) {
			cells[3 * i] = 1;	/* PPI */
			cells[3 * i + 1] = ppis[i];
			cells[3 * i + 2] = 0x4;	/* level high */
		}
	}
	gh_fdt_prop_cells(&f, "interrupts", cells, 12);
	gh_fdt_end_node(&f);

	gh_fdt_begin_node(&f, "pl011@9000000");
	gh_fdt_prop(&f, "compatible", "arm,pl011\0arm,primecell",
		    sizeof("arm,pl011\0arm,primecell"));
	cells[0] = 0;
	cells[1] = GH_GUEST_UART_BASE;
	cells[2] = 0;
	cells[3] = 0x1000;
	gh_fdt_prop_cells(&f, "reg", cells, 4);
	gh_fdt_end_node(&f);

	gh_fdt_begin_node(&f, "gunyah-vm-config");
	gh_fdt_prop_str(&f, "image-name", name ? name : "gunyah-vmm");
	gh_fdt_prop_str(&f, "os-type", "linux");
	gh_fdt_begin_node(&f, "memory");
	gh_fdt_prop_u32(&f, "#address-cells", 2);
	gh_fdt_prop_u32(&f, "#size-cells", 2);
	gh_fdt_prop_u64(&f, "base-address", GH_GUEST_RAM_BASE);
	gh_fdt_end_node(&f);
	gh_fdt_begin_node(&f, "interrupts");
	gh_fdt_prop_u32(&f, "config", gic_phandle);
	gh_fdt_end_node(&f);
	gh_fdt_begin_node(&f, "vcpus");
	gh_fdt_prop_str(&f, "affinity", "proxy");
	gh_fdt_end_node(&f);
	gh_fdt_begin_node(&f, "vdevices");
	gh_fdt_prop_str(&f, "generate", "/hypervisor");
	gh_fdt_end_node(&f);
	gh_fdt_end_node(&f);

	gh_fdt_end_node(&f);
	return gh_fdt_finish(&f);
}

int gh_vm_setup_dtb(struct gh_vm *vm, int nr_vcpus, const char *name)
{
	size_t off = vm->mem_size - GH_DTB_MAX_SIZE;
	long len;

	if (vm->mem_size < 2 * GH_DTB_MAX_SIZE) {
		errno = EINVAL;
		return fail(vm, "guest memory too small for the DTB");
	}
	len = write_dtb(vm, (__u8 *)vm->mem + off, GH_DTB_MAX_SIZE, nr_vcpus, name);
	if (len < 0) {
		errno = ENOSPC;
		return fail(vm, "write the DTB");
	}
	vm->dtb_ipa = GH_GUEST_RAM_BASE + off;
	vm->dtb_size = GH_DTB_MAX_SIZE;
	return 0;
}

int gh_vm_set_dtb_config(struct gh_vm *vm)
{
	struct gunyah_vm_dtb_config cfg = {
		.guest_phys_addr = vm->dtb_ipa,
		.size = vm->dtb_size,
	};

	if (ioctl(vm->vm_fd, GH_VM_SET_DTB_CONFIG, &cfg) < 0)
		return fail(vm, "GH_VM_SET_DTB_CONFIG");
	return 0;
}

int gh_vm_add_vcpus(struct gh_vm *vm, int nr_vcpus)
{
	int i, size;

	if (nr_vcpus < 1 || nr_vcpus > GH_MAX_VCPUS) {
		errno = EINVAL;
		return fail(vm, "vCPU count");
	}
	size = ioctl(vm->dev_fd, GH_VCPU_MMAP_SIZE, 0);
	if (size <= 0)
		return fail(vm, "GH_VCPU_MMAP_SIZE");
	vm->run_size = size;
	for (i = 0; i < nr_vcpus; i++) {
		struct gunyah_fn_vcpu_arg arg = { .id = i };
		struct gunyah_fn_desc desc = {
			.type = GUNYAH_FN_VCPU,
			.arg_size = sizeof(arg),
			.arg = (uintptr_t)&arg,
		};
		void *run;

		vm->vcpu_fd[i] = ioctl(vm->vm_fd, GH_VM_ADD_FUNCTION, &desc);
		if (vm->vcpu_fd[i] < 0)
			return fail(vm, "GH_VM_ADD_FUNCTION(vCPU)");
		vm->nr_vcpus = i + 1;
		run = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED,
			   vm->vcpu_fd[i], 0);
		if (run == MAP_FAILED)
			return fail(vm, "mmap vCPU run page");
		vm->run[i] = run;
	}
	return 0;
}

int gh_vm_start(struct gh_vm *vm)
{
	if (ioctl(vm->vm_fd, GH_VM_START, 0) < 0)
		return fail(vm, "GH_VM_START");
	vm->started = true;
	return 0;
}

int gh_vm_boot(struct gh_vm *vm, const char *dev, const void *image,
	       size_t image_len, size_t mem_size, enum gh_mem_mode mode,
	       int nr_vcpus)
{
	int ret;

	ret = gh_vm_create(vm, dev);
	if (!ret)
		ret = gh_vm_alloc_mem(vm, mem_size);
	if (!ret)
		ret = gh_vm_load_blob(vm, image, image_len);
	/* The image and DTB are written before the memory may be lent. */
	if (!ret)
		ret = gh_vm_setup_dtb(vm, nr_vcpus, "gunyah-vmm");
	if (!ret)
		ret = gh_vm_map_mem(vm, mode, 0);
	if (!ret)
		ret = gh_vm_set_dtb_config(vm);
	if (!ret)
		ret = gh_vm_add_vcpus(vm, nr_vcpus);
	if (!ret)
		ret = gh_vm_start(vm);
	return ret;
}

/* ---- running ---- */

static void kick_handler(int sig)
{
	(void)sig;
}

/*
 * Any thread may ask for the stop; gh_vm_run()'s thread then kicks the vCPU
 * threads out of GH_VCPU_RUN with a signal (EINTR) until they are all gone.
 */
void gh_vm_stop(struct gh_vm *vm)
{
	int i;

	vm->stop = 1;
	for (i = 0; i < vm->nr_vcpus; i++) {
		if (vm->run[i])
			vm->run[i]->immediate_exit = 1;
	}
	__sync_synchronize();
}

static void set_end(struct gh_vm *vm, enum gh_run_end end)
{
	if (vm->end == GH_END_NONE)
		vm->end = end;
}

static void uart_putc(struct gh_vm *vm, char c)
{
	if (vm->uart_len < sizeof(vm->uart_buf) - 1)
		vm->uart_buf[vm->uart_len++] = c;
	if (vm->uart_out) {
		fputc(c, vm->uart_out);
		if (c == '\n')
			fflush(vm->uart_out);
	}
}

/* PL011: data and flag registers, and the PrimeCell IDs. */
static __u64 pl011_access(struct gh_vm *vm, __u64 off, bool is_write,
			     __u64 data)
{
	static const __u8 ids[] = { 0x11, 0x10, 0x14, 0x00, 0x0d, 0xf0, 0x05, 0xb1 };

	if (is_write) {
		if (off == 0x00)
			uart_putc(vm, (char)data);
		return 0;
	}
	switch (off) {
	case 0x18:		/* UARTFR: TX FIFO empty, RX FIFO empty */
		return 0x90;
	case 0xfe0 ... 0xffc:
		return ids[(off - 0xfe0) / 4];
	default:
		return 0;
	}
}

static void handle_mmio(struct gh_vm *vm, int idx, struct gunyah_vcpu_run *run)
{
	__u64 addr = run->mmio.phys_addr, data = 0;
	struct gh_mmio_rec *r = NULL;
	__u32 len = run->mmio.len > 8 ? 8 : run->mmio.len;
	bool is_write = run->mmio.is_write;

	if (is_write)
		memcpy(&data, run->mmio.data, len);	/* little-endian host */

	pthread_mutex_lock(&vm->lock);
	vm->mmio_exits++;
	if (addr >= GH_GUEST_UART_BASE && addr < GH_GUEST_UART_BASE + 0x1000) {
		data = pl011_access(vm, addr - GH_GUEST_UART_BASE, is_write, data);
	} else {
		if (vm->mmio_count < GH_MMIO_LOG_MAX) {
			r = &vm->mmio_log[vm->mmio_count++];
			r->addr = addr;
			r->len = run->mmio.len;
			r->is_write = is_write;
			r->vcpu = idx;
			r->data = data;
		}
		if (!vm->mmio_fn || !vm->mmio_fn(vm, idx, addr, len, is_write, &data)) {
			if (vm->verbose)
				fprintf(stderr, "gunyah-vmm: vCPU %d: unhandled MMIO %s %#llx/%u = %#llx\n",
					idx, is_write ? "write" : "read",
					(unsigned long long)addr, len,
					(unsigned long long)data);
			if (!is_write)
				data = 0;
		}
		/* The value returned to a read, as the guest got it. */
		if (!is_write && r)
			r->data = data;
	}
	pthread_mutex_unlock(&vm->lock);

	if (!is_write) {
		memset(run->mmio.data, 0, sizeof(run->mmio.data));
		memcpy(run->mmio.data, &data, len);
	}
	run->mmio.resume_action = GUNYAH_VCPU_RESUME_HANDLED;
}

struct vcpu_thread_arg {
	struct gh_vm *vm;
	int idx;
};

static void *vcpu_thread(void *p)
{
	struct vcpu_thread_arg *a = p;
	struct gh_vm *vm = a->vm;
	int idx = a->idx, fd = vm->vcpu_fd[idx];
	struct gunyah_vcpu_run *run = vm->run[idx];
	sigset_t set;

	free(a);
	sigemptyset(&set);
	sigaddset(&set, GH_KICK_SIGNAL);
	pthread_sigmask(SIG_UNBLOCK, &set, NULL);

	while (!vm->stop) {
		if (ioctl(fd, GH_VCPU_RUN, 0) < 0) {
			if (errno == EINTR || errno == EAGAIN)
				continue;
			pthread_mutex_lock(&vm->lock);
			if (vm->end == GH_END_NONE) {
				vm->err = errno;
				vm->err_what = "GH_VCPU_RUN";
				vm->err_vcpu = idx;
			}
			set_end(vm, GH_END_ERROR);
			pthread_mutex_unlock(&vm->lock);
			gh_vm_stop(vm);
			break;
		}
		switch (run->exit_reason) {
		case GUNYAH_VCPU_EXIT_MMIO:
			handle_mmio(vm, idx, run);
			break;
		case GUNYAH_VCPU_EXIT_STATUS:
			pthread_mutex_lock(&vm->lock);
			if (vm->end == GH_END_NONE) {
				vm->status = run->status.status;
				vm->exit_type = run->status.exit_info.type;
				vm->exit_reason_size = run->status.exit_info.reason_size;
				memcpy(vm->exit_reason, run->status.exit_info.reason,
				       sizeof(vm->exit_reason));
			}
			set_end(vm, GH_END_EXITED);
			pthread_mutex_unlock(&vm->lock);
			gh_vm_stop(vm);
			break;
		case GUNYAH_VCPU_EXIT_PAGE_FAULT:
			if (vm->verbose)
				fprintf(stderr, "gunyah-vmm: vCPU %d: page fault at %#llx (%d)\n",
					idx, (unsigned long long)run->page_fault.phys_addr,
					run->page_fault.attempt);
			run->page_fault.resume_action = GUNYAH_VCPU_RESUME_FAULT;
			break;
		default:
			if (vm->verbose)
				fprintf(stderr, "gunyah-vmm: vCPU %d: exit reason %u\n",
					idx, run->exit_reason);
			break;
		}
	}
	return NULL;
}

enum gh_run_end gh_vm_run(struct gh_vm *vm, int timeout_ms)
{
	struct sigaction sa = { .sa_handler = kick_handler };
	struct timespec start, now, ts;
	sigset_t set, old;
	int i, joined = 0;
	bool done[GH_MAX_VCPUS] = { false };

	sigemptyset(&sa.sa_mask);
	sigaction(GH_KICK_SIGNAL, &sa, NULL);	/* no SA_RESTART: EINTR */
	/* Only the vCPU threads take the kick. */
	sigemptyset(&set);
	sigaddset(&set, GH_KICK_SIGNAL);
	pthread_sigmask(SIG_BLOCK, &set, &old);

	vm->stop = 0;
	vm->end = GH_END_NONE;
	for (i = 0; i < vm->nr_vcpus; i++) {
		struct vcpu_thread_arg *a = malloc(sizeof(*a));

		vm->run[i]->immediate_exit = 0;
		a->vm = vm;
		a->idx = i;
		if (pthread_create(&vm->thread[i], NULL, vcpu_thread, a)) {
			free(a);
			vm->err = EAGAIN;
			vm->err_what = "pthread_create";
			set_end(vm, GH_END_ERROR);
			gh_vm_stop(vm);
			vm->nr_vcpus = i;	/* join the ones started */
			break;
		}
	}

	clock_gettime(CLOCK_MONOTONIC, &start);
	while (joined < vm->nr_vcpus) {
		for (i = 0; i < vm->nr_vcpus; i++) {
			if (done[i])
				continue;
			clock_gettime(CLOCK_REALTIME, &ts);
			ts.tv_nsec += 20 * 1000 * 1000;
			if (ts.tv_nsec >= 1000000000) {
				ts.tv_sec++;
				ts.tv_nsec -= 1000000000;
			}
			if (!pthread_timedjoin_np(vm->thread[i], NULL, &ts)) {
				done[i] = true;
				joined++;
			}
		}
		clock_gettime(CLOCK_MONOTONIC, &now);
		if (!vm->stop && timeout_ms &&
		    (now.tv_sec - start.tv_sec) * 1000 +
		    (now.tv_nsec - start.tv_nsec) / 1000000 > timeout_ms) {
			pthread_mutex_lock(&vm->lock);
			set_end(vm, GH_END_TIMEOUT);
			pthread_mutex_unlock(&vm->lock);
		}
		if (vm->end != GH_END_NONE)
			gh_vm_stop(vm);
		if (vm->stop) {
			/* again every round: a vCPU may have been between ioctls */
			for (i = 0; i < vm->nr_vcpus; i++) {
				if (!done[i])
					pthread_kill(vm->thread[i], GH_KICK_SIGNAL);
			}
		}
	}
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (vm->end == GH_END_NONE)
		vm->end = GH_END_STOPPED;
	return vm->end;
}

void gh_vm_destroy(struct gh_vm *vm)
{
	int i;

	for (i = 0; i < GH_MAX_VCPUS; i++) {
		if (vm->run[i]) {
			munmap(vm->run[i], vm->run_size);
			vm->run[i] = NULL;
		}
		if (vm->vcpu_fd[i] >= 0) {
			close(vm->vcpu_fd[i]);
			vm->vcpu_fd[i] = -1;
		}
	}
	if (vm->vm_fd >= 0)
		close(vm->vm_fd);
	if (vm->dev_fd >= 0)
		close(vm->dev_fd);
	vm->vm_fd = vm->dev_fd = -1;
}

void gh_vm_free_mem(struct gh_vm *vm)
{
	if (vm->mem)
		munmap(vm->mem, vm->mem_size);
	vm->mem = NULL;
}

const char *gh_end_str(const struct gh_vm *vm)
{
	static __thread char buf[128];

	switch (vm->end) {
	case GH_END_EXITED:
		if (vm->status != GUNYAH_VM_STATUS_EXITED) {
			snprintf(buf, sizeof(buf), "VM %s (status %u)",
				 vm->status == GUNYAH_VM_STATUS_CRASHED ? "crashed" :
				 vm->status == GUNYAH_VM_STATUS_LOAD_FAILED ? "load failed" :
				 "stopped", vm->status);
			return buf;
		}
		switch (vm->exit_type) {
		case 0:
			return "VM exited: PSCI SYSTEM_OFF (exit type 0)";
		case 1:
			return "VM exited: platform off (exit type 1)";
		case 2:
			return "VM exited: reset (exit type 2)";
		case 3:
			return "VM exited: PSCI SYSTEM_RESET2 (exit type 3)";
		case 4:
			return "VM exited: watchdog bite (exit type 4)";
		case 5:
			return "VM exited: software error (exit type 5)";
		case 7:
			return "VM exited: forced stop (exit type 7)";
		default:
			snprintf(buf, sizeof(buf), "VM exited: exit type %u", vm->exit_type);
			return buf;
		}
	case GH_END_TIMEOUT:
		return "timeout";
	case GH_END_STOPPED:
		return "stopped";
	case GH_END_ERROR:
		snprintf(buf, sizeof(buf), "%s failed on vCPU %d: %s",
			 vm->err_what, vm->err_vcpu, strerror(vm->err));
		return buf;
	default:
		return "running";
	}
}
