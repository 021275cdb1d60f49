/*
 * eval_msg.c - eval: checks of SpamAssassin's HeaderEval plugin that need
 * only the message model, with SpamAssassin 4.0's meaning (the Perl
 * functions of the same names in Mail/SpamAssassin/Plugin/HeaderEval.pm).
 * Thread-safe: no state outside each call.
 */
#include "autoconfig.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "eval.h"
#include "mem.h"
#include "utf8.h"

/* parse_number - a decimal argument; -1 when it is not one */
static int parse_number(const char *s, double *v)
{
	char *end;

	errno = 0;
	*v = strtod(s, &end);
	return (errno != 0 || end == s || *end != '\0' || !isfinite(*v)) ? -1 : 0;
}

/* get_value - ctx's value of selector into b (reset first); 1 if present */
static int get_value(const sc_run_ctx *ctx, const char *selector, sc_buf *b)
{
	sc_buf_reset(b);
	return sc_run_get(ctx, selector, b) > 0;
}

/* cmp_cstr - qsort on C strings */
static int cmp_cstr(const void *a, const void *b)
{
	return strcmp(*(char *const *) a, *(char *const *) b);
}

/* check_header_count_range - header(name, min, max): the number of
 * distinct (decoded) values of the field is in [min, max] */
static int check_header_count_range(const sc_run_ctx *ctx, const char *const *args, size_t nargs,
				    sc_buf *detail)
{
	const char **vals;
	size_t n = 0, distinct = 0;
	double min, max;
	long i = -1;

	(void) nargs;
	if (parse_number(args[1], &min) < 0 || parse_number(args[2], &max) < 0)
		return -1;
	vals = sc_reallocarray(NULL, sc_msg_header_count(ctx->msg) + 1, sizeof(*vals));
	while ((i = sc_msg_header_find(ctx->msg, args[0], (size_t) (i + 1))) >= 0)
		vals[n++] = sc_msg_header_decoded(ctx->msg, (size_t) i);
	if (n > 1)
		qsort(vals, n, sizeof(*vals), cmp_cstr);
	for (size_t k = 0; k < n; k++)
		distinct += k == 0 || strcmp(vals[k], vals[k - 1]) != 0;
	free(vals);
	if ((double) distinct < min || (double) distinct > max)
		return 0;
	(void) sc_buf_printf(detail, "%zu distinct %s field%s", distinct, args[0],
			     distinct == 1 ? "" : "s");
	return 1;
}

/* check_for_missing_to_header - neither To nor Apparently-To is present */
static int check_for_missing_to_header(const sc_run_ctx *ctx, const char *const *args, size_t nargs,
				       sc_buf *detail)
{
	(void) args;
	(void) nargs;
	if (sc_msg_header_find(ctx->msg, "To", 0) >= 0 ||
	    sc_msg_header_find(ctx->msg, "Apparently-To", 0) >= 0)
		return 0;
	(void) sc_buf_puts(detail, "no To or Apparently-To field");
	return 1;
}

/* strip_reply_prefixes - skip SpamAssassin's "Re:", "Fwd:"... prefixes
 * (bug 6805: Re|Fwd|Fw|Aw|Antwort|WG|SV|VB|VS|VL, any case, repeated) */
static const char *strip_reply_prefixes(const char *s, const char *end)
{
	static const char *const prefixes[] = {"Re", "Fwd", "Fw", "Aw", "Antwort",
					       "WG", "SV",  "VB", "VS", "VL"};

	for (;;) {
		size_t k, n = 0;

		for (k = 0; k < sizeof(prefixes) / sizeof(prefixes[0]); k++) {
			n = strlen(prefixes[k]);
			if ((size_t) (end - s) > n && strncasecmp(s, prefixes[k], n) == 0 &&
			    s[n] == ':')
				break;
		}
		if (k == sizeof(prefixes) / sizeof(prefixes[0]))
			return s;
		s += n + 1;
		while (s < end && isspace((unsigned char) *s))
			s++;
	}
}

/* caps_fp_charset - the raw Subject names a charset SpamAssassin lists as
 * likely to look all-caps (CHARSETS_LIKELY_TO_FP_AS_CAPS) in an encoded word */
static int caps_fp_charset(const char *raw)
{
	static const char *const markers[] = {"koi",          "jp",         "jis",   "euc",
					      "gb",           "big5",       "isoir", "cp1251",
					      "windows-1251", "georgianps", "pt154", "tis"};

	for (const char *p = raw; (p = strstr(p, "=?")) != NULL; p += 2) {
		const char *cs = p + 2, *q = cs;
		char *name;
		int hit = 0;

		while (isalnum((unsigned char) *q) || *q == '-' || *q == '_')
			q++;
		if (*q != '?' || q == cs)
			continue;
		name = sc_strndup(cs, (size_t) (q - cs));
		for (char *c = name; *c != '\0'; c++)
			*c = (char) tolower((unsigned char) *c);
		for (size_t k = 0; k < sizeof(markers) / sizeof(markers[0]) && !hit; k++)
			hit = strstr(name, markers[k]) != NULL;
		free(name);
		if (hit)
			return 1;
	}
	return 0;
}

/* subject_is_all_caps - a Subject of several words, 10 bytes or more
 * after Re:/Fwd: prefixes, whose ASCII letters are all capitals */
static int subject_is_all_caps(const sc_run_ctx *ctx, const char *const *args, size_t nargs,
			       sc_buf *detail)
{
	const char *s, *end;
	int space = 0, letters = 0, lower = 0;
	sc_buf b;

	(void) args;
	(void) nargs;
	sc_buf_init(&b, SC_BUF_UNLIMITED);
	(void) get_value(ctx, "Subject", &b);
	s = sc_buf_cstr(&b);
	end = s + b.len;
	while (s < end && isspace((unsigned char) *s))
		s++;
	while (end > s && isspace((unsigned char) end[-1]))
		end--;
	s = strip_reply_prefixes(s, end);
	for (const char *p = s; p < end; p++) {
		space |= isspace((unsigned char) *p) != 0;
		letters += (*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z');
		lower += *p >= 'a' && *p <= 'z';
	}
	if (!space || end - s < 10 || letters == 0 || lower > 0) {
		sc_buf_free(&b);
		return 0;
	}
	(void) get_value(ctx, "Subject:raw", &b);
	if (caps_fp_charset(sc_buf_cstr(&b))) {
		sc_buf_free(&b);
		return 0;
	}
	sc_buf_free(&b);
	(void) sc_buf_puts(detail, "Subject is all capitals");
	return 1;
}

/* is_valid_utf8 - every byte of s (n bytes) is part of valid UTF-8 */
static int is_valid_utf8(const char *s, size_t n)
{
	uint32_t cp;

	for (size_t i = 0; i < n;) {
		size_t k = sc_utf8_decode(s + i, n - i, &cp);

		if (k == 0)
			return 0;
		i += k;
	}
	return 1;
}

/* check_illegal_chars - header(name, ratio, count) over the raw value
 * (ALL: every raw field): at least count bytes, and at least ratio of
 * them, are 8-bit or C0 controls other than TAB, LF and CR; valid UTF-8
 * without controls passes, and a Subject may hold one cent, pound or
 * registered sign */
static int check_illegal_chars(const sc_run_ctx *ctx, const char *const *args, size_t nargs,
			       sc_buf *detail)
{
	size_t illegal = 0, exempt = 0, nonascii = 0, controls = 0, n;
	double ratio, count;
	const unsigned char *s;
	sc_buf sel, b;
	int rc = 0;

	(void) nargs;
	if (parse_number(args[1], &ratio) < 0 || parse_number(args[2], &count) < 0)
		return -1;
	sc_buf_init(&sel, SC_BUF_UNLIMITED);
	sc_buf_init(&b, SC_BUF_UNLIMITED);
	(void) sc_buf_puts(&sel, args[0]);
	n = strlen(args[0]);
	if (n < 4 || strcmp(args[0] + n - 4, ":raw") != 0)
		(void) sc_buf_puts(&sel, ":raw");
	if (get_value(ctx, sc_buf_cstr(&sel), &b) <= 0)
		goto out;
	s = (const unsigned char *) sc_buf_cstr(&b);
	n = b.len;
	{
		int visible = 0;

		for (size_t i = 0; i < n; i++)
			visible |= !isspace(s[i]);
		if (!visible)
			goto out;
	}
	for (size_t i = 0; i < n; i++) {
		unsigned char c = s[i];
		int ctl = c <= 0x08 || c == 0x0b || c == 0x0c || (c >= 0x0e && c <= 0x1f);

		nonascii += c >= 0x80;
		controls += ctl;
		illegal += ctl || c >= 0x7f;
		exempt += c == 0xa2 || c == 0xa3 || c == 0xae;
	}
	if (nonascii > 0 && controls == 0 && is_valid_utf8((const char *) s, n))
		goto out;
	if (illegal > 0 && strcasecmp(sc_buf_cstr(&sel), "subject:raw") == 0 && exempt == 1)
		illegal--;
	if ((double) illegal / (double) n >= ratio && (double) illegal >= count) {
		(void) sc_buf_printf(detail, "%zu illegal bytes of %zu in %s", illegal, n, args[0]);
		rc = 1;
	}
out:
	sc_buf_free(&sel);
	sc_buf_free(&b);
	return rc;
}

/* check_unresolved_template - a header line (of ALL) with a %MACRO-like
 * text, other than in fields where such text is normal */
static int check_unresolved_template(const sc_run_ctx *ctx, const char *const *args, size_t nargs,
				     sc_buf *detail)
{
	static const char *const normal[] = {"X-VMS-To",
					     "X-UIDL",
					     "X-Face",
					     "To",
					     "Cc",
					     "From",
					     "Subject",
					     "References",
					     "In-Reply-To",
					     "Message-Id",
					     "X-Message-Id",
					     "Resent-Message-Id",
					     "X-Original-Message-Id"};

	(void) args;
	(void) nargs;
	for (size_t i = 0; i < sc_msg_header_count(ctx->msg); i++) {
		const char *name = sc_msg_header_name(ctx->msg, i);
		const char *v = sc_msg_header_decoded(ctx->msg, i), *p;
		int skip = 0, found = 0;

		/* the template may be in the name too: SA matches "Name: value" */
		for (int pass = 0; pass < 2 && !found; pass++)
			for (p = pass == 0 ? name : v; (p = strchr(p, '%')) != NULL; p++)
				if (p[1] >= 'A' && p[1] <= 'Z' &&
				    ((p[2] >= 'A' && p[2] <= 'Z') || p[2] == '_' || p[2] == '-')) {
					found = 1;
					break;
				}
		if (!found)
			continue;
		for (size_t k = 0; k < sizeof(normal) / sizeof(normal[0]) && !skip; k++)
			skip = strcasecmp(name, normal[k]) == 0;
		if (skip)
			continue;
		(void) sc_buf_printf(detail, "%s holds an unresolved template", name);
		return 1;
	}
	return 0;
}

/* clang-format off */
static const sc_eval_def msg_defs[] = {
	{ "check_header_count_range",    check_header_count_range,    3, 3 },
	{ "check_for_missing_to_header", check_for_missing_to_header, 0, 0 },
	{ "subject_is_all_caps",         subject_is_all_caps,         0, 0 },
	{ "check_illegal_chars",         check_illegal_chars,         3, 3 },
	{ "check_unresolved_template",   check_unresolved_template,   0, 0 },
};
/* clang-format on */

const sc_eval_table sc_msg_eval_table = {msg_defs, sizeof(msg_defs) / sizeof(msg_defs[0])};
