/*
 * url_extract.c - finding URLs in running text, as mail clients linkify it.
 *
 * At each word start the scanner tries, in order: a scheme URL
 * (scheme://..., also hxxp and "[:]//"; mailto:, data:, javascript:,
 * vbscript: without slashes), a www. form, an e-mail address (kept as a
 * mailto: URL), and a bare domain whose last label is a known public
 * suffix. Host names may use the obfuscated dots [.] (.) {.} [dot] (dot)
 * {dot} (flagged SC_URL_OBFUSCATED) and the ideographic full stops that
 * IDNA maps to '.'. A URL ends at white space, a control byte, invalid
 * UTF-8, or one of < > " `; then trailing . , ; : ! ? ' " are trimmed, and
 * ) ] } when unbalanced inside the URL, as mail clients do. The scan is
 * linear: attempts start only at word starts, a failed attempt on a dotted
 * chain resumes at its last label, and one URL is at most 64 KiB.
 */
#include "autoconfig.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "buf.h"
#include "mem.h"
#include "url.h"
#include "url_int.h"
#include "utf8.h"

#define EXTRACT_MAX_URL (64 * 1024) /* bytes of one URL found in text */

/* One URL found in text. */
typedef struct candidate {
	size_t start, end; /* the raw span */
	sc_buf clean;      /* text handed to the URL parser */
	unsigned flags;
	size_t resume; /* after a failed attempt: where the next word start may be */
} candidate;

/* is_alnum - ASCII letter or digit */
static int is_alnum(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

/* in_set - c is one of the bytes of set (never true for NUL) */
static int in_set(char c, const char *set)
{
	return c != '\0' && strchr(set, c) != NULL;
}

/* is_separator_cp - non-ASCII code points that end a label in running text: spaces,
 * punctuation, symbols, and the CJK scripts (written without spaces, so a domain
 * after CJK text starts at its first Latin letter; CJK IDNs need a scheme or www.) */
static int is_separator_cp(uint32_t cp)
{
	return cp < 0xC0 || (cp >= 0x2E80 && cp <= 0x9FFF) || (cp >= 0xAC00 && cp <= 0xD7AF) ||
	       (cp >= 0xF900 && cp <= 0xFAFF) || cp == 0xD7 || cp == 0xF7 ||
	       (cp >= 0x2000 && cp <= 0x2BFF) || (cp >= 0x3000 && cp <= 0x303F) ||
	       (cp >= 0xFE30 && cp <= 0xFE4F) || (cp >= 0xFF00 && cp <= 0xFF0F) ||
	       (cp >= 0xFF1A && cp <= 0xFF20) || (cp >= 0xFF3B && cp <= 0xFF40) ||
	       (cp >= 0xFF5B && cp <= 0xFF65) || cp == 0xFEFF || cp >= 0xFFF0;
}

/* dot_token - length of a dot at i ('.', an ideographic full stop, or an obfuscated
 * dot such as [.] or (dot)), 0 when there is none; *obf set for the obfuscated ones */
static size_t dot_token(const char *s, size_t n, size_t i, int *obf)
{
	static const char *const obfuscated[] = {"[.]", "(.)", "{.}", "[dot]", "(dot)", "{dot}"};
	static const char *const full_stops[] = {"\xE3\x80\x82", "\xEF\xBC\x8E", "\xEF\xBD\xA1"};

	if (i >= n)
		return 0;
	if (s[i] == '.')
		return 1;
	for (size_t k = 0; k < sizeof(full_stops) / sizeof(full_stops[0]); k++)
		if (n - i >= 3 && memcmp(s + i, full_stops[k], 3) == 0)
			return 3;
	for (size_t k = 0; k < sizeof(obfuscated) / sizeof(obfuscated[0]); k++) {
		size_t l = strlen(obfuscated[k]);

		if (n - i >= l && strncasecmp(s + i, obfuscated[k], l) == 0) {
			*obf = 1;
			return l;
		}
	}
	return 0;
}

/* label_char - length of one host-label character at i (ASCII alnum, - _ or a
 * non-ASCII letter), 0 when there is none */
static size_t label_char(const char *s, size_t n, size_t i)
{
	uint32_t cp;
	size_t k;

	if (i >= n)
		return 0;
	if (is_alnum((unsigned char) s[i]) || s[i] == '-' || s[i] == '_')
		return 1;
	if ((unsigned char) s[i] < 0x80)
		return 0;
	k = sc_utf8_decode(s + i, n - i, &cp);
	return (k == 0 || is_separator_cp(cp)) ? 0 : k;
}

/* is_word_start - whether a URL may start at i: not inside a word, a host or a
 * path (the character before is not a letter, digit, one of -_.@%+/\ or a
 * non-ASCII letter or full stop) */
static int is_word_start(const char *s, size_t n, size_t i)
{
	size_t back = i;
	uint32_t cp;

	if (i == 0)
		return 1;
	if ((unsigned char) s[i - 1] < 0x80)
		return !is_alnum((unsigned char) s[i - 1]) && !in_set(s[i - 1], "-_.@%+/\\");
	while (back > 0 && i - back < 4 && ((unsigned char) s[back - 1] & 0xC0) == 0x80)
		back--;
	if (back == 0 || i - back >= 4)
		return 1;
	back--; /* the lead byte */
	if (sc_utf8_decode(s + back, n - back, &cp) != i - back)
		return 1;
	return is_separator_cp(cp) && cp != 0x3002 && cp != 0xFF0E && cp != 0xFF61;
}

/* Where scan_host found the labels of a host. */
typedef struct host_span {
	size_t end;            /* after the last label */
	size_t labels;         /* number of labels */
	size_t last, last_len; /* the last label */
	int obf;               /* an obfuscated dot was used */
} host_span;

/* scan_host - dotted labels from i; the host is written to clean (dots made plain) */
static void scan_host(const char *s, size_t n, size_t i, host_span *h, sc_buf *clean)
{
	size_t k, d;
	int obf;

	memset(h, 0, sizeof(*h));
	h->end = i;
	for (;;) {
		size_t label = i;

		while ((k = label_char(s, n, i)) > 0)
			i += k;
		if (i == label)
			return;
		(void) sc_buf_append(clean, s + label, i - label);
		h->labels++;
		h->last = label;
		h->last_len = i - label;
		h->end = i;
		obf = 0;
		d = dot_token(s, n, i, &obf);
		if (d == 0 || label_char(s, n, i + d) == 0)
			return;
		(void) sc_buf_putc(clean, '.');
		h->obf |= obf;
		i += d;
	}
}

/* url_end - where a URL that started at i stops (white space, controls, <>"` ...) */
static size_t url_end(const char *s, size_t n, size_t i)
{
	if (n - i > EXTRACT_MAX_URL)
		n = i + EXTRACT_MAX_URL;
	while (i < n) {
		unsigned char c = (unsigned char) s[i];
		uint32_t cp;
		size_t k;

		if (c < 0x80) {
			if (c <= ' ' || c == 0x7f || in_set((char) c, "<>\"`"))
				return i;
			i++;
			continue;
		}
		k = sc_utf8_decode(s + i, n - i, &cp);
		if (k == 0 || (cp < 0xC0) || (cp >= 0x2000 && cp <= 0x206F) || cp == 0x3000 ||
		    cp == 0x3001 || cp == 0xFEFF || (cp >= 0xFF08 && cp <= 0xFF09))
			return i;
		i += k;
	}
	return i;
}

/* trim_end - drop trailing punctuation, and closing brackets that do not pair;
 * the bracket counts are taken once, so a long run of ')' stays linear */
static size_t trim_end(const char *s, size_t start, size_t end)
{
	static const char opens[] = "([{", closes[] = ")]}";
	size_t open[3] = {0, 0, 0}, close[3] = {0, 0, 0};

	for (size_t i = start; i < end; i++) {
		for (size_t k = 0; k < 3; k++) {
			open[k] += s[i] == opens[k];
			close[k] += s[i] == closes[k];
		}
	}
	while (end > start) {
		char c = s[end - 1];
		const char *b = in_set(c, closes) ? strchr(closes, c) : NULL;

		if (b != NULL && open[b - closes] < close[b - closes])
			close[b - closes]--;
		else if (!in_set(c, ".,;:!?'\""))
			return end;
		end--;
	}
	return end;
}

/* clean_authority - copy s[i..end) into clean, plain dots in the authority part */
static void clean_authority(candidate *c, const char *s, size_t i, size_t end)
{
	int in_authority = 1, obf;
	size_t d;

	while (i < end) {
		obf = 0;
		if (in_authority && in_set(s[i], "/?#\\"))
			in_authority = 0;
		if (in_authority && (d = dot_token(s, end, i, &obf)) > 0) {
			(void) sc_buf_putc(&c->clean, '.');
			c->flags |= obf ? SC_URL_OBFUSCATED : 0;
			i += d;
			continue;
		}
		(void) sc_buf_putc(&c->clean, s[i]);
		i++;
	}
}

/* try_scheme - "scheme://...", "scheme[:]//...", or mailto:/data:/javascript:/vbscript: */
static int try_scheme(candidate *c, const char *s, size_t n, size_t i)
{
	static const char *const opaque[] = {"mailto", "data", "javascript", "vbscript"};
	size_t k = i, sep, end;
	int slashes, is_opaque = 0;

	while (k < n && k - i < 32 &&
	       (is_alnum((unsigned char) s[k]) || s[k] == '+' || s[k] == '-'))
		k++;
	if (k - i < 2 || k >= n)
		return 0;
	if (s[k] == ':')
		sep = 1;
	else if (n - k >= 3 && memcmp(s + k, "[:]", 3) == 0)
		sep = 3;
	else
		return 0;
	slashes = n - k - sep >= 2 && s[k + sep] == '/' && s[k + sep + 1] == '/';
	for (size_t o = 0; o < sizeof(opaque) / sizeof(opaque[0]) && !slashes; o++)
		if (k - i == strlen(opaque[o]) && strncasecmp(s + i, opaque[o], k - i) == 0)
			is_opaque = 1;
	if (!slashes && !is_opaque)
		return 0;
	end = trim_end(s, i, url_end(s, n, k + sep));
	if (end <= k + sep + (slashes ? 2 : 0))
		return 0;
	c->start = i;
	c->end = end;
	(void) sc_buf_append(&c->clean, s + i, k - i);
	(void) sc_buf_putc(&c->clean, ':');
	if (sep == 3)
		c->flags |= SC_URL_OBFUSCATED;
	if (slashes) {
		(void) sc_buf_puts(&c->clean, "//");
		clean_authority(c, s, k + sep + 2, end);
	} else {
		(void) sc_buf_append(&c->clean, s + k + sep, end - k - sep);
	}
	return 1;
}

/* host_then_path - a host (already scanned) plus an optional :port/path */
static void host_then_path(candidate *c, const char *s, size_t n, size_t start, const host_span *h)
{
	size_t end = h->end;

	if (end < n && in_set(s[end], ":/?#"))
		end = trim_end(s, h->end, url_end(s, n, end));
	c->start = start;
	c->end = end;
	(void) sc_buf_append(&c->clean, s + h->end, end - h->end);
	c->flags |= SC_URL_NO_SCHEME | (h->obf ? SC_URL_OBFUSCATED : 0);
}

/* last_label_ok - the last label has a letter and is a known public suffix */
static int last_label_ok(const char *s, const host_span *h)
{
	int letter = 0;

	for (size_t k = 0; k < h->last_len; k++)
		letter |= !((unsigned char) s[h->last + k] >= '0' && s[h->last + k] <= '9');
	return letter && sc_url_known_suffix_ci(s + h->last, h->last_len);
}

/* try_host - a www. form, an e-mail address, or a bare domain with a known suffix */
static int try_host(candidate *c, const char *s, size_t n, size_t i)
{
	host_span h;
	size_t at = i;

	while (at < n && (is_alnum((unsigned char) s[at]) || in_set(s[at], "._%+-")))
		at++;
	if (at > i && at < n && s[at] == '@' && s[at - 1] != '.') {
		(void) sc_buf_puts(&c->clean, "mailto:");
		(void) sc_buf_append(&c->clean, s + i, at - i + 1);
		scan_host(s, n, at + 1, &h, &c->clean);
		if (h.labels >= 2 && last_label_ok(s, &h)) {
			c->start = i;
			c->end = h.end;
			c->flags |= SC_URL_NO_SCHEME | (h.obf ? SC_URL_OBFUSCATED : 0);
			return 1;
		}
		sc_buf_reset(&c->clean);
	}
	scan_host(s, n, i, &h, &c->clean);
	if (h.labels >= 2 && (h.end >= n || s[h.end] != '@') &&
	    ((h.labels >= 3 && strncasecmp(s + i, "www", 3) == 0 && label_char(s, n, i + 3) == 0) ||
	     last_label_ok(s, &h))) {
		host_then_path(c, s, n, i, &h);
		return 1;
	}
	/* A start inside these labels would scan the same chain to the same last
	 * label: resume at that label (where a scheme may begin), so the scan stays
	 * linear on long chains of obfuscated or ideographic dots. */
	if (h.labels >= 2)
		c->resume = h.last;
	sc_buf_reset(&c->clean);
	return 0;
}

/* find_at - a URL starting at word start i, into c; 1 when found */
static int find_at(candidate *c, const char *s, size_t n, size_t i)
{
	sc_buf_reset(&c->clean);
	c->flags = 0;
	c->resume = i + 1;
	if (is_alnum((unsigned char) s[i]) && try_scheme(c, s, n, i))
		return 1;
	sc_buf_reset(&c->clean);
	c->flags = 0;
	return label_char(s, n, i) > 0 && try_host(c, s, n, i);
}

/* sc_url_set_add_text - extract every URL from UTF-8 text */
void sc_url_set_add_text(sc_url_set *s, const char *text, size_t len, sc_url_source src)
{
	candidate c;
	size_t i = 0;

	sc_buf_init(&c.clean, 2 * EXTRACT_MAX_URL);
	while (i < len) {
		if (!is_word_start(text, len, i)) {
			i++;
		} else if (find_at(&c, text, len, i)) {
			(void) sc_url_set_add_clean(s, text + c.start, c.end - c.start,
						    sc_buf_cstr(&c.clean), c.clean.len, c.flags,
						    src);
			i = c.end > i ? c.end : i + 1;
		} else {
			i = c.resume > i ? c.resume : i + 1;
		}
	}
	sc_buf_free(&c.clean);
}

/* sc_url_text_host - the host an anchor text shows, when the text is one URL */
char *sc_url_text_host(const char *text, size_t len)
{
	candidate c;
	char *host = NULL;
	size_t i = 0, rest;

	while (i < len && in_set(text[i], " \t\r\n<([\"'"))
		i++;
	sc_buf_init(&c.clean, 2 * EXTRACT_MAX_URL);
	if (i < len && find_at(&c, text, len, i)) {
		for (rest = c.end; rest < len && in_set(text[rest], " \t\r\n>)]\"'.,;:!?"); rest++)
			;
		if (rest == len) {
			sc_url_set *set = sc_url_set_new(1);
			const sc_url *u = sc_url_set_add_clean(set, text + c.start, c.end - c.start,
							       sc_buf_cstr(&c.clean), c.clean.len,
							       c.flags, SC_URL_SRC_TEXT);

			if (u != NULL && u->host_ascii[0] != '\0' && !(u->flags & SC_URL_BAD_HOST))
				host = sc_strdup(u->host_ascii);
			sc_url_set_free(set);
		}
	}
	sc_buf_free(&c.clean);
	return host;
}
