/*
 * session.h - what the milter remembers about one SMTP connection.
 *
 * libmilter runs each connection in its own thread and hands the callbacks
 * one private pointer (smfi_setpriv); an sc_session is that pointer. It holds
 * the connection's client address and name and its HELO, and for the message
 * in progress: the envelope sender, the recipients, the MTA queue id, and the
 * raw message as the engine wants it (header fields re-assembled as
 * "Name: value\r\n" in the order received, an empty line, then the body),
 * kept up to a byte limit. It also lists the inbound header fields whose
 * names begin with "X-Scam-", and the authserv-id of every inbound
 * Authentication-Results field, so the filter can delete them before adding
 * its own verdict and results and no sender can forge one.
 *
 * This file knows nothing of libmilter: the callbacks translate. Several
 * messages may follow one another on a connection; sc_session_begin_message()
 * forgets the previous one. An sc_session is owned by one connection thread
 * and is not thread-safe. Strings it returns are borrowed and valid until the
 * next call that changes the same part (the message part until
 * sc_session_begin_message(), the connection part until sc_session_free()).
 */
#ifndef SC_SESSION_H
#define SC_SESSION_H

#include <stddef.h>
#include <sys/socket.h>

#include "buf.h"
#include "scan.h"

/* Where the connection is in the milter protocol (STYLE.md, section 9). */
typedef enum sc_session_state {
	SC_SESSION_IDLE,     /* connected, no message open: after connect, HELO, EOM, abort */
	SC_SESSION_ENVELOPE, /* MAIL FROM seen: collecting recipients */
	SC_SESSION_HEADERS,  /* collecting header fields */
	SC_SESSION_BODY      /* end of headers seen: collecting body chunks */
} sc_session_state;

/* The prefix of header names that belong to us; matched case-insensitively. */
#define SC_OWN_HEADER_PREFIX "X-Scam-"

typedef struct sc_own_header sc_own_header;

typedef struct sc_session {
	sc_session_state state;

	/* The connection: set by the connect and HELO callbacks. */
	char *client_addr; /* owned; "192.0.2.1", "2001:db8::1" or "unknown" */
	char *client_name; /* owned; as the MTA reported it */
	char *helo;        /* owned; NULL before HELO */

	/* The message in progress: reset by sc_session_begin_message(). */
	char *mail_from; /* owned; without <>, "" for the null sender */
	char *auth_user; /* owned; the SASL login ({auth_authen}), NULL when none */
	char **rcpts;    /* owned array of nrcpts owned strings, without <> */
	size_t nrcpts;
	size_t rcpts_cap;
	char *queue_id;     /* owned; NULL until the MTA tells us */
	char *subject;      /* owned; the first Subject field's value, NULL if none */
	sc_buf raw;         /* the message as kept, at most max_message_size bytes */
	size_t size;        /* bytes of message seen, kept or not */
	int truncated;      /* 1 when bytes were dropped because of the limit */
	sc_own_header *own; /* owned array of nown inbound X-Scam-* fields */
	size_t nown;
	size_t own_cap;
	/* The authserv-id (first token) of every inbound Authentication-Results
	 * field in arrival order: ar_ids[i] is the field of index i + 1. Owned. */
	char **ar_ids;
	size_t nar;
	size_t ar_cap;
} sc_session;

/* sc_session_new - a session for a new connection, in state IDLE. Never NULL. */
sc_session *sc_session_new(void);
/* sc_session_free - release the session and everything in it; NULL is a no-op. */
void sc_session_free(sc_session *s);

/* sc_session_set_client - remember the client: name as the MTA gave it (NULL:
 * "unknown") and its address, formatted for IPv4 and IPv6; any other or a
 * NULL address is "unknown". */
void sc_session_set_client(sc_session *s, const char *name, const struct sockaddr *addr);
/* sc_format_sockaddr - addr as text into out (size bytes): an IPv4 or IPv6
 * address, or "unknown" for NULL or another family. */
void sc_format_sockaddr(const struct sockaddr *addr, char *out, size_t size);
/* sc_session_set_helo - remember the HELO/EHLO argument (replaces an earlier one). */
void sc_session_set_helo(sc_session *s, const char *helo);

/* sc_session_begin_message - forget the previous message and open a new
 * one whose raw copy may hold at most max_size bytes; state becomes
 * ENVELOPE. */
void sc_session_begin_message(sc_session *s, size_t max_size);
/* sc_session_end_message - forget the message (after EOM or abort); state
 * becomes IDLE. The connection part is kept. */
void sc_session_end_message(sc_session *s);

/* sc_strip_angles - addr without one pair of enclosing <> and surrounding
 * blanks, as a new string the caller owns. */
char *sc_strip_angles(const char *addr);
/* sc_session_set_sender - the envelope sender as given to MAIL FROM (<> stripped). */
void sc_session_set_sender(sc_session *s, const char *addr);
/* sc_session_set_auth_user - remember the SASL login the MTA reported
 * (NULL or "": none) for the message in progress. */
void sc_session_set_auth_user(sc_session *s, const char *user);
/* sc_session_add_rcpt - one envelope recipient as given to RCPT TO (<> stripped). */
void sc_session_add_rcpt(sc_session *s, const char *addr);
/* sc_session_set_queue_id - the MTA's queue id; NULL or "" leaves it unchanged. */
void sc_session_set_queue_id(sc_session *s, const char *id);

/* sc_session_add_header - append "name: value\r\n" to the raw message and,
 * when name begins with SC_OWN_HEADER_PREFIX, note the field for deletion;
 * the first Subject's value is kept in s->subject.
 * state becomes HEADERS. */
void sc_session_add_header(sc_session *s, const char *name, const char *value);
/* sc_session_end_headers - append the empty line that ends the header
 * block; state becomes BODY. */
void sc_session_end_headers(sc_session *s);
/* sc_session_add_body - append a body chunk of n bytes. */
void sc_session_add_body(sc_session *s, const void *chunk, size_t n);

/* sc_session_envelope - fill env with borrowed pointers into s, valid until
 * the message part changes. */
void sc_session_envelope(const sc_session *s, sc_envelope *env);

/* Called once per inbound X-Scam-* field to delete: name as received, and
 * its 1-based index among the fields of that name (any case). Returns 0 to
 * go on, non-zero to stop. */
typedef int (*sc_own_header_fn)(void *arg, const char *name, int index);

/* sc_session_each_own_header - call fn for every inbound X-Scam-* field, for
 * each name the highest index first, so deleting them one by one never
 * renumbers a field still to be deleted. Returns 0, or the first non-zero
 * value fn returned. */
int sc_session_each_own_header(sc_session *s, sc_own_header_fn fn, void *arg);

#endif
