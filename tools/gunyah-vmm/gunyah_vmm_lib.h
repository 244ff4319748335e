/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Helpers of a minimal Gunyah VMM, shared by tools/gunyah-vmm and the
 * kselftests of tools/testing/selftests/gunyah.
 *
 * A VM here is: one memory region at GH_GUEST_RAM_BASE (shared or lent, the
 * image parcel), the image at its start, the VM's DTB (with
 * /gunyah-vm-config) at its end, N vCPUs run by pthreads with GH_VCPU_RUN,
 * a PL011 at GH_GUEST_UART_BASE and a log of every other MMIO access that a
 * callback may answer. For a Linux guest also: a shared bounce-buffer
 * window right after the RAM (a restricted-dma-pool), an initrd below the
 * DTB, a kernel command line and the PL011's interrupt through an irqfd.
 *
 * The VM's DT has the shape crosvm and QEMU's Gunyah accelerator write
 * (Documentation/virt/gunyah/vmm.rst): /gunyah-vm-config with
 * interrupts { config = <&intc>; }, a bell-<label> doorbell per irqfd with
 * the trigger the irqfd really has, a shm-<label> vdevice and a
 * /reserved-memory node with qcom,label per shared window; the DTB region
 * may be larger than the FDT in it (QEMU declares 1 MiB).
 */
#ifndef GUNYAH_VMM_LIB_H
#define GUNYAH_VMM_LIB_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <linux/gunyah.h>

#define GH_GUEST_RAM_BASE	0x80000000ULL
#define GH_GUEST_UART_BASE	0x09000000ULL
#define GH_GUEST_TESTDEV_BASE	0x0a000000ULL
#define GH_GUEST_TESTDEV_SIZE	0x1000ULL
#define GH_GUEST_GICD_BASE	0x3fff0000ULL
#define GH_GUEST_GICD_SIZE	0x10000ULL
#define GH_GUEST_GICR_SIZE	0x20000ULL	/* per vCPU */
#define GH_GUEST_UART_SPI	1		/* INTID 33, as on QEMU's virt */
#define GH_GUEST_UART_LABEL	1		/* its doorbell's label */
#define GH_DTB_MAX_SIZE		0x10000ULL	/* default DTB region; room for the RM's overlay */
#define GH_DTB_QEMU_SIZE	0x100000ULL	/* QEMU's DTB region (FDT_MAX_SIZE) */
#define GH_MAX_VCPUS		8
#define GH_MMIO_LOG_MAX		256
#define GH_MAX_IRQFDS		256		/* QEMU: one doorbell per SPI 0..255 */
#define GH_MAX_IOEVENTFDS	16

enum gh_mem_mode { GH_MEM_SHARE, GH_MEM_LEND };

/* How the run ended (gh_vm_run() result). */
enum gh_run_end {
	GH_END_NONE,		/* not ended (still running or not run) */
	GH_END_EXITED,		/* EXIT_STATUS: see status/exit_type */
	GH_END_TIMEOUT,		/* gh_vm_run() timeout expired */
	GH_END_STOPPED,		/* gh_vm_stop() from a callback */
	GH_END_ERROR,		/* an ioctl failed: see err/err_what */
};

struct gh_mmio_rec {
	__u64 addr;
	__u64 data;
	__u32 len;
	__u8 is_write;
	__u8 vcpu;
};

struct gh_vm;

/*
 * An irqfd: a doorbell with @label in the VM's DT that raises guest SPI
 * number @spi (INTID spi + 32), edge-rising or (@level) level-high. @fd is
 * the eventfd once the IRQFD function is added (-1 before); the library
 * owns it (gh_vm_destroy() closes it).
 */
struct gh_vm_irqfd {
	__u32 label, spi;
	bool level;
	int fd;
};

/* An ioeventfd added with gh_vm_add_ioeventfd(); the library owns @fd. */
struct gh_vm_ioeventfd {
	__u64 addr;
	__u64 datamatch;
	__u32 len;
	__u32 flags;
	int fd;
};

/*
 * MMIO callback, for accesses outside the PL011. Returns true when handled;
 * for a read, *data is the value returned to the guest. Called with the VM
 * lock held (the log is consistent), from the vCPU's thread.
 */
typedef bool (*gh_mmio_fn)(struct gh_vm *vm, int vcpu, __u64 addr,
			   __u32 len, bool is_write, __u64 *data);

struct gh_vm {
	int dev_fd;
	int vm_fd;
	enum gh_mem_mode mode;
	void *mem;			/* host mapping of guest RAM */
	size_t mem_size;
	__u64 dtb_ipa;
	size_t dtb_size;		/* the region given to SET_DTB_CONFIG */
	size_t fdt_size;		/* the FDT's totalsize in it */
	/*
	 * The DTB region at the end of RAM: 0 is GH_DTB_MAX_SIZE. Set it
	 * after gh_vm_create(), before loading an image.
	 */
	size_t dtb_region;
	int nr_vcpus;
	int vcpu_fd[GH_MAX_VCPUS];
	struct gunyah_vcpu_run *run[GH_MAX_VCPUS];
	size_t run_size;
	pthread_t thread[GH_MAX_VCPUS];
	bool started;

	/*
	 * Doorbells for irqfds, declared with gh_vm_declare_irqfd(). The
	 * declarations survive gh_vm_create() (irqfd_magic says they are
	 * real, not the garbage of an uninitialised struct gh_vm).
	 */
	struct gh_vm_irqfd irqfd[GH_MAX_IRQFDS];
	int nr_irqfds;
	__u32 irqfd_magic;
	struct gh_vm_ioeventfd ioeventfd[GH_MAX_IOEVENTFDS];
	int nr_ioeventfds;

	/* console: PL011 output goes to uart_out (if set) and uart_buf */
	FILE *uart_out;
	char uart_buf[4096];
	size_t uart_len;
	/* PL011 registers the guest's driver programs (see pl011_access()) */
	struct {
		__u32 cr, lcrh, ibrd, fbrd, ifls, imsc, dmacr, ilpr;
		__u32 tx_level;		/* TX FIFO fill, with an interrupt */
	} pl011;
	/* 1 + index in irqfd[] of the PL011's interrupt; 0: none */
	int uart_irqfd;

	/*
	 * Linux guests: gh_vm_setup_dtb() writes these into /chosen and
	 * /reserved-memory. Set them after gh_vm_create().
	 */
	const char *cmdline;		/* NULL: "console=ttyAMA0 earlycon" */
	__u64 initrd_ipa;		/* 0: no initrd */
	size_t initrd_size;
	void *shm;			/* the shared window after the RAM */
	size_t shm_size;		/* 0: none */
	size_t shm_map_size;		/* what gh_vm_free_mem() unmaps */
	__u32 shm_label;		/* its parcel's label (gh_vm_map_shm()) */
	/*
	 * 1: the window is physically contiguous (the real RM accepts a
	 * shared window matched by label only at one range); 0: it is not;
	 * -1: unknown (no PFNs in /proc/self/pagemap without CAP_SYS_ADMIN).
	 */
	int shm_contiguous;
	/*
	 * Write the window's /reserved-memory node without qcom,label, as
	 * VMMs before the real RM's rules did: without the shm vdevice too,
	 * the real RM then finds no parcel for it and refuses VM_START.
	 */
	bool shm_no_label;
	/*
	 * No shm-<label> vdevice for the window, only its /reserved-memory
	 * node: the real RM then accepts the parcel at the node's range as
	 * one SGL entry, which only a physically contiguous parcel passes.
	 */
	bool shm_no_vdevice;

	/* MMIO: callback, then the log of non-UART accesses */
	gh_mmio_fn mmio_fn;
	void *opaque;
	struct gh_mmio_rec mmio_log[GH_MMIO_LOG_MAX];
	int mmio_count;
	unsigned long mmio_exits;

	/* run state */
	pthread_mutex_t lock;
	volatile int stop;
	enum gh_run_end end;
	__u32 status;		/* run->status.status */
	__u16 exit_type;		/* run->status.exit_info.type */
	__u32 exit_reason_size;
	__u8 exit_reason[8];
	int err;			/* errno of the failed ioctl */
	const char *err_what;		/* which ioctl */
	int err_vcpu;
	bool verbose;
};

/* Errors: -errno; the failing step is in vm->err_what. */
int gh_vm_create(struct gh_vm *vm, const char *dev);
int gh_vm_alloc_mem(struct gh_vm *vm, size_t size);
int gh_vm_load_image(struct gh_vm *vm, const char *path);
int gh_vm_load_blob(struct gh_vm *vm, const void *buf, size_t len);
int gh_vm_map_mem(struct gh_vm *vm, enum gh_mem_mode mode, __u32 label);
/*
 * A Linux arm64 Image at the RAM base (its header checked: text_offset 0,
 * image_size fits) and, if @initrd, the initrd page-aligned right below the
 * DTB's place at the end of RAM (vm->initrd_ipa/initrd_size). The DTB must
 * then be written with gh_vm_setup_dtb(). 0 or -errno.
 */
int gh_vm_load_linux(struct gh_vm *vm, const char *kernel, const char *initrd);
/*
 * The shared bounce-buffer window: @size bytes of memory mapped at the IPA
 * right after the RAM (GH_GUEST_RAM_BASE + vm->mem_size), shared with the
 * VM with label vm->shm_label (default 1; set it before gh_vm_setup_dtb()).
 * gh_vm_setup_dtb() adds it to /memory, makes a "restricted-dma-pool"
 * /reserved-memory node of it with qcom,label and a shm-<label> vdevice
 * with its base, as QEMU does. Allocate after gh_vm_alloc_mem(), map after
 * gh_vm_map_mem().
 *
 * At VM_START the real RM accepts the parcel of a shm vdevice at its base,
 * mapped IPA-contiguous whatever its physical layout; then it matches the
 * /reserved-memory node to the parcel by label. A node without a shm
 * vdevice (vm->shm_no_vdevice) makes it accept the parcel at the node's
 * range as one SGL entry, which only a physically contiguous parcel
 * passes. So that both work, the window is physically contiguous when it
 * can be: anonymous memory is not, and without hugetlbfs or THP the window
 * is assembled from anonymous pages: a pool is faulted in, its pages'
 * frame numbers read from /proc/self/pagemap (root), and a run of
 * consecutive frames is moved (mremap) into the window in frame order.
 * vm->shm_contiguous says whether that worked; if not, the window is plain
 * anonymous memory.
 */
int gh_vm_alloc_shm(struct gh_vm *vm, size_t size);
int gh_vm_map_shm(struct gh_vm *vm, __u32 label);
/*
 * Whether [@p, @p + @size) is backed by physically consecutive pages, in
 * order (faults them in): 1 yes, 0 no, -errno when /proc/self/pagemap
 * shows no frame numbers (not CAP_SYS_ADMIN).
 */
int gh_phys_contiguous(const void *p, size_t size);
/* The page frame number behind @p (faulted in), or 0 if unknown. */
__u64 gh_virt_to_pfn(const void *p);
/*
 * @size bytes (page multiple) of read-write anonymous memory backed by
 * physically consecutive pages, as gh_vm_alloc_shm() gets them; at @at if
 * not NULL (MAP_FIXED: what was mapped there is replaced; on failure it
 * may be gone). NULL if no such run of pages was found.
 */
void *gh_alloc_phys_contiguous(size_t size, void *at);
/*
 * The PL011's interrupt (SPI GH_GUEST_UART_SPI, level-high as on QEMU's
 * virt) through a level irqfd with label GH_GUEST_UART_LABEL, so that the
 * trigger in the guest's DT is the one its doorbell has (a level SPI bound
 * to an edge doorbell loses interrupts on the real hypervisor); the VMM
 * signals it once per assertion of the line (see pl011_update_irq()).
 * Declared like gh_vm_declare_irqfd() (after
 * gh_vm_create(), before gh_vm_setup_dtb()). With it the PL011 has a TX
 * FIFO that fills, so that Linux's tty output goes by interrupts; without
 * it the PL011 node still names its interrupt, which then never fires, and
 * the TX FIFO is never full (Linux's driver needs an interrupt to open the
 * port, and only waits for it when the TX FIFO is full).
 */
int gh_vm_set_uart_irq(struct gh_vm *vm);

/*
 * Write the VM's DTB into the DTB region at the end of RAM (vm->dtb_region
 * bytes, default GH_DTB_MAX_SIZE), with a gunyah-vm-config/vdevices/
 * bell-<label> node per declared irqfd. SET_DTB_CONFIG gets the whole
 * region (vm->dtb_size); the FDT in it is vm->fdt_size bytes.
 */
int gh_vm_setup_dtb(struct gh_vm *vm, int nr_vcpus, const char *name);
int gh_vm_set_dtb_config(struct gh_vm *vm);
int gh_vm_add_vcpus(struct gh_vm *vm, int nr_vcpus);
/* Adds the declared irqfds that are not added yet (gh_vm_add_irqfds()). */
int gh_vm_start(struct gh_vm *vm);

/*
 * Before gh_vm_boot()/gh_vm_setup_dtb() (a zeroed struct gh_vm is fine; the
 * declarations survive gh_vm_create()): a doorbell with @label raising guest
 * SPI number @spi (INTID spi + 32), level-high if @level, else edge-rising.
 * gh_vm_setup_dtb() writes its bell node into the VM's DT; gh_vm_start()
 * (so gh_vm_boot()) creates the eventfd and adds the IRQFD function (flag
 * LEVEL if @level) before starting: vm->irqfd[i].fd afterwards.
 * Returns i, or -EINVAL (bad SPI, duplicate label), -ENOSPC (too many).
 */
int gh_vm_declare_irqfd(struct gh_vm *vm, __u32 label, __u32 spi, bool level);
/*
 * Create the eventfds (EFD_CLOEXEC | EFD_NONBLOCK: a VMM's signal never
 * blocks, a test may read the counter without hanging) of the declared
 * irqfds that have none and add their IRQFD functions. 0 or -errno.
 */
int gh_vm_add_irqfds(struct gh_vm *vm);
/* The index of the irqfd with @label, or -1. */
int gh_vm_irqfd_find(const struct gh_vm *vm, __u32 label);
/* Signal (ring) the irqfd at index @i: 0 or -errno. */
int gh_vm_irqfd_signal(struct gh_vm *vm, int i);
/*
 * Remove the IRQFD function of the irqfd at index @i (GH_VM_REMOVE_FUNCTION
 * by label) and close its eventfd. The declaration (and bell node) stays:
 * gh_vm_add_irqfds() adds it again with a new eventfd.
 */
int gh_vm_remove_irqfd(struct gh_vm *vm, int i);

/*
 * After gh_vm_create() (before or after start): an eventfd signalled by
 * guest writes to [@addr, @addr + @len) (len 0: any size) matching
 * @datamatch if @flags has GH_IOEVENTFD_DATAMATCH: GH_FN_IOEVENTFD. Returns
 * the eventfd (EFD_CLOEXEC | EFD_NONBLOCK, owned by the library: closed by
 * gh_vm_destroy() or gh_vm_remove_ioeventfd(); do not close it) or -errno.
 */
int gh_vm_add_ioeventfd(struct gh_vm *vm, __u64 addr, __u32 len,
			__u32 flags, __u64 datamatch);
/* Remove the ioeventfd whose eventfd is @fd and close it: 0 or -errno. */
int gh_vm_remove_ioeventfd(struct gh_vm *vm, int fd);
/* Run every vCPU in a thread until the VM exits or timeout_ms (0: none). */
enum gh_run_end gh_vm_run(struct gh_vm *vm, int timeout_ms);
/* From a callback or another thread: make gh_vm_run() return. */
void gh_vm_stop(struct gh_vm *vm);
/*
 * Close the vCPUs, the irqfd and ioeventfd eventfds and the VM; the memory
 * mappings are kept (gh_vm_free_mem() frees the RAM and the shared window).
 */
void gh_vm_destroy(struct gh_vm *vm);
void gh_vm_free_mem(struct gh_vm *vm);

/*
 * Everything up to a started VM: create, memory, image, DTB, vCPUs, the
 * declared irqfds, start.
 */
int gh_vm_boot(struct gh_vm *vm, const char *dev, const void *image,
	       size_t image_len, size_t mem_size, enum gh_mem_mode mode,
	       int nr_vcpus);

const char *gh_end_str(const struct gh_vm *vm);

/* A minimal flattened devicetree writer. */
struct gh_fdt {
	__u8 *buf;
	size_t size;		/* capacity */
	size_t struct_len;
	char strings[1024];
	size_t strings_len;
	int depth;
	int err;
};

void gh_fdt_init(struct gh_fdt *f, void *buf, size_t size);
void gh_fdt_begin_node(struct gh_fdt *f, const char *name);
void gh_fdt_end_node(struct gh_fdt *f);
void gh_fdt_prop(struct gh_fdt *f, const char *name, const void *val, size_t len);
void gh_fdt_prop_u32(struct gh_fdt *f, const char *name, __u32 v);
void gh_fdt_prop_u64(struct gh_fdt *f, const char *name, __u64 v);
void gh_fdt_prop_str(struct gh_fdt *f, const char *name, const char *s);
void gh_fdt_prop_cells(struct gh_fdt *f, const char *name, const __u32 *c, int n);
void gh_fdt_begin_vm_config(struct gh_fdt *f, const char *image_name,
			    __u64 image_base, __u32 gic_phandle);
/* Returns the total size, or -1 on overflow. */
long gh_fdt_finish(struct gh_fdt *f);

#endif /* GUNYAH_VMM_LIB_H */
