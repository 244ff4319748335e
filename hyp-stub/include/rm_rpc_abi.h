/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Resource Manager RPC wire format, as spoken by the real Gunyah RM
 * (quic/gunyah-resource-manager) and by the Linux driver. Every integer on
 * the wire is little-endian.
 *
 * A message queue message is an 8-byte header followed by up to 232 payload
 * bytes:
 *
 *	byte 0		(header_words << 4) | api_version = 0x21
 *	byte 1		(fragments << 2) | type
 *	bytes 2-3	sequence number; a reply echoes its request's
 *	bytes 4-7	message ID
 *
 * A long message is a first packet carrying the real type and the number of
 * continuation packets that follow (at most 62), then that many packets of
 * type RM_RPC_TYPE_CONT carrying the same message ID, sequence number and
 * fragment count. Every reply payload starts with a le32 RM error code.
 */
#ifndef HYP_RM_RPC_ABI_H
#define HYP_RM_RPC_ABI_H

#define RM_RPC_API_VERSION	1
#define RM_RPC_HEADER_WORDS	2
#define RM_RPC_HEADER_SIZE	8
#define RM_RPC_HDR_BYTE0	((RM_RPC_HEADER_WORDS << 4) | RM_RPC_API_VERSION)
#define RM_RPC_PKT_SIZE		240	/* one message queue message */
#define RM_RPC_PKT_PAYLOAD	(RM_RPC_PKT_SIZE - RM_RPC_HEADER_SIZE)	/* 232 */
#define RM_RPC_MAX_FRAGMENTS	62	/* continuation packets per message */
#define RM_RPC_MAX_PKTS		(RM_RPC_MAX_FRAGMENTS + 1)
#define RM_RPC_MAX_PAYLOAD	(RM_RPC_MAX_PKTS * RM_RPC_PKT_PAYLOAD)	/* 14616 */

/* Message types (byte 1, bits 1:0). */
#define RM_RPC_TYPE_CONT	0
#define RM_RPC_TYPE_REQUEST	1
#define RM_RPC_TYPE_REPLY	2
#define RM_RPC_TYPE_NOTIF	3

/* Request message IDs. */
#define RM_MSG_VM_ALLOC_VMID		0x56000001U
#define RM_MSG_VM_DEALLOC_VMID		0x56000002U
#define RM_MSG_VM_START			0x56000004U
#define RM_MSG_VM_STOP			0x56000005U
#define RM_MSG_VM_RESET			0x56000006U
#define RM_MSG_VM_CONFIG_IMAGE		0x56000009U
#define RM_MSG_VM_INIT			0x5600000BU
#define RM_MSG_VM_SET_BOOT_CONTEXT_OLD	0x5600000CU
#define RM_MSG_VM_GET_HYP_RESOURCES	0x56000020U
#define RM_MSG_VM_GET_VMID		0x56000024U
#define RM_MSG_VM_SET_BOOT_CONTEXT	0x56000031U
#define RM_MSG_VM_SET_FIRMWARE_MEM	0x56000032U
#define RM_MSG_MEM_LEND			0x51000012U
#define RM_MSG_MEM_SHARE		0x51000013U
#define RM_MSG_MEM_RECLAIM		0x51000015U
#define RM_MSG_MEM_APPEND		0x51000018U

/* Notification message IDs (type RM_RPC_TYPE_NOTIF, sent by the RM). */
#define RM_NOTIF_VM_EXITED		0x56100001U
#define RM_NOTIF_VM_SHUTDOWN		0x56100002U
#define RM_NOTIF_VM_STATUS		0x56100008U
#define RM_NOTIF_MEM_SHARED		0x51100011U
#define RM_NOTIF_MEM_RELEASED		0x51100012U
#define RM_NOTIF_MEM_ACCEPTED		0x51100013U
#define RM_NOTIF_MEM_RECALL		0x51100014U

/* RM error codes: the first le32 of every reply payload. */
#define RM_ERROR_OK			0x0U
#define RM_ERROR_UNIMPLEMENTED		0xFFFFFFFFU
#define RM_ERROR_NOMEM			0x1U
#define RM_ERROR_NORESOURCE		0x2U
#define RM_ERROR_DENIED			0x3U
#define RM_ERROR_INVALID		0x4U	/* malformed message */
#define RM_ERROR_BUSY			0x5U
#define RM_ERROR_ARGUMENT_INVALID	0x6U
#define RM_ERROR_HANDLE_INVALID		0x7U
#define RM_ERROR_VALIDATE_FAILED	0x8U
#define RM_ERROR_MAP_FAILED		0x9U
#define RM_ERROR_MEM_INVALID		0xAU
#define RM_ERROR_MEM_INUSE		0xBU
#define RM_ERROR_MEM_RELEASED		0xCU
#define RM_ERROR_VMID_INVALID		0xDU
#define RM_ERROR_LOOKUP_FAILED		0xEU
#define RM_ERROR_IRQ_INVALID		0xFU
#define RM_ERROR_IRQ_INUSE		0x10U
#define RM_ERROR_IRQ_RELEASED		0x11U
#define RM_ERROR_IN_USE			0x12U
#define RM_ERROR_IRQ_NOT_MAPPED		0x13U
#define RM_ERROR_VM_STATE		0x14U

/* VM status, as carried by RM_NOTIF_VM_STATUS. */
#define RM_VM_STATUS_NONE		0
#define RM_VM_STATUS_INIT		1
#define RM_VM_STATUS_READY		2
#define RM_VM_STATUS_RUNNING		3
#define RM_VM_STATUS_PAUSED		4
#define RM_VM_STATUS_LOAD		5
#define RM_VM_STATUS_AUTH		6
#define RM_VM_STATUS_INIT_FAILED	8
#define RM_VM_STATUS_EXITED		9
#define RM_VM_STATUS_RESETTING		10
#define RM_VM_STATUS_RESET		11

/* Exit types, as carried by RM_NOTIF_VM_EXITED. */
#define RM_VM_EXIT_TYPE_VM_EXIT		0	/* PSCI SYSTEM_OFF */
#define RM_VM_EXIT_TYPE_PLATFORM_OFF	1
#define RM_VM_EXIT_TYPE_PLATFORM_RESET	2
#define RM_VM_EXIT_TYPE_SYSTEM_RESET2	3
#define RM_VM_EXIT_TYPE_WDT_BITE	4
#define RM_VM_EXIT_TYPE_SW_ERROR	5	/* crash */
#define RM_VM_EXIT_TYPE_ASYNC_HW_ERROR	6
#define RM_VM_EXIT_TYPE_FORCED_STOP	7

/* MEM_LEND / MEM_SHARE / MEM_APPEND / MEM_RECLAIM bodies. */
#define RM_MEM_TYPE_NORMAL		0
#define RM_MEM_TYPE_IO			1
#define RM_MEM_FLAG_SANITIZE		0x1U	/* LEND/SHARE, RECLAIM */
#define RM_MEM_FLAG_APPEND		0x2U	/* LEND/SHARE: MEM_APPEND follows */
#define RM_MEM_APPEND_LAST		0x1U	/* MEM_APPEND: last fragment */
#define RM_ACL_RIGHT_X			0x1U
#define RM_ACL_RIGHT_W			0x2U
#define RM_ACL_RIGHT_R			0x4U
#define RM_ACL_RIGHTS_ALL		0x7U
#define RM_MEM_SGL_MAX			512	/* SGL entries per message */
#define RM_MEM_HDR_SIZE			8	/* mem_type, res, flags, res, label */
#define RM_MEM_COUNT_SIZE		4	/* u16 n; u16 res */
#define RM_MEM_ACL_ENTRY_SIZE		4	/* u16 vmid; u8 rights; u8 res */
#define RM_MEM_SGL_ENTRY_SIZE		16	/* u64 ipa_base; u64 size */
#define RM_MEM_ATTR_ENTRY_SIZE		4	/* u16 attr; u16 vmid */
#define RM_MEM_APPEND_HDR_SIZE		12	/* handle, flags, res[3], u16 n, res */
#define RM_MEM_RECLAIM_SIZE		8	/* handle, flags, res[3] */

/* VM_CONFIG_IMAGE: 40 bytes; auth types. */
#define RM_VM_CONFIG_IMAGE_SIZE		40
#define RM_VM_AUTH_NONE			0
#define RM_VM_AUTH_PIL_ELF		1
#define RM_VM_AUTH_ANDROID_PVM		2

/* VM_SET_BOOT_CONTEXT: {u16 vmid; u8 reg_set; u8 index; u32 res; u64 value}. */
#define RM_VM_BOOT_CONTEXT_SIZE		16
#define RM_BOOT_REG_SET_X		0
#define RM_BOOT_REG_SET_PC		1
#define RM_BOOT_REG_SET_SP		2

/* VM_STOP: {u16 vmid; u8 flags; u8 res; u32 stop_reason}. */
#define RM_VM_STOP_SIZE			8
#define RM_VM_STOP_FLAG_FORCE		0x1U

/* VM_GET_HYP_RESOURCES reply entries. */
#define RM_HYP_RES_ENTRY_SIZE		44
#define RM_HYP_RES_BELL_TX		0
#define RM_HYP_RES_BELL_RX		1
#define RM_HYP_RES_MSGQ_TX		2
#define RM_HYP_RES_MSGQ_RX		3
#define RM_HYP_RES_VCPU			4
#define RM_HYP_RES_VPM_GROUP		5
#define RM_HYP_RES_VIRTIO_MMIO		6

/* Notification payload sizes (VM_EXITED: plus reason_size bytes). */
#define RM_VM_STATUS_NOTIF_SIZE		8
#define RM_VM_EXITED_NOTIF_SIZE		8

/* Fixed VMIDs. */
#define RM_VMID_HYP			0x0U
#define RM_VMID_HOST			0x3U	/* the primary VM ("HLOS") */
#define RM_VMID_RM			0xFFU

#endif
