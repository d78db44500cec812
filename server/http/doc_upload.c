#include "http/doc_upload.h"

#include "http/multipart.h"
#include "http/reply.h"
#include "http/service_call.h"
#include "http/service_idem.h"
#include "service/documents.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    gk_doc_upload *u;
    gk_multipart mp;
    bool mp_open;
} upload_state;

static void state_free(void *p)
{
    upload_state *st = p;
    if (!st) return;
    if (st->mp_open) gk_multipart_end(&st->mp);
    gk_svc_doc_upload_free(st->u);
    free(st);
}

static bool sink(void *ctx, const char *data, size_t n)
{
    return gk_svc_doc_upload_write(ctx, data, n);
}

static void mp_refuse(upload_state *st)
{
    const gk_multipart *mp = &st->mp;
    gk_error e = mp->error == GK_ERR_OK ? GK_ERR_INTERNAL : mp->error;
    gk_svc_doc_upload_refuse(st->u, e, e == GK_ERR_INTERNAL ? NULL : mp->error_field,
                             mp->error_key);
    gk_multipart_end(&st->mp);
    st->mp_open = false;
}

/* The first chunk (or the end of an empty body). NULL only when out of memory. */
static upload_state *start(gk_request *r)
{
    upload_state *st = calloc(1, sizeof *st);
    gk_call call = gk_call_of(r);
    if (st) st->u = gk_svc_doc_upload_begin(&call, r->params[0]);
    if (!st || !st->u) {
        free(st);
        return NULL;
    }
    r->state = st;
    r->state_free = state_free;
    if (gk_svc_doc_upload_ok(st->u)) {
        st->mp_open = gk_multipart_begin(&st->mp, r->conn, "file", sink, st->u);
        if (!st->mp_open) mp_refuse(st);
    }
    return st;
}

bool gk_http_doc_upload_chunk(gk_request *r, const char *data, size_t size)
{
    upload_state *st = r->state ? r->state : start(r);
    if (!st) {
        gk_reply_problem(r, GK_ERR_INTERNAL, NULL, NULL);
        return false;
    }
    if (st->mp_open && gk_svc_doc_upload_ok(st->u) && !gk_multipart_feed(&st->mp, data, size))
        mp_refuse(st);
    return true; /* refusals are answered at the end */
}

void gk_http_doc_upload_end(gk_request *r, gk_outcome *out)
{
    memset(out, 0, sizeof *out);
    gk_call call = gk_call_of(r);
    upload_state *st = r->state ? r->state : start(r); /* an empty body starts here */
    if (!st) {
        gk_fail(out, &call, GK_ERR_INTERNAL, NULL, NULL);
        return;
    }
    if (st->mp_open && gk_svc_doc_upload_ok(st->u) && st->mp.pp) {
        /* Destroying the parser flushes what it still holds; MHD_NO: the body was cut. */
        bool clean = MHD_destroy_post_processor(st->mp.pp) == MHD_YES;
        st->mp.pp = NULL;
        if (!clean && st->mp.error == GK_ERR_OK)
            gk_svc_doc_upload_refuse(st->u, GK_ERR_BAD_REQUEST, "body",
                                     "applications.body_incomplete");
        else if (st->mp.error != GK_ERR_OK)
            mp_refuse(st);
    }
    if (st->mp_open && gk_svc_doc_upload_ok(st->u) && !gk_multipart_finish(&st->mp)) mp_refuse(st);
    gk_doc_upload_in in = {.filename = st->mp.filename, .content_type = st->mp.content_type};
    for (size_t i = 0; i < gk_doc_upload_spec.n; i++) {
        const gk_field *f = &gk_doc_upload_spec.fields[i];
        *(const char **)((char *)&in + (uintptr_t)f->out) = gk_multipart_field(&st->mp, f->path);
    }
    gk_http_idem idem;
    gk_error e = GK_ERR_OK;
    if (gk_svc_doc_upload_ok(st->u)) in.idem = gk_http_idem_of(r, false, &idem, &e);
    if (e != GK_ERR_OK)
        gk_fail(out, &call, e == GK_ERR_BAD_REQUEST ? e : GK_ERR_INTERNAL,
                e == GK_ERR_BAD_REQUEST ? "Idempotency-Key" : NULL, "applications.idem_key");
    else
        gk_svc_doc_upload_finish(st->u, &in, out);
}
