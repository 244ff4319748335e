// SPDX-License-Identifier: GPL-2.0-only
/*
 * EL1 self-test of hyp-stub, run in place of Linux (make selftest). It
 * checks the host DT, SMCCC/PSCI/hypercall results for good and bad
 * arguments, a real RM round trip with its interrupt, buffers that straddle
 * non-contiguous pages of an EL1 stage-1 mapping, repeated CPU hotplug, and
 * the synchronous external aborts the stub injects for its own memory.
 * Prints TAP and "el1-selftest: N passed, N failed", then powers off.
 */
#include <stdarg.h>
#include <string.h>
#include <libfdt.h>
#include "format.h"
#include "gunyah.h"
#include "rm_rpc_abi.h"
#include "layout.h"
#include "rm.h"

#define GICD_BASE		0x08000000UL
#define GICD_ISPENDR(n)		(0x200 + 4 * (n))
#define GICD_ICPENDR(n)		(0x280 + 4 * (n))
#define GICR_BASE		0x080a0000UL	/* CPU 0's redistributor */
#define GICR_WAKER		0x0014
#define GICR_SGI_IGROUPR0	0x10080
#define GICR_SGI_ISENABLER0	0x10100

#define PSCI_VERSION		0x84000000U
#define PSCI_CPU_OFF		0x84000002U
#define PSCI_CPU_ON64		0xc4000003U
#define PSCI_AFFINITY_INFO64	0xc4000004U
#define PSCI_MIGRATE_INFO_TYPE	0x84000006U
#define PSCI_MIGRATE_INFO_UP_CPU 0x84000007U
#define PSCI_SYSTEM_OFF		0x84000008U
#define PSCI_FEATURES		0x8400000aU
#define PSCI_SYSTEM_SUSPEND64	0xc400000eU
#define PSCI_0_1_CPU_ON		0x95c1ba60U

#define RM_VM_GET_VMID		0x56000024U
#define HCALL(n)		(GH_HCALL_BASE | (n))
#define NEG(x)			((u64)(s64)(x))

struct res {
	u64 x0, x1, x2, x3;
};

struct regs {
	u64 x[31];
	u64 pad;
};

void secondary_entry(void);

static int nr_tests, nr_failed;
static volatile u64 secondary_ctx, secondary_release;
static u64 ram_end;
static u32 tx_spi, rx_spi;
static u16 rpc_seq;

/* Exceptions taken by the tests: last syndrome and address. */
static volatile u64 exc_count, exc_esr, exc_far;

static u64 pt_l1[512] __attribute__((aligned(4096)));
static u64 pt_l2[512] __attribute__((aligned(4096)));
static u64 pt_l3[512] __attribute__((aligned(4096)));
static u8 pages[5][4096] __attribute__((aligned(4096)));
static u8 buf[RM_MSGQ_MSG_SIZE + 16] __attribute__((aligned(16)));

static void putc_uart(char c)
{
	volatile u32 *uart = (volatile u32 *)UART_BASE;

	while (uart[0x18 / 4] & BIT(5))
		;
	uart[0] = (u8)c;
}

static void __attribute__((format(printf, 1, 2))) out(const char *fmt, ...)
{
	char line[192];
	va_list ap;

	va_start(ap, fmt);
	fmt_vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	for (char *p = line; *p; p++) {
		if (*p == '\n')
			putc_uart('\r');
		putc_uart(*p);
	}
}

static void check(const char *name, u64 got, u64 want)
{
	nr_tests++;
	if (got == want) {
		out("ok %d - %s\n", nr_tests, name);
	} else {
		nr_failed++;
		out("not ok %d - %s: got %#lx, want %#lx\n", nr_tests, name,
		    got, want);
	}
}

static struct res conduit(bool smc, u64 a0, u64 a1, u64 a2, u64 a3, u64 a4,
			  u64 a5)
{
	register u64 x0 asm("x0") = a0;
	register u64 x1 asm("x1") = a1;
	register u64 x2 asm("x2") = a2;
	register u64 x3 asm("x3") = a3;
	register u64 x4 asm("x4") = a4;
	register u64 x5 asm("x5") = a5;

	if (smc)
		asm volatile("smc #0" : "+r"(x0), "+r"(x1), "+r"(x2), "+r"(x3),
			     "+r"(x4), "+r"(x5) : : "memory");
	else
		asm volatile("hvc #0" : "+r"(x0), "+r"(x1), "+r"(x2), "+r"(x3),
			     "+r"(x4), "+r"(x5) : : "memory");
	return (struct res){ x0, x1, x2, x3 };
}

static struct res hvc(u64 a0, u64 a1, u64 a2, u64 a3, u64 a4, u64 a5)
{
	return conduit(false, a0, a1, a2, a3, a4, a5);
}

static struct res smc(u64 a0, u64 a1, u64 a2, u64 a3)
{
	return conduit(true, a0, a1, a2, a3, 0, 0);
}

void el1_unexpected(u64 vector)
{
	out("not ok - unexpected exception, vector %lu\n", vector);
	smc(PSCI_SYSTEM_OFF, 0, 0, 0);
}

/* Record the exception; resume after the access or return from the call. */
void el1_sync(struct regs *r)
{
	u64 esr, far, elr;

	asm volatile("mrs %0, esr_el1" : "=r"(esr));
	asm volatile("mrs %0, far_el1" : "=r"(far));
	asm volatile("mrs %0, elr_el1" : "=r"(elr));
	exc_count++;
	exc_esr = esr;
	exc_far = far;
	if ((esr >> 26) == 0x21)	/* instruction abort: back to the caller */
		elr = r->x[30];
	else
		elr += 4;
	asm volatile("msr elr_el1, %0" : : "r"(elr));
}

/* ---------------------------------------------------------------- DT */

static void test_dt(const void *fdt)
{
	const fdt32_t *p;
	int hyp, rm, mem, len;

	hyp = fdt_path_offset(fdt, "/hypervisor");
	check("DT: /hypervisor present", hyp >= 0, 1);
	check("DT: hypervisor compatible",
	      !fdt_node_check_compatible(fdt, hyp, "qcom,gunyah-hypervisor-1.0") &&
	      !fdt_node_check_compatible(fdt, hyp, "simple-bus") &&
	      fdt_node_check_compatible(fdt, hyp, "gunyah-hypervisor"), 1);
	rm = fdt_subnode_offset(fdt, hyp,
				"qcom,resource-manager-rpc@0000000000000000");
	check("DT: RM node named after the TX capid", rm >= 0, 1);
	p = fdt_getprop(fdt, rm, "interrupts", &len);
	check("DT: RM interrupts are two SPIs", p && len == 24, 1);
	if (p && len == 24) {
		tx_spi = fdt32_to_cpu(p[1]);
		rx_spi = fdt32_to_cpu(p[4]);
	}
	check("DT: RM SPIs free and edge", p && len == 24 && tx_spi >= 128 &&
	      rx_spi >= 128 && rx_spi != tx_spi && fdt32_to_cpu(p[2]) == 1 &&
	      fdt32_to_cpu(p[5]) == 1, 1);
	p = fdt_getprop(fdt, rm, "reg", &len);
	check("DT: RM capids 0 and 1", p && len == 16 && !p[0] && !p[1] &&
	      !p[2] && fdt32_to_cpu(p[3]) == 1, 1);
	mem = fdt_path_offset(fdt, "/memory@41000000");
	p = fdt_getprop(fdt, mem, "reg", &len);
	check("DT: host memory starts after the stub region",
	      p && len == 16 && fdt32_to_cpu(p[1]) == LINUX_LOAD_ADDR, 1);
	if (p && len == 16)
		ram_end = LINUX_LOAD_ADDR +
			  (((u64)fdt32_to_cpu(p[2]) << 32) | fdt32_to_cpu(p[3]));
}

/* ------------------------------------------------------- SMCCC, PSCI */

static void test_smccc(void)
{
	struct res r;

	check("SMCCC_VERSION over SMC", smc(SMCCC_VERSION, 0, 0, 0).x0, 0x10001);
	check("SMCCC_VERSION over HVC", hvc(SMCCC_VERSION, 0, 0, 0, 0, 0).x0,
	      0x10001);
	check("ARCH_FEATURES(WORKAROUND_1)",
	      smc(SMCCC_ARCH_FEATURES, 0x80008000, 0, 0).x0, NEG(-1));
	r = smc(SMCCC_VENDOR_HYP_UID, 0, 0, 0);
	check("vendor UID over SMC", r.x0 == GH_UUID_0 && r.x1 == GH_UUID_1 &&
	      r.x2 == GH_UUID_2 && r.x3 == GH_UUID_3, 1);
	r = hvc(HCALL(GH_HCALL_HYP_IDENTIFY), 0, 0, 0, 0, 0);
	check("hyp_identify api_info", r.x0, 0x5100000000008001UL);
	check("hyp_identify flags0: doorbell, msgqueue, vcpu, vcpu_run", r.x1,
	      GH_API_FLAG0_DOORBELL | GH_API_FLAG0_MSGQUEUE | GH_API_FLAG0_VCPU |
	      GH_API_FLAG0_VCPU_RUN);
	check("unknown hypercall", hvc(HCALL(0x16), 0, 0, 0, 0, 0).x0, NEG(-1));
	/* No VM has doorbells here: only the cspace answers. */
	check("doorbell_send: unknown capid",
	      hvc(HCALL(GH_HCALL_DOORBELL_SEND), 200, 1, 0, 0, 0).x0,
	      GH_ERROR_CSPACE_CAP_NULL);
	check("doorbell_send: a message queue",
	      hvc(HCALL(GH_HCALL_DOORBELL_SEND), 0, 1, 0, 0, 0).x0,
	      GH_ERROR_CSPACE_WRONG_OBJ_TYPE);
	check("doorbell_mask: reserved argument",
	      hvc(HCALL(GH_HCALL_DOORBELL_MASK), 200, 1, 0, 1, 0).x0,
	      GH_ERROR_ARG_INVAL);
	check("SiP call", smc(0x82000000, 0, 0, 0).x0, NEG(-1));
	check("yielding call", smc(0x06000000, 0, 0, 0).x0, NEG(-1));
	check("TRNG_VERSION (not PSCI)", smc(0x84000050, 0, 0, 0).x0, NEG(-1));
	{
		register u64 x0 asm("x0") = SMCCC_VERSION;

		asm volatile("hvc #1" : "+r"(x0) : : "x1", "x2", "x3", "memory");
		check("HVC #1", x0, NEG(-1));
		x0 = SMCCC_VERSION;
		asm volatile("smc #1" : "+r"(x0) : : "x1", "x2", "x3", "memory");
		check("SMC #1", x0, NEG(-1));
	}
}

static void test_psci(void)
{
	check("PSCI_VERSION", smc(PSCI_VERSION, 0, 0, 0).x0 >= 0x10000, 1);
	check("PSCI_FEATURES(SMCCC_VERSION)",
	      smc(PSCI_FEATURES, SMCCC_VERSION, 0, 0).x0, 0);
	check("PSCI_FEATURES(CPU_ON64)", smc(PSCI_FEATURES, PSCI_CPU_ON64, 0, 0).x0, 0);
	check("PSCI_FEATURES(MIGRATE_INFO_UP_CPU)",
	      smc(PSCI_FEATURES, PSCI_MIGRATE_INFO_UP_CPU, 0, 0).x0, NEG(-1));
	check("MIGRATE_INFO_UP_CPU", smc(PSCI_MIGRATE_INFO_UP_CPU, 0, 0, 0).x0,
	      NEG(-1));
	check("MIGRATE_INFO_TYPE over HVC",
	      hvc(PSCI_MIGRATE_INFO_TYPE, 0, 0, 0, 0, 0).x0, 2);
	check("SYSTEM_SUSPEND", smc(PSCI_SYSTEM_SUSPEND64, 0x41000000, 0, 0).x0,
	      NEG(-1));
	check("PSCI 0.1 CPU_ON", smc(PSCI_0_1_CPU_ON, 1, 0x41000000, 0).x0,
	      NEG(-1));
	check("CPU_ON unknown MPIDR",
	      smc(PSCI_CPU_ON64, 0x100, (u64)secondary_entry, 0).x0, NEG(-2));
	check("CPU_ON self", smc(PSCI_CPU_ON64, 0, (u64)secondary_entry, 0).x0,
	      NEG(-4));
	check("CPU_ON entry in the stub",
	      smc(PSCI_CPU_ON64, 1, STUB_LOAD_ADDR, 0).x0, NEG(-9));
	check("CPU_ON unaligned entry",
	      smc(PSCI_CPU_ON64, 1, (u64)secondary_entry + 2, 0).x0, NEG(-9));
}

void secondary_main(u64 ctx)
{
	secondary_ctx = ctx;
	while (secondary_release != ctx)
		;
	smc(PSCI_CPU_OFF, 0, 0, 0);
	out("not ok - CPU_OFF returned\n");
}

static bool wait_for(volatile u64 *p, u64 v)
{
	for (long i = 0; i < 100000000; i++)
		if (*p == v)
			return true;
	return false;
}

static void test_hotplug(void)
{
	for (u64 round = 1; round <= 3; round++) {
		u64 ctx = 0xc0de0000 + round;
		long i;

		check("hotplug: CPU_ON CPU 1",
		      smc(PSCI_CPU_ON64, 1, (u64)secondary_entry, ctx).x0, 0);
		check("hotplug: CPU 1 runs with its context",
		      wait_for(&secondary_ctx, ctx), 1);
		check("hotplug: CPU_ON while on",
		      smc(PSCI_CPU_ON64, 1, (u64)secondary_entry, ctx).x0, NEG(-4));
		secondary_release = ctx;
		for (i = 0; i < 100000000; i++)
			if (smc(PSCI_AFFINITY_INFO64, 1, 0, 0).x0 == 1)
				break;
		check("hotplug: CPU 1 off again", i < 100000000, 1);
	}
}

/* --------------------------------------------------- message queues */

static bool rx_irq_pending(void)
{
	volatile u32 *gicd = (volatile u32 *)GICD_BASE;
	u32 intid = rx_spi + 32;

	return gicd[GICD_ISPENDR(intid / 32) / 4] & BIT(intid % 32);
}

static void rx_irq_clear(void)
{
	volatile u32 *gicd = (volatile u32 *)GICD_BASE;
	u32 intid = rx_spi + 32;

	gicd[GICD_ICPENDR(intid / 32) / 4] = BIT(intid % 32);
}

static void put_get_vmid(u8 *p)
{
	u32 id = RM_VM_GET_VMID;

	rpc_seq++;
	p[0] = 0x21;
	p[1] = 1;			/* request, no fragments */
	p[2] = (u8)rpc_seq;
	p[3] = (u8)(rpc_seq >> 8);
	memcpy(&p[4], &id, 4);
}

/* The reply to the last put_get_vmid(): header, error 0, VMID 3. */
static bool is_vmid_reply(const u8 *p, u64 size)
{
	u32 id, err, vmid;

	memcpy(&id, &p[4], 4);
	memcpy(&err, &p[8], 4);
	memcpy(&vmid, &p[12], 4);
	return size == 16 && p[0] == 0x21 && (p[1] & 3) == 2 &&
	       (p[2] | (p[3] << 8)) == rpc_seq && id == RM_VM_GET_VMID &&
	       err == 0 && vmid == RM_VMID_HOST;
}

static struct res send(u64 cap, u64 size, u64 va, u64 flags, u64 res)
{
	return hvc(HCALL(GH_HCALL_MSGQ_SEND), cap, size, va, flags, res);
}

static struct res recv(u64 cap, u64 va, u64 size, u64 res)
{
	return hvc(HCALL(GH_HCALL_MSGQ_RECV), cap, va, size, res, 0);
}

static void test_msgq_errors(void)
{
	u64 b = (u64)buf;

	check("send: unknown capid", send(5, 8, b, 0, 0).x0,
	      GH_ERROR_CSPACE_CAP_NULL);
	check("send: RX capid", send(1, 8, b, 0, 0).x0,
	      GH_ERROR_CSPACE_INSUF_RIGHTS);
	check("send: 241 bytes", send(0, 241, b, 0, 0).x0, GH_ERROR_ARG_SIZE);
	check("send: reserved arg", send(0, 8, b, 0, 1).x0, GH_ERROR_ARG_INVAL);
	check("send: unknown flag", send(0, 8, b, 2, 0).x0, GH_ERROR_ARG_INVAL);
	check("send: buffer in the stub", send(0, 8, STUB_LOAD_ADDR, 0, 0).x0,
	      GH_ERROR_ADDR_INVAL);
	check("send: buffer ending in host RAM, starting in the stub",
	      send(0, 32, LINUX_LOAD_ADDR - 16, 0, 0).x0, GH_ERROR_ADDR_INVAL);
	check("send: buffer past the end of RAM",
	      send(0, 16, ram_end - 8, 0, 0).x0, GH_ERROR_ADDR_INVAL);
	check("send: buffer on a device", send(0, 8, UART_BASE, 0, 0).x0,
	      GH_ERROR_ADDR_INVAL);
	check("send: buffer beyond the IPA space", send(0, 8, 1UL << 45, 0, 0).x0,
	      GH_ERROR_ADDR_INVAL);
	check("send: wrapping buffer", send(0, 16, ~0UL - 7, 0, 0).x0,
	      GH_ERROR_ADDR_INVAL);
	check("recv: TX capid", recv(0, b, 240, 0).x0,
	      GH_ERROR_CSPACE_INSUF_RIGHTS);
	check("recv: unknown capid", recv(99, b, 240, 0).x0,
	      GH_ERROR_CSPACE_CAP_NULL);
	check("recv: reserved arg", recv(1, b, 240, 1).x0, GH_ERROR_ARG_INVAL);
	check("recv: empty queue", recv(1, b, 240, 0).x0, GH_ERROR_MSGQUEUE_EMPTY);
	check("flush: TX capid", hvc(HCALL(GH_HCALL_MSGQ_FLUSH), 0, 0, 0, 0, 0).x0,
	      GH_ERROR_CSPACE_INSUF_RIGHTS);
	check("flush: RX", hvc(HCALL(GH_HCALL_MSGQ_FLUSH), 1, 0, 0, 0, 0).x0,
	      GH_ERROR_OK);
}

static void test_rm_roundtrip(void)
{
	struct res r;

	rx_irq_clear();
	put_get_vmid(buf);
	r = send(0, 8, (u64)buf, GH_MSGQ_SEND_FLAG_PUSH, 0);
	check("RM: send VM_GET_VMID", r.x0, GH_ERROR_OK);
	check("RM: TX not full", r.x1, 1);
	check("RM: RX interrupt pending", rx_irq_pending(), 1);
	check("recv: buffer in the stub keeps the message",
	      recv(1, STUB_LOAD_ADDR, 240, 0).x0, GH_ERROR_ADDR_INVAL);
	check("recv: too small a buffer", recv(1, (u64)buf, 8, 0).x0,
	      GH_ERROR_ARG_SIZE);
	memset(buf, 0, sizeof(buf));
	r = recv(1, (u64)buf, 4096, 0);
	check("RM: recv reply", r.x0, GH_ERROR_OK);
	check("RM: reply is VMID 3", is_vmid_reply(buf, r.x1), 1);
	check("RM: RX empty again", r.x2, 0);
}

/* -------------------------------------------- EL1 MMU: scattered pages */

#define VA_WIN		0xc0000000UL	/* page A, page B, page C (RO), hole */
#define PTE_BLOCK	0x1UL
#define PTE_TABLE	0x3UL
#define PTE_PAGE	0x3UL
#define PTE_NORMAL	((1UL << 2) | (3UL << 8) | (1UL << 10))
#define PTE_DEVICE	((0UL << 2) | (1UL << 10) | (3UL << 53))
#define PTE_RO		(2UL << 6)

static void el1_mmu_on(void)
{
	u64 tcr = 25 | (1UL << 8) | (1UL << 10) | (3UL << 12) | (1UL << 23) |
		  (2UL << 32);
	u64 sctlr;

	pt_l1[0] = 0x00000000UL | PTE_DEVICE | PTE_BLOCK;
	pt_l1[1] = 0x40000000UL | PTE_NORMAL | PTE_BLOCK;
	pt_l1[2] = 0x80000000UL | PTE_NORMAL | PTE_BLOCK;
	pt_l1[3] = (u64)pt_l2 | PTE_TABLE;
	pt_l2[0] = (u64)pt_l3 | PTE_TABLE;
	pt_l3[0] = (u64)pages[0] | PTE_NORMAL | PTE_PAGE;
	pt_l3[1] = (u64)pages[2] | PTE_NORMAL | PTE_PAGE;
	pt_l3[2] = (u64)pages[4] | PTE_NORMAL | PTE_RO | PTE_PAGE;

	asm volatile("msr mair_el1, %0" : : "r"(0xff04UL));
	asm volatile("msr tcr_el1, %0" : : "r"(tcr));
	asm volatile("msr ttbr0_el1, %0" : : "r"((u64)pt_l1));
	asm volatile("isb; tlbi vmalle1; dsb nsh; isb" : : : "memory");
	asm volatile("mrs %0, sctlr_el1" : "=r"(sctlr));
	sctlr |= BIT(0) | BIT(2) | BIT(12);
	asm volatile("msr sctlr_el1, %0; isb" : : "r"(sctlr) : "memory");
}

static void test_scattered_buffers(void)
{
	u8 *a = (u8 *)VA_WIN, *c = (u8 *)(VA_WIN + 0x2000);
	u64 va = VA_WIN + 0x1000 - 4;	/* header split over pages A and B */
	struct res r;

	el1_mmu_on();
	put_get_vmid((u8 *)va);
	check("MMU: send straddling scattered pages",
	      send(0, 8, va, GH_MSGQ_SEND_FLAG_PUSH, 0).x0, GH_ERROR_OK);
	check("MMU: recv into a read-only page",
	      recv(1, (u64)c, 240, 0).x0, GH_ERROR_ADDR_INVAL);
	check("MMU: recv into an unmapped page",
	      recv(1, VA_WIN + 0x3000, 240, 0).x0, GH_ERROR_ADDR_INVAL);
	va = VA_WIN + 0x1000 - 10;
	memset(a + 0x1000 - 16, 0, 16);
	r = recv(1, va, 240, 0);
	check("MMU: recv straddling scattered pages", r.x0, GH_ERROR_OK);
	check("MMU: reply split correctly", is_vmid_reply((u8 *)va, r.x1), 1);
	/* Reply bytes 10-15 went to page B, none to the page after A. */
	check("MMU: page B is not contiguous with page A",
	      pages[1][0] == 0 && pages[1][2] == 0 &&
	      pages[2][2] == RM_VMID_HOST, 1);
	/* Reading from a read-only mapping is fine. */
	put_get_vmid(&pages[4][64]);
	check("MMU: send from a read-only page",
	      send(0, 8, (u64)c + 64, 0, 0).x0, GH_ERROR_OK);
	r = recv(1, (u64)buf, 240, 0);
	check("MMU: and its reply", r.x0 == GH_ERROR_OK &&
	      is_vmid_reply(buf, r.x1), 1);
	check("MMU: send from an unmapped page",
	      send(0, 8, VA_WIN + 0x3000, 0, 0).x0, GH_ERROR_ADDR_INVAL);
}

/* ------------------------------------------- injected external aborts */

static void test_aborts(const char *when)
{
	char name[64];
	u64 n = exc_count, v;

	v = *(volatile u64 *)(uintptr_t)STUB_LOAD_ADDR;
	(void)v;
	fmt_snprintf(name, sizeof(name), "%s: load from the stub aborts", when);
	check(name, exc_count == n + 1 && (exc_esr >> 26) == 0x25 &&
	      (exc_esr & 0x3f) == 0x10 && exc_far == STUB_LOAD_ADDR, 1);
	*(volatile u64 *)(uintptr_t)(STUB_BASE + 0xff0000) = 1;
	fmt_snprintf(name, sizeof(name), "%s: store to the stub aborts", when);
	check(name, exc_count == n + 2 && (exc_esr >> 26) == 0x25 &&
	      exc_far == STUB_BASE + 0xff0000, 1);
	v = *(volatile u64 *)(uintptr_t)ram_end;
	fmt_snprintf(name, sizeof(name), "%s: load beyond RAM aborts", when);
	check(name, exc_count == n + 3 && (exc_esr >> 26) == 0x25 &&
	      exc_far == ram_end, 1);
	((void (*)(void))(uintptr_t)STUB_LOAD_ADDR)();
	fmt_snprintf(name, sizeof(name), "%s: executing the stub aborts", when);
	check(name, exc_count == n + 4 && (exc_esr >> 26) == 0x21 &&
	      (exc_esr & 0x3f) == 0x10, 1);
}

/* ------------------------------------ guest VM (arch/vm_selftest.c) */

#define VMST_CAP0	2
#define VMST_CAP1	3
#define VMST_LENT_PA	0x7f000000UL
#define VMST_SHARED_PA	0x7f100000UL

struct run {
	u64 err, state, d0, d1, d2;
};

static struct run vcpu_run(u64 cap, u64 resume0, u64 x5)
{
	register u64 x0 asm("x0") = HCALL(GH_HCALL_VCPU_RUN);
	register u64 x1 asm("x1") = cap;
	register u64 x2 asm("x2") = resume0;
	register u64 x3 asm("x3") = 0;
	register u64 x4 asm("x4") = 0;
	register u64 x5r asm("x5") = x5;

	asm volatile("hvc #0" : "+r"(x0), "+r"(x1), "+r"(x2), "+r"(x3),
		     "+r"(x4), "+r"(x5r) : : "memory");
	return (struct run){ x0, x1, x2, x3, x4 };
}

static bool run_is(struct run r, u64 state, u64 d0, u64 d1, u64 d2)
{
	if (r.err || r.state != state || r.d0 != d0 || r.d1 != d1 ||
	    r.d2 != d2) {
		out("# vcpu_run: err %ld state %#lx data %#lx %#lx %#lx\n",
		    (long)r.err, r.state, r.d0, r.d1, r.d2);
		return false;
	}
	return true;
}

static u64 freq(void)
{
	u64 f;

	asm volatile("mrs %0, cntfrq_el0" : "=r"(f));
	return f;
}

static bool intid_pending(u32 intid)
{
	volatile u32 *gicd = (volatile u32 *)GICD_BASE;

	return gicd[GICD_ISPENDR(intid / 32) / 4] & BIT(intid % 32);
}

/*
 * The GIC as Linux leaves it (distributor and this CPU's redistributor on,
 * group 1, PMR open), IRQs still masked at EL1: physical interrupts then
 * exit a running guest and wake WFI, as with a real host.
 */
static void gic_host_init(void)
{
	volatile u32 *gicd = (volatile u32 *)GICD_BASE;
	volatile u8 *rd = (volatile u8 *)GICR_BASE;

	gicd[0] = 0x13;		/* ARE, EnableGrp1, EnableGrp0 (DS = 1) */
	while (gicd[0] & BIT(31))
		;
	*(volatile u32 *)(rd + GICR_WAKER) = 0;
	while (*(volatile u32 *)(rd + GICR_WAKER) & BIT(2))
		;
	*(volatile u32 *)(rd + GICR_SGI_IGROUPR0) = ~0U;
	asm volatile("msr s3_0_c12_c12_5, %0\n isb" : : "r"(7UL));
	asm volatile("msr s3_0_c4_c6_0, %0" : : "r"(0xffUL));
	asm volatile("msr s3_0_c12_c12_7, %0\n isb" : : "r"(1UL));
}

static u32 host_ppi_enables(void)
{
	return *(volatile u32 *)(GICR_BASE + GICR_SGI_ISENABLER0) &
	       (7U << 25);
}

static void test_vm(void)
{
	u64 n, v0 = 0, tpidr = 0, v, deadline, now;
	volatile u32 *gicd = (volatile u32 *)GICD_BASE;
	u32 ppis;
	struct run r, busy0, busy1;
	int i;

	asm volatile("msr cpacr_el1, %0\n isb" : : "r"(3UL << 20));
	gic_host_init();
	ppis = host_ppi_enables();
	n = exc_count;
	asm volatile("mov x9, #0x5555\n fmov d0, x9" : : : "x9");
	asm volatile("msr tpidr_el1, %0" : : "r"(0xfeedUL));
	check("vm: vCPU 1 powered off", run_is(vcpu_run(VMST_CAP1, 0, 0),
	      2, 0, 0, 0), 1);
	check("vm: MMIO write (str w0)", run_is(vcpu_run(VMST_CAP0, 0, 0),
	      5, 0x10000000, 4, 0x1234), 1);
	check("vm: MMIO read (ldrsb)", run_is(vcpu_run(VMST_CAP0, 0, 0),
	      4, 0x10000008, 1, 0), 1);
	check("vm: read value sign-extended into Rt", run_is(
	      vcpu_run(VMST_CAP0, 0x80, 0), 5, 0x10000010, 8,
	      0xffffffffffffff80UL), 1);
	check("vm: unbacked IPA above 1 GiB is MMIO", run_is(
	      vcpu_run(VMST_CAP0, 0, 0), 4, 0x90000000, 4, 0), 1);
	check("vm: guest write seen in shared memory",
	      *(volatile u64 *)VMST_SHARED_PA, 0xffffffffffffff80UL);
	v = *(volatile u64 *)VMST_LENT_PA;
	(void)v;
	check("vm: host load from lent memory aborts", exc_count == n + 1 &&
	      (exc_esr >> 26) == 0x25 && (exc_esr & 0x3f) == 0x10 &&
	      exc_far == VMST_LENT_PA, 1);
	*(volatile u64 *)(VMST_LENT_PA + 8) = 1;
	check("vm: host store to lent memory aborts", exc_count == n + 2 &&
	      exc_far == VMST_LENT_PA + 8, 1);
	check("vm: 32-bit load zero-extends", run_is(
	      vcpu_run(VMST_CAP0, 0x1abcdef01UL, 0), 5, 0x10000018, 8,
	      0xabcdef01), 1);
	check("vm: guest ICC_PMR_EL1 is virtual, ICC_SRE_EL1 reads 7",
	      run_is(vcpu_run(VMST_CAP0, 0, 0), 5, 0x10000100, 8, 0x7f0), 1);
	check("vm: PSCI_VERSION 1.1", run_is(vcpu_run(VMST_CAP0, 0, 0),
	      5, 0x10000020, 8, 0x10001), 1);
	check("vm: PSCI CPU_ON succeeds", run_is(vcpu_run(VMST_CAP0, 0, 0),
	      5, 0x10000028, 8, 0), 1);
	check("vm: CPU_ON raised vCPU 1's wakeup SPI", intid_pending(32 + 131),
	      1);
	check("vm: CPU_ON of a missing vCPU is INTERNAL_FAILURE", run_is(
	      vcpu_run(VMST_CAP0, 0, 0), 5, 0x10000030, 8, NEG(-6)), 1);
	check("vm: CPU_ON of an impossible MPIDR is INVALID_PARAMETERS",
	      run_is(vcpu_run(VMST_CAP0, 0, 0), 5, 0x10000038, 8, NEG(-2)), 1);
	check("vm: WFI expects wakeup", run_is(vcpu_run(VMST_CAP0, 0, 0),
	      1, 0, 1, 0), 1);
	check("vm: load pair without syndrome is FAULT", run_is(
	      vcpu_run(VMST_CAP1, 0, 0), 6, 0, 0, 0), 1);
	check("vm: and again", run_is(vcpu_run(VMST_CAP1, 0, 0), 6, 0, 0, 0),
	      1);
	check("vm: guest timer IRQ through the vGIC while running",
	      run_is(vcpu_run(VMST_CAP0, 0, 0), 5, 0x10000108, 8, 27), 1);
	r = vcpu_run(VMST_CAP0, 0, 0);
	deadline = r.d2;
	check("vm: guest arms its timer", r.state == 5 && r.d0 == 0x10000110,
	      1);
	check("vm: WFI with the timer armed expects wakeup",
	      run_is(vcpu_run(VMST_CAP0, 0, 0), 1, 0, 1, 0), 1);
	gicd[GICD_ICPENDR((32 + 130) / 32) / 4] = BIT((32 + 130) % 32);
	for (i = 0; i < 1000 && !intid_pending(32 + 130); i++)
		asm volatile("wfi");	/* trapped: the stub waits */
	asm volatile("isb\n mrs %0, cntvct_el0" : "=r"(now));
	check("vm: wakeup SPI raised at the deadline from the host's WFI",
	      intid_pending(32 + 130) && now >= deadline, 1);
	check("vm: woken vCPU takes its timer IRQ",
	      run_is(vcpu_run(VMST_CAP0, 0, 0), 5, 0x10000108, 8, 27), 1);
	check("vm: host's PPI 25-27 enables restored", host_ppi_enables(),
	      ppis);
	/*
	 * Back to back, nothing printed meanwhile: the RM finishes the halt
	 * 2 ms later, at a stub entry; an idle host gets it from its WFI.
	 */
	asm volatile("isb\n mrs %0, cntvct_el0" : "=r"(now));
	r = vcpu_run(VMST_CAP0, 0, 0);
	busy0 = vcpu_run(VMST_CAP0, 0, 0);
	busy1 = vcpu_run(VMST_CAP1, 0, 0);
	for (i = 0; i < 1000 && vcpu_run(VMST_CAP0, 0, 0).err == GH_ERROR_BUSY;
	     i++)
		asm volatile("wfi");	/* trapped: the stub's timer ends it */
	asm volatile("isb\n mrs %0, cntvct_el0" : "=r"(deadline));
	check("vm: SYSTEM_OFF: caller powered off, VM not exited yet",
	      run_is(r, 2, 0, 0, 0), 1);
	check("vm: BUSY while the RM halts the VM", busy0.err, GH_ERROR_BUSY);
	check("vm: BUSY on the other vCPU too", busy1.err, GH_ERROR_BUSY);
	check("vm: halt finished 1-100 ms later, waiting in WFI",
	      i >= 1 && i < 1000 && deadline - now >= freq() / 1000 &&
	      deadline - now < freq() / 10, 1);
	r = vcpu_run(VMST_CAP0, 0, 0);
	check("vm: then powered off, VM exited", run_is(r, 2, 1, 0, 0), 1);
	check("vm: other vCPU off too", run_is(vcpu_run(VMST_CAP1, 0, 0),
	      2, 1, 0, 0), 1);
	check("vm: vcpu_run unknown capid", vcpu_run(99, 0, 0).err,
	      GH_ERROR_CSPACE_CAP_NULL);
	check("vm: vcpu_run on a msgq capid", vcpu_run(0, 0, 0).err,
	      GH_ERROR_CSPACE_WRONG_OBJ_TYPE);
	check("vm: vcpu_run x5 != 0", vcpu_run(VMST_CAP0, 0, 1).err,
	      GH_ERROR_ARG_INVAL);
	asm volatile("fmov %0, d0" : "=r"(v0));
	asm volatile("mrs %0, tpidr_el1" : "=r"(tpidr));
	check("vm: host V0 preserved", v0, 0x5555);
	check("vm: host TPIDR_EL1 preserved", tpidr, 0xfeed);
	check("vm: no unexpected host exceptions", exc_count, n + 2);
}

void selftest_main(const void *fdt)
{
	out("TAP version 13\n");
	test_dt(fdt);
	test_smccc();
	test_psci();
	test_hotplug();
	test_msgq_errors();
	test_rm_roundtrip();
	test_aborts("MMU off");
	test_vm();
	test_scattered_buffers();
	test_aborts("MMU on");
	out("1..%d\n", nr_tests);
	out("el1-selftest: %d passed, %d failed\n", nr_tests - nr_failed,
	    nr_failed);
	smc(PSCI_SYSTEM_OFF, 0, 0, 0);
}
