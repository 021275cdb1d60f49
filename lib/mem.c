/*
 * mem.c - allocation wrappers that never return NULL, and sc_panic().
 */
#include "autoconfig.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "mem.h"

/* sc_panic_at - report a broken invariant with its location, then abort */
void sc_panic_at(const char *file, int line, const char *fmt, ...)
{
	char text[512];
	va_list ap;

	va_start(ap, fmt);
	(void) vsnprintf(text, sizeof(text), fmt, ap); /* truncation is fine here */
	va_end(ap);
	sc_log(SC_LOG_ERR, "panic: %s:%d: %s", file, line, text);
	abort();
}

/* sc_malloc - malloc() that panics on failure; a zero size still allocates */
void *sc_malloc(size_t size)
{
	void *p = malloc(size ? size : 1);

	if (p == NULL)
		sc_panic("out of memory allocating %zu bytes", size);
	return p;
}

/* sc_calloc - calloc() that panics on failure or overflow */
void *sc_calloc(size_t count, size_t size)
{
	void *p = calloc(count ? count : 1, size ? size : 1);

	if (p == NULL)
		sc_panic("out of memory allocating %zu x %zu bytes", count, size);
	return p;
}

/* sc_realloc - realloc() that panics on failure */
void *sc_realloc(void *ptr, size_t size)
{
	void *p = realloc(ptr, size ? size : 1);

	if (p == NULL)
		sc_panic("out of memory reallocating to %zu bytes", size);
	return p;
}

/* sc_reallocarray - resize to count * size bytes, checking the product */
void *sc_reallocarray(void *ptr, size_t count, size_t size)
{
	if (size != 0 && count > SIZE_MAX / size)
		sc_panic("allocation overflow: %zu x %zu bytes", count, size);
	return sc_realloc(ptr, count * size);
}

/* sc_strdup - copy a NUL-terminated string */
char *sc_strdup(const char *s)
{
	return sc_strndup(s, strlen(s));
}

/* sc_strndup - copy at most n bytes of s and terminate the copy */
char *sc_strndup(const char *s, size_t n)
{
	size_t len = strnlen(s, n);
	char *p;

	if (len == SIZE_MAX)
		sc_panic("string too long");
	p = sc_malloc(len + 1);
	memcpy(p, s, len);
	p[len] = '\0';
	return p;
}
