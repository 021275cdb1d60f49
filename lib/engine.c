/*
 * engine.c - a config and its ruleset loaded together (see engine.h).
 */
#include "autoconfig.h"

#include <stdlib.h>

#include "engine.h"
#include "lists.h"
#include "mem.h"

/* sc_engine_new - wrap a config and ruleset; takes ownership of both */
sc_engine *sc_engine_new(sc_config *config, sc_ruleset *rules)
{
	sc_engine *e = sc_calloc(1, sizeof(*e));

	e->config = config;
	e->rules = rules;
	e->refs = 1;
	return e;
}

/* sc_engine_dns_new - the resolver the config describes */
sc_dns *sc_engine_dns_new(const sc_config *c, sc_diags *d)
{
	sc_dns *dns = sc_dns_new(c->dns_resolver, c->dns_local_data, c->dns_timeout_ms, d);

	if (dns != NULL && c->dns_trust_anchor != NULL &&
	    sc_dns_set_trust_anchor(dns, c->dns_trust_anchor, d) != 0) {
		sc_dns_free(dns);
		return NULL;
	}
	return dns;
}

/* sc_engine_load - config file (or defaults) plus its rules directory */
sc_engine *sc_engine_load(const char *config_path, const char *rules_dir_override, sc_diags *d)
{
	sc_rule_limits lim;
	sc_ruleset *rules;
	sc_policy *policy = NULL;
	sc_dns *dns = NULL;
	sc_lists *lists = NULL;
	sc_engine *e;
	sc_config *c;

	c = config_path != NULL ? sc_config_load(config_path, d) : sc_config_defaults(NULL);
	if (c == NULL)
		return NULL;
	if (rules_dir_override != NULL) {
		free(c->rules_dir);
		c->rules_dir = sc_strdup(rules_dir_override);
	}
	lim.match_limit = c->regex_match_limit;
	lim.depth_limit = c->regex_depth_limit;
	lim.score_set = sc_rule_score_set(c->spf || c->dkim || c->dmarc);
	rules = sc_ruleset_load_dir(c->rules_dir, &lim, d);
	if (rules != NULL && d->errors == 0 && c->policy_file != NULL)
		policy = sc_policy_load(c->policy_file, d);
	if (rules != NULL && d->errors == 0 && c->lists_dir != NULL)
		lists = sc_lists_load_dir(c->lists_dir, d);
	if (rules != NULL && d->errors == 0)
		dns = sc_engine_dns_new(c, d);
	if (rules == NULL || dns == NULL || d->errors > 0) {
		sc_dns_free(dns);
		sc_lists_free(lists);
		sc_policy_free(policy);
		sc_ruleset_unref(rules);
		sc_config_free(c);
		return NULL;
	}
	e = sc_engine_new(c, rules);
	e->policy = policy;
	e->dns = dns;
	e->lists = lists;
	if (c->quarantine_dir != NULL)
		e->quarantine = sc_quarantine_new(c->quarantine_dir);
	return e;
}

/* sc_engine_prefilter - the rules' prefilter, cached where configured */
void sc_engine_prefilter(sc_engine *e, sc_prefilter_mode mode)
{
	sc_ruleset_prefilter(e->rules, e->config->rules_cache_dir, mode);
}

/* sc_engine_ref - one more reference */
sc_engine *sc_engine_ref(sc_engine *e)
{
	e->refs++;
	return e;
}

/* sc_engine_unref - one reference less; the last frees config and rules */
void sc_engine_unref(sc_engine *e)
{
	if (e == NULL || --e->refs > 0)
		return;
	sc_quarantine_free(e->quarantine);
	sc_dns_free(e->dns);
	sc_lists_free(e->lists);
	sc_policy_free(e->policy);
	sc_ruleset_unref(e->rules);
	sc_config_free(e->config);
	free(e);
}
