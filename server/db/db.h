/* The database access layer: one PostgreSQL connection per worker thread, statements prepared
 * on connect, reconnection after the server restarts, and parameter helpers.
 *
 * Every SQL statement the server runs is registered here by name (gk_db_register) before
 * serve starts; a connection prepares all of them when it is opened, so requests only send
 * Bind/Execute. Statements are parameterised: never build SQL from input. */
#ifndef GK_DB_H
#define GK_DB_H

#include <libpq-fe.h>
#include <stdbool.h>
#include <stddef.h>

typedef struct {
    const char *name; /* unique, e.g. "app_get" */
    const char *sql;  /* with $1..$n */
} gk_stmt;

/* Register a table of statements (static storage; not copied). Call before gk_db_init. */
void gk_db_register(const gk_stmt *stmts, size_t n);

/* conninfo is kept (copied). read_conninfo may be NULL (then reads go to the primary). */
int gk_db_init(const char *conninfo, const char *read_conninfo);
void gk_db_shutdown(void);

/* This thread's connection, connected and prepared; NULL when the database is unreachable
 * (caller answers 503). A broken connection is re-opened at most once a second per thread. */
PGconn *gk_db_conn(void);
/* Read-only connection (replica when configured and healthy, else primary). */
PGconn *gk_db_read_conn(void);
/* Mark this thread's connection broken after a failed query (it is re-opened next time). */
void gk_db_conn_failed(PGconn *c);

/* Execute a registered statement. Values are text (NULL = SQL NULL). Returns the result
 * (caller PQclear's) or NULL with the connection marked for reconnect when it broke. */
PGresult *gk_db_exec(PGconn *c, const char *name, int n, const char *const *values);
/* Like gk_db_exec, but with some parameters binary (lengths/formats as for PQexecPrepared). */
PGresult *gk_db_exec_bin(PGconn *c, const char *name, int n, const char *const *values,
                         const int *lengths, const int *formats);

/* Result status helpers. */
bool gk_db_ok(const PGresult *r); /* COMMAND_OK or TUPLES_OK */
/* The SQLSTATE of a failed result ("" when none). */
const char *gk_db_sqlstate(const PGresult *r);

/* Counters for /metrics. */
unsigned long gk_db_reconnects(void);
unsigned long gk_db_connect_failures(void);

#endif
