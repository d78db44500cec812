/* Requests for information, the manufacturer's side: GET .../info-requests lists the
 * examiner's questions with their answers; POST .../info-requests/{rid}/response answers the
 * open one with text and documents (uploaded before with POST .../documents), and the case
 * goes back to in_review (gk_svc_app_respond). The examiner's side belongs to the
 * examination. */
#include "http/handlers.h"
#include "http/fields.h"
#include "http/service_call.h"
#include "service/applications.h"

void gk_h_info_requests_list(gk_request *r)
{
    gk_call call = gk_call_of(r);
    gk_outcome o;
    gk_svc_app_info_requests(&call, r->params[0], &o);
    gk_reply_outcome(r, 200, &o);
}

void gk_h_info_requests_respond(gk_request *r)
{
    gk_call call = gk_call_of(r);
    json_t *ids = r->json ? json_object_get(r->json, "document_ids") : NULL;
    gk_app_respond_in in = {.id = r->params[0], .rid = r->params[1],
                            .document_ids = ids && !json_is_null(ids) ? ids : NULL};
    gk_outcome o = {0};
    if (gk_fields_read_into(r, gk_app_respond_fields, gk_app_respond_n_fields, &in, &o.errors))
        gk_fail(&o, &call, GK_ERR_VALIDATION, NULL, NULL);
    else
        gk_svc_app_respond(&call, &in, &o);
    gk_reply_outcome(r, 200, &o);
}
