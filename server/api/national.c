/* The national view (issue 17): GET /api/v1/national/certificates (the search across every
 * body the aggregator pulls, with the body as a filter and a column), /national/stats,
 * /national/rejections and /national/bodies (regulator, admin). service/national.h. */
#include "http/handlers.h"

#include "http/reply.h"
#include "http/service_call.h"
#include "service/national.h"

#include <stdlib.h>
#include <string.h>

void gk_national_register(void)
{
    gk_svc_national_register();
}

static gk_national_search_in search_in(gk_request *r)
{
    return (gk_national_search_in){gk_req_query(r, "body"),   gk_req_query(r, "q"),
                                   gk_req_query(r, "status"), gk_req_query(r, "category"),
                                   gk_req_query(r, "limit"),  gk_req_query(r, "after")};
}

void gk_h_national_certificates(gk_request *r)
{
    gk_call call = gk_call_of(r);
    gk_outcome out = {0};
    gk_national_search_in in = search_in(r);
    gk_svc_national_search(&call, &in, &out);
    gk_reply_outcome(r, 200, &out);
}

void gk_h_national_stats(gk_request *r)
{
    gk_call call = gk_call_of(r);
    gk_outcome out = {0};
    gk_national_search_in in = search_in(r);
    gk_svc_national_stats(&call, &in, &out);
    gk_reply_outcome(r, 200, &out);
}

void gk_h_national_rejections(gk_request *r)
{
    gk_call call = gk_call_of(r);
    gk_outcome out = {0};
    gk_national_rejections_in in = {gk_req_query(r, "body"), gk_req_query(r, "limit")};
    gk_svc_national_rejections(&call, &in, &out);
    gk_reply_outcome(r, 200, &out);
}

void gk_h_national_bodies(gk_request *r)
{
    gk_call call = gk_call_of(r);
    gk_outcome out = {0};
    gk_svc_national_bodies(&call, &out);
    gk_reply_outcome(r, 200, &out);
}

/* GET /api/v1/national/certificates/export?format=csv|json (+ the search's filters): every
 * match, streamed one batch at a time as api/exports.c does for the body's own register. */
typedef struct {
    gk_national_file *file;
    gk_buf out;
    size_t out_pos;
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
        if (!gk_svc_national_export_next(st->file, &st->out, &st->done))
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
    gk_svc_national_export_close(st->file);
    gk_buf_free(&st->out);
    free(st);
}

void gk_h_national_export(gk_request *r)
{
    gk_call call = gk_call_of(r);
    gk_outcome out = {0};
    gk_national_search_in in = search_in(r);
    export_stream *st = calloc(1, sizeof *st);
    if (st) st->file = gk_svc_national_export_open(&call, &in, gk_req_query(r, "format"), &out);
    if (!st || !st->file) {
        free(st);
        if (!st && out.err == GK_ERR_OK) out.err = GK_ERR_INTERNAL;
        gk_reply_outcome(r, 200, &out);
        return;
    }
    gk_buf_init(&st->out);
    gk_reply_stream(r, 200, gk_svc_national_export_type(st->file), export_read, st, export_free);
    gk_reply_header(r, MHD_HTTP_HEADER_CONTENT_DISPOSITION,
                    gk_svc_national_export_disposition(st->file));
}
