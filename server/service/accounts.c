/* Accounts (see accounts.h). */
#include "service/accounts.h"

#include "app.h"
#include "auth/throttle.h"
#include "auth/validate.h"
#include "crypto/audit_chain.h"
#include "crypto/password.h"
#include "db/accounts.h"
#include "db/db.h"
#include "db/run.h"
#include "db/mail.h"
#include "db/users.h"
#include "log.h"
#include "mail/mail.h"
#include "util/hex.h"
#include "util/utf8.h"

#include <arpa/inet.h>
#include <openssl/rand.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define LABEL_BYTES 1200 /* 300 code points of up to 4 bytes; the label check counts them */
#define PASSWORD_BYTES (GK_PASSWORD_MAX_BYTES + 1)

static const gk_field signup_fields[] = {
    {"organization.name", GK_F_STRING, true, LABEL_BYTES, NULL, GK_AT(gk_signup_input, org_name),
     false},
    {"organization.name_ja", GK_F_STRING, false, LABEL_BYTES, NULL,
     GK_AT(gk_signup_input, org_name_ja), true},
    {"organization.corporate_number", GK_F_STRING, false, 64, NULL,
     GK_AT(gk_signup_input, corporate_number), true},
    {"organization.representative", GK_F_STRING, true, LABEL_BYTES, NULL,
     GK_AT(gk_signup_input, representative), false},
    {"user.email", GK_F_STRING, true, 254, NULL, GK_AT(gk_signup_input, email), false},
    {"user.password", GK_F_STRING, true, PASSWORD_BYTES, NULL, GK_AT(gk_signup_input, password),
     false},
    {"user.name", GK_F_STRING, true, LABEL_BYTES, NULL, GK_AT(gk_signup_input, name), false},
};
const gk_spec gk_signup_spec = GK_SPEC_OP_CHECKS(signup_fields);

static const gk_field signin_fields[] = {
    {"email", GK_F_STRING, true, 254, NULL, GK_AT(gk_signin_input, email), false},
    {"password", GK_F_STRING, true, PASSWORD_BYTES, NULL, GK_AT(gk_signin_input, password), false},
};
const gk_spec gk_signin_spec = GK_SPEC_OP_CHECKS(signin_fields);

static const gk_field password_fields[] = {
    {"current_password", GK_F_STRING, true, PASSWORD_BYTES, NULL,
     GK_AT(gk_password_input, current_password), false},
    {"new_password", GK_F_STRING, true, PASSWORD_BYTES, NULL,
     GK_AT(gk_password_input, new_password), false},
};
const gk_spec gk_password_spec = GK_SPEC_OP_CHECKS(password_fields);

static const char *const roles[] = {"manufacturer", "examiner", "regulator", "admin", NULL};
static const gk_field user_fields[] = {
    {"email", GK_F_STRING, true, 254, NULL, GK_AT(gk_user_input, email), false},
    {"password", GK_F_STRING, true, PASSWORD_BYTES, NULL, GK_AT(gk_user_input, password), false},
    {"name", GK_F_STRING, true, LABEL_BYTES, NULL, GK_AT(gk_user_input, name), false},
    {"role", GK_F_ENUM, true, 0, roles, GK_AT(gk_user_input, role), false},
    {"organization_id", GK_F_STRING, false, 64, NULL, GK_AT(gk_user_input, organization_id), true},
    {"lead_examiner", GK_F_BOOL, false, 0, NULL, GK_AT(gk_user_input, lead_examiner), true},
};
const gk_spec gk_user_spec = GK_SPEC_OP_CHECKS(user_fields);

static const gk_field token_fields[] = {
    {"name", GK_F_STRING, true, LABEL_BYTES, NULL, GK_AT(gk_token_input, name), false},
    {"expires_on", GK_F_DATE, false, 0, NULL, GK_AT(gk_token_input, expires_on), true},
    {"scopes", GK_F_STRING, false, 200, NULL, GK_AT(gk_token_input, scopes), true},
};
const gk_spec gk_token_spec = GK_SPEC_OP_CHECKS(token_fields);

static const gk_field verify_fields[] = {
    {"token", GK_F_STRING, true, 128, NULL, GK_AT(gk_verify_input, token), false},
};
const gk_spec gk_verify_spec = GK_SPEC_OP_CHECKS(verify_fields);

static const gk_field reset_request_fields[] = {
    {"email", GK_F_STRING, true, 254, NULL, GK_AT(gk_reset_request_input, email), false},
};
const gk_spec gk_reset_request_spec = GK_SPEC_OP_CHECKS(reset_request_fields);

static const gk_field reset_confirm_fields[] = {
    {"token", GK_F_STRING, true, 128, NULL, GK_AT(gk_reset_confirm_input, token), false},
    {"password", GK_F_STRING, true, PASSWORD_BYTES, NULL, GK_AT(gk_reset_confirm_input, password),
     false},
};
const gk_spec gk_reset_confirm_spec = GK_SPEC_OP_CHECKS(reset_confirm_fields);

/* Optional form fields arrive as "" when left empty: treat as absent. */
static const char *opt(const char *s)
{
    return s && *s ? s : NULL;
}

static void check_label(gk_outcome *out, const gk_call *call, const char *field, const char *v)
{
    if (v && !gk_auth_label_valid(v)) gk_field_err(out, call, field, "field.label_invalid");
}

static void check_email(gk_outcome *out, const gk_call *call, const char *field, const char *v)
{
    if (v && !gk_auth_email_valid(v)) gk_field_err(out, call, field, "field.email_invalid");
}

static void check_password(gk_outcome *out, const gk_call *call, const char *field, const char *v)
{
    const char *policy = v ? gk_password_policy_check(v) : NULL;
    if (policy) gk_field_err(out, call, field, policy);
}

/* The field errors collected so far (the adapter's and the checks') fail the operation. */
static bool invalid(gk_outcome *out)
{
    if (!out->errors || !json_array_size(out->errors)) return false;
    out->err = GK_ERR_VALIDATION;
    out->status = gk_error_status(out->err);
    return true;
}

static void fail(gk_outcome *out, const gk_call *call, gk_error e)
{
    gk_fail(out, call, e, NULL, NULL);
}

/* E-mail addresses are compared, stored and throttled in one form: NFKC + case folding, so
 * "mallory@evİl.example" or full-width letters are not another key for the same account.
 * NULL (left as typed) when the text is not valid UTF-8: the checks refuse it. */
static const char *norm_email(const gk_call *call, const char *email)
{
    if (!email) return NULL;
    char *f = gk_utf8_fold(email);
    const char *n = f ? gk_arena_strdup(call->arena, f) : NULL;
    free(f);
    return n ? n : email;
}

/* Runs the transaction fn(ctx) with the hash of password in *hash, then forgets the hash.
 * False, the outcome failed, when the password cannot be hashed: 503 (server.busy) when
 * enough requests already wait for a hash, so no worker thread waits behind a queue. */
static bool run_hashed(const gk_call *call, gk_outcome *out, const char *password,
                       const char **hash, gk_tx_fn fn, void *ctx, gk_tx_status *st)
{
    char *h = NULL;
    gk_password_result pr = gk_password_hash_try(password, &h);
    if (pr != GK_PASSWORD_MATCH) {
        fail(out, call, pr == GK_PASSWORD_BUSY ? GK_ERR_BUSY : GK_ERR_INTERNAL);
        return false;
    }
    *hash = h;
    *st = gk_tx_run(GK_TX_READ_COMMITTED, fn, ctx);
    *hash = NULL;
    free(h);
    return true;
}

/* A user created in a transaction: the password's hash in; its id (malloc'd), or the error
 * and field of the refusal, out. */
typedef struct {
    const char *hash;
    char *id;
    gk_error error;
    const char *field;
} new_user;

/* gk_users_insert as a step of a transaction (which may run again: the last id is dropped). */
static gk_tx_status insert_user(PGconn *c, const gk_user_input *in, const char *org, new_user *u)
{
    free(u->id);
    u->id = NULL;
    gk_error e = gk_users_insert(c, in->email, in->name, in->role, org, u->hash, &u->id, &u->field);
    if (e == GK_ERR_UNAVAILABLE) return GK_TX_UNAVAILABLE;
    if (e == GK_ERR_OK) return GK_TX_OK;
    u->error = e;
    return e == GK_ERR_INTERNAL ? GK_TX_HARD : GK_TX_ABORT;
}

/* The audit entry of a change to kind:id, with the detail {key: value} when key is given. */
static gk_tx_status audit(PGconn *c, const char *actor, const char *action, const char *kind,
                          const char *id, const char *key, const char *value)
{
    char object[96];
    snprintf(object, sizeof object, "%s:%s", kind, id);
    json_t *detail = key ? json_pack("{s:s}", key, value) : NULL;
    if (key && !detail) return GK_TX_HARD;
    gk_tx_status st = gk_audit_append(c, actor, action, object, detail);
    json_decref(detail);
    return st;
}

/* The rows of a read outside a transaction, or NULL with the outcome failed (503 when the
 * database is out of reach, else 500). */
static PGresult *read_rows(const gk_call *call, gk_outcome *out, const char *stmt, int n,
                           const char *const *v)
{
    PGresult *res = NULL;
    gk_tx_status st = gk_db_run(gk_db_conn(), stmt, n, v, &res, NULL, NULL);
    if (st == GK_TX_OK) return res;
    fail(out, call, st == GK_TX_UNAVAILABLE ? GK_ERR_UNAVAILABLE : GK_ERR_INTERNAL);
    return NULL;
}

/* Appends row to items; on failure (row NULL: packing it failed) drops both: NULL. */
static json_t *append_row(json_t *items, json_t *row)
{
    if (items && row && !json_array_append_new(items, row)) return items;
    json_decref(items);
    return NULL;
}

/* ---- sign-up --------------------------------------------------------------------------- */

typedef struct {
    const gk_signup_input *in;
    const char *org_name_ja, *corporate_number, *lang;
    char org_id[64];
    new_user user;
    const char *field;
} signup_ctx;

/* A new one-time e-mail token for user_id and purpose, stored hashed, and the mail that
 * carries its link (kind, page path), in the caller's transaction. */
static gk_tx_status mail_token(PGconn *c, const char *user_id, const char *purpose,
                               const char *kind, const char *page, const char *to, const char *lang,
                               const char *const *params)
{
    char token[GK_TOKEN_LEN + 1], hex[2 * GK_SHA256_LEN + 1];
    unsigned char h[GK_SHA256_LEN];
    if (!gk_token_new(token) || !gk_token_hash(token, h) ||
        !gk_hex_encode(h, sizeof h, hex, sizeof hex))
        return GK_TX_HARD;
    const char *v[] = {hex, user_id, purpose};
    gk_tx_status st = gk_db_run(c, GK_SQL_EMAIL_TOKEN_INSERT, 3, v, NULL, NULL, NULL);
    if (st != GK_TX_OK) return st;
    char *link = gk_mail_url(page, token);
    if (!link) return GK_TX_HARD;
    gk_mail m = {.kind = kind, .to = to, .lang = lang, .link = link, .secret = true};
    for (size_t i = 0; params && params[i] && i < 14; i++)
        m.params[i] = params[i];
    st = gk_mail_queue(c, &m);
    free(link);
    return st;
}

static gk_tx_status signup_tx(PGconn *c, void *vctx)
{
    signup_ctx *ctx = vctx;
    const char *v[] = {ctx->in->org_name, ctx->org_name_ja, ctx->corporate_number,
                       ctx->in->representative};
    PGresult *res = gk_db_exec(c, GK_SQL_ORG_INSERT, 4, v);
    if (res && !gk_db_ok(res) && !strcmp(gk_db_sqlstate(res), "23505")) {
        PQclear(res);
        ctx->user.error = GK_ERR_ALREADY_EXISTS;
        ctx->field = "organization.corporate_number";
        return GK_TX_ABORT;
    }
    gk_tx_status st = gk_tx_check(res, "org_insert");
    if (st == GK_TX_OK) snprintf(ctx->org_id, sizeof ctx->org_id, "%s", PQgetvalue(res, 0, 0));
    PQclear(res);
    if (st != GK_TX_OK) return st;
    gk_user_input user = {.email = ctx->in->email, .name = ctx->in->name, .role = "manufacturer"};
    st = insert_user(c, &user, ctx->org_id, &ctx->user);
    if (st != GK_TX_OK) {
        if (ctx->user.error != GK_ERR_OK)
            ctx->field = ctx->user.error == GK_ERR_ALREADY_EXISTS ? "user.email" : "user";
        return st;
    }
    /* Not verified until the link of the mail is followed. */
    const char *uv[] = {ctx->user.id, ctx->lang};
    st = gk_db_run(c, GK_SQL_MAIL_USER_UNVERIFY, 2, uv, NULL, NULL, NULL);
    if (st != GK_TX_OK) return st;
    const char *params[] = {"name", ctx->in->name, "org", ctx->in->org_name, NULL};
    st = mail_token(c, ctx->user.id, "verify", "signup.verify", "/verify-email", ctx->in->email,
                    ctx->lang, params);
    if (st != GK_TX_OK) return st;
    return audit(c, ctx->user.id, "account.signup", "organization", ctx->org_id, "user_id",
                 ctx->user.id);
}

/* The language of mails to a new account: the page's. */
static const char *mail_lang(const gk_call *call)
{
    return call->lang && !strcmp(call->lang, "en") ? "en" : "ja";
}

/* The answer of a sign-up or reset request: the same whatever the address. */
static void pending(const gk_call *call, gk_outcome *out, const char *email, const char *status)
{
    out->view =
        json_pack("{s:s, s:s, s:s}", "email", email, "status", status, "message",
                  gk_call_msg(call, !strcmp(status, "reset_sent") ? "accounts.reset_sent"
                                                                  : "accounts.verification_sent"));
    if (!out->view) fail(out, call, GK_ERR_INTERNAL);
}

typedef struct {
    const char *email, *lang;
    const char *kind, *purpose, *page; /* purpose NULL: a plain link to page */
    const char *actor_action;
    bool found;
} notice_ctx;

/* A mail to the owner of an address, if an enabled account has it: the notice of a sign-up
 * with a taken address, or a password reset link. */
static gk_tx_status owner_mail_tx(PGconn *c, void *vctx)
{
    notice_ctx *n = vctx;
    PGresult *res = NULL;
    gk_tx_status st;
    if (!n->purpose) { /* a notice: at most one an hour per address */
        const char *ov[] = {n->email, n->kind};
        st = gk_db_run(c, GK_SQL_MAIL_ONCE_AN_HOUR, 2, ov, &res, NULL, NULL);
        if (st != GK_TX_OK) return st;
        bool go = PQntuples(res) == 1 && PQgetvalue(res, 0, 0)[0] == 't';
        PQclear(res);
        res = NULL;
        if (!go) return GK_TX_OK;
    }
    const char *v[] = {n->email};
    st = gk_db_run(c, GK_SQL_MAIL_USER_BY_EMAIL, 1, v, &res, NULL, NULL);
    if (st != GK_TX_OK) return st;
    n->found = PQntuples(res) == 1;
    if (!n->found) {
        PQclear(res);
        return GK_TX_OK;
    }
    const char *params[] = {"name", PQgetvalue(res, 0, 1), NULL};
    if (n->purpose) {
        st = mail_token(c, PQgetvalue(res, 0, 0), n->purpose, n->kind, n->page, n->email,
                        PQgetvalue(res, 0, 2), params);
    } else {
        char *link = gk_mail_url(n->page, NULL);
        gk_mail m = {.kind = n->kind,
                     .to = n->email,
                     .lang = PQgetvalue(res, 0, 2),
                     .link = link,
                     .params = {"name", PQgetvalue(res, 0, 1), NULL}};
        st = link ? gk_mail_queue(c, &m) : GK_TX_HARD;
        free(link);
    }
    if (st == GK_TX_OK && n->actor_action)
        st = audit(c, PQgetvalue(res, 0, 0), n->actor_action, "user", PQgetvalue(res, 0, 0), NULL,
                   NULL);
    PQclear(res);
    return st;
}

/* One more attempt from the caller's address against kind's limit in a window: false, the
 * outcome failed (429 with Retry-After, or the database's error), when over it. */
static bool within_rate(const gk_call *call, PGconn *c, const char *kind, long limit, long window_s,
                        gk_outcome *out)
{
    char key[96];
    if (!gk_throttle_key(key, sizeof key, kind, call->client_addr)) return true;
    gk_error e = gk_throttle_hit(c, key, limit, window_s, &out->retry_after);
    if (e == GK_ERR_OK) return true;
    if (e != GK_ERR_THROTTLED) out->retry_after = 0;
    fail(out, call, e);
    return false;
}

/* Whether an account has this (folded) address and whether its owner may get a notice now
 * (none in the last hour), in one round trip; false with the outcome failed when the
 * database cannot say. */
static bool email_taken(const gk_call *call, PGconn *c, const char *email, bool *taken,
                        bool *notice_due, gk_outcome *out)
{
    const char *v[] = {email, "signup.exists"};
    PGresult *res = gk_db_exec(c, GK_SQL_MAIL_TAKEN, 2, v);
    if (!res || !gk_db_ok(res) || PQntuples(res) != 1) {
        fail(out, call, res ? GK_ERR_INTERNAL : GK_ERR_UNAVAILABLE);
        PQclear(res);
        return false;
    }
    *taken = PQgetvalue(res, 0, 0)[0] == 't';
    *notice_due = PQgetvalue(res, 0, 1)[0] == 't';
    PQclear(res);
    return true;
}

void gk_svc_accounts_signup(const gk_call *call, const gk_signup_input *in_raw, gk_outcome *out)
{
    gk_signup_input folded = *in_raw;
    folded.email = norm_email(call, in_raw->email);
    const gk_signup_input *in = &folded;
    signup_ctx ctx = {.in = in, .user.error = GK_ERR_OK};
    ctx.org_name_ja = opt(in->org_name_ja);
    ctx.corporate_number = opt(in->corporate_number);
    check_label(out, call, "organization.name", in->org_name);
    check_label(out, call, "organization.name_ja", ctx.org_name_ja);
    check_label(out, call, "organization.representative", in->representative);
    check_label(out, call, "user.name", in->name);
    check_email(out, call, "user.email", in->email);
    check_password(out, call, "user.password", in->password);
    if (ctx.corporate_number && !gk_auth_corporate_number_valid(ctx.corporate_number))
        gk_field_err(out, call, "organization.corporate_number", "field.corporate_number_invalid");
    if (invalid(out)) return;

    /* Everything cheap before the expensive hash: the address's rate, then whether the
     * e-mail address is taken (the insert checks again, for a concurrent sign-up). */
    PGconn *c = gk_db_conn();
    if (!c) {
        fail(out, call, GK_ERR_UNAVAILABLE);
        return;
    }
    if (!within_rate(call, c, "signup", gk_app.config.signup_limit, 3600, out)) return;
    bool taken = false, notice_due = false;
    if (!email_taken(call, c, in->email, &taken, &notice_due, out)) return;
    if (taken && !notice_due) { /* told within the hour: nothing more to do */
        pending(call, out, in->email, "verification_sent");
        return;
    }
    if (taken) {
        /* Issue 18 item 8: the same answer as for a new address; the owner learns of the
         * attempt by mail. No hash here: item 1 wants a taken address refused before any
         * expensive work (the answer is quicker: docs/security.md says so). */
        notice_ctx n = {.email = in->email,
                        .kind = "signup.exists",
                        .page = "/password-reset",
                        /* no audit entry: the chain head's lock would serialise a flood of
                         * these (the mail is the record) */
                        .actor_action = NULL};
        gk_tx_status nst = gk_tx_run(GK_TX_READ_COMMITTED, owner_mail_tx, &n);
        if (nst != GK_TX_OK)
            gk_outcome_finish(out, nst);
        else
            pending(call, out, in->email, "verification_sent");
        return;
    }
    ctx.lang = mail_lang(call);

    gk_tx_status st;
    if (!run_hashed(call, out, in->password, &ctx.user.hash, signup_tx, &ctx, &st)) return;
    if (st == GK_TX_ABORT && ctx.user.error == GK_ERR_ALREADY_EXISTS &&
        !strcmp(ctx.field, "user.email")) {
        /* a concurrent sign-up took the address first: the same answer as ever */
        pending(call, out, in->email, "verification_sent");
    } else if (st == GK_TX_ABORT) {
        gk_fail(out, call, ctx.user.error, ctx.field,
                ctx.user.error == GK_ERR_ALREADY_EXISTS ? "field.corporate_number_taken"
                                                        : "field.invalid");
    } else if (st != GK_TX_OK) {
        gk_outcome_finish(out, st);
    } else {
        pending(call, out, in->email, "verification_sent");
    }
    free(ctx.user.id);
}

/* ---- sessions -------------------------------------------------------------------------- */

static bool hex_of_token_hash(const char *token, char hex[2 * GK_SHA256_LEN + 1])
{
    unsigned char h[GK_SHA256_LEN];
    return gk_token_hash(token, h) && gk_hex_encode(h, sizeof h, hex, 2 * GK_SHA256_LEN + 1);
}

static const char *inet_or_null(const char *addr)
{
    unsigned char buf[sizeof(struct in6_addr)];
    if (addr && (inet_pton(AF_INET, addr, buf) == 1 || inet_pton(AF_INET6, addr, buf) == 1))
        return addr;
    return NULL;
}

/* The caller's cookie session, or NULL (Bearer callers and anonymous ones have none). */
static const char *own_session(const gk_call *call)
{
    return call->user.via_cookie ? call->user.session_id : NULL;
}

typedef struct {
    const char *old_session, *user_id, *token_hash, *secret_hex, *addr, *reset_key;
    char idle[24], absolute[24];
    char id[24];
} session_ctx;

/* End the old session, store the new one and forget the account's failed sign-ins: the
 * session swap is one change (a planted cookie is never carried into a signed-in session). */
static gk_tx_status session_tx(PGconn *c, void *vctx)
{
    session_ctx *s = vctx;
    PGresult *res;
    gk_tx_status st;
    if (s->old_session) {
        const char *v[] = {s->old_session};
        st = gk_db_run(c, GK_SQL_SESSION_DELETE, 1, v, NULL, NULL, NULL);
        if (st != GK_TX_OK) return st;
    }
    const char *v[] = {s->token_hash, s->user_id, s->secret_hex, s->idle, s->absolute, s->addr};
    res = gk_db_exec(c, GK_SQL_SESSION_INSERT, 6, v);
    st = gk_tx_check(res, "session_insert");
    if (st == GK_TX_OK && PQntuples(res) != 1) st = GK_TX_HARD;
    if (st == GK_TX_OK) snprintf(s->id, sizeof s->id, "%s", PQgetvalue(res, 0, 0));
    PQclear(res);
    if (st != GK_TX_OK || !s->reset_key) return st;
    return gk_db_run(c, GK_SQL_THROTTLE_RESET, 1, &s->reset_key, NULL, NULL, NULL);
}

static void start_session(const gk_call *call, const gk_principal *who, const char *reset_key,
                          gk_session_grant *g, gk_outcome *out)
{
    memset(g, 0, sizeof *g);
    session_ctx s = {.old_session = own_session(call),
                     .user_id = who->id,
                     .addr = inet_or_null(call->client_addr),
                     .reset_key = reset_key};
    char hex[2 * GK_SHA256_LEN + 1], secret_hex[65];
    if (!gk_token_new(g->token) || !hex_of_token_hash(g->token, hex) ||
        RAND_bytes(g->csrf_secret, sizeof g->csrf_secret) != 1 ||
        !gk_hex_encode(g->csrf_secret, sizeof g->csrf_secret, secret_hex, sizeof secret_hex)) {
        fail(out, call, GK_ERR_INTERNAL);
        return;
    }
    s.token_hash = hex;
    s.secret_hex = secret_hex;
    /* Staff sessions (examiners, the regulator, administrators) idle out sooner. */
    snprintf(s.idle, sizeof s.idle, "%u",
             who->role == GK_ROLE_MANUFACTURER ? gk_app.config.session_idle_s
                                               : gk_app.config.staff_session_idle_s);
    snprintf(s.absolute, sizeof s.absolute, "%u", gk_app.config.session_absolute_s);
    gk_tx_status st = gk_tx_run(GK_TX_READ_COMMITTED, session_tx, &s);
    if (st != GK_TX_OK) {
        gk_outcome_finish(out, st);
        return;
    }
    snprintf(g->id, sizeof g->id, "%s", s.id);
    gk_arena *a = call->arena;
    g->user = (gk_principal){.id = gk_arena_strdup(a, who->id),
                             .email = gk_arena_strdup(a, who->email),
                             .name = gk_arena_strdup(a, who->name),
                             .organization_id = gk_arena_strdup(a, who->organization_id),
                             .role = who->role,
                             .via_cookie = true};
    if (!g->user.id || !g->user.email || !g->user.name) fail(out, call, GK_ERR_INTERNAL);
}

void gk_svc_accounts_session_start(const gk_call *call, const gk_principal *who,
                                   gk_session_grant *g, gk_outcome *out)
{
    start_session(call, who, NULL, g, out);
}

void gk_svc_accounts_sign_out(const gk_call *call, gk_outcome *out)
{
    const char *sid = own_session(call);
    if (!sid) return;
    PGconn *c = gk_db_conn();
    if (!c) {
        fail(out, call, GK_ERR_UNAVAILABLE);
        return;
    }
    const char *v[] = {sid};
    PGresult *res = gk_db_exec(c, GK_SQL_SESSION_DELETE, 1, v);
    if (!res) {
        fail(out, call, GK_ERR_UNAVAILABLE);
        return;
    }
    bool ok = gk_db_ok(res);
    PQclear(res);
    if (!ok) fail(out, call, GK_ERR_INTERNAL);
}

typedef struct {
    char pair[400], addr[96];
    const char *pair_key, *addr_key;
} throttle_keys;

static void keys_for(const gk_call *call, const char *email, throttle_keys *k)
{
    k->pair_key =
        gk_throttle_pair_key(k->pair, sizeof k->pair, email, call->client_addr) ? k->pair : NULL;
    k->addr_key =
        gk_throttle_key(k->addr, sizeof k->addr, "addr", call->client_addr) ? k->addr : NULL;
}

/* A failed sign-in: counted, then refused. */
static void failed(const gk_call *call, const throttle_keys *k, gk_outcome *out)
{
    gk_error e = gk_throttle_record_failure(k->pair_key, k->addr_key);
    fail(out, call, e == GK_ERR_OK ? GK_ERR_BAD_CREDENTIALS : e);
}

/* Store a stronger hash of a password that just verified. Failure (or a busy hash queue) is
 * logged or skipped, not fatal: the old hash still works. */
static void rehash(PGconn *c, const char *user_id, const char *pw)
{
    char *h = NULL;
    if (gk_password_hash_try(pw, &h) != GK_PASSWORD_MATCH) return;
    const char *v[] = {user_id, h};
    PGresult *res = gk_db_exec(c, GK_SQL_USER_SET_PASSWORD, 2, v);
    if (!res || !gk_db_ok(res))
        gk_log("warn", "password rehash not stored", json_pack("{s:s}", "user_id", user_id));
    PQclear(res);
    free(h);
}

/* The connection for a password check on email's account, or NULL with the outcome failed:
 * the database is out of reach, or the pair (account, address) or the address must wait
 * (GK_ERR_THROTTLED, *retry_after). */
static PGconn *unthrottled(const gk_call *call, const char *email, throttle_keys *k,
                           long *retry_after, gk_outcome *out)
{
    PGconn *c = gk_db_conn();
    if (!c) {
        fail(out, call, GK_ERR_UNAVAILABLE);
        return NULL;
    }
    keys_for(call, email, k);
    gk_error e = gk_throttle_check(c, k->pair_key, k->addr_key, retry_after);
    if (e == GK_ERR_OK) return c;
    fail(out, call, e);
    return NULL;
}

void gk_svc_accounts_sign_in(const gk_call *call, const gk_signin_input *in_raw,
                             gk_session_grant *g, long *retry_after, gk_outcome *out)
{
    *retry_after = 0;
    memset(g, 0, sizeof *g);
    if (invalid(out)) return;
    gk_signin_input folded = *in_raw;
    folded.email = norm_email(call, in_raw->email);
    const gk_signin_input *in = &folded;
    throttle_keys k;
    PGconn *c = unthrottled(call, in->email, &k, retry_after, out);
    if (!c) return;
    if (!within_rate(call, c, "signin", gk_app.config.signin_limit, 15 * 60, out)) {
        *retry_after = out->retry_after;
        return;
    }
    const char *v[] = {in->email};
    PGresult *res = gk_db_exec(c, GK_SQL_USER_BY_EMAIL, 1, v);
    if (!res) {
        fail(out, call, GK_ERR_UNAVAILABLE);
        return;
    }
    if (!gk_db_ok(res)) {
        gk_log("error", "user lookup failed", json_pack("{s:s}", "sqlstate", gk_db_sqlstate(res)));
        PQclear(res);
        fail(out, call, GK_ERR_INTERNAL);
        return;
    }
    if (PQntuples(res) != 1) {
        PQclear(res);
        /* the same work as for a real account */
        if (!gk_password_verify_dummy(in->password))
            fail(out, call, GK_ERR_BUSY);
        else
            failed(call, &k, out);
        return;
    }
    bool needs_rehash = false;
    gk_password_result pr = gk_password_verify(in->password, PQgetvalue(res, 0, 5), &needs_rehash);
    if (pr == GK_PASSWORD_MALFORMED)
        gk_log("bug", "stored password hash is malformed",
               json_pack("{s:s}", "user_id", PQgetvalue(res, 0, 0)));
    if (pr != GK_PASSWORD_MATCH) {
        PQclear(res);
        if (pr == GK_PASSWORD_FAILURE || pr == GK_PASSWORD_BUSY)
            fail(out, call, pr == GK_PASSWORD_BUSY ? GK_ERR_BUSY : GK_ERR_INTERNAL);
        else
            failed(call, &k, out);
        return;
    }
    gk_principal who = {.id = gk_arena_strdup(call->arena, PQgetvalue(res, 0, 0)),
                        .email = gk_arena_strdup(call->arena, PQgetvalue(res, 0, 1)),
                        .name = gk_arena_strdup(call->arena, PQgetvalue(res, 0, 2)),
                        .role = gk_role_parse(PQgetvalue(res, 0, 3)),
                        .organization_id =
                            PQgetisnull(res, 0, 4)
                                ? NULL
                                : gk_arena_strdup(call->arena, PQgetvalue(res, 0, 4))};
    PQclear(res);
    if (!who.id || !who.email || !who.name || who.role == GK_ROLE_ANON) {
        fail(out, call, GK_ERR_INTERNAL);
        return;
    }
    /* Issue 19: an account whose address is not confirmed yet cannot sign in (said only to
     * whoever knows the password). */
    const char *vv[] = {who.id};
    PGresult *vr = NULL;
    gk_tx_status vst = gk_db_run(c, GK_SQL_MAIL_USER_VERIFIED, 1, vv, &vr, NULL, NULL);
    if (vst != GK_TX_OK) {
        fail(out, call, vst == GK_TX_UNAVAILABLE ? GK_ERR_UNAVAILABLE : GK_ERR_INTERNAL);
        return;
    }
    bool verified = PQntuples(vr) == 1 && PQgetvalue(vr, 0, 0)[0] == 't';
    PQclear(vr);
    if (!verified) {
        fail(out, call, GK_ERR_EMAIL_UNVERIFIED);
        return;
    }
    if (needs_rehash) rehash(c, who.id, in->password);
    start_session(call, &who, k.pair_key, g, out);
}

/* ---- password change ------------------------------------------------------------------- */

typedef struct {
    const char *user_id, *hash, *keep_session;
    long tokens_revoked;
} password_ctx;

static gk_tx_status password_tx(PGconn *c, void *vctx)
{
    password_ctx *p = vctx;
    const char *sv[] = {p->user_id, p->hash};
    gk_tx_status st = gk_db_run(c, GK_SQL_USER_SET_PASSWORD, 2, sv, NULL, NULL, NULL);
    if (st != GK_TX_OK) return st;
    /* Whoever else holds a session of this account (the reason to change it) is out. */
    const char *dv[] = {p->user_id, p->keep_session};
    st = gk_db_run(c, GK_SQL_SESSIONS_DELETE_OTHERS, 2, dv, NULL, NULL, NULL);
    if (st != GK_TX_OK) return st;
    /* ... and so is whoever holds one of its API tokens. */
    PGresult *res = NULL;
    st = gk_db_run(c, GK_SQL_TOKENS_REVOKE_ALL, 1, dv, &res, NULL, NULL);
    if (st != GK_TX_OK) return st;
    p->tokens_revoked = PQntuples(res);
    PQclear(res);
    char n[24];
    snprintf(n, sizeof n, "%ld", p->tokens_revoked);
    return audit(c, p->user_id, "account.password_change", "user", p->user_id, "tokens_revoked", n);
}

void gk_svc_accounts_password_change(const gk_call *call, const gk_password_input *in,
                                     long *retry_after, gk_outcome *out)
{
    *retry_after = 0;
    if (invalid(out)) return;
    throttle_keys k;
    PGconn *c = unthrottled(call, call->user.email, &k, retry_after, out);
    if (!c) return;
    const char *v[] = {call->user.id};
    PGresult *res = gk_db_exec(c, GK_SQL_USER_PASSWORD, 1, v);
    if (!res) {
        fail(out, call, GK_ERR_UNAVAILABLE);
        return;
    }
    if (!gk_db_ok(res) || PQntuples(res) != 1) {
        PQclear(res);
        fail(out, call, GK_ERR_INTERNAL);
        return;
    }
    gk_password_result pr = gk_password_verify(in->current_password, PQgetvalue(res, 0, 0), NULL);
    PQclear(res);
    if (pr == GK_PASSWORD_FAILURE || pr == GK_PASSWORD_BUSY) {
        fail(out, call, pr == GK_PASSWORD_BUSY ? GK_ERR_BUSY : GK_ERR_INTERNAL);
        return;
    }
    if (pr != GK_PASSWORD_MATCH) {
        gk_error e = gk_throttle_record_failure(k.pair_key, k.addr_key);
        if (e != GK_ERR_OK)
            fail(out, call, e);
        else
            gk_fail(out, call, GK_ERR_VALIDATION, "current_password", "password.wrong");
        return;
    }
    const char *policy = gk_password_policy_check(in->new_password);
    if (policy) {
        gk_fail(out, call, GK_ERR_VALIDATION, "new_password", policy);
        return;
    }
    password_ctx p = {.user_id = call->user.id, .keep_session = own_session(call)};
    gk_tx_status st;
    if (!run_hashed(call, out, in->new_password, &p.hash, password_tx, &p, &st)) return;
    gk_outcome_finish(out, st);
    if (st == GK_TX_OK)
        out->view = json_pack("{s:I}", "tokens_revoked", (json_int_t)p.tokens_revoked);
}

/* ---- users (admin) --------------------------------------------------------------------- */

typedef struct {
    const gk_user_input *in;
    const char *org, *actor;
    new_user user;
} user_ctx;

static gk_tx_status user_tx(PGconn *c, void *vctx)
{
    user_ctx *u = vctx;
    gk_tx_status st = insert_user(c, u->in, u->org, &u->user);
    if (st == GK_TX_OK && u->in->lead_examiner == 1) {
        gk_error e = gk_users_set_lead_examiner(c, u->user.id, true);
        if (e != GK_ERR_OK) u->user.error = e;
        st = e == GK_ERR_OK ? GK_TX_OK : e == GK_ERR_UNAVAILABLE ? GK_TX_UNAVAILABLE : GK_TX_HARD;
    }
    if (st != GK_TX_OK) return st;
    return audit(c, u->actor, "user.create", "user", u->user.id, "role",
                 u->in->lead_examiner == 1 ? "examiner (lead)" : u->in->role);
}

void gk_svc_accounts_user_create(const gk_call *call, const gk_user_input *in_raw, gk_outcome *out)
{
    gk_user_input folded = *in_raw;
    folded.email = norm_email(call, in_raw->email);
    const gk_user_input *in = &folded;
    const char *org = opt(in->organization_id);
    check_email(out, call, "email", in->email);
    check_label(out, call, "name", in->name);
    check_password(out, call, "password", in->password);
    if (in->role && !strcmp(in->role, "manufacturer") && !org)
        gk_field_err(out, call, "organization_id", "field.organization_required");
    else if (in->role && strcmp(in->role, "manufacturer") && org)
        gk_field_err(out, call, "organization_id", "field.organization_staff");
    else if (org && !gk_auth_uuid_valid(org))
        gk_field_err(out, call, "organization_id", "field.organization_unknown");
    if (in->lead_examiner == 1 && (!in->role || strcmp(in->role, "examiner")))
        gk_field_err(out, call, "lead_examiner", "review.lead_examiner_staff_only");
    if (invalid(out)) return;
    user_ctx u = {.in = in, .org = org, .actor = call->user.id};
    gk_tx_status st;
    if (!run_hashed(call, out, in->password, &u.user.hash, user_tx, &u, &st)) return;
    const new_user *r = &u.user;
    if (st == GK_TX_ABORT) {
        if (r->error == GK_ERR_ALREADY_EXISTS)
            gk_fail(out, call, r->error, "email", "field.email_taken");
        else if (r->error == GK_ERR_VALIDATION)
            gk_fail(out, call, r->error, r->field ? r->field : "user",
                    r->field && !strcmp(r->field, "organization_id") ? "field.organization_unknown"
                                                                     : "field.invalid");
        else
            fail(out, call, r->error);
    } else if (st != GK_TX_OK) {
        gk_outcome_finish(out, st);
    } else {
        out->view = json_pack("{s:s, s:s, s:s, s:s, s:s?, s:b}", "id", r->id, "email", in->email,
                              "name", in->name, "role", in->role, "organization_id", org,
                              "lead_examiner", in->lead_examiner == 1);
        if (!out->view) fail(out, call, GK_ERR_INTERNAL);
    }
    free(r->id);
}

void gk_svc_accounts_users_list(const gk_call *call, const char *after, long limit, gk_outcome *out)
{
    if (after && !gk_auth_uuid_valid(after)) {
        fail(out, call, GK_ERR_BAD_QUERY);
        out->detail = gk_call_msg(call, "accounts.bad_cursor");
        return;
    }
    char lim[24];
    snprintf(lim, sizeof lim, "%ld", limit);
    const char *v[] = {after, lim};
    PGresult *res = read_rows(call, out, GK_SQL_USERS_LIST, 2, v);
    if (!res) return;
    json_t *items = json_array();
    int n = PQntuples(res);
    for (int i = 0; items && i < n; i++) {
        json_t *u =
            json_pack("{s:s, s:s, s:s, s:s, s:s?, s:b, s:s, s:b, s:s?}", "id",
                      PQgetvalue(res, i, 0), "email", PQgetvalue(res, i, 1), "name",
                      PQgetvalue(res, i, 2), "role", PQgetvalue(res, i, 3), "organization_id",
                      PQgetisnull(res, i, 4) ? NULL : PQgetvalue(res, i, 4), "disabled",
                      PQgetvalue(res, i, 5)[0] == 't', "created_at", PQgetvalue(res, i, 6),
                      "lead_examiner", PQgetvalue(res, i, 7)[0] == 't', "organization_name",
                      PQgetisnull(res, i, 8) ? NULL : PQgetvalue(res, i, 8));
        items = append_row(items, u);
    }
    json_t *next = n == limit && n > 0 ? json_string(PQgetvalue(res, n - 1, 0)) : json_null();
    PQclear(res);
    out->view = items ? json_pack("{s:o, s:o}", "items", items, "next", next) : NULL;
    if (!out->view) {
        json_decref(next);
        fail(out, call, GK_ERR_INTERNAL);
    }
}

/* ---- API tokens ------------------------------------------------------------------------ */

static gk_date today_utc(void)
{
    time_t t = time(NULL);
    struct tm tm;
    gk_date d = GK_DATE_NONE;
    if (gmtime_r(&t, &tm)) gk_date_from_ymd(tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, &d);
    return d;
}

typedef struct {
    const char *values[5];
    const char *actor;
    char id[64], created_at[40];
} token_ctx;

static gk_tx_status token_create_tx(PGconn *c, void *vctx)
{
    token_ctx *t = vctx;
    PGresult *res = gk_db_exec(c, GK_SQL_TOKEN_INSERT, 5, t->values);
    gk_tx_status st = gk_tx_check(res, "token_insert");
    if (st == GK_TX_OK && PQntuples(res) != 1) st = GK_TX_HARD;
    if (st == GK_TX_OK) {
        snprintf(t->id, sizeof t->id, "%s", PQgetvalue(res, 0, 0));
        snprintf(t->created_at, sizeof t->created_at, "%s", PQgetvalue(res, 0, 1));
    }
    PQclear(res);
    if (st != GK_TX_OK) return st;
    return audit(c, t->actor, "api_token.create", "api_token", t->id, NULL, NULL);
}

/* The scopes as a JSON array of names. */
static json_t *scopes_json(unsigned bits)
{
    json_t *a = json_array();
    for (unsigned b = 1; a && b <= GK_SCOPE_REGULATE; b <<= 1)
        if (bits & b) json_array_append_new(a, json_string(gk_scope_name(b)));
    return a;
}

void gk_svc_accounts_token_create(const gk_call *call, const gk_token_input *in, gk_outcome *out)
{
    if (!call->user.via_cookie) { /* a stolen token must not mint itself a successor */
        gk_fail(out, call, GK_ERR_TOKEN_SCOPE, NULL, NULL);
        out->detail = gk_call_msg(call, "accounts.token_by_token");
        return;
    }
    check_label(out, call, "name", in->name);
    gk_date today = today_utc(), latest = today + (gk_date)gk_app.config.token_max_days;
    gk_date expires = in->expires_on != GK_DATE_NONE ? in->expires_on : latest;
    if (in->expires_on != GK_DATE_NONE && in->expires_on < today)
        gk_field_err(out, call, "expires_on", "field.date_past");
    else if (expires > latest)
        gk_field_err(out, call, "expires_on", "accounts.token_too_long");
    unsigned scopes = opt(in->scopes) ? gk_scopes_parse(in->scopes) : GK_SCOPE_READ;
    unsigned allowed = GK_SCOPE_READ | gk_scope_for_role(call->user.role);
    if (!scopes)
        gk_field_err(out, call, "scopes", "accounts.token_scopes_unknown");
    else if (scopes & ~allowed)
        gk_field_err(out, call, "scopes", "accounts.token_scopes_role");
    if (invalid(out)) return;
    scopes |= GK_SCOPE_READ;
    char scopes_text[64];
    if (!gk_scopes_format(scopes, scopes_text, sizeof scopes_text)) {
        fail(out, call, GK_ERR_INTERNAL);
        return;
    }
    char token[GK_TOKEN_LEN + 1], hex[2 * GK_SHA256_LEN + 1];
    if (!gk_token_new(token) || !hex_of_token_hash(token, hex)) {
        fail(out, call, GK_ERR_INTERNAL);
        return;
    }
    char date[GK_DATE_BUF];
    const char *exp = gk_date_format(expires, date);
    token_ctx t = {.values = {call->user.id, in->name, hex, exp, scopes_text},
                   .actor = call->user.id};
    gk_tx_status st = gk_tx_run(GK_TX_READ_COMMITTED, token_create_tx, &t);
    if (st != GK_TX_OK) {
        gk_outcome_finish(out, st);
        return;
    }
    out->view =
        json_pack("{s:s, s:s, s:s, s:o, s:s?, s:s}", "id", t.id, "name", in->name, "token", token,
                  "scopes", scopes_json(scopes), "expires_on", exp, "created_at", t.created_at);
    if (!out->view) fail(out, call, GK_ERR_INTERNAL);
}

void gk_svc_accounts_tokens_list(const gk_call *call, gk_outcome *out)
{
    const char *v[] = {call->user.id};
    PGresult *res = read_rows(call, out, GK_SQL_TOKENS_LIST, 1, v);
    if (!res) return;
    json_t *items = json_array();
    for (int i = 0; items && i < PQntuples(res); i++) {
        json_t *t = json_pack("{s:s, s:s, s:s, s:s?, s:s?, s:o}", "id", PQgetvalue(res, i, 0),
                              "name", PQgetvalue(res, i, 1), "created_at", PQgetvalue(res, i, 2),
                              "expires_on", PQgetisnull(res, i, 3) ? NULL : PQgetvalue(res, i, 3),
                              "last_used_at", PQgetisnull(res, i, 4) ? NULL : PQgetvalue(res, i, 4),
                              "scopes", scopes_json(gk_scopes_parse(PQgetvalue(res, i, 5))));
        items = append_row(items, t);
    }
    PQclear(res);
    out->view = items ? json_pack("{s:o, s:n}", "items", items, "next") : NULL;
    if (!out->view) fail(out, call, GK_ERR_INTERNAL);
}

typedef struct {
    const char *id, *owner;
    bool found;
} revoke_ctx;

static gk_tx_status token_revoke_tx(PGconn *c, void *vctx)
{
    revoke_ctx *rv = vctx;
    const char *v[] = {rv->id, rv->owner};
    PGresult *res = gk_db_exec(c, GK_SQL_TOKEN_REVOKE, 2, v);
    gk_tx_status st = gk_tx_check(res, "token_revoke");
    rv->found = st == GK_TX_OK && PQntuples(res) == 1;
    PQclear(res);
    if (st != GK_TX_OK) return st;
    if (!rv->found) return GK_TX_ABORT;
    return audit(c, rv->owner, "api_token.revoke", "api_token", rv->id, NULL, NULL);
}

void gk_svc_accounts_token_revoke(const gk_call *call, const char *id, gk_outcome *out)
{
    if (!gk_auth_uuid_valid(id)) {
        fail(out, call, GK_ERR_NOT_FOUND);
        return;
    }
    revoke_ctx rv = {.id = id, .owner = call->user.id};
    gk_tx_status st = gk_tx_run(GK_TX_READ_COMMITTED, token_revoke_tx, &rv);
    if (st == GK_TX_ABORT && !rv.found)
        fail(out, call, GK_ERR_NOT_FOUND);
    else
        gk_outcome_finish(out, st);
}

/* ---- e-mail tokens (issue 19) ---------------------------------------------------------- */

/* The hex SHA-256 of a token as typed; false when it cannot be a token. */
static bool token_hex(const char *token, char hex[2 * GK_SHA256_LEN + 1])
{
    return token && strlen(token) == GK_TOKEN_LEN && hex_of_token_hash(token, hex);
}

typedef struct {
    const char *hex, *purpose;
    char user_id[40];
    bool found;
    /* password reset */
    const char *hash;
    long tokens_revoked;
} use_ctx;

/* Uses the token (single use, unexpired): its user id, or GK_TX_ABORT when it is not valid. */
static gk_tx_status use_token(PGconn *c, use_ctx *u)
{
    const char *v[] = {u->hex, u->purpose};
    PGresult *res = NULL;
    gk_tx_status st = gk_db_run(c, GK_SQL_EMAIL_TOKEN_USE, 2, v, &res, NULL, NULL);
    if (st != GK_TX_OK) return st;
    u->found = PQntuples(res) == 1;
    if (u->found) snprintf(u->user_id, sizeof u->user_id, "%s", PQgetvalue(res, 0, 0));
    PQclear(res);
    return u->found ? GK_TX_OK : GK_TX_ABORT;
}

static gk_tx_status verify_tx(PGconn *c, void *vctx)
{
    use_ctx *u = vctx;
    gk_tx_status st = use_token(c, u);
    if (st != GK_TX_OK) return st;
    const char *v[] = {u->user_id};
    st = gk_db_run(c, GK_SQL_MAIL_USER_VERIFY, 1, v, NULL, NULL, NULL);
    if (st != GK_TX_OK) return st;
    return audit(c, u->user_id, "account.verify_email", "user", u->user_id, NULL, NULL);
}

static void token_refused(const gk_call *call, gk_outcome *out)
{
    gk_fail(out, call, GK_ERR_VALIDATION, "token", "mail.token_invalid");
}

void gk_svc_accounts_signup_verify(const gk_call *call, const gk_verify_input *in, gk_outcome *out)
{
    if (invalid(out)) return;
    char hex[2 * GK_SHA256_LEN + 1];
    if (!token_hex(in->token, hex)) {
        token_refused(call, out);
        return;
    }
    use_ctx u = {.hex = hex, .purpose = "verify"};
    gk_tx_status st = gk_tx_run(GK_TX_READ_COMMITTED, verify_tx, &u);
    if (st == GK_TX_ABORT && !u.found) {
        token_refused(call, out);
        return;
    }
    gk_outcome_finish(out, st);
    if (st == GK_TX_OK) {
        out->view = json_pack("{s:b}", "verified", 1);
        if (!out->view) fail(out, call, GK_ERR_INTERNAL);
    }
}

void gk_svc_accounts_password_reset(const gk_call *call, const gk_reset_request_input *in_raw,
                                    gk_outcome *out)
{
    if (invalid(out)) return;
    const char *email = norm_email(call, in_raw->email);
    check_email(out, call, "email", email);
    if (invalid(out)) return;
    PGconn *c = gk_db_conn();
    if (!c) {
        fail(out, call, GK_ERR_UNAVAILABLE);
        return;
    }
    if (!within_rate(call, c, "signin", gk_app.config.signin_limit, 15 * 60, out)) return;
    notice_ctx n = {.email = email,
                    .kind = "password.reset",
                    .purpose = "reset",
                    .page = "/reset-password",
                    .actor_action = "account.password_reset_requested"};
    gk_tx_status st = gk_tx_run(GK_TX_READ_COMMITTED, owner_mail_tx, &n);
    if (st != GK_TX_OK)
        gk_outcome_finish(out, st);
    else
        pending(call, out, email, "reset_sent");
}

static gk_tx_status reset_tx(PGconn *c, void *vctx)
{
    use_ctx *u = vctx;
    gk_tx_status st = use_token(c, u);
    if (st != GK_TX_OK) return st;
    const char *pv[] = {u->user_id, u->hash};
    st = gk_db_run(c, GK_SQL_USER_SET_PASSWORD, 2, pv, NULL, NULL, NULL);
    if (st != GK_TX_OK) return st;
    /* every session ends (no session is kept), every API token and e-mail token goes */
    const char *dv[] = {u->user_id, NULL};
    st = gk_db_run(c, GK_SQL_SESSIONS_DELETE_OTHERS, 2, dv, NULL, NULL, NULL);
    if (st != GK_TX_OK) return st;
    PGresult *res = NULL;
    st = gk_db_run(c, GK_SQL_TOKENS_REVOKE_ALL, 1, dv, &res, NULL, NULL);
    if (st != GK_TX_OK) return st;
    u->tokens_revoked = PQntuples(res);
    PQclear(res);
    st = gk_db_run(c, GK_SQL_EMAIL_TOKENS_VOID, 1, dv, NULL, NULL, NULL);
    if (st != GK_TX_OK) return st;
    /* the mail reached its owner: the address is confirmed too */
    st = gk_db_run(c, GK_SQL_MAIL_USER_VERIFY, 1, dv, NULL, NULL, NULL);
    if (st != GK_TX_OK) return st;
    char n[24];
    snprintf(n, sizeof n, "%ld", u->tokens_revoked);
    return audit(c, u->user_id, "account.password_reset", "user", u->user_id, "tokens_revoked", n);
}

void gk_svc_accounts_password_reset_confirm(const gk_call *call, const gk_reset_confirm_input *in,
                                            gk_outcome *out)
{
    if (invalid(out)) return;
    char hex[2 * GK_SHA256_LEN + 1];
    if (!token_hex(in->token, hex)) {
        token_refused(call, out);
        return;
    }
    check_password(out, call, "password", in->password);
    if (invalid(out)) return;
    PGconn *c = gk_db_conn();
    if (!c) {
        fail(out, call, GK_ERR_UNAVAILABLE);
        return;
    }
    if (!within_rate(call, c, "signin", gk_app.config.signin_limit, 15 * 60, out)) return;
    use_ctx u = {.hex = hex, .purpose = "reset"};
    gk_tx_status st;
    if (!run_hashed(call, out, in->password, &u.hash, reset_tx, &u, &st)) return;
    if (st == GK_TX_ABORT && !u.found) {
        token_refused(call, out);
        return;
    }
    gk_outcome_finish(out, st);
    if (st == GK_TX_OK) {
        out->view = json_pack("{s:I}", "tokens_revoked", (json_int_t)u.tokens_revoked);
        if (!out->view) fail(out, call, GK_ERR_INTERNAL);
    }
}

/* ---- notification choices -------------------------------------------------------------- */

static const char *const mail_kinds[] = {"info_request", "decision", "certificate",
                                         "answer",       "review",   NULL};

void gk_svc_accounts_mail_prefs_get(const gk_call *call, gk_outcome *out)
{
    const char *v[] = {call->user.id};
    PGresult *res = read_rows(call, out, GK_SQL_MAIL_PREFS_GET, 1, v);
    if (!res) return;
    const char *off = PQntuples(res) == 1 ? PQgetvalue(res, 0, 0) : "{}";
    json_t *n = json_object();
    for (size_t i = 0; n && mail_kinds[i]; i++) {
        /* the array literal {a,b}: a kind is off when it appears between delimiters */
        const char *p = strstr(off, mail_kinds[i]);
        size_t k = strlen(mail_kinds[i]);
        bool is_off = p && (p[-1] == '{' || p[-1] == ',') && (p[k] == '}' || p[k] == ',');
        json_object_set_new(n, mail_kinds[i], json_boolean(!is_off));
    }
    PQclear(res);
    out->view = n ? json_pack("{s:o}", "notifications", n) : NULL;
    if (!out->view) fail(out, call, GK_ERR_INTERNAL);
}

void gk_svc_accounts_mail_prefs_set(const gk_call *call, const char *off, gk_outcome *out)
{
    char lit[128] = "{";
    size_t used = 1;
    const char *p = off ? off : "";
    while (*p) {
        p += strspn(p, " ,");
        size_t n = strcspn(p, " ,");
        if (!n) break;
        bool known = false;
        for (size_t i = 0; mail_kinds[i]; i++)
            if (strlen(mail_kinds[i]) == n && !strncmp(mail_kinds[i], p, n)) known = true;
        if (!known || used + n + 2 >= sizeof lit) {
            gk_fail(out, call, GK_ERR_VALIDATION, "off", "mail.prefs_unknown");
            return;
        }
        if (used > 1) lit[used++] = ',';
        memcpy(lit + used, p, n);
        used += n;
        p += n;
    }
    lit[used++] = '}';
    lit[used] = '\0';
    PGconn *c = gk_db_conn();
    if (!c) {
        fail(out, call, GK_ERR_UNAVAILABLE);
        return;
    }
    const char *v[] = {call->user.id, lit};
    gk_tx_status st = gk_db_run(c, GK_SQL_MAIL_PREFS_SET, 2, v, NULL, NULL, NULL);
    if (st != GK_TX_OK) {
        gk_outcome_finish(out, st);
        return;
    }
    gk_svc_accounts_mail_prefs_get(call, out);
}

/* ---- the outbox (admin) ---------------------------------------------------------------- */

void gk_svc_accounts_outbox(const gk_call *call, const char *status, gk_outcome *out)
{
    if (status && *status && strcmp(status, "queued") && strcmp(status, "sent") &&
        strcmp(status, "failed")) {
        fail(out, call, GK_ERR_BAD_QUERY);
        out->detail = gk_call_msg(call, "mail.bad_status");
        return;
    }
    PGresult *cnt = read_rows(call, out, GK_SQL_MAIL_COUNTS, 0, NULL);
    if (!cnt) return;
    json_t *counts =
        json_pack("{s:I, s:I, s:I}", "queued", (json_int_t)strtoll(PQgetvalue(cnt, 0, 0), NULL, 10),
                  "sent", (json_int_t)strtoll(PQgetvalue(cnt, 0, 1), NULL, 10), "failed",
                  (json_int_t)strtoll(PQgetvalue(cnt, 0, 2), NULL, 10));
    PQclear(cnt);
    const char *v[] = {status && *status ? status : NULL, "200"};
    PGresult *res = read_rows(call, out, GK_SQL_MAIL_LIST, 2, v);
    if (!res) {
        json_decref(counts);
        return;
    }
    json_t *items = json_array();
    for (int i = 0; items && i < PQntuples(res); i++) {
        json_t *m = json_pack("{s:I, s:s, s:s, s:s, s:s, s:I, s:s?, s:s, s:s?}", "id",
                              (json_int_t)strtoll(PQgetvalue(res, i, 0), NULL, 10), "kind",
                              PQgetvalue(res, i, 1), "recipient", PQgetvalue(res, i, 2), "subject",
                              PQgetvalue(res, i, 3), "status", PQgetvalue(res, i, 4), "attempts",
                              (json_int_t)strtoll(PQgetvalue(res, i, 5), NULL, 10), "last_error",
                              PQgetisnull(res, i, 6) ? NULL : PQgetvalue(res, i, 6), "created_at",
                              PQgetvalue(res, i, 7), "sent_at",
                              PQgetisnull(res, i, 8) ? NULL : PQgetvalue(res, i, 8));
        items = append_row(items, m);
    }
    PQclear(res);
    out->view = items && counts ? json_pack("{s:o, s:o}", "counts", counts, "items", items) : NULL;
    if (!out->view) fail(out, call, GK_ERR_INTERNAL);
}
