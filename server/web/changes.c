/* The change application form (issue 16): /certificates/{number}/changes/new for the holder,
 * posted to /certificates/{number}/changes (service/changes.h); then the change's case page. */
#include "http/handlers.h"

#include "http/fields.h"
#include "http/reply.h"
#include "http/service_call.h"
#include "service/certificates.h"
#include "service/changes.h"
#include "web/page.h"

#include <string.h>

static const char *const FIELDS[] = {"kind",
                                     "summary",
                                     "model_name",
                                     "affected_requirements",
                                     "hardware_version",
                                     "firmware_versions",
                                     "update_method",
                                     "security_support_until",
                                     "holder.name",
                                     "holder.name_ja",
                                     "holder.name_en",
                                     "holder.address_ja",
                                     "holder.address_en",
                                     "holder.country",
                                     "holder.representative",
                                     "holder.representative_title"};
#define NFIELDS (sizeof FIELDS / sizeof *FIELDS)

static void render(gk_request *r, unsigned status, json_t *values, json_t *errors,
                   const char *error)
{
    gk_call call = gk_call_of(r);
    gk_outcome o;
    gk_svc_cert_get(&call, r->params[0], &o);
    json_t *cert = gk_page_view(r, &o);
    if (!cert) {
        json_decref(values);
        json_decref(errors);
        return;
    }
    json_t *m = json_pack("{s:o, s:o, s:o, s:{s:s}}", "cert", cert, "values",
                          values ? values : json_object(), "errors",
                          errors ? errors : json_object(), "nav", "certificates", "page");
    if (m && error) json_object_set_new(m, "error", json_string(error));
    const char *kind = json_string_value(json_object_get(json_object_get(m, "values"), "kind"));
    if (m) json_object_set_new(m, "selected", json_pack("{s:b}", kind ? kind : "name_addition", 1));
    gk_page_render(r, status, "change_form", m);
}

void gk_h_page_change_new(gk_request *r)
{
    render(r, 200, NULL, NULL, NULL);
}

static void again(gk_request *r, gk_outcome *o, const void *ctx)
{
    (void)ctx;
    gk_call call = gk_call_of(r);
    json_t *values = json_object();
    for (size_t i = 0; values && i < NFIELDS; i++) {
        const char *x = gk_form_get(r, FIELDS[i]);
        char key[48];
        gk_page_field_key(FIELDS[i], key, sizeof key);
        if (x) json_object_set_new(values, key, json_string(x));
    }
    render(r, 200, values, gk_page_errors_by_key(o->errors),
           o->detail ? o->detail : gk_error_title(o->err, call.lang));
}

static void done(gk_request *r, const void *ctx, gk_outcome *o)
{
    (void)ctx;
    const char *url = "/applications";
    if (o->err == GK_ERR_OK) {
        const char *id = json_string_value(json_object_get(o->view, "id"));
        const char *status = json_string_value(json_object_get(o->view, "status"));
        bool draft = status && !strcmp(status, "draft");
        if (id)
            url = gk_req_printf(r, "/applications/%s?done=%s", id, draft ? "created" : "submitted");
    }
    gk_page_form_done(r, o, url, again, NULL);
}

void gk_h_page_change_post(gk_request *r)
{
    gk_change_in in = {.number = r->params[0]};
    GK_OP(r, &gk_change_spec, &in, gk_svc_change_file, done, NULL);
}
