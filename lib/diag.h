/*
 * diag.h - diagnostics collected while loading config and rule files.
 *
 * Loaders do not print: they append "file:line: message" entries here, and
 * the caller decides where they go (scamctl lint prints them, the daemon
 * logs them). An error means the named line could not be used; a warning
 * means it was skipped on purpose (an unsupported construct) or looks wrong.
 * Not thread-safe: one loader at a time owns an sc_diags.
 */
#ifndef SC_DIAG_H
#define SC_DIAG_H

#include <stddef.h>
#include <stdio.h>

typedef enum sc_diag_level { SC_DIAG_WARNING, SC_DIAG_ERROR } sc_diag_level;

typedef struct sc_diag {
	sc_diag_level level;
	char *file;    /* owned; the file named as the loader was given it */
	unsigned line; /* 1-based; 0 when the problem is the file as a whole */
	char *message; /* owned */
} sc_diag;

typedef struct sc_diags {
	sc_diag *v; /* owned array of n entries */
	size_t n;
	size_t cap;
	size_t errors; /* how many entries are SC_DIAG_ERROR */
} sc_diags;

/* sc_diags_init - an empty list. */
void sc_diags_init(sc_diags *d);
/* sc_diags_free - release every entry; the list is empty afterwards. */
void sc_diags_free(sc_diags *d);
/* sc_diags_add - append one entry; file may be NULL (then "-"). */
void sc_diags_add(sc_diags *d, sc_diag_level level, const char *file, unsigned line,
		  const char *fmt, ...) __attribute__((format(printf, 5, 6)));
/* sc_diags_format - "file:line: error: message" into out (size bytes, truncated safely). */
void sc_diags_format(const sc_diag *e, char *out, size_t size);
/* sc_diags_print - one formatted line per entry to fp. */
void sc_diags_print(const sc_diags *d, FILE *fp);

#endif
