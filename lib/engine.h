/*
 * engine.h - one loaded configuration and its ruleset, as a unit.
 *
 * The daemon keeps one current engine and replaces it on reload; each scan
 * holds a reference so a message in flight finishes on the engine it began
 * with. An engine is immutable; sc_engine_ref/unref are atomic, so engines
 * may be shared freely between threads.
 */
#ifndef SC_ENGINE_H
#define SC_ENGINE_H

#include "config.h"
#include "diag.h"
#include "dns.h"
#include "lists.h"
#include "policy.h"
#include "quarantine.h"
#include "rules.h"

typedef struct sc_engine {
	sc_config *config; /* owned */
	sc_ruleset *rules; /* one reference owned */
	sc_policy *policy; /* owned; NULL without a policy_file */
	/* owned; NULL without a quarantine_dir. Opens its index on first use
	 * and is thread-safe (quarantine.h), the one part that is not immutable. */
	sc_quarantine *quarantine;
	/* owned; the one resolver of this engine (thread-safe, dns.h). NULL
	 * for an engine made by sc_engine_new(): then nothing is looked up. */
	sc_dns *dns;
	/* owned; the lists of the config's lists_dir, NULL without one */
	struct sc_lists *lists;
	_Atomic unsigned long refs;
} sc_engine;

/* sc_engine_dns_new - a resolver as the config's dns_* keys describe it
 * (mode, local data, timeout, trust anchor); NULL with errors in d. The
 * caller owns it. */
sc_dns *sc_engine_dns_new(const sc_config *c, sc_diags *d);

/* sc_engine_load - read config_path (NULL: built-in defaults), the rules
 * and the policy file it names. rules_dir_override, when not NULL, replaces the configured rules
 * directory. Returns NULL when anything is in error (every reason is in d);
 * warnings alone do not fail the load. The caller owns one reference. */
sc_engine *sc_engine_load(const char *config_path, const char *rules_dir_override, sc_diags *d);

/* sc_engine_new - wrap an existing config and ruleset (ownership passes in). */
sc_engine *sc_engine_new(sc_config *config, sc_ruleset *rules);

/* sc_engine_prefilter - the rules' Hyperscan prefilter with the config's
 * rules_cache_dir (sc_ruleset_prefilter in rules.h: once, before other
 * threads see e, and in a forking process after the fork). */
void sc_engine_prefilter(sc_engine *e, sc_prefilter_mode mode);

sc_engine *sc_engine_ref(sc_engine *e);
/* sc_engine_unref - drop a reference; NULL is a no-op. */
void sc_engine_unref(sc_engine *e);

#endif
