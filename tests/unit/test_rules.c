/*
 * test_rules.c - rule files: what parses (and how it then matches), what is
 * refused or skipped with which diagnostic at which line, and how a
 * ruleset runs: hits, sub-rules, disabled rules, joined headers, limits.
 */
#include "autoconfig.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <ftw.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"
#include "diag.h"
#include "mem.h"
#include "msg.h"
#include "rules.h"
#include "rules_int.h"

#define FILE_NAME "test.cf"

/* run_msg - sc_ruleset_run over a parsed message alone (no raw text,
 * envelope, authentication or config) */
static void run_msg(const sc_ruleset *rs, const sc_msg *m, sc_rule_hit_fn fn, void *arg,
		    sc_rule_run_stats *st)
{
	sc_run_ctx ctx;

	memset(&ctx, 0, sizeof(ctx));
	ctx.msg = m;
	sc_ruleset_run(rs, &ctx, fn, arg, st);
}
#define MAX_HITS 64

/* One hit as the callback saw it, copied. */
typedef struct hit_rec {
	char *name;
	char *description;
	char *detail;
	double score;
} hit_rec;

typedef struct hit_list {
	hit_rec v[MAX_HITS];
	size_t n;
} hit_list;

/* collect_hit - sc_rule_hit_fn that copies each hit into a hit_list */
static void collect_hit(void *arg, const sc_rule_hit *hit)
{
	hit_list *hl = arg;

	assert_true(hl->n < MAX_HITS);
	assert_non_null(hit->name);
	assert_non_null(hit->description);
	assert_non_null(hit->detail);
	hl->v[hl->n].name = sc_strdup(hit->name);
	hl->v[hl->n].description = sc_strdup(hit->description);
	hl->v[hl->n].detail = sc_strdup(hit->detail);
	hl->v[hl->n].score = hit->score;
	hl->n++;
}

/* hits_free - release the copies */
static void hits_free(hit_list *hl)
{
	for (size_t i = 0; i < hl->n; i++) {
		free(hl->v[i].name);
		free(hl->v[i].description);
		free(hl->v[i].detail);
	}
	hl->n = 0;
}

/* hits_string - "A=1,B=2.5" in hit order, for one-line comparisons (free it) */
static char *hits_string(const hit_list *hl)
{
	sc_buf b;

	sc_buf_init(&b, SC_BUF_UNLIMITED);
	for (size_t i = 0; i < hl->n; i++)
		assert_int_equal(sc_buf_printf(&b, "%s%s=%g", i ? "," : "", hl->v[i].name,
					       hl->v[i].score),
				 0);
	return sc_buf_steal(&b);
}

/* run_on - run rs over a message given as text; fills hl and st */
static void run_on(const sc_ruleset *rs, const char *raw, size_t len, hit_list *hl,
		   sc_rule_run_stats *st)
{
	sc_msg *m = sc_msg_parse(raw, len);

	hl->n = 0;
	run_msg(rs, m, collect_hit, hl, st);
	sc_msg_free(m);
}

/* load - a ruleset from text under FILE_NAME, default limits */
static sc_ruleset *load(const char *text, size_t len, sc_diags *d)
{
	sc_ruleset *rs = sc_ruleset_load_text(FILE_NAME, text, len, NULL, d);

	assert_non_null(rs);
	return rs;
}

/* print_diags - show what the loader said, to explain a failing case */
static void print_diags(const sc_diags *d)
{
	char line[4608];

	for (size_t i = 0; i < d->n; i++) {
		sc_diags_format(&d->v[i], line, sizeof(line));
		print_message("  diag: %s\n", line);
	}
}

/* find_diag - the entry of this level at line whose message contains text */
static const sc_diag *find_diag(const sc_diags *d, sc_diag_level level, const char *file,
				unsigned line, const char *text)
{
	for (size_t i = 0; i < d->n; i++)
		if (d->v[i].level == level && d->v[i].line == line &&
		    strcmp(d->v[i].file, file) == 0 && strstr(d->v[i].message, text) != NULL)
			return &d->v[i];
	return NULL;
}

/* The message every parse case runs over. */
static const char parse_msg[] =
    "From mbox-line@example.com Mon Jan  1 00:00:00 2024\n"
    "From: \"Prize Desk\" <desk@example.com>\n"
    "Subject: =?utf-8?q?You_WIN?= a\n"
    "\tlottery\n"
    "X-Mailer: MassMailer 1.0\n"
    "Received: from a\n"
    "Received: from b\n"
    "\n"
    "Dear winner,\n"
    "claim your lottery prize #1 at a/b now.\n"
    "abc\n"
    "\n"
    "line2\n";

/* A rule text that loads, and what it then does to parse_msg. */
typedef struct good_case {
	const char *text;
	size_t rules, header, body, skipped;	/* sc_ruleset_stats */
	size_t warnings;
	const char *hits;	/* hits_string() over parse_msg */
} good_case;

static const good_case good_cases[] = {
	/* comments and blank lines */
	{ "", 0, 0, 0, 0, 0, "" },
	{ "# a comment\n\n   \t\n  # indented comment\n", 0, 0, 0, 0, 0, "" },
	{ "body B /lottery/ # a trailing comment\n", 1, 0, 1, 0, 0, "B=1" },
	{ "  body   B\t/lottery/\n", 1, 0, 1, 0, 0, "B=1" },
	{ "body B /lottery/\r\nscore B 2\r\n", 1, 0, 1, 0, 0, "B=2" },
	/* header rules */
	{ "header H Subject =~ /WIN/\n", 1, 1, 0, 0, 0, "H=1" },
	{ "header H Subject =~ /win/\n", 1, 1, 0, 0, 0, "" },
	{ "header H Subject =~ /win/i\n", 1, 1, 0, 0, 0, "H=1" },
	/* a fold and the blanks after it read as one space, as in SpamAssassin */
	{ "header H subject =~ /a\tlottery/\n", 1, 1, 0, 0, 0, "" },
	{ "header H Subject =~ /a lottery/\n", 1, 1, 0, 0, 0, "H=1" },
	{ "header H Subject:raw =~ /a\\n\\tlottery/\n", 1, 1, 0, 0, 0, "H=1" },
	{ "header H Subject:raw =~ /^ =\\?utf-8\\?q\\?/\n", 1, 1, 0, 0, 0, "H=1" },
	/* header rules see the RFC 2047-decoded value; :raw sees the encoded words */
	{ "header H Subject =~ /=\\?utf-8\\?q\\?/\n", 1, 1, 0, 0, 0, "" },
	{ "header H Subject =~ /^You WIN a lottery$/\n", 1, 1, 0, 0, 0, "H=1" },
	{ "header H From =~ /\"Prize Desk\"/\n", 1, 1, 0, 0, 0, "H=1" },
	{ "header H Received =~ /^from a\\nfrom b$/\n", 1, 1, 0, 0, 0, "H=1" },
	{ "header H Received =~ /^from b$/\n", 1, 1, 0, 0, 0, "" },
	{ "header H Received =~ /^from b$/m\n", 1, 1, 0, 0, 0, "H=1" },
	{ "header H X-Absent =~ /./\n", 1, 1, 0, 0, 0, "" },
	{ "header H X-Absent !~ /anything/\n", 1, 1, 0, 0, 0, "H=1" },
	{ "header H X-Mailer !~ /MassMailer/\n", 1, 1, 0, 0, 0, "" },
	{ "header H X-Mailer !~ /Outlook/\n", 1, 1, 0, 0, 0, "H=1" },
	{ "header H X-Absent =~ /^UNSET$/ [if-unset: UNSET]\n", 1, 1, 0, 0, 0, "H=1" },
	{ "header H X-Mailer =~ /^UNSET$/ [if-unset: UNSET]\n", 1, 1, 0, 0, 0, "" },
	{ "header H X-Absent !~ /^UNSET$/ [if-unset: UNSET]\n", 1, 1, 0, 0, 0, "" },
	{ "header H exists:X-Mailer\n", 1, 1, 0, 0, 0, "H=1" },
	{ "header H exists:x-mailer\n", 1, 1, 0, 0, 0, "H=1" },
	{ "header H exists:X-Absent\n", 1, 1, 0, 0, 0, "" },
	{ "header H Subject =~ /WIN/  # comment\n", 1, 1, 0, 0, 0, "H=1" },
	/* body rules, delimiters, escapes and flags */
	{ "body B /lottery prize/\n", 1, 0, 1, 0, 0, "B=1" },
	{ "body B /LOTTERY/\n", 1, 0, 1, 0, 0, "" },
	{ "body B /LOTTERY/i\n", 1, 0, 1, 0, 0, "B=1" },
	{ "body B m{lot{2}ery}\n", 1, 0, 1, 0, 0, "B=1" },
	{ "body B m{lot{3}ery}\n", 1, 0, 1, 0, 0, "" },
	{ "body B m{lot{1}tery}\n", 1, 0, 1, 0, 0, "B=1" },
	{ "body B m{lo(t){2}ery}\n", 1, 0, 1, 0, 0, "B=1" },
	{ "body B m!a/b!\n", 1, 0, 1, 0, 0, "B=1" },
	{ "body B m!A/B!i\n", 1, 0, 1, 0, 0, "B=1" },
	{ "body B m(a/b)\n", 1, 0, 1, 0, 0, "B=1" },
	{ "body B m[a/b]\n", 1, 0, 1, 0, 0, "B=1" },
	{ "body B m<a/b>\n", 1, 0, 1, 0, 0, "B=1" },
	{ "body B m|a/b|\n", 1, 0, 1, 0, 0, "B=1" },
	{ "body B /a\\/b/\n", 1, 0, 1, 0, 0, "B=1" },
	{ "body B /prize \\#1/\n", 1, 0, 1, 0, 0, "B=1" },
	{ "body B /prize \\#2/ # not this one\n", 1, 0, 1, 0, 0, "" },
	/* body rules run per paragraph (one line each), as SpamAssassin's array;
	 * the last paragraph ends in a space (its line break), as in SpamAssassin */
	{ "body B /^line2$/\n", 1, 0, 1, 0, 0, "" },
	{ "body B /^line2 $/\n", 1, 0, 1, 0, 0, "B=1" },
	{ "body B /^line2 $/m\n", 1, 0, 1, 0, 0, "B=1" },
	/* body is rendered: a paragraph is one line, the Subject comes first */
	{ "body B /now\\. abc$/m\n", 1, 0, 1, 0, 0, "B=1" },
	{ "body B /now.+line2/\n", 1, 0, 1, 0, 0, "" },
	{ "body B /now.+line2/s\n", 1, 0, 1, 0, 0, "" },
	{ "body B /\\AYou WIN a lottery\\nDear winner, claim/\n", 1, 0, 1, 0, 0, "" },
	{ "body B /a b c/x\n", 1, 0, 1, 0, 0, "B=1" },
	{ "body B /^LINE2\\s$/imsx\n", 1, 0, 1, 0, 0, "B=1" },
	{ "body B /Dear winner/\n", 1, 0, 1, 0, 0, "B=1" },
	{ "body B /X-Mailer/\n", 1, 0, 1, 0, 0, "" },
	/* scores and descriptions, before or after the rule */
	{ "body B /lottery/\nscore B 2.5\n", 1, 0, 1, 0, 0, "B=2.5" },
	{ "score B 3\nbody B /lottery/\n", 1, 0, 1, 0, 0, "B=3" },
	{ "score B 1.5 2 3 4\nbody B /lottery/\n", 1, 0, 1, 0, 0, "B=1.5" },
	{ "body B /lottery/\nscore B -1.5\n", 1, 0, 1, 0, 0, "B=-1.5" },
	{ "body B /lottery/\nscore B 2\nscore B 4\n", 1, 0, 1, 0, 0, "B=4" },
	{ "body B /lottery/\ndescribe B Lottery words\n", 1, 0, 1, 0, 0, "B=1" },
	{ "body B /lottery/\nscore B 0\n", 1, 0, 1, 0, 0, "" },
	{ "body B /lottery/\nscore B 0.0\n", 1, 0, 1, 0, 0, "" },
	{ "body B /lottery/\nscore B 0 1 1 1\n", 1, 0, 1, 0, 0, "" },
	/* sub-rules are evaluated, never reported */
	{ "body __B /lottery/\n", 1, 0, 1, 0, 0, "" },
	{ "body __B /lottery/\nscore __B 5\n", 1, 0, 1, 0, 0, "" },
	{ "body _B /lottery/\n", 1, 0, 1, 0, 0, "_B=1" },
	/* hits come in file order */
	{ "body Z /lottery/\nheader A Subject =~ /WIN/\nbody M /abc/\nscore A 2\n", 3, 1, 2, 0,
	  0, "Z=1,A=2,M=1" },
	/* conditional blocks: no plugin is loaded, so ifplugin blocks are
	 * skipped and their else is taken */
	{ "ifplugin Mail::SpamAssassin::Plugin::X\nbody A /lottery/\nendif\n", 0, 0, 0, 0, 0, "" },
	{ "ifplugin P\nbody A /lottery/\nelse\nbody B /lottery/\nendif\n", 1, 0, 1, 0, 0, "B=1" },
	{ "ifplugin P\n"
	  "  ifplugin Q\n"
	  "    body A /lottery/\n"
	  "  else\n"
	  "    body B /lottery/\n"
	  "  endif\n"
	  "  body B2 /lottery/\n"
	  "else\n"
	  "  body C /lottery/\n"
	  "  ifplugin R\n"
	  "    body D /lottery/\n"
	  "  else\n"
	  "    body E /lottery/\n"
	  "  endif\n"
	  "  body F /lottery/\n"
	  "endif\n"
	  "body G /lottery/\n",
	  4, 0, 4, 0, 0, "C=1,E=1,F=1,G=1" },
	{ "ifplugin P\nmeta M A && B\nfoo bar\nif (version > 1)\nendif\nendif\nbody G /abc/\n", 1,
	  0, 1, 0, 0, "G=1" },
	{ "if (version >= 3.004)\nbody A /lottery/\nendif\nbody B /lottery/\n", 2, 0, 2, 0, 0,
	  "A=1,B=1" },
	{ "if can(Mail::SpamAssassin::Conf::feature_x)\nbody A /x/\nelse\nbody B /lottery/\nendif\n",
	  1, 0, 1, 0, 0, "B=1" },
	/* skipped directives: warned, counted, nothing else changes */
	/* metas (test_meta.c has the grammar): an unknown name is a warning */
	{ "meta M (A && B)\nbody B /lottery/\n", 2, 0, 1, 0, 1, "B=1" },
	{ "meta M (B && !H)\nbody B /lottery/\nheader H X-Absent =~ /./\n", 3, 1, 1, 0, 0,
	  "B=1,M=1" },
	{ "tflags B multiple\nbody B /lottery/\nrawbody R /x/\nuri U /x/\n", 3, 0, 3, 0, 0,
	  "B=1" },
	/* rawbody: the decoded text with its line breaks, Subject not in it */
	{ "rawbody R /^abc\\n\\nline2$/m\n", 1, 0, 1, 0, 0, "R=1" },
	{ "rawbody R /You WIN/\n", 1, 0, 1, 0, 0, "" },
	/* evals: a known one runs, an unknown one is a warning and never hits */
	{ "header H eval:check_for_missing_to_header()\n", 1, 0, 0, 0, 0, "H=1" },
	{ "body B eval:check_stock_info()\n", 1, 0, 0, 0, 1, "" },
	{ "header H From:addr =~ /^desk@example\\.com$/\n", 1, 1, 0, 0, 0, "H=1" },
	{ "header H From:name =~ /^Prize Desk$/\n", 1, 1, 0, 0, 0, "H=1" },
	{ "header H ALL =~ /^Subject: You WIN/m\n", 1, 1, 0, 0, 0, "H=1" },
	{ "header H EnvelopeFrom =~ /x/\n", 1, 1, 0, 0, 0, "" },
	/* ToCc and MESSAGEID are empty here: no To, Cc or message id */
	{ "header H ToCc =~ /^$/\nheader J MESSAGEID =~ /^U$/ [if-unset: U]\n", 2, 2, 0, 0, 0,
	  "H=1,J=1" },
	{ "unknown_directive whatever\nbody B /lottery/\n", 1, 0, 1, 1, 1, "B=1" },
};

/* test_good_table - each text loads with the expected counts and hits */
static void test_good_table(void **state)
{
	(void) state;
	for (size_t i = 0; i < sizeof(good_cases) / sizeof(good_cases[0]); i++) {
		const good_case *c = &good_cases[i];
		sc_rule_run_stats rst;
		sc_rule_stats st;
		sc_ruleset *rs;
		hit_list hl;
		char *got;
		sc_diags d;

		print_message("good case %zu: %s", i, c->text);
		sc_diags_init(&d);
		rs = load(c->text, strlen(c->text), &d);
		if (d.errors != 0 || d.n != c->warnings)
			print_diags(&d);
		assert_int_equal(d.errors, 0);
		assert_int_equal(d.n, c->warnings);
		sc_ruleset_stats(rs, &st);
		assert_int_equal(st.total, c->rules);
		assert_int_equal(sc_ruleset_count(rs), c->rules);
		assert_int_equal(st.header, c->header);
		/* body counts every text rule: body, rawbody, full and uri */
		assert_int_equal(st.body + st.rawbody + st.full + st.uri, c->body);
		assert_int_equal(st.skipped_directives, c->skipped);
		run_on(rs, parse_msg, sizeof(parse_msg) - 1, &hl, &rst);
		got = hits_string(&hl);
		assert_string_equal(got, c->hits);
		assert_int_equal(rst.regex_errors, 0);
		free(got);
		hits_free(&hl);
		sc_ruleset_unref(rs);
		sc_diags_free(&d);
	}
}

/* A rule text that draws one diagnostic, and how many rules survive. */
typedef struct bad_case {
	const char *text;
	sc_diag_level level;
	unsigned line;
	const char *message;	/* substring of the diagnostic */
	size_t rules;		/* live rules after loading */
} bad_case;

#define E SC_DIAG_ERROR
#define W SC_DIAG_WARNING

static const bad_case bad_cases[] = {
	/* regexes that do not compile name their rule */
	{ "body BAD_RE /unclosed(/\n", E, 1, "BAD_RE: regex does not compile at offset", 0 },
	{ "body OK /x/\n\nheader BAD_H Subject =~ /a[/\n", E, 3, "BAD_H: regex does not compile",
	  1 },
	{ "body B /a{2,1}/\n", E, 1, "B: regex does not compile", 0 },
	/* literals */
	{ "body B /x/g\n", E, 1, "B: unsupported regex flag", 0 },
	{ "body B /x/e\n", E, 1, "unsupported regex flag (only i, m, s and x are)", 0 },
	{ "body B /x\n", E, 1, "B: regex has no closing delimiter", 0 },
	{ "body B /x\\/\n", E, 1, "regex has no closing delimiter", 0 },
	{ "body B m{x\n", E, 1, "regex has no closing delimiter", 0 },
	{ "body B m{a{b}\n", E, 1, "regex has no closing delimiter", 0 },
	{ "body B x/\n", E, 1, "B: expected a regex like /pattern/flags", 0 },
	{ "body B mfoo\n", E, 1, "expected a regex", 0 },
	{ "body B\n", E, 1, "expected a regex", 0 },
	{ "body B /x/ junk\n", E, 1, "B: unexpected text after the regex: \"junk\"", 0 },
	{ "body B /x/i,\n", E, 1, "B: unexpected text after the regex: \",\"", 0 },
	/* header syntax */
	{ "header H Subject /x/\n", E, 1, "H: expected \"header NAME Header =~ /regex/\"", 0 },
	{ "header H Subject == /x/\n", E, 1, "expected \"header NAME Header =~", 0 },
	{ "header H Subject=~/x/\n", E, 1, "expected \"header NAME Header =~", 0 },
	{ "header H\n", E, 1, "expected \"header NAME Header =~", 0 },
	{ "header H Subject =~\n", E, 1, "H: expected a regex", 0 },
	{ "header H Subject =~ /x/ junk\n", E, 1, "H: unexpected text after the regex", 0 },
	{ "header H Subject =~ /x/ [if-unset: a]junk\n", E, 1, "unexpected text after the regex",
	  0 },
	{ "header H Subject =~ /x/ [if-unset: a\n", E, 1, "unexpected text after the regex", 0 },
	{ "header H exists:\n", E, 1, "H: expected exists:Header", 0 },
	{ "header H exists:A B\n", E, 1, "expected exists:Header", 0 },
	/* unsupported selectors and unknown evals: defined, never hit, warned */
	{ "header H From:ip =~ /x/\n", W, 1, "H: \"From:ip\": header selector modifier is not", 1 },
	{ "header H ALL-EXTERNAL =~ /x/\n", W, 1, "pseudo-header is not supported", 1 },
	{ "header H eval:check_x()\n", W, 1, "unknown eval check_x, rule H never hits", 1 },
	{ "body B eval:check_y('a', 2)\n", W, 1, "unknown eval check_y, rule B never hits", 1 },
	/* eval syntax and argument counts */
	{ "header H eval:check_header_count_range('To')\n", E, 1,
	  "H: eval check_header_count_range takes 3 to 3 arguments, not 1", 0 },
	{ "body B eval:check_y(a b)\n", E, 1, "B: eval arguments must be quoted strings", 0 },
	{ "body B eval:check_y('a)\n", E, 1, "B: eval arguments must be quoted strings", 0 },
	{ "body B eval:check_y(a,,b)\n", E, 1, "B: eval arguments must be quoted strings", 0 },
	{ "body B eval:check_y\n", E, 1, "B: expected eval:name(arguments)", 0 },
	{ "body B eval:check_y() x\n", E, 1, "B: expected eval:name(arguments)", 0 },
	/* rule names */
	{ "body 1B /x/\n", E, 1, "body: missing or invalid rule name", 0 },
	{ "body B-C /x/\n", E, 1, "body: missing or invalid rule name", 0 },
	{ "body\n", E, 1, "body: missing or invalid rule name", 0 },
	{ "header\n", E, 1, "header: missing or invalid rule name", 0 },
	{ "score\n", E, 1, "score: missing or invalid rule name", 0 },
	{ "describe 9X text\n", E, 1, "describe: missing or invalid rule name", 0 },
	/* scores */
	{ "body B /x/\nscore B\n", E, 2, "score B: missing value", 1 },
	{ "body B /x/\nscore B abc\n", E, 2, "score B: \"abc\" is not a number", 1 },
	{ "body B /x/\nscore B 1x\n", E, 2, "is not a number", 1 },
	{ "body B /x/\nscore B nan\n", E, 2, "is not a number", 1 },
	{ "body B /x/\nscore B inf\n", E, 2, "is not a number", 1 },
	{ "body B /x/\nscore B 1e999\n", E, 2, "is not a number", 1 },
	{ "body B /x/\nscore B 1 2 3 4 5\n", E, 2, "score B: expected one or four numbers", 1 },
	{ "body B /x/\nscore B 1 x 2 3\n", E, 2, "expected one or four numbers", 1 },
	{ "score NOPE 1\n", W, 1, "score NOPE: no such rule", 0 },
	{ "describe NOPE text\n", W, 1, "describe NOPE: no such rule", 0 },
	{ "ifplugin P\nbody B /x/\nendif\nscore B 2\n", W, 4, "score B: no such rule", 0 },
	/* directives */
	{ "foo bar baz\n", W, 1, "unknown directive \"foo\"; line skipped", 0 },
	{ "\n\n\nBODY B /x/\n", W, 4, "unknown directive \"BODY\"", 0 },
	{ "meta M A && 1\n", W, 1, "meta M: no rule A; it reads as 0", 1 },
	{ "body B /x/\n\nmeta M B &&\n", E, 3, "meta M: expression ends too early", 1 },
	{ "meta M M\n", E, 1, "meta M: in or depending on a circular dependency", 0 },
	{ "full F /x(/\n", E, 1, "F: regex does not compile", 0 },
	{ "uri U /x/ y\n", E, 1, "U: unexpected text after the regex", 0 },
	{ "tflags B multiple\n", W, 1, "tflags B: no such rule", 0 },
	{ "include\n", E, 1, "include: expected one file name", 0 },
	{ "include a b\n", E, 1, "include: expected one file name", 0 },
	{ "\ninclude /nonexistent/scam.cf\n", E, 2, "include /nonexistent/scam.cf: cannot open", 0 },
	/* if conditions that do not evaluate: an error, the block skipped */
	{ "if (foo)\nbody B /x/\nendif\n", E, 1, "if (foo): unknown word in condition", 0 },
	{ "if version >=\nbody B /x/\nendif\n", E, 1, "unexpected end of condition", 0 },
	{ "if (1\nbody B /x/\nendif\n", E, 1, "missing )", 0 },
	{ "if 1 / 0\nbody B /x/\nendif\n", E, 1, "division by zero", 0 },
	{ "if can(feature_x)\nbody B /x/\nendif\n", E, 1, "can()/has() need Module::method", 0 },
	{ "if plugin Foo\nbody B /x/\nendif\n", E, 1, "expected ( after plugin", 0 },
	{ "if 1 2\nbody B /x/\nendif\n", E, 1, "unexpected text after the condition", 0 },
	{ "if\nbody B /x/\nendif\n", E, 1, "if : missing condition", 0 },
	{ "ifplugin A B\nbody B /x/\nendif\n", E, 1, "expected one plugin name", 0 },
	/* redefinition: the later rule wins, the earlier is named */
	{ "body B /x/\nbody B /y/\n", W, 2, "B redefines the rule of " FILE_NAME ":1", 1 },
	{ "body B /x/\n# c\nheader B Subject =~ /y/\n", W, 3, "B redefines the rule of test.cf:1",
	  1 },
	/* conditionals */
	{ "else\nbody B /x/\n", E, 1, "else without ifplugin/if", 1 },
	{ "endif\nbody B /x/\n", E, 1, "endif without ifplugin/if", 1 },
	{ "ifplugin P\nbody B /x/\n", E, 2, "1 ifplugin/if without endif", 0 },
	{ "ifplugin P\nifplugin Q\nendif\n\n", E, 4, "1 ifplugin/if without endif", 0 },
};

/* test_bad_table - each text draws exactly one diagnostic at its line */
static void test_bad_table(void **state)
{
	(void) state;
	for (size_t i = 0; i < sizeof(bad_cases) / sizeof(bad_cases[0]); i++) {
		const bad_case *c = &bad_cases[i];
		sc_ruleset *rs;
		sc_diags d;

		print_message("bad case %zu: %s", i, c->text);
		sc_diags_init(&d);
		rs = load(c->text, strlen(c->text), &d);
		if (d.n != 1 || find_diag(&d, c->level, FILE_NAME, c->line, c->message) == NULL)
			print_diags(&d);
		assert_int_equal(d.n, 1);
		assert_int_equal(d.errors, c->level == SC_DIAG_ERROR ? 1 : 0);
		assert_non_null(find_diag(&d, c->level, FILE_NAME, c->line, c->message));
		assert_int_equal(sc_ruleset_count(rs), c->rules);
		sc_ruleset_unref(rs);
		sc_diags_free(&d);
	}
}

/* test_hostile_lines - NUL bytes and over-long lines are refused, by line */
static void test_hostile_lines(void **state)
{
	static const char with_nul[] = "body A /a/\nbody B /x\0y/\nbody C /c/\n";
	sc_ruleset *rs;
	sc_diags d;
	sc_buf text;

	(void) state;
	sc_diags_init(&d);
	rs = load(with_nul, sizeof(with_nul) - 1, &d);
	print_diags(&d);
	assert_int_equal(d.n, 1);
	assert_non_null(find_diag(&d, SC_DIAG_ERROR, FILE_NAME, 2, "NUL byte in line"));
	assert_int_equal(sc_ruleset_count(rs), 2);
	sc_ruleset_unref(rs);
	sc_diags_free(&d);

	sc_buf_init(&text, SC_BUF_UNLIMITED);
	assert_int_equal(sc_buf_puts(&text, "body A /a/\nbody LONG /"), 0);
	for (int i = 0; i < SC_RULES_MAX_LINE; i++)
		assert_int_equal(sc_buf_putc(&text, 'x'), 0);
	assert_int_equal(sc_buf_puts(&text, "/\nbody C /c/"), 0);	/* no final newline */
	sc_diags_init(&d);
	rs = load(text.data, text.len, &d);
	print_diags(&d);
	assert_int_equal(d.n, 1);
	assert_non_null(find_diag(&d, SC_DIAG_ERROR, FILE_NAME, 2, "line longer than 65536 bytes"));
	assert_int_equal(sc_ruleset_count(rs), 2);
	sc_ruleset_unref(rs);
	sc_diags_free(&d);
	sc_buf_free(&text);
}

/* test_every_line_reported - errors and warnings of one file, each at its line */
static void test_every_line_reported(void **state)
{
	static const char text[] =
	    "body GOOD /lottery/\n"	/* 1 */
	    "body BAD /(/\n"		/* 2 */
	    "meta M GOOD && NOPE\n"	/* 3 */
	    "score GOOD 2\n"		/* 4 */
	    "score MISSING 1\n"		/* 5 */
	    "bogus\n"			/* 6 */
	    "header H2 Subject =~ /x/q\n";	/* 7 */
	sc_rule_stats st;
	sc_ruleset *rs;
	sc_diags d;

	(void) state;
	sc_diags_init(&d);
	rs = load(text, sizeof(text) - 1, &d);
	print_diags(&d);
	assert_int_equal(d.n, 5);
	assert_int_equal(d.errors, 2);
	assert_non_null(find_diag(&d, SC_DIAG_ERROR, FILE_NAME, 2, "BAD: regex does not compile"));
	assert_non_null(find_diag(&d, SC_DIAG_WARNING, FILE_NAME, 3, "meta M: no rule NOPE"));
	assert_non_null(find_diag(&d, SC_DIAG_WARNING, FILE_NAME, 5, "score MISSING"));
	assert_non_null(find_diag(&d, SC_DIAG_WARNING, FILE_NAME, 6, "unknown directive"));
	assert_non_null(find_diag(&d, SC_DIAG_ERROR, FILE_NAME, 7, "H2: unsupported regex flag"));
	sc_ruleset_stats(rs, &st);
	assert_int_equal(st.total, 2);
	assert_int_equal(st.body, 1);
	assert_int_equal(st.meta, 1);
	assert_int_equal(st.skipped_directives, 1);
	sc_ruleset_unref(rs);
	sc_diags_free(&d);
}

/* The exact report of one rule over one message. */
typedef struct report_case {
	const char *rules;
	const char *msg;
	const char *name;
	double score;
	const char *description;
	const char *detail;
} report_case;

static const report_case report_cases[] = {
	{ "header SUBJ_WIN Subject =~ /win\\w*/i\nscore SUBJ_WIN 2.5\n"
	  "describe SUBJ_WIN Subject says you won\n",
	  "Subject: You are a WINNER today\n\n", "SUBJ_WIN", 2.5, "Subject says you won",
	  "Subject matched \"WINNER\"" },
	{ "describe B Lottery in the body\nbody B /lottery/\n", "A: 1\n\nthe lottery!\n", "B", 1.0,
	  "Lottery in the body", "body matched \"lottery\"" },
	{ "body B /lottery/\n", "A: 1\n\nthe lottery!\n", "B", 1.0, "", "body matched \"lottery\"" },
	{ "body B /lottery/\ndescribe B first\ndescribe B second\n", "\nlottery", "B", 1.0, "second",
	  "body matched \"lottery\"" },
	{ "header H exists:X-Mailer\n", "x-mailer: m\n\n", "H", 1.0, "", "X-Mailer is present" },
	{ "header H X-Foo !~ /bar/\n", "A: 1\n\n", "H", 1.0, "", "X-Foo does not match /bar/" },
	{ "header H X-Foo =~ /^$/ [if-unset: ]\n", "A: 1\n\n", "H", 1.0, "", "X-Foo matched \"\"" },
	{ "header H X-Foo =~ /UNSET/ [if-unset: UNSET]\n", "A: 1\n\n", "H", 1.0, "",
	  "X-Foo matched \"UNSET\"" },
	{ "header H Subject:raw =~ /b\\n\\tc/\n", "Subject: a b\r\n\tc\r\n\r\n", "H", 1.0, "",
	  "Subject:raw matched \"b\\n\\x09c\"" },
	/* body rules see the rendered text: one paragraph per line */
	/* the text's last line break is a space, as SpamAssassin renders it */
	{ "body B /one two $/\n", "A: 1\r\n\r\none\r\ntwo\r\n", "B", 1.0, "",
	  "body matched \"one two \"" },
	{ "header H Received =~ /x\\ny/\n", "Received: x\nReceived: y\n\n", "H", 1.0, "",
	  "Received matched \"x\\ny\"" },
	{ "body B /say \"hi\\\\\"/\n", "\nsay \"hi\\\" now", "B", 1.0, "",
	  "body matched \"say \\\"hi\\\\\\\"\"" },
	{ "body B /a.b/s\n", "\na\x01" "b", "B", 1.0, "", "body matched \"a\\x01b\"" },
	{ "body B /a\\x7fb/\n", "\na\x7f" "b", "B", 1.0, "", "body matched \"a\\x7fb\"" },
	{ "body B /caf./\n", "\ncaf\xc3\xa9", "B", 1.0, "", "body matched \"caf\xc3\"" },
	{ "body B /a{61}/\n", "\naaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "B", 1.0, "",
	  "body matched \"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa...\"" },
	{ "body B /a{60}/\n", "\naaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "B", 1.0, "",
	  "body matched \"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\"" },
	{ "body B /(?=lottery)/\n", "\nlottery", "B", 1.0, "", "body matched \"\"" },
	{ "body B /lottery/\nscore B -2\n", "\nlottery", "B", -2.0, "", "body matched \"lottery\"" },
};

/* test_report_table - a hit carries exactly its name, score, description and detail */
static void test_report_table(void **state)
{
	(void) state;
	for (size_t i = 0; i < sizeof(report_cases) / sizeof(report_cases[0]); i++) {
		const report_case *c = &report_cases[i];
		sc_rule_run_stats rst;
		sc_ruleset *rs;
		hit_list hl;
		sc_diags d;

		print_message("report case %zu: %s", i, c->rules);
		sc_diags_init(&d);
		rs = load(c->rules, strlen(c->rules), &d);
		print_diags(&d);
		assert_int_equal(d.n, 0);
		run_on(rs, c->msg, strlen(c->msg), &hl, &rst);
		assert_int_equal(hl.n, 1);
		assert_string_equal(hl.v[0].name, c->name);
		assert_true(hl.v[0].score == c->score);
		assert_string_equal(hl.v[0].description, c->description);
		assert_string_equal(hl.v[0].detail, c->detail);
		assert_int_equal(rst.evaluated, 1);
		assert_int_equal(rst.regex_errors, 0);
		hits_free(&hl);
		sc_ruleset_unref(rs);
		sc_diags_free(&d);
	}
}

/* test_run_stats - sub-rules run but are not reported; score 0 rules do not run */
static void test_run_stats(void **state)
{
	static const char rules[] =
	    "body __SUB /lottery/\n"
	    "body OFF /lottery/\n"
	    "score OFF 0\n"
	    "body ON /lottery/\n"
	    "body MISS /nothing here/\n"
	    "header __SUB_H Subject =~ /./\n"
	    "body ON2 /prize/\n"
	    "score ON2 3\n";
	static const char msg[] = "Subject: s\n\nlottery prize";
	sc_rule_run_stats rst;
	sc_ruleset *rs;
	hit_list hl;
	sc_diags d;
	char *got;

	(void) state;
	sc_diags_init(&d);
	rs = load(rules, sizeof(rules) - 1, &d);
	assert_int_equal(d.n, 0);
	assert_int_equal(sc_ruleset_count(rs), 6);
	run_on(rs, msg, sizeof(msg) - 1, &hl, &rst);
	got = hits_string(&hl);
	assert_string_equal(got, "ON=1,ON2=3");
	assert_int_equal(rst.evaluated, 5);
	assert_int_equal(rst.regex_errors, 0);
	free(got);
	hits_free(&hl);
	sc_ruleset_unref(rs);
	sc_diags_free(&d);
}

/* test_run_timed - each rule that runs gets its time in its slot; a rule
 * that does not run (score 0), a meta and a replaced rule get none, and
 * the hits are those of an untimed run */
static void test_run_timed(void **state)
{
	static const char rules[] =
	    "body SLOW /(?:a|b|c)*x(?:\\d+)?$/\n"
	    "body OFF /lottery/\n"
	    "score OFF 0\n"
	    "body GONE /first/\n"
	    "body GONE /lottery/\n"
	    "meta BOTH SLOW || GONE\n";
	sc_rule_run_stats rst;
	sc_buf msg;
	sc_run_ctx ctx;
	sc_ruleset *rs;
	hit_list hl;
	sc_diags d;
	double *ms;
	size_t nslots, named = 0;
	sc_msg *m;
	char *got;

	(void) state;
	sc_diags_init(&d);
	rs = load(rules, sizeof(rules) - 1, &d);
	nslots = sc_ruleset_slots(rs);
	assert_true(nslots >= sc_ruleset_count(rs));
	ms = sc_calloc(nslots, sizeof(*ms));
	/* 60 KB of text, so each run takes well over any clock's tick */
	sc_buf_init(&msg, SC_BUF_UNLIMITED);
	(void) sc_buf_puts(&msg, "Subject: s\n\nlottery\n");
	for (int i = 0; i < 2000; i++)
		(void) sc_buf_puts(&msg, "abcabcabcabcabcabcabcabcabcab\n");
	m = sc_msg_parse(msg.data, msg.len);
	memset(&ctx, 0, sizeof(ctx));
	ctx.msg = m;
	hl.n = 0;
	sc_ruleset_run_timed(rs, &ctx, collect_hit, &hl, &rst, ms);
	sc_ruleset_run_timed(rs, &ctx, collect_hit, &hl, &rst, ms); /* adds up */
	got = hits_string(&hl);
	assert_string_equal(got, "GONE=1,BOTH=1,GONE=1,BOTH=1");
	free(got);
	for (size_t i = 0; i < nslots; i++) {
		const char *name = sc_ruleset_slot_name(rs, i);

		if (name == NULL) { /* the replaced GONE */
			assert_true(ms[i] == 0.0);
			continue;
		}
		named++;
		if (strcmp(name, "SLOW") == 0 || strcmp(name, "GONE") == 0)
			assert_true(ms[i] > 0.0);
		else /* OFF does not run; BOTH is a meta */
			assert_true(ms[i] == 0.0);
	}
	assert_int_equal(named, sc_ruleset_count(rs));
	assert_null(sc_ruleset_slot_name(rs, nslots));
	sc_msg_free(m);
	sc_buf_free(&msg);
	hits_free(&hl);
	free(ms);
	sc_ruleset_unref(rs);
	sc_diags_free(&d);
}

/* test_catastrophic_regex - exponential backtracking stops at the match limit */
static void test_catastrophic_regex(void **state)
{
	static const char rules[] =
	    "body EXPLODE /(a+)+$/\n"
	    "header EXPLODE_H Subject =~ /^(\\w+\\s?)*$/\n"
	    "body AFTER /b$/\n";
	sc_rule_run_stats rst;
	struct timespec t0, t1;
	sc_ruleset *rs;
	hit_list hl;
	sc_diags d;
	sc_buf msg;
	char *got;
	double secs;

	(void) state;
	sc_buf_init(&msg, SC_BUF_UNLIMITED);
	assert_int_equal(sc_buf_puts(&msg, "Subject: "), 0);
	for (int i = 0; i < 5000; i++)
		assert_int_equal(sc_buf_puts(&msg, "ab "), 0);
	assert_int_equal(sc_buf_puts(&msg, "!\n\n"), 0);
	/* body rules see lines of at most 2048 bytes (SpamAssassin's cut), so
	 * the explosion needs a short line: 40 a's before the b */
	for (int i = 0; i < 40; i++)
		assert_int_equal(sc_buf_putc(&msg, 'a'), 0);
	assert_int_equal(sc_buf_putc(&msg, 'b'), 0);

	sc_diags_init(&d);
	rs = load(rules, sizeof(rules) - 1, &d);
	assert_int_equal(d.n, 0);
	assert_int_equal(clock_gettime(CLOCK_MONOTONIC, &t0), 0);
	run_on(rs, msg.data, msg.len, &hl, &rst);
	assert_int_equal(clock_gettime(CLOCK_MONOTONIC, &t1), 0);
	secs = (double) (t1.tv_sec - t0.tv_sec) + (double) (t1.tv_nsec - t0.tv_nsec) / 1e9;
	print_message("catastrophic run took %.3f s\n", secs);
	got = hits_string(&hl);
	assert_string_equal(got, "AFTER=1");	/* the rules after it still run */
	assert_int_equal(rst.evaluated, 3);
	assert_int_equal(rst.regex_errors, 2);
	assert_true(secs < 10.0);
	free(got);
	hits_free(&hl);
	sc_ruleset_unref(rs);
	sc_diags_free(&d);
	sc_buf_free(&msg);
}

/* Limits given to a ruleset, and whether a trivial rule can still match. */
typedef struct limit_case {
	const char *what;
	unsigned long match_limit;
	unsigned long depth_limit;
	size_t hits;
	size_t regex_errors;
} limit_case;

static const limit_case limit_cases[] = {
	{ "defaults", SC_RULES_DEFAULT_MATCH_LIMIT, SC_RULES_DEFAULT_DEPTH_LIMIT, 2, 0 },
	{ "generous", 10000000UL, 1000000UL, 2, 0 },
	{ "largest 32-bit", 0xffffffffUL, 0xffffffffUL, 2, 0 },
#if ULONG_MAX > 0xffffffffUL
	/* The config accepts any positive unsigned long; PCRE2's limits are
	 * 32-bit. A larger limit must not wrap around to 0 (or to a tiny one). */
	{ "2^32 (must not wrap to 0)", 0x100000000UL, 0x100000000UL, 2, 0 },
	{ "2^32 + 1 (must not wrap to 1)", 0x100000001UL, 0x100000001UL, 2, 0 },
	{ "ULONG_MAX", ULONG_MAX, ULONG_MAX, 2, 0 },
#endif
};

/* test_limits_table - the configured limits keep ordinary rules working
 * (every row checked before the test fails) */
static void test_limits_table(void **state)
{
	static const char rules[] = "body B /\\w+ery/\nbody C /^(\\w+\\s?)*$/\n";
	/* a Subject, so body starts with text, not the empty line of none */
	static const char msg[] = "Subject: x\n\nyou won the lottery";
	size_t failed = 0;

	(void) state;
	for (size_t i = 0; i < sizeof(limit_cases) / sizeof(limit_cases[0]); i++) {
		const limit_case *c = &limit_cases[i];
		sc_rule_limits lim = { c->match_limit, c->depth_limit, 0 };
		sc_rule_run_stats rst;
		sc_ruleset *rs;
		hit_list hl;
		sc_diags d;

		sc_diags_init(&d);
		rs = sc_ruleset_load_text(FILE_NAME, rules, sizeof(rules) - 1, &lim, &d);
		assert_int_equal(d.n, 0);
		run_on(rs, msg, sizeof(msg) - 1, &hl, &rst);
		if (rst.regex_errors != c->regex_errors || hl.n != c->hits) {
			print_message("MISMATCH limits %s (match_limit %lu): %zu hits, %zu regex "
				      "errors (want %zu, %zu)\n",
				      c->what, c->match_limit, hl.n, rst.regex_errors, c->hits,
				      c->regex_errors);
			failed++;
		}
		hits_free(&hl);
		sc_ruleset_unref(rs);
		sc_diags_free(&d);
	}
	assert_int_equal(failed, 0);
}

/* test_small_match_limit - a low limit turns a heavy search into a counted error */
static void test_small_match_limit(void **state)
{
	static const char rules[] = "body HEAVY /(x+x+)+$/\nbody LIGHT /^x/\n";
	sc_rule_limits lim = { 1000, 1000, 0 };
	sc_rule_run_stats rst;
	sc_ruleset *rs;
	hit_list hl;
	sc_diags d;
	char msg[64];
	char *got;

	(void) state;
	/* a Subject, so body starts with text, not the empty line of none */
	memcpy(msg, "Subject: x\n\n", 12);
	memset(msg + 12, 'x', 40);
	msg[52] = '!';
	msg[53] = '\0';
	sc_diags_init(&d);
	rs = sc_ruleset_load_text(FILE_NAME, rules, sizeof(rules) - 1, &lim, &d);
	assert_int_equal(d.n, 0);
	run_on(rs, msg, strlen(msg), &hl, &rst);
	got = hits_string(&hl);
	assert_string_equal(got, "LIGHT=1");
	assert_int_equal(rst.regex_errors, 1);
	free(got);
	hits_free(&hl);
	sc_ruleset_unref(rs);
	sc_diags_free(&d);
}

/* Rule text whose line ends in white space or a comment after the literal. */
typedef struct trailing_case {
	const char *text;
	const char *hits;	/* over parse_msg */
	const char *description;	/* of the first hit, or NULL */
} trailing_case;

static const trailing_case trailing_cases[] = {
	{ "header H Subject =~ /WIN/  \n", "H=1", NULL },
	{ "header H Subject =~ /WIN/ [if-unset: x]\n", "H=1", NULL },
	{ "header H Subject =~ /WIN/ [if-unset: x] # comment\n", "H=1", NULL },
	{ "header H Subject =~ /WIN/ [if-unset: x]   \n", "H=1", NULL },
	{ "header H Subject =~ /WIN/ [if-unset: x]\r\n", "H=1", NULL },
	{ "body B /lottery/\ndescribe B Lottery words\n", "B=1", "Lottery words" },
	{ "body B /lottery/\ndescribe B Lottery words # the trailing comment\n", "B=1",
	  "Lottery words" },
	{ "body B /lottery/\ndescribe B Lottery words   \n", "B=1", "Lottery words" },
};

/* test_trailing_space_and_comments - a trailing comment or white space
 * changes nothing: SpamAssassin strips both before parsing a line. Every
 * row is checked before the test fails, so one run lists all bad rows. */
static void test_trailing_space_and_comments(void **state)
{
	size_t failed = 0;

	(void) state;
	for (size_t i = 0; i < sizeof(trailing_cases) / sizeof(trailing_cases[0]); i++) {
		const trailing_case *c = &trailing_cases[i];
		sc_rule_run_stats rst;
		sc_ruleset *rs;
		hit_list hl;
		sc_diags d;
		char *got;
		int ok;

		sc_diags_init(&d);
		rs = load(c->text, strlen(c->text), &d);
		run_on(rs, parse_msg, sizeof(parse_msg) - 1, &hl, &rst);
		got = hits_string(&hl);
		ok = d.n == 0 && strcmp(got, c->hits) == 0 &&
		     (c->description == NULL || strcmp(hl.v[0].description, c->description) == 0);
		if (!ok) {
			print_message("MISMATCH trailing case %zu: %s  hits \"%s\" (want \"%s\")"
				      "%s%s%s\n",
				      i, c->text, got, c->hits,
				      c->description ? ", description \"" : "",
				      c->description && hl.n > 0 ? hl.v[0].description : "",
				      c->description ? "\"" : "");
			print_diags(&d);
			failed++;
		}
		free(got);
		hits_free(&hl);
		sc_ruleset_unref(rs);
		sc_diags_free(&d);
	}
	assert_int_equal(failed, 0);
}

/* A score line and whether it is accepted. */
typedef struct score_case {
	const char *line;
	int ok;
	const char *hits;	/* when accepted */
} score_case;

static const score_case score_cases[] = {
	{ "score B 2", 1, "B=2" },
	{ "score B 2 3 4 5", 1, "B=2" },
	{ "score B 2 3", 0, NULL },
	{ "score B 2 3 4", 0, NULL },
	{ "score B 2 3 4 5 6", 0, NULL },
};

/* test_score_value_count - one or four numbers, as SpamAssassin takes them
 * (every row checked before the test fails) */
static void test_score_value_count(void **state)
{
	size_t failed = 0;

	(void) state;
	for (size_t i = 0; i < sizeof(score_cases) / sizeof(score_cases[0]); i++) {
		const score_case *c = &score_cases[i];
		sc_rule_run_stats rst;
		sc_ruleset *rs;
		hit_list hl;
		sc_diags d;
		sc_buf text;
		char *got;
		int ok;

		sc_buf_init(&text, SC_BUF_UNLIMITED);
		assert_int_equal(sc_buf_printf(&text, "body B /lottery/\n%s\n", c->line), 0);
		sc_diags_init(&d);
		rs = load(text.data, text.len, &d);
		run_on(rs, parse_msg, sizeof(parse_msg) - 1, &hl, &rst);
		got = hits_string(&hl);
		if (c->ok)
			ok = d.n == 0 && strcmp(got, c->hits) == 0;
		else
			ok = d.n == 1 && find_diag(&d, SC_DIAG_ERROR, FILE_NAME, 2,
						   "score B: expected one or four numbers") != NULL;
		if (!ok) {
			print_message("MISMATCH score case %zu: \"%s\" %s; got hits \"%s\", "
				      "%zu diagnostics\n",
				      i, c->line, c->ok ? "must load" : "must be an error", got, d.n);
			print_diags(&d);
			failed++;
		}
		free(got);
		hits_free(&hl);
		sc_ruleset_unref(rs);
		sc_diags_free(&d);
		sc_buf_free(&text);
	}
	assert_int_equal(failed, 0);
}

/* A negated rule's explanation names its regex as written. */
typedef struct negated_case {
	const char *rule;
	const char *detail;
} negated_case;

static const negated_case negated_cases[] = {
	{ "header H X-Foo !~ /bar/\n", "X-Foo does not match /bar/" },
	{ "header H X-Foo:raw !~ /bar/\n", "X-Foo:raw does not match /bar/" },
	{ "header H X-Foo !~ m{bar}\n", "X-Foo does not match m{bar}" },
	{ "header H X-Foo !~ m!bar!\n", "X-Foo does not match m!bar!" },
};

/* The message the pseudo-header cases run over. */
static const char pseudo_msg[] = "To: a@example.com,\n b@example.com\n"
				 "Cc: c@example.com\n"
				 "To: d@example.com\n"
				 "Message-Id: <m1@example.com>\n"
				 "X-Message-Id:\n"
				 "Resent-Message-Id: <r1@example.com>\n"
				 "\n"
				 "text\n";

/* One header rule over pseudo_msg and whether it hits. */
typedef struct pseudo_case {
	const char *text;
	int hits;
} pseudo_case;

/* clang-format off */
static const pseudo_case pseudo_cases[] = {
	/* ToCc: the To values, then the Cc values, each ending in a newline
	 * (SpamAssassin 4.0) */
	{ "header H ToCc =~ /\\Aa@example\\.com, b@example\\.com\\nd@example\\.com\\nc@example\\.com\\n\\z/\n", 1 },
	{ "header H ToCc:raw =~ /^ a@example\\.com,\\n b@/\n", 1 },
	{ "header H ToCc =~ /c@example/\n", 1 },
	{ "header H toCC =~ /c@example/\n", 1 }, /* SpamAssassin: any case */
	/* MESSAGEID: X-Message-Id, Resent-Message-Id, X-Original-Message-ID,
	 * Message-Id, each with its newline (SpamAssassin 4.0 keeps an empty
	 * field, which is "\n" by then) */
	{ "header H MESSAGEID =~ /\\A\\n<r1\\@example\\.com>\\n<m1\\@example\\.com>\\n\\z/\n", 1 },
	{ "header H MESSAGEID =~ /^$/m\n", 1 },
	{ "header H MESSAGEID !~ /m1/\n", 0 },
};
/* clang-format on */

/* test_pseudo_headers - ToCc and MESSAGEID as SpamAssassin builds them */
static void test_pseudo_headers(void **state)
{
	(void) state;
	for (size_t i = 0; i < sizeof(pseudo_cases) / sizeof(pseudo_cases[0]); i++) {
		const char *text = pseudo_cases[i].text;
		sc_rule_run_stats st;
		sc_ruleset *rs;
		hit_list hl;
		sc_diags d;

		sc_diags_init(&d);
		rs = load(text, strlen(text), &d);
		print_diags(&d);
		assert_int_equal(d.n, 0);
		run_on(rs, pseudo_msg, sizeof(pseudo_msg) - 1, &hl, &st);
		print_message("case %zu: %zu hits\n", i, hl.n);
		assert_int_equal(hl.n, (size_t) pseudo_cases[i].hits);
		hits_free(&hl);
		sc_ruleset_unref(rs);
		sc_diags_free(&d);
	}
}

/* test_negated_detail - "does not match" quotes the regex as the rule wrote
 * it (every row checked before the test fails) */
static void test_negated_detail(void **state)
{
	static const char msg[] = "X-Foo: baz\n\n";
	size_t failed = 0;

	(void) state;
	for (size_t i = 0; i < sizeof(negated_cases) / sizeof(negated_cases[0]); i++) {
		const negated_case *c = &negated_cases[i];
		sc_rule_run_stats rst;
		sc_ruleset *rs;
		hit_list hl;
		sc_diags d;

		sc_diags_init(&d);
		rs = load(c->rule, strlen(c->rule), &d);
		assert_int_equal(d.n, 0);
		run_on(rs, msg, sizeof(msg) - 1, &hl, &rst);
		assert_int_equal(hl.n, 1);
		if (strcmp(hl.v[0].detail, c->detail) != 0) {
			print_message("MISMATCH negated case %zu: %s  detail \"%s\" (want \"%s\")\n",
				      i, c->rule, hl.v[0].detail, c->detail);
			failed++;
		}
		hits_free(&hl);
		sc_ruleset_unref(rs);
		sc_diags_free(&d);
	}
	assert_int_equal(failed, 0);
}

/* test_refcount - a ruleset lives until its last reference goes */
static void test_refcount(void **state)
{
	static const char rules[] = "body B /lottery/\n";
	sc_rule_run_stats rst;
	sc_ruleset *rs, *again;
	hit_list hl;
	sc_diags d;

	(void) state;
	sc_diags_init(&d);
	rs = load(rules, sizeof(rules) - 1, &d);
	again = sc_ruleset_ref(rs);
	assert_ptr_equal(again, rs);
	sc_ruleset_unref(rs);
	run_on(again, "\nlottery", 8, &hl, &rst);	/* still usable (ASan would say) */
	assert_int_equal(hl.n, 1);
	hits_free(&hl);
	sc_ruleset_unref(again);
	sc_ruleset_unref(NULL);
	sc_diags_free(&d);
}

/* --- sc_ruleset_load_dir over real files --------------------------------- */

/* remove_entry - nftw callback: remove one file or directory */
static int remove_entry(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
	(void) st;
	(void) type;
	(void) ftw;
	return remove(path);
}

/* make_dir - a fresh private directory; returns its path (free it) */
static char *make_dir(void)
{
	char *dir = sc_strdup("/tmp/scam-test-rules-XXXXXX");

	assert_non_null(mkdtemp(dir));
	return dir;
}

/* remove_dir - the directory and everything in it */
static void remove_dir(char *dir)
{
	assert_int_equal(nftw(dir, remove_entry, 8, FTW_DEPTH | FTW_PHYS), 0);
	free(dir);
}

/* put_file - write text to dir/name; returns the path (free it) */
static char *put_file(const char *dir, const char *name, const char *text)
{
	sc_buf path;
	FILE *fp;

	sc_buf_init(&path, PATH_MAX);
	assert_int_equal(sc_buf_printf(&path, "%s/%s", dir, name), 0);
	fp = fopen(path.data, "w");
	assert_non_null(fp);
	assert_int_equal(fputs(text, fp) >= 0, 1);
	assert_int_equal(fclose(fp), 0);
	return sc_buf_steal(&path);
}

/* test_load_dir - lexical order, later scores and descriptions win,
 * non-.cf files and dot files ignored, diagnostics name each file */
static void test_load_dir(void **state)
{
	char *dir = make_dir(), *sub;
	char *p10, *p9, *p20;
	sc_rule_run_stats rst;
	sc_rule_stats st;
	sc_ruleset *rs;
	hit_list hl;
	sc_diags d;
	char *got;
	sc_buf b;

	(void) state;
	/* "10_" sorts before "20_" and "9_" in C locale: the 9_ file comes last. */
	p10 = put_file(dir, "10_base.cf",
		       "body LOTTERY /lottery/\n"
		       "score LOTTERY 2\n"
		       "describe LOTTERY first words\n"
		       "score PRIZE 7\n"
		       "bogus directive\n");
	p20 = put_file(dir, "20_more.cf",
		       "score LOTTERY 3\n"
		       "body PRIZE /prize/\n"
		       "describe LOTTERY second words\n");
	p9 = put_file(dir, "9_local.cf", "score LOTTERY 4.5\nbody LOCAL /claim/\n");
	free(put_file(dir, "README", "this is not a rule file\n"));
	free(put_file(dir, "30_x.cf.bak", "not read either\n"));
	free(put_file(dir, ".hidden.cf", "not read either\n"));
	free(put_file(dir, "cf", "not read either\n"));
	sc_buf_init(&b, PATH_MAX);
	assert_int_equal(sc_buf_printf(&b, "%s/40_dir.cf", dir), 0);
	sub = sc_buf_steal(&b);
	assert_int_equal(mkdir(sub, 0700), 0);

	sc_diags_init(&d);
	rs = sc_ruleset_load_dir(dir, NULL, &d);
	print_diags(&d);
	assert_non_null(rs);
	assert_int_equal(d.n, 1);
	assert_non_null(find_diag(&d, SC_DIAG_WARNING, p10, 5, "unknown directive \"bogus\""));
	sc_ruleset_stats(rs, &st);
	assert_int_equal(st.total, 3);
	assert_int_equal(st.body, 3);
	assert_int_equal(st.skipped_directives, 1);
	run_on(rs, "Subject: s\n\nclaim your lottery prize", 36, &hl, &rst);
	got = hits_string(&hl);
	/* file order: 10_base, 20_more, 9_local; PRIZE's score came before it */
	assert_string_equal(got, "LOTTERY=4.5,PRIZE=7,LOCAL=1");
	assert_string_equal(hl.v[0].description, "second words");
	free(got);
	hits_free(&hl);
	sc_ruleset_unref(rs);
	sc_diags_free(&d);
	free(p10);
	free(p20);
	free(p9);
	free(sub);
	remove_dir(dir);
}

/* test_load_dir_redefinition - a later file's rule replaces an earlier one,
 * and the warning names both places */
static void test_load_dir_redefinition(void **state)
{
	char *dir = make_dir();
	char *a = put_file(dir, "a.cf", "body R /one/\nscore R 2\n");
	char *b = put_file(dir, "b.cf", "\nbody R /two/\n");
	sc_rule_run_stats rst;
	sc_ruleset *rs;
	hit_list hl;
	sc_diags d;
	char *got;
	sc_buf want;

	(void) state;
	sc_diags_init(&d);
	rs = sc_ruleset_load_dir(dir, NULL, &d);
	print_diags(&d);
	assert_non_null(rs);
	assert_int_equal(d.n, 1);
	sc_buf_init(&want, SC_BUF_UNLIMITED);
	assert_int_equal(sc_buf_printf(&want, "R redefines the rule of %s:1", a), 0);
	assert_non_null(find_diag(&d, SC_DIAG_WARNING, b, 2, want.data));
	assert_int_equal(sc_ruleset_count(rs), 1);
	run_on(rs, "\none", 4, &hl, &rst);
	assert_int_equal(hl.n, 0);
	run_on(rs, "\ntwo", 4, &hl, &rst);
	got = hits_string(&hl);
	assert_string_equal(got, "R=2");	/* the score follows the name */
	free(got);
	hits_free(&hl);
	sc_ruleset_unref(rs);
	sc_diags_free(&d);
	sc_buf_free(&want);
	free(a);
	free(b);
	remove_dir(dir);
}

/* test_load_dir_errors - a missing directory is NULL with an error; an empty
 * one is a warning; a bad line is an error naming its file, not a NULL */
static void test_load_dir_errors(void **state)
{
	char *dir = make_dir(), *bad;
	sc_ruleset *rs;
	sc_diags d;
	sc_buf missing;

	(void) state;
	sc_buf_init(&missing, PATH_MAX);
	assert_int_equal(sc_buf_printf(&missing, "%s/nope", dir), 0);
	sc_diags_init(&d);
	rs = sc_ruleset_load_dir(missing.data, NULL, &d);
	print_diags(&d);
	assert_null(rs);
	assert_int_equal(d.errors, 1);
	assert_non_null(find_diag(&d, SC_DIAG_ERROR, missing.data, 0,
				  "cannot read rules directory: No such file or directory"));
	sc_diags_free(&d);
	sc_buf_free(&missing);

	sc_diags_init(&d);
	rs = sc_ruleset_load_dir(dir, NULL, &d);
	assert_non_null(rs);
	assert_int_equal(d.n, 1);
	assert_non_null(find_diag(&d, SC_DIAG_WARNING, dir, 0, "no *.cf rule files"));
	assert_int_equal(sc_ruleset_count(rs), 0);
	sc_ruleset_unref(rs);
	sc_diags_free(&d);

	bad = put_file(dir, "50_bad.cf", "body OK /ok/\nbody BROKEN /(/\n");
	sc_diags_init(&d);
	rs = sc_ruleset_load_dir(dir, NULL, &d);
	print_diags(&d);
	assert_non_null(rs);
	assert_int_equal(d.n, 1);
	assert_non_null(find_diag(&d, SC_DIAG_ERROR, bad, 2, "BROKEN: regex does not compile"));
	assert_int_equal(sc_ruleset_count(rs), 1);
	sc_ruleset_unref(rs);
	sc_diags_free(&d);
	free(bad);
	remove_dir(dir);
}

/* test_load_dir_per_file_conditionals - an unclosed block ends with its file */
static void test_load_dir_per_file_conditionals(void **state)
{
	char *dir = make_dir();
	char *a = put_file(dir, "a.cf", "ifplugin P\nbody A /x/\n");
	char *b = put_file(dir, "b.cf", "body B /x/\nendif\n");
	sc_ruleset *rs;
	sc_diags d;

	(void) state;
	sc_diags_init(&d);
	rs = sc_ruleset_load_dir(dir, NULL, &d);
	print_diags(&d);
	assert_non_null(rs);
	assert_int_equal(d.n, 2);
	assert_non_null(find_diag(&d, SC_DIAG_ERROR, a, 2, "1 ifplugin/if without endif"));
	assert_non_null(find_diag(&d, SC_DIAG_ERROR, b, 2, "endif without ifplugin/if"));
	assert_int_equal(sc_ruleset_count(rs), 1);	/* B is not swallowed by a.cf's block */
	sc_ruleset_unref(rs);
	sc_diags_free(&d);
	free(a);
	free(b);
	remove_dir(dir);
}

/* test_include - include reads a file relative to the including one,
 * in place; a missing file, a cycle and deep nesting are errors at the
 * include line; lang lines are skipped silently */
static void test_include(void **state)
{
	char *dir = make_dir(), *sub, *top, *b, *x, *y;
	sc_rule_run_stats rst;
	sc_ruleset *rs;
	hit_list hl;
	sc_diags d;
	char *got;
	sc_buf p;

	(void) state;
	sc_buf_init(&p, PATH_MAX);
	assert_int_equal(sc_buf_printf(&p, "%s/sub", dir), 0);
	sub = sc_buf_steal(&p);
	assert_int_equal(mkdir(sub, 0700), 0);
	top = put_file(dir, "10_top.cf",
		       "include sub/b.inc\nbody A /lottery/\nscore B 2\n"
		       "lang de body DE /lottery/\nlang fr describe A texte\n"
		       "include nope.inc\n");
	b = put_file(sub, "b.inc", "body B /lottery/\ninclude c.inc\n");
	free(put_file(sub, "c.inc", "body C /prize/\n"));
	x = put_file(sub, "x.inc", "include y.inc\n");
	y = put_file(sub, "y.inc", "include x.inc\nbody Y /prize/\n");
	free(put_file(dir, "20_cycle.cf", "include sub/x.inc\n"));
	for (int i = 0; i < 10; i++) {
		char name[32], text[64];

		assert_true(snprintf(name, sizeof(name), "d%d.inc", i) < (int) sizeof(name));
		assert_true(snprintf(text, sizeof(text), "include d%d.inc\nbody D%d /claim/\n",
				     i + 1, i) < (int) sizeof(text));
		free(put_file(sub, name, text));
	}
	free(put_file(dir, "30_deep.cf", "include sub/d0.inc\n"));

	sc_diags_init(&d);
	rs = sc_ruleset_load_dir(dir, NULL, &d);
	print_diags(&d);
	assert_non_null(rs);
	assert_non_null(find_diag(&d, SC_DIAG_ERROR, top, 6, "include nope.inc: cannot open"));
	assert_non_null(find_diag(&d, SC_DIAG_ERROR, y, 1, "include x.inc: includes itself"));
	assert_int_equal(sc_buf_printf(&p, "%s/d7.inc", sub), 0);
	assert_non_null(find_diag(&d, SC_DIAG_ERROR, p.data, 1, "nested deeper than 8 files"));
	sc_buf_free(&p);
	assert_int_equal(d.errors, 3);
	assert_int_equal(d.n, 3);
	run_on(rs, parse_msg, sizeof(parse_msg) - 1, &hl, &rst);
	got = hits_string(&hl);
	/* B, C from the includes; Y once; D0..D7 (d8 is too deep) */
	assert_string_equal(got, "B=2,C=1,A=1,Y=1,D7=1,D6=1,D5=1,D4=1,D3=1,D2=1,D1=1,D0=1");
	free(got);
	hits_free(&hl);
	sc_ruleset_unref(rs);
	sc_diags_free(&d);
	free(top);
	free(b);
	free(x);
	free(y);
	free(sub);
	remove_dir(dir);
}

/* main - run every rules test */
/* test_prefilter_same_hits - body rules whose one-call MULTILINE twin
 * runs first (rules_prefilter.c) hit exactly as line by line: anchors at
 * each line, counts under tflags multiple, and the rules that get no twin
 * (\\A, negative lookahead) still per line */
static void test_prefilter_same_hits(void **state)
{
	static const char text[] = "body ANCHORED /^second line$/\n"
				   "body ENDS /line$/\ntflags ENDS multiple\n"
				   "body START_A /\\Athird/\n"
				   "body NEG_LOOK /fourth(?![a-z])/\n"
				   "body NOT_ACROSS /line\\nthird/\n"
				   "body NOWHERE /^line$/\n";
	static const char msg[] = "Subject: s\n\nfirst line\n\nsecond line\n\nthird line\n\n"
				  "fourth\n";
	hit_list hl;
	sc_rule_run_stats st;
	sc_diags d;
	sc_ruleset *rs;
	char *got;

	(void) state;
	sc_diags_init(&d);
	rs = load(text, sizeof(text) - 1, &d);
	print_diags(&d);
	assert_int_equal(d.errors, 0);
	memset(&hl, 0, sizeof(hl));
	run_on(rs, msg, sizeof(msg) - 1, &hl, &st);
	got = hits_string(&hl);
	print_message("hits: %s\n", got);
	assert_string_equal(got, "ANCHORED=1,ENDS=1,START_A=1,NEG_LOOK=1");
	assert_non_null(strstr(hl.v[1].detail, "(3 times)"));
	free(got);
	hits_free(&hl);
	sc_ruleset_unref(rs);
	sc_diags_free(&d);
}

/* test_literal_prefilter - regexes whose required text is easy to misread
 * (extended mode, inline flags, escapes, quantifiers that allow zero,
 * quoting, alternations): each must still hit its body and miss another,
 * whatever literal the prefilter takes from it (rules_prefilter.c) */
static void test_literal_prefilter(void **state)
{
	static const struct {
		const char *re, *hit, *miss;
	} rows[] = {
		{"/foo bar/x", "xx foobar yy", "foo bar"},
		{"/(?i)hello world/", "say HELLO World now", "hello"},
		{"/hello/i", "HeLLo there", "help"},
		{"/a\\x41b/", "xaAby", "aab"},
		{"/\\Qa.b\\E/", "see a.b here", "axb"},
		{"/colou?r/", "the color red", "colr"},
		{"/(?:cat|dog)food/", "dogfood", "catdog"},
		{"/fo{0}x/", "fx", "fox"},
		{"/ab*c/", "ac", "abd"},
		{"/ab{0,2}c/", "abbc", "abbbc"},
		{"/(?\\#note)foo/", "foo", "fo"},
		{"/[.]com\\b/", "example.com", "examplecom"},
		{"/a(?=b)/", "ab", "ac"},
		{"/grand(?:ma|pa)? prize/", "grand prize", "grandpa"},
		{"/\\bwin(?:ner|ning)s?\\b/", "you are a winner", "wind"},
		{"/pay\\s+now/i", "PAY\tNOW", "paynow"},
		{"/(?i:urgent) REPLY/", "URGENT REPLY", "urgent reply"},
		{"/e\\-mail/", "e-mail", "email"},
		{"/a|b|c/", "zzc", "zzz"},
		{"/x\\.y|q\\+r/", "q+r", "qr"},
	};

	(void) state;
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		for (int want = 1; want >= 0; want--) {
			const char *body = want ? rows[i].hit : rows[i].miss;
			sc_buf text, msg;
			hit_list hl;
			sc_rule_run_stats st;
			sc_diags d;
			sc_ruleset *rs;

			sc_buf_init(&text, SC_BUF_UNLIMITED);
			sc_buf_init(&msg, SC_BUF_UNLIMITED);
			assert_int_equal(sc_buf_printf(&text, "body R %s\n", rows[i].re), 0);
			assert_int_equal(sc_buf_printf(&msg, "Subject: t\n\n%s\n", body), 0);
			sc_diags_init(&d);
			rs = load(sc_buf_cstr(&text), text.len, &d);
			print_diags(&d);
			assert_int_equal(d.errors, 0);
			memset(&hl, 0, sizeof(hl));
			run_on(rs, sc_buf_cstr(&msg), msg.len, &hl, &st);
			if (hl.n != (size_t) want)
				fail_msg("%s over \"%s\": %zu hits, want %d", rows[i].re, body, hl.n,
					 want);
			hits_free(&hl);
			sc_ruleset_unref(rs);
			sc_diags_free(&d);
			sc_buf_free(&text);
			sc_buf_free(&msg);
		}
	}
}

/* test_score_sets - four values: the ruleset's score set picks one; one
 * value counts in every set; a bad fourth value is an error */
static void test_score_sets(void **state)
{
	static const char text[] = "body FOUR /hello/\nscore FOUR 1 2 3 4\n"
				   "body ONE /hello/\nscore ONE 0.5\n"
				   "body OFF0 /hello/\nscore OFF0 0 1.5 0 1.5\n"
				   "body BAD /hello/\nscore BAD 1 2 3 x\n";
	static const char msg[] = "Subject: x\n\nhello\n";
	static const char *const want[] = {"FOUR=1,ONE=0.5,BAD=1", "FOUR=2,ONE=0.5,OFF0=1.5,BAD=1"};
	hit_list hl;
	sc_rule_run_stats st;

	(void) state;
	for (unsigned set = 0; set < 2; set++) {
		sc_rule_limits lim = {SC_RULES_DEFAULT_MATCH_LIMIT, SC_RULES_DEFAULT_DEPTH_LIMIT, set};
		sc_diags d;
		sc_ruleset *rs;
		char *got;

		sc_diags_init(&d);
		rs = sc_ruleset_load_text(FILE_NAME, text, sizeof(text) - 1, &lim, &d);
		assert_non_null(find_diag(&d, SC_DIAG_ERROR, FILE_NAME, 8, "one or four numbers"));
		memset(&hl, 0, sizeof(hl));
		run_on(rs, msg, sizeof(msg) - 1, &hl, &st);
		got = hits_string(&hl);
		print_message("score set %u: %s\n", set, got);
		assert_string_equal(got, want[set]);
		free(got);
		hits_free(&hl);
		sc_ruleset_unref(rs);
		sc_diags_free(&d);
	}
}

/* A shouting message in German, French and Portuguese, UTF-8. */
static const char accent_msg[] =
    "From: desk@example.com\n"
    "Subject: =?utf-8?q?GL=C3=9CCKWUNSCH!?=\n"
    "Content-Type: text/plain; charset=utf-8\n"
    "\n"
    "F\xC3\x89LICITATIONS, VOUS AVEZ GAGN\xC3\x89. PARAB\xC3\x89NS! Stra\xC3\x9F" "e.\n";

/* test_boundary_warning - \b right next to a non-ASCII letter or sign,
 * or before a group with an alternative starting with one, is warned
 * about; \b between ASCII letters is not */
static void test_boundary_warning(void **state)
{
	static const struct {
		const char *text;
		size_t warnings;
	} cases[] = {
		{"body B /\\b\xC3\xA9t\xC3\xA9/i\n", 1},
		{"body B /\\b(?:x|\xC3\xA9t\xC3\xA9)/\n", 1},
		{"body B /prix \xE2\x82\xAC\\b/\n", 1},
		{"body B /\\b(?:x|(?:\xC3\xA9t\xC3\xA9))/\n", 0}, /* nested: not seen */
		{"body B /\\bete\\b (?:\xC3\xA9t\xC3\xA9)/\n", 0},
		{"body B /\\\\b\xC3\xA9/\n", 0}, /* an escaped backslash, then b */
	};

	(void) state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		sc_diags d;
		sc_ruleset *rs;

		print_message("boundary case %zu: %s", i, cases[i].text);
		sc_diags_init(&d);
		rs = load(cases[i].text, strlen(cases[i].text), &d);
		assert_int_equal(d.errors, 0);
		assert_int_equal(d.n, cases[i].warnings);
		sc_ruleset_unref(rs);
		sc_diags_free(&d);
	}
}

/* test_fold_accents - /i matches accented letters of either case, as
 * written outside or inside a class; without /i, or as a class range, it
 * does not; \Q...\E is left as it is */
static void test_fold_accents(void **state)
{
	static const struct {
		const char *text, *hits;
	} cases[] = {
		{"header S Subject =~ /glückwunsch/i\n", "S=1"},
		{"header S Subject =~ /glückwunsch/\n", ""},
		{"body B /félicitations, vous avez gagné/i\n", "B=1"},
		/* a class takes UTF-8 a byte at a time: {1,2} lets it take both */
		{"body B /parab[ée]{1,2}ns/i\n", "B=1"},
		{"body B /parab[^é]ns/i\n", ""},
		{"body B /parabé?ns/i\n", "B=1"},
		{"body B /\\Qparabéns\\E/i\n", ""},
		{"body B /straße/i\n", "B=1"},
		{"body B /STRASSE/i\n", ""},
		{"rawbody R /gagné\\./i\n", "R=1"},
	};
	static const struct {
		const char *in, *out; /* out NULL: nothing folded */
		uint32_t opts;
	} folds[] = {
		{"gl\xC3\xBC" "ck", "gl(?:\xC3\xBC|\xC3\x9C)ck", 0},
		{"[\xC3\xA4\xC3\xB6x]", "[\xC3\xA4\x84\xC3\xB6\x96x]", 0},
		{"[\xC3\xA0-\xC3\xBF]", NULL, 0},
		{"[]\xC3\xA9]", "[]\xC3\xA9\x89]", 0},
		{"[[:alpha:]\xC3\xA9]", "[[:alpha:]\xC3\xA9\x89]", 0},
		{"\\xC3\\xA9 \xC3\x97 \xC3\x9F", NULL, 0},
		{"(?-i:\xC3\xA9)", NULL, 0},
		{"(?s-i:\xC3\xA9)", NULL, 0},
		{"(?^:\xC3\xA9)", NULL, 0},
		{"(*UTF)\xC3\xA9", NULL, 0},
		/* comments are copied as they are, folded letters around them */
		{"(?#[\xC3\xA9)\xC3\xA9", "(?#[\xC3\xA9)(?:\xC3\xA9|\xC3\x89)", 0},
		{"\xC3\xA9 # [\xC3\xA9", "(?:\xC3\xA9|\xC3\x89) # [\xC3\xA9", PCRE2_EXTENDED},
		{"a#\xC3\xA9", "a#(?:\xC3\xA9|\xC3\x89)", 0},
		{"ascii only", NULL, 0},
	};
	sc_buf out;

	(void) state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		sc_rule_run_stats rst;
		sc_ruleset *rs;
		hit_list hl;
		sc_diags d;
		char *got;

		print_message("fold case %zu: %s", i, cases[i].text);
		sc_diags_init(&d);
		rs = load(cases[i].text, strlen(cases[i].text), &d);
		/* a class with a multi-byte letter is warned about */
		assert_int_equal(d.n, strchr(cases[i].text, '[') != NULL ? 1 : 0);
		assert_int_equal(d.errors, 0);
		run_on(rs, accent_msg, sizeof(accent_msg) - 1, &hl, &rst);
		got = hits_string(&hl);
		assert_string_equal(got, cases[i].hits);
		free(got);
		hits_free(&hl);
		sc_ruleset_unref(rs);
		sc_diags_free(&d);
	}
	sc_buf_init(&out, SC_BUF_UNLIMITED);
	for (size_t i = 0; i < sizeof(folds) / sizeof(folds[0]); i++) {
		int changed = rules_fold_latin1(folds[i].in, strlen(folds[i].in), folds[i].opts, &out);

		print_message("fold %zu\n", i);
		assert_int_equal(changed, folds[i].out != NULL);
		if (changed) {
			assert_int_equal(out.len, strlen(folds[i].out));
			assert_memory_equal(out.data, folds[i].out, out.len);
		}
	}
	sc_buf_free(&out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_good_table),
		cmocka_unit_test(test_fold_accents),
		cmocka_unit_test(test_boundary_warning),
		cmocka_unit_test(test_bad_table),
		cmocka_unit_test(test_hostile_lines),
		cmocka_unit_test(test_every_line_reported),
		cmocka_unit_test(test_report_table),
		cmocka_unit_test(test_run_stats),
		cmocka_unit_test(test_catastrophic_regex),
		cmocka_unit_test(test_limits_table),
		cmocka_unit_test(test_small_match_limit),
		cmocka_unit_test(test_trailing_space_and_comments),
		cmocka_unit_test(test_score_value_count),
		cmocka_unit_test(test_negated_detail),
		cmocka_unit_test(test_pseudo_headers),
		cmocka_unit_test(test_include),
		cmocka_unit_test(test_score_sets),
		cmocka_unit_test(test_prefilter_same_hits),
		cmocka_unit_test(test_literal_prefilter),
		cmocka_unit_test(test_refcount),
		cmocka_unit_test(test_load_dir),
		cmocka_unit_test(test_run_timed),
		cmocka_unit_test(test_load_dir_redefinition),
		cmocka_unit_test(test_load_dir_errors),
		cmocka_unit_test(test_load_dir_per_file_conditionals),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
