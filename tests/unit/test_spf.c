/*
 * test_spf.c - SPF through libspf2 and lib/dns, offline: records injected
 * into a static sc_dns, one row per case (mechanisms, qualifiers, missing
 * and broken records, the 10-lookup limit, the HELO identity), and
 * temperror from a loopback server that never answers.
 */
#include "autoconfig.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "auth.h"
#include "buf.h"
#include "diag.h"
#include "dns.h"

static const char *const zone[] = {
	/* ptr: 192.0.2.5 names host.ptr.example, which resolves back to it */
	"ptr.example. IN TXT \"v=spf1 ptr -all\"",
	"5.2.0.192.in-addr.arpa. IN PTR host.ptr.example.",
	"host.ptr.example. IN A 192.0.2.5",
	"6.2.0.192.in-addr.arpa. IN PTR forged.ptr.example.",
	"forged.ptr.example. IN A 203.0.113.66",
	/* macros: %{i} the client address, %{l} the local part, %{d} the domain */
	"macro.example. IN TXT \"v=spf1 exists:%{i}.ip.%{d} -all\"",
	"192.0.2.5.ip.macro.example. IN A 127.0.0.2",
	"users.example. IN TXT \"v=spf1 exists:%{l}._u.%{d} -all\"",
	"alice._u.users.example. IN A 127.0.0.2",
	"rev.example. IN TXT \"v=spf1 exists:%{ir}.r.%{d} -all\"",
	"5.2.0.192.r.rev.example. IN A 127.0.0.2",
	/* void lookups (RFC 7208 4.6.4): three names that do not exist */
	"void.example. IN TXT \"v=spf1 a:v1.void.example a:v2.void.example "
	"a:v3.void.example ip4:192.0.2.5 -all\"",
	"twovoid.example. IN TXT \"v=spf1 a:v1.void.example a:v2.void.example "
	"ip4:192.0.2.5 -all\"",
	"pass4.example. IN TXT \"v=spf1 ip4:192.0.2.0/24 -all\"",
	"ip6.example. IN TXT \"v=spf1 ip6:2001:db8::/32 -all\"",
	"soft.example. IN TXT \"v=spf1 ip4:192.0.2.1 ~all\"",
	"neutral.example. IN TXT \"v=spf1 ?all\"",
	"inc.example. IN TXT \"v=spf1 include:pass4.example -all\"",
	"redir.example. IN TXT \"v=spf1 redirect=pass4.example\"",
	"amech.example. IN TXT \"v=spf1 a -all\"",
	"amech.example. IN A 198.51.100.10",
	"mxmech.example. IN TXT \"v=spf1 mx -all\"",
	"mxmech.example. IN MX 10 mail.mxmech.example.",
	"mail.mxmech.example. IN A 198.51.100.20",
	"norecord.example. IN A 192.0.2.9",
	"other.example. IN TXT \"some-verification=abc\"",
	"syntax.example. IN TXT \"v=spf1 ip4:192.0.2.0/99 -all\"",
	"twice.example. IN TXT \"v=spf1 -all\"",
	"twice.example. IN TXT \"v=spf1 +all\"",
	"split.example. IN TXT \"v=spf1 ip4:203.0.113.0/24\" \" -all\"",
	"many.example. IN TXT \"v=spf1 include:l1.example include:l2.example "
	"include:l3.example include:l4.example include:l5.example include:l6.example "
	"include:l7.example include:l8.example include:l9.example include:l10.example "
	"include:l11.example -all\"",
	"ten.example. IN TXT \"v=spf1 include:l1.example include:l2.example "
	"include:l3.example include:l4.example include:l5.example include:l6.example "
	"include:l7.example include:l8.example include:l9.example include:pass4.example "
	"-all\"",
	"l1.example. IN TXT \"v=spf1 -all\"",
	"l2.example. IN TXT \"v=spf1 -all\"",
	"l3.example. IN TXT \"v=spf1 -all\"",
	"l4.example. IN TXT \"v=spf1 -all\"",
	"l5.example. IN TXT \"v=spf1 -all\"",
	"l6.example. IN TXT \"v=spf1 -all\"",
	"l7.example. IN TXT \"v=spf1 -all\"",
	"l8.example. IN TXT \"v=spf1 -all\"",
	"l9.example. IN TXT \"v=spf1 -all\"",
	"l10.example. IN TXT \"v=spf1 -all\"",
	"l11.example. IN TXT \"v=spf1 -all\"",
	"helo.example. IN TXT \"v=spf1 ip4:192.0.2.77 -all\"",
};

/* One check and its expected result. */
typedef struct spf_case {
	const char *ip, *helo, *mail_from;
	sc_spf_result want;
	const char *domain; /* expected spf_domain */
	int helo_identity;  /* expected spf_helo */
} spf_case;

static const spf_case cases[] = {
	{"192.0.2.5", "mx.example", "a@pass4.example", SC_SPF_PASS, "pass4.example", 0},
	{"198.51.100.1", "mx.example", "a@pass4.example", SC_SPF_FAIL, "pass4.example", 0},
	{"2001:db8::25", "mx.example", "a@ip6.example", SC_SPF_PASS, "ip6.example", 0},
	{"2001:db9::25", "mx.example", "a@ip6.example", SC_SPF_FAIL, "ip6.example", 0},
	{"192.0.2.5", "mx.example", "a@ip6.example", SC_SPF_FAIL, "ip6.example", 0},
	{"192.0.2.1", "mx.example", "a@soft.example", SC_SPF_PASS, "soft.example", 0},
	{"192.0.2.2", "mx.example", "a@soft.example", SC_SPF_SOFTFAIL, "soft.example", 0},
	{"192.0.2.2", "mx.example", "a@neutral.example", SC_SPF_NEUTRAL, "neutral.example", 0},
	{"192.0.2.200", "mx.example", "a@inc.example", SC_SPF_PASS, "inc.example", 0},
	{"203.0.113.1", "mx.example", "a@inc.example", SC_SPF_FAIL, "inc.example", 0},
	{"192.0.2.200", "mx.example", "a@redir.example", SC_SPF_PASS, "redir.example", 0},
	{"203.0.113.1", "mx.example", "a@redir.example", SC_SPF_FAIL, "redir.example", 0},
	{"198.51.100.10", "mx.example", "a@amech.example", SC_SPF_PASS, "amech.example", 0},
	{"198.51.100.11", "mx.example", "a@amech.example", SC_SPF_FAIL, "amech.example", 0},
	{"198.51.100.20", "mx.example", "a@mxmech.example", SC_SPF_PASS, "mxmech.example", 0},
	{"198.51.100.21", "mx.example", "a@mxmech.example", SC_SPF_FAIL, "mxmech.example", 0},
	{"192.0.2.9", "mx.example", "a@norecord.example", SC_SPF_NONE, "norecord.example", 0},
	{"192.0.2.9", "mx.example", "a@other.example", SC_SPF_NONE, "other.example", 0},
	{"192.0.2.9", "mx.example", "a@nxdomain.example", SC_SPF_NONE, "nxdomain.example", 0},
	{"192.0.2.9", "mx.example", "a@syntax.example", SC_SPF_PERMERROR, "syntax.example", 0},
	{"192.0.2.9", "mx.example", "a@twice.example", SC_SPF_PERMERROR, "twice.example", 0},
	{"203.0.113.9", "mx.example", "a@split.example", SC_SPF_PASS, "split.example", 0},
	{"192.0.2.9", "mx.example", "a@many.example", SC_SPF_PERMERROR, "many.example", 0},
	{"192.0.2.9", "mx.example", "a@ten.example", SC_SPF_PASS, "ten.example", 0},
	{"192.0.2.77", "helo.example", NULL, SC_SPF_PASS, "helo.example", 1},
	{"192.0.2.78", "helo.example", "", SC_SPF_FAIL, "helo.example", 1},
	{"192.0.2.5", "helo.example", "PASS4.EXAMPLE", SC_SPF_PASS, "PASS4.EXAMPLE", 0},
	{"not-an-ip", "mx.example", "a@pass4.example", SC_SPF_NONE, "pass4.example", 0},
	{"192.0.2.5", "mx.example", "a@ptr.example", SC_SPF_PASS, "ptr.example", 0},
	{"192.0.2.6", "mx.example", "a@ptr.example", SC_SPF_FAIL, "ptr.example", 0},
	{"198.51.100.9", "mx.example", "a@ptr.example", SC_SPF_FAIL, "ptr.example", 0},
	{"192.0.2.5", "mx.example", "a@macro.example", SC_SPF_PASS, "macro.example", 0},
	{"192.0.2.6", "mx.example", "a@macro.example", SC_SPF_FAIL, "macro.example", 0},
	{"192.0.2.9", "mx.example", "alice@users.example", SC_SPF_PASS, "users.example", 0},
	{"192.0.2.9", "mx.example", "mallory@users.example", SC_SPF_FAIL, "users.example", 0},
	{"192.0.2.5", "mx.example", "a@rev.example", SC_SPF_PASS, "rev.example", 0},
	{"192.0.2.50", "mx.example", "a@rev.example", SC_SPF_FAIL, "rev.example", 0},
	{"192.0.2.5", "mx.example", "a@twovoid.example", SC_SPF_PASS, "twovoid.example", 0},
	{"192.0.2.5", "mx.example", "a@void.example", SC_SPF_PERMERROR, "void.example", 0},
};

/* test_spf_matrix - every row against one injected zone */
static void test_spf_matrix(void **state)
{
	sc_dns *dns = sc_dns_new_static(2000);
	const char *why = NULL;

	(void) state;
	for (size_t i = 0; i < sizeof(zone) / sizeof(zone[0]); i++) {
		if (sc_dns_add_rr(dns, zone[i], &why) != 0)
			fail_msg("record %s: %s", zone[i], why);
	}
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const spf_case *c = &cases[i];
		sc_auth_result r = {0};

		print_message("case %zu: %s %s %s -> %s\n", i, c->ip, c->helo,
			      c->mail_from ? c->mail_from : "<>", sc_spf_result_name(c->want));
		sc_spf_check(dns, NULL, c->ip, c->helo, c->mail_from, &r);
		assert_string_equal(sc_spf_result_name(r.spf), sc_spf_result_name(c->want));
		assert_string_equal(r.spf_domain, c->domain);
		assert_int_equal(r.spf_helo, c->helo_identity);
		sc_auth_result_clear(&r);
	}
	sc_dns_free(dns);
}

/* test_no_identity - neither sender nor HELO: none, no domain */
static void test_no_identity(void **state)
{
	sc_dns *dns = sc_dns_new_static(0);
	sc_auth_result r = {0};

	(void) state;
	sc_spf_check(dns, NULL, "192.0.2.1", NULL, NULL, &r);
	assert_int_equal(r.spf, SC_SPF_NONE);
	assert_null(r.spf_domain);
	sc_auth_result_clear(&r);
	sc_dns_free(dns);
}

/* test_temperror - a server that never answers gives temperror within the timeout */
static void test_temperror(void **state)
{
	struct sockaddr_in sin;
	socklen_t len = sizeof(sin);
	char mode[64];
	sc_auth_result r = {0};
	sc_diags d;
	sc_dns *dns;
	int fd = socket(AF_INET, SOCK_DGRAM, 0);

	(void) state;
	assert_true(fd >= 0);
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(bind(fd, (struct sockaddr *) &sin, sizeof(sin)), 0);
	assert_int_equal(getsockname(fd, (struct sockaddr *) &sin, &len), 0);
	snprintf(mode, sizeof(mode), "forward:127.0.0.1@%u", (unsigned) ntohs(sin.sin_port));
	sc_diags_init(&d);
	dns = sc_dns_new(mode, NULL, 200, &d);
	assert_non_null(dns);
	sc_spf_check(dns, NULL, "192.0.2.1", "mx.example", "a@slow.example", &r);
	assert_string_equal(sc_spf_result_name(r.spf), "temperror");
	sc_auth_result_clear(&r);
	sc_dns_free(dns);
	sc_diags_free(&d);
	close(fd);
}

/* test_result_names - the RFC 8601 words */
static void test_result_names(void **state)
{
	(void) state;
	assert_string_equal(sc_spf_result_name(SC_SPF_UNCHECKED), "none");
	assert_string_equal(sc_spf_result_name(SC_SPF_PASS), "pass");
	assert_string_equal(sc_spf_result_name(SC_SPF_FAIL), "fail");
	assert_string_equal(sc_spf_result_name(SC_SPF_SOFTFAIL), "softfail");
	assert_string_equal(sc_spf_result_name(SC_SPF_NEUTRAL), "neutral");
	assert_string_equal(sc_spf_result_name(SC_SPF_NONE), "none");
	assert_string_equal(sc_spf_result_name(SC_SPF_TEMPERROR), "temperror");
	assert_string_equal(sc_spf_result_name(SC_SPF_PERMERROR), "permerror");
}

/* One result and the Authentication-Results value it renders. */
static const struct {
	sc_auth_result r;
	const char *want;
} ar_cases[] = {
	{{.spf = SC_SPF_PASS, .spf_domain = "example.com", .spf_helo = 0}, "mx.test; spf=pass smtp.mailfrom=example.com"},
	{{.spf = SC_SPF_FAIL, .spf_domain = "helo.example", .spf_helo = 1}, "mx.test; spf=fail smtp.helo=helo.example"},
	{{.spf = SC_SPF_TEMPERROR, .spf_domain = "a-b_c.example", .spf_helo = 0},
	 "mx.test; spf=temperror smtp.mailfrom=a-b_c.example"},
	{{.spf = SC_SPF_SOFTFAIL, .spf_domain = "bad;domain", .spf_helo = 0}, "mx.test; spf=softfail"},
	{{.spf = SC_SPF_NONE, .spf_domain = "x y", .spf_helo = 0}, "mx.test; spf=none"},
	{{.spf = SC_SPF_PERMERROR, .spf_domain = NULL, .spf_helo = 0}, "mx.test; spf=permerror"},
	{{.spf = SC_SPF_UNCHECKED, .spf_domain = NULL, .spf_helo = 0}, "mx.test; none"},
	/* DKIM: unsigned, several signatures, reasons as comments, b= quoted when needed */
	{{.dkim_checked = 1}, "mx.test; dkim=none"},
	{{.spf = SC_SPF_PASS, .spf_domain = "example.com", .dkim_checked = 1,
	  .dkim = (sc_dkim_sig[]){{SC_DKIM_PASS, "example.com", "sel", NULL, "AbCd1234", 0},
				  {SC_DKIM_FAIL, "esp.example", "s2", "body hash mismatch", "x/y+z=w", 0}},
	  .ndkim = 2},
	 "mx.test; spf=pass smtp.mailfrom=example.com; dkim=pass header.d=example.com header.s=sel header.b=AbCd1234; dkim=fail (body hash mismatch) header.d=esp.example header.s=s2 header.b=\"x/y+z=w\""},
	{{.dkim_checked = 1,
	  .dkim = (sc_dkim_sig[]){{SC_DKIM_PERMERROR, "bad domain", "s\"1", "no key (really)", NULL, 0}},
	  .ndkim = 1},
	 "mx.test; dkim=permerror (no key really) header.s=\"s\\\"1\""},
	/* DMARC: the published policy in a comment, pct sampling shown */
	{{.spf = SC_SPF_FAIL, .spf_domain = "bank.example", .dkim_checked = 1,
	  .dmarc = SC_DMARC_FAIL, .dmarc_domain = "bank.example", .dmarc_policy = SC_DMARC_POLICY_REJECT,
	  .dmarc_applied = SC_DMARC_POLICY_REJECT},
	 "mx.test; spf=fail smtp.mailfrom=bank.example; dkim=none; dmarc=fail (p=reject) header.from=bank.example"},
	{{.dmarc = SC_DMARC_FAIL, .dmarc_domain = "bank.example", .dmarc_policy = SC_DMARC_POLICY_REJECT,
	  .dmarc_applied = SC_DMARC_POLICY_QUARANTINE},
	 "mx.test; dmarc=fail (p=reject, pct sampled: quarantine) header.from=bank.example"},
	{{.dmarc = SC_DMARC_NONE, .dmarc_domain = "plain.example"}, "mx.test; dmarc=none header.from=plain.example"},
	{{.dmarc = SC_DMARC_PERMERROR}, "mx.test; dmarc=permerror"},
};

/* test_auth_results_value - the RFC 8601 header value, unsafe domains left out */
static void test_auth_results_value(void **state)
{
	(void) state;
	for (size_t i = 0; i < sizeof(ar_cases) / sizeof(ar_cases[0]); i++) {
		sc_buf b;

		sc_buf_init(&b, SC_BUF_UNLIMITED);
		sc_auth_results_value("mx.test", &ar_cases[i].r, &b);
		assert_string_equal(sc_buf_cstr(&b), ar_cases[i].want);
		sc_buf_free(&b);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_spf_matrix),         cmocka_unit_test(test_no_identity),
		cmocka_unit_test(test_temperror),          cmocka_unit_test(test_result_names),
		cmocka_unit_test(test_auth_results_value),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
