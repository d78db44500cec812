/* The holder record page (issue 16): /account/organization, a manufacturer's form for its
 * organisation's record (service/holders.h), with the fields a filing still needs. */
#include "http/handlers.h"

#include "http/fields.h"
#include "http/reply.h"
#include "http/service_call.h"
#include "service/certificates.h"
#include "service/holders.h"
#include "web/page.h"

#include <string.h>

/* The fields of the form, with their template keys (dots as underscores). */
static const char *const FIELDS[] = {
    "name",          "name_ja",       "name_en",        "corporate_number",     "address_ja",
    "address_en",    "country",       "representative", "representative_title", "contact.name",
    "contact.phone", "contact.email", "agent.name",     "agent.address"};
#define NFIELDS (sizeof FIELDS / sizeof *FIELDS)

/* The record's values by template key. */
static json_t *values_of_record(const json_t *h)
{
    json_t *v = json_object();
    for (size_t i = 0; v && i < NFIELDS; i++) {
        const char *dot = strchr(FIELDS[i], '.');
        json_t *x;
        if (dot) {
            char obj[16] = "";
            size_t n = (size_t)(dot - FIELDS[i]);
            if (n < sizeof obj) memcpy(obj, FIELDS[i], n);
            x = json_object_get(json_object_get(h, obj), dot + 1);
        } else {
            x = json_object_get(h, FIELDS[i]);
        }
        char key[40];
        gk_page_field_key(FIELDS[i], key, sizeof key);
        if (json_is_string(x)) json_object_set(v, key, x);
    }
    return v;
}

static json_t *values_of_form(gk_request *r)
{
    json_t *v = json_object();
    for (size_t i = 0; v && i < NFIELDS; i++) {
        const char *x = gk_form_get(r, FIELDS[i]);
        char key[40];
        gk_page_field_key(FIELDS[i], key, sizeof key);
        if (x) json_object_set_new(v, key, json_string(x));
    }
    return v;
}

static void render(gk_request *r, unsigned status, json_t *values, json_t *missing, json_t *errors,
                   const char *error, bool saved)
{
    gk_call call = gk_call_of(r);
    json_t *m = json_pack("{s:o, s:o, s:o, s:{s:s}}", "values", values ? values : json_object(),
                          "missing", missing ? missing : json_array(), "errors",
                          errors ? errors : json_object(), "nav", "account", "page");
    if (m && error) json_object_set_new(m, "error", json_string(error));
    if (m && saved)
        json_object_set_new(m, "notice", json_string(gk_call_msg(&call, "holders.page.saved")));
    gk_page_render(r, status, "holder_form", m);
}

void gk_h_page_holder(gk_request *r)
{
    gk_call call = gk_call_of(r);
    gk_outcome o;
    gk_svc_holder_get(&call, "me", &o);
    json_t *h = gk_page_view(r, &o);
    if (!h) return;
    json_t *missing = json_incref(json_object_get(h, "missing"));
    render(r, 200, values_of_record(h), missing, NULL, NULL, gk_req_query(r, "done") != NULL);
    json_decref(h);
}

static void again(gk_request *r, gk_outcome *o, const void *ctx)
{
    (void)ctx;
    gk_call call = gk_call_of(r);
    const char *error = o->detail ? o->detail : gk_error_title(o->err, call.lang);
    render(r, 200, values_of_form(r), NULL, gk_page_errors_by_key(o->errors), error, false);
}

static void done(gk_request *r, const void *ctx, gk_outcome *o)
{
    (void)ctx;
    gk_page_form_done(r, o, "/account/organization?done=saved", again, NULL);
}

void gk_h_page_holder_post(gk_request *r)
{
    gk_holder_put_in in = {{0}};
    GK_OP(r, &gk_holder_put_spec, &in, gk_svc_holder_put, done, NULL);
}

/* ---- design-holder inspection records: /certificates/{number}/inspections ------------------ */

static void render_inspections(gk_request *r, json_t *values, json_t *errors, const char *error)
{
    gk_call call = gk_call_of(r);
    gk_outcome o;
    gk_svc_inspections_list(&call, r->params[0], &o);
    json_t *list = gk_page_view(r, &o);
    if (!list) {
        json_decref(values);
        json_decref(errors);
        return;
    }
    gk_outcome co;
    gk_svc_cert_get(&call, r->params[0], &co);
    json_t *cert = gk_page_view(r, &co);
    if (!cert) {
        json_decref(list);
        json_decref(values);
        json_decref(errors);
        return;
    }
    json_t *m = json_pack("{s:o, s:O, s:o, s:o, s:b}", "cert", cert, "items",
                          json_object_get(list, "items"), "values", values ? values : json_object(),
                          "errors", errors ? errors : json_object(), "can_record",
                          call.user.role == GK_ROLE_MANUFACTURER);
    json_decref(list);
    if (m && error) json_object_set_new(m, "error", json_string(error));
    if (m && gk_req_query(r, "done"))
        json_object_set_new(m, "notice",
                            json_string(gk_call_msg(&call, "holders.inspections.recorded")));
    gk_page_render(r, 200, "inspections", m);
}

void gk_h_page_inspections(gk_request *r)
{
    render_inspections(r, NULL, NULL, NULL);
}

static const char *const INSPECTION_FIELDS[] = {"inspected_on", "lot",   "quantity",
                                                "result",       "notes", "inspector"};

static void inspection_again(gk_request *r, gk_outcome *o, const void *ctx)
{
    (void)ctx;
    gk_call call = gk_call_of(r);
    json_t *values = json_object();
    for (size_t i = 0; values && i < sizeof INSPECTION_FIELDS / sizeof *INSPECTION_FIELDS; i++) {
        const char *x = gk_form_get(r, INSPECTION_FIELDS[i]);
        if (x) json_object_set_new(values, INSPECTION_FIELDS[i], json_string(x));
    }
    render_inspections(r, values, gk_page_errors_by_key(o->errors),
                       o->detail ? o->detail : gk_error_title(o->err, call.lang));
}

static void inspection_done(gk_request *r, const void *ctx, gk_outcome *o)
{
    (void)ctx;
    gk_page_form_done(r, o,
                      gk_req_printf(r, "/certificates/%s/inspections?done=recorded", r->params[0]),
                      inspection_again, NULL);
}

void gk_h_page_inspection_post(gk_request *r)
{
    gk_inspection_in in = {.number = r->params[0]};
    GK_OP(r, &gk_inspection_spec, &in, gk_svc_inspection_add, inspection_done, NULL);
}
