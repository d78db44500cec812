/* The examiner pages: the queue (filters as query parameters, bookmarkable) and the case page
 * with every examination form. Forms post to /examination/{id}/{action} and run the same
 * operations as the API (api/examination.h). Post/redirect/get: success answers 303 to the
 * case page with ?done=<action>; a refused form re-renders the case with the errors next to
 * that form's fields (status 409/422/403 as the API would answer). */
#include "api/examination.h"
#include "http/handlers.h"
#include "db/applications.h"
#include "http/fields.h"
#include "http/reply.h"
#include "web/page.h"

#include <stdlib.h>
#include <string.h>

static const char *L(gk_request *r, const char *en, const char *ja)
{
    return r->lang && !strcmp(r->lang, "ja") ? ja : en;
}

static const char *const ACTIONS[] = {"assign",   "evidence", "verdict", "info-request",
                                      "equivalence", "proposal", "review",  NULL};

static bool known_action(const char *a)
{
    for (size_t i = 0; a && ACTIONS[i]; i++)
        if (!strcmp(a, ACTIONS[i])) return true;
    return false;
}

/* ---- the queue ----------------------------------------------------------------------------- */

void gk_h_page_exam_queue(gk_request *r)
{
    static const char *const statuses[] = {"submitted", "in_review", "info_requested",
                                           "proposed", NULL};
    const char *status = gk_req_query(r, "status");
    const char *assignee = gk_req_query(r, "assignee");
    const char *age = gk_req_query(r, "min_age_days");
    const char *after = gk_req_query(r, "after");
    json_t *errors = NULL;
    bool ok_status = !status || !*status;
    for (size_t i = 0; !ok_status && statuses[i]; i++) ok_status = !strcmp(status, statuses[i]);
    if (!ok_status) {
        gk_field_error_add(&errors, "status", L(r, "unknown status", "不明な状態です"));
        status = NULL;
    }
    if (status && !*status) status = NULL;
    const char *who = NULL;
    if (assignee && !strcmp(assignee, "me")) who = r->user.id;
    else if (assignee && !strcmp(assignee, "none")) who = "none";
    long min_age = 0;
    if (age && *age) {
        char *end = NULL;
        min_age = strtol(age, &end, 10);
        if (*end || min_age < 0 || min_age > 36500) {
            gk_field_error_add(&errors, "min_age_days",
                               L(r, "a whole number of days", "日数を整数で入力してください"));
            min_age = 0;
        }
    }
    if (after && !gk_db_is_uuid(after)) after = NULL;
    gk_exam_outcome o;
    gk_exam_queue(r, status, who, min_age, after, 50, &o);
    if (o.err != GK_ERR_OK) {
        json_decref(errors);
        gk_exam_outcome_clear(&o);
        gk_page_error(r, o.err, NULL);
        return;
    }
    json_t *m = o.view;
    o.view = NULL;
    json_t *q = json_pack("{s:s, s:s, s:s}", "status", status ? status : "", "assignee",
                          assignee ? assignee : "", "min_age_days", age ? age : "");
    json_t *opts = json_array();
    for (size_t i = 0; statuses[i]; i++)
        json_array_append_new(opts, json_pack("{s:s, s:b}", "value", statuses[i], "selected",
                                              status && !strcmp(status, statuses[i])));
    json_object_set_new(q, "statuses", opts);
    json_object_set_new(q, "me", json_boolean(assignee && !strcmp(assignee, "me")));
    json_object_set_new(q, "none", json_boolean(assignee && !strcmp(assignee, "none")));
    json_object_set_new(m, "query", q);
    json_object_set_new(m, "errors", errors ? errors : json_array());
    const char *next = json_string_value(json_object_get(m, "next"));
    if (next)
        json_object_set_new(m, "next_url",
                            json_string(gk_req_printf(r, "/examination?status=%s&assignee=%s"
                                                         "&min_age_days=%ld&after=%s",
                                                      status ? status : "",
                                                      assignee ? assignee : "", min_age, next)));
    gk_page_render(r, errors ? 400 : 200, "exam_queue", m);
}

/* ---- the case page ------------------------------------------------------------------------- */

/* Renders the case with an optional refused form (action, outcome). */
static void render_case(gk_request *r, const char *id, const char *failed_action,
                        gk_exam_outcome *failed)
{
    gk_exam_outcome o;
    gk_exam_case(r, id, &o);
    if (o.err != GK_ERR_OK) {
        gk_exam_outcome_clear(&o);
        gk_page_error(r, o.err, NULL);
        return;
    }
    json_t *m = o.view;
    o.view = NULL;
    json_t *app = json_object_get(m, "application");
    const char *status = json_string_value(json_object_get(app, "status"));
    bool examinable = status && (!strcmp(status, "in_review") || !strcmp(status, "info_requested"));
    bool examiner = r->user.role == GK_ROLE_EXAMINER;
    json_t *proposals = json_object_get(json_object_get(m, "examination"), "proposals");
    json_t *open = NULL;
    size_t i;
    json_t *p;
    json_array_foreach(proposals, i, p)
    {
        if (json_is_null(json_object_get(p, "reviewed_at"))) open = p;
    }
    const char *proposer = open ? json_string_value(json_object_get(open, "proposed_by")) : NULL;
    json_object_set_new(m, "can_examine", json_boolean(examiner && examinable));
    json_object_set_new(m, "can_assign",
                        json_boolean((examiner || r->user.role == GK_ROLE_ADMIN) && status &&
                                     (!strcmp(status, "submitted") || examinable)));
    json_object_set_new(m, "can_request_info",
                        json_boolean(examiner && status && !strcmp(status, "in_review")));
    json_object_set_new(m, "can_propose",
                        json_boolean(examiner && status && !strcmp(status, "in_review")));
    json_object_set_new(m, "can_equivalence",
                        json_boolean(examiner && examinable &&
                                     !strcmp(json_string_value(json_object_get(
                                                 json_object_get(app, "determination"),
                                                 "outcome")) ?: "",
                                             "subject_with_security")));
    json_object_set_new(m, "open_proposal", open ? json_incref(open) : json_null());
    json_object_set_new(m, "can_review",
                        json_boolean(examiner && open && status && !strcmp(status, "proposed") &&
                                     proposer && r->user.id && strcmp(proposer, r->user.id)));
    json_object_set_new(m, "own_proposal",
                        json_boolean(open && proposer && r->user.id &&
                                     !strcmp(proposer, r->user.id)));
    json_object_set_new(m, "me", json_string(r->user.id ? r->user.id : ""));
    const char *done = gk_req_query(r, "done");
    if (done && known_action(done)) json_object_set_new(m, "done", json_string(done));
    unsigned code = 200;
    if (failed) {
        json_t *err = json_pack("{s:s, s:s, s:s?, s:o}", "action", failed_action, "title",
                                gk_error_title(failed->err, r->lang), "detail", failed->detail,
                                "fields", failed->errors ? failed->errors : json_array());
        failed->errors = NULL;
        /* The error sits next to its form: "form_error.<action without dash>". */
        char key[32];
        size_t k = 0;
        for (const char *s = failed_action; *s && k + 1 < sizeof key; s++)
            key[k++] = *s == '-' ? '_' : *s;
        key[k] = 0;
        json_t *fe = json_object();
        json_object_set_new(fe, key, err);
        json_object_set_new(m, "form_error", fe);
        const char *req = gk_form_get(r, "requirement");
        if (req) json_object_set_new(m, "failed_requirement", json_string(req));
        code = gk_error_status(failed->err);
    }
    gk_page_render(r, code, "exam_case", m);
}

void gk_h_page_exam_case(gk_request *r)
{
    render_case(r, r->params[0], NULL, NULL);
}

/* Document ids ticked on the evidence form: fields named doc_<uuid>. */
static size_t ticked_documents(gk_request *r, const char **ids, size_t max)
{
    size_t n = 0;
    const char *s = r->body;
    while (s && *s && n < max) {
        const char *amp = strchr(s, '&');
        size_t len = amp ? (size_t)(amp - s) : strlen(s);
        if (len > 4 + 36 && !strncmp(s, "doc_", 4) && s[4 + 36] == '=') {
            char *id = gk_req_alloc(r, 37);
            if (!id) break;
            memcpy(id, s + 4, 36);
            id[36] = 0;
            if (gk_db_is_uuid(id)) ids[n++] = id;
        }
        s = amp ? amp + 1 : NULL;
    }
    return n;
}

static const char *form(gk_request *r, const char *name)
{
    const char *v = gk_form_get(r, name);
    return v && *v ? v : NULL;
}

void gk_h_page_exam_post(gk_request *r)
{
    const char *id = r->params[0], *action = r->params[1];
    if (!known_action(action)) {
        gk_page_error(r, GK_ERR_NOT_FOUND, NULL);
        return;
    }
    gk_exam_outcome o;
    memset(&o, 0, sizeof o);
    bool examiner_only = strcmp(action, "assign") != 0;
    if (examiner_only && r->user.role != GK_ROLE_EXAMINER) {
        gk_page_error(r, GK_ERR_FORBIDDEN, NULL);
        return;
    }
    const char *missing = NULL;
    if (!strcmp(action, "assign")) {
        const char *ex = form(r, "examiner_id");
        if (!ex) missing = "examiner_id";
        else gk_exam_assign(r, id, ex, &o);
    } else if (!strcmp(action, "evidence")) {
        const char *req = form(r, "requirement"), *proc = form(r, "procedure"),
                   *res = form(r, "result");
        const char *docs[64];
        size_t n = ticked_documents(r, docs, 64);
        if (!req) missing = "requirement";
        else if (!proc) missing = "procedure";
        else if (!res) missing = "result";
        else gk_exam_evidence(r, id, req, proc, res, docs, n, &o);
    } else if (!strcmp(action, "verdict")) {
        const char *req = form(r, "requirement"), *v = form(r, "verdict");
        static const char *const verdicts[] = {"pass", "fail", "not_applicable",
                                               "met_by_equivalence", NULL};
        bool ok = false;
        for (size_t i = 0; v && verdicts[i]; i++) ok |= !strcmp(v, verdicts[i]);
        if (!req) missing = "requirement";
        else if (!ok) missing = "verdict";
        else gk_exam_verdict(r, id, req, v, form(r, "reason"), &o);
    } else if (!strcmp(action, "info-request")) {
        const char *msg = form(r, "message");
        if (!msg) missing = "message";
        else gk_exam_info_request(r, id, msg, &o);
    } else if (!strcmp(action, "equivalence")) {
        const char *cc = form(r, "cc_certificate_id"), *why = form(r, "rationale"),
                   *acc = form(r, "accepted");
        if (!cc) missing = "cc_certificate_id";
        else if (!why) missing = "rationale";
        else if (!acc) missing = "accepted";
        else gk_exam_equivalence(r, id, cc, !strcmp(acc, "true"), why, &o);
    } else if (!strcmp(action, "proposal")) {
        const char *d = form(r, "decision"), *why = form(r, "reason");
        if (!d || (strcmp(d, "grant") && strcmp(d, "reject"))) missing = "decision";
        else if (!why) missing = "reason";
        else gk_exam_propose(r, id, d, why, &o);
    } else {
        const char *ap = form(r, "approve");
        if (!ap) missing = "approve";
        else gk_exam_review(r, id, !strcmp(ap, "true"), form(r, "comment"), &o);
    }
    if (missing) {
        o.err = GK_ERR_VALIDATION;
        gk_field_error_add(&o.errors, missing, L(r, "required", "入力してください"));
    }
    if (o.err == GK_ERR_OK) {
        gk_exam_outcome_clear(&o);
        gk_reply_redirect(r, 303, gk_req_printf(r, "/examination/%s?done=%s", id, action));
        return;
    }
    if (o.err == GK_ERR_NOT_FOUND || o.err == GK_ERR_UNAVAILABLE || o.err == GK_ERR_INTERNAL) {
        gk_exam_outcome_clear(&o);
        gk_page_error(r, o.err, NULL);
        return;
    }
    r->error = o.err;
    render_case(r, id, action, &o);
    gk_exam_outcome_clear(&o);
}
