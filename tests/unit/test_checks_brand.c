/*
 * test_checks_brand.c - the brand checks (checks_brand.c) and brand maps
 * (lists.c) on hand-written messages: must hit (a brand's name in a
 * display name on a foreign domain, homoglyph, typo and embedded-name
 * look-alikes, an executive's name on a webmail address) and must not hit
 * (the brand's own domains and subdomains, the brand under another public
 * suffix, a word that merely contains the name, a mailing list's rewrite,
 * a brand named in a forwarded body, no brand map at all).
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
#include "config.h"
#include "diag.h"
#include "lists.h"
#include "mem.h"
#include "msg.h"
#include "rules.h"

static const char RULES[] = "header T_NAME eval:check_from_brand_mismatch()\n"
			    "header T_NAME_LOCAL eval:check_from_brand_mismatch('local')\n"
			    "header T_SUBJ eval:check_subject_brand_mismatch()\n"
			    "header T_FROM_LA eval:check_from_lookalike()\n"
			    "header T_FROM_LA_SUB eval:check_from_lookalike('subdomain')\n"
			    "header T_URL_LA eval:check_url_lookalike()\n"
			    "header T_URL_LA_SUB eval:check_url_lookalike('subdomain')\n"
			    "header T_EXEC eval:check_display_name_executive()\n"
			    "header T_COUSIN eval:check_replyto_cousin()\n"
			    "header T_UNSIGNED eval:check_from_brand_unsigned()\n"
			    "body T_BODY eval:check_body_brand_mismatch()\n"
			    "body T_BODY_SHORT eval:check_body_brand_mismatch('20')\n";

static const char MAP[] = "# test brands\n"
			  "PayPal: paypal.com paypal.me\n"
			  "Amazon, Amazon Prime: amazon.com amazon.co.uk amazonses.com\n"
			  "Chase, Chase Bank: chase.com\n"
			  "Microsoft, Office 365: microsoft.com ~live.com\n"
			  "DHL: dhl.com\n"
			  "Google: google.com gmail.com\n"
			  "Liberty Mutual: libertymutual.com\n"
			  "LinkedIn: linkedin.com\n"
			  "Ledger: ledger.com\n"
			  "ING Bank, =ING: ~ing.nl\n"
			  "Internal Revenue Service: irs.gov\n"
			  "Sparkasse: sparkasse.de sparkasse-*.de *-sparkasse.de\n"
			  "Mercado Livre, Mercado Libre: mercadolivre.com.br mercadolibre.com\n"
			  "SBI\xe8\xa8\xbc\xe5\x88\xb8: sbisec.co.jp\n";

static const char *const LIST_FILES[] = {"brands.map", MAP, "freemail.txt", "gmail.com\n", NULL};

static sc_lists *lists;
static sc_ruleset *rules;
static sc_config *plain, *site; /* no site keys; protected_domains + executives */

static int setup(void **state)
{
	(void) state;
	if (harness_load(&lists, &rules, LIST_FILES, RULES) != 0)
		return -1;
	plain = sc_config_defaults(NULL);
	site = sc_config_defaults(NULL);
	site->protected_domains = sc_strdup("acme-corp.com, acme.example");
	site->executives = sc_strdup("Jane Doe, Bob Stone");
	return 0;
}

static int teardown(void **state)
{
	(void) state;
	harness_unload(lists, rules);
	sc_config_free(plain);
	sc_config_free(site);
	return 0;
}

/* hits - what the rules say about headers + body, with ls and c */
static char *hits(const char *headers, const char *body, const sc_lists *ls, const sc_config *c)
{
	sc_buf raw;
	char *res;

	sc_buf_init(&raw, SC_BUF_UNLIMITED);
	(void) sc_buf_printf(&raw, "%s\r\n%s\r\n", headers, body);
	res = harness_hits_env(rules, ls, c, NULL, raw.data, raw.len);
	sc_buf_free(&raw);
	return res;
}

typedef struct row {
	const char *headers; /* complete header block, CRLF line ends */
	const char *body;
	const char *rule;
	int hit;
	int with_site; /* 1: protected_domains and executives set */
} row;

/* run_rows - every row against the rules, failing on the first wrong one */
static void run_rows(const row *rows, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		char *h = hits(rows[i].headers, rows[i].body, lists,
			       rows[i].with_site ? site : plain);

		harness_check(h, rows[i].rule, rows[i].hit, NULL, (long) i, rows[i].headers);
		free(h);
	}
}

#define S "Subject: hello\r\n"

static void test_from_brand_mismatch(void **state)
{
	static const row rows[] = {
		{"From: \"PayPal Service\" <service@paypal.com>\r\n" S, "x", "T_NAME", 0, 0},
		{"From: PayPal <service@mail.paypal.com>\r\n" S, "x", "T_NAME", 0, 0},
		{"From: Amazon <ship@amazon.co.uk>\r\n" S, "x", "T_NAME", 0, 0},
		{"From: Amazon <ship@news.amazon.co.za>\r\n" S, "x", "T_NAME", 0, 0},
		{"From: Amazon <ship@amazon.shop>\r\n" S, "x", "T_NAME", 1, 0},
		/* a country the brand has a listed domain in: not an unlisted one */
		{"From: Amazon <ship@amazon.uk>\r\n" S, "x", "T_NAME", 1, 0},
		/* a brand's free webmail domain is anybody's */
		{"From: \"Google Security\" <alert@gmail.com>\r\n" S, "x", "T_NAME", 1, 0},
		{"From: \"Google\" <no-reply@accounts.google.com>\r\n" S, "x", "T_NAME", 0, 0},
		/* an address without a domain is nobody's */
		{"From: \"PayPal\" <>\r\n" S, "x", "T_NAME", 1, 0},
		{"From: \"PayPal\" <service-paypal,net>\r\n" S, "x", "T_NAME", 1, 0},
		{"From: Microsoft <account@live.com>\r\n" S, "x", "T_NAME", 0, 0},
		{"From: \"PayPal Support\" <x@secure-notice.example>\r\n" S, "x", "T_NAME", 1, 0},
		{"From: \"PAYPAL\" <x@secure-notice.example>\r\n" S, "x", "T_NAME", 1, 0},
		/* a name of two words the other way round, at most one word
		 * between; one of its words is no name, nor its words further apart */
		{"From: \"MUTUAL LIBERTY Rewards\" <x@secure-notice.example>\r\n" S, "x", "T_NAME", 1, 0},
		{"From: \"Mutual VIP Liberty\" <x@secure-notice.example>\r\n" S, "x", "T_NAME", 1, 0},
		{"From: \"Mutual of the Liberty\" <x@secure-notice.example>\r\n" S, "x", "T_NAME", 0, 0},
		/* a family of domains ("sparkasse-*.de") is the brand's, a
		 * subdomain of one too; another suffix, or nothing for the "*", not */
		{"From: \"Sparkasse KölnBonn\" <s@sparkasse-koelnbonn.de>\r\n" S, "x", "T_NAME", 0, 0},
		{"From: \"Frankfurter Sparkasse\" <s@mail.frankfurter-sparkasse.de>\r\n" S, "x", "T_NAME", 0, 0},
		{"From: \"Sparkasse\" <s@sparkasse-koelnbonn.com>\r\n" S, "x", "T_NAME", 1, 0},
		{"From: \"Sparkasse\" <s@sparkasse-.de>\r\n" S, "x", "T_NAME", 1, 0},
		{"From: \"Sparkasse\" <s@sparkasse-koelnbonn.de.example>\r\n" S, "x", "T_NAME", 1, 0},
		{"From: \"Sparkasse\" <s@sparkasse-koelnbonn.de>\r\n" S, "x", "T_FROM_LA", 0, 0},
		{"From: \"Sparkasse\" <s@sparkasse-sicherheit.com>\r\n" S, "x", "T_FROM_LA", 1, 0},
		/* the trade-off lists.h states: a member a phisher registers
		 * under the family's suffix passes the name and look-alike checks */
		{"From: \"Sparkasse\" <s@sparkasse-sicherheit.de>\r\n" S, "x", "T_NAME", 0, 0},
		{"From: \"Sparkasse\" <s@sparkasse-sicherheit.de>\r\n" S, "x", "T_FROM_LA", 0, 0},
		/* an exact name ("=ING"): only as written, case and all */
		{"From: \"ING\" <service@pas-vervangen.example>\r\n" S, "x", "T_NAME", 1, 0},
		{"From: \"ING Klantenservice\" <service@pas-vervangen.example>\r\n" S, "x", "T_NAME", 1, 0},
		{"From: \"ING\" <service@ing.nl>\r\n" S, "x", "T_NAME", 0, 0},
		{"From: \"Dipl.-Ing. Hans Berg\" <hb@berg-statik.example>\r\n" S, "x", "T_NAME", 0, 0},
		{"From: \"ing. Berg\" <hb@berg-statik.example>\r\n" S, "x", "T_NAME", 0, 0},
		{"From: \"TESTING Team\" <qa@berg-statik.example>\r\n" S, "x", "T_NAME", 0, 0},
		{"From: \"Ing Bank\" <x@berg-statik.example>\r\n" S, "x", "T_NAME", 1, 0},
		{"From: Berg <ing@berg-statik.example>\r\n" S, "x", "T_NAME_LOCAL", 0, 0},
		{"From: \"DIPL.-ING. HANS BERG\" <hb@berg-statik.example>\r\n" S, "x", "T_NAME", 0, 0},
		{"From: \"\xc3\x84ING\" <hb@berg-statik.example>\r\n" S, "x", "T_NAME", 0, 0},
		{"From: \"ING\xc3\xa9\" <hb@berg-statik.example>\r\n" S, "x", "T_NAME", 0, 0},
		{"From: x@pas-vervangen.example\r\nSubject: ING: uw pas\r\n", "x", "T_SUBJ", 1, 0},
		{"From: \"Liberty Home Mutual\" <x@secure-notice.example>\r\n" S, "x", "T_NAME", 0, 0},
		{"From: \"Liberty Bell Tours\" <x@secure-notice.example>\r\n" S, "x", "T_NAME", 0, 0},
		{"From: \"Mutual Friends\" <x@secure-notice.example>\r\n" S, "x", "T_NAME", 0, 0},
		/* a Cyrillic a (U+0430) in the name */
		{"From: \"P\xd0\xb0yPal\" <x@secure-notice.example>\r\n" S, "x", "T_NAME", 1, 0},
		{"From: =?UTF-8?B?UNCweVBhbA==?= <x@secure-notice.example>\r\n" S, "x", "T_NAME", 1,
		 0},
		{"From: \"Office 365 Admin\" <x@tenant.example>\r\n" S, "x", "T_NAME", 1, 0},
		/* an emoji or punctuation next to the name is a word boundary */
		{"From: \"\xe2\x9c\x85PayPal Bonus\" <x@tenant.example>\r\n" S, "x", "T_NAME", 1,
		 0},
		{"From: \"Banco.PayPal\" <x@tenant.example>\r\n" S, "x", "T_NAME", 1, 0},
		/* ... a letter of any script is not */
		{"From: \"\xc3\xa9PayPal\" <x@tenant.example>\r\n" S, "x", "T_NAME", 0, 0},
		{"From: \"Chase Bank\" <alerts@chase-online.example>\r\n" S, "x", "T_NAME", 1, 0},
		/* a word that merely contains the name */
		{"From: \"Paypalooza Events\" <x@events.example>\r\n" S, "x", "T_NAME", 0, 0},
		{"From: \"Purchase Desk\" <x@shop.example>\r\n" S, "x", "T_NAME", 0, 0},
		/* a mailing list's rewrite */
		{"From: \"Ann via PayPal Users\" <list@lists.example.org>\r\n"
		 "List-Id: <paypal-users.lists.example.org>\r\n" S,
		 "x", "T_NAME", 0, 0},
		/* ... but a bare " via " is no list */
		{"From: \"PayPal via Secure Center\" <x@secure-notice.example>\r\n" S, "x",
		 "T_NAME", 1, 0},
		/* no display name; no brand named */
		{"From: x@secure-notice.example\r\n" S, "x", "T_NAME", 0, 0},
		{"From: \"Alice Smith\" <alice@home.example>\r\n" S, "x", "T_NAME", 0, 0},
		/* a brand named in a forwarded body does not make the From hit */
		{"From: \"Alice Smith\" <alice@home.example>\r\nSubject: Fwd: receipt\r\n",
		 "---------- Forwarded message ---------\r\nFrom: PayPal <service@paypal.com>\r\n"
		 "Subject: Your receipt from PayPal\r\n",
		 "T_NAME", 0, 0},
		/* the masks of bulk senders: a capital I for an l, underscores
		 * for spaces, a name spelled out in single letters */
		{"From: \"Hello PayPaI\" <x@qpstore.example>\r\n" S, "x", "T_NAME", 1, 0},
		{"From: \"ChIase Team\" <x@qpstore.example>\r\n" S, "x", "T_NAME", 0, 0},
		{"From: \"Liberty_Mutual_Team\" <x@deck.example>\r\n" S, "x", "T_NAME", 1, 0},
		{"From: \"P a y p a l Billing\" <x@deck.example>\r\n" S, "x", "T_NAME", 1, 0},
		{"From: \"A m a z o n\" <x@deck.example>\r\n" S, "x", "T_NAME", 1, 0},
		{"From: \"Iedger Support\" <k14@qvvq.example>\r\n" S, "x", "T_NAME", 1, 0},
		/* accents sprinkled on the letters */
		{"From: \"P\xc3\xa1yP\xc3\xa1l Support\" <x@gotgel.example>\r\n" S, "x", "T_NAME", 1,
		 0},
		{"From: \"B\xc3\x8d" "edger\" <x@gotgel.example>\r\n" S, "x", "T_NAME", 0, 0},
		{"From: \"\xc3\x8d" "edger Wallet\" <x@gotgel.example>\r\n" S, "x", "T_NAME", 1, 0},
		{"From: \"Item Shipped\" <x@shop.example>\r\n" S, "x", "T_NAME", 0, 0},
		/* three letters spelled out are initials, not a mask */
		{"From: \"D H L\" <x@deck.example>\r\n" S, "x", "T_NAME", 0, 0},
		/* LinkedIn's own capital I still reads as LinkedIn */
		{"From: \"LinkedIn\" <x@deck.example>\r\n" S, "x", "T_NAME", 1, 0},
		{"From: \"LinkedIn\" <messages-noreply@linkedin.com>\r\n" S, "x", "T_NAME", 0, 0},
		/* in a script without spaces the name needs no word boundary */
		{"From: =?UTF-8?B?U0JJ6Ki85Yi444GL44KJ44Gu44GK55+l44KJ44Gb?= <x@rovasex.example>\r\n" S,
		 "x", "T_NAME", 1, 0},
		{"From: =?UTF-8?B?U0JJ6Ki85Yi4?= <info@sbisec.co.jp>\r\n" S, "x", "T_NAME", 0, 0},
		/* the local part, with 'local' only */
		{"From: <paypal-service@secure-notice.example>\r\n" S, "x", "T_NAME_LOCAL", 1, 0},
		{"From: <paypal-service@secure-notice.example>\r\n" S, "x", "T_NAME", 0, 0},
		{"From: <paypal@mail.paypal.com>\r\n" S, "x", "T_NAME_LOCAL", 0, 0},
		{"From: <paypalooza@events.example>\r\n" S, "x", "T_NAME_LOCAL", 0, 0},
		/* the Subject check */
		{"From: \"Alice\" <alice@home.example>\r\nSubject: Your PayPal account is on "
		 "hold\r\n",
		 "x", "T_SUBJ", 1, 0},
		{"From: PayPal <service@paypal.com>\r\nSubject: Your PayPal receipt\r\n", "x",
		 "T_SUBJ", 0, 0},
		/* the site's own domains are brands too */
		{"From: \"Acme Corp Payroll\" <payroll@gmail.com>\r\n" S, "x", "T_NAME", 1, 1},
		{"From: \"Acme Corp Payroll\" <payroll@acme-corp.com>\r\n" S, "x", "T_NAME", 0, 1},
	};

	(void) state;
	run_rows(rows, sizeof(rows) / sizeof(rows[0]));
}

static void test_from_lookalike(void **state)
{
	static const row rows[] = {
		/* the real domains and their subdomains */
		{"From: <a@paypal.com>\r\n" S, "x", "T_FROM_LA", 0, 0},
		{"From: <a@e.mail.paypal.com>\r\n" S, "x", "T_FROM_LA", 0, 0},
		{"From: <a@bounce.amazonses.com>\r\n" S, "x", "T_FROM_LA_SUB", 0, 0},
		/* the brand's name under a country's suffix: an unlisted country
		 * domain; under another suffix: a look-alike */
		{"From: <a@paypal.de>\r\n" S, "x", "T_FROM_LA", 0, 0},
		{"From: <a@amazon.com.au>\r\n" S, "x", "T_FROM_LA", 0, 0},
		{"From: <a@amazon.uk>\r\n" S, "x", "T_FROM_LA", 1, 0},
		/* a country domain of one key is no typo of the brand's other key */
		{"From: <a@e-mail.mercadolibre.com.ar>\r\n" S, "x", "T_FROM_LA", 0, 0},
		{"From: <a@mercadolibre.xyz>\r\n" S, "x", "T_FROM_LA", 1, 0},
		{"From: <a@paypal.xyz>\r\n" S, "x", "T_FROM_LA", 1, 0},
		/* homoglyphs: a Cyrillic a, as U-label and A-label; a digit; rn for m */
		{"From: <a@p\xd0\xb0ypal.com>\r\n" S, "x", "T_FROM_LA", 1, 0},
		{"From: <a@xn--pypal-4ve.com>\r\n" S, "x", "T_FROM_LA", 1, 0},
		{"From: <a@paypa1.com>\r\n" S, "x", "T_FROM_LA", 1, 0},
		{"From: <a@rnicrosoft.com>\r\n" S, "x", "T_FROM_LA", 1, 0},
		/* one typo on a long name: an extra letter, a swap */
		{"From: <a@paypall.com>\r\n" S, "x", "T_FROM_LA", 1, 0},
		{"From: <a@amazno.com>\r\n" S, "x", "T_FROM_LA", 1, 0},
		/* two typos: not a look-alike */
		{"From: <a@pyapla.com>\r\n" S, "x", "T_FROM_LA", 0, 0},
		/* the name inside another domain */
		{"From: <a@paypal-secure-login.com>\r\n" S, "x", "T_FROM_LA", 1, 0},
		{"From: <a@paypalsecure.com>\r\n" S, "x", "T_FROM_LA", 1, 0},
		{"From: <a@dhl-parcel.net>\r\n" S, "x", "T_FROM_LA", 1, 0},
		{"From: <a@my-chase.com>\r\n" S, "x", "T_FROM_LA", 1, 0},
		/* a short name inside a word: not a look-alike */
		{"From: <a@fdhlx.com>\r\n" S, "x", "T_FROM_LA", 0, 0},
		{"From: <a@purchase.com>\r\n" S, "x", "T_FROM_LA", 0, 0},
		/* the name in a subdomain: only with 'subdomain' */
		{"From: <a@amazon.account-verify.xyz>\r\n" S, "x", "T_FROM_LA", 0, 0},
		{"From: <a@amazon.account-verify.xyz>\r\n" S, "x", "T_FROM_LA_SUB", 1, 0},
		{"From: <a@paypal.com.secure-login.xyz>\r\n" S, "x", "T_FROM_LA_SUB", 1, 0},
		{"From: <a@news.example.com>\r\n" S, "x", "T_FROM_LA_SUB", 0, 0},
		/* protected domains */
		{"From: <a@acme-crop.com>\r\n" S, "x", "T_FROM_LA", 1, 1},
		{"From: <a@acme-c0rp.com>\r\n" S, "x", "T_FROM_LA", 1, 1},
		{"From: <a@acme-corp.com>\r\n" S, "x", "T_FROM_LA", 0, 1},
		{"From: <a@acme-crop.com>\r\n" S, "x", "T_FROM_LA", 0, 0},
	};

	(void) state;
	run_rows(rows, sizeof(rows) / sizeof(rows[0]));
}

#define HTML "Content-Type: text/html; charset=utf-8\r\nFrom: <a@shop.example>\r\n" S

static void test_url_lookalike(void **state)
{
	static const row rows[] = {
		{HTML,
		 "<a href=\"https://www.paypal.com/signin\">x</a>"
		 "<a href=\"https://email.amazon.com/t\">y</a>",
		 "T_URL_LA", 0, 0},
		{HTML, "<a href=\"https://paypa1.com/login\">PayPal</a>", "T_URL_LA", 1, 0},
		{HTML, "<a href=\"https://www.amazon-account-verify.net/\">x</a>", "T_URL_LA", 1,
		 0},
		{HTML, "<form action=\"https://p\xd0\xb0ypal.com/x\"></form>", "T_URL_LA", 1, 0},
		{HTML, "<a href=\"https://amazon.account-verify.xyz/\">x</a>", "T_URL_LA", 0, 0},
		{HTML, "<a href=\"https://amazon.account-verify.xyz/\">x</a>", "T_URL_LA_SUB", 1,
		 0},
		/* a plain-text link counts; an address does not */
		{"From: <a@shop.example>\r\n" S, "see https://paypal-help.net/", "T_URL_LA", 1, 0},
		{"From: <a@shop.example>\r\n" S, "write to help@paypal-help.net", "T_URL_LA", 0, 0},
	};

	(void) state;
	run_rows(rows, sizeof(rows) / sizeof(rows[0]));
}

static void test_replyto_cousin(void **state)
{
	static const row rows[] = {
		{"From: <buyer@asda.co.uk>\r\nReply-To: <sales@asdaa.uk>\r\n" S, "x", "T_COUSIN", 1, 0},
		{"From: <ceo@acme-corp.com>\r\nReply-To: <ceo@acme-crop.com>\r\n" S, "x", "T_COUSIN", 1,
		 0},
		{"From: <ceo@northwind.com>\r\nReply-To: <ceo@northwindd.com>\r\n" S, "x", "T_COUSIN", 1,
		 0},
		/* a company's own pair, its own subdomain, short or unrelated labels */
		{"From: <a@asda.com>\r\nReply-To: <b@asda.co.uk>\r\n" S, "x", "T_COUSIN", 0, 0},
		{"From: <a@mail.acme.com>\r\nReply-To: <b@acme.com>\r\n" S, "x", "T_COUSIN", 0, 0},
		{"From: <a@abc.com>\r\nReply-To: <b@abd.com>\r\n" S, "x", "T_COUSIN", 0, 0},
		{"From: <a@acme.com>\r\nReply-To: <b@gmail.com>\r\n" S, "x", "T_COUSIN", 0, 0},
		{"From: <a@acme.com>\r\n" S, "x", "T_COUSIN", 0, 0},
	};

	(void) state;
	run_rows(rows, sizeof(rows) / sizeof(rows[0]));
}

static void test_body_brand_mismatch(void **state)
{
#define F "From: \"Kim Allen\" <kim@fund.example>\r\n" S
	static const row rows[] = {
		{F, "Your PayPal renewal of $359 is done.", "T_BODY", 1, 0},
		{F, "Thank you for choosing PAYPAL, INC.", "T_BODY", 1, 0},
		{F, "Best regards, Paypal billing", "T_BODY", 1, 0},
		{F, "the best regards of Geek Squad. Call Chase Bank now", "T_BODY", 1, 0},
		{F, "SBI\xe8\xa8\xbc\xe5\x88\xb8\xe3\x81\x8b\xe3\x82\x89", "T_BODY", 1, 0},
		/* written as no brand writes itself: a word */
		{F, "we chase the paypal of it", "T_BODY", 0, 0},
		{F, "pAYPAL", "T_BODY", 0, 0},
		/* inside a longer word */
		{F, "PayPalooza and Chasers", "T_BODY", 0, 0},
		/* an exact name only as written */
		{F, "Uw ING betaalpas", "T_BODY", 1, 0},
		{F, "Dipl.-Ing. Hans Berg", "T_BODY", 0, 0},
		{F, "SHIPPING AND HANDLING", "T_BODY", 0, 0},
		{F, "ING", "T_BODY", 1, 0},
		{F, "Uw pas van ING", "T_BODY", 1, 0},
		{F, "DIPL.-ING. HANS BERG", "T_BODY", 0, 0},
		{F, "\xc3\x84ING und INGé", "T_BODY", 0, 0},
		/* the brand's own mail */
		{"From: PayPal <service@paypal.com>\r\n" S, "Your PayPal receipt", "T_BODY", 0, 0},
		/* nor another brand's: brands name each other */
		{"From: Bank <news@chase.com>\r\n" S, "Chase and PayPal", "T_BODY", 0, 0},
		{"From: Bank <news@chase.example>\r\n" S, "Chase and PayPal", "T_BODY", 1, 0},
		/* a brand's free webmail is anybody's */
		{"From: Kim <kim@gmail.com>\r\n" S, "Your PayPal receipt", "T_BODY", 1, 0},
		/* the way a receipt was paid, not its sender */
		{F, "Paid with PayPal. Thank you for your order.", "T_BODY", 0, 0},
		{F, "Payment method: PayPal", "T_BODY", 0, 0},
		{F, "Charged to your PayPal card ending 4421", "T_BODY", 0, 0},
		{F, "Bezahlt mit PayPal", "T_BODY", 0, 0},
		{F, "Your automatic renewal with PayPal is on schedule", "T_BODY", 1, 0},
		{F, "Paid with PayPal. PayPal Subscription Record", "T_BODY", 1, 0},
		/* only the first BYTES bytes are read (the Subject line counts) */
		{F, "Hello, this is a long opening line. PayPal", "T_BODY_SHORT", 0, 0},
		{F, "PayPal", "T_BODY_SHORT", 1, 0},
		{"From: x@fund.example\r\nSubject: PayPal\r\n", "x", "T_BODY_SHORT", 1, 0},
	};
#undef F

	(void) state;
	run_rows(rows, sizeof(rows) / sizeof(rows[0]));
}

static void test_from_brand_unsigned(void **state)
{
#define SIG(d) "DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed;\r\n d=" d "; s=s1;\r\n h=From:Subject; bh=x; b=y\r\n"
	static const row rows[] = {
		/* a brand's domain and nothing signs for it */
		{"From: PayPal <service@paypal.com>\r\n" S, "x", "T_UNSIGNED", 1, 0},
		{"From: PayPal <service@mail.paypal.com>\r\n" SIG("other.example") S, "x", "T_UNSIGNED", 1, 0},
		/* signed by the domain, a parent, or a sibling under it */
		{"From: PayPal <service@paypal.com>\r\n" SIG("paypal.com") S, "x", "T_UNSIGNED", 0, 0},
		{"From: PayPal <service@mail.paypal.com>\r\n" SIG("PayPal.com") S, "x", "T_UNSIGNED", 0, 0},
		{"From: PayPal <service@paypal.com>\r\n" SIG("e.paypal.com") S, "x", "T_UNSIGNED", 0, 0},
		{"From: PayPal <service@paypal.com>\r\n" SIG("other.example") SIG("paypal.com") S, "x",
		 "T_UNSIGNED", 0, 0},
		/* folded blanks around d and =, d= last, "d=" inside b= */
		{"From: PayPal <service@paypal.com>\r\nDKIM-Signature: v=1; s=x;\r\n d\r\n =\r\n paypal.com\r\n" S,
		 "x", "T_UNSIGNED", 0, 0},
		{"From: PayPal <service@paypal.com>\r\nDKIM-Signature: v=1; b=abcd=paypal.com; d=x.example\r\n" S,
		 "x", "T_UNSIGNED", 1, 0},
		{"From: PayPal <service@PayPal.COM>\r\nDKIM-Signature: v=1; s=x; d=paypal.com\r\n" S, "x",
		 "T_UNSIGNED", 0, 0},
		/* an empty d=, a public suffix, an over-long d= sign for nobody */
		{"From: PayPal <service@paypal.com>\r\nDKIM-Signature: v=1; d=; s=x\r\n" S, "x", "T_UNSIGNED", 1, 0},
		{"From: PayPal <service@paypal.com>\r\n" SIG("com") S, "x", "T_UNSIGNED", 1, 0},
		{"From: Amazon <ship@amazon.co.uk>\r\n" SIG("co.uk") S, "x", "T_UNSIGNED", 1, 0},
		{"From: PayPal <service@paypal.com>\r\n" SIG("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.paypal.com") S,
		 "x", "T_UNSIGNED", 1, 0},
		/* a "gov" label under a brand is the brand's, not a public office */
		{"From: PayPal <service@gov.paypal.com>\r\n" S, "x", "T_UNSIGNED", 1, 0},
		/* a family member, signed and unsigned */
		{"From: Sparkasse <s@sparkasse-koelnbonn.de>\r\n" SIG("sparkasse-koelnbonn.de") S, "x", "T_UNSIGNED",
		 0, 0},
		{"From: Sparkasse <s@sparkasse-koelnbonn.de>\r\n" S, "x", "T_UNSIGNED", 1, 0},
		/* a d= that only ends like it, or a tag that only ends in d */
		{"From: PayPal <service@paypal.com>\r\n" SIG("notpaypal.com") S, "x", "T_UNSIGNED", 1, 0},
		{"From: PayPal <service@paypal.com>\r\nDKIM-Signature: v=1; dd=paypal.com; d=x.example\r\n" S,
		 "x", "T_UNSIGNED", 1, 0},
		/* no brand's domain, free webmail, a list, a public office */
		{"From: Kim <kim@fund.example>\r\n" S, "x", "T_UNSIGNED", 0, 0},
		{"From: Kim <kim@gmail.com>\r\n" S, "x", "T_UNSIGNED", 0, 0},
		{"From: IRS <refunds@irs.gov>\r\n" S, "x", "T_UNSIGNED", 0, 0},
		/* a List-Id changes nothing: anyone can write one */
		{"From: PayPal <service@paypal.com>\r\nList-Id: <news.lists.example>\r\n" S, "x", "T_UNSIGNED",
		 1, 0},
	};
#undef SIG

	(void) state;
	run_rows(rows, sizeof(rows) / sizeof(rows[0]));
}

static void test_executive(void **state)
{
	static const row rows[] = {
		{"From: \"Jane Doe\" <jane.doe.ceo@gmail.com>\r\n" S, "x", "T_EXEC", 1, 1},
		{"From: \"Jane Doe (CEO)\" <urgent@other.example>\r\n" S, "x", "T_EXEC", 1, 1},
		{"From: \"Jane Doe\" <jane@acme-corp.com>\r\n" S, "x", "T_EXEC", 0, 1},
		{"From: \"Jane Doe\" <jane@mail.acme-corp.com>\r\n" S, "x", "T_EXEC", 0, 1},
		{"From: \"Jane Doeling\" <j@gmail.com>\r\n" S, "x", "T_EXEC", 0, 1},
		{"From: \"Bob Stone\" <b@gmail.com>\r\n" S, "x", "T_EXEC", 1, 1},
		/* no executives configured */
		{"From: \"Jane Doe\" <jane.doe.ceo@gmail.com>\r\n" S, "x", "T_EXEC", 0, 0},
	};

	(void) state;
	run_rows(rows, sizeof(rows) / sizeof(rows[0]));
}

static void test_no_lists(void **state)
{
	char *h = hits("From: \"PayPal\" <x@paypa1.com>\r\n" S, "x", NULL, plain);

	(void) state;
	assert_string_equal(h, "");
	free(h);
}

static void test_map_errors(void **state)
{
	static const char text[] = "PayPal: paypal.com\n"
				   "no colon here\n"
				   ": nameless.com\n"
				   "Nodomain:\n"
				   "Bad: bad/domain.com good.com\n"
				   "Dotless: localhost\n"
				   "Family: ok-*.de *.de a*b*.de x*y.de xn--*.de\n"
				   "Blank, = Bar: bar.example\n";
	sc_brand_map *bm = sc_brand_map_new();
	sc_diags d;
	const sc_brand *b;

	(void) state;
	sc_diags_init(&d);
	sc_brand_map_load_text(bm, "b.map", text, strlen(text), &d);
	assert_int_equal(d.errors, 10); /* line 6: the domain, then the line;
					 * line 7: "*.de", "a*b*.de", "x*y.de", "xn--*.de" */
	for (size_t i = 6; i < 10; i++) {
		assert_int_equal(d.v[i].line, 7);
		assert_non_null(strstr(d.v[i].message, "only once"));
	}
	assert_int_equal(d.v[0].line, 2);
	assert_string_equal(d.v[0].file, "b.map");
	assert_int_equal(d.v[1].line, 3);
	assert_int_equal(d.v[3].line, 5);
	assert_int_equal(sc_brand_map_count(bm), 4); /* PayPal, Bad (good.com), Family, Blank */
	b = sc_brand_map_owner(bm, "bar.example");
	assert_non_null(b);
	assert_string_equal(b->names[1], "Bar"); /* "= Bar": exact, trimmed */
	assert_int_equal(b->name_exact[1], 1);
	assert_int_equal(b->name_exact[0], 0);
	assert_non_null(sc_brand_map_owner(bm, "ok-berlin.de"));
	assert_null(sc_brand_map_owner(bm, "ok-.de"));
	assert_null(sc_brand_map_owner(bm, "ok-berlin.de.example"));
	b = sc_brand_map_owner(bm, "www.good.com");
	assert_non_null(b);
	assert_string_equal(b->names[0], "Bad");
	assert_null(sc_brand_map_owner(bm, "notpaypal.com"));
	assert_non_null(sc_brand_map_owner(bm, "PayPal.COM."));
	sc_diags_free(&d);
	sc_brand_map_free(bm);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_from_brand_mismatch),
		cmocka_unit_test(test_from_lookalike),
		cmocka_unit_test(test_url_lookalike),
		cmocka_unit_test(test_replyto_cousin),
		cmocka_unit_test(test_body_brand_mismatch),
		cmocka_unit_test(test_from_brand_unsigned),
		cmocka_unit_test(test_executive),
		cmocka_unit_test(test_no_lists),
		cmocka_unit_test(test_map_errors),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
