/*
 * quarantine_release.c - scamctl quarantine release: re-inject a stored
 * message through the MTA and record who released it (see quarantine_cmd.h).
 *
 * /usr/sbin/sendmail (SC_SENDMAIL) is started by fork/execv with an argv --
 * never a shell -- as
 *   sendmail -G -i -f SENDER -- RCPT...
 * and fed "X-Scam-Released: by USER at TIME" and the stored copy on its
 * standard input. Postfix's sendmail submits through pickup, which no
 * smtpd_milters see, so the copy is not filtered again. With release_smtp
 * set, the same goes over SMTP instead (quarantine_smtp.c).
 */
#include "autoconfig.h"

#include <errno.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"
#include "mem.h"
#include "quarantine_cmd.h"
#include "scamctl.h"

#ifndef SC_SENDMAIL
#define SC_SENDMAIL "/usr/sbin/sendmail"
#endif
#define MAX_RCPTS 1000 /* recipients of one release */

/* sender_of - get callback: copy the row's sender, recipients and mode */
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
	int fd[2], status, written = 0;
	pid_t pid;
	FILE *fp;

	if (pipe(fd) != 0)
		return -1;
	pid = fork();
	if (pid < 0) {
		(void) close(fd[0]);
		(void) close(fd[1]);
		return -1;
	}
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
		written = fputs(head, fp) >= 0 &&
			  (msg->len == 0 || fwrite(msg->data, 1, msg->len, fp) == msg->len);
		written = fclose(fp) == 0 && written;
	}
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -1;
	/* A short write with exit 0 would be a truncated release: report it. */
	return WIFEXITED(status) && WEXITSTATUS(status) == 0 && written ? 0 : -1;
}

/* quarantine_who - the invoking user's name, and the sudo user behind root if any */
const char *quarantine_who(void)
{
	static char name[300];
	struct passwd *pw = getpwuid(getuid());
	const char *user = pw != NULL ? pw->pw_name : "unknown";
	const char *sudo = getenv("SUDO_USER");
	int n;

	if (getuid() != 0 || sudo == NULL || sudo[0] == '\0' || strpbrk(sudo, "\r\n") != NULL)
		return user;
	n = snprintf(name, sizeof(name), "%s (sudo %s)", user, sudo);
	return n > 0 && (size_t) n < sizeof(name) ? name : user;
}

/* quarantine_release - re-inject through sendmail or SMTP, then record who and when */
int quarantine_release(sc_quarantine *q, const char *id, char **to, size_t nto,
		       const char *release_smtp)
{
	char *row[3] = {NULL, NULL, NULL}, *argv[MAX_RCPTS + 8], head[256], t[32], why[300];
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
	(void) snprintf(head, sizeof(head), "X-Scam-Released: by %s at %s\r\n", quarantine_who(),
			qprint_when((long long) time(NULL), t, sizeof(t)));
	if (release_smtp != NULL) {
		if (quarantine_smtp_send(release_smtp, row[0], argv + 6, n - 6, head, &msg, why,
					 sizeof(why)) != 0) {
			(void) fprintf(stderr, "scamctl: %s: SMTP to %s: %s\n", id, release_smtp,
				       why);
			goto out;
		}
	} else if (run_sendmail(argv, head, &msg) != 0) {
		(void) fprintf(stderr, "scamctl: %s: %s failed\n", id, SC_SENDMAIL);
		goto out;
	}
	if (sc_quarantine_mark(q, id, "released", quarantine_who(), &err) != 1) {
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
