/*
 * test_checks.c - the scam checks (checks_*.c) on hand-written messages:
 * must hit, must not hit, and the traps (a mailing list's DMARC rewrite,
 * the same address in From and Reply-To, a mailto: at a listed domain, no
 * lists at all); the link checks (anchor text vs href, IP, user@, data:
 * and script links, IDN, off-site forms, redirect parameters) and the
 * identity checks (From name vs address, Reply-To and envelope domains,
 * fake replies) with the traps of ESP click trackers, security gateways,
 * file names, search boxes, mailing lists and old clients' quoting replies.
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
#include "checks_harness.h"
#include "cidr.h"
#include "config.h"
#include "envelope.h"
#include "lists.h"
#include "mem.h"
#include "msg.h"
#include "rules.h"

static const char RULES[] = "header T_RT_FREE eval:check_replyto_freemail()\n"
			    "header T_FROM_FREE eval:check_from_freemail()\n"
			    "body T_SHORT eval:check_url_shortener()\n"
			    "body T_ANCHOR eval:check_anchor_domain_mismatch()\n"
			    "body T_IP eval:check_url_ip_host()\n"
			    "body T_USERINFO eval:check_url_userinfo()\n"
			    "body T_DATAJS eval:check_url_data_js()\n"
			    "body T_IDN eval:check_url_punycode()\n"
			    "body T_FORM eval:check_form_offsite()\n"
			    "body T_REDIR eval:check_redirect_param()\n"
			    "header T_NAME_DOM eval:check_from_name_other_domain()\n"
			    "header T_RT_DOM eval:check_replyto_domain_differs()\n"
			    "header T_ENV_DOM eval:check_envelope_from_mismatch()\n"
			    "header T_FAKE_RE eval:check_reply_without_reference()\n"
			    "header T_OFFER eval:check_from_name_offer('perks','rewards','gift')\n"
			    "header T_LOCALNAME eval:check_from_local_is_name()\n"
			    "header T_RANDOM eval:check_sender_random_domain()\n"
			    "header T_OUTSIDE eval:check_from_outside_recipients()\n"
			    "header T_INTERNAL eval:check_client_internal()\n"
			    "header T_TOSELF eval:check_to_self()\n"
			    "body T_AWAY eval:check_links_avoid_from()\n";

static const char *const LIST_FILES[] = {
	"freemail.txt",
	"# test list\ngmail.com\nyahoo.*\n",
	"shorteners.txt",
	"bit.ly\n.page.link\n",
	"freehost.txt",
	".firebaseapp.com\n",
	"brands.map",
	"Shop Deals: shop-deals.com ~dealsmail.net\nGoogle: google.com gmail.com ~googleapis.com\n",
	NULL,
};

static sc_lists *lists;
static sc_ruleset *rules;

static int setup(void **state)
{
	(void) state;
	return harness_load(&lists, &rules, LIST_FILES, RULES);
}

static int teardown(void **state)
{
	(void) state;
	harness_unload(lists, rules);
	return 0;
}

/* hits_env - what the rules say about the message headers + body, with
 * ls and the envelope env (NULL: unknown) */
static char *hits_env(const char *headers, const char *body, const sc_lists *ls,
		      const sc_envelope *env)
{
	sc_buf raw;
	char *res;

	sc_buf_init(&raw, SC_BUF_UNLIMITED);
	(void) sc_buf_printf(&raw, "%sSubject: hello\r\n\r\n%s\r\n", headers, body);
	res = harness_hits_env(rules, ls, NULL, env, raw.data, raw.len);
	sc_buf_free(&raw);
	return res;
}

/* hits_msg - hits_env without an envelope */
static char *hits_msg(const char *headers, const char *body, const sc_lists *ls)
{
	return hits_env(headers, body, ls, NULL);
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

	harness_check(h, rule, hit, NULL, -1, headers);
	free(h);
}

static void test_replyto_freemail(void **state)
{
	char *h;

	(void) state;
	/* must hit: a company's From, replies to a webmail box */
	expect("From: \"Accounts\" <billing@vendor.example>\r\nReply-To: "
	       "payments.dept@gmail.com\r\n",
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
	assert_null(strstr(h, "T_RT_FREE"));
	assert_null(strstr(h, "T_FROM_FREE"));
	free(h);
}

/* expect_body - the rule hits (1) or not (0) on an HTML or text body */
static void expect_body(const char *headers, const char *body, const char *rule, int hit)
{
	char *h = hits_msg(headers, body, lists);

	harness_check(h, rule, hit, NULL, -1, body);
	free(h);
}

static void test_url_shortener(void **state)
{
	static const char html[] = "MIME-Version: 1.0\r\nContent-Type: text/html\r\n";
	char *h;

	(void) state;
	expect_body(html, "<p>Verify: <a href=\"https://bit.ly/3xYz\">your account</a></p>",
		    "T_SHORT", 1);
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

#define HTML_FROM(from) "From: " from "\r\nMIME-Version: 1.0\r\nContent-Type: text/html\r\n"

/* expect_value - the detail of rule on headers + body holds want */
static void expect_detail(const char *headers, const char *body, const char *want)
{
	char *h = hits_msg(headers, body, lists);

	if (strstr(h, want) == NULL)
		fail_msg("expected \"%s\" in hits of:\n%s\n(hits: %s)", want, body, h);
	free(h);
}

static void test_anchor_domain_mismatch(void **state)
{
	static const char shop[] = HTML_FROM("Shop <news@shop-deals.com>");

	(void) state;
	/* must hit: the text shows a bank, the link goes elsewhere */
	expect_body(shop, "<a href=\"https://login-check.net/s\">www.paypal.com</a>", "T_ANCHOR",
		    1);
	expect_body(shop, "<a href=\"http://203.0.113.50/x\">https://secure.mybank.com/login</a>",
		    "T_ANCHOR", 1);
	/* an address shown, a web page behind it */
	expect_body(shop, "<a href=\"https://forms-host.net/f\">support@bigbank.com</a>",
		    "T_ANCHOR", 1);
	/* must not hit: the same site, other host; plain words; a relative link */
	expect_body(shop, "<a href=\"https://www.paypal.com/signin\">paypal.com</a>", "T_ANCHOR",
		    0);
	expect_body(shop, "<a href=\"https://login-check.net/s\">Sign in now</a>", "T_ANCHOR", 0);
	expect_body(shop, "<a href=\"/help\">www.paypal.com</a>", "T_ANCHOR", 0);
	/* the trap: the sender's own site behind an ESP's click tracker */
	expect_body(shop, "<a href=\"https://click.mailer-esp.net/c/1\">www.shop-deals.com</a>",
		    "T_ANCHOR", 0);
	/* the sender's own platform linking to a site it shows */
	expect_body(HTML_FROM("Writer <writer@letters-platform.com>"),
		    "<a href=\"https://letters-platform.com/r/9\">writersblog.org</a>", "T_ANCHOR",
		    0);
	/* a security gateway's redirector carrying the shown site */
	expect_body(
		shop,
		"<a href=\"https://safe.gateway-scan.net/?url=https%3A%2F%2Fgithub.com%2Fa%2Fb\">"
		"github.com</a>",
		"T_ANCHOR", 0);
	/* a file name as text (.py, .sh are country domains), with _ or in the path */
	expect_body(shop, "<a href=\"https://github.com/o/r/blob/main/setup.py\">setup.py</a>",
		    "T_ANCHOR", 0);
	expect_body(shop, "<a href=\"https://github.com/o/r/commit/1\">rf_ctrl.py</a>", "T_ANCHOR",
		    0);
	/* one brand's country domains; a documentation name */
	expect_body(shop, "<a href=\"https://www.bigbrand.com/uk\">bigbrand.co.uk</a>", "T_ANCHOR",
		    0);
	/* a lookalike holding the brand it shows */
	expect_body(shop, "<a href=\"https://paypal-verify.net/\">www.paypal.com</a>", "T_ANCHOR",
		    1);
	/* but the sender's own tracking domain may hold the sender's brand */
	expect_body(shop, "<a href=\"https://shop-deals-email.com/c/1\">partner-site.org</a>",
		    "T_ANCHOR", 0);
	expect_body(shop, "<a href=\"https://video-site.com/\">example.com</a>", "T_ANCHOR", 0);
	/* the value counts links; the detail says what and where */
	expect_detail(shop,
		      "<a href=\"https://a-phish.net/1\">paypal.com</a> "
		      "<a href=\"https://b-phish.net/2\">www.bigbank.com</a>",
		      "link text shows paypal.com but goes to a-phish.net (2 links)");
}

static void test_url_ip_userinfo(void **state)
{
	static const char html[] = HTML_FROM("a@shop-deals.com");

	(void) state;
	expect_body(html, "<a href=\"http://203.0.113.9/login\">Sign in</a>", "T_IP", 1);
	expect_body(html, "<form method=post action=\"http://198.51.100.3/p\"><input></form>",
		    "T_IP", 1);
	expect_body(html, "<a href=\"http://[2001:db8::7]/x\">here</a>", "T_IP", 1);
	/* must not hit: a private address, an IP named in the text, a name */
	expect_body(html, "<a href=\"http://192.168.1.1/\">your router</a>", "T_IP", 0);
	expect_body(html, "<a href=\"http://10.1.2.3/\">intranet</a>", "T_IP", 0);
	expect_body("", "the server at http://203.0.113.9/ answers again", "T_IP", 0);
	expect_body(html, "<a href=\"https://www.shop-deals.com/\">shop</a>", "T_IP", 0);

	expect_body(html, "<a href=\"https://www.paypal.com@evil-host.net/x\">PayPal</a>",
		    "T_USERINFO", 1);
	expect_body(html, "<a href=\"http://user:pw@files-host.net/\">files</a>", "T_USERINFO", 1);
	/* must not hit: a mailto, a git URL in plain text, an @ in the path */
	expect_body(html, "<a href=\"mailto:help@shop-deals.com\">mail us</a>", "T_USERINFO", 0);
	expect_body("", "git clone https://bob@git-host.net/repo.git", "T_USERINFO", 0);
	expect_body(html, "<a href=\"https://social-site.com/@shop\">follow</a>", "T_USERINFO", 0);
}

static void test_url_data_js_idn(void **state)
{
	static const char html[] = HTML_FROM("a@shop-deals.com");

	(void) state;
	expect_body(html, "<a href=\"data:text/html;base64,PGgxPkhpPC9oMT4=\">Open invoice</a>",
		    "T_DATAJS", 1);
	expect_body(html, "<a href=\"javascript:window.location='https://x-host.net/'\">go</a>",
		    "T_DATAJS", 1);
	expect_body(html, "<form method=post action=\"javascript:eval(atob('YQ=='))\"></form>",
		    "T_DATAJS", 1);
	/* must not hit: placeholders, a pop-up helper, an inline image */
	expect_body(html, "<a href=\"javascript:void(0)\">menu</a>", "T_DATAJS", 0);
	expect_body(html, "<a href=\"javascript:;\">menu</a>", "T_DATAJS", 0);
	expect_body(html, "<a href=\"javascript:popUp('story.html')\">story</a>", "T_DATAJS", 0);
	expect_body(html, "<img src=\"data:image/png;base64,iVBORw0KGgo=\">", "T_DATAJS", 0);

	expect_body(html, "<a href=\"https://xn--pypal-4ve.com/\">PayPal</a>", "T_IDN", 1);
	expect_body(html,
		    "<a href=\"https://b\xc3\xbc"
		    "cher-shop.de/\">shop</a>",
		    "T_IDN", 1);
	expect_body(html, "<a href=\"https://www.paypal.com/\">PayPal</a>", "T_IDN", 0);
	/* an IDN named in the text is not a link */
	expect_body("", "see https://xn--pypal-4ve.com/ for the lookalike", "T_IDN", 0);
}

static void test_form_offsite(void **state)
{
	static const char bank[] = HTML_FROM("Bank <alerts@bigbank.com>");

	(void) state;
	expect_body(bank,
		    "<form method=\"POST\" action=\"https://collect-host.net/p.php\">"
		    "<input name=pw type=password></form>",
		    "T_FORM", 1);
	expect_body(HTML_FROM("x@no-site"),
		    "<form method=post action=\"https://c-host.net/\"></form>", "T_FORM", 1);
	/* must not hit: a search box (get), the sender's own site or brand, a
	 * relative action */
	expect_body(bank, "<form action=\"https://search-engine.com/q\"><input name=q></form>",
		    "T_FORM", 0);
	expect_body(bank, "<form method=post action=\"https://secure.bigbank.com/s\"></form>",
		    "T_FORM", 0);
	expect_body(bank, "<form method=post action=\"https://bigbank.co.uk/s\"></form>", "T_FORM",
		    0);
	/* a lookalike holding the brand is no excuse */
	expect_body(bank, "<form method=post action=\"https://bigbank-secure.net/s\"></form>",
		    "T_FORM", 1);
	expect_body(bank, "<form method=post action=\"/subscribe\"></form>", "T_FORM", 0);
	expect_detail(bank, "<form method=post action=\"https://collect-host.net/p\"></form>",
		      "a form posts to collect-host.net; From is at bigbank.com");
}

static void test_links_avoid_from(void **state)
{
	static const char html[] = HTML_FROM("news@mail.shop-deals.com");

	(void) state;
	expect_body(html, "<a href=\"https://claim-now.net/x\">Claim</a>", "T_AWAY", 1);
	expect_body(html,
		    "<a href=\"https://claim-now.net/x\">Claim</a> <a "
		    "href=\"https://cdn.other.org/\">x</a>",
		    "T_AWAY", 1);
	/* must not hit: one link to the sender's site (any subdomain), its
	 * brand's country domain, no web link at all, mailto only */
	expect_body(html,
		    "<a href=\"https://claim-now.net/x\">x</a> <a "
		    "href=\"https://www.shop-deals.com/\">y</a>",
		    "T_AWAY", 0);
	expect_body(html, "<a href=\"https://shop-deals.co.uk/sale\">Sale</a>", "T_AWAY", 0);
	expect_body(html, "<p>No links here.</p>", "T_AWAY", 0);
	expect_body(html, "<a href=\"mailto:help@claim-now.net\">Write</a>", "T_AWAY", 0);
	/* nor a link to another domain of the sender's brand in the map */
	expect_body(html, "<a href=\"https://track.dealsmail.net/c/1\">Sale</a>", "T_AWAY", 0);
	/* but a free mailbox's brand owns no one's pages: gmail.com's sender
	 * linking to a page on googleapis.com links away */
	expect_body(HTML_FROM("someone@gmail.com"),
		    "<a href=\"https://storage.googleapis.com/b/x.html\">Open</a>", "T_AWAY", 1);
}

static void test_redirect_param(void **state)
{
	static const char html[] = HTML_FROM("a@shop-deals.com");

	(void) state;
	expect_body(html,
		    "<a href=\"https://www.search-site.com/url?q=https%3A%2F%2Fphish-host.net%2F\">"
		    "x</a>",
		    "T_REDIR", 1);
	expect_body(html, "<a href=\"https://r.ads-host.com/c?u=http://phish-host.net/a\">x</a>",
		    "T_REDIR", 1);
	/* encoded twice */
	expect_body(
		html,
		"<a href=\"https://r.ads-host.com/c?u=https%253A%252F%252Fphish-host.net\">x</a>",
		"T_REDIR", 1);
	/* must not hit: to the link's own site, to the From site, no URL, a
	 * URL in the path, not the query */
	expect_body(html, "<a href=\"https://a.ads-host.com/c?u=https://b.ads-host.com/\">x</a>",
		    "T_REDIR", 0);
	expect_body(html,
		    "<a href=\"https://click.esp-host.net/c?u=https://www.shop-deals.com/\">x</a>",
		    "T_REDIR", 0);
	expect_body(html, "<a href=\"https://r.ads-host.com/c?id=42&k=http\">x</a>", "T_REDIR", 0);
	expect_body(html,
		    "<a href=\"https://web.archive-site.org/web/1/https://phish-host.net/\">x</a>",
		    "T_REDIR", 0);
}

static void test_sender_random_domain(void **state)
{
	(void) state;
	/* letters and digits alternating, seven consonants in a row */
	expect("From: Offer <a@mgq3z0h5os.com>\r\n", "T_RANDOM", 1);
	expect("From: Offer <a@T9BDOEPSB3OPO9JALE1NQ3RCZ5PC.com>\r\n", "T_RANDOM", 1);
	expect("From: Offer <a@mail.lflwfzlvwz.com>\r\n", "T_RANDOM", 1);
	expect("From: a@shop.example\r\nReply-To: b@1ysjnkmxdj6syw2nxw4n.com\r\n", "T_RANDOM", 1);
	expect("From: a@shop.example\r\nMessage-ID: <x.1@pjebyzflchwb.org>\r\n", "T_RANDOM", 1);
	expect("From: a@shop.example\r\nList-Unsubscribe: <mailto:u@ab.cd>, "
	       "<https://geq5y1kiiyllmfsmrrsycrxa.com/u?x=1>\r\n",
	       "T_RANDOM", 1);
	/* names people and brands pick: words, a number or two, camel case,
	 * fewer than eight characters; an unknown suffix; a free host's
	 * project name; the random part below the registrable domain */
	expect("From: a@web2print365.com\r\n", "T_RANDOM", 0);
	expect("From: a@BestSourceMedia.com\r\n", "T_RANDOM", 0);
	expect("From: a@strengths.com\r\n", "T_RANDOM", 0);
	expect("From: a@rsgsv.net\r\n", "T_RANDOM", 0);
	expect("From: a@shop.example\r\nMessage-ID: <5c32-debc-43bc-a132@0d7a9f3b2c1e.mail>\r\n",
	       "T_RANDOM", 0);
	expect("From: noreply@casino4-d1fa8.firebaseapp.com\r\n", "T_RANDOM", 0);
	expect("From: a@shop.example\r\nMessage-ID: <1@a8f3k29x7q2.mail.shop.example>\r\n",
	       "T_RANDOM", 0);
}

static void test_from_outside_recipients(void **state)
{
	sc_envelope env;
	const char *rcpts[2];
	char *h;

	(void) state;
	/* from another domain than every recipient, To and Cc alike */
	expect("From: admin@mail-quota.example\r\nTo: ann@uni.ac.uk\r\n", "T_OUTSIDE", 1);
	expect("From: a@shop-site.com\r\nTo: x@other.org, y@third.net\r\n", "T_OUTSIDE", 1);
	/* the same registrable domain, in To or in Cc; no recipient with a
	 * domain (undisclosed recipients); no From */
	expect("From: it@mail.uni.ac.uk\r\nTo: ann@uni.ac.uk\r\n", "T_OUTSIDE", 0);
	expect("From: it@corp.example.com\r\nTo: x@other.org\r\nCc: b@example.com\r\n", "T_OUTSIDE",
	       0);
	expect("From: a@shop-site.com\r\nTo: undisclosed-recipients:;\r\n", "T_OUTSIDE", 0);
	expect("To: ann@uni.ac.uk\r\n", "T_OUTSIDE", 0);
	/* the envelope, when known, outranks the headers */
	memset(&env, 0, sizeof(env));
	rcpts[0] = "ann@uni.ac.uk";
	rcpts[1] = "bob@staff.uni.ac.uk";
	env.rcpts = rcpts;
	env.nrcpts = 2;
	h = hits_env("From: it@uni.ac.uk\r\nTo: list@other.org\r\n", "x", lists, &env);
	assert_null(strstr(h, "T_OUTSIDE"));
	free(h);
	env.nrcpts = 1;
	h = hits_env("From: it@mail-quota.example\r\nTo: x@mail-quota.example\r\n", "x", lists,
		     &env);
	assert_non_null(strstr(h, "From it@mail-quota.example is on another domain than the "
				  "recipients (ann@uni.ac.uk)"));
	free(h);
}

/* internal_says - check_client_internal on a message from inside, with
 * config c and envelope env: want NULL for no hit, else the why-text */
static void internal_says(const sc_config *c, const sc_envelope *env, const char *want)
{
	static const char M[] =
		"From: it@uni.ac.uk\r\nTo: ann@uni.ac.uk\r\nSubject: x\r\n\r\nx\r\n";
	char *h = harness_hits_env(rules, lists, c, env, M, strlen(M));

	if (want == NULL)
		assert_null(strstr(h, "T_INTERNAL"));
	else
		assert_non_null(strstr(h, want));
	free(h);
}

static void test_client_internal(void **state)
{
	sc_envelope env;
	sc_config *c = sc_config_defaults(NULL);
	sc_cidr nets[1];

	(void) state;
	assert_int_equal(sc_cidr_parse("192.0.2.0/24", &nets[0]), 0);
	memset(&env, 0, sizeof(env));
	/* no envelope, or a client from outside: no hit */
	internal_says(c, NULL, NULL);
	env.client_addr = "192.0.2.7";
	internal_says(c, &env, NULL);
	/* a SASL login; a client in trusted_networks, not one outside them */
	env.auth_user = "ann";
	internal_says(c, &env, "SASL login ann");
	env.auth_user = "";
	c->trusted_networks = nets;
	c->ntrusted_networks = 1;
	internal_says(c, &env, "client 192.0.2.7 is in trusted_networks");
	env.client_addr = "198.51.100.7";
	internal_says(c, &env, NULL);
	/* without a config only the login counts */
	env.client_addr = "192.0.2.7";
	internal_says(NULL, &env, NULL);
	c->trusted_networks = NULL; /* not the config's to free */
	c->ntrusted_networks = 0;
	sc_config_free(c);
}

static void test_to_self(void **state)
{
	sc_envelope env;
	const char *rcpts[1];
	char *h;

	(void) state;
	/* To is the sender's own address, in any case, once or twice */
	expect("From: Alek <mar.for@shop.example>\r\nTo: Recipients <mar.for@shop.example>\r\n",
	       "T_TOSELF", 1);
	expect("From: a@b.example\r\nTo: A@B.example, a@b.example\r\n", "T_TOSELF", 1);
	/* another reader in To or Cc; no To; no From */
	expect("From: a@b.example\r\nTo: a@b.example, c@d.example\r\n", "T_TOSELF", 0);
	expect("From: a@b.example\r\nTo: a@b.example\r\nCc: c@d.example\r\n", "T_TOSELF", 0);
	expect("From: a@b.example\r\n", "T_TOSELF", 0);
	expect("To: a@b.example\r\n", "T_TOSELF", 0);
	/* the envelope says the sender wrote to herself: a note, no Bcc */
	memset(&env, 0, sizeof(env));
	rcpts[0] = "A@b.example";
	env.rcpts = rcpts;
	env.nrcpts = 1;
	h = hits_env("From: a@b.example\r\nTo: a@b.example\r\n", "x", lists, &env);
	assert_null(strstr(h, "T_TOSELF"));
	free(h);
	rcpts[0] = "reader@example.org";
	h = hits_env("From: a@b.example\r\nTo: a@b.example\r\n", "x", lists, &env);
	assert_non_null(strstr(h, "To is the sender's own address a@b.example"));
	free(h);
}

static void test_from_name_other_domain(void **state)
{
	(void) state;
	/* the address made from the display name */
	expect("From: Welcome To Blue Cross <welcometobluecross@ilive.example>\r\n", "T_LOCALNAME",
	       1);
	expect("From: \"Courtesy AAA Support\" <CourtesyAAASupport@cars.example>\r\n",
	       "T_LOCALNAME", 1);
	expect("From: \"John Smith\" <john.smith@mail.example>\r\n", "T_LOCALNAME", 1);
	expect("From: \"John Smith\" <jsmith@mail.example>\r\n", "T_LOCALNAME", 0);
	expect("From: \"Support\" <support@mail.example>\r\n", "T_LOCALNAME", 0);
	expect("From: \"Al Li\" <alli@mail.example>\r\n", "T_LOCALNAME", 0);
	/* a sender's name that is an offer, on a domain of none of its words */
	expect("From: TSC Member Perks <tsc@dizzycubelh.example>\r\n", "T_OFFER", 1);
	expect("From: \"Your Free Gift\" <x@cookfest.example>\r\n", "T_OFFER", 1);
	expect("From: \"REWARDS\" <x@cookfest.example>\r\n", "T_OFFER", 1);
	expect("From: \"Acme Rewards\" <news@mail.acme.example>\r\n", "T_OFFER", 0);
	expect("From: \"Giftshop Weekly\" <news@giftshop.example>\r\n", "T_OFFER", 0);
	expect("From: \"Perkins Builders\" <office@builders.example>\r\n", "T_OFFER", 0);
	expect("From: <rewards@cookfest.example>\r\n", "T_OFFER", 0);
	expect("From: \"service@bigbank.com\" <x7@random-mailer.net>\r\n", "T_NAME_DOM", 1);
	expect("From: \"Bigbank.com Support\" <team@bulk-sender.net>\r\n", "T_NAME_DOM", 1);
	expect("From: \"Parcel Service (noreply@parcels.de)\" <a@shop-x.com>\r\n", "T_NAME_DOM", 1);
	/* must not hit: the own address or site; an initial; a brand's other
	 * country domain; a list's rewrite; no name */
	expect("From: \"Jane Roe (jane@corp-site.com)\" <jane@corp-site.com>\r\n", "T_NAME_DOM", 0);
	expect("From: \"Shop-Site.com\" <news@mail.shop-site.com>\r\n", "T_NAME_DOM", 0);
	expect("From: \"Craig R.Hughes\" <craig@corp-site.net>\r\n", "T_NAME_DOM", 0);
	expect("From: \"Bigbrand.co.uk\" <orders@bigbrand.com>\r\n", "T_NAME_DOM", 0);
	expect("From: \"Bigbrand.com\" <orders@bigbrand-support.net>\r\n", "T_NAME_DOM", 1);
	expect("From: \"bob@gmail.com via Users\" <users@lists.project.org>\r\n", "T_NAME_DOM", 0);
	expect("From: Jane Roe <jane@corp-site.com>\r\n", "T_NAME_DOM", 0);
	expect("From: jane@corp-site.com\r\n", "T_NAME_DOM", 0);
}

static void test_replyto_envelope(void **state)
{
	sc_envelope env;
	char *h;

	(void) state;
	expect("From: a@shop-site.com\r\nReply-To: claims@other-firm.net\r\n", "T_RT_DOM", 1);
	/* must not hit: same site, same brand, no Reply-To, a list's Reply-To */
	expect("From: a@shop-site.com\r\nReply-To: help@support.shop-site.com\r\n", "T_RT_DOM", 0);
	expect("From: a@mail.shopsite.com\r\nReply-To: help@shopsite.co.uk\r\n", "T_RT_DOM", 0);
	/* a lookalike of the From domain (the BEC trick) */
	expect("From: ceo@shopsite.com\r\nReply-To: ceo@shopsite-mail.com\r\n", "T_RT_DOM", 1);
	expect("From: a@shop-site.com\r\n", "T_RT_DOM", 0);
	expect("From: bob@home-site.net\r\nReply-To: users@lists.project.org\r\n"
	       "List-Id: <users.lists.project.org>\r\n",
	       "T_RT_DOM", 0);
	expect("From: \"Bob via Users\" <users@lists.project.org>\r\nReply-To: "
	       "bob@home-site.net\r\n",
	       "T_RT_DOM", 0);

	memset(&env, 0, sizeof(env));
	env.mail_from = "bounce-77@esp-bounces.net";
	h = hits_env("From: a@shop-site.com\r\n", "x", lists, &env);
	assert_non_null(strstr(h, "MAIL FROM bounce-77@esp-bounces.net is on another "
				  "domain than From a@shop-site.com"));
	free(h);
	env.mail_from = "b@bounce.shop-site.com";
	h = hits_env("From: a@shop-site.com\r\n", "x", lists, &env);
	assert_null(strstr(h, "T_ENV_DOM"));
	free(h);
	/* the null sender (bounces) and no envelope at all */
	env.mail_from = "";
	h = hits_env("From: a@shop-site.com\r\n", "x", lists, &env);
	assert_null(strstr(h, "T_ENV_DOM"));
	free(h);
	h = hits_env("From: a@shop-site.com\r\n", "x", lists, NULL);
	assert_null(strstr(h, "T_ENV_DOM"));
	free(h);
}

static void test_reply_without_reference(void **state)
{
	(void) state;
	expect("From: a@b-site.com\r\nSubject: Re: your invoice\r\n", "T_FAKE_RE", 1);
	expect("From: a@b-site.com\r\nSubject: RE: Payment\r\n", "T_FAKE_RE", 1);
	expect("From: a@b-site.com\r\nSubject: AW: Rechnung\r\n", "T_FAKE_RE", 1);
	expect("From: a@b-site.com\r\nSubject: Fwd : contract\r\n", "T_FAKE_RE", 1);
	expect("From: a@b-site.com\r\nSubject: Re[2]: order\r\n", "T_FAKE_RE", 1);
	expect("From: a@b-site.com\r\nSubject: =?UTF-8?Q?Enc=3A_boleto?=\r\n", "T_FAKE_RE", 1);
	/* must not hit: a thread header; words that start alike; no prefix */
	expect("From: a@b-site.com\r\nSubject: Re: lunch\r\nIn-Reply-To: <1@b-site.com>\r\n",
	       "T_FAKE_RE", 0);
	expect("From: a@b-site.com\r\nSubject: Re: lunch\r\nReferences: <1@b-site.com>\r\n",
	       "T_FAKE_RE", 0);
	expect("From: a@b-site.com\r\nSubject: Reading list\r\n", "T_FAKE_RE", 0);
	expect("From: a@b-site.com\r\nSubject: Trade offer: 2 for 1\r\n", "T_FAKE_RE", 0);
	expect("From: a@b-site.com\r\nSubject: Encore: tickets\r\n", "T_FAKE_RE", 0);
	expect("From: a@b-site.com\r\n", "T_FAKE_RE", 0);
	/* the trap: an old client's real reply, no headers but a quote */
	expect_body("Subject: Re: lunch\r\n", "Fine by me.\r\n\r\n> Shall we meet at noon?",
		    "T_FAKE_RE", 0);
	expect_body("Subject: RE: lunch\r\n",
		    "Fine.\r\n\r\n-----Original Message-----\r\nFrom: Bob\r\nnoon?", "T_FAKE_RE",
		    0);
	expect_body("Subject: Re: lunch\r\n", "Fine.\r\n\r\nOn Monday, Bob wrote:\r\nnoon?",
		    "T_FAKE_RE", 0);
	/* a forward with the header block Outlook writes, in its language */
	expect_body("Subject: Fwd: invoice 88\r\n",
		    "See below.\r\n\r\nFrom: Anna Berg <anna@example.org>\r\nSent: Monday, 7 "
		    "December 2026 10:02\r\nTo: Sam\r\nSubject: invoice 88\r\n\r\nAttached.",
		    "T_FAKE_RE", 0);
	expect_body(
		"Subject: Fwd: fattura\r\n",
		"Ti giro la mail.\r\n\r\nDa: Ufficio <u@example.org>\r\nInviato: luned\xc3\xac\r\n"
		"Oggetto: fattura",
		"T_FAKE_RE", 0);
	expect_body("Subject: WG: Rechnung\r\n",
		    "Zur Info.\r\n\r\n*Von:* Buchhaltung\r\n*Gesendet:* Montag\r\n", "T_FAKE_RE",
		    0);
	/* but a "From:" without its date line is no such block */
	expect_body("Subject: Fwd: contract\r\n", "From: the legal team\r\nPlease sign today.",
		    "T_FAKE_RE", 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_replyto_freemail),
		cmocka_unit_test(test_from_freemail),
		cmocka_unit_test(test_url_shortener),
		cmocka_unit_test(test_anchor_domain_mismatch),
		cmocka_unit_test(test_url_ip_userinfo),
		cmocka_unit_test(test_url_data_js_idn),
		cmocka_unit_test(test_form_offsite),
		cmocka_unit_test(test_redirect_param),
		cmocka_unit_test(test_links_avoid_from),
		cmocka_unit_test(test_sender_random_domain),
		cmocka_unit_test(test_from_outside_recipients),
		cmocka_unit_test(test_client_internal),
		cmocka_unit_test(test_to_self),
		cmocka_unit_test(test_from_name_other_domain),
		cmocka_unit_test(test_replyto_envelope),
		cmocka_unit_test(test_reply_without_reference),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
