/*
 * rules.h - rule files: parse, compile (PCRE2 with JIT) and run, with
 * SpamAssassin 4.0's meaning (Mail::SpamAssassin::Conf, PerMsgStatus,
 * Plugin::Check, Message are the reference).
 *
 * Directives:
 *   header NAME Sel =~ /re/flags [if-unset: TEXT]   (also !~)
 *   header NAME exists:Sel
 *   header|body|rawbody|full|uri NAME eval:fname(args)   (eval.h)
 *   body NAME /re/      each element of the rendered body: the decoded
 *                       Subject, then one paragraph per line (from
 *                       sc_msg_body_text), each with its newline; a line
 *                       over 2048 bytes cut after its last space before
 *                       that (split_into_array_of_short_lines)
 *   rawbody NAME /re/   each text/ leaf part but text/calendar (attached
 *                       ones too), decoded, markup kept, cut at 500000
 *                       bytes, in pieces of 2048-4096 bytes when longer
 *                       (split_into_array_of_short_paragraphs)
 *   full NAME /re/      the raw message as received (ctx->raw)
 *   uri NAME /re/       each URL of the message (url.h) as written -- a
 *                       schemeless one with "http://", an e-mail address
 *                       with "mailto:" -- and normalised, each text once
 *   meta NAME EXPR      over other rules' values, a hit being 1 (its match
 *                       count under tflags multiple) and a miss 0: && || !
 *                       + - * / < <= > >= == != and parentheses, integers
 *                       and decimals, rule names; Perl's precedence and
 *                       meaning, x/0 = 0; an unknown name reads as 0 with a
 *                       warning; a meta in or using a cycle is an error
 *   score NAME N [N N N]  one value, or four of which sc_rule_limits'
 *                       score_set picks one (0: no Bayes, no network
 *                       tests; 1: network tests, ours being on);
 *                       0 = off, metas then read the rule as 0; without a
 *                       score line a rule scores 1, a T_ rule 0.01, and
 *                       negative under tflags nice
 *   tflags NAME flag... multiple (the value is the match count, at most
 *                       maxhits=N or SC_RULES_MAX_MULTIPLE, the hit scored
 *                       once), maxhits=N, nice, nosubject (body rules skip
 *                       the Subject); publish, net, learn, userconf and
 *                       the like are ignored; other flags warned about
 *   priority NAME N     checked, no effect: metas run in dependency order
 *   describe NAME text
 *   include FILE        relative to the including file; at most 8 deep; a
 *                       cycle or a missing file is an error
 *   lang xx LINE        skipped (no locale is configured, as SpamAssassin
 *                       skips other languages' lines)
 *   ifplugin NAME / if COND / else / endif
 *                       COND as Conf::Parser evaluates it (rules_if.c):
 *                       version (4.000001), perl_version, local_tests_only
 *                       (0), plugin(NAME), can(Module::method),
 *                       has(Module::method), numbers, ! - * / + - < <= > >=
 *                       == != && || and parentheses; anything else is an
 *                       error and the block is skipped. plugin() is true
 *                       for the plugins SpamAssassin loads by default,
 *                       except those whose own directives we do not run
 *                       (eval.c has the list and why: their blocks are
 *                       taken, so their regex rules run as in SA and their
 *                       evals we lack read 0); can() for the Conf features
 *                       we have and those plugins' has_* methods
 *   replace_tag / replace_pre / replace_inter / replace_post / replace_rules
 *   / replace_start / replace_end
 *                       ReplaceTags (rules_replace.c)
 * and '#' comments ("\#" is a literal '#'). Regexes are /re/ or m{re} (any
 * delimiter), flags i, m, s, x. They match bytes of UTF-8, except that
 * under i an accented Latin-1 letter of the pattern matches either case
 * (rules_fold.c).
 *
 * Header selectors (rules_header.c, PerMsgStatus::get): Name (every value
 * RFC 2047-decoded, each ending in a newline, joined), Name:raw (as
 * received), :addr and :name (every mailbox of every value, one a line,
 * parsed by a port of SA's internal address parser; :name decoded unless
 * :raw), :host and :domain (after :addr: the part after the last '@';
 * otherwise the first word after an '@', else anywhere, under a known
 * public suffix; :domain its registrable domain), :first and :last (the
 * topmost or last field). Pseudo-headers: ALL ("Name: decoded value\n"
 * for every field), ALL:raw (each field as received), ToCc (To then Cc
 * values), MESSAGEID (X-Message-Id, Resent-Message-Id,
 * X-Original-Message-ID, Message-Id), EnvelopeFrom (the envelope's MAIL
 * FROM; without an envelope, SA's fallback from X-Envelope-From,
 * Envelope-Sender or Return-Path when no Received field precedes it),
 * X-Spam-Relays-Trusted/-Untrusted/-Internal/-External (relays.h: SA's
 * relay strings from Received, default trust path). A missing header reads
 * as its if-unset text, or as "" (Perl's undef). Selectors needing SA's
 * Received ranges of the trust path (ALL-TRUSTED, ALL-UNTRUSTED,
 * ALL-INTERNAL, ALL-EXTERNAL) and :ip/:revip are a lint warning: the rule is defined, never hits,
 * and metas read it as 0.
 *
 * Known differences from SpamAssassin: body and rawbody text is UTF-8
 * (charsets converted) where SA matches raw bytes (normalize_charset off);
 * :addr never falls back to Email::Address::XS; :host checks public
 * suffixes (libpsl) where SA uses its TLD list; uri sees our URL set
 * (url.h), not SA's cleaned list with redirector targets and port/
 * percent-decoding variants; rawbody parts come from the message model's
 * text parts (message/ leaves without text are not included).
 *
 * Other directives are warned about and skipped, so they never change
 * another rule's meaning; a rule that cannot be compiled is an error and is
 * left out.
 *
 * A ruleset is immutable once built and reference-counted: any number of
 * threads may run it at once (each run makes its own PCRE2 match data), and
 * sc_ruleset_ref/unref are atomic. The daemon swaps in a new ruleset on
 * reload while messages in flight finish on the old one.
 */
#ifndef SC_RULES_H
#define SC_RULES_H

#include <stddef.h>

#include "diag.h"
#include "eval.h"
#include "msg.h"

typedef struct sc_ruleset sc_ruleset;

/* Limits applied to each regex run, so no rule can stall the filter. */
typedef struct sc_rule_limits {
	unsigned long match_limit; /* pcre2_set_match_limit */
	unsigned long depth_limit; /* pcre2_set_depth_limit */
	unsigned score_set;        /* which value of a four-value score line counts:
				    * SpamAssassin's sets, 0 = no Bayes and no
				    * network tests, 1 = network tests (ours: SPF,
				    * DKIM, DMARC); see sc_rule_score_set() */
} sc_rule_limits;

/* sc_rule_score_set - the SpamAssassin score set for a filter whose network
 * tests are on (1) or off (0); we never have Bayes (sets 2 and 3). */
#define sc_rule_score_set(network_tests) ((network_tests) ? 1u : 0u)

#define SC_RULES_DEFAULT_MATCH_LIMIT    100000UL
#define SC_RULES_DEFAULT_DEPTH_LIMIT    10000UL
#define SC_RULES_MAX_LINE               65536  /* bytes of one rule-file line */
#define SC_RULES_MAX_MULTIPLE           1000   /* matches counted under tflags multiple */
#define SC_RULES_BODY_LINE_MAX          2048   /* SpamAssassin's MAX_BODY_LINE_LENGTH */
#define SC_RULES_RAWBODY_SCAN_SIZE      500000 /* its rawbody_part_scan_size default */
#define SC_RULES_DEFAULT_TIME_BUDGET_MS 2000UL /* rules_time_budget_ms default */

/* sc_ruleset_load_dir - read dir/ *.cf in lexical (C locale) order; a later
 * file's score overrides an earlier one. Returns NULL, with an error in d,
 * only when the directory or one of its files cannot be read; otherwise a
 * ruleset (possibly with errors in d for the lines it left out). The caller
 * owns one reference. */
sc_ruleset *sc_ruleset_load_dir(const char *dir, const sc_rule_limits *lim, sc_diags *d);

/* sc_ruleset_load_text - build a ruleset from one text (len bytes) that is
 * reported as file name; for tests and tools. Never NULL. */
sc_ruleset *sc_ruleset_load_text(const char *name, const char *text, size_t len,
				 const sc_rule_limits *lim, sc_diags *d);

/* sc_ruleset_ref - take another reference; returns rs. */
sc_ruleset *sc_ruleset_ref(sc_ruleset *rs);
/* sc_ruleset_unref - drop a reference, freeing on the last; NULL is a no-op. */
void sc_ruleset_unref(sc_ruleset *rs);

/* sc_ruleset_count - rules loaded (sub-rules included). */
size_t sc_ruleset_count(const sc_ruleset *rs);

/* sc_ruleset_slots - rule slots, replaced rules included: the size of
 * sc_rule_run_stats.rule_ms. sc_ruleset_slot_name - slot i's rule name
 * (borrowed from rs), NULL for a replaced rule or i out of range. */
size_t sc_ruleset_slots(const sc_ruleset *rs);
const char *sc_ruleset_slot_name(const sc_ruleset *rs, size_t i);

/* Counts by kind, for lint and logs: each live rule is in exactly one of
 * header (regex and exists:), body, rawbody, full, uri (regex rules), eval
 * (eval: rules of any directive) and meta; total is their sum. never
 * counts those of them that are loaded but can never hit (unknown_evals
 * unknown evals, and header rules on a selector we do not implement). */
typedef struct sc_rule_stats {
	size_t header, body, rawbody, full, uri, eval, meta, total;
	size_t never, unknown_evals;
	size_t skipped_directives; /* lines left out: unsupported directives */
} sc_rule_stats;
void sc_ruleset_stats(const sc_ruleset *rs, sc_rule_stats *st);

/*
 * The Hyperscan prefilter (rules_hs.c): the body, rawbody and uri rules
 * compiled into one automaton per list, so a run scans each list once and
 * skips the rules it rules out; PCRE2 still decides every hit, so the hits
 * are the same with it or without it. Building it for the stock rules
 * takes Hyperscan tens of seconds, hence apart from loading:
 * sc_ruleset_prefilter builds it (SC_PREFILTER_NOW), or does so in a
 * detached thread of its own holding a reference to rs
 * (SC_PREFILTER_BACKGROUND: the ruleset runs on PCRE2 alone until it is
 * published), or only reads it from the cache (SC_PREFILTER_CACHED: no
 * prefilter when the cache lacks it). cache_dir (NULL: none) keeps each
 * build under a hash of its patterns, so a later load of the same rules by
 * the same Hyperscan on the same CPU reads it back. Call it at most once
 * per ruleset (later calls do nothing), from the thread that loaded it,
 * before other threads see rs; in a process that forks, after the fork.
 * Without Hyperscan (configure) or SSSE3 the state is SC_PREFILTER_OFF.
 */
typedef enum sc_prefilter_state {
	SC_PREFILTER_OFF,      /* no prefilter: reason says why */
	SC_PREFILTER_BUILDING, /* being built; rules run without it meanwhile */
	SC_PREFILTER_READY,    /* in use */
	SC_PREFILTER_FAILED    /* Hyperscan compiled nothing: reason says why */
} sc_prefilter_state;

typedef struct sc_prefilter_info {
	sc_prefilter_state state;
	size_t patterns[4]; /* rules in the body, rawbody, uri and header databases */
	size_t refused;     /* twin-safe patterns Hyperscan would not compile */
	double seconds;     /* the build's time, cache read included */
	int cached;         /* 1: read from the cache, 2: built and written to it */
	char reason[512];   /* OFF, FAILED, or a cache that could not be written */
} sc_prefilter_info;

typedef enum sc_prefilter_mode {
	SC_PREFILTER_NOW,
	SC_PREFILTER_BACKGROUND,
	SC_PREFILTER_CACHED
} sc_prefilter_mode;

void sc_ruleset_prefilter(sc_ruleset *rs, const char *cache_dir, sc_prefilter_mode mode);
/* sc_ruleset_prefilter_info - the build's state into out, after it ends
 * when wait. Thread-safe. */
void sc_ruleset_prefilter_info(const sc_ruleset *rs, int wait, sc_prefilter_info *out);

/* One rule that matched, handed to the caller's callback. The strings are
 * borrowed from the ruleset and live as long as the caller's reference. */
typedef struct sc_rule_hit {
	const char *name;
	const char *description; /* "" when the rule has none */
	const char *detail;      /* why: what matched where; for a meta, the inputs
				  * that made it true with their own details
				  * (at most ~300 bytes, UTF-8 kept whole);
				  * valid during the callback only */
	double score;
} sc_rule_hit;

typedef void (*sc_rule_hit_fn)(void *arg, const sc_rule_hit *hit);

/* Result counters of one run, for logs. */
typedef struct sc_rule_run_stats {
	size_t evaluated;      /* rules run */
	size_t regex_errors;   /* runs that hit a match limit or failed (or an eval
				* error), counted as no match */
	size_t budget_skipped; /* rules not run: the time budget was spent */
	size_t prefiltered;    /* rules run whose regex the Hyperscan prefilter
				* spared: it found they could not match */
} sc_rule_run_stats;

/* sc_ruleset_run - run every rule once over the message of ctx (eval.h;
 * everything in it borrowed for the call) and call hit_fn for each rule
 * that matched, except "__" sub-rules: first the non-meta rules in
 * rule-file order, then the metas, each after every meta it uses. The
 * non-meta rules run within ctx->config->rules_time_budget_ms (0: no
 * limit; SC_RULES_DEFAULT_TIME_BUDGET_MS when config is NULL), checked
 * between rules on the monotonic clock: once it is spent the remaining
 * ones are skipped (counted in st->budget_skipped, reading 0 for metas,
 * which still run). Thread-safe. */
void sc_ruleset_run(const sc_ruleset *rs, const sc_run_ctx *ctx, sc_rule_hit_fn hit_fn, void *arg,
		    sc_rule_run_stats *st);

/* sc_ruleset_run_timed - sc_ruleset_run that also adds each non-meta
 * rule's time in milliseconds to rule_ms, which has sc_ruleset_slots()
 * slots owned by the caller (one array per thread). The first rule of a
 * kind also pays for rendering that kind's text; metas are not timed. */
void sc_ruleset_run_timed(const sc_ruleset *rs, const sc_run_ctx *ctx, sc_rule_hit_fn hit_fn,
			  void *arg, sc_rule_run_stats *st, double *rule_ms);

#endif
