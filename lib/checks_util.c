/*
 * checks_util.c - helpers shared by the eval: checks (see checks_util.h):
 * the first address of a field, a host's site (registrable domain), a
 * URL's site and scheme, two sites of one brand, a URL carried in a
 * link's query, and the brands one check call sees (the brand map and
 * protected_domains). Thread-safe: no state outside each call.
 */
#include "autoconfig.h"

#include <glib.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "ascii.h"
#include "checks_util.h"
#include "config.h"
#include "mem.h"

/* sc_chk_first_addr - the first address of field f with a domain, or NULL */
const sc_msg_addr *sc_chk_first_addr(const sc_msg *m, sc_addr_field f)
{
	for (size_t i = 0; i < sc_msg_addr_count(m); i++) {
		const sc_msg_addr *a = sc_msg_addr_at(m, i);

		if (a->field == f && a->domain[0] != '\0')
			return a;
	}
	return NULL;
}

/* sc_chk_site_of - the registrable domain of an ASCII host, or the host
 * itself (lower-case) when it has none; malloc'd */
char *sc_chk_site_of(const char *host)
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

/* sc_chk_from_site - the site of the first From address, or NULL */
char *sc_chk_from_site(const sc_msg *m)
{
	const sc_msg_addr *a = sc_chk_first_addr(m, SC_ADDR_FROM);

	return a != NULL ? sc_chk_site_of(a->domain) : NULL;
}

/* sc_chk_url_site - the site of a parsed URL with a host, else NULL */
char *sc_chk_url_site(const sc_url *u)
{
	if (u == NULL || u->host_ascii == NULL || u->host_ascii[0] == '\0')
		return NULL;
	return u->domain != NULL ? sc_strdup(u->domain) : sc_chk_site_of(u->host_ascii);
}

/* sc_chk_scheme_web - the URL is http(s), or scheme-less with a host */
int sc_chk_scheme_web(const sc_url *u)
{
	return strcmp(u->scheme, "http") == 0 || strcmp(u->scheme, "https") == 0 ||
	       (u->scheme[0] == '\0' && u->host_ascii != NULL && u->host_ascii[0] != '\0' &&
		!(u->flags & SC_URL_MAILTO));
}

/* sc_chk_same_brand - sites a and b are equal or share their first label */
int sc_chk_same_brand(const char *a, const char *b)
{
	size_t la = strcspn(a, "."), lb = strcspn(b, ".");

	return strcmp(a, b) == 0 || (la == lb && strncmp(a, b, la) == 0);
}

/* percent_decode - s (len bytes) with %XX decoded once, into out */
static void percent_decode(const char *s, size_t len, sc_buf *out)
{
	sc_buf_reset(out);
	for (size_t i = 0; i < len; i++) {
		int hi, lo;

		if (s[i] == '%' && i + 2 < len && (hi = sc_hex_value(s[i + 1])) >= 0 &&
		    (lo = sc_hex_value(s[i + 2])) >= 0) {
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

/*
 * bing_target - the host of Bing's click redirect (bing.com/ck/a?...&u=a1
 * followed by the target URL in base64url), into host (size bytes); 0 when
 * q (u's query, from its '?') holds no such parameter. Campaigns use it
 * because the target never appears in the link as text.
 */
static int bing_target(const char *q, char *host, size_t size)
{
	const char *v = NULL;
	char b64[1024 + 4];
	guchar out[(sizeof(b64) / 4) * 3 + 4];
	gint state = 0;
	guint save = 0;
	size_t n = 0, len;

	for (const char *p = q; (p = strstr(p, "u=a1")) != NULL; p++)
		if (p[-1] == '?' || p[-1] == '&') {
			v = p + 4;
			break;
		}
	if (v == NULL)
		return 0;
	/* base64url to base64, padded */
	for (; v[n] != '\0' && v[n] != '&' && v[n] != '#' && n < sizeof(b64) - 4; n++)
		b64[n] = v[n] == '-' ? '+' : v[n] == '_' ? '/' : v[n];
	while (n % 4 != 0)
		b64[n++] = '=';
	b64[n] = '\0';
	out[0] = ' '; /* embedded_host looks past the first character */
	len = g_base64_decode_step(b64, n, out + 1, &state, &save);
	out[len + 1] = '\0';
	return embedded_host((const char *) out, host, size);
}

/* sc_chk_query_target - the host of an http(s) URL carried in u's query */
int sc_chk_query_target(const sc_url *u, char *host, size_t size)
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
	found = embedded_host(sc_buf_cstr(&twice), host, size) ||
		bing_target(sc_buf_cstr(&once), host, size);
	sc_buf_free(&once);
	sc_buf_free(&twice);
	return found;
}

/* sc_chk_brands_get - the map of ctx's lists and one made of
 * protected_domains */
void sc_chk_brands_get(const sc_run_ctx *ctx, sc_chk_brands *bs)
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

/* sc_chk_brands_free - free the protected_domains map of bs */
void sc_chk_brands_free(sc_chk_brands *bs)
{
	sc_brand_map_free(bs->own);
	bs->own = NULL;
	bs->maps[1] = NULL;
}

/* sc_chk_brands_owner - see checks_util.h */
const sc_brand *sc_chk_brands_owner(const sc_chk_brands *bs, const char *domain)
{
	for (size_t m = 0; domain != NULL && m < 2; m++) {
		const sc_brand *b = sc_brand_map_owner(bs->maps[m], domain);

		if (b != NULL)
			return b;
	}
	return NULL;
}

/* country_tld - the last label of domain is two letters (a country's) */
static int country_tld(const char *domain)
{
	const char *dot = strrchr(domain, '.');
	const char *tld = dot != NULL ? dot + 1 : domain;

	return strlen(tld) == 2 && tld[0] >= 'a' && tld[0] <= 'z' && tld[1] >= 'a' && tld[1] <= 'z';
}

/* sc_chk_country_domain - domain is b's unlisted country domain */
int sc_chk_country_domain(const sc_brand *b, const char *domain)
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
