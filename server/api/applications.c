/* Applications (docs/openapi.yaml "Applications"): create, list, get, PATCH a draft (ETag/If-Match),
 * submit, withdraw. Adapters of service/applications.h. */
#include "http/handlers.h"
#include "http/reply.h"
#include "http/service_call.h"
#include "http/service_idem.h"
#include "service/applications.h"

void gk_applications_register(void)
{
    gk_svc_applications_register();
    gk_idem_register();
}

void gk_h_applications_create(gk_request *r)
{
    gk_call call = gk_call_of(r);
    gk_outcome o = {0};
    gk_http_idem st;
    gk_error e;
    gk_app_create_in in = {.doc = r->json, .idem = gk_http_idem_of(r, true, &st, &e)};
    if (e != GK_ERR_OK)
        gk_fail(&o, &call, e == GK_ERR_BAD_REQUEST ? e : GK_ERR_INTERNAL,
                e == GK_ERR_BAD_REQUEST ? "Idempotency-Key" : NULL, "applications.idem_key");
    else
        gk_svc_app_create(&call, &in, &o);
    gk_reply_outcome(r, 201, &o);
}

void gk_h_applications_patch(gk_request *r)
{
    gk_app_update_in in = {.id = r->params[0],
                           .patch = r->json,
                           .if_match = gk_req_header(r, "If-Match")};
    GK_API_CALL(r, 200, gk_svc_app_update, &in);
}

void gk_h_applications_submit(gk_request *r)
{
    GK_API_CALL(r, 200, gk_svc_app_submit, r->params[0]);
}

void gk_h_applications_withdraw(gk_request *r)
{
    gk_app_withdraw_in in = {.id = r->params[0]};
    GK_API_OP(r, &gk_app_withdraw_spec, &in, gk_svc_app_withdraw, 200);
}

void gk_h_applications_get(gk_request *r)
{
    GK_API_CALL(r, 200, gk_svc_app_get, r->params[0]);
}

void gk_h_applications_list(gk_request *r)
{
    gk_app_list_in in = {.limit = gk_req_query(r, "limit"),
                         .after = gk_req_query(r, "after"),
                         .status = gk_req_query(r, "status")};
    GK_API_CALL(r, 200, gk_svc_app_list, &in);
}
