/*
 * quarantine_smtp.c - release over SMTP: a minimal client that hands one
 * message to the re-injection address of release_smtp (an MTA listener
 * without the milter), see quarantine_cmd.h.
 *
 * EHLO, MAIL FROM, one RCPT TO per recipient, DATA with every line ended
 * by CRLF and dot-stuffed, QUIT. Envelope addresses are checked for
 * characters that could end or change an SMTP command before any is sent.
 */
#include "autoconfig.h"

#include <netdb.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "quarantine_cmd.h"

#define SMTP_TIMEOUT_S 60   /* per read or write */
#define SMTP_LINE_MAX  1024 /* bytes of one reply line kept */

/* seterr - printf into err; returns -1 */
static int seterr(char *err, size_t size, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static int seterr(char *err, size_t size, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	(void) vsnprintf(err, size, fmt, ap); /* truncating a reason is fine */
	va_end(ap);
	return -1;
}

/* safe_addr - no controls, blanks, '<' or '>' in an envelope address */
static int safe_addr(const char *a)
{
	for (; *a != '\0'; a++)
		if ((unsigned char) *a <= ' ' || *a == '<' || *a == '>' || *a == 0x7f)
			return 0;
	return 1;
}

/* split_hostport - "HOST:PORT" or "[V6]:PORT" into host and port */
static int split_hostport(const char *hp, char *host, size_t hsize, char *port, size_t psize)
{
	const char *colon = strrchr(hp, ':'), *h = hp;
	size_t hl;

	if (colon == NULL || colon[1] == '\0' || strlen(colon + 1) >= psize)
		return -1;
	hl = (size_t) (colon - hp);
	if (hl >= 2 && hp[0] == '[' && hp[hl - 1] == ']') {
		h++;
		hl -= 2;
	}
	if (hl == 0 || hl >= hsize)
		return -1;
	memcpy(host, h, hl);
	host[hl] = '\0';
	memcpy(port, colon + 1, strlen(colon + 1) + 1);
	return 0;
}

/* dial - a connected TCP socket to hostport, with read/write timeouts */
static int dial(const char *hostport, char *err, size_t esize)
{
	struct addrinfo hints, *res, *ai;
	struct timeval tv = {SMTP_TIMEOUT_S, 0};
	char host[256], port[16];
	int fd = -1, rc;

	if (split_hostport(hostport, host, sizeof(host), port, sizeof(port)) != 0)
		return seterr(err, esize, "release_smtp \"%s\" is not HOST:PORT", hostport);
	memset(&hints, 0, sizeof(hints));
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_NUMERICSERV;
	rc = getaddrinfo(host, port, &hints, &res);
	if (rc != 0)
		return seterr(err, esize, "%s: %s", hostport, gai_strerror(rc));
	for (ai = res; ai != NULL && fd < 0; ai = ai->ai_next) {
		fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, ai->ai_protocol);
		if (fd < 0)
			continue;
		(void) setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
		(void) setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
		if (connect(fd, ai->ai_addr, ai->ai_addrlen) != 0) {
			(void) close(fd);
			fd = -1;
		}
	}
	freeaddrinfo(res);
	if (fd < 0)
		return seterr(err, esize, "cannot connect to %s", hostport);
	return fd;
}

/* reply - read one (multi-line) reply; 0 when its code is want's class */
static int reply(FILE *in, int want, const char *after, char *err, size_t esize)
{
	char line[SMTP_LINE_MAX];

	do {
		if (fgets(line, sizeof(line), in) == NULL)
			return seterr(err, esize, "connection lost after %s", after);
	} while (strlen(line) >= 4 && line[3] == '-');
	if (line[0] != '0' + want) {
		line[strcspn(line, "\r\n")] = '\0';
		return seterr(err, esize, "after %s: %s", after, line);
	}
	return 0;
}

/* The two directions of one connection: stdio streams on the socket. */
typedef struct conn {
	FILE *in, *out;
} conn;

/* command - send one command line and check its reply */
static int command(conn *c, int want, char *err, size_t esize, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));
static int command(conn *c, int want, char *err, size_t esize, const char *fmt, ...)
{
	char what[8];
	va_list ap;

	va_start(ap, fmt);
	(void) vfprintf(c->out, fmt, ap);
	va_end(ap);
	(void) fputs("\r\n", c->out);
	if (fflush(c->out) != 0)
		return seterr(err, esize, "write failed");
	(void) snprintf(what, sizeof(what), "%.4s", fmt); /* the verb, for the reason */
	return reply(c->in, want, what, err, esize);
}

/* send_data - text as SMTP DATA lines: CRLF endings, leading dots doubled */
static void send_data(FILE *io, const char *p, size_t n)
{
	size_t i = 0;

	while (i < n) {
		size_t e = i;

		while (e < n && p[e] != '\n')
			e++;
		if (p[i] == '.')
			(void) fputc('.', io);
		(void) fwrite(p + i, 1, e > i && p[e - 1] == '\r' ? e - i - 1 : e - i, io);
		(void) fputs("\r\n", io);
		i = e + 1;
	}
}

/* quarantine_smtp_send - one message over SMTP to hostport */
int quarantine_smtp_send(const char *hostport, const char *sender, char *const *rcpts,
			 size_t nrcpts, const char *head, const sc_buf *msg, char *err,
			 size_t esize)
{
	conn c = {NULL, NULL};
	int fd, fd2, r = -1;

	if (!safe_addr(sender))
		return seterr(err, esize, "unsafe sender address");
	for (size_t i = 0; i < nrcpts; i++)
		if (!safe_addr(rcpts[i]) || rcpts[i][0] == '\0')
			return seterr(err, esize, "unsafe recipient address");
	fd = dial(hostport, err, esize);
	if (fd < 0)
		return -1;
	fd2 = dup(fd);
	c.in = fdopen(fd, "r");
	c.out = fd2 >= 0 ? fdopen(fd2, "w") : NULL;
	if (c.in == NULL || c.out == NULL) {
		(void) seterr(err, esize, "fdopen failed");
		if (c.in == NULL)
			(void) close(fd);
		if (c.out == NULL && fd2 >= 0)
			(void) close(fd2);
		goto out;
	}
	if (reply(c.in, 2, "connect", err, esize) != 0 ||
	    command(&c, 2, err, esize, "EHLO localhost") != 0 ||
	    command(&c, 2, err, esize, "MAIL FROM:<%s>", sender) != 0)
		goto out;
	for (size_t i = 0; i < nrcpts; i++)
		if (command(&c, 2, err, esize, "RCPT TO:<%s>", rcpts[i]) != 0)
			goto out;
	if (command(&c, 3, err, esize, "DATA") != 0)
		goto out;
	send_data(c.out, head, strlen(head));
	send_data(c.out, msg->data != NULL ? msg->data : "", msg->len);
	if (command(&c, 2, err, esize, ".") != 0)
		goto out;
	(void) command(&c, 2, err, esize, "QUIT");
	r = 0;
out:
	if (c.in != NULL)
		(void) fclose(c.in);
	if (c.out != NULL)
		(void) fclose(c.out);
	return r;
}
