/*
 * json.h - just enough JSON writing for scamctl's --json output.
 *
 * Strings are written as valid JSON whatever bytes they hold: control
 * characters escaped, invalid UTF-8 replaced by U+FFFD. Not thread-safe
 * beyond the caller's own buffer.
 */
#ifndef SC_JSON_H
#define SC_JSON_H

#include <stddef.h>

#include "buf.h"

/* json_string - append s (len bytes) as a quoted JSON string. */
void json_string(sc_buf *out, const char *s, size_t len);
/* json_cstring - append a C string as a JSON string, or null when s is NULL. */
void json_cstring(sc_buf *out, const char *s);
/* json_number - append a score-like number with up to three decimals. */
void json_number(sc_buf *out, double v);

#endif
