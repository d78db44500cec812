#include "http/request.h"

#include "app.h"
#include "render/i18n.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void *gk_req_alloc(gk_request *r, size_t n)
{
    return gk_arena_alloc(&r->arena, n);
}

void gk_req_arena_free(gk_request *r)
{
    gk_arena_free(&r->arena);
}

char *gk_req_strdup(gk_request *r, const char *s)
{
    return gk_arena_strdup(&r->arena, s);
}

char *gk_req_printf(gk_request *r, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *s = NULL;
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n >= 0 && (s = gk_req_alloc(r, (size_t)n + 1))) {
        va_start(ap, fmt);
        vsnprintf(s, (size_t)n + 1, fmt, ap);
        va_end(ap);
    }
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
            inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)sa)->sin6_addr, host, sizeof host);
    }
    /* Believe X-Forwarded-For only when the peer is the configured proxy; take its last
     * entry (the address the proxy itself saw). */
    const char *tp = gk_app.config.trusted_proxy;
    const char *xff = tp && strcmp(tp, host) == 0 ? gk_req_header(r, "X-Forwarded-For") : NULL;
    if (xff && *xff) {
        const char *last = strrchr(xff, ',');
        last = last ? last + 1 : xff;
        while (*last == ' ')
            last++;
        return gk_req_strdup(r, last);
    }
    return gk_req_strdup(r, host);
}

bool gk_req_is_safe_method(const gk_request *r)
{
    return !strcmp(r->method, "GET") || !strcmp(r->method, "HEAD") || !strcmp(r->method, "OPTIONS");
}

const char *gk_req_msg(const gk_request *r, const char *key)
{
    return gk_messages_get(gk_app.messages, r->lang, key);
}
