/* The per-request context: created on the first access-handler call, freed when libmicrohttpd
 * reports the request complete. Everything a handler allocates with gk_req_alloc/strdup lives
 * until then, so handlers need not free their scratch memory. */
#ifndef GK_HTTP_REQUEST_H
#define GK_HTTP_REQUEST_H

#include "auth/principal.h"
#include "errors.h"
#include "util/arena.h"

#include <jansson.h>
#include <microhttpd.h>
#include <stdbool.h>
#include <stddef.h>
#include <time.h>

struct gk_route;

#define GK_MAX_PARAMS 4

typedef struct gk_request {
    struct MHD_Connection *conn;
    const struct gk_route *route;
    int route_index; /* index in the route table, -1 when unmatched (for metrics) */
    char method[8];
    size_t uri_len; /* the whole request URI, query included */
    const char *path;
    char *params[GK_MAX_PARAMS]; /* path parameters in pattern order ({id}, ...) */
    char request_id[20];
    const char *lang; /* "ja" or "en" */
    struct timespec started;
    gk_principal user;

    /* Body as received (JSON, form, CSV), NUL-terminated; capped by the route. */
    char *body;
    size_t body_len, body_cap;
    bool body_too_large, body_started;
    bool csrf_in_body;   /* a page's streamed upload: its csrf_token field is checked at the end */
    bool stream_stopped; /* a streamed body's chunk callback refused; answer at the end */
    bool queued;         /* the reply has been handed to libmicrohttpd */
    bool offloaded;      /* a GK_ROUTE_SLOW handler ran on a slow thread: queue its reply */
    json_t *json;        /* parsed JSON body (owned) */
    void *form;          /* decoded form fields (http/fields.c), in the arena */

    /* The reply being built; queued by the dispatcher after the handler returns. */
    struct MHD_Response *response;
    unsigned status;
    gk_error error;           /* for the log line, GK_ERR_OK on success */
    const char *error_detail; /* the problem's detail and field errors, kept so a browser */
    json_t *error_fields;     /* can be shown the same refusal as an HTML page (owned) */

    /* Handler-owned state for streaming bodies (uploads); freed with state_free. */
    void *state;
    void (*state_free)(void *);

    gk_arena arena;

    /* An upload slot of the caller's account is held (http/server.c, issue 18 item 6). */
    bool upload_slot;
} gk_request;

/* Scratch memory freed with the request; NULL on out of memory. */
void *gk_req_alloc(gk_request *r, size_t n);
char *gk_req_strdup(gk_request *r, const char *s);
char *gk_req_printf(gk_request *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* The catalogue text of `key` in the request's language (the key itself when missing). */
const char *gk_req_msg(const gk_request *r, const char *key);

/* Request header / query argument / cookie, or NULL. */
const char *gk_req_header(gk_request *r, const char *name);
const char *gk_req_query(gk_request *r, const char *name);
const char *gk_req_cookie(gk_request *r, const char *name);
/* The client's address as text (X-Forwarded-For only from the trusted proxy). */
const char *gk_req_client_addr(gk_request *r);
bool gk_req_is_safe_method(const gk_request *r);

#endif
