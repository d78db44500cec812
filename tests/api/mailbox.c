/* The mail box of the API tests (issue 19): the files scripts/mailsink stores, one message per
 * file, read as responses so scenario steps check them like HTTP answers (see harness.h,
 * ht_mail_wait). */
#include "harness.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

/* Files already handed to a step: each mail is read once. */
static char **taken;
static size_t n_taken;

static bool was_taken(const char *name)
{
    for (size_t i = 0; i < n_taken; i++)
        if (!strcmp(taken[i], name)) return true;
    return false;
}

static void take(const char *name)
{
    char **t = realloc(taken, (n_taken + 1) * sizeof *t);
    if (!t) return;
    taken = t;
    taken[n_taken] = strdup(name);
    if (taken[n_taken]) n_taken++;
}

static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    size_t cap = 4096, n = 0;
    char *p = malloc(cap);
    size_t k;
    while (p && (k = fread(p + n, 1, cap - n - 1, f)) > 0) {
        n += k;
        if (n + 1 >= cap) {
            char *q = realloc(p, cap * 2);
            if (!q) {
                free(p);
                p = NULL;
                break;
            }
            p = q;
            cap *= 2;
        }
    }
    fclose(f);
    if (p) p[n] = '\0';
    *len = n;
    return p;
}

/* The value of header `name` in the header block of msg (unfolded, malloc'd) or NULL. */
static char *header_of(const char *msg, const char *name)
{
    size_t nl = strlen(name);
    const char *end = strstr(msg, "\r\n\r\n");
    for (const char *p = msg; p && (!end || p < end);) {
        if (!strncasecmp(p, name, nl) && p[nl] == ':') {
            const char *v = p + nl + 1;
            while (*v == ' ')
                v++;
            size_t cap = strlen(v) + 1, o = 0;
            char *out = malloc(cap);
            if (!out) return NULL;
            for (const char *q = v; *q; q++) {
                if (q[0] == '\r' && q[1] == '\n') {
                    if (q[2] == ' ' || q[2] == '\t') {
                        q += 1; /* folded: keep the white space of the next line */
                        continue;
                    }
                    break;
                }
                out[o++] = *q;
            }
            out[o] = '\0';
            return out;
        }
        p = strstr(p, "\r\n");
        if (p) p += 2;
    }
    return NULL;
}

static int b64_value(char c)
{
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '+') return 62;
    if (c == '/') return 63;
    return -1;
}

/* Base64 text (line breaks ignored) up to `end`, decoded and appended to out. */
static void b64_decode_append(const char *p, const char *end, char **out, size_t *len)
{
    unsigned acc = 0;
    int bits = 0;
    char *o = realloc(*out, *len + (size_t)(end - p) + 1);
    if (!o) return;
    *out = o;
    for (; p < end; p++) {
        int v = b64_value(*p);
        if (v < 0) continue;
        acc = (acc << 6) | (unsigned)v;
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            o[(*len)++] = (char)((acc >> bits) & 0xFF);
        }
    }
    o[*len] = '\0';
}

/* The response of one message: headers parsed, body = the raw header block, a blank line,
 * then every base64 part decoded in order (text, then HTML). */
static void to_response(const char *msg, ht_response *out)
{
    const char *end = strstr(msg, "\r\n\r\n");
    size_t hl = end ? (size_t)(end - msg) : strlen(msg);
    char *body = malloc(hl + 3);
    size_t len = 0;
    if (!body) return;
    memcpy(body, msg, hl);
    memcpy(body + hl, "\n\n", 3);
    len = hl + 2;
    static const char marker[] = "Content-Transfer-Encoding: base64\r\n\r\n";
    for (const char *p = end ? strstr(end, marker) : NULL; p; p = strstr(p, marker)) {
        p += sizeof marker - 1;
        const char *stop = strstr(p, "\r\n--");
        if (!stop) stop = p + strlen(p);
        b64_decode_append(p, stop, &body, &len);
        p = stop;
    }
    out->body = body;
    out->body_len = len;
    static const char *const names[] = {"Subject",
                                        "From",
                                        "To",
                                        "Date",
                                        "Message-ID",
                                        "X-Giteki-Kind",
                                        "List-Unsubscribe",
                                        "List-Unsubscribe-Post",
                                        "Content-Type"};
    size_t n = sizeof names / sizeof *names;
    out->headers = calloc(n, sizeof *out->headers);
    for (size_t i = 0; out->headers && i < n; i++) {
        char *v = header_of(msg, names[i]);
        if (!v) continue;
        out->headers[out->n_headers].name = strdup(names[i]);
        out->headers[out->n_headers].value = v;
        out->n_headers++;
    }
}

/* Whether the message was delivered to `to` (an X-Mailsink-Rcpt line names it) and, when kind
 * is given, is of that kind. */
static bool addressed(const char *msg, const char *to, const char *kind)
{
    char line[400];
    snprintf(line, sizeof line, "X-Mailsink-Rcpt: %s\r\n", to);
    bool found = false;
    for (const char *p = msg; !strncmp(p, "X-Mailsink-Rcpt: ", 17); p = strstr(p, "\r\n") + 2) {
        if (!strncasecmp(p, line, strlen(line))) found = true;
        if (!strstr(p, "\r\n")) break;
    }
    if (!found || !kind || !*kind) return found;
    char *k = header_of(msg, "X-Giteki-Kind");
    bool same = k && !strcmp(k, kind);
    free(k);
    return same;
}

static int by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The oldest mail not read yet to `to` (of `kind`), or NULL. */
static char *find(const char *dir, const char *to, const char *kind, char **name_out)
{
    DIR *d = opendir(dir);
    if (!d) return NULL;
    char **names = NULL;
    size_t n = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (e->d_name[0] == '.' || !strstr(e->d_name, ".eml") || was_taken(e->d_name)) continue;
        char **t = realloc(names, (n + 1) * sizeof *t);
        if (!t) break;
        names = t;
        names[n] = strdup(e->d_name);
        if (names[n]) n++;
    }
    closedir(d);
    qsort(names, n, sizeof *names, by_name);
    char *hit = NULL;
    for (size_t i = 0; i < n; i++) {
        if (!hit) {
            char path[4096];
            size_t len = 0;
            snprintf(path, sizeof path, "%s/%s", dir, names[i]);
            char *msg = slurp(path, &len);
            if (msg && addressed(msg, to, kind)) {
                hit = msg;
                *name_out = strdup(names[i]);
            } else
                free(msg);
        }
        free(names[i]);
    }
    free(names);
    return hit;
}

int ht_mail_wait(const char *dir, const char *to, const char *kind, double timeout_s,
                 ht_response *out)
{
    memset(out, 0, sizeof *out);
    if (!dir) {
        out->curl_error = strdup("no mail folder: give api_tests --mail-dir (scripts/test does)");
        return -1;
    }
    struct timespec t0, now;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    for (;;) {
        char *name = NULL;
        char *msg = find(dir, to, kind, &name);
        if (msg) {
            take(name);
            free(name);
            out->status = 200;
            to_response(msg, out);
            free(msg);
            return 0;
        }
        clock_gettime(CLOCK_MONOTONIC, &now);
        double waited = (double)(now.tv_sec - t0.tv_sec) + (now.tv_nsec - t0.tv_nsec) / 1e9;
        if (waited >= timeout_s) break;
        struct timespec pause = {0, 50 * 1000 * 1000};
        nanosleep(&pause, NULL);
    }
    out->status = 404;
    out->body = strdup("");
    return 0;
}
