/*
 * auth_dkim.c - DKIM verification (RFC 6376) with libopendkim (see auth.h).
 *
 * One DKIM_LIB for the process, made once under pthread_once; every message
 * gets its own DKIM handle (libopendkim's rule for threads), so concurrent
 * calls share nothing but the library handle. Keys never come from
 * libopendkim's resolver: dkim_set_key_lookup() routes every key query to
 * key_lookup(), which asks lib/dns for SELECTOR._domainkey.DOMAIN TXT within
 * the message's budget and records what DNS said per signature, so a
 * SERVFAIL or timeout becomes temperror and NXDOMAIN/NODATA "no key"
 * (several TXT records: permerror, as libopendkim's own resolver would).
 * libopendkim's resolver hooks are set to functions that refuse every query,
 * so nothing can bypass lib/dns.
 *
 * The raw message is converted to CRLF line ends and fed field by field,
 * then EOH, the body and EOM. Only the first max_sigs DKIM-Signature fields
 * are handed to libopendkim (the later ones are dropped before parsing, so
 * a message with thousands of signatures costs no more than max_sigs; a
 * signature whose h= covers a dropped DKIM-Signature then fails, which errs
 * on the safe side). DKIM_LIBFLAGS_BADSIGHANDLES makes libopendkim keep a
 * handle for malformed signatures too, so every field fed gets a result, in
 * header order; DELAYSIGPROC verifies all of them at EOM.
 *
 * Safety choices beyond libopendkim's verdict (documented in auth.h):
 * an l= signature that verifies but leaves part of the canonicalized body
 * unsigned is neutral (partial = 1); a key in test mode (t=y) is neutral;
 * rsa-sha1 and RSA keys under 1024 bits are permerror (RFC 8301); a
 * passing signature is neutral when the message has more From fields than
 * h= covers, or more of a signed Sender, Reply-To, Subject, To, Cc or
 * Content-Type (a forger adds one above the signed one: RFC 6376 8.15).
 * Results are paired with their fields by b=, d= and s=, never by position
 * alone, so a forged field copying another's b= cannot borrow its verdict.
 */
#include "autoconfig.h"

#include <sys/time.h>
#include <sys/types.h>
#include <opendkim/dkim.h>
#include <pthread.h>

#include "auth.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "buf.h"
#include "mem.h"

#define DNS_TYPE_TXT 16
#define DNS_NAME_MAX 253
#define B_PREFIX_LEN 8
#define MIN_KEY_BITS 1024 /* RFC 8301: verifiers must not accept smaller RSA keys */

/* What DNS said for one signature's key. */
typedef enum key_outcome {
	KEY_NOT_ASKED,
	KEY_FOUND,
	KEY_MISSING,  /* NXDOMAIN or NODATA */
	KEY_TEMP,     /* SERVFAIL or timeout */
	KEY_MULTIPLE, /* several TXT records */
	KEY_TOO_LONG, /* does not fit libopendkim's buffer */
	KEY_BAD_NAME  /* s= or d= does not make a DNS name */
} key_outcome;

/* One key lookup, remembered by signature. */
typedef struct key_note {
	DKIM_SIGINFO *sig;
	key_outcome outcome;
	sc_dns_status status;
} key_note;

/* One message's verification state, the DKIM handle's user context. */
typedef struct verify_ctx {
	sc_dns *dns;
	sc_dns_budget *budget;
	key_note *notes;
	size_t nnotes, maxnotes;
} verify_ctx;

/* One header field of the message (CRLF line ends, no final CRLF). */
typedef struct field {
	const char *text;
	size_t len;
	int is_sig; /* 1: a DKIM-Signature field; -1: one over max_sigs */
} field;

static pthread_once_t lib_once = PTHREAD_ONCE_INIT;
static DKIM_LIB *lib;

/* sc_dkim_result_name - the RFC 8601 word for a result */
const char *sc_dkim_result_name(sc_dkim_result r)
{
	switch (r) {
	case SC_DKIM_PASS:
		return "pass";
	case SC_DKIM_FAIL:
		return "fail";
	case SC_DKIM_NEUTRAL:
		return "neutral";
	case SC_DKIM_TEMPERROR:
		return "temperror";
	case SC_DKIM_PERMERROR:
		return "permerror";
	default:
		sc_panic("unknown DKIM result %d", (int) r);
	}
}

/* note_for - the key note of sig, made on first use */
static key_note *note_for(verify_ctx *v, DKIM_SIGINFO *sig)
{
	for (size_t i = 0; i < v->nnotes; i++)
		if (v->notes[i].sig == sig)
			return &v->notes[i];
	if (v->nnotes == v->maxnotes) {
		v->maxnotes = v->maxnotes ? v->maxnotes * 2 : 4;
		v->notes = sc_reallocarray(v->notes, v->maxnotes, sizeof(*v->notes));
	}
	v->notes[v->nnotes] = (key_note){sig, KEY_NOT_ASKED, SC_DNS_OK};
	return &v->notes[v->nnotes++];
}

/* find_note - the key note of sig, or NULL when its key was never asked */
static const key_note *find_note(const verify_ctx *v, DKIM_SIGINFO *sig)
{
	for (size_t i = 0; i < v->nnotes; i++)
		if (v->notes[i].sig == sig)
			return &v->notes[i];
	return NULL;
}

/* name_ok - 1 when s is one or more DNS labels of letters, digits, '-' and '_' */
static int name_ok(const char *s)
{
	size_t label = 0;

	if (*s == '\0' || *s == '.')
		return 0;
	for (; *s != '\0'; s++) {
		if (*s == '.') {
			if (label == 0)
				return 0;
			label = 0;
			continue;
		}
		if (!(isalnum((unsigned char) *s) || *s == '-' || *s == '_') || ++label > 63)
			return 0;
	}
	return label > 0;
}

/* txt_join - the character-strings of one TXT rdata joined into buf; -1 if too long or broken */
static int txt_join(const unsigned char *rd, size_t rdlen, unsigned char *buf, size_t buflen)
{
	size_t i = 0, o = 0;

	while (i < rdlen) {
		size_t n = rd[i++];

		if (i + n > rdlen)
			return -1;
		if (o + n + 1 > buflen)
			return -1;
		memcpy(buf + o, rd + i, n);
		o += n;
		i += n;
	}
	buf[o] = '\0';
	return 0;
}

/* key_lookup - libopendkim's key query, answered through lib/dns */
static DKIM_CBSTAT key_lookup(DKIM *dkim, DKIM_SIGINFO *sig, u_char *buf, size_t buflen)
{
	verify_ctx *v = dkim_get_user_context(dkim);
	const char *sel = (const char *) dkim_sig_getselector(sig);
	const char *dom = (const char *) dkim_sig_getdomain(sig);
	key_note *note = note_for(v, sig);
	char name[DNS_NAME_MAX + 2];
	sc_dns_answer *a;
	DKIM_CBSTAT ret;
	int n;

	if (sel == NULL || dom == NULL || !name_ok(sel) || !name_ok(dom)) {
		note->outcome = KEY_BAD_NAME;
		return DKIM_CBSTAT_ERROR;
	}
	n = snprintf(name, sizeof(name), "%s._domainkey.%s", sel, dom);
	if (n < 0 || (size_t) n > DNS_NAME_MAX) {
		note->outcome = KEY_BAD_NAME;
		return DKIM_CBSTAT_ERROR;
	}
	a = sc_dns_query(v->dns, v->budget, name, DNS_TYPE_TXT);
	note->status = a->status;
	switch (a->status) {
	case SC_DNS_OK:
		if (a->count > 1) {
			note->outcome = KEY_MULTIPLE;
			ret = DKIM_CBSTAT_ERROR;
		} else if (txt_join(a->rdata[0], a->rdlen[0], buf, buflen) != 0) {
			note->outcome = KEY_TOO_LONG;
			ret = DKIM_CBSTAT_ERROR;
		} else {
			note->outcome = KEY_FOUND;
			ret = DKIM_CBSTAT_CONTINUE;
		}
		break;
	case SC_DNS_NODATA:
	case SC_DNS_NXDOMAIN:
		note->outcome = KEY_MISSING;
		ret = DKIM_CBSTAT_NOTFOUND;
		break;
	default:
		note->outcome = KEY_TEMP;
		ret = DKIM_CBSTAT_TRYAGAIN;
		break;
	}
	sc_dns_answer_free(a);
	return ret;
}

/* dns_init_none - libopendkim's resolver set-up: there is none (keys come from key_lookup) */
static int dns_init_none(void **srv)
{
	*srv = NULL;
	return DKIM_DNS_SUCCESS;
}

/* dns_close_none - nothing to shut down */
static void dns_close_none(void *srv)
{
	(void) srv;
}

/* dns_start_refuse - libopendkim's own queries are refused: lib/dns is the only resolver */
static int dns_start_refuse(void *srv, int type, unsigned char *q, unsigned char *buf,
			    size_t buflen, void **qh)
{
	(void) srv;
	(void) type;
	(void) q;
	(void) buf;
	(void) buflen;
	*qh = NULL;
	return DKIM_DNS_ERROR;
}

/* dns_cancel_none - no query to cancel */
static int dns_cancel_none(void *srv, void *qh)
{
	(void) srv;
	(void) qh;
	return DKIM_DNS_SUCCESS;
}

/* dns_wait_refuse - no reply ever comes */
static int dns_wait_refuse(void *srv, void *qh, struct timeval *to, size_t *bytes, int *error,
			   int *dnssec)
{
	(void) srv;
	(void) qh;
	(void) to;
	(void) bytes;
	(void) error;
	(void) dnssec;
	return DKIM_DNS_ERROR;
}

/* lib_init - the process's DKIM_LIB, with our key lookup and flags */
static void lib_init(void)
{
	unsigned int flags = DKIM_LIBFLAGS_BADSIGHANDLES | DKIM_LIBFLAGS_DELAYSIGPROC;
	unsigned int minbits = MIN_KEY_BITS;

	lib = dkim_init(NULL, NULL);
	if (lib == NULL)
		return;
	/* belt and braces: should libopendkim ever bypass key_lookup, its
	 * resolver hooks refuse instead of asking the system resolver */
	dkim_dns_set_init(lib, dns_init_none);
	dkim_dns_set_close(lib, dns_close_none);
	dkim_dns_set_query_start(lib, dns_start_refuse);
	dkim_dns_set_query_cancel(lib, dns_cancel_none);
	dkim_dns_set_query_waitreply(lib, dns_wait_refuse);
	if (dkim_options(lib, DKIM_OP_SETOPT, DKIM_OPTS_FLAGS, &flags, sizeof(flags)) !=
		    DKIM_STAT_OK ||
	    dkim_options(lib, DKIM_OP_SETOPT, DKIM_OPTS_MINKEYBITS, &minbits, sizeof(minbits)) !=
		    DKIM_STAT_OK ||
	    dkim_set_key_lookup(lib, key_lookup) != DKIM_STAT_OK) {
		dkim_close(lib);
		lib = NULL;
	}
}

/* to_crlf - raw with every bare LF made CRLF, into out */
static void to_crlf(const char *raw, size_t len, sc_buf *out)
{
	size_t start = 0;

	for (size_t i = 0; i < len; i++) {
		if (raw[i] != '\n' || (i > 0 && raw[i - 1] == '\r'))
			continue;
		(void) sc_buf_append(out, raw + start, i - start);
		(void) sc_buf_append(out, "\r\n", 2);
		start = i + 1;
	}
	(void) sc_buf_append(out, raw + start, len - start);
}

/* field_named - 1 when the field's name (before ':', trailing WSP ignored) is name */
static int field_named(const char *text, size_t len, const char *name)
{
	size_t n = strlen(name), i = n;

	if (len < n || strncasecmp(text, name, n) != 0)
		return 0;
	while (i < len && (text[i] == ' ' || text[i] == '\t'))
		i++;
	return i < len && text[i] == ':';
}

/* split_header - the header fields of msg (CRLF); *body_off is where the body starts */
static field *split_header(const char *msg, size_t len, size_t *nfields, size_t *body_off)
{
	field *f = NULL;
	size_t n = 0, cap = 0, i = 0;

	while (i < len) {
		size_t start = i, end;

		if (msg[i] == '\r' && i + 1 < len && msg[i + 1] == '\n') {
			i += 2; /* the empty line ending the header */
			break;
		}
		/* a field: this line and every line starting with WSP after it */
		for (;;) {
			const char *nl = memchr(msg + i, '\n', len - i);

			i = nl ? (size_t) (nl - msg) + 1 : len;
			if (i >= len || (msg[i] != ' ' && msg[i] != '\t'))
				break;
		}
		end = i;
		if (end >= start + 2 && msg[end - 1] == '\n' && msg[end - 2] == '\r')
			end -= 2;
		if (n == cap) {
			cap = cap ? cap * 2 : 32;
			f = sc_reallocarray(f, cap, sizeof(*f));
		}
		f[n].text = msg + start;
		f[n].len = end - start;
		f[n].is_sig = field_named(f[n].text, f[n].len, DKIM_SIGNHEADER);
		n++;
	}
	*nfields = n;
	*body_off = i;
	return f;
}

/* sc_dkim_tag_value - see auth.h */
char *sc_dkim_tag_value(const char *list, size_t len, const char *tag)
{
	const char *p, *end = list + len;
	size_t tlen = strlen(tag);

	for (p = list; p < end;) {
		const char *semi = memchr(p, ';', (size_t) (end - p));
		const char *stop = semi ? semi : end, *eq;

		while (p < stop && isspace((unsigned char) *p))
			p++;
		eq = memchr(p, '=', (size_t) (stop - p));
		if (eq != NULL) {
			const char *t = eq;

			while (t > p && isspace((unsigned char) t[-1]))
				t--;
			if ((size_t) (t - p) == tlen && memcmp(p, tag, tlen) == 0) {
				sc_buf b;

				sc_buf_init(&b, SC_BUF_UNLIMITED);
				for (const char *q = eq + 1; q < stop; q++)
					if (!isspace((unsigned char) *q))
						(void) sc_buf_putc(&b, *q);
				return sc_buf_steal(&b);
			}
		}
		p = semi ? semi + 1 : end;
	}
	return NULL;
}

/* tag_value - sc_dkim_tag_value on the value of a whole field (len bytes,
 * "Name: value") */
static char *tag_value(const char *text, size_t len, const char *tag)
{
	const char *colon = memchr(text, ':', len);

	return colon != NULL ? sc_dkim_tag_value(colon + 1, (size_t) (text + len - colon - 1), tag)
			     : NULL;
}

/* canon_body_len - the length of the body under canon (RFC 6376 3.4.3, 3.4.4) */
static ssize_t canon_body_len(const char *body, size_t len, dkim_canon_t canon)
{
	ssize_t total = 0, empties = 0;
	size_t i = 0;

	while (i < len) {
		const char *crlf = NULL;
		size_t eol, next, linelen = 0;

		for (size_t j = i; j + 1 < len; j++)
			if (body[j] == '\r' && body[j + 1] == '\n') {
				crlf = body + j;
				break;
			}
		eol = crlf ? (size_t) (crlf - body) : len;
		next = crlf ? eol + 2 : len;
		if (canon == DKIM_CANON_RELAXED) {
			int wsp = 0;

			for (size_t j = i; j < eol; j++) {
				if (body[j] == ' ' || body[j] == '\t') {
					wsp = 1;
					continue;
				}
				linelen += (size_t) wsp + 1;
				wsp = 0;
			}
		} else {
			linelen = eol - i;
		}
		if (linelen == 0) {
			empties++;
		} else {
			total += empties * 2 + (ssize_t) linelen + 2;
			empties = 0;
		}
		i = next;
	}
	if (total == 0 && canon != DKIM_CANON_RELAXED)
		total = 2; /* simple: an empty body is one CRLF */
	return total;
}

/* Fields a signer chose to sign that a forger gains by adding another
 * instance above the signed one (RFC 6376 8.15): MUAs show the top one,
 * verifiers check the bottom ones. */
static const char *const guarded_fields[] = {"From", "Sender", "Reply-To",     "Subject",
					     "To",   "Cc",     "Content-Type", NULL};

/* h_count - how many times h= of sig names the field name */
static size_t h_count(DKIM_SIGINFO *sig, const char *name)
{
	const char *h = (const char *) dkim_sig_gettagvalue(sig, 0, (u_char *) "h");
	size_t n = 0, nl = strlen(name);

	while (h != NULL && *h != '\0') {
		const char *colon = strchr(h, ':');
		size_t l = colon ? (size_t) (colon - h) : strlen(h);
		const char *b = h, *e = h + l;

		while (b < e && isspace((unsigned char) *b))
			b++;
		while (e > b && isspace((unsigned char) e[-1]))
			e--;
		if ((size_t) (e - b) == nl && strncasecmp(b, name, nl) == 0)
			n++;
		h = colon ? colon + 1 : NULL;
	}
	return n;
}

/* unsigned_extra - a guarded field the message has more of than sig signed, or NULL */
static const char *unsigned_extra(DKIM_SIGINFO *sig, const field *f, size_t nf)
{
	for (const char *const *g = guarded_fields; *g != NULL; g++) {
		size_t have = 0, signed_n = h_count(sig, *g);

		if (signed_n == 0 && strcmp(*g, "From") != 0)
			continue; /* not signed at all: the signer vouches for none */
		for (size_t i = 0; i < nf; i++)
			have += (size_t) field_named(f[i].text, f[i].len, *g);
		if (have > signed_n)
			return *g;
	}
	return NULL;
}

/* set_result - the result and reason of one signature */
static void set_result(sc_dkim_sig *s, sc_dkim_result r, const char *reason)
{
	s->result = r;
	free(s->reason);
	s->reason = reason ? sc_strdup(reason) : NULL;
}

/* key_result - the result for a signature whose key lookup went wrong; 0 if it did not */
static int key_result(const key_note *note, sc_dkim_sig *s)
{
	char why[64];

	if (note == NULL)
		return 0;
	switch (note->outcome) {
	case KEY_MISSING:
		set_result(s, SC_DKIM_PERMERROR, "no key");
		return 1;
	case KEY_TEMP:
		snprintf(why, sizeof(why), "key lookup failed: %s",
			 sc_dns_status_name(note->status));
		set_result(s, SC_DKIM_TEMPERROR, why);
		return 1;
	case KEY_MULTIPLE:
		set_result(s, SC_DKIM_PERMERROR, "multiple key records");
		return 1;
	case KEY_TOO_LONG:
		set_result(s, SC_DKIM_PERMERROR, "key record too long");
		return 1;
	case KEY_BAD_NAME:
		set_result(s, SC_DKIM_PERMERROR, "malformed signature: bad s= or d=");
		return 1;
	default:
		return 0;
	}
}

/* judge - the result of one signature libopendkim processed */
static void judge(DKIM *dkim, DKIM_SIGINFO *sig, const verify_ctx *v, const char *body,
		  size_t body_len, const field *fields, size_t nfields, const char *stage_err,
		  sc_dkim_sig *s)
{
	const char *extra;
	int err = dkim_sig_geterror(sig);
	unsigned int flags = dkim_sig_getflags(sig);
	dkim_alg_t alg = DKIM_SIGN_UNKNOWN;
	char why[160];

	if (key_result(find_note(v, sig), s))
		return;
	switch (err) {
	case DKIM_SIGERROR_OK:
	case DKIM_SIGERROR_UNKNOWN:
		break;
	case DKIM_SIGERROR_BADSIG:
		/* libopendkim reports a body hash mismatch as BADSIG too, with
		 * the header signature passed; a bad header signature leaves
		 * the body hash untested */
		set_result(s, SC_DKIM_FAIL,
			   dkim_sig_getbh(sig) == DKIM_SIGBH_MISMATCH ? "body hash mismatch"
								      : "signature mismatch");
		return;
	case DKIM_SIGERROR_NOKEY:
		set_result(s, SC_DKIM_PERMERROR, "no key");
		return;
	case DKIM_SIGERROR_KEYREVOKED:
		set_result(s, SC_DKIM_PERMERROR, "key revoked");
		return;
	case DKIM_SIGERROR_KEYFAIL:
		set_result(s, SC_DKIM_TEMPERROR, "key lookup failed");
		return;
	case DKIM_SIGERROR_TOOLARGE_L:
		set_result(s, SC_DKIM_FAIL, "body shorter than l=");
		return;
	case DKIM_SIGERROR_EXPIRED:
		set_result(s, SC_DKIM_PERMERROR, "signature expired");
		return;
	case DKIM_SIGERROR_KEYTOOSMALL:
		set_result(s, SC_DKIM_PERMERROR, "key too small");
		return;
	default: {
		const char *e = dkim_sig_geterrorstr(err);
		int key_err = err == DKIM_SIGERROR_DNSSYNTAX || err == DKIM_SIGERROR_MULTIREPLY ||
			      (err >= DKIM_SIGERROR_KEYVERSION && err <= DKIM_SIGERROR_KEYDECODE);

		snprintf(why, sizeof(why), "%s: %s", key_err ? "bad key" : "malformed signature",
			 e ? e : "unknown error");
		set_result(s, SC_DKIM_PERMERROR, why);
		return;
	}
	}
	if ((flags & DKIM_SIGFLAG_PROCESSED) == 0) {
		snprintf(why, sizeof(why), "not verifiable: %s",
			 stage_err && *stage_err ? stage_err : "not processed");
		set_result(s, SC_DKIM_PERMERROR, why);
		return;
	}
	if ((flags & DKIM_SIGFLAG_PASSED) == 0) {
		set_result(s, SC_DKIM_FAIL, "signature mismatch");
		return;
	}
	if (dkim_sig_getbh(sig) != DKIM_SIGBH_MATCH) {
		set_result(s, SC_DKIM_FAIL, "body hash mismatch");
		return;
	}
	if (dkim_sig_getsignalg(sig, &alg) == DKIM_STAT_OK && alg == DKIM_SIGN_RSASHA1) {
		set_result(s, SC_DKIM_PERMERROR, "rsa-sha1 not accepted (RFC 8301)");
		return;
	}
	if ((flags & DKIM_SIGFLAG_TESTKEY) != 0) {
		set_result(s, SC_DKIM_NEUTRAL, "key in test mode (t=y)");
		return;
	}
	extra = unsigned_extra(sig, fields, nfields);
	if (extra != NULL) {
		snprintf(why, sizeof(why), "a %s field is not signed", extra);
		set_result(s, SC_DKIM_NEUTRAL, why);
		return;
	}
	{
		ssize_t signlen = -1;
		dkim_canon_t hc = DKIM_CANON_SIMPLE, bc = DKIM_CANON_SIMPLE;

		if (dkim_sig_getcanonlen(dkim, sig, NULL, NULL, &signlen) == DKIM_STAT_OK &&
		    signlen >= 0 && dkim_sig_getcanons(sig, &hc, &bc) == DKIM_STAT_OK) {
			ssize_t full = canon_body_len(body, body_len, bc);

			if (signlen < full) {
				snprintf(why, sizeof(why),
					 "l= leaves %zd of %zd body bytes unsigned", full - signlen,
					 full);
				s->partial = 1;
				set_result(s, SC_DKIM_NEUTRAL, why);
				return;
			}
		}
	}
	set_result(s, SC_DKIM_PASS, NULL);
}

/* sig_from_field - d=, s= and the b= prefix of a DKIM-Signature field, result unset;
 * the whole b= (FWS removed) into *full */
static void sig_from_field(const field *f, sc_dkim_sig *s, char **full)
{
	memset(s, 0, sizeof(*s));
	s->domain = tag_value(f->text, f->len, "d");
	if (s->domain != NULL)
		for (char *p = s->domain; *p != '\0'; p++)
			*p = (char) tolower((unsigned char) *p);
	s->selector = tag_value(f->text, f->len, "s");
	*full = tag_value(f->text, f->len, "b");
	if (*full != NULL)
		s->b = sc_strndup(*full, B_PREFIX_LEN);
	s->result = SC_DKIM_PERMERROR;
}

/* same_text - a equals b, ignoring whitespace (NULL equals only NULL) */
static int same_text(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		return a == b;
	for (;;) {
		while (isspace((unsigned char) *a))
			a++;
		while (isspace((unsigned char) *b))
			b++;
		if (*a != *b)
			return 0;
		if (*a == '\0')
			return 1;
		a++;
		b++;
	}
}

/* sig_is - 1 when libopendkim's sig is the field we parsed as mine (b= equal,
 * and d=, s= equal where libopendkim read them) */
static int sig_is(DKIM_SIGINFO *sig, const sc_dkim_sig *mine, const char *full_b)
{
	const char *d = (const char *) dkim_sig_getdomain(sig);
	const char *sel = (const char *) dkim_sig_getselector(sig);

	if (!same_text((const char *) dkim_sig_gettagvalue(sig, 0, (u_char *) "b"), full_b))
		return 0;
	if (d != NULL && (mine->domain == NULL || strcasecmp(d, mine->domain) != 0))
		return 0;
	return sel == NULL || (mine->selector != NULL && strcmp(sel, mine->selector) == 0);
}

/* sc_dkim_verify - verify the first max_sigs DKIM-Signature fields of raw */
void sc_dkim_verify(sc_dns *dns, sc_dns_budget *budget, const char *raw, size_t len,
		    unsigned max_sigs, sc_auth_result *out)
{
	verify_ctx v = {dns, budget, NULL, 0, 0};
	sc_buf msg;
	field *fields;
	size_t nfields, body_off, nsig = 0, first = out->ndkim;
	char **full_b = NULL;
	unsigned char *used = NULL;
	DKIM *dkim = NULL;
	DKIM_STAT st;
	DKIM_SIGINFO **sigs = NULL;
	int nsigs = 0;
	const char *fatal = NULL, *stage_err = NULL;
	char why[160];

	out->dkim_checked = 1;
	sc_buf_init(&msg, SC_BUF_UNLIMITED);
	to_crlf(raw, len, &msg);
	fields = split_header(msg.data ? msg.data : "", msg.len, &nfields, &body_off);
	for (size_t i = 0; i < nfields; i++) {
		if (fields[i].is_sig && nsig++ >= max_sigs)
			fields[i].is_sig = -1; /* over the limit: not fed */
	}
	nsig = nsig < max_sigs ? nsig : max_sigs;
	if (nsig == 0)
		goto done;

	out->dkim = sc_reallocarray(out->dkim, first + nsig, sizeof(*out->dkim));
	full_b = sc_calloc(nsig, sizeof(*full_b));
	for (size_t i = 0, k = 0; i < nfields; i++) {
		if (fields[i].is_sig != 1)
			continue;
		sig_from_field(&fields[i], &out->dkim[first + k], &full_b[k]);
		k++;
	}
	out->ndkim = first + nsig;

	(void) pthread_once(&lib_once, lib_init);
	if (lib == NULL) {
		fatal = "DKIM library unavailable";
		goto fail_all_temp;
	}
	dkim = dkim_verify(lib, (const u_char *) "scam-milter", NULL, &st);
	if (dkim == NULL) {
		fatal = "DKIM library unavailable";
		goto fail_all_temp;
	}
	(void) dkim_set_user_context(dkim, &v);
	for (size_t i = 0; i < nfields; i++) {
		if (fields[i].is_sig == -1)
			continue;
		/* a field libopendkim refuses (no colon, too long) is not fed: the
		 * signatures that cover it fail, nothing passes that should not */
		(void) dkim_header(dkim, (u_char *) fields[i].text, fields[i].len);
	}
	st = dkim_eoh(dkim);
	if (st == DKIM_STAT_OK) {
		if (msg.len > body_off)
			st = dkim_body(dkim, (u_char *) msg.data + body_off, msg.len - body_off);
		if (st == DKIM_STAT_OK)
			st = dkim_eom(dkim, NULL);
	}
	if (st != DKIM_STAT_OK)
		stage_err = dkim_geterror(dkim);
	if (dkim_getsiglist(dkim, &sigs, &nsigs) != DKIM_STAT_OK || sigs == NULL || nsigs <= 0) {
		const char *e = dkim_geterror(dkim);

		snprintf(why, sizeof(why), "message not verifiable: %s",
			 e && *e ? e : "no usable signature");
		for (size_t k = first; k < out->ndkim; k++)
			set_result(&out->dkim[k], SC_DKIM_PERMERROR, why);
		goto done;
	}
	/* libopendkim lists the signatures in header order, malformed ones
	 * included (BADSIGHANDLES); still, pair each with the field it came
	 * from by its tags, never by position alone */
	used = sc_calloc((size_t) nsigs, 1);
	for (size_t k = 0; k < nsig; k++) {
		sc_dkim_sig *mine = &out->dkim[first + k];
		size_t idx = (size_t) nsigs;

		if (k < (size_t) nsigs && !used[k] && sig_is(sigs[k], mine, full_b[k]))
			idx = k;
		for (size_t j = 0; idx == (size_t) nsigs && j < (size_t) nsigs; j++)
			if (!used[j] && sig_is(sigs[j], mine, full_b[k]))
				idx = j;
		if (idx == (size_t) nsigs) {
			set_result(mine, SC_DKIM_PERMERROR, "malformed signature: not parsed");
			continue;
		}
		used[idx] = 1;
		judge(dkim, sigs[idx], &v, msg.data + body_off, msg.len - body_off, fields, nfields,
		      stage_err, mine);
	}
	goto done;

fail_all_temp:
	for (size_t k = first; k < out->ndkim; k++)
		set_result(&out->dkim[k], SC_DKIM_TEMPERROR, fatal);
done:
	if (dkim != NULL)
		(void) dkim_free(dkim);
	for (size_t k = 0; full_b != NULL && k < nsig; k++)
		free(full_b[k]);
	free(full_b);
	free(used);
	free(v.notes);
	free(fields);
	sc_buf_free(&msg);
}
