// SPDX-License-Identifier: GPL-2.0-only
/*
 * Gunyah VM manager: userspace memory shared with or lent to VMs.
 *
 * A region is pinned (FOLL_LONGTERM, charged to RLIMIT_MEMLOCK) when it is
 * registered, and given to the RM (MEM_SHARE or MEM_LEND) when the VM starts,
 * or at once when the VM already runs. The pages are unpinned only after the
 * RM gave the parcel back: at teardown the reclaim is retried a few times,
 * and when the RM keeps refusing, the pages stay pinned for good, since the
 * guest may still own them (lent pages must never go back to the page
 * allocator, shared ones must not be reused while the guest can write them).
 */

#include <kunit/visibility.h>
#include <linux/mm.h>
#include <linux/overflow.h>
#include <linux/sched/mm.h>
#include <linux/slab.h>

#include "rsc_mgr.h"
#include "vm_mgr.h"

#define GUNYAH_MEM_ALLOW_MASK \
	(GH_MEM_ALLOW_READ | GH_MEM_ALLOW_WRITE | GH_MEM_ALLOW_EXEC)

/**
 * gunyah_mem_coalesce() - Describe pages as physically contiguous ranges
 * @pages: The pages.
 * @npages: Number of @pages.
 * @entries: Filled with the ranges; room for @npages entries.
 *
 * Return: the number of entries used.
 */
VISIBLE_IF_KUNIT size_t gunyah_mem_coalesce(struct page **pages,
					    unsigned long npages,
					    struct gunyah_rm_mem_entry *entries)
{
	phys_addr_t start = 0, end = 0, phys;
	unsigned long i;
	size_t n = 0;

	for (i = 0; i < npages; i++) {
		phys = page_to_phys(pages[i]);
		if (i && phys == end) {
			end += PAGE_SIZE;
			continue;
		}
		if (i) {
			entries[n].phys_addr = cpu_to_le64(start);
			entries[n].size = cpu_to_le64(end - start);
			n++;
		}
		start = phys;
		end = phys + PAGE_SIZE;
	}
	if (npages) {
		entries[n].phys_addr = cpu_to_le64(start);
		entries[n].size = cpu_to_le64(end - start);
		n++;
	}

	return n;
}
EXPORT_SYMBOL_IF_KUNIT(gunyah_mem_coalesce);

static u8 gunyah_mem_flags_to_acl(u32 flags)
{
	u8 perms = 0;

	if (flags & GH_MEM_ALLOW_READ)
		perms |= GUNYAH_RM_ACL_R;
	if (flags & GH_MEM_ALLOW_WRITE)
		perms |= GUNYAH_RM_ACL_W;
	if (flags & GH_MEM_ALLOW_EXEC)
		perms |= GUNYAH_RM_ACL_X;

	return perms;
}

/**
 * gunyah_vm_mem_build_parcel() - Fill in the parcel of a region
 * @mem: The region, pinned.
 * @host_vmid: Our VMID, in the ACL of shared regions only.
 * @guest_vmid: The VM's VMID.
 * @perms: GUNYAH_RM_ACL_* rights of the VM.
 *
 * Return: 0, or -ENOMEM.
 */
int gunyah_vm_mem_build_parcel(struct gunyah_vm_mem *mem, u16 host_vmid,
			       u16 guest_vmid, u8 perms)
{
	struct gunyah_rm_mem_parcel *parcel = &mem->parcel;
	struct gunyah_rm_mem_entry *entries;
	size_t n;

	parcel->mem_type = GUNYAH_RM_MEM_TYPE_NORMAL;
	parcel->label = mem->label;
	parcel->mem_handle = GUNYAH_MEM_HANDLE_INVAL;
	parcel->n_acl_entries = mem->share ? 2 : 1;
	parcel->acl_entries = kcalloc(parcel->n_acl_entries,
				      sizeof(*parcel->acl_entries), GFP_KERNEL);
	if (!parcel->acl_entries)
		return -ENOMEM;

	parcel->acl_entries[0].vmid = cpu_to_le16(guest_vmid);
	parcel->acl_entries[0].perms = perms;
	if (mem->share) {
		parcel->acl_entries[1].vmid = cpu_to_le16(host_vmid);
		parcel->acl_entries[1].perms = GUNYAH_RM_ACL_R |
					       GUNYAH_RM_ACL_W |
					       GUNYAH_RM_ACL_X;
	}

	entries = kvcalloc(mem->npages, sizeof(*entries), GFP_KERNEL);
	if (!entries) {
		kfree(parcel->acl_entries);
		parcel->acl_entries = NULL;
		return -ENOMEM;
	}
	n = gunyah_mem_coalesce(mem->pages, mem->npages, entries);
	parcel->n_mem_entries = n;
	parcel->mem_entries = entries;

	return 0;
}

static void gunyah_vm_mem_release_pages(struct gunyah_vm *ghvm,
					struct gunyah_vm_mem *mem, bool leak)
{
	if (leak) {
		/*
		 * The guest may still own these pages: never give them back
		 * to the page allocator. Their pins, never dropped, keep them.
		 */
		dev_err(ghvm->rm->dev,
			"VM %u: RM refused to reclaim parcel %#x (label %u): leaking %lu pinned pages\n",
			ghvm->vmid, mem->parcel.mem_handle, mem->label,
			mem->npages);
		atomic64_add(mem->npages, &gunyah_leaked_pages);
	} else {
		unpin_user_pages_dirty_lock(mem->pages, mem->npages, true);
		atomic64_sub(mem->npages, &gunyah_vm_stats.pinned_pages);
	}

	kvfree(mem->pages);

	atomic64_sub(mem->npages, &gunyah_pinned_pages);
	account_locked_vm(mem->mm, mem->npages, false);
	mmdrop(mem->mm);
	kfree(mem->parcel.acl_entries);
	kvfree(mem->parcel.mem_entries);
	kfree(mem);
}

/*
 * Take the region back from the RM if it has it, then free it. At teardown
 * (@may_leak) the reclaim is retried, and the pages leaked if the RM keeps
 * them; otherwise (GH_VM_RECLAIM_REGION) the error goes to userspace and
 * the region stays.
 */
static int gunyah_vm_mem_free(struct gunyah_vm *ghvm, struct gunyah_vm_mem *mem,
			      bool may_leak)
{
	unsigned int attempt;
	int ret;

	if (mem->parcel.mem_handle != GUNYAH_MEM_HANDLE_INVAL) {
		for (attempt = 0;; attempt++) {
			ret = gunyah_rm_mem_reclaim(ghvm->rm, &mem->parcel,
						    !mem->share);
			if (!may_leak ||
			    !gunyah_vm_teardown_retry(ghvm, "MEM_RECLAIM", ret,
						      attempt))
				break;
		}
		if (ret) {
			if (!may_leak)
				return ret;
			list_del(&mem->list);
			gunyah_vm_mem_release_pages(ghvm, mem, true);
			return ret;
		}
		atomic_dec(&gunyah_vm_stats.parcels);
	}

	list_del(&mem->list);
	gunyah_vm_mem_release_pages(ghvm, mem, false);
	return 0;
}

/**
 * gunyah_vm_mem_give() - Share or lend a region to the VM through the RM
 * @ghvm: The VM; its lock held.
 * @mem: The region.
 *
 * Return: 0, or a negative errno. On error the RM may still hold part of
 * the parcel (see gunyah_rm_mem_lend()): the region's teardown reclaims it.
 */
int gunyah_vm_mem_give(struct gunyah_vm *ghvm, struct gunyah_vm_mem *mem)
{
	int ret;

	if (mem->parcel.mem_handle != GUNYAH_MEM_HANDLE_INVAL)
		return 0;

	if (mem->share)
		ret = gunyah_rm_mem_share(ghvm->rm, &mem->parcel);
	else
		ret = gunyah_rm_mem_lend(ghvm->rm, &mem->parcel);

	/* Even a failed call may leave (part of) a parcel with the RM. */
	if (mem->parcel.mem_handle != GUNYAH_MEM_HANDLE_INVAL)
		atomic_inc(&gunyah_vm_stats.parcels);

	return ret;
}

static bool gunyah_ranges_overlap(u64 a, u64 a_size, u64 b, u64 b_size)
{
	return a < b + b_size && b < a + a_size;
}

/**
 * gunyah_vm_mem_find() - Find the region holding a guest range
 * @ghvm: The VM; its lock held.
 * @gpa: Guest physical address.
 * @size: Size of the range.
 *
 * Return: the region containing all of [@gpa, @gpa + @size), or NULL.
 */
struct gunyah_vm_mem *gunyah_vm_mem_find(struct gunyah_vm *ghvm, u64 gpa,
					 u64 size)
{
	struct gunyah_vm_mem *mem;

	list_for_each_entry(mem, &ghvm->memory, list) {
		if (gpa >= mem->guest_phys_addr &&
		    gpa - mem->guest_phys_addr <= mem->size &&
		    size <= mem->size - (gpa - mem->guest_phys_addr))
			return mem;
	}

	return NULL;
}

/**
 * gunyah_vm_add_user_mem() - Register userspace memory for a VM
 * @ghvm: The VM.
 * @region: The region from userspace.
 * @share: Share (GH_VM_SET_USER_MEM_REGION) or lend
 *         (GH_VM_ANDROID_LEND_USER_MEM).
 *
 * Return: 0, or -EINVAL (misaligned, empty, wrapping, bad flags), -EEXIST
 * (label in use, guest or user range overlapping another region), -ENOMEM
 * (including RLIMIT_MEMLOCK exceeded and regions larger than the RAM),
 * -EFAULT, or an RM error when the VM
 * runs already.
 */
long gunyah_vm_add_user_mem(struct gunyah_vm *ghvm,
			    const struct gunyah_userspace_memory_region *region,
			    bool share)
{
	struct gunyah_vm_mem *mem, *other;
	unsigned long npages, pinned = 0;
	u64 end;
	int ret;

	if (!region->memory_size || !PAGE_ALIGNED(region->memory_size) ||
	    !PAGE_ALIGNED(region->guest_phys_addr) ||
	    !PAGE_ALIGNED(region->userspace_addr))
		return -EINVAL;
	if (region->flags & ~GUNYAH_MEM_ALLOW_MASK)
		return -EINVAL;
	if (check_add_overflow(region->guest_phys_addr, region->memory_size,
			       &end) ||
	    check_add_overflow(region->userspace_addr, region->memory_size,
			       &end))
		return -EINVAL;
	if (region->userspace_addr != untagged_addr(region->userspace_addr))
		return -EINVAL;
	npages = region->memory_size >> PAGE_SHIFT;
	if (npages > INT_MAX)
		return -EINVAL;
	/*
	 * More than the RAM can never be pinned: fail before allocating the
	 * page array (whose size is the caller's choice) for nothing.
	 */
	if (npages > totalram_pages())
		return -ENOMEM;

	mem = kzalloc(sizeof(*mem), GFP_KERNEL);
	if (!mem)
		return -ENOMEM;
	mem->label = region->label;
	mem->share = share;
	mem->guest_phys_addr = region->guest_phys_addr;
	mem->size = region->memory_size;
	mem->userspace_addr = region->userspace_addr;
	mem->npages = npages;
	mem->parcel.mem_handle = GUNYAH_MEM_HANDLE_INVAL;

	mutex_lock(&ghvm->lock);
	list_for_each_entry(other, &ghvm->memory, list) {
		if (other->label == mem->label ||
		    gunyah_ranges_overlap(other->guest_phys_addr, other->size,
					  mem->guest_phys_addr, mem->size) ||
		    gunyah_ranges_overlap(other->userspace_addr, other->size,
					  mem->userspace_addr, mem->size)) {
			ret = -EEXIST;
			goto err_unlock;
		}
	}

	mem->mm = current->mm;
	mmgrab(mem->mm);
	ret = account_locked_vm(mem->mm, npages, true);
	if (ret)
		goto err_mmdrop;

	mem->pages = kvcalloc(npages, sizeof(*mem->pages), GFP_KERNEL);
	if (!mem->pages) {
		ret = -ENOMEM;
		goto err_unaccount;
	}

	while (pinned < npages) {
		ret = pin_user_pages_fast(mem->userspace_addr +
					  pinned * PAGE_SIZE, npages - pinned,
					  FOLL_WRITE | FOLL_LONGTERM,
					  mem->pages + pinned);
		if (ret <= 0) {
			ret = ret ? ret : -EFAULT;
			goto err_unpin;
		}
		pinned += ret;
		atomic64_add(ret, &gunyah_vm_stats.pinned_pages);
	}
	atomic64_add(npages, &gunyah_pinned_pages);

	ret = gunyah_vm_mem_build_parcel(mem, ghvm->host_vmid, ghvm->vmid,
					 gunyah_mem_flags_to_acl(region->flags));
	if (ret)
		goto err_unpinned_count;

	list_add_tail(&mem->list, &ghvm->memory);

	/* Memory added to a running VM goes to the RM at once. */
	if (gunyah_vm_status(ghvm, NULL) == GUNYAH_RM_VM_STATUS_RUNNING) {
		ret = gunyah_vm_mem_give(ghvm, mem);
		if (ret) {
			gunyah_vm_mem_free(ghvm, mem, true);
			mutex_unlock(&ghvm->lock);
			return ret;
		}
	}
	mutex_unlock(&ghvm->lock);

	return 0;

err_unpinned_count:
	atomic64_sub(npages, &gunyah_pinned_pages);
err_unpin:
	unpin_user_pages(mem->pages, pinned);
	atomic64_sub(pinned, &gunyah_vm_stats.pinned_pages);
	kvfree(mem->pages);
err_unaccount:
	account_locked_vm(mem->mm, npages, false);
err_mmdrop:
	mmdrop(mem->mm);
err_unlock:
	mutex_unlock(&ghvm->lock);
	kfree(mem);
	return ret;
}

/**
 * gunyah_vm_reclaim_range() - GH_VM_RECLAIM_REGION: take a region back
 * @ghvm: The VM.
 * @gpa: Guest physical address of the region.
 * @size: Size of the region.
 *
 * The range must be exactly one region. Lent memory is sanitized.
 *
 * Return: 0, -EINVAL (misaligned, not a region), or the RM's error (-EBUSY
 * while the VM still has the parcel accepted; the region is kept).
 */
long gunyah_vm_reclaim_range(struct gunyah_vm *ghvm, u64 gpa, u64 size)
{
	struct gunyah_vm_mem *mem;
	long ret = -EINVAL;

	if (!size || !PAGE_ALIGNED(gpa) || !PAGE_ALIGNED(size))
		return -EINVAL;

	mutex_lock(&ghvm->lock);
	list_for_each_entry(mem, &ghvm->memory, list) {
		if (mem->guest_phys_addr == gpa && mem->size == size) {
			ret = gunyah_vm_mem_free(ghvm, mem, false);
			break;
		}
	}
	mutex_unlock(&ghvm->lock);

	return ret;
}

/**
 * gunyah_vm_mem_free_all() - Reclaim and unpin every region at teardown
 * @ghvm: The VM, reset (or never started); its lock held.
 */
void gunyah_vm_mem_free_all(struct gunyah_vm *ghvm)
{
	struct gunyah_vm_mem *mem, *tmp;

	list_for_each_entry_safe(mem, tmp, &ghvm->memory, list)
		gunyah_vm_mem_free(ghvm, mem, true);
}
