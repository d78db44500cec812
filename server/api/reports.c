/* Reports to the Minister (service/reports.h): GET /api/v1/reports/certifications
 * ?from=&to=&format=json|csv|xml, and the submissions. */
#include "http/handlers.h"

#include "http/reply.h"
#include "http/service_call.h"
#include "service/reports.h"

#include <string.h>

void gk_h_reports_certifications(gk_request *r)
{
    gk_call call = gk_call_of(r);
    gk_report_in in = {.from = gk_req_query(r, "from"),
                       .to = gk_req_query(r, "to"),
                       .format = gk_req_query(r, "format")};
    gk_outcome out = {0};
    gk_svc_report_get(&call, &in, &out);
    if (out.err != GK_ERR_OK || !in.format || !*in.format || !strcmp(in.format, "json")) {
        gk_reply_outcome(r, 200, &out);
        return;
    }
    size_t len = 0;
    char *file = gk_svc_report_file(out.view, in.format, &len);
    gk_outcome_clear(&out);
    if (!file) {
        gk_reply_problem(r, GK_ERR_INTERNAL, NULL, NULL);
        return;
    }
    gk_reply_take(r, 200, gk_svc_report_media_type(in.format), file, len);
}

void gk_h_reports_submissions_create(gk_request *r)
{
    gk_report_in in = {0};
    GK_API_OP(r, &gk_report_submit_spec, &in, gk_svc_report_submit, 201);
}

void gk_h_reports_submissions_list(gk_request *r)
{
    GK_API_CALL(r, 200, gk_svc_report_submissions);
}
