/* Canonical JSON (RFC 8785, JSON Canonicalization Scheme) of a jansson value, the exact bytes
 * that certificate signatures cover. A verifier with any JCS library gets the same bytes.
 *
 * What is produced:
 *  - objects with members sorted by their names' UTF-16 code units (RFC 8785 3.2.3; differs
 *    from byte order once names hold characters above U+FFFF), no whitespace anywhere;
 *  - strings with only '"', '\\' and U+0000..U+001F escaped: \b \f \n \r \t as such, the other
 *    control characters as \u00xx in lower-case hex; everything else as UTF-8;
 *  - integers in decimal; true, false, null.
 *
 * Numbers: we never sign floating-point values. JCS writes numbers as IEEE 754 doubles, so an
 * integer is only exact, and only interoperable, within +-(2^53 - 1); outside that range it is
 * refused. A real (jansson's double) that holds an integral value in that range is written as
 * that integer, exactly as JCS would ("1.0" -> "1", "-0.0" -> "0"); any other real is refused.
 *
 * Also refused: strings or member names that are not valid UTF-8 (possible with jansson's
 * *_nocheck setters) and nesting deeper than GK_CANONICAL_JSON_MAX_DEPTH (which also catches
 * a value that contains itself). */
#ifndef GK_CRYPTO_CANONICAL_JSON_H
#define GK_CRYPTO_CANONICAL_JSON_H

#include <jansson.h>

#define GK_CANONICAL_JSON_MAX_DEPTH 256
#define GK_CANONICAL_JSON_MAX_SAFE_INTEGER 9007199254740991LL /* 2^53 - 1 */

/* The canonical text as a malloc'd NUL-terminated string (it never contains a NUL byte:
 * U+0000 is escaped) that the caller frees. NULL when the value is refused (see above) or on
 * allocation failure. */
char *gk_canonical_json(const json_t *value);

#endif
