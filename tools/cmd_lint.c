/*
 * cmd_lint.c - `scamctl lint`: every problem in the config and the rules.
 */
#include "autoconfig.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "policy.h"
#include "diag.h"
#include "dns.h"
#include "engine.h"
#include "mem.h"
#include "rules.h"
#include "scamctl.h"

/* lint_usage - help for lint */
static void lint_usage(FILE *fp)
{
	(void) fprintf(fp,
		       "usage: scamctl [-c CONFIG] lint [--rules DIR] [--prefilter]\n"
		       "Print every error and warning in the config file and the rule files\n"
		       "as FILE:LINE: error|warning: MESSAGE, then a summary. --prefilter also\n"
		       "builds the rules' Hyperscan prefilter (into rules_cache_dir, if set, for\n"
		       "the filter and scan to read) and says how it went. Exit 0 when there\n"
		       "is no error, 1 when there is, 2 on bad usage.\n");
}

/* cmd_lint - load config and rules, report, summarise */
int cmd_lint(scamctl_opts *o, int argc, char **argv)
{
	static const struct option longopts[] = {
		{"config", required_argument, NULL, 'c'},
		{"rules", required_argument, NULL, 'r'},
		{"prefilter", no_argument, NULL, 'p'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	const char *path;
	sc_rule_limits lim;
	sc_ruleset *rs = NULL;
	sc_lists *lists = NULL;
	sc_rule_stats st;
	sc_config *c;
	sc_diags d;
	size_t warnings = 0;
	int ch, prefilter = 0;

	while ((ch = getopt_long(argc, argv, "c:h", longopts, NULL)) != -1) {
		switch (ch) {
		case 'c':
			o->config_path = optarg;
			break;
		case 'r':
			o->rules_dir = optarg;
			break;
		case 'p':
			prefilter = 1;
			break;
		case 'h':
			lint_usage(stdout);
			return SCAMCTL_OK;
		default:
			lint_usage(stderr);
			return SCAMCTL_USAGE;
		}
	}
	if (optind != argc) {
		lint_usage(stderr);
		return SCAMCTL_USAGE;
	}
	memset(&st, 0, sizeof(st));
	sc_diags_init(&d);
	path = scamctl_config_path(o);
	c = path != NULL ? sc_config_load(path, &d) : sc_config_defaults(NULL);
	if (c != NULL || o->rules_dir != NULL) {
		const char *dir = o->rules_dir != NULL ? o->rules_dir : c->rules_dir;

		lim.match_limit = c != NULL ? c->regex_match_limit : SC_RULES_DEFAULT_MATCH_LIMIT;
		lim.depth_limit = c != NULL ? c->regex_depth_limit : SC_RULES_DEFAULT_DEPTH_LIMIT;
		lim.score_set = c != NULL ? sc_rule_score_set(c->spf || c->dkim || c->dmarc) : 0;
		rs = sc_ruleset_load_dir(dir, &lim, &d);
		if (rs != NULL)
			sc_ruleset_stats(rs, &st);
	}
	if (c != NULL && c->policy_file != NULL)
		sc_policy_free(sc_policy_load(c->policy_file, &d));
	if (c != NULL && c->lists_dir != NULL)
		lists = sc_lists_load_dir(c->lists_dir, &d);
	if (c != NULL) /* the resolver setting and every dns_local_data line */
		sc_dns_free(sc_engine_dns_new(c, &d));
	sc_diags_print(&d, stdout);
	for (size_t i = 0; i < d.n; i++)
		warnings += d.v[i].level == SC_DIAG_WARNING;
	(void) printf("config: %s\n", path != NULL ? path : "(built-in defaults)");
	if (c != NULL && c->policy_file != NULL)
		(void) printf("policy: %s\n", c->policy_file);
	if (lists != NULL) {
		(void) printf("lists: %s:", c->lists_dir);
		for (size_t i = 0; i < sc_lists_count(lists); i++)
			(void) printf(" %s %zu%s", sc_lists_name_at(lists, i),
				      sc_domain_list_count(sc_lists_at(lists, i)),
				      i + 1 < sc_lists_count(lists) ? "," : "");
		(void) printf("%s", sc_lists_count(lists) == 0 ? " none" : "");
		if (sc_lists_brands(lists) != NULL)
			(void) printf("; brands %zu", sc_brand_map_count(sc_lists_brands(lists)));
		(void) printf("\n");
	}
	(void) printf("rules: %zu loaded (%zu header, %zu body, %zu rawbody, %zu full, %zu uri, "
		      "%zu meta, %zu eval), %zu never hit (%zu unknown evals); %zu directives "
		      "skipped; %zu errors, %zu warnings\n",
		      st.total, st.header, st.body, st.rawbody, st.full, st.uri, st.meta, st.eval,
		      st.never, st.unknown_evals, st.skipped_directives, d.errors, warnings);
	if (prefilter && rs != NULL) {
		sc_prefilter_info info;
		char line[1024];

		sc_ruleset_prefilter(rs, c != NULL ? c->rules_cache_dir : NULL, SC_PREFILTER_NOW);
		sc_ruleset_prefilter_info(rs, 1, &info);
		scamctl_prefilter_line(&info, line, sizeof(line));
		(void) printf("%s\n", line);
	}
	ch = d.errors > 0 ? SCAMCTL_SOME_FAILED : SCAMCTL_OK;
	sc_ruleset_unref(rs);
	sc_lists_free(lists);
	sc_config_free(c);
	sc_diags_free(&d);
	return ch;
}
