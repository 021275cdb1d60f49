/*
 * scan.h - scan one message: the engine's single entry point.
 *
 * sc_scan(engine, envelope, raw) parses the message once, runs the rules and
 * returns a verdict: the score, every hit with its score and description,
 * and the action the policy chose. It is thread-safe as long as each caller
 * holds its own reference to the engine.
 */
#ifndef SC_SCAN_H
#define SC_SCAN_H

#include <stddef.h>

#include "auth.h"
#include "engine.h"
#include "envelope.h"
#include "policy.h"

typedef struct sc_hit {
	char *name;        /* owned */
	char *description; /* owned; "" when none */
	char *detail;      /* owned; why it hit, e.g. 'Subject matched "..."'; "" when none */
	double score;
} sc_hit;

typedef struct sc_verdict {
	double score; /* sum of hit scores */
	sc_hit *hits; /* owned array of nhits, in rule order */
	size_t nhits;
	sc_action action;            /* from the policy, under the config's thresholds */
	size_t regex_errors;         /* regex runs cut short by a limit (or eval errors) */
	size_t rules_skipped_budget; /* rules skipped: rules_time_budget_ms was spent */
	/* The distinct hosts (ASCII, lower-case) of the message's URLs, sorted,
	 * for the policy's block_url_domain: an owned array of nurl_hosts
	 * owned strings. */
	char **url_hosts;
	size_t nurl_hosts;
	/* The domain the sender is authenticated for, owned: the From domain
	 * when SPF or DKIM passed aligned with it (DMARC's alignment, so
	 * dmarc = yes is needed); NULL otherwise. Only this lets allow_sender
	 * match (the entry's envelope sender domain must equal it). */
	char *auth_domain;
	/* Sender authentication, only when the envelope has a client address
	 * and the engine a resolver (none when auth.skipped says why): SPF
	 * when spf = yes; DKIM when dkim = yes and the message was kept whole;
	 * DMARC when dmarc = yes and SPF ran. The SPF result is also a 0-score
	 * hit (SPF_PASS, SPF_HELO_FAIL, ...). */
	sc_auth_result auth;
	int blocked; /* 1: a policy block list matched; every recipient rejects */
	int allowed; /* 1: an allow_sender entry matched (and not blocked) */
} sc_verdict;

/* Pseudo-rule added when the caller kept only part of the message. */
#define SC_HIT_TRUNCATED "SCAM_MESSAGE_TRUNCATED"

/* sc_scan - scan len bytes of raw message. truncated != 0 says the message
 * was longer and only its first len bytes were kept: the verdict gets a
 * SC_HIT_TRUNCATED hit saying so. Caller owns the verdict. Never NULL. */
sc_verdict *sc_scan(const sc_engine *eng, const sc_envelope *env, const char *raw, size_t len,
		    int truncated);
/* sc_scan_profiled - sc_scan, adding each rule's time in milliseconds to
 * rule_ms (NULL: none), which has sc_ruleset_slots(eng->rules) slots
 * (rules.h). For scamctl's --profile; the milter does not time rules. */
sc_verdict *sc_scan_profiled(const sc_engine *eng, const sc_envelope *env, const char *raw,
			     size_t len, int truncated, double *rule_ms);

/* sc_verdict_add_hit - append a hit (strings copied) and add its score. */
void sc_verdict_add_hit(sc_verdict *v, const char *name, const char *desc, const char *detail,
			double score);

/* sc_verdict_free - release a verdict; NULL is a no-op. */
void sc_verdict_free(sc_verdict *v);

#endif
