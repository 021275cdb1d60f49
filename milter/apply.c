/*
 * apply.c - the per-recipient split of a verdict (see apply.h).
 */
#include "autoconfig.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "apply.h"
#include "auth.h"
#include "buf.h"
#include "log.h"
#include "mem.h"
#include "policy.h"
#include "quarantine.h"

/* What becomes of the message as a whole once each recipient has an action. */
typedef struct split {
	sc_action *act; /* owned; one per recipient (one for "no recipient" too) */
	size_t n;
	size_t ndeliver, nquarantine, nreject;
	int tag; /* some delivered recipient tags */
} split;

/* on_error_status - the configured answer when the verdict cannot be applied */
static sfsistat on_error_status(SMFICTX *ctx, const sc_config *c)
{
	char name[] = "X-Scam-Status", value[] = "error";

	if (c->on_error == SC_ON_ERROR_TEMPFAIL)
		return SMFIS_TEMPFAIL;
	if (smfi_addheader(ctx, name, value) != MI_SUCCESS)
		sc_log(SC_LOG_ERR, "smfi_addheader(X-Scam-Status: error) failed");
	return SMFIS_ACCEPT;
}

/* delete_one - smfi_chgheader(name, index, NULL) for one inbound X-Scam-* field */
static int delete_one(void *arg, const char *name, int index)
{
	char *mutable_name = (char *) name; /* libmilter's prototypes predate const */

	if (smfi_chgheader(arg, mutable_name, index, NULL) != MI_SUCCESS) {
		sc_log(SC_LOG_ERR, "smfi_chgheader(%s, %d) failed", name, index);
		return -1;
	}
	return 0;
}

/* add_header - smfi_addheader, logging a failure */
static int add_header(SMFICTX *ctx, const char *name, const char *value)
{
	if (smfi_addheader(ctx, (char *) name, (char *) value) != MI_SUCCESS) {
		sc_log(SC_LOG_ERR, "smfi_addheader(%s) failed", name);
		return -1;
	}
	return 0;
}

/* set_subject - the subject prefix on tagged mail */
static int set_subject(SMFICTX *ctx, const sc_session *s, const sc_config *c)
{
	char name[] = "Subject";
	sc_buf b;
	int r = 0;

	sc_buf_init(&b, SC_BUF_UNLIMITED);
	if (sc_policy_subject(c, s->subject, &b)) {
		if (s->subject != NULL)
			r = smfi_chgheader(ctx, name, 1, b.data) == MI_SUCCESS ? 0 : -1;
		else
			r = add_header(ctx, name, sc_buf_cstr(&b));
		if (r != 0)
			sc_log(SC_LOG_ERR, "could not set the Subject prefix");
	}
	sc_buf_free(&b);
	return r;
}

/* replace_auth_results - delete inbound Authentication-Results that claim our
 * authserv-id (highest index first, so none is renumbered), then prepend ours
 * when anything was checked (RFC 8601 section 5) */
static int replace_auth_results(SMFICTX *ctx, const sc_session *s, const sc_config *c,
				const sc_verdict *v)
{
	char name[] = "Authentication-Results";
	sc_buf value;
	int r = 0;

	for (size_t i = s->nar; i > 0; i--) {
		if (strcasecmp(s->ar_ids[i - 1], c->authserv_id) != 0)
			continue;
		if (i > INT_MAX || smfi_chgheader(ctx, name, (int) i, NULL) != MI_SUCCESS) {
			sc_log(SC_LOG_ERR, "smfi_chgheader(%s, %zu) failed", name, i);
			return -1;
		}
	}
	if (v->auth.spf == SC_SPF_UNCHECKED && !v->auth.dkim_checked &&
	    v->auth.dmarc == SC_DMARC_UNCHECKED)
		return 0;
	sc_buf_init(&value, SC_BUF_UNLIMITED);
	sc_auth_results_value(c->authserv_id, &v->auth, &value);
	if (smfi_insheader(ctx, 0, name, (char *) sc_buf_cstr(&value)) != MI_SUCCESS) {
		sc_log(SC_LOG_ERR, "smfi_insheader(%s) failed", name);
		r = -1;
	}
	sc_buf_free(&value);
	return r;
}

/* add_verdict_headers - replace inbound X-Scam-* fields with ours; flag and prefix */
static int add_verdict_headers(SMFICTX *ctx, sc_session *s, const sc_config *c, const sc_verdict *v,
			       int flag)
{
	sc_buf value;
	int r;

	if (sc_session_each_own_header(s, delete_one, ctx) != 0 ||
	    replace_auth_results(ctx, s, c, v) != 0)
		return -1;
	sc_buf_init(&value, SC_BUF_UNLIMITED);
	sc_policy_score_header(c, v, &value);
	r = add_header(ctx, "X-Scam-Score", sc_buf_cstr(&value));
	if (r == 0) {
		sc_buf_reset(&value);
		sc_policy_status_header(c, v, &value);
		r = add_header(ctx, "X-Scam-Status", sc_buf_cstr(&value));
	}
	sc_buf_free(&value);
	if (r == 0 && flag)
		r = add_header(ctx, "X-Spam-Flag", "YES");
	if (r == 0 && flag)
		r = set_subject(ctx, s, c);
	return r;
}

/* reject - 550 5.7.1 with the reference id */
static sfsistat reject(SMFICTX *ctx, const sc_config *c, const sc_verdict *v, const char *qid)
{
	char rcode[] = "550", xcode[] = "5.7.1";
	sc_buf text;

	sc_buf_init(&text, 900); /* an SMTP reply line has room for this much */
	sc_policy_reject_text(c, v, qid, &text);
	/* Without our text the MTA still rejects, with its generic 5xx reply. */
	if (smfi_setreply(ctx, rcode, xcode, text.data) != MI_SUCCESS)
		sc_log(SC_LOG_WARNING, "%s: smfi_setreply failed; rejecting without our text", qid);
	sc_buf_free(&text);
	return SMFIS_REJECT;
}

/* tempfail - 451 4.3.0: the quarantine could not take the message */
static sfsistat tempfail(SMFICTX *ctx, const char *qid)
{
	char rcode[] = "451", xcode[] = "4.3.0";
	char text[128];
	int n = snprintf(text, sizeof(text), "Temporary failure, try again later (ref %s)", qid);

	if (n > 0 && (size_t) n < sizeof(text) &&
	    smfi_setreply(ctx, rcode, xcode, text) != MI_SUCCESS)
		sc_log(SC_LOG_WARNING, "%s: smfi_setreply failed", qid);
	return SMFIS_TEMPFAIL;
}

/* split_rcpts - each recipient's action, and the counts */
static void split_rcpts(split *sp, const sc_session *s, const sc_engine *eng, const sc_verdict *v)
{
	memset(sp, 0, sizeof(*sp));
	sp->n = s->nrcpts > 0 ? s->nrcpts : 1;
	sp->act = sc_calloc(sp->n, sizeof(*sp->act));
	for (size_t i = 0; i < sp->n; i++) {
		const char *rcpt = s->nrcpts > 0 ? s->rcpts[i] : NULL;

		sp->act[i] = sc_policy_rcpt_action(eng->config, eng->policy, v, rcpt);
		switch (sp->act[i]) {
		case SC_ACTION_REJECT:
			sp->nreject++;
			break;
		case SC_ACTION_QUARANTINE:
			sp->nquarantine++;
			break;
		case SC_ACTION_TAG:
			sp->tag = 1;
			sp->ndeliver++;
			break;
		case SC_ACTION_ACCEPT:
			sp->ndeliver++;
			break;
		default:
			sc_panic("bad action %d", (int) sp->act[i]);
		}
	}
}

/* join_rcpts - the recipients whose action is a, comma-separated, into out */
static void join_rcpts(const sc_session *s, const split *sp, sc_action a, sc_buf *out)
{
	for (size_t i = 0; i < s->nrcpts; i++)
		if (sp->act[i] == a)
			(void) sc_buf_printf(out, "%s%s", out->len > 0 ? "," : "", s->rcpts[i]);
}

/* store_copy - index (and, unless hold_whole, keep) the message for the quarantined */
static int store_copy(const sc_session *s, const sc_engine *eng, const sc_verdict *v,
		      const split *sp, int hold_whole, const char *qid)
{
	sc_buf rcpts, hits;
	char *from = NULL;
	sc_qentry e;
	sc_qerr err;
	int r;

	if (eng->quarantine == NULL)
		return 0; /* hold without an index */
	memset(&e, 0, sizeof(e));
	sc_buf_init(&rcpts, SC_BUF_UNLIMITED);
	sc_buf_init(&hits, SC_BUF_UNLIMITED);
	join_rcpts(s, sp, SC_ACTION_QUARANTINE, &rcpts);
	for (size_t i = 0; i < v->nhits; i++)
		(void) sc_buf_printf(&hits, "%s%s", i > 0 ? "," : "", v->hits[i].name);
	e.queue_id = qid;
	e.client = s->client_addr;
	e.sender = s->mail_from != NULL ? s->mail_from : "";
	e.rcpts = sc_buf_cstr(&rcpts);
	e.subject = s->subject;
	if (hold_whole) /* the store finds From itself in what it keeps */
		e.from = from = sc_header_value(sc_buf_cstr(&s->raw), s->raw.len, "From");
	e.score = v->score;
	e.hits = sc_buf_cstr(&hits);
	e.action = "quarantine";
	e.mode = hold_whole ? "hold" : "store";
	r = sc_quarantine_store(eng->quarantine, &e, hold_whole ? NULL : sc_buf_cstr(&s->raw),
				s->raw.len, &err);
	if (r != 0)
		sc_log(SC_LOG_ERR, "%s: quarantine store failed: %s", qid, err.msg);
	else
		sc_log(SC_LOG_INFO, "%s: quarantined as %s for %s (%s)", qid, e.id,
		       sc_buf_cstr(&rcpts), e.mode);
	sc_buf_free(&rcpts);
	sc_buf_free(&hits);
	free(from);
	return r;
}

/* hold - the whole message into the MTA's hold queue */
static int hold(SMFICTX *ctx, const sc_verdict *v)
{
	char reason[128];
	int n = snprintf(reason, sizeof(reason), "scam-milter: score %.1f", v->score);

	if (n < 0 || (size_t) n >= sizeof(reason))
		sc_panic("quarantine reason does not fit");
	if (smfi_quarantine(ctx, reason) != MI_SUCCESS) {
		sc_log(SC_LOG_ERR, "smfi_quarantine failed");
		return -1;
	}
	return 0;
}

/* drop_rcpts - smfi_delrcpt every recipient whose action is a */
static int drop_rcpts(SMFICTX *ctx, const sc_session *s, const split *sp, sc_action a,
		      const char *qid)
{
	for (size_t i = 0; i < s->nrcpts; i++) {
		sc_buf addr;
		int r;

		if (sp->act[i] != a)
			continue;
		sc_buf_init(&addr, SC_BUF_UNLIMITED);
		(void) sc_buf_printf(&addr, "<%s>", s->rcpts[i]);
		r = smfi_delrcpt(ctx, addr.data);
		sc_buf_free(&addr);
		if (r != MI_SUCCESS) {
			sc_log(SC_LOG_ERR, "%s: smfi_delrcpt(%s) failed", qid, s->rcpts[i]);
			return -1;
		}
		sc_log(SC_LOG_INFO, "%s: recipient <%s> removed (%s)", qid, s->rcpts[i],
		       sc_action_name(a));
	}
	return 0;
}

/* apply_split - quarantine, remove and tag as the split says */
static sfsistat apply_split(SMFICTX *ctx, sc_session *s, const sc_engine *eng, const sc_verdict *v,
			    const split *sp, const char *qid)
{
	const sc_config *c = eng->config;
	int hold_whole = 0, failed = 0;

	if (sp->nquarantine > 0) {
		hold_whole = eng->quarantine == NULL || s->truncated ||
			     (c->quarantine_mode == SC_QUARANTINE_HOLD && sp->ndeliver == 0);
		if (store_copy(s, eng, v, sp, hold_whole, qid) != 0)
			return tempfail(ctx, qid); /* nothing is lost: the client keeps it */
		if (!hold_whole && sp->ndeliver == 0) {
			if (sp->nreject > 0)
				sc_log(SC_LOG_INFO, "%s: %zu rejecting recipients dropped", qid,
				       sp->nreject);
			return SMFIS_DISCARD; /* the copy is durable */
		}
		if (hold_whole)
			failed = hold(ctx, v) != 0;
		else
			failed = drop_rcpts(ctx, s, sp, SC_ACTION_QUARANTINE, qid) != 0;
	}
	if (!failed && sp->nreject > 0)
		failed = drop_rcpts(ctx, s, sp, SC_ACTION_REJECT, qid) != 0;
	if (!failed)
		failed = add_verdict_headers(ctx, s, c, v, sp->tag || hold_whole) != 0;
	if (failed && sp->nquarantine > 0) {
		/* accepting now could deliver to a quarantined recipient */
		sc_log(SC_LOG_ERR, "%s: could not apply the verdict; tempfail", qid);
		return tempfail(ctx, qid);
	}
	if (failed) {
		sc_log(SC_LOG_ERR, "%s: could not apply the verdict; on_error=%s", qid,
		       sc_on_error_name(c->on_error));
		return on_error_status(ctx, c);
	}
	return SMFIS_CONTINUE;
}

/* sc_apply_verdict - split by recipient, then reject or apply the split */
sfsistat sc_apply_verdict(SMFICTX *ctx, sc_session *s, const sc_engine *eng, const sc_verdict *v,
			  const char *qid)
{
	sfsistat st;
	split sp;

	split_rcpts(&sp, s, eng, v);
	if (sp.nreject == sp.n)
		st = reject(ctx, eng->config, v, qid);
	else
		st = apply_split(ctx, s, eng, v, &sp, qid);
	free(sp.act);
	return st;
}
