/*
 * ascii.h - ASCII byte classes the parsers share (CSS colours, percent
 * escapes, PDF hex strings, wallet checksums). Pure, thread-safe.
 */
#ifndef SC_ASCII_H
#define SC_ASCII_H

/* sc_hex_value - the value (0-15) of the hex digit c, or -1 for any other
 * byte, negative chars included */
static inline int sc_hex_value(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

#endif
