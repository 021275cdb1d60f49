/*
 * session.c - per-connection and per-message state of the milter (see session.h).
 */
#include "autoconfig.h"

#include <arpa/inet.h>
#include <limits.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "mem.h"
#include "session.h"

/* One inbound header field whose name begins with SC_OWN_HEADER_PREFIX. */
struct sc_own_header {
	char *name; /* owned; as received */
	size_t seq; /* arrival order among these fields, to keep sorting stable */
};

/* sc_session_new - a zeroed session in state IDLE */
sc_session *sc_session_new(void)
{
	sc_session *s = sc_calloc(1, sizeof(*s));

	s->state = SC_SESSION_IDLE;
	sc_buf_init(&s->raw, 0);
	return s;
}

/* free_message - release the message part, leaving it empty */
static void free_message(sc_session *s)
{
	free(s->mail_from);
	s->mail_from = NULL;
	free(s->auth_user);
	s->auth_user = NULL;
	for (size_t i = 0; i < s->nrcpts; i++)
		free(s->rcpts[i]);
	free(s->rcpts);
	s->rcpts = NULL;
	s->nrcpts = 0;
	s->rcpts_cap = 0;
	free(s->queue_id);
	s->queue_id = NULL;
	free(s->subject);
	s->subject = NULL;
	sc_buf_free(&s->raw);
	s->size = 0;
	s->truncated = 0;
	for (size_t i = 0; i < s->nown; i++)
		free(s->own[i].name);
	free(s->own);
	s->own = NULL;
	s->nown = 0;
	s->own_cap = 0;
	for (size_t i = 0; i < s->nar; i++)
		free(s->ar_ids[i]);
	free(s->ar_ids);
	s->ar_ids = NULL;
	s->nar = 0;
	s->ar_cap = 0;
}

/* sc_session_free - release everything the session owns */
void sc_session_free(sc_session *s)
{
	if (s == NULL)
		return;
	free_message(s);
	free(s->client_addr);
	free(s->client_name);
	free(s->helo);
	free(s);
}

/* sc_format_sockaddr - render an IPv4/IPv6 address, "unknown" otherwise */
void sc_format_sockaddr(const struct sockaddr *addr, char *out, size_t size)
{
	const void *bytes = NULL;
	int family = AF_UNSPEC;

	if (size == 0)
		return;
	if (addr != NULL && addr->sa_family == AF_INET) {
		family = AF_INET;
		bytes = &((const struct sockaddr_in *) (const void *) addr)->sin_addr;
	} else if (addr != NULL && addr->sa_family == AF_INET6) {
		family = AF_INET6;
		bytes = &((const struct sockaddr_in6 *) (const void *) addr)->sin6_addr;
	}
	if (bytes != NULL && size <= INT_MAX &&
	    inet_ntop(family, bytes, out, (socklen_t) size) != NULL)
		return;
	if (snprintf(out, size, "unknown") >= (int) size)
		out[0] = '\0';
}

/* sc_session_set_client - remember the client's name and formatted address */
void sc_session_set_client(sc_session *s, const char *name, const struct sockaddr *addr)
{
	char text[INET6_ADDRSTRLEN];

	sc_format_sockaddr(addr, text, sizeof(text));
	free(s->client_addr);
	free(s->client_name);
	s->client_addr = sc_strdup(text);
	s->client_name = sc_strdup(name != NULL ? name : "unknown");
}

/* sc_session_set_helo - remember the latest HELO argument */
void sc_session_set_helo(sc_session *s, const char *helo)
{
	free(s->helo);
	s->helo = sc_strdup(helo != NULL ? helo : "");
}

/* sc_session_begin_message - drop the old message, open a new one */
void sc_session_begin_message(sc_session *s, size_t max_size)
{
	free_message(s);
	sc_buf_init(&s->raw, max_size);
	s->state = SC_SESSION_ENVELOPE;
}

/* sc_session_end_message - drop the message, back to IDLE */
void sc_session_end_message(sc_session *s)
{
	free_message(s);
	sc_buf_init(&s->raw, 0);
	s->state = SC_SESSION_IDLE;
}

/* sc_strip_angles - copy of addr without blanks and one pair of <> around it */
char *sc_strip_angles(const char *addr)
{
	size_t len;

	if (addr == NULL)
		return sc_strdup("");
	while (*addr == ' ' || *addr == '\t')
		addr++;
	len = strlen(addr);
	while (len > 0 && (addr[len - 1] == ' ' || addr[len - 1] == '\t'))
		len--;
	if (len >= 2 && addr[0] == '<' && addr[len - 1] == '>') {
		addr++;
		len -= 2;
	}
	return sc_strndup(addr, len);
}

/* sc_session_set_sender - the envelope sender, <> stripped */
void sc_session_set_sender(sc_session *s, const char *addr)
{
	free(s->mail_from);
	s->mail_from = sc_strip_angles(addr);
}

/* sc_session_set_auth_user - the SASL login name ({auth_authen}), if any */
void sc_session_set_auth_user(sc_session *s, const char *user)
{
	free(s->auth_user);
	s->auth_user = user != NULL && user[0] != '\0' ? sc_strdup(user) : NULL;
}

/* sc_session_add_rcpt - append one recipient, <> stripped */
void sc_session_add_rcpt(sc_session *s, const char *addr)
{
	if (s->nrcpts == s->rcpts_cap) {
		s->rcpts_cap = s->rcpts_cap ? s->rcpts_cap * 2 : 4;
		s->rcpts = sc_reallocarray(s->rcpts, s->rcpts_cap, sizeof(*s->rcpts));
	}
	s->rcpts[s->nrcpts++] = sc_strip_angles(addr);
}

/* sc_session_set_queue_id - remember the MTA's queue id once it is known */
void sc_session_set_queue_id(sc_session *s, const char *id)
{
	if (id == NULL || id[0] == '\0')
		return;
	free(s->queue_id);
	s->queue_id = sc_strdup(id);
}

/* keep - append n bytes to the raw copy as far as the limit allows */
static void keep(sc_session *s, const void *p, size_t n)
{
	s->size = n > SIZE_MAX - s->size ? SIZE_MAX : s->size + n;
	if (s->truncated)
		return; /* what is kept must stay a prefix of the message */
	if (sc_buf_append_upto(&s->raw, p, n) < n)
		s->truncated = 1;
}

/* note_own_header - remember an inbound field of ours for deletion */
static void note_own_header(sc_session *s, const char *name)
{
	if (s->nown == s->own_cap) {
		s->own_cap = s->own_cap ? s->own_cap * 2 : 4;
		s->own = sc_reallocarray(s->own, s->own_cap, sizeof(*s->own));
	}
	s->own[s->nown].name = sc_strdup(name);
	s->own[s->nown].seq = s->nown;
	s->nown++;
}

/* note_auth_results - remember the authserv-id of an inbound Authentication-Results */
static void note_auth_results(sc_session *s, const char *value)
{
	size_t n;

	while (*value == ' ' || *value == '\t' || *value == '\r' || *value == '\n')
		value++;
	n = strcspn(value, "; \t\r\n(");
	if (s->nar == s->ar_cap) {
		s->ar_cap = s->ar_cap ? s->ar_cap * 2 : 4;
		s->ar_ids = sc_reallocarray(s->ar_ids, s->ar_cap, sizeof(*s->ar_ids));
	}
	s->ar_ids[s->nar++] = sc_strndup(value, n);
}

/* sc_session_add_header - append one re-assembled field */
void sc_session_add_header(sc_session *s, const char *name, const char *value)
{
	if (name == NULL)
		name = "";
	if (value == NULL)
		value = "";
	keep(s, name, strlen(name));
	keep(s, ": ", 2);
	keep(s, value, strlen(value));
	keep(s, "\r\n", 2);
	if (strncasecmp(name, SC_OWN_HEADER_PREFIX, strlen(SC_OWN_HEADER_PREFIX)) == 0)
		note_own_header(s, name);
	if (strcasecmp(name, "Authentication-Results") == 0)
		note_auth_results(s, value);
	if (s->subject == NULL && strcasecmp(name, "Subject") == 0)
		s->subject = sc_strdup(value);
	s->state = SC_SESSION_HEADERS;
}

/* sc_session_end_headers - append the empty line after the header block */
void sc_session_end_headers(sc_session *s)
{
	keep(s, "\r\n", 2);
	s->state = SC_SESSION_BODY;
}

/* sc_session_add_body - append one body chunk */
void sc_session_add_body(sc_session *s, const void *chunk, size_t n)
{
	keep(s, chunk, n);
}

/* sc_session_envelope - describe the transaction for sc_scan() */
void sc_session_envelope(const sc_session *s, sc_envelope *env)
{
	env->client_addr = s->client_addr;
	env->client_name = s->client_name;
	env->helo = s->helo;
	env->mail_from = s->mail_from;
	env->rcpts = (const char *const *) s->rcpts;
	env->nrcpts = s->nrcpts;
	env->queue_id = s->queue_id;
	env->auth_user = s->auth_user;
}

/* compare_own - order by name (any case), then by arrival */
static int compare_own(const void *a, const void *b)
{
	const sc_own_header *x = a;
	const sc_own_header *y = b;
	int c = strcasecmp(x->name, y->name);

	if (c != 0)
		return c;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* sc_session_each_own_header - visit our inbound fields, highest index first per name */
int sc_session_each_own_header(sc_session *s, sc_own_header_fn fn, void *arg)
{
	size_t start = 0;

	if (s->nown == 0)
		return 0;
	qsort(s->own, s->nown, sizeof(*s->own), compare_own);
	while (start < s->nown) {
		size_t end = start + 1;

		while (end < s->nown && strcasecmp(s->own[start].name, s->own[end].name) == 0)
			end++;
		/* Fields start..end-1 share a name; the i-th of them has index i + 1. */
		for (size_t i = end; i > start; i--) {
			size_t index = i - start;
			int r = fn(arg, s->own[i - 1].name,
				   index > INT_MAX ? INT_MAX : (int) index);

			if (r != 0)
				return r;
		}
		start = end;
	}
	return 0;
}
