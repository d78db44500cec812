/* GET /determination: the five questions in plain language, and (when answered) the outcome
 * with its reasons. A GET form: the determination changes nothing, so the result can be
 * bookmarked and shared, and no CSRF token is needed. Same input reading and the same view
 * as POST /api/v1/determinations (service/determinations.h). */
#include "http/handlers.h"
#include "render/i18n.h"
#include "http/reply.h"
#include "http/service_call.h"
#include "service/determinations.h"
#include "web/page.h"

#include <string.h>

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

/* The rule sets offered for an opt-in, titled in the page's language. */
static json_t *rule_set_choices(const gk_call *call, json_t *list, const char *opt_in)
{
    json_t *sets = json_array();
    size_t i;
    json_t *s;
    bool ja = gk_lang_is_ja(call->lang);
    json_array_foreach(json_object_get(list, "items"), i, s)
    {
        const char *id = json_string_value(json_object_get(s, "id"));
        json_array_append_new(sets,
                              json_pack("{s:O, s:O, s:O, s:b, s:O}", "id", json_object_get(s, "id"),
                                        "title", json_object_get(s, ja ? "title_ja" : "title_en"),
                                        "effective_on", json_object_get(s, "effective_on"),
                                        "selected", opt_in && id && !strcmp(opt_in, id), "status",
                                        json_object_get(s, "status")));
    }
    return sets;
}

void gk_h_determination_page(gk_request *r)
{
    gk_call call = gk_call_of(r);
    gk_outcome sets = {0};
    gk_svc_rule_sets_list(&call, &sets);
    if (sets.err != GK_ERR_OK) {
        gk_page_error(r, sets.err, NULL);
        gk_outcome_clear(&sets);
        return;
    }
    bool asked = gk_req_query(r, "directly_connectable") != NULL ||
                 gk_req_query(r, "connectable_to_carrier_line") != NULL;
    json_t *errs = NULL;
    gk_determination_in in;
    int bad = gk_svc_determination_read(&call, NULL, gk_query_get, r, &in, &errs);
    json_t *model = json_object();
    if (asked && !bad) {
        gk_outcome out = {0};
        gk_svc_determine(&call, &in, "determination.fact.unanswered", &out);
        if (out.err == GK_ERR_OK) {
            json_t *v = out.view;
            const char *o = json_string_value(json_object_get(v, "outcome"));
            json_object_set_new(v, "subject_with_security",
                                json_boolean(o && !strcmp(o, "subject_with_security")));
            json_object_set_new(v, "not_subject", json_boolean(o && !strcmp(o, "not_subject")));
            json_object_set(model, "result", v);
        } else if (out.errors) {
            errs = out.errors;
            out.errors = NULL;
        } else {
            gk_page_error(r, out.err, NULL);
            gk_outcome_clear(&out);
            gk_outcome_clear(&sets);
            json_decref(model);
            return;
        }
        gk_outcome_clear(&out);
    }
    /* One entry per question, in the domain's order (the shorthand is not asked). */
    json_t *questions = json_array();
    for (size_t k = 0; k < GK_QUESTION_COUNT; k++) {
        int i = gk_determination_questions[k];
        json_array_append_new(
            questions,
            json_pack("{s:s, s:b, s:b, s:s?}", "name", gk_determination_fact_names[i], "yes",
                      in.facts.v[i] == GK_TRI_TRUE, "no", in.facts.v[i] == GK_TRI_FALSE, "error",
                      asked ? field_error(errs, gk_determination_fact_fields[i]) : NULL));
    }
    json_object_set_new(model, "questions", questions);
    json_object_set_new(model, "rule_sets", rule_set_choices(&call, sets.view, in.opt_in_rule_set));
    gk_outcome_clear(&sets);
    char fd[GK_DATE_BUF];
    json_object_set_new(model, "filing_date", json_string(gk_date_format(in.filing_date, fd)));
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
