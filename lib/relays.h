/*
 * relays.h - SpamAssassin's relay analysis of the Received headers: the
 * X-Spam-Relays-Trusted, -Untrusted, -Internal and -External pseudo-headers
 * (Mail::SpamAssassin::Message::Metadata::Received), each relay written
 * "[ ip=... rdns=... helo=... by=... ident=... envfrom=... intl=0|1 id=...
 * auth=... msa=0 ]", relays joined by one space, newest first.
 *
 * Only the default trust path is made: no trusted_networks, internal_networks
 * or msa_networks configured. Then a relay is trusted (and internal) while
 * every relay from the top down came from a private address (IP_PRIVATE) or
 * was authenticated; the first other one and all below it are untrusted and
 * external. Received lines SpamAssassin skips (local handovers...) are
 * skipped; lines it cannot parse are left out. A POP3/IMAP fetcher hand-over
 * met while still trusted starts the trusted list over, as SpamAssassin's
 * mail-fetcher markers do. The first address in X-Yahoo-Post-IP,
 * X-Originating-IP or X-Apparently-From (the stock originating_ip_headers of
 * 10_default_prefs.cf, fixed here, not read from the rules) is one more relay
 * below the Received ones.
 *
 * The result is computed on each call (no cache in the message).
 *
 * Ownership: every string returned is the caller's (free()).
 * Thread-safety: the patterns are compiled once per process (pthread_once);
 * all functions may run in several threads at once on separate or shared
 * (immutable) messages.
 */
#ifndef SC_RELAYS_H
#define SC_RELAYS_H

#include "msg.h"

typedef enum sc_relays_kind {
	SC_RELAYS_TRUSTED,
	SC_RELAYS_UNTRUSTED,
	SC_RELAYS_INTERNAL,
	SC_RELAYS_EXTERNAL
} sc_relays_kind;

/* sc_relays_kind_of - the kind a pseudo-header name (any case) stands for,
 * e.g. "X-Spam-Relays-Untrusted"; -1 when it is none of the four. */
int sc_relays_kind_of(const char *name);

/* sc_relays_parse_line - one Received value (unfolded) as SpamAssassin parses
 * it: 1 and *out gets "[ ip=... msa=0 ]" (intl=0) with *priv and *auth set
 * (private address, authenticated); 0 for a line it skips on purpose; 2 for
 * a POP3/IMAP fetcher hand-over (skipped, but a marker); -1 for one it
 * cannot parse. out is the caller's (free) when 1 is returned. */
int sc_relays_parse_line(const char *line, char **out, int *priv, int *auth);

/* sc_relays_get - the pseudo-header of that kind for message m ("" when no
 * relay falls in it). Caller frees. */
char *sc_relays_get(const sc_msg *m, sc_relays_kind kind);

/* sc_relays_get_both - the trusted (= internal) and untrusted (= external)
 * pseudo-headers of m from one pass over its Received fields (without
 * configured networks the internal relays are the trusted ones). Caller
 * frees both. */
void sc_relays_get_both(const sc_msg *m, char **trusted_out, char **untrusted_out);

#endif
