/*
 * test_msg_mime.c - the MIME side of the message model: decoding, charsets,
 * renderings, addresses, attachments, archives, and hostile structure.
 *
 * The small messages live in tests/data/ (hand-made, NAME.eml; found through
 * $top_srcdir, which `make check` exports). The big hostile ones (deep
 * nesting, thousands of parts, a 1 MB header line) are generated here.
 * Every message is handed over in a heap block of exactly its length, so
 * AddressSanitizer catches any read past it.
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
#include "msg.h"
#include "msg_int.h"

/* read_data - tests/data/NAME in a heap block of exactly its size */
static char *read_data(const char *name, size_t *len)
{
	const char *top = getenv("top_srcdir");
	char path[4096];
	sc_buf b;
	FILE *fp;
	char chunk[8192];
	size_t n;
	char *out;

	assert_true((size_t) snprintf(path, sizeof(path), "%s/tests/data/%s",
				      top != NULL ? top : ".", name) < sizeof(path));
	fp = fopen(path, "rb");
	if (fp == NULL)
		fail_msg("cannot open %s (is top_srcdir set?)", path);
	sc_buf_init(&b, SC_BUF_UNLIMITED);
	while ((n = fread(chunk, 1, sizeof(chunk), fp)) > 0)
		assert_int_equal(sc_buf_append(&b, chunk, n), 0);
	(void) fclose(fp);
	*len = b.len;
	out = malloc(b.len ? b.len : 1);
	assert_non_null(out);
	memcpy(out, b.data, b.len);
	sc_buf_free(&b);
	return out;
}

/* parse_exact - parse bytes copied into an exact-size block */
static sc_msg *parse_exact(const char *raw, size_t len, const sc_msg_limits *lim)
{
	char *copy = malloc(len ? len : 1);
	sc_msg *m;

	assert_non_null(copy);
	memcpy(copy, raw, len);
	m = sc_msg_parse_limits(copy, len, lim);
	free(copy);
	return m;
}

/* parse_file - parse tests/data/NAME */
static sc_msg *parse_file(const char *name)
{
	size_t len;
	char *raw = read_data(name, &len);
	sc_msg *m = sc_msg_parse(raw, len);

	free(raw);
	return m;
}

/* contains - haystack (n bytes, may hold NULs) contains needle */
static int contains(const char *hay, size_t n, const char *needle)
{
	size_t k = strlen(needle);

	for (size_t i = 0; k <= n && i <= n - k; i++)
		if (memcmp(hay + i, needle, k) == 0)
			return 1;
	return 0;
}

/* One message file and what its model must show. */
typedef struct file_case {
	const char *file;
	unsigned findings; /* exactly these */
	size_t nparts;
	const char *body_has;   /* in sc_msg_body_text */
	const char *body_lacks; /* not in it (NULL: no check) */
	const char *raw_has;    /* in sc_msg_rawbody */
} file_case;

enum {
	DEPTH = SC_MSG_MIME_DEPTH,
	MALFORMED = SC_MSG_MIME_MALFORMED,
	CHARSET = SC_MSG_BAD_CHARSET,
	ADDR = SC_MSG_BAD_ADDRESS_LIST,
	NULS = SC_MSG_NUL_BYTES,
};

static const file_case file_cases[] = {
	{"mime-base64-utf8.eml", 0, 1,
	 "base64 text\nGrüße aus Köln. Please send the gift cards today.\nSecond paragraph. \n",
	 NULL, "Please send the\ngift cards today.\n\nSecond"},
	{"mime-qp-latin1.eml", 0, 1, "Café crème, soft line break.", "=E9", "Café"},
	{"header-rfc2047.eml", 0, 1, "Urgent:Ihr Konto wurde gesperrt ä\nbody \n", "=?", "body"},
	{"charset-unknown.eml", CHARSET, 1, "naïve café", NULL, "naïve"},
	{"charset-missing.eml", CHARSET, 1, "Price: 10€ “quoted”", NULL, "10€"},
	{"charset-lying.eml", CHARSET, 1, "bad \xef\xbf\xbd byte and good é", NULL, "good é"},
	/* multipart/alternative: body and rawbody have both, as in SpamAssassin */
	{"alt-html.eml", 0, 3,
	 "PLAIN ALTERNATIVE visit http://plain.example/x\nHTML visible text\n", "hidden script",
	 "PLAIN ALTERNATIVE"},
	{"alt-html.eml", 0, 3, "alternative\n", "hidden script", "<script>"},
	{"nested-rfc822.eml", 0, 5, "Forwarding this. INNER TEXT claim your prize\n", NULL,
	 "INNER TEXT"},
	{"mixed-eol.eml", 0, 2, "mixed\nline one line two\n", "\r", "line one\nline two"},
	/* the reader's client shows the text of a multipart whose boundary never
	 * comes: so does body */
	{"boundary-missing.eml", MALFORMED, 1, "TEXT WITHOUT BOUNDARY", NULL, "--x"},
	{"boundary-lying.eml", MALFORMED, 1, "TEXT UNDER THE WRONG BOUNDARY", NULL, "--actual"},
	{"base64-truncated.eml", 0, 1, "Truncated base64 still decodes", NULL, "Truncated"},
	{"attach-ext-chain.eml", 0, 3, "See the invoice.", "MZ", "See the invoice."},
	{"attach-zip.eml", 0, 3, "zip inside", "PK", "zip inside"},
	{"addr-odd.eml", ADDR, 1, "addresses\nbody \n", NULL, "body"},
};

/* test_file_table - findings, part count and renderings of each file */
static void test_file_table(void **state)
{
	(void) state;
	for (size_t i = 0; i < sizeof(file_cases) / sizeof(file_cases[0]); i++) {
		const file_case *c = &file_cases[i];
		sc_msg *m = parse_file(c->file);
		size_t blen, rlen;
		const char *body = sc_msg_body_text(m, &blen), *raw = sc_msg_rawbody(m, &rlen);

		print_message("file: %s\n", c->file);
		assert_int_equal(sc_msg_findings(m), c->findings);
		assert_int_equal(sc_msg_part_count(m), c->nparts);
		if (!contains(body, blen, c->body_has))
			fail_msg("body lacks \"%s\":\n%s", c->body_has, body);
		if (c->body_lacks != NULL && contains(body, blen, c->body_lacks))
			fail_msg("body has \"%s\":\n%s", c->body_lacks, body);
		if (!contains(raw, rlen, c->raw_has))
			fail_msg("rawbody lacks \"%s\":\n%s", c->raw_has, raw);
		sc_msg_free(m);
	}
}

/* A small message and its exact `body` rendering. */
typedef struct render_case {
	const char *raw;
	const char *body;
} render_case;

static const render_case render_cases[] = {
	/* Expected values are what SpamAssassin 4.0.1's get_rendered_body_text_array
	 * gives (tests/compat/sa_render.pl), one element per line. A white-space
	 * run with two or more newlines is a paragraph break, keeping one space for
	 * the white space on either side of its newlines; other runs (U+00A0
	 * included) are one space; nothing is trimmed. */
	{"Subject: s\n\n  a \t b\n c\n\n\n d\xc2\xa0\xc2\xa0"
	 "e \n",
	 "s\n a b c\n d e \n"},
	{"Subject: s\r\n\r\none\r\n \r\ntwo\r\n", "s\none\ntwo \n"},
	/* no Subject: an empty first line */
	{"\nno subject, no header\n", "\nno subject, no header \n"},
	{"Subject: =?utf-8?q?x_y?=\n\n", "x y\n"},
	/* each encoded word decoded alone (base64 padding inside), the white
	 * space between two words dropped */
	{"Subject: =?UTF-8?B?YWI=?=\n\t=?UTF-8?B?Y2Q=?= x =?UTF-8?Q?e?=\n\nb\n", "abcd x e\nb \n"},
	{"Subject:   \n\nbody\n", "\nbody \n"},
	/* HTML: div is a newline (a space), script dropped */
	{"Content-Type: text/html\n\n<div>a</div><div>b <i>c</i></div><script>x</script>",
	 "\n a\nb c \n"},
	/* p is a paragraph break; li a space; the title is text too */
	{"Content-Type: text/html\n\n<title>T</title><p>one <b>two</b></p><ul><li>x<li>y</ul>",
	 "\n\nT\none two\n x y\n"},
	/* &nbsp; is a space before parsing, a literal U+00A0 only later; literal
	 * curly double quotes are '"'; <br/> is <br>; div + br make a break */
	{"Subject: s\nContent-Type: text/html; charset=utf-8\n\n<p>a&nbsp; b</p>"
	 "<div>\xc2\xa0 c \xe2\x80\x9cq\xe2\x80\x9d</div><br/>d",
	 "s\n\na b\n c \"q\"\nd\n"},
	/* white space after </body> and </html>: separate text to SpamAssassin */
	{"Subject: s\nContent-Type: text/html\n\n<html><body><div>a<br>\n</div>\n</body>\n"
	 "</html>\n",
	 "s\n a\n \n"},
};

/* test_render_table - the exact body text of small messages */
static void test_render_table(void **state)
{
	(void) state;
	for (size_t i = 0; i < sizeof(render_cases) / sizeof(render_cases[0]); i++) {
		const render_case *c = &render_cases[i];
		sc_msg *m = parse_exact(c->raw, strlen(c->raw), NULL);
		size_t blen;
		const char *body = sc_msg_body_text(m, &blen);

		print_message("render %zu\n", i);
		assert_string_equal(body, c->body);
		assert_int_equal(blen, strlen(c->body));
		sc_msg_free(m);
	}
}

/* One header field's decoded value. */
typedef struct header_case {
	const char *file;
	const char *name;
	const char *decoded;
	const char *raw_has;
} header_case;

static const header_case header_cases[] = {
	{"header-rfc2047.eml", "Subject", "Urgent:Ihr Konto wurde gesperrt ä", "=?utf-8?b?"},
	{"header-rfc2047.eml", "From", "Jürgen Müller <jm@example.org>", "=?utf-8?q?J=C3=BC"},
	{"header-rfc2047.eml", "X-Broken", "=?utf-8?q?unterminated", "=?utf-8?q?unterminated"},
	{"addr-odd.eml", "Sender", "Sécurité <sec@bank.example>", "S=C3=A9"},
	{"mime-base64-utf8.eml", "Subject", "base64 text", " base64 text\n"},
};

/* test_header_table - decoded and raw values */
static void test_header_table(void **state)
{
	(void) state;
	for (size_t i = 0; i < sizeof(header_cases) / sizeof(header_cases[0]); i++) {
		const header_case *c = &header_cases[i];
		sc_msg *m = parse_file(c->file);
		long h = sc_msg_header_find(m, c->name, 0);

		print_message("%s: %s\n", c->file, c->name);
		assert_true(h >= 0);
		assert_string_equal(sc_msg_header_decoded(m, (size_t) h), c->decoded);
		assert_non_null(strstr(sc_msg_header_raw(m, (size_t) h), c->raw_has));
		sc_msg_free(m);
	}
}

/* One expected address of addr-odd.eml, in order. */
typedef struct addr_case {
	sc_addr_field field;
	const char *name, *addr, *local, *domain, *group;
} addr_case;

static const addr_case addr_cases[] = {
	/* a quoted display name holding an '@' is a name, not the address */
	{SC_ADDR_FROM, "paypal@service.example", "evil@phish.example", "evil", "phish.example",
	 NULL},
	/* comments dropped; the domain lower-cased, the address kept as written */
	{SC_ADDR_FROM, "Second", "second@Example.NET", "second", "example.net", NULL},
	/* several From fields */
	{SC_ADDR_FROM, "", "third@example.org", "third", "example.org", NULL},
	/* an encoded word in the display name */
	{SC_ADDR_SENDER, "Sécurité", "sec@bank.example", "sec", "bank.example", NULL},
	/* group syntax */
	{SC_ADDR_REPLY_TO, "", "a@one.example", "a", "one.example", "friends"},
	{SC_ADDR_REPLY_TO, "", "b@two.example", "b", "two.example", "friends"},
	/* the null sender; To is an empty group and the broken Cc yields nothing */
	{SC_ADDR_RETURN_PATH, "", "", "", "", NULL},
};

/* test_addr_table - every address of addr-odd.eml */
static void test_addr_table(void **state)
{
	sc_msg *m = parse_file("addr-odd.eml");
	size_t n = sizeof(addr_cases) / sizeof(addr_cases[0]);

	(void) state;
	assert_int_equal(sc_msg_addr_count(m), n);
	for (size_t i = 0; i < n; i++) {
		const addr_case *c = &addr_cases[i];
		const sc_msg_addr *a = sc_msg_addr_at(m, i);

		print_message("address %zu: %s\n", i, c->addr);
		assert_int_equal(a->field, c->field);
		assert_string_equal(a->name, c->name);
		assert_string_equal(a->addr, c->addr);
		assert_string_equal(a->local, c->local);
		assert_string_equal(a->domain, c->domain);
		if (c->group == NULL)
			assert_null(a->group);
		else
			assert_string_equal(a->group, c->group);
	}
	assert_true(sc_msg_findings(m) & SC_MSG_BAD_ADDRESS_LIST); /* the Cc line */
	assert_string_equal(sc_addr_field_name(SC_ADDR_REPLY_TO), "Reply-To");
	sc_msg_free(m);
}

/* One attachment and its properties. */
typedef struct att_case {
	const char *file;
	const char *filename;
	const char *declared;
	const char *sniffed;
	size_t size;
	const char *exts;    /* joined by ',' */
	const char *entries; /* "name[*]" joined by ',', * for encrypted */
} att_case;

static const att_case att_cases[] = {
	{"attach-ext-chain.eml", "Invoice.PDF.exe", "application/pdf", "application/x-dosexec", 64,
	 "pdf,exe", ""},
	/* RFC 2231 continuations with a charset */
	{"attach-rfc2231.eml", "Rechnung März final.pdf", "application/octet-stream", "text/plain",
	 11, "pdf", ""},
	{"attach-zip.eml", "files.zip", "application/zip", "application/zip", 240, "zip",
	 "docs/readme.txt,payload.exe*"},
};

/* test_attachment_table - the single attachment of each file */
static void test_attachment_table(void **state)
{
	(void) state;
	for (size_t i = 0; i < sizeof(att_cases) / sizeof(att_cases[0]); i++) {
		const att_case *c = &att_cases[i];
		sc_msg *m = parse_file(c->file);
		const sc_msg_attachment *a;
		sc_buf exts, ents;

		print_message("file: %s\n", c->file);
		assert_int_equal(sc_msg_attachment_count(m), 1);
		a = sc_msg_attachment_at(m, 0);
		assert_string_equal(a->filename, c->filename);
		assert_string_equal(a->declared_type, c->declared);
		assert_non_null(a->sniffed_type);
		assert_string_equal(a->sniffed_type, c->sniffed);
		assert_int_equal(a->size, c->size);
		sc_buf_init(&exts, SC_BUF_UNLIMITED);
		sc_buf_init(&ents, SC_BUF_UNLIMITED);
		for (size_t k = 0; k < a->nexts; k++)
			assert_int_equal(sc_buf_printf(&exts, "%s%s", k ? "," : "", a->exts[k]), 0);
		for (size_t k = 0; k < a->nentries; k++)
			assert_int_equal(sc_buf_printf(&ents, "%s%s%s", k ? "," : "",
						       a->entries[k].name,
						       a->entries[k].encrypted ? "*" : ""),
					 0);
		assert_string_equal(sc_buf_cstr(&exts), c->exts);
		assert_string_equal(sc_buf_cstr(&ents), c->entries);
		assert_int_equal(a->archive_error, 0);
		assert_int_equal(sc_msg_part_at(m, a->part)->attachment, 0);
		sc_buf_free(&exts);
		sc_buf_free(&ents);
		sc_msg_free(m);
	}
}

/* One URL html-links.eml must yield. */
typedef struct url_case {
	const char *normalised;
	unsigned sources; /* exactly these (1u << sc_url_source) */
	unsigned count;
	unsigned flags_set; /* at least these */
} url_case;

#define SRC(x) (1u << SC_URL_SRC_##x)

static const url_case url_cases[] = {
	{"http://obfuscated.example/x", SRC(TEXT), 1, SC_URL_OBFUSCATED},
	/* the same URL in the text part and as an href: one entry, counted twice */
	{"http://login.evil.example/pay?id=1", SRC(TEXT) | SRC(HREF), 2, 0},
	{"http://www.parcel-track.example.com/", SRC(TEXT), 1, SC_URL_NO_SCHEME},
	/* the anchor text of the link is visible text */
	{"https://www.bank.example/login", SRC(TEXT), 1, 0},
	{"https://collect.evil.example/post", SRC(FORM), 1, 0},
	{"http://img.tracker.example/pixel.gif", SRC(IMG), 1, 0},
};

/* test_url_table - URLs from text parts, rendered HTML, hrefs, forms, images */
static void test_url_table(void **state)
{
	sc_msg *m = parse_file("html-links.eml");
	const sc_url_set *s = sc_msg_urls(m);
	size_t n = sizeof(url_cases) / sizeof(url_cases[0]), blen;
	const char *body = sc_msg_body_text(m, &blen);

	(void) state;
	assert_int_equal(sc_url_set_count(s), n);
	for (size_t i = 0; i < n; i++) {
		const url_case *c = &url_cases[i];
		const sc_url *u = NULL;

		print_message("url: %s\n", c->normalised);
		for (size_t k = 0; k < sc_url_set_count(s); k++)
			if (strcmp(sc_url_set_at(s, k)->normalised, c->normalised) == 0)
				u = sc_url_set_at(s, k);
		assert_non_null(u);
		assert_int_equal(u->sources, c->sources);
		assert_int_equal(u->count, c->count);
		assert_int_equal(u->flags & c->flags_set, c->flags_set);
	}
	/* the QP-encoded HTML is decoded and rendered; its hidden text is a
	 * finding, and stays in body as SpamAssassin keeps it */
	assert_int_equal(sc_msg_html_findings(m), SC_HTML_HIDDEN_DISPLAY_NONE);
	assert_true(contains(body, blen, "Your parcel is waiting."));
	assert_true(contains(body, blen, "hidden padding"));
	assert_false(contains(body, blen, "=3D"));
	assert_non_null(sc_msg_part_at(m, 2)->html);
	assert_int_equal(sc_html_link_count(sc_msg_part_at(m, 2)->html), 1);
	assert_string_equal(sc_html_link_at(sc_msg_part_at(m, 2)->html, 0)->text_domain,
			    "www.bank.example");
	sc_msg_free(m);
}

/* test_attached_html_urls - links and forms of an attached HTML file count */
static void test_attached_html_urls(void **state)
{
	sc_msg *m = parse_file("attach-html.eml");
	const sc_url_set *s = sc_msg_urls(m);
	int form = 0, href = 0;
	size_t rlen;
	const char *raw;

	(void) state;
	for (size_t i = 0; i < sc_url_set_count(s); i++) {
		const sc_url *u = sc_url_set_at(s, i);

		form |= strcmp(u->normalised, "https://harvest.evil.example/login") == 0 &&
			(u->sources & SRC(FORM));
		href |= strcmp(u->normalised, "https://evil.example/x") == 0 &&
			(u->sources & SRC(HREF));
	}
	assert_true(form);
	assert_true(href);
	assert_non_null(sc_msg_part_at(m, 2)->html);
	assert_false(sc_msg_part_at(m, 2)->displayed);
	/* rawbody holds every text part, attached ones too, as SpamAssassin's
	 * does (msg_render.c); rlen is set before it is read */
	raw = sc_msg_rawbody(m, &rlen);
	assert_true(contains(raw, rlen, "<form"));
	sc_msg_free(m);
}

/* url_sources - the sources of URL normalised in s, 0 when it is not there */
static unsigned url_sources(const sc_url_set *s, const char *normalised)
{
	for (size_t i = 0; i < sc_url_set_count(s); i++) {
		const sc_url *u = sc_url_set_at(s, i);

		if (strcmp(u->normalised, normalised) == 0)
			return u->sources;
	}
	return 0;
}

/* some_url - a URL of s holds text (at its start only, when at_start) */
static int some_url(const sc_url_set *s, const char *text, int at_start)
{
	for (size_t i = 0; i < sc_url_set_count(s); i++) {
		const char *n = sc_url_set_at(s, i)->normalised;

		print_message("url: %s\n", n);
		if (at_start ? strncmp(n, text, strlen(text)) == 0 : strstr(n, text) != NULL)
			return 1;
	}
	return 0;
}

/* test_attached_pdf_links - a PDF's URI actions count as links, in plain
 * objects (escapes decoded) and in Flate object streams (hex strings); an
 * object stream inflating to 20 MB stops at the budget; a page's content
 * stream is not searched; other names are not URIs */
static void test_attached_pdf_links(void **state)
{
	sc_msg *m = parse_file("attach-pdf-links.eml");
	const sc_url_set *s = sc_msg_urls(m);

	(void) state;
	assert_int_equal(url_sources(s, "https://plain.evil.example/a)b"), SRC(ATTACH));
	assert_int_equal(url_sources(s, "https://zip.evil.example/q"), SRC(ATTACH));
	assert_false(some_url(s, "base.example", 0));
	assert_int_equal(sc_url_set_count(s), 2);
	assert_int_equal(sc_msg_attachment_count(m), 1);
	sc_msg_free(m);
}

/* test_attached_svg - an SVG's <a> href and the URLs in its scripts are an
 * attachment's links, an <image>'s href a picture's; its namespace URIs,
 * references inside the file ("#g") and embedded data are none; its text
 * is in rawbody (where script rules read it), not in body */
static void test_attached_svg(void **state)
{
	sc_msg *m = parse_file("attach-svg.eml");
	const sc_url_set *s = sc_msg_urls(m);
	size_t len;
	const char *raw = sc_msg_rawbody(m, &len), *body = sc_msg_body(m, &len);

	(void) state;
	assert_int_equal(url_sources(s, "https://fax-view.evil.example/open?id=7"), SRC(ATTACH));
	assert_int_equal(url_sources(s, "https://cdn.evil.example/logo.png"), SRC(IMG));
	assert_int_not_equal(url_sources(s, "https://redirect.evil.example/r"), 0);
	assert_false(some_url(s, "data:", 0));
	assert_false(some_url(s, "#", 1));
	assert_false(some_url(s, "w3.org", 0));
	assert_non_null(strstr(raw, "window.location.href = atob("));
	assert_null(strstr(body, "new fax (3 pages)"));
	assert_int_equal(sc_msg_attachment_count(m), 1);
	sc_msg_free(m);
}

/* test_pdf_hostile - strings that never close, line continuations that
 * write nothing and URIs that are no URIs cost one pass over the data and
 * give no link; a good link after 4 MB of them is still found, and the
 * per-message link budget holds across attachments */
static void test_pdf_hostile(void **state)
{
	static const char msg[] = "From: a@example.com\nSubject: x\n\nbody\n";
	static const char *const junk[] = {"/URI <", "/URI (\\\n", "/URI (javascript:x\001)",
					   "/URI <<", "/URI (no scheme here)"};
	const size_t n = 4u * 1024u * 1024u;
	char *pdf = malloc(n + 64);
	sc_msg *m = sc_msg_parse(msg, sizeof(msg) - 1);
	size_t len = 0, before = sc_url_set_count(sc_msg_urls(m)), links = 0;

	(void) state;
	assert_non_null(pdf);
	memcpy(pdf, "%PDF-1.4\n", 9);
	len = 9;
	for (size_t k = 0; len + 32 < n; k++) {
		size_t jl = strlen(junk[k % 5]);

		memcpy(pdf + len, junk[k % 5], jl);
		len += jl;
	}
	memcpy(pdf + len, "/URI (https://late.evil.example/)", 33);
	len += 33;
	msg_pdf_links(m, pdf, len);
	assert_int_equal(sc_url_set_count(sc_msg_urls(m)), before + 1);
	/* the budget: 64 links a message, however many PDFs carry them */
	len = 9;
	for (int k = 0; k < 100; k++)
		len += (size_t) snprintf(pdf + len, n - len, "/URI (https://l%d.example/)", k);
	for (int a = 0; a < 3; a++)
		msg_pdf_links(m, pdf, len);
	for (size_t i = 0; i < sc_url_set_count(sc_msg_urls(m)); i++)
		links += (sc_url_set_at(sc_msg_urls(m), i)->sources & SRC(ATTACH)) != 0;
	assert_int_equal(links, 64);
	sc_msg_free(m);
	free(pdf);
}

/* test_nul_bytes_survive - a NUL in a text part reaches the renderings */
static void test_nul_bytes_survive(void **state)
{
	sc_msg *m = parse_file("nul-bytes.eml");
	size_t blen;
	const char *body = sc_msg_body_text(m, &blen);

	(void) state;
	assert_int_equal(sc_msg_findings(m), NULS);
	assert_true(contains(body, blen, "before"));
	assert_true(contains(body, blen, "after NUL"));
	assert_non_null(memchr(body, '\0', blen));
	sc_msg_free(m);
}

/* nested_message - depth levels of multipart/mixed, one text part inside */
static void nested_message(sc_buf *b, size_t depth)
{
	assert_int_equal(sc_buf_puts(b, "Subject: deep\r\nMIME-Version: 1.0\r\n"), 0);
	for (size_t i = 0; i < depth; i++)
		assert_int_equal(
			sc_buf_printf(b,
				      "Content-Type: multipart/mixed; boundary=\"b%zu\"\r\n"
				      "\r\n--b%zu\r\n",
				      i, i),
			0);
	assert_int_equal(sc_buf_puts(b, "Content-Type: text/plain\r\n\r\nDEEPEST TEXT\r\n"), 0);
	for (size_t i = depth; i-- > 0;)
		assert_int_equal(sc_buf_printf(b, "--b%zu--\r\n", i), 0);
}

/* many_parts - one multipart/mixed with n text parts */
static void many_parts(sc_buf *b, size_t n)
{
	assert_int_equal(sc_buf_puts(b, "Subject: many\nMIME-Version: 1.0\n"
					"Content-Type: multipart/mixed; boundary=\"p\"\n\n"),
			 0);
	for (size_t i = 0; i < n; i++)
		assert_int_equal(sc_buf_printf(b, "--p\nContent-Type: text/plain\n\npart %zu\n", i),
				 0);
	assert_int_equal(sc_buf_puts(b, "--p--\n"), 0);
}

/* A generated hostile message, its limits, and the model's answer. */
typedef struct hostile_case {
	const char *what;
	int kind; /* 0 nested, 1 many parts */
	size_t size;
	sc_msg_limits lim;
	unsigned findings_set; /* these must be among the findings */
	size_t nparts;
	int deepest_shown; /* body has DEEPEST TEXT / the last part */
} hostile_case;

static const hostile_case hostile_cases[] = {
	{"100 levels, default depth 20", 0, 100, {0, 0, 0, 0}, DEPTH, 21, 0},
	{"100 levels, depth 200", 0, 100, {200, 0, 0, 0}, 0, 101, 1},
	{"20 levels, default depth", 0, 20, {0, 0, 0, 0}, 0, 21, 1},
	{"100 levels, depth 5", 0, 100, {5, 0, 0, 0}, DEPTH, 6, 0},
	{"10,000 parts, default 500", 1, 10000, {0, 0, 0, 0}, SC_MSG_MIME_PARTS, 500, 0},
	{"10,000 parts, limit 20000", 1, 10000, {0, 20000, 0, 0}, 0, 10001, 1},
	{"100 parts, decoded limit 300 bytes", 1, 100, {0, 0, 300, 0}, SC_MSG_DECODED_SIZE, 101, 0},
};

/* test_hostile_table - deep nesting and many parts stay within the limits */
static void test_hostile_table(void **state)
{
	(void) state;
	for (size_t i = 0; i < sizeof(hostile_cases) / sizeof(hostile_cases[0]); i++) {
		const hostile_case *c = &hostile_cases[i];
		char last[32];
		size_t blen;
		const char *body;
		sc_buf b;
		sc_msg *m;

		print_message("case: %s\n", c->what);
		sc_buf_init(&b, SC_BUF_UNLIMITED);
		if (c->kind == 0)
			nested_message(&b, c->size);
		else
			many_parts(&b, c->size);
		m = parse_exact(b.data, b.len, &c->lim);
		assert_int_equal(sc_msg_findings(m) & c->findings_set, c->findings_set);
		assert_int_equal(sc_msg_part_count(m), c->nparts);
		for (size_t p = 0; p < sc_msg_part_count(m); p++)
			assert_true(
				sc_msg_part_at(m, p)->depth <=
				(c->lim.max_depth ? c->lim.max_depth : SC_MSG_DEFAULT_MAX_DEPTH));
		body = sc_msg_body_text(m, &blen);
		if (c->kind == 0)
			(void) snprintf(last, sizeof(last), "DEEPEST TEXT");
		else
			(void) snprintf(last, sizeof(last), "part %zu\n", c->size - 1);
		assert_int_equal(contains(body, blen, last), c->deepest_shown);
		sc_msg_free(m);
		sc_buf_free(&b);
	}
}

/* test_huge_header_line - a 1 MB Subject line: kept whole, decoded, rendered */
static void test_huge_header_line(void **state)
{
	enum { LINE = 1024 * 1024 };
	size_t blen;
	sc_buf b;
	sc_msg *m;

	(void) state;
	sc_buf_init(&b, SC_BUF_UNLIMITED);
	assert_int_equal(sc_buf_puts(&b, "Subject: "), 0);
	for (size_t i = 0; i < LINE; i++)
		assert_int_equal(sc_buf_putc(&b, 'a' + (int) (i % 26)), 0);
	assert_int_equal(sc_buf_puts(&b, "\r\nFrom: x@example.org\r\n\r\nbody text\r\n"), 0);
	m = parse_exact(b.data, b.len, NULL);
	assert_int_equal(sc_msg_header_count(m), 2);
	assert_int_equal(strlen(sc_msg_header_decoded(m, 0)), LINE);
	(void) sc_msg_body_text(m, &blen);
	assert_int_equal(blen, LINE + 1 + strlen("body text \n"));
	assert_int_equal(sc_msg_addr_count(m), 1);
	sc_msg_free(m);
	sc_buf_free(&b);
}

#define THREADS 4
#define ROUNDS  10

/* parse_all_files - a thread's work: every data file, ROUNDS times */
static void *parse_all_files(void *arg)
{
	static const char *const files[] = {
		"alt-html.eml",        "attach-zip.eml",     "attach-ext-chain.eml",
		"charset-unknown.eml", "html-links.eml",     "nested-rfc822.eml",
		"addr-odd.eml",        "mime-qp-latin1.eml",
	};
	size_t *fails = arg;

	for (int r = 0; r < ROUNDS; r++)
		for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
			sc_msg *m = parse_file(files[i]);

			if (sc_msg_part_count(m) == 0)
				(*fails)++;
			sc_msg_free(m);
		}
	return NULL;
}

/* test_threads - separate messages parse in separate threads at once
 * (GMime, libmagic under its mutex, iconv cache, gumbo, libpsl) */
static void test_threads(void **state)
{
	pthread_t tid[THREADS];
	size_t fails[THREADS] = {0};

	(void) state;
	for (int i = 0; i < THREADS; i++)
		assert_int_equal(pthread_create(&tid[i], NULL, parse_all_files, &fails[i]), 0);
	for (int i = 0; i < THREADS; i++) {
		assert_int_equal(pthread_join(tid[i], NULL), 0);
		assert_int_equal(fails[i], 0);
	}
}

/* test_finding_names - every flag has a name, nothing else does */
static void test_finding_names(void **state)
{
	(void) state;
	for (unsigned i = 0; i < SC_MSG_FINDING_COUNT; i++)
		assert_non_null(sc_msg_finding_name(1u << i));
	assert_string_equal(sc_msg_finding_name(SC_MSG_MIME_DEPTH), "MIME_DEPTH");
	assert_null(sc_msg_finding_name(0));
	assert_null(sc_msg_finding_name(SC_MSG_MIME_DEPTH | SC_MSG_MIME_PARTS));
	assert_null(sc_msg_finding_name(1u << SC_MSG_FINDING_COUNT));
}

/* main - run every MIME test */
int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_file_table),
		cmocka_unit_test(test_render_table),
		cmocka_unit_test(test_header_table),
		cmocka_unit_test(test_addr_table),
		cmocka_unit_test(test_attachment_table),
		cmocka_unit_test(test_nul_bytes_survive),
		cmocka_unit_test(test_hostile_table),
		cmocka_unit_test(test_huge_header_line),
		cmocka_unit_test(test_url_table),
		cmocka_unit_test(test_finding_names),
		cmocka_unit_test(test_threads),
		cmocka_unit_test(test_attached_html_urls),
		cmocka_unit_test(test_attached_pdf_links),
		cmocka_unit_test(test_attached_svg),
		cmocka_unit_test(test_pdf_hostile),
	};

	sc_msg_global_init();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
