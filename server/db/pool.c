#include "db/db.h"

#include "log.h"

#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define MAX_GROUPS 64

static const gk_stmt *groups[MAX_GROUPS];
static size_t group_sizes[MAX_GROUPS];
static size_t ngroups;
static char *primary_conninfo, *read_conninfo;
static pthread_key_t tls_key;
static pthread_once_t key_once = PTHREAD_ONCE_INIT;
static atomic_ulong reconnects, connect_failures;

/* Replica health, shared by every thread: the first thread that finds the replica gone sends
 * all reads to the primary until replica_retry_at (seconds since the epoch); after that each
 * thread tries the replica again on its next read. replica_up starts true (nothing failed
 * yet; /readyz checks for real). */
static atomic_bool replica_up = true;
static atomic_llong replica_retry_at;
static atomic_ulong replica_fallbacks;

/* A thread's connection. The PGconn, once made, lives until the thread exits: after a
 * failure it is marked broken and re-opened in place (PQreset), so a pointer a handler still
 * holds never dangles. */
typedef struct {
    PGconn *conn;
    time_t last_attempt;
    bool was_connected;
    bool broken;
    unsigned long fail_gen; /* connect_successes when this slot last failed to connect */
} slot;

/* Successful (re)connections of any thread: once one thread got through after an outage, the
 * others try again at once instead of waiting out their one-attempt-a-second pause. */
static atomic_ulong connect_successes;

typedef struct {
    slot primary, read;
} thread_conns;

void gk_db_register(const gk_stmt *stmts, size_t n)
{
    if (ngroups < MAX_GROUPS) {
        groups[ngroups] = stmts;
        group_sizes[ngroups++] = n;
    } else {
        gk_log("bug", "too many statement groups", NULL);
    }
}

static void free_conns(void *p)
{
    thread_conns *t = p;
    if (t->primary.conn) PQfinish(t->primary.conn);
    if (t->read.conn) PQfinish(t->read.conn);
    free(t);
}

static void make_key(void)
{
    pthread_key_create(&tls_key, free_conns);
}

int gk_db_init(const char *conninfo, const char *read_ci)
{
    pthread_once(&key_once, make_key);
    free(primary_conninfo);
    free(read_conninfo);
    primary_conninfo = strdup(conninfo);
    read_conninfo = read_ci ? strdup(read_ci) : NULL;
    return primary_conninfo && (!read_ci || read_conninfo) ? 0 : -1;
}

void gk_db_shutdown(void)
{
    thread_conns *t = pthread_getspecific(tls_key);
    if (t) {
        pthread_setspecific(tls_key, NULL);
        free_conns(t);
    }
    free(primary_conninfo);
    free(read_conninfo);
    primary_conninfo = read_conninfo = NULL;
}

static int prepare_all(PGconn *c)
{
    for (size_t g = 0; g < ngroups; g++) {
        for (size_t i = 0; i < group_sizes[g]; i++) {
            PGresult *r = PQprepare(c, groups[g][i].name, groups[g][i].sql, 0, NULL);
            if (PQresultStatus(r) != PGRES_COMMAND_OK) {
                gk_log("bug", "cannot prepare statement",
                       json_pack("{s:s, s:s}", "statement", groups[g][i].name, "error",
                                 PQresultErrorMessage(r)));
                PQclear(r);
                return -1;
            }
            PQclear(r);
        }
    }
    return 0;
}

static PGconn *open_conn(const char *conninfo)
{
    /* connect_timeout bounds a hang when the host is unreachable; statement_timeout bounds a
     * runaway query so one request cannot hold a worker for ever. */
    const char *keys[] = {"dbname", "connect_timeout", "application_name", "options", NULL};
    const char *vals[] = {conninfo, "3", "giteki", "-c statement_timeout=30000", NULL};
    PGconn *c = PQconnectdbParams(keys, vals, 1);
    if (!c || PQstatus(c) != CONNECTION_OK) {
        atomic_fetch_add(&connect_failures, 1);
        if (c) PQfinish(c);
        return NULL;
    }
    if (prepare_all(c)) {
        PQfinish(c);
        return NULL;
    }
    return c;
}

static thread_conns *conns(void)
{
    pthread_once(&key_once, make_key);
    thread_conns *t = pthread_getspecific(tls_key);
    if (!t) {
        t = calloc(1, sizeof *t);
        if (!t) return NULL;
        pthread_setspecific(tls_key, t);
    }
    return t;
}

static PGconn *slot_get(slot *s, const char *conninfo)
{
    if (s->conn && !s->broken && PQstatus(s->conn) == CONNECTION_OK) return s->conn;
    time_t now = time(NULL);
    /* At most one attempt a second per thread, unless another thread got through since. */
    if (s->last_attempt == now && atomic_load(&connect_successes) == s->fail_gen) return NULL;
    s->last_attempt = now;
    s->fail_gen = atomic_load(&connect_successes);
    if (!s->conn) {
        s->conn = open_conn(conninfo);
        if (!s->conn) return NULL;
    } else {
        PQreset(s->conn);
        if (PQstatus(s->conn) != CONNECTION_OK || prepare_all(s->conn) != 0) {
            atomic_fetch_add(&connect_failures, 1);
            s->broken = true;
            return NULL;
        }
    }
    atomic_fetch_add(&connect_successes, 1);
    s->broken = false;
    if (s->was_connected) atomic_fetch_add(&reconnects, 1);
    s->was_connected = true;
    return s->conn;
}

PGconn *gk_db_conn(void)
{
    thread_conns *t = conns();
    if (!t || !primary_conninfo) return NULL;
    return slot_get(&t->primary, primary_conninfo);
}

static void replica_mark_down(void)
{
    atomic_store(&replica_retry_at, (long long)time(NULL) + GK_DB_REPLICA_RETRY_SECONDS);
    if (atomic_exchange(&replica_up, false))
        gk_log("warn", "read replica unavailable: reading from the primary",
               json_pack("{s:i}", "retry_after_s", GK_DB_REPLICA_RETRY_SECONDS));
}

static void replica_mark_up(void)
{
    if (!atomic_load_explicit(&replica_up, memory_order_relaxed) &&
        !atomic_exchange(&replica_up, true))
        gk_log("info", "read replica available again", NULL);
}

static bool replica_waiting(void)
{
    return (long long)time(NULL) < atomic_load_explicit(&replica_retry_at, memory_order_relaxed);
}

/* Whether an idle connection still has its server. A server that went away (shut down,
 * crashed, failed over) leaves the socket readable with an error message or end-of-file,
 * which PQconsumeInput turns into CONNECTION_BAD: one poll(2), no round trip, so a read
 * goes to the primary at once instead of failing first. A silent network partition is not
 * seen here; the statement then fails and gk_db_exec_bin falls back. */
static bool conn_alive(PGconn *c)
{
    if (PQstatus(c) != CONNECTION_OK) return false;
    if (PQtransactionStatus(c) != PQTRANS_IDLE) return true;
    struct pollfd p = {.fd = PQsocket(c), .events = POLLIN};
    if (p.fd < 0) return false;
    if (poll(&p, 1, 0) <= 0) return true; /* nothing pending (or EINTR: let the query tell) */
    if (!PQconsumeInput(c)) return false;
    PGnotify *n;
    while ((n = PQnotifies(c)))
        PQfreemem(n);
    return PQstatus(c) == CONNECTION_OK;
}

/* This thread's replica connection, or NULL when the replica is (known to be) unavailable. */
static PGconn *replica_get(thread_conns *t)
{
    slot *s = &t->read;
    if (s->conn && !s->broken && !conn_alive(s->conn)) {
        s->broken = true; /* re-opened in place below, once the replica is tried again */
        replica_mark_down();
    }
    if (replica_waiting()) return NULL;
    if (!s->conn || s->broken) {
        s->last_attempt = time(NULL);
        if (!s->conn) {
            s->conn = open_conn(read_conninfo);
        } else {
            PQreset(s->conn);
            if (PQstatus(s->conn) != CONNECTION_OK || prepare_all(s->conn) != 0) {
                replica_mark_down();
                return NULL;
            }
        }
        if (!s->conn) {
            replica_mark_down();
            return NULL;
        }
        s->broken = false;
        if (s->was_connected) atomic_fetch_add(&reconnects, 1);
        s->was_connected = true;
    }
    replica_mark_up();
    return s->conn;
}

PGconn *gk_db_read_conn(void)
{
    thread_conns *t = conns();
    if (!t) return NULL;
    if (read_conninfo) {
        PGconn *c = replica_get(t);
        if (c) return c;
        atomic_fetch_add(&replica_fallbacks, 1);
    }
    return gk_db_conn();
}

bool gk_db_is_replica(const PGconn *c)
{
    thread_conns *t = c && read_conninfo ? pthread_getspecific(tls_key) : NULL;
    return t && t->read.conn == c;
}

gk_db_replica gk_db_replica_state(void)
{
    if (!read_conninfo) return GK_DB_REPLICA_NOT_CONFIGURED;
    return atomic_load(&replica_up) ? GK_DB_REPLICA_OK : GK_DB_REPLICA_UNAVAILABLE;
}

const char *gk_db_replica_state_name(gk_db_replica s)
{
    switch (s) {
    case GK_DB_REPLICA_OK:
        return "ok";
    case GK_DB_REPLICA_UNAVAILABLE:
        return "unavailable";
    case GK_DB_REPLICA_NOT_CONFIGURED:
        break;
    }
    return "not_configured";
}

unsigned long gk_db_replica_fallbacks(void)
{
    return atomic_load(&replica_fallbacks);
}

static atomic_uint dedicated_open, writers_open;
static unsigned max_dedicated = 16, read_reserved = 4;

/* The writers' connections (pointers only), so gk_db_close_dedicated knows which count to
 * lower: a connection's pool (primary or replica) does not say whether it was opened for
 * reading. */
static pthread_mutex_t writers_lock = PTHREAD_MUTEX_INITIALIZER;
static PGconn **writers;
static size_t n_writers, cap_writers;

static bool writer_add(PGconn *c)
{
    pthread_mutex_lock(&writers_lock);
    bool ok = true;
    if (n_writers == cap_writers) {
        size_t cap = cap_writers ? cap_writers * 2 : 16;
        PGconn **w = realloc(writers, cap * sizeof *w);
        if (w) {
            writers = w;
            cap_writers = cap;
        } else {
            ok = false;
        }
    }
    if (ok) writers[n_writers++] = c;
    pthread_mutex_unlock(&writers_lock);
    return ok;
}

static bool writer_remove(PGconn *c)
{
    pthread_mutex_lock(&writers_lock);
    bool found = false;
    for (size_t i = 0; i < n_writers && !found; i++) {
        if (writers[i] == c) {
            writers[i] = writers[--n_writers];
            found = true;
        }
    }
    pthread_mutex_unlock(&writers_lock);
    return found;
}

/* Idle dedicated connections kept for the next upload or export: opening one costs a
 * connection start-up plus preparing every registered statement (tens of milliseconds, which
 * dominated each upload, measured by scripts/bench). One pool for the primary, one for the
 * replica; a connection returns only when it is healthy and outside any transaction. */
#define DEDICATED_IDLE_MAX 8
typedef struct {
    pthread_mutex_t lock;
    PGconn *idle[DEDICATED_IDLE_MAX];
    unsigned n;
} dedicated_pool;
static dedicated_pool pools[2] = {{PTHREAD_MUTEX_INITIALIZER, {0}, 0},
                                  {PTHREAD_MUTEX_INITIALIZER, {0}, 0}};

static PGconn *pool_take(dedicated_pool *p)
{
    pthread_mutex_lock(&p->lock);
    PGconn *c = p->n ? p->idle[--p->n] : NULL;
    pthread_mutex_unlock(&p->lock);
    if (c && (PQstatus(c) != CONNECTION_OK || !conn_alive(c))) {
        PQfinish(c); /* went away while idle: open a fresh one instead */
        c = NULL;
    }
    return c;
}

static bool pool_give(dedicated_pool *p, PGconn *c)
{
    if (PQstatus(c) != CONNECTION_OK || PQtransactionStatus(c) != PQTRANS_IDLE) return false;
    pthread_mutex_lock(&p->lock);
    bool kept = p->n < DEDICATED_IDLE_MAX;
    if (kept) p->idle[p->n++] = c;
    pthread_mutex_unlock(&p->lock);
    return kept;
}

void gk_db_set_max_dedicated(unsigned n)
{
    max_dedicated = n ? n : 1;
}

void gk_db_set_read_reserved(unsigned reserved)
{
    read_reserved = reserved;
}

PGconn *gk_db_open_dedicated(bool read_only)
{
    if (!read_only) {
        unsigned writer_max = max_dedicated > read_reserved ? max_dedicated - read_reserved : 1;
        if (atomic_fetch_add(&writers_open, 1) >= writer_max) {
            atomic_fetch_sub(&writers_open, 1);
            return NULL;
        }
    }
    if (atomic_fetch_add(&dedicated_open, 1) >= max_dedicated) {
        atomic_fetch_sub(&dedicated_open, 1);
        if (!read_only) atomic_fetch_sub(&writers_open, 1);
        return NULL;
    }
    PGconn *c = NULL;
    if (read_only && read_conninfo) {
        if (!replica_waiting()) {
            c = pool_take(&pools[1]);
            if (!c) c = open_conn(read_conninfo);
            if (c)
                replica_mark_up();
            else
                replica_mark_down();
        }
        if (!c) atomic_fetch_add(&replica_fallbacks, 1);
    }
    if (!c && primary_conninfo) {
        c = pool_take(&pools[0]);
        if (!c) c = open_conn(primary_conninfo);
    }
    if (c && !read_only && !writer_add(c)) {
        PQfinish(c);
        c = NULL;
    }
    if (!c) {
        atomic_fetch_sub(&dedicated_open, 1);
        if (!read_only) atomic_fetch_sub(&writers_open, 1);
    }
    return c;
}

void gk_db_close_dedicated(PGconn *c)
{
    if (!c) return;
    /* Which pool: the server says whether it is a standby (in_hot_standby, PostgreSQL 14+);
     * an export's read-only connection may be the replica's or, after a fallback, the
     * primary's, and an upload must never be handed a replica's. */
    const char *standby = PQparameterStatus(c, "in_hot_standby");
    bool replica = standby && strcmp(standby, "on") == 0;
    bool writer = writer_remove(c);
    if (!pool_give(&pools[replica ? 1 : 0], c)) PQfinish(c);
    if (writer) atomic_fetch_sub(&writers_open, 1);
    atomic_fetch_sub(&dedicated_open, 1);
}

void gk_db_conn_failed(PGconn *c)
{
    thread_conns *t = conns();
    if (!t) return;
    /* Dedicated connections are the caller's to close; only per-thread ones are reset. */
    slot *s = t->primary.conn == c ? &t->primary : t->read.conn == c ? &t->read : NULL;
    if (s == &t->read) replica_mark_down();
    if (s && s->conn) {
        s->broken = true;    /* re-opened in place by the next gk_db_conn() */
        s->last_attempt = 0; /* the next request may try at once */
    }
}

static bool lost(PGconn *c, PGresult *r)
{
    if (!r || PQstatus(c) != CONNECTION_OK) return true;
    if (PQresultStatus(r) != PGRES_FATAL_ERROR) return false;
    const char *state = gk_db_sqlstate(r);
    return !strncmp(state, "08", 2) || !strncmp(state, "57P", 3);
}

static PGresult *send_query(PGconn *c, const gk_db_query *q)
{
    return q->name ? PQexecPrepared(c, q->name, q->n, q->values, q->lengths, q->formats, 0)
                   : PQexecParams(c, q->sql, q->n, NULL, q->values, q->lengths, q->formats, 0);
}

static PGresult *exec_query(PGconn *c, const gk_db_query *q)
{
    if (!c) return NULL;
    bool replica = gk_db_is_replica(c);
    bool idle = PQtransactionStatus(c) == PQTRANS_IDLE;
    PGresult *r = PQstatus(c) == CONNECTION_OK ? send_query(c, q) : NULL;
    if (replica && (idle || PQstatus(c) != CONNECTION_OK) && lost(c, r)) {
        /* The replica went away: the statement runs on the primary instead. The broken
         * replica connection stays in its slot (the caller still holds the pointer) until
         * the next gk_db_read_conn replaces it, after GK_DB_REPLICA_RETRY_SECONDS. */
        if (r) PQclear(r);
        replica_mark_down();
        atomic_fetch_add(&replica_fallbacks, 1);
        return exec_query(gk_db_conn(), q);
    }
    if (!replica && idle && lost(c, r)) {
        /* The server went away since this connection was last used (a restart). Outside a
         * transaction nothing is lost by trying once more on a fresh connection; PQreset
         * keeps the PGconn, so the caller's pointer stays valid. */
        if (r) PQclear(r);
        r = NULL;
        PQreset(c);
        if (PQstatus(c) == CONNECTION_OK && prepare_all(c) == 0) {
            atomic_fetch_add(&reconnects, 1);
            atomic_fetch_add(&connect_successes, 1); /* other threads may retry now */
            r = send_query(c, q);
        }
    }
    if (!r || PQstatus(c) != CONNECTION_OK || lost(c, r)) {
        /* Class 08 (connection) and 57P (admin shutdown): the server went away. */
        if (r) PQclear(r);
        gk_db_conn_failed(c);
        return NULL;
    }
    return r;
}

PGresult *gk_db_exec_bin(PGconn *c, const char *name, int n, const char *const *values,
                         const int *lengths, const int *formats)
{
    gk_db_query q = {name, NULL, n, values, lengths, formats};
    return exec_query(c, &q);
}

PGresult *gk_db_exec_sql(PGconn *c, const char *sql, int n, const char *const *values)
{
    gk_db_query q = {NULL, sql, n, values, NULL, NULL};
    return exec_query(c, &q);
}

PGresult *gk_db_exec_q(PGconn *c, const gk_db_query *q)
{
    return exec_query(c, q);
}

PGresult *gk_db_exec(PGconn *c, const char *name, int n, const char *const *values)
{
    return gk_db_exec_bin(c, name, n, values, NULL, NULL);
}

bool gk_db_ok(const PGresult *r)
{
    ExecStatusType s = PQresultStatus(r);
    return r && (s == PGRES_COMMAND_OK || s == PGRES_TUPLES_OK);
}

const char *gk_db_sqlstate(const PGresult *r)
{
    const char *s = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : NULL;
    return s ? s : "";
}

unsigned long gk_db_reconnects(void)
{
    return atomic_load(&reconnects);
}

unsigned long gk_db_connect_failures(void)
{
    return atomic_load(&connect_failures);
}
