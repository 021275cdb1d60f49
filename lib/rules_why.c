/*
 * rules_why.c - why a meta rule is true, for its hit's detail.
 *
 * A meta's detail names the inputs that made it true and their own
 * why-texts: "A: body matched \"x\"" for one input, "A (why); C (why); no
 * N" for several, and "2 of 3 true: A (why); C (why)" for a counted sum (of
 * two or more rules, or (X > 0) terms, compared with something; in [] when
 * the meta says more than the count). An input that is itself a meta is
 * explained the same way, down to WHY_MAX_DEPTH levels below the reported
 * meta; deeper ones are only named. Each input's text
 * is cut at WHY_ITEM_MAX bytes and the whole detail at WHY_MAX bytes.
 *
 * The why-texts of non-meta hits are kept during a run only for rules a
 * live meta reads (rule.meta_input), in one buffer of the run; the text of
 * a meta is made only when a scored meta is reported. Nothing here is
 * shared between runs, so runs in parallel need no lock.
 */
#include "autoconfig.h"

#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "mem.h"
#include "rules_int.h"

#define WHY_MAX       300 /* bytes of a meta's detail */
#define WHY_ITEM_MAX  120 /* bytes of one input's why-text in it */
#define WHY_MAX_DEPTH 2   /* levels of metas below the reported one explained */

/* rules_why_init - an empty store for a run of rs */
void rules_why_init(rules_why *w, const sc_ruleset *rs)
{
	memset(w, 0, sizeof(*w));
	w->rs = rs;
	sc_buf_init(&w->text, SC_BUF_UNLIMITED);
}

/* rules_why_free - release the store */
void rules_why_free(rules_why *w)
{
	sc_buf_free(&w->text);
	free(w->at);
	memset(w, 0, sizeof(*w));
}

/* rules_why_keep - keep detail (len bytes) as rule i's why-text */
void rules_why_keep(rules_why *w, size_t i, const char *detail, size_t len)
{
	if (w->at == NULL)
		w->at = sc_calloc(w->rs->n ? w->rs->n : 1, sizeof(*w->at));
	w->at[i] = w->text.len + 1;
	if (sc_buf_append(&w->text, detail, len) != 0 || sc_buf_putc(&w->text, '\0') != 0)
		w->at[i] = 0;
}

/* kept - rule i's kept why-text, or "" */
static const char *kept(const rules_why *w, size_t i)
{
	return w->at != NULL && w->at[i] != 0 ? w->text.data + w->at[i] - 1 : "";
}

/* cut_point - the longest prefix of s (len bytes) of at most max bytes
 * that ends neither inside a UTF-8 sequence nor after a lone backslash */
static size_t cut_point(const char *s, size_t len, size_t max)
{
	size_t p = len < max ? len : max;
	size_t slashes = 0;

	if (p == len)
		return p;
	while (p > 0 && ((unsigned char) s[p] & 0xC0) == 0x80)
		p--;
	while (slashes < p && s[p - 1 - slashes] == '\\')
		slashes++;
	return slashes % 2 ? p - 1 : p;
}

/* put_capped - append s cut at max bytes, "..." marking the cut */
static void put_capped(sc_buf *out, const char *s, size_t len, size_t max)
{
	size_t p = cut_point(s, len, max);

	(void) sc_buf_append(out, s, p);
	if (p < len)
		(void) sc_buf_puts(out, "...");
}

/* A group of ops forming a sum of rules compared with something: the
 * counted form "(A + B + C) >= 2". */
typedef struct op_range {
	size_t from, to; /* ops [from, to) */
} op_range;

/* One value on the stack of the analysis: the ops that compute it. */
typedef struct op_span {
	size_t from;
	size_t nrules; /* rules summed, when sum */
	int sum;       /* a sum of rules and numbers only */
} op_span;

/* is_compare - op compares two values */
static int is_compare(meta_opcode op)
{
	return op == META_EQ || op == META_NE || op == META_LT || op == META_LE || op == META_GT ||
	       op == META_GE;
}

/* is_truth_test - op applied to a (one rule) and b (one number) is 1
 * exactly when the rule is true: X > 0, X >= 1, X != 0 */
static int is_truth_test(const meta_prog *prog, meta_opcode op, const op_span *a, const op_span *b)
{
	double num;

	if (!a->sum || a->nrules != 1 || b->from != a->from + 1 ||
	    prog->ops[a->from].op != META_RULE || prog->ops[b->from].op != META_NUM)
		return 0;
	num = prog->ops[b->from].num;
	return (op == META_GT && num == 0.0) || (op == META_GE && num == 1.0) ||
	       (op == META_NE && num == 0.0);
}

/* find_counts - the counted sums of prog into groups (prog->n entries at
 * most); how many */
static size_t find_counts(const meta_prog *prog, op_range *groups)
{
	op_span *st = sc_reallocarray(NULL, prog->max_stack + 1, sizeof(*st));
	size_t sp = 0, ng = 0;

	for (size_t k = 0; k < prog->n; k++) {
		meta_opcode op = prog->ops[k].op;
		op_span a, b;

		if (op == META_NUM || op == META_RULE) {
			st[sp].from = k;
			st[sp].nrules = op == META_RULE;
			st[sp++].sum = 1;
			continue;
		}
		if (op == META_NOT || op == META_NEG) {
			st[sp - 1].sum = 0;
			continue;
		}
		b = st[--sp];
		a = st[sp - 1];
		if (is_truth_test(prog, op, &a, &b)) {
			st[sp - 1].sum = 1; /* (X > 0) counts as X */
			continue;
		}
		if (is_compare(op) && a.sum && a.nrules >= 2) {
			groups[ng].from = a.from;
			groups[ng++].to = b.from;
		} else if (is_compare(op) && b.sum && b.nrules >= 2) {
			groups[ng].from = b.from;
			groups[ng++].to = k;
		}
		st[sp - 1].sum = op == META_ADD && a.sum && b.sum;
		st[sp - 1].nrules = a.nrules + b.nrules;
	}
	free(st);
	return ng;
}

/*
 * find_relevant - mark in relevant[] the ops of prog that can be reasons:
 * all but those inside a false operand of a true || (in "A || (B && !C)"
 * with A true and B false, "no C" is no reason) and, under a !, inside a
 * true operand of a false &&. The program is postfix, so each op's
 * operands come before it: the ops are evaluated once, bottom-up, keeping
 * each one's value and operands, then marked top-down from the last op
 * (the meta's value).
 */
static void find_relevant(const meta_prog *prog, const double *values, char *relevant)
{
	size_t n = prog->n, sp = 0;
	double *val = sc_reallocarray(NULL, n + 1, sizeof(*val));
	long *left = sc_reallocarray(NULL, n + 1, sizeof(*left));
	long *right = sc_reallocarray(NULL, n + 1, sizeof(*right));
	long *st = sc_reallocarray(NULL, prog->max_stack + 1, sizeof(*st));

	for (size_t k = 0; k < n; k++) {
		const meta_op *o = &prog->ops[k];

		left[k] = right[k] = -1;
		relevant[k] = 0;
		if (o->op == META_NUM || o->op == META_RULE) {
			val[k] = o->op == META_NUM ? o->num : o->ref >= 0 ? values[o->ref] : 0.0;
		} else if (o->op == META_NOT || o->op == META_NEG) {
			left[k] = st[--sp];
			val[k] = o->op == META_NOT ? val[left[k]] == 0.0 : -val[left[k]];
		} else {
			right[k] = st[--sp];
			left[k] = st[--sp];
			val[k] = rules_meta_binary(o->op, val[left[k]], val[right[k]]);
		}
		st[sp++] = (long) k;
	}
	if (n > 0)
		relevant[n - 1] = 1;
	for (size_t k = n; k-- > 0;) {
		const meta_op *o = &prog->ops[k];
		int either = o->op == META_OR && val[k] != 0.0;
		int both_false = o->op == META_AND && val[k] == 0.0;

		if (!relevant[k])
			continue;
		/* a true ||: its true operands; a false && (under a !): its
		 * false ones; anything else: all operands */
		if (left[k] >= 0)
			relevant[left[k]] =
				either || both_false ? (val[left[k]] != 0.0) == either : 1;
		if (right[k] >= 0)
			relevant[right[k]] =
				either || both_false ? (val[right[k]] != 0.0) == either : 1;
	}
	free(st);
	free(right);
	free(left);
	free(val);
}

/* The state of one explanation. */
typedef struct why_walk {
	const rules_why *w;
	const double *values;
	sc_buf *out;  /* NULL while only counting the items */
	long *listed; /* rules named so far at this level */
	size_t nlisted;
	const char *relevant; /* per op: it can be a reason (find_relevant) */
} why_walk;

static void explain(const rules_why *w, const double *values, size_t i, unsigned depth,
		    sc_buf *out);

/* listed_before - ref was named already at this level; else remember it */
static int listed_before(why_walk *ww, long ref)
{
	for (size_t k = 0; k < ww->nlisted; k++)
		if (ww->listed[k] == ref)
			return 1;
	ww->listed[ww->nlisted++] = ref;
	return 0;
}

/* put_input - input rule ref's name and why: "NAME: why" when it is the
 * one reason given (plain), else "NAME (why)"; for a meta its own
 * explanation, or its name alone past the depth cap */
static void put_input(why_walk *ww, long ref, int plain, unsigned depth, const char *sep)
{
	const rule *t = &ww->w->rs->rules[ref];
	sc_buf inner;
	const char *why;
	size_t len;

	(void) sc_buf_puts(ww->out, sep);
	(void) sc_buf_puts(ww->out, t->name);
	if (t->kind == RULE_META && depth >= WHY_MAX_DEPTH)
		return;
	sc_buf_init(&inner, SC_BUF_UNLIMITED);
	if (t->kind == RULE_META) {
		explain(ww->w, ww->values, (size_t) ref, depth + 1, &inner);
		why = sc_buf_cstr(&inner);
		len = inner.len;
	} else {
		why = kept(ww->w, (size_t) ref);
		len = strlen(why);
	}
	if (len > 0) {
		(void) sc_buf_puts(ww->out, plain ? ": " : " (");
		put_capped(ww->out, why, len, WHY_ITEM_MAX);
		(void) sc_buf_puts(ww->out, plain ? "" : ")");
	}
	sc_buf_free(&inner);
}

/* put_count - a counted sum: "k of n true: A (why); C (why)" */
static void put_count(why_walk *ww, const meta_prog *prog, const op_range *g, unsigned depth)
{
	size_t n = 0, k = 0, start = ww->out->len;
	const char *sep = ": ";

	for (size_t o = g->from; o < g->to; o++)
		if (prog->ops[o].op == META_RULE) {
			n++;
			k += prog->ops[o].ref >= 0 && ww->values[prog->ops[o].ref] != 0.0;
		}
	(void) sc_buf_printf(ww->out, "%zu of %zu true", k, n);
	for (size_t o = g->from; o < g->to && ww->out->len - start < WHY_MAX; o++) {
		long ref = prog->ops[o].ref;

		if (prog->ops[o].op != META_RULE || ref < 0 || ww->values[ref] == 0.0)
			continue;
		put_input(ww, ref, 0, depth, sep);
		sep = "; ";
	}
}

/* walk - the reasons meta prog is true, each once, into ww->out (when not
 * NULL) after "; "-separated: its counted sums (groups, ng of them), true
 * inputs and "no X" for negated false ones; how many. plain: there is one. */
static size_t walk(why_walk *ww, const meta_prog *prog, const op_range *groups, size_t ng,
		   unsigned depth, int plain)
{
	size_t g = 0, items = 0, start = ww->out != NULL ? ww->out->len : 0;

	for (size_t k = 0; k < prog->n; k++) {
		const meta_op *o = &prog->ops[k];
		const char *sep = items ? "; " : "";
		int negated = k + 1 < prog->n && prog->ops[k + 1].op == META_NOT;

		if (ww->out != NULL && ww->out->len - start >= WHY_MAX)
			break;
		while (g < ng && groups[g].to <= k)
			g++;
		if (g < ng && groups[g].from == k && !ww->relevant[k]) {
			k = groups[g].to - 1;
			continue;
		}
		if (g < ng && groups[g].from == k) {
			items++;
			k = groups[g].to - 1;
			if (ww->out == NULL)
				continue;
			(void) sc_buf_puts(ww->out, sep);
			(void) sc_buf_puts(ww->out, plain ? "" : "[");
			put_count(ww, prog, &groups[g], depth);
			(void) sc_buf_puts(ww->out, plain ? "" : "]");
			continue;
		}
		if (o->op != META_RULE || o->ref < 0 || (ww->values[o->ref] != 0.0) == negated ||
		    !ww->relevant[k] || listed_before(ww, o->ref))
			continue;
		items++;
		if (ww->out == NULL)
			continue;
		if (negated)
			(void) sc_buf_printf(ww->out, "%sno %s", sep,
					     ww->w->rs->rules[o->ref].name);
		else
			put_input(ww, o->ref, plain, depth, sep);
	}
	return items;
}

/* explain - why meta i is true, appended to out (about WHY_MAX bytes; the
 * caller cuts it): the reasons walk finds, or, when no input is one by
 * itself (as in !(A || B)), the expression */
static void explain(const rules_why *w, const double *values, size_t i, unsigned depth, sc_buf *out)
{
	const meta_prog *prog = &w->rs->rules[i].meta;
	op_range *groups = sc_reallocarray(NULL, prog->n + 1, sizeof(*groups));
	size_t ng = find_counts(prog, groups), items;
	char *relevant = sc_reallocarray(NULL, prog->n + 1, 1);
	why_walk ww = {w, values,  NULL, sc_reallocarray(NULL, prog->n + 1, sizeof(long)),
		       0, relevant};

	find_relevant(prog, values, relevant);
	items = walk(&ww, prog, groups, ng, depth, 0);
	ww.out = out;
	ww.nlisted = 0;
	if (items == 0)
		(void) sc_buf_printf(out, "(%s) is true", w->rs->rules[i].source);
	else
		(void) walk(&ww, prog, groups, ng, depth, items == 1);
	free(ww.listed);
	free(relevant);
	free(groups);
}

/* rules_why_meta - why meta i is true, at most WHY_MAX bytes, into out */
void rules_why_meta(const rules_why *w, const double *values, size_t i, sc_buf *out)
{
	sc_buf b;

	sc_buf_init(&b, SC_BUF_UNLIMITED);
	explain(w, values, i, 0, &b);
	put_capped(out, sc_buf_cstr(&b), b.len, WHY_MAX);
	sc_buf_free(&b);
}
