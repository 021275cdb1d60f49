/*
 * cmd_scan.c - `scamctl scan`: score messages offline and explain the score.
 *
 * Output follows DESIGN.md's contract: a human report by default, JSON Lines
 * with --json, one record per message, and an error record (never silence)
 * for a message that cannot be read.
 */
#include "autoconfig.h"

#include <errno.h>
#include <getopt.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "buf.h"
#include "json.h"
#include "mem.h"
#include "policy.h"
#include "scamctl.h"
#include "scan.h"
#include "walk.h"

#define SCAN_MAX_RCPTS 1000 /* --rcpt options taken */
#define SCAN_MAX_JOBS  64   /* -j workers */
#define SCAN_PROFILE_DEFAULT 20 /* rules --profile lists */

/* One message to report, in command-line order: a file, standard input, or
 * an error found while walking (a record is printed for it all the same). */
typedef struct scan_job {
	char *name;      /* owned */
	const char *why; /* static or strerror text copied into name's record; NULL: scan it */
	int is_stdin;
	sc_buf out; /* the record, once made */
	int failed; /* 1: out is an error record */
	int done;   /* out is complete (guarded by the pool mutex with -j) */
} scan_job;

typedef struct scan_ctx {
	sc_engine *eng;
	sc_envelope env;
	int json;
	int verbose;
	int dump;
	size_t scanned;
	size_t failed;
	scan_job *jobs; /* collected before any scanning */
	size_t njobs;
	size_t next; /* next job a worker takes (under lock) */
	size_t profile; /* --profile: rules to list (0: no timing) */
	double *prof;   /* rule times in ms, sc_ruleset_slots() slots (under lock with -j) */
	pthread_mutex_t lock;
	pthread_cond_t cond;
} scan_ctx;

/* scan_usage - help for scan */
static void scan_usage(FILE *fp)
{
	(void) fprintf(
		fp, "usage: scamctl [-c CONFIG] [--rules DIR] scan [--json | --dump] [-v]\n"
		    "         [--client-ip IP] [--helo NAME] [--mail-from ADDR] [--rcpt ADDR]...\n"
		    "         [--auth-user LOGIN] [-j N] [--prefilter | --no-prefilter]\n"
		    "         [--profile[=N]] FILE|DIR|-...\n"
		    "Scan each message (a DIR recursively, - for standard input) and print its\n"
		    "score, action and every rule hit; -v adds why each rule hit; --json prints\n"
		    "one JSON object per message per line. -j N scans with N threads (the\n"
		    "output keeps the order of a single-threaded run). --dump prints what the\n"
		    "filter sees instead of scoring: header fields raw and decoded, addresses,\n"
		    "the MIME part tree, decoded texts, links, URLs, attachments, findings and\n"
		    "the rendered body. Sender authentication (SPF, DKIM, DMARC) runs only\n"
		    "with --client-ip, as for a message the MTA hands over; --auth-user\n"
		    "replays a SASL login. The rules' Hyperscan prefilter (same hits, faster)\n"
		    "is read from rules_cache_dir when it is there; --prefilter builds it\n"
		    "first if not, --no-prefilter runs without it; -v says which.\n"
		    "--profile times every rule and prints, on standard error after the\n"
		    "scan, the N rules (default 20) that took the most time. Exit 0\n"
		    "when every message was scanned, 1 when some could not be, 2 on bad\n"
		    "usage or config.\n");
}

/* format_human - the readable report of one verdict, into out */
static void format_human(const scan_ctx *c, sc_buf *out, const char *name, const sc_verdict *v)
{
	(void) sc_buf_printf(out, "%s: score=%.1f action=%s\n", name,
			     sc_policy_shown_score(c->eng->config, v), sc_action_name(v->action));
	for (size_t i = 0; i < v->nhits; i++) {
		const sc_hit *h = &v->hits[i];

		(void) sc_buf_printf(out, "  %5.1f %-28s %s\n", h->score, h->name, h->description);
		if (c->verbose && h->detail[0] != '\0')
			(void) sc_buf_printf(out, "        why: %s\n", h->detail);
	}
	if (c->verbose && v->regex_errors > 0)
		(void) sc_buf_printf(out, "        note: %zu regex runs stopped at a match limit\n",
				     v->regex_errors);
	if (c->verbose && v->rules_skipped_budget > 0)
		(void) sc_buf_printf(out,
				     "        note: rules time budget spent, %zu rules skipped\n",
				     v->rules_skipped_budget);
}

/* json_opt - a string, or null */
static void json_opt(sc_buf *out, const char *s)
{
	if (s == NULL)
		(void) sc_buf_puts(out, "null");
	else
		json_cstring(out, s);
}

/* dkim_summary - "pass" when a signature passed, else the first one's
 * result, "none" when unsigned, NULL when DKIM was not checked */
static const char *dkim_summary(const sc_auth_result *a)
{
	if (!a->dkim_checked)
		return NULL;
	for (size_t i = 0; i < a->ndkim; i++)
		if (a->dkim[i].result == SC_DKIM_PASS)
			return "pass";
	return a->ndkim > 0 ? sc_dkim_result_name(a->dkim[0].result) : "none";
}

/* json_auth - the "auth" member's value: null when no authentication ran
 * (no client address), else each method's result (null: not run) */
static void json_auth(sc_buf *out, const sc_verdict *v)
{
	const sc_auth_result *a = &v->auth;

	if (a->skipped == NULL && a->spf == SC_SPF_UNCHECKED && !a->dkim_checked &&
	    a->dmarc == SC_DMARC_UNCHECKED) {
		(void) sc_buf_puts(out, "null");
		return;
	}
	(void) sc_buf_puts(out, "{\"spf\":");
	json_opt(out, a->spf != SC_SPF_UNCHECKED ? sc_spf_result_name(a->spf) : NULL);
	(void) sc_buf_puts(out, ",\"spf_domain\":");
	json_opt(out, a->spf != SC_SPF_UNCHECKED ? a->spf_domain : NULL);
	(void) sc_buf_puts(out, ",\"spf_helo\":");
	json_opt(out, a->spf_helo_result != SC_SPF_UNCHECKED
			      ? sc_spf_result_name(a->spf_helo_result)
			      : NULL);
	(void) sc_buf_puts(out, ",\"spf_helo_domain\":");
	json_opt(out, a->spf_helo_domain);
	(void) sc_buf_puts(out, ",\"dkim\":");
	json_opt(out, dkim_summary(a));
	(void) sc_buf_puts(out, ",\"dkim_signatures\":[");
	for (size_t i = 0; i < a->ndkim; i++) {
		(void) sc_buf_puts(out, i ? ",{\"d\":" : "{\"d\":");
		json_opt(out, a->dkim[i].domain);
		(void) sc_buf_puts(out, ",\"s\":");
		json_opt(out, a->dkim[i].selector);
		(void) sc_buf_puts(out, ",\"result\":");
		json_cstring(out, sc_dkim_result_name(a->dkim[i].result));
		(void) sc_buf_puts(out, ",\"reason\":");
		json_opt(out, a->dkim[i].reason);
		(void) sc_buf_putc(out, '}');
	}
	(void) sc_buf_puts(out, "],\"dmarc\":");
	json_opt(out, a->dmarc != SC_DMARC_UNCHECKED ? sc_dmarc_result_name(a->dmarc) : NULL);
	(void) sc_buf_puts(out, ",\"dmarc_policy\":");
	json_opt(out, a->dmarc_policy != SC_DMARC_POLICY_UNSPEC
			      ? sc_dmarc_policy_name(a->dmarc_policy)
			      : NULL);
	(void) sc_buf_puts(out, ",\"from_domain\":");
	json_opt(out, a->dmarc_domain);
	(void) sc_buf_puts(out, ",\"authenticated_domain\":");
	json_opt(out, v->auth_domain);
	(void) sc_buf_puts(out, ",\"skipped\":");
	json_opt(out, a->skipped);
	(void) sc_buf_putc(out, '}');
}

/* format_json - one JSON Lines record into out; v NULL means error */
static void format_json(sc_buf *out, const char *name, const sc_verdict *v, const char *error)
{
	(void) sc_buf_puts(out, "{\"file\":");
	json_cstring(out, name);
	if (v != NULL) {
		(void) sc_buf_puts(out, ",\"score\":");
		json_number(out, v->score);
		(void) sc_buf_puts(out, ",\"action\":");
		json_cstring(out, sc_action_name(v->action));
		(void) sc_buf_puts(out, ",\"hits\":[");
		for (size_t i = 0; i < v->nhits; i++) {
			(void) sc_buf_puts(out, i ? ",{\"name\":" : "{\"name\":");
			json_cstring(out, v->hits[i].name);
			(void) sc_buf_puts(out, ",\"score\":");
			json_number(out, v->hits[i].score);
			(void) sc_buf_puts(out, ",\"description\":");
			json_cstring(out, v->hits[i].description);
			(void) sc_buf_puts(out, ",\"detail\":");
			json_cstring(out, v->hits[i].detail);
			(void) sc_buf_putc(out, '}');
		}
		(void) sc_buf_puts(out, "],\"auth\":");
		json_auth(out, v);
		(void) sc_buf_puts(out, ",\"error\":null}");
	} else {
		(void) sc_buf_puts(out, ",\"score\":null,\"action\":null,\"hits\":[],"
					"\"auth\":null,\"error\":");
		json_cstring(out, error);
		(void) sc_buf_putc(out, '}');
	}
	(void) sc_buf_putc(out, '\n');
}

/* format_error - the record of a message that could not be scanned */
static void format_error(const scan_ctx *c, scan_job *j, const char *why)
{
	j->failed = 1;
	if (c->json)
		format_json(&j->out, j->name, NULL, why);
	else
		(void) sc_buf_printf(&j->out, "%s: error: %s\n", j->name, why);
}

/* run_job - read and scan one job's message and make its record (or, with
 * --dump, print the model at once: dump runs single-threaded); rule times
 * go into prof when it is not NULL */
static void run_job(const scan_ctx *c, scan_job *j, double *prof)
{
	sc_verdict *v;
	int truncated;
	sc_buf msg;
	FILE *fp;

	sc_buf_init(&j->out, SC_BUF_UNLIMITED);
	if (j->why != NULL) {
		format_error(c, j, j->why);
		return;
	}
	fp = j->is_stdin ? stdin : fopen(j->name, "rb");
	if (fp == NULL) {
		format_error(c, j, strerror(errno));
		return;
	}
	if (scamctl_read_message(fp, &msg, c->eng->config->max_message_size, &truncated) < 0) {
		format_error(c, j, strerror(errno));
	} else if (c->dump) {
		scamctl_dump(j->name, sc_buf_cstr(&msg), msg.len, c->eng->config);
	} else {
		v = sc_scan_profiled(c->eng, &c->env, sc_buf_cstr(&msg), msg.len, truncated, prof);
		if (c->json)
			format_json(&j->out, j->name, v, NULL);
		else
			format_human(c, &j->out, j->name, v);
		sc_verdict_free(v);
	}
	sc_buf_free(&msg);
	if (!j->is_stdin)
		(void) fclose(fp);
}

/* add_job - queue a message (why NULL) or an error record for name */
static void add_job(scan_ctx *c, const char *name, const char *why, int is_stdin)
{
	scan_job *j;

	c->jobs = sc_reallocarray(c->jobs, c->njobs + 1, sizeof(*c->jobs));
	j = &c->jobs[c->njobs++];
	memset(j, 0, sizeof(*j));
	j->name = sc_strdup(name);
	j->why = why;
	j->is_stdin = is_stdin;
}

/* report_error - a path that cannot be scanned still gets its record */
static void report_error(scan_ctx *c, const char *name, const char *why)
{
	add_job(c, name, why, 0);
}

/* scan_file - queue one regular file */
static void scan_file(scan_ctx *c, const char *path)
{
	add_job(c, path, NULL, 0);
}

/* emit - print job i's record and count it */
static void emit(scan_ctx *c, scan_job *j)
{
	if (j->out.len > 0)
		(void) fwrite(j->out.data, 1, j->out.len, stdout);
	if (j->failed)
		c->failed++;
	else
		c->scanned++;
	sc_buf_free(&j->out);
	free(j->name);
	j->name = NULL;
}

/* scan_worker - take jobs in order until none is left; with --profile,
 * time the rules into its own array and add it to c->prof at the end */
static void *scan_worker(void *arg)
{
	scan_ctx *c = arg;
	size_t nslots = sc_ruleset_slots(c->eng->rules);
	double *prof = c->prof != NULL ? sc_calloc(nslots ? nslots : 1, sizeof(*prof)) : NULL;

	for (;;) {
		size_t i;

		(void) pthread_mutex_lock(&c->lock);
		i = c->next++;
		if (i >= c->njobs) {
			for (size_t k = 0; prof != NULL && k < nslots; k++)
				c->prof[k] += prof[k];
			(void) pthread_mutex_unlock(&c->lock);
			free(prof);
			return NULL;
		}
		(void) pthread_mutex_unlock(&c->lock);
		run_job(c, &c->jobs[i], prof);
		(void) pthread_mutex_lock(&c->lock);
		c->jobs[i].done = 1;
		(void) pthread_cond_broadcast(&c->cond);
		(void) pthread_mutex_unlock(&c->lock);
	}
}

/* run_jobs - every job, by nthreads workers (1: this thread), records
 * printed in job order as soon as each and those before it are done */
static void run_jobs(scan_ctx *c, unsigned nthreads)
{
	pthread_t tids[SCAN_MAX_JOBS];
	unsigned started = 0;

	if (nthreads <= 1 || c->dump || c->njobs <= 1) {
		for (size_t i = 0; i < c->njobs; i++) {
			run_job(c, &c->jobs[i], c->prof);
			emit(c, &c->jobs[i]);
		}
		return;
	}
	(void) pthread_mutex_init(&c->lock, NULL);
	(void) pthread_cond_init(&c->cond, NULL);
	for (unsigned t = 0; t < nthreads; t++)
		if (pthread_create(&tids[started], NULL, scan_worker, c) == 0)
			started++;
	if (started == 0) /* no thread could start: do it here */
		(void) scan_worker(c);
	for (size_t i = 0; i < c->njobs; i++) {
		(void) pthread_mutex_lock(&c->lock);
		while (!c->jobs[i].done)
			(void) pthread_cond_wait(&c->cond, &c->lock);
		(void) pthread_mutex_unlock(&c->lock);
		emit(c, &c->jobs[i]);
	}
	for (unsigned t = 0; t < started; t++)
		(void) pthread_join(tids[t], NULL);
	(void) pthread_cond_destroy(&c->cond);
	(void) pthread_mutex_destroy(&c->lock);
}

/* One rule's time for the --profile table. */
typedef struct rule_time {
	double ms;
	size_t slot;
} rule_time;

/* by_time - qsort: the slowest first, then in rule order */
static int by_time(const void *a, const void *b)
{
	const rule_time *x = a, *y = b;

	if (x->ms != y->ms)
		return x->ms < y->ms ? 1 : -1;
	return x->slot < y->slot ? -1 : x->slot > y->slot;
}

/* print_profile - the --profile table, on standard error: the c->profile
 * rules that took the most time over the c->scanned messages */
static void print_profile(const scan_ctx *c)
{
	size_t nslots = sc_ruleset_slots(c->eng->rules), n = 0;
	rule_time *t = sc_calloc(nslots ? nslots : 1, sizeof(*t));
	double total = 0.0, per = c->scanned ? 1000.0 / (double) c->scanned : 0.0;

	for (size_t i = 0; i < nslots; i++) {
		total += c->prof[i];
		if (c->prof[i] > 0.0 && sc_ruleset_slot_name(c->eng->rules, i) != NULL) {
			t[n].ms = c->prof[i];
			t[n++].slot = i;
		}
	}
	qsort(t, n, sizeof(*t), by_time);
	(void) fprintf(stderr, "profile: %zu messages, %.1f ms in rules (%.1f us a message)\n",
		       c->scanned, total, total * per);
	(void) fprintf(stderr, "%10s %9s %6s  %s\n", "ms", "us/msg", "share", "rule");
	for (size_t k = 0; k < n && k < c->profile; k++)
		(void) fprintf(stderr, "%10.1f %9.1f %5.1f%%  %s\n", t[k].ms, t[k].ms * per,
			       total > 0.0 ? 100.0 * t[k].ms / total : 0.0,
			       sc_ruleset_slot_name(c->eng->rules, t[k].slot));
	free(t);
}

/* on_file - walk_fn: queue a file, or report why it cannot be read */
static void on_file(void *arg, const char *path, const char *why, int err)
{
	if (why != NULL || err != 0)
		report_error(arg, path, why != NULL ? why : strerror(err));
	else
		scan_file(arg, path);
}

/* scan_path - a file, a directory (walk.h) or "-" */
static void scan_path(scan_ctx *c, const char *path)
{
	if (strcmp(path, "-") == 0)
		add_job(c, "-", NULL, 1);
	else
		walk_path(path, on_file, c);
}

/* cmd_scan - parse scan's options, load the engine, scan every argument */
int cmd_scan(scamctl_opts *o, int argc, char **argv)
{
	enum {
		OPT_JSON = 256,
		OPT_DUMP,
		OPT_CLIENT_IP,
		OPT_HELO,
		OPT_AUTH_USER,
		OPT_MAIL_FROM,
		OPT_RCPT,
		OPT_RULES,
		OPT_PREFILTER,
		OPT_NO_PREFILTER,
		OPT_PROFILE
	};
	static const struct option longopts[] = {
		{"json", no_argument, NULL, OPT_JSON},
		{"dump", no_argument, NULL, OPT_DUMP},
		{"verbose", no_argument, NULL, 'v'},
		{"config", required_argument, NULL, 'c'},
		{"rules", required_argument, NULL, OPT_RULES},
		{"client-ip", required_argument, NULL, OPT_CLIENT_IP},
		{"helo", required_argument, NULL, OPT_HELO},
		{"auth-user", required_argument, NULL, OPT_AUTH_USER},
		{"mail-from", required_argument, NULL, OPT_MAIL_FROM},
		{"rcpt", required_argument, NULL, OPT_RCPT},
		{"jobs", required_argument, NULL, 'j'},
		{"prefilter", no_argument, NULL, OPT_PREFILTER},
		{"no-prefilter", no_argument, NULL, OPT_NO_PREFILTER},
		{"profile", optional_argument, NULL, OPT_PROFILE},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	const char *rcpts[SCAN_MAX_RCPTS];
	unsigned nthreads = 1;
	int prefilter = SC_PREFILTER_CACHED; /* -1: none */
	scan_ctx c;
	long count;
	int ch;

	memset(&c, 0, sizeof(c));
	while ((ch = getopt_long(argc, argv, "c:vhj:", longopts, NULL)) != -1) {
		switch (ch) {
		case OPT_JSON:
			c.json = 1;
			break;
		case OPT_DUMP:
			c.dump = 1;
			break;
		case 'v':
			c.verbose = 1;
			break;
		case 'j':
			if ((count = scamctl_parse_count(optarg, 1, SCAN_MAX_JOBS)) < 0) {
				(void) fprintf(stderr, "scamctl: -j wants 1 to %d, not \"%s\"\n",
					       SCAN_MAX_JOBS, optarg);
				return SCAMCTL_USAGE;
			}
			nthreads = (unsigned) count;
			break;
		case 'c':
			o->config_path = optarg;
			break;
		case OPT_RULES:
			o->rules_dir = optarg;
			break;
		case OPT_PREFILTER:
			prefilter = SC_PREFILTER_NOW;
			break;
		case OPT_NO_PREFILTER:
			prefilter = -1;
			break;
		case OPT_PROFILE:
			count = optarg != NULL ? scamctl_parse_count(optarg, 1, 100000)
					       : SCAN_PROFILE_DEFAULT;
			if (count < 0) {
				(void) fprintf(stderr,
					       "scamctl: --profile wants a count of rules, not \"%s\"\n",
					       optarg);
				return SCAMCTL_USAGE;
			}
			c.profile = (size_t) count;
			break;
		case OPT_CLIENT_IP:
			c.env.client_addr = optarg;
			break;
		case OPT_HELO:
			c.env.helo = optarg;
			break;
		case OPT_AUTH_USER:
			c.env.auth_user = optarg;
			break;
		case OPT_MAIL_FROM:
			c.env.mail_from = optarg;
			break;
		case OPT_RCPT:
			if (c.env.nrcpts == SCAN_MAX_RCPTS) {
				(void) fprintf(stderr, "scamctl: more than %d --rcpt\n",
					       SCAN_MAX_RCPTS);
				return SCAMCTL_USAGE;
			}
			rcpts[c.env.nrcpts++] = optarg;
			break;
		case 'h':
			scan_usage(stdout);
			return SCAMCTL_OK;
		default:
			scan_usage(stderr);
			return SCAMCTL_USAGE;
		}
	}
	if (optind >= argc || (c.json && c.dump) || (c.profile > 0 && c.dump)) {
		scan_usage(stderr);
		return SCAMCTL_USAGE;
	}
	c.env.rcpts = rcpts;
	c.eng = scamctl_load_engine(o);
	if (c.eng == NULL) {
		(void) fprintf(stderr, "scamctl: cannot load the config and rules\n");
		return SCAMCTL_USAGE;
	}
	if (prefilter >= 0)
		sc_engine_prefilter(c.eng, (sc_prefilter_mode) prefilter);
	if (c.verbose) {
		sc_prefilter_info info;
		char line[1024];

		sc_ruleset_prefilter_info(c.eng->rules, 1, &info);
		scamctl_prefilter_line(&info, line, sizeof(line));
		(void) fprintf(stderr, "%s\n", line);
	}
	if (c.profile > 0) {
		size_t nslots = sc_ruleset_slots(c.eng->rules);

		c.prof = sc_calloc(nslots ? nslots : 1, sizeof(*c.prof));
	}
	for (int i = optind; i < argc; i++)
		scan_path(&c, argv[i]);
	run_jobs(&c, nthreads);
	if (c.prof != NULL)
		print_profile(&c);
	free(c.prof);
	free(c.jobs);
	sc_engine_unref(c.eng);
	if (fflush(stdout) != 0) {
		(void) fprintf(stderr, "scamctl: writing output: %s\n", strerror(errno));
		return SCAMCTL_SOME_FAILED;
	}
	return c.failed > 0 ? SCAMCTL_SOME_FAILED : SCAMCTL_OK;
}
