/*
 * mem.h - allocation wrappers and the panic path.
 *
 * Allocation failure is not a recoverable runtime error for a mail filter
 * that holds one message at a time under named size limits: every sc_*
 * allocator aborts the process through sc_panic() instead of returning NULL,
 * so callers never check. A panic is also how a broken internal invariant
 * ends (STYLE.md, "three kinds of error"): it logs file and line, then
 * aborts. All functions here are thread-safe.
 */
#ifndef SC_MEM_H
#define SC_MEM_H

#include <stddef.h>

/* Each returns memory owned by the caller (free with free()); never NULL. */
void *sc_malloc(size_t size);
void *sc_calloc(size_t count, size_t size);
void *sc_realloc(void *ptr, size_t size);
/* sc_reallocarray - sc_realloc of count * size bytes, panics on overflow. */
void *sc_reallocarray(void *ptr, size_t count, size_t size);
char *sc_strdup(const char *s);
char *sc_strndup(const char *s, size_t n);

/* sc_panic_at - log "panic: file:line: message" and abort(). */
_Noreturn void sc_panic_at(const char *file, int line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
#define sc_panic(...) sc_panic_at(__FILE__, __LINE__, __VA_ARGS__)

#endif
