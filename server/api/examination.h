/* The examiner's operations on a case, shared by the JSON API (api/examination.c) and the
 * examiner pages (web/examination.c): each runs ONE transaction (db/tx.h) that locks the
 * application, decides with the life-cycle table (domain/lifecycle.h), writes, appends one
 * audit entry (crypto/audit_chain.h), and fills an outcome the caller renders.
 *
 * Inputs are already read from the body (strings borrowed from the request). The outcome's
 * `view` and `errors` are owned by the outcome: gk_exam_reply hands them to the reply, or
 * gk_exam_outcome_clear frees them. err == GK_ERR_OK means success. */
#ifndef GK_API_EXAMINATION_H
#define GK_API_EXAMINATION_H

#include "errors.h"
#include "http/request.h"

#include <jansson.h>
#include <stdbool.h>

typedef struct {
    gk_error err;
    const char *detail; /* in the request's language, lives with the request */
    json_t *errors;     /* [{field, message}] or NULL */
    json_t *view;       /* the result on success */
} gk_exam_outcome;

void gk_exam_outcome_clear(gk_exam_outcome *o);
/* JSON reply: ok_status with the view, or the problem. Clears the outcome. */
void gk_exam_reply(gk_request *r, unsigned ok_status, gk_exam_outcome *o);

void gk_exam_assign(gk_request *r, const char *app_id, const char *examiner_id,
                    gk_exam_outcome *o);
/* req: a requirement id of the case's rule set, or the obligation
 * "manual_no_direct_connection_statement". doc_ids: document ids of the case. */
void gk_exam_evidence(gk_request *r, const char *app_id, const char *req, const char *procedure,
                      const char *result, const char *const *doc_ids, size_t n_docs,
                      gk_exam_outcome *o);
void gk_exam_verdict(gk_request *r, const char *app_id, const char *req, const char *verdict,
                     const char *reason, gk_exam_outcome *o);
void gk_exam_info_request(gk_request *r, const char *app_id, const char *message,
                          gk_exam_outcome *o);
void gk_exam_equivalence(gk_request *r, const char *app_id, const char *cc_id, bool accepted,
                         const char *rationale, gk_exam_outcome *o);
void gk_exam_propose(gk_request *r, const char *app_id, const char *decision, const char *reason,
                     gk_exam_outcome *o);
void gk_exam_review(gk_request *r, const char *app_id, bool approve, const char *comment,
                    gk_exam_outcome *o);

/* Read-only: {application, examination, history, documents} of one case. */
void gk_exam_case(gk_request *r, const char *app_id, gk_exam_outcome *o);
/* Read-only: the queue ({items, next}); filters as gk_db_exam_queue. */
void gk_exam_queue(gk_request *r, const char *status, const char *assignee, long min_age_days,
                   const char *after, int limit, gk_exam_outcome *o);

#endif
