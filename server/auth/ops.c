#include "auth/ops.h"

#include "app.h"
#include "auth/auth.h"
#include "auth/validate.h"
#include "crypto/password.h"
#include "crypto/token.h"
#include "db/accounts.h"
#include "db/db.h"
#include "db/tx.h"
#include "db/users.h"
#include "domain/date.h"
#include "http/fields.h"
#include "http/reply.h"
#include "log.h"
#include "render/i18n.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define LABEL_BYTES 1200 /* 300 code points of up to 4 bytes; the label check counts them */

const char *gk_acct_msg(gk_request *r, const char *key)
{
    return gk_messages_get(gk_app.messages, r->lang, key);
}

static void field_error(gk_request *r, json_t **errors, const char *field, const char *key)
{
    gk_field_error_add(errors, field, gk_acct_msg(r, key));
}

/* Optional form fields arrive as "" when left empty: treat as absent. */
static const char *opt(const char *s)
{
    return s && *s ? s : NULL;
}

static void check_label(gk_request *r, json_t **errors, int *bad, const char *field,
                        const char *value)
{
    if (value && !gk_auth_label_valid(value)) {
        field_error(r, errors, field, "field.label_invalid");
        (*bad)++;
    }
}

static void check_email(gk_request *r, json_t **errors, int *bad, const char *field,
                        const char *value)
{
    if (value && !gk_auth_email_valid(value)) {
        field_error(r, errors, field, "field.email_invalid");
        (*bad)++;
    }
}

static void check_password(gk_request *r, json_t **errors, int *bad, const char *field,
                           const char *value)
{
    const char *policy = value ? gk_password_policy_check(value) : NULL;
    if (policy) {
        field_error(r, errors, field, policy);
        (*bad)++;
    }
}

/* ---- signup -------------------------------------------------------------------------- */

typedef struct {
    const char *org_name, *org_name_ja, *corporate_number, *representative;
    const char *email, *name, *hash;
    char org_id[64];
    char *user_id;
    gk_error error;
    const char *field;
} signup_ctx;

static gk_tx_status signup_tx(PGconn *c, void *vctx)
{
    signup_ctx *ctx = vctx;
    free(ctx->user_id);
    ctx->user_id = NULL;
    const char *v[] = {ctx->org_name, ctx->org_name_ja, ctx->corporate_number,
                       ctx->representative};
    PGresult *res = gk_db_exec(c, GK_SQL_ORG_INSERT, 4, v);
    if (res && !gk_db_ok(res) && !strcmp(gk_db_sqlstate(res), "23505")) {
        PQclear(res);
        ctx->error = GK_ERR_ALREADY_EXISTS;
        ctx->field = "organization.corporate_number";
        return GK_TX_ABORT;
    }
    gk_tx_status st = gk_tx_check(res, "org_insert");
    if (st == GK_TX_OK) snprintf(ctx->org_id, sizeof ctx->org_id, "%s", PQgetvalue(res, 0, 0));
    PQclear(res);
    if (st != GK_TX_OK) return st;
    const char *field = NULL;
    gk_error e = gk_users_insert(c, ctx->email, ctx->name, "manufacturer", ctx->org_id,
                                 ctx->hash, &ctx->user_id, &field);
    if (e == GK_ERR_OK) return GK_TX_OK;
    if (e == GK_ERR_UNAVAILABLE) return GK_TX_UNAVAILABLE;
    ctx->error = e;
    ctx->field = e == GK_ERR_ALREADY_EXISTS ? "user.email" : "user";
    return e == GK_ERR_INTERNAL ? GK_TX_HARD : GK_TX_ABORT;
}

static gk_error tx_error(gk_tx_status st, gk_error abort_error)
{
    switch (st) {
    case GK_TX_OK:
        return GK_ERR_OK;
    case GK_TX_ABORT:
        return abort_error;
    case GK_TX_UNAVAILABLE:
        return GK_ERR_UNAVAILABLE;
    default:
        return GK_ERR_INTERNAL;
    }
}

gk_error gk_acct_signup(gk_request *r, json_t **out, json_t **errors)
{
    *out = NULL;
    signup_ctx ctx = {.error = GK_ERR_OK};
    const char *password = NULL;
    const gk_field spec[] = {
        {"organization.name", GK_F_STRING, true, LABEL_BYTES, NULL, &ctx.org_name, false},
        {"organization.name_ja", GK_F_STRING, false, LABEL_BYTES, NULL, &ctx.org_name_ja, true},
        {"organization.corporate_number", GK_F_STRING, false, 64, NULL, &ctx.corporate_number,
         true},
        {"organization.representative", GK_F_STRING, true, LABEL_BYTES, NULL,
         &ctx.representative, false},
        {"user.email", GK_F_STRING, true, 254, NULL, &ctx.email, false},
        {"user.password", GK_F_STRING, true, GK_PASSWORD_MAX_BYTES + 1, NULL, &password, false},
        {"user.name", GK_F_STRING, true, LABEL_BYTES, NULL, &ctx.name, false},
    };
    int bad = gk_fields_read(r, spec, sizeof spec / sizeof *spec, errors);
    ctx.org_name_ja = opt(ctx.org_name_ja);
    ctx.corporate_number = opt(ctx.corporate_number);
    check_label(r, errors, &bad, "organization.name", ctx.org_name);
    check_label(r, errors, &bad, "organization.name_ja", ctx.org_name_ja);
    check_label(r, errors, &bad, "organization.representative", ctx.representative);
    check_label(r, errors, &bad, "user.name", ctx.name);
    check_email(r, errors, &bad, "user.email", ctx.email);
    check_password(r, errors, &bad, "user.password", password);
    if (ctx.corporate_number && !gk_auth_corporate_number_valid(ctx.corporate_number)) {
        field_error(r, errors, "organization.corporate_number", "field.corporate_number_invalid");
        bad++;
    }
    if (bad) return GK_ERR_VALIDATION;

    char *hash = gk_auth_hash_password(password);
    if (!hash) return GK_ERR_INTERNAL;
    ctx.hash = hash;
    gk_tx_status st = gk_tx_run(GK_TX_READ_COMMITTED, signup_tx, &ctx);
    free(hash);
    gk_error e = tx_error(st, ctx.error);
    if (e == GK_ERR_ALREADY_EXISTS)
        field_error(r, errors, ctx.field,
                    !strcmp(ctx.field, "user.email") ? "field.email_taken"
                                                     : "field.corporate_number_taken");
    else if (e == GK_ERR_VALIDATION)
        field_error(r, errors, ctx.field, "field.invalid");
    if (e != GK_ERR_OK) {
        free(ctx.user_id);
        return e;
    }
    *out = json_pack("{s:{s:s, s:s, s:s?, s:s?, s:s}, s:{s:s, s:s, s:s, s:s, s:s}}",
                     "organization", "id", ctx.org_id, "name", ctx.org_name, "name_ja",
                     ctx.org_name_ja, "corporate_number", ctx.corporate_number,
                     "representative", ctx.representative, "user", "id", ctx.user_id, "email",
                     ctx.email, "name", ctx.name, "role", "manufacturer", "organization_id",
                     ctx.org_id);
    free(ctx.user_id);
    return *out ? GK_ERR_OK : GK_ERR_INTERNAL;
}

/* ---- users (admin) ------------------------------------------------------------------- */

gk_error gk_acct_user_create(gk_request *r, json_t **out, json_t **errors)
{
    *out = NULL;
    static const char *const roles[] = {"manufacturer", "examiner", "regulator", "admin", NULL};
    const char *email = NULL, *password = NULL, *name = NULL, *role = NULL, *org = NULL;
    const gk_field spec[] = {
        {"email", GK_F_STRING, true, 254, NULL, &email, false},
        {"password", GK_F_STRING, true, GK_PASSWORD_MAX_BYTES + 1, NULL, &password, false},
        {"name", GK_F_STRING, true, LABEL_BYTES, NULL, &name, false},
        {"role", GK_F_ENUM, true, 0, roles, &role, false},
        {"organization_id", GK_F_STRING, false, 64, NULL, &org, true},
    };
    int bad = gk_fields_read(r, spec, sizeof spec / sizeof *spec, errors);
    org = opt(org);
    check_email(r, errors, &bad, "email", email);
    check_label(r, errors, &bad, "name", name);
    check_password(r, errors, &bad, "password", password);
    if (role && !strcmp(role, "manufacturer") && !org) {
        field_error(r, errors, "organization_id", "field.organization_required");
        bad++;
    } else if (role && strcmp(role, "manufacturer") && org) {
        field_error(r, errors, "organization_id", "field.organization_staff");
        bad++;
    } else if (org && !gk_auth_uuid_valid(org)) {
        field_error(r, errors, "organization_id", "field.organization_unknown");
        bad++;
    }
    if (bad) return GK_ERR_VALIDATION;
    PGconn *c = gk_db_conn();
    if (!c) return GK_ERR_UNAVAILABLE;
    char *hash = gk_auth_hash_password(password);
    if (!hash) return GK_ERR_INTERNAL;
    char *id = NULL;
    const char *field = NULL;
    gk_error e = gk_users_insert(c, email, name, role, org, hash, &id, &field);
    free(hash);
    if (e == GK_ERR_ALREADY_EXISTS) field_error(r, errors, "email", "field.email_taken");
    if (e == GK_ERR_VALIDATION)
        field_error(r, errors, field ? field : "user",
                    field && !strcmp(field, "organization_id") ? "field.organization_unknown"
                                                               : "field.invalid");
    if (e != GK_ERR_OK) return e;
    *out = json_pack("{s:s, s:s, s:s, s:s, s:s?}", "id", id, "email", email, "name", name,
                     "role", role, "organization_id", org);
    free(id);
    return *out ? GK_ERR_OK : GK_ERR_INTERNAL;
}

gk_error gk_acct_users_list(gk_request *r, const char *after, long limit, json_t **out)
{
    *out = NULL;
    if (after && !gk_auth_uuid_valid(after)) return GK_ERR_BAD_QUERY;
    PGconn *c = gk_db_conn();
    if (!c) return GK_ERR_UNAVAILABLE;
    char lim[24];
    snprintf(lim, sizeof lim, "%ld", limit);
    const char *v[] = {after, lim};
    PGresult *res = gk_db_exec(c, GK_SQL_USERS_LIST, 2, v);
    if (!res) return GK_ERR_UNAVAILABLE;
    if (!gk_db_ok(res)) {
        gk_tx_check(res, "users_list");
        PQclear(res);
        return GK_ERR_INTERNAL;
    }
    json_t *items = json_array();
    int n = PQntuples(res);
    for (int i = 0; items && i < n; i++) {
        json_t *u = json_pack("{s:s, s:s, s:s, s:s, s:s?, s:b, s:s}", "id", PQgetvalue(res, i, 0),
                              "email", PQgetvalue(res, i, 1), "name", PQgetvalue(res, i, 2),
                              "role", PQgetvalue(res, i, 3), "organization_id",
                              PQgetisnull(res, i, 4) ? NULL : PQgetvalue(res, i, 4),
                              "disabled", PQgetvalue(res, i, 5)[0] == 't', "created_at",
                              PQgetvalue(res, i, 6));
        if (!u || json_array_append_new(items, u)) {
            json_decref(items);
            items = NULL;
        }
    }
    json_t *next = n == limit && n > 0 ? json_string(PQgetvalue(res, n - 1, 0)) : json_null();
    PQclear(res);
    *out = items ? json_pack("{s:o, s:o}", "items", items, "next", next) : NULL;
    if (!*out) json_decref(next);
    return *out ? GK_ERR_OK : GK_ERR_INTERNAL;
}

/* ---- API tokens ---------------------------------------------------------------------- */

static gk_date today_utc(void)
{
    time_t t = time(NULL);
    struct tm tm;
    gk_date d = GK_DATE_NONE;
    if (gmtime_r(&t, &tm)) gk_date_from_ymd(tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, &d);
    return d;
}

gk_error gk_acct_token_create(gk_request *r, json_t **out, json_t **errors)
{
    *out = NULL;
    const char *name = NULL;
    gk_date expires = GK_DATE_NONE;
    const char *expires_text = NULL;
    bool form = gk_req_is_form(r);
    if (form) expires_text = opt(gk_form_get(r, "expires_on")); /* "" = no expiry */
    gk_field spec[] = {
        {"name", GK_F_STRING, true, LABEL_BYTES, NULL, &name, false},
        {"expires_on", GK_F_DATE, false, 0, NULL, &expires, true},
    };
    size_t n = form && !expires_text ? 1 : 2;
    int bad = gk_fields_read(r, spec, n, errors);
    check_label(r, errors, &bad, "name", name);
    if (expires != GK_DATE_NONE && expires < today_utc()) {
        field_error(r, errors, "expires_on", "field.date_past");
        bad++;
    }
    if (bad) return GK_ERR_VALIDATION;
    PGconn *c = gk_db_conn();
    if (!c) return GK_ERR_UNAVAILABLE;
    char token[GK_TOKEN_LEN + 1], hex[2 * GK_SHA256_LEN + 1];
    unsigned char h[GK_SHA256_LEN];
    if (!gk_token_new(token) || !gk_token_hash(token, h) ||
        !gk_hex_encode(h, sizeof h, hex, sizeof hex))
        return GK_ERR_INTERNAL;
    char date[GK_DATE_BUF];
    const char *exp = expires != GK_DATE_NONE ? gk_date_format(expires, date) : NULL;
    const char *v[] = {r->user.id, name, hex, exp};
    PGresult *res = gk_db_exec(c, GK_SQL_TOKEN_INSERT, 4, v);
    if (!res) return GK_ERR_UNAVAILABLE;
    if (!gk_db_ok(res) || PQntuples(res) != 1) {
        gk_tx_check(res, "token_insert");
        PQclear(res);
        return GK_ERR_INTERNAL;
    }
    *out = json_pack("{s:s, s:s, s:s, s:s?, s:s}", "id", PQgetvalue(res, 0, 0), "name", name,
                     "token", token, "expires_on", exp, "created_at", PQgetvalue(res, 0, 1));
    PQclear(res);
    return *out ? GK_ERR_OK : GK_ERR_INTERNAL;
}

gk_error gk_acct_tokens_list(gk_request *r, json_t **out)
{
    *out = NULL;
    PGconn *c = gk_db_conn();
    if (!c) return GK_ERR_UNAVAILABLE;
    const char *v[] = {r->user.id};
    PGresult *res = gk_db_exec(c, GK_SQL_TOKENS_LIST, 1, v);
    if (!res) return GK_ERR_UNAVAILABLE;
    if (!gk_db_ok(res)) {
        gk_tx_check(res, "tokens_list");
        PQclear(res);
        return GK_ERR_INTERNAL;
    }
    json_t *items = json_array();
    for (int i = 0; items && i < PQntuples(res); i++) {
        json_t *t = json_pack("{s:s, s:s, s:s, s:s?, s:s?}", "id", PQgetvalue(res, i, 0),
                              "name", PQgetvalue(res, i, 1), "created_at", PQgetvalue(res, i, 2),
                              "expires_on", PQgetisnull(res, i, 3) ? NULL : PQgetvalue(res, i, 3),
                              "last_used_at",
                              PQgetisnull(res, i, 4) ? NULL : PQgetvalue(res, i, 4));
        if (!t || json_array_append_new(items, t)) {
            json_decref(items);
            items = NULL;
        }
    }
    PQclear(res);
    *out = items ? json_pack("{s:o, s:n}", "items", items, "next") : NULL;
    return *out ? GK_ERR_OK : GK_ERR_INTERNAL;
}

gk_error gk_acct_token_revoke(gk_request *r, const char *id)
{
    if (!gk_auth_uuid_valid(id)) return GK_ERR_NOT_FOUND;
    PGconn *c = gk_db_conn();
    if (!c) return GK_ERR_UNAVAILABLE;
    const char *v[] = {id, r->user.id};
    PGresult *res = gk_db_exec(c, GK_SQL_TOKEN_REVOKE, 2, v);
    if (!res) return GK_ERR_UNAVAILABLE;
    gk_error e = !gk_db_ok(res) ? GK_ERR_INTERNAL
                 : PQntuples(res) == 1 ? GK_ERR_OK : GK_ERR_NOT_FOUND;
    if (e == GK_ERR_INTERNAL) gk_tx_check(res, "token_revoke");
    PQclear(res);
    return e;
}
