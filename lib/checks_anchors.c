/*
 * checks_anchors.c - eval: checks on the anchors and forms of a message's
 * HTML parts (issue 6, links), on the links, anchor texts and forms html.h
 * gives. The checks on how link URLs are written are in checks_links.c.
 * "Site" below is a host's registrable domain (libpsl), or the host itself
 * when it has none (an IP, an unknown suffix).
 *
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
 *   check_form_offsite()   an HTML form with method post whose action is an
 *                          absolute http(s) URL on another site than the
 *                          From address's (get forms are newsletters'
 *                          search boxes). Value: the number of forms.
 *
 * Thread-safe: no state outside each call.
 */
#include "autoconfig.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "checks_util.h"
#include "eval.h"
#include "html.h"
#include "url.h"

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

/* contains_brand - sites a and b are one brand's (sc_chk_same_brand), or
 * the first label of one (4 letters or more) is inside the other's
 * (brand-email.com). Only for a site the From itself names: a look-alike
 * (brand-secure.com) contains the brand it imitates. */
static int contains_brand(const char *a, const char *b)
{
	size_t la = strcspn(a, "."), lb = strcspn(b, ".");
	const char *in = la <= lb ? a : b, *out = la <= lb ? b : a;
	size_t lin = la <= lb ? la : lb, lout = la <= lb ? lb : la;

	if (sc_chk_same_brand(a, b))
		return 1;
	if (lin < 4)
		return 0;
	for (size_t i = 0; i + lin <= lout; i++)
		if (strncmp(out + i, in, lin) == 0)
			return 1;
	return 0;
}

/* site_is - the site of host is site */
static int site_is(const char *host, const char *site)
{
	char *s = sc_chk_site_of(host);
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
		if (u == NULL || !sc_chk_scheme_web(u) || (goes = sc_chk_url_site(u)) == NULL)
			continue;
		shown = sc_chk_site_of(l->text_domain);
		odd = !sc_chk_same_brand(shown, goes) && !reserved_site(shown) &&
		      /* the sender's own site, or its own platform's click tracker */
		      !(st->from != NULL &&
			(sc_chk_same_brand(shown, st->from) || contains_brand(goes, st->from))) &&
		      /* nor a redirector carrying the shown site */
		      !(sc_chk_query_target(u, target, sizeof(target)) && site_is(target, shown)) &&
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
	st.from = sc_chk_from_site(ctx->msg);
	each_html(ctx->msg, anchor_part, &st);
	if (st.n > 1)
		(void) sc_buf_printf(detail, " (%d links)", st.n);
	free((char *) st.from);
	sc_url_set_free(st.scratch);
	return st.n;
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

		if (strcmp(f->method, "post") != 0 || u == NULL || !sc_chk_scheme_web(u) ||
		    (goes = sc_chk_url_site(u)) == NULL)
			continue;
		if (!(st->from != NULL && sc_chk_same_brand(goes, st->from)) && st->n++ == 0)
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
	st.from = sc_chk_from_site(ctx->msg);
	each_html(ctx->msg, form_part, &st);
	free((char *) st.from);
	sc_url_set_free(st.scratch);
	return st.n;
}

/* clang-format off */
static const sc_eval_def anchors_defs[] = {
	{ "check_anchor_domain_mismatch", check_anchor_domain_mismatch, 0, 0 },
	{ "check_form_offsite",           check_form_offsite,           0, 0 },
};
/* clang-format on */

const sc_eval_table sc_anchors_eval_table = {anchors_defs,
					     sizeof(anchors_defs) / sizeof(anchors_defs[0])};
