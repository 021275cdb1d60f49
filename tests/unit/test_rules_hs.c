/*
 * test_rules_hs.c - the Hyperscan prefilter (rules_hs.c) changes no hit:
 * the same rules over the same messages hit the same with it and without
 * it, including rules whose patterns it must loosen (negative lookarounds,
 * \A and \z, atomic groups, possessive quantifiers), cut to a prefix (big
 * bounded repeats), or leave out ([if-unset]); loosened and cut patterns
 * still match wherever the originals do; the cache is written, read back,
 * and rebuilt when damaged; a background build ends published.
 */
#include "autoconfig.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#define PCRE2_CODE_UNIT_WIDTH 8
#include <dirent.h>
#include <pcre2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "diag.h"
#include "mem.h"
#include "msg.h"
#include "rules.h"
#include "rules_int.h"

/* Rules of every kind the prefilter takes, each with a pattern that needs
 * one of its treatments. */
static const char RULES[] =
	"body B_PLAIN /\\bwire transfer\\b/i\n"
	"body B_NEG_LOOK /\\b(?!paypal)p[a4]yp[a4]l\\b/i\n"
	"body B_LOOKBEHIND /(?<!un)subscribe here/\n"
	"body B_ANCHOR_A /\\Adear (?:sir|madam)/i\n"
	"body B_ANCHOR_Z /regards,?\\s*\\z/i\n"
	"body B_ATOMIC /(?>gift\\s+)card/\n"
	"body B_POSSESSIVE /bitcoin\\s++wallet/i\n"
	"body B_REPEAT /(?:\\b[a-z]{1,15}\\s+){0,40}urgent(?:\\s+[a-z]{1,15}){0,40}/\n"
	"body B_BIGGROUP "
	"/(?:(?:your|the)\\s[a-z]{1,20}\\s(?:account|password)\\s[a-z]{1,20}\\s){2}/i\n"
	"body B_LINE_START /^click\\b/m\n"
	"body B_NEVER /no such text anywhere/\n"
	"rawbody R_HREF /<a\\s+href=\"?https?:\\/\\/(?!example\\.)[^\"]+/i\n"
	"rawbody R_FONT /<font[^>]+color=\"?\\#?fff/i\n"
	"uri U_IP /^https?:\\/\\/\\d+\\.\\d+\\.\\d+\\.\\d+/\n"
	"uri U_SHORT /\\bbit\\.ly\\//\n"
	"header H_SUBJ Subject =~ /\\b(?:urgent|verify)\\b/i\n"
	"header H_SUBJ_NOT Subject !~ /invoice/\n"
	"header H_FROM From:addr =~ /\\@(?!example\\.org)[a-z]+\\.example$/\n"
	"header H_UNSET X-Mailer =~ /^none$/ [if-unset: none]\n"
	"header H_ATOMIC Subject =~ /(?>re:\\s*)+urgent/i\n"
	"meta M_BOTH B_PLAIN && H_SUBJ\n";

static const char *const MSGS[] = {
	"From: Bank <alert@bank.example>\r\nTo: you@example.org\r\nSubject: URGENT: verify now\r\n"
	"\r\nDear Sir,\r\nPlease make a wire transfer today. Your p4ypal account is locked.\r\n"
	"Send to my bitcoin   wallet. Click here: http://192.0.2.7/login and https://bit.ly/x\r\n"
	"Kind regards\r\n",
	"From: a@example.org\r\nTo: b@example.org\r\nSubject: invoice 42\r\n\r\n"
	"Hello, this is the invoice. To unsubscribe here, reply.\r\nclick nothing\r\n",
	"From: x@y.example\r\nSubject: Re: re: urgent\r\nMIME-Version: 1.0\r\n"
	"Content-Type: text/html\r\n\r\n"
	"<p>buy a gift  card</p><a href=\"http://phish.example/a\">here</a>"
	"<font color=\"#ffffff\">hidden</font>\r\n"
	"<p>your online account then pick the password now and more</p>\r\n",
	"From: c@d.example\r\nSubject: hello\r\n\r\nsubscribe here\r\n"
	"one two three four five six seven urgent eight nine ten\r\n",
};

#define NMSGS (sizeof(MSGS) / sizeof(MSGS[0]))

static size_t prefiltered; /* st.prefiltered summed over hits_of calls */

/* hits_of - the names rs hits on message i, one a line */
static void hit_cb(void *arg, const sc_rule_hit *hit)
{
	sc_buf *b = arg;

	(void) sc_buf_printf(b, "%s\n", hit->name);
}

static char *hits_of(const sc_ruleset *rs, size_t i)
{
	sc_msg *m = sc_msg_parse(MSGS[i], strlen(MSGS[i]));
	sc_run_ctx ctx;
	sc_rule_run_stats st;
	sc_buf b;
	char *out;

	assert_non_null(m);
	memset(&ctx, 0, sizeof(ctx));
	ctx.msg = m;
	ctx.raw = MSGS[i];
	ctx.raw_len = strlen(MSGS[i]);
	sc_buf_init(&b, SC_BUF_UNLIMITED);
	sc_ruleset_run(rs, &ctx, hit_cb, &b, &st);
	assert_int_equal(st.regex_errors, 0);
	prefiltered += st.prefiltered;
	out = sc_strdup(sc_buf_cstr(&b));
	sc_buf_free(&b);
	sc_msg_free(m);
	return out;
}

static sc_ruleset *load(void)
{
	sc_diags d;
	sc_ruleset *rs;

	sc_diags_init(&d);
	rs = sc_ruleset_load_text("hs.cf", RULES, strlen(RULES), NULL, &d);
	if (d.errors > 0)
		sc_diags_print(&d, stderr);
	assert_int_equal(d.errors, 0);
	sc_diags_free(&d);
	return rs;
}

/* expect_ready - the prefilter is in use (when built with Hyperscan) */
static void expect_state(const sc_ruleset *rs, int cached)
{
	sc_prefilter_info info;

	sc_ruleset_prefilter_info(rs, 1, &info);
#ifdef HAVE_HYPERSCAN
	assert_int_equal(info.state, SC_PREFILTER_READY);
	assert_int_equal(info.cached, cached);
	assert_true(info.patterns[0] >= 9); /* body: all but what cannot go in */
	assert_true(info.patterns[1] == 2 && info.patterns[2] == 2);
	assert_true(info.patterns[3] >= 3); /* header: H_UNSET stays out */
#else
	(void) cached;
	assert_int_equal(info.state, SC_PREFILTER_OFF);
#endif
}

/* the same hits, message by message, with and without the prefilter */
static void test_same_hits(void **state)
{
	sc_ruleset *plain = load(), *pre = load();
	size_t total = 0;

	(void) state;
	sc_ruleset_prefilter(pre, NULL, SC_PREFILTER_NOW);
	expect_state(pre, 0);
	prefiltered = 0;
	for (size_t i = 0; i < NMSGS; i++) {
		char *a = hits_of(plain, i), *b = hits_of(pre, i);

		assert_string_equal(a, b);
		for (const char *p = a; *p; p++)
			total += *p == '\n';
		free(a);
		free(b);
	}
	/* the rules do hit: a test that nothing hits would prove nothing */
	assert_true(total >= 12);
#ifdef HAVE_HYPERSCAN
	/* and the prefilter did spare regex runs: it was in the way */
	assert_true(prefiltered >= 20);
#endif
	sc_ruleset_unref(plain);
	sc_ruleset_unref(pre);
}

/* a loosened or cut pattern, run over the texts joined as a run joins
 * them, matches wherever the original matches one text */
static void check_superset(const char *pat, uint32_t opts, const char *const *texts, size_t n)
{
	char *loose = rules_relax(pat, strlen(pat), opts);
	char *cut;
	sc_buf joined;
	int err;
	PCRE2_SIZE off;
	pcre2_code *orig, *l1, *l2 = NULL;
	pcre2_match_data *md;
	int any = 0;

	assert_non_null(loose);
	cut = rules_prefix(loose, strlen(loose), 20);
	sc_buf_init(&joined, SC_BUF_UNLIMITED);
	for (size_t i = 0; i < n; i++)
		(void) sc_buf_printf(&joined, "%s\n", texts[i]);
	orig = pcre2_compile((PCRE2_SPTR) pat, PCRE2_ZERO_TERMINATED, opts, &err, &off, NULL);
	l1 = pcre2_compile((PCRE2_SPTR) loose, PCRE2_ZERO_TERMINATED, opts | PCRE2_MULTILINE, &err,
			   &off, NULL);
	if (cut != NULL)
		l2 = pcre2_compile((PCRE2_SPTR) cut, PCRE2_ZERO_TERMINATED, opts | PCRE2_MULTILINE,
				   &err, &off, NULL);
	assert_non_null(orig);
	assert_non_null(l1);
	md = pcre2_match_data_create(1, NULL);
	for (size_t i = 0; i < n; i++)
		any |= pcre2_match(orig, (PCRE2_SPTR) texts[i], strlen(texts[i]), 0, 0, md, NULL) >=
		       0;
	assert_true(any); /* each case has a text the original matches */
	assert_true(pcre2_match(l1, (PCRE2_SPTR) joined.data, joined.len, 0, 0, md, NULL) >= 0);
	if (l2 != NULL)
		assert_true(pcre2_match(l2, (PCRE2_SPTR) joined.data, joined.len, 0, 0, md, NULL) >=
			    0);
	pcre2_match_data_free(md);
	pcre2_code_free(orig);
	pcre2_code_free(l1);
	pcre2_code_free(l2);
	sc_buf_free(&joined);
	free(loose);
	free(cut);
}

static void test_relax_and_prefix(void **state)
{
	static const char *const t1[] = {"nothing", "dear madam, hello"};
	static const char *const t2[] = {"best regards", "other line"};
	static const char *const t3[] = {"a line", "p4ypal login"};
	static const char *const t4[] = {"x", "send the gift   card"};
	static const char *const t5[] = {"aaa++b"};
	static const char *const t6[] = {"one two three four urgent five six"};
	static const char *const t7[] = {"pay by\\x28now", "pay by (now"};
	static const char *const t8[] = {"first", "G start"};

	(void) state;
	check_superset("\\Adear (?:sir|madam)", PCRE2_CASELESS, t1, 2);
	check_superset("regards,?\\s*\\z", PCRE2_CASELESS, t2, 2);
	check_superset("regards\\Z", 0, t2, 2);
	check_superset("\\b(?!paypal)p[a4]yp[a4]l\\b", PCRE2_CASELESS, t3, 2);
	check_superset("(?<!x)p[a4]y", 0, t3, 2);
	/* the "\n" that ends each text in the joined string would make these
	 * negative lookarounds false where the text alone makes them true */
	check_superset("regards(?!\\n)", 0, t2, 2);
	check_superset("(?<!\\n)other", 0, t2, 2);
	check_superset("(?>gift\\s+)card", 0, t4, 2);
	check_superset("gift\\s++card", 0, t4, 2);
	check_superset("a++\\+{2}+b", 0, t5, 1);
	check_superset("(?:\\b[a-z]{1,15}\\s+){0,40}urgent(?:\\s+[a-z]{1,15}){0,40}", 0, t6, 1);
	check_superset("by\\x{28}+now|by \\(now", 0, t7, 2);
	check_superset("\\G[A-Z] start", 0, t8, 2);
	/* what cannot be read is refused, never guessed */
	assert_null(rules_relax("a\\Qb(?!c\\E", 10, 0));
	assert_null(rules_relax("(?(1)a|b)", 9, 0));
	assert_null(rules_relax("(*UTF)a", 7, 0));
	assert_null(rules_relax("(?-i)a", 6, 0));
	assert_null(rules_relax("a b # (?!x)", 11, PCRE2_EXTENDED));
}

/* a prefix keeps each item as written and cuts only required groups */
static void test_prefix_shape(void **state)
{
	char *p;

	(void) state;
	p = rules_prefix("abc[a-z]{1,50}def", 17, 10);
	assert_string_equal(p, "abc");
	free(p);
	p = rules_prefix("(?:ab[a-z]{1,50}){3}x", 21, 10);
	assert_string_equal(p, "(?:ab)");
	free(p);
	p = rules_prefix("(?:ab[a-z]{1,50})?x", 19, 10);
	assert_null(p); /* an optional group is not required: nothing to keep */
	p = rules_prefix("foo[a-z]{1,50}|bar[0-9]{1,50}", 29, 10);
	assert_string_equal(p, "(?:foo|bar)");
	free(p);
	assert_true(rules_cost("[a-z]{1,15}", 11, 1000) == 15);
	assert_true(rules_cost("(?:ab){3}", 9, 1000) == 6);
	assert_true(rules_cost("(?:[a-z]{1,15} ){0,40}", 22, 100) > 100);
}

/* make_tmpdir - a fresh directory for a cache */
static char *make_tmpdir(void)
{
	char *d = sc_strdup("/tmp/test_rules_hs.XXXXXX");

	assert_non_null(mkdtemp(d));
	return d;
}

/* rm_dir - remove d and the files in it */
static void rm_dir(const char *d)
{
	DIR *dir = opendir(d);
	struct dirent *e;

	assert_non_null(dir);
	while ((e = readdir(dir)) != NULL) {
		char path[4096];

		if (e->d_name[0] == '.')
			continue;
		(void) snprintf(path, sizeof(path), "%s/%s", d, e->d_name);
		(void) unlink(path);
	}
	closedir(dir);
	(void) rmdir(d);
}

#ifdef HAVE_HYPERSCAN
/* the first file in d, or "" */
static void cache_file(const char *d, char *out, size_t size)
{
	DIR *dir = opendir(d);
	struct dirent *e;

	out[0] = '\0';
	assert_non_null(dir);
	while ((e = readdir(dir)) != NULL)
		if (strncmp(e->d_name, "hs-", 3) == 0)
			(void) snprintf(out, size, "%s/%s", d, e->d_name);
	closedir(dir);
}
#endif

/* built and written, read back, rebuilt when damaged; cache-only reads */
static void test_cache(void **state)
{
	char *dir = make_tmpdir();
	sc_ruleset *a = load(), *b = load(), *c = load(), *d = load(), *plain = load();
	char path[4200];

	(void) state;
	/* nothing there yet: cache-only gives no prefilter, and says why */
	{
		sc_ruleset *e = load();
		sc_prefilter_info info;

		sc_ruleset_prefilter(e, dir, SC_PREFILTER_CACHED);
		sc_ruleset_prefilter_info(e, 1, &info);
		assert_int_equal(info.state, SC_PREFILTER_OFF);
		assert_true(info.reason[0] != '\0');
		sc_ruleset_unref(e);
	}
	sc_ruleset_prefilter(a, dir, SC_PREFILTER_NOW);
	expect_state(a, 2);
#ifdef HAVE_HYPERSCAN
	cache_file(dir, path, sizeof(path));
	assert_true(path[0] != '\0');
	sc_ruleset_prefilter(b, dir, SC_PREFILTER_CACHED);
	expect_state(b, 1);
	for (size_t i = 0; i < NMSGS; i++) {
		char *x = hits_of(plain, i), *y = hits_of(b, i);

		assert_string_equal(x, y);
		free(x);
		free(y);
	}
	/* a damaged file is not used: the build starts over and replaces it */
	assert_int_equal(truncate(path, 100), 0);
	sc_ruleset_prefilter(c, dir, SC_PREFILTER_NOW);
	expect_state(c, 2);
	/* other rules: another file, the first one left alone */
	{
		static const char other[] = "body O_ONE /other rules/\n";
		sc_diags dg;
		sc_ruleset *o;
		sc_prefilter_info info;

		sc_diags_init(&dg);
		o = sc_ruleset_load_text("o.cf", other, strlen(other), NULL, &dg);
		sc_diags_free(&dg);
		sc_ruleset_prefilter(o, dir, SC_PREFILTER_CACHED);
		sc_ruleset_prefilter_info(o, 1, &info);
		assert_int_equal(info.state, SC_PREFILTER_OFF);
		sc_ruleset_unref(o);
	}
#else
	(void) path;
	(void) b;
	(void) c;
#endif
	(void) d;
	sc_ruleset_unref(a);
	sc_ruleset_unref(b);
	sc_ruleset_unref(c);
	sc_ruleset_unref(d);
	sc_ruleset_unref(plain);
	rm_dir(dir);
	free(dir);
}

/* a background build: runs before it ends are right, and it ends published */
static void test_background(void **state)
{
	sc_ruleset *rs = load(), *plain = load();
	char *a, *b;

	(void) state;
	sc_ruleset_prefilter(rs, NULL, SC_PREFILTER_BACKGROUND);
	a = hits_of(rs, 0); /* probably before the build ends */
	b = hits_of(plain, 0);
	assert_string_equal(a, b);
	free(a);
	expect_state(rs, 0);
	a = hits_of(rs, 0);
	assert_string_equal(a, b);
	free(a);
	free(b);
	/* the caller's reference goes first; the build's thread held its own */
	sc_ruleset_unref(rs);
	sc_ruleset_unref(plain);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_same_hits),    cmocka_unit_test(test_relax_and_prefix),
		cmocka_unit_test(test_prefix_shape), cmocka_unit_test(test_cache),
		cmocka_unit_test(test_background),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
