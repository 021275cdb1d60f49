/*
 * eval.h - the run context of one message and the eval: checks rules call.
 *
 * A rule "header|body|rawbody|full|uri NAME eval:fname(args)" runs the C
 * function registered under fname. Each module that offers checks defines
 * one sc_eval_table and adds one line for it to the tables[] list in
 * eval.c (e.g. &sc_auth_eval_table from lib/auth_eval.c); sc_eval_find()
 * looks names up over all of them. The same file keeps the list of
 * SpamAssassin plugins we count as loaded (sc_eval_plugin_loaded), which
 * decides "ifplugin" and "if plugin(...)" blocks of rule files.
 *
 * Arguments are parsed once, when the rule file is loaded, the way
 * SpamAssassin's Conf::Parser::pack_eval_args does: a comma-separated list
 * of quoted strings ('x' or "x", no escapes) and bare words made of
 * letters, digits, '.', ':' and '-'. Their number is checked against the
 * definition's min_args..max_args (an error for that rule only). An
 * unknown fname is a lint warning; the rule stays defined, never hits, and
 * metas read it as 0, as SpamAssassin does when a plugin is missing.
 *
 * An eval function must be thread-safe: the same ruleset runs in many
 * threads at once. It may keep no state between calls. Everything in the
 * context is borrowed for the one message.
 */
#ifndef SC_EVAL_H
#define SC_EVAL_H

#include <stddef.h>

#include "auth.h"
#include "buf.h"
#include "envelope.h"
#include "msg.h"

struct sc_config;

/* What a rule run sees of one message; all borrowed for one message. */
typedef struct sc_run_ctx {
	const sc_msg *msg;
	const char *raw;            /* the message as received (for full and DKIM-ish checks), */
	size_t raw_len;             /* raw_len bytes, need not be NUL-terminated; NULL: unknown */
	const sc_envelope *env;     /* NULL: unknown */
	const sc_auth_result *auth; /* NULL: sender authentication not run */
	const struct sc_config *config; /* NULL in some tests */
	const struct sc_lists *lists;   /* the domain lists (lists.h), NULL: none */
	struct sc_run_memo *memo;       /* values made once per run and shared by its rules;
					 * sc_ruleset_run sets it on its own copy of the
					 * context (callers leave it NULL) */
} sc_run_ctx;

/* What a run makes once for all its rules (rules_run.c owns and frees it). */
typedef struct sc_run_memo {
	int relays_done;
	char *relays[2]; /* X-Spam-Relays-Trusted and -Untrusted (relays.h) */
} sc_run_memo;

/*
 * An eval check. args are the nargs arguments as written (quotes removed),
 * already checked against min_args..max_args. Returns the rule's value: 0
 * no hit, > 0 a hit (a count, which metas see), -1 an error (counted like
 * a regex error: no hit). On a hit it appends a short why-text to detail.
 */
typedef int (*sc_eval_fn)(const sc_run_ctx *ctx, const char *const *args, size_t nargs,
			  sc_buf *detail);

typedef struct sc_eval_def {
	const char *name; /* as written after eval: */
	sc_eval_fn fn;
	unsigned min_args, max_args;
} sc_eval_def;

typedef struct sc_eval_table {
	const sc_eval_def *defs;
	size_t n;
} sc_eval_table;

/* The checks over the message model alone (eval_msg.c). */
extern const sc_eval_table sc_msg_eval_table;
/* SPF, DKIM and DMARC results under SpamAssassin's names (auth_eval.c). */
extern const sc_eval_table sc_auth_eval_table;
/* Who the message claims to be from, where replies go (checks_identity.c). */
extern const sc_eval_table sc_identity_eval_table;
/* Where the message's links lead, by how their URLs are written (checks_links.c). */
extern const sc_eval_table sc_links_eval_table;
/* HTML anchors showing another site than they go to, forms posting off-site
 * (checks_anchors.c). */
extern const sc_eval_table sc_anchors_eval_table;
/* Sender domains and links on a named domain list, addresses the text
 * gives (checks_lists.c). */
extern const sc_eval_table sc_lists_eval_table;
/* Look-alike letters: mixed-script words, styled alphabets (checks_text.c). */
extern const sc_eval_table sc_text_eval_table;
/* Where money is asked to go: wallet addresses, IBANs (checks_money.c). */
extern const sc_eval_table sc_money_eval_table;
/* What is attached: programs, disguised names, HTML, archives (checks_attach.c). */
extern const sc_eval_table sc_attach_eval_table;
/* Text made for people but not filters: zero-width, hidden, image-only (checks_obfuscation.c). */
extern const sc_eval_table sc_obfus_eval_table;
/* Brand impersonation by name: display name, Subject, executives (checks_brand.c). */
extern const sc_eval_table sc_brand_eval_table;
/* Look-alike domains of brands, in From and in links (checks_lookalike.c). */
extern const sc_eval_table sc_lookalike_eval_table;

/* sc_eval_find - the check named name over every table, or NULL when
 * unknown. Static storage; thread-safe. */
const sc_eval_def *sc_eval_find(const char *name);

/* sc_eval_plugin_loaded - 1 when name (e.g. "Mail::SpamAssassin::Plugin::
 * HeaderEval", or the short "HeaderEval") is a plugin whose rules we run,
 * for "ifplugin" and "if plugin(...)"; 0 otherwise. */
int sc_eval_plugin_loaded(const char *name);

/* sc_eval_can - 1 when name (the argument of "if can(...)") is a
 * Mail::SpamAssassin::Conf method we pass (the feature_* flags of features
 * we have, perl_min_version_5010000), a has_* method SpamAssassin 4.0 gives
 * a loaded plugin, or Mail::SpamAssassin::Plugin::P::check for a loaded
 * plugin P and one of our checks; 0 otherwise. */
int sc_eval_can(const char *name);

/* sc_eval_parse_args - split an eval argument list (the text between the
 * parentheses, len bytes) as SpamAssassin does. On success returns 0 and
 * sets *args to an owned array of *nargs owned strings (free with
 * sc_eval_args_free); -1 when the text does not parse. */
int sc_eval_parse_args(const char *text, size_t len, char ***args, size_t *nargs);
/* sc_eval_args_free - release what sc_eval_parse_args made. */
void sc_eval_args_free(char **args, size_t nargs);

/*
 * sc_run_get - SpamAssassin's PerMsgStatus::get for a header selector,
 * as header rules see it: "Name", "Name:raw", "Name:addr", "Name:name",
 * "Name:host", "Name:domain", ":first"/":last", and the pseudo-headers ALL,
 * ALL:raw, ToCc, MESSAGEID and EnvelopeFrom (rules.h lists the details).
 * Appends the value to out (each header value ends in a newline, as in
 * SpamAssassin) and returns 1, or returns 0 when there is none. Returns -1
 * for a selector we do not implement.
 */
int sc_run_get(const sc_run_ctx *ctx, const char *selector, sc_buf *out);

#endif
