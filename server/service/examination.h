/* Examination: the examiner's queue, one case's record, assignment, evidence, verdicts,
 * information requests, CC equivalence, proposals and the four-eyes review that grants
 * (issuing the certificate) or rejects. Shared by the JSON API and the examiner pages.
 *
 * Every change locks the application, decides with the life-cycle table
 * (domain/lifecycle.h), writes, and appends one audit entry, in ONE transaction. A draft is
 * the applicant's own: to examiners and admins it does not exist (GK_ERR_NOT_FOUND), in the
 * queue as in a case. Who may call at all is the route table's; the operations check what
 * depends on the case (its state, the role's transitions, four eyes). Strings of the inputs
 * are borrowed from the caller. */
#ifndef GK_SERVICE_EXAMINATION_H
#define GK_SERVICE_EXAMINATION_H

#include "http/fields.h"
#include "service/service.h"

#include <stdbool.h>
#include <stddef.h>

/* Registers the examination and audit-log statements (at start). */
void gk_svc_examination_register(void);

/* Field specs: `out` is GK_AT of the input struct. The ids in the path ({id}, {req}) are
 * set by the adapter. */

/* ---- reads ---- */

typedef struct {
    const char *status;   /* one of gk_lifecycle_queue_states, or NULL: all of them */
    const char *assignee; /* a user id, "none" (unassigned), "me", or NULL (anyone) */
    long min_age_days;    /* 0: all */
    const char *after;    /* the cursor of the previous page, or NULL */
    int limit;            /* 1..500 */
} gk_exam_queue_in;
/* {items, next}; never a draft. */
void gk_svc_exam_queue(const gk_call *call, const gk_exam_queue_in *in, gk_outcome *out);

/* {application, examination, history, documents} of one case; a draft is not found. */
void gk_svc_exam_case(const gk_call *call, const char *app_id, gk_outcome *out);
/* What the caller may do on a case just read by gk_svc_exam_case (its view), from the
 * life-cycle table: {can_examine, can_assign, can_request_info, can_propose,
 * can_equivalence, can_review, own_proposal, open_proposal}. New reference. */
json_t *gk_svc_exam_case_actions(const gk_call *call, const json_t *case_view);

/* ---- changes ---- */

typedef struct {
    const char *app_id;
    const char *examiner_id;
} gk_exam_assign_in;
extern const gk_spec gk_exam_assign_spec;
void gk_svc_exam_assign(const gk_call *call, const gk_exam_assign_in *in, gk_outcome *out);

#define GK_EXAM_MAX_DOCS 64
typedef struct {
    const char *app_id;
    const char *requirement; /* a requirement of the case's rule set, or the obligation
                                GK_EXAM_OBLIGATION_MANUAL */
    const char *procedure, *result;
    const char *document_ids[GK_EXAM_MAX_DOCS]; /* documents of the case */
    size_t n_documents;
    /* Findings (domain/examination.h gk_exam_findings): -1 / NULL when not answered. SR-2
     * asks derivable_from_identifiers when the declared measure is unique_per_device; SR-3
     * asks all three. The adapter sets the ints to -1 before reading. */
    int derivable_from_identifiers, update_secure, update_automatic;
    const char *update_method;
} gk_exam_evidence_in;
extern const gk_spec gk_exam_evidence_spec;
void gk_svc_exam_record_evidence(const gk_call *call, const gk_exam_evidence_in *in,
                                 gk_outcome *out);

/* met_by_equivalence: with a reason, an equivalent function without any certificate (the
 * reason is its justification; one requirement); without one, the latest accepted
 * equivalence decision that maps the requirement. A replaced verdict stays in the history;
 * the reply's "previous" says what it was. */
typedef struct {
    const char *app_id, *requirement;
    const char *verdict; /* domain/examination.h gk_exam_verdicts */
    const char *reason;  /* NULL or "" when none */
} gk_exam_verdict_in;
extern const gk_spec gk_exam_verdict_spec;
void gk_svc_exam_record_verdict(const gk_call *call, const gk_exam_verdict_in *in, gk_outcome *out);

/* The examiner pages name the requirement in a form field rather than in the path. */
extern const gk_spec gk_exam_requirement_spec; /* into gk_exam_evidence_in / _verdict_in */

typedef struct {
    const char *app_id, *message;
} gk_exam_info_in;
extern const gk_spec gk_exam_info_spec;
void gk_svc_exam_request_info(const gk_call *call, const gk_exam_info_in *in, gk_outcome *out);

#define GK_EXAM_MAX_MAPPINGS 32
typedef struct {
    const char *requirement, *justification; /* which certified functions cover it */
} gk_exam_mapping;

/* Equivalence per requirement: a certificate of a recognised scheme (CC by the registry's
 * cc_certificate_id, another scheme by its certificate_ref) and, when accepted, the
 * requirements it covers (the others are examined as usual). */
typedef struct {
    const char *app_id, *cc_certificate_id, *rationale;
    int accepted;                    /* 1, 0 (-1 absent: refused by the field spec) */
    const char *scheme;              /* NULL: "cc" */
    const char *certificate_ref;     /* a scheme certificate outside the registry */
    gk_date certificate_valid_until; /* GK_DATE_NONE when not given */
    gk_exam_mapping mappings[GK_EXAM_MAX_MAPPINGS];
    size_t n_mappings;
    bool mappings_bad; /* "requirements" was not an object of strings (or too many) */
} gk_exam_equivalence_in;
extern const gk_spec gk_exam_equivalence_spec;
void gk_svc_exam_equivalence(const gk_call *call, const gk_exam_equivalence_in *in,
                             gk_outcome *out);

typedef struct {
    const char *app_id;
    const char *decision; /* domain/examination.h gk_exam_decisions */
    const char *reason;
} gk_exam_propose_in;
extern const gk_spec gk_exam_propose_spec;
void gk_svc_exam_propose(const gk_call *call, const gk_exam_propose_in *in, gk_outcome *out);

typedef struct {
    const char *app_id;
    int approve;         /* 1 approve, 0 send back */
    const char *comment; /* required to send back */
} gk_exam_review_in;
extern const gk_spec gk_exam_review_spec;
void gk_svc_exam_review(const gk_call *call, const gk_exam_review_in *in, gk_outcome *out);

/* The recognised schemes (name, issuing body, what their certificates cover): public. */
void gk_svc_exam_schemes(const gk_call *call, gk_outcome *out);

#endif
