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
    gk_cc_import_in in = {.status = gk_req_query(r, "status"),
                          .data = r->body ? r->body : "",
                          .len = r->body_len};
    GK_API_CALL(r, 200, gk_svc_cc_import, &in);
}

void gk_h_cc_certificates_list(gk_request *r)
{
    gk_cc_list_in in = {.q = gk_req_query(r, "q"),
                        .scheme = gk_req_query(r, "scheme"),
                        .status = gk_req_query(r, "status"),
                        .after = gk_req_query(r, "after"),
                        .limit = gk_req_query(r, "limit")};
    GK_API_CALL(r, 200, gk_svc_cc_list, &in);
}

void gk_h_cc_certificates_get(gk_request *r)
{
    GK_API_CALL(r, 200, gk_svc_cc_get, r->params[0], gk_req_query(r, "on"));
}
