/* Change applications (service/changes.h): POST /api/v1/certificates/{number}/changes. */
#include "http/handlers.h"

#include "http/reply.h"
#include "http/service_call.h"
#include "http/multipart.h"
#include "service/changes.h"
#include "service/documents.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Exhibits are read whole (photographs, summaries); a larger one is refused. */
#define EXHIBIT_MAX (64u * 1024u * 1024u)

void gk_h_certificate_changes_create(gk_request *r)
{
    gk_change_in in = {.number = r->params[0]};
    GK_API_OP(r, &gk_change_spec, &in, gk_svc_change_file, 201);
}

/* GET /api/v1/certificates/{number}/exhibits/{id}: the bytes of a public exhibit, for anyone. */
void gk_h_certificate_exhibit_get(gk_request *r)
{
    gk_call call = gk_call_of(r);
    gk_outcome o;
    gk_svc_exhibit_get(&call, r->params[0], r->params[1], &o);
    if (o.err != GK_ERR_OK) {
        gk_reply_outcome(r, 200, &o);
        return;
    }
    json_int_t size = json_integer_value(json_object_get(o.view, "size"));
    char *data =
        size >= 0 && (uint64_t)size <= EXHIBIT_MAX ? malloc((size_t)size + GK_DOC_CHUNK) : NULL;
    size_t len = 0, n = 0;
    bool ok = data != NULL;
    for (int seq = 0; ok; seq++) {
        if (!gk_svc_doc_chunk(r->params[1], seq, data + len, GK_DOC_CHUNK, &n)) ok = false;
        if (!ok || n == 0) break;
        len += n;
        if (len > (size_t)size) ok = false;
    }
    if (!ok || len != (size_t)size) {
        free(data);
        gk_outcome_clear(&o);
        gk_reply_problem(r, GK_ERR_INTERNAL, NULL, NULL);
        return;
    }
    char cd[2048], ct[300];
    const char *filename = json_string_value(json_object_get(o.view, "filename"));
    if (!gk_multipart_content_disposition(filename, cd, sizeof cd))
        snprintf(cd, sizeof cd, "attachment; filename=\"exhibit\"");
    const char *type = json_string_value(json_object_get(o.view, "content_type"));
    snprintf(ct, sizeof ct, "%s", type ? type : "application/octet-stream");
    const char *sha = json_string_value(json_object_get(o.view, "sha256"));
    char etag[80];
    snprintf(etag, sizeof etag, "\"%.64s\"", sha ? sha : "");
    gk_outcome_clear(&o);
    gk_reply_take(r, 200, ct, data, len);
    gk_reply_header(r, "Content-Disposition", cd);
    gk_reply_header(r, "ETag", etag);
}
