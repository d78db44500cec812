/* The audit log hash chain (see audit_chain.h). */
#include "crypto/audit_chain.h"

#include "crypto/canonical_json.h"
#include "db/db.h"

#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define AT_SQL(col) "to_char(" col " AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"')"
#define VERIFY_PAGE 1000

static const gk_stmt stmts[] = {
    /* The head row lock serialises appenders; under READ COMMITTED the locked row is the
     * latest head, so the insert always extends it. */
    {"audit_head", "SELECT seq, encode(hash, 'hex'), " AT_SQL("clock_timestamp()")
                   " FROM audit_chain_head FOR UPDATE"},
    {"audit_insert",
     "INSERT INTO audit_log (seq, at, actor, actor_user_id, action, object, detail, prev_hash,"
     " hash) VALUES ($1::bigint, $2::timestamptz, $3, $4::uuid, $5, $6, $7::json,"
     " decode($8, 'hex'), decode($9, 'hex'))"},
    {"audit_page", "SELECT seq, " AT_SQL("at") ", actor, action, object, detail::text,"
                   " encode(prev_hash, 'hex'), encode(hash, 'hex')"
                   " FROM audit_log WHERE seq > $1::bigint ORDER BY seq LIMIT 1000"},
    {"audit_head_read", "SELECT seq FROM audit_chain_head"},
};

void gk_audit_register(void)
{
    gk_db_register(stmts, sizeof stmts / sizeof *stmts);
}

static void to_hex(const unsigned char *b, size_t n, char *out)
{
    static const char digits[] = "0123456789abcdef";
    for (size_t i = 0; i < n; i++) {
        out[2 * i] = digits[b[i] >> 4];
        out[2 * i + 1] = digits[b[i] & 15];
    }
    out[2 * n] = 0;
}

static bool from_hex(const char *s, unsigned char *out, size_t n)
{
    if (!s || strlen(s) != 2 * n) return false;
    for (size_t i = 0; i < n; i++) {
        unsigned v = 0;
        if (sscanf(s + 2 * i, "%2x", &v) != 1) return false;
        out[i] = (unsigned char)v;
    }
    return true;
}

/* The object that is hashed; NULL on allocation failure. */
static json_t *hashed_object(const gk_audit_entry *e)
{
    char prev[2 * GK_AUDIT_HASH_LEN + 1];
    to_hex(e->prev_hash, GK_AUDIT_HASH_LEN, prev);
    json_t *detail = e->detail ? json_deep_copy(e->detail) : json_object();
    return json_pack("{s:i, s:I, s:s, s:s, s:s, s:s*, s:o, s:s}", "v", 1, "seq",
                     (json_int_t)e->seq, "at", e->at ? e->at : "", "actor",
                     e->actor ? e->actor : "", "action", e->action ? e->action : "", "object",
                     e->object, "detail", detail, "prev_hash", prev);
}

bool gk_audit_hash(const gk_audit_entry *e, unsigned char out[GK_AUDIT_HASH_LEN])
{
    if (e->detail && !json_is_object(e->detail)) return false;
    json_t *o = hashed_object(e);
    if (!o) return false;
    char *text = gk_canonical_json(o);
    json_decref(o);
    if (!text) return false;
    unsigned int len = 0;
    bool ok = EVP_Digest(text, strlen(text), out, &len, EVP_sha256(), NULL) == 1 &&
              len == GK_AUDIT_HASH_LEN;
    free(text);
    return ok;
}

long gk_audit_verify_entries(const gk_audit_entry *entries, size_t n,
                             const unsigned char *start_prev)
{
    for (size_t i = 0; i < n; i++) {
        const gk_audit_entry *e = &entries[i];
        const unsigned char *expect_prev = i ? entries[i - 1].hash : start_prev;
        if (expect_prev && memcmp(e->prev_hash, expect_prev, GK_AUDIT_HASH_LEN) != 0)
            return (long)i;
        if (i && e->seq != entries[i - 1].seq + 1) return (long)i;
        unsigned char h[GK_AUDIT_HASH_LEN];
        if (!gk_audit_hash(e, h) || memcmp(h, e->hash, GK_AUDIT_HASH_LEN) != 0) return (long)i;
    }
    return -1;
}

gk_tx_status gk_audit_append_as(PGconn *c, const char *actor, const char *actor_user_id,
                                const char *action, const char *object,
                                const json_t *detail)
{
    PGresult *res = gk_db_exec(c, "audit_head", 0, NULL);
    gk_tx_status s = gk_tx_check(res, "audit_head");
    if (s != GK_TX_OK) {
        if (res) PQclear(res);
        return s;
    }
    if (PQntuples(res) != 1) {
        PQclear(res);
        return GK_TX_HARD;
    }
    gk_audit_entry e = {.seq = atoll(PQgetvalue(res, 0, 0)) + 1,
                        .actor = actor,
                        .action = action,
                        .object = object,
                        .detail = detail};
    char at[40];
    snprintf(at, sizeof at, "%s", PQgetvalue(res, 0, 2));
    e.at = at;
    bool ok = from_hex(PQgetvalue(res, 0, 1), e.prev_hash, GK_AUDIT_HASH_LEN);
    PQclear(res);
    if (!ok || !gk_audit_hash(&e, e.hash)) return GK_TX_HARD;

    json_t *d = detail ? (json_t *)detail : json_object();
    char *dtext = d ? gk_canonical_json(d) : NULL;
    if (!detail) json_decref(d);
    if (!dtext) return GK_TX_HARD;
    char seq[24], prev[2 * GK_AUDIT_HASH_LEN + 1], hash[2 * GK_AUDIT_HASH_LEN + 1];
    snprintf(seq, sizeof seq, "%lld", e.seq);
    to_hex(e.prev_hash, GK_AUDIT_HASH_LEN, prev);
    to_hex(e.hash, GK_AUDIT_HASH_LEN, hash);
    const char *v[] = {seq, at, actor, actor_user_id, action, object, dtext, prev, hash};
    res = gk_db_exec(c, "audit_insert", 9, v);
    free(dtext);
    s = gk_tx_check(res, "audit_insert");
    if (res) PQclear(res);
    return s;
}

gk_tx_status gk_audit_append(PGconn *c, const char *actor_user_id, const char *action,
                             const char *object, const json_t *detail)
{
    char actor[64];
    if (actor_user_id)
        snprintf(actor, sizeof actor, "user:%s", actor_user_id);
    else
        snprintf(actor, sizeof actor, "system");
    return gk_audit_append_as(c, actor, actor_user_id, action, object, detail);
}

bool gk_audit_verify_db(PGconn *c, long long *checked, long long *first_broken, char *why,
                        size_t why_len)
{
    *checked = 0;
    *first_broken = 0;
    if (why_len) why[0] = 0;
    unsigned char prev[GK_AUDIT_HASH_LEN] = {0};
    long long last_seq = 0;
    for (;;) {
        char after[24];
        snprintf(after, sizeof after, "%lld", last_seq);
        const char *v[] = {after};
        PGresult *res = gk_db_exec(c, "audit_page", 1, v);
        if (!res || !gk_db_ok(res)) {
            if (res) PQclear(res);
            return false;
        }
        int n = PQntuples(res);
        gk_audit_entry *es = calloc(n ? (size_t)n : 1, sizeof *es);
        json_t **details = calloc(n ? (size_t)n : 1, sizeof *details);
        if (!es || !details) {
            free(es);
            free(details);
            PQclear(res);
            return false;
        }
        long bad = -1;
        for (int i = 0; i < n; i++) {
            gk_audit_entry *e = &es[i];
            e->seq = atoll(PQgetvalue(res, i, 0));
            e->at = PQgetvalue(res, i, 1);
            e->actor = PQgetvalue(res, i, 2);
            e->action = PQgetvalue(res, i, 3);
            e->object = PQgetisnull(res, i, 4) ? NULL : PQgetvalue(res, i, 4);
            details[i] = json_loads(PQgetvalue(res, i, 5), 0, NULL);
            e->detail = details[i];
            if (!details[i] || !from_hex(PQgetvalue(res, i, 6), e->prev_hash, GK_AUDIT_HASH_LEN) ||
                !from_hex(PQgetvalue(res, i, 7), e->hash, GK_AUDIT_HASH_LEN)) {
                if (bad < 0) bad = i;
            }
        }
        long v_bad = gk_audit_verify_entries(es, (size_t)n, prev);
        if (v_bad >= 0 && (bad < 0 || v_bad < bad)) bad = v_bad;
        /* The first entry must be seq 1 and follow the previous page without a gap. */
        if (n > 0 && es[0].seq != last_seq + 1 && (bad < 0 || bad > 0)) bad = 0;
        if (bad >= 0) {
            *first_broken = es[bad].seq;
            *checked += bad;
            if (why_len)
                snprintf(why, why_len, "entry %lld does not match its hash or its predecessor",
                         es[bad].seq);
        } else if (n > 0) {
            *checked += n;
            memcpy(prev, es[n - 1].hash, GK_AUDIT_HASH_LEN);
            last_seq = es[n - 1].seq;
        }
        for (int i = 0; i < n; i++) json_decref(details[i]);
        free(es);
        free(details);
        PQclear(res);
        if (bad >= 0) return true;
        if (n < VERIFY_PAGE) break;
    }
    /* The head must be the last entry read: entries removed from the end show here. */
    PGresult *res = gk_db_exec(c, "audit_head_read", 0, NULL);
    if (!res || !gk_db_ok(res) || PQntuples(res) != 1) {
        if (res) PQclear(res);
        return false;
    }
    long long head = atoll(PQgetvalue(res, 0, 0));
    PQclear(res);
    if (head != last_seq) {
        *first_broken = last_seq + 1;
        if (why_len)
            snprintf(why, why_len, "the chain head is at %lld but the log ends at %lld", head,
                     last_seq);
    }
    return true;
}
