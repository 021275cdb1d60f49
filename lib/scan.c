/*
 * scan.c - parse once, run the rules, score, decide (see scan.h).
 */
#include "autoconfig.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

#include "buf.h"
#include "cidr.h"
#include "config.h"
#include "eval.h"
#include "mem.h"
#include "msg.h"
#include "policy.h"
#include "rules.h"
#include "scan.h"
#include "url.h"

/* sc_verdict_add_hit - append a hit to the verdict, copying its strings */
void sc_verdict_add_hit(sc_verdict *v, const char *name, const char *desc, const char *detail,
			double score)
{
	sc_hit *h;

	if ((v->nhits & (v->nhits + 1)) == 0 || v->nhits == 0)
		v->hits = sc_reallocarray(v->hits, v->nhits ? (v->nhits + 1) * 2 : 8,
					  sizeof(*v->hits));
	h = &v->hits[v->nhits++];
	h->name = sc_strdup(name);
	h->description = sc_strdup(desc);
	h->detail = sc_strdup(detail);
	h->score = score;
	v->score += score;
}

/* on_rule_hit - sc_ruleset_run's callback */
static void on_rule_hit(void *arg, const sc_rule_hit *hit)
{
	sc_verdict_add_hit(arg, hit->name, hit->description, hit->detail, hit->score);
}

/* cmp_host - qsort on host strings */
static int cmp_host(const void *a, const void *b)
{
	return strcmp(*(char *const *) a, *(char *const *) b);
}

/* collect_url_hosts - the distinct ASCII hosts of the message's URLs, for
 * the policy's block_url_domain */
static void collect_url_hosts(sc_verdict *v, const sc_msg *msg)
{
	const sc_url_set *urls = sc_msg_urls(msg);
	size_t n = urls != NULL ? sc_url_set_count(urls) : 0, kept = 0;

	if (n == 0)
		return;
	v->url_hosts = sc_reallocarray(NULL, n, sizeof(*v->url_hosts));
	for (size_t i = 0; i < n; i++) {
		const sc_url *u = sc_url_set_at(urls, i);

		if (u->host_ascii != NULL && u->host_ascii[0] != '\0')
			v->url_hosts[kept++] = sc_strdup(u->host_ascii);
	}
	if (kept > 1)
		qsort(v->url_hosts, kept, sizeof(*v->url_hosts), cmp_host);
	v->nurl_hosts = 0;
	for (size_t i = 0; i < kept; i++) {
		if (v->nurl_hosts > 0 &&
		    strcmp(v->url_hosts[i], v->url_hosts[v->nurl_hosts - 1]) == 0)
			free(v->url_hosts[i]);
		else
			v->url_hosts[v->nurl_hosts++] = v->url_hosts[i];
	}
}

/* single_from_domain - the domain of the message's one From address; NULL
 * when there is no From field, more than one, or not exactly one address */
static const char *single_from_domain(const sc_msg *msg)
{
	const char *dom = NULL;
	size_t n = sc_msg_addr_count(msg), count = 0;
	long first = sc_msg_header_find(msg, "From", 0);

	if (first < 0 || sc_msg_header_find(msg, "From", (size_t) first + 1) >= 0)
		return NULL;
	for (size_t i = 0; i < n; i++) {
		const sc_msg_addr *a = sc_msg_addr_at(msg, i);

		if (a->field == SC_ADDR_FROM) {
			count++;
			dom = a->domain;
		}
	}
	return count == 1 && dom[0] != '\0' ? dom : NULL;
}

/* auth_skip_reason - why sender authentication does not apply to this
 * client (a SASL login, a trusted network), or NULL */
static const char *auth_skip_reason(const sc_config *c, const sc_envelope *env)
{
	if (env == NULL)
		return NULL;
	if (c->auth_skip_sasl && env->auth_user != NULL && env->auth_user[0] != '\0')
		return "SASL login";
	for (size_t i = 0; env->client_addr != NULL && i < c->ntrusted_networks; i++)
		if (sc_cidr_match(&c->trusted_networks[i], env->client_addr))
			return "trusted network";
	return NULL;
}

/* pct_draw - a uniform 0..99 for DMARC's pct= sampling */
static unsigned pct_draw(void)
{
	unsigned r;

	if (getrandom(&r, sizeof(r), 0) != (ssize_t) sizeof(r))
		r = (unsigned) time(NULL); /* never fails for 4 bytes; a fallback anyway */
	return r % 100;
}

/* check_auth - for a message from a known client: SPF, DKIM (needs the
 * whole message) and DMARC (needs SPF), in that order, all drawing on one
 * DNS budget; then the domain the sender is authenticated for */
static void check_auth(const sc_engine *eng, const sc_envelope *env, const sc_msg *msg,
		       const char *raw, size_t len, int truncated, sc_verdict *v)
{
	const sc_config *c = eng->config;
	sc_dns_budget budget;
	int client = env != NULL && env->client_addr != NULL && env->client_addr[0] != '\0';

	/* Authentication judges an SMTP client: without one (a file scanned
	 * offline with no --client-ip) there is nothing to judge, and no
	 * lookup leaves the host. */
	if (eng->dns == NULL || !client)
		return;
	v->auth.skipped = auth_skip_reason(c, env);
	if (v->auth.skipped != NULL)
		return;
	sc_dns_budget_start(&budget, c->dns_message_timeout_ms);
	if (c->spf)
		sc_spf_check(eng->dns, &budget, env->client_addr, env->helo, env->mail_from,
			     &v->auth);
	/* A cut message cannot verify: its body hash would fail. */
	if (c->dkim && !truncated)
		sc_dkim_verify(eng->dns, &budget, raw, len, (unsigned) c->dkim_max_signatures,
			       &v->auth);
	if (c->dmarc && v->auth.spf != SC_SPF_UNCHECKED)
		sc_dmarc_check(eng->dns, &budget, single_from_domain(msg), pct_draw(), &v->auth);
	if (v->auth.dmarc_domain != NULL &&
	    (v->auth.dmarc == SC_DMARC_PASS || v->auth.dmarc_spf_aligned ||
	     v->auth.dmarc_dkim_aligned))
		v->auth_domain = sc_strdup(v->auth.dmarc_domain);
}

/* sc_scan - the whole scan of one message */
sc_verdict *sc_scan(const sc_engine *eng, const sc_envelope *env, const char *raw, size_t len,
		    int truncated)
{
	return sc_scan_profiled(eng, env, raw, len, truncated, NULL);
}

/* sc_scan_profiled - sc_scan with the rules timed into rule_ms */
sc_verdict *sc_scan_profiled(const sc_engine *eng, const sc_envelope *env, const char *raw,
			     size_t len, int truncated, double *rule_ms)
{
	sc_verdict *v = sc_calloc(1, sizeof(*v));
	sc_rule_run_stats st;
	sc_run_ctx ctx;
	sc_msg_limits lim;
	sc_msg *msg;

	memset(&lim, 0, sizeof(lim));
	lim.max_depth = eng->config->mime_max_depth;
	lim.max_parts = eng->config->mime_max_parts;
	lim.max_decoded = eng->config->mime_max_decoded_size;
	msg = sc_msg_parse_limits(raw, len, &lim);
	check_auth(eng, env, msg, raw, len, truncated, v);
	memset(&ctx, 0, sizeof(ctx));
	ctx.msg = msg;
	ctx.raw = raw;
	ctx.raw_len = len;
	ctx.env = env;
	ctx.auth = &v->auth;
	ctx.config = eng->config;
	ctx.lists = eng->lists;
	sc_ruleset_run_timed(eng->rules, &ctx, on_rule_hit, v, &st, rule_ms);
	v->regex_errors = st.regex_errors;
	v->rules_skipped_budget = st.budget_skipped;
	if (truncated) {
		char why[128];

		(void) snprintf(why, sizeof(why), "only the first %zu bytes were kept and scanned",
				len);
		sc_verdict_add_hit(v, SC_HIT_TRUNCATED, "message larger than max_message_size", why,
				   0.0);
	}
	collect_url_hosts(v, msg);
	sc_msg_free(msg);
	/* Sums of decimal scores drift (4.9999999); compare at the precision
	 * people write scores with. */
	v->score = round(v->score * 1000.0) / 1000.0 + 0.0; /* + 0.0: never -0.0 */
	sc_policy_check(eng->policy, env, v);
	v->action = sc_policy_rcpt_action(eng->config, eng->policy, v, NULL);
	return v;
}

/* sc_verdict_free - release a verdict and its hits */
void sc_verdict_free(sc_verdict *v)
{
	if (v == NULL)
		return;
	for (size_t i = 0; i < v->nhits; i++) {
		free(v->hits[i].name);
		free(v->hits[i].description);
		free(v->hits[i].detail);
	}
	free(v->hits);
	for (size_t i = 0; i < v->nurl_hosts; i++)
		free(v->url_hosts[i]);
	free(v->url_hosts);
	free(v->auth_domain);
	sc_auth_result_clear(&v->auth);
	free(v);
}
