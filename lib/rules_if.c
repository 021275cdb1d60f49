/*
 * rules_if.c - the conditions of "if" and "ifplugin" lines, as SpamAssassin's
 * Conf::Parser::handle_conditional evaluates them: numbers, version (the
 * SpamAssassin version we match, 4.000001), perl_version (5.036000, Debian
 * 12's Perl), local_tests_only (0: we run our network tests when DNS is
 * configured), plugin(Name), can(Module::method), has(Module::method),
 * !, unary -, * /, + -, < <= > >=, == !=, &&, || and parentheses, with
 * Perl's precedence. Anything else is refused, and the block is skipped.
 */
#include "autoconfig.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "eval.h"
#include "mem.h"
#include "rules_int.h"

#define IF_VERSION      4.000001 /* $Mail::SpamAssassin::VERSION we match */
#define IF_PERL_VERSION 5.036000 /* $] of Debian 12's Perl */
#define IF_MAX_DEPTH    64       /* nesting of parentheses and unary operators */

typedef struct if_parser {
	const char *p;
	const char *why; /* first error, or NULL */
	unsigned depth;
} if_parser;

static double parse_or(if_parser *ps);

/* skip_space - past blanks */
static void skip_space(if_parser *ps)
{
	while (isspace((unsigned char) *ps->p))
		ps->p++;
}

/* fail - record the first error; returns 0 */
static double fail(if_parser *ps, const char *why)
{
	if (ps->why == NULL)
		ps->why = why;
	return 0;
}

/* accept_op - consume op if it comes next */
static int accept_op(if_parser *ps, const char *op)
{
	size_t n = strlen(op);

	skip_space(ps);
	if (strncmp(ps->p, op, n) != 0)
		return 0;
	/* "!" is not the start of "!=", "<" not of "<=", "=" never alone */
	if ((strcmp(op, "!") == 0 || strcmp(op, "<") == 0 || strcmp(op, ">") == 0) &&
	    ps->p[1] == '=')
		return 0;
	ps->p += n;
	return 1;
}

/* module_arg - the module name inside plugin(...), can(...) or has(...) */
static char *module_arg(if_parser *ps)
{
	const char *start;

	if (!accept_op(ps, "(")) {
		(void) fail(ps, "expected ( after plugin, can or has");
		return NULL;
	}
	skip_space(ps);
	start = ps->p;
	while (isalnum((unsigned char) *ps->p) || *ps->p == '_' || *ps->p == ':')
		ps->p++;
	if (ps->p == start) {
		(void) fail(ps, "expected a module name");
		return NULL;
	}
	{
		char *name = sc_strndup(start, (size_t) (ps->p - start));

		if (!accept_op(ps, ")")) {
			free(name);
			(void) fail(ps, "expected ) after the module name");
			return NULL;
		}
		return name;
	}
}

/* plugin_loaded - plugin(Name), with SpamAssassin's renames */
static int plugin_loaded(const char *name)
{
	if (strcmp(name, "Mail::SpamAssassin::Plugin::Dmarc") == 0)
		return sc_eval_plugin_loaded("DMARC");
	if (strcmp(name, "Mail::SpamAssassin::Plugin::WhiteListSubject") == 0)
		return sc_eval_plugin_loaded("WelcomeListSubject");
	if (strncmp(name, "Mail::SpamAssassin::Plugin::", 28) != 0)
		return 0;
	return sc_eval_plugin_loaded(name);
}

/* parse_primary - a number, a name, a call or a parenthesised expression */
static double parse_primary(if_parser *ps)
{
	const char *start;
	double v;

	skip_space(ps);
	if (accept_op(ps, "(")) {
		v = parse_or(ps);
		if (!accept_op(ps, ")"))
			return fail(ps, "missing )");
		return v;
	}
	if (isdigit((unsigned char) *ps->p) || *ps->p == '.') {
		char *end;

		v = strtod(ps->p, &end);
		if (end == ps->p)
			return fail(ps, "bad number");
		ps->p = end;
		return v;
	}
	start = ps->p;
	while (isalnum((unsigned char) *ps->p) || *ps->p == '_')
		ps->p++;
	if (ps->p == start)
		return fail(ps, *ps->p == '\0' ? "unexpected end of condition"
					       : "unexpected character in condition");
#define WORD_IS(s)                                                                                 \
	((size_t) (ps->p - start) == sizeof(s) - 1 && strncmp(start, s, sizeof(s) - 1) == 0)
	if (WORD_IS("version"))
		return IF_VERSION;
	if (WORD_IS("perl_version"))
		return IF_PERL_VERSION;
	if (WORD_IS("local_tests_only"))
		return 0;
	if (WORD_IS("plugin") || WORD_IS("can") || WORD_IS("has")) {
		int is_plugin = WORD_IS("plugin");
		char *name = module_arg(ps);

		if (name == NULL)
			return 0;
		if (!is_plugin && strstr(name, "::") == NULL) {
			free(name);
			return fail(ps, "can()/has() need Module::method");
		}
		v = is_plugin ? plugin_loaded(name) : sc_eval_can(name);
		free(name);
		return v;
	}
#undef WORD_IS
	return fail(ps, "unknown word in condition (version, perl_version, plugin(), can() and "
			"has() are known)");
}

/* parse_unary - ! and unary minus */
static double parse_unary(if_parser *ps)
{
	double v;

	if (++ps->depth > IF_MAX_DEPTH)
		return fail(ps, "condition nested too deeply");
	if (accept_op(ps, "!"))
		v = parse_unary(ps) == 0.0;
	else if (accept_op(ps, "-"))
		v = -parse_unary(ps);
	else if (accept_op(ps, "+"))
		v = parse_unary(ps);
	else
		v = parse_primary(ps);
	ps->depth--;
	return v;
}

/* parse_mul - * and / (x/0 is an error, as in Perl) */
static double parse_mul(if_parser *ps)
{
	double v = parse_unary(ps);

	for (;;) {
		if (accept_op(ps, "*")) {
			v *= parse_unary(ps);
		} else if (accept_op(ps, "/")) {
			double d = parse_unary(ps);

			if (d == 0.0)
				return fail(ps, "division by zero");
			v /= d;
		} else {
			return v;
		}
	}
}

/* parse_add - + and - */
static double parse_add(if_parser *ps)
{
	double v = parse_mul(ps);

	for (;;) {
		if (accept_op(ps, "+"))
			v += parse_mul(ps);
		else if (accept_op(ps, "-"))
			v -= parse_mul(ps);
		else
			return v;
	}
}

/* parse_rel - < <= > >= */
static double parse_rel(if_parser *ps)
{
	double v = parse_add(ps);

	for (;;) {
		if (accept_op(ps, "<="))
			v = v <= parse_add(ps);
		else if (accept_op(ps, ">="))
			v = v >= parse_add(ps);
		else if (accept_op(ps, "<"))
			v = v < parse_add(ps);
		else if (accept_op(ps, ">"))
			v = v > parse_add(ps);
		else
			return v;
	}
}

/* parse_eq - == and != */
static double parse_eq(if_parser *ps)
{
	double v = parse_rel(ps);

	for (;;) {
		if (accept_op(ps, "=="))
			v = v == parse_rel(ps);
		else if (accept_op(ps, "!="))
			v = v != parse_rel(ps);
		else
			return v;
	}
}

/* parse_and - && (both sides parsed, so errors anywhere are found) */
static double parse_and(if_parser *ps)
{
	double v = parse_eq(ps);

	while (accept_op(ps, "&&")) {
		double w = parse_eq(ps);

		v = v != 0.0 && w != 0.0;
	}
	return v;
}

/* parse_or - || */
static double parse_or(if_parser *ps)
{
	double v = parse_and(ps);

	while (accept_op(ps, "||")) {
		double w = parse_and(ps);

		v = v != 0.0 || w != 0.0;
	}
	return v;
}

/* rules_if_eval - evaluate a condition; 0 with *value set, or -1 with *why */
int rules_if_eval(const char *expr, int *value, const char **why)
{
	if_parser ps = {expr, NULL, 0};
	double v = parse_or(&ps);

	skip_space(&ps);
	if (ps.why == NULL && *ps.p != '\0')
		ps.why = "unexpected text after the condition";
	if (ps.why != NULL) {
		*why = ps.why;
		return -1;
	}
	*value = v != 0.0;
	return 0;
}
