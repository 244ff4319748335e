/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Gunyah hypervisor: hypercall interface of a Linux VM running under Gunyah.
 *
 * The hypercalls are SMCCC 1.1 fast calls with the vendor-hypervisor owner,
 * function ID 0xC6008000 | n, issued with HVC #0. x0 of the result is a
 * Gunyah error code (enum gunyah_error), except for hyp_identify.
 */

#ifndef _LINUX_GUNYAH_H
#define _LINUX_GUNYAH_H

#include <linux/arm-smccc.h>
#include <linux/bits.h>
#include <linux/bitfield.h>
#include <linux/errno.h>
#include <linux/types.h>

/**
 * enum gunyah_error - Error codes returned by Gunyah hypercalls
 * @GUNYAH_ERROR_OK: Success.
 * @GUNYAH_ERROR_UNIMPLEMENTED: The hypercall is not implemented.
 * @GUNYAH_ERROR_RETRY: Try the call again.
 * @GUNYAH_ERROR_ARG_INVAL: An argument is invalid.
 * @GUNYAH_ERROR_ARG_SIZE: A size argument is invalid.
 * @GUNYAH_ERROR_ARG_ALIGN: An argument is misaligned.
 * @GUNYAH_ERROR_NOMEM: Out of memory.
 * @GUNYAH_ERROR_NORESOURCES: Out of another resource.
 * @GUNYAH_ERROR_ADDR_OVFL: Address overflow.
 * @GUNYAH_ERROR_ADDR_UNFL: Address underflow.
 * @GUNYAH_ERROR_ADDR_INVAL: Invalid address.
 * @GUNYAH_ERROR_DENIED: Operation not permitted.
 * @GUNYAH_ERROR_BUSY: The object is busy.
 * @GUNYAH_ERROR_IDLE: The object is idle.
 * @GUNYAH_ERROR_OBJECT_STATE: The object is in the wrong state.
 * @GUNYAH_ERROR_OBJECT_CONFIG: The object is not configured correctly.
 * @GUNYAH_ERROR_OBJECT_CONFIGURED: The object is already configured.
 * @GUNYAH_ERROR_FAILURE: Unspecified failure.
 * @GUNYAH_ERROR_VIRQ_BOUND: The virtual IRQ is already bound.
 * @GUNYAH_ERROR_VIRQ_NOT_BOUND: The virtual IRQ is not bound.
 * @GUNYAH_ERROR_CSPACE_CAP_NULL: Null capability.
 * @GUNYAH_ERROR_CSPACE_CAP_REVOKED: The capability was revoked.
 * @GUNYAH_ERROR_CSPACE_WRONG_OBJ_TYPE: The capability names another type of
 *                                      object.
 * @GUNYAH_ERROR_CSPACE_INSUF_RIGHTS: The capability lacks the needed rights.
 * @GUNYAH_ERROR_CSPACE_FULL: The capability space is full.
 * @GUNYAH_ERROR_MSGQUEUE_EMPTY: The message queue is empty.
 * @GUNYAH_ERROR_MSGQUEUE_FULL: The message queue is full.
 */
enum gunyah_error {
	GUNYAH_ERROR_OK				= 0,
	GUNYAH_ERROR_UNIMPLEMENTED		= -1,
	GUNYAH_ERROR_RETRY			= -2,

	GUNYAH_ERROR_ARG_INVAL			= 1,
	GUNYAH_ERROR_ARG_SIZE			= 2,
	GUNYAH_ERROR_ARG_ALIGN			= 3,

	GUNYAH_ERROR_NOMEM			= 10,
	GUNYAH_ERROR_NORESOURCES		= 11,

	GUNYAH_ERROR_ADDR_OVFL			= 20,
	GUNYAH_ERROR_ADDR_UNFL			= 21,
	GUNYAH_ERROR_ADDR_INVAL			= 22,

	GUNYAH_ERROR_DENIED			= 30,
	GUNYAH_ERROR_BUSY			= 31,
	GUNYAH_ERROR_IDLE			= 32,
	GUNYAH_ERROR_OBJECT_STATE		= 33,
	GUNYAH_ERROR_OBJECT_CONFIG		= 34,
	GUNYAH_ERROR_OBJECT_CONFIGURED		= 35,
	GUNYAH_ERROR_FAILURE			= 36,

	GUNYAH_ERROR_VIRQ_BOUND			= 40,
	GUNYAH_ERROR_VIRQ_NOT_BOUND		= 41,

	GUNYAH_ERROR_CSPACE_CAP_NULL		= 50,
	GUNYAH_ERROR_CSPACE_CAP_REVOKED		= 51,
	GUNYAH_ERROR_CSPACE_WRONG_OBJ_TYPE	= 52,
	GUNYAH_ERROR_CSPACE_INSUF_RIGHTS	= 53,
	GUNYAH_ERROR_CSPACE_FULL		= 54,

	GUNYAH_ERROR_MSGQUEUE_EMPTY		= 60,
	GUNYAH_ERROR_MSGQUEUE_FULL		= 61,
};

/**
 * gunyah_error_remap() - Convert a Gunyah hypercall error to a Linux errno
 * @gunyah_error: The error code returned by the hypercall.
 *
 * Return: 0 for GUNYAH_ERROR_OK, a negative errno otherwise (-EIO for codes
 * this kernel does not know).
 */
static inline int gunyah_error_remap(enum gunyah_error gunyah_error)
{
	switch (gunyah_error) {
	case GUNYAH_ERROR_OK:
		return 0;
	case GUNYAH_ERROR_UNIMPLEMENTED:
		return -EOPNOTSUPP;
	case GUNYAH_ERROR_RETRY:
	case GUNYAH_ERROR_MSGQUEUE_EMPTY:
	case GUNYAH_ERROR_MSGQUEUE_FULL:
		return -EAGAIN;
	case GUNYAH_ERROR_ARG_INVAL:
	case GUNYAH_ERROR_ARG_SIZE:
	case GUNYAH_ERROR_ARG_ALIGN:
	case GUNYAH_ERROR_ADDR_OVFL:
	case GUNYAH_ERROR_ADDR_UNFL:
	case GUNYAH_ERROR_ADDR_INVAL:
	case GUNYAH_ERROR_OBJECT_STATE:
	case GUNYAH_ERROR_OBJECT_CONFIG:
		return -EINVAL;
	case GUNYAH_ERROR_NOMEM:
		return -ENOMEM;
	case GUNYAH_ERROR_NORESOURCES:
	case GUNYAH_ERROR_CSPACE_FULL:
		return -ENOSPC;
	case GUNYAH_ERROR_DENIED:
	case GUNYAH_ERROR_CSPACE_INSUF_RIGHTS:
		return -EACCES;
	case GUNYAH_ERROR_BUSY:
	case GUNYAH_ERROR_IDLE:
	case GUNYAH_ERROR_VIRQ_BOUND:
		return -EBUSY;
	case GUNYAH_ERROR_OBJECT_CONFIGURED:
		return -EEXIST;
	case GUNYAH_ERROR_VIRQ_NOT_BOUND:
		return -ENOENT;
	case GUNYAH_ERROR_CSPACE_CAP_NULL:
	case GUNYAH_ERROR_CSPACE_CAP_REVOKED:
	case GUNYAH_ERROR_CSPACE_WRONG_OBJ_TYPE:
		return -ENXIO;
	case GUNYAH_ERROR_FAILURE:
	default:
		return -EIO;
	}
}

/* hyp_identify: api_info */
#define GUNYAH_API_INFO_API_VERSION_MASK	GENMASK_ULL(13, 0)
#define GUNYAH_API_INFO_BIG_ENDIAN		BIT_ULL(14)
#define GUNYAH_API_INFO_IS_64BIT		BIT_ULL(15)
#define GUNYAH_API_INFO_VARIANT_MASK		GENMASK_ULL(63, 56)

#define GUNYAH_API_V1				1

/* hyp_identify: api_flags0 */
#define GUNYAH_API_FLAGS0_PARTITION_CSPACE	BIT_ULL(0)
#define GUNYAH_API_FLAGS0_DOORBELL		BIT_ULL(1)
#define GUNYAH_API_FLAGS0_MSGQUEUE		BIT_ULL(2)
#define GUNYAH_API_FLAGS0_VIC			BIT_ULL(3)
#define GUNYAH_API_FLAGS0_VPM			BIT_ULL(4)
#define GUNYAH_API_FLAGS0_VCPU			BIT_ULL(5)
#define GUNYAH_API_FLAGS0_MEMEXTENT		BIT_ULL(6)
#define GUNYAH_API_FLAGS0_TRACE			BIT_ULL(7)
#define GUNYAH_API_FLAGS0_WATCHDOG		BIT_ULL(8)
#define GUNYAH_API_FLAGS0_VIRTIO_MMIO		BIT_ULL(9)
#define GUNYAH_API_FLAGS0_PRNG			BIT_ULL(10)
#define GUNYAH_API_FLAGS0_VCPU_RUN		BIT_ULL(11)
#define GUNYAH_API_FLAGS0_SCHEDULER_MASK	GENMASK_ULL(31, 28)

/**
 * struct gunyah_hypercall_hyp_identify_resp - Result of hyp_identify
 * @api_info: API version (bits 13:0), big-endian (bit 14), 64-bit (bit 15)
 *            and variant (bits 63:56) of the hypervisor.
 * @flags: api_flags0 to api_flags2: the features the hypervisor offers.
 */
struct gunyah_hypercall_hyp_identify_resp {
	u64 api_info;
	u64 flags[3];
};

/**
 * gunyah_api_version() - API version reported by hyp_identify
 * @gunyah_api: The result of gunyah_hypercall_hyp_identify().
 *
 * Return: the API version; 1 for the hypervisor this driver supports.
 */
static inline u16
gunyah_api_version(const struct gunyah_hypercall_hyp_identify_resp *gunyah_api)
{
	return FIELD_GET(GUNYAH_API_INFO_API_VERSION_MASK, gunyah_api->api_info);
}

/*
 * Hypercall function IDs (gunyah-abi.md): SMCCC fast calls, 64-bit, owned by
 * the vendor hypervisor, function number 0x8000 | n.
 */
#define GUNYAH_HYPERCALL(n)						\
	ARM_SMCCC_CALL_VAL(ARM_SMCCC_FAST_CALL, ARM_SMCCC_SMC_64,	\
			   ARM_SMCCC_OWNER_VENDOR_HYP, 0x8000 | (n))

#define GUNYAH_HYPERCALL_HYP_IDENTIFY		GUNYAH_HYPERCALL(0x00)
#define GUNYAH_HYPERCALL_DOORBELL_SEND		GUNYAH_HYPERCALL(0x12)
#define GUNYAH_HYPERCALL_DOORBELL_RECEIVE	GUNYAH_HYPERCALL(0x13)
#define GUNYAH_HYPERCALL_DOORBELL_RESET		GUNYAH_HYPERCALL(0x14)
#define GUNYAH_HYPERCALL_DOORBELL_MASK		GUNYAH_HYPERCALL(0x15)
#define GUNYAH_HYPERCALL_MSGQ_SEND		GUNYAH_HYPERCALL(0x1b)
#define GUNYAH_HYPERCALL_MSGQ_RECV		GUNYAH_HYPERCALL(0x1c)
#define GUNYAH_HYPERCALL_MSGQ_FLUSH		GUNYAH_HYPERCALL(0x1d)
#define GUNYAH_HYPERCALL_ADDRSPACE_MAP		GUNYAH_HYPERCALL(0x2b)
#define GUNYAH_HYPERCALL_ADDRSPACE_UNMAP	GUNYAH_HYPERCALL(0x2c)
#define GUNYAH_HYPERCALL_VCPU_POWEROFF		GUNYAH_HYPERCALL(0x39)
#define GUNYAH_HYPERCALL_MEMEXTENT_DONATE	GUNYAH_HYPERCALL(0x61)
#define GUNYAH_HYPERCALL_VCPU_RUN		GUNYAH_HYPERCALL(0x65)

bool arch_is_gunyah_guest(void);
void gunyah_hypercall_hyp_identify(struct gunyah_hypercall_hyp_identify_resp
				   *hyp_identity);

enum gunyah_error gunyah_hypercall_doorbell_send(u64 capid, u64 new_flags,
						 u64 *old_flags);
enum gunyah_error gunyah_hypercall_doorbell_receive(u64 capid, u64 clear_flags,
						    u64 *old_flags);
enum gunyah_error gunyah_hypercall_doorbell_reset(u64 capid);
enum gunyah_error gunyah_hypercall_doorbell_mask(u64 capid, u64 enable_mask,
						 u64 ack_mask);

/* msgq_send flags */
#define GUNYAH_HYPERCALL_MSGQ_TX_FLAGS_PUSH	BIT_ULL(0)

/* Largest message a Gunyah message queue carries */
#define GUNYAH_MSGQ_MAX_MSG_SIZE		240

enum gunyah_error gunyah_hypercall_msgq_send(u64 capid, size_t size,
					     const void *buff, u64 tx_flags,
					     bool *ready);
enum gunyah_error gunyah_hypercall_msgq_recv(u64 capid, void *buff, size_t size,
					     size_t *recv_size, bool *ready);
enum gunyah_error gunyah_hypercall_msgq_flush(u64 capid);

/**
 * struct gunyah_addrspace_map_args - Arguments of addrspace_map
 * @vbase: Base address of the mapping in the address space (guest IPA).
 * @attrs: Mapping attributes (access rights and memory type).
 * @flags: Mapping flags.
 * @offset: Offset of the mapping in the memory extent.
 * @size: Size of the mapping in bytes.
 */
struct gunyah_addrspace_map_args {
	u64 vbase;
	u64 attrs;
	u64 flags;
	u64 offset;
	u64 size;
};

/**
 * struct gunyah_addrspace_unmap_args - Arguments of addrspace_unmap
 * @vbase: Base address of the mapping in the address space (guest IPA).
 * @flags: Unmapping flags.
 * @offset: Offset of the mapping in the memory extent.
 * @size: Size of the mapping in bytes.
 */
struct gunyah_addrspace_unmap_args {
	u64 vbase;
	u64 flags;
	u64 offset;
	u64 size;
};

enum gunyah_error
gunyah_hypercall_addrspace_map(u64 capid, u64 extent_capid,
			       const struct gunyah_addrspace_map_args *map);
enum gunyah_error
gunyah_hypercall_addrspace_unmap(u64 capid, u64 extent_capid,
				 const struct gunyah_addrspace_unmap_args *unmap);

/* vcpu_poweroff flags */
#define GUNYAH_HYPERCALL_VCPU_POWEROFF_FLAGS_LAST_VCPU	BIT_ULL(0)

enum gunyah_error gunyah_hypercall_vcpu_poweroff(u64 capid, u64 flags);

enum gunyah_error gunyah_hypercall_memextent_donate(u64 options, u64 from_capid,
						    u64 to_capid, u64 offset,
						    u64 size);

/**
 * enum gunyah_vcpu_state - vCPU state returned by vcpu_run
 * @GUNYAH_VCPU_STATE_READY: The host was preempted or interrupted; call
 *                           vcpu_run again.
 * @GUNYAH_VCPU_STATE_EXPECTS_WAKEUP: The vCPU is asleep (data0: sleep state,
 *                                    data1: reason); wait for its wakeup
 *                                    interrupt.
 * @GUNYAH_VCPU_STATE_POWERED_OFF: The vCPU is off (data0 bit 0: the VM
 *                                 exited).
 * @GUNYAH_VCPU_STATE_BLOCKED: The vCPU is blocked.
 * @GUNYAH_VCPU_ADDRSPACE_VMMIO_READ: MMIO read (data0: IPA, data1: size);
 *                                    pass the value in resume0.
 * @GUNYAH_VCPU_ADDRSPACE_VMMIO_WRITE: MMIO write (data0: IPA, data1: size,
 *                                     data2: value).
 * @GUNYAH_VCPU_STATE_FAULT: The vCPU faulted.
 * @GUNYAH_VCPU_ADDRSPACE_PAGE_FAULT: Access to unmapped guest memory (data0:
 *                                    IPA, data1: flags).
 * @GUNYAH_VCPU_STATE_PSCI_SYSTEM_RESET: The VM requested a PSCI system reset
 *                                       (data0: reset type).
 */
enum gunyah_vcpu_state {
	GUNYAH_VCPU_STATE_READY			= 0,
	GUNYAH_VCPU_STATE_EXPECTS_WAKEUP	= 1,
	GUNYAH_VCPU_STATE_POWERED_OFF		= 2,
	GUNYAH_VCPU_STATE_BLOCKED		= 3,
	GUNYAH_VCPU_ADDRSPACE_VMMIO_READ	= 4,
	GUNYAH_VCPU_ADDRSPACE_VMMIO_WRITE	= 5,
	GUNYAH_VCPU_STATE_FAULT			= 6,
	GUNYAH_VCPU_ADDRSPACE_PAGE_FAULT	= 7,
	GUNYAH_VCPU_STATE_PSCI_SYSTEM_RESET	= 0x100,
};

/**
 * struct gunyah_hypercall_vcpu_run_resp - Result of vcpu_run
 * @state: See &enum gunyah_vcpu_state.
 * @state_data: data0 to data2, whose meaning depends on @state.
 */
struct gunyah_hypercall_vcpu_run_resp {
	u64 state;
	u64 state_data[3];
};

enum gunyah_error
gunyah_hypercall_vcpu_run(u64 capid, const u64 *resume_data,
			  struct gunyah_hypercall_vcpu_run_resp *resp);

#endif /* _LINUX_GUNYAH_H */
