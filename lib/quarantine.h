/*
 * quarantine.h - the embedded quarantine: one file per message plus an
 * SQLite index.
 *
 * Layout of quarantine_dir (created, mode 0700, on first use):
 *   index.sqlite   the index, WAL mode, synchronous=FULL
 *   msg/ID         one message as received, mode 0600
 *   tmp/           files being written; renamed into msg/ once fsync'd
 * A message is stored as: write tmp/ID.PID, fsync, rename to msg/ID, fsync
 * msg/, then insert its index row in a transaction. Only when all of that
 * succeeded does sc_quarantine_store() return 0, so a caller may then drop
 * its own copy (the milter answers DISCARD). A crash between the rename and
 * the row leaves a file without a row; sc_quarantine_fsck() indexes it.
 *
 * IDs are 20 lower-case hex digits from getrandom(); every function taking
 * an id checks it with sc_quarantine_valid_id() first, so an id never names
 * a path outside msg/. Every SQL statement is a fixed string with bound
 * parameters: no message text ever becomes SQL.
 *
 * Threads: an sc_quarantine holds one SQLite connection, opened on first
 * use (so the milter opens it after dropping privileges) and guarded by a
 * mutex; any number of threads may call any function on one sc_quarantine.
 * Other processes (scamctl) open their own; SQLite's WAL and a busy
 * timeout let several writers and readers share the index.
 *
 * Errors: functions return -1 with a one-line reason in *err (may be NULL)
 * and log nothing; the caller logs once.
 */
#ifndef SC_QUARANTINE_H
#define SC_QUARANTINE_H

#include <stddef.h>
#include <time.h>

#include "buf.h"

#define SC_QID_LEN 20 /* hex digits in an id */

typedef struct sc_quarantine sc_quarantine;

typedef struct sc_qerr {
	char msg[256];
} sc_qerr;

/* One index row. For sc_quarantine_store() every string is borrowed for
 * the call and may be NULL; for the callbacks of get/list/fsck every string
 * is borrowed until the callback returns and NULL when unknown. */
typedef struct sc_qentry {
	char id[SC_QID_LEN + 1];
	long long time;       /* seconds since the epoch */
	const char *queue_id; /* the MTA's queue id */
	const char *client;   /* client address */
	const char *sender;   /* envelope sender, "" for <> */
	const char *rcpts;    /* the quarantined recipients, comma-separated */
	const char *from;     /* From header (found in the message if NULL) */
	const char *subject;  /* Subject header (found in the message if NULL) */
	double score;
	const char *hits;   /* rule names, comma-separated */
	const char *action; /* "quarantine" */
	const char *mode;   /* "store" (a file in msg/) or "hold" (the MTA holds it) */
	const char *state;  /* "quarantined", "released" or "deleted" */
	const char *actor;  /* who released or deleted it */
	long long acted_at; /* when; 0 if never */
} sc_qentry;

/* What sc_quarantine_list() selects; NULL / 0 / negative: no condition. */
typedef struct sc_qfilter {
	long long since;  /* time >= since */
	const char *rcpt; /* substring of the recipients, any case */
	const char *from; /* substring of the envelope sender or From, any case */
	double min_score; /* score >= min_score, when has_min_score */
	int has_min_score;
} sc_qfilter;

/* Called per row, with the index locked: it must not call into the same
 * sc_quarantine. Return 0 to go on, non-zero to stop. */
typedef int (*sc_qentry_fn)(void *arg, const sc_qentry *e);

/* sc_quarantine_new - a handle on dir (copied); no I/O yet. Never NULL. */
sc_quarantine *sc_quarantine_new(const char *dir);
/* sc_quarantine_free - close the index; NULL is a no-op. */
void sc_quarantine_free(sc_quarantine *q);

/* sc_quarantine_valid_id - 1 when id is exactly SC_QID_LEN lower-case hex digits. */
int sc_quarantine_valid_id(const char *id);

/* sc_quarantine_store - keep len bytes of raw (raw NULL: index only, for
 * hold mode) and index e; fills e->id and e->time. 0 once durable. */
int sc_quarantine_store(sc_quarantine *q, sc_qentry *e, const char *raw, size_t len, sc_qerr *err);

/* sc_quarantine_get - call fn with id's row. 1 found, 0 not, -1 error. */
int sc_quarantine_get(sc_quarantine *q, const char *id, sc_qentry_fn fn, void *arg, sc_qerr *err);
/* sc_quarantine_list - call fn for each row f selects, oldest first. */
int sc_quarantine_list(sc_quarantine *q, const sc_qfilter *f, sc_qentry_fn fn, void *arg,
		       sc_qerr *err);
/* sc_quarantine_read - the stored message into out. 0, or -1 (no file). */
int sc_quarantine_read(sc_quarantine *q, const char *id, sc_buf *out, sc_qerr *err);
/* sc_quarantine_mark - set state ("released" or "deleted") with actor and
 * the time now; "deleted" also removes the file. 1 done, 0 no such id. */
int sc_quarantine_mark(sc_quarantine *q, const char *id, const char *state, const char *actor,
		       sc_qerr *err);
/* sc_quarantine_purge - remove rows and files with time <= before; *n = rows removed. */
int sc_quarantine_purge(sc_quarantine *q, long long before, size_t *n, sc_qerr *err);
/* sc_quarantine_fsck - index files of msg/ that have no row (fn is called
 * for each, state "quarantined"), and call missing for each "quarantined"
 * store row whose file is gone. Counts go to *orphans and *missing. */
int sc_quarantine_fsck(sc_quarantine *q, sc_qentry_fn orphan, sc_qentry_fn missing, void *arg,
		       size_t *norphans, size_t *nmissing, sc_qerr *err);

/* sc_header_value - the unfolded value of the first name: field in the
 * header section of raw (len bytes), as a new string; NULL when absent. */
char *sc_header_value(const char *raw, size_t len, const char *name);

#endif
