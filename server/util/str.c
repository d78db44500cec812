#include "util/str.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

char *gk_strfmt(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *s = NULL;
    if (vasprintf(&s, fmt, ap) < 0) s = NULL;
    va_end(ap);
    return s;
}

bool gk_digits(const char *s, int n, int *out)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9') return false;
        v = v * 10 + (s[i] - '0');
    }
    *out = v;
    return true;
}

bool gk_grow(char **data, size_t *cap, size_t need, size_t first, size_t max)
{
    if (need <= *cap) return true;
    size_t c = *cap ? *cap : first;
    while (c < need)
        c = c > max / 2 ? max : c * 2;
    if (c > max) c = max;
    char *d = realloc(*data, c);
    if (!d) return false;
    *data = d;
    *cap = c;
    return true;
}

void gk_fill(void *buf, size_t *len, size_t cap, const char **data, size_t *n)
{
    size_t take = cap - *len;
    if (take > *n) take = *n;
    memcpy((char *)buf + *len, *data, take);
    *len += take;
    *data += take;
    *n -= take;
}
