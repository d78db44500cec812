/* The national view (issue 17): GET /api/v1/national/certificates (the search across every
 * body the aggregator pulls, with the body as a filter and a column), /national/stats,
 * /national/rejections and /national/bodies (regulator, admin). service/national.h. */
#include "http/handlers.h"

#include "http/service_call.h"
#include "service/national.h"

void gk_national_register(void)
{
    gk_svc_national_register();
}

static gk_national_search_in search_in(gk_request *r)
{
    return (gk_national_search_in){gk_req_query(r, "body"),   gk_req_query(r, "q"),
                                   gk_req_query(r, "status"), gk_req_query(r, "category"),
                                   gk_req_query(r, "limit"),  gk_req_query(r, "after")};
}

void gk_h_national_certificates(gk_request *r)
{
    gk_call call = gk_call_of(r);
    gk_outcome out = {0};
    gk_national_search_in in = search_in(r);
    gk_svc_national_search(&call, &in, &out);
    gk_reply_outcome(r, 200, &out);
}

void gk_h_national_stats(gk_request *r)
{
    gk_call call = gk_call_of(r);
    gk_outcome out = {0};
    gk_national_search_in in = search_in(r);
    gk_svc_national_stats(&call, &in, &out);
    gk_reply_outcome(r, 200, &out);
}

void gk_h_national_rejections(gk_request *r)
{
    gk_call call = gk_call_of(r);
    gk_outcome out = {0};
    gk_national_rejections_in in = {gk_req_query(r, "body"), gk_req_query(r, "limit")};
    gk_svc_national_rejections(&call, &in, &out);
    gk_reply_outcome(r, 200, &out);
}

void gk_h_national_bodies(gk_request *r)
{
    gk_call call = gk_call_of(r);
    gk_outcome out = {0};
    gk_svc_national_bodies(&call, &out);
    gk_reply_outcome(r, 200, &out);
}
