#include "util/arena.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct gk_arena_block {
    gk_arena_block *next;
    size_t used, cap;
    max_align_t data[];
};

void *gk_arena_alloc(gk_arena *a, size_t n)
{
    if (n > ((size_t)-1) / 2) return NULL;
    n = (n + sizeof(max_align_t) - 1) / sizeof(max_align_t) * sizeof(max_align_t);
    gk_arena_block *b = a->head;
    if (!b || b->cap - b->used < n) {
        size_t cap = n > 4096 ? n : 4096;
        gk_arena_block *nb = malloc(sizeof *nb + cap);
        if (!nb) return NULL;
        nb->next = b;
        nb->used = 0;
        nb->cap = cap;
        a->head = b = nb;
    }
    void *p = (char *)b->data + b->used;
    b->used += n;
    return p;
}

char *gk_arena_strndup(gk_arena *a, const char *s, size_t n)
{
    if (!s) return NULL;
    char *d = gk_arena_alloc(a, n + 1);
    if (!d) return NULL;
    memcpy(d, s, n);
    d[n] = '\0';
    return d;
}

char *gk_arena_strdup(gk_arena *a, const char *s)
{
    return s ? gk_arena_strndup(a, s, strlen(s)) : NULL;
}

char *gk_arena_printf(gk_arena *a, const char *fmt, ...)
{
    va_list ap, ap2;
    va_start(ap, fmt);
    va_copy(ap2, ap);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    char *s = n >= 0 ? gk_arena_alloc(a, (size_t)n + 1) : NULL;
    if (s) vsnprintf(s, (size_t)n + 1, fmt, ap2);
    va_end(ap2);
    return s;
}

void gk_arena_free(gk_arena *a)
{
    for (gk_arena_block *b = a->head, *n; b; b = n) {
        n = b->next;
        free(b);
    }
    a->head = NULL;
}
