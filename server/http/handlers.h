/* Every request handler, named gk_h_<resource>_<action>, listed in the route table
 * (http/routes.c). Handlers are thin adapters: read the input (http/service_call.h), call one
 * service operation, reply or render. Each module's gk_*_register() adds its prepared
 * statements. */
#ifndef GK_HTTP_HANDLERS_H
#define GK_HTTP_HANDLERS_H

#include "http/request.h"

#include <stdbool.h>
#include <stddef.h>

/* The type of every handler (the route table holds pointers to them, gk_handler), and of the
 * chunk callbacks of streamed uploads (gk_chunk_fn). */
typedef void gk_handler_fn(gk_request *r);
typedef bool gk_chunk_handler_fn(gk_request *r, const char *data, size_t size);

/* api/health.c */
void gk_health_register(void);
gk_handler_fn gk_h_healthz, gk_h_readyz, gk_h_metrics;

/* web/static_files.c */
gk_handler_fn gk_h_static;

/* web/pages.c */
gk_handler_fn gk_h_home;

/* ---- rules (api/determinations.c, web/determination.c; service/determinations.h) ---- */
void gk_determinations_register(void);
gk_handler_fn gk_h_determinations_create, gk_h_rule_sets_list, gk_h_rule_sets_get,
    gk_h_categories_list, gk_h_categories_get, gk_h_determination_page;

/* ---- cc registry (api/cc_certificates.c, web/cc.c; operations in service/cc.h) ---- */
void gk_cc_certificates_register(void);
gk_handler_fn gk_h_cc_certificates_import, gk_h_cc_certificates_list, gk_h_cc_certificates_get,
    gk_h_page_cc_list, gk_h_page_cc_detail, gk_h_page_cc_import, gk_h_page_cc_import_post;

/* ---- registry: certificate search, stats, exports, feed (api/certificate_search.c,
 * api/exports.c, api/feed.c, web/registry.c; the work is in service/registry.h) ---- */
void gk_registry_register(void); /* the registry's statements */
gk_handler_fn gk_h_certificates_list, gk_h_certificates_export, gk_h_feed_atom, gk_h_stats,
    gk_h_page_certificates, gk_h_page_stats, gk_h_page_stats_chart, gk_h_page_certificate_audit;

/* ---- examination (api/examination.c, web/examination.c) ---- */
/* Registers the examination and audit-log statements. */
void gk_examination_register(void);
gk_handler_fn gk_h_exam_queue, gk_h_exam_case, gk_h_exam_assign, gk_h_exam_evidence,
    gk_h_exam_verdict, gk_h_exam_info_request, gk_h_exam_equivalence, gk_h_exam_proposal,
    gk_h_exam_review, gk_h_page_exam_queue, gk_h_page_exam_case;
/* One form, one route: /examination/{id}/<action>. */
gk_handler_fn gk_h_page_exam_assign, gk_h_page_exam_evidence, gk_h_page_exam_verdict,
    gk_h_page_exam_info_request, gk_h_page_exam_equivalence, gk_h_page_exam_proposal,
    gk_h_page_exam_review;

/* ---- certificates (api/certificates.c, web/certificate.c) ---- */
/* Registers the certificate statements. */
void gk_certificates_register(void);
gk_handler_fn gk_h_certificate_get, gk_h_signing_keys, gk_h_certificate_suspend,
    gk_h_certificate_reinstate, gk_h_certificate_revoke, gk_h_certificates_import,
    gk_h_page_certificate;

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
gk_handler_fn gk_h_signup_create, gk_h_session_create, gk_h_session_get, gk_h_session_delete,
    gk_h_users_create, gk_h_users_list, gk_h_tokens_create, gk_h_tokens_list, gk_h_tokens_delete,
    gk_h_account_password, gk_h_page_signin, gk_h_page_signin_post, gk_h_page_signout,
    gk_h_page_signup, gk_h_page_signup_post, gk_h_page_account, gk_h_page_account_password,
    gk_h_page_account_tokens, gk_h_page_account_token_revoke, gk_h_page_admin_users,
    gk_h_page_admin_users_post;
/* issue 19: e-mail verification, password reset, notification choices, the outbox */
gk_handler_fn gk_h_signup_verify, gk_h_password_reset_create, gk_h_password_reset_confirm,
    gk_h_page_verify_email, gk_h_page_verify_email_post, gk_h_page_password_reset,
    gk_h_page_password_reset_post, gk_h_page_reset_password, gk_h_page_reset_password_post,
    gk_h_page_account_notifications, gk_h_page_admin_outbox;
/* issue 19: subscriptions (api/subscriptions.c, web/subscriptions.c) */
gk_handler_fn gk_h_subscriptions_create, gk_h_subscriptions_confirm, gk_h_subscriptions_unsubscribe,
    gk_h_page_subscription_confirm, gk_h_page_subscription_confirm_post, gk_h_page_unsubscribe,
    gk_h_page_unsubscribe_post, gk_h_page_subscription_new, gk_h_page_subscription_new_post;

/* ---- applications: cases, documents, info-request answers, history (api/applications.c,
 * api/documents.c, api/info_requests.c, api/history.c, web/applications.c; the operations
 * are service/applications.h and service/documents.h) ---- */
void gk_applications_register(void);
gk_handler_fn gk_h_applications_create, gk_h_applications_list, gk_h_applications_get,
    gk_h_applications_patch, gk_h_applications_submit, gk_h_applications_withdraw,
    gk_h_applications_history, gk_h_documents_upload, gk_h_documents_list, gk_h_documents_get,
    gk_h_info_requests_list, gk_h_info_requests_respond, gk_h_page_applications,
    gk_h_page_application_new, gk_h_page_application_create, gk_h_page_application,
    gk_h_page_application_edit, gk_h_page_application_update, gk_h_page_application_submit,
    gk_h_page_application_withdraw, gk_h_page_application_upload, gk_h_page_info_request_respond;
gk_chunk_handler_fn gk_h_documents_upload_chunk, gk_h_page_application_upload_chunk;
/* issue 20: deleting a draft's document (api/documents.c, web/applications.c) */
gk_handler_fn gk_h_documents_delete, gk_h_page_application_doc_delete;

/* issue 15: the recognised schemes (api/examination.c) */
gk_handler_fn gk_h_exam_schemes;
/* ---- audit checkpoints (api/audit_checkpoints.c, service/audit_checkpoints.h, issue 18) ---- */
void gk_audit_checkpoints_register(void);
gk_handler_fn gk_h_audit_checkpoints;
/* ---- national view across certification bodies (api/national.c, web/national.c; the
 * operations are service/national.h, the aggregator's puller national/puller.h) ---- */
void gk_national_register(void);
gk_handler_fn gk_h_national_certificates, gk_h_national_stats, gk_h_national_rejections,
    gk_h_national_bodies, gk_h_national_export, gk_h_page_national;
/* ---- surveillance: cases, steps, regulator pages (api/surveillance.c, web/surveillance.c;
 * service/surveillance.h) ---- */
void gk_surveillance_register(void);
gk_handler_fn gk_h_surveillance_create, gk_h_surveillance_list, gk_h_surveillance_get,
    gk_h_surveillance_purchase, gk_h_surveillance_test, gk_h_surveillance_finding,
    gk_h_surveillance_response, gk_h_surveillance_corrective, gk_h_surveillance_close,
    gk_h_surveillance_order, gk_h_page_surveillance_list, gk_h_page_surveillance_open,
    gk_h_page_surveillance_case, gk_h_page_surveillance_step, gk_h_page_certificate_status,
    gk_h_page_certificate_status_confirm, gk_h_page_certificate_status_do,
    gk_h_surveillance_evidence_add, gk_h_surveillance_evidence_get, gk_h_page_surveillance_evidence;
/* ---- the living record (issue 16): holders, changes, reports (api/holders.c, api/changes.c,
 *      api/reports.c; operations in service/holders.h, service/changes.h, service/reports.h) */
/* Registers the holder, change and report statements. */
void gk_living_register(void);
gk_handler_fn gk_h_organization_get, gk_h_organization_me_get, gk_h_organization_me_put,
    gk_h_certificate_changes_create, gk_h_reports_certifications, gk_h_reports_submissions_list,
    gk_h_reports_submissions_create, gk_h_page_holder, gk_h_page_holder_post, gk_h_page_change_new,
    gk_h_page_change_post, gk_h_page_report, gk_h_page_report_submit,
    gk_h_certificate_inspections_list, gk_h_certificate_inspections_create,
    gk_h_certificate_exhibit_get, gk_h_page_inspections, gk_h_page_inspection_post;

#endif
