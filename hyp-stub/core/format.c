// SPDX-License-Identifier: GPL-2.0-only
/* Small vsnprintf for console output: see format.h. */
#include "format.h"

struct out {
	char *buf;
	size_t size;
	size_t len;
};

static void put(struct out *o, char c)
{
	if (o->len + 1 < o->size)
		o->buf[o->len] = c;
	o->len++;
}

static void put_field(struct out *o, const char *s, size_t n, unsigned int width,
		      bool left, char pad)
{
	size_t i;

	for (i = n; !left && i < width; i++)
		put(o, pad);
	for (i = 0; i < n; i++)
		put(o, s[i]);
	for (i = n; left && i < width; i++)
		put(o, ' ');
}

/* @prefix ("-", "0x" or "") goes before zero padding, after space padding. */
static void put_number(struct out *o, u64 v, unsigned int base,
		       const char *prefix, unsigned int width, bool left,
		       char pad)
{
	char tmp[24];
	size_t n = 0, plen = __builtin_strlen(prefix);

	do {
		tmp[sizeof(tmp) - 1 - n++] = "0123456789abcdef"[v % base];
		v /= base;
	} while (v);
	if (pad == '0') {
		put_field(o, prefix, plen, 0, false, ' ');
		width = width > plen ? width - plen : 0;
	} else {
		while (plen)
			tmp[sizeof(tmp) - 1 - n++] = prefix[--plen];
	}
	put_field(o, &tmp[sizeof(tmp) - n], n, width, left, pad);
}

int fmt_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	struct out o = { .buf = buf, .size = size };

	for (; *fmt; fmt++) {
		unsigned int width = 0, lng = 0;
		bool left = false, alt = false;
		char pad = ' ';
		const char *s;
		u64 v;
		s64 sv;

		if (*fmt != '%') {
			put(&o, *fmt);
			continue;
		}
		fmt++;
		for (;; fmt++) {
			if (*fmt == '-')
				left = true;
			else if (*fmt == '#')
				alt = true;
			else if (*fmt == '0')
				pad = '0';
			else
				break;
		}
		if (left)
			pad = ' ';
		while (*fmt >= '0' && *fmt <= '9')
			width = width * 10 + (*fmt++ - '0');
		for (; *fmt == 'l' || *fmt == 'z'; fmt++)
			lng++;

		switch (*fmt) {
		case 'c':
			put(&o, (char)va_arg(ap, int));
			break;
		case 's':
			s = va_arg(ap, const char *);
			if (!s)
				s = "(null)";
			put_field(&o, s, __builtin_strlen(s), width, left, ' ');
			break;
		case 'd':
		case 'i':
			sv = lng ? va_arg(ap, s64) : va_arg(ap, int);
			put_number(&o, sv < 0 ? -(u64)sv : (u64)sv, 10,
				   sv < 0 ? "-" : "", width, left, pad);
			break;
		case 'u':
		case 'x':
			v = lng ? va_arg(ap, u64) : va_arg(ap, unsigned int);
			put_number(&o, v, *fmt == 'u' ? 10 : 16,
				   alt && v && *fmt == 'x' ? "0x" : "", width,
				   left, pad);
			break;
		case 'p':
			put_number(&o, (uintptr_t)va_arg(ap, void *), 16, "0x",
				   width, left, pad);
			break;
		case '%':
			put(&o, '%');
			break;
		default:
			/* Unknown conversion (or end of string): print it raw. */
			put(&o, '%');
			if (!*fmt)
				goto out;
			put(&o, *fmt);
		}
	}
out:
	if (size)
		buf[MIN(o.len, size - 1)] = '\0';
	return (int)o.len;
}

int fmt_snprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = fmt_vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}
