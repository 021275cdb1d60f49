/*
 * test_checks.c - the scam checks (checks_*.c) on hand-written messages:
 * must hit, must not hit, and the traps (a mailing list's DMARC rewrite,
 * the same address in From and Reply-To, a mailto: at a listed domain, no
 * lists at all).
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
#include "diag.h"
#include "lists.h"
#include "mem.h"
#include "msg.h"
#include "rules.h"

static const char RULES[] = "header T_RT_FREE eval:check_replyto_freemail()\n"
			    "header T_FROM_FREE eval:check_from_freemail()\n"
			    "body T_SHORT eval:check_url_shortener()\n";

static char dir[] = "/tmp/test_checks.XXXXXX";
static sc_lists *lists;
static sc_ruleset *rules;

static int setup(void **state)
{
	char path[256];
	FILE *f;
	sc_diags d;

	(void) state;
	if (mkdtemp(dir) == NULL)
		return -1;
	(void) snprintf(path, sizeof(path), "%s/freemail.txt", dir);
	if ((f = fopen(path, "w")) == NULL)
		return -1;
	(void) fputs("# test list\ngmail.com\nyahoo.*\n", f);
	(void) fclose(f);
	(void) snprintf(path, sizeof(path), "%s/shorteners.txt", dir);
	if ((f = fopen(path, "w")) == NULL)
		return -1;
	(void) fputs("bit.ly\n.page.link\n", f);
	(void) fclose(f);
	sc_diags_init(&d);
	lists = sc_lists_load_dir(dir, &d);
	rules = sc_ruleset_load_text("t.cf", RULES, strlen(RULES), NULL, &d);
	(void) unlink(path);
	(void) snprintf(path, sizeof(path), "%s/freemail.txt", dir);
	(void) unlink(path);
	(void) rmdir(dir);
	if (lists == NULL || d.errors > 0)
		return -1;
	sc_diags_free(&d);
	return 0;
}

static int teardown(void **state)
{
	(void) state;
	sc_lists_free(lists);
	sc_ruleset_unref(rules);
	return 0;
}

static void hit_cb(void *arg, const sc_rule_hit *hit)
{
	sc_buf *b = arg;

	(void) sc_buf_printf(b, "%s:%s\n", hit->name, hit->detail);
}

/* hits_msg - what the rules say about the message headers + body, with ls */
static char *hits_msg(const char *headers, const char *body, const sc_lists *ls)
{
	sc_buf raw, out;
	sc_msg *m;
	sc_run_ctx ctx;
	sc_rule_run_stats st;
	char *res;

	sc_buf_init(&raw, SC_BUF_UNLIMITED);
	sc_buf_init(&out, SC_BUF_UNLIMITED);
	(void) sc_buf_printf(&raw, "%sSubject: hello\r\n\r\n%s\r\n", headers, body);
	m = sc_msg_parse(raw.data, raw.len);
	memset(&ctx, 0, sizeof(ctx));
	ctx.msg = m;
	ctx.lists = ls;
	sc_ruleset_run(rules, &ctx, hit_cb, &out, &st);
	res = sc_strdup(sc_buf_cstr(&out));
	sc_msg_free(m);
	sc_buf_free(&raw);
	sc_buf_free(&out);
	return res;
}

/* hits - hits_msg with a plain body */
static char *hits(const char *headers, const sc_lists *ls)
{
	return hits_msg(headers, "body", ls);
}

/* expect - the rule named rule hits (1) or not (0) on headers */
static void expect(const char *headers, const char *rule, int hit)
{
	char *h = hits(headers, lists);
	char key[64];

	(void) snprintf(key, sizeof(key), "%s:", rule);
	if ((strstr(h, key) != NULL) != hit)
		fail_msg("%s %s on:\n%s\n(hits: %s)", rule, hit ? "should hit" : "should not hit",
			 headers, h);
	free(h);
}

static void test_replyto_freemail(void **state)
{
	char *h;

	(void) state;
	/* must hit: a company's From, replies to a webmail box */
	expect("From: \"Accounts\" <billing@vendor.example>\r\nReply-To: payments.dept@gmail.com\r\n",
	       "T_RT_FREE", 1);
	/* another webmail address than the From one, any case, by a pattern */
	expect("From: alice@yahoo.com\r\nReply-To: Alice.Claims@GMAIL.com\r\n", "T_RT_FREE", 1);
	expect("From: ceo@corp.example\r\nReply-To: ceo.private@yahoo.co.jp\r\n", "T_RT_FREE", 0);
	expect("From: ceo@corp.example\r\nReply-To: ceo.private@yahoo.de\r\n", "T_RT_FREE", 1);
	/* no From at all */
	expect("Reply-To: x@gmail.com\r\n", "T_RT_FREE", 1);
	/* must not hit: the same address; a company Reply-To; no Reply-To */
	expect("From: Bob <bob@gmail.com>\r\nReply-To: BOB@gmail.com\r\n", "T_RT_FREE", 0);
	expect("From: a@vendor.example\r\nReply-To: sales@vendor.example\r\n", "T_RT_FREE", 0);
	expect("From: a@vendor.example\r\n", "T_RT_FREE", 0);
	/* the trap: a mailing list's DMARC rewrite, by " via " or by List-Id/List-Post */
	expect("From: \"Bob Smith via Users\" <users@lists.example.org>\r\n"
	       "Reply-To: bob@gmail.com\r\n",
	       "T_RT_FREE", 0);
	expect("From: users@lists.example.org\r\nReply-To: bob@gmail.com\r\n"
	       "List-Id: Users list <users.lists.example.org>\r\n",
	       "T_RT_FREE", 0);
	expect("From: users@lists.example.org\r\nReply-To: bob@gmail.com\r\n"
	       "List-Post: <mailto:users@example.org>\r\n",
	       "T_RT_FREE", 0);
	/* a List-Id of another domain is no excuse */
	expect("From: billing@vendor.example\r\nReply-To: bob@gmail.com\r\n"
	       "List-Id: <news.other.example>\r\n",
	       "T_RT_FREE", 1);
	/* the explanation names both addresses */
	h = hits("From: billing@vendor.example\r\nReply-To: pay@gmail.com\r\n", lists);
	assert_non_null(strstr(h, "Reply-To pay@gmail.com is at a free webmail provider; From is "
				  "billing@vendor.example"));
	free(h);
	/* without lists the check cannot know: no hit */
	h = hits("From: billing@vendor.example\r\nReply-To: pay@gmail.com\r\n", NULL);
	assert_string_equal(h, "");
	free(h);
}

/* expect_body - the rule hits (1) or not (0) on an HTML or text body */
static void expect_body(const char *headers, const char *body, const char *rule, int hit)
{
	char *h = hits_msg(headers, body, lists);
	char key[64];

	(void) snprintf(key, sizeof(key), "%s:", rule);
	if ((strstr(h, key) != NULL) != hit)
		fail_msg("%s %s on:\n%s\n(hits: %s)", rule, hit ? "should hit" : "should not hit",
			 body, h);
	free(h);
}

static void test_url_shortener(void **state)
{
	static const char html[] = "MIME-Version: 1.0\r\nContent-Type: text/html\r\n";
	char *h;

	(void) state;
	expect_body(html, "<p>Verify: <a href=\"https://bit.ly/3xYz\">your account</a></p>", "T_SHORT",
		    1);
	expect_body("", "Track it at https://BIT.LY/abc today", "T_SHORT", 1);
	expect_body(html, "<a href=\"https://app.page.link/q\">open</a>", "T_SHORT", 1);
	/* must not hit: other hosts, a lookalike suffix, a mailto at a listed domain */
	expect_body(html, "<a href=\"https://www.example.com/bit.ly\">x</a>", "T_SHORT", 0);
	expect_body("", "see https://notbit.ly/x and https://bit.ly.example.net/", "T_SHORT", 0);
	expect_body(html, "<a href=\"mailto:owner@bit.ly\">mail us</a>", "T_SHORT", 0);
	/* two distinct links: the value counts them, the detail names the first */
	h = hits_msg("", "https://bit.ly/a and https://bit.ly/b", lists);
	assert_non_null(strstr(h, "2 links on a URL shortener, first https://bit.ly/a"));
	free(h);
	h = hits_msg("", "https://bit.ly/a", NULL);
	assert_string_equal(h, "");
	free(h);
}

static void test_from_freemail(void **state)
{
	(void) state;
	expect("From: Bob <bob@gmail.com>\r\n", "T_FROM_FREE", 1);
	expect("From: Bob <bob@mail.gmail.com.evil.example>\r\n", "T_FROM_FREE", 0);
	expect("From: a@vendor.example\r\n", "T_FROM_FREE", 0);
	expect("To: a@gmail.com\r\n", "T_FROM_FREE", 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_replyto_freemail),
		cmocka_unit_test(test_from_freemail),
		cmocka_unit_test(test_url_shortener),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
