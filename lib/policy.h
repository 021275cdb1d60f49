/*
 * policy.h - from a score to an action, and the verdict headers.
 *
 * Thresholds come from the config: score >= reject_threshold rejects,
 * >= quarantine_threshold quarantines, >= tag_threshold tags, else accept.
 * Pure functions of their arguments: thread-safe.
 */
#ifndef SC_POLICY_H
#define SC_POLICY_H

#include "buf.h"
#include "config.h"

typedef enum sc_action {
	SC_ACTION_ACCEPT,
	SC_ACTION_TAG,
	SC_ACTION_QUARANTINE,
	SC_ACTION_REJECT
} sc_action;

/* sc_policy_action - the action for score under c's thresholds. */
sc_action sc_policy_action(const sc_config *c, double score);
/* sc_action_name - "accept", "tag", "quarantine" or "reject". */
const char *sc_action_name(sc_action a);

struct sc_verdict;

/* sc_policy_shown_score - the score as people are shown it, to one decimal:
 * a score just under the tag threshold that would print as the threshold
 * (4.96 -> "5.0") is shown as threshold - 0.1, as SpamAssassin does, so a
 * header never reads "No, score=5.0 tag=5.0". */
double sc_policy_shown_score(const sc_config *c, const struct sc_verdict *v);
/* sc_policy_score_header - the X-Scam-Score value ("7.3") into out. */
void sc_policy_score_header(const sc_config *c, const struct sc_verdict *v, sc_buf *out);
/* sc_policy_status_header - the X-Scam-Status value into out:
 * "Yes, score=7.3 tag=5.0 quarantine=10.0 reject=15.0 tests=A=2.0,B=5.3"
 * ("No, ..." below the tag threshold), folded for a header line. */
void sc_policy_status_header(const sc_config *c, const struct sc_verdict *v, sc_buf *out);

#endif
