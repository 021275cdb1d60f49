/*
 * rules_prefilter.c - one regex call per message instead of one per line.
 *
 * SpamAssassin runs a body rule over each line of the rendered body (and a
 * rawbody rule over each chunk), and so do we, because that is what ^, $
 * and the other assertions mean there. Most rules match no line, and
 * calling PCRE2 once per line per rule is most of the scan's cost. So each
 * body and rawbody rule also gets a twin compiled with PCRE2_MULTILINE,
 * run once over the texts joined, each followed by "\n": when the twin
 * finds nothing, no text can match and the rule is done; when it finds
 * something (or fails on a limit), the rule runs per text as before. The
 * hits are therefore exactly the per-text ones.
 *
 * Why no per-text match is lost: a match of the rule inside one text T is
 * a successful path of the twin at the same place of the joined string,
 * because every assertion it made holds there too: ^ at T's start (after
 * a "\n" or at the start), $ at T's end (now before a "\n") or before a
 * newline in T, and positive lookarounds and \b, \B see the same
 * characters or a "\n" where the text ended (a non-word character, as the
 * text's end is). PCRE2 tries every start and every path, so it finds a
 * match. The constructs for which this argument fails get no twin: \A,
 * \z, \Z and \G (start and end of subject), negative lookarounds (the "\n"
 * after T can make them false), atomic groups, possessive quantifiers,
 * backtracking verbs and conditionals (they prune paths), and inline
 * option resets "(?-" and "(?^" (they could switch multiline off). The
 * check is textual and errs towards no twin.
 */
#include "autoconfig.h"

#include <ctype.h>
#include <string.h>

#include "mem.h"
#include "rules_int.h"

/* prefilter_safe - 1 when pat (len bytes) has none of the constructs the
 * argument above excludes */
static int prefilter_safe(const char *pat, size_t len)
{
	static const char *const bad[] = {"\\A", "\\z", "\\Z", "\\G", "(?!", "(?<!", "(?>", "++",
					  "*+",  "?+",  "}+",  "(*",  "(?(", "(?-",  "(?^"};

	for (size_t i = 0; i < len; i++)
		for (size_t k = 0; k < sizeof(bad) / sizeof(bad[0]); k++) {
			size_t n = strlen(bad[k]);

			if (i + n <= len && memcmp(pat + i, bad[k], n) == 0)
				return 0;
		}
	return 1;
}

/*
 * Required literals. Most rules also need some fixed text in every match
 * (/\bpassword reset/i needs "password reset"), and a memmem() over the
 * joined texts (lower-cased once per message for /i rules) is cheaper
 * than running the regex over them. When that text is absent, no text can
 * match and the rule is done; otherwise it runs as before, so the hits
 * are exactly the same. The literal is the longest run of plain
 * characters at the pattern's top level (outside groups and classes), each
 * one required: a character followed by ?, * or {..} is left out and ends
 * the run, one followed by + ends it. Patterns with a top-level |, /x,
 * \Q, inline options or verbs, backreferences or escapes we do not read
 * exactly, or non-ASCII characters in a run get no literal (no UTF mode,
 * so /i folds ASCII letters only).
 */

/* quant_len - bytes of the quantifier at p (?, *, +, {..}, with a lazy or
 * possessive suffix), 0 for none, -1 for an unclosed { */
static long quant_len(const char *p, const char *end)
{
	const char *q = p;

	if (q >= end)
		return 0;
	if (*q == '?' || *q == '*' || *q == '+')
		q++;
	else if (*q == '{') {
		while (q < end && *q != '}')
			q++;
		if (q >= end)
			return -1;
		q++;
	} else
		return 0;
	if (q < end && (*q == '?' || *q == '+'))
		q++;
	return q - p;
}

/* escape_len - bytes of the escape at p (p[0] == '\\') when it matches
 * no fixed character we take (a class like \d, an assertion like \b);
 * sets *lit to the character of an escaped punctuation mark instead;
 * -1 for escapes we do not read */
static long escape_len(const char *p, const char *end, int *lit)
{
	*lit = -1;
	if (p + 1 >= end)
		return -1;
	if (!isalnum((unsigned char) p[1])) {
		if ((unsigned char) p[1] >= 128)
			return -1;
		*lit = (unsigned char) p[1];
		return 2;
	}
	if (strchr("dDsSwWbBhHvVRXntrfea", p[1]) != NULL) {
		if (strchr("ntrfea", p[1]) != NULL)
			*lit = -2; /* a fixed control character: ends the run */
		return 2;
	}
	return -1;
}

/* class_len - bytes of the character class at p (p[0] == '['), -1 if
 * unclosed or unusual */
static long class_len(const char *p, const char *end)
{
	const char *q = p + 1;

	if (q < end && *q == '^')
		q++;
	if (q < end && *q == ']')
		q++;
	while (q < end && *q != ']') {
		if (*q == '\\') {
			if (q + 1 >= end || !(isalnum((unsigned char) q[1])
						      ? strchr("dDsSwWhHvVntrfe", q[1]) != NULL
						      : 1))
				return -1;
			q += 2;
		} else if (*q == '[' && q + 1 < end && q[1] == ':') {
			const char *c = strstr(q, ":]");

			if (c == NULL || c >= end)
				return -1;
			q = c + 2;
		} else
			q++;
	}
	return q < end ? q + 1 - p : -1;
}

/* group_len - bytes of the group at p (p[0] == '(') up to its ')', -1
 * for lookarounds-free reading failures (inline options, verbs, unclosed) */
static long group_len(const char *p, const char *end)
{
	const char *q = p;
	int depth = 0;

	while (q < end) {
		long n;
		int lit;

		switch (*q) {
		case '\\':
			n = escape_len(q, end, &lit);
			if (n < 0)
				return -1;
			q += n;
			continue;
		case '[':
			n = class_len(q, end);
			if (n < 0)
				return -1;
			q += n;
			continue;
		case '(':
			if (q + 1 < end && q[1] == '*')
				return -1;
			if (q + 1 < end && q[1] == '?' &&
			    !(q + 2 < end &&
			      (q[2] == ':' || q[2] == '=' || q[2] == '!' ||
			       (q[2] == '<' && q + 3 < end && (q[3] == '=' || q[3] == '!')))))
				return -1;
			depth++;
			break;
		case ')':
			if (--depth == 0)
				return q + 1 - p;
			break;
		default:
			break;
		}
		q++;
	}
	return -1;
}

/* required_literal - the longest required run of pat (see above) in
 * *out (owned, lower-cased when caseless), its length, or 0 for none */
static size_t required_literal(const char *pat, size_t len, uint32_t opts, char **out)
{
	const char *p = pat, *end = pat + len, *best = NULL;
	size_t bestlen = 0, runlen = 0;
	/* the current run's characters (escapes make them non-contiguous in
	 * pat); a longer run keeps its first 256, still required */
	char buf[256], bestbuf[256];

	*out = NULL;
	if (opts & ~(uint32_t) (PCRE2_CASELESS | PCRE2_MULTILINE | PCRE2_DOTALL))
		return 0;
	while (p < end) {
		long n, q;
		int lit = -1;

		if (*p == '\\') {
			n = escape_len(p, end, &lit);
			if (n < 0)
				return 0;
		} else if (*p == '[') {
			n = class_len(p, end);
			if (n < 0)
				return 0;
		} else if (*p == '(') {
			n = group_len(p, end);
			if (n < 0)
				return 0;
		} else if (*p == '|' || *p == ')') {
			return 0;
		} else if (*p == '.' || *p == '^' || *p == '$') {
			n = 1;
		} else if (*p == '?' || *p == '*' || *p == '+' || *p == '{') {
			return 0; /* a quantifier with nothing before it: not read */
		} else if ((unsigned char) *p >= 128 || *p == '\0') {
			n = 1;
			lit = -2;
		} else {
			n = 1;
			lit = (unsigned char) *p;
		}
		q = quant_len(p + n, end);
		if (q < 0)
			return 0;
		if (lit >= 0 && (q == 0 || p[n] == '+')) {
			if (runlen < sizeof(buf))
				buf[runlen++] =
					(char) ((opts & PCRE2_CASELESS) ? tolower(lit) : lit);
		} else
			lit = -1;
		if (lit < 0 || q > 0) {
			if (runlen > bestlen) {
				bestlen = runlen;
				memcpy(bestbuf, buf, runlen);
				best = bestbuf;
			}
			runlen = 0;
		}
		p += n + q;
	}
	if (runlen > bestlen) {
		bestlen = runlen;
		memcpy(bestbuf, buf, runlen);
		best = bestbuf;
	}
	if (bestlen < 3)
		return 0;
	*out = sc_malloc(bestlen + 1);
	memcpy(*out, best, bestlen);
	(*out)[bestlen] = '\0';
	return bestlen;
}

/* rules_prefilter_build - the MULTILINE twin of every live body and
 * rawbody regex that allows one (see above) */
void rules_prefilter_build(sc_ruleset *rs)
{
	for (size_t i = 0; i < rs->n; i++) {
		rule *r = &rs->rules[i];
		const char *pat;
		size_t patlen;
		uint32_t opts;
		char *copy = NULL, *rest;
		PCRE2_SIZE off;
		int err;

		if (r->dead || r->never || r->re == NULL ||
		    (r->kind != RULE_BODY && r->kind != RULE_RAWBODY && r->kind != RULE_URI))
			continue;
		if (r->expanded != NULL) {
			pat = r->expanded;
			patlen = strlen(r->expanded);
			opts = r->expanded_opts;
		} else {
			copy = sc_strdup(r->source);
			if (rules_regex_split(copy, &pat, &patlen, &opts, &rest) != NULL) {
				free(copy);
				continue;
			}
		}
		r->lit_len = required_literal(pat, patlen, opts, &r->lit);
		r->lit_caseless = (opts & PCRE2_CASELESS) != 0;
		if (r->kind != RULE_URI && prefilter_safe(pat, patlen)) {
			r->pre = pcre2_compile((PCRE2_SPTR) pat, patlen, opts | PCRE2_MULTILINE,
					       &err, &off, NULL);
			if (r->pre != NULL)
				(void) pcre2_jit_compile(r->pre, PCRE2_JIT_COMPLETE);
		}
		free(copy);
	}
}
