/* Who is calling: sessions (cookie `giteki_session`), Bearer API tokens, the CSRF guard
 * (sign-in and sign-out themselves are service/accounts.h operations). gk_auth_init installs
 * the dispatcher hooks (http/server.h):
 *
 *   authenticate  cookie → live session (idle and absolute expiry checked in SQL, the idle
 *                 expiry moved forward) or "Authorization: Bearer" → usable API token, and
 *                 fills r->user. A stale cookie is ignored (the caller is anonymous); a bad
 *                 Bearer token is refused with 401, since an API client must learn that its
 *                 token no longer works.
 *   csrf guard    cookie-authenticated unsafe requests must carry the session's CSRF token
 *                 in X-CSRF-Token or a form field `csrf_token`; compared in constant time.
 *   pre-session   anonymous unsafe requests to routes that take forms (/signin, /signup)
 *                 must carry the token of their pre-session cookie (auth/csrf.c); checked
 *                 by authenticate, since the dispatcher guards only cookie sessions.
 *
 * Secrets (passwords, tokens, cookies) are never logged by this module. */
#ifndef GK_AUTH_AUTH_H
#define GK_AUTH_AUTH_H

#include "errors.h"
#include "http/request.h"
#include "service/accounts.h"

#include <jansson.h>

/* Install the hooks. Call once before the server starts. */
void gk_auth_init(void);

/* The CSRF token of the request's cookie session (for forms and the session response), or
 * NULL when the caller has no cookie session. Lives with the request. */
const char *gk_auth_csrf_token(gk_request *r);

/* The token an anonymous form must carry (issue 18 item 5; auth/csrf.c): the caller's live
 * pre-session's, or a new pre-session's (then call gk_auth_add_presession_cookie after
 * building the reply). A signed-in caller gets its session's token. NULL on failure. */
const char *gk_auth_presession_begin(gk_request *r);

/* Add Set-Cookie for the pre-session begun in this request (no-op when none was). */
void gk_auth_add_presession_cookie(gk_request *r);

/* {"id","email","name","role","organization_id"} of the signed-in user (new reference). */
json_t *gk_auth_user_json(const gk_principal *u);

/* Make the session begun by gk_svc_accounts_sign_in or _session_start the request's: fills
 * r->user as a cookie session. Call gk_auth_add_session_cookie after building the reply. */
gk_error gk_auth_session_install(gk_request *r, const gk_session_grant *g);

/* Sign-in from the request (JSON body or form, the fields of gk_signin_spec): the operation,
 * then its session installed as above. The outcome says why not (*retry_after seconds with
 * GK_ERR_THROTTLED); the API and the sign-in page render it each their way. */
void gk_auth_sign_in(gk_request *r, gk_outcome *out, long *retry_after);

/* Add Set-Cookie for the session begun in this request (no-op when none was). */
void gk_auth_add_session_cookie(gk_request *r);

/* After gk_svc_accounts_sign_out: the request is anonymous from now on. */
void gk_auth_session_end(gk_request *r);

/* Add a Set-Cookie that deletes the session cookie. */
void gk_auth_add_clear_cookie(gk_request *r);

#endif
