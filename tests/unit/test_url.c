/*
 * test_url.c - sc_url: one URL normalised (scheme, userinfo, host in both
 * IDN forms, IPv4 in every notation, IPv6, registrable domain), URLs found
 * in text (schemes, www., bare domains, e-mail, obfuscations, trailing
 * punctuation), de-duplication with counts, the limit, and hostile input.
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

#include "url.h"

/* One URL given as an attribute value, and what it normalises to. NULL for
 * userinfo and domain means "must be NULL". */
typedef struct add_case {
	const char *in;
	const char *scheme;
	const char *userinfo;
	const char *host;
	const char *host_ascii;
	const char *domain;
	const char *rest;
	const char *normalised;
	unsigned flags; /* exactly these flags */
} add_case;

static const add_case add_cases[] = {
	{"http://www.Example.COM/Path?q=1", "http", NULL, "www.example.com", "www.example.com",
	 "example.com", "/Path?q=1", "http://www.example.com/Path?q=1", 0},
	{"HTTPS://example.co.uk", "https", NULL, "example.co.uk", "example.co.uk", "example.co.uk",
	 "", "https://example.co.uk/", 0},
	{"  https://a.b.example.org:8443/x#f \n", "https", NULL, "a.b.example.org",
	 "a.b.example.org", "example.org", ":8443/x#f", "https://a.b.example.org:8443/x#f", 0},
	{"http://paypal.com@evil.example/login", "http", "paypal.com", "evil.example",
	 "evil.example", NULL, "/login", "http://paypal.com@evil.example/login", SC_URL_USERINFO},
	{"http://user:pw@evil.com", "http", "user:pw", "evil.com", "evil.com", "evil.com", "",
	 "http://user:pw@evil.com/", SC_URL_USERINFO},
	{"hxxp://evil.com/a", "http", NULL, "evil.com", "evil.com", "evil.com", "/a",
	 "http://evil.com/a", SC_URL_OBFUSCATED},
	{"hXXps://evil.com", "https", NULL, "evil.com", "evil.com", "evil.com", "",
	 "https://evil.com/", SC_URL_OBFUSCATED},
	/* IPv4 in every notation */
	{"http://192.168.1.1/", "http", NULL, "192.168.1.1", "192.168.1.1", NULL, "/",
	 "http://192.168.1.1/", SC_URL_IP_HOST},
	{"http://3232235777/", "http", NULL, "192.168.1.1", "192.168.1.1", NULL, "/",
	 "http://192.168.1.1/", SC_URL_IP_HOST | SC_URL_IP_ODD_NOTATION},
	{"http://0xC0A80101/", "http", NULL, "192.168.1.1", "192.168.1.1", NULL, "/",
	 "http://192.168.1.1/", SC_URL_IP_HOST | SC_URL_IP_ODD_NOTATION},
	{"http://0300.0250.01.01/", "http", NULL, "192.168.1.1", "192.168.1.1", NULL, "/",
	 "http://192.168.1.1/", SC_URL_IP_HOST | SC_URL_IP_ODD_NOTATION},
	{"http://0xc0.168.0x1.1/", "http", NULL, "192.168.1.1", "192.168.1.1", NULL, "/",
	 "http://192.168.1.1/", SC_URL_IP_HOST | SC_URL_IP_ODD_NOTATION},
	{"http://192.168.257/", "http", NULL, "192.168.1.1", "192.168.1.1", NULL, "/",
	 "http://192.168.1.1/", SC_URL_IP_HOST | SC_URL_IP_ODD_NOTATION},
	{"http://127.1", "http", NULL, "127.0.0.1", "127.0.0.1", NULL, "", "http://127.0.0.1/",
	 SC_URL_IP_HOST | SC_URL_IP_ODD_NOTATION},
	{"http://1.2.3.4./", "http", NULL, "1.2.3.4", "1.2.3.4", NULL, "/", "http://1.2.3.4/",
	 SC_URL_IP_HOST},
	{"http://256.1.1.1/", "http", NULL, "256.1.1.1", "256.1.1.1", NULL, "/",
	 "http://256.1.1.1/", SC_URL_BAD_HOST},
	{"http://4294967296/", "http", NULL, "4294967296", "4294967296", NULL, "/",
	 "http://4294967296/", SC_URL_BAD_HOST},
	{"http://1.2.3.4.5/", "http", NULL, "1.2.3.4.5", "1.2.3.4.5", NULL, "/",
	 "http://1.2.3.4.5/", SC_URL_BAD_HOST},
	{"http://[2001:DB8:0:0::1]:8080/x", "http", NULL, "2001:db8::1", "2001:db8::1", NULL,
	 ":8080/x", "http://[2001:db8::1]:8080/x", SC_URL_IP_HOST},
	{"http://[::ffff:1.2.3.4]/", "http", NULL, "::ffff:1.2.3.4", "::ffff:1.2.3.4", NULL, "/",
	 "http://[::ffff:1.2.3.4]/", SC_URL_IP_HOST},
	{"http://[zz::1]/", "http", NULL, "[zz::1]", "[zz::1]", NULL, "/", "http://[zz::1]/",
	 SC_URL_BAD_HOST},
	/* IDN both ways */
	{"http://b\xC3\xBC"
	 "cher.de/",
	 "http", NULL,
	 "b\xC3\xBC"
	 "cher.de",
	 "xn--bcher-kva.de", "xn--bcher-kva.de", "/", "http://xn--bcher-kva.de/", SC_URL_IDN},
	{"http://xn--bcher-kva.DE/", "http", NULL,
	 "b\xC3\xBC"
	 "cher.de",
	 "xn--bcher-kva.de", "xn--bcher-kva.de", "/", "http://xn--bcher-kva.de/", SC_URL_IDN},
	{"http://\xD0\xB0pple.com/", "http", NULL, "\xD0\xB0pple.com", "xn--pple-43d.com",
	 "xn--pple-43d.com", "/", "http://xn--pple-43d.com/", SC_URL_IDN},
	{"http://xn--zz.com/", "http", NULL, "xn--zz.com", "xn--zz.com", NULL, "/",
	 "http://xn--zz.com/", SC_URL_IDN | SC_URL_BAD_HOST},
	/* UTS 46 mapping: ideographic full stop, full-width letters, upper case */
	{"http://example\xE3\x80\x82"
	 "com/",
	 "http", NULL, "example.com", "example.com", "example.com", "/", "http://example.com/",
	 SC_URL_IDN},
	{"http://\xEF\xBD\x85xample.com/", "http", NULL, "example.com", "example.com",
	 "example.com", "/", "http://example.com/", SC_URL_IDN},
	{"http://B\xC3\x9C"
	 "CHER.de",
	 "http", NULL,
	 "b\xC3\xBC"
	 "cher.de",
	 "xn--bcher-kva.de", "xn--bcher-kva.de", "", "http://xn--bcher-kva.de/", SC_URL_IDN},
	/* a backslash ends the authority of a special scheme, as in browsers */
	{"http://evil.com\\@paypal.com", "http", NULL, "evil.com", "evil.com", "evil.com",
	 "\\@paypal.com", "http://evil.com\\@paypal.com", 0},
	{"http://EXAMPLE.com:80@evil.com", "http", "EXAMPLE.com:80", "evil.com", "evil.com",
	 "evil.com", "", "http://EXAMPLE.com:80@evil.com/", SC_URL_USERINFO},
	{"http://0x7f.1/", "http", NULL, "127.0.0.1", "127.0.0.1", NULL, "/", "http://127.0.0.1/",
	 SC_URL_IP_HOST | SC_URL_IP_ODD_NOTATION},
	/* percent-encoded host */
	{"http://%65vil.com/", "http", NULL, "evil.com", "evil.com", "evil.com", "/",
	 "http://evil.com/", SC_URL_PERCENT_HOST},
	{"http://ev%2Fil.com/", "http", NULL, "ev/il.com", "ev/il.com", NULL, "/",
	 "http://ev/il.com/", SC_URL_PERCENT_HOST | SC_URL_BAD_HOST},
	/* backslashes and extra slashes after a special scheme */
	{"https:\\\\evil.com\\x", "https", NULL, "evil.com", "evil.com", "evil.com", "\\x",
	 "https://evil.com\\x", 0},
	{"http:///evil.com", "http", NULL, "evil.com", "evil.com", "evil.com", "",
	 "http://evil.com/", 0},
	/* mailto, data, javascript, other schemes */
	{"mailto:Bob@Example.COM?subject=hi", "mailto", "Bob", "example.com", "example.com",
	 "example.com", "?subject=hi", "mailto:Bob@example.com?subject=hi", SC_URL_MAILTO},
	{"data:text/html;base64,PHNjcmlwdD4=", "data", NULL, "", "", NULL,
	 "text/html;base64,PHNjcmlwdD4=", "data:text/html;base64,PHNjcmlwdD4=", SC_URL_DATA},
	{"JavaScript:alert(1)", "javascript", NULL, "", "", NULL, "alert(1)", "javascript:alert(1)",
	 SC_URL_JAVASCRIPT},
	{"tel:+1555", "tel", NULL, "", "", NULL, "+1555", "tel:+1555", 0},
	/* schemeless and relative */
	{"www.example.com/a", "", NULL, "www.example.com", "www.example.com", "example.com", "/a",
	 "http://www.example.com/a", SC_URL_NO_SCHEME},
	{"example.com:8080/a", "", NULL, "example.com", "example.com", "example.com", ":8080/a",
	 "http://example.com:8080/a", SC_URL_NO_SCHEME},
	{"//cdn.example.net/x.js", "", NULL, "cdn.example.net", "cdn.example.net", "example.net",
	 "/x.js", "http://cdn.example.net/x.js", 0},
	{"images/logo.png", "", NULL, "", "", NULL, "images/logo.png", "images/logo.png", 0},
	{"#top", "", NULL, "", "", NULL, "#top", "#top", 0},
	/* domains: public suffixes themselves and unknown suffixes have none */
	{"http://co.uk/", "http", NULL, "co.uk", "co.uk", NULL, "/", "http://co.uk/", 0},
	{"http://host.invalidtld/", "http", NULL, "host.invalidtld", "host.invalidtld", NULL, "/",
	 "http://host.invalidtld/", 0},
	{"http://a.b.c.example.com./", "http", NULL, "a.b.c.example.com", "a.b.c.example.com",
	 "example.com", "/", "http://a.b.c.example.com/", 0},
	/* whitespace inside, and hostile bytes */
	{"http://exa\tmple.com/\n", "http", NULL, "example.com", "example.com", "example.com", "/",
	 "http://example.com/", 0},
	{"http://", "http", NULL, "", "", NULL, "", "http:///", SC_URL_BAD_HOST},
	{"http://\xff\xfe.com/", "http", NULL, "\xEF\xBF\xBD\xEF\xBF\xBD.com", "%FF%FE.com", NULL,
	 "/", "http://%FF%FE.com/", SC_URL_IDN | SC_URL_BAD_HOST},
	{"http://a<b>.com/", "http", NULL, "a<b>.com", "a<b>.com", NULL, "/", "http://a<b>.com/",
	 SC_URL_BAD_HOST},
};

/* opt_equal - compare a possibly-NULL string */
static void opt_equal(const char *got, const char *want)
{
	if (want == NULL)
		assert_null(got);
	else {
		assert_non_null(got);
		assert_string_equal(got, want);
	}
}

/* test_add_table - each attribute value normalises as the row says */
static void test_add_table(void **state)
{
	(void) state;
	for (size_t i = 0; i < sizeof(add_cases) / sizeof(add_cases[0]); i++) {
		const add_case *c = &add_cases[i];
		sc_url_set *s = sc_url_set_new(0);
		const sc_url *u;

		print_message("add: %s\n", c->in);
		u = sc_url_set_add(s, c->in, strlen(c->in), SC_URL_SRC_HREF);
		assert_non_null(u);
		assert_string_equal(u->scheme, c->scheme);
		opt_equal(u->userinfo, c->userinfo);
		assert_string_equal(u->host, c->host);
		assert_string_equal(u->host_ascii, c->host_ascii);
		opt_equal(u->domain, c->domain);
		assert_string_equal(u->rest, c->rest);
		assert_string_equal(u->normalised, c->normalised);
		assert_int_equal(u->flags, c->flags);
		assert_int_equal(u->sources, 1u << SC_URL_SRC_HREF);
		assert_int_equal(u->count, 1);
		sc_url_set_free(s);
	}
}

/* One text, and the URLs found in it (normalised, one per line, in order). */
typedef struct text_case {
	const char *text;
	const char *want; /* "" when none */
	unsigned flags;   /* flags every URL found must have */
} text_case;

static const text_case text_cases[] = {
	{"Visit http://example.com/login now", "http://example.com/login", 0},
	{"(see https://example.com/a_(b))", "https://example.com/a_(b)", 0},
	{"(see https://example.com/a)", "https://example.com/a", 0},
	{"Go to https://example.com/x.", "https://example.com/x", 0},
	{"\"https://example.com/q?a=1&b=2\",", "https://example.com/q?a=1&b=2", 0},
	{"<https://example.com/>", "https://example.com/", 0},
	{"link: https://example.com/path!?;:", "https://example.com/path", 0},
	{"'https://example.com/'", "https://example.com/", 0},
	{"[https://example.com]", "https://example.com/", 0},
	{"go to www.example.com today", "http://www.example.com/", SC_URL_NO_SCHEME},
	{"www.example.zz/path.", "http://www.example.zz/path", SC_URL_NO_SCHEME},
	{"log in at paypal-secure.com/verify now", "http://paypal-secure.com/verify",
	 SC_URL_NO_SCHEME},
	{"bank.co.uk, and shop.example.org.", "http://bank.co.uk/\nhttp://shop.example.org/",
	 SC_URL_NO_SCHEME},
	{"not domains: file.txt e.g. i.e. 3.14 a.b version1.2", "", 0},
	{"hxxp://evil.com/x", "http://evil.com/x", SC_URL_OBFUSCATED},
	{"hxxps[:]//evil[.]com/x", "https://evil.com/x", SC_URL_OBFUSCATED},
	{"evil[.]com and evil(dot)net and bad[dot]org and x(.)info",
	 "http://evil.com/\nhttp://evil.net/\nhttp://bad.org/\nhttp://x.info/",
	 SC_URL_OBFUSCATED | SC_URL_NO_SCHEME},
	{"write to Support@PayPal.com.", "mailto:Support@paypal.com",
	 SC_URL_MAILTO | SC_URL_NO_SCHEME},
	{"mailto:a@example.com", "mailto:a@example.com", SC_URL_MAILTO},
	{"x javascript:alert(1) y", "javascript:alert(1)", SC_URL_JAVASCRIPT},
	{"data:text/html,<b>", "data:text/html", SC_URL_DATA},
	{"javascript: is a language", "", 0},
	{"ftp://files.example.com/a.zip", "ftp://files.example.com/a.zip", 0},
	{"http://3232235777/x", "http://192.168.1.1/x", SC_URL_IP_ODD_NOTATION},
	{"at http://[::1]:8080/", "http://[::1]:8080/", SC_URL_IP_HOST},
	{"b\xC3\xBC"
	 "cher.de ok",
	 "http://xn--bcher-kva.de/", SC_URL_IDN},
	{"\xE8\xAF\xB7\xE8\xAE\xBF\xE9\x97\xAE"
	 "example.com\xE3\x80\x82",
	 "http://example.com/", 0},
	{"example\xE3\x80\x82"
	 "com",
	 "http://example.com/", 0},
	{"url=http://example.com/a&b", "http://example.com/a&b", 0},
	{"http://a.com http://a.com HTTP://A.COM/", "http://a.com/", 0},
	{"http://example.com\xC2\xA0next", "http://example.com/", 0},
	{"", "", 0},
	{"http://", "", 0},
	{"a@b", "", 0},
	{"...@@@:::///", "", 0},
};

/* test_text_table - URLs found in running text */
static void test_text_table(void **state)
{
	(void) state;
	for (size_t i = 0; i < sizeof(text_cases) / sizeof(text_cases[0]); i++) {
		const text_case *c = &text_cases[i];
		size_t len = strlen(c->text);
		sc_url_set *s = sc_url_set_new(0);
		char got[4096] = "";
		size_t used = 0;

		print_message("text: %s\n", c->text);
		sc_url_set_add_text(s, c->text, len, SC_URL_SRC_TEXT);
		for (size_t k = 0; k < sc_url_set_count(s); k++) {
			const sc_url *u = sc_url_set_at(s, k);
			int n = snprintf(got + used, sizeof(got) - used, "%s%s", k ? "\n" : "",
					 u->normalised);

			assert_true(n > 0 && (size_t) n < sizeof(got) - used);
			used += (size_t) n;
			assert_int_equal(u->flags & c->flags, c->flags);
			assert_int_equal(u->sources, 1u << SC_URL_SRC_TEXT);
		}
		assert_string_equal(got, c->want);
		sc_url_set_free(s);
	}
}

/* test_dedup_counts - equal URLs merge: counts, sources and flags add up */
static void test_dedup_counts(void **state)
{
	static const char text[] = "http://a.com http://a.com HTTP://A.COM/ www.b.com b.com";
	sc_url_set *s = sc_url_set_new(0);
	const sc_url *u;

	(void) state;
	sc_url_set_add_text(s, text, strlen(text), SC_URL_SRC_TEXT);
	u = sc_url_set_add(s, "http://a.com", 12, SC_URL_SRC_HREF);
	assert_non_null(u);
	assert_int_equal(sc_url_set_count(s), 3);
	u = sc_url_set_at(s, 0);
	assert_string_equal(u->raw, "http://a.com");
	assert_int_equal(u->count, 4);
	assert_int_equal(u->sources, (1u << SC_URL_SRC_TEXT) | (1u << SC_URL_SRC_HREF));
	u = sc_url_set_at(s, 1);
	assert_string_equal(u->normalised, "http://www.b.com/");
	u = sc_url_set_at(s, 2);
	assert_string_equal(u->normalised, "http://b.com/");
	assert_int_equal(u->flags, SC_URL_NO_SCHEME);
	assert_null(sc_url_set_at(s, 3));
	assert_int_equal(sc_url_set_truncated(s), 0);
	assert_null(sc_url_set_add(s, "   ", 3, SC_URL_SRC_HREF));
	sc_url_set_free(s);
	sc_url_set_free(NULL);
}

/* test_limit - past max distinct URLs the set says truncated, repeats still count */
static void test_limit(void **state)
{
	sc_url_set *s = sc_url_set_new(3);
	char url[64];

	(void) state;
	for (int i = 0; i < 10; i++) {
		int n = snprintf(url, sizeof(url), "http://h%d.example.com/", i);

		assert_true(n > 0 && (size_t) n < sizeof(url));
		(void) sc_url_set_add(s, url, (size_t) n, SC_URL_SRC_HREF);
	}
	assert_int_equal(sc_url_set_count(s), 3);
	assert_int_equal(sc_url_set_truncated(s), 1);
	assert_null(sc_url_set_add(s, "http://new.example.com/", 23, SC_URL_SRC_HREF));
	assert_non_null(sc_url_set_add(s, "http://h1.example.com/", 22, SC_URL_SRC_HREF));
	assert_int_equal(sc_url_set_at(s, 1)->count, 2);
	sc_url_set_free(s);
}

/* test_many_urls - thousands of distinct URLs: the hash table grows */
static void test_many_urls(void **state)
{
	sc_url_set *s = sc_url_set_new(100000);
	char url[64];

	(void) state;
	for (int round = 0; round < 2; round++) {
		for (int i = 0; i < 20000; i++) {
			int n = snprintf(url, sizeof(url), "http://h%d.example.com/p", i);

			assert_true(n > 0 && (size_t) n < sizeof(url));
			assert_non_null(sc_url_set_add(s, url, (size_t) n, SC_URL_SRC_TEXT));
		}
	}
	assert_int_equal(sc_url_set_count(s), 20000);
	assert_int_equal(sc_url_set_at(s, 19999)->count, 2);
	sc_url_set_free(s);
}

/* One anchor text and the host it shows. */
typedef struct text_host_case {
	const char *text;
	const char *host; /* NULL: the text is not a URL */
} text_host_case;

static const text_host_case text_host_cases[] = {
	{"https://www.PayPal.com/signin", "www.paypal.com"},
	{"  www.paypal.com  ", "www.paypal.com"},
	{"paypal.com", "paypal.com"},
	{"<paypal.com>", "paypal.com"},
	{"paypal.com.", "paypal.com"},
	{"service@paypal.com", "paypal.com"},
	{"b\xC3\xBC"
	 "cher.de",
	 "xn--bcher-kva.de"},
	{"paypal[.]com", "paypal.com"},
	{"Click here", NULL},
	{"Log in to paypal.com", NULL},
	{"paypal.com now", NULL},
	{"", NULL},
	{"http://", NULL},
	{"readme.notatld", NULL},
};

/* test_text_host - the domain an anchor text shows */
static void test_text_host(void **state)
{
	(void) state;
	for (size_t i = 0; i < sizeof(text_host_cases) / sizeof(text_host_cases[0]); i++) {
		const text_host_case *c = &text_host_cases[i];
		char *h = sc_url_text_host(c->text, strlen(c->text));

		print_message("text host: %s\n", c->text);
		opt_equal(h, c->host);
		free(h);
	}
}

/* test_registrable_domain - the public helper */
static void test_registrable_domain(void **state)
{
	static const struct {
		const char *host, *want;
	} rows[] = {
		{"www.example.co.uk", "example.co.uk"},
		{"WWW.EXAMPLE.COM", "example.com"},
		{"a.b.blogspot.com", "b.blogspot.com"},
		{"com", NULL},
		{"co.uk", NULL},
		{"x.invalidtld", NULL},
		{"192.168.1.1", NULL},
		{"3232235777", NULL},
		{"::1", NULL},
		{"", NULL},
	};

	(void) state;
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		char *d = sc_url_registrable_domain(rows[i].host);

		print_message("domain: %s\n", rows[i].host);
		opt_equal(d, rows[i].want);
		free(d);
	}
}

/* test_hostile - long, binary and pathological text never crashes and stays bounded */
static void test_hostile(void **state)
{
	size_t big = 1024 * 1024;
	char *buf = malloc(big);
	sc_url_set *s;

	(void) state;
	assert_non_null(buf);
	/* NUL bytes end a URL in text, and cut an attribute value */
	s = sc_url_set_new(0);
	sc_url_set_add_text(s, "x\0http://example.com/\0y", 22, SC_URL_SRC_TEXT);
	assert_int_equal(sc_url_set_count(s), 1);
	assert_string_equal(sc_url_set_at(s, 0)->normalised, "http://example.com/");
	assert_string_equal(sc_url_set_add(s, "http://a.com/\0b", 15, SC_URL_SRC_HREF)->rest, "/");
	sc_url_set_free(s);
	/* 1 MB of dots and letters: one long non-URL word */
	for (size_t i = 0; i < big; i++)
		buf[i] = (i % 2) ? '.' : 'a';
	s = sc_url_set_new(0);
	sc_url_set_add_text(s, buf, big, SC_URL_SRC_TEXT);
	sc_url_set_add(s, buf, big, SC_URL_SRC_HREF);
	sc_url_set_free(s);
	/* one 1 MB URL: cut at 64 KiB */
	memcpy(buf, "http://example.com/", 19);
	memset(buf + 19, 'x', big - 19);
	s = sc_url_set_new(0);
	sc_url_set_add_text(s, buf, big, SC_URL_SRC_TEXT);
	assert_int_equal(sc_url_set_count(s), 1);
	assert_true(strlen(sc_url_set_at(s, 0)->raw) <= 64 * 1024);
	sc_url_set_free(s);
	/* every byte value, repeated */
	for (size_t i = 0; i < big; i++)
		buf[i] = (char) (i * 7919 % 256);
	s = sc_url_set_new(0);
	sc_url_set_add_text(s, buf, big, SC_URL_SRC_TEXT);
	(void) sc_url_set_add(s, buf, 4096, SC_URL_SRC_HREF);
	sc_url_set_free(s);
	/* 100k tiny URLs against a default-limited set */
	for (size_t i = 0; i + 8 <= big; i += 8)
		memcpy(buf + i, "a.com/x ", 8);
	s = sc_url_set_new(0);
	sc_url_set_add_text(s, buf, big, SC_URL_SRC_TEXT);
	assert_int_equal(sc_url_set_count(s), 1);
	assert_int_equal(sc_url_set_at(s, 0)->count, big / 8);
	sc_url_set_free(s);
	/* a host of 100k labels */
	for (size_t i = 0; i + 2 <= big; i += 2)
		memcpy(buf + i, "a.", 2);
	memcpy(buf, "http://", 7);
	s = sc_url_set_new(0);
	(void) sc_url_set_add(s, buf, big, SC_URL_SRC_HREF);
	assert_true(sc_url_set_at(s, 0)->flags & SC_URL_BAD_HOST);
	sc_url_set_free(s);
	free(buf);
}

/* Generated hostile text: prefix + unit x count; how many URLs come out. */
typedef struct hostile_case {
	const char *what;
	const char *prefix, *unit;
	size_t count;
	long urls; /* -1: any number */
} hostile_case;

static const hostile_case hostile_cases[] = {
	{"a URL closed by 200k parentheses", "http://example.com/", ")", 200000, 1},
	{"200k open parentheses", "http://example.com/", "(", 200000, 1},
	{"schemes back to back", "", "http://", 150000, -1},
	{"hxxp back to back", "", "hxxps[:]//", 100000, -1},
	{"e-mail-like chain", "", "a@", 500000, 0},
	{"dots and obfuscated dots", "x", "(dot)x[.]com", 100000, 1},
	{"long label chain with a suffix", "", "ab.", 300000, -1},
	{"www. repeated", "", "www.", 250000, 1},
	{"many distinct domains", "", "a1.com b2.net ", 80000, 2},
	{"ideographic full stops", "a",
	 "\xE3\x80\x82"
	 "b",
	 100000, 0},
	{"failing obfuscated chain", "x", "[.]zz", 200000, 0},
	{"failing mixed chain", "x", "(dot)y[.]", 200000, 0},
	{"e-mail with a failing obfuscated domain", "a@", "b[.]", 200000, 0},
	{"invalid UTF-8 between domains", "",
	 "\xff"
	 "ex.com\xc3",
	 100000, 1},
};

/* test_hostile_table - linear time, bounded output, no crash */
static void test_hostile_table(void **state)
{
	(void) state;
	for (size_t i = 0; i < sizeof(hostile_cases) / sizeof(hostile_cases[0]); i++) {
		const hostile_case *c = &hostile_cases[i];
		size_t lp = strlen(c->prefix), lu = strlen(c->unit), len = lp + lu * c->count;
		char *buf = malloc(len + 1);
		sc_url_set *s = sc_url_set_new(0);

		print_message("hostile: %s\n", c->what);
		assert_non_null(buf);
		memcpy(buf, c->prefix, lp);
		for (size_t k = 0; k < c->count; k++)
			memcpy(buf + lp + k * lu, c->unit, lu);
		buf[len] = '\0';
		sc_url_set_add_text(s, buf, len, SC_URL_SRC_TEXT);
		if (c->urls >= 0)
			assert_int_equal(sc_url_set_count(s), (size_t) c->urls);
		assert_true(sc_url_set_count(s) <= SC_URL_DEFAULT_MAX);
		(void) sc_url_set_add(s, buf, len, SC_URL_SRC_HREF);
		sc_url_set_free(s);
		free(buf);
	}
}

/* test_token_soup - random strings of URL-ish tokens: no crash, no leak, and
 * every entry keeps its invariants (a fixed seed, so failures reproduce) */
static void test_token_soup(void **state)
{
	static const char *const tokens[] = {
		"http",
		"hxxps",
		"://",
		":",
		"//",
		"/",
		"\\",
		"[.]",
		"(dot)",
		".",
		"\xE3\x80\x82",
		"@",
		"www",
		"com",
		"co.uk",
		"xn--",
		"b\xC3\xBC",
		"0x",
		"0300",
		"255",
		"4294967296",
		"[",
		"]",
		"::1",
		"%2e",
		"%",
		"?",
		"#",
		"(",
		")",
		" ",
		"\n",
		"\xff",
		"\xc3",
		"mailto:",
		"data:",
		"javascript:",
		"a",
		"-",
		"'",
		"\"",
		"<",
		">",
		",",
		"\x00",
	};
	uint32_t seed = 12345;
	char buf[512];

	(void) state;
	for (int round = 0; round < 3000; round++) {
		sc_url_set *s = sc_url_set_new(50);
		size_t len = 0;

		seed = seed * 1103515245u + 12345u;
		for (int k = (int) (seed >> 16) % 40; k >= 0; k--) {
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
		sc_url_set_add_text(s, buf, len, SC_URL_SRC_TEXT);
		(void) sc_url_set_add(s, buf, len, SC_URL_SRC_HREF);
		for (size_t i = 0; i < sc_url_set_count(s); i++) {
			const sc_url *u = sc_url_set_at(s, i);

			assert_non_null(u->raw);
			assert_non_null(u->host);
			assert_non_null(u->host_ascii);
			assert_non_null(u->normalised);
			assert_true(u->count >= 1);
			assert_true(u->sources != 0);
			if (u->domain != NULL)
				assert_true(u->flags == (u->flags & ~(unsigned) (SC_URL_IP_HOST |
										 SC_URL_BAD_HOST)));
		}
		sc_url_set_free(s);
	}
}

/* extract_in_thread - fill a private set from one shared text, keep the keys */
static void *extract_in_thread(void *arg)
{
	static const char text[] = "see http://b\xC3\xBC"
				   "cher.de/x, www.example.co.uk and mail bob@example.org "
				   "or hxxp://evil[.]com/ from 0xC0A80001";
	sc_url_set *s = sc_url_set_new(0);
	size_t *count = arg;

	for (int i = 0; i < 200; i++)
		sc_url_set_add_text(s, text, sizeof(text) - 1, SC_URL_SRC_TEXT);
	*count = sc_url_set_count(s);
	if (*count == 4 && strcmp(sc_url_set_at(s, 0)->domain, "xn--bcher-kva.de") != 0)
		*count = 0;
	sc_url_set_free(s);
	return NULL;
}

/* test_threads - sets filled in parallel share only libpsl and libidn2 */
static void test_threads(void **state)
{
	pthread_t t[8];
	size_t count[8];

	(void) state;
	for (int i = 0; i < 8; i++)
		assert_int_equal(pthread_create(&t[i], NULL, extract_in_thread, &count[i]), 0);
	for (int i = 0; i < 8; i++) {
		assert_int_equal(pthread_join(t[i], NULL), 0);
		assert_int_equal(count[i], 4);
	}
}

/* main - run every url test */
int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_add_table),
		cmocka_unit_test(test_text_table),
		cmocka_unit_test(test_dedup_counts),
		cmocka_unit_test(test_limit),
		cmocka_unit_test(test_many_urls),
		cmocka_unit_test(test_text_host),
		cmocka_unit_test(test_registrable_domain),
		cmocka_unit_test(test_hostile),
		cmocka_unit_test(test_hostile_table),
		cmocka_unit_test(test_token_soup),
		cmocka_unit_test(test_threads),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
