/*
 * html_int.h - what the files of the HTML module share: the document
 * being built and what collects into it (html.c), the tree walk
 * (html_walk.c), text rendering (html_text.c) and keeping gumbo bounded
 * (html_guard.c). Not for other modules.
 */
#ifndef SC_HTML_INT_H
#define SC_HTML_INT_H

#include <gumbo.h>
#include <setjmp.h>
#include <stddef.h>

#include "buf.h"
#include "html.h"

/* Rendered text being built: white space collapsed, line breaks pending
 * until the next visible character, nothing trailing. */
typedef struct sc_html_out {
	sc_buf buf;
	int space;  /* a space is due before the next character */
	int breaks; /* line breaks due before the next character (0..2) */
} sc_html_out;

/* sc_html_out_init - empty output of at most max bytes (the rest is dropped) */
void sc_html_out_init(sc_html_out *o, size_t max);
/* sc_html_out_free - release the buffer */
void sc_html_out_free(sc_html_out *o);
/* sc_html_out_text - render n bytes of text; returns 1 when zero-width
 * characters (U+200B..U+200D, U+2060, U+FEFF) were dropped from it */
int sc_html_out_text(sc_html_out *o, const char *t, size_t n, int pre);
/* sc_html_out_break - a block boundary (br 0: at least one line break) or a
 * <br> (br 1: one more line break, at most two in a row) */
void sc_html_out_break(sc_html_out *o, int br);
/* sc_html_out_space - a word boundary (table cells, anchor text of blocks) */
void sc_html_out_space(sc_html_out *o);
/* sc_html_out_steal - the text as a malloc'd string; o is emptied */
char *sc_html_out_steal(sc_html_out *o);
/* sc_html_out_result - the text so far, NUL-terminated; *len its length */
const char *sc_html_out_result(const sc_html_out *o, size_t *len);

/* The document being built; immutable once sc_html_parse() returns. */
struct sc_html {
	sc_html_out text, hidden;
	sc_buf sa_text; /* SpamAssassin's rendering (html_sa.c) */
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
	size_t end_of_html;          /* offset just after </html>, or SIZE_MAX */
	struct sc_html_frame *stack; /* the walk's frames (html_walk.c) */
	size_t depth;
	struct sc_html_class *classes; /* what the <style> sheets' class rules hide */
	size_t nclasses;
	size_t hidden_words; /* hidden text set between visible words of one line */
	int line_seen;       /* visible words on the current line so far */
	int hidden_pending;  /* hidden text after them, awaiting more visible words */
};

/* sc_html_attr - an element's attribute value, or NULL */
const char *sc_html_attr(const GumboNode *n, const char *name);
/* sc_html_add_link - record a link (href, and alt text for <area>); its index,
 * or -1 past max_links (SC_HTML_TRUNCATED) */
long sc_html_add_link(sc_html *h, const char *href, const char *alt);
/* sc_html_add_form - record <form action method> (within max_links) */
void sc_html_add_form(sc_html *h, const GumboNode *n);
/* sc_html_add_image - record <img src alt> (within max_links) */
void sc_html_add_image(sc_html *h, const GumboNode *n);
/* Tree levels html_sa.c descends (the nesting guard keeps trees shallower). */
#define SC_HTML_SA_MAX_DEPTH 1000
/* sc_html_sa_render - SpamAssassin's text of the tree under root (html_sa.c) */
void sc_html_sa_render(sc_buf *out, const GumboNode *root);

/* sc_html_walk - render the tree under root into h (html_walk.c) */
void sc_html_walk(sc_html *h, const GumboNode *root);

/* sc_html_is_block - elements a browser lays out as blocks (line breaks around) */
int sc_html_is_block(GumboTag t);

/* sc_html_guard_nesting - copy len bytes of HTML into out, dropping the start
 * tags that would leave more than max_open elements open (capped at 4096);
 * returns 1 when any was dropped. Linear in len. */
int sc_html_guard_nesting(const char *in, size_t len, size_t max_open, sc_buf *out);

/* Memory gumbo may hold during one parse; state for one parse, one thread. */
typedef struct sc_html_budget {
	jmp_buf abort; /* where the allocator jumps when the budget runs out */
	size_t max;    /* bytes gumbo may hold at once */
	size_t live;   /* bytes gumbo holds now */
	void *blocks;  /* every block gumbo holds, so an abort can free them */
} sc_html_budget;

/* sc_html_gumbo_options - gumbo options whose allocator keeps within max bytes */
void sc_html_gumbo_options(sc_html_budget *b, size_t max, GumboOptions *opt);
/* sc_html_gumbo_parse - parse under the budget; NULL (all memory released)
 * when it ran out. Free a result with gumbo_destroy_output(opt, out). */
GumboOutput *sc_html_gumbo_parse(sc_html_budget *b, const GumboOptions *opt, const char *in,
				 size_t len);

#endif
