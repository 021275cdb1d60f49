/*
 * confusable.c - the look-alike comparison key of confusable.h, on ICU's
 * NFKC_Casefold normaliser and spoof checker.
 */
#include "autoconfig.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unicode/unorm2.h>
#include <unicode/uspoof.h>
#include <unicode/ustring.h>

#include "confusable.h"
#include "mem.h"

#define UMAX (SC_CONFUSABLE_MAX * 3) /* UTF-16 units kept after each step */

static pthread_once_t once = PTHREAD_ONCE_INIT;
static USpoofChecker *checker;   /* immutable once made */
static const UNormalizer2 *nfkc; /* ICU's own static instance */

/* init - make the process-wide checker and find the normaliser */
static void init(void)
{
	UErrorCode err = U_ZERO_ERROR;

	nfkc = unorm2_getNFKCCasefoldInstance(&err);
	if (U_FAILURE(err))
		nfkc = NULL;
	err = U_ZERO_ERROR;
	checker = uspoof_open(&err);
	if (U_FAILURE(err))
		checker = NULL;
}

/* fold - NFKC_Casefold of in (n units) into out (UMAX units); its length or -1 */
static int32_t fold(const UChar *in, int32_t n, UChar *out)
{
	UErrorCode err = U_ZERO_ERROR;
	int32_t r = unorm2_normalize(nfkc, in, n, out, UMAX, &err);

	if (err == U_BUFFER_OVERFLOW_ERROR || err == U_STRING_NOT_TERMINATED_WARNING)
		return UMAX;
	return U_FAILURE(err) ? -1 : r;
}

/* sc_confusable_key - see confusable.h */
char *sc_confusable_key(const char *text, size_t len)
{
	UChar a[UMAX], b[UMAX];
	int32_t n, m;
	UErrorCode err = U_ZERO_ERROR;
	char *out;

	(void) pthread_once(&once, init);
	if (nfkc == NULL || checker == NULL)
		return NULL;
	if (len > SC_CONFUSABLE_MAX)
		len = SC_CONFUSABLE_MAX;
	(void) u_strFromUTF8WithSub(a, UMAX, &n, text, (int32_t) len, 0xFFFD, NULL, &err);
	if (U_FAILURE(err))
		return NULL;
	if (n > UMAX)
		n = UMAX;
	if ((m = fold(a, n, b)) < 0)
		return NULL;
	err = U_ZERO_ERROR;
	n = uspoof_getSkeleton(checker, 0, b, m, a, UMAX, &err);
	if (err == U_BUFFER_OVERFLOW_ERROR || err == U_STRING_NOT_TERMINATED_WARNING)
		n = UMAX;
	else if (U_FAILURE(err))
		return NULL;
	if ((m = fold(a, n, b)) < 0)
		return NULL;
	out = sc_malloc((size_t) m * 3 + 1);
	err = U_ZERO_ERROR;
	(void) u_strToUTF8WithSub(out, m * 3 + 1, &n, b, m, 0xFFFD, NULL, &err);
	if (U_FAILURE(err)) {
		free(out);
		return NULL;
	}
	out[n] = '\0';
	return out;
}
