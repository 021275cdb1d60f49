/*
 * test_scan.c - sc_scan end to end over small messages: score sums, the
 * action the thresholds give, rounding, the truncation pseudo-hit, and a
 * verdict that outlives its engine.
 */
#include "autoconfig.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "config.h"
#include "diag.h"
#include "engine.h"
#include "policy.h"
#include "rules.h"
#include "scan.h"

/* make_engine - default config (thresholds 5/10/15) and rules from text;
 * the rules must load without any diagnostic */
static sc_engine *make_engine(const char *rules)
{
	sc_ruleset *rs;
	sc_diags d;

	sc_diags_init(&d);
	rs = sc_ruleset_load_text("test.cf", rules, strlen(rules), NULL, &d);
	if (d.n != 0)
		sc_diags_print(&d, stderr);
	assert_int_equal(d.n, 0);
	sc_diags_free(&d);
	return sc_engine_new(sc_config_defaults(NULL), rs);
}

/* hits_string - "A=1,B=2.5" in verdict order (free it) */
static char *hits_string(const sc_verdict *v)
{
	sc_buf b;

	sc_buf_init(&b, SC_BUF_UNLIMITED);
	for (size_t i = 0; i < v->nhits; i++)
		assert_int_equal(sc_buf_printf(&b, "%s%s=%g", i ? "," : "", v->hits[i].name,
					       v->hits[i].score),
				 0);
	return sc_buf_steal(&b);
}

/* One scan: rules, message, truncated flag -> score, action, hits. */
typedef struct scan_case {
	const char *what;
	const char *rules;
	const char *msg;
	int truncated;
	double score;
	sc_action action;
	const char *hits;
} scan_case;

#define R3(s) "body A /a/\nscore A " s "\nbody B /b/\nscore B " s "\nbody C /c/\nscore C " s "\n"

static const scan_case scan_cases[] = {
	{ "no rules", "", "Subject: x\n\nbody", 0, 0.0, SC_ACTION_ACCEPT, "" },
	{ "no hits", "body A /nothing/\n", "Subject: x\n\nbody", 0, 0.0, SC_ACTION_ACCEPT, "" },
	{ "default score 1", "body A /body/\n", "\nbody", 0, 1.0, SC_ACTION_ACCEPT, "A=1" },
	{ "sum of two", "body A /a/\nscore A 2\nheader B Subject =~ /b/\nscore B 3.5\n",
	  "Subject: b\n\na", 0, 5.5, SC_ACTION_TAG, "A=2,B=3.5" },
	{ "just under tag", "body A /a/\nscore A 4.999\n", "\na", 0, 4.999, SC_ACTION_ACCEPT, "A=4.999" },
	{ "exactly tag", "body A /a/\nscore A 5\n", "\na", 0, 5.0, SC_ACTION_TAG, "A=5" },
	{ "just under quarantine", "body A /a/\nscore A 9.999\n", "\na", 0, 9.999, SC_ACTION_TAG,
	  "A=9.999" },
	{ "exactly quarantine", "body A /a/\nscore A 10\n", "\na", 0, 10.0, SC_ACTION_QUARANTINE,
	  "A=10" },
	{ "just under reject", "body A /a/\nscore A 14.999\n", "\na", 0, 14.999,
	  SC_ACTION_QUARANTINE, "A=14.999" },
	{ "exactly reject", "body A /a/\nscore A 15\n", "\na", 0, 15.0, SC_ACTION_REJECT, "A=15" },
	{ "far past reject", "body A /a/\nscore A 100\nbody B /a/\nscore B 50\n", "\na", 0, 150.0,
	  SC_ACTION_REJECT, "A=100,B=50" },
	{ "negative scores subtract", "body A /a/\nscore A 6\nbody B /b/\nscore B -2\n", "\nab", 0,
	  4.0, SC_ACTION_ACCEPT, "A=6,B=-2" },
	{ "all negative", "body A /a/\nscore A -3\n", "\na", 0, -3.0, SC_ACTION_ACCEPT, "A=-3" },
	/* Sums are rounded to 3 decimals before the thresholds, as SpamAssassin does. */
	{ "3 x 1.666 stays under tag", R3("1.666"), "\nabc", 0, 4.998, SC_ACTION_ACCEPT,
	  "A=1.666,B=1.666,C=1.666" },
	{ "3 x 1.6666 rounds up to tag", R3("1.6666"), "\nabc", 0, 5.0, SC_ACTION_TAG,
	  "A=1.6666,B=1.6666,C=1.6666" },
	{ "3 x 1.6667 rounds down to tag", R3("1.6667"), "\nabc", 0, 5.0, SC_ACTION_TAG,
	  "A=1.6667,B=1.6667,C=1.6667" },
	{ "3 x 3.3333 rounds up to quarantine", R3("3.3333"), "\nabc", 0, 10.0,
	  SC_ACTION_QUARANTINE, "A=3.3333,B=3.3333,C=3.3333" },
	{ "3 x 3.333 stays under quarantine", R3("3.333"), "\nabc", 0, 9.999, SC_ACTION_TAG,
	  "A=3.333,B=3.333,C=3.333" },
	{ "0.1 + 0.2 + 4.7 is 5.0", "body A /a/\nscore A 0.1\nbody B /b/\nscore B 0.2\n"
	  "body C /c/\nscore C 4.7\n", "\nabc", 0, 5.0, SC_ACTION_TAG, "A=0.1,B=0.2,C=4.7" },
	{ "net zero is zero", "body A /a/\nscore A 0.3\nbody B /b/\nscore B -0.1\n"
	  "body C /c/\nscore C -0.2\n", "\nabc", 0, 0.0, SC_ACTION_ACCEPT, "A=0.3,B=-0.1,C=-0.2" },
	/* Body rules see decoded text (base64 "wire the fee", QP "caf\xc3\xa9"),
	 * rawbody the markup, header rules the decoded Subject. */
	{ "body rule over base64", "body W /wire the fee/\nscore W 6\n",
	  "Content-Transfer-Encoding: base64\n\nd2lyZSB0aGUgZmVl\n", 0, 6.0, SC_ACTION_TAG, "W=6" },
	{ "body rule over quoted-printable", "body Q /caf\xc3\xa9/\n",
	  "Content-Type: text/plain; charset=iso-8859-1\n"
	  "Content-Transfer-Encoding: quoted-printable\n\ncaf=E9\n", 0, 1.0, SC_ACTION_ACCEPT, "Q=1" },
	{ "body sees HTML text, rawbody its tags",
	  "body T /<b>/\nrawbody R /<b>bold<\\/b>/\nbody V /^very bold$/m\n",
	  "Content-Type: text/html\n\n<p>very <b>bold</b></p>\n", 0, 2.0, SC_ACTION_ACCEPT,
	  "R=1,V=1" },
	{ "header rule over an encoded Subject", "header S Subject =~ /^Gewinn!$/\n",
	  "Subject: =?utf-8?q?Gewinn!?=\n\nx", 0, 1.0, SC_ACTION_ACCEPT, "S=1" },
	/* Sub-rules and score-0 rules never reach the verdict. */
	{ "sub-rule and disabled rule", "body __S /a/\nscore __S 9\nbody OFF /a/\nscore OFF 0\n"
	  "body ON /a/\n", "\na", 0, 1.0, SC_ACTION_ACCEPT, "ON=1" },
	/* Truncation adds a hit of its own, after the rules, worth nothing. */
	{ "truncated, no hits", "", "Subject: x\n\nbody", 1, 0.0, SC_ACTION_ACCEPT,
	  SC_HIT_TRUNCATED "=0" },
	{ "truncated with hits", "body A /a/\nscore A 7\n", "\na", 1, 7.0, SC_ACTION_TAG,
	  "A=7," SC_HIT_TRUNCATED "=0" },
	{ "empty message", "body A /a/\nheader H exists:Subject\n", "", 0, 0.0, SC_ACTION_ACCEPT,
	  "" },
	{ "empty message, truncated", "", "", 1, 0.0, SC_ACTION_ACCEPT, SC_HIT_TRUNCATED "=0" },
};

/* test_scan_table - score, action and hits of each case */
static void test_scan_table(void **state)
{
	(void) state;
	for (size_t i = 0; i < sizeof(scan_cases) / sizeof(scan_cases[0]); i++) {
		const scan_case *c = &scan_cases[i];
		sc_engine *eng = make_engine(c->rules);
		sc_verdict *v;
		char *got;

		print_message("scan case: %s\n", c->what);
		v = sc_scan(eng, NULL, c->msg, strlen(c->msg), c->truncated);
		assert_non_null(v);
		got = hits_string(v);
		assert_string_equal(got, c->hits);
		print_message("  score %.17g\n", v->score);
		assert_true(fabs(v->score - c->score) < 1e-9);
		assert_int_equal(v->action, c->action);
		assert_int_equal(v->regex_errors, 0);
		free(got);
		sc_verdict_free(v);
		sc_engine_unref(eng);
	}
}

/* test_rounding_exact - a rounded sum is the exact double of its decimal */
static void test_rounding_exact(void **state)
{
	sc_engine *eng = make_engine(R3("1.6666"));
	sc_verdict *v;

	(void) state;
	v = sc_scan(eng, NULL, "\nabc", 4, 0);
	assert_true(v->score == 5.0);	/* not 4.9998, not 5.0000000001 */
	sc_verdict_free(v);
	sc_engine_unref(eng);

	eng = make_engine("body A /a/\nscore A 0.1\nbody B /b/\nscore B 0.2\n");
	v = sc_scan(eng, NULL, "\nab", 3, 0);
	assert_true(v->score == 0.3);	/* 0.1 + 0.2 is 0.30000000000000004 before rounding */
	sc_verdict_free(v);
	sc_engine_unref(eng);
}

/* test_hit_contents - names, descriptions and details are copied into the verdict */
static void test_hit_contents(void **state)
{
	static const char rules[] =
	    "header SUBJ Subject =~ /prize/i\n"
	    "describe SUBJ Subject mentions a prize\n"
	    "score SUBJ 2.5\n"
	    "body PLAIN /claim/\n";
	static const char msg[] = "Subject: Your PRIZE\r\n\r\nclaim it\r\n";
	sc_engine *eng = make_engine(rules);
	sc_verdict *v;
	char why[128];

	(void) state;
	v = sc_scan(eng, NULL, msg, sizeof(msg) - 1, 1);
	sc_engine_unref(eng);	/* the verdict must not borrow from the engine */
	assert_int_equal(v->nhits, 3);
	assert_string_equal(v->hits[0].name, "SUBJ");
	assert_string_equal(v->hits[0].description, "Subject mentions a prize");
	assert_string_equal(v->hits[0].detail, "Subject matched \"PRIZE\"");
	assert_true(v->hits[0].score == 2.5);
	assert_string_equal(v->hits[1].name, "PLAIN");
	assert_string_equal(v->hits[1].description, "");
	assert_string_equal(v->hits[1].detail, "body matched \"claim\"");
	assert_true(v->hits[1].score == 1.0);
	assert_string_equal(v->hits[2].name, SC_HIT_TRUNCATED);
	assert_string_equal(v->hits[2].description, "message larger than max_message_size");
	(void) snprintf(why, sizeof(why), "only the first %zu bytes were kept and scanned",
			sizeof(msg) - 1);
	assert_string_equal(v->hits[2].detail, why);
	assert_true(v->hits[2].score == 0.0);
	assert_true(v->score == 3.5);
	assert_int_equal(v->action, SC_ACTION_ACCEPT);
	sc_verdict_free(v);
	sc_verdict_free(NULL);
}

/* test_many_hits - a verdict with more hits than any first allocation */
static void test_many_hits(void **state)
{
	enum { RULES = 70 };
	sc_engine *eng;
	sc_verdict *v;
	sc_buf rules;

	(void) state;
	sc_buf_init(&rules, SC_BUF_UNLIMITED);
	for (int i = 0; i < RULES; i++)
		assert_int_equal(sc_buf_printf(&rules, "body R%02d /x/\nscore R%02d 0.5\n", i, i), 0);
	eng = make_engine(rules.data);
	v = sc_scan(eng, NULL, "\nx", 2, 1);
	assert_int_equal(v->nhits, RULES + 1);
	for (int i = 0; i < RULES; i++) {
		char name[16];

		(void) snprintf(name, sizeof(name), "R%02d", i);
		assert_string_equal(v->hits[i].name, name);
		assert_true(v->hits[i].score == 0.5);
	}
	assert_string_equal(v->hits[RULES].name, SC_HIT_TRUNCATED);
	assert_true(v->score == 35.0);
	assert_int_equal(v->action, SC_ACTION_REJECT);
	sc_verdict_free(v);
	sc_engine_unref(eng);
	sc_buf_free(&rules);
}

/* Thresholds of the engine's config and the action for a fixed score of 6. */
typedef struct threshold_case {
	double tag, quarantine, reject;
	sc_action action;
} threshold_case;

static const threshold_case threshold_cases[] = {
	{ 5, 10, 15, SC_ACTION_TAG },
	{ 7, 10, 15, SC_ACTION_ACCEPT },
	{ 1, 6, 15, SC_ACTION_QUARANTINE },
	{ 1, 2, 6, SC_ACTION_REJECT },
	{ 6, 6, 6, SC_ACTION_REJECT },
	{ 6.001, 6.001, 6.001, SC_ACTION_ACCEPT },
	{ -5, 100, 100, SC_ACTION_TAG },
};

/* test_thresholds_table - the engine's own config decides the action */
static void test_thresholds_table(void **state)
{
	static const char rules[] = "body A /a/\nscore A 2\nbody B /b/\nscore B 4\n";

	(void) state;
	for (size_t i = 0; i < sizeof(threshold_cases) / sizeof(threshold_cases[0]); i++) {
		const threshold_case *c = &threshold_cases[i];
		sc_config *cfg = sc_config_defaults(NULL);
		sc_ruleset *rs;
		sc_engine *eng;
		sc_verdict *v;
		sc_diags d;

		print_message("thresholds %g/%g/%g\n", c->tag, c->quarantine, c->reject);
		cfg->tag_threshold = c->tag;
		cfg->quarantine_threshold = c->quarantine;
		cfg->reject_threshold = c->reject;
		sc_diags_init(&d);
		rs = sc_ruleset_load_text("test.cf", rules, sizeof(rules) - 1, NULL, &d);
		assert_int_equal(d.n, 0);
		eng = sc_engine_new(cfg, rs);
		v = sc_scan(eng, NULL, "\nab", 3, 0);
		assert_true(v->score == 6.0);
		assert_int_equal(v->action, c->action);
		sc_verdict_free(v);
		sc_engine_unref(eng);
		sc_diags_free(&d);
	}
}

/* test_envelope_is_optional - a full envelope and none give the same verdict */
static void test_envelope_is_optional(void **state)
{
	static const char *const rcpts[] = { "a@example.org", "b@example.org" };
	const sc_envelope env = {
		.client_addr = "192.0.2.1",
		.client_name = "unknown",
		.helo = "mail.example.com",
		.mail_from = "s@example.com",
		.rcpts = rcpts,
		.nrcpts = 2,
		.queue_id = "4ABCDEF",
	};
	const sc_envelope empty = { 0 };
	sc_engine *eng = make_engine("body A /a/\nscore A 5\n");
	sc_verdict *v1, *v2, *v3;

	(void) state;
	v1 = sc_scan(eng, &env, "\na", 2, 0);
	v2 = sc_scan(eng, &empty, "\na", 2, 0);
	v3 = sc_scan(eng, NULL, "\na", 2, 0);
	assert_true(v1->score == 5.0 && v2->score == 5.0 && v3->score == 5.0);
	assert_int_equal(v1->action, SC_ACTION_TAG);
	assert_int_equal(v2->action, SC_ACTION_TAG);
	assert_int_equal(v3->action, SC_ACTION_TAG);
	sc_verdict_free(v1);
	sc_verdict_free(v2);
	sc_verdict_free(v3);
	sc_engine_unref(eng);
}

/* test_regex_errors_counted - a rule cut short by its limit is counted, not hit */
static void test_regex_errors_counted(void **state)
{
	sc_engine *eng = make_engine("body EXPLODE /(a+)+$/\nscore EXPLODE 20\nbody B /b$/\n");
	sc_verdict *v;
	sc_buf msg;

	(void) state;
	sc_buf_init(&msg, SC_BUF_UNLIMITED);
	assert_int_equal(sc_buf_putc(&msg, '\n'), 0);
	/* a short line: body rules see lines of at most 2048 bytes */
	for (int i = 0; i < 40; i++)
		assert_int_equal(sc_buf_putc(&msg, 'a'), 0);
	assert_int_equal(sc_buf_putc(&msg, 'b'), 0);
	v = sc_scan(eng, NULL, msg.data, msg.len, 0);
	assert_int_equal(v->regex_errors, 1);
	assert_int_equal(v->nhits, 1);
	assert_string_equal(v->hits[0].name, "B");
	assert_true(v->score == 1.0);
	assert_int_equal(v->action, SC_ACTION_ACCEPT);
	sc_verdict_free(v);
	sc_engine_unref(eng);
	sc_buf_free(&msg);
}

/* test_net_zero_headers - a score that sums to zero is shown as 0.0, never
 * as "-0.0" (0.3 - 0.1 - 0.2 is -2.8e-17 before rounding) */
static void test_net_zero_headers(void **state)
{
	sc_engine *eng = make_engine("body A /a/\nscore A 0.3\nbody B /b/\nscore B -0.1\n"
				     "body C /c/\nscore C -0.2\n");
	sc_buf score, status;
	int score_ok, status_ok;
	sc_verdict *v;

	(void) state;
	v = sc_scan(eng, NULL, "\nabc", 4, 0);
	assert_true(v->score == 0.0);
	sc_buf_init(&score, 1024);
	sc_buf_init(&status, 1024);
	sc_policy_score_header(eng->config, v, &score);
	sc_policy_status_header(eng->config, v, &status);
	sc_verdict_free(v);
	sc_engine_unref(eng);
	score_ok = strcmp(sc_buf_cstr(&score), "0.0") == 0;
	status_ok = strcmp(sc_buf_cstr(&status), "No, score=0.0 tag=5.0 quarantine=10.0 "
						  "reject=15.0 tests=A=0.3,B=-0.1,\n\tC=-0.2") == 0;
	if (!score_ok || !status_ok)
		print_message("MISMATCH X-Scam-Score \"%s\", X-Scam-Status \"%s\"\n",
			      sc_buf_cstr(&score), sc_buf_cstr(&status));
	sc_buf_free(&score);
	sc_buf_free(&status);
	assert_true(score_ok);
	assert_true(status_ok);
}

/* main - run every scan test */
/* One envelope and the SPF result and hits the scan must record. */
static const struct spf_scan_case {
	const char *ip, *helo, *from;
	int spf_on;
	sc_spf_result want;
	const char *hits;
} spf_scan_cases[] = {
	{"192.0.2.1", "mx.example", "a@spf.example", 1, SC_SPF_PASS, "T_ANY=1,SPF_PASS=0.5"},
	{"203.0.113.1", "mx.example", "a@spf.example", 1, SC_SPF_FAIL, "T_ANY=1,SPF_FAIL=0.5"},
	{"203.0.113.1", "mx.example", "a@nospf.example", 1, SC_SPF_NONE, "T_ANY=1,SPF_NONE=0.5"},
	{"192.0.2.1", "spf.example", "", 1, SC_SPF_PASS, "T_ANY=1,SPF_HELO_PASS=0.5"},
	{"192.0.2.1", "mx.example", "a@spf.example", 0, SC_SPF_UNCHECKED, "T_ANY=1"},
	{NULL, "mx.example", "a@spf.example", 1, SC_SPF_UNCHECKED, "T_ANY=1"},
};

/* test_spf_in_scan - the engine's resolver, spf = yes|no, the result
 * reaching rules through the eval: checks */
static void test_spf_in_scan(void **state)
{
	static const char msg[] = "Subject: hi\r\n\r\nbody\r\n";
	sc_engine *eng = make_engine("header T_ANY Subject =~ /hi/\nscore T_ANY 1\n"
				     "header SPF_PASS eval:check_for_spf_pass()\nscore SPF_PASS 0.5\n"
				     "header SPF_FAIL eval:check_for_spf_fail()\nscore SPF_FAIL 0.5\n"
				     "header SPF_NONE eval:check_for_spf_none()\nscore SPF_NONE 0.5\n"
				     "header SPF_HELO_PASS eval:check_for_spf_helo_pass()\n"
				     "score SPF_HELO_PASS 0.5\n");
	const char *why = NULL;

	(void) state;
	eng->dns = sc_dns_new_static(1000);
	assert_int_equal(
		sc_dns_add_rr(eng->dns, "spf.example. IN TXT \"v=spf1 ip4:192.0.2.0/24 -all\"", &why),
		0);
	for (size_t i = 0; i < sizeof(spf_scan_cases) / sizeof(spf_scan_cases[0]); i++) {
		const struct spf_scan_case *c = &spf_scan_cases[i];
		sc_envelope env = {.client_addr = c->ip, .helo = c->helo, .mail_from = c->from};
		sc_verdict *v;
		char *hits;

		eng->config->spf = c->spf_on;
		v = sc_scan(eng, &env, msg, sizeof(msg) - 1, 0);
		hits = hits_string(v);
		print_message("spf case %zu: %s\n", i, hits);
		assert_int_equal(v->auth.spf, c->want);
		assert_string_equal(hits, c->hits);
		assert_true(v->score == (v->nhits > 1 ? 1.5 : 1.0));
		free(hits);
		sc_verdict_free(v);
	}
	sc_engine_unref(eng);
}

/* test_time_budget_exposed - a 1 ms budget and a slow regex: the rules
 * after it are skipped and counted in the verdict */
static void test_time_budget_exposed(void **state)
{
	static const char rules[] = "body SLOW /(?:a|aa)+$/\nbody AFTER /a/\n";
	sc_rule_limits lim = {4000000000UL, 100000UL, 0};
	sc_ruleset *rs;
	sc_engine *eng;
	sc_verdict *v;
	sc_diags d;
	sc_buf msg;

	(void) state;
	sc_diags_init(&d);
	rs = sc_ruleset_load_text("test.cf", rules, sizeof(rules) - 1, &lim, &d);
	assert_int_equal(d.n, 0);
	eng = sc_engine_new(sc_config_defaults(NULL), rs);
	eng->config->rules_time_budget_ms = 1;
	sc_buf_init(&msg, SC_BUF_UNLIMITED);
	(void) sc_buf_puts(&msg, "Subject: s\n\n");
	for (int i = 0; i < 28; i++)
		(void) sc_buf_putc(&msg, 'a');
	(void) sc_buf_puts(&msg, "!\n");
	v = sc_scan(eng, NULL, msg.data, msg.len, 0);
	assert_int_equal(v->rules_skipped_budget, 1);
	assert_int_equal(v->nhits, 0);
	sc_verdict_free(v);
	sc_engine_unref(eng);
	sc_buf_free(&msg);
	sc_diags_free(&d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_scan_table),
		cmocka_unit_test(test_rounding_exact),
		cmocka_unit_test(test_hit_contents),
		cmocka_unit_test(test_many_hits),
		cmocka_unit_test(test_thresholds_table),
		cmocka_unit_test(test_envelope_is_optional),
		cmocka_unit_test(test_regex_errors_counted),
		cmocka_unit_test(test_time_budget_exposed),
		cmocka_unit_test(test_net_zero_headers),
		cmocka_unit_test(test_spf_in_scan),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
