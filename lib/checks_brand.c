/*
 * checks_brand.c - eval: checks on brand impersonation by name (issue 6,
 * brands): a display name, local part or Subject that names a brand of
 * the brand map of lists.h (etc/lists/brands.map) or of the config key
 * protected_domains (the site's own domains, each a brand named by its
 * label), and a display name that is one of the configured executives.
 * The look-alike domain checks are in checks_lookalike.c.
 *
 *   check_from_brand_mismatch()   the From display name names a protected
 *                                 brand (a whole word, any case, compared
 *                                 under the look-alike key of confusable.h,
 *                                 so "Pаypal" with a Cyrillic "а" counts;
 *                                 a name of two words also the other way
 *                                 round, with at most one word between:
 *                                 "Hardware ACE", "Club VP Sams")
 *                                 while the From domain is none of that
 *                                 brand's domains (a brand's free webmail
 *                                 domain, outlook.com, is anybody's; an
 *                                 address without a domain is nobody's). A
 *                                 mailing list's rewrite ("X via List" with
 *                                 a List-Id or List-Post field) is not a
 *                                 hit, nor is a From at an e-mail service
 *                                 provider's shared domain (the "esp"
 *                                 list). With the argument 'local', a brand
 *                                 named as a whole word of the From local
 *                                 part ("paypal-service@") counts too.
 *   check_subject_brand_mismatch()  the same with the Subject instead of
 *                                 the display name (weak: subjects name
 *                                 brands innocently; an input for metas).
 *   check_body_brand_mismatch([BYTES])  the text the reader sees (its
 *                                 first BYTES bytes, 8192 by default)
 *                                 names a brand the From domain is not:
 *                                 the name as the map writes it ("PayPal",
 *                                 "Geek Squad"), in capitals, or with only
 *                                 its first letter capital, as a whole
 *                                 word ("target" and "chase" in a sentence
 *                                 are words, not brands). Text names
 *                                 brands innocently all the time; an input
 *                                 for metas only (the receipt that names
 *                                 Norton and a number to call). Mail from
 *                                 any brand's own domain (not its free
 *                                 webmail's) is no hit: brands
 *                                 name each other (the shop a PayPal
 *                                 receipt paid). Nor is a brand named as
 *                                 the way a receipt was paid ("Paid with
 *                                 PayPal", "Visa card ending 4421",
 *                                 "cartão Visa"): any shop's receipt
 *                                 says that.
 *   check_from_brand_unsigned()   the From domain is a brand's own (the
 *                                 brand map, not protected_domains: a
 *                                 site's unsigned internal mail is its own
 *                                 business; not a free webmail domain, not
 *                                 a public office's: a "gov", "gob",
 *                                 "gouv" or "govt" label in its registrable
 *                                 domain) and no DKIM-Signature field signs
 *                                 for it: no d= at or under the From's
 *                                 registrable domain (DMARC's relaxed
 *                                 alignment; "d=com" signs for nobody). The
 *                                 signature is not verified (that needs DNS
 *                                 and is auth.h's); a brand's mail always
 *                                 carries one, a forgery of its address
 *                                 mostly none. SpamAssassin's
 *                                 adsp_override list of domains that sign
 *                                 all mail is the same idea. A List-Id
 *                                 changes nothing: a list keeps the
 *                                 author's d=, and anyone can write one.
 *   check_from_brand_own()        the From domain is a brand's own (the
 *                                 brand map; not a free webmail domain,
 *                                 though gmail.com is Google's). Says
 *                                 nothing of who sent it: rules pair it
 *                                 with DMARC_PASS or DKIM_VALID_AU to
 *                                 know the brand's own mail.
 *   check_display_name_executive()  the From display name is one of the
 *                                 configured executives while the From
 *                                 domain is not a protected domain (without
 *                                 protected_domains: while it is a free
 *                                 webmail address).
 *
 * The brand's own domains and their subdomains never count; neither does
 * the brand's label under a country's suffix ("amazon.co.za", "ikea.us": a
 * brand's unlisted country domain). Without a brand map and
 * protected_domains nothing hits. Thread-safe: no state outside each call
 * (the protected domains are made into a small brand map per call).
 */
#include "autoconfig.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unicode/uchar.h>
#include <unicode/unorm2.h>
#include <unicode/ustring.h>
#include <unicode/uscript.h>
#include <unicode/utf8.h>

#include "auth.h"
#include "checks_util.h"
#include "config.h"
#include "confusable.h"
#include "eval.h"
#include "lists.h"

/* word_char - the code point at s (before end) is a letter or digit */
static int word_char(const char *s, int32_t i, int32_t end)
{
	UChar32 c;

	U8_NEXT((const uint8_t *) s, i, end, c);
	return c >= 0 && u_isalnum(c);
}

/* cjk - c is a letter of a script written without spaces between words
 * (Han, Hiragana, Katakana, Hangul, Thai) */
static int cjk(UChar32 c)
{
	UScriptCode sc;
	UErrorCode err = U_ZERO_ERROR;

	if (c < 0x0E00)
		return 0;
	sc = uscript_getScript(c, &err);
	return U_SUCCESS(err) && (sc == USCRIPT_HAN || sc == USCRIPT_HIRAGANA ||
				  sc == USCRIPT_KATAKANA || sc == USCRIPT_HANGUL ||
				  sc == USCRIPT_THAI);
}

/* bounded - the n bytes at key[at] (key is len bytes) stand as a whole
 * word: no letter or digit just before them (unless loose_start) nor just
 * after (unless loose_end) */
static int bounded(const char *key, int32_t len, int32_t at, int32_t n, int loose_start,
		   int loose_end)
{
	int32_t prev = at;
	UChar32 c = 0;

	if (at > 0)
		U8_PREV((const uint8_t *) key, 0, prev, c);
	return (at == 0 || c < 0 || !u_isalnum(c) || loose_start) &&
	       (at + n >= len || loose_end || !word_char(key, at + n, len));
}

/* has_word - key has the whole word w somewhere: w's ends are at the ends
 * of key or next to a character that is neither a letter nor a digit
 * (blanks, punctuation, emoji). An end of w in a script written without
 * spaces ("SBI証券" in "SBI証券からのお知らせ") needs no boundary there. */
static int has_word(const char *key, const char *w)
{
	size_t n = strlen(w);
	int32_t len = (int32_t) strlen(key), wn = (int32_t) n, wi = 0;
	UChar32 first, last;

	if (n == 0)
		return 0;
	U8_NEXT((const uint8_t *) w, wi, wn, first);
	wi = wn;
	U8_PREV((const uint8_t *) w, 0, wi, last);
	for (const char *p = strstr(key, w); p != NULL; p = strstr(p + 1, w))
		if (bounded(key, len, (int32_t) (p - key), wn, cjk(first), cjk(last)))
			return 1;
	return 0;
}

/* unmask - text as the reader sees it through three masks of bulk senders,
 * into out (size bytes): a capital I for an l ("WaImart", "BIueCross",
 * "Iedger": an I after a lower-case letter, or before one after a capital
 * or at the start of a word; tried only after the text as written, so
 * "LinkedIn" and "Item" still read as they are), underscores for spaces
 * ("Liberty_Mutual"), and a word spelled out in single letters
 * ("C o i n b a s e", four letters at least). 1 when out differs from
 * text. */
static int unmask(const char *text, char *out, size_t size)
{
	size_t n = strlen(text), o = 0;
	int changed = 0;

	if (n >= size)
		n = size - 1;
	for (size_t i = 0; i < n; i++) {
		char c = text[i], prev = i > 0 ? text[i - 1] : ' ', next = text[i + 1];
		size_t run = 0, j = i;

		/* a run "x y z w" of one-letter words starting here */
		if (i == 0 || prev == ' ')
			while (j < n && ((text[j] | 0x20) >= 'a' && (text[j] | 0x20) <= 'z') &&
			       (j + 1 >= n || text[j + 1] == ' ')) {
				run++;
				j += 2;
			}
		if (run >= 4) {
			for (size_t k = 0; k < run; k++)
				out[o++] = text[i + 2 * k];
			if (i + 2 * run - 1 < n)
				out[o++] = ' ';
			i += 2 * run - 1;
			changed = 1;
			continue;
		}
		if (c == 'I' && ((prev >= 'a' && prev <= 'z') ||
				 (((prev >= 'A' && prev <= 'Z') || !sc_chk_ascii_alnum(prev)) && next >= 'a' &&
				  next <= 'z'))) {
			c = 'l';
			changed = 1;
		} else if (c == '_') {
			c = ' ';
			changed = 1;
		}
		out[o++] = c;
	}
	out[o] = '\0';
	return changed;
}

/* brand_in_key - the first brand of bs one of whose names' keys is in the
 * look-alike key of a text by match (has_word, swapped_in), with *name
 * set to that name; NULL when none */
static const sc_brand *brand_in_key(const sc_chk_brands *bs, const char *key,
				    int (*match)(const char *key, const char *w), const char **name)
{
	for (size_t m = 0; m < 2; m++)
		for (size_t i = 0; i < sc_brand_map_count(bs->maps[m]); i++) {
			const sc_brand *b = sc_brand_map_at(bs->maps[m], i);

			for (size_t k = 0; k < b->nnames; k++)
				if (!b->name_exact[k] && match(key, b->name_keys[k])) {
					*name = b->names[k];
					return b;
				}
		}
	return NULL;
}

/* exact_at - an exact name of n bytes written at p in text (len bytes) is
 * a whole word: no letter or digit of any script on either side, and no
 * hyphen before it (the capitals of "DIPL.-ING.") */
static int exact_at(const char *text, size_t len, const char *p, size_t n)
{
	return (p == text || p[-1] != '-') &&
	       bounded(text, (int32_t) len, (int32_t) (p - text), (int32_t) n, 0, 0);
}

/* exact_brand_in - the first brand of bs with an exact name ("=ING" in
 * the map) written in text as it is, case and all, as a whole word
 * (exact_at), with *name set to that name; NULL when none */
static const sc_brand *exact_brand_in(const sc_chk_brands *bs, const char *text,
				      const char **name)
{
	size_t len = strlen(text);

	for (size_t m = 0; m < 2; m++)
		for (size_t i = 0; i < sc_brand_map_count(bs->maps[m]); i++) {
			const sc_brand *b = sc_brand_map_at(bs->maps[m], i);

			for (size_t k = 0; k < b->nnames; k++) {
				const char *w = b->names[k];
				size_t n = strlen(w);

				if (!b->name_exact[k])
					continue;
				for (const char *p = strstr(text, w); p != NULL; p = strstr(p + 1, w))
					if (exact_at(text, len, p, n)) {
						*name = w;
						return b;
					}
			}
		}
	return NULL;
}

/* named_brand_in - the first brand of bs whose name is a whole word of
 * text, with *name set to that name; NULL when none */
static const sc_brand *named_brand_in(const sc_chk_brands *bs, const char *text,
				      const char **name)
{
	char *key = sc_confusable_key(text, strlen(text));
	const sc_brand *hit = key != NULL ? brand_in_key(bs, key, has_word, name) : NULL;

	free(key);
	return hit;
}

/* word_at - the whole word w (n bytes) starts at key[at] (len bytes) */
static int word_at(const char *key, int32_t len, int32_t at, const char *w, size_t n)
{
	return at + (int32_t) n <= len && memcmp(key + at, w, n) == 0 &&
	       bounded(key, len, at, (int32_t) n, 0, 0);
}

/* swapped_in - the key w of a two-word name ("ace hardware") is in key
 * the other way round, with at most one word between ("hardware ace",
 * "club vp sams"); the words are of two bytes or more */
static int swapped_in(const char *key, const char *w)
{
	const char *sp = strchr(w, ' ');
	size_t n1, n2;
	int32_t len = (int32_t) strlen(key);

	if (sp == NULL || strchr(sp + 1, ' ') != NULL)
		return 0;
	n1 = (size_t) (sp - w);
	n2 = strlen(sp + 1);
	if (n1 < 2 || n2 < 2)
		return 0;
	for (const char *p = strstr(key, sp + 1); p != NULL; p = strstr(p + 1, sp + 1)) {
		int32_t at = (int32_t) (p - key);

		if (!word_at(key, len, at, sp + 1, n2))
			continue;
		at += (int32_t) n2;
		for (int skip = 0; skip < 2 && at < len && key[at] == ' '; skip++) {
			at++;
			if (word_at(key, len, at, w, n1))
				return 1;
			at += (int32_t) strcspn(key + at, " "); /* over one word between */
		}
	}
	return 0;
}

/* strip_marks - text without its combining marks, into out (size bytes):
 * "Bĺôčkchaiň" reads "Blockchain" ("Wállét" "Wallet"). 1 when a mark went. */
static int strip_marks(const char *text, char *out, size_t size)
{
	UChar a[256], b[512];
	int32_t n, m, o = 0, len;
	UErrorCode err = U_ZERO_ERROR;
	const UNormalizer2 *nfd = unorm2_getNFDInstance(&err);
	int changed = 0;

	if (U_FAILURE(err))
		return 0;
	(void) u_strFromUTF8WithSub(a, 256, &n, text, -1, 0xFFFD, NULL, &err);
	if (U_FAILURE(err) || n > 256)
		return 0;
	m = unorm2_normalize(nfd, a, n, b, 512, &err);
	if (U_FAILURE(err) || m > 512)
		return 0;
	for (int32_t i = 0; i < m; i++) {
		if (u_charType(b[i]) == U_NON_SPACING_MARK)
			changed = 1;
		else
			b[o++] = b[i];
	}
	if (!changed)
		return 0;
	(void) u_strToUTF8WithSub(out, (int32_t) size, &len, b, o, 0xFFFD, NULL, &err);
	if (U_FAILURE(err) || len >= (int32_t) size)
		return 0;
	out[len] = '\0';
	return 1;
}

/* named_brand - an exact name as written, else named_brand_in text as
 * written, else unmasked, else with its combining marks gone and
 * unmasked, else a two-word name the other way round */
static const sc_brand *named_brand(const sc_chk_brands *bs, const char *text, const char **name)
{
	char *key = sc_confusable_key(text, strlen(text));
	const sc_brand *b = exact_brand_in(bs, text, name);
	char plain[256], bare[256];

	if (b == NULL && key != NULL)
		b = brand_in_key(bs, key, has_word, name);

	if (b == NULL && unmask(text, plain, sizeof(plain)))
		b = named_brand_in(bs, plain, name);
	if (b == NULL && strip_marks(text, bare, sizeof(bare))) {
		if (unmask(bare, plain, sizeof(plain)))
			b = named_brand_in(bs, plain, name);
		else
			b = named_brand_in(bs, bare, name);
	}
	if (b == NULL && key != NULL)
		b = brand_in_key(bs, key, swapped_in, name);
	free(key);
	return b;
}

/* list_rewrite - the From stands in for a poster: a mailing list's DMARC
 * rewrite, "Poster via List" with a List-Id or List-Post field (a bare
 * " via " is not enough: anyone can write "PayPal via Support") */
static int list_rewrite(const sc_msg *m, const sc_msg_addr *from)
{
	return strstr(from->name, " via ") != NULL && (sc_msg_header_find(m, "List-Id", 0) >= 0 ||
						       sc_msg_header_find(m, "List-Post", 0) >= 0);
}

/* not_brands - a From at domain cannot be brand b: not b's domain (a free
 * webmail domain of b's, such as outlook.com, is anybody's), not its
 * unlisted country domain, not an ESP's shared domain, not a list's
 * rewrite. An empty domain (no address, or a broken one) is nobody's. */
static int not_brands(const sc_run_ctx *ctx, const sc_brand *b, const sc_msg_addr *from)
{
	const char *d = from->domain;

	if (d[0] == '\0')
		return 1;
	if ((sc_brand_owns(b, d) && !sc_domain_list_has(sc_lists_get(ctx->lists, "freemail"), d)) ||
	    sc_chk_country_domain(b, d))
		return 0;
	return !sc_domain_list_has(sc_lists_get(ctx->lists, "esp"), d) &&
	       !list_rewrite(ctx->msg, from);
}

/* first_from - the first From address, with a domain or not, or NULL */
static const sc_msg_addr *first_from(const sc_msg *m)
{
	for (size_t i = 0; i < sc_msg_addr_count(m); i++)
		if (sc_msg_addr_at(m, i)->field == SC_ADDR_FROM)
			return sc_msg_addr_at(m, i);
	return NULL;
}

/* from_bare - when no From address parses ("PayPal" <>): the From
 * field's text before any "<", unquoted, as a name with an empty address,
 * in *a (its name in text, size bytes); 0 when there is no From field */
static int from_bare(const sc_msg *m, sc_msg_addr *a, char *text, size_t size)
{
	long i = sc_msg_header_find(m, "From", 0);
	const char *v, *lt;
	size_t n;

	if (i < 0)
		return 0;
	v = sc_msg_header_decoded(m, (size_t) i);
	v += strspn(v, " \t\"");
	lt = strchr(v, '<');
	n = lt != NULL ? (size_t) (lt - v) : strlen(v);
	while (n > 0 && strchr(" \t\r\n\"", v[n - 1]) != NULL)
		n--;
	if (n >= size)
		n = size - 1;
	memcpy(text, v, n);
	text[n] = '\0';
	memset(a, 0, sizeof(*a));
	a->field = SC_ADDR_FROM;
	a->name = text;
	a->addr = a->local = a->domain = "";
	return 1;
}

/* check_from_brand_mismatch - see above */
static int check_from_brand_mismatch(const sc_run_ctx *ctx, const char *const *args, size_t nargs,
				     sc_buf *detail)
{
	const sc_msg_addr *from = first_from(ctx->msg);
	const sc_brand *b;
	const char *name = NULL;
	sc_chk_brands bs;
	int hit = 0, local = nargs > 0 && strcmp(args[0], "local") == 0;
	sc_msg_addr bare;
	char text[256];

	if (from == NULL && from_bare(ctx->msg, &bare, text, sizeof(text)))
		from = &bare;
	if (from == NULL || (from->name[0] == '\0' && !local))
		return 0;
	sc_chk_brands_get(ctx, &bs);
	/* a name that shows the sender's own address ("bob@gmail.com") names
	 * the provider, not a brand posing */
	b = from->name[0] != '\0' &&
			    (from->addr[0] == '\0' || strcasestr(from->name, from->addr) == NULL)
		    ? named_brand(&bs, from->name, &name)
		    : NULL;
	if (b == NULL && local)
		b = named_brand(&bs, from->local, &name);
	if (b != NULL && not_brands(ctx, b, from)) {
		(void) sc_buf_printf(detail, "From \"%.60s\" <%.80s> names %s; %s", from->name,
				     from->addr, name,
				     from->domain[0] != '\0' ? "the domain is not the brand's"
							     : "the address has no domain");
		hit = 1;
	}
	sc_chk_brands_free(&bs);
	return hit;
}

/* check_subject_brand_mismatch - see above */
static int check_subject_brand_mismatch(const sc_run_ctx *ctx, const char *const *args,
					size_t nargs, sc_buf *detail)
{
	const sc_msg_addr *from = first_from(ctx->msg);
	long i = sc_msg_header_find(ctx->msg, "Subject", 0);
	const sc_brand *b;
	const char *name = NULL;
	sc_chk_brands bs;
	int hit = 0;

	(void) args;
	(void) nargs;
	if (from == NULL || i < 0)
		return 0;
	sc_chk_brands_get(ctx, &bs);
	b = named_brand(&bs, sc_msg_header_decoded(ctx->msg, (size_t) i), &name);
	if (b != NULL && not_brands(ctx, b, from)) {
		(void) sc_buf_printf(detail, "Subject names %s; From %.80s is not the brand's",
				     name, from->addr);
		hit = 1;
	}
	sc_chk_brands_free(&bs);
	return hit;
}

/* pair_bucket - the bucket (of nb, a power of two) of a name or a text
 * position by its first two bytes, ASCII letters folded to lower case */
static size_t pair_bucket(char a, char b, size_t nb)
{
	unsigned char x = (unsigned char) a, y = (unsigned char) b;

	x = (unsigned char) (x >= 'A' && x <= 'Z' ? x + 32 : x);
	y = (unsigned char) (y >= 'A' && y <= 'Z' ? y + 32 : y);
	return ((size_t) x * 31u + y) & (nb - 1);
}

/* name_at - the brand name w is written at p (before end) in one of the
 * ways a brand is: as w, in capitals, or capital-then-small ("Paypal")
 * (only as w when exact), with no letter or digit right after an ASCII
 * end */
static int name_at(const char *p, const char *end, const char *w, size_t n, int exact)
{
	int as = 1, caps = !exact, title = !exact;

	if ((size_t) (end - p) < n)
		return 0;
	for (size_t i = 0; i < n && (as || caps || title); i++) {
		unsigned char c = (unsigned char) p[i], x = (unsigned char) w[i];
		unsigned char up = (unsigned char) (x >= 'a' && x <= 'z' ? x - 32 : x);
		unsigned char lo = (unsigned char) (x >= 'A' && x <= 'Z' ? x + 32 : x);

		as = as && c == x;
		caps = caps && c == up;
		title = title && c == ((i == 0 || !sc_chk_ascii_alnum((unsigned char) w[i - 1])) ? up : lo);
	}
	if (!(as || caps || title))
		return 0;
	return p + n == end || !sc_chk_ascii_alnum((unsigned char) w[n - 1]) || !sc_chk_ascii_alnum((unsigned char) p[n]);
}

/* payment_mention - the brand name of n bytes at p in text is the way a
 * receipt was paid, not who sends it: a payment phrase ends just before it
 * on its line ("Paid with PayPal", "cartão Visa", "carte Mastercard") or
 * a card word follows ("Visa card ending 4421"). Receipts name how they
 * were paid; the callback scam names the merchant it poses as. */
static int payment_mention(const char *text, const char *p, const char *end, size_t n)
{
	static const char *const before[] = {
		"paid with ", "pay with ", "paid via ", "paid by ", "paid using ", "pay by ",
		"payment method: ", "payment method ", "payment via ", "bezahlt mit ",
		"bezahlen mit ", "zahlung per ", "zahlung mit ", "pago com ", "pagamento via ",
		"pagamento com ", "pay\xc3\xa9 par ", "pay\xc3\xa9 avec ", "paiement par ",
		"pagado con ", "pago con ", "card ", "carte ", "cart\xc3\xa3o ", "cartao ",
		"tarjeta ", "karte ",
	};
	static const char *const after[] = {" card", " ending", "-karte", " credit", " debit"};
	const char *q = p + n;

	for (size_t i = 0; i < sizeof(before) / sizeof(before[0]); i++) {
		size_t bl = strlen(before[i]);

		if ((size_t) (p - text) >= bl && strncasecmp(p - bl, before[i], bl) == 0)
			return 1;
	}
	for (size_t i = 0; i < sizeof(after) / sizeof(after[0]); i++) {
		size_t al = strlen(after[i]);

		if ((size_t) (end - q) >= al && strncasecmp(q, after[i], al) == 0)
			return 1;
	}
	return 0;
}

/* body_brand_other - the first brand of bs that text (len bytes) names
 * and from cannot be, with *name set; NULL when none. The names are put
 * in buckets by their first two bytes, then the text is walked once: a
 * name starting with an ASCII letter or digit is tried where a word
 * starts, any other where a UTF-8 character starts. */
static const sc_brand *body_brand_other(const sc_run_ctx *ctx, const sc_chk_brands *bs,
					const sc_msg_addr *from, const char *text, size_t len,
					const char **name)
{
	enum { NB = 1024 }; /* buckets by the first two bytes, case folded */
	typedef struct cand {
		const sc_brand *b;
		const char *w;
		size_t n;
		int exact;
		struct cand *next;
	} cand;
	size_t total = 0, k = 0;
	cand *all, *bucket[NB] = {0};
	const sc_brand *hit = NULL;
	const char *end = text + len;

	for (size_t m = 0; m < 2; m++)
		for (size_t i = 0; i < sc_brand_map_count(bs->maps[m]); i++)
			total += sc_brand_map_at(bs->maps[m], i)->nnames;
	if (total == 0 || (all = calloc(total, sizeof(*all))) == NULL)
		return NULL;
	for (size_t m = 0; m < 2; m++)
		for (size_t i = 0; i < sc_brand_map_count(bs->maps[m]); i++) {
			const sc_brand *b = sc_brand_map_at(bs->maps[m], i);

			for (size_t j = 0; j < b->nnames; j++) {
				const char *w = b->names[j];
				size_t f;

				if (w[0] == '\0' || w[1] == '\0')
					continue; /* no brand is one letter */
				f = pair_bucket(w[0], w[1], NB);
				all[k] = (cand) {b, w, strlen(w), b->name_exact[j], bucket[f]};
				bucket[f] = &all[k++];
			}
		}
	for (const char *p = text; p < end && hit == NULL; p++) {
		unsigned char c = (unsigned char) *p;

		if (sc_chk_ascii_alnum(c) ? p > text && sc_chk_ascii_alnum((unsigned char) p[-1]) : (c & 0xC0) != 0xC0)
			continue;
		if (p + 1 >= end)
			break;
		for (cand *x = bucket[pair_bucket(p[0], p[1], NB)]; x != NULL; x = x->next)
			if (name_at(p, end, x->w, x->n, x->exact) &&
			    (!x->exact || exact_at(text, (size_t) (end - text), p, x->n)) &&
			    not_brands(ctx, x->b, from) &&
			    !payment_mention(text, p, end, x->n)) {
				hit = x->b;
				*name = x->w;
				break;
			}
	}
	free(all);
	return hit;
}

/* check_body_brand_mismatch - see above */
static int check_body_brand_mismatch(const sc_run_ctx *ctx, const char *const *args, size_t nargs,
				     sc_buf *detail)
{
	const sc_msg_addr *from = first_from(ctx->msg);
	size_t len, max = nargs > 0 ? strtoul(args[0], NULL, 10) : 8192;
	const char *text = sc_msg_body_text(ctx->msg, &len);
	const sc_brand *b;
	const char *name = NULL;
	sc_chk_brands bs;

	if (from == NULL || text == NULL || len == 0)
		return 0;
	sc_chk_brands_get(ctx, &bs);
	/* a brand's own mail names other brands as a matter of course (the
	 * shop a PayPal receipt paid) */
	b = from->domain[0] != '\0' &&
			    !sc_domain_list_has(sc_lists_get(ctx->lists, "freemail"), from->domain) &&
			    (sc_brand_map_owner(bs.maps[0], from->domain) != NULL ||
			     sc_brand_map_owner(bs.maps[1], from->domain) != NULL)
		    ? NULL
		    : body_brand_other(ctx, &bs, from, text, len < max ? len : max, &name);
	if (b != NULL)
		(void) sc_buf_printf(detail, "the text names %s; From %.80s is not the brand's", name,
				     from->addr[0] != '\0' ? from->addr : "has no address");
	sc_chk_brands_free(&bs);
	return b != NULL;
}

/* is_protected - domain is one of protected_domains or under one */
static int is_protected(const sc_chk_brands *bs, const char *domain)
{
	return sc_brand_map_owner(bs->own, domain) != NULL;
}

/* public_office - domain has a "gov", "gob", "gouv" or "govt" label */
static int public_office(const char *domain)
{
	static const char *const labels[] = {"gov", "gob", "gouv", "govt"};

	for (const char *p = domain; p != NULL; p = strchr(p, '.') != NULL ? strchr(p, '.') + 1 : NULL) {
		size_t n = strcspn(p, ".");

		for (size_t i = 0; i < sizeof(labels) / sizeof(labels[0]); i++)
			if (n == strlen(labels[i]) && strncasecmp(p, labels[i], n) == 0)
				return 1;
	}
	return 0;
}

/* under - domain d is dom or a subdomain of it (both lower case) */
static int under(const char *d, const char *dom)
{
	size_t n = strlen(d), k = strlen(dom);

	return n == k ? strcmp(d, dom) == 0 : n > k && d[n - k - 1] == '.' && strcmp(d + n - k, dom) == 0;
}

/* check_from_brand_unsigned - see above */
static int check_from_brand_unsigned(const sc_run_ctx *ctx, const char *const *args,
				     size_t nargs, sc_buf *detail)
{
	const sc_msg_addr *from = first_from(ctx->msg);
	const sc_brand *b;
	const char *dom; /* lower case (msg.h) */
	char *reg;
	int signed_for = 0;

	(void) args;
	(void) nargs;
	if (from == NULL || (dom = from->domain)[0] == '\0' ||
	    sc_domain_list_has(sc_lists_get(ctx->lists, "freemail"), dom))
		return 0;
	reg = sc_url_registrable_domain(dom);
	if (public_office(reg != NULL ? reg : dom)) {
		free(reg);
		return 0;
	}
	/* the brand map only: a site's own unsigned internal mail is its
	 * business (protected_domains) */
	b = sc_brand_map_owner(sc_lists_brands(ctx->lists), dom);
	for (long i = b != NULL ? sc_msg_header_find(ctx->msg, "DKIM-Signature", 0) : -1;
	     i >= 0 && !signed_for; i = sc_msg_header_find(ctx->msg, "DKIM-Signature", (size_t) i + 1)) {
		const char *v = sc_msg_header_value(ctx->msg, (size_t) i);
		char *d = sc_dkim_tag_value(v, strlen(v), "d");

		for (char *c = d; c != NULL && *c != '\0'; c++)
			*c = (char) (*c >= 'A' && *c <= 'Z' ? *c + 32 : *c);
		/* an empty d=, or one longer than a domain can be, signs for nobody */
		signed_for = d != NULL && d[0] != '\0' && strlen(d) <= 253 &&
			     (reg != NULL ? under(d, reg) : strcmp(d, dom) == 0);
		free(d);
	}
	free(reg);
	if (b == NULL || signed_for)
		return 0;
	(void) sc_buf_printf(detail, "From %.80s is %s's domain; no DKIM-Signature signs for it",
			     from->addr, b->names[0]);
	return 1;
}

/* check_from_brand_own - see above */
static int check_from_brand_own(const sc_run_ctx *ctx, const char *const *args, size_t nargs,
				sc_buf *detail)
{
	const sc_msg_addr *from = first_from(ctx->msg);
	const sc_brand *b;

	(void) args;
	(void) nargs;
	if (from == NULL || from->domain[0] == '\0' ||
	    sc_domain_list_has(sc_lists_get(ctx->lists, "freemail"), from->domain) ||
	    (b = sc_brand_map_owner(sc_lists_brands(ctx->lists), from->domain)) == NULL)
		return 0;
	(void) sc_buf_printf(detail, "From %.80s is %s's own domain", from->addr, b->names[0]);
	return 1;
}

/* check_display_name_executive - see above */
static int check_display_name_executive(const sc_run_ctx *ctx, const char *const *args,
					size_t nargs, sc_buf *detail)
{
	const sc_msg_addr *from = sc_chk_first_addr(ctx->msg, SC_ADDR_FROM);
	const char *ex = ctx->config != NULL ? ctx->config->executives : NULL;
	char *key;
	sc_chk_brands bs;
	int hit = 0;

	(void) args;
	(void) nargs;
	if (from == NULL || from->name[0] == '\0' || ex == NULL || *ex == '\0' ||
	    (key = sc_confusable_key(from->name, strlen(from->name))) == NULL)
		return 0;
	sc_chk_brands_get(ctx, &bs);
	if (bs.own != NULL
		    ? !is_protected(&bs, from->domain)
		    : sc_domain_list_has(sc_lists_get(ctx->lists, "freemail"), from->domain)) {
		for (const char *p = ex; *p != '\0' && !hit;) {
			size_t n = strcspn(p, ",");
			const char *s = p;
			size_t len = n;
			char *ek;

			while (len > 0 && (*s == ' ' || *s == '\t'))
				s++, len--;
			while (len > 0 && (s[len - 1] == ' ' || s[len - 1] == '\t'))
				len--;
			if (len > 0 && (ek = sc_confusable_key(s, len)) != NULL) {
				if (has_word(key, ek)) {
					(void) sc_buf_printf(detail,
							     "From name \"%.60s\" is executive "
							     "%.*s; From domain %s is not ours",
							     from->name, (int) len, s,
							     from->domain);
					hit = 1;
				}
				free(ek);
			}
			p += n;
			if (*p == ',')
				p++;
		}
	}
	free(key);
	sc_chk_brands_free(&bs);
	return hit;
}

/* clang-format off */
static const sc_eval_def brand_defs[] = {
	{ "check_from_brand_mismatch",    check_from_brand_mismatch,    0, 1 },
	{ "check_subject_brand_mismatch", check_subject_brand_mismatch, 0, 0 },
	{ "check_body_brand_mismatch",    check_body_brand_mismatch,    0, 1 },
	{ "check_from_brand_unsigned",    check_from_brand_unsigned,    0, 0 },
	{ "check_from_brand_own",         check_from_brand_own,         0, 0 },
	{ "check_display_name_executive", check_display_name_executive, 0, 0 },
};
/* clang-format on */

const sc_eval_table sc_brand_eval_table = {brand_defs, sizeof(brand_defs) / sizeof(brand_defs[0])};
