/*
 * html_text.c - rendering text nodes as a browser lays them out: white
 * space collapsed, line breaks for blocks and <br>, invisible characters
 * dropped (see html_int.h).
 */
#include "autoconfig.h"

#include <stdint.h>
#include <string.h>

#include "html_int.h"
#include "mem.h"
#include "utf8.h"

/* sc_html_out_init - empty output bounded by max bytes */
void sc_html_out_init(sc_html_out *o, size_t max)
{
	sc_buf_init(&o->buf, max);
	o->space = 0;
	o->breaks = 0;
}

/* sc_html_out_free - release the output */
void sc_html_out_free(sc_html_out *o)
{
	sc_buf_free(&o->buf);
}

/* is_zero_width - the zero-width characters the findings name */
static int is_zero_width(uint32_t cp)
{
	return (cp >= 0x200B && cp <= 0x200D) || cp == 0x2060 || cp == 0xFEFF;
}

/* is_blank - white space that collapses (U+00A0 included: rules want one kind of space) */
static int is_blank(uint32_t cp)
{
	return cp == ' ' || cp == '\t' || cp == '\n' || cp == '\r' || cp == '\f' || cp == 0xA0;
}

/* put - emit one visible character after the pending breaks or space */
static void put(sc_html_out *o, const char *p, size_t k)
{
	if (o->buf.len > 0) {
		if (o->breaks > 0)
			(void) sc_buf_append_upto(&o->buf, "\n\n", (size_t) o->breaks);
		else if (o->space)
			(void) sc_buf_append_upto(&o->buf, " ", 1);
	}
	o->breaks = 0;
	o->space = 0;
	(void) sc_buf_append(&o->buf, p, k);
}

/* sc_html_out_text - render text, report dropped zero-width characters */
int sc_html_out_text(sc_html_out *o, const char *t, size_t n, int pre)
{
	int zw = 0;

	for (size_t i = 0; i < n;) {
		uint32_t cp;
		size_t k = sc_utf8_decode(t + i, n - i, &cp);

		if (k == 0) { /* gumbo replaces bad bytes; be safe anyway */
			put(o, "\xEF\xBF\xBD", 3);
			i++;
			continue;
		}
		i += k;
		if (is_zero_width(cp)) {
			zw = 1;
		} else if (cp == 0xAD || cp == 0) {
			/* soft hyphen: invisible unless a word is broken there */
		} else if (pre && cp == '\n') {
			sc_html_out_break(o, 1);
		} else if (is_blank(cp)) {
			o->space = 1;
		} else {
			put(o, t + i - k, k);
		}
	}
	return zw;
}

/* sc_html_out_break - request line breaks before the next character */
void sc_html_out_break(sc_html_out *o, int br)
{
	if (br)
		o->breaks = o->breaks < 2 ? o->breaks + 1 : 2;
	else if (o->breaks == 0)
		o->breaks = 1;
}

/* sc_html_out_space - request a space before the next character */
void sc_html_out_space(sc_html_out *o)
{
	o->space = 1;
}

/* sc_html_out_steal - hand the text over */
char *sc_html_out_steal(sc_html_out *o)
{
	return sc_buf_steal(&o->buf);
}

/* sc_html_out_result - the text so far */
const char *sc_html_out_result(const sc_html_out *o, size_t *len)
{
	if (len != NULL)
		*len = o->buf.len;
	return sc_buf_cstr(&o->buf);
}

/* sc_html_is_block - block-level elements of the HTML rendering section */
int sc_html_is_block(GumboTag t)
{
	switch (t) {
	case GUMBO_TAG_ADDRESS:
	case GUMBO_TAG_ARTICLE:
	case GUMBO_TAG_ASIDE:
	case GUMBO_TAG_BLOCKQUOTE:
	case GUMBO_TAG_CAPTION:
	case GUMBO_TAG_CENTER:
	case GUMBO_TAG_DD:
	case GUMBO_TAG_DETAILS:
	case GUMBO_TAG_DIR:
	case GUMBO_TAG_DIV:
	case GUMBO_TAG_DL:
	case GUMBO_TAG_DT:
	case GUMBO_TAG_FIELDSET:
	case GUMBO_TAG_FIGCAPTION:
	case GUMBO_TAG_FIGURE:
	case GUMBO_TAG_FOOTER:
	case GUMBO_TAG_FORM:
	case GUMBO_TAG_H1:
	case GUMBO_TAG_H2:
	case GUMBO_TAG_H3:
	case GUMBO_TAG_H4:
	case GUMBO_TAG_H5:
	case GUMBO_TAG_H6:
	case GUMBO_TAG_HEADER:
	case GUMBO_TAG_HR:
	case GUMBO_TAG_LI:
	case GUMBO_TAG_LISTING:
	case GUMBO_TAG_MAIN:
	case GUMBO_TAG_MENU:
	case GUMBO_TAG_NAV:
	case GUMBO_TAG_OL:
	case GUMBO_TAG_P:
	case GUMBO_TAG_PLAINTEXT:
	case GUMBO_TAG_PRE:
	case GUMBO_TAG_SECTION:
	case GUMBO_TAG_SUMMARY:
	case GUMBO_TAG_TABLE:
	case GUMBO_TAG_TR:
	case GUMBO_TAG_UL:
	case GUMBO_TAG_XMP:
		return 1;
	default:
		return 0;
	}
}
