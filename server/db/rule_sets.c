#include "db/rule_sets.h"

#include "db/db.h"
#include "db/tx.h"
#include "log.h"

#include <stdlib.h>
#include <string.h>

/* One round trip: a row per (rule set, requirement, measure), outer-joined and ordered, so
 * the loader walks it once. */
static const gk_stmt stmts[] = {
    {"rule_sets_all",
     "SELECT s.id, s.title_en, s.title_ja, s.promulgated_on::text, s.effective_on::text,"
     "       s.ordinance_en, s.ordinance_ja,"
     "       q.id, q.kind, q.title_en, q.title_ja, q.description_en, q.description_ja,"
     "       q.article_ref, m.id, m.title_en, m.title_ja"
     "  FROM rule_sets s"
     "  LEFT JOIN requirements q ON q.rule_set_id = s.id"
     "  LEFT JOIN requirement_measures m"
     "         ON m.rule_set_id = q.rule_set_id AND m.requirement_id = q.id"
     " ORDER BY s.effective_on, s.id, q.sort_order, m.sort_order"},
    {"categories_all", "SELECT id, title_en, title_ja, class_letters FROM device_categories"
                       " ORDER BY sort_order, id"},
    {"category_get", "SELECT id, title_en, title_ja, class_letters FROM device_categories"
                     " WHERE id = $1"},
};

void gk_rule_sets_register(void)
{
    gk_db_register(stmts, sizeof stmts / sizeof *stmts);
}

typedef struct {
    void *(*alloc)(void *, size_t);
    void *ctx;
    bool failed;
} arena;

static void *take(arena *a, size_t n)
{
    void *p = a->failed ? NULL : a->alloc(a->ctx, n ? n : 1);
    if (!p)
        a->failed = true;
    else
        memset(p, 0, n ? n : 1);
    return p;
}

static const char *str(arena *a, const PGresult *r, int row, int col)
{
    if (PQgetisnull(r, row, col)) return NULL;
    const char *v = PQgetvalue(r, row, col);
    size_t n = strlen(v) + 1;
    char *d = take(a, n);
    if (d) memcpy(d, v, n);
    return d;
}

static bool same(const PGresult *r, int a, int b, int col)
{
    return !PQgetisnull(r, a, col) && !PQgetisnull(r, b, col) &&
           strcmp(PQgetvalue(r, a, col), PQgetvalue(r, b, col)) == 0;
}

gk_error gk_rule_sets_load(PGconn *c, void *(*alloc)(void *, size_t), void *ctx,
                           gk_rule_catalog *out)
{
    memset(out, 0, sizeof *out);
    PGresult *r = gk_db_exec(c, "rule_sets_all", 0, NULL);
    if (!r) return GK_ERR_UNAVAILABLE;
    if (gk_tx_check(r, "rule_sets_all") != GK_TX_OK) {
        PQclear(r);
        return GK_ERR_INTERNAL;
    }
    int rows = PQntuples(r);
    arena a = {alloc, ctx, false};
    /* Upper bounds from the row count; a few bytes wasted, one pass. */
    out->sets = take(&a, sizeof *out->sets * (size_t)(rows ? rows : 1));
    out->texts = take(&a, sizeof *out->texts * (size_t)(rows ? rows : 1));
    for (int i = 0; i < rows && !a.failed;) {
        gk_rule_set *s = &out->sets[out->n];
        gk_rule_set_text *t = &out->texts[out->n];
        out->n++;
        s->id = str(&a, r, i, 0);
        s->title_en = str(&a, r, i, 1);
        s->title_ja = str(&a, r, i, 2);
        s->legal_basis = str(&a, r, i, 6);
        gk_date_parse(PQgetvalue(r, i, 3), &s->promulgated_on);
        gk_date_parse(PQgetvalue(r, i, 4), &s->effective_on);
        t->ordinance_en = str(&a, r, i, 5);
        t->ordinance_ja = str(&a, r, i, 6);
        int end = i;
        while (end < rows && same(r, end, i, 0))
            end++;
        size_t nreq = 0;
        for (int k = i; k < end; k++)
            if (!PQgetisnull(r, k, 7) && (k == i || !same(r, k, k - 1, 7))) nreq++;
        gk_requirement *reqs = take(&a, sizeof *reqs * nreq);
        gk_requirement_text *rt = take(&a, sizeof *rt * nreq);
        s->requirements = reqs;
        s->n_requirements = nreq;
        t->requirement_texts = rt;
        size_t q = 0;
        for (int k = i; k < end && !a.failed;) {
            if (PQgetisnull(r, k, 7)) {
                k++;
                continue;
            }
            int qend = k;
            while (qend < end && same(r, qend, k, 7))
                qend++;
            gk_requirement *req = &reqs[q];
            req->id = str(&a, r, k, 7);
            req->kind = strcmp(PQgetvalue(r, k, 8), "equivalence") == 0 ? GK_REQ_KIND_EQUIVALENCE
                                                                        : GK_REQ_KIND_REQUIREMENT;
            req->title_en = str(&a, r, k, 9);
            req->title_ja = str(&a, r, k, 10);
            req->legal_basis = str(&a, r, k, 13);
            rt[q].description_en = str(&a, r, k, 11);
            rt[q].description_ja = str(&a, r, k, 12);
            size_t nm = 0;
            for (int m = k; m < qend; m++)
                nm += !PQgetisnull(r, m, 14);
            const char **ids = take(&a, sizeof *ids * nm);
            const char **ten = take(&a, sizeof *ten * nm);
            const char **tja = take(&a, sizeof *tja * nm);
            for (int m = k, j = 0; m < qend && !a.failed; m++) {
                if (PQgetisnull(r, m, 14)) continue;
                ids[j] = str(&a, r, m, 14);
                ten[j] = str(&a, r, m, 15);
                tja[j] = str(&a, r, m, 16);
                j++;
            }
            req->measures = ids;
            req->n_measures = nm;
            rt[q].measure_titles_en = ten;
            rt[q].measure_titles_ja = tja;
            q++;
            k = qend;
        }
        i = end;
    }
    PQclear(r);
    if (a.failed) return GK_ERR_INTERNAL;
    const char *problem = NULL;
    if (gk_rule_set_check(out->sets, out->n, &problem) != GK_ERR_OK) {
        gk_log("bug", "rule sets in the database are inconsistent",
               json_pack("{s:s}", "problem", problem ? problem : "?"));
        return GK_ERR_INTERNAL;
    }
    return GK_ERR_OK;
}

static json_t *category_row(const PGresult *res, int i)
{
    return json_pack("{s:s, s:s, s:s, s:s}", "id", PQgetvalue(res, i, 0), "title_en",
                     PQgetvalue(res, i, 1), "title_ja", PQgetvalue(res, i, 2), "class_letters",
                     PQgetvalue(res, i, 3));
}

/* Runs a category statement; NULL with *e set when it failed. */
static PGresult *categories_exec(PGconn *c, const char *stmt, int n, const char *const *v,
                                 gk_error *e)
{
    PGresult *res = c ? gk_db_exec(c, stmt, n, v) : NULL;
    if (!res) {
        *e = GK_ERR_UNAVAILABLE;
        return NULL;
    }
    if (gk_tx_check(res, stmt) != GK_TX_OK) {
        PQclear(res);
        *e = GK_ERR_INTERNAL;
        return NULL;
    }
    return res;
}

gk_error gk_categories_list(PGconn *c, json_t **items)
{
    gk_error e = GK_ERR_OK;
    *items = NULL;
    PGresult *res = categories_exec(c, "categories_all", 0, NULL, &e);
    if (!res) return e;
    json_t *a = json_array();
    for (int i = 0; a && i < PQntuples(res); i++)
        json_array_append_new(a, category_row(res, i));
    PQclear(res);
    *items = a;
    return a ? GK_ERR_OK : GK_ERR_INTERNAL;
}

gk_error gk_category_get(PGconn *c, const char *id, json_t **out)
{
    gk_error e = GK_ERR_OK;
    const char *v[] = {id};
    *out = NULL;
    PGresult *res = categories_exec(c, "category_get", 1, v, &e);
    if (!res) return e;
    if (PQntuples(res) > 0) *out = category_row(res, 0);
    e = PQntuples(res) == 0 ? GK_ERR_NOT_FOUND : *out ? GK_ERR_OK : GK_ERR_INTERNAL;
    PQclear(res);
    return e;
}
