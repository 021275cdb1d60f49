/*
 * checks_harness.h - the scaffolding the check tests (test_checks*.c)
 * share: lists loaded from hand-written files, a ruleset from text, the
 * hits of a ruleset on a raw message as "NAME:detail\n" lines, and the
 * assertion that one rule hits (with a detail) or not.
 */
#ifndef SC_CHECKS_HARNESS_H
#define SC_CHECKS_HARNESS_H

#include <stddef.h>

#include "config.h"
#include "envelope.h"
#include "lists.h"
#include "rules.h"

/* harness_lists - the lists of a temporary directory holding the files
 * given as name, text pairs ending in NULL ({"freemail.txt", "gmail.com\n",
 * NULL}); the directory is gone on return. NULL on any error. */
sc_lists *harness_lists(const char *const *files_and_texts);
/* harness_rules - a ruleset from rules text ("t.cf"); NULL when it does not
 * load or, with strict, on any load error */
sc_ruleset *harness_rules(const char *text, int strict);
/* harness_load - *ls from the files (as harness_lists) and *rs from the
 * rules text (strict): a test group's setup; 0, or -1 when either failed
 * (release what was made with harness_unload) */
int harness_load(sc_lists **ls, sc_ruleset **rs, const char *const *files_and_texts,
		 const char *rules_text);
/* harness_unload - release what harness_load made; NULLs are fine */
void harness_unload(sc_lists *ls, sc_ruleset *rs);
/* harness_hits_env - every hit of rs on the raw message, one
 * "NAME:detail\n" line each, with ls, cfg and env (each may be NULL); the
 * caller frees the string */
char *harness_hits_env(const sc_ruleset *rs, const sc_lists *ls, const sc_config *cfg,
		       const sc_envelope *env, const char *raw, size_t len);
/* harness_hits - harness_hits_env on a NUL-terminated message, no envelope */
char *harness_hits(const sc_ruleset *rs, const sc_lists *ls, const sc_config *cfg, const char *raw);
/* harness_has_hit - rule is among the hits h; its line (to the end of h)
 * or NULL */
const char *harness_has_hit(const char *h, const char *rule);
/* harness_check - fails the test unless rule is among the hits h (hit 1) or
 * not (hit 0) and, when it hit and detail is not NULL, detail follows its
 * name in h; the failure names row (< 0: none) and shows what */
void harness_check(const char *h, const char *rule, int hit, const char *detail, long row,
		   const char *what);

#endif
