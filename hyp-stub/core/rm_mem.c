// SPDX-License-Identifier: GPL-2.0-only
/*
 * RM memory parcels: MEM_LEND, MEM_SHARE, MEM_APPEND, MEM_RECLAIM.
 *
 * A parcel is a list of host ranges given to one guest VM, laid out in the
 * guest back to back in list order. The RM owns the policy (message format,
 * ACL, handles, when a parcel may be used or reclaimed); page ownership is
 * the mechanisms' (mem_xfer_*() in vm.h), which refuse anything the host
 * does not own. Every change checks all of its ranges first, then commits,
 * and undoes what it did if the mechanisms fail half way.
 *
 * All state is in bounded static tables: RM_MAX_PARCELS parcels whose ranges
 * come from one pool of RM_MAX_RANGES entries (a guest's RAM may be scattered
 * into many ranges, but few parcels are that large).
 */
#include <string.h>

#include "gunyah.h"
#include "rm_internal.h"

#define RM_PAGE_SIZE	SZ_4K

static struct rm_parcel rm_parcels[RM_MAX_PARCELS];
static struct rm_range rm_ranges[RM_MAX_RANGES];
static u32 rm_range_free;		/* free list head */
static u32 rm_range_nr_free;
static u32 rm_next_handle;

void rm_mem_init(void)
{
	memset(rm_parcels, 0, sizeof(rm_parcels));
	for (u32 i = 0; i < RM_MAX_RANGES; i++)
		rm_ranges[i].next = i + 1 < RM_MAX_RANGES ? i + 1 : RM_RANGE_NONE;
	rm_range_free = 0;
	rm_range_nr_free = RM_MAX_RANGES;
	/* Start away from 0 and from small numbers a confused host might guess. */
	rm_next_handle = 0x100;
}

static_assert(RM_MAX_RANGES < RM_RANGE_NONE, "range indices fit in u32");

struct rm_parcel *rm_parcel_at(unsigned int i)
{
	return i < RM_MAX_PARCELS && rm_parcels[i].handle ? &rm_parcels[i] : NULL;
}

struct rm_parcel *rm_parcel_lookup(u32 handle)
{
	if (!handle)
		return NULL;
	for (size_t i = 0; i < ARRAY_SIZE(rm_parcels); i++) {
		if (rm_parcels[i].handle == handle)
			return &rm_parcels[i];
	}
	return NULL;
}

bool rm_parcel_usable_by(const struct rm_parcel *p, u16 vmid)
{
	return p && p->complete && !p->orphan && p->vmid == vmid;
}

/*
 * A fresh handle: counting up, skipping 0 and live handles, so a handle just
 * reclaimed is not handed out again until the counter wraps (2^32 parcels),
 * and a host holding a stale handle does not reach someone else's parcel.
 */
static u32 rm_handle_alloc(void)
{
	for (;;) {
		u32 h = rm_next_handle++;

		if (h && !rm_parcel_lookup(h))
			return h;
	}
}

static struct rm_parcel *rm_parcel_alloc(void)
{
	for (size_t i = 0; i < ARRAY_SIZE(rm_parcels); i++) {
		if (!rm_parcels[i].handle)
			return &rm_parcels[i];
	}
	return NULL;
}

/* Append [base, base + size) to the parcel; the caller made sure one is free. */
static void rm_parcel_push(struct rm_parcel *p, u64 base, u64 size)
{
	u32 r = rm_range_free;

	rm_range_free = rm_ranges[r].next;
	rm_range_nr_free--;
	rm_ranges[r] = (struct rm_range){ .base = base, .size = size, .next = RM_RANGE_NONE };
	if (p->nr_ranges)
		rm_ranges[p->last].next = r;
	else
		p->first = r;
	p->last = r;
	p->nr_ranges++;
	p->size += size;
}

/* Drop the parcel's first range (it went back to the host). */
static void rm_parcel_pop(struct rm_parcel *p)
{
	u32 r = p->first;

	p->first = rm_ranges[r].next;
	p->size -= rm_ranges[r].size;
	p->nr_ranges--;
	rm_ranges[r].next = rm_range_free;
	rm_range_free = r;
	rm_range_nr_free++;
}

/* Keep the parcel's first @keep ranges, drop the rest; ownership untouched. */
static void rm_parcel_truncate(struct rm_parcel *p, u32 keep)
{
	u32 r = p->first, last = RM_RANGE_NONE;

	for (u32 i = 0; i < keep; i++) {
		last = r;
		r = rm_ranges[r].next;
	}
	while (r != RM_RANGE_NONE) {
		u32 next = rm_ranges[r].next;

		p->size -= rm_ranges[r].size;
		p->nr_ranges--;
		rm_ranges[r].next = rm_range_free;
		rm_range_free = r;
		rm_range_nr_free++;
		r = next;
	}
	if (last != RM_RANGE_NONE)
		rm_ranges[last].next = RM_RANGE_NONE;
	p->last = last;
	if (!keep)
		p->first = RM_RANGE_NONE;
}

u32 rm_error_from_gh(int gh_err)
{
	switch (gh_err) {
	case GH_ERROR_OK:
		return RM_ERROR_OK;
	case GH_ERROR_NOMEM:
	case GH_ERROR_NORESOURCES:
		return RM_ERROR_NOMEM;
	case GH_ERROR_DENIED:
		return RM_ERROR_DENIED;
	case GH_ERROR_BUSY:
		return RM_ERROR_BUSY;
	case GH_ERROR_OBJECT_STATE:
		return RM_ERROR_VM_STATE;
	default:
		return RM_ERROR_ARGUMENT_INVALID;
	}
}

/* ---- reading the body ---- */

/* A bounds-checked cursor over a request: every read checks the length first. */
struct rm_cursor {
	const u8 *p;
	size_t left;
};

static const u8 *rm_take(struct rm_cursor *c, size_t n)
{
	const u8 *p = c->p;

	if (n > c->left)
		return NULL;
	c->p += n;
	c->left -= n;
	return p;
}

/*
 * {u16 n; u16 res} and n entries of @entry_size bytes. Linux writes the ACL
 * count as a u32: the same bytes for any n the RM can accept, and a count
 * above 0xFFFF then fails the exact-length check as on the real RM.
 */
static const u8 *rm_take_list(struct rm_cursor *c, size_t entry_size, u32 *n)
{
	const u8 *hdr = rm_take(c, RM_MEM_COUNT_SIZE);

	if (!hdr)
		return NULL;
	*n = rm_get_le16(hdr);
	/* n <= 0xFFFF and entry_size <= 16: no overflow of size_t. */
	return rm_take(c, (size_t)*n * entry_size);
}

/* An SGL entry as [base, end), for sorting. */
struct rm_span {
	u64 base, end;
};

static struct rm_span rm_sgl_sorted[RM_MEM_SGL_MAX];

static bool rm_span_less(const struct rm_span *a, const struct rm_span *b)
{
	return a->base < b->base;
}

static void rm_span_sift(struct rm_span *v, u32 i, u32 n)
{
	for (;;) {
		u32 c = 2 * i + 1;
		struct rm_span t;

		if (c >= n)
			return;
		if (c + 1 < n && rm_span_less(&v[c], &v[c + 1]))
			c++;
		if (!rm_span_less(&v[i], &v[c]))
			return;
		t = v[i];
		v[i] = v[c];
		v[c] = t;
		i = c;
	}
}

/* Heapsort by base: O(n log n), no recursion, no allocation. */
static void rm_span_sort(struct rm_span *v, u32 n)
{
	for (u32 i = n / 2; i-- > 0;)
		rm_span_sift(v, i, n);
	for (u32 end = n; end > 1;) {
		struct rm_span t = v[0];

		v[0] = v[--end];
		v[end] = t;
		rm_span_sift(v, 0, end);
	}
}

/*
 * Page aligned, non-empty, not wrapping, disjoint from each other (sorted
 * by base, each must end before the next starts). Overlaps with what an
 * APPEND's parcel already holds are not looked for here: those pages are
 * not the host's, so mem_xfer_check() refuses them (rm_parcel_add()).
 */
static u32 rm_sgl_check(const u8 *sgl, u32 n)
{
	if (n > RM_MEM_SGL_MAX)
		return RM_ERROR_INVALID;
	for (u32 i = 0; i < n; i++) {
		u64 base = rm_get_le64(sgl + i * 16), size = rm_get_le64(sgl + i * 16 + 8);

		if (!size || !IS_ALIGNED(base, RM_PAGE_SIZE) ||
		    !IS_ALIGNED(size, RM_PAGE_SIZE) || base + size < base)
			return RM_ERROR_ARGUMENT_INVALID;
		rm_sgl_sorted[i] = (struct rm_span){ base, base + size };
	}
	rm_span_sort(rm_sgl_sorted, n);
	for (u32 i = 1; i < n; i++) {
		if (rm_sgl_sorted[i - 1].end > rm_sgl_sorted[i].base)
			return RM_ERROR_ARGUMENT_INVALID;
	}
	return RM_ERROR_OK;
}

/* Does [base, base + size) overlap a range the parcel holds? Error path only. */
static bool rm_parcel_overlaps(const struct rm_parcel *p, u64 base, u64 size)
{
	for (u32 r = p->first; r != RM_RANGE_NONE; r = rm_ranges[r].next) {
		const struct rm_range *e = &rm_ranges[r];

		if (base < e->base + e->size && e->base < base + size)
			return true;
	}
	return false;
}

/*
 * Transfer the @n checked SGL entries to the parcel's VM and append them to
 * the parcel: every range checked with the mechanisms first, then moved;
 * on a failure the ranges already moved are given back and dropped.
 */
static u32 rm_parcel_add(struct rm_parcel *p, const u8 *sgl, u32 n)
{
	u32 keep = p->nr_ranges;
	u64 total = p->size;
	int ret;

	if (n > rm_range_nr_free)
		return RM_ERROR_NOMEM;
	for (u32 i = 0; i < n; i++) {
		u64 size = rm_get_le64(sgl + i * 16 + 8);

		/* Offsets into the parcel must stay representable. */
		if (total + size < total)
			return RM_ERROR_ARGUMENT_INVALID;
		total += size;
		ret = mem_xfer_check(rm_get_le64(sgl + i * 16), size);
		if (ret) {
			/* An APPEND of what the parcel holds: a bad SGL. */
			if (rm_parcel_overlaps(p, rm_get_le64(sgl + i * 16), size))
				return RM_ERROR_ARGUMENT_INVALID;
			return rm_error_from_gh(ret);
		}
	}

	for (u32 i = 0; i < n; i++) {
		u64 base = rm_get_le64(sgl + i * 16), size = rm_get_le64(sgl + i * 16 + 8);

		ret = mem_xfer_to_vm(p->vmid, base, size, p->xfer);
		if (ret) {
			u32 r = p->first;

			/* Give back this call's ranges: those after the first @keep. */
			for (u32 k = 0; k < p->nr_ranges; k++, r = rm_ranges[r].next) {
				if (k >= keep)
					(void)mem_xfer_to_host(p->vmid, rm_ranges[r].base,
							       rm_ranges[r].size, p->xfer, false);
			}
			rm_parcel_truncate(p, keep);
			return rm_error_from_gh(ret);
		}
		rm_parcel_push(p, base, size);
	}
	return RM_ERROR_OK;
}

/* ---- calls ---- */

/*
 * LEND and SHARE:
 *   {u8 mem_type; u8 res; u8 flags; u8 res; u32 label}
 *   {u16 n; u16 res} {u16 vmid; u8 rights; u8 res}[n]		ACL
 *   {u16 n; u16 res} {u64 ipa_base; u64 size}[n]		SGL
 *   {u16 n; u16 res} {u16 attr; u16 vmid}[n]			attributes
 * consumed exactly. Reply {u32 mem_handle}.
 */
static u32 rm_mem_donate(struct rm_msg *msg, enum mem_xfer xfer)
{
	struct rm_cursor c = { msg->req, msg->req_len };
	const u8 *hdr, *acl, *sgl, *attrs;
	u32 nacl, nsgl, nattrs, err;
	u16 guest = 0;
	u8 rights = 0, flags;
	struct rm_parcel *p;

	hdr = rm_take(&c, RM_MEM_HDR_SIZE);
	acl = hdr ? rm_take_list(&c, RM_MEM_ACL_ENTRY_SIZE, &nacl) : NULL;
	sgl = acl ? rm_take_list(&c, RM_MEM_SGL_ENTRY_SIZE, &nsgl) : NULL;
	attrs = sgl ? rm_take_list(&c, RM_MEM_ATTR_ENTRY_SIZE, &nattrs) : NULL;
	if (!attrs || c.left)
		return RM_ERROR_INVALID;
	if (nsgl > RM_MEM_SGL_MAX)
		return RM_ERROR_INVALID;

	flags = hdr[2];
	if (hdr[0] != RM_MEM_TYPE_NORMAL)	/* IO parcels: no device memory to give */
		return RM_ERROR_ARGUMENT_INVALID;
	if (flags & ~(RM_MEM_FLAG_SANITIZE | RM_MEM_FLAG_APPEND))
		return RM_ERROR_ARGUMENT_INVALID;
	if (!nsgl)
		return RM_ERROR_ARGUMENT_INVALID;

	/*
	 * ACL: a lend names exactly the guest; a share names the host and the
	 * guest. Only one guest per parcel: the stub has no VM-to-VM sharing.
	 */
	if (nacl != (xfer == MEM_XFER_SHARE ? 2U : 1U))
		return RM_ERROR_ARGUMENT_INVALID;
	for (u32 i = 0; i < nacl; i++) {
		u16 vmid = rm_get_le16(acl + i * 4);
		u8 r = acl[i * 4 + 2];

		if (!r || (r & ~RM_ACL_RIGHTS_ALL))
			return RM_ERROR_ARGUMENT_INVALID;
		if (vmid == RM_VMID_HOST && xfer == MEM_XFER_SHARE)
			continue;
		if (guest || vmid == RM_VMID_HOST)
			return RM_ERROR_ARGUMENT_INVALID;
		guest = vmid;
		rights = r;
	}
	if (!guest)
		return RM_ERROR_ARGUMENT_INVALID;
	if (!rm_vm_lookup(guest))
		return RM_ERROR_VMID_INVALID;

	/* Attributes: accepted when they name a VM of the ACL, otherwise unused. */
	for (u32 i = 0; i < nattrs; i++) {
		u16 vmid = rm_get_le16(attrs + i * 4 + 2);

		if (vmid != guest && !(vmid == RM_VMID_HOST && xfer == MEM_XFER_SHARE))
			return RM_ERROR_ARGUMENT_INVALID;
	}

	err = rm_sgl_check(sgl, nsgl);
	if (err)
		return err;

	p = rm_parcel_alloc();
	if (!p)
		return RM_ERROR_NOMEM;
	*p = (struct rm_parcel){
		.label = rm_get_le32(hdr + 4),
		.vmid = guest,
		.xfer = (u8)xfer,
		.rights = rights,
		.sanitize = flags & RM_MEM_FLAG_SANITIZE,
		.complete = !(flags & RM_MEM_FLAG_APPEND),
		.first = RM_RANGE_NONE,
		.last = RM_RANGE_NONE,
	};
	err = rm_parcel_add(p, sgl, nsgl);
	if (err) {
		p->handle = 0;
		return err;
	}
	p->handle = rm_handle_alloc();
	rm_put_le32(msg->rep, p->handle);
	msg->rep_len = 4;
	return RM_ERROR_OK;
}

u32 rm_mem_lend(struct rm_msg *msg)
{
	return rm_mem_donate(msg, MEM_XFER_LEND);
}

u32 rm_mem_share(struct rm_msg *msg)
{
	return rm_mem_donate(msg, MEM_XFER_SHARE);
}

/*
 * {u32 handle; u8 flags (bit0 last); u8 res[3]; u16 n; u16 res; sgl[n]}:
 * more ranges for a parcel whose LEND/SHARE said "append follows". A failed
 * APPEND changes nothing; the parcel stays incomplete (the host may retry,
 * or reclaim what it gave so far).
 */
u32 rm_mem_append(struct rm_msg *msg)
{
	struct rm_cursor c = { msg->req, msg->req_len };
	const u8 *hdr = rm_take(&c, 8), *sgl;
	struct rm_parcel *p;
	u32 n, err;

	sgl = hdr ? rm_take_list(&c, RM_MEM_SGL_ENTRY_SIZE, &n) : NULL;
	if (!sgl || c.left || n > RM_MEM_SGL_MAX)
		return RM_ERROR_INVALID;
	if (hdr[4] & ~RM_MEM_APPEND_LAST)
		return RM_ERROR_ARGUMENT_INVALID;

	p = rm_parcel_lookup(rm_get_le32(hdr));
	if (!p)
		return RM_ERROR_HANDLE_INVALID;
	if (p->complete || p->orphan)
		return RM_ERROR_ARGUMENT_INVALID;

	err = rm_sgl_check(sgl, n);
	if (err)
		return err;
	err = rm_parcel_add(p, sgl, n);
	if (err)
		return err;
	if (hdr[4] & RM_MEM_APPEND_LAST)
		p->complete = true;
	return RM_ERROR_OK;
}

/*
 * {u32 handle; u8 flags (bit0 sanitize); u8 res[3]}: give the parcel back to
 * the host. Refused while the guest maps it (until the VM is reset or
 * deallocated). Ranges leave the parcel as they are returned, so a failure
 * of the mechanisms half way leaves a consistent, retryable parcel.
 */
u32 rm_mem_reclaim(struct rm_msg *msg)
{
	struct rm_parcel *p = rm_parcel_lookup(rm_get_le32(msg->req));
	u8 flags = msg->req[4];
	bool sanitize;

	if (flags & ~RM_MEM_FLAG_SANITIZE)
		return RM_ERROR_ARGUMENT_INVALID;
	if (!p)
		return RM_ERROR_HANDLE_INVALID;
	if (p->mapped)
		return RM_ERROR_MEM_INUSE;

	sanitize = p->sanitize || (flags & RM_MEM_FLAG_SANITIZE);
	while (p->nr_ranges) {
		const struct rm_range *r = &rm_ranges[p->first];
		int ret = mem_xfer_to_host(p->vmid, r->base, r->size, p->xfer, sanitize);

		if (ret)
			return rm_error_from_gh(ret);
		rm_parcel_pop(p);
	}
	p->handle = 0;
	return RM_ERROR_OK;
}

/* ---- used by VM_INIT / VM_RESET / VM_DEALLOC ---- */

bool rm_parcel_read(const struct rm_parcel *p, u64 offset, void *dst, size_t len)
{
	u8 *out = dst;
	u64 pos = 0;

	if (offset > p->size || len > p->size - offset)
		return false;
	for (u32 r = p->first; len && r != RM_RANGE_NONE; r = rm_ranges[r].next) {
		const struct rm_range *e = &rm_ranges[r];

		if (offset < pos + e->size) {
			u64 in = offset - pos;
			size_t n = (size_t)MIN((u64)len, e->size - in);

			/* Host RAM is identity-mapped at EL2 (arch/mmu.c). */
			memcpy(out, (const void *)(uintptr_t)(e->base + in), n);
			out += n;
			offset += n;
			len -= n;
		}
		pos += e->size;
	}
	return len == 0;
}

u32 rm_parcel_map(struct rm_parcel *p, u64 ipa)
{
	bool write = p->rights & RM_ACL_RIGHT_W, exec = p->rights & RM_ACL_RIGHT_X;
	u64 off = 0;

	if (ipa + p->size < ipa)
		return RM_ERROR_ARGUMENT_INVALID;
	for (u32 r = p->first; r != RM_RANGE_NONE; r = rm_ranges[r].next) {
		int ret = vm_map(p->vmid, ipa + off, rm_ranges[r].base, rm_ranges[r].size,
				 write, exec);

		if (ret) {
			if (off)
				(void)vm_unmap(p->vmid, ipa, off);
			return RM_ERROR_MAP_FAILED;
		}
		off += rm_ranges[r].size;
	}
	p->mapped = true;
	p->ipa = ipa;
	return RM_ERROR_OK;
}

void rm_parcel_unmap(struct rm_parcel *p)
{
	if (!p->mapped)
		return;
	(void)vm_unmap(p->vmid, p->ipa, p->size);
	p->mapped = false;
}

void rm_mem_vm_reset(u16 vmid, bool gone)
{
	for (size_t i = 0; i < ARRAY_SIZE(rm_parcels); i++) {
		struct rm_parcel *p = &rm_parcels[i];

		if (!p->handle || p->vmid != vmid || p->orphan)
			continue;
		/* vm_reset()/vm_destroy() removed the mappings themselves. */
		p->mapped = false;
		/* A later VM with the same VMID must not inherit the parcel. */
		if (gone)
			p->orphan = true;
	}
}
