/*
 * test_relays.c - the X-Spam-Relays-* pseudo-headers: Received lines of the
 * common MTAs parsed as SpamAssassin 4.0.1 parses them (the expected strings
 * are what its parse_received_line gives for the same lines), the default
 * trust path over whole messages, and must-hit/must-not-hit checks of stock
 * rule patterns (RDNS_NONE, HELO checks) on the result.
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

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include "msg.h"
#include "relays.h"

typedef struct line_case {
	const char *what;
	const char *line;
	int rc;   /* 1 relay, 0 skipped, 2 fetcher marker, -1 unparseable */
	int priv; /* private address */
	int auth; /* authenticated */
	const char *want;
} line_case;

static const line_case line_cases[] = {
	{"Postfix, rDNS known",
	 "from mail.example.com (mail.example.com [203.0.113.5]) by mx.example.org (Postfix) with ESMTPS id 4ABC123 for <a@example.org>; Mon, 2 Nov 2026 10:00:00 +0000 (UTC)",
	 1, 0, 0,
	 "[ ip=203.0.113.5 rdns=mail.example.com helo=mail.example.com by=mx.example.org ident= envfrom= intl=0 id=4ABC123 auth= msa=0 ]"},
	{"Postfix, rDNS unknown: rdns= empty",
	 "from helo.example (unknown [203.0.113.6]) by mx.example.org (Postfix) with ESMTP id 4ABC124 for <a@example.org>; Mon, 2 Nov 2026 10:00:00 +0000",
	 1, 0, 0,
	 "[ ip=203.0.113.6 rdns= helo=helo.example by=mx.example.org ident= envfrom= intl=0 id=4ABC124 auth= msa=0 ]"},
	{"Sendmail",
	 "from client.example.net (dsl-1-2.example.net [198.51.100.7]) by smtp.example.org (8.15.2/8.15.2) with ESMTP id 2ABCD1234; Mon, 2 Nov 2026 10:00:00 +0100",
	 1, 0, 0,
	 "[ ip=198.51.100.7 rdns=dsl-1-2.example.net helo=client.example.net by=smtp.example.org ident= envfrom= intl=0 id=2ABCD1234 auth= msa=0 ]"},
	{"Exim, IP literal and helo=",
	 "from [198.51.100.8] (helo=badhelo) by mx.example.org with esmtp (Exim 4.96) (envelope-from <bob@example.net>) id 1abcDE-000123-XY for a@example.org; Mon, 02 Nov 2026 10:00:00 +0000",
	 1, 0, 0,
	 "[ ip=198.51.100.8 rdns= helo=badhelo by=mx.example.org ident= envfrom=bob@example.net intl=0 id=1abcDE-000123-XY auth= msa=0 ]"},
	{"Exim, rDNS as written",
	 "from mail-ed1-f41.google.com ([209.85.208.41]) by mx.example.org with esmtps (TLS1.3) tls TLS_AES_256_GCM_SHA384 (Exim 4.96) (envelope-from <x@gmail.com>) id 1abcDF-000124-ZZ for a@example.org; Mon, 02 Nov 2026 10:00:00 +0000",
	 1, 0, 0,
	 "[ ip=209.85.208.41 rdns=mail-ed1-f41.google.com helo=mail-ed1-f41.google.com by=mx.example.org ident= envfrom=x@gmail.com intl=0 id=1abcDF-000124-ZZ auth= msa=0 ]"},
	{"Exchange Online HTTPS (authenticated)",
	 "from AM0PR01MB1234.eurprd01.prod.exchangelabs.com (2603:10a6:208:1::23) by AM0PR01MB5678.eurprd01.prod.exchangelabs.com with HTTPS; Mon, 2 Nov 2026 10:00:00 +0000",
	 1, 0, 1,
	 "[ ip=2603:10a6:208:1::23 rdns=AM0PR01MB1234.eurprd01.prod.exchangelabs.com helo=AM0PR01MB1234.eurprd01.prod.exchangelabs.com by=AM0PR01MB5678.eurprd01.prod.exchangelabs.com ident= envfrom= intl=0 id= auth=HTTPS msa=0 ]"},
	{"Exchange Microsoft SMTP Server: id dropped",
	 "from EUR01-VE1-obe.outbound.protection.outlook.com (40.107.14.55) by mx.example.org (10.0.0.1) with Microsoft SMTP Server (version=TLS1_2, cipher=TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384) id 15.1.2507.27; Mon, 2 Nov 2026 10:00:00 +0000",
	 1, 0, 0,
	 "[ ip=40.107.14.55 rdns=EUR01-VE1-obe.outbound.protection.outlook.com helo=EUR01-VE1-obe.outbound.protection.outlook.com by=mx.example.org ident= envfrom= intl=0 id=15.1.2507.27 auth= msa=0 ]"},
	{"qmail, HELO and no rDNS",
	 "from unknown (HELO mail.example.net) (198.51.100.9) by mx.example.org with SMTP; 2 Nov 2026 10:00:00 -0000",
	 1, 0, 0,
	 "[ ip=198.51.100.9 rdns= helo=mail.example.net by=mx.example.org ident= envfrom= intl=0 id= auth= msa=0 ]"},
	{"Google, trailing dot of rDNS removed",
	 "from mail-sor-f41.google.com (mail-sor-f41.google.com. [209.85.220.41]) by mx.google.com with SMTPS id a1sor123456.2026.11.02.10.00.00 for <a@example.org> (Google Transport Security); Mon, 02 Nov 2026 02:00:00 -0800 (PST)",
	 1, 0, 0,
	 "[ ip=209.85.220.41 rdns=mail-sor-f41.google.com helo=mail-sor-f41.google.com by=mx.google.com ident= envfrom= intl=0 id=a1sor123456.2026.11.02.10.00.00 auth= msa=0 ]"},
	{"Postfix authenticated sender, HELO brackets become '!'",
	 "from [192.168.1.20] (host-1.example.net [198.51.100.10]) (Authenticated sender: bob@example.net) by smtp.example.net (Postfix) with ESMTPSA id 4XYZ; Mon, 2 Nov 2026 10:00:00 +0000",
	 1, 0, 1,
	 "[ ip=198.51.100.10 rdns=host-1.example.net helo=!192.168.1.20! by=smtp.example.net ident= envfrom= intl=0 id=4XYZ auth=ESMTPSA msa=0 ]"},
	{"localhost handover (private)",
	 "from localhost (localhost [127.0.0.1]) by mx.example.org (Postfix) with ESMTP id 4ABC125 for <a@example.org>; Mon, 2 Nov 2026 10:00:00 +0000",
	 1, 1, 0,
	 "[ ip=127.0.0.1 rdns=localhost helo=localhost by=mx.example.org ident= envfrom= intl=0 id=4ABC125 auth= msa=0 ]"},
	{"fetchmail IMAP hand-over: a fetcher marker",
	 "from localhost [127.0.0.1] by mx.example.org with IMAP (fetchmail-6.4.37) for <a@localhost> (single-drop); Mon, 02 Nov 2026 10:00:00 +0000",
	 2, 0, 0, NULL},
	{"no 'from': skipped",
	 "by mx.example.org (Postfix, from userid 1000) id 4ABC126; Mon, 2 Nov 2026 10:00:00 +0000",
	 0, 0, 0, NULL},
	{"'from X by Y;' without IP: skipped",
	 "from mx.example.org by mx.example.org; Mon, 2 Nov 2026 10:00:00 +0000",
	 0, 0, 0, NULL},
	{"private 10/8 address",
	 "from client.example.net (client.example.net [10.1.2.3]) by relay.example.org (Postfix) with ESMTP id 4ABC127; Mon, 2 Nov 2026 10:00:00 +0000",
	 1, 1, 0,
	 "[ ip=10.1.2.3 rdns=client.example.net helo=client.example.net by=relay.example.org ident= envfrom= intl=0 id=4ABC127 auth= msa=0 ]"},
};

/* test_lines - each Received line gives SpamAssassin's relay string */
static void test_lines(void **state)
{
	(void) state;
	for (size_t k = 0; k < sizeof(line_cases) / sizeof(line_cases[0]); k++) {
		const line_case *c = &line_cases[k];
		char *out;
		int priv, auth, rc = sc_relays_parse_line(c->line, &out, &priv, &auth);

		if (rc != c->rc || (c->want != NULL && (out == NULL || strcmp(out, c->want) != 0)) ||
		    (rc == 1 && (priv != c->priv || auth != c->auth))) {
			fprintf(stderr, "case \"%s\": rc %d priv %d auth %d\n  got  %s\n  want %s\n",
				c->what, rc, priv, auth, out != NULL ? out : "(none)",
				c->want != NULL ? c->want : "(none)");
			fail();
		}
		if (rc != 1)
			assert_null(out);
		free(out);
	}
}

/* relays_of - the pseudo-header of kind for the message text */
static char *relays_of(const char *text, sc_relays_kind kind)
{
	sc_msg *m = sc_msg_parse(text, strlen(text));
	char *v = sc_relays_get(m, kind);

	sc_msg_free(m);
	return v;
}

#define R_LOCAL                                                                                    \
	"Received: from localhost (localhost [127.0.0.1])\n"                                     \
	"\tby mx.example.org (Postfix) with ESMTP id 4AAA1\n"                                    \
	"\tfor <a@example.org>; Mon, 2 Nov 2026 10:00:02 +0000\n"
#define R_PUBLIC_NORDNS                                                                            \
	"Received: from helo.example (unknown [203.0.113.6])\n"                                  \
	"\tby mx.example.org (Postfix) with ESMTP id 4AAA2; Mon, 2 Nov 2026 10:00:01 +0000\n"
#define R_PUBLIC_RDNS                                                                              \
	"Received: from mail.example.com (mail.example.com [198.51.100.5])\n"                     \
	"\tby mx.example.org (Postfix) with ESMTP id 4AAA3; Mon, 2 Nov 2026 10:00:00 +0000\n"
#define R_AUTH                                                                                     \
	"Received: from [192.0.2.1] (host.example.net [198.51.100.10])\n"                         \
	"\t(Authenticated sender: bob@example.net)\n"                                             \
	"\tby smtp.example.net (Postfix) with ESMTPSA id 4XYZ; Mon, 2 Nov 2026 09:59:00 +0000\n"
#define R_FETCH                                                                                    \
	"Received: from pop.example.org [198.51.100.99]\n"                                        \
	"\tby localhost with POP3 (fetchmail-6.4.37)\n"                                           \
	"\tfor <a@localhost> (single-drop); Mon, 02 Nov 2026 10:00:03 +0000\n"
#define BODY "Subject: t\n\nbody\n"

#define S_LOCAL                                                                                    \
	"[ ip=127.0.0.1 rdns=localhost helo=localhost by=mx.example.org ident= envfrom= intl=1 "  \
	"id=4AAA1 auth= msa=0 ]"
#define S_NORDNS                                                                                   \
	"[ ip=203.0.113.6 rdns= helo=helo.example by=mx.example.org ident= envfrom= intl=0 "      \
	"id=4AAA2 auth= msa=0 ]"
#define S_RDNS                                                                                     \
	"[ ip=198.51.100.5 rdns=mail.example.com helo=mail.example.com by=mx.example.org ident= " \
	"envfrom= intl=0 id=4AAA3 auth= msa=0 ]"

/* expect - the four pseudo-headers of text are t (trusted = internal) and u
 * (untrusted = external) */
static void expect(const char *text, const char *t, const char *u)
{
	const char *want[4] = {t, u, t, u};

	for (int k = 0; k < 4; k++) {
		char *v = relays_of(text, (sc_relays_kind) k);

		assert_string_equal(v, want[k]);
		free(v);
	}
}

/* test_trust_path - private and authenticated relays are trusted from the
 * top down; the first other one and all below it are not */
static void test_trust_path(void **state)
{
	(void) state;
	expect(R_LOCAL R_PUBLIC_NORDNS R_PUBLIC_RDNS BODY, S_LOCAL, S_NORDNS " " S_RDNS);
	/* trust never comes back below an untrusted relay */
	expect(R_PUBLIC_NORDNS R_LOCAL BODY, "",
	       S_NORDNS " " "[ ip=127.0.0.1 rdns=localhost helo=localhost by=mx.example.org "
	       "ident= envfrom= intl=0 id=4AAA1 auth= msa=0 ]");
	/* an authenticated submission from a public address is trusted */
	expect(R_AUTH R_PUBLIC_RDNS BODY,
	       "[ ip=198.51.100.10 rdns=host.example.net helo=!192.0.2.1! by=smtp.example.net "
	       "ident= envfrom= intl=1 id=4XYZ auth=ESMTPSA msa=0 ]",
	       S_RDNS);
	/* no Received at all: every pseudo-header is empty */
	expect(BODY, "", "");
}

/* test_fetcher_and_originating - a POP3/IMAP fetcher met while trusted
 * restarts the trusted list; X-Originating-IP is a relay below the rest */
static void test_fetcher_and_originating(void **state)
{
	(void) state;
	expect(R_LOCAL R_FETCH R_PUBLIC_RDNS BODY, "", S_RDNS);
	expect(R_PUBLIC_RDNS "X-Originating-IP: [203.0.113.77]\n" BODY, "",
	       S_RDNS " [ ip=203.0.113.77 rdns= helo= by= ident= envfrom= intl=0 id= auth= "
	       "msa=0 ]");
}

/* rule_hits - whether pattern (a stock rule's) matches the pseudo-header */
static int rule_hits(const char *text, sc_relays_kind kind, const char *pattern)
{
	int err;
	PCRE2_SIZE off;
	pcre2_code *re = pcre2_compile((PCRE2_SPTR) pattern, PCRE2_ZERO_TERMINATED, 0, &err, &off,
				       NULL);
	pcre2_match_data *md;
	char *v = relays_of(text, kind);
	int rc;

	assert_non_null(re);
	md = pcre2_match_data_create_from_pattern(re, NULL);
	rc = pcre2_match(re, (PCRE2_SPTR) v, PCRE2_ZERO_TERMINATED, 0, 0, md, NULL);
	pcre2_match_data_free(md);
	pcre2_code_free(re);
	free(v);
	return rc >= 0;
}

/* test_rules - stock rules' patterns hit or miss as in SpamAssassin */
static void test_rules(void **state)
{
	/* 20_dynrdns.cf __RDNS_NONE: the first external relay has no rDNS */
	static const char rdns_none[] = "^[^\\]]+ rdns= ";

	(void) state;
	assert_true(rule_hits(R_LOCAL R_PUBLIC_NORDNS BODY, SC_RELAYS_EXTERNAL, rdns_none));
	assert_false(rule_hits(R_LOCAL R_PUBLIC_RDNS R_PUBLIC_NORDNS BODY, SC_RELAYS_EXTERNAL,
			       rdns_none));
	/* a trusted relay without rDNS does not count */
	assert_false(rule_hits("Received: from x (unknown [10.0.0.9]) by mx.example.org (Postfix) "
			       "with ESMTP id 4Q; Mon, 2 Nov 2026 10:00:00 +0000\n" R_PUBLIC_RDNS BODY,
			       SC_RELAYS_EXTERNAL, rdns_none));
	/* HELO of the first untrusted relay */
	assert_true(rule_hits(R_PUBLIC_NORDNS BODY, SC_RELAYS_UNTRUSTED,
			      "^[^\\]]+ helo=helo\\.example "));
	assert_false(rule_hits(R_LOCAL BODY, SC_RELAYS_UNTRUSTED, "helo="));
}

/* test_kind_of - the four names, in any case; others are none */
static void test_kind_of(void **state)
{
	(void) state;
	assert_int_equal(sc_relays_kind_of("X-Spam-Relays-Trusted"), SC_RELAYS_TRUSTED);
	assert_int_equal(sc_relays_kind_of("x-spam-relays-untrusted"), SC_RELAYS_UNTRUSTED);
	assert_int_equal(sc_relays_kind_of("X-Spam-Relays-Internal"), SC_RELAYS_INTERNAL);
	assert_int_equal(sc_relays_kind_of("X-SPAM-RELAYS-EXTERNAL"), SC_RELAYS_EXTERNAL);
	assert_int_equal(sc_relays_kind_of("X-Spam-Relays"), -1);
	assert_int_equal(sc_relays_kind_of("Received"), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_lines),
	    cmocka_unit_test(test_trust_path),
	    cmocka_unit_test(test_fetcher_and_originating),
	    cmocka_unit_test(test_rules),
	    cmocka_unit_test(test_kind_of),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
