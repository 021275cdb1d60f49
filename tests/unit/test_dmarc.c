/*
 * test_dmarc.c - DMARC (RFC 7489) evaluation, offline: policy records
 * injected into a static sc_dns, SPF and DKIM inputs built by hand, one row
 * per case (alignment modes, p/sp/pct, organisational domains under
 * multi-label suffixes, record discovery and syntax, DNS failures), each
 * checking result, published and applied policy, both aligned flags and
 * the From and organisational domains.
 */
#include "autoconfig.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "auth.h"
#include "diag.h"
#include "dns.h"
#include "fake_dns.h"

static const char *const zone[] = {
	"_dmarc.none.example. IN TXT \"v=DMARC1; p=none\"",
	"_dmarc.quar.example. IN TXT \"v=DMARC1; p=quarantine\"",
	"_dmarc.rej.example. IN TXT \"v=DMARC1; p=reject\"",
	"rej.example. IN TXT \"v=spf1 -all\"",
	"_dmarc.strict.example. IN TXT \"v=DMARC1; p=reject; aspf=s; adkim=s\"",
	"_dmarc.sp.example. IN TXT \"v=DMARC1; p=reject; sp=none\"",
	"_dmarc.own.sp.example. IN TXT \"v=DMARC1; p=quarantine\"",
	"_dmarc.spq.example. IN TXT \"v=DMARC1; p=none; sp=quarantine\"",
	"_dmarc.pct0.example. IN TXT \"v=DMARC1; p=reject; pct=0\"",
	"_dmarc.pct50.example. IN TXT \"v=DMARC1; p=reject; pct=50\"",
	"_dmarc.pct50q.example. IN TXT \"v=DMARC1; p=quarantine; pct=50\"",
	"_dmarc.pct100.example. IN TXT \"v=DMARC1; p=reject; pct=100\"",
	"_dmarc.example.co.uk. IN TXT \"v=DMARC1; p=reject; sp=quarantine\"",
	"_dmarc.twice.example. IN TXT \"v=DMARC1; p=reject\"",
	"_dmarc.twice.example. IN TXT \"v=DMARC1; p=none\"",
	"_dmarc.sub.twiceorg.example. IN TXT \"v=DMARC1; p=reject\"",
	"_dmarc.sub.twiceorg.example. IN TXT \"v=DMARC1; p=quarantine\"",
	"_dmarc.twiceorg.example. IN TXT \"v=DMARC1; p=reject\"",
	"_dmarc.mixed.example. IN TXT \"v=spf1 -all\"",
	"_dmarc.mixed.example. IN TXT \"v=DMARC1; p=reject\"",
	"_dmarc.badp.example. IN TXT \"v=DMARC1; p=bogus\"",
	"_dmarc.badprua.example. IN TXT \"v=DMARC1; p=bogus; rua=mailto:d@badprua.example\"",
	"_dmarc.nop.example. IN TXT \"v=DMARC1; rua=mailto:d@nop.example!10m\"",
	"_dmarc.ruabad.example. IN TXT \"v=DMARC1; p=bogus; rua=nonsense, :x\"",
	"_dmarc.badsp.example. IN TXT \"v=DMARC1; p=reject; sp=maybe\"",
	"_dmarc.vlate.example. IN TXT \"p=reject; v=DMARC1\"",
	"_dmarc.v10.example. IN TXT \"v=DMARC10; p=reject\"",
	"_dmarc.ws.example. IN TXT \" V = DMARC1 ;  P = Reject ; ADKIM = S ; foo = bar ;; junk ;\"",
	"_dmarc.split.example. IN TXT \"v=DMARC1; p=\" \"reject\"",
	"_dmarc.badpct.example. IN TXT \"v=DMARC1; p=reject; pct=abc\"",
	"_dmarc.bigpct.example. IN TXT \"v=DMARC1; p=reject; pct=150\"",
	"_dmarc.dup.example. IN TXT \"v=DMARC1; p=none; p=reject\"",
	"_dmarc.example.com. IN TXT \"v=DMARC1; p=reject\"",
	"_dmarc.xn--bcher-kva.example. IN TXT \"v=DMARC1; p=reject\"",
	"_dmarc.example.zz. IN TXT \"v=DMARC1; p=quarantine\"",
	"_dmarc.other.rej.example. IN TXT \"site-verification=abc\"",
	"_dmarc.nodata.rej.example. IN A 192.0.2.1",
	"_dmarc.bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb.example. IN TXT \"v=DMARC1; p=reject\"",
	"_dmarc.empty.example. IN TXT \"\"",
	"_dmarc.bare.example. IN TXT \"v=DMARC1\"",
	"_dmarc.eqs.example. IN TXT \"v=DMARC1;=;==;p==reject;;\"",
	"_dmarc.nul.example. IN TXT \"v=DMARC1; p=reject\\000\"",
	"_dmarc.vcase.example. IN TXT \"v=dmarc1; p=reject\"",
	"_dmarc.long.example. IN TXT \"v=DMARC1; x=aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\" \"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\" \"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa; p=quarantine\"",
};

/* Which resolver a row runs against. */
typedef enum dns_kind {
	ZONE,     /* the static zone above */
	SPENT,    /* the static zone, with the message's DNS budget used up */
	SERVFAIL, /* a loopback forwarder answering SERVFAIL */
	SILENT    /* a loopback forwarder that never answers */
} dns_kind;

#define R(x) SC_DMARC_##x
#define P(x) SC_DMARC_POLICY_##x

/* One evaluation and what it must give. */
typedef struct dmarc_case {
	dns_kind dns;
	const char *from; /* the From domain handed in (NULL: none or several) */
	sc_spf_result spf;
	const char *spf_domain;
	int spf_helo;
	const char *dkim; /* "result:d= ..." ("-" for an unreadable d=), or NULL */
	unsigned draw;    /* pct_draw */
	sc_dmarc_result want;
	sc_dmarc_policy policy, applied;
	int spf_aligned, dkim_aligned;
	const char *domain, *org; /* expected dmarc_domain and dmarc_org_domain */
} dmarc_case;

#define PASS SC_SPF_PASS
#define FAIL SC_SPF_FAIL
#define NOSPF SC_SPF_NONE

/* clang-format off */
static const dmarc_case cases[] = {
	/* p= and plain aligned / unaligned identifiers */
	{ZONE, "none.example", PASS, "none.example", 0, NULL, 0, R(PASS), P(NONE), P(UNSPEC), 1, 0, "none.example", "none.example"},
	{ZONE, "quar.example", PASS, "quar.example", 0, NULL, 0, R(PASS), P(QUARANTINE), P(UNSPEC), 1, 0, "quar.example", "quar.example"},
	{ZONE, "rej.example", PASS, "rej.example", 0, NULL, 0, R(PASS), P(REJECT), P(UNSPEC), 1, 0, "rej.example", "rej.example"},
	{ZONE, "rej.example", NOSPF, "rej.example", 0, "pass:rej.example", 0, R(PASS), P(REJECT), P(UNSPEC), 0, 1, "rej.example", "rej.example"},
	{ZONE, "rej.example", FAIL, "rej.example", 0, NULL, 0, R(FAIL), P(REJECT), P(REJECT), 0, 0, "rej.example", "rej.example"},
	{ZONE, "none.example", FAIL, "none.example", 0, NULL, 0, R(FAIL), P(NONE), P(NONE), 0, 0, "none.example", "none.example"},
	{ZONE, "quar.example", SC_SPF_SOFTFAIL, "quar.example", 0, "fail:quar.example", 0, R(FAIL), P(QUARANTINE), P(QUARANTINE), 0, 0, "quar.example", "quar.example"},
	{ZONE, "rej.example", PASS, "rej.example", 0, "pass:rej.example", 0, R(PASS), P(REJECT), P(UNSPEC), 1, 1, "rej.example", "rej.example"},
	/* relaxed alignment: the same organisational domain */
	{ZONE, "rej.example", PASS, "bounce.rej.example", 0, NULL, 0, R(PASS), P(REJECT), P(UNSPEC), 1, 0, "rej.example", "rej.example"},
	{ZONE, "rej.example", NOSPF, NULL, 0, "pass:mail.rej.example", 0, R(PASS), P(REJECT), P(UNSPEC), 0, 1, "rej.example", "rej.example"},
	{ZONE, "rej.example", PASS, "notrej.example", 0, "pass:rej.example.evil", 0, R(FAIL), P(REJECT), P(REJECT), 0, 0, "rej.example", "rej.example"},
	/* strict alignment: the exact name, case-insensitively */
	{ZONE, "strict.example", PASS, "bounce.strict.example", 0, "pass:mail.strict.example", 0, R(FAIL), P(REJECT), P(REJECT), 0, 0, "strict.example", "strict.example"},
	{ZONE, "strict.example", PASS, "STRICT.Example", 0, NULL, 0, R(PASS), P(REJECT), P(UNSPEC), 1, 0, "strict.example", "strict.example"},
	{ZONE, "strict.example", NOSPF, NULL, 0, "pass:strict.example", 0, R(PASS), P(REJECT), P(UNSPEC), 0, 1, "strict.example", "strict.example"},
	{ZONE, "strict.example", PASS, "bounce.strict.example", 0, "pass:strict.example", 0, R(PASS), P(REJECT), P(UNSPEC), 0, 1, "strict.example", "strict.example"},
	{ZONE, "sub.strict.example", PASS, "strict.example", 0, "pass:strict.example", 0, R(FAIL), P(REJECT), P(REJECT), 0, 0, "sub.strict.example", "strict.example"},
	/* sp= for subdomains, a subdomain's own record, sp defaulting to p */
	{ZONE, "sub.sp.example", FAIL, "sub.sp.example", 0, NULL, 0, R(FAIL), P(NONE), P(NONE), 0, 0, "sub.sp.example", "sp.example"},
	{ZONE, "sub.sp.example", PASS, "sp.example", 0, NULL, 0, R(PASS), P(NONE), P(UNSPEC), 1, 0, "sub.sp.example", "sp.example"},
	{ZONE, "sp.example", FAIL, "sp.example", 0, NULL, 0, R(FAIL), P(REJECT), P(REJECT), 0, 0, "sp.example", "sp.example"},
	{ZONE, "own.sp.example", FAIL, "own.sp.example", 0, NULL, 0, R(FAIL), P(QUARANTINE), P(QUARANTINE), 0, 0, "own.sp.example", "sp.example"},
	{ZONE, "a.b.spq.example", FAIL, NULL, 0, NULL, 0, R(FAIL), P(QUARANTINE), P(QUARANTINE), 0, 0, "a.b.spq.example", "spq.example"},
	{ZONE, "spq.example", FAIL, NULL, 0, NULL, 0, R(FAIL), P(NONE), P(NONE), 0, 0, "spq.example", "spq.example"},
	{ZONE, "sub.rej.example", FAIL, "sub.rej.example", 0, NULL, 0, R(FAIL), P(REJECT), P(REJECT), 0, 0, "sub.rej.example", "rej.example"},
	{ZONE, "deep.sub.rej.example", PASS, "rej.example", 0, NULL, 0, R(PASS), P(REJECT), P(UNSPEC), 1, 0, "deep.sub.rej.example", "rej.example"},
	/* pct= sampling: in when draw < pct, else one step lower */
	{ZONE, "pct0.example", FAIL, NULL, 0, NULL, 0, R(FAIL), P(REJECT), P(QUARANTINE), 0, 0, "pct0.example", "pct0.example"},
	{ZONE, "pct0.example", PASS, "pct0.example", 0, NULL, 0, R(PASS), P(REJECT), P(UNSPEC), 1, 0, "pct0.example", "pct0.example"},
	{ZONE, "pct50.example", FAIL, NULL, 0, NULL, 10, R(FAIL), P(REJECT), P(REJECT), 0, 0, "pct50.example", "pct50.example"},
	{ZONE, "pct50.example", FAIL, NULL, 0, NULL, 90, R(FAIL), P(REJECT), P(QUARANTINE), 0, 0, "pct50.example", "pct50.example"},
	{ZONE, "pct50.example", FAIL, NULL, 0, NULL, 50, R(FAIL), P(REJECT), P(QUARANTINE), 0, 0, "pct50.example", "pct50.example"},
	{ZONE, "pct50q.example", FAIL, NULL, 0, NULL, 10, R(FAIL), P(QUARANTINE), P(QUARANTINE), 0, 0, "pct50q.example", "pct50q.example"},
	{ZONE, "pct50q.example", FAIL, NULL, 0, NULL, 90, R(FAIL), P(QUARANTINE), P(NONE), 0, 0, "pct50q.example", "pct50q.example"},
	{ZONE, "pct100.example", FAIL, NULL, 0, NULL, 99, R(FAIL), P(REJECT), P(REJECT), 0, 0, "pct100.example", "pct100.example"},
	{ZONE, "pct100.example", FAIL, NULL, 0, NULL, 0, R(FAIL), P(REJECT), P(REJECT), 0, 0, "pct100.example", "pct100.example"},
	{ZONE, "badpct.example", FAIL, NULL, 0, NULL, 90, R(FAIL), P(REJECT), P(REJECT), 0, 0, "badpct.example", "badpct.example"},
	{ZONE, "bigpct.example", FAIL, NULL, 0, NULL, 99, R(FAIL), P(REJECT), P(REJECT), 0, 0, "bigpct.example", "bigpct.example"},
	/* organisational domains under a multi-label suffix */
	{ZONE, "mail.example.co.uk", PASS, "example.co.uk", 0, NULL, 0, R(PASS), P(QUARANTINE), P(UNSPEC), 1, 0, "mail.example.co.uk", "example.co.uk"},
	{ZONE, "mail.example.co.uk", NOSPF, NULL, 0, "pass:bounce.example.co.uk", 0, R(PASS), P(QUARANTINE), P(UNSPEC), 0, 1, "mail.example.co.uk", "example.co.uk"},
	{ZONE, "mail.example.co.uk", PASS, "other.co.uk", 0, "pass:other.co.uk", 0, R(FAIL), P(QUARANTINE), P(QUARANTINE), 0, 0, "mail.example.co.uk", "example.co.uk"},
	{ZONE, "example.co.uk", PASS, "co.uk", 0, "pass:co.uk", 0, R(FAIL), P(REJECT), P(REJECT), 0, 0, "example.co.uk", "example.co.uk"},
	{ZONE, "example.co.uk", NOSPF, NULL, 0, "pass:a.b.example.co.uk", 0, R(PASS), P(REJECT), P(UNSPEC), 0, 1, "example.co.uk", "example.co.uk"},
	{ZONE, "example.co.uk", PASS, "mail.other.co.uk", 0, NULL, 0, R(FAIL), P(REJECT), P(REJECT), 0, 0, "example.co.uk", "example.co.uk"},
	{ZONE, "co.uk", PASS, "co.uk", 0, NULL, 0, R(NONE), P(UNSPEC), P(UNSPEC), 1, 0, "co.uk", "co.uk"},
	{ZONE, "mail.example.zz", FAIL, NULL, 0, "pass:other.zz", 0, R(FAIL), P(QUARANTINE), P(QUARANTINE), 0, 0, "mail.example.zz", "example.zz"},
	{ZONE, "mail.example.zz", NOSPF, NULL, 0, "pass:example.zz", 0, R(PASS), P(QUARANTINE), P(UNSPEC), 0, 1, "mail.example.zz", "example.zz"},
	/* no record: none, the flags still say what aligned (relaxed) */
	{ZONE, "norecord.example", PASS, "norecord.example", 0, NULL, 0, R(NONE), P(UNSPEC), P(UNSPEC), 1, 0, "norecord.example", "norecord.example"},
	{ZONE, "norecord.example", FAIL, "norecord.example", 0, "fail:norecord.example", 0, R(NONE), P(UNSPEC), P(UNSPEC), 0, 0, "norecord.example", "norecord.example"},
	{ZONE, "mail.norecord.example", NOSPF, NULL, 0, "pass:norecord.example", 0, R(NONE), P(UNSPEC), P(UNSPEC), 0, 1, "mail.norecord.example", "norecord.example"},
	/* record discovery and syntax */
	{ZONE, "twice.example", FAIL, NULL, 0, NULL, 0, R(NONE), P(UNSPEC), P(UNSPEC), 0, 0, "twice.example", "twice.example"},
	{ZONE, "sub.twiceorg.example", FAIL, NULL, 0, NULL, 0, R(NONE), P(UNSPEC), P(UNSPEC), 0, 0, "sub.twiceorg.example", "twiceorg.example"},
	{ZONE, "mixed.example", FAIL, NULL, 0, NULL, 0, R(FAIL), P(REJECT), P(REJECT), 0, 0, "mixed.example", "mixed.example"},
	{ZONE, "badp.example", FAIL, NULL, 0, NULL, 0, R(NONE), P(UNSPEC), P(UNSPEC), 0, 0, "badp.example", "badp.example"},
	{ZONE, "badprua.example", FAIL, NULL, 0, NULL, 0, R(FAIL), P(NONE), P(NONE), 0, 0, "badprua.example", "badprua.example"},
	{ZONE, "nop.example", FAIL, NULL, 0, NULL, 0, R(FAIL), P(NONE), P(NONE), 0, 0, "nop.example", "nop.example"},
	{ZONE, "ruabad.example", FAIL, NULL, 0, NULL, 0, R(NONE), P(UNSPEC), P(UNSPEC), 0, 0, "ruabad.example", "ruabad.example"},
	{ZONE, "badsp.example", FAIL, NULL, 0, NULL, 0, R(NONE), P(UNSPEC), P(UNSPEC), 0, 0, "badsp.example", "badsp.example"},
	{ZONE, "vlate.example", FAIL, NULL, 0, NULL, 0, R(NONE), P(UNSPEC), P(UNSPEC), 0, 0, "vlate.example", "vlate.example"},
	{ZONE, "v10.example", FAIL, NULL, 0, NULL, 0, R(NONE), P(UNSPEC), P(UNSPEC), 0, 0, "v10.example", "v10.example"},
	{ZONE, "dup.example", FAIL, NULL, 0, NULL, 0, R(NONE), P(UNSPEC), P(UNSPEC), 0, 0, "dup.example", "dup.example"},
	{ZONE, "ws.example", NOSPF, NULL, 0, "pass:mail.ws.example", 0, R(FAIL), P(REJECT), P(REJECT), 0, 0, "ws.example", "ws.example"},
	{ZONE, "ws.example", NOSPF, NULL, 0, "pass:ws.example", 0, R(PASS), P(REJECT), P(UNSPEC), 0, 1, "ws.example", "ws.example"},
	{ZONE, "other.rej.example", FAIL, NULL, 0, NULL, 0, R(FAIL), P(REJECT), P(REJECT), 0, 0, "other.rej.example", "rej.example"},
	{ZONE, "nodata.rej.example", FAIL, NULL, 0, "pass:rej.example", 0, R(PASS), P(REJECT), P(UNSPEC), 0, 1, "nodata.rej.example", "rej.example"},
	/* 251 bytes: _dmarc.FROM would be too long a name, so only the org domain is asked */
	{ZONE, "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb.bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb.bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb.bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb.example", FAIL, NULL, 0, NULL, 0, R(FAIL), P(REJECT), P(REJECT), 0, 0, "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb.bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb.bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb.bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb.example", "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb.example"},
	{ZONE, "empty.example", FAIL, NULL, 0, NULL, 0, R(NONE), P(UNSPEC), P(UNSPEC), 0, 0, "empty.example", "empty.example"},
	{ZONE, "bare.example", FAIL, NULL, 0, NULL, 0, R(NONE), P(UNSPEC), P(UNSPEC), 0, 0, "bare.example", "bare.example"},
	{ZONE, "eqs.example", FAIL, NULL, 0, NULL, 0, R(NONE), P(UNSPEC), P(UNSPEC), 0, 0, "eqs.example", "eqs.example"},
	{ZONE, "nul.example", FAIL, NULL, 0, NULL, 0, R(NONE), P(UNSPEC), P(UNSPEC), 0, 0, "nul.example", "nul.example"},
	{ZONE, "vcase.example", FAIL, NULL, 0, NULL, 0, R(NONE), P(UNSPEC), P(UNSPEC), 0, 0, "vcase.example", "vcase.example"},
	{ZONE, "long.example", FAIL, NULL, 0, NULL, 0, R(FAIL), P(QUARANTINE), P(QUARANTINE), 0, 0, "long.example", "long.example"},
	{ZONE, "split.example", FAIL, NULL, 0, NULL, 0, R(FAIL), P(REJECT), P(REJECT), 0, 0, "split.example", "split.example"},
	/* DNS trouble: temperror, no policy, the flags relaxed */
	{SERVFAIL, "rej.example", PASS, "rej.example", 0, NULL, 0, R(TEMPERROR), P(UNSPEC), P(UNSPEC), 1, 0, "rej.example", "rej.example"},
	{SERVFAIL, "sub.rej.example", FAIL, NULL, 0, NULL, 0, R(TEMPERROR), P(UNSPEC), P(UNSPEC), 0, 0, "sub.rej.example", "rej.example"},
	{SILENT, "rej.example", FAIL, NULL, 0, "pass:rej.example", 0, R(TEMPERROR), P(UNSPEC), P(UNSPEC), 0, 1, "rej.example", "rej.example"},
	{SPENT, "rej.example", FAIL, NULL, 0, NULL, 0, R(TEMPERROR), P(UNSPEC), P(UNSPEC), 0, 0, "rej.example", "rej.example"},
	/* only a passing, aligned identifier counts */
	{ZONE, "rej.example", PASS, "unrelated.example", 0, "fail:rej.example", 0, R(FAIL), P(REJECT), P(REJECT), 0, 0, "rej.example", "rej.example"},
	{ZONE, "rej.example", NOSPF, NULL, 0, "pass:thirdparty.example", 0, R(FAIL), P(REJECT), P(REJECT), 0, 0, "rej.example", "rej.example"},
	/* OpenDMARC PR #70: a failing aligned signature, then a passing third-party one */
	{ZONE, "rej.example", NOSPF, NULL, 0, "fail:rej.example pass:thirdparty.example", 0, R(FAIL), P(REJECT), P(REJECT), 0, 0, "rej.example", "rej.example"},
	{ZONE, "rej.example", NOSPF, NULL, 0, "fail:thirdparty.example pass:rej.example", 0, R(PASS), P(REJECT), P(UNSPEC), 0, 1, "rej.example", "rej.example"},
	{ZONE, "rej.example", NOSPF, NULL, 0, "pass:- neutral:rej.example temperror:rej.example permerror:rej.example", 0, R(FAIL), P(REJECT), P(REJECT), 0, 0, "rej.example", "rej.example"},
	{ZONE, "rej.example", SC_SPF_TEMPERROR, "rej.example", 0, NULL, 0, R(FAIL), P(REJECT), P(REJECT), 0, 0, "rej.example", "rej.example"},
	{ZONE, "rej.example", SC_SPF_NEUTRAL, "rej.example", 0, NULL, 0, R(FAIL), P(REJECT), P(REJECT), 0, 0, "rej.example", "rej.example"},
	{ZONE, "rej.example", PASS, "rej.example", 1, NULL, 0, R(PASS), P(REJECT), P(UNSPEC), 1, 0, "rej.example", "rej.example"},
	{ZONE, "rej.example", PASS, "rej.example..", 0, "pass:-rej.example", 0, R(FAIL), P(REJECT), P(REJECT), 0, 0, "rej.example", "rej.example"},
	{ZONE, "example.com", NOSPF, NULL, 0, "pass:example.com.evil.example", 0, R(FAIL), P(REJECT), P(REJECT), 0, 0, "example.com", "example.com"},
	/* From domains: case, IDN, and what is not a domain */
	{ZONE, "REJ.Example", PASS, "rej.EXAMPLE", 0, NULL, 0, R(PASS), P(REJECT), P(UNSPEC), 1, 0, "rej.example", "rej.example"},
	{ZONE, "B\xc3\xbc" "cher.example", NOSPF, NULL, 0, "pass:XN--BCHER-KVA.example", 0, R(PASS), P(REJECT), P(UNSPEC), 0, 1, "xn--bcher-kva.example", "xn--bcher-kva.example"},
	{ZONE, "xn--bcher-kva.example", FAIL, NULL, 0, "pass:b\xc3\xbc" "cher.example", 0, R(PASS), P(REJECT), P(UNSPEC), 0, 1, "xn--bcher-kva.example", "xn--bcher-kva.example"},
	{ZONE, "B\xc3\x9c" "CHER.EXAMPLE", NOSPF, NULL, 0, "pass:xn--bcher-kva.example", 0, R(PASS), P(REJECT), P(UNSPEC), 0, 1, "xn--bcher-kva.example", "xn--bcher-kva.example"},
	{ZONE, "b\xc3\xbc" "cher.example", NOSPF, NULL, 0, "pass:xn--bcher-kva.example.evil", 0, R(FAIL), P(REJECT), P(REJECT), 0, 0, "xn--bcher-kva.example", "xn--bcher-kva.example"},
	{ZONE, "b\xff.example", PASS, "rej.example", 0, NULL, 0, R(PERMERROR), P(UNSPEC), P(UNSPEC), 0, 0, NULL, NULL},
	{ZONE, NULL, PASS, "rej.example", 0, "pass:rej.example", 0, R(PERMERROR), P(UNSPEC), P(UNSPEC), 0, 0, NULL, NULL},
	{ZONE, "", PASS, "rej.example", 0, NULL, 0, R(PERMERROR), P(UNSPEC), P(UNSPEC), 0, 0, NULL, NULL},
	{ZONE, "not a domain", PASS, "rej.example", 0, NULL, 0, R(PERMERROR), P(UNSPEC), P(UNSPEC), 0, 0, NULL, NULL},
	{ZONE, "-rej.example", PASS, "rej.example", 0, NULL, 0, R(PERMERROR), P(UNSPEC), P(UNSPEC), 0, 0, NULL, NULL},
	{ZONE, "rej..example", PASS, "rej.example", 0, NULL, 0, R(PERMERROR), P(UNSPEC), P(UNSPEC), 0, 0, NULL, NULL},
	{ZONE, "rej.example.", PASS, "rej.example", 0, NULL, 0, R(PERMERROR), P(UNSPEC), P(UNSPEC), 0, 0, NULL, NULL},
	{ZONE, "192.0.2.1", PASS, "192.0.2.1", 0, NULL, 0, R(PERMERROR), P(UNSPEC), P(UNSPEC), 0, 0, NULL, NULL},
	{ZONE, "[192.0.2.1]", PASS, NULL, 0, NULL, 0, R(PERMERROR), P(UNSPEC), P(UNSPEC), 0, 0, NULL, NULL},
	{ZONE, "rej.example;x", PASS, "rej.example", 0, NULL, 0, R(PERMERROR), P(UNSPEC), P(UNSPEC), 0, 0, NULL, NULL},
	{ZONE, "a234567890123456789012345678901234567890123456789012345678901234.example", PASS, NULL, 0, NULL, 0, R(PERMERROR), P(UNSPEC), P(UNSPEC), 0, 0, NULL, NULL},
};
/* clang-format on */

/* dkim_result_word - the test's word for a DKIM result */
static sc_dkim_result dkim_result_word(const char *w, size_t n)
{
	static const struct {
		const char *w;
		sc_dkim_result r;
	} words[] = {{"pass", SC_DKIM_PASS},
		     {"fail", SC_DKIM_FAIL},
		     {"neutral", SC_DKIM_NEUTRAL},
		     {"temperror", SC_DKIM_TEMPERROR},
		     {"permerror", SC_DKIM_PERMERROR}};

	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		if (strlen(words[i].w) == n && strncmp(w, words[i].w, n) == 0)
			return words[i].r;
	fail_msg("unknown DKIM result in the table: %.*s", (int) n, w);
	return SC_DKIM_PERMERROR;
}

/* build_input - the SPF and DKIM results of a row, as sc_spf_check() and
 * sc_dkim_verify() would leave them (strings owned by r) */
static void build_input(const dmarc_case *c, sc_auth_result *r)
{
	memset(r, 0, sizeof(*r));
	r->spf = c->spf;
	r->spf_domain = c->spf_domain != NULL ? strdup(c->spf_domain) : NULL;
	r->spf_helo = c->spf_helo;
	r->dkim_checked = 1;
	for (const char *s = c->dkim; s != NULL && *s != '\0';) {
		const char *colon = strchr(s, ':'), *end = strchr(s, ' ');
		size_t dn;

		assert_non_null(colon);
		if (end == NULL)
			end = s + strlen(s);
		dn = (size_t) (end - colon - 1);
		r->dkim = realloc(r->dkim, (r->ndkim + 1) * sizeof(*r->dkim));
		assert_non_null(r->dkim);
		memset(&r->dkim[r->ndkim], 0, sizeof(*r->dkim));
		r->dkim[r->ndkim].result = dkim_result_word(s, (size_t) (colon - s));
		if (!(dn == 1 && colon[1] == '-'))
			r->dkim[r->ndkim].domain = strndup(colon + 1, dn);
		r->ndkim++;
		s = *end == ' ' ? end + 1 : end;
	}
}

/* Resolvers the rows run against, made once. */
typedef struct fixture {
	sc_dns *zone, *servfail, *silent;
	int servfail_fd, silent_fd;
	pthread_t servfail_thread;
} fixture;

/* setup - the static zone and the two misbehaving forwarders */
static int setup(void **state)
{
	fixture *f = calloc(1, sizeof(*f));
	const char *why = NULL;
	unsigned port;

	assert_non_null(f);
	f->zone = sc_dns_new_static(2000);
	for (size_t i = 0; i < sizeof(zone) / sizeof(zone[0]); i++)
		if (sc_dns_add_rr(f->zone, zone[i], &why) != 0)
			fail_msg("record %s: %s", zone[i], why);
	f->servfail_fd = fake_dns_socket(&port);
	assert_int_equal(pthread_create(&f->servfail_thread, NULL, fake_dns_servfail, &f->servfail_fd),
			 0);
	f->servfail = fake_dns_forwarder(port, 3000);
	f->silent_fd = fake_dns_socket(&port);
	f->silent = fake_dns_forwarder(port, 200);
	*state = f;
	return 0;
}

/* teardown - stop the SERVFAIL server, free the resolvers */
static int teardown(void **state)
{
	fixture *f = *state;

	if (f == NULL)
		return 0; /* setup failed before it made anything */
	sc_dns_free(f->zone);
	sc_dns_free(f->servfail);
	sc_dns_free(f->silent);
	shutdown(f->servfail_fd, SHUT_RDWR);
	close(f->servfail_fd);
	pthread_join(f->servfail_thread, NULL);
	close(f->silent_fd);
	free(f);
	return 0;
}

/* assert_str_or_null - equal strings, or both NULL */
static void assert_str_or_null(const char *got, const char *want)
{
	if (want == NULL)
		assert_null(got);
	else
		assert_string_equal(got != NULL ? got : "(null)", want);
}

/* test_dmarc_matrix - every row */
static void test_dmarc_matrix(void **state)
{
	fixture *f = *state;

	assert_true(sizeof(cases) / sizeof(cases[0]) >= 40);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const dmarc_case *c = &cases[i];
		sc_dns_budget spent, *budget = NULL;
		sc_dns *dns = f->zone;
		sc_auth_result r;

		if (c->dns == SERVFAIL)
			dns = f->servfail;
		else if (c->dns == SILENT)
			dns = f->silent;
		else if (c->dns == SPENT)
			sc_dns_budget_start(budget = &spent, 0);
		print_message("case %zu: from %s spf %s %s dkim [%s] draw %u -> %s %s/%s %d %d\n", i,
			      c->from ? c->from : "(null)", sc_spf_result_name(c->spf),
			      c->spf_domain ? c->spf_domain : "-", c->dkim ? c->dkim : "", c->draw,
			      sc_dmarc_result_name(c->want), sc_dmarc_policy_name(c->policy),
			      sc_dmarc_policy_name(c->applied), c->spf_aligned, c->dkim_aligned);
		build_input(c, &r);
		sc_dmarc_check(dns, budget, c->from, c->draw, &r);
		assert_string_equal(sc_dmarc_result_name(r.dmarc), sc_dmarc_result_name(c->want));
		assert_int_equal(r.dmarc, c->want);
		assert_int_equal(r.dmarc_policy, c->policy);
		assert_int_equal(r.dmarc_applied, c->applied);
		assert_int_equal(r.dmarc_spf_aligned, c->spf_aligned);
		assert_int_equal(r.dmarc_dkim_aligned, c->dkim_aligned);
		assert_str_or_null(r.dmarc_domain, c->domain);
		assert_str_or_null(r.dmarc_org_domain, c->org);
		/* The inputs are left as they were. */
		assert_int_equal(r.spf, c->spf);
		assert_str_or_null(r.spf_domain, c->spf_domain);
		sc_auth_result_clear(&r);
	}
}

/* test_check_twice - a second check replaces the first one's fields */
static void test_check_twice(void **state)
{
	fixture *f = *state;
	sc_auth_result r;

	(void) state;
	memset(&r, 0, sizeof(r));
	r.spf = SC_SPF_PASS;
	r.spf_domain = strdup("rej.example");
	sc_dmarc_check(f->zone, NULL, "mail.example.co.uk", 0, &r);
	assert_int_equal(r.dmarc, SC_DMARC_FAIL);
	assert_string_equal(r.dmarc_org_domain, "example.co.uk");
	sc_dmarc_check(f->zone, NULL, "rej.example", 0, &r);
	assert_int_equal(r.dmarc, SC_DMARC_PASS);
	assert_int_equal(r.dmarc_applied, SC_DMARC_POLICY_UNSPEC);
	assert_string_equal(r.dmarc_domain, "rej.example");
	sc_dmarc_check(f->zone, NULL, NULL, 0, &r);
	assert_int_equal(r.dmarc, SC_DMARC_PERMERROR);
	assert_null(r.dmarc_domain);
	assert_int_equal(r.dmarc_spf_aligned, 0);
	sc_auth_result_clear(&r);
}

/* test_names - the RFC 8601 result words and the record's policy words */
static void test_names(void **state)
{
	(void) state;
	assert_string_equal(sc_dmarc_result_name(SC_DMARC_UNCHECKED), "none");
	assert_string_equal(sc_dmarc_result_name(SC_DMARC_NONE), "none");
	assert_string_equal(sc_dmarc_result_name(SC_DMARC_PASS), "pass");
	assert_string_equal(sc_dmarc_result_name(SC_DMARC_FAIL), "fail");
	assert_string_equal(sc_dmarc_result_name(SC_DMARC_TEMPERROR), "temperror");
	assert_string_equal(sc_dmarc_result_name(SC_DMARC_PERMERROR), "permerror");
	assert_string_equal(sc_dmarc_policy_name(SC_DMARC_POLICY_UNSPEC), "");
	assert_string_equal(sc_dmarc_policy_name(SC_DMARC_POLICY_NONE), "none");
	assert_string_equal(sc_dmarc_policy_name(SC_DMARC_POLICY_QUARANTINE), "quarantine");
	assert_string_equal(sc_dmarc_policy_name(SC_DMARC_POLICY_REJECT), "reject");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_dmarc_matrix),
		cmocka_unit_test(test_check_twice),
		cmocka_unit_test(test_names),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
