#include "db/db.h"

#include "log.h"

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

typedef struct {
    PGconn *conn;
    time_t last_attempt;
    bool was_connected;
} slot;

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
    if (s->conn && PQstatus(s->conn) == CONNECTION_OK) return s->conn;
    if (s->conn) {
        PQfinish(s->conn);
        s->conn = NULL;
    }
    time_t now = time(NULL);
    if (s->last_attempt == now) return NULL; /* at most one attempt a second per thread */
    s->last_attempt = now;
    s->conn = open_conn(conninfo);
    if (s->conn) {
        if (s->was_connected) atomic_fetch_add(&reconnects, 1);
        s->was_connected = true;
    }
    return s->conn;
}

PGconn *gk_db_conn(void)
{
    thread_conns *t = conns();
    if (!t || !primary_conninfo) return NULL;
    return slot_get(&t->primary, primary_conninfo);
}

PGconn *gk_db_read_conn(void)
{
    thread_conns *t = conns();
    if (!t) return NULL;
    if (read_conninfo) {
        PGconn *c = slot_get(&t->read, read_conninfo);
        if (c) return c;
    }
    return gk_db_conn();
}

void gk_db_conn_failed(PGconn *c)
{
    thread_conns *t = conns();
    if (!t) return;
    slot *s = t->primary.conn == c ? &t->primary : t->read.conn == c ? &t->read : NULL;
    if (s && s->conn) {
        PQfinish(s->conn);
        s->conn = NULL;
        s->last_attempt = 0; /* the next request may try at once */
    }
}

PGresult *gk_db_exec_bin(PGconn *c, const char *name, int n, const char *const *values,
                         const int *lengths, const int *formats)
{
    PGresult *r = PQexecPrepared(c, name, n, values, lengths, formats, 0);
    if (!r || PQstatus(c) != CONNECTION_OK) {
        if (r) PQclear(r);
        gk_db_conn_failed(c);
        return NULL;
    }
    ExecStatusType st = PQresultStatus(r);
    if (st == PGRES_FATAL_ERROR) {
        const char *state = gk_db_sqlstate(r);
        /* Class 08 (connection) and 57P (admin shutdown) mean the server went away. */
        if (!strncmp(state, "08", 2) || !strncmp(state, "57P", 3)) {
            PQclear(r);
            gk_db_conn_failed(c);
            return NULL;
        }
    }
    return r;
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
