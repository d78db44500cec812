#include "http/doc_upload.h"

#include "http/multipart.h"
#include "http/reply.h"
#include "http/service_call.h"
#include "http/service_idem.h"
#include "crypto/token.h"
#include "log.h"
#include "service/documents.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The body is spooled while it arrives and handed to the upload only once it is complete
 * (issue 18 item 6): a client that declares more bytes than it sends, or sends them slowly,
 * holds memory or a temporary file, never a database connection or transaction. The first
 * SPOOL_MEM bytes stay in memory; a larger body goes to an unlinked temporary file
 * (tmpfile(3): $TMPDIR is not consulted, it lives in /tmp). The route's cap (413) bounds both. */
#define SPOOL_MEM (256 * 1024)
#define FEED_BYTES (64 * 1024)

typedef struct {
    gk_doc_upload *u;
    gk_multipart mp;
    bool mp_open;
    char *mem;
    size_t mem_len;
    FILE *file;
    bool spool_failed;
} upload_state;

static void state_free(void *p)
{
    upload_state *st = p;
    if (!st) return;
    if (st->mp_open) gk_multipart_end(&st->mp);
    gk_svc_doc_upload_free(st->u);
    free(st->mem);
    if (st->file) fclose(st->file);
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

/* The request's spool (first chunk, or the end of an empty body). NULL when out of memory. */
static upload_state *state_of(gk_request *r)
{
    if (r->state) return r->state;
    upload_state *st = calloc(1, sizeof *st);
    if (!st) return NULL;
    r->state = st;
    r->state_free = state_free;
    return st;
}

static bool spool(upload_state *st, const char *data, size_t n)
{
    if (!st->file && st->mem_len + n <= SPOOL_MEM) {
        if (!st->mem && !(st->mem = malloc(SPOOL_MEM))) return false;
        memcpy(st->mem + st->mem_len, data, n);
        st->mem_len += n;
        return true;
    }
    if (!st->file) {
        st->file = tmpfile();
        if (!st->file) return false;
        if (st->mem_len && fwrite(st->mem, 1, st->mem_len, st->file) != st->mem_len) return false;
        free(st->mem);
        st->mem = NULL;
        st->mem_len = 0;
    }
    return fwrite(data, 1, n, st->file) == n;
}

/* The whole body is here: the upload starts (the case checked, its connection and
 * transaction taken) and the spooled body runs through the multipart parser into it. */
static void start(gk_request *r, upload_state *st)
{
    gk_call call = gk_call_of(r);
    st->u = gk_svc_doc_upload_begin(&call, r->params[0]);
    if (!st->u || !gk_svc_doc_upload_ok(st->u)) return;
    st->mp_open = gk_multipart_begin(&st->mp, r->conn, "file", sink, st->u);
    if (!st->mp_open) {
        mp_refuse(st);
        return;
    }
    if (st->mem_len && !gk_multipart_feed(&st->mp, st->mem, st->mem_len)) {
        mp_refuse(st);
        return;
    }
    if (!st->file) return;
    rewind(st->file);
    char *buf = malloc(FEED_BYTES);
    if (!buf) {
        gk_svc_doc_upload_refuse(st->u, GK_ERR_INTERNAL, NULL, NULL);
        return;
    }
    size_t n;
    while (st->mp_open && gk_svc_doc_upload_ok(st->u) &&
           (n = fread(buf, 1, FEED_BYTES, st->file)) > 0) {
        if (!gk_multipart_feed(&st->mp, buf, n)) mp_refuse(st);
    }
    if (ferror(st->file)) gk_svc_doc_upload_refuse(st->u, GK_ERR_INTERNAL, NULL, NULL);
    free(buf);
}

bool gk_http_doc_upload_chunk(gk_request *r, const char *data, size_t size)
{
    upload_state *st = state_of(r);
    if (!st || (!st->spool_failed && !spool(st, data, size))) {
        if (st) st->spool_failed = true;
        gk_log("error", "cannot spool an upload", NULL);
        gk_reply_problem(r, GK_ERR_INTERNAL, NULL, NULL);
        return false;
    }
    return true; /* refusals are answered at the end */
}

void gk_http_doc_upload_end(gk_request *r, gk_outcome *out)
{
    memset(out, 0, sizeof *out);
    gk_call call = gk_call_of(r);
    upload_state *st = state_of(r); /* an empty body has none yet */
    if (st) start(r, st);
    if (!st || !st->u) {
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
    if (r->csrf_in_body) { /* the page's form: its token, before anything is kept */
        const char *got = gk_multipart_field(&st->mp, "csrf_token");
        if (!got || !r->user.csrf_token || !gk_token_equal(r->user.csrf_token, got)) {
            gk_fail(out, &call, GK_ERR_CSRF, NULL,
                    got ? "http.csrf.mismatch" : "http.csrf.missing");
            return;
        }
    }
    /* The content decides the type; a name that says otherwise (evil.pdf holding text) is
     * refused naming the file field (issue 20). */
    if (st->mp_open && gk_svc_doc_upload_ok(st->u) && st->mp.content_type &&
        !gk_multipart_name_matches(st->mp.filename, st->mp.content_type))
        gk_svc_doc_upload_refuse(st->u, GK_ERR_VALIDATION, "file", "ux.upload.type_mismatch");
    gk_doc_upload_in in = {.filename = st->mp.filename, .content_type = st->mp.content_type};
    for (size_t i = 0; i < gk_doc_upload_spec.n; i++) {
        const gk_field *f = &gk_doc_upload_spec.fields[i];
        *(const char **)((char *)&in + (uintptr_t)f->out) = gk_multipart_field(&st->mp, f->path);
    }
    /* The page's radio buttons: "confidential_until" with its date in a field of its own. */
    const char *until = gk_multipart_field(&st->mp, "confidential_until");
    if (in.confidentiality && !strcmp(in.confidentiality, "confidential_until") && until && *until)
        in.confidentiality = gk_req_printf(r, "confidential_until:%s", until);
    gk_http_idem idem;
    gk_error e = GK_ERR_OK;
    if (gk_svc_doc_upload_ok(st->u)) in.idem = gk_http_idem_of(r, false, &idem, &e);
    if (e != GK_ERR_OK)
        gk_fail(out, &call, e == GK_ERR_BAD_REQUEST ? e : GK_ERR_INTERNAL,
                e == GK_ERR_BAD_REQUEST ? "Idempotency-Key" : NULL, "applications.idem_key");
    else
        gk_svc_doc_upload_finish(st->u, &in, out);
}
