/* POST /api/v1/determinations (stateless, public) and the rule-set and category lists:
 * adapters of service/determinations.h. */
#include "http/handlers.h"
#include "db/rule_sets.h"
#include "http/service_call.h"
#include "service/determinations.h"

void gk_determinations_register(void)
{
    gk_rule_sets_register();
}

void gk_h_determinations_create(gk_request *r)
{
    gk_call call = gk_call_of(r);
    gk_determination_in in;
    gk_outcome out = {0};
    if (gk_svc_determination_read(&call, r->json, NULL, NULL, &in, &out.errors))
        gk_fail(&out, &call, GK_ERR_VALIDATION, NULL, NULL);
    else
        gk_svc_determine(&call, &in, NULL, &out);
    gk_reply_outcome(r, 200, &out);
}

void gk_h_rule_sets_list(gk_request *r)
{
    GK_API_CALL(r, 200, gk_svc_rule_sets_list);
}

void gk_h_rule_sets_get(gk_request *r)
{
    GK_API_CALL(r, 200, gk_svc_rule_sets_get, r->params[0]);
}

void gk_h_categories_list(gk_request *r)
{
    GK_API_CALL(r, 200, gk_svc_categories_list);
}

void gk_h_categories_get(gk_request *r)
{
    GK_API_CALL(r, 200, gk_svc_categories_get, r->params[0]);
}
