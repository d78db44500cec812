/* Harness extensions: secrets seen on the wire and their search in the server log, SQL through
 * psql, the procedural checks after the table scenarios. */
#include "harness_ext.h"

#include <ctype.h>
#include <errno.h>
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/wait.h>
#include <unistd.h>

/* ---- The secret store -------------------------------------------------------------------- */

/* Shorter values are not kept: a log line could hold them by chance (and no password of the
 * policy, token or cookie is that short). */
#define MIN_SECRET 8

typedef struct {
    char *value;
    const char *kind; /* "password", "session cookie", "API token", "CSRF token" */
} secret;

static struct {
    secret *items;
    size_t n, cap;
    bool oom;
} store;

static void keep(const char *kind, const char *value, size_t len)
{
    if (!value || len < MIN_SECRET) return;
    for (size_t i = 0; i < store.n; i++)
        if (strlen(store.items[i].value) == len && !memcmp(store.items[i].value, value, len))
            return;
    if (store.n == store.cap) {
        size_t cap = store.cap ? 2 * store.cap : 64;
        secret *grown = realloc(store.items, cap * sizeof *grown);
        if (!grown) {
            store.oom = true;
            return;
        }
        store.items = grown;
        store.cap = cap;
    }
    char *copy = strndup(value, len);
    if (!copy) {
        store.oom = true;
        return;
    }
    store.items[store.n++] = (secret){copy, kind};
}

size_t htx_secret_count(void)
{
    return store.n;
}

/* Strings under keys that name a password, anywhere in a JSON document. */
static void json_passwords(json_t *j)
{
    const char *key;
    json_t *v;
    size_t i;
    if (json_is_object(j)) {
        json_object_foreach(j, key, v)
        {
            if (json_is_string(v) && strstr(key, "password"))
                keep("password", json_string_value(v), json_string_length(v));
            else
                json_passwords(v);
        }
    } else if (json_is_array(j)) {
        json_array_foreach(j, i, v) json_passwords(v);
    }
}

static int hexval(int c)
{
    if (c >= '0' && c <= '9') return c - '0';
    c = tolower(c);
    return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* Password and csrf_token fields of an application/x-www-form-urlencoded body. */
static void form_secrets(const char *body, size_t len)
{
    const char *p = body, *end = body + len;
    while (p < end) {
        const char *amp = memchr(p, '&', (size_t)(end - p));
        const char *stop = amp ? amp : end;
        const char *eq = memchr(p, '=', (size_t)(stop - p));
        if (eq) {
            size_t klen = (size_t)(eq - p);
            bool pw = memmem(p, klen, "password", 8) != NULL;
            bool csrf = klen == 10 && !memcmp(p, "csrf_token", 10);
            if (pw || csrf) {
                size_t vlen = (size_t)(stop - eq - 1), o = 0;
                char *v = malloc(vlen + 1);
                if (!v) {
                    store.oom = true;
                    return;
                }
                for (const char *q = eq + 1; q < stop; q++) {
                    if (*q == '+')
                        v[o++] = ' ';
                    else if (*q == '%' && q + 2 < stop && hexval(q[1]) >= 0 && hexval(q[2]) >= 0) {
                        v[o++] = (char)(hexval(q[1]) * 16 + hexval(q[2]));
                        q += 2;
                    } else
                        v[o++] = *q;
                }
                keep(pw ? "password" : "CSRF token", v, o);
                free(v);
            }
        }
        p = stop + 1;
    }
}

/* The value of cookie `name` in a Cookie or Set-Cookie header value. */
static void cookie_secret(const char *header_value, const char *name)
{
    size_t n = strlen(name);
    for (const char *p = header_value; (p = strstr(p, name)) != NULL; p += n) {
        bool at_start = p == header_value || p[-1] == ' ' || p[-1] == ';';
        if (!at_start || p[n] != '=') continue;
        const char *v = p + n + 1;
        keep("session cookie", v, strcspn(v, "; \t\r\n"));
    }
}

static bool starts_with_ci(const char *s, const char *prefix)
{
    return strncasecmp(s, prefix, strlen(prefix)) == 0;
}

void htx_observe(const ht_request *req, const ht_response *resp)
{
    if (req->body && req->content_type) {
        if (starts_with_ci(req->content_type, "application/json")) {
            json_t *j = json_loadb(req->body, req->body_len, JSON_DECODE_ANY, NULL);
            json_passwords(j);
            json_decref(j);
        } else if (starts_with_ci(req->content_type, "application/x-www-form-urlencoded")) {
            form_secrets(req->body, req->body_len);
        }
    }
    for (size_t i = 0; req->headers && req->headers[i]; i++) {
        const char *h = req->headers[i];
        if (starts_with_ci(h, "Authorization:")) {
            const char *v = h + 14;
            while (*v == ' ')
                v++;
            if (starts_with_ci(v, "Bearer ")) v += 7;
            keep("API token", v, strlen(v));
        } else if (starts_with_ci(h, "Cookie:")) {
            cookie_secret(h + 7, "giteki_session");
        } else if (starts_with_ci(h, "X-CSRF-Token:")) {
            const char *v = h + 13;
            while (*v == ' ')
                v++;
            keep("CSRF token", v, strlen(v));
        }
    }
    if (!resp) return;
    for (size_t i = 0; i < resp->n_headers; i++)
        if (!strcasecmp(resp->headers[i].name, "Set-Cookie"))
            cookie_secret(resp->headers[i].value, "giteki_session");
    if (json_is_object(resp->json)) {
        json_t *t = json_object_get(resp->json, "token");
        if (json_is_string(t)) keep("API token", json_string_value(t), json_string_length(t));
        json_t *c = json_object_get(resp->json, "csrf_token");
        if (json_is_string(c)) keep("CSRF token", json_string_value(c), json_string_length(c));
    }
}

/* ---- The log search -------------------------------------------------------------------- */

static char *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    size_t cap = 1 << 16, n = 0;
    char *p = malloc(cap);
    while (p) {
        size_t got = fread(p + n, 1, cap - n, f);
        n += got;
        if (n < cap) break;
        char *grown = realloc(p, cap * 2);
        if (!grown) {
            free(p);
            p = NULL;
            break;
        }
        p = grown;
        cap *= 2;
    }
    bool err = ferror(f);
    fclose(f);
    if (!p || err) {
        free(p);
        return NULL;
    }
    *len = n;
    return p;
}

/* The forms a value may take in a log line besides itself: JSON-escaped with \uXXXX for
 * non-ASCII (as a JSON log line with ensure_ascii writes it), percent-encoded (as in a logged
 * URL). Malloc'd; NULL when the form is the value itself or memory ran out. */
static char *json_escaped(const char *s)
{
    json_t *j = json_string(s);
    char *d = j ? json_dumps(j, JSON_ENCODE_ANY | JSON_ENSURE_ASCII) : NULL;
    json_decref(j);
    if (!d) return NULL;
    size_t n = strlen(d);
    if (n < 2 || (n - 2 == strlen(s) && !memcmp(d + 1, s, n - 2))) {
        free(d);
        return NULL;
    }
    memmove(d, d + 1, n - 2); /* without the quotes */
    d[n - 2] = '\0';
    return d;
}

static char *percent_encoded(const char *s)
{
    size_t n = strlen(s);
    char *out = malloc(3 * n + 1), *o = out;
    bool changed = false;
    if (!out) return NULL;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (isalnum(*p) || strchr("-._~", *p))
            *o++ = (char)*p;
        else {
            o += sprintf(o, "%%%02X", *p);
            changed = true;
        }
    }
    *o = '\0';
    if (!changed) {
        free(out);
        return NULL;
    }
    return out;
}

static size_t line_of(const char *log, const char *at)
{
    size_t line = 1;
    for (const char *p = log; p < at; p++)
        line += *p == '\n';
    return line;
}

/* A request of our own, then wait until the log shows its request id: every earlier request
 * has been logged by then (each is logged when it completes), and the file is the log of
 * this server. Returns false after 10 s without it. */
static bool log_caught_up(const char *path, const char *base_url)
{
    ht_client *c = base_url ? ht_client_new(base_url) : NULL;
    if (!c) return false;
    ht_request req = {.method = "GET", .path = "/healthz"};
    ht_response r;
    bool seen = false;
    const char *rid =
        ht_send(c, "log-barrier", &req, &r) == 0 ? ht_response_header(&r, "X-Request-Id") : NULL;
    for (int i = 0; rid && rid[0] && i < 200 && !seen; i++) {
        size_t len = 0;
        char *log = read_file(path, &len);
        seen = log && memmem(log, len, rid, strlen(rid)) != NULL;
        free(log);
        if (!seen) usleep(50 * 1000);
    }
    ht_response_free(&r);
    ht_client_free(c);
    return seen;
}

int htx_check_server_log(const char *path, const char *base_url)
{
    size_t len = 0;
    if (!log_caught_up(path, base_url)) {
        printf("FAIL secrets/not-in-server-log: a request's id never showed in %s within 10 s: "
               "not this server's log, or it stopped logging\n",
               path);
        return 1;
    }
    char *log = read_file(path, &len);
    if (!log) {
        printf("FAIL secrets/not-in-server-log: cannot read %s: %s\n", path, strerror(errno));
        return 1;
    }
    size_t lines = 0;
    for (size_t i = 0; i < len; i++)
        lines += log[i] == '\n';
    int rc = 0;
    if (store.oom) {
        printf("FAIL secrets/not-in-server-log: out of memory while collecting secrets\n");
        rc = 1;
    }
    if (len == 0 || lines == 0) {
        printf("FAIL secrets/not-in-server-log: %s is empty: a log that holds nothing proves "
               "nothing\n",
               path);
        rc = 1;
    }
    size_t counts[4] = {0}, found = 0;
    static const char *const kinds[] = {"password", "session cookie", "API token", "CSRF token"};
    for (size_t i = 0; i < store.n; i++) {
        const secret *s = &store.items[i];
        for (size_t k = 0; k < 4; k++)
            counts[k] += !strcmp(s->kind, kinds[k]);
        char *forms[3] = {s->value, json_escaped(s->value), percent_encoded(s->value)};
        for (size_t f = 0; f < 3; f++) {
            if (!forms[f]) continue;
            const char *at = memmem(log, len, forms[f], strlen(forms[f]));
            if (at) {
                if (!found++) printf("FAIL secrets/not-in-server-log\n");
                printf("    a %s (%.6s..., %zu bytes%s) is in %s at line %zu\n", s->kind, s->value,
                       strlen(s->value),
                       f == 0   ? ""
                       : f == 1 ? ", JSON-escaped"
                                : ", percent-encoded",
                       path, line_of(log, at));
                break;
            }
        }
        free(forms[1]);
        free(forms[2]);
    }
    if (found)
        rc = 1;
    else if (!rc)
        printf("ok   secrets/not-in-server-log (%zu passwords, %zu session cookies, %zu API "
               "tokens, %zu CSRF tokens absent from %zu log lines)\n",
               counts[0], counts[1], counts[2], counts[3], lines);
    free(log);
    fflush(stdout);
    return rc;
}

/* ---- SQL through psql ------------------------------------------------------------------ */

int htx_sql(const char *conninfo, const char *sql, char *out, size_t out_size)
{
    if (out_size) out[0] = '\0';
    if (!conninfo) {
        fprintf(stderr, "api_tests: --database-url is needed for this check\n");
        return -1;
    }
    int fds[2];
    if (pipe(fds) != 0) return -1;
    fflush(stdout);
    fflush(stderr);
    pid_t pid = fork();
    if (pid < 0) {
        close(fds[0]);
        close(fds[1]);
        return -1;
    }
    if (pid == 0) {
        dup2(fds[1], STDOUT_FILENO);
        close(fds[0]);
        close(fds[1]);
        /* argv, no shell: the conninfo and the statement are never reparsed */
        execlp("psql", "psql", "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-d", conninfo,
               "-c", sql, (char *)NULL);
        _exit(127);
    }
    close(fds[1]);
    size_t n = 0;
    char sink[256];
    for (;;) {
        char *dst = n + 1 < out_size ? out + n : sink;
        size_t room = n + 1 < out_size ? out_size - 1 - n : sizeof sink;
        ssize_t got = read(fds[0], dst, room);
        if (got < 0 && errno == EINTR) continue;
        if (got <= 0) break;
        if (dst != sink) n += (size_t)got;
    }
    close(fds[0]);
    if (out_size) {
        out[n] = '\0';
        while (n > 0 && (out[n - 1] == '\n' || out[n - 1] == '\r'))
            out[--n] = '\0';
    }
    int status;
    while (waitpid(pid, &status, 0) < 0)
        if (errno != EINTR) return -1;
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        fprintf(stderr, "api_tests: psql failed (%s) on: %s\n",
                WIFEXITED(status) && WEXITSTATUS(status) == 127 ? "psql not found"
                                                                : "see its message above",
                sql);
        return -1;
    }
    return 0;
}

/* ---- After the table scenarios --------------------------------------------------------- */

bool htx_selected(const ht_options *opts, const char *group, const char *name)
{
    if (!opts->only) return true;
    char full[256];
    snprintf(full, sizeof full, "%s/%s", group, name);
    return fnmatch(opts->only, full, 0) == 0 || fnmatch(opts->only, name, 0) == 0 ||
           fnmatch(opts->only, group, 0) == 0;
}

int htx_after_run(const ht_options *opts, ht_totals *totals)
{
    if (opts->list) {
        if (htx_selected(opts, "authz", "route-walk")) printf("authz/route-walk\n");
        if (htx_selected(opts, "authz", "session-idle-expiry"))
            printf("authz/session-idle-expiry\n");
        if (htx_selected(opts, "authz", "session-absolute-expiry"))
            printf("authz/session-absolute-expiry\n");
        return 0;
    }
    int rc = ht_authz_checks(opts, totals) ? 1 : 0;
    if (opts->server_log && totals->scenarios_run) { /* after something ran */
        totals->scenarios_run++;
        if (htx_check_server_log(opts->server_log, opts->base_url)) {
            totals->scenarios_failed++;
            rc = 1;
        }
    }
    return rc;
}
