/*
 * rules_int.h - the ruleset's insides, shared by rules.c (life cycle and
 * loading), rules_parse.c (one line of a rule file at a time) and
 * rules_run.c (matching). Not for use outside lib/rules*.c.
 */
#ifndef SC_RULES_INT_H
#define SC_RULES_INT_H

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include "buf.h"
#include "diag.h"
#include "eval.h"
#include "rules.h"

typedef enum rule_kind {
	RULE_HEADER,        /* Header =~ /re/ or !~ */
	RULE_HEADER_EXISTS, /* exists:Header */
	RULE_BODY,          /* /re/ over each line of the rendered body (sc_msg_body_text) */
	RULE_RAWBODY,       /* /re/ over each line of the decoded body, markup kept */
	RULE_FULL,          /* /re/ over the raw message (ctx->raw) */
	RULE_URI,           /* /re/ over each URL of the message */
	RULE_EVAL,          /* eval:fname(args) (eval.h); eval_type says which directive */
	RULE_META           /* an expression over other rules' values (rules_meta.c) */
} rule_kind;

typedef enum meta_opcode {
	META_NUM,  /* push num */
	META_RULE, /* push the value of rule ref (0 when ref < 0: unknown) */
	META_NOT,
	META_NEG,
	META_OR,
	META_AND,
	META_EQ,
	META_NE,
	META_LT,
	META_LE,
	META_GT,
	META_GE,
	META_ADD,
	META_SUB,
	META_MUL,
	META_DIV
} meta_opcode;

/* One step of a meta's postfix program. */
typedef struct meta_op {
	meta_opcode op;
	double num; /* META_NUM */
	char *name; /* META_RULE: owned */
	long ref;   /* META_RULE: index in sc_ruleset.rules once linked, or -1 */
} meta_op;

typedef struct meta_prog {
	meta_op *ops; /* owned */
	size_t n, cap;
	size_t max_stack; /* values the program needs on its stack */
} meta_prog;

/* Modifiers of a header selector (rules_header.c). */
#define SEL_RAW    1u  /* :raw, as received */
#define SEL_ADDR   2u  /* :addr, the addresses */
#define SEL_NAME   4u  /* :name, the display names */
#define SEL_HOST   8u  /* :host */
#define SEL_DOMAIN 16u /* :domain (with SEL_HOST) */
#define SEL_FIRST  32u /* :first, the topmost field only */
#define SEL_LAST   64u /* :last, the last field only */

typedef enum header_pseudo {
	PSEUDO_NONE,      /* a real header field */
	PSEUDO_ALL,       /* ALL, ALL:raw */
	PSEUDO_ENVFROM,   /* EnvelopeFrom */
	PSEUDO_TOCC,      /* ToCc */
	PSEUDO_MESSAGEID, /* MESSAGEID */
	PSEUDO_RELAYS,    /* X-Spam-Relays-*: sel->relays says which (relays.h) */
} header_pseudo;

/* A parsed header selector such as "From:addr". */
typedef struct header_sel {
	char *name; /* owned: the field name or pseudo-header */
	char *text; /* owned: the selector as written, for explanations */
	header_pseudo pseudo;
	unsigned mods; /* SEL_* */
	int relays;    /* PSEUDO_RELAYS: an sc_relays_kind */
} header_sel;

/* rules_header_parse - parse text into sel (owned strings, freed by the
 * caller); NULL, or the reason the selector is not supported. */
const char *rules_header_parse(const char *text, header_sel *sel);
/* rules_header_get - SpamAssassin's get(selector) over ctx, appended to
 * out; 1 if there was a value, 0 if not (see eval.h sc_run_get). */
int rules_header_get(const sc_run_ctx *ctx, const header_sel *sel, sc_buf *out);

typedef struct rule {
	char *name; /* owned */
	rule_kind kind;
	header_sel sel;  /* header rules: the selector (name owned) */
	size_t sel_slot; /* header rules: 1 + the index of sel among the ruleset's
			  * nsel distinct selectors, whose values a run gets
			  * once (rules_prefilter.c); 0 for other rules */
	int negate;      /* !~ */
	char *if_unset;  /* owned; value used when the header is absent, or NULL */
	char *source;    /* owned; the regex as written, for explanations */
	pcre2_code *re;  /* owned; NULL for exists: */
	pcre2_code *pre; /* owned; body/rawbody: the MULTILINE twin run once over
			  * all texts as a necessary condition, or NULL
			  * (rules_prefilter.c) */
	char *lit;       /* owned; body/rawbody/uri: lit_len NUL-ended literals one
			  * of which every match contains (lower-cased when
			  * lit_caseless), or NULL (rules_prefilter.c) */
	size_t lit_len;
	int lit_caseless;
	int twin_safe;  /* body/rawbody/uri: the twin argument holds for the
			 * pattern (rules_prefilter.c), whether or not a twin
			 * was compiled */
	char *expanded; /* owned; the pattern after replace_rules, or NULL */
	uint32_t expanded_opts;
	double score;
	int score_set;     /* a score line named this rule */
	char *description; /* owned; NULL until a describe line */
	char *file;        /* owned; where it was defined */
	unsigned line;
	unsigned tflags;         /* TFLAG_* */
	unsigned maxhits;        /* tflags maxhits=N, 0 = the SC_RULES_MAX_MULTIPLE cap */
	int dead;                /* replaced by a later definition, or a meta in a cycle */
	int replaced;            /* replace_rules already applied */
	int meta_input;          /* a meta reads this rule: a run keeps its
				  * hit's why-text to explain the meta */
	int never;               /* defined but never hits: an unknown eval or an
				  * unsupported header selector (metas read 0) */
	const char *eval_type;   /* RULE_EVAL: "header", "body", ... (static) */
	const sc_eval_def *eval; /* RULE_EVAL: the check, NULL when unknown */
	char **args;             /* RULE_EVAL: owned array of nargs owned strings */
	size_t nargs;
	meta_prog meta; /* RULE_META: the compiled expression */
} rule;

#define TFLAG_MULTIPLE  1u /* the value is the number of matches */
#define TFLAG_NICE      2u /* documents a negative score; no effect */
#define TFLAG_NOSUBJECT 4u /* body rules: the Subject line is left out */

typedef enum pending_kind { PEND_SCORE, PEND_DESCRIBE, PEND_TFLAGS } pending_kind;

/* A score, describe or tflags line, applied once every file is read (SpamAssassin
 * lets them come before the rule and in other files). */
typedef struct pending {
	char *name;
	pending_kind what;
	char *text; /* PEND_DESCRIBE: the text */
	double score;
	unsigned tflags, maxhits; /* PEND_TFLAGS */
	char *file;
	unsigned line;
} pending;

/* The chain of files being read, innermost first, for include. */
typedef struct include_frame {
	const char *real; /* the file's realpath, or NULL (an in-memory text) */
	const struct include_frame *up;
	unsigned depth; /* 0 for a file read by the loader */
} include_frame;

/* Per-file parse state: block skipping for ifplugin/if ... else ... endif,
 * and where the file is in an include chain. */
typedef struct cond_state {
	unsigned depth;     /* open blocks */
	unsigned skip_from; /* depth at which lines are being skipped, 0 = none */
	const include_frame *frame;
} cond_state;

/* ReplaceTags: one replace_tag, replace_pre, replace_inter or replace_post line. */
typedef enum replace_kind { REPL_TAG, REPL_PRE, REPL_INTER, REPL_POST } replace_kind;

typedef struct replace_def {
	replace_kind kind;
	char *name;  /* owned */
	char *value; /* owned */
} replace_def;

struct sc_ruleset {
	rule *rules;
	size_t n, cap;
	pending *pend;
	size_t npend, cappend;
	size_t skipped_directives;
	size_t never_selectors; /* header rules on a selector we do not implement */
	replace_def *repl;      /* ReplaceTags definitions, in file order */
	size_t nrepl;
	char **repl_rules; /* names listed by replace_rules */
	size_t nrepl_rules;
	char *repl_start, *repl_end; /* replace_start/replace_end, NULL: "<" and ">" */
	size_t *meta_order;          /* live metas, each after the metas it uses */
	size_t nmeta;
	size_t meta_stack;           /* the largest max_stack of those metas */
	size_t nsel;                 /* distinct header selectors (rule.sel_slot) */
	struct rules_hs *_Atomic hs; /* owned; the Hyperscan databases once
				      * published, else NULL (rules_hs.c) */
	struct rules_hs_ctl *hs_ctl; /* owned; their build's state, or NULL */
	sc_rule_limits lim;
	pcre2_match_context *mctx; /* read-only once built: shared by all runs */
	_Atomic unsigned long refs;
};

/* rules_parse_line - parse one comment-stripped line of file:lineno into rs. */
void rules_parse_line(sc_ruleset *rs, char *line, const char *file, unsigned lineno, cond_state *cs,
		      sc_diags *d);

/* rules_include - read and parse the file an "include" line of file:line
 * names (relative to file's directory), inside frame; errors for a missing
 * file, a cycle or nesting deeper than RULES_MAX_INCLUDE_DEPTH. */
void rules_include(sc_ruleset *rs, const char *target, const char *file, unsigned line,
		   const include_frame *frame, sc_diags *d);

/* rules_find - the live rule named name, via idx (rule indexes sorted by
 * name, then position), or NULL. */
rule *rules_find(sc_ruleset *rs, const size_t *idx, const char *name);

/* rules_meta_compile - compile a meta expression into prog (which the
 * caller frees with rules_meta_free); NULL, or the reason it is refused. */
const char *rules_meta_compile(const char *expr, meta_prog *prog);
/* rules_meta_free - release prog; a zeroed prog is fine. */
void rules_meta_free(meta_prog *prog);
/* rules_meta_order - link meta names to rules (unknown: a warning, reads
 * as 0), order the live metas by dependency into rs->meta_order, and mark
 * dead, with an error, every meta in or depending on a cycle. */
void rules_meta_order(sc_ruleset *rs, const size_t *idx, sc_diags *d);
/* rules_meta_eval - prog's value given every rule's value; stack has room
 * for prog->max_stack values. */
double rules_meta_eval(const meta_prog *prog, const double *values, double *stack);
/* rules_meta_binary - binary operator op (META_OR .. META_DIV) applied to
 * a and b, with Perl's meaning (a || b is a when a is true, else b). */
double rules_meta_binary(meta_opcode op, double a, double b);

/* The why-texts of one run's hits that metas read (rules_why.c); one
 * run's own, never shared. */
typedef struct rules_why {
	const sc_ruleset *rs; /* borrowed */
	sc_buf text;          /* the kept texts, each followed by a NUL */
	size_t *at;           /* rs->n: 1 + where rule i's text starts in text, 0
			       * for none; made on first use */
} rules_why;

/* rules_why_init - an empty store for a run of rs; rules_why_free
 * releases it. */
void rules_why_init(rules_why *w, const sc_ruleset *rs);
void rules_why_free(rules_why *w);
/* rules_why_keep - keep detail (len bytes, copied) as rule i's why-text. */
void rules_why_keep(rules_why *w, size_t i, const char *detail, size_t len);
/* rules_why_meta - append why meta i is true given every rule's value:
 * its true inputs with their kept why-texts (nested metas explained two
 * levels down), bounded in length; see rules_why.c. */
void rules_why_meta(const rules_why *w, const double *values, size_t i, sc_buf *out);

/* rules_set_regex - compile pat (len bytes, opts) with JIT and make it r's
 * regex and expanded pattern (rules_replace.c): 0, or -1 with PCRE2's
 * message in msg (size bytes) and the offset in *off, r unchanged. */
int rules_set_regex(rule *r, const char *pat, size_t len, uint32_t opts, char *msg, size_t size,
		    size_t *off);
/* rules_fold_latin1 - pat (len bytes, compile options opts: only x is
 * read, for its comments) with each accented Latin-1 letter (UTF-8)
 * matching both its cases, into out (reset first): 1 when out differs from
 * pat, 0 when there was nothing to fold or the pattern uses \Q, a verb or
 * an inline option turned off (out is then not to be used). Pure. */
int rules_fold_latin1(const char *pat, size_t len, uint32_t opts, sc_buf *out);
/* rules_option_off - pat (len bytes) has an inline option group that
 * turns an option off: (?-i), (?s-m:...), (?^). Textual, errs towards yes;
 * pure (rules_fold.c). */
int rules_option_off(const char *pat, size_t len);
/* rules_fold_case - fold every live /i regex of rs (rules_fold.c); after
 * replace_rules, before rules_prefilter_build. */
void rules_fold_case(sc_ruleset *rs, sc_diags *d);

/* rules_prefilter_build - compile the MULTILINE twins (rules_prefilter.c);
 * after replace_rules, before the ruleset is shared. */
void rules_prefilter_build(sc_ruleset *rs);

/* The lists of texts a Hyperscan database is made for (rules_hs.c). */
#define RULES_HS_BODY    0
#define RULES_HS_RAWBODY 1
#define RULES_HS_URI     2
#define RULES_HS_LISTS   3

/* rules_hs_list - the database rule r goes into: its list for a body,
 * rawbody or uri rule, RULES_HS_LISTS + its selector slot - 1 for a header
 * regex rule without [if-unset] (the slot's value is the text it is
 * matched against, the same for all such rules), else -1. */
static inline long rules_hs_list(const struct rule *r)
{
	switch (r->kind) {
	case RULE_BODY:
		return RULES_HS_BODY;
	case RULE_RAWBODY:
		return RULES_HS_RAWBODY;
	case RULE_URI:
		return RULES_HS_URI;
	case RULE_HEADER:
		return r->sel_slot > 0 && r->if_unset == NULL
			       ? RULES_HS_LISTS + (long) r->sel_slot - 1
			       : -1;
	default:
		return -1;
	}
}
/* rules_hs_lists - how many databases rs can have. */
#define rules_hs_lists(rs) (RULES_HS_LISTS + (rs)->nsel)

/* rules_relax - for the prefilter, pat loosened so that, over the texts
 * joined with "\n" in multiline mode, it matches wherever pat matches one
 * text (rules_prefilter.c); owned by the caller, or NULL when it cannot
 * be. */
char *rules_relax(const char *pat, size_t len, uint32_t opts);

/* rules_cost - the automaton states Hyperscan would roughly need for the
 * pattern at pat (len bytes), or some number over cap (rules_prefilter.c). */
size_t rules_cost(const char *pat, size_t len, size_t cap);
/* rules_prefix - a pattern of at most budget states matching at least the
 * start of every match of pat (len bytes, no /x), owned by the caller, or
 * NULL (rules_prefilter.c). */
char *rules_prefix(const char *pat, size_t len, size_t budget);

/* rules_hs_free - release the databases, scratch spaces and build state. */
void rules_hs_free(sc_ruleset *rs);
/* rules_hs_take - a scratch space for one run, or NULL while rs has no
 * published database; rules_hs_give hands it back. Both thread-safe. */
void *rules_hs_take(const sc_ruleset *rs);
void rules_hs_give(const sc_ruleset *rs, void *scratch);
/* rules_hs_scan - scan text (len bytes: a list's texts joined, each ended
 * by "\n") with list's database, setting maybe[i] to 1 for each rule i
 * that may match, and *member to the database's flags (rule i is in it);
 * 0, or -1 when there is no database or the scan failed (then every rule
 * of the list must run). Thread-safe, with the run's own scratch. */
int rules_hs_scan(const sc_ruleset *rs, long list, void *scratch, const char *text, size_t len,
		  unsigned char *maybe, const unsigned char **member);

/* rules_pattern - r's regex as it runs: after replace_rules, or as split
 * from its source; *copy (owned by the caller, NULL when none was needed)
 * holds what *pat points into. 0, or -1 when the source does not split. */
int rules_pattern(const rule *r, const char **pat, size_t *len, uint32_t *opts, char **copy);

/* rules_regex_split - split the Perl regex literal at s into a pattern
 * (*pat, *patlen pointing into s), PCRE2 options and *rest; NULL or why not. */
const char *rules_regex_split(char *s, const char **pat, size_t *patlen, uint32_t *opts,
			      char **rest);

/* rules_replace_tags - apply replace_rules (ReplaceTags) to the rules they
 * name, recompiling each changed regex; a regex that then fails to compile
 * keeps its original form, with a warning, as in SpamAssassin. */
void rules_replace_tags(sc_ruleset *rs, const size_t *idx, sc_diags *d);

/* rules_if_eval - the value of an "if" condition (rules_if.c): 0 with
 * *value set to 1 (true) or 0, or -1 with the reason in *why. */
int rules_if_eval(const char *expr, int *value, const char **why);

/* rules_is_subrule - names starting with "__" are evaluated, never scored. */
int rules_is_subrule(const char *name);

#endif
