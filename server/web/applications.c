/* The manufacturer's pages: my applications, the guided new-application form, the case page
 * (status, determination explained, declarations, documents with the upload form, requests
 * for information with the answer form, history), edit draft, submit, withdraw.
 *
 * Same operations as the API (service/applications.h, service/documents.h): a form is turned
 * into the API's request document, so validation is identical. Post/redirect/get: a change that
 * succeeds answers 303 to the case page with ?done=<what> (the notice); a refused form is
 * shown again (422) with each message next to its field and what the user typed. The upload
 * form posts multipart to /applications/{id}/documents with its csrf_token as a field,
 * checked once the body is in (http/doc_upload.c), so no token shows in the address bar; a
 * file over the limit is answered inside the form (413, the case page with the summary). */
#include "domain/determination.h"
#include "render/i18n.h"
#include "http/handlers.h"
#include "http/doc_upload.h"
#include "http/fields.h"
#include "http/reply.h"
#include "http/service_call.h"
#include "service/applications.h"
#include "service/documents.h"
#include "app.h"
#include "web/page.h"

#include <stdio.h>
#include <string.h>

#define FACTS gk_determination_fact_names

static const char *err(json_t *errs, const char *key)
{
    return json_string_value(json_object_get(errs, key));
}

/* ---- the form <-> the API document ---- */

static const char *form(gk_request *r, const char *name)
{
    const char *v = gk_form_get(r, name);
    return v && *v ? v : NULL;
}

static json_t *jstr(const char *s)
{
    return s ? json_string(s) : json_null();
}

/* The newest rule set with security requirements: the catalogue the form asks about. */
static const gk_rule_set *form_rule_set(const gk_rule_catalog *cat, size_t *index)
{
    for (size_t i = cat->n; i-- > 0;)
        if (gk_rule_set_has_security_requirements(&cat->sets[i])) {
            *index = i;
            return &cat->sets[i];
        }
    return NULL;
}

static json_t *form_to_doc(gk_request *r, const gk_rule_catalog *cat)
{
    json_t *facts = json_object();
    for (size_t k = 0; k < GK_QUESTION_COUNT; k++) {
        gk_fact i = gk_determination_questions[k];
        const char *v = form(r, FACTS[i]);
        json_object_set_new(facts, FACTS[i], !v ? json_null() : json_boolean(!strcmp(v, "true")));
    }
    json_t *decl = json_object();
    size_t idx;
    const gk_rule_set *rs = form_rule_set(cat, &idx);
    for (size_t i = 0; rs && i < rs->n_requirements; i++) {
        const gk_requirement *q = &rs->requirements[i];
        if (q->kind != GK_REQ_KIND_REQUIREMENT) continue;
        char dn[80], mn[80];
        snprintf(dn, sizeof dn, "decl_%s_description", q->id);
        snprintf(mn, sizeof mn, "decl_%s_measure", q->id);
        const char *d = form(r, dn), *m = form(r, mn);
        if (!d && !m) continue;
        json_t *o = json_pack("{s:o}", "description", jstr(d));
        if (m) json_object_set_new(o, "measure", json_string(m));
        json_object_set_new(decl, q->id, o);
    }
    const char *opt = form(r, "opt_in_rule_set");
    return json_pack("{s:o, s:{s:o, s:o, s:o, s:o, s:o}, s:o, s:o, s:o, s:o}", "route",
                     jstr(form(r, "route")), "device", "model_name", jstr(form(r, "model_name")),
                     "type_name", jstr(form(r, "type_name")), "category", jstr(form(r, "category")),
                     "description", jstr(form(r, "description")), "facts", facts, "declarations",
                     decl, "cc_certificate_id", jstr(form(r, "cc_certificate_id")),
                     "opt_in_rule_set", jstr(opt), "opt_in_reason",
                     jstr(opt ? form(r, "opt_in_reason") : NULL));
}

static const char *str_or(json_t *o, const char *path)
{
    return json_string_value(gk_json_path(o, path));
}

/* The form's model from an application document (stored or as typed) and field errors. */
static json_t *form_model(gk_request *r, const gk_rule_catalog *cat, json_t *categories,
                          json_t *doc, json_t *errs)
{
    json_t *m = json_object();
    json_t *e = gk_page_errors_by_key(errs);
    json_object_set_new(
        m, "values",
        json_pack("{s:s?, s:s?, s:s?, s:s?, s:s?, s:s?, s:s?}", "model_name",
                  str_or(doc, "device.model_name"), "type_name", str_or(doc, "device.type_name"),
                  "description", str_or(doc, "device.description"), "cc_certificate_id",
                  str_or(doc, "cc_certificate_id"), "opt_in_reason", str_or(doc, "opt_in_reason"),
                  "route", str_or(doc, "route"), "category", str_or(doc, "category")));
    const char *route = str_or(doc, "route");
    json_t *routes = json_array();
    static const char *const ROUTES[] = {"conformity", "design"};
    for (size_t i = 0; i < 2; i++)
        json_array_append_new(routes, json_pack("{s:s, s:b}", "id", ROUTES[i], "checked",
                                                route && !strcmp(route, ROUTES[i])));
    json_object_set_new(m, "routes", routes);
    const char *cat_id = str_or(doc, "device.category");
    json_t *cats = json_array();
    size_t ci;
    json_t *cv;
    json_array_foreach(categories, ci, cv)
    {
        const char *id = json_string_value(json_object_get(cv, "id"));
        if (id)
            json_array_append_new(cats, json_pack("{s:s, s:b}", "id", id, "selected",
                                                  cat_id && !strcmp(cat_id, id)));
    }
    json_object_set_new(m, "categories", cats);
    json_t *qs = json_array();
    for (size_t k = 0; k < GK_QUESTION_COUNT; k++) {
        gk_fact i = gk_determination_questions[k];
        json_t *v = gk_json_path(gk_json_path(doc, "device.facts"), FACTS[i]);
        char key[80];
        snprintf(key, sizeof key, "device_facts_%s", FACTS[i]);
        json_array_append_new(qs, json_pack("{s:s, s:b, s:b, s:s?}", "name", FACTS[i], "yes",
                                            json_is_true(v), "no", json_is_false(v), "error",
                                            err(e, key)));
    }
    json_object_set_new(m, "questions", qs);
    json_t *reqs = json_array();
    size_t idx = 0;
    const gk_rule_set *rs = form_rule_set(cat, &idx);
    json_t *decls = json_object_get(doc, "declarations");
    for (size_t i = 0; rs && i < rs->n_requirements; i++) {
        const gk_requirement *q = &rs->requirements[i];
        if (q->kind != GK_REQ_KIND_REQUIREMENT) continue;
        json_t *d = json_object_get(decls, q->id);
        const char *chosen = str_or(d, "measure");
        json_t *measures = json_array();
        const gk_requirement_text *t = &cat->texts[idx].requirement_texts[i];
        for (size_t k = 0; k < q->n_measures; k++)
            json_array_append_new(measures,
                                  json_pack("{s:s, s:s, s:b}", "id", q->measures[k], "title",
                                            gk_lang_is_ja(r->lang) ? t->measure_titles_ja[k]
                                                                   : t->measure_titles_en[k],
                                            "checked", chosen && !strcmp(chosen, q->measures[k])));
        char k1[80], k2[80], k3[80];
        snprintf(k1, sizeof k1, "declarations_%s", q->id);
        snprintf(k2, sizeof k2, "declarations_%s_description", q->id);
        snprintf(k3, sizeof k3, "declarations_%s_measure", q->id);
        gk_page_field_key(k1, k1, sizeof k1);
        gk_page_field_key(k2, k2, sizeof k2);
        gk_page_field_key(k3, k3, sizeof k3);
        json_array_append_new(
            reqs, json_pack("{s:s, s:s, s:s?, s:o, s:s?, s:s?}", "id", q->id, "title",
                            gk_lang_is_ja(r->lang) ? q->title_ja : q->title_en, "description",
                            str_or(d, "description"), "measures", measures, "error",
                            err(e, k1) ? err(e, k1) : err(e, k2), "measure_error", err(e, k3)));
    }
    json_object_set_new(m, "requirements", reqs);
    const char *opt = str_or(doc, "opt_in_rule_set");
    json_t *sets = json_array();
    for (size_t i = 0; i < cat->n; i++)
        json_array_append_new(sets, json_pack("{s:s, s:s, s:b}", "id", cat->sets[i].id, "title",
                                              gk_lang_is_ja(r->lang) ? cat->sets[i].title_ja
                                                                     : cat->sets[i].title_en,
                                              "selected", opt && !strcmp(opt, cat->sets[i].id)));
    json_object_set_new(m, "rule_sets", sets);
    json_t *invalid = json_object(); /* aria-invalid="true" on each refused control */
    {
        const char *k;
        json_t *v;
        json_object_foreach(e, k, v) json_object_set_new(invalid, k, json_string("true"));
    }
    json_object_set_new(m, "invalid", invalid);
    json_object_set_new(m, "errors", e);
    json_object_set_new(m, "has_errors", json_boolean(json_array_size(errs) > 0));
    json_object_set_new(m, "error_list", errs ? json_incref(errs) : json_array());
    /* the one error summary, each message linking to its control's id (issue 20) */
    json_t *linked = json_array();
    size_t i;
    json_t *x;
    json_array_foreach(errs, i, x)
    {
        const char *f = json_string_value(json_object_get(x, "field"));
        const char *msg = json_string_value(json_object_get(x, "message"));
        if (!f || !msg) continue;
        const char *id = f;
        char buf[160];
        if (!strncmp(f, "device.", 7)) {
            id = f + 7; /* model_name, type_name, category, description */
        } else if (!strcmp(f, "route")) {
            id = "route-conformity";
        } else if (!strncmp(f, "declarations.", 13)) { /* declarations.SR-2.measure */
            const char *req = f + 13, *dot = strchr(req, '.');
            snprintf(buf, sizeof buf, "d-%.*s", dot ? (int)(dot - req) : (int)strlen(req), req);
            id = buf;
        }
        json_array_append_new(linked, json_pack("{s:s, s:s}", "field", id, "message", msg));
    }
    gk_page_error_summary(m, linked, NULL);
    json_decref(linked);
    if (!json_array_size(errs)) json_object_del(m, "error_summary");
    return m;
}

/* ---- list ---- */

void gk_h_page_applications(gk_request *r)
{
    gk_call call = gk_call_of(r);
    gk_app_list_in in = {.after = gk_req_query(r, "after")};
    gk_outcome o;
    gk_svc_app_list(&call, &in, &o);
    if (o.err == GK_ERR_BAD_QUERY) { /* a stale cursor: the first page */
        gk_outcome_clear(&o);
        in.after = NULL;
        gk_svc_app_list(&call, &in, &o);
    }
    json_t *m = gk_page_view(r, &o);
    if (!m) return;
    json_object_set_new(m, "can_create", json_boolean(r->user.role == GK_ROLE_MANUFACTURER));
    json_object_set_new(m, "nav", json_pack("{s:s}", "applications", "page"));
    gk_page_render(r, 200, "app_list", m);
}

/* ---- new / create / edit / update ---- */

/* The form's choices: rule sets and the database's device categories. */
typedef struct {
    gk_rule_catalog cat;
    json_t *categories;
} choices;

static bool load_choices(gk_request *r, choices *ch)
{
    gk_call call = gk_call_of(r);
    gk_error e = gk_svc_app_form_choices(&call, &ch->cat, &ch->categories);
    if (e != GK_ERR_OK) gk_page_error(r, e, NULL);
    return e == GK_ERR_OK;
}

static void render_form(gk_request *r, unsigned status, choices *ch, json_t *doc, json_t *errs,
                        const char *id, const char *version)
{
    json_t *m = form_model(r, &ch->cat, ch->categories, doc, errs);
    json_decref(ch->categories);
    ch->categories = NULL;
    json_object_set_new(
        m, "action", json_string(id ? gk_req_printf(r, "/applications/%s", id) : "/applications"));
    if (id) json_object_set_new(m, "id", json_string(id));
    if (version) json_object_set_new(m, "version", json_string(version));
    json_object_set_new(m, "editing", json_boolean(id != NULL));
    gk_page_render(r, status, "app_form", m);
}

void gk_h_page_application_new(gk_request *r)
{
    choices ch;
    if (!load_choices(r, &ch)) return;
    json_t *doc = json_object();
    render_form(r, 200, &ch, doc, NULL, NULL, NULL);
    json_decref(doc);
}

static void after_change(gk_request *r, gk_outcome *o, const char *done)
{
    const char *id = json_string_value(json_object_get(o->view, "id"));
    gk_reply_redirect(r, 303, gk_req_printf(r, "/applications/%s?done=%s", id, done));
}

void gk_h_page_application_create(gk_request *r)
{
    choices ch;
    if (!load_choices(r, &ch)) return;
    gk_call call = gk_call_of(r);
    json_t *doc = form_to_doc(r, &ch.cat);
    gk_app_create_in in = {.doc = doc};
    gk_outcome o;
    gk_svc_app_create(&call, &in, &o);
    if (o.err == GK_ERR_OK) {
        after_change(r, &o, "created");
    } else if (o.err == GK_ERR_VALIDATION || o.errors) {
        r->error = o.err;
        render_form(r, 422, &ch, doc, o.errors, NULL, NULL);
    } else {
        gk_page_error(r, o.err, o.detail);
    }
    json_decref(ch.categories);
    json_decref(doc);
    gk_outcome_clear(&o);
}

void gk_h_page_application_edit(gk_request *r)
{
    choices ch;
    if (!load_choices(r, &ch)) return;
    gk_call call = gk_call_of(r);
    gk_outcome o;
    gk_svc_app_get(&call, r->params[0], &o);
    json_t *app = gk_page_view(r, &o);
    if (!app) {
        json_decref(ch.categories);
        return;
    }
    if (strcmp(str_or(app, "status"), "draft")) {
        json_decref(ch.categories);
        gk_reply_redirect(r, 303, gk_req_printf(r, "/applications/%s", r->params[0]));
    } else {
        char *version =
            gk_req_printf(r, "%lld",
                          (long long)json_integer_value(json_object_get(app, "version")));
        render_form(r, 200, &ch, app, NULL, r->params[0], version);
    }
    json_decref(app);
}

void gk_h_page_application_update(gk_request *r)
{
    choices ch;
    if (!load_choices(r, &ch)) return;
    gk_call call = gk_call_of(r);
    json_t *doc = form_to_doc(r, &ch.cat);
    const char *version = form(r, "version");
    gk_app_update_in in = {.id = r->params[0],
                           .patch = doc,
                           .if_match = version ? gk_req_printf(r, "\"%s\"", version) : NULL};
    gk_outcome o;
    gk_svc_app_update(&call, &in, &o);
    if (o.err == GK_ERR_OK) {
        after_change(r, &o, "saved");
    } else if (o.err == GK_ERR_VALIDATION || o.err == GK_ERR_PRECONDITION_FAILED) {
        r->error = o.err;
        if (o.err == GK_ERR_PRECONDITION_FAILED)
            gk_field_err(&o, &call, "version", "applications.draft_changed");
        render_form(r, o.err == GK_ERR_PRECONDITION_FAILED ? 412 : 422, &ch, doc, o.errors,
                    r->params[0], version);
    } else {
        gk_page_error(r, o.err, o.detail);
    }
    json_decref(ch.categories);
    json_decref(doc);
    gk_outcome_clear(&o);
}

/* ---- the case page ---- */

static void render_case(gk_request *r, unsigned status, json_t *errors, const char *problem)
{
    gk_call call = gk_call_of(r);
    gk_outcome o;
    gk_svc_app_case(&call, r->params[0], &o);
    json_t *m = gk_page_view(r, &o);
    if (!m) {
        json_decref(errors);
        return;
    }
    json_object_set_new(m, "nav", json_pack("{s:s}", "applications", "page"));
    { /* issue 20: a document's class in words: "confidential_until:2027-01-01" becomes the
       * class (confidentiality_class) and the date (confidential_until) */
        json_t *d;
        size_t i;
        json_array_foreach(json_object_get(json_object_get(m, "app"), "documents"), i, d)
        {
            const char *c = json_string_value(json_object_get(d, "confidentiality"));
            const char *colon = c ? strchr(c, ':') : NULL;
            json_object_set_new(d, "confidentiality_class",
                                colon ? json_stringn(c, (size_t)(colon - c))
                                      : json_string(c ? c : ""));
            if (colon) json_object_set_new(d, "confidential_until", json_string(colon + 1));
        }
    }
    const char *done = gk_req_query(r, "done");
    static const char *const DONE[] = {"created",  "saved",    "submitted", "withdrawn",
                                       "uploaded", "answered", "deleted",   NULL};
    for (size_t i = 0; done && DONE[i]; i++)
        if (!strcmp(done, DONE[i])) json_object_set_new(m, "done", json_string(done));
    json_object_set_new(m, "upload_action",
                        json_string(gk_req_printf(r, "/applications/%s/documents", r->params[0])));
    /* the limit stated on the form, sizes in KB/MB (issue 20) */
    json_object_set_new(m, "upload_limit",
                        json_string(gk_page_size_text(r, (long long)gk_app.config.upload_max)));
    json_object_set_new(m, "upload_limit_bytes",
                        json_integer((json_int_t)gk_app.config.upload_max));
    {
        size_t i;
        json_t *d;
        json_array_foreach(json_object_get(json_object_get(m, "app"), "documents"), i, d)
        {
            json_object_set_new(d, "size_text",
                                json_string(gk_page_size_text(r, (long long)json_integer_value(
                                                                     json_object_get(d, "size")))));
        }
    }
    if (errors) { /* each field's message next to it, and the one summary (issue 20) */
        json_t *by_key = gk_page_errors_by_key(errors), *invalid = json_object();
        const char *k;
        json_t *v;
        json_object_foreach(by_key, k, v) json_object_set_new(invalid, k, json_string("true"));
        json_object_set_new(m, "field_error", by_key);
        json_object_set_new(m, "field_error_invalid", invalid);
        json_object_set_new(m, "error_list", errors);
    }
    if (problem) json_object_set_new(m, "problem", json_string(problem));
    gk_page_render(r, status, "app_case", m);
}

void gk_h_page_application(gk_request *r)
{
    render_case(r, 200, NULL, NULL);
}

static void show_case_again(gk_request *r, gk_outcome *o, const void *ctx)
{
    json_t *errs = o->errors;
    o->errors = NULL;
    render_case(r, gk_error_status(o->err), errs, gk_error_title(o->err, r->lang));
}

/* A change posted from the case page: back to the case (the one the view names) with
 * ?done=<done>, or the case again with the refusal. */
static void case_action(gk_request *r, const char *done, gk_outcome *o)
{
    const char *id = json_string_value(json_object_get(o->view, "id"));
    const char *url = gk_req_printf(r, "/applications/%s?done=%s", id ? id : r->params[0], done);
    gk_page_form_done(r, o, url, show_case_again, NULL);
}

void gk_h_page_application_submit(gk_request *r)
{
    GK_RUN(r, NULL, NULL, case_action, "submitted", gk_svc_app_submit, r->params[0]);
}

void gk_h_page_application_withdraw(gk_request *r)
{
    gk_app_withdraw_in in = {.id = r->params[0]};
    GK_OP(r, &gk_app_withdraw_spec, &in, gk_svc_app_withdraw, case_action, "withdrawn");
}

void gk_h_page_info_request_respond(gk_request *r)
{
    /* Documents answering the question were uploaded with the form above; the answer links
     * those uploaded since the question was asked. */
    gk_app_respond_in in = {.id = r->params[0], .rid = r->params[1]};
    GK_OP(r, &gk_app_respond_spec, &in, gk_svc_app_respond, case_action, "answered");
}

bool gk_h_page_application_upload_chunk(gk_request *r, const char *data, size_t size)
{
    return gk_http_doc_upload_chunk(r, data, size);
}

void gk_h_page_application_upload(gk_request *r)
{
    if (r->body_too_large) { /* over the limit: said inside the form, still signed in */
        gk_call call = gk_call_of(r);
        gk_outcome o = {0};
        gk_field_err(&o, &call, "file", "ux.upload.too_large");
        json_t *e = json_array_get(o.errors, 0);
        json_object_set_new(e, "message",
                            json_string(gk_req_msgf(
                                r, "ux.upload.too_large", "limit",
                                gk_page_size_text(r, (long long)gk_app.config.upload_max), NULL)));
        gk_fail(&o, &call, GK_ERR_TOO_LARGE, NULL, NULL);
        r->error = GK_ERR_TOO_LARGE;
        show_case_again(r, &o, NULL);
        gk_outcome_clear(&o);
        return;
    }
    gk_outcome o;
    gk_http_doc_upload_end(r, &o);
    if (o.err == GK_ERR_CSRF) { /* the form's token (checked at the end): no page of the case */
        gk_reply_problem(r, GK_ERR_CSRF, o.detail, NULL);
        r->error = GK_ERR_CSRF;
        gk_outcome_clear(&o);
        return;
    }
    gk_page_form_done(r, &o, gk_req_printf(r, "/applications/%s?done=uploaded", r->params[0]),
                      show_case_again, NULL);
}

/* issue 20: a draft's document deleted from the case page (a form with the CSRF token). */
static void delete_done(gk_request *r, const char *done, gk_outcome *o)
{
    gk_page_form_done(r, o, gk_req_printf(r, "/applications/%s?done=%s#h-docs", r->params[0], done),
                      show_case_again, NULL);
}

void gk_h_page_application_doc_delete(gk_request *r)
{
    GK_RUN(r, NULL, NULL, delete_done, "deleted", gk_svc_doc_delete, r->params[0], r->params[1]);
}
