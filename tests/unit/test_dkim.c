/*
 * test_dkim.c - DKIM verification through libopendkim and lib/dns, offline.
 * Keys are made at test time (OpenSSL EVP: RSA 2048, Ed25519), messages are
 * signed at test time with libopendkim's dkim_sign(), and public keys are
 * injected into a static sc_dns as TXT records split into strings of at most
 * 255 bytes. Temporary DNS failures come from an exhausted budget and from
 * a loopback server that answers SERVFAIL.
 */
#include "autoconfig.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <sys/types.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <opendkim/dkim.h>
#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "auth.h"
#include "buf.h"
#include "diag.h"
#include "dns.h"
#include "fake_dns.h"

#define DOM "example.com"

/* libopendkim 2.11 does not free the EVP_PKEY of an Ed25519 *signing* key
 * (dkim_privkey_load); only this test signs, so the sanitizer is told to
 * ignore that one stack. Full unwinding lets the rule see through libcrypto. */
const char *__lsan_default_suppressions(void);
const char *__asan_default_options(void);

/* __lsan_default_suppressions - LeakSanitizer's hook: the signer's known leak */
const char *__lsan_default_suppressions(void)
{
	return "leak:dkim_privkey_load\n";
}

/* __asan_default_options - AddressSanitizer's hook: full stacks for the rule above */
const char *__asan_default_options(void)
{
	return "fast_unwind_on_malloc=0";
}

/* A key pair: the private key as PEM for dkim_sign(), the p= value for DNS. */
typedef struct test_key {
	char *pem;
	char *p;
} test_key;

static test_key rsa_a, rsa_b, ed_a;
static int have_ed25519;

static const char base_msg[] = "Received: from mx.example.com by mx.example.net; "
			       "Sat, 28 Nov 2026 10:00:00 +0000\r\n"
			       "From: Alice <alice@example.com>\r\n"
			       "To: bob@example.net\r\n"
			       "Subject: Your invoice\r\n"
			       "Date: Sat, 28 Nov 2026 10:00:00 +0000\r\n"
			       "Message-ID: <1@example.com>\r\n"
			       "\r\n"
			       "Hello Bob,\r\n"
			       "\r\n"
			       "the  invoice   is attached.  \r\n"
			       "Regards, Alice\r\n"
			       "\r\n"
			       "\r\n";

/* b64 - base64 of n bytes (malloc'd, no newlines) */
static char *b64(const unsigned char *d, size_t n)
{
	char *out = malloc(4 * ((n + 2) / 3) + 1);

	assert_non_null(out);
	EVP_EncodeBlock((unsigned char *) out, d, (int) n);
	return out;
}

/* pem_of - the PKCS#8 PEM text of a private key (malloc'd) */
static char *pem_of(EVP_PKEY *k)
{
	BIO *bio = BIO_new(BIO_s_mem());
	char *data, *out;
	long n;

	assert_non_null(bio);
	assert_int_equal(PEM_write_bio_PrivateKey(bio, k, NULL, NULL, 0, NULL, NULL), 1);
	n = BIO_get_mem_data(bio, &data);
	out = strndup(data, (size_t) n);
	BIO_free(bio);
	return out;
}

/* make_rsa_bits - an RSA key of bits; p= is the DER SubjectPublicKeyInfo */
static void make_rsa_bits(test_key *tk, unsigned bits)
{
	EVP_PKEY *k = EVP_RSA_gen(bits);
	unsigned char *der = NULL;
	int n;

	assert_non_null(k);
	n = i2d_PUBKEY(k, &der);
	assert_true(n > 0);
	tk->p = b64(der, (size_t) n);
	tk->pem = pem_of(k);
	OPENSSL_free(der);
	EVP_PKEY_free(k);
}

/* make_rsa - an RSA 2048 key */
static void make_rsa(test_key *tk)
{
	make_rsa_bits(tk, 2048);
}

/* make_ed25519 - an Ed25519 key; p= is the raw 32-byte public key (RFC 8463) */
static void make_ed25519(test_key *tk)
{
	EVP_PKEY *k = EVP_PKEY_Q_keygen(NULL, NULL, "ED25519");
	unsigned char raw[32];
	size_t n = sizeof(raw);

	assert_non_null(k);
	assert_int_equal(EVP_PKEY_get_raw_public_key(k, raw, &n), 1);
	tk->p = b64(raw, n);
	tk->pem = pem_of(k);
	EVP_PKEY_free(k);
}

/* group_setup - the keys every test shares */
static int group_setup(void **state)
{
	DKIM_LIB *lib = dkim_init(NULL, NULL);

	(void) state;
	make_rsa(&rsa_a);
	make_rsa(&rsa_b);
	have_ed25519 = lib != NULL && dkim_libfeature(lib, DKIM_FEATURE_ED25519);
	if (lib != NULL)
		dkim_close(lib);
	if (have_ed25519)
		make_ed25519(&ed_a);
	return 0;
}

/* group_teardown - free the keys */
static int group_teardown(void **state)
{
	(void) state;
	free(rsa_a.pem);
	free(rsa_a.p);
	free(rsa_b.pem);
	free(rsa_b.p);
	free(ed_a.pem);
	free(ed_a.p);
	return 0;
}

/* sign_at - a "DKIM-Signature: ...\r\n" field for msg (CRLF, unfolded header);
 * when (nonzero) as t= and x= = t= + ttl */
static char *sign_at(const char *msg, const test_key *k, const char *sel, dkim_canon_t hc,
		     dkim_canon_t bc, dkim_alg_t alg, int signlen, uint64_t when, uint64_t ttl)
{
	DKIM_LIB *lib = dkim_init(NULL, NULL);
	unsigned int flags = signlen ? DKIM_LIBFLAGS_SIGNLEN : 0, minbits = 0;
	const char *body = strstr(msg, "\r\n\r\n");
	DKIM_STAT st;
	DKIM *d;
	u_char *sig = NULL;
	size_t siglen = 0;
	sc_buf out;

	assert_non_null(lib);
	assert_non_null(body);
	assert_int_equal(dkim_options(lib, DKIM_OP_SETOPT, DKIM_OPTS_FLAGS, &flags, sizeof(flags)),
			 DKIM_STAT_OK);
	assert_int_equal(
		dkim_options(lib, DKIM_OP_SETOPT, DKIM_OPTS_MINKEYBITS, &minbits, sizeof(minbits)),
		DKIM_STAT_OK);
	if (when != 0)
		assert_int_equal(
			dkim_options(lib, DKIM_OP_SETOPT, DKIM_OPTS_FIXEDTIME, &when, sizeof(when)),
			DKIM_STAT_OK);
	if (ttl != 0)
		assert_int_equal(dkim_options(lib, DKIM_OP_SETOPT, DKIM_OPTS_SIGNATURETTL, &ttl,
					      sizeof(ttl)),
				 DKIM_STAT_OK);
	d = dkim_sign(lib, (const u_char *) "test", NULL, (dkim_sigkey_t) k->pem,
		      (const u_char *) sel, (const u_char *) DOM, hc, bc, alg, -1, &st);
	assert_non_null(d);
	for (const char *p = msg; p < body + 2;) {
		const char *e = strstr(p, "\r\n");

		assert_int_equal(dkim_header(d, (u_char *) p, (size_t) (e - p)), DKIM_STAT_OK);
		p = e + 2;
	}
	assert_int_equal(dkim_eoh(d), DKIM_STAT_OK);
	assert_int_equal(dkim_body(d, (u_char *) body + 4, strlen(body + 4)), DKIM_STAT_OK);
	st = dkim_eom(d, NULL);
	if (st != DKIM_STAT_OK)
		fail_msg("dkim_eom: %s", dkim_geterror(d));
	assert_int_equal(dkim_getsighdr_d(d, strlen(DKIM_SIGNHEADER ": "), &sig, &siglen),
			 DKIM_STAT_OK);
	sc_buf_init(&out, SC_BUF_UNLIMITED);
	sc_buf_puts(&out, DKIM_SIGNHEADER ": ");
	for (size_t i = 0; i < siglen; i++) {
		if (sig[i] == '\n' && (i == 0 || sig[i - 1] != '\r'))
			sc_buf_putc(&out, '\r');
		sc_buf_putc(&out, sig[i]);
	}
	sc_buf_puts(&out, "\r\n");
	dkim_free(d);
	dkim_close(lib);
	return sc_buf_steal(&out);
}

/* sign - sign_at now, without x= */
static char *sign(const char *msg, const test_key *k, const char *sel, dkim_canon_t hc,
		  dkim_canon_t bc, dkim_alg_t alg, int signlen)
{
	return sign_at(msg, k, sel, hc, bc, alg, signlen, 0, 0);
}

/* cat - the concatenation of NULL-terminated strings (malloc'd) */
static char *cat(const char *first, ...)
{
	sc_buf b;
	va_list ap;

	sc_buf_init(&b, SC_BUF_UNLIMITED);
	va_start(ap, first);
	for (const char *s = first; s != NULL; s = va_arg(ap, const char *))
		sc_buf_puts(&b, s);
	va_end(ap);
	return sc_buf_steal(&b);
}

/* replace - msg with the first from replaced by to (malloc'd) */
static char *replace(const char *msg, const char *from, const char *to)
{
	const char *at = strstr(msg, from);
	sc_buf b;

	assert_non_null(at);
	sc_buf_init(&b, SC_BUF_UNLIMITED);
	sc_buf_append(&b, msg, (size_t) (at - msg));
	sc_buf_puts(&b, to);
	sc_buf_puts(&b, at + strlen(from));
	return sc_buf_steal(&b);
}

/* add_key - publish TXT "tags p=P" at sel._domainkey.DOM, in strings of <= 255 bytes */
static void add_key(sc_dns *dns, const char *sel, const char *tags, const char *p)
{
	char *txt = cat(tags, "p=", p, NULL);
	size_t len = strlen(txt);
	const char *why = NULL;
	sc_buf rr;

	sc_buf_init(&rr, SC_BUF_UNLIMITED);
	sc_buf_printf(&rr, "%s._domainkey." DOM ". 300 IN TXT", sel);
	for (size_t i = 0; i < len || i == 0; i += 255)
		sc_buf_printf(&rr, " \"%.*s\"", (int) (len - i < 255 ? len - i : 255), txt + i);
	if (sc_dns_add_rr(dns, sc_buf_cstr(&rr), &why) != 0)
		fail_msg("sc_dns_add_rr %s: %s", sc_buf_cstr(&rr), why);
	sc_buf_free(&rr);
	free(txt);
}

/* verify - sc_dkim_verify on a C string */
static void verify(sc_dns *dns, sc_dns_budget *budget, const char *msg, unsigned max,
		   sc_auth_result *r)
{
	memset(r, 0, sizeof(*r));
	sc_dkim_verify(dns, budget, msg, strlen(msg), max, r);
	assert_int_equal(r->dkim_checked, 1);
}

/* check_sig - one signature's result, reason prefix (NULL: none), d= and s= */
static void check_sig(const sc_dkim_sig *s, sc_dkim_result want, const char *reason,
		      const char *d, const char *sel)
{
	if (s->result != want)
		fail_msg("result %s, want %s (reason %s)", sc_dkim_result_name(s->result),
			 sc_dkim_result_name(want), s->reason ? s->reason : "-");
	if (reason == NULL) {
		assert_null(s->reason);
	} else {
		assert_non_null(s->reason);
		if (strncmp(s->reason, reason, strlen(reason)) != 0)
			fail_msg("reason \"%s\", want \"%s...\"", s->reason, reason);
	}
	if (d == NULL)
		assert_null(s->domain);
	else
		assert_string_equal(s->domain, d);
	if (sel == NULL)
		assert_null(s->selector);
	else
		assert_string_equal(s->selector, sel);
}

/* find_b - where " b=" (or "\tb=") starts in a signature field */
static const char *find_b(const char *field)
{
	const char *b = strstr(field, " b=");

	if (b == NULL)
		b = strstr(field, "\tb=");
	assert_non_null(b);
	return b;
}

/* b_prefix_of - the first 8 characters of b= in a signature field */
static void b_prefix_of(const char *field, char out[9])
{
	const char *b = find_b(field);
	size_t n = 0;

	for (b += 3; *b != '\0' && *b != ';' && n < 8; b++)
		if (*b != ' ' && *b != '\t' && *b != '\r' && *b != '\n')
			out[n++] = *b;
	out[n] = '\0';
}

/* valid_case - sign base_msg with k (hc/bc, alg), publish the key, expect a pass */
static void valid_case(dkim_canon_t hc, dkim_canon_t bc, const test_key *k, dkim_alg_t alg,
		       const char *ktype)
{
	sc_dns *dns = sc_dns_new_static(1000);
	char *sig = sign(base_msg, k, "sel1", hc, bc, alg, 0);
	char *msg = cat(sig, base_msg, NULL);
	char tags[64], b[9];
	sc_auth_result r;

	snprintf(tags, sizeof(tags), "v=DKIM1; k=%s; ", ktype);
	add_key(dns, "sel1", tags, k->p);
	verify(dns, NULL, msg, 8, &r);
	assert_int_equal(r.ndkim, 1);
	check_sig(&r.dkim[0], SC_DKIM_PASS, NULL, DOM, "sel1");
	b_prefix_of(sig, b);
	assert_string_equal(r.dkim[0].b, b);
	assert_int_equal(r.dkim[0].partial, 0);
	sc_auth_result_clear(&r);
	free(msg);
	free(sig);
	sc_dns_free(dns);
}

/* test_valid_relaxed - relaxed/relaxed RSA signature passes */
static void test_valid_relaxed(void **state)
{
	(void) state;
	valid_case(DKIM_CANON_RELAXED, DKIM_CANON_RELAXED, &rsa_a, DKIM_SIGN_RSASHA256, "rsa");
}

/* test_valid_simple - simple/simple RSA signature passes */
static void test_valid_simple(void **state)
{
	(void) state;
	valid_case(DKIM_CANON_SIMPLE, DKIM_CANON_SIMPLE, &rsa_a, DKIM_SIGN_RSASHA256, "rsa");
}

/* test_valid_ed25519 - an Ed25519 signature (RFC 8463) passes */
static void test_valid_ed25519(void **state)
{
	(void) state;
	if (!have_ed25519)
		skip();
	valid_case(DKIM_CANON_RELAXED, DKIM_CANON_RELAXED, &ed_a, DKIM_SIGN_ED25519SHA256,
		   "ed25519");
}

/* edited_case - sign base_msg, apply one edit, expect result/reason */
static void edited_case(const char *from, const char *to, sc_dkim_result want,
			const char *reason)
{
	sc_dns *dns = sc_dns_new_static(1000);
	char *sig = sign(base_msg, &rsa_a, "sel1", DKIM_CANON_RELAXED, DKIM_CANON_RELAXED,
			 DKIM_SIGN_RSASHA256, 0);
	char *edited = replace(base_msg, from, to);
	char *msg = cat(sig, edited, NULL);
	sc_auth_result r;

	add_key(dns, "sel1", "v=DKIM1; k=rsa; ", rsa_a.p);
	verify(dns, NULL, msg, 8, &r);
	assert_int_equal(r.ndkim, 1);
	check_sig(&r.dkim[0], want, reason, DOM, "sel1");
	sc_auth_result_clear(&r);
	free(msg);
	free(edited);
	free(sig);
	sc_dns_free(dns);
}

/* test_body_changed - a changed body is fail with a body hash mismatch */
static void test_body_changed(void **state)
{
	(void) state;
	edited_case("the  invoice", "the  new bank account", SC_DKIM_FAIL, "body hash mismatch");
}

/* test_header_changed - a changed signed header is fail with a signature mismatch */
static void test_header_changed(void **state)
{
	(void) state;
	edited_case("Subject: Your invoice", "Subject: Urgent wire transfer", SC_DKIM_FAIL,
		    "signature mismatch");
}

/* test_whitespace_relaxed - relaxed canonicalization tolerates whitespace edits */
static void test_whitespace_relaxed(void **state)
{
	(void) state;
	edited_case("the  invoice   is", "the invoice\tis", SC_DKIM_PASS, NULL);
}

/* key_case - a good signature whose key record is tags + p= (p NULL: no TXT at all) */
static void key_case(const char *tags, const char *p, sc_dkim_result want, const char *reason)
{
	const char *why = NULL;
	sc_dns *dns = sc_dns_new_static(1000);
	char *sig = sign(base_msg, &rsa_a, "sel1", DKIM_CANON_RELAXED, DKIM_CANON_RELAXED,
			 DKIM_SIGN_RSASHA256, 0);
	char *msg = cat(sig, base_msg, NULL);
	sc_auth_result r;

	if (p != NULL)
		add_key(dns, "sel1", tags, p);
	else /* the name exists, with other data: NODATA for TXT */
		assert_int_equal(sc_dns_add_rr(dns, "sel1._domainkey." DOM ". 300 IN A 192.0.2.1",
					       &why),
				 0);
	verify(dns, NULL, msg, 8, &r);
	assert_int_equal(r.ndkim, 1);
	check_sig(&r.dkim[0], want, reason, DOM, "sel1");
	sc_auth_result_clear(&r);
	free(msg);
	free(sig);
	sc_dns_free(dns);
}

/* test_key_missing - NODATA for the key is permerror "no key" */
static void test_key_missing(void **state)
{
	(void) state;
	key_case(NULL, NULL, SC_DKIM_PERMERROR, "no key");
}

/* test_key_nxdomain - NXDOMAIN for the key is permerror "no key" */
static void test_key_nxdomain(void **state)
{
	sc_dns *dns = sc_dns_new_static(1000);
	char *sig = sign(base_msg, &rsa_a, "gone", DKIM_CANON_RELAXED, DKIM_CANON_RELAXED,
			 DKIM_SIGN_RSASHA256, 0);
	char *msg = cat(sig, base_msg, NULL);
	sc_auth_result r;

	(void) state;
	add_key(dns, "sel1", "v=DKIM1; k=rsa; ", rsa_a.p);
	verify(dns, NULL, msg, 8, &r);
	assert_int_equal(r.ndkim, 1);
	check_sig(&r.dkim[0], SC_DKIM_PERMERROR, "no key", DOM, "gone");
	sc_auth_result_clear(&r);
	free(msg);
	free(sig);
	sc_dns_free(dns);
}

/* test_key_revoked - an empty p= is permerror "key revoked" */
static void test_key_revoked(void **state)
{
	(void) state;
	key_case("v=DKIM1; k=rsa; ", "", SC_DKIM_PERMERROR, "key revoked");
}

/* test_key_wrong - the published key is another one: fail */
static void test_key_wrong(void **state)
{
	(void) state;
	key_case("v=DKIM1; k=rsa; ", rsa_b.p, SC_DKIM_FAIL, "signature mismatch");
}

/* test_key_testing - a key in test mode (t=y) never passes: neutral */
static void test_key_testing(void **state)
{
	(void) state;
	key_case("v=DKIM1; k=rsa; t=y; ", rsa_a.p, SC_DKIM_NEUTRAL, "key in test mode");
}

/* test_key_garbage - a key record that is not a key is permerror */
static void test_key_garbage(void **state)
{
	(void) state;
	key_case("v=DKIM1; k=rsa; ", "bm90IGEga2V5", SC_DKIM_PERMERROR, "bad key");
}

/* test_key_multiple - two TXT records at the key name is permerror */
static void test_key_multiple(void **state)
{
	sc_dns *dns = sc_dns_new_static(1000);
	char *sig = sign(base_msg, &rsa_a, "sel1", DKIM_CANON_RELAXED, DKIM_CANON_RELAXED,
			 DKIM_SIGN_RSASHA256, 0);
	char *msg = cat(sig, base_msg, NULL);
	sc_auth_result r;

	(void) state;
	add_key(dns, "sel1", "v=DKIM1; k=rsa; ", rsa_a.p);
	add_key(dns, "sel1", "v=DKIM1; k=rsa; ", rsa_b.p);
	verify(dns, NULL, msg, 8, &r);
	assert_int_equal(r.ndkim, 1);
	check_sig(&r.dkim[0], SC_DKIM_PERMERROR, "multiple key records", DOM, "sel1");
	sc_auth_result_clear(&r);
	free(msg);
	free(sig);
	sc_dns_free(dns);
}

/* test_key_small - an RSA key under 1024 bits is permerror (RFC 8301) */
static void test_key_small(void **state)
{
	sc_dns *dns = sc_dns_new_static(1000);
	test_key small;
	char *sig, *msg;
	sc_auth_result r;

	(void) state;
	make_rsa_bits(&small, 768);
	sig = sign(base_msg, &small, "sel1", DKIM_CANON_RELAXED, DKIM_CANON_RELAXED,
		   DKIM_SIGN_RSASHA256, 0);
	msg = cat(sig, base_msg, NULL);
	add_key(dns, "sel1", "v=DKIM1; k=rsa; ", small.p);
	verify(dns, NULL, msg, 8, &r);
	assert_int_equal(r.ndkim, 1);
	check_sig(&r.dkim[0], SC_DKIM_PERMERROR, "key too small", DOM, "sel1");
	sc_auth_result_clear(&r);
	free(msg);
	free(sig);
	free(small.p);
	free(small.pem);
	sc_dns_free(dns);
}

/* test_expired - a signature past its x= is permerror */
static void test_expired(void **state)
{
	sc_dns *dns = sc_dns_new_static(1000);
	char *sig = sign_at(base_msg, &rsa_a, "sel1", DKIM_CANON_RELAXED, DKIM_CANON_RELAXED,
			    DKIM_SIGN_RSASHA256, 0, 1600000000, 3600);
	char *msg = cat(sig, base_msg, NULL);
	sc_auth_result r;

	(void) state;
	assert_non_null(strstr(sig, "x=1600003600"));
	add_key(dns, "sel1", "v=DKIM1; k=rsa; ", rsa_a.p);
	verify(dns, NULL, msg, 8, &r);
	assert_int_equal(r.ndkim, 1);
	check_sig(&r.dkim[0], SC_DKIM_PERMERROR, "signature expired", DOM, "sel1");
	sc_auth_result_clear(&r);
	free(msg);
	free(sig);
	sc_dns_free(dns);
}

/* test_rsa_sha1 - rsa-sha1 is not accepted (RFC 8301) */
static void test_rsa_sha1(void **state)
{
	sc_dns *dns = sc_dns_new_static(1000);
	char *sig = sign(base_msg, &rsa_a, "sel1", DKIM_CANON_RELAXED, DKIM_CANON_RELAXED,
			 DKIM_SIGN_RSASHA1, 0);
	char *msg = cat(sig, base_msg, NULL);
	sc_auth_result r;

	(void) state;
	add_key(dns, "sel1", "v=DKIM1; k=rsa; ", rsa_a.p);
	verify(dns, NULL, msg, 8, &r);
	assert_int_equal(r.ndkim, 1);
	check_sig(&r.dkim[0], SC_DKIM_PERMERROR, "rsa-sha1", DOM, "sel1");
	sc_auth_result_clear(&r);
	free(msg);
	free(sig);
	sc_dns_free(dns);
}

/* test_several - a bad and a good signature, both reported in header order */
static void test_several(void **state)
{
	sc_dns *dns = sc_dns_new_static(1000);
	char *good = sign(base_msg, &rsa_a, "sel1", DKIM_CANON_RELAXED, DKIM_CANON_RELAXED,
			  DKIM_SIGN_RSASHA256, 0);
	char *bad = sign(base_msg, &rsa_a, "sel2", DKIM_CANON_SIMPLE, DKIM_CANON_SIMPLE,
			 DKIM_SIGN_RSASHA256, 0);
	char *msg = cat(bad, good, base_msg, NULL);
	char b[9];
	sc_auth_result r;

	(void) state;
	add_key(dns, "sel1", "v=DKIM1; k=rsa; ", rsa_a.p);
	add_key(dns, "sel2", "v=DKIM1; k=rsa; ", rsa_b.p); /* not the signing key */
	verify(dns, NULL, msg, 8, &r);
	assert_int_equal(r.ndkim, 2);
	check_sig(&r.dkim[0], SC_DKIM_FAIL, "signature mismatch", DOM, "sel2");
	check_sig(&r.dkim[1], SC_DKIM_PASS, NULL, DOM, "sel1");
	b_prefix_of(bad, b);
	assert_string_equal(r.dkim[0].b, b);
	b_prefix_of(good, b);
	assert_string_equal(r.dkim[1].b, b);
	sc_auth_result_clear(&r);
	free(msg);
	free(good);
	free(bad);
	sc_dns_free(dns);
}

/* test_max_sigs - only the first max_sigs signatures are verified and reported */
static void test_max_sigs(void **state)
{
	sc_dns *dns = sc_dns_new_static(1000);
	char *s1 = sign(base_msg, &rsa_a, "sel1", DKIM_CANON_RELAXED, DKIM_CANON_RELAXED,
			DKIM_SIGN_RSASHA256, 0);
	char *s2 = sign(base_msg, &rsa_a, "sel2", DKIM_CANON_RELAXED, DKIM_CANON_RELAXED,
			DKIM_SIGN_RSASHA256, 0);
	char *s3 = sign(base_msg, &rsa_a, "sel3", DKIM_CANON_RELAXED, DKIM_CANON_RELAXED,
			DKIM_SIGN_RSASHA256, 0);
	char *msg = cat(s1, s2, s3, base_msg, NULL);
	sc_auth_result r;

	(void) state;
	add_key(dns, "sel1", "v=DKIM1; k=rsa; ", rsa_a.p);
	add_key(dns, "sel2", "v=DKIM1; k=rsa; ", rsa_b.p);
	add_key(dns, "sel3", "v=DKIM1; k=rsa; ", rsa_a.p);
	verify(dns, NULL, msg, 2, &r);
	assert_int_equal(r.ndkim, 2);
	check_sig(&r.dkim[0], SC_DKIM_PASS, NULL, DOM, "sel1");
	check_sig(&r.dkim[1], SC_DKIM_FAIL, "signature mismatch", DOM, "sel2");
	sc_auth_result_clear(&r);
	verify(dns, NULL, msg, 0, &r);
	assert_int_equal(r.ndkim, 0);
	sc_auth_result_clear(&r);
	free(msg);
	free(s1);
	free(s2);
	free(s3);
	sc_dns_free(dns);
}

/* l_case - an l= signature; appended text (NULL: none) after the signed length */
static void l_case(dkim_canon_t c, const char *appended, sc_dkim_result want, int partial)
{
	sc_dns *dns = sc_dns_new_static(1000);
	char *sig = sign(base_msg, &rsa_a, "sel1", c, c, DKIM_SIGN_RSASHA256, 1);
	char *msg = cat(sig, base_msg, appended ? appended : "", NULL);
	sc_auth_result r;

	assert_non_null(strstr(sig, "l="));
	add_key(dns, "sel1", "v=DKIM1; k=rsa; ", rsa_a.p);
	verify(dns, NULL, msg, 8, &r);
	assert_int_equal(r.ndkim, 1);
	check_sig(&r.dkim[0], want, want == SC_DKIM_PASS ? NULL : "l= leaves", DOM, "sel1");
	assert_int_equal(r.dkim[0].partial, partial);
	sc_auth_result_clear(&r);
	free(msg);
	free(sig);
	sc_dns_free(dns);
}

/* test_l_whole_body - l= covering the whole body passes (both canonicalizations) */
static void test_l_whole_body(void **state)
{
	(void) state;
	l_case(DKIM_CANON_RELAXED, NULL, SC_DKIM_PASS, 0);
	l_case(DKIM_CANON_SIMPLE, NULL, SC_DKIM_PASS, 0);
	/* trailing empty lines and whitespace are not content */
	l_case(DKIM_CANON_RELAXED, "\r\n  \r\n", SC_DKIM_PASS, 0);
	l_case(DKIM_CANON_SIMPLE, "\r\n\r\n", SC_DKIM_PASS, 0);
}

/* test_l_appended - content appended after l= is neutral, partial */
static void test_l_appended(void **state)
{
	static const char scam[] = "URGENT: pay to IBAN XX00 0000 now: http://pay.invalid/\r\n";

	(void) state;
	l_case(DKIM_CANON_RELAXED, scam, SC_DKIM_NEUTRAL, 1);
	l_case(DKIM_CANON_SIMPLE, scam, SC_DKIM_NEUTRAL, 1);
}

/* test_l_truncated - a body cut below l= fails */
static void test_l_truncated(void **state)
{
	sc_dns *dns = sc_dns_new_static(1000);
	char *sig = sign(base_msg, &rsa_a, "sel1", DKIM_CANON_RELAXED, DKIM_CANON_RELAXED,
			 DKIM_SIGN_RSASHA256, 1);
	char *cut = replace(base_msg, "Regards, Alice\r\n", "");
	char *msg = cat(sig, cut, NULL);
	sc_auth_result r;

	(void) state;
	add_key(dns, "sel1", "v=DKIM1; k=rsa; ", rsa_a.p);
	verify(dns, NULL, msg, 8, &r);
	assert_int_equal(r.ndkim, 1);
	check_sig(&r.dkim[0], SC_DKIM_FAIL, "body shorter than l=", DOM, "sel1");
	sc_auth_result_clear(&r);
	free(msg);
	free(cut);
	free(sig);
	sc_dns_free(dns);
}

/* temp_case - a good signature whose key lookup fails temporarily */
static void temp_case(sc_dns *dns, sc_dns_budget *budget, const char *reason)
{
	char *sig = sign(base_msg, &rsa_a, "sel1", DKIM_CANON_RELAXED, DKIM_CANON_RELAXED,
			 DKIM_SIGN_RSASHA256, 0);
	char *msg = cat(sig, base_msg, NULL);
	sc_auth_result r;

	verify(dns, budget, msg, 8, &r);
	assert_int_equal(r.ndkim, 1);
	check_sig(&r.dkim[0], SC_DKIM_TEMPERROR, reason, DOM, "sel1");
	sc_auth_result_clear(&r);
	free(msg);
	free(sig);
}

/* test_budget_timeout - an exhausted DNS budget is temperror */
static void test_budget_timeout(void **state)
{
	sc_dns *dns = sc_dns_new_static(1000);
	sc_dns_budget b;

	(void) state;
	add_key(dns, "sel1", "v=DKIM1; k=rsa; ", rsa_a.p);
	sc_dns_budget_start(&b, 0);
	temp_case(dns, &b, "key lookup failed: timeout");
	sc_dns_free(dns);
}

/* test_servfail - SERVFAIL from the resolver is temperror */
static void test_servfail(void **state)
{
	unsigned port;
	sc_dns *dns;
	pthread_t t;
	int fd = fake_dns_socket(&port);

	(void) state;
	assert_int_equal(pthread_create(&t, NULL, fake_dns_servfail, &fd), 0);
	dns = fake_dns_forwarder(port, 1000);
	temp_case(dns, NULL, "key lookup failed");
	sc_dns_free(dns);
	shutdown(fd, SHUT_RDWR);
	close(fd);
	pthread_join(t, NULL);
}

/* test_malformed - broken DKIM-Signature fields are permerror, with what could be read */
static void test_malformed(void **state)
{
	sc_dns *dns = sc_dns_new_static(1000);
	char *msg = cat("DKIM-Signature: v=1; a=rsa-sha256; d=Example.COM; h=from:to; "
			"bh=AAAA; b=QUJDREVGR0hJSktM\r\n",
			"DKIM-Signature: this is not a tag list\r\n",
			"DKIM-Signature: v=1; a=rsa-sha256; d=example.com; s=sel1; c=relaxed; "
			"h=subject; bh=AAAA; b=QUJDREVGR0hJSktM\r\n",
			base_msg, NULL);
	sc_auth_result r;

	(void) state;
	add_key(dns, "sel1", "v=DKIM1; k=rsa; ", rsa_a.p);
	verify(dns, NULL, msg, 8, &r);
	assert_int_equal(r.ndkim, 3);
	check_sig(&r.dkim[0], SC_DKIM_PERMERROR, "malformed signature", DOM, NULL);
	assert_string_equal(r.dkim[0].b, "QUJDREVG");
	check_sig(&r.dkim[1], SC_DKIM_PERMERROR, "malformed signature", NULL, NULL);
	assert_null(r.dkim[1].b);
	/* From is not in h=: RFC 6376 5.4 requires it */
	check_sig(&r.dkim[2], SC_DKIM_PERMERROR, "malformed signature", DOM, "sel1");
	sc_auth_result_clear(&r);
	free(msg);
	sc_dns_free(dns);
}

/* test_unsigned - an unsigned message is checked, with no signature */
static void test_unsigned(void **state)
{
	sc_dns *dns = sc_dns_new_static(1000);
	sc_auth_result r;

	(void) state;
	verify(dns, NULL, base_msg, 8, &r);
	assert_int_equal(r.ndkim, 0);
	assert_null(r.dkim);
	sc_auth_result_clear(&r);
	verify(dns, NULL, "", 8, &r);
	assert_int_equal(r.ndkim, 0);
	sc_auth_result_clear(&r);
	sc_dns_free(dns);
}

/* to_lf - msg with every CRLF made LF (malloc'd) */
static char *to_lf(const char *msg)
{
	char *out = strdup(msg), *o = out;

	assert_non_null(out);
	for (const char *p = msg; *p != '\0'; p++)
		if (!(p[0] == '\r' && p[1] == '\n'))
			*o++ = *p;
	*o = '\0';
	return out;
}

/* test_lf_only - a message stored with LF line ends verifies like CRLF */
static void test_lf_only(void **state)
{
	sc_dns *dns = sc_dns_new_static(1000);
	char *sig = sign(base_msg, &rsa_a, "sel1", DKIM_CANON_SIMPLE, DKIM_CANON_SIMPLE,
			 DKIM_SIGN_RSASHA256, 0);
	char *crlf = cat(sig, base_msg, NULL);
	char *lf = to_lf(crlf);
	sc_auth_result r;

	(void) state;
	assert_null(strchr(lf, '\r'));
	add_key(dns, "sel1", "v=DKIM1; k=rsa; ", rsa_a.p);
	verify(dns, NULL, lf, 8, &r);
	assert_int_equal(r.ndkim, 1);
	check_sig(&r.dkim[0], SC_DKIM_PASS, NULL, DOM, "sel1");
	sc_auth_result_clear(&r);
	free(lf);
	free(crlf);
	free(sig);
	sc_dns_free(dns);
}

/* extra_case - prepend a field to a signed message; expect the result and reason */
static void extra_case(const char *added, sc_dkim_result want, const char *reason)
{
	sc_dns *dns = sc_dns_new_static(1000);
	char *sig = sign(base_msg, &rsa_a, "sel1", DKIM_CANON_RELAXED, DKIM_CANON_RELAXED,
			 DKIM_SIGN_RSASHA256, 0);
	char *msg = cat(added, sig, base_msg, NULL);
	sc_auth_result r;

	add_key(dns, "sel1", "v=DKIM1; k=rsa; ", rsa_a.p);
	verify(dns, NULL, msg, 8, &r);
	assert_int_equal(r.ndkim, 1);
	check_sig(&r.dkim[0], want, reason, DOM, "sel1");
	sc_auth_result_clear(&r);
	free(msg);
	free(sig);
	sc_dns_free(dns);
}

/* test_extra_from - a From field added above a signed message makes the pass neutral */
static void test_extra_from(void **state)
{
	(void) state;
	extra_case("From: PayPal <service@paypal.invalid>\r\n", SC_DKIM_NEUTRAL,
		   "a From field is not signed");
	extra_case("Subject: Your account is locked\r\n", SC_DKIM_NEUTRAL,
		   "a Subject field is not signed");
	/* a field the signer did not sign at all is no forgery of its content */
	extra_case("X-Mailer: whatever\r\n", SC_DKIM_PASS, NULL);
}

/* test_copied_b - a malformed field copying a good signature's b= under another d=
 * stays permerror; the good one is reported for its own domain */
static void test_copied_b(void **state)
{
	sc_dns *dns = sc_dns_new_static(1000);
	char *sig = sign(base_msg, &rsa_a, "sel1", DKIM_CANON_RELAXED, DKIM_CANON_RELAXED,
			 DKIM_SIGN_RSASHA256, 0);
	const char *b = find_b(sig);
	char *fake, *msg;
	sc_auth_result r;

	(void) state;
	fake = cat("DKIM-Signature: v=1; d=paypal.invalid;", b, NULL);
	msg = cat(fake, sig, base_msg, NULL);
	add_key(dns, "sel1", "v=DKIM1; k=rsa; ", rsa_a.p);
	verify(dns, NULL, msg, 8, &r);
	assert_int_equal(r.ndkim, 2);
	check_sig(&r.dkim[0], SC_DKIM_PERMERROR, "malformed signature", "paypal.invalid", NULL);
	check_sig(&r.dkim[1], SC_DKIM_PASS, NULL, DOM, "sel1");
	sc_auth_result_clear(&r);
	free(msg);
	free(fake);
	free(sig);
	sc_dns_free(dns);
}

/* One thread's share of test_threads. */
typedef struct thread_job {
	sc_dns *dns;
	const char *good, *bad;
	int failures;
} thread_job;

/* verify_loop - verify a good and a bad message repeatedly, counting wrong results */
static void *verify_loop(void *arg)
{
	thread_job *j = arg;

	for (int i = 0; i < 10; i++) {
		sc_auth_result r;

		memset(&r, 0, sizeof(r));
		sc_dkim_verify(j->dns, NULL, j->good, strlen(j->good), 8, &r);
		j->failures += r.ndkim != 1 || r.dkim[0].result != SC_DKIM_PASS;
		sc_auth_result_clear(&r);
		sc_dkim_verify(j->dns, NULL, j->bad, strlen(j->bad), 8, &r);
		j->failures += r.ndkim != 1 || r.dkim[0].result != SC_DKIM_FAIL;
		sc_auth_result_clear(&r);
	}
	return NULL;
}

/* test_threads - concurrent verification on one sc_dns and one DKIM_LIB */
static void test_threads(void **state)
{
	sc_dns *dns = sc_dns_new_static(1000);
	char *sig = sign(base_msg, &rsa_a, "sel1", DKIM_CANON_RELAXED, DKIM_CANON_RELAXED,
			 DKIM_SIGN_RSASHA256, 0);
	char *good = cat(sig, base_msg, NULL);
	char *bad = replace(good, "Regards", "Regrets");
	thread_job jobs[4];
	pthread_t t[4];

	(void) state;
	add_key(dns, "sel1", "v=DKIM1; k=rsa; ", rsa_a.p);
	for (int i = 0; i < 4; i++) {
		jobs[i] = (thread_job){dns, good, bad, 0};
		assert_int_equal(pthread_create(&t[i], NULL, verify_loop, &jobs[i]), 0);
	}
	for (int i = 0; i < 4; i++) {
		pthread_join(t[i], NULL);
		assert_int_equal(jobs[i].failures, 0);
	}
	free(bad);
	free(good);
	free(sig);
	sc_dns_free(dns);
}

/* test_odd_input - no From, no body, thousands of signatures: no pass, no crash */
static void test_odd_input(void **state)
{
	sc_dns *dns = sc_dns_new_static(1000);
	char *sig = sign(base_msg, &rsa_a, "sel1", DKIM_CANON_RELAXED, DKIM_CANON_RELAXED,
			 DKIM_SIGN_RSASHA256, 0);
	char *nofrom = replace(base_msg, "From: Alice <alice@example.com>\r\n", "");
	char *msg = cat(sig, nofrom, NULL);
	char *head = cat(sig, "From: alice@example.com\r\nSubject: x", NULL);
	sc_auth_result r;
	sc_buf many;

	(void) state;
	add_key(dns, "sel1", "v=DKIM1; k=rsa; ", rsa_a.p);
	verify(dns, NULL, msg, 8, &r);
	assert_int_equal(r.ndkim, 1);
	assert_int_not_equal(r.dkim[0].result, SC_DKIM_PASS);
	sc_auth_result_clear(&r);
	verify(dns, NULL, head, 8, &r); /* header only, no empty line */
	assert_int_equal(r.ndkim, 1);
	assert_int_not_equal(r.dkim[0].result, SC_DKIM_PASS);
	sc_auth_result_clear(&r);
	sc_buf_init(&many, SC_BUF_UNLIMITED);
	for (int i = 0; i < 5000; i++)
		sc_buf_printf(&many, "DKIM-Signature: v=1; d=x%d.example; s=s; b=AAAA\r\n", i);
	sc_buf_puts(&many, sig);
	sc_buf_puts(&many, base_msg);
	verify(dns, NULL, sc_buf_cstr(&many), 8, &r);
	assert_int_equal(r.ndkim, 8);
	check_sig(&r.dkim[7], SC_DKIM_PERMERROR, "malformed signature", "x7.example", "s");
	sc_auth_result_clear(&r);
	sc_buf_free(&many);
	free(head);
	free(msg);
	free(nofrom);
	free(sig);
	sc_dns_free(dns);
}

/* test_result_names - the RFC 8601 words */
static void test_result_names(void **state)
{
	(void) state;
	assert_string_equal(sc_dkim_result_name(SC_DKIM_PASS), "pass");
	assert_string_equal(sc_dkim_result_name(SC_DKIM_FAIL), "fail");
	assert_string_equal(sc_dkim_result_name(SC_DKIM_NEUTRAL), "neutral");
	assert_string_equal(sc_dkim_result_name(SC_DKIM_TEMPERROR), "temperror");
	assert_string_equal(sc_dkim_result_name(SC_DKIM_PERMERROR), "permerror");
}

/* main - run every DKIM test, with the keys made once */
int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_valid_relaxed),  cmocka_unit_test(test_valid_simple),
		cmocka_unit_test(test_valid_ed25519),  cmocka_unit_test(test_body_changed),
		cmocka_unit_test(test_header_changed), cmocka_unit_test(test_whitespace_relaxed),
		cmocka_unit_test(test_key_missing),    cmocka_unit_test(test_key_nxdomain),
		cmocka_unit_test(test_key_revoked),    cmocka_unit_test(test_key_wrong),
		cmocka_unit_test(test_key_testing),    cmocka_unit_test(test_key_garbage),
		cmocka_unit_test(test_key_multiple),   cmocka_unit_test(test_key_small),
		cmocka_unit_test(test_expired),        cmocka_unit_test(test_l_truncated),
		cmocka_unit_test(test_rsa_sha1),       cmocka_unit_test(test_several),
		cmocka_unit_test(test_max_sigs),       cmocka_unit_test(test_l_whole_body),
		cmocka_unit_test(test_l_appended),     cmocka_unit_test(test_budget_timeout),
		cmocka_unit_test(test_servfail),       cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_unsigned),       cmocka_unit_test(test_lf_only),
		cmocka_unit_test(test_extra_from),     cmocka_unit_test(test_copied_b),
		cmocka_unit_test(test_threads),        cmocka_unit_test(test_odd_input),
		cmocka_unit_test(test_result_names),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
