/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Freestanding helpers of the guest payloads: single-register MMIO accesses
 * (so that the abort syndrome is valid), PSCI over HVC, PL011 output.
 */
#ifndef GUNYAH_GUEST_LIB_H
#define GUNYAH_GUEST_LIB_H

#include "guest.h"

typedef unsigned char u8;
typedef unsigned short u16;
typedef unsigned int u32;
typedef unsigned long u64;
typedef long s64;

#define TESTDEV(off)	(GUEST_TESTDEV_BASE + (off))

static inline void w8(u64 a, u8 v)  { asm volatile("strb %w0, [%1]" : : "r"(v), "r"(a) : "memory"); }
static inline void w16(u64 a, u16 v) { asm volatile("strh %w0, [%1]" : : "r"(v), "r"(a) : "memory"); }
static inline void w32(u64 a, u32 v) { asm volatile("str %w0, [%1]" : : "r"(v), "r"(a) : "memory"); }
static inline void w64(u64 a, u64 v) { asm volatile("str %x0, [%1]" : : "r"(v), "r"(a) : "memory"); }

#define DEFINE_LOAD(name, insn, reg)					\
static inline u64 name(u64 a)						\
{									\
	u64 v;								\
	asm volatile(insn " %" reg "0, [%1]" : "=r"(v) : "r"(a) : "memory"); \
	return v;							\
}
DEFINE_LOAD(r8, "ldrb", "w")
DEFINE_LOAD(r16, "ldrh", "w")
DEFINE_LOAD(r32, "ldr", "w")
DEFINE_LOAD(r64, "ldr", "x")
DEFINE_LOAD(r8sx, "ldrsb", "x")
DEFINE_LOAD(r16sx, "ldrsh", "x")
DEFINE_LOAD(r32sx, "ldrsw", "x")
DEFINE_LOAD(r8sw, "ldrsb", "w")
DEFINE_LOAD(r16sw, "ldrsh", "w")

static inline s64 hvc(u64 fn, u64 a1, u64 a2, u64 a3)
{
	register u64 x0 asm("x0") = fn;
	register u64 x1 asm("x1") = a1;
	register u64 x2 asm("x2") = a2;
	register u64 x3 asm("x3") = a3;

	asm volatile("hvc #0"
		     : "+r"(x0), "+r"(x1), "+r"(x2), "+r"(x3)
		     :
		     : "x4", "x5", "x6", "x7", "x8", "x9", "x10", "x11", "x12",
		       "x13", "x14", "x15", "x16", "x17", "memory");
	return (s64)x0;
}

static inline u64 read_mpidr(void)
{
	u64 v;

	asm volatile("mrs %0, mpidr_el1" : "=r"(v));
	return v;
}

static inline u64 read_cntvct(void)
{
	u64 v;

	asm volatile("isb; mrs %0, cntvct_el0" : "=r"(v) : : "memory");
	return v;
}

static inline u64 read_cntfrq(void)
{
	u64 v;

	asm volatile("mrs %0, cntfrq_el0" : "=r"(v));
	return v;
}

static inline void report(u64 v)
{
	w64(TESTDEV(TESTDEV_REPORT), v);
}

static inline void putc_uart(char c)
{
	while (r32(GUEST_UART_BASE + 0x18) & (1 << 5))	/* UARTFR.TXFF */
		;
	w32(GUEST_UART_BASE, (u8)c);
}

static inline void puts_uart(const char *s)
{
	while (*s) {
		if (*s == '\n')
			putc_uart('\r');
		putc_uart(*s++);
	}
}

static inline void puthex(u64 v)
{
	int i;

	puts_uart("0x");
	for (i = 60; i >= 0; i -= 4)
		putc_uart("0123456789abcdef"[(v >> i) & 0xf]);
}

void psci_system_off(void) __attribute__((noreturn));
void psci_cpu_off(void) __attribute__((noreturn));
u64 start_secondaries(volatile u64 *alive);
extern char secondary_entry[];

#endif /* GUNYAH_GUEST_LIB_H */
