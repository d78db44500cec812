/* Subscriptions (see subscriptions.h). */
#include "service/subscriptions.h"

#include "app.h"
#include "auth/throttle.h"
#include "auth/validate.h"
#include "crypto/token.h"
#include "db/db.h"
#include "db/mail.h"
#include "db/run.h"
#include "mail/mail.h"
#include "util/hex.h"
#include "util/utf8.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const gk_field sub_fields[] = {
    {"email", GK_F_STRING, true, 254, NULL, GK_AT(gk_sub_input, email), false},
    {"query", GK_F_STRING, true, 800, NULL, GK_AT(gk_sub_input, query), false},
};
const gk_spec gk_sub_spec = GK_SPEC(sub_fields);

static const gk_field sub_token_fields[] = {
    {"token", GK_F_STRING, true, 128, NULL, GK_AT(gk_sub_token_input, token), false},
};
const gk_spec gk_sub_token_spec = GK_SPEC(sub_token_fields);

typedef struct {
    const char *email, *query, *lang;
    char confirm_hex[2 * GK_SHA256_LEN + 1], confirm[GK_TOKEN_LEN + 1];
    char unsub[GK_TOKEN_LEN + 1];
} create_ctx;

static gk_tx_status create_tx(PGconn *c, void *vctx)
{
    create_ctx *x = vctx;
    const char *v[] = {x->email, x->query, x->lang, x->confirm_hex, x->unsub};
    gk_tx_status st = gk_db_run(c, GK_SQL_SUB_INSERT, 5, v, NULL, NULL, NULL);
    if (st != GK_TX_OK) return st;
    char *link = gk_mail_url("/subscriptions/confirm", x->confirm);
    gk_mail m = {.kind = "subscription.confirm",
                 .to = x->email,
                 .lang = x->lang,
                 .link = link,
                 .secret = true,
                 .params = {"query", x->query, NULL}};
    st = link ? gk_mail_queue(c, &m) : GK_TX_HARD;
    free(link);
    return st;
}

void gk_svc_sub_create(const gk_call *call, const gk_sub_input *in, gk_outcome *out)
{
    char *folded = in->email ? gk_utf8_fold(in->email) : NULL;
    const char *email = folded ? gk_arena_strdup(call->arena, folded) : in->email;
    free(folded);
    if (email && !gk_auth_email_valid(email))
        gk_field_err(out, call, "email", "field.email_invalid");
    size_t qn = in->query ? gk_utf8_chars(in->query) : 0;
    if (in->query && (qn < 1 || qn > 200 || !gk_auth_label_valid(in->query)))
        gk_field_err(out, call, "query", "mail.query_invalid");
    if (out->errors && json_array_size(out->errors)) {
        gk_fail(out, call, GK_ERR_VALIDATION, NULL, NULL);
        return;
    }
    PGconn *c = gk_db_conn();
    if (!c) {
        gk_fail(out, call, GK_ERR_UNAVAILABLE, NULL, NULL);
        return;
    }
    char key[96];
    if (gk_throttle_key(key, sizeof key, "signup", call->client_addr)) {
        gk_error e = gk_throttle_hit(c, key, gk_app.config.signup_limit, 3600, &out->retry_after);
        if (e != GK_ERR_OK) {
            gk_fail(out, call, e, NULL, NULL);
            return;
        }
    }
    create_ctx x = {.email = email,
                    .query = in->query,
                    .lang = call->lang && !strcmp(call->lang, "en") ? "en" : "ja"};
    unsigned char h[GK_SHA256_LEN];
    if (!gk_token_new(x.confirm) || !gk_token_new(x.unsub) || !gk_token_hash(x.confirm, h) ||
        !gk_hex_encode(h, sizeof h, x.confirm_hex, sizeof x.confirm_hex)) {
        gk_fail(out, call, GK_ERR_INTERNAL, NULL, NULL);
        return;
    }
    gk_tx_status st = gk_tx_run(GK_TX_READ_COMMITTED, create_tx, &x);
    gk_outcome_finish(out, st);
    if (st != GK_TX_OK) return;
    out->view = json_pack("{s:s, s:s, s:s}", "email", email, "status", "confirmation_sent",
                          "message", gk_call_msg(call, "mail.subscription_sent"));
    if (!out->view) gk_fail(out, call, GK_ERR_INTERNAL, NULL, NULL);
}

/* One statement that uses a token: its row's query into the view under `flag`, or a field
 * error on token. */
static void use(const gk_call *call, const char *stmt, const char *value, const char *flag,
                gk_outcome *out)
{
    PGconn *c = gk_db_conn();
    if (!c) {
        gk_fail(out, call, GK_ERR_UNAVAILABLE, NULL, NULL);
        return;
    }
    const char *v[] = {value};
    PGresult *res = NULL;
    gk_tx_status st = gk_db_run(c, stmt, 1, v, &res, NULL, NULL);
    if (st != GK_TX_OK) {
        gk_outcome_finish(out, st);
        return;
    }
    if (PQntuples(res) != 1) {
        PQclear(res);
        gk_fail(out, call, GK_ERR_VALIDATION, "token", "mail.token_invalid");
        return;
    }
    out->view = json_pack("{s:b, s:s}", flag, 1, "query", PQgetvalue(res, 0, 1));
    PQclear(res);
    if (!out->view) gk_fail(out, call, GK_ERR_INTERNAL, NULL, NULL);
}

void gk_svc_sub_confirm(const gk_call *call, const gk_sub_token_input *in, gk_outcome *out)
{
    unsigned char h[GK_SHA256_LEN];
    char hex[2 * GK_SHA256_LEN + 1];
    if (!in->token || strlen(in->token) != GK_TOKEN_LEN || !gk_token_hash(in->token, h) ||
        !gk_hex_encode(h, sizeof h, hex, sizeof hex)) {
        gk_fail(out, call, GK_ERR_VALIDATION, "token", "mail.token_invalid");
        return;
    }
    use(call, GK_SQL_SUB_CONFIRM, hex, "confirmed", out);
}

void gk_svc_sub_unsubscribe(const gk_call *call, const gk_sub_token_input *in, gk_outcome *out)
{
    if (!in->token || strlen(in->token) != GK_TOKEN_LEN) {
        gk_fail(out, call, GK_ERR_VALIDATION, "token", "mail.token_invalid");
        return;
    }
    use(call, GK_SQL_SUB_UNSUBSCRIBE, in->token, "unsubscribed", out);
}
