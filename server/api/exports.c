/* GET /api/v1/certificates/export?format=csv|json|xml (+ the list's filters): every match,
 * streamed. The service produces the file part by part (one database batch at a time);
 * libmicrohttpd drains each part through the content-reader callback before the next is
 * made, so at most one part is in memory. */
#include "http/handlers.h"

#include "http/reply.h"
#include "http/service_call.h"
#include "http/validators.h"
#include "service/registry.h"

#include <stdlib.h>
#include <string.h>

typedef struct {
    gk_registry_file *file;
    gk_buf out;     /* bytes not yet handed to libmicrohttpd */
    size_t out_pos; /* how many of them were handed */
    bool done;
} export_stream;

static ssize_t export_read(void *cls, uint64_t pos, char *buf, size_t max)
{
    (void)pos;
    export_stream *st = cls;
    while (st->out_pos >= st->out.len) {
        if (st->done) return MHD_CONTENT_READER_END_OF_STREAM;
        gk_buf_reset(&st->out);
        st->out_pos = 0;
        if (!gk_svc_registry_export_next(st->file, &st->out, &st->done))
            return MHD_CONTENT_READER_END_WITH_ERROR;
    }
    size_t n = st->out.len - st->out_pos;
    if (n > max) n = max;
    memcpy(buf, st->out.data + st->out_pos, n);
    st->out_pos += n;
    return (ssize_t)n;
}

static void export_free(void *cls)
{
    export_stream *st = cls;
    gk_svc_registry_export_close(st->file);
    gk_buf_free(&st->out);
    free(st);
}

void gk_h_certificates_export(gk_request *r)
{
    gk_call call = gk_call_of(r);
    gk_outcome out = {0};
    gk_export_format fmt;
    gk_cert_query q;
    if (!gk_svc_registry_export_format(&call, gk_req_query(r, "format"), &fmt, &out) ||
        gk_svc_registry_query(&call, gk_query_get, r, &q, &out)) {
        gk_reply_outcome(r, 200, &out);
        return;
    }
    /* Issue 20: a CSV for people. An explicit ?lang= (the register page's link carries the
     * page's language) writes the values in words and, for Japanese, the column titles in
     * Japanese; ?header=en keeps the API's field names, ?header=ja asks for the titles.
     * Without either the file is the API's: field names and codes. */
    const char *lang = gk_req_query(r, "lang"), *header = gk_req_query(r, "header");
    const char *words = NULL, *head = NULL;
    if (lang && (!strcmp(lang, "ja") || !strcmp(lang, "en"))) {
        words = lang;
        if (!strcmp(lang, "ja")) head = "ja";
    }
    if (header && !strcmp(header, "ja"))
        head = "ja";
    else if (header && !strcmp(header, "en"))
        head = NULL;
    else if (header) {
        gk_fail(&out, &call, GK_ERR_BAD_QUERY, "header", "glossary.csv.bad_header");
        gk_reply_outcome(r, 200, &out);
        return;
    }
    export_stream *st = calloc(1, sizeof *st);
    if (st) st->file = gk_svc_registry_export_open_csv(&call, fmt, &q, head, words, &out);
    if (!st || !st->file) {
        free(st);
        if (!st && out.err == GK_ERR_OK) out.err = GK_ERR_INTERNAL;
        bool retry = out.err == GK_ERR_UNAVAILABLE;
        gk_reply_outcome(r, 200, &out);
        if (retry) gk_reply_header(r, MHD_HTTP_HEADER_RETRY_AFTER, "5");
        return;
    }
    gk_buf_init(&st->out);
    gk_reply_stream(r, 200, gk_registry_export_media_type(fmt), export_read, st, export_free);
    gk_reply_header(r, MHD_HTTP_HEADER_CONTENT_DISPOSITION, gk_registry_export_disposition(fmt));
    /* The public's export is the same for everyone: a shared cache may keep it a minute. */
    if (call.user.role == GK_ROLE_ANON)
        gk_http_public_cache(r, NULL, 0, GK_PUBLIC_MAX_AGE, GK_PUBLIC_SWR);
}
