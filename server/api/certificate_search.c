/* GET /api/v1/certificates and GET /api/v1/stats: the regulator's list and its statistics
 * (public; service/registry.h). */
#include "http/handlers.h"

#include "db/registry.h"
#include "http/service_call.h"
#include "service/registry.h"

void gk_registry_register(void)
{
    gk_registry_db_register();
}

/* The registry's query from the request's parameters, then op on it. */
typedef void query_op(const gk_call *, const gk_cert_query *, gk_outcome *);

static void on_query(gk_request *r, query_op *op)
{
    gk_call call = gk_call_of(r);
    gk_outcome out = {0};
    gk_cert_query q;
    if (!gk_svc_registry_query(&call, gk_query_get, r, &q, &out)) op(&call, &q, &out);
    gk_reply_outcome(r, 200, &out);
}

void gk_h_certificates_list(gk_request *r)
{
    on_query(r, gk_svc_registry_list);
}

void gk_h_stats(gk_request *r)
{
    on_query(r, gk_svc_registry_stats);
}
