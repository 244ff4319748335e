// SPDX-License-Identifier: GPL-2.0-only
/* Unit tests for core/rm_vm.c: VM_GET_VMID, VM_ALLOC_VMID, VM_DEALLOC_VMID. */
#include "rm_test.h"

static u16 seq;

static u32 alloc_vmid(u16 vmid, u32 *got, size_t *rep_len)
{
	u8 req[4] = { (u8)vmid, (u8)(vmid >> 8), 0, 0 }, rep[16];
	u32 err;

	*rep_len = 99;
	err = host_call(RM_MSG_VM_ALLOC_VMID, seq++, req, 4, rep, rep_len);
	*got = *rep_len == 4 ? rm_get_le32(rep) : 0;
	return err;
}

static u32 dealloc_vmid(u16 vmid)
{
	u8 req[4] = { (u8)vmid, (u8)(vmid >> 8), 0, 0 }, rep[16];
	size_t rep_len = 99;
	u32 err;

	err = host_call(RM_MSG_VM_DEALLOC_VMID, seq++, req, 4, rep, &rep_len);
	HOST_CHECK(rep_len == 0, "dealloc reply has only the error word", rep_len, 0);
	return err;
}

TEST(vm_get_vmid_is_host)
{
	u8 rep[16];
	size_t rep_len = 0;

	rm_test_reset();
	EXPECT_EQ(host_call(RM_MSG_VM_GET_VMID, 0x55, NULL, 0, rep, &rep_len), RM_ERROR_OK);
	EXPECT_EQ(rep_len, 4);
	EXPECT_EQ(rm_get_le32(rep), 3);
}

TEST(vm_alloc_dynamic_round_trip)
{
	u32 a, b;
	size_t len;

	rm_test_reset();
	ASSERT_EQ(alloc_vmid(0, &a, &len), RM_ERROR_OK);
	EXPECT_EQ(len, 4);
	ASSERT_EQ(alloc_vmid(0, &b, &len), RM_ERROR_OK);
	EXPECT_EQ(a, RM_VMID_DYN_FIRST);
	EXPECT_EQ(b, RM_VMID_DYN_FIRST + 1);
	ASSERT_TRUE(rm_vm_lookup((u16)a));
	EXPECT_EQ(rm_vm_lookup((u16)a)->status, RM_VM_STATUS_LOAD);

	EXPECT_EQ(dealloc_vmid((u16)a), RM_ERROR_OK);
	EXPECT_EQ(rm_vm_lookup((u16)a), NULL);
	EXPECT_TRUE(rm_vm_lookup((u16)b));
	/* The freed VMID is handed out again. */
	ASSERT_EQ(alloc_vmid(0, &a, &len), RM_ERROR_OK);
	EXPECT_EQ(a, RM_VMID_DYN_FIRST);
}

TEST(vm_alloc_specific)
{
	u32 got;
	size_t len;

	rm_test_reset();
	EXPECT_EQ(alloc_vmid(0x2D, &got, &len), RM_ERROR_OK);
	EXPECT_EQ(len, 0);		/* only the error word */
	EXPECT_TRUE(rm_vm_lookup(0x2D));
	EXPECT_EQ(alloc_vmid(0x2D, &got, &len), RM_ERROR_NORESOURCE);	/* in use */
	EXPECT_EQ(alloc_vmid(RM_VMID_ALLOC_FIRST, &got, &len), RM_ERROR_OK);
	EXPECT_EQ(alloc_vmid(RM_VMID_ALLOC_LAST, &got, &len), RM_ERROR_OK);

	/* A specific VMID in the dynamic range is skipped by dynamic allocation. */
	EXPECT_EQ(alloc_vmid(RM_VMID_DYN_FIRST, &got, &len), RM_ERROR_OK);
	ASSERT_EQ(alloc_vmid(0, &got, &len), RM_ERROR_OK);
	EXPECT_EQ(got, RM_VMID_DYN_FIRST + 1);
	EXPECT_EQ(dealloc_vmid(0x2D), RM_ERROR_OK);
	EXPECT_EQ(dealloc_vmid(0x2D), RM_ERROR_VMID_INVALID);
}

TEST(vm_alloc_reserved_vmids_refused)
{
	static const u16 bad[] = { 1, 2, RM_VMID_HOST, RM_VMID_RM, 0x100, 0x1FF, 0xFFFF };
	u32 got;
	size_t len;

	rm_test_reset();
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		EXPECT_EQ(alloc_vmid(bad[i], &got, &len), RM_ERROR_NORESOURCE);
		EXPECT_EQ(len, 0);
		EXPECT_EQ(rm_vm_lookup(bad[i]), NULL);
	}
	/* Nothing leaked: every slot is still free. */
	for (int i = 0; i < RM_MAX_VMS; i++)
		ASSERT_EQ(alloc_vmid(0, &got, &len), RM_ERROR_OK);
}

TEST(vm_alloc_ignores_reserved_field)
{
	u8 req[4] = { 0, 0, 0xAB, 0xCD }, rep[16];
	size_t rep_len;

	rm_test_reset();
	EXPECT_EQ(host_call(RM_MSG_VM_ALLOC_VMID, 1, req, 4, rep, &rep_len), RM_ERROR_OK);
	EXPECT_EQ(rm_get_le32(rep), RM_VMID_DYN_FIRST);
}

TEST(vm_alloc_exhaustion)
{
	u32 got, vmids[RM_MAX_VMS];
	size_t len;

	rm_test_reset();
	for (int i = 0; i < RM_MAX_VMS; i++) {
		ASSERT_EQ(alloc_vmid(0, &vmids[i], &len), RM_ERROR_OK);
		EXPECT_TRUE(vmids[i] >= RM_VMID_DYN_FIRST && vmids[i] <= RM_VMID_DYN_LAST);
		for (int j = 0; j < i; j++)
			EXPECT_NE(vmids[i], vmids[j]);
	}
	EXPECT_EQ(alloc_vmid(0, &got, &len), RM_ERROR_NORESOURCE);
	EXPECT_EQ(len, 0);
	EXPECT_EQ(alloc_vmid(0x40, &got, &len), RM_ERROR_NORESOURCE);
	EXPECT_EQ(rm_vm_lookup(0x40), NULL);

	EXPECT_EQ(dealloc_vmid((u16)vmids[5]), RM_ERROR_OK);
	ASSERT_EQ(alloc_vmid(0, &got, &len), RM_ERROR_OK);
	EXPECT_EQ(got, vmids[5]);
	EXPECT_EQ(alloc_vmid(0, &got, &len), RM_ERROR_NORESOURCE);
}

TEST(vm_dealloc_errors)
{
	u32 got;
	size_t len;

	rm_test_reset();
	EXPECT_EQ(dealloc_vmid(0), RM_ERROR_VMID_INVALID);
	EXPECT_EQ(dealloc_vmid(RM_VMID_DYN_FIRST), RM_ERROR_VMID_INVALID);
	EXPECT_EQ(dealloc_vmid(0xFFFF), RM_ERROR_VMID_INVALID);
	EXPECT_EQ(dealloc_vmid(RM_VMID_HOST), RM_ERROR_DENIED);
	EXPECT_EQ(dealloc_vmid(RM_VMID_RM), RM_ERROR_DENIED);

	ASSERT_EQ(alloc_vmid(0, &got, &len), RM_ERROR_OK);
	EXPECT_EQ(dealloc_vmid((u16)got), RM_ERROR_OK);
	EXPECT_EQ(dealloc_vmid((u16)got), RM_ERROR_VMID_INVALID);	/* double free */
}

TEST(vm_dealloc_needs_stopped_vm)
{
	u32 got;
	size_t len;
	struct rm_vm *vm;

	rm_test_reset();
	ASSERT_EQ(alloc_vmid(0, &got, &len), RM_ERROR_OK);
	vm = rm_vm_lookup((u16)got);
	ASSERT_TRUE(vm);
	/* No call can start a VM yet: set the state the VM_START path will set. */
	vm->status = RM_VM_STATUS_RUNNING;
	EXPECT_EQ(dealloc_vmid((u16)got), RM_ERROR_VM_STATE);
	EXPECT_TRUE(rm_vm_lookup((u16)got) == vm);
	vm->status = RM_VM_STATUS_RESET;
	EXPECT_EQ(dealloc_vmid((u16)got), RM_ERROR_OK);
}

TEST(vm_state_survives_link_traffic)
{
	u32 got;
	size_t len;

	rm_test_reset();
	ASSERT_EQ(alloc_vmid(0, &got, &len), RM_ERROR_OK);
	/* Flushing the queues is transport business: VMs stay. */
	EXPECT_EQ(rm_host_msgq_flush(true), GH_ERROR_OK);
	EXPECT_EQ(rm_host_msgq_flush(false), GH_ERROR_OK);
	EXPECT_TRUE(rm_vm_lookup((u16)got));
	/* rm_init() is a full reset. */
	rm_init();
	EXPECT_EQ(rm_vm_lookup((u16)got), NULL);
}
