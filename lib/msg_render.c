/*
 * msg_render.c - the two renderings rules match, with SpamAssassin's
 * meaning, and the URLs of every text part.
 *
 * `body`: the decoded Subject as the first line, then the text of each
 * displayed part (msg_mime.c decides which are displayed). In text/plain a
 * paragraph is a run of lines up to a blank line; in rendered HTML each
 * line (block element) is a paragraph. Each paragraph becomes one line with
 * every run of white space (ASCII, and U+00A0) collapsed to one space.
 *
 * `rawbody`: the decoded UTF-8 text of every text part that is not an
 * attached file (Content-Disposition: attachment), markup kept, each ending
 * in a newline. URLs (and the links of HTML) are collected from every text
 * part, attached files included.
 */
#include "autoconfig.h"

#include <string.h>

#include "mem.h"
#include "msg_int.h"

/* space_len - length of the white-space character at s (< end), 0 if none */
static size_t space_len(const char *s, const char *end)
{
	switch (*s) {
	case ' ':
	case '\t':
	case '\r':
	case '\f':
	case '\v':
		return 1;
	case '\xc2':
		return end - s >= 2 && s[1] == '\xa0' ? 2 : 0;
	default:
		return 0;
	}
}

/* append_collapsed - [s, end) with white-space runs as one space, trimmed;
 * *pending says a space is owed before the next word */
static void append_collapsed(sc_buf *out, const char *s, const char *end, int *pending)
{
	while (s < end) {
		size_t w = space_len(s, end);
		const char *word;

		if (w > 0) {
			*pending = 1;
			s += w;
			continue;
		}
		for (word = s; s < end && space_len(s, end) == 0; s++)
			;
		if (*pending && out->len > 0 && out->data[out->len - 1] != '\n')
			(void) sc_buf_putc(out, ' ');
		*pending = 0;
		(void) sc_buf_append(out, word, (size_t) (s - word));
	}
}

/* is_blank_line - [s, end) holds only white space */
static int is_blank_line(const char *s, const char *end)
{
	while (s < end) {
		size_t w = space_len(s, end);

		if (w == 0)
			return 0;
		s += w;
	}
	return 1;
}

/* end_paragraph - close the paragraph being written, if any */
static void end_paragraph(sc_buf *out, int *open)
{
	if (*open && out->len > 0 && out->data[out->len - 1] != '\n')
		(void) sc_buf_putc(out, '\n');
	*open = 0;
}

/* append_paragraphs - text as one line per paragraph; line_is_paragraph
 * makes every line its own paragraph (rendered HTML) */
static void append_paragraphs(sc_buf *out, const char *text, size_t n, int line_is_paragraph)
{
	const char *p = text, *end = text + n;
	int open = 0, pending = 0;

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t) (end - p));
		const char *le = nl != NULL ? nl : end;

		if (is_blank_line(p, le)) {
			end_paragraph(out, &open);
		} else {
			pending = open; /* a line break inside a paragraph is a space */
			append_collapsed(out, p, le, &pending);
			open = 1;
			if (line_is_paragraph)
				end_paragraph(out, &open);
		}
		p = nl != NULL ? nl + 1 : end;
	}
	end_paragraph(out, &open);
}

/* msg_render_begin - the decoded Subject as the first line of `body` */
void msg_render_begin(sc_msg *m)
{
	long i = sc_msg_header_find(m, "Subject", 0);
	const char *s;

	if (i < 0)
		return;
	s = sc_msg_header_decoded(m, (size_t) i);
	append_paragraphs(&m->body_text, s, strlen(s), 1);
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

/* msg_render_part - rawbody, URLs and (when displayed) body of text part pi */
void msg_render_part(sc_msg *m, size_t pi, int displayed)
{
	sc_msg_part *p = &m->parts[pi];
	int attached = p->disposition != NULL && strcmp(p->disposition, "attachment") == 0;

	if (!attached) {
		(void) sc_buf_append(&m->rawbody, p->text, p->text_len);
		if (p->text_len > 0 && p->text[p->text_len - 1] != '\n')
			(void) sc_buf_putc(&m->rawbody, '\n');
	}
	if (strcmp(p->type, "text/html") == 0) {
		sc_html *h = sc_html_parse(p->text, p->text_len, NULL);
		const char *vis;
		size_t vlen;

		m->htmls = msg_grow(m->htmls, m->nhtmls, sizeof(*m->htmls));
		m->htmls[m->nhtmls++] = h;
		p->html = h;
		m->html_findings |= sc_html_findings(h);
		if (sc_html_findings(h) & SC_HTML_TRUNCATED)
			m->findings |= SC_MSG_HTML_LIMIT;
		add_html_urls(m, h);
		vis = sc_html_text(h, &vlen);
		if (displayed)
			append_paragraphs(&m->body_text, vis, vlen, 1);
		return;
	}
	sc_url_set_add_text(m->urls, p->text, p->text_len, SC_URL_SRC_TEXT);
	if (displayed)
		append_paragraphs(&m->body_text, p->text, p->text_len, 0);
}
