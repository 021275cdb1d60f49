/*
 * checks_obfuscation.c - eval: checks on text written to be read by people
 * but not by filters (issue 6, obfuscation), on the displayed text parts of
 * the message model (msg.h) and what the HTML renderer knows (html.h).
 *
 *   check_zero_width(min)         at least min words of the Subject or the
 *                                 displayed text taken apart by invisible
 *                                 format characters (U+200B..U+200D,
 *                                 U+2060, U+FEFF, U+00AD soft hyphen):
 *                                 "P\u200Ba\u200Byp\u200Bal" reads as
 *                                 PayPal and matches no filter's words. A
 *                                 word counts when it is broken at two
 *                                 places or more, one with a zero-width
 *                                 character: newsletters break a date or
 *                                 an address once ("Dec<ZWNJ>ember") so
 *                                 phones do not link it, and soft hyphens
 *                                 alone are hyphenation hints (unless one
 *                                 stands between every two letters of a
 *                                 word of four letters or more). Only
 *                                 characters between two Latin, Greek or
 *                                 Cyrillic letters or digits count, so a
 *                                 BOM at the start, the joiners of emoji,
 *                                 the ZWNJ that Persian and Indic scripts
 *                                 need, and Thai's word-separating spaces
 *                                 never do.
 *   check_image_only_link(max, img)  a displayed HTML part with an image
 *                                 and a web link, while the displayed text
 *                                 has at most max words (and, img given
 *                                 and not 0, the HTML at most img images):
 *                                 the message is a picture to click, its
 *                                 words out of a filter's reach. Brand
 *                                 newsletters built of many image slices
 *                                 are what img keeps out.
 *   check_hidden_text(min, pct)   at least min letters of text the reader
 *                                 does not see (display:none, visibility,
 *                                 opacity 0, tiny font, text coloured as its
 *                                 background: sc_html_hidden_text) in the
 *                                 displayed HTML, and (pct given) at least
 *                                 pct per cent as many as visible letters:
 *                                 padding that feeds filters other words.
 *   check_hidden_words([min])     hidden text set between visible words of
 *                                 one line at least min times (default 5)
 *                                 in the displayed HTML (sc_html_hidden_words:
 *                                 "Your <span class=zero>hawk</span>
 *                                 Statement"): the reader sees the phrase
 *                                 whole, a filter sees it broken by other
 *                                 words. A preheader or a hidden block of
 *                                 its own stands between no words.
 *   check_html_only()             the text of the message is HTML only: an
 *                                 HTML part to show, and no plain-text part
 *                                 with words in it (an empty text/plain
 *                                 alternative counts as none, and so does
 *                                 one that only says to view the HTML:
 *                                 "An HTML viewer is required to see this
 *                                 message"). Mail clients
 *                                 and the big senders' tools write both; a
 *                                 hand-made campaign page pasted into a
 *                                 sending script writes HTML alone. Weak
 *                                 alone (receipts and alerts are often HTML
 *                                 only): an input for metas.
 *
 * Thread-safe: no state outside each call.
 */
#include "autoconfig.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "eval.h"
#include "utf8.h"

/* parse_count - a non-negative decimal argument; -1 when it is not one */
static long parse_count(const char *s)
{
	char *end;
	long v;

	if (s == NULL || s[0] < '0' || s[0] > '9')
		return -1;
	v = strtol(s, &end, 10);
	return *end == '\0' && v >= 0 && v < 1000000000L ? v : -1;
}

/* is_zw - a zero-width or invisible format character */
static int is_zw(uint32_t cp)
{
	return (cp >= 0x200B && cp <= 0x200D) || cp == 0x2060 || cp == 0xFEFF;
}

/* is_letter - a letter or digit of the scripts whose words filters read and
 * that need no joiners: ASCII, Latin, Greek, Cyrillic */
static int is_letter(uint32_t cp)
{
	if (cp < 0x80)
		return (cp >= '0' && cp <= '9') || ((cp | 0x20) >= 'a' && (cp | 0x20) <= 'z');
	if (cp >= 0xC0 && cp <= 0x24F)
		return cp != 0xD7 && cp != 0xF7;
	return cp >= 0x370 && cp <= 0x52F;
}

/* Counts of words broken by invisible characters. */
typedef struct zw_count {
	size_t words;   /* words broken at two places or more, one a zero-width character */
	size_t zw, shy; /* zero-width characters and soft hyphens inside those words */
} zw_count;

/* One word being read. */
typedef struct zw_word {
	size_t breaks;            /* places between two letters with invisible characters */
	size_t zw, shy;           /* the characters at those places */
	size_t pend_zw, pend_shy; /* invisible characters since the last letter */
	size_t letters;
	int in;                   /* a letter was seen */
} zw_word;

/* zw_word_end - the word ends: count it when broken enough */
static void zw_word_end(zw_word *w, zw_count *c)
{
	if ((w->breaks >= 2 && w->zw > 0) || (w->letters >= 4 && w->breaks + 1 >= w->letters)) {
		c->words++;
		c->zw += w->zw;
		c->shy += w->shy;
	}
	memset(w, 0, sizeof(*w));
}

/* count_in_words - add the words of the len bytes at t broken by invisible
 * characters between letters to c. One break a word is what mailers do to
 * stop phones linking a date or an address ("Dec<ZWNJ>ember 22"); two or
 * more, with a zero-width character among them, is taking a word apart.
 * Soft hyphens alone are hyphenation hints, unless they stand between every
 * two letters of a word of four or more ("R<SHY>e<SHY>a<SHY>l"): no
 * hyphenation splits a word letter by letter. */
static void count_in_words(const char *t, size_t len, zw_count *c)
{
	zw_word w;

	memset(&w, 0, sizeof(w));
	for (size_t i = 0; i < len;) {
		uint32_t cp;
		size_t k = sc_utf8_decode(t + i, len - i, &cp);

		if (k == 0) {
			i++;
			zw_word_end(&w, c);
			continue;
		}
		i += k;
		if (is_zw(cp) || cp == 0xAD) {
			if (w.in)
				*(cp == 0xAD ? &w.pend_shy : &w.pend_zw) += 1;
		} else if (is_letter(cp)) {
			if (w.pend_zw + w.pend_shy > 0) {
				w.breaks++;
				w.zw += w.pend_zw;
				w.shy += w.pend_shy;
			}
			w.pend_zw = w.pend_shy = 0;
			w.letters++;
			w.in = 1;
		} else {
			zw_word_end(&w, c);
		}
	}
	zw_word_end(&w, c);
}

/* part_text - the text of a displayed part as the reader gets it, markup
 * rendered (hidden text included: zero-width characters hide there too) */
static const char *part_text(const sc_msg_part *p, size_t *len)
{
	if (p->html != NULL)
		return sc_html_sa_text(p->html, len);
	*len = p->text_len;
	return p->text;
}

/* check_zero_width - see above */
static int check_zero_width(const sc_run_ctx *ctx, const char *const *args, size_t nargs,
			    sc_buf *detail)
{
	long min = nargs > 0 ? parse_count(args[0]) : 3;
	zw_count c = {0, 0, 0};
	long subj = sc_msg_header_find(ctx->msg, "Subject", 0);
	size_t len;

	if (min < 1)
		return -1;
	if (subj >= 0) {
		const char *s = sc_msg_header_decoded(ctx->msg, (size_t) subj);

		count_in_words(s, strlen(s), &c);
	}
	for (size_t i = 0; i < sc_msg_part_count(ctx->msg); i++) {
		const sc_msg_part *p = sc_msg_part_at(ctx->msg, i);
		const char *t;

		if (!p->displayed || p->text == NULL)
			continue;
		t = part_text(p, &len);
		if (t != NULL)
			count_in_words(t, len, &c);
	}
	if (c.words < (size_t) min)
		return 0;
	(void) sc_buf_printf(detail, "%zu word%s broken up by", c.words, c.words > 1 ? "s" : "");
	if (c.zw > 0)
		(void) sc_buf_printf(detail, " %zu zero-width character%s%s", c.zw,
				     c.zw > 1 ? "s" : "", c.shy > 0 ? " and" : "");
	if (c.shy > 0)
		(void) sc_buf_printf(detail, " %zu soft hyphen%s", c.shy, c.shy > 1 ? "s" : "");
	return c.words > 1000000 ? 1000000 : (int) c.words;
}

/* count_words - words (runs of letters and digits with a letter; any
 * non-ASCII character counts as a letter) in the len bytes at t */
static size_t count_words(const char *t, size_t len)
{
	size_t words = 0;
	int in = 0, letter = 0;

	for (size_t i = 0; i <= len; i++) {
		unsigned char ch = i < len ? (unsigned char) t[i] : ' ';
		int wc = (ch >= '0' && ch <= '9') || ((ch | 0x20) >= 'a' && (ch | 0x20) <= 'z') ||
			 ch >= 0x80;

		if (wc) {
			in = 1;
			letter |= !(ch >= '0' && ch <= '9');
		} else {
			if (in && letter)
				words++;
			in = letter = 0;
		}
	}
	return words;
}

/* count_letters - letters (any non-blank, non-punctuation code point) in
 * the len bytes at t */
static size_t count_letters(const char *t, size_t len)
{
	size_t n = 0;

	for (size_t i = 0; i < len;) {
		uint32_t cp;
		size_t k = sc_utf8_decode(t + i, len - i, &cp);

		if (k == 0) {
			i++;
			continue;
		}
		i += k;
		if (cp >= 0x80 ? !is_zw(cp) && cp != 0xA0 && cp != 0xAD
			       : (cp >= '0' && cp <= '9') ||
					 ((cp | 0x20) >= 'a' && (cp | 0x20) <= 'z'))
			n++;
	}
	return n;
}

/* clickable - the HTML has a link a reader can follow to the web */
static int clickable(const sc_html *h)
{
	for (size_t i = 0; i < sc_html_link_count(h); i++) {
		const char *href = sc_html_link_at(h, i)->href;

		if (strncmp(href, "http://", 7) == 0 || strncmp(href, "https://", 8) == 0 ||
		    strncmp(href, "HTTP", 4) == 0 || strncmp(href, "//", 2) == 0)
			return 1;
	}
	return 0;
}

/* check_image_only_link - see above */
static int check_image_only_link(const sc_run_ctx *ctx, const char *const *args, size_t nargs,
				 sc_buf *detail)
{
	long max = nargs > 0 ? parse_count(args[0]) : 10;
	long max_img = nargs > 1 ? parse_count(args[1]) : 0;
	size_t words = 0, images = 0, len;
	int linked = 0;

	if (max < 0 || max_img < 0)
		return -1;
	for (size_t i = 0; i < sc_msg_part_count(ctx->msg); i++) {
		const sc_msg_part *p = sc_msg_part_at(ctx->msg, i);
		const char *t;

		if (!p->displayed || p->text == NULL)
			continue;
		if (p->html != NULL) {
			t = sc_html_text(p->html, &len);
			if (sc_html_image_count(p->html) > 0 && clickable(p->html)) {
				linked = 1;
				images += sc_html_image_count(p->html);
			}
		} else {
			t = p->text;
			len = p->text_len;
		}
		words += count_words(t, len);
		if (words > (size_t) max)
			return 0;
	}
	if (!linked || (max_img > 0 && images > (size_t) max_img))
		return 0;
	(void) sc_buf_printf(detail, "HTML of %zu image%s and a link, %zu word%s of text", images,
			     images > 1 ? "s" : "", words, words == 1 ? "" : "s");
	return 1;
}

/* check_hidden_words - see above */
static int check_hidden_words(const sc_run_ctx *ctx, const char *const *args, size_t nargs,
			      sc_buf *detail)
{
	long min = nargs > 0 ? parse_count(args[0]) : 5;
	size_t n = 0;

	if (min < 1)
		return -1;
	for (size_t i = 0; i < sc_msg_part_count(ctx->msg); i++) {
		const sc_msg_part *p = sc_msg_part_at(ctx->msg, i);

		if (p->displayed && p->html != NULL)
			n += sc_html_hidden_words(p->html);
	}
	if (n < (size_t) min)
		return 0;
	(void) sc_buf_printf(detail, "hidden text between visible words %zu times", n);
	return n > 1000000 ? 1000000 : (int) n;
}

/* check_hidden_text - see above */
static int check_hidden_text(const sc_run_ctx *ctx, const char *const *args, size_t nargs,
			     sc_buf *detail)
{
	long min = nargs > 0 ? parse_count(args[0]) : 200;
	long pct = nargs > 1 ? parse_count(args[1]) : 0;
	size_t hidden = 0, visible = 0, len;

	if (min < 1 || pct < 0)
		return -1;
	for (size_t i = 0; i < sc_msg_part_count(ctx->msg); i++) {
		const sc_msg_part *p = sc_msg_part_at(ctx->msg, i);
		const char *t;

		if (!p->displayed || p->html == NULL)
			continue;
		t = sc_html_hidden_text(p->html, &len);
		hidden += count_letters(t, len);
		t = sc_html_text(p->html, &len);
		visible += count_letters(t, len);
	}
	if (hidden < (size_t) min || hidden * 100 < visible * (size_t) pct)
		return 0;
	(void) sc_buf_printf(detail, "%zu letters of hidden text, %zu visible", hidden, visible);
	return hidden > 1000000 ? 1000000 : (int) hidden;
}

/* clang-format off */
/* plain_only_points_to_html - a plain-text alternative (len bytes) that
 * only says to view the HTML ("An HTML viewer is required to see this
 * message", "your email client does not support HTML"): 25 words at most,
 * naming HTML and a viewer, support, an HTML-enabled client or a
 * requirement */
static int plain_only_points_to_html(const char *t, size_t len)
{
	static const char *const says[] = {"viewer", "support", "enabled", "capable", "requir"};
	char buf[512];

	if (len >= sizeof(buf) || count_words(t, len) > 25)
		return 0;
	memcpy(buf, t, len);
	buf[len] = '\0';
	if (strcasestr(buf, "html") == NULL)
		return 0;
	for (size_t i = 0; i < sizeof(says) / sizeof(says[0]); i++)
		if (strcasestr(buf, says[i]) != NULL)
			return 1;
	return 0;
}

/* check_html_only - see above */
static int check_html_only(const sc_run_ctx *ctx, const char *const *args, size_t nargs,
			   sc_buf *detail)
{
	size_t html = 0;

	(void) args;
	(void) nargs;
	for (size_t i = 0; i < sc_msg_part_count(ctx->msg); i++) {
		const sc_msg_part *p = sc_msg_part_at(ctx->msg, i);

		if (p->attachment >= 0 || p->text == NULL)
			continue;
		if (strcmp(p->type, "text/html") == 0)
			html++;
		else if (strcmp(p->type, "text/plain") == 0 && count_words(p->text, p->text_len) > 0 &&
			 !plain_only_points_to_html(p->text, p->text_len))
			return 0;
	}
	if (html == 0)
		return 0;
	(void) sc_buf_printf(detail, "%zu HTML part%s, no plain-text part with words", html,
			     html == 1 ? "" : "s");
	return 1;
}

static const sc_eval_def obfus_defs[] = {
	{ "check_zero_width", check_zero_width, 0, 1 },
	{ "check_image_only_link", check_image_only_link, 0, 2 },
	{ "check_hidden_text", check_hidden_text, 0, 2 },
	{ "check_hidden_words", check_hidden_words, 0, 1 },
	{ "check_html_only", check_html_only, 0, 0 },
};
/* clang-format on */

const sc_eval_table sc_obfus_eval_table = {obfus_defs, sizeof(obfus_defs) / sizeof(obfus_defs[0])};
