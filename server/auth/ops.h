/* The account operations shared by the JSON API (api/accounts.c) and the HTML pages
 * (web/account.c). Each reads its input from the request body (JSON, or a form whose field
 * names are the JSON paths: "organization.name", "user.email"), validates every field at
 * once, and returns:
 *   GK_ERR_OK with *out (a new JSON object or array the caller owns), or
 *   an error; for GK_ERR_VALIDATION and GK_ERR_ALREADY_EXISTS *errors holds the
 *   [{"field","message"}] list (messages in the request's language), caller owns it.
 * Passwords are hashed outside any transaction and never kept after the call. */
#ifndef GK_AUTH_OPS_H
#define GK_AUTH_OPS_H

#include "errors.h"
#include "http/request.h"

#include <jansson.h>

/* A manufacturer organisation and its first user, in one transaction. *out:
 * {"organization": {...}, "user": {...}}. */
gk_error gk_acct_signup(gk_request *r, json_t **out, json_t **errors);

/* Admin: a user of any role ({"email","password","name","role","organization_id"?}).
 * *out: the user. */
gk_error gk_acct_user_create(gk_request *r, json_t **out, json_t **errors);

/* Admin: users ordered by id after `after` (NULL = from the start), at most `limit`.
 * *out: {"items": [...], "next": cursor or null}. GK_ERR_BAD_QUERY for a bad cursor. */
gk_error gk_acct_users_list(gk_request *r, const char *after, long limit, json_t **out);

/* A Bearer token for the signed-in user ({"name","expires_on"?}). *out: {"id","name",
 * "token","expires_on","created_at"}; the token appears only here, never again. */
gk_error gk_acct_token_create(gk_request *r, json_t **out, json_t **errors);

/* The signed-in user's tokens that are not revoked. *out: {"items": [...], "next": null}. */
gk_error gk_acct_tokens_list(gk_request *r, json_t **out);

/* Revoke one of the signed-in user's tokens: GK_ERR_NOT_FOUND when the id is malformed,
 * unknown, already revoked or someone else's. */
gk_error gk_acct_token_revoke(gk_request *r, const char *id);

/* The message for `key` in the request's language (catalogue templates/messages). */
const char *gk_acct_msg(gk_request *r, const char *key);

#endif
