/* GET /determination: the five questions in plain language, and (when answered) the outcome
 * with its reasons. A GET form: the determination changes nothing, so the result can be
 * bookmarked and shared, and no CSRF token is needed. Same input reading and the same view
 * as POST /api/v1/determinations. */
#include "http/handlers.h"
#include "api/views.h"
#include "db/db.h"
#include "http/reply.h"
#include "web/page.h"

#include <string.h>

static const char *query_get(void *ctx, const char *name)
{
    return gk_req_query(ctx, name);
}

static void *arena_alloc(void *ctx, size_t n)
{
    return gk_req_alloc(ctx, n);
}

static const char *field_error(json_t *errs, const char *field)
{
    size_t i;
    json_t *e;
    json_array_foreach(errs, i, e)
    {
        if (!strcmp(json_string_value(json_object_get(e, "field")), field))
            return json_string_value(json_object_get(e, "message"));
    }
    return NULL;
}

void gk_h_determination_page(gk_request *r)
{
    gk_rule_catalog cat;
    gk_error e = gk_rule_sets_load(gk_db_conn(), arena_alloc, r, &cat);
    if (e != GK_ERR_OK) {
        gk_page_error(r, e, NULL);
        return;
    }
    bool asked = gk_req_query(r, "directly_connectable") != NULL;
    json_t *errs = NULL;
    gk_facts facts;
    gk_date filing;
    const char *opt_in = NULL;
    int bad = gk_determination_input(NULL, query_get, r, &facts, &filing, &opt_in, &errs,
                                     r->lang);
    json_t *model = json_object();
    gk_determination d;
    if (asked && !bad) {
        e = gk_determination_on(cat.sets, cat.n, &facts, filing, opt_in, &d);
        if (e == GK_ERR_OK) {
            json_t *v = gk_view_determination(&d, r->lang);
            json_object_set_new(v, "subject_with_security",
                                json_boolean(d.outcome == GK_OUTCOME_SUBJECT_WITH_SECURITY));
            json_object_set_new(v, "not_subject",
                                json_boolean(d.outcome == GK_OUTCOME_NOT_SUBJECT));
            json_object_set_new(model, "result", v);
        } else if (e == GK_ERR_VALIDATION) {
            for (size_t i = 0; i < d.n_missing; i++)
                gk_field_error_add(&errs, d.missing[i],
                                   strcmp(r->lang, "ja") ? "Please answer this question"
                                                         : "この質問に答えてください");
        } else {
            gk_field_error_add(&errs, opt_in ? "opt_in_rule_set" : "filing_date",
                               gk_error_title(e, r->lang));
        }
    }
    /* One entry per question, in the domain's order, with its answer and error. */
    json_t *questions = json_array();
    for (int i = 0; i < GK_FACT__COUNT; i++) {
        const char *name = gk_determination_fact_names[i];
        json_array_append_new(
            questions,
            json_pack("{s:s, s:b, s:b, s:s?}", "name", name, "yes",
                      facts.v[i] == GK_TRI_TRUE, "no", facts.v[i] == GK_TRI_FALSE, "error",
                      asked ? field_error(errs, gk_determination_fact_fields[i]) : NULL));
    }
    json_object_set_new(model, "questions", questions);
    json_t *sets = json_array();
    gk_date today = gk_date_today_utc();
    for (size_t i = 0; i < cat.n; i++) {
        char eff[11];
        gk_date_format(cat.sets[i].effective_on, eff);
        json_array_append_new(
            sets, json_pack("{s:s, s:s, s:s, s:b, s:s}", "id", cat.sets[i].id, "title",
                            strcmp(r->lang, "ja") ? cat.sets[i].title_en : cat.sets[i].title_ja,
                            "effective_on", eff, "selected",
                            opt_in && !strcmp(opt_in, cat.sets[i].id), "status",
                            gk_rule_set_status_name(
                                gk_rule_set_status_on(cat.sets, cat.n, &cat.sets[i], today))));
    }
    json_object_set_new(model, "rule_sets", sets);
    char fd[11];
    gk_date_format(filing, fd);
    json_object_set_new(model, "filing_date", json_string(fd));
    json_object_set_new(model, "filing_date_error",
                        asked && field_error(errs, "filing_date")
                            ? json_string(field_error(errs, "filing_date"))
                            : json_null());
    json_object_set_new(model, "opt_in_error",
                        asked && field_error(errs, "opt_in_rule_set")
                            ? json_string(field_error(errs, "opt_in_rule_set"))
                            : json_null());
    bool refused = asked && errs;
    json_object_set_new(model, "has_errors", json_boolean(refused));
    json_decref(errs);
    /* A refused form is answered 422 like the API, with the page showing each error next to
     * its field (browsers render the page whatever the status). */
    gk_page_render(r, refused ? 422 : 200, "determination", model);
}
