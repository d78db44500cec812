/* The transaction runner: BEGIN, the caller's callback, COMMIT; retried from the start on
 * serialization failure (40001) and deadlock (40P01), so callbacks must be idempotent up to
 * the commit: they build their reply into their context and the handler sends it only after
 * gk_tx_run returns GK_TX_OK or GK_TX_ABORT. */
#ifndef GK_DB_TX_H
#define GK_DB_TX_H

#include "errors.h"

#include <libpq-fe.h>

typedef enum {
    GK_TX_OK,          /* committed */
    GK_TX_ABORT,       /* the callback chose to roll back (a business rule said no) */
    GK_TX_SOFT,        /* retryable failure: serialization/deadlock (the runner retries) */
    GK_TX_HARD,        /* unexpected database error: a bug, answer 500 */
    GK_TX_UNAVAILABLE, /* the connection broke or the database is down: answer 503 */
} gk_tx_status;

typedef enum { GK_TX_READ_COMMITTED, GK_TX_REPEATABLE_READ, GK_TX_SERIALIZABLE } gk_tx_isolation;

typedef gk_tx_status (*gk_tx_fn)(PGconn *c, void *ctx);

/* Run fn in one transaction on this thread's primary connection, retrying soft failures up
 * to 5 times. A connection that broke before the first statement (the database restarted
 * since the last request) is re-opened and the transaction tried again once. */
gk_tx_status gk_tx_run(gk_tx_isolation iso, gk_tx_fn fn, void *ctx);

/* Classify a statement's result inside a callback: GK_TX_OK for success, else the status
 * to return from the callback (SOFT, HARD or UNAVAILABLE when r is NULL). Logs HARD errors
 * ("bug", naming the constraint when one refused). The same as gk_db_classify (db/run.h)
 * for a caller that expects no refusal. */
gk_tx_status gk_tx_check(const PGresult *r, const char *what);

unsigned long gk_tx_retries(void);

/* The error to answer for a transaction that did not commit for a technical reason:
 * UNAVAILABLE (503) when the database could not be reached, INTERNAL (500) otherwise. */
gk_error gk_tx_error(gk_tx_status s);

#endif
