/*
 * auth_eval.c - the eval: checks over sender authentication, with the
 * names of SpamAssassin's SPF, DKIM and DMARC plugins so stock rules and
 * metas built on them work (auth.h has the results they read).
 *
 * Meanings, following SpamAssassin 4.0 (Plugin/SPF.pm, Plugin/DKIM.pm,
 * Plugin/DMARC.pm):
 * - check_for_spf_RESULT(): the MAIL FROM identity's SPF result is RESULT;
 *   check_for_spf_helo_RESULT(): the HELO identity's. We check the HELO
 *   identity only for the null sender (RFC 7208 2.4), so SPF_HELO_* hit
 *   only then.
 * - check_dkim_signed([domain...]): a DKIM-Signature is present (whatever
 *   its result), with d= one of the domains when given; check_dkim_valid
 *   ([domain...]): one of them verified; check_dkim_valid_author_sig
 *   ([domain...]): one verified whose d= is the domain of a From address;
 *   check_dkim_valid_envelopefrom(): one verified whose d= is the envelope
 *   sender's domain; check_dkim_dependable(): verification ran and no key
 *   lookup failed temporarily. A domain argument "*.example.com" (or
 *   ".example.com") also takes its subdomains.
 * - check_dmarc_pass(): DMARC passed; check_dmarc_reject(), _quarantine(),
 *   _none(): DMARC failed and the domain publishes p= (or sp=) reject,
 *   quarantine, none; check_dmarc_missing(): the domain has no DMARC
 *   record. These read the published policy, not the pct-sampled one: a
 *   forged From is as telling whatever share of it the owner asks to act on.
 * Every check is false when authentication did not run (ctx->auth NULL or
 * the part unchecked), as SpamAssassin's are with network tests off.
 *
 * Thread-safe: no state outside each call.
 */
#include "autoconfig.h"

#include <string.h>
#include <strings.h>

#include "auth.h"
#include "eval.h"

/* spf_is - the SPF result of the identity asked (helo or MAIL FROM) is want */
static int spf_is(const sc_run_ctx *ctx, int helo, sc_spf_result want, sc_buf *detail)
{
	const sc_auth_result *a = ctx->auth;

	if (a == NULL || a->spf == SC_SPF_UNCHECKED || (a->spf_helo != 0) != helo || a->spf != want)
		return 0;
	(void) sc_buf_printf(detail, "SPF %s for %s %s", sc_spf_result_name(a->spf),
			     helo ? "HELO" : "MAIL FROM",
			     a->spf_domain != NULL ? a->spf_domain : "(no domain)");
	return 1;
}

#define SPF_CHECK(fname, helo, result)                                                             \
	static int fname(const sc_run_ctx *ctx, const char *const *args, size_t nargs,             \
			 sc_buf *detail)                                                           \
	{                                                                                          \
		(void) args;                                                                       \
		(void) nargs;                                                                      \
		return spf_is(ctx, helo, result, detail);                                          \
	}

SPF_CHECK(spf_pass, 0, SC_SPF_PASS)
SPF_CHECK(spf_fail, 0, SC_SPF_FAIL)
SPF_CHECK(spf_softfail, 0, SC_SPF_SOFTFAIL)
SPF_CHECK(spf_neutral, 0, SC_SPF_NEUTRAL)
SPF_CHECK(spf_none, 0, SC_SPF_NONE)
SPF_CHECK(spf_permerror, 0, SC_SPF_PERMERROR)
SPF_CHECK(spf_temperror, 0, SC_SPF_TEMPERROR)
SPF_CHECK(spf_helo_pass, 1, SC_SPF_PASS)
SPF_CHECK(spf_helo_fail, 1, SC_SPF_FAIL)
SPF_CHECK(spf_helo_softfail, 1, SC_SPF_SOFTFAIL)
SPF_CHECK(spf_helo_neutral, 1, SC_SPF_NEUTRAL)
SPF_CHECK(spf_helo_none, 1, SC_SPF_NONE)
SPF_CHECK(spf_helo_permerror, 1, SC_SPF_PERMERROR)
SPF_CHECK(spf_helo_temperror, 1, SC_SPF_TEMPERROR)

/* domain_matches - d is pattern, or under it when pattern is "*.x" or ".x" */
static int domain_matches(const char *d, const char *pattern)
{
	size_t dl, pl;

	if (pattern[0] == '*' && pattern[1] == '.')
		pattern++;
	if (pattern[0] != '.')
		return strcasecmp(d, pattern) == 0;
	pattern++;
	dl = strlen(d);
	pl = strlen(pattern);
	if (strcasecmp(d, pattern) == 0)
		return 1;
	return dl > pl && d[dl - pl - 1] == '.' && strcasecmp(d + dl - pl, pattern) == 0;
}

/* domain_listed - no list (nargs 0), or d matches one of args */
static int domain_listed(const char *d, const char *const *args, size_t nargs)
{
	if (nargs == 0)
		return 1;
	if (d == NULL)
		return 0;
	for (size_t i = 0; i < nargs; i++)
		if (domain_matches(d, args[i]))
			return 1;
	return 0;
}

/* is_author_domain - d is the domain of one of the message's From addresses */
static int is_author_domain(const sc_run_ctx *ctx, const char *d)
{
	size_t n = sc_msg_addr_count(ctx->msg);

	for (size_t i = 0; i < n; i++) {
		const sc_msg_addr *a = sc_msg_addr_at(ctx->msg, i);

		if (a->field == SC_ADDR_FROM && a->domain[0] != '\0' && strcasecmp(a->domain, d) == 0)
			return 1;
	}
	return 0;
}

/* is_envelope_domain - d is the envelope sender's domain */
static int is_envelope_domain(const sc_run_ctx *ctx, const char *d)
{
	const char *at;

	if (ctx->env == NULL || ctx->env->mail_from == NULL)
		return 0;
	at = strrchr(ctx->env->mail_from, '@');
	return at != NULL && strcasecmp(at + 1, d) == 0;
}

enum dkim_want { DKIM_ANY, DKIM_VALID, DKIM_AUTHOR, DKIM_ENVELOPE };

/* dkim_find - the first signature meeting want with d= listed; 1 and a
 * why-text on a hit */
static int dkim_find(const sc_run_ctx *ctx, enum dkim_want want, const char *const *args,
		     size_t nargs, sc_buf *detail)
{
	const sc_auth_result *a = ctx->auth;

	if (a == NULL || !a->dkim_checked)
		return 0;
	for (size_t i = 0; i < a->ndkim; i++) {
		const sc_dkim_sig *s = &a->dkim[i];

		if (want != DKIM_ANY && s->result != SC_DKIM_PASS)
			continue;
		if (!domain_listed(s->domain, args, nargs))
			continue;
		if (want == DKIM_AUTHOR && (s->domain == NULL || !is_author_domain(ctx, s->domain)))
			continue;
		if (want == DKIM_ENVELOPE &&
		    (s->domain == NULL || !is_envelope_domain(ctx, s->domain)))
			continue;
		(void) sc_buf_printf(detail, "DKIM signature d=%s s=%s: %s",
				     s->domain != NULL ? s->domain : "?",
				     s->selector != NULL ? s->selector : "?",
				     sc_dkim_result_name(s->result));
		if (s->reason != NULL)
			(void) sc_buf_printf(detail, " (%s)", s->reason);
		return 1;
	}
	return 0;
}

/* dkim_signed - check_dkim_signed([domain...]) */
static int dkim_signed(const sc_run_ctx *ctx, const char *const *args, size_t nargs,
		       sc_buf *detail)
{
	return dkim_find(ctx, DKIM_ANY, args, nargs, detail);
}

/* dkim_valid - check_dkim_valid([domain...]) */
static int dkim_valid(const sc_run_ctx *ctx, const char *const *args, size_t nargs,
		      sc_buf *detail)
{
	return dkim_find(ctx, DKIM_VALID, args, nargs, detail);
}

/* dkim_valid_author - check_dkim_valid_author_sig([domain...]) */
static int dkim_valid_author(const sc_run_ctx *ctx, const char *const *args, size_t nargs,
			     sc_buf *detail)
{
	return dkim_find(ctx, DKIM_AUTHOR, args, nargs, detail);
}

/* dkim_valid_envelope - check_dkim_valid_envelopefrom() */
static int dkim_valid_envelope(const sc_run_ctx *ctx, const char *const *args, size_t nargs,
			       sc_buf *detail)
{
	(void) args;
	(void) nargs;
	return dkim_find(ctx, DKIM_ENVELOPE, NULL, 0, detail);
}

/* dkim_dependable - check_dkim_dependable(): verification finished */
static int dkim_dependable(const sc_run_ctx *ctx, const char *const *args, size_t nargs,
			   sc_buf *detail)
{
	const sc_auth_result *a = ctx->auth;

	(void) args;
	(void) nargs;
	if (a == NULL || !a->dkim_checked)
		return 0;
	for (size_t i = 0; i < a->ndkim; i++)
		if (a->dkim[i].result == SC_DKIM_TEMPERROR)
			return 0;
	(void) sc_buf_printf(detail, "DKIM verification complete (%zu signatures)", a->ndkim);
	return 1;
}

/* dmarc_is - DMARC's result is want (and, on fail, the policy is policy) */
static int dmarc_is(const sc_run_ctx *ctx, sc_dmarc_result want, sc_dmarc_policy policy,
		    sc_buf *detail)
{
	const sc_auth_result *a = ctx->auth;

	if (a == NULL || a->dmarc != want)
		return 0;
	if (want == SC_DMARC_FAIL && a->dmarc_policy != policy)
		return 0;
	(void) sc_buf_printf(detail, "DMARC %s for %s", sc_dmarc_result_name(a->dmarc),
			     a->dmarc_domain != NULL ? a->dmarc_domain : "(no From domain)");
	if (want == SC_DMARC_FAIL)
		(void) sc_buf_printf(detail, " (p=%s)", sc_dmarc_policy_name(a->dmarc_policy));
	return 1;
}

#define DMARC_CHECK(fname, result, policy)                                                         \
	static int fname(const sc_run_ctx *ctx, const char *const *args, size_t nargs,             \
			 sc_buf *detail)                                                           \
	{                                                                                          \
		(void) args;                                                                       \
		(void) nargs;                                                                      \
		return dmarc_is(ctx, result, policy, detail);                                      \
	}

DMARC_CHECK(dmarc_pass, SC_DMARC_PASS, SC_DMARC_POLICY_UNSPEC)
DMARC_CHECK(dmarc_reject, SC_DMARC_FAIL, SC_DMARC_POLICY_REJECT)
DMARC_CHECK(dmarc_quarantine, SC_DMARC_FAIL, SC_DMARC_POLICY_QUARANTINE)
DMARC_CHECK(dmarc_none, SC_DMARC_FAIL, SC_DMARC_POLICY_NONE)
DMARC_CHECK(dmarc_missing, SC_DMARC_NONE, SC_DMARC_POLICY_UNSPEC)

/* clang-format off */
static const sc_eval_def auth_defs[] = {
	{ "check_for_spf_pass",            spf_pass,            0, 0 },
	{ "check_for_spf_fail",            spf_fail,            0, 0 },
	{ "check_for_spf_softfail",        spf_softfail,        0, 0 },
	{ "check_for_spf_neutral",         spf_neutral,         0, 0 },
	{ "check_for_spf_none",            spf_none,            0, 0 },
	{ "check_for_spf_permerror",       spf_permerror,       0, 0 },
	{ "check_for_spf_temperror",       spf_temperror,       0, 0 },
	{ "check_for_spf_helo_pass",       spf_helo_pass,       0, 0 },
	{ "check_for_spf_helo_fail",       spf_helo_fail,       0, 0 },
	{ "check_for_spf_helo_softfail",   spf_helo_softfail,   0, 0 },
	{ "check_for_spf_helo_neutral",    spf_helo_neutral,    0, 0 },
	{ "check_for_spf_helo_none",       spf_helo_none,       0, 0 },
	{ "check_for_spf_helo_permerror",  spf_helo_permerror,  0, 0 },
	{ "check_for_spf_helo_temperror",  spf_helo_temperror,  0, 0 },
	{ "check_dkim_signed",             dkim_signed,         0, 64 },
	{ "check_dkim_valid",              dkim_valid,          0, 64 },
	{ "check_dkim_valid_author_sig",   dkim_valid_author,   0, 64 },
	{ "check_dkim_valid_envelopefrom", dkim_valid_envelope, 0, 0 },
	{ "check_dkim_dependable",         dkim_dependable,     0, 0 },
	{ "check_dmarc_pass",              dmarc_pass,          0, 0 },
	{ "check_dmarc_reject",            dmarc_reject,        0, 0 },
	{ "check_dmarc_quarantine",        dmarc_quarantine,    0, 0 },
	{ "check_dmarc_none",              dmarc_none,          0, 0 },
	{ "check_dmarc_missing",           dmarc_missing,       0, 0 },
};
/* clang-format on */

const sc_eval_table sc_auth_eval_table = {auth_defs, sizeof(auth_defs) / sizeof(auth_defs[0])};
