#include "crypto/canonical_json.h"

#include "util/str.h"
#include "util/utf8.h"

#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    char *data;
    size_t len, cap;
    bool failed; /* allocation failure or refused value: the result is discarded */
} buffer;

static void put(buffer *b, const char *s, size_t n)
{
    if (b->failed) return;
    if (n > SIZE_MAX - 1 - b->len) {
        b->failed = true;
        return;
    }
    if (!gk_grow(&b->data, &b->cap, b->len + n + 1, 256, SIZE_MAX)) {
        b->failed = true;
        return;
    }
    memcpy(b->data + b->len, s, n);
    b->len += n;
    b->data[b->len] = '\0';
}

static void put_char(buffer *b, char c)
{
    put(b, &c, 1);
}

static void put_string(buffer *b, const char *s, size_t len)
{
    static const char hex[] = "0123456789abcdef";
    const unsigned char *u = (const unsigned char *)s;
    put_char(b, '"');
    size_t run = 0; /* start of the pending stretch copied verbatim */
    for (size_t i = 0; i < len && !b->failed;) {
        unsigned char c = u[i];
        const char *esc = NULL;
        char uesc[7];
        if (c >= 0x80) {
            uint32_t cp;
            size_t n = gk_utf8_next(u + i, len - i, &cp);
            if (n == 0) {
                b->failed = true;
                return;
            }
            i += n;
            continue;
        }
        switch (c) {
        case '"':
            esc = "\\\"";
            break;
        case '\\':
            esc = "\\\\";
            break;
        case '\b':
            esc = "\\b";
            break;
        case '\f':
            esc = "\\f";
            break;
        case '\n':
            esc = "\\n";
            break;
        case '\r':
            esc = "\\r";
            break;
        case '\t':
            esc = "\\t";
            break;
        default:
            if (c < 0x20) {
                memcpy(uesc, "\\u00", 4);
                uesc[4] = hex[c >> 4];
                uesc[5] = hex[c & 0xF];
                uesc[6] = '\0';
                esc = uesc;
            }
        }
        if (esc) {
            put(b, s + run, i - run);
            put(b, esc, strlen(esc));
            run = i + 1;
        }
        i++;
    }
    put(b, s + run, len - run);
    put_char(b, '"');
}

static void put_integer(buffer *b, long long v)
{
    if (v > GK_CANONICAL_JSON_MAX_SAFE_INTEGER || v < -GK_CANONICAL_JSON_MAX_SAFE_INTEGER) {
        b->failed = true;
        return;
    }
    char text[24];
    int n = snprintf(text, sizeof text, "%lld", v);
    put(b, text, (size_t)n);
}

static void put_real(buffer *b, double d)
{
    double limit = (double)GK_CANONICAL_JSON_MAX_SAFE_INTEGER;
    if (!isfinite(d) || d != trunc(d) || d > limit || d < -limit) {
        b->failed = true;
        return;
    }
    put_integer(b, (long long)d); /* -0.0 becomes 0, as in JCS */
}

/* Next UTF-16 code unit of a valid UTF-8 string, or -1 at the end. *pending holds the low
 * surrogate of a character above U+FFFF between calls. */
static long next_unit(const unsigned char *s, size_t len, size_t *i, uint32_t *pending)
{
    if (*pending) {
        uint32_t lo = *pending;
        *pending = 0;
        return lo;
    }
    if (*i >= len) return -1;
    uint32_t cp;
    size_t n = gk_utf8_next(s + *i, len - *i, &cp);
    if (n == 0) /* names are validated before sorting; keep the order total anyway */
        return s[(*i)++];
    *i += n;
    if (cp < 0x10000) return cp;
    cp -= 0x10000;
    *pending = 0xDC00 | (cp & 0x3FF);
    return 0xD800 | (cp >> 10);
}

typedef struct {
    const char *name;
    size_t len;
    json_t *value;
} member;

static int compare_utf16(const void *pa, const void *pb)
{
    const member *a = pa, *b = pb;
    size_t ia = 0, ib = 0;
    uint32_t pend_a = 0, pend_b = 0;
    for (;;) {
        long ua = next_unit((const unsigned char *)a->name, a->len, &ia, &pend_a);
        long ub = next_unit((const unsigned char *)b->name, b->len, &ib, &pend_b);
        if (ua != ub) return ua < ub ? -1 : 1; /* -1 (end) sorts first: a prefix comes before */
        if (ua < 0) return 0;
    }
}

static bool valid_utf8(const char *s, size_t len)
{
    uint32_t cp;
    for (size_t i = 0; i < len;) {
        size_t n = gk_utf8_next((const unsigned char *)s + i, len - i, &cp);
        if (n == 0) return false;
        i += n;
    }
    return true;
}

static void put_value(buffer *b, const json_t *v, unsigned depth);

static void put_object(buffer *b, const json_t *obj, unsigned depth)
{
    size_t count = json_object_size(obj);
    member *members = count ? calloc(count, sizeof *members) : NULL;
    if (count && !members) {
        b->failed = true;
        return;
    }
    size_t n = 0;
    for (void *it = json_object_iter((json_t *)obj); it && n < count;
         it = json_object_iter_next((json_t *)obj, it)) {
        members[n].name = json_object_iter_key(it);
        members[n].len = json_object_iter_key_len(it);
        members[n].value = json_object_iter_value(it);
        if (!valid_utf8(members[n].name, members[n].len)) b->failed = true;
        n++;
    }
    if (n > 1) qsort(members, n, sizeof *members, compare_utf16);
    put_char(b, '{');
    for (size_t i = 0; i < n && !b->failed; i++) {
        if (i) put_char(b, ',');
        put_string(b, members[i].name, members[i].len);
        put_char(b, ':');
        put_value(b, members[i].value, depth + 1);
    }
    put_char(b, '}');
    free(members);
}

static void put_value(buffer *b, const json_t *v, unsigned depth)
{
    if (b->failed) return;
    if (!v || depth > GK_CANONICAL_JSON_MAX_DEPTH) {
        b->failed = true;
        return;
    }
    switch (json_typeof(v)) {
    case JSON_OBJECT:
        put_object(b, v, depth);
        break;
    case JSON_ARRAY:
        put_char(b, '[');
        for (size_t i = 0; i < json_array_size(v) && !b->failed; i++) {
            if (i) put_char(b, ',');
            put_value(b, json_array_get(v, i), depth + 1);
        }
        put_char(b, ']');
        break;
    case JSON_STRING:
        put_string(b, json_string_value(v), json_string_length(v));
        break;
    case JSON_INTEGER:
        put_integer(b, (long long)json_integer_value(v));
        break;
    case JSON_REAL:
        put_real(b, json_real_value(v));
        break;
    case JSON_TRUE:
        put(b, "true", 4);
        break;
    case JSON_FALSE:
        put(b, "false", 5);
        break;
    case JSON_NULL:
        put(b, "null", 4);
        break;
    default:
        b->failed = true;
    }
}

char *gk_canonical_json(const json_t *value)
{
    buffer b = {0};
    put_value(&b, value, 0);
    if (b.failed) {
        free(b.data);
        return NULL;
    }
    return b.data;
}
