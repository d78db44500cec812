/* The one UTF-8 library of the server: strict decoding, validation, counting, cutting on
 * characters, and Unicode normalisation (libutf8proc: NFC for stored text, NFKC + case
 * folding for lookup keys such as e-mail addresses and search terms).
 * Strict means RFC 3629: no overlong forms, no surrogates (U+D800..U+DFFF), nothing above
 * U+10FFFF. Every part of the server agrees on what "valid UTF-8" is, hence one decoder. */
#ifndef GK_UTIL_UTF8_H
#define GK_UTIL_UTF8_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Decodes the code point starting at s (len bytes available, len >= 1) into *cp.
 * Returns the number of bytes it takes (1..4), or 0 when the bytes there are not valid UTF-8
 * (then *cp is unspecified). */
size_t gk_utf8_next(const unsigned char *s, size_t len, uint32_t *cp);

/* Whether len bytes at s are valid UTF-8 (a NUL byte counts as invalid: text from users
 * never carries one). */
bool gk_utf8_valid(const char *s, size_t len);
/* gk_utf8_valid over a NUL-terminated string. */
bool gk_utf8_valid_str(const char *s);

/* The number of code points of valid UTF-8 text (NUL-terminated). */
size_t gk_utf8_chars(const char *s);

/* Whether the text has only white space (ASCII blanks, U+3000 ideographic space) or is
 * empty. */
bool gk_utf8_blank(const char *s);

/* Whether the text holds a C0/C1 control character or DEL. allow_newlines lets \t \r \n
 * through (prose); labels allow none. */
bool gk_utf8_has_controls(const char *s, bool allow_newlines);

/* The longest prefix of s, at most max_bytes long, that does not cut a character (for
 * titles, log fields, anything with a byte budget). Returns its length in bytes. */
size_t gk_utf8_prefix(const char *s, size_t max_bytes);

/* NFC of valid UTF-8 text, malloc'd (caller frees); NULL when not valid or out of memory.
 * For text we store: what users type in different input methods compares equal. */
char *gk_utf8_nfc(const char *s);

/* NFKC + case folding (+ removal of default-ignorable characters), malloc'd; NULL when not
 * valid or out of memory. For keys we look things up by: e-mail addresses, search terms
 * (full-width and half-width letters, ｰ/ー, case all fold to one form). */
char *gk_utf8_fold(const char *s);

#endif
