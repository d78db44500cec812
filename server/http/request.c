#include "http/request.h"

#include "app.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A bump allocator in blocks; freed all at once with the request. */
struct arena_block {
    arena_block *next;
    size_t used, cap;
    max_align_t data[];
};

void *gk_req_alloc(gk_request *r, size_t n)
{
    n = (n + sizeof(max_align_t) - 1) / sizeof(max_align_t) * sizeof(max_align_t);
    arena_block *b = r->arena;
    if (!b || b->cap - b->used < n) {
        size_t cap = n > 4096 ? n : 4096;
        arena_block *nb = malloc(sizeof *nb + cap);
        if (!nb) return NULL;
        nb->next = b;
        nb->used = 0;
        nb->cap = cap;
        r->arena = b = nb;
    }
    void *p = (char *)b->data + b->used;
    b->used += n;
    return p;
}

void gk_req_arena_free(gk_request *r)
{
    for (arena_block *b = r->arena, *n; b; b = n) {
        n = b->next;
        free(b);
    }
    r->arena = NULL;
}

char *gk_req_strdup(gk_request *r, const char *s)
{
    if (!s) return NULL;
    size_t n = strlen(s) + 1;
    char *d = gk_req_alloc(r, n);
    if (d) memcpy(d, s, n);
    return d;
}

char *gk_req_printf(gk_request *r, const char *fmt, ...)
{
    va_list ap, ap2;
    va_start(ap, fmt);
    va_copy(ap2, ap);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    char *s = n >= 0 ? gk_req_alloc(r, (size_t)n + 1) : NULL;
    if (s) vsnprintf(s, (size_t)n + 1, fmt, ap2);
    va_end(ap2);
    return s;
}

const char *gk_req_header(gk_request *r, const char *name)
{
    return MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, name);
}

const char *gk_req_query(gk_request *r, const char *name)
{
    return MHD_lookup_connection_value(r->conn, MHD_GET_ARGUMENT_KIND, name);
}

const char *gk_req_cookie(gk_request *r, const char *name)
{
    return MHD_lookup_connection_value(r->conn, MHD_COOKIE_KIND, name);
}

const char *gk_req_client_addr(gk_request *r)
{
    const union MHD_ConnectionInfo *ci =
        MHD_get_connection_info(r->conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    char host[64] = "unknown";
    if (ci && ci->client_addr) {
        const struct sockaddr *sa = ci->client_addr;
        if (sa->sa_family == AF_INET)
            inet_ntop(AF_INET, &((const struct sockaddr_in *)sa)->sin_addr, host, sizeof host);
        else if (sa->sa_family == AF_INET6)
            inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)sa)->sin6_addr, host,
                      sizeof host);
    }
    /* Believe X-Forwarded-For only when the peer is the configured proxy; take its last
     * entry (the address the proxy itself saw). */
    const char *tp = gk_app.config.trusted_proxy;
    const char *xff = tp && strcmp(tp, host) == 0 ? gk_req_header(r, "X-Forwarded-For") : NULL;
    if (xff && *xff) {
        const char *last = strrchr(xff, ',');
        last = last ? last + 1 : xff;
        while (*last == ' ') last++;
        return gk_req_strdup(r, last);
    }
    return gk_req_strdup(r, host);
}

bool gk_req_is_safe_method(const gk_request *r)
{
    return !strcmp(r->method, "GET") || !strcmp(r->method, "HEAD") ||
           !strcmp(r->method, "OPTIONS");
}
