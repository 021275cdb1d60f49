/*
 * html.h - HTML as the reader's mail client shows it.
 *
 * sc_html_parse() runs an HTML5 tree builder over UTF-8 input and keeps what
 * scam checks need: the visible text (script, style and comments dropped,
 * block elements as line breaks), the links with their anchor text, form
 * actions, images, and findings about text hidden from the reader. It never
 * fails on bad markup: HTML5 parsing defines a result for every input.
 *
 * An sc_html is immutable after parsing and may be read from several
 * threads. Every pointer it returns is borrowed and valid until
 * sc_html_free().
 */
#ifndef SC_HTML_H
#define SC_HTML_H

#include <stddef.h>

typedef struct sc_html sc_html;

/* Limits, so hostile markup cannot make the parse unbounded. */
typedef struct sc_html_limits {
	size_t max_input;	/* bytes of HTML parsed; the rest is dropped (finding) */
	size_t max_links;	/* links kept */
	size_t max_depth;	/* element nesting walked */
} sc_html_limits;

#define SC_HTML_DEFAULT_MAX_INPUT (2 * 1024 * 1024)
#define SC_HTML_DEFAULT_MAX_LINKS 1000
#define SC_HTML_DEFAULT_MAX_DEPTH 400

/* Findings, as bit flags. */
enum {
	SC_HTML_HIDDEN_DISPLAY_NONE = 1u << 0,	/* text under display:none */
	SC_HTML_HIDDEN_VISIBILITY = 1u << 1,	/* text under visibility:hidden */
	SC_HTML_HIDDEN_FONT_SIZE_ZERO = 1u << 2,	/* text in font-size:0 (or 1px) */
	SC_HTML_HIDDEN_SAME_COLOUR = 1u << 3,	/* text colour equal to its background */
	SC_HTML_ZERO_WIDTH_CHARS = 1u << 4,	/* U+200B..U+200D, U+2060, U+FEFF in text */
	SC_HTML_CONTENT_AFTER_END = 1u << 5,	/* text after </html> */
	SC_HTML_TRUNCATED = 1u << 6,	/* past max_input, max_links or max_depth */
};

typedef struct sc_html_link {
	const char *href;	/* as written (entities decoded), trimmed */
	const char *text;	/* visible anchor text, white space collapsed */
	const char *text_domain;	/* host the anchor text shows if it looks like a
					 * URL or domain (lower-case), else NULL */
} sc_html_link;

typedef struct sc_html_form {
	const char *action;	/* "" when absent */
	const char *method;	/* lower-case; "get" when absent */
} sc_html_form;

typedef struct sc_html_image {
	const char *src;
	const char *alt;	/* "" when absent */
} sc_html_image;

/* sc_html_parse - parse len bytes of UTF-8 HTML; lim NULL means defaults.
 * Caller owns the result; never NULL. */
sc_html *sc_html_parse(const char *utf8, size_t len, const sc_html_limits *lim);
/* sc_html_free - release; NULL is a no-op. */
void sc_html_free(sc_html *h);

/* sc_html_text - the visible text: NUL-terminated UTF-8, *len its length. */
const char *sc_html_text(const sc_html *h, size_t *len);
/* sc_html_hidden_text - the text a reader does not see (hidden by the
 * findings above), for rules that look for padding and fingerprints. */
const char *sc_html_hidden_text(const sc_html *h, size_t *len);

size_t sc_html_link_count(const sc_html *h);
const sc_html_link *sc_html_link_at(const sc_html *h, size_t i);
size_t sc_html_form_count(const sc_html *h);
const sc_html_form *sc_html_form_at(const sc_html *h, size_t i);
size_t sc_html_image_count(const sc_html *h);
const sc_html_image *sc_html_image_at(const sc_html *h, size_t i);

/* sc_html_findings - the SC_HTML_* flags. */
unsigned sc_html_findings(const sc_html *h);

#endif
