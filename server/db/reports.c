/* The report statements (see reports.h). */
#include "db/reports.h"

#include "db/db.h"
#include "db/run.h"

// clang-format off
#define TS(col) "to_char(" col " AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')"
#define SUBMISSION(s)                                                                              \
    "jsonb_build_object('id', " s ".id, 'from', " s ".period_from, 'to', " s ".period_to,"      \
    " 'reference', " s ".reference, 'submitted_at', " TS(s ".submitted_at") ","                 \
    " 'submitted_by', " s ".submitted_by, 'submitted_by_name',"                                 \
    " (SELECT u.name FROM users u WHERE u.id = " s ".submitted_by),"                            \
    " 'row_count', jsonb_array_length(" s ".rows))"

static const gk_stmt stmts[] = {
    {"report_get",
     "WITH cur AS (SELECT to_jsonb(r) AS row, row_number() OVER () AS n"
     "   FROM gk_certification_report($1::date, $2::date) r),"
     " sub AS (SELECT * FROM report_submissions WHERE period_from = $1::date"
     "   AND period_to = $2::date ORDER BY submitted_at DESC LIMIT 1)"
     " SELECT jsonb_build_object('from', $1::date, 'to', $2::date,"
     " 'rows', coalesce((SELECT jsonb_agg(row ORDER BY n) FROM cur), '[]'::jsonb),"
     " 'submitted', (SELECT " SUBMISSION("sub") " FROM sub),"
     " 'changed_since_submission', CASE WHEN EXISTS (SELECT 1 FROM sub) THEN"
     "   jsonb_build_object('added', coalesce((SELECT jsonb_agg(c.row ORDER BY c.n) FROM cur c"
     "     WHERE NOT EXISTS (SELECT 1 FROM sub, jsonb_array_elements(sub.rows) x"
     "     WHERE x = c.row)), '[]'::jsonb),"
     "   'removed', coalesce((SELECT jsonb_agg(x) FROM sub, jsonb_array_elements(sub.rows) x"
     "     WHERE NOT EXISTS (SELECT 1 FROM cur c WHERE c.row = x)), '[]'::jsonb)) END)::text"},
    {"report_submit",
     "WITH s AS (INSERT INTO report_submissions (period_from, period_to, reference,"
     " submitted_by, rows) SELECT $1::date, $2::date, $3, $4,"
     " coalesce((SELECT jsonb_agg(to_jsonb(r)) FROM gk_certification_report($1::date,"
     " $2::date) r), '[]'::jsonb) RETURNING *)"
     " SELECT " SUBMISSION("s") "::text FROM s"},
    {"report_submissions",
     "SELECT coalesce(jsonb_agg(" SUBMISSION("s") " ORDER BY s.submitted_at DESC, s.id),"
     " '[]'::jsonb)::text FROM report_submissions s"},
};
// clang-format on

void gk_db_reports_register(void)
{
    gk_db_register(stmts, sizeof stmts / sizeof *stmts);
}

gk_tx_status gk_db_report(PGconn *c, const char *from, const char *to, json_t **out)
{
    const char *v[] = {from, to};
    return gk_db_run_json(c, "report_get", 2, v, out, NULL, NULL);
}

gk_tx_status gk_db_report_submit(PGconn *c, const char *from, const char *to, const char *reference,
                                 const char *user_id, json_t **out, gk_error *e)
{
    const char *v[] = {from, to, reference, user_id};
    return gk_db_run_json(c, "report_submit", 4, v, out, e, NULL);
}

gk_tx_status gk_db_report_submissions(PGconn *c, json_t **out)
{
    return gk_db_run_json(c, "report_submissions", 0, NULL, out, NULL, NULL);
}
