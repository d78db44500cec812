/* Documents of an application: upload (multipart/form-data streamed into PostgreSQL, see
 * http/doc_upload.h), list, download. Adapters of service/documents.h. Over the size cap
 * (413), a refused type (415) or a client that goes away: nothing is stored. */
#include "http/handlers.h"
#include "http/doc_upload.h"
#include "http/multipart.h"
#include "http/reply.h"
#include "http/service_call.h"
#include "service/documents.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

bool gk_h_documents_upload_chunk(gk_request *r, const char *data, size_t size)
{
    return gk_http_doc_upload_chunk(r, data, size);
}

void gk_h_documents_upload(gk_request *r)
{
    gk_outcome o;
    gk_http_doc_upload_end(r, &o);
    gk_reply_outcome(r, 201, &o);
}

void gk_h_documents_list(gk_request *r)
{
    GK_API_CALL(r, 200, gk_svc_doc_list, r->params[0]);
}

/* Streams the chunks one at a time: memory stays one chunk. */
typedef struct {
    char id[37];
    int seq;
    bool end;
    size_t len, off;
    char buf[];
} download;

static void download_free(void *p)
{
    free(p);
}

static ssize_t download_read(void *cls, uint64_t pos, char *buf, size_t max)
{
    (void)pos;
    download *d = cls;
    while (d->off == d->len) {
        if (d->end) return MHD_CONTENT_READER_END_OF_STREAM;
        if (!gk_svc_doc_chunk(d->id, d->seq++, d->buf, GK_DOC_CHUNK, &d->len))
            return MHD_CONTENT_READER_END_WITH_ERROR;
        d->off = 0;
        d->end = d->len == 0;
    }
    size_t n = d->len - d->off < max ? d->len - d->off : max;
    memcpy(buf, d->buf + d->off, n);
    d->off += n;
    return (ssize_t)n;
}

void gk_h_documents_get(gk_request *r)
{
    gk_call call = gk_call_of(r);
    gk_outcome o;
    gk_svc_doc_get(&call, r->params[0], r->params[1], &o);
    if (o.err != GK_ERR_OK) {
        gk_reply_outcome(r, 200, &o);
        return;
    }
    json_t *doc = o.view;
    char cd[2048];
    const char *filename = json_string_value(json_object_get(doc, "filename"));
    if (!gk_multipart_content_disposition(filename, cd, sizeof cd))
        snprintf(cd, sizeof cd, "attachment; filename=\"document\"");
    download *d = calloc(1, sizeof *d + GK_DOC_CHUNK);
    struct MHD_Response *resp = NULL;
    if (d) {
        snprintf(d->id, sizeof d->id, "%s", r->params[1]);
        uint64_t size = (uint64_t)json_integer_value(json_object_get(doc, "size"));
        resp = MHD_create_response_from_callback(size, 32 * 1024, download_read, d, download_free);
        if (!resp) free(d);
    }
    if (!resp) {
        gk_outcome_clear(&o);
        gk_reply_problem(r, GK_ERR_INTERNAL, NULL, NULL);
        return;
    }
    if (r->response) MHD_destroy_response(r->response);
    r->response = resp;
    r->status = 200;
    MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE,
                            json_string_value(json_object_get(doc, "content_type")));
    MHD_add_response_header(resp, "Content-Disposition", cd);
    MHD_add_response_header(resp, "Cache-Control", "private, no-store");
    char etag[80];
    snprintf(etag, sizeof etag, "\"%s\"", json_string_value(json_object_get(doc, "sha256")));
    MHD_add_response_header(resp, "ETag", etag);
    gk_outcome_clear(&o);
}

/* issue 20: while the application is a draft; 200 with {id, deleted}. */
void gk_h_documents_delete(gk_request *r)
{
    GK_API_CALL(r, 200, gk_svc_doc_delete, r->params[0], r->params[1]);
}
