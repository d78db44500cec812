/* Small string and buffer helpers shared by every layer. Pure apart from malloc. */
#ifndef GK_UTIL_STR_H
#define GK_UTIL_STR_H

#include <stdbool.h>
#include <stddef.h>

/* printf into a new malloc'd string; NULL when out of memory. */
__attribute__((format(printf, 1, 2))) char *gk_strfmt(const char *fmt, ...);

/* Reads exactly n ASCII digits of s into *out; false (and *out untouched) if any is not a
 * digit. */
bool gk_digits(const char *s, int n, int *out);

/* Grows the malloc'd buffer *data of *cap bytes to hold at least need bytes (need <= max):
 * doubling from first, never beyond max. False when out of memory (*data and *cap kept). */
bool gk_grow(char **data, size_t *cap, size_t need, size_t first, size_t max);

/* Copies what fits of (*data, *n) into buf after its *len bytes (cap in all), and advances
 * *len, *data and *n past what it copied. */
void gk_fill(void *buf, size_t *len, size_t cap, const char **data, size_t *n);

#endif
