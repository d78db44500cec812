/* See multipart.h. */
#include "cc/form.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

static bool bchar(char c)
{
    /* RFC 2046 bcharsnospace plus space (not last) */
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
           strchr("'()+_,-./:=? ", c) != NULL;
}

bool gk_cc_form_boundary(const char *ct, char out[71])
{
    if (!ct || strncasecmp(ct, "multipart/form-data", 19) != 0) return false;
    const char *p = ct + 19;
    while (*p) {
        while (*p == ';' || *p == ' ' || *p == '\t')
            p++;
        if (!strncasecmp(p, "boundary=", 9)) {
            p += 9;
            size_t n = 0;
            if (*p == '"') {
                p++;
                while (p[n] && p[n] != '"')
                    n++;
                if (p[n] != '"') return false;
            } else {
                while (p[n] && p[n] != ';' && p[n] != ' ' && p[n] != '\t')
                    n++;
            }
            if (n < 1 || n > 70 || p[n - 1] == ' ') return false;
            for (size_t i = 0; i < n; i++)
                if (!bchar(p[i])) return false;
            memcpy(out, p, n);
            out[n] = 0;
            return true;
        }
        while (*p && *p != ';')
            p++;
    }
    return false;
}

/* The value of param (name= or filename=) in a Content-Disposition header line of len bytes;
 * quoted or token. */
static bool disp_param(const char *h, size_t len, const char *param, char *out, size_t cap)
{
    size_t pl = strlen(param);
    for (size_t i = 0; i + pl < len; i++) {
        if ((i == 0 || h[i - 1] == ';' || h[i - 1] == ' ' || h[i - 1] == '\t') &&
            !strncasecmp(h + i, param, pl) && h[i + pl] == '=') {
            const char *v = h + i + pl + 1, *end = h + len;
            size_t n = 0;
            if (v < end && *v == '"') {
                v++;
                while (v + n < end && v[n] != '"') {
                    if (v[n] == '\\' && v + n + 1 < end) n++;
                    n++;
                }
            } else {
                while (v + n < end && v[n] != ';' && v[n] != ' ')
                    n++;
            }
            if (n >= cap) n = cap - 1;
            memcpy(out, v, n);
            out[n] = 0;
            return true;
        }
    }
    return false;
}

int gk_cc_form_parse(const char *boundary, const char *body, size_t len, gk_cc_form_part *parts,
                     size_t max)
{
    char delim[80];
    int dl = snprintf(delim, sizeof delim, "\r\n--%s", boundary);
    if (dl < 5 || (size_t)dl >= sizeof delim) return -1;
    /* The first delimiter may start the body (no preamble): look for it without the CRLF. */
    const char *p;
    if (len >= (size_t)dl - 2 && !memcmp(body, delim + 2, (size_t)dl - 2))
        p = body + dl - 2;
    else {
        p = memmem(body, len, delim, (size_t)dl);
        if (!p) return -1;
        p += dl;
    }
    const char *end = body + len;
    int n = 0;
    for (;;) {
        if (end - p >= 2 && p[0] == '-' && p[1] == '-') return n; /* closing delimiter */
        while (p < end && (*p == ' ' || *p == '\t'))
            p++; /* transport padding */
        if (end - p < 2 || p[0] != '\r' || p[1] != '\n') return -1;
        p += 2;
        const char *hend, *next;
        if (end - p >= 2 && p[0] == '\r' && p[1] == '\n')
            hend = p - 2; /* a part without headers starts right with the blank line */
        else if (!(hend = memmem(p, (size_t)(end - p), "\r\n\r\n", 4)))
            return -1;
        if ((size_t)n == max) return -1;
        gk_cc_form_part *part = &parts[n];
        memset(part, 0, sizeof *part);
        for (const char *h = p; h < hend;) {
            const char *eol = memmem(h, (size_t)(hend - h), "\r\n", 2);
            if (!eol) eol = hend;
            size_t hl = (size_t)(eol - h);
            if (hl > 20 && !strncasecmp(h, "Content-Disposition:", 20)) {
                disp_param(h + 20, hl - 20, "name", part->name, sizeof part->name);
                part->has_filename =
                    disp_param(h + 20, hl - 20, "filename", part->filename, sizeof part->filename);
            }
            h = eol + 2;
        }
        const char *data = hend + 4;
        if (data > end) return -1;
        next = memmem(data, (size_t)(end - data), delim, (size_t)dl);
        if (!next) return -1;
        part->data = data;
        part->len = (size_t)(next - data);
        n++;
        p = next + dl;
    }
}

const gk_cc_form_part *gk_cc_form_find(const gk_cc_form_part *parts, int n, const char *name)
{
    for (int i = 0; i < n; i++)
        if (!strcmp(parts[i].name, name)) return &parts[i];
    return NULL;
}
