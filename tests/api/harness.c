/* The API test harness: HTTP client (libcurl), JSON paths, variables, the step runner. */
#include "harness.h"
#include "harness_ext.h"

#include <ctype.h>
#include <curl/curl.h>
#include <fnmatch.h>
#include <regex.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* ---- A growable byte buffer ------------------------------------------------------------ */

typedef struct {
    char *p;
    size_t len, cap;
    bool oom; /* an allocation failed: the content is incomplete */
} buf;

static void buf_add(buf *b, const char *s, size_t n)
{
    if (b->oom) return;
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 256;
        while (cap < b->len + n + 1)
            cap *= 2;
        char *p = realloc(b->p, cap);
        if (!p) {
            b->oom = true;
            return;
        }
        b->p = p;
        b->cap = cap;
    }
    memcpy(b->p + b->len, s, n);
    b->len += n;
    b->p[b->len] = '\0';
}

static void buf_str(buf *b, const char *s)
{
    buf_add(b, s, strlen(s));
}

__attribute__((format(printf, 2, 3))) static void buf_fmt(buf *b, const char *fmt, ...)
{
    char small[512];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(small, sizeof small, fmt, ap);
    va_end(ap);
    if (n < 0) return;
    if ((size_t)n < sizeof small) {
        buf_add(b, small, (size_t)n);
        return;
    }
    char *big = malloc((size_t)n + 1);
    if (!big) {
        b->oom = true;
        return;
    }
    va_start(ap, fmt);
    vsnprintf(big, (size_t)n + 1, fmt, ap);
    va_end(ap);
    buf_add(b, big, (size_t)n);
    free(big);
}

/* Take the buffer's string (never NULL: "" when empty); the buffer is left empty. */
static char *buf_take(buf *b)
{
    char *p = b->p ? b->p : strdup("");
    *b = (buf){0};
    return p;
}

/* ---- Responses ------------------------------------------------------------------------- */

static void headers_clear(ht_response *r)
{
    for (size_t i = 0; i < r->n_headers; i++) {
        free(r->headers[i].name);
        free(r->headers[i].value);
    }
    free(r->headers);
    r->headers = NULL;
    r->n_headers = 0;
}

void ht_response_free(ht_response *r)
{
    if (!r) return;
    headers_clear(r);
    free(r->curl_error);
    free(r->body);
    free(r->json_error);
    json_decref(r->json);
    *r = (ht_response){0};
}

const char *ht_response_header(const ht_response *r, const char *name)
{
    for (size_t i = 0; i < r->n_headers; i++)
        if (strcasecmp(r->headers[i].name, name) == 0) return r->headers[i].value;
    return NULL;
}

/* The media type of a Content-Type value, lower-cased, without parameters. Caller frees. */
static char *media_type(const char *content_type)
{
    if (!content_type) return NULL;
    size_t n = strcspn(content_type, ";");
    while (n > 0 && isspace((unsigned char)content_type[n - 1]))
        n--;
    char *m = strndup(content_type, n);
    if (m)
        for (char *p = m; *p; p++)
            *p = (char)tolower((unsigned char)*p);
    return m;
}

static bool media_is_json(const char *media)
{
    if (!media) return false;
    size_t n = strlen(media);
    return strcmp(media, "application/json") == 0 || (n > 5 && strcmp(media + n - 5, "+json") == 0);
}

/* ---- The client ------------------------------------------------------------------------ */

typedef struct {
    char *name;
    CURL *curl; /* keeps this actor's cookies and its connection */
    char *csrf; /* the last csrf_token this actor received, or NULL */
} actor;

struct ht_client {
    char *base_url;
    actor *actors;
    size_t n_actors;
};

ht_client *ht_client_new(const char *base_url)
{
    ht_client *c = calloc(1, sizeof *c);
    if (!c) return NULL;
    size_t n = strlen(base_url);
    while (n > 0 && base_url[n - 1] == '/')
        n--;
    c->base_url = strndup(base_url, n);
    if (!c->base_url) {
        free(c);
        return NULL;
    }
    return c;
}

void ht_client_reset(ht_client *c)
{
    for (size_t i = 0; i < c->n_actors; i++) {
        curl_easy_cleanup(c->actors[i].curl);
        free(c->actors[i].name);
        free(c->actors[i].csrf);
    }
    free(c->actors);
    c->actors = NULL;
    c->n_actors = 0;
}

void ht_client_free(ht_client *c)
{
    if (!c) return;
    ht_client_reset(c);
    free(c->base_url);
    free(c);
}

static actor *actor_get(ht_client *c, const char *name)
{
    for (size_t i = 0; i < c->n_actors; i++)
        if (strcmp(c->actors[i].name, name) == 0) return &c->actors[i];
    actor *grown = realloc(c->actors, (c->n_actors + 1) * sizeof *grown);
    if (!grown) return NULL;
    c->actors = grown;
    actor *a = &c->actors[c->n_actors];
    *a = (actor){.name = strdup(name), .curl = curl_easy_init()};
    if (!a->name || !a->curl) {
        free(a->name);
        if (a->curl) curl_easy_cleanup(a->curl);
        return NULL;
    }
    curl_easy_setopt(a->curl, CURLOPT_COOKIEFILE, ""); /* the actor's in-memory cookie jar */
    /* An actor named "<who>@127.0.0.N" connects from that loopback address, so throttling
     * per client address can be seen with two addresses. */
    const char *at = strrchr(name, '@');
    if (at && !strncmp(at + 1, "127.", 4)) {
        char iface[64];
        snprintf(iface, sizeof iface, "host!%s", at + 1);
        curl_easy_setopt(a->curl, CURLOPT_INTERFACE, iface);
    }
    c->n_actors++;
    return a;
}

typedef struct {
    ht_response *r;
    buf body;
    bool oom;
} transfer;

static size_t on_body(char *data, size_t size, size_t n, void *userdata)
{
    transfer *t = userdata;
    buf_add(&t->body, data, size * n);
    return t->body.oom ? 0 : size * n;
}

static size_t on_header(char *data, size_t size, size_t n, void *userdata)
{
    transfer *t = userdata;
    size_t len = size * n;
    if (len >= 5 && strncmp(data, "HTTP/", 5) == 0) {
        headers_clear(t->r); /* a new response (after 100 Continue): only the last counts */
        return len;
    }
    const char *colon = memchr(data, ':', len);
    if (!colon) return len;
    const char *v = colon + 1, *end = data + len;
    while (v < end && (*v == ' ' || *v == '\t'))
        v++;
    while (end > v && (end[-1] == '\r' || end[-1] == '\n' || end[-1] == ' '))
        end--;
    ht_header *grown = realloc(t->r->headers, (t->r->n_headers + 1) * sizeof *grown);
    if (!grown) {
        t->oom = true;
        return 0;
    }
    t->r->headers = grown;
    ht_header *h = &grown[t->r->n_headers];
    h->name = strndup(data, (size_t)(colon - data));
    h->value = strndup(v, (size_t)(end - v));
    if (!h->name || !h->value) {
        free(h->name);
        free(h->value);
        t->oom = true;
        return 0;
    }
    t->r->n_headers++;
    return len;
}

typedef struct {
    const char *p;
    size_t len, off;
} upload;

static size_t on_read(char *dest, size_t size, size_t n, void *userdata)
{
    upload *u = userdata;
    size_t room = size * n, left = u->len - u->off;
    size_t k = left < room ? left : room;
    if (k > 16384) k = 16384; /* small pieces: the server may answer before the end */
    memcpy(dest, u->p + u->off, k);
    u->off += k;
    return k;
}

/* curl rewinds the body when it must send it again on a fresh connection. */
static int on_seek(void *userdata, curl_off_t offset, int origin)
{
    upload *u = userdata;
    if (origin != SEEK_SET || offset < 0 || (size_t)offset > u->len) return CURL_SEEKFUNC_FAIL;
    u->off = (size_t)offset;
    return CURL_SEEKFUNC_OK;
}

static bool is_unsafe(const char *method)
{
    return strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0 &&
           strcmp(method, "OPTIONS") != 0;
}

static bool has_header(const char *const *headers, const char *name)
{
    size_t n = strlen(name);
    for (size_t i = 0; headers && headers[i]; i++)
        if (strncasecmp(headers[i], name, n) == 0 && headers[i][n] == ':') return true;
    return false;
}

/* The request headers for curl: ours, the content type, CSRF, and the send mode's. */
static struct curl_slist *request_headers(const actor *a, const ht_request *req, bool *oom)
{
    struct curl_slist *list = NULL, *next;
    char line[512];
#define ADD(s)                                                                                     \
    do {                                                                                           \
        next = curl_slist_append(list, s);                                                         \
        if (!next) {                                                                               \
            *oom = true;                                                                           \
            return list;                                                                           \
        }                                                                                          \
        list = next;                                                                               \
    } while (0)
    for (size_t i = 0; req->headers && req->headers[i]; i++)
        ADD(req->headers[i]);
    if (req->content_type) {
        snprintf(line, sizeof line, "Content-Type: %s", req->content_type);
        ADD(line);
    } else {
        ADD("Content-Type:"); /* curl would add form-urlencoded to a POST: send none */
    }
    if (a->csrf && is_unsafe(req->method) && !has_header(req->headers, "X-CSRF-Token")) {
        snprintf(line, sizeof line, "X-CSRF-Token: %s", a->csrf);
        ADD(line);
    }
    if (req->send == HT_SEND_EXPECT_100 && !has_header(req->headers, "Expect"))
        ADD("Expect: 100-continue");
    else if (!has_header(req->headers, "Expect"))
        ADD("Expect:"); /* never wait for 100 Continue unless asked */
    if (req->send == HT_SEND_CHUNKED) ADD("Transfer-Encoding: chunked");
#undef ADD
    return list;
}

/* Undo what the previous request of this handle set. Not curl_easy_reset: in libcurl 7.88 it
 * leaks the pending cookie-file setting, and we would have to turn the jar on again. */
static void reset_options(CURL *curl)
{
    curl_easy_setopt(curl, CURLOPT_POSTFIELDS, NULL);
    curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)-1);
    curl_easy_setopt(curl, CURLOPT_READFUNCTION, NULL);
    curl_easy_setopt(curl, CURLOPT_READDATA, NULL);
    curl_easy_setopt(curl, CURLOPT_SEEKFUNCTION, NULL);
    curl_easy_setopt(curl, CURLOPT_SEEKDATA, NULL);
    curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, NULL);
    curl_easy_setopt(curl, CURLOPT_HTTPGET, 1L); /* method GET, no upload, NOBODY off */
}

static void set_method_and_body(CURL *curl, const ht_request *req, upload *up)
{
    const char *m = req->method;
    if (strcmp(m, "HEAD") == 0) {
        curl_easy_setopt(curl, CURLOPT_NOBODY, 1L);
    } else if (req->body && req->send != HT_SEND_NORMAL) {
        *up = (upload){req->body, req->body_len, 0};
        curl_easy_setopt(curl, CURLOPT_POST, 1L);
        curl_easy_setopt(curl, CURLOPT_READFUNCTION, on_read);
        curl_easy_setopt(curl, CURLOPT_READDATA, up);
        curl_easy_setopt(curl, CURLOPT_SEEKFUNCTION, on_seek);
        curl_easy_setopt(curl, CURLOPT_SEEKDATA, up);
        curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE,
                         req->send == HT_SEND_CHUNKED ? (curl_off_t)-1 : (curl_off_t)req->body_len);
    } else if (req->body) {
        curl_easy_setopt(curl, CURLOPT_POSTFIELDS, req->body);
        curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)req->body_len);
    } else if (strcmp(m, "GET") != 0) {
        /* a bodiless POST/PUT/... must still say Content-Length: 0 */
        curl_easy_setopt(curl, CURLOPT_POSTFIELDS, "");
        curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)0);
    }
    if (strcmp(m, "GET") != 0 && strcmp(m, "HEAD") != 0 && strcmp(m, "POST") != 0)
        curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, m);
}

/* ---- The record of exchanges (ht_record_to) --------------------------------------------- */

static FILE *record_file;

int ht_record_to(const char *path)
{
    if (record_file) fclose(record_file);
    record_file = fopen(path, "w");
    return record_file ? 0 : -1;
}

/* One line per exchange. A body that is not JSON is recorded by its length only: the contract
 * checks its status and media type. */
static void record(const char *actor_name, const ht_request *req, const ht_response *out)
{
    if (!record_file || out->status <= 0) return;
    char *media = media_type(ht_response_header(out, "Content-Type"));
    json_t *line =
        json_pack("{s:s, s:s, s:s, s:I, s:s?, s:I, s:b}", "actor", actor_name, "method",
                  req->method, "path", req->path, "status", (json_int_t)out->status, "type", media,
                  "length", (json_int_t)out->body_len, "json_ok", out->json != NULL);
    if (line && out->json) json_object_set(line, "body", out->json);
    if (line && req->content_type)
        json_object_set_new(line, "request_type", json_string(req->content_type));
    if (line) {
        json_dumpf(line, record_file, JSON_COMPACT);
        fputc('\n', record_file);
        fflush(record_file);
    }
    json_decref(line);
    free(media);
}

/* Parse a JSON-typed body; remember a csrf_token for the actor's later unsafe requests. */
static void parse_body(actor *a, ht_response *out)
{
    char *media = media_type(ht_response_header(out, "Content-Type"));
    if (media_is_json(media) && out->body_len > 0) {
        json_error_t err;
        out->json = json_loadb(out->body, out->body_len, JSON_DECODE_ANY, &err);
        if (!out->json) {
            buf b = {0};
            buf_fmt(&b, "line %d column %d: %s", err.line, err.column, err.text);
            out->json_error = buf_take(&b);
        }
    }
    /* A page's form token, as a browser's form would send it (the pre-session of anonymous
     * forms, issue 18 item 5, or the session's). */
    static const char form_token[] = "name=\"csrf_token\" value=\"";
    char *html_token = NULL;
    if (media && !strcmp(media, "text/html") && out->body) {
        const char *at = strstr(out->body, form_token);
        const char *end = at ? strchr(at + sizeof form_token - 1, '"') : NULL;
        if (end)
            html_token =
                strndup(at + sizeof form_token - 1, (size_t)(end - (at + sizeof form_token - 1)));
    }
    free(media);
    if (html_token) {
        free(a->csrf);
        a->csrf = html_token;
    }
    const char *token = json_string_value(json_object_get(out->json, "csrf_token"));
    if (token) {
        char *copy = strdup(token);
        if (copy) {
            free(a->csrf);
            a->csrf = copy;
        }
    }
}

int ht_send(ht_client *c, const char *actor_name, const ht_request *req, ht_response *out)
{
    *out = (ht_response){0};
    actor *a = actor_get(c, actor_name ? actor_name : "anon");
    if (!a) {
        out->curl_error = strdup("out of memory");
        return -1;
    }
    CURL *curl = a->curl;
    reset_options(curl);
    buf url = {0};
    buf_str(&url, c->base_url);
    buf_str(&url, req->path);
    bool oom = url.oom;
    struct curl_slist *headers = request_headers(a, req, &oom);
    transfer t = {.r = out};
    upload up = {0};
    if (!oom) {
        curl_easy_setopt(curl, CURLOPT_URL, url.p);
        curl_easy_setopt(curl, CURLOPT_PATH_AS_IS, 1L);
        curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
        curl_easy_setopt(curl, CURLOPT_TIMEOUT, 30L);
        curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT, 5L);
        curl_easy_setopt(curl, CURLOPT_EXPECT_100_TIMEOUT_MS, 5000L);
        curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
        curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, on_body);
        curl_easy_setopt(curl, CURLOPT_WRITEDATA, &t);
        curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, on_header);
        curl_easy_setopt(curl, CURLOPT_HEADERDATA, &t);
        set_method_and_body(curl, req, &up);
        CURLcode rc = curl_easy_perform(curl);
        curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &out->status);
        /* A server may answer (413) and close before the upload ends: a status still counts. */
        if (rc != CURLE_OK) out->curl_error = strdup(curl_easy_strerror(rc));
    } else {
        out->curl_error = strdup("out of memory");
    }
    curl_slist_free_all(headers);
    free(url.p);
    if (t.oom || t.body.oom) {
        free(out->curl_error);
        out->curl_error = strdup("out of memory while receiving");
    }
    out->body_len = t.body.len;
    out->body = buf_take(&t.body);
    parse_body(a, out);
    record(a->name, req, out);
    htx_observe(req, out); /* secrets on the wire, searched for in the server log later */
    return out->status > 0 ? 0 : -1;
}

/* ---- JSON paths ------------------------------------------------------------------------ */

/* Calls visit(value) for every value the path reaches, stopping when visit returns true.
 * Returns whether some visit returned true. A malformed path reaches nothing. */
typedef bool (*visit_fn)(json_t *v, void *ctx);

static bool path_walk(json_t *v, const char *path, visit_fn visit, void *ctx)
{
    if (!v) return false;
    if (*path == '.') path++;
    if (*path == '\0') return visit(v, ctx);
    if (*path == '[') {
        const char *close = strchr(path, ']');
        if (!close) return false;
        if (close == path + 1) { /* [] : any element */
            size_t i;
            json_t *e;
            if (!json_is_array(v)) return false;
            json_array_foreach(v, i, e) if (path_walk(e, close + 1, visit, ctx)) return true;
            return false;
        }
        char *end;
        long idx = strtol(path + 1, &end, 10);
        if (end != close || idx < 0) return false;
        return path_walk(json_array_get(v, (size_t)idx), close + 1, visit, ctx);
    }
    size_t n = strcspn(path, ".[");
    char key[128];
    if (n == 0 || n >= sizeof key) return false;
    memcpy(key, path, n);
    key[n] = '\0';
    return path_walk(json_object_get(v, key), path + n, visit, ctx);
}

static bool visit_first(json_t *v, void *ctx)
{
    *(json_t **)ctx = v;
    return true;
}

static json_t *path_first(json_t *root, const char *path)
{
    json_t *found = NULL;
    path_walk(root, path, visit_first, &found);
    return found;
}

/* ---- Variables ------------------------------------------------------------------------- */

#define MAX_VARS 32

typedef struct {
    char *name[MAX_VARS];
    char *value[MAX_VARS];
    size_t n;
} vars;

static void vars_clear(vars *vs)
{
    for (size_t i = 0; i < vs->n; i++) {
        free(vs->name[i]);
        free(vs->value[i]);
    }
    vs->n = 0;
}

static const char *vars_get(const vars *vs, const char *name, size_t len)
{
    for (size_t i = 0; i < vs->n; i++)
        if (strlen(vs->name[i]) == len && strncmp(vs->name[i], name, len) == 0) return vs->value[i];
    return NULL;
}

static bool vars_set(vars *vs, const char *name, const char *value)
{
    char *v = strdup(value);
    if (!v) return false;
    for (size_t i = 0; i < vs->n; i++)
        if (strcmp(vs->name[i], name) == 0) {
            free(vs->value[i]);
            vs->value[i] = v;
            return true;
        }
    char *n = vs->n < MAX_VARS ? strdup(name) : NULL;
    if (!n) {
        free(v);
        return false;
    }
    vs->name[vs->n] = n;
    vs->value[vs->n++] = v;
    return true;
}

/* Replace every {{name}} in s. Returns a malloc'd string, or NULL with *err set (malloc'd)
 * for an unknown variable. NULL s gives NULL without error. */
static char *expand(const vars *vs, const char *s, char **err)
{
    if (!s) return NULL;
    buf b = {0};
    const char *p = s;
    for (;;) {
        const char *open = strstr(p, "{{");
        const char *close = open ? strstr(open + 2, "}}") : NULL;
        if (!close) break;
        buf_add(&b, p, (size_t)(open - p));
        const char *value = vars_get(vs, open + 2, (size_t)(close - open - 2));
        if (!value) {
            buf e = {0};
            buf_fmt(&e, "unknown variable {{%.*s}} (capture it in an earlier step)",
                    (int)(close - open - 2), open + 2);
            *err = buf_take(&e);
            free(b.p);
            return NULL;
        }
        buf_str(&b, value);
        p = close + 2;
    }
    buf_str(&b, p);
    if (b.oom) {
        free(b.p);
        *err = strdup("out of memory");
        return NULL;
    }
    return buf_take(&b);
}

/* ---- Checking one response ------------------------------------------------------------- */

typedef struct {
    const char *method;
    const ht_response *r;
    buf problems; /* one "- ..." line per failed expectation */
    unsigned n_problems;
} verdict;

__attribute__((format(printf, 2, 3))) static void fail(verdict *v, const char *fmt, ...)
{
    char line[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    buf_fmt(&v->problems, "    - %s\n", line);
    v->n_problems++;
}

/* A short rendering of a JSON value for messages. Caller frees. */
static char *dump(const json_t *j)
{
    if (!j) return strdup("(nothing at that path)");
    char *s = json_dumps(j, JSON_COMPACT | JSON_ENCODE_ANY);
    if (s && strlen(s) > 300) {
        size_t cut = 297;
        while (cut > 0 && ((unsigned char)s[cut] & 0xC0) == 0x80)
            cut--; /* whole characters */
        strcpy(s + cut, "...");
    }
    return s ? s : strdup("?");
}

static const char *type_name(const json_t *j)
{
    switch (json_typeof(j)) {
    case JSON_OBJECT:
        return "object";
    case JSON_ARRAY:
        return "array";
    case JSON_STRING:
        return "string";
    case JSON_INTEGER:
        return "integer";
    case JSON_REAL:
        return "number";
    case JSON_TRUE:
    case JSON_FALSE:
        return "boolean";
    case JSON_NULL:
        return "null";
    }
    return "?";
}

typedef struct {
    const ht_check *chk;
    json_t *expected; /* parsed b, when b is JSON */
    const char *key, *key2;
    json_t *key_value, *key2_value;
} pred_ctx;

static bool pred_eq(json_t *v, void *ctx)
{
    return json_equal(v, ((pred_ctx *)ctx)->expected);
}

static bool pred_str(json_t *v, void *ctx)
{
    return json_is_string(v) && strcmp(json_string_value(v), ((pred_ctx *)ctx)->chk->b) == 0;
}

static bool pred_any(json_t *v, void *ctx)
{
    return true;
}

static bool pred_type(json_t *v, void *ctx)
{
    const char *want = ((pred_ctx *)ctx)->chk->b;
    return strcmp(type_name(v), want) == 0 || (strcmp(want, "number") == 0 && json_is_number(v));
}

static bool pred_len(json_t *v, void *ctx)
{
    size_t n = json_is_array(v)    ? json_array_size(v)
               : json_is_object(v) ? json_object_size(v)
               : json_is_string(v) ? json_string_length(v)
                                   : SIZE_MAX;
    return n != SIZE_MAX && n == strtoul(((pred_ctx *)ctx)->chk->b, NULL, 10);
}

static bool pred_has(json_t *v, void *ctx)
{
    size_t i;
    json_t *e;
    if (!json_is_array(v)) return false;
    json_array_foreach(v, i, e) if (json_equal(e, ((pred_ctx *)ctx)->expected)) return true;
    return false;
}

static bool pred_find(json_t *v, void *ctx)
{
    pred_ctx *p = ctx;
    size_t i;
    json_t *e;
    if (!json_is_array(v)) return false;
    json_array_foreach(v, i, e)
    {
        if (!json_equal(json_object_get(e, p->key), p->key_value)) continue;
        if (!p->key2) return true;
        json_t *other = json_object_get(e, p->key2);
        if (other && (!p->key2_value || json_equal(other, p->key2_value))) return true;
    }
    return false;
}

/* Split "key=JSON" into key (a copy in out_key) and the parsed JSON (NULL when no '=').
 * Returns false when the JSON part does not parse. */
static bool split_key_json(const char *s, char *out_key, size_t key_size, json_t **value)
{
    const char *eq = strchr(s, '=');
    size_t n = eq ? (size_t)(eq - s) : strlen(s);
    if (n >= key_size) return false;
    memcpy(out_key, s, n);
    out_key[n] = '\0';
    *value = NULL;
    if (!eq) return true;
    *value = json_loads(eq + 1, JSON_DECODE_ANY, NULL);
    return *value != NULL;
}

/* For messages about HT_JSON_FIND: each element reduced to the keys the check looks at. */
static json_t *project(json_t *array, const char *key, const char *key2)
{
    size_t i;
    json_t *e, *out = json_is_array(array) ? json_array() : NULL;
    json_array_foreach(array, i, e)
    {
        json_t *o = json_object();
        if (!o) break;
        json_t *v = json_object_get(e, key), *v2 = key2 ? json_object_get(e, key2) : NULL;
        if (v) json_object_set(o, key, v);
        if (v2) json_object_set(o, key2, v2);
        json_array_append_new(out, o);
    }
    return out;
}

static const char *kind_name(ht_check_kind k)
{
    static const char *const names[] = {
        [HT_JSON_EQ] = "equals",       [HT_JSON_STR] = "is the string",
        [HT_JSON_PRESENT] = "present", [HT_JSON_ABSENT] = "absent",
        [HT_JSON_TYPE] = "has type",   [HT_JSON_LEN] = "has length",
        [HT_JSON_HAS] = "contains",    [HT_JSON_FIND] = "has an element with",
    };
    return k < HT_COUNT(names) && names[k] ? names[k] : "?";
}

static void check_json(verdict *v, const ht_check *chk)
{
    json_t *root = v->r->json;
    pred_ctx p = {.chk = chk};
    visit_fn fn = pred_any;
    char key[128], key2[128];
    bool table_ok = true;
    switch (chk->kind) {
    case HT_JSON_EQ:
    case HT_JSON_HAS:
        p.expected = json_loads(chk->b, JSON_DECODE_ANY, NULL);
        table_ok = p.expected != NULL;
        fn = chk->kind == HT_JSON_EQ ? pred_eq : pred_has;
        break;
    case HT_JSON_STR:
        fn = pred_str;
        break;
    case HT_JSON_TYPE:
        fn = pred_type;
        break;
    case HT_JSON_LEN:
        fn = pred_len;
        break;
    case HT_JSON_FIND:
        table_ok = split_key_json(chk->b, key, sizeof key, &p.key_value) && p.key_value &&
                   (!chk->c || split_key_json(chk->c, key2, sizeof key2, &p.key2_value));
        p.key = key;
        p.key2 = chk->c ? key2 : NULL;
        fn = pred_find;
        break;
    default:
        break;
    }
    if (!table_ok) {
        fail(v, "table error: bad JSON in check %s %s", chk->a, chk->b);
    } else if (!root) {
        fail(v, "json %s: the response has no JSON body", chk->a);
    } else {
        bool held = path_walk(root, chk->a, fn, &p);
        if (chk->kind == HT_JSON_ABSENT) held = !held;
        if (!held) {
            json_t *found = path_first(root, chk->a);
            json_t *shown = chk->kind == HT_JSON_FIND ? project(found, p.key, p.key2) : NULL;
            char *got = dump(shown ? shown : found);
            json_decref(shown);
            const char *q = chk->kind == HT_JSON_STR ? "\"" : "";
            fail(v, "json %s %s%s%s%s%s%s%s: got %s", chk->a, kind_name(chk->kind),
                 chk->b ? " " : "", q, chk->b ? chk->b : "", q, chk->c ? " and " : "",
                 chk->c ? chk->c : "", got);
            free(got);
        }
    }
    json_decref(p.expected);
    json_decref(p.key_value);
    json_decref(p.key2_value);
}

static void check_one(verdict *v, const ht_check *chk)
{
    const ht_response *r = v->r;
    const char *h = chk->kind >= HT_HEADER_EQ && chk->kind <= HT_HEADER_NE
                        ? ht_response_header(r, chk->a)
                        : NULL;
    switch (chk->kind) {
    case HT_HEADER_EQ:
        if (!h || strcmp(h, chk->b) != 0)
            fail(v, "header %s: expected \"%s\", got %s%s%s", chk->a, chk->b, h ? "\"" : "",
                 h ? h : "none", h ? "\"" : "");
        break;
    case HT_HEADER_HAS:
        if (!h || !strstr(h, chk->b))
            fail(v, "header %s: expected to contain \"%s\", got %s%s%s", chk->a, chk->b,
                 h ? "\"" : "", h ? h : "none", h ? "\"" : "");
        break;
    case HT_HEADER_PRESENT:
        if (!h) fail(v, "header %s: expected, but absent", chk->a);
        break;
    case HT_HEADER_ABSENT:
        if (h) fail(v, "header %s: expected absent, got \"%s\"", chk->a, h);
        break;
    case HT_HEADER_NE:
        if (!h || strcmp(h, chk->b) == 0)
            fail(v, "header %s: expected present and not \"%s\", got %s", chk->a, chk->b,
                 h ? h : "none");
        break;
    case HT_BODY_HAS:
        if (!strstr(r->body, chk->a)) fail(v, "body: expected to contain \"%s\"", chk->a);
        break;
    case HT_BODY_LACKS:
        if (strstr(r->body, chk->a)) fail(v, "body: must not contain \"%s\"", chk->a);
        break;
    case HT_BODY_MATCH: {
        regex_t re;
        if (regcomp(&re, chk->a, REG_EXTENDED | REG_NOSUB) != 0) {
            fail(v, "table error: bad regular expression %s", chk->a);
            break;
        }
        if (regexec(&re, r->body, 0, NULL, 0) != 0) fail(v, "body: expected to match /%s/", chk->a);
        regfree(&re);
        break;
    }
    case HT_BODY_EMPTY:
        if (r->body_len) fail(v, "body: expected none, got %zu bytes", r->body_len);
        break;
    default:
        check_json(v, chk);
        break;
    }
}

/* What every giteki response must have. */
static void check_invariants(verdict *v)
{
    const ht_response *r = v->r;
    const char *rid = ht_response_header(r, "X-Request-Id");
    if (!rid || !*rid) fail(v, "header X-Request-Id: expected on every response, absent");
    const char *nosniff = ht_response_header(r, "X-Content-Type-Options");
    if (!nosniff || strcasecmp(nosniff, "nosniff") != 0)
        fail(v, "header X-Content-Type-Options: expected \"nosniff\", got %s",
             nosniff ? nosniff : "none");
    const char *server = ht_response_header(r, "Server");
    if (server && strpbrk(server, "0123456789"))
        fail(v, "header Server: must not reveal a version, got \"%s\"", server);
    const char *powered = ht_response_header(r, "X-Powered-By");
    if (powered) fail(v, "header X-Powered-By: must be absent, got \"%s\"", powered);
    if (r->json_error) fail(v, "body: the Content-Type says JSON but %s", r->json_error);
}

/* RFC 9457 as api.md shapes it: type, title, status (= the HTTP status), detail, code,
 * errors[{field, message}]. */
static void check_problem_shape(verdict *v)
{
    const ht_response *r = v->r;
    char *media = media_type(ht_response_header(r, "Content-Type"));
    if (!media || strcmp(media, "application/problem+json") != 0)
        fail(v, "an error must be application/problem+json, got %s", media ? media : "none");
    free(media);
    json_t *j = r->json;
    if (!json_is_object(j)) {
        fail(v, "problem body: expected a JSON object");
        return;
    }
    static const char *const strings[] = {"type", "title", "code"};
    for (size_t i = 0; i < HT_COUNT(strings); i++)
        if (!json_is_string(json_object_get(j, strings[i])))
            fail(v, "problem body: \"%s\" must be a string", strings[i]);
    json_t *st = json_object_get(j, "status");
    if (!json_is_integer(st) || json_integer_value(st) != r->status)
        fail(v, "problem body: \"status\" must be %ld", r->status);
    json_t *detail = json_object_get(j, "detail");
    if (detail && !json_is_string(detail) && !json_is_null(detail))
        fail(v, "problem body: \"detail\" must be a string");
    json_t *errors = json_object_get(j, "errors"), *e;
    size_t i;
    if (errors && !json_is_array(errors)) fail(v, "problem body: \"errors\" must be an array");
    json_array_foreach(errors, i, e)
    {
        if (!json_is_string(json_object_get(e, "field")) ||
            !json_is_string(json_object_get(e, "message")))
            fail(v, "problem body: errors[%zu] needs string \"field\" and \"message\"", i);
    }
}

static void check_response(verdict *v, const ht_step *s, const ht_check *checks, size_t n)
{
    const ht_response *r = v->r;
    if (r->status != s->expect_status)
        fail(v, "status: expected %ld, got %ld", s->expect_status, r->status);
    if (s->expect_content_type) {
        char *media = media_type(ht_response_header(r, "Content-Type"));
        if (!media || strcmp(media, s->expect_content_type) != 0)
            fail(v, "content type: expected %s, got %s", s->expect_content_type,
                 media ? media : "none");
        free(media);
    }
    if (s->expect_code) {
        const char *code = json_string_value(json_object_get(r->json, "code"));
        if (!code || strcmp(code, s->expect_code) != 0)
            fail(v, "code: expected %s, got %s", s->expect_code, code ? code : "none");
    }
    check_invariants(v);
    /* A page's refusal shown inside its form (issue 20) is HTML when the step says so. */
    bool page = s->expect_content_type && !strcmp(s->expect_content_type, "text/html");
    if (r->status >= 400 && strcmp(v->method, "HEAD") != 0 && !page) check_problem_shape(v);
    for (size_t i = 0; i < n; i++)
        check_one(v, &checks[i]);
}

/* ---- Running steps --------------------------------------------------------------------- */

typedef struct {
    const ht_options *opts;
    ht_client *client;
    vars vars;
    ht_totals *totals;
} runner;

/* Expanded copies of everything in a step that may hold {{var}}. */
typedef struct {
    char *path, *body;
    char *headers[HT_MAX_HEADERS + 1];
    ht_check checks[HT_MAX_CHECKS];
    char *check_b[HT_MAX_CHECKS], *check_c[HT_MAX_CHECKS];
    size_t n_checks;
} expanded;

static void expanded_free(expanded *e)
{
    free(e->path);
    free(e->body);
    for (size_t i = 0; i < HT_MAX_HEADERS; i++)
        free(e->headers[i]);
    for (size_t i = 0; i < e->n_checks; i++) {
        free(e->check_b[i]);
        free(e->check_c[i]);
    }
}

/* Body with padding: the step's body followed by spaces up to pad_to bytes. */
static char *padded(char *body, size_t pad_to, size_t *len)
{
    size_t n = body ? strlen(body) : 0;
    *len = n;
    if (pad_to <= n) return body;
    char *p = realloc(body, pad_to + 1);
    if (!p) {
        free(body);
        return NULL;
    }
    memset(p + n, ' ', pad_to - n);
    p[pad_to] = '\0';
    *len = pad_to;
    return p;
}

/* Path grown by a query parameter to url_pad bytes (for 414). */
static char *url_padded(char *path, size_t url_pad)
{
    size_t n = strlen(path);
    if (url_pad <= n + 6) return path;
    char *p = realloc(path, url_pad + 1);
    if (!p) {
        free(path);
        return NULL;
    }
    memcpy(p + n, strchr(p, '?') ? "&pad=" : "?pad=", 5);
    memset(p + n + 5, 'a', url_pad - n - 5);
    p[url_pad] = '\0';
    return p;
}

/* Path grown by a last segment of 'a's to path_pad bytes (for 414 without a query). */
static char *path_padded(char *path, size_t path_pad)
{
    size_t n = strlen(path);
    if (path_pad <= n + 1) return path;
    char *p = realloc(path, path_pad + 1);
    if (!p) {
        free(path);
        return NULL;
    }
    size_t at = n;
    if (n == 0 || p[n - 1] != '/') p[at++] = '/';
    memset(p + at, 'a', path_pad - at);
    p[path_pad] = '\0';
    return p;
}

static bool expand_step(const vars *vs, const ht_step *s, expanded *e, size_t *body_len, char **err)
{
    *e = (expanded){0};
    e->path = expand(vs, s->path, err);
    if (!e->path) return false;
    if (s->path_pad && !(e->path = path_padded(e->path, s->path_pad))) goto oom;
    if (s->url_pad && !(e->path = url_padded(e->path, s->url_pad))) goto oom;
    if (s->body && !(e->body = expand(vs, s->body, err))) return false;
    if (s->pad_to && !(e->body = padded(e->body, s->pad_to, body_len))) goto oom;
    if (e->body && !s->pad_to) *body_len = strlen(e->body);
    for (size_t i = 0; i < HT_MAX_HEADERS && s->headers[i]; i++)
        if (!(e->headers[i] = expand(vs, s->headers[i], err))) return false;
    for (size_t i = 0; i < HT_MAX_CHECKS && s->checks[i].kind != HT_CHECK_END; i++) {
        e->checks[i] = s->checks[i];
        e->n_checks = i + 1;
        if (s->checks[i].b && !(e->check_b[i] = expand(vs, s->checks[i].b, err))) return false;
        if (s->checks[i].c && !(e->check_c[i] = expand(vs, s->checks[i].c, err))) return false;
        e->checks[i].b = e->check_b[i];
        e->checks[i].c = e->check_c[i];
    }
    return true;
oom:
    *err = strdup("out of memory");
    return false;
}

static void capture(runner *rn, verdict *v, const ht_step *s)
{
    for (size_t i = 0; i < HT_MAX_CAPTURES && s->captures[i].var; i++) {
        const ht_capture *cap = &s->captures[i];
        char num[64];
        const char *value = NULL;
        if (strncmp(cap->from, "json:", 5) == 0) {
            json_t *j = path_first(v->r->json, cap->from + 5);
            if (json_is_string(j)) value = json_string_value(j);
            if (json_is_integer(j)) {
                snprintf(num, sizeof num, "%" JSON_INTEGER_FORMAT, json_integer_value(j));
                value = num;
            }
        } else if (strncmp(cap->from, "header:", 7) == 0) {
            value = ht_response_header(v->r, cap->from + 7);
        } else if (strncmp(cap->from, "re:", 3) == 0 && v->r->body) {
            regex_t re;
            regmatch_t m[2];
            if (regcomp(&re, cap->from + 3, REG_EXTENDED) == 0) {
                if (regexec(&re, v->r->body, 2, m, 0) == 0 && m[1].rm_so >= 0) {
                    int n = (int)(m[1].rm_eo - m[1].rm_so);
                    snprintf(num, sizeof num, "%.*s", n < 63 ? n : 63, v->r->body + m[1].rm_so);
                    value = num;
                }
                regfree(&re);
            }
        }
        if (!value)
            fail(v, "capture %s: nothing (string or integer) at %s", cap->var, cap->from);
        else if (!vars_set(&rn->vars, cap->var, value))
            fail(v, "capture %s: out of memory or too many variables", cap->var);
    }
}

static void print_failure(const char *where, size_t idx, size_t n, const ht_step *s,
                          const char *path, const verdict *v)
{
    const ht_response *r = v->r;
    printf("FAIL %s, step %zu/%zu \"%s\" (actor %s)\n", where, idx + 1, n, s->name ? s->name : "",
           s->actor ? s->actor : "anon");
    printf("    %s %.*s%s\n", s->method, 200, path, strlen(path) > 200 ? "..." : "");
    if (r && r->curl_error) printf("    transfer: %s\n", r->curl_error);
    fputs(v->problems.p ? v->problems.p : "", stdout);
    if (r && r->body_len) {
        int shown = r->body_len > 1500 ? 1500 : (int)r->body_len;
        printf("    body (%zu bytes): %.*s%s\n", r->body_len, shown, r->body,
               r->body_len > 1500 ? "..." : "");
    }
}

/* Run one step; returns whether it passed. */
static bool run_step(runner *rn, const char *where, size_t idx, size_t n, const ht_step *s)
{
    expanded e;
    size_t body_len = 0;
    char *err = NULL;
    ht_response r = {0};
    verdict v = {.method = s->method, .r = &r};
    if (!s->method || !s->path || !s->expect_status) {
        fail(&v, "table error: a step needs method, path and expect_status");
        e = (expanded){0};
    } else if (!expand_step(&rn->vars, s, &e, &body_len, &err)) {
        fail(&v, "%s", err ? err : "expansion failed");
    } else {
        ht_request req = {.method = s->method,
                          .path = e.path,
                          .headers = (const char *const *)e.headers,
                          .body = e.body,
                          .body_len = body_len,
                          .content_type = s->content_type,
                          .send = s->send};
        if (!strcmp(s->method, "SQL")) { /* the test database, not the server */
            char outbuf[4096] = "";
            int rc = rn->opts->database_url
                         ? htx_sql(rn->opts->database_url, e.path, outbuf, sizeof outbuf)
                         : -1;
            r.status = rc == 0 ? 200 : 500;
            r.body = strdup(outbuf);
            r.body_len = r.body ? strlen(r.body) : 0;
            if (r.status != s->expect_status)
                fail(&v, "sql: expected %ld, got %ld (--database-url given?)", s->expect_status,
                     r.status);
            for (size_t i = 0; i < e.n_checks; i++)
                check_one(&v, &e.checks[i]);
            capture(rn, &v, s);
        } else if (!strcmp(s->method, "MAIL")) { /* the mail box, not the server */
            if (ht_mail_wait(rn->opts->mail_dir, e.path, e.body,
                             s->expect_status == 404 ? 2.0 : 15.0, &r) != 0)
                fail(&v, "no mail box: %s", r.curl_error ? r.curl_error : "?");
            else {
                if (r.status != s->expect_status)
                    fail(&v, "mail: expected %ld, got %ld (%s)", s->expect_status, r.status,
                         r.status == 404 ? "no such mail arrived" : "a mail arrived");
                for (size_t i = 0; i < e.n_checks; i++)
                    check_one(&v, &e.checks[i]);
                capture(rn, &v, s);
            }
        } else if (ht_send(rn->client, s->actor, &req, &r) != 0)
            fail(&v, "no response: %s", r.curl_error ? r.curl_error : "?");
        else {
            check_response(&v, s, e.checks, e.n_checks);
            capture(rn, &v, s);
        }
    }
    bool ok = v.n_problems == 0;
    if (!ok)
        print_failure(where, idx, n, s, e.path ? e.path : (s->path ? s->path : "?"), &v);
    else if (rn->opts->verbose)
        printf("  ok %s %.*s -> %ld\n", s->method, 120, e.path, r.status);
    expanded_free(&e);
    free(err);
    free(v.problems.p);
    ht_response_free(&r);
    return ok;
}

static bool matches(const char *pattern, const ht_group *g, const ht_scenario *sc)
{
    char full[256];
    snprintf(full, sizeof full, "%s/%s", g->name, sc->name);
    return fnmatch(pattern, full, 0) == 0 || fnmatch(pattern, sc->name, 0) == 0 ||
           fnmatch(pattern, g->name, 0) == 0;
}

static bool selected(const ht_options *o, const ht_group *g, const ht_scenario *sc)
{
    if (o->skip && matches(o->skip, g, sc)) return false;
    return !o->only || matches(o->only, g, sc);
}

static void run_scenario(runner *rn, const ht_group *g, const ht_scenario *sc)
{
    char where[256];
    snprintf(where, sizeof where, "%s/%s", g->name, sc->name);
    ht_client_reset(rn->client);
    vars_clear(&rn->vars);
    unsigned failed = 0;
    size_t i;
    for (i = 0; i < sc->n_steps && (failed == 0 || sc->independent); i++) {
        rn->totals->steps_run++;
        if (!run_step(rn, where, i, sc->n_steps, &sc->steps[i])) failed++;
    }
    rn->totals->steps_failed += failed;
    rn->totals->steps_skipped += (unsigned)(sc->n_steps - i);
    rn->totals->scenarios_run++;
    if (failed) rn->totals->scenarios_failed++;
    if (!failed)
        printf("ok   %s (%zu steps)\n", where, sc->n_steps);
    else if (sc->independent)
        printf("FAIL %s (%u of %zu steps failed)\n", where, failed, sc->n_steps);
    else
        printf("FAIL %s (stopped at step %zu of %zu)\n", where, i, sc->n_steps);
    fflush(stdout);
}

int ht_run(const ht_options *opts, const ht_group *const *groups, size_t n_groups,
           ht_totals *totals)
{
    *totals = (ht_totals){0};
    if (opts->list) {
        for (size_t g = 0; g < n_groups; g++)
            for (size_t s = 0; s < groups[g]->n_scenarios; s++)
                if (selected(opts, groups[g], &groups[g]->scenarios[s]))
                    printf("%s/%s\n", groups[g]->name, groups[g]->scenarios[s].name);
        return 0;
    }
    runner rn = {.opts = opts, .totals = totals, .client = ht_client_new(opts->base_url)};
    if (!rn.client) {
        fprintf(stderr, "api_tests: out of memory\n");
        return 1;
    }
    for (size_t g = 0; g < n_groups; g++)
        for (size_t s = 0; s < groups[g]->n_scenarios; s++)
            if (selected(opts, groups[g], &groups[g]->scenarios[s]))
                run_scenario(&rn, groups[g], &groups[g]->scenarios[s]);
    vars_clear(&rn.vars);
    ht_client_free(rn.client);
    printf("summary: %u scenarios (%u failed), %u steps run (%u failed), %u skipped after a "
           "failure\n",
           totals->scenarios_run, totals->scenarios_failed, totals->steps_run, totals->steps_failed,
           totals->steps_skipped);
    if (totals->scenarios_run == 0) {
        printf("no scenario matched%s%s\n", opts->only ? " --only " : "",
               opts->only ? opts->only : "");
        return 1;
    }
    return totals->scenarios_failed ? 1 : 0;
}
