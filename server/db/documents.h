/* Documents in PostgreSQL (schema/0007_documents.sql): the file as ordered chunks of at most
 * GK_DOC_CHUNK bytes, then the documents row with the final size and SHA-256, all in ONE
 * transaction (the chunk -> document key is deferred, so chunks may come first). The
 * caller owns the connection and the transaction: an upload uses a dedicated connection
 * (db.h) because its transaction spans many event-loop turns.
 *
 * Errors: GK_TX_ABORT with *e (and the field) when a schema rule refused the write (a locked
 * document, a closed application: GK_ERR_CONFLICT), else the status of gk_tx_check. */
#ifndef GK_DB_DOCUMENTS_H
#define GK_DB_DOCUMENTS_H

#include "db/tx.h"
#include "errors.h"

#include <jansson.h>
#include <libpq-fe.h>
#include <stdbool.h>
#include <stdint.h>

/* Bytes per stored chunk: the most an upload holds in memory at once. */
#define GK_DOC_CHUNK (256 * 1024)

typedef struct {
    const char *id, *application_id, *kind, *filename, *content_type;
    uint64_t size;
    const char *sha256_hex;
    const char *confidentiality;    /* public | confidential_until | confidential */
    const char *confidential_until; /* YYYY-MM-DD or NULL */
    const char *uploaded_by;
} gk_doc_meta;

void gk_db_documents_register(void);

/* A fresh document id (before its chunks are written). */
gk_tx_status gk_db_doc_new_id(PGconn *c, char id_out[37]);

/* Chunk `seq` (0, 1, 2 ...) of document `id`: 1..GK_DOC_CHUNK bytes. */
gk_tx_status gk_db_doc_chunk_put(PGconn *c, const char *id, int seq, const char *data, size_t n);

/* The documents row, after every chunk. */
gk_tx_status gk_db_doc_insert(PGconn *c, const gk_doc_meta *m, gk_error *e, const char **field);

/* The application's documents, oldest first: [{id, kind, filename, content_type, size,
 * sha256, confidentiality, uploaded_at, uploaded_by, locked}]. */
gk_tx_status gk_db_doc_list(PGconn *c, const char *application_id, json_t **items);

/* One document's metadata (same object), NULL when the application has no such document. */
gk_tx_status gk_db_doc_get(PGconn *c, const char *application_id, const char *id, json_t **out);

/* Chunk `seq` of a document in binary form (caller PQclear's; 0 rows past the end). NULL
 * when the connection broke. */
PGresult *gk_db_doc_chunk_get(PGconn *c, const char *id, int seq);

/* The status of the application (status[0] == 0 when there is none, or it is not org_id's:
 * NULL = any), locked FOR UPDATE when `lock`. c NULL gives GK_TX_UNAVAILABLE. */
gk_tx_status gk_db_doc_app_status(PGconn *c, const char *app_id, const char *org_id, bool lock,
                                  char status[20]);

/* An upload's transaction on its dedicated connection. */
gk_tx_status gk_db_doc_begin(PGconn *c);
gk_tx_status gk_db_doc_commit(PGconn *c);
void gk_db_doc_rollback(PGconn *c);

/* Deletes an unlocked (draft) document of the application; *deleted false when there was
 * none (issue 20). Inside the caller's transaction, the case locked first. */
gk_tx_status gk_db_doc_delete(PGconn *c, const char *application_id, const char *id, bool *deleted);

#endif
