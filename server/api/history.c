/* GET /api/v1/applications/{id}/history: every status change of the case, oldest first,
 * with who (id, name, role), when and why (application_events, append-only). */
#include "http/handlers.h"
#include "http/service_call.h"
#include "service/applications.h"

void gk_h_applications_history(gk_request *r)
{
    GK_API_CALL(r, 200, gk_svc_app_history, r->params[0]);
}
