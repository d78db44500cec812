/* The CC registry pages: search (GET form, bookmarkable), detail with recognition and
 * validity explained, and the import upload for examiners. Same operations and the same view
 * model as the API (service/cc.h).
 *
 * The upload posts multipart/form-data (a browser cannot post text/csv from a form). The
 * dispatcher hands us the whole body (capped at upload_max) and cc/form.c finds the parts in
 * place; see cc/form.h for why not MHD_PostProcessor. */
#include "http/handlers.h"
#include "cc/form.h"
#include "crypto/token.h"
#include "http/reply.h"
#include "http/service_call.h"
#include "service/cc.h"
#include "web/page.h"

#include <string.h>

static bool can_import(const gk_request *r)
{
    return r->user.role == GK_ROLE_EXAMINER || r->user.role == GK_ROLE_ADMIN;
}

void gk_h_page_cc_list(gk_request *r)
{
    gk_call call = gk_call_of(r);
    gk_cc_list_in in = {.q = gk_req_query(r, "q"),
                        .scheme = gk_req_query(r, "scheme"),
                        .status = gk_req_query(r, "status"),
                        .after = gk_req_query(r, "after"),
                        .limit = gk_req_query(r, "limit")};
    gk_outcome out = {0};
    gk_svc_cc_list(&call, &in, &out);
    bool bad = out.err == GK_ERR_BAD_QUERY;
    if (out.err != GK_ERR_OK && !bad) {
        gk_page_error(r, out.err, NULL);
        gk_outcome_clear(&out);
        return;
    }
    json_t *model = out.view ? json_incref(out.view) : json_pack("{s:[], s:n}", "items", "next");
    json_t *errs = out.errors ? json_incref(out.errors) : json_array();
    gk_outcome_clear(&out);
    const char *status = gk_req_query(r, "status");
    json_object_set_new(model, "query",
                        json_pack("{s:s, s:s, s:s, s:b, s:b}", "q", gk_req_query(r, "q") ?: "",
                                  "scheme", gk_req_query(r, "scheme") ?: "", "status", status ?: "",
                                  "active", status && !strcmp(status, "active"), "archived",
                                  status && !strcmp(status, "archived")));
    json_object_set_new(model, "errors", errs);
    json_object_set_new(model, "can_import", json_boolean(can_import(r)));
    gk_page_render(r, bad ? 400 : 200, "cc_list", model);
}

void gk_h_page_cc_detail(gk_request *r)
{
    gk_call call = gk_call_of(r);
    gk_outcome out = {0};
    const char *on_error = NULL;
    gk_svc_cc_get(&call, r->params[0], gk_req_query(r, "on"), &out);
    if (out.err == GK_ERR_BAD_QUERY) {
        /* Show the certificate on today's date, with the error next to the date field. */
        on_error = json_string_value(json_object_get(json_array_get(out.errors, 0), "message"));
        on_error = on_error ? gk_req_strdup(r, on_error) : NULL;
        gk_outcome_clear(&out);
        gk_svc_cc_get(&call, r->params[0], NULL, &out);
    }
    json_t *cert = gk_page_view(r, &out);
    if (!cert) return;
    json_t *model = json_pack("{s:o, s:o}", "cert", cert, "on_error",
                              on_error ? json_string(on_error) : json_null());
    gk_page_render(r, on_error ? 400 : 200, "cc_detail", model);
}

static json_t *import_model(bool archived, json_t *errs, json_t *report)
{
    json_t *m = json_pack("{s:b, s:b, s:o}", "active", !archived, "archived", archived, "errors",
                          errs ? errs : json_array());
    if (m && report) json_object_set_new(m, "report", report);
    return m;
}

void gk_h_page_cc_import(gk_request *r)
{
    gk_page_render(r, 200, "cc_import", import_model(false, NULL, NULL));
}

/* A text part as a short NUL-terminated string (values of radio buttons, the CSRF token). */
static const char *part_text(gk_request *r, const gk_cc_form_part *p)
{
    if (!p || p->len > 256) return NULL;
    char *s = gk_req_alloc(r, p->len + 1);
    if (!s) return NULL;
    memcpy(s, p->data, p->len);
    s[p->len] = 0;
    return s;
}

void gk_h_page_cc_import_post(gk_request *r)
{
    gk_call call = gk_call_of(r);
    char boundary[71];
    gk_cc_form_part parts[8];
    int n = -1;
    if (gk_cc_form_boundary(gk_req_header(r, MHD_HTTP_HEADER_CONTENT_TYPE), boundary))
        n = gk_cc_form_parse(boundary, r->body ? r->body : "", r->body_len, parts, 8);
    if (n < 0) {
        json_t *errs = NULL;
        gk_field_error_add(&errs, "file", gk_call_msg(&call, "cc.import.error.bad_form"));
        gk_page_render(r, 400, "cc_import", import_model(false, errs, NULL));
        return;
    }
    /* The CSRF token travels in the form; check it here too, whatever the dispatcher's
     * guard did (it reads urlencoded forms and the header). */
    if (r->user.via_cookie) {
        const char *tok = part_text(r, gk_cc_form_find(parts, n, "csrf_token"));
        if (!tok || !r->user.csrf_token || !gk_token_equal(tok, r->user.csrf_token)) {
            gk_page_error(r, GK_ERR_CSRF, NULL);
            return;
        }
    }
    const char *status = part_text(r, gk_cc_form_find(parts, n, "status"));
    const gk_cc_form_part *file = gk_cc_form_find(parts, n, "file");
    gk_cc_import_in in = {.status = status,
                          .data = file && file->len ? file->data : NULL,
                          .len = file ? file->len : 0};
    gk_outcome out = {0};
    gk_svc_cc_import(&call, &in, &out);
    bool archived = status && !strcmp(status, "archived");
    if (out.err == GK_ERR_VALIDATION || out.err == GK_ERR_BAD_QUERY) {
        json_t *errs = json_incref(out.errors);
        gk_outcome_clear(&out);
        gk_page_render(r, 422, "cc_import", import_model(archived, errs, NULL));
        return;
    }
    json_t *report = gk_page_view(r, &out);
    if (!report) return;
    gk_page_render(r, 200, "cc_import", import_model(archived, NULL, report));
}
