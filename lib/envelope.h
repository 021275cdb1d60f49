/*
 * envelope.h - what the MTA told us about the SMTP transaction of one
 * message. Shared by the scan (scan.h), the policy and the rules' run
 * context (eval.h).
 */
#ifndef SC_ENVELOPE_H
#define SC_ENVELOPE_H

#include <stddef.h>

/* Every field may be NULL (or 0) when unknown. All borrowed for the
 * duration of the call they are passed to. */
typedef struct sc_envelope {
	const char *client_addr; /* "192.0.2.1" or "2001:db8::1" */
	const char *client_name; /* reverse DNS name, or "unknown" */
	const char *helo;
	const char *mail_from;    /* envelope sender without <> */
	const char *const *rcpts; /* nrcpts envelope recipients without <> */
	size_t nrcpts;
	const char *queue_id;  /* the MTA's id, for logs */
	const char *auth_user; /* the SASL login ({auth_authen}), or NULL */
} sc_envelope;

#endif
