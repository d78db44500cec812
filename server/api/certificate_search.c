/* GET /api/v1/certificates and GET /api/v1/stats: the regulator's list and its statistics
 * (public; service/registry.h). */
#include "http/handlers.h"

#include "db/registry.h"
#include "http/reply.h"
#include "http/service_call.h"
#include "service/registry.h"

void gk_registry_register(void)
{
    gk_registry_db_register();
}

static const char *query_get(void *ctx, const char *name)
{
    return gk_req_query(ctx, name);
}

void gk_h_certificates_list(gk_request *r)
{
    gk_call call = gk_call_of(r);
    gk_outcome out = {0};
    gk_cert_query q;
    if (!gk_svc_registry_query(&call, query_get, r, &q, &out))
        gk_svc_registry_list(&call, &q, &out);
    gk_reply_outcome(r, 200, &out);
}

void gk_h_stats(gk_request *r)
{
    gk_call call = gk_call_of(r);
    gk_outcome out = {0};
    gk_cert_query q;
    if (!gk_svc_registry_query(&call, query_get, r, &q, &out))
        gk_svc_registry_stats(&call, &q, &out);
    gk_reply_outcome(r, 200, &out);
}
