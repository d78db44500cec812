/* The route table: every endpoint of the server, in one place, as data. Who may call each
 * route is decided here (roles); the authorisation test walks this table. HEAD is served by
 * every GET route. Add a route: add its row here, its handler in api/ or web/, its
 * description in docs/openapi.yaml and its row in the authorisation test. */
#include "http/handlers.h"
#include "http/router.h"

/* Rows leave out the optional last field (chunk, for streamed uploads): it is NULL. */
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"

#define ALL GK_ROLES_ALL

const gk_route gk_routes[] = {
    /* method  pattern              handler        roles  body          cap flags  name */
    {"GET", "/healthz", gk_h_healthz, ALL, GK_BODY_NONE, 0, 0, "healthz"},
    {"GET", "/readyz", gk_h_readyz, ALL, GK_BODY_NONE, 0, 0, "readyz"},
    {"GET", "/metrics", gk_h_metrics, ALL, GK_BODY_NONE, 0, 0, "metrics"},
    {"GET", "/static/{*path}", gk_h_static, ALL, GK_BODY_NONE, 0, 0, "static"},
    {"GET", "/", gk_h_home, ALL, GK_BODY_NONE, 0, GK_ROUTE_PAGE, "page.home"},

    /* ---- rules: determinations, rule sets (api/determinations.c, web/determination.c) -- */
    {"POST", "/api/v1/determinations", gk_h_determinations_create, ALL, GK_BODY_JSON, 64 * 1024,
     GK_ROUTE_DB, "determinations.create"},
    {"GET", "/api/v1/rule-sets", gk_h_rule_sets_list, ALL, GK_BODY_NONE, 0, GK_ROUTE_DB,
     "rule_sets.list"},
    {"GET", "/api/v1/rule-sets/{id}", gk_h_rule_sets_get, ALL, GK_BODY_NONE, 0, GK_ROUTE_DB,
     "rule_sets.get"},
    {"GET", "/api/v1/categories", gk_h_categories_list, ALL, GK_BODY_NONE, 0, GK_ROUTE_DB,
     "categories.list"},
    {"GET", "/api/v1/categories/{id}", gk_h_categories_get, ALL, GK_BODY_NONE, 0, GK_ROUTE_DB,
     "categories.get"},
    {"GET", "/determination", gk_h_determination_page, ALL, GK_BODY_NONE, 0,
     GK_ROUTE_DB | GK_ROUTE_PAGE, "page.determination"},

/* ---- registry: search, exports, feed, stats (api/certificate_search.c, api/exports.c,
 * api/feed.c, web/registry.c). Before any "/api/v1/certificates/{number}" row:
 * the router takes the first match, and "export" would match {number}. ------------ */
#define STAFF (GK_ROLE_REGULATOR | GK_ROLE_EXAMINER | GK_ROLE_ADMIN)
    {"GET", "/api/v1/certificates", gk_h_certificates_list, ALL, GK_BODY_NONE, 0, GK_ROUTE_DB,
     "certificates.list"},
    {"GET", "/api/v1/certificates/export", gk_h_certificates_export, ALL, GK_BODY_NONE, 0,
     GK_ROUTE_DB, "certificates.export"},
    {"GET", "/api/v1/feed.atom", gk_h_feed_atom, ALL, GK_BODY_NONE, 0, GK_ROUTE_DB, "feed.atom"},
    {"GET", "/api/v1/stats", gk_h_stats, ALL, GK_BODY_NONE, 0, GK_ROUTE_DB, "stats"},
    {"GET", "/certificates", gk_h_page_certificates, ALL, GK_BODY_NONE, 0,
     GK_ROUTE_DB | GK_ROUTE_PAGE, "page.certificates"},
    {"GET", "/certificates/{number}/audit", gk_h_page_certificate_audit, GK_ROLE_REGULATOR,
     GK_BODY_NONE, 0, GK_ROUTE_DB | GK_ROUTE_PAGE, "page.certificate_audit"},
    {"GET", "/stats", gk_h_page_stats, ALL, GK_BODY_NONE, 0, GK_ROUTE_DB | GK_ROUTE_PAGE,
     "page.stats"},
    {"GET", "/stats/charts/{name}", gk_h_page_stats_chart, ALL, GK_BODY_NONE, 0, GK_ROUTE_DB,
     "page.stats_chart"},
#undef STAFF

    /* ---- cc registry: CC Portal import, search (api/cc_certificates.c, web/cc.c) ------- */
    /* Import caps are 0: the configured upload_max for CSV and multipart bodies. */
    {"POST", "/api/v1/cc-certificates/import", gk_h_cc_certificates_import,
     GK_ROLE_EXAMINER | GK_ROLE_ADMIN, GK_BODY_CSV, 0, GK_ROUTE_DB, "cc_certificates.import"},
    {"GET", "/api/v1/cc-certificates", gk_h_cc_certificates_list, ALL, GK_BODY_NONE, 0, GK_ROUTE_DB,
     "cc_certificates.list"},
    {"GET", "/api/v1/cc-certificates/{id}", gk_h_cc_certificates_get, ALL, GK_BODY_NONE, 0,
     GK_ROUTE_DB, "cc_certificates.get"},
    {"GET", "/cc-certificates", gk_h_page_cc_list, ALL, GK_BODY_NONE, 0,
     GK_ROUTE_DB | GK_ROUTE_PAGE, "page.cc_list"},
    /* before {id}: the first matching row wins */
    {"GET", "/cc-certificates/import", gk_h_page_cc_import, GK_ROLE_EXAMINER | GK_ROLE_ADMIN,
     GK_BODY_NONE, 0, GK_ROUTE_DB | GK_ROUTE_PAGE, "page.cc_import"},
    {"POST", "/cc-certificates/import", gk_h_page_cc_import_post, GK_ROLE_EXAMINER | GK_ROLE_ADMIN,
     GK_BODY_MULTIPART, 0, GK_ROUTE_DB | GK_ROUTE_PAGE, "page.cc_import.post"},
    {"GET", "/cc-certificates/{id}", gk_h_page_cc_detail, ALL, GK_BODY_NONE, 0,
     GK_ROUTE_DB | GK_ROUTE_PAGE, "page.cc_detail"},

/* ---- applications: cases, documents, info requests, history (api/applications.c,
 *      api/documents.c, api/info_requests.c, api/history.c, web/applications.c) ----- */
#define APP_M GK_ROLE_MANUFACTURER
#define APP_READ (GK_ROLE_MANUFACTURER | GK_ROLE_EXAMINER | GK_ROLE_ADMIN)
#define APP_UP (GK_ROLE_MANUFACTURER | GK_ROLE_EXAMINER)
#define APP_DB GK_ROUTE_DB
#define APP_PAGE (GK_ROUTE_DB | GK_ROUTE_PAGE)
    {"POST", "/api/v1/applications", gk_h_applications_create, APP_M, GK_BODY_JSON, 0, APP_DB,
     "applications.create"},
    {"GET", "/api/v1/applications", gk_h_applications_list, APP_READ, GK_BODY_NONE, 0, APP_DB,
     "applications.list"},
    {"GET", "/api/v1/applications/{id}", gk_h_applications_get, APP_READ, GK_BODY_NONE, 0, APP_DB,
     "applications.get"},
    {"PATCH", "/api/v1/applications/{id}", gk_h_applications_patch, APP_M, GK_BODY_JSON, 0, APP_DB,
     "applications.patch"},
    {"POST", "/api/v1/applications/{id}/submit", gk_h_applications_submit, APP_M,
     GK_BODY_JSON_OR_FORM, 0, APP_DB, "applications.submit"},
    {"POST", "/api/v1/applications/{id}/withdraw", gk_h_applications_withdraw, APP_M,
     GK_BODY_JSON_OR_FORM, 0, APP_DB, "applications.withdraw"},
    {"GET", "/api/v1/applications/{id}/history", gk_h_applications_history, APP_READ, GK_BODY_NONE,
     0, APP_DB, "applications.history"},
    {"POST", "/api/v1/applications/{id}/documents", gk_h_documents_upload, APP_UP,
     GK_BODY_MULTIPART, 0, APP_DB, "documents.upload", gk_h_documents_upload_chunk},
    {"GET", "/api/v1/applications/{id}/documents", gk_h_documents_list, APP_READ, GK_BODY_NONE, 0,
     APP_DB, "documents.list"},
    {"GET", "/api/v1/applications/{id}/documents/{doc_id}", gk_h_documents_get, APP_READ,
     GK_BODY_NONE, 0, APP_DB, "documents.get"},
    /* issue 20: a draft's document deleted */
    {"DELETE", "/api/v1/applications/{id}/documents/{doc_id}", gk_h_documents_delete, APP_M,
     GK_BODY_NONE, 0, APP_DB, "documents.delete"},
    {"GET", "/api/v1/applications/{id}/info-requests", gk_h_info_requests_list, APP_READ,
     GK_BODY_NONE, 0, APP_DB, "info_requests.list"},
    {"POST", "/api/v1/applications/{id}/info-requests/{rid}/response", gk_h_info_requests_respond,
     APP_M, GK_BODY_JSON, 0, APP_DB, "info_requests.respond"},
    /* pages */
    {"GET", "/applications", gk_h_page_applications, APP_READ, GK_BODY_NONE, 0, APP_PAGE,
     "page.applications"},
    {"GET", "/applications/new", gk_h_page_application_new, APP_M, GK_BODY_NONE, 0, APP_PAGE,
     "page.application_new"},
    {"POST", "/applications", gk_h_page_application_create, APP_M, GK_BODY_FORM, 0, APP_PAGE,
     "page.application_create"},
    {"GET", "/applications/{id}", gk_h_page_application, APP_READ, GK_BODY_NONE, 0, APP_PAGE,
     "page.application"},
    {"GET", "/applications/{id}/edit", gk_h_page_application_edit, APP_M, GK_BODY_NONE, 0, APP_PAGE,
     "page.application_edit"},
    {"POST", "/applications/{id}", gk_h_page_application_update, APP_M, GK_BODY_FORM, 0, APP_PAGE,
     "page.application_update"},
    {"POST", "/applications/{id}/submit", gk_h_page_application_submit, APP_M, GK_BODY_FORM, 0,
     APP_PAGE, "page.application_submit"},
    {"POST", "/applications/{id}/withdraw", gk_h_page_application_withdraw, APP_M, GK_BODY_FORM, 0,
     APP_PAGE, "page.application_withdraw"},
    {"POST", "/applications/{id}/documents", gk_h_page_application_upload, APP_UP,
     GK_BODY_MULTIPART, 0, APP_PAGE, "page.application_upload", gk_h_page_application_upload_chunk},
    {"POST", "/applications/{id}/documents/{doc_id}/delete", gk_h_page_application_doc_delete,
     APP_M, GK_BODY_FORM, 0, APP_PAGE, "page.application_doc_delete"},
    {"POST", "/applications/{id}/info-requests/{rid}/response", gk_h_page_info_request_respond,
     APP_M, GK_BODY_FORM, 0, APP_PAGE, "page.info_request_respond"},
#undef APP_M
#undef APP_READ
#undef APP_UP
#undef APP_DB
#undef APP_PAGE

/* ---- examination: queue, assignment, evidence, verdicts, equivalence, proposal,
 *      review (api/examination.c, web/examination.c) ------------------------------- */
#define EX GK_ROLE_EXAMINER
#define EX_ADMIN (GK_ROLE_EXAMINER | GK_ROLE_ADMIN)
/* Cases (with confidential documents) are the certification body's: regulators follow
 * certificates, their history and audit trail instead. */
#define EX_READ (GK_ROLE_EXAMINER | GK_ROLE_ADMIN)
#define EX_DB GK_ROUTE_DB
#define EX_PAGE (GK_ROUTE_DB | GK_ROUTE_PAGE)
/* Form fields of prose are up to 20000 bytes, three times that once percent-encoded. */
#define FORM_MAX (256 * 1024)
    {"GET", "/api/v1/examination/queue", gk_h_exam_queue, EX_READ, GK_BODY_NONE, 0, EX_DB,
     "examination.queue"},
    {"GET", "/api/v1/applications/{id}/examination", gk_h_exam_case, EX_READ, GK_BODY_NONE, 0,
     EX_DB, "examination.case"},
    {"POST", "/api/v1/applications/{id}/assign", gk_h_exam_assign, EX_ADMIN, GK_BODY_JSON, 0, EX_DB,
     "examination.assign"},
    {"POST", "/api/v1/applications/{id}/requirements/{req}/evidence", gk_h_exam_evidence, EX,
     GK_BODY_JSON, 256 * 1024, EX_DB, "examination.evidence"},
    {"PUT", "/api/v1/applications/{id}/requirements/{req}/verdict", gk_h_exam_verdict, EX,
     GK_BODY_JSON, 0, EX_DB, "examination.verdict"},
    {"POST", "/api/v1/applications/{id}/info-requests", gk_h_exam_info_request, EX, GK_BODY_JSON, 0,
     EX_DB, "examination.info_request"},
    {"POST", "/api/v1/applications/{id}/equivalence", gk_h_exam_equivalence, EX, GK_BODY_JSON, 0,
     EX_DB, "examination.equivalence"},
    {"POST", "/api/v1/applications/{id}/proposal", gk_h_exam_proposal, EX, GK_BODY_JSON, 0, EX_DB,
     "examination.proposal"},
    {"POST", "/api/v1/applications/{id}/review", gk_h_exam_review, EX, GK_BODY_JSON, 0, EX_DB,
     "examination.review"},
    {"GET", "/examination", gk_h_page_exam_queue, EX_READ, GK_BODY_NONE, 0, EX_PAGE,
     "page.exam_queue"},
    {"GET", "/examination/{id}", gk_h_page_exam_case, EX_READ, GK_BODY_NONE, 0, EX_PAGE,
     "page.exam_case"},
    {"POST", "/examination/{id}/assign", gk_h_page_exam_assign, EX_ADMIN, GK_BODY_FORM, FORM_MAX,
     EX_PAGE, "page.exam_assign"},
    {"POST", "/examination/{id}/evidence", gk_h_page_exam_evidence, EX, GK_BODY_FORM, FORM_MAX,
     EX_PAGE, "page.exam_evidence"},
    {"POST", "/examination/{id}/verdict", gk_h_page_exam_verdict, EX, GK_BODY_FORM, FORM_MAX,
     EX_PAGE, "page.exam_verdict"},
    {"POST", "/examination/{id}/info-request", gk_h_page_exam_info_request, EX, GK_BODY_FORM,
     FORM_MAX, EX_PAGE, "page.exam_info_request"},
    {"POST", "/examination/{id}/equivalence", gk_h_page_exam_equivalence, EX, GK_BODY_FORM,
     FORM_MAX, EX_PAGE, "page.exam_equivalence"},
    {"POST", "/examination/{id}/proposal", gk_h_page_exam_proposal, EX, GK_BODY_FORM, FORM_MAX,
     EX_PAGE, "page.exam_proposal"},
    {"POST", "/examination/{id}/review", gk_h_page_exam_review, EX, GK_BODY_FORM, FORM_MAX, EX_PAGE,
     "page.exam_review"},
#undef EX
#undef EX_ADMIN
#undef EX_READ
#undef EX_DB
#undef EX_PAGE
#undef FORM_MAX

/* ---- certificates: one certificate, signing keys, life cycle, import
 *      (api/certificates.c, web/certificate.c); after the registry's literal rows ---- */
#define CERT_STAFF (GK_ROLE_EXAMINER | GK_ROLE_REGULATOR | GK_ROLE_ADMIN)
    {"GET", "/api/v1/signing-keys", gk_h_signing_keys, ALL, GK_BODY_NONE, 0, 0,
     "signing_keys.list"},
    {"POST", "/api/v1/certificates/import", gk_h_certificates_import,
     GK_ROLE_EXAMINER | GK_ROLE_ADMIN, GK_BODY_CSV, 16 * 1024 * 1024, GK_ROUTE_DB,
     "certificates.import"},
    {"GET", "/api/v1/certificates/{number}", gk_h_certificate_get, ALL, GK_BODY_NONE, 0,
     GK_ROUTE_DB, "certificates.get"},
    {"POST", "/api/v1/certificates/{number}/suspend", gk_h_certificate_suspend, CERT_STAFF,
     GK_BODY_JSON, 0, GK_ROUTE_DB, "certificates.suspend"},
    {"POST", "/api/v1/certificates/{number}/reinstate", gk_h_certificate_reinstate, CERT_STAFF,
     GK_BODY_JSON, 0, GK_ROUTE_DB, "certificates.reinstate"},
    {"POST", "/api/v1/certificates/{number}/revoke", gk_h_certificate_revoke, CERT_STAFF,
     GK_BODY_JSON, 0, GK_ROUTE_DB, "certificates.revoke"},
    {"GET", "/certificates/{number}", gk_h_page_certificate, ALL, GK_BODY_NONE, 0,
     GK_ROUTE_DB | GK_ROUTE_PAGE, "page.certificate"},
#undef CERT_STAFF

    /* ---- the mark, QR codes, PDFs, electronic label (api/certificate_files.c,
     *      web/elabel.c): public, but the label sheet is the holder's and the staff's ---- */
    {"GET", "/api/v1/certificates/{number}/mark.svg", gk_h_certificate_mark_svg, ALL, GK_BODY_NONE,
     0, GK_ROUTE_DB, "certificates.mark_svg"},
    {"GET", "/api/v1/certificates/{number}/qr.svg", gk_h_certificate_qr_svg, ALL, GK_BODY_NONE, 0,
     GK_ROUTE_DB, "certificates.qr_svg"},
    {"GET", "/api/v1/certificates/{number}/qr.png", gk_h_certificate_qr_png, ALL, GK_BODY_NONE, 0,
     GK_ROUTE_DB, "certificates.qr_png"},
    {"GET", "/api/v1/certificates/{number}/certificate.pdf", gk_h_certificate_pdf, ALL,
     GK_BODY_NONE, 0, GK_ROUTE_DB, "certificates.pdf"},
    {"GET", "/api/v1/certificates/{number}/labels.pdf", gk_h_certificate_labels_pdf, GK_ROLES_USERS,
     GK_BODY_NONE, 0, GK_ROUTE_DB, "certificates.labels_pdf"},
    {"GET", "/e/{number}", gk_h_page_elabel, ALL, GK_BODY_NONE, 0, GK_ROUTE_DB | GK_ROUTE_PAGE,
     "page.elabel"},

/* ---- accounts: signup, session, users, tokens (api/accounts.c, web/account.c) ----- */
#define USERS GK_ROLES_USERS
#define ADMIN GK_ROLE_ADMIN
#define DB GK_ROUTE_DB
#define PAGE (GK_ROUTE_DB | GK_ROUTE_PAGE)
#define SLOW GK_ROUTE_SLOW
    {"POST", "/api/v1/signup", gk_h_signup_create, ALL, GK_BODY_JSON, 0, DB | SLOW,
     "signup.create"},
    {"POST", "/api/v1/session", gk_h_session_create, ALL, GK_BODY_JSON, 0, DB | SLOW,
     "session.create"},
    {"GET", "/api/v1/session", gk_h_session_get, USERS, GK_BODY_NONE, 0, DB, "session.get"},
    {"DELETE", "/api/v1/session", gk_h_session_delete, USERS, GK_BODY_NONE, 0, DB,
     "session.delete"},
    {"POST", "/api/v1/users", gk_h_users_create, ADMIN, GK_BODY_JSON, 0, DB | SLOW, "users.create"},
    {"GET", "/api/v1/users", gk_h_users_list, ADMIN, GK_BODY_NONE, 0, DB, "users.list"},
    {"POST", "/api/v1/tokens", gk_h_tokens_create, USERS, GK_BODY_JSON, 0, DB, "tokens.create"},
    {"GET", "/api/v1/tokens", gk_h_tokens_list, USERS, GK_BODY_NONE, 0, DB, "tokens.list"},
    {"DELETE", "/api/v1/tokens/{id}", gk_h_tokens_delete, USERS, GK_BODY_NONE, 0, DB,
     "tokens.delete"},
    {"POST", "/api/v1/account/password", gk_h_account_password, USERS, GK_BODY_JSON, 0, DB | SLOW,
     "account.password"},
    {"GET", "/signin", gk_h_page_signin, ALL, GK_BODY_NONE, 0, PAGE, "page.signin"},
    {"POST", "/signin", gk_h_page_signin_post, ALL, GK_BODY_FORM, 0, PAGE | SLOW,
     "page.signin.post"},
    {"POST", "/signout", gk_h_page_signout, USERS, GK_BODY_FORM, 0, PAGE, "page.signout"},
    {"GET", "/signup", gk_h_page_signup, ALL, GK_BODY_NONE, 0, PAGE, "page.signup"},
    {"POST", "/signup", gk_h_page_signup_post, ALL, GK_BODY_FORM, 0, PAGE | SLOW,
     "page.signup.post"},
    {"GET", "/account", gk_h_page_account, USERS, GK_BODY_NONE, 0, PAGE, "page.account"},
    {"POST", "/account/password", gk_h_page_account_password, USERS, GK_BODY_FORM, 0, PAGE | SLOW,
     "page.account.password"},
    {"POST", "/account/tokens", gk_h_page_account_tokens, USERS, GK_BODY_FORM, 0, PAGE,
     "page.account.tokens"},
    {"POST", "/account/tokens/{id}/revoke", gk_h_page_account_token_revoke, USERS, GK_BODY_FORM, 0,
     PAGE, "page.account.token_revoke"},
    {"GET", "/admin/users", gk_h_page_admin_users, ADMIN, GK_BODY_NONE, 0, PAGE,
     "page.admin_users"},
    {"POST", "/admin/users", gk_h_page_admin_users_post, ADMIN, GK_BODY_FORM, 0, PAGE | SLOW,
     "page.admin_users.post"},
    /* issue 15: the recognised schemes an equivalence may cite (api/examination.c) */
    {"GET", "/api/v1/recognised-schemes", gk_h_exam_schemes, ALL, GK_BODY_NONE, 0, DB,
     "recognised_schemes.list"},
    /* issue 19: e-mail verification, password reset, notification choices, the outbox */
    {"POST", "/api/v1/signup/verify", gk_h_signup_verify, ALL, GK_BODY_JSON, 0, DB,
     "signup.verify"},
    {"POST", "/api/v1/password-reset", gk_h_password_reset_create, ALL, GK_BODY_JSON, 0, DB,
     "password_reset.create"},
    {"POST", "/api/v1/password-reset/confirm", gk_h_password_reset_confirm, ALL, GK_BODY_JSON, 0,
     DB | SLOW, "password_reset.confirm"},
    {"GET", "/verify-email", gk_h_page_verify_email, ALL, GK_BODY_NONE, 0, PAGE,
     "page.verify_email"},
    {"POST", "/verify-email", gk_h_page_verify_email_post, ALL, GK_BODY_FORM, 0, PAGE,
     "page.verify_email.post"},
    {"GET", "/password-reset", gk_h_page_password_reset, ALL, GK_BODY_NONE, 0, PAGE,
     "page.password_reset"},
    {"POST", "/password-reset", gk_h_page_password_reset_post, ALL, GK_BODY_FORM, 0, PAGE,
     "page.password_reset.post"},
    {"GET", "/reset-password", gk_h_page_reset_password, ALL, GK_BODY_NONE, 0, PAGE,
     "page.reset_password"},
    {"POST", "/reset-password", gk_h_page_reset_password_post, ALL, GK_BODY_FORM, 0, PAGE | SLOW,
     "page.reset_password.post"},
    {"POST", "/account/notifications", gk_h_page_account_notifications, USERS, GK_BODY_FORM, 0,
     PAGE, "page.account.notifications"},
    {"GET", "/admin/outbox", gk_h_page_admin_outbox, ADMIN, GK_BODY_NONE, 0, PAGE,
     "page.admin_outbox"},
    {"POST", "/api/v1/subscriptions", gk_h_subscriptions_create, ALL, GK_BODY_JSON, 0, DB,
     "subscriptions.create"},
    {"POST", "/api/v1/subscriptions/confirm", gk_h_subscriptions_confirm, ALL, GK_BODY_JSON, 0, DB,
     "subscriptions.confirm"},
    {"POST", "/api/v1/subscriptions/unsubscribe", gk_h_subscriptions_unsubscribe, ALL, GK_BODY_JSON,
     0, DB, "subscriptions.unsubscribe"},
    {"GET", "/subscriptions/confirm", gk_h_page_subscription_confirm, ALL, GK_BODY_NONE, 0, PAGE,
     "page.subscription_confirm"},
    {"POST", "/subscriptions/confirm", gk_h_page_subscription_confirm_post, ALL, GK_BODY_FORM, 0,
     PAGE, "page.subscription_confirm.post"},
    {"GET", "/subscriptions/new", gk_h_page_subscription_new, ALL, GK_BODY_NONE, 0, PAGE,
     "page.subscription_new"},
    {"POST", "/subscriptions", gk_h_page_subscription_new_post, ALL, GK_BODY_FORM, 0, PAGE,
     "page.subscription_new.post"},
    {"GET", "/unsubscribe", gk_h_page_unsubscribe, ALL, GK_BODY_NONE, 0, PAGE, "page.unsubscribe"},
    {"POST", "/unsubscribe", gk_h_page_unsubscribe_post, ALL, GK_BODY_FORM, 0, PAGE,
     "page.unsubscribe.post"},
#undef USERS
#undef ADMIN
#undef DB
#undef SLOW
#undef PAGE

    /* ---- audit: signed checkpoints of the audit chain (api/audit_checkpoints.c, issue 18) ---- */
    {"GET", "/api/v1/audit/checkpoints", gk_h_audit_checkpoints, ALL, GK_BODY_NONE, 0, GK_ROUTE_DB,
     "audit_checkpoints.list"},
    /* ---- national view: the aggregator's search, stats, rejections, bodies
     * (api/national.c), its page (web/national.c) ---- */
    {"GET", "/api/v1/national/certificates", gk_h_national_certificates, ALL, GK_BODY_NONE, 0,
     GK_ROUTE_DB, "national.certificates"},
    {"GET", "/api/v1/national/certificates/export", gk_h_national_export, ALL, GK_BODY_NONE, 0,
     GK_ROUTE_DB, "national.export"},
    {"GET", "/api/v1/national/stats", gk_h_national_stats, ALL, GK_BODY_NONE, 0, GK_ROUTE_DB,
     "national.stats"},
    {"GET", "/api/v1/national/rejections", gk_h_national_rejections,
     GK_ROLE_REGULATOR | GK_ROLE_ADMIN, GK_BODY_NONE, 0, GK_ROUTE_DB, "national.rejections"},
    {"GET", "/api/v1/national/bodies", gk_h_national_bodies, GK_ROLE_REGULATOR | GK_ROLE_ADMIN,
     GK_BODY_NONE, 0, GK_ROUTE_DB, "national.bodies"},
    {"GET", "/national", gk_h_page_national, ALL, GK_BODY_NONE, 0, GK_ROUTE_DB | GK_ROUTE_PAGE,
     "page.national"},
/* ---- surveillance: cases and their steps, the regulator's certificate status pages
 *      (api/surveillance.c, web/surveillance.c) ---- */
#define SV_STAFF (GK_ROLE_EXAMINER | GK_ROLE_REGULATOR)
#define SV_READ (GK_ROLE_MANUFACTURER | GK_ROLE_EXAMINER | GK_ROLE_REGULATOR)
#define SV_PAGE (GK_ROUTE_DB | GK_ROUTE_PAGE)
#define SV_CERT (GK_ROLE_EXAMINER | GK_ROLE_REGULATOR | GK_ROLE_ADMIN)
    {"POST", "/api/v1/surveillance-cases", gk_h_surveillance_create, SV_STAFF, GK_BODY_JSON, 0,
     GK_ROUTE_DB, "surveillance.create"},
    {"GET", "/api/v1/surveillance-cases", gk_h_surveillance_list, SV_READ, GK_BODY_NONE, 0,
     GK_ROUTE_DB, "surveillance.list"},
    {"GET", "/api/v1/surveillance-cases/{id}", gk_h_surveillance_get, SV_READ, GK_BODY_NONE, 0,
     GK_ROUTE_DB, "surveillance.get"},
    {"POST", "/api/v1/surveillance-cases/{id}/purchases", gk_h_surveillance_purchase, SV_STAFF,
     GK_BODY_JSON, 0, GK_ROUTE_DB, "surveillance.purchase"},
    {"POST", "/api/v1/surveillance-cases/{id}/tests", gk_h_surveillance_test, SV_STAFF,
     GK_BODY_JSON, 0, GK_ROUTE_DB, "surveillance.test"},
    {"POST", "/api/v1/surveillance-cases/{id}/findings", gk_h_surveillance_finding, SV_STAFF,
     GK_BODY_JSON, 0, GK_ROUTE_DB, "surveillance.finding"},
    {"POST", "/api/v1/surveillance-cases/{id}/response", gk_h_surveillance_response,
     GK_ROLE_MANUFACTURER, GK_BODY_JSON, 0, GK_ROUTE_DB, "surveillance.response"},
    {"POST", "/api/v1/surveillance-cases/{id}/corrective-action", gk_h_surveillance_corrective,
     SV_STAFF, GK_BODY_JSON, 0, GK_ROUTE_DB, "surveillance.corrective_action"},
    {"POST", "/api/v1/surveillance-cases/{id}/close", gk_h_surveillance_close, SV_STAFF,
     GK_BODY_JSON, 0, GK_ROUTE_DB, "surveillance.close"},
    {"POST", "/api/v1/surveillance-cases/{id}/order", gk_h_surveillance_order, GK_ROLE_REGULATOR,
     GK_BODY_JSON, 0, GK_ROUTE_DB, "surveillance.order"},
    {"POST", "/api/v1/surveillance-cases/{id}/evidence", gk_h_surveillance_evidence_add, SV_STAFF,
     GK_BODY_MULTIPART, 9 * 1024 * 1024, GK_ROUTE_DB, "surveillance.evidence_add"},
    {"GET", "/api/v1/surveillance-cases/{id}/evidence/{eid}", gk_h_surveillance_evidence_get,
     SV_READ, GK_BODY_NONE, 0, GK_ROUTE_DB, "surveillance.evidence_get"},
    {"GET", "/surveillance", gk_h_page_surveillance_list, SV_READ, GK_BODY_NONE, 0, SV_PAGE,
     "page.surveillance_list"},
    {"POST", "/surveillance", gk_h_page_surveillance_open, SV_STAFF, GK_BODY_FORM, 0, SV_PAGE,
     "page.surveillance_open"},
    {"GET", "/surveillance/{id}", gk_h_page_surveillance_case, SV_READ, GK_BODY_NONE, 0, SV_PAGE,
     "page.surveillance_case"},
    /* before {step}: the first matching row wins */
    {"POST", "/surveillance/{id}/evidence", gk_h_page_surveillance_evidence, SV_STAFF,
     GK_BODY_MULTIPART, 9 * 1024 * 1024, SV_PAGE, "page.surveillance_evidence"},
    {"POST", "/surveillance/{id}/{step}", gk_h_page_surveillance_step, SV_READ, GK_BODY_FORM, 0,
     SV_PAGE, "page.surveillance_step"},
    {"GET", "/certificates/{number}/status", gk_h_page_certificate_status, SV_CERT, GK_BODY_NONE, 0,
     SV_PAGE, "page.certificate_status"},
    {"POST", "/certificates/{number}/status", gk_h_page_certificate_status_confirm, SV_CERT,
     GK_BODY_FORM, 0, SV_PAGE, "page.certificate_status.confirm"},
    {"POST", "/certificates/{number}/status/{action}", gk_h_page_certificate_status_do, SV_CERT,
     GK_BODY_FORM, 0, SV_PAGE, "page.certificate_status.do"},
#undef SV_STAFF
#undef SV_READ
#undef SV_PAGE
#undef SV_CERT
    /* ---- the living record (issue 16): holder records, change applications, reports to the
     *      Minister (api/holders.c, api/changes.c, api/reports.c) ---- */
    {"GET", "/api/v1/organizations/me", gk_h_organization_me_get, GK_ROLE_MANUFACTURER,
     GK_BODY_NONE, 0, GK_ROUTE_DB, "organizations.me_get"},
    {"PUT", "/api/v1/organizations/me", gk_h_organization_me_put, GK_ROLE_MANUFACTURER,
     GK_BODY_JSON, 0, GK_ROUTE_DB, "organizations.me_put"},
    {"GET", "/api/v1/organizations/{id}", gk_h_organization_get, GK_ROLES_USERS, GK_BODY_NONE, 0,
     GK_ROUTE_DB, "organizations.get"},
    {"POST", "/api/v1/certificates/{number}/changes", gk_h_certificate_changes_create,
     GK_ROLE_MANUFACTURER, GK_BODY_JSON, 0, GK_ROUTE_DB, "certificates.changes_create"},
    {"GET", "/api/v1/reports/certifications", gk_h_reports_certifications,
     GK_ROLE_REGULATOR | GK_ROLE_ADMIN, GK_BODY_NONE, 0, GK_ROUTE_DB, "reports.certifications"},
    {"GET", "/api/v1/reports/certifications/submissions", gk_h_reports_submissions_list,
     GK_ROLE_REGULATOR | GK_ROLE_ADMIN, GK_BODY_NONE, 0, GK_ROUTE_DB, "reports.submissions_list"},
    {"POST", "/api/v1/reports/certifications/submissions", gk_h_reports_submissions_create,
     GK_ROLE_REGULATOR | GK_ROLE_ADMIN, GK_BODY_JSON, 0, GK_ROUTE_DB, "reports.submissions_create"},
    {"GET", "/api/v1/certificates/{number}/exhibits/{id}", gk_h_certificate_exhibit_get,
     GK_ROLES_ALL, GK_BODY_NONE, 0, GK_ROUTE_DB, "certificates.exhibit_get"},
    {"GET", "/api/v1/certificates/{number}/inspections", gk_h_certificate_inspections_list,
     GK_ROLES_USERS, GK_BODY_NONE, 0, GK_ROUTE_DB, "certificates.inspections_list"},
    {"POST", "/api/v1/certificates/{number}/inspections", gk_h_certificate_inspections_create,
     GK_ROLE_MANUFACTURER, GK_BODY_JSON, 0, GK_ROUTE_DB, "certificates.inspections_create"},
    /* their pages (web/holders.c, web/changes.c, web/reports.c) */
    {"GET", "/account/organization", gk_h_page_holder, GK_ROLE_MANUFACTURER, GK_BODY_NONE, 0,
     GK_ROUTE_DB | GK_ROUTE_PAGE, "page.holder"},
    {"POST", "/account/organization", gk_h_page_holder_post, GK_ROLE_MANUFACTURER, GK_BODY_FORM, 0,
     GK_ROUTE_DB | GK_ROUTE_PAGE, "page.holder.post"},
    {"GET", "/certificates/{number}/changes/new", gk_h_page_change_new, GK_ROLE_MANUFACTURER,
     GK_BODY_NONE, 0, GK_ROUTE_DB | GK_ROUTE_PAGE, "page.change_new"},
    {"POST", "/certificates/{number}/changes", gk_h_page_change_post, GK_ROLE_MANUFACTURER,
     GK_BODY_FORM, 0, GK_ROUTE_DB | GK_ROUTE_PAGE, "page.change.post"},
    {"GET", "/certificates/{number}/inspections", gk_h_page_inspections, GK_ROLES_USERS,
     GK_BODY_NONE, 0, GK_ROUTE_DB | GK_ROUTE_PAGE, "page.inspections"},
    {"POST", "/certificates/{number}/inspections", gk_h_page_inspection_post, GK_ROLE_MANUFACTURER,
     GK_BODY_FORM, 0, GK_ROUTE_DB | GK_ROUTE_PAGE, "page.inspection.post"},
    {"GET", "/reports/certifications", gk_h_page_report, GK_ROLE_REGULATOR | GK_ROLE_ADMIN,
     GK_BODY_NONE, 0, GK_ROUTE_DB | GK_ROUTE_PAGE, "page.report"},
    {"POST", "/reports/certifications/submissions", gk_h_page_report_submit,
     GK_ROLE_REGULATOR | GK_ROLE_ADMIN, GK_BODY_FORM, 0, GK_ROUTE_DB | GK_ROUTE_PAGE,
     "page.report_submit.post"},
};

const size_t gk_routes_count = sizeof gk_routes / sizeof *gk_routes;
