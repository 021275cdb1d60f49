/*
 * msg.h - the parsed message model.
 *
 * This is the first slice: the header block is split into fields (in order,
 * repeats kept, names looked up case-insensitively) and the body is kept as
 * received. MIME decoding, charsets, HTML, URLs and attachments extend this
 * model (GMime) without changing these calls.
 *
 * sc_msg_parse() never fails on bad mail: anomalies are recorded as
 * findings (sc_msg_findings) for rules to see. An sc_msg is immutable after
 * parsing and may be read from several threads. Line ends are normalised
 * to LF (an MTA hands over CRLF, a file on disk usually has LF: rules must
 * see the same text either way); it owns copies of what it
 * needs, so the raw bytes may be freed after parsing. Every pointer it
 * returns is borrowed and valid until sc_msg_free().
 */
#ifndef SC_MSG_H
#define SC_MSG_H

#include <stddef.h>

typedef struct sc_msg sc_msg;

/* Findings: anomalies of the message itself, as bit flags. */
enum {
	SC_MSG_NO_HEADER_END = 1u << 0,    /* no empty line: everything is header */
	SC_MSG_BAD_HEADER_LINE = 1u << 1,  /* a header line without "Name:" */
	SC_MSG_TOO_MANY_HEADERS = 1u << 2, /* past SC_MSG_MAX_HEADERS; rest ignored */
	SC_MSG_NUL_BYTES = 1u << 3         /* NUL bytes in the message */
};

#define SC_MSG_MAX_HEADERS 1000 /* header fields kept per message */

/* sc_msg_parse - split raw (len bytes, need not be NUL-terminated) into the
 * model. A leading mbox "From " line is skipped; CRLF and LF line ends are
 * both accepted. Caller owns the result. */
sc_msg *sc_msg_parse(const char *raw, size_t len);
/* sc_msg_free - release the model; NULL is a no-op. */
void sc_msg_free(sc_msg *m);

/* sc_msg_header_count - number of header fields kept. */
size_t sc_msg_header_count(const sc_msg *m);
/* sc_msg_header_name - the field name of field i (< count), as written. */
const char *sc_msg_header_name(const sc_msg *m, size_t i);
/* sc_msg_header_value - field i's value unfolded (line breaks of folds
 * removed), leading and trailing white space trimmed. */
const char *sc_msg_header_value(const sc_msg *m, size_t i);
/* sc_msg_header_raw - field i's value as received after "Name:", folds
 * included (line ends as LF). */
const char *sc_msg_header_raw(const sc_msg *m, size_t i);
/* sc_msg_header_find - index of the first field named name (any case) at or
 * after index from, or -1 when there is none. */
long sc_msg_header_find(const sc_msg *m, const char *name, size_t from);

/* sc_msg_body - the body as received (after the empty line; line ends as
 * LF); *len gets its size. The bytes are NUL-terminated for convenience but may contain NULs. */
const char *sc_msg_body(const sc_msg *m, size_t *len);

/* sc_msg_findings - the SC_MSG_* flags found while parsing. */
unsigned sc_msg_findings(const sc_msg *m);

#endif
