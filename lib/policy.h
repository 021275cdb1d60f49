/*
 * policy.h - from a verdict to an action for each recipient, and the texts
 * the milter shows (verdict headers, subject prefix, reject reply).
 *
 * Thresholds come from the config: score >= reject_threshold rejects,
 * >= quarantine_threshold quarantines, >= tag_threshold tags, else accept.
 * A policy file (config key policy_file; syntax in scam-milter.conf(5))
 * adds, per recipient address or domain, other thresholds, and lists:
 *   allow_sender      ADDR|DOMAIN  accept, but only when the verdict says the
 *                                  sender is authenticated for that domain
 *                                  (v->auth_domain); sender authentication
 *                                  does not exist yet, so today it never
 *                                  matches
 *   block_sender      ADDR|DOMAIN  envelope sender: hit POLICY_BLOCK_SENDER
 *   block_client      CIDR         client address, IPv4 or IPv6:
 *                                  hit POLICY_BLOCK_CLIENT
 *   block_url_domain  DOMAIN       a host of a URL in the message
 *                                  (v->url_hosts): hit POLICY_BLOCK_URL_DOMAIN
 * A block makes every recipient's action reject, whatever the score.
 *
 * An sc_policy is immutable once loaded and owned by its engine, so it is
 * reloaded with the engine on SIGHUP. Every function here is a pure
 * function of its arguments: thread-safe.
 */
#ifndef SC_POLICY_H
#define SC_POLICY_H

#include "buf.h"
#include "config.h"
#include "diag.h"

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
struct sc_envelope;

/* Names of the hits the policy adds to a verdict (score 0, detail says why). */
#define SC_HIT_BLOCK_SENDER     "POLICY_BLOCK_SENDER"
#define SC_HIT_BLOCK_CLIENT     "POLICY_BLOCK_CLIENT"
#define SC_HIT_BLOCK_URL_DOMAIN "POLICY_BLOCK_URL_DOMAIN"
#define SC_HIT_ALLOW_SENDER     "POLICY_ALLOW_SENDER"

typedef struct sc_policy sc_policy;

/* sc_policy_load - read a policy file. NULL (errors "file:line: ..." in d)
 * when it cannot be read or has any error; the caller owns the result. */
sc_policy *sc_policy_load(const char *path, sc_diags *d);
/* sc_policy_free - release a policy; NULL is a no-op. */
void sc_policy_free(sc_policy *p);

/* sc_policy_check - match the envelope and the verdict against p's lists
 * (p may be NULL: nothing matches); adds the POLICY_* hits to v and sets
 * v->blocked / v->allowed. env fields may be NULL. */
void sc_policy_check(const sc_policy *p, const struct sc_envelope *env, struct sc_verdict *v);

/* sc_policy_rcpt_action - the action for one recipient: reject when v is
 * blocked, accept when allowed, else the score under the thresholds of the
 * recipient's address entry, else of its domain entry, else of c. rcpt
 * may be NULL (the config's thresholds). */
sc_action sc_policy_rcpt_action(const sc_config *c, const sc_policy *p, const struct sc_verdict *v,
				const char *rcpt);

/* sc_policy_reject_text - the text after "550 5.7.1" into out: a short
 * reason and the reference id ref, plus the rule names when
 * reject_show_rules is set. */
void sc_policy_reject_text(const sc_config *c, const struct sc_verdict *v, const char *ref,
			   sc_buf *out);
/* sc_policy_subject - the Subject of tagged mail into out: subject_prefix,
 * a space, then old (NULL: no Subject). Returns 0 when nothing is to change
 * (no prefix configured, or old already begins with it), 1 otherwise. */
int sc_policy_subject(const sc_config *c, const char *old, sc_buf *out);

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
