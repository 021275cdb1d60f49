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
 * options turned off, "(?-m)", "(?s-m:", "(?^" (they could switch
 * multiline off; rules_option_off). The check is textual and errs towards
 * no twin.
 */
#include "autoconfig.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "mem.h"
#include "rules_int.h"

/* prefilter_safe - 1 when pat (len bytes) has none of the constructs the
 * argument above excludes */
static int prefilter_safe(const char *pat, size_t len)
{
	static const char *const bad[] = {"\\A", "\\z", "\\Z", "\\G", "(?!", "(?<!", "(?>",
					  "++",  "*+",  "?+",  "}+",  "(*",  "(?("};

	if (rules_option_off(pat, len))
		return 0;
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
 * the run, one followed by + ends it. A required group (?:a|b) gives a
 * set instead, one literal per branch, any of which must be present; so
 * does a top-level |. The set with the longest shortest member wins.
 * Patterns with /x, \Q, inline options or verbs, named groups,
 * backreferences or escapes we do not read exactly, or a branch without
 * a literal get none (no UTF mode, so /i folds ASCII letters only, and
 * non-ASCII characters end a run).
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

#define LIT_MAX_ALTS 16 /* alternatives of one literal set at most */
#define LIT_MAX_LEN  255

/* A set of texts one of which every match contains. */
typedef struct lit_set {
	char s[LIT_MAX_ALTS][LIT_MAX_LEN + 1];
	size_t n;
	size_t score; /* length of the shortest, 0 for no set */
} lit_set;

static int alt_literals(const char *p, const char *end, int caseless, int depth, lit_set *out);

/* branch_literals - the best set of one branch (no top-level |) from
 * p to end: its longest required run, or the literals of a required
 * group when their shortest is longer; 0 when the branch has none */
static int branch_literals(const char *p, const char *end, int caseless, int depth, lit_set *out)
{
	size_t runlen = 0;
	char buf[LIT_MAX_LEN + 1];
	lit_set *sub = sc_malloc(sizeof(*sub));

	out->n = 0;
	out->score = 0;
	while (p < end) {
		long n, q;
		int lit = -1;

		sub->score = 0;
		if (*p == '\\') {
			n = escape_len(p, end, &lit);
		} else if (*p == '[') {
			n = class_len(p, end);
		} else if (*p == '(') {
			n = group_len(p, end);
			/* a plain or non-capturing group, required (no ?, * or {..}
			 * after it): one of its branches' literals is in every match */
			if (n > 0 && depth < 3) {
				long inner =
					(p[1] == '?' && p[2] == ':') ? 3 : (p[1] == '?' ? -1 : 1);
				long gq = quant_len(p + n, end);

				if (inner > 0 && (gq == 0 || (gq > 0 && p[n] == '+')) &&
				    !alt_literals(p + inner, p + n - 1, caseless, depth + 1, sub))
					sub->score = 0;
				else if (inner <= 0 || !(gq == 0 || (gq > 0 && p[n] == '+')))
					sub->score = 0;
			}
		} else if (*p == '|' || *p == ')' || *p == '?' || *p == '*' || *p == '+' ||
			   *p == '{') {
			n = -1;
		} else if (*p == '.' || *p == '^' || *p == '$') {
			n = 1;
		} else if ((unsigned char) *p >= 128 || *p == '\0') {
			n = 1;
			lit = -2;
		} else {
			n = 1;
			lit = (unsigned char) *p;
		}
		if (n < 0) {
			free(sub);
			return 0;
		}
		q = quant_len(p + n, end);
		if (q < 0) {
			free(sub);
			return 0;
		}
		if (sub->score > out->score)
			*out = *sub;
		if (lit >= 0 && (q == 0 || p[n] == '+')) {
			if (runlen < LIT_MAX_LEN)
				buf[runlen++] = (char) (caseless ? tolower(lit) : lit);
		} else
			lit = -1;
		if (lit < 0 || q > 0) {
			if (runlen > out->score) {
				memcpy(out->s[0], buf, runlen);
				out->s[0][runlen] = '\0';
				out->n = 1;
				out->score = runlen;
			}
			runlen = 0;
		}
		p += n + q;
	}
	if (runlen > out->score) {
		memcpy(out->s[0], buf, runlen);
		out->s[0][runlen] = '\0';
		out->n = 1;
		out->score = runlen;
	}
	free(sub);
	return out->score > 0;
}

/* alt_literals - the set of p..end, the union of its top-level branches'
 * sets; 0 when a branch has none or there are too many */
static int alt_literals(const char *p, const char *end, int caseless, int depth, lit_set *out)
{
	lit_set *b = sc_malloc(sizeof(*b));
	const char *start = p;
	int ok = 1;

	out->n = 0;
	out->score = 0;
	while (ok) {
		const char *q = start;

		/* the end of this branch: the next | at this level */
		while (q < end && *q != '|') {
			long n = 1;
			int lit;

			if (*q == '\\')
				n = escape_len(q, end, &lit);
			else if (*q == '[')
				n = class_len(q, end);
			else if (*q == '(')
				n = group_len(q, end);
			if (n < 0) {
				ok = 0;
				break;
			}
			q += n;
		}
		if (!ok || !branch_literals(start, q, caseless, depth, b) ||
		    out->n + b->n > LIT_MAX_ALTS) {
			ok = 0;
			break;
		}
		for (size_t k = 0; k < b->n; k++)
			memcpy(out->s[out->n++], b->s[k], sizeof(b->s[k]));
		if (out->score == 0 || b->score < out->score)
			out->score = b->score;
		if (q >= end)
			break;
		start = q + 1;
	}
	free(b);
	if (!ok)
		out->score = 0;
	return ok && out->score > 0;
}

/* required_literal - the literal set of pat (see above) as *out (owned:
 * the texts one after the other, each ended by a NUL, lower-cased when
 * caseless); returns how many, 0 for none */
static size_t required_literal(const char *pat, size_t len, uint32_t opts, char **out)
{
	lit_set *set;
	size_t total = 0, o = 0, n = 0;

	*out = NULL;
	if (opts & ~(uint32_t) (PCRE2_CASELESS | PCRE2_MULTILINE | PCRE2_DOTALL))
		return 0;
	set = sc_malloc(sizeof(*set));
	if (alt_literals(pat, pat + len, (opts & PCRE2_CASELESS) != 0, 0, set) && set->score >= 3) {
		for (size_t k = 0; k < set->n; k++)
			total += strlen(set->s[k]) + 1;
		*out = sc_malloc(total);
		for (size_t k = 0; k < set->n; k++) {
			size_t l = strlen(set->s[k]);

			memcpy(*out + o, set->s[k], l + 1);
			o += l + 1;
		}
		n = set->n;
	}
	free(set);
	return n;
}

/* sel_slots_build - number the distinct selectors of header rules, so a
 * run gets each one's value once however many rules read it */
static void sel_slots_build(sc_ruleset *rs)
{
	const char **seen = NULL;
	size_t n = 0;

	for (size_t i = 0; i < rs->n; i++) {
		rule *r = &rs->rules[i];
		size_t k;

		r->sel_slot = 0;
		if (r->dead || r->never || r->sel.text == NULL ||
		    (r->kind != RULE_HEADER && r->kind != RULE_HEADER_EXISTS))
			continue;
		for (k = 0; k < n; k++)
			if (strcmp(seen[k], r->sel.text) == 0)
				break;
		if (k == n) {
			seen = sc_reallocarray(seen, n + 1, sizeof(*seen));
			seen[n++] = r->sel.text;
		}
		r->sel_slot = k + 1;
	}
	free(seen);
	rs->nsel = n;
}

/* rules_pattern - see rules_int.h */
int rules_pattern(const rule *r, const char **pat, size_t *len, uint32_t *opts, char **copy)
{
	char *rest;

	*copy = NULL;
	if (r->expanded != NULL) {
		*pat = r->expanded;
		*len = strlen(r->expanded);
		*opts = r->expanded_opts;
		return 0;
	}
	*copy = sc_strdup(r->source);
	if (rules_regex_split(*copy, pat, len, opts, &rest) != NULL) {
		free(*copy);
		*copy = NULL;
		return -1;
	}
	return 0;
}

/* rules_prefilter_build - the MULTILINE twin of every live body and
 * rawbody regex that allows one (see above) */
void rules_prefilter_build(sc_ruleset *rs)
{
	sel_slots_build(rs);
	for (size_t i = 0; i < rs->n; i++) {
		rule *r = &rs->rules[i];
		const char *pat;
		size_t patlen;
		uint32_t opts;
		char *copy;
		PCRE2_SIZE off;
		int err;

		if (r->dead || r->never || r->re == NULL ||
		    (r->kind != RULE_BODY && r->kind != RULE_RAWBODY && r->kind != RULE_URI))
			continue;
		if (rules_pattern(r, &pat, &patlen, &opts, &copy) != 0)
			continue;
		r->lit_len = required_literal(pat, patlen, opts, &r->lit);
		r->lit_caseless = (opts & PCRE2_CASELESS) != 0;
		r->twin_safe = prefilter_safe(pat, patlen);
		if (r->kind != RULE_URI && r->twin_safe) {
			r->pre = pcre2_compile((PCRE2_SPTR) pat, patlen, opts | PCRE2_MULTILINE,
					       &err, &off, NULL);
			if (r->pre != NULL)
				(void) pcre2_jit_compile(r->pre, PCRE2_JIT_COMPLETE);
		}
		free(copy);
	}
}

/*
 * Loosened patterns for the Hyperscan prefilter (rules_hs.c). A rule
 * without a twin can still be prefiltered by a pattern that, over the
 * texts joined with "\n" and in multiline mode, matches wherever the rule
 * matches one text: each construct the twin argument excludes is loosened
 * into one that holds there. \A becomes ^ (a text starts at the start or
 * after a "\n"), \z and \Z become $ (a text ends before a "\n"), \G and
 * negative lookarounds become empty (always true), atomic groups become
 * plain groups and possessive quantifiers greedy ones (both only prune
 * paths). Loosening never removes a match, so the result matches a
 * superset, which is all a prefilter needs; the rule itself still runs
 * unchanged on every text the prefilter lets through. Patterns with /x
 * (a comment could hide anything from this reading), \Q, verbs,
 * conditionals, recursion, inline option resets, or anything this walk
 * does not read exactly are left alone (NULL).
 */

/* relax_quant - bytes of the quantifier at p (?, *, +, {n}, {n,}, {n,m},
 * each with an optional lazy ? or possessive +), 0 for none */
static size_t relax_quant(const char *p, const char *end)
{
	const char *q = p;

	if (q >= end)
		return 0;
	if (*q == '?' || *q == '*' || *q == '+') {
		q++;
	} else if (*q == '{') {
		const char *d = ++q;

		while (q < end && isdigit((unsigned char) *q))
			q++;
		if (q == d)
			return 0; /* "{", "{,m}": a literal brace in PCRE2 10.42 */
		if (q < end && *q == ',')
			for (q++; q < end && isdigit((unsigned char) *q);)
				q++;
		if (q >= end || *q != '}')
			return 0;
		q++;
	} else {
		return 0;
	}
	if (q < end && (*q == '?' || *q == '+'))
		q++;
	return (size_t) (q - p);
}

/* relax_escape - bytes of the escape at p (p[0] == '\\'), 0 for one not
 * read here */
static size_t relax_escape(const char *p, const char *end)
{
	if (p + 1 >= end)
		return 0;
	if (p[1] == 'x') {
		const char *q = p + 2;

		if (q < end && *q == '{') {
			while (q < end && *q != '}')
				q++;
			return q < end ? (size_t) (q + 1 - p) : 0;
		}
		for (int k = 0; k < 2 && q < end && isxdigit((unsigned char) *q); k++)
			q++;
		return (size_t) (q - p);
	}
	if (strchr("QEKcNoPpgkR", p[1]) != NULL || p[1] == '\0')
		return 0;
	return 2;
}

/* relax_class - bytes of the class at p (p[0] == '['), 0 if unread */
static size_t relax_class(const char *p, const char *end)
{
	const char *q = p + 1;

	if (q < end && *q == '^')
		q++;
	if (q < end && *q == ']')
		q++;
	while (q < end && *q != ']') {
		if (*q == '\\') {
			size_t n = relax_escape(q, end);

			if (n == 0)
				return 0;
			q += n;
		} else if (*q == '[' && q + 1 < end &&
			   (q[1] == ':' || q[1] == '.' || q[1] == '=')) {
			const char *c = q + 2;

			while (c + 1 < end && !(c[0] == q[1] && c[1] == ']'))
				c++;
			if (c + 1 >= end)
				return 0;
			q = c + 2;
		} else {
			q++;
		}
	}
	return q < end ? (size_t) (q + 1 - p) : 0;
}

/* relax_group_end - bytes of the group at p (p[0] == '(') to its ')', 0
 * if unread */
static size_t relax_group(const char *p, const char *end)
{
	const char *q = p;
	int depth = 0;

	while (q < end) {
		size_t n = 1;

		if (*q == '\\')
			n = relax_escape(q, end);
		else if (*q == '[')
			n = relax_class(q, end);
		else if (*q == '(')
			depth++;
		else if (*q == ')' && --depth == 0)
			return (size_t) (q + 1 - p);
		if (n == 0)
			return 0;
		q += n;
	}
	return 0;
}

/* rules_relax - see above and rules_int.h */
char *rules_relax(const char *pat, size_t len, uint32_t opts)
{
	const char *p = pat, *end = pat + len;
	sc_buf out;
	char *res;

	if (opts & ~(uint32_t) (PCRE2_CASELESS | PCRE2_MULTILINE | PCRE2_DOTALL))
		return NULL;
	sc_buf_init(&out, SC_BUF_UNLIMITED);
	while (p < end) {
		size_t n;

		if (*p == '\\') {
			if ((n = relax_escape(p, end)) == 0)
				goto fail;
			if (p[1] == 'A')
				(void) sc_buf_putc(&out, '^');
			else if (p[1] == 'z' || p[1] == 'Z')
				(void) sc_buf_putc(&out, '$');
			else if (p[1] != 'G')
				(void) sc_buf_append(&out, p, n);
			p += n;
		} else if (*p == '[') {
			if ((n = relax_class(p, end)) == 0)
				goto fail;
			(void) sc_buf_append(&out, p, n);
			p += n;
		} else if (*p == '(' && p + 1 < end && p[1] == '?') {
			const char *k = p + 2;

			if (k < end && (*k == '!' || (*k == '<' && k + 1 < end && k[1] == '!'))) {
				if ((n = relax_group(p, end)) == 0)
					goto fail;
				(void) sc_buf_puts(&out, "(?:)");
				p += n;
			} else if (k < end && *k == '>') {
				(void) sc_buf_puts(&out, "(?:");
				p += 3;
			} else if (k < end && (*k == ':' || *k == '=' ||
					       (*k == '<' && k + 1 < end && k[1] == '='))) {
				(void) sc_buf_append(&out, p, 3);
				p += 3;
			} else {
				/* inline options only: letters imsx (no resets), then
				 * ':' or ')'; named groups, recursion, conditionals,
				 * comments and the rest are not read here */
				while (k < end && strchr("imsx", *k) != NULL && *k != '\0')
					k++;
				if (k == p + 2 || k >= end || (*k != ':' && *k != ')'))
					goto fail;
				if (memchr(p + 2, 'x', (size_t) (k - p - 2)) != NULL)
					goto fail; /* extended mode from here on */
				(void) sc_buf_append(&out, p, (size_t) (k + 1 - p));
				p = k + 1;
			}
		} else if (*p == '(' && p + 1 < end && p[1] == '*') {
			goto fail;
		} else if ((n = relax_quant(p, end)) > 0) {
			(void) sc_buf_append(&out, p, p[n - 1] == '+' && n > 1 ? n - 1 : n);
			p += n;
		} else {
			(void) sc_buf_putc(&out, *p++);
		}
	}
	res = sc_malloc(out.len + 1);
	memcpy(res, out.data, out.len);
	res[out.len] = '\0';
	sc_buf_free(&out);
	return res;
fail:
	sc_buf_free(&out);
	return NULL;
}

/*
 * Cost and prefixes, for the Hyperscan prefilter (rules_hs.c). Hyperscan
 * unrolls bounded repeats, so a pattern like (?:[a-z]{1,15} ){0,3} becomes
 * dozens of automaton states, and a few of the stock rules' patterns (the
 * fuzzy-spelling and form-filling ones) cost it seconds of compile time
 * each and slow every scan of their database down. rules_cost estimates
 * the states: each atom one, a repeat's body times its upper bound (two
 * for * and +), branches added. A pattern over budget is replaced by a
 * prefix that fits it: every match of a sequence A B C starts with a match
 * of A, so A B is a necessary condition for A B C, and a group that must
 * occur at least once can be cut inside the same way; a top-level
 * alternation is cut branch by branch. Each item of the prefix is copied
 * as written, so the prefix matches, at the same place, the start of
 * every match of the whole: a superset, which is all a prefilter needs.
 */

/* cost_alt - the estimated states of the alternation at *p up to a ')' at
 * its level or end, *p left on that ')'; saturates past cap */
static size_t cost_alt(const char **p, const char *end, size_t cap, int depth)
{
	size_t total = 0, cur = 0;

	while (*p < end && **p != ')') {
		const char *q = *p;
		size_t atom = 1, mult = 1, n;

		if (*q == '|') {
			total += cur;
			cur = 0;
			(*p)++;
			continue;
		}
		if (*q == '\\') {
			n = relax_escape(q, end);
			q += n > 0 ? n : 2;
		} else if (*q == '[') {
			n = relax_class(q, end);
			q += n > 0 ? n : 1;
		} else if (*q == '(') {
			q++;
			if (q < end && *q == '?') { /* (?: (?= (?! (?<= (?<! (?> (?i) (?i: */
				q++;
				if (q < end && *q == '<')
					q++;
				while (q < end && strchr("imsx-^", *q) != NULL && *q != '\0')
					q++;
				if (q < end && strchr(":=!>", *q) != NULL && *q != '\0')
					q++;
			}
			if (depth > 50)
				return cap + 1;
			atom = cost_alt(&q, end, cap, depth + 1);
			if (atom == 0)
				atom = 1;
			if (q < end)
				q++; /* the ')' */
		} else {
			q++;
		}
		if (q > end)
			q = end;
		if ((n = relax_quant(q, end)) > 0) {
			if (*q == '*' || *q == '+') {
				mult = 2;
			} else if (*q == '{') {
				char *b;
				unsigned long lo = strtoul(q + 1, &b, 10), hi = lo;

				if (*b == ',')
					hi = isdigit((unsigned char) b[1])
						     ? strtoul(b + 1, NULL, 10)
						     : lo + 1;
				mult = hi > 0 ? hi : 1;
			}
			q += n;
		}
		*p = q;
		if (mult > cap || atom > cap || atom * mult > cap)
			return cap + 1;
		cur += atom * mult;
		if (total + cur > cap)
			return cap + 1;
	}
	return total + cur;
}

/* rules_cost - see above and rules_int.h */
size_t rules_cost(const char *pat, size_t len, size_t cap)
{
	const char *p = pat, *end = pat + len;
	size_t c = 0;

	while (p < end) {
		c += cost_alt(&p, end, cap, 0);
		if (c > cap)
			return c;
		if (p < end)
			p++; /* a stray ')': go on past it */
	}
	return c;
}

/* item_len - bytes of the atom at p (an escape, a class, a group, one
 * character), 0 when it is not read here */
static size_t item_len(const char *p, const char *end)
{
	if (*p == '\\')
		return relax_escape(p, end);
	if (*p == '[')
		return relax_class(p, end);
	if (*p == '(')
		return relax_group(p, end);
	if (*p == ')' || *p == '|' || *p == '*' || *p == '+' || *p == '?')
		return 0;
	return 1;
}

static int prefix_alt(const char *p, const char *end, size_t budget, sc_buf *out, int depth);

/* prefix_seq - into out, the longest prefix of the sequence p..end (no
 * top-level |) within budget, cutting into a required group where the
 * next item does not fit; 0, or -1 when not even a first item fits */
static int prefix_seq(const char *p, const char *end, size_t budget, sc_buf *out, int depth)
{
	size_t used = 0;
	int any = 0;

	while (p < end) {
		size_t n = item_len(p, end), q, c;

		if (n == 0)
			break;
		q = relax_quant(p + n, end);
		c = rules_cost(p, n + q, budget);
		if (used + c <= budget) {
			(void) sc_buf_append(out, p, n + q);
			used += c;
			any = 1;
			p += n + q;
			continue;
		}
		/* a group that occurs at least once: cut inside it */
		if (*p == '(' && depth < 8 &&
		    (q == 0 || p[n] == '+' ||
		     (p[n] == '{' && p[n + 1] >= '1' && p[n + 1] <= '9'))) {
			const char *in = p + 1;
			sc_buf sub;

			if (*in == '?') {
				for (in++;
				     in < p + n && strchr("imsx", *in) != NULL && *in != '\0';)
					in++;
				if (in >= p + n || *in != ':')
					break; /* a lookaround, a named group...: stop here */
				in++;
			}
			sc_buf_init(&sub, SC_BUF_UNLIMITED);
			if (prefix_alt(in, p + n - 1, budget - used, &sub, depth + 1) == 0) {
				(void) sc_buf_append(out, p, (size_t) (in - p));
				(void) sc_buf_append(out, sub.data, sub.len);
				(void) sc_buf_putc(out, ')');
				any = 1;
			}
			sc_buf_free(&sub);
		}
		break;
	}
	return any ? 0 : -1;
}

/* prefix_alt - into out, a prefix of the alternation p..end within budget
 * (each branch cut to its share); 0, or -1 when a branch has none */
static int prefix_alt(const char *p, const char *end, size_t budget, sc_buf *out, int depth)
{
	const char *bounds[65];
	size_t nb = 0;
	const char *q = p;

	bounds[nb++] = p;
	while (q < end) {
		size_t n = *q == '|' ? 1 : item_len(q, end);

		if (n == 0) {
			n = relax_quant(q, end);
			if (n == 0)
				return -1;
		}
		if (*q == '|') {
			if (nb == 64)
				return -1;
			bounds[nb++] = q + 1;
		}
		q += n;
	}
	bounds[nb] = end + 1;
	if (nb == 1)
		return prefix_seq(p, end, budget, out, depth);
	if (budget / nb < 4)
		return -1;
	(void) sc_buf_puts(out, "(?:");
	for (size_t k = 0; k < nb; k++) {
		if (k > 0)
			(void) sc_buf_putc(out, '|');
		if (prefix_seq(bounds[k], bounds[k + 1] - 1, budget / nb, out, depth) != 0)
			return -1;
	}
	(void) sc_buf_putc(out, ')');
	return 0;
}

/* rules_prefix - see above and rules_int.h */
char *rules_prefix(const char *pat, size_t len, size_t budget)
{
	sc_buf out;
	char *res = NULL;

	sc_buf_init(&out, SC_BUF_UNLIMITED);
	if (prefix_alt(pat, pat + len, budget, &out, 0) == 0 && out.len > 0) {
		res = sc_malloc(out.len + 1);
		memcpy(res, out.data, out.len);
		res[out.len] = '\0';
	}
	sc_buf_free(&out);
	return res;
}
