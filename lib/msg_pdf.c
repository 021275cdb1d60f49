/*
 * msg_pdf.c - the links of an attached PDF: its URI actions (/URI (...)),
 * where a click on the page goes. Phishing kits mail a one-page PDF whose
 * only content is a button or a QR code's caption linking to the login
 * page, so the mail's own text has no link at all.
 *
 * Not a PDF parser: the bytes are searched for "/URI" followed by a
 * literal string (escapes and octal codes decoded) or a hex string. The
 * dictionaries holding them are often inside compressed object streams
 * (PDF 1.5), so every "stream" whose dictionary names /FlateDecode is
 * inflated (zlib) and searched the same way. Bounded: at most
 * PDF_MAX_STREAMS streams inflated, PDF_MAX_INFLATED bytes of output in
 * all (a decompression bomb stops there), PDF_MAX_LINKS links kept;
 * encrypted PDFs (an /Encrypt dictionary) have their strings enciphered
 * and give nothing. Thread-safe: no state outside the message.
 */
#include "autoconfig.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "buf.h"
#include "msg_int.h"
#include "url.h"

#define PDF_MAX_STREAMS  256
#define PDF_MAX_INFLATED (4u * 1024u * 1024u)
#define PDF_MAX_LINKS    64
#define PDF_MAX_URI      2048 /* bytes of one decoded URI */
#define PDF_DICT_BACK    512  /* bytes before "stream" searched for /FlateDecode */

typedef struct pdf_scan {
	sc_msg *m;
	size_t links;
	size_t inflated; /* bytes of output so far */
	size_t streams;
} pdf_scan;

/* is_pdf_space - PDF white space */
static int is_pdf_space(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\0';
}

/* hex_value - 0-15 for a hex digit, -1 otherwise */
static int hex_value(unsigned char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* literal_string - decode the literal string starting after its '(' at p
 * into out (nested parentheses kept, escapes decoded); the end, or NULL
 * when it does not close before end */
static const char *literal_string(const char *p, const char *end, sc_buf *out)
{
	int depth = 1;

	while (p < end && out->len < PDF_MAX_URI) {
		unsigned char c = (unsigned char) *p++;

		if (c == '\\' && p < end) {
			unsigned char e = (unsigned char) *p++;
			int v = 0, k;

			switch (e) {
			case 'n': c = '\n'; break;
			case 'r': c = '\r'; break;
			case 't': c = '\t'; break;
			case 'b': c = '\b'; break;
			case 'f': c = '\f'; break;
			case '\r': /* a line continuation */
				if (p < end && *p == '\n')
					p++;
				continue;
			case '\n':
				continue;
			default:
				if (e >= '0' && e <= '7') {
					v = e - '0';
					for (k = 1; k < 3 && p < end && *p >= '0' && *p <= '7'; k++)
						v = v * 8 + (*p++ - '0');
					c = (unsigned char) v;
				} else {
					c = e; /* \( \) \\ and any other: the byte itself */
				}
			}
			(void) sc_buf_putc(out, (char) c);
			continue;
		}
		if (c == '(')
			depth++;
		else if (c == ')' && --depth == 0)
			return p;
		(void) sc_buf_putc(out, (char) c);
	}
	return NULL;
}

/* hex_string - decode the hex string starting after its '<' at p into out */
static const char *hex_string(const char *p, const char *end, sc_buf *out)
{
	int hi = -1;

	while (p < end && out->len < PDF_MAX_URI) {
		unsigned char c = (unsigned char) *p++;
		int v;

		if (c == '>') {
			if (hi >= 0)
				(void) sc_buf_putc(out, (char) (hi << 4));
			return p;
		}
		if ((v = hex_value(c)) < 0)
			continue; /* white space; anything else is skipped as well */
		if (hi < 0) {
			hi = v;
		} else {
			(void) sc_buf_putc(out, (char) (hi << 4 | v));
			hi = -1;
		}
	}
	return NULL;
}

/* add_uri - one decoded URI to the message's links */
static void add_uri(pdf_scan *s, const sc_buf *uri)
{
	const char *u = uri->data;
	size_t n = uri->len, k = 0;
	char tmp[PDF_MAX_URI];

	/* a UTF-16BE string (with its byte order mark) is rare for a URI:
	 * its low bytes are taken */
	if (n >= 2 && (unsigned char) u[0] == 0xFE && (unsigned char) u[1] == 0xFF) {
		for (size_t i = 3; i < n && k < sizeof(tmp); i += 2)
			tmp[k++] = u[i];
		u = tmp;
		n = k;
	}
	if (n == 0 || s->links >= PDF_MAX_LINKS)
		return;
	if (sc_url_set_add(s->m->urls, u, n, SC_URL_SRC_ATTACH) != NULL)
		s->links++;
}

/* find_uris - every /URI string in data */
static void find_uris(pdf_scan *s, const char *data, size_t n)
{
	const char *p = data, *end = data + n;
	sc_buf uri;

	sc_buf_init(&uri, PDF_MAX_URI + 1);
	while (s->links < PDF_MAX_LINKS && (p = memmem(p, (size_t) (end - p), "/URI", 4)) != NULL) {
		const char *q = p + 4;

		p = q;
		/* "/URI" and not "/URIs" or another name that starts so */
		while (q < end && is_pdf_space((unsigned char) *q))
			q++;
		if (q >= end || (*q != '(' && *q != '<') || (q + 1 < end && q[0] == '<' && q[1] == '<'))
			continue;
		sc_buf_reset(&uri);
		q = *q == '(' ? literal_string(q + 1, end, &uri) : hex_string(q + 1, end, &uri);
		if (q == NULL)
			continue;
		add_uri(s, &uri);
		p = q;
	}
	sc_buf_free(&uri);
}

/* inflate_stream - the inflated bytes of the stream whose data starts at p
 * into out, within the scan's budget; 0 when nothing came out */
static int inflate_stream(pdf_scan *s, const char *p, const char *end, sc_buf *out)
{
	unsigned char chunk[16384];
	z_stream z;
	int rc;

	memset(&z, 0, sizeof(z));
	if (inflateInit(&z) != Z_OK)
		return 0;
	z.next_in = (Bytef *) (uintptr_t) p;
	z.avail_in = (uInt) ((size_t) (end - p) > (size_t) UINT32_MAX ? UINT32_MAX
								       : (size_t) (end - p));
	do {
		z.next_out = chunk;
		z.avail_out = sizeof(chunk);
		rc = inflate(&z, Z_NO_FLUSH);
		if (rc != Z_OK && rc != Z_STREAM_END && rc != Z_BUF_ERROR)
			break;
		(void) sc_buf_append(out, (const char *) chunk, sizeof(chunk) - z.avail_out);
		s->inflated += sizeof(chunk) - z.avail_out;
		if (rc == Z_BUF_ERROR && z.avail_out != 0)
			break; /* the input ran out */
	} while (rc != Z_STREAM_END && s->inflated < PDF_MAX_INFLATED);
	(void) inflateEnd(&z);
	return out->len > 0;
}

/* inflate_streams - search every Flate stream of data for /URI */
static void inflate_streams(pdf_scan *s, const char *data, size_t n)
{
	const char *p = data, *end = data + n;
	sc_buf out;

	sc_buf_init(&out, SC_BUF_UNLIMITED);
	while (s->streams < PDF_MAX_STREAMS && s->inflated < PDF_MAX_INFLATED &&
	       s->links < PDF_MAX_LINKS &&
	       (p = memmem(p, (size_t) (end - p), "stream", 6)) != NULL) {
		const char *kw = p, *back = kw - data > PDF_DICT_BACK ? kw - PDF_DICT_BACK : data;

		p += 6;
		/* "stream" begins a line after the dictionary's ">>"; "endstream" is
		 * not it */
		if (kw > data && kw[-1] == 'd')
			continue;
		if (p < end && *p == '\r')
			p++;
		if (p >= end || *p != '\n')
			continue;
		p++;
		if (memmem(back, (size_t) (kw - back), "/FlateDecode", 12) == NULL)
			continue;
		s->streams++;
		sc_buf_reset(&out);
		if (inflate_stream(s, p, end, &out))
			find_uris(s, out.data, out.len);
	}
	sc_buf_free(&out);
}

/* msg_pdf_links - see msg_int.h */
void msg_pdf_links(sc_msg *m, const char *data, size_t n)
{
	pdf_scan s;

	if (n < 8 || memmem(data, n < 1024 ? n : 1024, "%PDF-", 5) == NULL)
		return;
	if (memmem(data, n, "/Encrypt", 8) != NULL)
		return;
	memset(&s, 0, sizeof(s));
	s.m = m;
	find_uris(&s, data, n);
	inflate_streams(&s, data, n);
}
