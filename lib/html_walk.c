/*
 * html_walk.c - rendering gumbo's tree: visible text, hidden text and why,
 * and the elements html.c collects (see html.h for the contract).
 *
 * The tree is walked iteratively with an explicit stack bounded by
 * max_depth, so deep nesting cannot overflow the C stack; text deeper than
 * that is rendered flat, through parent links. Per element we keep what is
 * inherited: why text is hidden, the text and background colours, the
 * innermost link, whether white space is preformatted.
 */
#include "autoconfig.h"

#include <gumbo.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "html.h"
#include "html_css.h"
#include "html_int.h"
#include "mem.h"

#define HTML_DEFAULT_BG 0xffffffu /* what a mail client paints behind text */
#define HTML_DEFAULT_FG 0x000000u

/* What an element passes on to its children. */
typedef struct sc_html_frame {
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

/* What one class rule of a <style> sheet says about hiding (no colours
 * but transparent: class colours stay unknown, see apply_colours). */
struct sc_html_class {
	char name[64];
	size_t len; /* of name */
	int display_none, visibility_hidden, opacity_zero, font_tiny, transparent;
	int out_of_view; /* the rule alone moves or clips the box away (1) */
};

#define HTML_MAX_CLASSES 256       /* class rules kept per document */
#define HTML_MAX_SHEET (256 * 1024) /* bytes of <style> text read */

/* add_class - sc_css_sheet_classes' callback: keep the rule for class cls */
static void add_class(void *arg, const char *cls, size_t cn, const char *decl, size_t dn)
{
	sc_html *h = arg;
	struct sc_html_class *c;
	char buf[4096];
	sc_css css;

	if (h->nclasses >= HTML_MAX_CLASSES || cn >= sizeof(c->name))
		return;
	if (dn >= sizeof(buf))
		dn = sizeof(buf) - 1;
	memcpy(buf, decl, dn);
	buf[dn] = '\0';
	sc_css_init(&css);
	sc_css_parse_style(&css, buf);
	if (css.display_none < 0 && css.visibility_hidden < 0 && !css.opacity_zero &&
	    css.font_tiny < 0 && css.has_color == 0 && !sc_css_out_of_view(&css))
		return; /* says nothing about hiding: most of a sheet */
	c = &h->classes[h->nclasses++];
	memcpy(c->name, cls, cn);
	c->name[cn] = '\0';
	c->len = cn;
	c->display_none = css.display_none;
	c->visibility_hidden = css.visibility_hidden;
	c->opacity_zero = css.opacity_zero;
	c->font_tiny = css.font_tiny;
	c->transparent = css.has_color == 2 ? 1 : css.has_color == 1 ? 0 : -1;
	c->out_of_view = sc_css_out_of_view(&css);
}

/* children_of - the children of an element or of the document; NULL for
 * other nodes */
static const GumboVector *children_of(const GumboNode *n)
{
	if (n->type == GUMBO_NODE_ELEMENT || n->type == GUMBO_NODE_TEMPLATE)
		return &n->v.element.children;
	if (n->type == GUMBO_NODE_DOCUMENT)
		return &n->v.document.children;
	return NULL;
}

/* next_up - the node after the subtree of n in document order, within
 * root: n's next sibling, or the next sibling of its nearest ancestor that
 * has one; NULL when root's subtree is done */
static const GumboNode *next_up(const GumboNode *n, const GumboNode *root)
{
	while (n != root && n->parent != NULL) {
		const GumboVector *sib = children_of(n->parent);

		if (sib != NULL && n->index_within_parent + 1 < sib->length)
			return sib->data[n->index_within_parent + 1];
		n = n->parent;
	}
	return NULL;
}

/* collect_classes - the class rules of every <style> element under root,
 * into h->classes (walks through parent links, needs no stack) */
static void collect_classes(sc_html *h, const GumboNode *root)
{
	const GumboNode *n = root;
	sc_buf sheet;

	sc_buf_init(&sheet, HTML_MAX_SHEET);
	while (n != NULL) {
		const GumboVector *kids = children_of(n);

		if (n->type == GUMBO_NODE_ELEMENT && n->v.element.tag == GUMBO_TAG_STYLE) {
			for (size_t i = 0; i < kids->length; i++) {
				const GumboNode *t = kids->data[i];

				if (t->type == GUMBO_NODE_TEXT || t->type == GUMBO_NODE_WHITESPACE ||
				    t->type == GUMBO_NODE_CDATA)
					(void) sc_buf_append(&sheet, t->v.text.text,
							     strlen(t->v.text.text));
			}
			(void) sc_buf_putc(&sheet, '\n');
		} else if (kids != NULL && kids->length > 0) {
			n = kids->data[0];
			continue;
		}
		n = next_up(n, root);
	}
	if (sheet.len > 0) {
		h->classes = sc_calloc(HTML_MAX_CLASSES, sizeof(*h->classes));
		sc_css_sheet_classes(sheet.data, sheet.len, add_class, h);
	}
	sc_buf_free(&sheet);
}

/* apply_classes - what the sheet's rules for the classes in cls (a class
 * attribute) hide, onto css, in sheet order; 1 when one of them alone
 * moves or clips the box out of view (rules are not merged for that) */
static int apply_classes(const sc_html *h, sc_css *css, const char *cls)
{
	int away = 0;

	for (const char *p = cls; *p != '\0';) {
		size_t n;

		p += strspn(p, " \t\r\n\f");
		n = strcspn(p, " \t\r\n\f");
		for (size_t i = 0; n > 0 && i < h->nclasses; i++) {
			const struct sc_html_class *c = &h->classes[i];

			if (c->len != n || memcmp(c->name, p, n) != 0)
				continue;
			if (c->display_none >= 0)
				css->display_none = c->display_none;
			if (c->visibility_hidden >= 0)
				css->visibility_hidden = c->visibility_hidden;
			if (c->opacity_zero)
				css->opacity_zero = 1;
			if (c->font_tiny >= 0)
				css->font_tiny = c->font_tiny;
			if (c->transparent == 1 && css->has_color == 0)
				css->has_color = 2;
			away |= c->out_of_view;
		}
		p += n;
	}
	return away;
}

/* apply_colours - legacy colour attributes, then inline style, onto the frame.
 * A class (whose CSS we do not apply) or a background image makes the
 * background unknown, even over a bgcolor attribute (class CSS outranks it);
 * only an inline background colour makes it known again. */
static void apply_colours(frame *f, const GumboNode *n, const sc_css *css)
{
	const char *a;
	uint32_t rgb;

	if ((a = sc_html_attr(n, "bgcolor")) != NULL &&
	    sc_css_parse_colour(a, strlen(a), 1, &rgb) == 1) {
		f->bg = rgb;
		f->bg_set = 1;
		f->bg_unknown = 0;
	}
	if (sc_html_attr(n, "class") != NULL || sc_html_attr(n, "background") != NULL ||
	    css->bg_image)
		f->bg_unknown = 1;
	a = n->v.element.tag == GUMBO_TAG_FONT   ? sc_html_attr(n, "color")
	    : n->v.element.tag == GUMBO_TAG_BODY ? sc_html_attr(n, "text")
						 : NULL;
	if (a != NULL && sc_css_parse_colour(a, strlen(a), 1, &rgb) == 1) {
		f->fg = rgb;
		f->fg_set = 1;
		f->transparent = 0;
	}
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

/* apply_style - what the element's classes, style and attributes hide */
static void apply_style(const sc_html *h, frame *f, const GumboNode *n)
{
	const char *style = sc_html_attr(n, "style"), *cls;
	sc_css css;
	int away = 0;

	sc_css_init(&css);
	if (h->nclasses > 0 && (cls = sc_html_attr(n, "class")) != NULL)
		away = apply_classes(h, &css, cls);
	if (style != NULL)
		sc_css_parse_style(&css, style);
	if (away || sc_css_out_of_view(&css))
		f->sticky |= SC_HTML_HIDDEN_OUT_OF_VIEW;
	if (sc_html_attr(n, "hidden") != NULL || css.display_none == 1)
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
	else if ((f->fg_set || f->bg_set) && !f->bg_unknown &&
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
		if (n->type != GUMBO_NODE_WHITESPACE) {
			h->findings |= why;
			if (h->line_seen)
				h->hidden_pending = 1;
		}
		sc_html_out_text(&h->hidden, t, len, 0);
		return;
	}
	if (n->type != GUMBO_NODE_WHITESPACE && t[strspn(t, " \t\r\n\f")] != '\0') {
		if (h->hidden_pending)
			h->hidden_words++;
		h->hidden_pending = 0;
		h->line_seen = 1;
	}
	zw = sc_html_out_text(&h->text, t, len, f->pre);
	if (f->link >= 0)
		(void) sc_html_out_text(&h->anchor[f->link], t, len, 0);
	if (zw)
		h->findings |= SC_HTML_ZERO_WIDTH_CHARS;
}

/* new_line - a block or a <br> ends the line hidden words are counted in */
static void new_line(sc_html *h)
{
	h->line_seen = 0;
	h->hidden_pending = 0;
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
	apply_style(h, f, n);
	if (f->block || t == GUMBO_TAG_BR)
		new_line(h);
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
		if ((href = sc_html_attr(n, "href")) != NULL)
			f->link = sc_html_add_link(h, href, NULL);
		break;
	case GUMBO_TAG_AREA:
		if ((href = sc_html_attr(n, "href")) != NULL)
			(void) sc_html_add_link(h, href, sc_html_attr(n, "alt"));
		break;
	case GUMBO_TAG_FORM:
		sc_html_add_form(h, n);
		break;
	case GUMBO_TAG_IMG:
		sc_html_add_image(h, n);
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
		new_line(h);
		sc_html_out_break(&h->text, 0);
		sc_html_out_break(&h->hidden, 0);
	} else if (f->cell) {
		sc_html_out_space(&h->text);
	}
	if ((f->block || f->cell) && f->link >= 0)
		sc_html_out_space(&h->anchor[f->link]);
}

/* flatten - past max_depth: the text of subtree n, rendered with the state of
 * frame f (deeper styles and links are not read). Walks through parent
 * links, so it needs no stack. */
static void flatten(sc_html *h, const frame *f, const GumboNode *n)
{
	const GumboNode *root = n;

	while (n != NULL) {
		const GumboVector *kids = children_of(n);

		if (n->type == GUMBO_NODE_TEXT || n->type == GUMBO_NODE_WHITESPACE ||
		    n->type == GUMBO_NODE_CDATA)
			on_text(h, f, n);
		if (kids != NULL && kids->length > 0 && !skipped_tag(n->v.element.tag) &&
		    n->type != GUMBO_NODE_TEMPLATE) {
			n = kids->data[0];
			continue;
		}
		n = next_up(n, root);
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

/* sc_html_walk - depth-first over the tree without recursion */
void sc_html_walk(sc_html *h, const GumboNode *root)
{
	collect_classes(h, root);
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
	free(h->classes);
	h->classes = NULL;
	h->nclasses = 0;
}
