/* The signed audit checkpoints, public (issue 18 item 15): GET /api/v1/audit/checkpoints. */
#include "http/handlers.h"
#include "http/service_call.h"
#include "service/audit_checkpoints.h"

void gk_audit_checkpoints_register(void)
{
    gk_svc_audit_checkpoints_register();
}

void gk_h_audit_checkpoints(gk_request *r)
{
    GK_API_CALL(r, 200, gk_svc_audit_checkpoints_list);
}
