/*
 * utf8.h - decoding and encoding one UTF-8 sequence, strictly (RFC 3629:
 * no overlong forms, no surrogates, nothing past U+10FFFF). Pure functions,
 * thread-safe.
 */
#ifndef SC_UTF8_H
#define SC_UTF8_H

#include <stddef.h>
#include <stdint.h>

/* sc_utf8_decode - decode the sequence at s (n bytes available, n > 0):
 * returns its length (1..4) and sets *cp, or returns 0 when the bytes are
 * not valid UTF-8 (the caller skips one byte). */
size_t sc_utf8_decode(const char *s, size_t n, uint32_t *cp);

/* sc_utf8_encode - write cp (a valid scalar value) to out; returns 1..4. */
size_t sc_utf8_encode(uint32_t cp, char out[4]);

#endif
