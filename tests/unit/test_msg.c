/*
 * test_msg.c - the message model: header splitting (CRLF and LF), folding,
 * raw values, the mbox "From " line, the body, and findings for bad mail.
 *
 * Every case is copied into a heap block of exactly its length, with no NUL
 * after it, so AddressSanitizer catches any read past the message.
 */
#include "autoconfig.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "msg.h"

/* RAW - a string literal as (bytes, length), embedded NULs included */
#define RAW(s) s, sizeof(s) - 1

#define MAX_WANT_HEADERS 4

typedef struct want_header {
	const char *name;
	const char *value;
	const char *raw;	/* as a C string: up to a NUL it may contain */
} want_header;

typedef struct msg_case {
	const char *what;
	const char *raw;
	size_t len;
	unsigned findings;
	size_t nheaders;
	want_header h[MAX_WANT_HEADERS];
	const char *body;
	size_t body_len;
} msg_case;

enum {
	NO_END = SC_MSG_NO_HEADER_END,
	BAD = SC_MSG_BAD_HEADER_LINE,
	NULS = SC_MSG_NUL_BYTES,
	TOO_MANY = SC_MSG_TOO_MANY_HEADERS,
	ADDR = SC_MSG_BAD_ADDRESS_LIST /* a From: without a domain */
};

static const msg_case msg_cases[] = {
	{ "LF line ends", RAW("Subject: hi\nFrom: a@example.com\n\nbody\n"), 0, 2,
	  { { "Subject", "hi", " hi\n" }, { "From", "a@example.com", " a@example.com\n" } },
	  RAW("body\n") },
	{ "CRLF line ends, normalised to LF",
	  RAW("Subject: hi\r\nFrom: a@b\r\n\r\nbody\r\nline 2\r\n"), 0, 2,
	  { { "Subject", "hi", " hi\n" }, { "From", "a@b", " a@b\n" } }, RAW("body\nline 2\n") },
	{ "mixed line ends", RAW("A: 1\r\nB: 2\n\r\nbody"), 0, 2,
	  { { "A", "1", " 1\n" }, { "B", "2", " 2\n" } }, RAW("body") },
	/* A fold and the blanks after it become one space, as SpamAssassin unfolds. */
	{ "folded, LF", RAW("Subject: one\n two\n\tthree\n\nb"), 0, 1,
	  { { "Subject", "one two three", " one\n two\n\tthree\n" } }, RAW("b") },
	{ "folded, CRLF", RAW("Subject: one\r\n  two\r\nX: y\r\n\r\n"), 0, 2,
	  { { "Subject", "one two", " one\n  two\n" }, { "X", "y", " y\n" } }, RAW("") },
	{ "fold of white space only", RAW("Subject: s\n \nFrom: f\n\nbody"), ADDR, 2,
	  { { "Subject", "s", " s\n \n" }, { "From", "f", " f\n" } }, RAW("body") },
	{ "value trimmed, raw kept", RAW("X-A:   padded  \t\r\n\r\n"), 0, 1,
	  { { "X-A", "padded", "   padded  \t\n" } }, RAW("") },
	{ "no space after the colon", RAW("X-A:v\n\n"), 0, 1, { { "X-A", "v", "v\n" } }, RAW("") },
	{ "empty value", RAW("X-Empty:\n\n"), 0, 1, { { "X-Empty", "", "\n" } }, RAW("") },
	{ "colon in the value", RAW("X-Url: http://a:8080/\n\n"), 0, 1,
	  { { "X-Url", "http://a:8080/", " http://a:8080/\n" } }, RAW("") },
	{ "\"Name :\" tolerated", RAW("Subject : hi\nX-B\t: v\n\n"), 0, 2,
	  { { "Subject", "hi", " hi\n" }, { "X-B", "v", " v\n" } }, RAW("") },
	{ "repeated headers kept in order", RAW("Received: a\nReceived: b\nreceived: c\n\n"), 0, 3,
	  { { "Received", "a", " a\n" }, { "Received", "b", " b\n" }, { "received", "c", " c\n" } },
	  RAW("") },
	{ "mbox From line skipped",
	  RAW("From sender@example.com Mon Jan  1 00:00:00 2024\nFrom: a@b\n\nx"), 0, 1,
	  { { "From", "a@b", " a@b\n" } }, RAW("x") },
	{ "mbox From line, CRLF", RAW("From x\r\nSubject: s\r\n\r\n"), 0, 1,
	  { { "Subject", "s", " s\n" } }, RAW("") },
	{ "From: header is not an mbox line", RAW("From: a@b\n\n"), 0, 1,
	  { { "From", "a@b", " a@b\n" } }, RAW("") },
	{ "only an mbox From line", RAW("From x\n"), NO_END, 0, { { NULL, NULL, NULL } }, RAW("") },
	{ "no empty line", RAW("Subject: hi\nFrom: a\n"), NO_END | ADDR, 2,
	  { { "Subject", "hi", " hi\n" }, { "From", "a", " a\n" } }, RAW("") },
	{ "no empty line, no final newline", RAW("Subject: hi"), NO_END, 1,
	  { { "Subject", "hi", " hi" } }, RAW("") },
	{ "empty input", RAW(""), NO_END, 0, { { NULL, NULL, NULL } }, RAW("") },
	{ "just \"From\"", RAW("From"), NO_END | BAD, 0, { { NULL, NULL, NULL } }, RAW("") },
	{ "just an empty line", RAW("\n"), 0, 0, { { NULL, NULL, NULL } }, RAW("") },
	{ "no headers, CRLF", RAW("\r\nbody"), 0, 0, { { NULL, NULL, NULL } }, RAW("body") },
	{ "second empty line is body", RAW("A: 1\n\n\nbody\n\n"), 0, 1, { { "A", "1", " 1\n" } },
	  RAW("\nbody\n\n") },
	{ "header-like body lines", RAW("A: 1\n\nB: 2\n"), 0, 1, { { "A", "1", " 1\n" } },
	  RAW("B: 2\n") },
	{ "bad line between headers", RAW("Subject: a\nthis is not a header\nFrom: b\n\nx"),
	  BAD | ADDR, 2,
	  { { "Subject", "a", " a\n" }, { "From", "b", " b\n" } }, RAW("x") },
	{ "word without colon", RAW("Garbage\n\n"), BAD, 0, { { NULL, NULL, NULL } }, RAW("") },
	{ "empty name", RAW(": v\n\n"), BAD, 0, { { NULL, NULL, NULL } }, RAW("") },
	{ "blank name before colon", RAW("  : v\nA: 1\n\n"), BAD, 1, { { "A", "1", " 1\n" } },
	  RAW("") },
	{ "continuation with nothing to continue", RAW(" orphan\nSubject: s\n\n"), BAD, 1,
	  { { "Subject", "s", " s\n" } }, RAW("") },
	{ "8-bit byte in the name", RAW("Subj\xe9" "ct: x\nA: 1\n\n"), BAD, 1,
	  { { "A", "1", " 1\n" } }, RAW("") },
	{ "space inside the name", RAW("Sub ject: x\n\n"), BAD, 0, { { NULL, NULL, NULL } },
	  RAW("") },
	{ "NUL in a value", RAW("Subject: a\0b\n\nbody"), NULS, 1, { { "Subject", "a b", " a" } },
	  RAW("body") },
	{ "NUL in the body", RAW("A: 1\n\nbo\0dy\0"), NULS, 1, { { "A", "1", " 1\n" } },
	  RAW("bo\0dy\0") },
	{ "NUL in a name", RAW("Sub\0ject: x\n\n"), NULS | BAD, 0, { { NULL, NULL, NULL } },
	  RAW("") },
	{ "lone CR kept in the value", RAW("A: x\ry\r\n\r\n"), 0, 1,
	  { { "A", "x\ry", " x\ry\n" } }, RAW("") },
	{ "CR at the end of an LF value", RAW("A: x\r\r\n\r\n"), 0, 1, { { "A", "x", " x\r\n" } },
	  RAW("") },
	{ "lone CR kept in the body", RAW("A: 1\r\n\r\na\rb\r\nc\r"), 0, 1,
	  { { "A", "1", " 1\n" } }, RAW("a\rb\nc\r") },
};

/* copy_exact - the bytes in a heap block of exactly len bytes (at least 1 allocated) */
static char *copy_exact(const char *raw, size_t len)
{
	char *p = malloc(len ? len : 1);

	assert_non_null(p);
	if (len > 0)
		memcpy(p, raw, len);
	return p;
}

/* test_parse_table - each message splits into exactly the expected model */
static void test_parse_table(void **state)
{
	(void) state;
	for (size_t i = 0; i < sizeof(msg_cases) / sizeof(msg_cases[0]); i++) {
		const msg_case *c = &msg_cases[i];
		char *raw = copy_exact(c->raw, c->len);
		sc_msg *m = sc_msg_parse(raw, c->len);
		const char *body;
		size_t blen;

		print_message("case: %s\n", c->what);
		free(raw);	/* the model owns copies of what it needs */
		assert_int_equal(sc_msg_findings(m), c->findings);
		assert_int_equal(sc_msg_header_count(m), c->nheaders);
		for (size_t h = 0; h < c->nheaders && h < MAX_WANT_HEADERS; h++) {
			assert_string_equal(sc_msg_header_name(m, h), c->h[h].name);
			assert_string_equal(sc_msg_header_value(m, h), c->h[h].value);
			assert_string_equal(sc_msg_header_raw(m, h), c->h[h].raw);
		}
		body = sc_msg_body(m, &blen);
		assert_int_equal(blen, c->body_len);
		assert_memory_equal(body, c->body, c->body_len);
		assert_int_equal(body[blen], '\0');
		sc_msg_free(m);
	}
}

/* A header lookup: name, starting index, expected index. */
typedef struct find_case {
	const char *name;
	size_t from;
	long want;
} find_case;

static const find_case find_cases[] = {
	{ "Received", 0, 0 }, { "RECEIVED", 0, 0 }, { "received", 1, 2 }, { "Received", 2, 2 },
	{ "Received", 3, 4 }, { "Received", 5, -1 }, { "subject", 0, 1 }, { "SUBJECT", 2, -1 },
	{ "X-Missing", 0, -1 }, { "Receive", 0, -1 }, { "Received2", 0, -1 }, { "", 0, -1 },
	{ "x-b", 0, 3 }, { "Received", 99, -1 },
};

/* test_find_table - case-insensitive lookup from a starting index */
static void test_find_table(void **state)
{
	static const char raw[] =
	    "Received: one\r\n"
	    "Subject: s\r\n"
	    "RECEIVED: two\r\n"
	    "X-B : spaced name\r\n"
	    "received: three\r\n"
	    "\r\n";
	sc_msg *m = sc_msg_parse(raw, sizeof(raw) - 1);

	(void) state;
	assert_int_equal(sc_msg_header_count(m), 5);
	for (size_t i = 0; i < sizeof(find_cases) / sizeof(find_cases[0]); i++) {
		const find_case *c = &find_cases[i];

		print_message("find %s from %zu\n", c->name, c->from);
		assert_int_equal(sc_msg_header_find(m, c->name, c->from), c->want);
	}
	assert_string_equal(sc_msg_header_value(m, 4), "three");
	sc_msg_free(m);
	sc_msg_free(NULL);
}

/* Many header fields: how many are kept, and whether the finding is set. */
typedef struct many_case {
	size_t fields;
	int folded;		/* each field has a continuation line */
	size_t kept;
	unsigned findings;
} many_case;

static const many_case many_cases[] = {
	{ 999, 0, 999, 0 },
	{ SC_MSG_MAX_HEADERS, 0, SC_MSG_MAX_HEADERS, 0 },
	{ SC_MSG_MAX_HEADERS + 1, 0, SC_MSG_MAX_HEADERS, TOO_MANY },
	{ 5000, 0, SC_MSG_MAX_HEADERS, TOO_MANY },
	{ 3000, 1, SC_MSG_MAX_HEADERS, TOO_MANY },
};

/* test_many_headers_table - past SC_MSG_MAX_HEADERS: a finding, the rest ignored */
static void test_many_headers_table(void **state)
{
	(void) state;
	for (size_t i = 0; i < sizeof(many_cases) / sizeof(many_cases[0]); i++) {
		const many_case *c = &many_cases[i];
		const char *body;
		char want[32];
		size_t blen;
		sc_buf raw;
		sc_msg *m;
		char *copy;

		print_message("%zu fields%s\n", c->fields, c->folded ? ", folded" : "");
		sc_buf_init(&raw, SC_BUF_UNLIMITED);
		for (size_t f = 0; f < c->fields; f++) {
			assert_int_equal(sc_buf_printf(&raw, "X-Field-%zu: value %zu\r\n", f, f), 0);
			if (c->folded)
				assert_int_equal(sc_buf_puts(&raw, "\tmore\r\n"), 0);
		}
		assert_int_equal(sc_buf_puts(&raw, "\r\nthe body\r\n"), 0);
		copy = copy_exact(raw.data, raw.len);
		m = sc_msg_parse(copy, raw.len);
		free(copy);
		assert_int_equal(sc_msg_findings(m), c->findings);
		assert_int_equal(sc_msg_header_count(m), c->kept);
		(void) snprintf(want, sizeof(want), "X-Field-%zu", c->kept - 1);
		assert_string_equal(sc_msg_header_name(m, c->kept - 1), want);
		(void) snprintf(want, sizeof(want), c->folded ? "value %zu more" : "value %zu",
				c->kept - 1);
		assert_string_equal(sc_msg_header_value(m, c->kept - 1), want);
		assert_int_equal(sc_msg_header_find(m, "X-Field-1000", 0), -1);
		body = sc_msg_body(m, &blen);
		assert_int_equal(blen, 9);
		assert_memory_equal(body, "the body\n", 9);
		sc_msg_free(m);
		sc_buf_free(&raw);
	}
}

/* test_long_folded_header - one field of thousands of continuation lines */
static void test_long_folded_header(void **state)
{
	enum { LINES = 20000 };
	size_t vlen;
	sc_buf raw;
	sc_msg *m;
	char *copy;

	(void) state;
	sc_buf_init(&raw, SC_BUF_UNLIMITED);
	assert_int_equal(sc_buf_puts(&raw, "To: a@example.com"), 0);
	for (int i = 0; i < LINES; i++)
		assert_int_equal(sc_buf_puts(&raw, ",\r\n b@example.com"), 0);
	assert_int_equal(sc_buf_puts(&raw, "\r\n\r\n"), 0);
	copy = copy_exact(raw.data, raw.len);
	m = sc_msg_parse(copy, raw.len);
	free(copy);
	assert_int_equal(sc_msg_findings(m), 0);
	assert_int_equal(sc_msg_header_count(m), 1);
	vlen = strlen(sc_msg_header_value(m, 0));
	assert_int_equal(vlen, strlen("a@example.com") + (size_t) LINES * strlen(", b@example.com"));
	assert_null(strchr(sc_msg_header_value(m, 0), '\n'));
	assert_null(strchr(sc_msg_header_value(m, 0), '\r'));
	/* CRLF became LF: one byte less per line; "To:" and the empty line are not in it */
	assert_int_equal(strlen(sc_msg_header_raw(m, 0)),
			 raw.len - (LINES + 2) - strlen("To:") - 1);
	sc_msg_free(m);
	sc_buf_free(&raw);
}

/* test_all_byte_values - every byte value in header and body: no crash,
 * NUL finding, body byte-exact */
static void test_all_byte_values(void **state)
{
	unsigned char raw[3 * 256 + 16];
	const char *body;
	size_t n = 0, blen;
	sc_msg *m;
	char *copy;

	(void) state;
	memcpy(raw, "X-Bin: ", 7);
	n = 7;
	for (int c = 1; c < 256; c++)
		if (c != '\n')
			raw[n++] = (unsigned char) c;
	raw[n++] = '\n';
	raw[n++] = '\n';
	for (int c = 0; c < 256; c++)
		raw[n++] = (unsigned char) c;
	copy = copy_exact((const char *) raw, n);
	m = sc_msg_parse(copy, n);
	free(copy);
	/* 8-bit header bytes; 8-bit text without a charset needs the fallback */
	assert_int_equal(sc_msg_findings(m),
			 SC_MSG_NUL_BYTES | SC_MSG_8BIT_HEADER | SC_MSG_BAD_CHARSET);
	assert_int_equal(sc_msg_header_count(m), 1);
	body = sc_msg_body(m, &blen);
	assert_int_equal(blen, 256);
	for (int c = 0; c < 256; c++)
		assert_int_equal((unsigned char) body[c], c);
	sc_msg_free(m);
}

/* One row of sc_msg_ext_spans: a file name, the limits, the spans it
 * gives joined by '|' (as written: no lower-casing). */
typedef struct ext_row {
	const char *name;
	size_t max_chars, max;
	const char *want;
} ext_row;

static const ext_row ext_rows[] = {
	{"a.pdf.exe", SC_MSG_EXT_MAX_CHARS, SC_MSG_MAX_EXTS, "pdf|exe"},
	{"Invoice.PDF.Exe", SC_MSG_EXT_MAX_CHARS, SC_MSG_MAX_EXTS, "PDF|Exe"},
	/* the path goes, by either slash */
	{"x/y\\z.tar.gz", SC_MSG_EXT_MAX_CHARS, SC_MSG_MAX_EXTS, "tar|gz"},
	{"dir.d/file", SC_MSG_EXT_MAX_CHARS, SC_MSG_MAX_EXTS, ""},
	{"dir/", SC_MSG_EXT_MAX_CHARS, SC_MSG_MAX_EXTS, ""},
	/* the first segment is the name, a leading dot too */
	{".htaccess", SC_MSG_EXT_MAX_CHARS, SC_MSG_MAX_EXTS, ""},
	{".config.js", SC_MSG_EXT_MAX_CHARS, SC_MSG_MAX_EXTS, "js"},
	{"", SC_MSG_EXT_MAX_CHARS, SC_MSG_MAX_EXTS, ""},
	{"noext", SC_MSG_EXT_MAX_CHARS, SC_MSG_MAX_EXTS, ""},
	/* trailing blanks of an extension dropped, empty extensions skipped */
	{"a.exe .", SC_MSG_EXT_MAX_CHARS, SC_MSG_MAX_EXTS, "exe"},
	{"scan.pdf\t.html", SC_MSG_EXT_MAX_CHARS, SC_MSG_MAX_EXTS, "pdf|html"},
	{"a..b", SC_MSG_EXT_MAX_CHARS, SC_MSG_MAX_EXTS, "b"},
	{"a.pdf....js", SC_MSG_EXT_MAX_CHARS, SC_MSG_MAX_EXTS, "pdf|js"},
	{"a. .", SC_MSG_EXT_MAX_CHARS, SC_MSG_MAX_EXTS, ""},
	/* an inner blank stays */
	{"a.p df", SC_MSG_EXT_MAX_CHARS, SC_MSG_MAX_EXTS, "p df"},
	/* over-long "extensions" are words: 16 bytes kept, 17 skipped */
	{"a.abcdefghijklmnop.exe", SC_MSG_EXT_MAX_CHARS, SC_MSG_MAX_EXTS, "abcdefghijklmnop|exe"},
	{"a.abcdefghijklmnopq.exe", SC_MSG_EXT_MAX_CHARS, SC_MSG_MAX_EXTS, "exe"},
	{"Mr. Smith sends the invoice you asked for.pdf", SC_MSG_EXT_MAX_CHARS, SC_MSG_MAX_EXTS,
	 "pdf"},
	{"a.abcd.exe", 3, SC_MSG_MAX_EXTS, "exe"},
	/* more extensions than kept: the last ones */
	{"a.1.2.3.4.5.6.7.8.9.10", SC_MSG_EXT_MAX_CHARS, SC_MSG_MAX_EXTS, "3|4|5|6|7|8|9|10"},
	{"a.1.2.3", SC_MSG_EXT_MAX_CHARS, 2, "2|3"},
	{"a.1.2.3", SC_MSG_EXT_MAX_CHARS, 1, "3"},
	{"a.1.2.3", SC_MSG_EXT_MAX_CHARS, 0, ""},
};

/* test_ext_spans_table - sc_msg_ext_spans on every row of ext_rows */
static void test_ext_spans_table(void **state)
{
	(void) state;
	for (size_t i = 0; i < sizeof(ext_rows) / sizeof(ext_rows[0]); i++) {
		const ext_row *r = &ext_rows[i];
		sc_msg_ext_span sp[SC_MSG_MAX_EXTS + 1];
		size_t n;
		sc_buf got;

		/* a canary past max: nothing may be written there */
		for (size_t k = 0; k <= SC_MSG_MAX_EXTS; k++) {
			sp[k].p = NULL;
			sp[k].len = 99;
		}
		n = sc_msg_ext_spans(r->name, r->max_chars, sp, r->max);
		assert_true(n <= r->max);
		for (size_t k = r->max; k <= SC_MSG_MAX_EXTS; k++)
			assert_int_equal(sp[k].len, 99);
		sc_buf_init(&got, SC_BUF_UNLIMITED);
		for (size_t k = 0; k < n; k++) {
			assert_true(sp[k].p > r->name &&
				    sp[k].p + sp[k].len <= r->name + strlen(r->name));
			(void) sc_buf_printf(&got, "%s%.*s", k > 0 ? "|" : "", (int) sp[k].len,
					     sp[k].p);
		}
		if (strcmp(sc_buf_cstr(&got), r->want) != 0)
			fail_msg("row %zu \"%s\": got \"%s\", want \"%s\"", i, r->name,
				 sc_buf_cstr(&got), r->want);
		sc_buf_free(&got);
	}
}

/* main - run every msg test */
int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_table),
		cmocka_unit_test(test_find_table),
		cmocka_unit_test(test_many_headers_table),
		cmocka_unit_test(test_long_folded_header),
		cmocka_unit_test(test_all_byte_values),
		cmocka_unit_test(test_ext_spans_table),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
