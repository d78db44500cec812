/* Authentication: the dispatcher hook and the request side of sessions (the principal and
 * the cookie); sign-in, sign-out and password change are service/accounts.h operations. */
#include "auth/auth.h"

#include "app.h"
#include "auth/validate.h"
#include "crypto/base64.h"
#include "crypto/token.h"
#include "db/accounts.h"
#include "db/db.h"
#include "http/reply.h"
#include "http/router.h"
#include "http/server.h"
#include "http/service_call.h"
#include "log.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

bool gk_auth_csrf_guard(gk_request *r); /* csrf.c */
void gk_auth_presession_read(gk_request *r);
bool gk_auth_presession_guard(gk_request *r);

/* What a cookie session adds to the principal. r->user.session_id points at `id`, the
 * first member, so the rest is found from the principal without a field in gk_request;
 * only this module sets session_id, and `magic` guards the cast. */
#define INFO_MAGIC 0x5e551093u
typedef struct {
    char id[24];
    char csrf[GK_TOKEN_LEN + 1];
    char new_token[GK_TOKEN_LEN + 1]; /* set when this request began the session */
    unsigned magic;
} session_info;

static session_info *info_of(gk_request *r)
{
    if (!r->user.session_id || !r->user.via_cookie) return NULL;
    session_info *si = (session_info *)(void *)r->user.session_id;
    return si->magic == INFO_MAGIC ? si : NULL;
}

const char *gk_auth_csrf_token(gk_request *r)
{
    session_info *si = info_of(r);
    return si ? si->csrf : NULL;
}

json_t *gk_auth_user_json(const gk_principal *u)
{
    return json_pack("{s:s?, s:s?, s:s?, s:s, s:s?}", "id", u->id, "email", u->email, "name",
                     u->name, "role", gk_role_name(u->role), "organization_id", u->organization_id);
}

static bool hex_of_token_hash(const char *token, char hex[2 * GK_SHA256_LEN + 1])
{
    unsigned char h[GK_SHA256_LEN];
    return gk_token_hash(token, h) && gk_hex_encode(h, sizeof h, hex, 2 * GK_SHA256_LEN + 1);
}

/* Copies a PGresult row (id, email, name, role, organization_id at columns c0..) into
 * r->user. False on out of memory or an unknown role. */
static bool fill_user(gk_request *r, PGresult *res, int c0)
{
    r->user.id = gk_req_strdup(r, PQgetvalue(res, 0, c0));
    r->user.email = gk_req_strdup(r, PQgetvalue(res, 0, c0 + 1));
    r->user.name = gk_req_strdup(r, PQgetvalue(res, 0, c0 + 2));
    r->user.role = gk_role_parse(PQgetvalue(res, 0, c0 + 3));
    r->user.organization_id =
        PQgetisnull(res, 0, c0 + 4) ? NULL : gk_req_strdup(r, PQgetvalue(res, 0, c0 + 4));
    bool ok = r->user.id && r->user.email && r->user.name && r->user.role != GK_ROLE_ANON;
    if (!ok) r->user = (gk_principal){.role = GK_ROLE_ANON};
    return ok;
}

static session_info *new_info(gk_request *r, const char *id, const unsigned char *csrf_secret)
{
    session_info *si = gk_req_alloc(r, sizeof *si);
    if (!si) return NULL;
    memset(si, 0, sizeof *si);
    snprintf(si->id, sizeof si->id, "%s", id);
    if (!gk_base64_encode_to(csrf_secret, 32, GK_B64_URL, si->csrf, sizeof si->csrf)) return NULL;
    si->magic = INFO_MAGIC;
    return si;
}

static void refuse(gk_request *r, gk_error e, const char *detail)
{
    gk_reply_problem(r, e, detail, NULL);
    r->error = e;
}

static void auth_bearer(gk_request *r, PGconn *c, const char *authz)
{
    const char *token = gk_auth_bearer_token(authz);
    char hex[2 * GK_SHA256_LEN + 1];
    if (!token) {
        refuse(r, GK_ERR_UNAUTHENTICATED, gk_req_msg(r, "http.auth.not_bearer"));
        return;
    }
    if (!hex_of_token_hash(token, hex)) {
        refuse(r, GK_ERR_INTERNAL, NULL);
        return;
    }
    const char *v[] = {hex};
    PGresult *res = gk_db_exec(c, GK_SQL_TOKEN_LOOKUP, 1, v);
    if (!res || !gk_db_ok(res)) {
        if (res)
            gk_log("error", "token lookup failed",
                   json_pack("{s:s}", "sqlstate", gk_db_sqlstate(res)));
        PQclear(res);
        refuse(r, res ? GK_ERR_INTERNAL : GK_ERR_UNAVAILABLE, NULL);
        return;
    }
    if (PQntuples(res) != 1) {
        PQclear(res);
        refuse(r, GK_ERR_UNAUTHENTICATED, gk_req_msg(r, "http.auth.token_unknown"));
        return;
    }
    bool stale = PQgetvalue(res, 0, 6)[0] == 't';
    char *token_id = gk_req_strdup(r, PQgetvalue(res, 0, 0));
    if (!fill_user(r, res, 1) || !token_id) {
        PQclear(res);
        refuse(r, GK_ERR_INTERNAL, NULL);
        return;
    }
    r->user.scopes = gk_scopes_parse(PQgetvalue(res, 0, 7));
    PQclear(res);
    /* A GET needs "read"; anything else the scope of the user's role. */
    unsigned need = gk_req_is_safe_method(r) ? GK_SCOPE_READ : gk_scope_for_role(r->user.role);
    if (!need || !(r->user.scopes & need)) {
        r->user = (gk_principal){.role = GK_ROLE_ANON};
        refuse(r, GK_ERR_TOKEN_SCOPE,
               gk_req_msgf(r, "accounts.token_scope_missing", "scope",
                           need ? gk_scope_name(need) : "-", NULL));
        return;
    }
    if (stale) { /* last_used_at, written at most once a minute per token */
        const char *tv[] = {token_id};
        PQclear(gk_db_exec(c, GK_SQL_TOKEN_TOUCH, 1, tv));
    }
}

static void auth_cookie(gk_request *r, PGconn *c, const char *cookie)
{
    char hex[2 * GK_SHA256_LEN + 1];
    if (!gk_auth_token_shape_ok(cookie) || !hex_of_token_hash(cookie, hex)) return;
    char idle[24], staff_idle[24];
    snprintf(idle, sizeof idle, "%u", gk_app.config.session_idle_s);
    snprintf(staff_idle, sizeof staff_idle, "%u", gk_app.config.staff_session_idle_s);
    const char *v[] = {hex, idle, staff_idle};
    PGresult *res = gk_db_exec(c, GK_SQL_SESSION_LOOKUP, 3, v);
    if (!res || !gk_db_ok(res) || PQntuples(res) != 1) {
        bool broken = !res || !gk_db_ok(res);
        if (res && broken)
            gk_log("error", "session lookup failed",
                   json_pack("{s:s}", "sqlstate", gk_db_sqlstate(res)));
        PQclear(res);
        /* Unknown or expired: anonymous. A database failure on a route that needs a user
         * is a 503, not a misleading 401. */
        if (broken && !(r->route->roles & GK_ROLE_ANON))
            refuse(r, res ? GK_ERR_INTERNAL : GK_ERR_UNAVAILABLE, NULL);
        return;
    }
    unsigned char secret[64];
    size_t secret_len = 0;
    const char *shex = PQgetvalue(res, 0, 1);
    session_info *si = NULL;
    if (gk_hex_decode(shex, strlen(shex), secret, sizeof secret, &secret_len) && secret_len == 32)
        si = new_info(r, PQgetvalue(res, 0, 0), secret);
    if (!si || !fill_user(r, res, 2)) {
        PQclear(res);
        refuse(r, GK_ERR_INTERNAL, NULL);
        return;
    }
    PQclear(res);
    r->user.session_id = si->id;
    r->user.csrf_token = si->csrf;
    r->user.via_cookie = true;
}

/* Anonymous after authentication: the pre-session of anonymous forms (auth/csrf.c). An
 * unsafe request to a route anyone may call with a form body needs its token; other routes
 * refuse anonymous callers anyway (401), and JSON bodies cannot come from another site's
 * form. */
static void anonymous(gk_request *r)
{
    gk_auth_presession_read(r);
    bool form = r->route->body == GK_BODY_FORM || r->route->body == GK_BODY_MULTIPART;
    if (!gk_req_is_safe_method(r) && form && (r->route->roles & GK_ROLE_ANON))
        gk_auth_presession_guard(r);
}

static void authenticate(gk_request *r)
{
    const char *authz = gk_req_header(r, MHD_HTTP_HEADER_AUTHORIZATION);
    const char *cookie = gk_req_cookie(r, "giteki_session");
    if (authz || cookie) {
        PGconn *c = gk_db_conn();
        if (!c) {
            if (!(r->route->roles & GK_ROLE_ANON) || authz) refuse(r, GK_ERR_UNAVAILABLE, NULL);
        } else if (authz) {
            auth_bearer(r, c, authz);
        } else {
            auth_cookie(r, c, cookie);
        }
    }
    if (!r->response && r->user.role == GK_ROLE_ANON) anonymous(r);
}

void gk_auth_init(void)
{
    gk_server_authenticate = authenticate;
    gk_server_csrf_guard = gk_auth_csrf_guard;
}

/* ---- sessions ------------------------------------------------------------------------ */

gk_error gk_auth_session_install(gk_request *r, const gk_session_grant *g)
{
    session_info *si = new_info(r, g->id, g->csrf_secret);
    if (!si) return GK_ERR_INTERNAL;
    memcpy(si->new_token, g->token, sizeof si->new_token);
    r->user = g->user;
    r->user.session_id = si->id;
    r->user.csrf_token = si->csrf;
    r->user.via_cookie = true;
    return GK_ERR_OK;
}

void gk_auth_sign_in(gk_request *r, gk_outcome *out, long *retry_after)
{
    gk_call call = gk_call_of(r);
    gk_signin_input in = {0};
    gk_session_grant g;
    gk_read_input(r, &call, &gk_signin_spec, &in, out);
    gk_svc_accounts_sign_in(&call, &in, &g, retry_after, out);
    if (out->err == GK_ERR_OK && gk_auth_session_install(r, &g) != GK_ERR_OK)
        gk_fail(out, &call, GK_ERR_INTERNAL, NULL, NULL);
}

void gk_auth_session_end(gk_request *r)
{
    session_info *si = info_of(r);
    if (!si) return;
    si->magic = 0;
    r->user = (gk_principal){.role = GK_ROLE_ANON};
}

void gk_auth_add_session_cookie(gk_request *r)
{
    session_info *si = info_of(r);
    char v[256];
    if (si && si->new_token[0] &&
        gk_auth_session_cookie(v, sizeof v, si->new_token, gk_app.config.secure_cookies))
        gk_reply_header(r, MHD_HTTP_HEADER_SET_COOKIE, v);
}

void gk_auth_add_clear_cookie(gk_request *r)
{
    char v[256];
    if (gk_auth_session_cookie(v, sizeof v, NULL, gk_app.config.secure_cookies))
        gk_reply_header(r, MHD_HTTP_HEADER_SET_COOKIE, v);
}
