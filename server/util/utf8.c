#include "util/utf8.h"

size_t gk_utf8_next(const unsigned char *s, size_t len, uint32_t *cp)
{
    unsigned char b = s[0];
    size_t n;
    uint32_t c, min;
    if (b < 0x80) {
        *cp = b;
        return 1;
    } else if ((b & 0xE0) == 0xC0) {
        n = 2, c = b & 0x1F, min = 0x80;
    } else if ((b & 0xF0) == 0xE0) {
        n = 3, c = b & 0x0F, min = 0x800;
    } else if ((b & 0xF8) == 0xF0) {
        n = 4, c = b & 0x07, min = 0x10000;
    } else {
        return 0; /* continuation byte or 0xF8..0xFF as a lead byte */
    }
    if (len < n) return 0;
    for (size_t i = 1; i < n; i++) {
        if ((s[i] & 0xC0) != 0x80) return 0;
        c = c << 6 | (s[i] & 0x3F);
    }
    if (c < min || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF)) return 0;
    *cp = c;
    return n;
}

#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

bool gk_utf8_valid(const char *s, size_t len)
{
    const unsigned char *p = (const unsigned char *)s;
    uint32_t cp;
    for (size_t i = 0; i < len;) {
        size_t n = gk_utf8_next(p + i, len - i, &cp);
        if (!n || cp == 0) return false;
        i += n;
    }
    return true;
}

bool gk_utf8_valid_str(const char *s)
{
    return s && gk_utf8_valid(s, strlen(s));
}

size_t gk_utf8_chars(const char *s)
{
    size_t n = 0;
    for (; *s; s++)
        if (((unsigned char)*s & 0xc0) != 0x80) n++;
    return n;
}

bool gk_utf8_blank(const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t len = strlen(s);
    uint32_t cp;
    for (size_t i = 0; i < len;) {
        size_t n = gk_utf8_next(p + i, len - i, &cp);
        if (!n) return false;
        if (cp != ' ' && cp != '\t' && cp != '\r' && cp != '\n' && cp != 0x3000) return false;
        i += n;
    }
    return true;
}

bool gk_utf8_has_controls(const char *s, bool allow_newlines)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t len = strlen(s);
    uint32_t cp;
    for (size_t i = 0; i < len;) {
        size_t n = gk_utf8_next(p + i, len - i, &cp);
        if (!n) return true; /* not text at all */
        bool nl = cp == '\t' || cp == '\r' || cp == '\n';
        if ((cp < 0x20 && !(allow_newlines && nl)) || (cp >= 0x7f && cp < 0xa0)) return true;
        i += n;
    }
    return false;
}

size_t gk_utf8_prefix(const char *s, size_t max_bytes)
{
    size_t len = strlen(s);
    if (len <= max_bytes) return len;
    size_t n = max_bytes;
    while (n > 0 && ((unsigned char)s[n] & 0xc0) == 0x80)
        n--; /* s[n] is the first byte not kept: back up to a character start */
    return n;
}

static char *mapped(const char *s, utf8proc_option_t options)
{
    if (!gk_utf8_valid_str(s)) return NULL;
    utf8proc_uint8_t *out = NULL;
    utf8proc_ssize_t n =
        utf8proc_map((const utf8proc_uint8_t *)s, 0, &out,
                     (utf8proc_option_t)(options | UTF8PROC_NULLTERM | UTF8PROC_STABLE));
    if (n < 0) {
        free(out);
        return NULL;
    }
    return (char *)out;
}

char *gk_utf8_nfc(const char *s)
{
    return mapped(s, UTF8PROC_COMPOSE);
}

char *gk_utf8_fold(const char *s)
{
    return mapped(s, (utf8proc_option_t)(UTF8PROC_COMPOSE | UTF8PROC_COMPAT | UTF8PROC_CASEFOLD |
                                         UTF8PROC_IGNORE));
}
