/*
 * rules_run.c - run a ruleset over one message.
 *
 * Every rule runs at most once. Each run owns its PCRE2 match data; the
 * compiled patterns and the match context are shared read-only, which PCRE2
 * allows from any number of threads.
 */
#include "autoconfig.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "config.h"

#include "buf.h"
#include "mem.h"
#include "rules_int.h"

#define DETAIL_MAX_MATCH 60            /* bytes of matched text shown in an explanation */
#define HEADER_JOIN_MAX  (1024 * 1024) /* bytes of one header's joined values */

/* quote_excerpt - append text as a readable quoted excerpt, escaping controls */
static void quote_excerpt(sc_buf *out, const char *s, size_t n)
{
	size_t shown = n < DETAIL_MAX_MATCH ? n : DETAIL_MAX_MATCH;

	(void) sc_buf_putc(out, '"');
	for (size_t i = 0; i < shown; i++) {
		unsigned char c = (unsigned char) s[i];

		if (c == '"' || c == '\\')
			(void) sc_buf_printf(out, "\\%c", c);
		else if (c == '\n')
			(void) sc_buf_puts(out, "\\n");
		else if (c == '\r')
			(void) sc_buf_puts(out, "\\r");
		else if (c < 32 || c == 127)
			(void) sc_buf_printf(out, "\\x%02x", c);
		else
			(void) sc_buf_putc(out, c);
	}
	if (shown < n)
		(void) sc_buf_puts(out, "...");
	(void) sc_buf_putc(out, '"');
}

/* A list of texts a rule type matches one at a time, as SpamAssassin's
 * arrays of body lines, rawbody chunks and URIs. */
typedef struct span_list {
	const char **p;
	size_t *len;
	size_t n, cap;
	char **owned; /* texts made for the list, freed with it */
	size_t nowned;
	int built;
	char *joined; /* owned; every text followed by "\n", for the
		       * prefilter (rules_prefilter.c), or NULL until asked */
	size_t joined_len;
	char *joined_lc; /* owned; joined with ASCII lower-cased, or NULL */
} span_list;

/* The state of one run: the context and the lists, built on first use. */
/* One header selector's value in a run: what rules_header_get appended
 * and returned. */
typedef struct sel_value {
	int done, rc;
	char *text; /* owned */
	size_t len;
} sel_value;

typedef struct run_state {
	const sc_ruleset *rs;
	const sc_run_ctx *ctx;
	sc_rule_run_stats *st;
	pcre2_match_data *md;
	span_list body, rawbody, uri;
	sel_value *sel;                 /* rs->nsel selector values, each got on first use */
	void *hs_scratch;               /* rules_hs_take's, or NULL */
	unsigned char *hs_maybe;        /* rs->n flags: the Hyperscan scans reported
					 * the rule (rules_hs.c); made on first use */
	const unsigned char *hs_member; /* rs->n flags: the rule is in a database */
	int *hs_state;                  /* rules_hs_lists(rs) states, made on first use: 0 list
					 * not scanned yet, 1 scanned, -1 no scan (every rule runs) */
} run_state;

/* spans_add - append [p, p+len) */
static void spans_add(span_list *l, const char *p, size_t len)
{
	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 64;
		l->p = sc_reallocarray(l->p, l->cap, sizeof(*l->p));
		l->len = sc_reallocarray(l->len, l->cap, sizeof(*l->len));
	}
	l->p[l->n] = p;
	l->len[l->n++] = len;
}

/* spans_own - keep s (malloc'd) until the list is freed; returns s */
static char *spans_own(span_list *l, char *s)
{
	l->owned = sc_reallocarray(l->owned, l->nowned + 1, sizeof(*l->owned));
	l->owned[l->nowned++] = s;
	return s;
}

/* span_one - l as a list of the one text *p (*len bytes), borrowing both
 * (nothing to free: a rule over a single text allocates nothing) */
static void span_one(span_list *l, const char **p, size_t *len)
{
	memset(l, 0, sizeof(*l));
	l->p = p;
	l->len = len;
	l->n = 1;
}

/* spans_free - release a list */
static void spans_free(span_list *l)
{
	for (size_t i = 0; i < l->nowned; i++)
		free(l->owned[i]);
	free(l->owned);
	free(l->p);
	free(l->len);
	free(l->joined);
	free(l->joined_lc);
}

/* spans_joined - the texts joined, each followed by "\n" (made once) */
static const char *spans_joined(span_list *l, size_t *len)
{
	if (l->joined == NULL) {
		size_t n = 0, o = 0;

		for (size_t i = 0; i < l->n; i++)
			n += l->len[i] + 1;
		l->joined = sc_malloc(n + 1);
		for (size_t i = 0; i < l->n; i++) {
			memcpy(l->joined + o, l->p[i], l->len[i]);
			o += l->len[i];
			l->joined[o++] = '\n';
		}
		l->joined[o] = '\0';
		l->joined_len = o;
	}
	*len = l->joined_len;
	return l->joined;
}

/* spans_joined_lc - spans_joined with ASCII letters lower-cased (made once) */
static const char *spans_joined_lc(span_list *l, size_t *len)
{
	const char *j = spans_joined(l, len);

	if (l->joined_lc == NULL) {
		l->joined_lc = sc_malloc(*len + 1);
		for (size_t i = 0; i <= *len; i++) {
			unsigned char c = (unsigned char) j[i];

			l->joined_lc[i] = (char) (c >= 'A' && c <= 'Z' ? c + 32 : c);
		}
	}
	return l->joined_lc;
}

/* last_index_of - Perl's rindex(s, c, pos) over n bytes; -1 when none */
static long last_index_of(const char *s, size_t n, char c, size_t pos)
{
	if (n == 0)
		return -1;
	for (size_t i = pos < n ? pos + 1 : n; i-- > 0;)
		if (s[i] == c)
			return (long) i;
	return -1;
}

/* index_from - Perl's index(s, c, pos) over n bytes; -1 when none */
static long index_from(const char *s, size_t n, char c, size_t pos)
{
	const char *q = pos < n ? memchr(s + pos, c, n - pos) : NULL;

	return q != NULL ? (long) (q - s) : -1;
}

/* add_short_lines - SpamAssassin's split_into_array_of_short_lines: every
 * line with its newline, a line longer than SC_RULES_BODY_LINE_MAX cut
 * after the last space before that length (or at it) */
static void add_short_lines(span_list *l, const char *text, size_t n)
{
	size_t p = 0;

	while (p < n) {
		const char *nl = memchr(text + p, '\n', n - p);
		size_t e = nl != NULL ? (size_t) (nl - text) + 1 : n;

		while (e - p > SC_RULES_BODY_LINE_MAX) {
			long sp = last_index_of(text + p, e - p, ' ', SC_RULES_BODY_LINE_MAX);
			size_t cut = sp >= 0 ? (size_t) sp + 1 : SC_RULES_BODY_LINE_MAX;

			spans_add(l, text + p, cut);
			p += cut;
		}
		spans_add(l, text + p, e - p);
		p = e;
	}
}

/* add_short_paragraphs - SpamAssassin's split_into_array_of_short_paragraphs:
 * text as one piece, or, when longer than SC_RULES_BODY_LINE_MAX, pieces
 * cut after a newline, a '>' or a space at or past that length */
static void add_short_paragraphs(span_list *l, const char *t, size_t n)
{
	const size_t max = SC_RULES_BODY_LINE_MAX;
	size_t ofs = 0;

	if (n <= max) {
		spans_add(l, t, n);
		return;
	}
	for (; n - ofs > 2 * max;) {
		long j = index_from(t, n, '\n', ofs + max);

		if (j < 0 || (size_t) j - ofs + 1 > 2 * max) {
			j = index_from(t, n, '>', ofs + max);
			if (j < 0 || (size_t) j - ofs + 1 > 2 * max) {
				j = index_from(t, n, ' ', ofs + max);
				if (j < 0 || (size_t) j - ofs + 1 > 2 * max)
					j = (long) (ofs + max);
			}
		}
		spans_add(l, t + ofs, (size_t) j - ofs + 1);
		ofs = (size_t) j + 1;
	}
	if (ofs < n)
		spans_add(l, t + ofs, n - ofs);
}

/* is_leaf - no part of m has part i as its parent */
static int is_leaf(const sc_msg *m, size_t i)
{
	return i + 1 >= sc_msg_part_count(m) || sc_msg_part_at(m, i + 1)->parent != i;
}

/* scan_cut - SpamAssassin's rawbody_part_scan_size cut of n bytes of t:
 * past max, at the next newline, '>' or space within 1 KiB, else at max */
static size_t scan_cut(const char *t, size_t n, size_t max)
{
	static const char stops[] = {'\n', '>', ' '};

	if (n <= max)
		return n;
	for (size_t k = 0; k < sizeof(stops); k++) {
		long i = index_from(t, n, stops[k], max);

		if (i >= 0 && (size_t) i - max <= 1024)
			return (size_t) i + 1;
	}
	return max;
}

/* build_body - the rendered body, line by line */
static span_list *build_body(run_state *s)
{
	size_t n;
	const char *t;

	if (!s->body.built) {
		long subj = sc_msg_header_find(s->ctx->msg, "Subject", 0);
		int blank = 1;

		for (const char *p = subj >= 0 ? sc_msg_header_decoded(s->ctx->msg, (size_t) subj)
					       : "";
		     *p != '\0' && blank; p++)
			blank = *p == ' ' || *p == '\t' || *p == '\n' || *p == '\r';
		/* SpamAssassin's array always starts with the Subject line, "\n"
		 * when there is none or it is blank; the rendering then has no
		 * such line */
		if (blank)
			spans_add(&s->body, "\n", 1);
		t = sc_msg_body_text(s->ctx->msg, &n);
		add_short_lines(&s->body, t, n);
		s->body.built = 1;
	}
	return &s->body;
}

/* build_rawbody - each text leaf part (text/calendar aside, attached ones
 * included, as SpamAssassin's get_decoded_body_text_array) and each
 * attachment given text (an SVG picture), cut to the scan size, in short
 * paragraphs */
static span_list *build_rawbody(run_state *s)
{
	const sc_msg *m = s->ctx->msg;

	if (s->rawbody.built)
		return &s->rawbody;
	for (size_t i = 0; i < sc_msg_part_count(m); i++) {
		const sc_msg_part *p = sc_msg_part_at(m, i);

		if (p->text == NULL || !is_leaf(m, i) ||
		    (strncmp(p->type, "text/", 5) != 0 && strncmp(p->type, "message/", 8) != 0 &&
		     p->attachment < 0) ||
		    strcmp(p->type, "text/calendar") == 0)
			continue;
		add_short_paragraphs(&s->rawbody, p->text,
				     scan_cut(p->text, p->text_len, SC_RULES_RAWBODY_SCAN_SIZE));
	}
	s->rawbody.built = 1;
	return &s->rawbody;
}

/* uri_seen - text is already one of the list's URIs */
static int uri_seen(const span_list *l, const char *text)
{
	size_t n = strlen(text);

	for (size_t i = 0; i < l->n; i++)
		if (l->len[i] == n && memcmp(l->p[i], text, n) == 0)
			return 1;
	return 0;
}

/* add_uri - one variant of a URI, once */
static void add_uri(span_list *l, const char *text)
{
	if (*text == '\0' || uri_seen(l, text))
		return;
	spans_add(l, spans_own(l, sc_strdup(text)), strlen(text));
}

/* build_uri - every URL of the message as written (a schemeless one with
 * http://, an e-mail address as mailto:) and normalised, each text once,
 * as SpamAssassin's get_uri_list gives each URI and its cleaned forms */
static span_list *build_uri(run_state *s)
{
	const sc_url_set *urls = sc_msg_urls(s->ctx->msg);
	size_t n = urls != NULL ? sc_url_set_count(urls) : 0;
	sc_buf b;

	if (s->uri.built)
		return &s->uri;
	sc_buf_init(&b, SC_BUF_UNLIMITED);
	for (size_t i = 0; i < n; i++) {
		const sc_url *u = sc_url_set_at(urls, i);

		sc_buf_reset(&b);
		if (u->flags & SC_URL_MAILTO) {
			if (u->flags & SC_URL_NO_SCHEME)
				(void) sc_buf_puts(&b, "mailto:");
		} else if (u->scheme[0] == '\0' && u->host[0] != '\0') {
			(void) sc_buf_puts(&b, "http://");
		}
		(void) sc_buf_puts(&b, u->raw);
		add_uri(&s->uri, sc_buf_cstr(&b));
		add_uri(&s->uri, u->normalised);
	}
	sc_buf_free(&b);
	s->uri.built = 1;
	return &s->uri;
}

/* hs_excludes - the Hyperscan scan of r's list (made on first use) rules
 * r out: r cannot match any of l's texts (rules_hs.c). A header rule's l
 * is its selector's value, scanned as it is; the other lists are scanned
 * joined. */
static int hs_excludes(run_state *s, const rule *r, span_list *l)
{
	long list = rules_hs_list(r);
	size_t i = (size_t) (r - s->rs->rules);

	if (s->hs_scratch == NULL || list < 0 || (r->kind != RULE_HEADER && !l->built))
		return 0;
	if (s->hs_state == NULL)
		s->hs_state = sc_calloc(rules_hs_lists(s->rs), sizeof(*s->hs_state));
	if (s->hs_state[list] == 0) {
		size_t len;
		const char *text;

		if (r->kind == RULE_HEADER) {
			text = l->p[0];
			len = l->len[0];
		} else {
			text = spans_joined(l, &len);
		}
		if (s->hs_maybe == NULL)
			s->hs_maybe = sc_calloc(s->rs->n ? s->rs->n : 1, 1);
		s->hs_state[list] = rules_hs_scan(s->rs, list, s->hs_scratch, text, len,
						  s->hs_maybe, &s->hs_member) == 0
					    ? 1
					    : -1;
	}
	if (s->hs_state[list] == 1 && s->hs_member[i] && !s->hs_maybe[i]) {
		s->st->prefiltered++;
		return 1;
	}
	return 0;
}

/*
 * match_spans - SpamAssassin's loop over an array: without tflags multiple
 * the rule hits (1) at the first text it matches; with it, every match in
 * every text counts, up to maxhits (or SC_RULES_MAX_MULTIPLE). Returns the
 * value, or -1 on an error before the first match (a limit hit after it
 * ends the count). skip_first leaves the first text out (tflags nosubject).
 */
static int match_spans(run_state *s, const rule *r, span_list *l, int skip_first, sc_buf *detail,
		       const char *what)
{
	unsigned cap = r->maxhits != 0 ? r->maxhits : SC_RULES_MAX_MULTIPLE;
	PCRE2_SIZE *ov = pcre2_get_ovector_pointer(s->md);
	int n = 0;

	/* Not even Hyperscan's superset of the twin matches: no match. */
	if (hs_excludes(s, r, l))
		return 0;

	/* A text every match contains is in none of the texts: no match. */
	if (r->lit != NULL && l->built) {
		size_t jlen;
		const char *j =
			r->lit_caseless ? spans_joined_lc(l, &jlen) : spans_joined(l, &jlen);

		const char *t = r->lit;
		size_t k;

		for (k = 0; k < r->lit_len; k++) {
			size_t tl = strlen(t);

			if (memmem(j, jlen, t, tl) != NULL)
				break;
			t += tl + 1;
		}
		if (k == r->lit_len)
			return 0;
	}

	/* No match over all texts at once: none in any one of them. */
	if (r->pre != NULL && l->n > 1) {
		size_t jlen;
		const char *j = spans_joined(l, &jlen);

		if (pcre2_match(r->pre, (PCRE2_SPTR) j, jlen, 0, 0, s->md, s->rs->mctx) ==
		    PCRE2_ERROR_NOMATCH)
			return 0;
	}

	for (size_t i = skip_first ? 1 : 0; i < l->n; i++) {
		size_t start = 0;
		int rc;

		while ((rc = pcre2_match(r->re, (PCRE2_SPTR) l->p[i], l->len[i], start, 0, s->md,
					 s->rs->mctx)) >= 0) {
			if (n == 0) {
				(void) sc_buf_puts(detail, what);
				(void) sc_buf_puts(detail, " matched ");
				quote_excerpt(detail, l->p[i] + ov[0],
					      ov[1] >= ov[0] ? ov[1] - ov[0] : 0);
			}
			n++;
			if (!(r->tflags & TFLAG_MULTIPLE))
				return 1;
			if ((unsigned) n >= cap)
				goto done;
			start = ov[1] > ov[0] ? ov[1] : ov[0] + 1;
			if (start > l->len[i])
				break;
		}
		if (rc != PCRE2_ERROR_NOMATCH && n == 0)
			return -1;
		if (rc != PCRE2_ERROR_NOMATCH)
			break;
	}
done:
	if (n > 1)
		(void) sc_buf_printf(detail, " (%d times)", n);
	return n;
}

/* header_get - rules_header_get for r's selector into *text, *len (the
 * selector's value, got once per run); its return value */
static int header_get(run_state *s, const rule *r, sc_buf *scratch, const char **text, size_t *len)
{
	sel_value *v;

	if (r->sel_slot == 0) {
		int rc;

		sc_buf_reset(scratch);
		rc = rules_header_get(s->ctx, &r->sel, scratch);
		*text = sc_buf_cstr(scratch);
		*len = scratch->len;
		return rc;
	}
	if (s->sel == NULL)
		s->sel = sc_calloc(s->rs->nsel, sizeof(*s->sel));
	v = &s->sel[r->sel_slot - 1];
	if (!v->done) {
		sc_buf_reset(scratch);
		v->rc = rules_header_get(s->ctx, &r->sel, scratch);
		v->len = scratch->len;
		v->text = sc_malloc(v->len + 1);
		memcpy(v->text, sc_buf_cstr(scratch), v->len + 1);
		v->done = 1;
	}
	*text = v->text;
	*len = v->len;
	return v->rc;
}

/* run_header - a header rule over its selector's text; a missing header
 * reads as its [if-unset: ...] text, or as "" (Perl's undef) */
static int run_header(run_state *s, const rule *r, sc_buf *scratch, sc_buf *detail)
{
	const char *text;
	size_t len;
	span_list one = {0};
	int m;

	if (!header_get(s, r, scratch, &text, &len) && r->if_unset != NULL) {
		if (text != sc_buf_cstr(scratch)) {
			sc_buf_reset(scratch);
			(void) sc_buf_append(scratch, text, len);
		}
		(void) sc_buf_puts(scratch, r->if_unset);
		text = sc_buf_cstr(scratch);
		len = scratch->len;
	}
	span_one(&one, &text, &len);
	m = match_spans(s, r, &one, 0, detail, r->sel.text);
	if (!r->negate)
		return m;
	sc_buf_reset(detail);
	if (m != 0)
		return m < 0 ? -1 : 0;
	(void) sc_buf_printf(detail, "%s does not match %s", r->sel.text, r->source);
	return 1;
}

/* run_eval - an eval: rule through its check */
static int run_eval(run_state *s, const rule *r, sc_buf *detail)
{
	int m;

	(void) sc_buf_printf(detail, "%s: ", r->source);
	m = r->eval->fn(s->ctx, (const char *const *) r->args, r->nargs, detail);
	return m < 0 ? -1 : m;
}

/* run_rule - evaluate one rule; its value (1, or the match count under
 * tflags multiple) on a hit, 0 if not, -1 on an error */
static int run_rule(run_state *s, const rule *r, sc_buf *scratch, sc_buf *detail)
{
	span_list one = {0};
	const char *text;
	size_t len;

	switch (r->kind) {
	case RULE_HEADER_EXISTS:
		if (header_get(s, r, scratch, &text, &len) <= 0)
			return 0;
		(void) sc_buf_printf(detail, "%s is present", r->sel.text);
		return 1;
	case RULE_HEADER:
		return run_header(s, r, scratch, detail);
	case RULE_BODY:
		return match_spans(s, r, build_body(s), (r->tflags & TFLAG_NOSUBJECT) != 0, detail,
				   "body");
	case RULE_RAWBODY:
		return match_spans(s, r, build_rawbody(s), 0, detail, "rawbody");
	case RULE_URI:
		return match_spans(s, r, build_uri(s), 0, detail, "URI");
	case RULE_FULL:
		if (s->ctx->raw == NULL)
			return 0;
		text = s->ctx->raw;
		len = s->ctx->raw_len;
		span_one(&one, &text, &len);
		return match_spans(s, r, &one, 0, detail, "message");
	case RULE_EVAL:
		return run_eval(s, r, detail);
	default:
		sc_panic("rule %s has unknown kind %d", r->name, (int) r->kind);
	}
}

/* report_hit - hand one hit to the caller, unless r is a sub-rule */
static void report_hit(const rule *r, const sc_buf *detail, sc_rule_hit_fn hit_fn, void *arg)
{
	sc_rule_hit hit;

	if (rules_is_subrule(r->name))
		return;
	hit.name = r->name;
	hit.description = r->description != NULL ? r->description : "";
	hit.detail = sc_buf_cstr(detail);
	hit.score = r->score;
	hit_fn(arg, &hit);
}

/* rule_off - a rule that does not run: replaced, or, as in SpamAssassin,
 * given a score of 0 (metas then read it as 0) */
static int rule_off(const rule *r)
{
	return r->dead || (r->score_set && r->score == 0.0);
}

/* run_metas - every live meta in dependency order, over values; a
 * reported hit's detail says which inputs made it true (rules_why.c) */
static void run_metas(const sc_ruleset *rs, double *values, const rules_why *why, sc_buf *detail,
		      sc_rule_hit_fn hit_fn, void *arg, sc_rule_run_stats *st)
{
	double *stack = sc_reallocarray(NULL, rs->meta_stack, sizeof(*stack));

	for (size_t q = 0; q < rs->nmeta; q++) {
		size_t i = rs->meta_order[q];
		const rule *r = &rs->rules[i];

		if (rule_off(r))
			continue;
		st->evaluated++;
		values[i] = rules_meta_eval(&r->meta, values, stack) != 0.0;
		if (values[i] == 0.0 || rules_is_subrule(r->name))
			continue;
		sc_buf_reset(detail);
		rules_why_meta(why, values, i, detail);
		report_hit(r, detail, hit_fn, arg);
	}
	free(stack);
}

/* now_ms - the monotonic clock in milliseconds */
static double now_ms(void)
{
	struct timespec ts;

	(void) clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double) ts.tv_sec * 1000.0 + (double) ts.tv_nsec / 1e6;
}

/* sc_ruleset_run - see rules.h */
void sc_ruleset_run(const sc_ruleset *rs, const sc_run_ctx *ctx, sc_rule_hit_fn hit_fn, void *arg,
		    sc_rule_run_stats *st)
{
	sc_ruleset_run_timed(rs, ctx, hit_fn, arg, st, NULL);
}

/* sc_ruleset_run_timed - every live rule once: the others in file order,
 * then the metas in dependency order; the non-meta rules within the time
 * budget, each timed into rule_ms when it is not NULL */
void sc_ruleset_run_timed(const sc_ruleset *rs, const sc_run_ctx *ctx, sc_rule_hit_fn hit_fn,
			  void *arg, sc_rule_run_stats *st, double *rule_ms)
{
	double *values = sc_calloc(rs->n ? rs->n : 1, sizeof(*values));
	unsigned long budget = ctx->config != NULL ? ctx->config->rules_time_budget_ms
						   : SC_RULES_DEFAULT_TIME_BUDGET_MS;
	double deadline = now_ms() + (double) budget;
	run_state s;
	sc_buf scratch, detail;
	sc_run_ctx rctx = *ctx; /* the caller's, with this run's memo */
	sc_run_memo memo;
	rules_why why;

	memset(&memo, 0, sizeof(memo));
	rules_why_init(&why, rs);
	rctx.memo = &memo;
	memset(&s, 0, sizeof(s));
	s.rs = rs;
	s.ctx = &rctx;
	s.st = st;
	s.md = pcre2_match_data_create(1, NULL);
	if (s.md == NULL)
		sc_panic("out of memory creating PCRE2 match data");
	s.hs_scratch = rules_hs_take(rs);
	memset(st, 0, sizeof(*st));
	sc_buf_init(&scratch, HEADER_JOIN_MAX);
	sc_buf_init(&detail, 4096);
	for (size_t i = 0; i < rs->n; i++) {
		const rule *r = &rs->rules[i];
		double t0;
		int m;

		if (rule_off(r) || r->never || r->kind == RULE_META)
			continue;
		/* between rules: the first always runs, so a late start (a busy
		 * machine) cannot skip a message's every rule */
		if (budget != 0 && st->evaluated > 0 &&
		    (st->budget_skipped > 0 || now_ms() > deadline)) {
			st->budget_skipped++;
			continue;
		}
		st->evaluated++;
		sc_buf_reset(&detail);
		t0 = rule_ms != NULL ? now_ms() : 0.0;
		m = run_rule(&s, r, &scratch, &detail);
		if (rule_ms != NULL)
			rule_ms[i] += now_ms() - t0;
		if (m < 0) {
			st->regex_errors++;
			continue;
		}
		values[i] = m;
		if (m > 0 && r->meta_input)
			rules_why_keep(&why, i, sc_buf_cstr(&detail), detail.len);
		if (m > 0)
			report_hit(r, &detail, hit_fn, arg);
	}
	run_metas(rs, values, &why, &detail, hit_fn, arg, st);
	rules_why_free(&why);
	free(values);
	sc_buf_free(&scratch);
	sc_buf_free(&detail);
	spans_free(&s.body);
	spans_free(&s.rawbody);
	spans_free(&s.uri);
	if (s.sel != NULL) {
		for (size_t k = 0; k < rs->nsel; k++)
			free(s.sel[k].text);
		free(s.sel);
	}
	free(s.hs_maybe);
	free(s.hs_state);
	free(memo.relays[0]);
	free(memo.relays[1]);
	rules_hs_give(rs, s.hs_scratch);
	pcre2_match_data_free(s.md);
}
