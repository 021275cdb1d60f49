/*
 * rules_parse.c - one line of a SpamAssassin-style rule file.
 *
 * Perl regex literals (/re/flags, m{re}flags, m!re!flags...) become PCRE2
 * patterns compiled with JIT. Directives this slice does not run are
 * counted and warned about, never half-applied.
 */
#include "autoconfig.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "mem.h"
#include "rules_int.h"

/* Directives of SpamAssassin's language that later work will run; until
 * then they are skipped with a warning so lint shows them. */
/* clang-format off */
static const char *const known_unsupported[] = {
	"require_version", "uri_detail", "mimeheader", "askdns", "urirhsbl", "urirhssub",
	"uridnsbl", "uridnssub", "header_detail", "test", "loadplugin", "redirector_pattern", "util_rb_tld",
	"util_rb_2tld", "util_rb_3tld", "freemail_domains", "whitelist_from", "blacklist_from",
	"whitelist_auth", "def_whitelist_from_rcvd", "report", "add_header", "required_score",
	"bayes_auto_learn", "clear_headers", "remove_header", "ok_locales", "rewrite_header",
	NULL,
};
/* clang-format on */

/* rules_is_subrule - "__NAME" rules are helpers of metas */
int rules_is_subrule(const char *name)
{
	return name[0] == '_' && name[1] == '_';
}

/* next_word - split off the first white-space-delimited word of *s */
static char *next_word(char **s)
{
	char *p = *s, *w;

	while (isspace((unsigned char) *p))
		p++;
	if (*p == '\0') {
		*s = p;
		return NULL;
	}
	w = p;
	while (*p != '\0' && !isspace((unsigned char) *p))
		p++;
	if (*p != '\0')
		*p++ = '\0';
	while (isspace((unsigned char) *p))
		p++;
	*s = p;
	return w;
}

/* valid_rule_name - letters, digits and underscores, not starting with a digit */
static int valid_rule_name(const char *n)
{
	if (!(isalpha((unsigned char) n[0]) || n[0] == '_'))
		return 0;
	for (; *n != '\0'; n++)
		if (!(isalnum((unsigned char) *n) || *n == '_'))
			return 0;
	return 1;
}

/* closing_delim - the delimiter that ends a regex opened with open */
static char closing_delim(char open)
{
	switch (open) {
	case '{':
		return '}';
	case '(':
		return ')';
	case '[':
		return ']';
	case '<':
		return '>';
	default:
		return open;
	}
}

/*
 * rules_regex_split - parse the Perl regex literal at s (/re/ or m with another
 * delimiter): sets *pat and *patlen to the
 * pattern, *opts to the PCRE2 options of its flags, *rest past the literal.
 * Returns NULL on success or a reason.
 */
const char *rules_regex_split(char *s, const char **pat, size_t *patlen, uint32_t *opts,
			      char **rest)
{
	char open, close;
	unsigned nest = 0;
	char *p;

	if (*s == 'm' && s[1] != '\0' && !isalnum((unsigned char) s[1]) &&
	    !isspace((unsigned char) s[1]))
		s++;
	else if (*s != '/')
		return "expected a regex like /pattern/flags";
	open = *s;
	close = closing_delim(open);
	for (p = s + 1; *p != '\0'; p++) {
		if (*p == '\\' && p[1] != '\0') {
			p++;
			continue;
		}
		if (open != close && *p == open) {
			nest++;
			continue;
		}
		if (*p == close) {
			if (nest == 0)
				break;
			nest--;
		}
	}
	if (*p != close)
		return "regex has no closing delimiter";
	*pat = s + 1;
	*patlen = (size_t) (p - s - 1);
	*opts = 0;
	for (p++; isalpha((unsigned char) *p); p++) {
		switch (*p) {
		case 'i':
			*opts |= PCRE2_CASELESS;
			break;
		case 'm':
			*opts |= PCRE2_MULTILINE;
			break;
		case 's':
			*opts |= PCRE2_DOTALL;
			break;
		case 'x':
			*opts |= PCRE2_EXTENDED;
			break;
		default:
			return "unsupported regex flag (only i, m, s and x are)";
		}
	}
	*rest = p;
	return NULL;
}

/* compile_regex - PCRE2 compile plus JIT; NULL with a diagnostic on failure */
static pcre2_code *compile_regex(const char *pat, size_t len, uint32_t opts, const char *file,
				 unsigned line, const char *name, sc_diags *d)
{
	PCRE2_UCHAR msg[256];
	PCRE2_SIZE off;
	pcre2_code *re;
	int err;

	re = pcre2_compile((PCRE2_SPTR) pat, len, opts, &err, &off, NULL);
	if (re == NULL) {
		if (pcre2_get_error_message(err, msg, sizeof(msg)) < 0)
			(void) snprintf((char *) msg, sizeof(msg), "error %d", err);
		sc_diags_add(d, SC_DIAG_ERROR, file, line,
			     "%s: regex does not compile at offset %zu: %s", name, (size_t) off,
			     (char *) msg);
		return NULL;
	}
	/* JIT is an optimisation: without it (no JIT on this CPU) the
	 * interpreter runs the same pattern under the same limits. */
	(void) pcre2_jit_compile(re, PCRE2_JIT_COMPLETE);
	return re;
}

/* add_rule - append a rule, taking ownership of its fields */
static rule *add_rule(sc_ruleset *rs, const char *name, rule_kind kind, const char *file,
		      unsigned line)
{
	rule *r;

	if (rs->n == rs->cap) {
		rs->cap = rs->cap ? rs->cap * 2 : 32;
		rs->rules = sc_reallocarray(rs->rules, rs->cap, sizeof(*rs->rules));
	}
	r = &rs->rules[rs->n++];
	memset(r, 0, sizeof(*r));
	r->name = sc_strdup(name);
	r->kind = kind;
	/* SpamAssassin scores a rule without a score line 1, a T_ (testing)
	 * rule 0.01 */
	r->score = strncmp(name, "T_", 2) == 0 ? 0.01 : 1.0;
	r->file = sc_strdup(file);
	r->line = line;
	return r;
}

/* add_pending - queue a score, describe or tflags line; the entry is
 * valid until the next call */
static pending *add_pending(sc_ruleset *rs, pending_kind what, const char *name, const char *text,
			    double score, const char *file, unsigned line)
{
	pending *p;

	if (rs->npend == rs->cappend) {
		rs->cappend = rs->cappend ? rs->cappend * 2 : 32;
		rs->pend = sc_reallocarray(rs->pend, rs->cappend, sizeof(*rs->pend));
	}
	p = &rs->pend[rs->npend++];
	p->name = sc_strdup(name);
	p->text = text != NULL ? sc_strdup(text) : NULL;
	p->score = score;
	p->file = sc_strdup(file);
	p->line = line;
	p->what = what;
	p->tflags = 0;
	p->maxhits = 0;
	return p;
}

/* parse_if_unset - "[if-unset: VALUE]" after a header regex */
static int parse_if_unset(char *rest, char **value)
{
	char *end;

	while (isspace((unsigned char) *rest))
		rest++;
	if (*rest == '\0') {
		*value = NULL;
		return 0;
	}
	if (strncmp(rest, "[if-unset:", 10) != 0)
		return -1;
	end = strrchr(rest, ']');
	if (end == NULL || end[1] != '\0')
		return -1;
	*end = '\0';
	rest += 10;
	while (isspace((unsigned char) *rest))
		rest++;
	*value = sc_strdup(rest);
	return 0;
}

/*
 * parse_eval - "TYPE NAME eval:fname(args)"; returns 0 when rest is not an
 * eval, 1 when it was one (defined, or refused with an error). An unknown
 * fname is a warning and the rule is defined to never hit.
 */
static int parse_eval(sc_ruleset *rs, const char *type, const char *name, const char *rest,
		      const char *file, unsigned line, sc_diags *d)
{
	const char *fn, *open, *close;
	const sc_eval_def *def;
	char **args;
	size_t nargs;
	char *fname;
	rule *r;

	if (strncmp(rest, "eval:", 5) != 0)
		return 0;
	fn = rest + 5;
	for (open = fn; isalnum((unsigned char) *open) || *open == '_'; open++)
		;
	close = strrchr(fn, ')');
	if (open == fn || *open != '(' || close == NULL || close[1] != '\0') {
		sc_diags_add(d, SC_DIAG_ERROR, file, line,
			     "%s: expected eval:name(arguments) and nothing after it", name);
		return 1;
	}
	if (sc_eval_parse_args(open + 1, (size_t) (close - open - 1), &args, &nargs) < 0) {
		sc_diags_add(d, SC_DIAG_ERROR, file, line,
			     "%s: eval arguments must be quoted strings or plain words, "
			     "separated by commas",
			     name);
		return 1;
	}
	fname = sc_strndup(fn, (size_t) (open - fn));
	def = sc_eval_find(fname);
	if (def != NULL && (nargs < def->min_args || nargs > def->max_args)) {
		sc_diags_add(d, SC_DIAG_ERROR, file, line,
			     "%s: eval %s takes %u to %u arguments, not %zu", name, fname,
			     def->min_args, def->max_args, nargs);
		sc_eval_args_free(args, nargs);
		free(fname);
		return 1;
	}
	if (def == NULL)
		sc_diags_add(d, SC_DIAG_WARNING, file, line, "unknown eval %s, rule %s never hits",
			     fname, name);
	r = add_rule(rs, name, RULE_EVAL, file, line);
	r->eval_type = type;
	r->eval = def;
	r->never = def == NULL;
	r->args = args;
	r->nargs = nargs;
	r->source = fname;
	return 1;
}

/*
 * compile_literal - compile the regex literal at rest. On success *tail
 * points past it (white space skipped) and *source holds the literal as
 * written (caller frees); on failure a diagnostic is added and NULL returned.
 */
static pcre2_code *compile_literal(char *rest, const char *name, const char *file, unsigned line,
				   sc_diags *d, char **tail, char **source)
{
	const char *why, *pat;
	size_t patlen;
	uint32_t opts;
	pcre2_code *re;

	why = rules_regex_split(rest, &pat, &patlen, &opts, tail);
	if (why != NULL) {
		sc_diags_add(d, SC_DIAG_ERROR, file, line, "%s: %s", name, why);
		return NULL;
	}
	re = compile_regex(pat, patlen, opts, file, line, name, d);
	if (re == NULL)
		return NULL;
	*source = sc_strndup(rest, (size_t) (*tail - rest));
	while (isspace((unsigned char) **tail))
		(*tail)++;
	return re;
}

/* header_selector - parse the selector text into r->sel; an unsupported
 * one is a warning and the rule never hits */
static void header_selector(sc_ruleset *rs, rule *r, const char *text, const char *file,
			    unsigned line, sc_diags *d)
{
	const char *why = rules_header_parse(text, &r->sel);

	if (why == NULL)
		return;
	sc_diags_add(d, SC_DIAG_WARNING, file, line, "%s: \"%s\": %s; rule never hits", r->name,
		     text, why);
	r->never = 1;
	rs->never_selectors++;
}

/* parse_header - "header NAME Field =~ /re/flags [if-unset: X]", "exists:Field"
 * or "eval:fname(args)" */
static void parse_header(sc_ruleset *rs, const char *name, char *rest, const char *file,
			 unsigned line, sc_diags *d)
{
	char *field, *op, *tail, *source, *if_unset = NULL;
	pcre2_code *re;
	rule *r;

	if (parse_eval(rs, "header", name, rest, file, line, d))
		return;
	if (strncmp(rest, "exists:", 7) == 0) {
		field = rest + 7;
		if (*field == '\0' || strpbrk(field, " \t") != NULL) {
			sc_diags_add(d, SC_DIAG_ERROR, file, line, "%s: expected exists:Header",
				     name);
			return;
		}
		r = add_rule(rs, name, RULE_HEADER_EXISTS, file, line);
		header_selector(rs, r, field, file, line, d);
		return;
	}
	field = next_word(&rest);
	op = next_word(&rest);
	if (field == NULL || op == NULL || (strcmp(op, "=~") != 0 && strcmp(op, "!~") != 0)) {
		sc_diags_add(d, SC_DIAG_ERROR, file, line,
			     "%s: expected \"header NAME Header =~ /regex/\"", name);
		return;
	}
	re = compile_literal(rest, name, file, line, d, &tail, &source);
	if (re == NULL)
		return;
	if (parse_if_unset(tail, &if_unset) < 0) {
		sc_diags_add(d, SC_DIAG_ERROR, file, line,
			     "%s: unexpected text after the regex: \"%s\"", name, tail);
		pcre2_code_free(re);
		free(source);
		return;
	}
	r = add_rule(rs, name, RULE_HEADER, file, line);
	r->negate = op[0] == '!';
	r->if_unset = if_unset;
	r->source = source;
	r->re = re;
	header_selector(rs, r, field, file, line, d);
}

/* parse_body - "body|rawbody|full|uri NAME /re/flags" (kind; type is the
 * directive) or "... eval:fname(args)" */
static void parse_body(sc_ruleset *rs, rule_kind kind, const char *type, const char *name,
		       char *rest, const char *file, unsigned line, sc_diags *d)
{
	char *tail, *source;
	pcre2_code *re;
	rule *r;

	if (parse_eval(rs, type, name, rest, file, line, d))
		return;
	re = compile_literal(rest, name, file, line, d, &tail, &source);
	if (re == NULL)
		return;
	if (*tail != '\0') {
		sc_diags_add(d, SC_DIAG_ERROR, file, line,
			     "%s: unexpected text after the regex: \"%s\"", name, tail);
		pcre2_code_free(re);
		free(source);
		return;
	}
	r = add_rule(rs, name, kind, file, line);
	r->source = source;
	r->re = re;
}

/* parse_meta - "meta NAME EXPRESSION" (rules_meta.c has the grammar) */
static void parse_meta(sc_ruleset *rs, const char *name, const char *rest, const char *file,
		       unsigned line, sc_diags *d)
{
	meta_prog prog;
	const char *why;
	rule *r;

	why = rules_meta_compile(rest, &prog);
	if (why != NULL) {
		sc_diags_add(d, SC_DIAG_ERROR, file, line, "meta %s: %s", name, why);
		return;
	}
	r = add_rule(rs, name, RULE_META, file, line);
	r->meta = prog;
	r->source = sc_strdup(rest);
}

/* quiet_tflag - SpamAssassin tflags that do not change what a rule
 * matches or scores here (publishing, learning, user config, and DNS
 * options of checks we do not run), ignored without a warning */
static int quiet_tflag(const char *flag)
{
	static const char *const quiet[] = {
		"publish", "nopublish", "userconf", "noautolearn",  "autolearn_force",
		"learn",   "net",       "notrim",   "domains_only", "ips_only",
		"nolog",   "a",         "noawl"};

	for (size_t i = 0; i < sizeof(quiet) / sizeof(quiet[0]); i++)
		if (strcmp(flag, quiet[i]) == 0)
			return 1;
	return 0;
}

/* parse_tflags - "tflags NAME flag...": multiple, maxhits=N and nice are
 * understood; any other flag is warned about and ignored */
static void parse_tflags(sc_ruleset *rs, const char *name, char *rest, const char *file,
			 unsigned line, sc_diags *d)
{
	unsigned flags = 0, maxhits = 0;
	char *word, *end;
	pending *p;

	while ((word = next_word(&rest)) != NULL) {
		if (strcmp(word, "multiple") == 0) {
			flags |= TFLAG_MULTIPLE;
		} else if (strcmp(word, "nice") == 0) {
			flags |= TFLAG_NICE;
		} else if (strcmp(word, "nosubject") == 0) {
			flags |= TFLAG_NOSUBJECT;
		} else if (strncmp(word, "maxhits=", 8) == 0) {
			unsigned long v;

			errno = 0;
			v = strtoul(word + 8, &end, 10);
			if (errno != 0 || *end != '\0' || !isdigit((unsigned char) word[8]) ||
			    v == 0 || v > SC_RULES_MAX_MULTIPLE) {
				sc_diags_add(d, SC_DIAG_ERROR, file, line,
					     "tflags %s: maxhits must be 1 to %d", name,
					     SC_RULES_MAX_MULTIPLE);
				return;
			}
			maxhits = (unsigned) v;
		} else if (!quiet_tflag(word)) {
			sc_diags_add(d, SC_DIAG_WARNING, file, line,
				     "tflags %s: flag \"%s\" is not supported; ignored", name,
				     word);
		}
	}
	p = add_pending(rs, PEND_TFLAGS, name, NULL, 0.0, file, line);
	p->tflags = flags;
	p->maxhits = maxhits;
}

/* parse_priority - "priority NAME N": checked, then without effect, since
 * every rule runs and metas run in dependency order anyway */
static void parse_priority(const char *name, char *rest, const char *file, unsigned line,
			   sc_diags *d)
{
	char *word = next_word(&rest), *end = NULL;

	if (word != NULL) {
		errno = 0;
		(void) strtol(word, &end, 10);
	}
	if (word == NULL || errno != 0 || end == word || *end != '\0' || *rest != '\0')
		sc_diags_add(d, SC_DIAG_ERROR, file, line, "priority %s: expected an integer",
			     name);
}

/* parse_score - "score NAME N [N N N]": one value for every score set, or
 * four, of which the ruleset's score set picks one (SpamAssassin's sets:
 * no Bayes or network tests, network tests, Bayes, both) */
static void parse_score(sc_ruleset *rs, const char *name, char *rest, const char *file,
			unsigned line, sc_diags *d)
{
	char *word = next_word(&rest), *end;
	int extra = 0;
	double v, set[4];

	if (word == NULL) {
		sc_diags_add(d, SC_DIAG_ERROR, file, line, "score %s: missing value", name);
		return;
	}
	errno = 0;
	v = strtod(word, &end);
	if (errno != 0 || *end != '\0' || !isfinite(v)) {
		sc_diags_add(d, SC_DIAG_ERROR, file, line, "score %s: \"%s\" is not a number", name,
			     word);
		return;
	}
	set[0] = v;
	while ((word = next_word(&rest)) != NULL) {
		if (extra == 3)
			break;
		errno = 0;
		set[++extra] = strtod(word, &end);
		if (errno != 0 || *end != '\0' || !isfinite(set[extra]))
			break;
	}
	if (word != NULL || (extra != 0 && extra != 3)) {
		sc_diags_add(d, SC_DIAG_ERROR, file, line, "score %s: expected one or four numbers",
			     name);
		return;
	}
	if (extra == 3)
		v = set[rs->lim.score_set < 4 ? rs->lim.score_set : 0];
	(void) add_pending(rs, PEND_SCORE, name, NULL, v, file, line);
}

/* open_block - an "if COND" or "ifplugin NAME" line: the block is skipped
 * when the condition is false or cannot be evaluated (an error) */
static void open_block(const char *dir, const char *rest, const char *file, unsigned line,
		       cond_state *cs, sc_diags *d)
{
	const char *why = NULL;
	int value = 0;
	sc_buf expr;

	cs->depth++;
	if (cs->skip_from != 0)
		return; /* inside a skipped block: nothing to decide */
	sc_buf_init(&expr, SC_BUF_UNLIMITED);
	if (strcmp(dir, "ifplugin") == 0) {
		if (*rest == '\0' || strpbrk(rest, " \t()") != NULL)
			why = "expected one plugin name";
		else
			(void) sc_buf_printf(&expr, "plugin(%s)", rest);
	} else if (*rest == '\0') {
		why = "missing condition";
	} else {
		(void) sc_buf_puts(&expr, rest);
	}
	if (why == NULL)
		(void) rules_if_eval(sc_buf_cstr(&expr), &value, &why);
	if (why != NULL)
		sc_diags_add(d, SC_DIAG_ERROR, file, line, "%s %s: %s; block skipped", dir, rest,
			     why);
	if (why != NULL || !value)
		cs->skip_from = cs->depth;
	sc_buf_free(&expr);
}

/* handle_conditional - ifplugin/if/else/endif; returns 1 if the line was one */
static int handle_conditional(const char *dir, const char *rest, const char *file, unsigned line,
			      cond_state *cs, sc_diags *d)
{
	if (strcmp(dir, "ifplugin") == 0 || strcmp(dir, "if") == 0) {
		open_block(dir, rest, file, line, cs, d);
		return 1;
	}
	if (strcmp(dir, "else") == 0) {
		if (cs->depth == 0)
			sc_diags_add(d, SC_DIAG_ERROR, file, line, "else without ifplugin/if");
		/* The else of a block that was skipped is taken, and the other way round. */
		else if (cs->skip_from == cs->depth)
			cs->skip_from = 0;
		else if (cs->skip_from == 0)
			cs->skip_from = cs->depth;
		return 1;
	}
	if (strcmp(dir, "endif") == 0) {
		if (cs->depth == 0) {
			sc_diags_add(d, SC_DIAG_ERROR, file, line, "endif without ifplugin/if");
			return 1;
		}
		if (cs->skip_from == cs->depth)
			cs->skip_from = 0;
		cs->depth--;
		return 1;
	}
	return 0;
}

/* parse_replace - the ReplaceTags directives; returns 1 if dir was one */
static int parse_replace(sc_ruleset *rs, const char *dir, char *rest, const char *file,
			 unsigned line, sc_diags *d)
{
	static const struct {
		const char *dir;
		replace_kind kind;
	} defs[] = {{"replace_tag", REPL_TAG},
		    {"replace_pre", REPL_PRE},
		    {"replace_inter", REPL_INTER},
		    {"replace_post", REPL_POST}};
	char *word;

	if (strcmp(dir, "replace_start") == 0 || strcmp(dir, "replace_end") == 0) {
		char **slot = dir[8] == 's' ? &rs->repl_start : &rs->repl_end;

		word = next_word(&rest);
		if (word == NULL || *rest != '\0') {
			sc_diags_add(d, SC_DIAG_ERROR, file, line, "%s: expected one string", dir);
			return 1;
		}
		free(*slot);
		*slot = sc_strdup(word);
		return 1;
	}
	if (strcmp(dir, "replace_rules") == 0) {
		while ((word = next_word(&rest)) != NULL) {
			rs->repl_rules = sc_reallocarray(rs->repl_rules, rs->nrepl_rules + 1,
							 sizeof(*rs->repl_rules));
			rs->repl_rules[rs->nrepl_rules++] = sc_strdup(word);
		}
		return 1;
	}
	for (size_t k = 0; k < sizeof(defs) / sizeof(defs[0]); k++) {
		if (strcmp(dir, defs[k].dir) != 0)
			continue;
		word = next_word(&rest);
		if (word == NULL || *rest == '\0') {
			sc_diags_add(d, SC_DIAG_ERROR, file, line, "%s: expected NAME VALUE", dir);
			return 1;
		}
		rs->repl = sc_reallocarray(rs->repl, rs->nrepl + 1, sizeof(*rs->repl));
		rs->repl[rs->nrepl].kind = defs[k].kind;
		rs->repl[rs->nrepl].name = sc_strdup(word);
		rs->repl[rs->nrepl].value = sc_strdup(rest);
		rs->nrepl++;
		return 1;
	}
	return 0;
}

/* rules_parse_line - dispatch one line on its directive */
void rules_parse_line(sc_ruleset *rs, char *line, const char *file, unsigned lineno, cond_state *cs,
		      sc_diags *d)
{
	char *rest = line, *dir, *name;

	dir = next_word(&rest);
	if (dir == NULL)
		return;
	if (handle_conditional(dir, rest, file, lineno, cs, d) || cs->skip_from != 0)
		return;
	/* "lang xx line" applies only under locale xx; we have none, so such a
	 * line is skipped, as SpamAssassin skips the other languages' lines. */
	if (strcmp(dir, "lang") == 0)
		return;
	if (strcmp(dir, "include") == 0) {
		rules_include(rs, rest, file, lineno, cs->frame, d);
		return;
	}
	if (parse_replace(rs, dir, rest, file, lineno, d))
		return;
	if (strcmp(dir, "header") != 0 && strcmp(dir, "body") != 0 && strcmp(dir, "rawbody") != 0 &&
	    strcmp(dir, "full") != 0 && strcmp(dir, "uri") != 0 && strcmp(dir, "meta") != 0 &&
	    strcmp(dir, "tflags") != 0 && strcmp(dir, "priority") != 0 &&
	    strcmp(dir, "score") != 0 && strcmp(dir, "describe") != 0) {
		for (size_t i = 0; known_unsupported[i] != NULL; i++)
			if (strcmp(dir, known_unsupported[i]) == 0) {
				sc_diags_add(d, SC_DIAG_WARNING, file, lineno,
					     "\"%s\" is not supported yet; line skipped", dir);
				rs->skipped_directives++;
				return;
			}
		sc_diags_add(d, SC_DIAG_WARNING, file, lineno,
			     "unknown directive \"%s\"; line skipped", dir);
		rs->skipped_directives++;
		return;
	}
	name = next_word(&rest);
	if (name == NULL || !valid_rule_name(name)) {
		sc_diags_add(d, SC_DIAG_ERROR, file, lineno, "%s: missing or invalid rule name",
			     dir);
		return;
	}
	if (strcmp(dir, "header") == 0)
		parse_header(rs, name, rest, file, lineno, d);
	else if (strcmp(dir, "body") == 0)
		parse_body(rs, RULE_BODY, "body", name, rest, file, lineno, d);
	else if (strcmp(dir, "rawbody") == 0)
		parse_body(rs, RULE_RAWBODY, "rawbody", name, rest, file, lineno, d);
	else if (strcmp(dir, "full") == 0)
		parse_body(rs, RULE_FULL, "full", name, rest, file, lineno, d);
	else if (strcmp(dir, "uri") == 0)
		parse_body(rs, RULE_URI, "uri", name, rest, file, lineno, d);
	else if (strcmp(dir, "meta") == 0)
		parse_meta(rs, name, rest, file, lineno, d);
	else if (strcmp(dir, "tflags") == 0)
		parse_tflags(rs, name, rest, file, lineno, d);
	else if (strcmp(dir, "priority") == 0)
		parse_priority(name, rest, file, lineno, d);
	else if (strcmp(dir, "score") == 0)
		parse_score(rs, name, rest, file, lineno, d);
	else
		(void) add_pending(rs, PEND_DESCRIBE, name, rest, 0.0, file, lineno);
}
