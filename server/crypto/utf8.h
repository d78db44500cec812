/* Strict UTF-8 decoding shared by the password policy and canonical JSON.
 * Strict means RFC 3629: no overlong forms, no surrogates (U+D800..U+DFFF), nothing above
 * U+10FFFF. Both users must agree on what "valid UTF-8" is, hence one decoder. */
#ifndef GK_CRYPTO_UTF8_H
#define GK_CRYPTO_UTF8_H

#include <stddef.h>
#include <stdint.h>

/* Decodes the code point starting at s (len bytes available, len >= 1) into *cp.
 * Returns the number of bytes it takes (1..4), or 0 when the bytes there are not valid UTF-8
 * (then *cp is unspecified). */
size_t gk_crypto_utf8_next(const unsigned char *s, size_t len, uint32_t *cp);

#endif
