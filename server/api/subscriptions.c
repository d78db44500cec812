/* The subscriptions API (issue 19): subscribe an address to a register search (double
 * opt-in), confirm, unsubscribe. The work is in service/subscriptions.h. */
#include "http/handlers.h"

#include "http/service_call.h"
#include "service/subscriptions.h"

void gk_h_subscriptions_create(gk_request *r)
{
    gk_sub_input in = {0};
    GK_API_OP(r, &gk_sub_spec, &in, gk_svc_sub_create, 202);
}

void gk_h_subscriptions_confirm(gk_request *r)
{
    gk_sub_token_input in = {0};
    GK_API_OP(r, &gk_sub_token_spec, &in, gk_svc_sub_confirm, 200);
}

void gk_h_subscriptions_unsubscribe(gk_request *r)
{
    gk_sub_token_input in = {0};
    GK_API_OP(r, &gk_sub_token_spec, &in, gk_svc_sub_unsubscribe, 200);
}
