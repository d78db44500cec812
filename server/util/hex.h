/* The one hex codec of the server (digests, keys, token hashes, ids). Pure. */
#ifndef GK_UTIL_HEX_H
#define GK_UTIL_HEX_H

#include <stdbool.h>
#include <stddef.h>

/* Lower-case hex of len bytes into out (out_size >= 2*len+1, NUL-terminated). False when out
 * is too small. */
bool gk_hex_encode(const unsigned char *in, size_t len, char *out, size_t out_size);

/* Strict hex decoding (either case, even length, nothing else) of in_len characters into out.
 * Stores the byte count in *out_len. False for malformed input or when out is too small. */
bool gk_hex_decode(const char *in, size_t in_len, unsigned char *out, size_t out_size,
                   size_t *out_len);

/* 0..15 for a hex digit (either case), -1 otherwise. */
int gk_hex_digit(char c);

#endif
