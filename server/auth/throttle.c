#include "auth/throttle.h"

#include "db/accounts.h"
#include "db/db.h"
#include "db/tx.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

gk_throttle_update gk_throttle_after_failure(gk_throttle_state s, gk_throttle_rule rule)
{
    gk_throttle_update u = {0};
    if (s.failures <= 0 || s.window_age_s >= rule.window_s) {
        u.failures = 1;
        u.restart_window = true;
    } else {
        u.failures = s.failures + 1;
    }
    if (u.failures >= rule.limit) {
        u.lock_s = rule.window_s;
        if (rule.base_s > 0) {
            long extra = u.failures - rule.limit, wait = rule.base_s;
            while (extra-- > 0 && wait < rule.window_s)
                wait *= 2;
            if (wait < u.lock_s) u.lock_s = wait;
        }
    }
    return u;
}

long gk_throttle_retry_after(gk_throttle_state s)
{
    return s.locked_for_s > 0 ? s.locked_for_s : 0;
}

static bool make_key(char *out, size_t out_size, const char *kind, const char *value, size_t max)
{
    if (!value || !*value || strlen(value) > max) return false;
    int n = snprintf(out, out_size, "%s:", kind);
    if (n < 0 || (size_t)n >= out_size) return false;
    size_t w = (size_t)n;
    for (const unsigned char *p = (const unsigned char *)value; *p; p++) {
        if (*p <= 0x20 || *p == 0x7f) return false; /* the key's CHECK refuses these */
        if (w + 1 >= out_size) return false;
        out[w++] = (char)(*p >= 'A' && *p <= 'Z' ? *p + 32 : *p);
    }
    out[w] = 0;
    return true;
}

bool gk_throttle_key(char *out, size_t out_size, const char *kind, const char *value)
{
    return make_key(out, out_size, kind, value, 254);
}

bool gk_throttle_pair_key(char *out, size_t out_size, const char *email, const char *addr)
{
    char v[320];
    if (!email || !addr || strlen(email) > 254 || strlen(addr) > 60 || strchr(email, '/'))
        return false;
    snprintf(v, sizeof v, "%s/%s", email, addr);
    return make_key(out, out_size, "pair", v, 320);
}

static bool read_state(PGresult *res, gk_throttle_state *s)
{
    *s = (gk_throttle_state){0};
    if (PQntuples(res) != 1) return false;
    s->failures = strtol(PQgetvalue(res, 0, 0), NULL, 10);
    s->window_age_s = strtol(PQgetvalue(res, 0, 1), NULL, 10);
    s->locked_for_s = strtol(PQgetvalue(res, 0, 2), NULL, 10);
    return true;
}

gk_error gk_throttle_check(PGconn *c, const char *pair_key, const char *addr_key, long *retry_after)
{
    *retry_after = 0;
    const char *keys[] = {pair_key, addr_key};
    for (size_t i = 0; i < 2; i++) {
        if (!keys[i]) continue;
        PGresult *res = gk_db_exec(c, GK_SQL_THROTTLE_GET, 1, &keys[i]);
        if (!res) return GK_ERR_UNAVAILABLE;
        if (!gk_db_ok(res)) {
            gk_tx_check(res, "throttle_get");
            PQclear(res);
            return GK_ERR_INTERNAL;
        }
        gk_throttle_state s;
        read_state(res, &s);
        PQclear(res);
        long wait = gk_throttle_retry_after(s);
        if (wait > *retry_after) *retry_after = wait;
    }
    return *retry_after > 0 ? GK_ERR_THROTTLED : GK_ERR_OK;
}

typedef struct {
    const char *keys[2];
    gk_throttle_rule rules[2];
} failure_ctx;

static gk_tx_status record_tx(PGconn *c, void *vctx)
{
    failure_ctx *ctx = vctx;
    for (size_t i = 0; i < 2; i++) {
        const char *key = ctx->keys[i];
        if (!key) continue;
        PGresult *res = gk_db_exec(c, GK_SQL_THROTTLE_ENSURE, 1, &key);
        gk_tx_status st = gk_tx_check(res, "throttle_ensure");
        PQclear(res);
        if (st != GK_TX_OK) return st;
        res = gk_db_exec(c, GK_SQL_THROTTLE_GET_LOCKED, 1, &key);
        st = gk_tx_check(res, "throttle_get_locked");
        gk_throttle_state s = {0};
        if (st == GK_TX_OK) read_state(res, &s);
        PQclear(res);
        if (st != GK_TX_OK) return st;
        gk_throttle_update u = gk_throttle_after_failure(s, ctx->rules[i]);
        char failures[24], lock[24];
        snprintf(failures, sizeof failures, "%ld", u.failures);
        snprintf(lock, sizeof lock, "%ld", u.lock_s);
        const char *v[] = {key, failures, u.restart_window ? "1" : "0", lock};
        res = gk_db_exec(c, GK_SQL_THROTTLE_SET, 4, v);
        st = gk_tx_check(res, "throttle_set");
        PQclear(res);
        if (st != GK_TX_OK) return st;
    }
    return GK_TX_OK;
}

gk_error gk_throttle_record_failure(const char *pair_key, const char *addr_key)
{
    failure_ctx ctx = {.keys = {pair_key, addr_key},
                       .rules = {GK_THROTTLE_PAIR, GK_THROTTLE_ADDRESS}};
    switch (gk_tx_run(GK_TX_READ_COMMITTED, record_tx, &ctx)) {
    case GK_TX_OK:
        return GK_ERR_OK;
    case GK_TX_UNAVAILABLE:
        return GK_ERR_UNAVAILABLE;
    default:
        return GK_ERR_INTERNAL;
    }
}

gk_error gk_throttle_reset(PGconn *c, const char *key)
{
    if (!key) return GK_ERR_OK;
    PGresult *res = gk_db_exec(c, GK_SQL_THROTTLE_RESET, 1, &key);
    if (!res) return GK_ERR_UNAVAILABLE;
    gk_error e = gk_db_ok(res) ? GK_ERR_OK : GK_ERR_INTERNAL;
    if (e != GK_ERR_OK) gk_tx_check(res, "throttle_reset");
    PQclear(res);
    return e;
}

gk_error gk_throttle_hit(PGconn *c, const char *key, long limit, long window_s, long *retry_after)
{
    *retry_after = 0;
    if (!key) return GK_ERR_OK;
    char w[24];
    snprintf(w, sizeof w, "%ld", window_s);
    const char *v[] = {key, w};
    PGresult *res = gk_db_exec(c, GK_SQL_THROTTLE_HIT, 2, v);
    if (!res) return GK_ERR_UNAVAILABLE;
    if (!gk_db_ok(res) || PQntuples(res) != 1) {
        gk_tx_check(res, "throttle_hit");
        PQclear(res);
        return GK_ERR_INTERNAL;
    }
    long n = strtol(PQgetvalue(res, 0, 0), NULL, 10);
    long left = strtol(PQgetvalue(res, 0, 1), NULL, 10);
    PQclear(res);
    if (n <= limit) return GK_ERR_OK;
    *retry_after = left > 0 ? left : 1;
    return GK_ERR_THROTTLED;
}
