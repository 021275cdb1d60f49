/*
 * iban.c - IBANs that pass mod-97 (see iban.h).
 */
#include "autoconfig.h"

#include <string.h>

#include "iban.h"

#define MAX_GAP 4 /* bytes of white space between two groups */

/* The IBAN lengths of the SWIFT IBAN registry, by country code. */
static const struct {
	char cc[3];
	unsigned char len;
} countries[] = {
	{"AD", 24}, {"AE", 23}, {"AL", 28}, {"AT", 20}, {"AZ", 28}, {"BA", 20}, {"BE", 16},
	{"BG", 22}, {"BH", 22}, {"BI", 27}, {"BR", 29}, {"BY", 28}, {"CH", 21}, {"CR", 22},
	{"CY", 28}, {"CZ", 24}, {"DE", 22}, {"DJ", 27}, {"DK", 18}, {"DO", 28}, {"EE", 20},
	{"EG", 29}, {"ES", 24}, {"FI", 18}, {"FK", 18}, {"FO", 18}, {"FR", 27}, {"GB", 22},
	{"GE", 22}, {"GI", 23}, {"GL", 18}, {"GR", 27}, {"GT", 28}, {"HN", 28}, {"HR", 21},
	{"HU", 28}, {"IE", 22}, {"IL", 23}, {"IQ", 23}, {"IS", 26}, {"IT", 27}, {"JO", 30},
	{"KW", 30}, {"KZ", 20}, {"LB", 28}, {"LC", 32}, {"LI", 21}, {"LT", 20}, {"LU", 20},
	{"LV", 21}, {"LY", 25}, {"MC", 27}, {"MD", 24}, {"ME", 22}, {"MK", 19}, {"MN", 20},
	{"MR", 27}, {"MT", 31}, {"MU", 30}, {"NI", 28}, {"NL", 18}, {"NO", 15}, {"OM", 23},
	{"PK", 24}, {"PL", 28}, {"PS", 29}, {"PT", 25}, {"QA", 29}, {"RO", 24}, {"RS", 22},
	{"RU", 33}, {"SA", 24}, {"SC", 31}, {"SD", 18}, {"SE", 24}, {"SI", 19}, {"SK", 24},
	{"SM", 27}, {"SO", 23}, {"ST", 25}, {"SV", 28}, {"TL", 23}, {"TN", 24}, {"TR", 26},
	{"UA", 29}, {"VA", 22}, {"VG", 24}, {"XK", 20}, {"YE", 30},
};

/* iban_length - the IBAN length of the country code at s, 0 when unknown */
static size_t iban_length(const char *s)
{
	for (size_t i = 0; i < sizeof(countries) / sizeof(countries[0]); i++)
		if (countries[i].cc[0] == s[0] && countries[i].cc[1] == s[1])
			return countries[i].len;
	return 0;
}

/* is_upper_alnum - an upper-case ASCII letter or a digit */
static int is_upper_alnum(char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

/* is_alnum - an ASCII letter or digit */
static int is_alnum(char c)
{
	return is_upper_alnum(c) || (c >= 'a' && c <= 'z');
}

/* mod97 - ISO 7064 mod-97-10 of the n-character IBAN s, rearranged */
static unsigned mod97(const char *s, size_t n)
{
	unsigned r = 0;

	for (size_t k = 0; k < n; k++) {
		char c = s[(k + 4) % n];

		if (c >= '0' && c <= '9')
			r = (r * 10 + (unsigned) (c - '0')) % 97;
		else
			r = (r * 100 + (unsigned) (c - 'A' + 10)) % 97;
	}
	return r;
}

/* group_gap - the bytes of a group separator at t: a run of at most
 * MAX_GAP bytes of blanks (space, tab, U+00A0) and line ends, 0 when there
 * is none */
static size_t group_gap(const char *t, size_t left)
{
	size_t n = 0;

	while (n < left && n <= MAX_GAP) {
		if (t[n] == ' ' || t[n] == '\t' || t[n] == '\r' || t[n] == '\n')
			n++;
		else if (n + 1 < left && (unsigned char) t[n] == 0xc2 &&
			 (unsigned char) t[n + 1] == 0xa0)
			n += 2;
		else
			break;
	}
	return n <= MAX_GAP ? n : 0;
}

/* sc_iban_at - see iban.h */
size_t sc_iban_at(const char *text, size_t len, char out[SC_IBAN_MAX + 1])
{
	size_t want, n = 0, j = 0;

	if (len < 4 || text[0] < 'A' || text[0] > 'Z' || text[1] < 'A' || text[1] > 'Z' ||
	    text[2] < '0' || text[2] > '9' || text[3] < '0' || text[3] > '9' ||
	    (want = iban_length(text)) == 0)
		return 0;
	if ((text[2] == '0' && text[3] < '2') || (text[2] == '9' && text[3] == '9'))
		return 0; /* check digits are 02..98 */
	while (j < len && n < want) {
		size_t gap;

		if (is_upper_alnum(text[j])) {
			out[n++] = text[j++];
			continue;
		}
		gap = n % 4 == 0 ? group_gap(text + j, len - j) : 0;
		if (gap == 0 || j + gap >= len || !is_upper_alnum(text[j + gap]))
			return 0;
		j += gap;
	}
	if (n != want || (j < len && is_alnum(text[j])))
		return 0;
	out[n] = '\0';
	return mod97(out, n) == 1 ? j : 0;
}
