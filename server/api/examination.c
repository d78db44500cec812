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
    GK_API_CALL(r, 200, gk_svc_exam_case, r->params[0]);
}

void gk_h_exam_assign(gk_request *r)
{
    gk_exam_assign_in in = {.app_id = r->params[0]};
    GK_API_OP(r, &gk_exam_assign_spec, &in, gk_svc_exam_assign, 200);
}

/* The ids of "document_ids" (absent or null: none) into in; false when it is not an array of
 * at most GK_EXAM_MAX_DOCS strings. */
static bool document_ids(gk_request *r, gk_exam_evidence_in *in)
{
    json_t *ids = r->json ? json_object_get(r->json, "document_ids") : NULL;
    if (!ids || json_is_null(ids)) return true;
    if (!json_is_array(ids) || json_array_size(ids) > GK_EXAM_MAX_DOCS) return false;
    size_t i;
    json_t *id;
    json_array_foreach(ids, i, id)
    {
        if (!json_is_string(id)) return false;
        in->document_ids[in->n_documents++] = json_string_value(id);
    }
    return true;
}

void gk_h_exam_evidence(gk_request *r)
{
    gk_call call = gk_call_of(r);
    gk_exam_evidence_in in = {.app_id = r->params[0],
                              .requirement = r->params[1],
                              .derivable_from_identifiers = -1,
                              .update_secure = -1,
                              .update_automatic = -1};
    gk_outcome o = {0};
    gk_spec_read(r, &gk_exam_evidence_spec, &in, &o.errors);
    if (!document_ids(r, &in)) gk_field_err(&o, &call, "document_ids", "examination.document_ids");
    if (o.errors)
        gk_fail(&o, &call, GK_ERR_VALIDATION, NULL, NULL);
    else
        gk_svc_exam_record_evidence(&call, &in, &o);
    gk_reply_outcome(r, 201, &o);
}

void gk_h_exam_verdict(gk_request *r)
{
    gk_exam_verdict_in in = {.app_id = r->params[0], .requirement = r->params[1]};
    GK_API_OP(r, &gk_exam_verdict_spec, &in, gk_svc_exam_record_verdict, 200);
}

void gk_h_exam_info_request(gk_request *r)
{
    gk_exam_info_in in = {.app_id = r->params[0]};
    GK_API_OP(r, &gk_exam_info_spec, &in, gk_svc_exam_request_info, 201);
}

/* "requirements": {"SR-1": "<which certified functions cover it>", ...} into in (absent or
 * null: none); mappings_bad when it is not an object of strings or has too many. */
static void mappings(gk_request *r, gk_exam_equivalence_in *in)
{
    json_t *obj = r->json ? json_object_get(r->json, "requirements") : NULL;
    if (!obj || json_is_null(obj)) return;
    if (!json_is_object(obj) || json_object_size(obj) > GK_EXAM_MAX_MAPPINGS) {
        in->mappings_bad = true;
        return;
    }
    const char *req;
    json_t *why;
    json_object_foreach(obj, req, why)
    {
        if (!json_is_string(why)) {
            in->mappings_bad = true;
            return;
        }
        in->mappings[in->n_mappings++] = (gk_exam_mapping){req, json_string_value(why)};
    }
}

void gk_h_exam_equivalence(gk_request *r)
{
    gk_exam_equivalence_in in = {.app_id = r->params[0],
                                 .accepted = -1,
                                 .certificate_valid_until = GK_DATE_NONE};
    mappings(r, &in);
    GK_API_OP(r, &gk_exam_equivalence_spec, &in, gk_svc_exam_equivalence, 201);
}

void gk_h_exam_schemes(gk_request *r)
{
    GK_API_CALL(r, 200, gk_svc_exam_schemes);
}

void gk_h_exam_proposal(gk_request *r)
{
    gk_exam_propose_in in = {.app_id = r->params[0]};
    GK_API_OP(r, &gk_exam_propose_spec, &in, gk_svc_exam_propose, 201);
}

void gk_h_exam_review(gk_request *r)
{
    gk_exam_review_in in = {.app_id = r->params[0], .approve = -1};
    GK_API_OP(r, &gk_exam_review_spec, &in, gk_svc_exam_review, 200);
}
