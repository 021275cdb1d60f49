/*
 * rules_header.c - what a header rule matches: SpamAssassin's
 * PerMsgStatus::get for a header selector (Name, Name:raw, :addr, :name,
 * :host, :domain, :first, :last, and the pseudo-headers ALL, ALL:raw, ToCc,
 * MESSAGEID, EnvelopeFrom, X-Spam-Relays-* from relays.c).
 *
 * As in SpamAssassin each header value ends in a newline, and several
 * values are joined without a separator: "v1\nv2\n". Values from :addr,
 * :name, :host and :domain and EnvelopeFrom carry no newline and are joined
 * by one. Addresses are parsed by a port of SpamAssassin's internal parser
 * (Util::_parse_header_addresses) onto PCRE2, with the same regexes.
 */
#include "autoconfig.h"

#include <ctype.h>
#include <gmime/gmime.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "eval.h"
#include "mem.h"
#include "relays.h"
#include "rules_int.h"
#include "url.h"

/* One mailbox of an address header, as the parser found it. */
typedef struct addr_item {
	char *phrase;  /* display name (or comment), raw; NULL when none */
	char *address; /* local@domain; NULL when none usable */
} addr_item;

/* SpamAssassin's regexes (Util.pm $header_address_mailre and
 * $header_address_re), flags i and x. */
#define MAILRE                                                                                     \
	"(?:\"(?:|(?:[^\"\\\\]++|\\\\.)*+)\"|[^\\@\\s\\<\\>\\(\\)\\[\\]\\,\\:\\;]+)"               \
	"\\@(?:[^\\\"\\s\\<\\>\\(\\)\\[\\]\\,\\:\\;]+|\\[[\\d:.]+\\])"
static const char addr_re_text[] =
	"^\\s*(?:(?:((?:\"(?:|(?:[^\"\\\\]++|\\\\.)*+)\"|[^\",;<]++)+)\\s*)?"
	"<\\s*([^>\\@]*\\S+|\\s*)\\s*>"
	"(?:\\s*<\\s*(?:(?:\"(?:|(?:[^\"\\\\]++|\\\\.)*+)\")?\\S+|\\s*)\\s*>)*"
	"|(?:(" MAILRE ")|((?:\"(?:|(?:[^\"\\\\]++|\\\\.)*+)\"|[^\",;<]++)+)))"
	"(?:\\s*\\(((?:|(?:[^()\\\\]++|\\\\.)*+))\\))?\\s*(?:[,;]|\\z)";

/* The compiled regexes, built once per process (pthread_once). */
static pcre2_code *re_addr, *re_mail_exact, *re_mail_angle, *re_comment, *re_group, *re_phrase_part;
static pthread_once_t re_once = PTHREAD_ONCE_INIT;

/* compile_fixed - compile one of our own regexes; a failure is a bug */
static pcre2_code *compile_fixed(const char *pat, uint32_t opts)
{
	PCRE2_SIZE off;
	pcre2_code *re;
	int err;

	re = pcre2_compile((PCRE2_SPTR) pat, PCRE2_ZERO_TERMINATED, opts, &err, &off, NULL);
	if (re == NULL)
		sc_panic("built-in regex does not compile at offset %zu (error %d)", (size_t) off,
			 err);
	(void) pcre2_jit_compile(re, PCRE2_JIT_COMPLETE);
	return re;
}

/* compile_all - the address parser's regexes */
static void compile_all(void)
{
	re_addr = compile_fixed(addr_re_text, PCRE2_CASELESS | PCRE2_DOTALL);
	re_mail_exact = compile_fixed("^" MAILRE "$", PCRE2_CASELESS);
	re_mail_angle = compile_fixed("<(" MAILRE ")>", PCRE2_CASELESS | PCRE2_DOTALL);
	re_comment = compile_fixed("\\((?:|(?:[^()\\\\]++|\\\\.)*+)\\)", PCRE2_DOTALL);
	re_group = compile_fixed("^[^\"()<>]+:\\s*(.*?)\\s*(?:;.*)?", PCRE2_DOTALL);
	re_phrase_part = compile_fixed("(?:\"(|(?:[^\"\\\\]++|\\\\.)*+)\"|([^\"]++))",
				       PCRE2_CASELESS | PCRE2_DOTALL);
}

/* substitute_all - s with every match of re replaced by repl (global); in place */
static void substitute_all(pcre2_code *re, sc_buf *s, const char *repl, uint32_t extra)
{
	PCRE2_SIZE outlen = s->len + 64;
	char *out = sc_malloc(outlen + 1);
	int rc;

	for (;;) {
		PCRE2_SIZE n = outlen;

		rc = pcre2_substitute(
			re, (PCRE2_SPTR) sc_buf_cstr(s), s->len, 0,
			PCRE2_SUBSTITUTE_GLOBAL | PCRE2_SUBSTITUTE_OVERFLOW_LENGTH | extra, NULL,
			NULL, (PCRE2_SPTR) repl, PCRE2_ZERO_TERMINATED, (PCRE2_UCHAR *) out, &n);
		if (rc != PCRE2_ERROR_NOMEMORY) {
			if (rc > 0) {
				sc_buf_reset(s);
				(void) sc_buf_append(s, out, n);
			}
			break;
		}
		free(out);
		outlen = n;
		out = sc_malloc(outlen + 1);
	}
	free(out);
}

/* group_str - capture k of the last match, malloc'd, or NULL when unset */
static char *group_str(pcre2_match_data *md, const char *subject, int k)
{
	PCRE2_SIZE *ov = pcre2_get_ovector_pointer(md);

	if (ov[2 * k] == PCRE2_UNSET)
		return NULL;
	return sc_strndup(subject + ov[2 * k], ov[2 * k + 1] - ov[2 * k]);
}

/* re_matches - re matches all of s somewhere */
static int re_matches(pcre2_code *re, const char *s, pcre2_match_data *md)
{
	return pcre2_match(re, (PCRE2_SPTR) s, strlen(s), 0, 0, md, NULL) >= 0;
}

/* valid_parsed_address - SpamAssassin's _valid_parsed_address */
static int valid_parsed_address(const char *a)
{
	size_t quotes = 0;

	if (a == NULL || strncmp(a, "\"\"@", 3) == 0)
		return 0;
	for (; *a != '\0'; a++)
		quotes += *a == '"';
	return quotes != 1;
}

/* fqdn_valid - a host name under a known public suffix (our stand-in for
 * SpamAssassin's is_fqdn_valid with its list of valid TLDs) */
static int fqdn_valid(const char *host)
{
	char *dom;

	if (host == NULL || *host == '\0' || strchr(host, '.') == NULL)
		return 0;
	for (const char *p = host; *p != '\0'; p++)
		if (!(isalnum((unsigned char) *p) || *p == '.' || *p == '-' ||
		      (unsigned char) *p >= 0x80))
			return 0;
	dom = sc_url_registrable_domain(host);
	free(dom);
	return dom != NULL;
}

/* clean_phrase - join the quoted (unescaped) and unquoted (comments
 * removed) parts of a phrase, as SpamAssassin does */
static char *clean_phrase(const char *phrase, pcre2_match_data *md)
{
	sc_buf out, part;
	size_t off = 0, len = strlen(phrase);

	sc_buf_init(&out, SC_BUF_UNLIMITED);
	sc_buf_init(&part, SC_BUF_UNLIMITED);
	while (off < len &&
	       pcre2_match(re_phrase_part, (PCRE2_SPTR) phrase, len, off, 0, md, NULL) >= 0) {
		PCRE2_SIZE *ov = pcre2_get_ovector_pointer(md);
		PCRE2_SIZE end = ov[1];

		sc_buf_reset(&part);
		if (ov[2] != PCRE2_UNSET) {
			/* \x -> x, except that "\\" (already removed) stays */
			for (PCRE2_SIZE i = ov[2]; i < ov[3]; i++) {
				if (phrase[i] == '\\' && i + 1 < ov[3] && phrase[i + 1] != '\\')
					continue;
				(void) sc_buf_putc(&part, phrase[i]);
			}
		} else {
			(void) sc_buf_append(&part, phrase + ov[4], ov[5] - ov[4]);
			substitute_all(re_comment, &part, "", 0);
		}
		(void) sc_buf_append(&out, sc_buf_cstr(&part), part.len);
		off = end > ov[0] ? end : ov[0] + 1;
	}
	sc_buf_free(&part);
	return sc_buf_steal(&out);
}

/* push_item - append one parsed mailbox (taking the strings) */
static void push_item(addr_item **items, size_t *n, char *phrase, char *address)
{
	char *at;

	if (address != NULL) {
		/* keep local@domain, dropping anything after a second '@' */
		at = strchr(address, '@');
		if (at != NULL) {
			char *second = strchr(at + 1, '@');

			if (second != NULL)
				*second = '\0';
		}
	}
	*items = sc_reallocarray(*items, *n + 1, sizeof(**items));
	(*items)[*n].phrase = phrase;
	(*items)[*n].address = address;
	(*n)++;
}

/* finish_item - the per-mailbox rules of _parse_header_addresses */
static void finish_item(addr_item **items, size_t *n, char *phrase, char *address, int angle,
			char *comment, pcre2_match_data *md)
{
	if (angle && address != NULL) {
		sc_buf a;

		sc_buf_init(&a, SC_BUF_UNLIMITED);
		(void) sc_buf_puts(&a, address);
		substitute_all(re_comment, &a, "", 0);
		free(address);
		address = sc_buf_steal(&a);
		if (!re_matches(re_mail_exact, address, md)) {
			free(address);
			address = NULL;
		}
	}
	if (!valid_parsed_address(address)) {
		free(address);
		address = NULL;
	}
	if (phrase != NULL) {
		char *p = clean_phrase(phrase, md);
		const char *at = strchr(p, '@');

		free(phrase);
		phrase = p;
		if (address == NULL && re_matches(re_mail_exact, phrase, md) &&
		    valid_parsed_address(phrase) && at != NULL && strchr(at + 1, '@') == NULL &&
		    fqdn_valid(at + 1)) {
			address = phrase;
			phrase = NULL;
		} else if ((address != NULL && strcmp(phrase, address) == 0) || *phrase == '\0') {
			free(phrase);
			phrase = NULL;
		}
	}
	if (phrase == NULL && comment != NULL) {
		phrase = comment;
		comment = NULL;
	}
	free(comment);
	push_item(items, n, phrase, address);
}

/* parse_addresses - the mailboxes of one raw header value */
static addr_item *parse_addresses(const char *value, size_t *count)
{
	pcre2_match_data *md = pcre2_match_data_create(8, NULL);
	addr_item *items = NULL;
	size_t n = 0;
	sc_buf s;

	if (md == NULL)
		sc_panic("out of memory creating PCRE2 match data");
	(void) pthread_once(&re_once, compile_all);
	sc_buf_init(&s, SC_BUF_UNLIMITED);
	(void) sc_buf_puts(&s, value);
	while (s.len > 0 && isspace((unsigned char) s.data[s.len - 1]))
		s.data[--s.len] = '\0';
	for (size_t r = 0, w = 0;; r++) { /* drop every "\\" */
		if (r >= s.len) {
			s.len = w;
			s.data[w] = '\0';
			break;
		}
		if (s.data[r] == '\\' && r + 1 < s.len && s.data[r + 1] == '\\') {
			r++;
			continue;
		}
		s.data[w++] = s.data[r];
	}
	substitute_all(re_group, &s, "$1", 0);
	while (s.len > 0 &&
	       pcre2_match(re_addr, (PCRE2_SPTR) sc_buf_cstr(&s), s.len, 0, 0, md, NULL) >= 0) {
		PCRE2_SIZE end = pcre2_get_ovector_pointer(md)[1];
		const char *subj = sc_buf_cstr(&s);
		char *p1 = group_str(md, subj, 1), *a2 = group_str(md, subj, 2);
		char *a3 = group_str(md, subj, 3), *p4 = group_str(md, subj, 4);
		char *c5 = group_str(md, subj, 5);
		int angle = a2 != NULL;

		finish_item(&items, &n, p1 != NULL ? p1 : p4, a2 != NULL ? a2 : a3, angle, c5, md);
		if (p1 != NULL)
			free(p4);
		if (a2 != NULL)
			free(a3);
		if (end == 0)
			break;
		memmove(s.data, s.data + end, s.len - end + 1);
		s.len -= end;
	}
	if (s.len > 0 && memchr(s.data, '@', s.len) != NULL) {
		size_t off = 0;

		while (off < s.len && pcre2_match(re_mail_angle, (PCRE2_SPTR) sc_buf_cstr(&s),
						  s.len, off, 0, md, NULL) >= 0) {
			PCRE2_SIZE *ov = pcre2_get_ovector_pointer(md);
			char *a = group_str(md, sc_buf_cstr(&s), 1);

			off = ov[1];
			if (valid_parsed_address(a))
				push_item(&items, &n, NULL, a);
			else
				free(a);
		}
	}
	sc_buf_free(&s);
	pcre2_match_data_free(md);
	*count = n;
	return items;
}

/* items_free - release parse_addresses' result */
static void items_free(addr_item *items, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(items[i].phrase);
		free(items[i].address);
	}
	free(items);
}

/* normalise_name - a decoded display name with white space collapsed and
 * trimmed and surrounding single quotes removed (unless it is all space) */
static void normalise_name(const char *name, sc_buf *out)
{
	size_t start = out->len;
	int space = 0;

	for (const char *p = name; *p != '\0'; p++)
		if (!isspace((unsigned char) *p))
			break;
		else if (p[1] == '\0') {
			(void) sc_buf_puts(out, name);
			return;
		}
	for (const char *p = name; *p != '\0'; p++) {
		if (isspace((unsigned char) *p)) {
			space = out->len > start;
			continue;
		}
		if (space)
			(void) sc_buf_putc(out, ' ');
		space = 0;
		(void) sc_buf_putc(out, *p);
	}
	if (out->len - start >= 2 && out->data[start] == '\'' && out->data[out->len - 1] == '\'' &&
	    memchr(out->data + start + 1, '\'', out->len - start - 2) == NULL) {
		memmove(out->data + start, out->data + start + 1, out->len - start - 2);
		out->len -= 2;
		out->data[out->len] = '\0';
	}
}

/* A growing list of values, as SpamAssassin's @results. */
typedef struct value_list {
	char **v;
	size_t n;
} value_list;

/* vl_push - append a copy of n bytes of s */
static void vl_push(value_list *l, const char *s, size_t n)
{
	l->v = sc_reallocarray(l->v, l->n + 1, sizeof(*l->v));
	l->v[l->n++] = sc_strndup(s, n);
}

/* vl_push_nl - append s followed by a newline */
static void vl_push_nl(value_list *l, const char *s)
{
	size_t n = strlen(s);
	char *v = sc_malloc(n + 2);

	memcpy(v, s, n);
	v[n] = '\n';
	v[n + 1] = '\0';
	l->v = sc_reallocarray(l->v, l->n + 1, sizeof(*l->v));
	l->v[l->n++] = v;
}

/* vl_free - release the list */
static void vl_free(value_list *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
	l->v = NULL;
	l->n = 0;
}

/* decoded_trimmed - field i's decoded value without the white space
 * around it (SpamAssassin trims after unfolding; a value that began on
 * the next line keeps a leading space in the model); *n gets its length */
static const char *decoded_trimmed(const sc_msg *msg, size_t i, size_t *n)
{
	const char *v = sc_msg_header_decoded(msg, i);
	size_t len;

	while (*v == ' ' || *v == '\t' || *v == '\n' || *v == '\r' || *v == '\f' || *v == '\v')
		v++;
	len = strlen(v);
	while (len > 0 && (v[len - 1] == ' ' || v[len - 1] == '\t' || v[len - 1] == '\n' ||
			   v[len - 1] == '\r' || v[len - 1] == '\f' || v[len - 1] == '\v'))
		len--;
	*n = len;
	return v;
}

/* add_field_values - every value of field name: decoded (SpamAssassin's
 * header()), or raw (its raw_header()), each with a newline */
static void add_field_values(const sc_msg *msg, const char *name, int raw, value_list *l)
{
	long i = -1;

	while ((i = sc_msg_header_find(msg, name, (size_t) (i + 1))) >= 0) {
		size_t n;
		const char *v = raw ? sc_msg_header_raw(msg, (size_t) i)
				    : decoded_trimmed(msg, (size_t) i, &n);
		char *t;

		if (raw)
			n = strlen(v);
		/* the model's raw value may already end in its line's LF */
		if (raw && n > 0 && v[n - 1] == '\n') {
			vl_push(l, v, n);
			continue;
		}
		t = sc_strndup(v, n);
		vl_push_nl(l, t);
		free(t);
	}
}

/* first_addr - the first :addr of field name into l; 1 if there was one */
static int first_addr(const sc_run_ctx *ctx, const char *name, value_list *l)
{
	header_sel sel = {
		.name = (char *) name, .pseudo = PSEUDO_NONE, .mods = SEL_FIRST | SEL_ADDR};
	sc_buf b;
	int any;

	sc_buf_init(&b, SC_BUF_UNLIMITED);
	any = rules_header_get(ctx, &sel, &b) > 0;
	if (any)
		vl_push(l, sc_buf_cstr(&b), strcspn(sc_buf_cstr(&b), "\n"));
	sc_buf_free(&b);
	return any;
}

/* received_before - a Received field comes before the first field name */
static int received_before(const sc_msg *msg, const char *name)
{
	long r = sc_msg_header_find(msg, "Received", 0), f = sc_msg_header_find(msg, name, 0);

	return r >= 0 && f >= 0 && r < f;
}

/* envelope_from - SpamAssassin's get_envelope_from, with the envelope's
 * MAIL FROM (when known) in place of the relays' envelope-from: else, unless
 * X-Sender and a fetchmail Received say it cannot be trusted, the first
 * address of X-Envelope-From, Envelope-Sender or Return-Path that no
 * Received field precedes (a preceded X-Envelope-From ends the search) */
static void envelope_from(const sc_run_ctx *ctx, value_list *l)
{
	static const char *const fallbacks[] = {"X-Envelope-From", "Envelope-Sender",
						"Return-Path"};
	const sc_msg *msg = ctx->msg;
	value_list x = {NULL, 0};

	if (ctx->env != NULL && ctx->env->mail_from != NULL) {
		vl_push(l, ctx->env->mail_from, strlen(ctx->env->mail_from));
		return;
	}
	if (first_addr(ctx, "X-Sender", &x) && strchr(x.v[0], '@') != NULL) {
		long i = -1;

		while ((i = sc_msg_header_find(msg, "Received", (size_t) (i + 1))) >= 0)
			if (strstr(sc_msg_header_decoded(msg, (size_t) i), "(fetchmail") != NULL) {
				vl_free(&x);
				return;
			}
	}
	vl_free(&x);
	for (size_t k = 0; k < sizeof(fallbacks) / sizeof(fallbacks[0]); k++) {
		if (!first_addr(ctx, fallbacks[k], &x))
			continue;
		if (!received_before(msg, fallbacks[k])) {
			*l = x;
			return;
		}
		vl_free(&x);
		if (k == 0)
			return;
	}
}

/* add_all - ALL: every field "Name: decoded\n" in order, or with :raw
 * "Name:raw-value\n" as received */
static void add_all(const sc_msg *msg, int raw, value_list *l)
{
	sc_buf b;

	sc_buf_init(&b, SC_BUF_UNLIMITED);
	for (size_t i = 0; i < sc_msg_header_count(msg); i++) {
		size_t n;
		const char *v = raw ? sc_msg_header_raw(msg, i) : decoded_trimmed(msg, i, &n);

		if (raw)
			n = strlen(v);
		sc_buf_reset(&b);
		(void) sc_buf_printf(&b, "%s:%s%.*s%s", sc_msg_header_name(msg, i), raw ? "" : " ",
				     (int) n, v, n > 0 && v[n - 1] == '\n' ? "" : "\n");
		vl_push(l, sc_buf_cstr(&b), b.len);
	}
	sc_buf_free(&b);
}

/* to_addrs_names - :addr or :name over the values in l (raw values) */
static void to_addrs_names(const header_sel *sel, value_list *l)
{
	value_list out = {NULL, 0};
	sc_buf nb;

	sc_buf_init(&nb, SC_BUF_UNLIMITED);
	for (size_t i = 0; i < l->n; i++) {
		size_t n;
		addr_item *items = parse_addresses(l->v[i], &n);

		for (size_t k = 0; k < n; k++) {
			if (sel->mods & SEL_ADDR) {
				if (items[k].address != NULL)
					vl_push(&out, items[k].address, strlen(items[k].address));
				continue;
			}
			if (items[k].phrase == NULL)
				continue;
			sc_buf_reset(&nb);
			if (sel->mods & SEL_RAW) {
				(void) sc_buf_puts(&nb, items[k].phrase);
			} else {
				char *dec =
					g_mime_utils_header_decode_phrase(NULL, items[k].phrase);

				normalise_name(dec != NULL ? dec : items[k].phrase, &nb);
				g_free(dec);
			}
			vl_push(&out, sc_buf_cstr(&nb), nb.len);
		}
		items_free(items, n);
	}
	sc_buf_free(&nb);
	vl_free(l);
	*l = out;
}

/* host_of - :host of one value: after the last '@' for an :addr value;
 * otherwise the first word (of letters, digits, '.', '-' and '_') after
 * an '@', or else anywhere, that is a host under a known public suffix */
static char *host_of(const char *v, int from_addr)
{
	const char *at = strrchr(v, '@'), *p;

	if (from_addr) {
		size_t n;

		if (at == NULL)
			return NULL;
		n = strcspn(at + 1, " \t\n");
		return n > 0 ? sc_strndup(at + 1, n) : NULL;
	}
	for (int pass = 0; pass < 2; pass++) {
		for (p = pass == 0 ? (at != NULL ? at + 1 : NULL) : v; p != NULL && *p != '\0';) {
			size_t n = strspn(p, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
					     "0123456789.-_");
			char *w;

			if (n == 0) {
				p++;
				continue;
			}
			w = sc_strndup(p, n);
			for (char *q = w; *q != '\0'; q++)
				*q = (char) tolower((unsigned char) *q);
			if (w[0] != '.' && w[0] != '-' && fqdn_valid(w))
				return w;
			free(w);
			if (pass == 0)
				break;
			p += n;
		}
	}
	return NULL;
}

/* to_hosts - :host or :domain over the values in l */
static void to_hosts(const header_sel *sel, value_list *l)
{
	value_list out = {NULL, 0};

	for (size_t i = 0; i < l->n; i++) {
		char *h = host_of(l->v[i], (sel->mods & SEL_ADDR) != 0);

		if (h == NULL)
			continue;
		if (sel->mods & SEL_DOMAIN) {
			char *lower = sc_strdup(h), *d;

			for (char *q = lower; *q != '\0'; q++)
				*q = (char) tolower((unsigned char) *q);
			d = sc_url_registrable_domain(lower);
			free(lower);
			if (d != NULL) {
				free(h);
				h = d;
			}
		}
		vl_push(&out, h, strlen(h));
		free(h);
	}
	vl_free(l);
	*l = out;
}

/* rules_header_get - the text of selector sel over ctx into out (see eval.h) */
int rules_header_get(const sc_run_ctx *ctx, const header_sel *sel, sc_buf *out)
{
	static const char *const msgid_fields[] = {"X-Message-Id", "Resent-Message-Id",
						   "X-Original-Message-ID", "Message-Id"};
	int raw = (sel->mods & (SEL_RAW | SEL_ADDR | SEL_NAME)) != 0;
	value_list l = {NULL, 0};
	int any;

	switch (sel->pseudo) {
	case PSEUDO_ALL:
		add_all(ctx->msg, (sel->mods & SEL_RAW) != 0, &l);
		break;
	case PSEUDO_ENVFROM:
		envelope_from(ctx, &l);
		break;
	case PSEUDO_TOCC:
		add_field_values(ctx->msg, "To", raw, &l);
		add_field_values(ctx->msg, "Cc", raw, &l);
		break;
	case PSEUDO_RELAYS: {
		/* one value, "" when no relay is of that kind (SpamAssassin pushes it
		 * too); made once per run for all four kinds when the run memoises */
		int untrusted = sel->relays == SC_RELAYS_UNTRUSTED || sel->relays == SC_RELAYS_EXTERNAL;
		char *v;

		if (ctx->memo != NULL) {
			if (!ctx->memo->relays_done) {
				sc_relays_get_both(ctx->msg, &ctx->memo->relays[0],
						   &ctx->memo->relays[1]);
				ctx->memo->relays_done = 1;
			}
			v = ctx->memo->relays[untrusted];
			vl_push(&l, v, strlen(v));
			break;
		}
		v = sc_relays_get(ctx->msg, (sc_relays_kind) sel->relays);
		vl_push(&l, v, strlen(v));
		free(v);
		break;
	}
	case PSEUDO_MESSAGEID:
		for (size_t k = 0; k < sizeof(msgid_fields) / sizeof(msgid_fields[0]); k++)
			add_field_values(ctx->msg, msgid_fields[k], raw, &l);
		break;
	default:
		add_field_values(ctx->msg, sel->name, raw, &l);
		break;
	}
	if (sel->pseudo != PSEUDO_ALL) {
		if (l.n > 1 && (sel->mods & (SEL_FIRST | SEL_LAST))) {
			size_t keep = (sel->mods & SEL_FIRST) ? 0 : l.n - 1;
			char *v = l.v[keep];

			l.v[keep] = NULL;
			vl_free(&l);
			vl_push(&l, v, strlen(v));
			free(v);
		}
		if (sel->mods & (SEL_ADDR | SEL_NAME))
			to_addrs_names(sel, &l);
		if (l.n > 0 && (sel->mods & SEL_HOST))
			to_hosts(sel, &l);
	}
	any = l.n > 0;
	for (size_t i = 0; i < l.n; i++) {
		size_t n = strlen(l.v[i]);

		(void) sc_buf_append_upto(out, l.v[i], n);
		/* SpamAssassin joins with "\n" unless the first value already ends in one */
		if (i + 1 < l.n && (n == 0 || l.v[0][strlen(l.v[0]) - 1] != '\n'))
			(void) sc_buf_putc(out, '\n');
	}
	vl_free(&l);
	return any;
}

/* rules_header_parse - parse a selector into sel (owned strings); NULL, or
 * why it is not supported */
const char *rules_header_parse(const char *text, header_sel *sel)
{
	static const char *const unsupported[] = {"ALL-TRUSTED", "ALL-INTERNAL", "ALL-UNTRUSTED",
						  "ALL-EXTERNAL"};
	const char *colon = strchr(text, ':');
	size_t nlen = colon != NULL ? (size_t) (colon - text) : strlen(text);

	memset(sel, 0, sizeof(*sel));
	sel->text = sc_strdup(text);
	sel->name = sc_strndup(text, nlen);
	if (nlen == 0)
		return "empty header name";
	while (colon != NULL) {
		const char *m = colon + 1, *next = strchr(m, ':');
		size_t mlen = next != NULL ? (size_t) (next - m) : strlen(m);

#define MOD_IS(s) (mlen == sizeof(s) - 1 && strncmp(m, s, mlen) == 0)
		if (MOD_IS("raw"))
			sel->mods |= SEL_RAW;
		else if (MOD_IS("addr"))
			sel->mods |= SEL_ADDR;
		else if (MOD_IS("name"))
			sel->mods |= SEL_NAME;
		else if (MOD_IS("host"))
			sel->mods |= SEL_HOST;
		else if (MOD_IS("domain"))
			sel->mods |= SEL_HOST | SEL_DOMAIN;
		else if (MOD_IS("first"))
			sel->mods |= SEL_FIRST;
		else if (MOD_IS("last"))
			sel->mods |= SEL_LAST;
		else
			return "header selector modifier is not supported (raw, addr, name, host, "
			       "domain, first and last are)";
#undef MOD_IS
		colon = next;
	}
	for (size_t k = 0; k < sizeof(unsupported) / sizeof(unsupported[0]); k++)
		if (strcasecmp(sel->name, unsupported[k]) == 0) {
			return "pseudo-header is not supported (it needs the Received ranges of "
			       "the trust path)";
		}
	if (strcmp(sel->name, "ALL") == 0)
		sel->pseudo = PSEUDO_ALL;
	else if (strcasecmp(sel->name, "EnvelopeFrom") == 0)
		sel->pseudo = PSEUDO_ENVFROM;
	else if (strcasecmp(sel->name, "ToCc") == 0)
		sel->pseudo = PSEUDO_TOCC;
	else if (strcmp(sel->name, "MESSAGEID") == 0)
		sel->pseudo = PSEUDO_MESSAGEID;
	else if (sc_relays_kind_of(sel->name) >= 0) {
		sel->pseudo = PSEUDO_RELAYS;
		sel->relays = sc_relays_kind_of(sel->name);
	}
	return NULL;
}

/* sc_run_get - PerMsgStatus::get for a selector given as text */
int sc_run_get(const sc_run_ctx *ctx, const char *selector, sc_buf *out)
{
	header_sel sel;
	int rc;

	if (rules_header_parse(selector, &sel) != NULL) {
		free(sel.name);
		free(sel.text);
		return -1;
	}
	rc = rules_header_get(ctx, &sel, out);
	free(sel.name);
	free(sel.text);
	return rc;
}
