/*
 * url.h - URLs found in mail: extraction, normalisation, registrable domain.
 *
 * A set collects the URLs of one message from plain text (with a scheme,
 * www. forms, bare domains with a known public suffix, mailto:, and the
 * obfuscated hxxp / [.] / (dot) forms) and from HTML attributes, each
 * normalised once: lower-case host, percent-decoded host, IDN as Unicode and
 * as punycode (libidn2), registrable domain (libpsl), IP hosts in any
 * notation turned into canonical text, userinfo exposed. Equal URLs are
 * kept once with a count.
 *
 * A set is owned by one thread while it is filled; once filled it is
 * immutable and may be read from several. Pointers are borrowed and valid
 * until sc_url_set_free().
 */
#ifndef SC_URL_H
#define SC_URL_H

#include <stddef.h>

/* Where a URL was found. */
typedef enum sc_url_source {
	SC_URL_SRC_TEXT,	/* plain text (a text part, or visible HTML text) */
	SC_URL_SRC_HREF,	/* <a href> */
	SC_URL_SRC_FORM,	/* <form action> */
	SC_URL_SRC_IMG,	/* <img src> */
	SC_URL_SRC_OTHER	/* other attributes */
} sc_url_source;

/* Properties, as bit flags. */
enum {
	SC_URL_NO_SCHEME = 1u << 0,	/* www.example.com or a bare domain */
	SC_URL_OBFUSCATED = 1u << 1,	/* hxxp://, example[.]com, example(dot)com */
	SC_URL_USERINFO = 1u << 2,	/* user@ before the host */
	SC_URL_IP_HOST = 1u << 3,	/* host is an IP literal */
	SC_URL_IP_ODD_NOTATION = 1u << 4,	/* decimal, hex, octal or short IPv4 form */
	SC_URL_IDN = 1u << 5,	/* host has non-ASCII or xn-- labels */
	SC_URL_PERCENT_HOST = 1u << 6,	/* host had percent-encoding */
	SC_URL_BAD_HOST = 1u << 7,	/* host did not normalise (kept raw) */
	SC_URL_MAILTO = 1u << 8,	/* a mailto: address */
	SC_URL_DATA = 1u << 9,	/* data: URL */
	SC_URL_JAVASCRIPT = 1u << 10	/* javascript: URL */
};

typedef struct sc_url {
	const char *raw;	/* as found (first occurrence) */
	const char *scheme;	/* lower-case, "" when none was written */
	const char *userinfo;	/* NULL when none */
	const char *host;	/* normalised, Unicode (UTF-8) form; "" when none */
	const char *host_ascii;	/* punycode (A-label) form, or the IP text */
	const char *domain;	/* registrable domain (ASCII), NULL for IPs and unknown suffixes */
	const char *rest;	/* port, path, query and fragment as written */
	const char *normalised;	/* scheme://host_ascii + rest: the de-duplication key */
	unsigned flags;
	unsigned sources;	/* bit (1u << sc_url_source) for each place it was seen */
	unsigned count;	/* occurrences */
} sc_url;

typedef struct sc_url_set sc_url_set;

#define SC_URL_DEFAULT_MAX 2000	/* distinct URLs kept per message */

/* sc_url_set_new - an empty set keeping at most max distinct URLs (0: default). */
sc_url_set *sc_url_set_new(size_t max);
void sc_url_set_free(sc_url_set *s);

/* sc_url_set_add_text - extract every URL from UTF-8 text. */
void sc_url_set_add_text(sc_url_set *s, const char *text, size_t len, sc_url_source src);
/* sc_url_set_add - add one URL taken from an attribute; returns the entry,
 * or NULL when the text is empty or the set is full. */
const sc_url *sc_url_set_add(sc_url_set *s, const char *url, size_t len, sc_url_source src);

size_t sc_url_set_count(const sc_url_set *s);
const sc_url *sc_url_set_at(const sc_url_set *s, size_t i);
/* sc_url_set_truncated - 1 when URLs were dropped at the limit. */
int sc_url_set_truncated(const sc_url_set *s);

/* sc_url_registrable_domain - the registrable domain of an ASCII host
 * (libpsl), malloc'd, or NULL for IPs and hosts under no known suffix. */
char *sc_url_registrable_domain(const char *host_ascii);

#endif
