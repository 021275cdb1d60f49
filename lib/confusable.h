/*
 * confusable.h - a comparison key under which look-alike text is equal
 * (ICU): "pаypal" with a Cyrillic "а", "ΡayPal" with a Greek capital rho,
 * "paypal" and "PAYPAL" all give one key.
 *
 * The key is casefold(skeleton(NFKC_Casefold(text))), the skeleton being
 * ICU's uspoof_getSkeleton (Unicode TR39 confusables). Keys are for
 * comparing with each other only: a key is not readable text (the skeleton
 * of "m" is "rn", of "0" is "o"), so both sides of a comparison must be keys.
 *
 * Thread-safety: one process-wide, immutable ICU spoof checker, made once
 * under pthread_once on first use; any number of threads may ask for keys
 * at once (ICU documents a configured USpoofChecker as safe for that).
 */
#ifndef SC_CONFUSABLE_H
#define SC_CONFUSABLE_H

#include <stddef.h>

#define SC_CONFUSABLE_MAX 1024 /* bytes of text turned into a key; longer input is cut */

/* sc_confusable_key - the key of len bytes of UTF-8 text (invalid bytes
 * become U+FFFD), malloc'd UTF-8; NULL only when ICU fails. */
char *sc_confusable_key(const char *text, size_t len);

#endif
