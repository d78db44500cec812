/* Change applications (service/changes.h): POST /api/v1/certificates/{number}/changes. */
#include "http/handlers.h"

#include "http/reply.h"
#include "http/service_call.h"
#include "service/changes.h"

void gk_h_certificate_changes_create(gk_request *r)
{
    gk_change_in in = {.number = r->params[0]};
    GK_API_OP(r, &gk_change_spec, &in, gk_svc_change_file, 201);
}
