#include "web/static_files.h"

#include "http/handlers.h"
#include "app.h"
#include "http/reply.h"

#include <dirent.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

typedef struct {
    char *path;
    char *data;
    size_t len;
    const char *type;
    char etag[24];
} entry;

struct gk_static_files {
    entry *v;
    size_t n, cap;
};

static const struct {
    const char *ext, *type;
} types[] = {
    {".css", "text/css; charset=utf-8"},
    {".js", "text/javascript; charset=utf-8"},
    {".svg", "image/svg+xml"},
    {".png", "image/png"},
    {".ico", "image/x-icon"},
    {".woff2", "font/woff2"},
    {".txt", "text/plain; charset=utf-8"},
    {".json", "application/json"},
    {".xsd", "application/xml"},
};

const char *gk_static_content_type(const char *name)
{
    size_t nl = strlen(name);
    for (size_t i = 0; i < sizeof types / sizeof *types; i++) {
        size_t el = strlen(types[i].ext);
        if (nl > el && strcasecmp(name + nl - el, types[i].ext) == 0) return types[i].type;
    }
    return "application/octet-stream";
}

static int add_file(gk_static_files *s, const char *full, const char *rel)
{
    FILE *f = fopen(full, "rb");
    if (!f) return -1;
    struct stat st;
    if (fstat(fileno(f), &st) || st.st_size > 16 * 1024 * 1024) {
        fclose(f);
        return -1;
    }
    char *data = malloc((size_t)st.st_size + 1);
    size_t got = data ? fread(data, 1, (size_t)st.st_size, f) : 0;
    fclose(f);
    if (!data || got != (size_t)st.st_size) {
        free(data);
        return -1;
    }
    if (s->n == s->cap) {
        size_t nc = s->cap ? s->cap * 2 : 16;
        entry *nv = realloc(s->v, nc * sizeof *nv);
        if (!nv) {
            free(data);
            return -1;
        }
        s->v = nv;
        s->cap = nc;
    }
    entry *e = &s->v[s->n];
    e->path = strdup(rel);
    if (!e->path) {
        free(data);
        return -1;
    }
    e->data = data;
    e->len = got;
    e->type = gk_static_content_type(rel);
    unsigned char md[32];
    unsigned mdlen;
    EVP_Digest(data, got, md, &mdlen, EVP_sha256(), NULL);
    snprintf(e->etag, sizeof e->etag, "\"%02x%02x%02x%02x%02x%02x%02x%02x\"", md[0], md[1], md[2],
             md[3], md[4], md[5], md[6], md[7]);
    s->n++;
    return 0;
}

static int scan(gk_static_files *s, const char *root, const char *rel)
{
    char dirpath[4096];
    snprintf(dirpath, sizeof dirpath, "%s%s%s", root, *rel ? "/" : "", rel);
    DIR *d = opendir(dirpath);
    if (!d) return -1;
    struct dirent *de;
    int rc = 0;
    while (rc == 0 && (de = readdir(d))) {
        if (de->d_name[0] == '.' || !strcmp(de->d_name, "README.md")) continue;
        char r2[2048], full[4096 + 256];
        snprintf(r2, sizeof r2, "%s%s%s", rel, *rel ? "/" : "", de->d_name);
        snprintf(full, sizeof full, "%s/%s", root, r2);
        struct stat st;
        if (stat(full, &st)) continue;
        if (S_ISDIR(st.st_mode))
            rc = scan(s, root, r2);
        else if (S_ISREG(st.st_mode))
            rc = add_file(s, full, r2);
    }
    closedir(d);
    return rc;
}

gk_static_files *gk_static_load(const char *dir, char **err)
{
    gk_static_files *s = calloc(1, sizeof *s);
    if (!s || scan(s, dir, "")) {
        if (asprintf(err, "cannot read the static folder %s", dir) < 0) *err = NULL;
        gk_static_free(s);
        return NULL;
    }
    return s;
}

void gk_static_free(gk_static_files *s)
{
    if (!s) return;
    for (size_t i = 0; i < s->n; i++) {
        free(s->v[i].path);
        free(s->v[i].data);
    }
    free(s->v);
    free(s);
}

const gk_static_file *gk_static_find(const gk_static_files *s, const char *path)
{
    static _Thread_local gk_static_file out;
    for (size_t i = 0; s && i < s->n; i++) {
        if (strcmp(s->v[i].path, path) == 0) {
            out = (gk_static_file){s->v[i].data, s->v[i].len, s->v[i].type, s->v[i].etag};
            return &out;
        }
    }
    return NULL;
}

void gk_h_static(gk_request *r)
{
    const gk_static_file *f = gk_static_find(gk_app.static_files, r->params[0]);
    if (!f) {
        gk_reply_problem(r, GK_ERR_NOT_FOUND, NULL, NULL);
        return;
    }
    const char *inm = gk_req_header(r, MHD_HTTP_HEADER_IF_NONE_MATCH);
    if (inm && strstr(inm, f->etag))
        gk_reply_static(r, 304, NULL, "", 0);
    else
        gk_reply_static(r, 200, f->content_type, f->data, f->len);
    gk_reply_header(r, MHD_HTTP_HEADER_ETAG, f->etag);
    gk_reply_header(r, MHD_HTTP_HEADER_CACHE_CONTROL, "public, max-age=3600");
}
