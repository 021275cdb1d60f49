/*
 * checks_links.c - eval: checks on where a message's links lead (issue 6,
 * links), on the URL set of the message model (url.h) and the domain lists
 * of lists.h.
 *
 *   check_url_shortener()  a link (an href, a form action, or a URL in the
 *                          text) on a URL shortening service (the
 *                          "shorteners" list): where it goes is hidden
 *                          from the reader and from filters. The value is
 *                          the number of such distinct URLs.
 *
 * Without lists neither hits. Thread-safe: no state outside each call.
 */
#include "autoconfig.h"

#include <string.h>

#include "eval.h"
#include "lists.h"
#include "url.h"

/* check_url_shortener - see above */
static int check_url_shortener(const sc_run_ctx *ctx, const char *const *args, size_t nargs,
			       sc_buf *detail)
{
	const sc_domain_list *sh = sc_lists_get(ctx->lists, "shorteners");
	const sc_url_set *urls = sc_msg_urls(ctx->msg);
	const unsigned where =
		(1u << SC_URL_SRC_HREF) | (1u << SC_URL_SRC_FORM) | (1u << SC_URL_SRC_TEXT);
	const char *first = NULL;
	int n = 0;

	(void) args;
	(void) nargs;
	if (sh == NULL || urls == NULL)
		return 0;
	for (size_t i = 0; i < sc_url_set_count(urls); i++) {
		const sc_url *u = sc_url_set_at(urls, i);

		if (!(u->sources & where) || (u->flags & (SC_URL_MAILTO | SC_URL_IP_HOST)) ||
		    u->host_ascii == NULL || u->host_ascii[0] == '\0' ||
		    !sc_domain_list_has(sh, u->host_ascii))
			continue;
		if (first == NULL)
			first = u->raw;
		n++;
	}
	if (n > 0)
		(void) sc_buf_printf(detail, "%d link%s on a URL shortener, first %.80s", n,
				     n > 1 ? "s" : "", first);
	return n;
}

/* clang-format off */
static const sc_eval_def links_defs[] = {
	{ "check_url_shortener", check_url_shortener, 0, 0 },
};
/* clang-format on */

const sc_eval_table sc_links_eval_table = {links_defs, sizeof(links_defs) / sizeof(links_defs[0])};
