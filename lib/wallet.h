/*
 * wallet.h - cryptocurrency wallet addresses that pass their checksum, so
 * that a random token never counts as one.
 *
 * sc_wallet_classify() judges one whole token (the caller cuts tokens at
 * non-alphanumeric characters) and recognises:
 *   - Bitcoin Base58Check addresses: P2PKH (version byte 0x00, "1...") and
 *     P2SH (0x05, "3..."), 25 bytes whose last 4 are the first 4 of the
 *     double SHA-256 of the first 21;
 *   - Bitcoin segwit addresses "bc1..." (one case throughout): witness
 *     version 0 in bech32 (BIP-173) with a 20- or 32-byte program, version
 *     1..16 in bech32m (BIP-350) with a 2..40-byte program;
 *   - Ethereum addresses "0x" + 40 hex digits: in mixed case the EIP-55
 *     checksum (Keccak-256 of the lower-case hex) must hold; in one case
 *     throughout (or digits only) there is no checksum to verify, and the
 *     result carries SC_WALLET_UNCHECKSUMMED. The zero address is no wallet;
 *   - TRON addresses: Base58Check with version byte 0x41 ("T...").
 * Testnet forms (tb1, m/n/2 Base58) are not recognised.
 *
 * Pure functions: thread-safe, no allocation.
 */
#ifndef SC_WALLET_H
#define SC_WALLET_H

#include <stddef.h>

typedef enum sc_wallet_kind {
	SC_WALLET_NONE = 0,
	SC_WALLET_BTC = 1u << 0,
	SC_WALLET_ETH = 1u << 1,
	SC_WALLET_TRON = 1u << 2
} sc_wallet_kind;
#define SC_WALLET_ANY (SC_WALLET_BTC | SC_WALLET_ETH | SC_WALLET_TRON)

/* Flags sc_wallet_classify() sets. */
#define SC_WALLET_UNCHECKSUMMED 1u /* Ethereum address in one case: format only */

#define SC_WALLET_MIN_LEN 25 /* shortest token worth classifying */
#define SC_WALLET_MAX_LEN 90 /* longest (a bech32 string) */

/* sc_wallet_classify - the kind of wallet address the len bytes at tok are
 * (exactly, not a part of them), or SC_WALLET_NONE. *flags (may be NULL)
 * gets SC_WALLET_* flags, 0 when none apply. */
sc_wallet_kind sc_wallet_classify(const char *tok, size_t len, unsigned *flags);

/* sc_wallet_kind_name - "btc", "eth", "tron" for one kind; "none" else.
 * Static storage. */
const char *sc_wallet_kind_name(sc_wallet_kind k);

#endif
