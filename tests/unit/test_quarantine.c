/*
 * test_quarantine.c - the quarantine store for real: files and SQLite in a
 * temp dir. Store, get, list filters, read, mark, purge, fsck, id checks,
 * header lookup, and several threads storing while another lists.
 */
#include "autoconfig.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <ftw.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"
#include "mem.h"
#include "quarantine.h"

#define THREADS             4
#define MESSAGES_PER_THREAD 25

static const char msg_a[] = "From: Alice <alice@example.org>\r\n"
			    "Subject: Win\r\n a prize\r\n"
			    "\r\n"
			    "body A\r\n";
static const char msg_b[] = "Subject: second\r\nFrom: bob@example.net\r\n\r\nbody B\r\n";

/* new_dir - a fresh temp directory; caller frees */
static char *new_dir(void)
{
	char *d = sc_strdup("/tmp/test_quarantine.XXXXXX");

	assert_non_null(mkdtemp(d));
	return d;
}

/* rm_one - nftw callback: remove one entry */
static int rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void) st;
	(void) flag;
	(void) ftw;
	return remove(path);
}

/* rm_tree - remove the temp directory and everything in it */
static void rm_tree(const char *dir)
{
	assert_int_equal(nftw(dir, rm_one, 16, FTW_DEPTH | FTW_PHYS), 0);
}

/* count_row - list callback: count rows */
static int count_row(void *arg, const sc_qentry *e)
{
	(void) e;
	(*(size_t *) arg)++;
	return 0;
}

/* copy_row - get callback: keep state, from and subject */
static int copy_row(void *arg, const sc_qentry *e)
{
	char **out = arg;

	out[0] = sc_strdup(e->state);
	out[1] = sc_strdup(e->from != NULL ? e->from : "(null)");
	out[2] = sc_strdup(e->subject != NULL ? e->subject : "(null)");
	out[3] = sc_strdup(e->actor != NULL ? e->actor : "(null)");
	return 0;
}

/* store_one - store raw for rcpts, sender; returns the id in id */
static void store_one(sc_quarantine *q, const char *raw, const char *sender, const char *rcpts,
		      double score, char id[SC_QID_LEN + 1])
{
	sc_qentry e;
	sc_qerr err;

	memset(&e, 0, sizeof(e));
	e.sender = sender;
	e.rcpts = rcpts;
	e.score = score;
	e.hits = "RULE_A,RULE_B";
	assert_int_equal(sc_quarantine_store(q, &e, raw, strlen(raw), &err), 0);
	assert_true(sc_quarantine_valid_id(e.id));
	memcpy(id, e.id, SC_QID_LEN + 1);
}

/* test_store_get_read - a stored message reads back byte for byte, 0600 */
static void test_store_get_read(void **state)
{
	char *dir = new_dir(), id[SC_QID_LEN + 1], path[4200], *row[4];
	sc_quarantine *q = sc_quarantine_new(dir);
	struct stat st;
	sc_qerr err;
	sc_buf out;

	(void) state;
	store_one(q, msg_a, "alice@example.org", "u@example.com", 12.5, id);
	(void) snprintf(path, sizeof(path), "%s/msg/%s", dir, id);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	sc_buf_init(&out, SC_BUF_UNLIMITED);
	assert_int_equal(sc_quarantine_read(q, id, &out, &err), 0);
	assert_int_equal(out.len, strlen(msg_a));
	assert_memory_equal(out.data, msg_a, out.len);
	sc_buf_free(&out);
	assert_int_equal(sc_quarantine_get(q, id, copy_row, row, &err), 1);
	assert_string_equal(row[0], "quarantined");
	assert_string_equal(row[1], "Alice <alice@example.org>");
	assert_string_equal(row[2], "Win a prize"); /* unfolded */
	for (int i = 0; i < 4; i++)
		free(row[i]);
	assert_int_equal(sc_quarantine_get(q, "00000000000000000000", NULL, NULL, &err), 0);
	sc_quarantine_free(q);
	rm_tree(dir);
	free(dir);
}

typedef struct filter_case {
	long long since_offset; /* since = now + offset; 0: no condition */
	const char *rcpt, *from;
	int has_min;
	double min;
	size_t want;
} filter_case;

static const filter_case filter_cases[] = {
	{0, NULL, NULL, 0, 0, 3},
	{-3600, NULL, NULL, 0, 0, 3},
	{3600, NULL, NULL, 0, 0, 0},
	{0, "u@example.com", NULL, 0, 0, 2},
	{0, "U@EXAMPLE.COM", NULL, 0, 0, 2},
	{0, "v@example.com", NULL, 0, 0, 1},
	{0, "nobody@", NULL, 0, 0, 0},
	{0, NULL, "alice", 0, 0, 1},
	{0, NULL, "bob@example.net", 0, 0, 2}, /* From header only, two rows */
	{0, NULL, NULL, 1, 11.0, 2},
	{0, NULL, NULL, 1, 20.0, 1},
	{0, "u@example.com", NULL, 1, 20.0, 0},
	{0, "v@example.com", NULL, 1, 20.0, 1},
	{0, NULL, "x'); DROP TABLE messages;--", 0, 0, 0},
};

/* test_list_filters - each filter row selects the expected number of rows */
static void test_list_filters(void **state)
{
	char *dir = new_dir(), id[SC_QID_LEN + 1];
	sc_quarantine *q = sc_quarantine_new(dir);
	long long now = (long long) time(NULL);
	sc_qerr err;

	(void) state;
	store_one(q, msg_a, "alice@example.org", "u@example.com", 12.0, id);
	store_one(q, msg_b, "", "v@example.com", 25.0, id);
	store_one(q, msg_b, "carol@example.com", "w@example.com,u@example.com", 10.0, id);
	for (size_t i = 0; i < sizeof(filter_cases) / sizeof(filter_cases[0]); i++) {
		const filter_case *fc = &filter_cases[i];
		sc_qfilter f = {fc->since_offset ? now + fc->since_offset : 0, fc->rcpt, fc->from,
				fc->min, fc->has_min};
		size_t n = 0;

		print_message("filter row %zu\n", i);
		assert_int_equal(sc_quarantine_list(q, &f, count_row, &n, &err), 0);
		assert_int_equal(n, fc->want);
	}
	sc_quarantine_free(q);
	rm_tree(dir);
	free(dir);
}

/* test_mark_purge_fsck - release, delete (file gone), fsck, purge */
static void test_mark_purge_fsck(void **state)
{
	char *dir = new_dir(), a[SC_QID_LEN + 1], b[SC_QID_LEN + 1], path[4200], *row[4];
	sc_quarantine *q = sc_quarantine_new(dir);
	size_t orphans, missing, n;
	sc_qfilter all = {0, NULL, NULL, 0, 0};
	sc_qerr err;
	FILE *fp;

	(void) state;
	store_one(q, msg_a, "a@x.example", "u@example.com", 12, a);
	store_one(q, msg_b, "b@x.example", "u@example.com", 12, b);
	assert_int_equal(sc_quarantine_mark(q, a, "released", "admin", &err), 1);
	assert_int_equal(sc_quarantine_get(q, a, copy_row, row, &err), 1);
	assert_string_equal(row[0], "released");
	assert_string_equal(row[3], "admin");
	for (int i = 0; i < 4; i++)
		free(row[i]);
	assert_int_equal(sc_quarantine_mark(q, "ffffffffffffffffffff", "deleted", "x", &err), 0);
	assert_int_equal(sc_quarantine_mark(q, "../../etc/passwd", "deleted", "x", &err), -1);
	/* a row whose file vanished, and a file without a row */
	(void) snprintf(path, sizeof(path), "%s/msg/%s", dir, b);
	assert_int_equal(unlink(path), 0);
	(void) snprintf(path, sizeof(path), "%s/msg/0123456789abcdef0123", dir);
	fp = fopen(path, "w");
	assert_non_null(fp);
	(void) fputs(msg_b, fp);
	(void) fclose(fp);
	assert_int_equal(sc_quarantine_fsck(q, NULL, NULL, NULL, &orphans, &missing, &err), 0);
	assert_int_equal(orphans, 1);
	assert_int_equal(missing, 1);
	assert_int_equal(sc_quarantine_get(q, "0123456789abcdef0123", NULL, NULL, &err), 1);
	assert_int_equal(sc_quarantine_mark(q, a, "deleted", "admin", &err), 1);
	(void) snprintf(path, sizeof(path), "%s/msg/%s", dir, a);
	assert_int_not_equal(access(path, F_OK), 0);
	assert_int_equal(sc_quarantine_purge(q, (long long) time(NULL) - 3600, &n, &err), 0);
	assert_int_equal(n, 0);
	assert_int_equal(sc_quarantine_purge(q, (long long) time(NULL), &n, &err), 0);
	assert_int_equal(n, 3);
	n = 0;
	assert_int_equal(sc_quarantine_list(q, &all, count_row, &n, &err), 0);
	assert_int_equal(n, 0);
	sc_quarantine_free(q);
	rm_tree(dir);
	free(dir);
}

static const char *const id_cases[] = {
	"",
	"0123456789abcdef012",
	"0123456789abcdef01234",
	"0123456789ABCDEF0123",
	"../../../../etc/pass",
	"0123456789abcdef012/",
	"0123456789abcdef012g",
};

/* test_ids - only 20 lower-case hex digits are ids */
static void test_ids(void **state)
{
	(void) state;
	assert_true(sc_quarantine_valid_id("0123456789abcdef0123"));
	assert_false(sc_quarantine_valid_id(NULL));
	for (size_t i = 0; i < sizeof(id_cases) / sizeof(id_cases[0]); i++)
		assert_false(sc_quarantine_valid_id(id_cases[i]));
}

/* test_unwritable - a store that cannot be created fails cleanly */
static void test_unwritable(void **state)
{
	sc_quarantine *q = sc_quarantine_new("/proc/no/such/dir");
	char id[SC_QID_LEN + 1];
	sc_qentry e;
	sc_qerr err;

	(void) state;
	(void) id;
	memset(&e, 0, sizeof(e));
	assert_int_equal(sc_quarantine_store(q, &e, msg_a, strlen(msg_a), &err), -1);
	assert_true(strlen(err.msg) > 0);
	sc_quarantine_free(q);
}

typedef struct worker {
	sc_quarantine *q;
	int failures;
} worker;

/* store_many - a thread storing MESSAGES_PER_THREAD messages */
static void *store_many(void *arg)
{
	worker *w = arg;

	for (int i = 0; i < MESSAGES_PER_THREAD; i++) {
		sc_qentry e;
		sc_qerr err;

		memset(&e, 0, sizeof(e));
		e.rcpts = "u@example.com";
		if (sc_quarantine_store(w->q, &e, msg_a, strlen(msg_a), &err) != 0)
			w->failures++;
	}
	return NULL;
}

/* test_threads - writers on one handle plus a reader on another: no row lost */
static void test_threads(void **state)
{
	char *dir = new_dir();
	sc_quarantine *q = sc_quarantine_new(dir), *reader = sc_quarantine_new(dir);
	sc_qfilter all = {0, NULL, NULL, 0, 0};
	pthread_t t[THREADS];
	worker w = {q, 0};
	sc_qerr err;
	size_t n = 0;

	(void) state;
	for (int i = 0; i < THREADS; i++)
		assert_int_equal(pthread_create(&t[i], NULL, store_many, &w), 0);
	for (int i = 0; i < 20; i++) {
		size_t seen = 0;

		assert_int_equal(sc_quarantine_list(reader, &all, count_row, &seen, &err), 0);
	}
	for (int i = 0; i < THREADS; i++)
		assert_int_equal(pthread_join(t[i], NULL), 0);
	assert_int_equal(w.failures, 0);
	assert_int_equal(sc_quarantine_list(reader, &all, count_row, &n, &err), 0);
	assert_int_equal(n, THREADS * MESSAGES_PER_THREAD);
	sc_quarantine_free(q);
	sc_quarantine_free(reader);
	rm_tree(dir);
	free(dir);
}

typedef struct header_case {
	const char *raw, *name, *want; /* want NULL: absent */
} header_case;

static const header_case header_cases[] = {
	{"Subject: hi\r\n\r\nSubject: body\r\n", "Subject", "hi"},
	{"subject:hi\n\n", "Subject", "hi"},
	{"Subject: a\r\n\tb\r\n c\r\nX: y\r\n\r\n", "Subject", "a\tb c"},
	{"X: y\r\n\r\nSubject: in body\r\n", "Subject", NULL},
	{"Subjects: no\r\n\r\n", "Subject", NULL},
	{"", "Subject", NULL},
	{"Subject:\r\n\r\n", "Subject", ""},
};

/* test_header_value - first field, unfolded, header section only */
static void test_header_value(void **state)
{
	(void) state;
	for (size_t i = 0; i < sizeof(header_cases) / sizeof(header_cases[0]); i++) {
		const header_case *hc = &header_cases[i];
		char *v = sc_header_value(hc->raw, strlen(hc->raw), hc->name);

		print_message("header row %zu\n", i);
		if (hc->want == NULL) {
			assert_null(v);
		} else {
			assert_non_null(v);
			assert_string_equal(v, hc->want);
		}
		free(v);
	}
}

/* main - run every quarantine test */
int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_store_get_read),  cmocka_unit_test(test_list_filters),
		cmocka_unit_test(test_mark_purge_fsck), cmocka_unit_test(test_ids),
		cmocka_unit_test(test_unwritable),      cmocka_unit_test(test_threads),
		cmocka_unit_test(test_header_value),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
