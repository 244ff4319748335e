// SPDX-License-Identifier: GPL-2.0-only
/*
 * Gunyah hypercalls for arm64: SMCCC vendor-hypervisor calls.
 */

#include <linux/arm-smccc.h>
#include <linux/gunyah.h>
#include <linux/module.h>
#include <linux/of.h>
#include <linux/unaligned.h>
#include <linux/uuid.h>

#include <asm/virt.h>

/* The function IDs are in <linux/gunyah.h>; two checked against the ABI */
static_assert(GUNYAH_HYPERCALL_HYP_IDENTIFY == 0xc6008000);
static_assert(GUNYAH_HYPERCALL_VCPU_RUN == 0xc6008065);

/*
 * UID returned by the vendor-hypervisor "call UID" query: c1d58fcd-a453-5fdb-
 * 9265-ce36673d5f14, the four result words stored little-endian.
 */
static const uuid_t gunyah_uuid = UUID_INIT(0xc1d58fcd, 0xa453, 0x5fdb,
					    0x92, 0x65, 0xce, 0x36,
					    0x67, 0x3d, 0x5f, 0x14);

/* Some Qualcomm builds of Gunyah answer with this UID instead. */
static const uuid_t qcom_gunyah_uuid = UUID_INIT(0x19bd54bd, 0x0b37, 0x571b,
						 0x94, 0x6f, 0x60, 0x9b,
						 0x54, 0x53, 0x9d, 0xe6);

static const char *const gunyah_dt_compatibles[] = {
	"gunyah-hypervisor",
	"qcom,gunyah-hypervisor",
	"gunyah-resource-manager",
};

/*
 * An HVC is only safe to issue when something at EL2 handles it: either
 * SMCCC already goes through HVC (firmware services are provided by a
 * hypervisor) or the devicetree describes a Gunyah hypervisor.
 */
static bool gunyah_hvc_is_safe(void)
{
	unsigned int i;

	/*
	 * A VHE kernel runs at EL2 itself; is_hyp_mode_available() would also
	 * catch nVHE, but reads a symbol modules cannot use, and there the DT
	 * and conduit checks below suffice.
	 */
	if (is_kernel_in_hyp_mode())
		return false;

	if (arm_smccc_1_1_get_conduit() == SMCCC_CONDUIT_HVC)
		return true;

	for (i = 0; i < ARRAY_SIZE(gunyah_dt_compatibles); i++) {
		struct device_node *np;

		np = of_find_compatible_node(NULL, NULL,
					     gunyah_dt_compatibles[i]);
		if (np) {
			of_node_put(np);
			return true;
		}
	}

	return false;
}

static bool gunyah_has_uuid(void)
{
	struct arm_smccc_res res;
	uuid_t uuid;

	arm_smccc_1_1_hvc(ARM_SMCCC_VENDOR_HYP_CALL_UID_FUNC_ID, &res);

	if ((s32)res.a0 == SMCCC_RET_NOT_SUPPORTED)
		return false;

	put_unaligned_le32(lower_32_bits(res.a0), &uuid.b[0]);
	put_unaligned_le32(lower_32_bits(res.a1), &uuid.b[4]);
	put_unaligned_le32(lower_32_bits(res.a2), &uuid.b[8]);
	put_unaligned_le32(lower_32_bits(res.a3), &uuid.b[12]);

	return uuid_equal(&uuid, &gunyah_uuid) ||
	       uuid_equal(&uuid, &qcom_gunyah_uuid);
}

/**
 * arch_is_gunyah_guest() - Whether Linux runs as a VM of the Gunyah hypervisor
 *
 * Checks that the vendor-hypervisor UID is Gunyah's and that hyp_identify
 * reports API version 1. Only issues HVCs when that is safe (see above), so
 * it can be called on any system.
 *
 * Context: Any context.
 * Return: true when running under a supported Gunyah hypervisor.
 */
bool arch_is_gunyah_guest(void)
{
	struct gunyah_hypercall_hyp_identify_resp identity;

	if (!gunyah_hvc_is_safe() || !gunyah_has_uuid())
		return false;

	gunyah_hypercall_hyp_identify(&identity);

	return gunyah_api_version(&identity) == GUNYAH_API_V1;
}
EXPORT_SYMBOL_GPL(arch_is_gunyah_guest);

/**
 * gunyah_hypercall_hyp_identify() - Identify the hypervisor
 * @hyp_identity: Filled with the API information and feature flags.
 *
 * Only valid on Gunyah; see arch_is_gunyah_guest().
 */
void gunyah_hypercall_hyp_identify(struct gunyah_hypercall_hyp_identify_resp
				   *hyp_identity)
{
	struct arm_smccc_res res;

	arm_smccc_1_1_hvc(GUNYAH_HYPERCALL_HYP_IDENTIFY, &res);

	hyp_identity->api_info = res.a0;
	hyp_identity->flags[0] = res.a1;
	hyp_identity->flags[1] = res.a2;
	hyp_identity->flags[2] = res.a3;
}
EXPORT_SYMBOL_GPL(gunyah_hypercall_hyp_identify);

/**
 * gunyah_hypercall_doorbell_send() - Raise flags on a doorbell
 * @capid: Capability ID of the doorbell (source side).
 * @new_flags: Flags to set.
 * @old_flags: Filled with the flags before the call.
 *
 * Return: Gunyah error code.
 */
enum gunyah_error gunyah_hypercall_doorbell_send(u64 capid, u64 new_flags,
						 u64 *old_flags)
{
	struct arm_smccc_res res;

	arm_smccc_1_1_hvc(GUNYAH_HYPERCALL_DOORBELL_SEND, capid, new_flags, 0,
			  &res);

	if (res.a0 == GUNYAH_ERROR_OK && old_flags)
		*old_flags = res.a1;

	return res.a0;
}
EXPORT_SYMBOL_GPL(gunyah_hypercall_doorbell_send);

/**
 * gunyah_hypercall_doorbell_receive() - Read and clear flags of a doorbell
 * @capid: Capability ID of the doorbell (receiver side).
 * @clear_flags: Flags to clear.
 * @old_flags: Filled with the flags before the call.
 *
 * Return: Gunyah error code.
 */
enum gunyah_error gunyah_hypercall_doorbell_receive(u64 capid, u64 clear_flags,
						    u64 *old_flags)
{
	struct arm_smccc_res res;

	arm_smccc_1_1_hvc(GUNYAH_HYPERCALL_DOORBELL_RECEIVE, capid, clear_flags,
			  0, &res);

	if (res.a0 == GUNYAH_ERROR_OK && old_flags)
		*old_flags = res.a1;

	return res.a0;
}
EXPORT_SYMBOL_GPL(gunyah_hypercall_doorbell_receive);

/**
 * gunyah_hypercall_doorbell_reset() - Clear all flags and masks of a doorbell
 * @capid: Capability ID of the doorbell (receiver side).
 *
 * Return: Gunyah error code.
 */
enum gunyah_error gunyah_hypercall_doorbell_reset(u64 capid)
{
	struct arm_smccc_res res;

	arm_smccc_1_1_hvc(GUNYAH_HYPERCALL_DOORBELL_RESET, capid, 0, &res);

	return res.a0;
}
EXPORT_SYMBOL_GPL(gunyah_hypercall_doorbell_reset);

/**
 * gunyah_hypercall_doorbell_mask() - Set the masks of a doorbell
 * @capid: Capability ID of the doorbell (receiver side).
 * @enable_mask: Flags that raise the doorbell's interrupt.
 * @ack_mask: Flags cleared automatically when the interrupt is acknowledged.
 *
 * Return: Gunyah error code.
 */
enum gunyah_error gunyah_hypercall_doorbell_mask(u64 capid, u64 enable_mask,
						 u64 ack_mask)
{
	struct arm_smccc_res res;

	arm_smccc_1_1_hvc(GUNYAH_HYPERCALL_DOORBELL_MASK, capid, enable_mask,
			  ack_mask, 0, &res);

	return res.a0;
}
EXPORT_SYMBOL_GPL(gunyah_hypercall_doorbell_mask);

/**
 * gunyah_hypercall_msgq_send() - Send a message on a message queue
 * @capid: Capability ID of the message queue (send side).
 * @size: Size of the message; at most GUNYAH_MSGQ_MAX_MSG_SIZE.
 * @buff: The message; a kernel virtual address the hypervisor translates.
 * @tx_flags: GUNYAH_HYPERCALL_MSGQ_TX_FLAGS_PUSH to notify the receiver now.
 * @ready: Filled with whether the queue can take another message.
 *
 * Return: Gunyah error code; GUNYAH_ERROR_MSGQUEUE_FULL when the queue is
 * full (the message was not sent).
 */
enum gunyah_error gunyah_hypercall_msgq_send(u64 capid, size_t size,
					     const void *buff, u64 tx_flags,
					     bool *ready)
{
	struct arm_smccc_res res;

	arm_smccc_1_1_hvc(GUNYAH_HYPERCALL_MSGQ_SEND, capid, size,
			  (uintptr_t)buff, tx_flags, 0, &res);

	if (res.a0 == GUNYAH_ERROR_OK && ready)
		*ready = !!res.a1;

	return res.a0;
}
EXPORT_SYMBOL_GPL(gunyah_hypercall_msgq_send);

/**
 * gunyah_hypercall_msgq_recv() - Receive a message from a message queue
 * @capid: Capability ID of the message queue (receive side).
 * @buff: Buffer for the message; a kernel virtual address.
 * @size: Size of @buff.
 * @recv_size: Filled with the size of the received message.
 * @ready: Filled with whether more messages are waiting.
 *
 * Return: Gunyah error code; GUNYAH_ERROR_MSGQUEUE_EMPTY when there is no
 * message.
 */
enum gunyah_error gunyah_hypercall_msgq_recv(u64 capid, void *buff, size_t size,
					     size_t *recv_size, bool *ready)
{
	struct arm_smccc_res res;

	arm_smccc_1_1_hvc(GUNYAH_HYPERCALL_MSGQ_RECV, capid, (uintptr_t)buff,
			  size, 0, &res);

	if (res.a0 == GUNYAH_ERROR_OK) {
		*recv_size = res.a1;
		*ready = !!res.a2;
	}

	return res.a0;
}
EXPORT_SYMBOL_GPL(gunyah_hypercall_msgq_recv);

/**
 * gunyah_hypercall_msgq_flush() - Discard all messages in a message queue
 * @capid: Capability ID of the message queue.
 *
 * Return: Gunyah error code.
 */
enum gunyah_error gunyah_hypercall_msgq_flush(u64 capid)
{
	struct arm_smccc_res res;

	arm_smccc_1_1_hvc(GUNYAH_HYPERCALL_MSGQ_FLUSH, capid, 0, &res);

	return res.a0;
}
EXPORT_SYMBOL_GPL(gunyah_hypercall_msgq_flush);

/**
 * gunyah_hypercall_addrspace_map() - Map a memory extent into an address space
 * @capid: Capability ID of the address space.
 * @extent_capid: Capability ID of the memory extent.
 * @map: Where and how to map.
 *
 * Return: Gunyah error code.
 */
enum gunyah_error
gunyah_hypercall_addrspace_map(u64 capid, u64 extent_capid,
			       const struct gunyah_addrspace_map_args *map)
{
	struct arm_smccc_1_2_regs args = {
		.a0 = GUNYAH_HYPERCALL_ADDRSPACE_MAP,
		.a1 = capid,
		.a2 = extent_capid,
		.a3 = map->vbase,
		.a4 = map->attrs,
		.a5 = map->flags,
		.a6 = map->offset,
		.a7 = map->size,
		.a8 = 0, /* reserved, must be zero */
	};
	struct arm_smccc_1_2_regs res;

	arm_smccc_1_2_hvc(&args, &res);

	return res.a0;
}
EXPORT_SYMBOL_GPL(gunyah_hypercall_addrspace_map);

/**
 * gunyah_hypercall_addrspace_unmap() - Unmap a memory extent from an address
 *                                      space
 * @capid: Capability ID of the address space.
 * @extent_capid: Capability ID of the memory extent.
 * @unmap: What to unmap.
 *
 * Return: Gunyah error code.
 */
enum gunyah_error
gunyah_hypercall_addrspace_unmap(u64 capid, u64 extent_capid,
				 const struct gunyah_addrspace_unmap_args *unmap)
{
	struct arm_smccc_1_2_regs args = {
		.a0 = GUNYAH_HYPERCALL_ADDRSPACE_UNMAP,
		.a1 = capid,
		.a2 = extent_capid,
		.a3 = unmap->vbase,
		.a4 = unmap->flags,
		.a5 = unmap->offset,
		.a6 = unmap->size,
		.a7 = 0, /* reserved, must be zero */
	};
	struct arm_smccc_1_2_regs res;

	arm_smccc_1_2_hvc(&args, &res);

	return res.a0;
}
EXPORT_SYMBOL_GPL(gunyah_hypercall_addrspace_unmap);

/**
 * gunyah_hypercall_vcpu_poweroff() - Power off a vCPU
 * @capid: Capability ID of the vCPU.
 * @flags: GUNYAH_HYPERCALL_VCPU_POWEROFF_FLAGS_LAST_VCPU when it is the last
 *         vCPU of the VM to power off.
 *
 * Return: Gunyah error code.
 */
enum gunyah_error gunyah_hypercall_vcpu_poweroff(u64 capid, u64 flags)
{
	struct arm_smccc_res res;

	arm_smccc_1_1_hvc(GUNYAH_HYPERCALL_VCPU_POWEROFF, capid, flags, &res);

	return res.a0;
}
EXPORT_SYMBOL_GPL(gunyah_hypercall_vcpu_poweroff);

/**
 * gunyah_hypercall_memextent_donate() - Move memory between memory extents
 * @options: Donation type and flags.
 * @from_capid: Capability ID of the memory extent (or partition) giving.
 * @to_capid: Capability ID of the memory extent (or partition) receiving.
 * @offset: Offset of the memory.
 * @size: Size of the memory in bytes.
 *
 * Return: Gunyah error code.
 */
enum gunyah_error gunyah_hypercall_memextent_donate(u64 options, u64 from_capid,
						    u64 to_capid, u64 offset,
						    u64 size)
{
	struct arm_smccc_res res;

	arm_smccc_1_1_hvc(GUNYAH_HYPERCALL_MEMEXTENT_DONATE, options,
			  from_capid, to_capid, offset, size, 0, &res);

	return res.a0;
}
EXPORT_SYMBOL_GPL(gunyah_hypercall_memextent_donate);

/**
 * gunyah_hypercall_vcpu_run() - Run a proxy-scheduled vCPU
 * @capid: Capability ID of the vCPU.
 * @resume_data: resume0 to resume2: how to complete the previous exit (e.g.
 *               the value of an MMIO read in resume_data[0]).
 * @resp: Filled with the vCPU state and its data.
 *
 * Donates the calling thread's time to the vCPU until the vCPU needs the
 * host or the host is interrupted.
 *
 * Return: Gunyah error code; GUNYAH_ERROR_BUSY when the vCPU is not waiting
 * for vcpu_run.
 */
enum gunyah_error
gunyah_hypercall_vcpu_run(u64 capid, const u64 *resume_data,
			  struct gunyah_hypercall_vcpu_run_resp *resp)
{
	struct arm_smccc_1_2_regs args = {
		.a0 = GUNYAH_HYPERCALL_VCPU_RUN,
		.a1 = capid,
		.a2 = resume_data[0],
		.a3 = resume_data[1],
		.a4 = resume_data[2],
		.a5 = 0, /* reserved, must be zero */
	};
	struct arm_smccc_1_2_regs res;

	arm_smccc_1_2_hvc(&args, &res);

	if (res.a0 == GUNYAH_ERROR_OK) {
		resp->state = res.a1;
		resp->state_data[0] = res.a2;
		resp->state_data[1] = res.a3;
		resp->state_data[2] = res.a4;
	}

	return res.a0;
}
EXPORT_SYMBOL_GPL(gunyah_hypercall_vcpu_run);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Gunyah hypervisor hypercalls");
