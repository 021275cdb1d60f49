/*
 * msg.c - the message model's life cycle, header fields and accessors
 * (see msg.h). MIME lives in msg_mime.c, charsets in msg_text.c, addresses
 * in msg_addr.c, attachments in msg_attach.c, renderings in msg_render.c.
 *
 * Header lines are split here, not by GMime, so the model keeps every field
 * exactly as received: at the first empty line (CRLF or LF). A field is a
 * "Name:" line plus its continuation lines (starting with space or tab). A
 * line that is neither is a finding, not an error: it is skipped, as mail
 * clients do. A leading mbox "From " line is not a header.
 */
#include "autoconfig.h"

#include <ctype.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "buf.h"
#include "mem.h"
#include "msg_int.h"

#define POOL_CHUNK (16 * 1024) /* bytes per string-pool chunk */

struct msg_pool_chunk {
	msg_pool_chunk *next;
	size_t used, cap;
	char data[];
};

static pthread_once_t gmime_once = PTHREAD_ONCE_INIT;

/* gmime_init_once - g_mime_init, which is not reentrant: pthread_once only */
static void gmime_init_once(void)
{
	g_mime_init();
}

/* sc_msg_global_init - GMime's one-time set-up, from any thread */
void sc_msg_global_init(void)
{
	if (pthread_once(&gmime_once, gmime_init_once) != 0)
		sc_panic("pthread_once failed for g_mime_init");
}

/* msg_pool_dup - copy n bytes into m's pool, NUL-terminated */
char *msg_pool_dup(sc_msg *m, const char *s, size_t n)
{
	msg_pool_chunk *c = m->pool;
	char *p;

	if (n >= SIZE_MAX / 2)
		sc_panic("string of %zu bytes", n);
	if (c == NULL || c->cap - c->used < n + 1) {
		size_t cap = n + 1 > POOL_CHUNK / 2 ? n + 1 : POOL_CHUNK;

		c = sc_malloc(sizeof(*c) + cap);
		c->used = 0;
		c->cap = cap;
		/* A big string gets its own chunk behind the current one, so the
		 * current chunk's free space stays usable. */
		if (cap > POOL_CHUNK && m->pool != NULL) {
			c->next = m->pool->next;
			m->pool->next = c;
		} else {
			c->next = m->pool;
			m->pool = c;
		}
	}
	p = c->data + c->used;
	if (n > 0)
		memcpy(p, s, n);
	p[n] = '\0';
	c->used += n + 1;
	return p;
}

/* msg_pool_str - a C string copied into m's pool; NULL stays NULL */
char *msg_pool_str(sc_msg *m, const char *s)
{
	return s != NULL ? msg_pool_dup(m, s, strlen(s)) : NULL;
}

/* msg_grow - room for element n of an array grown at powers of two */
void *msg_grow(void *arr, size_t n, size_t sz)
{
	if (n == 0)
		return sc_reallocarray(arr, 8, sz);
	if (n >= 8 && (n & (n - 1)) == 0)
		return sc_reallocarray(arr, n * 2, sz);
	return arr;
}

/* line_end - index just past the line starting at p (its LF, or len) */
static size_t line_end(const char *raw, size_t len, size_t p)
{
	const char *nl = memchr(raw + p, '\n', len - p);

	return nl != NULL ? (size_t) (nl - raw) + 1 : len;
}

/* is_blank_line - the line [p, e) is empty (just CRLF or LF) */
static int is_blank_line(const char *raw, size_t p, size_t e)
{
	size_t n = e - p;

	return (n == 1 && raw[p] == '\n') || (n == 2 && raw[p] == '\r' && raw[p + 1] == '\n');
}

/* unfold - the value with each line break and the blanks after it as one
 * space (SpamAssassin's unfolding: "a\n\tb" is "a b"), trimmed of
 * surrounding white space */
static char *unfold(sc_msg *m, const char *raw, size_t n)
{
	sc_buf b;
	size_t i = 0;
	char *out;

	sc_buf_init(&b, SC_BUF_UNLIMITED);
	while (i < n && (raw[i] == ' ' || raw[i] == '\t'))
		i++;
	for (; i < n; i++) {
		if (raw[i] == '\r' && i + 1 < n && raw[i + 1] == '\n')
			continue;
		if (raw[i] == '\n') {
			if (i + 1 < n && (raw[i + 1] == ' ' || raw[i + 1] == '\t')) {
				while (i + 1 < n && (raw[i + 1] == ' ' || raw[i + 1] == '\t'))
					i++;
				if (b.len > 0) /* a value starting on the next line */
					(void) sc_buf_putc(&b, ' ');
			}
			continue;
		}
		(void) sc_buf_putc(&b, raw[i] != '\0' ? raw[i] : ' ');
	}
	while (b.len > 0 &&
	       (b.data[b.len - 1] == ' ' || b.data[b.len - 1] == '\t' || b.data[b.len - 1] == '\r'))
		b.data[--b.len] = '\0';
	out = msg_pool_dup(m, sc_buf_cstr(&b), b.len);
	sc_buf_free(&b);
	return out;
}

/* field_name_len - length of the "Name" before the colon of line [p, e), 0 if none */
static size_t field_name_len(const char *raw, size_t p, size_t e)
{
	size_t i;

	for (i = p; i < e; i++) {
		unsigned char ch = (unsigned char) raw[i];

		if (ch == ':')
			return i > p ? i - p : 0;
		if (ch <= 32 || ch >= 127)
			break;
	}
	/* Tolerate "Name :" (white space before the colon), as many parsers do. */
	while (i < e && (raw[i] == ' ' || raw[i] == '\t'))
		i++;
	if (i < e && raw[i] == ':' && i > p) {
		size_t n = i - p;

		while (n > 0 && (raw[p + n - 1] == ' ' || raw[p + n - 1] == '\t'))
			n--;
		return n;
	}
	return 0;
}

/* add_header - record the field spanning [p, e) whose name has nlen bytes */
static void add_header(sc_msg *m, const char *raw, size_t p, size_t e, size_t nlen)
{
	const char *colon = memchr(raw + p + nlen, ':', e - p - nlen);
	size_t vstart = (size_t) (colon - raw) + 1;
	msg_header *h;

	if (m->nheaders == SC_MSG_MAX_HEADERS) {
		m->findings |= SC_MSG_TOO_MANY_HEADERS;
		return;
	}
	m->headers = msg_grow(m->headers, m->nheaders, sizeof(*m->headers));
	h = &m->headers[m->nheaders++];
	h->name = msg_pool_dup(m, raw + p, nlen);
	h->raw = msg_pool_dup(m, raw + vstart, e - vstart);
	h->value = unfold(m, raw + vstart, e - vstart);
	h->decoded = NULL; /* filled once GMime's options exist */
	for (size_t i = vstart; i < e; i++)
		if ((unsigned char) raw[i] >= 0x80) {
			m->findings |= SC_MSG_8BIT_HEADER;
			break;
		}
}

/* normalise_eol - a copy of raw with every CRLF turned into LF */
static char *normalise_eol(const char *raw, size_t len, size_t *out_len)
{
	char *out = sc_malloc(len + 1);
	size_t o = 0;

	for (size_t i = 0; i < len; i++) {
		if (raw[i] == '\r' && i + 1 < len && raw[i + 1] == '\n')
			continue;
		out[o++] = raw[i];
	}
	out[o] = '\0';
	*out_len = o;
	return out;
}

/* split_headers - the header fields of raw[p, len); returns the body start */
static size_t split_headers(sc_msg *m, const char *raw, size_t len, size_t p)
{
	size_t body_start = len;

	m->findings |= SC_MSG_NO_HEADER_END;
	while (p < len) {
		size_t e = line_end(raw, len, p), nlen;

		if (is_blank_line(raw, p, e)) {
			body_start = e;
			m->findings &= ~(unsigned) SC_MSG_NO_HEADER_END;
			break;
		}
		nlen = field_name_len(raw, p, e);
		if (nlen == 0) {
			m->findings |= SC_MSG_BAD_HEADER_LINE;
			p = e;
			continue;
		}
		/* Take the continuation lines that follow. */
		while (e < len && (raw[e] == ' ' || raw[e] == '\t'))
			e = line_end(raw, len, e);
		add_header(m, raw, p, e, nlen);
		p = e;
	}
	return body_start;
}

/* encoded_word_len - length of the RFC 2047 encoded word =?cs?e?text?= at s
 * (charset and text without white space or '?'), 0 if there is none */
static size_t encoded_word_len(const char *s)
{
	const char *p = s + 2;

	if (s[0] != '=' || s[1] != '?')
		return 0;
	while (*p != '\0' && *p != '?' && !isspace((unsigned char) *p))
		p++;
	if (*p != '?' || p == s + 2 || strchr("BbQq", p[1]) == NULL || p[1] == '\0' || p[2] != '?')
		return 0;
	for (p += 3; *p != '\0' && *p != '?' && !isspace((unsigned char) *p); p++)
		;
	return p[0] == '?' && p[1] == '=' ? (size_t) (p + 2 - s) : 0;
}

/* decode_words - value with each encoded word decoded on its own and the
 * white space between two encoded words dropped, as SpamAssassin decodes
 * (GMime joins adjacent words before decoding, and loses the second when
 * the first ends in base64 padding) */
static char *decode_words(GMimeParserOptions *opts, const char *value)
{
	sc_buf out, seg;
	const char *p = value;

	sc_buf_init(&out, SC_BUF_UNLIMITED);
	sc_buf_init(&seg, SC_BUF_UNLIMITED);
	while (*p != '\0') {
		size_t w = encoded_word_len(p), k = 0;
		char *d;

		if (w == 0) { /* plain text up to the next encoded word */
			while (p[k] != '\0' && encoded_word_len(p + k) == 0)
				k++;
			/* only white space between two words: dropped */
			if (out.len > 0 && p[k] != '\0' && strspn(p, " \t") >= k) {
				p += k;
				continue;
			}
			w = k;
		}
		sc_buf_reset(&seg);
		(void) sc_buf_append(&seg, p, w);
		d = g_mime_utils_header_decode_text(opts, sc_buf_cstr(&seg));
		(void) sc_buf_puts(&out, d != NULL ? d : sc_buf_cstr(&seg));
		g_free(d);
		p += w;
	}
	sc_buf_free(&seg);
	p = sc_buf_steal(&out);
	return p != NULL ? (char *) p : sc_strdup("");
}

/* decode_headers - each field's RFC 2047-decoded UTF-8 value */
static void decode_headers(sc_msg *m, GMimeParserOptions *opts)
{
	for (size_t i = 0; i < m->nheaders; i++) {
		msg_header *h = &m->headers[i];
		char *d;

		if (strstr(h->value, "=?") == NULL && !(m->findings & SC_MSG_8BIT_HEADER)) {
			h->decoded = h->value; /* nothing to decode: share the string */
			continue;
		}
		d = decode_words(opts, h->value);
		if (d == NULL) {
			h->decoded = h->value;
			continue;
		}
		/* GMime converts raw 8-bit text with its fallback charsets, but a
		 * word in a charset it cannot convert may stay invalid UTF-8. */
		if (!g_utf8_validate(d, -1, NULL)) {
			char *valid = g_utf8_make_valid(d, -1);

			free(d);
			d = sc_strdup(valid);
			g_free(valid);
		}
		h->decoded = msg_pool_str(m, d);
		free(d);
	}
}

/* limits_or_defaults - lim with every 0 replaced by its default */
static sc_msg_limits limits_or_defaults(const sc_msg_limits *lim)
{
	sc_msg_limits l = {0, 0, 0, 0};

	if (lim != NULL)
		l = *lim;
	if (l.max_depth == 0)
		l.max_depth = SC_MSG_DEFAULT_MAX_DEPTH;
	if (l.max_parts == 0)
		l.max_parts = SC_MSG_DEFAULT_MAX_PARTS;
	if (l.max_decoded == 0)
		l.max_decoded = SC_MSG_DEFAULT_MAX_DECODED;
	if (l.max_zip_entries == 0)
		l.max_zip_entries = SC_MSG_DEFAULT_MAX_ZIP_ENTRIES;
	return l;
}

/* sc_msg_parse_limits - headers, then the MIME model, within lim */
sc_msg *sc_msg_parse_limits(const char *crlf_raw, size_t crlf_len, const sc_msg_limits *lim)
{
	sc_msg *m = sc_calloc(1, sizeof(*m));
	size_t len, p = 0, body_start;
	char *raw = normalise_eol(crlf_raw, crlf_len, &len);
	GMimeParserOptions *opts;

	sc_msg_global_init();
	m->lim = limits_or_defaults(lim);
	sc_buf_init(&m->body_text, SC_BUF_UNLIMITED);
	sc_buf_init(&m->sa_body, SC_BUF_UNLIMITED);
	sc_buf_init(&m->rawbody, SC_BUF_UNLIMITED);
	m->urls = sc_url_set_new(0);
	if (memchr(raw, '\0', len) != NULL)
		m->findings |= SC_MSG_NUL_BYTES;
	if (len >= 5 && memcmp(raw, "From ", 5) == 0)
		p = line_end(raw, len, 0);
	body_start = split_headers(m, raw, len, p);
	m->body_len = len - body_start;
	m->body = sc_malloc(m->body_len + 1);
	memcpy(m->body, raw + body_start, m->body_len);
	m->body[m->body_len] = '\0';

	opts = msg_parser_options(m);
	decode_headers(m, opts);
	msg_addr_collect(m, opts);
	g_mime_parser_options_free(opts);
	msg_mime_walk(m, raw + p, len - p);
	msg_render_end(m);
	if (sc_url_set_truncated(m->urls))
		m->findings |= SC_MSG_URL_LIMIT;
	free(raw);
	return m;
}

/* sc_msg_parse - parse with the default limits */
sc_msg *sc_msg_parse(const char *raw, size_t len)
{
	return sc_msg_parse_limits(raw, len, NULL);
}

/* sc_msg_free - release the model and its pool */
void sc_msg_free(sc_msg *m)
{
	if (m == NULL)
		return;
	for (size_t i = 0; i < m->nhtmls; i++)
		sc_html_free(m->htmls[i]);
	free(m->htmls);
	sc_url_set_free(m->urls);
	free(m->headers);
	free(m->addrs);
	free(m->parts);
	for (size_t i = 0; i < m->natts; i++) {
		free((void *) m->atts[i].exts);
		free((void *) m->atts[i].entries);
	}
	free(m->atts);
	sc_buf_free(&m->body_text);
	sc_buf_free(&m->sa_body);
	sc_buf_free(&m->rawbody);
	free(m->body);
	while (m->pool != NULL) {
		msg_pool_chunk *next = m->pool->next;

		free(m->pool);
		m->pool = next;
	}
	free(m);
}

/* sc_msg_header_count - number of fields */
size_t sc_msg_header_count(const sc_msg *m)
{
	return m->nheaders;
}

/* field - field i; an index past the end is a caller bug */
static const msg_header *field(const sc_msg *m, size_t i)
{
	if (i >= m->nheaders)
		sc_panic("header index %zu out of range (%zu fields)", i, m->nheaders);
	return &m->headers[i];
}

/* sc_msg_header_name - the name of field i */
const char *sc_msg_header_name(const sc_msg *m, size_t i)
{
	return field(m, i)->name;
}

/* sc_msg_header_value - the unfolded value of field i */
const char *sc_msg_header_value(const sc_msg *m, size_t i)
{
	return field(m, i)->value;
}

/* sc_msg_header_decoded - the RFC 2047-decoded value of field i */
const char *sc_msg_header_decoded(const sc_msg *m, size_t i)
{
	return field(m, i)->decoded;
}

/* sc_msg_header_raw - the value of field i as received */
const char *sc_msg_header_raw(const sc_msg *m, size_t i)
{
	return field(m, i)->raw;
}

/* sc_msg_header_find - the next field with this name, any case */
long sc_msg_header_find(const sc_msg *m, const char *name, size_t from)
{
	for (size_t i = from; i < m->nheaders; i++)
		if (strcasecmp(m->headers[i].name, name) == 0)
			return (long) i;
	return -1;
}

/* sc_msg_body - the body as received */
const char *sc_msg_body(const sc_msg *m, size_t *len)
{
	*len = m->body_len;
	return m->body;
}

/* sc_msg_body_text - the `body` rendering */
const char *sc_msg_body_text(const sc_msg *m, size_t *len)
{
	*len = m->body_text.len;
	return sc_buf_cstr(&m->body_text);
}

/* sc_msg_rawbody - the `rawbody` rendering */
const char *sc_msg_rawbody(const sc_msg *m, size_t *len)
{
	*len = m->rawbody.len;
	return sc_buf_cstr(&m->rawbody);
}

/* sc_msg_findings - anomalies seen while parsing */
unsigned sc_msg_findings(const sc_msg *m)
{
	return m->findings;
}

/* sc_msg_finding_name - the name of one finding flag */
const char *sc_msg_finding_name(unsigned flag)
{
	static const char *const names[SC_MSG_FINDING_COUNT] = {
		"NO_HEADER_END",    "BAD_HEADER_LINE",  "TOO_MANY_HEADERS", "NUL_BYTES",
		"MIME_DEPTH",       "MIME_PARTS",       "DECODED_SIZE",     "MIME_MALFORMED",
		"BAD_ENCODED_WORD", "BAD_ADDRESS_LIST", "BAD_CHARSET",      "8BIT_HEADER",
		"ARCHIVE_LIMIT",    "HTML_LIMIT",       "URL_LIMIT",
	};

	for (unsigned i = 0; i < SC_MSG_FINDING_COUNT; i++)
		if (flag == 1u << i)
			return names[i];
	return NULL;
}

/* sc_msg_addr_count - addresses found */
size_t sc_msg_addr_count(const sc_msg *m)
{
	return m->naddrs;
}

/* sc_msg_addr_at - address i; past the end is a caller bug */
const sc_msg_addr *sc_msg_addr_at(const sc_msg *m, size_t i)
{
	if (i >= m->naddrs)
		sc_panic("address index %zu out of range (%zu)", i, m->naddrs);
	return &m->addrs[i];
}

/* sc_msg_part_count - MIME parts kept */
size_t sc_msg_part_count(const sc_msg *m)
{
	return m->nparts;
}

/* sc_msg_part_at - part i; past the end is a caller bug */
const sc_msg_part *sc_msg_part_at(const sc_msg *m, size_t i)
{
	if (i >= m->nparts)
		sc_panic("part index %zu out of range (%zu)", i, m->nparts);
	return &m->parts[i];
}

/* sc_msg_attachment_count - attachments found */
size_t sc_msg_attachment_count(const sc_msg *m)
{
	return m->natts;
}

/* sc_msg_attachment_at - attachment i; past the end is a caller bug */
const sc_msg_attachment *sc_msg_attachment_at(const sc_msg *m, size_t i)
{
	if (i >= m->natts)
		sc_panic("attachment index %zu out of range (%zu)", i, m->natts);
	return &m->atts[i];
}

/* sc_msg_urls - the URL set */
const sc_url_set *sc_msg_urls(const sc_msg *m)
{
	return m->urls;
}

/* sc_msg_html_findings - SC_HTML_* flags of every HTML part */
unsigned sc_msg_html_findings(const sc_msg *m)
{
	return m->html_findings;
}
