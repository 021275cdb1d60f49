/*
 * cmd_dump.c - `scamctl scan --dump`: print the message model, the admin's
 * way to see what the filter saw.
 *
 * The output is for people: sections in a fixed order (findings, headers,
 * addresses, parts, texts, HTML, URLs, attachments, body), every string
 * quoted as a JSON string so control characters and odd bytes stay visible
 * and one value never spans lines.
 */
#include "autoconfig.h"

#include <stdio.h>
#include <string.h>

#include "buf.h"
#include "json.h"
#include "msg.h"
#include "scamctl.h"

/* put_q - print a label and the quoted string (len bytes) on stdout */
static void put_q(const char *label, const char *s, size_t len)
{
	sc_buf b;

	sc_buf_init(&b, SC_BUF_UNLIMITED);
	json_string(&b, s != NULL ? s : "", s != NULL ? len : 0);
	(void) printf("%s%s\n", label, sc_buf_cstr(&b));
	sc_buf_free(&b);
}

/* put_qs - put_q of a C string */
static void put_qs(const char *label, const char *s)
{
	put_q(label, s, s != NULL ? strlen(s) : 0);
}

/* put_lines - each line of text as its own quoted line, indented */
static void put_lines(const char *indent, const char *text, size_t len)
{
	const char *p = text, *end = text + len;

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t) (end - p));
		const char *le = nl != NULL ? nl : end;

		put_q(indent, p, (size_t) (le - p));
		p = nl != NULL ? nl + 1 : end;
	}
}

/* dump_findings - the names of the message's and its HTML's findings */
static void dump_findings(const sc_msg *m)
{
	static const char *const html_names[] = {
		"HIDDEN_DISPLAY_NONE", "HIDDEN_VISIBILITY", "HIDDEN_FONT_SIZE_ZERO",
		"HIDDEN_SAME_COLOUR",  "ZERO_WIDTH_CHARS",  "CONTENT_AFTER_END",
		"TRUNCATED",           "HIDDEN_OUT_OF_VIEW",
	};
	unsigned f = sc_msg_findings(m), hf = sc_msg_html_findings(m);

	(void) printf("findings:");
	for (unsigned i = 0; i < SC_MSG_FINDING_COUNT; i++)
		if (f & (1u << i))
			(void) printf(" %s", sc_msg_finding_name(1u << i));
	for (unsigned i = 0; i < sizeof(html_names) / sizeof(html_names[0]); i++)
		if (hf & (1u << i))
			(void) printf(" HTML_%s", html_names[i]);
	(void) printf("%s\n", f == 0 && hf == 0 ? " none" : "");
}

/* dump_headers - each field, raw and decoded */
static void dump_headers(const sc_msg *m)
{
	(void) printf("headers: %zu\n", sc_msg_header_count(m));
	for (size_t i = 0; i < sc_msg_header_count(m); i++) {
		const char *raw = sc_msg_header_raw(m, i), *dec = sc_msg_header_decoded(m, i);

		(void) printf("  [%zu] %s\n", i, sc_msg_header_name(m, i));
		put_qs("      raw:     ", raw);
		if (strcmp(dec, sc_msg_header_value(m, i)) != 0)
			put_qs("      decoded: ", dec);
	}
}

/* dump_addrs - each address with its parts */
static void dump_addrs(const sc_msg *m)
{
	sc_buf b;

	(void) printf("addresses: %zu\n", sc_msg_addr_count(m));
	sc_buf_init(&b, SC_BUF_UNLIMITED);
	for (size_t i = 0; i < sc_msg_addr_count(m); i++) {
		const sc_msg_addr *a = sc_msg_addr_at(m, i);

		sc_buf_reset(&b);
		(void) sc_buf_printf(&b, "  %s: name=", sc_addr_field_name(a->field));
		json_cstring(&b, a->name);
		(void) sc_buf_puts(&b, " addr=");
		json_cstring(&b, a->addr);
		(void) sc_buf_puts(&b, " local=");
		json_cstring(&b, a->local);
		(void) sc_buf_puts(&b, " domain=");
		json_cstring(&b, a->domain);
		if (a->group != NULL) {
			(void) sc_buf_puts(&b, " group=");
			json_cstring(&b, a->group);
		}
		(void) puts(sc_buf_cstr(&b));
	}
	sc_buf_free(&b);
}

/* dump_parts - the tree, indented by depth */
static void dump_parts(const sc_msg *m)
{
	sc_buf b;

	(void) printf("parts: %zu\n", sc_msg_part_count(m));
	sc_buf_init(&b, SC_BUF_UNLIMITED);
	for (size_t i = 0; i < sc_msg_part_count(m); i++) {
		const sc_msg_part *p = sc_msg_part_at(m, i);

		sc_buf_reset(&b);
		(void) sc_buf_printf(&b, "  %*s[%zu] %s", (int) (2 * p->depth), "", i, p->type);
		if (p->charset != NULL)
			(void) sc_buf_printf(&b, " charset=%s", p->charset);
		if (p->encoding != NULL)
			(void) sc_buf_printf(&b, " encoding=%s", p->encoding);
		if (p->disposition != NULL)
			(void) sc_buf_printf(&b, " disposition=%s", p->disposition);
		if (p->filename != NULL) {
			(void) sc_buf_puts(&b, " filename=");
			json_cstring(&b, p->filename);
		}
		if (strncmp(p->type, "multipart/", 10) != 0 &&
		    strcmp(p->type, "message/rfc822") != 0)
			(void) sc_buf_printf(&b, " size=%zu", p->decoded_size);
		if (p->displayed)
			(void) sc_buf_puts(&b, " displayed");
		if (p->attachment >= 0)
			(void) sc_buf_printf(&b, " attachment=#%ld", p->attachment);
		(void) puts(sc_buf_cstr(&b));
	}
	sc_buf_free(&b);
}

/* dump_texts - the decoded text of each text part */
static void dump_texts(const sc_msg *m)
{
	for (size_t i = 0; i < sc_msg_part_count(m); i++) {
		const sc_msg_part *p = sc_msg_part_at(m, i);

		if (p->text == NULL)
			continue;
		(void) printf("text of part [%zu] %s, %zu bytes of UTF-8:\n", i, p->type,
			      p->text_len);
		put_lines("  ", p->text, p->text_len);
	}
}

/* dump_html - links, forms and images of each rendered HTML part */
static void dump_html(const sc_msg *m)
{
	for (size_t i = 0; i < sc_msg_part_count(m); i++) {
		const sc_html *h = sc_msg_part_at(m, i)->html;
		const char *hidden;
		size_t hlen;
		sc_buf b;

		if (h == NULL)
			continue;
		(void) printf("html of part [%zu]: %zu links, %zu forms, %zu images\n", i,
			      sc_html_link_count(h), sc_html_form_count(h), sc_html_image_count(h));
		sc_buf_init(&b, SC_BUF_UNLIMITED);
		for (size_t k = 0; k < sc_html_link_count(h); k++) {
			const sc_html_link *l = sc_html_link_at(h, k);

			sc_buf_reset(&b);
			(void) sc_buf_puts(&b, "  link href=");
			json_cstring(&b, l->href);
			(void) sc_buf_puts(&b, " text=");
			json_cstring(&b, l->text);
			if (l->text_domain != NULL) {
				(void) sc_buf_puts(&b, " shows=");
				json_cstring(&b, l->text_domain);
			}
			(void) puts(sc_buf_cstr(&b));
		}
		for (size_t k = 0; k < sc_html_form_count(h); k++) {
			const sc_html_form *f = sc_html_form_at(h, k);

			(void) printf("  form method=%s ", f->method);
			put_qs("action=", f->action);
		}
		for (size_t k = 0; k < sc_html_image_count(h); k++)
			put_qs("  img src=", sc_html_image_at(h, k)->src);
		hidden = sc_html_hidden_text(h, &hlen);
		if (hlen > 0) {
			(void) printf("  hidden text:\n");
			put_lines("    ", hidden, hlen);
		}
		sc_buf_free(&b);
	}
}

/* dump_urls - each distinct URL with its count, flags and domain */
static void dump_urls(const sc_msg *m)
{
	static const char *const flag_names[] = {
		"no-scheme",    "obfuscated", "userinfo", "ip-host", "ip-odd-notation", "idn",
		"percent-host", "bad-host",   "mailto",   "data",    "javascript",
	};
	static const char *const src_names[] = {"text", "href", "form", "img", "other", "attachment"};
	const sc_url_set *s = sc_msg_urls(m);

	(void) printf("urls: %zu%s\n", sc_url_set_count(s),
		      sc_url_set_truncated(s) ? " (more were dropped)" : "");
	for (size_t i = 0; i < sc_url_set_count(s); i++) {
		const sc_url *u = sc_url_set_at(s, i);

		(void) printf("  %ux ", u->count);
		put_qs("", u->normalised);
		(void) printf("      host=%s domain=%s from=", u->host,
			      u->domain != NULL ? u->domain : "-");
		for (unsigned k = 0, sep = 0; k < sizeof(src_names) / sizeof(src_names[0]); k++)
			if (u->sources & (1u << k))
				(void) printf("%s%s", sep++ ? "," : "", src_names[k]);
		(void) printf(" flags=");
		for (unsigned k = 0, sep = 0; k < 11; k++)
			if (u->flags & (1u << k))
				(void) printf("%s%s", sep++ ? "," : "", flag_names[k]);
		(void) printf("%s\n", u->flags == 0 ? "-" : "");
	}
}

/* dump_attachments - name, types, size, extensions, archive entries */
static void dump_attachments(const sc_msg *m)
{
	(void) printf("attachments: %zu\n", sc_msg_attachment_count(m));
	for (size_t i = 0; i < sc_msg_attachment_count(m); i++) {
		const sc_msg_attachment *a = sc_msg_attachment_at(m, i);

		(void) printf("  #%zu part [%zu] ", i, a->part);
		put_qs("name=", a->filename);
		(void) printf("      declared=%s sniffed=%s size=%zu exts=", a->declared_type,
			      a->sniffed_type != NULL ? a->sniffed_type : "-", a->size);
		for (size_t k = 0; k < a->nexts; k++)
			(void) printf("%s%s", k ? "," : "", a->exts[k]);
		(void) printf("%s\n", a->nexts == 0 ? "-" : "");
		if (a->archive_error)
			(void) printf("      archive: unreadable\n");
		for (size_t k = 0; k < a->nentries; k++) {
			(void) printf("      entry%s size=%lld ",
				      a->entries[k].encrypted ? " encrypted" : "",
				      a->entries[k].size);
			put_qs("name=", a->entries[k].name);
		}
		if (a->archive_truncated)
			(void) printf("      (more entries not listed)\n");
	}
}

/* scamctl_dump - print the model of one message */
void scamctl_dump(const char *name, const char *raw, size_t len, const sc_config *cfg)
{
	sc_msg_limits lim;
	const char *t;
	size_t tlen;
	sc_msg *m;

	memset(&lim, 0, sizeof(lim));
	lim.max_depth = cfg->mime_max_depth;
	lim.max_parts = cfg->mime_max_parts;
	lim.max_decoded = cfg->mime_max_decoded_size;
	m = sc_msg_parse_limits(raw, len, &lim);
	(void) printf("== %s (%zu bytes)\n", name, len);
	dump_findings(m);
	dump_headers(m);
	dump_addrs(m);
	dump_parts(m);
	dump_texts(m);
	dump_html(m);
	dump_urls(m);
	dump_attachments(m);
	t = sc_msg_body_text(m, &tlen);
	(void) printf("body (rendered, as body rules see it):\n");
	put_lines("  ", t, tlen);
	sc_msg_free(m);
}
