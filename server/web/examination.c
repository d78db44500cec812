/* The examiner pages: the queue (filters as query parameters, bookmarkable) and the case page
 * with every examination form. Each form posts to its own route, /examination/{id}/<action>,
 * and runs the same operation as the API (service/examination.h) with the same field spec.
 * Post/redirect/get: success answers 303 to the case page with ?done=<action>; a refused
 * form re-renders the case with the errors next to that form's fields (status 409/422/403 as
 * the API would answer). */
#include "http/fields.h"
#include "http/handlers.h"
#include "http/reply.h"
#include "http/service_call.h"
#include "domain/lifecycle.h"
#include "service/examination.h"
#include "web/page.h"

#include <stdlib.h>
#include <string.h>

/* The forms, by the action of their route (?done=<action> names one). */
static const char *const ACTIONS[] = {"assign",      "evidence", "verdict", "info-request",
                                      "equivalence", "proposal", "review",  NULL};

/* The section of the case page each form returns to (issue 20: the page opens where the
 * action was taken, with a message naming it); evidence and verdicts return to their
 * requirement's card (#req-SR-1). */
static const char *const SECTIONS[] = {"h-req", "req",    "req",    "h-info",
                                       "h-eq",  "h-prop", "h-prop", NULL};

static bool known_action(const char *a)
{
    for (size_t i = 0; a && ACTIONS[i]; i++)
        if (!strcmp(a, ACTIONS[i])) return true;
    return false;
}

static const char *section_of(const char *a)
{
    for (size_t i = 0; a && ACTIONS[i]; i++)
        if (!strcmp(a, ACTIONS[i])) return SECTIONS[i];
    return "h-req";
}

static bool plain_id(const char *s);

/* ---- the queue ----------------------------------------------------------------------------- */

void gk_h_page_exam_queue(gk_request *r)
{
    gk_call call = gk_call_of(r);
    const char *status = gk_req_query(r, "status");
    const char *assignee = gk_req_query(r, "assignee");
    const char *age = gk_req_query(r, "min_age_days");
    const char *after = gk_req_query(r, "after");
    json_t *errors = NULL;
    if (status && !*status) status = NULL;
    bool ok_status = !status;
    for (const char *const *q = gk_lifecycle_queue_states; !ok_status && *q; q++)
        ok_status = !strcmp(status, *q);
    if (!ok_status) {
        gk_field_error_add(&errors, "status",
                           gk_call_msg(&call, "examination.queue.unknown_status"));
        status = NULL;
    }
    gk_exam_queue_in in = {.status = status, .limit = 50};
    if (assignee &&
        (!strcmp(assignee, "me") || !strcmp(assignee, "none") || !strcmp(assignee, "review")))
        in.assignee = assignee;
    if (age && *age) {
        char *end = NULL;
        long v = strtol(age, &end, 10);
        if (*end || v < 0 || v > 36500)
            gk_field_error_add(&errors, "min_age_days",
                               gk_call_msg(&call, "examination.queue.days"));
        else
            in.min_age_days = v;
    }
    in.after = after && *after ? after : NULL;
    gk_outcome o;
    gk_svc_exam_queue(&call, &in, &o);
    if (o.err == GK_ERR_BAD_QUERY && in.after) { /* a stale bookmark: the first page */
        in.after = NULL;
        gk_outcome_clear(&o);
        gk_svc_exam_queue(&call, &in, &o);
    }
    json_t *m = gk_page_view(r, &o);
    if (!m) {
        json_decref(errors);
        return;
    }
    json_t *q = json_pack("{s:s, s:s, s:s}", "status", status ? status : "", "assignee",
                          assignee ? assignee : "", "min_age_days", age ? age : "");
    json_t *opts = json_array();
    for (const char *const *st = gk_lifecycle_queue_states; *st; st++)
        json_array_append_new(opts, json_pack("{s:s, s:b}", "value", *st, "selected",
                                              status && !strcmp(status, *st)));
    json_object_set_new(q, "statuses", opts);
    json_object_set_new(q, "me", json_boolean(assignee && !strcmp(assignee, "me")));
    json_object_set_new(q, "none", json_boolean(assignee && !strcmp(assignee, "none")));
    json_object_set_new(q, "review", json_boolean(assignee && !strcmp(assignee, "review")));
    json_object_set_new(m, "query", q);
    json_object_set_new(m, "errors", errors ? errors : json_array());
    const char *next = json_string_value(json_object_get(m, "next"));
    if (next)
        json_object_set_new(m, "next_url",
                            json_string(gk_req_printf(r,
                                                      "/examination?status=%s&assignee=%s"
                                                      "&min_age_days=%ld&after=%s",
                                                      status ? status : "",
                                                      assignee ? assignee : "", in.min_age_days,
                                                      next)));
    gk_page_render(r, errors ? 400 : 200, "exam_queue", m);
}

/* ---- the case page ------------------------------------------------------------------------- */

/* Renders the case with an optional refused form (action, outcome). */
static void render_case(gk_request *r, const char *id, const char *failed_action,
                        gk_outcome *failed)
{
    gk_call call = gk_call_of(r);
    gk_outcome o;
    gk_svc_exam_case(&call, id, &o);
    json_t *m = gk_page_view(r, &o);
    if (!m) return;
    json_t *actions = gk_svc_exam_case_actions(&call, m);
    if (actions) json_object_update(m, actions);
    json_decref(actions);
    json_object_set_new(m, "me", json_string(r->user.id ? r->user.id : ""));
    gk_outcome so;
    gk_svc_exam_schemes(&call, &so); /* the schemes an equivalence may cite */
    json_t *schemes = so.view ? json_incref(json_object_get(so.view, "items")) : NULL;
    json_object_set_new(m, "schemes", schemes ? schemes : json_array());
    gk_outcome_clear(&so);
    { /* issue 20: per-requirement progress (evidence recorded, verdict) */
        json_t *q;
        size_t i;
        json_array_foreach(json_object_get(json_object_get(m, "examination"), "requirements"), i, q)
        {
            json_object_set_new(q, "evidence_count",
                                json_integer(
                                    (json_int_t)json_array_size(json_object_get(q, "evidence"))));
        }
    }
    const char *done = gk_req_query(r, "done");
    if (done && known_action(done)) {
        json_object_set_new(m, "done", json_string(done));
        /* ?req=SR-1: the requirement whose card the message belongs in */
        const char *req = gk_req_query(r, "req");
        json_t *q;
        size_t i;
        json_array_foreach(json_object_get(json_object_get(m, "examination"), "requirements"), i, q)
        {
            const char *qid = json_string_value(json_object_get(q, "id"));
            if (plain_id(req) && qid && !strcmp(qid, req))
                json_object_set_new(q, "done", json_string(done));
        }
    }
    /* ?changed=SR-1,SR-3: the requirements whose earlier verdict the last form replaced */
    const char *changed = gk_req_query(r, "changed");
    if (changed && *changed && strlen(changed) < 200 &&
        !changed[strspn(changed, "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-,")])
        json_object_set_new(m, "changed", json_string(changed));
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
static void ticked_documents(gk_request *r, gk_exam_evidence_in *in)
{
    const char *s = r->body;
    while (s && *s && in->n_documents < GK_EXAM_MAX_DOCS) {
        const char *amp = strchr(s, '&');
        size_t len = amp ? (size_t)(amp - s) : strlen(s);
        if (len > 4 + 36 && !strncmp(s, "doc_", 4) && s[4 + 36] == '=') {
            char *id = gk_req_alloc(r, 37);
            if (!id) break;
            memcpy(id, s + 4, 36);
            id[36] = 0;
            in->document_ids[in->n_documents++] = id; /* the operation checks the ids */
        }
        s = amp ? amp + 1 : NULL;
    }
}

static void show_case_again(gk_request *r, gk_outcome *o, const void *action)
{
    render_case(r, r->params[0], action, o);
}

/* "&req=SR-1#req-SR-1" for the forms of one requirement, "#h-info" for the others. */
static const char *back_to(gk_request *r, const char *action)
{
    const char *sec = section_of(action);
    const char *req = gk_form_get(r, "requirement");
    if (!strcmp(sec, "req"))
        return plain_id(req) ? gk_req_printf(r, "&req=%s#req-%s", req, req) : "#h-req";
    return gk_req_printf(r, "#%s", sec);
}

/* Post/redirect/get on success; the case with the form's errors otherwise. */
static void finish(gk_request *r, const char *action, gk_outcome *o)
{
    gk_page_form_done(r, o,
                      gk_req_printf(r, "/examination/%s?done=%s%s", r->params[0], action,
                                    back_to(r, action)),
                      show_case_again, action);
}

/* A requirement id as the pages carry it in ?changed= (SR-1): letters, digits, '-'. */
static bool plain_id(const char *s)
{
    return s && *s && strlen(s) < 16 &&
           !s[strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-")];
}

/* Like finish, and the redirect names the requirements whose earlier verdict was replaced
 * (?changed=SR-1,SR-3): the page says what changed (the verdicts stay in the history). */
static void finish_changed(gk_request *r, const char *action, gk_outcome *o)
{
    const char *changed = "";
    json_t *v = o->err == GK_ERR_OK ? o->view : NULL, *p;
    size_t i;
    json_array_foreach(json_object_get(v, "verdicts_replaced"), i, p)
    {
        const char *id = json_string_value(json_object_get(p, "requirement_id"));
        if (plain_id(id)) changed = gk_req_printf(r, "%s%s%s", changed, *changed ? "," : "", id);
    }
    json_t *prev = json_object_get(v, "previous");
    const char *was = json_string_value(json_object_get(prev, "verdict"));
    const char *now = json_string_value(json_object_get(v, "verdict"));
    const char *req = json_string_value(json_object_get(v, "requirement_id"));
    if (was && now && plain_id(req) && strcmp(was, now)) changed = req;
    if (!changed || !*changed) {
        finish(r, action, o);
        return;
    }
    gk_page_form_done(r, o,
                      gk_req_printf(r, "/examination/%s?done=%s&changed=%s%s", r->params[0], action,
                                    changed, back_to(r, action)),
                      show_case_again, action);
}

void gk_h_page_exam_assign(gk_request *r)
{
    gk_exam_assign_in in = {.app_id = r->params[0]};
    GK_OP(r, &gk_exam_assign_spec, &in, gk_svc_exam_assign, finish, "assign");
}

/* Evidence and verdicts name their requirement in a field of the form. */
void gk_h_page_exam_evidence(gk_request *r)
{
    gk_call call = gk_call_of(r);
    gk_exam_evidence_in in = {.app_id = r->params[0],
                              .derivable_from_identifiers = -1,
                              .update_secure = -1,
                              .update_automatic = -1};
    gk_outcome o = {0};
    ticked_documents(r, &in);
    gk_read_input(r, &call, &gk_exam_requirement_spec, &in, &o);
    if (gk_read_input(r, &call, &gk_exam_evidence_spec, &in, &o))
        gk_svc_exam_record_evidence(&call, &in, &o);
    finish(r, "evidence", &o);
}

void gk_h_page_exam_verdict(gk_request *r)
{
    gk_call call = gk_call_of(r);
    gk_exam_verdict_in in = {.app_id = r->params[0]};
    gk_outcome o = {0};
    if (gk_read_input(r, &call, &gk_exam_requirement_spec, &in, &o) &&
        gk_read_input(r, &call, &gk_exam_verdict_spec, &in, &o))
        gk_svc_exam_record_verdict(&call, &in, &o);
    finish_changed(r, "verdict", &o);
}

void gk_h_page_exam_info_request(gk_request *r)
{
    gk_exam_info_in in = {.app_id = r->params[0]};
    GK_OP(r, &gk_exam_info_spec, &in, gk_svc_exam_request_info, finish, "info-request");
}

/* The mapping of the equivalence form: one text field per requirement, named map_<id>; the
 * filled ones are the requirements the certificate covers. */
static void form_mappings(gk_request *r, gk_exam_equivalence_in *in)
{
    const char *s = r->body;
    while (s && *s && in->n_mappings < GK_EXAM_MAX_MAPPINGS) {
        const char *amp = strchr(s, '&');
        size_t len = amp ? (size_t)(amp - s) : strlen(s);
        const char *eq = memchr(s, '=', len);
        size_t name_len = eq ? (size_t)(eq - s) : len;
        if (name_len > 4 && name_len < 64 && !strncmp(s, "map_", 4)) {
            char *name = gk_req_alloc(r, name_len + 1);
            if (!name) break;
            memcpy(name, s, name_len);
            name[name_len] = 0;
            const char *why = gk_form_get(r, name);
            if (why && *why) /* the ids are plain (SR-1): no decoding of the name needed */
                in->mappings[in->n_mappings++] = (gk_exam_mapping){name + 4, why};
        }
        s = amp ? amp + 1 : NULL;
    }
}

void gk_h_page_exam_equivalence(gk_request *r)
{
    gk_exam_equivalence_in in = {.app_id = r->params[0],
                                 .accepted = -1,
                                 .certificate_valid_until = GK_DATE_NONE};
    form_mappings(r, &in);
    GK_OP(r, &gk_exam_equivalence_spec, &in, gk_svc_exam_equivalence, finish_changed,
          "equivalence");
}

void gk_h_page_exam_proposal(gk_request *r)
{
    gk_exam_propose_in in = {.app_id = r->params[0]};
    GK_OP(r, &gk_exam_propose_spec, &in, gk_svc_exam_propose, finish, "proposal");
}

void gk_h_page_exam_review(gk_request *r)
{
    gk_exam_review_in in = {.app_id = r->params[0], .approve = -1};
    GK_OP(r, &gk_exam_review_spec, &in, gk_svc_exam_review, finish, "review");
}
