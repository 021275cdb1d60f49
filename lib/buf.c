/*
 * buf.c - binary-safe bounded buffer (see buf.h for the contract).
 */
#include "autoconfig.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "mem.h"

/* sc_buf_init - start empty with a content limit */
void sc_buf_init(sc_buf *b, size_t max)
{
	b->data = NULL;
	b->len = 0;
	b->cap = 0;
	b->max = max > SC_BUF_UNLIMITED ? SC_BUF_UNLIMITED : max;
}

/* sc_buf_free - release storage and leave an empty buffer */
void sc_buf_free(sc_buf *b)
{
	free(b->data);
	b->data = NULL;
	b->len = 0;
	b->cap = 0;
}

/* sc_buf_reset - drop the content, keep the storage */
void sc_buf_reset(sc_buf *b)
{
	b->len = 0;
	if (b->data != NULL)
		b->data[0] = '\0';
}

/* sc_buf_cstr - content as a C string, never NULL */
const char *sc_buf_cstr(const sc_buf *b)
{
	return b->data != NULL ? b->data : "";
}

/* sc_buf_reserve - make room for need more bytes plus the NUL (caller checked max) */
static void sc_buf_reserve(sc_buf *b, size_t need)
{
	size_t want = b->len + need + 1; /* cannot overflow: len + need <= max <= 2^40 */
	size_t cap;

	if (want <= b->cap)
		return;
	cap = b->cap ? b->cap : 64;
	while (cap < want)
		cap *= 2;
	b->data = sc_realloc(b->data, cap);
	b->cap = cap;
}

/* sc_buf_append - append all n bytes or nothing */
int sc_buf_append(sc_buf *b, const void *p, size_t n)
{
	if (n > b->max - b->len)
		return -1;
	sc_buf_reserve(b, n);
	if (n > 0)
		memcpy(b->data + b->len, p, n);
	b->len += n;
	b->data[b->len] = '\0';
	return 0;
}

/* sc_buf_append_upto - append what fits under max, report how much */
size_t sc_buf_append_upto(sc_buf *b, const void *p, size_t n)
{
	size_t room = b->max - b->len;
	size_t take = n < room ? n : room;

	(void) sc_buf_append(b, p, take);
	return take;
}

/* sc_buf_puts - append a C string */
int sc_buf_puts(sc_buf *b, const char *s)
{
	return sc_buf_append(b, s, strlen(s));
}

/* sc_buf_putc - append one byte */
int sc_buf_putc(sc_buf *b, int c)
{
	char ch = (char) c;

	return sc_buf_append(b, &ch, 1);
}

/* sc_buf_vprintf - append formatted text, all or nothing */
int sc_buf_vprintf(sc_buf *b, const char *fmt, va_list ap)
{
	va_list ap2;
	int n;

	va_copy(ap2, ap);
	n = vsnprintf(NULL, 0, fmt, ap2);
	va_end(ap2);
	if (n < 0 || (size_t) n > b->max - b->len)
		return -1;
	sc_buf_reserve(b, (size_t) n);
	if (vsnprintf(b->data + b->len, (size_t) n + 1, fmt, ap) != n)
		sc_panic("vsnprintf changed its mind");
	b->len += (size_t) n;
	return 0;
}

/* sc_buf_printf - append formatted text, all or nothing */
int sc_buf_printf(sc_buf *b, const char *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = sc_buf_vprintf(b, fmt, ap);
	va_end(ap);
	return r;
}

/* sc_buf_steal - give the content away as a malloc'd C string */
char *sc_buf_steal(sc_buf *b)
{
	char *s = b->data != NULL ? b->data : sc_strdup("");

	b->data = NULL;
	b->len = 0;
	b->cap = 0;
	return s;
}
