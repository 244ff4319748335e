/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Gunyah hypervisor ABI as seen by the host (Documentation: gunyah-abi.md
 * sections 1 and 2): SMCCC function IDs, identification values and error codes.
 */
#ifndef HYP_GUNYAH_H
#define HYP_GUNYAH_H

/* SMCCC 1.1 function IDs and return values */
#define SMCCC_VERSION			0x80000000U
#define SMCCC_ARCH_FEATURES		0x80000001U
#define SMCCC_VERSION_1_1		0x10001
#define SMCCC_RET_SUCCESS		0
#define SMCCC_RET_NOT_SUPPORTED		(-1L)

#define SMCCC_FAST_CALL			0x80000000U
#define SMCCC_64			0x40000000U
#define SMCCC_OWNER(fid)		(((fid) >> 24) & 0x3f)
#define SMCCC_OWNER_ARCH		0
#define SMCCC_OWNER_STANDARD		4
#define SMCCC_OWNER_VENDOR_HYP		6

#define SMCCC_VENDOR_HYP_UID		0x8600ff01U

/* Gunyah UUID c1d58fcd-a453-5fdb-9265-ce36673d5f14, as returned in x0..x3 */
#define GH_UUID_0			0xcd8fd5c1U
#define GH_UUID_1			0xdb5f53a4U
#define GH_UUID_2			0x36ce6592U
#define GH_UUID_3			0x145f3d67U

/* Hypercalls: SMCCC 64-bit fast call, vendor hyp owner, "hypercall" class */
#define GH_HCALL_BASE			0xc6008000U
#define GH_HCALL_MASK			0xffffc000U
#define GH_HCALL_NR(fid)		((fid) & 0x3fff)

#define GH_HCALL_HYP_IDENTIFY		0x00
#define GH_HCALL_DOORBELL_SEND		0x12
#define GH_HCALL_DOORBELL_RECEIVE	0x13
#define GH_HCALL_DOORBELL_RESET		0x14
#define GH_HCALL_DOORBELL_MASK		0x15
#define GH_HCALL_MSGQ_SEND		0x1b
#define GH_HCALL_MSGQ_RECV		0x1c
#define GH_HCALL_MSGQ_FLUSH		0x1d
#define GH_HCALL_VCPU_RUN		0x65

/* hyp_identify: api_info and api_flags0 */
#define GH_API_VERSION			1
#define GH_API_INFO_64BIT		(1UL << 15)
#define GH_API_INFO_VARIANT_SHIFT	56
#define GH_API_VARIANT_QC		0x51UL
#define GH_API_FLAG0_PARTITION_CSPACE	(1UL << 0)
#define GH_API_FLAG0_DOORBELL		(1UL << 1)
#define GH_API_FLAG0_MSGQUEUE		(1UL << 2)
#define GH_API_FLAG0_VCPU		(1UL << 5)
#define GH_API_FLAG0_VCPU_RUN		(1UL << 11)

#define GH_MSGQ_SEND_FLAG_PUSH		(1UL << 0)

/* Gunyah error codes (x0) */
#define GH_ERROR_OK			0
#define GH_ERROR_UNIMPLEMENTED		(-1)
#define GH_ERROR_RETRY			(-2)
#define GH_ERROR_ARG_INVAL		1
#define GH_ERROR_ARG_SIZE		2
#define GH_ERROR_ARG_ALIGN		3
#define GH_ERROR_NOMEM			10
#define GH_ERROR_NORESOURCES		11
#define GH_ERROR_ADDR_OVFL		20
#define GH_ERROR_ADDR_UNFL		21
#define GH_ERROR_ADDR_INVAL		22
#define GH_ERROR_DENIED			30
#define GH_ERROR_BUSY			31
#define GH_ERROR_IDLE			32
#define GH_ERROR_OBJECT_STATE		33
#define GH_ERROR_OBJECT_CONFIG		34
#define GH_ERROR_OBJECT_CONFIGURED	35
#define GH_ERROR_FAILURE		36
#define GH_ERROR_VIRQ_BOUND		40
#define GH_ERROR_VIRQ_NOT_BOUND		41
#define GH_ERROR_CSPACE_CAP_NULL	50
#define GH_ERROR_CSPACE_CAP_REVOKED	51
#define GH_ERROR_CSPACE_WRONG_OBJ_TYPE	52
#define GH_ERROR_CSPACE_INSUF_RIGHTS	53
#define GH_ERROR_CSPACE_FULL		54
#define GH_ERROR_MSGQUEUE_EMPTY		60
#define GH_ERROR_MSGQUEUE_FULL		61

#endif
