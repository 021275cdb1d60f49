/*
 * cmd_quarantine.c - scamctl quarantine {list,show,release,delete,purge,fsck}
 * over the store in quarantine_dir (see quarantine.h and scamctl(1)).
 *
 * Release re-injects with /usr/sbin/sendmail (SC_SENDMAIL) started by
 * fork/execv with an argv -- never a shell -- as
 *   sendmail -G -i -f SENDER -- RCPT...
 * feeding "X-Scam-Released: by USER at TIME" and the stored copy on its
 * standard input. Postfix's sendmail submits through pickup, which no
 * smtpd_milters see, so the copy is not filtered again.
 */
#include "autoconfig.h"

#include <errno.h>
#include <getopt.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"
#include "json.h"
#include "mem.h"
#include "quarantine.h"
#include "scamctl.h"

#ifndef SC_SENDMAIL
#define SC_SENDMAIL "/usr/sbin/sendmail"
#endif
#define MAX_RCPTS 1000 /* recipients of one release */

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

/* when - a time as "2026-11-28T08:00:00Z" into out */
static const char *when(long long t, char *out, size_t size)
{
	time_t tt = (time_t) t;
	struct tm tm;

	if (gmtime_r(&tt, &tm) == NULL || strftime(out, size, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		(void) snprintf(out, size, "%lld", t);
	return out;
}

/* print_json - one row as a JSON object line */
static int print_json(void *arg, const sc_qentry *e)
{
	char t[32];
	sc_buf out;

	(void) arg;
	sc_buf_init(&out, SC_BUF_UNLIMITED);
	(void) sc_buf_puts(&out, "{\"id\":");
	json_cstring(&out, e->id);
	(void) sc_buf_puts(&out, ",\"time\":");
	json_cstring(&out, when(e->time, t, sizeof(t)));
	(void) sc_buf_puts(&out, ",\"queue_id\":");
	json_cstring(&out, e->queue_id);
	(void) sc_buf_puts(&out, ",\"client\":");
	json_cstring(&out, e->client);
	(void) sc_buf_puts(&out, ",\"sender\":");
	json_cstring(&out, e->sender);
	(void) sc_buf_puts(&out, ",\"rcpts\":");
	json_cstring(&out, e->rcpts);
	(void) sc_buf_puts(&out, ",\"from\":");
	json_cstring(&out, e->from);
	(void) sc_buf_puts(&out, ",\"subject\":");
	json_cstring(&out, e->subject);
	(void) sc_buf_puts(&out, ",\"score\":");
	json_number(&out, e->score);
	(void) sc_buf_puts(&out, ",\"hits\":");
	json_cstring(&out, e->hits);
	(void) sc_buf_puts(&out, ",\"mode\":");
	json_cstring(&out, e->mode);
	(void) sc_buf_puts(&out, ",\"state\":");
	json_cstring(&out, e->state);
	(void) sc_buf_puts(&out, ",\"actor\":");
	json_cstring(&out, e->actor);
	(void) sc_buf_puts(&out, ",\"acted_at\":");
	if (e->acted_at > 0)
		json_cstring(&out, when(e->acted_at, t, sizeof(t)));
	else
		(void) sc_buf_puts(&out, "null");
	(void) sc_buf_puts(&out, "}\n");
	(void) fputs(sc_buf_cstr(&out), stdout);
	sc_buf_free(&out);
	return 0;
}

/* clean - s with control characters shown as '?', for terminal output */
static const char *clean(const char *s, sc_buf *b)
{
	sc_buf_reset(b);
	for (; s != NULL && *s != '\0'; s++)
		(void) sc_buf_putc(b, (unsigned char) *s < 0x20 || *s == 0x7f ? '?' : *s);
	return sc_buf_cstr(b);
}

/* print_line - one row as a text line */
static int print_line(void *arg, const sc_qentry *e)
{
	char t[32];
	sc_buf a, b, c;

	(void) arg;
	sc_buf_init(&a, SC_BUF_UNLIMITED);
	sc_buf_init(&b, SC_BUF_UNLIMITED);
	sc_buf_init(&c, SC_BUF_UNLIMITED);
	(void) printf("%s %s %-11s %5.1f from=<%s> to=%s subject=%s\n", e->id,
		      when(e->time, t, sizeof(t)), e->state != NULL ? e->state : "?", e->score,
		      clean(e->sender, &a), clean(e->rcpts, &b), clean(e->subject, &c));
	sc_buf_free(&a);
	sc_buf_free(&b);
	sc_buf_free(&c);
	return 0;
}

/* print_full - every field of a row, for show */
static int print_full(void *arg, const sc_qentry *e)
{
	char t[32];
	sc_buf b;

	(void) arg;
	sc_buf_init(&b, SC_BUF_UNLIMITED);
	(void) printf("id:       %s\ntime:     %s\n", e->id, when(e->time, t, sizeof(t)));
	(void) printf("queue_id: %s\n", clean(e->queue_id, &b));
	(void) printf("client:   %s\n", clean(e->client, &b));
	(void) printf("sender:   <%s>\n", clean(e->sender, &b));
	(void) printf("rcpts:    %s\n", clean(e->rcpts, &b));
	(void) printf("from:     %s\n", clean(e->from, &b));
	(void) printf("subject:  %s\n", clean(e->subject, &b));
	(void) printf("score:    %.1f\nhits:     %s\n", e->score, clean(e->hits, &b));
	(void) printf("mode:     %s\n", clean(e->mode, &b));
	(void) printf("state:    %s\n", clean(e->state, &b));
	if (e->acted_at > 0)
		(void) printf("by:       %s at %s\n", clean(e->actor, &b),
			      when(e->acted_at, t, sizeof(t)));
	sc_buf_free(&b);
	return 0;
}

/* open_store - the quarantine of the config, or NULL (reported) */
static sc_quarantine *open_store(scamctl_opts *o)
{
	sc_engine *eng = scamctl_load_engine(o);
	sc_quarantine *q = NULL;

	if (eng == NULL)
		return NULL;
	if (eng->config->quarantine_dir == NULL)
		(void) fprintf(stderr, "scamctl: no quarantine_dir in the configuration\n");
	else
		q = sc_quarantine_new(eng->config->quarantine_dir);
	sc_engine_unref(eng);
	return q;
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
	if (sc_quarantine_list(q, &f, json ? print_json : print_line, NULL, &err) != 0) {
		(void) fprintf(stderr, "scamctl: %s\n", err.msg);
		return SCAMCTL_SOME_FAILED;
	}
	return SCAMCTL_OK;
}

/* sender_of - get callback: copy the row's sender and recipients */
static int sender_of(void *arg, const sc_qentry *e)
{
	char **out = arg;

	out[0] = sc_strdup(e->sender != NULL ? e->sender : "");
	out[1] = sc_strdup(e->rcpts != NULL ? e->rcpts : "");
	out[2] = sc_strdup(e->mode != NULL ? e->mode : "store");
	return 0;
}

/* run_sendmail - fork/execv sendmail with argv, message on its stdin; 0 on exit 0 */
static int run_sendmail(char *const argv[], const char *head, const sc_buf *msg)
{
	int fd[2], status;
	pid_t pid;
	FILE *fp;

	if (pipe(fd) != 0)
		return -1;
	pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		(void) dup2(fd[0], 0);
		(void) close(fd[0]);
		(void) close(fd[1]);
		execv(SC_SENDMAIL, argv);
		_exit(127);
	}
	(void) close(fd[0]);
	(void) signal(SIGPIPE, SIG_IGN);
	fp = fdopen(fd[1], "w");
	if (fp == NULL) {
		(void) close(fd[1]);
	} else {
		(void) fputs(head, fp);
		(void) fwrite(msg->data, 1, msg->len, fp);
		(void) fclose(fp);
	}
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -1;
	return WIFEXITED(status) && WEXITSTATUS(status) == 0 && fp != NULL ? 0 : -1;
}

/* who - the invoking user's name */
static const char *who(void)
{
	struct passwd *pw = getpwuid(getuid());
	const char *sudo = getenv("SUDO_USER");

	if (sudo != NULL && sudo[0] != '\0' && strpbrk(sudo, "\r\n") == NULL)
		return sudo;
	return pw != NULL ? pw->pw_name : "unknown";
}

/* cmd_release - re-inject through sendmail, then record who and when */
static int cmd_release(sc_quarantine *q, const char *id, char **to, size_t nto)
{
	char *row[3] = {NULL, NULL, NULL}, *argv[MAX_RCPTS + 8], head[256], t[32];
	sc_buf msg;
	size_t n = 0;
	sc_qerr err;
	int r = SCAMCTL_SOME_FAILED;

	if (sc_quarantine_get(q, id, sender_of, row, &err) != 1) {
		(void) fprintf(stderr, "scamctl: %s: no such quarantined message\n", id);
		return SCAMCTL_SOME_FAILED;
	}
	sc_buf_init(&msg, SC_BUF_UNLIMITED);
	if (strcmp(row[2], "hold") == 0) {
		(void) fprintf(stderr,
			       "scamctl: %s is in the MTA's hold queue: release it there "
			       "(postsuper -H QUEUE_ID)\n",
			       id);
		goto out;
	}
	if (sc_quarantine_read(q, id, &msg, &err) != 0) {
		(void) fprintf(stderr, "scamctl: %s: %s\n", id, err.msg);
		goto out;
	}
	argv[n++] = "sendmail";
	argv[n++] = "-G";
	argv[n++] = "-i";
	argv[n++] = "-f";
	argv[n++] = row[0];
	argv[n++] = "--";
	if (nto > 0) {
		for (size_t i = 0; i < nto && n < MAX_RCPTS; i++)
			argv[n++] = to[i];
	} else {
		char *save = NULL;

		for (char *p = strtok_r(row[1], ",", &save); p != NULL && n < MAX_RCPTS;
		     p = strtok_r(NULL, ",", &save))
			argv[n++] = p;
	}
	argv[n] = NULL;
	if (n == 6) {
		(void) fprintf(stderr, "scamctl: %s: no recipients to release to\n", id);
		goto out;
	}
	(void) snprintf(head, sizeof(head), "X-Scam-Released: by %s at %s\r\n", who(),
			when((long long) time(NULL), t, sizeof(t)));
	if (run_sendmail(argv, head, &msg) != 0) {
		(void) fprintf(stderr, "scamctl: %s: %s failed\n", id, SC_SENDMAIL);
		goto out;
	}
	if (sc_quarantine_mark(q, id, "released", who(), &err) != 1) {
		(void) fprintf(stderr, "scamctl: %s: released, but not recorded: %s\n", id,
			       err.msg);
		goto out;
	}
	(void) printf("%s released\n", id);
	r = SCAMCTL_OK;
out:
	sc_buf_free(&msg);
	free(row[0]);
	free(row[1]);
	free(row[2]);
	return r;
}

/* report_fsck - fsck callbacks: one line per orphan indexed / row missing its file */
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

/* dispatch - run one verb on an open store */
static int dispatch(sc_quarantine *q, const char *verb, int argc, char **argv)
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
		return sc_quarantine_get(q, argv[1], print_full, NULL, &err) == 1
			       ? SCAMCTL_OK
			       : SCAMCTL_SOME_FAILED;
	if (strcmp(verb, "delete") == 0 && argc == 2) {
		if (sc_quarantine_mark(q, argv[1], "deleted", who(), &err) != 1)
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
			r = cmd_release(q, argv[1], to, nto);
		free(to);
		return r;
	}
	return SCAMCTL_USAGE;
}

/* cmd_quarantine - scamctl quarantine VERB ... */
int cmd_quarantine(scamctl_opts *o, int argc, char **argv)
{
	sc_quarantine *q;
	int r;

	if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
		quarantine_usage(argc < 2 ? stderr : stdout);
		return argc < 2 ? SCAMCTL_USAGE : SCAMCTL_OK;
	}
	q = open_store(o);
	if (q == NULL)
		return SCAMCTL_USAGE;
	optind = 0; /* glibc: start the verb's option parsing afresh */
	r = dispatch(q, argv[1], argc - 1, argv + 1);
	if (r == SCAMCTL_USAGE)
		quarantine_usage(stderr);
	sc_quarantine_free(q);
	return r;
}
