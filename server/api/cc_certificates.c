/* The Common Criteria registry API: import of the CC Portal CSV (examiners, admins) and the
 * public search and detail: adapters of service/cc.h. */
#include "http/handlers.h"
#include "db/cc.h"
#include "http/service_call.h"
#include "service/cc.h"

void gk_cc_certificates_register(void)
{
    gk_cc_db_register();
}

void gk_h_cc_certificates_import(gk_request *r)
{
    gk_call call = gk_call_of(r);
    gk_cc_import_in in = {.status = gk_req_query(r, "status"),
                          .data = r->body ? r->body : "",
                          .len = r->body_len};
    gk_outcome out = {0};
    gk_svc_cc_import(&call, &in, &out);
    gk_reply_outcome(r, 200, &out);
}

/* The search parameters of a query (the API and the page read the same ones). */
static gk_cc_list_in list_in(gk_request *r)
{
    return (gk_cc_list_in){.q = gk_req_query(r, "q"),
                           .scheme = gk_req_query(r, "scheme"),
                           .status = gk_req_query(r, "status"),
                           .after = gk_req_query(r, "after"),
                           .limit = gk_req_query(r, "limit")};
}

void gk_h_cc_certificates_list(gk_request *r)
{
    gk_call call = gk_call_of(r);
    gk_cc_list_in in = list_in(r);
    gk_outcome out = {0};
    gk_svc_cc_list(&call, &in, &out);
    gk_reply_outcome(r, 200, &out);
}

void gk_h_cc_certificates_get(gk_request *r)
{
    gk_call call = gk_call_of(r);
    gk_outcome out = {0};
    gk_svc_cc_get(&call, r->params[0], gk_req_query(r, "on"), &out);
    gk_reply_outcome(r, 200, &out);
}
