/*
 * scan.c - parse once, run the rules, score, decide (see scan.h).
 */
#include "autoconfig.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "mem.h"
#include "msg.h"
#include "policy.h"
#include "rules.h"
#include "scan.h"

/* add_hit - append a hit to the verdict, copying its strings */
static void add_hit(sc_verdict *v, const char *name, const char *desc, const char *detail,
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
	add_hit(arg, hit->name, hit->description, hit->detail, hit->score);
}

/* sc_scan - the whole scan of one message */
sc_verdict *sc_scan(const sc_engine *eng, const sc_envelope *env, const char *raw, size_t len,
		    int truncated)
{
	sc_verdict *v = sc_calloc(1, sizeof(*v));
	sc_rule_run_stats st;
	sc_msg_limits lim;
	sc_msg *msg;

	(void) env; /* the envelope feeds sender authentication, a later slice */
	memset(&lim, 0, sizeof(lim));
	lim.max_depth = eng->config->mime_max_depth;
	lim.max_parts = eng->config->mime_max_parts;
	lim.max_decoded = eng->config->mime_max_decoded_size;
	msg = sc_msg_parse_limits(raw, len, &lim);
	sc_ruleset_run(eng->rules, msg, on_rule_hit, v, &st);
	v->regex_errors = st.regex_errors;
	if (truncated) {
		char why[128];

		(void) snprintf(why, sizeof(why), "only the first %zu bytes were kept and scanned",
				len);
		add_hit(v, SC_HIT_TRUNCATED, "message larger than max_message_size", why, 0.0);
	}
	sc_msg_free(msg);
	/* Sums of decimal scores drift (4.9999999); compare at the precision
	 * people write scores with. */
	v->score = round(v->score * 1000.0) / 1000.0 + 0.0; /* + 0.0: never -0.0 */
	v->action = sc_policy_action(eng->config, v->score);
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
	free(v);
}
