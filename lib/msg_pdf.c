/*
 * msg_pdf.c - the links of an attached PDF: its URI actions (/URI (...)),
 * where a click on the page goes. Phishing kits mail a one-page PDF whose
 * only content is a button or a QR code's caption linking to the login
 * page, so the mail's own text has no link at all.
 *
 * Not a PDF parser: the bytes are searched for "/URI" followed by a
 * literal string (escapes and octal codes decoded) or a hex string. The
 * dictionaries holding them are often inside compressed object streams
 * (PDF 1.5), so every object stream (/Type /ObjStm) whose dictionary names
 * /FlateDecode is inflated (zlib) and searched the same way; page
 * contents, images and fonts never hold a link annotation and are not
 * inflated. A value that
 * is not a printable ASCII URI with a scheme (or www.) is dropped: that
 * is also what an encrypted PDF's enciphered strings turn into.
 *
 * Bounded in memory and time: at most PDF_MAX_STREAMS streams inflated,
 * PDF_MAX_INFLATED bytes of output for the whole message (a decompression
 * bomb stops there), PDF_MAX_LINKS links per message; a string is read for
 * at most PDF_MAX_STRING input bytes and the search resumes where its
 * reading stopped, so each byte of the file and of the inflated output is
 * read a bounded number of times. Thread-safe: no state outside the
 * message.
 */
#include "autoconfig.h"

#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <zlib.h>

#include "ascii.h"
#include "buf.h"
#include "msg_int.h"
#include "url.h"

#define PDF_MAX_STREAMS  256
#define PDF_MAX_INFLATED (4u * 1024u * 1024u) /* per message */
#define PDF_MAX_LINKS    64                   /* per message */
#define PDF_MAX_URI      2048                 /* bytes of one decoded URI */
#define PDF_MAX_STRING   (4 * PDF_MAX_URI)    /* input bytes read for one string */
#define PDF_OBJ_BACK     4096 /* bytes before "stream" searched for its "obj" */
#define PDF_CHUNK        16384

/* is_pdf_space - PDF white space */
static int is_pdf_space(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\0';
}

/* literal_string - decode the literal string starting after its '(' at p
 * into out (nested parentheses kept, escapes decoded). Returns where the
 * reading stopped; *ok is 1 when that is just past the closing ')' and the
 * value fit in out */
static const char *literal_string(const char *p, const char *end, sc_buf *out, int *ok)
{
	const char *stop = end - p > PDF_MAX_STRING ? p + PDF_MAX_STRING : end;
	int depth = 1;

	*ok = 0;
	while (p < stop) {
		unsigned char c = (unsigned char) *p++;

		if (c == '\\' && p < stop) {
			unsigned char e = (unsigned char) *p++;
			int v, k;

			switch (e) {
			case 'n': c = '\n'; break;
			case 'r': c = '\r'; break;
			case 't': c = '\t'; break;
			case 'b': c = '\b'; break;
			case 'f': c = '\f'; break;
			case '\r': /* a line continuation */
				if (p < stop && *p == '\n')
					p++;
				continue;
			case '\n':
				continue;
			default:
				if (e >= '0' && e <= '7') {
					v = e - '0';
					for (k = 1; k < 3 && p < stop && *p >= '0' && *p <= '7'; k++)
						v = v * 8 + (*p++ - '0');
					c = (unsigned char) v;
				} else {
					c = e; /* \( \) \\ and any other: the byte itself */
				}
			}
		} else if (c == '(') {
			depth++;
		} else if (c == ')' && --depth == 0) {
			*ok = out->len < PDF_MAX_URI;
			return p;
		}
		if (out->len < PDF_MAX_URI)
			(void) sc_buf_putc(out, (char) c);
	}
	return p;
}

/* hex_string - decode the hex string starting after its '<' at p into out;
 * returns and sets *ok as literal_string does. Anything but hex digits and
 * white space ends it as malformed. */
static const char *hex_string(const char *p, const char *end, sc_buf *out, int *ok)
{
	const char *stop = end - p > PDF_MAX_STRING ? p + PDF_MAX_STRING : end;
	int hi = -1;

	*ok = 0;
	while (p < stop) {
		unsigned char c = (unsigned char) *p++;
		int v;

		if (c == '>') {
			if (hi >= 0 && out->len < PDF_MAX_URI)
				(void) sc_buf_putc(out, (char) (hi << 4));
			*ok = out->len < PDF_MAX_URI;
			return p;
		}
		if (is_pdf_space(c))
			continue;
		if ((v = sc_hex_value(c)) < 0)
			return p;
		if (hi < 0) {
			hi = v;
		} else {
			if (out->len < PDF_MAX_URI)
				(void) sc_buf_putc(out, (char) (hi << 4 | v));
			hi = -1;
		}
	}
	return p;
}

/* plain_uri - the decoded value as a URI into uri (NUL-terminated, at
 * most size bytes), or 0 when it is none: UTF-16BE (with its byte order
 * mark) keeps its ASCII characters; the result must be printable ASCII and
 * start with a scheme ("https:", "mailto:") or "www." */
static int plain_uri(const sc_buf *v, char *uri, size_t size)
{
	const unsigned char *s = (const unsigned char *) v->data;
	size_t n = v->len, k = 0, i, scheme;

	if (n >= 2 && s[0] == 0xFE && s[1] == 0xFF) {
		for (i = 2; i + 1 < n && k + 1 < size; i += 2)
			if (s[i] == 0 && s[i + 1] < 0x80)
				uri[k++] = (char) s[i + 1];
	} else {
		for (i = 0; i < n && k + 1 < size; i++)
			uri[k++] = (char) s[i];
	}
	uri[k] = '\0';
	while (k > 0 && isspace((unsigned char) uri[k - 1]))
		uri[--k] = '\0';
	if (k == 0)
		return 0;
	for (i = 0; i < k; i++)
		if ((unsigned char) uri[i] <= 0x20 || (unsigned char) uri[i] >= 0x7F)
			return 0;
	if (strncasecmp(uri, "www.", 4) == 0)
		return 1;
	for (scheme = 0; scheme < k && (isalnum((unsigned char) uri[scheme]) ||
					 uri[scheme] == '+' || uri[scheme] == '-' ||
					 uri[scheme] == '.');
	     scheme++)
		;
	return scheme >= 2 && scheme < k && uri[scheme] == ':' && isalpha((unsigned char) uri[0]);
}

/* find_uris - every /URI string in data, added to m's URLs */
static void find_uris(sc_msg *m, const char *data, size_t n)
{
	const char *p = data, *end = data + n;
	char uri[PDF_MAX_URI + 1];
	sc_buf v;

	sc_buf_init(&v, PDF_MAX_URI + 1);
	while (m->pdf_links < PDF_MAX_LINKS &&
	       (p = memmem(p, (size_t) (end - p), "/URI", 4)) != NULL) {
		int ok;

		p += 4;
		while (p < end && is_pdf_space((unsigned char) *p))
			p++;
		/* a string, not a dictionary ("<<") nor another name ("/URIs") */
		if (p >= end || (*p != '(' && *p != '<') || (end - p > 1 && p[0] == '<' && p[1] == '<'))
			continue;
		sc_buf_reset(&v);
		p = *p == '(' ? literal_string(p + 1, end, &v, &ok) : hex_string(p + 1, end, &v, &ok);
		if (ok && plain_uri(&v, uri, sizeof(uri)) &&
		    sc_url_set_add(m->urls, uri, strlen(uri), SC_URL_SRC_ATTACH) != NULL)
			m->pdf_links++;
	}
	sc_buf_free(&v);
}

/* inflate_stream - the inflated bytes of the stream whose data starts at p
 * into out, within the message's budget; 0 when nothing came out */
static int inflate_stream(sc_msg *m, const char *p, const char *end, sc_buf *out)
{
	unsigned char chunk[PDF_CHUNK];
	z_stream z;
	int rc;

	memset(&z, 0, sizeof(z));
	if (inflateInit(&z) != Z_OK)
		return 0;
	z.next_in = (Bytef *) (uintptr_t) p;
	z.avail_in = (uInt) ((size_t) (end - p) > (size_t) UINT32_MAX ? UINT32_MAX
								       : (size_t) (end - p));
	do {
		size_t got;

		z.next_out = chunk;
		z.avail_out = sizeof(chunk);
		rc = inflate(&z, Z_NO_FLUSH);
		if (rc != Z_OK && rc != Z_STREAM_END && rc != Z_BUF_ERROR)
			break;
		got = sizeof(chunk) - z.avail_out;
		(void) sc_buf_append(out, (const char *) chunk, got);
		m->pdf_inflated += got;
		if (rc == Z_BUF_ERROR && z.avail_out != 0)
			break; /* the input ran out */
	} while (rc != Z_STREAM_END && m->pdf_inflated < PDF_MAX_INFLATED);
	(void) inflateEnd(&z);
	return out->len > 0;
}

/* object_start - the "obj" keyword nearest before kw (within
 * PDF_OBJ_BACK bytes), or kw itself when there is none */
static const char *object_start(const char *data, const char *kw)
{
	size_t back = (size_t) (kw - data) < PDF_OBJ_BACK ? (size_t) (kw - data) : PDF_OBJ_BACK;

	for (size_t i = 3; i <= back; i++)
		if (memcmp(kw - i, "obj", 3) == 0)
			return kw - i;
	return kw;
}

/* inflate_streams - search every Flate object stream of data for /URI */
static void inflate_streams(sc_msg *m, const char *data, size_t n)
{
	const char *p = data, *end = data + n;
	size_t streams = 0;
	sc_buf out;

	sc_buf_init(&out, PDF_MAX_INFLATED + PDF_CHUNK);
	while (streams < PDF_MAX_STREAMS && m->pdf_inflated < PDF_MAX_INFLATED &&
	       m->pdf_links < PDF_MAX_LINKS &&
	       (p = memmem(p, (size_t) (end - p), "stream", 6)) != NULL) {
		const char *kw = p, *obj;

		p += 6;
		/* "stream" ends a line after the dictionary; "endstream" is not it */
		if (kw > data && kw[-1] == 'd')
			continue;
		if (p < end && *p == '\r')
			p++;
		if (p >= end || *p != '\n')
			continue;
		p++;
		obj = object_start(data, kw);
		if (memmem(obj, (size_t) (kw - obj), "/FlateDecode", 12) == NULL ||
		    memmem(obj, (size_t) (kw - obj), "/ObjStm", 7) == NULL)
			continue;
		streams++;
		sc_buf_reset(&out);
		if (inflate_stream(m, p, end, &out))
			find_uris(m, out.data, out.len);
	}
	sc_buf_free(&out);
}

/* msg_pdf_links - see msg_int.h */
void msg_pdf_links(sc_msg *m, const char *data, size_t n)
{
	if (n < 8 || memmem(data, n < 1024 ? n : 1024, "%PDF-", 5) == NULL ||
	    m->pdf_links >= PDF_MAX_LINKS)
		return;
	find_uris(m, data, n);
	inflate_streams(m, data, n);
}
