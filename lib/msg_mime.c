/*
 * msg_mime.c - the MIME tree: GMime parses, this walks it within the named
 * limits of sc_msg_limits and fills parts, texts and attachments.
 *
 * GMime builds the whole tree (it stops nesting itself past its own
 * GMIME_CRIT_NESTING_OVERFLOW level, which becomes SC_MSG_MIME_DEPTH); the
 * walk keeps at most max_parts parts of at most max_depth levels and decodes
 * at most max_decoded bytes in all. Decoded content is never larger than the
 * encoded content GMime already holds (base64, quoted-printable and uuencode
 * only shrink), so the budget is checked before each part is decoded and
 * the result is cut at what is left of it. Past any limit the walk keeps
 * what it has and records a finding: the message never fails as a whole.
 */
#include "autoconfig.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "mem.h"
#include "msg_int.h"

/* on_gmime_warning - GMime's parser warnings as findings of the message */
static void on_gmime_warning(gint64 offset, GMimeParserWarning code, const gchar *item,
			     gpointer arg)
{
	sc_msg *m = arg;

	(void) offset;
	(void) item;
	switch (code) {
	case GMIME_WARN_TRUNCATED_MESSAGE:
		/* A header without its end is already SC_MSG_NO_HEADER_END. */
		if (!(m->findings & SC_MSG_NO_HEADER_END))
			m->findings |= SC_MSG_MIME_MALFORMED;
		break;
	case GMIME_WARN_MALFORMED_MULTIPART:
	case GMIME_WARN_MALFORMED_MESSAGE:
	case GMIME_CRIT_MULTIPART_WITHOUT_BOUNDARY:
	case GMIME_WARN_PART_WITHOUT_CONTENT:
	case GMIME_CRIT_PART_WITHOUT_HEADERS_OR_CONTENT:
	case GMIME_WARN_INVALID_CONTENT_TYPE:
		m->findings |= SC_MSG_MIME_MALFORMED;
		break;
	case GMIME_CRIT_NESTING_OVERFLOW:
		m->findings |= SC_MSG_MIME_DEPTH;
		break;
	case GMIME_WARN_INVALID_RFC2047_HEADER_VALUE:
		m->findings |= SC_MSG_BAD_ENCODED_WORD;
		break;
	case GMIME_WARN_INVALID_ADDRESS_LIST:
		m->findings |= SC_MSG_BAD_ADDRESS_LIST;
		break;
	default: /* duplicated headers and parameters, conflicts: not findings */
		break;
	}
}

/* msg_parser_options - per-message options reporting warnings to m */
GMimeParserOptions *msg_parser_options(sc_msg *m)
{
	GMimeParserOptions *o = g_mime_parser_options_new();

	g_mime_parser_options_set_warning_callback(o, on_gmime_warning, m);
	/* Undeclared 8-bit header text: UTF-8 when valid, else windows-1252. */
	{
		const char *fallback[] = {"utf-8", "windows-1252", NULL};

		g_mime_parser_options_set_fallback_charsets(o, fallback);
	}
	return o;
}

/* lower_dup - a lower-case copy of s in m's pool; NULL stays NULL */
static const char *lower_dup(sc_msg *m, const char *s)
{
	char *p;

	if (s == NULL)
		return NULL;
	p = msg_pool_str(m, s);
	for (char *q = p; *q != '\0'; q++)
		*q = (char) tolower((unsigned char) *q);
	return p;
}

/* add_part - a new part entry for obj; returns its index */
static size_t add_part(sc_msg *m, GMimeObject *obj, size_t parent, unsigned depth)
{
	GMimeContentType *ct = g_mime_object_get_content_type(obj);
	sc_msg_part *p;
	char *type;

	m->parts = msg_grow(m->parts, m->nparts, sizeof(*m->parts));
	p = &m->parts[m->nparts];
	memset(p, 0, sizeof(*p));
	p->parent = parent;
	p->depth = depth;
	p->attachment = -1;
	type = ct != NULL ? g_mime_content_type_get_mime_type(ct) : NULL;
	p->type = lower_dup(m, type != NULL ? type : "text/plain");
	g_free(type);
	p->charset = msg_pool_str(m, g_mime_object_get_content_type_parameter(obj, "charset"));
	p->disposition = lower_dup(m, g_mime_object_get_disposition(obj));
	if (GMIME_IS_PART(obj)) {
		GMimeContentEncoding enc = g_mime_part_get_content_encoding(GMIME_PART(obj));

		if (enc != GMIME_CONTENT_ENCODING_DEFAULT)
			p->encoding = g_mime_content_encoding_to_string(enc);
		p->filename = msg_pool_str(m, g_mime_part_get_filename(GMIME_PART(obj)));
	}
	return m->nparts++;
}

/* decode_content - the transfer-decoded bytes of a leaf, cut at the decoded
 * budget; g_free() the result */
static GByteArray *decode_content(sc_msg *m, GMimePart *part)
{
	GMimeDataWrapper *dw = g_mime_part_get_content(part);
	size_t left = m->lim.max_decoded - m->decoded_total;
	GMimeStream *out;
	GByteArray *arr;

	if (dw == NULL)
		return NULL;
	if (left == 0) {
		m->findings |= SC_MSG_DECODED_SIZE;
		return NULL;
	}
	arr = g_byte_array_new();
	out = g_mime_stream_mem_new_with_byte_array(arr);
	g_mime_stream_mem_set_owner(GMIME_STREAM_MEM(out), FALSE);
	(void) g_mime_data_wrapper_write_to_stream(dw, out);
	g_object_unref(out);
	if (arr->len > left) {
		m->findings |= SC_MSG_DECODED_SIZE;
		g_byte_array_set_size(arr, (guint) left);
	}
	m->decoded_total += arr->len;
	return arr;
}

/* is_attached_file - Content-Disposition: attachment */
static int is_attached_file(const sc_msg_part *p)
{
	return p->disposition != NULL && strcmp(p->disposition, "attachment") == 0;
}

/* is_attachment - a leaf the reader sees as a file rather than as text */
static int is_attachment(const sc_msg_part *p)
{
	if (is_attached_file(p))
		return 1;
	if (p->filename != NULL && p->filename[0] != '\0')
		return 1;
	return strncmp(p->type, "text/", 5) != 0;
}

/* is_svg - an SVG picture (by type or file name): XML text, whose scripts
 * and links make it a phishing page that opens in the browser */
static int is_svg(const sc_msg_part *p)
{
	size_t n = p->filename != NULL ? strlen(p->filename) : 0;

	return strcmp(p->type, "image/svg+xml") == 0 ||
	       (n > 4 && strcasecmp(p->filename + n - 4, ".svg") == 0);
}

/* crlf_to_lf - CRLF as LF in the n bytes of t (decoded base64 and
 * quoted-printable text may hold CRLF; SpamAssassin squashes it too);
 * returns the new length */
static size_t crlf_to_lf(char *t, size_t n)
{
	size_t o = 0;

	for (size_t i = 0; i < n; i++)
		if (!(t[i] == '\r' && i + 1 < n && t[i + 1] == '\n'))
			t[o++] = t[i];
	t[o] = '\0';
	return o;
}

/* set_text - p's n decoded bytes as its UTF-8 text (CRLF as LF), in m's
 * pool; 1 when its charset did not convert cleanly */
static int set_text(sc_msg *m, sc_msg_part *p, const char *data, size_t n)
{
	int bad = 0;
	size_t tlen;
	char *t = msg_to_utf8(data, n, p->charset, &tlen, &bad);

	tlen = crlf_to_lf(t, tlen);
	p->text = msg_pool_dup(m, t, tlen);
	p->text_len = tlen;
	free(t);
	return bad;
}

/* walk_leaf - decode one leaf: text to UTF-8 and the renderings, or an attachment */
static void walk_leaf(sc_msg *m, GMimePart *part, size_t pi, int displayed)
{
	GByteArray *arr = decode_content(m, part);
	const char *data = arr != NULL && arr->len > 0 ? (const char *) arr->data : "";
	size_t n = arr != NULL ? arr->len : 0;
	sc_msg_part *p = &m->parts[pi];
	int att = is_attachment(p);

	msg_render_leaf(m);
	p->decoded_size = n;
	/* Text attachments (invoice.html) are decoded too: their links and
	 * URLs count, though the reader does not see them in the body. */
	if (strncmp(p->type, "text/", 5) == 0) {
		if (set_text(m, p, data, n))
			m->findings |= SC_MSG_BAD_CHARSET;
		p->displayed =
			displayed && !is_attached_file(p) &&
			(strcmp(p->type, "text/plain") == 0 || strcmp(p->type, "text/html") == 0);
		msg_render_part(m, pi, p->displayed);
	} else if (is_svg(p)) {
		(void) set_text(m, p, data, n);
		msg_render_svg(m, pi);
	}
	if (att)
		msg_attach_add(m, pi, data, n);
	if (arr != NULL)
		g_byte_array_free(arr, TRUE);
}

/* shown_alternative - the child of a multipart/alternative a client shows:
 * the last one that is text/plain, text/html or a multipart; -1 if none */
static int shown_alternative(GMimeMultipart *mp)
{
	int shown = -1, n = g_mime_multipart_get_count(mp);

	for (int i = 0; i < n; i++) {
		GMimeContentType *ct =
			g_mime_object_get_content_type(g_mime_multipart_get_part(mp, i));

		if (ct == NULL || g_mime_content_type_is_type(ct, "multipart", "*") ||
		    g_mime_content_type_is_type(ct, "text", "plain") ||
		    g_mime_content_type_is_type(ct, "text", "html"))
			shown = i;
	}
	return shown;
}

/* render_prologue - a multipart whose boundary never occurs (missing or
 * lying) has all its content in the prologue: mail clients show that text,
 * so it becomes the multipart's own text */
static void render_prologue(sc_msg *m, GMimeMultipart *mp, size_t pi, int displayed)
{
	const char *pro = g_mime_multipart_get_prologue(mp);
	sc_msg_part *p = &m->parts[pi];
	int bad = 0;
	size_t n, tlen;
	char *t;

	if (pro == NULL || (n = strlen(pro)) == 0)
		return;
	if (n > m->lim.max_decoded - m->decoded_total) {
		m->findings |= SC_MSG_DECODED_SIZE;
		n = m->lim.max_decoded - m->decoded_total;
	}
	m->decoded_total += n;
	t = msg_to_utf8(pro, n, NULL, &tlen, &bad);
	if (bad)
		m->findings |= SC_MSG_BAD_CHARSET;
	p->text = msg_pool_dup(m, t, tlen);
	p->text_len = tlen;
	p->displayed = displayed;
	free(t);
	msg_render_leaf(m);
	msg_render_part(m, pi, displayed);
}

/* walk - part obj below parent at depth, within the limits */
static void walk(sc_msg *m, GMimeObject *obj, size_t parent, unsigned depth, int displayed)
{
	size_t pi;

	if (depth > m->lim.max_depth) {
		m->findings |= SC_MSG_MIME_DEPTH;
		return;
	}
	if (m->nparts >= m->lim.max_parts) {
		m->findings |= SC_MSG_MIME_PARTS;
		return;
	}
	pi = add_part(m, obj, parent, depth);
	if (GMIME_IS_MULTIPART(obj)) {
		GMimeMultipart *mp = GMIME_MULTIPART(obj);
		int n = g_mime_multipart_get_count(mp), shown = -1;
		int alt = strcmp(m->parts[pi].type, "multipart/alternative") == 0;

		if (alt)
			shown = shown_alternative(mp);
		for (int i = 0; i < n && m->nparts < m->lim.max_parts; i++)
			walk(m, g_mime_multipart_get_part(mp, i), pi, depth + 1,
			     displayed && (!alt || i == shown));
		if (n > 0 && m->nparts >= m->lim.max_parts)
			m->findings |= SC_MSG_MIME_PARTS;
		if (n == 0)
			render_prologue(m, mp, pi, displayed);
	} else if (GMIME_IS_MESSAGE_PART(obj)) {
		GMimeMessage *inner = g_mime_message_part_get_message(GMIME_MESSAGE_PART(obj));
		GMimeObject *body = inner != NULL ? g_mime_message_get_mime_part(inner) : NULL;

		if (body != NULL)
			walk(m, body, pi, depth + 1, displayed);
	} else if (GMIME_IS_PART(obj)) {
		walk_leaf(m, GMIME_PART(obj), pi, displayed);
	}
}

/* render_raw_body - no MIME structure came out: the body as one text part */
static void render_raw_body(sc_msg *m)
{
	sc_msg_part *p;
	int bad = 0;
	size_t tlen;
	char *t;

	m->parts = msg_grow(m->parts, m->nparts, sizeof(*m->parts));
	p = &m->parts[m->nparts];
	memset(p, 0, sizeof(*p));
	p->parent = SC_MSG_NO_PARENT;
	p->attachment = -1;
	p->type = "text/plain";
	p->decoded_size = m->body_len;
	t = msg_to_utf8(m->body, m->body_len, NULL, &tlen, &bad);
	p->text = msg_pool_dup(m, t, tlen);
	p->text_len = tlen;
	p->displayed = 1;
	free(t);
	msg_render_leaf(m);
	msg_render_part(m, m->nparts++, 1);
}

/* msg_mime_walk - GMime parse of the whole message, then the walk */
void msg_mime_walk(sc_msg *m, const char *raw, size_t len)
{
	GMimeParserOptions *opts = msg_parser_options(m);
	GMimeStream *stream = g_mime_stream_mem_new_with_buffer(raw, len);
	GMimeParser *parser = g_mime_parser_new_with_stream(stream);
	GMimeMessage *msg;
	GMimeObject *root;

	g_mime_parser_set_format(parser, GMIME_FORMAT_MESSAGE);
	msg = g_mime_parser_construct_message(parser, opts);
	root = msg != NULL ? g_mime_message_get_mime_part(msg) : NULL;
	if (root != NULL)
		walk(m, root, SC_MSG_NO_PARENT, 0, 1);
	if (m->nparts == 0)
		render_raw_body(m);
	if (msg != NULL)
		g_object_unref(msg);
	g_object_unref(parser);
	g_object_unref(stream);
	g_mime_parser_options_free(opts);
}
