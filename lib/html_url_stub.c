/*
 * html_url_stub.c - TEMPORARY stand-ins for lib/html.c and lib/url.c, which
 * are written on the `html` branch. They keep the msg branch linking and
 * testable until that branch is merged, then this file is deleted. The HTML
 * stand-in only strips tags (script and style dropped, every tag a line
 * break); the URL stand-in keeps nothing.
 */
#include "autoconfig.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "buf.h"
#include "html.h"
#include "mem.h"
#include "url.h"

struct sc_html {
	sc_buf text;
};

/* sc_html_parse - tags stripped, script and style dropped */
sc_html *sc_html_parse(const char *utf8, size_t len, const sc_html_limits *lim)
{
	sc_html *h = sc_calloc(1, sizeof(*h));
	size_t i = 0;

	(void) lim;
	sc_buf_init(&h->text, SC_BUF_UNLIMITED);
	while (i < len) {
		if (utf8[i] == '<') {
			const char *gt = memchr(utf8 + i, '>', len - i);
			size_t e = gt != NULL ? (size_t) (gt - utf8) + 1 : len;

			if (e - i > 7 && (strncasecmp(utf8 + i, "<script", 7) == 0 ||
					  strncasecmp(utf8 + i, "<style", 6) == 0)) {
				const char *close = memchr(utf8 + e, '<', len - e);

				while (close != NULL && close + 2 < utf8 + len && close[1] != '/')
					close = memchr(close + 1, '<',
						       (size_t) (utf8 + len - close - 1));
				gt = close != NULL
					     ? memchr(close, '>', (size_t) (utf8 + len - close))
					     : NULL;
				e = gt != NULL ? (size_t) (gt - utf8) + 1 : len;
			}
			(void) sc_buf_putc(&h->text, '\n');
			i = e;
			continue;
		}
		(void) sc_buf_putc(&h->text, utf8[i++]);
	}
	return h;
}

/* sc_html_free - release */
void sc_html_free(sc_html *h)
{
	if (h == NULL)
		return;
	sc_buf_free(&h->text);
	free(h);
}

/* sc_html_text - the stripped text */
const char *sc_html_text(const sc_html *h, size_t *len)
{
	*len = h->text.len;
	return sc_buf_cstr(&h->text);
}

/* sc_html_hidden_text - nothing is detected as hidden */
const char *sc_html_hidden_text(const sc_html *h, size_t *len)
{
	(void) h;
	*len = 0;
	return "";
}

/* sc_html_link_count - no links */
size_t sc_html_link_count(const sc_html *h)
{
	(void) h;
	return 0;
}

/* sc_html_link_at - never called */
const sc_html_link *sc_html_link_at(const sc_html *h, size_t i)
{
	(void) h;
	sc_panic("link %zu of none", i);
}

/* sc_html_form_count - no forms */
size_t sc_html_form_count(const sc_html *h)
{
	(void) h;
	return 0;
}

/* sc_html_form_at - never called */
const sc_html_form *sc_html_form_at(const sc_html *h, size_t i)
{
	(void) h;
	sc_panic("form %zu of none", i);
}

/* sc_html_image_count - no images */
size_t sc_html_image_count(const sc_html *h)
{
	(void) h;
	return 0;
}

/* sc_html_image_at - never called */
const sc_html_image *sc_html_image_at(const sc_html *h, size_t i)
{
	(void) h;
	sc_panic("image %zu of none", i);
}

/* sc_html_findings - none */
unsigned sc_html_findings(const sc_html *h)
{
	(void) h;
	return 0;
}

struct sc_url_set {
	int unused;
};

/* sc_url_set_new - an empty set */
sc_url_set *sc_url_set_new(size_t max)
{
	(void) max;
	return sc_calloc(1, sizeof(sc_url_set));
}

/* sc_url_set_free - release */
void sc_url_set_free(sc_url_set *s)
{
	free(s);
}

/* sc_url_set_add_text - nothing kept */
void sc_url_set_add_text(sc_url_set *s, const char *text, size_t len, sc_url_source src)
{
	(void) s;
	(void) text;
	(void) len;
	(void) src;
}

/* sc_url_set_add - nothing kept */
const sc_url *sc_url_set_add(sc_url_set *s, const char *url, size_t len, sc_url_source src)
{
	(void) s;
	(void) url;
	(void) len;
	(void) src;
	return NULL;
}

/* sc_url_set_count - none */
size_t sc_url_set_count(const sc_url_set *s)
{
	(void) s;
	return 0;
}

/* sc_url_set_at - never called */
const sc_url *sc_url_set_at(const sc_url_set *s, size_t i)
{
	(void) s;
	sc_panic("url %zu of none", i);
}

/* sc_url_set_truncated - never */
int sc_url_set_truncated(const sc_url_set *s)
{
	(void) s;
	return 0;
}

/* sc_url_registrable_domain - unknown */
char *sc_url_registrable_domain(const char *host_ascii)
{
	(void) host_ascii;
	return NULL;
}
