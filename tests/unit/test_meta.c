/*
 * test_meta.c - meta rules: the expression grammar and its Perl meaning,
 * dependency order, unknown names, cycles, sub-rules and score 0; tflags
 * (a rule's value under multiple), T_ scores and priority; the detail of
 * a meta hit (which inputs made it true and why, bounded).
 */
#include "autoconfig.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "diag.h"
#include "mem.h"
#include "msg.h"
#include "rules.h"

#define FILE_NAME "meta.cf"

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

/* The message: A and B hit, N does not. */
static const char msg_text[] = "From: a@example.com\n"
			       "Subject: alpha beta\n"
			       "\n"
			       "body text, more text, text again\n";

/* Rules every expression case can use: A=1, B=1, N=0. */
static const char base_rules[] = "header A Subject =~ /alpha/\n"
				 "header B Subject =~ /beta/\n"
				 "header N Subject =~ /gamma/\n"
				 "score A 0.5\nscore B 0.5\nscore N 0.5\n";

/* append_hit - sc_rule_hit_fn: "NAME," for every hit, in order */
static void append_hit(void *arg, const sc_rule_hit *hit)
{
	sc_buf *b = arg;

	assert_int_equal(sc_buf_printf(b, "%s%s", b->len ? "," : "", hit->name), 0);
}

/* run_text - load rules, run them over msg_text; the hits (caller frees)
 * and the diagnostics in d */
static char *run_text(const char *rules, sc_diags *d)
{
	sc_ruleset *rs = sc_ruleset_load_text(FILE_NAME, rules, strlen(rules), NULL, d);
	sc_msg *m = sc_msg_parse(msg_text, sizeof(msg_text) - 1);
	sc_rule_run_stats st;
	sc_buf b;

	assert_non_null(rs);
	sc_buf_init(&b, SC_BUF_UNLIMITED);
	run_msg(rs, m, append_hit, &b, &st);
	sc_msg_free(m);
	sc_ruleset_unref(rs);
	return sc_buf_steal(&b);
}

/* One expression and whether the meta M over it hits. */
typedef struct expr_case {
	const char *expr;
	int hits;
} expr_case;

/* clang-format off */
static const expr_case expr_cases[] = {
	{ "A", 1 }, { "N", 0 }, { "!A", 0 }, { "!N", 1 }, { "!!A", 1 },
	{ "A && B", 1 }, { "A && N", 0 }, { "N || B", 1 }, { "N || N", 0 },
	{ "A&&B", 1 }, { "A&&!N", 1 }, { "(A || N) && B", 1 }, { "A || N && N", 1 },
	{ "(A || N) && N", 0 }, { "((((A))))", 1 },
	{ "A + B", 1 }, { "A + B > 1", 1 }, { "A + B > 2", 0 }, { "A + B >= 2", 1 },
	{ "A + B + N == 2", 1 }, { "A + B + N != 2", 0 }, { "A + N < 1", 0 },
	{ "A + N <= 1", 1 }, { "A - B", 0 }, { "A - B - 1", 1 }, { "A * B * 3 == 3", 1 },
	{ "A / 2 == 0.5", 1 }, { "A / 0", 0 }, { "2 * 3 + 1 == 7", 1 },
	{ "1 + 2 * 3 == 7", 1 }, { "(1 + 2) * 3 == 9", 1 }, { "10 - 2 - 3 == 5", 1 },
	{ "8 / 2 / 2 == 2", 1 }, { "-A < 0", 1 }, { "- -A", 1 }, { "+A", 1 },
	{ "0", 0 }, { "1", 1 }, { "0.5", 1 }, { ".5 > 0.4", 1 }, { "1.25 * 4 == 5", 1 },
	/* Perl: && and || yield an operand, ! binds tighter than + */
	{ "(N || 3) == 3", 1 }, { "(A && 3) == 3", 1 }, { "(N && 3) == 0", 1 },
	{ "!N + 1 == 2", 1 }, { "A == 1 && B == 1", 1 },
	/* unknown names read as 0 */
	{ "NO_SUCH_RULE", 0 }, { "!NO_SUCH_RULE && A", 1 },
	/* metas of metas */
	{ "__M2 && A", 1 }, { "__M3", 0 },
};
/* clang-format on */

/* test_expr_table - each expression over A=1, B=1, N=0 */
static void test_expr_table(void **state)
{
	(void) state;
	for (size_t i = 0; i < sizeof(expr_cases) / sizeof(expr_cases[0]); i++) {
		sc_buf rules;
		sc_diags d;
		char *hits;

		sc_buf_init(&rules, SC_BUF_UNLIMITED);
		assert_int_equal(sc_buf_printf(&rules,
					       "%smeta __M2 A && B\nmeta __M3 N\nmeta M %s\n",
					       base_rules, expr_cases[i].expr),
				 0);
		sc_diags_init(&d);
		hits = run_text(rules.data, &d);
		print_message("case %zu: %s -> %s\n", i, expr_cases[i].expr, hits);
		assert_int_equal(d.errors, 0);
		assert_string_equal(hits, expr_cases[i].hits ? "A,B,M" : "A,B");
		free(hits);
		sc_diags_free(&d);
		sc_buf_free(&rules);
	}
}

/* A meta line that is refused, and the reason reported at its line. */
typedef struct bad_case {
	const char *expr;
	const char *why;
} bad_case;

/* clang-format off */
static const bad_case bad_cases[] = {
	{ "", "ends too early" },
	{ "A &&", "ends too early" },
	{ "(A", "missing \")\"" },
	{ "A)", "unexpected text" },
	{ "A B", "unexpected text" },
	{ "A & B", "unexpected text" },
	{ "A | B", "unexpected text" },
	{ "A = B", "unexpected text" },
	{ "A ? B : N", "unexpected text" },
	{ "exists:A", "unexpected text" },
	{ "&& A", "expected a rule name" },
	{ "* 2", "expected a rule name" },
	{ "1..2", "unexpected text" },
	{ "((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((("
	  "A)))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))",
	  "nested too deeply" },
};
/* clang-format on */

/* test_bad_table - refused expressions: an error at the meta's line, the
 * rule left out, other rules unchanged */
static void test_bad_table(void **state)
{
	(void) state;
	for (size_t i = 0; i < sizeof(bad_cases) / sizeof(bad_cases[0]); i++) {
		sc_buf rules;
		sc_diags d;
		char *hits, line[4608];

		sc_buf_init(&rules, SC_BUF_UNLIMITED);
		assert_int_equal(
			sc_buf_printf(&rules, "%smeta M %s\n", base_rules, bad_cases[i].expr), 0);
		sc_diags_init(&d);
		hits = run_text(rules.data, &d);
		assert_int_equal(d.errors, 1);
		sc_diags_format(&d.v[0], line, sizeof(line));
		print_message("case %zu: %s\n", i, line);
		assert_int_equal(d.v[0].line, 7);
		assert_non_null(strstr(d.v[0].message, bad_cases[i].why));
		assert_non_null(strstr(d.v[0].message, "meta M"));
		assert_string_equal(hits, "A,B");
		free(hits);
		sc_diags_free(&d);
		sc_buf_free(&rules);
	}
}

/* A rule text over msg_text: the hits, and diagnostics counted. */
typedef struct order_case {
	const char *rules;
	const char *hits;
	size_t errors, warnings;
	unsigned diag_line; /* line of the first diagnostic, 0 = none */
	const char *diag;   /* text in it */
} order_case;

/* clang-format off */
static const order_case order_cases[] = {
	/* a meta may come before the rules it uses; metas hit after the rules */
	{ "meta M A && __S\nheader A Subject =~ /alpha/\nheader __S Subject =~ /beta/\n",
	  "A,M", 0, 0, 0, NULL },
	/* a chain written backwards runs in dependency order */
	{ "meta M3 M2\nmeta M2 M1\nmeta M1 A\nheader A Subject =~ /alpha/\n",
	  "A,M1,M2,M3", 0, 0, 0, NULL },
	/* sub-rule metas are evaluated, never shown */
	{ "meta __M A\nmeta M __M\nheader A Subject =~ /alpha/\n", "A,M", 0, 0, 0, NULL },
	/* an unknown name: a warning at the meta's line, read as 0 */
	{ "header A Subject =~ /alpha/\nmeta M A && !UNKNOWN\n", "A,M", 0, 1, 2,
	  "no rule UNKNOWN" },
	/* a cycle is an error for every meta in it or using it */
	{ "header A Subject =~ /alpha/\nmeta C1 C2 || A\nmeta C2 C1\nmeta U C1\nmeta OK A\n",
	  "A,OK", 3, 0, 2, "circular" },
	{ "meta SELF SELF || 1\n", "", 1, 0, 1, "circular" },
	/* score 0 turns a meta off, and a rule with score 0 reads as 0 */
	{ "header A Subject =~ /alpha/\nmeta M A\nscore M 0\n", "A", 0, 0, 0, NULL },
	{ "header A Subject =~ /alpha/\nmeta M A\nmeta M2 !A\nscore A 0\n", "M2", 0, 0, 0,
	  NULL },
	/* a meta's score and description apply as for any rule */
	{ "header A Subject =~ /alpha/\nmeta M A\nscore M 3\ndescribe M it is A\n", "A,M", 0,
	  0, 0, NULL },
	/* tflags multiple: the value is the match count, the hit scored once */
	{ "tflags __X multiple\nbody __X /text/\nmeta M __X == 3\n", "M", 0, 0, 0, NULL },
	{ "body __X /text/\ntflags __X multiple\nmeta M __X > 1\n", "M", 0, 0, 0, NULL },
	{ "body __X /text/\nmeta M __X > 1\n", "", 0, 0, 0, NULL },
	{ "body __X /text/\ntflags __X multiple maxhits=2\nmeta M __X == 2\n", "M", 0, 0, 0,
	  NULL },
	{ "rawbody __X /t/\ntflags __X multiple\nmeta M __X == 6\n", "M", 0, 0, 0, NULL },
	{ "body __X /x*/\ntflags __X multiple maxhits=5\nmeta M __X == 5\n", "M", 0, 0, 0,
	  NULL },
	{ "header __X Subject =~ /a/\ntflags __X multiple\nmeta M __X == 3\n", "M", 0, 0, 0,
	  NULL },
	{ "header __X Subject !~ /zzz/\ntflags __X multiple\nmeta M __X == 1\n", "M", 0, 0, 0,
	  NULL },
	{ "body X /text/\ntflags X multiple nice\n", "X", 0, 0, 0, NULL },
	{ "body X /text/\ntflags X multiple range=1 concat\n", "X", 0, 2, 2,
	  "\"range=1\" is not supported" },
	/* flags that change nothing here are ignored quietly */
	{ "body X /text/\ntflags X multiple net learn publish\n", "X", 0, 0, 0, NULL },
	{ "body X /text/\ntflags X maxhits=0\n", "X", 1, 0, 2, "maxhits must be 1 to 1000" },
	{ "body X /text/\ntflags X maxhits=1001\n", "X", 1, 0, 2, "maxhits" },
	{ "body X /text/\ntflags X maxhits=2x\n", "X", 1, 0, 2, "maxhits" },
	{ "tflags NOPE multiple\n", "", 0, 1, 1, "tflags NOPE: no such rule" },
	/* priority: checked, no effect on what hits */
	{ "body X /text/\npriority X -100\nmeta M X\npriority M 500\n", "X,M", 0, 0, 0, NULL },
	{ "body X /text/\npriority X high\n", "X", 1, 0, 2, "priority X: expected an integer" },
	{ "body X /text/\npriority X\n", "X", 1, 0, 2, "priority X: expected an integer" },
	{ "body X /text/\npriority X 1 2\n", "X", 1, 0, 2, "priority X: expected an integer" },
	/* redefining a meta: the later one counts */
	{ "header A Subject =~ /alpha/\nmeta M !A\nmeta M A\n", "A,M", 0, 1, 3, "redefines" },
};
/* clang-format on */

/* test_order_table - ordering, unknown names, cycles, sub-rules, scores */
static void test_order_table(void **state)
{
	(void) state;
	for (size_t i = 0; i < sizeof(order_cases) / sizeof(order_cases[0]); i++) {
		const order_case *c = &order_cases[i];
		size_t warnings = 0;
		sc_diags d;
		char *hits;

		sc_diags_init(&d);
		hits = run_text(c->rules, &d);
		for (size_t k = 0; k < d.n; k++)
			warnings += d.v[k].level == SC_DIAG_WARNING;
		print_message("case %zu: %s\n", i, hits);
		assert_string_equal(hits, c->hits);
		assert_int_equal(d.errors, c->errors);
		assert_int_equal(warnings, c->warnings);
		if (c->diag != NULL) {
			assert_true(d.n > 0);
			assert_int_equal(d.v[0].line, c->diag_line);
			assert_string_equal(d.v[0].file, FILE_NAME);
			assert_non_null(strstr(d.v[0].message, c->diag));
		}
		free(hits);
		sc_diags_free(&d);
	}
}

/* check_meta_hit - sc_rule_hit_fn: the one hit expected is M's */
static void check_meta_hit(void *arg, const sc_rule_hit *hit)
{
	int *seen = arg;

	if (strcmp(hit->name, "M") != 0)
		return;
	(*seen)++;
	assert_true(hit->score == 2.5);
	assert_string_equal(hit->description, "alpha without gamma");
	assert_string_equal(hit->detail, "A (Subject matched \"alpha\"); no N");
}

/* test_meta_hit_fields - a meta hit's score, description and detail, and
 * metas counted apart in the stats */
static void test_meta_hit_fields(void **state)
{
	static const char rules[] = "header A Subject =~ /alpha/\nmeta M A && !N\n"
				    "header N Subject =~ /gamma/\nscore M 2.5\n"
				    "describe M alpha without gamma\n";
	sc_msg *m = sc_msg_parse(msg_text, sizeof(msg_text) - 1);
	sc_rule_run_stats rst;
	sc_ruleset *rs;
	sc_rule_stats st;
	sc_diags d;
	int seen = 0;

	(void) state;
	sc_diags_init(&d);
	rs = sc_ruleset_load_text(FILE_NAME, rules, sizeof(rules) - 1, NULL, &d);
	assert_int_equal(d.n, 0);
	sc_ruleset_stats(rs, &st);
	assert_int_equal(st.total, 3);
	assert_int_equal(st.meta, 1);
	assert_int_equal(st.header, 2);
	run_msg(rs, m, check_meta_hit, &seen, &rst);
	assert_int_equal(seen, 1);
	assert_int_equal(rst.evaluated, 3);
	sc_msg_free(m);
	sc_ruleset_unref(rs);
	sc_diags_free(&d);
}

/* The message of the detail cases: A and C hit (Subject, body), B and N
 * do not. */
static const char why_text[] =
	"From: a@example.com\n"
	"Subject: alpha\n"
	"MIME-Version: 1.0\n"
	"Content-Type: text/plain; charset=utf-8\n"
	"\n"
	"Please verify your account today.\n"
	"\xc3\xa4\xc3\xa4\xc3\xa4\xc3\xa4\xc3\xa4\xc3\xa4\xc3\xa4\xc3\xa4\xc3\xa4\xc3\xa4"
	"\xc3\xa4\xc3\xa4\xc3\xa4\xc3\xa4\xc3\xa4\xc3\xa4\xc3\xa4\xc3\xa4\xc3\xa4\xc3\xa4\n";

/* Rules the detail cases can use. */
#define WHY_BASE                                                                                   \
	"header A Subject =~ /alpha/\nheader B Subject =~ /zzz/\nheader N Subject =~ /gamma/\n"    \
	"body C /verify/\nbody __LE /verify your account/\nbody __LD /Konto bestaetigen/\n"

/* One meta M and its detail: exactly want, or, when prefix is set, text
 * starting with want of at most max bytes ending in "...". */
typedef struct why_case {
	const char *rules;
	const char *want;
	int prefix;
	size_t max;
} why_case;

/* A header rule whose why-text ("Subject does not match /x.../") is longer
 * than an input's share of the detail. */
#define LONG_X   "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
#define LONG_NEG "header __LONG Subject !~ /" LONG_X LONG_X "/\n"

static const why_case why_cases[] = {
	/* the true input of an "or" and what it matched; the false one unnamed */
	{WHY_BASE "meta M __LE || __LD\n", "__LE: body matched \"verify your account\"", 0, 0},
	/* every true input of an "and", and a negated false one as "no X" */
	{WHY_BASE "meta M A && C && !N\n",
	 "A (Subject matched \"alpha\"); C (body matched \"verify\"); no N", 0, 0},
	/* with several reasons each why-text is bracketed: its own "; " is no
	 * separator */
	{WHY_BASE "header __SEMI Subject !~ /x; y/\nmeta M A && __SEMI\n",
	 "A (Subject matched \"alpha\"); __SEMI (Subject does not match /x; y/)", 0, 0},
	/* a negated input that is true is not a reason */
	{WHY_BASE "meta M A || !C\n", "A: Subject matched \"alpha\"", 0, 0},
	/* nothing inside the false side of a true "or" is a reason: not "no N" */
	{WHY_BASE "meta M A || (B && !N)\n", "A: Subject matched \"alpha\"", 0, 0},
	{WHY_BASE "meta M (B && !N) || (C && !N)\n", "C (body matched \"verify\"); no N", 0, 0},
	/* a true input of a false "and" under a "not" is none either */
	{WHY_BASE "meta M !(A && B)\n", "(!(A && B)) is true", 0, 0},
	/* the counted form: how many of how many, and the true ones */
	{WHY_BASE "meta M (A + B + C) >= 2\n",
	 "2 of 3 true: A (Subject matched \"alpha\"); C (body matched \"verify\")", 0, 0},
	/* (X > 0) counts as X; the count read from the right too */
	{WHY_BASE "meta M 2 <= (B + (C > 0) + A)\n",
	 "2 of 3 true: C (body matched \"verify\"); A (Subject matched \"alpha\")", 0, 0},
	/* a count inside more: bracketed */
	{WHY_BASE "meta M (A + B + N) >= 1 && !N\n",
	 "[1 of 3 true: A (Subject matched \"alpha\")]; no N", 0, 0},
	/* an input named twice is explained once */
	{WHY_BASE "meta M (A && C) || (A && N)\n",
	 "A (Subject matched \"alpha\"); C (body matched \"verify\")", 0, 0},
	/* a scored meta over a sub-meta over a body rule reaches the text */
	{WHY_BASE "meta __W __LE || __LD\nmeta M __W && A\n",
	 "__W (__LE: body matched \"verify your account\"); A (Subject matched \"alpha\")", 0, 0},
	/* two levels of metas below M are explained, the third only named */
	{WHY_BASE "meta M __M1\nmeta __M1 __M2\nmeta __M2 __M3\nmeta __M3 A\n", "__M1: __M2: __M3",
	 0, 0},
	/* a rule two metas below M still shows its text */
	{WHY_BASE "meta M __M1\nmeta __M1 __M2\nmeta __M2 A\n",
	 "__M1: __M2: A: Subject matched \"alpha\"", 0, 0},
	/* no input is true by itself: the expression */
	{WHY_BASE "meta M !(B || N)\n", "(!(B || N)) is true", 0, 0},
	/* an input's long why-text is cut */
	{WHY_BASE LONG_NEG "meta M __LONG\n", "__LONG: Subject does not match /xxx", 1,
	 sizeof("__LONG: ") - 1 + 120 + 3},
	/* many inputs: the detail is cut at 300 bytes */
	{WHY_BASE "body __R1 /verify your account today/\nbody __R2 /verify your account today/\n"
		  "body __R3 /verify your account today/\nbody __R4 /verify your account today/\n"
		  "body __R5 /verify your account today/\nbody __R6 /verify your account today/\n"
		  "body __R7 /verify your account today/\nbody __R8 /verify your account today/\n"
		  "meta M __R1 && __R2 && __R3 && __R4 && __R5 && __R6 && __R7 && __R8\n",
	 "__R1 (body matched \"verify your account today\"); __R2 (", 1, 300 + 3},
	/* the cut falls inside a two-byte letter: made before it */
	{WHY_BASE "body __UX1 /(?:\xc3\xa4){20}/\nbody __U2 /(?:\xc3\xa4){20}/\nbody __U3 "
		  "/(?:\xc3\xa4){20}/\n"
		  "body __U4 /(?:\xc3\xa4){20}/\nbody __U5 /(?:\xc3\xa4){20}/\nbody __U6 "
		  "/(?:\xc3\xa4){20}/\n"
		  "meta M __UX1 && __U2 && __U3 && __U4 && __U5 && __U6\n",
	 "__UX1 (body matched \"\xc3\xa4", 1, 300 + 3},
};

/* utf8_valid - s is well-formed UTF-8 (no sequence cut short) */
static int utf8_valid(const char *s)
{
	const unsigned char *p = (const unsigned char *) s;

	while (*p != '\0') {
		size_t n = *p < 0x80 ? 0 : (*p & 0xE0) == 0xC0 ? 1 : (*p & 0xF0) == 0xE0 ? 2 : 3;

		if ((*p & 0xC0) == 0x80)
			return 0;
		for (p++; n > 0; n--, p++)
			if ((*p & 0xC0) != 0x80)
				return 0;
	}
	return 1;
}

/* record_detail - sc_rule_hit_fn: M's detail, copied into the buffer */
static void record_detail(void *arg, const sc_rule_hit *hit)
{
	sc_buf *b = arg;

	if (strcmp(hit->name, "M") != 0)
		return;
	assert_int_equal(b->len, 0);
	assert_int_equal(sc_buf_puts(b, hit->detail), 0);
}

/* test_why_table - a meta hit's detail names the true inputs and their
 * why-texts, the counted form, negation, the depth and length caps */
static void test_why_table(void **state)
{
	sc_msg *m = sc_msg_parse(why_text, sizeof(why_text) - 1);

	(void) state;
	for (size_t i = 0; i < sizeof(why_cases) / sizeof(why_cases[0]); i++) {
		const why_case *c = &why_cases[i];
		sc_rule_run_stats st;
		sc_ruleset *rs;
		sc_diags d;
		sc_buf b;

		sc_diags_init(&d);
		sc_buf_init(&b, SC_BUF_UNLIMITED);
		rs = sc_ruleset_load_text(FILE_NAME, c->rules, strlen(c->rules), NULL, &d);
		assert_non_null(rs);
		assert_int_equal(d.errors, 0);
		/* twice: nothing carried from one run to the next */
		for (int run = 0; run < 2; run++) {
			sc_buf_reset(&b);
			run_msg(rs, m, record_detail, &b, &st);
			print_message("case %zu: %s\n", i, sc_buf_cstr(&b));
			assert_true(utf8_valid(sc_buf_cstr(&b)));
			if (!c->prefix) {
				assert_string_equal(sc_buf_cstr(&b), c->want);
				continue;
			}
			assert_true(b.len <= c->max);
			assert_true(b.len > strlen(c->want));
			assert_memory_equal(b.data, c->want, strlen(c->want));
			assert_string_equal(b.data + b.len - 3, "...");
		}
		sc_buf_free(&b);
		sc_ruleset_unref(rs);
		sc_diags_free(&d);
	}
	sc_msg_free(m);
}

/* record_score - sc_rule_hit_fn: "NAME=score," for every hit */
static void record_score(void *arg, const sc_rule_hit *hit)
{
	sc_buf *b = arg;

	assert_int_equal(sc_buf_printf(b, "%s%s=%g", b->len ? "," : "", hit->name, hit->score), 0);
}

/* test_default_scores - 1 for a rule without a score line, 0.01 for a T_
 * (testing) rule, as SpamAssassin; a score line wins over both */
static void test_default_scores(void **state)
{
	static const char rules[] = "body X /text/\nbody T_X /text/\nbody T_Y /text/\n"
				    "meta T_M X\nscore T_Y 2\nbody TX /text/\n";
	sc_msg *m = sc_msg_parse(msg_text, sizeof(msg_text) - 1);
	sc_rule_run_stats rst;
	sc_ruleset *rs;
	sc_diags d;
	sc_buf b;

	(void) state;
	sc_diags_init(&d);
	sc_buf_init(&b, SC_BUF_UNLIMITED);
	rs = sc_ruleset_load_text(FILE_NAME, rules, sizeof(rules) - 1, NULL, &d);
	assert_int_equal(d.n, 0);
	run_msg(rs, m, record_score, &b, &rst);
	assert_string_equal(b.data, "X=1,T_X=0.01,T_Y=2,TX=1,T_M=0.01");
	sc_buf_free(&b);
	sc_msg_free(m);
	sc_ruleset_unref(rs);
	sc_diags_free(&d);
}

/* test_long_chain - ten thousand metas in reverse order: no recursion */
static void test_long_chain(void **state)
{
	enum { N = 10000 };
	sc_buf rules;
	sc_diags d;
	char *hits;

	(void) state;
	sc_buf_init(&rules, SC_BUF_UNLIMITED);
	for (int i = N; i > 0; i--)
		assert_int_equal(sc_buf_printf(&rules, "meta __M%d __M%d\n", i, i - 1), 0);
	assert_int_equal(sc_buf_printf(&rules, "header __M0 Subject =~ /alpha/\nmeta M __M%d\n", N),
			 0);
	sc_diags_init(&d);
	hits = run_text(rules.data, &d);
	assert_int_equal(d.n, 0);
	assert_string_equal(hits, "M");
	free(hits);
	sc_diags_free(&d);
	sc_buf_free(&rules);
}

/* main - run the tables */
int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_expr_table),  cmocka_unit_test(test_bad_table),
		cmocka_unit_test(test_order_table), cmocka_unit_test(test_meta_hit_fields),
		cmocka_unit_test(test_long_chain),  cmocka_unit_test(test_default_scores),
		cmocka_unit_test(test_why_table),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
