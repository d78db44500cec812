#include "db/documents.h"

#include "db/applications.h"
#include "db/db.h"

#include <stdio.h>
#include <string.h>

#define DOC_JSON                                                                                   \
    "jsonb_build_object('id', d.id, 'kind', d.kind, 'filename', d.filename,"                       \
    " 'content_type', d.content_type, 'size', d.size, 'sha256', encode(d.sha256, 'hex'),"          \
    " 'confidentiality', CASE d.confidentiality WHEN 'confidential_until'"                         \
    "   THEN 'confidential_until:' || to_char(d.confidential_until, 'YYYY-MM-DD')"                 \
    "   ELSE d.confidentiality END,"                                                               \
    " 'uploaded_at', to_char(d.uploaded_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')," \
    " 'uploaded_by', d.uploaded_by, 'locked', d.locked_at IS NOT NULL)"

static const gk_stmt stmts[] = {
    {"doc_new_id", "SELECT gen_random_uuid()"},
    {"doc_chunk_put", "INSERT INTO document_chunks (document_id, seq, data) VALUES ($1, $2, $3)"},
    {"doc_insert",
     "INSERT INTO documents (id, application_id, kind, filename, content_type, size, sha256,"
     " confidentiality, confidential_until, uploaded_by)"
     " VALUES ($1, $2, $3, $4, $5, $6, decode($7, 'hex'), $8, $9, $10)"},
    {"doc_list", "SELECT coalesce(jsonb_agg(" DOC_JSON " ORDER BY d.uploaded_at, d.id),"
                 " '[]'::jsonb)::text FROM documents d WHERE d.application_id = $1"},
    {"doc_get", "SELECT " DOC_JSON "::text FROM documents d"
                " WHERE d.application_id = $1 AND d.id = $2"},
    {"doc_chunk_get", "SELECT data FROM document_chunks WHERE document_id = $1 AND seq = $2"},
    {"doc_app_state", "SELECT status FROM applications WHERE id = $1"
                      " AND ($2::uuid IS NULL OR organization_id = $2)"},
    {"doc_app_lock", "SELECT status FROM applications WHERE id = $1"
                     " AND ($2::uuid IS NULL OR organization_id = $2) FOR UPDATE"},
    /* issue 20: a draft's document deleted (its chunks go with it, ON DELETE CASCADE) */
    {"doc_delete", "DELETE FROM documents WHERE application_id = $1 AND id = $2"
                   " AND locked_at IS NULL RETURNING filename"},
};

void gk_db_documents_register(void)
{
    gk_db_register(stmts, sizeof stmts / sizeof *stmts);
}

gk_tx_status gk_db_doc_new_id(PGconn *c, char id_out[37])
{
    PGresult *res = gk_db_exec(c, "doc_new_id", 0, NULL);
    gk_tx_status s = gk_tx_check(res, "doc_new_id");
    if (s == GK_TX_OK) snprintf(id_out, 37, "%s", PQgetvalue(res, 0, 0));
    if (res) PQclear(res);
    return s;
}

gk_tx_status gk_db_doc_chunk_put(PGconn *c, const char *id, int seq, const char *data, size_t n)
{
    char sq[16];
    snprintf(sq, sizeof sq, "%d", seq);
    const char *v[] = {id, sq, data};
    const int lens[] = {0, 0, (int)n};
    const int fmts[] = {0, 0, 1};
    PGresult *res = gk_db_exec_bin(c, "doc_chunk_put", 3, v, lens, fmts);
    gk_tx_status s = gk_tx_check(res, "doc_chunk_put");
    if (res) PQclear(res);
    return s;
}

gk_tx_status gk_db_doc_insert(PGconn *c, const gk_doc_meta *m, gk_error *e, const char **field)
{
    char size[24];
    snprintf(size, sizeof size, "%llu", (unsigned long long)m->size);
    const char *v[] = {m->id,         m->application_id,  m->kind,
                       m->filename,   m->content_type,    size,
                       m->sha256_hex, m->confidentiality, m->confidential_until,
                       m->uploaded_by};
    PGresult *res = gk_db_exec(c, "doc_insert", 10, v);
    if (res && !gk_db_ok(res) && gk_db_app_map_error(res, e, field)) {
        PQclear(res);
        return GK_TX_ABORT;
    }
    gk_tx_status s = gk_tx_check(res, "doc_insert");
    if (res) PQclear(res);
    return s;
}

static gk_tx_status json_result(PGconn *c, const char *name, int n, const char *const *v,
                                json_t **out)
{
    *out = NULL;
    PGresult *res = gk_db_exec(c, name, n, v);
    gk_tx_status s = gk_tx_check(res, name);
    if (s == GK_TX_OK && PQntuples(res) >= 1 && !PQgetisnull(res, 0, 0)) {
        *out = json_loads(PQgetvalue(res, 0, 0), 0, NULL);
        if (!*out) s = GK_TX_HARD;
    }
    if (res) PQclear(res);
    return s;
}

gk_tx_status gk_db_doc_list(PGconn *c, const char *application_id, json_t **items)
{
    const char *v[] = {application_id};
    return json_result(c, "doc_list", 1, v, items);
}

gk_tx_status gk_db_doc_get(PGconn *c, const char *application_id, const char *id, json_t **out)
{
    const char *v[] = {application_id, id};
    return json_result(c, "doc_get", 2, v, out);
}

PGresult *gk_db_doc_chunk_get(PGconn *c, const char *id, int seq)
{
    char sq[16];
    snprintf(sq, sizeof sq, "%d", seq);
    const char *v[] = {id, sq};
    PGresult *res = PQexecPrepared(c, "doc_chunk_get", 2, v, NULL, NULL, 1);
    if (res && gk_db_ok(res)) return res;
    if (res) PQclear(res);
    return NULL;
}

gk_tx_status gk_db_doc_app_status(PGconn *c, const char *app_id, const char *org_id, bool lock,
                                  char status[20])
{
    status[0] = '\0';
    const char *name = lock ? "doc_app_lock" : "doc_app_state";
    const char *v[] = {app_id, org_id};
    PGresult *res = c ? gk_db_exec(c, name, 2, v) : NULL;
    gk_tx_status s = c ? gk_tx_check(res, name) : GK_TX_UNAVAILABLE;
    if (s == GK_TX_OK && PQntuples(res) == 1) snprintf(status, 20, "%s", PQgetvalue(res, 0, 0));
    if (res) PQclear(res);
    return s;
}

/* The upload's own transaction on its dedicated connection (not gk_tx_run: it spans many
 * event-loop turns). */
static gk_tx_status plain(PGconn *c, const char *sql)
{
    PGresult *res = PQexec(c, sql);
    gk_tx_status s = gk_tx_check(res, sql);
    if (res) PQclear(res);
    return s;
}

gk_tx_status gk_db_doc_begin(PGconn *c)
{
    return plain(c, "BEGIN ISOLATION LEVEL READ COMMITTED");
}

gk_tx_status gk_db_doc_commit(PGconn *c)
{
    return plain(c, "COMMIT");
}

void gk_db_doc_rollback(PGconn *c)
{
    (void)plain(c, "ROLLBACK");
}

gk_tx_status gk_db_doc_delete(PGconn *c, const char *application_id, const char *id, bool *deleted)
{
    *deleted = false;
    const char *v[] = {application_id, id};
    PGresult *res = gk_db_exec(c, "doc_delete", 2, v);
    gk_tx_status s = gk_tx_check(res, "doc_delete");
    if (s == GK_TX_OK) *deleted = PQntuples(res) == 1;
    if (res) PQclear(res);
    return s;
}
