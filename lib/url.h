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
 * immutable and may be read from several. Different sets may be filled by
 * different threads at once: the only shared state is libpsl's built-in
 * list (psl_builtin(), a static read-only object; see url_host.c for the
 * PSL source) and libidn2, which is reentrant. Pointers are borrowed and
 * valid until sc_url_set_free().
 *
 * Every string of an sc_url is NUL-terminated. host is valid UTF-8 (bytes
 * that were not are replaced by U+FFFD, with SC_URL_BAD_HOST); scheme,
 * host_ascii and domain are ASCII; raw, userinfo, rest and normalised are as
 * written and may hold any byte but NUL. A URL's text is cut at a NUL byte
 * and at 64 KiB.
 *
 * Changes since the first draft (for the msg branch):
 * - normalised keeps the userinfo: scheme "://" [userinfo "@"] host_ascii
 *   rest; a schemeless URL (www., bare domain) is keyed as http so it
 *   merges with the same URL written with http://; an empty path of an
 *   http/https/ftp URL is keyed as "/".
 * - An IPv6 host is stored without brackets in host and host_ascii (the
 *   brackets are back in normalised).
 * - flags and sources are the union over all occurrences; raw, scheme and
 *   userinfo are those of the first occurrence.
 * - E-mail addresses in text are collected as mailto: URLs (SC_URL_MAILTO |
 *   SC_URL_NO_SCHEME): userinfo is the local part, host the domain.
 * - New: sc_url_text_host(), for the domain an anchor text shows.
 */
#ifndef SC_URL_H
#define SC_URL_H

#include <stddef.h>

/* Where a URL was found. */
typedef enum sc_url_source {
	SC_URL_SRC_TEXT,  /* plain text (a text part, or visible HTML text) */
	SC_URL_SRC_HREF,  /* <a href> */
	SC_URL_SRC_FORM,  /* <form action> */
	SC_URL_SRC_IMG,   /* <img src> */
	SC_URL_SRC_OTHER, /* other attributes */
	SC_URL_SRC_ATTACH /* a link in an attached document (a PDF's URI actions,
			     an SVG's href and scripts) */
} sc_url_source;

/* Properties, as bit flags. */
enum {
	SC_URL_NO_SCHEME = 1u << 0,       /* www.example.com or a bare domain */
	SC_URL_OBFUSCATED = 1u << 1,      /* hxxp(s), fxp, scheme[:]//; [.] (.) {.} [dot]
					   * (dot) {dot} in a host found in text */
	SC_URL_USERINFO = 1u << 2,        /* user@ before the host */
	SC_URL_IP_HOST = 1u << 3,         /* host is an IP literal */
	SC_URL_IP_ODD_NOTATION = 1u << 4, /* decimal, hex, octal or short IPv4 form */
	SC_URL_IDN = 1u << 5,             /* host has non-ASCII or xn-- labels */
	SC_URL_PERCENT_HOST = 1u << 6,    /* host had percent-encoding */
	SC_URL_BAD_HOST = 1u << 7,        /* host did not normalise (kept raw, lower-case):
					   * IDNA failure, forbidden bytes, an IPv4 number
					   * out of range, over 1024 bytes, or nothing after // */
	SC_URL_MAILTO = 1u << 8,          /* a mailto: address */
	SC_URL_DATA = 1u << 9,            /* data: URL */
	SC_URL_JAVASCRIPT = 1u << 10      /* javascript: (or vbscript:) URL */
};

typedef struct sc_url {
	const char *raw;        /* as found (first occurrence) */
	const char *scheme;     /* lower-case, "" when none was written */
	const char *userinfo;   /* NULL when none */
	const char *host;       /* normalised, Unicode (UTF-8) form; "" when none */
	const char *host_ascii; /* punycode (A-label) form, or the IP text */
	const char *domain;     /* registrable domain (ASCII), NULL for IPs and unknown suffixes */
	const char *rest;       /* port, path, query and fragment as written */
	const char *normalised; /* scheme://host_ascii + rest: the de-duplication key */
	unsigned flags;
	unsigned sources; /* bit (1u << sc_url_source) for each place it was seen */
	unsigned count;   /* occurrences */
} sc_url;

typedef struct sc_url_set sc_url_set;

#define SC_URL_DEFAULT_MAX 2000 /* distinct URLs kept per message */

/* sc_url_set_new - an empty set keeping at most max distinct URLs (0: default). */
sc_url_set *sc_url_set_new(size_t max);
void sc_url_set_free(sc_url_set *s);

/* sc_url_set_add_text - extract every URL from UTF-8 text (invalid UTF-8
 * and NUL bytes end a URL, never the scan). */
void sc_url_set_add_text(sc_url_set *s, const char *text, size_t len, sc_url_source src);
/* sc_url_set_add - add one URL taken from an attribute; returns the entry,
 * or NULL when the text is empty or the set is full. Surrounding blanks and
 * inner tabs and newlines are removed as browsers do. A schemeless value is
 * a host only when it starts with www., an IPv4 number or a name under a
 * known public suffix; otherwise it is a relative URL (host "", all in rest). */
const sc_url *sc_url_set_add(sc_url_set *s, const char *url, size_t len, sc_url_source src);

size_t sc_url_set_count(const sc_url_set *s);
const sc_url *sc_url_set_at(const sc_url_set *s, size_t i);
/* sc_url_set_truncated - 1 when URLs were dropped at the limit. */
int sc_url_set_truncated(const sc_url_set *s);

/* sc_url_registrable_domain - the registrable domain of an ASCII host
 * (libpsl), malloc'd, or NULL for IPs, public suffixes themselves and hosts
 * under no known suffix (the PSL's implicit "*" rule does not count). */
char *sc_url_registrable_domain(const char *host_ascii);

/* sc_url_text_host - when text (an anchor's visible text) is, apart from
 * surrounding blanks, brackets, quotes and trailing punctuation, exactly one
 * URL, www. form, e-mail address or domain with a known public suffix: its
 * host in ASCII (A-label, lower-case) form, malloc'd. Otherwise NULL. */
char *sc_url_text_host(const char *text, size_t len);

#endif
