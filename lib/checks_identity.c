/*
 * checks_identity.c - eval: checks on who a message claims to be from and
 * where replies go (issue 6, identity): the first of them, on the domain
 * lists of lists.h.
 *
 *   check_replyto_freemail()  a Reply-To address at a free webmail
 *                             provider (the "freemail" list) that is not
 *                             the From address: replies leave the sender's
 *                             domain for a mailbox anyone can open. A
 *                             mailing list's DMARC rewrite (From = the list,
 *                             Reply-To = the poster) is not a hit.
 *   check_from_freemail()     the From address is at a free webmail
 *                             provider (an input for metas; weak alone).
 *
 * Without lists (no lists_dir, or no freemail list in it) neither hits.
 * Thread-safe: no state outside each call.
 */
#include "autoconfig.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "eval.h"
#include "lists.h"
#include "mem.h"
#include "url.h"

/* first_addr - the first address of field f with a domain, or NULL */
static const sc_msg_addr *first_addr(const sc_msg *m, sc_addr_field f)
{
	for (size_t i = 0; i < sc_msg_addr_count(m); i++) {
		const sc_msg_addr *a = sc_msg_addr_at(m, i);

		if (a->field == f && a->domain[0] != '\0')
			return a;
	}
	return NULL;
}

/* same_regdom - a and b (ASCII hosts) have the same registrable domain
 * (or are equal when one has none) */
static int same_regdom(const char *a, const char *b)
{
	char *ra = sc_url_registrable_domain(a), *rb = sc_url_registrable_domain(b);
	int same = (ra != NULL && rb != NULL) ? strcmp(ra, rb) == 0 : strcasecmp(a, b) == 0;

	free(ra);
	free(rb);
	return same;
}

/* list_host - the host part of a List-Id ("<users.lists.example.org>") or
 * List-Post ("<mailto:users@lists.example.org>") value, into out; 0 if none */
static int list_host(const char *v, char *out, size_t size)
{
	const char *lt = strrchr(v, '<'), *gt, *at, *h;
	size_t n;

	if (lt == NULL || (gt = strchr(lt, '>')) == NULL)
		return 0;
	at = memchr(lt, '@', (size_t) (gt - lt));
	h = at != NULL ? at + 1 : lt + 1;
	n = (size_t) (gt - h);
	if (n == 0 || n >= size)
		return 0;
	for (size_t i = 0; i < n; i++)
		out[i] = (char) (h[i] >= 'A' && h[i] <= 'Z' ? h[i] + 32 : h[i]);
	out[n] = '\0';
	return 1;
}

/* list_rewrite - the From is a mailing list's own address standing in for
 * the poster's (the DMARC "via" rewrite): the display name ends in " via
 * NAME", or a List-Id or List-Post names the From domain's registrable
 * domain */
static int list_rewrite(const sc_msg *m, const sc_msg_addr *from)
{
	static const char *const fields[] = {"List-Id", "List-Post"};
	const char *via = strstr(from->name, " via ");

	if (via != NULL && via[5] != '\0')
		return 1;
	for (size_t k = 0; k < sizeof(fields) / sizeof(fields[0]); k++) {
		long i = sc_msg_header_find(m, fields[k], 0);
		char host[256];

		if (i >= 0 && list_host(sc_msg_header_decoded(m, (size_t) i), host, sizeof(host)) &&
		    same_regdom(host, from->domain))
			return 1;
	}
	return 0;
}

/* check_replyto_freemail - see above */
static int check_replyto_freemail(const sc_run_ctx *ctx, const char *const *args, size_t nargs,
				  sc_buf *detail)
{
	const sc_domain_list *fm = sc_lists_get(ctx->lists, "freemail");
	const sc_msg_addr *from = first_addr(ctx->msg, SC_ADDR_FROM);

	(void) args;
	(void) nargs;
	if (fm == NULL)
		return 0;
	for (size_t i = 0; i < sc_msg_addr_count(ctx->msg); i++) {
		const sc_msg_addr *a = sc_msg_addr_at(ctx->msg, i);

		if (a->field != SC_ADDR_REPLY_TO || a->domain[0] == '\0' ||
		    !sc_domain_list_has(fm, a->domain))
			continue;
		if (from != NULL &&
		    (strcasecmp(from->addr, a->addr) == 0 || list_rewrite(ctx->msg, from)))
			return 0;
		(void) sc_buf_printf(detail,
				     "Reply-To %s is at a free webmail provider; From is %s",
				     a->addr, from != NULL ? from->addr : "missing");
		return 1;
	}
	return 0;
}

/* check_from_freemail - see above */
static int check_from_freemail(const sc_run_ctx *ctx, const char *const *args, size_t nargs,
			       sc_buf *detail)
{
	const sc_domain_list *fm = sc_lists_get(ctx->lists, "freemail");
	const sc_msg_addr *from = first_addr(ctx->msg, SC_ADDR_FROM);

	(void) args;
	(void) nargs;
	if (fm == NULL || from == NULL || !sc_domain_list_has(fm, from->domain))
		return 0;
	(void) sc_buf_printf(detail, "From %s is at a free webmail provider", from->addr);
	return 1;
}

/* clang-format off */
static const sc_eval_def identity_defs[] = {
	{ "check_replyto_freemail", check_replyto_freemail, 0, 0 },
	{ "check_from_freemail",    check_from_freemail,    0, 0 },
};
/* clang-format on */

const sc_eval_table sc_identity_eval_table = {identity_defs,
					      sizeof(identity_defs) / sizeof(identity_defs[0])};
