/*
 * policy.c - thresholds to action, and the X-Scam-* header values.
 */
#include "autoconfig.h"

#include <math.h>
#include <string.h>

#include "policy.h"
#include "scan.h"

#define STATUS_FOLD_AT 76 /* fold X-Scam-Status lines near this width */

/* sc_policy_action - the strongest action whose threshold the score reaches */
sc_action sc_policy_action(const sc_config *c, double score)
{
	if (score >= c->reject_threshold)
		return SC_ACTION_REJECT;
	if (score >= c->quarantine_threshold)
		return SC_ACTION_QUARANTINE;
	if (score >= c->tag_threshold)
		return SC_ACTION_TAG;
	return SC_ACTION_ACCEPT;
}

/* sc_action_name - the word used in logs, headers and JSON */
const char *sc_action_name(sc_action a)
{
	switch (a) {
	case SC_ACTION_ACCEPT:
		return "accept";
	case SC_ACTION_TAG:
		return "tag";
	case SC_ACTION_QUARANTINE:
		return "quarantine";
	case SC_ACTION_REJECT:
		return "reject";
	}
	return "unknown";
}

/* sc_policy_shown_score - never print a below-threshold score as the threshold */
double sc_policy_shown_score(const sc_config *c, const sc_verdict *v)
{
	double shown = round(v->score * 10.0) / 10.0 + 0.0;

	if (v->score < c->tag_threshold && shown >= c->tag_threshold)
		shown = c->tag_threshold - 0.1;
	return shown;
}

/* sc_policy_score_header - X-Scam-Score's value */
void sc_policy_score_header(const sc_config *c, const sc_verdict *v, sc_buf *out)
{
	(void) sc_buf_printf(out, "%.1f", sc_policy_shown_score(c, v));
}

/* put_rule_score - a rule's score as SpamAssassin shows it: up to three
 * decimals, at least one ("6.0", "-0.001", "1.797") */
static void put_rule_score(sc_buf *out, double score)
{
	char num[64];
	size_t n = (size_t) snprintf(num, sizeof(num), "%.3f", score);

	while (n > 0 && num[n - 1] == '0' && n >= 2 && num[n - 2] != '.')
		num[--n] = '\0';
	if (strcmp(num, "-0.0") == 0)
		memcpy(num, "0.0", 4);
	(void) sc_buf_puts(out, num);
}

/* sc_policy_status_header - X-Scam-Status's value, folded after commas */
void sc_policy_status_header(const sc_config *c, const sc_verdict *v, sc_buf *out)
{
	size_t line_start = out->len;

	(void) sc_buf_printf(out, "%s, score=%.1f tag=%.1f quarantine=%.1f reject=%.1f tests=",
			     v->action == SC_ACTION_ACCEPT ? "No" : "Yes",
			     sc_policy_shown_score(c, v), c->tag_threshold, c->quarantine_threshold,
			     c->reject_threshold);
	if (v->nhits == 0)
		(void) sc_buf_puts(out, "none");
	for (size_t i = 0; i < v->nhits; i++) {
		size_t item = strlen(v->hits[i].name) + 8;

		if (i > 0) {
			(void) sc_buf_putc(out, ',');
			if (out->len - line_start + item > STATUS_FOLD_AT) {
				(void) sc_buf_puts(out, "\n\t");
				line_start = out->len - 1;
			}
		}
		(void) sc_buf_printf(out, "%s=", v->hits[i].name);
		put_rule_score(out, v->hits[i].score);
	}
}

/* sc_policy_reject_text - reason and reference; rule names only when configured */
void sc_policy_reject_text(const sc_config *c, const sc_verdict *v, const char *ref, sc_buf *out)
{
	(void) sc_buf_printf(out, "Message rejected as likely scam (ref %s)", ref);
	if (!c->reject_show_rules || v->nhits == 0)
		return;
	(void) sc_buf_puts(out, "; rules:");
	for (size_t i = 0; i < v->nhits; i++)
		(void) sc_buf_printf(out, "%s%s", i > 0 ? "," : " ", v->hits[i].name);
}

/* sc_policy_subject - subject_prefix before the old Subject, once */
int sc_policy_subject(const sc_config *c, const char *old, sc_buf *out)
{
	const char *p = c->subject_prefix;

	if (p == NULL)
		return 0;
	if (old != NULL) {
		while (*old == ' ' || *old == '\t')
			old++;
		if (strncmp(old, p, strlen(p)) == 0)
			return 0;
	}
	(void) sc_buf_puts(out, p);
	if (old != NULL && *old != '\0')
		(void) sc_buf_printf(out, " %s", old);
	return 1;
}
