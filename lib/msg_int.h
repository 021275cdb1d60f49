/*
 * msg_int.h - the message model's insides, shared by msg.c (life cycle,
 * header splitting, accessors), msg_mime.c (GMime walk and limits),
 * msg_text.c (charsets), msg_addr.c (address fields), msg_attach.c
 * (libmagic, libarchive) and msg_render.c (body and rawbody). Not for use
 * outside lib/msg*.c.
 *
 * Everything of one sc_msg is owned by it: strings come from its pool
 * (msg_pool_dup) and die with it; arrays are freed by sc_msg_free().
 */
#ifndef SC_MSG_INT_H
#define SC_MSG_INT_H

#include <gmime/gmime.h>

#include "buf.h"
#include "msg.h"

typedef struct msg_header {
	char *name;
	char *value;   /* unfolded, trimmed */
	char *raw;     /* as received after the colon */
	char *decoded; /* value with RFC 2047 decoded, UTF-8 */
} msg_header;

typedef struct msg_pool_chunk msg_pool_chunk;

struct sc_msg {
	sc_msg_limits lim;
	msg_header *headers;
	size_t nheaders;
	char *body; /* NUL-terminated copy */
	size_t body_len;
	unsigned findings;

	sc_msg_addr *addrs;
	size_t naddrs;
	sc_msg_part *parts;
	size_t nparts;
	sc_msg_attachment *atts;
	size_t natts;
	sc_html **htmls; /* owned, one per rendered HTML part */
	size_t nhtmls;
	unsigned html_findings;
	sc_url_set *urls;
	size_t pdf_links;     /* links taken from attached PDFs (msg_pdf.c) */
	size_t pdf_inflated;  /* bytes their streams inflated to */
	size_t decoded_total; /* bytes decoded so far, against lim.max_decoded */

	sc_buf body_text; /* the `body` rendering */
	sc_buf sa_body;   /* its source while parts are walked (msg_render.c) */
	sc_buf rawbody;   /* the `rawbody` rendering */

	msg_pool_chunk *pool;
};

/* msg_pool_dup - n bytes of s as a NUL-terminated string owned by m. */
char *msg_pool_dup(sc_msg *m, const char *s, size_t n);
/* msg_pool_str - a C string owned by m; NULL stays NULL. */
char *msg_pool_str(sc_msg *m, const char *s);
/* msg_grow - make room for one more element of size sz in *arr (n used). */
void *msg_grow(void *arr, size_t n, size_t sz);

/* msg_parser_options - GMime parser options whose warnings become findings
 * of m; free with g_mime_parser_options_free(). */
GMimeParserOptions *msg_parser_options(sc_msg *m);

/* msg_mime_walk - parse the message (headers and body, LF line ends, mbox
 * line removed) with GMime and fill parts, texts, HTML, URLs, attachments. */
void msg_mime_walk(sc_msg *m, const char *raw, size_t len);

/* msg_to_utf8 - n bytes in charset (NULL: undeclared) as UTF-8 (malloc'd,
 * NUL-terminated, *out_len its length). Unknown, missing-for-8-bit or wrong
 * charsets fall back (see msg_text.c) and set *bad_charset. */
char *msg_to_utf8(const char *in, size_t n, const char *charset, size_t *out_len, int *bad_charset);

/* msg_addr_collect - the address fields of the top-level header. */
void msg_addr_collect(sc_msg *m, GMimeParserOptions *opts);

/* msg_pdf_links - add the link annotations (URI actions) of PDF data to
 * m's URLs as SC_URL_SRC_ATTACH (msg_pdf.c), within a per-message budget
 * of links and inflated bytes; nothing for other data. */
void msg_pdf_links(sc_msg *m, const char *data, size_t n);
/* msg_attach_add - record leaf part pi (decoded content data/n) as an
 * attachment: extensions, sniffed type, archive entries. */
void msg_attach_add(sc_msg *m, size_t pi, const char *data, size_t n);

/* msg_render_leaf - a leaf part (of any type) begins, in tree order. */
void msg_render_leaf(sc_msg *m);
/* msg_render_part - append text part pi's text to the renderings (and URLs);
 * after msg_render_leaf for the same part. */
void msg_render_part(sc_msg *m, size_t pi, int displayed);
/* msg_render_svg - an SVG part pi's text (set by the caller) into rawbody
 * and its links into the URLs as SC_URL_SRC_ATTACH; never body text. */
void msg_render_svg(sc_msg *m, size_t pi);
/* msg_render_end - make `body` once every part is in (frees sa_body). */
void msg_render_end(sc_msg *m);

#endif
