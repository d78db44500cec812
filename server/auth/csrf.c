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
#include "app.h"
#include "auth/validate.h"
#include "crypto/base64.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

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
    /* A page's upload form carries it as a field, so no token shows in the address bar
     * (issue 20): http/doc_upload.c checks it once the body is in, before anything is kept. */
    if (!got && r->route && r->route->body == GK_BODY_MULTIPART &&
        (r->route->flags & GK_ROUTE_PAGE) && expected) {
        r->csrf_in_body = true;
        return false;
    }
    if (expected && got && gk_token_equal(expected, got)) return false;
    const char *detail = gk_req_msg(r, got ? "http.csrf.mismatch" : "http.csrf.missing");
    gk_reply_problem(r, GK_ERR_CSRF, detail, NULL);
    r->error = GK_ERR_CSRF;
    return true;
}

/* ---- anonymous forms: the pre-session (issue 18 item 5) ------------------------------------
 *
 * A browser that shows an anonymous form (/signin, /signup) gets a pre-session cookie
 * `giteki_pre` = "<issued, Unix seconds>.<random token>" (HttpOnly, SameSite=Lax, an hour);
 * the form carries the token derived from it, base64url(SHA-256("giteki-pre-csrf:" cookie)).
 * An unsafe anonymous request to a form route must send that token (field csrf_token or
 * X-CSRF-Token) with a live cookie: another site can make the browser post the form, but it
 * can neither read our page's token nor set our cookie. Nothing is stored on the server, so
 * every instance checks every other's forms. JSON clients (no cookies, no forms) are not
 * asked: a cross-site form cannot send application/json. */

#define PRE_COOKIE "giteki_pre"
#define PRE_LIFETIME_S 3600
#define PRE_INFO_MAGIC 0x9e5e5510u
#define PRE_VALUE_MAX (20 + 1 + GK_TOKEN_LEN + 1)

/* r->user.csrf_token of an anonymous caller points at `token`, the first member. */
typedef struct {
    char token[GK_TOKEN_LEN + 1];
    char new_cookie[PRE_VALUE_MAX]; /* set when this request began the pre-session */
    unsigned magic;
} pre_info;

void gk_auth_presession_read(gk_request *r);
bool gk_auth_presession_guard(gk_request *r);

static bool pre_token_of(const char *cookie, char out[GK_TOKEN_LEN + 1])
{
    static const char label[] = "giteki-pre-csrf:";
    char buf[sizeof label + PRE_VALUE_MAX];
    int n = snprintf(buf, sizeof buf, "%s%s", label, cookie);
    unsigned char h[GK_SHA256_LEN];
    return n > 0 && (size_t)n < sizeof buf && gk_sha256(buf, (size_t)n, h) &&
           gk_base64_encode_to(h, sizeof h, GK_B64_URL, out, GK_TOKEN_LEN + 1);
}

/* A cookie value of ours, issued less than PRE_LIFETIME_S ago (and not in the future). */
static bool pre_cookie_live(const char *v)
{
    if (!v) return false;
    size_t digits = strspn(v, "0123456789");
    if (digits == 0 || digits > 19 || v[digits] != '.') return false;
    if (!gk_auth_token_shape_ok(v + digits + 1)) return false;
    long long issued = strtoll(v, NULL, 10);
    long long now = (long long)time(NULL);
    return issued <= now + 60 && now - issued < PRE_LIFETIME_S;
}

static pre_info *pre_new(gk_request *r)
{
    pre_info *p = gk_req_alloc(r, sizeof *p);
    if (!p) return NULL;
    memset(p, 0, sizeof *p);
    p->magic = PRE_INFO_MAGIC;
    return p;
}

static pre_info *pre_of(gk_request *r)
{
    if (r->user.role != GK_ROLE_ANON || r->user.via_cookie || !r->user.csrf_token) return NULL;
    pre_info *p = (pre_info *)(void *)r->user.csrf_token;
    return p->magic == PRE_INFO_MAGIC ? p : NULL;
}

/* The dispatcher's authentication left the caller anonymous: a live pre-session cookie makes
 * its token r->user.csrf_token (pages put it in their forms). */
void gk_auth_presession_read(gk_request *r)
{
    const char *v = gk_req_cookie(r, PRE_COOKIE);
    if (!pre_cookie_live(v)) return;
    pre_info *p = pre_new(r);
    if (p && pre_token_of(v, p->token)) r->user.csrf_token = p->token;
}

/* An unsafe anonymous request to a route that takes forms: refused (403 auth.csrf, true)
 * unless it carries the token of its live pre-session. */
bool gk_auth_presession_guard(gk_request *r)
{
    pre_info *p = pre_of(r);
    const char *got = gk_req_header(r, "X-CSRF-Token");
    if (!got && gk_req_is_form(r)) got = gk_form_get(r, "csrf_token");
    if (p && got && gk_token_equal(p->token, got)) return false;
    const char *detail =
        gk_req_msg(r, p && got ? "review.form_token_mismatch" : "review.form_token_missing");
    gk_reply_problem(r, GK_ERR_CSRF, detail, NULL);
    r->error = GK_ERR_CSRF;
    return true;
}

const char *gk_auth_presession_begin(gk_request *r)
{
    if (r->user.role != GK_ROLE_ANON) return gk_auth_csrf_token(r);
    pre_info *p = pre_of(r);
    if (p) return p->token;
    char rnd[GK_TOKEN_LEN + 1];
    p = pre_new(r);
    if (!p || !gk_token_new(rnd)) return NULL;
    snprintf(p->new_cookie, sizeof p->new_cookie, "%lld.%s", (long long)time(NULL), rnd);
    if (!pre_token_of(p->new_cookie, p->token)) return NULL;
    r->user.csrf_token = p->token;
    return p->token;
}

void gk_auth_add_presession_cookie(gk_request *r)
{
    pre_info *p = pre_of(r);
    if (!p || !p->new_cookie[0]) return;
    const char *v = gk_req_printf(r, PRE_COOKIE "=%s; Path=/; HttpOnly; SameSite=Lax; Max-Age=%d%s",
                                  p->new_cookie, PRE_LIFETIME_S,
                                  gk_app.config.secure_cookies ? "; Secure" : "");
    if (v) gk_reply_header(r, MHD_HTTP_HEADER_SET_COOKIE, v);
}
