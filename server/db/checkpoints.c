#include "db/checkpoints.h"

#include "db/run.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

// clang-format off
#define TS(col) "to_char(" col " AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')"
#define ITEM "json_build_object('seq', k.seq, 'hash', encode(k.hash, 'hex'), 'signed_at', " \
             TS("k.signed_at") ", 'key_id', k.key_id, 'signature', k.signature)"

static const gk_stmt stmts[] = {
    {"checkpoint_head", "SELECT seq, encode(hash, 'hex'), " TS("now()") " FROM audit_chain_head"},
    {"checkpoint_insert",
     "INSERT INTO audit_checkpoints (seq, hash, signed_at, key_id, signature)"
     " VALUES ($1::bigint, decode($2, 'hex'), $3::timestamptz, $4, $5)"
     " ON CONFLICT (seq) DO NOTHING"},
    {"checkpoint_list",
     "SELECT coalesce(json_agg(" ITEM " ORDER BY k.seq DESC), '[]')::text FROM"
     " (SELECT * FROM audit_checkpoints ORDER BY seq DESC LIMIT $1::int) k"},
    {"checkpoint_all",
     "SELECT coalesce(json_agg(json_build_object('seq', k.seq, 'hash', encode(k.hash, 'hex'),"
     " 'signed_at', " TS("k.signed_at") ", 'key_id', k.key_id, 'signature', k.signature,"
     " 'entry_hash', encode(a.hash, 'hex')) ORDER BY k.seq), '[]')::text"
     " FROM audit_checkpoints k LEFT JOIN audit_log a ON a.seq = k.seq"},
};
// clang-format on

void gk_db_checkpoints_register(void)
{
    gk_db_register(stmts, sizeof stmts / sizeof *stmts);
}

gk_tx_status gk_db_checkpoint_head(PGconn *c, long long *seq, char hash_hex[65], char now[32])
{
    PGresult *res = NULL;
    gk_tx_status s = gk_db_run(c, "checkpoint_head", 0, NULL, &res, NULL, NULL);
    if (s != GK_TX_OK) return s;
    if (PQntuples(res) != 1) {
        PQclear(res);
        return GK_TX_HARD;
    }
    *seq = atoll(PQgetvalue(res, 0, 0));
    snprintf(hash_hex, 65, "%s", PQgetvalue(res, 0, 1));
    snprintf(now, 32, "%s", PQgetvalue(res, 0, 2));
    PQclear(res);
    return GK_TX_OK;
}

gk_tx_status gk_db_checkpoint_insert(PGconn *c, long long seq, const char *hash_hex,
                                     const char *signed_at, const char *key_id,
                                     const char *signature, bool *stored)
{
    char sq[24];
    snprintf(sq, sizeof sq, "%lld", seq);
    const char *v[] = {sq, hash_hex, signed_at, key_id, signature};
    PGresult *res = NULL;
    gk_tx_status s = gk_db_run(c, "checkpoint_insert", 5, v, &res, NULL, NULL);
    if (s != GK_TX_OK) return s;
    *stored = atoi(PQcmdTuples(res)) == 1;
    PQclear(res);
    return GK_TX_OK;
}

gk_tx_status gk_db_checkpoint_list(PGconn *c, int limit, json_t **items)
{
    char l[16];
    snprintf(l, sizeof l, "%d", limit);
    const char *v[] = {l};
    return gk_db_run_json(c, "checkpoint_list", 1, v, items, NULL, NULL);
}

gk_tx_status gk_db_checkpoint_all(PGconn *c, json_t **items)
{
    return gk_db_run_json(c, "checkpoint_all", 0, NULL, items, NULL, NULL);
}
