/*
 * quarantine_file.c - the message files of the quarantine: ids, durable
 * writes, reads, and header lookup for the index (see quarantine.h).
 */
#include "autoconfig.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include "mem.h"
#include "quarantine.h"
#include "quarantine_int.h"

#define HEADER_VALUE_MAX 998 /* bytes of a header value kept for the index */

/* sc_qerr_set - printf into err (NULL: ignored) */
void sc_qerr_set(sc_qerr *err, const char *fmt, ...)
{
	va_list ap;

	if (err == NULL)
		return;
	va_start(ap, fmt);
	(void) vsnprintf(err->msg, sizeof(err->msg), fmt, ap); /* truncation is fine here */
	va_end(ap);
}

/* sc_quarantine_valid_id - exactly SC_QID_LEN lower-case hex digits */
int sc_quarantine_valid_id(const char *id)
{
	size_t i;

	if (id == NULL)
		return 0;
	for (i = 0; id[i] != '\0'; i++)
		if (i >= SC_QID_LEN ||
		    !((id[i] >= '0' && id[i] <= '9') || (id[i] >= 'a' && id[i] <= 'f')))
			return 0;
	return i == SC_QID_LEN;
}

/* qfile_new_id - a fresh random id */
int qfile_new_id(char id[SC_QID_LEN + 1], sc_qerr *err)
{
	unsigned char r[SC_QID_LEN / 2];
	static const char hex[] = "0123456789abcdef";

	if (getrandom(r, sizeof(r), 0) != (ssize_t) sizeof(r)) {
		sc_qerr_set(err, "getrandom: %s", strerror(errno));
		return -1;
	}
	for (size_t i = 0; i < sizeof(r); i++) {
		id[2 * i] = hex[r[i] >> 4];
		id[2 * i + 1] = hex[r[i] & 15];
	}
	id[SC_QID_LEN] = '\0';
	return 0;
}

/* qfile_path - DIR/SUB/NAME into out; -1 when it does not fit */
int qfile_path(const char *dir, const char *sub, const char *name, char *out, size_t size)
{
	int n = snprintf(out, size, "%s/%s%s%s", dir, sub, name[0] != '\0' ? "/" : "", name);

	return n < 0 || (size_t) n >= size ? -1 : 0;
}

/* make_dir - mkdir with mode 0700 unless it exists */
static int make_dir(const char *path, sc_qerr *err)
{
	if (mkdir(path, 0700) == 0 || errno == EEXIST)
		return 0;
	sc_qerr_set(err, "mkdir %s: %s", path, strerror(errno));
	return -1;
}

/* qfile_make_dirs - dir, dir/msg and dir/tmp */
int qfile_make_dirs(const char *dir, sc_qerr *err)
{
	char p[QPATH_MAX];

	if (make_dir(dir, err) != 0)
		return -1;
	if (qfile_path(dir, "msg", "", p, sizeof(p)) != 0 || make_dir(p, err) != 0)
		return -1;
	if (qfile_path(dir, "tmp", "", p, sizeof(p)) != 0 || make_dir(p, err) != 0)
		return -1;
	return 0;
}

/* write_all - write n bytes, retrying short writes */
static int write_all(int fd, const char *p, size_t n)
{
	while (n > 0) {
		ssize_t w = write(fd, p, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		p += w;
		n -= (size_t) w;
	}
	return 0;
}

/* fsync_dir - fsync a directory so a rename in it is durable */
static int fsync_dir(const char *path)
{
	int fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC), r;

	if (fd < 0)
		return -1;
	r = fsync(fd);
	(void) close(fd);
	return r;
}

/* qfile_write - tmp file, fsync, rename into msg/, fsync msg/ */
int qfile_write(const char *dir, const char *id, const char *raw, size_t len, sc_qerr *err)
{
	char tmp[QPATH_MAX], dst[QPATH_MAX], msgdir[QPATH_MAX], name[64];
	int fd;

	(void) snprintf(name, sizeof(name), "%s.%ld", id, (long) getpid());
	if (qfile_path(dir, "tmp", name, tmp, sizeof(tmp)) != 0 ||
	    qfile_path(dir, "msg", id, dst, sizeof(dst)) != 0 ||
	    qfile_path(dir, "msg", "", msgdir, sizeof(msgdir)) != 0) {
		sc_qerr_set(err, "quarantine_dir path too long");
		return -1;
	}
	fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0) {
		sc_qerr_set(err, "create %s: %s", tmp, strerror(errno));
		return -1;
	}
	if (write_all(fd, raw, len) != 0 || fsync(fd) != 0) {
		sc_qerr_set(err, "write %s: %s", tmp, strerror(errno));
		(void) close(fd);
		(void) unlink(tmp);
		return -1;
	}
	if (close(fd) != 0 || rename(tmp, dst) != 0) {
		sc_qerr_set(err, "rename %s: %s", tmp, strerror(errno));
		(void) unlink(tmp);
		return -1;
	}
	if (fsync_dir(msgdir) != 0) {
		sc_qerr_set(err, "fsync %s: %s", msgdir, strerror(errno));
		(void) unlink(dst);
		return -1;
	}
	return 0;
}

/* qfile_read - the whole of msg/ID into out */
int qfile_read(const char *dir, const char *id, sc_buf *out, sc_qerr *err)
{
	char path[QPATH_MAX], chunk[65536];
	ssize_t n;
	int fd;

	if (qfile_path(dir, "msg", id, path, sizeof(path)) != 0) {
		sc_qerr_set(err, "quarantine_dir path too long");
		return -1;
	}
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0) {
		sc_qerr_set(err, "open %s: %s", path, strerror(errno));
		return -1;
	}
	while ((n = read(fd, chunk, sizeof(chunk))) > 0)
		(void) sc_buf_append(out, chunk, (size_t) n);
	(void) close(fd);
	if (n < 0) {
		sc_qerr_set(err, "read %s: %s", path, strerror(errno));
		return -1;
	}
	return 0;
}

/* qfile_exists - does msg/ID exist? */
int qfile_exists(const char *dir, const char *id)
{
	char path[QPATH_MAX];
	struct stat st;

	return qfile_path(dir, "msg", id, path, sizeof(path)) == 0 && lstat(path, &st) == 0;
}

/* qfile_remove - unlink msg/ID; a missing file is not an error */
int qfile_remove(const char *dir, const char *id, sc_qerr *err)
{
	char path[QPATH_MAX];

	if (qfile_path(dir, "msg", id, path, sizeof(path)) != 0)
		return -1;
	if (unlink(path) != 0 && errno != ENOENT) {
		sc_qerr_set(err, "unlink %s: %s", path, strerror(errno));
		return -1;
	}
	return 0;
}

/* sc_header_value - first NAME: field of the header section, unfolded */
char *sc_header_value(const char *raw, size_t len, const char *name)
{
	size_t nl = strlen(name), i = 0;
	sc_buf v;

	while (i < len && raw[i] != '\r' && raw[i] != '\n') {
		size_t eol = i;

		while (eol < len && raw[eol] != '\n')
			eol++;
		if (eol - i > nl && strncasecmp(raw + i, name, nl) == 0 && raw[i + nl] == ':') {
			sc_buf_init(&v, HEADER_VALUE_MAX);
			for (size_t j = i + nl + 1; j < len; j++) {
				if (raw[j] == '\n') {
					if (j + 1 >= len ||
					    (raw[j + 1] != ' ' && raw[j + 1] != '\t'))
						break;
					continue;
				}
				if (raw[j] != '\r')
					(void) sc_buf_putc(&v, raw[j]);
			}
			{
				char *s = sc_buf_steal(&v), *t = s;

				while (*t == ' ' || *t == '\t')
					t++;
				memmove(s, t, strlen(t) + 1);
				return s;
			}
		}
		i = eol + 1;
	}
	return NULL;
}
