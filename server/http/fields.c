#include "http/fields.h"

#include "app.h"
#include "render/i18n.h"
#include "util/hex.h"
#include "util/utf8.h"

#include "http/reply.h"

#include <errno.h>
#include <stdint.h>
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

/* Decode one urlencoded component in place ("+" is a space). Returns false on a bad escape
 * or an embedded NUL. */
static bool url_decode(char *s)
{
    char *w = s;
    for (char *p = s; *p; p++) {
        if (*p == '+') {
            *w++ = ' ';
        } else if (*p == '%') {
            int h = gk_hex_digit(p[1]), l = h >= 0 ? gk_hex_digit(p[2]) : -1;
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
        for (char *p = copy; p && *p; p++)
            count += *p == '&';
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

/* Field messages come from the catalogue (templates/messages/<lang>/fields.json). */
static const char *msg(gk_request *r, const char *key)
{
    return gk_messages_get(gk_app.messages, r->lang, key);
}

int gk_spec_read(gk_request *r, const gk_spec *spec, void *in, json_t **errors)
{
    bool form = r->json == NULL && gk_req_is_form(r);
    int bad = 0;
    for (size_t i = 0; i < spec->n; i++) {
        const gk_field *f = &spec->fields[i];
        void *out = (char *)in + (uintptr_t)f->out;
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
            if (f->required) err = msg(r, "field.required");
            if (f->type == GK_F_BOOL) *(int *)out = -1;
        } else {
            switch (f->type) {
            case GK_F_STRING:
            case GK_F_ENUM: {
                const char *s = form ? text : json_is_string(j) ? json_string_value(j) : NULL;
                size_t max = f->max_len ? f->max_len : 1000;
                if (!s)
                    err = msg(r, "field.not_string");
                else if (!gk_utf8_valid_str(s))
                    err = msg(r, "field.not_utf8");
                else if (strlen(s) > max)
                    err = msg(r, "field.too_long");
                else if (f->required && !*s)
                    err = msg(r, "field.required");
                else if (f->type == GK_F_ENUM) {
                    bool ok = false;
                    for (const char *const *c = f->choices; c && *c; c++)
                        ok |= !strcmp(*c, s);
                    if (!ok) err = msg(r, "field.not_a_choice");
                }
                if (!err) *(const char **)out = s;
                break;
            }
            case GK_F_BOOL:
                if (form) {
                    if (!strcmp(text, "true") || !strcmp(text, "on") || !strcmp(text, "1"))
                        *(int *)out = 1;
                    else if (!strcmp(text, "false") || !strcmp(text, "0"))
                        *(int *)out = 0;
                    else
                        err = msg(r, "field.not_bool");
                } else if (json_is_boolean(j)) {
                    *(int *)out = json_is_true(j) ? 1 : 0;
                } else {
                    err = msg(r, "field.not_bool");
                }
                break;
            case GK_F_DATE: {
                const char *s = form ? text : json_is_string(j) ? json_string_value(j) : NULL;
                gk_date d;
                if (!s || !gk_date_parse(s, &d))
                    err = msg(r, "field.not_date");
                else
                    *(gk_date *)out = d;
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
                    *(long long *)out = v;
                else
                    err = msg(r, "field.not_int");
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
