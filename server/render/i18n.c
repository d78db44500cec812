#include "render/i18n.h"

#include <dirent.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* The catalogue index of each supported language; English is the fallback. */
enum { LANG_JA, LANG_EN, LANG_COUNT };
static const char *const lang_names[LANG_COUNT] = {"ja", "en"};

struct gk_messages {
    json_t *cat[LANG_COUNT];
};

static void set_err(char **err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void set_err(char **err, const char *fmt, ...)
{
    if (!err) return;
    va_list ap;
    va_start(ap, fmt);
    char *s = NULL;
    if (vasprintf(&s, fmt, ap) < 0) s = NULL;
    va_end(ap);
    *err = s;
}

void gk_messages_free(gk_messages *m)
{
    if (!m) return;
    for (int i = 0; i < LANG_COUNT; i++)
        json_decref(m->cat[i]);
    free(m);
}

static json_t *load_catalogue(const char *path, char **err)
{
    json_error_t je;
    json_t *cat = json_load_file(path, JSON_REJECT_DUPLICATES, &je);
    if (!cat) {
        set_err(err, "%s:%d: %s", path, je.line, je.text);
        return NULL;
    }
    if (!json_is_object(cat)) {
        set_err(err, "%s:1: a message catalogue must be a JSON object", path);
        json_decref(cat);
        return NULL;
    }
    const char *key;
    json_t *val;
    json_object_foreach(cat, key, val)
    {
        if (!json_is_string(val) || json_string_length(val) == 0) {
            set_err(err, "%s: message \"%s\" must be a non-empty string", path, key);
            json_decref(cat);
            return NULL;
        }
    }
    return cat;
}

static int by_name(const struct dirent **a, const struct dirent **b)
{
    return strcmp((*a)->d_name, (*b)->d_name);
}

static int json_file(const struct dirent *d)
{
    size_t n = strlen(d->d_name);
    return d->d_name[0] != '.' && n > 5 && !strcmp(d->d_name + n - 5, ".json");
}

/* Each area of the server keeps its messages in a file of its own, `<dir>/<lang>/<area>.json`
 * (so that two changes to two areas never touch the same file); they join the main
 * catalogue `<dir>/<lang>.json`. A key defined twice, in any two files, stops the start. */
static int merge_area_catalogues(json_t *cat, const char *dir, const char *lang, char **err)
{
    char *sub = NULL;
    if (asprintf(&sub, "%s/%s", dir, lang) < 0) return -1;
    struct dirent **names = NULL;
    int n = scandir(sub, &names, json_file, by_name);
    int rc = 0;
    for (int i = 0; i < n; i++) {
        char *path = NULL;
        if (rc == 0 && asprintf(&path, "%s/%s", sub, names[i]->d_name) >= 0) {
            json_t *area = load_catalogue(path, err);
            const char *key;
            json_t *val;
            if (!area) rc = -1;
            json_object_foreach(area, key, val)
            {
                if (rc == 0 && json_object_get(cat, key)) {
                    set_err(err, "%s: message \"%s\" is defined twice", path, key);
                    rc = -1;
                }
            }
            if (rc == 0) json_object_update(cat, area);
            json_decref(area);
        } else if (rc == 0) {
            rc = -1;
        }
        free(path);
        free(names[i]);
    }
    free(names);
    free(sub);
    return rc; /* a missing folder is fine: n < 0 */
}

/* The first "{name}" placeholder of `a` that `b` lacks, as a length; 0 if none. */
static size_t missing_placeholder(const char *a, const char *b, const char **at)
{
    for (const char *p = strchr(a, '{'); p; p = strchr(p + 1, '{')) {
        size_t n = 1;
        while (p[n] && p[n] != '}' && p[n] != '{' && p[n] != ' ')
            n++;
        if (p[n] != '}' || n == 1) continue;
        n++;
        bool found = false;
        for (const char *q = strstr(b, "{"); q && !found; q = strchr(q + 1, '{'))
            found = strncmp(q, p, n) == 0;
        if (!found) {
            *at = p;
            return n;
        }
    }
    return 0;
}

/* Names the first key of `a` missing from `b`, or a placeholder one translation uses and
 * the other lacks, so a half-done translation fails loudly at start-up. */
static int check_same_keys(const json_t *a, const char *a_name, const json_t *b, const char *b_name,
                           char **err)
{
    const char *key;
    json_t *val;
    json_object_foreach((json_t *)a, key, val)
    {
        const json_t *other = json_object_get(b, key);
        if (!other) {
            set_err(err, "%s: message \"%s\" is missing (it is in %s)", b_name, key, a_name);
            return -1;
        }
        const char *at = NULL;
        size_t n = missing_placeholder(json_string_value(val), json_string_value(other), &at);
        if (n) {
            set_err(err, "%s: message \"%s\" lacks the placeholder %.*s used in %s", b_name, key,
                    (int)n, at, a_name);
            return -1;
        }
    }
    return 0;
}

gk_messages *gk_messages_load(const char *dir, char **err)
{
    if (err) *err = NULL;
    gk_messages *m = calloc(1, sizeof *m);
    char *paths[LANG_COUNT] = {NULL};
    if (!m) goto oom;
    for (int i = 0; i < LANG_COUNT; i++) {
        if (asprintf(&paths[i], "%s/%s.json", dir, lang_names[i]) < 0) {
            paths[i] = NULL;
            goto oom;
        }
        m->cat[i] = load_catalogue(paths[i], err);
        if (!m->cat[i] || merge_area_catalogues(m->cat[i], dir, lang_names[i], err)) goto fail;
    }
    if (check_same_keys(m->cat[LANG_JA], paths[LANG_JA], m->cat[LANG_EN], paths[LANG_EN], err) ||
        check_same_keys(m->cat[LANG_EN], paths[LANG_EN], m->cat[LANG_JA], paths[LANG_JA], err))
        goto fail;
    for (int i = 0; i < LANG_COUNT; i++)
        free(paths[i]);
    return m;
oom:
    set_err(err, "%s: out of memory loading message catalogues", dir);
fail:
    for (int i = 0; i < LANG_COUNT; i++)
        free(paths[i]);
    gk_messages_free(m);
    return NULL;
}

bool gk_lang_is_ja(const char *lang)
{
    return lang && strcmp(lang, "ja") == 0;
}

static int lang_index(const char *lang)
{
    return gk_lang_is_ja(lang) ? LANG_JA : LANG_EN;
}

const char *gk_messages_get(const gk_messages *m, const char *lang, const char *key)
{
    if (!m || !key) return key;
    const json_t *v = json_object_get(m->cat[lang_index(lang)], key);
    if (!v) v = json_object_get(m->cat[LANG_EN], key);
    return v ? json_string_value(v) : key;
}

bool gk_messages_has(const gk_messages *m, const char *key)
{
    return m && key && json_object_get(m->cat[LANG_EN], key) != NULL;
}

static bool is_alnum(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

const char *gk_lang_from_tag(const char *tag, size_t len)
{
    /* BCP 47 tags are at most 35 characters of letters, digits and hyphens. */
    if (!tag || len < 2 || len > 35) return NULL;
    size_t primary = 0;
    while (primary < len && tag[primary] != '-')
        primary++;
    if (primary != 2) return NULL;
    for (size_t i = 0; i < len; i++)
        if (!is_alnum(tag[i]) && tag[i] != '-') return NULL;
    if (primary < len && primary + 1 == len) return NULL; /* "ja-" */
    for (int i = 0; i < LANG_COUNT; i++)
        if (strncasecmp(tag, lang_names[i], 2) == 0) return lang_names[i];
    return NULL;
}

static bool is_ows(char c)
{
    return c == ' ' || c == '\t';
}

static void trim(const char **s, const char **e)
{
    while (*s < *e && is_ows(**s))
        (*s)++;
    while (*e > *s && is_ows((*e)[-1]))
        (*e)--;
}

/* RFC 9110 qvalue: "0" ["." 0*3DIGIT] / "1" ["." 0*3"0"], as thousandths; -1 if malformed. */
static int parse_qvalue(const char *s, const char *e)
{
    if (s == e || (*s != '0' && *s != '1')) return -1;
    int q = (*s - '0') * 1000;
    s++;
    if (s == e) return q;
    if (*s++ != '.' || e - s > 3) return -1;
    int scale = 100;
    for (; s < e; s++, scale /= 10) {
        if (*s < '0' || *s > '9') return -1;
        q += (*s - '0') * scale;
    }
    return q > 1000 ? -1 : q;
}

/* One Accept-Language element "tag;q=0.8"; its language (or NULL) and q in thousandths. */
static const char *parse_range(const char *s, const char *e, int *q)
{
    const char *semi = memchr(s, ';', (size_t)(e - s));
    const char *tag_end = semi ? semi : e;
    const char *ts = s;
    trim(&ts, &tag_end);
    *q = 1000;
    while (semi) {
        const char *ps = semi + 1;
        semi = memchr(ps, ';', (size_t)(e - ps));
        const char *pe = semi ? semi : e;
        trim(&ps, &pe);
        if (pe - ps >= 2 && (ps[0] == 'q' || ps[0] == 'Q') && ps[1] == '=') {
            *q = parse_qvalue(ps + 2, pe);
            if (*q < 0) return NULL;
        }
    }
    return gk_lang_from_tag(ts, (size_t)(tag_end - ts));
}

static const char *from_accept_language(const char *h)
{
    const char *best = NULL;
    int best_q = 0;
    const char *s = h;
    for (;;) {
        const char *e = strchr(s, ',');
        if (!e) e = s + strlen(s);
        int q;
        const char *lang = parse_range(s, e, &q);
        if (lang && q > best_q) {
            best = lang;
            best_q = q;
        }
        if (!*e) break;
        s = e + 1;
    }
    return best;
}

const char *gk_lang_choose(const char *query_lang, const char *cookie_lang,
                           const char *accept_language)
{
    const char *l = NULL;
    if (query_lang) l = gk_lang_from_tag(query_lang, strlen(query_lang));
    if (!l && cookie_lang) l = gk_lang_from_tag(cookie_lang, strlen(cookie_lang));
    if (!l && accept_language) l = from_accept_language(accept_language);
    return l ? l : GK_LANG_DEFAULT;
}
