/*
 * apply.h - turn a verdict into what the MTA is told, recipient by recipient.
 *
 * Each recipient gets its own action from the policy (policy.h). Then:
 *   - every recipient rejects: 550 5.7.1 with the reference id;
 *   - some quarantine: a copy naming them is stored (quarantine_mode =
 *     store, or hold while others are delivered) and they are removed
 *     with smfi_delrcpt; when nobody is left to deliver to, the answer is
 *     DISCARD, given only after the copy is durable. A failed store
 *     answers TEMPFAIL (logged): the client keeps the message.
 *     quarantine_mode = hold with nobody to deliver to, no quarantine_dir,
 *     or a message cut at max_message_size (the store keeps only whole
 *     copies) puts the whole message in the MTA's hold queue instead
 *     (smfi_quarantine), indexed when there is a quarantine_dir;
 *   - rejecting recipients next to others who accept: removed with
 *     smfi_delrcpt (content scores exist only at end of message, too late
 *     to refuse one recipient in SMTP), logged;
 *   - the rest get the verdict headers, X-Spam-Flag and the subject prefix
 *     when any of them tags.
 * When libmilter fails, on_error decides: tempfail, or accept with
 * X-Scam-Status: error -- except for a message with quarantined
 * recipients, which is always temp-failed so it never reaches them.
 * Called from the end-of-message callback of one connection thread.
 */
#ifndef SC_APPLY_H
#define SC_APPLY_H

#include <libmilter/mfapi.h>

#include "engine.h"
#include "scan.h"
#include "session.h"

/* sc_apply_verdict - act on v for the message in s; qid is the reference
 * id (safe characters only). Returns the libmilter answer. */
sfsistat sc_apply_verdict(SMFICTX *ctx, sc_session *s, const sc_engine *eng, const sc_verdict *v,
			  const char *qid);

#endif
