#include "http/server.h"
#include "http/service_call.h"

#include "app.h"
#include "db/db.h"
#include "http/metrics.h"
#include "http/reply.h"
#include "http/router.h"
#include "log.h"
#include "render/i18n.h"
#include "util/str.h"

#include <dlfcn.h>
#include <openssl/rand.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#define MAX_URL 8192
#define NONE_BODY_MAX (64 * 1024)

gk_authenticate_fn gk_server_authenticate;
gk_guard_fn gk_server_csrf_guard;
gk_error_page_fn gk_server_error_page;

void gk_req_arena_free(gk_request *r);

struct gk_server {
    struct MHD_Daemon *d;
    atomic_int inflight;
};

/* The slow threads: handlers of GK_ROUTE_SLOW routes (password hashing) run here while their
 * connection is suspended. A libmicrohttpd worker serves every connection it accepted, so a
 * worker blocked on a hash would stall unrelated requests (health checks included); with
 * this queue no worker ever waits for a hash. When the queue is full the request is refused
 * at once with 503 and Retry-After. */
#define SLOW_QUEUE_MAX 64
static struct {
    pthread_mutex_t lock;
    pthread_cond_t more;
    gk_request *queue[SLOW_QUEUE_MAX];
    unsigned head, len, n_threads;
    bool stop;
    pthread_t threads[16];
} slow = {.lock = PTHREAD_MUTEX_INITIALIZER, .more = PTHREAD_COND_INITIALIZER};

static void *slow_main(void *arg)
{
    (void)arg;
    for (;;) {
        pthread_mutex_lock(&slow.lock);
        while (!slow.len && !slow.stop)
            pthread_cond_wait(&slow.more, &slow.lock);
        if (!slow.len) { /* stopping and nothing left */
            pthread_mutex_unlock(&slow.lock);
            return NULL;
        }
        gk_request *r = slow.queue[slow.head];
        slow.head = (slow.head + 1) % SLOW_QUEUE_MAX;
        slow.len--;
        pthread_mutex_unlock(&slow.lock);
        r->route->handler(r);
        r->offloaded = true;
        MHD_resume_connection(r->conn);
    }
}

/* Hands r to a slow thread; false when the queue is full or there are no slow threads. */
static bool slow_submit(gk_request *r)
{
    pthread_mutex_lock(&slow.lock);
    bool ok = slow.n_threads > 0 && !slow.stop && slow.len < SLOW_QUEUE_MAX;
    if (ok) {
        MHD_suspend_connection(r->conn);
        slow.queue[(slow.head + slow.len) % SLOW_QUEUE_MAX] = r;
        slow.len++;
        pthread_cond_signal(&slow.more);
    }
    pthread_mutex_unlock(&slow.lock);
    return ok;
}

static void slow_start(unsigned n)
{
    if (n > sizeof slow.threads / sizeof *slow.threads)
        n = sizeof slow.threads / sizeof *slow.threads;
    for (unsigned i = 0; i < n; i++)
        if (pthread_create(&slow.threads[slow.n_threads], NULL, slow_main, NULL) == 0)
            slow.n_threads++;
}

static void slow_stop(void)
{
    pthread_mutex_lock(&slow.lock);
    slow.stop = true;
    pthread_cond_broadcast(&slow.more);
    pthread_mutex_unlock(&slow.lock);
    for (unsigned i = 0; i < slow.n_threads; i++)
        pthread_join(slow.threads[i], NULL);
    slow.n_threads = 0;
}

/* Uploads in progress per account (issue 18 item 6): a streamed upload takes a slot of its
 * user on its headers and gives it back when the request ends, however it ends. A small
 * table under a mutex: the accounts uploading at one moment are few. */
typedef struct {
    char user[64];
    unsigned n;
} upload_slot;
static struct {
    pthread_mutex_t lock;
    upload_slot *v;
    size_t n, cap;
} uploads = {.lock = PTHREAD_MUTEX_INITIALIZER};

static bool upload_slot_take(gk_request *r)
{
    const char *user = r->user.id ? r->user.id : "";
    unsigned max = gk_app.config.uploads_per_account ? gk_app.config.uploads_per_account : 4;
    bool ok = false;
    pthread_mutex_lock(&uploads.lock);
    upload_slot *s = NULL;
    for (size_t i = 0; i < uploads.n && !s; i++)
        if (!strcmp(uploads.v[i].user, user)) s = &uploads.v[i];
    if (!s && uploads.n == uploads.cap) {
        size_t cap = uploads.cap ? uploads.cap * 2 : 16;
        upload_slot *v = realloc(uploads.v, cap * sizeof *v);
        if (v) {
            uploads.v = v;
            uploads.cap = cap;
        }
    }
    if (!s && uploads.n < uploads.cap) {
        s = &uploads.v[uploads.n++];
        snprintf(s->user, sizeof s->user, "%s", user);
        s->n = 0;
    }
    if (s && s->n < max) {
        s->n++;
        ok = true;
    }
    pthread_mutex_unlock(&uploads.lock);
    r->upload_slot = ok;
    return ok;
}

static void upload_slot_give(gk_request *r)
{
    if (!r->upload_slot) return;
    r->upload_slot = false;
    const char *user = r->user.id ? r->user.id : "";
    pthread_mutex_lock(&uploads.lock);
    for (size_t i = 0; i < uploads.n; i++) {
        if (!strcmp(uploads.v[i].user, user)) {
            if (uploads.v[i].n) uploads.v[i].n--;
            if (!uploads.v[i].n) uploads.v[i] = uploads.v[--uploads.n];
            break;
        }
    }
    pthread_mutex_unlock(&uploads.lock);
}

/* An upload whose body arrives slower than GITEKI_UPLOAD_MIN_RATE bytes a second, measured
 * from UPLOAD_RATE_GRACE_S after its start, is cut (the connection closed): a client trickling
 * a large declared length would otherwise hold its slot for ever. */
#define UPLOAD_RATE_GRACE_S 10

static bool upload_too_slow(const gk_request *r)
{
    unsigned rate = gk_app.config.upload_min_rate;
    if (!rate) return false;
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    double secs =
        (double)(now.tv_sec - r->started.tv_sec) + (double)(now.tv_nsec - r->started.tv_nsec) / 1e9;
    return secs > UPLOAD_RATE_GRACE_S && (double)r->body_len < secs * (double)rate;
}

static atomic_ulong request_counter;
static atomic_bool stopping;
static unsigned request_prefix;

static const char csp[] = "default-src 'self'; script-src 'self'; style-src 'self'; "
                          "img-src 'self' data:; object-src 'none'; base-uri 'none'; "
                          "form-action 'self'; frame-ancestors 'none'";

/* The security headers of every reply. */
static void add_security_headers(struct MHD_Response *resp)
{
    MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
    MHD_add_response_header(resp, "Content-Security-Policy", csp);
    MHD_add_response_header(resp, "Referrer-Policy", "same-origin");
    MHD_add_response_header(resp, "X-Frame-Options", "DENY");
}

/* libmicrohttpd answers some requests itself, before any handler of ours sees them: a
 * malformed request line or header (400), a header block over the connection's memory (431),
 * an unsupported HTTP version (505), a bad chunked body. Version 0.9.75 offers no hook for
 * those replies, but it queues them through its exported MHD_queue_response, which it calls
 * through the PLT; this definition in the executable therefore takes its place (ELF symbol
 * interposition) for the library's own calls as well as ours. It gives a reply without our
 * headers the security headers and no-store (issue 18 item 15), then calls the library's
 * function (dlsym RTLD_NEXT). Our own replies already carry them (add_common_headers). The
 * hardening group of tests/api checks a reply of libmicrohttpd's own. */
typedef enum MHD_Result (*queue_fn)(struct MHD_Connection *, unsigned int, struct MHD_Response *);
static queue_fn real_queue;
static pthread_once_t real_queue_once = PTHREAD_ONCE_INIT;

static void find_real_queue(void)
{
    real_queue = (queue_fn)dlsym(RTLD_NEXT, "MHD_queue_response");
}

enum MHD_Result MHD_queue_response(struct MHD_Connection *connection, unsigned int status_code,
                                   struct MHD_Response *response)
{
    pthread_once(&real_queue_once, find_real_queue);
    if (!real_queue) return MHD_NO;
    if (response && !MHD_get_response_header(response, "X-Content-Type-Options")) {
        add_security_headers(response);
        if (!MHD_get_response_header(response, MHD_HTTP_HEADER_CACHE_CONTROL))
            MHD_add_response_header(response, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
        /* its bodies are short HTML pages */
        if (!MHD_get_response_header(response, MHD_HTTP_HEADER_CONTENT_TYPE))
            MHD_add_response_header(response, MHD_HTTP_HEADER_CONTENT_TYPE,
                                    "text/html; charset=utf-8");
    }
    return real_queue(connection, status_code, response);
}

static void add_common_headers(gk_request *r)
{
    struct MHD_Response *resp = r->response;
    add_security_headers(resp);
    MHD_add_response_header(resp, "X-Request-Id", r->request_id);
    /* Once stopping, keep-alive connections are closed after their answer, so no request
     * arrives on them that the daemon's stop would cut. */
    if (atomic_load(&stopping)) MHD_add_response_header(resp, MHD_HTTP_HEADER_CONNECTION, "close");
    if (!MHD_get_response_header(resp, MHD_HTTP_HEADER_CACHE_CONTROL))
        MHD_add_response_header(resp, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
    if (!MHD_get_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE))
        MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, "text/plain; charset=utf-8");
}

/* A browser (Accept: text/html) refused on a page, or on an unknown path outside the API,
 * gets the refusal as a page; API clients always get problem+json. */
static bool wants_html(gk_request *r)
{
    if (r->error == GK_ERR_OK || !gk_server_error_page) return false;
    const char *ct =
        r->response ? MHD_get_response_header(r->response, MHD_HTTP_HEADER_CONTENT_TYPE) : NULL;
    if (!ct || strncmp(ct, "application/problem+json", 24) != 0) return false;
    const char *accept = gk_req_header(r, MHD_HTTP_HEADER_ACCEPT);
    if (!accept || !strstr(accept, "text/html")) return false;
    if (r->route) return (r->route->flags & GK_ROUTE_PAGE) != 0;
    return r->path && strncmp(r->path, "/api/", 5) != 0;
}

static enum MHD_Result queue(gk_request *r)
{
    if (wants_html(r)) {
        if (r->error == GK_ERR_UNAUTHENTICATED && r->route && !strcmp(r->method, "GET")) {
            /* Sign in first, then come back here. */
            char *next = gk_req_printf(r, "/signin?next=%s", r->path);
            if (next) gk_reply_redirect(r, 303, next);
        } else {
            gk_server_error_page(r);
        }
    }
    if (!r->response) {
        /* A handler that built no reply is our bug; so is running out of memory. */
        if (r->error != GK_ERR_INTERNAL)
            gk_log("bug", "handler built no reply",
                   json_pack("{s:s, s:s}", "request_id", r->request_id, "path", r->path));
        gk_reply_problem(r, GK_ERR_INTERNAL, NULL, NULL);
        if (!r->response) {
            static const char oom[] = "{\"status\":500,\"code\":\"server.internal\"}";
            r->response = MHD_create_response_from_buffer(sizeof oom - 1, (void *)oom,
                                                          MHD_RESPMEM_PERSISTENT);
            r->status = 500;
            if (!r->response) return MHD_NO;
        }
    }
    add_common_headers(r);
    r->queued = true;
    enum MHD_Result ret = MHD_queue_response(r->conn, r->status, r->response);
    MHD_destroy_response(r->response);
    r->response = NULL;
    return ret;
}

static enum MHD_Result fail(gk_request *r, gk_error e, const char *detail)
{
    gk_reply_problem(r, e, detail, NULL);
    return queue(r);
}

static bool media_type_is(const char *ct, const char *want)
{
    if (!ct) return false;
    size_t n = strlen(want);
    if (strncasecmp(ct, want, n) != 0) return false;
    return ct[n] == 0 || ct[n] == ';' || ct[n] == ' ';
}

static bool content_type_ok(const gk_route *rt, const char *ct)
{
    switch (rt->body) {
    case GK_BODY_NONE:
        return true;
    case GK_BODY_JSON:
        return media_type_is(ct, "application/json");
    case GK_BODY_FORM:
        return media_type_is(ct, "application/x-www-form-urlencoded");
    case GK_BODY_JSON_OR_FORM:
        return media_type_is(ct, "application/json") ||
               media_type_is(ct, "application/x-www-form-urlencoded");
    case GK_BODY_CSV:
        return media_type_is(ct, "text/csv");
    case GK_BODY_MULTIPART:
        return media_type_is(ct, "multipart/form-data");
    }
    return false;
}

static size_t body_cap(const gk_route *rt)
{
    if (rt->body_max) return rt->body_max;
    switch (rt->body) {
    case GK_BODY_NONE:
        return NONE_BODY_MAX;
    case GK_BODY_CSV:
    case GK_BODY_MULTIPART:
        return gk_app.config.upload_max;
    default:
        return gk_app.config.json_body_max;
    }
}

static bool method_has_body(const char *m)
{
    return !strcmp(m, "POST") || !strcmp(m, "PUT") || !strcmp(m, "PATCH");
}

static void *arena_alloc(void *ctx, size_t n)
{
    return gk_req_alloc(ctx, n);
}

/* First call: everything decided from the request line and headers. Returns true when it
 * already queued a reply (an error). */
static bool streamed(const gk_request *r);

static bool on_headers(gk_request *r, const char *url, enum MHD_Result *ret)
{
    r->lang = gk_lang_choose(gk_req_query(r, "lang"), gk_req_cookie(r, "giteki_lang"),
                             gk_req_header(r, "Accept-Language"));
    if (strlen(url) > MAX_URL) {
        *ret = fail(r, GK_ERR_URI_TOO_LONG, NULL);
        return true;
    }
    r->path = gk_req_strdup(r, url);
    if (!r->path) {
        *ret = fail(r, GK_ERR_INTERNAL, NULL);
        return true;
    }
    char allow[128];
    switch (gk_router_match(r->method, r->path, &r->route_index, r->params, arena_alloc, r, allow,
                            sizeof allow)) {
    case GK_MATCH_OK:
        r->route = &gk_routes[r->route_index];
        break;
    case GK_MATCH_NOT_FOUND:
        r->route_index = -1;
        *ret = fail(r, GK_ERR_NOT_FOUND, NULL);
        return true;
    case GK_MATCH_METHOD:
        r->route_index = -1;
        gk_reply_problem(r, GK_ERR_METHOD_NOT_ALLOWED, NULL, NULL);
        gk_reply_header(r, MHD_HTTP_HEADER_ALLOW, allow);
        *ret = queue(r);
        return true;
    }
    if (method_has_body(r->method)) {
        const char *ct = gk_req_header(r, MHD_HTTP_HEADER_CONTENT_TYPE);
        const char *cl = gk_req_header(r, MHD_HTTP_HEADER_CONTENT_LENGTH);
        bool empty = cl && strcmp(cl, "0") == 0;
        if (!empty && !content_type_ok(r->route, ct)) {
            *ret = fail(r, GK_ERR_UNSUPPORTED_MEDIA_TYPE,
                        ct ? gk_req_msgf(r, "http.content_type.refused", "type", ct, NULL)
                           : gk_req_msg(r, "http.content_type.missing"));
            return true;
        }
        if (cl && strtoull(cl, NULL, 10) > body_cap(r->route) && streamed(r) &&
            (r->route->flags & GK_ROUTE_PAGE)) {
            /* A page's upload over the limit is answered inside its form (issue 20): the
             * request is admitted as usual, the body dropped, and the handler sees
             * r->body_too_large. */
            r->body_too_large = true;
        } else if (cl && strtoull(cl, NULL, 10) > body_cap(r->route)) {
            *ret = fail(r, GK_ERR_TOO_LARGE,
                        gk_req_msgf(r, "http.body_too_large", "bytes",
                                    gk_req_printf(r, "%zu", body_cap(r->route)), NULL));
            return true;
        }
    }
    return false;
}

static void on_body(gk_request *r, const char *data, size_t size)
{
    size_t cap = body_cap(r->route);
    if (r->body_too_large || r->body_len + size > cap) {
        r->body_too_large = true; /* keep reading (and dropping) so we can answer 413 */
        return;
    }
    if (!gk_grow(&r->body, &r->body_cap, r->body_len + size + 1, 4096, cap + 1)) {
        r->body_too_large = true;
        return;
    }
    memcpy(r->body + r->body_len, data, size);
    r->body_len += size;
    r->body[r->body_len] = 0;
}

static bool parse_body(gk_request *r)
{
    const gk_route *rt = r->route;
    if (r->body_too_large) {
        gk_reply_problem(r, GK_ERR_TOO_LARGE,
                         gk_req_msgf(r, "http.body_too_large", "bytes",
                                     gk_req_printf(r, "%zu", body_cap(rt)), NULL),
                         NULL);
        return false;
    }
    const char *ct = gk_req_header(r, MHD_HTTP_HEADER_CONTENT_TYPE);
    bool is_json = rt->body == GK_BODY_JSON ||
                   (rt->body == GK_BODY_JSON_OR_FORM && media_type_is(ct, "application/json"));
    if (!is_json || !method_has_body(r->method)) return true;
    if (r->body_len == 0) {
        gk_reply_problem(r, GK_ERR_BAD_JSON, gk_req_msg(r, "http.json.empty"), NULL);
        return false;
    }
    json_error_t e;
    r->json = json_loadb(r->body, r->body_len, JSON_REJECT_DUPLICATES, &e);
    if (!r->json) {
        gk_reply_problem(r, GK_ERR_BAD_JSON,
                         gk_req_printf(r, "Line %d, column %d: %s", e.line, e.column, e.text),
                         NULL);
        return false;
    }
    if (!json_is_object(r->json)) {
        gk_reply_problem(r, GK_ERR_BAD_JSON, gk_req_msg(r, "http.json.not_object"), NULL);
        return false;
    }
    return true;
}

/* Whether an unsafe request comes from another site (login CSRF, issue 18): the browser says
 * so in Sec-Fetch-Site, or its Origin is neither our public address nor the Host it asked.
 * Requests without either header (API clients, old browsers) are left to the CSRF token. */
static bool cross_site(gk_request *r)
{
    const char *sfs = gk_req_header(r, "Sec-Fetch-Site");
    if (sfs && (!strcasecmp(sfs, "cross-site") || !strcasecmp(sfs, "same-site"))) return true;
    const char *origin = gk_req_header(r, "Origin");
    if (!origin) return false;
    const char *pub = gk_app.config.public_url;
    if (pub && !strcmp(origin, pub)) return false;
    const char *host = gk_req_header(r, MHD_HTTP_HEADER_HOST);
    const char *rest = !strncmp(origin, "https://", 8)  ? origin + 8
                       : !strncmp(origin, "http://", 7) ? origin + 7
                                                        : NULL;
    return !(host && rest && !strcmp(rest, host));
}

/* Who is calling, may they call this route, and is the CSRF token right. Returns false
 * when it built a refusal. Runs on the headers for streamed bodies, else on the full body
 * (a form's csrf_token field is in the body). */
static bool admit(gk_request *r)
{
    r->user.role = GK_ROLE_ANON;
    if (gk_server_authenticate) gk_server_authenticate(r);
    if (r->response) return false; /* authentication refused (e.g. expired token) */
    /* A Bearer token is never sent by a browser on its own: only cookies and anonymous
     * forms can be forged from another site. */
    bool bearer = r->user.role != GK_ROLE_ANON && !r->user.via_cookie;
    if (!gk_req_is_safe_method(r) && !bearer && cross_site(r)) {
        gk_reply_problem(r, GK_ERR_CSRF, gk_req_msg(r, "accounts.cross_site"), NULL);
        return false;
    }
    if (!(r->route->roles & r->user.role)) {
        gk_reply_problem(r,
                         r->user.role == GK_ROLE_ANON ? GK_ERR_UNAUTHENTICATED : GK_ERR_FORBIDDEN,
                         NULL, NULL);
        return false;
    }
    if (!gk_req_is_safe_method(r) && r->user.via_cookie && gk_server_csrf_guard &&
        gk_server_csrf_guard(r))
        return false;
    if ((r->route->flags & GK_ROUTE_DB) && !gk_db_conn()) {
        gk_reply_problem(r, GK_ERR_UNAVAILABLE, NULL, NULL);
        return false;
    }
    return true;
}

static bool streamed(const gk_request *r)
{
    return r->route && r->route->body == GK_BODY_MULTIPART && r->route->chunk;
}

/* Final call: the whole request is here. */
static enum MHD_Result dispatch(gk_request *r)
{
    if (streamed(r)) {
        if (r->stream_stopped && r->response) return queue(r);
        if (r->body_too_large && !(r->route->flags & GK_ROUTE_PAGE))
            return fail(r, GK_ERR_TOO_LARGE, NULL);
        r->route->handler(r); /* admitted on the headers; the chunks are in its state */
        return queue(r);
    }
    if (r->offloaded) return queue(r); /* resumed after its slow thread ran the handler */
    if (!parse_body(r) || !admit(r)) return queue(r);
    if (r->route->flags & GK_ROUTE_SLOW) {
        /* Only as many wait as the hash queue admits (the slow threads), and the whole
         * queue is bounded: a flood is refused at once rather than queued for minutes. */
        if (slow_submit(r)) return MHD_YES;
        return fail(r, GK_ERR_BUSY, NULL);
    }
    r->route->handler(r);
    return queue(r);
}

static enum MHD_Result access_handler(void *cls, struct MHD_Connection *conn, const char *url,
                                      const char *method, const char *version,
                                      const char *upload_data, size_t *upload_data_size,
                                      void **con_cls)
{
    gk_request *r = *con_cls;
    if (!r) return MHD_NO; /* out of memory in uri_seen */
    if (!r->conn) {
        r->conn = conn;
        r->route_index = -1;
        r->lang = "ja";
        snprintf(r->method, sizeof r->method, "%s", method);
        snprintf(r->request_id, sizeof r->request_id, "%08x%08lx", request_prefix,
                 atomic_fetch_add(&request_counter, 1) & 0xffffffffUL);
        enum MHD_Result ret = MHD_YES;
        if (r->uri_len > MAX_URL) {
            r->lang = gk_lang_choose(NULL, gk_req_cookie(r, "giteki_lang"),
                                     gk_req_header(r, "Accept-Language"));
            return fail(r, GK_ERR_URI_TOO_LONG, NULL);
        }
        if (on_headers(r, url, &ret)) return ret;
        /* A streamed upload is admitted before its first byte is read; it takes one of its
         * account's upload slots, and its connection gets the upload's idle timeout. */
        if (streamed(r)) {
            if (!admit(r)) return queue(r);
            if (!upload_slot_take(r)) {
                char n[16];
                snprintf(n, sizeof n, "%u", gk_app.config.uploads_per_account);
                gk_reply_problem(r, GK_ERR_TOO_MANY_UPLOADS,
                                 gk_req_msgf(r, "uploads.too_many", "n", n, NULL), NULL);
                gk_reply_header(r, MHD_HTTP_HEADER_RETRY_AFTER, "5");
                return queue(r);
            }
            MHD_set_connection_option(conn, MHD_CONNECTION_OPTION_TIMEOUT,
                                      gk_app.config.upload_timeout_s
                                          ? gk_app.config.upload_timeout_s
                                          : 15);
        }
        return MHD_YES; /* answer on the next call: measured much faster (docs/architecture.md) */
    }
    if (r->queued) {
        *upload_data_size = 0; /* already answered; drop whatever else arrives */
        return MHD_YES;
    }
    if (*upload_data_size && streamed(r)) {
        /* libmicrohttpd cannot queue a reply while a body is arriving, so a refusal from the
         * chunk callback (reply built, r->stream_stopped) is sent when the body has ended;
         * meanwhile the rest is read and dropped. */
        size_t n = *upload_data_size;
        *upload_data_size = 0;
        r->body_len += n;
        if (upload_too_slow(r)) {
            gk_log("warn", "upload too slow: connection closed",
                   json_pack("{s:s, s:I}", "request_id", r->request_id, "bytes",
                             (json_int_t)r->body_len));
            return MHD_NO;
        }
        if (r->body_len > body_cap(r->route)) r->body_too_large = true;
        if (!r->body_too_large && !r->stream_stopped && !r->route->chunk(r, upload_data, n))
            r->stream_stopped = true;
        return MHD_YES;
    }
    if (*upload_data_size) {
        on_body(r, upload_data, *upload_data_size);
        *upload_data_size = 0;
        return MHD_YES;
    }
    return dispatch(r);
}

/* libmicrohttpd shows us the whole request URI (path and query) before the access handler,
 * which only gets the path: the request context starts here, so the URI length is checked
 * on all of it. */
static void *uri_seen(void *cls, const char *uri, struct MHD_Connection *conn)
{
    gk_server *s = cls;
    gk_request *r = calloc(1, sizeof *r);
    if (!r) return NULL;
    atomic_fetch_add(&s->inflight, 1);
    clock_gettime(CLOCK_MONOTONIC, &r->started);
    r->uri_len = uri ? strlen(uri) : 0;
    return r;
}

static void completed(void *cls, struct MHD_Connection *conn, void **con_cls,
                      enum MHD_RequestTerminationCode toe)
{
    gk_server *s = cls;
    gk_request *r = *con_cls;
    if (!r) return;
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    double secs =
        (double)(now.tv_sec - r->started.tv_sec) + (double)(now.tv_nsec - r->started.tv_nsec) / 1e9;
    unsigned status = r->status ? r->status : 499; /* client went away before an answer */
    gk_metrics_observe(r->route_index, status, secs);
    json_t *f = json_pack("{s:s, s:s, s:s, s:s, s:i, s:f}", "request_id", r->request_id, "method",
                          r->method, "path", r->path ? r->path : "-", "route",
                          r->route ? r->route->name : "-", "status", (int)status, "duration_ms",
                          secs * 1000.0);
    if (f && r->user.id) json_object_set_new(f, "user_id", json_string(r->user.id));
    if (f && r->error != GK_ERR_OK)
        json_object_set_new(f, "code", json_string(gk_error_code(r->error)));
    if (f && toe != MHD_REQUEST_TERMINATED_COMPLETED_OK)
        json_object_set_new(f, "terminated", json_integer(toe));
    gk_log(status >= 500 && status != 503 ? "error" : "info", "request", f);
    upload_slot_give(r);
    if (r->response) MHD_destroy_response(r->response);
    if (r->state_free) r->state_free(r->state);
    json_decref(r->json);
    json_decref(r->error_fields);
    free(r->body);
    gk_req_arena_free(r);
    free(r);
    *con_cls = NULL;
    atomic_fetch_sub(&s->inflight, 1);
}

__attribute__((format(printf, 2, 0))) static void mhd_log(void *cls, const char *fmt, va_list ap)
{
    char buf[512];
    vsnprintf(buf, sizeof buf, fmt, ap);
    size_t n = strlen(buf);
    while (n && buf[n - 1] == '\n')
        buf[--n] = 0;
    gk_log("warn", "libmicrohttpd", json_pack("{s:s}", "detail", buf));
}

gk_server *gk_server_start(const gk_config *c, char **err)
{
    RAND_bytes((unsigned char *)&request_prefix, sizeof request_prefix);
    gk_server *s = calloc(1, sizeof *s);
    if (!s) return NULL;
    struct sockaddr_storage ss;
    memset(&ss, 0, sizeof ss);
    struct sockaddr_in *v4 = (struct sockaddr_in *)&ss;
    struct sockaddr_in6 *v6 = (struct sockaddr_in6 *)&ss;
    unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_ITC |
                     MHD_USE_ERROR_LOG | MHD_USE_SUSPEND_RESUME;
    if (inet_pton(AF_INET, c->listen_host, &v4->sin_addr) == 1) {
        v4->sin_family = AF_INET;
        v4->sin_port = htons(c->listen_port);
    } else if (inet_pton(AF_INET6, c->listen_host, &v6->sin6_addr) == 1) {
        v6->sin6_family = AF_INET6;
        v6->sin6_port = htons(c->listen_port);
        flags |= MHD_USE_IPv6;
    } else if (strcmp(c->listen_host, "localhost") == 0) {
        v4->sin_family = AF_INET;
        v4->sin_port = htons(c->listen_port);
        v4->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    } else {
        if (asprintf(err, "GITEKI_LISTEN: \"%s\" is not an IP address", c->listen_host) < 0)
            *err = NULL;
        free(s);
        return NULL;
    }
    s->d = MHD_start_daemon(flags, c->listen_port, NULL, NULL, access_handler, s,
                            MHD_OPTION_EXTERNAL_LOGGER, mhd_log, NULL, MHD_OPTION_SOCK_ADDR,
                            (struct sockaddr *)&ss, MHD_OPTION_THREAD_POOL_SIZE,
                            (unsigned)c->threads, MHD_OPTION_CONNECTION_LIMIT,
                            (unsigned)c->conn_limit, MHD_OPTION_CONNECTION_TIMEOUT,
                            (unsigned)c->conn_timeout_s, MHD_OPTION_CONNECTION_MEMORY_LIMIT,
                            (size_t)32 * 1024, MHD_OPTION_LISTENING_ADDRESS_REUSE, 1,
                            MHD_OPTION_LISTEN_BACKLOG_SIZE, 1024, MHD_OPTION_NOTIFY_COMPLETED,
                            completed, s, MHD_OPTION_URI_LOG_CALLBACK, uri_seen, s, MHD_OPTION_END);
    /* Beyond the hashes running and waiting, a few more threads keep the cheap refusals
     * (a taken address, a rate limit, a full hash queue: 503) flowing during a flood. */
    if (s->d) slow_start(c->hash_concurrency + c->hash_queue + 4);
    if (!s->d) {
        if (asprintf(err, "cannot listen on %s:%u (address in use or not permitted)",
                     c->listen_host, c->listen_port) < 0)
            *err = NULL;
        free(s);
        return NULL;
    }
    return s;
}

void gk_server_stop(gk_server *s, unsigned grace_s)
{
    if (!s) return;
    atomic_store(&stopping, true);
    MHD_socket lsock = MHD_quiesce_daemon(s->d); /* stop accepting new connections */
    if (lsock != MHD_INVALID_SOCKET) close(lsock);
    for (unsigned i = 0; i < grace_s * 20 && atomic_load(&s->inflight) > 0; i++)
        usleep(50 * 1000);
    if (atomic_load(&s->inflight) > 0)
        gk_logf("warn", "stopping with %d requests still in flight", atomic_load(&s->inflight));
    slow_stop(); /* finishes what is queued, resuming each connection */
    MHD_stop_daemon(s->d);
    free(s);
}
