/*
 * test_html.c - sc_html: visible text as a browser renders it, hidden text
 * and the findings that put it there, links with anchor text and the
 * domain the text shows, forms, images, limits, and hostile markup.
 */
#include "autoconfig.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "html.h"

/* One document: its visible text, hidden text and findings. */
typedef struct text_case {
	const char *what;
	const char *html;
	const char *text;
	const char *hidden;
	unsigned findings;
} text_case;

#define HIDDEN_NONE   SC_HTML_HIDDEN_DISPLAY_NONE
#define HIDDEN_VIS    SC_HTML_HIDDEN_VISIBILITY
#define HIDDEN_FONT   SC_HTML_HIDDEN_FONT_SIZE_ZERO
#define HIDDEN_COLOUR SC_HTML_HIDDEN_SAME_COLOUR
#define HIDDEN_AWAY   SC_HTML_HIDDEN_OUT_OF_VIEW

static const text_case text_cases[] = {
	{"plain", "<p>Hello   world</p>", "Hello world", "", 0},
	{"blocks become lines", "<div>one</div><div>two</div><p>three</p>four",
	 "one\ntwo\nthree\nfour", "", 0},
	{"br", "a<br>b<br><br>c<br><br><br>d", "a\nb\n\nc\n\nd", "", 0},
	{"inline elements join", "<b>bo</b><i>ld</i> <span>text</span>", "bold text", "", 0},
	{"white space collapses", " \n\t a \r\n  b\t\tc  ", "a b c", "", 0},
	{"nbsp is a space", "a&nbsp;&nbsp;b", "a b", "", 0},
	{"entities decode", "&lt;Tom &amp; Jerry&gt; &eacute;&#233;&#x20AC;",
	 "<Tom & Jerry> \xC3\xA9\xC3\xA9\xE2\x82\xAC", "", 0},
	{"script, style, head, comments dropped",
	 "<html><head><title>T</title><style>p{}</style></head><body>"
	 "<script>var x='hidden';</script>a<!-- secret -->b<template>t</template>"
	 "<noscript>ns</noscript></body></html>",
	 "ab", "", 0},
	{"table cells", "<table><tr><td>a</td><td>b</td></tr><tr><td>c</td></tr></table>", "a b\nc",
	 "", 0},
	{"pre keeps lines", "<pre>a\n  b\nc</pre>", "a\nb\nc", "", 0},
	{"list items", "<ul><li>x<li>y</ul>z", "x\ny\nz", "", 0},
	{"display none", "a<div style=\"display:none\">secret</div>b", "a\nb", "secret",
	 HIDDEN_NONE},
	{"display none upper case, spaces, important",
	 "a<span style=\"DISPLAY : NONE !important\">x</span>b", "ab", "x", HIDDEN_NONE},
	{"display none in a comment trick", "a<span style=\"display:/**/none\">x</span>b", "ab",
	 "x", HIDDEN_NONE},
	{"hidden attribute", "a<p hidden>x</p>b", "a\nb", "x", HIDDEN_NONE},
	{"display none cannot be undone",
	 "<div style='display:none'><p style='display:block'>x"
	 "</p></div>",
	 "", "x", HIDDEN_NONE},
	{"visibility hidden", "a<span style='visibility:hidden'>x</span>b", "ab", "x", HIDDEN_VIS},
	{"visibility visible undoes",
	 "<div style='visibility:hidden'>x<span "
	 "style='visibility:visible'>y</span></div>",
	 "y", "x", HIDDEN_VIS},
	{"opacity zero", "a<span style='opacity:0'>x</span>b", "ab", "x", HIDDEN_VIS},
	{"opacity 0.001", "a<span style='opacity:0.001'>x</span>b", "ab", "x", HIDDEN_VIS},
	{"opacity 1%", "a<span style='opacity: 1%'>x</span>b", "ab", "x", HIDDEN_VIS},
	{"opacity 0.05 readable", "a<span style='opacity:0.05'>x</span>b", "axb", "", 0},
	{"opacity 0.6 readable", "a<span style='opacity:.6'>x</span>b", "axb", "", 0},
	{"opacity 50% readable", "a<span style='opacity:50%'>x</span>b", "axb", "", 0},
	{"opacity 1 readable", "a<span style='opacity:1'>x</span>b", "axb", "", 0},
	{"font-size 0", "a<span style='font-size:0'>x</span>b", "ab", "x", HIDDEN_FONT},
	{"font-size 1px", "a<span style='font-size: 1px'>x</span>b", "ab", "x", HIDDEN_FONT},
	{"font-size 0.5pt", "a<span style='font-size:0.5pt'>x</span>b", "ab", "x", HIDDEN_FONT},
	{"font-size 12px visible", "a<span style='font-size:12px'>x</span>b", "axb", "", 0},
	{"font-size reset by child",
	 "<div style='font-size:0'>x<span style='font-size:14px'>y"
	 "</span></div>",
	 "y", "x", HIDDEN_FONT},
	{"white on default white", "a<span style='color:#fff'>x</span>b", "ab", "x", HIDDEN_COLOUR},
	{"white on white, long and named",
	 "<div style='background-color:white'>a<span "
	 "style='color:#FFFFFF'>x</span></div>",
	 "a", "x", HIDDEN_COLOUR},
	{"near white", "a<span style='color:#fefefe'>x</span>b", "ab", "x", HIDDEN_COLOUR},
	{"rgb() white", "a<span style='color:rgb(255, 255, 255)'>x</span>b", "ab", "x",
	 HIDDEN_COLOUR},
	{"rgb() percent", "a<span style='color:rgb(100%,100%,100%)'>x</span>b", "ab", "x",
	 HIDDEN_COLOUR},
	{"transparent text", "a<span style='color:transparent'>x</span>b", "ab", "x",
	 HIDDEN_COLOUR},
	{"same colour on a dark background",
	 "<table bgcolor='#000000'><tr><td><font color='black'>x</font> <font "
	 "color='white'>y</font></td></tr></table>",
	 "y", "x", HIDDEN_COLOUR},
	{"legacy bare hex", "<body bgcolor='ffffff'><font color='fff'>x</font>y</body>", "y", "x",
	 HIDDEN_COLOUR},
	{"body text attribute", "<body text='#ffffff' bgcolor='#ffffff'>x</body>", "", "x",
	 HIDDEN_COLOUR},
	{"background shorthand",
	 "<div style='background: #123456 no-repeat'><span "
	 "style='color:#123456'>x</span></div>",
	 "", "x", HIDDEN_COLOUR},
	{"white on blue is visible",
	 "<div style='background-color:#0000ff'><span "
	 "style='color:#fff'>x</span></div>",
	 "x", "", 0},
	{"white on a background image is not judged",
	 "<div style=\"background:url(b.png)\"><span style='color:#fff'>x</span></div>", "x", "",
	 0},
	{"white in a classed cell is not judged",
	 "<table><tr><td class='button'><a href='#' style='color:#ffffff'>Buy</a></td></tr>"
	 "</table>",
	 "Buy", "", 0},
	{"a class over a known background is not judged",
	 "<body bgcolor=white><table><tr><td class=btn bgcolor=white><a href=x "
	 "style='color:#fff'>Buy</a></td></tr></table></body>",
	 "Buy", "", 0},
	{"an inline background under a class is judged",
	 "<div class=c style='background-color:#fff'><span style='color:#fff'>x</span></div>", "",
	 "x", HIDDEN_COLOUR},
	{"black on default white is visible", "<span style='color:#000'>x</span>", "x", "", 0},
	{"absolute far left is off the page",
	 "a<div style='position:absolute; left:-9999px; top:-9999px'>x <b>y</b></div>b", "a\nb",
	 "x y", HIDDEN_AWAY},
	{"fixed far up, in em", "a<div style='position:fixed;top:-80em'>x</div>", "a", "x",
	 HIDDEN_AWAY},
	{"text-indent far left", "a<p style='text-indent:-10000px'>x</p>", "a", "x", HIDDEN_AWAY},
	{"clipped to no height", "a<div style='height:0;overflow:hidden;line-height:0'>x</div>",
	 "a", "x", HIDDEN_AWAY},
	{"clipped to no width, the order swapped",
	 "a<div style='overflow:hidden;width:0px'>x</div>", "a", "x", HIDDEN_AWAY},
	{"pushed ten thousand pixels down by a class",
	 "<style>.below { margin-top: 470500px; /* as needed */ }</style>a<div class=below>x</div>",
	 "a", "x", HIDDEN_AWAY},
	{"pushed down by padding, in pt", "a<div style='padding-top:9000pt'>x</div>", "a", "x",
	 HIDDEN_AWAY},
	{"pushed down by the margin shorthand", "a<div style='margin:20000px 0 0 0'>x</div>", "a",
	 "x", HIDDEN_AWAY},
	{"an ordinary top margin is visible",
	 "<div style='margin-top:40px;margin:0 9999px'>x</div>", "x", "", 0},
	{"a padding after the margin does not undo it",
	 "a<div style='margin-top:20000px;padding:0'>x</div>", "a", "x", HIDDEN_AWAY},
	{"nor a margin after the padding",
	 "a<div style='padding-top:20000px;margin:0 auto'>x</div>", "a", "x", HIDDEN_AWAY},
	{"far left but not positioned is visible", "<div style='left:-9999px'>x</div>", "x", "", 0},
	{"absolute near the edge is visible",
	 "<div style='position:absolute;left:-20px;top:0'>x</div>", "x", "", 0},
	{"no height but overflowing is visible", "<div style='height:0'>x</div>", "x", "", 0},
	{"clipped to a real height is visible",
	 "<div style='overflow:hidden;height:40px;width:100%'>x</div>", "x", "", 0},
	{"a child cannot come back into view",
	 "<div style='overflow:hidden;max-height:0'><p style='height:auto;overflow:visible'>x"
	 "</p></div>",
	 "", "x", HIDDEN_AWAY},
	{"zero width characters",
	 "Pa\xE2\x80\x8By\xE2\x80\x8C"
	 "P\xE2\x80\x8D"
	 "a\xE2\x81\xA0l\xEF\xBB\xBF",
	 "PayPal", "", SC_HTML_ZERO_WIDTH_CHARS},
	{"soft hyphen dropped quietly", "Pay&shy;Pal", "PayPal", "", 0},
	{"text after </html>", "<html><body>a</body></html>\nbayes poison", "a bayes poison", "",
	 SC_HTML_CONTENT_AFTER_END},
	{"elements after </html>", "<html><body>a</body></html><div>more</div>", "a\nmore", "",
	 SC_HTML_CONTENT_AFTER_END},
	{"only blanks after </html>", "<html><body>a</body></html>\n\n  \n", "a", "", 0},
	{"comment after </html>", "<html><body>a</body></html><!-- x -->", "a", "", 0},
	{"no </html> at all", "<body>a", "a", "", 0},
	{"several findings",
	 "<div style='display:none'>a</div><span "
	 "style='font-size:0'>b</span>c",
	 "c", "a\nb", HIDDEN_NONE | HIDDEN_FONT},
	{"a class of the sheet hides",
	 "<style>.zero { font-size: 0; color: transparent; }</style>"
	 "<p>Your <span class=\"zero\">hawk</span> Statement</p>",
	 "Your Statement", "hawk", HIDDEN_FONT | HIDDEN_COLOUR},
	{"tag.class and selector lists",
	 "<style>/* x */ p.a, .b {display:none}</style><p class=a>x</p><p class='c b'>y</p>z", "z",
	 "x\ny", HIDDEN_NONE},
	{"a later rule of the class undoes",
	 "<style>.a{display:none} .a{display:block}</style>"
	 "<p class=a>x</p>",
	 "x", "", 0},
	{"rules in @media and other selectors are not read",
	 "<style>@media (max-width:480px){.m{display:none}} div .n{display:none} #o{display:none}"
	 "</style><p class=m>x</p><p class=n>y</p><p id=o>z</p>",
	 "x\ny\nz", "", 0},
	{"a class moves the box off the page",
	 "<style>.away{position:absolute;left:-5000px}</style><div class=away>x</div>y", "y", "x",
	 HIDDEN_AWAY},
	{"inline style outranks the class",
	 "<style>.h{display:none}</style>"
	 "<span class=h style='display:inline'>x</span>",
	 "x", "", 0},
	{"mis-nested formatting (adoption agency)", "<b>1<p>2</b>3</p>", "1\n23", "", 0},
	{"unclosed everything", "<div><table><tr><td><a href='x'><b><i>text", "text", "", 0},
	{"stray end tags", "</div></p>a</table>b", "ab", "", 0},
	{"empty", "", "", "", 0},
	/* HTML5: NUL in text is dropped, "p\0" is an unknown inline element */
	{"NUL bytes", "a\0b<p\0>c</p>", "abc", "", 0},
	{"invalid UTF-8",
	 "a\xff\xfe"
	 "b\xC3",
	 "a\xEF\xBF\xBD\xEF\xBF\xBD"
	 "b\xEF\xBF\xBD",
	 "", 0},
};

/* html_len - length of a row's HTML, NULs included for the rows that have them */
static size_t html_len(const text_case *c)
{
	if (strcmp(c->what, "NUL bytes") == 0)
		return sizeof("a\0b<p\0>c</p>") - 1;
	return strlen(c->html);
}

/* test_text_table - visible text, hidden text and findings per document */
static void test_text_table(void **state)
{
	(void) state;
	for (size_t i = 0; i < sizeof(text_cases) / sizeof(text_cases[0]); i++) {
		const text_case *c = &text_cases[i];
		sc_html *h;
		size_t len;

		print_message("text: %s\n", c->what);
		h = sc_html_parse(c->html, html_len(c), NULL);
		assert_non_null(h);
		assert_string_equal(sc_html_text(h, &len), c->text);
		assert_int_equal(len, strlen(c->text));
		assert_string_equal(sc_html_hidden_text(h, NULL), c->hidden);
		assert_int_equal(sc_html_findings(h), c->findings);
		sc_html_free(h);
	}
}

/* One document with one link. */
typedef struct link_case {
	const char *what;
	const char *html;
	const char *href;
	const char *text;
	const char *text_domain; /* NULL: must be NULL */
} link_case;

static const link_case link_cases[] = {
	{"plain link", "<a href='http://example.com/'>Example</a>", "http://example.com/",
	 "Example", NULL},
	{"entities in href", "<a href='http://e.com/?a=1&amp;b=2&lt'>x</a>",
	 "http://e.com/?a=1&b=2<", "x", NULL},
	{"href trimmed, newlines removed", "<a href='  http://e.com/a\n b \t'>x</a>",
	 "http://e.com/a b", "x", NULL},
	{"anchor text collapsed", "<a href='#'>  Click \n <b>here</b>  now </a>", "#",
	 "Click here now", NULL},
	{"anchor text is a URL", "<a href='http://evil.example/'>https://www.PayPal.com/login</a>",
	 "http://evil.example/", "https://www.PayPal.com/login", "www.paypal.com"},
	{"anchor text is a domain", "<a href='http://evil.example/'>paypal.com</a>",
	 "http://evil.example/", "paypal.com", "paypal.com"},
	{"anchor text with a domain inside", "<a href='x'>Log in to paypal.com</a>", "x",
	 "Log in to paypal.com", NULL},
	{"anchor text not a known suffix", "<a href='x'>file.notatld</a>", "x", "file.notatld",
	 NULL},
	{"anchor text an e-mail address", "<a href='mailto:a@evil.example'>help@bank.com</a>",
	 "mailto:a@evil.example", "help@bank.com", "bank.com"},
	{"hidden text not in the anchor",
	 "<a href='x'>Pay<span style='display:none'>zzz</span>"
	 "Pal</a>",
	 "x", "PayPal", NULL},
	{"blocks in an anchor", "<a href='x'><div>one</div><div>two</div></a>", "x", "one two",
	 NULL},
	{"javascript href", "<a href='javascript:void(0)'>x</a>", "javascript:void(0)", "x", NULL},
	{"area", "<map><area href='http://e.com/' alt='Map link'></map>", "http://e.com/",
	 "Map link", NULL},
};

/* test_hidden_words - hidden text between visible words of one line */
static void test_hidden_words(void **state)
{
	static const struct {
		const char *html;
		size_t words;
	} rows[] = {
		{"Your <span style='font-size:0'>hawk</span> Statement <span "
		 "style='display:none'>x</span> is ready",
		 2},
		{"<style>.zero{font-size:0}</style><p>Dear <span class=zero>pulse</span> Valued "
		 "<span "
		 "class=zero>leu</span> Client</p><p>Our <b class=zero>x</b><i>team</i></p>",
		 3},
		/* a preheader, hidden text at a line's end or start, across lines */
		{"<div style='display:none'>preview text</div><p>Hello world</p>", 0},
		{"<p>Hello <span style='display:none'>x</span></p><p>World</p>", 0},
		{"<p><span style='display:none'>x</span> Hello</p>", 0},
		{"Hello <span style='display:none'>x</span><br>World", 0},
		/* hidden white space is no word */
		{"Hello <span style='display:none'> </span> World", 0},
	};

	(void) state;
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		sc_html *h = sc_html_parse(rows[i].html, strlen(rows[i].html), NULL);

		assert_non_null(h);
		print_message("hidden words: row %zu\n", i);
		assert_int_equal(sc_html_hidden_words(h), rows[i].words);
		sc_html_free(h);
	}
}

/* test_hostile_sheets - style sheets that never close, braces out of
 * order, more class rules than are kept: no crash, and what is read still
 * applies */
static void test_hostile_sheets(void **state)
{
	static const char *const docs[] = {
		"<style>.a{display:none</style><p class=a>x</p>",
		"<style>}}}{{{.a{display:none}</style><p class=a>x</p>",
		"<style>/* never closed .a{display:none}</style><p class=a>x</p>",
		"<style>@media{.a{display:none}</style><p class=a>x</p>",
		"<style>.a,,,.{display:none}.</style><p class=a>x</p>",
	};
	sc_buf big;
	sc_html *h;

	(void) state;
	for (size_t i = 0; i < sizeof(docs) / sizeof(docs[0]); i++) {
		h = sc_html_parse(docs[i], strlen(docs[i]), NULL);
		assert_non_null(h);
		sc_html_free(h);
	}
	/* 2000 class rules: the first 256 that hide are kept */
	sc_buf_init(&big, SC_BUF_UNLIMITED);
	(void) sc_buf_printf(&big, "<style>");
	for (int i = 0; i < 2000; i++)
		(void) sc_buf_printf(&big, ".c%d{display:none}", i);
	(void) sc_buf_printf(&big,
			     "</style><p>a <span class=c1>x</span> b <span class=c1999>y</span> "
			     "c</p>");
	h = sc_html_parse(big.data, big.len, NULL);
	assert_non_null(h);
	assert_string_equal(sc_html_text(h, NULL), "a b y c");
	assert_int_equal(sc_html_hidden_words(h), 1);
	sc_html_free(h);
	sc_buf_free(&big);
}

/* test_link_table - one link per document */
static void test_link_table(void **state)
{
	(void) state;
	for (size_t i = 0; i < sizeof(link_cases) / sizeof(link_cases[0]); i++) {
		const link_case *c = &link_cases[i];
		sc_html *h = sc_html_parse(c->html, strlen(c->html), NULL);
		const sc_html_link *l;

		print_message("link: %s\n", c->what);
		assert_int_equal(sc_html_link_count(h), 1);
		l = sc_html_link_at(h, 0);
		assert_non_null(l);
		assert_string_equal(l->href, c->href);
		assert_string_equal(l->text, c->text);
		if (c->text_domain == NULL)
			assert_null(l->text_domain);
		else
			assert_string_equal(l->text_domain, c->text_domain);
		assert_null(sc_html_link_at(h, 1));
		sc_html_free(h);
	}
}

/* test_links_forms_images - several of each, in document order */
static void test_links_forms_images(void **state)
{
	static const char html[] =
		"<a href='a'>A</a><a name='no-href'>n</a><a href=''>empty</a>"
		"<form action=' https://evil.example/post ' method='POST'><input></form>"
		"<form></form>"
		"<img src='http://img.example/x.png' alt='Logo'><img src='y.gif'>"
		"<a href=b><a href=c>C</a></a>";
	sc_html *h = sc_html_parse(html, strlen(html), NULL);

	(void) state;
	assert_int_equal(sc_html_link_count(h), 4);
	assert_string_equal(sc_html_link_at(h, 0)->href, "a");
	assert_string_equal(sc_html_link_at(h, 1)->href, "");
	assert_string_equal(sc_html_link_at(h, 1)->text, "empty");
	assert_string_equal(sc_html_link_at(h, 2)->href, "b");
	assert_string_equal(sc_html_link_at(h, 2)->text, "");
	assert_string_equal(sc_html_link_at(h, 3)->href, "c");
	assert_string_equal(sc_html_link_at(h, 3)->text, "C");
	assert_int_equal(sc_html_form_count(h), 2);
	assert_string_equal(sc_html_form_at(h, 0)->action, "https://evil.example/post");
	assert_string_equal(sc_html_form_at(h, 0)->method, "post");
	assert_string_equal(sc_html_form_at(h, 1)->action, "");
	assert_string_equal(sc_html_form_at(h, 1)->method, "get");
	assert_null(sc_html_form_at(h, 2));
	assert_int_equal(sc_html_image_count(h), 2);
	assert_string_equal(sc_html_image_at(h, 0)->src, "http://img.example/x.png");
	assert_string_equal(sc_html_image_at(h, 0)->alt, "Logo");
	assert_string_equal(sc_html_image_at(h, 1)->src, "y.gif");
	assert_string_equal(sc_html_image_at(h, 1)->alt, "");
	assert_null(sc_html_image_at(h, 2));
	assert_int_equal(sc_html_findings(h) & SC_HTML_TRUNCATED, 0);
	sc_html_free(h);
	sc_html_free(NULL);
}

/* repeat - a malloc'd string of n copies of unit */
static char *repeat(const char *unit, size_t n, size_t *len)
{
	size_t u = strlen(unit);
	char *s = malloc(u * n + 1);

	assert_non_null(s);
	for (size_t i = 0; i < n; i++)
		memcpy(s + i * u, unit, u);
	s[u * n] = '\0';
	*len = u * n;
	return s;
}

/* test_limits - input bytes, links and depth are bounded and reported */
static void test_limits(void **state)
{
	sc_html_limits lim = {20, 2, 5};
	size_t len;
	char *s;
	sc_html *h;

	(void) state;
	h = sc_html_parse("<p>0123456789abcdefghijklmnop</p>", 33, &lim);
	assert_string_equal(sc_html_text(h, NULL), "0123456789abcdefg"); /* 20 bytes */
	assert_true(sc_html_findings(h) & SC_HTML_TRUNCATED);
	sc_html_free(h);

	lim.max_input = 1000;
	s = repeat("<a href=x>l</a>", 10, &len);
	h = sc_html_parse(s, len, &lim);
	assert_int_equal(sc_html_link_count(h), 2);
	assert_true(sc_html_findings(h) & SC_HTML_TRUNCATED);
	assert_string_equal(sc_html_text(h, NULL), "llllllllll");
	sc_html_free(h);
	free(s);

	s = repeat("<div>d", 10, &len);
	h = sc_html_parse(s, len, &lim);
	assert_true(sc_html_findings(h) & SC_HTML_TRUNCATED);
	sc_html_free(h);
	free(s);
}

/* test_hostile - deep nesting, huge attributes, many links, binary: no crash */
static void test_hostile(void **state)
{
	size_t len;
	char *s;
	sc_html *h;

	(void) state;
	/* 10,000 nested elements of several kinds */
	s = repeat("<div><span><b>", 10000, &len);
	h = sc_html_parse(s, len, NULL);
	assert_true(sc_html_findings(h) & SC_HTML_TRUNCATED);
	sc_html_free(h);
	free(s);
	s = repeat("<table><tr><td>", 3000, &len);
	h = sc_html_parse(s, len, NULL);
	sc_html_free(h);
	free(s);
	/* a 1 MB attribute and a 1 MB href */
	s = repeat("x", 1024 * 1024, &len);
	memcpy(s, "<a href='", 9);
	h = sc_html_parse(s, len, NULL);
	sc_html_free(h);
	memcpy(s, "<p style=", 9);
	h = sc_html_parse(s, len, NULL);
	sc_html_free(h);
	free(s);
	/* 100,000 links: default limit */
	s = repeat("<a href='http://e.com/'>e.com</a>", 100000, &len);
	h = sc_html_parse(s, len, NULL);
	assert_int_equal(sc_html_link_count(h), SC_HTML_DEFAULT_MAX_LINKS);
	assert_true(sc_html_findings(h) & SC_HTML_TRUNCATED);
	sc_html_free(h);
	free(s);
	/* every byte value */
	len = 256 * 1024;
	s = malloc(len);
	assert_non_null(s);
	for (size_t i = 0; i < len; i++)
		s[i] = (char) ((i * 131 + (i >> 8)) % 256);
	h = sc_html_parse(s, len, NULL);
	sc_html_free(h);
	free(s);
	/* unterminated comment, attribute, script */
	h = sc_html_parse("<!-- a<p>b", 10, NULL);
	assert_string_equal(sc_html_text(h, NULL), "");
	sc_html_free(h);
	h = sc_html_parse("<a href='x>y", 12, NULL);
	sc_html_free(h);
	h = sc_html_parse("<script>x<p>y", 13, NULL);
	assert_string_equal(sc_html_text(h, NULL), "");
	sc_html_free(h);
	h = sc_html_parse(NULL, 0, NULL);
	assert_string_equal(sc_html_text(h, NULL), "");
	sc_html_free(h);
}

/* concat3 - a malloc'd a + n copies of unit + b */
static char *concat3(const char *a, const char *unit, size_t n, const char *b, size_t *len)
{
	size_t la = strlen(a), lu = strlen(unit), lb = strlen(b);
	char *s = malloc(la + lu * n + lb + 1);

	assert_non_null(s);
	memcpy(s, a, la);
	for (size_t i = 0; i < n; i++)
		memcpy(s + la + i * lu, unit, lu);
	memcpy(s + la + lu * n, b, lb + 1);
	*len = la + lu * n + lb;
	return s;
}

/* Documents built as prefix + unit x count + suffix, against the nesting
 * guard and the memory budget that keep gumbo linear and bounded. */
typedef struct guard_case {
	const char *what;
	const char *prefix, *unit;
	size_t count;
	const char *suffix;
	const char *text_starts; /* the visible text starts with this */
	const char *text_ends;   /* ... and ends with this */
	int truncated;
} guard_case;

static const guard_case guard_cases[] = {
	{"2 MB of <div>: text after it kept", "", "<div>", 400000, "end", "end", "end", 1},
	{"<b>x nesting: text kept", "", "<b>x", 100000, "end", "xxx", "xend", 1},
	{"deep spans with hidden style past the depth", "", "<span>", 1000,
	 "<i style='display:none'>h</i>v", "hv", "hv", 1},
	{"nesting inside a script is text", "<script>", "<div>", 100000, "</script>ok", "ok", "ok",
	 0},
	{"nesting inside a comment", "<!--", "<div>", 100000, "-->ok", "ok", "ok", 0},
	{"nesting inside an attribute", "<a title='", "<div>", 100000, "'>ok</a>", "ok", "ok", 0},
	{"closed elements do not count", "", "<div><span>x</span></div>", 50000, "", "x\nx", "x\nx",
	 0},
	{"void and optional-end elements do not count", "<ul>", "<li><p>x<br><hr><td>y", 20000,
	 "</ul>", "x", "y", 0},
	{"reconstructed formatting elements: memory bounded",
	 "<p><b id=1><b id=2><b id=3>"
	 "<i id=4><u id=5></p>",
	 "<p>x</p>", 250000, "", "x\nx", "x", 1},
};

/* test_guard_table - hostile nesting stays fast and keeps its text */
static void test_guard_table(void **state)
{
	(void) state;
	for (size_t i = 0; i < sizeof(guard_cases) / sizeof(guard_cases[0]); i++) {
		const guard_case *c = &guard_cases[i];
		size_t len, tlen, ls = strlen(c->text_starts), le = strlen(c->text_ends);
		char *s = concat3(c->prefix, c->unit, c->count, c->suffix, &len);
		sc_html *h;
		const char *t;

		print_message("guard: %s\n", c->what);
		h = sc_html_parse(s, len, NULL);
		t = sc_html_text(h, &tlen);
		assert_true(tlen >= ls && tlen >= le);
		assert_memory_equal(t, c->text_starts, ls);
		assert_memory_equal(t + tlen - le, c->text_ends, le);
		assert_int_equal((sc_html_findings(h) & SC_HTML_TRUNCATED) != 0, c->truncated);
		sc_html_free(h);
		free(s);
	}
}

/* test_tag_soup - random strings of markup tokens: no crash, no leak, and the
 * outputs stay consistent (a fixed seed, so failures reproduce) */
static void test_tag_soup(void **state)
{
	static const char *const tokens[] = {
		"<div>",
		"</div>",
		"<p>",
		"<b>",
		"</b>",
		"<a href='http://x.com/'>",
		"</a>",
		"<table>",
		"<tr>",
		"<td>",
		"</table>",
		"<span style='display:none'>",
		"</span>",
		"<font color=#fff>",
		"<body bgcolor=white>",
		"</html>",
		"<html>",
		"<!--",
		"-->",
		"<script>",
		"</script>",
		"<style>",
		"<br>",
		"<img src=i alt=a>",
		"<form action=f>",
		"<svg>",
		"<math>",
		"<template>",
		"<select><option>",
		"<textarea>",
		"<plaintext>",
		"text",
		" ",
		"\n",
		"&amp;",
		"&#0;",
		"&#x200B;",
		"\xE2\x80\x8B",
		"\xff",
		"<",
		">",
		"'",
		"\"",
		"=",
		"\x00",
		"<![CDATA[",
		"]]>",
		"<!DOCTYPE html>",
		"<a href=",
	};
	uint32_t seed = 4242;
	char buf[1024];

	(void) state;
	for (int round = 0; round < 2000; round++) {
		sc_html_limits lim = {sizeof(buf), 5, 8};
		size_t len = 0, tlen;
		const char *text;
		sc_html *h;

		seed = seed * 1103515245u + 12345u;
		for (int k = (int) (seed >> 16) % 60; k >= 0; k--) {
			const char *t;
			size_t tl;

			seed = seed * 1103515245u + 12345u;
			t = tokens[(seed >> 16) % (sizeof(tokens) / sizeof(tokens[0]))];
			tl = t[0] == '\0' ? 1 : strlen(t);
			if (len + tl >= sizeof(buf))
				break;
			memcpy(buf + len, t, tl);
			len += tl;
		}
		h = sc_html_parse(buf, len, round % 2 ? &lim : NULL);
		text = sc_html_text(h, &tlen);
		assert_int_equal(strlen(text), tlen);
		assert_true(sc_html_link_count(h) <= (round % 2 ? 5 : SC_HTML_DEFAULT_MAX_LINKS));
		for (size_t i = 0; i < sc_html_link_count(h); i++) {
			assert_non_null(sc_html_link_at(h, i)->href);
			assert_non_null(sc_html_link_at(h, i)->text);
		}
		for (size_t i = 0; i < sc_html_form_count(h); i++)
			assert_non_null(sc_html_form_at(h, i)->method);
		sc_html_free(h);
	}
}

/* parse_in_thread - parse one shared document repeatedly; 1 when every result matched */
static void *parse_in_thread(void *arg)
{
	static const char doc[] = "<body bgcolor=#fff><p>Dear <b>customer</b></p><a "
				  "href='http://evil.example/'>paypal.com</a><font "
				  "color=white>padding</font></body>";
	int *ok = arg;

	*ok = 1;
	for (int i = 0; i < 200; i++) {
		sc_html *h = sc_html_parse(doc, sizeof(doc) - 1, NULL);

		if (strcmp(sc_html_text(h, NULL), "Dear customer\npaypal.com") != 0 ||
		    strcmp(sc_html_hidden_text(h, NULL), "padding") != 0 ||
		    strcmp(sc_html_link_at(h, 0)->text_domain, "paypal.com") != 0)
			*ok = 0;
		sc_html_free(h);
	}
	return NULL;
}

/* test_threads - documents parsed in parallel share nothing mutable */
static void test_threads(void **state)
{
	pthread_t t[8];
	int ok[8];

	(void) state;
	for (int i = 0; i < 8; i++)
		assert_int_equal(pthread_create(&t[i], NULL, parse_in_thread, &ok[i]), 0);
	for (int i = 0; i < 8; i++) {
		assert_int_equal(pthread_join(t[i], NULL), 0);
		assert_true(ok[i]);
	}
}

/* main - run every html test */
int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_text_table),
		cmocka_unit_test(test_hidden_words),
		cmocka_unit_test(test_hostile_sheets),
		cmocka_unit_test(test_link_table),
		cmocka_unit_test(test_links_forms_images),
		cmocka_unit_test(test_limits),
		cmocka_unit_test(test_hostile),
		cmocka_unit_test(test_guard_table),
		cmocka_unit_test(test_tag_soup),
		cmocka_unit_test(test_threads),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
