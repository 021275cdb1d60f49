/*
 * html_sa.c - the text SpamAssassin's `body` rules see of an HTML part
 * (Mail::SpamAssassin::HTML, 4.0), rebuilt from the parsed tree.
 *
 * SpamAssassin hears HTML::Parser's events in source order and appends
 * pieces to its text: each text event with every run of [ \t\n\r\f\v]
 * collapsed to one space (script and style text left out; title, hidden
 * and invisible text kept); and, for a start or end tag of br or div,
 * "\n"; of li, th, td, dt, dd, embed, h1-h6, " "; of p, hr, blockquote, pre,
 * listing, plaintext, xmp, title, "\n\n". Before a tag's piece, one space
 * ending the previous text piece is removed; a text piece after a tag's
 * piece loses one leading space. Before parsing, SpamAssassin rewrites
 * "&nbsp;" as a space and the curly double quotes as '"' (sa_source).
 * Nothing else is trimmed: the `body`
 * rendering (msg_render.c) then turns "\n" runs with a blank line into
 * paragraph breaks and all other white space into single spaces.
 *
 * The tree stands in for the events: an element gives its start tag unless
 * the parser invented it (GUMBO_INSERTION_BY_PARSER) and its end tag unless
 * that was implied (GUMBO_INSERTION_IMPLICIT_END_TAG), a void element or
 * an element made from a stray end tag gives one tag. Text moved by the
 * tree builder (foster parenting) comes out where the tree has it.
 */
#include "autoconfig.h"

#include <string.h>

#include "html_int.h"

typedef struct sa_out {
	sc_buf *buf;
	size_t last_len; /* bytes of the last piece still at the end of buf */
	int have_last;   /* a piece was appended */
	int last_ws;     /* the last piece was a tag's white space */
} sa_out;

/* sa_piece_of - the white space a tag inserts, or NULL */
static const char *sa_piece_of(GumboTag t)
{
	switch (t) {
	case GUMBO_TAG_BR:
	case GUMBO_TAG_DIV:
		return "\n";
	case GUMBO_TAG_LI:
	case GUMBO_TAG_TH:
	case GUMBO_TAG_TD:
	case GUMBO_TAG_DT:
	case GUMBO_TAG_DD:
	case GUMBO_TAG_EMBED:
	case GUMBO_TAG_H1:
	case GUMBO_TAG_H2:
	case GUMBO_TAG_H3:
	case GUMBO_TAG_H4:
	case GUMBO_TAG_H5:
	case GUMBO_TAG_H6:
		return " ";
	case GUMBO_TAG_P:
	case GUMBO_TAG_HR:
	case GUMBO_TAG_BLOCKQUOTE:
	case GUMBO_TAG_PRE:
	case GUMBO_TAG_LISTING:
	case GUMBO_TAG_PLAINTEXT:
	case GUMBO_TAG_XMP:
	case GUMBO_TAG_TITLE:
		return "\n\n";
	default:
		return NULL;
	}
}

/* sa_tag - a tag's white space, after trimming the text piece before it */
static void sa_tag(sa_out *o, const char *ws)
{
	if (o->have_last && !o->last_ws && o->last_len > 0 && o->buf->len > 0 &&
	    o->buf->data[o->buf->len - 1] == ' ') {
		o->buf->data[--o->buf->len] = '\0';
		o->last_len--;
	}
	(void) sc_buf_puts(o->buf, ws);
	o->last_len = strlen(ws);
	o->have_last = 1;
	o->last_ws = 1;
}

/* sa_text - one text event, white-space runs collapsed; U+00A0 is a space
 * when nbsp_space, U+201C and U+201D are '"' when quotes (see sa_source) */
static void sa_text(sa_out *o, const char *t, size_t n, int nbsp_space, int quotes)
{
	size_t start = o->buf->len;
	int in_space = 0;

	for (size_t i = 0; i < n; i++) {
		char c = t[i];

		if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v' ||
		    (nbsp_space && c == '\xc2' && i + 1 < n && t[i + 1] == '\xa0')) {
			i += c == '\xc2';
			in_space = 1;
			continue;
		}
		if (in_space) {
			(void) sc_buf_putc(o->buf, ' ');
			in_space = 0;
		}
		if (quotes && c == '\xe2' && i + 2 < n && t[i + 1] == '\x80' &&
		    (t[i + 2] == '\x9c' || t[i + 2] == '\x9d')) {
			(void) sc_buf_putc(o->buf, '"');
			i += 2;
			continue;
		}
		(void) sc_buf_putc(o->buf, c);
	}
	if (in_space)
		(void) sc_buf_putc(o->buf, ' ');
	if (o->have_last && o->last_ws && o->buf->len > start && o->buf->data[start] == ' ') {
		memmove(o->buf->data + start, o->buf->data + start + 1, o->buf->len - start - 1);
		o->buf->data[--o->buf->len] = '\0';
	}
	o->last_len = o->buf->len - start;
	o->have_last = 1;
	o->last_ws = 0;
}

/* has - the n bytes at s hold needle */
static int has(const char *s, size_t n, const char *needle)
{
	size_t k = strlen(needle);

	for (size_t i = 0; i + k <= n; i++)
		if (memcmp(s + i, needle, k) == 0)
			return 1;
	return 0;
}

/* sa_source - SpamAssassin rewrites the HTML source before parsing: "&nbsp;"
 * becomes a space (so it collapses with white space), literal U+201C and
 * U+201D become '"'. The tree has decoded text only, so the node's source
 * decides: its U+00A0 are spaces when the source spells them &nbsp; and never
 * literally, its curly quotes '"' when the source has them literally. */
static void sa_source(const GumboText *t, int *nbsp_space, int *quotes)
{
	const char *s = t->original_text.data;
	size_t n = t->original_text.length;

	*nbsp_space = 0;
	*quotes = 0;
	if (s == NULL)
		return;
	*nbsp_space = has(s, n, "&nbsp;") && !has(s, n, "\xc2\xa0");
	*quotes = has(s, n, "\xe2\x80\x9c") || has(s, n, "\xe2\x80\x9d");
}

/* sa_split_ws - the white-space runs of src (white space and tags only), one
 * text event each */
static void sa_split_ws(sa_out *o, const char *src, size_t n)
{
	size_t i = 0;

	while (i < n) {
		size_t start = i;

		while (i < n && src[i] != '<')
			i++;
		if (i > start)
			sa_text(o, src + start, i - start, 0, 0);
		while (i < n && src[i] != '>')
			i++;
		if (i < n)
			i++;
	}
}

/* sa_walk - the pieces of node and its subtree, in document order */
static void sa_walk(sa_out *o, const GumboNode *node, size_t depth)
{
	const GumboElement *e;
	const char *ws;
	int start, end;

	switch (node->type) {
	case GUMBO_NODE_TEXT:
	case GUMBO_NODE_WHITESPACE:
	case GUMBO_NODE_CDATA: {
		int nbsp_space, quotes;

		const char *t = node->v.text.text, *src = node->v.text.original_text.data;
		size_t n = strlen(t), slen = node->v.text.original_text.length;

		sa_source(&node->v.text, &nbsp_space, &quotes);
		/* White space the tree builder moved from after </body> or </html>
		 * joins the node before it, its source spanning those tags;
		 * SpamAssassin heard each run between the tags as its own event. */
		if (node->type == GUMBO_NODE_WHITESPACE && src != NULL && memchr(src, '<', slen)) {
			sa_split_ws(o, src, slen);
			return;
		}
		sa_text(o, t, n, nbsp_space, quotes);
		return;
	}
	case GUMBO_NODE_DOCUMENT:
		for (unsigned i = 0; i < node->v.document.children.length; i++)
			sa_walk(o, node->v.document.children.data[i], depth + 1);
		return;
	case GUMBO_NODE_ELEMENT:
	case GUMBO_NODE_TEMPLATE:
		break;
	default: /* comments */
		return;
	}
	e = &node->v.element;
	if (e->tag == GUMBO_TAG_SCRIPT || e->tag == GUMBO_TAG_STYLE)
		return;
	ws = sa_piece_of(e->tag);
	start = !(node->parse_flags & GUMBO_INSERTION_BY_PARSER);
	end = !(node->parse_flags & GUMBO_INSERTION_IMPLICIT_END_TAG) &&
	      !(node->parse_flags & GUMBO_INSERTION_CONVERTED_FROM_END_TAG) &&
	      e->tag != GUMBO_TAG_BR && e->tag != GUMBO_TAG_HR && e->tag != GUMBO_TAG_EMBED;
	if (ws != NULL && (start || node->parse_flags & GUMBO_INSERTION_CONVERTED_FROM_END_TAG))
		sa_tag(o, ws);
	if (depth < SC_HTML_SA_MAX_DEPTH)
		for (unsigned i = 0; i < e->children.length; i++)
			sa_walk(o, e->children.data[i], depth + 1);
	if (ws != NULL && end)
		sa_tag(o, ws);
}

/* sc_html_sa_render - SpamAssassin's text of the tree under root, into out */
void sc_html_sa_render(sc_buf *out, const GumboNode *root)
{
	sa_out o = {out, 0, 0, 0};

	sa_walk(&o, root, 0);
}
