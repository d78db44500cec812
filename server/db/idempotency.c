#include "db/idempotency.h"

#include "db/run.h"
#include "log.h"
#include "util/hex.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const gk_stmt stmts[] = {
    {"idem_get", "SELECT encode(request_hash, 'hex'), response_status, response_content_type,"
                 " response_location, response_body FROM idempotency_keys"
                 " WHERE user_id = $1 AND key = $2"},
    {"idem_put", "INSERT INTO idempotency_keys (user_id, key, request_hash, response_status,"
                 " response_content_type, response_location, response_body)"
                 " VALUES ($1, $2, decode($3, 'hex'), $4, 'application/json', $5, $6)"},
};

void gk_db_idem_register(void)
{
    gk_db_register(stmts, sizeof stmts / sizeof *stmts);
}

gk_tx_status gk_db_idem_get(PGconn *c, const char *user_id, const char *key, gk_db_idem_row *out)
{
    memset(out, 0, sizeof *out);
    const char *v[] = {user_id, key};
    PGresult *res = NULL;
    gk_tx_status s = gk_db_run(c, "idem_get", 2, v, &res, NULL, NULL);
    if (s != GK_TX_OK) return s;
    out->res = res;
    if (PQntuples(res) != 1) return GK_TX_OK;
    out->found = true;
    const char *hex = PQgetvalue(res, 0, 0);
    if (!gk_hex_decode(hex, strlen(hex), out->hash, sizeof out->hash, &out->hash_len))
        out->hash_len = 0;
    out->status = (unsigned)atoi(PQgetvalue(res, 0, 1));
    out->content_type = PQgetvalue(res, 0, 2);
    out->location = PQgetisnull(res, 0, 3) ? NULL : PQgetvalue(res, 0, 3);
    out->body = PQgetvalue(res, 0, 4);
    return GK_TX_OK;
}

void gk_db_idem_row_free(gk_db_idem_row *row)
{
    if (row->res) PQclear(row->res);
    memset(row, 0, sizeof *row);
}

gk_tx_status gk_db_idem_put(PGconn *c, const char *user_id, const char *key,
                            const unsigned char hash[GK_DB_IDEM_HASH_LEN], unsigned status,
                            const char *location, const char *body)
{
    char hex[2 * GK_DB_IDEM_HASH_LEN + 1], st[12];
    gk_hex_encode(hash, GK_DB_IDEM_HASH_LEN, hex, sizeof hex);
    snprintf(st, sizeof st, "%u", status);
    const char *v[] = {user_id, key, hex, st, location, body};
    gk_error e = GK_ERR_OK;
    gk_tx_status s = gk_db_run(c, "idem_put", 6, v, NULL, &e, NULL);
    if (s == GK_TX_ABORT && e == GK_ERR_ALREADY_EXISTS) return GK_TX_SOFT;
    if (s == GK_TX_ABORT) {
        /* Only the key's uniqueness is a refusal here; the rest is checked before. */
        gk_log("bug", "idempotency key refused", json_pack("{s:s}", "error", gk_error_code(e)));
        return GK_TX_HARD;
    }
    return s;
}
