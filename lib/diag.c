/*
 * diag.c - the diagnostics list of config and rule loaders (see diag.h).
 */
#include "autoconfig.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "buf.h"
#include "diag.h"
#include "mem.h"

/* sc_diags_init - start an empty list */
void sc_diags_init(sc_diags *d)
{
	d->v = NULL;
	d->n = 0;
	d->cap = 0;
	d->errors = 0;
}

/* sc_diags_free - release all entries */
void sc_diags_free(sc_diags *d)
{
	for (size_t i = 0; i < d->n; i++) {
		free(d->v[i].file);
		free(d->v[i].message);
	}
	free(d->v);
	sc_diags_init(d);
}

/* sc_diags_add - append one formatted entry */
void sc_diags_add(sc_diags *d, sc_diag_level level, const char *file, unsigned line,
		  const char *fmt, ...)
{
	sc_buf msg;
	va_list ap;

	if (d->n == d->cap) {
		d->cap = d->cap ? d->cap * 2 : 8;
		d->v = sc_reallocarray(d->v, d->cap, sizeof(*d->v));
	}
	sc_buf_init(&msg, 4096);
	va_start(ap, fmt);
	if (sc_buf_vprintf(&msg, fmt, ap) < 0)
		(void) sc_buf_puts(&msg, "(message too long)");
	va_end(ap);
	d->v[d->n].level = level;
	d->v[d->n].file = sc_strdup(file != NULL ? file : "-");
	d->v[d->n].line = line;
	d->v[d->n].message = sc_buf_steal(&msg);
	d->n++;
	if (level == SC_DIAG_ERROR)
		d->errors++;
}

/* sc_diags_format - render one entry as file:line: level: message */
void sc_diags_format(const sc_diag *e, char *out, size_t size)
{
	const char *lv = e->level == SC_DIAG_ERROR ? "error" : "warning";
	int n;

	if (e->line > 0)
		n = snprintf(out, size, "%s:%u: %s: %s", e->file, e->line, lv, e->message);
	else
		n = snprintf(out, size, "%s: %s: %s", e->file, lv, e->message);
	if (n < 0 && size > 0)
		out[0] = '\0';
	/* A longer entry is cut at size - 1 bytes, which snprintf guarantees. */
}

/* sc_diags_print - print each entry on its own line */
void sc_diags_print(const sc_diags *d, FILE *fp)
{
	char line[4608];

	for (size_t i = 0; i < d->n; i++) {
		sc_diags_format(&d->v[i], line, sizeof(line));
		(void) fprintf(fp, "%s\n", line);
	}
}
