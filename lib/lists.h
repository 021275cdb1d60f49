/*
 * lists.h - domain lists: free webmail providers, URL shorteners and the
 * like, one file each in a lists directory (lists_dir; the shipped ones are
 * the *.txt files of etc/lists), which checks ask "is this domain listed?".
 *
 * File format: one entry a line; blank lines and "#" comments (to the end
 * of the line) are ignored; an entry is one domain, lower-cased on load,
 * a U-label domain converted to its A-label (libidn2) so that "bücher.de"
 * and "xn--bcher-kva.de" are the same entry:
 *   example.com    that domain only
 *   .example.com   that domain and every subdomain of it
 *   aol.*          a pattern: "*" matches any run of characters within one
 *                  label (never a "."), "?" any one character, as in
 *                  SpamAssassin's freemail_domains
 * A line that is not a domain (spaces inside, a label over 63 bytes, an
 * IDN that does not convert) is an error naming file:line, and is left
 * out; the rest of the file is used.
 *
 * A directory loads every "*.txt" file in it as a list named after the
 * file ("freemail.txt" is the list "freemail"); a missing directory is an
 * error, an empty one is not.
 *
 * Brand maps: every "*.map" file of the directory (the shipped one is
 * etc/lists/brands.map) adds to one map of protected brands, for the
 * impersonation and look-alike checks (checks_brand.c). One brand a line:
 *   PayPal, Pay Pal: paypal.com paypal.me ~paypal-community.com
 * names before the ":" (comma-separated, as people write the brand in a
 * display name; a name written "=ING" counts only as written, case and
 * all: a short name that is also a common abbreviation, "Dipl.-Ing."),
 * then the brand's own domains (blank-separated; each one
 * and every subdomain of it belongs to the brand). A domain's first label
 * below its public suffix ("paypal" of paypal.co.uk) is a look-alike key
 * of the brand, unless the domain is written with a leading "~" (a domain
 * the brand mails from whose name is a common word or too generic to
 * protect, e.g. "~live.com"). A domain written ".apple" is the brand's own
 * top-level domain: every domain under it is the brand's. A domain with one
 * "*" in its first label ("sparkasse-*.de": ASCII, three or more other
 * characters in that label, not "xn--") is a family: every domain whose
 * first label fills the "*" with one character or more, under exactly that
 * suffix, and its subdomains are the brand's (no look-alike key). That
 * includes one a phisher registers ("sparkasse-sicherheit.de"): the name
 * and look-alike checks pass it, and only the other rules (and DMARC)
 * remain; keep families to names many real members share. "#" starts a
 * comment. A line without ":",
 * without a name or a domain, or with a bad domain is an error naming
 * file:line and is left out (a bad domain alone is left out of its line).
 *
 * Lists are immutable once loaded: any number of threads may query them.
 * They are loaded with the rules and swapped with them on reload.
 */
#ifndef SC_LISTS_H
#define SC_LISTS_H

#include <stddef.h>

#include "diag.h"

typedef struct sc_domain_list sc_domain_list;
typedef struct sc_lists sc_lists;

/* sc_domain_list_load_text - a list from len bytes of text reported as
 * file name (errors into d). Never NULL. The caller frees it. */
sc_domain_list *sc_domain_list_load_text(const char *name, const char *text, size_t len,
					 sc_diags *d);

/* sc_domain_list_has - domain (any case, trailing "." ignored, a U-label
 * domain converted as entries are) is listed: an exact entry, a ".parent"
 * entry of it or of a parent, or a pattern matching it whole. */
int sc_domain_list_has(const sc_domain_list *l, const char *domain);

/* sc_domain_list_count - entries loaded. */
size_t sc_domain_list_count(const sc_domain_list *l);

void sc_domain_list_free(sc_domain_list *l);

/* sc_lists_load_dir - every dir/ *.txt, in name order (and every *.map
 * into one brand map); NULL, with an error
 * in d, only when dir cannot be read (a file that cannot be read is an
 * error in d and is left out). The caller owns the result. */
sc_lists *sc_lists_load_dir(const char *dir, sc_diags *d);

/* sc_lists_get - the list named name ("freemail"), or NULL when the
 * directory had none; borrowed from ls. */
const sc_domain_list *sc_lists_get(const sc_lists *ls, const char *name);

/* sc_lists_count - how many lists; sc_lists_name_at / sc_lists_at the
 * i-th in name order (borrowed), for lint's summary. */
size_t sc_lists_count(const sc_lists *ls);
const char *sc_lists_name_at(const sc_lists *ls, size_t i);
const sc_domain_list *sc_lists_at(const sc_lists *ls, size_t i);

/* One protected brand of a map; everything borrowed from the map. */
typedef struct sc_brand {
	const char *const *names;     /* as written, e.g. "PayPal" */
	const char *const *name_keys; /* their sc_confusable_key()s */
	const unsigned char *name_exact; /* nnames flags, parallel to names:
					  * 1 when the name counts only as
					  * written, case and all ("=ING") */
	size_t nnames;
	const char *const *domains; /* A-label, lower-case, no "~" (a brand
				     * top-level domain without its dot; a
				     * family keeps its "*": "sparkasse-*.de",
				     * which is no domain to compare with) */
	size_t ndomains;
	const char *const *keys;      /* look-alike keys, ASCII labels ("paypal") */
	const char *const *key_skels; /* their sc_confusable_key()s */
	size_t nkeys;
} sc_brand;

typedef struct sc_brand_map sc_brand_map;

/* sc_brand_map_new - an empty map; sc_brand_map_load_text adds the brands
 * of len bytes of text reported as file name (errors into d). */
sc_brand_map *sc_brand_map_new(void);
void sc_brand_map_load_text(sc_brand_map *bm, const char *name, const char *text, size_t len,
			    sc_diags *d);
/* sc_brand_map_count, sc_brand_map_at - the i-th brand, in file order. */
size_t sc_brand_map_count(const sc_brand_map *bm);
const sc_brand *sc_brand_map_at(const sc_brand_map *bm, size_t i);
/* sc_brand_map_owner - the first brand of which domain (A-label or U-label,
 * any case) is one of the domains, a member of one of its families, or a
 * subdomain of either, or NULL. */
const sc_brand *sc_brand_map_owner(const sc_brand_map *bm, const char *domain);
/* sc_brand_owns - domain is one of b's domains, of its families, or under
 * one. */
int sc_brand_owns(const sc_brand *b, const char *domain);
void sc_brand_map_free(sc_brand_map *bm);

/* sc_lists_brands - the brand map of the directory's *.map files, or NULL
 * when it had none; borrowed from ls. */
const sc_brand_map *sc_lists_brands(const sc_lists *ls);

/* sc_lists_free - release ls and its lists; NULL is a no-op. */
void sc_lists_free(sc_lists *ls);

#endif
