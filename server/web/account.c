/* The account pages: sign in, sign out, sign up (with its e-mail verification), password
 * reset by mail, the account page (password, API tokens, e-mail notifications), the admin's
 * user page and outbox. Forms post back to their own page; on an error the page is shown
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
    /* Anonymous forms carry their pre-session's token (issue 18 item 5). */
    const char *csrf = gk_auth_presession_begin(r);
    if (csrf) json_object_set_new(m, "csrf_token", json_string(csrf));
    if (nav) json_object_set_new(m, "nav", json_pack("{s:s}", nav, "page"));
    return m;
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
    json_t *by_key = gk_page_errors_by_key(errors);
    const char *key;
    json_t *msg;
    json_object_foreach(by_key, key, msg)
    {
        char id[160];
        snprintf(id, sizeof id, "%s-error", key);
        json_object_set(obj(m, "errors"), key, msg);
        json_object_set_new(obj(m, "describedby"), key, json_string(id));
        json_object_set_new(obj(m, "invalid"), key, json_string("true"));
    }
    json_decref(by_key);
    json_decref(errors);
}

/* Keep what was typed: values.<key> for each named form field. */
static void keep_values(gk_request *r, json_t *m, const char *const *fields)
{
    for (size_t i = 0; fields[i]; i++) {
        const char *v = gk_form_get(r, fields[i]);
        char key[128];
        gk_page_field_key(fields[i], key, sizeof key);
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
    if (e != GK_ERR_UNAVAILABLE && e != GK_ERR_INTERNAL && e != GK_ERR_BUSY) return false;
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
    gk_outcome out = {0};
    long retry_after = 0;
    gk_auth_sign_in(r, &out, &retry_after);
    gk_error e = out.err;
    if (e == GK_ERR_OK) {
        json_decref(m);
        gk_outcome_clear(&out);
        const char *next = gk_form_get(r, "next");
        /* Issue 20: without a next, each role lands where its work is: a manufacturer on its
         * applications (with "start an application"), an examiner on the examination queue. */
        const char *home = r->user.role == GK_ROLE_MANUFACTURER ? "/applications"
                           : r->user.role == GK_ROLE_EXAMINER   ? "/examination"
                                                                : "/";
        gk_reply_redirect(r, 303, gk_auth_next_is_safe(next) ? next : home);
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
    if (e == GK_ERR_THROTTLED) gk_reply_retry_after(r, retry_after);
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
    if (!m) return;
    gk_page_render(r, 200, "signup", m);
}

void gk_h_page_signup_post(gk_request *r)
{
    gk_call call = gk_call_of(r);
    gk_outcome out = {0};
    gk_signup_input in = {0};
    gk_read_input(r, &call, &gk_signup_spec, &in, &out);
    gk_svc_accounts_signup(&call, &in, &out);
    if (out.err == GK_ERR_OK) {
        /* Issue 19: the same page for a new and a taken address; nobody is signed in until
         * the link of the mail is followed. */
        json_t *m = base_model(r, NULL);
        if (m) {
            json_object_set(m, "message", json_object_get(out.view, "message"));
            gk_page_render(r, 200, "signup_sent", m);
        }
        gk_outcome_clear(&out);
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
    static const char *const kept[] = {"organization.name",
                                       "organization.name_ja",
                                       "organization.corporate_number",
                                       "organization.representative",
                                       "user.email",
                                       "user.name",
                                       NULL};
    keep_values(r, m, kept);
    refused(r, m, &out);
    gk_page_render(r, 200, "signup", m);
}

/* ---- e-mail verification and password reset (issue 19) --------------------------------- */

/* The token of a mail's link: from the query on GET, from the form on POST. */
static const char *token_of(gk_request *r)
{
    return gk_req_is_form(r) ? gk_form_get(r, "token") : gk_req_query(r, "token");
}

void gk_h_page_verify_email(gk_request *r)
{
    json_t *m = base_model(r, NULL);
    if (!m) return;
    const char *t = token_of(r);
    if (t) json_object_set_new(m, "token", json_string(t));
    gk_page_render(r, 200, "email_verify", m);
    gk_auth_add_presession_cookie(r); /* the form's pre-session (issue 18 item 5) */
}

static void verify_done(gk_request *r, json_t *m, gk_outcome *out)
{
    if (out->err == GK_ERR_OK) json_object_set_new(m, "done", json_true());
    const char *t = token_of(r);
    if (t && out->err != GK_ERR_OK) json_object_set_new(m, "token", json_string(t));
    if (fatal(r, out->err)) {
        json_decref(m);
        gk_outcome_clear(out);
        return;
    }
    if (out->err != GK_ERR_OK) refused(r, m, out);
    gk_outcome_clear(out);
    gk_page_render(r, 200, "email_verify", m);
    gk_auth_add_presession_cookie(r); /* the form's pre-session (issue 18 item 5) */
}

void gk_h_page_verify_email_post(gk_request *r)
{
    json_t *m = base_model(r, NULL);
    if (!m) return;
    gk_verify_input in = {0};
    GK_OP(r, &gk_verify_spec, &in, gk_svc_accounts_signup_verify, verify_done, m);
}

void gk_h_page_password_reset(gk_request *r)
{
    json_t *m = base_model(r, NULL);
    if (!m) return;
    gk_page_render(r, 200, "password_reset", m);
    gk_auth_add_presession_cookie(r); /* the form's pre-session (issue 18 item 5) */
}

static void reset_request_done(gk_request *r, json_t *m, gk_outcome *out)
{
    static const char *const kept[] = {"email", NULL};
    if (out->err == GK_ERR_OK) {
        json_object_set(m, "notice", json_object_get(out->view, "message"));
        json_object_set_new(m, "done", json_true());
    }
    if (fatal(r, out->err)) {
        json_decref(m);
        gk_outcome_clear(out);
        return;
    }
    if (out->err != GK_ERR_OK) {
        keep_values(r, m, kept);
        refused(r, m, out);
    }
    gk_outcome_clear(out);
    gk_page_render(r, 200, "password_reset", m);
    gk_auth_add_presession_cookie(r); /* the form's pre-session (issue 18 item 5) */
}

void gk_h_page_password_reset_post(gk_request *r)
{
    json_t *m = base_model(r, NULL);
    if (!m) return;
    gk_reset_request_input in = {0};
    GK_OP(r, &gk_reset_request_spec, &in, gk_svc_accounts_password_reset, reset_request_done, m);
}

void gk_h_page_reset_password(gk_request *r)
{
    json_t *m = base_model(r, NULL);
    if (!m) return;
    const char *t = token_of(r);
    /* without a token: the form that asks for the mail */
    if (t && *t) json_object_set_new(m, "token", json_string(t));
    gk_page_render(r, 200, "password_reset", m);
    gk_auth_add_presession_cookie(r); /* the form's pre-session (issue 18 item 5) */
}

static void reset_confirm_done(gk_request *r, json_t *m, gk_outcome *out)
{
    if (out->err == GK_ERR_OK) {
        gk_call call = gk_call_of(r);
        json_object_set_new(m, "notice", json_string(gk_call_msg(&call, "accounts.reset_done")));
        json_object_set_new(m, "done", json_true());
    } else {
        const char *t = token_of(r);
        if (t && *t) json_object_set_new(m, "token", json_string(t));
    }
    if (fatal(r, out->err)) {
        json_decref(m);
        gk_outcome_clear(out);
        return;
    }
    if (out->err != GK_ERR_OK) refused(r, m, out);
    gk_outcome_clear(out);
    gk_page_render(r, 200, "password_reset", m);
    gk_auth_add_presession_cookie(r); /* the form's pre-session (issue 18 item 5) */
    /* the reset ended every session, this browser's too */
    if (json_is_true(json_object_get(m, "done"))) gk_auth_add_clear_cookie(r);
}

void gk_h_page_reset_password_post(gk_request *r)
{
    json_t *m = base_model(r, NULL);
    if (!m) return;
    gk_reset_confirm_input in = {0};
    GK_OP(r, &gk_reset_confirm_spec, &in, gk_svc_accounts_password_reset_confirm,
          reset_confirm_done, m);
}

/* ---- the account page ------------------------------------------------------------------ */

/* The items of a list into m[key] (none after a refusal); false after the error page of a
 * failure (m is released). Clears the outcome. */
static bool add_items(gk_request *r, json_t *m, const char *key, gk_outcome *list)
{
    bool ok = !fatal(r, list->err);
    if (ok)
        json_object_set(m, key, json_object_get(list->view, "items"));
    else
        json_decref(m);
    gk_outcome_clear(list);
    return ok;
}

static void render_account(gk_request *r, unsigned status, json_t *m)
{
    gk_call call = gk_call_of(r);
    gk_outcome tokens = {0};
    gk_svc_accounts_tokens_list(&call, &tokens);
    if (!add_items(r, m, "tokens", &tokens)) return;
    json_object_set_new(m, "account",
                        json_pack("{s:s?, s:s?, s:s}", "name", r->user.name, "email", r->user.email,
                                  "role", gk_role_name(r->user.role)));
    gk_outcome prefs = {0};
    gk_svc_accounts_mail_prefs_get(&call, &prefs);
    if (prefs.err == GK_ERR_OK)
        json_object_set(m, "notifications", json_object_get(prefs.view, "notifications"));
    gk_outcome_clear(&prefs);
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

/* The end of a form of the account or users page, shown again by `render` with m: a failure
 * the form cannot help with is the error page; a refusal keeps the values typed (`kept`) and
 * shows each error next to its field. */
static void form_done(gk_request *r, json_t *m, gk_outcome *out, const char *const *kept,
                      void (*render)(gk_request *r, unsigned status, json_t *m))
{
    if (fatal(r, out->err)) {
        json_decref(m);
        gk_outcome_clear(out);
        return;
    }
    if (out->err != GK_ERR_OK) {
        if (kept) keep_values(r, m, kept);
        refused(r, m, out);
    }
    gk_outcome_clear(out);
    render(r, 200, m);
}

static void password_done(gk_request *r, json_t *m, gk_outcome *out)
{
    gk_call call = gk_call_of(r);
    if (out->err == GK_ERR_OK) {
        char n[24];
        snprintf(n, sizeof n, "%lld",
                 (long long)json_integer_value(json_object_get(out->view, "tokens_revoked")));
        json_object_set_new(m, "notice",
                            json_string(gk_call_msgf(&call, "accounts.password_changed", "tokens",
                                                     n, NULL)));
    }
    form_done(r, m, out, NULL, render_account);
}

void gk_h_page_account_password(gk_request *r)
{
    json_t *m = base_model(r, NULL);
    if (!m) return;
    gk_password_input in = {0};
    long retry_after = 0; /* the page does not say when to try again */
    GK_RUN(r, &gk_password_spec, &in, password_done, m, gk_svc_accounts_password_change, &in,
           &retry_after);
}

static void token_done(gk_request *r, json_t *m, gk_outcome *out)
{
    static const char *const kept[] = {"name", "expires_on", NULL};
    /* The only time the token is shown: rendered here, not after a redirect. */
    if (out->err == GK_ERR_OK) json_object_set(m, "new_token", out->view);
    form_done(r, m, out, kept, render_account);
}

void gk_h_page_account_tokens(gk_request *r)
{
    json_t *m = base_model(r, NULL);
    if (!m) return;
    gk_token_input in = GK_TOKEN_INPUT_INIT;
    GK_OP(r, &gk_token_spec, &in, gk_svc_accounts_token_create, token_done, m);
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
    if (!add_items(r, m, "users", &list)) return;
    gk_page_render(r, status, "admin_users", m);
}

void gk_h_page_admin_users(gk_request *r)
{
    json_t *m = base_model(r, NULL);
    if (m) render_admin_users(r, 200, m);
}

static void user_done(gk_request *r, json_t *m, gk_outcome *out)
{
    static const char *const kept[] = {"email", "name", "organization_id", NULL};
    if (out->err == GK_ERR_OK) {
        gk_call call = gk_call_of(r);
        json_object_set_new(m, "notice", json_string(gk_call_msg(&call, "admin_users.created")));
        json_object_set(m, "created", out->view);
    } else {
        const char *role = gk_form_get(r, "role");
        if (role) json_object_set_new(obj(m, "selected"), role, json_true());
        if (gk_form_get(r, "lead_examiner")) /* the box stays ticked */
            json_object_set_new(obj(m, "values"), "lead_examiner", json_true());
    }
    form_done(r, m, out, kept, render_admin_users);
}

void gk_h_page_admin_users_post(gk_request *r)
{
    json_t *m = base_model(r, NULL);
    if (!m) return;
    gk_user_input in = {0};
    GK_OP(r, &gk_user_spec, &in, gk_svc_accounts_user_create, user_done, m);
}

/* ---- notification choices and the outbox (issue 19) ------------------------------------ */

void gk_h_page_account_notifications(gk_request *r)
{
    static const char *const kinds[] = {"info_request", "decision", "certificate",
                                        "answer",       "review",   NULL};
    char off[128] = "";
    for (size_t i = 0; kinds[i]; i++) /* an unchecked box is not sent: that kind is off */
        if (!gk_form_get(r, kinds[i])) {
            strncat(off, kinds[i], sizeof off - strlen(off) - 2);
            strncat(off, " ", sizeof off - strlen(off) - 1);
        }
    gk_call call = gk_call_of(r);
    gk_outcome out = {0};
    gk_svc_accounts_mail_prefs_set(&call, off, &out);
    json_t *m = base_model(r, NULL);
    if (!m) {
        gk_outcome_clear(&out);
        return;
    }
    if (out.err == GK_ERR_OK)
        json_object_set_new(m, "notice", json_string(gk_call_msg(&call, "mail.prefs.saved")));
    form_done(r, m, &out, NULL, render_account);
}

void gk_h_page_admin_outbox(gk_request *r)
{
    gk_call call = gk_call_of(r);
    gk_outcome out = {0};
    const char *status = gk_req_query(r, "status");
    gk_svc_accounts_outbox(&call, status, &out);
    if (out.err != GK_ERR_OK) {
        gk_error e = out.err;
        gk_outcome_clear(&out);
        gk_page_error(r, e, NULL);
        return;
    }
    json_t *m = base_model(r, NULL);
    if (m) {
        json_object_update(m, out.view);
        if (status) json_object_set_new(m, "status", json_string(status));
        gk_page_render(r, 200, "admin_outbox", m);
    }
    gk_outcome_clear(&out);
}
