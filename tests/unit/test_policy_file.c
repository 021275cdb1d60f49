/*
 * test_policy_file.c - the policy file: per-recipient thresholds, block and
 * allow lists, the reject text and the subject prefix. Tables of inputs and
 * expected results; the policy file is written to a temp file for real.
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
#include <unistd.h>

#include "buf.h"
#include "config.h"
#include "diag.h"
#include "mem.h"
#include "policy.h"
#include "scan.h"

static const char policy_text[] =
	"# test policy\n"
	"recipient example.net tag=2 quarantine=4 reject=off\n"
	"recipient boss@example.net quarantine=off reject=off   # the boss sees everything\n"
	"recipient strict@example.com reject=6\n"
	"allow_sender friend@example.org\n"
	"allow_sender partner.example\n"
	"block_sender spammer@example.biz\n"
	"block_sender bad.example\n"
	"block_client 192.0.2.0/24\n"
	"block_client 2001:db8:bad::/48\n"
	"block_client 198.51.100.7\n"
	"block_url_domain evil.example\n";

/* write_temp - text into a new temp file; returns its path (caller frees, unlinks) */
static char *write_temp(const char *text)
{
	char *path = sc_strdup("/tmp/test_policy_file.XXXXXX");
	int fd = mkstemp(path);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t) strlen(text));
	assert_int_equal(close(fd), 0);
	return path;
}

/* load_text - a policy from text, asserting it loads without error */
static sc_policy *load_text(const char *text)
{
	char *path = write_temp(text);
	sc_policy *p;
	sc_diags d;

	sc_diags_init(&d);
	p = sc_policy_load(path, &d);
	sc_diags_print(&d, stderr);
	assert_non_null(p);
	assert_int_equal(d.errors, 0);
	sc_diags_free(&d);
	(void) unlink(path);
	free(path);
	return p;
}

typedef struct decide_case {
	const char *from, *client, *url_host, *auth_domain, *rcpt;
	double score;
	sc_action want;
	const char *want_hit; /* NULL: no POLICY_* hit */
} decide_case;

static const decide_case decide_cases[] = {
	/* thresholds: config 5/10/15, overrides by domain and address */
	{"a@x.org", "203.0.113.1", NULL, NULL, "u@example.com", 4.9, SC_ACTION_ACCEPT, NULL},
	{"a@x.org", "203.0.113.1", NULL, NULL, "u@example.com", 5.0, SC_ACTION_TAG, NULL},
	{"a@x.org", "203.0.113.1", NULL, NULL, "u@example.com", 15.0, SC_ACTION_REJECT, NULL},
	{"a@x.org", "203.0.113.1", NULL, NULL, "u@example.net", 2.0, SC_ACTION_TAG, NULL},
	{"a@x.org", "203.0.113.1", NULL, NULL, "u@EXAMPLE.NET", 4.0, SC_ACTION_QUARANTINE, NULL},
	{"a@x.org", "203.0.113.1", NULL, NULL, "u@example.net", 99.0, SC_ACTION_QUARANTINE, NULL},
	{"a@x.org", "203.0.113.1", NULL, NULL, "u@sub.example.net", 2.0, SC_ACTION_ACCEPT, NULL},
	{"a@x.org", "203.0.113.1", NULL, NULL, "boss@example.net", 99.0, SC_ACTION_TAG, NULL},
	{"a@x.org", "203.0.113.1", NULL, NULL, "strict@example.com", 6.0, SC_ACTION_REJECT, NULL},
	{"a@x.org", "203.0.113.1", NULL, NULL, "strict@example.com", 5.9, SC_ACTION_TAG, NULL},
	{"a@x.org", "203.0.113.1", NULL, NULL, NULL, 10.0, SC_ACTION_QUARANTINE, NULL},
	/* block lists: reject whatever the score or recipient */
	{"spammer@example.biz", NULL, NULL, NULL, "boss@example.net", -5, SC_ACTION_REJECT,
	 SC_HIT_BLOCK_SENDER},
	{"Spammer@Example.BIZ", NULL, NULL, NULL, "u@example.com", 0, SC_ACTION_REJECT,
	 SC_HIT_BLOCK_SENDER},
	{"other@example.biz", NULL, NULL, NULL, "u@example.com", 0, SC_ACTION_ACCEPT, NULL},
	{"x@bad.example", NULL, NULL, NULL, "u@example.com", 0, SC_ACTION_REJECT,
	 SC_HIT_BLOCK_SENDER},
	{"x@mx.bad.example", NULL, NULL, NULL, "u@example.com", 0, SC_ACTION_REJECT,
	 SC_HIT_BLOCK_SENDER},
	{"x@notbad.example", NULL, NULL, NULL, "u@example.com", 0, SC_ACTION_ACCEPT, NULL},
	{"", "192.0.2.77", NULL, NULL, "u@example.com", 0, SC_ACTION_REJECT, SC_HIT_BLOCK_CLIENT},
	{"", "192.0.3.1", NULL, NULL, "u@example.com", 0, SC_ACTION_ACCEPT, NULL},
	{"", "198.51.100.7", NULL, NULL, "u@example.com", 0, SC_ACTION_REJECT, SC_HIT_BLOCK_CLIENT},
	{"", "198.51.100.8", NULL, NULL, "u@example.com", 0, SC_ACTION_ACCEPT, NULL},
	{"", "2001:db8:bad:1::5", NULL, NULL, "u@example.com", 0, SC_ACTION_REJECT,
	 SC_HIT_BLOCK_CLIENT},
	{"", "2001:db8:bae::5", NULL, NULL, "u@example.com", 0, SC_ACTION_ACCEPT, NULL},
	{"", "unknown", NULL, NULL, "u@example.com", 0, SC_ACTION_ACCEPT, NULL},
	{"", NULL, "www.evil.example", NULL, "u@example.com", 0, SC_ACTION_REJECT,
	 SC_HIT_BLOCK_URL_DOMAIN},
	{"", NULL, "evil.example.com", NULL, "u@example.com", 0, SC_ACTION_ACCEPT, NULL},
	/* allow lists: never without sender authentication (none exists yet) */
	{"friend@example.org", NULL, NULL, NULL, "u@example.com", 12.0, SC_ACTION_QUARANTINE, NULL},
	{"x@partner.example", NULL, NULL, NULL, "u@example.com", 12.0, SC_ACTION_QUARANTINE, NULL},
	/* ... and with it (the verdict field sender authentication will fill) */
	{"friend@example.org", NULL, NULL, "example.org", "u@example.com", 12.0, SC_ACTION_ACCEPT,
	 SC_HIT_ALLOW_SENDER},
	{"x@partner.example", NULL, NULL, "partner.example", "u@example.com", 12.0,
	 SC_ACTION_ACCEPT, SC_HIT_ALLOW_SENDER},
	/* authenticated for another domain: a forged From never rides the list */
	{"friend@example.org", NULL, NULL, "attacker.example", "u@example.com", 12.0,
	 SC_ACTION_QUARANTINE, NULL},
	/* a block beats an allow */
	{"x@bad.example", NULL, NULL, "bad.example", "u@example.com", 0, SC_ACTION_REJECT,
	 SC_HIT_BLOCK_SENDER},
};

/* has_hit - does v list a hit called name? */
static int has_hit(const sc_verdict *v, const char *name)
{
	for (size_t i = 0; i < v->nhits; i++)
		if (strcmp(v->hits[i].name, name) == 0)
			return 1;
	return 0;
}

/* test_decide_table - each row through sc_policy_check and sc_policy_rcpt_action */
static void test_decide_table(void **state)
{
	sc_policy *p = load_text(policy_text);
	sc_config *c = sc_config_defaults(NULL);

	(void) state;
	for (size_t i = 0; i < sizeof(decide_cases) / sizeof(decide_cases[0]); i++) {
		const decide_case *dc = &decide_cases[i];
		sc_envelope env = {.client_addr = dc->client, .mail_from = dc->from};
		sc_verdict *v = sc_calloc(1, sizeof(*v));

		print_message("row %zu: from=%s client=%s rcpt=%s score=%g\n", i, dc->from,
			      dc->client, dc->rcpt, dc->score);
		v->score = dc->score;
		if (dc->url_host != NULL) {
			v->url_hosts = sc_calloc(1, sizeof(char *));
			v->url_hosts[0] = sc_strdup(dc->url_host);
			v->nurl_hosts = 1;
		}
		if (dc->auth_domain != NULL)
			v->auth_domain = sc_strdup(dc->auth_domain);
		sc_policy_check(p, &env, v);
		assert_int_equal(sc_policy_rcpt_action(c, p, v, dc->rcpt), dc->want);
		if (dc->want_hit != NULL)
			assert_true(has_hit(v, dc->want_hit));
		else
			assert_int_equal(v->nhits, 0);
		sc_verdict_free(v);
	}
	sc_config_free(c);
	sc_policy_free(p);
}

/* test_no_policy - a NULL policy: config thresholds, no hits */
static void test_no_policy(void **state)
{
	sc_config *c = sc_config_defaults(NULL);
	sc_envelope env = {.client_addr = "192.0.2.1", .mail_from = "a@b.example"};
	sc_verdict v = {0};

	(void) state;
	v.score = 10.0;
	sc_policy_check(NULL, &env, &v);
	assert_int_equal(v.nhits, 0);
	assert_int_equal(sc_policy_rcpt_action(c, NULL, &v, "x@y.example"), SC_ACTION_QUARANTINE);
	sc_config_free(c);
}

/* Lines that must not load, each with the line number reported. */
static const char *const bad_lines[] = {
	"recipient example.net\n",
	"recipient example.net tag=abc\n",
	"recipient example.net spam=3\n",
	"recipient not-a-domain tag=1\n",
	"block_client 192.0.2.0/33\n",
	"block_client 2001:db8::/129\n",
	"block_client example.com\n",
	"block_sender a@b@c.example\n",
	"block_sender\n",
	"block_url_domain user@evil.example\n",
	"allow_sender two words.example more\n",
	"frobnicate example.com\n",
	"recipient a.example tag=1 tag=1 tag=1 tag=1 tag=1 tag=1 tag=1 tag=1\n",
};

/* test_bad_lines - every malformed directive is an error at its line */
static void test_bad_lines(void **state)
{
	(void) state;
	for (size_t i = 0; i < sizeof(bad_lines) / sizeof(bad_lines[0]); i++) {
		sc_buf text;
		char *path;
		sc_diags d;

		sc_buf_init(&text, SC_BUF_UNLIMITED);
		(void) sc_buf_printf(&text, "# ok\nblock_sender ok.example\n%s", bad_lines[i]);
		path = write_temp(sc_buf_cstr(&text));
		sc_diags_init(&d);
		print_message("bad line: %s", bad_lines[i]);
		assert_null(sc_policy_load(path, &d));
		assert_true(d.errors >= 1);
		assert_int_equal(d.v[0].line, 3);
		sc_diags_free(&d);
		(void) unlink(path);
		free(path);
		sc_buf_free(&text);
	}
}

/* test_missing_file - a missing policy file is an error, not an empty policy */
static void test_missing_file(void **state)
{
	sc_diags d;

	(void) state;
	sc_diags_init(&d);
	assert_null(sc_policy_load("/nonexistent/policy", &d));
	assert_int_equal(d.errors, 1);
	sc_diags_free(&d);
}

/* test_reject_text - reference always, rule names only with reject_show_rules */
static void test_reject_text(void **state)
{
	sc_config *c = sc_config_defaults(NULL);
	sc_verdict v = {0};
	sc_hit hits[2] = {{"RULE_A", "", "", 10}, {"RULE_B", "", "", 6}};
	sc_buf out;

	(void) state;
	v.hits = hits;
	v.nhits = 2;
	sc_buf_init(&out, SC_BUF_UNLIMITED);
	sc_policy_reject_text(c, &v, "4XyZ12", &out);
	assert_string_equal(sc_buf_cstr(&out), "Message rejected as likely scam (ref 4XyZ12)");
	sc_buf_reset(&out);
	c->reject_show_rules = 1;
	sc_policy_reject_text(c, &v, "4XyZ12", &out);
	assert_string_equal(sc_buf_cstr(&out),
			    "Message rejected as likely scam (ref 4XyZ12); rules: RULE_A,RULE_B");
	sc_buf_free(&out);
	sc_config_free(c);
}

typedef struct subject_case {
	const char *prefix, *old, *want; /* want NULL: unchanged */
} subject_case;

static const subject_case subject_cases[] = {
	{NULL, "Hello", NULL},
	{"[SCAM?]", "Hello", "[SCAM?] Hello"},
	{"[SCAM?]", " Hello", "[SCAM?] Hello"},
	{"[SCAM?]", "[SCAM?] Hello", NULL},
	{"[SCAM?]", "", "[SCAM?]"},
	{"[SCAM?]", NULL, "[SCAM?]"},
	{"[SCAM?]", "=?utf-8?q?Gr=C3=BC=C3=9Fe?=", "[SCAM?] =?utf-8?q?Gr=C3=BC=C3=9Fe?="},
};

/* test_subject_table - the prefix goes in front once */
static void test_subject_table(void **state)
{
	sc_config *c = sc_config_defaults(NULL);

	(void) state;
	for (size_t i = 0; i < sizeof(subject_cases) / sizeof(subject_cases[0]); i++) {
		const subject_case *sc = &subject_cases[i];
		sc_buf out;

		free(c->subject_prefix);
		c->subject_prefix = sc->prefix != NULL ? sc_strdup(sc->prefix) : NULL;
		sc_buf_init(&out, SC_BUF_UNLIMITED);
		assert_int_equal(sc_policy_subject(c, sc->old, &out), sc->want != NULL);
		if (sc->want != NULL)
			assert_string_equal(sc_buf_cstr(&out), sc->want);
		sc_buf_free(&out);
	}
	sc_config_free(c);
}

/* main - run every policy-file test */
int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_decide_table), cmocka_unit_test(test_no_policy),
		cmocka_unit_test(test_bad_lines),    cmocka_unit_test(test_missing_file),
		cmocka_unit_test(test_reject_text),  cmocka_unit_test(test_subject_table),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
