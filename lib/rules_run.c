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

/* append_values - the values of every field named name, joined by
 * newlines as SpamAssassin does (empty ones left out if skip_empty); 1 if
 * any was appended */
static int append_values(const sc_msg *msg, const char *name, header_form form, int skip_empty,
			 sc_buf *out)
{
	long i = -1;
	int any = 0;

	while ((i = sc_msg_header_find(msg, name, (size_t) (i + 1))) >= 0) {
		const char *v = form == HEADER_RAW ? sc_msg_header_raw(msg, (size_t) i)
						   : sc_msg_header_decoded(msg, (size_t) i);

		if (skip_empty && *v == '\0')
			continue;
		if (any || (skip_empty && out->len > 0))
			(void) sc_buf_putc(out, '\n');
		(void) sc_buf_append_upto(out, v, strlen(v));
		any = 1;
	}
	return any;
}

/* has_non_space - s holds a character other than white space */
static int has_non_space(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] != ' ' && s[i] != '\t' && s[i] != '\n' && s[i] != '\r')
			return 1;
	return 0;
}

/* header_text - the text a header rule matches, with SpamAssassin's
 * pseudo-headers: ToCc is To, ", ", Cc; MESSAGEID the non-empty values of
 * X-Message-Id, Resent-Message-Id, X-Original-Message-ID and Message-Id,
 * one a line. *present says if there was any text. */
static void header_text(const rule *r, const sc_msg *msg, sc_buf *out, int *present)
{
	static const char *const msgid_fields[] = {"X-Message-Id", "Resent-Message-Id",
						   "X-Original-Message-ID", "Message-Id"};

	if (strcmp(r->header, "ToCc") == 0) {
		(void) append_values(msg, "To", r->form, 0, out);
		if (has_non_space(sc_buf_cstr(out), out->len))
			(void) sc_buf_puts(out, ", ");
		(void) append_values(msg, "Cc", r->form, 0, out);
		*present = out->len > 0;
	} else if (strcmp(r->header, "MESSAGEID") == 0) {
		for (size_t k = 0; k < sizeof(msgid_fields) / sizeof(msgid_fields[0]); k++)
			(void) append_values(msg, msgid_fields[k], r->form, 1, out);
		*present = out->len > 0;
	} else {
		*present = append_values(msg, r->header, r->form, 0, out);
	}
}

/*
 * match - run r's regex over subject; 1 match, 0 no match, -1 error (a
 * limit was hit). On a match the matched span is quoted into detail.
 */
static int match(const sc_ruleset *rs, const rule *r, const char *subject, size_t len,
		 pcre2_match_data *md, sc_buf *detail)
{
	int rc = pcre2_match(r->re, (PCRE2_SPTR) subject, len, 0, 0, md, rs->mctx);
	PCRE2_SIZE *ov;

	if (rc == PCRE2_ERROR_NOMATCH)
		return 0;
	if (rc < 0)
		return -1;
	ov = pcre2_get_ovector_pointer(md);
	if (ov[1] >= ov[0])
		quote_excerpt(detail, subject + ov[0], ov[1] - ov[0]);
	return 1;
}

/*
 * match_count - match, and under tflags multiple go on counting matches
 * after the first, up to maxhits (or SC_RULES_MAX_MULTIPLE); returns the
 * count, 0 for none, -1 on an error before the first match. A limit hit
 * after it ends the count.
 */
static int match_count(const sc_ruleset *rs, const rule *r, const char *subject, size_t len,
		       pcre2_match_data *md, sc_buf *detail)
{
	unsigned cap = r->maxhits != 0 ? r->maxhits : SC_RULES_MAX_MULTIPLE;
	int n = match(rs, r, subject, len, md, detail);
	PCRE2_SIZE *ov = pcre2_get_ovector_pointer(md);
	size_t start;

	if (n <= 0 || !(r->tflags & TFLAG_MULTIPLE))
		return n;
	start = ov[1] > ov[0] ? ov[1] : ov[0] + 1;
	while ((unsigned) n < cap && start <= len &&
	       pcre2_match(r->re, (PCRE2_SPTR) subject, len, start, 0, md, rs->mctx) >= 0) {
		n++;
		start = ov[1] > ov[0] ? ov[1] : ov[0] + 1;
	}
	if (n > 1)
		(void) sc_buf_printf(detail, " (%d times)", n);
	return n;
}

/* run_rule - evaluate one rule; its value (1, or the match count under
 * tflags multiple) on a hit, 0 if not, -1 on a regex error */
static int run_rule(const sc_ruleset *rs, const rule *r, const sc_msg *msg, pcre2_match_data *md,
		    sc_buf *scratch, sc_buf *detail)
{
	const char *body;
	size_t blen;
	int present, m;

	switch (r->kind) {
	case RULE_HEADER_EXISTS:
		if (sc_msg_header_find(msg, r->header, 0) < 0)
			return 0;
		(void) sc_buf_printf(detail, "%s is present", r->header);
		return 1;
	case RULE_HEADER:
		sc_buf_reset(scratch);
		header_text(r, msg, scratch, &present);
		if (!present && r->if_unset != NULL)
			(void) sc_buf_puts(scratch, r->if_unset);
		(void) sc_buf_printf(detail, "%s%s ", r->header,
				     r->form == HEADER_RAW ? ":raw" : "");
		if (!r->negate) {
			(void) sc_buf_puts(detail, "matched ");
			m = match_count(rs, r, sc_buf_cstr(scratch), scratch->len, md, detail);
			return m;
		}
		m = match(rs, r, sc_buf_cstr(scratch), scratch->len, md, detail);
		if (m != 0)
			return m < 0 ? -1 : 0;
		(void) sc_buf_printf(detail, "does not match %s", r->source);
		return 1;
	case RULE_BODY:
		body = sc_msg_body_text(msg, &blen);
		(void) sc_buf_puts(detail, "body matched ");
		return match_count(rs, r, body, blen, md, detail);
	case RULE_RAWBODY:
		body = sc_msg_rawbody(msg, &blen);
		(void) sc_buf_puts(detail, "rawbody matched ");
		return match_count(rs, r, body, blen, md, detail);
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

/* run_metas - every live meta in dependency order, over values */
static void run_metas(const sc_ruleset *rs, double *values, sc_buf *detail, sc_rule_hit_fn hit_fn,
		      void *arg, sc_rule_run_stats *st)
{
	double *stack = sc_reallocarray(NULL, rs->meta_stack, sizeof(*stack));

	for (size_t q = 0; q < rs->nmeta; q++) {
		size_t i = rs->meta_order[q];
		const rule *r = &rs->rules[i];

		if (rule_off(r))
			continue;
		st->evaluated++;
		values[i] = rules_meta_eval(&r->meta, values, stack) != 0.0;
		if (values[i] == 0.0)
			continue;
		sc_buf_reset(detail);
		(void) sc_buf_printf(detail, "meta (%s) is true", r->source);
		report_hit(r, detail, hit_fn, arg);
	}
	free(stack);
}

/* sc_ruleset_run - every live rule once: the others in file order, then
 * the metas in dependency order */
void sc_ruleset_run(const sc_ruleset *rs, const sc_msg *msg, sc_rule_hit_fn hit_fn, void *arg,
		    sc_rule_run_stats *st)
{
	pcre2_match_data *md = pcre2_match_data_create(1, NULL);
	double *values = sc_calloc(rs->n ? rs->n : 1, sizeof(*values));
	sc_buf scratch, detail;

	if (md == NULL)
		sc_panic("out of memory creating PCRE2 match data");
	memset(st, 0, sizeof(*st));
	sc_buf_init(&scratch, HEADER_JOIN_MAX);
	sc_buf_init(&detail, 4096);
	for (size_t i = 0; i < rs->n; i++) {
		const rule *r = &rs->rules[i];
		int m;

		if (rule_off(r) || r->kind == RULE_META)
			continue;
		st->evaluated++;
		sc_buf_reset(&detail);
		m = run_rule(rs, r, msg, md, &scratch, &detail);
		if (m < 0) {
			st->regex_errors++;
			continue;
		}
		values[i] = m;
		if (m > 0)
			report_hit(r, &detail, hit_fn, arg);
	}
	run_metas(rs, values, &detail, hit_fn, arg, st);
	free(values);
	sc_buf_free(&scratch);
	sc_buf_free(&detail);
	pcre2_match_data_free(md);
}
