/*
 * msg.c - the message model, first slice: header fields and the raw body.
 *
 * Header lines are split at the first empty line (CRLF or LF). A field is a
 * "Name:" line plus its continuation lines (starting with space or tab). A
 * line that is neither is a finding, not an error: it is skipped, as mail
 * clients do. A leading mbox "From " line is not a header.
 */
#include "autoconfig.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "buf.h"
#include "mem.h"
#include "msg.h"

typedef struct header {
	char *name;
	char *value; /* unfolded, trimmed */
	char *raw;   /* as received after the colon */
} header;

struct sc_msg {
	header *headers;
	size_t nheaders;
	char *body; /* NUL-terminated copy */
	size_t body_len;
	unsigned findings;
};

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

/* unfold - the value without line breaks, trimmed of surrounding white space */
static char *unfold(const char *raw, size_t n)
{
	sc_buf b;
	size_t i = 0;

	sc_buf_init(&b, SC_BUF_UNLIMITED);
	while (i < n && (raw[i] == ' ' || raw[i] == '\t'))
		i++;
	for (; i < n; i++) {
		if (raw[i] == '\r' && i + 1 < n && raw[i + 1] == '\n')
			continue;
		if (raw[i] == '\n')
			continue;
		(void) sc_buf_putc(&b, raw[i] != '\0' ? raw[i] : ' ');
	}
	while (b.len > 0 &&
	       (b.data[b.len - 1] == ' ' || b.data[b.len - 1] == '\t' || b.data[b.len - 1] == '\r'))
		b.data[--b.len] = '\0';
	return sc_buf_steal(&b);
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
	header *h;

	if (m->nheaders == SC_MSG_MAX_HEADERS) {
		m->findings |= SC_MSG_TOO_MANY_HEADERS;
		return;
	}
	if ((m->nheaders & (m->nheaders - 1)) == 0) /* grow at powers of two */
		m->headers = sc_reallocarray(m->headers, m->nheaders ? m->nheaders * 2 : 16,
					     sizeof(*m->headers));
	h = &m->headers[m->nheaders++];
	h->name = sc_strndup(raw + p, nlen);
	h->raw = sc_malloc(e - vstart + 1);
	memcpy(h->raw, raw + vstart, e - vstart);
	h->raw[e - vstart] = '\0';
	h->value = unfold(raw + vstart, e - vstart);
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

/* sc_msg_parse - split the header block into fields, keep the body */
sc_msg *sc_msg_parse(const char *crlf_raw, size_t crlf_len)
{
	sc_msg *m = sc_calloc(1, sizeof(*m));
	size_t len, p = 0, body_start;
	char *raw = normalise_eol(crlf_raw, crlf_len, &len);

	body_start = len;
	if (memchr(raw, '\0', len) != NULL)
		m->findings |= SC_MSG_NUL_BYTES;
	if (len >= 5 && memcmp(raw, "From ", 5) == 0)
		p = line_end(raw, len, 0);
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
		while (e < len && (raw[e] == ' ' || raw[e] == '\t')) {
			size_t ne = line_end(raw, len, e);

			if (is_blank_line(raw, e, ne)) /* never true: starts with SP/TAB */
				break;
			e = ne;
		}
		add_header(m, raw, p, e, nlen);
		p = e;
	}
	m->body_len = len - body_start;
	m->body = sc_malloc(m->body_len + 1);
	memcpy(m->body, raw + body_start, m->body_len);
	m->body[m->body_len] = '\0';
	free(raw);
	return m;
}

/* sc_msg_free - release the model */
void sc_msg_free(sc_msg *m)
{
	if (m == NULL)
		return;
	for (size_t i = 0; i < m->nheaders; i++) {
		free(m->headers[i].name);
		free(m->headers[i].value);
		free(m->headers[i].raw);
	}
	free(m->headers);
	free(m->body);
	free(m);
}

/* sc_msg_header_count - number of fields */
size_t sc_msg_header_count(const sc_msg *m)
{
	return m->nheaders;
}

/* field - field i; an index past the end is a caller bug */
static const header *field(const sc_msg *m, size_t i)
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

/* sc_msg_findings - anomalies seen while parsing */
unsigned sc_msg_findings(const sc_msg *m)
{
	return m->findings;
}
