/* The accounts API: signup (and its e-mail verification), password reset by mail, session
 * (sign in, who am I, sign out), users (admin), API tokens, password change. The work is in service/accounts.h (shared with the pages); this
 * file reads the fields and maps outcomes to HTTP. */
#include "http/handlers.h"

#include "auth/auth.h"
#include "db/accounts.h"
#include "http/fields.h"
#include "http/reply.h"
#include "http/service_call.h"
#include "service/accounts.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void gk_accounts_api_register(void)
{
    gk_accounts_register();
    gk_auth_init();
}

/* Reply with an outcome; a refusal naming one field says so in its detail too. */
static void finish(gk_request *r, unsigned status, gk_outcome *out)
{
    if (out->err != GK_ERR_OK && !out->detail && json_array_size(out->errors) == 1)
        out->detail = gk_req_strdup(
            r, json_string_value(json_object_get(json_array_get(out->errors, 0), "message")));
    gk_reply_outcome(r, status, out);
}

static void no_content(gk_request *r)
{
    gk_reply_bytes(r, 204, NULL, "", 0);
}

/* Replies with the refusal of an outcome (throttled: 429 with Retry-After); false when it
 * succeeded. */
static bool refusal(gk_request *r, gk_outcome *out, long retry_after)
{
    if (out->err == GK_ERR_OK) return false;
    if (out->err != GK_ERR_THROTTLED) {
        finish(r, 200, out);
        return true;
    }
    gk_outcome_clear(out);
    gk_reply_problem(r, GK_ERR_THROTTLED, NULL, NULL);
    gk_reply_retry_after(r, retry_after);
    return true;
}

/* 204 after a success; retry_after (may be NULL) for a throttled refusal. */
static void finish_empty(gk_request *r, const long *retry_after, gk_outcome *out)
{
    if (refusal(r, out, retry_after ? *retry_after : 0)) return;
    gk_outcome_clear(out);
    no_content(r);
}

void gk_h_signup_create(gk_request *r)
{
    gk_signup_input in = {0};
    /* 202: the same answer for a new and a taken address; the mail says the rest */
    GK_OP(r, &gk_signup_spec, &in, gk_svc_accounts_signup, finish, 202);
}

/* ---- e-mail tokens (issue 19) ---------------------------------------------------------- */

void gk_h_signup_verify(gk_request *r)
{
    gk_verify_input in = {0};
    GK_OP(r, &gk_verify_spec, &in, gk_svc_accounts_signup_verify, finish, 200);
}

void gk_h_password_reset_create(gk_request *r)
{
    gk_reset_request_input in = {0};
    GK_OP(r, &gk_reset_request_spec, &in, gk_svc_accounts_password_reset, finish, 202);
}

void gk_h_password_reset_confirm(gk_request *r)
{
    gk_reset_confirm_input in = {0};
    GK_OP(r, &gk_reset_confirm_spec, &in, gk_svc_accounts_password_reset_confirm, finish, 200);
}

static json_t *session_body(gk_request *r)
{
    const char *csrf = gk_auth_csrf_token(r);
    return json_pack("{s:o, s:s*, s:s}", "user", gk_auth_user_json(&r->user), "csrf_token", csrf,
                     "via", r->user.via_cookie ? "cookie" : "token");
}

void gk_h_session_create(gk_request *r)
{
    gk_outcome out = {0};
    long retry_after = 0;
    gk_auth_sign_in(r, &out, &retry_after);
    if (refusal(r, &out, retry_after)) return;
    gk_outcome_clear(&out);
    gk_reply_json(r, 200, session_body(r));
    gk_auth_add_session_cookie(r);
}

void gk_h_session_get(gk_request *r)
{
    gk_reply_json(r, 200, session_body(r));
}

void gk_h_session_delete(gk_request *r)
{
    gk_call call = gk_call_of(r);
    gk_outcome out = {0};
    gk_svc_accounts_sign_out(&call, &out);
    if (refusal(r, &out, 0)) return;
    gk_outcome_clear(&out);
    gk_auth_session_end(r);
    no_content(r);
    gk_auth_add_clear_cookie(r);
}

void gk_h_users_create(gk_request *r)
{
    gk_user_input in = {0};
    GK_OP(r, &gk_user_spec, &in, gk_svc_accounts_user_create, finish, 201);
}

void gk_h_users_list(gk_request *r)
{
    gk_call call = gk_call_of(r);
    gk_outcome out = {0};
    const char *s = gk_req_query(r, "limit");
    long limit = 50;
    if (s) { /* 1..500 */
        char *end = NULL;
        limit = strtol(s, &end, 10);
        if (!*s || *end || limit < 1 || limit > 500) {
            gk_fail(&out, &call, GK_ERR_BAD_QUERY, NULL, NULL);
            out.detail = gk_call_msg(&call, "accounts.bad_limit");
            finish(r, 200, &out);
            return;
        }
    }
    gk_svc_accounts_users_list(&call, gk_req_query(r, "after"), limit, &out);
    finish(r, 200, &out);
}

void gk_h_tokens_create(gk_request *r)
{
    gk_token_input in = GK_TOKEN_INPUT_INIT;
    GK_OP(r, &gk_token_spec, &in, gk_svc_accounts_token_create, finish, 201);
}

void gk_h_tokens_list(gk_request *r)
{
    GK_API_CALL(r, 200, gk_svc_accounts_tokens_list);
}

void gk_h_tokens_delete(gk_request *r)
{
    GK_RUN(r, NULL, NULL, finish_empty, NULL, gk_svc_accounts_token_revoke, r->params[0]);
}

void gk_h_account_password(gk_request *r)
{
    gk_password_input in = {0};
    long retry_after = 0;
    GK_RUN(r, &gk_password_spec, &in, finish_empty, &retry_after, gk_svc_accounts_password_change,
           &in, &retry_after);
}
