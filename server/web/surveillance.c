/* The regulator's pages (issue 17): surveillance cases (the list with the form that opens
 * one, the case page with a form for each step the caller may take now) and the certificate
 * status change (suspend, reinstate, revoke) with a confirmation step: the first form only
 * shows what will happen; the second post, from the confirmation page, changes the status.
 * Every form runs the operation the API runs, with the same field spec; post/redirect/get on
 * success, the page again with the errors beside the form otherwise. The holder
 * (manufacturer) sees its cases here and answers on the case page. */
#include "cc/form.h"
#include "http/fields.h"
#include "http/handlers.h"
#include "http/multipart.h"
#include "http/reply.h"
#include "http/service_call.h"
#include "service/certificates.h"
#include "service/surveillance.h"
#include "web/page.h"

#include <stdlib.h>
#include <string.h>

/* The step forms, by the last segment of their route. */
static const struct {
    const char *name;
    gk_sv_event event;
    const gk_spec *spec;
} STEPS[] = {
    {"purchase", GK_SV_EV_RECORD_PURCHASE, &gk_sv_purchase_spec},
    {"test", GK_SV_EV_RECORD_TEST, &gk_sv_test_spec},
    {"finding", GK_SV_EV_RECORD_FINDING, &gk_sv_text_spec},
    {"response", GK_SV_EV_RESPOND, &gk_sv_text_spec},
    {"corrective-action", GK_SV_EV_REQUIRE_CORRECTIVE_ACTION, &gk_sv_text_spec},
    {"close", GK_SV_EV_CLOSE_NO_FINDING, &gk_sv_close_spec},
    {"order", GK_SV_EV_ISSUE_ORDER, &gk_sv_order_spec},
};
#define N_STEPS (sizeof STEPS / sizeof *STEPS)

static int step_index(const char *name)
{
    for (size_t i = 0; name && i < N_STEPS; i++)
        if (!strcmp(name, STEPS[i].name)) return (int)i;
    return -1;
}

/* A refused form's errors for the template: {title, detail, fields: [{field, message}]}. */
static json_t *form_error(gk_request *r, gk_outcome *o)
{
    json_t *fields = o->errors ? o->errors : json_array();
    o->errors = NULL;
    return json_pack("{s:s, s:s?, s:o}", "title", gk_error_title(o->err, r->lang), "detail",
                     o->detail, "fields", fields);
}

/* The values a refused form had, to fill it again. */
static json_t *form_values(gk_request *r, const char *const *names)
{
    json_t *v = json_object();
    for (size_t i = 0; names[i]; i++) {
        const char *x = gk_form_get(r, names[i]);
        if (x) json_object_set_new(v, names[i], json_string(x));
    }
    return v;
}

/* A refusal for a client that is not a browser (no text/html in Accept: a script posting the
 * form) is problem+json, as the API answers; browsers get the page. True when answered. */
static bool refused_for_api(gk_request *r, gk_outcome *o)
{
    if (o->err == GK_ERR_OK || gk_page_wants_html(r)) return false;
    json_t *errors = o->errors;
    o->errors = NULL;
    gk_reply_problem(r, o->err, o->detail, errors);
    gk_outcome_clear(o);
    return true;
}

static const char *const OPEN_FIELDS[] = {
    "certificate_number", "claimed_number", "product", "summary", "internal_note", NULL};

/* ---- the list -------------------------------------------------------------------------- */

static void render_list(gk_request *r, gk_outcome *failed)
{
    gk_call call = gk_call_of(r);
    const char *status = gk_req_query(r, "status");
    const char *cert = gk_req_query(r, "certificate");
    const char *after = gk_req_query(r, "after");
    gk_sv_list_in in = {.status = status && *status ? status : NULL,
                        .certificate = cert && *cert ? cert : NULL,
                        .after = after && *after ? after : NULL,
                        .limit = 50};
    gk_outcome o;
    gk_svc_sv_list(&call, &in, &o);
    if (o.err == GK_ERR_BAD_QUERY) { /* a stale or edited address: everything, first page */
        gk_outcome_clear(&o);
        in = (gk_sv_list_in){.limit = 50};
        gk_svc_sv_list(&call, &in, &o);
    }
    if (refused_for_api(r, &o)) return;
    json_t *m = gk_page_view(r, &o);
    if (!m) return;
    bool staff = (r->user.role & (GK_ROLE_EXAMINER | GK_ROLE_REGULATOR)) != 0;
    json_object_set_new(m, "can_open", json_boolean(staff));
    json_object_set_new(m, "nav", json_pack("{s:s}", "surveillance", "page"));
    json_object_set_new(m, "query",
                        json_pack("{s:s, s:s}", "status", in.status ? in.status : "", "certificate",
                                  in.certificate ? in.certificate : ""));
    json_t *statuses = json_array();
    for (int s = 0; s < GK_SV_STATE__COUNT; s++) {
        const char *name = gk_sv_state_name((gk_sv_state)s);
        json_array_append_new(statuses, json_pack("{s:s, s:b}", "value", name, "selected",
                                                  in.status && !strcmp(in.status, name)));
    }
    json_object_set_new(m, "statuses", statuses);
    const char *next = json_string_value(json_object_get(m, "next"));
    if (next)
        json_object_set_new(m, "next_url",
                            json_string(gk_req_printf(r, "/surveillance?status=%s&after=%s",
                                                      in.status ? in.status : "", next)));
    unsigned code = 200;
    if (failed) {
        json_object_set_new(m, "form_error", form_error(r, failed));
        json_object_set_new(m, "form", form_values(r, OPEN_FIELDS));
        code = gk_error_status(failed->err);
    }
    gk_page_render(r, code, "surveillance_list", m);
}

void gk_h_page_surveillance_list(gk_request *r)
{
    render_list(r, NULL);
}

static void list_again(gk_request *r, gk_outcome *o, const void *ctx)
{
    (void)ctx;
    if (!refused_for_api(r, o)) render_list(r, o);
}

void gk_h_page_surveillance_open(gk_request *r)
{
    gk_call call = gk_call_of(r);
    gk_sv_open_in in = {0};
    gk_outcome o = {0};
    if (gk_read_input(r, &call, &gk_sv_open_spec, &in, &o)) gk_svc_sv_open(&call, &in, &o);
    const char *id = o.err == GK_ERR_OK ? json_string_value(json_object_get(o.view, "id")) : NULL;
    const char *url = gk_req_printf(r, "/surveillance/%s?done=open", id ? id : "");
    if (refused_for_api(r, &o)) return;
    gk_page_form_done(r, &o, url, list_again, NULL);
}

/* ---- the case ---------------------------------------------------------------------------- */

static void render_case(gk_request *r, const char *failed_step, gk_outcome *failed)
{
    gk_call call = gk_call_of(r);
    gk_outcome o;
    gk_svc_sv_get(&call, r->params[0], &o);
    if (refused_for_api(r, &o)) return;
    json_t *m = gk_page_view(r, &o);
    if (!m) return;
    json_t *can = json_object();
    size_t i;
    json_t *a;
    json_array_foreach(json_object_get(m, "actions"), i, a)
        json_object_set_new(can, json_string_value(a), json_true());
    json_object_set_new(m, "can", can);
    json_object_set_new(m, "staff",
                        json_boolean(r->user.role & (GK_ROLE_EXAMINER | GK_ROLE_REGULATOR)));
    json_object_set_new(m, "regulator", json_boolean(r->user.role == GK_ROLE_REGULATOR));
    json_object_set_new(m, "nav", json_pack("{s:s}", "surveillance", "page"));
    const char *done = gk_req_query(r, "done");
    if (done && (step_index(done) >= 0 || !strcmp(done, "open") || !strcmp(done, "evidence")))
        json_object_set_new(m, "done", json_string(done));
    unsigned code = 200;
    if (failed) {
        json_t *fe = json_object();
        char key[32];
        gk_page_field_key(failed_step, key, sizeof key);
        json_object_set_new(fe, key, form_error(r, failed));
        json_object_set_new(m, "form_error", fe);
        code = gk_error_status(failed->err);
    }
    gk_page_render(r, code, "surveillance_case", m);
}

void gk_h_page_surveillance_case(gk_request *r)
{
    render_case(r, NULL, NULL);
}

static void case_again(gk_request *r, gk_outcome *o, const void *step)
{
    if (!refused_for_api(r, o)) render_case(r, step, o);
}

/* Evidence files ticked on the test form: fields named ev_<uuid> (the operation checks the
 * ids). New reference, or NULL when none. */
static json_t *ticked_evidence(gk_request *r)
{
    json_t *ids = NULL;
    for (const char *p = r->body; p && *p;) {
        const char *amp = strchr(p, '&');
        size_t len = amp ? (size_t)(amp - p) : strlen(p);
        if (len > 3 + 36 && !strncmp(p, "ev_", 3) && p[3 + 36] == '=') {
            if (!ids) ids = json_array();
            json_array_append_new(ids, json_stringn(p + 3, 36));
        }
        p = amp ? amp + 1 : NULL;
    }
    return ids;
}

/* The evidence upload form (multipart/form-data, one part "file"; the CSRF token rides in the
 * action's query, see auth/csrf.c). */
void gk_h_page_surveillance_evidence(gk_request *r)
{
    gk_call call = gk_call_of(r);
    gk_outcome o = {0};
    char boundary[71];
    gk_cc_form_part parts[8];
    int n = -1;
    if (gk_cc_form_boundary(gk_req_header(r, MHD_HTTP_HEADER_CONTENT_TYPE), boundary))
        n = gk_cc_form_parse(boundary, r->body ? r->body : "", r->body_len, parts, 8);
    const gk_cc_form_part *file = n > 0 ? gk_cc_form_find(parts, n, "file") : NULL;
    const char *type = file && file->len ? gk_multipart_sniff((const unsigned char *)file->data,
                                                              file->len, NULL, true)
                                         : NULL;
    char name[GK_MP_FILENAME_MAX] = "";
    if (!file || !file->has_filename || !file->len) {
        gk_fail(&o, &call, GK_ERR_VALIDATION, "file", "surveillance.error.file");
    } else if (!type) {
        gk_fail(&o, &call, GK_ERR_UNSUPPORTED_MEDIA_TYPE, "file", "surveillance.error.file_type");
    } else {
        gk_multipart_sanitize_filename(file->filename, name, sizeof name);
        gk_sv_evidence_in in = {.id = r->params[0],
                                .filename = name,
                                .media_type = type,
                                .data = file->data,
                                .len = file->len};
        gk_svc_sv_evidence_add(&call, &in, &o);
    }
    if (refused_for_api(r, &o)) return;
    gk_page_form_done(r, &o, gk_req_printf(r, "/surveillance/%s?done=evidence", r->params[0]),
                      case_again, "evidence");
}

void gk_h_page_surveillance_step(gk_request *r)
{
    int k = step_index(r->params[1]);
    if (k < 0) {
        if (gk_page_wants_html(r))
            gk_page_error(r, GK_ERR_NOT_FOUND, NULL);
        else
            gk_reply_problem(r, GK_ERR_NOT_FOUND, NULL, NULL);
        return;
    }
    gk_call call = gk_call_of(r);
    gk_sv_step_in in = {.id = r->params[0], .event = STEPS[k].event};
    gk_outcome o = {0};
    json_t *cited = STEPS[k].event == GK_SV_EV_RECORD_TEST ? ticked_evidence(r) : NULL;
    in.evidence_ids = cited;
    if (gk_read_input(r, &call, STEPS[k].spec, &in, &o)) gk_svc_sv_step(&call, &in, &o);
    json_decref(cited);
    if (refused_for_api(r, &o)) return;
    gk_page_form_done(r, &o,
                      gk_req_printf(r, "/surveillance/%s?done=%s", r->params[0], STEPS[k].name),
                      case_again, STEPS[k].name);
}

/* ---- certificate status: form, confirmation, change --------------------------------------- */

static const char *const STATUS_ACTIONS[] = {"suspend", "reinstate", "revoke", NULL};
static const char *const STATUS_FIELDS[] = {"action", "reason", "order_reference", "internal_note",
                                            NULL};

static bool known_status_action(const char *a)
{
    for (size_t i = 0; a && STATUS_ACTIONS[i]; i++)
        if (!strcmp(a, STATUS_ACTIONS[i])) return true;
    return false;
}

/* mode: NULL (the form), "confirm" (the confirmation of the posted values). */
static void render_status(gk_request *r, bool confirm, gk_outcome *failed)
{
    gk_call call = gk_call_of(r);
    gk_outcome o;
    gk_svc_cert_get(&call, r->params[0], &o);
    if (refused_for_api(r, &o)) return;
    json_t *cert = gk_page_view(r, &o);
    if (!cert) return;
    const char *st = json_string_value(json_object_get(cert, "status"));
    json_t *m =
        json_pack("{s:s, s:s?, s:s?, s:s?, s:s?, s:b, s:b, s:b}", "number",
                  json_string_value(json_object_get(cert, "number")), "status", st, "manufacturer",
                  json_string_value(json_object_get(cert, "manufacturer")), "model_name",
                  json_string_value(json_object_get(cert, "model_name")), "display_number",
                  json_string_value(json_object_get(cert, "display_number")), "may_suspend",
                  st && !strcmp(st, "granted"), "may_reinstate", st && !strcmp(st, "suspended"),
                  "may_revoke", st && (!strcmp(st, "granted") || !strcmp(st, "suspended")));
    json_decref(cert);
    if (!m) {
        gk_page_error(r, GK_ERR_INTERNAL, NULL);
        return;
    }
    json_object_set_new(m, "nav", json_pack("{s:s}", "certificates", "page"));
    if (confirm || failed) json_object_set_new(m, "form", form_values(r, STATUS_FIELDS));
    if (confirm) json_object_set_new(m, "confirm", json_true());
    unsigned code = 200;
    if (failed) {
        json_object_set_new(m, "form_error", form_error(r, failed));
        code = gk_error_status(failed->err);
    }
    gk_page_render(r, code, "certificate_status", m);
}

void gk_h_page_certificate_status(gk_request *r)
{
    render_status(r, false, NULL);
}

/* The first post: check the fields as the operation will, then show what will happen. */
void gk_h_page_certificate_status_confirm(gk_request *r)
{
    gk_call call = gk_call_of(r);
    gk_cert_status_in in = {.number = r->params[0]};
    gk_outcome o = {0};
    const char *action = gk_form_get(r, "action");
    bool ok = gk_read_input(r, &call, &gk_cert_status_spec, &in, &o);
    if (!known_status_action(action)) {
        if (ok)
            gk_fail(&o, &call, GK_ERR_VALIDATION, "action", "surveillance.status.pick");
        else
            gk_field_err(&o, &call, "action", "surveillance.status.pick");
        ok = false;
    }
    if (!ok) r->error = o.err;
    if (!ok && refused_for_api(r, &o)) return;
    render_status(r, ok, ok ? NULL : &o);
    gk_outcome_clear(&o);
}

static void status_again(gk_request *r, gk_outcome *o, const void *ctx)
{
    (void)ctx;
    if (!refused_for_api(r, o)) render_status(r, false, o);
}

/* The second post, from the confirmation page: the change itself. */
void gk_h_page_certificate_status_do(gk_request *r)
{
    const char *action = r->params[1];
    if (!known_status_action(action)) {
        if (gk_page_wants_html(r))
            gk_page_error(r, GK_ERR_NOT_FOUND, NULL);
        else
            gk_reply_problem(r, GK_ERR_NOT_FOUND, NULL, NULL);
        return;
    }
    gk_call call = gk_call_of(r);
    gk_cert_status_in in = {.number = r->params[0]};
    gk_outcome o = {0};
    const char *confirmed = gk_form_get(r, "confirm");
    if (!confirmed || strcmp(confirmed, "yes") != 0) {
        gk_fail(&o, &call, GK_ERR_VALIDATION, "confirm", "surveillance.status.unconfirmed");
    } else if (gk_read_input(r, &call, &gk_cert_status_spec, &in, &o)) {
        if (!strcmp(action, "suspend"))
            gk_svc_cert_suspend(&call, &in, &o);
        else if (!strcmp(action, "reinstate"))
            gk_svc_cert_reinstate(&call, &in, &o);
        else
            gk_svc_cert_revoke(&call, &in, &o);
    }
    if (refused_for_api(r, &o)) return;
    gk_page_form_done(r, &o, gk_req_printf(r, "/certificates/%s", r->params[0]), status_again,
                      NULL);
}
