/*
 * auth.h - sender authentication. Today: SPF (RFC 7208) with libspf2,
 * every lookup through the engine's lib/dns resolver. DKIM and DMARC are
 * not done yet (issue 5).
 *
 * Thread-safe: each check builds its own libspf2 server and request, and
 * sc_dns is thread-safe (dns.h).
 */
#ifndef SC_AUTH_H
#define SC_AUTH_H

#include "buf.h"
#include "dns.h"

typedef enum sc_spf_result {
	SC_SPF_UNCHECKED, /* not evaluated: no client address, or spf = no */
	SC_SPF_PASS,
	SC_SPF_FAIL,
	SC_SPF_SOFTFAIL,
	SC_SPF_NEUTRAL,
	SC_SPF_NONE,
	SC_SPF_TEMPERROR,
	SC_SPF_PERMERROR
} sc_spf_result;

/* What sender authentication found for one message. */
typedef struct sc_auth_result {
	sc_spf_result spf;
	char *spf_domain; /* owned; the domain SPF checked, or NULL when unchecked */
	int spf_helo;     /* 1: the HELO identity was checked (null sender) */
} sc_auth_result;

/* sc_spf_check - the SPF result for client_ip (IPv4 or IPv6 text) sending
 * as mail_from (without <>; NULL or "" is the null sender, and then the HELO
 * name is checked as postmaster@helo). Lookups draw on budget (may be NULL).
 * Fills out (the caller frees out->spf_domain with sc_auth_result_clear()).
 * A client_ip that is not an address, or no identity at all, gives
 * SC_SPF_NONE. Never fails otherwise: DNS trouble is SC_SPF_TEMPERROR. */
void sc_spf_check(sc_dns *dns, sc_dns_budget *budget, const char *client_ip, const char *helo,
		  const char *mail_from, sc_auth_result *out);

/* sc_auth_result_clear - free what an sc_auth_result owns, reset it. */
void sc_auth_result_clear(sc_auth_result *r);

/* sc_auth_results_value - the value of our Authentication-Results field
 * (RFC 8601) into out: "authserv_id; spf=pass smtp.mailfrom=example.com",
 * smtp.helo= for the HELO identity, the domain left out when it holds
 * characters a header value must not carry unquoted; "authserv_id; none"
 * when nothing was checked. */
void sc_auth_results_value(const char *authserv_id, const sc_auth_result *r, sc_buf *out);

/* sc_spf_result_name - RFC 8601 words: "pass", "fail", ... ("none" for
 * unchecked too; check SC_SPF_UNCHECKED yourself). */
const char *sc_spf_result_name(sc_spf_result r);

#endif
