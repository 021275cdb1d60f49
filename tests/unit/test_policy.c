/*
 * test_policy.c - score to action at and around each threshold, and the
 * exact text of the X-Scam-Score and X-Scam-Status header values.
 */
#include "autoconfig.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "config.h"
#include "policy.h"
#include "scan.h"

/* One score under one set of thresholds. */
typedef struct action_case {
	double tag, quarantine, reject;
	double score;
	sc_action want;
} action_case;

static const action_case action_cases[] = {
	/* the defaults, at and around each threshold */
	{ 5, 10, 15, -100.0, SC_ACTION_ACCEPT },
	{ 5, 10, 15, -0.0, SC_ACTION_ACCEPT },
	{ 5, 10, 15, 0.0, SC_ACTION_ACCEPT },
	{ 5, 10, 15, 4.9, SC_ACTION_ACCEPT },
	{ 5, 10, 15, 4.999, SC_ACTION_ACCEPT },
	{ 5, 10, 15, 5.0, SC_ACTION_TAG },
	{ 5, 10, 15, 5.001, SC_ACTION_TAG },
	{ 5, 10, 15, 9.999, SC_ACTION_TAG },
	{ 5, 10, 15, 10.0, SC_ACTION_QUARANTINE },
	{ 5, 10, 15, 10.001, SC_ACTION_QUARANTINE },
	{ 5, 10, 15, 14.999, SC_ACTION_QUARANTINE },
	{ 5, 10, 15, 15.0, SC_ACTION_REJECT },
	{ 5, 10, 15, 15.001, SC_ACTION_REJECT },
	{ 5, 10, 15, 1e6, SC_ACTION_REJECT },
	/* equal thresholds: the strongest action wins */
	{ 7, 7, 7, 6.999, SC_ACTION_ACCEPT },
	{ 7, 7, 7, 7.0, SC_ACTION_REJECT },
	{ 5, 10, 10, 10.0, SC_ACTION_REJECT },
	{ 5, 5, 15, 5.0, SC_ACTION_QUARANTINE },
	/* negative and fractional thresholds */
	{ -1, 0, 1, -1.0, SC_ACTION_TAG },
	{ -1, 0, 1, -1.001, SC_ACTION_ACCEPT },
	{ -1, 0, 1, 0.0, SC_ACTION_QUARANTINE },
	{ -1, 0, 1, 0.999, SC_ACTION_QUARANTINE },
	{ -1, 0, 1, 1.0, SC_ACTION_REJECT },
	{ 4.5, 8.25, 12.125, 8.25, SC_ACTION_QUARANTINE },
	{ 4.5, 8.25, 12.125, 12.124, SC_ACTION_QUARANTINE },
	{ 4.5, 8.25, 12.125, 12.125, SC_ACTION_REJECT },
};

/* test_action_table - the strongest action whose threshold the score reaches */
static void test_action_table(void **state)
{
	sc_config *c = sc_config_defaults(NULL);

	(void) state;
	for (size_t i = 0; i < sizeof(action_cases) / sizeof(action_cases[0]); i++) {
		const action_case *ac = &action_cases[i];

		print_message("%g/%g/%g score %g\n", ac->tag, ac->quarantine, ac->reject, ac->score);
		c->tag_threshold = ac->tag;
		c->quarantine_threshold = ac->quarantine;
		c->reject_threshold = ac->reject;
		assert_int_equal(sc_policy_action(c, ac->score), ac->want);
	}
	/* The nearest doubles on either side of each default threshold. */
	c->tag_threshold = 5.0;
	c->quarantine_threshold = 10.0;
	c->reject_threshold = 15.0;
	assert_int_equal(sc_policy_action(c, nextafter(5.0, 0.0)), SC_ACTION_ACCEPT);
	assert_int_equal(sc_policy_action(c, nextafter(10.0, 0.0)), SC_ACTION_TAG);
	assert_int_equal(sc_policy_action(c, nextafter(15.0, 0.0)), SC_ACTION_QUARANTINE);
	assert_int_equal(sc_policy_action(c, nextafter(15.0, 100.0)), SC_ACTION_REJECT);
	sc_config_free(c);
}

/* test_action_names - the words used in logs, headers and JSON */
static void test_action_names(void **state)
{
	static const struct {
		sc_action a;
		const char *name;
	} names[] = {
		{ SC_ACTION_ACCEPT, "accept" },
		{ SC_ACTION_TAG, "tag" },
		{ SC_ACTION_QUARANTINE, "quarantine" },
		{ SC_ACTION_REJECT, "reject" },
		{ (sc_action) 42, "unknown" },
	};

	(void) state;
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		assert_string_equal(sc_action_name(names[i].a), names[i].name);
}

/* One X-Scam-Score value. */
typedef struct score_case {
	double score;
	const char *want;
} score_case;

static const score_case score_cases[] = {
	{ 0.0, "0.0" },
	{ 7.3, "7.3" },
	{ 7.34, "7.3" },
	{ 7.36, "7.4" },
	{ 4.96, "4.9" },	/* under tag_threshold: never shown as 5.0 */
	{ 5.04, "5.0" },
	{ 15.0, "15.0" },
	{ 100.0, "100.0" },
	{ 1234.5678, "1234.6" },
	{ -2.5, "-2.5" },
	{ -0.06, "-0.1" },
};

/* test_score_header_table - X-Scam-Score is the score with one decimal */
static void test_score_header_table(void **state)
{
	(void) state;
	for (size_t i = 0; i < sizeof(score_cases) / sizeof(score_cases[0]); i++) {
		sc_verdict v = { 0 };
		sc_buf out;

		sc_config *c = sc_config_defaults(NULL);

		v.score = score_cases[i].score;
		sc_buf_init(&out, 64);
		sc_policy_score_header(c, &v, &out);
		sc_config_free(c);
		assert_string_equal(sc_buf_cstr(&out), score_cases[i].want);
		sc_buf_free(&out);
	}
}

/* test_score_header_no_negative_zero - a zero score reads "0.0" whatever
 * its sign bit: sc_scan's rounding turns a net-zero sum such as
 * 0.3 - 0.1 - 0.2 (-2.8e-17) into -0.0 (every row checked before failing) */
static void test_score_header_no_negative_zero(void **state)
{
	static const double zeroes[] = { 0.0, -0.0 };
	size_t failed = 0;

	(void) state;
	for (size_t i = 0; i < sizeof(zeroes) / sizeof(zeroes[0]); i++) {
		sc_verdict v = { 0 };
		sc_buf out;

		sc_config *c = sc_config_defaults(NULL);

		v.score = zeroes[i];
		sc_buf_init(&out, 64);
		sc_policy_score_header(c, &v, &out);
		sc_config_free(c);
		if (strcmp(sc_buf_cstr(&out), "0.0") != 0) {
			print_message("MISMATCH score %g: \"%s\" (want \"0.0\")\n", zeroes[i],
				      sc_buf_cstr(&out));
			failed++;
		}
		sc_buf_free(&out);
	}
	assert_int_equal(failed, 0);
}

#define MAX_TEST_HITS 4

/* A verdict built by hand and its exact X-Scam-Status value. */
typedef struct status_case {
	double tag, quarantine, reject;
	double score;
	sc_action action;
	size_t nhits;
	struct {
		const char *name;
		double score;
	} hits[MAX_TEST_HITS];
	const char *want;
} status_case;

static const status_case status_cases[] = {
	{ 5, 10, 15, 0.0, SC_ACTION_ACCEPT, 0, { { NULL, 0 } },
	  "No, score=0.0 tag=5.0 quarantine=10.0 reject=15.0 tests=none" },
	{ 5, 10, 15, 5.5, SC_ACTION_TAG, 2, { { "A", 2.0 }, { "B", 3.5 } },
	  "Yes, score=5.5 tag=5.0 quarantine=10.0 reject=15.0 tests=A=2.0,B=3.5" },
	{ 5, 10, 15, 7.3, SC_ACTION_TAG, 2, { { "RULE_A", 2.0 }, { "RULE_B", 5.3 } },
	  "Yes, score=7.3 tag=5.0 quarantine=10.0 reject=15.0 tests=RULE_A=2.0,\n\tRULE_B=5.3" },
	{ 5, 10, 15, 4.9, SC_ACTION_ACCEPT, 1, { { "NEAR", 4.9 } },
	  "No, score=4.9 tag=5.0 quarantine=10.0 reject=15.0 tests=NEAR=4.9" },
	{ 5, 10, 15, 12.0, SC_ACTION_QUARANTINE, 1, { { "Q", 12.0 } },
	  "Yes, score=12.0 tag=5.0 quarantine=10.0 reject=15.0 tests=Q=12.0" },
	{ 5, 10, 15, 20.0, SC_ACTION_REJECT, 1, { { "R", 20.0 } },
	  "Yes, score=20.0 tag=5.0 quarantine=10.0 reject=15.0 tests=R=20.0" },
	{ 5, 10, 15, 0.0, SC_ACTION_ACCEPT, 1, { { SC_HIT_TRUNCATED, 0.0 } },
	  "No, score=0.0 tag=5.0 quarantine=10.0 reject=15.0 tests=SCAM_MESSAGE_TRUNCATED=0.0" },
	{ 5, 10, 15, 1.5, SC_ACTION_ACCEPT, 2, { { "GOOD", -1.5 }, { "BAD", 3.0 } },
	  "No, score=1.5 tag=5.0 quarantine=10.0 reject=15.0 tests=GOOD=-1.5,\n\tBAD=3.0" },
	{ 4, 8, 12, 4.0, SC_ACTION_TAG, 1, { { "X", 4.0 } },
	  "Yes, score=4.0 tag=4.0 quarantine=8.0 reject=12.0 tests=X=4.0" },
	{ 4.5, 8.3, 12.7, 1.0, SC_ACTION_ACCEPT, 0, { { NULL, 0 } },
	  "No, score=1.0 tag=4.5 quarantine=8.3 reject=12.7 tests=none" },
	{ 5, 10, 15, 5.0, SC_ACTION_TAG, 3,
	  { { "AB", 1.666 }, { "CD", 1.667 }, { "EF", 1.667 } },
	  "Yes, score=5.0 tag=5.0 quarantine=10.0 reject=15.0 tests=AB=1.666,CD=1.667,\n\tEF=1.667" },
	/* rule scores as SpamAssassin shows them: up to three decimals, never -0.0 */
	{ 5, 10, 15, 0.0, SC_ACTION_ACCEPT, 4,
	  { { "P", -0.001 }, { "Q", 0.25 }, { "R", -0.0 }, { "S", 2.0 } },
	  "No, score=0.0 tag=5.0 quarantine=10.0 reject=15.0 tests=P=-0.001,Q=0.25,\n\tR=0.0,S=2.0" },
};

/* verdict_from - a verdict with the case's hits (free with sc_verdict_free) */
static sc_verdict *verdict_from(double score, sc_action action, size_t nhits,
				const char *const *names, const double *scores)
{
	sc_verdict *v = calloc(1, sizeof(*v));

	assert_non_null(v);
	v->score = score;
	v->action = action;
	v->nhits = nhits;
	v->hits = calloc(nhits ? nhits : 1, sizeof(*v->hits));
	assert_non_null(v->hits);
	for (size_t i = 0; i < nhits; i++) {
		v->hits[i].name = strdup(names[i]);
		v->hits[i].description = strdup("");
		v->hits[i].detail = strdup("");
		v->hits[i].score = scores[i];
		assert_non_null(v->hits[i].name);
	}
	return v;
}

/* test_status_header_table - X-Scam-Status, exactly */
static void test_status_header_table(void **state)
{
	sc_config *c = sc_config_defaults(NULL);

	(void) state;
	for (size_t i = 0; i < sizeof(status_cases) / sizeof(status_cases[0]); i++) {
		const status_case *sc = &status_cases[i];
		const char *names[MAX_TEST_HITS];
		double scores[MAX_TEST_HITS];
		sc_verdict *v;
		sc_buf out;

		for (size_t h = 0; h < sc->nhits; h++) {
			names[h] = sc->hits[h].name;
			scores[h] = sc->hits[h].score;
		}
		c->tag_threshold = sc->tag;
		c->quarantine_threshold = sc->quarantine;
		c->reject_threshold = sc->reject;
		v = verdict_from(sc->score, sc->action, sc->nhits, names, scores);
		sc_buf_init(&out, 4096);
		sc_policy_status_header(c, v, &out);
		assert_string_equal(sc_buf_cstr(&out), sc->want);
		sc_buf_free(&out);
		sc_verdict_free(v);
	}
	sc_config_free(c);
}

/* unfold - the text with every "\n\t" fold removed (free it) */
static char *unfold(const char *s)
{
	sc_buf b;

	sc_buf_init(&b, SC_BUF_UNLIMITED);
	for (; *s != '\0'; s++) {
		if (s[0] == '\n' && s[1] == '\t') {
			s++;
			continue;
		}
		assert_int_equal(sc_buf_putc(&b, *s), 0);
	}
	return sc_buf_steal(&b);
}

/* A list of hits: how many, of which name length, and the folds it needs at least. */
typedef struct fold_case {
	size_t nhits;
	size_t name_len;
	size_t min_folds;
} fold_case;

static const fold_case fold_cases[] = {
	{ 1, 30, 0 },
	{ 3, 8, 1 },
	{ 8, 12, 2 },
	{ 20, 20, 5 },
	{ 60, 25, 15 },
	{ 200, 4, 15 },
};

/* test_status_header_folding - many hits fold after a comma with "\n\t";
 * unfolded, the value is the plain list; no line is much past 76 columns */
static void test_status_header_folding(void **state)
{
	sc_config *c = sc_config_defaults(NULL);

	(void) state;
	for (size_t i = 0; i < sizeof(fold_cases) / sizeof(fold_cases[0]); i++) {
		const fold_case *fc = &fold_cases[i];
		const char **names = calloc(fc->nhits, sizeof(*names));
		double *scores = calloc(fc->nhits, sizeof(*scores));
		size_t folds = 0, line_len = 0, widest = 0, first_line = 0;
		sc_buf out, want;
		sc_verdict *v;
		char *flat;

		print_message("%zu hits of %zu-byte names\n", fc->nhits, fc->name_len);
		assert_non_null(names);
		assert_non_null(scores);
		sc_buf_init(&want, SC_BUF_UNLIMITED);
		assert_int_equal(sc_buf_puts(&want, "Yes, score=99.0 tag=5.0 quarantine=10.0 "
						    "reject=15.0 tests="),
				 0);
		for (size_t h = 0; h < fc->nhits; h++) {
			sc_buf n;

			sc_buf_init(&n, SC_BUF_UNLIMITED);
			assert_int_equal(sc_buf_printf(&n, "R%0*zu", (int) fc->name_len - 1, h), 0);
			names[h] = sc_buf_steal(&n);
			scores[h] = (double) (h % 7) + 0.5;
			assert_int_equal(sc_buf_printf(&want, "%s%s=%.1f", h ? "," : "", names[h],
						       scores[h]),
					 0);
		}
		v = verdict_from(99.0, SC_ACTION_REJECT, fc->nhits, names, scores);
		sc_buf_init(&out, SC_BUF_UNLIMITED);
		sc_policy_status_header(c, v, &out);
		for (const char *p = sc_buf_cstr(&out); *p != '\0'; p++) {
			if (*p == '\n') {
				assert_int_equal(p[1], '\t');	/* every fold is "\n\t" */
				assert_int_equal(p[-1], ',');	/* right after a comma */
				if (folds++ == 0)
					first_line = line_len;
				else
					widest = line_len > widest ? line_len : widest;
				line_len = 0;
				continue;
			}
			line_len++;
		}
		widest = line_len > widest ? line_len : widest;
		flat = unfold(sc_buf_cstr(&out));
		assert_string_equal(flat, want.data);
		assert_true(folds >= fc->min_folds);
		if (fc->nhits == 1) {
			assert_int_equal(folds, 0);
		} else {
			/* The first line is the 58-byte prefix and the first hit (the
			 * prefix leaves no room for a second); every continuation line
			 * stays near the fold width. */
			assert_int_equal(first_line, strlen("Yes, score=99.0 tag=5.0 "
							    "quarantine=10.0 reject=15.0 tests=") +
							 fc->name_len + strlen("=0.5,"));
			assert_true(widest <= 76 + 2);
		}
		assert_null(strstr(sc_buf_cstr(&out), "\n\t\n"));
		assert_int_not_equal(sc_buf_cstr(&out)[out.len - 1], '\t');
		free(flat);
		sc_buf_free(&out);
		sc_buf_free(&want);
		sc_verdict_free(v);
		for (size_t h = 0; h < fc->nhits; h++)
			free((void *) names[h]);
		free(names);
		free(scores);
	}
	sc_config_free(c);
}

/* test_status_header_exact_fold - the fold point of one list, byte for byte */
static void test_status_header_exact_fold(void **state)
{
	static const char *const names[] = {
		"FROM_FREEMAIL_REPLYTO", "ADVANCE_FEE_WORDS", "LOTTERY_WINNER", "URGENT_REPLY",
	};
	static const double scores[] = { 2.0, 3.5, 4.0, 1.2 };
	sc_config *c = sc_config_defaults(NULL);
	sc_verdict *v = verdict_from(10.7, SC_ACTION_QUARANTINE, 4, (const char *const *) names,
				     scores);
	sc_buf out;

	(void) state;
	sc_buf_init(&out, 4096);
	sc_policy_status_header(c, v, &out);
	assert_string_equal(sc_buf_cstr(&out),
			    "Yes, score=10.7 tag=5.0 quarantine=10.0 reject=15.0 "
			    "tests=FROM_FREEMAIL_REPLYTO=2.0,\n"
			    "\tADVANCE_FEE_WORDS=3.5,LOTTERY_WINNER=4.0,URGENT_REPLY=1.2");
	sc_buf_free(&out);
	sc_verdict_free(v);
	sc_config_free(c);
}

/* test_status_header_appends - the value is appended after what out holds */
static void test_status_header_appends(void **state)
{
	static const char *const names[] = { "A" };
	static const double scores[] = { 6.0 };
	sc_config *c = sc_config_defaults(NULL);
	sc_verdict *v = verdict_from(6.0, SC_ACTION_TAG, 1, (const char *const *) names, scores);
	sc_buf out;

	(void) state;
	sc_buf_init(&out, 4096);
	assert_int_equal(sc_buf_puts(&out, "X-Scam-Status: "), 0);
	sc_policy_status_header(c, v, &out);
	assert_string_equal(sc_buf_cstr(&out), "X-Scam-Status: Yes, score=6.0 tag=5.0 "
					       "quarantine=10.0 reject=15.0 tests=A=6.0");
	sc_buf_reset(&out);
	assert_int_equal(sc_buf_puts(&out, "X-Scam-Score: "), 0);
	sc_policy_score_header(c, v, &out);
	assert_string_equal(sc_buf_cstr(&out), "X-Scam-Score: 6.0");
	sc_buf_free(&out);
	sc_verdict_free(v);
	sc_config_free(c);
}

/* test_status_header_bounded - a small output buffer is never overrun */
static void test_status_header_bounded(void **state)
{
	static const char *const names[] = { "A_VERY_LONG_RULE_NAME_INDEED", "B" };
	static const double scores[] = { 6.0, 1.0 };
	sc_config *c = sc_config_defaults(NULL);
	sc_verdict *v = verdict_from(7.0, SC_ACTION_TAG, 2, (const char *const *) names, scores);

	(void) state;
	for (size_t max = 0; max < 120; max++) {
		sc_buf out;

		sc_buf_init(&out, max);
		sc_policy_status_header(c, v, &out);
		assert_true(out.len <= max);
		assert_int_equal(strlen(sc_buf_cstr(&out)), out.len);
		sc_buf_free(&out);
	}
	sc_verdict_free(v);
	sc_config_free(c);
}

/* test_status_header_consistent - a "No" never shows a score that reads as
 * reaching the tag threshold, and a "Yes" never one that reads as below it
 * (SpamAssassin shows required - 0.1 for the first case; every row checked) */
static void test_status_header_consistent(void **state)
{
	static const struct {
		double score;
		sc_action action;
	} rows[] = {
		{ 4.9, SC_ACTION_ACCEPT },	{ 4.94, SC_ACTION_ACCEPT },
		{ 4.95, SC_ACTION_ACCEPT },	{ 4.96, SC_ACTION_ACCEPT },
		{ 4.999, SC_ACTION_ACCEPT },	{ 5.0, SC_ACTION_TAG },
		{ 5.04, SC_ACTION_TAG },
	};
	sc_config *c = sc_config_defaults(NULL);
	size_t failed = 0;

	(void) state;
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		sc_verdict *v = verdict_from(rows[i].score, rows[i].action, 0, NULL, NULL);
		double shown, tag;
		sc_buf out;
		int yes;

		sc_buf_init(&out, 4096);
		sc_policy_status_header(c, v, &out);
		yes = strncmp(sc_buf_cstr(&out), "Yes,", 4) == 0;
		assert_int_equal(sscanf(strstr(sc_buf_cstr(&out), "score="), "score=%lf tag=%lf",
					&shown, &tag),
				 2);
		assert_int_equal(yes, rows[i].action != SC_ACTION_ACCEPT);
		if (yes != (shown >= tag)) {
			print_message("MISMATCH score %g: \"%s\"\n", rows[i].score,
				      sc_buf_cstr(&out));
			failed++;
		}
		sc_buf_free(&out);
		sc_verdict_free(v);
	}
	sc_config_free(c);
	assert_int_equal(failed, 0);
}

/* main - run every policy test */
int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_action_table),
		cmocka_unit_test(test_action_names),
		cmocka_unit_test(test_score_header_table),
		cmocka_unit_test(test_score_header_no_negative_zero),
		cmocka_unit_test(test_status_header_table),
		cmocka_unit_test(test_status_header_folding),
		cmocka_unit_test(test_status_header_exact_fold),
		cmocka_unit_test(test_status_header_consistent),
		cmocka_unit_test(test_status_header_appends),
		cmocka_unit_test(test_status_header_bounded),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
