/* The subscription pages (issue 19): the form to subscribe (/subscriptions/new?q=...), the
 * confirmation link of the opt-in mail and the unsubscribe link of every digest. A GET shows a button; the POST does it, so a mail
 * scanner that follows links changes nothing. POST /unsubscribe is also the RFC 8058
 * one-click target: the mail client posts "List-Unsubscribe=One-Click" to the URL of the
 * List-Unsubscribe header, the token in its query. */
#include "http/handlers.h"

#include "auth/auth.h"
#include "http/fields.h"
#include "http/reply.h"
#include "http/service_call.h"
#include "service/subscriptions.h"
#include "web/page.h"

#include <string.h>

static const char *token_of(gk_request *r)
{
    const char *t = gk_req_query(r, "token");
    if (!t && gk_req_is_form(r)) t = gk_form_get(r, "token");
    return t;
}

/* The page in `mode` (confirm | unsubscribe): the button on GET, the outcome after POST. */
static void render(gk_request *r, const char *mode, gk_outcome *out, bool posted)
{
    json_t *m = json_object();
    if (!m) {
        gk_outcome_clear(out);
        return;
    }
    const char *csrf = gk_auth_presession_begin(r); /* anonymous forms too */
    if (csrf) json_object_set_new(m, "csrf_token", json_string(csrf));
    json_object_set_new(m, "mode", json_string(mode));
    json_object_set_new(m, !strcmp(mode, "confirm") ? "confirm" : "unsubscribe", json_true());
    const char *t = token_of(r);
    if (t) json_object_set_new(m, "token", json_string(t));
    if (posted && out->err == GK_ERR_OK) {
        json_object_set_new(m, "done", json_true());
        json_object_set(m, "query", json_object_get(out->view, "query"));
    } else if (posted) {
        if (out->err == GK_ERR_UNAVAILABLE || out->err == GK_ERR_INTERNAL) {
            gk_error e = out->err;
            json_decref(m);
            gk_outcome_clear(out);
            gk_page_error(r, e, NULL);
            return;
        }
        json_t *first = json_array_get(out->errors, 0);
        json_object_set(m, "error", json_object_get(first, "message"));
        r->error = out->err;
    }
    gk_outcome_clear(out);
    gk_page_render(r, 200, "subscription", m);
}

void gk_h_page_subscription_confirm(gk_request *r)
{
    gk_outcome out = {0};
    render(r, "confirm", &out, false);
}

void gk_h_page_subscription_confirm_post(gk_request *r)
{
    gk_call call = gk_call_of(r);
    gk_outcome out = {0};
    gk_sub_token_input in = {.token = token_of(r)};
    gk_svc_sub_confirm(&call, &in, &out);
    render(r, "confirm", &out, true);
}

void gk_h_page_unsubscribe(gk_request *r)
{
    gk_outcome out = {0};
    render(r, "unsubscribe", &out, false);
}

void gk_h_page_unsubscribe_post(gk_request *r)
{
    gk_call call = gk_call_of(r);
    gk_outcome out = {0};
    gk_sub_token_input in = {.token = token_of(r)};
    gk_svc_sub_unsubscribe(&call, &in, &out);
    render(r, "unsubscribe", &out, true);
}

/* ---- the form to subscribe ---- */

static json_t *new_model(gk_request *r)
{
    json_t *m = json_object();
    if (!m) return NULL;
    const char *csrf = gk_auth_presession_begin(r); /* anonymous forms too */
    if (csrf) json_object_set_new(m, "csrf_token", json_string(csrf));
    json_object_set_new(m, "mode", json_string("new"));
    json_object_set_new(m, "new", json_true());
    return m;
}

void gk_h_page_subscription_new(gk_request *r)
{
    json_t *m = new_model(r);
    if (!m) return;
    const char *q = gk_req_query(r, "q");
    if (q) json_object_set_new(m, "values", json_pack("{s:s}", "query", q));
    gk_page_render(r, 200, "subscription", m);
}

void gk_h_page_subscription_new_post(gk_request *r)
{
    gk_call call = gk_call_of(r);
    gk_outcome out = {0};
    gk_sub_input in = {0};
    if (gk_read_input(r, &call, &gk_sub_spec, &in, &out)) gk_svc_sub_create(&call, &in, &out);
    if (out.err == GK_ERR_UNAVAILABLE || out.err == GK_ERR_INTERNAL) {
        gk_error e = out.err;
        gk_outcome_clear(&out);
        gk_page_error(r, e, NULL);
        return;
    }
    json_t *m = new_model(r);
    if (!m) {
        gk_outcome_clear(&out);
        return;
    }
    if (out.err == GK_ERR_OK) {
        json_object_set_new(m, "done", json_true());
        json_object_set(m, "message", json_object_get(out.view, "message"));
    } else {
        const char *email = gk_form_get(r, "email"), *query = gk_form_get(r, "query");
        json_object_set_new(m, "values", json_pack("{s:s?, s:s?}", "email", email, "query", query));
        json_t *by_key = gk_page_errors_by_key(out.errors);
        const char *key;
        json_t *msg;
        json_object_foreach(by_key, key, msg)
        {
            json_t *e = json_object_get(m, "errors");
            if (!e) json_object_set_new(m, "errors", e = json_object());
            json_object_set(e, key, msg);
            json_t *d = json_object_get(m, "describedby");
            if (!d) json_object_set_new(m, "describedby", d = json_object());
            json_object_set_new(d, key,
                                json_string(!strcmp(key, "email") ? "email-error" : "query-error"));
            json_t *inv = json_object_get(m, "invalid");
            if (!inv) json_object_set_new(m, "invalid", inv = json_object());
            json_object_set_new(inv, key, json_string("true"));
        }
        json_decref(by_key);
        if (!json_object_get(m, "errors"))
            json_object_set_new(m, "error", json_string(gk_error_title(out.err, r->lang)));
        r->error = out.err;
    }
    gk_outcome_clear(&out);
    gk_page_render(r, 200, "subscription", m);
}
