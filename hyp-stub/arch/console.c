// SPDX-License-Identifier: GPL-2.0-only
/*
 * Console output on the PL011, which the host also uses: the stub prints a
 * few lines at boot and otherwise only on fatal errors. Works with the MMU on
 * (identity-mapped Device) and off. No lock: whole lines are formatted first
 * and only interleave at character level if two CPUs fail at once.
 */
#include <stdarg.h>
#include "arm64.h"
#include "format.h"
#include "hyp.h"

#define UART_DR		0x00
#define UART_FR		0x18
#define UART_FR_TXFF	BIT(5)

static void uart_putc(char c)
{
	volatile u32 *uart = (volatile u32 *)UART_BASE;

	while (uart[UART_FR / 4] & UART_FR_TXFF)
		;
	uart[UART_DR / 4] = (u8)c;
}

static void put_line(const char *tag, const char *fmt, va_list ap)
{
	char buf[192];
	const char *p;

	fmt_vsnprintf(buf, sizeof(buf), fmt, ap);
	for (p = "hyp-stub: "; *p; p++)
		uart_putc(*p);
	for (p = tag; *p; p++)
		uart_putc(*p);
	for (p = buf; *p; p++)
		uart_putc(*p);
	uart_putc('\r');
	uart_putc('\n');
}

void pr(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	put_line("", fmt, ap);
	va_end(ap);
}

void panic(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	put_line("PANIC: ", fmt, ap);
	va_end(ap);
	hang();
}

/* From head.S, before anything is set up (maybe not even at EL2). */
void __noreturn boot_fail(int why)
{
	if (why == 0)
		panic("not entered at EL2: run QEMU with -M virt,virtualization=on");
	panic("not loaded at %#x: use QEMU -kernel with the stub image",
	      STUB_LOAD_ADDR);
}

/* From vectors.S: an exception the stub never expects. */
void __noreturn el2_fault(u64 vector, u64 esr, u64 elr, u64 far, u64 spsr)
{
	panic("unexpected EL2 exception, vector %lu: ESR %#lx ELR %#lx FAR %#lx SPSR %#lx",
	      vector, esr, elr, far, spsr);
}
