/*
 * checks_links.c - eval: checks on where a message's links lead (issue 6,
 * links), on the URL set of the message model (url.h) and the domain
 * lists of lists.h: links flagged by how their URL is written. The checks
 * on HTML anchor texts and forms are in checks_anchors.c. "Site" below is
 * a host's registrable domain (libpsl), or the host itself when it has
 * none (an IP, an unknown suffix).
 *
 *   check_url_shortener()  a link (an href, a form action, or a URL in the
 *                          text) on a URL shortening service (the
 *                          "shorteners" list): where it goes is hidden
 *                          from the reader and from filters. The value is
 *                          the number of such distinct URLs. No list: no hit.
 *   check_url_ip_host()    an href or form action to a public IP address
 *                          (private, loopback and link-local ones are not
 *                          counted; neither are IPs in plain text).
 *   check_url_userinfo()   an http(s) href or form action with a user part
 *                          before the host (https://bank.com@evil.example/).
 *   check_url_data_js()    an href or form action that is a data: URL, or a
 *                          javascript:/vbscript: URL that decodes, writes
 *                          or navigates (atob, eval, location...; not
 *                          javascript:void(0) nor a call of a pop-up helper).
 *   check_url_punycode()   an href or form action to an internationalised
 *                          host (xn-- or non-ASCII labels); weak alone.
 *   check_redirect_param() an href whose query carries another http(s) URL
 *                          (plain or percent-encoded once or twice) on a
 *                          site that is neither the link's nor the From
 *                          address's (nor their brand's, brand.co.uk):
 *                          open-redirect abuse, and also how some ESPs
 *                          track clicks and gateways rewrite links (a meta
 *                          input).
 *   check_links_avoid_from()  the message has web links (hrefs or form
 *                          actions) and none of them is on the From
 *                          address's site or its brand's (brand.co.uk):
 *                          the sender sends the reader elsewhere than
 *                          itself. Ordinary for a person sharing a link,
 *                          rare for a company's own HTML mail: an input
 *                          for metas with the HTML-only check.
 *
 * The link of an attached PDF (a URI action, msg_pdf.c) counts as an href
 * for each check but the last: the reader clicks it the same way.
 * The value of each but the last is a count of distinct URLs.
 * Thread-safe: no state outside each call.
 */
#include "autoconfig.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "checks_util.h"
#include "eval.h"
#include "lists.h"
#include "url.h"

/* check_url_shortener - see above */
static int check_url_shortener(const sc_run_ctx *ctx, const char *const *args, size_t nargs,
			       sc_buf *detail)
{
	const sc_domain_list *sh = sc_lists_get(ctx->lists, "shorteners");
	const sc_url_set *urls = sc_msg_urls(ctx->msg);
	const unsigned where = (1u << SC_URL_SRC_HREF) | (1u << SC_URL_SRC_FORM) |
			       (1u << SC_URL_SRC_TEXT) | (1u << SC_URL_SRC_ATTACH);
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

/* count_flagged - the number of distinct URLs from the sources in where
 * with one of flags and passing ok (NULL: all); names the first in detail
 * after what */
static int count_flagged(const sc_run_ctx *ctx, unsigned where, unsigned flags,
			 int (*ok)(const sc_url *u), const char *what, sc_buf *detail)
{
	const sc_url_set *urls = sc_msg_urls(ctx->msg);
	const char *first = NULL;
	int n = 0;

	for (size_t i = 0; urls != NULL && i < sc_url_set_count(urls); i++) {
		const sc_url *u = sc_url_set_at(urls, i);

		if (!(u->sources & where) || !(u->flags & flags) || (ok != NULL && !ok(u)))
			continue;
		if (first == NULL)
			first = u->raw;
		n++;
	}
	if (n > 0)
		(void) sc_buf_printf(detail, "%d %s, first %.80s", n, what, first);
	return n;
}

#define WHERE_LINKS ((1u << SC_URL_SRC_HREF) | (1u << SC_URL_SRC_FORM) | (1u << SC_URL_SRC_ATTACH))

/* public_ip - the IP host of u is not private, loopback or link-local
 * (nobody phishes a reader with their own router) */
static int public_ip(const sc_url *u)
{
	const char *h = u->host_ascii;
	unsigned a = 0, b = 0;

	if (!sc_chk_scheme_web(u))
		return 0;
	if (strchr(h, ':') != NULL) /* IPv6: loopback, unique-local, link-local */
		return strcmp(h, "::1") != 0 && strncasecmp(h, "fc", 2) != 0 &&
		       strncasecmp(h, "fd", 2) != 0 && strncasecmp(h, "fe80", 4) != 0;
	if (sscanf(h, "%u.%u", &a, &b) != 2)
		return 1;
	return !(a == 10 || a == 127 || a == 0 || (a == 192 && b == 168) ||
		 (a == 172 && b >= 16 && b <= 31) || (a == 169 && b == 254));
}

/* check_url_ip_host - see above */
static int check_url_ip_host(const sc_run_ctx *ctx, const char *const *args, size_t nargs,
			     sc_buf *detail)
{
	(void) args;
	(void) nargs;
	return count_flagged(ctx, WHERE_LINKS, SC_URL_IP_HOST, public_ip,
			     "link(s) to a public IP address", detail);
}

/* web_userinfo - an http(s) URL with a user part (not an e-mail address) */
static int web_userinfo(const sc_url *u)
{
	return !(u->flags & SC_URL_MAILTO) &&
	       (strcmp(u->scheme, "http") == 0 || strcmp(u->scheme, "https") == 0);
}

/* check_url_userinfo - see above */
static int check_url_userinfo(const sc_run_ctx *ctx, const char *const *args, size_t nargs,
			      sc_buf *detail)
{
	(void) args;
	(void) nargs;
	return count_flagged(ctx, WHERE_LINKS, SC_URL_USERINFO, web_userinfo,
			     "link(s) with a user name before the host", detail);
}

/* active_script - a data: URL, or a javascript:/vbscript: URL that
 * decodes, writes or navigates (atob, unescape, eval, fromCharCode,
 * location, document.write): old newsletters call their own pop-up
 * helpers from links, phishing builds or moves to a page */
static int active_script(const sc_url *u)
{
	static const char *const moves[] = {"atob",       "unescape",     "eval",
					    "location",   "fromcharcode", "document.write",
					    "window.open"};

	if (u->flags & SC_URL_DATA)
		return 1;
	for (size_t i = 0; i < sizeof(moves) / sizeof(moves[0]); i++)
		if (strcasestr(u->raw, moves[i]) != NULL)
			return 1;
	return 0;
}

/* check_url_data_js - see above */
static int check_url_data_js(const sc_run_ctx *ctx, const char *const *args, size_t nargs,
			     sc_buf *detail)
{
	(void) args;
	(void) nargs;
	return count_flagged(ctx, WHERE_LINKS, SC_URL_DATA | SC_URL_JAVASCRIPT, active_script,
			     "data: or script link(s)", detail);
}

/* check_url_punycode - see above */
static int check_url_punycode(const sc_run_ctx *ctx, const char *const *args, size_t nargs,
			      sc_buf *detail)
{
	(void) args;
	(void) nargs;
	return count_flagged(ctx, WHERE_LINKS, SC_URL_IDN, NULL,
			     "link(s) to an internationalised (IDN) host", detail);
}

/* check_redirect_param - see above */
static int check_redirect_param(const sc_run_ctx *ctx, const char *const *args, size_t nargs,
				sc_buf *detail)
{
	const sc_url_set *urls = sc_msg_urls(ctx->msg);
	char *from = sc_chk_from_site(ctx->msg);
	int n = 0;

	(void) args;
	(void) nargs;
	for (size_t i = 0; urls != NULL && i < sc_url_set_count(urls); i++) {
		const sc_url *u = sc_url_set_at(urls, i);
		char host[256], *link, *target;

		if (!(u->sources & ((1u << SC_URL_SRC_HREF) | (1u << SC_URL_SRC_ATTACH))) ||
		    !sc_chk_scheme_web(u) || !sc_chk_query_target(u, host, sizeof(host)) ||
		    (link = sc_chk_url_site(u)) == NULL)
			continue;
		target = sc_chk_site_of(host);
		if (!sc_chk_same_brand(target, link) &&
		    !(from != NULL && sc_chk_same_brand(target, from)) && n++ == 0)
			(void) sc_buf_printf(detail,
					     "a link on %s carries a URL to %s, first %.80s", link,
					     target, u->raw);
		free(link);
		free(target);
	}
	free(from);
	return n;
}

/* check_links_avoid_from - see above */
static int check_links_avoid_from(const sc_run_ctx *ctx, const char *const *args, size_t nargs,
				  sc_buf *detail)
{
	const sc_url_set *urls = sc_msg_urls(ctx->msg);
	const unsigned where = (1u << SC_URL_SRC_HREF) | (1u << SC_URL_SRC_FORM);
	char *from = sc_chk_from_site(ctx->msg), *first = NULL;
	const sc_domain_list *freemail = sc_lists_get(ctx->lists, "freemail");
	const sc_brand *brand = NULL;
	sc_chk_brands bs = {{NULL, NULL}, NULL};
	int own = 0, looked = 0;

	(void) args;
	(void) nargs;
	for (size_t i = 0; from != NULL && urls != NULL && i < sc_url_set_count(urls) && !own;
	     i++) {
		const sc_url *u = sc_url_set_at(urls, i);
		char *site;

		if (!(u->sources & where) || !sc_chk_scheme_web(u) ||
		    (site = sc_chk_url_site(u)) == NULL)
			continue;
		/* the same label (brand.co.uk), or another domain of the sender's
		 * brand in the map (microsoft.com's live.com); the map is looked
		 * up once, and only when a link is not on the sender's label. Not
		 * for a free mailbox: gmail.com's brand also owns googleapis.com,
		 * hotmail.com's sharepoint.com, where anyone can put a page. */
		own = sc_chk_same_brand(site, from);
		if (!own && !looked) {
			looked = 1;
			sc_chk_brands_get(ctx, &bs);
			if (freemail == NULL || !sc_domain_list_has(freemail, from))
				brand = sc_chk_brands_owner(&bs, from);
		}
		own = own || (brand != NULL && sc_chk_brands_owner(&bs, site) == brand);
		if (first == NULL)
			first = site;
		else
			free(site);
	}
	if (first != NULL && !own)
		(void) sc_buf_printf(detail, "links go to %s, none to the sender's %s", first,
				     from);
	own = first != NULL && !own;
	sc_chk_brands_free(&bs);
	free(first);
	free(from);
	return own;
}

/* clang-format off */
static const sc_eval_def links_defs[] = {
	{ "check_url_shortener",          check_url_shortener,          0, 0 },
	{ "check_url_ip_host",            check_url_ip_host,            0, 0 },
	{ "check_url_userinfo",           check_url_userinfo,           0, 0 },
	{ "check_url_data_js",            check_url_data_js,            0, 0 },
	{ "check_url_punycode",           check_url_punycode,           0, 0 },
	{ "check_redirect_param",         check_redirect_param,         0, 0 },
	{ "check_links_avoid_from",       check_links_avoid_from,       0, 0 },
};
/* clang-format on */

const sc_eval_table sc_links_eval_table = {links_defs, sizeof(links_defs) / sizeof(links_defs[0])};
