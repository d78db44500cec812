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

/* ---- rules (api/determinations.c, web/determination.c; service/determinations.h) ---- */
void gk_determinations_register(void);
void gk_h_determinations_create(gk_request *r);
void gk_h_rule_sets_list(gk_request *r);
void gk_h_rule_sets_get(gk_request *r);
void gk_h_categories_list(gk_request *r);
void gk_h_categories_get(gk_request *r);
void gk_h_determination_page(gk_request *r);

/* ---- cc registry (api/cc_certificates.c, web/cc.c; operations in service/cc.h) ---- */
void gk_cc_certificates_register(void);
void gk_h_cc_certificates_import(gk_request *r);
void gk_h_cc_certificates_list(gk_request *r);
void gk_h_cc_certificates_get(gk_request *r);
void gk_h_page_cc_list(gk_request *r);
void gk_h_page_cc_detail(gk_request *r);
void gk_h_page_cc_import(gk_request *r);
void gk_h_page_cc_import_post(gk_request *r);

/* ---- registry: certificate search, stats, exports, feed (api/certificate_search.c,
 * api/exports.c, api/feed.c, web/registry.c; the work is in service/registry.h) ---- */
void gk_registry_register(void); /* the registry's statements */
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

/* ---- the mark, QR codes, certificate PDF, label sheet (api/certificate_files.c,
 *      web/elabel.c; operations in service/mark.h) ---- */
void gk_h_certificate_mark_svg(gk_request *r);
void gk_h_certificate_qr_svg(gk_request *r);
void gk_h_certificate_qr_png(gk_request *r);
void gk_h_certificate_pdf(gk_request *r);
void gk_h_certificate_labels_pdf(gk_request *r);
void gk_h_page_elabel(gk_request *r);

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
 * api/documents.c, api/info_requests.c, api/history.c, web/applications.c; the operations
 * are service/applications.h and service/documents.h) ---- */
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
bool gk_h_page_application_upload_chunk(gk_request *r, const char *data, size_t size);
void gk_h_page_info_request_respond(gk_request *r);

#endif
