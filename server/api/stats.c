/* GET /api/v1/stats (public; the list's filters apply): certificates per month of grant, by
 * category, by basis, by rule set and grandfathered, by status, the total, and the median
 * number of days from submission (filing date) to decision (grant or rejection) of the
 * applications decided here (imported certificates have no application; the date filters
 * apply to the decision date). The counts come from one GROUPING SETS scan built by
 * db/certificate_search.c, so they always add up to what the list shows. */
#include "http/handlers.h"
#include "api/registry.h"
#include "db/db.h"
#include "http/reply.h"
#include "log.h"

#include <stdlib.h>
#include <string.h>

static const gk_stmt stmts[] = {
    {"registry_decision_median",
     "SELECT count(*), percentile_cont(0.5) WITHIN GROUP"
     " (ORDER BY (e.at AT TIME ZONE 'UTC')::date - a.filing_date)"
     " FROM application_events e JOIN applications a ON a.id = e.application_id"
     " WHERE e.to_status IN ('granted', 'rejected') AND a.filing_date IS NOT NULL"
     " AND ($1::date IS NULL OR (e.at AT TIME ZONE 'UTC')::date >= $1::date)"
     " AND ($2::date IS NULL OR (e.at AT TIME ZONE 'UTC')::date <= $2::date)"},
};

void gk_stats_register(void)
{
    gk_db_register(stmts, sizeof stmts / sizeof *stmts);
}

static json_t *count_item(const char *key, const char *value, long long n)
{
    return json_pack("{s:s, s:I}", key, value, "count", (json_int_t)n);
}

json_t *gk_registry_stats(const gk_cert_query *q, gk_error *err)
{
    *err = GK_ERR_INTERNAL;
    gk_cert_sql s;
    if (gk_cert_sql_build(q, GK_CERT_SQL_STATS, &s)) return NULL;
    PGconn *c = gk_db_read_conn();
    PGresult *res = gk_cert_search_exec(c, &s);
    gk_cert_sql_free(&s);
    if (!res) {
        *err = GK_ERR_UNAVAILABLE;
        return NULL;
    }
    if (!gk_db_ok(res)) {
        gk_log("bug", "stats query failed", json_pack("{s:s}", "error", PQresultErrorMessage(res)));
        PQclear(res);
        return NULL;
    }
    json_t *month = json_array(), *cat = json_array(), *basis = json_array(),
           *rules = json_array(), *status = json_array();
    long long total = 0;
    for (int i = 0; i < PQntuples(res); i++) {
        int g = atoi(PQgetvalue(res, i, 0));
        long long n = atoll(PQgetvalue(res, i, 7));
        switch (g) {
        case 31: json_array_append_new(month, count_item("month", PQgetvalue(res, i, 1), n)); break;
        case 47: json_array_append_new(cat, count_item("category", PQgetvalue(res, i, 2), n)); break;
        case 55: json_array_append_new(basis, count_item("basis", PQgetvalue(res, i, 3), n)); break;
        case 57:
            json_array_append_new(rules, json_pack("{s:s, s:b, s:I}", "rule_set",
                                                   PQgetvalue(res, i, 4), "grandfathered",
                                                   !strcmp(PQgetvalue(res, i, 5), "t"),
                                                   "count", (json_int_t)n));
            break;
        case 62: json_array_append_new(status, count_item("status", PQgetvalue(res, i, 6), n)); break;
        case 63: total = n; break;
        default: break;
        }
    }
    PQclear(res);

    char from[GK_DATE_BUF], to[GK_DATE_BUF];
    const char *v[] = {q->granted_from != GK_DATE_NONE ? gk_date_format(q->granted_from, from) : NULL,
                       q->granted_to != GK_DATE_NONE ? gk_date_format(q->granted_to, to) : NULL};
    PGresult *m = gk_db_exec(c, "registry_decision_median", 2, v);
    if (!m || !gk_db_ok(m)) {
        if (m) {
            gk_log("bug", "median query failed", json_pack("{s:s}", "error", PQresultErrorMessage(m)));
            PQclear(m);
        } else {
            *err = GK_ERR_UNAVAILABLE;
        }
        json_decref(month), json_decref(cat), json_decref(basis), json_decref(rules),
            json_decref(status);
        return NULL;
    }
    json_t *median = PQgetisnull(m, 0, 1) ? json_null() : json_real(atof(PQgetvalue(m, 0, 1)));
    json_t *decisions = json_pack("{s:I, s:o}", "count", (json_int_t)atoll(PQgetvalue(m, 0, 0)),
                                  "median_days_to_decision", median);
    PQclear(m);
    json_t *out = json_pack("{s:I, s:o, s:o, s:o, s:o, s:o, s:o}", "total", (json_int_t)total,
                            "by_month", month, "by_category", cat, "by_basis", basis,
                            "by_rule_set", rules, "by_status", status, "decisions", decisions);
    if (out) *err = GK_ERR_OK;
    return out;
}

void gk_h_stats(gk_request *r)
{
    gk_cert_query q;
    if (gk_registry_query(r, &q)) return;
    gk_error e;
    json_t *st = gk_registry_stats(&q, &e);
    if (!st) {
        gk_reply_problem(r, e, NULL, NULL);
        return;
    }
    gk_reply_json(r, 200, st);
}
