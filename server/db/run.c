/* The statement runner and the constraint catalogue (see run.h). */
#include "db/run.h"

#include "log.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const gk_db_constraint catalogue[] = {
#define GK_CONS(name, err, field) {#name, GK_DB_CONS_MAPPED, GK_ERR_##err, field},
#define GK_BACKSTOP(name) {#name, GK_DB_CONS_BACKSTOP, GK_ERR_INTERNAL, NULL},
#include "db/constraints.def"
#undef GK_CONS
#undef GK_BACKSTOP
};

const gk_db_constraint *gk_db_constraints(size_t *n)
{
    *n = sizeof catalogue / sizeof *catalogue;
    return catalogue;
}

const gk_db_constraint *gk_db_constraint_find(const char *name)
{
    for (size_t i = 0; name && i < sizeof catalogue / sizeof *catalogue; i++)
        if (!strcmp(catalogue[i].name, name)) return &catalogue[i];
    return NULL;
}

static gk_tx_status bug(const char *msg, const char *what, const char *constraint,
                        const PGresult *res)
{
    gk_log("bug", msg,
           json_pack("{s:s, s:s?, s:s, s:s}", "what", what ? what : "?", "constraint", constraint,
                     "sqlstate", gk_db_sqlstate(res), "error", PQresultErrorMessage(res)));
    return GK_TX_HARD;
}

bool gk_db_refusal(const PGresult *res, gk_error *e, const char **field)
{
    if (!res || gk_db_ok(res)) return false;
    const char *st = gk_db_sqlstate(res);
    gk_error err;
    const char *f = NULL;
    if (!strncmp(st, "23", 2)) {
        const gk_db_constraint *k =
            gk_db_constraint_find(PQresultErrorField(res, PG_DIAG_CONSTRAINT_NAME));
        if (!k || k->kind != GK_DB_CONS_MAPPED) return false;
        err = k->err;
        f = k->field;
    } else if (!strcmp(st, "22P02") || !strcmp(st, "22001")) {
        err = GK_ERR_VALIDATION;
    } else {
        return false;
    }
    *e = err;
    if (field) *field = f;
    return true;
}

gk_tx_status gk_db_classify(const PGresult *res, const char *what, gk_error *e, const char **field)
{
    if (!res) return GK_TX_UNAVAILABLE;
    if (gk_db_ok(res)) return GK_TX_OK;
    const char *st = gk_db_sqlstate(res);
    if (!strcmp(st, "40001") || !strcmp(st, "40P01")) return GK_TX_SOFT;
    if (e && gk_db_refusal(res, e, field)) return GK_TX_ABORT;
    if (!strncmp(st, "23", 2)) {
        const char *name = PQresultErrorField(res, PG_DIAG_CONSTRAINT_NAME);
        const gk_db_constraint *k = gk_db_constraint_find(name);
        const char *msg = !name ? "integrity error without a constraint name"
                          : !k  ? "constraint not in the catalogue"
                          : k->kind == GK_DB_CONS_BACKSTOP
                              ? "backstop constraint reached the database"
                              : "constraint refused a statement that expects none";
        return bug(msg, what, name, res);
    }
    return bug("unexpected database error", what, NULL, res);
}

gk_tx_status gk_db_run_q(PGconn *c, const gk_db_query *q, PGresult **out, gk_error *e,
                         const char **field)
{
    if (out) *out = NULL;
    PGresult *res = c ? gk_db_exec_q(c, q) : NULL;
    if (res && gk_db_ok(res)) {
        if (out)
            *out = res;
        else
            PQclear(res);
        return GK_TX_OK;
    }
    gk_tx_status s = gk_db_classify(res, q->name ? q->name : q->sql, e, field);
    if (res) PQclear(res);
    return s;
}

gk_tx_status gk_db_run(PGconn *c, const char *name, int n, const char *const *values,
                       PGresult **out, gk_error *e, const char **field)
{
    gk_db_query q = {.name = name, .n = n, .values = values};
    return gk_db_run_q(c, &q, out, e, field);
}

gk_tx_status gk_db_run_sql(PGconn *c, const char *sql, int n, const char *const *values,
                           PGresult **out, gk_error *e, const char **field)
{
    gk_db_query q = {.sql = sql, .n = n, .values = values};
    return gk_db_run_q(c, &q, out, e, field);
}

gk_tx_status gk_db_run_json(PGconn *c, const char *name, int n, const char *const *values,
                            json_t **out, gk_error *e, const char **field)
{
    *out = NULL;
    PGresult *res = NULL;
    gk_tx_status s = gk_db_run(c, name, n, values, &res, e, field);
    if (s != GK_TX_OK) return s;
    if (PQntuples(res) >= 1 && !PQgetisnull(res, 0, 0)) {
        *out = json_loads(PQgetvalue(res, 0, 0), 0, NULL);
        if (!*out) {
            gk_log("bug", "statement returned text that is not JSON",
                   json_pack("{s:s}", "what", name));
            s = GK_TX_HARD;
        }
    }
    PQclear(res);
    return s;
}

gk_tx_status gk_db_run_one(PGconn *c, const char *name, int n, const char *const *values,
                           gk_error *e, const char **field)
{
    PGresult *res = NULL;
    gk_tx_status s = gk_db_run(c, name, n, values, &res, e, field);
    if (s != GK_TX_OK) return s;
    bool one = strcmp(PQcmdTuples(res), "1") == 0;
    PQclear(res);
    if (one) return GK_TX_OK;
    if (e) *e = GK_ERR_CONFLICT;
    return GK_TX_ABORT;
}

gk_tx_status gk_db_run_page(PGconn *c, const char *name, int n, const char *const *values,
                            int limit, json_t **items, char **next)
{
    *items = NULL;
    *next = NULL;
    PGresult *res = NULL;
    gk_tx_status s = gk_db_run(c, name, n, values, &res, NULL, NULL);
    if (s != GK_TX_OK) return s;
    json_t *arr = json_array();
    int rows = PQntuples(res);
    for (int i = 0; arr && i < rows && i < limit; i++) {
        json_t *o = json_loads(PQgetvalue(res, i, 0), 0, NULL);
        if (!o || json_array_append_new(arr, o)) {
            s = GK_TX_HARD;
            break;
        }
    }
    if (!arr) s = GK_TX_HARD;
    if (s == GK_TX_OK && rows > limit) {
        json_t *last = json_array_get(arr, json_array_size(arr) - 1);
        *next = strdup(json_string_value(json_object_get(last, "id")));
        if (!*next) s = GK_TX_HARD;
    }
    PQclear(res);
    if (s != GK_TX_OK) {
        json_decref(arr);
        return s;
    }
    *items = arr;
    return GK_TX_OK;
}

void gk_db_text(char *dst, size_t n, const PGresult *r, int row, int col)
{
    snprintf(dst, n, "%s", PQgetisnull(r, row, col) ? "" : PQgetvalue(r, row, col));
}

gk_tx_status gk_db_read_row(PGconn *c, const char *name, const char *key, void *out, size_t size,
                            const gk_db_col *cols, size_t n_cols, bool *found)
{
    memset(out, 0, size);
    PGresult *res = NULL;
    gk_tx_status s = gk_db_run(c, name, 1, &key, &res, NULL, NULL);
    if (s != GK_TX_OK) return s;
    *found = PQntuples(res) == 1;
    for (size_t i = 0; *found && i < n_cols; i++)
        gk_db_text((char *)out + cols[i].offset, cols[i].size, res, 0, (int)i);
    PQclear(res);
    return GK_TX_OK;
}

/* ---- streaming reads ---- */

/* A command of the cursor's own (BEGIN, FETCH, CLOSE, COMMIT) on a dedicated connection:
 * no reconnect (the transaction would be lost with it). */
static gk_tx_status command(PGconn *c, const char *sql, int n, const char *const *values,
                            PGresult **out, const char *what)
{
    PGresult *res = PQexecParams(c, sql, n, NULL, values, NULL, NULL, 0);
    if (!res || PQstatus(c) != CONNECTION_OK) {
        if (res) PQclear(res);
        return GK_TX_UNAVAILABLE;
    }
    gk_tx_status s = gk_db_classify(res, what, NULL, NULL);
    if (s == GK_TX_OK && out)
        *out = res;
    else
        PQclear(res);
    return s;
}

/* Cursor names are fixed identifiers of the caller; refuse anything else rather than quote. */
static bool plain_name(const char *s)
{
    size_t n = s ? strlen(s) : 0;
    if (n < 1 || n > 48) return false;
    for (size_t i = 0; i < n; i++)
        if (!((s[i] >= 'a' && s[i] <= 'z') || s[i] == '_' || (i && s[i] >= '0' && s[i] <= '9')))
            return false;
    return true;
}

gk_tx_status gk_db_cursor_open(gk_db_cursor *cur, PGconn *c, const char *name, const char *sql,
                               int n, const char *const *values)
{
    memset(cur, 0, sizeof *cur);
    cur->conn = c; /* set on every path: the caller gives the connection back through it */
    if (!c) return GK_TX_UNAVAILABLE;
    if (!plain_name(name)) {
        gk_log("bug", "cursor name is not a plain identifier", NULL);
        return GK_TX_HARD;
    }
    cur->name = name;
    gk_tx_status s = command(c, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", 0, NULL, NULL,
                             "cursor begin");
    if (s != GK_TX_OK) return s;
    cur->open = true;
    size_t len = strlen(name) + strlen(sql) + 40;
    char *decl = malloc(len);
    if (!decl) {
        gk_db_cursor_close(cur);
        return GK_TX_HARD;
    }
    snprintf(decl, len, "DECLARE %s NO SCROLL CURSOR FOR %s", name, sql);
    s = command(c, decl, n, values, NULL, "cursor declare");
    free(decl);
    if (s != GK_TX_OK) {
        gk_tx_status rb = gk_db_cursor_close(cur);
        if (rb == GK_TX_UNAVAILABLE) s = rb;
    }
    return s;
}

gk_tx_status gk_db_cursor_fetch(gk_db_cursor *cur, int rows, PGresult **out)
{
    *out = NULL;
    if (!cur->open) return GK_TX_HARD;
    char sql[96];
    snprintf(sql, sizeof sql, "FETCH %d FROM %s", rows > 0 ? rows : 1, cur->name);
    return command(cur->conn, sql, 0, NULL, out, "cursor fetch");
}

gk_tx_status gk_db_cursor_close(gk_db_cursor *cur)
{
    if (!cur->open) return GK_TX_OK;
    cur->open = false;
    /* COMMIT of a read-only transaction also closes the cursor; a failed transaction takes
     * ROLLBACK (which COMMIT becomes by itself), so one statement serves both. */
    return command(cur->conn, "COMMIT", 0, NULL, NULL, "cursor close");
}

gk_tx_status gk_db_copy_begin(PGconn *c, const char *sql)
{
    if (!c) return GK_TX_UNAVAILABLE;
    PGresult *res = PQexec(c, sql);
    if (!res || PQstatus(c) != CONNECTION_OK) {
        if (res) PQclear(res);
        return GK_TX_UNAVAILABLE;
    }
    gk_tx_status s =
        PQresultStatus(res) == PGRES_COPY_OUT ? GK_TX_OK : gk_db_classify(res, "copy", NULL, NULL);
    if (s == GK_TX_OK && PQresultStatus(res) != PGRES_COPY_OUT)
        s = bug("COPY statement is not COPY TO STDOUT", "copy", NULL, res);
    PQclear(res);
    return s;
}

int gk_db_copy_next(PGconn *c, char **buf, int *len)
{
    *buf = NULL;
    *len = 0;
    int n = PQgetCopyData(c, buf, 0);
    if (n > 0) {
        *len = n;
        return 1;
    }
    if (n == -2) {
        gk_log("error", "copy failed", json_pack("{s:s}", "error", PQerrorMessage(c)));
        return -1;
    }
    /* -1: the copy is done; the final result says whether it went well. */
    int rc = 0;
    PGresult *res;
    while ((res = PQgetResult(c))) {
        if (PQresultStatus(res) != PGRES_COMMAND_OK) {
            gk_log("error", "copy failed", json_pack("{s:s}", "error", PQresultErrorMessage(res)));
            rc = -1;
        }
        PQclear(res);
    }
    return rc;
}

/* ---- transactions ---- */

typedef struct {
    const gk_db_step *steps;
    size_t n;
    gk_tx_fn then;
    void *then_ctx;
    gk_error *e;
    const char **field;
} steps_ctx;

static gk_tx_status run_steps(PGconn *c, void *p)
{
    steps_ctx *x = p;
    for (size_t i = 0; i < x->n; i++) {
        gk_tx_status s =
            gk_db_run(c, x->steps[i].name, x->steps[i].n, x->steps[i].values, NULL, x->e, x->field);
        if (s != GK_TX_OK) return s;
    }
    return x->then ? x->then(c, x->then_ctx) : GK_TX_OK;
}

gk_tx_status gk_db_run_steps(gk_tx_isolation iso, const gk_db_step *steps, size_t n, gk_tx_fn then,
                             void *then_ctx, gk_error *e, const char **field)
{
    steps_ctx x = {steps, n, then, then_ctx, e, field};
    return gk_tx_run(iso, run_steps, &x);
}

/* ---- the readiness probe ---- */

static const gk_stmt stmts[] = {
    {"db_ping", "SELECT 1"},
};

void gk_db_run_register(void)
{
    gk_db_register(stmts, sizeof stmts / sizeof *stmts);
}

bool gk_db_ping(PGconn *c)
{
    return c && gk_db_run(c, "db_ping", 0, NULL, NULL, NULL, NULL) == GK_TX_OK;
}
