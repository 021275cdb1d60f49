/*
 * scan.c - parse once, run the rules, score, decide (see scan.h).
 */
#include "autoconfig.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
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

/* The pseudo-hit for each SPF result, by identity (SpamAssassin's names). */
static const struct {
	const char *mailfrom, *helo, *description;
} spf_hits[] = {
	[SC_SPF_PASS] = {"SPF_PASS", "SPF_HELO_PASS", "SPF: sender is authorised by its domain"},
	[SC_SPF_FAIL] = {"SPF_FAIL", "SPF_HELO_FAIL", "SPF: sender is not authorised (-all)"},
	[SC_SPF_SOFTFAIL] = {"SPF_SOFTFAIL", "SPF_HELO_SOFTFAIL",
			     "SPF: sender is probably not authorised (~all)"},
	[SC_SPF_NEUTRAL] = {"SPF_NEUTRAL", "SPF_HELO_NEUTRAL",
			    "SPF: the domain says nothing (?all)"},
	[SC_SPF_NONE] = {"SPF_NONE", "SPF_HELO_NONE", "SPF: the domain publishes no SPF record"},
	[SC_SPF_TEMPERROR] = {"T_SPF_TEMPERROR", "T_SPF_HELO_TEMPERROR",
			      "SPF: temporary DNS error while checking"},
	[SC_SPF_PERMERROR] = {"T_SPF_PERMERROR", "T_SPF_HELO_PERMERROR",
			      "SPF: the domain's SPF record is broken"},
};

/* check_spf - the SPF result of the envelope, recorded in v and as a hit */
static void check_spf(const sc_engine *eng, const sc_envelope *env, sc_verdict *v)
{
	sc_dns_budget budget;
	const char *name;
	char detail[512];

	if (eng->dns == NULL || !eng->config->spf || env == NULL || env->client_addr == NULL ||
	    env->client_addr[0] == '\0')
		return;
	sc_dns_budget_start(&budget, eng->config->dns_message_timeout_ms);
	sc_spf_check(eng->dns, &budget, env->client_addr, env->helo, env->mail_from, &v->auth);
	if (v->auth.spf == SC_SPF_UNCHECKED)
		return;
	name = v->auth.spf_helo ? spf_hits[v->auth.spf].helo : spf_hits[v->auth.spf].mailfrom;
	(void) snprintf(detail, sizeof(detail), "%s for %s from %s",
			sc_spf_result_name(v->auth.spf),
			v->auth.spf_domain != NULL ? v->auth.spf_domain : "(no identity)",
			env->client_addr);
	sc_verdict_add_hit(v, name, spf_hits[v->auth.spf].description, detail, 0.0);
}

/* sc_scan - the whole scan of one message */
sc_verdict *sc_scan(const sc_engine *eng, const sc_envelope *env, const char *raw, size_t len,
		    int truncated)
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
	check_spf(eng, env, v);
	memset(&ctx, 0, sizeof(ctx));
	ctx.msg = msg;
	ctx.raw = raw;
	ctx.raw_len = len;
	ctx.env = env;
	ctx.auth = &v->auth;
	ctx.config = eng->config;
	sc_ruleset_run(eng->rules, &ctx, on_rule_hit, v, &st);
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
