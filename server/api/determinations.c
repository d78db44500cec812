/* POST /api/v1/determinations (stateless, public) and the rule-set and category lists. */
#include "http/handlers.h"
#include "api/views.h"
#include "db/db.h"
#include "db/tx.h"
#include "http/reply.h"
#include "log.h"

#include <string.h>

static const gk_stmt stmts[] = {
    {"categories_all", "SELECT id, title_en, title_ja, class_letters FROM device_categories"
                       " ORDER BY sort_order, id"},
    {"category_get", "SELECT id, title_en, title_ja, class_letters FROM device_categories"
                     " WHERE id = $1"},
};

void gk_determinations_register(void)
{
    gk_db_register(stmts, sizeof stmts / sizeof *stmts);
    gk_rule_sets_register();
}

static const char *L(const char *lang, const char *en, const char *ja)
{
    return lang && !strcmp(lang, "ja") ? ja : en;
}

json_t *gk_view_determination(const gk_determination *d, const char *lang)
{
    json_t *reqs = json_array(), *obl = json_array(), *rat = json_array();
    for (size_t i = 0; i < d->n_requirements; i++)
        json_array_append_new(reqs, json_string(d->requirements[i]));
    for (size_t i = 0; i < d->n_obligations; i++)
        json_array_append_new(obl, json_string(d->obligations[i]));
    for (size_t i = 0; i < d->n_rationale; i++) {
        const gk_rationale_entry *e = &d->rationale[i];
        json_array_append_new(
            rat, json_pack("{s:s, s:b, s:b, s:s, s:s, s:s}", "test", e->name, "holds", e->holds,
                           "decisive", e->decisive, "reason",
                           L(lang, e->reason_en, e->reason_ja), "reason_en", e->reason_en,
                           "reason_ja", e->reason_ja));
    }
    return json_pack("{s:s, s:s, s:o, s:o, s:o}", "outcome", gk_outcome_name(d->outcome),
                     "rule_set", d->rule_set ? d->rule_set->id : "", "requirements", reqs,
                     "obligations", obl, "rationale", rat);
}

json_t *gk_view_rule_set(const gk_rule_catalog *cat, size_t i, gk_date today)
{
    const gk_rule_set *s = &cat->sets[i];
    const gk_rule_set_text *t = &cat->texts[i];
    char prom[11], eff[11];
    gk_date_format(s->promulgated_on, prom);
    gk_date_format(s->effective_on, eff);
    json_t *reqs = json_array();
    for (size_t q = 0; q < s->n_requirements; q++) {
        const gk_requirement *rq = &s->requirements[q];
        const gk_requirement_text *rt = &t->requirement_texts[q];
        json_t *measures = json_array();
        for (size_t m = 0; m < rq->n_measures; m++)
            json_array_append_new(measures,
                                  json_pack("{s:s, s:s, s:s}", "id", rq->measures[m],
                                            "title_en", rt->measure_titles_en[m], "title_ja",
                                            rt->measure_titles_ja[m]));
        json_array_append_new(
            reqs, json_pack("{s:s, s:s, s:s, s:s, s:s?, s:s?, s:s?, s:o}", "id", rq->id, "kind",
                            gk_requirement_kind_name(rq->kind), "title_en", rq->title_en,
                            "title_ja", rq->title_ja, "description_en", rt->description_en,
                            "description_ja", rt->description_ja, "article", rq->legal_basis,
                            "measures", measures));
    }
    return json_pack(
        "{s:s, s:s, s:s, s:s?, s:s?, s:s, s:s, s:i, s:s, s:o}", "id", s->id, "title_en",
        s->title_en, "title_ja", s->title_ja, "ordinance_en", t->ordinance_en, "ordinance_ja",
        t->ordinance_ja, "promulgated_on", prom, "effective_on", eff, "grace_days",
        gk_rule_set_grace_days(s), "status",
        gk_rule_set_status_name(gk_rule_set_status_on(cat->sets, cat->n, s, today)),
        "requirements", reqs);
}

int gk_determination_input(json_t *body, gk_text_getter get, void *ctx, gk_facts *facts,
                           gk_date *filing_date, const char **opt_in, json_t **errors,
                           const char *lang)
{
    int bad = 0;
    memset(facts, 0, sizeof *facts);
    json_t *jf = body ? json_object_get(body, "facts") : NULL;
    if (body && jf && !json_is_object(jf)) {
        gk_field_error_add(errors, "facts",
                           L(lang, "Must be an object of true/false facts",
                             "true/false の事実を持つオブジェクトにしてください"));
        return 1;
    }
    if (body && !jf) {
        gk_field_error_add(errors, "facts",
                           L(lang, "This field is required", "この項目は必須です"));
        bad++;
    }
    for (int i = 0; i < GK_FACT__COUNT; i++) {
        const char *name = gk_determination_fact_names[i];
        if (body) {
            json_t *v = jf ? json_object_get(jf, name) : NULL;
            if (!jf) continue; /* "facts" itself is reported */
            if (!v || json_is_null(v)) {
                /* Reported here with the other field errors, so one answer lists all. */
                gk_field_error_add(errors, gk_determination_fact_fields[i],
                                   L(lang, "This fact is required", "この事実の回答が必要です"));
                bad++;
                continue;
            }
            if (!json_is_boolean(v)) {
                gk_field_error_add(errors, gk_determination_fact_fields[i],
                                   L(lang, "Must be true or false",
                                     "true か false を指定してください"));
                bad++;
                continue;
            }
            facts->v[i] = json_is_true(v) ? GK_TRI_TRUE : GK_TRI_FALSE;
        } else {
            const char *t = get(ctx, name);
            if (!t || !*t) continue;
            if (!strcmp(t, "true") || !strcmp(t, "yes"))
                facts->v[i] = GK_TRI_TRUE;
            else if (!strcmp(t, "false") || !strcmp(t, "no"))
                facts->v[i] = GK_TRI_FALSE;
            else {
                gk_field_error_add(errors, gk_determination_fact_fields[i],
                                   L(lang, "Must be yes or no", "はい か いいえ を選んでください"));
                bad++;
            }
        }
    }
    if (body && jf) {
        const char *key;
        json_t *v;
        json_object_foreach(jf, key, v)
        {
            if (gk_determination_fact_index(key) >= 0) continue;
            char field[160];
            snprintf(field, sizeof field, "facts.%.140s", key);
            gk_field_error_add(errors, field, L(lang, "Unknown fact", "不明な項目です"));
            bad++;
        }
    }
    /* filing_date: today when absent (what an applicant filing now would get). */
    *filing_date = gk_date_today_utc();
    json_t *jd = body ? json_object_get(body, "filing_date") : NULL;
    const char *ds = body ? (jd && json_is_string(jd) ? json_string_value(jd) : NULL)
                          : get(ctx, "filing_date");
    if ((body && jd && !json_is_null(jd) && !ds) || (ds && *ds && !gk_date_parse(ds, filing_date))) {
        gk_field_error_add(errors, "filing_date",
                           L(lang, "Must be a date YYYY-MM-DD",
                             "日付は YYYY-MM-DD 形式で入力してください"));
        bad++;
    }
    json_t *jo = body ? json_object_get(body, "opt_in_rule_set") : NULL;
    *opt_in = body ? (jo && json_is_string(jo) ? json_string_value(jo) : NULL)
                   : get(ctx, "opt_in_rule_set");
    if (*opt_in && !**opt_in) *opt_in = NULL;
    if (body && jo && !json_is_null(jo) && !json_is_string(jo)) {
        gk_field_error_add(errors, "opt_in_rule_set",
                           L(lang, "Must be a rule set id or null",
                             "規則のIDか null を指定してください"));
        bad++;
    }
    return bad;
}

static void *arena_alloc(void *ctx, size_t n)
{
    return gk_req_alloc(ctx, n);
}

/* Map the domain's refusal to a reply naming the field. */
static void reply_determination_error(gk_request *r, gk_error e, const gk_determination *d,
                                      const char *opt_in)
{
    json_t *errs = NULL;
    if (e == GK_ERR_VALIDATION) {
        for (size_t i = 0; i < d->n_missing; i++)
            gk_field_error_add(&errs, d->missing[i],
                               L(r->lang, "This fact is required", "この事実の回答が必要です"));
    } else {
        gk_field_error_add(&errs, opt_in ? "opt_in_rule_set" : "filing_date",
                           gk_error_title(e, r->lang));
    }
    gk_reply_problem(r, e, NULL, errs);
}

void gk_h_determinations_create(gk_request *r)
{
    json_t *errs = NULL;
    gk_facts facts;
    gk_date filing;
    const char *opt_in;
    if (gk_determination_input(r->json, NULL, NULL, &facts, &filing, &opt_in, &errs, r->lang)) {
        gk_reply_problem(r, GK_ERR_VALIDATION, NULL, errs);
        return;
    }
    gk_rule_catalog cat;
    gk_error e = gk_rule_sets_load(gk_db_conn(), arena_alloc, r, &cat);
    if (e != GK_ERR_OK) {
        gk_reply_problem(r, e, NULL, NULL);
        return;
    }
    gk_determination d;
    e = gk_determination_on(cat.sets, cat.n, &facts, filing, opt_in, &d);
    if (e != GK_ERR_OK) {
        reply_determination_error(r, e, &d, opt_in);
        return;
    }
    json_t *v = gk_view_determination(&d, r->lang);
    char fd[11];
    gk_date_format(filing, fd);
    json_object_set_new(v, "filing_date", json_string(fd));
    json_object_set_new(v, "opt_in_rule_set", opt_in ? json_string(opt_in) : json_null());
    gk_reply_json(r, 200, v);
}

void gk_h_rule_sets_list(gk_request *r)
{
    gk_rule_catalog cat;
    gk_error e = gk_rule_sets_load(gk_db_conn(), arena_alloc, r, &cat);
    if (e != GK_ERR_OK) {
        gk_reply_problem(r, e, NULL, NULL);
        return;
    }
    gk_date today = gk_date_today_utc();
    json_t *items = json_array();
    for (size_t i = 0; i < cat.n; i++) json_array_append_new(items, gk_view_rule_set(&cat, i, today));
    const gk_rule_set *now = gk_rule_set_in_force(cat.sets, cat.n, today);
    gk_reply_json(r, 200, json_pack("{s:o, s:s?}", "items", items, "in_force",
                                    now ? now->id : NULL));
}

void gk_h_rule_sets_get(gk_request *r)
{
    gk_rule_catalog cat;
    gk_error e = gk_rule_sets_load(gk_db_conn(), arena_alloc, r, &cat);
    if (e != GK_ERR_OK) {
        gk_reply_problem(r, e, NULL, NULL);
        return;
    }
    for (size_t i = 0; i < cat.n; i++) {
        if (!strcmp(cat.sets[i].id, r->params[0])) {
            gk_reply_json(r, 200, gk_view_rule_set(&cat, i, gk_date_today_utc()));
            return;
        }
    }
    gk_reply_problem(r, GK_ERR_NOT_FOUND, NULL, NULL);
}

static json_t *category_row(const PGresult *res, int i)
{
    return json_pack("{s:s, s:s, s:s, s:s}", "id", PQgetvalue(res, i, 0), "title_en",
                     PQgetvalue(res, i, 1), "title_ja", PQgetvalue(res, i, 2), "class_letters",
                     PQgetvalue(res, i, 3));
}

void gk_h_categories_list(gk_request *r)
{
    PGresult *res = gk_db_exec(gk_db_read_conn(), "categories_all", 0, NULL);
    if (!res || gk_tx_check(res, "categories_all") != GK_TX_OK) {
        gk_reply_problem(r, res ? GK_ERR_INTERNAL : GK_ERR_UNAVAILABLE, NULL, NULL);
        if (res) PQclear(res);
        return;
    }
    json_t *items = json_array();
    for (int i = 0; i < PQntuples(res); i++) json_array_append_new(items, category_row(res, i));
    PQclear(res);
    gk_reply_json(r, 200, json_pack("{s:o, s:n}", "items", items, "next"));
}

void gk_h_categories_get(gk_request *r)
{
    const char *v[] = {r->params[0]};
    PGresult *res = gk_db_exec(gk_db_read_conn(), "category_get", 1, v);
    if (!res || gk_tx_check(res, "category_get") != GK_TX_OK) {
        gk_reply_problem(r, res ? GK_ERR_INTERNAL : GK_ERR_UNAVAILABLE, NULL, NULL);
        if (res) PQclear(res);
        return;
    }
    if (PQntuples(res) == 0)
        gk_reply_problem(r, GK_ERR_NOT_FOUND, NULL, NULL);
    else
        gk_reply_json(r, 200, category_row(res, 0));
    PQclear(res);
}
