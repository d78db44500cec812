/* Market-surveillance cases (service/surveillance.h): open, list, read, and one route per
 * step. Each step route reads its own field spec and runs the same operation. */
#include "http/handlers.h"
#include "http/service_call.h"
#include "service/surveillance.h"

#include <stdlib.h>

void gk_surveillance_register(void)
{
    gk_svc_surveillance_register();
}

void gk_h_surveillance_create(gk_request *r)
{
    gk_sv_open_in in = {0};
    GK_API_OP(r, &gk_sv_open_spec, &in, gk_svc_sv_open, 201);
}

void gk_h_surveillance_list(gk_request *r)
{
    const char *limit = gk_req_query(r, "limit");
    gk_sv_list_in in = {.status = gk_req_query(r, "status"),
                        .certificate = gk_req_query(r, "certificate"),
                        .after = gk_req_query(r, "after"),
                        .limit = limit ? atoi(limit) : 50};
    GK_API_CALL(r, 200, gk_svc_sv_list, &in);
}

void gk_h_surveillance_get(gk_request *r)
{
    GK_API_CALL(r, 200, gk_svc_sv_get, r->params[0]);
}

static void step(gk_request *r, gk_sv_event ev, const gk_spec *spec)
{
    gk_sv_step_in in = {.id = r->params[0], .event = ev};
    GK_API_OP(r, spec, &in, gk_svc_sv_step, 200);
}

void gk_h_surveillance_purchase(gk_request *r)
{
    step(r, GK_SV_EV_RECORD_PURCHASE, &gk_sv_purchase_spec);
}

void gk_h_surveillance_test(gk_request *r)
{
    step(r, GK_SV_EV_RECORD_TEST, &gk_sv_test_spec);
}

void gk_h_surveillance_finding(gk_request *r)
{
    step(r, GK_SV_EV_RECORD_FINDING, &gk_sv_text_spec);
}

void gk_h_surveillance_response(gk_request *r)
{
    step(r, GK_SV_EV_RESPOND, &gk_sv_text_spec);
}

void gk_h_surveillance_corrective(gk_request *r)
{
    step(r, GK_SV_EV_REQUIRE_CORRECTIVE_ACTION, &gk_sv_text_spec);
}

void gk_h_surveillance_close(gk_request *r)
{
    step(r, GK_SV_EV_CLOSE_NO_FINDING, &gk_sv_close_spec); /* the outcome decides */
}

void gk_h_surveillance_order(gk_request *r)
{
    step(r, GK_SV_EV_ISSUE_ORDER, &gk_sv_order_spec);
}
