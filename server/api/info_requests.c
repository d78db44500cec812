/* Requests for information, the manufacturer's side: GET .../info-requests lists the
 * examiner's questions with their answers; POST .../info-requests/{rid}/response answers the
 * open one with text and documents (uploaded before with POST .../documents), and the case
 * goes back to in_review (gk_svc_app_respond). The examiner's side belongs to the
 * examination. */
#include "http/handlers.h"
#include "http/service_call.h"
#include "service/applications.h"

void gk_h_info_requests_list(gk_request *r)
{
    GK_API_CALL(r, 200, gk_svc_app_info_requests, r->params[0]);
}

void gk_h_info_requests_respond(gk_request *r)
{
    json_t *ids = r->json ? json_object_get(r->json, "document_ids") : NULL;
    gk_app_respond_in in = {.id = r->params[0],
                            .rid = r->params[1],
                            .document_ids = ids && !json_is_null(ids) ? ids : NULL};
    GK_API_OP(r, &gk_app_respond_spec, &in, gk_svc_app_respond, 200);
}
