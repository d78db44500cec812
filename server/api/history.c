/* GET /api/v1/applications/{id}/history: every status change of the case, oldest first,
 * with who (id, name, role), when and why (application_events, append-only). */
#include "http/handlers.h"
#include "http/service_call.h"
#include "service/applications.h"

void gk_h_applications_history(gk_request *r)
{
    gk_call call = gk_call_of(r);
    gk_outcome o;
    gk_svc_app_history(&call, r->params[0], &o);
    gk_reply_outcome(r, 200, &o);
}
