/*
 * checks_money.c - eval: checks on where a message asks money to go
 * (issue 6, money): payment identifiers that carry their own checksum, so
 * that only real ones count, never a random token.
 *
 *   check_crypto_address([kind])  the number of distinct cryptocurrency
 *                                 wallet addresses in the text the reader
 *                                 sees that pass their checksum (wallet.h:
 *                                 Bitcoin Base58Check and bech32/bech32m,
 *                                 Ethereum with EIP-55 when in mixed case,
 *                                 TRON). kind is btc, eth, tron or any (the
 *                                 default). Only whole tokens count: no
 *                                 letter or digit may touch either end, so
 *                                 a hash inside a longer hex string (a git
 *                                 commit, a transaction id) is no address.
 *                                 Invisible characters (zero widths, soft
 *                                 hyphen) inside an address are skipped, as
 *                                 the reader never sees them, and named in
 *                                 the detail.
 *   check_iban()                  the number of distinct IBANs (iban.h) that
 *                                 pass mod-97, as whole tokens.
 *
 * The text is that of every text part: the visible text of HTML parts
 * (html.h; attribute values such as tracking ids are not text) and the
 * decoded text of the others, attached text files included. Thread-safe:
 * no state outside each call.
 */
#include "autoconfig.h"

#include <string.h>

#include "eval.h"
#include "iban.h"
#include "wallet.h"

#define MAX_DISTINCT 32        /* distinct values kept (and counted) per message */
#define MAX_SHOWN    3         /* values named in the detail */
#define HIDDEN_CHARS (1u << 8) /* found flag: invisible characters inside */

/* The distinct values found in one message. */
typedef struct found_set {
	char value[MAX_DISTINCT][SC_WALLET_MAX_LEN + 1];
	unsigned kind[MAX_DISTINCT];
	unsigned flags[MAX_DISTINCT];
	size_t n;
} found_set;

typedef void (*text_fn)(const char *text, size_t len, void *arg);

/* each_text - fn over the text of every text part: the visible text of an
 * HTML part, the decoded text of any other */
static void each_text(const sc_msg *m, text_fn fn, void *arg)
{
	for (size_t i = 0; i < sc_msg_part_count(m); i++) {
		const sc_msg_part *p = sc_msg_part_at(m, i);
		const char *t = p->text;
		size_t len = p->text_len;

		if (p->html != NULL)
			t = sc_html_text(p->html, &len);
		if (t != NULL && len > 0)
			fn(t, len, arg);
	}
}

/* is_alnum - an ASCII letter or digit */
static int is_alnum(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}

/* found_add - add len bytes at s (kind, flags) unless already there */
static void found_add(found_set *fs, const char *s, size_t len, unsigned kind, unsigned flags)
{
	for (size_t i = 0; i < fs->n; i++)
		if (strlen(fs->value[i]) == len && memcmp(fs->value[i], s, len) == 0)
			return;
	if (fs->n == MAX_DISTINCT || len > SC_WALLET_MAX_LEN)
		return;
	memcpy(fs->value[fs->n], s, len);
	fs->value[fs->n][len] = '\0';
	fs->kind[fs->n] = kind;
	fs->flags[fs->n] = flags;
	fs->n++;
}

/* invisible_at - the bytes of an invisible format character at t (U+00AD
 * soft hyphen, U+200B..U+200D zero widths, U+2060 word joiner, U+FEFF), 0
 * when there is none */
static size_t invisible_at(const char *t, size_t left)
{
	const unsigned char *u = (const unsigned char *) t;

	if (left >= 2 && u[0] == 0xc2 && u[1] == 0xad)
		return 2;
	if (left >= 3 && u[0] == 0xe2 && u[1] == 0x80 && u[2] >= 0x8b && u[2] <= 0x8d)
		return 3;
	if (left >= 3 && u[0] == 0xe2 && u[1] == 0x81 && u[2] == 0xa0)
		return 3;
	if (left >= 3 && u[0] == 0xef && u[1] == 0xbb && u[2] == 0xbf)
		return 3;
	return 0;
}

/* scan_wallets - add the wallet addresses among text's whole tokens; an
 * invisible character inside a token (one the reader does not see, put
 * there to break filters) is skipped and flagged */
static void scan_wallets(const char *text, size_t len, void *arg)
{
	char tok[SC_WALLET_MAX_LEN + 1];
	size_t i = 0;

	while (i < len) {
		size_t n = 0, gap;
		int hidden = 0;
		sc_wallet_kind k;
		unsigned flags;

		if (!is_alnum(text[i])) {
			i++;
			continue;
		}
		while (i < len) {
			if (is_alnum(text[i])) {
				if (n < sizeof(tok))
					tok[n] = text[i];
				n++;
				i++;
			} else if (n > 0 && (gap = invisible_at(text + i, len - i)) > 0 &&
				   i + gap < len && is_alnum(text[i + gap])) {
				hidden = 1;
				i += gap;
			} else {
				break;
			}
		}
		if (n > SC_WALLET_MAX_LEN)
			continue;
		k = sc_wallet_classify(tok, n, &flags);
		if (k != SC_WALLET_NONE)
			found_add(arg, tok, n, k, flags | (hidden ? HIDDEN_CHARS : 0));
	}
}

/* parse_kind - the SC_WALLET_* mask an argument names; 0 when unknown */
static unsigned parse_kind(const char *s)
{
	if (strcmp(s, "any") == 0)
		return SC_WALLET_ANY;
	if (strcmp(s, "btc") == 0)
		return SC_WALLET_BTC;
	if (strcmp(s, "eth") == 0)
		return SC_WALLET_ETH;
	if (strcmp(s, "tron") == 0)
		return SC_WALLET_TRON;
	return 0;
}

/* put_short - append value, its middle elided when longer than 16 */
static void put_short(sc_buf *b, const char *v)
{
	size_t n = strlen(v);

	if (n <= 16)
		(void) sc_buf_puts(b, v);
	else
		(void) sc_buf_printf(b, "%.8s...%s", v, v + n - 6);
}

/* check_crypto_address - see above */
static int check_crypto_address(const sc_run_ctx *ctx, const char *const *args, size_t nargs,
				sc_buf *detail)
{
	unsigned want = nargs > 0 ? parse_kind(args[0]) : SC_WALLET_ANY;
	found_set fs;
	int n = 0, shown = 0;

	if (want == 0)
		return -1;
	fs.n = 0;
	each_text(ctx->msg, scan_wallets, &fs);
	for (size_t i = 0; i < fs.n; i++)
		n += (fs.kind[i] & want) != 0;
	if (n == 0)
		return 0;
	(void) sc_buf_printf(detail, "%d wallet address%s passing %s checksum:", n,
			     n > 1 ? "es" : "", n > 1 ? "their" : "its");
	for (size_t i = 0; i < fs.n && shown < MAX_SHOWN; i++) {
		if (!(fs.kind[i] & want))
			continue;
		(void) sc_buf_printf(detail, "%s %s ", shown > 0 ? "," : "",
				     sc_wallet_kind_name((sc_wallet_kind) fs.kind[i]));
		put_short(detail, fs.value[i]);
		if (fs.flags[i] & SC_WALLET_UNCHECKSUMMED)
			(void) sc_buf_puts(detail, " (one case: no EIP-55 checksum to verify)");
		if (fs.flags[i] & HIDDEN_CHARS)
			(void) sc_buf_puts(detail, " (invisible characters inside)");
		shown++;
	}
	if (n > shown)
		(void) sc_buf_printf(detail, ", and %d more", n - shown);
	return n;
}

/* scan_ibans - add the IBANs that start a token of text */
static void scan_ibans(const char *text, size_t len, void *arg)
{
	char iban[SC_IBAN_MAX + 1];

	for (size_t i = 0; i + 4 <= len; i++) {
		size_t used;

		if (i > 0 && is_alnum(text[i - 1]))
			continue;
		if ((used = sc_iban_at(text + i, len - i, iban)) > 0) {
			found_add(arg, iban, strlen(iban), 0, 0);
			i += used - 1;
		}
	}
}

/* check_iban - see above */
static int check_iban(const sc_run_ctx *ctx, const char *const *args, size_t nargs, sc_buf *detail)
{
	found_set fs;

	(void) args;
	(void) nargs;
	fs.n = 0;
	each_text(ctx->msg, scan_ibans, &fs);
	if (fs.n == 0)
		return 0;
	(void) sc_buf_printf(detail, "%zu IBAN%s passing mod-97: ", fs.n, fs.n > 1 ? "s" : "");
	put_short(detail, fs.value[0]);
	if (fs.n > 1)
		(void) sc_buf_printf(detail, ", and %zu more", fs.n - 1);
	return (int) fs.n;
}

/* clang-format off */
static const sc_eval_def money_defs[] = {
	{ "check_crypto_address", check_crypto_address, 0, 1 },
	{ "check_iban",           check_iban,           0, 0 },
};
/* clang-format on */

const sc_eval_table sc_money_eval_table = {money_defs, sizeof(money_defs) / sizeof(money_defs[0])};
