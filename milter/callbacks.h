/*
 * callbacks.h - the libmilter callbacks of scam-milter: the glue between the
 * MTA and the engine.
 *
 * Each connection keeps an sc_session (session.h) as its libmilter private
 * data. At end of message the callbacks take a reference to the current
 * engine (current.h), scan the message, delete inbound X-Scam-* fields and
 * Authentication-Results claiming our authserv_id, add X-Scam-Score,
 * X-Scam-Status and our Authentication-Results, and apply the action (tag, quarantine,
 * reject), logging one line per message. When a libmilter call fails the
 * configured on_error answer is given. The callbacks are reentrant: libmilter
 * calls them from one thread per connection.
 */
#ifndef SC_CALLBACKS_H
#define SC_CALLBACKS_H

#include <libmilter/mfapi.h>

/* The name the filter registers under with libmilter. */
#define SC_MILTER_NAME "scam-milter"

/* sc_callbacks_desc - the filter description to hand to smfi_register(). */
struct smfiDesc sc_callbacks_desc(void);

#endif
