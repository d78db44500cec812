/* Every request handler, named gk_h_<resource>_<action>, listed in the route table
 * (http/routes.c). Handlers are thin: parse, authorise the object, call the domain and the
 * database, render. Each module's gk_*_register() adds its prepared statements. */
#ifndef GK_HTTP_HANDLERS_H
#define GK_HTTP_HANDLERS_H

#include "http/request.h"

/* api/health.c */
void gk_health_register(void);
void gk_h_healthz(gk_request *r);
void gk_h_readyz(gk_request *r);
void gk_h_metrics(gk_request *r);

/* web/static.c */
void gk_h_static(gk_request *r);

/* web/pages.c */
void gk_h_home(gk_request *r);

/* ---- rules (api/determinations.c, web/determination.c) ---- */
void gk_determinations_register(void);
void gk_h_determinations_create(gk_request *r);
void gk_h_rule_sets_list(gk_request *r);
void gk_h_rule_sets_get(gk_request *r);
void gk_h_categories_list(gk_request *r);
void gk_h_categories_get(gk_request *r);
void gk_h_determination_page(gk_request *r);

/* ---- cc registry (api/cc_certificates.c, web/cc.c) ---- */
#include "domain/date.h"
void gk_cc_certificates_register(void);
void gk_h_cc_certificates_import(gk_request *r);
void gk_h_cc_certificates_list(gk_request *r);
void gk_h_cc_certificates_get(gk_request *r);
void gk_h_page_cc_list(gk_request *r);
void gk_h_page_cc_detail(gk_request *r);
void gk_h_page_cc_import(gk_request *r);
void gk_h_page_cc_import_post(gk_request *r);
/* Shared by the API and the pages (api/cc_certificates.c). Each appends field errors to
 * *errs and returns how many it found. */
struct gk_cc_query;
int gk_cc_query_read(gk_request *r, struct gk_cc_query *q, json_t **errs); /* q, scheme, ... */
int gk_cc_on_read(gk_request *r, gk_date *on, json_t **errs);             /* ?on=, today */
int gk_cc_import_status_read(gk_request *r, const char *value, bool *archived, json_t **errs);
/* {"items", "next"} with each item viewed on today's date. */
gk_error gk_cc_list_view(gk_request *r, const struct gk_cc_query *q, json_t **out);
/* Import CSV bytes: GK_ERR_OK with *result = the report, GK_ERR_VALIDATION with the header
 * error appended to *errs (field "header", line 1), or the database's error. */
gk_error gk_cc_import_body(gk_request *r, const char *data, size_t len, bool archived,
                           json_t **result, json_t **errs);

/* ---- registry: certificate search, exports, feed, stats (api/certificate_search.c,
 * api/exports.c, api/feed.c, api/stats.c, web/registry.c) ---- */
void gk_feed_register(void);
void gk_stats_register(void);
void gk_registry_pages_register(void);
void gk_h_certificates_list(gk_request *r);
void gk_h_certificates_export(gk_request *r);
void gk_h_feed_atom(gk_request *r);
void gk_h_stats(gk_request *r);
void gk_h_page_certificates(gk_request *r);
void gk_h_page_stats(gk_request *r);
void gk_h_page_stats_chart(gk_request *r);
void gk_h_page_certificate_audit(gk_request *r);

/* ---- examination (api/examination.c, web/examination.c) ---- */
/* Registers the examination and audit-log statements. */
void gk_examination_register(void);
void gk_h_exam_queue(gk_request *r);
void gk_h_exam_case(gk_request *r);
void gk_h_exam_assign(gk_request *r);
void gk_h_exam_evidence(gk_request *r);
void gk_h_exam_verdict(gk_request *r);
void gk_h_exam_info_request(gk_request *r);
void gk_h_exam_equivalence(gk_request *r);
void gk_h_exam_proposal(gk_request *r);
void gk_h_exam_review(gk_request *r);
void gk_h_page_exam_queue(gk_request *r);
void gk_h_page_exam_case(gk_request *r);
/* One form, one route: /examination/{id}/<action>. */
void gk_h_page_exam_assign(gk_request *r);
void gk_h_page_exam_evidence(gk_request *r);
void gk_h_page_exam_verdict(gk_request *r);
void gk_h_page_exam_info_request(gk_request *r);
void gk_h_page_exam_equivalence(gk_request *r);
void gk_h_page_exam_proposal(gk_request *r);
void gk_h_page_exam_review(gk_request *r);

/* ---- certificates (api/certificates.c, web/certificate.c) ---- */
/* Registers the certificate statements. */
void gk_certificates_register(void);
void gk_h_certificate_get(gk_request *r);
void gk_h_signing_keys(gk_request *r);
void gk_h_certificate_suspend(gk_request *r);
void gk_h_certificate_reinstate(gk_request *r);
void gk_h_certificate_revoke(gk_request *r);
void gk_h_certificates_import(gk_request *r);
void gk_h_page_certificate(gk_request *r);

/* ---- accounts (api/accounts.c, web/account.c) ---- */
/* Registers the accounts statements and installs the authentication and CSRF hooks. */
void gk_accounts_api_register(void);
void gk_h_signup_create(gk_request *r);
void gk_h_session_create(gk_request *r);
void gk_h_session_get(gk_request *r);
void gk_h_session_delete(gk_request *r);
void gk_h_users_create(gk_request *r);
void gk_h_users_list(gk_request *r);
void gk_h_tokens_create(gk_request *r);
void gk_h_tokens_list(gk_request *r);
void gk_h_tokens_delete(gk_request *r);
void gk_h_account_password(gk_request *r);
void gk_h_page_signin(gk_request *r);
void gk_h_page_signin_post(gk_request *r);
void gk_h_page_signout(gk_request *r);
void gk_h_page_signup(gk_request *r);
void gk_h_page_signup_post(gk_request *r);
void gk_h_page_account(gk_request *r);
void gk_h_page_account_password(gk_request *r);
void gk_h_page_account_tokens(gk_request *r);
void gk_h_page_account_token_revoke(gk_request *r);
void gk_h_page_admin_users(gk_request *r);
void gk_h_page_admin_users_post(gk_request *r);

/* ---- applications: cases, documents, info-request answers, history (api/applications.c,
 * api/documents.c, api/info_requests.c, api/history.c, web/applications.c) ---- */
#include "db/tx.h"
void gk_applications_register(void);
void gk_h_applications_create(gk_request *r);
void gk_h_applications_list(gk_request *r);
void gk_h_applications_get(gk_request *r);
void gk_h_applications_patch(gk_request *r);
void gk_h_applications_submit(gk_request *r);
void gk_h_applications_withdraw(gk_request *r);
void gk_h_applications_history(gk_request *r);
void gk_h_documents_upload(gk_request *r);
bool gk_h_documents_upload_chunk(gk_request *r, const char *data, size_t size);
void gk_h_documents_list(gk_request *r);
void gk_h_documents_get(gk_request *r);
void gk_h_info_requests_list(gk_request *r);
void gk_h_info_requests_respond(gk_request *r);
void gk_h_page_applications(gk_request *r);
void gk_h_page_application_new(gk_request *r);
void gk_h_page_application_create(gk_request *r);
void gk_h_page_application(gk_request *r);
void gk_h_page_application_edit(gk_request *r);
void gk_h_page_application_update(gk_request *r);
void gk_h_page_application_submit(gk_request *r);
void gk_h_page_application_withdraw(gk_request *r);
void gk_h_page_application_upload(gk_request *r);
void gk_h_page_info_request_respond(gk_request *r);

/* The operations behind both the API and the pages. Each runs ONE transaction and fills
 * *out: status (the HTTP status to answer), err (GK_ERR_OK on success) with field errors
 * in `errors` (owned, may be NULL), and `view` (owned: the application object of api.md on
 * success). `doc` is the request document (api.md shape; borrowed). */
typedef struct {
    unsigned status;
    gk_error err;
    json_t *errors;
    json_t *view;
    const char *detail; /* static text or request memory, may be NULL */
    bool replayed;      /* an Idempotency-Key repeat: `replay` holds the first answer */
    const char *replay_body, *replay_type, *replay_location;
} gk_app_outcome;
void gk_app_outcome_clear(gk_app_outcome *o);
void gk_app_op_create(gk_request *r, json_t *doc, gk_app_outcome *out);
/* if_match: the ETag the client read (NULL: 428). */
void gk_app_op_update(gk_request *r, const char *id, json_t *patch, const char *if_match,
                      gk_app_outcome *out);
void gk_app_op_submit(gk_request *r, const char *id, gk_app_outcome *out);
void gk_app_op_withdraw(gk_request *r, const char *id, const char *reason, gk_app_outcome *out);
/* Answer the open information request `rid` (document_ids: JSON array or NULL). */
void gk_app_op_respond(gk_request *r, const char *id, const char *rid, const char *message,
                       json_t *document_ids, gk_app_outcome *out);
/* Reply to an API request with an outcome (problem+json on error, view + ETag else). */
void gk_app_reply(gk_request *r, unsigned ok_status, gk_app_outcome *out);
/* The application (view) visible to the caller, with its documents, history and
 * information requests when asked; NULL with *e set (GK_ERR_NOT_FOUND ...) otherwise. */
json_t *gk_app_load(gk_request *r, const char *id, bool with_children, gk_error *e);
/* Manufacturers see their organisation's cases only; staff all (NULL). */
const char *gk_app_org_filter(const gk_request *r);
/* api/info_requests.c: its statements (called by gk_applications_register), and the answer
 * itself inside the caller's transaction, after the application row is locked and before
 * its status changes: records the response on the open request `rid` and links the
 * documents (of the same application). GK_TX_ABORT with *e: GK_ERR_NOT_FOUND (no such
 * request), GK_ERR_CONFLICT (already answered), GK_ERR_VALIDATION (*field: "message",
 * "document_ids"). */
void gk_info_requests_register(void);
void gk_documents_register(void);
/* The information requests of a case for a page (new reference; [] on failure). */
json_t *gk_info_requests_of(const char *app_id);
gk_tx_status gk_info_request_answer(PGconn *c, gk_request *r, const char *app_id,
                                    const char *rid, const char *message, json_t *document_ids,
                                    gk_error *e, const char **field);

#endif
