/* The CC registry pages: search (GET form, bookmarkable), detail with recognition and
 * validity explained, and the import upload for examiners. Same input readers and the same
 * view model as the API (api/cc_certificates.c).
 *
 * The upload posts multipart/form-data (a browser cannot post text/csv from a form). The
 * dispatcher hands us the whole body (capped at upload_max) and cc/multipart.c finds the
 * parts in place; see multipart.h for why not MHD_PostProcessor. */
#include "http/handlers.h"
#include "cc/form.h"
#include "cc/view.h"
#include "crypto/token.h"
#include "db/cc.h"
#include "db/db.h"
#include "http/reply.h"
#include "web/page.h"

#include <string.h>

static const char *L(const char *lang, const char *en, const char *ja)
{
    return lang && !strcmp(lang, "ja") ? ja : en;
}

static bool can_import(const gk_request *r)
{
    return r->user.role == GK_ROLE_EXAMINER || r->user.role == GK_ROLE_ADMIN;
}

void gk_h_page_cc_list(gk_request *r)
{
    json_t *errs = NULL, *model = NULL;
    gk_cc_query q;
    int bad = gk_cc_query_read(r, &q, &errs);
    gk_error e = GK_ERR_OK;
    if (!bad) {
        e = gk_cc_list_view(r, &q, &model);
        if (e == GK_ERR_BAD_QUERY) {
            gk_field_error_add(&errs, "after",
                               L(r->lang, "Not a cursor from a previous page",
                                 "前のページで返されたカーソルではありません"));
            bad = 1;
        } else if (e != GK_ERR_OK) {
            json_decref(errs);
            gk_page_error(r, e, NULL);
            return;
        }
    }
    if (!model) model = json_pack("{s:[], s:n}", "items", "next");
    const char *status = gk_req_query(r, "status");
    json_object_set_new(
        model, "query",
        json_pack("{s:s, s:s, s:s, s:b, s:b}", "q", gk_req_query(r, "q") ?: "", "scheme",
                  gk_req_query(r, "scheme") ?: "", "status", status ?: "", "active",
                  status && !strcmp(status, "active"), "archived",
                  status && !strcmp(status, "archived")));
    json_object_set_new(model, "errors", errs ? errs : json_array());
    json_object_set_new(model, "can_import", json_boolean(can_import(r)));
    gk_page_render(r, bad ? 400 : 200, "cc_list", model);
}

void gk_h_page_cc_detail(gk_request *r)
{
    json_t *errs = NULL, *c = NULL;
    gk_date on;
    int bad = gk_cc_on_read(r, &on, &errs);
    gk_error e = gk_cc_get(gk_db_read_conn(), r->params[0], &c);
    if (e != GK_ERR_OK) {
        json_decref(errs);
        gk_page_error(r, e, NULL);
        return;
    }
    if (!gk_cc_view(c, on, r->lang)) {
        json_decref(c);
        json_decref(errs);
        gk_page_error(r, GK_ERR_INTERNAL, NULL);
        return;
    }
    json_t *model = json_pack("{s:o, s:o}", "cert", c, "on_error",
                              bad ? json_copy(json_object_get(json_array_get(errs, 0), "message"))
                                  : json_null());
    json_decref(errs);
    gk_page_render(r, bad ? 400 : 200, "cc_detail", model);
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
    json_t *errs = NULL;
    char boundary[71];
    gk_cc_form_part parts[8];
    int n = -1;
    if (gk_cc_form_boundary(gk_req_header(r, MHD_HTTP_HEADER_CONTENT_TYPE), boundary))
        n = gk_cc_form_parse(boundary, r->body ? r->body : "", r->body_len, parts, 8);
    if (n < 0) {
        gk_field_error_add(&errs, "file",
                           L(r->lang, "The upload is not a well-formed multipart form",
                             "アップロードされたフォームの形式が正しくありません"));
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
    bool archived = false;
    gk_cc_import_status_read(r, part_text(r, gk_cc_form_find(parts, n, "status")), &archived,
                             &errs);
    const gk_cc_form_part *file = gk_cc_form_find(parts, n, "file");
    if (!file || !file->len) {
        gk_field_error_add(&errs, "file",
                           L(r->lang, "Choose the CSV file to import",
                             "取り込む CSV ファイルを選んでください"));
    }
    if (errs) {
        gk_page_render(r, 422, "cc_import", import_model(archived, errs, NULL));
        return;
    }
    json_t *report = NULL;
    gk_error e = gk_cc_import_body(r, file->data, file->len, archived, &report, &errs);
    if (e == GK_ERR_VALIDATION) {
        gk_page_render(r, 422, "cc_import", import_model(archived, errs, NULL));
        return;
    }
    if (e != GK_ERR_OK) {
        json_decref(errs);
        gk_page_error(r, e, NULL);
        return;
    }
    gk_page_render(r, 200, "cc_import", import_model(archived, NULL, report));
}
