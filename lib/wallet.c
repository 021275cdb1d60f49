/*
 * wallet.c - cryptocurrency wallet addresses that pass their checksum:
 * Base58Check (Bitcoin, TRON), bech32/bech32m (Bitcoin segwit) and EIP-55
 * (Ethereum). See wallet.h. SHA-256 from nettle, Keccak-256 from keccak.c.
 */
#include "autoconfig.h"

#include <stdint.h>
#include <string.h>

#include <nettle/sha2.h>

#include "ascii.h"
#include "keccak.h"
#include "wallet.h"

#define B58_BYTES 25 /* version, 20-byte hash, 4-byte checksum */

/* b58_value - the Base58 digit of c, or -1 */
static int b58_value(char c)
{
	static const char digits[] = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";
	const char *p = c != '\0' ? strchr(digits, c) : NULL;

	return p != NULL ? (int) (p - digits) : -1;
}

/* b58_decode25 - decode n Base58 characters that encode exactly 25 bytes
 * (leading '1's are leading zero bytes, no more, no fewer); 0 on success */
static int b58_decode25(const char *s, size_t n, uint8_t out[B58_BYTES])
{
	size_t ones = 0, zeros = 0;

	memset(out, 0, B58_BYTES);
	for (size_t i = 0; i < n; i++) {
		int v = b58_value(s[i]);
		unsigned carry;

		if (v < 0)
			return -1;
		carry = (unsigned) v;
		for (size_t k = B58_BYTES; k-- > 0;) {
			carry += 58u * out[k];
			out[k] = (uint8_t) (carry & 0xff);
			carry >>= 8;
		}
		if (carry != 0)
			return -1; /* more than 25 bytes */
	}
	while (ones < n && s[ones] == '1')
		ones++;
	while (zeros < B58_BYTES && out[zeros] == 0)
		zeros++;
	return ones == zeros ? 0 : -1;
}

/* base58check_version - the version byte of a valid 25-byte Base58Check
 * string, or -1 */
static int base58check_version(const char *s, size_t n)
{
	uint8_t raw[B58_BYTES], h[SHA256_DIGEST_SIZE];
	struct sha256_ctx c;

	if (n < 26 || n > 35 || b58_decode25(s, n, raw) < 0)
		return -1;
	sha256_init(&c);
	sha256_update(&c, B58_BYTES - 4, raw);
	sha256_digest(&c, sizeof(h), h);
	sha256_init(&c);
	sha256_update(&c, sizeof(h), h);
	sha256_digest(&c, sizeof(h), h);
	return memcmp(h, raw + B58_BYTES - 4, 4) == 0 ? raw[0] : -1;
}

/* bech32_polymod - BIP-173's checksum polynomial over n 5-bit values */
static uint32_t bech32_polymod(const uint8_t *v, size_t n)
{
	static const uint32_t gen[5] = {0x3b6a57b2, 0x26508e6d, 0x1ea119fa, 0x3d4233dd, 0x2a1462b3};
	uint32_t chk = 1;

	for (size_t i = 0; i < n; i++) {
		uint32_t top = chk >> 25;

		chk = ((chk & 0x1ffffff) << 5) ^ v[i];
		for (int k = 0; k < 5; k++)
			if ((top >> k) & 1)
				chk ^= gen[k];
	}
	return chk;
}

/* is_segwit - s is a mainnet segwit address "bc1...": bech32 for witness
 * version 0 (20- or 32-byte program), bech32m for versions 1..16 */
static int is_segwit(const char *s, size_t n)
{
	static const char charset[] = "qpzry9x8gf2tvdw0s3jn54khce6mua7l";
	static const uint32_t bech32_const = 1, bech32m_const = 0x2bc830a3;
	uint8_t v[5 + SC_WALLET_MAX_LEN]; /* expanded "bc" (5 values) + data */
	size_t nd = 0, plen = 0;
	int upper = 0, lower = 0;
	unsigned acc = 0, bits = 0;
	uint32_t chk;

	if (n < 14 || n > SC_WALLET_MAX_LEN || (s[0] | 0x20) != 'b' || (s[1] | 0x20) != 'c' ||
	    s[2] != '1')
		return 0;
	v[0] = 'b' >> 5;
	v[1] = 'c' >> 5;
	v[2] = 0;
	v[3] = 'b' & 31;
	v[4] = 'c' & 31;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		const char *p;

		upper |= c >= 'A' && c <= 'Z';
		lower |= c >= 'a' && c <= 'z';
		if (i < 3)
			continue;
		if (c >= 'A' && c <= 'Z')
			c = (char) (c + 32);
		if ((p = strchr(charset, c)) == NULL || c == '\0')
			return 0;
		v[5 + nd++] = (uint8_t) (p - charset);
	}
	if (upper && lower)
		return 0;
	chk = bech32_polymod(v, 5 + nd);
	if (v[5] > 16 || chk != (v[5] == 0 ? bech32_const : bech32m_const))
		return 0;
	/* the program: 5-bit groups after the version, before the checksum */
	for (size_t i = 6; i < 5 + nd - 6; i++) {
		acc = (acc << 5) | v[i];
		bits += 5;
		if (bits >= 8) {
			bits -= 8;
			plen++;
			acc &= (1u << bits) - 1;
		}
	}
	if (bits >= 5 || acc != 0)
		return 0; /* padding longer than 4 bits, or not zero */
	if (v[5] == 0)
		return plen == 20 || plen == 32;
	return plen >= 2 && plen <= 40;
}

/* eth_address - s is "0x" + 40 hex digits, not all zero, and in mixed case
 * passes EIP-55; sets *unchecked when it is in one case */
static int eth_address(const char *s, size_t n, int *unchecked)
{
	char lower[40];
	uint8_t h[SC_KECCAK256_SIZE];
	int up = 0, low = 0, nonzero = 0;

	if (n != 42 || s[0] != '0' || s[1] != 'x')
		return 0;
	for (size_t i = 0; i < 40; i++) {
		char c = s[2 + i];
		int v = sc_hex_value(c);

		if (v < 0)
			return 0;
		nonzero |= v != 0;
		up |= c >= 'A' && c <= 'F';
		low |= c >= 'a' && c <= 'f';
		lower[i] = (char) (c >= 'A' && c <= 'F' ? c + 32 : c);
	}
	if (!nonzero)
		return 0;
	*unchecked = !(up && low);
	if (*unchecked)
		return 1;
	sc_keccak256(lower, sizeof(lower), h);
	for (size_t i = 0; i < 40; i++) {
		char c = s[2 + i];
		unsigned nib = (i % 2 == 0) ? h[i / 2] >> 4 : h[i / 2] & 0x0f;

		if (sc_hex_value(c) < 10)
			continue;
		if ((c >= 'A' && c <= 'F') != (nib >= 8))
			return 0;
	}
	return 1;
}

/* sc_wallet_classify - see wallet.h */
sc_wallet_kind sc_wallet_classify(const char *tok, size_t len, unsigned *flags)
{
	int unchecked = 0, ver;

	if (flags != NULL)
		*flags = 0;
	if (len < SC_WALLET_MIN_LEN || len > SC_WALLET_MAX_LEN)
		return SC_WALLET_NONE;
	if (eth_address(tok, len, &unchecked)) {
		if (flags != NULL && unchecked)
			*flags |= SC_WALLET_UNCHECKSUMMED;
		return SC_WALLET_ETH;
	}
	if (is_segwit(tok, len))
		return SC_WALLET_BTC;
	switch (tok[0]) {
	case '1':
	case '3':
		ver = base58check_version(tok, len);
		return (ver == 0x00 || ver == 0x05) ? SC_WALLET_BTC : SC_WALLET_NONE;
	case 'T':
		ver = len == 34 ? base58check_version(tok, len) : -1;
		return ver == 0x41 ? SC_WALLET_TRON : SC_WALLET_NONE;
	default:
		return SC_WALLET_NONE;
	}
}

/* sc_wallet_kind_name - see wallet.h */
const char *sc_wallet_kind_name(sc_wallet_kind k)
{
	switch (k) {
	case SC_WALLET_BTC:
		return "btc";
	case SC_WALLET_ETH:
		return "eth";
	case SC_WALLET_TRON:
		return "tron";
	default:
		return "none";
	}
}
