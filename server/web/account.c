/* The account pages: sign in, sign out, sign up, the account page (password, API tokens) and
 * the admin's user page. Forms post back to their own page; on an error the page is shown
 * again with each message next to its field (aria-describedby, role=alert) and the values
 * typed so far, never a password. A page shown again is an ordinary 200 page for the
 * browser (the JSON API carries the 4xx statuses); r->error still records why. */
#include "http/handlers.h"

#include "auth/auth.h"
#include "auth/validate.h"
#include "http/fields.h"
#include "http/reply.h"
#include "http/service_call.h"
#include "service/accounts.h"
#include "web/page.h"

#include <stdio.h>
#include <string.h>

/* ---- view-model helpers ---------------------------------------------------------------- */

static json_t *base_model(gk_request *r, const char *nav)
{
    json_t *m = json_object();
    if (!m) return NULL;
    const char *csrf = gk_auth_csrf_token(r);
    if (csrf) json_object_set_new(m, "csrf_token", json_string(csrf));
    if (nav) json_object_set_new(m, "nav", json_pack("{s:s}", nav, "page"));
    return m;
}

/* "organization.name" -> "organization_name": the key used in templates. */
static void field_key(const char *field, char *out, size_t n)
{
    snprintf(out, n, "%s", field);
    for (char *p = out; *p; p++)
        if (*p == '.' || *p == '-') *p = '_';
}

static json_t *obj(json_t *m, const char *key)
{
    json_t *o = json_object_get(m, key);
    if (!o) {
        o = json_object();
        json_object_set_new(m, key, o);
    }
    return o;
}

/* Field errors into the model: errors.<key> (the message), describedby.<key> (the id of
 * the message element, "<key>-error"), invalid.<key> ("true"). Steals `errors`. */
static void add_errors(json_t *m, json_t *errors)
{
    size_t i;
    json_t *e;
    json_array_foreach(errors, i, e)
    {
        const char *field = json_string_value(json_object_get(e, "field"));
        const char *msg = json_string_value(json_object_get(e, "message"));
        if (!field || !msg) continue;
        char key[128], id[160];
        field_key(field, key, sizeof key);
        if (json_object_get(obj(m, "errors"), key)) continue; /* first message per field */
        snprintf(id, sizeof id, "%s-error", key);
        json_object_set_new(obj(m, "errors"), key, json_string(msg));
        json_object_set_new(obj(m, "describedby"), key, json_string(id));
        json_object_set_new(obj(m, "invalid"), key, json_string("true"));
    }
    json_decref(errors);
}

/* Keep what was typed: values.<key> for each named form field. */
static void keep_values(gk_request *r, json_t *m, const char *const *fields)
{
    for (size_t i = 0; fields[i]; i++) {
        const char *v = gk_form_get(r, fields[i]);
        char key[128];
        field_key(fields[i], key, sizeof key);
        if (v) json_object_set_new(obj(m, "values"), key, json_string(v));
    }
}

static void set_error(gk_request *r, json_t *m, gk_error e)
{
    json_object_set_new(m, "error", json_string(gk_error_title(e, r->lang)));
    r->error = e;
}

/* Field errors and the error title of a refused outcome into the model (clears it). */
static void refused(gk_request *r, json_t *m, gk_outcome *out)
{
    add_errors(m, out->errors);
    out->errors = NULL;
    set_error(r, m, out->err);
    gk_outcome_clear(out);
}

static bool fatal(gk_request *r, gk_error e)
{
    if (e != GK_ERR_UNAVAILABLE && e != GK_ERR_INTERNAL) return false;
    gk_page_error(r, e, NULL);
    return true;
}

/* ---- sign in / out --------------------------------------------------------------------- */

static void render_signin(gk_request *r, unsigned status, json_t *m)
{
    const char *next = gk_req_is_form(r) ? gk_form_get(r, "next") : gk_req_query(r, "next");
    if (gk_auth_next_is_safe(next)) json_object_set_new(m, "next", json_string(next));
    gk_page_render(r, status, "signin", m);
}

void gk_h_page_signin(gk_request *r)
{
    json_t *m = base_model(r, "signin");
    if (!m) return;
    render_signin(r, 200, m);
}

void gk_h_page_signin_post(gk_request *r)
{
    json_t *m = base_model(r, "signin");
    if (!m) return;
    static const char *const kept[] = {"email", NULL};
    keep_values(r, m, kept);
    gk_call call = gk_call_of(r);
    gk_outcome out = {0};
    gk_signin_input in = {0};
    gk_session_grant g;
    long retry_after = 0;
    gk_fields_read_into(r, gk_signin_fields, GK_SPEC_N(gk_signin_fields), &in, &out.errors);
    gk_svc_accounts_sign_in(&call, &in, &g, &retry_after, &out);
    gk_error e = out.err;
    if (e == GK_ERR_OK) e = gk_auth_session_install(r, &g);
    if (e == GK_ERR_OK) {
        json_decref(m);
        gk_outcome_clear(&out);
        const char *next = gk_form_get(r, "next");
        gk_reply_redirect(r, 303, gk_auth_next_is_safe(next) ? next : "/");
        gk_auth_add_session_cookie(r);
        return;
    }
    if (fatal(r, e)) {
        json_decref(m);
        gk_outcome_clear(&out);
        return;
    }
    refused(r, m, &out);
    render_signin(r, 200, m);
    if (e == GK_ERR_THROTTLED) {
        char v[24];
        snprintf(v, sizeof v, "%ld", retry_after > 0 ? retry_after : 1);
        gk_reply_header(r, MHD_HTTP_HEADER_RETRY_AFTER, v);
    }
}

void gk_h_page_signout(gk_request *r)
{
    gk_call call = gk_call_of(r);
    gk_outcome out = {0};
    gk_svc_accounts_sign_out(&call, &out);
    gk_error e = out.err;
    gk_outcome_clear(&out);
    if (fatal(r, e)) return;
    gk_auth_session_end(r);
    gk_reply_redirect(r, 303, "/");
    gk_auth_add_clear_cookie(r);
}

/* ---- sign up --------------------------------------------------------------------------- */

void gk_h_page_signup(gk_request *r)
{
    json_t *m = base_model(r, NULL);
    if (m) gk_page_render(r, 200, "signup", m);
}

void gk_h_page_signup_post(gk_request *r)
{
    gk_call call = gk_call_of(r);
    gk_outcome out = {0};
    gk_signup_input in = {0};
    gk_fields_read_into(r, gk_signup_fields, GK_SPEC_N(gk_signup_fields), &in, &out.errors);
    gk_svc_accounts_signup(&call, &in, &out);
    if (out.err == GK_ERR_OK) {
        json_t *u = json_object_get(out.view, "user");
        gk_principal who = {
            .id = gk_req_strdup(r, json_string_value(json_object_get(u, "id"))),
            .email = gk_req_strdup(r, json_string_value(json_object_get(u, "email"))),
            .name = gk_req_strdup(r, json_string_value(json_object_get(u, "name"))),
            .organization_id =
                gk_req_strdup(r, json_string_value(json_object_get(u, "organization_id"))),
            .role = GK_ROLE_MANUFACTURER};
        gk_outcome_clear(&out);
        gk_session_grant g;
        gk_svc_accounts_session_start(&call, &who, &g, &out);
        gk_error e = out.err;
        gk_outcome_clear(&out);
        if (e == GK_ERR_OK) e = gk_auth_session_install(r, &g);
        if (fatal(r, e)) return;
        gk_reply_redirect(r, 303, "/account");
        gk_auth_add_session_cookie(r);
        return;
    }
    if (fatal(r, out.err)) {
        gk_outcome_clear(&out);
        return;
    }
    json_t *m = base_model(r, NULL);
    if (!m) {
        gk_outcome_clear(&out);
        return;
    }
    static const char *const kept[] = {"organization.name",           "organization.name_ja",
                                       "organization.corporate_number",
                                       "organization.representative", "user.email",
                                       "user.name",                   NULL};
    keep_values(r, m, kept);
    refused(r, m, &out);
    gk_page_render(r, 200, "signup", m);
}

/* ---- the account page ------------------------------------------------------------------ */

static void render_account(gk_request *r, unsigned status, json_t *m)
{
    gk_call call = gk_call_of(r);
    gk_outcome tokens = {0};
    gk_svc_accounts_tokens_list(&call, &tokens);
    if (fatal(r, tokens.err)) {
        json_decref(m);
        gk_outcome_clear(&tokens);
        return;
    }
    json_object_set(m, "tokens", json_object_get(tokens.view, "items"));
    gk_outcome_clear(&tokens);
    json_object_set_new(m, "account",
                        json_pack("{s:s?, s:s?, s:s}", "name", r->user.name, "email",
                                  r->user.email, "role", gk_role_name(r->user.role)));
    gk_page_render(r, status, "account", m);
}

void gk_h_page_account(gk_request *r)
{
    json_t *m = base_model(r, NULL);
    if (!m) return;
    gk_call call = gk_call_of(r);
    if (gk_req_query(r, "revoked"))
        json_object_set_new(m, "notice", json_string(gk_call_msg(&call, "account.token_revoked")));
    render_account(r, 200, m);
}

void gk_h_page_account_password(gk_request *r)
{
    json_t *m = base_model(r, NULL);
    if (!m) return;
    gk_call call = gk_call_of(r);
    gk_outcome out = {0};
    gk_password_input in = {0};
    long retry_after = 0;
    gk_fields_read_into(r, gk_password_fields, GK_SPEC_N(gk_password_fields), &in, &out.errors);
    gk_svc_accounts_password_change(&call, &in, &retry_after, &out);
    if (fatal(r, out.err)) {
        json_decref(m);
        gk_outcome_clear(&out);
        return;
    }
    if (out.err == GK_ERR_OK) {
        gk_outcome_clear(&out);
        json_object_set_new(m, "notice", json_string(gk_call_msg(&call, "account.password_changed")));
        render_account(r, 200, m);
        return;
    }
    refused(r, m, &out);
    render_account(r, 200, m);
}

void gk_h_page_account_tokens(gk_request *r)
{
    json_t *m = base_model(r, NULL);
    if (!m) return;
    gk_call call = gk_call_of(r);
    gk_outcome out = {0};
    gk_token_input in = GK_TOKEN_INPUT_INIT;
    gk_fields_read_into(r, gk_token_fields, GK_SPEC_N(gk_token_fields), &in, &out.errors);
    gk_svc_accounts_token_create(&call, &in, &out);
    if (fatal(r, out.err)) {
        json_decref(m);
        gk_outcome_clear(&out);
        return;
    }
    if (out.err == GK_ERR_OK) {
        /* The only time the token is shown: rendered here, not after a redirect. */
        json_object_set(m, "new_token", out.view);
        gk_outcome_clear(&out);
        render_account(r, 200, m);
        return;
    }
    static const char *const kept[] = {"name", "expires_on", NULL};
    keep_values(r, m, kept);
    refused(r, m, &out);
    render_account(r, 200, m);
}

void gk_h_page_account_token_revoke(gk_request *r)
{
    gk_call call = gk_call_of(r);
    gk_outcome out = {0};
    gk_svc_accounts_token_revoke(&call, r->params[0], &out);
    gk_error e = out.err;
    gk_outcome_clear(&out);
    if (e != GK_ERR_OK) {
        gk_page_error(r, e, NULL);
        return;
    }
    gk_reply_redirect(r, 303, "/account?revoked=1");
}

/* ---- admin: users ---------------------------------------------------------------------- */

static void render_admin_users(gk_request *r, unsigned status, json_t *m)
{
    gk_call call = gk_call_of(r);
    gk_outcome list = {0};
    gk_svc_accounts_users_list(&call, NULL, 500, &list);
    if (fatal(r, list.err)) {
        json_decref(m);
        gk_outcome_clear(&list);
        return;
    }
    json_object_set(m, "users", json_object_get(list.view, "items"));
    gk_outcome_clear(&list);
    gk_page_render(r, status, "admin_users", m);
}

void gk_h_page_admin_users(gk_request *r)
{
    json_t *m = base_model(r, NULL);
    if (m) render_admin_users(r, 200, m);
}

void gk_h_page_admin_users_post(gk_request *r)
{
    json_t *m = base_model(r, NULL);
    if (!m) return;
    gk_call call = gk_call_of(r);
    gk_outcome out = {0};
    gk_user_input in = {0};
    gk_fields_read_into(r, gk_user_fields, GK_SPEC_N(gk_user_fields), &in, &out.errors);
    gk_svc_accounts_user_create(&call, &in, &out);
    if (fatal(r, out.err)) {
        json_decref(m);
        gk_outcome_clear(&out);
        return;
    }
    if (out.err == GK_ERR_OK) {
        json_object_set_new(m, "notice", json_string(gk_call_msg(&call, "admin_users.created")));
        json_object_set(m, "created", out.view);
        gk_outcome_clear(&out);
        render_admin_users(r, 200, m);
        return;
    }
    static const char *const kept[] = {"email", "name", "organization_id", NULL};
    keep_values(r, m, kept);
    const char *role = gk_form_get(r, "role");
    if (role) json_object_set_new(obj(m, "selected"), role, json_true());
    refused(r, m, &out);
    render_admin_users(r, 200, m);
}
