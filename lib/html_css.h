/*
 * html_css.h - the little CSS that hidden-text detection needs: inline
 * style declarations and colours. Private to html.c; pure functions,
 * thread-safe.
 */
#ifndef SC_HTML_CSS_H
#define SC_HTML_CSS_H

#include <stddef.h>
#include <stdint.h>

/* What an element's inline style (or legacy attributes) says; -1 = not said. */
typedef struct sc_css {
	int display_none;      /* display:none (1) or another display (0) */
	int visibility_hidden; /* visibility:hidden|collapse (1), visible (0) */
	int opacity_zero;      /* opacity:0 (1); unlike visibility, children cannot undo it */
	int font_tiny;         /* font-size of 0 or about 1px (1), another size (0) */
	int has_color;         /* color given: 1 colour, 2 transparent */
	uint32_t color;        /* 0xRRGGBB */
	int has_bg;            /* background colour given: 1 colour, 2 transparent */
	uint32_t bg;
	int bg_image; /* a background image: the background colour is unknown */
	/* Boxes out of view: -1 = not said, else 0 or 1 */
	int positioned;    /* position:absolute|fixed (1), static|relative|sticky (0) */
	int offset_far;    /* left or top at -500px or further (1) */
	int indent_far;    /* text-indent at -500px or further (1) */
	int margin_far;    /* margin-top (or the margin shorthand's first value) of
			    * 10000px or more (1) */
	int padding_far;   /* the same for padding-top */
	int overflow_clip; /* overflow hidden|clip (1), visible|auto|scroll (0) */
	int zero_box;      /* width, height, max-width or max-height of 0 or 1px (1) */
} sc_css;

/* sc_css_out_of_view - whether c moves its box off the page (absolute or
 * fixed with left or top at -500px or further, or text-indent that far),
 * pushes it down ten thousand pixels or more (a margin or padding on top
 * that far leaves the reader scrolling past blank screens; kits use it to
 * carry a borrowed newsletter below an image link) or clips it to nothing
 * (overflow hidden and a zero width or height): the text is in the
 * document and nowhere a reader looks. 1 or 0. */
int sc_css_out_of_view(const sc_css *c);

/* sc_css_init - nothing said */
void sc_css_init(sc_css *c);

/* sc_css_parse_style - read a style attribute's declarations into c
 * (comments dropped, names and values case-insensitive, !important ignored). */
void sc_css_parse_style(sc_css *c, const char *style);

/* sc_css_sheet_classes - the rules of a style sheet (len bytes, comments
 * allowed) whose selector is one class, bare or after a tag name (".zero",
 * "span.zero", or a comma list of those): fn(arg, class, class_len,
 * declarations, declarations_len) for each such selector, in sheet order.
 * Rules inside @-blocks (@media, @font-face...) apply only sometimes and
 * are skipped; so is any other selector. */
void sc_css_sheet_classes(const char *sheet, size_t len,
			  void (*fn)(void *arg, const char *cls, size_t cn, const char *decl,
				     size_t dn),
			  void *arg);

/* sc_css_parse_colour - a CSS colour (#rgb, #rrggbb, #rgba, #rrggbbaa, rgb(),
 * rgba(), a common name, transparent) or, when legacy, also the bare hex of
 * old attributes (bgcolor=ffffff): 1 with *rgb set, 2 for transparent, 0
 * when not understood. */
int sc_css_parse_colour(const char *s, size_t n, int legacy, uint32_t *rgb);

/* sc_css_colours_close - two colours a reader cannot tell apart (each channel
 * within SC_CSS_COLOUR_TOLERANCE) */
int sc_css_colours_close(uint32_t a, uint32_t b);
#define SC_CSS_COLOUR_TOLERANCE 12

#endif
