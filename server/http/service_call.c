#include "http/service_call.h"

#include "http/reply.h"

#include <stdio.h>
#include <stdarg.h>
#include <string.h>

gk_call gk_call_of(gk_request *r)
{
    return (gk_call){
        .user = r->user,
        .lang = r->lang,
        .arena = &r->arena,
        .client_addr = gk_req_client_addr(r),
        .idempotency_key = gk_req_header(r, "Idempotency-Key"),
    };
}

bool gk_read_input(gk_request *r, const gk_call *call, const gk_spec *spec, void *in, gk_outcome *o)
{
    if (spec && gk_spec_read(r, spec, in, &o->errors) && !spec->op_checks)
        gk_fail(o, call, GK_ERR_VALIDATION, NULL, NULL);
    return o->err == GK_ERR_OK;
}

const char *gk_query_get(void *ctx, const char *name)
{
    return gk_req_query(ctx, name);
}

void gk_reply_retry_after(gk_request *r, long seconds)
{
    char v[24];
    snprintf(v, sizeof v, "%ld", seconds > 0 ? seconds : 1);
    gk_reply_header(r, MHD_HTTP_HEADER_RETRY_AFTER, v);
}

void gk_reply_outcome(gk_request *r, unsigned ok_status, gk_outcome *o)
{
    if (o->replayed) {
        const char *body = o->replay_body ? o->replay_body : "";
        gk_reply_bytes(r, o->status, o->replay_type ? o->replay_type : "application/json", body,
                       strlen(body));
        if (o->location) gk_reply_header(r, "Location", o->location);
        gk_reply_header(r, "Idempotent-Replayed", "true");
    } else if (o->err != GK_ERR_OK) {
        gk_reply_problem(r, o->err, o->detail, o->errors);
        o->errors = NULL;
        if (o->retry_after > 0) gk_reply_retry_after(r, o->retry_after);
    } else {
        gk_reply_json(r, o->status ? o->status : ok_status, o->view ? o->view : json_object());
        o->view = NULL;
        if (o->etag) gk_reply_header(r, "ETag", o->etag);
        if (o->location) gk_reply_header(r, "Location", o->location);
    }
    gk_outcome_clear(o);
}

const char *gk_req_msgf(gk_request *r, const char *key, ...)
{
    gk_call call = {.lang = r->lang, .arena = &r->arena};
    va_list ap;
    va_start(ap, key);
    const char *s = gk_call_vmsgf(&call, key, ap);
    va_end(ap);
    return s;
}
