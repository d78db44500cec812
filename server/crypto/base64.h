/* Base64 (RFC 4648) encoding and strict decoding.
 *
 * Three variants, because each use has its own convention:
 *   GK_B64_STD        standard alphabet with '=' padding (section 4)
 *   GK_B64_STD_NOPAD  standard alphabet, no padding (PHC-style password strings)
 *   GK_B64_URL        URL-safe alphabet, no padding (section 5; tokens, signatures, keys)
 *
 * Decoding is strict so that one byte string has exactly one accepted text: no whitespace,
 * no characters from the other alphabet, padding exactly where the variant requires it and
 * nowhere else, and the unused low bits of the last character must be zero. Anything else
 * is rejected, never "repaired". */
#ifndef GK_CRYPTO_BASE64_H
#define GK_CRYPTO_BASE64_H

#include <stdbool.h>
#include <stddef.h>

typedef enum { GK_B64_STD, GK_B64_STD_NOPAD, GK_B64_URL } gk_base64_variant;

/* Number of characters the encoding of len bytes takes, without the terminating NUL.
 * Returns 0 only for len 0, or on size overflow (len near SIZE_MAX). */
size_t gk_base64_encoded_len(size_t len, gk_base64_variant v);

/* Encodes into out (out_size bytes including room for the NUL). Returns false, writing
 * nothing useful, when out is too small. */
bool gk_base64_encode_to(const void *data, size_t len, gk_base64_variant v, char *out,
                         size_t out_size);

/* Encodes into a malloc'd NUL-terminated string the caller frees; NULL on allocation failure. */
char *gk_base64_encode(const void *data, size_t len, gk_base64_variant v);

/* Upper bound of the decoded size of in_len characters (for sizing out). */
size_t gk_base64_decoded_max(size_t in_len);

/* Strictly decodes in[0..in_len) into out (out_size bytes). On success stores the byte count in
 * *out_len and returns true. Returns false for any malformed input or when out is too small;
 * out may then hold partial data. */
bool gk_base64_decode(const char *in, size_t in_len, gk_base64_variant v, unsigned char *out,
                      size_t out_size, size_t *out_len);

#endif
