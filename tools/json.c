/*
 * json.c - JSON string and number writing (see json.h).
 */
#include "autoconfig.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "json.h"

/* utf8_len - length of the valid UTF-8 sequence at s (n bytes left), 0 if invalid */
static size_t utf8_len(const unsigned char *s, size_t n)
{
	size_t len;
	unsigned cp;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		len = 2, cp = s[0] & 0x1f;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		len = 3, cp = s[0] & 0x0f;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		len = 4, cp = s[0] & 0x07;
	else
		return 0;
	if (len > n)
		return 0;
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i] & 0x3f);
	}
	/* Reject overlong forms, surrogates and code points past U+10FFFF. */
	if ((len == 3 && cp < 0x800) || (len == 4 && (cp < 0x10000 || cp > 0x10ffff)) ||
	    (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return len;
}

/* json_string - quoted, escaped, valid UTF-8 */
void json_string(sc_buf *out, const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *) s;

	(void) sc_buf_putc(out, '"');
	for (size_t i = 0; i < len;) {
		size_t n = utf8_len(p + i, len - i);

		if (n == 0) {
			(void) sc_buf_puts(out, "\\ufffd");
			i++;
			continue;
		}
		if (n > 1) {
			(void) sc_buf_append(out, p + i, n);
		} else if (p[i] == '"' || p[i] == '\\') {
			(void) sc_buf_printf(out, "\\%c", p[i]);
		} else if (p[i] == '\n') {
			(void) sc_buf_puts(out, "\\n");
		} else if (p[i] == '\r') {
			(void) sc_buf_puts(out, "\\r");
		} else if (p[i] == '\t') {
			(void) sc_buf_puts(out, "\\t");
		} else if (p[i] < 0x20 || p[i] == 0x7f) {
			(void) sc_buf_printf(out, "\\u%04x", p[i]);
		} else {
			(void) sc_buf_putc(out, p[i]);
		}
		i += n;
	}
	(void) sc_buf_putc(out, '"');
}

/* json_cstring - a C string or null */
void json_cstring(sc_buf *out, const char *s)
{
	if (s == NULL)
		(void) sc_buf_puts(out, "null");
	else
		json_string(out, s, strlen(s));
}

/* json_number - "%.3f" without the trailing zeros past the first decimal */
void json_number(sc_buf *out, double v)
{
	char num[64];
	size_t len;
	int n;

	if (!isfinite(v))
		v = 0.0;
	n = snprintf(num, sizeof(num), "%.3f", v);
	if (n < 0 || (size_t) n >= sizeof(num)) {
		(void) sc_buf_puts(out, "0.0");
		return;
	}
	len = (size_t) n;
	while (len > 0 && num[len - 1] == '0' && num[len - 2] != '.')
		len--;
	(void) sc_buf_append(out, num, len);
}
