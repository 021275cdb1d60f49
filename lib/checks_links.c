/*
 * checks_links.c - eval: checks on where a message's links lead (issue 6,
 * links), on the URL set of the message model (url.h), the links, anchor
 * texts and forms of its HTML parts (html.h) and the domain lists of
 * lists.h. "Site" below is a host's registrable domain (libpsl), or the
 * host itself when it has none (an IP, an unknown suffix).
 *
 *   check_url_shortener()  a link (an href, a form action, or a URL in the
 *                          text) on a URL shortening service (the
 *                          "shorteners" list): where it goes is hidden
 *                          from the reader and from filters. The value is
 *                          the number of such distinct URLs. No list: no hit.
 *   check_anchor_domain_mismatch()
 *                          an <a> whose visible text is a URL, domain or
 *                          address on one site while its http(s) href goes
 *                          to another ("shows paypal.com, goes elsewhere").
 *                          Not counted, as measured on ham: a text showing
 *                          the From site, or a link on the From site (a
 *                          sender's click tracker, its platform); an href
 *                          whose query carries the shown site (security
 *                          gateways' redirectors); a text that is a file
 *                          name (in the href's path, or with '_'); names
 *                          reserved for documentation (example.com); one
 *                          brand's sites (brand.com, brand.co.uk), and a
 *                          link on a site containing the From's brand
 *                          (brand-email.com). Value: the number of links.
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
 *   check_form_offsite()   an HTML form with method post whose action is an
 *                          absolute http(s) URL on another site than the
 *                          From address's (get forms are newsletters'
 *                          search boxes).
 *   check_redirect_param() an href whose query carries another http(s) URL
 *                          (plain or percent-encoded once or twice) on a
 *                          site that is neither the link's nor the From
 *                          address's (nor their brand's, brand.co.uk): open-redirect
 *                          abuse, and also how some ESPs track clicks and
 *                          gateways rewrite links (a meta input).
 *
 * The value of each is a count of distinct URLs (or links, or forms).
 * Thread-safe: no state outside each call.
 */
#include "autoconfig.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "eval.h"
#include "html.h"
#include "lists.h"
#include "mem.h"
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

/* scheme_web - the URL is http or https, or written without a scheme but
 * with a host (www. forms, bare domains) */
static int scheme_web(const sc_url *u)
{
	return strcmp(u->scheme, "http") == 0 || strcmp(u->scheme, "https") == 0 ||
	       (u->scheme[0] == '\0' && u->host_ascii != NULL && u->host_ascii[0] != '\0' &&
		!(u->flags & SC_URL_MAILTO));
}

/* site_of - the registrable domain of an ASCII host, or the host itself
 * (lower-case) when it has none (IPs, unknown suffixes); malloc'd */
static char *site_of(const char *host)
{
	char *r = sc_url_registrable_domain(host);

	if (r == NULL) {
		r = sc_strdup(host);
		for (char *p = r; *p != '\0'; p++)
			if (*p >= 'A' && *p <= 'Z')
				*p = (char) (*p + 32);
	}
	return r;
}

/* from_site - the registrable domain of the first From address, or NULL */
static char *from_site(const sc_msg *m)
{
	for (size_t i = 0; i < sc_msg_addr_count(m); i++) {
		const sc_msg_addr *a = sc_msg_addr_at(m, i);

		if (a->field == SC_ADDR_FROM && a->domain[0] != '\0')
			return site_of(a->domain);
	}
	return NULL;
}

/* url_site - the site (site_of) of a parsed URL with a host, else NULL */
static char *url_site(const sc_url *u)
{
	if (u == NULL || u->host_ascii == NULL || u->host_ascii[0] == '\0')
		return NULL;
	return u->domain != NULL ? sc_strdup(u->domain) : site_of(u->host_ascii);
}

/* each_html - calls fn for every HTML part of m; stops at fn's nonzero */
typedef int (*html_fn)(const sc_html *h, void *arg);
static void each_html(const sc_msg *m, html_fn fn, void *arg)
{
	for (size_t i = 0; i < sc_msg_part_count(m); i++) {
		const sc_msg_part *p = sc_msg_part_at(m, i);

		if (p->html != NULL && fn(p->html, arg) != 0)
			return;
	}
}

/* hexval - the value of hex digit c, or -1 */
static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c |= 0x20;
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* percent_decode - s (len bytes) with %XX decoded once, into out */
static void percent_decode(const char *s, size_t len, sc_buf *out)
{
	sc_buf_reset(out);
	for (size_t i = 0; i < len; i++) {
		int hi, lo;

		if (s[i] == '%' && i + 2 < len && (hi = hexval(s[i + 1])) >= 0 &&
		    (lo = hexval(s[i + 2])) >= 0) {
			(void) sc_buf_putc(out, hi * 16 + lo);
			i += 2;
		} else {
			(void) sc_buf_putc(out, s[i]);
		}
	}
}

/* embedded_host - the host of the first http(s):// URL in text after its
 * first character, lower-case, into host (size bytes); 0 when none */
static int embedded_host(const char *text, char *host, size_t size)
{
	for (const char *p = text + (text[0] != '\0'); (p = strcasestr(p, "http")) != NULL; p++) {
		const char *h = p + 4;
		size_t n = 0;

		if (*h == 's' || *h == 'S')
			h++;
		if (strncmp(h, "://", 3) != 0)
			continue;
		h += 3;
		while (h[n] != '\0' && strchr("/?#&:;@\\ \"'<>", h[n]) == NULL)
			n++;
		if (h[n] == '@') { /* skip a user part */
			h += n + 1;
			n = 0;
			while (h[n] != '\0' && strchr("/?#&:;@\\ \"'<>", h[n]) == NULL)
				n++;
		}
		if (n == 0 || n >= size || memchr(h, '.', n) == NULL)
			continue;
		for (size_t i = 0; i < n; i++)
			host[i] = (char) (h[i] >= 'A' && h[i] <= 'Z' ? h[i] + 32 : h[i]);
		host[n] = '\0';
		return 1;
	}
	return 0;
}

/* query_target - the host of an http(s) URL carried in u's query (plain
 * or percent-encoded once or twice), into host; 0 when there is none */
static int query_target(const sc_url *u, char *host, size_t size)
{
	const char *q = strchr(u->rest, '?');
	sc_buf once, twice;
	int found;

	if (q == NULL)
		return 0;
	sc_buf_init(&once, SC_BUF_UNLIMITED);
	sc_buf_init(&twice, SC_BUF_UNLIMITED);
	percent_decode(q, strlen(q), &once);
	percent_decode(sc_buf_cstr(&once), once.len, &twice);
	found = embedded_host(sc_buf_cstr(&twice), host, size);
	sc_buf_free(&once);
	sc_buf_free(&twice);
	return found;
}

/* reserved_site - a name reserved for documentation and tests (RFC 2606,
 * RFC 6761): example.com/net/org, *.example, *.test, *.invalid,
 * *.localhost. Shown in samples and anonymised mail, never a disguise. */
static int reserved_site(const char *s)
{
	static const char *const names[] = {"example.com", "example.net", "example.org"};
	static const char *const tlds[] = {".example", ".test", ".invalid", ".localhost"};
	size_t n = strlen(s);

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strcmp(s, names[i]) == 0)
			return 1;
	for (size_t i = 0; i < sizeof(tlds) / sizeof(tlds[0]); i++) {
		size_t k = strlen(tlds[i]);

		if (n >= k && strcmp(s + n - k, tlds[i]) == 0)
			return 1;
	}
	return 0;
}

/* related_sites - a and b are one owner's as far as names tell: equal, or
 * the same first label (brand.com, brand.co.uk); with contain also when
 * the first label of one (4 letters or more) is inside the other's
 * (brand-email.com). Only for a site the From itself names: a lookalike
 * (brand-secure.com) contains the brand it imitates. */
static int related_sites(const char *a, const char *b, int contain)
{
	size_t la = strcspn(a, "."), lb = strcspn(b, ".");
	const char *in = la <= lb ? a : b, *out = la <= lb ? b : a;
	size_t lin = la <= lb ? la : lb, lout = la <= lb ? lb : la;

	if (strcmp(a, b) == 0 || (la == lb && strncmp(a, b, la) == 0))
		return 1;
	if (!contain || lin < 4)
		return 0;
	for (size_t i = 0; i + lin <= lout; i++)
		if (strncmp(out + i, in, lin) == 0)
			return 1;
	return 0;
}

/* site_is - the site of host is site */
static int site_is(const char *host, const char *site)
{
	char *s = site_of(host);
	int same = strcmp(s, site) == 0;

	free(s);
	return same;
}

/* What check_anchor_domain_mismatch gathers over the HTML parts. */
typedef struct anchor_state {
	sc_url_set *scratch; /* hrefs parsed here */
	const char *from;    /* From's site, or NULL */
	int n;
	sc_buf *detail;
} anchor_state;

/* anchor_part - count the links of h whose text shows another site than
 * their href goes to */
static int anchor_part(const sc_html *h, void *arg)
{
	anchor_state *st = arg;

	for (size_t i = 0; i < sc_html_link_count(h); i++) {
		const sc_html_link *l = sc_html_link_at(h, i);
		const sc_url *u;
		char *shown, *goes, target[256];
		int odd;

		/* a_b.py is a file name, not a host anyone types */
		if (l->text_domain == NULL || l->href[0] == '\0' ||
		    strchr(l->text_domain, '_') != NULL)
			continue;
		u = sc_url_set_add(st->scratch, l->href, strlen(l->href), SC_URL_SRC_HREF);
		if (u == NULL || !scheme_web(u) || (goes = url_site(u)) == NULL)
			continue;
		shown = site_of(l->text_domain);
		odd = !related_sites(shown, goes, 0) && !reserved_site(shown) &&
		      /* the sender's own site, or its own platform's click tracker */
		      !(st->from != NULL &&
			(related_sites(shown, st->from, 0) || related_sites(goes, st->from, 1))) &&
		      /* nor a redirector carrying the shown site */
		      !(query_target(u, target, sizeof(target)) && site_is(target, shown)) &&
		      /* nor a file name the link downloads (setup.py) */
		      strcasestr(u->rest, l->text) == NULL;
		if (odd && st->n++ == 0)
			(void) sc_buf_printf(st->detail, "link text shows %s but goes to %s", shown,
					     goes);
		free(shown);
		free(goes);
	}
	return 0;
}

/* check_anchor_domain_mismatch - see above */
static int check_anchor_domain_mismatch(const sc_run_ctx *ctx, const char *const *args,
					size_t nargs, sc_buf *detail)
{
	anchor_state st = {NULL, NULL, 0, detail};

	(void) args;
	(void) nargs;
	st.scratch = sc_url_set_new(0);
	st.from = from_site(ctx->msg);
	each_html(ctx->msg, anchor_part, &st);
	if (st.n > 1)
		(void) sc_buf_printf(detail, " (%d links)", st.n);
	free((char *) st.from);
	sc_url_set_free(st.scratch);
	return st.n;
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

#define WHERE_LINKS ((1u << SC_URL_SRC_HREF) | (1u << SC_URL_SRC_FORM))

/* public_ip - the IP host of u is not private, loopback or link-local
 * (nobody phishes a reader with their own router) */
static int public_ip(const sc_url *u)
{
	const char *h = u->host_ascii;
	unsigned a = 0, b = 0;

	if (!scheme_web(u))
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

/* What check_form_offsite gathers over the HTML parts. */
typedef struct form_state {
	sc_url_set *scratch;
	const char *from;
	int n;
	sc_buf *detail;
} form_state;

/* form_part - count the forms of h posting (method post) to another site
 * than From's; get forms are the search boxes of newsletters */
static int form_part(const sc_html *h, void *arg)
{
	form_state *st = arg;

	for (size_t i = 0; i < sc_html_form_count(h); i++) {
		const sc_html_form *f = sc_html_form_at(h, i);
		const sc_url *u =
			sc_url_set_add(st->scratch, f->action, strlen(f->action), SC_URL_SRC_FORM);
		char *goes;

		if (strcmp(f->method, "post") != 0 || u == NULL || !scheme_web(u) ||
		    (goes = url_site(u)) == NULL)
			continue;
		if (!(st->from != NULL && related_sites(goes, st->from, 0)) && st->n++ == 0)
			(void) sc_buf_printf(st->detail, "a form posts to %s; From is at %s", goes,
					     st->from != NULL ? st->from : "no domain");
		free(goes);
	}
	return 0;
}

/* check_form_offsite - see above */
static int check_form_offsite(const sc_run_ctx *ctx, const char *const *args, size_t nargs,
			      sc_buf *detail)
{
	form_state st = {NULL, NULL, 0, detail};

	(void) args;
	(void) nargs;
	st.scratch = sc_url_set_new(0);
	st.from = from_site(ctx->msg);
	each_html(ctx->msg, form_part, &st);
	free((char *) st.from);
	sc_url_set_free(st.scratch);
	return st.n;
}

/* check_redirect_param - see above */
static int check_redirect_param(const sc_run_ctx *ctx, const char *const *args, size_t nargs,
				sc_buf *detail)
{
	const sc_url_set *urls = sc_msg_urls(ctx->msg);
	char *from = from_site(ctx->msg);
	int n = 0;

	(void) args;
	(void) nargs;
	for (size_t i = 0; urls != NULL && i < sc_url_set_count(urls); i++) {
		const sc_url *u = sc_url_set_at(urls, i);
		char host[256], *link, *target;

		if (!(u->sources & (1u << SC_URL_SRC_HREF)) || !scheme_web(u) ||
		    !query_target(u, host, sizeof(host)) || (link = url_site(u)) == NULL)
			continue;
		target = site_of(host);
		if (!related_sites(target, link, 0) &&
		    !(from != NULL && related_sites(target, from, 0)) && n++ == 0)
			(void) sc_buf_printf(detail,
					     "a link on %s carries a URL to %s, first %.80s", link,
					     target, u->raw);
		free(link);
		free(target);
	}
	free(from);
	return n;
}

/* clang-format off */
static const sc_eval_def links_defs[] = {
	{ "check_url_shortener",          check_url_shortener,          0, 0 },
	{ "check_anchor_domain_mismatch", check_anchor_domain_mismatch, 0, 0 },
	{ "check_url_ip_host",            check_url_ip_host,            0, 0 },
	{ "check_url_userinfo",           check_url_userinfo,           0, 0 },
	{ "check_url_data_js",            check_url_data_js,            0, 0 },
	{ "check_url_punycode",           check_url_punycode,           0, 0 },
	{ "check_form_offsite",           check_form_offsite,           0, 0 },
	{ "check_redirect_param",         check_redirect_param,         0, 0 },
};
/* clang-format on */

const sc_eval_table sc_links_eval_table = {links_defs, sizeof(links_defs) / sizeof(links_defs[0])};
