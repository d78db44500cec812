/* The registry's reads (see registry.h). */
#include "db/registry.h"

#include "db/run.h"

#include "db/db.h"
#include "log.h"
#include "render/buf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FEED_COLUMNS                                                                               \
    "SELECT e.id, e.certificate_number, e.event, e.reason, e.order_reference,"                     \
    " to_char(e.at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'),"                         \
    " to_char(e.at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US'),"                           \
    " c.manufacturer, c.model_name, c.type_name, c.category_id"                                    \
    " FROM certificate_events e JOIN certificates c ON c.number = e.certificate_number"

static const gk_stmt stmts[] = {
    {"registry_feed_first", FEED_COLUMNS " ORDER BY e.at DESC, e.id DESC LIMIT $1"},
    {"registry_feed_after",
     FEED_COLUMNS " WHERE (e.at, e.id) < (($2::timestamp) AT TIME ZONE 'UTC', $3::bigint)"
                  " ORDER BY e.at DESC, e.id DESC LIMIT $1"},
    {"registry_decision_median",
     "SELECT count(*), percentile_cont(0.5) WITHIN GROUP"
     " (ORDER BY (e.at AT TIME ZONE 'UTC')::date - a.filing_date)"
     " FROM application_events e JOIN applications a ON a.id = e.application_id"
     " WHERE e.to_status IN ('granted', 'rejected') AND a.filing_date IS NOT NULL"
     " AND ($1::date IS NULL OR (e.at AT TIME ZONE 'UTC')::date >= $1::date)"
     " AND ($2::date IS NULL OR (e.at AT TIME ZONE 'UTC')::date <= $2::date)"},
    {"registry_categories",
     "SELECT id, title_en, title_ja FROM device_categories ORDER BY sort_order, id"},
    {"registry_cert_exists", "SELECT number, application_id, manufacturer, model_name,"
                             " type_name, status FROM certificates WHERE number = $1"},
    /* Staff only: the internal note of a status change (0021) beside its public reason. */
    {"registry_cert_events",
     "SELECT e.id, e.event, e.reason, e.order_reference,"
     " to_char(e.at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS \"UTC\"'), u.name, u.email,"
     " (SELECT n.note FROM certificate_event_notes n WHERE n.event_id = e.id)"
     " FROM certificate_events e LEFT JOIN users u ON u.id = e.actor_id"
     " WHERE e.certificate_number = $1 ORDER BY e.at, e.id"},
    /* The actor by name (with role and e-mail), not user:<uuid>; the detail as a list of
     * {key, value} lines a person can read (nested values as their JSON text). */
    {"registry_cert_audit",
     "SELECT l.seq, to_char(l.at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS \"UTC\"'), l.actor,"
     " l.action, l.object, l.detail::text, u.name, u.email, u.role,"
     " (SELECT coalesce(json_agg(json_build_object('key', d.key, 'value', d.value)), '[]')"
     "    FROM json_each_text(CASE WHEN json_typeof(l.detail) = 'object' THEN l.detail"
     "    ELSE '{}'::json END) d)::text"
     " FROM audit_log l LEFT JOIN users u ON u.id = l.actor_user_id"
     " WHERE l.object = 'certificate:' || $1"
     " OR l.object = (SELECT 'application:' || c.application_id FROM certificates c"
     "                WHERE c.number = $1 AND c.application_id IS NOT NULL)"
     " ORDER BY l.seq"},
};

void gk_registry_db_register(void)
{
    gk_db_register(stmts, sizeof stmts / sizeof *stmts);
}

/* NULL: unreachable. A failed statement is logged as a bug and cleared. */
static gk_error check(PGresult **res, const char *what)
{
    if (!*res) return GK_ERR_UNAVAILABLE;
    if (gk_db_ok(*res)) return GK_ERR_OK;
    gk_log("bug", what, json_pack("{s:s}", "error", PQresultErrorMessage(*res)));
    PQclear(*res);
    *res = NULL;
    return GK_ERR_INTERNAL;
}

static const char *opt(const PGresult *res, int i, int col)
{
    return PQgetisnull(res, i, col) ? NULL : PQgetvalue(res, i, col);
}

/* Rows of a LIST/EXPORT result, at most `max`, as API items. */
static json_t *cert_rows(const PGresult *res, int max, bool staff)
{
    int n = PQntuples(res);
    if (n > max) n = max;
    json_t *items = json_array();
    for (int i = 0; items && i < n; i++) {
        json_t *row = gk_cert_row_json(res, i, staff);
        if (!row || json_array_append_new(items, row)) {
            json_decref(items);
            items = NULL;
        }
    }
    return items;
}

gk_error gk_registry_db_page(const gk_cert_query *q, bool staff, json_t **items, char *next,
                             size_t next_size)
{
    *items = NULL;
    if (next_size) next[0] = '\0';
    gk_cert_sql s;
    if (gk_cert_sql_build(q, GK_CERT_SQL_LIST, &s)) return GK_ERR_INTERNAL;
    PGresult *res = gk_cert_search_exec(gk_db_read_conn(), &s);
    gk_cert_sql_free(&s);
    gk_error e = check(&res, "certificate search failed");
    if (e != GK_ERR_OK) return e;
    int n = PQntuples(res), shown = n > q->limit ? q->limit : n;
    *items = cert_rows(res, shown, staff);
    if (*items && n > q->limit) {
        gk_date d;
        if (gk_date_parse(PQgetvalue(res, shown - 1, GK_CERT_COL_GRANTED_ON), &d))
            gk_cert_cursor_make(q, d, PQgetvalue(res, shown - 1, GK_CERT_COL_NUMBER), next,
                                next_size);
    }
    PQclear(res);
    return *items ? GK_ERR_OK : GK_ERR_INTERNAL;
}

static json_t *count_item(const char *key, const char *value, long long n)
{
    return json_pack("{s:s, s:I}", key, value, "count", (json_int_t)n);
}

gk_error gk_registry_db_stats(const gk_cert_query *q, json_t **out)
{
    *out = NULL;
    gk_cert_sql s;
    if (gk_cert_sql_build(q, GK_CERT_SQL_STATS, &s)) return GK_ERR_INTERNAL;
    PGconn *c = gk_db_read_conn();
    PGresult *res = gk_cert_search_exec(c, &s);
    gk_cert_sql_free(&s);
    gk_error e = check(&res, "stats query failed");
    if (e != GK_ERR_OK) return e;
    json_t *month = json_array(), *cat = json_array(), *basis = json_array(), *rules = json_array(),
           *status = json_array();
    long long total = 0;
    for (int i = 0; i < PQntuples(res); i++) {
        int g = atoi(PQgetvalue(res, i, 0));
        long long n = atoll(PQgetvalue(res, i, 7));
        switch (g) { /* the GROUPING() bitmask of each grouping set (certificate_search.c) */
        case 31:
            json_array_append_new(month, count_item("month", PQgetvalue(res, i, 1), n));
            break;
        case 47:
            json_array_append_new(cat, count_item("category", PQgetvalue(res, i, 2), n));
            break;
        case 55:
            json_array_append_new(basis, count_item("basis", PQgetvalue(res, i, 3), n));
            break;
        case 57:
            json_array_append_new(rules,
                                  json_pack("{s:s, s:b, s:I}", "rule_set", PQgetvalue(res, i, 4),
                                            "grandfathered", !strcmp(PQgetvalue(res, i, 5), "t"),
                                            "count", (json_int_t)n));
            break;
        case 62:
            json_array_append_new(status, count_item("status", PQgetvalue(res, i, 6), n));
            break;
        case 63:
            total = n;
            break;
        default:
            break;
        }
    }
    PQclear(res);

    char from[GK_DATE_BUF], to[GK_DATE_BUF];
    const char *v[] = {q->granted_from != GK_DATE_NONE ? gk_date_format(q->granted_from, from)
                                                       : NULL,
                       q->granted_to != GK_DATE_NONE ? gk_date_format(q->granted_to, to) : NULL};
    PGresult *m = gk_db_exec(c, "registry_decision_median", 2, v);
    e = check(&m, "median query failed");
    if (e != GK_ERR_OK) {
        json_decref(month), json_decref(cat), json_decref(basis), json_decref(rules),
            json_decref(status);
        return e;
    }
    json_t *median = PQgetisnull(m, 0, 1) ? json_null() : json_real(atof(PQgetvalue(m, 0, 1)));
    json_t *decisions = json_pack("{s:I, s:o}", "count", (json_int_t)atoll(PQgetvalue(m, 0, 0)),
                                  "median_days_to_decision", median);
    PQclear(m);
    *out = json_pack("{s:I, s:o, s:o, s:o, s:o, s:o, s:o}", "total", (json_int_t)total, "by_month",
                     month, "by_category", cat, "by_basis", basis, "by_rule_set", rules,
                     "by_status", status, "decisions", decisions);
    return *out ? GK_ERR_OK : GK_ERR_INTERNAL;
}

gk_error gk_registry_db_feed(int limit, const char *after_at, const char *after_id, json_t **rows)
{
    *rows = NULL;
    char lim[16];
    snprintf(lim, sizeof lim, "%d", limit);
    PGresult *res;
    if (after_at && after_id) {
        const char *v[] = {lim, after_at, after_id};
        res = gk_db_exec(gk_db_read_conn(), "registry_feed_after", 3, v);
    } else {
        const char *v[] = {lim};
        res = gk_db_exec(gk_db_read_conn(), "registry_feed_first", 1, v);
    }
    gk_error e = check(&res, "feed query failed");
    if (e != GK_ERR_OK) return e;
    json_t *a = json_array();
    for (int i = 0; a && i < PQntuples(res); i++) {
        json_t *row = json_pack("{s:s, s:s, s:s, s:s?, s:s?, s:s, s:s, s:s, s:s, s:s?, s:s}", "id",
                                PQgetvalue(res, i, 0), "number", PQgetvalue(res, i, 1), "event",
                                PQgetvalue(res, i, 2), "reason", opt(res, i, 3), "order_reference",
                                opt(res, i, 4), "updated", PQgetvalue(res, i, 5), "at_us",
                                PQgetvalue(res, i, 6), "manufacturer", PQgetvalue(res, i, 7),
                                "model_name", PQgetvalue(res, i, 8), "type_name", opt(res, i, 9),
                                "category", PQgetvalue(res, i, 10));
        if (!row || json_array_append_new(a, row)) {
            json_decref(a);
            a = NULL;
        }
    }
    PQclear(res);
    *rows = a;
    return a ? GK_ERR_OK : GK_ERR_INTERNAL;
}

gk_error gk_registry_db_categories(json_t **rows)
{
    *rows = NULL;
    PGresult *res = gk_db_exec(gk_db_read_conn(), "registry_categories", 0, NULL);
    gk_error e = check(&res, "categories query failed");
    if (e != GK_ERR_OK) return e;
    json_t *a = json_array();
    for (int i = 0; a && i < PQntuples(res); i++)
        json_array_append_new(a,
                              json_pack("{s:s, s:s, s:s}", "id", PQgetvalue(res, i, 0), "title_en",
                                        PQgetvalue(res, i, 1), "title_ja", PQgetvalue(res, i, 2)));
    PQclear(res);
    *rows = a;
    return a ? GK_ERR_OK : GK_ERR_INTERNAL;
}

gk_error gk_registry_db_cert_audit(const char *number, json_t **out)
{
    *out = NULL;
    const char *v[] = {number};
    PGconn *c = gk_db_read_conn();
    PGresult *cert = gk_db_exec(c, "registry_cert_exists", 1, v);
    gk_error e = check(&cert, "certificate lookup failed");
    if (e != GK_ERR_OK) return e;
    if (PQntuples(cert) == 0) {
        PQclear(cert);
        return GK_ERR_NOT_FOUND;
    }
    json_t *model = json_pack("{s:s, s:s?, s:s, s:s, s:s?, s:s}", "number", PQgetvalue(cert, 0, 0),
                              "application_id", opt(cert, 0, 1), "manufacturer",
                              PQgetvalue(cert, 0, 2), "model_name", PQgetvalue(cert, 0, 3),
                              "type_name", opt(cert, 0, 4), "status", PQgetvalue(cert, 0, 5));
    PQclear(cert);
    PGresult *ev = gk_db_exec(c, "registry_cert_events", 1, v);
    e = check(&ev, "certificate events query failed");
    PGresult *au = NULL;
    if (e == GK_ERR_OK) {
        au = gk_db_exec(c, "registry_cert_audit", 1, v);
        e = check(&au, "certificate audit query failed");
    }
    if (e != GK_ERR_OK || !model) {
        if (ev) PQclear(ev);
        if (au) PQclear(au);
        json_decref(model);
        return GK_ERR_INTERNAL; /* the certificate was read: the database is there */
    }
    json_t *events = json_array(), *audit = json_array();
    for (int i = 0; i < PQntuples(ev); i++)
        json_array_append_new(
            events,
            json_pack("{s:s, s:s, s:s?, s:s?, s:s, s:s?, s:s?, s:s?}", "id", PQgetvalue(ev, i, 0),
                      "event", PQgetvalue(ev, i, 1), "reason", opt(ev, i, 2), "order_reference",
                      opt(ev, i, 3), "at", PQgetvalue(ev, i, 4), "actor_name", opt(ev, i, 5),
                      "actor_email", opt(ev, i, 6), "internal_note", opt(ev, i, 7)));
    for (int i = 0; i < PQntuples(au); i++) {
        json_t *lines = json_loads(PQgetvalue(au, i, 9), 0, NULL);
        json_array_append_new(
            audit, json_pack("{s:s, s:s, s:s, s:s, s:s?, s:s, s:s?, s:s?, s:s?, s:o}", "seq",
                             PQgetvalue(au, i, 0), "at", PQgetvalue(au, i, 1), "actor",
                             PQgetvalue(au, i, 2), "action", PQgetvalue(au, i, 3), "object",
                             opt(au, i, 4), "detail", PQgetvalue(au, i, 5), "actor_name",
                             opt(au, i, 6), "actor_email", opt(au, i, 7), "actor_role",
                             opt(au, i, 8), "detail_lines", lines ? lines : json_array()));
    }
    PQclear(ev);
    PQclear(au);
    json_object_set_new(model, "events", events);
    json_object_set_new(model, "audit", audit);
    *out = model;
    return GK_ERR_OK;
}

/* ---- export cursor ----------------------------------------------------------------------- */

struct gk_registry_export {
    gk_db_cursor cur; /* on a connection of its own: one snapshot for the whole file */
    bool done;
};

gk_registry_export *gk_registry_export_open(const gk_cert_query *q, gk_error *err)
{
    *err = GK_ERR_INTERNAL;
    gk_registry_export *x = calloc(1, sizeof *x);
    if (!x) return NULL;
    PGconn *c = gk_db_open_dedicated(true);
    if (!c) {
        free(x);
        *err = GK_ERR_UNAVAILABLE;
        return NULL;
    }
    x->cur.conn = c; /* until the cursor is opened: close gives the connection back */
    gk_cert_sql s;
    if (gk_cert_sql_build(q, GK_CERT_SQL_EXPORT, &s)) {
        gk_registry_export_close(x);
        return NULL;
    }
    gk_tx_status st =
        gk_db_cursor_open(&x->cur, c, "gk_export", gk_buf_cstr(&s.sql), s.n, s.values);
    gk_cert_sql_free(&s);
    if (st != GK_TX_OK) {
        *err = gk_tx_error(st);
        gk_registry_export_close(x);
        return NULL;
    }
    *err = GK_ERR_OK;
    return x;
}

gk_error gk_registry_export_fetch(gk_registry_export *x, bool staff, json_t **rows, bool *last)
{
    *rows = NULL;
    *last = true;
    if (x->done) {
        *rows = json_array();
        return *rows ? GK_ERR_OK : GK_ERR_INTERNAL;
    }
    PGresult *res = NULL;
    gk_tx_status st = gk_db_cursor_fetch(&x->cur, GK_REGISTRY_EXPORT_BATCH, &res);
    if (st != GK_TX_OK) return gk_tx_error(st);
    int n = PQntuples(res);
    *rows = cert_rows(res, n, staff);
    PQclear(res);
    if (!*rows) return GK_ERR_INTERNAL;
    if (n < GK_REGISTRY_EXPORT_BATCH) {
        gk_db_cursor_close(&x->cur);
        x->done = true;
    } else {
        *last = false;
    }
    return GK_ERR_OK;
}

void gk_registry_export_close(gk_registry_export *x)
{
    if (!x) return;
    gk_db_close_dedicated(x->cur.conn); /* ends a transaction still open with the connection */
    free(x);
}

/* ---- the CSV export through COPY --------------------------------------------------------- */

struct gk_registry_copy {
    PGconn *conn;
    bool copying; /* COPY started and not finished */
};

/* sql with every $n replaced by current_setting('gk.export_pn'). */
static char *copy_sql(const char *sql)
{
    gk_buf b = GK_BUF_INIT;
    gk_buf_puts(&b, "COPY (");
    for (const char *p = sql; *p; p++) {
        if (*p == '$' && p[1] >= '0' && p[1] <= '9') {
            int n = 0;
            while (p[1] >= '0' && p[1] <= '9')
                n = n * 10 + (*++p - '0');
            gk_buf_appendf(&b, "current_setting('gk.export_p%d')", n);
        } else {
            gk_buf_putc(&b, *p);
        }
    }
    gk_buf_puts(&b, ") TO STDOUT WITH (FORMAT csv)");
    size_t len;
    if (b.failed) {
        gk_buf_free(&b);
        return NULL;
    }
    return gk_buf_steal(&b, &len);
}

gk_registry_copy *gk_registry_copy_open(const gk_cert_query *q, gk_error *err)
{
    *err = GK_ERR_INTERNAL;
    gk_registry_copy *x = calloc(1, sizeof *x);
    if (!x) return NULL;
    x->conn = gk_db_open_dedicated(true);
    if (!x->conn) {
        free(x);
        *err = GK_ERR_UNAVAILABLE;
        return NULL;
    }
    gk_cert_sql s;
    if (gk_cert_sql_build(q, GK_CERT_SQL_EXPORT_CSV, &s)) {
        gk_registry_copy_close(x);
        return NULL;
    }
    /* SELECT set_config('gk.export_p1', $1, false), ...: the values as parameters. */
    gk_buf set = GK_BUF_INIT;
    gk_buf_puts(&set, "SELECT 1");
    for (int i = 1; i <= s.n; i++)
        gk_buf_appendf(&set, ", set_config('gk.export_p%d', $%d, false)", i, i);
    char *copy = copy_sql(gk_buf_cstr(&s.sql));
    gk_tx_status st = set.failed || !copy ? GK_TX_HARD : GK_TX_OK;
    if (st == GK_TX_OK) {
        PGresult *res = gk_db_exec_sql(x->conn, gk_buf_cstr(&set), s.n, s.values);
        st = gk_tx_check(res, "export_copy_params");
        if (res) PQclear(res);
    }
    if (st == GK_TX_OK) st = gk_db_copy_begin(x->conn, copy);
    x->copying = st == GK_TX_OK;
    free(copy);
    gk_buf_free(&set);
    gk_cert_sql_free(&s);
    if (st != GK_TX_OK) {
        *err = gk_tx_error(st);
        gk_registry_copy_close(x);
        return NULL;
    }
    *err = GK_ERR_OK;
    return x;
}

bool gk_registry_copy_next(gk_registry_copy *x, gk_buf *b, bool *done)
{
    *done = false;
    while (x->copying && b->len < GK_REGISTRY_COPY_CHUNK) {
        char *row;
        int len;
        int rc = gk_db_copy_next(x->conn, &row, &len);
        if (rc <= 0) {
            x->copying = false;
            if (rc < 0) return false;
            break;
        }
        /* COPY ends a row with LF; CSV for spreadsheets wants CRLF. */
        if (len > 0 && row[len - 1] == '\n') len--;
        gk_buf_append(b, row, (size_t)len);
        gk_buf_puts(b, "\r\n");
        PQfreemem(row);
    }
    *done = !x->copying;
    return !b->failed;
}

void gk_registry_copy_close(gk_registry_copy *x)
{
    if (!x) return;
    if (x->conn && x->copying) {
        /* The client went away mid-file: stop the COPY; the connection, not idle, is then
         * closed by gk_db_close_dedicated rather than kept. */
        PGcancel *cancel = PQgetCancel(x->conn);
        char why[128];
        if (cancel) {
            PQcancel(cancel, why, sizeof why);
            PQfreeCancel(cancel);
        }
    }
    gk_db_close_dedicated(x->conn);
    free(x);
}
