/*
 * test_checks_text.c - the checks of checks_lists.c (a named list asked
 * about From, Reply-To and links; free-mail addresses the text gives) and
 * checks_text.c (mixed-script words, styled alphabets) on hand-written
 * messages: rows that must hit and traps that must not.
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
#include "lists.h"
#include "mem.h"
#include "msg.h"
#include "rules.h"

static const char RULES[] = "header T_FROM_TLD eval:check_from_in_list('tlds')\n"
			    "header T_RT_TLD eval:check_replyto_in_list('tlds')\n"
			    "body T_LINK_TLD eval:check_links_in_list('tlds')\n"
			    "body T_LINK_TLD2 eval:check_links_in_list('tlds', '2')\n"
			    "header T_FROM_NOLIST eval:check_from_in_list('nosuchlist')\n"
			    "body T_BODY_FM eval:check_body_freemail_address()\n"
			    "body T_MIXED eval:check_mixed_script_words()\n"
			    "body T_MIXED1 eval:check_mixed_script_words('1')\n"
			    "header T_MIXED_FROM eval:check_from_name_mixed_script()\n"
			    "body T_STYLED eval:check_styled_letters()\n"
			    "body T_SHORT eval:check_body_words('0', '5')\n"
			    "body T_SOME eval:check_body_words('3', '4')\n"
			    "body T_ACCENT eval:check_accented_words()\n"
			    "body T_ACCENT1 eval:check_accented_words('1')\n";

static const char *const LIST_FILES[] = {
	"tlds.txt", "# test\n.top\n.shop\n", "freemail.txt", "gmail.com\nyahoo.*\n", NULL,
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

/* hits - what the rules say about headers + body (Subject given here) */
static char *hits(const char *headers, const char *subject, const char *body)
{
	sc_buf raw;
	char *res;

	sc_buf_init(&raw, SC_BUF_UNLIMITED);
	(void) sc_buf_printf(&raw, "%sSubject: %s\r\n\r\n%s\r\n", headers, subject, body);
	res = harness_hits_env(rules, lists, NULL, NULL, raw.data, raw.len);
	sc_buf_free(&raw);
	return res;
}

typedef struct row {
	const char *headers, *subject, *body;
	const char *rule;
	int hit;
} row;

/* run_rows - every row's rule hits or not as it says */
static void run_rows(const row *rows, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		char *h = hits(rows[i].headers, rows[i].subject, rows[i].body);

		harness_check(h, rows[i].rule, rows[i].hit, NULL, (long) i, rows[i].body);
		free(h);
	}
}

static const char HTML[] = "MIME-Version: 1.0\r\nContent-Type: text/html; charset=utf-8\r\n";
#define UTF8_CT "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n"
static const char UTF8[] = UTF8_CT;

static void test_named_lists(void **state)
{
	static const row rows[] = {
		/* From and Reply-To domains, subdomains too */
		{"From: a@news.deals.top\r\n", "hi", "x", "T_FROM_TLD", 1},
		{"From: a@example.com\r\n", "hi", "x", "T_FROM_TLD", 0},
		/* a label that merely ends in the TLD's letters is not under it */
		{"From: a@desktop.example\r\n", "hi", "x", "T_FROM_TLD", 0},
		{"From: a@example.com\r\nReply-To: b@x.shop\r\n", "hi", "x", "T_RT_TLD", 1},
		{"From: a@x.shop\r\n", "hi", "x", "T_RT_TLD", 0},
		/* links: href and text; a mailto at such a domain is no link */
		{HTML, "hi", "<a href=\"https://win.prize.top/c\">claim</a>", "T_LINK_TLD", 1},
		{"", "hi", "see https://store.example.shop/a now", "T_LINK_TLD", 1},
		{HTML, "hi", "<a href=\"mailto:x@y.top\">mail</a>", "T_LINK_TLD", 0},
		{"", "hi", "see https://www.example.com/top.shop", "T_LINK_TLD", 0},
		/* the minimum counts registrable domains, not URLs */
		{"", "hi", "https://a.one.top/1 https://b.one.top/2", "T_LINK_TLD2", 0},
		{"", "hi", "https://a.one.top/1 https://b.two.shop/2", "T_LINK_TLD2", 1},
		/* where an href's redirect lands counts, once per site, and not
		 * for a URL in the text */
		{HTML, "hi",
		 "<a href=\"https://www.google.com/url?q=https%3A%2F%2Fp.win.top%2Fx\">a</a>",
		 "T_LINK_TLD", 1},
		{HTML, "hi",
		 "<a href=\"https://r.example.com/?u=https://a.win.top/1\">a</a>"
		 "<a href=\"https://r.example.com/?u=https://b.win.top/2\">b</a>",
		 "T_LINK_TLD2", 0},
		{"", "hi", "see https://www.google.com/url?q=https://p.win.top/x", "T_LINK_TLD", 0},
		/* Bing's click redirect carries its target in base64url after u=a1
		 * ("https://p.win.top/login?x=1", unpadded, with a '_') */
		{HTML, "hi",
		 "<a "
		 "href=\"https://www.bing.com/ck/"
		 "a?!&&p=3f1c&u=a1aHR0cHM6Ly9wLndpbi50b3AvbG9naW4_eD0x&ntb=1\">a</a>",
		 "T_LINK_TLD", 1},
		{HTML, "hi",
		 "<a href=\"https://www.bing.com/ck/a?!&&p=3f1c&u=a1bm90IGEgdXJs&ntb=1\">a</a>",
		 "T_LINK_TLD", 0},
		/* an unknown list never hits */
		{"From: a@x.top\r\n", "hi", "x", "T_FROM_NOLIST", 0},
	};

	(void) state;
	run_rows(rows, sizeof(rows) / sizeof(rows[0]));
}

static void test_body_freemail(void **state)
{
	static const row rows[] = {
		{"From: Claims <claims@agency.example>\r\n", "Fund",
		 "Write to my private e-mail: barrister.j@gmail.com today", "T_BODY_FM", 1},
		{"From: Claims <claims@agency.example>\r\n", "Fund", "Reply to Mike.Desk@Yahoo.de",
		 "T_BODY_FM", 1},
		/* the sender's own address, in any case, or the Reply-To one */
		{"From: Bob <bob@gmail.com>\r\n", "hi", "Bob (BOB@gmail.com)", "T_BODY_FM", 0},
		{"From: a@agency.example\r\nReply-To: desk@gmail.com\r\n", "hi",
		 "answer desk@gmail.com", "T_BODY_FM", 0},
		/* an address at a company is no free mailbox */
		{"From: a@agency.example\r\n", "hi", "write to sales@vendor.example", "T_BODY_FM",
		 0},
	};
	char *h;

	(void) state;
	run_rows(rows, sizeof(rows) / sizeof(rows[0]));
	h = hits("From: a@agency.example\r\n", "x", "a.b@gmail.com and c@yahoo.com");
	assert_non_null(strstr(h, "the text gives 2 addresses at free webmail providers "
				  "that the headers do not, first a.b@gmail.com"));
	free(h);
}

static void test_mixed_script(void **state)
{
	/* "Vеrіfy Yоur" with Cyrillic е, і, о */
	static const row rows[] = {
		{UTF8, "Notice",
		 "V\xd0\xb5r\xd1\x96"
		 "fy Y\xd0\xbeur account",
		 "T_MIXED", 1},
		/* in the Subject too */
		{UTF8, "=?UTF-8?B?VtC1ctGWZnkgWdC+dXI=?=", "x", "T_MIXED", 1},
		/* Greek omicron inside "Lοgin" and "Accοunt" */
		{UTF8, "x", "L\xce\xbfgin to your Acc\xce\xbfunt", "T_MIXED", 1},
		/* one mixed word: a layout slip, below the default minimum of 2 */
		{UTF8, "x", "V\xd0\xb5rify now", "T_MIXED", 0},
		{UTF8, "x", "V\xd0\xb5rify now", "T_MIXED1", 1},
		/* genuine Russian and Greek text with Latin words beside them */
		{UTF8, "x",
		 "\xd0\x9f\xd1\x80\xd0\xb8\xd0\xb2\xd0\xb5\xd1\x82 Google "
		 "\xd0\xbc\xd0\xb8\xd1\x80 iPhone-\xd0\xb0 Wi-Fi",
		 "T_MIXED1", 0},
		{UTF8, "x",
		 "\xce\x9a\xce\xb1\xce\xbb\xce\xb7\xce\xbc\xce\xad\xcf\x81\xce\xb1 Athens",
		 "T_MIXED1", 0},
		/* one mixed word in the sender's name is enough */
		{"From: =?UTF-8?B?0J5zbdC+0ZXRltGVLnrQvm7QtQ==?= <news@b2b.example>\r\n" UTF8_CT,
		 "x", "x", "T_MIXED_FROM", 1},
		{"From: \"\xd0\x98\xd0\xb2\xd0\xb0\xd0\xbd Petrov\" "
		 "<ivan@mail.example>\r\n" UTF8_CT,
		 "x", "x", "T_MIXED_FROM", 0},
		{"From: \"Yandex.\xd0\x9f\xd0\xbe\xd1\x87\xd1\x82\xd0\xb0\" "
		 "<a@yandex.example>\r\n" UTF8_CT,
		 "x", "x", "T_MIXED_FROM", 0},
		/* a mixed word in the body is not the From name's */
		{UTF8, "x", "V\xd0\xb5rify now", "T_MIXED_FROM", 0},
		/* accented Latin is Latin */
		{UTF8, "x",
		 "Caf\xc3\xa9 cr\xc3\xa8me br\xc3\xbbl\xc3\xa9"
		 "e",
		 "T_MIXED1", 0},
	};

	(void) state;
	run_rows(rows, sizeof(rows) / sizeof(rows[0]));
}

static void test_styled_letters(void **state)
{
	static const row rows[] = {
		/* mathematical bold "YOUR" in the Subject */
		{UTF8, "=?UTF-8?B?8J2QmPCdkI7wnZCU8J2QkSBwcml6ZQ==?=", "x", "T_STYLED", 1},
		/* fullwidth letters in the body */
		{UTF8, "x", "\xef\xbc\xa6\xef\xbc\xb2\xef\xbc\xa5\xef\xbc\xa5 gift", "T_STYLED", 1},
		/* in the From display name */
		{"From: =?UTF-8?B?8J2QkvCdkJrwnZCc?= <a@example.com>\r\n", "x", "x", "T_STYLED", 1},
		/* in the From address: a name in bold sans-serif ("sup@") */
		{"From: Shop <\xf0\x9d\x98\x80\xf0\x9d\x98\x82\xf0\x9d\x97\xbd@shop.example>\r\n",
		 "x", "x", "T_STYLED", 1},
		/* two styled letters are not enough; emoji and accents are no letters */
		{UTF8, "x", "\xf0\x9d\x90\x98\xf0\x9d\x90\x8e ok", "T_STYLED", 0},
		{UTF8, "x", "\xf0\x9f\x8e\x81\xf0\x9f\x8e\x81\xf0\x9f\x8e\x81 Caf\xc3\xa9",
		 "T_STYLED", 0},
	};

	(void) state;
	run_rows(rows, sizeof(rows) / sizeof(rows[0]));
}

static void test_body_words(void **state)
{
	static const row rows[] = {
		/* the Subject line does not count: five words of text */
		{"", "one two three four five six seven", "Hello dear, can we talk?", "T_SHORT", 1},
		{"", "x", "Hello dear, can we talk today please?", "T_SHORT", 0},
		/* an empty text has 0 words and hits a range from 0 */
		{"", "x", "", "T_SHORT", 1},
		/* the range is inclusive; digits and non-ASCII words count */
		{"", "x", "Ol\xc3\xa1 amigo 2026", "T_SOME", 1},
		{"", "x", "a b", "T_SOME", 0},
		{"", "x", "a b c d e", "T_SOME", 0},
	};
	char *h;

	(void) state;
	run_rows(rows, sizeof(rows) / sizeof(rows[0]));
	h = hits("", "x", "just three words");
	assert_non_null(strstr(h, "T_SOME:check_body_words: the text has 3 words"));
	free(h);
}

static void test_accented_words(void **state)
{
	static const row rows[] = {
		/* "Válidate your wállet" */
		{UTF8, "x", "V\xc3\xa1lidate your w\xc3\xa1llet now", "T_ACCENT", 1},
		/* in the Subject, with a caron: "ThiŠ" and "Pleáse" */
		{UTF8, "=?UTF-8?B?VGhpxaAgaXMgdXJnZW50?=", "Ple\xc3\xa1se log in", "T_ACCENT", 1},
		/* the same word twice is one word */
		{UTF8, "x", "w\xc3\xa1llet w\xc3\xa1llet", "T_ACCENT", 0},
		{UTF8, "x", "w\xc3\xa1llet w\xc3\xa1llet", "T_ACCENT1", 1},
		/* French, Portuguese and Spanish words, some folding to English
		 * ones left out of the list: thé, crédit, émail, até, só */
		{UTF8, "x",
		 "Le th\xc3\xa9 et le cr\xc3\xa9"
		 "dit, l'\xc3\xa9mail noir, at\xc3\xa9 s\xc3\xb3 "
		 "voc\xc3\xaa est\xc3\xa1 aqu\xc3\xad, m\xc3\xa1s informaci\xc3\xb3n",
		 "T_ACCENT1", 0},
		/* accented names and loanwords in English text */
		{UTF8, "x",
		 "Jos\xc3\xa9 and Ren\xc3\xa9"
		 "e at the caf\xc3\xa9 with your r\xc3\xa9sum\xc3\xa9",
		 "T_ACCENT1", 0},
		/* German: für, über, Grüße */
		{UTF8, "x",
		 "F\xc3\xbcr dich, \xc3\xbc"
		 "ber alles. Gr\xc3\xbc\xc3\x9f"
		 "e",
		 "T_ACCENT1", 0},
	};
	char *h;

	(void) state;
	run_rows(rows, sizeof(rows) / sizeof(rows[0]));
	h = hits(UTF8, "x", "Ple\xc3\xa1se v\xc3\xa1lidate");
	assert_non_null(strstr(h, "T_ACCENT:check_accented_words: 2 English words written with "
				  "accents, first \"Ple\xc3\xa1se\""));
	free(h);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_named_lists),  cmocka_unit_test(test_body_freemail),
		cmocka_unit_test(test_mixed_script), cmocka_unit_test(test_styled_letters),
		cmocka_unit_test(test_body_words),   cmocka_unit_test(test_accented_words),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
