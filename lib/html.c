/*
 * html.c - HTML as the reader sees it (see html.h for the contract): the
 * parse under its limits, the collected links, forms and images, and the
 * accessors. The tree walk that renders text is html_walk.c.
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
 */
#include "autoconfig.h"

#include <gumbo.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "html.h"
#include "html_int.h"
#include "mem.h"
#include "url.h"

#define HTML_GUMBO_RETRIES 6 /* each on a quarter of the previous input */

/* sc_html_attr - an attribute's value, or NULL */
const char *sc_html_attr(const GumboNode *n, const char *name)
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

/* sc_html_add_link - record <a href> (or <area href>); returns its index or -1 */
long sc_html_add_link(sc_html *h, const char *href, const char *alt)
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

/* sc_html_add_form - record <form action method> */
void sc_html_add_form(sc_html *h, const GumboNode *n)
{
	const char *method = sc_html_attr(n, "method");
	char *m;

	if (!collected(h, h->nforms))
		return;
	h->forms = grow(h->forms, h->nforms, &h->cap_forms, sizeof(*h->forms));
	m = dup_trimmed(method != NULL && method[0] != '\0' ? method : "get");
	for (char *p = m; *p != '\0'; p++)
		if (*p >= 'A' && *p <= 'Z')
			*p = (char) (*p - 'A' + 'a');
	h->forms[h->nforms].action = dup_url(sc_html_attr(n, "action"));
	h->forms[h->nforms].method = m;
	h->nforms++;
}

/* sc_html_add_image - record <img src alt> */
void sc_html_add_image(sc_html *h, const GumboNode *n)
{
	if (!collected(h, h->nimages))
		return;
	h->images = grow(h->images, h->nimages, &h->cap_images, sizeof(*h->images));
	h->images[h->nimages].src = dup_url(sc_html_attr(n, "src"));
	h->images[h->nimages].alt = dup_trimmed(sc_html_attr(n, "alt"));
	h->nimages++;
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
		sc_html_walk(h, out->document);
		sc_html_sa_render(&h->sa_text, out->document);
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
	sc_buf_init(&h->sa_text, 2 * len + 64);
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
	sc_buf_free(&h->sa_text);
	sc_html_out_free(&h->hidden);
	free(h);
}

/* sc_html_text - the visible text */
const char *sc_html_text(const sc_html *h, size_t *len)
{
	return sc_html_out_result(&h->text, len);
}

/* sc_html_sa_text - SpamAssassin's rendering */
const char *sc_html_sa_text(const sc_html *h, size_t *len)
{
	*len = h->sa_text.len;
	return sc_buf_cstr(&h->sa_text);
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

/* sc_html_hidden_words - hidden text between visible words */
size_t sc_html_hidden_words(const sc_html *h)
{
	return h->hidden_words;
}

/* sc_html_findings - the SC_HTML_* flags */
unsigned sc_html_findings(const sc_html *h)
{
	return h->findings;
}
