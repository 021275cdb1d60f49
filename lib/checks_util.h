/*
 * checks_util.h - helpers shared by the eval: checks in lib/checks_*.c
 * (internal to lib/; not installed). Each was written out in more than
 * one check file before; these are the one copy.
 *
 * Contract common to all: pure functions of their arguments (the message
 * model, the run context, the config), no state between calls, so they
 * are thread-safe as long as their arguments are not changed meanwhile.
 * Returned pointers into a message are borrowed and valid until
 * sc_msg_free(); returned char * are malloc'd (sc_strdup / libpsl) and
 * the caller free()s them; allocation failure aborts (mem.h).
 */
#ifndef SC_CHECKS_UTIL_H
#define SC_CHECKS_UTIL_H

#include <stddef.h>

#include "eval.h"
#include "lists.h"
#include "msg.h"
#include "url.h"

/* sc_chk_ascii_alnum - c is an ASCII letter or digit (the bytes of UTF-8
 * sequences are not) */
static inline int sc_chk_ascii_alnum(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

/* sc_chk_first_addr - the first address of field f in m that has a domain,
 * or NULL when there is none. Borrowed from m. */
const sc_msg_addr *sc_chk_first_addr(const sc_msg *m, sc_addr_field f);

/* sc_chk_site_of - the registrable domain (libpsl) of the ASCII host, or
 * the host itself lower-cased when it has none (an IP, an unknown
 * suffix). Never NULL; malloc'd, the caller frees it. */
char *sc_chk_site_of(const char *host);

/* sc_chk_from_site - sc_chk_site_of() the domain of the first From
 * address with a domain, or NULL when there is none; malloc'd. */
char *sc_chk_from_site(const sc_msg *m);

/* sc_chk_url_site - the site (sc_chk_site_of) of a parsed URL with a
 * host: its registrable domain when it has one; NULL when u is NULL or
 * has no host. malloc'd. */
char *sc_chk_url_site(const sc_url *u);

/* sc_chk_scheme_web - 1 when u is http or https, or written without a
 * scheme but with a host and not a mailto (www. forms, bare domains) */
int sc_chk_scheme_web(const sc_url *u);

/* sc_chk_same_brand - 1 when sites a and b are equal or share their
 * first label (brand.com, brand.co.uk: one owner's country domains), 0
 * otherwise. Not when one merely contains the other: brand-secure.com is
 * how look-alikes look. */
int sc_chk_same_brand(const char *a, const char *b);

/* sc_chk_query_target - the host of the first http(s):// URL carried in
 * u's query (plain, percent-encoded once or twice, or base64url after
 * Bing's "u=a1"), lower-case, into host (size bytes, NUL-terminated); 1
 * when found, 0 when there is none or it does not fit. */
int sc_chk_query_target(const sc_url *u, char *host, size_t size);

/* The brands one check call sees: the shipped brand map of the lists and
 * one made of the config's protected_domains (each domain a brand named
 * by its label). Per call, on the caller's stack. */
typedef struct sc_chk_brands {
	const sc_brand_map *maps[2]; /* borrowed lists map (or NULL), own */
	sc_brand_map *own;           /* owned: protected_domains, or NULL */
} sc_chk_brands;

/* sc_chk_brands_get - fill bs for ctx; release with sc_chk_brands_free() */
void sc_chk_brands_get(const sc_run_ctx *ctx, sc_chk_brands *bs);

/* sc_chk_brands_free - free what sc_chk_brands_get() made; bs itself is
 * the caller's */
void sc_chk_brands_free(sc_chk_brands *bs);

/* sc_chk_brands_owner - the brand of bs (the lists' map first) owning
 * domain or a parent of it, or NULL; the brand is bs's */
const sc_brand *sc_chk_brands_owner(const sc_chk_brands *bs, const char *domain);

/* sc_chk_country_domain - 1 when domain's registrable domain is one of
 * b's keys under a country's two-letter suffix ("ikea.us",
 * "amazon.co.za"): a brand's country domain the map does not list. 0 when
 * the brand lists a domain of that country already ("mercadolivre.br" for
 * a brand at mercadolivre.com.br), or otherwise. */
int sc_chk_country_domain(const sc_brand *b, const char *domain);

#endif
