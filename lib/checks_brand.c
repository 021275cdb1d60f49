/*
 * checks_brand.c - eval: checks on brand impersonation and look-alike
 * domains (issue 6, brands), on the brand map of lists.h (etc/lists/
 * brands.map) and the config keys protected_domains (the site's own
 * domains, each a brand named by its label) and executives.
 *
 *   check_from_brand_mismatch()   the From display name names a protected
 *                                 brand (a whole word, any case, compared
 *                                 under the look-alike key of confusable.h,
 *                                 so "Pаypal" with a Cyrillic "а" counts)
 *                                 while the From domain is none of that
 *                                 brand's domains (a brand's free webmail
 *                                 domain, outlook.com, is anybody's; an
 *                                 address without a domain is nobody's). A mailing list's rewrite
 *                                 ("X via List" with a List-Id or List-Post
 *                                 field) is not a hit, nor is a
 *                                 From at an e-mail service provider's
 *                                 shared domain (the "esp" list). With the
 *                                 argument 'local', a brand named as a
 *                                 whole word of the From local part
 *                                 ("paypal-service@") counts too.
 *   check_subject_brand_mismatch()  the same with the Subject instead of
 *                                 the display name (weak: subjects name
 *                                 brands innocently; an input for metas).
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
 *                                 form action, text URLs); the value is
 *                                 the number of such distinct hosts.
 *   check_display_name_executive()  the From display name is one of the
 *                                 configured executives while the From
 *                                 domain is not a protected domain (without
 *                                 protected_domains: while it is a free
 *                                 webmail address).
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
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unicode/uchar.h>
#include <unicode/utf8.h>

#include "config.h"
#include "confusable.h"
#include "eval.h"
#include "lists.h"
#include "mem.h"
#include "url.h"

#define HOST_MAX 253

/* The brands one call sees: the shipped map and the site's own domains. */
typedef struct brands {
	const sc_brand_map *maps[2];
	sc_brand_map *own; /* owned: protected_domains, or NULL */
} brands;

/* brands_get - the map of ctx's lists and one made of protected_domains */
static void brands_get(const sc_run_ctx *ctx, brands *bs)
{
	const char *pd = ctx->config != NULL ? ctx->config->protected_domains : NULL;

	bs->maps[0] = sc_lists_brands(ctx->lists);
	bs->own = NULL;
	if (pd != NULL && *pd != '\0') {
		sc_buf text;
		sc_diags d;

		sc_diags_init(&d);
		sc_buf_init(&text, SC_BUF_UNLIMITED);
		for (const char *p = pd; *p != '\0';) {
			size_t n = strcspn(p, ", \t");
			const char *dot = memchr(p, '.', n);

			if (n > 0 && dot != NULL && dot > p) {
				/* names: the label, and with its hyphens as blanks */
				(void) sc_buf_printf(&text, "%.*s", (int) (dot - p), p);
				if (memchr(p, '-', (size_t) (dot - p)) != NULL) {
					(void) sc_buf_append(&text, ", ", 2);
					for (const char *c = p; c < dot; c++)
						(void) sc_buf_append(&text, *c == '-' ? " " : c, 1);
				}
				(void) sc_buf_printf(&text, ": %.*s\n", (int) n, p);
			}
			p += n;
			p += strspn(p, ", \t");
		}
		bs->own = sc_brand_map_new();
		sc_brand_map_load_text(bs->own, "protected_domains", text.data, text.len, &d);
		sc_diags_free(&d);
		sc_buf_free(&text);
	}
	bs->maps[1] = bs->own;
}

/* brands_owner - a brand of bs owning domain, or NULL */
static const sc_brand *brands_owner(const brands *bs, const char *domain)
{
	for (size_t m = 0; m < 2; m++) {
		const sc_brand *b = sc_brand_map_owner(bs->maps[m], domain);

		if (b != NULL)
			return b;
	}
	return NULL;
}

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

/* word_char - the code point at s (before end) is a letter or digit */
static int word_char(const char *s, int32_t i, int32_t end)
{
	UChar32 c;

	U8_NEXT((const uint8_t *) s, i, end, c);
	return c >= 0 && u_isalnum(c);
}

/* has_word - key has the whole word w somewhere: w's ends are at the ends
 * of key or next to a character that is neither a letter nor a digit
 * (blanks, punctuation, emoji) */
static int has_word(const char *key, const char *w)
{
	size_t n = strlen(w);
	int32_t len = (int32_t) strlen(key);

	if (n == 0)
		return 0;
	for (const char *p = strstr(key, w); p != NULL; p = strstr(p + 1, w)) {
		int32_t at = (int32_t) (p - key), prev = at;
		UChar32 c = 0;

		if (at > 0)
			U8_PREV((const uint8_t *) key, 0, prev, c);
		if ((at == 0 || c < 0 || !u_isalnum(c)) &&
		    (at + (int32_t) n >= len || !word_char(key, at + (int32_t) n, len)))
			return 1;
	}
	return 0;
}

/* named_brand - the first brand of bs whose name is a whole word of text,
 * with *name set to that name; NULL when none */
static const sc_brand *named_brand(const brands *bs, const char *text, const char **name)
{
	char *key = sc_confusable_key(text, strlen(text));
	const sc_brand *hit = NULL;

	if (key == NULL)
		return NULL;
	for (size_t m = 0; m < 2 && hit == NULL; m++)
		for (size_t i = 0; i < sc_brand_map_count(bs->maps[m]) && hit == NULL; i++) {
			const sc_brand *b = sc_brand_map_at(bs->maps[m], i);

			for (size_t k = 0; k < b->nnames; k++)
				if (has_word(key, b->name_keys[k])) {
					hit = b;
					*name = b->names[k];
					break;
				}
		}
	free(key);
	return hit;
}

/* list_rewrite - the From stands in for a poster: a mailing list's DMARC
 * rewrite, "Poster via List" with a List-Id or List-Post field (a bare
 * " via " is not enough: anyone can write "PayPal via Support") */
static int list_rewrite(const sc_msg *m, const sc_msg_addr *from)
{
	return strstr(from->name, " via ") != NULL && (sc_msg_header_find(m, "List-Id", 0) >= 0 ||
						       sc_msg_header_find(m, "List-Post", 0) >= 0);
}

static int country_domain(const sc_brand *b, const char *domain);

/* not_brands - a From at domain cannot be brand b: not b's domain (a free
 * webmail domain of b's, such as outlook.com, is anybody's), not its
 * unlisted country domain, not an ESP's shared domain, not a list's
 * rewrite. An empty domain (no address, or a broken one) is nobody's. */
static int not_brands(const sc_run_ctx *ctx, const sc_brand *b, const sc_msg_addr *from)
{
	const char *d = from->domain;

	if (d[0] == '\0')
		return 1;
	if ((sc_brand_owns(b, d) && !sc_domain_list_has(sc_lists_get(ctx->lists, "freemail"), d)) ||
	    country_domain(b, d))
		return 0;
	return !sc_domain_list_has(sc_lists_get(ctx->lists, "esp"), d) &&
	       !list_rewrite(ctx->msg, from);
}

/* first_from - the first From address, with a domain or not, or NULL */
static const sc_msg_addr *first_from(const sc_msg *m)
{
	for (size_t i = 0; i < sc_msg_addr_count(m); i++)
		if (sc_msg_addr_at(m, i)->field == SC_ADDR_FROM)
			return sc_msg_addr_at(m, i);
	return NULL;
}

/* from_bare - when no From address parses ("PayPal" <>): the From
 * field's text before any "<", unquoted, as a name with an empty address,
 * in *a (its name in text, size bytes); 0 when there is no From field */
static int from_bare(const sc_msg *m, sc_msg_addr *a, char *text, size_t size)
{
	long i = sc_msg_header_find(m, "From", 0);
	const char *v, *lt;
	size_t n;

	if (i < 0)
		return 0;
	v = sc_msg_header_decoded(m, (size_t) i);
	v += strspn(v, " \t\"");
	lt = strchr(v, '<');
	n = lt != NULL ? (size_t) (lt - v) : strlen(v);
	while (n > 0 && strchr(" \t\r\n\"", v[n - 1]) != NULL)
		n--;
	if (n >= size)
		n = size - 1;
	memcpy(text, v, n);
	text[n] = '\0';
	memset(a, 0, sizeof(*a));
	a->field = SC_ADDR_FROM;
	a->name = text;
	a->addr = a->local = a->domain = "";
	return 1;
}

/* check_from_brand_mismatch - see above */
static int check_from_brand_mismatch(const sc_run_ctx *ctx, const char *const *args, size_t nargs,
				     sc_buf *detail)
{
	const sc_msg_addr *from = first_from(ctx->msg);
	const sc_brand *b;
	const char *name = NULL;
	brands bs;
	int hit = 0, local = nargs > 0 && strcmp(args[0], "local") == 0;
	sc_msg_addr bare;
	char text[256];

	if (from == NULL && from_bare(ctx->msg, &bare, text, sizeof(text)))
		from = &bare;
	if (from == NULL || (from->name[0] == '\0' && !local))
		return 0;
	brands_get(ctx, &bs);
	/* a name that shows the sender's own address ("bob@gmail.com") names
	 * the provider, not a brand posing */
	b = from->name[0] != '\0' &&
			    (from->addr[0] == '\0' || strcasestr(from->name, from->addr) == NULL)
		    ? named_brand(&bs, from->name, &name)
		    : NULL;
	if (b == NULL && local)
		b = named_brand(&bs, from->local, &name);
	if (b != NULL && not_brands(ctx, b, from)) {
		(void) sc_buf_printf(detail, "From \"%.60s\" <%.80s> names %s; %s", from->name,
				     from->addr, name,
				     from->domain[0] != '\0' ? "the domain is not the brand's"
							     : "the address has no domain");
		hit = 1;
	}
	sc_brand_map_free(bs.own);
	return hit;
}

/* check_subject_brand_mismatch - see above */
static int check_subject_brand_mismatch(const sc_run_ctx *ctx, const char *const *args,
					size_t nargs, sc_buf *detail)
{
	const sc_msg_addr *from = first_from(ctx->msg);
	long i = sc_msg_header_find(ctx->msg, "Subject", 0);
	const sc_brand *b;
	const char *name = NULL;
	brands bs;
	int hit = 0;

	(void) args;
	(void) nargs;
	if (from == NULL || i < 0)
		return 0;
	brands_get(ctx, &bs);
	b = named_brand(&bs, sc_msg_header_decoded(ctx->msg, (size_t) i), &name);
	if (b != NULL && not_brands(ctx, b, from)) {
		(void) sc_buf_printf(detail, "Subject names %s; From %.80s is not the brand's",
				     name, from->addr);
		hit = 1;
	}
	sc_brand_map_free(bs.own);
	return hit;
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

/* country_tld - the last label of domain is two letters (a country's) */
static int country_tld(const char *domain)
{
	const char *dot = strrchr(domain, '.');
	const char *tld = dot != NULL ? dot + 1 : domain;

	return strlen(tld) == 2 && tld[0] >= 'a' && tld[0] <= 'z' && tld[1] >= 'a' && tld[1] <= 'z';
}

/* country_domain - domain's registrable domain is one of b's keys under a
 * country's suffix ("ikea.us", "amazon.co.za"): a brand's country domain
 * the map does not list. Not when the brand lists a domain of that country
 * already ("mercadolivre.br" for a brand at mercadolivre.com.br) */
static int country_domain(const sc_brand *b, const char *domain)
{
	char *reg = sc_url_registrable_domain(domain);
	size_t n = reg != NULL ? strcspn(reg, ".") : 0;
	const char *tld = reg != NULL ? strrchr(reg, '.') : NULL;
	int hit = 0;

	for (size_t k = 0; tld != NULL && k < b->nkeys && !hit; k++)
		hit = strlen(b->keys[k]) == n && memcmp(b->keys[k], reg, n) == 0 &&
		      country_tld(reg);
	for (size_t i = 0; hit && i < b->ndomains; i++) {
		size_t dn = strlen(b->domains[i]);

		hit = !(dn > 3 && strcmp(b->domains[i] + dn - 3, tld) == 0);
	}
	free(reg);
	return hit;
}

/* lookalike - how host (ASCII) imitates a brand of bs: "homoglyphs",
 * "one typo", "brand name inside", with subs also "brand name in a
 * subdomain", or NULL; *bp and *keyp say whose */
static const char *lookalike(const brands *bs, const char *host, int subs, const sc_brand **bp,
			     const char **keyp)
{
	char *reg, *skel, *subskel = NULL;
	const char *why = NULL;
	size_t n, hn = strlen(host), rn, sn;
	char label[HOST_MAX + 1];

	if (brands_owner(bs, host) != NULL || (reg = sc_url_registrable_domain(host)) == NULL)
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

			for (size_t k = 0; k < b->nkeys && why == NULL; k++) {
				const char *key = b->keys[k], *ks = b->key_skels[k];
				size_t kn = strlen(key);

				if (strcmp(label, key) == 0 && country_domain(b, reg))
					break; /* an unlisted country domain of the brand */
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
	const sc_msg_addr *from = first_addr(ctx->msg, SC_ADDR_FROM);
	char host[HOST_MAX + 1];
	const sc_brand *b = NULL;
	const char *key = NULL, *why;
	brands bs;

	if (from == NULL || !to_ascii(from->domain, host, sizeof(host)))
		return 0;
	brands_get(ctx, &bs);
	why = lookalike(&bs, host, subdomain_arg(args, nargs), &b, &key);
	if (why != NULL)
		(void) sc_buf_printf(detail, "From domain %s looks like %s (%s): %s", from->domain,
				     b->names[0], key, why);
	sc_brand_map_free(bs.own);
	return why != NULL;
}

/* check_url_lookalike - see above */
static int check_url_lookalike(const sc_run_ctx *ctx, const char *const *args, size_t nargs,
			       sc_buf *detail)
{
	const sc_url_set *urls = sc_msg_urls(ctx->msg);
	const unsigned where =
		(1u << SC_URL_SRC_HREF) | (1u << SC_URL_SRC_FORM) | (1u << SC_URL_SRC_TEXT);
	char **seen = NULL;
	size_t nseen = 0;
	brands bs;
	int n = 0, subs = subdomain_arg(args, nargs);

	if (urls == NULL)
		return 0;
	brands_get(ctx, &bs);
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
		if (dup || (why = lookalike(&bs, u->host_ascii, subs, &b, &key)) == NULL)
			continue;
		seen = sc_reallocarray(seen, nseen + 1, sizeof(*seen));
		seen[nseen++] = sc_strdup(u->host_ascii);
		if (n++ == 0)
			(void) sc_buf_printf(detail, "link host %.80s looks like %s (%s): %s",
					     u->host, b->names[0], key, why);
	}
	if (n > 1)
		(void) sc_buf_printf(detail, "; %d such hosts", n);
	for (size_t k = 0; k < nseen; k++)
		free(seen[k]);
	free(seen);
	sc_brand_map_free(bs.own);
	return n;
}

/* is_protected - domain is one of protected_domains or under one */
static int is_protected(const brands *bs, const char *domain)
{
	return sc_brand_map_owner(bs->own, domain) != NULL;
}

/* check_display_name_executive - see above */
static int check_display_name_executive(const sc_run_ctx *ctx, const char *const *args,
					size_t nargs, sc_buf *detail)
{
	const sc_msg_addr *from = first_addr(ctx->msg, SC_ADDR_FROM);
	const char *ex = ctx->config != NULL ? ctx->config->executives : NULL;
	char *key;
	brands bs;
	int hit = 0;

	(void) args;
	(void) nargs;
	if (from == NULL || from->name[0] == '\0' || ex == NULL || *ex == '\0' ||
	    (key = sc_confusable_key(from->name, strlen(from->name))) == NULL)
		return 0;
	brands_get(ctx, &bs);
	if (bs.own != NULL
		    ? !is_protected(&bs, from->domain)
		    : sc_domain_list_has(sc_lists_get(ctx->lists, "freemail"), from->domain)) {
		for (const char *p = ex; *p != '\0' && !hit;) {
			size_t n = strcspn(p, ",");
			const char *s = p;
			size_t len = n;
			char *ek;

			while (len > 0 && (*s == ' ' || *s == '\t'))
				s++, len--;
			while (len > 0 && (s[len - 1] == ' ' || s[len - 1] == '\t'))
				len--;
			if (len > 0 && (ek = sc_confusable_key(s, len)) != NULL) {
				if (has_word(key, ek)) {
					(void) sc_buf_printf(detail,
							     "From name \"%.60s\" is executive "
							     "%.*s; From domain %s is not ours",
							     from->name, (int) len, s,
							     from->domain);
					hit = 1;
				}
				free(ek);
			}
			p += n;
			if (*p == ',')
				p++;
		}
	}
	free(key);
	sc_brand_map_free(bs.own);
	return hit;
}

/* clang-format off */
static const sc_eval_def brand_defs[] = {
	{ "check_from_brand_mismatch",    check_from_brand_mismatch,    0, 1 },
	{ "check_subject_brand_mismatch", check_subject_brand_mismatch, 0, 0 },
	{ "check_from_lookalike",         check_from_lookalike,         0, 1 },
	{ "check_url_lookalike",          check_url_lookalike,          0, 1 },
	{ "check_display_name_executive", check_display_name_executive, 0, 0 },
};
/* clang-format on */

const sc_eval_table sc_brand_eval_table = {brand_defs, sizeof(brand_defs) / sizeof(brand_defs[0])};
