/*
 * callbacks.c - libmilter callbacks: collect the message, scan it at end of
 * message, and hand the verdict to apply.c (see callbacks.h).
 *
 * Every callback finds its connection's sc_session through smfi_getpriv().
 * The only shared state is the current engine, reached through current.h.
 */
#include "autoconfig.h"

#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "apply.h"
#include "buf.h"
#include "callbacks.h"
#include "current.h"
#include "log.h"
#include "mem.h"
#include "policy.h"
#include "scan.h"
#include "session.h"

#define NO_QUEUE_ID   "NOQUEUE" /* in logs and replies before the MTA names the message */
#define QUEUE_ID_MAX  64        /* bytes of a queue id we repeat back */
#define LOG_RCPTS_MAX 20        /* recipients named in the per-message log line */

/* on_error_status - the answer the config prescribes when a verdict cannot be applied */
static sfsistat on_error_status(const sc_config *c)
{
	switch (c->on_error) {
	case SC_ON_ERROR_TEMPFAIL:
		return SMFIS_TEMPFAIL;
	case SC_ON_ERROR_ACCEPT:
		return SMFIS_ACCEPT;
	default:
		sc_panic("unknown on_error value %d", (int) c->on_error);
	}
}

/* fail_now - log why a callback cannot go on and answer per the current on_error */
static sfsistat fail_now(const char *where, const char *why)
{
	sc_engine *eng = sc_current_get();
	sfsistat st = eng != NULL ? on_error_status(eng->config) : SMFIS_TEMPFAIL;

	sc_log(SC_LOG_ERR, "%s: %s; answering %s", where, why,
	       st == SMFIS_ACCEPT ? "accept" : "tempfail");
	sc_engine_unref(eng);
	return st;
}

/* safe_queue_id - the queue id reduced to [A-Za-z0-9._-], or NOQUEUE, into out */
static void safe_queue_id(const char *id, char *out, size_t size)
{
	size_t n = 0;

	if (id == NULL || id[0] == '\0')
		id = NO_QUEUE_ID;
	for (; *id != '\0' && n + 1 < size; id++) {
		char c = *id;
		int ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
			 (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';

		out[n++] = ok ? c : '_';
	}
	out[n] = '\0';
}

/* fetch_queue_id - ask the MTA for macro "i" until we have it (Postfix sends it late) */
static void fetch_queue_id(SMFICTX *ctx, sc_session *s)
{
	char macro[] = "i";

	if (s->queue_id == NULL)
		sc_session_set_queue_id(s, smfi_getsymval(ctx, macro));
}

/* cb_connect - a new SMTP connection: create its session */
static sfsistat cb_connect(SMFICTX *ctx, char *hostname, _SOCK_ADDR *hostaddr)
{
	sc_session *s = smfi_getpriv(ctx);

	if (s == NULL) {
		s = sc_session_new();
		if (smfi_setpriv(ctx, s) != MI_SUCCESS) {
			sc_session_free(s);
			return fail_now("connect", "smfi_setpriv failed");
		}
	}
	sc_session_set_client(s, hostname, hostaddr);
	sc_log(SC_LOG_DEBUG, "connect from %s [%s]", s->client_name, s->client_addr);
	return SMFIS_CONTINUE;
}

/* cb_helo - HELO/EHLO: remember the name the client gave */
static sfsistat cb_helo(SMFICTX *ctx, char *helohost)
{
	sc_session *s = smfi_getpriv(ctx);

	if (s == NULL)
		return fail_now("helo", "no session state");
	sc_session_set_helo(s, helohost);
	return SMFIS_CONTINUE;
}

/* cb_envfrom - MAIL FROM: a new message begins */
static sfsistat cb_envfrom(SMFICTX *ctx, char **argv)
{
	sc_session *s = smfi_getpriv(ctx);
	sc_engine *eng;

	if (s == NULL)
		return fail_now("envfrom", "no session state");
	eng = sc_current_get();
	if (eng == NULL)
		return fail_now("envfrom", "shutting down");
	sc_session_begin_message(s, eng->config->max_message_size);
	sc_engine_unref(eng);
	sc_session_set_sender(s, argv != NULL ? argv[0] : NULL);
	/* Postfix sends {auth_authen} with MAIL FROM by default
	 * (milter_mail_macros); sendmail needs it in Milter.macros.envfrom. */
	sc_session_set_auth_user(s, smfi_getsymval(ctx, "{auth_authen}"));
	fetch_queue_id(ctx, s);
	return SMFIS_CONTINUE;
}

/* cb_envrcpt - RCPT TO: one more recipient */
static sfsistat cb_envrcpt(SMFICTX *ctx, char **argv)
{
	sc_session *s = smfi_getpriv(ctx);

	if (s == NULL)
		return fail_now("envrcpt", "no session state");
	if (s->state != SC_SESSION_ENVELOPE) {
		sc_log(SC_LOG_WARNING, "recipient outside of a message ignored");
		return SMFIS_CONTINUE;
	}
	sc_session_add_rcpt(s, argv != NULL ? argv[0] : NULL);
	return SMFIS_CONTINUE;
}

/* cb_header - one header field: add it to the raw copy */
static sfsistat cb_header(SMFICTX *ctx, char *headerf, char *headerv)
{
	sc_session *s = smfi_getpriv(ctx);

	if (s == NULL)
		return fail_now("header", "no session state");
	switch (s->state) {
	case SC_SESSION_ENVELOPE:
	case SC_SESSION_HEADERS:
		sc_session_add_header(s, headerf, headerv);
		break;
	case SC_SESSION_IDLE:
	case SC_SESSION_BODY:
		sc_log(SC_LOG_WARNING, "header field out of order ignored");
		break;
	default:
		sc_panic("bad session state %d", (int) s->state);
	}
	return SMFIS_CONTINUE;
}

/* cb_eoh - end of headers: the empty line, and perhaps the queue id */
static sfsistat cb_eoh(SMFICTX *ctx)
{
	sc_session *s = smfi_getpriv(ctx);

	if (s == NULL)
		return fail_now("eoh", "no session state");
	fetch_queue_id(ctx, s);
	switch (s->state) {
	case SC_SESSION_ENVELOPE:
	case SC_SESSION_HEADERS:
		sc_session_end_headers(s);
		break;
	case SC_SESSION_IDLE:
	case SC_SESSION_BODY:
		sc_log(SC_LOG_WARNING, "end of headers out of order ignored");
		break;
	default:
		sc_panic("bad session state %d", (int) s->state);
	}
	return SMFIS_CONTINUE;
}

/* cb_body - one body chunk */
static sfsistat cb_body(SMFICTX *ctx, unsigned char *bodyp, size_t bodylen)
{
	sc_session *s = smfi_getpriv(ctx);

	if (s == NULL)
		return fail_now("body", "no session state");
	switch (s->state) {
	case SC_SESSION_ENVELOPE:
	case SC_SESSION_HEADERS:
		sc_session_end_headers(s); /* the MTA skipped end-of-headers */
		sc_session_add_body(s, bodyp, bodylen);
		break;
	case SC_SESSION_BODY:
		sc_session_add_body(s, bodyp, bodylen);
		break;
	case SC_SESSION_IDLE:
		sc_log(SC_LOG_WARNING, "body chunk outside of a message ignored");
		break;
	default:
		sc_panic("bad session state %d", (int) s->state);
	}
	return SMFIS_CONTINUE;
}

/* log_message - the one info line per message (SPEC: per-message log) */
static void log_message(const sc_session *s, const sc_verdict *v, const char *qid)
{
	sc_buf line;

	sc_buf_init(&line, SC_BUF_UNLIMITED);
	(void) sc_buf_printf(&line, "%s: from=<%s> rcpt=", qid,
			     s->mail_from != NULL ? s->mail_from : "");
	for (size_t i = 0; i < s->nrcpts && i < LOG_RCPTS_MAX; i++)
		(void) sc_buf_printf(&line, "%s<%s>", i > 0 ? "," : "", s->rcpts[i]);
	if (s->nrcpts > LOG_RCPTS_MAX)
		(void) sc_buf_printf(&line, ",+%zu more", s->nrcpts - LOG_RCPTS_MAX);
	(void) sc_buf_printf(&line, " score=%.1f action=%s hits=", v->score,
			     sc_action_name(v->action));
	for (size_t i = 0; i < v->nhits; i++)
		(void) sc_buf_printf(&line, "%s%s", i > 0 ? "," : "", v->hits[i].name);
	(void) sc_buf_printf(&line, " size=%zu%s", s->size, s->truncated ? " truncated" : "");
	sc_log(SC_LOG_INFO, "%s", sc_buf_cstr(&line));
	sc_buf_free(&line);
}

/* scan_and_apply - run the engine over the kept message and act on the verdict */
static sfsistat scan_and_apply(SMFICTX *ctx, sc_session *s, const sc_engine *eng)
{
	char qid[QUEUE_ID_MAX];
	sc_envelope env;
	sc_verdict *v;
	sfsistat st;

	safe_queue_id(s->queue_id, qid, sizeof(qid));
	sc_session_envelope(s, &env);
	v = sc_scan(eng, &env, sc_buf_cstr(&s->raw), s->raw.len, s->truncated);
	st = sc_apply_verdict(ctx, s, eng, v, qid);
	log_message(s, v, qid);
	if (v->regex_errors > 0)
		sc_log(SC_LOG_WARNING, "%s: %zu regex runs hit a match limit", qid,
		       v->regex_errors);
	if (v->rules_skipped_budget > 0)
		sc_log(SC_LOG_WARNING, "%s: rules time budget spent: %zu rules skipped", qid,
		       v->rules_skipped_budget);
	sc_verdict_free(v);
	return st;
}

/* cb_eom - end of message: scan and apply the verdict */
static sfsistat cb_eom(SMFICTX *ctx)
{
	sc_session *s = smfi_getpriv(ctx);
	sc_engine *eng;
	sfsistat st;

	if (s == NULL)
		return fail_now("eom", "no session state");
	fetch_queue_id(ctx, s);
	switch (s->state) {
	case SC_SESSION_ENVELOPE:
	case SC_SESSION_HEADERS:
		sc_session_end_headers(s); /* a message without end-of-headers */
		break;
	case SC_SESSION_BODY:
		break;
	case SC_SESSION_IDLE:
		return fail_now("eom", "end of message without a message");
	default:
		sc_panic("bad session state %d", (int) s->state);
	}
	eng = sc_current_get();
	if (eng == NULL) {
		sc_session_end_message(s);
		return fail_now("eom", "shutting down");
	}
	st = scan_and_apply(ctx, s, eng);
	sc_engine_unref(eng);
	sc_session_end_message(s);
	return st;
}

/* cb_abort - the MTA dropped the message: forget it, keep the connection */
static sfsistat cb_abort(SMFICTX *ctx)
{
	sc_session *s = smfi_getpriv(ctx);

	if (s != NULL)
		sc_session_end_message(s);
	return SMFIS_CONTINUE;
}

/* cb_close - the connection ends: free its session */
static sfsistat cb_close(SMFICTX *ctx)
{
	sc_session *s = smfi_getpriv(ctx);

	if (s != NULL) {
		(void) smfi_setpriv(ctx, NULL);
		sc_session_free(s);
	}
	return SMFIS_CONTINUE;
}

/* sc_callbacks_desc - the filter description for smfi_register() */
struct smfiDesc sc_callbacks_desc(void)
{
	static char name[] = SC_MILTER_NAME;
	struct smfiDesc d;

	memset(&d, 0, sizeof(d));
	d.xxfi_name = name;
	d.xxfi_version = SMFI_VERSION;
	d.xxfi_flags = SMFIF_ADDHDRS | SMFIF_CHGHDRS | SMFIF_QUARANTINE | SMFIF_DELRCPT;
	d.xxfi_connect = cb_connect;
	d.xxfi_helo = cb_helo;
	d.xxfi_envfrom = cb_envfrom;
	d.xxfi_envrcpt = cb_envrcpt;
	d.xxfi_header = cb_header;
	d.xxfi_eoh = cb_eoh;
	d.xxfi_body = cb_body;
	d.xxfi_eom = cb_eom;
	d.xxfi_abort = cb_abort;
	d.xxfi_close = cb_close;
	/* DATA and unknown commands tell us nothing: left NULL, libmilter asks the
	 * MTA not to send them (SMFIP_NODATA, SMFIP_NOUNKNOWN). */
	d.xxfi_unknown = NULL;
	d.xxfi_data = NULL;
	d.xxfi_negotiate = NULL;
	return d;
}
