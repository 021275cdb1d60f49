/*
 * checks_lists.c - eval: checks that ask a named domain list (lists.h)
 * about the sender's domains and the message's links, and one on the
 * addresses a body asks the reader to write to (issue 6). The list is an
 * argument, so an admin's own list (lists_dir/NAME.txt) works the same way
 * as the shipped ones.
 *
 *   check_from_in_list('NAME')       the From address's domain is on the
 *                                    list NAME.
 *   check_replyto_in_list('NAME')    a Reply-To address's domain is on it.
 *   check_links_in_list('NAME'[, N]) at least N (default 1) distinct
 *                                    registrable domains of links (href,
 *                                    form action, a URL in the text or an
 *                                    attached PDF's link; mailto aside),
 *                                    or the sites such an href or PDF
 *                                    link redirects to (an http(s) URL
 *                                    in its query: google.com/url?q=),
 *                                    are on it; the value
 *                                    is the count.
 *   check_body_freemail_address()    the text gives an address at a free
 *                                    webmail provider (the "freemail"
 *                                    list) that is neither the From nor a
 *                                    Reply-To address: "write to my
 *                                    private e-mail". The value is the
 *                                    number of such distinct addresses.
 *
 * An unknown list never hits (lint shows which lists were loaded).
 * Thread-safe: no state outside each call.
 */
#include "autoconfig.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "checks_util.h"
#include "eval.h"
#include "lists.h"
#include "mem.h"
#include "url.h"

/* addr_listed - the first address of field f whose domain is on l, or NULL */
static const sc_msg_addr *addr_listed(const sc_msg *m, sc_addr_field f, const sc_domain_list *l)
{
	for (size_t i = 0; i < sc_msg_addr_count(m); i++) {
		const sc_msg_addr *a = sc_msg_addr_at(m, i);

		if (a->field == f && a->domain[0] != '\0' && sc_domain_list_has(l, a->domain))
			return a;
	}
	return NULL;
}

/* addr_check - check_from_in_list and check_replyto_in_list for field f */
static int addr_check(const sc_run_ctx *ctx, const char *list, sc_addr_field f, const char *what,
		      sc_buf *detail)
{
	const sc_domain_list *l = sc_lists_get(ctx->lists, list);
	const sc_msg_addr *a;

	if (l == NULL || (a = addr_listed(ctx->msg, f, l)) == NULL)
		return 0;
	(void) sc_buf_printf(detail, "%s %s: the domain is on the list %s", what, a->addr, list);
	return 1;
}

/* check_from_in_list - see above */
static int check_from_in_list(const sc_run_ctx *ctx, const char *const *args, size_t nargs,
			      sc_buf *detail)
{
	(void) nargs;
	return addr_check(ctx, args[0], SC_ADDR_FROM, "From", detail);
}

/* check_replyto_in_list - see above */
static int check_replyto_in_list(const sc_run_ctx *ctx, const char *const *args, size_t nargs,
				 sc_buf *detail)
{
	(void) nargs;
	return addr_check(ctx, args[0], SC_ADDR_REPLY_TO, "Reply-To", detail);
}

/* seen_before - an earlier URL of urls (index < end) that passes the same
 * filter has the registrable domain d */
static int seen_before(const sc_url_set *urls, size_t end, const char *d, unsigned where)
{
	for (size_t j = 0; j < end; j++) {
		const sc_url *u = sc_url_set_at(urls, j);

		if ((u->sources & where) && !(u->flags & SC_URL_MAILTO) && u->domain != NULL &&
		    strcmp(u->domain, d) == 0)
			return 1;
	}
	return 0;
}

#define MAX_TARGETS 16 /* distinct redirect targets counted */

/* linked_directly - a URL of urls from where with the registrable domain
 * d is itself on l: a redirect target also linked directly is counted
 * there, not twice */
static int linked_directly(const sc_url_set *urls, const sc_domain_list *l, const char *d,
			   unsigned where)
{
	for (size_t j = 0; j < sc_url_set_count(urls); j++) {
		const sc_url *u = sc_url_set_at(urls, j);

		if ((u->sources & where) && !(u->flags & SC_URL_MAILTO) && u->domain != NULL &&
		    strcmp(u->domain, d) == 0 && sc_domain_list_has(l, u->host_ascii))
			return 1;
	}
	return 0;
}

/* check_links_in_list - see above */
static int check_links_in_list(const sc_run_ctx *ctx, const char *const *args, size_t nargs,
			       sc_buf *detail)
{
	const sc_domain_list *l = sc_lists_get(ctx->lists, args[0]);
	const sc_url_set *urls = sc_msg_urls(ctx->msg);
	const unsigned where =
		(1u << SC_URL_SRC_HREF) | (1u << SC_URL_SRC_FORM) | (1u << SC_URL_SRC_TEXT) |
		(1u << SC_URL_SRC_ATTACH);
	const unsigned redirects = (1u << SC_URL_SRC_HREF) | (1u << SC_URL_SRC_ATTACH);
	long min = nargs > 1 ? strtol(args[1], NULL, 10) : 1;
	char *first = NULL, *targets[MAX_TARGETS];
	size_t nt = 0;
	int n = 0;

	if (l == NULL || urls == NULL)
		return 0;
	for (size_t i = 0; i < sc_url_set_count(urls); i++) {
		const sc_url *u = sc_url_set_at(urls, i);
		char host[256];

		if (!(u->sources & where) || (u->flags & SC_URL_MAILTO) || u->domain == NULL)
			continue;
		if (sc_domain_list_has(l, u->host_ascii)) {
			if (seen_before(urls, i, u->domain, where))
				continue;
			if (first == NULL)
				first = sc_strdup(u->domain);
			n++;
		} else if ((u->sources & redirects) && nt < MAX_TARGETS && sc_chk_scheme_web(u) &&
			   sc_chk_query_target(u, host, sizeof(host)) &&
			   sc_domain_list_has(l, host)) {
			/* where a redirect lands: google.com/url?q=https://x.top/ */
			char *site = sc_chk_site_of(host);
			size_t k;

			for (k = 0; k < nt && strcmp(targets[k], site) != 0; k++)
				;
			if (k < nt || linked_directly(urls, l, site, where)) {
				free(site);
				continue;
			}
			targets[nt++] = site;
			if (first == NULL)
				first = sc_strdup(site);
			n++;
		}
	}
	if (n > 0 && n >= (min < 1 ? 1 : min))
		(void) sc_buf_printf(detail, "%d linked domain%s on the list %s, first %s", n,
				     n > 1 ? "s" : "", args[0], first);
	else
		n = 0;
	free(first);
	while (nt > 0)
		free(targets[--nt]);
	return n;
}

/* is_own_address - addr is the From or a Reply-To address of m */
static int is_own_address(const sc_msg *m, const char *local, const char *domain)
{
	for (size_t i = 0; i < sc_msg_addr_count(m); i++) {
		const sc_msg_addr *a = sc_msg_addr_at(m, i);

		if ((a->field == SC_ADDR_FROM || a->field == SC_ADDR_REPLY_TO) &&
		    strcasecmp(a->local, local) == 0 && strcasecmp(a->domain, domain) == 0)
			return 1;
	}
	return 0;
}

/* check_body_freemail_address - see above */
static int check_body_freemail_address(const sc_run_ctx *ctx, const char *const *args, size_t nargs,
				       sc_buf *detail)
{
	const sc_domain_list *fm = sc_lists_get(ctx->lists, "freemail");
	const sc_url_set *urls = sc_msg_urls(ctx->msg);
	const char *first = NULL, *first_host = NULL;
	int n = 0;

	(void) args;
	(void) nargs;
	if (fm == NULL || urls == NULL)
		return 0;
	for (size_t i = 0; i < sc_url_set_count(urls); i++) {
		const sc_url *u = sc_url_set_at(urls, i);

		if (!(u->flags & SC_URL_MAILTO) || u->userinfo == NULL || u->host_ascii == NULL ||
		    u->host_ascii[0] == '\0' || !sc_domain_list_has(fm, u->host_ascii) ||
		    is_own_address(ctx->msg, u->userinfo, u->host_ascii))
			continue;
		if (first == NULL) {
			first = u->userinfo;
			first_host = u->host_ascii;
		}
		n++;
	}
	if (n > 0)
		(void) sc_buf_printf(detail,
				     "the text gives %d address%s at free webmail providers that "
				     "the headers do not, first %.64s@%.64s",
				     n, n > 1 ? "es" : "", first, first_host);
	return n;
}

/* clang-format off */
static const sc_eval_def lists_defs[] = {
	{ "check_from_in_list",          check_from_in_list,          1, 1 },
	{ "check_replyto_in_list",       check_replyto_in_list,       1, 1 },
	{ "check_links_in_list",         check_links_in_list,         1, 2 },
	{ "check_body_freemail_address", check_body_freemail_address, 0, 0 },
};
/* clang-format on */

const sc_eval_table sc_lists_eval_table = {lists_defs, sizeof(lists_defs) / sizeof(lists_defs[0])};
