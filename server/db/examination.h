/* Examination in PostgreSQL (schema/0008_examination.sql): the examiner queue, assignment,
 * evidence with the documents' SHA-256, verdicts, information requests, CC equivalence
 * decisions, proposals and their review.
 *
 * Every function runs on the connection it is given, inside the caller's transaction
 * (db/tx.h), and returns a gk_tx_status: GK_TX_OK; GK_TX_ABORT when a rule of the schema
 * refused the write (then *e, and *field when given, say which error and which input: see
 * gk_db_exam_map_error); or SOFT/HARD/UNAVAILABLE from gk_tx_check. JSON results are new
 * references the caller owns. Ids are UUID text checked by the caller (gk_db_is_uuid).
 * Status changes go through gk_db_app_transition (db/applications.h). */
#ifndef GK_DB_EXAMINATION_H
#define GK_DB_EXAMINATION_H

#include "db/tx.h"
#include "errors.h"

#include <jansson.h>
#include <libpq-fe.h>
#include <stdbool.h>

void gk_db_examination_register(void);

/* Map a failed statement of this module to an error and the input it concerns. False when
 * the failure is not a rule of the schema (a bug). */
bool gk_db_exam_map_error(const PGresult *res, gk_error *e, const char **field);

/* What a decision needs to know of the case (read after gk_db_app_lock). */
typedef struct {
    char rule_set[64];           /* "" before submission */
    char outcome[32];            /* determination outcome, "" before submission */
    bool needs_manual_statement; /* obligation manual_no_direct_connection_statement */
    char assigned[37];           /* "" when nobody */
    char cc_certificate_id[37];  /* the one the applicant named, "" when none */
} gk_exam_case_info;

gk_tx_status gk_db_exam_case(PGconn *c, const char *app_id, gk_exam_case_info *out);

/* The queue: filed cases in one of `statuses` (NULL-terminated; never a draft), oldest
 * filing first. assignee: a user id, "none" (unassigned) or NULL (anyone). reviewer: a user
 * id for the proposals awaiting that examiner's review (issue 20: proposed, not proposed by
 * them, and they took no part in the case), or NULL. min_age_days:
 * only cases filed at least that many days ago (0: all). after: the id of the last item of
 * the previous page. */
gk_tx_status gk_db_exam_queue(PGconn *c, const char *const *statuses, const char *assignee,
                              const char *reviewer, long min_age_days, const char *after, int limit,
                              json_t **items, char **next);

/* True in *ok when user_id is an enabled examiner. */
gk_tx_status gk_db_exam_is_examiner(PGconn *c, const char *user_id, bool *ok);

/* Where user_id stands on the case (issue 18 item 3, schema/0018_four_eyes.sql): *lead, an
 * enabled lead examiner; *took_part, they recorded evidence, a verdict or an equivalence
 * decision on it (so they may not approve its decision). */
gk_tx_status gk_db_exam_standing(PGconn *c, const char *app_id, const char *user_id, bool *lead,
                                 bool *took_part);

/* Sets the assigned examiner (the status change, if any, is the caller's). */
gk_tx_status gk_db_exam_set_examiner(PGconn *c, const char *app_id, const char *examiner_id,
                                     gk_error *e, const char **field);

/* Requirement kind in the rule set: *kind "requirement", "equivalence" or "" (unknown);
 * *conditional: the rule set marks it conditional (it may be judged not applicable). */
gk_tx_status gk_db_exam_requirement_kind(PGconn *c, const char *rule_set, const char *req,
                                         char kind[16], bool *conditional);

/* The ids of the rule set's requirements of kind "requirement", in catalogue order. */
gk_tx_status gk_db_exam_requirement_ids(PGconn *c, const char *rule_set, json_t **ids);

/* An evidence item on a requirement (req_id) or an obligation (obligation); exactly one is
 * non-NULL. Documents are linked with their SHA-256 as stored; an id that is not a document
 * of the application is GK_TX_ABORT with GK_ERR_VALIDATION on "document_ids". *out: the
 * evidence object. */
gk_tx_status gk_db_exam_evidence_add(PGconn *c, const char *app_id, const char *req_id,
                                     const char *obligation, const char *procedure,
                                     const char *result, const char *findings,
                                     const char *const *doc_ids, size_t n_docs, const char *user_id,
                                     json_t **out, gk_error *e, const char **field);

/* Insert or replace the verdict on a requirement (decision_id: the equivalence decision a
 * met_by_equivalence verdict rests on, else NULL); *out the verdict object with "previous"
 * (the verdict it replaced, kept in verdict_history, or null). */
gk_tx_status gk_db_exam_verdict_put(PGconn *c, const char *app_id, const char *req_id,
                                    const char *verdict, const char *reason,
                                    const char *decision_id, const char *user_id, json_t **out,
                                    gk_error *e, const char **field);

/* The measure the applicant declared for a requirement ("" when none). */
gk_tx_status gk_db_exam_declared_measure(PGconn *c, const char *app_id, const char *req_id,
                                         char out[64]);

/* The latest recorded boolean finding `name` on the requirement's evidence: -1 never
 * answered, 0 false, 1 true. */
gk_tx_status gk_db_exam_latest_finding(PGconn *c, const char *app_id, const char *req_id,
                                       const char *name, int *value);

/* A recognised scheme: *found, and whether its certificates are in our registry. */
gk_tx_status gk_db_exam_scheme(PGconn *c, const char *scheme, bool *found, bool *in_registry);
/* Every recognised scheme (array, in order). */
gk_tx_status gk_db_exam_schemes(PGconn *c, json_t **out);
/* Today in Japan by the database's clock (YYYY-MM-DD). */
gk_tx_status gk_db_exam_today(PGconn *c, char out[11]);
/* The latest accepted decision mapping the requirement ("" when none). */
gk_tx_status gk_db_exam_mapping_latest(PGconn *c, const char *app_id, const char *req_id,
                                       char decision_id[24]);

/* The open question, if any: rid[0] == 0 when none. */
gk_tx_status gk_db_exam_info_request_add(PGconn *c, const char *app_id, const char *message,
                                         const char *user_id, json_t **out, gk_error *e);

/* A CC certificate's validity facts; *found false when unknown. Dates "" when NULL. */
typedef struct {
    bool found;
    char certified_on[11], valid_until[11], status[16];
    char today_jst[11]; /* the decision date: today in Japan, by the database's clock */
} gk_exam_cc;
gk_tx_status gk_db_exam_cc_get(PGconn *c, const char *cc_id, gk_exam_cc *out);

/* An equivalence decision as written (strings NULL when absent). */
typedef struct {
    const char *app_id;
    const char *basis;  /* "certificate" or "equivalent_function" */
    const char *scheme; /* recognised_schemes.id (certificate), NULL for a function */
    const char *cc_id;  /* the registry's certificate (scheme cc) */
    const char *certificate_ref, *valid_until; /* another scheme's certificate */
    const char *rationale, *decided_on;
    bool accepted;
} gk_db_exam_decision;

/* Records the decision alone (its mappings are gk_db_exam_mapping_add): *decision_id. */
gk_tx_status gk_db_exam_equivalence_add(PGconn *c, const gk_db_exam_decision *d,
                                        const char *user_id, char decision_id[24], gk_error *e,
                                        const char **field);
/* One requirement the accepted decision covers, with the functions that cover it. */
gk_tx_status gk_db_exam_mapping_add(PGconn *c, const char *decision_id, const char *app_id,
                                    const char *req_id, const char *justification, gk_error *e,
                                    const char **field);
/* A decision with its scheme and mappings. */
gk_tx_status gk_db_exam_decision_get(PGconn *c, const char *decision_id, json_t **out);
/* Removes the met_by_equivalence verdicts resting on decisions that cite d's certificate;
 * *ids: their requirement ids. */
gk_tx_status gk_db_exam_equivalence_unset(PGconn *c, const gk_db_exam_decision *d, json_t **ids,
                                          gk_error *e, const char **field);

/* Applicable requirements that block a grant: no verdict, or a verdict not in `clearing`
 * (NULL-terminated names). Array of {"requirement_id","verdict"|null}. Adds
 * {"obligation": "manual_no_direct_connection_statement"} when that evidence is missing and
 * needed. */
gk_tx_status gk_db_exam_grant_missing(PGconn *c, const char *app_id, const gk_exam_case_info *k,
                                      const char *const *clearing,
                                      const char *const *conditional_only, json_t **missing);

gk_tx_status gk_db_exam_proposal_add(PGconn *c, const char *app_id, const char *decision,
                                     const char *reason, const char *user_id, json_t **out,
                                     gk_error *e);

/* The open proposal, locked: found false when there is none. */
typedef struct {
    bool found;
    char id[24], decision[16], proposed_by[37];
} gk_exam_proposal;
gk_tx_status gk_db_exam_proposal_open(PGconn *c, const char *app_id, gk_exam_proposal *out);

/* Records the review on the open proposal (first step of a decision). */
gk_tx_status gk_db_exam_proposal_review(PGconn *c, const char *proposal_id, const char *reviewer_id,
                                        bool approve, const char *comment, gk_error *e);

/* The examination record of a case: {"requirements": [{id, kind, title_en, title_ja,
 * verdict, evidence: [...], equivalence (the mapping its verdict rests on, or null),
 * verdict_history: [...]}], "obligation_evidence": [...], "equivalence": [...],
 * "proposals": [...], "info_requests": [...]}. */
gk_tx_status gk_db_exam_record(PGconn *c, const char *app_id, json_t **out);

#endif
