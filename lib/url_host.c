/*
 * url_host.c - host names of URLs: percent-decoding, IPv4 in every notation
 * and IPv6 to canonical text, IDN both ways (libidn2), the registrable
 * domain and public-suffix tests (libpsl).
 *
 * PSL source: psl_builtin(), the list compiled into libpsl. Debian builds
 * libpsl from its `publicsuffix` package, so the data is that package's
 * (psl_builtin_filename() names the file, psl_builtin_file_time() dates it).
 * psl_builtin() is a static read-only object: no init, no free, safe from
 * any thread. Should a libpsl be built without built-in data (psl_builtin()
 * returns NULL), psl_latest(NULL) loads the distribution file once under
 * pthread_once and the context lives for the process; without either, no
 * suffix is known and every domain is NULL.
 *
 * libidn2's conversions are reentrant; nothing here holds mutable state.
 */
#include "autoconfig.h"

#include <arpa/inet.h>
#include <idn2.h>
#include <libpsl.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ascii.h"
#include "mem.h"
#include "url_int.h"
#include "utf8.h"

#define HOST_MAX_BYTES 1024 /* a host longer than this is bad (DNS allows 253) */

static pthread_once_t psl_once = PTHREAD_ONCE_INIT;
static const psl_ctx_t *psl_ctx;

/* psl_load - pick the PSL context once: built-in data, else the distribution file */
static void psl_load(void)
{
	psl_ctx = psl_builtin();
	if (psl_ctx == NULL)
		psl_ctx = psl_latest(NULL);
}

/* psl - the process-wide read-only PSL context, or NULL when there is no data */
static const psl_ctx_t *psl(void)
{
	(void) pthread_once(&psl_once, psl_load);
	return psl_ctx;
}

/* lower_copy - a NUL-terminated lower-case copy of n bytes */
static char *lower_copy(const char *s, size_t n)
{
	char *p = sc_strndup(s, n);

	for (char *q = p; *q != '\0'; q++)
		if (*q >= 'A' && *q <= 'Z')
			*q = (char) (*q - 'A' + 'a');
	return p;
}

/* sc_url_known_suffix_ci - a public suffix by an explicit PSL rule */
int sc_url_known_suffix_ci(const char *name, size_t len)
{
	const psl_ctx_t *ctx = psl();
	char *l;
	int r;

	if (ctx == NULL || len == 0 || len > HOST_MAX_BYTES)
		return 0;
	l = lower_copy(name, len);
	r = strlen(l) == len && psl_is_public_suffix2(ctx, l, PSL_TYPE_ANY | PSL_TYPE_NO_STAR_RULE);
	free(l);
	return r;
}

/* registrable - the registrable domain of an ASCII lower-case host, malloc'd, or NULL */
static char *registrable(const char *host)
{
	const psl_ctx_t *ctx = psl();
	const char *reg, *suffix;

	if (ctx == NULL || host[0] == '\0')
		return NULL;
	reg = psl_registrable_domain(ctx, host);
	if (reg == NULL || (suffix = strchr(reg, '.')) == NULL)
		return NULL;
	if (!psl_is_public_suffix2(ctx, suffix + 1, PSL_TYPE_ANY | PSL_TYPE_NO_STAR_RULE))
		return NULL;
	return sc_strdup(reg);
}

/* sc_url_registrable_domain - public wrapper: lower-cases, refuses IPs */
char *sc_url_registrable_domain(const char *host_ascii)
{
	size_t n = strlen(host_ascii);
	char *l, *r;

	if (n == 0 || n > HOST_MAX_BYTES || sc_host_ends_in_number(host_ascii, n) ||
	    strchr(host_ascii, ':') != NULL)
		return NULL;
	l = lower_copy(host_ascii, n);
	r = registrable(l);
	free(l);
	return r;
}

/* is_hex - ASCII hex digit */
static int is_hex(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

/* last_label - the last dot-separated label, ignoring one trailing dot */
static void last_label(const char *s, size_t n, const char **lp, size_t *ln)
{
	size_t end = n, i;

	if (end > 0 && s[end - 1] == '.')
		end--;
	i = end;
	while (i > 0 && s[i - 1] != '.')
		i--;
	*lp = s + i;
	*ln = end - i;
}

/* sc_host_ends_in_number - last label all digits, or 0x followed by hex digits */
int sc_host_ends_in_number(const char *s, size_t n)
{
	const char *l;
	size_t ln, i;

	last_label(s, n, &l, &ln);
	if (ln == 0)
		return 0;
	if (strspn(l, "0123456789") >= ln)
		return 1;
	if (ln < 2 || l[0] != '0' || (l[1] != 'x' && l[1] != 'X'))
		return 0;
	for (i = 2; i < ln; i++)
		if (!is_hex(l[i]))
			return 0;
	return 1;
}

/* ipv4_number - one WHATWG IPv4 part (decimal, 0x hex, 0 octal); -1 when not a number */
static int ipv4_number(const char *s, size_t n, uint64_t *out, int *odd)
{
	unsigned base = 10;
	uint64_t v = 0;

	if (n == 0)
		return -1;
	if (n >= 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		s += 2;
		n -= 2;
	} else if (n >= 2 && s[0] == '0') {
		base = 8;
		s++;
		n--;
	}
	if (base != 10)
		*odd = 1;
	for (size_t i = 0; i < n; i++) {
		unsigned d;

		if (base == 16 && is_hex(s[i]))
			d = (unsigned) sc_hex_value(s[i]);
		else if (s[i] >= '0' && s[i] <= (base == 8 ? '7' : '9'))
			d = (unsigned) (s[i] - '0');
		else
			return -1;
		v = v * base + d;
		if (v > UINT32_MAX)
			v = (uint64_t) UINT32_MAX + 1; /* too big either way; stop growing */
	}
	*out = v;
	return 0;
}

/* ipv4_parse - WHATWG IPv4 parser: 1 to 4 parts; 0 and the address, or -1 */
static int ipv4_parse(const char *s, size_t n, uint32_t *addr, int *odd)
{
	uint64_t part[4], v;
	size_t nparts = 0, start = 0;

	if (n > 0 && s[n - 1] == '.')
		n--;
	for (size_t i = 0; i <= n; i++) {
		if (i < n && s[i] != '.')
			continue;
		if (nparts == 4 || ipv4_number(s + start, i - start, &part[nparts], odd) < 0)
			return -1;
		nparts++;
		start = i + 1;
	}
	if (nparts != 4)
		*odd = 1;
	v = 0;
	for (size_t i = 0; i + 1 < nparts; i++) {
		if (part[i] > 255)
			return -1;
		v = (v << 8) | part[i];
	}
	if (part[nparts - 1] >= ((uint64_t) 1 << (8 * (5 - nparts))))
		return -1;
	v = (v << (8 * (5 - nparts))) | part[nparts - 1];
	*addr = (uint32_t) v;
	return 0;
}

/* set_ip - store an IP text as both forms of the host */
static void set_ip(sc_host *h, const char *text)
{
	sc_buf_reset(&h->unicode);
	sc_buf_reset(&h->ascii);
	(void) sc_buf_puts(&h->unicode, text);
	(void) sc_buf_puts(&h->ascii, text);
	h->flags |= SC_URL_IP_HOST;
}

/* normalise_ipv6 - "[...]" to inet_ntop text; 0, or -1 when not an IPv6 address */
static int normalise_ipv6(sc_host *h, const char *s, size_t n)
{
	char in[INET6_ADDRSTRLEN + 1], out[INET6_ADDRSTRLEN];
	struct in6_addr a;

	if (n < 2 || n - 2 >= sizeof(in) || s[n - 1] != ']')
		return -1;
	memcpy(in, s + 1, n - 2);
	in[n - 2] = '\0';
	if (inet_pton(AF_INET6, in, &a) != 1 || inet_ntop(AF_INET6, &a, out, sizeof(out)) == NULL)
		return -1;
	set_ip(h, out);
	h->is_ipv6 = 1;
	return 0;
}

/* keep_bad - a host that did not normalise: Unicode form with invalid UTF-8 replaced,
 * ASCII form percent-encoding every byte that is not printable ASCII */
static void keep_bad(sc_host *h, const char *s)
{
	sc_buf_reset(&h->unicode);
	sc_buf_reset(&h->ascii);
	h->flags |= SC_URL_BAD_HOST;
	for (const unsigned char *p = (const unsigned char *) s; *p != '\0'; p++) {
		if (*p > ' ' && *p < 0x7f)
			(void) sc_buf_putc(&h->ascii, *p);
		else
			(void) sc_buf_printf(&h->ascii, "%%%02X", *p);
	}
	for (size_t i = 0, n = strlen(s); i < n;) {
		uint32_t cp;
		size_t k = sc_utf8_decode(s + i, n - i, &cp);

		if (k == 0) {
			(void) sc_buf_puts(&h->unicode, "\xEF\xBF\xBD");
			k = 1;
		} else {
			(void) sc_buf_append(&h->unicode, s + i, k);
		}
		i += k;
	}
}

/* has_forbidden - bytes WHATWG forbids in a host, after percent-decoding */
static int has_forbidden(const char *s)
{
	for (const unsigned char *p = (const unsigned char *) s; *p != '\0'; p++)
		if (*p <= ' ' || *p == 0x7f || strchr("#%/:<>?@[\\]^|", *p) != NULL)
			return 1;
	return 0;
}

/* normalise_idn - A-label and U-label forms through libidn2; -1 on failure */
static int normalise_idn(sc_host *h, const char *s)
{
	char *ascii = NULL, *uni = NULL;
	int rc;

	rc = idn2_to_ascii_8z(s, &ascii, IDN2_NONTRANSITIONAL);
	if (rc != IDN2_OK || strlen(ascii) > HOST_MAX_BYTES || has_forbidden(ascii)) {
		idn2_free(ascii);
		return -1;
	}
	rc = idn2_to_unicode_8z8z(ascii, &uni, 0);
	if (rc != IDN2_OK) {
		idn2_free(ascii);
		idn2_free(uni);
		return -1;
	}
	(void) sc_buf_puts(&h->ascii, ascii);
	(void) sc_buf_puts(&h->unicode, uni);
	idn2_free(ascii);
	idn2_free(uni);
	return 0;
}

/* needs_idn - non-ASCII bytes or an xn-- label */
static int needs_idn(const char *s)
{
	for (const char *p = s; *p != '\0'; p++) {
		if ((unsigned char) *p >= 0x80)
			return 1;
		if ((p == s || p[-1] == '.') && strncmp(p, "xn--", 4) == 0)
			return 1;
	}
	return 0;
}

/* percent_decode - decode %XX into out; sets SC_URL_PERCENT_HOST when any was found */
static void percent_decode(sc_host *h, sc_buf *out, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '%' && i + 2 < n && is_hex(s[i + 1]) && is_hex(s[i + 2])) {
			(void) sc_buf_putc(out,
					   sc_hex_value(s[i + 1]) * 16 + sc_hex_value(s[i + 2]));
			h->flags |= SC_URL_PERCENT_HOST;
			i += 2;
		} else {
			(void) sc_buf_putc(out, s[i]);
		}
	}
}

/* sc_host_normalise - lower-case, decode, IP or IDN; never fails (BAD_HOST instead) */
void sc_host_normalise(sc_host *h, const char *s, size_t n)
{
	sc_buf dec;
	char *l;
	uint32_t a;
	int odd = 0;

	if (n > 0 && s[0] == '[') {
		if (normalise_ipv6(h, s, n) == 0)
			return;
	}
	if (n > HOST_MAX_BYTES) { /* DNS allows 253 bytes: keep a prefix and say so */
		l = lower_copy(s, HOST_MAX_BYTES);
		keep_bad(h, l);
		free(l);
		return;
	}
	sc_buf_init(&dec, HOST_MAX_BYTES);
	percent_decode(h, &dec, s, n);
	if (dec.len > 1 && dec.data[dec.len - 1] == '.')
		dec.data[--dec.len] = '\0';
	l = lower_copy(sc_buf_cstr(&dec), dec.len);
	if (dec.len == 0 || strlen(l) != dec.len) {
		keep_bad(h, l);
	} else if (sc_host_ends_in_number(l, dec.len)) {
		if (ipv4_parse(l, dec.len, &a, &odd) == 0) {
			char text[INET_ADDRSTRLEN];
			struct in_addr in = {.s_addr = htonl(a)};

			set_ip(h, inet_ntop(AF_INET, &in, text, sizeof(text)) ? text : "0.0.0.0");
			if (odd)
				h->flags |= SC_URL_IP_ODD_NOTATION;
		} else {
			keep_bad(h, l);
		}
	} else if (needs_idn(l)) {
		h->flags |= SC_URL_IDN;
		if (normalise_idn(h, l) < 0)
			keep_bad(h, l);
	} else if (has_forbidden(l)) {
		keep_bad(h, l);
	} else {
		(void) sc_buf_puts(&h->ascii, l);
		(void) sc_buf_puts(&h->unicode, l);
	}
	if ((h->flags & (SC_URL_BAD_HOST | SC_URL_IP_HOST)) == 0)
		h->domain = registrable(sc_buf_cstr(&h->ascii));
	free(l);
	sc_buf_free(&dec);
}

/* sc_host_init - an empty host with bounded buffers */
void sc_host_init(sc_host *h)
{
	sc_buf_init(&h->unicode, 4 * HOST_MAX_BYTES);
	sc_buf_init(&h->ascii, 4 * HOST_MAX_BYTES);
	h->domain = NULL;
	h->flags = 0;
	h->is_ipv6 = 0;
}

/* sc_host_free - release a host */
void sc_host_free(sc_host *h)
{
	sc_buf_free(&h->unicode);
	sc_buf_free(&h->ascii);
	free(h->domain);
	h->domain = NULL;
}
