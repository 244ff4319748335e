/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Helpers of a minimal Gunyah VMM, shared by tools/gunyah-vmm and the
 * kselftests of tools/testing/selftests/gunyah.
 *
 * A VM here is: one memory region at GH_GUEST_RAM_BASE (shared or lent, the
 * image parcel), the image at its start, the VM's DTB (with
 * /gunyah-vm-config) at its end, N vCPUs run by pthreads with GH_VCPU_RUN,
 * a PL011 data/flag register pair at GH_GUEST_UART_BASE and a log of every
 * other MMIO access that a callback may answer.
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
#define GH_DTB_MAX_SIZE		0x10000ULL	/* room for the RM's overlay too */
#define GH_MAX_VCPUS		8
#define GH_MMIO_LOG_MAX		256

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
	size_t dtb_size;
	int nr_vcpus;
	int vcpu_fd[GH_MAX_VCPUS];
	struct gunyah_vcpu_run *run[GH_MAX_VCPUS];
	size_t run_size;
	pthread_t thread[GH_MAX_VCPUS];
	bool started;

	/* console: PL011 output goes to uart_out (if set) and uart_buf */
	FILE *uart_out;
	char uart_buf[4096];
	size_t uart_len;

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
/* Write the VM's DTB into the last GH_DTB_MAX_SIZE bytes of RAM. */
int gh_vm_setup_dtb(struct gh_vm *vm, int nr_vcpus, const char *name);
int gh_vm_set_dtb_config(struct gh_vm *vm);
int gh_vm_add_vcpus(struct gh_vm *vm, int nr_vcpus);
int gh_vm_start(struct gh_vm *vm);
/* Run every vCPU in a thread until the VM exits or timeout_ms (0: none). */
enum gh_run_end gh_vm_run(struct gh_vm *vm, int timeout_ms);
/* From a callback or another thread: make gh_vm_run() return. */
void gh_vm_stop(struct gh_vm *vm);
/* Close the vCPUs and the VM; the memory mapping is kept (gh_vm_free_mem). */
void gh_vm_destroy(struct gh_vm *vm);
void gh_vm_free_mem(struct gh_vm *vm);

/* Everything up to a started VM: create, memory, image, DTB, vCPUs, start. */
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
/* Returns the total size, or -1 on overflow. */
long gh_fdt_finish(struct gh_fdt *f);

#endif /* GUNYAH_VMM_LIB_H */
