/*
 * msg_text.c - decoded text to UTF-8.
 *
 * As SpamAssassin 4.0 decodes (Message::Node::_normalize): text with 8-bit
 * bytes that is valid UTF-8 is taken as UTF-8 whatever charset it declares;
 * iso-8859-1 means windows-1252. Otherwise the declared charset is used when
 * iconv knows it (through GMime's alias table). When it is missing, us-ascii with
 * 8-bit bytes, or unknown, the text is taken as UTF-8 if it is valid UTF-8
 * and as windows-1252 (a superset of latin1 that mail clients assume)
 * otherwise; that fallback is a finding (SC_MSG_BAD_CHARSET) when 8-bit
 * bytes needed it. Bytes the charset cannot convert become U+FFFD, one per
 * byte, and the conversion goes on: text never fails to convert. NUL bytes
 * are kept.
 *
 * Descriptors come from GMime's iconv cache (g_mime_iconv_open, which maps
 * charset aliases and is thread-safe: a descriptor in use is never handed
 * to another thread), so gconv modules are not loaded and unloaded for
 * every part.
 */
#include "autoconfig.h"

#include <errno.h>
#include <iconv.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "buf.h"
#include "mem.h"
#include "msg_int.h"

#define REPLACEMENT "\xef\xbf\xbd" /* U+FFFD in UTF-8 */

/* has_8bit - any byte >= 0x80 in [in, in + n) */
static int has_8bit(const char *in, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if ((unsigned char) in[i] >= 0x80)
			return 1;
	return 0;
}

/* valid_utf8 - [in, in + n) is valid UTF-8, NUL bytes allowed */
static int valid_utf8(const char *in, size_t n)
{
	const char *p = in, *end = in + n, *bad;

	while (p < end) {
		if (g_utf8_validate(p, end - p, &bad))
			return 1;
		if (*bad != '\0')
			return 0;
		p = bad + 1;
	}
	return 1;
}

/* utf8_repaired - valid UTF-8 with each invalid byte replaced by U+FFFD */
static void utf8_repaired(sc_buf *out, const char *in, size_t n)
{
	const char *p = in, *end = in + n, *bad;

	while (p < end) {
		if (g_utf8_validate(p, end - p, &bad)) {
			(void) sc_buf_append(out, p, (size_t) (end - p));
			return;
		}
		(void) sc_buf_append(out, p, (size_t) (bad - p));
		p = bad;
		if (*p == '\0') { /* g_utf8_validate stops at NUL: keep it */
			(void) sc_buf_putc(out, '\0');
			p++;
			continue;
		}
		(void) sc_buf_puts(out, REPLACEMENT);
		p++;
	}
}

/* convert - iconv from charset to UTF-8 with U+FFFD for what does not
 * convert; -1 when iconv does not know the charset */
static int convert(sc_buf *out, const char *in, size_t n, const char *charset)
{
	iconv_t cd = g_mime_iconv_open("UTF-8", charset);
	char chunk[4096];
	char *ip = (char *) in;
	size_t il = n;

	if (cd == (iconv_t) -1)
		return -1;
	(void) iconv(cd, NULL, NULL, NULL, NULL); /* a cached descriptor starts clean */
	while (il > 0) {
		char *op = chunk;
		size_t ol = sizeof(chunk);
		size_t r = iconv(cd, &ip, &il, &op, &ol);
		int err = errno;

		(void) sc_buf_append(out, chunk, (size_t) (op - chunk));
		if (r != (size_t) -1)
			break;
		if (err == E2BIG)
			continue;
		/* EILSEQ (a byte that does not convert) or EINVAL (a sequence cut
		 * at the end): one replacement character per byte, go on. */
		(void) sc_buf_puts(out, REPLACEMENT);
		ip++;
		il--;
		(void) iconv(cd, NULL, NULL, NULL, NULL);
	}
	g_mime_iconv_close(cd);
	return 0;
}

/* is_utf8_name - charset names meaning UTF-8 */
static int is_utf8_name(const char *cs)
{
	return strcasecmp(cs, "utf-8") == 0 || strcasecmp(cs, "utf8") == 0;
}

/* is_ascii_name - charset names meaning 7-bit ASCII */
static int is_ascii_name(const char *cs)
{
	return strcasecmp(cs, "us-ascii") == 0 || strcasecmp(cs, "ascii") == 0 ||
	       strcasecmp(cs, "ansi_x3.4-1968") == 0;
}

/* fallback - undeclared or unusable charset: UTF-8 when valid, else windows-1252 */
static void fallback(sc_buf *out, const char *in, size_t n, int *bad_charset)
{
	if (!has_8bit(in, n) || valid_utf8(in, n)) {
		utf8_repaired(out, in, n); /* only NULs to step over */
		return;
	}
	*bad_charset = 1;
	if (convert(out, in, n, "windows-1252") < 0)
		utf8_repaired(out, in, n);
}

/* is_latin1_name - charset names SpamAssassin reads as windows-1252 */
static int is_latin1_name(const char *cs)
{
	return strcasecmp(cs, "iso-8859-1") == 0 || strcasecmp(cs, "iso8859-1") == 0;
}

/* msg_to_utf8 - text in charset as UTF-8, never failing */
char *msg_to_utf8(const char *in, size_t n, const char *charset, size_t *out_len, int *bad_charset)
{
	sc_buf out;
	char *s;

	sc_buf_init(&out, SC_BUF_UNLIMITED);
	if (n == 0) {
		*out_len = 0;
		return sc_strdup("");
	}
	if (charset == NULL || charset[0] == '\0' || is_ascii_name(charset)) {
		fallback(&out, in, n, bad_charset);
	} else if (!is_utf8_name(charset) && has_8bit(in, n) && valid_utf8(in, n)) {
		utf8_repaired(&out, in, n); /* UTF-8 first, as SpamAssassin */
	} else if (is_latin1_name(charset)) {
		if (convert(&out, in, n, "windows-1252") < 0)
			utf8_repaired(&out, in, n);
	} else if (is_utf8_name(charset)) {
		if (!valid_utf8(in, n))
			*bad_charset = 1;
		utf8_repaired(&out, in, n);
	} else if (convert(&out, in, n, charset) < 0) {
		if (has_8bit(in, n))
			*bad_charset = 1;
		fallback(&out, in, n, bad_charset);
	}
	*out_len = out.len;
	s = sc_buf_steal(&out);
	return s != NULL ? s : sc_strdup("");
}
