/* The one statement runner. Every statement of db/ goes through it: a registered statement
 * (by name) or plain SQL assembled from fixed fragments, run with the pool's reconnect and
 * replica rules (db/db.h), its failure classified once:
 *   - success: GK_TX_OK (and the result when the caller asked for it);
 *   - the connection broke: GK_TX_UNAVAILABLE (503);
 *   - serialization failure or deadlock: GK_TX_SOFT (gk_tx_run retries);
 *   - a named constraint of the schema refused the row: looked up in the constraint
 *     catalogue (db/constraints.def). A constraint mapped to an error gives GK_TX_ABORT with
 *     *e and *field set, when the caller passed e (it expects refusals). A BACKSTOP
 *     constraint (the service checks that rule first), a constraint missing from the
 *     catalogue, or a refusal the caller did not expect is our bug: GK_TX_HARD (500) and a
 *     log line with level "bug" naming the constraint;
 *   - a value its column's type refuses (22P02 invalid text, 22001 too long) is an input
 *     error when the caller expects refusals: GK_TX_ABORT with GK_ERR_VALIDATION, no field;
 *   - anything else: GK_TX_HARD with a "bug" log line.
 * Multi-statement work runs in one transaction of gk_tx_run (db/tx.h); gk_db_run_steps is
 * the short form for a fixed list of statements. */
#ifndef GK_DB_RUN_H
#define GK_DB_RUN_H

#include "db/db.h"
#include "db/tx.h"
#include "errors.h"

#include <jansson.h>
#include <libpq-fe.h>
#include <stdbool.h>
#include <stddef.h>

/* Run q. On GK_TX_OK *out (when out is not NULL) is the result the caller PQclear's; on any
 * other status nothing is left to free. e and field may be NULL (no refusal expected). */
gk_tx_status gk_db_run_q(PGconn *c, const gk_db_query *q, PGresult **out, gk_error *e,
                         const char **field);

/* The common case: a registered statement with text values. */
gk_tx_status gk_db_run(PGconn *c, const char *name, int n, const char *const *values,
                       PGresult **out, gk_error *e, const char **field);
/* Plain SQL (never built from input: pass input as values). */
gk_tx_status gk_db_run_sql(PGconn *c, const char *sql, int n, const char *const *values,
                           PGresult **out, gk_error *e, const char **field);
/* A statement whose first row's first column is JSON text: *out is a new reference, NULL
 * when there is no row or the value is NULL. Text that is not JSON is GK_TX_HARD. */
gk_tx_status gk_db_run_json(PGconn *c, const char *name, int n, const char *const *values,
                            json_t **out, gk_error *e, const char **field);
/* One page of a keyset-paginated list: the statement returns one JSON object with an "id"
 * per row and was asked for limit + 1 rows. *items (a new array) holds the first limit
 * objects; *next (malloc'd) is the last one's id when there are more, else NULL. On any
 * other status than GK_TX_OK both stay NULL. */
gk_tx_status gk_db_run_page(PGconn *c, const char *name, int n, const char *const *values,
                            int limit, json_t **items, char **next);
/* The text of (row, col) into dst of n bytes, cut to fit; "" for NULL. */
void gk_db_text(char *dst, size_t n, const PGresult *r, int row, int col);

/* A text column read into a struct's char array member: GK_DB_COL(type, member). */
typedef struct {
    size_t offset, size;
} gk_db_col;
#define GK_DB_COL(T, member)                                                                       \
    {                                                                                              \
        offsetof(T, member), sizeof((T *)0)->member                                                \
    }

/* A statement of at most one row, by one key, whose columns are text: *out (size bytes) is
 * zeroed, then column i goes into cols[i]. *found (it may lie in *out) says whether there
 * was a row. */
gk_tx_status gk_db_read_row(PGconn *c, const char *name, const char *key, void *out, size_t size,
                            const gk_db_col *cols, size_t n_cols, bool *found);

/* A statement that must change exactly one row: GK_TX_ABORT with GK_ERR_CONFLICT when it
 * changed none (the row is not in the state the statement's WHERE asks for). */
gk_tx_status gk_db_run_one(PGconn *c, const char *name, int n, const char *const *values,
                           gk_error *e, const char **field);

/* Whether a failed result is a refusal the client can fix (a MAPPED constraint, 22P02,
 * 22001): then *e and *field (when not NULL) say which. Logs nothing. */
bool gk_db_refusal(const PGresult *res, gk_error *e, const char **field);
/* Classify a failed (or NULL) result as described above, logging bugs; `what` names the
 * statement in the log. Never GK_TX_OK for a failed result. The caller still owns res. */
gk_tx_status gk_db_classify(const PGresult *res, const char *what, gk_error *e, const char **field);

/* ---- the constraint catalogue (db/constraints.def) ---- */

typedef enum {
    GK_DB_CONS_UNKNOWN, /* not in the catalogue: a bug (answer 500) */
    GK_DB_CONS_MAPPED,  /* an input or state the client can fix: err + field */
    GK_DB_CONS_BACKSTOP /* the service checks first: hitting it is a bug (500) */
} gk_db_cons_kind;

typedef struct {
    const char *name;
    gk_db_cons_kind kind;
    gk_error err;      /* MAPPED only */
    const char *field; /* MAPPED only; may be NULL (the refusal is about no one input) */
} gk_db_constraint;

/* The entry for a constraint name; NULL when the catalogue does not know it. */
const gk_db_constraint *gk_db_constraint_find(const char *name);
/* The whole catalogue (for the test that checks it against schema/). */
const gk_db_constraint *gk_db_constraints(size_t *n);

/* ---- streaming reads ---- */

/* A server-side cursor over plain SQL on a connection of its own (gk_db_open_dedicated);
 * cur->conn is c after open whatever it returned, so the caller hands it back from there:
 * open runs BEGIN (REPEATABLE READ READ ONLY: every batch sees one snapshot) and DECLARE;
 * fetch returns the next batch (fewer rows than asked: the last one); close ends the
 * transaction. The cursor's name is a fixed identifier of the caller, never input. */
typedef struct {
    PGconn *conn;
    const char *name;
    bool open;
} gk_db_cursor;

gk_tx_status gk_db_cursor_open(gk_db_cursor *cur, PGconn *c, const char *name, const char *sql,
                               int n, const char *const *values);
/* On GK_TX_OK *out is the batch (caller PQclear's). */
gk_tx_status gk_db_cursor_fetch(gk_db_cursor *cur, int rows, PGresult **out);
/* CLOSE and COMMIT when open; safe to call twice. */
gk_tx_status gk_db_cursor_close(gk_db_cursor *cur);

/* COPY (query) TO STDOUT: start it (no parameters: COPY takes none), then pull rows.
 * gk_db_copy_next gives 1 with *buf and *len (free with PQfreemem) per row, 0 at the end,
 * -1 on failure (logged). The connection is busy until next returned 0 or -1. */
gk_tx_status gk_db_copy_begin(PGconn *c, const char *sql);
int gk_db_copy_next(PGconn *c, char **buf, int *len);

/* ---- transactions ---- */

/* One statement of a fixed list. */
typedef struct {
    const char *name;
    int n;
    const char *const *values;
} gk_db_step;

/* Run every step in order in one transaction (gk_tx_run), then `then` (may be NULL: e.g.
 * the audit entry) in the same transaction. A refused step rolls back: GK_TX_ABORT with *e
 * and *field. */
gk_tx_status gk_db_run_steps(gk_tx_isolation iso, const gk_db_step *steps, size_t n, gk_tx_fn then,
                             void *then_ctx, gk_error *e, const char **field);

/* ---- the readiness probe ---- */

void gk_db_run_register(void);
/* Whether the server behind c answers a trivial statement (false for NULL). */
bool gk_db_ping(PGconn *c);

#endif
