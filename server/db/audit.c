#include "db/audit.h"

#include "db/run.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The SQL below is built from macros (TS, ...): laid out by hand, not by clang-format. */
// clang-format off
#define AT_SQL(col) "to_char(" col " AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"')"
#define STR(x) #x
#define XSTR(x) STR(x)

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
                   " FROM audit_log WHERE seq > $1::bigint ORDER BY seq"
                   " LIMIT " XSTR(GK_DB_AUDIT_PAGE)},
    {"audit_head_read", "SELECT seq FROM audit_chain_head"},
};
// clang-format on

void gk_db_audit_register(void)
{
    gk_db_register(stmts, sizeof stmts / sizeof *stmts);
}

gk_tx_status gk_db_audit_head_lock(PGconn *c, long long *seq, char hash_hex[65], char at[40])
{
    PGresult *res = NULL;
    gk_tx_status s = gk_db_run(c, "audit_head", 0, NULL, &res, NULL, NULL);
    if (s != GK_TX_OK) return s;
    if (PQntuples(res) != 1) {
        PQclear(res);
        return GK_TX_HARD;
    }
    *seq = atoll(PQgetvalue(res, 0, 0));
    snprintf(hash_hex, 65, "%s", PQgetvalue(res, 0, 1));
    snprintf(at, 40, "%s", PQgetvalue(res, 0, 2));
    PQclear(res);
    return GK_TX_OK;
}

gk_tx_status gk_db_audit_insert(PGconn *c, long long seq, const char *at, const char *actor,
                                const char *actor_user_id, const char *action, const char *object,
                                const char *detail_text, const char *prev_hex, const char *hash_hex)
{
    char sq[24];
    snprintf(sq, sizeof sq, "%lld", seq);
    const char *v[] = {sq,     at,          actor,    actor_user_id, action,
                       object, detail_text, prev_hex, hash_hex};
    return gk_db_run(c, "audit_insert", 9, v, NULL, NULL, NULL);
}

gk_tx_status gk_db_audit_read_page(PGconn *c, long long after, gk_db_audit_page *out)
{
    memset(out, 0, sizeof *out);
    char a[24];
    snprintf(a, sizeof a, "%lld", after);
    const char *v[] = {a};
    gk_tx_status s = gk_db_run(c, "audit_page", 1, v, &out->res, NULL, NULL);
    if (s != GK_TX_OK) return s;
    int n = PQntuples(out->res);
    out->rows = calloc(n ? (size_t)n : 1, sizeof *out->rows);
    if (!out->rows) {
        gk_db_audit_page_free(out);
        return GK_TX_HARD;
    }
    for (int i = 0; i < n; i++) {
        gk_db_audit_row *r = &out->rows[i];
        r->seq = atoll(PQgetvalue(out->res, i, 0));
        r->at = PQgetvalue(out->res, i, 1);
        r->actor = PQgetvalue(out->res, i, 2);
        r->action = PQgetvalue(out->res, i, 3);
        r->object = PQgetisnull(out->res, i, 4) ? NULL : PQgetvalue(out->res, i, 4);
        r->detail = PQgetvalue(out->res, i, 5);
        r->prev_hex = PQgetvalue(out->res, i, 6);
        r->hash_hex = PQgetvalue(out->res, i, 7);
    }
    out->n = (size_t)n;
    return GK_TX_OK;
}

void gk_db_audit_page_free(gk_db_audit_page *p)
{
    free(p->rows);
    if (p->res) PQclear(p->res);
    memset(p, 0, sizeof *p);
}

gk_tx_status gk_db_audit_head_seq(PGconn *c, long long *seq)
{
    PGresult *res = NULL;
    gk_tx_status s = gk_db_run(c, "audit_head_read", 0, NULL, &res, NULL, NULL);
    if (s != GK_TX_OK) return s;
    if (PQntuples(res) != 1)
        s = GK_TX_HARD;
    else
        *seq = atoll(PQgetvalue(res, 0, 0));
    PQclear(res);
    return s;
}
