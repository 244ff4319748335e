/* SPDX-License-Identifier: GPL-2.0-only */
/* PSCI function IDs and return codes, for the host's and the guests' calls. */
#ifndef HYP_PSCI_H
#define HYP_PSCI_H

#include "types.h"

#define PSCI_FN(n)		(0x84000000U + (n))
#define PSCI_FN64(n)		(0xc4000000U + (n))
#define PSCI_VERSION		PSCI_FN(0)
#define PSCI_CPU_SUSPEND	PSCI_FN(1)
#define PSCI_CPU_SUSPEND64	PSCI_FN64(1)
#define PSCI_CPU_OFF		PSCI_FN(2)
#define PSCI_CPU_ON		PSCI_FN(3)
#define PSCI_CPU_ON64		PSCI_FN64(3)
#define PSCI_AFFINITY_INFO	PSCI_FN(4)
#define PSCI_AFFINITY_INFO64	PSCI_FN64(4)
#define PSCI_MIGRATE_INFO_TYPE	PSCI_FN(6)
#define PSCI_SYSTEM_OFF		PSCI_FN(8)
#define PSCI_SYSTEM_RESET	PSCI_FN(9)
#define PSCI_FEATURES		PSCI_FN(10)
#define PSCI_SYSTEM_RESET2	PSCI_FN(0x12)
#define PSCI_SYSTEM_RESET2_64	PSCI_FN64(0x12)

#define PSCI_SUCCESS		0
#define PSCI_NOT_SUPPORTED	(-1)
#define PSCI_INVALID_PARAMS	(-2)
#define PSCI_ALREADY_ON		(-4)
#define PSCI_ON_PENDING		(-5)
#define PSCI_INTERNAL_FAILURE	(-6)
#define PSCI_INVALID_ADDRESS	(-9)

#define PSCI_VERSION_1_0	0x10000
#define PSCI_VERSION_1_1	0x10001
#define PSCI_FEATURES_EXT_STATEID	BIT(1)	/* CPU_SUSPEND features */

#endif
