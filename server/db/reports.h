/* Reports to the Minister (schema/0023_living_record.sql, gk_certification_report): the
 * events of a period, the submissions recorded, and what changed since the last submission
 * of the same period. Functions run in the caller's transaction or on a connection. */
#ifndef GK_DB_REPORTS_H
#define GK_DB_REPORTS_H

#include "db/tx.h"
#include "errors.h"

#include <jansson.h>
#include <libpq-fe.h>

void gk_db_reports_register(void);

/* {rows: [...], submitted: {...} | null, changed_since_submission: {added, removed} | null}
 * for the period from..to (YYYY-MM-DD, inclusive). */
gk_tx_status gk_db_report(PGconn *c, const char *from, const char *to, json_t **out);

/* Record the period's rows as submitted; *out: the submission ({id, from, to, reference,
 * submitted_at, submitted_by, submitted_by_name, row_count}). */
gk_tx_status gk_db_report_submit(PGconn *c, const char *from, const char *to, const char *reference,
                                 const char *user_id, json_t **out, gk_error *e);

/* Every submission, newest first (without the rows). */
gk_tx_status gk_db_report_submissions(PGconn *c, json_t **out);

#endif
