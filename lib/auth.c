/*
 * auth.c - SPF through libspf2 with lib/dns as its DNS layer (see auth.h).
 *
 * libspf2 lets the caller supply the DNS layer (SPF_dns_server_t): we give
 * each check a layer whose lookup() asks sc_dns and converts the answer to
 * libspf2's SPF_dns_rr_t, the way its own spf_dns_resolv.c does (A and AAAA
 * as addresses, PTR and MX as names without the trailing dot, TXT strings
 * joined). NXDOMAIN is HOST_NOT_FOUND, NODATA is NO_DATA, everything else
 * (SERVFAIL, timeout) is TRY_AGAIN, which libspf2 turns into temperror.
 * libspf2 enforces the RFC 7208 limit of 10 DNS-querying mechanisms.
 */
#include "autoconfig.h"

#include <sys/types.h>
#include <netinet/in.h>
#include <spf2/spf.h>

#include "auth.h"

#include <ctype.h>
#include <netdb.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "mem.h"

#define DNS_NAME_TEXT_MAX 1025 /* a wire name as dotted text, escapes excluded */

/* RFC 7208 4.6.4: more than this many lookups that find nothing (NXDOMAIN,
 * or an empty answer) during one evaluation is a permerror. libspf2 1.2
 * does not count them, so our DNS layer does. */
#define SPF_MAX_VOID_LOOKUPS 2

/* What one check's DNS layer needs. */
typedef struct spf_hook {
	sc_dns *dns;
	sc_dns_budget *budget;
	unsigned voids; /* lookups that found nothing */
} spf_hook;

/* sc_spf_result_name - the RFC 8601 word for a result */
const char *sc_spf_result_name(sc_spf_result r)
{
	switch (r) {
	case SC_SPF_UNCHECKED:
	case SC_SPF_NONE:
		return "none";
	case SC_SPF_PASS:
		return "pass";
	case SC_SPF_FAIL:
		return "fail";
	case SC_SPF_SOFTFAIL:
		return "softfail";
	case SC_SPF_NEUTRAL:
		return "neutral";
	case SC_SPF_TEMPERROR:
		return "temperror";
	case SC_SPF_PERMERROR:
		return "permerror";
	default:
		sc_panic("unknown SPF result %d", (int) r);
	}
}

/* domain_is_plain - only letters, digits, '.', '-' and '_': safe in a header */
static int domain_is_plain(const char *d)
{
	if (d == NULL || *d == '\0')
		return 0;
	for (; *d != '\0'; d++)
		if (!(isalnum((unsigned char) *d) || *d == '.' || *d == '-' || *d == '_'))
			return 0;
	return 1;
}

/* put_token_or_quoted - " name=value": value bare when it is an RFC 2045
 * token, else as a quoted-string; left out when it holds control bytes */
static void put_token_or_quoted(sc_buf *out, const char *name, const char *value)
{
	int bare = 1;

	if (value == NULL || *value == '\0')
		return;
	for (const char *p = value; *p != '\0'; p++) {
		unsigned char c = (unsigned char) *p;

		if (c < 0x21 || c > 0x7e)
			return;
		if (strchr("()<>@,;:\\\"/[]?=", c) != NULL)
			bare = 0;
	}
	(void) sc_buf_printf(out, " %s=", name);
	if (bare) {
		(void) sc_buf_puts(out, value);
		return;
	}
	(void) sc_buf_putc(out, '"');
	for (const char *p = value; *p != '\0'; p++) {
		if (*p == '"' || *p == '\\')
			(void) sc_buf_putc(out, '\\');
		(void) sc_buf_putc(out, *p);
	}
	(void) sc_buf_putc(out, '"');
}

/* put_comment - " (text)" with only printable ASCII other than ( ) \ kept */
static void put_comment(sc_buf *out, const char *text)
{
	if (text == NULL || *text == '\0')
		return;
	(void) sc_buf_puts(out, " (");
	for (const char *p = text; *p != '\0'; p++) {
		unsigned char c = (unsigned char) *p;

		if (c >= 0x20 && c < 0x7f && c != '(' && c != ')' && c != '\\')
			(void) sc_buf_putc(out, (char) c);
	}
	(void) sc_buf_putc(out, ')');
}

/* sc_auth_results_value - "id; spf=...; dkim=...; dmarc=..." */
void sc_auth_results_value(const char *authserv_id, const sc_auth_result *r, sc_buf *out)
{
	(void) sc_buf_puts(out, authserv_id);
	if (r->spf == SC_SPF_UNCHECKED && !r->dkim_checked && r->dmarc == SC_DMARC_UNCHECKED) {
		(void) sc_buf_puts(out, "; none");
		return;
	}
	if (r->spf != SC_SPF_UNCHECKED) {
		(void) sc_buf_printf(out, "; spf=%s", sc_spf_result_name(r->spf));
		if (domain_is_plain(r->spf_domain))
			(void) sc_buf_printf(out, " smtp.%s=%s", r->spf_helo ? "helo" : "mailfrom",
					     r->spf_domain);
	}
	if (r->dkim_checked && r->ndkim == 0)
		(void) sc_buf_puts(out, "; dkim=none");
	for (size_t i = 0; r->dkim_checked && i < r->ndkim; i++) {
		const sc_dkim_sig *sig = &r->dkim[i];

		(void) sc_buf_printf(out, "; dkim=%s", sc_dkim_result_name(sig->result));
		put_comment(out, sig->reason);
		if (domain_is_plain(sig->domain))
			(void) sc_buf_printf(out, " header.d=%s", sig->domain);
		put_token_or_quoted(out, "header.s", sig->selector);
		put_token_or_quoted(out, "header.b", sig->b);
	}
	if (r->dmarc != SC_DMARC_UNCHECKED) {
		(void) sc_buf_printf(out, "; dmarc=%s", sc_dmarc_result_name(r->dmarc));
		if (r->dmarc_policy != SC_DMARC_POLICY_UNSPEC) {
			(void) sc_buf_printf(out, " (p=%s", sc_dmarc_policy_name(r->dmarc_policy));
			if (r->dmarc == SC_DMARC_FAIL && r->dmarc_applied != r->dmarc_policy)
				(void) sc_buf_printf(out, ", pct sampled: %s",
						     sc_dmarc_policy_name(r->dmarc_applied));
			(void) sc_buf_putc(out, ')');
		}
		if (domain_is_plain(r->dmarc_domain))
			(void) sc_buf_printf(out, " header.from=%s", r->dmarc_domain);
	}
}

/* sc_auth_result_clear - free the owned strings and reset */
void sc_auth_result_clear(sc_auth_result *r)
{
	free(r->spf_domain);
	for (size_t i = 0; i < r->ndkim; i++) {
		free(r->dkim[i].domain);
		free(r->dkim[i].selector);
		free(r->dkim[i].reason);
		free(r->dkim[i].b);
	}
	free(r->dkim);
	free(r->dmarc_domain);
	free(r->dmarc_org_domain);
	memset(r, 0, sizeof(*r));
}

/* wire_name_text - an uncompressed wire-format name as "a.b.c"; -1 if malformed */
static int wire_name_text(const unsigned char *p, size_t len, char *out, size_t size)
{
	size_t i = 0, o = 0;

	while (i < len && p[i] != 0) {
		size_t n = p[i++];

		if (n > 63 || i + n > len || o + n + 2 > size)
			return -1;
		if (o > 0)
			out[o++] = '.';
		memcpy(out + o, p + i, n);
		o += n;
		i += n;
	}
	if (i >= len)
		return -1;
	out[o] = '\0';
	return 0;
}

/* put_record - one rdata into slot idx of rr; 0 when stored */
static int put_record(SPF_dns_rr_t *rr, int idx, int type, const unsigned char *d, size_t len)
{
	char name[DNS_NAME_TEXT_MAX];
	size_t i, o;

	switch (type) {
	case ns_t_a:
		if (len != 4 || SPF_dns_rr_buf_realloc(rr, idx, sizeof(struct in_addr)) != 0)
			return -1;
		memcpy(&rr->rr[idx]->a, d, 4);
		return 0;
	case ns_t_aaaa:
		if (len != 16 || SPF_dns_rr_buf_realloc(rr, idx, sizeof(struct in6_addr)) != 0)
			return -1;
		memcpy(&rr->rr[idx]->aaaa, d, 16);
		return 0;
	case ns_t_mx:
	case ns_t_ptr:
		if (type == ns_t_mx) {
			if (len < 3)
				return -1;
			d += 2; /* the preference */
			len -= 2;
		}
		if (wire_name_text(d, len, name, sizeof(name)) != 0 ||
		    SPF_dns_rr_buf_realloc(rr, idx, strlen(name) + 1) != 0)
			return -1;
		memcpy(type == ns_t_mx ? rr->rr[idx]->mx : rr->rr[idx]->ptr, name,
		       strlen(name) + 1);
		return 0;
	case ns_t_txt:
	case ns_t_spf:
		if (SPF_dns_rr_buf_realloc(rr, idx, len + 1) != 0)
			return -1;
		for (i = 0, o = 0; i < len; i += 1 + d[i]) {
			size_t n = d[i];

			if (i + 1 + n > len)
				return -1;
			memcpy(rr->rr[idx]->txt + o, d + i + 1, n);
			o += n;
		}
		rr->rr[idx]->txt[o] = '\0';
		return 0;
	default:
		return -1;
	}
}

/* spf_lookup - libspf2's DNS hook: ask lib/dns, convert the answer */
static SPF_dns_rr_t *spf_lookup(SPF_dns_server_t *server, const char *domain, ns_type type,
				int should_cache)
{
	spf_hook *h = server->hook;
	sc_dns_answer *a = sc_dns_query(h->dns, h->budget, domain, (int) type);
	SPF_dns_stat_t herrno;
	SPF_dns_rr_t *rr;
	int n = 0;

	(void) should_cache; /* libunbound caches */
	switch (a->status) {
	case SC_DNS_OK:
		herrno = NETDB_SUCCESS;
		break;
	case SC_DNS_NODATA:
		herrno = NO_DATA;
		break;
	case SC_DNS_NXDOMAIN:
		herrno = HOST_NOT_FOUND;
		break;
	default:
		herrno = TRY_AGAIN;
		break;
	}
	rr = SPF_dns_rr_new_init(server, domain, type, 0, herrno);
	if (rr == NULL)
		sc_panic("SPF_dns_rr_new_init: out of memory");
	for (size_t i = 0; a->status == SC_DNS_OK && i < a->count; i++)
		if (put_record(rr, n, (int) type, a->rdata[i], a->rdlen[i]) == 0)
			n++;
	rr->num_rr = n;
	if (n == 0 && herrno == NETDB_SUCCESS)
		rr->herrno = NO_DATA;
	if (rr->herrno == NO_DATA || rr->herrno == HOST_NOT_FOUND)
		h->voids++;
	sc_dns_answer_free(a);
	return rr;
}

/* map_result - libspf2's result to ours. libspf2 1.2 leaves a record that
 * does not compile (and a DNS failure) as SPF_RESULT_INVALID; the error
 * code tells them apart: a DNS failure is temperror, the rest permerror. */
static sc_spf_result map_result(SPF_result_t r, SPF_errcode_t err)
{
	switch (r) {
	case SPF_RESULT_PASS:
		return SC_SPF_PASS;
	case SPF_RESULT_FAIL:
		return SC_SPF_FAIL;
	case SPF_RESULT_SOFTFAIL:
		return SC_SPF_SOFTFAIL;
	case SPF_RESULT_NEUTRAL:
		return SC_SPF_NEUTRAL;
	case SPF_RESULT_NONE:
		return SC_SPF_NONE;
	case SPF_RESULT_PERMERROR:
		return SC_SPF_PERMERROR;
	case SPF_RESULT_TEMPERROR:
		return SC_SPF_TEMPERROR;
	default: /* SPF_RESULT_INVALID */
		return err == SPF_E_DNS_ERROR ? SC_SPF_TEMPERROR : SC_SPF_PERMERROR;
	}
}

/* set_client - the client address into the request; -1 when not an address */
static int set_client(SPF_request_t *req, const char *ip)
{
	if (strchr(ip, ':') != NULL)
		return SPF_request_set_ipv6_str(req, ip) == SPF_E_SUCCESS ? 0 : -1;
	return SPF_request_set_ipv4_str(req, ip) == SPF_E_SUCCESS ? 0 : -1;
}

/* sc_spf_check - evaluate SPF for one client and identity */
void sc_spf_check(sc_dns *dns, sc_dns_budget *budget, const char *client_ip, const char *helo,
		  const char *mail_from, sc_auth_result *out)
{
	SPF_dns_server_t layer;
	spf_hook hook = {dns, budget, 0};
	SPF_server_t *server;
	SPF_request_t *req;
	SPF_response_t *resp = NULL;
	const char *at;
	sc_buf from;

	/* Only the SPF fields: DKIM and DMARC results may be there already. */
	free(out->spf_domain);
	out->spf_domain = NULL;
	out->spf_helo = 0;
	out->spf = SC_SPF_NONE;
	sc_buf_init(&from, SC_BUF_UNLIMITED);
	if (mail_from != NULL && mail_from[0] != '\0') {
		(void) sc_buf_puts(&from, mail_from);
	} else if (helo != NULL && helo[0] != '\0') {
		(void) sc_buf_printf(&from, "postmaster@%s", helo);
		out->spf_helo = 1;
	} else {
		sc_buf_free(&from);
		return;
	}
	at = strrchr(sc_buf_cstr(&from), '@');
	out->spf_domain = sc_strdup(at != NULL ? at + 1 : sc_buf_cstr(&from));

	/* No destroy hook: libspf2 leaves a layer on our stack alone. */
	memset(&layer, 0, sizeof(layer));
	layer.lookup = spf_lookup;
	layer.name = "scam-milter";
	layer.hook = &hook;
	server = SPF_server_new_dns(&layer, 0);
	if (server == NULL)
		sc_panic("SPF_server_new_dns: out of memory");
	req = SPF_request_new(server);
	if (req == NULL)
		sc_panic("SPF_request_new: out of memory");
	if (set_client(req, client_ip) == 0 &&
	    (helo == NULL || helo[0] == '\0' || SPF_request_set_helo_dom(req, helo) == 0) &&
	    SPF_request_set_env_from(req, sc_buf_cstr(&from)) == 0) {
		SPF_errcode_t err = SPF_request_query_mailfrom(req, &resp);

		if (resp != NULL)
			out->spf = map_result(SPF_response_result(resp), err);
		else
			out->spf = SC_SPF_TEMPERROR;
		/* Every lookup counted came before the result was decided:
		 * libspf2 stops at the first mechanism that matches. */
		if (hook.voids > SPF_MAX_VOID_LOOKUPS && out->spf != SC_SPF_NONE &&
		    out->spf != SC_SPF_TEMPERROR)
			out->spf = SC_SPF_PERMERROR;
	}
	if (resp != NULL)
		SPF_response_free(resp);
	SPF_request_free(req);
	SPF_server_free(server);
	sc_buf_free(&from);
}
