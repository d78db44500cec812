/* Requests for information in PostgreSQL: the examiner's questions on a case with the
 * applicant's answers (info_requests, info_request_documents). Functions run on the
 * connection given, inside the caller's transaction (db/tx.h); statuses as in
 * db/applications.h. */
#ifndef GK_DB_INFO_REQUESTS_H
#define GK_DB_INFO_REQUESTS_H

#include "db/tx.h"
#include "errors.h"

#include <jansson.h>
#include <libpq-fe.h>

void gk_db_info_requests_register(void);

/* The questions of a case, oldest first, each with its answer: [{id, message, asked_by,
 * asked_by_name, asked_at, open, response}] (new reference in *items). */
gk_tx_status gk_db_ir_list(PGconn *c, const char *app_id, json_t **items);

/* Record the answer to the open request `rid` of the case and link the documents (ids of
 * the same case; a JSON array or NULL). Call after locking the case and before its status
 * changes. GK_TX_ABORT with *e: GK_ERR_NOT_FOUND (no such request), GK_ERR_CONFLICT
 * (already answered), or a schema rule's error with *field ("message", "document_ids"). */
gk_tx_status gk_db_ir_answer(PGconn *c, const char *app_id, const char *rid, const char *message,
                             const char *user_id, json_t *document_ids, gk_error *e,
                             const char **field);

#endif
