/*
 * keccak.h - Keccak-256, the hash Ethereum uses (EIP-55 address checksums),
 * built on nettle's Keccak-f[1600] permutation (sha3_permute).
 *
 * Keccak-256 is not FIPS 202 SHA3-256: the sponge is the same (rate 136
 * bytes, 256-bit output) but the message is padded with the byte 0x01
 * (original Keccak) where SHA3 uses 0x06. sc_keccak256_padded() takes the
 * padding byte so the sponge can be tested against nettle's SHA3-256.
 *
 * Pure functions: thread-safe, no allocation.
 */
#ifndef SC_KECCAK_H
#define SC_KECCAK_H

#include <stddef.h>
#include <stdint.h>

#define SC_KECCAK256_SIZE 32
#define SC_KECCAK_PAD     0x01 /* original Keccak (Ethereum) */
#define SC_SHA3_PAD       0x06 /* FIPS 202 SHA3 */

/* sc_keccak256 - Keccak-256 of len bytes at in (NULL when len is 0) into out. */
void sc_keccak256(const void *in, size_t len, uint8_t out[SC_KECCAK256_SIZE]);

/* sc_keccak256_padded - the rate-136 sponge with the domain padding byte pad
 * (SC_KECCAK_PAD or SC_SHA3_PAD): Keccak-256 or SHA3-256. */
void sc_keccak256_padded(const void *in, size_t len, uint8_t pad, uint8_t out[SC_KECCAK256_SIZE]);

#endif
