/* The printable report to the Minister (issue 16): /reports/certifications?from=&to= for the
 * regulator and the admin, the period's events in the layout of a formal report, the
 * submissions recorded and what changed since; a form marks the period submitted. */
#include "http/handlers.h"

#include "http/fields.h"
#include "http/reply.h"
#include "http/service_call.h"
#include "service/reports.h"
#include "web/page.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

/* The first and last day of the current month (UTC), for a page opened without a period. */
static void this_month(char from[16], char to[16])
{
    time_t now = time(NULL);
    struct tm t;
    gmtime_r(&now, &t);
    static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    unsigned y = (unsigned)(t.tm_year + 1900) % 10000u, mo = (unsigned)(t.tm_mon % 12) + 1;
    unsigned last =
        (unsigned)days[mo - 1] + (mo == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0));
    snprintf(from, 16, "%04u-%02u-01", y, mo);
    snprintf(to, 16, "%04u-%02u-%02u", y, mo, last);
}

static void render(gk_request *r, unsigned status, const char *from, const char *to,
                   const char *error)
{
    gk_call call = gk_call_of(r);
    gk_report_in in = {.from = from, .to = to};
    gk_outcome o;
    gk_svc_report_get(&call, &in, &o);
    json_t *report = gk_page_view(r, &o);
    if (!report) return;
    gk_outcome l;
    gk_svc_report_submissions(&call, &l);
    json_t *subs = gk_page_view(r, &l);
    if (!subs) {
        json_decref(report);
        return;
    }
    json_t *m = json_pack("{s:o, s:O, s:{s:s, s:s}, s:{s:s}}", "report", report, "submissions",
                          json_object_get(subs, "items"), "period", "from", from, "to", to, "nav",
                          "reports", "page");
    json_decref(subs);
    if (m && error) json_object_set_new(m, "error", json_string(error));
    if (m && gk_req_query(r, "done"))
        json_object_set_new(m, "notice", json_string(gk_call_msg(&call, "reports.page.submitted")));
    gk_page_render(r, status, "report", m);
}

void gk_h_page_report(gk_request *r)
{
    char from[16], to[16];
    this_month(from, to);
    const char *f = gk_req_query(r, "from"), *t = gk_req_query(r, "to");
    render(r, 200, f && *f ? f : from, t && *t ? t : to, NULL);
}

static void again(gk_request *r, gk_outcome *o, const void *ctx)
{
    (void)ctx;
    gk_call call = gk_call_of(r);
    char from[16], to[16];
    this_month(from, to);
    render(r, 200, from, to, o->detail ? o->detail : gk_error_title(o->err, call.lang));
}

static void done(gk_request *r, const void *ctx, gk_outcome *o)
{
    (void)ctx;
    const char *url = "/reports/certifications?done=submitted";
    if (o->err == GK_ERR_OK) {
        const char *f = json_string_value(json_object_get(o->view, "from"));
        const char *t = json_string_value(json_object_get(o->view, "to"));
        if (f && t)
            url = gk_req_printf(r, "/reports/certifications?from=%.10s&to=%.10s&done=submitted", f,
                                t);
    }
    gk_page_form_done(r, o, url, again, NULL);
}

void gk_h_page_report_submit(gk_request *r)
{
    gk_report_in in = {0};
    GK_OP(r, &gk_report_submit_spec, &in, gk_svc_report_submit, done, NULL);
}
