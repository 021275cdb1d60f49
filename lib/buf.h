/*
 * buf.h - the one binary-safe growable buffer of the project.
 *
 * An sc_buf holds len bytes at data, always followed by a NUL (so text in it
 * is a C string), in cap bytes of storage. It never grows past max bytes of
 * content: an append that would cross max fails (or, for sc_buf_append_upto,
 * keeps what fits), so a buffer that collects untrusted input is bounded by
 * construction. Growth is overflow-checked; allocation failure panics.
 *
 * The struct is public so a buffer can live on the stack or inside another
 * struct; read data and len directly, change them only through these
 * functions. An sc_buf is not thread-safe: one owner at a time.
 */
#ifndef SC_BUF_H
#define SC_BUF_H

#include <stdarg.h>
#include <stddef.h>

typedef struct sc_buf {
	char *data; /* owned; NUL-terminated; NULL until first growth */
	size_t len; /* bytes of content, not counting the NUL */
	size_t cap; /* bytes allocated at data */
	size_t max; /* hard limit on len */
} sc_buf;

#define SC_BUF_UNLIMITED ((size_t) 1 << 40) /* 1 TiB: "no limit" in practice */

/* sc_buf_init - an empty buffer whose content may not exceed max bytes. */
void sc_buf_init(sc_buf *b, size_t max);
/* sc_buf_free - release the storage; the buffer is empty and reusable after. */
void sc_buf_free(sc_buf *b);
/* sc_buf_reset - empty the buffer, keeping its storage. */
void sc_buf_reset(sc_buf *b);
/* sc_buf_cstr - the content as a C string; "" for a buffer never written. */
const char *sc_buf_cstr(const sc_buf *b);

/* sc_buf_append - append n bytes; 0 on success, -1 (nothing appended) past max. */
int sc_buf_append(sc_buf *b, const void *p, size_t n);
/* sc_buf_append_upto - append as much of n bytes as max allows; returns bytes kept. */
size_t sc_buf_append_upto(sc_buf *b, const void *p, size_t n);
/* sc_buf_puts - append a C string; as sc_buf_append. */
int sc_buf_puts(sc_buf *b, const char *s);
/* sc_buf_putc - append one byte; as sc_buf_append. */
int sc_buf_putc(sc_buf *b, int c);
/* sc_buf_printf - append formatted text; -1 (nothing appended) past max. */
int sc_buf_printf(sc_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int sc_buf_vprintf(sc_buf *b, const char *fmt, va_list ap) __attribute__((format(printf, 2, 0)));

/* sc_buf_steal - hand the content to the caller (free() it); the buffer is emptied. */
char *sc_buf_steal(sc_buf *b);

#endif
