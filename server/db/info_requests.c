#include "db/info_requests.h"

#include "db/applications.h"
#include "db/db.h"

#include <stdbool.h>
#include <string.h>

static const gk_stmt stmts[] = {
    {"ir_list",
     "SELECT coalesce(jsonb_agg(jsonb_build_object('id', q.id, 'message', q.message,"
     " 'asked_by', q.asked_by, 'asked_by_name', ua.name,"
     " 'asked_at', to_char(q.asked_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'),"
     " 'open', q.responded_at IS NULL,"
     " 'response', CASE WHEN q.responded_at IS NULL THEN NULL ELSE jsonb_build_object("
     "   'message', q.response_message, 'responded_by', q.responded_by,"
     "   'responded_at', to_char(q.responded_at AT TIME ZONE 'UTC',"
     "     'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'),"
     "   'document_ids', coalesce((SELECT jsonb_agg(x.document_id ORDER BY x.document_id)"
     "     FROM info_request_documents x WHERE x.info_request_id = q.id), '[]'::jsonb)) END)"
     " ORDER BY q.asked_at, q.id), '[]'::jsonb)::text"
     " FROM info_requests q JOIN users ua ON ua.id = q.asked_by WHERE q.application_id = $1"},
    {"ir_state", "SELECT responded_at IS NOT NULL FROM info_requests"
                 " WHERE id = $1 AND application_id = $2 FOR UPDATE"},
    {"ir_answer", "UPDATE info_requests SET response_message = $3, responded_by = $4,"
                  " responded_at = greatest(now(), asked_at)"
                  " WHERE id = $1 AND application_id = $2 AND responded_at IS NULL"},
    {"ir_doc", "INSERT INTO info_request_documents (info_request_id, application_id,"
               " document_id) VALUES ($1, $2, $3)"},
};

void gk_db_info_requests_register(void)
{
    gk_db_register(stmts, sizeof stmts / sizeof *stmts);
}

static gk_tx_status exec(PGconn *c, const char *name, int n, const char *const *v, PGresult **out,
                         gk_error *e, const char **field)
{
    PGresult *res = gk_db_exec(c, name, n, v);
    if (res && !gk_db_ok(res) && gk_db_app_map_error(res, e, field)) {
        PQclear(res);
        return GK_TX_ABORT;
    }
    gk_tx_status s = gk_tx_check(res, name);
    if (s == GK_TX_OK && out)
        *out = res;
    else if (res)
        PQclear(res);
    return s;
}

gk_tx_status gk_db_ir_list(PGconn *c, const char *app_id, json_t **items)
{
    *items = NULL;
    const char *v[] = {app_id};
    PGresult *res = c ? gk_db_exec(c, "ir_list", 1, v) : NULL;
    gk_tx_status s = c ? gk_tx_check(res, "ir_list") : GK_TX_UNAVAILABLE;
    if (s == GK_TX_OK && !(*items = json_loads(PQgetvalue(res, 0, 0), 0, NULL))) s = GK_TX_HARD;
    if (res) PQclear(res);
    return s;
}

gk_tx_status gk_db_ir_answer(PGconn *c, const char *app_id, const char *rid, const char *message,
                             const char *user_id, json_t *document_ids, gk_error *e,
                             const char **field)
{
    *field = NULL;
    const char *v[] = {rid, app_id};
    PGresult *res = NULL;
    gk_tx_status s = exec(c, "ir_state", 2, v, &res, e, field);
    if (s != GK_TX_OK) return s;
    int n = PQntuples(res);
    bool answered = n == 1 && PQgetvalue(res, 0, 0)[0] == 't';
    PQclear(res);
    if (n != 1 || answered) {
        *e = n != 1 ? GK_ERR_NOT_FOUND : GK_ERR_CONFLICT;
        return GK_TX_ABORT;
    }
    const char *va[] = {rid, app_id, message, user_id};
    s = exec(c, "ir_answer", 4, va, NULL, e, field);
    if (s == GK_TX_ABORT && !*field) *field = "message";
    size_t i;
    json_t *d;
    json_array_foreach(document_ids, i, d)
    {
        if (s != GK_TX_OK) break;
        const char *doc = json_string_value(d);
        if (!gk_db_is_uuid(doc)) {
            *e = GK_ERR_VALIDATION;
            *field = "document_ids";
            return GK_TX_ABORT;
        }
        const char *vd[] = {rid, app_id, doc};
        s = exec(c, "ir_doc", 3, vd, NULL, e, field);
        if (s == GK_TX_ABORT) *field = "document_ids";
    }
    return s;
}
