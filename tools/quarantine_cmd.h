/*
 * quarantine_cmd.h - what the files of `scamctl quarantine` share.
 *
 * Rows passed in are borrowed for the call (see quarantine.h). Output goes
 * to stdout, errors to stderr. Single-threaded, like scamctl.
 */
#ifndef SC_QUARANTINE_CMD_H
#define SC_QUARANTINE_CMD_H

#include <stddef.h>

#include "buf.h"
#include "quarantine.h"

/* qprint_when - t as "2026-11-28T08:00:00Z" into out (size bytes); returns out. */
const char *qprint_when(long long t, char *out, size_t size);
/* qprint_json - sc_qentry_fn: one JSON object line (scamctl(1) lists its keys). */
int qprint_json(void *arg, const sc_qentry *e);
/* qprint_line - sc_qentry_fn: one text line, control characters as '?'. */
int qprint_line(void *arg, const sc_qentry *e);
/* qprint_full - sc_qentry_fn: every field, one per line. */
int qprint_full(void *arg, const sc_qentry *e);

/* quarantine_who - the invoking user ("root (sudo alice)" under sudo);
 * a static string. */
const char *quarantine_who(void);
/* quarantine_release - re-inject id to its quarantined recipients, or to
 * the nto addresses of to, with sendmail, or over SMTP to release_smtp
 * ("HOST:PORT") when not NULL; then mark it released. A scamctl exit
 * status. */
int quarantine_release(sc_quarantine *q, const char *id, char **to, size_t nto,
		       const char *release_smtp);

/* quarantine_smtp_send - hand head + msg to the SMTP server at hostport
 * (EHLO, MAIL, RCPT per recipient, DATA, QUIT). 0, or -1 with a reason in
 * err (esize bytes). Addresses with blanks, controls, '<' or '>' are
 * refused before connecting. */
int quarantine_smtp_send(const char *hostport, const char *sender, char *const *rcpts,
			 size_t nrcpts, const char *head, const sc_buf *msg, char *err,
			 size_t esize);

#endif
