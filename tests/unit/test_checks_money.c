/*
 * test_checks_money.c - the money checks (checks_money.c) and what they
 * stand on: Keccak-256 (keccak.c), wallet addresses (wallet.c), IBANs
 * (iban.c). Rows of tokens and hand-written messages: published test
 * vectors and addresses built here with their checksums must count; the
 * same with one character changed, hex hashes, git commits, base64 and
 * look-alike prefixes must not.
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

#include <nettle/sha2.h>
#include <nettle/sha3.h>

#include "buf.h"
#include "checks_harness.h"
#include "diag.h"
#include "iban.h"
#include "keccak.h"
#include "mem.h"
#include "msg.h"
#include "rules.h"
#include "wallet.h"

static const char RULES[] = "body T_CRYPTO eval:check_crypto_address()\n"
			    "body T_CRYPTO_BTC eval:check_crypto_address(btc)\n"
			    "body T_CRYPTO_ETH eval:check_crypto_address('eth')\n"
			    "body T_CRYPTO_TRON eval:check_crypto_address(tron)\n"
			    "body T_CRYPTO_BAD eval:check_crypto_address(doge)\n"
			    "body T_IBAN eval:check_iban()\n";

static sc_ruleset *rules;

static int setup(void **state)
{
	(void) state;
	rules = harness_rules(RULES, 0); /* as before: fails only when nothing loads */
	return rules != NULL ? 0 : -1;
}

static int teardown(void **state)
{
	(void) state;
	sc_ruleset_unref(rules);
	return 0;
}

/* hex - out (2n+1 bytes) gets the lower-case hex of n bytes */
static void hex(const uint8_t *b, size_t n, char *out)
{
	for (size_t i = 0; i < n; i++)
		(void) snprintf(out + 2 * i, 3, "%02x", b[i]);
}

static void test_keccak(void **state)
{
	uint8_t h[SC_KECCAK256_SIZE], ref[SHA3_256_DIGEST_SIZE], in[300];
	char x[2 * SC_KECCAK256_SIZE + 1];

	(void) state;
	sc_keccak256(NULL, 0, h);
	hex(h, sizeof(h), x);
	assert_string_equal(x, "c5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470");
	/* the sponge, multi-block included, with SHA3's padding is nettle's SHA3-256 */
	for (size_t i = 0; i < sizeof(in); i++)
		in[i] = (uint8_t) (i * 7 + 3);
	for (size_t n = 0; n <= sizeof(in); n += 17) {
		struct sha3_256_ctx c;

		sha3_256_init(&c);
		sha3_256_update(&c, n, in);
		sha3_256_digest(&c, sizeof(ref), ref);
		sc_keccak256_padded(in, n, SC_SHA3_PAD, h);
		assert_memory_equal(h, ref, sizeof(ref));
		/* and Keccak's padding gives another hash */
		sc_keccak256(in, n, h);
		assert_memory_not_equal(h, ref, sizeof(ref));
	}
}

/* b58check - out gets the Base58Check string of version + 20 payload bytes,
 * computed here (double SHA-256 checksum, Base58 digits) */
static void b58check(uint8_t version, const uint8_t payload[20], char *out, size_t size)
{
	static const char digits[] = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";
	uint8_t raw[25], h[SHA256_DIGEST_SIZE], num[25];
	char rev[40];
	size_t n = 0, zeros = 0, o = 0;
	struct sha256_ctx c;

	raw[0] = version;
	memcpy(raw + 1, payload, 20);
	sha256_init(&c);
	sha256_update(&c, 21, raw);
	sha256_digest(&c, sizeof(h), h);
	sha256_init(&c);
	sha256_update(&c, sizeof(h), h);
	sha256_digest(&c, sizeof(h), h);
	memcpy(raw + 21, h, 4);
	memcpy(num, raw, sizeof(num));
	while (zeros < sizeof(raw) && raw[zeros] == 0)
		zeros++;
	for (;;) { /* divide num by 58 until it is zero */
		unsigned rem = 0;
		int nonzero = 0;

		for (size_t k = 0; k < sizeof(num); k++) {
			unsigned cur = rem * 256 + num[k];

			num[k] = (uint8_t) (cur / 58);
			rem = cur % 58;
			nonzero |= num[k] != 0;
		}
		rev[n++] = digits[rem];
		if (!nonzero)
			break;
	}
	assert_true(zeros + n < size);
	for (size_t k = 0; k < zeros; k++)
		out[o++] = '1';
	while (n > 0)
		out[o++] = rev[--n];
	out[o] = '\0';
}

/* one row: a token, the kind it is, the flags it gets */
typedef struct wallet_row {
	const char *tok;
	sc_wallet_kind kind;
	unsigned flags;
} wallet_row;

static const wallet_row wallet_rows[] = {
	/* Bitcoin Base58Check: P2PKH, P2SH (the Bitcoin wiki's examples) */
	{"1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2", SC_WALLET_BTC, 0},
	{"3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy", SC_WALLET_BTC, 0},
	{"1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa", SC_WALLET_BTC, 0},
	/* one character changed, two swapped, one dropped: no */
	{"1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN3", SC_WALLET_NONE, 0},
	{"1BvBMSEYstWetqTFn5Au4m4GFg7xjaNVN2", SC_WALLET_NONE, 0},
	{"3J98t1WpEZ73CNmQviecrnyiWrnqRhWNyL", SC_WALLET_NONE, 0},
	{"1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfN", SC_WALLET_NONE, 0},
	/* Litecoin's version byte is not Bitcoin's */
	{"LKKHMBjCU89fyFNgSRprDoD8Jb25N8uWvd", SC_WALLET_NONE, 0},
	/* segwit v0 (BIP-173) in either case, v1 in bech32m (BIP-350) */
	{"BC1QW508D6QEJXTDG4Y5R3ZARVARY0C5XW7KV8F3T4", SC_WALLET_BTC, 0},
	{"bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4", SC_WALLET_BTC, 0},
	{"bc1pqqqsyqcyq5rqwzqfpg9scrgwpugpzysnzs23v9ccrydpk8qarc0sg5tmnz", SC_WALLET_BTC, 0},
	{"bc1pw508d6qejxtdg4y5r3zarvary0c5xw7kw508d6qejxtdg4y5r3zarvary0c5xw7kt5nd6y",
	 SC_WALLET_BTC, 0},
	/* mixed case, a changed character, the wrong checksum constant for the
	 * version (v1 in bech32, v0 in bech32m), a v0 program of 24 bytes,
	 * testnet: no */
	{"bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3T4", SC_WALLET_NONE, 0},
	{"bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t5", SC_WALLET_NONE, 0},
	{"bc1pqqqsyqcyq5rqwzqfpg9scrgwpugpzysnzs23v9ccrydpk8qarc0sagmhkq", SC_WALLET_NONE, 0},
	{"bc1qqqqsyqcyq5rqwzqfpg9scrgwpugpzysnqslask", SC_WALLET_NONE, 0},
	{"bc1qqqqsyqcyq5rqwzqfpg9scrgwpugpzysn4v0345", SC_WALLET_BTC, 0},
	{"bc1qqqqsyqcyq5rqwzqfpg9scrgwpugpzysnzs23v9cmslaxc", SC_WALLET_NONE, 0},
	{"tb1qqqqsyqcyq5rqwzqfpg9scrgwpugpzysnl25zw8", SC_WALLET_NONE, 0},
	/* Ethereum: EIP-55's examples; all upper or lower case is format only */
	{"0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed", SC_WALLET_ETH, 0},
	{"0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359", SC_WALLET_ETH, 0},
	{"0xdbF03B407c01E7cD3CBea99509d93f8DDDC8C6FB", SC_WALLET_ETH, 0},
	{"0xD1220A0cf47c7B9Be7A2E6BA89F429762e7b9aDb", SC_WALLET_ETH, 0},
	{"0x52908400098527886E0F7030069857D2E4169EE7", SC_WALLET_ETH, SC_WALLET_UNCHECKSUMMED},
	{"0xde709f2102306220921060314715629080e2fb77", SC_WALLET_ETH, SC_WALLET_UNCHECKSUMMED},
	/* one letter's case flipped, one digit changed under mixed case */
	{"0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeD", SC_WALLET_NONE, 0},
	{"0x5aaeb6053F3E94C9b9A09f33669435E7Ef1BeAed", SC_WALLET_NONE, 0},
	{"0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d358", SC_WALLET_NONE, 0},
	/* the zero address, 39 or 41 digits, 0X, a git commit (no 0x), a
	 * 32-byte transaction hash, a non-hex digit */
	{"0x0000000000000000000000000000000000000000", SC_WALLET_NONE, 0},
	{"0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAe", SC_WALLET_NONE, 0},
	{"0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed0", SC_WALLET_NONE, 0},
	{"0X5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed", SC_WALLET_NONE, 0},
	{"db44ead2b1f0c7e8a9d3f5e6c4b2a1908f7e6d5c", SC_WALLET_NONE, 0},
	{"0x88df016429689c079f3b2f6ad39fa052532c56795b733da78a91ebe6a713944b", SC_WALLET_NONE, 0},
	{"0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeg", SC_WALLET_NONE, 0},
	/* TRON (Base58Check, version 0x41), and one character changed */
	{"TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t", SC_WALLET_TRON, 0},
	{"TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6T", SC_WALLET_NONE, 0},
	/* base64 and random alphanumerics of the right lengths */
	{"SGVsbG8gd29ybGQsIHRoaXMgaXMgYmFzZTY0", SC_WALLET_NONE, 0},
	{"1QWERTYuiopASDFGHjkLZXCVBNMqwertyu", SC_WALLET_NONE, 0},
	{"TXYZabcdefghijkmnopqrstuvwxyz12345", SC_WALLET_NONE, 0},
};

static void test_wallet_rows(void **state)
{
	(void) state;
	for (size_t i = 0; i < sizeof(wallet_rows) / sizeof(wallet_rows[0]); i++) {
		const wallet_row *r = &wallet_rows[i];
		unsigned flags = 99;
		sc_wallet_kind k = sc_wallet_classify(r->tok, strlen(r->tok), &flags);

		if (k != r->kind || flags != r->flags)
			fail_msg("%s: kind %s flags %u, want %s flags %u", r->tok,
				 sc_wallet_kind_name(k), flags, sc_wallet_kind_name(r->kind),
				 r->flags);
	}
}

/* Addresses computed here: whatever the payload, a built address counts and
 * every one-character change of it does not. */
static void test_wallet_built(void **state)
{
	static const struct {
		uint8_t version;
		sc_wallet_kind kind;
	} kinds[] = {{0x00, SC_WALLET_BTC}, {0x05, SC_WALLET_BTC}, {0x41, SC_WALLET_TRON}};
	uint8_t payload[20];
	char a[64];

	(void) state;
	for (size_t seed = 0; seed < 8; seed++) {
		for (size_t i = 0; i < sizeof(payload); i++)
			payload[i] = (uint8_t) (seed * 37 + i * 11 + (seed == 0 && i < 2 ? 0 : 1));
		if (seed == 0)
			payload[0] = payload[1] = 0; /* leading zero bytes: "111..." */
		for (size_t k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++) {
			size_t n;

			b58check(kinds[k].version, payload, a, sizeof(a));
			n = strlen(a);
			if (sc_wallet_classify(a, n, NULL) != kinds[k].kind)
				fail_msg("built %s not recognised", a);
			for (size_t pos = 1; pos < n; pos++) {
				char saved = a[pos];

				a[pos] = saved == 'z' ? 'y' : 'z';
				if (sc_wallet_classify(a, n, NULL) != SC_WALLET_NONE)
					fail_msg("corrupted %s counted", a);
				a[pos] = saved;
			}
		}
	}
	/* the one computed by a second implementation (Python) agrees */
	for (size_t i = 0; i < sizeof(payload); i++)
		payload[i] = (uint8_t) (i + 1);
	b58check(0x41, payload, a, sizeof(a));
	assert_string_equal(a, "TA4Y62o6YC2Zsck9rZVGTvqW1AQ7X9zTnj");
}

/* next_rand - a fixed pseudo-random sequence (64-bit LCG), high bits */
static unsigned next_rand(uint64_t *x)
{
	*x = *x * 6364136223846793005u + 1442695040888963407u;
	return (unsigned) (*x >> 33);
}

/* Random tokens of an address's exact shape (prefix, alphabet, length)
 * must not pass: the checksums make that a 1 in 2^30 (bech32) or 2^32
 * (Base58Check) event, so 40,000 of each give none. */
static void test_wallet_random(void **state)
{
	static const struct {
		const char *prefix, *alphabet;
		size_t len;
	} shapes[] = {
		{"1", "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz", 34},
		{"3", "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz", 34},
		{"T", "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz", 34},
		{"bc1q", "qpzry9x8gf2tvdw0s3jn54khce6mua7l", 42},
		{"bc1p", "qpzry9x8gf2tvdw0s3jn54khce6mua7l", 62},
	};
	uint64_t x = 42;
	char tok[SC_WALLET_MAX_LEN + 1];

	(void) state;
	for (size_t s = 0; s < sizeof(shapes) / sizeof(shapes[0]); s++) {
		size_t plen = strlen(shapes[s].prefix), alen = strlen(shapes[s].alphabet);

		memcpy(tok, shapes[s].prefix, plen);
		for (int k = 0; k < 40000; k++) {
			for (size_t i = plen; i < shapes[s].len; i++)
				tok[i] = shapes[s].alphabet[next_rand(&x) % alen];
			tok[shapes[s].len] = '\0';
			if (sc_wallet_classify(tok, shapes[s].len, NULL) != SC_WALLET_NONE)
				fail_msg("random %s counted", tok);
		}
	}
}

/* one row: text, the IBAN found at its start ("" for none) */
typedef struct iban_row {
	const char *text;
	const char *iban;
} iban_row;

static const iban_row iban_rows[] = {
	{"DE89370400440532013000", "DE89370400440532013000"},
	{"DE89 3704 0044 0532 0130 00", "DE89370400440532013000"},
	{"DE89\xc2\xa0"
	 "3704\xc2\xa0"
	 "0044 0532 0130 00.",
	 "DE89370400440532013000"},
	{"GB82 WEST 1234 5698 7654 32, sort code", "GB82WEST12345698765432"},
	/* plain text's layout: runs of blanks, a line break between groups */
	{"DE89 3704   0044\t0532 0130 00", "DE89370400440532013000"},
	{"DE89 3704 0044\r\n0532 0130 00", "DE89370400440532013000"},
	{"FR1420041010050500013M02606", "FR1420041010050500013M02606"},
	{"NL91ABNA0417164300)", "NL91ABNA0417164300"},
	{"BE68539007547034", "BE68539007547034"},
	{"NO9386011117947", "NO9386011117947"},
	{"MT84MALT011000012345MTLCAST001S", "MT84MALT011000012345MTLCAST001S"},
	/* a digit changed, two swapped, one too few, one too many */
	{"DE89370400440532013001", ""},
	{"DE89370400440532010300", ""},
	{"DE8937040044053201300", ""},
	{"DE893704004405320130001", ""},
	/* spaces not on a group of four, lower case, unknown country, check
	 * digits 00 and 99, a reference that looks the part */
	{"DE89 37040 04405 32013 000", ""},
	{"DE89 3704      0044 0532 0130 00", ""},
	{"DE89 3704 0044 0532 0130 00 1", "DE89370400440532013000"},
	{"de89370400440532013000", ""},
	{"ZZ89370400440532013000", ""},
	{"DE00370400440532013000", ""},
	{"DE12345678901234567890", ""},
};

static void test_iban_rows(void **state)
{
	(void) state;
	for (size_t i = 0; i < sizeof(iban_rows) / sizeof(iban_rows[0]); i++) {
		const iban_row *r = &iban_rows[i];
		char out[SC_IBAN_MAX + 1] = "";
		size_t used = sc_iban_at(r->text, strlen(r->text), out);

		if ((used > 0) != (r->iban[0] != '\0') || (used > 0 && strcmp(out, r->iban) != 0))
			fail_msg("%s: got %zu bytes, \"%s\"; want \"%s\"", r->text, used,
				 used > 0 ? out : "", r->iban);
	}
}

/* hits - what the rules say of a message with headers and body */
static char *hits(const char *headers, const char *body)
{
	sc_buf raw;
	char *res;

	sc_buf_init(&raw, SC_BUF_UNLIMITED);
	(void) sc_buf_printf(&raw, "From: a@example.org\r\n%sSubject: hello\r\n\r\n%s\r\n", headers,
			     body);
	res = harness_hits_env(rules, NULL, NULL, NULL, raw.data, raw.len);
	sc_buf_free(&raw);
	return res;
}

#define HTML "MIME-Version: 1.0\r\nContent-Type: text/html; charset=utf-8\r\n"
#define ALT  "MIME-Version: 1.0\r\nContent-Type: multipart/alternative; boundary=b\r\n"

/* one row: a message, a rule, whether it hits, a text its detail holds */
typedef struct msg_row {
	const char *headers, *body, *rule;
	int hit;
	const char *detail;
} msg_row;

static const msg_row msg_rows[] = {
	/* must hit: where to pay, in text and in HTML */
	{"", "Send 0.05 BTC to 1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2 within 48 hours.", "T_CRYPTO", 1,
	 "1 wallet address passing its checksum: btc 1BvBMSEY...JaNVN2"},
	{"", "My BTC address: bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4", "T_CRYPTO_BTC", 1,
	 "btc bc1qw508...v8f3t4"},
	{HTML, "<p>USDT (TRC20):<br><b>TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t</b></p>", "T_CRYPTO_TRON",
	 1, "tron TR7NHqje...gjLj6t"},
	{HTML, "<div>Wallet <span>0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed</span></div>",
	 "T_CRYPTO_ETH", 1, "eth 0x5aAeb6...1BeAed"},
	{"", "pay to 0xde709f2102306220921060314715629080e2fb77 (ERC20)", "T_CRYPTO", 1,
	 "(one case: no EIP-55 checksum to verify)"},
	/* in a sentence's punctuation, a link shown as text */
	{"", "(1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2).", "T_CRYPTO", 1, NULL},
	{"", "bitcoin:1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2?amount=0.1", "T_CRYPTO", 1, NULL},
	/* the same address in both alternatives counts once; two count two */
	{ALT,
	 "--b\r\nContent-Type: text/plain\r\n\r\nBTC: 3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy\r\n"
	 "--b\r\nContent-Type: text/html\r\n\r\n<p>BTC: 3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy</p>"
	 "\r\n--b--",
	 "T_CRYPTO", 1, "1 wallet address passing its checksum"},
	{"",
	 "BTC 1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2 or ETH 0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359",
	 "T_CRYPTO", 1, "2 wallet addresses passing their checksum: btc 1BvBMSEY...JaNVN2, eth"},
	/* invisible characters put inside to break filters are skipped */
	{"",
	 "BTC: 1BvBMSEY\xe2\x80\x8bstWetqTFn5Au4m4G\xc2\xad"
	 "Fg7xJaNVN2\xef\xbb\xbf.",
	 "T_CRYPTO", 1, "btc 1BvBMSEY...JaNVN2 (invisible characters inside)"},
	{"", "1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2\xe2\x80\x8bx", "T_CRYPTO", 0, NULL},
	/* the kind filters */
	{"", "ETH 0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359", "T_CRYPTO_BTC", 0, NULL},
	{"", "BTC 1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2", "T_CRYPTO_ETH", 0, NULL},
	{"", "BTC 1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2", "T_CRYPTO_BAD", 0, NULL},
	/* must not hit: a corrupted address, glued to other characters */
	{"", "Send BTC to 1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN3", "T_CRYPTO", 0, NULL},
	{"", "ref x1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2 and 1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2a",
	 "T_CRYPTO", 0, NULL},
	{"", "word0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed", "T_CRYPTO", 0, NULL},
	/* git, hashes, ids, base64: the ham traps */
	{"",
	 "commit db44ead2b1f0c7e8a9d3f5e6c4b2a1908f7e6d5c\nMerge: 421f056 6741c29\n"
	 "sha256 88df016429689c079f3b2f6ad39fa052532c56795b733da78a91ebe6a713944b\n"
	 "key 0x88df016429689c079f3b2f6ad39fa052532c56795b733da78a91ebe6a713944b\n",
	 "T_CRYPTO", 0, NULL},
	{"", "id=0x52908400098527886e0f7030069857d2e4169ee7ff", "T_CRYPTO", 0, NULL},
	{"",
	 "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5E"
	 "rkJggg==\nSGVsbG8gd29ybGQsIHRoaXMgaXMgYmFzZTY0IHRleHQ=",
	 "T_CRYPTO", 0, NULL},
	/* an address only in markup the reader does not see */
	{HTML,
	 "<a href=\"https://example.com/t?u=1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2\">your order</a>"
	 "<img alt=\"\" "
	 "src=\"https://example.com/p/0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed.gif\">",
	 "T_CRYPTO", 0, NULL},
	/* IBANs */
	{"", "Please pay invoice 4711 to IBAN DE89 3704 0044 0532 0130 00, BIC COBADEFFXXX.",
	 "T_IBAN", 1, "1 IBAN passing mod-97: DE893704...013000"},
	{HTML, "<p>IBAN: GB82WEST12345698765432<br>IBAN: NL91ABNA0417164300</p>", "T_IBAN", 1,
	 "2 IBANs passing mod-97: GB82WEST...765432, and 1 more"},
	{"", "IBAN DE89 3704 0044 0532 0130 01", "T_IBAN", 0, NULL},
	{"", "order DE12345678901234567890 shipped", "T_IBAN", 0, NULL},
	{"", "xDE89370400440532013000", "T_IBAN", 0, NULL},
};

static void test_msg_rows(void **state)
{
	(void) state;
	for (size_t i = 0; i < sizeof(msg_rows) / sizeof(msg_rows[0]); i++) {
		const msg_row *r = &msg_rows[i];
		char *h = hits(r->headers, r->body);

		harness_check(h, r->rule, r->hit, r->detail, (long) i, r->body);
		free(h);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_keccak),       cmocka_unit_test(test_wallet_rows),
		cmocka_unit_test(test_wallet_built), cmocka_unit_test(test_wallet_random),
		cmocka_unit_test(test_iban_rows),    cmocka_unit_test(test_msg_rows),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
