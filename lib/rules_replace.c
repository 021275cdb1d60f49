/*
 * rules_replace.c - SpamAssassin's ReplaceTags plugin: in the regexes of
 * the rules named by replace_rules, <TAG> becomes the replace_tag value,
 * and <pre P>, <post P>, <inter P> put replace_pre/post/inter values
 * before each tag, after each tag and between adjacent tags. A port of
 * ReplaceTags::finish_parsing_end, pass for pass (at most 6, while a
 * replacement brings new tags). replace_start and replace_end are taken
 * as literal strings (SpamAssassin reads them as regexes; the stock rules
 * use "<" and ">"). A result PCRE2 cannot compile (mostly its 64 KiB limit
 * on a compiled pattern) is a warning, and the rule never hits.
 */
#include "autoconfig.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "mem.h"
#include "rules_int.h"

#define REPLACE_MAX_PASSES 6 /* the first pass and up to 5 more */

/* find_def - the last definition of kind and name, or NULL */
static const char *find_def(const sc_ruleset *rs, replace_kind kind, const char *name, size_t n)
{
	const char *v = NULL;

	for (size_t i = 0; i < rs->nrepl; i++)
		if (rs->repl[i].kind == kind && strlen(rs->repl[i].name) == n &&
		    strncmp(rs->repl[i].name, name, n) == 0)
			v = rs->repl[i].value;
	return v;
}

/* find_tag - the first start.+?end in s at or after from (no newline
 * inside, as Perl's '.'): sets *b and *e (past end); 0 when none */
static int find_tag(const char *s, size_t from, const char *start, const char *end, size_t *b,
		    size_t *e)
{
	size_t sl = strlen(start), el = strlen(end), n = strlen(s);

	for (size_t i = from; i + sl <= n; i++) {
		if (strncmp(s + i, start, sl) != 0)
			continue;
		for (size_t j = i + sl + 1; j + el <= n && s[j - 1] != '\n'; j++)
			if (strncmp(s + j, end, el) == 0) {
				*b = i;
				*e = j + el;
				return 1;
			}
	}
	return 0;
}

/* take_directive - remove the first "<word NAME>" (word is pre, post or
 * inter) from re; returns NAME (malloc'd) or NULL */
static char *take_directive(sc_buf *re, const char *word, const char *start, const char *end)
{
	size_t from = 0, b, e;
	size_t sl = strlen(start), wl = strlen(word), el = strlen(end);

	while (find_tag(sc_buf_cstr(re), from, start, end, &b, &e)) {
		const char *t = sc_buf_cstr(re) + b + sl;

		/* start "word " then at least one character, then end */
		if (e - b > sl + wl + 1 + el && strncmp(t, word, wl) == 0 && t[wl] == ' ') {
			char *name = sc_strndup(t + wl + 1, e - el - (b + sl + wl + 1));

			memmove(re->data + b, re->data + e, re->len - e + 1);
			re->len -= e - b;
			return name;
		}
		from = b + 1;
	}
	return NULL;
}

/* split_tags - Perl's split(/(<[^<>]+>)/, re): text and tag pieces in
 * order, trailing empty pieces dropped; returns the count */
static size_t split_tags(const char *re, char ***pieces)
{
	size_t n = 0, p = 0, len = strlen(re), last = 0;
	char **v = NULL;

	while (p < len) {
		const char *lt = strchr(re + p, '<');
		size_t q;

		if (lt == NULL)
			break;
		q = (size_t) (lt - re) + 1;
		while (q < len && re[q] != '<' && re[q] != '>')
			q++;
		if (q >= len || re[q] != '>' || q == (size_t) (lt - re) + 1) {
			p = (size_t) (lt - re) + 1;
			continue;
		}
		v = sc_reallocarray(v, n + 2, sizeof(*v));
		v[n++] = sc_strndup(re + last, (size_t) (lt - re) - last);
		v[n++] = sc_strndup(lt, q + 1 - (size_t) (lt - re));
		last = p = q + 1;
	}
	v = sc_reallocarray(v, n + 1, sizeof(*v));
	v[n++] = sc_strdup(re + last);
	while (n > 0 && v[n - 1][0] == '\0')
		free(v[--n]);
	*pieces = v;
	return n;
}

/* insert_around - in piece, put pre before the first tag, or post after
 * every tag (pre NULL) */
static char *insert_around(const char *piece, const char *pre, const char *post, const char *start,
			   const char *end)
{
	size_t from = 0, b, e;
	sc_buf out;

	sc_buf_init(&out, SC_BUF_UNLIMITED);
	(void) sc_buf_puts(&out, "");
	while (find_tag(piece, from, start, end, &b, &e)) {
		(void) sc_buf_append(&out, piece + from, b - from);
		if (pre != NULL)
			(void) sc_buf_puts(&out, pre);
		(void) sc_buf_append(&out, piece + b, e - b);
		if (post != NULL)
			(void) sc_buf_puts(&out, post);
		from = e;
		if (pre != NULL)
			break; /* s/// without /g */
	}
	(void) sc_buf_puts(&out, piece + from);
	return sc_buf_steal(&out);
}

/* replace_all - every "start NAME end" in piece replaced by value */
static char *replace_all(const char *piece, const char *tag, const char *value)
{
	size_t tl = strlen(tag);
	sc_buf out;

	sc_buf_init(&out, SC_BUF_UNLIMITED);
	(void) sc_buf_puts(&out, "");
	for (const char *p = piece; *p != '\0';) {
		if (strncmp(p, tag, tl) == 0) {
			(void) sc_buf_puts(&out, value);
			p += tl;
		} else {
			(void) sc_buf_putc(&out, *p++);
		}
	}
	return sc_buf_steal(&out);
}

/* one_pass - one pass of finish_parsing_end over re; *again says a
 * replacement brought new tags */
static void one_pass(const sc_ruleset *rs, sc_buf *re, const char *start, const char *end,
		     int *again)
{
	char *pre = take_directive(re, "pre", start, end);
	char *post = take_directive(re, "post", start, end);
	char *inter = take_directive(re, "inter", start, end);
	const char *prev = pre ? find_def(rs, REPL_PRE, pre, strlen(pre)) : NULL;
	const char *postv = post ? find_def(rs, REPL_POST, post, strlen(post)) : NULL;
	const char *interv = inter ? find_def(rs, REPL_INTER, inter, strlen(inter)) : NULL;
	char **pieces;
	size_t n = split_tags(sc_buf_cstr(re), &pieces);

	*again = 0;
	for (size_t i = 0; i < n; i++) {
		char *v;
		size_t b, e;

		if (prev != NULL && *prev != '\0') {
			v = insert_around(pieces[i], prev, NULL, start, end);
			free(pieces[i]);
			pieces[i] = v;
		}
		if (postv != NULL && *postv != '\0') {
			v = insert_around(pieces[i], NULL, postv, start, end);
			free(pieces[i]);
			pieces[i] = v;
		}
		if (interv != NULL && *interv != '\0' && pieces[i][0] == '\0') {
			free(pieces[i]);
			pieces[i] = sc_strdup(interv);
		}
		if (find_tag(pieces[i], 0, start, end, &b, &e)) {
			size_t sl = strlen(start), el = strlen(end);
			const char *val =
				find_def(rs, REPL_TAG, pieces[i] + b + sl, e - el - b - sl);

			if (val != NULL && *val != '\0') {
				char *tag = sc_strndup(pieces[i] + b, e - b);

				v = replace_all(pieces[i], tag, val);
				free(tag);
				free(pieces[i]);
				pieces[i] = v;
				if (strchr(val, '<') != NULL &&
				    strchr(strchr(val, '<'), '>') != NULL)
					*again = 1;
			}
		}
	}
	sc_buf_reset(re);
	(void) sc_buf_puts(re, "");
	for (size_t i = 0; i < n; i++) {
		(void) sc_buf_puts(re, pieces[i]);
		free(pieces[i]);
	}
	free(pieces);
	free(pre);
	free(post);
	free(inter);
}

/* rules_set_regex - see rules_int.h */
int rules_set_regex(rule *r, const char *pat, size_t len, uint32_t opts, char *msg, size_t size,
		    size_t *off)
{
	PCRE2_SIZE at;
	pcre2_code *re;
	int err;

	re = pcre2_compile((PCRE2_SPTR) pat, len, opts, &err, &at, NULL);
	if (re == NULL) {
		if (pcre2_get_error_message(err, (PCRE2_UCHAR *) msg, size) < 0)
			(void) snprintf(msg, size, "error %d", err);
		*off = (size_t) at;
		return -1;
	}
	(void) pcre2_jit_compile(re, PCRE2_JIT_COMPLETE);
	pcre2_code_free(r->re);
	r->re = re;
	free(r->expanded);
	r->expanded = sc_strndup(pat, len);
	r->expanded_opts = opts;
	return 0;
}

/* rules_replace_tags - ReplaceTags over every rule replace_rules names */
void rules_replace_tags(sc_ruleset *rs, const size_t *idx, sc_diags *d)
{
	const char *start = rs->repl_start != NULL ? rs->repl_start : "<";
	const char *end = rs->repl_end != NULL ? rs->repl_end : ">";
	sc_buf re;

	sc_buf_init(&re, SC_BUF_UNLIMITED);
	for (size_t k = 0; k < rs->nrepl_rules; k++) {
		rule *r = rules_find(rs, idx, rs->repl_rules[k]);
		const char *pat;
		size_t patlen;
		uint32_t opts;
		char *copy, *rest, msg[256];
		int again, passes = 0;
		size_t off;

		if (r == NULL || r->re == NULL || r->replaced)
			continue; /* SpamAssassin: a missing or incompatible rule is skipped */
		r->replaced = 1;
		copy = sc_strdup(r->source);
		if (rules_regex_split(copy, &pat, &patlen, &opts, &rest) != NULL) {
			free(copy);
			continue;
		}
		sc_buf_reset(&re);
		(void) sc_buf_append(&re, pat, patlen);
		do
			one_pass(rs, &re, start, end, &again);
		while (again && ++passes < REPLACE_MAX_PASSES);
		if (re.len == patlen && memcmp(re.data, pat, patlen) == 0) {
			free(copy);
			continue;
		}
		if (rules_set_regex(r, re.data, re.len, opts, msg, sizeof(msg), &off) != 0) {
			sc_diags_add(d, SC_DIAG_WARNING, r->file, r->line,
				     "%s: regex after replace_rules does not compile at offset "
				     "%zu: %s; rule never hits",
				     r->name, off, msg);
			/* SpamAssassin keeps the regex as written when Perl cannot
			 * compile the result; PCRE2's refusal here is mostly its
			 * size limit on patterns Perl runs, so the rule as written
			 * would mean something else: it is left out instead */
			r->never = 1;
		}
		free(copy);
	}
	sc_buf_free(&re);
}
