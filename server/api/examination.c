/* The examination endpoints: read the request into the operation's input
 * (service/examination.h), call it, reply with its outcome. */
#include "http/handlers.h"

#include "http/fields.h"
#include "http/reply.h"
#include "http/service_call.h"
#include "service/examination.h"

#include <stdlib.h>
#include <string.h>

void gk_examination_register(void)
{
    gk_svc_examination_register();
}

/* The body into `in` by the operation's field spec; false after replying 422. */
static bool read_or_reply(gk_request *r, const gk_field *spec, size_t n, void *in)
{
    json_t *errors = NULL;
    if (!gk_fields_read_into(r, spec, n, in, &errors)) return true;
    gk_reply_problem(r, GK_ERR_VALIDATION, NULL, errors);
    r->error = GK_ERR_VALIDATION;
    return false;
}

static void bad_query(gk_request *r, const gk_call *call, const char *key)
{
    gk_reply_problem(r, GK_ERR_BAD_QUERY, gk_call_msg(call, key), NULL);
    r->error = GK_ERR_BAD_QUERY;
}

/* A query integer in [lo, hi], or false. */
static bool query_long(const char *s, long lo, long hi, long *out)
{
    char *end = NULL;
    long v = s && *s ? strtol(s, &end, 10) : 0;
    if (!s || !*s || *end || v < lo || v > hi) return false;
    *out = v;
    return true;
}

void gk_h_exam_queue(gk_request *r)
{
    gk_call call = gk_call_of(r);
    gk_exam_queue_in in = {.status = gk_req_query(r, "status"),
                           .assignee = gk_req_query(r, "assignee"),
                           .after = gk_req_query(r, "after"),
                           .limit = 50};
    const char *age = gk_req_query(r, "min_age_days"), *lim = gk_req_query(r, "limit");
    long limit = 50;
    if (in.status && !*in.status) in.status = NULL;
    if (in.assignee && !*in.assignee) in.assignee = NULL;
    const char *bad = age && !query_long(age, 0, 36500, &in.min_age_days)
                          ? "examination.queue.bad_min_age"
                      : lim && !query_long(lim, 1, 500, &limit) ? "examination.queue.bad_limit"
                                                                 : NULL;
    if (bad) {
        bad_query(r, &call, bad);
        return;
    }
    in.limit = (int)limit;
    gk_outcome o;
    gk_svc_exam_queue(&call, &in, &o);
    gk_reply_outcome(r, 200, &o);
}

void gk_h_exam_case(gk_request *r)
{
    gk_call call = gk_call_of(r);
    gk_outcome o;
    gk_svc_exam_case(&call, r->params[0], &o);
    gk_reply_outcome(r, 200, &o);
}

void gk_h_exam_assign(gk_request *r)
{
    gk_exam_assign_in in = {.app_id = r->params[0]};
    if (!read_or_reply(r, gk_exam_assign_fields, gk_exam_assign_fields_n, &in)) return;
    gk_call call = gk_call_of(r);
    gk_outcome o;
    gk_svc_exam_assign(&call, &in, &o);
    gk_reply_outcome(r, 200, &o);
}

void gk_h_exam_evidence(gk_request *r)
{
    gk_call call = gk_call_of(r);
    gk_exam_evidence_in in = {.app_id = r->params[0], .requirement = r->params[1]};
    json_t *errors = NULL;
    gk_fields_read_into(r, gk_exam_evidence_fields, gk_exam_evidence_fields_n, &in, &errors);
    json_t *ids = r->json ? json_object_get(r->json, "document_ids") : NULL;
    if (ids && !json_is_null(ids)) {
        size_t i;
        json_t *id;
        bool ok = json_is_array(ids) && json_array_size(ids) <= GK_EXAM_MAX_DOCS;
        json_array_foreach(ok ? ids : NULL, i, id)
        {
            if (!(ok = json_is_string(id))) break;
            in.document_ids[in.n_documents++] = json_string_value(id);
        }
        if (!ok)
            gk_field_error_add(&errors, "document_ids",
                               gk_call_msg(&call, "examination.document_ids"));
    }
    if (errors) {
        gk_reply_problem(r, GK_ERR_VALIDATION, NULL, errors);
        r->error = GK_ERR_VALIDATION;
        return;
    }
    gk_outcome o;
    gk_svc_exam_record_evidence(&call, &in, &o);
    gk_reply_outcome(r, 201, &o);
}

void gk_h_exam_verdict(gk_request *r)
{
    gk_exam_verdict_in in = {.app_id = r->params[0], .requirement = r->params[1]};
    if (!read_or_reply(r, gk_exam_verdict_fields, gk_exam_verdict_fields_n, &in)) return;
    gk_call call = gk_call_of(r);
    gk_outcome o;
    gk_svc_exam_record_verdict(&call, &in, &o);
    gk_reply_outcome(r, 200, &o);
}

void gk_h_exam_info_request(gk_request *r)
{
    gk_exam_info_in in = {.app_id = r->params[0]};
    if (!read_or_reply(r, gk_exam_info_fields, gk_exam_info_fields_n, &in)) return;
    gk_call call = gk_call_of(r);
    gk_outcome o;
    gk_svc_exam_request_info(&call, &in, &o);
    gk_reply_outcome(r, 201, &o);
}

void gk_h_exam_equivalence(gk_request *r)
{
    gk_exam_equivalence_in in = {.app_id = r->params[0], .accepted = -1};
    if (!read_or_reply(r, gk_exam_equivalence_fields, gk_exam_equivalence_fields_n, &in))
        return;
    gk_call call = gk_call_of(r);
    gk_outcome o;
    gk_svc_exam_equivalence(&call, &in, &o);
    gk_reply_outcome(r, 201, &o);
}

void gk_h_exam_proposal(gk_request *r)
{
    gk_exam_propose_in in = {.app_id = r->params[0]};
    if (!read_or_reply(r, gk_exam_propose_fields, gk_exam_propose_fields_n, &in)) return;
    gk_call call = gk_call_of(r);
    gk_outcome o;
    gk_svc_exam_propose(&call, &in, &o);
    gk_reply_outcome(r, 201, &o);
}

void gk_h_exam_review(gk_request *r)
{
    gk_exam_review_in in = {.app_id = r->params[0], .approve = -1};
    if (!read_or_reply(r, gk_exam_review_fields, gk_exam_review_fields_n, &in)) return;
    gk_call call = gk_call_of(r);
    gk_outcome o;
    gk_svc_exam_review(&call, &in, &o);
    gk_reply_outcome(r, 200, &o);
}
