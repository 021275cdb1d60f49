/*
 * html.c - HTML as the reader sees it (see html.h for the contract).
 *
 * Why gumbo and not libxml2: phishing kits rely on what browsers and
 * webmail do with broken markup (mis-nested <a>/<b>/<table>, stray end
 * tags, text after </html>, unclosed attributes). Only an HTML5 parser
 * builds the same tree the reader's client builds; libxml2's HTML parser
 * predates HTML5 and recovers differently (it drops or re-nests elements
 * its own way, and treats "adoption agency" cases and foster-parenting out
 * of tables unlike any browser), so text and links would differ from what
 * the victim saw. gumbo implements the HTML5 tree-construction algorithm,
 * is in Debian (libgumbo-dev), takes a length (NUL bytes are fine), and
 * records source positions, which finds content after </html>.
 *
 * The tree is walked iteratively with an explicit stack bounded by
 * max_depth, so deep nesting cannot overflow the C stack. Per element we
 * keep what is inherited: why text is hidden, the text and background
 * colours, the innermost link, whether white space is preformatted.
 * Rendering: block elements and <br> become line breaks, table cells are
 * separated by a space, runs of white space (and U+00A0) collapse to one
 * space, zero-width characters are dropped from the text (and reported).
 */
#include "autoconfig.h"

#include <gumbo.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "buf.h"
#include "html.h"
#include "html_css.h"
#include "html_int.h"
#include "mem.h"
#include "url.h"

#define HTML_DEFAULT_BG 0xffffffu /* what a mail client paints behind text */
#define HTML_DEFAULT_FG 0x000000u

#define HTML_GUMBO_RETRIES 6 /* each on a quarter of the previous input */

/* What an element passes on to its children. */
typedef struct frame {
	const GumboNode *node;
	size_t next;     /* next child to visit */
	unsigned hidden; /* SC_HTML_HIDDEN_* reasons in force */
	unsigned sticky; /* reasons a child cannot undo (display:none, opacity:0) */
	uint32_t fg, bg;
	int fg_set, bg_set; /* fg/bg were given by an element, not defaulted */
	int bg_unknown;     /* class or background image: the real background is unknown */
	int transparent;    /* text colour is transparent */
	long link;          /* innermost link index, -1 when none */
	int pre;            /* white space preserved */
	int block;          /* a line break after the element */
	int cell;           /* a space after the element */
} frame;

struct sc_html {
	sc_html_out text, hidden;
	sc_html_link *links;
	sc_html_out *anchor; /* anchor text being collected, per link */
	size_t nlinks, cap_links;
	sc_html_form *forms;
	size_t nforms, cap_forms;
	sc_html_image *images;
	size_t nimages, cap_images;
	unsigned findings;
	sc_html_limits lim;
	const char *in; /* the input parsed, for source positions */
	size_t in_len;
	size_t end_of_html; /* offset just after </html>, or SIZE_MAX */
	frame *stack;
	size_t depth;
};

/* attr - an attribute's value, or NULL */
static const char *attr(const GumboNode *n, const char *name)
{
	const GumboAttribute *a = gumbo_get_attribute(&n->v.element.attributes, name);

	return a != NULL ? a->value : NULL;
}

/* dup_trimmed - a malloc'd copy without surrounding ASCII white space and controls */
static char *dup_trimmed(const char *s)
{
	size_t n;

	if (s == NULL)
		return sc_strdup("");
	while (*s != '\0' && (unsigned char) *s <= ' ')
		s++;
	n = strlen(s);
	while (n > 0 && (unsigned char) s[n - 1] <= ' ')
		n--;
	return sc_strndup(s, n);
}

/* grow - make room for one more element in an array */
static void *grow(void *array, size_t count, size_t *cap, size_t size)
{
	if (count < *cap)
		return array;
	*cap = *cap ? *cap * 2 : 8;
	return sc_reallocarray(array, *cap, size);
}

/* collected - whether another link, form or image may be kept; else TRUNCATED */
static int collected(sc_html *h, size_t count)
{
	if (count < h->lim.max_links)
		return 1;
	h->findings |= SC_HTML_TRUNCATED;
	return 0;
}

/* dup_url - an attribute holding a URL: trimmed, tabs and newlines removed as
 * browsers do; "" when absent */
static char *dup_url(const char *s)
{
	char *p = dup_trimmed(s), *w = p;

	for (const char *r = p; *r != '\0'; r++)
		if (*r != '\t' && *r != '\n' && *r != '\r')
			*w++ = *r;
	*w = '\0';
	return p;
}

/* add_link - record <a href> (or <area href>); returns its index or -1 */
static long add_link(sc_html *h, const char *href, const char *alt)
{
	sc_html_link *l;

	if (!collected(h, h->nlinks))
		return -1;
	if (h->nlinks == h->cap_links) {
		h->cap_links = h->cap_links ? h->cap_links * 2 : 8;
		h->links = sc_reallocarray(h->links, h->cap_links, sizeof(*h->links));
		h->anchor = sc_reallocarray(h->anchor, h->cap_links, sizeof(*h->anchor));
	}
	l = &h->links[h->nlinks];
	l->href = dup_url(href);
	l->text = NULL;
	l->text_domain = NULL;
	sc_html_out_init(&h->anchor[h->nlinks], h->lim.max_input);
	if (alt != NULL)
		(void) sc_html_out_text(&h->anchor[h->nlinks], alt, strlen(alt), 0);
	return (long) h->nlinks++;
}

/* add_form - record <form action method> */
static void add_form(sc_html *h, const GumboNode *n)
{
	const char *method = attr(n, "method");
	char *m;

	if (!collected(h, h->nforms))
		return;
	h->forms = grow(h->forms, h->nforms, &h->cap_forms, sizeof(*h->forms));
	m = dup_trimmed(method != NULL && method[0] != '\0' ? method : "get");
	for (char *p = m; *p != '\0'; p++)
		if (*p >= 'A' && *p <= 'Z')
			*p = (char) (*p - 'A' + 'a');
	h->forms[h->nforms].action = dup_url(attr(n, "action"));
	h->forms[h->nforms].method = m;
	h->nforms++;
}

/* add_image - record <img src alt> */
static void add_image(sc_html *h, const GumboNode *n)
{
	if (!collected(h, h->nimages))
		return;
	h->images = grow(h->images, h->nimages, &h->cap_images, sizeof(*h->images));
	h->images[h->nimages].src = dup_url(attr(n, "src"));
	h->images[h->nimages].alt = dup_trimmed(attr(n, "alt"));
	h->nimages++;
}

/* apply_colours - legacy colour attributes and inline style onto the frame */
static void apply_colours(frame *f, const GumboNode *n, const sc_css *css)
{
	const char *a;
	uint32_t rgb;
	int r;

	if (attr(n, "class") != NULL || attr(n, "background") != NULL)
		f->bg_unknown = 1;
	if ((a = attr(n, "bgcolor")) != NULL && sc_css_parse_colour(a, strlen(a), 1, &rgb) == 1) {
		f->bg = rgb;
		f->bg_set = 1;
		f->bg_unknown = 0;
	}
	a = n->v.element.tag == GUMBO_TAG_FONT   ? attr(n, "color")
	    : n->v.element.tag == GUMBO_TAG_BODY ? attr(n, "text")
						 : NULL;
	if (a != NULL && (r = sc_css_parse_colour(a, strlen(a), 1, &rgb)) == 1) {
		f->fg = rgb;
		f->fg_set = 1;
		f->transparent = 0;
	}
	if (css->bg_image)
		f->bg_unknown = 1;
	if (css->has_bg == 1) {
		f->bg = css->bg;
		f->bg_set = 1;
		f->bg_unknown = css->bg_image;
	}
	if (css->has_color == 1) {
		f->fg = css->color;
		f->fg_set = 1;
		f->transparent = 0;
	} else if (css->has_color == 2) {
		f->transparent = 1;
	}
}

/* apply_style - what the element's style and attributes hide */
static void apply_style(frame *f, const GumboNode *n)
{
	const char *style = attr(n, "style");
	sc_css css;

	sc_css_init(&css);
	if (style != NULL)
		sc_css_parse_style(&css, style);
	if (attr(n, "hidden") != NULL || css.display_none == 1)
		f->sticky |= SC_HTML_HIDDEN_DISPLAY_NONE;
	if (css.opacity_zero)
		f->sticky |= SC_HTML_HIDDEN_VISIBILITY;
	if (css.visibility_hidden == 1)
		f->hidden |= SC_HTML_HIDDEN_VISIBILITY;
	else if (css.visibility_hidden == 0)
		f->hidden &= ~(unsigned) SC_HTML_HIDDEN_VISIBILITY;
	if (css.font_tiny == 1)
		f->hidden |= SC_HTML_HIDDEN_FONT_SIZE_ZERO;
	else if (css.font_tiny == 0)
		f->hidden &= ~(unsigned) SC_HTML_HIDDEN_FONT_SIZE_ZERO;
	apply_colours(f, n, &css);
}

/* text_hidden_by - the reasons text in this frame is hidden */
static unsigned text_hidden_by(const frame *f)
{
	unsigned why = f->hidden | f->sticky;

	if (f->transparent)
		why |= SC_HTML_HIDDEN_SAME_COLOUR;
	else if ((f->fg_set || f->bg_set) && !(f->bg_unknown && !f->bg_set) &&
		 sc_css_colours_close(f->fg_set ? f->fg : HTML_DEFAULT_FG,
				      f->bg_set ? f->bg : HTML_DEFAULT_BG))
		why |= SC_HTML_HIDDEN_SAME_COLOUR;
	return why;
}

/* after_end - whether a text node's source has non-space text past </html>
 * (gumbo merges such text into the body's last text node, so the node may
 * start before the tag) */
static int after_end(const sc_html *h, const GumboStringPiece *src)
{
	size_t start, stop;

	if (h->end_of_html == SIZE_MAX || src->data == NULL || src->data < h->in ||
	    src->length > h->in_len || (size_t) (src->data - h->in) > h->in_len - src->length)
		return 0;
	start = (size_t) (src->data - h->in);
	stop = start + src->length;
	for (size_t i = start > h->end_of_html ? start : h->end_of_html; i < stop; i++)
		if (strchr(" \t\n\r\f", h->in[i]) == NULL || h->in[i] == '\0')
			return 1;
	return 0;
}

/* on_text - a text node: visible, hidden, after </html>, into the link's anchor text */
static void on_text(sc_html *h, const frame *f, const GumboNode *n)
{
	const char *t = n->v.text.text;
	size_t len = strlen(t);
	unsigned why = text_hidden_by(f);
	int zw;

	if (n->type == GUMBO_NODE_TEXT && after_end(h, &n->v.text.original_text))
		h->findings |= SC_HTML_CONTENT_AFTER_END;
	if (why != 0) {
		if (n->type != GUMBO_NODE_WHITESPACE)
			h->findings |= why;
		sc_html_out_text(&h->hidden, t, len, 0);
		return;
	}
	zw = sc_html_out_text(&h->text, t, len, f->pre);
	if (f->link >= 0)
		(void) sc_html_out_text(&h->anchor[f->link], t, len, 0);
	if (zw)
		h->findings |= SC_HTML_ZERO_WIDTH_CHARS;
}

/* skipped_tag - elements whose content the reader never sees */
static int skipped_tag(GumboTag t)
{
	return t == GUMBO_TAG_SCRIPT || t == GUMBO_TAG_STYLE || t == GUMBO_TAG_HEAD ||
	       t == GUMBO_TAG_TITLE || t == GUMBO_TAG_TEMPLATE || t == GUMBO_TAG_NOSCRIPT ||
	       t == GUMBO_TAG_IFRAME || t == GUMBO_TAG_OBJECT || t == GUMBO_TAG_SVG ||
	       t == GUMBO_TAG_MATH;
}

/* enter_element - set up the child frame for element n; 0 to skip its content */
static int enter_element(sc_html *h, frame *f, const GumboNode *n)
{
	GumboTag t = n->v.element.tag;
	const char *href;

	if (skipped_tag(t) || n->type == GUMBO_NODE_TEMPLATE)
		return 0;
	f->block = sc_html_is_block(t);
	f->cell = t == GUMBO_TAG_TD || t == GUMBO_TAG_TH;
	if (t == GUMBO_TAG_PRE || t == GUMBO_TAG_TEXTAREA || t == GUMBO_TAG_LISTING)
		f->pre = 1;
	apply_style(f, n);
	if (f->block) {
		sc_html_out_break(&h->text, 0);
		sc_html_out_break(&h->hidden, 0);
		if (f->link >= 0)
			sc_html_out_space(&h->anchor[f->link]);
	}
	switch (t) {
	case GUMBO_TAG_BR:
		sc_html_out_break(text_hidden_by(f) ? &h->hidden : &h->text, 1);
		break;
	case GUMBO_TAG_A:
		if ((href = attr(n, "href")) != NULL)
			f->link = add_link(h, href, NULL);
		break;
	case GUMBO_TAG_AREA:
		if ((href = attr(n, "href")) != NULL)
			(void) add_link(h, href, attr(n, "alt"));
		break;
	case GUMBO_TAG_FORM:
		add_form(h, n);
		break;
	case GUMBO_TAG_IMG:
		add_image(h, n);
		break;
	default:
		break;
	}
	return 1;
}

/* leave_element - the line break or space after a block or a cell */
static void leave_element(sc_html *h, const frame *f)
{
	if (f->block) {
		sc_html_out_break(&h->text, 0);
		sc_html_out_break(&h->hidden, 0);
	} else if (f->cell) {
		sc_html_out_space(&h->text);
	}
	if ((f->block || f->cell) && f->link >= 0)
		sc_html_out_space(&h->anchor[f->link]);
}

/* element_children - the children of an element node, NULL for other nodes */
static const GumboVector *element_children(const GumboNode *n)
{
	if (n->type == GUMBO_NODE_ELEMENT || n->type == GUMBO_NODE_TEMPLATE)
		return &n->v.element.children;
	return NULL;
}

/* flatten - past max_depth: the text of subtree n, rendered with the state of
 * frame f (deeper styles and links are not read). Walks through parent
 * links, so it needs no stack. */
static void flatten(sc_html *h, const frame *f, const GumboNode *n)
{
	const GumboNode *root = n;

	while (n != NULL) {
		const GumboVector *kids = element_children(n);

		if (n->type == GUMBO_NODE_TEXT || n->type == GUMBO_NODE_WHITESPACE ||
		    n->type == GUMBO_NODE_CDATA)
			on_text(h, f, n);
		if (kids != NULL && kids->length > 0 && !skipped_tag(n->v.element.tag) &&
		    n->type != GUMBO_NODE_TEMPLATE) {
			n = kids->data[0];
			continue;
		}
		while (n != root) { /* next sibling, or an ancestor's, within the subtree */
			const GumboVector *sib = element_children(n->parent);

			if (sib != NULL && n->index_within_parent + 1 < sib->length) {
				n = sib->data[n->index_within_parent + 1];
				break;
			}
			n = n->parent;
		}
		if (n == root)
			return;
	}
}

/* push - visit child n of the top frame; elements get a frame, text is emitted */
static void push(sc_html *h, const GumboNode *n)
{
	frame *top = &h->stack[h->depth - 1];

	switch (n->type) {
	case GUMBO_NODE_TEXT:
	case GUMBO_NODE_WHITESPACE:
	case GUMBO_NODE_CDATA:
		on_text(h, top, n);
		return;
	case GUMBO_NODE_ELEMENT:
	case GUMBO_NODE_TEMPLATE:
		break;
	default: /* comments, the document */
		return;
	}
	if (h->depth >= h->lim.max_depth) {
		h->findings |= SC_HTML_TRUNCATED;
		flatten(h, top, n);
		return;
	}
	h->stack[h->depth] = *top;
	h->stack[h->depth].node = n;
	h->stack[h->depth].next = 0;
	h->stack[h->depth].block = 0;
	h->stack[h->depth].cell = 0;
	if (enter_element(h, &h->stack[h->depth], n))
		h->depth++;
}

/* walk - depth-first over the tree without recursion */
static void walk(sc_html *h, const GumboNode *root)
{
	h->stack = sc_calloc(h->lim.max_depth + 1, sizeof(*h->stack));
	memset(&h->stack[0], 0, sizeof(h->stack[0]));
	h->stack[0].node = root;
	h->stack[0].link = -1;
	h->stack[0].fg = HTML_DEFAULT_FG;
	h->stack[0].bg = HTML_DEFAULT_BG;
	h->depth = 1;
	while (h->depth > 0) {
		frame *f = &h->stack[h->depth - 1];
		const GumboVector *kids = &f->node->v.element.children;

		if (f->next < kids->length) {
			push(h, kids->data[f->next++]);
			continue;
		}
		if (h->depth > 1)
			leave_element(h, f);
		h->depth--;
	}
	free(h->stack);
	h->stack = NULL;
}

/* find_end_of_html - offset just after the </html> end tag (gumbo keeps its
 * source in the html element), or SIZE_MAX when there is none */
static size_t find_end_of_html(const GumboOutput *out, const char *in, size_t len)
{
	const GumboNode *root = out->root;
	const GumboStringPiece *end;

	if (root == NULL || root->type != GUMBO_NODE_ELEMENT)
		return SIZE_MAX;
	end = &root->v.element.original_end_tag;
	if (end->data == NULL || end->length == 0 || end->data < in ||
	    (size_t) (end->data - in) > len - end->length)
		return SIZE_MAX;
	return (size_t) (end->data - in) + end->length;
}

/* finish_links - anchor texts into the links, and the domain each text shows */
static void finish_links(sc_html *h)
{
	for (size_t i = 0; i < h->nlinks; i++) {
		sc_html_link *l = &h->links[i];

		l->text = sc_html_out_steal(&h->anchor[i]);
		l->text_domain = sc_url_text_host(l->text, strlen(l->text));
	}
	free(h->anchor);
	h->anchor = NULL;
}

/* parse_guarded - gumbo over the input under the nesting guard and the memory
 * budget; a parse that runs out of memory is retried on the first quarter
 * of the input, and so on: the cost stays within twice the first attempt */
static void parse_guarded(sc_html *h, const char *utf8, size_t len)
{
	sc_html_budget budget;
	GumboOptions opt;
	GumboOutput *out;
	sc_buf in;

	sc_buf_init(&in, len);
	if (sc_html_guard_nesting(utf8, len, h->lim.max_depth, &in))
		h->findings |= SC_HTML_TRUNCATED;
	sc_html_gumbo_options(&budget, SC_HTML_PARSER_MEMORY(in.len), &opt);
	out = sc_html_gumbo_parse(&budget, &opt, sc_buf_cstr(&in), in.len);
	for (int retry = 0; out == NULL && retry < HTML_GUMBO_RETRIES; retry++) {
		h->findings |= SC_HTML_TRUNCATED;
		in.len /= 4;
		sc_html_gumbo_options(&budget, SC_HTML_PARSER_MEMORY(in.len), &opt);
		out = sc_html_gumbo_parse(&budget, &opt, sc_buf_cstr(&in), in.len);
	}
	if (out != NULL) {
		h->in = sc_buf_cstr(&in);
		h->in_len = in.len;
		h->end_of_html = find_end_of_html(out, h->in, h->in_len);
		walk(h, out->document);
		gumbo_destroy_output(&opt, out);
		h->in = NULL;
	}
	sc_buf_free(&in);
}

/* sc_html_parse - parse, walk, collect */
sc_html *sc_html_parse(const char *utf8, size_t len, const sc_html_limits *lim)
{
	sc_html *h = sc_calloc(1, sizeof(*h));

	h->lim = lim != NULL
			 ? *lim
			 : (sc_html_limits){SC_HTML_DEFAULT_MAX_INPUT, SC_HTML_DEFAULT_MAX_LINKS,
					    SC_HTML_DEFAULT_MAX_DEPTH};
	if (h->lim.max_depth < 2)
		h->lim.max_depth = 2;
	if (utf8 == NULL)
		len = 0;
	if (len > h->lim.max_input) {
		len = h->lim.max_input;
		h->findings |= SC_HTML_TRUNCATED;
	}
	sc_html_out_init(&h->text, 2 * len + 64);
	sc_html_out_init(&h->hidden, 2 * len + 64);
	h->end_of_html = SIZE_MAX;
	parse_guarded(h, utf8 != NULL ? utf8 : "", len);
	finish_links(h);
	return h;
}

/* sc_html_free - release everything the parse made */
void sc_html_free(sc_html *h)
{
	if (h == NULL)
		return;
	for (size_t i = 0; i < h->nlinks; i++) {
		free((char *) h->links[i].href);
		free((char *) h->links[i].text);
		free((char *) h->links[i].text_domain);
	}
	for (size_t i = 0; i < h->nforms; i++) {
		free((char *) h->forms[i].action);
		free((char *) h->forms[i].method);
	}
	for (size_t i = 0; i < h->nimages; i++) {
		free((char *) h->images[i].src);
		free((char *) h->images[i].alt);
	}
	free(h->links);
	free(h->forms);
	free(h->images);
	sc_html_out_free(&h->text);
	sc_html_out_free(&h->hidden);
	free(h);
}

/* sc_html_text - the visible text */
const char *sc_html_text(const sc_html *h, size_t *len)
{
	return sc_html_out_result(&h->text, len);
}

/* sc_html_hidden_text - the text hidden from the reader */
const char *sc_html_hidden_text(const sc_html *h, size_t *len)
{
	return sc_html_out_result(&h->hidden, len);
}

/* sc_html_link_count - links kept */
size_t sc_html_link_count(const sc_html *h)
{
	return h->nlinks;
}

/* sc_html_link_at - the i-th link in document order, NULL past the end */
const sc_html_link *sc_html_link_at(const sc_html *h, size_t i)
{
	return i < h->nlinks ? &h->links[i] : NULL;
}

/* sc_html_form_count - forms kept */
size_t sc_html_form_count(const sc_html *h)
{
	return h->nforms;
}

/* sc_html_form_at - the i-th form, NULL past the end */
const sc_html_form *sc_html_form_at(const sc_html *h, size_t i)
{
	return i < h->nforms ? &h->forms[i] : NULL;
}

/* sc_html_image_count - images kept */
size_t sc_html_image_count(const sc_html *h)
{
	return h->nimages;
}

/* sc_html_image_at - the i-th image, NULL past the end */
const sc_html_image *sc_html_image_at(const sc_html *h, size_t i)
{
	return i < h->nimages ? &h->images[i] : NULL;
}

/* sc_html_findings - the SC_HTML_* flags */
unsigned sc_html_findings(const sc_html *h)
{
	return h->findings;
}
