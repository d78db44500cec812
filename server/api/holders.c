/* Holder records (service/holders.h): GET/PUT /api/v1/organizations/me, GET
 * /api/v1/organizations/{id} for the staff. */
#include "http/handlers.h"

#include "http/reply.h"
#include "http/service_call.h"
#include "service/changes.h"
#include "service/holders.h"
#include "service/reports.h"

void gk_living_register(void)
{
    gk_svc_holders_register();
    gk_svc_changes_register();
    gk_svc_reports_register();
}

void gk_h_organization_get(gk_request *r)
{
    GK_API_CALL(r, 200, gk_svc_holder_get, r->params[0]);
}

void gk_h_organization_me_get(gk_request *r)
{
    GK_API_CALL(r, 200, gk_svc_holder_get, "me");
}

void gk_h_organization_me_put(gk_request *r)
{
    gk_holder_put_in in = {{0}};
    GK_API_OP(r, &gk_holder_put_spec, &in, gk_svc_holder_put, 200);
}

void gk_h_certificate_inspections_list(gk_request *r)
{
    GK_API_CALL(r, 200, gk_svc_inspections_list, r->params[0]);
}

void gk_h_certificate_inspections_create(gk_request *r)
{
    gk_inspection_in in = {.number = r->params[0]};
    GK_API_OP(r, &gk_inspection_spec, &in, gk_svc_inspection_add, 201);
}
