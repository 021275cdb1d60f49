/*
 * iban.h - International Bank Account Numbers (ISO 13616) as written in
 * mail: a registered country code, two check digits (02..98), then the
 * country's BBAN (the whole IBAN has the length the IBAN registry gives
 * that country), upper-case letters and digits, either run together
 * ("DE89370400440532013000") or in groups of four separated by white space
 * (at most 4 bytes of spaces, tabs, no-break spaces and line ends, as
 * plain text lays it out: "DE89 3704 0044 0532 0130 00"). The number must pass
 * the ISO 7064 mod-97-10 check (the first four characters moved to the
 * end, letters as 10..35, the number mod 97 is 1).
 *
 * Pure functions: thread-safe, no allocation.
 */
#ifndef SC_IBAN_H
#define SC_IBAN_H

#include <stddef.h>

#define SC_IBAN_MAX 34 /* longest IBAN, in characters */

/* sc_iban_at - whether a valid IBAN starts at text[0] (len bytes follow,
 * text[-1] is the caller's business: it should be no letter or digit).
 * On success copies it without spaces, NUL-terminated, into out and
 * returns the bytes it takes in text; the next byte, if any, is no letter
 * or digit. Returns 0 when there is none. */
size_t sc_iban_at(const char *text, size_t len, char out[SC_IBAN_MAX + 1]);

#endif
