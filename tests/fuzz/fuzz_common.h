/* Helpers shared by the harnesses (header-only: each fuzzer is one program).
 *
 * FZ_CHECK(cond) aborts with a message when an oracle fails: libFuzzer then saves the input
 * as a crash, exactly as for a sanitizer report. Inputs are bytes; the parsers take C strings,
 * so fz_cstr makes a NUL-terminated copy (an input with an embedded NUL is cut there, as the
 * server's callers would see it). */
#ifndef GK_FUZZ_COMMON_H
#define GK_FUZZ_COMMON_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FZ_CHECK(cond)                                                                             \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            fprintf(stderr, "%s:%d: oracle failed: %s\n", __FILE__, __LINE__, #cond);              \
            abort();                                                                               \
        }                                                                                          \
    } while (0)

/* malloc'd NUL-terminated copy of the input; never NULL (abort on OOM: not a finding). */
static inline char *fz_cstr(const uint8_t *data, size_t size)
{
    char *s = malloc(size + 1);
    if (!s) abort();
    memcpy(s, data, size);
    s[size] = 0;
    return s;
}

/* Split the input at the first occurrence of sep: *a gets the part before (NUL-terminated,
 * malloc'd), *b the part after (or NULL when sep does not occur). */
static inline void fz_split(const uint8_t *data, size_t size, const char *sep, char **a, char **b)
{
    size_t n = strlen(sep);
    const uint8_t *hit = size >= n ? memmem(data, size, sep, n) : NULL;
    if (!hit) {
        *a = fz_cstr(data, size);
        *b = NULL;
        return;
    }
    *a = fz_cstr(data, (size_t)(hit - data));
    *b = fz_cstr(hit + n, size - (size_t)(hit - data) - n);
}

#endif
