/* The CSRF guard: a cookie-authenticated unsafe request must prove it comes from one of our
 * pages (or a script that read the token from POST /api/v1/session), by echoing the
 * session's token in X-CSRF-Token or in the form field csrf_token. Bearer clients are not
 * asked (the dispatcher only calls the guard for cookie sessions). The refusal is a
 * problem+json 403 like the dispatcher's own 401/403, pages included. */
#include "auth/auth.h"

#include "crypto/token.h"
#include "http/fields.h"
#include "http/reply.h"
#include "http/router.h"

bool gk_auth_csrf_guard(gk_request *r);

bool gk_auth_csrf_guard(gk_request *r)
{
    const char *expected = gk_auth_csrf_token(r);
    const char *got = gk_req_header(r, "X-CSRF-Token");
    if (!got && gk_req_is_form(r)) got = gk_form_get(r, "csrf_token");
    /* A streamed upload is admitted on its headers, before the form fields arrive, so the
     * browser's upload form carries the token in its action URL instead. */
    if (!got && r->route && r->route->body == GK_BODY_MULTIPART)
        got = gk_req_query(r, "csrf_token");
    if (expected && got && gk_token_equal(expected, got)) return false;
    const char *detail = gk_req_msg(r, got ? "http.csrf.mismatch" : "http.csrf.missing");
    gk_reply_problem(r, GK_ERR_CSRF, detail, NULL);
    r->error = GK_ERR_CSRF;
    return true;
}
