/*
 * url_int.h - what url.c (one URL: parse, normalise, the set) and
 * url_extract.c (finding URLs in text) share. Not for other modules.
 */
#ifndef SC_URL_INT_H
#define SC_URL_INT_H

#include <stddef.h>

#include "url.h"

#include "buf.h"

/* sc_url_known_suffix_ci - 1 when the name (any case, len bytes) is a public
 * suffix listed in the PSL; the PSL's implicit "*" rule does not count. */
int sc_url_known_suffix_ci(const char *name, size_t len);

/* One host, normalised (url_host.c). */
typedef struct sc_host {
	sc_buf unicode; /* UTF-8 U-label form, lower-case; the IP text for IPs */
	sc_buf ascii;   /* A-label (punycode) form, or the IP text */
	char *domain; /* registrable domain (malloc'd), NULL for IPs, bad hosts, unknown suffixes */
	unsigned flags; /* SC_URL_IP_HOST, _IP_ODD_NOTATION, _IDN, _PERCENT_HOST, _BAD_HOST */
	int is_ipv6;    /* ascii is an IPv6 address, written without brackets */
} sc_host;

/* sc_host_init - an empty host */
void sc_host_init(sc_host *h);
/* sc_host_free - release a host's buffers */
void sc_host_free(sc_host *h);
/* sc_host_normalise - fill h from the raw host text (brackets kept for IPv6) */
void sc_host_normalise(sc_host *h, const char *s, size_t n);
/* sc_host_ends_in_number - the WHATWG "ends in a number" test: IPv4 parsing applies */
int sc_host_ends_in_number(const char *s, size_t n);

/* sc_url_set_add_clean - add a URL whose text was already cleaned by the
 * extractor (obfuscated dots replaced, hxxp kept for url.c to map): raw is
 * the span as found, clean the text to parse, flags extra SC_URL_* bits. */
const sc_url *sc_url_set_add_clean(sc_url_set *s, const char *raw, size_t raw_len,
				   const char *clean, size_t clean_len, unsigned flags,
				   sc_url_source src);

#endif
