/*
 * test_eval.c - the run context's pieces: eval argument parsing, the eval
 * registry and plugin list, each eval check (must hit / must not hit),
 * header selectors through sc_run_get, "if" conditions, full and uri
 * rules, body and rawbody arrays, and the per-message time budget.
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
#include "config.h"
#include "diag.h"
#include "eval.h"
#include "mem.h"
#include "msg.h"
#include "rules.h"

#define FILE_NAME "eval.cf"

/* --- helpers ----------------------------------------------------------- */

/* add_name - sc_rule_hit_fn appending "NAME," to a buffer */
static void add_name(void *arg, const sc_rule_hit *hit)
{
	(void) sc_buf_printf(arg, "%s,", hit->name);
}

/* run_text - load rules, run them over raw (with env, config may be NULL);
 * returns the hit names "A,B," (caller frees); *errors gets the load errors */
static char *run_text(const char *rules, const char *raw, const sc_envelope *env,
		      const sc_config *config, sc_rule_run_stats *st, size_t *errors)
{
	sc_diags d;
	sc_ruleset *rs;
	sc_msg *m = sc_msg_parse(raw, strlen(raw));
	sc_run_ctx ctx;
	sc_rule_run_stats local;
	sc_buf b;

	sc_diags_init(&d);
	rs = sc_ruleset_load_text(FILE_NAME, rules, strlen(rules), NULL, &d);
	if (errors != NULL)
		*errors = d.errors;
	memset(&ctx, 0, sizeof(ctx));
	ctx.msg = m;
	ctx.raw = raw;
	ctx.raw_len = strlen(raw);
	ctx.env = env;
	ctx.config = config;
	sc_buf_init(&b, SC_BUF_UNLIMITED);
	(void) sc_buf_puts(&b, "");
	sc_ruleset_run(rs, &ctx, add_name, &b, st != NULL ? st : &local);
	sc_ruleset_unref(rs);
	sc_msg_free(m);
	sc_diags_free(&d);
	return sc_buf_steal(&b);
}

/* --- argument parsing --------------------------------------------------- */

typedef struct args_case {
	const char *text;
	int ok;
	const char *joined; /* the arguments joined by '|' */
} args_case;

/* clang-format off */
static const args_case args_cases[] = {
	{ "", 1, "" },
	{ "   ", 1, "" },
	{ "'Subject','2','999'", 1, "Subject|2|999" },
	{ " 'a b' , \"c,d\" ", 1, "a b|c,d" },
	{ "1.5, -2, a:b", 1, "1.5|-2|a:b" },
	{ "'it''s'", 0, "" },
	{ "a,", 1, "a" },          /* SpamAssassin accepts a trailing comma */
	{ "mime_base64", 0, "" },  /* bare words take no underscore */
	{ "'a", 0, "" },
	{ "a,,b", 0, "" },
	{ "a b", 0, "" },
	{ "\"x'y\"", 1, "x'y" },
};
/* clang-format on */

/* test_parse_args - SpamAssassin's pack_eval_args */
static void test_parse_args(void **state)
{
	(void) state;
	for (size_t i = 0; i < sizeof(args_cases) / sizeof(args_cases[0]); i++) {
		const args_case *c = &args_cases[i];
		char **args;
		size_t n;
		int rc = sc_eval_parse_args(c->text, strlen(c->text), &args, &n);
		sc_buf b;

		print_message("args case %zu: [%s]\n", i, c->text);
		assert_int_equal(rc == 0, c->ok);
		if (rc != 0)
			continue;
		sc_buf_init(&b, SC_BUF_UNLIMITED);
		(void) sc_buf_puts(&b, "");
		for (size_t k = 0; k < n; k++)
			(void) sc_buf_printf(&b, "%s%s", k ? "|" : "", args[k]);
		assert_string_equal(sc_buf_cstr(&b), c->joined);
		sc_buf_free(&b);
		sc_eval_args_free(args, n);
	}
}

/* test_registry - lookups by name, plugins and can() */
static void test_registry(void **state)
{
	(void) state;
	assert_non_null(sc_eval_find("check_header_count_range"));
	assert_int_equal(sc_eval_find("check_header_count_range")->min_args, 3);
	assert_null(sc_eval_find("check_rbl"));
	assert_null(sc_eval_find(""));
	assert_int_equal(sc_eval_plugin_loaded("Mail::SpamAssassin::Plugin::HeaderEval"), 1);
	assert_int_equal(sc_eval_plugin_loaded("HeaderEval"), 1);
	assert_int_equal(sc_eval_plugin_loaded("Mail::SpamAssassin::Plugin::TextCat"), 0);
	assert_int_equal(sc_eval_plugin_loaded("Other::Plugin::HeaderEval"), 0);
	assert_int_equal(sc_eval_can("Mail::SpamAssassin::Conf::feature_bug6558_free"), 1);
	assert_int_equal(sc_eval_can("Mail::SpamAssassin::Conf::feature_capture_rules"), 0);
	assert_int_equal(sc_eval_can("Mail::SpamAssassin::Conf::compat_welcomelist_blocklist"), 0);
	assert_int_equal(
		sc_eval_can("Mail::SpamAssassin::Plugin::BodyEval::has_check_body_length"), 1);
	assert_int_equal(sc_eval_can("Mail::SpamAssassin::Plugin::ASN::has_check_asn"), 0);
	assert_int_equal(
		sc_eval_can("Mail::SpamAssassin::Plugin::HeaderEval::subject_is_all_caps"), 1);
	assert_int_equal(sc_eval_can("Mail::SpamAssassin::Plugin::HeaderEval::check_rbl"), 0);
	assert_int_equal(sc_eval_can("feature_x"), 0);
}

/* --- the checks --------------------------------------------------------- */

typedef struct check_case {
	const char *rule;
	const char *msg;
	int hit;
} check_case;

#define COUNT "header R eval:check_header_count_range('Subject','2','999')\n"
#define NOTO  "header R eval:check_for_missing_to_header()\n"
#define CAPS  "header R eval:subject_is_all_caps()\n"
#define ILL_S "header R eval:check_illegal_chars('Subject','0.00','2')\n"
#define ILL_F "header R eval:check_illegal_chars('From','0.20','2')\n"
#define TMPL  "header R eval:check_unresolved_template()\n"

/* clang-format off */
static const check_case check_cases[] = {
	/* check_header_count_range: distinct values of the field */
	{ COUNT, "Subject: a\nSubject: b\nTo: x@y.example\n\nbody\n", 1 },
	{ COUNT, "Subject: a\nSubject: a\nTo: x@y.example\n\nbody\n", 0 },
	{ COUNT, "Subject: a\n\nbody\n", 0 },
	{ "header R eval:check_header_count_range('Subject','0','0')\n", "To: x\n\nbody\n", 1 },
	{ "header R eval:check_header_count_range('Subject','x','1')\n", "To: x\n\nbody\n", 0 },
	/* check_for_missing_to_header: neither To nor Apparently-To */
	{ NOTO, "Subject: hi\n\nbody\n", 1 },
	{ NOTO, "To: \nSubject: hi\n\nbody\n", 0 },
	{ NOTO, "Apparently-To: a@b.example\n\nbody\n", 0 },
	/* subject_is_all_caps */
	{ CAPS, "Subject: FREE MONEY NOW\n\nbody\n", 1 },
	{ CAPS, "Subject: Re: Fwd: FREE MONEY NOW!!\n\nbody\n", 1 },
	{ CAPS, "Subject: Free money now\n\nbody\n", 0 },
	{ CAPS, "Subject: FREEMONEYNOW\n\nbody\n", 0 },           /* one word */
	{ CAPS, "Subject: FREE NOW\n\nbody\n", 0 },               /* under 10 bytes */
	{ CAPS, "Subject: 1234 5678 90\n\nbody\n", 0 },           /* no letters */
	{ CAPS, "Subject: =?koi8-r?Q?FREE_MONEY_NOW?=\n\nbody\n", 0 },
	{ CAPS, "Subject: =?utf-8?Q?FREE_MONEY_NOW?=\n\nbody\n", 1 },
	{ CAPS, "To: x\n\nbody\n", 0 },
	/* check_illegal_chars over the raw value */
	{ ILL_S, "Subject: caf\xe9 \xe8t\xe9\n\nbody\n", 1 },
	{ ILL_S, "Subject: caf\xc3\xa9 \xc3\xa8t\xc3\xa9\n\nbody\n", 0 }, /* valid UTF-8 */
	{ ILL_S, "Subject: caf\xe9\n\nbody\n", 0 },                       /* one byte */
	{ ILL_S, "Subject: price \xa3 and \xe9\n\nbody\n", 0 },           /* pound exempt */
	{ ILL_S, "Subject: a\x01\x02\n\nbody\n", 1 },                     /* controls */
	{ ILL_F, "From: \xe9\xe9\xe9 <a@b.example>\n\nbody\n", 0 },       /* 3/19 < 0.20 */
	{ ILL_F, "From: \xe9\xe9\xe9\xe9\xe9@b.ex\n\nbody\n", 1 },
	{ "header R eval:check_illegal_chars('ALL','0.010','2')\n",
	  "X-A: \xe9\nX-B: \xe8\n\nbody\n", 1 },
	/* check_unresolved_template */
	{ TMPL, "X-Mailer: %MAILER_NAME\n\nbody\n", 1 },
	{ TMPL, "Subject: %FIRST_NAME, hello\n\nbody\n", 0 }, /* Subject is exempt */
	{ TMPL, "X-Note: 50% off\n\nbody\n", 0 },
	{ TMPL, "X-Note: %a lower\n\nbody\n", 0 },
};
/* clang-format on */

/* test_checks - every eval check hits and misses where SpamAssassin's does */
static void test_checks(void **state)
{
	size_t failed = 0;

	(void) state;
	for (size_t i = 0; i < sizeof(check_cases) / sizeof(check_cases[0]); i++) {
		const check_case *c = &check_cases[i];
		size_t errors;
		char *got = run_text(c->rule, c->msg, NULL, NULL, NULL, &errors);
		int hit = strcmp(got, "R,") == 0;

		assert_int_equal(errors, 0);
		if (hit != c->hit) {
			print_message("MISMATCH check case %zu: %s over [%s]: got [%s]\n", i,
				      c->rule, c->msg, got);
			failed++;
		}
		free(got);
	}
	assert_int_equal(failed, 0);
}

/* --- selectors ---------------------------------------------------------- */

static const char sel_msg[] = "From: \"Prize Desk\" <desk@example.com>, other@example.org (Other)\n"
			      "To: a@example.com,\n b@example.net\n"
			      "Reply-To: =?utf-8?q?J=C3=BCrgen?= <j@mail.example.co.uk>\n"
			      "Return-Path: <bounce@example.com>\n"
			      "Received: from a\n"
			      "Received: from b\n"
			      "Subject: Hi\n"
			      "Message-ID:\n <id@x.example> \n"
			      "\n"
			      "body\n";

typedef struct sel_case {
	const char *selector;
	int rc;           /* sc_run_get's result */
	const char *want; /* the text, when rc is 1 */
} sel_case;

/* clang-format off */
static const sel_case sel_cases[] = {
	{ "Subject", 1, "Hi\n" },
	{ "MESSAGEID", 1, "<id@x.example>\n" }, /* trimmed after unfolding */
	{ "subject", 1, "Hi\n" },
	{ "Received", 1, "from a\nfrom b\n" },
	{ "Received:first", 1, "from a\n" },
	{ "Received:last", 1, "from b\n" },
	{ "To:raw", 1, " a@example.com,\n b@example.net\n" },
	{ "From:addr", 1, "desk@example.com\nother@example.org" },
	{ "From:name", 1, "Prize Desk\nOther" },
	{ "To:addr", 1, "a@example.com\nb@example.net" },
	{ "ToCc:addr", 1, "a@example.com\nb@example.net" },
	{ "Reply-To:name", 1, "J\xc3\xbcrgen" },
	{ "Reply-To:name:raw", 1, "=?utf-8?q?J=C3=BCrgen?= " }, /* as SA: the space kept */
	{ "Reply-To:addr:host", 1, "mail.example.co.uk" },
	{ "Reply-To:addr:domain", 1, "example.co.uk" },
	{ "Reply-To:host", 1, "mail.example.co.uk" },
	{ "EnvelopeFrom", 1, "bounce@example.com" },
	{ "X-Absent", 0, "" },
	{ "X-Absent:addr", 0, "" },
	{ "Subject:addr", 0, "" },
	{ "From:ip", -1, "" },
	{ "ALL-EXTERNAL", -1, "" },
	{ "X-Spam-Relays-External", 1, "" }, /* no parseable relay: present, empty */
	{ "ALL-TRUSTED", -1, "" },
};
/* clang-format on */

/* test_selectors - PerMsgStatus::get's meanings through sc_run_get */
static void test_selectors(void **state)
{
	sc_msg *m = sc_msg_parse(sel_msg, sizeof(sel_msg) - 1);
	sc_run_ctx ctx;
	sc_buf b;

	(void) state;
	memset(&ctx, 0, sizeof(ctx));
	ctx.msg = m;
	sc_buf_init(&b, SC_BUF_UNLIMITED);
	for (size_t i = 0; i < sizeof(sel_cases) / sizeof(sel_cases[0]); i++) {
		int rc;

		sc_buf_reset(&b);
		(void) sc_buf_puts(&b, "");
		rc = sc_run_get(&ctx, sel_cases[i].selector, &b);
		print_message("selector %s: %d [%s]\n", sel_cases[i].selector, rc, sc_buf_cstr(&b));
		assert_int_equal(rc, sel_cases[i].rc);
		if (rc == 1)
			assert_string_equal(sc_buf_cstr(&b), sel_cases[i].want);
	}
	/* ALL: every field "Name: decoded value\n"; ALL:raw as received */
	sc_buf_reset(&b);
	assert_int_equal(sc_run_get(&ctx, "ALL", &b), 1);
	assert_non_null(strstr(sc_buf_cstr(&b), "\nReply-To: J\xc3\xbcrgen <j@mail.example.co.uk>\n"));
	assert_int_equal(strncmp(sc_buf_cstr(&b), "From: \"Prize Desk\"", 18), 0);
	sc_buf_reset(&b);
	assert_int_equal(sc_run_get(&ctx, "ALL:raw", &b), 1);
	assert_non_null(strstr(sc_buf_cstr(&b), "\nTo: a@example.com,\n b@example.net\nReply-To: =?"));
	sc_buf_free(&b);
	sc_msg_free(m);
}

/* test_envelope_from - the envelope first; else headers SpamAssassin trusts */
static void test_envelope_from(void **state)
{
	static const char after_rcvd[] = "Received: from a\nReturn-Path: <b@example.com>\n\nx\n";
	static const char xenv[] = "X-Envelope-From: <x@example.com>\n"
				   "Return-Path: <b@example.com>\n\nx\n";
	static const char fetchmail[] = "X-Sender: s@example.com\n"
					"Received: from a (fetchmail-6.4)\n"
					"Return-Path: <b@example.com>\n\nx\n";
	const sc_envelope env = {.mail_from = "env@example.net"};
	char *got;

	(void) state;
	got = run_text("header E EnvelopeFrom =~ /^env\\@example\\.net$/\n", sel_msg, &env, NULL,
		       NULL, NULL);
	assert_string_equal(got, "E,");
	free(got);
	got = run_text("header E EnvelopeFrom =~ /./\n", after_rcvd, NULL, NULL, NULL, NULL);
	assert_string_equal(got, ""); /* a Received field came first */
	free(got);
	got = run_text("header E EnvelopeFrom =~ /^x\\@example\\.com$/\n", xenv, NULL, NULL, NULL,
		       NULL);
	assert_string_equal(got, "E,");
	free(got);
	got = run_text("header E EnvelopeFrom =~ /./\n", fetchmail, NULL, NULL, NULL, NULL);
	assert_string_equal(got, "");
	free(got);
	got = run_text("header E eval:check_header_count_range('X','0','0')\n"
		       "header F EnvelopeFrom:addr =~ /bounce/\n",
		       sel_msg, NULL, NULL, NULL, NULL);
	assert_string_equal(got, "E,F,");
	free(got);
}

/* --- if conditions ------------------------------------------------------- */

typedef struct if_case {
	const char *cond;
	int value;
} if_case;

/* clang-format off */
static const if_case if_cases[] = {
	{ "if (version >= 3.004002)", 1 },
	{ "if (version >= 4.000000)", 1 },
	{ "if (version < 4.000000)", 0 },
	{ "if !((version >= 3.004000))", 0 },
	{ "if !plugin(Mail::SpamAssassin::Plugin::ReplaceTags)", 0 },
	{ "if plugin(Mail::SpamAssassin::Plugin::HeaderEval)", 1 },
	{ "if plugin(Mail::SpamAssassin::Plugin::TextCat)", 0 },
	{ "if plugin(Mail::SpamAssassin::Plugin::Dmarc)", 1 },
	{ "if !(!plugin(Mail::SpamAssassin::Plugin::DKIM))", 1 },
	{ "if can(Mail::SpamAssassin::Conf::feature_bug6558_free)", 1 },
	{ "if can(Mail::SpamAssassin::Conf::perl_min_version_5010000)", 1 },
	{ "if !can(Mail::SpamAssassin::Conf::compat_welcomelist_blocklist)", 1 },
	{ "if can(Mail::SpamAssassin::Conf::feature_dns_block_rule)", 0 },
	{ "if has(Mail::SpamAssassin::Plugin::DKIM::has_arc)", 1 },
	{ "if perl_version >= 5.010", 1 },
	{ "if 1 + 2 * 3 == 7", 1 },
	{ "if !1 == 0", 1 },
	{ "if version >= 3 && (0 || 2 > 1)", 1 },
	{ "if -1 < 0 && 4 / 2 != 3", 1 },
	{ "if local_tests_only", 0 },
	{ "ifplugin Mail::SpamAssassin::Plugin::HTMLEval", 1 },
	/* loaded by SpamAssassin, but its mimeheader directive is not ours */
	{ "ifplugin Mail::SpamAssassin::Plugin::MIMEHeader", 0 },
	{ "if can(Mail::SpamAssassin::Plugin::MIMEHeader::has_all_header)", 0 },
	{ "ifplugin Mail::SpamAssassin::Plugin::Shortcircuit", 0 },
};
/* clang-format on */

/* test_if_conditions - a true condition keeps its block, a false one its else */
static void test_if_conditions(void **state)
{
	(void) state;
	for (size_t i = 0; i < sizeof(if_cases) / sizeof(if_cases[0]); i++) {
		char rules[512];
		size_t errors;
		char *got;

		(void) snprintf(rules, sizeof(rules),
				"%s\nbody IN /body/\nelse\nbody OUT /body/\nendif\n",
				if_cases[i].cond);
		print_message("if case %zu: %s\n", i, if_cases[i].cond);
		got = run_text(rules, "Subject: x\n\nbody\n", NULL, NULL, NULL, &errors);
		assert_int_equal(errors, 0);
		assert_string_equal(got, if_cases[i].value ? "IN," : "OUT,");
		free(got);
	}
}

/* --- full, uri, body and rawbody arrays ----------------------------------- */

static const char text_msg[] =
	"From: a@example.com\n"
	"Subject: Deal\n"
	"MIME-Version: 1.0\n"
	"Content-Type: multipart/mixed; boundary=XX\n"
	"\n"
	"--XX\n"
	"Content-Type: text/plain\n"
	"\n"
	"Visit http://Example.COM/Path?q=1 or www.foo.example today.\n"
	"Write to bob@example.org.\n"
	"\n"
	"second paragraph\n"
	"--XX\n"
	"Content-Type: text/plain\n"
	"Content-Disposition: attachment; filename=a.txt\n"
	"\n"
	"part two starts here\n"
	"--XX--\n";

typedef struct text_case {
	const char *rules;
	const char *hits;
} text_case;

/* clang-format off */
static const text_case text_cases[] = {
	/* full: the raw message, headers included */
	{ "full F /^Subject: Deal\\n/m\n", "F," },
	{ "full F /\\AFrom: a\\@example\\.com\\n/\n", "F," },
	{ "full F /boundary=YY/\n", "" },
	/* uri: each URL as written and normalised */
	{ "uri U /^http:\\/\\/Example\\.COM\\/Path\\?q=1$/\n", "U," },
	{ "uri U /^http:\\/\\/example\\.com\\/Path\\?q=1$/\n", "U," },
	{ "uri U /^http:\\/\\/www\\.foo\\.example/\n", "U," },
	{ "uri U /^mailto:bob\\@example\\.org$/\n", "U," },
	{ "uri U /^https:/\n", "" },
	{ "uri U /example/\ntflags U multiple\nmeta M U > 3\n", "U,M," },
	{ "uri U /example/\ntflags U multiple maxhits=2\nmeta M U > 2\n", "U," },
	/* body: one element per paragraph, the Subject first */
	/* the attached text part is body too, its text joined to the paragraph
	 * before by a space, as SpamAssassin renders it */
	{ "body B /^second paragraph part two starts here$/\n", "B," },
	{ "body B /^Deal$/\n", "B," },
	{ "body B /^Deal$/\ntflags B nosubject\n", "" },
	{ "body B /today\\. Write/\n", "B," },
	{ "body B /Deal.*Visit/s\n", "" },
	{ "body B /\\n./\n", "" },
	{ "body B /e/\ntflags B multiple\nmeta M B >= 5\n", "B,M," },
	/* rawbody: each text part in one piece, attached text parts too */
	{ "rawbody R /\\Apart two/\n", "R," },
	{ "rawbody R /today\\.\\nWrite/\n", "R," },
	{ "rawbody R /second paragraph\\npart two/\n", "" },
};
/* clang-format on */

/* test_text_rules - full, uri, body and rawbody over what SpamAssassin hands them */
static void test_text_rules(void **state)
{
	size_t failed = 0;

	(void) state;
	for (size_t i = 0; i < sizeof(text_cases) / sizeof(text_cases[0]); i++) {
		size_t errors;
		char *got = run_text(text_cases[i].rules, text_msg, NULL, NULL, NULL, &errors);

		assert_int_equal(errors, 0);
		if (strcmp(got, text_cases[i].hits) != 0) {
			print_message("MISMATCH text case %zu: %s got [%s] want [%s]\n", i,
				      text_cases[i].rules, got, text_cases[i].hits);
			failed++;
		}
		free(got);
	}
	assert_int_equal(failed, 0);
}

/* test_no_subject - without a Subject the body array still starts with an
 * empty Subject line, which nosubject skips */
static void test_no_subject(void **state)
{
	char *got;

	(void) state;
	/* the text's final line break is a space, as in SpamAssassin's array */
	got = run_text("body B /^text $/\ntflags B nosubject\nbody E /\\A\\n\\z/\n",
		       "From: a@b.example\n\ntext\n", NULL, NULL, NULL, NULL);
	assert_string_equal(got, "B,E,");
	free(got);
}

/* test_long_lines - body lines past 2048 bytes are cut after a space */
static void test_long_lines(void **state)
{
	sc_buf msg;
	char *got;

	(void) state;
	sc_buf_init(&msg, SC_BUF_UNLIMITED);
	(void) sc_buf_puts(&msg, "Subject: s\n\n");
	for (int i = 0; i < 400; i++)
		(void) sc_buf_puts(&msg, "word ");
	(void) sc_buf_puts(&msg, "END\n");
	/* 2000 bytes of words then END: one line of 2005 bytes (the final line
	 * break a space), no cut */
	got = run_text("body B /^(?:word ){400}END $/\n", sc_buf_cstr(&msg), NULL, NULL, NULL,
		       NULL);
	assert_string_equal(got, "B,");
	free(got);
	sc_buf_reset(&msg);
	(void) sc_buf_puts(&msg, "Subject: s\n\n");
	for (int i = 0; i < 500; i++)
		(void) sc_buf_puts(&msg, "word ");
	(void) sc_buf_puts(&msg, "END\n");
	/* cut after the last space before 2048: 409 words, then the rest */
	got = run_text("body B /^(?:word ){420}/\nbody C /^(?:word ){409}\\z/\n"
		       "body D /^(?:word ){91}END $/\n",
		       sc_buf_cstr(&msg), NULL, NULL, NULL, NULL);
	assert_string_equal(got, "C,D,");
	free(got);
	sc_buf_free(&msg);
}

/* --- ReplaceTags -------------------------------------------------------- */

/* test_replace_tags - replace_tag/pre/inter/post in the rules replace_rules
 * names, as SpamAssassin's ReplaceTags plugin rewrites them */
static void test_replace_tags(void **state)
{
	static const char rules[] = "replace_start <\n"
				    "replace_end >\n"
				    "replace_tag A (?:a|4)\n"
				    "replace_tag B b\n"
				    "replace_tag C <A><B>\n"
				    "replace_inter W1 \\W?\n"
				    "replace_post P2 {1,2}\n"
				    "replace_pre X1 \\b\n"
				    "body R1 /^<A><B> /\n"
				    "body R2 /\\s<inter W1><A><B>\\s/\n"
				    "body R3 /x<post P2><A>y/\n"
				    "body R4 /<pre X1><A>z/\n"
				    "body R5 /<A> $/\n"
				    "body R6 /^<C> /\n"
				    "body R7 /<Q>/\n"
				    "body R8 /<A>x/\n"
				    "replace_rules R1 R2 R3 R4 R6 R7 R8\n";
	static const char msg[] = "Subject: s\n\n4b 4-b x44y 4z <A>\n";
	size_t errors;
	char *got;

	(void) state;
	got = run_text(rules, msg, NULL, NULL, NULL, &errors);
	assert_int_equal(errors, 0);
	/* R5 was not listed and matches its literal "<A>"; R6's tag brings
	 * tags, replaced in a second pass; R7's unknown tag stays literal and
	 * finds no "<Q>"; R8 finds no "ax" or "4x" */
	assert_string_equal(got, "R1,R2,R3,R4,R5,R6,");
	free(got);
}

/* --- the time budget ----------------------------------------------------- */

/* test_time_budget - once the budget is spent the remaining rules are
 * skipped and counted; metas still run */
static void test_time_budget(void **state)
{
	static const char rules[] = "body SLOW /(?:a|aa)+$/\n"
				    "body AFTER1 /a/\n"
				    "body AFTER2 /a/\n"
				    "meta M !AFTER1\n";
	sc_config *cfg = sc_config_defaults(NULL);
	sc_rule_limits lim = {4000000000UL, 100000UL, 0};
	sc_rule_run_stats st;
	sc_ruleset *rs;
	sc_msg *m;
	sc_run_ctx ctx;
	sc_diags d;
	sc_buf b, raw;

	(void) state;
	sc_buf_init(&raw, SC_BUF_UNLIMITED);
	(void) sc_buf_puts(&raw, "Subject: s\n\n");
	for (int i = 0; i < 28; i++)
		(void) sc_buf_putc(&raw, 'a');
	(void) sc_buf_puts(&raw, "!\n");
	m = sc_msg_parse(raw.data, raw.len);
	sc_diags_init(&d);
	rs = sc_ruleset_load_text(FILE_NAME, rules, sizeof(rules) - 1, &lim, &d);
	assert_int_equal(d.n, 0);
	memset(&ctx, 0, sizeof(ctx));
	ctx.msg = m;
	ctx.config = cfg;
	sc_buf_init(&b, SC_BUF_UNLIMITED);
	(void) sc_buf_puts(&b, "");

	/* the default budget (2 s) lets everything run */
	sc_ruleset_run(rs, &ctx, add_name, &b, &st);
	assert_string_equal(sc_buf_cstr(&b), "AFTER1,AFTER2,");
	assert_int_equal(st.budget_skipped, 0);

	/* 1 ms: the slow regex spends it, the two rules after it are skipped */
	cfg->rules_time_budget_ms = 1;
	sc_buf_reset(&b);
	(void) sc_buf_puts(&b, "");
	sc_ruleset_run(rs, &ctx, add_name, &b, &st);
	assert_string_equal(sc_buf_cstr(&b), "M,");
	assert_int_equal(st.budget_skipped, 2);
	assert_int_equal(st.evaluated, 2); /* SLOW and the meta */

	sc_buf_free(&b);
	sc_buf_free(&raw);
	sc_ruleset_unref(rs);
	sc_diags_free(&d);
	sc_msg_free(m);
	sc_config_free(cfg);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_args),   cmocka_unit_test(test_registry),
		cmocka_unit_test(test_checks),       cmocka_unit_test(test_selectors),
		cmocka_unit_test(test_envelope_from), cmocka_unit_test(test_if_conditions),
		cmocka_unit_test(test_text_rules),   cmocka_unit_test(test_long_lines),
		cmocka_unit_test(test_time_budget),  cmocka_unit_test(test_replace_tags),
		cmocka_unit_test(test_no_subject),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
