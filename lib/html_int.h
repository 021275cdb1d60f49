/*
 * html_int.h - text rendering shared inside the HTML module (html_text.c).
 * Not for other modules.
 */
#ifndef SC_HTML_INT_H
#define SC_HTML_INT_H

#include <gumbo.h>
#include <stddef.h>

#include "buf.h"

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

/* sc_html_is_block - elements a browser lays out as blocks (line breaks around) */
int sc_html_is_block(GumboTag t);

#endif
