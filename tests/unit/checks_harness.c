/*
 * checks_harness.c - the scaffolding the check tests share (see
 * checks_harness.h): list files written to a mkdtemp directory and
 * loaded, a ruleset from text, a message parsed and the rules run into a
 * "NAME:detail\n" buffer, and the check of one rule's hit against what a
 * test row expects.
 */
#include "autoconfig.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "checks_harness.h"
#include "diag.h"
#include "mem.h"
#include "msg.h"

/* harness_lists - the lists of a temporary directory of the given files */
sc_lists *harness_lists(const char *const *files_and_texts)
{
	char dir[] = "/tmp/checks_harness.XXXXXX";
	char path[256];
	sc_lists *ls = NULL;
	sc_diags d;
	size_t i;
	int ok = 1;

	if (mkdtemp(dir) == NULL)
		return NULL;
	for (i = 0; ok && files_and_texts[i] != NULL; i += 2) {
		FILE *f;

		(void) snprintf(path, sizeof(path), "%s/%s", dir, files_and_texts[i]);
		if ((f = fopen(path, "w")) == NULL) {
			ok = 0;
			break;
		}
		(void) fputs(files_and_texts[i + 1], f);
		if (fclose(f) != 0)
			ok = 0;
	}
	sc_diags_init(&d);
	if (ok)
		ls = sc_lists_load_dir(dir, &d);
	if (ls != NULL && d.errors > 0) {
		sc_lists_free(ls);
		ls = NULL;
	}
	sc_diags_free(&d);
	for (size_t j = 0; j < i; j += 2) {
		(void) snprintf(path, sizeof(path), "%s/%s", dir, files_and_texts[j]);
		(void) unlink(path);
	}
	(void) rmdir(dir);
	return ls;
}

/* harness_rules - a ruleset from rules text */
sc_ruleset *harness_rules(const char *text, int strict)
{
	sc_diags d;
	sc_ruleset *rs;

	sc_diags_init(&d);
	rs = sc_ruleset_load_text("t.cf", text, strlen(text), NULL, &d);
	if (rs != NULL && strict && d.errors > 0) {
		sc_ruleset_unref(rs);
		rs = NULL;
	}
	sc_diags_free(&d);
	return rs;
}

/* harness_load - see checks_harness.h */
int harness_load(sc_lists **ls, sc_ruleset **rs, const char *const *files_and_texts,
		 const char *rules_text)
{
	*ls = harness_lists(files_and_texts);
	*rs = harness_rules(rules_text, 1);
	return *ls != NULL && *rs != NULL ? 0 : -1;
}

/* harness_unload - see checks_harness.h */
void harness_unload(sc_lists *ls, sc_ruleset *rs)
{
	sc_lists_free(ls);
	sc_ruleset_unref(rs);
}

/* hit_cb - one "NAME:detail" line for a hit */
static void hit_cb(void *arg, const sc_rule_hit *hit)
{
	sc_buf *b = arg;

	(void) sc_buf_printf(b, "%s:%s\n", hit->name, hit->detail);
}

/* harness_hits_env - the hits of rs on a raw message */
char *harness_hits_env(const sc_ruleset *rs, const sc_lists *ls, const sc_config *cfg,
		       const sc_envelope *env, const char *raw, size_t len)
{
	sc_buf out;
	sc_msg *m = sc_msg_parse(raw, len);
	sc_run_ctx ctx;
	sc_rule_run_stats st;
	char *res;

	sc_buf_init(&out, SC_BUF_UNLIMITED);
	memset(&ctx, 0, sizeof(ctx));
	ctx.msg = m;
	ctx.lists = ls;
	ctx.config = cfg;
	ctx.env = env;
	sc_ruleset_run(rs, &ctx, hit_cb, &out, &st);
	res = sc_strdup(sc_buf_cstr(&out));
	sc_msg_free(m);
	sc_buf_free(&out);
	return res;
}

/* harness_hits - harness_hits_env on a string, no envelope */
char *harness_hits(const sc_ruleset *rs, const sc_lists *ls, const sc_config *cfg, const char *raw)
{
	return harness_hits_env(rs, ls, cfg, NULL, raw, strlen(raw));
}

/* harness_has_hit - the hit line of rule in h, or NULL */
const char *harness_has_hit(const char *h, const char *rule)
{
	char key[64];

	(void) snprintf(key, sizeof(key), "%s:", rule);
	return strstr(h, key);
}

/* harness_check - fails unless rule hits h as expected */
void harness_check(const char *h, const char *rule, int hit, const char *detail, long row,
		   const char *what)
{
	const char *at = harness_has_hit(h, rule);
	char where[32] = "";

	if (row >= 0)
		(void) snprintf(where, sizeof(where), "row %ld: ", row);
	if ((at != NULL) != (hit != 0))
		fail_msg("%s%s %s on:\n%s\n(hits: %s)", where, rule,
			 hit ? "should hit" : "should not hit", what != NULL ? what : "", h);
	if (at != NULL && detail != NULL && strstr(at, detail) == NULL)
		fail_msg("%s%s detail lacks \"%s\" on:\n%s\n(hits: %s)", where, rule, detail,
			 what != NULL ? what : "", h);
}
