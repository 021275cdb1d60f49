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
		    (r->kind != RULE_BODY && r->kind != RULE_RAWBODY))
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
		if (prefilter_safe(pat, patlen)) {
			r->pre = pcre2_compile((PCRE2_SPTR) pat, patlen, opts | PCRE2_MULTILINE,
					       &err, &off, NULL);
			if (r->pre != NULL)
				(void) pcre2_jit_compile(r->pre, PCRE2_JIT_COMPLETE);
		}
		free(copy);
	}
}
