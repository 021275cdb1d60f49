/*
 * test_lists.c - domain lists (lists.h): entry kinds, case, IDN, comments,
 * errors naming file:line, a directory of lists, and the shipped lists.
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
#include <unistd.h>

#include "diag.h"
#include "lists.h"
#include "mem.h"

static sc_domain_list *load(const char *text, sc_diags *d)
{
	return sc_domain_list_load_text("t.txt", text, strlen(text), d);
}

/* exact, ".parent" and pattern entries, and what each does not list */
static void test_entry_kinds(void **state)
{
	static const char text[] = "# a comment\n"
				   "example.com\n"
				   "  .Shortener.IO   # trailing comment\n"
				   "aol.*\n"
				   "mail?.example.net\n"
				   "\n"
				   "EXAMPLE.com\n"; /* a duplicate, counted once */
	sc_diags d;
	sc_domain_list *l;

	(void) state;
	sc_diags_init(&d);
	l = load(text, &d);
	assert_int_equal(d.n, 0);
	assert_int_equal(sc_domain_list_count(l), 4);
	assert_true(sc_domain_list_has(l, "example.com"));
	assert_true(sc_domain_list_has(l, "Example.COM."));
	assert_false(sc_domain_list_has(l, "www.example.com")); /* exact only */
	assert_false(sc_domain_list_has(l, "example.co"));
	assert_true(sc_domain_list_has(l, "shortener.io"));
	assert_true(sc_domain_list_has(l, "a.b.shortener.io"));
	assert_false(sc_domain_list_has(l, "notshortener.io"));
	assert_true(sc_domain_list_has(l, "aol.com"));
	assert_true(sc_domain_list_has(l, "aol.de"));
	assert_false(sc_domain_list_has(l, "aol.co.uk")); /* "*" stays in one label */
	assert_false(sc_domain_list_has(l, "x.aol.com"));
	assert_true(sc_domain_list_has(l, "mail1.example.net"));
	assert_false(sc_domain_list_has(l, "mail12.example.net"));
	assert_false(sc_domain_list_has(l, ""));
	assert_false(sc_domain_list_has(l, "a*.com")); /* a query is never a pattern */
	assert_false(sc_domain_list_has(NULL, "example.com"));
	sc_domain_list_free(l);
	sc_diags_free(&d);
}

/* an international entry matches its A-label form and the other way round */
static void test_idn(void **state)
{
	sc_diags d;
	sc_domain_list *l;

	(void) state;
	sc_diags_init(&d);
	l = load("b\xc3\xbc" "cher.de\n.xn--mnchen-3ya.de\n", &d);
	assert_int_equal(d.n, 0);
	assert_true(sc_domain_list_has(l, "xn--bcher-kva.de"));
	assert_true(sc_domain_list_has(l, "B\xc3\x9c" "CHER.de"));
	assert_true(sc_domain_list_has(l, "shop.m\xc3\xbcnchen.de"));
	assert_false(sc_domain_list_has(l, "bucher.de"));
	sc_domain_list_free(l);
	sc_diags_free(&d);
}

/* a bad line is an error at its line; the others still load */
static void test_errors(void **state)
{
	static const char text[] = "good.example\n"
				   "two words.example\n"
				   "a..b.example\n"
				   "012345678901234567890123456789012345678901234567890123456789"
				   "0123.example\n"
				   "user@host.example\n"
				   ".\n"
				   "also-good.example\n";
	char line[256];
	sc_diags d;
	sc_domain_list *l;

	(void) state;
	sc_diags_init(&d);
	l = load(text, &d);
	assert_int_equal(d.errors, 5);
	sc_diags_format(&d.v[0], line, sizeof(line));
	assert_non_null(strstr(line, "t.txt:2: error: \"two words.example\""));
	sc_diags_format(&d.v[1], line, sizeof(line));
	assert_non_null(strstr(line, "t.txt:3: error:"));
	assert_non_null(strstr(line, "empty label"));
	sc_diags_format(&d.v[2], line, sizeof(line));
	assert_non_null(strstr(line, "t.txt:4: error:"));
	assert_non_null(strstr(line, "63 bytes"));
	sc_diags_format(&d.v[4], line, sizeof(line));
	assert_non_null(strstr(line, "t.txt:6: error:"));
	assert_int_equal(sc_domain_list_count(l), 2);
	assert_true(sc_domain_list_has(l, "also-good.example"));
	sc_domain_list_free(l);
	sc_diags_free(&d);
}

/* a directory: each *.txt a list named after it, other files ignored */
static void test_dir(void **state)
{
	char dir[] = "/tmp/test_lists.XXXXXX";
	char path[256];
	sc_diags d;
	sc_lists *ls;
	FILE *f;

	(void) state;
	assert_non_null(mkdtemp(dir));
	(void) snprintf(path, sizeof(path), "%s/zeta.txt", dir);
	assert_non_null(f = fopen(path, "w"));
	(void) fputs("zeta.example\n", f);
	(void) fclose(f);
	(void) snprintf(path, sizeof(path), "%s/alpha.txt", dir);
	assert_non_null(f = fopen(path, "w"));
	(void) fputs("alpha.example\n.beta.example\n", f);
	(void) fclose(f);
	(void) snprintf(path, sizeof(path), "%s/notes.md", dir);
	assert_non_null(f = fopen(path, "w"));
	(void) fputs("not a list\n", f);
	(void) fclose(f);
	sc_diags_init(&d);
	ls = sc_lists_load_dir(dir, &d);
	assert_non_null(ls);
	assert_int_equal(d.n, 0);
	assert_int_equal(sc_lists_count(ls), 2);
	assert_string_equal(sc_lists_name_at(ls, 0), "alpha");
	assert_string_equal(sc_lists_name_at(ls, 1), "zeta");
	assert_int_equal(sc_domain_list_count(sc_lists_at(ls, 0)), 2);
	assert_true(sc_domain_list_has(sc_lists_get(ls, "alpha"), "www.beta.example"));
	assert_true(sc_domain_list_has(sc_lists_get(ls, "zeta"), "zeta.example"));
	assert_null(sc_lists_get(ls, "notes"));
	sc_lists_free(ls);
	(void) unlink(path);
	(void) snprintf(path, sizeof(path), "%s/zeta.txt", dir);
	(void) unlink(path);
	(void) snprintf(path, sizeof(path), "%s/alpha.txt", dir);
	(void) unlink(path);
	assert_int_equal(rmdir(dir), 0);
	/* a missing directory is an error */
	ls = sc_lists_load_dir(dir, &d);
	assert_null(ls);
	assert_int_equal(d.errors, 1);
	sc_diags_free(&d);
}

/* the shipped lists load without an error and list what they should */
static void test_shipped(void **state)
{
	const char *top = getenv("top_srcdir");
	char dir[4096];
	const sc_domain_list *fm, *sh;
	sc_diags d;
	sc_lists *ls;

	(void) state;
	(void) snprintf(dir, sizeof(dir), "%s/etc/lists", top != NULL ? top : ".");
	sc_diags_init(&d);
	ls = sc_lists_load_dir(dir, &d);
	if (d.n > 0)
		sc_diags_print(&d, stderr);
	assert_non_null(ls);
	assert_int_equal(d.n, 0);
	fm = sc_lists_get(ls, "freemail");
	sh = sc_lists_get(ls, "shorteners");
	assert_non_null(fm);
	assert_non_null(sh);
	assert_true(sc_domain_list_count(fm) > 2000);
	assert_true(sc_domain_list_has(fm, "gmail.com"));
	assert_true(sc_domain_list_has(fm, "yahoo.co.uk") || sc_domain_list_has(fm, "yahoo.com"));
	assert_true(sc_domain_list_has(fm, "aol.fr")); /* by the aol.* pattern */
	assert_false(sc_domain_list_has(fm, "example.org"));
	assert_true(sc_domain_list_has(sh, "bit.ly"));
	assert_false(sc_domain_list_has(sh, "gmail.com"));
	/* brands.map: every line a brand, the brand owns its subdomains */
	assert_true(sc_brand_map_count(sc_lists_brands(ls)) > 50);
	assert_non_null(sc_brand_map_owner(sc_lists_brands(ls), "email.paypal.com"));
	assert_string_equal(sc_brand_map_owner(sc_lists_brands(ls), "www.paypal.com")->names[0],
			    "PayPal");
	assert_null(sc_brand_map_owner(sc_lists_brands(ls), "paypal-secure.com"));
	assert_non_null(sc_lists_get(ls, "esp"));
	sc_lists_free(ls);
	sc_diags_free(&d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_entry_kinds), cmocka_unit_test(test_idn),
		cmocka_unit_test(test_errors),      cmocka_unit_test(test_dir),
		cmocka_unit_test(test_shipped),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
