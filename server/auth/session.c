/* Authentication: the dispatcher hook, sessions, sign-in and sign-out, password change. */
#include "auth/auth.h"

#include "app.h"
#include "auth/throttle.h"
#include "auth/validate.h"
#include "crypto/base64.h"
#include "crypto/password.h"
#include "crypto/token.h"
#include "db/accounts.h"
#include "db/db.h"
#include "http/reply.h"
#include "http/router.h"
#include "http/server.h"
#include "log.h"

#include <arpa/inet.h>
#include <openssl/rand.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

bool gk_auth_csrf_guard(gk_request *r); /* csrf.c */

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
                     u->name, "role", gk_role_name(u->role), "organization_id",
                     u->organization_id);
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
    if (!gk_base64_encode_to(csrf_secret, 32, GK_B64_URL, si->csrf, sizeof si->csrf))
        return NULL;
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
        refuse(r, GK_ERR_UNAUTHENTICATED, "The Authorization header is not a Bearer token");
        return;
    }
    if (!hex_of_token_hash(token, hex)) {
        refuse(r, GK_ERR_INTERNAL, NULL);
        return;
    }
    const char *v[] = {hex};
    PGresult *res = gk_db_exec(c, GK_SQL_TOKEN_LOOKUP, 1, v);
    if (!res || !gk_db_ok(res)) {
        if (res) gk_log("error", "token lookup failed", json_pack("{s:s}", "sqlstate",
                                                                   gk_db_sqlstate(res)));
        PQclear(res);
        refuse(r, res ? GK_ERR_INTERNAL : GK_ERR_UNAVAILABLE, NULL);
        return;
    }
    if (PQntuples(res) != 1) {
        PQclear(res);
        refuse(r, GK_ERR_UNAUTHENTICATED, "The token is unknown, expired or revoked");
        return;
    }
    bool stale = PQgetvalue(res, 0, 6)[0] == 't';
    char *token_id = gk_req_strdup(r, PQgetvalue(res, 0, 0));
    if (!fill_user(r, res, 1) || !token_id) {
        PQclear(res);
        refuse(r, GK_ERR_INTERNAL, NULL);
        return;
    }
    PQclear(res);
    if (stale) { /* last_used_at, written at most once a minute per token */
        const char *tv[] = {token_id};
        PQclear(gk_db_exec(c, GK_SQL_TOKEN_TOUCH, 1, tv));
    }
}

static void auth_cookie(gk_request *r, PGconn *c, const char *cookie)
{
    char hex[2 * GK_SHA256_LEN + 1];
    if (!gk_auth_token_shape_ok(cookie) || !hex_of_token_hash(cookie, hex)) return;
    char idle[24];
    snprintf(idle, sizeof idle, "%u", gk_app.config.session_idle_s);
    const char *v[] = {hex, idle};
    PGresult *res = gk_db_exec(c, GK_SQL_SESSION_LOOKUP, 2, v);
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
    if (gk_hex_decode(shex, strlen(shex), secret, sizeof secret, &secret_len) &&
        secret_len == 32)
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

static void authenticate(gk_request *r)
{
    const char *authz = gk_req_header(r, MHD_HTTP_HEADER_AUTHORIZATION);
    const char *cookie = gk_req_cookie(r, "giteki_session");
    if (!authz && !cookie) return;
    PGconn *c = gk_db_conn();
    if (!c) {
        if (!(r->route->roles & GK_ROLE_ANON) || authz) refuse(r, GK_ERR_UNAVAILABLE, NULL);
        return;
    }
    if (authz)
        auth_bearer(r, c, authz);
    else
        auth_cookie(r, c, cookie);
}

void gk_auth_init(void)
{
    gk_server_authenticate = authenticate;
    gk_server_csrf_guard = gk_auth_csrf_guard;
}

/* ---- sessions ------------------------------------------------------------------------ */

static const char *inet_or_null(const char *addr)
{
    unsigned char buf[sizeof(struct in6_addr)];
    if (addr && (inet_pton(AF_INET, addr, buf) == 1 || inet_pton(AF_INET6, addr, buf) == 1))
        return addr;
    return NULL;
}

gk_error gk_auth_session_begin(gk_request *r, const char *user_id, const char *email,
                               const char *name, gk_role role, const char *organization_id)
{
    PGconn *c = gk_db_conn();
    if (!c) return GK_ERR_UNAVAILABLE;
    /* A new token at every sign-in; the old session (if any) ends, so a planted cookie
     * cannot be carried into an authenticated session. */
    gk_error e = gk_auth_sign_out(r);
    if (e != GK_ERR_OK) return e;
    char token[GK_TOKEN_LEN + 1], hex[2 * GK_SHA256_LEN + 1];
    unsigned char secret[32];
    char secret_hex[65];
    if (!gk_token_new(token) || !hex_of_token_hash(token, hex) ||
        RAND_bytes(secret, sizeof secret) != 1 ||
        !gk_hex_encode(secret, sizeof secret, secret_hex, sizeof secret_hex))
        return GK_ERR_INTERNAL;
    char idle[24], absolute[24];
    snprintf(idle, sizeof idle, "%u", gk_app.config.session_idle_s);
    snprintf(absolute, sizeof absolute, "%u", gk_app.config.session_absolute_s);
    const char *v[] = {hex,      user_id,  secret_hex,
                       idle,     absolute, inet_or_null(gk_req_client_addr(r))};
    PGresult *res = gk_db_exec(c, GK_SQL_SESSION_INSERT, 6, v);
    if (!res) return GK_ERR_UNAVAILABLE;
    if (!gk_db_ok(res) || PQntuples(res) != 1) {
        gk_log("error", "session insert failed",
               json_pack("{s:s}", "sqlstate", gk_db_sqlstate(res)));
        PQclear(res);
        return GK_ERR_INTERNAL;
    }
    session_info *si = new_info(r, PQgetvalue(res, 0, 0), secret);
    PQclear(res);
    if (!si) return GK_ERR_INTERNAL;
    memcpy(si->new_token, token, sizeof token);
    r->user = (gk_principal){.id = gk_req_strdup(r, user_id),
                             .email = gk_req_strdup(r, email),
                             .name = gk_req_strdup(r, name),
                             .organization_id = gk_req_strdup(r, organization_id),
                             .role = role,
                             .session_id = si->id,
                             .csrf_token = si->csrf,
                             .via_cookie = true};
    if (!r->user.id || !r->user.email || !r->user.name) return GK_ERR_INTERNAL;
    return GK_ERR_OK;
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

gk_error gk_auth_sign_out(gk_request *r)
{
    session_info *si = info_of(r);
    if (!si) return GK_ERR_OK;
    PGconn *c = gk_db_conn();
    if (!c) return GK_ERR_UNAVAILABLE;
    const char *v[] = {si->id};
    PGresult *res = gk_db_exec(c, GK_SQL_SESSION_DELETE, 1, v);
    if (!res) return GK_ERR_UNAVAILABLE;
    bool ok = gk_db_ok(res);
    PQclear(res);
    if (!ok) return GK_ERR_INTERNAL;
    si->magic = 0;
    r->user = (gk_principal){.role = GK_ROLE_ANON};
    return GK_ERR_OK;
}

/* ---- passwords ----------------------------------------------------------------------- */

char *gk_auth_hash_password(const char *pw)
{
    char *out = NULL;
    return gk_password_hash(pw, &out) ? out : NULL;
}

/* Store a stronger hash of a password that just verified. Failure is logged, not fatal:
 * the old hash still works. */
static void rehash(PGconn *c, const char *user_id, const char *pw)
{
    char *h = gk_auth_hash_password(pw);
    if (!h) return;
    const char *v[] = {user_id, h};
    PGresult *res = gk_db_exec(c, GK_SQL_USER_SET_PASSWORD, 2, v);
    if (!res || !gk_db_ok(res))
        gk_log("warn", "password rehash not stored", json_pack("{s:s}", "user_id", user_id));
    PQclear(res);
    free(h);
}

typedef struct {
    char account[300], addr[300];
    const char *account_key, *addr_key;
} throttle_keys;

static void keys_for(gk_request *r, const char *email, throttle_keys *k)
{
    k->account_key = gk_throttle_key(k->account, sizeof k->account, "account", email)
                         ? k->account : NULL;
    k->addr_key = gk_throttle_key(k->addr, sizeof k->addr, "addr", gk_req_client_addr(r))
                      ? k->addr : NULL;
}

static gk_error failed(const throttle_keys *k)
{
    gk_error e = gk_throttle_record_failure(k->account_key, k->addr_key);
    return e == GK_ERR_OK ? GK_ERR_BAD_CREDENTIALS : e;
}

gk_error gk_auth_sign_in(gk_request *r, const char *email, const char *password,
                         long *retry_after)
{
    *retry_after = 0;
    PGconn *c = gk_db_conn();
    if (!c) return GK_ERR_UNAVAILABLE;
    throttle_keys k;
    keys_for(r, email, &k);
    gk_error e = gk_throttle_check(c, k.account_key, k.addr_key, retry_after);
    if (e != GK_ERR_OK) return e;

    const char *v[] = {email};
    PGresult *res = gk_db_exec(c, GK_SQL_USER_BY_EMAIL, 1, v);
    if (!res) return GK_ERR_UNAVAILABLE;
    if (!gk_db_ok(res)) {
        gk_log("error", "user lookup failed", json_pack("{s:s}", "sqlstate",
                                                         gk_db_sqlstate(res)));
        PQclear(res);
        return GK_ERR_INTERNAL;
    }
    if (PQntuples(res) != 1) {
        PQclear(res);
        gk_password_verify_dummy(password); /* the same work as for a real account */
        return failed(&k);
    }
    bool needs_rehash = false;
    gk_password_result pr = gk_password_verify(password, PQgetvalue(res, 0, 5), &needs_rehash);
    if (pr == GK_PASSWORD_MALFORMED)
        gk_log("bug", "stored password hash is malformed",
               json_pack("{s:s}", "user_id", PQgetvalue(res, 0, 0)));
    if (pr == GK_PASSWORD_FAILURE) {
        PQclear(res);
        return GK_ERR_INTERNAL;
    }
    if (pr != GK_PASSWORD_MATCH) {
        PQclear(res);
        return failed(&k);
    }
    char *id = gk_req_strdup(r, PQgetvalue(res, 0, 0));
    char *em = gk_req_strdup(r, PQgetvalue(res, 0, 1));
    char *nm = gk_req_strdup(r, PQgetvalue(res, 0, 2));
    gk_role role = gk_role_parse(PQgetvalue(res, 0, 3));
    char *org = PQgetisnull(res, 0, 4) ? NULL : gk_req_strdup(r, PQgetvalue(res, 0, 4));
    PQclear(res);
    if (!id || !em || !nm || role == GK_ROLE_ANON) return GK_ERR_INTERNAL;
    if (needs_rehash) rehash(c, id, password);
    e = gk_throttle_reset(c, k.account_key);
    if (e != GK_ERR_OK) return e;
    return gk_auth_session_begin(r, id, em, nm, role, org);
}

gk_error gk_auth_change_password(gk_request *r, const char *current, const char *new_pw,
                                 const char **field, const char **message_key,
                                 long *retry_after)
{
    *field = NULL;
    *message_key = NULL;
    *retry_after = 0;
    PGconn *c = gk_db_conn();
    if (!c) return GK_ERR_UNAVAILABLE;
    throttle_keys k;
    keys_for(r, r->user.email, &k);
    gk_error e = gk_throttle_check(c, k.account_key, k.addr_key, retry_after);
    if (e != GK_ERR_OK) return e;
    const char *v[] = {r->user.id};
    PGresult *res = gk_db_exec(c, GK_SQL_USER_PASSWORD, 1, v);
    if (!res) return GK_ERR_UNAVAILABLE;
    if (!gk_db_ok(res) || PQntuples(res) != 1) {
        PQclear(res);
        return GK_ERR_INTERNAL;
    }
    gk_password_result pr = gk_password_verify(current, PQgetvalue(res, 0, 0), NULL);
    PQclear(res);
    if (pr == GK_PASSWORD_FAILURE) return GK_ERR_INTERNAL;
    if (pr != GK_PASSWORD_MATCH) {
        e = gk_throttle_record_failure(k.account_key, k.addr_key);
        if (e != GK_ERR_OK) return e;
        *field = "current_password";
        *message_key = "password.wrong";
        return GK_ERR_VALIDATION;
    }
    const char *policy = gk_password_policy_check(new_pw);
    if (policy) {
        *field = "new_password";
        *message_key = policy;
        return GK_ERR_VALIDATION;
    }
    char *h = gk_auth_hash_password(new_pw);
    if (!h) return GK_ERR_INTERNAL;
    const char *sv[] = {r->user.id, h};
    res = gk_db_exec(c, GK_SQL_USER_SET_PASSWORD, 2, sv);
    free(h);
    if (!res) return GK_ERR_UNAVAILABLE;
    bool ok = gk_db_ok(res);
    PQclear(res);
    if (!ok) return GK_ERR_INTERNAL;
    /* Whoever else holds a session of this account (the reason to change it) is out. */
    session_info *si = info_of(r);
    const char *dv[] = {r->user.id, si ? si->id : NULL};
    res = gk_db_exec(c, GK_SQL_SESSIONS_DELETE_OTHERS, 2, dv);
    ok = res && gk_db_ok(res);
    PQclear(res);
    return ok ? GK_ERR_OK : GK_ERR_INTERNAL;
}
