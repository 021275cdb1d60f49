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
 * A quantifier after the letter then applies to the whole letter (ü+ is
 * "one or more ü"), where in byte mode it took only the second byte.
 * Comments, (?#...) and under x from an unescaped '#', are copied as they
 * are. A pattern with \Q...\E, a verb such as (*UTF), or an inline option
 * that turns something off ((?-i), (?s-i:...), (?^)) is left alone: the
 * walk would have to follow quoting, modes and option scopes to do right.
 *
 * The folded pattern becomes the rule's expanded pattern (what the
 * prefilter and the Hyperscan pass also compile), so every path matches
 * the same texts. A class holding a multi-byte letter ([ée]) matches one
 * byte of it, folded or not, and \b next to a non-ASCII letter or sign
 * sees no word boundary after a space: the loader warns about both.
 */
#include "autoconfig.h"

#include <ctype.h>
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

/* rules_option_off - see rules_int.h */
int rules_option_off(const char *pat, size_t len)
{
	for (size_t i = 0; i + 2 < len; i++) {
		size_t j;

		if (pat[i] == '\\') {
			i++;
			continue;
		}
		if (pat[i] != '(' || pat[i + 1] != '?')
			continue;
		for (j = i + 2; j < len && isalpha((unsigned char) pat[j]); j++)
			;
		if (j < len && (pat[j] == '-' || pat[j] == '^'))
			return 1;
	}
	return 0;
}

/* unsafe - a construct the walk does not follow: \Q, a leading verb, or
 * an inline option group that turns an option off */
static int unsafe(const char *pat, size_t len)
{
	return memmem(pat, len, "\\Q", 2) != NULL || (len >= 2 && pat[0] == '(' && pat[1] == '*') ||
	       rules_option_off(pat, len);
}

/* comment_len - the bytes of a comment starting at pat[i] ((?#...) to its
 * ')', or under x an unescaped '#' to the end of the line), 0 when none */
static size_t comment_len(const char *pat, size_t len, size_t i, uint32_t opts)
{
	const char *e;

	if (i + 2 < len && pat[i] == '(' && pat[i + 1] == '?' && pat[i + 2] == '#') {
		e = memchr(pat + i + 3, ')', len - i - 3);
		return e != NULL ? (size_t) (e - (pat + i)) + 1 : len - i;
	}
	if ((opts & PCRE2_EXTENDED) && pat[i] == '#') {
		e = memchr(pat + i, '\n', len - i);
		return e != NULL ? (size_t) (e - (pat + i)) + 1 : len - i;
	}
	return 0;
}

/* class_open - the bytes of a class's opening at pat[i] ("[", "[^", with
 * a ']' right after counted as a member) */
static size_t class_open(const char *pat, size_t len, size_t i)
{
	size_t n = 1;

	if (i + n < len && pat[i + n] == '^')
		n++;
	if (i + n < len && pat[i + n] == ']')
		n++;
	return n;
}

/* posix_len - the bytes of a POSIX class ("[:alpha:]") at pat[i] inside a
 * class, 0 when none */
static size_t posix_len(const char *pat, size_t len, size_t i)
{
	const char *e;

	if (i + 1 >= len || pat[i] != '[' || pat[i + 1] != ':')
		return 0;
	e = memmem(pat + i + 2, len - i - 2, ":]", 2);
	return e != NULL ? (size_t) (e - (pat + i)) + 2 : len - i;
}

/* rules_fold_latin1 - see rules_int.h */
int rules_fold_latin1(const char *pat, size_t len, uint32_t opts, sc_buf *out)
{
	int in_class = 0, changed = 0;
	size_t i = 0, n;

	sc_buf_reset(out);
	if (unsafe(pat, len))
		return 0;
	while (i < len) {
		unsigned char c = (unsigned char) pat[i], o;

		if (c == '\\' && i + 1 < len) {
			(void) sc_buf_append(out, pat + i, 2);
			i += 2;
			continue;
		}
		if (in_class) {
			if ((n = posix_len(pat, len, i)) > 0) {
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
		if ((n = comment_len(pat, len, i, opts)) > 0) {
			(void) sc_buf_append(out, pat + i, n);
			i += n;
			continue;
		}
		if (c == '[') {
			n = class_open(pat, len, i);
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
static int class_multibyte(const char *pat, size_t len, uint32_t opts)
{
	int in_class = 0;
	size_t i = 0, n;

	while (i < len) {
		unsigned char c = (unsigned char) pat[i];

		if (c == '\\') {
			i += 2;
		} else if (in_class) {
			if (c >= 0x80)
				return 1;
			if ((n = posix_len(pat, len, i)) == 0) {
				in_class = c != ']';
				n = 1;
			}
			i += n;
		} else if ((n = comment_len(pat, len, i, opts)) > 0) {
			i += n;
		} else if (c == '[') {
			i += class_open(pat, len, i);
			in_class = 1;
		} else {
			i++;
		}
	}
	return 0;
}

/* group_starts_high - the group opening at pat[i] ("(?:") has a top-level
 * alternative whose first byte is not ASCII */
static int group_starts_high(const char *pat, size_t len, size_t i)
{
	int depth = 0, at_start = 1;

	for (i += 3; i < len; i++) {
		unsigned char c = (unsigned char) pat[i];

		if (at_start && depth == 0 && c >= 0x80)
			return 1;
		at_start = 0;
		if (c == '\\') {
			i++;
		} else if (c == '[') {
			i += class_open(pat, len, i);
			while (i < len && pat[i] != ']')
				i += pat[i] == '\\' ? 2 : 1;
		} else if (c == '(') {
			depth++;
		} else if (c == ')') {
			if (depth-- == 0)
				return 0;
		} else if (c == '|' && depth == 0) {
			at_start = 1;
		}
	}
	return 0;
}

/* boundary_high - a \b right next to a non-ASCII byte, or before a group
 * with an alternative that starts with one: byte-mode \b sees only ASCII
 * letters, digits and _, so after a space it never matches there */
static int boundary_high(const char *pat, size_t len)
{
	for (size_t i = 0; i + 1 < len; i++) {
		if (pat[i] != '\\')
			continue;
		if (pat[i + 1] == 'b' &&
		    ((i > 0 && (unsigned char) pat[i - 1] >= 0x80) ||
		     (i + 2 < len && (unsigned char) pat[i + 2] >= 0x80) ||
		     (i + 4 < len && memcmp(pat + i + 2, "(?:", 3) == 0 &&
		      group_starts_high(pat, len, i + 2))))
			return 1;
		i++;
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
		size_t patlen, off;
		uint32_t opts;
		char *copy, msg[256];

		if (r->dead || r->never || r->re == NULL)
			continue;
		if (rules_pattern(r, &pat, &patlen, &opts, &copy) != 0)
			continue;
		if (memmem(pat, patlen, "\\Q", 2) == NULL && class_multibyte(pat, patlen, opts))
			sc_diags_add(d, SC_DIAG_WARNING, r->file, r->line,
				     "%s: a character class holds a multi-byte (UTF-8) letter and "
				     "matches it one byte at a time; write an alternation such as "
				     "(?:é|e) instead",
				     r->name);
		if (boundary_high(pat, patlen))
			sc_diags_add(d, SC_DIAG_WARNING, r->file, r->line,
				     "%s: \\b next to a non-ASCII letter or sign: \\b knows only ASCII "
				     "letters, digits and _, so it does not match there after a space; "
				     "write (?<![A-Za-z0-9_]) or (?![A-Za-z0-9_]) instead",
				     r->name);
		if ((opts & PCRE2_CASELESS) && rules_fold_latin1(pat, patlen, opts, &out) &&
		    rules_set_regex(r, out.data, out.len, opts, msg, sizeof(msg), &off) != 0)
			/* the walk keeps every construct it copies whole, so this
			 * is a bug of the walk: the rule keeps its regex as written */
			sc_diags_add(d, SC_DIAG_WARNING, r->file, r->line,
				     "%s: regex with accented letters folded does not compile at "
				     "offset %zu: %s; capitals of accented letters are not matched",
				     r->name, off, msg);
		free(copy);
	}
	sc_buf_free(&out);
}
