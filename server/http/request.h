/* The per-request context: created on the first access-handler call, freed when libmicrohttpd
 * reports the request complete. Everything a handler allocates with gk_req_alloc/strdup lives
 * until then, so handlers need not free their scratch memory. */
#ifndef GK_HTTP_REQUEST_H
#define GK_HTTP_REQUEST_H

#include "errors.h"

#include <jansson.h>
#include <microhttpd.h>
#include <stdbool.h>
#include <stddef.h>
#include <time.h>

struct gk_route;

#define GK_MAX_PARAMS 4

typedef enum {
    GK_ROLE_ANON = 1 << 0, /* nobody signed in */
    GK_ROLE_MANUFACTURER = 1 << 1,
    GK_ROLE_EXAMINER = 1 << 2,
    GK_ROLE_REGULATOR = 1 << 3,
    GK_ROLE_ADMIN = 1 << 4,
} gk_role;
#define GK_ROLES_USERS                                                                         \
    (GK_ROLE_MANUFACTURER | GK_ROLE_EXAMINER | GK_ROLE_REGULATOR | GK_ROLE_ADMIN)
#define GK_ROLES_ALL (GK_ROLE_ANON | GK_ROLES_USERS)

/* The signed-in principal, filled by authentication (NULL fields when anonymous). */
typedef struct {
    char *id;
    char *organization_id; /* manufacturers only */
    char *email, *name;
    gk_role role; /* GK_ROLE_ANON when nobody is signed in */
    char *session_id;
    char *csrf_token; /* cookie sessions: the token forms must carry (web/page.c puts it in
                         every page's model as "csrf_token") */
    bool via_cookie; /* cookie sessions need CSRF tokens on unsafe requests */
} gk_principal;

typedef struct arena_block arena_block;

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
    bool stream_stopped; /* a streamed body's chunk callback refused; answer at the end */
    bool queued;         /* the reply has been handed to libmicrohttpd */
    json_t *json; /* parsed JSON body (owned) */
    void *form;   /* decoded form fields (http/fields.c), in the arena */

    /* The reply being built; queued by the dispatcher after the handler returns. */
    struct MHD_Response *response;
    unsigned status;
    gk_error error; /* for the log line, GK_ERR_OK on success */
    const char *error_detail; /* the problem's detail and field errors, kept so a browser */
    json_t *error_fields;     /* can be shown the same refusal as an HTML page (owned) */

    /* Handler-owned state for streaming bodies (uploads); freed with state_free. */
    void *state;
    void (*state_free)(void *);

    arena_block *arena;
} gk_request;

/* Scratch memory freed with the request; NULL on out of memory. */
void *gk_req_alloc(gk_request *r, size_t n);
char *gk_req_strdup(gk_request *r, const char *s);
char *gk_req_printf(gk_request *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Request header / query argument / cookie, or NULL. */
const char *gk_req_header(gk_request *r, const char *name);
const char *gk_req_query(gk_request *r, const char *name);
const char *gk_req_cookie(gk_request *r, const char *name);
/* The client's address as text (X-Forwarded-For only from the trusted proxy). */
const char *gk_req_client_addr(gk_request *r);
bool gk_req_is_safe_method(const gk_request *r);

#endif
