#include "http/service_call.h"

#include "http/reply.h"

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

void gk_reply_outcome(gk_request *r, unsigned ok_status, gk_outcome *o)
{
    if (o->replayed) {
        const char *body = o->replay_body ? o->replay_body : "";
        gk_reply_bytes(r, o->status, o->replay_type ? o->replay_type : "application/json",
                       body, strlen(body));
        if (o->location) gk_reply_header(r, "Location", o->location);
        gk_reply_header(r, "Idempotent-Replayed", "true");
    } else if (o->err != GK_ERR_OK) {
        gk_reply_problem(r, o->err, o->detail, o->errors);
        o->errors = NULL;
    } else {
        gk_reply_json(r, o->status ? o->status : ok_status, o->view ? o->view : json_object());
        o->view = NULL;
        if (o->etag) gk_reply_header(r, "ETag", o->etag);
        if (o->location) gk_reply_header(r, "Location", o->location);
    }
    gk_outcome_clear(o);
}
