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
#include <sys/eventfd.h>
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

/*
 * Open /gunyah-vm-config as crosvm and QEMU write it, up to and including
 * the opening of its vdevices node: the caller adds the vdevices, then ends
 * both nodes. The GIC is named by phandle, as both VMMs do (the real RM
 * warns that it wants a path, and accepts it).
 */
void gh_fdt_begin_vm_config(struct gh_fdt *f, const char *image_name,
			    __u64 image_base, __u32 gic_phandle)
{
	gh_fdt_begin_node(f, "gunyah-vm-config");
	gh_fdt_prop_str(f, "image-name", image_name);
	gh_fdt_prop_str(f, "os-type", "linux");
	gh_fdt_begin_node(f, "memory");
	gh_fdt_prop_u32(f, "#address-cells", 2);
	gh_fdt_prop_u32(f, "#size-cells", 2);
	gh_fdt_prop_u64(f, "base-address", image_base);
	gh_fdt_end_node(f);
	gh_fdt_begin_node(f, "interrupts");
	gh_fdt_prop_u32(f, "config", gic_phandle);
	gh_fdt_end_node(f);
	gh_fdt_begin_node(f, "vcpus");
	gh_fdt_prop_str(f, "affinity", "proxy");
	gh_fdt_end_node(f);
	gh_fdt_begin_node(f, "vdevices");
	gh_fdt_prop_str(f, "generate", "/hypervisor");
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

#define GH_IRQFD_MAGIC	0x49525146	/* "IRQF" */

int gh_vm_create(struct gh_vm *vm, const char *dev)
{
	struct gh_vm_irqfd irqfd[GH_MAX_IRQFDS];
	int i, nr_irqfds = 0, uart_irqfd = 0;

	/* Keep the irqfds declared before (gh_vm_boot() creates the VM). */
	if (vm->irqfd_magic == GH_IRQFD_MAGIC && vm->nr_irqfds > 0 &&
	    vm->nr_irqfds <= GH_MAX_IRQFDS) {
		nr_irqfds = vm->nr_irqfds;
		memcpy(irqfd, vm->irqfd, sizeof(irqfd));
		if (vm->uart_irqfd > 0 && vm->uart_irqfd <= nr_irqfds)
			uart_irqfd = vm->uart_irqfd;
	}
	memset(vm, 0, sizeof(*vm));
	if (nr_irqfds) {
		memcpy(vm->irqfd, irqfd, sizeof(irqfd));
		vm->nr_irqfds = nr_irqfds;
		vm->irqfd_magic = GH_IRQFD_MAGIC;
		vm->uart_irqfd = uart_irqfd;
		for (i = 0; i < nr_irqfds; i++)
			vm->irqfd[i].fd = -1;	/* of another VM, if any */
	}
	vm->shm_label = 1;
	vm->shm_contiguous = -1;
	vm->pl011.cr = 0x300;		/* reset: TXE | RXE */
	vm->pl011.ifls = 0x12;		/* reset: FIFOs half full */
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

/* The DTB region at the end of RAM. */
static size_t dtb_region(const struct gh_vm *vm)
{
	return vm->dtb_region ? vm->dtb_region : GH_DTB_MAX_SIZE;
}

int gh_vm_load_blob(struct gh_vm *vm, const void *buf, size_t len)
{
	if (len + dtb_region(vm) > vm->mem_size) {
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
	if ((size_t)st.st_size + dtb_region(vm) > vm->mem_size) {
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

/* Read all of @path into @buf (at most @max bytes); its size or -errno. */
static ssize_t read_whole(struct gh_vm *vm, const char *path, void *buf,
			  size_t max, const char *what)
{
	struct stat st;
	ssize_t n = 0, r;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return fail(vm, what);
	if (fstat(fd, &st) < 0) {
		n = fail(vm, what);
		goto out;
	}
	if ((size_t)st.st_size > max) {
		errno = EFBIG;
		n = fail(vm, what);
		goto out;
	}
	while (n < st.st_size) {
		r = read(fd, (char *)buf + n, st.st_size - n);
		if (r <= 0) {
			if (!r)
				errno = EIO;
			n = fail(vm, what);
			goto out;
		}
		n += r;
	}
out:
	close(fd);
	return n;
}

static __u64 get_le64(const __u8 *p)
{
	__u64 v = 0;
	int i;

	for (i = 7; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}

#define ARM64_IMAGE_MAGIC	0x644d5241	/* "ARM\x64" at offset 56 */
#define SZ_2M			0x200000ULL
#define SZ_4K			0x1000ULL

/*
 * Documentation/arch/arm64/booting.rst: the Image sits text_offset bytes
 * above a 2 MiB aligned base (the RAM base: the RM enters the image parcel
 * at its base, so text_offset must be 0, as it is since Linux 5.10) and
 * needs image_size bytes there (its bss, initial page tables); the DTB
 * and the initrd go above that, the DTB 8-byte aligned.
 */
int gh_vm_load_linux(struct gh_vm *vm, const char *kernel, const char *initrd)
{
	size_t dtb_off = vm->mem_size - dtb_region(vm);
	__u64 text_offset, image_size, end;
	const __u8 *hdr = vm->mem;
	ssize_t n;
	struct stat st;

	if (vm->mem_size < 2 * dtb_region(vm)) {
		errno = EINVAL;
		return fail(vm, "guest memory too small");
	}
	n = read_whole(vm, kernel, vm->mem, dtb_off, "read the kernel Image");
	if (n < 0)
		return n;
	if (n < 64 || (__u32)get_le64(hdr + 56) != ARM64_IMAGE_MAGIC) {
		errno = ENOEXEC;
		return fail(vm, "not an arm64 Image (no \"ARM\\x64\" magic)");
	}
	text_offset = get_le64(hdr + 8);
	image_size = get_le64(hdr + 16);
	if (text_offset || !image_size) {
		errno = ENOEXEC;
		return fail(vm, "arm64 Image with a text_offset or no image_size");
	}
	end = (image_size + SZ_2M - 1) & ~(SZ_2M - 1);
	if (end > dtb_off) {
		errno = EFBIG;
		return fail(vm, "the kernel's image_size does not fit in guest memory");
	}
	vm->initrd_ipa = 0;
	vm->initrd_size = 0;
	if (!initrd)
		return 0;
	if (stat(initrd, &st) < 0)
		return fail(vm, "stat the initrd");
	if ((__u64)st.st_size + end > dtb_off) {
		errno = EFBIG;
		return fail(vm, "the kernel and the initrd do not fit in guest memory");
	}
	/* Page-aligned right below the DTB: the rest of RAM stays one block. */
	n = (dtb_off - st.st_size) & ~(SZ_4K - 1);
	if (read_whole(vm, initrd, (__u8 *)vm->mem + n, dtb_off - n,
		       "read the initrd") != st.st_size)
		return -vm->err;
	vm->initrd_ipa = GH_GUEST_RAM_BASE + n;
	vm->initrd_size = st.st_size;
	return 0;
}

#define PM_PFN_MASK	((1ULL << 55) - 1)
#define PM_PRESENT	(1ULL << 63)

/* Frame numbers of @n pages from @p (faulted in); 0 or -errno. */
static int read_pfns(const void *p, size_t n, __u64 *pfn)
{
	off_t off = (uintptr_t)p / SZ_4K * sizeof(__u64);
	size_t i, len = n * sizeof(__u64);
	ssize_t r;
	int fd;

	/* A write fault: a read would map the shared zero page. */
	for (i = 0; i < n; i++) {
		volatile char *c = (volatile char *)p + i * SZ_4K;

		*c = *c;
	}
	fd = open("/proc/self/pagemap", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	r = pread(fd, pfn, len, off);
	close(fd);
	if (r != (ssize_t)len)
		return r < 0 ? -errno : -EIO;
	for (i = 0; i < n; i++) {
		/* Without CAP_SYS_ADMIN the frame numbers read as 0. */
		if (!(pfn[i] & PM_PRESENT) || !(pfn[i] & PM_PFN_MASK))
			return -EPERM;
		pfn[i] &= PM_PFN_MASK;
	}
	return 0;
}

__u64 gh_virt_to_pfn(const void *p)
{
	__u64 pfn;

	p = (const void *)((uintptr_t)p & ~(uintptr_t)(SZ_4K - 1));
	return read_pfns(p, 1, &pfn) ? 0 : pfn;
}

int gh_phys_contiguous(const void *p, size_t size)
{
	size_t i, n = size / SZ_4K;
	__u64 *pfn;
	int ret;

	pfn = calloc(n ? n : 1, sizeof(*pfn));
	if (!pfn)
		return -ENOMEM;
	ret = read_pfns(p, n, pfn);
	for (i = 1; !ret && i < n; i++) {
		if (pfn[i] != pfn[0] + i)
			ret = 1;
	}
	free(pfn);
	return ret < 0 ? ret : !ret;
}

struct pool_page {
	__u64 pfn;
	size_t idx;
};

static int cmp_pfn(const void *a, const void *b)
{
	const struct pool_page *x = a, *y = b;

	return x->pfn < y->pfn ? -1 : x->pfn > y->pfn;
}

/*
 * A window of @n pages backed by consecutive frames, from a faulted-in pool
 * of @pool_n anonymous pages: find a run of @n consecutive frames in it and
 * move those pages (mremap keeps the frame) into place in frame order, at
 * @at if not NULL (replacing what is mapped there). The window, or NULL
 * when the pool has no such run.
 */
static void *contiguous_from_pool(size_t n, size_t pool_n, void *at)
{
	struct pool_page *pg;
	size_t i, run = 0, start = 0;
	char *pool, *win = NULL;
	__u64 *pfn;

	pool = mmap(NULL, pool_n * SZ_4K, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
	if (pool == MAP_FAILED)
		return NULL;
	pg = calloc(pool_n, sizeof(*pg));
	pfn = calloc(pool_n, sizeof(*pfn));
	if (!pg || !pfn || read_pfns(pool, pool_n, pfn))
		goto out;
	for (i = 0; i < pool_n; i++) {
		pg[i].pfn = pfn[i];
		pg[i].idx = i;
	}
	qsort(pg, pool_n, sizeof(*pg), cmp_pfn);
	for (i = 0; i < pool_n; i++) {
		if (i && pg[i].pfn == pg[i - 1].pfn + 1) {
			run++;
		} else {
			run = 1;
			start = i;
		}
		if (run == n)
			break;
	}
	if (run < n)
		goto out;
	win = mmap(at, n * SZ_4K, PROT_NONE,
		   MAP_PRIVATE | MAP_ANONYMOUS | (at ? MAP_FIXED : 0), -1, 0);
	if (win == MAP_FAILED) {
		win = NULL;
		goto out;
	}
	for (i = 0; i < n; i++) {
		if (mremap(pool + pg[start + i].idx * SZ_4K, SZ_4K, SZ_4K,
			   MREMAP_MAYMOVE | MREMAP_FIXED, win + i * SZ_4K) == MAP_FAILED) {
			if (!at)
				munmap(win, n * SZ_4K);
			win = NULL;
			goto out;
		}
	}
out:
	munmap(pool, pool_n * SZ_4K);	/* what was not moved out */
	free(pg);
	free(pfn);
	return win;
}

#define POOL_MIN	((4ULL << 20) / SZ_4K)
#define POOL_MAX	((256ULL << 20) / SZ_4K)

void *gh_alloc_phys_contiguous(size_t size, void *at)
{
	size_t n = size / SZ_4K, mult;
	void *p = NULL;

	if (!n || (size & (SZ_4K - 1)))
		return NULL;
	/*
	 * Pools of 2, 8, 32 times the window, at least 4 MiB (the pages
	 * freed last, scattered, come first), at most 256 MiB.
	 */
	for (mult = 2; !p && mult <= 32; mult *= 4) {
		size_t pool_n = n * mult < POOL_MIN ? POOL_MIN : n * mult;

		if (pool_n > POOL_MAX)
			break;
		p = contiguous_from_pool(n, pool_n, at);
	}
	if (p && gh_phys_contiguous(p, size) != 1) {
		munmap(p, size);
		p = NULL;
	}
	return p;
}

int gh_vm_alloc_shm(struct gh_vm *vm, size_t size)
{
	void *p;

	if (!size || (size & (SZ_4K - 1))) {
		errno = EINVAL;
		return fail(vm, "shared window size");
	}
	p = gh_alloc_phys_contiguous(size, NULL);
	if (p) {
		vm->shm_contiguous = 1;
	} else {
		p = mmap(NULL, size, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (p == MAP_FAILED)
			return fail(vm, "mmap the shared window");
		vm->shm_contiguous = gh_phys_contiguous(p, size);
		if (vm->shm_contiguous < 0)
			vm->shm_contiguous = -1;
	}
	vm->shm = p;
	vm->shm_size = size;
	vm->shm_map_size = size;
	return 0;
}

int gh_vm_map_shm(struct gh_vm *vm, __u32 label)
{
	struct gunyah_userspace_memory_region region = {
		.label = label,
		.flags = GH_MEM_ALLOW_READ | GH_MEM_ALLOW_WRITE,
		.guest_phys_addr = GH_GUEST_RAM_BASE + vm->mem_size,
		.memory_size = vm->shm_size,
		.userspace_addr = (uintptr_t)vm->shm,
	};

	if (ioctl(vm->vm_fd, GH_VM_SET_USER_MEM_REGION, &region) < 0)
		return fail(vm, "GH_VM_SET_USER_MEM_REGION (shared window)");
	return 0;
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
	const __u32 gic_phandle = 1, clk_phandle = 2, swiotlb_phandle = 3;
	__u64 gicr = GH_GUEST_GICD_BASE - GH_GUEST_GICR_SIZE * nr_vcpus;
	__u64 shm_ipa = GH_GUEST_RAM_BASE + vm->mem_size;
	__u32 cells[16];
	struct gh_fdt f;
	char node[64];
	int i;

	gh_fdt_init(&f, buf, size);
	gh_fdt_begin_node(&f, "");
	gh_fdt_prop_u32(&f, "#address-cells", 2);
	gh_fdt_prop_u32(&f, "#size-cells", 2);
	gh_fdt_prop_str(&f, "compatible", "linux,dummy-virt");
	gh_fdt_prop_u32(&f, "interrupt-parent", gic_phandle);

	gh_fdt_begin_node(&f, "chosen");
	gh_fdt_prop_str(&f, "stdout-path", "/pl011@9000000");
	gh_fdt_prop_str(&f, "bootargs", vm->cmdline ? vm->cmdline :
			"console=ttyAMA0 earlycon");
	if (vm->initrd_size) {
		gh_fdt_prop_u64(&f, "linux,initrd-start", vm->initrd_ipa);
		gh_fdt_prop_u64(&f, "linux,initrd-end",
				vm->initrd_ipa + vm->initrd_size);
	}
	gh_fdt_end_node(&f);

	/* The RAM (lent or shared: the image parcel), then the window. */
	gh_fdt_begin_node(&f, "memory");
	gh_fdt_prop_str(&f, "device_type", "memory");
	cells[0] = GH_GUEST_RAM_BASE >> 32;
	cells[1] = (__u32)GH_GUEST_RAM_BASE;
	cells[2] = (__u64)vm->mem_size >> 32;
	cells[3] = (__u32)vm->mem_size;
	cells[4] = shm_ipa >> 32;
	cells[5] = (__u32)shm_ipa;
	cells[6] = (__u64)vm->shm_size >> 32;
	cells[7] = (__u32)vm->shm_size;
	gh_fdt_prop_cells(&f, "reg", cells, vm->shm_size ? 8 : 4);
	gh_fdt_end_node(&f);

	/*
	 * The shared window: a bounce-buffer pool for DMA of a guest whose
	 * other memory the host cannot see (Linux: restricted-dma-pool, used
	 * by the devices whose memory-region points at it; it must not be
	 * no-map), named as crosvm names it. The real RM finds the shared
	 * parcel for this node by its qcom,label (without one only a parcel
	 * already mapped at this range, such as the shm vdevice's) and, if
	 * the vdevice did not map it, accepts it at this node's range.
	 */
	if (vm->shm_size) {
		gh_fdt_begin_node(&f, "reserved-memory");
		gh_fdt_prop_u32(&f, "#address-cells", 2);
		gh_fdt_prop_u32(&f, "#size-cells", 2);
		gh_fdt_prop(&f, "ranges", NULL, 0);
		snprintf(node, sizeof(node), "restricted_dma_reserved@%llx",
			 (unsigned long long)shm_ipa);
		gh_fdt_begin_node(&f, node);
		gh_fdt_prop_str(&f, "compatible", "restricted-dma-pool");
		gh_fdt_prop_cells(&f, "reg", cells + 4, 4);
		gh_fdt_prop_u64(&f, "alignment", SZ_4K);
		if (!vm->shm_no_label)
			gh_fdt_prop_u32(&f, "qcom,label", vm->shm_label);
		gh_fdt_prop_u32(&f, "phandle", swiotlb_phandle);
		gh_fdt_end_node(&f);
		gh_fdt_end_node(&f);
	}

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

	/* The PL011's clock (Linux's AMBA bus wants an "apb_pclk"). */
	gh_fdt_begin_node(&f, "apb-pclk");
	gh_fdt_prop_str(&f, "compatible", "fixed-clock");
	gh_fdt_prop_u32(&f, "#clock-cells", 0);
	gh_fdt_prop_u32(&f, "clock-frequency", 24000000);
	gh_fdt_prop_str(&f, "clock-output-names", "clk24mhz");
	gh_fdt_prop_u32(&f, "phandle", clk_phandle);
	gh_fdt_end_node(&f);

	gh_fdt_begin_node(&f, "pl011@9000000");
	gh_fdt_prop(&f, "compatible", "arm,pl011\0arm,primecell",
		    sizeof("arm,pl011\0arm,primecell"));
	cells[0] = 0;
	cells[1] = GH_GUEST_UART_BASE;
	cells[2] = 0;
	cells[3] = 0x1000;
	gh_fdt_prop_cells(&f, "reg", cells, 4);
	/* Level, as on QEMU's virt and as its doorbell (gh_vm_set_uart_irq()) */
	cells[0] = 0;
	cells[1] = GH_GUEST_UART_SPI;
	cells[2] = 4;
	gh_fdt_prop_cells(&f, "interrupts", cells, 3);
	cells[0] = clk_phandle;
	cells[1] = clk_phandle;
	gh_fdt_prop_cells(&f, "clocks", cells, 2);
	gh_fdt_prop(&f, "clock-names", "uartclk\0apb_pclk", sizeof("uartclk\0apb_pclk"));
	/* Matches the ID registers: the AMBA bus need not read them. */
	gh_fdt_prop_u32(&f, "arm,primecell-periphid", 0x00241011);
	gh_fdt_end_node(&f);

	gh_fdt_begin_vm_config(&f, name ? name : "gunyah-vmm", GH_GUEST_RAM_BASE,
			       gic_phandle);
	/*
	 * The shared window as QEMU declares its shared slots: the real RM
	 * maps the parcel with this label at base, IPA-contiguous.
	 */
	if (vm->shm_size && !vm->shm_no_vdevice) {
		snprintf(node, sizeof(node), "shm-%x", vm->shm_label);
		gh_fdt_begin_node(&f, node);
		gh_fdt_prop_str(&f, "vdevice-type", "shm");
		gh_fdt_prop_str(&f, "push-compatible", "dma");
		gh_fdt_prop(&f, "peer-default", NULL, 0);
		gh_fdt_prop_u64(&f, "dma_base", 0);
		gh_fdt_begin_node(&f, "memory");
		gh_fdt_prop_u32(&f, "label", vm->shm_label);
		gh_fdt_prop_u32(&f, "#address-cells", 2);
		gh_fdt_prop_u64(&f, "base", shm_ipa);
		gh_fdt_end_node(&f);
		gh_fdt_end_node(&f);
	}
	for (i = 0; vm->irqfd_magic == GH_IRQFD_MAGIC && i < vm->nr_irqfds; i++) {
		const struct gh_vm_irqfd *irq = &vm->irqfd[i];
		char gen[64];

		/*
		 * The RM makes a doorbell of each: its BELL_TX goes to the
		 * host. Named in hex, as QEMU names them (bell-0 .. bell-ff).
		 */
		snprintf(node, sizeof(node), "bell-%x", irq->label);
		snprintf(gen, sizeof(gen), "/hypervisor/bell-%x", irq->label);
		gh_fdt_begin_node(&f, node);
		gh_fdt_prop_str(&f, "vdevice-type", "doorbell");
		gh_fdt_prop_str(&f, "generate", gen);
		gh_fdt_prop_u32(&f, "label", irq->label);
		gh_fdt_prop(&f, "peer-default", NULL, 0);
		gh_fdt_prop(&f, "source-can-clear", NULL, 0);
		cells[0] = 0;	/* SPI */
		cells[1] = irq->spi;
		cells[2] = irq->level ? 4 : 1;	/* level high : edge rising */
		gh_fdt_prop_cells(&f, "interrupts", cells, 3);
		gh_fdt_end_node(&f);
	}
	gh_fdt_end_node(&f);
	gh_fdt_end_node(&f);

	gh_fdt_end_node(&f);
	return gh_fdt_finish(&f);
}

int gh_vm_setup_dtb(struct gh_vm *vm, int nr_vcpus, const char *name)
{
	size_t region = dtb_region(vm), off = vm->mem_size - region;
	long len;

	if (region & (SZ_4K - 1) || vm->mem_size < 2 * region) {
		errno = EINVAL;
		return fail(vm, "guest memory too small for the DTB");
	}
	/* The rest of the region stays zero: the RM's room for its overlay. */
	memset((__u8 *)vm->mem + off, 0, region);
	len = write_dtb(vm, (__u8 *)vm->mem + off, region, nr_vcpus, name);
	if (len < 0) {
		errno = ENOSPC;
		return fail(vm, "write the DTB");
	}
	vm->dtb_ipa = GH_GUEST_RAM_BASE + off;
	vm->dtb_size = region;
	vm->fdt_size = len;
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

/* ---- irqfds and ioeventfds ---- */

int gh_vm_declare_irqfd(struct gh_vm *vm, __u32 label, __u32 spi, bool level)
{
	struct gh_vm_irqfd *irq;

	if (vm->irqfd_magic != GH_IRQFD_MAGIC) {
		vm->irqfd_magic = GH_IRQFD_MAGIC;
		vm->nr_irqfds = 0;
	}
	/* SPI numbers of the guest's GIC: 0..987 (INTIDs 32..1019). */
	if (spi > 987 || gh_vm_irqfd_find(vm, label) >= 0)
		return -EINVAL;
	if (vm->nr_irqfds >= GH_MAX_IRQFDS)
		return -ENOSPC;
	irq = &vm->irqfd[vm->nr_irqfds];
	irq->label = label;
	irq->spi = spi;
	irq->level = level;
	irq->fd = -1;
	return vm->nr_irqfds++;
}

int gh_vm_irqfd_find(const struct gh_vm *vm, __u32 label)
{
	int i;

	if (vm->irqfd_magic != GH_IRQFD_MAGIC)
		return -1;
	for (i = 0; i < vm->nr_irqfds; i++) {
		if (vm->irqfd[i].label == label)
			return i;
	}
	return -1;
}

int gh_vm_set_uart_irq(struct gh_vm *vm)
{
	int i = gh_vm_declare_irqfd(vm, GH_GUEST_UART_LABEL, GH_GUEST_UART_SPI,
				    true);

	if (i < 0)
		return i;
	vm->uart_irqfd = i + 1;
	return 0;
}

static int irqfd_fn(struct gh_vm *vm, int i, unsigned long req)
{
	struct gunyah_fn_irqfd_arg arg = {
		.fd = vm->irqfd[i].fd,
		.label = vm->irqfd[i].label,
		.flags = vm->irqfd[i].level ? GUNYAH_IRQFD_FLAGS_LEVEL : 0,
	};
	struct gunyah_fn_desc desc = {
		.type = GUNYAH_FN_IRQFD,
		.arg_size = sizeof(arg),
		.arg = (uintptr_t)&arg,
	};

	return ioctl(vm->vm_fd, req, &desc);
}

int gh_vm_add_irqfds(struct gh_vm *vm)
{
	int i, fd;

	if (vm->irqfd_magic != GH_IRQFD_MAGIC)
		return 0;
	for (i = 0; i < vm->nr_irqfds; i++) {
		if (vm->irqfd[i].fd >= 0)
			continue;
		fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
		if (fd < 0)
			return fail(vm, "eventfd (irqfd)");
		vm->irqfd[i].fd = fd;
		if (irqfd_fn(vm, i, GH_VM_ADD_FUNCTION) < 0) {
			int ret = fail(vm, "GH_VM_ADD_FUNCTION(irqfd)");

			close(fd);
			vm->irqfd[i].fd = -1;
			return ret;
		}
	}
	return 0;
}

int gh_vm_irqfd_signal(struct gh_vm *vm, int i)
{
	__u64 one = 1;

	if (i < 0 || i >= vm->nr_irqfds || vm->irqfd[i].fd < 0)
		return -EINVAL;
	if (write(vm->irqfd[i].fd, &one, sizeof(one)) != sizeof(one))
		return -errno;
	return 0;
}

int gh_vm_remove_irqfd(struct gh_vm *vm, int i)
{
	int ret = 0;

	if (i < 0 || i >= vm->nr_irqfds || vm->irqfd[i].fd < 0)
		return -EINVAL;
	if (irqfd_fn(vm, i, GH_VM_REMOVE_FUNCTION) < 0)
		ret = fail(vm, "GH_VM_REMOVE_FUNCTION(irqfd)");
	close(vm->irqfd[i].fd);
	vm->irqfd[i].fd = -1;
	return ret;
}

static int ioeventfd_fn(struct gh_vm *vm, const struct gh_vm_ioeventfd *io,
			unsigned long req)
{
	struct gunyah_fn_ioeventfd_arg arg = {
		.datamatch = io->datamatch,
		.addr = io->addr,
		.len = io->len,
		.fd = io->fd,
		.flags = io->flags,
	};
	struct gunyah_fn_desc desc = {
		.type = GUNYAH_FN_IOEVENTFD,
		.arg_size = sizeof(arg),
		.arg = (uintptr_t)&arg,
	};

	return ioctl(vm->vm_fd, req, &desc);
}

int gh_vm_add_ioeventfd(struct gh_vm *vm, __u64 addr, __u32 len,
			__u32 flags, __u64 datamatch)
{
	struct gh_vm_ioeventfd *io;
	int ret;

	if (vm->nr_ioeventfds >= GH_MAX_IOEVENTFDS) {
		errno = ENOSPC;
		return fail(vm, "too many ioeventfds");
	}
	io = &vm->ioeventfd[vm->nr_ioeventfds];
	io->addr = addr;
	io->len = len;
	io->flags = flags;
	io->datamatch = datamatch;
	io->fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (io->fd < 0)
		return fail(vm, "eventfd (ioeventfd)");
	if (ioeventfd_fn(vm, io, GH_VM_ADD_FUNCTION) < 0) {
		ret = fail(vm, "GH_VM_ADD_FUNCTION(ioeventfd)");
		close(io->fd);
		return ret;
	}
	vm->nr_ioeventfds++;
	return io->fd;
}

int gh_vm_remove_ioeventfd(struct gh_vm *vm, int fd)
{
	struct gh_vm_ioeventfd *io;
	int i, ret = 0;

	for (i = 0; i < vm->nr_ioeventfds; i++) {
		if (vm->ioeventfd[i].fd == fd)
			break;
	}
	if (fd < 0 || i == vm->nr_ioeventfds)
		return -EINVAL;
	io = &vm->ioeventfd[i];
	if (ioeventfd_fn(vm, io, GH_VM_REMOVE_FUNCTION) < 0)
		ret = fail(vm, "GH_VM_REMOVE_FUNCTION(ioeventfd)");
	close(io->fd);
	*io = vm->ioeventfd[--vm->nr_ioeventfds];
	return ret;
}

int gh_vm_start(struct gh_vm *vm)
{
	int ret;

	/* The doorbells exist once the RM has parsed the DT: at start. */
	ret = gh_vm_add_irqfds(vm);
	if (ret)
		return ret;
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

/* PL011 registers (ARM DDI 0183) and interrupt bits */
#define UART_DR		0x000
#define UART_RSR	0x004
#define UART_FR		0x018
#define UART_ILPR	0x020
#define UART_IBRD	0x024
#define UART_FBRD	0x028
#define UART_LCRH	0x02c
#define UART_CR		0x030
#define UART_IFLS	0x034
#define UART_IMSC	0x038
#define UART_RIS	0x03c
#define UART_MIS	0x040
#define UART_ICR	0x044
#define UART_DMACR	0x048
#define UART_FR_TXFF	0x20
#define UART_FR_RXFE	0x10
#define UART_FR_TXFE	0x80
#define UART_INT_TX	0x20
#define UART_FIFO_DEPTH	16

/*
 * Output is written out at once; the TX FIFO is modelled only with an
 * interrupt to pace it (uart_irqfd), so that a guest driver waiting for
 * "TX FIFO at or below its trigger level" gets interrupts: each data write
 * fills it by one; it empties in the guest's time (the pace of the guest's
 * own accesses): when the guest finds it full in the flag register, or
 * above the trigger level in RIS/MIS, it is empty right after that read.
 * Without an interrupt it is always empty. There is no input.
 */
static bool pl011_fifo(struct gh_vm *vm)
{
	return vm->uart_irqfd != 0;
}

/* IFLS TXIFLSEL: 1/8, 1/4, 1/2, 3/4, 7/8 of the FIFO */
static __u32 pl011_tx_trigger(struct gh_vm *vm)
{
	static const __u8 level[8] = { 2, 4, 8, 12, 14, 8, 8, 8 };

	return level[vm->pl011.ifls & 7];
}

static __u32 pl011_ris(struct gh_vm *vm)
{
	return vm->pl011.tx_level <= pl011_tx_trigger(vm) ? UART_INT_TX : 0;
}

static __u32 pl011_mis(struct gh_vm *vm)
{
	return pl011_ris(vm) & vm->pl011.imsc;
}

/*
 * A PL011 good enough for Linux's amba-pl011 driver: the data register
 * (writes go out, reads find nothing), the flag register (TX FIFO state,
 * never busy; RX FIFO empty), the control, line, baud, FIFO level, mask and
 * DMA registers kept as written, RIS/MIS computed, and the PrimeCell IDs.
 */
static __u64 pl011_access(struct gh_vm *vm, __u64 off, bool is_write,
			  __u64 data)
{
	static const __u8 ids[] = { 0x11, 0x10, 0x14, 0x00, 0x0d, 0xf0, 0x05, 0xb1 };
	__u64 val;

	if (is_write) {
		switch (off) {
		case UART_DR:
			uart_putc(vm, (char)data);
			if (pl011_fifo(vm) && vm->pl011.tx_level < UART_FIFO_DEPTH)
				vm->pl011.tx_level++;
			break;
		case UART_ILPR:
			vm->pl011.ilpr = data & 0xff;
			break;
		case UART_IBRD:
			vm->pl011.ibrd = data & 0xffff;
			break;
		case UART_FBRD:
			vm->pl011.fbrd = data & 0x3f;
			break;
		case UART_LCRH:
			vm->pl011.lcrh = data & 0xff;
			break;
		case UART_CR:
			vm->pl011.cr = data & 0xffff;
			break;
		case UART_IFLS:
			vm->pl011.ifls = data & 0x3f;
			break;
		case UART_IMSC:
			vm->pl011.imsc = data & 0x7ff;
			break;
		case UART_DMACR:
			vm->pl011.dmacr = data & 0x7;
			break;
		default:	/* RSR/ECR, ICR (nothing to clear), read-only */
			break;
		}
		return 0;
	}
	switch (off) {
	case UART_FR:
		val = UART_FR_RXFE;
		if (!vm->pl011.tx_level)
			val |= UART_FR_TXFE;
		if (vm->pl011.tx_level >= UART_FIFO_DEPTH) {
			val |= UART_FR_TXFF;
			vm->pl011.tx_level = 0;	/* sent while the guest looked */
		}
		return val;
	case UART_ILPR:
		return vm->pl011.ilpr;
	case UART_IBRD:
		return vm->pl011.ibrd;
	case UART_FBRD:
		return vm->pl011.fbrd;
	case UART_LCRH:
		return vm->pl011.lcrh;
	case UART_CR:
		return vm->pl011.cr;
	case UART_IFLS:
		return vm->pl011.ifls;
	case UART_IMSC:
		return vm->pl011.imsc;
	case UART_RIS:
	case UART_MIS:
		val = off == UART_RIS ? pl011_ris(vm) : pl011_mis(vm);
		if (vm->pl011.tx_level > pl011_tx_trigger(vm))
			vm->pl011.tx_level = 0;
		return val;
	case UART_DMACR:
		return vm->pl011.dmacr;
	case 0xfe0 ... 0xffc:
		return ids[(off - 0xfe0) / 4];
	default:
		return 0;
	}
}

/*
 * The PL011's interrupt line is MIS != 0. It goes through a level doorbell,
 * declared level in the guest's DT: one ring per assertion (rising edge of
 * the line), after any access (the FIFO empties on reads too). A level
 * doorbell stays asserted until the guest takes the interrupt and is then
 * cleared (Gunyah's ack mask), so one ring is one interrupt; Linux's
 * handler loops until MIS reads 0, so the line is low when the handler
 * returns; the read that finds it low with the FIFO above the trigger level
 * empties the FIFO, which is the next rising edge. (A handler that returned
 * with MIS still set would get no new ring; Linux's only does after 256
 * passes, which its transmit path never needs.) Called with the VM lock
 * held.
 */
static void pl011_update_irq(struct gh_vm *vm, __u32 mis_before)
{
	__u64 one = 1;
	int i = vm->uart_irqfd - 1;

	if (mis_before || !pl011_mis(vm) || i < 0 || i >= vm->nr_irqfds ||
	    vm->irqfd[i].fd < 0)
		return;
	if (write(vm->irqfd[i].fd, &one, sizeof(one)) != sizeof(one) && vm->verbose)
		fprintf(stderr, "gunyah-vmm: PL011 interrupt: %s\n", strerror(errno));
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
		__u32 mis = pl011_mis(vm);

		data = pl011_access(vm, addr - GH_GUEST_UART_BASE, is_write, data);
		pl011_update_irq(vm, mis);
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
	for (i = 0; i < vm->nr_ioeventfds; i++)
		close(vm->ioeventfd[i].fd);
	vm->nr_ioeventfds = 0;
	if (vm->irqfd_magic == GH_IRQFD_MAGIC) {
		for (i = 0; i < vm->nr_irqfds && i < GH_MAX_IRQFDS; i++) {
			if (vm->irqfd[i].fd >= 0)
				close(vm->irqfd[i].fd);
			vm->irqfd[i].fd = -1;
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
	if (vm->shm)
		munmap(vm->shm, vm->shm_map_size ? vm->shm_map_size : vm->shm_size);
	vm->shm = NULL;
	vm->shm_size = 0;
	vm->shm_map_size = 0;
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
		/* The real RM's exit types (its vm_mgnt.h) */
		switch (vm->exit_type) {
		case 0:
			return "VM exited: the guest's RM VM_EXIT call (exit type 0)";
		case 1:
			return "VM exited: PSCI SYSTEM_OFF, platform off (exit type 1)";
		case 2:
			return "VM exited: PSCI SYSTEM_RESET, platform reset (exit type 2)";
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
