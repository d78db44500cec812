#include "http/fields.h"

#include "http/reply.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

typedef struct form_pair {
    char *name, *value;
} form_pair;

typedef struct {
    form_pair *v;
    size_t n;
} form_data;

static int hexval(char c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

/* Decode one urlencoded component in place ("+" is a space). Returns false on a bad escape
 * or an embedded NUL. */
static bool url_decode(char *s)
{
    char *w = s;
    for (char *p = s; *p; p++) {
        if (*p == '+') {
            *w++ = ' ';
        } else if (*p == '%') {
            int h = hexval(p[1]), l = h >= 0 ? hexval(p[2]) : -1;
            if (h < 0 || l < 0 || (h == 0 && l == 0)) return false;
            *w++ = (char)(h * 16 + l);
            p += 2;
        } else {
            *w++ = *p;
        }
    }
    *w = 0;
    return true;
}

static form_data *form_parse(gk_request *r)
{
    /* Parsed once per request, kept in the request's arena. */
    if (r->form) return r->form;
    form_data *f = gk_req_alloc(r, sizeof *f);
    if (!f) return NULL;
    f->v = NULL;
    f->n = 0;
    if (r->body && r->body_len) {
        char *copy = gk_req_strdup(r, r->body);
        size_t count = 1;
        for (char *p = copy; p && *p; p++) count += *p == '&';
        f->v = gk_req_alloc(r, count * sizeof *f->v);
        char *save = NULL;
        for (char *tok = copy && f->v ? strtok_r(copy, "&", &save) : NULL; tok;
             tok = strtok_r(NULL, "&", &save)) {
            char *eq = strchr(tok, '=');
            if (eq) *eq = 0;
            char *val = eq ? eq + 1 : tok + strlen(tok);
            if (!url_decode(tok) || !url_decode(val)) continue;
            f->v[f->n].name = tok;
            f->v[f->n].value = val;
            f->n++;
        }
    }
    r->form = f;
    return f;
}

bool gk_req_is_form(gk_request *r)
{
    const char *ct = gk_req_header(r, MHD_HTTP_HEADER_CONTENT_TYPE);
    return ct && strncasecmp(ct, "application/x-www-form-urlencoded", 33) == 0;
}

const char *gk_form_get(gk_request *r, const char *name)
{
    form_data *f = form_parse(r);
    for (size_t i = 0; f && i < f->n; i++)
        if (strcmp(f->v[i].name, name) == 0) return f->v[i].value;
    return NULL;
}

json_t *gk_json_path(json_t *root, const char *path)
{
    json_t *cur = root;
    const char *p = path;
    while (cur && *p) {
        const char *dot = strchr(p, '.');
        size_t len = dot ? (size_t)(dot - p) : strlen(p);
        char key[128];
        if (len >= sizeof key || !json_is_object(cur)) return NULL;
        memcpy(key, p, len);
        key[len] = 0;
        cur = json_object_get(cur, key);
        p += len + (dot ? 1 : 0);
    }
    return cur;
}

static bool utf8_valid(const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    while (*p) {
        unsigned c = *p;
        int n = c < 0x80 ? 0 : (c & 0xE0) == 0xC0 ? 1 : (c & 0xF0) == 0xE0 ? 2
                                : (c & 0xF8) == 0xF0 ? 3 : -1;
        if (n < 0 || (n == 1 && c < 0xC2) || (c == 0xF4 && p[1] > 0x8F) || c > 0xF4) return false;
        if (n == 2 && ((c == 0xE0 && p[1] < 0xA0) || (c == 0xED && p[1] > 0x9F))) return false;
        if (n == 3 && c == 0xF0 && p[1] < 0x90) return false;
        p++;
        for (int i = 0; i < n; i++, p++)
            if ((*p & 0xC0) != 0x80) return false;
    }
    return true;
}

static const char *msg(gk_request *r, const char *en, const char *ja)
{
    return r->lang && strcmp(r->lang, "ja") == 0 ? ja : en;
}

int gk_fields_read(gk_request *r, const gk_field *spec, size_t n, json_t **errors)
{
    bool form = r->json == NULL && gk_req_is_form(r);
    int bad = 0;
    for (size_t i = 0; i < n; i++) {
        const gk_field *f = &spec[i];
        const char *text = NULL;
        json_t *j = NULL;
        if (form) {
            text = gk_form_get(r, f->path);
            if (text && !*text && f->type != GK_F_STRING) text = NULL; /* empty = absent */
        } else {
            j = r->json ? gk_json_path(r->json, f->path) : NULL;
            if (j && json_is_null(j) && f->nullable) j = NULL;
        }
        bool present = form ? text != NULL : j != NULL;
        const char *err = NULL;
        if (!present) {
            if (f->required) err = msg(r, "This field is required", "この項目は必須です");
            if (f->type == GK_F_BOOL) *(int *)f->out = -1;
        } else {
            switch (f->type) {
            case GK_F_STRING:
            case GK_F_ENUM: {
                const char *s = form ? text : json_is_string(j) ? json_string_value(j) : NULL;
                size_t max = f->max_len ? f->max_len : 1000;
                if (!s)
                    err = msg(r, "Must be a string", "文字列で入力してください");
                else if (!utf8_valid(s))
                    err = msg(r, "Must be valid UTF-8 text", "正しいUTF-8の文字列ではありません");
                else if (strlen(s) > max)
                    err = msg(r, "Too long", "長すぎます");
                else if (f->required && !*s)
                    err = msg(r, "This field is required", "この項目は必須です");
                else if (f->type == GK_F_ENUM) {
                    bool ok = false;
                    for (const char *const *c = f->choices; c && *c; c++) ok |= !strcmp(*c, s);
                    if (!ok) err = msg(r, "Not one of the allowed values", "選択肢にない値です");
                }
                if (!err) *(const char **)f->out = s;
                break;
            }
            case GK_F_BOOL:
                if (form) {
                    if (!strcmp(text, "true") || !strcmp(text, "on") || !strcmp(text, "1"))
                        *(int *)f->out = 1;
                    else if (!strcmp(text, "false") || !strcmp(text, "0"))
                        *(int *)f->out = 0;
                    else
                        err = msg(r, "Must be true or false", "true か false を指定してください");
                } else if (json_is_boolean(j)) {
                    *(int *)f->out = json_is_true(j) ? 1 : 0;
                } else {
                    err = msg(r, "Must be true or false", "true か false を指定してください");
                }
                break;
            case GK_F_DATE: {
                const char *s = form ? text : json_is_string(j) ? json_string_value(j) : NULL;
                gk_date d;
                if (!s || !gk_date_parse(s, &d))
                    err = msg(r, "Must be a date YYYY-MM-DD", "日付は YYYY-MM-DD 形式で入力してください");
                else
                    *(gk_date *)f->out = d;
                break;
            }
            case GK_F_INT: {
                long long v = 0;
                bool ok = false;
                if (form) {
                    char *end;
                    errno = 0;
                    v = strtoll(text, &end, 10);
                    ok = !errno && *text && !*end;
                } else if (json_is_integer(j)) {
                    v = json_integer_value(j);
                    ok = true;
                }
                if (ok)
                    *(long long *)f->out = v;
                else
                    err = msg(r, "Must be an integer", "整数で入力してください");
                break;
            }
            }
        }
        if (err) {
            gk_field_error_add(errors, f->path, err);
            bad++;
        }
    }
    return bad;
}
