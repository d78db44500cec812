/* GET /national: the national register across certification bodies (issue 17), the page of
 * GET /api/v1/national/certificates (service/national.h): the same filters, the same items,
 * the body as a filter and a column. The body choices are the bodies that have certificates
 * (the statistics' by_body). */
#include "http/handlers.h"

#include "http/service_call.h"
#include "service/national.h"
#include "web/page.h"

#include <string.h>

static json_t *opt_str(const char *s)
{
    return s && *s ? json_string(s) : json_null();
}

void gk_h_page_national(gk_request *r)
{
    static const char *const statuses[] = {"granted", "suspended", "revoked"};
    gk_call call = gk_call_of(r);
    gk_national_search_in in = {gk_req_query(r, "body"),   gk_req_query(r, "q"),
                                gk_req_query(r, "status"), gk_req_query(r, "category"),
                                gk_req_query(r, "limit"),  gk_req_query(r, "after")};
    json_t *model = json_object();
    json_object_set_new(model, "nav", json_pack("{s:s}", "national", "page"));
    json_object_set_new(model, "query",
                        json_pack("{s:o, s:o, s:o}", "q", opt_str(in.q), "body", opt_str(in.body),
                                  "status", opt_str(in.status)));
    json_t *st = json_array();
    for (size_t i = 0; i < sizeof statuses / sizeof *statuses; i++)
        json_array_append_new(st, json_pack("{s:s, s:b}", "value", statuses[i], "selected",
                                            in.status && !strcmp(in.status, statuses[i])));
    json_object_set_new(model, "statuses", st);

    gk_outcome counts = {0};
    gk_national_search_in all = {0};
    gk_svc_national_stats(&call, &all, &counts);
    json_t *bodies = json_array();
    size_t i;
    json_t *b;
    json_array_foreach(json_object_get(counts.view, "by_body"), i, b)
    {
        const char *code = json_string_value(json_object_get(b, "value"));
        json_array_append_new(bodies, json_pack("{s:s?, s:O, s:b}", "value", code, "count",
                                                json_object_get(b, "count"), "selected",
                                                code && in.body && !strcmp(code, in.body)));
    }
    json_object_set_new(model, "bodies", bodies);
    gk_outcome_clear(&counts);

    gk_outcome out = {0};
    unsigned status = 200;
    gk_svc_national_search(&call, &in, &out);
    if (out.err == GK_ERR_BAD_QUERY) {
        json_object_set(model, "errors", out.errors);
        json_object_set_new(model, "field_errors", gk_page_errors_by_key(out.errors));
        status = 400;
    } else if (out.err != GK_ERR_OK) {
        json_decref(model);
        gk_page_error(r, out.err, NULL);
        gk_outcome_clear(&out);
        return;
    } else {
        json_t *items = json_object_get(out.view, "items");
        json_object_set(model, "items", items);
        json_object_set_new(model, "shown", json_integer((json_int_t)json_array_size(items)));
        const char *next = json_string_value(json_object_get(out.view, "next"));
        if (next)
            json_object_set_new(model, "next",
                                json_pack("{s:s, s:o, s:o, s:o}", "after", next, "q", opt_str(in.q),
                                          "body", opt_str(in.body), "status", opt_str(in.status)));
    }
    gk_outcome_clear(&out);
    gk_page_render(r, status, "national", model);
}
