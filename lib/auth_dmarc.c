/*
 * auth_dmarc.c - DMARC (RFC 7489) evaluated by our own code from the SPF
 * and DKIM results already in an sc_auth_result (see auth.h).
 *
 * Why not libopendmarc: its tracker is full of false passes, and a false
 * pass is the one mistake a scam filter must not make, because the
 * allowlist trusts DMARC. One example: OpenDMARC pull request #70 fixed
 * the library reporting an aligned DKIM pass when a failing signature for
 * the From domain was stored before a passing one for an unrelated domain,
 * so anyone with any valid signature could pass for any domain (the matrix
 * in tests/unit/test_dmarc.c carries that case). The evaluation itself is
 * small; written here it stays readable, looks up through lib/dns like
 * every other check, and the matrix covers every branch below.
 *
 * Decisions, with the RFC text they rest on:
 * - Identifiers. DMARC uses the SPF result of the MAIL FROM identity
 *   (RFC 7489 4.1); with a null reverse-path that identity is
 *   postmaster@HELO (RFC 7208 2.4), which is exactly when sc_spf_check()
 *   sets spf_helo, so an SPF pass counts whether spf_helo is set or not. A
 *   DKIM signature counts when it passed and its d= aligns (3.1.1).
 * - Alignment (3.1.1, 3.1.2): strict is an exact, case-insensitive match;
 *   relaxed compares organisational domains. Domains are compared in
 *   lower-case A-label form: ASCII is lower-cased, A-labels are taken as
 *   given, U-labels are converted with libidn2.
 * - Organisational domain (3.2): the registrable domain from libpsl
 *   through sc_url_registrable_domain() (url_host.c, which owns the PSL
 *   context). That helper leaves out the PSL's implied "*" rule and public
 *   suffixes themselves, so: a name that is itself a public suffix is its
 *   own organisational domain, and a name under no known suffix takes the
 *   implied "*" rule (its last two labels), as 3.2 step 3 does.
 * - Record discovery (6.6.3): TXT at _dmarc.FROM; only when no record there
 *   starts with "v=DMARC1", TXT at _dmarc.ORG. Several DMARC records in the
 *   set found, or none, is no policy (SC_DMARC_NONE); several at the From
 *   domain do not fall through to the organisational domain (step 3 asks
 *   only when the set is empty). NXDOMAIN and NODATA are an empty set;
 *   SERVFAIL and timeouts are SC_DMARC_TEMPERROR.
 * - Record syntax (6.3, 6.4): tag=value pairs split on ';', blanks around
 *   names, '=' and values ignored, tag names and keywords case-insensitive,
 *   v=DMARC1 first, its value upper-case as the 6.4 ABNF spells it. A
 *   repeated tag makes the record invalid (the DKIM tag-list syntax that
 *   6.3 adopts, RFC 6376 3.2). A missing or invalid p=, or an invalid
 *   sp=, gives p=none when rua= holds at least one syntactically valid URI,
 *   else no policy (6.6.3 step 6). Invalid pct=, adkim= or aspf= fall back
 *   to their defaults (100, r, r: "syntax errors in the remainder of the
 *   record SHOULD be discarded in favor of default values"). Unknown tags
 *   are ignored.
 * - Policy: p= when the record is the From domain's own, sp= (default p=)
 *   when it came from the organisational domain. pct= (6.6.4): a failing
 *   message is sampled in when pct_draw < pct; sampled out, the applied
 *   policy is one step lower (reject -> quarantine, quarantine -> none).
 * - From domain: NULL (no From, or several addresses) or a name that is
 *   not an RFC 5321 Domain once IDN-converted (an address literal, bad
 *   bytes, empty or long labels, a trailing dot) is SC_DMARC_PERMERROR,
 *   with no lookup and dmarc_domain NULL.
 * - The aligned flags are filled for every valid From domain, with the
 *   record's adkim=/aspf= or, without a usable record, relaxed (the
 *   default), so rules see them whatever the record says.
 *
 * Thread-safe: no state beyond the call; libpsl's context is read-only and
 * sc_dns is thread-safe.
 */
#include "autoconfig.h"

#include <arpa/nameser.h>
#include <idn2.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "auth.h"
#include "buf.h"
#include "mem.h"
#include "url.h"

#define DOMAIN_MAX_BYTES 253 /* RFC 1035: a name as dotted text, no trailing dot */
#define LABEL_MAX_BYTES  63  /* RFC 1035: one label */
#define DMARC_PREFIX     "_dmarc."
#define RECORD_MAX_BYTES 65536 /* TXT strings of one record, joined */

/* What policy discovery found at one name. */
typedef enum fetch_status {
	FETCH_EMPTY, /* no record starts with v=DMARC1 (or the name does not exist) */
	FETCH_ONE,   /* exactly one DMARC record */
	FETCH_MANY,  /* more than one: no policy (6.6.3 step 5) */
	FETCH_TEMP   /* SERVFAIL or timeout */
} fetch_status;

/* One parsed record. */
typedef struct dmarc_record {
	sc_dmarc_policy p, sp;
	unsigned pct;
	int strict_spf, strict_dkim;
} dmarc_record;

/* sc_dmarc_result_name - the RFC 8601 word for a result */
const char *sc_dmarc_result_name(sc_dmarc_result r)
{
	switch (r) {
	case SC_DMARC_UNCHECKED:
	case SC_DMARC_NONE:
		return "none";
	case SC_DMARC_PASS:
		return "pass";
	case SC_DMARC_FAIL:
		return "fail";
	case SC_DMARC_TEMPERROR:
		return "temperror";
	case SC_DMARC_PERMERROR:
		return "permerror";
	default:
		sc_panic("unknown DMARC result %d", (int) r);
	}
}

/* sc_dmarc_policy_name - the record's word for a policy, "" for unspecified */
const char *sc_dmarc_policy_name(sc_dmarc_policy p)
{
	switch (p) {
	case SC_DMARC_POLICY_UNSPEC:
		return "";
	case SC_DMARC_POLICY_NONE:
		return "none";
	case SC_DMARC_POLICY_QUARANTINE:
		return "quarantine";
	case SC_DMARC_POLICY_REJECT:
		return "reject";
	default:
		sc_panic("unknown DMARC policy %d", (int) p);
	}
}

/* is_let_dig - an ASCII letter or digit */
static int is_let_dig(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

/* domain_syntax_ok - RFC 5321 Domain: LDH labels of 1..63 bytes, last one not all digits */
static int domain_syntax_ok(const char *d)
{
	size_t len = strlen(d), label = 0;
	int digits_only = 1;

	if (len == 0 || len > DOMAIN_MAX_BYTES)
		return 0;
	for (size_t i = 0; i <= len; i++) {
		char c = d[i];

		if (c == '.' || c == '\0') {
			if (label == 0 || d[i - 1] == '-')
				return 0;
			if (c == '\0')
				break;
			label = 0;
			digits_only = 1;
			continue;
		}
		if (!is_let_dig(c) && c != '-')
			return 0;
		if (label == 0 && c == '-')
			return 0;
		if (++label > LABEL_MAX_BYTES)
			return 0;
		if (c < '0' || c > '9')
			digits_only = 0;
	}
	return !digits_only;
}

/* domain_normalise - lower-case A-label form of d (malloc'd), NULL when d is no domain name */
static char *domain_normalise(const char *d)
{
	char *out = sc_strdup(d);
	int ascii = 1;

	for (char *p = out; *p != '\0'; p++) {
		if (*p >= 'A' && *p <= 'Z')
			*p = (char) (*p - 'A' + 'a');
		else if ((unsigned char) *p >= 0x80)
			ascii = 0;
	}
	if (!ascii) {
		char *a = NULL;

		if (idn2_to_ascii_8z(out, &a, IDN2_NFC_INPUT | IDN2_NONTRANSITIONAL) != IDN2_OK) {
			idn2_free(a);
			free(out);
			return NULL;
		}
		free(out);
		out = sc_strdup(a);
		idn2_free(a);
		for (char *p = out; *p != '\0'; p++)
			if (*p >= 'A' && *p <= 'Z')
				*p = (char) (*p - 'A' + 'a');
	}
	if (!domain_syntax_ok(out)) {
		free(out);
		return NULL;
	}
	return out;
}

/* org_domain - the organisational domain of a normalised domain, malloc'd */
static char *org_domain(const char *d)
{
	char *reg = sc_url_registrable_domain(d), *probe;
	const char *p;
	sc_buf b;

	if (reg != NULL)
		return reg;
	/* d is a public suffix itself when a label under it is registrable. */
	sc_buf_init(&b, SC_BUF_UNLIMITED);
	(void) sc_buf_printf(&b, "x.%s", d);
	probe = sc_url_registrable_domain(sc_buf_cstr(&b));
	sc_buf_free(&b);
	if (probe != NULL) {
		free(probe);
		return sc_strdup(d);
	}
	/* Under no known suffix: the implied "*" rule, the last two labels. */
	p = strrchr(d, '.');
	if (p == NULL)
		return sc_strdup(d);
	while (p > d && p[-1] != '.')
		p--;
	return sc_strdup(p);
}

/* aligned - auth_domain is From (strict) or shares its organisational domain (relaxed) */
static int aligned(const char *auth_domain, const char *from, const char *from_org, int strict)
{
	char *a = auth_domain != NULL ? domain_normalise(auth_domain) : NULL;
	int r = 0;

	if (a == NULL)
		return 0;
	if (strict) {
		r = strcmp(a, from) == 0;
	} else {
		char *org = org_domain(a);

		r = strcmp(org, from_org) == 0;
		free(org);
	}
	free(a);
	return r;
}

/* txt_join - one TXT rdata's strings joined into out; -1 if malformed, with a NUL, too long */
static int txt_join(const unsigned char *d, size_t len, sc_buf *out)
{
	size_t i = 0;

	sc_buf_reset(out);
	while (i < len) {
		size_t n = d[i++];

		if (i + n > len || memchr(d + i, '\0', n) != NULL ||
		    sc_buf_append(out, d + i, n) != 0)
			return -1;
		i += n;
	}
	return 0;
}

/* is_wsp - blank inside a record (WSP, and folding that crept into TXT) */
static int is_wsp(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* trim - s[0..*n) without blanks at either end; returns the new start */
static const char *trim(const char *s, size_t *n)
{
	while (*n > 0 && is_wsp(s[0])) {
		s++;
		(*n)--;
	}
	while (*n > 0 && is_wsp(s[*n - 1]))
		(*n)--;
	return s;
}

/* word_is - s[0..n) equals the keyword w, ignoring case */
static int word_is(const char *s, size_t n, const char *w)
{
	return strlen(w) == n && strncasecmp(s, w, n) == 0;
}

/* dmarc_version_first - the record's first tag is v=DMARC1 (6.6.3 step 2) */
static int dmarc_version_first(const char *rec)
{
	const char *semi = strchr(rec, ';'), *eq;
	size_t n = semi != NULL ? (size_t) (semi - rec) : strlen(rec), nn, vn;
	const char *name, *val;

	eq = memchr(rec, '=', n);
	if (eq == NULL)
		return 0;
	nn = (size_t) (eq - rec);
	name = trim(rec, &nn);
	vn = n - (size_t) (eq + 1 - rec);
	val = trim(eq + 1, &vn);
	return word_is(name, nn, "v") && vn == 6 && memcmp(val, "DMARC1", 6) == 0;
}

/* parse_policy - none/quarantine/reject, or UNSPEC when invalid */
static sc_dmarc_policy parse_policy(const char *v, size_t n)
{
	if (word_is(v, n, "none"))
		return SC_DMARC_POLICY_NONE;
	if (word_is(v, n, "quarantine"))
		return SC_DMARC_POLICY_QUARANTINE;
	if (word_is(v, n, "reject"))
		return SC_DMARC_POLICY_REJECT;
	return SC_DMARC_POLICY_UNSPEC;
}

/* parse_pct - 0..100 as 1*3DIGIT, or -1 */
static int parse_pct(const char *v, size_t n)
{
	int pct = 0;

	if (n == 0 || n > 3)
		return -1;
	for (size_t i = 0; i < n; i++) {
		if (v[i] < '0' || v[i] > '9')
			return -1;
		pct = pct * 10 + (v[i] - '0');
	}
	return pct <= 100 ? pct : -1;
}

/* uri_valid - one dmarc-uri: scheme ":" something, an optional !size */
static int uri_valid(const char *v, size_t n)
{
	const char *bang = memchr(v, '!', n);
	size_t i = 0;

	if (bang != NULL)
		n = (size_t) (bang - v);
	if (n == 0 || !((v[0] >= 'a' && v[0] <= 'z') || (v[0] >= 'A' && v[0] <= 'Z')))
		return 0;
	while (i < n && (is_let_dig(v[i]) || v[i] == '+' || v[i] == '-' || v[i] == '.'))
		i++;
	if (i == n || v[i] != ':' || i + 1 == n)
		return 0;
	for (i++; i < n; i++)
		if ((unsigned char) v[i] <= ' ' || v[i] == 0x7f)
			return 0;
	return 1;
}

/* rua_valid - a comma-separated rua= list holding at least one valid URI */
static int rua_valid(const char *v, size_t n)
{
	while (n > 0) {
		const char *comma = memchr(v, ',', n);
		size_t un = comma != NULL ? (size_t) (comma - v) : n;
		const char *u = trim(v, &un);

		if (uri_valid(u, un))
			return 1;
		if (comma == NULL)
			break;
		n -= (size_t) (comma + 1 - v);
		v = comma + 1;
	}
	return 0;
}

/* Tags the parser looks at; a repeat of any makes the record invalid. */
enum { TAG_V, TAG_P, TAG_SP, TAG_PCT, TAG_ADKIM, TAG_ASPF, TAG_RUA, TAG_COUNT };
static const char *const tag_names[TAG_COUNT] = {"v", "p", "sp", "pct", "adkim", "aspf", "rua"};

/* parse_record - a v=DMARC1 record into out; -1 when it gives no policy (6.6.3 step 6) */
static int parse_record(const char *rec, dmarc_record *out)
{
	const char *val[TAG_COUNT] = {0};
	size_t vlen[TAG_COUNT] = {0};
	const char *s = rec;
	int pct;

	while (*s != '\0') {
		const char *semi = strchr(s, ';'), *eq, *name, *v;
		size_t n = semi != NULL ? (size_t) (semi - s) : strlen(s), nn, vn;

		eq = memchr(s, '=', n);
		if (eq != NULL) {
			nn = (size_t) (eq - s);
			name = trim(s, &nn);
			vn = n - (size_t) (eq + 1 - s);
			v = trim(eq + 1, &vn);
			for (int t = 0; t < TAG_COUNT; t++) {
				if (!word_is(name, nn, tag_names[t]))
					continue;
				if (val[t] != NULL)
					return -1;
				val[t] = v;
				vlen[t] = vn;
			}
		}
		/* A part without '=' is a syntax error in the remainder: ignored. */
		s += n;
		if (*s == ';')
			s++;
	}
	out->p =
		val[TAG_P] != NULL ? parse_policy(val[TAG_P], vlen[TAG_P]) : SC_DMARC_POLICY_UNSPEC;
	out->sp = val[TAG_SP] != NULL ? parse_policy(val[TAG_SP], vlen[TAG_SP]) : out->p;
	if (out->p == SC_DMARC_POLICY_UNSPEC || out->sp == SC_DMARC_POLICY_UNSPEC) {
		if (val[TAG_RUA] == NULL || !rua_valid(val[TAG_RUA], vlen[TAG_RUA]))
			return -1;
		out->p = out->sp = SC_DMARC_POLICY_NONE;
	}
	pct = val[TAG_PCT] != NULL ? parse_pct(val[TAG_PCT], vlen[TAG_PCT]) : -1;
	out->pct = pct >= 0 ? (unsigned) pct : 100;
	out->strict_dkim = val[TAG_ADKIM] != NULL && word_is(val[TAG_ADKIM], vlen[TAG_ADKIM], "s");
	out->strict_spf = val[TAG_ASPF] != NULL && word_is(val[TAG_ASPF], vlen[TAG_ASPF], "s");
	return 0;
}

/* fetch_record - the DMARC records at _dmarc.domain; FETCH_ONE sets *rec (malloc'd) */
static fetch_status fetch_record(sc_dns *dns, sc_dns_budget *budget, const char *domain, char **rec)
{
	fetch_status st = FETCH_EMPTY;
	sc_dns_answer *a;
	sc_buf name, txt;

	*rec = NULL;
	if (strlen(DMARC_PREFIX) + strlen(domain) > DOMAIN_MAX_BYTES)
		return FETCH_EMPTY; /* a name that long cannot exist */
	sc_buf_init(&name, SC_BUF_UNLIMITED);
	(void) sc_buf_printf(&name, DMARC_PREFIX "%s", domain);
	a = sc_dns_query(dns, budget, sc_buf_cstr(&name), ns_t_txt);
	sc_buf_free(&name);
	if (a->status == SC_DNS_SERVFAIL || a->status == SC_DNS_TIMEOUT) {
		sc_dns_answer_free(a);
		return FETCH_TEMP;
	}
	sc_buf_init(&txt, RECORD_MAX_BYTES);
	for (size_t i = 0; a->status == SC_DNS_OK && i < a->count; i++) {
		if (txt_join(a->rdata[i], a->rdlen[i], &txt) != 0 ||
		    !dmarc_version_first(sc_buf_cstr(&txt)))
			continue;
		if (st == FETCH_ONE) {
			free(*rec);
			*rec = NULL;
			st = FETCH_MANY;
			break;
		}
		*rec = sc_strdup(sc_buf_cstr(&txt));
		st = FETCH_ONE;
	}
	sc_buf_free(&txt);
	sc_dns_answer_free(a);
	return st;
}

/* fill_alignment - the two aligned flags of r under the given modes */
static void fill_alignment(sc_auth_result *r, int strict_spf, int strict_dkim)
{
	r->dmarc_spf_aligned = r->spf == SC_SPF_PASS && aligned(r->spf_domain, r->dmarc_domain,
								r->dmarc_org_domain, strict_spf);
	r->dmarc_dkim_aligned = 0;
	for (size_t i = 0; i < r->ndkim && !r->dmarc_dkim_aligned; i++)
		r->dmarc_dkim_aligned = r->dkim[i].result == SC_DKIM_PASS &&
					aligned(r->dkim[i].domain, r->dmarc_domain,
						r->dmarc_org_domain, strict_dkim);
}

/* sampled_out - the policy one step lower (6.6.4) */
static sc_dmarc_policy sampled_out(sc_dmarc_policy p)
{
	switch (p) {
	case SC_DMARC_POLICY_REJECT:
		return SC_DMARC_POLICY_QUARANTINE;
	case SC_DMARC_POLICY_QUARANTINE:
	case SC_DMARC_POLICY_NONE:
		return SC_DMARC_POLICY_NONE;
	default:
		sc_panic("sampling an unspecified DMARC policy");
	}
}

/* sc_dmarc_check - evaluate DMARC for from_domain (see auth.h) */
void sc_dmarc_check(sc_dns *dns, sc_dns_budget *budget, const char *from_domain, unsigned pct_draw,
		    sc_auth_result *r)
{
	dmarc_record rec;
	fetch_status st;
	char *text = NULL;
	int at_org = 0;

	free(r->dmarc_domain);
	free(r->dmarc_org_domain);
	r->dmarc_domain = r->dmarc_org_domain = NULL;
	r->dmarc = SC_DMARC_PERMERROR;
	r->dmarc_policy = r->dmarc_applied = SC_DMARC_POLICY_UNSPEC;
	r->dmarc_spf_aligned = r->dmarc_dkim_aligned = 0;
	if (from_domain == NULL || (r->dmarc_domain = domain_normalise(from_domain)) == NULL)
		return;
	r->dmarc_org_domain = org_domain(r->dmarc_domain);

	st = fetch_record(dns, budget, r->dmarc_domain, &text);
	if (st == FETCH_EMPTY && strcmp(r->dmarc_domain, r->dmarc_org_domain) != 0) {
		st = fetch_record(dns, budget, r->dmarc_org_domain, &text);
		at_org = 1;
	}
	if (st != FETCH_ONE || parse_record(text, &rec) != 0) {
		free(text);
		r->dmarc = st == FETCH_TEMP ? SC_DMARC_TEMPERROR : SC_DMARC_NONE;
		fill_alignment(r, 0, 0);
		return;
	}
	free(text);
	fill_alignment(r, rec.strict_spf, rec.strict_dkim);
	r->dmarc_policy = at_org ? rec.sp : rec.p;
	if (r->dmarc_spf_aligned || r->dmarc_dkim_aligned) {
		r->dmarc = SC_DMARC_PASS;
		return;
	}
	r->dmarc = SC_DMARC_FAIL;
	r->dmarc_applied = pct_draw < rec.pct ? r->dmarc_policy : sampled_out(r->dmarc_policy);
}
