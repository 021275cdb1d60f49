/*
 * msg_attach.c - attachments: extension chain (sc_msg_ext_spans, shared
 * with the checks on archive entries' names), type sniffed from content
 * (libmagic), and the names inside ZIP, RAR and 7z archives (libarchive,
 * read from memory, never extracted).
 *
 * libmagic: one magic_t for the process, opened once (pthread_once) and
 * used under a mutex, because a magic_t is not safe to share between
 * threads and a handle per libmilter thread would load the magic database
 * once per connection. Only the first SNIFF_BYTES of a part are looked at,
 * so the lock is held for microseconds. When the database cannot be
 * loaded, sniffed types are NULL (and the first failure is logged).
 */
#include "autoconfig.h"

#include <archive.h>
#include <archive_entry.h>
#include <ctype.h>
#include <magic.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "mem.h"
#include "msg_int.h"

#define SNIFF_BYTES 4096 /* bytes of content given to libmagic */

static pthread_once_t magic_once = PTHREAD_ONCE_INIT;
static pthread_mutex_t magic_lock = PTHREAD_MUTEX_INITIALIZER;
static magic_t magic_handle; /* under magic_lock; NULL when unavailable */

/* magic_open_once - the process's libmagic handle */
static void magic_open_once(void)
{
	magic_t h = magic_open(MAGIC_MIME_TYPE | MAGIC_NO_CHECK_COMPRESS | MAGIC_ERROR);

	if (h != NULL && magic_load(h, NULL) != 0) {
		sc_log(SC_LOG_WARNING, "libmagic: cannot load its database: %s", magic_error(h));
		magic_close(h);
		h = NULL;
	}
	magic_handle = h;
}

/* ISO 9660's volume descriptor "CD001" starts 32,769 bytes in (sector 16),
 * past the bytes libmagic is given: looked for here, so a disk image named
 * Statement.pdf is still a disk image. */
#define ISO9660_MAGIC_AT 32769

/* sniff_type - libmagic's MIME type for the first bytes of data, in m's pool */
static const char *sniff_type(sc_msg *m, const char *data, size_t n)
{
	const char *t = NULL;

	if (n >= ISO9660_MAGIC_AT + 5 && memcmp(data + ISO9660_MAGIC_AT, "CD001", 5) == 0)
		return "application/x-iso9660-image";
	if (pthread_once(&magic_once, magic_open_once) != 0)
		sc_panic("pthread_once failed for libmagic");
	if (magic_handle == NULL || n == 0)
		return NULL;
	if (pthread_mutex_lock(&magic_lock) != 0)
		sc_panic("cannot lock the libmagic mutex");
	t = magic_buffer(magic_handle, data, n < SNIFF_BYTES ? n : SNIFF_BYTES);
	t = msg_pool_str(m, t); /* copy before the next caller reuses its buffer */
	(void) pthread_mutex_unlock(&magic_lock);
	return t;
}

/* sc_msg_ext_spans - the extension spans of a file name, the last max kept */
size_t sc_msg_ext_spans(const char *name, size_t max_chars, sc_msg_ext_span *out, size_t max)
{
	const char *base = name, *dot;
	size_t n = 0;

	if (max == 0)
		return 0;
	for (const char *p = name; *p != '\0'; p++)
		if (*p == '/' || *p == '\\')
			base = p + 1;
	/* The first segment is the name itself (a leading dot too: ".htaccess"). */
	dot = base[0] != '\0' ? strchr(base + 1, '.') : NULL;
	while (dot != NULL) {
		const char *next = strchr(dot + 1, '.');
		size_t len = next != NULL ? (size_t) (next - dot - 1) : strlen(dot + 1);

		/* Trailing spaces and dots are dropped by Windows: "a.exe ." is an exe. */
		while (len > 0 && (dot[len] == ' ' || dot[len] == '\t'))
			len--;
		if (len > 0 && len <= max_chars) {
			if (n == max) {
				memmove(out, out + 1, (max - 1) * sizeof(*out));
				n--;
			}
			out[n].p = dot + 1;
			out[n].len = len;
			n++;
		}
		dot = next;
	}
	return n;
}

/* ext_chain - the extensions of a file name, lower-case, the last
 * SC_MSG_MAX_EXTS kept: "Invoice.PDF.exe" -> pdf, exe */
static void ext_chain(sc_msg *m, sc_msg_attachment *a, const char *filename)
{
	sc_msg_ext_span sp[SC_MSG_MAX_EXTS];
	const char **exts = sc_calloc(SC_MSG_MAX_EXTS, sizeof(*exts));
	size_t n = sc_msg_ext_spans(filename, SC_MSG_EXT_MAX_CHARS, sp, SC_MSG_MAX_EXTS);

	for (size_t i = 0; i < n; i++) {
		char *e = msg_pool_dup(m, sp[i].p, sp[i].len);

		for (char *q = e; *q != '\0'; q++)
			*q = (char) tolower((unsigned char) *q);
		exts[i] = e;
	}
	a->exts = exts;
	a->nexts = n;
}

/* archive_kinds - the archive formats listed: magic bytes, libmagic's type,
 * the file extension */
static const struct {
	const char *magic;
	size_t magic_len;
	const char *type;
	const char *ext;
} archive_kinds[] = {
	{"PK\x03\x04", 4, "application/zip", "zip"},
	{"Rar!\x1a\x07", 6, "application/x-rar", "rar"},
	{"Rar!\x1a\x07", 6, "application/vnd.rar", "rar"},
	{"7z\xbc\xaf\x27\x1c", 6, "application/x-7z-compressed", "7z"},
};

/* looks_like_archive - a ZIP, RAR or 7z archive by magic bytes, sniffed
 * type or name */
static int looks_like_archive(const sc_msg_attachment *a, const char *data, size_t n)
{
	const char *ext = a->nexts > 0 ? a->exts[a->nexts - 1] : "";

	for (size_t k = 0; k < sizeof(archive_kinds) / sizeof(archive_kinds[0]); k++)
		if ((n >= archive_kinds[k].magic_len &&
		     memcmp(data, archive_kinds[k].magic, archive_kinds[k].magic_len) == 0) ||
		    (a->sniffed_type != NULL &&
		     strcmp(a->sniffed_type, archive_kinds[k].type) == 0) ||
		    strcmp(ext, archive_kinds[k].ext) == 0)
			return 1;
	return 0;
}

/* list_archive - the entry names of a ZIP, RAR or 7z archive in memory, up
 * to the limit. An archive whose names are encrypted too (RAR5 and 7z can
 * hide them) reads as one encrypted entry without a name. */
static void list_archive(sc_msg *m, sc_msg_attachment *a, const char *data, size_t n)
{
	struct archive *ar = archive_read_new();
	struct archive_entry *e;
	sc_msg_archive_entry *ents = NULL;
	size_t cnt = 0;
	int rc;

	if (ar == NULL)
		sc_panic("out of memory in archive_read_new");
	(void) archive_read_support_format_zip(ar);
	(void) archive_read_support_format_rar(ar);
	(void) archive_read_support_format_rar5(ar);
	(void) archive_read_support_format_7zip(ar);
	if (archive_read_open_memory(ar, data, n) != ARCHIVE_OK) {
		a->archive_error = 1;
		(void) archive_read_free(ar);
		return;
	}
	while ((rc = archive_read_next_header(ar, &e)) == ARCHIVE_OK || rc == ARCHIVE_WARN) {
		const char *name;

		if (cnt == m->lim.max_zip_entries) {
			a->archive_truncated = 1;
			m->findings |= SC_MSG_ARCHIVE_LIMIT;
			break;
		}
		name = archive_entry_pathname_utf8(e);
		if (name == NULL)
			name = archive_entry_pathname(e);
		ents = msg_grow(ents, cnt, sizeof(*ents));
		ents[cnt].name = msg_pool_str(m, name != NULL ? name : "");
		ents[cnt].encrypted = archive_entry_is_encrypted(e) != 0;
		ents[cnt].size =
			archive_entry_size_is_set(e) ? (long long) archive_entry_size(e) : -1;
		cnt++;
		(void) archive_read_data_skip(ar);
	}
	if (rc == ARCHIVE_FATAL) {
		a->archive_error = 1;
		if (cnt == 0 && archive_read_has_encrypted_entries(ar) > 0) {
			ents = msg_grow(ents, cnt, sizeof(*ents));
			ents[cnt].name = "";
			ents[cnt].encrypted = 1;
			ents[cnt].size = -1;
			cnt++;
		}
	}
	(void) archive_read_free(ar);
	a->entries = ents;
	a->nentries = cnt;
}

/* msg_attach_add - an attachment entry for leaf part pi */
void msg_attach_add(sc_msg *m, size_t pi, const char *data, size_t n)
{
	sc_msg_part *p = &m->parts[pi];
	sc_msg_attachment *a;

	m->atts = msg_grow(m->atts, m->natts, sizeof(*m->atts));
	a = &m->atts[m->natts];
	memset(a, 0, sizeof(*a));
	a->part = pi;
	a->filename = p->filename != NULL ? p->filename : "";
	a->declared_type = p->type;
	a->size = n;
	a->sniffed_type = sniff_type(m, data, n);
	ext_chain(m, a, a->filename);
	if (looks_like_archive(a, data, n))
		list_archive(m, a, data, n);
	msg_pdf_links(m, data, n);
	p->attachment = (long) m->natts++;
}
