/*
 * quarantine.c - the quarantine's SQLite index and the operations that keep
 * files and rows together (see quarantine.h). Every statement is a fixed
 * string prepared with bound parameters.
 */
#include "autoconfig.h"

#include <dirent.h>
#include <pthread.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "mem.h"
#include "quarantine.h"
#include "quarantine_int.h"

#define BUSY_TIMEOUT_MS 10000 /* wait this long for another writer */

struct sc_quarantine {
	char *dir;            /* owned, absolute */
	pthread_mutex_t lock; /* guards db */
	sqlite3 *db;          /* NULL until first use */
};

static const char schema[] =
	"PRAGMA journal_mode=WAL;"
	"PRAGMA synchronous=FULL;"
	"CREATE TABLE IF NOT EXISTS messages ("
	" id TEXT PRIMARY KEY, time INTEGER NOT NULL, queue_id TEXT, client TEXT,"
	" sender TEXT, rcpts TEXT, hdr_from TEXT, subject TEXT, score REAL, hits TEXT,"
	" action TEXT, mode TEXT, state TEXT NOT NULL DEFAULT 'quarantined',"
	" actor TEXT, acted_at INTEGER);"
	"CREATE INDEX IF NOT EXISTS messages_time ON messages(time);";

#define COLUMNS                                                                                    \
	"id, time, queue_id, client, sender, rcpts, hdr_from, subject, score, hits, action, "      \
	"mode, state, actor, acted_at"

/* sc_quarantine_new - remember the directory; open nothing yet */
sc_quarantine *sc_quarantine_new(const char *dir)
{
	sc_quarantine *q = sc_calloc(1, sizeof(*q));

	q->dir = sc_strdup(dir);
	if (pthread_mutex_init(&q->lock, NULL) != 0)
		sc_panic("pthread_mutex_init failed");
	return q;
}

/* sc_quarantine_free - close the connection and free the handle */
void sc_quarantine_free(sc_quarantine *q)
{
	if (q == NULL)
		return;
	if (q->db != NULL)
		(void) sqlite3_close(q->db);
	(void) pthread_mutex_destroy(&q->lock);
	free(q->dir);
	free(q);
}

/* open_locked - the connection, opened (and the schema made) on first use */
static int open_locked(sc_quarantine *q, sc_qerr *err)
{
	char path[QPATH_MAX];
	char *msg = NULL;

	if (q->db != NULL)
		return 0;
	if (qfile_make_dirs(q->dir, err) != 0)
		return -1;
	if (qfile_path(q->dir, "index.sqlite", "", path, sizeof(path)) != 0) {
		sc_qerr_set(err, "quarantine_dir path too long");
		return -1;
	}
	if (sqlite3_open_v2(path, &q->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) !=
	    SQLITE_OK) {
		sc_qerr_set(err, "sqlite open %s: %s", path,
			    q->db != NULL ? sqlite3_errmsg(q->db) : "out of memory");
		goto fail;
	}
	(void) sqlite3_busy_timeout(q->db, BUSY_TIMEOUT_MS);
	if (sqlite3_exec(q->db, schema, NULL, NULL, &msg) != SQLITE_OK) {
		sc_qerr_set(err, "sqlite schema %s: %s", path, msg != NULL ? msg : "?");
		sqlite3_free(msg);
		goto fail;
	}
	return 0;
fail:
	(void) sqlite3_close(q->db);
	q->db = NULL;
	return -1;
}

/* prepare - lock, open, prepare sql; on success the caller holds the lock */
static sqlite3_stmt *prepare(sc_quarantine *q, const char *sql, sc_qerr *err)
{
	sqlite3_stmt *st = NULL;

	(void) pthread_mutex_lock(&q->lock);
	if (open_locked(q, err) != 0) {
		(void) pthread_mutex_unlock(&q->lock);
		return NULL;
	}
	if (sqlite3_prepare_v2(q->db, sql, -1, &st, NULL) != SQLITE_OK) {
		sc_qerr_set(err, "sqlite prepare: %s", sqlite3_errmsg(q->db));
		(void) pthread_mutex_unlock(&q->lock);
		return NULL;
	}
	return st;
}

/* finish - finalize and unlock; -1 with a reason when rc is not DONE/ROW */
static int finish(sc_quarantine *q, sqlite3_stmt *st, int rc, sc_qerr *err)
{
	int r = 0;

	if (rc != SQLITE_DONE && rc != SQLITE_ROW && rc != SQLITE_OK) {
		sc_qerr_set(err, "sqlite: %s", sqlite3_errmsg(q->db));
		r = -1;
	}
	(void) sqlite3_finalize(st);
	(void) pthread_mutex_unlock(&q->lock);
	return r;
}

/* bind_text - bind a string or NULL */
static void bind_text(sqlite3_stmt *st, int i, const char *s)
{
	if (s == NULL)
		(void) sqlite3_bind_null(st, i);
	else
		(void) sqlite3_bind_text(st, i, s, -1, SQLITE_TRANSIENT);
}

/* insert_row - one INSERT of e */
static int insert_row(sc_quarantine *q, const sc_qentry *e, sc_qerr *err)
{
	sqlite3_stmt *st = prepare(q,
				   "INSERT INTO messages (" COLUMNS ") VALUES "
				   "(?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,NULL,0)",
				   err);
	const char *text[] = {e->queue_id, e->client, e->sender, e->rcpts, e->from, e->subject};

	if (st == NULL)
		return -1;
	bind_text(st, 1, e->id);
	(void) sqlite3_bind_int64(st, 2, e->time);
	for (int i = 0; i < 6; i++)
		bind_text(st, 3 + i, text[i]);
	(void) sqlite3_bind_double(st, 9, e->score);
	bind_text(st, 10, e->hits);
	bind_text(st, 11, e->action != NULL ? e->action : "quarantine");
	bind_text(st, 12, e->mode != NULL ? e->mode : "store");
	bind_text(st, 13, e->state != NULL ? e->state : "quarantined");
	return finish(q, st, sqlite3_step(st), err);
}

/* sc_quarantine_store - durable file first, then the row */
int sc_quarantine_store(sc_quarantine *q, sc_qentry *e, const char *raw, size_t len, sc_qerr *err)
{
	char *from = NULL, *subject = NULL;
	sc_qentry row = *e;
	int r;

	if (qfile_new_id(e->id, err) != 0)
		return -1;
	e->time = (long long) time(NULL);
	row = *e;
	if (raw != NULL) {
		(void) pthread_mutex_lock(&q->lock);
		r = open_locked(q, err); /* makes the directories */
		(void) pthread_mutex_unlock(&q->lock);
		if (r != 0 || qfile_write(q->dir, e->id, raw, len, err) != 0)
			return -1;
		if (row.from == NULL)
			row.from = from = sc_header_value(raw, len, "From");
		if (row.subject == NULL)
			row.subject = subject = sc_header_value(raw, len, "Subject");
	}
	r = insert_row(q, &row, err);
	if (r != 0 && raw != NULL)
		(void) qfile_remove(q->dir, e->id, NULL);
	free(from);
	free(subject);
	return r;
}

/* column_text - a column as a C string, or NULL */
static const char *column_text(sqlite3_stmt *st, int i)
{
	return (const char *) sqlite3_column_text(st, i);
}

/* row_entry - the current row of a "SELECT " COLUMNS statement */
static void row_entry(sqlite3_stmt *st, sc_qentry *e)
{
	const char *id = column_text(st, 0);

	memset(e, 0, sizeof(*e));
	(void) snprintf(e->id, sizeof(e->id), "%s", id != NULL ? id : "");
	e->time = sqlite3_column_int64(st, 1);
	e->queue_id = column_text(st, 2);
	e->client = column_text(st, 3);
	e->sender = column_text(st, 4);
	e->rcpts = column_text(st, 5);
	e->from = column_text(st, 6);
	e->subject = column_text(st, 7);
	e->score = sqlite3_column_double(st, 8);
	e->hits = column_text(st, 9);
	e->action = column_text(st, 10);
	e->mode = column_text(st, 11);
	e->state = column_text(st, 12);
	e->actor = column_text(st, 13);
	e->acted_at = sqlite3_column_int64(st, 14);
}

/* each_row - step st, calling fn per row; returns the last sqlite3_step code */
static int each_row(sqlite3_stmt *st, sc_qentry_fn fn, void *arg, size_t *n)
{
	sc_qentry e;
	int rc;

	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		row_entry(st, &e);
		if (n != NULL)
			(*n)++;
		if (fn != NULL && fn(arg, &e) != 0)
			return SQLITE_DONE;
	}
	return rc;
}

/* sc_quarantine_get - one row by id */
int sc_quarantine_get(sc_quarantine *q, const char *id, sc_qentry_fn fn, void *arg, sc_qerr *err)
{
	sqlite3_stmt *st;
	size_t n = 0;

	if (!sc_quarantine_valid_id(id)) {
		sc_qerr_set(err, "not a quarantine id");
		return -1;
	}
	st = prepare(q, "SELECT " COLUMNS " FROM messages WHERE id = ?1", err);
	if (st == NULL)
		return -1;
	bind_text(st, 1, id);
	if (finish(q, st, each_row(st, fn, arg, &n), err) != 0)
		return -1;
	return n > 0;
}

/* sc_quarantine_list - the rows a filter selects, oldest first */
int sc_quarantine_list(sc_quarantine *q, const sc_qfilter *f, sc_qentry_fn fn, void *arg,
		       sc_qerr *err)
{
	sqlite3_stmt *st = prepare(
		q,
		"SELECT " COLUMNS " FROM messages WHERE time >= ?1"
		" AND (?2 IS NULL OR instr(lower(rcpts), lower(?2)) > 0)"
		" AND (?3 IS NULL OR instr(lower(ifnull(sender,'') || ' ' || ifnull(hdr_from,'')),"
		" lower(?3)) > 0)"
		" AND (?4 IS NULL OR score >= ?4) ORDER BY time, id",
		err);

	if (st == NULL)
		return -1;
	(void) sqlite3_bind_int64(st, 1, f->since);
	bind_text(st, 2, f->rcpt);
	bind_text(st, 3, f->from);
	if (f->has_min_score)
		(void) sqlite3_bind_double(st, 4, f->min_score);
	return finish(q, st, each_row(st, fn, arg, NULL), err);
}

/* sc_quarantine_read - the stored copy */
int sc_quarantine_read(sc_quarantine *q, const char *id, sc_buf *out, sc_qerr *err)
{
	if (!sc_quarantine_valid_id(id)) {
		sc_qerr_set(err, "not a quarantine id");
		return -1;
	}
	return qfile_read(q->dir, id, out, err);
}

/* sc_quarantine_mark - new state, actor and time; deleted also loses the file */
int sc_quarantine_mark(sc_quarantine *q, const char *id, const char *state, const char *actor,
		       sc_qerr *err)
{
	sqlite3_stmt *st;
	int changed, rc;

	if (!sc_quarantine_valid_id(id)) {
		sc_qerr_set(err, "not a quarantine id");
		return -1;
	}
	st = prepare(q, "UPDATE messages SET state = ?2, actor = ?3, acted_at = ?4 WHERE id = ?1",
		     err);
	if (st == NULL)
		return -1;
	bind_text(st, 1, id);
	bind_text(st, 2, state);
	bind_text(st, 3, actor);
	(void) sqlite3_bind_int64(st, 4, (long long) time(NULL));
	rc = sqlite3_step(st);
	changed = sqlite3_changes(q->db);
	if (finish(q, st, rc, err) != 0)
		return -1;
	if (changed > 0 && strcmp(state, "deleted") == 0 && qfile_remove(q->dir, id, err) != 0)
		return -1;
	return changed > 0;
}

/* collect_id - each_row callback: remember ids in an array */
static int collect_id(void *arg, const sc_qentry *e)
{
	sc_buf *ids = arg;

	(void) sc_buf_append(ids, e->id, SC_QID_LEN + 1);
	return 0;
}

/* sc_quarantine_purge - files first, then rows, of everything up to before */
int sc_quarantine_purge(sc_quarantine *q, long long before, size_t *n, sc_qerr *err)
{
	sqlite3_stmt *st = prepare(q, "SELECT " COLUMNS " FROM messages WHERE time <= ?1", err);
	sc_buf ids;

	*n = 0;
	if (st == NULL)
		return -1;
	sc_buf_init(&ids, SC_BUF_UNLIMITED);
	(void) sqlite3_bind_int64(st, 1, before);
	if (finish(q, st, each_row(st, collect_id, &ids, NULL), err) != 0)
		goto fail;
	for (size_t off = 0; off < ids.len; off += SC_QID_LEN + 1) {
		const char *id = ids.data + off;

		if (qfile_remove(q->dir, id, err) != 0)
			goto fail;
		st = prepare(q, "DELETE FROM messages WHERE id = ?1", err);
		if (st == NULL)
			goto fail;
		bind_text(st, 1, id);
		if (finish(q, st, sqlite3_step(st), err) != 0)
			goto fail;
		(*n)++;
	}
	sc_buf_free(&ids);
	return 0;
fail:
	sc_buf_free(&ids);
	return -1;
}

/* fsck_orphan - index one file of msg/ that has no row */
static int fsck_orphan(sc_quarantine *q, const char *id, sc_qentry_fn fn, void *arg, sc_qerr *err)
{
	sc_qentry e;
	sc_buf raw;
	int r;

	memset(&e, 0, sizeof(e));
	sc_buf_init(&raw, SC_BUF_UNLIMITED);
	if (qfile_read(q->dir, id, &raw, err) != 0) {
		sc_buf_free(&raw);
		return -1;
	}
	memcpy(e.id, id, SC_QID_LEN + 1); /* a valid id: exactly that long */
	e.time = (long long) time(NULL);
	e.from = sc_header_value(raw.data != NULL ? raw.data : "", raw.len, "From");
	e.subject = sc_header_value(raw.data != NULL ? raw.data : "", raw.len, "Subject");
	e.action = "quarantine";
	e.mode = "store";
	e.state = "quarantined";
	e.hits = "FSCK_ORPHAN";
	r = insert_row(q, &e, err);
	if (r == 0 && fn != NULL)
		(void) fn(arg, &e);
	free((char *) e.from);
	free((char *) e.subject);
	sc_buf_free(&raw);
	return r;
}

/* sc_quarantine_fsck - orphaned files get rows; rows without files are reported */
int sc_quarantine_fsck(sc_quarantine *q, sc_qentry_fn orphan, sc_qentry_fn missing, void *arg,
		       size_t *norphans, size_t *nmissing, sc_qerr *err)
{
	char msgdir[QPATH_MAX];
	struct dirent *de;
	sqlite3_stmt *st;
	DIR *d;
	int r = 0;

	*norphans = *nmissing = 0;
	st = prepare(q,
		     "SELECT " COLUMNS " FROM messages WHERE state = 'quarantined'"
		     " AND mode = 'store' ORDER BY time",
		     err);
	if (st == NULL)
		return -1;
	while (sqlite3_step(st) == SQLITE_ROW) {
		sc_qentry e;

		row_entry(st, &e);
		if (!qfile_exists(q->dir, e.id)) {
			(*nmissing)++;
			if (missing != NULL)
				(void) missing(arg, &e);
		}
	}
	(void) finish(q, st, SQLITE_DONE, err);
	if (qfile_path(q->dir, "msg", "", msgdir, sizeof(msgdir)) != 0 ||
	    (d = opendir(msgdir)) == NULL) {
		sc_qerr_set(err, "cannot read %s/msg", q->dir);
		return -1;
	}
	while (r == 0 && (de = readdir(d)) != NULL) {
		int found;

		if (!sc_quarantine_valid_id(de->d_name))
			continue;
		found = sc_quarantine_get(q, de->d_name, NULL, NULL, err);
		if (found < 0)
			r = -1;
		else if (found == 0) {
			(*norphans)++;
			r = fsck_orphan(q, de->d_name, orphan, arg, err);
		}
	}
	(void) closedir(d);
	return r;
}
