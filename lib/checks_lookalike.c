/*
 * checks_lookalike.c - eval: checks on look-alike domains (issue 6,
 * brands): a From domain or link host that imitates a brand's domain of
 * the brand map of lists.h (etc/lists/brands.map) or one of the config
 * key protected_domains (the site's own domains, each a brand named by
 * its label). The checks on brand names are in checks_brand.c.
 *
 *   check_from_lookalike()        the From domain looks like a brand's or a
 *                                 protected domain without being one: equal
 *                                 look-alike keys (homoglyphs), one edit
 *                                 away (labels of 6 or more characters), or
 *                                 the brand's key inside another registrable
 *                                 domain ("paypal-secure.com", a hyphen
 *                                 token; "paypalsecure.com" for keys of 6+),
 *                                 or under a non-country suffix
 *                                 ("paypal.xyz"). With the argument
 *                                 'subdomain', also a brand's key as a label
 *                                 token left of another registrable domain
 *                                 ("paypal.com.account-check.example").
 *   check_url_lookalike()         the same for the hosts of links (href,
 *                                 form action, text URLs, an attached
 *                                 PDF's links); the value is
 *                                 the number of such distinct hosts.
 *   check_replyto_cousin()        the Reply-To's registrable domain is a
 *                                 cousin of the From's: their labels (4
 *                                 characters or more) one edit apart
 *                                 ("asda.co.uk" and "asdaa.uk", "acme.com"
 *                                 and "acrne.com"), no brand map needed.
 *                                 The fake buyer's and the CEO fraud's
 *                                 reply path: it reads as the same company.
 *                                 The same label under two suffixes is a
 *                                 company's own pair of domains, no hit.
 *
 * The brand's own domains and their subdomains never count; neither does
 * the brand's label under a country's suffix ("amazon.co.za", "ikea.us": a
 * brand's unlisted country domain). Under any other suffix ("paypal.xyz")
 * the label is a look-alike. Without a brand map and protected_domains
 * nothing hits. Thread-safe: no state outside each call (the protected
 * domains are made into a small brand map per call).
 */
#include "autoconfig.h"

#include <idn2.h>
#include <stdlib.h>
#include <string.h>

#include "checks_util.h"
#include "confusable.h"
#include "eval.h"
#include "lists.h"
#include "mem.h"
#include "url.h"

#define HOST_MAX 253

/* to_ascii - domain (any form) as lower-case A-labels into out; 0 if it
 * does not convert */
static int to_ascii(const char *domain, char *out, size_t size)
{
	char *a = NULL;
	size_t n;

	if (idn2_to_ascii_8z(domain, &a, IDN2_NFC_INPUT | IDN2_NONTRANSITIONAL) != IDN2_OK ||
	    (n = strlen(a)) >= size) {
		idn2_free(a);
		return 0;
	}
	for (size_t i = 0; i <= n; i++)
		out[i] = (char) (a[i] >= 'A' && a[i] <= 'Z' ? a[i] + 32 : a[i]);
	idn2_free(a);
	return 1;
}

/* within_one - a and b (ASCII) are at most one edit apart: one insertion,
 * deletion, substitution or swap of neighbours */
static int within_one(const char *a, const char *b)
{
	size_t na = strlen(a), nb = strlen(b), i = 0;

	if (na < nb) {
		const char *t = a;
		size_t tn = na;

		a = b, na = nb, b = t, nb = tn;
	}
	if (na - nb > 1)
		return 0;
	while (i < nb && a[i] == b[i])
		i++;
	if (i == nb)
		return 1;
	if (na == nb)
		return strcmp(a + i + 1, b + i + 1) == 0 ||
		       (i + 1 < na && a[i] == b[i + 1] && a[i + 1] == b[i] &&
			strcmp(a + i + 2, b + i + 2) == 0);
	return strcmp(a + i + 1, b + i) == 0;
}

/* has_token - text (a look-alike key) has key as a whole token (bounded
 * by its ends or by bytes that are not ASCII letters or digits), or, when
 * loose (a brand key of 6 or more letters), at the start or end of a
 * token ("paypalsecure", "securepaypal"; never "xpaypalx") */
static int has_token(const char *text, const char *key, int loose)
{
	size_t n = strlen(key);

	for (const char *p = strstr(text, key); p != NULL; p = strstr(p + 1, key)) {
		unsigned char before = p > text ? (unsigned char) p[-1] : '-';
		unsigned char after = (unsigned char) p[n];
#define ALNUM(c) (((c) >= 'a' && (c) <= 'z') || ((c) >= '0' && (c) <= '9'))
		if (loose ? !ALNUM(before) || !ALNUM(after) : !ALNUM(before) && !ALNUM(after))
			return 1;
#undef ALNUM
	}
	return 0;
}

/* label_key - the look-alike key of the A-label text s (n bytes), or NULL */
static char *label_key(const char *s, size_t n)
{
	char a[HOST_MAX + 1], *uni = NULL, *key = NULL;

	if (n > HOST_MAX)
		return NULL;
	memcpy(a, s, n);
	a[n] = '\0';
	if (idn2_to_unicode_8z8z(a, &uni, 0) == IDN2_OK)
		key = sc_confusable_key(uni, strlen(uni));
	idn2_free(uni);
	return key;
}

/* own_country_domain - reg (label its first label) is an unlisted
 * country domain of b under any of its keys: mercadolibre.com.ar is
 * Mercado Libre's, not a typo of its other key mercadolivre */
static int own_country_domain(const sc_brand *b, const char *label, const char *reg)
{
	for (size_t k = 0; k < b->nkeys; k++)
		if (strcmp(label, b->keys[k]) == 0 && sc_chk_country_domain(b, reg))
			return 1;
	return 0;
}

/* lookalike - how host (ASCII) imitates a brand of bs: "homoglyphs",
 * "one typo", "brand name inside", with subs also "brand name in a
 * subdomain", or NULL; *bp and *keyp say whose */
static const char *lookalike(const sc_chk_brands *bs, const char *host, int subs,
			     const sc_brand **bp, const char **keyp)
{
	char *reg, *skel, *subskel = NULL;
	const char *why = NULL;
	size_t n, hn = strlen(host), rn, sn;
	char label[HOST_MAX + 1];

	if (sc_chk_brands_owner(bs, host) != NULL ||
	    (reg = sc_url_registrable_domain(host)) == NULL)
		return NULL;
	rn = strlen(reg);
	sn = hn > rn ? hn - rn - 1 : 0; /* bytes of host before its registrable domain */
	n = strcspn(reg, ".");
	memcpy(label, reg, n);
	label[n] = '\0';
	skel = label_key(label, n);
	if (subs && sn > 0)
		subskel = label_key(host, sn);
	for (size_t m = 0; m < 2 && why == NULL; m++)
		for (size_t i = 0; i < sc_brand_map_count(bs->maps[m]) && why == NULL; i++) {
			const sc_brand *b = sc_brand_map_at(bs->maps[m], i);

			if (own_country_domain(b, label, reg))
				continue;
			for (size_t k = 0; k < b->nkeys && why == NULL; k++) {
				const char *key = b->keys[k], *ks = b->key_skels[k];
				size_t kn = strlen(key);

				if (strcmp(label, key) == 0)
					why = "brand name under another suffix";
				else if (skel != NULL && kn >= 3 && strcmp(skel, ks) == 0)
					why = "homoglyphs";
				else if (kn >= 6 && n >= 6 && within_one(label, key))
					why = "one typo";
				else if (kn >= 3 &&
					 has_token(skel != NULL ? skel : label, ks, kn >= 6))
					why = "brand name inside";
				else if (subskel != NULL && kn >= 4 && has_token(subskel, ks, 0))
					why = "brand name in a subdomain";
				if (why != NULL)
					*bp = b, *keyp = key;
			}
		}
	free(skel);
	free(subskel);
	free(reg);
	return why;
}

/* subdomain_arg - the optional argument "subdomain" was given */
static int subdomain_arg(const char *const *args, size_t nargs)
{
	return nargs > 0 && strcmp(args[0], "subdomain") == 0;
}

/* check_from_lookalike - see above */
static int check_from_lookalike(const sc_run_ctx *ctx, const char *const *args, size_t nargs,
				sc_buf *detail)
{
	const sc_msg_addr *from = sc_chk_first_addr(ctx->msg, SC_ADDR_FROM);
	char host[HOST_MAX + 1];
	const sc_brand *b = NULL;
	const char *key = NULL, *why;
	sc_chk_brands bs;

	if (from == NULL || !to_ascii(from->domain, host, sizeof(host)))
		return 0;
	sc_chk_brands_get(ctx, &bs);
	why = lookalike(&bs, host, subdomain_arg(args, nargs), &b, &key);
	if (why != NULL)
		(void) sc_buf_printf(detail, "From domain %s looks like %s (%s): %s", from->domain,
				     b->names[0], key, why);
	sc_chk_brands_free(&bs);
	return why != NULL;
}

/* check_url_lookalike - see above */
static int check_url_lookalike(const sc_run_ctx *ctx, const char *const *args, size_t nargs,
			       sc_buf *detail)
{
	const sc_url_set *urls = sc_msg_urls(ctx->msg);
	const unsigned where = (1u << SC_URL_SRC_HREF) | (1u << SC_URL_SRC_FORM) |
			       (1u << SC_URL_SRC_TEXT) | (1u << SC_URL_SRC_ATTACH);
	char **seen = NULL;
	size_t nseen = 0;
	sc_chk_brands bs;
	int n = 0, subs = subdomain_arg(args, nargs);

	if (urls == NULL)
		return 0;
	sc_chk_brands_get(ctx, &bs);
	for (size_t i = 0; i < sc_url_set_count(urls); i++) {
		const sc_url *u = sc_url_set_at(urls, i);
		const sc_brand *b = NULL;
		const char *key = NULL, *why;
		int dup = 0;

		if (!(u->sources & where) || (u->flags & (SC_URL_MAILTO | SC_URL_IP_HOST)) ||
		    u->host_ascii == NULL || u->host_ascii[0] == '\0' || u->domain == NULL)
			continue;
		for (size_t k = 0; k < nseen && !dup; k++)
			dup = strcmp(seen[k], u->host_ascii) == 0;
		if (dup)
			continue;
		/* every host once, look-alike or not: a newsletter links one
		 * host a hundred times */
		seen = sc_reallocarray(seen, nseen + 1, sizeof(*seen));
		seen[nseen++] = sc_strdup(u->host_ascii);
		if ((why = lookalike(&bs, u->host_ascii, subs, &b, &key)) == NULL)
			continue;
		if (n++ == 0)
			(void) sc_buf_printf(detail, "link host %.80s looks like %s (%s): %s",
					     u->host, b->names[0], key, why);
	}
	if (n > 1)
		(void) sc_buf_printf(detail, "; %d such hosts", n);
	for (size_t k = 0; k < nseen; k++)
		free(seen[k]);
	free(seen);
	sc_chk_brands_free(&bs);
	return n;
}

/* check_replyto_cousin - see above */
static int check_replyto_cousin(const sc_run_ctx *ctx, const char *const *args, size_t nargs,
				sc_buf *detail)
{
	const sc_msg_addr *from = sc_chk_first_addr(ctx->msg, SC_ADDR_FROM);
	const sc_msg_addr *rt = sc_chk_first_addr(ctx->msg, SC_ADDR_REPLY_TO);
	char *fs, *rs, fl[64], rl[64];
	size_t fn, rn;
	int hit = 0;

	(void) args;
	(void) nargs;
	if (from == NULL || rt == NULL)
		return 0;
	fs = sc_chk_site_of(from->domain);
	rs = sc_chk_site_of(rt->domain);
	fn = strcspn(fs, ".");
	rn = strcspn(rs, ".");
	if (strcmp(fs, rs) != 0 && fn >= 4 && rn >= 4 && fn < sizeof(fl) && rn < sizeof(rl)) {
		memcpy(fl, fs, fn);
		fl[fn] = '\0';
		memcpy(rl, rs, rn);
		rl[rn] = '\0';
		hit = strcmp(fl, rl) != 0 && within_one(fl, rl);
	}
	if (hit)
		(void) sc_buf_printf(detail, "Reply-To %s is one letter off From %s", rs, fs);
	free(fs);
	free(rs);
	return hit;
}

/* clang-format off */
static const sc_eval_def lookalike_defs[] = {
	{ "check_from_lookalike",         check_from_lookalike,         0, 1 },
	{ "check_url_lookalike",          check_url_lookalike,          0, 1 },
	{ "check_replyto_cousin",         check_replyto_cousin,         0, 0 },
};
/* clang-format on */

const sc_eval_table sc_lookalike_eval_table = {lookalike_defs,
					       sizeof(lookalike_defs) / sizeof(lookalike_defs[0])};
