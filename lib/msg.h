/*
 * msg.h - the parsed message model, as the reader's mail client shows it.
 *
 * sc_msg_parse() reads a raw message once into an immutable model:
 *   - header fields in order (repeats kept, names looked up in any case),
 *     each with its raw value, its unfolded value and its decoded value
 *     (RFC 2047 encoded words decoded, UTF-8);
 *   - addresses of From, Sender, Reply-To, To, Cc and Return-Path;
 *   - the MIME tree (GMime 3), walked within named limits (depth, parts,
 *     decoded bytes): past a limit what was parsed is kept and a finding
 *     says so;
 *   - text parts decoded (base64, quoted-printable) and converted to UTF-8
 *     from their declared charset, with a fallback (windows-1252) when it is
 *     missing, unknown or wrong; bytes that do not convert become U+FFFD;
 *   - HTML parts rendered by sc_html_parse() (html.h);
 *   - every URL in one sc_url_set (url.h);
 *   - attachments: file name, declared and sniffed (libmagic) type, decoded
 *     size, extension chain, names inside ZIP archives (libarchive);
 *   - the two renderings rules match, as SpamAssassin 4.0 makes them: `body`
 *     (decoded, HTML rendered, Subject first, one paragraph per line, white
 *     space collapsed) and `rawbody` (decoded text, markup kept).
 *
 * sc_msg_parse() never fails on bad mail: anomalies are findings
 * (sc_msg_findings) for rules to see. An mbox "From " first line is skipped;
 * CRLF and LF line ends are both accepted and normalised to LF; NUL bytes
 * are kept in bodies (and become spaces in header values).
 *
 * Ownership: the model owns copies of everything it needs, so the raw bytes
 * may be freed after parsing. Every pointer it returns is borrowed and valid
 * until sc_msg_free().
 *
 * Thread-safety: an sc_msg is immutable after parsing and may be read from
 * several threads. Separate messages may be parsed in separate threads at
 * once. GMime's process-wide g_mime_init() runs exactly once, from the first
 * sc_msg_parse() (under pthread_once), or earlier through sc_msg_global_init()
 * (the daemon calls it before its threads start). libmagic's handle is one
 * per process, created once and used under a mutex (msg_attach.c).
 */
#ifndef SC_MSG_H
#define SC_MSG_H

#include <stddef.h>

#include "html.h"
#include "url.h"

typedef struct sc_msg sc_msg;

/* Findings: anomalies of the message itself, as bit flags. */
enum {
	SC_MSG_NO_HEADER_END = 1u << 0,    /* no empty line: everything is header */
	SC_MSG_BAD_HEADER_LINE = 1u << 1,  /* a header line without "Name:" */
	SC_MSG_TOO_MANY_HEADERS = 1u << 2, /* past SC_MSG_MAX_HEADERS; rest ignored */
	SC_MSG_NUL_BYTES = 1u << 3,        /* NUL bytes in the message */
	SC_MSG_MIME_DEPTH = 1u << 4,       /* MIME nesting past max_depth; deeper parts dropped */
	SC_MSG_MIME_PARTS = 1u << 5,       /* more than max_parts parts; the rest dropped */
	SC_MSG_DECODED_SIZE = 1u << 6,     /* decoded bytes past max_decoded; the rest dropped */
	SC_MSG_MIME_MALFORMED = 1u << 7,   /* missing/lying boundary, truncated multipart... */
	SC_MSG_BAD_ENCODED_WORD = 1u << 8, /* an RFC 2047 word that does not decode */
	SC_MSG_BAD_ADDRESS_LIST = 1u << 9, /* an address field that does not parse cleanly */
	SC_MSG_BAD_CHARSET = 1u << 10,     /* charset missing for 8-bit text, unknown or wrong */
	SC_MSG_8BIT_HEADER = 1u << 11,     /* raw 8-bit bytes in a header value */
	SC_MSG_ARCHIVE_LIMIT = 1u << 12,   /* an archive with more entries than listed */
	SC_MSG_HTML_LIMIT = 1u << 13,      /* an HTML part past its parse limits */
	SC_MSG_URL_LIMIT = 1u << 14        /* more distinct URLs than the set keeps */
};
#define SC_MSG_FINDING_COUNT 15

#define SC_MSG_MAX_HEADERS 1000 /* header fields kept per message */

/* Limits of one parse; every field 0 means its default. */
typedef struct sc_msg_limits {
	size_t max_depth;       /* MIME nesting levels walked (message/rfc822 counts one) */
	size_t max_parts;       /* MIME parts kept */
	size_t max_decoded;     /* bytes of decoded content over all parts */
	size_t max_zip_entries; /* names listed per archive */
} sc_msg_limits;

#define SC_MSG_DEFAULT_MAX_DEPTH       20
#define SC_MSG_DEFAULT_MAX_PARTS       500
#define SC_MSG_DEFAULT_MAX_DECODED     (16 * 1024 * 1024)
#define SC_MSG_DEFAULT_MAX_ZIP_ENTRIES 200

/* sc_msg_global_init - GMime's one-time set-up. Optional (sc_msg_parse
 * calls it); safe from any thread, any number of times. */
void sc_msg_global_init(void);

/* sc_msg_parse - parse raw (len bytes, need not be NUL-terminated) with
 * the default limits. Caller owns the result; never NULL. */
sc_msg *sc_msg_parse(const char *raw, size_t len);
/* sc_msg_parse_limits - the same with limits (NULL: defaults). */
sc_msg *sc_msg_parse_limits(const char *raw, size_t len, const sc_msg_limits *lim);
/* sc_msg_free - release the model; NULL is a no-op. */
void sc_msg_free(sc_msg *m);

/* sc_msg_header_count - number of header fields kept. */
size_t sc_msg_header_count(const sc_msg *m);
/* sc_msg_header_name - the field name of field i (< count), as written. */
const char *sc_msg_header_name(const sc_msg *m, size_t i);
/* sc_msg_header_value - field i's value unfolded as SpamAssassin does (a
 * line break and the blanks after it become one space), leading and
 * trailing white space trimmed, not decoded. */
const char *sc_msg_header_value(const sc_msg *m, size_t i);
/* sc_msg_header_decoded - sc_msg_header_value with RFC 2047 encoded words
 * decoded and the result in UTF-8 (raw 8-bit text converted, invalid bytes
 * replaced). */
const char *sc_msg_header_decoded(const sc_msg *m, size_t i);
/* sc_msg_header_raw - field i's value as received after "Name:", folds
 * included (line ends as LF). */
const char *sc_msg_header_raw(const sc_msg *m, size_t i);
/* sc_msg_header_find - index of the first field named name (any case) at or
 * after index from, or -1 when there is none. */
long sc_msg_header_find(const sc_msg *m, const char *name, size_t from);

/* sc_msg_body - the body as received (after the empty line; line ends as
 * LF); *len gets its size. The bytes are NUL-terminated for convenience but
 * may contain NULs. */
const char *sc_msg_body(const sc_msg *m, size_t *len);
/* sc_msg_body_text - SpamAssassin 4.0's `body` (get_rendered_body_text_array):
 * the last Subject (unfolded, decoded; an empty line without one), then the
 * text of every text/plain and text/html part, alternatives and attached
 * text files included (HTML as SpamAssassin renders it, sc_html_sa_text),
 * one paragraph per line, each line ending in a newline, white-space runs as
 * one space, leading and trailing ones kept (the engine cuts lines at 2,048
 * bytes). See
 * msg_render.c for the exact rules. UTF-8, NUL-terminated. */
const char *sc_msg_body_text(const sc_msg *m, size_t *len);
/* sc_msg_rawbody - SpamAssassin's `rawbody`: the decoded UTF-8 text of every
 * text part but text/calendar (alternatives and attached files included)
 * and of every SVG picture, markup kept, in tree order, each part ending in
 * a newline. */
const char *sc_msg_rawbody(const sc_msg *m, size_t *len);

/* sc_msg_findings - the SC_MSG_* flags found while parsing. */
unsigned sc_msg_findings(const sc_msg *m);
/* sc_msg_finding_name - "MIME_DEPTH" for SC_MSG_MIME_DEPTH...; NULL for a
 * value that is not exactly one known flag. Static storage. */
const char *sc_msg_finding_name(unsigned flag);

/* --- addresses ------------------------------------------------------------ */

typedef enum sc_addr_field {
	SC_ADDR_FROM,
	SC_ADDR_SENDER,
	SC_ADDR_REPLY_TO,
	SC_ADDR_TO,
	SC_ADDR_CC,
	SC_ADDR_RETURN_PATH
} sc_addr_field;
#define SC_ADDR_FIELD_COUNT 6

typedef struct sc_msg_addr {
	sc_addr_field field;
	size_t header;      /* index of the header field it came from */
	const char *name;   /* display name, decoded UTF-8; "" when none */
	const char *addr;   /* local@domain as written (decoded); "" for <> */
	const char *local;  /* part before the last '@' */
	const char *domain; /* part after the last '@', lower-case; "" when none */
	const char *group;  /* name of the group it is listed in, or NULL */
} sc_msg_addr;

#define SC_MSG_MAX_ADDRS 1000 /* addresses kept per message */

/* sc_addr_field_name - "From", "Sender", ... */
const char *sc_addr_field_name(sc_addr_field f);
size_t sc_msg_addr_count(const sc_msg *m);
/* sc_msg_addr_at - address i (< count), in header order. */
const sc_msg_addr *sc_msg_addr_at(const sc_msg *m, size_t i);

/* --- MIME parts ------------------------------------------------------------ */

#define SC_MSG_NO_PARENT ((size_t) -1)

typedef struct sc_msg_part {
	size_t parent;           /* index of the enclosing part, SC_MSG_NO_PARENT for the root */
	unsigned depth;          /* 0 for the root; message/rfc822 adds one level */
	const char *type;        /* "text/plain", lower-case */
	const char *charset;     /* declared charset, or NULL */
	const char *encoding;    /* Content-Transfer-Encoding, lower-case, or NULL */
	const char *disposition; /* "attachment", "inline" (lower-case) or NULL */
	const char *filename;    /* decoded file name (RFC 2231/2047), or NULL */
	size_t decoded_size;     /* bytes after transfer decoding (leaves only) */
	const char *text;        /* UTF-8 text of text/ leaves, attached files too (of a
				  * multipart without parts: its prologue), or NULL */
	size_t text_len;
	int displayed;       /* its text is part of sc_msg_body_text */
	long attachment;     /* index into the attachments, or -1 */
	const sc_html *html; /* rendered HTML of a text/html leaf, or NULL */
} sc_msg_part;

size_t sc_msg_part_count(const sc_msg *m);
/* sc_msg_part_at - part i (< count), in tree (pre-)order. */
const sc_msg_part *sc_msg_part_at(const sc_msg *m, size_t i);

/* --- attachments ------------------------------------------------------------ */

typedef struct sc_msg_archive_entry {
	const char *name; /* path inside the archive, as stored */
	int encrypted;
	long long size; /* uncompressed size as stored, -1 when unknown */
} sc_msg_archive_entry;

typedef struct sc_msg_attachment {
	size_t part;               /* its sc_msg_part index */
	const char *filename;      /* decoded, or "" */
	const char *declared_type; /* Content-Type, lower-case */
	const char *sniffed_type;  /* libmagic's MIME type of the content, or NULL */
	size_t size;               /* decoded bytes */
	const char *const *exts;   /* extension chain, lower-case: a.pdf.exe -> pdf, exe */
	size_t nexts;
	const sc_msg_archive_entry *entries; /* names inside a ZIP, RAR or 7z archive */
	size_t nentries;
	int archive_truncated; /* more entries than max_zip_entries */
	int archive_error;     /* looked like an archive but did not read */
} sc_msg_attachment;

#define SC_MSG_MAX_EXTS      8  /* extensions kept in a chain (the last ones) */
#define SC_MSG_EXT_MAX_CHARS 16 /* longer "extensions" are words, not file types */

/* One extension of a file name: len bytes at p, inside the name, as
 * written (not lower-cased, not NUL-terminated). */
typedef struct sc_msg_ext_span {
	const char *p;
	size_t len;
} sc_msg_ext_span;

/* sc_msg_ext_spans - the extensions of the file name name, in order, the
 * last max of them stored in out[0..max): the path up to the last '/' or
 * '\\' is stripped, the first segment is the name itself (a leading dot
 * too: ".htaccess" has none), the rest is split on dots, each extension
 * loses its trailing spaces and tabs (Windows drops them: "a.exe ." is an
 * exe), and empty extensions and those over max_chars bytes are skipped.
 * "x/y\\Invoice.PDF.exe" gives "PDF", "exe". Returns how many spans were
 * stored (at most max). Pure: no allocation, no state, thread-safe; the
 * spans point into name. */
size_t sc_msg_ext_spans(const char *name, size_t max_chars, sc_msg_ext_span *out, size_t max);

size_t sc_msg_attachment_count(const sc_msg *m);
const sc_msg_attachment *sc_msg_attachment_at(const sc_msg *m, size_t i);

/* --- URLs and HTML ------------------------------------------------------------ */

/* sc_msg_urls - every URL of the text parts (displayed, alternative and
 * attached), of rendered HTML text, hrefs, form actions and img src, and
 * the links of attached PDFs and SVG pictures (SC_URL_SRC_ATTACH). uri rules and
 * block_url_domain see them all. */
const sc_url_set *sc_msg_urls(const sc_msg *m);
/* sc_msg_html_findings - the SC_HTML_* flags of all HTML parts together. */
unsigned sc_msg_html_findings(const sc_msg *m);

#endif
