/*
 * cmd_eval.c - `scamctl eval`: how well the rules separate scam from ham.
 *
 * Every message of the labelled sources is scanned (on -j threads, one
 * shared engine, each verdict kept in its file's slot), then the verdicts
 * are summed up in file order, so the report never depends on -j: per
 * source and label the share at or above each threshold, a score
 * histogram, and SpamAssassin-style hit frequencies per rule.
 */
#include "autoconfig.h"

#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"
#include "json.h"
#include "mem.h"
#include "scamctl.h"
#include "scan.h"
#include "walk.h"

#define EVAL_MAX_JOBS  64         /* -j workers */
#define EVAL_HIST_LO   -5         /* histogram: scores below go to one open bucket */
#define EVAL_HIST_HI   30         /* histogram: scores at or above go to one open bucket */
#define EVAL_BAR_WIDTH 30         /* progress bar cells */
#define EVAL_BAR_NS    100000000L /* progress bar redraw period */

typedef enum eval_label { EVAL_SCAM, EVAL_HAM, EVAL_AUX, EVAL_NLABELS } eval_label;

static const char *const label_names[EVAL_NLABELS] = {"scam", "ham", "aux"};

/* One file to scan, or an error found while walking. */
typedef struct eval_file {
	char *path;      /* owned */
	const char *why; /* static reason it could not be scanned; NULL: see err */
	int err;         /* errno when it could not be read; 0 with why NULL: scanned */
	sc_verdict *v;   /* owned once scanned; NULL on error */
} eval_file;

/* One command-line PATH and the slice of files it holds. */
typedef struct eval_source {
	char *name; /* owned: the last two path components */
	eval_label label;
	size_t first, count; /* files[first .. first + count) */
} eval_source;

/* What a set of messages scored: one source or one label's total. */
typedef struct eval_stats {
	size_t n, errors;
	size_t tag, quarantine, reject;
	double mean, median;
} eval_stats;

/* One rule seen in the hits of scam or ham messages. */
typedef struct eval_rule {
	const char *name; /* borrowed from a verdict */
	double score;
	size_t scam, ham;
	double overall_pct, scam_pct, ham_pct, so;
} eval_rule;

typedef struct eval_ctx {
	sc_engine *eng;
	eval_file *files;
	size_t nfiles;
	eval_source *sources;
	size_t nsources;
	atomic_size_t next; /* next file a worker takes */
	atomic_size_t done; /* files finished, for the progress bar */
} eval_ctx;

/* eval_usage - help for eval */
static void eval_usage(FILE *fp)
{
	(void) fprintf(
		fp, "usage: scamctl [-c CONFIG] [--rules DIR] eval --scam PATH... --ham PATH...\n"
		    "         [--aux PATH...] [--json] [-j N]\n"
		    "Scan labelled messages and report how the rules separate them: per source\n"
		    "(a DIR walked recursively, or a FILE; each --scam, --ham and --aux takes one\n"
		    "and may be repeated) and per label the share at or above each threshold, the\n"
		    "mean and median score, a score histogram and every rule's hit frequency.\n"
		    "--aux sources are scam but kept out of the totals. Messages are scanned\n"
		    "without an envelope, so SPF, DKIM and DMARC never run; a config with\n"
		    "spf, dkim and dmarc = no also scores with the rules' no-network values.\n"
		    "-j N scans with N threads (default: the CPUs);\n"
		    "the output is the same for any N. Exit 0 when every file was scanned,\n"
		    "1 when some could not be, 2 on bad usage or config.\n");
}

/* add_file - append a file to scan (why NULL) or an error slot */
static void add_file(eval_ctx *c, const char *path, const char *why, int err)
{
	eval_file *f;

	c->files = sc_reallocarray(c->files, c->nfiles + 1, sizeof(*c->files));
	f = &c->files[c->nfiles++];
	memset(f, 0, sizeof(*f));
	f->path = sc_strdup(path);
	f->why = why;
	f->err = err;
}

/* on_file - walk_fn: each file of a source, or why it cannot be read */
static void on_file(void *arg, const char *path, const char *why, int err)
{
	add_file(arg, path, why, err);
}

/* source_name - the last two components of path ("scam/phishing_pot") */
static char *source_name(const char *path)
{
	size_t end = strlen(path), start;
	int slashes = 0;

	while (end > 1 && path[end - 1] == '/')
		end--;
	start = end;
	while (start > 0) {
		if (path[start - 1] == '/' && ++slashes == 2)
			break;
		start--;
	}
	return sc_strndup(path + start, end - start);
}

/* add_source - walk one command-line PATH into its slice of files */
static void add_source(eval_ctx *c, const char *path, eval_label label)
{
	eval_source *s;
	size_t first = c->nfiles;

	walk_path(path, on_file, c);
	c->sources = sc_reallocarray(c->sources, c->nsources + 1, sizeof(*c->sources));
	s = &c->sources[c->nsources++];
	s->name = source_name(path);
	s->label = label;
	s->first = first;
	s->count = c->nfiles - first;
}

/* read_file - up to max bytes of path into b; *truncated if more was there;
 * -1 with errno set when it cannot be read */
static int read_file(const char *path, sc_buf *b, size_t max, int *truncated)
{
	FILE *fp = fopen(path, "rb");
	int rc;

	if (fp == NULL) {
		*truncated = 0;
		sc_buf_init(b, max);
		return -1;
	}
	rc = scamctl_read_message(fp, b, max, truncated);
	(void) fclose(fp);
	if (rc < 0)
		errno = EIO;
	return rc;
}

/* scan_one - read and scan one file into its slot */
static void scan_one(const eval_ctx *c, eval_file *f)
{
	sc_envelope env;
	int truncated;
	sc_buf msg;

	if (f->why != NULL || f->err != 0)
		return;
	if (read_file(f->path, &msg, c->eng->config->max_message_size, &truncated) < 0) {
		f->err = errno != 0 ? errno : EIO;
	} else {
		memset(&env, 0, sizeof(env)); /* no client: authentication stays off */
		f->v = sc_scan(c->eng, &env, sc_buf_cstr(&msg), msg.len, truncated);
	}
	sc_buf_free(&msg);
}

/* eval_worker - take the next file until none is left */
static void *eval_worker(void *arg)
{
	eval_ctx *c = arg;
	size_t i;

	while ((i = atomic_fetch_add(&c->next, 1)) < c->nfiles) {
		scan_one(c, &c->files[i]);
		atomic_fetch_add(&c->done, 1);
	}
	return NULL;
}

/* draw_bar - one progress line on stderr: "[####   ] 12/40 30% 1.2s" */
static void draw_bar(size_t done, size_t total, double secs)
{
	char bar[EVAL_BAR_WIDTH + 1];
	size_t pct = total > 0 ? done * 100 / total : 100;
	size_t cells = total > 0 ? done * EVAL_BAR_WIDTH / total : EVAL_BAR_WIDTH;

	for (size_t i = 0; i < EVAL_BAR_WIDTH; i++)
		bar[i] = i < cells ? '#' : ' ';
	bar[EVAL_BAR_WIDTH] = '\0';
	(void) fprintf(stderr, "\r[%s] %zu/%zu %zu%% %.1fs", bar, done, total, pct, secs);
	(void) fflush(stderr);
}

/* since - seconds from t0 to now */
static double since(const struct timespec *t0)
{
	struct timespec t;

	(void) clock_gettime(CLOCK_MONOTONIC, &t);
	return (double) (t.tv_sec - t0->tv_sec) + (double) (t.tv_nsec - t0->tv_nsec) / 1e9;
}

/* run_all - every file on nthreads workers; a progress bar while they run
 * when stderr is a terminal */
static void run_all(eval_ctx *c, unsigned nthreads)
{
	const struct timespec tick = {0, EVAL_BAR_NS};
	pthread_t tids[EVAL_MAX_JOBS];
	int bar = isatty(STDERR_FILENO);
	unsigned started = 0;
	struct timespec t0;

	(void) clock_gettime(CLOCK_MONOTONIC, &t0);
	for (unsigned t = 0; t < nthreads; t++)
		if (pthread_create(&tids[started], NULL, eval_worker, c) == 0)
			started++;
	if (started == 0) /* no thread could start: do it here */
		(void) eval_worker(c);
	while (bar && atomic_load(&c->done) < c->nfiles) {
		draw_bar(atomic_load(&c->done), c->nfiles, since(&t0));
		(void) nanosleep(&tick, NULL);
	}
	for (unsigned t = 0; t < started; t++)
		(void) pthread_join(tids[t], NULL);
	if (bar) {
		draw_bar(c->nfiles, c->nfiles, since(&t0));
		(void) fputc('\n', stderr);
	}
}

/* cmp_double - qsort order of scores */
static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *) a, y = *(const double *) b;

	return (x > y) - (x < y);
}

/* stats_of - the stats of the sources with label (or only source s) */
static void stats_of(const eval_ctx *c, const eval_source *only, eval_label label, eval_stats *st)
{
	const sc_config *cfg = c->eng->config;
	double *scores = sc_reallocarray(NULL, c->nfiles + 1, sizeof(double));
	double sum = 0.0;

	memset(st, 0, sizeof(*st));
	for (size_t k = 0; k < c->nsources; k++) {
		const eval_source *s = &c->sources[k];

		if (only != NULL ? s != only : s->label != label)
			continue;
		for (size_t i = s->first; i < s->first + s->count; i++) {
			const sc_verdict *v = c->files[i].v;

			if (v == NULL) {
				st->errors++;
				continue;
			}
			scores[st->n++] = v->score;
			sum += v->score;
			st->tag += v->score >= cfg->tag_threshold;
			st->quarantine += v->score >= cfg->quarantine_threshold;
			st->reject += v->score >= cfg->reject_threshold;
		}
	}
	if (st->n > 0) {
		qsort(scores, st->n, sizeof(double), cmp_double);
		st->mean = sum / (double) st->n;
		st->median = st->n % 2 ? scores[st->n / 2]
				       : (scores[st->n / 2 - 1] + scores[st->n / 2]) / 2.0;
	}
	free(scores);
}

/* pct - part of whole in percent; 0 when whole is 0 */
static double pct(size_t part, size_t whole)
{
	return whole > 0 ? 100.0 * (double) part / (double) whole : 0.0;
}

/* find_rule - the entry for name in rules, added when new */
static eval_rule *find_rule(eval_rule **rules, size_t *nrules, const sc_hit *h)
{
	eval_rule *r;

	for (size_t i = 0; i < *nrules; i++)
		if (strcmp((*rules)[i].name, h->name) == 0)
			return &(*rules)[i];
	*rules = sc_reallocarray(*rules, *nrules + 1, sizeof(**rules));
	r = &(*rules)[(*nrules)++];
	memset(r, 0, sizeof(*r));
	r->name = h->name;
	r->score = h->score;
	return r;
}

/* cmp_rule - S/O descending, then overall descending, then by name */
static int cmp_rule(const void *a, const void *b)
{
	const eval_rule *x = a, *y = b;

	if (x->so != y->so)
		return x->so > y->so ? -1 : 1;
	if (x->scam + x->ham != y->scam + y->ham)
		return x->scam + x->ham > y->scam + y->ham ? -1 : 1;
	return strcmp(x->name, y->name);
}

/* collect_rules - hit counts per rule over the scam and ham (not aux)
 * messages, with percentages and S/O, sorted as cmp_rule says */
static eval_rule *collect_rules(const eval_ctx *c, size_t nscam, size_t nham, size_t *nrules)
{
	eval_rule *rules = NULL;

	*nrules = 0;
	for (size_t k = 0; k < c->nsources; k++) {
		const eval_source *s = &c->sources[k];

		if (s->label == EVAL_AUX)
			continue;
		for (size_t i = s->first; i < s->first + s->count; i++) {
			const sc_verdict *v = c->files[i].v;

			for (size_t h = 0; v != NULL && h < v->nhits; h++) {
				eval_rule *r = find_rule(&rules, nrules, &v->hits[h]);

				if (s->label == EVAL_SCAM)
					r->scam++;
				else
					r->ham++;
			}
		}
	}
	for (size_t i = 0; i < *nrules; i++) {
		eval_rule *r = &rules[i];

		r->scam_pct = pct(r->scam, nscam);
		r->ham_pct = pct(r->ham, nham);
		r->overall_pct = pct(r->scam + r->ham, nscam + nham);
		r->so = r->scam_pct + r->ham_pct > 0.0 ? r->scam_pct / (r->scam_pct + r->ham_pct)
						       : 0.0;
	}
	if (*nrules > 1)
		qsort(rules, *nrules, sizeof(*rules), cmp_rule);
	return rules;
}

/* bucket_of - a score's histogram bucket: its floor, clipped to the open
 * ends EVAL_HIST_LO - 1 (below EVAL_HIST_LO) and EVAL_HIST_HI */
static int bucket_of(double score)
{
	double f = floor(score);

	if (f < EVAL_HIST_LO)
		return EVAL_HIST_LO - 1;
	if (f > EVAL_HIST_HI)
		return EVAL_HIST_HI;
	return (int) f;
}

/* histogram - scam and ham counts per bucket from *lo to *hi (owned array
 * of 2 * (hi - lo + 1)); NULL when nothing was scored */
static size_t *histogram(const eval_ctx *c, int *lo, int *hi)
{
	size_t *counts;
	int any = 0;

	*lo = EVAL_HIST_HI;
	*hi = EVAL_HIST_LO - 1;
	for (size_t k = 0; k < c->nsources; k++)
		for (size_t i = 0; c->sources[k].label != EVAL_AUX && i < c->sources[k].count;
		     i++) {
			const sc_verdict *v = c->files[c->sources[k].first + i].v;

			if (v == NULL)
				continue;
			any = 1;
			if (bucket_of(v->score) < *lo)
				*lo = bucket_of(v->score);
			if (bucket_of(v->score) > *hi)
				*hi = bucket_of(v->score);
		}
	if (!any)
		return NULL;
	counts = sc_calloc((size_t) (*hi - *lo + 1) * 2, sizeof(size_t));
	for (size_t k = 0; k < c->nsources; k++)
		for (size_t i = 0; c->sources[k].label != EVAL_AUX && i < c->sources[k].count;
		     i++) {
			const sc_verdict *v = c->files[c->sources[k].first + i].v;

			if (v != NULL)
				counts[(size_t) (bucket_of(v->score) - *lo) * 2 +
				       (c->sources[k].label == EVAL_HAM)]++;
		}
	return counts;
}

/* bucket_label - "[5,6)", "<-5" or ">=30" */
static void bucket_label(int b, char *buf, size_t size)
{
	if (b < EVAL_HIST_LO)
		(void) snprintf(buf, size, "<%d", EVAL_HIST_LO);
	else if (b >= EVAL_HIST_HI)
		(void) snprintf(buf, size, ">=%d", EVAL_HIST_HI);
	else
		(void) snprintf(buf, size, "[%d,%d)", b, b + 1);
}

/* print_stats_line - one row of the human table */
static void print_stats_line(const char *name, const char *label, const eval_stats *st)
{
	(void) printf("%-32s %-5s %6zu %6zu %6.1f %6.1f %6.1f %7.2f %7.2f\n", name, label, st->n,
		      st->errors, pct(st->tag, st->n), pct(st->quarantine, st->n),
		      pct(st->reject, st->n), st->mean, st->median);
}

/* print_human - the three tables on stdout */
static void print_human(const eval_ctx *c, const eval_stats tot[EVAL_NLABELS],
			const eval_rule *rules, size_t nrules)
{
	const sc_config *cfg = c->eng->config;
	size_t *counts;
	int lo, hi;

	(void) printf("thresholds: tag %.1f, quarantine %.1f, reject %.1f\n\n", cfg->tag_threshold,
		      cfg->quarantine_threshold, cfg->reject_threshold);
	(void) printf("%-32s %-5s %6s %6s %6s %6s %6s %7s %7s\n", "SOURCE", "LABEL", "N", "ERRORS",
		      "TAG%", "QUAR%", "REJ%", "MEAN", "MEDIAN");
	for (size_t k = 0; k < c->nsources; k++) {
		eval_stats st;

		stats_of(c, &c->sources[k], EVAL_SCAM, &st);
		print_stats_line(c->sources[k].name, label_names[c->sources[k].label], &st);
	}
	print_stats_line("total scam", "scam", &tot[EVAL_SCAM]);
	print_stats_line("total ham", "ham", &tot[EVAL_HAM]);
	if (tot[EVAL_AUX].n + tot[EVAL_AUX].errors > 0)
		print_stats_line("aux (not in the totals)", "aux", &tot[EVAL_AUX]);

	(void) printf("\n%-8s %7s %7s\n", "SCORE", "SCAM%", "HAM%");
	counts = histogram(c, &lo, &hi);
	for (int b = lo; counts != NULL && b <= hi; b++) {
		char name[32];

		bucket_label(b, name, sizeof(name));
		(void) printf("%-8s %7.1f %7.1f\n", name,
			      pct(counts[(size_t) (b - lo) * 2], tot[EVAL_SCAM].n),
			      pct(counts[(size_t) (b - lo) * 2 + 1], tot[EVAL_HAM].n));
	}
	free(counts);

	(void) printf("\n%8s %8s %8s %6s %7s  %s\n", "OVERALL%", "SCAM%", "HAM%", "S/O", "SCORE",
		      "NAME");
	for (size_t i = 0; i < nrules; i++)
		(void) printf("%8.3f %8.3f %8.3f %6.3f %7.3f  %s\n", rules[i].overall_pct,
			      rules[i].scam_pct, rules[i].ham_pct, rules[i].so, rules[i].score,
			      rules[i].name);
}

/* json_stats - the members of a stats object (without braces) */
static void json_stats(sc_buf *out, const eval_stats *st)
{
	(void) sc_buf_printf(out,
			     "\"n\":%zu,\"errors\":%zu,\"tag\":%zu,\"quarantine\":%zu,"
			     "\"reject\":%zu,\"tag_pct\":",
			     st->n, st->errors, st->tag, st->quarantine, st->reject);
	json_number(out, pct(st->tag, st->n));
	(void) sc_buf_puts(out, ",\"quarantine_pct\":");
	json_number(out, pct(st->quarantine, st->n));
	(void) sc_buf_puts(out, ",\"reject_pct\":");
	json_number(out, pct(st->reject, st->n));
	(void) sc_buf_puts(out, ",\"mean\":");
	if (st->n > 0)
		json_number(out, st->mean);
	else
		(void) sc_buf_puts(out, "null");
	(void) sc_buf_puts(out, ",\"median\":");
	if (st->n > 0)
		json_number(out, st->median);
	else
		(void) sc_buf_puts(out, "null");
}

/* json_histogram - the "histogram" member's array */
static void json_histogram(const eval_ctx *c, sc_buf *out, const eval_stats tot[EVAL_NLABELS])
{
	int lo, hi;
	size_t *counts = histogram(c, &lo, &hi);

	(void) sc_buf_putc(out, '[');
	for (int b = lo; counts != NULL && b <= hi; b++) {
		size_t ns = counts[(size_t) (b - lo) * 2], nh = counts[(size_t) (b - lo) * 2 + 1];

		(void) sc_buf_puts(out, b > lo ? ",{\"from\":" : "{\"from\":");
		if (b < EVAL_HIST_LO)
			(void) sc_buf_puts(out, "null");
		else
			(void) sc_buf_printf(out, "%d", b);
		if (b >= EVAL_HIST_HI)
			(void) sc_buf_puts(out, ",\"to\":null");
		else
			(void) sc_buf_printf(out, ",\"to\":%d", b + 1);
		(void) sc_buf_printf(out, ",\"scam\":%zu,\"ham\":%zu,\"scam_pct\":", ns, nh);
		json_number(out, pct(ns, tot[EVAL_SCAM].n));
		(void) sc_buf_puts(out, ",\"ham_pct\":");
		json_number(out, pct(nh, tot[EVAL_HAM].n));
		(void) sc_buf_putc(out, '}');
	}
	(void) sc_buf_putc(out, ']');
	free(counts);
}

/* print_json - the whole report as one JSON object on stdout */
static void print_json(const eval_ctx *c, const eval_stats tot[EVAL_NLABELS],
		       const eval_rule *rules, size_t nrules)
{
	const sc_config *cfg = c->eng->config;
	sc_buf out;

	sc_buf_init(&out, SC_BUF_UNLIMITED);
	(void) sc_buf_puts(&out, "{\"thresholds\":{\"tag\":");
	json_number(&out, cfg->tag_threshold);
	(void) sc_buf_puts(&out, ",\"quarantine\":");
	json_number(&out, cfg->quarantine_threshold);
	(void) sc_buf_puts(&out, ",\"reject\":");
	json_number(&out, cfg->reject_threshold);
	(void) sc_buf_puts(&out, "},\"sources\":[");
	for (size_t k = 0; k < c->nsources; k++) {
		eval_stats st;

		stats_of(c, &c->sources[k], EVAL_SCAM, &st);
		(void) sc_buf_puts(&out, k ? ",{\"name\":" : "{\"name\":");
		json_cstring(&out, c->sources[k].name);
		(void) sc_buf_puts(&out, ",\"label\":");
		json_cstring(&out, label_names[c->sources[k].label]);
		(void) sc_buf_putc(&out, ',');
		json_stats(&out, &st);
		(void) sc_buf_putc(&out, '}');
	}
	(void) sc_buf_puts(&out, "],\"totals\":{");
	for (int l = 0; l < EVAL_NLABELS; l++) {
		if (l == EVAL_AUX && tot[l].n + tot[l].errors == 0)
			continue;
		(void) sc_buf_printf(&out, "%s\"%s\":{", l ? "," : "", label_names[l]);
		json_stats(&out, &tot[l]);
		(void) sc_buf_putc(&out, '}');
	}
	(void) sc_buf_puts(&out, "},\"histogram\":");
	json_histogram(c, &out, tot);
	(void) sc_buf_puts(&out, ",\"rules\":[");
	for (size_t i = 0; i < nrules; i++) {
		const eval_rule *r = &rules[i];

		(void) sc_buf_puts(&out, i ? ",{\"name\":" : "{\"name\":");
		json_cstring(&out, r->name);
		(void) sc_buf_puts(&out, ",\"score\":");
		json_number(&out, r->score);
		(void) sc_buf_printf(&out, ",\"scam\":%zu,\"ham\":%zu,\"overall\":%zu", r->scam,
				     r->ham, r->scam + r->ham);
		(void) sc_buf_puts(&out, ",\"scam_pct\":");
		json_number(&out, r->scam_pct);
		(void) sc_buf_puts(&out, ",\"ham_pct\":");
		json_number(&out, r->ham_pct);
		(void) sc_buf_puts(&out, ",\"overall_pct\":");
		json_number(&out, r->overall_pct);
		(void) sc_buf_puts(&out, ",\"so\":");
		json_number(&out, r->so);
		(void) sc_buf_putc(&out, '}');
	}
	(void) sc_buf_puts(&out, "]}\n");
	(void) fwrite(out.data, 1, out.len, stdout);
	sc_buf_free(&out);
}

/* report_errors - name every file that could not be scanned on stderr, in
 * file order; how many */
static size_t report_errors(const eval_ctx *c)
{
	size_t n = 0;

	for (size_t i = 0; i < c->nfiles; i++) {
		const eval_file *f = &c->files[i];

		if (f->v != NULL)
			continue;
		n++;
		(void) fprintf(stderr, "scamctl: %s: %s\n", f->path,
			       f->why != NULL ? f->why : strerror(f->err));
	}
	return n;
}

/* default_jobs - the online CPUs, 1 to EVAL_MAX_JOBS */
static unsigned default_jobs(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);

	if (n < 1)
		return 1;
	return n > EVAL_MAX_JOBS ? EVAL_MAX_JOBS : (unsigned) n;
}

/* cmd_eval - parse eval's options, load the engine, scan and report */
int cmd_eval(scamctl_opts *o, int argc, char **argv)
{
	enum { OPT_JSON = 256, OPT_RULES, OPT_SCAM, OPT_HAM, OPT_AUX };
	static const struct option longopts[] = {
		{"json", no_argument, NULL, OPT_JSON},
		{"config", required_argument, NULL, 'c'},
		{"rules", required_argument, NULL, OPT_RULES},
		{"scam", required_argument, NULL, OPT_SCAM},
		{"ham", required_argument, NULL, OPT_HAM},
		{"aux", required_argument, NULL, OPT_AUX},
		{"jobs", required_argument, NULL, 'j'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	const char **paths = sc_calloc((size_t) argc + 1, sizeof(*paths));
	eval_label *labels = sc_calloc((size_t) argc + 1, sizeof(*labels));
	unsigned nthreads = default_jobs();
	long jobs;
	int json = 0, status = SCAMCTL_USAGE, ch;
	size_t npaths = 0, nscam = 0, nham = 0, nrules, failed;
	eval_stats tot[EVAL_NLABELS];
	eval_rule *rules;
	eval_ctx c;

	memset(&c, 0, sizeof(c));
	atomic_init(&c.next, 0);
	atomic_init(&c.done, 0);
	while ((ch = getopt_long(argc, argv, "c:hj:", longopts, NULL)) != -1) {
		switch (ch) {
		case OPT_JSON:
			json = 1;
			break;
		case OPT_SCAM:
		case OPT_HAM:
		case OPT_AUX:
			labels[npaths] = ch == OPT_SCAM  ? EVAL_SCAM
					 : ch == OPT_HAM ? EVAL_HAM
							 : EVAL_AUX;
			nscam += ch == OPT_SCAM;
			nham += ch == OPT_HAM;
			paths[npaths++] = optarg;
			break;
		case 'j':
			if ((jobs = scamctl_parse_count(optarg, 1, EVAL_MAX_JOBS)) < 0) {
				(void) fprintf(stderr, "scamctl: -j wants 1 to %d, not \"%s\"\n",
					       EVAL_MAX_JOBS, optarg);
				goto out;
			}
			nthreads = (unsigned) jobs;
			break;
		case 'c':
			o->config_path = optarg;
			break;
		case OPT_RULES:
			o->rules_dir = optarg;
			break;
		case 'h':
			eval_usage(stdout);
			status = SCAMCTL_OK;
			goto out;
		default:
			eval_usage(stderr);
			goto out;
		}
	}
	if (optind < argc || nscam == 0 || nham == 0) {
		eval_usage(stderr);
		goto out;
	}
	c.eng = scamctl_load_engine(o);
	if (c.eng == NULL) {
		(void) fprintf(stderr, "scamctl: cannot load the config and rules\n");
		goto out;
	}
	sc_engine_prefilter(c.eng, SC_PREFILTER_CACHED);
	for (size_t i = 0; i < npaths; i++)
		add_source(&c, paths[i], labels[i]);
	run_all(&c, nthreads);
	failed = report_errors(&c);
	for (int l = 0; l < EVAL_NLABELS; l++)
		stats_of(&c, NULL, (eval_label) l, &tot[l]);
	rules = collect_rules(&c, tot[EVAL_SCAM].n, tot[EVAL_HAM].n, &nrules);
	if (json)
		print_json(&c, tot, rules, nrules);
	else
		print_human(&c, tot, rules, nrules);
	free(rules);
	status = failed > 0 ? SCAMCTL_SOME_FAILED : SCAMCTL_OK;
	if (fflush(stdout) != 0) {
		(void) fprintf(stderr, "scamctl: writing output: %s\n", strerror(errno));
		status = SCAMCTL_SOME_FAILED;
	}
out:
	for (size_t i = 0; i < c.nfiles; i++) {
		free(c.files[i].path);
		sc_verdict_free(c.files[i].v);
	}
	for (size_t i = 0; i < c.nsources; i++)
		free(c.sources[i].name);
	free(c.files);
	free(c.sources);
	free(paths);
	free(labels);
	sc_engine_unref(c.eng);
	return status;
}
