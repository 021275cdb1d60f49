/*
 * cmd_quarantine.c - scamctl quarantine {list,show,release,delete,purge,fsck}
 * over the store in quarantine_dir (see quarantine.h and scamctl(1)):
 * argument handling and dispatch. Output formats are in
 * quarantine_print.c, the release in quarantine_release.c.
 */
#include "autoconfig.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "buf.h"
#include "mem.h"
#include "quarantine.h"
#include "quarantine_cmd.h"
#include "scamctl.h"

/* quarantine_usage - the subcommand's help */
static void quarantine_usage(FILE *fp)
{
	(void) fputs("usage: scamctl quarantine list [--since DAYS] [--rcpt TEXT] [--from TEXT]\n"
		     "                                [--min-score N] [--json]\n"
		     "       scamctl quarantine show ID [--raw]\n"
		     "       scamctl quarantine release ID [--to RCPT]...\n"
		     "       scamctl quarantine delete ID\n"
		     "       scamctl quarantine purge --older-than DAYS\n"
		     "       scamctl quarantine fsck\n",
		     fp);
}

/* parse_days - a non-negative number of days into seconds; -1 if bad */
static long long parse_days(const char *s)
{
	char *end;
	double d = strtod(s, &end);

	if (end == s || *end != '\0' || !(d >= 0 && d < 100000))
		return -1;
	return (long long) (d * 86400);
}

/* cmd_list - the rows the filter selects */
static int cmd_list(sc_quarantine *q, int argc, char **argv)
{
	static const struct option lo[] = {
		{"since", required_argument, NULL, 's'},
		{"rcpt", required_argument, NULL, 'r'},
		{"from", required_argument, NULL, 'f'},
		{"min-score", required_argument, NULL, 'm'},
		{"json", no_argument, NULL, 'j'},
		{NULL, 0, NULL, 0},
	};
	sc_qfilter f = {0, NULL, NULL, 0, 0};
	int json = 0, ch;
	long long secs;
	char *end;
	sc_qerr err;

	while ((ch = getopt_long(argc, argv, "", lo, NULL)) != -1) {
		switch (ch) {
		case 's':
			if ((secs = parse_days(optarg)) < 0)
				return SCAMCTL_USAGE;
			f.since = (long long) time(NULL) - secs;
			break;
		case 'r':
			f.rcpt = optarg;
			break;
		case 'f':
			f.from = optarg;
			break;
		case 'm':
			f.min_score = strtod(optarg, &end);
			if (end == optarg || *end != '\0')
				return SCAMCTL_USAGE;
			f.has_min_score = 1;
			break;
		case 'j':
			json = 1;
			break;
		default:
			return SCAMCTL_USAGE;
		}
	}
	if (optind != argc)
		return SCAMCTL_USAGE;
	if (sc_quarantine_list(q, &f, json ? qprint_json : qprint_line, NULL, &err) != 0) {
		(void) fprintf(stderr, "scamctl: %s\n", err.msg);
		return SCAMCTL_SOME_FAILED;
	}
	return SCAMCTL_OK;
}

/* report_orphan - fsck callback for a file that had no row and now has one */
static int report_orphan(void *arg, const sc_qentry *e)
{
	(void) arg;
	(void) printf("orphan %s: file without index row, indexed\n", e->id);
	return 0;
}

/* report_missing - fsck callback for a row whose file is gone */
static int report_missing(void *arg, const sc_qentry *e)
{
	(void) arg;
	(void) printf("missing %s: indexed as quarantined, but its file is gone\n", e->id);
	return 0;
}

/* found - a get/mark result as an exit status, saying why on stderr */
static int found(int r, const char *id, const sc_qerr *err)
{
	if (r == 1)
		return SCAMCTL_OK;
	if (r == 0)
		(void) fprintf(stderr, "scamctl: %s: no such quarantined message\n", id);
	else
		(void) fprintf(stderr, "scamctl: %s: %s\n", id, err->msg);
	return SCAMCTL_SOME_FAILED;
}

/* dispatch - run one verb on an open store */
static int dispatch(sc_quarantine *q, const sc_config *c, const char *verb, int argc, char **argv)
{
	sc_qerr err;
	size_t n, m;
	sc_buf msg;

	if (strcmp(verb, "list") == 0)
		return cmd_list(q, argc, argv);
	if (strcmp(verb, "fsck") == 0) {
		if (sc_quarantine_fsck(q, report_orphan, report_missing, NULL, &n, &m, &err) != 0) {
			(void) fprintf(stderr, "scamctl: fsck: %s\n", err.msg);
			return SCAMCTL_SOME_FAILED;
		}
		(void) printf("fsck: %zu orphaned files indexed, %zu missing files\n", n, m);
		return m > 0 ? SCAMCTL_SOME_FAILED : SCAMCTL_OK;
	}
	if (strcmp(verb, "purge") == 0) {
		long long secs;

		if (argc != 3 || strcmp(argv[1], "--older-than") != 0 ||
		    (secs = parse_days(argv[2])) < 0)
			return SCAMCTL_USAGE;
		if (sc_quarantine_purge(q, (long long) time(NULL) - secs, &n, &err) != 0) {
			(void) fprintf(stderr, "scamctl: purge: %s\n", err.msg);
			return SCAMCTL_SOME_FAILED;
		}
		(void) printf("purged %zu messages\n", n);
		return SCAMCTL_OK;
	}
	if (argc < 2 || !sc_quarantine_valid_id(argv[1])) {
		(void) fprintf(stderr, "scamctl: %s: an id of %d hex digits is required\n", verb,
			       SC_QID_LEN);
		return SCAMCTL_USAGE;
	}
	if (strcmp(verb, "show") == 0 && argc == 3 && strcmp(argv[2], "--raw") == 0) {
		sc_buf_init(&msg, SC_BUF_UNLIMITED);
		n = sc_quarantine_read(q, argv[1], &msg, &err) == 0;
		if (n)
			(void) fwrite(msg.data, 1, msg.len, stdout);
		else
			(void) fprintf(stderr, "scamctl: %s: %s\n", argv[1], err.msg);
		sc_buf_free(&msg);
		return n ? SCAMCTL_OK : SCAMCTL_SOME_FAILED;
	}
	if (strcmp(verb, "show") == 0 && argc == 2)
		return found(sc_quarantine_get(q, argv[1], qprint_full, NULL, &err), argv[1], &err);
	if (strcmp(verb, "delete") == 0 && argc == 2) {
		if (found(sc_quarantine_mark(q, argv[1], "deleted", quarantine_who(), &err),
			  argv[1], &err) != SCAMCTL_OK)
			return SCAMCTL_SOME_FAILED;
		(void) printf("%s deleted\n", argv[1]);
		return SCAMCTL_OK;
	}
	if (strcmp(verb, "release") == 0) {
		char **to = sc_calloc((size_t) argc, sizeof(*to));
		size_t nto = 0;
		int r = SCAMCTL_OK;

		for (int i = 2; i < argc; i++) {
			if (strcmp(argv[i], "--to") != 0 || i + 1 >= argc ||
			    strchr(argv[i + 1], '@') == NULL || argv[i + 1][0] == '-')
				r = SCAMCTL_USAGE;
			else
				to[nto++] = argv[++i];
		}
		if (r == SCAMCTL_OK)
			r = quarantine_release(q, argv[1], to, nto, c->release_smtp);
		free(to);
		return r;
	}
	return SCAMCTL_USAGE;
}

/* cmd_quarantine - scamctl quarantine VERB ... */
int cmd_quarantine(scamctl_opts *o, int argc, char **argv)
{
	sc_quarantine *q;
	sc_engine *eng;
	int r;

	if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
		quarantine_usage(argc < 2 ? stderr : stdout);
		return argc < 2 ? SCAMCTL_USAGE : SCAMCTL_OK;
	}
	eng = scamctl_load_engine(o);
	if (eng == NULL)
		return SCAMCTL_USAGE;
	if (eng->config->quarantine_dir == NULL) {
		(void) fprintf(stderr, "scamctl: no quarantine_dir in the configuration\n");
		sc_engine_unref(eng);
		return SCAMCTL_USAGE;
	}
	q = sc_quarantine_new(eng->config->quarantine_dir);
	optind = 0; /* glibc: start the verb's option parsing afresh */
	r = dispatch(q, eng->config, argv[1], argc - 1, argv + 1);
	if (r == SCAMCTL_USAGE)
		quarantine_usage(stderr);
	sc_quarantine_free(q);
	sc_engine_unref(eng);
	return r;
}
