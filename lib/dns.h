/*
 * dns.h - the engine's one DNS resolver: a libunbound context with a
 * per-query timeout, a per-message time budget, and local data for tests.
 *
 * Modes (config key dns_resolver):
 *   system         the name servers of /etc/resolv.conf (and /etc/hosts)
 *   forward:IP[@PORT][,IP[@PORT]]... these forwarders only
 *   recursive      full recursion from the root hints
 * DNSSEC: validated when a trust anchor is set (dns_trust_anchor); a bogus
 * answer is then a server failure.
 * With dns_local_data set, the context is made authoritative for the whole
 * name space: ub_ctx_zone_add(".", "static") and then every record of the
 * file. A name or type the file does not hold is answered NXDOMAIN or
 * NODATA at once and nothing leaves the host, which is what offline tests
 * want and never what a production milter wants.
 *
 * Threads: one sc_dns per engine, shared by every libmilter thread.
 * libunbound supports ub_resolve_async() and ub_process() from several
 * threads on one context (unbound.h, "Application threaded"); the context is
 * put in threaded-async mode and each query waits on the context's fd in
 * short slices, so a result that another thread's ub_process() delivered is
 * seen within SC_DNS_POLL_SLICE_MS. The pending-query bookkeeping is guarded
 * by a mutex inside sc_dns. sc_dns_add_rr() is for set-up only: call it
 * before the first query and from one thread.
 */
#ifndef SC_DNS_H
#define SC_DNS_H

#include <stddef.h>

#include "diag.h"

#define SC_DNS_DEFAULT_TIMEOUT_MS         5000  /* dns_timeout's default, one query */
#define SC_DNS_DEFAULT_MESSAGE_TIMEOUT_MS 20000 /* dns_message_timeout's default */
#define SC_DNS_POLL_SLICE_MS              10    /* longest wait before re-checking a query */

typedef struct sc_dns sc_dns;

typedef enum sc_dns_status {
	SC_DNS_OK,       /* the name has records of the type asked (count > 0) */
	SC_DNS_NODATA,   /* the name exists, without records of that type */
	SC_DNS_NXDOMAIN, /* the name does not exist */
	SC_DNS_SERVFAIL, /* a server failure, refusal or resolver error */
	SC_DNS_TIMEOUT   /* dns_timeout or the message's budget ran out */
} sc_dns_status;

/* One answer; owned by the caller, released with sc_dns_answer_free(). */
typedef struct sc_dns_answer {
	sc_dns_status status;
	int rrtype;            /* as asked */
	size_t count;          /* records in rdata[] */
	unsigned char **rdata; /* owned; rdata in wire format, rdlen[i] bytes each */
	size_t *rdlen;         /* owned */
	unsigned char *packet; /* owned; the whole DNS reply, or NULL */
	size_t packet_len;
	int secure; /* 1: DNSSEC-validated from a trust anchor (sc_dns_set_trust_anchor) */
} sc_dns_answer;

/* A message's time budget: every query of one message draws on it. */
typedef struct sc_dns_budget {
	long long deadline_ms; /* CLOCK_MONOTONIC milliseconds */
} sc_dns_budget;

/* sc_dns_new - a resolver for the mode string (see above; NULL: "system"),
 * a local-data file (NULL: none) and a per-query timeout in milliseconds
 * (0: the default). Problems are errors in d, a local-data line as
 * "file:line"; returns NULL then, else the caller owns the result. */
sc_dns *sc_dns_new(const char *resolver, const char *local_data, unsigned timeout_ms, sc_diags *d);

/* sc_dns_set_trust_anchor - validate DNSSEC with the trust anchors of the
 * file at path (DS or DNSKEY records in zone-file syntax, e.g. Debian's
 * /usr/share/dns/root.key). An answer that fails validation (bogus) is then
 * SC_DNS_SERVFAIL; validated ones are marked secure. Local data is never
 * validated. Set-up only, like sc_dns_add_rr(). Returns 0, or -1 with an
 * error naming the file in d. */
int sc_dns_set_trust_anchor(sc_dns *dns, const char *path, sc_diags *d);

/* sc_dns_new_static - an offline resolver that knows only what
 * sc_dns_add_rr() gives it (every other name is NXDOMAIN). For tests. */
sc_dns *sc_dns_new_static(unsigned timeout_ms);

/* sc_dns_add_rr - inject one record in zone-file syntax ("a.example. 300
 * IN A 192.0.2.1"). Returns 0, or -1 with libunbound's reason in *why
 * (static text). Only before the first query (see Threads above). */
int sc_dns_add_rr(sc_dns *dns, const char *rr, const char **why);

/* sc_dns_free - release the context; NULL is a no-op. No query may be in
 * flight. */
void sc_dns_free(sc_dns *dns);

/* sc_dns_budget_start - a budget of ms milliseconds from now. */
void sc_dns_budget_start(sc_dns_budget *b, unsigned ms);

/* sc_dns_query - look up name/rrtype (class IN), waiting at most the
 * per-query timeout and what is left of budget (NULL: no budget). Always
 * returns an answer the caller owns; its status says what happened. An
 * exhausted budget returns SC_DNS_TIMEOUT without asking. Thread-safe. */
sc_dns_answer *sc_dns_query(sc_dns *dns, sc_dns_budget *budget, const char *name, int rrtype);

/* sc_dns_answer_free - release an answer; NULL is a no-op. */
void sc_dns_answer_free(sc_dns_answer *a);

/* sc_dns_status_name - "ok", "nodata", "nxdomain", "servfail", "timeout". */
const char *sc_dns_status_name(sc_dns_status s);

/* sc_dns_resolver_valid - 1 when s is a dns_resolver value sc_dns_new()
 * accepts (system, recursive, forward:IP[@PORT][,IP[@PORT]]...), else 0. */
int sc_dns_resolver_valid(const char *s);

#endif
