/*
 * rules_meta.c - meta rules: the expression language, its evaluation, and
 * the order in which metas run.
 *
 * An expression compiles to a postfix program over a stack of doubles.
 * Operators and precedence are Perl's, since SpamAssassin evaluates metas
 * as Perl: unary ! - +, then * /, + -, < <= > >=, == !=, &&, ||. As in
 * Perl, && and || yield one of their operands, ! and comparisons 1 or 0.
 */
#include "autoconfig.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "mem.h"
#include "rules_int.h"

#define META_MAX_NESTING 64   /* parentheses and unary operators in a row */
#define META_MAX_OPS     4096 /* operators and operands of one expression */

/* Parser state of one expression. */
typedef struct meta_parser {
	const char *p;    /* next character */
	meta_prog *prog;  /* being built */
	unsigned nesting; /* current depth of parentheses and unary operators */
	size_t sp;        /* stack depth after the ops emitted so far */
	const char *why;  /* first error, or NULL */
} meta_parser;

static void parse_or(meta_parser *mp);

/* emit - append one op, tracking the stack depth it leaves */
static meta_op *emit(meta_parser *mp, meta_opcode op)
{
	meta_prog *pr = mp->prog;
	meta_op *o;

	if (pr->n == META_MAX_OPS) {
		if (mp->why == NULL)
			mp->why = "expression too long";
		return NULL;
	}
	if (pr->n == pr->cap) {
		pr->cap = pr->cap ? pr->cap * 2 : 16;
		pr->ops = sc_reallocarray(pr->ops, pr->cap, sizeof(*pr->ops));
	}
	o = &pr->ops[pr->n++];
	memset(o, 0, sizeof(*o));
	o->op = op;
	o->ref = -1;
	if (op == META_NUM || op == META_RULE)
		mp->sp++;
	else if (op != META_NOT && op != META_NEG)
		mp->sp--;
	if (mp->sp > pr->max_stack)
		pr->max_stack = mp->sp;
	return o;
}

/* skip_space - past white space */
static void skip_space(meta_parser *mp)
{
	while (isspace((unsigned char) *mp->p))
		mp->p++;
}

/* accept_token - consume the token tok if it comes next (and, for a one-character
 * operator, is not the start of a longer one) */
static int accept_token(meta_parser *mp, const char *tok)
{
	size_t n = strlen(tok);

	skip_space(mp);
	if (strncmp(mp->p, tok, n) != 0)
		return 0;
	if (n == 1 && (tok[0] == '<' || tok[0] == '>' || tok[0] == '!' || tok[0] == '=') &&
	    mp->p[1] == '=')
		return 0;
	mp->p += n;
	return 1;
}

/* fail - remember the first error */
static void fail(meta_parser *mp, const char *why)
{
	if (mp->why == NULL)
		mp->why = why;
}

/* parse_primary - a number, a rule name or a parenthesised expression */
static void parse_primary(meta_parser *mp)
{
	const char *s;
	meta_op *o;

	skip_space(mp);
	s = mp->p;
	if (accept_token(mp, "(")) {
		if (++mp->nesting > META_MAX_NESTING) {
			fail(mp, "expression nested too deeply");
			return;
		}
		parse_or(mp);
		mp->nesting--;
		if (!accept_token(mp, ")"))
			fail(mp, "missing \")\"");
	} else if (isdigit((unsigned char) *s) || (*s == '.' && isdigit((unsigned char) s[1]))) {
		while (isdigit((unsigned char) *mp->p))
			mp->p++;
		if (*mp->p == '.')
			for (mp->p++; isdigit((unsigned char) *mp->p); mp->p++)
				;
		o = emit(mp, META_NUM);
		if (o != NULL)
			o->num = strtod(s, NULL);
	} else if (isalpha((unsigned char) *s) || *s == '_') {
		while (isalnum((unsigned char) *mp->p) || *mp->p == '_')
			mp->p++;
		o = emit(mp, META_RULE);
		if (o != NULL)
			o->name = sc_strndup(s, (size_t) (mp->p - s));
	} else {
		fail(mp, *s == '\0' ? "expression ends too early"
				    : "expected a rule name, a number or \"(\"");
	}
}

/* parse_unary - ! - + applied to a unary expression */
static void parse_unary(meta_parser *mp)
{
	meta_opcode op;

	if (accept_token(mp, "!"))
		op = META_NOT;
	else if (accept_token(mp, "-"))
		op = META_NEG;
	else if (accept_token(mp, "+"))
		op = META_NUM; /* unary plus: no op */
	else {
		parse_primary(mp);
		return;
	}
	if (++mp->nesting > META_MAX_NESTING) {
		fail(mp, "expression nested too deeply");
		return;
	}
	parse_unary(mp);
	mp->nesting--;
	if (op != META_NUM)
		(void) emit(mp, op);
}

/* One level of left-associative binary operators. */
typedef struct binary_level {
	const char *tok[4];
	meta_opcode op[4];
} binary_level;

/* clang-format off */
static const binary_level levels[] = {
	{ { "||", NULL }, { META_OR } },
	{ { "&&", NULL }, { META_AND } },
	{ { "==", "!=", NULL }, { META_EQ, META_NE } },
	{ { "<=", ">=", "<", ">" }, { META_LE, META_GE, META_LT, META_GT } },
	{ { "+", "-", NULL }, { META_ADD, META_SUB } },
	{ { "*", "/", NULL }, { META_MUL, META_DIV } },
};
/* clang-format on */
#define N_LEVELS (sizeof(levels) / sizeof(levels[0]))

/* parse_level - operands of level k joined by its operators */
static void parse_level(meta_parser *mp, size_t k)
{
	if (k == N_LEVELS) {
		parse_unary(mp);
		return;
	}
	parse_level(mp, k + 1);
	while (mp->why == NULL) {
		size_t i;

		for (i = 0; i < 4 && levels[k].tok[i] != NULL; i++)
			if (accept_token(mp, levels[k].tok[i]))
				break;
		if (i == 4 || levels[k].tok[i] == NULL)
			return;
		parse_level(mp, k + 1);
		(void) emit(mp, levels[k].op[i]);
	}
}

/* parse_or - a whole expression */
static void parse_or(meta_parser *mp)
{
	parse_level(mp, 0);
}

/* rules_meta_compile - compile expr into prog; NULL or the reason it failed */
const char *rules_meta_compile(const char *expr, meta_prog *prog)
{
	meta_parser mp = {expr, prog, 0, 0, NULL};

	memset(prog, 0, sizeof(*prog));
	parse_or(&mp);
	skip_space(&mp);
	if (mp.why == NULL && *mp.p != '\0')
		mp.why = "unexpected text in the expression";
	if (mp.why != NULL)
		rules_meta_free(prog);
	return mp.why;
}

/* rules_meta_free - release a program's ops and names */
void rules_meta_free(meta_prog *prog)
{
	for (size_t i = 0; i < prog->n; i++)
		free(prog->ops[i].name);
	free(prog->ops);
	memset(prog, 0, sizeof(*prog));
}

/* rules_meta_binary - apply one binary operator, with Perl's meaning */
double rules_meta_binary(meta_opcode op, double a, double b)
{
	switch (op) {
	case META_OR:
		return a != 0.0 ? a : b;
	case META_AND:
		return a == 0.0 ? a : b;
	case META_EQ:
		return a == b;
	case META_NE:
		return a != b;
	case META_LT:
		return a < b;
	case META_LE:
		return a <= b;
	case META_GT:
		return a > b;
	case META_GE:
		return a >= b;
	case META_ADD:
		return a + b;
	case META_SUB:
		return a - b;
	case META_MUL:
		return a * b;
	case META_DIV:
		return b == 0.0 ? 0.0 : a / b;
	default:
		sc_panic("meta: unknown binary operator %d", (int) op);
	}
}

/* rules_meta_eval - run prog over the rule values; stack holds max_stack */
double rules_meta_eval(const meta_prog *prog, const double *values, double *stack)
{
	size_t sp = 0;

	for (size_t i = 0; i < prog->n; i++) {
		const meta_op *o = &prog->ops[i];

		switch (o->op) {
		case META_NUM:
			stack[sp++] = o->num;
			break;
		case META_RULE:
			stack[sp++] = o->ref >= 0 ? values[o->ref] : 0.0;
			break;
		case META_NOT:
			stack[sp - 1] = stack[sp - 1] == 0.0;
			break;
		case META_NEG:
			stack[sp - 1] = -stack[sp - 1];
			break;
		default:
			sp--;
			stack[sp - 1] = rules_meta_binary(o->op, stack[sp - 1], stack[sp]);
			break;
		}
	}
	if (sp != 1)
		sc_panic("meta program left %zu values on the stack", sp);
	return stack[0];
}

/* link_names - resolve each META_RULE op of live metas to a rule index;
 * an unknown name reads as 0, with a warning */
static void link_names(sc_ruleset *rs, const size_t *idx, sc_diags *d)
{
	for (size_t i = 0; i < rs->n; i++) {
		rule *r = &rs->rules[i];

		if (r->dead || r->kind != RULE_META)
			continue;
		for (size_t k = 0; k < r->meta.n; k++) {
			meta_op *o = &r->meta.ops[k];
			rule *t;

			if (o->op != META_RULE)
				continue;
			t = rules_find(rs, idx, o->name);
			if (t == NULL)
				sc_diags_add(d, SC_DIAG_WARNING, r->file, r->line,
					     "meta %s: no rule %s; it reads as 0", r->name,
					     o->name);
			else {
				o->ref = (long) (t - rs->rules);
				t->meta_input = 1;
			}
		}
	}
}

/*
 * rules_meta_order - link meta names and set rs->meta_order to the live
 * metas in dependency order (Kahn's algorithm, so no recursion). A meta in
 * a cycle, or using one, is an error and is left out (marked dead).
 */
void rules_meta_order(sc_ruleset *rs, const size_t *idx, sc_diags *d)
{
	size_t *slot = sc_reallocarray(NULL, rs->n ? rs->n : 1, sizeof(*slot));
	size_t *metas, *indeg, *first, *users, *queue, nm = 0, nedge = 0, qh = 0, qt = 0;

	link_names(rs, idx, d);
	for (size_t i = 0; i < rs->n; i++) {
		slot[i] = SIZE_MAX;
		if (!rs->rules[i].dead && rs->rules[i].kind == RULE_META)
			slot[i] = nm++;
	}
	metas = sc_reallocarray(NULL, nm + 1, sizeof(*metas));
	indeg = sc_calloc(nm + 1, sizeof(*indeg));
	first = sc_calloc(nm + 2, sizeof(*first));
	for (size_t i = 0; i < rs->n; i++) {
		if (slot[i] == SIZE_MAX)
			continue;
		metas[slot[i]] = i;
		for (size_t k = 0; k < rs->rules[i].meta.n; k++) {
			long ref = rs->rules[i].meta.ops[k].ref;

			if (rs->rules[i].meta.ops[k].op == META_RULE && ref >= 0 &&
			    slot[ref] != SIZE_MAX) {
				indeg[slot[i]]++;
				first[slot[ref] + 1]++; /* one more user of ref */
				nedge++;
			}
		}
	}
	for (size_t m = 0; m < nm; m++)
		first[m + 1] += first[m];
	users = sc_reallocarray(NULL, nedge + 1, sizeof(*users));
	{
		size_t *fill = sc_reallocarray(NULL, nm + 1, sizeof(*fill));

		memcpy(fill, first, (nm + 1) * sizeof(*fill));
		for (size_t m = 0; m < nm; m++) {
			const rule *r = &rs->rules[metas[m]];

			for (size_t k = 0; k < r->meta.n; k++)
				if (r->meta.ops[k].op == META_RULE && r->meta.ops[k].ref >= 0 &&
				    slot[r->meta.ops[k].ref] != SIZE_MAX)
					users[fill[slot[r->meta.ops[k].ref]]++] = m;
		}
		free(fill);
	}
	queue = sc_reallocarray(NULL, nm + 1, sizeof(*queue));
	for (size_t m = 0; m < nm; m++)
		if (indeg[m] == 0)
			queue[qt++] = m;
	while (qh < qt) {
		size_t m = queue[qh++];

		for (size_t e = first[m]; e < first[m + 1]; e++)
			if (--indeg[users[e]] == 0)
				queue[qt++] = users[e];
	}
	for (size_t m = 0; m < nm; m++) {
		rule *r = &rs->rules[metas[m]];

		if (indeg[m] == 0)
			continue;
		sc_diags_add(d, SC_DIAG_ERROR, r->file, r->line,
			     "meta %s: in or depending on a circular dependency of metas; "
			     "rule left out",
			     r->name);
		r->dead = 1;
	}
	rs->meta_order = sc_reallocarray(NULL, qt + 1, sizeof(*rs->meta_order));
	rs->nmeta = qt;
	rs->meta_stack = 1;
	for (size_t q = 0; q < qt; q++) {
		rs->meta_order[q] = metas[queue[q]];
		if (rs->rules[metas[queue[q]]].meta.max_stack > rs->meta_stack)
			rs->meta_stack = rs->rules[metas[queue[q]]].meta.max_stack;
	}
	free(slot);
	free(metas);
	free(indeg);
	free(first);
	free(users);
	free(queue);
}
