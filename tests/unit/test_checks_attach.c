/*
 * test_checks_attach.c - the attachment checks (checks_attach.c) and the
 * obfuscation checks (checks_obfuscation.c) on hand-written messages: must
 * hit, must not hit, and the traps a careless check falls into (archive.
 * tar.gz, Exchange's ATT00001.htm, an inline HTML newsletter, a calendar
 * invite, one zero-width character per date word, German soft hyphens,
 * emoji joiners, a newsletter's hidden preview line). ZIP archives are
 * built here, entry by entry, so the names and the encryption flag are
 * exactly what each row needs.
 */
#include "autoconfig.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <archive.h>
#include <archive_entry.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "checks_harness.h"
#include "diag.h"
#include "mem.h"
#include "msg.h"
#include "rules.h"

static const char RULES[] = "body T_EXEC eval:check_attach_executable()\n"
			    "body T_DOUBLE eval:check_attach_double_ext()\n"
			    "body T_HTML eval:check_attach_html()\n"
			    "body T_MACRO eval:check_attach_macro()\n"
			    "body T_DISK eval:check_attach_disk_image()\n"
			    "body T_ENC eval:check_attach_encrypted_archive()\n"
			    "body T_PASS eval:check_archive_password_in_body()\n"
			    "body T_ZW eval:check_zero_width(3)\n"
			    "body T_IMG eval:check_image_only_link(10,3)\n"
			    "body T_HIDDEN eval:check_hidden_text(500,100)\n"
			    "body T_HTMLONLY eval:check_html_only()\n";

static sc_ruleset *rules;

static int setup(void **state)
{
	(void) state;
	rules = harness_rules(RULES, 1);
	return rules != NULL ? 0 : -1;
}

static int teardown(void **state)
{
	(void) state;
	sc_ruleset_unref(rules);
	return 0;
}

/* --- building messages ------------------------------------------------------ */

/* b64 - base64 of n bytes at p appended to out, 76 columns */
static void b64(sc_buf *out, const unsigned char *p, size_t n)
{
	static const char tab[] =
		"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	size_t col = 0;

	for (size_t i = 0; i < n; i += 3) {
		unsigned v = (unsigned) p[i] << 16;
		char q[4];

		if (i + 1 < n)
			v |= (unsigned) p[i + 1] << 8;
		if (i + 2 < n)
			v |= p[i + 2];
		q[0] = tab[(v >> 18) & 63];
		q[1] = tab[(v >> 12) & 63];
		q[2] = i + 1 < n ? tab[(v >> 6) & 63] : '=';
		q[3] = i + 2 < n ? tab[v & 63] : '=';
		(void) sc_buf_append(out, q, 4);
		if ((col += 4) >= 76) {
			(void) sc_buf_puts(out, "\r\n");
			col = 0;
		}
	}
	(void) sc_buf_puts(out, "\r\n");
}

/* le16, le32 - little-endian fields of a ZIP header */
static void le16(sc_buf *b, unsigned v)
{
	unsigned char c[2] = {(unsigned char) v, (unsigned char) (v >> 8)};

	(void) sc_buf_append(b, c, 2);
}

static void le32(sc_buf *b, unsigned long v)
{
	le16(b, (unsigned) (v & 0xFFFF));
	le16(b, (unsigned) (v >> 16));
}

/* zip_build - a stored ZIP archive of the entries in names ("|"-separated);
 * a name starting with '!' is flagged encrypted (with a 12-byte encryption
 * header before its data, as PKWARE's traditional encryption has) */
static void zip_build(sc_buf *zip, const char *names)
{
	sc_buf cd;
	unsigned count = 0;
	const char *p = names;

	sc_buf_init(&cd, SC_BUF_UNLIMITED);
	while (*p != '\0') {
		const char *bar = strchr(p, '|');
		size_t len = bar != NULL ? (size_t) (bar - p) : strlen(p);
		int enc = p[0] == '!';
		const char *name = p + enc;
		size_t nlen = len - (size_t) enc;
		size_t dlen = enc ? 12 + 5 : 5;
		unsigned long off = (unsigned long) zip->len;

		le32(zip, 0x04034b50UL);
		le16(zip, 20);
		le16(zip, enc ? 1 : 0);
		le16(zip, 0); /* stored */
		le16(zip, 0);
		le16(zip, 0x21);
		le32(zip, 0);
		le32(zip, dlen);
		le32(zip, 5);
		le16(zip, (unsigned) nlen);
		le16(zip, 0);
		(void) sc_buf_append(zip, name, nlen);
		(void) sc_buf_append(zip, enc ? "0123456789abhello" : "hello", dlen);

		le32(&cd, 0x02014b50UL);
		le16(&cd, 20);
		le16(&cd, 20);
		le16(&cd, enc ? 1 : 0);
		le16(&cd, 0);
		le16(&cd, 0);
		le16(&cd, 0x21);
		le32(&cd, 0);
		le32(&cd, dlen);
		le32(&cd, 5);
		le16(&cd, (unsigned) nlen);
		le16(&cd, 0);
		le16(&cd, 0);
		le16(&cd, 0);
		le16(&cd, 0);
		le32(&cd, 0);
		le32(&cd, off);
		(void) sc_buf_append(&cd, name, nlen);
		count++;
		p += len;
		if (*p == '|')
			p++;
	}
	{
		unsigned long cdoff = (unsigned long) zip->len;

		(void) sc_buf_append(zip, cd.data, cd.len);
		le32(zip, 0x06054b50UL);
		le16(zip, 0);
		le16(zip, 0);
		le16(zip, count);
		le16(zip, count);
		le32(zip, (unsigned long) cd.len);
		le32(zip, cdoff);
		le16(zip, 0);
	}
	sc_buf_free(&cd);
}

/* sevenz_build - a 7z archive of the entries in names ("|"-separated), each
 * holding "hello", written by libarchive */
static void sevenz_build(sc_buf *out, const char *names)
{
	struct archive *ar = archive_write_new();
	static char mem[65536];
	size_t used = 0;
	char *copy = sc_strdup(names), *save = NULL;

	assert_non_null(ar);
	assert_int_equal(archive_write_set_format_7zip(ar), ARCHIVE_OK);
	assert_int_equal(archive_write_open_memory(ar, mem, sizeof(mem), &used), ARCHIVE_OK);
	for (char *name = strtok_r(copy, "|", &save); name != NULL;
	     name = strtok_r(NULL, "|", &save)) {
		struct archive_entry *e = archive_entry_new();

		archive_entry_set_pathname(e, name);
		archive_entry_set_filetype(e, AE_IFREG);
		archive_entry_set_perm(e, 0644);
		archive_entry_set_size(e, 5);
		assert_int_equal(archive_write_header(ar, e), ARCHIVE_OK);
		assert_int_equal(archive_write_data(ar, "hello", 5), 5);
		archive_entry_free(e);
	}
	assert_int_equal(archive_write_close(ar), ARCHIVE_OK);
	(void) archive_write_free(ar);
	free(copy);
	(void) sc_buf_append(out, mem, used);
}

/* One attached file of a test message. */
typedef struct att {
	const char *filename; /* NULL: no name */
	const char *type;     /* Content-Type */
	const char *disp;     /* "attachment", "inline" or NULL: no Content-Disposition */
	const char *content;  /* bytes, "zip:a.txt|!b.exe" for a built ZIP, "7z:a|b" a 7z */
	size_t len;           /* 0: strlen(content) */
} att;

/* add_att - a MIME part for a in the message being built */
static void add_att(sc_buf *raw, const att *a)
{
	sc_buf data;

	sc_buf_init(&data, SC_BUF_UNLIMITED);
	if (strncmp(a->content, "zip:", 4) == 0)
		zip_build(&data, a->content + 4);
	else if (strncmp(a->content, "7z:", 3) == 0)
		sevenz_build(&data, a->content + 3);
	else
		(void) sc_buf_append(&data, a->content, a->len ? a->len : strlen(a->content));
	(void) sc_buf_printf(raw, "--b\r\nContent-Type: %s", a->type);
	if (a->filename != NULL)
		(void) sc_buf_printf(raw, "; name=\"%s\"", a->filename);
	(void) sc_buf_puts(raw, "\r\n");
	if (a->disp != NULL) {
		(void) sc_buf_printf(raw, "Content-Disposition: %s", a->disp);
		if (a->filename != NULL)
			(void) sc_buf_printf(raw, "; filename=\"%s\"", a->filename);
		(void) sc_buf_puts(raw, "\r\n");
	}
	(void) sc_buf_puts(raw, "Content-Transfer-Encoding: base64\r\n\r\n");
	b64(raw, (const unsigned char *) data.data, data.len);
	sc_buf_free(&data);
}

/* run - the hits on raw */
static char *run(const sc_buf *raw)
{
	return harness_hits_env(rules, NULL, NULL, NULL, raw->data, raw->len);
}

/* hits_att - the hits on a multipart/mixed message of the text and the
 * n attachments */
static char *hits_att(const char *text, const att *atts, size_t n)
{
	sc_buf raw;
	char *res;

	sc_buf_init(&raw, SC_BUF_UNLIMITED);
	(void) sc_buf_puts(&raw, "From: a@example.org\r\nSubject: files\r\nMIME-Version: 1.0\r\n"
				 "Content-Type: multipart/mixed; boundary=\"b\"\r\n\r\n"
				 "--b\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n");
	(void) sc_buf_printf(&raw, "%s\r\n", text);
	for (size_t i = 0; i < n; i++)
		add_att(&raw, &atts[i]);
	(void) sc_buf_puts(&raw, "--b--\r\n");
	res = run(&raw);
	sc_buf_free(&raw);
	return res;
}

/* has_hit - rule is among the hits h */
static int has_hit(const char *h, const char *rule)
{
	return harness_has_hit(h, rule) != NULL;
}

/* expect_att - one attachment (name, type, content) hits rule or not */
static void expect_att(const char *filename, const char *type, const char *content,
		       const char *rule, int hit)
{
	att a = {filename, type, "attachment", content, 0};
	char *h = hits_att("see attached", &a, 1);

	harness_check(h, rule, hit, NULL, -1, filename ? filename : "(no name)");
	free(h);
}

/* --- attachments ---------------------------------------------------------- */

/* the start of a PE file: the DOS header libmagic knows (64 bytes) */
static const char PE[] = "MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00"
			 "\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00"
			 "\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00"
			 "\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00";

static void test_executable(void **state)
{
	att pe = {"report.dat", "application/octet-stream", "attachment", PE, sizeof(PE) - 1};
	char *h;

	(void) state;
	expect_att("setup.exe", "application/octet-stream", "x", "T_EXEC", 1);
	expect_att("Invoice.JS", "text/plain", "var a=1;", "T_EXEC", 1);
	expect_att("update.hta", "application/octet-stream", "x", "T_EXEC", 1);
	expect_att("doc.lnk", "application/octet-stream", "x", "T_EXEC", 1);
	expect_att("run.ps1", "text/plain", "Write-Host hi", "T_EXEC", 1);
	/* Windows drops trailing blanks: "a.exe " is an exe */
	expect_att("a.exe ", "application/octet-stream", "x", "T_EXEC", 1);
	/* names inside a ZIP, in a folder, any case */
	expect_att("docs.zip", "application/zip", "zip:readme.txt|setup/Payload.VBS", "T_EXEC", 1);
	/* the trap: a bookmark, an archive.tar.gz, documents, a zip of documents */
	expect_att("Liberty.url", "application/octet-stream", "[InternetShortcut]", "T_EXEC", 0);
	expect_att("archive.tar.gz", "application/gzip", "x", "T_EXEC", 0);
	expect_att("report.pdf", "application/pdf", "%PDF-1.4", "T_EXEC", 0);
	expect_att("photos.zip", "application/zip", "zip:a.jpg|b/c.png", "T_EXEC", 0);
	/* a program under a harmless name is found by its content */
	h = hits_att("see attached", &pe, 1);
	assert_non_null(strstr(h, "T_EXEC:check_attach_executable: 1 program or script attached: "
				  "report.dat"));
	free(h);
}

static void test_double_ext(void **state)
{
	char *h;
	att z = {"scan.zip", "application/zip", "attachment", "zip:Invoice.pdf.exe", 0};

	(void) state;
	expect_att("invoice.pdf.exe", "application/octet-stream", "x", "T_DOUBLE", 1);
	expect_att("scan.pdf.html", "text/html", "<p>x</p>", "T_DOUBLE", 1);
	expect_att("statement.pdf                    .scr", "application/octet-stream", "x",
		   "T_DOUBLE", 1);
	expect_att("Payment.docx....js", "application/octet-stream", "x", "T_DOUBLE", 1);
	/* a right-to-left override makes "fdp.exe" read "exe.pdf" */
	expect_att("invoice\xE2\x80\xAE"
		   "fdp.exe",
		   "application/octet-stream", "x", "T_DOUBLE", 1);
	/* the traps: compressed tar, dotted names, a real double extension */
	expect_att("archive.tar.gz", "application/gzip", "x", "T_DOUBLE", 0);
	expect_att("Q3.results.final.xlsx", "application/octet-stream", "x", "T_DOUBLE", 0);
	expect_att("report.pdf.zip", "application/zip", "zip:report.pdf", "T_DOUBLE", 0);
	expect_att("v1.2.3.exe", "application/octet-stream", "x", "T_DOUBLE", 0);
	/* inside an archive: the detail names both */
	h = hits_att("see attached", &z, 1);
	assert_non_null(strstr(h, "T_DOUBLE:check_attach_double_ext: 1 file with a disguised "
				  "extension attached: Invoice.pdf.exe in scan.zip"));
	free(h);
}

static void test_html(void **state)
{
	static const char page[] = "<html><body><form action=\"https://x.example/\">"
				   "Password <input type=password></form></body></html>";
	att alt[] = {{NULL, "text/html; charset=utf-8", "inline", "<p>newsletter</p>", 0},
		     {"invite.ics", "text/calendar; method=REQUEST", "attachment",
		      "BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n", 0}};
	char *h;

	(void) state;
	expect_att("Remittance.html", "text/html", page, "T_HTML", 1);
	expect_att("fax.SHTML", "application/octet-stream", page, "T_HTML", 1);
	expect_att("message.mht", "message/rfc822", "x", "T_HTML", 1);
	expect_att("logo.svg", "image/svg+xml", "<svg xmlns=\"http://www.w3.org/2000/svg\"/>",
		   "T_HTML", 1);
	/* an HTML page sent under another name is sniffed */
	expect_att("document.pdf", "application/octet-stream", page, "T_HTML", 1);
	expect_att("docs.zip", "application/zip", "zip:a.txt|Secure/View.htm", "T_HTML", 1);
	/* the traps: an inline HTML body, a calendar invite, Exchange's ATT00001.htm */
	h = hits_att("see attached", alt, 2);
	assert_false(has_hit(h, "T_HTML"));
	free(h);
	{
		att ex = {"ATT00001.htm", "text/html; charset=us-ascii", "attachment",
			  "<html><body>disclaimer</body></html>", 0};

		h = hits_att("see attached", &ex, 1);
		assert_false(has_hit(h, "T_HTML"));
		free(h);
	}
	expect_att("notes.txt", "text/plain", "plain words here", "T_HTML", 0);
}

static void test_macro_disk(void **state)
{
	(void) state;
	expect_att("Order.docm", "application/octet-stream", "x", "T_MACRO", 1);
	expect_att("budget.XLSM", "application/octet-stream", "x", "T_MACRO", 1);
	expect_att("q.bin", "application/vnd.ms-excel.sheet.macroEnabled.12", "x", "T_MACRO", 1);
	expect_att("x.zip", "application/zip", "zip:sheet.xlsm", "T_MACRO", 1);
	expect_att("Order.docx", "application/octet-stream", "x", "T_MACRO", 0);
	/* a docm renamed .docx keeps its macro store */
	expect_att("Order.docx",
		   "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
		   "zip:[Content_Types].xml|word/document.xml|word/vbaProject.bin", "T_MACRO", 1);
	expect_att("Report.docx",
		   "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
		   "zip:[Content_Types].xml|word/document.xml|word/media/vbaProject.bin.png",
		   "T_MACRO", 0);
	expect_att("old.doc", "application/msword", "x", "T_MACRO", 0);

	expect_att("invoice.iso", "application/octet-stream", "x", "T_DISK", 1);
	expect_att("disk.vhdx", "application/octet-stream", "x", "T_DISK", 1);
	expect_att("b.zip", "application/zip", "zip:Shipment.IMG", "T_DISK", 1);
	expect_att("IMG_2041.jpg", "image/jpeg", "x", "T_DISK", 0);
	/* an ISO 9660 image named like a PDF: its volume descriptor, 32,769
	 * bytes in, is past what libmagic is given */
	{
		static char iso[32769 + 64];
		att a = {"Statement_March.pdf", "application/pdf", "attachment", iso, sizeof(iso)};
		char *h;

		memset(iso, 0, sizeof(iso));
		memcpy(iso + 32769, "CD001\001", 6);
		h = hits_att("Your statement.", &a, 1);
		assert_true(has_hit(h, "T_DISK"));
		free(h);
		memcpy(iso + 32769, "CD002", 5);
		h = hits_att("Your statement.", &a, 1);
		assert_false(has_hit(h, "T_DISK"));
		free(h);
	}
	expect_att("image.png", "image/png", "x", "T_DISK", 0);
}

static void test_rar_7z(void **state)
{
	att sevenz = {"Scan_0412.7z", "application/octet-stream", "attachment",
		      "7z:Scan_0412.pdf.exe|readme.txt", 0};
	att docs = {"Photos.7z", "application/x-7z-compressed", "attachment",
		    "7z:beach.jpg|sunset.jpg", 0};
	/* named .rar but not one: does not read, no hit, no crash */
	att fake = {"Invoice.rar", "application/octet-stream", "attachment", "not an archive", 0};
	char *h;

	(void) state;
	h = hits_att("see attached", &sevenz, 1);
	assert_true(has_hit(h, "T_EXEC"));
	assert_true(has_hit(h, "T_DOUBLE"));
	assert_non_null(strstr(h, "Scan_0412.pdf.exe in Scan_0412.7z"));
	free(h);
	h = hits_att("see attached", &docs, 1);
	assert_false(has_hit(h, "T_EXEC"));
	assert_false(has_hit(h, "T_ENC"));
	free(h);
	h = hits_att("see attached", &fake, 1);
	assert_false(has_hit(h, "T_EXEC"));
	assert_false(has_hit(h, "T_ENC"));
	free(h);
}

/* expect_texts - rule hits (or not) each of the n message texts with the
 * attachment a */
static void expect_texts(const char *const *texts, size_t n, const att *a, const char *rule,
			 int hit)
{
	for (size_t i = 0; i < n; i++) {
		char *h = hits_att(texts[i], a, 1);

		if (has_hit(h, rule) != hit)
			fail_msg("%s should%s hit on \"%s\"\n(hits: %s)", rule, hit ? "" : " not",
				 texts[i], h);
		free(h);
	}
}

static void test_encrypted(void **state)
{
	att enc = {"Invoice.zip", "application/zip", "attachment", "zip:!Invoice.js", 0};
	att plain = {"Invoice.zip", "application/zip", "attachment", "zip:Invoice.pdf", 0};
	char *h;

	(void) state;
	/* encrypted alone: T_ENC, not T_PASS */
	h = hits_att("Your documents are attached.", &enc, 1);
	assert_true(has_hit(h, "T_ENC"));
	assert_false(has_hit(h, "T_PASS"));
	assert_non_null(strstr(h, "1 encrypted archive attached: Invoice.zip"));
	free(h);
	/* with the password in the text, in several ways and languages */
	static const char *const with_pw[] = {
		"Open it with the password: 7781",
		"Archive PASSWORD = Inv-2024!",
		"pwd: \"abc123\"",
		"the password is Q4report",
		"Kennwort: rechnung55",
		"Senha: 12345",
		"Use the following password: **AB12**.",
		"Senha do arquivo: 2025",
		"Password for the attached file: X7q9",
		"Password for the file is Ab12cd",
		"The password is 'summer'",
	};
	expect_texts(with_pw, sizeof(with_pw) / sizeof(with_pw[0]), &enc, "T_PASS", 1);
	/* the traps: no archive encrypted; no password given; "bypass:" */
	h = hits_att("Open it with the password: 7781", &plain, 1);
	assert_false(has_hit(h, "T_ENC"));
	assert_false(has_hit(h, "T_PASS"));
	free(h);
	static const char *const without_pw[] = {
		"The password will follow in a separate message.",
		"Password: ?",
		"bypass: nothing here",
		"passport: see the scan",
		"The password is the one you set in the HR portal.",
		"the password is below",
		"Password reminders are sent to the address we have on file for you: none",
		"Tracking code for your parcel: 4711XZ",
		"Discount code of the month: SAVE10",
	};
	expect_texts(without_pw, sizeof(without_pw) / sizeof(without_pw[0]), &enc, "T_PASS", 0);
}

/* --- obfuscation ------------------------------------------------------------ */

/* hits_body - the hits on a single-part message (Content-Type ctype; NULL:
 * plain text) with subject and body */
static char *hits_body(const char *ctype, const char *subject, const char *body)
{
	sc_buf raw;
	char *res;

	sc_buf_init(&raw, SC_BUF_UNLIMITED);
	(void) sc_buf_printf(&raw, "From: a@example.org\r\nSubject: %s\r\nMIME-Version: 1.0\r\n",
			     subject);
	(void) sc_buf_printf(&raw, "Content-Type: %s\r\n\r\n%s\r\n",
			     ctype ? ctype : "text/plain; charset=utf-8", body);
	res = run(&raw);
	sc_buf_free(&raw);
	return res;
}

/* expect_body - rule hits the message or not */
static void expect_body(const char *ctype, const char *subject, const char *body, const char *rule,
			int hit)
{
	char *h = hits_body(ctype, subject, body);

	harness_check(h, rule, hit, NULL, -1, body);
	free(h);
}

#define ZWSP "\xE2\x80\x8B"
#define ZWNJ "\xE2\x80\x8C"
#define ZWJ  "\xE2\x80\x8D"
#define BOM  "\xEF\xBB\xBF"
#define SHY  "\xC2\xAD"

static void test_zero_width(void **state)
{
	static const char html[] = "text/html; charset=utf-8";
	char *h;

	(void) state;
	/* words taken apart letter by letter, in text, HTML entities, Subject */
	expect_body(NULL, "hello",
		    "Your P" ZWSP "a" ZWSP "y" ZWSP "pal a" ZWNJ "c" ZWNJ "count is s" ZWSP "u" ZWSP
		    "spended, v" ZWJ "er" ZWJ "ify now",
		    "T_ZW", 1);
	expect_body(html, "hello",
		    "<p>Your P&#8203;a&#8203;y&#8203;pal a&zwnj;c&zwnj;count is "
		    "s&#x200B;u&#x200B;spended</p>",
		    "T_ZW", 1);
	expect_body(NULL,
		    "=?UTF-8?B?VeKAi3LigItnZW50IGHigIvigItjdGnigItvbiByZeKAi3HigIt1aXJlZA==?=",
		    "hello", "T_ZW", 1);
	/* mixed with soft hyphens, as long as a zero-width one is there */
	expect_body(NULL, "x", "P" SHY "a" ZWSP "ypal P" SHY "a" ZWSP "ypal P" SHY "a" ZWSP "ypal",
		    "T_ZW", 1);
	/* soft hyphens alone, between every two letters of a word */
	expect_body(NULL, "x",
		    "R" SHY "e" SHY "a" SHY "l W" SHY "e" SHY "i" SHY "g" SHY "h" SHY "t L" SHY
		    "o" SHY "s" SHY "s R" SHY "e" SHY "s" SHY "u" SHY "l" SHY "t" SHY "s",
		    "T_ZW", 1);
	/* ... but not in a three-letter word or between syllables */
	expect_body(NULL, "x", "t" SHY "h" SHY "e t" SHY "h" SHY "e t" SHY "h" SHY "e", "T_ZW", 0);
	/* the traps: one break a word (a newsletter's date and address) */
	expect_body(NULL, "x",
		    "Sale ends Dec" ZWNJ "ember 22, tom" ZWNJ "orrow at No" ZWNJ "on, 1-" BOM
		    "800-" BOM "555, Med" BOM "ford, O" BOM "R, Dec" ZWNJ "ember",
		    "T_ZW", 0);
	/* German hyphenation hints */
	expect_body(html, "x",
		    "<p>Ihre Ver&shy;si&shy;che&shy;rung und Be&shy;ra&shy;tung zur "
		    "Alters&shy;vor&shy;sor&shy;ge</p>",
		    "T_ZW", 0);
	/* a BOM at the start, emoji joiners, Persian's ZWNJ, preheader padding */
	expect_body(NULL, "x", BOM "Hello there", "T_ZW", 0);
	expect_body(NULL, "x",
		    "family \xF0\x9F\x91\xA8" ZWJ "\xF0\x9F\x91\xA9" ZWJ "\xF0\x9F\x91\xA7" ZWJ
		    "\xF0\x9F\x91\xA6 and \xF0\x9F\x91\xA8" ZWJ "\xF0\x9F\x92\xBB" ZWJ
		    "\xF0\x9F\x94\xA5 and \xF0\x9F\x91\xA9" ZWJ "\xF0\x9F\x94\xAC" ZWJ
		    "\xF0\x9F\x94\xA5",
		    "T_ZW", 0);
	expect_body(NULL, "x",
		    "\xD9\x85\xDB\x8C" ZWNJ "\xD8\xB4\xD9\x88\xD8\xAF" ZWNJ "\xD9\x85 "
		    "\xD9\x85\xDB\x8C" ZWNJ "\xD8\xB4\xD9\x88\xD8\xAF" ZWNJ "\xD9\x85 "
		    "\xD9\x85\xDB\x8C" ZWNJ "\xD8\xB4\xD9\x88\xD8\xAF" ZWNJ "\xD9\x85 "
		    "\xD9\x85\xDB\x8C" ZWNJ "\xD8\xB4\xD9\x88\xD8\xAF" ZWNJ "\xD9\x85",
		    "T_ZW", 0);
	expect_body(html, "x",
		    "<div style=\"display:none\">Preview &zwnj;&nbsp;&zwnj;&nbsp;&zwnj;&nbsp;"
		    "&zwnj;&nbsp;&zwnj;&nbsp;</div><p>Hello</p>",
		    "T_ZW", 0);
	/* the detail counts words and characters */
	h = hits_body(NULL, "x", "a" ZWSP "b" ZWSP "c d" ZWSP "e" ZWSP "f g" ZWSP "h" ZWSP "i");
	assert_non_null(strstr(h, "3 words broken up by 6 zero-width characters"));
	free(h);
}

static void test_image_only_link(void **state)
{
	static const char html[] = "text/html; charset=utf-8";

	(void) state;
	expect_body(
		html, "x",
		"<html><body><a href=\"https://promo.example/c\"><img src=\"https://img.example/"
		"a.png\" alt=\"Claim your reward now\"></a></body></html>",
		"T_IMG", 1);
	expect_body(html, "x",
		    "<p>Open below</p><a href=\"http://x.example/\"><img src=\"cid:p1\"></a>",
		    "T_IMG", 1);
	/* the traps: words around the picture; a picture without a link; a
	 * mailto link; a link without a picture */
	expect_body(html, "x",
		    "<p>Hi Anna, here are the photos from Saturday's climbing trip; the third one "
		    "is my favourite. See you on Thursday for the next session.</p>"
		    "<a href=\"https://photos.example/al\"><img src=\"cid:p1\"></a>",
		    "T_IMG", 0);
	expect_body(html, "x", "<img src=\"cid:p1\">", "T_IMG", 0);
	/* a newsletter of image slices (more than 3 here) */
	expect_body(html, "x",
		    "<a href=\"https://shop.example/\"><img src=\"cid:1\"><img src=\"cid:2\">"
		    "<img src=\"cid:3\"><img src=\"cid:4\"></a>",
		    "T_IMG", 0);
	expect_body(html, "x", "<a href=\"mailto:a@example.org\"><img src=\"cid:p1\"></a>", "T_IMG",
		    0);
	expect_body(html, "x", "<a href=\"https://x.example/\">Click</a>", "T_IMG", 0);
}

static void test_html_only(void **state)
{
	static const char alt[] = "multipart/alternative; boundary=\"b\"";
	static const char mixed[] = "multipart/mixed; boundary=\"b\"";

	(void) state;
	expect_body("text/html; charset=utf-8", "x", "<p>Your reward is waiting</p>", "T_HTMLONLY",
		    1);
	/* an empty plain-text alternative is no text */
	expect_body(alt, "x",
		    "--b\r\nContent-Type: text/plain\r\n\r\n \r\n--b\r\n"
		    "Content-Type: text/html\r\n\r\n<p>Your reward is waiting</p>\r\n--b--",
		    "T_HTMLONLY", 1);
	/* the traps: both versions; plain text alone; a plain-text body with
	 * an HTML file attached */
	expect_body(alt, "x",
		    "--b\r\nContent-Type: text/plain\r\n\r\nYour order has shipped\r\n--b\r\n"
		    "Content-Type: text/html\r\n\r\n<p>Your order has shipped</p>\r\n--b--",
		    "T_HTMLONLY", 0);
	expect_body(NULL, "x", "Your order has shipped", "T_HTMLONLY", 0);
	expect_body(mixed, "x",
		    "--b\r\nContent-Type: text/plain\r\n\r\nThe report is attached.\r\n--b\r\n"
		    "Content-Type: text/html\r\nContent-Disposition: attachment; "
		    "filename=\"r.html\"\r\n\r\n<p>report</p>\r\n--b--",
		    "T_HTMLONLY", 0);
}

/* padding - n letters of hidden or visible text */
static void padding(sc_buf *b, size_t n)
{
	static const char words[] = "lorem ipsum dolor sit amet consectetur adipiscing elit ";

	for (size_t k = 0; k < n;) {
		(void) sc_buf_puts(b, words);
		k += 47;
	}
}

static void test_hidden_text(void **state)
{
	static const char html[] = "text/html; charset=utf-8";
	sc_buf b;

	(void) state;
	sc_buf_init(&b, SC_BUF_UNLIMITED);
	/* 600 hidden letters against a short visible text: hit */
	(void) sc_buf_puts(&b, "<p>Your parcel is waiting, confirm delivery.</p>"
			       "<div style=\"display:none\">");
	padding(&b, 600);
	(void) sc_buf_puts(&b, "</div>");
	expect_body(html, "x", sc_buf_cstr(&b), "T_HIDDEN", 1);
	/* the same in white on white */
	sc_buf_reset(&b);
	(void) sc_buf_puts(&b, "<p>Your parcel is waiting.</p><font color=\"#ffffff\">");
	padding(&b, 600);
	(void) sc_buf_puts(&b, "</font>");
	expect_body(html, "x", sc_buf_cstr(&b), "T_HIDDEN", 1);
	/* the traps: a hidden preview line; hidden text smaller than the visible */
	expect_body(html, "x",
		    "<div style=\"display:none;max-height:0\">Our winter sale starts today, "
		    "up to 40% off</div><p>Dear customer, our winter sale has started.</p>",
		    "T_HIDDEN", 0);
	sc_buf_reset(&b);
	(void) sc_buf_puts(&b, "<div style=\"display:none\">");
	padding(&b, 600);
	(void) sc_buf_puts(&b, "</div><p>");
	padding(&b, 1500);
	(void) sc_buf_puts(&b, "</p>");
	expect_body(html, "x", sc_buf_cstr(&b), "T_HIDDEN", 0);
	sc_buf_free(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_executable),  cmocka_unit_test(test_double_ext),
		cmocka_unit_test(test_html),        cmocka_unit_test(test_macro_disk),
		cmocka_unit_test(test_rar_7z),      cmocka_unit_test(test_encrypted),
		cmocka_unit_test(test_zero_width),  cmocka_unit_test(test_image_only_link),
		cmocka_unit_test(test_hidden_text), cmocka_unit_test(test_html_only),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
