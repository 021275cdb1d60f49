/*
 * rules_fold.c - case folding of accented Latin letters in /i regexes.
 *
 * Rules run in PCRE2's byte mode, as SpamAssassin's run in Perl on bytes,
 * so /i folds only ASCII: /glückwunsch/i misses "GLÜCKWUNSCH" and
 * /félicitations/i misses "FÉLICITATIONS", though scams shout in capitals
 * in every language. The text is UTF-8 (sc_msg decodes every part to it),
 * and the letters of Latin-1 (U+00C0-U+00FE, the accents of German,
 * French, Spanish, Portuguese, Italian, Dutch and the Nordic languages)
 * are two bytes, 0xC3 then a byte whose upper and lower case differ in
 * one bit. So each such letter written outside a character class becomes
 * a group of both cases, "(?:ü|Ü)", and inside a class gains its other
 * case's second byte, which is as right as a class of UTF-8 bytes gets.
 * A pattern with \Q...\E or an inline (?-i) is left alone: the walk would
 * have to follow quoting and option scopes to do right there.
 *
 * The folded pattern becomes the rule's expanded pattern (what the
 * prefilter and the Hyperscan pass also compile), so every path matches
 * the same texts. A class holding a multi-byte letter ([ée]) matches one
 * byte of it, folded or not: the loader warns about it.
 */
#include "autoconfig.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "buf.h"
#include "mem.h"
#include "rules_int.h"

/* other_case - the second byte of the other case of the Latin-1 letter
 * 0xC3 b, or 0 when b has none (×, ÷, ß and ÿ, whose capitals lie
 * outside Latin-1) */
static unsigned char other_case(unsigned char b)
{
	if (b >= 0x80 && b <= 0x9E && b != 0x97)
		return (unsigned char) (b + 0x20);
	if (b >= 0xA0 && b <= 0xBE && b != 0xB7)
		return (unsigned char) (b - 0x20);
	return 0;
}

/* rules_fold_latin1 - see rules_int.h */
int rules_fold_latin1(const char *pat, size_t len, sc_buf *out)
{
	int in_class = 0, changed = 0;
	size_t i = 0;

	sc_buf_reset(out);
	if (memmem(pat, len, "\\Q", 2) != NULL || memmem(pat, len, "(?-", 3) != NULL ||
	    memmem(pat, len, "(?^", 3) != NULL)
		return 0;
	while (i < len) {
		unsigned char c = (unsigned char) pat[i], o;

		if (c == '\\' && i + 1 < len) {
			(void) sc_buf_append(out, pat + i, 2);
			i += 2;
			continue;
		}
		if (in_class) {
			if (c == '[' && i + 1 < len && pat[i + 1] == ':') {
				const char *end = memmem(pat + i + 2, len - i - 2, ":]", 2);
				size_t n = end != NULL ? (size_t) (end - (pat + i)) + 2 : len - i;

				(void) sc_buf_append(out, pat + i, n);
				i += n;
				continue;
			}
			if (c == ']') {
				in_class = 0;
			} else if (c == 0xC3 && i + 1 < len &&
				   (o = other_case((unsigned char) pat[i + 1])) != 0 &&
				   (i + 2 >= len || pat[i + 2] != '-') && (i == 0 || pat[i - 1] != '-')) {
				/* (not an end of a range: its bytes would make another) */
				(void) sc_buf_append(out, pat + i, 2);
				(void) sc_buf_putc(out, (char) o);
				i += 2;
				changed = 1;
				continue;
			}
			(void) sc_buf_putc(out, (char) c);
			i++;
			continue;
		}
		if (c == '[') {
			/* a ']' first in the class (or after '^') is a member */
			size_t n = 1;

			if (i + n < len && pat[i + n] == '^')
				n++;
			if (i + n < len && pat[i + n] == ']')
				n++;
			(void) sc_buf_append(out, pat + i, n);
			i += n;
			in_class = 1;
			continue;
		}
		if (c == 0xC3 && i + 1 < len && (o = other_case((unsigned char) pat[i + 1])) != 0) {
			(void) sc_buf_append(out, "(?:", 3);
			(void) sc_buf_append(out, pat + i, 2);
			(void) sc_buf_putc(out, '|');
			(void) sc_buf_putc(out, (char) 0xC3);
			(void) sc_buf_putc(out, (char) o);
			(void) sc_buf_putc(out, ')');
			i += 2;
			changed = 1;
			continue;
		}
		(void) sc_buf_putc(out, (char) c);
		i++;
	}
	return changed;
}

/* class_multibyte - whether a character class of pat holds a byte of a
 * multi-byte UTF-8 character (written raw; escapes such as \xC3 are ASCII) */
static int class_multibyte(const char *pat, size_t len)
{
	int in_class = 0;

	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char) pat[i];

		if (c == '\\') {
			i++;
		} else if (!in_class && c == '[') {
			in_class = 1;
			if (i + 1 < len && pat[i + 1] == '^')
				i++;
			if (i + 1 < len && pat[i + 1] == ']')
				i++;
		} else if (in_class && c == '[' && i + 1 < len && pat[i + 1] == ':') {
			const char *end = memmem(pat + i + 2, len - i - 2, ":]", 2);

			if (end == NULL)
				return 0;
			i = (size_t) (end - pat) + 1;
		} else if (in_class && c == ']') {
			in_class = 0;
		} else if (in_class && c >= 0x80) {
			return 1;
		}
	}
	return 0;
}

/* rules_fold_case - see rules_int.h */
void rules_fold_case(sc_ruleset *rs, sc_diags *d)
{
	sc_buf out;

	sc_buf_init(&out, SC_BUF_UNLIMITED);
	for (size_t i = 0; i < rs->n; i++) {
		rule *r = &rs->rules[i];
		const char *pat;
		size_t patlen;
		uint32_t opts;
		char *copy;
		PCRE2_SIZE off;
		pcre2_code *re2;
		int err;

		if (r->dead || r->never || r->re == NULL)
			continue;
		if (rules_pattern(r, &pat, &patlen, &opts, &copy) != 0)
			continue;
		if (memmem(pat, patlen, "\\Q", 2) == NULL && class_multibyte(pat, patlen))
			sc_diags_add(d, SC_DIAG_WARNING, r->file, r->line,
				     "%s: a character class holds a multi-byte (UTF-8) letter and "
				     "matches it one byte at a time; write an alternation such as "
				     "(?:é|e) instead",
				     r->name);
		if (!(opts & PCRE2_CASELESS) || !rules_fold_latin1(pat, patlen, &out)) {
			free(copy);
			continue;
		}
		re2 = pcre2_compile((PCRE2_SPTR) out.data, out.len, opts, &err, &off, NULL);
		if (re2 == NULL) {
			/* cannot happen for a pattern that compiled (a group of
			 * two literals where one literal was); keep the rule as
			 * written and say so */
			PCRE2_UCHAR msg[256];

			if (pcre2_get_error_message(err, msg, sizeof(msg)) < 0)
				(void) snprintf((char *) msg, sizeof(msg), "error %d", err);
			sc_diags_add(d, SC_DIAG_WARNING, r->file, r->line,
				     "%s: regex with accented letters folded does not compile at "
				     "offset %zu: %s; capitals of accented letters are not matched",
				     r->name, (size_t) off, (char *) msg);
			free(copy);
			continue;
		}
		(void) pcre2_jit_compile(re2, PCRE2_JIT_COMPLETE);
		pcre2_code_free(r->re);
		r->re = re2;
		free(r->expanded);
		r->expanded = sc_strndup(out.data, out.len);
		r->expanded_opts = opts;
		free(copy);
	}
	sc_buf_free(&out);
}
