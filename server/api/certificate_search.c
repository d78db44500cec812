/* GET /api/v1/certificates: the regulator's list (public). Filters and keyset pagination from
 * db/certificate_search.h; the public sees the published fields, staff see more. */
#include "http/handlers.h"
#include "api/registry.h"
#include "db/certificate_search.h"
#include "db/db.h"
#include "http/reply.h"
#include "log.h"

#include <string.h>

static const char *query_get(void *ctx, const char *name)
{
    return gk_req_query(ctx, name);
}

bool gk_registry_is_staff(const gk_request *r)
{
    return (r->user.role & (GK_ROLE_REGULATOR | GK_ROLE_EXAMINER | GK_ROLE_ADMIN)) != 0;
}

int gk_registry_query(gk_request *r, gk_cert_query *q)
{
    json_t *errs = NULL;
    if (gk_cert_query_parse(q, query_get, r, &errs, r->lang)) {
        gk_reply_problem(r, GK_ERR_BAD_QUERY, NULL, errs);
        return -1;
    }
    return 0;
}

json_t *gk_registry_page(gk_request *r, const gk_cert_query *q, gk_error *err)
{
    gk_cert_sql s;
    *err = GK_ERR_OK;
    if (gk_cert_sql_build(q, GK_CERT_SQL_LIST, &s)) {
        *err = GK_ERR_INTERNAL;
        return NULL;
    }
    PGresult *res = gk_cert_search_exec(gk_db_read_conn(), &s);
    gk_cert_sql_free(&s);
    if (!res) {
        *err = GK_ERR_UNAVAILABLE;
        return NULL;
    }
    if (!gk_db_ok(res)) {
        gk_log("bug", "certificate search failed",
               json_pack("{s:s}", "error", PQresultErrorMessage(res)));
        PQclear(res);
        *err = GK_ERR_INTERNAL;
        return NULL;
    }
    bool staff = gk_registry_is_staff(r);
    int n = PQntuples(res), shown = n > q->limit ? q->limit : n;
    json_t *items = json_array();
    for (int i = 0; items && i < shown; i++) {
        json_t *row = gk_cert_row_json(res, i, staff);
        if (!row || json_array_append_new(items, row)) {
            json_decref(items);
            items = NULL;
        }
    }
    json_t *next = json_null();
    if (items && n > q->limit) {
        char cursor[96];
        gk_date d;
        if (gk_date_parse(PQgetvalue(res, shown - 1, GK_CERT_COL_GRANTED_ON), &d)) {
            gk_cert_cursor_make(q, d, PQgetvalue(res, shown - 1, GK_CERT_COL_NUMBER), cursor,
                                sizeof cursor);
            next = json_string(cursor);
        }
    }
    PQclear(res);
    json_t *page = items ? json_pack("{s:o, s:o}", "items", items, "next", next) : NULL;
    if (!page) *err = GK_ERR_INTERNAL;
    return page;
}

void gk_h_certificates_list(gk_request *r)
{
    gk_cert_query q;
    if (gk_registry_query(r, &q)) return;
    gk_error e;
    json_t *page = gk_registry_page(r, &q, &e);
    if (!page) {
        gk_reply_problem(r, e, NULL, NULL);
        return;
    }
    gk_reply_json(r, 200, page);
}
