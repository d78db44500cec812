/* Accounts: sign-up of a manufacturer, sign-in and sign-out, password change, users (admin)
 * and API tokens. Shared by the JSON API and the account pages: each operation has one
 * field spec (gk_spec) that both read, so both refuse the same input alike.
 *
 * The adapter reads the fields into the input and their errors into out->errors (the specs
 * are GK_SPEC_OP_CHECKS); the operation adds its own checks to the same list (every bad
 * field at once) and fails with GK_ERR_VALIDATION when the list is not empty. Passwords are hashed outside any
 * transaction and never kept after the call. Changes of several rows (sign-up, password
 * change, token revocation, ...) are one transaction with their audit entry. */
#ifndef GK_SERVICE_ACCOUNTS_H
#define GK_SERVICE_ACCOUNTS_H

#include "crypto/token.h"
#include "domain/date.h"
#include "http/fields.h"
#include "service/service.h"

#include <stddef.h>

/* ---- sign-up: a manufacturer organisation and its first user -------------------------- */
typedef struct {
    const char *org_name, *org_name_ja, *corporate_number, *representative;
    const char *email, *password, *name;
} gk_signup_input;
extern const gk_spec gk_signup_spec;
/* Issue 19: the same answer whether the address is new or already has an account (the view
 * {"email", "status": "verification_sent"}, 202 for the API). A new address gets its
 * organisation and an unverified user, and a mail with a link to /verify-email?token=...
 * (single use, 24 hours, stored hashed); the owner of a taken address gets a notice mail
 * instead, at most one an hour (no hash for it: a taken address stays cheap). A taken
 * corporate number is still a 409. */
void gk_svc_accounts_signup(const gk_call *call, const gk_signup_input *in, gk_outcome *out);

/* ---- e-mail tokens (issue 19) ---------------------------------------------------------- */
typedef struct {
    const char *token;
} gk_verify_input;
extern const gk_spec gk_verify_spec;
/* Uses the token of a sign-up mail: the account is verified (view {"verified": true}). A
 * token unknown, used or older than 24 hours is a field error on token. */
void gk_svc_accounts_signup_verify(const gk_call *call, const gk_verify_input *in, gk_outcome *out);

typedef struct {
    const char *email;
} gk_reset_request_input;
extern const gk_spec gk_reset_request_spec;
/* Always the same answer ({"email", "status": "reset_sent"}); an enabled account of that
 * address gets a mail with a link to /reset-password?token=... Counted per client address
 * like sign-ins. */
void gk_svc_accounts_password_reset(const gk_call *call, const gk_reset_request_input *in,
                                    gk_outcome *out);

typedef struct {
    const char *token, *password;
} gk_reset_confirm_input;
extern const gk_spec gk_reset_confirm_spec;
/* Uses the reset token and sets the password: every session of the user ends, every API
 * token and every other e-mail token is revoked, the address counts as verified, and the
 * change is in the audit log. view {"tokens_revoked": n}. */
void gk_svc_accounts_password_reset_confirm(const gk_call *call, const gk_reset_confirm_input *in,
                                            gk_outcome *out);

/* ---- notification choices of the signed-in user (issue 19) ----------------------------- */
/* view {"notifications": {"info_request": true, ...}} (every kind, true = mailed). */
void gk_svc_accounts_mail_prefs_get(const gk_call *call, gk_outcome *out);
/* `off`: the kinds turned off, names separated by spaces or commas ("" = none). */
void gk_svc_accounts_mail_prefs_set(const gk_call *call, const char *off, gk_outcome *out);

/* ---- the outbox (admin, issue 19) ------------------------------------------------------- */
/* view {"counts": {"queued", "sent", "failed"}, "items": [...]}, newest first, at most 200;
 * status NULL for all, else queued | sent | failed (GK_ERR_BAD_QUERY otherwise). */
void gk_svc_accounts_outbox(const gk_call *call, const char *status, gk_outcome *out);

/* ---- sessions -------------------------------------------------------------------------- */
/* A session begun by sign-in or sign-up: what the HTTP side needs for the cookie and the
 * request's principal (auth.h gk_auth_session_install). Strings in the call's arena. */
typedef struct {
    char id[24];
    char token[GK_TOKEN_LEN + 1]; /* the cookie's value; shown only in this reply */
    unsigned char csrf_secret[32];
    gk_principal user;
} gk_session_grant;

typedef struct {
    const char *email, *password;
} gk_signin_input;
extern const gk_spec gk_signin_spec;
/* Throttle check, constant-work verification (a dummy hash for unknown addresses), rehash
 * when the stored cost is weaker than configured, then a new session (the caller's previous
 * one ends). GK_ERR_BAD_CREDENTIALS is the same for an unknown address and a wrong
 * password; GK_ERR_THROTTLED sets *retry_after (seconds). */
void gk_svc_accounts_sign_in(const gk_call *call, const gk_signin_input *in, gk_session_grant *g,
                             long *retry_after, gk_outcome *out);
/* A new session for a user whose identity is already established (after sign-up). */
void gk_svc_accounts_session_start(const gk_call *call, const gk_principal *who,
                                   gk_session_grant *g, gk_outcome *out);
/* End the caller's cookie session (its cookie stops working at once); nothing for a Bearer
 * caller. */
void gk_svc_accounts_sign_out(const gk_call *call, gk_outcome *out);

/* ---- password change ------------------------------------------------------------------- */
typedef struct {
    const char *current_password, *new_password;
} gk_password_input;
extern const gk_spec gk_password_spec;
/* A wrong current password is a field error on current_password and is counted against the
 * pair (account, address) like a failed sign-in (GK_ERR_THROTTLED with *retry_after while it
 * waits). Other sessions of the user end, the caller's stays; every API token of the user is
 * revoked (view {"tokens_revoked": n}). */
void gk_svc_accounts_password_change(const gk_call *call, const gk_password_input *in,
                                     long *retry_after, gk_outcome *out);

/* ---- users (admin) --------------------------------------------------------------------- */
typedef struct {
    const char *email, *password, *name, *role, *organization_id;
    int lead_examiner; /* 1: a lead examiner (examiners only; issue 18 item 3) */
} gk_user_input;
extern const gk_spec gk_user_spec;
/* view: the user. */
void gk_svc_accounts_user_create(const gk_call *call, const gk_user_input *in, gk_outcome *out);
/* Users ordered by id after `after` (NULL = from the start), at most `limit` (1..500):
 * view {"items", "next"}. GK_ERR_BAD_QUERY for a malformed cursor. */
void gk_svc_accounts_users_list(const gk_call *call, const char *after, long limit,
                                gk_outcome *out);

/* ---- API tokens of the signed-in user -------------------------------------------------- */
typedef struct {
    const char *name;
    gk_date expires_on; /* GK_DATE_NONE: the longest life allowed (GITEKI_TOKEN_MAX_DAYS) */
    const char *scopes; /* names separated by spaces or commas; NULL: "read" */
} gk_token_input;
#define GK_TOKEN_INPUT_INIT                                                                        \
    {                                                                                              \
        .name = NULL, .expires_on = GK_DATE_NONE, .scopes = NULL                                   \
    }
extern const gk_spec gk_token_spec;
/* view {"id", "name", "token", "scopes", "expires_on", "created_at"}: the token appears only
 * here. Only a cookie session makes tokens (a token cannot: GK_ERR_TOKEN_SCOPE). A token
 * always has "read", plus at most the scope of its user's role (gk_scope_for_role); it
 * expires at most GITEKI_TOKEN_MAX_DAYS days ahead. A password change revokes every token of
 * the user. */
void gk_svc_accounts_token_create(const gk_call *call, const gk_token_input *in, gk_outcome *out);
/* The tokens not revoked: view {"items", "next": null}. */
void gk_svc_accounts_tokens_list(const gk_call *call, gk_outcome *out);
/* GK_ERR_NOT_FOUND when the id is malformed, unknown, already revoked or someone else's. */
void gk_svc_accounts_token_revoke(const gk_call *call, const char *id, gk_outcome *out);

#endif
