#include "auth/validate.h"
#include "util/utf8.h"

#include "crypto/token.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

bool gk_auth_corporate_number_valid(const char *s)
{
    if (!s || strlen(s) != 13) return false;
    for (size_t i = 0; i < 13; i++)
        if (!is_digit(s[i])) return false;
    unsigned sum = 0;
    /* s[1..12] is the base number; n = 1 is its rightmost digit, s[12]. */
    for (unsigned n = 1; n <= 12; n++)
        sum += (unsigned)(s[13 - n] - '0') * (n % 2 ? 1u : 2u);
    return (unsigned)(s[0] - '0') == 9u - sum % 9u;
}

static bool is_blank_or_control(unsigned char c)
{
    return c <= 0x20 || c == 0x7f;
}

bool gk_auth_email_valid(const char *s)
{
    if (!s) return false;
    size_t n = strlen(s);
    if (n < 3 || n > 254) return false;
    const char *at = strchr(s, '@');
    if (!at || at == s || !at[1] || strchr(at + 1, '@')) return false;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        if (is_blank_or_control(*p)) return false;
    return true;
}

bool gk_auth_label_valid(const char *s)
{
    if (!s) return false;
    size_t count = 0;
    bool blank = true;
    for (const unsigned char *p = (const unsigned char *)s; *p;) {
        uint32_t cp;
        size_t len = gk_utf8_next(p, strlen((const char *)p), &cp);
        if (!len) return false;
        if (cp < 0x20 || (cp >= 0x7f && cp < 0xa0)) return false; /* [[:cntrl:]] */
        if (cp != ' ') blank = false;
        p += len;
        if (++count > 300) return false;
    }
    return !blank;
}

static bool is_hex(char c)
{
    return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

bool gk_auth_uuid_valid(const char *s)
{
    if (!s || strlen(s) != 36) return false;
    for (size_t i = 0; i < 36; i++) {
        bool dash = i == 8 || i == 13 || i == 18 || i == 23;
        if (dash ? s[i] != '-' : !is_hex(s[i])) return false;
    }
    return true;
}

bool gk_auth_next_is_safe(const char *next)
{
    if (!next || next[0] != '/' || next[1] == '/' || next[1] == '\\') return false;
    for (const unsigned char *p = (const unsigned char *)next; *p; p++)
        if (*p < 0x20 || *p == 0x7f || *p == '\\') return false;
    return strlen(next) <= 2000;
}

static bool url_char(char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || is_digit(c) || c == '-' || c == '_';
}

bool gk_auth_token_shape_ok(const char *s)
{
    if (!s) return false;
    size_t i = 0;
    for (; s[i]; i++)
        if (i >= GK_TOKEN_LEN || !url_char(s[i])) return false;
    return i == GK_TOKEN_LEN;
}

const char *gk_auth_bearer_token(const char *header)
{
    if (!header || strncasecmp(header, "Bearer ", 7) != 0) return NULL;
    const char *t = header + 7;
    return gk_auth_token_shape_ok(t) ? t : NULL;
}

bool gk_auth_session_cookie(char *out, size_t out_size, const char *token, bool secure)
{
    int n = snprintf(out, out_size, "giteki_session=%s; Path=/; HttpOnly; SameSite=Strict%s%s",
                     token ? token : "", token ? "" : "; Max-Age=0", secure ? "; Secure" : "");
    return n > 0 && (size_t)n < out_size;
}

static const struct {
    gk_role role;
    const char *name;
} roles[] = {
    {GK_ROLE_MANUFACTURER, "manufacturer"},
    {GK_ROLE_EXAMINER, "examiner"},
    {GK_ROLE_REGULATOR, "regulator"},
    {GK_ROLE_ADMIN, "admin"},
};

const char *gk_role_name(gk_role role)
{
    for (size_t i = 0; i < sizeof roles / sizeof *roles; i++)
        if (roles[i].role == role) return roles[i].name;
    return "anonymous";
}

gk_role gk_role_parse(const char *name)
{
    for (size_t i = 0; name && i < sizeof roles / sizeof *roles; i++)
        if (!strcmp(roles[i].name, name)) return roles[i].role;
    return GK_ROLE_ANON;
}

static const char *const scope_names[] = {"read", "file", "examine", "regulate"};

const char *gk_scope_name(unsigned bit)
{
    for (unsigned i = 0; i < 4; i++)
        if (bit == 1u << i) return scope_names[i];
    return NULL;
}

unsigned gk_scope_for_role(gk_role role)
{
    switch (role) {
    case GK_ROLE_MANUFACTURER:
        return GK_SCOPE_FILE;
    case GK_ROLE_EXAMINER:
    case GK_ROLE_ADMIN:
        return GK_SCOPE_EXAMINE;
    case GK_ROLE_REGULATOR:
        return GK_SCOPE_REGULATE;
    default:
        return 0;
    }
}

unsigned gk_scopes_parse(const char *text)
{
    if (!text) return 0;
    unsigned bits = 0;
    const char *p = text;
    if (*p == '{') p++;
    while (*p) {
        size_t skip = strspn(p, " ,}");
        p += skip;
        if (!*p) break;
        size_t n = strcspn(p, " ,}");
        unsigned bit = 0;
        for (unsigned i = 0; i < 4; i++)
            if (strlen(scope_names[i]) == n && !strncmp(p, scope_names[i], n)) bit = 1u << i;
        if (!bit) return 0;
        bits |= bit;
        p += n;
    }
    return bits;
}

bool gk_scopes_format(unsigned scopes, char *out, unsigned out_size)
{
    size_t w = 0;
    if (out_size < 3) return false;
    out[w++] = '{';
    for (unsigned i = 0; i < 4; i++) {
        if (!(scopes & (1u << i))) continue;
        size_t n = strlen(scope_names[i]);
        if (w + n + 3 > out_size) return false;
        if (w > 1) out[w++] = ',';
        memcpy(out + w, scope_names[i], n);
        w += n;
    }
    out[w++] = '}';
    out[w] = 0;
    return true;
}
