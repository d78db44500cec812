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
/* Read-only connection: the replica when configured and healthy, else the primary. Only for
 * pages that may lag the primary by a moment (public search, certificate pages, exports,
 * feed, stats); whatever a user just wrote is read with gk_db_conn, so nobody's own
 * application "vanishes" after a submit. */
PGconn *gk_db_read_conn(void);
/* Mark this thread's connection broken after a failed query (it is re-opened next time). */
void gk_db_conn_failed(PGconn *c);

/* A connection of its own for work that spans many event-loop turns (a streamed upload in
 * one transaction, an export read through a cursor): the worker's own connection must stay
 * free for the other requests of its thread. At most `max_dedicated` exist at once (the
 * caller gets NULL beyond, and answers 503). Prepared like the others. read_only picks the
 * replica when configured. */
PGconn *gk_db_open_dedicated(bool read_only);
void gk_db_close_dedicated(PGconn *c);
void gk_db_set_max_dedicated(unsigned n);
/* Of the max_dedicated connections, `reserved` are only for read_only callers (issue 18 item
 * 6): writers (uploads) get NULL once max_dedicated - reserved of them are open, so a flood
 * of uploads never takes the connections exports and other reads need. Default 4. */
void gk_db_set_read_reserved(unsigned reserved);

/* Execute a registered statement. Values are text (NULL = SQL NULL). Returns the result
 * (caller PQclear's) or NULL with the connection marked for reconnect when it broke. */
PGresult *gk_db_exec(PGconn *c, const char *name, int n, const char *const *values);
/* Like gk_db_exec, but with some parameters binary (lengths/formats as for PQexecPrepared). */
PGresult *gk_db_exec_bin(PGconn *c, const char *name, int n, const char *const *values,
                         const int *lengths, const int *formats);

/* One statement to send: a registered one (name) or SQL text (sql, when name is NULL), with
 * parameters (lengths/formats as for PQexecPrepared; NULL for all-text). */
typedef struct {
    const char *name;
    const char *sql;
    int n;
    const char *const *values;
    const int *lengths, *formats;
} gk_db_query;

/* Send q with the reconnect and replica rules of gk_db_exec_bin. The statement runner
 * (db/run.h) is built on this; prefer it, it classifies failures. */
PGresult *gk_db_exec_q(PGconn *c, const gk_db_query *q);

/* A statement that cannot be prepared in advance (SQL assembled from a fixed set of fragments,
 * e.g. the registry search): PQexecParams with text parameters, with the same contract as
 * gk_db_exec (NULL when the connection broke) and the same replica fallback. Never put input
 * into sql; pass it as values. */
PGresult *gk_db_exec_sql(PGconn *c, const char *sql, int n, const char *const *values);

/* Result status helpers. */
bool gk_db_ok(const PGresult *r); /* COMMAND_OK or TUPLES_OK */
/* The SQLSTATE of a failed result ("" when none). */
const char *gk_db_sqlstate(const PGresult *r);

/* Replica health (GITEKI_READ_DATABASE_URL). When the replica cannot be reached (connect
 * failure, a socket the server closed, a statement finding the server gone while idle), every
 * thread of this process reads from the primary for GK_DB_REPLICA_RETRY_SECONDS, then tries
 * the replica again: the server survives the replica going away. A statement that finds the
 * replica gone outside a transaction is re-run on the primary by gk_db_exec_bin; inside a
 * transaction it fails as usual (NULL). */
#define GK_DB_REPLICA_RETRY_SECONDS 5
typedef enum {
    GK_DB_REPLICA_NOT_CONFIGURED, /* no GITEKI_READ_DATABASE_URL: reads go to the primary */
    GK_DB_REPLICA_OK,             /* last use or attempt succeeded (or none failed yet) */
    GK_DB_REPLICA_UNAVAILABLE,    /* last attempt failed: reads go to the primary */
} gk_db_replica;
gk_db_replica gk_db_replica_state(void);
/* "not_configured", "ok", "unavailable" (static strings, for /readyz). */
const char *gk_db_replica_state_name(gk_db_replica s);
/* Whether c is this thread's replica connection (so a probe knows what it reached). */
bool gk_db_is_replica(const PGconn *c);
/* Reads served by the primary because the replica was unavailable. */
unsigned long gk_db_replica_fallbacks(void);

/* Counters for /metrics. */
unsigned long gk_db_reconnects(void);
unsigned long gk_db_connect_failures(void);

#endif
