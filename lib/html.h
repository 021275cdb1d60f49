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
 * threads; different documents may be parsed in different threads at once
 * (gumbo keeps no global state). Every pointer it returns is borrowed and
 * valid until sc_html_free().
 *
 * Rendering, as a browser lays the text out: block elements (p, div, li,
 * tr, h1...) and <br> become line breaks (at most one blank line in a row),
 * table cells are separated by a space, white space and U+00A0 collapse to
 * one space, nothing leads or trails. Dropped: script, style, head, title,
 * template, noscript, iframe, object, svg, math, comments. Zero-width
 * characters are removed from the text (SC_HTML_ZERO_WIDTH_CHARS), the
 * soft hyphen silently. Text after </html> stays in the visible text,
 * because browsers show it, and is reported (SC_HTML_CONTENT_AFTER_END).
 *
 * Changes since the first draft (for the msg branch):
 * - max_links bounds forms and images too (each list separately).
 * - text_domain is the A-label (punycode) form, lower-case, as
 *   sc_url.host_ascii, so it compares with the href's host directly;
 *   an e-mail address as anchor text gives its domain.
 * - Findings also cover opacity:0 (SC_HTML_HIDDEN_VISIBILITY), the hidden
 *   attribute (SC_HTML_HIDDEN_DISPLAY_NONE) and color:transparent
 *   (SC_HTML_HIDDEN_SAME_COLOUR).
 * - <area href> is a link; its anchor text is the alt text.
 * - max_depth also bounds the parser: start tags that would nest deeper are
 *   dropped before parsing (text kept, SC_HTML_TRUNCATED); text deeper than
 *   max_depth in the tree is rendered with its ancestor's state.
 * - New: SC_HTML_PARSER_MEMORY(n), the parser's memory cap.
 */
#ifndef SC_HTML_H
#define SC_HTML_H

#include <stddef.h>

typedef struct sc_html sc_html;

/* Limits, so hostile markup cannot make the parse unbounded. */
typedef struct sc_html_limits {
	size_t max_input; /* bytes of HTML parsed; the rest is dropped (finding) */
	size_t max_links; /* links kept */
	size_t max_depth; /* element nesting walked; start tags that would nest
			   * deeper are dropped before parsing (their text is
			   * kept), because the parser is quadratic in depth */
} sc_html_limits;

#define SC_HTML_DEFAULT_MAX_INPUT (2 * 1024 * 1024)
#define SC_HTML_DEFAULT_MAX_LINKS 1000
#define SC_HTML_DEFAULT_MAX_DEPTH 400
/* Memory the HTML5 parser may hold for n bytes of input. Mail needs 5n to
 * 20n; markup made only of tiny elements about 70n. Past it the parse is
 * retried on the first quarter of the input (SC_HTML_TRUNCATED). */
#define SC_HTML_PARSER_MEMORY(n) ((size_t) 32 * 1024 * 1024 + (size_t) 96 * (n))

/* Findings, as bit flags. */
enum {
	SC_HTML_HIDDEN_DISPLAY_NONE = 1u << 0,   /* text under display:none */
	SC_HTML_HIDDEN_VISIBILITY = 1u << 1,     /* text under visibility:hidden */
	SC_HTML_HIDDEN_FONT_SIZE_ZERO = 1u << 2, /* text in font-size:0 (or 1px) */
	SC_HTML_HIDDEN_SAME_COLOUR = 1u << 3,    /* text colour equal to its background */
	SC_HTML_ZERO_WIDTH_CHARS = 1u << 4,      /* U+200B..U+200D, U+2060, U+FEFF in text */
	SC_HTML_CONTENT_AFTER_END = 1u << 5,     /* text after </html> */
	SC_HTML_TRUNCATED = 1u << 6,             /* past max_input, max_links or max_depth */
	SC_HTML_HIDDEN_OUT_OF_VIEW = 1u << 7,    /* text in a box moved off the page
						  * (position:absolute;left:-9999px,
						  * text-indent:-9999px) or clipped to
						  * nothing (overflow:hidden;height:0) */
};

typedef struct sc_html_link {
	const char *href;        /* as written (entities decoded), trimmed, tabs and
				  * newlines removed as browsers do; "" when empty */
	const char *text;        /* visible anchor text, white space collapsed */
	const char *text_domain; /* host the anchor text shows when the text is one
				  * URL, www. form, e-mail address or domain under a
				  * known public suffix (sc_url_text_host(): A-label,
				  * lower-case), else NULL */
} sc_html_link;

typedef struct sc_html_form {
	const char *action; /* "" when absent; trimmed as href */
	const char *method; /* lower-case; "get" when absent */
} sc_html_form;

typedef struct sc_html_image {
	const char *src; /* "" when absent; trimmed as href */
	const char *alt; /* "" when absent */
} sc_html_image;

/* sc_html_parse - parse len bytes of UTF-8 HTML; lim NULL means defaults.
 * Any bytes are accepted (invalid UTF-8 becomes U+FFFD, NUL bytes follow
 * HTML5); utf8 may be NULL when len is 0. Caller owns the result; never NULL. */
sc_html *sc_html_parse(const char *utf8, size_t len, const sc_html_limits *lim);
/* sc_html_free - release; NULL is a no-op. */
void sc_html_free(sc_html *h);

/* sc_html_text - the visible text: NUL-terminated UTF-8, *len its length. */
const char *sc_html_text(const sc_html *h, size_t *len);
/* sc_html_hidden_text - the text a reader does not see (hidden by the
 * findings above), rendered the same way, for rules that look for padding
 * and fingerprints. Same-colour detection assumes a white page and black
 * text unless the element or an ancestor sets a colour (style color,
 * background-color, background; <font color>, bgcolor, <body text>); under
 * a class attribute or a background image the background is unknown and
 * colours are not judged. Colours within SC_CSS_COLOUR_TOLERANCE (12) per
 * channel count as equal. */
const char *sc_html_hidden_text(const sc_html *h, size_t *len);

/* sc_html_hidden_words - how many times hidden text stands between
 * visible words of one line ("Your <span style='font-size:0'>hawk</span>
 * Statement"): word salad that breaks a phrase up for filters while the
 * reader sees it whole. Hiding by a class of a <style> sheet counts (a
 * rule whose selector is one class, outside @media). */
size_t sc_html_hidden_words(const sc_html *h);

/* sc_html_sa_text - the text SpamAssassin 4.0's HTML renderer makes of the
 * document, the input of its `body` rendering (see html_sa.c): all text but
 * script and style, hidden text and the title included, white-space runs as
 * one space, and "\n", " " or "\n\n" for the tags SpamAssassin gives white
 * space to. Not trimmed. NUL-terminated UTF-8, *len its length. */
const char *sc_html_sa_text(const sc_html *h, size_t *len);

size_t sc_html_link_count(const sc_html *h);
const sc_html_link *sc_html_link_at(const sc_html *h, size_t i);
size_t sc_html_form_count(const sc_html *h);
const sc_html_form *sc_html_form_at(const sc_html *h, size_t i);
size_t sc_html_image_count(const sc_html *h);
const sc_html_image *sc_html_image_at(const sc_html *h, size_t i);

/* sc_html_findings - the SC_HTML_* flags. */
unsigned sc_html_findings(const sc_html *h);

#endif
