/* The route table as data: every endpoint with its method, path pattern, handler, the roles
 * that may call it, the kind of body it takes and its cap. Authorisation tests walk this
 * table, so a route cannot be added without deciding who may call it. */
#ifndef GK_HTTP_ROUTER_H
#define GK_HTTP_ROUTER_H

#include "http/request.h"

#include <stdbool.h>
#include <stddef.h>

typedef void (*gk_handler)(gk_request *r);
/* Streaming bodies (GK_BODY_MULTIPART): called for each chunk as it arrives, after
 * authentication and authorisation ran on the headers. Return false to refuse the body: the
 * function has then built the reply (gk_reply_*); the rest of the body is read and dropped
 * and the reply sent when it ends (libmicrohttpd cannot answer mid-body). Otherwise the
 * handler is called when the body is complete, to finish (commit) and reply. */
typedef bool (*gk_chunk_fn)(gk_request *r, const char *data, size_t size);

typedef enum {
    GK_BODY_NONE, /* no body expected; a body is ignored up to a small cap */
    GK_BODY_JSON, /* application/json, parsed into r->json */
    GK_BODY_FORM, /* application/x-www-form-urlencoded (HTML forms) */
    GK_BODY_JSON_OR_FORM,
    GK_BODY_CSV,      /* text/csv, kept raw */
    GK_BODY_MULTIPART /* multipart/form-data, streamed to the handler's state */
} gk_body_kind;

enum {
    GK_ROUTE_DB = 1 << 0,   /* needs the database: 503 when it is unreachable */
    GK_ROUTE_PAGE = 1 << 1, /* an HTML page: errors are rendered as pages for browsers */
    GK_ROUTE_SLOW = 1 << 2, /* hashes a password: the handler runs on the server's own slow
                             * threads, the connection suspended meanwhile, so a flood never
                             * holds the workers that answer everything else */
};

typedef struct gk_route {
    const char *method;  /* GET, POST, PUT, PATCH, DELETE */
    const char *pattern; /* "/api/v1/applications/{id}"; a final "{*rest}" takes the rest */
    gk_handler handler;
    unsigned roles; /* gk_role bits allowed to call it */
    gk_body_kind body;
    size_t body_max; /* 0: the configured default for the kind */
    unsigned flags;
    const char *name;  /* metrics label, e.g. "determinations.create" */
    gk_chunk_fn chunk; /* GK_BODY_MULTIPART only: receives the body as it streams */
} gk_route;

extern const gk_route gk_routes[];
extern const size_t gk_routes_count;

typedef enum { GK_MATCH_OK, GK_MATCH_NOT_FOUND, GK_MATCH_METHOD } gk_match;

/* Match method+path. On GK_MATCH_OK sets *index and copies parameters into params (malloc'd by
 * alloc_fn(ctx, n)); on GK_MATCH_METHOD writes the allowed methods into allow ("GET, HEAD"). */
gk_match gk_router_match(const char *method, const char *path, int *index, char **params,
                         void *(*alloc_fn)(void *, size_t), void *ctx, char *allow,
                         size_t allow_len);

#endif
