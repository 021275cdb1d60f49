/*
 * quarantine_int.h - what the quarantine's two files share (not public).
 *
 * qfile_* work on the message files under a quarantine_dir; they take no
 * lock and are thread-safe as long as two callers never use the same id
 * (ids are random). Paths are at most QPATH_MAX bytes.
 */
#ifndef SC_QUARANTINE_INT_H
#define SC_QUARANTINE_INT_H

#include "quarantine.h"

#define QPATH_MAX 4096

/* sc_qerr_set - printf a reason into err (NULL: ignored). */
void sc_qerr_set(sc_qerr *err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* qfile_new_id - SC_QID_LEN random hex digits into id. */
int qfile_new_id(char id[SC_QID_LEN + 1], sc_qerr *err);
/* qfile_path - "DIR/SUB/NAME" (NAME "": "DIR/SUB") into out; -1 if too long. */
int qfile_path(const char *dir, const char *sub, const char *name, char *out, size_t size);
/* qfile_make_dirs - create DIR, DIR/msg and DIR/tmp (0700) when missing. */
int qfile_make_dirs(const char *dir, sc_qerr *err);
/* qfile_write - durable msg/ID: tmp file, fsync, rename, fsync of msg/. */
int qfile_write(const char *dir, const char *id, const char *raw, size_t len, sc_qerr *err);
/* qfile_read - append msg/ID to out. */
int qfile_read(const char *dir, const char *id, sc_buf *out, sc_qerr *err);
/* qfile_exists - 1 when msg/ID exists. */
int qfile_exists(const char *dir, const char *id);
/* qfile_remove - unlink msg/ID (already gone is fine). */
int qfile_remove(const char *dir, const char *id, sc_qerr *err);

#endif
