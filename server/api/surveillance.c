/* Market-surveillance cases (service/surveillance.h): open, list, read, and one route per
 * step. Each step route reads its own field spec and runs the same operation. */
#include "cc/form.h"
#include "http/handlers.h"
#include "http/multipart.h"
#include "http/reply.h"
#include "http/service_call.h"
#include "http/service_idem.h"
#include "service/surveillance.h"

#include <ctype.h>
#include <stdlib.h>

void gk_surveillance_register(void)
{
    gk_svc_surveillance_register();
}

void gk_h_surveillance_create(gk_request *r)
{
    gk_http_idem st;
    gk_error e;
    gk_sv_open_in in = {.idem = gk_http_idem_of(r, true, &st, &e)};
    if (e != GK_ERR_OK) {
        gk_call call = gk_call_of(r);
        gk_outcome o = {0};
        gk_fail(&o, &call, e == GK_ERR_BAD_REQUEST ? e : GK_ERR_INTERNAL,
                e == GK_ERR_BAD_REQUEST ? "Idempotency-Key" : NULL, "surveillance.idem_key");
        gk_reply_outcome(r, 201, &o);
        return;
    }
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
    json_t *ids = r->json ? json_object_get(r->json, "evidence_ids") : NULL;
    gk_sv_step_in in = {.id = r->params[0], .event = ev, .evidence_ids = ids};
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

/* ---- evidence files ---------------------------------------------------------------------- */

/* POST .../evidence: multipart/form-data with one part "file" (held in memory: the route caps
 * the body). The type comes from the bytes, the name is sanitised metadata. */
void gk_h_surveillance_evidence_add(gk_request *r)
{
    gk_call call = gk_call_of(r);
    gk_outcome o = {0};
    char boundary[71];
    gk_cc_form_part parts[8];
    int n = -1;
    if (gk_cc_form_boundary(gk_req_header(r, MHD_HTTP_HEADER_CONTENT_TYPE), boundary))
        n = gk_cc_form_parse(boundary, r->body ? r->body : "", r->body_len, parts, 8);
    const gk_cc_form_part *file = n > 0 ? gk_cc_form_find(parts, n, "file") : NULL;
    if (!file || !file->has_filename || !file->len) {
        gk_fail(&o, &call, GK_ERR_VALIDATION, "file", "surveillance.error.file");
        gk_reply_outcome(r, 201, &o);
        return;
    }
    const char *type = gk_multipart_sniff((const unsigned char *)file->data, file->len, NULL, true);
    if (!type) {
        gk_fail(&o, &call, GK_ERR_UNSUPPORTED_MEDIA_TYPE, "file", "surveillance.error.file_type");
        gk_reply_outcome(r, 201, &o);
        return;
    }
    char name[GK_MP_FILENAME_MAX];
    gk_multipart_sanitize_filename(file->filename, name, sizeof name);
    gk_sv_evidence_in in = {.id = r->params[0],
                            .filename = name,
                            .media_type = type,
                            .data = file->data,
                            .len = file->len};
    gk_svc_sv_evidence_add(&call, &in, &o);
    gk_reply_outcome(r, 201, &o);
}

void gk_h_surveillance_evidence_get(gk_request *r)
{
    gk_call call = gk_call_of(r);
    gk_sv_file f;
    gk_error e = gk_svc_sv_evidence_get(&call, r->params[0], r->params[1], &f);
    if (e != GK_ERR_OK) {
        free(f.data);
        gk_reply_problem(r, e, NULL, NULL);
        return;
    }
    /* An ASCII name for the header (the stored name may be any text). */
    char safe[256];
    size_t k = 0;
    for (const char *p = f.filename; *p && k + 1 < sizeof safe; p++)
        safe[k++] = isalnum((unsigned char)*p) || *p == '.' || *p == '-' || *p == '_' ? *p : '_';
    safe[k] = 0;
    gk_reply_take(r, 200, f.media_type, f.data, f.len);
    gk_reply_header(r, "Content-Disposition",
                    gk_req_printf(r, "attachment; filename=\"%s\"", k ? safe : "evidence"));
}
