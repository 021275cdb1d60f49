/*
 * test_dns.c - lib/dns offline: injected records, the local-data file and
 * its errors, NXDOMAIN/NODATA, the per-query timeout and the per-message
 * budget against a loopback server that never answers, a SERVFAIL from a
 * loopback forwarder, and one context shared by several threads.
 * Nothing here leaves 127.0.0.1.
 */
#include "autoconfig.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "diag.h"
#include "dns.h"
#include "fake_dns.h"

#define T_A    1
#define T_MX   15
#define T_TXT  16
#define T_AAAA 28

/* elapsed_ms - milliseconds since start */
static long long elapsed_ms(const struct timespec *start)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (long long) (now.tv_sec - start->tv_sec) * 1000 +
	       (now.tv_nsec - start->tv_nsec) / 1000000;
}

/* injected - records every static case uses */
static sc_dns *injected(void)
{
	static const char *const rrs[] = {
		"a.example. 300 IN A 192.0.2.1",
		"a.example. 300 IN A 192.0.2.2",
		"a.example. 300 IN AAAA 2001:db8::1",
		"a.example. 300 IN MX 10 mx.a.example.",
		"a.example. 300 IN TXT \"v=spf1 ip4:192.0.2.0/24\" \" -all\"",
		"mx.a.example. 300 IN A 192.0.2.25",
	};
	sc_dns *dns = sc_dns_new_static(2000);
	const char *why = NULL;

	for (size_t i = 0; i < sizeof(rrs) / sizeof(rrs[0]); i++)
		assert_int_equal(sc_dns_add_rr(dns, rrs[i], &why), 0);
	return dns;
}

/* A lookup and what must come back. */
typedef struct lookup_case {
	const char *name;
	int type;
	sc_dns_status status;
	size_t count;
	const char *rdata; /* one record's rdata bytes (len = rdata_len), in any position */
	size_t rdata_len;
} lookup_case;

static const lookup_case lookups[] = {
	{"a.example.", T_A, SC_DNS_OK, 2, "\xc0\x00\x02\x01", 4},
	{"A.EXAMPLE", T_A, SC_DNS_OK, 2, "\xc0\x00\x02\x02", 4},
	{"a.example", T_AAAA, SC_DNS_OK, 1,
	 "\x20\x01\x0d\xb8\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x01", 16},
	{"a.example", T_TXT, SC_DNS_OK, 1, "\x17v=spf1 ip4:192.0.2.0/24\x05 -all", 30},
	{"a.example", T_MX, SC_DNS_OK, 1,
	 "\x00\x0a\x02mx\x01"
	 "a\x07"
	 "example\x00",
	 16},
	{"mx.a.example", T_TXT, SC_DNS_NODATA, 0, NULL, 0},
	{"nothing.example", T_A, SC_DNS_NXDOMAIN, 0, NULL, 0},
	{"www.google.com", T_A, SC_DNS_NXDOMAIN, 0, NULL, 0}, /* static: never asked out */
};

/* has_rdata - 1 when one record of a is exactly len bytes of want */
static int has_rdata(const sc_dns_answer *a, const char *want, size_t len)
{
	for (size_t i = 0; i < a->count; i++)
		if (a->rdlen[i] == len && memcmp(a->rdata[i], want, len) == 0)
			return 1;
	return 0;
}

/* test_lookups_table - injected records, NODATA and NXDOMAIN */
static void test_lookups_table(void **state)
{
	sc_dns *dns = injected();

	(void) state;
	for (size_t i = 0; i < sizeof(lookups) / sizeof(lookups[0]); i++) {
		const lookup_case *lc = &lookups[i];
		sc_dns_answer *a = sc_dns_query(dns, NULL, lc->name, lc->type);

		print_message("lookup %s/%d\n", lc->name, lc->type);
		assert_string_equal(sc_dns_status_name(a->status), sc_dns_status_name(lc->status));
		assert_int_equal(a->count, lc->count);
		assert_int_equal(a->rrtype, lc->type);
		if (lc->rdata != NULL)
			assert_true(has_rdata(a, lc->rdata, lc->rdata_len));
		if (lc->status != SC_DNS_OK)
			assert_non_null(a->packet);
		sc_dns_answer_free(a);
	}
	sc_dns_free(dns);
}

/* test_bad_rr - a malformed record is refused with a reason */
static void test_bad_rr(void **state)
{
	sc_dns *dns = sc_dns_new_static(0);
	const char *why = NULL;

	(void) state;
	assert_int_equal(sc_dns_add_rr(dns, "a.example. IN A not-an-address", &why), -1);
	assert_non_null(why);
	sc_dns_free(dns);
	sc_dns_free(NULL);
	sc_dns_answer_free(NULL);
}

/* write_file - text into a new temp file; returns its path (free it) */
static char *write_file(const char *text)
{
	char *path = strdup("/tmp/scam-test-dns-XXXXXX");
	int fd;

	assert_non_null(path);
	fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t) strlen(text));
	close(fd);
	return path;
}

/* test_local_data_file - comments, blank lines, a '#' inside a TXT string */
static void test_local_data_file(void **state)
{
	char *path = write_file("# test zone\n"
				"\n"
				"b.example. 60 IN A 198.51.100.7   # trailing comment\n"
				"  b.example. 60 IN TXT \"hash#inside\"\n");
	sc_diags d;
	sc_dns *dns;
	sc_dns_answer *a;

	(void) state;
	sc_diags_init(&d);
	dns = sc_dns_new("system", path, 1000, &d);
	assert_non_null(dns);
	assert_int_equal(d.n, 0);
	a = sc_dns_query(dns, NULL, "b.example", T_A);
	assert_int_equal(a->status, SC_DNS_OK);
	assert_memory_equal(a->rdata[0], "\xc6\x33\x64\x07", 4);
	sc_dns_answer_free(a);
	a = sc_dns_query(dns, NULL, "b.example", T_TXT);
	assert_int_equal(a->status, SC_DNS_OK);
	assert_int_equal(a->rdlen[0], 12);
	assert_memory_equal(a->rdata[0], "\x0bhash#inside", 12);
	sc_dns_answer_free(a);
	a = sc_dns_query(dns, NULL, "mail.example", T_A); /* static: never asked out */
	assert_int_equal(a->status, SC_DNS_NXDOMAIN);
	sc_dns_answer_free(a);
	sc_dns_free(dns);
	sc_diags_free(&d);
	unlink(path);
	free(path);
}

/* test_local_data_errors - each bad line is an error at file:line; no resolver */
static void test_local_data_errors(void **state)
{
	char *path = write_file("ok.example. IN A 192.0.2.1\n"
				"# fine\n"
				"bad.example. IN A 300.1.1.1\n"
				"bad2.example. IN NOSUCHTYPE x\n");
	sc_diags d;

	(void) state;
	sc_diags_init(&d);
	assert_null(sc_dns_new("system", path, 0, &d));
	assert_int_equal(d.errors, 2);
	assert_string_equal(d.v[0].file, path);
	assert_int_equal(d.v[0].line, 3);
	assert_int_equal(d.v[1].line, 4);
	assert_non_null(strstr(d.v[0].message, "not a resource record"));
	sc_diags_free(&d);
	unlink(path);
	free(path);

	sc_diags_init(&d);
	assert_null(sc_dns_new("system", "/nonexistent/dns-data", 0, &d));
	assert_int_equal(d.errors, 1);
	assert_non_null(strstr(d.v[0].message, "cannot open"));
	sc_diags_free(&d);
}

/* A resolver mode string and whether it is accepted. */
static const struct {
	const char *mode;
	int valid;
} modes[] = {
	{"system", 1},
	{"recursive", 1},
	{"forward:192.0.2.53", 1},
	{"forward:192.0.2.53,2001:db8::53", 1},
	{"forward:127.0.0.1@5353", 1},
	{"forward:", 0},
	{"forward:192.0.2.53,", 0},
	{"forward:host.example", 0},
	{"forward:127.0.0.1@0", 0},
	{"forward:127.0.0.1@65536", 0},
	{"forward:127.0.0.1@", 0},
	{"System", 0},
	{"", 0},
};

/* test_resolver_modes - what dns_resolver accepts */
static void test_resolver_modes(void **state)
{
	(void) state;
	for (size_t i = 0; i < sizeof(modes) / sizeof(modes[0]); i++) {
		print_message("mode \"%s\"\n", modes[i].mode);
		assert_int_equal(sc_dns_resolver_valid(modes[i].mode), modes[i].valid);
	}
}

/* silent_resolver - a forwarder at a loopback port that never answers */
static sc_dns *silent_resolver(int *fd, unsigned timeout_ms)
{
	unsigned port;

	*fd = fake_dns_socket(&port);
	return fake_dns_forwarder(port, timeout_ms);
}

/* test_query_timeout - a silent server costs dns_timeout, not more */
static void test_query_timeout(void **state)
{
	struct timespec start;
	sc_dns_answer *a;
	sc_dns *dns;
	int fd;

	(void) state;
	dns = silent_resolver(&fd, 300);
	clock_gettime(CLOCK_MONOTONIC, &start);
	a = sc_dns_query(dns, NULL, "slow.example", T_TXT);
	assert_int_equal(a->status, SC_DNS_TIMEOUT);
	assert_true(elapsed_ms(&start) >= 290);
	assert_true(elapsed_ms(&start) < 2000);
	sc_dns_answer_free(a);
	sc_dns_free(dns);
	close(fd);
}

/* test_message_budget - the budget caps a query below dns_timeout, then stops asking */
static void test_message_budget(void **state)
{
	struct timespec start;
	sc_dns_budget b;
	sc_dns_answer *a;
	sc_dns *dns;
	int fd;

	(void) state;
	dns = silent_resolver(&fd, 5000);
	sc_dns_budget_start(&b, 200);
	clock_gettime(CLOCK_MONOTONIC, &start);
	a = sc_dns_query(dns, &b, "slow.example", T_A);
	assert_int_equal(a->status, SC_DNS_TIMEOUT);
	assert_true(elapsed_ms(&start) < 1500);
	sc_dns_answer_free(a);
	clock_gettime(CLOCK_MONOTONIC, &start);
	a = sc_dns_query(dns, &b, "other.example", T_A); /* spent: not asked */
	assert_int_equal(a->status, SC_DNS_TIMEOUT);
	assert_true(elapsed_ms(&start) < 50);
	sc_dns_answer_free(a);
	sc_dns_free(dns);
	close(fd);
}

/* test_servfail - a forwarder's SERVFAIL is SC_DNS_SERVFAIL, not a timeout */
static void test_servfail(void **state)
{
	unsigned port;
	pthread_t t;
	sc_dns *dns;
	sc_dns_answer *a;
	int fd;

	(void) state;
	fd = fake_dns_socket(&port);
	assert_int_equal(pthread_create(&t, NULL, fake_dns_servfail, &fd), 0);
	dns = fake_dns_forwarder(port, 3000);
	a = sc_dns_query(dns, NULL, "broken.example", T_TXT);
	assert_string_equal(sc_dns_status_name(a->status), "servfail");
	sc_dns_answer_free(a);
	sc_dns_free(dns);
	shutdown(fd, SHUT_RDWR);
	close(fd);
	pthread_join(t, NULL);
}

/* unsigned_server - answer every query on fd with one unsigned A record
 * (192.0.2.53), whatever was asked, until told to stop */
static void *unsigned_server(void *arg)
{
	static const unsigned char rr[] = {0xc0, 0x0c, 0, 1, 0, 1, 0, 0, 0, 60, 0, 4, 192, 0, 2, 53};
	int fd = *(int *) arg;
	unsigned char pkt[600];
	struct sockaddr_storage from;
	socklen_t flen;
	ssize_t n;

	for (;;) {
		size_t q = 12;

		flen = sizeof(from);
		n = recvfrom(fd, pkt, 512, 0, (struct sockaddr *) &from, &flen);
		if (n < 12)
			return NULL; /* shutdown() or garbage: stop */
		while (q < (size_t) n && pkt[q] != 0) /* the question's name */
			q += pkt[q] + 1u;
		q += 5; /* root label, type, class */
		if (q > (size_t) n)
			continue;
		pkt[2] = (unsigned char) ((pkt[2] | 0x80) & ~0x02); /* QR, not TC */
		pkt[3] = 0x80;                                      /* RA, NOERROR */
		pkt[6] = 0;
		pkt[7] = 1; /* ANCOUNT */
		memset(pkt + 8, 0, 4);
		memcpy(pkt + q, rr, sizeof(rr));
		(void) sendto(fd, pkt, q + sizeof(rr), 0, (struct sockaddr *) &from, flen);
	}
}

/* query_unsigned - an A query through a forwarder that answers unsigned,
 * with the trust anchor file anchor (NULL: none); the answer's status */
static sc_dns_status query_unsigned(const char *anchor, int *secure)
{
	unsigned port;
	pthread_t t;
	sc_diags d;
	sc_dns *dns;
	sc_dns_answer *a;
	sc_dns_status st;
	int fd = fake_dns_socket(&port);

	assert_int_equal(pthread_create(&t, NULL, unsigned_server, &fd), 0);
	sc_diags_init(&d);
	dns = fake_dns_forwarder(port, 3000);
	if (anchor != NULL)
		assert_int_equal(sc_dns_set_trust_anchor(dns, anchor, &d), 0);
	a = sc_dns_query(dns, NULL, "host.example", T_A);
	st = a->status;
	*secure = a->secure;
	sc_dns_answer_free(a);
	sc_dns_free(dns);
	shutdown(fd, SHUT_RDWR);
	close(fd);
	pthread_join(t, NULL);
	assert_int_equal(d.errors, 0);
	sc_diags_free(&d);
	return st;
}

/* test_dnssec - without a trust anchor an unsigned answer is taken (not
 * secure); with one it fails validation and is a server failure; a
 * missing anchor file is an error naming it */
static void test_dnssec(void **state)
{
	/* The root zone's KSK-2017 DS record, as IANA publishes it. */
	char *anchor = write_file(". IN DS 20326 8 2 "
				  "E06D44B80B8F1D39A95C0B0D7C65D08458E880409BBC683457104237C7F8EC8D\n");
	sc_diags d;
	sc_dns *dns;
	int secure = -1;

	(void) state;
	assert_string_equal(sc_dns_status_name(query_unsigned(NULL, &secure)), "ok");
	assert_int_equal(secure, 0);
	assert_string_equal(sc_dns_status_name(query_unsigned(anchor, &secure)), "servfail");
	sc_diags_init(&d);
	dns = sc_dns_new_static(0);
	assert_int_equal(sc_dns_set_trust_anchor(dns, "/nonexistent/root.key", &d), -1);
	assert_int_equal(d.errors, 1);
	assert_string_equal(d.v[0].file, "/nonexistent/root.key");
	assert_non_null(strstr(d.v[0].message, "dns_trust_anchor: cannot open"));
	sc_dns_free(dns);
	sc_diags_free(&d);
	unlink(anchor);
	free(anchor);
}

#define THREADS            4
#define QUERIES_PER_THREAD 50

/* hammer - many lookups on the shared context; returns how many were wrong */
static void *hammer(void *arg)
{
	sc_dns *dns = arg;
	uintptr_t wrong = 0;

	for (int i = 0; i < QUERIES_PER_THREAD; i++) {
		sc_dns_answer *a = sc_dns_query(dns, NULL, i % 2 ? "a.example" : "no.example",
						i % 3 ? T_A : T_TXT);

		if (a->status != (i % 2 ? SC_DNS_OK : SC_DNS_NXDOMAIN))
			wrong++;
		sc_dns_answer_free(a);
	}
	return (void *) wrong;
}

/* test_threads - one context, several threads, every answer right */
static void test_threads(void **state)
{
	pthread_t t[THREADS];
	sc_dns *dns = injected();
	void *wrong;

	(void) state;
	for (int i = 0; i < THREADS; i++)
		assert_int_equal(pthread_create(&t[i], NULL, hammer, dns), 0);
	for (int i = 0; i < THREADS; i++) {
		assert_int_equal(pthread_join(t[i], &wrong), 0);
		assert_int_equal((uintptr_t) wrong, 0);
	}
	sc_dns_free(dns);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lookups_table),   cmocka_unit_test(test_bad_rr),
		cmocka_unit_test(test_local_data_file), cmocka_unit_test(test_local_data_errors),
		cmocka_unit_test(test_resolver_modes),  cmocka_unit_test(test_query_timeout),
		cmocka_unit_test(test_message_budget),  cmocka_unit_test(test_servfail),
		cmocka_unit_test(test_threads),         cmocka_unit_test(test_dnssec),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
