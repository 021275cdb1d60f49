/*
 * test_buf.c - sc_buf: bounded appends, all-or-nothing printf, binary
 * content, NUL termination and reuse after reset, steal and free.
 */
#include "autoconfig.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "buf.h"

/* assert_buf_is - exact content, length and the NUL after it */
static void assert_buf_is(const sc_buf *b, const char *want, size_t want_len)
{
	assert_int_equal(b->len, want_len);
	assert_non_null(b->data);
	assert_memory_equal(b->data, want, want_len);
	assert_int_equal(b->data[b->len], '\0');
	assert_true(b->cap > b->len);
	assert_true(b->len <= b->max);
}

/* One sc_buf_append / sc_buf_append_upto step on a buffer of a given max. */
typedef struct append_case {
	const char *what;
	size_t max;
	const char *before;	/* appended first, must fit */
	size_t before_len;
	const char *add;
	size_t add_len;
	int append_rc;		/* sc_buf_append's result */
	const char *after_append;	/* content after sc_buf_append */
	size_t after_append_len;
	size_t upto_kept;	/* sc_buf_append_upto's result, from "before" again */
	const char *after_upto;
	size_t after_upto_len;
} append_case;

static const append_case append_cases[] = {
	{ "fits", 10, "abc", 3, "def", 3, 0, "abcdef", 6, 3, "abcdef", 6 },
	{ "exactly at max", 6, "abc", 3, "def", 3, 0, "abcdef", 6, 3, "abcdef", 6 },
	{ "one past max", 5, "abc", 3, "def", 3, -1, "abc", 3, 2, "abcde", 5 },
	{ "already full", 3, "abc", 3, "d", 1, -1, "abc", 3, 0, "abc", 3 },
	{ "empty append when full", 3, "abc", 3, "", 0, 0, "abc", 3, 0, "abc", 3 },
	{ "max zero", 0, "", 0, "x", 1, -1, "", 0, 0, "", 0 },
	{ "max zero, empty append", 0, "", 0, "", 0, 0, "", 0, 0, "", 0 },
	{ "binary with NULs", 16, "a\0b", 3, "\0\0c\0", 4, 0, "a\0b\0\0c\0", 7, 4,
	  "a\0b\0\0c\0", 7 },
	{ "binary cut at max", 5, "a\0b", 3, "\0\0c\0", 4, -1, "a\0b", 3, 2, "a\0b\0\0", 5 },
	{ "high bytes", 4, "\xff", 1, "\x80\xfe", 2, 0, "\xff\x80\xfe", 3, 2, "\xff\x80\xfe", 3 },
};

/* test_append_table - all-or-nothing append and keep-what-fits append */
static void test_append_table(void **state)
{
	(void) state;
	for (size_t i = 0; i < sizeof(append_cases) / sizeof(append_cases[0]); i++) {
		const append_case *c = &append_cases[i];
		sc_buf b;

		print_message("append: %s\n", c->what);
		sc_buf_init(&b, c->max);
		assert_int_equal(sc_buf_append(&b, c->before, c->before_len), 0);
		assert_int_equal(sc_buf_append(&b, c->add, c->add_len), c->append_rc);
		assert_buf_is(&b, c->after_append, c->after_append_len);
		sc_buf_free(&b);

		sc_buf_init(&b, c->max);
		assert_int_equal(sc_buf_append(&b, c->before, c->before_len), 0);
		assert_int_equal(sc_buf_append_upto(&b, c->add, c->add_len), c->upto_kept);
		assert_buf_is(&b, c->after_upto, c->after_upto_len);
		sc_buf_free(&b);
	}
}

/* One sc_buf_printf on a buffer that already holds "pre". */
typedef struct printf_case {
	const char *what;
	size_t max;
	int arg;
	int rc;
	const char *want;
} printf_case;

static const printf_case printf_cases[] = {
	{ "fits", 64, 42, 0, "pre:42:end" },
	{ "exactly at max", 10, 42, 0, "pre:42:end" },
	{ "one past max leaves the buffer unchanged", 9, 42, -1, "pre" },
	{ "far past max leaves the buffer unchanged", 4, 123456789, -1, "pre" },
	{ "negative number", 64, -7, 0, "pre:-7:end" },
};

/* test_printf_table - formatted appends are all or nothing */
static void test_printf_table(void **state)
{
	(void) state;
	for (size_t i = 0; i < sizeof(printf_cases) / sizeof(printf_cases[0]); i++) {
		const printf_case *c = &printf_cases[i];
		sc_buf b;

		print_message("printf: %s\n", c->what);
		sc_buf_init(&b, c->max);
		assert_int_equal(sc_buf_puts(&b, "pre"), 0);
		assert_int_equal(sc_buf_printf(&b, ":%d:%s", c->arg, "end"), c->rc);
		assert_buf_is(&b, c->want, strlen(c->want));
		sc_buf_free(&b);
	}
}

/* test_printf_empty_and_first - printf on a never-written buffer */
static void test_printf_empty_and_first(void **state)
{
	sc_buf b;

	(void) state;
	sc_buf_init(&b, 8);
	assert_int_equal(sc_buf_printf(&b, "%s", ""), 0);
	assert_buf_is(&b, "", 0);
	assert_int_equal(sc_buf_printf(&b, "%s", "123456789"), -1);
	assert_buf_is(&b, "", 0);
	assert_int_equal(sc_buf_printf(&b, "%08x", 0xbeefu), 0);
	assert_buf_is(&b, "0000beef", 8);
	assert_int_equal(sc_buf_printf(&b, "%c", 'x'), -1);
	assert_buf_is(&b, "0000beef", 8);
	sc_buf_free(&b);
}

/* test_puts_putc - C strings and single bytes, including NUL and 0xff */
static void test_puts_putc(void **state)
{
	sc_buf b;

	(void) state;
	sc_buf_init(&b, 5);
	assert_int_equal(sc_buf_puts(&b, "ab"), 0);
	assert_int_equal(sc_buf_putc(&b, '\0'), 0);
	assert_int_equal(sc_buf_putc(&b, 0xff), 0);
	assert_int_equal(sc_buf_puts(&b, ""), 0);
	assert_int_equal(sc_buf_puts(&b, "cd"), -1);
	assert_int_equal(sc_buf_putc(&b, 'c'), 0);
	assert_int_equal(sc_buf_putc(&b, 'd'), -1);
	assert_buf_is(&b, "ab\0\xff" "c", 5);
	assert_string_equal(sc_buf_cstr(&b), "ab");	/* C view stops at the NUL */
	sc_buf_free(&b);
}

/* test_never_written - an untouched buffer reads as "" and steals as "" */
static void test_never_written(void **state)
{
	sc_buf b;
	char *s;

	(void) state;
	sc_buf_init(&b, 100);
	assert_null(b.data);
	assert_int_equal(b.len, 0);
	assert_string_equal(sc_buf_cstr(&b), "");
	sc_buf_reset(&b);
	assert_string_equal(sc_buf_cstr(&b), "");
	s = sc_buf_steal(&b);
	assert_non_null(s);
	assert_string_equal(s, "");
	free(s);
	sc_buf_free(&b);
	sc_buf_free(&b);	/* twice is harmless */
	assert_null(b.data);
}

/* test_max_is_clamped - a "no limit" request is clamped to SC_BUF_UNLIMITED */
static void test_max_is_clamped(void **state)
{
	static const char byte = 'x';
	sc_buf b;

	(void) state;
	sc_buf_init(&b, SIZE_MAX);
	assert_int_equal(b.max, SC_BUF_UNLIMITED);
	/* A hostile length must fail on the limit check, before any copy. */
	assert_int_equal(sc_buf_append(&b, &byte, SIZE_MAX), -1);
	assert_int_equal(sc_buf_append(&b, &byte, SC_BUF_UNLIMITED + 1), -1);
	assert_int_equal(b.len, 0);
	assert_string_equal(sc_buf_cstr(&b), "");
	sc_buf_free(&b);

	sc_buf_init(&b, 4);
	assert_int_equal(sc_buf_append(&b, "ab", 2), 0);
	/* Only the 2 bytes that fit are read from a claimed SIZE_MAX. */
	assert_int_equal(sc_buf_append_upto(&b, "cd", SIZE_MAX), 2);
	assert_buf_is(&b, "abcd", 4);
	sc_buf_free(&b);
}

/* test_reset_keeps_storage - reset empties but keeps capacity and max */
static void test_reset_keeps_storage(void **state)
{
	sc_buf b;
	char *data;
	size_t cap;

	(void) state;
	sc_buf_init(&b, 6);
	assert_int_equal(sc_buf_puts(&b, "abcdef"), 0);
	data = b.data;
	cap = b.cap;
	sc_buf_reset(&b);
	assert_int_equal(b.len, 0);
	assert_ptr_equal(b.data, data);
	assert_int_equal(b.cap, cap);
	assert_string_equal(sc_buf_cstr(&b), "");
	assert_int_equal(sc_buf_puts(&b, "1234567"), -1);
	assert_int_equal(sc_buf_puts(&b, "123456"), 0);
	assert_buf_is(&b, "123456", 6);
	sc_buf_free(&b);
}

/* test_steal_and_reuse - stolen content is the caller's; the buffer starts over */
static void test_steal_and_reuse(void **state)
{
	sc_buf b;
	char *s, *t;

	(void) state;
	sc_buf_init(&b, 5);
	assert_int_equal(sc_buf_puts(&b, "hello"), 0);
	s = sc_buf_steal(&b);
	assert_string_equal(s, "hello");
	assert_null(b.data);
	assert_int_equal(b.len, 0);
	assert_int_equal(b.cap, 0);
	assert_int_equal(b.max, 5);
	assert_string_equal(sc_buf_cstr(&b), "");
	assert_int_equal(sc_buf_puts(&b, "world!"), -1);	/* the limit survives */
	assert_int_equal(sc_buf_puts(&b, "world"), 0);
	t = sc_buf_steal(&b);
	assert_string_equal(t, "world");
	assert_string_equal(s, "hello");	/* the first one is untouched */
	free(s);
	free(t);
	sc_buf_free(&b);
}

/* test_free_and_reuse - a freed buffer is empty and takes appends again */
static void test_free_and_reuse(void **state)
{
	sc_buf b;

	(void) state;
	sc_buf_init(&b, 3);
	assert_int_equal(sc_buf_puts(&b, "abc"), 0);
	sc_buf_free(&b);
	assert_null(b.data);
	assert_int_equal(b.len, 0);
	assert_string_equal(sc_buf_cstr(&b), "");
	assert_int_equal(sc_buf_puts(&b, "abcd"), -1);
	assert_int_equal(sc_buf_puts(&b, "xyz"), 0);
	assert_buf_is(&b, "xyz", 3);
	sc_buf_free(&b);
}

/* test_growth - thousands of appends of varying sizes keep every byte */
static void test_growth(void **state)
{
	enum { ROUNDS = 3000 };
	size_t total = 0, expect_len;
	unsigned char chunk[97];
	sc_buf b;

	(void) state;
	for (size_t i = 0; i < sizeof(chunk); i++)
		chunk[i] = (unsigned char) (i * 7 + 3);
	chunk[13] = '\0';	/* binary-safe: a NUL in the middle of every chunk */
	sc_buf_init(&b, SC_BUF_UNLIMITED);
	for (size_t r = 0; r < ROUNDS; r++) {
		size_t n = r % sizeof(chunk);

		assert_int_equal(sc_buf_append(&b, chunk, n), 0);
		total += n;
		assert_int_equal(b.len, total);
		assert_int_equal(b.data[b.len], '\0');
	}
	expect_len = 0;
	for (size_t r = 0; r < ROUNDS; r++) {
		size_t n = r % sizeof(chunk);

		assert_memory_equal(b.data + expect_len, chunk, n);
		expect_len += n;
	}
	assert_int_equal(expect_len, b.len);
	assert_true(b.cap > b.len);
	sc_buf_free(&b);
}

/* test_growth_to_exact_max - byte-by-byte growth stops exactly at max */
static void test_growth_to_exact_max(void **state)
{
	enum { MAX = 1000 };
	sc_buf b;

	(void) state;
	sc_buf_init(&b, MAX);
	for (int i = 0; i < MAX; i++)
		assert_int_equal(sc_buf_putc(&b, 'a' + i % 26), 0);
	assert_int_equal(sc_buf_putc(&b, 'z'), -1);
	assert_int_equal(sc_buf_append_upto(&b, "zz", 2), 0);
	assert_int_equal(sc_buf_printf(&b, "%s", "z"), -1);
	assert_int_equal(b.len, MAX);
	assert_int_equal(b.data[MAX], '\0');
	for (int i = 0; i < MAX; i++)
		assert_int_equal(b.data[i], 'a' + i % 26);
	sc_buf_free(&b);
}

/* test_printf_large - a formatted append far larger than the first allocation */
static void test_printf_large(void **state)
{
	char big[5000];
	sc_buf b;

	(void) state;
	memset(big, 'q', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	sc_buf_init(&b, 6000);
	assert_int_equal(sc_buf_puts(&b, "<"), 0);
	assert_int_equal(sc_buf_printf(&b, "%s>%d", big, 7), 0);
	assert_int_equal(b.len, 1 + 4999 + 2);
	assert_int_equal(b.data[0], '<');
	assert_int_equal(b.data[4999], 'q');
	assert_string_equal(b.data + 5000, ">7");
	assert_int_equal(sc_buf_printf(&b, "%s", big), -1);
	assert_int_equal(b.len, 5002);
	sc_buf_free(&b);
}

/* main - run every buf test */
int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_append_table),
		cmocka_unit_test(test_printf_table),
		cmocka_unit_test(test_printf_empty_and_first),
		cmocka_unit_test(test_puts_putc),
		cmocka_unit_test(test_never_written),
		cmocka_unit_test(test_max_is_clamped),
		cmocka_unit_test(test_reset_keeps_storage),
		cmocka_unit_test(test_steal_and_reuse),
		cmocka_unit_test(test_free_and_reuse),
		cmocka_unit_test(test_growth),
		cmocka_unit_test(test_growth_to_exact_max),
		cmocka_unit_test(test_printf_large),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
