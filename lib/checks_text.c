/*
 * checks_text.c - eval: checks on how the text is written rather than
 * what it says (issue 6, obfuscation): letters that look like others.
 *
 *   check_mixed_script_words([MIN])  at least MIN (default 2) words of the
 *                                    body text (Subject included) that mix
 *                                    Latin letters with Cyrillic or Greek
 *                                    ones: "Vеrіfy" with a Cyrillic е and
 *                                    і reads as English to a person and as
 *                                    nothing to a filter. The value is the
 *                                    number of such words.
 *   check_from_name_mixed_script()   a word of the From display name mixes
 *                                    Latin with Cyrillic or Greek letters
 *                                    ("Оsmоѕіѕ" with Cyrillic о, ѕ, і): one
 *                                    is enough in a name, which nobody types
 *                                    by accident on a brand's letterhead.
 *   check_styled_letters([MIN])      at least MIN (default 3) "styled"
 *                                    letters in the Subject, the From name
 *                                    and address, or the body text (an
 *                                    address in bold letters looks like
 *                                    one and is none): the mathematical
 *                                    bold/italic/script alphabets
 *                                    (U+1D400-U+1D7FF), fullwidth Latin,
 *                                    circled, parenthesised and squared
 *                                    letters. They look like words and
 *                                    match no word list. The value is the
 *                                    count.
 *   check_accented_words([MIN])      at least MIN (default 2) distinct
 *                                    English words of the body text
 *                                    (Subject included) written with
 *                                    accents no English word carries:
 *                                    "Válidate your wállet", "Pleáse". The
 *                                    accents keep the words readable and
 *                                    out of every word list. Only common
 *                                    English words count, none of which
 *                                    is spelled with an accent in French,
 *                                    Spanish, Portuguese, Italian, German
 *                                    or Dutch ("thé", "crédit", "émail"
 *                                    and "noté" are words there). The
 *                                    value is the number of such words.
 *   check_body_words(MIN, MAX)       the text the reader sees (the body
 *                                    text without its Subject line) has
 *                                    MIN to MAX words (runs of letters or
 *                                    digits): "Hello dear, can we talk?"
 *                                    is how many lures open. The value is
 *                                    the count plus one (so 0 words can
 *                                    hit).
 *
 * Thread-safe: no state outside each call.
 */
#include "autoconfig.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unicode/unorm2.h>

#include "eval.h"
#include "utf8.h"

enum script { SCRIPT_NONE, SCRIPT_LATIN, SCRIPT_CYRILLIC, SCRIPT_GREEK, SCRIPT_OTHER };

/* script_of - the script of a letter, SCRIPT_NONE for what is not one of
 * the letters we tell apart (digits, marks and punctuation end a word) */
static enum script script_of(uint32_t c)
{
	if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
	    (c >= 0xC0 && c <= 0x24F && c != 0xD7 && c != 0xF7))
		return SCRIPT_LATIN;
	if (c >= 0x400 && c <= 0x52F)
		return SCRIPT_CYRILLIC;
	if (c >= 0x370 && c <= 0x3FF && c != 0x37E && c != 0x387)
		return SCRIPT_GREEK;
	if (c >= 0x530 && c < 0x2000)
		return SCRIPT_OTHER; /* other alphabets: a word of theirs is no mix */
	return SCRIPT_NONE;
}

/* count_mixed_words - words of text mixing Latin with Cyrillic or Greek;
 * the first one (up to 40 bytes) into first */
static int count_mixed_words(const char *text, size_t len, char *first, size_t first_size)
{
	int n = 0;
	unsigned seen = 0; /* bit per script in the current word */
	size_t word_start = 0;

	for (size_t i = 0; i <= len;) {
		uint32_t c = 0;
		size_t k = i < len ? sc_utf8_decode(text + i, len - i, &c) : 1;
		enum script s = i < len && k > 0 ? script_of(c) : SCRIPT_NONE;

		if (k == 0)
			k = 1;
		if (s == SCRIPT_NONE) {
			if ((seen & (1u << SCRIPT_LATIN)) &&
			    (seen & ((1u << SCRIPT_CYRILLIC) | (1u << SCRIPT_GREEK)))) {
				if (n++ == 0 && first_size > 0) {
					size_t w = i - word_start;

					if (w >= first_size)
						w = first_size - 1;
					memcpy(first, text + word_start, w);
					first[w] = '\0';
				}
			}
			seen = 0;
			word_start = i + k;
		} else {
			seen |= 1u << s;
		}
		i += k;
	}
	return n;
}

/* min_arg - the optional MIN argument, or def */
static long min_arg(const char *const *args, size_t nargs, long def)
{
	long v = nargs > 0 ? strtol(args[0], NULL, 10) : def;

	return v < 1 ? 1 : v;
}

/* check_mixed_script_words - see above */
static int check_mixed_script_words(const sc_run_ctx *ctx, const char *const *args, size_t nargs,
				    sc_buf *detail)
{
	size_t len;
	const char *text = sc_msg_body_text(ctx->msg, &len);
	char first[48];
	int n;

	first[0] = '\0';
	n = count_mixed_words(text, len, first, sizeof(first));
	if (n < min_arg(args, nargs, 2))
		return 0;
	(void) sc_buf_printf(detail,
			     "%d word%s mixing Latin with Cyrillic or Greek letters, first \"%s\"",
			     n, n > 1 ? "s" : "", first);
	return n;
}

/* English words no accent belongs in (see the header comment for what is
 * left out); sorted for bsearch */
static const char *const english_words[] = {
	"about",	"access",	"account",	 "action",	"activity",
	"after",	"again",	"alert",	 "all",		"also",
	"and",		"any",		"appreciate",	 "automatically", "bank",
	"been",		"before",	"below",	 "billing",	"blockchain",
	"button",	"can",		"card",		 "check",	"claim",
	"click",	"code",		"completely",	 "confirm",	"congratulations",
	"customer",	"day",		"days",		 "deactivation", "dear",
	"delivery",	"did",		"document",	 "download",	"enter",
	"environment",	"expired",	"free",		 "from",	"gift",
	"has",		"have",		"help",		 "here",	"hours",
	"how",		"immediately",	"important",	 "inbox",	"information",
	"into",		"just",		"link",		 "login",	"mail",
	"mailbox",	"message",	"messages",	 "money",	"new",
	"now",		"number",	"offer",	 "only",	"open",
	"order",	"our",		"package",	 "passphrase",	"password",
	"payment",	"phone",	"please",	 "prize",	"receive",
	"received",	"recovery",	"required",	 "reserved",	"restore",
	"reward",	"right",	"secure",	 "security",	"sent",
	"service",	"shipping",	"sign",		 "storage",	"suspended",
	"team",		"than",		"thank",	 "thanks",	"that",
	"their",	"them",		"there",	 "they",	"this",
	"through",	"time",		"today",	 "understanding", "unsubscribe",
	"update",	"urgent",	"user",		 "validate",	"validation",
	"verify",	"view",		"visit",	 "wallet",	"was",
	"were",		"what",		"when",		 "which",	"will",
	"winner",	"with",		"within",	 "won",		"you",
	"your",
};

static int cmp_word(const void *key, const void *elem)
{
	return strcmp(key, *(const char *const *) elem);
}

/* latin_base - the ASCII letter under an accented Latin letter ("á" is
 * "a", "Š" is "s"), lower-cased; 0 when c has none (ICU's canonical
 * decomposition, whose first character is the base letter) */
static char latin_base(uint32_t c)
{
	UErrorCode err = U_ZERO_ERROR;
	const UNormalizer2 *nfd = unorm2_getNFDInstance(&err);
	UChar d[8];
	int32_t n;

	if (U_FAILURE(err))
		return 0;
	n = unorm2_getDecomposition(nfd, (UChar32) c, d, 8, &err);
	if (U_FAILURE(err) || n < 2 || d[0] >= 0x80 || !((d[0] | 32) >= 'a' && (d[0] | 32) <= 'z'))
		return 0;
	return (char) (d[0] | 32);
}

#define ACCENTED_MAX 16 /* distinct words remembered */

/* count_accented_words - distinct English words of text written with an
 * accent; the first one as written (up to first_size - 1 bytes) into first */
static int count_accented_words(const char *text, size_t len, char *first, size_t first_size)
{
	char seen[ACCENTED_MAX][24], word[24];
	int n = 0, accented = 0, bad = 0;
	size_t wl = 0, word_start = 0, lead = 0;

	/* U+00C0-U+024F start with the bytes 0xC3-0xC9: without one, no
	 * accented Latin letter and nothing to walk */
	while (lead < len && ((unsigned char) text[lead] < 0xC3 || (unsigned char) text[lead] > 0xC9))
		lead++;
	if (lead == len)
		return 0;
	for (size_t i = 0; i <= len;) {
		uint32_t c = 0;
		size_t k = i < len ? sc_utf8_decode(text + i, len - i, &c) : 1;
		int latin = i < len && k > 0 && script_of(c) == SCRIPT_LATIN;

		if (k == 0)
			k = 1;
		if (latin) {
			char b = c < 0x80 ? (char) (c | 32) : latin_base(c);

			accented |= c >= 0x80;
			if (b == 0 || wl + 1 >= sizeof(word))
				bad = 1;
			else
				word[wl++] = b;
		} else {
			word[wl] = '\0';
			if (accented && !bad && wl >= 3 &&
			    bsearch(word, english_words,
				    sizeof(english_words) / sizeof(english_words[0]),
				    sizeof(english_words[0]), cmp_word) != NULL) {
				int known = 0;

				for (int j = 0; j < n && j < ACCENTED_MAX; j++)
					known |= strcmp(seen[j], word) == 0;
				if (!known && n < ACCENTED_MAX) {
					if (n == 0 && first_size > 0) {
						size_t w = i - word_start;

						if (w >= first_size)
							w = first_size - 1;
						memcpy(first, text + word_start, w);
						first[w] = '\0';
					}
					memcpy(seen[n++], word, wl + 1);
				}
			}
			wl = 0;
			accented = bad = 0;
			word_start = i + k;
		}
		i += k;
	}
	return n;
}

/* check_accented_words - see above */
static int check_accented_words(const sc_run_ctx *ctx, const char *const *args, size_t nargs,
				sc_buf *detail)
{
	size_t len;
	const char *text = sc_msg_body_text(ctx->msg, &len);
	char first[48];
	int n;

	first[0] = '\0';
	n = count_accented_words(text, len, first, sizeof(first));
	if (n < min_arg(args, nargs, 2))
		return 0;
	(void) sc_buf_printf(detail, "%d English word%s written with accents, first \"%s\"", n,
			     n > 1 ? "s" : "", first);
	return n;
}

/* check_from_name_mixed_script - see above */
static int check_from_name_mixed_script(const sc_run_ctx *ctx, const char *const *args,
					size_t nargs, sc_buf *detail)
{
	char first[48];

	(void) args;
	(void) nargs;
	for (size_t i = 0; i < sc_msg_addr_count(ctx->msg); i++) {
		const sc_msg_addr *a = sc_msg_addr_at(ctx->msg, i);

		if (a->field != SC_ADDR_FROM)
			continue;
		first[0] = '\0';
		if (count_mixed_words(a->name, strlen(a->name), first, sizeof(first)) == 0)
			return 0;
		(void) sc_buf_printf(detail, "From name \"%.60s\" mixes scripts in \"%s\"", a->name,
				     first);
		return 1;
	}
	return 0;
}

/* is_styled - a letter from the look-alike alphabets of the header comment */
static int is_styled(uint32_t c)
{
	return (c >= 0x1D400 && c <= 0x1D7FF) || /* mathematical alphanumerics */
	       (c >= 0xFF21 && c <= 0xFF3A) || (c >= 0xFF41 && c <= 0xFF5A) || /* fullwidth */
	       (c >= 0x249C && c <= 0x24E9) ||                                 /* () and circled */
	       (c >= 0x1F110 && c <= 0x1F189);                                 /* squared, etc. */
}

/* is_fullwidth - fullwidth Latin letters */
static int is_fullwidth(uint32_t c)
{
	return (c >= 0xFF21 && c <= 0xFF3A) || (c >= 0xFF41 && c <= 0xFF5A);
}

/* is_cjk - kana and CJK ideographs: text where fullwidth Latin is normal */
static int is_cjk(uint32_t c)
{
	return (c >= 0x3040 && c <= 0x30FF) || (c >= 0x4E00 && c <= 0x9FFF) ||
	       (c >= 0xAC00 && c <= 0xD7AF);
}

/* count_styled - styled letters in len bytes of UTF-8; fullwidth Latin
 * does not count in Chinese, Japanese or Korean text, which writes "ＰＤＦ"
 * and "ＴＥＬ" that way as a matter of course */
static int count_styled(const char *s, size_t len)
{
	int n = 0, fullwidth = 0, cjk = 0;

	for (size_t i = 0; i < len;) {
		uint32_t c;
		size_t k = sc_utf8_decode(s + i, len - i, &c);

		if (k == 0) {
			i++;
			continue;
		}
		n += is_styled(c);
		fullwidth += is_fullwidth(c);
		cjk += is_cjk(c);
		i += k;
	}
	return cjk > 0 ? n - fullwidth : n;
}

/* check_styled_letters - see above */
static int check_styled_letters(const sc_run_ctx *ctx, const char *const *args, size_t nargs,
				sc_buf *detail)
{
	size_t len;
	const char *text = sc_msg_body_text(ctx->msg, &len); /* the Subject is its first line */
	int body = count_styled(text, len), name = 0;

	for (size_t i = 0; i < sc_msg_addr_count(ctx->msg); i++) {
		const sc_msg_addr *a = sc_msg_addr_at(ctx->msg, i);

		if (a->field == SC_ADDR_FROM) {
			name = count_styled(a->name, strlen(a->name)) +
			       count_styled(a->addr, strlen(a->addr));
			break;
		}
	}
	if (body + name < min_arg(args, nargs, 3))
		return 0;
	(void) sc_buf_printf(detail, "%d styled look-alike letters (%d in the From name or address)",
			     body + name, name);
	return body + name;
}

/* count_words - runs of ASCII letters and digits or of non-ASCII bytes */
static long count_words(const char *s, size_t len)
{
	long n = 0;
	int in = 0;

	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char) s[i];
		int w = (c >= '0' && c <= '9') || ((c | 32) >= 'a' && (c | 32) <= 'z') || c >= 0x80;

		n += w && !in;
		in = w;
	}
	return n;
}

/* check_body_words - see above */
static int check_body_words(const sc_run_ctx *ctx, const char *const *args, size_t nargs,
			    sc_buf *detail)
{
	size_t len;
	const char *text = sc_msg_body_text(ctx->msg, &len);
	const char *nl = memchr(text, '\n', len);
	long min = strtol(args[0], NULL, 10), max = strtol(args[1], NULL, 10), n;

	(void) nargs;
	if (nl == NULL)
		return 0;
	n = count_words(nl + 1, len - (size_t) (nl + 1 - text));
	if (n < min || n > max)
		return 0;
	(void) sc_buf_printf(detail, "the text has %ld word%s", n, n == 1 ? "" : "s");
	return (int) (n + 1 > 1000000 ? 1000000 : n + 1);
}

/* clang-format off */
static const sc_eval_def text_defs[] = {
	{ "check_mixed_script_words", check_mixed_script_words, 0, 1 },
	{ "check_from_name_mixed_script", check_from_name_mixed_script, 0, 0 },
	{ "check_styled_letters",     check_styled_letters,     0, 1 },
	{ "check_body_words",         check_body_words,         2, 2 },
	{ "check_accented_words",     check_accented_words,     0, 1 },
};
/* clang-format on */

const sc_eval_table sc_text_eval_table = {text_defs, sizeof(text_defs) / sizeof(text_defs[0])};
