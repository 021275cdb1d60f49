/*
 * url.c - one URL: parse, normalise the host, registrable domain; and the
 * de-duplicating set (see url.h for the contract). Finding URLs in running
 * text is url_extract.c; IP and host normalisation is url_host.c.
 *
 * Parsing follows the WHATWG URL standard where browsers and mail clients
 * do (any number of slashes and backslashes after a special scheme, the
 * last '@' of the authority ends the userinfo) and stays forgiving
 * elsewhere: a URL from mail never fails, it gets flags.
 */
#include "autoconfig.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "mem.h"
#include "url.h"
#include "url_int.h"

#define URL_MAX_BYTES  (64 * 1024) /* one URL's text; longer ones are cut (data: URLs) */
#define URL_MAX_SCHEME 32

struct sc_url_set {
	sc_url **items; /* in order of first occurrence */
	size_t count;
	size_t cap;
	size_t max;
	size_t *slots; /* open addressing: index + 1, 0 = empty */
	size_t nslots; /* a power of two, or 0 */
	int truncated;
};

/* The parts of one URL while it is being normalised. */
typedef struct url_parts {
	sc_buf scheme;
	sc_buf userinfo;
	sc_buf rest;
	sc_host host;
	int has_userinfo;
	int has_authority; /* scheme://host form (or a schemeless host) */
	unsigned flags;
} url_parts;

/* lower - ASCII lower-case of one byte */
static char lower(char c)
{
	return (c >= 'A' && c <= 'Z') ? (char) (c - 'A' + 'a') : c;
}

/* is_alpha - ASCII letter */
static int is_alpha(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* scheme_length - length of "scheme" before a ':' at s, or 0 when there is none */
static size_t scheme_length(const char *s, size_t n)
{
	size_t i;

	if (n == 0 || !is_alpha(s[0]))
		return 0;
	for (i = 1; i < n && i <= URL_MAX_SCHEME; i++) {
		char c = s[i];

		if (c == ':')
			return memchr(s, '.', i) != NULL ? 0
							 : i; /* "example.com:80" is no scheme */
		if (!is_alpha(c) && !(c >= '0' && c <= '9') && c != '+' && c != '-' && c != '.')
			return 0;
	}
	return 0;
}

/* scheme_is - compare the lower-case scheme collected so far */
static int scheme_is(const url_parts *p, const char *name)
{
	return strcmp(sc_buf_cstr(&p->scheme), name) == 0;
}

/* map_obfuscated_scheme - hxxp -> http and friends; 1 when mapped */
static int map_obfuscated_scheme(sc_buf *scheme)
{
	static const char *const map[][2] = {
		{"hxxp", "http"}, {"hxxps", "https"}, {"hxtp", "http"}, {"hxtps", "https"},
		{"htxp", "http"}, {"htxps", "https"}, {"fxp", "ftp"},   {"hxxxp", "http"},
	};

	for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++) {
		if (strcmp(sc_buf_cstr(scheme), map[i][0]) == 0) {
			sc_buf_reset(scheme);
			(void) sc_buf_puts(scheme, map[i][1]);
			return 1;
		}
	}
	return 0;
}

/* is_special - schemes whose authority follows any run of slashes and backslashes */
static int is_special(const url_parts *p)
{
	return scheme_is(p, "http") || scheme_is(p, "https") || scheme_is(p, "ftp") ||
	       scheme_is(p, "ws") || scheme_is(p, "wss");
}

/* looks_like_host - a schemeless attribute value that starts with a host name */
static int looks_like_host(const char *s, size_t n)
{
	size_t end = 0, dot = 0;
	int dots = 0;

	while (end < n && s[end] != '/' && s[end] != '?' && s[end] != '#' && s[end] != ':')
		end++;
	if (end >= 4 && strncasecmp(s, "www.", 4) == 0)
		return 1;
	for (size_t i = 0; i < end; i++) {
		if (s[i] == '.') {
			dots++;
			dot = i;
		}
	}
	if (dots == 0 || dot + 1 >= end)
		return 0;
	if (sc_host_ends_in_number(s, end))
		return 1;
	return sc_url_known_suffix_ci(s + dot + 1, end - dot - 1);
}

/* parse_mailto - the address after "mailto:" into userinfo @ host, the query into rest */
static void parse_mailto(url_parts *p, const char *s, size_t n)
{
	size_t q = 0, at = SIZE_MAX;

	p->flags |= SC_URL_MAILTO;
	while (q < n && s[q] != '?')
		q++;
	for (size_t i = 0; i < q; i++)
		if (s[i] == '@')
			at = i;
	if (at == SIZE_MAX) {
		(void) sc_buf_append(&p->rest, s, n);
		return;
	}
	p->has_userinfo = 1;
	(void) sc_buf_append(&p->userinfo, s, at);
	sc_host_normalise(&p->host, s + at + 1, q - at - 1);
	(void) sc_buf_append(&p->rest, s + q, n - q);
}

/* parse_authority - userinfo, host and what follows, from just after "//" */
static void parse_authority(url_parts *p, const char *s, size_t n, int backslash_ends)
{
	size_t end = 0, at = SIZE_MAX, host_start, host_end, colon = SIZE_MAX;

	p->has_authority = 1;
	while (end < n && s[end] != '/' && s[end] != '?' && s[end] != '#' &&
	       !(backslash_ends && s[end] == '\\'))
		end++;
	for (size_t i = 0; i < end; i++)
		if (s[i] == '@')
			at = i;
	host_start = 0;
	if (at != SIZE_MAX) {
		p->has_userinfo = 1;
		p->flags |= SC_URL_USERINFO;
		(void) sc_buf_append(&p->userinfo, s, at);
		host_start = at + 1;
	}
	host_end = end;
	if (host_start < end && s[host_start] == '[') {
		const char *close = memchr(s + host_start, ']', end - host_start);

		if (close != NULL)
			host_end = (size_t) (close - s) + 1;
	} else {
		for (size_t i = host_start; i < end; i++)
			if (s[i] == ':')
				colon = i;
		if (colon != SIZE_MAX && strspn(s + colon + 1, "0123456789") >= end - colon - 1)
			host_end = colon;
	}
	sc_host_normalise(&p->host, s + host_start, host_end - host_start);
	(void) sc_buf_append(&p->rest, s + host_end, n - host_end);
}

/* parse_url - split and normalise the cleaned text of one URL */
static void parse_url(url_parts *p, const char *s, size_t n)
{
	size_t k = scheme_length(s, n), i;

	if (k == 0) {
		if (n >= 2 && (s[0] == '/' || s[0] == '\\') && (s[1] == '/' || s[1] == '\\')) {
			parse_authority(p, s + 2, n - 2, 1);
		} else if (looks_like_host(s, n)) {
			p->flags |= SC_URL_NO_SCHEME;
			parse_authority(p, s, n, 1);
		} else {
			(void) sc_buf_append(&p->rest, s, n);
		}
		return;
	}
	for (i = 0; i < k; i++)
		(void) sc_buf_putc(&p->scheme, lower(s[i]));
	if (map_obfuscated_scheme(&p->scheme))
		p->flags |= SC_URL_OBFUSCATED;
	s += k + 1;
	n -= k + 1;
	if (scheme_is(p, "mailto")) {
		parse_mailto(p, s, n);
	} else if (is_special(p)) {
		for (i = 0; i < n && (s[i] == '/' || s[i] == '\\'); i++)
			;
		parse_authority(p, s + i, n - i, 1);
	} else if (n >= 2 && s[0] == '/' && s[1] == '/') {
		parse_authority(p, s + 2, n - 2, 0);
	} else {
		if (scheme_is(p, "data"))
			p->flags |= SC_URL_DATA;
		else if (scheme_is(p, "javascript") || scheme_is(p, "vbscript"))
			p->flags |= SC_URL_JAVASCRIPT;
		(void) sc_buf_append(&p->rest, s, n);
	}
}

/* build_normalised - the de-duplication key: scheme ":" ["//" [userinfo "@"] host] rest */
static void build_normalised(const url_parts *p, sc_buf *out)
{
	const char *scheme = sc_buf_cstr(&p->scheme);
	int implicit_http = scheme[0] == '\0' && p->has_authority;

	if (implicit_http)
		(void) sc_buf_puts(out, "http");
	else
		(void) sc_buf_puts(out, scheme);
	if (scheme[0] != '\0' || implicit_http)
		(void) sc_buf_putc(out, ':');
	if (p->has_authority)
		(void) sc_buf_puts(out, "//");
	if (p->has_userinfo) {
		(void) sc_buf_append(out, p->userinfo.data, p->userinfo.len);
		(void) sc_buf_putc(out, '@');
	}
	if (p->host.is_ipv6)
		(void) sc_buf_printf(out, "[%s]", sc_buf_cstr(&p->host.ascii));
	else
		(void) sc_buf_append(out, p->host.ascii.data, p->host.ascii.len);
	if (p->has_authority &&
	    (p->rest.len == 0 || p->rest.data[0] == '?' || p->rest.data[0] == '#'))
		(void) sc_buf_putc(out, '/');
	(void) sc_buf_append(out, p->rest.data, p->rest.len);
}

/* url_parts_init - empty parts, each buffer bounded by the URL limit */
static void url_parts_init(url_parts *p)
{
	sc_buf_init(&p->scheme, URL_MAX_SCHEME);
	sc_buf_init(&p->userinfo, URL_MAX_BYTES);
	sc_buf_init(&p->rest, URL_MAX_BYTES);
	sc_host_init(&p->host);
	p->has_userinfo = 0;
	p->has_authority = 0;
	p->flags = 0;
}

/* url_parts_free - release the parts' buffers */
static void url_parts_free(url_parts *p)
{
	sc_buf_free(&p->scheme);
	sc_buf_free(&p->userinfo);
	sc_buf_free(&p->rest);
	sc_host_free(&p->host);
}

/* hash_key - FNV-1a over the normalised key */
static size_t hash_key(const char *s)
{
	uint64_t h = 14695981039346656037u;

	for (; *s != '\0'; s++) {
		h ^= (unsigned char) *s;
		h *= 1099511628211u;
	}
	return (size_t) h;
}

/* set_find - the entry with this key, or NULL; *slot is where it is or would go */
static sc_url *set_find(const sc_url_set *s, const char *key, size_t *slot)
{
	size_t mask = s->nslots - 1, i = hash_key(key) & mask;

	while (s->slots[i] != 0) {
		sc_url *u = s->items[s->slots[i] - 1];

		if (strcmp(u->normalised, key) == 0) {
			*slot = i;
			return u;
		}
		i = (i + 1) & mask;
	}
	*slot = i;
	return NULL;
}

/* set_grow - double the item array and the hash table when they fill */
static void set_grow(sc_url_set *s)
{
	if (s->count == s->cap) {
		s->cap = s->cap ? s->cap * 2 : 16;
		s->items = sc_reallocarray(s->items, s->cap, sizeof(*s->items));
	}
	if ((s->count + 1) * 2 > s->nslots) {
		size_t n = s->nslots ? s->nslots * 2 : 32, slot;

		free(s->slots);
		s->nslots = n;
		s->slots = sc_calloc(n, sizeof(*s->slots));
		for (size_t i = 0; i < s->count; i++) {
			(void) set_find(s, s->items[i]->normalised, &slot);
			s->slots[slot] = i + 1;
		}
	}
}

/* dup_buf - a malloc'd copy of a buffer's content */
static char *dup_buf(const sc_buf *b)
{
	return sc_strndup(sc_buf_cstr(b), b->len);
}

/* make_entry - a new sc_url from parsed parts; every string malloc'd */
static sc_url *make_entry(const url_parts *p, const char *raw, size_t raw_len, sc_buf *key)
{
	sc_url *u = sc_calloc(1, sizeof(*u));

	u->raw = sc_strndup(raw, raw_len);
	u->scheme = dup_buf(&p->scheme);
	u->userinfo = p->has_userinfo ? dup_buf(&p->userinfo) : NULL;
	u->host = dup_buf(&p->host.unicode);
	u->host_ascii = dup_buf(&p->host.ascii);
	u->domain = p->host.domain != NULL ? sc_strdup(p->host.domain) : NULL;
	u->rest = dup_buf(&p->rest);
	u->normalised = sc_buf_steal(key);
	return u;
}

/* free_entry - release one sc_url and its strings */
static void free_entry(sc_url *u)
{
	free((char *) u->raw);
	free((char *) u->scheme);
	free((char *) u->userinfo);
	free((char *) u->host);
	free((char *) u->host_ascii);
	free((char *) u->domain);
	free((char *) u->rest);
	free((char *) u->normalised);
	free(u);
}

/* clean_copy - the URL text without surrounding blanks, cut at NUL, tabs and newlines removed */
static void clean_copy(sc_buf *out, const char *s, size_t n)
{
	const char *nul = memchr(s, '\0', n);

	if (nul != NULL)
		n = (size_t) (nul - s);
	while (n > 0 && (unsigned char) s[0] <= ' ') {
		s++;
		n--;
	}
	while (n > 0 && (unsigned char) s[n - 1] <= ' ')
		n--;
	for (size_t i = 0; i < n; i++)
		if (s[i] != '\t' && s[i] != '\n' && s[i] != '\r')
			(void) sc_buf_putc(out, s[i]);
}

/* sc_url_set_add_clean - parse, normalise and count one URL */
const sc_url *sc_url_set_add_clean(sc_url_set *s, const char *raw, size_t raw_len,
				   const char *clean, size_t clean_len, unsigned flags,
				   sc_url_source src)
{
	url_parts p;
	sc_buf text, key;
	sc_url *u;
	size_t slot;

	sc_buf_init(&text, URL_MAX_BYTES);
	clean_copy(&text, clean, clean_len);
	if (text.len == 0) {
		sc_buf_free(&text);
		return NULL;
	}
	url_parts_init(&p);
	parse_url(&p, sc_buf_cstr(&text), text.len);
	sc_buf_init(&key, 4 * URL_MAX_BYTES);
	build_normalised(&p, &key);
	if (s->nslots == 0)
		set_grow(s);
	u = set_find(s, sc_buf_cstr(&key), &slot);
	if (u == NULL && s->count < s->max) {
		set_grow(s);
		(void) set_find(s, sc_buf_cstr(&key), &slot);
		if (raw_len > URL_MAX_BYTES)
			raw_len = URL_MAX_BYTES;
		u = make_entry(&p, raw, raw_len, &key);
		s->items[s->count++] = u;
		s->slots[slot] = s->count;
	} else if (u == NULL) {
		s->truncated = 1;
	}
	if (u != NULL) {
		u->flags |= p.flags | p.host.flags | flags;
		u->sources |= 1u << src;
		if (u->count < UINT32_MAX)
			u->count++;
	}
	sc_buf_free(&key);
	sc_buf_free(&text);
	url_parts_free(&p);
	return u;
}

/* sc_url_set_add - add one URL taken from an attribute value */
const sc_url *sc_url_set_add(sc_url_set *s, const char *url, size_t len, sc_url_source src)
{
	return sc_url_set_add_clean(s, url, len, url, len, 0, src);
}

/* sc_url_set_new - an empty set with a distinct-URL limit */
sc_url_set *sc_url_set_new(size_t max)
{
	sc_url_set *s = sc_calloc(1, sizeof(*s));

	s->max = max ? max : SC_URL_DEFAULT_MAX;
	return s;
}

/* sc_url_set_free - release the set and every entry */
void sc_url_set_free(sc_url_set *s)
{
	if (s == NULL)
		return;
	for (size_t i = 0; i < s->count; i++)
		free_entry(s->items[i]);
	free(s->items);
	free(s->slots);
	free(s);
}

/* sc_url_set_count - distinct URLs kept */
size_t sc_url_set_count(const sc_url_set *s)
{
	return s->count;
}

/* sc_url_set_at - the i-th distinct URL in order of first occurrence */
const sc_url *sc_url_set_at(const sc_url_set *s, size_t i)
{
	return i < s->count ? s->items[i] : NULL;
}

/* sc_url_set_truncated - whether distinct URLs were dropped at the limit */
int sc_url_set_truncated(const sc_url_set *s)
{
	return s->truncated;
}
