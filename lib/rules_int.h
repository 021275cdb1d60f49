/*
 * rules_int.h - the ruleset's insides, shared by rules.c (life cycle and
 * loading), rules_parse.c (one line of a rule file at a time) and
 * rules_run.c (matching). Not for use outside lib/rules*.c.
 */
#ifndef SC_RULES_INT_H
#define SC_RULES_INT_H

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include "diag.h"
#include "rules.h"

typedef enum rule_kind {
	RULE_HEADER,        /* Header =~ /re/ or !~ */
	RULE_HEADER_EXISTS, /* exists:Header */
	RULE_BODY,          /* /re/ over the rendered body text (sc_msg_body_text) */
	RULE_RAWBODY        /* /re/ over the decoded body, markup kept (sc_msg_rawbody) */
} rule_kind;

typedef enum header_form {
	HEADER_VALUE, /* unfolded, trimmed */
	HEADER_RAW    /* :raw, as received */
} header_form;

typedef struct rule {
	char *name; /* owned */
	rule_kind kind;
	char *header; /* owned; field name for header rules */
	header_form form;
	int negate;     /* !~ */
	char *if_unset; /* owned; value used when the header is absent, or NULL */
	char *source;   /* owned; the regex as written, for explanations */
	pcre2_code *re; /* owned; NULL for exists: */
	double score;
	int score_set;     /* a score line named this rule */
	char *description; /* owned; NULL until a describe line */
	char *file;        /* owned; where it was defined */
	unsigned line;
	int dead; /* replaced by a later definition of the same name */
} rule;

/* A score or describe line, applied once every file is read (SpamAssassin
 * lets them come before the rule and in other files). */
typedef struct pending {
	char *name;
	char *text; /* describe text, or NULL for a score */
	double score;
	char *file;
	unsigned line;
} pending;

/* Block skipping for ifplugin/if ... else ... endif. */
typedef struct cond_state {
	unsigned depth;     /* open blocks */
	unsigned skip_from; /* depth at which lines are being skipped, 0 = none */
} cond_state;

struct sc_ruleset {
	rule *rules;
	size_t n, cap;
	pending *pend;
	size_t npend, cappend;
	size_t skipped_directives;
	sc_rule_limits lim;
	pcre2_match_context *mctx; /* read-only once built: shared by all runs */
	_Atomic unsigned long refs;
};

/* rules_parse_line - parse one comment-stripped line of file:lineno into rs. */
void rules_parse_line(sc_ruleset *rs, char *line, const char *file, unsigned lineno, cond_state *cs,
		      sc_diags *d);

/* rules_is_subrule - names starting with "__" are evaluated, never scored. */
int rules_is_subrule(const char *name);

#endif
