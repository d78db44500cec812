/* Who is calling: sessions (cookie `giteki_session`), Bearer API tokens, sign-in and
 * sign-out, the CSRF guard. gk_auth_init installs the dispatcher hooks (http/server.h):
 *
 *   authenticate  cookie → live session (idle and absolute expiry checked in SQL, the idle
 *                 expiry moved forward) or "Authorization: Bearer" → usable API token, and
 *                 fills r->user. A stale cookie is ignored (the caller is anonymous); a bad
 *                 Bearer token is refused with 401, since an API client must learn that its
 *                 token no longer works.
 *   csrf guard    cookie-authenticated unsafe requests must carry the session's CSRF token
 *                 in X-CSRF-Token or a form field `csrf_token`; compared in constant time.
 *
 * Secrets (passwords, tokens, cookies) are never logged by this module. */
#ifndef GK_AUTH_AUTH_H
#define GK_AUTH_AUTH_H

#include "errors.h"
#include "http/request.h"

#include <jansson.h>

/* Install the hooks. Call once before the server starts. */
void gk_auth_init(void);

/* The CSRF token of the request's cookie session (for forms and the session response), or
 * NULL when the caller has no cookie session. Lives with the request. */
const char *gk_auth_csrf_token(gk_request *r);

/* {"id","email","name","role","organization_id"} of the signed-in user (new reference). */
json_t *gk_auth_user_json(const gk_principal *u);

/* Sign in with e-mail and password: throttle check, constant-work verification (a dummy
 * hash for unknown addresses), rehash when the stored cost is weaker than configured, then a
 * new session (gk_auth_session_begin). Returns GK_ERR_OK, GK_ERR_BAD_CREDENTIALS (the same
 * for an unknown address and a wrong password), GK_ERR_THROTTLED with *retry_after seconds,
 * GK_ERR_UNAVAILABLE or GK_ERR_INTERNAL. */
gk_error gk_auth_sign_in(gk_request *r, const char *email, const char *password,
                         long *retry_after);

/* Start a new session for a user whose identity is already established (sign-in, signup):
 * ends the request's previous session if any, stores the new one and fills r->user as a
 * cookie session. Strings are copied. Call gk_auth_add_session_cookie after building the
 * reply. */
gk_error gk_auth_session_begin(gk_request *r, const char *user_id, const char *email,
                               const char *name, gk_role role, const char *organization_id);

/* Add Set-Cookie for the session begun in this request (no-op when none was). */
void gk_auth_add_session_cookie(gk_request *r);

/* End the request's session server-side (its cookie stops working at once). A Bearer
 * caller has no session: nothing to do. */
gk_error gk_auth_sign_out(gk_request *r);

/* Add a Set-Cookie that deletes the session cookie. */
void gk_auth_add_clear_cookie(gk_request *r);

/* Change the signed-in user's password. On GK_ERR_VALIDATION *field names the bad input
 * ("current_password" wrong, "new_password" refused by the policy; *message_key then holds
 * the policy's key or "password.wrong"). Other sessions of the user are ended; the
 * current one stays. May answer GK_ERR_THROTTLED like sign-in (wrong current passwords are
 * counted against the account). */
gk_error gk_auth_change_password(gk_request *r, const char *current, const char *new_pw,
                                 const char **field, const char **message_key,
                                 long *retry_after);

/* Hash a password for storage (policy already checked); malloc'd, NULL on failure. */
char *gk_auth_hash_password(const char *pw);

#endif
