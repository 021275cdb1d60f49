/*
 * keccak.c - Keccak-256 over nettle's Keccak-f[1600] (see keccak.h).
 */
#include "autoconfig.h"

#include <string.h>

#include <nettle/sha3.h>

#include "keccak.h"

#define RATE 136 /* bytes: 1600 bits of state less a 512-bit capacity */

/* absorb - XOR one RATE-byte block into the state (lanes little-endian) and
 * run the permutation */
static void absorb(struct sha3_state *st, const uint8_t *block)
{
	for (size_t lane = 0; lane < RATE / 8; lane++) {
		uint64_t v = 0;

		for (size_t b = 0; b < 8; b++)
			v |= (uint64_t) block[lane * 8 + b] << (8 * b);
		st->a[lane] ^= v;
	}
	sha3_permute(st);
}

/* sc_keccak256_padded - the sponge with padding byte pad */
void sc_keccak256_padded(const void *in, size_t len, uint8_t pad, uint8_t out[SC_KECCAK256_SIZE])
{
	const uint8_t *p = in;
	struct sha3_state st;
	uint8_t last[RATE];

	memset(&st, 0, sizeof(st));
	for (; len >= RATE; p += RATE, len -= RATE)
		absorb(&st, p);
	memset(last, 0, sizeof(last));
	if (len > 0)
		memcpy(last, p, len);
	last[len] ^= pad;
	last[RATE - 1] ^= 0x80;
	absorb(&st, last);
	for (size_t i = 0; i < SC_KECCAK256_SIZE; i++)
		out[i] = (uint8_t) (st.a[i / 8] >> (8 * (i % 8)));
}

/* sc_keccak256 - Ethereum's Keccak-256 */
void sc_keccak256(const void *in, size_t len, uint8_t out[SC_KECCAK256_SIZE])
{
	sc_keccak256_padded(in, len, SC_KECCAK_PAD, out);
}
