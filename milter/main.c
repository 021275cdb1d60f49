/*
 * main.c - scam-milter: options, start-up, signals and reload.
 *
 * Start-up, in this order (STYLE.md, section 11):
 *   1. parse options; with -t, load config and rules, print every
 *      diagnostic and exit;
 *   2. block SIGHUP/SIGTERM/SIGINT, so one arriving during start-up waits
 *      for the main loop instead of killing us half-way;
 *   3. load the engine (config + rules) and resolve the user and socket
 *      group, so a typo is a configuration error (exit 1) before anything
 *      is opened;
 *   4. register the callbacks and open the libmilter socket (as root if we
 *      were started as root); give a unix socket its mode and group;
 *   5. drop privileges (privs.c);
 *   6. unless -f: fork; the parent waits on a pipe and exits 0 once the
 *      child is serving, 3 if the child fails first; the child starts a
 *      session, writes the pid file, and logs to syslog from then on
 *      (start-up errors before that reach the terminal);
 *   7. run libmilter in its own thread while this thread waits for signals.
 *
 * Signals and threads. smfi_main() blocks SIGHUP, SIGTERM and SIGINT in its
 * threads and starts a sigwait() thread of its own that treats SIGHUP like
 * SIGTERM: it stops the filter. We want SIGHUP to reload instead, so:
 *   - the main thread blocks the three signals (step 2) and creates the
 *     thread that runs smfi_main(), so that thread and every thread
 *     libmilter starts from it (its signal thread and the connection
 *     threads) inherit the block;
 *   - the main thread then installs handlers that only set volatile
 *     sig_atomic_t flags, and unblocks the signals for itself alone;
 *   - Linux delivers a process-directed signal to the thread-group leader
 *     (this thread) when it does not block it, before trying any other
 *     thread, so libmilter's signal thread never sees them;
 *   - this thread sleeps in poll() for at most a second at a time (a signal
 *     interrupts it with EINTR) and acts on the flags: SIGHUP builds a new
 *     engine and swaps it in (current.c), keeping the old one if the new
 *     config or rules have any error; SIGTERM/SIGINT call smfi_stop(), join
 *     the libmilter thread and exit 0.
 * A signal that lands between the flag check and poll() waits for the next
 * wake-up, at most a second. Should libmilter's own signal thread ever get
 * SIGHUP or SIGTERM anyway, smfi_main() returns, and we exit 3 with a log
 * line rather than linger half-alive.
 */
#include "autoconfig.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <libmilter/mfapi.h>

#include "buf.h"
#include "callbacks.h"
#include "current.h"
#include "diag.h"
#include "engine.h"
#include "log.h"
#include "mem.h"
#include "msg.h"
#include "privs.h"
#include "rules.h"

#ifndef PACKAGE_VERSION
#error "PACKAGE_VERSION missing: autoconfig.h is the header configure writes"
#endif
#ifndef SC_SYSCONFDIR
#define SC_SYSCONFDIR "/usr/local/etc"
#endif

#define DEFAULT_CONFIG SC_SYSCONFDIR "/scam-milter/scam-milter.conf"

/* Exit statuses (SPEC). */
enum {
	EXIT_OK = 0,
	EXIT_CONFIG = 1, /* config or rules error */
	EXIT_USAGE = 2,
	EXIT_RUNTIME = 3 /* socket, privileges, threads... */
};

#define WAIT_MS       1000 /* longest sleep of the main loop between flag checks */
#define DIAG_LINE_MAX 4608 /* bytes of one formatted diagnostic */
#define ERR_MAX       512  /* bytes of an error message from privs.c */

typedef struct options {
	const char *config_path; /* -c, or DEFAULT_CONFIG */
	const char *socket;      /* -p, or NULL: the config's socket */
	const char *user;        /* -u, or NULL: the config's user */
	int foreground;          /* -f */
	int test_only;           /* -t */
} options;

/* Set by the signal handlers, read and cleared by the main loop only. */
static volatile sig_atomic_t reload_requested;
static volatile sig_atomic_t stop_requested;
static volatile sig_atomic_t stop_signal;

/* Written by the libmilter thread when smfi_main() returns. */
static atomic_int milter_finished;
static int milter_result; /* read only after pthread_join() */

/* usage - the synopsis and options to fp */
static void usage(FILE *fp)
{
	(void) fprintf(
		fp,
		"usage: scam-milter [-c CONFIG] [-f] [-p SOCKET] [-t] [-u USER[:GROUP]] [-V] "
		"[-h]\n"
		"  -c CONFIG        configuration file (default %s)\n"
		"  -f               stay in the foreground and log to stderr\n"
		"  -p SOCKET        listen on SOCKET: unix:/path, local:/path,\n"
		"                   inet:PORT@HOST or inet6:PORT@HOST (overrides socket)\n"
		"  -t               check the configuration and rules, print every problem,\n"
		"                   exit 0 when there is no error and 1 otherwise\n"
		"  -u USER[:GROUP]  run as USER once the socket is open (overrides user)\n"
		"  -V               print the version and exit\n"
		"  -h               print this help and exit\n",
		DEFAULT_CONFIG);
}

/* parse_options - fill o from argv; exits for -V, -h and usage errors */
static void parse_options(int argc, char **argv, options *o)
{
	int c;

	memset(o, 0, sizeof(*o));
	o->config_path = DEFAULT_CONFIG;
	while ((c = getopt(argc, argv, "c:fp:tu:Vh")) != -1) {
		switch (c) {
		case 'c':
			o->config_path = optarg;
			break;
		case 'f':
			o->foreground = 1;
			break;
		case 'p':
			o->socket = optarg;
			break;
		case 't':
			o->test_only = 1;
			break;
		case 'u':
			o->user = optarg;
			break;
		case 'V':
			(void) printf("scam-milter %s\n", PACKAGE_VERSION);
			exit(EXIT_OK);
		case 'h':
			usage(stdout);
			exit(EXIT_OK);
		default:
			usage(stderr);
			exit(EXIT_USAGE);
		}
	}
	if (optind != argc) {
		(void) fprintf(stderr, "scam-milter: unexpected argument \"%s\"\n", argv[optind]);
		usage(stderr);
		exit(EXIT_USAGE);
	}
	if (o->config_path[0] == '\0' || (o->socket != NULL && o->socket[0] == '\0') ||
	    (o->user != NULL && o->user[0] == '\0')) {
		(void) fprintf(stderr, "scam-milter: empty option argument\n");
		usage(stderr);
		exit(EXIT_USAGE);
	}
}

/* log_diags - every diagnostic to the log at its level */
static void log_diags(const sc_diags *d)
{
	char line[DIAG_LINE_MAX];

	for (size_t i = 0; i < d->n; i++) {
		sc_diags_format(&d->v[i], line, sizeof(line));
		sc_log(d->v[i].level == SC_DIAG_ERROR ? SC_LOG_ERR : SC_LOG_WARNING, "%s", line);
	}
}

/* unix_socket_path - the file of a unix:/local:/bare-path socket spec, or NULL */
static const char *unix_socket_path(const char *spec)
{
	if (strncmp(spec, "unix:", 5) == 0)
		return spec + 5;
	if (strncmp(spec, "local:", 6) == 0)
		return spec + 6;
	if (spec[0] == '/')
		return spec;
	return NULL;
}

/* Everything start-up decides, released by release_startup(). */
typedef struct startup {
	char *conn;            /* owned; the socket spec handed to smfi_setconn() */
	char *config_path;     /* owned; absolute, for reloads */
	const char *user_spec; /* borrowed; NULL: stay who we are */
	sc_privs privs;
	int have_group; /* socket_group set and resolved into group */
	gid_t group;
	char *pid_file; /* owned; NULL: none written */
	int ready_fd;   /* daemon mode: tells the waiting parent we are up; else -1 */
} startup;

/* socket_spec - spec with a relative unix socket path made absolute, as a new
 * string, so it survives the daemon's chdir("/") */
static char *socket_spec(const char *spec)
{
	const char *path = unix_socket_path(spec);
	char cwd[4096];
	sc_buf b;

	if (path == NULL || path[0] == '/')
		return sc_strdup(spec);
	if (getcwd(cwd, sizeof(cwd)) == NULL)
		return sc_strdup(spec); /* left relative; only removal at exit suffers */
	sc_buf_init(&b, SC_BUF_UNLIMITED);
	(void) sc_buf_printf(&b, "%.*s%s/%s", (int) (path - spec), spec, cwd, path);
	return sc_buf_steal(&b);
}

/* check_identities - resolve the user and socket group; 0 or -1 after logging */
static int check_identities(const options *o, const sc_config *c, startup *st)
{
	char err[ERR_MAX];

	st->user_spec = o->user != NULL ? o->user : c->user;
	if (st->user_spec != NULL &&
	    sc_privs_resolve(st->user_spec, &st->privs, err, sizeof(err)) != 0) {
		sc_log(SC_LOG_ERR, "%s: user: %s", o->user != NULL ? "-u" : c->path, err);
		return -1;
	}
	if (o->socket == NULL && (c->socket == NULL || c->socket[0] == '\0')) {
		sc_log(SC_LOG_ERR, "%s: no socket configured", c->path);
		return -1;
	}
	st->conn = socket_spec(o->socket != NULL ? o->socket : c->socket);
	if (c->socket_group != NULL && unix_socket_path(st->conn) != NULL) {
		if (sc_group_resolve(c->socket_group, &st->group, err, sizeof(err)) != 0) {
			sc_log(SC_LOG_ERR, "%s: socket_group: %s", c->path, err);
			return -1;
		}
		st->have_group = 1;
	}
	return 0;
}

/* test_config - -t: load, print every diagnostic, report */
static int test_config(const options *o)
{
	sc_diags d;
	sc_engine *eng;
	startup st;
	int status;

	sc_diags_init(&d);
	eng = sc_engine_load(o->config_path, NULL, &d);
	sc_diags_print(&d, stderr);
	memset(&st, 0, sizeof(st));
	if (eng == NULL || check_identities(o, eng->config, &st) != 0) {
		(void) fprintf(stderr, "scam-milter: %s: configuration has errors\n",
			       o->config_path);
		status = EXIT_CONFIG;
	} else {
		sc_rule_stats rs;

		sc_ruleset_stats(eng->rules, &rs);
		(void) fprintf(stderr, "scam-milter: %s: configuration ok, %zu rules from %s\n",
			       eng->config->path, rs.total, eng->config->rules_dir);
		status = EXIT_OK;
	}
	free(st.conn);
	sc_engine_unref(eng);
	sc_diags_free(&d);
	return status;
}

/* load_engine - the start-up load; NULL after logging every reason */
static sc_engine *load_engine(const char *path)
{
	sc_diags d;
	sc_engine *eng;

	sc_diags_init(&d);
	eng = sc_engine_load(path, NULL, &d);
	log_diags(&d);
	if (eng == NULL)
		sc_log(SC_LOG_ERR, "%s: %zu errors in configuration or rules; not starting", path,
		       d.errors);
	sc_diags_free(&d);
	return eng;
}

/* open_socket - register with libmilter and open the listening socket */
static int open_socket(startup *st, const sc_config *c)
{
	struct smfiDesc desc = sc_callbacks_desc();
	const char *path;
	mode_t old_mask;
	int r;

	if (smfi_register(desc) != MI_SUCCESS) {
		sc_log(SC_LOG_ERR, "smfi_register failed");
		return -1;
	}
	if (smfi_setconn(st->conn) != MI_SUCCESS) {
		sc_log(SC_LOG_ERR, "bad socket \"%s\"", st->conn);
		return -1;
	}
	/* A new unix socket is private until it gets its configured mode below. */
	old_mask = umask(0177);
	r = smfi_opensocket(1);
	(void) umask(old_mask);
	if (r != MI_SUCCESS) {
		sc_log(SC_LOG_ERR, "cannot open socket \"%s\"", st->conn);
		return -1;
	}
	path = unix_socket_path(st->conn);
	if (path == NULL)
		return 0;
	if (chmod(path, c->socket_mode) != 0) {
		sc_log(SC_LOG_ERR, "chmod %s %04o: %s", path, (unsigned) c->socket_mode,
		       strerror(errno));
		return -1;
	}
	if (st->have_group && chown(path, (uid_t) -1, st->group) != 0) {
		sc_log(SC_LOG_ERR, "chgrp %s %s: %s", path, c->socket_group, strerror(errno));
		return -1;
	}
	return 0;
}

/* write_pid_file - our pid into path; 0 or -1 after logging */
static int write_pid_file(const char *path)
{
	char text[32];
	int n = snprintf(text, sizeof(text), "%ld\n", (long) getpid());
	int fd;

	if (n < 0 || (size_t) n >= sizeof(text))
		sc_panic("pid does not fit");
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0644);
	if (fd < 0) {
		sc_log(SC_LOG_ERR, "pid file %s: %s", path, strerror(errno));
		return -1;
	}
	if (write(fd, text, (size_t) n) != n || close(fd) != 0) {
		sc_log(SC_LOG_ERR, "pid file %s: write: %s", path, strerror(errno));
		(void) unlink(path);
		return -1;
	}
	return 0;
}

/* wait_for_child - the parent's side of daemonise(): exit 0 once the child
 * says it is up, 3 if it ends or fails first */
static _Noreturn void wait_for_child(int fd)
{
	char byte;
	ssize_t n;

	do
		n = read(fd, &byte, 1);
	while (n < 0 && errno == EINTR);
	_exit(n == 1 ? EXIT_OK : EXIT_RUNTIME);
}

/* daemonise - fork into the background, new session, no terminal, pid file.
 * The parent waits until the child calls tell_parent_ready(); start-up
 * errors until then still reach the terminal, later ones go to syslog. */
static int daemonise(startup *st, const sc_config *c)
{
	int ready[2], fd;
	pid_t pid;

	if (pipe2(ready, O_CLOEXEC) != 0) {
		sc_log(SC_LOG_ERR, "pipe: %s", strerror(errno));
		return -1;
	}
	pid = fork();
	if (pid < 0) {
		sc_log(SC_LOG_ERR, "fork: %s", strerror(errno));
		return -1;
	}
	if (pid > 0) {
		(void) close(ready[1]);
		wait_for_child(ready[0]);
	}
	(void) close(ready[0]);
	st->ready_fd = ready[1];
	if (setsid() < 0) {
		sc_log(SC_LOG_ERR, "setsid: %s", strerror(errno));
		return -1;
	}
	if (chdir("/") != 0) {
		sc_log(SC_LOG_ERR, "chdir /: %s", strerror(errno));
		return -1;
	}
	if (c->pid_file != NULL) {
		if (write_pid_file(c->pid_file) != 0)
			return -1;
		st->pid_file = sc_strdup(c->pid_file);
	}
	fd = open("/dev/null", O_RDWR);
	if (fd < 0 || dup2(fd, STDIN_FILENO) < 0 || dup2(fd, STDOUT_FILENO) < 0 ||
	    dup2(fd, STDERR_FILENO) < 0) {
		sc_log(SC_LOG_ERR, "/dev/null: %s", strerror(errno));
		return -1;
	}
	if (fd > STDERR_FILENO)
		(void) close(fd);
	sc_log_open("scam-milter", 0); /* syslog from here on; no thread exists yet */
	return 0;
}

/* tell_parent_ready - daemon mode: let the waiting parent exit 0 */
static void tell_parent_ready(startup *st)
{
	if (st->ready_fd < 0)
		return;
	if (write(st->ready_fd, "", 1) != 1)
		sc_log(SC_LOG_WARNING, "telling the parent we are up: %s", strerror(errno));
	(void) close(st->ready_fd);
	st->ready_fd = -1;
}

/* on_signal - the handler: set a flag, nothing else */
static void on_signal(int sig)
{
	if (sig == SIGHUP) {
		reload_requested = 1;
	} else {
		stop_signal = sig;
		stop_requested = 1;
	}
}

/* milter_thread - run libmilter until smfi_stop() or failure */
static void *milter_thread(void *arg)
{
	(void) arg;
	milter_result = smfi_main();
	atomic_store(&milter_finished, 1);
	return NULL;
}

/* same_string - equal, treating NULL as unset */
static int same_string(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		return a == b;
	return strcmp(a, b) == 0;
}

/* warn_restart_needed - settings a reload cannot apply */
static void warn_restart_needed(const options *o, const sc_config *old, const sc_config *neu)
{
	if (o->socket == NULL && !same_string(old->socket, neu->socket))
		sc_log(SC_LOG_WARNING, "socket changed to \"%s\": restart scam-milter to apply it",
		       neu->socket != NULL ? neu->socket : "");
	if (old->socket_mode != neu->socket_mode ||
	    !same_string(old->socket_group, neu->socket_group))
		sc_log(SC_LOG_WARNING,
		       "socket_mode or socket_group changed: restart scam-milter to apply it");
	if (o->user == NULL && !same_string(old->user, neu->user))
		sc_log(SC_LOG_WARNING, "user changed to \"%s\": restart scam-milter to apply it",
		       neu->user != NULL ? neu->user : "");
	if (!same_string(old->pid_file, neu->pid_file))
		sc_log(SC_LOG_WARNING, "pid_file changed: restart scam-milter to apply it");
}

/* reload - SIGHUP: load config and rules anew; keep the old engine on any error */
static void reload(const options *o, const char *path)
{
	sc_diags d;
	sc_engine *neu, *old;
	sc_rule_stats rs;

	sc_log(SC_LOG_NOTICE, "SIGHUP: reloading %s", path);
	sc_diags_init(&d);
	neu = sc_engine_load(path, NULL, &d);
	log_diags(&d);
	if (neu == NULL) {
		sc_log(SC_LOG_ERR,
		       "reload failed: %zu errors in configuration or rules; still running with "
		       "the previous ones",
		       d.errors);
		sc_diags_free(&d);
		return;
	}
	sc_diags_free(&d);
	old = sc_current_get();
	if (old != NULL)
		warn_restart_needed(o, old->config, neu->config);
	sc_engine_unref(old);
	sc_ruleset_stats(neu->rules, &rs);
	sc_log_set_level((sc_log_level) neu->config->log_level);
	sc_log(SC_LOG_NOTICE, "reloaded %s: %zu rules from %s", path, rs.total,
	       neu->config->rules_dir);
	sc_engine_prefilter(neu, SC_PREFILTER_BACKGROUND);
	sc_current_swap(neu);
}

/* signal_set - the three signals we take over from libmilter */
static void signal_set(sigset_t *set)
{
	(void) sigemptyset(set);
	(void) sigaddset(set, SIGHUP);
	(void) sigaddset(set, SIGTERM);
	(void) sigaddset(set, SIGINT);
}

/* block_signals - hold HUP/TERM/INT pending in this thread and those it creates */
static void block_signals(void)
{
	sigset_t set;
	int err;

	signal_set(&set);
	err = pthread_sigmask(SIG_BLOCK, &set, NULL);
	if (err != 0)
		sc_panic("pthread_sigmask: %s", strerror(err));
}

/* start_milter_thread - smfi_main() in a thread that blocks our signals (the
 * caller blocked them, see block_signals); then our handlers, unblocked here */
static int start_milter_thread(pthread_t *tid)
{
	struct sigaction sa;
	sigset_t set;
	int err;

	block_signals();
	err = pthread_create(tid, NULL, milter_thread, NULL);
	if (err != 0) {
		sc_log(SC_LOG_ERR, "pthread_create: %s", strerror(err));
		return -1;
	}
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	(void) sigemptyset(&sa.sa_mask);
	sa.sa_flags = 0; /* no SA_RESTART: poll() returns EINTR */
	if (sigaction(SIGHUP, &sa, NULL) != 0 || sigaction(SIGTERM, &sa, NULL) != 0 ||
	    sigaction(SIGINT, &sa, NULL) != 0)
		sc_panic("sigaction: %s", strerror(errno));
	signal_set(&set);
	err = pthread_sigmask(SIG_UNBLOCK, &set, NULL);
	if (err != 0)
		sc_panic("pthread_sigmask: %s", strerror(err));
	return 0;
}

/* main_loop - wait for signals and the libmilter thread; returns the exit status */
static int main_loop(const options *o, const char *config_path, pthread_t tid)
{
	int status = EXIT_OK;

	while (!stop_requested && !atomic_load(&milter_finished)) {
		if (reload_requested) {
			reload_requested = 0;
			reload(o, config_path);
			continue;
		}
		(void) poll(NULL, 0, WAIT_MS);
	}
	if (stop_requested) {
		sc_log(SC_LOG_NOTICE, "signal %d: stopping", (int) stop_signal);
		(void) smfi_stop();
	}
	(void) pthread_join(tid, NULL);
	if (!stop_requested) {
		sc_log(SC_LOG_ERR, "libmilter stopped on its own (%s); exiting",
		       milter_result == MI_SUCCESS ? "no error" : "failure");
		status = EXIT_RUNTIME;
	} else if (milter_result != MI_SUCCESS) {
		sc_log(SC_LOG_ERR, "libmilter reported a failure while stopping");
		status = EXIT_RUNTIME;
	}
	return status;
}

/* release_startup - free what start-up kept */
static void release_startup(startup *st)
{
	if (st->pid_file != NULL && unlink(st->pid_file) != 0)
		sc_log(SC_LOG_WARNING, "pid file %s: %s", st->pid_file, strerror(errno));
	free(st->pid_file);
	free(st->conn);
	free(st->config_path);
	if (st->ready_fd >= 0)
		(void) close(st->ready_fd); /* the waiting parent exits 3 */
}

/* run - start the daemon and serve until stopped; returns the exit status */
static int run(const options *o)
{
	startup st;
	sc_engine *eng;
	pthread_t tid;
	int status;

	memset(&st, 0, sizeof(st));
	st.ready_fd = -1;
	/* Until libmilter runs, HUP/TERM/INT wait (blocked) rather than kill us. */
	block_signals();
	eng = load_engine(o->config_path);
	if (eng == NULL)
		return EXIT_CONFIG;
	sc_log_set_level((sc_log_level) eng->config->log_level);
	if (check_identities(o, eng->config, &st) != 0) {
		sc_engine_unref(eng);
		release_startup(&st);
		return EXIT_CONFIG;
	}
	st.config_path = sc_strdup(eng->config->path != NULL ? eng->config->path : o->config_path);
	(void) signal(SIGPIPE, SIG_IGN);
	status = EXIT_RUNTIME;
	if (open_socket(&st, eng->config) != 0)
		goto out;
	if (st.user_spec != NULL) {
		char err[ERR_MAX];

		if (sc_privs_drop(&st.privs, err, sizeof(err)) != 0) {
			sc_log(SC_LOG_ERR, "cannot drop privileges: %s", err);
			goto out;
		}
		sc_log(SC_LOG_INFO, "running as %s:%s", st.privs.user, st.privs.group);
	}
	if (!o->foreground && daemonise(&st, eng->config) != 0)
		goto out;
	sc_log(SC_LOG_NOTICE, "scam-milter %s listening on %s, config %s, rules from %s",
	       PACKAGE_VERSION, st.conn, st.config_path, eng->config->rules_dir);
	/* after the fork: the build's thread must be the daemon's */
	sc_engine_prefilter(eng, SC_PREFILTER_BACKGROUND);
	sc_current_init(eng);
	eng = NULL;
	if (start_milter_thread(&tid) != 0)
		goto out;
	tell_parent_ready(&st);
	status = main_loop(o, st.config_path, tid);
out:
	sc_current_shutdown();
	sc_engine_unref(eng);
	release_startup(&st);
	if (status == EXIT_OK)
		sc_log(SC_LOG_NOTICE, "stopped");
	return status;
}

/* main - options, then check (-t) or run */
int main(int argc, char **argv)
{
	options o;

	parse_options(argc, argv, &o);
	/* stderr until start-up is over, so a failure shows where it was started */
	sc_log_open("scam-milter", 1);
	sc_msg_global_init(); /* GMime's one-time set-up, before any thread exists */
	if (o.test_only)
		return test_config(&o);
	return run(&o);
}
