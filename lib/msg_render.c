/*
 * msg_render.c - the two renderings rules match, with SpamAssassin 4.0's
 * meaning (Mail::SpamAssassin::Message, get_rendered_body_text_array and
 * get_decoded_body_text_array), and the URLs of every text part.
 *
 * `body`: every leaf part in tree order adds a "\n" when text came before it
 * (any leaf: an image between two texts counts); a text/plain leaf then adds
 * its decoded text, a text/html leaf SpamAssassin's rendering of it
 * (sc_html_sa_text). Alternatives and attached text files are all included,
 * as SpamAssassin includes them; each part is cut after 50,000 characters
 * (body_part_scan_size) at the next newline or space within 1 KiB. Then a
 * white-space run holding two or more newlines becomes a paragraph break
 * (the white space before its first and after its last newline staying as
 * one space each), every other white-space run one space (Perl's Unicode
 * \s: U+0085, U+00A0, U+1680, U+2000-U+200A, U+2028, U+2029, U+202F, U+205F
 * and U+3000 included). The result is the last Subject (unfolded, trimmed,
 * decoded; an empty line when there is none), then one paragraph per line,
 * each line ending in a newline, leading and trailing spaces kept. (SpamAssassin
 * then cuts a paragraph longer than 2,048 bytes after its last space within
 * them: the rule engine does that, rules_run.c.)
 *
 * `rawbody`: the decoded UTF-8 text of every text part but text/calendar,
 * attached files included, markup kept, each ending in a newline; and of
 * every SVG picture (XML: its scripts and links are a phishing page's).
 * URLs (and the links of HTML) are collected from every text part, an
 * SVG's as an attachment's.
 */
#include "autoconfig.h"

#include <string.h>
#include <strings.h>

#include "mem.h"
#include "msg_int.h"
#include "utf8.h"

#define BODY_PART_SCAN_SIZE  50000 /* characters of one part's text in `body` */
#define BODY_PART_SCAN_SLACK 1024  /* how far past it a cut looks for a break */

/* sa_space_len - bytes of the Perl \s character at s (< end), 0 if none */
static size_t sa_space_len(const char *s, const char *end)
{
	const unsigned char *u = (const unsigned char *) s;
	size_t n = (size_t) (end - s);

	switch (u[0]) {
	case ' ':
	case '\t':
	case '\n':
	case '\v':
	case '\f':
	case '\r':
		return 1;
	case 0xc2: /* U+0085, U+00A0 */
		return n >= 2 && (u[1] == 0x85 || u[1] == 0xa0) ? 2 : 0;
	case 0xe1: /* U+1680 */
		return n >= 3 && u[1] == 0x9a && u[2] == 0x80 ? 3 : 0;
	case 0xe2: /* U+2000-U+200A, U+2028, U+2029, U+202F, U+205F */
		if (n < 3)
			return 0;
		if (u[1] == 0x80 && (u[2] <= 0x8a || u[2] == 0xa8 || u[2] == 0xa9 || u[2] == 0xaf))
			return 3;
		return u[1] == 0x81 && u[2] == 0x9f ? 3 : 0;
	case 0xe3: /* U+3000 */
		return n >= 3 && u[1] == 0x80 && u[2] == 0x80 ? 3 : 0;
	default:
		return 0;
	}
}

/* cut_part - the length of text[0, n) kept under body_part_scan_size */
static size_t cut_part(const char *text, size_t n)
{
	size_t chars = 0, at = n;
	const char *hit;

	for (size_t i = 0; i < n; i++)
		if (((unsigned char) text[i] & 0xc0) != 0x80 && chars++ == BODY_PART_SCAN_SIZE) {
			at = i;
			break;
		}
	if (at == n)
		return n;
	hit = memchr(text + at, '\n', n - at);
	if (hit != NULL && (size_t) (hit - (text + at)) <= BODY_PART_SCAN_SLACK)
		return (size_t) (hit - text) + 1;
	hit = memchr(text + at, ' ', n - at);
	if (hit != NULL && (size_t) (hit - (text + at)) <= BODY_PART_SCAN_SLACK)
		return (size_t) (hit - text) + 1;
	return at;
}

/* msg_render_leaf - a leaf part begins: a newline after any text before it */
void msg_render_leaf(sc_msg *m)
{
	if (m->sa_body.len > 0)
		(void) sc_buf_putc(&m->sa_body, '\n');
}

/* add_body_text - one part's text into the `body` source, cut to size */
static void add_body_text(sc_msg *m, const char *text, size_t n)
{
	(void) sc_buf_append(&m->sa_body, text, cut_part(text, n));
}

/* put_line - one paragraph as a line, followed by a newline unless it is
 * the text's last (the rule engine cuts lines past 2,048 bytes as
 * SpamAssassin does, rules_run.c) */
static void put_line(sc_buf *out, const char *p, size_t n, int newline)
{
	(void) sc_buf_append(out, p, n);
	if (newline)
		(void) sc_buf_putc(out, '\n');
}

/* collapse - SpamAssassin's white-space pass over src into dst: a run with
 * two or more newlines is a paragraph break, any other run one space */
static void collapse(sc_buf *dst, const char *s, size_t n)
{
	const char *end = s + n;

	while (s < end) {
		size_t w = sa_space_len(s, end);
		const char *run, *first_nl = NULL, *last_nl = NULL;
		size_t nls = 0;

		if (w == 0) {
			(void) sc_buf_putc(dst, *s++);
			continue;
		}
		for (run = s; s < end && (w = sa_space_len(s, end)) > 0; s += w)
			if (*s == '\n') {
				nls++;
				if (first_nl == NULL)
					first_nl = s;
				last_nl = s;
			}
		if (nls < 2) {
			(void) sc_buf_putc(dst, ' ');
			continue;
		}
		if (first_nl > run)
			(void) sc_buf_putc(dst, ' ');
		(void) sc_buf_putc(dst, '\n');
		if (last_nl + 1 < s)
			(void) sc_buf_putc(dst, ' ');
	}
}

/* msg_render_end - `body` from the Subject and the collected part texts */
void msg_render_end(sc_msg *m)
{
	long i = -1, j;
	sc_buf text;
	const char *p, *e;

	for (j = 0; (j = sc_msg_header_find(m, "Subject", (size_t) j)) >= 0; j++)
		i = j;
	if (i >= 0) {
		const char *s = sc_msg_header_decoded(m, (size_t) i);

		put_line(&m->body_text, s, strlen(s), 1);
	} else {
		(void) sc_buf_putc(&m->body_text, '\n');
	}
	sc_buf_init(&text, SC_BUF_UNLIMITED);
	collapse(&text, sc_buf_cstr(&m->sa_body), m->sa_body.len);
	for (p = sc_buf_cstr(&text), e = p + text.len; p < e;) {
		const char *nl = memchr(p, '\n', (size_t) (e - p));

		put_line(&m->body_text, p, (size_t) ((nl != NULL ? nl : e) - p), nl != NULL);
		p = nl != NULL ? nl + 1 : e;
	}
	sc_buf_free(&text);
	sc_buf_free(&m->sa_body);
	/* One paragraph per line, every line ending in a newline. */
	if (m->body_text.len > 0 && m->body_text.data[m->body_text.len - 1] != '\n')
		(void) sc_buf_putc(&m->body_text, '\n');
}

/* add_html_urls - hrefs, form actions, img src and the visible text's URLs */
static void add_html_urls(sc_msg *m, const sc_html *h)
{
	size_t n;
	const char *text = sc_html_text(h, &n);

	sc_url_set_add_text(m->urls, text, n, SC_URL_SRC_TEXT);
	for (size_t i = 0; i < sc_html_link_count(h); i++) {
		const char *href = sc_html_link_at(h, i)->href;

		(void) sc_url_set_add(m->urls, href, strlen(href), SC_URL_SRC_HREF);
	}
	for (size_t i = 0; i < sc_html_form_count(h); i++) {
		const char *action = sc_html_form_at(h, i)->action;

		(void) sc_url_set_add(m->urls, action, strlen(action), SC_URL_SRC_FORM);
	}
	for (size_t i = 0; i < sc_html_image_count(h); i++) {
		const char *src = sc_html_image_at(h, i)->src;

		(void) sc_url_set_add(m->urls, src, strlen(src), SC_URL_SRC_IMG);
	}
}

/* add_rawbody - part p's text to rawbody, ending in a newline */
static void add_rawbody(sc_msg *m, const sc_msg_part *p)
{
	(void) sc_buf_append(&m->rawbody, p->text, p->text_len);
	if (p->text_len > 0 && p->text[p->text_len - 1] != '\n')
		(void) sc_buf_putc(&m->rawbody, '\n');
}

/* msg_render_part - rawbody, URLs and body source of text part pi */
void msg_render_part(sc_msg *m, size_t pi, int displayed)
{
	sc_msg_part *p = &m->parts[pi];
	int html = strcmp(p->type, "text/html") == 0;

	(void) displayed; /* SpamAssassin renders every text part, shown or not */
	if (strcmp(p->type, "text/calendar") != 0)
		add_rawbody(m, p);
	if (html) {
		sc_html *h = sc_html_parse(p->text, p->text_len, NULL);
		const char *sa;
		size_t salen;

		m->htmls = msg_grow(m->htmls, m->nhtmls, sizeof(*m->htmls));
		m->htmls[m->nhtmls++] = h;
		p->html = h;
		m->html_findings |= sc_html_findings(h);
		if (sc_html_findings(h) & SC_HTML_TRUNCATED)
			m->findings |= SC_MSG_HTML_LIMIT;
		add_html_urls(m, h);
		/* SpamAssassin renders an empty HTML part as plain text: nothing */
		sa = sc_html_sa_text(h, &salen);
		add_body_text(m, sa, salen);
		return;
	}
	sc_url_set_add_text(m->urls, p->text, p->text_len, SC_URL_SRC_TEXT);
	/* A multipart's own text is the prologue of one whose boundary never
	 * occurs: mail clients show it, so it counts as text/plain. */
	if (strcmp(p->type, "text/plain") == 0 || strncmp(p->type, "multipart/", 10) == 0)
		add_body_text(m, p->text, p->text_len);
}

/* svg_element_is_a - the element whose attributes p (in t) is among is an
 * <a> (or <svg:a>): its href is a link the reader clicks */
static int svg_element_is_a(const char *t, const char *p)
{
	const char *lt = p;

	while (lt > t && lt[-1] != '<' && lt[-1] != '>')
		lt--;
	if (lt == t || lt[-1] != '<')
		return 0;
	if (strncasecmp(lt, "svg:", 4) == 0)
		lt += 4;
	return (lt[0] == 'a' || lt[0] == 'A') && (lt[1] == ' ' || lt[1] == '\t' || lt[1] == '\n');
}

/* svg_links - the links of an SVG into m's URLs: an <a>'s href or
 * xlink:href as an attachment's link (the reader clicks it), another
 * element's (an <image>, a <use>) as a picture's, not a reference inside
 * the file ("#g") nor embedded data; and the URLs written in its scripts
 * (a location set to "https://...") as an attachment's. Not its namespace
 * URIs (xmlns="http://www.w3.org/..."), which every SVG declares. */
static void svg_links(sc_msg *m, const char *t, size_t n)
{
	const char *end = t + n;

	for (const char *p = t; p < end; p++) {
		size_t rest = (size_t) (end - p);

		if (rest > 7 && strncasecmp(p, "<script", 7) == 0) {
			const char *q = p + 7, *close = end;

			for (; end - q >= 8; q++)
				if (strncasecmp(q, "</script", 8) == 0) {
					close = q;
					break;
				}
			sc_url_set_add_text(m->urls, p, (size_t) (close - p), SC_URL_SRC_ATTACH);
			if (close == end)
				break;
			p = close;
			continue;
		}
		if (rest > 5 && strncasecmp(p, "href", 4) == 0 && p > t &&
		    (p[-1] == ' ' || p[-1] == ':' || p[-1] == '\t' || p[-1] == '\n')) {
			const char *q = p + 4, *v;
			char quote;

			while (q < end && (*q == ' ' || *q == '\t'))
				q++;
			if (q >= end || *q != '=')
				continue;
			for (q++; q < end && (*q == ' ' || *q == '\t'); q++)
				;
			if (q >= end || (*q != '"' && *q != '\''))
				continue;
			quote = *q++;
			for (v = q; q < end && *q != quote; q++)
				;
			if (q > v && *v != '#' && strncasecmp(v, "data:", 5) != 0)
				(void) sc_url_set_add(m->urls, v, (size_t) (q - v),
						      svg_element_is_a(t, p) ? SC_URL_SRC_ATTACH
									     : SC_URL_SRC_IMG);
			if (q >= end)
				break;
			p = q;
		}
	}
}

/* msg_render_svg - see msg_int.h */
void msg_render_svg(sc_msg *m, size_t pi)
{
	const sc_msg_part *p = &m->parts[pi];

	add_rawbody(m, p);
	svg_links(m, p->text, p->text_len);
}
