/* HTTP validators (see validators.h). */
#include "http/validators.h"

#include "http/reply.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

/* The opaque part of an entity tag without W/ and quotes: start and length. */
static bool tag_part(const char *t, size_t n, const char **s, size_t *len)
{
    if (n >= 2 && !strncmp(t, "W/", 2)) {
        t += 2;
        n -= 2;
    }
    if (n < 2 || t[0] != '"' || t[n - 1] != '"') return false;
    *s = t + 1;
    *len = n - 2;
    return true;
}

static bool etag_listed(const char *header, const char *etag)
{
    const char *es;
    size_t el;
    if (!tag_part(etag, strlen(etag), &es, &el)) return false;
    const char *p = header;
    while (*p) {
        while (*p == ' ' || *p == '\t' || *p == ',')
            p++;
        const char *start = p;
        while (*p && *p != ',')
            p++;
        const char *end = p;
        while (end > start && (end[-1] == ' ' || end[-1] == '\t'))
            end--;
        if (end - start == 1 && *start == '*') return true;
        const char *ts;
        size_t tl;
        if (tag_part(start, (size_t)(end - start), &ts, &tl) && tl == el && !memcmp(ts, es, el))
            return true;
    }
    return false;
}

static time_t http_date(const char *s)
{
    struct tm tm = {0};
    const char *end = s ? strptime(s, "%a, %d %b %Y %H:%M:%S GMT", &tm) : NULL;
    return end ? timegm(&tm) : (time_t)-1;
}

bool gk_http_not_modified(gk_request *r, const char *etag, time_t modified)
{
    const char *inm = gk_req_header(r, "If-None-Match");
    if (inm) return etag && etag_listed(inm, etag);
    const char *ims = gk_req_header(r, "If-Modified-Since");
    if (!ims || modified <= 0) return false;
    time_t since = http_date(ims);
    return since != (time_t)-1 && modified <= since;
}

void gk_http_public_cache(gk_request *r, const char *etag, time_t modified, unsigned max_age,
                          unsigned swr)
{
    if (etag) gk_reply_header(r, "ETag", etag);
    if (modified > 0) {
        char d[64];
        struct tm tm;
        gmtime_r(&modified, &tm);
        strftime(d, sizeof d, "%a, %d %b %Y %H:%M:%S GMT", &tm);
        gk_reply_header(r, "Last-Modified", d);
    }
    char cc[96];
    snprintf(cc, sizeof cc, "public, max-age=%u, stale-while-revalidate=%u", max_age, swr);
    gk_reply_header(r, "Cache-Control", cc);
    gk_reply_header(r, "Vary", "Cookie, Authorization");
}

void gk_reply_not_modified(gk_request *r, const char *etag, time_t modified, unsigned max_age,
                           unsigned swr)
{
    gk_reply_bytes(r, 304, NULL, "", 0);
    gk_http_public_cache(r, etag, modified, max_age, swr);
}
