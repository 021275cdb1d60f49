/*
 * auth.h - sender authentication: SPF (RFC 7208) with libspf2 (auth.c),
 * DKIM (RFC 6376) with libopendkim (auth_dkim.c), DMARC (RFC 7489)
 * evaluated by our own code from those two results (auth_dmarc.c). Every
 * DNS lookup goes through the engine's lib/dns resolver.
 *
 * Thread-safe: each check builds its own library state per call (DKIM:
 * one DKIM_LIB for the process, made under pthread_once, and a DKIM handle
 * per call), and sc_dns is thread-safe (dns.h).
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

typedef enum sc_dkim_result {
	SC_DKIM_PASS,      /* the signature verified */
	SC_DKIM_FAIL,      /* bad signature or body hash (RFC 8601 "fail") */
	SC_DKIM_NEUTRAL,   /* verified but not usable, e.g. l= left content unsigned */
	SC_DKIM_TEMPERROR, /* the key lookup failed temporarily */
	SC_DKIM_PERMERROR  /* malformed signature, key missing or revoked */
} sc_dkim_result;

/* One DKIM-Signature of the message, in header order. */
typedef struct sc_dkim_sig {
	sc_dkim_result result;
	char *domain;   /* owned; d= (lower-case), or NULL when unreadable */
	char *selector; /* owned; s=, or NULL */
	char *reason;   /* owned; why it did not pass ("body hash mismatch",
			 * "key revoked", ...), NULL on pass */
	char *b;        /* owned; the first 8 characters of b=, for header.b, or NULL */
	int partial;    /* 1: l= signed less than the whole body; such a
			 * signature is never a pass, only neutral
			 * (RFC 6376 8.2: text appended after l= would
			 * ride on the signer's name) */
} sc_dkim_sig;

typedef enum sc_dmarc_result {
	SC_DMARC_UNCHECKED, /* not evaluated */
	SC_DMARC_NONE,      /* no DMARC record for the From domain or its org domain */
	SC_DMARC_PASS,      /* aligned SPF pass or aligned DKIM pass */
	SC_DMARC_FAIL,      /* a record exists, nothing aligned passed */
	SC_DMARC_TEMPERROR, /* the record lookup failed temporarily */
	SC_DMARC_PERMERROR  /* no single From domain, or one that is not a domain name
			     * (a broken record is SC_DMARC_NONE: RFC 7489 6.6.3) */
} sc_dmarc_result;

typedef enum sc_dmarc_policy {
	SC_DMARC_POLICY_UNSPEC, /* no record (or no usable one) */
	SC_DMARC_POLICY_NONE,
	SC_DMARC_POLICY_QUARANTINE,
	SC_DMARC_POLICY_REJECT
} sc_dmarc_policy;

/* What sender authentication found for one message. */
typedef struct sc_auth_result {
	sc_spf_result spf;
	char *spf_domain;              /* owned; the domain SPF checked, or NULL when unchecked */
	int spf_helo;                  /* 1: the MAIL FROM identity was postmaster@HELO
					* (the null sender) */
	sc_spf_result spf_helo_result; /* the HELO identity's own result
					* (SC_SPF_UNCHECKED without a HELO name) */
	char *spf_helo_domain;         /* owned; the HELO name checked, or NULL */

	int dkim_checked;  /* 1: sc_dkim_verify() ran (ndkim may be 0: unsigned) */
	sc_dkim_sig *dkim; /* owned array of ndkim signatures */
	size_t ndkim;

	sc_dmarc_result dmarc;
	char *dmarc_domain;            /* owned; the RFC5322.From domain, or NULL */
	char *dmarc_org_domain;        /* owned; its organisational domain (libpsl), or NULL */
	sc_dmarc_policy dmarc_policy;  /* p= (or sp= for a subdomain) as published */
	sc_dmarc_policy dmarc_applied; /* what a receiver should do after pct=: on
					* SC_DMARC_FAIL, the policy, or one step
					* lower when pct sampled the message out;
					* UNSPEC otherwise */
	int dmarc_spf_aligned;         /* 1: SPF passed for a domain aligned with From */
	int dmarc_dkim_aligned;        /* 1: a passing DKIM d= is aligned with From */

	const char *skipped; /* static text: why nothing was checked ("SASL
			      * login", "trusted network"), or NULL */
} sc_auth_result;

/* sc_spf_check - the SPF results for client_ip (IPv4 or IPv6 text): the
 * MAIL FROM identity mail_from (without <>; NULL or "" is the null sender,
 * whose identity is postmaster@helo) into spf, and the HELO identity, when
 * helo is given, into spf_helo_result (RFC 7208 2.3; one check serves both
 * for the null sender). Lookups draw on budget (may be NULL).
 * Fills the SPF fields of out, which must be zeroed or hold earlier results
 * (other fields are left alone; free with sc_auth_result_clear()).
 * A client_ip that is not an address, or no identity at all, gives
 * SC_SPF_NONE. Never fails otherwise: DNS trouble is SC_SPF_TEMPERROR. */
void sc_spf_check(sc_dns *dns, sc_dns_budget *budget, const char *client_ip, const char *helo,
		  const char *mail_from, sc_auth_result *out);

/* sc_dkim_verify - verify up to max_sigs DKIM-Signature fields of the raw
 * message (len bytes, as received: CRLF or LF line ends), keys looked up
 * through dns within budget (may be NULL). Sets out->dkim_checked and
 * appends one sc_dkim_sig per signature seen (signatures beyond max_sigs
 * are ignored). Never fails: trouble is a per-signature result.
 * Verified but neutral, never pass: l= leaving body content unsigned, a key
 * in test mode (t=y), more From (or signed Sender, Reply-To, Subject, To,
 * Cc, Content-Type) fields than h= covers. rsa-sha1 (RFC 8301) and keys
 * under 1024 bits are permerror. */
void sc_dkim_verify(sc_dns *dns, sc_dns_budget *budget, const char *raw, size_t len,
		    unsigned max_sigs, sc_auth_result *out);

/* sc_dkim_tag_value - the value of tag in a DKIM tag=value list of len
 * bytes (a DKIM-Signature field's value), white space removed, or NULL
 * when the tag is absent ("" when empty). Caller frees. Thread-safe. */
char *sc_dkim_tag_value(const char *list, size_t len, const char *tag);

/* sc_dmarc_check - evaluate DMARC for from_domain (the domain of the
 * single RFC5322.From address; NULL when there is none or several: then
 * SC_DMARC_PERMERROR) from the SPF and DKIM results already in r, fetching
 * the policy record through dns within budget. Organisational domains come
 * from libpsl. pct_draw (0..99) decides pct= sampling: the message is
 * sampled in when pct_draw < pct; the caller draws it at random. Fills the
 * dmarc fields of r. */
void sc_dmarc_check(sc_dns *dns, sc_dns_budget *budget, const char *from_domain, unsigned pct_draw,
		    sc_auth_result *r);

/* sc_dkim_result_name - RFC 8601 words: "pass", "fail", "neutral", ... */
const char *sc_dkim_result_name(sc_dkim_result r);
/* sc_dmarc_result_name - RFC 8601 words ("none" for unchecked too). */
const char *sc_dmarc_result_name(sc_dmarc_result r);
/* sc_dmarc_policy_name - "none", "quarantine", "reject", "" for unspecified. */
const char *sc_dmarc_policy_name(sc_dmarc_policy p);

/* sc_auth_result_clear - free what an sc_auth_result owns, reset it. */
void sc_auth_result_clear(sc_auth_result *r);

/* sc_auth_results_value - the value of our Authentication-Results field
 * (RFC 8601) into out: "authserv_id; spf=pass smtp.mailfrom=example.com;
 * dkim=pass header.d=example.com header.s=sel header.b=AbCdEfGh;
 * dmarc=pass (p=reject) header.from=example.com", each method only when it
 * ran: smtp.helo= for the HELO identity, one dkim= per signature (dkim=none
 * for an unsigned message, a reason in a comment when it did not pass),
 * values left out when they hold characters a header value must not carry
 * unquoted; "authserv_id; none" when nothing was checked. */
void sc_auth_results_value(const char *authserv_id, const sc_auth_result *r, sc_buf *out);

/* sc_spf_result_name - RFC 8601 words: "pass", "fail", ... ("none" for
 * unchecked too; check SC_SPF_UNCHECKED yourself). */
const char *sc_spf_result_name(sc_spf_result r);

#endif
