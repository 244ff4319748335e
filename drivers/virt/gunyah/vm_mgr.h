/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Gunyah VM manager: the VMs created through /dev/gunyah.
 */

#ifndef __GUNYAH_VM_MGR_PRIV_H
#define __GUNYAH_VM_MGR_PRIV_H

#include <linux/bits.h>
#include <linux/gunyah_rsc_mgr.h>
#include <linux/kref.h>
#include <linux/list.h>
#include <linux/mm_types.h>
#include <linux/mutex.h>
#include <linux/spinlock.h>
#include <linux/types.h>
#include <linux/wait.h>
#include <linux/xarray.h>

#include <uapi/linux/gunyah.h>

struct gunyah_rm;
struct gunyah_vm;
struct gunyah_vm_function_instance;

/**
 * struct gunyah_vm_function - A type of VM function
 * @type: &enum gunyah_fn_type.
 * @name: Name, for messages.
 * @after_start: The function may be added after the VM started.
 * @bind: Create the function for @f (arguments in @f->argp). Returns a file
 *        descriptor, 0, or a negative errno. Called with the VM's lock held.
 * @unbind: Undo @bind. Called with the VM's lock held.
 * @compare: Whether @f is the function described by @arg of @size bytes.
 */
struct gunyah_vm_function {
	u32 type;
	const char *name;
	bool after_start;
	long (*bind)(struct gunyah_vm_function_instance *f);
	void (*unbind)(struct gunyah_vm_function_instance *f);
	bool (*compare)(const struct gunyah_vm_function_instance *f,
			const void *arg, size_t size);
};

/**
 * struct gunyah_vm_function_instance - A function added to a VM
 * @fn: Its type.
 * @ghvm: The VM; not a counted reference (the VM owns the instance).
 * @arg_size: Size of @argp.
 * @argp: Copy of the argument given by userspace.
 * @data: Owned by @fn.
 * @vm_list: Entry in &struct gunyah_vm.functions.
 */
struct gunyah_vm_function_instance {
	const struct gunyah_vm_function *fn;
	struct gunyah_vm *ghvm;
	size_t arg_size;
	void *argp;
	void *data;
	struct list_head vm_list;
};

/**
 * struct gunyah_resource - A hypervisor resource of a VM
 * @type: &enum gunyah_rm_resource_type.
 * @capid: Capability ID for hypercalls.
 * @rm_label: Label given by the RM.
 * @virq: Interrupt as the RM reports it (GIC INTID), or U32_MAX.
 * @irq: Linux interrupt mapped from @virq, or 0.
 * @list: Entry in &struct gunyah_vm.resources or a ticket's list.
 */
struct gunyah_resource {
	u8 type;
	u64 capid;
	u32 rm_label;
	u32 virq;
	unsigned int irq;
	struct list_head list;
};

/**
 * struct gunyah_vm_resource_ticket - Claim on the hyp resources of a VM
 * @vm_list: Entry in &struct gunyah_vm.resource_tickets.
 * @resources: Resources handed to the ticket.
 * @resource_type: &enum gunyah_rm_resource_type to match.
 * @label: Label to match.
 * @populate: Take a resource; return false to refuse it. Called with the
 *            VM's lock held.
 * @unpopulate: Give a resource back. Called with the VM's lock held.
 */
struct gunyah_vm_resource_ticket {
	struct list_head vm_list;
	struct list_head resources;
	u8 resource_type;
	u32 label;
	bool (*populate)(struct gunyah_vm_resource_ticket *ticket,
			 struct gunyah_resource *ghrsc);
	void (*unpopulate)(struct gunyah_vm_resource_ticket *ticket,
			   struct gunyah_resource *ghrsc);
};

/**
 * struct gunyah_vm_mem - A region of userspace memory given to a VM
 * @list: Entry in &struct gunyah_vm.memory.
 * @label: Label (unique in the VM).
 * @share: Shared (true) or lent (false).
 * @guest_phys_addr: Guest physical address.
 * @size: Size in bytes.
 * @userspace_addr: Address in the VMM.
 * @npages: Number of pinned pages.
 * @pages: The pinned pages.
 * @mm: The mm charged for the pages (held with mmgrab()).
 * @parcel: The parcel; handle GUNYAH_MEM_HANDLE_INVAL until given to the RM.
 */
struct gunyah_vm_mem {
	struct list_head list;
	u32 label;
	bool share;
	u64 guest_phys_addr;
	u64 size;
	u64 userspace_addr;
	unsigned long npages;
	struct page **pages;
	struct mm_struct *mm;
	struct gunyah_rm_mem_parcel parcel;
};

/**
 * enum gunyah_vm_exit_state - How far the exit of a VM got
 * @GUNYAH_VM_EXIT_NONE: Not exited, as far as the driver knows.
 * @GUNYAH_VM_EXIT_PENDING: Exiting: the RM sent VM_STATUS with status
 *                          EXITED, or vcpu_run said the VM exited, but
 *                          the RM's VM_EXITED (exit type and reason) has
 *                          not arrived yet. The real RM sends the status
 *                          first.
 * @GUNYAH_VM_EXIT_DONE: Exited: the VM's exit_info holds the RM's
 *                       VM_EXITED, or is empty when VM_EXITED did not
 *                       come within exit_timeout_ms.
 *
 * The vCPUs report an exit to userspace only in GUNYAH_VM_EXIT_DONE.
 */
enum gunyah_vm_exit_state {
	GUNYAH_VM_EXIT_NONE,
	GUNYAH_VM_EXIT_PENDING,
	GUNYAH_VM_EXIT_DONE,
};

/**
 * enum gunyah_vm_run_state - What the vCPUs of a started VM do
 * @GUNYAH_VM_RUN_RUNNING: Run: call vcpu_run.
 * @GUNYAH_VM_RUN_EXITING: Wait for the RM's VM_EXITED (bounded).
 * @GUNYAH_VM_RUN_EXITED: Report the exit, with the RM's exit information.
 * @GUNYAH_VM_RUN_START_FAILED: Report that the VM failed to start.
 */
enum gunyah_vm_run_state {
	GUNYAH_VM_RUN_RUNNING,
	GUNYAH_VM_RUN_EXITING,
	GUNYAH_VM_RUN_EXITED,
	GUNYAH_VM_RUN_START_FAILED,
};

/**
 * struct gunyah_vm - A VM created through /dev/gunyah
 * @kref: References: the VM file and the vCPU files.
 * @rm: The Resource Manager connection the VM was created with.
 * @vmid: The VM's VMID, allocated from the RM at creation and freed at
 *        destruction.
 * @host_vmid: Our own VMID (for the ACL of shared memory).
 * @lock: Protects the configuration (@memory, @dtb, @fw, @boot_context,
 *        @functions, @resources, @resource_tickets) and serializes start and
 *        teardown.
 * @memory: &struct gunyah_vm_mem regions.
 * @dtb: DTB location; @dtb.size 0 when not set.
 * @fw: Firmware location; @fw.size 0 when not set.
 * @boot_context: Boot registers, by GUNYAH_VM_BOOT_CONTEXT_REG(); values are
 *                kmalloc()ed u64s.
 * @functions: &struct gunyah_vm_function_instance added.
 * @resources: Hyp resources not taken by a ticket.
 * @resource_tickets: &struct gunyah_vm_resource_ticket registered.
 * @status_lock: Protects @vm_status, @exit_state, @exit_pending_since,
 *               @exit_pending_cause and @exit_info (taken from the
 *               notifier).
 * @vm_status: &enum gunyah_rm_vm_status as the driver knows it.
 * @exit_state: &enum gunyah_vm_exit_state.
 * @exit_pending_since: When @exit_state became GUNYAH_VM_EXIT_PENDING
 *                      (jiffies).
 * @exit_pending_cause: What made it GUNYAH_VM_EXIT_PENDING, for the log.
 * @exit_info: How the VM exited, valid in GUNYAH_VM_EXIT_DONE: the RM's
 *             exit type and reason as they arrived.
 * @vm_status_wait: Woken on changes of @vm_status.
 * @vcpu_wait: Woken on vCPU wakeup interrupts and VM status changes.
 * @nb: Our RM notifier; registered until the VM is freed (after a late
 *      RESET when the teardown was deferred).
 * @deferred: Entry in &struct gunyah_rm.deferred_vms while the teardown
 *            waits for the RM's RESET.
 * @start_failed: The start sequence failed; the VM cannot start.
 * @ioeventfd_lock: Protects @ioeventfds for the vCPUs' lookups; changes
 *                  also hold @lock.
 * @ioeventfds: &struct gunyah_ioeventfd registered (gunyah_ioeventfd.c).
 */
struct gunyah_vm {
	struct kref kref;
	struct gunyah_rm *rm;
	u16 vmid;
	u16 host_vmid;

	struct mutex lock; /* see above */
	struct list_head memory;
	struct gunyah_vm_dtb_config dtb;
	struct gunyah_vm_firmware_config fw;
	struct xarray boot_context;
	struct list_head functions;
	struct list_head resources;
	struct list_head resource_tickets;

	spinlock_t status_lock; /* see above */
	enum gunyah_rm_vm_status vm_status;
	enum gunyah_vm_exit_state exit_state;
	unsigned long exit_pending_since;
	const char *exit_pending_cause;
	struct gunyah_vm_exit_info exit_info;
	wait_queue_head_t vm_status_wait;
	wait_queue_head_t vcpu_wait;
	struct notifier_block nb;
	struct list_head deferred;
	bool start_failed;

	spinlock_t ioeventfd_lock; /* see above */
	struct list_head ioeventfds;
};

struct gunyah_vm *gunyah_vm_get(struct gunyah_vm *ghvm);
void gunyah_vm_put(struct gunyah_vm *ghvm);
int gunyah_vm_ensure_started(struct gunyah_vm *ghvm);
enum gunyah_rm_vm_status gunyah_vm_status(struct gunyah_vm *ghvm,
					  struct gunyah_vm_exit_info *info);
enum gunyah_vm_exit_state gunyah_vm_exit_state(struct gunyah_vm *ghvm,
					       struct gunyah_vm_exit_info *info);
void gunyah_vm_exit_pending(struct gunyah_vm *ghvm, const char *cause);
enum gunyah_vm_run_state gunyah_vm_run_state(struct gunyah_vm *ghvm,
					     struct gunyah_vm_exit_info *info);
long gunyah_vm_exit_wait_left(struct gunyah_vm *ghvm);
void gunyah_vm_exit_timeout(struct gunyah_vm *ghvm);

int gunyah_vm_add_resource_ticket(struct gunyah_vm *ghvm,
				  struct gunyah_vm_resource_ticket *ticket);
void gunyah_vm_remove_resource_ticket(struct gunyah_vm *ghvm,
				      struct gunyah_vm_resource_ticket *ticket);

/* Memory regions: vm_mgr_mem.c */
long gunyah_vm_add_user_mem(struct gunyah_vm *ghvm,
			    const struct gunyah_userspace_memory_region *region,
			    bool share);
long gunyah_vm_reclaim_range(struct gunyah_vm *ghvm, u64 gpa, u64 size);
int gunyah_vm_mem_give(struct gunyah_vm *ghvm, struct gunyah_vm_mem *mem);
void gunyah_vm_mem_free_all(struct gunyah_vm *ghvm);
struct gunyah_vm_mem *gunyah_vm_mem_find(struct gunyah_vm *ghvm, u64 gpa,
					 u64 size);
int gunyah_vm_mem_build_parcel(struct gunyah_vm_mem *mem, u16 host_vmid,
			       u16 guest_vmid, u8 perms);

#if IS_ENABLED(CONFIG_KUNIT)
extern unsigned int gunyah_vm_reset_timeout_ms;
extern unsigned int gunyah_vm_exit_timeout_ms;
struct gunyah_vm *gunyah_vm_alloc(struct gunyah_rm *rm);
size_t gunyah_mem_coalesce(struct page **pages, unsigned long npages,
			   struct gunyah_rm_mem_entry *entries);
void gunyah_vm_place_resource(struct gunyah_vm *ghvm,
			      struct gunyah_resource *ghrsc);
#endif

/* vCPU function: vcpu.c */
extern const struct gunyah_vm_function gunyah_vcpu_function;

/* irqfd function: gunyah_irqfd.c */
extern const struct gunyah_vm_function gunyah_irqfd_function;
#if IS_ENABLED(CONFIG_KUNIT)
bool gunyah_irqfd_bell_masks(bool level, u64 *enable, u64 *ack);
#endif

/*
 * ioeventfd function: gunyah_ioeventfd.c. crosvm passes 1 << 1 for
 * GUNYAH_IOEVENTFD_FLAGS_DATAMATCH: accepted as a synonym.
 */
#define GUNYAH_IOEVENTFD_CROSVM_DATAMATCH	BIT(1)

/**
 * struct gunyah_ioeventfd_desc - What an ioeventfd matches
 * @addr: Guest physical address.
 * @len: Size of the write: 1, 2, 4 or 8, or 0 for any size.
 * @datamatch: Match only writes of @data.
 * @data: The value to match when @datamatch, else 0.
 */
struct gunyah_ioeventfd_desc {
	u64 addr;
	u32 len;
	bool datamatch;
	u64 data;
};

extern const struct gunyah_vm_function gunyah_ioeventfd_function;
bool gunyah_vm_mmio_write(struct gunyah_vm *ghvm, u64 addr, u32 len, u64 data);

#if IS_ENABLED(CONFIG_KUNIT)
int gunyah_ioeventfd_parse(const struct gunyah_fn_ioeventfd_arg *arg,
			   struct gunyah_ioeventfd_desc *desc);
bool gunyah_ioeventfd_conflict(const struct gunyah_ioeventfd_desc *a,
			       const struct gunyah_ioeventfd_desc *b);
bool gunyah_ioeventfd_match(const struct gunyah_ioeventfd_desc *desc, u64 addr,
			    u32 len, u64 data);
#endif

/*
 * Counters for tests, in /sys/class/misc/gunyah/: pages pinned for regions
 * still owned by a VM, pages leaked on purpose, gunyah_vm objects alive.
 */
extern atomic64_t gunyah_pinned_pages;
extern atomic64_t gunyah_leaked_pages;
extern atomic_t gunyah_live_vms;

/**
 * struct gunyah_vm_stats - What the driver holds, for leak checks
 * @vcpus: vCPU functions alive.
 * @pinned_pages: User pages pinned and not unpinned (leaked pages included).
 * @parcels: Parcels the RM holds (shared or lent) and not reclaimed.
 * @vmids: VMIDs allocated from the RM and not deallocated.
 *
 * Each counter moves where its object is created or destroyed; the VMs
 * alive are gunyah_live_vms. Shown in /sys/kernel/debug/gunyah/vm_stats.
 */
struct gunyah_vm_stats {
	atomic_t vcpus;
	atomic64_t pinned_pages;
	atomic_t parcels;
	atomic_t vmids;
};

extern struct gunyah_vm_stats gunyah_vm_stats;

bool gunyah_vm_teardown_retry(struct gunyah_vm *ghvm, const char *call,
			      int ret, unsigned int attempt);

#endif /* __GUNYAH_VM_MGR_PRIV_H */
