/* The accounts API: signup, session (sign in, who am I, sign out), users (admin), API
 * tokens, password change. The work is in auth/ (shared with the pages); this file maps
 * results to HTTP. */
#include "http/handlers.h"

#include "auth/auth.h"
#include "auth/ops.h"
#include "auth/validate.h"
#include "crypto/password.h"
#include "db/accounts.h"
#include "http/fields.h"
#include "http/reply.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void gk_accounts_api_register(void)
{
    gk_accounts_register();
    gk_auth_init();
}

/* Reply with the outcome of an operation: `out` (stolen) with `status`, or the problem. */
static void finish(gk_request *r, gk_error e, unsigned status, json_t *out, json_t *errors)
{
    if (e == GK_ERR_OK) {
        json_decref(errors);
        gk_reply_json(r, status, out);
        return;
    }
    json_decref(out);
    const char *detail = NULL;
    if (errors && json_array_size(errors) == 1)
        detail = json_string_value(json_object_get(json_array_get(errors, 0), "message"));
    detail = gk_req_strdup(r, detail);
    gk_reply_problem(r, e, detail, errors);
    r->error = e;
}

static void no_content(gk_request *r)
{
    gk_reply_bytes(r, 204, NULL, "", 0);
}

static void throttled(gk_request *r, long retry_after)
{
    gk_reply_problem(r, GK_ERR_THROTTLED, NULL, NULL);
    r->error = GK_ERR_THROTTLED;
    char v[24];
    snprintf(v, sizeof v, "%ld", retry_after > 0 ? retry_after : 1);
    gk_reply_header(r, MHD_HTTP_HEADER_RETRY_AFTER, v);
}

void gk_h_signup_create(gk_request *r)
{
    json_t *out = NULL, *errors = NULL;
    gk_error e = gk_acct_signup(r, &out, &errors);
    finish(r, e, 201, out, errors);
}

static json_t *session_body(gk_request *r)
{
    const char *csrf = gk_auth_csrf_token(r);
    return json_pack("{s:o, s:s*, s:s}", "user", gk_auth_user_json(&r->user), "csrf_token",
                     csrf, "via", r->user.via_cookie ? "cookie" : "token");
}

void gk_h_session_create(gk_request *r)
{
    const char *email = NULL, *password = NULL;
    const gk_field spec[] = {
        {"email", GK_F_STRING, true, 254, NULL, &email, false},
        {"password", GK_F_STRING, true, GK_PASSWORD_MAX_BYTES + 1, NULL, &password, false},
    };
    json_t *errors = NULL;
    if (gk_fields_read(r, spec, 2, &errors)) {
        finish(r, GK_ERR_VALIDATION, 0, NULL, errors);
        return;
    }
    long retry_after = 0;
    gk_error e = gk_auth_sign_in(r, email, password, &retry_after);
    if (e == GK_ERR_THROTTLED) {
        throttled(r, retry_after);
        return;
    }
    if (e != GK_ERR_OK) {
        finish(r, e, 0, NULL, NULL);
        return;
    }
    gk_reply_json(r, 200, session_body(r));
    gk_auth_add_session_cookie(r);
}

void gk_h_session_get(gk_request *r)
{
    gk_reply_json(r, 200, session_body(r));
}

void gk_h_session_delete(gk_request *r)
{
    gk_error e = gk_auth_sign_out(r);
    if (e != GK_ERR_OK) {
        finish(r, e, 0, NULL, NULL);
        return;
    }
    no_content(r);
    gk_auth_add_clear_cookie(r);
}

void gk_h_users_create(gk_request *r)
{
    json_t *out = NULL, *errors = NULL;
    gk_error e = gk_acct_user_create(r, &out, &errors);
    finish(r, e, 201, out, errors);
}

/* ?limit= (default 50, 1..500); false after replying 400. */
static bool read_limit(gk_request *r, long *limit)
{
    const char *s = gk_req_query(r, "limit");
    *limit = 50;
    if (!s) return true;
    char *end = NULL;
    long v = strtol(s, &end, 10);
    if (!*s || *end || v < 1 || v > 500) {
        gk_reply_problem(r, GK_ERR_BAD_QUERY, "limit must be an integer from 1 to 500", NULL);
        r->error = GK_ERR_BAD_QUERY;
        return false;
    }
    *limit = v;
    return true;
}

void gk_h_users_list(gk_request *r)
{
    long limit;
    if (!read_limit(r, &limit)) return;
    json_t *out = NULL;
    gk_error e = gk_acct_users_list(r, gk_req_query(r, "after"), limit, &out);
    if (e == GK_ERR_BAD_QUERY) {
        gk_reply_problem(r, e, "after must be a cursor from a previous page", NULL);
        r->error = e;
        return;
    }
    finish(r, e, 200, out, NULL);
}

void gk_h_tokens_create(gk_request *r)
{
    json_t *out = NULL, *errors = NULL;
    gk_error e = gk_acct_token_create(r, &out, &errors);
    finish(r, e, 201, out, errors);
}

void gk_h_tokens_list(gk_request *r)
{
    json_t *out = NULL;
    gk_error e = gk_acct_tokens_list(r, &out);
    finish(r, e, 200, out, NULL);
}

void gk_h_tokens_delete(gk_request *r)
{
    gk_error e = gk_acct_token_revoke(r, r->params[0]);
    if (e != GK_ERR_OK) {
        finish(r, e, 0, NULL, NULL);
        return;
    }
    no_content(r);
}

void gk_h_account_password(gk_request *r)
{
    const char *current = NULL, *new_pw = NULL;
    const gk_field spec[] = {
        {"current_password", GK_F_STRING, true, GK_PASSWORD_MAX_BYTES + 1, NULL, &current,
         false},
        {"new_password", GK_F_STRING, true, GK_PASSWORD_MAX_BYTES + 1, NULL, &new_pw, false},
    };
    json_t *errors = NULL;
    if (gk_fields_read(r, spec, 2, &errors)) {
        finish(r, GK_ERR_VALIDATION, 0, NULL, errors);
        return;
    }
    const char *field = NULL, *key = NULL;
    long retry_after = 0;
    gk_error e = gk_auth_change_password(r, current, new_pw, &field, &key, &retry_after);
    if (e == GK_ERR_THROTTLED) {
        throttled(r, retry_after);
        return;
    }
    if (e == GK_ERR_VALIDATION) gk_field_error_add(&errors, field, gk_acct_msg(r, key));
    if (e != GK_ERR_OK) {
        finish(r, e, 0, NULL, errors);
        return;
    }
    no_content(r);
}
