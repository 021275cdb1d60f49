/*
 * dns.c - libunbound behind a small synchronous API with timeouts (see dns.h).
 */
#include "autoconfig.h"

#include "dns.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unbound.h>

#include "log.h"
#include "mem.h"

#define DNS_MAX_LINE 4096 /* bytes in one local-data line */

struct sc_dns {
	struct ub_ctx *ctx;
	unsigned timeout_ms;
	pthread_mutex_t lock; /* guards every pending query's fields */
};

/* One query in flight. The waiter owns it until it gives up; then, if the
 * cancel comes too late, the callback frees it. */
typedef struct pending {
	sc_dns *dns;
	int done, abandoned, err;
	struct ub_result *result;
} pending;

/* now_ms - CLOCK_MONOTONIC in milliseconds */
static long long now_ms(void)
{
	struct timespec ts;

	(void) clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long) ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* sc_dns_status_name - the word for a status */
const char *sc_dns_status_name(sc_dns_status s)
{
	switch (s) {
	case SC_DNS_OK:
		return "ok";
	case SC_DNS_NODATA:
		return "nodata";
	case SC_DNS_NXDOMAIN:
		return "nxdomain";
	case SC_DNS_SERVFAIL:
		return "servfail";
	case SC_DNS_TIMEOUT:
		return "timeout";
	default:
		sc_panic("unknown DNS status %d", (int) s);
	}
}

/* valid_forwarder - an IPv4 or IPv6 address, optionally "@PORT" (1-65535) */
static int valid_forwarder(char *s)
{
	unsigned char buf[16];
	char *at = strchr(s, '@'), *end;
	unsigned long port;

	if (at != NULL) {
		*at = '\0';
		if (!isdigit((unsigned char) at[1]))
			return 0;
		errno = 0;
		port = strtoul(at + 1, &end, 10);
		if (errno != 0 || *end != '\0' || port == 0 || port > 65535)
			return 0;
	}
	return inet_pton(AF_INET, s, buf) == 1 || inet_pton(AF_INET6, s, buf) == 1;
}

/* sc_dns_resolver_valid - system, recursive or forward:IP[,IP]... */
int sc_dns_resolver_valid(const char *s)
{
	char ip[64];
	const char *p, *comma;
	size_t n;

	if (strcmp(s, "system") == 0 || strcmp(s, "recursive") == 0)
		return 1;
	if (strncmp(s, "forward:", 8) != 0)
		return 0;
	for (p = s + 8;; p = comma + 1) {
		comma = strchr(p, ',');
		n = comma != NULL ? (size_t) (comma - p) : strlen(p);
		if (n == 0 || n >= sizeof(ip))
			return 0;
		memcpy(ip, p, n);
		ip[n] = '\0';
		if (!valid_forwarder(ip))
			return 0;
		if (comma == NULL)
			return 1;
	}
}

/* dns_alloc - a context in threaded-async mode with its lock */
static sc_dns *dns_alloc(unsigned timeout_ms)
{
	sc_dns *dns = sc_calloc(1, sizeof(*dns));

	dns->ctx = ub_ctx_create();
	if (dns->ctx == NULL)
		sc_panic("ub_ctx_create failed");
	if (ub_ctx_async(dns->ctx, 1) != 0)
		sc_panic("ub_ctx_async failed");
	if (pthread_mutex_init(&dns->lock, NULL) != 0)
		sc_panic("pthread_mutex_init failed");
	dns->timeout_ms = timeout_ms != 0 ? timeout_ms : SC_DNS_DEFAULT_TIMEOUT_MS;
	return dns;
}

/* make_static - answer the whole name space from local data only */
static void make_static(sc_dns *dns)
{
	int err = ub_ctx_zone_add(dns->ctx, ".", "static");

	if (err != 0)
		sc_panic("ub_ctx_zone_add(\".\", static): %s", ub_strerror(err));
}

/* set_mode - point the context at its name servers */
static int set_mode(sc_dns *dns, const char *resolver, sc_diags *d)
{
	char ip[64];
	const char *p, *comma;
	size_t n;
	int err;

	if (strcmp(resolver, "recursive") == 0)
		return 0; /* libunbound recurses from its root hints by default */
	if (strcmp(resolver, "system") == 0) {
		err = ub_ctx_resolvconf(dns->ctx, NULL);
		if (err == 0)
			err = ub_ctx_hosts(dns->ctx, NULL);
		if (err == 0)
			return 0;
		sc_diags_add(
			d, SC_DIAG_ERROR, NULL, 0,
			"dns_resolver = system: cannot read /etc/resolv.conf or /etc/hosts: %s",
			ub_strerror(err));
		return -1;
	}
	for (p = resolver + 8;; p = comma + 1) {
		comma = strchr(p, ',');
		n = comma != NULL ? (size_t) (comma - p) : strlen(p);
		memcpy(ip, p, n); /* sc_dns_resolver_valid bounded n */
		ip[n] = '\0';
		err = ub_ctx_set_fwd(dns->ctx, ip);
		if (err != 0) {
			sc_diags_add(d, SC_DIAG_ERROR, NULL, 0, "dns_resolver: forwarder %s: %s",
				     ip, ub_strerror(err));
			return -1;
		}
		if (comma == NULL)
			return 0;
	}
}

/* strip_comment - cut a '#' that is outside double quotes, then trim */
static char *strip_comment(char *s)
{
	int quoted = 0;
	char *p, *e;

	for (p = s; *p != '\0'; p++) {
		if (*p == '\\' && quoted && p[1] != '\0')
			p++;
		else if (*p == '"')
			quoted = !quoted;
		else if (*p == '#' && !quoted) {
			*p = '\0';
			break;
		}
	}
	while (isspace((unsigned char) *s))
		s++;
	e = s + strlen(s);
	while (e > s && isspace((unsigned char) e[-1]))
		*--e = '\0';
	return s;
}

/* load_local_data - every record of path into the context; errors with file:line */
static int load_local_data(sc_dns *dns, const char *path, sc_diags *d)
{
	char line[DNS_MAX_LINE + 2];
	size_t errors_before = d->errors;
	unsigned lineno = 0;
	const char *why;
	FILE *fp;

	fp = fopen(path, "r");
	if (fp == NULL) {
		sc_diags_add(d, SC_DIAG_ERROR, path, 0, "dns_local_data: cannot open: %s",
			     strerror(errno));
		return -1;
	}
	while (fgets(line, sizeof(line), fp) != NULL) {
		size_t len = strlen(line);
		char *rr;

		lineno++;
		if (len > DNS_MAX_LINE && line[len - 1] != '\n') {
			sc_diags_add(d, SC_DIAG_ERROR, path, lineno, "line longer than %d bytes",
				     DNS_MAX_LINE);
			while (len > 0 && line[len - 1] != '\n' && fgets(line, sizeof(line), fp))
				len = strlen(line);
			continue;
		}
		rr = strip_comment(line);
		if (*rr != '\0' && sc_dns_add_rr(dns, rr, &why) != 0)
			sc_diags_add(d, SC_DIAG_ERROR, path, lineno, "not a resource record: %s",
				     why);
	}
	if (ferror(fp))
		sc_diags_add(d, SC_DIAG_ERROR, path, 0, "read error: %s", strerror(errno));
	(void) fclose(fp);
	return d->errors == errors_before ? 0 : -1;
}

/* sc_dns_new - a resolver for a mode, optional local data and a timeout */
sc_dns *sc_dns_new(const char *resolver, const char *local_data, unsigned timeout_ms, sc_diags *d)
{
	sc_dns *dns;

	if (resolver == NULL)
		resolver = "system";
	if (!sc_dns_resolver_valid(resolver)) {
		sc_diags_add(d, SC_DIAG_ERROR, NULL, 0,
			     "dns_resolver: \"%s\" is not system, recursive or forward:IP[,IP]",
			     resolver);
		return NULL;
	}
	dns = dns_alloc(timeout_ms);
	if (local_data != NULL) {
		/* Offline: no name servers are consulted, so none are set. */
		make_static(dns);
		if (load_local_data(dns, local_data, d) != 0) {
			sc_dns_free(dns);
			return NULL;
		}
		return dns;
	}
	if (set_mode(dns, resolver, d) != 0) {
		sc_dns_free(dns);
		return NULL;
	}
	return dns;
}

/* sc_dns_set_trust_anchor - validate DNSSEC from the anchors in path */
int sc_dns_set_trust_anchor(sc_dns *dns, const char *path, sc_diags *d)
{
	FILE *fp = fopen(path, "r");
	int err;

	/* libunbound reads the file only at the first query; open it now so a
	 * wrong path is a config error, not a stream of SERVFAILs. */
	if (fp == NULL) {
		sc_diags_add(d, SC_DIAG_ERROR, path, 0, "dns_trust_anchor: cannot open: %s",
			     strerror(errno));
		return -1;
	}
	(void) fclose(fp);
	err = ub_ctx_add_ta_file(dns->ctx, path);
	if (err != 0) {
		sc_diags_add(d, SC_DIAG_ERROR, path, 0, "dns_trust_anchor: %s", ub_strerror(err));
		return -1;
	}
	return 0;
}

/* sc_dns_new_static - an offline resolver for injected records */
sc_dns *sc_dns_new_static(unsigned timeout_ms)
{
	sc_dns *dns = dns_alloc(timeout_ms);

	make_static(dns);
	return dns;
}

/* sc_dns_add_rr - one local record in zone-file syntax */
int sc_dns_add_rr(sc_dns *dns, const char *rr, const char **why)
{
	int err = ub_ctx_data_add(dns->ctx, rr);

	if (err == 0)
		return 0;
	if (why != NULL)
		*why = ub_strerror(err);
	return -1;
}

/* sc_dns_free - the context and its lock */
void sc_dns_free(sc_dns *dns)
{
	if (dns == NULL)
		return;
	ub_ctx_delete(dns->ctx);
	(void) pthread_mutex_destroy(&dns->lock);
	free(dns);
}

/* sc_dns_budget_start - a deadline ms milliseconds from now */
void sc_dns_budget_start(sc_dns_budget *b, unsigned ms)
{
	b->deadline_ms = now_ms() + ms;
}

/* on_result - libunbound's callback, in whichever thread ran ub_process() */
static void on_result(void *data, int err, struct ub_result *result)
{
	pending *q = data;
	sc_dns *dns = q->dns;

	(void) pthread_mutex_lock(&dns->lock);
	if (q->abandoned) {
		(void) pthread_mutex_unlock(&dns->lock);
		ub_resolve_free(result);
		free(q);
		return;
	}
	q->done = 1;
	q->err = err;
	q->result = result;
	(void) pthread_mutex_unlock(&dns->lock);
}

/* is_done - read a pending query's flag under the lock */
static int is_done(sc_dns *dns, pending *q)
{
	int done;

	(void) pthread_mutex_lock(&dns->lock);
	done = q->done;
	(void) pthread_mutex_unlock(&dns->lock);
	return done;
}

/* copy_result - a libunbound result into an answer */
static void copy_result(sc_dns_answer *a, int err, const struct ub_result *r)
{
	size_t i, n = 0;

	if (err != 0 || r == NULL) {
		a->status = SC_DNS_SERVFAIL;
		return;
	}
	if (r->answer_packet != NULL && r->answer_len > 0) {
		a->packet = sc_malloc((size_t) r->answer_len);
		memcpy(a->packet, r->answer_packet, (size_t) r->answer_len);
		a->packet_len = (size_t) r->answer_len;
	}
	/* With a trust anchor, an answer that fails validation is not an
	 * answer: a forged record must not decide SPF, DKIM or DMARC. */
	if (r->bogus) {
		a->status = SC_DNS_SERVFAIL;
		return;
	}
	a->secure = r->secure;
	if (r->rcode == 3) {
		a->status = SC_DNS_NXDOMAIN;
		return;
	}
	if (r->rcode != 0) {
		a->status = SC_DNS_SERVFAIL;
		return;
	}
	if (!r->havedata) {
		a->status = SC_DNS_NODATA;
		return;
	}
	while (r->data[n] != NULL)
		n++;
	a->rdata = sc_calloc(n, sizeof(*a->rdata));
	a->rdlen = sc_calloc(n, sizeof(*a->rdlen));
	for (i = 0; i < n; i++) {
		a->rdlen[i] = (size_t) r->len[i];
		a->rdata[i] = sc_malloc(a->rdlen[i] + 1);
		memcpy(a->rdata[i], r->data[i], a->rdlen[i]);
		a->rdata[i][a->rdlen[i]] = '\0';
	}
	a->count = n;
	a->status = SC_DNS_OK;
}

/* wait_for - poll the context until q is done or the deadline passes; 0 when done */
static int wait_for(sc_dns *dns, pending *q, long long deadline)
{
	struct pollfd pfd;

	pfd.fd = ub_fd(dns->ctx);
	pfd.events = POLLIN;
	while (!is_done(dns, q)) {
		long long left = deadline - now_ms();

		if (left <= 0)
			return -1;
		pfd.revents = 0;
		if (poll(&pfd, 1, left < SC_DNS_POLL_SLICE_MS ? (int) left : SC_DNS_POLL_SLICE_MS) >
		    0)
			(void) ub_process(dns->ctx);
	}
	return 0;
}

/* sc_dns_query - one lookup under the query timeout and the message's budget */
sc_dns_answer *sc_dns_query(sc_dns *dns, sc_dns_budget *budget, const char *name, int rrtype)
{
	sc_dns_answer *a = sc_calloc(1, sizeof(*a));
	long long deadline = now_ms() + dns->timeout_ms;
	pending *q;
	int id, err;

	a->rrtype = rrtype;
	if (budget != NULL && budget->deadline_ms < deadline)
		deadline = budget->deadline_ms;
	if (deadline <= now_ms()) {
		a->status = SC_DNS_TIMEOUT;
		return a;
	}
	q = sc_calloc(1, sizeof(*q));
	q->dns = dns;
	err = ub_resolve_async(dns->ctx, name, rrtype, 1 /* IN */, q, on_result, &id);
	if (err != 0) {
		sc_log(SC_LOG_WARNING, "dns: %s/%d: %s", name, rrtype, ub_strerror(err));
		free(q);
		a->status = SC_DNS_SERVFAIL;
		return a;
	}
	if (wait_for(dns, q, deadline) != 0) {
		(void) pthread_mutex_lock(&dns->lock);
		if (!q->done) {
			q->abandoned = 1;
			(void) pthread_mutex_unlock(&dns->lock);
			/* Cancelled: the callback never runs, so q is ours to free.
			 * Too late: the callback frees it (it saw abandoned). */
			if (ub_cancel(dns->ctx, id) == 0)
				free(q);
			a->status = SC_DNS_TIMEOUT;
			return a;
		}
		(void) pthread_mutex_unlock(&dns->lock);
	}
	copy_result(a, q->err, q->result);
	ub_resolve_free(q->result);
	free(q);
	return a;
}

/* sc_dns_answer_free - an answer and its records */
void sc_dns_answer_free(sc_dns_answer *a)
{
	size_t i;

	if (a == NULL)
		return;
	for (i = 0; i < a->count; i++)
		free(a->rdata[i]);
	free(a->rdata);
	free(a->rdlen);
	free(a->packet);
	free(a);
}
