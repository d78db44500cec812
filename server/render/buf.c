#include "render/buf.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void gk_buf_init(gk_buf *b)
{
    b->data = NULL;
    b->len = 0;
    b->cap = 0;
    b->failed = false;
}

void gk_buf_free(gk_buf *b)
{
    free(b->data);
    gk_buf_init(b);
}

void gk_buf_reset(gk_buf *b)
{
    b->len = 0;
    b->failed = false;
    if (b->data) b->data[0] = '\0';
}

void gk_buf_truncate(gk_buf *b, size_t len)
{
    if (len < b->len) {
        b->len = len;
        b->data[len] = '\0';
    }
}

int gk_buf_reserve(gk_buf *b, size_t extra)
{
    if (b->failed) return -1;
    /* +1 for the trailing NUL; guard every addition against overflow. */
    if (extra > SIZE_MAX - 1 - b->len) {
        b->failed = true;
        return -1;
    }
    size_t need = b->len + extra + 1;
    if (need <= b->cap) return 0;
    size_t cap = b->cap ? b->cap : 256;
    while (cap < need) {
        if (cap > SIZE_MAX / 2) {
            cap = need;
            break;
        }
        cap *= 2;
    }
    char *p = realloc(b->data, cap);
    if (!p) {
        b->failed = true;
        return -1;
    }
    b->data = p;
    b->cap = cap;
    return 0;
}

int gk_buf_append(gk_buf *b, const void *data, size_t n)
{
    if (gk_buf_reserve(b, n) != 0) return -1;
    if (n) memcpy(b->data + b->len, data, n);
    b->len += n;
    b->data[b->len] = '\0';
    return 0;
}

int gk_buf_puts(gk_buf *b, const char *s)
{
    return gk_buf_append(b, s, strlen(s));
}

int gk_buf_putc(gk_buf *b, char c)
{
    return gk_buf_append(b, &c, 1);
}

int gk_buf_vappendf(gk_buf *b, const char *fmt, va_list ap)
{
    if (b->failed) return -1;
    va_list ap2;
    va_copy(ap2, ap);
    size_t room = b->cap > b->len ? b->cap - b->len : 0;
    int n = vsnprintf(room ? b->data + b->len : NULL, room, fmt, ap2);
    va_end(ap2);
    if (n < 0) {
        b->failed = true;
        return -1;
    }
    if ((size_t)n >= room) {
        if (gk_buf_reserve(b, (size_t)n) != 0) return -1;
        va_copy(ap2, ap);
        vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap2);
        va_end(ap2);
    }
    b->len += (size_t)n;
    return 0;
}

int gk_buf_appendf(gk_buf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int r = gk_buf_vappendf(b, fmt, ap);
    va_end(ap);
    return r;
}

int gk_buf_append_html(gk_buf *b, const char *s, size_t n)
{
    size_t start = 0;
    for (size_t i = 0; i < n; i++) {
        const char *rep;
        switch (s[i]) {
        case '&':
            rep = "&amp;";
            break;
        case '<':
            rep = "&lt;";
            break;
        case '>':
            rep = "&gt;";
            break;
        case '"':
            rep = "&quot;";
            break;
        case '\'':
            rep = "&#39;";
            break;
        default:
            continue;
        }
        gk_buf_append(b, s + start, i - start);
        gk_buf_puts(b, rep);
        start = i + 1;
    }
    return gk_buf_append(b, s + start, n - start);
}

const char *gk_buf_cstr(const gk_buf *b)
{
    return b->data ? b->data : "";
}

char *gk_buf_steal(gk_buf *b, size_t *len)
{
    if (b->failed) {
        gk_buf_free(b);
        if (len) *len = 0;
        return NULL;
    }
    char *p = b->data;
    size_t n = b->len;
    if (!p) p = calloc(1, 1);
    gk_buf_init(b);
    if (len) *len = p ? n : 0;
    return p;
}
