/* Who may call each route: the expectation table of the authorisation tests.
 *
 * Written from the contract (shared/docs/api.md, domain.md, docs/rules.md, issue 4), NOT
 * copied from the `roles` column of server/http/routes.c: two independent statements of the
 * same policy, compared in two places.
 *
 *   tests/unit/test_route_roles.c   every row of gk_routes[] must have exactly one row here with
 *                                   the same roles and body kind, and every row here a route;
 *                                   so a new route cannot reach CI without someone deciding,
 *                                   here, who may call it. It also checks that each sample
 *                                   path below is matched by its own route.
 *   tests/api/scenarios_authz.c     walks every row against the running server as anonymous
 *                                   and as each role (cookie session and Bearer token): a role
 *                                   left out answers 401 (anonymous) or 403 (signed in), a role
 *                                   let in never does.
 *
 * The table is data in a header (static, no symbols) so both programs include it; neither
 * links the other. Sample paths use the walk's variables: {{app}} an application of the
 * walk's manufacturer, {{doc}} one of its documents, {{rid}} an information request on it,
 * {{none}} a well-formed UUID that names nothing. Unsafe requests on cases use {{none}}, so
 * the walk changes no real case; reads use the real objects so allowed roles see them. */
#ifndef HT_AUTHZ_EXPECT_H
#define HT_AUTHZ_EXPECT_H

#include <stddef.h>

/* Callers, as the contract names them. Bits of our own: the unit test maps them onto
 * gk_role explicitly rather than assuming the same values. */
enum {
    AZ_ANON = 1 << 0,  /* nobody signed in: the public */
    AZ_MAKER = 1 << 1, /* manufacturer, bound to one organisation */
    AZ_EXAM = 1 << 2,  /* examiner of the certification body */
    AZ_REG = 1 << 3,   /* regulator (MIC) */
    AZ_ADMIN = 1 << 4, /* administrator of the certification body */
};
#define AZ_USERS (AZ_MAKER | AZ_EXAM | AZ_REG | AZ_ADMIN)
#define AZ_ALL (AZ_ANON | AZ_USERS)

/* The body a route takes: the walk must send an acceptable Content-Type, because a wrong one
 * is refused (415) before anybody is authenticated. Checked against the route table too. */
typedef enum {
    AZ_B_NONE,
    AZ_B_JSON,
    AZ_B_FORM,
    AZ_B_JSON_OR_FORM,
    AZ_B_CSV,
    AZ_B_MULTIPART,
} az_body;

enum {
    AZ_ENDS_SESSION = 1 << 0, /* an allowed call signs the caller out: use a spare session */
};

typedef struct {
    const char *method;
    const char *pattern; /* exactly as in the route table */
    unsigned allowed;    /* AZ_* bits */
    az_body body;
    const char *sample; /* a concrete path this route serves, {{var}} allowed */
    unsigned flags;
} az_expect;

/* Applications are read by their organisation's manufacturers, the examiners and the admins
 * (api.md "all for examiners"; rules.md: admins assign, so they read cases). Regulators
 * follow certificates, not cases (they never act on an application, rules.md "Regulators
 * have no application events"; domain.md lists what they see: certified devices,
 * statistics, certificate history, audit trail). */
#define AZ_CASE_READ (AZ_MAKER | AZ_EXAM | AZ_ADMIN)
/* The certification body's staff running examinations: examiners, admins (assign only). */
#define AZ_CB_STAFF (AZ_EXAM | AZ_ADMIN)

static const az_expect az_table[] = {
    /* ---- operations and static files: public ------------------------------------------ */
    {"GET", "/healthz", AZ_ALL, AZ_B_NONE, "/healthz", 0},
    {"GET", "/readyz", AZ_ALL, AZ_B_NONE, "/readyz", 0},
    {"GET", "/metrics", AZ_ALL, AZ_B_NONE, "/metrics", 0}, /* scraped without signing in */
    {"GET", "/static/{*path}", AZ_ALL, AZ_B_NONE, "/static/css/giteki.css", 0},
    {"GET", "/", AZ_ALL, AZ_B_NONE, "/", 0},

    /* ---- determination, rule sets, categories: "stateless, public" ---------------------- */
    {"POST", "/api/v1/determinations", AZ_ALL, AZ_B_JSON, "/api/v1/determinations", 0},
    {"GET", "/api/v1/rule-sets", AZ_ALL, AZ_B_NONE, "/api/v1/rule-sets", 0},
    {"GET", "/api/v1/rule-sets/{id}", AZ_ALL, AZ_B_NONE, "/api/v1/rule-sets/2020-04", 0},
    {"GET", "/api/v1/categories", AZ_ALL, AZ_B_NONE, "/api/v1/categories", 0},
    {"GET", "/api/v1/categories/{id}", AZ_ALL, AZ_B_NONE, "/api/v1/categories/router", 0},
    {"GET", "/determination", AZ_ALL, AZ_B_NONE, "/determination", 0},

    /* ---- certificates: "(regulator, public)"; the life cycle is staff's (rules.md:
     *      examiner/regulator/admin suspend, reinstate, revoke); bulk import is the
     *      certification body's; the audit trail is the regulator's (domain.md) ----------- */
    {"GET", "/api/v1/certificates", AZ_ALL, AZ_B_NONE, "/api/v1/certificates", 0},
    {"GET", "/api/v1/certificates/export", AZ_ALL, AZ_B_NONE,
     "/api/v1/certificates/export?format=json", 0},
    {"GET", "/api/v1/feed.atom", AZ_ALL, AZ_B_NONE, "/api/v1/feed.atom", 0},
    {"GET", "/api/v1/stats", AZ_ALL, AZ_B_NONE, "/api/v1/stats", 0},
    {"GET", "/certificates", AZ_ALL, AZ_B_NONE, "/certificates", 0},
    {"GET", "/certificates/{number}/audit", AZ_REG, AZ_B_NONE, "/certificates/D20-9999999/audit",
     0},
    {"GET", "/stats", AZ_ALL, AZ_B_NONE, "/stats", 0},
    {"GET", "/stats/charts/{name}", AZ_ALL, AZ_B_NONE, "/stats/charts/month", 0},
    {"GET", "/api/v1/signing-keys", AZ_ALL, AZ_B_NONE, "/api/v1/signing-keys", 0},
    {"POST", "/api/v1/certificates/import", AZ_CB_STAFF, AZ_B_CSV, "/api/v1/certificates/import",
     0},
    {"GET", "/api/v1/certificates/{number}", AZ_ALL, AZ_B_NONE, "/api/v1/certificates/D20-9999999",
     0},
    {"POST", "/api/v1/certificates/{number}/suspend", AZ_EXAM | AZ_REG | AZ_ADMIN, AZ_B_JSON,
     "/api/v1/certificates/D20-9999999/suspend", 0},
    {"POST", "/api/v1/certificates/{number}/reinstate", AZ_EXAM | AZ_REG | AZ_ADMIN, AZ_B_JSON,
     "/api/v1/certificates/D20-9999999/reinstate", 0},
    {"POST", "/api/v1/certificates/{number}/revoke", AZ_EXAM | AZ_REG | AZ_ADMIN, AZ_B_JSON,
     "/api/v1/certificates/D20-9999999/revoke", 0},
    {"GET", "/certificates/{number}", AZ_ALL, AZ_B_NONE, "/certificates/D20-9999999", 0},
    /* the mark, QR codes and certificate PDF are public like the record; the label sheet
     * is for the holder's organisation and the staff (the service refuses another maker) */
    {"GET", "/api/v1/certificates/{number}/mark.svg", AZ_ALL, AZ_B_NONE,
     "/api/v1/certificates/D20-9999999/mark.svg", 0},
    {"GET", "/api/v1/certificates/{number}/qr.svg", AZ_ALL, AZ_B_NONE,
     "/api/v1/certificates/D20-9999999/qr.svg", 0},
    {"GET", "/api/v1/certificates/{number}/qr.png", AZ_ALL, AZ_B_NONE,
     "/api/v1/certificates/D20-9999999/qr.png", 0},
    {"GET", "/api/v1/certificates/{number}/certificate.pdf", AZ_ALL, AZ_B_NONE,
     "/api/v1/certificates/D20-9999999/certificate.pdf", 0},
    {"GET", "/api/v1/certificates/{number}/labels.pdf", AZ_USERS, AZ_B_NONE,
     "/api/v1/certificates/D20-9999999/labels.pdf", 0},
    {"GET", "/e/{number}", AZ_ALL, AZ_B_NONE, "/e/D20-9999999", 0},

    /* ---- Common Criteria registry: public reads, the body's staff import ---------------- */
    {"POST", "/api/v1/cc-certificates/import", AZ_CB_STAFF, AZ_B_CSV,
     "/api/v1/cc-certificates/import", 0},
    {"GET", "/api/v1/cc-certificates", AZ_ALL, AZ_B_NONE, "/api/v1/cc-certificates", 0},
    {"GET", "/api/v1/cc-certificates/{id}", AZ_ALL, AZ_B_NONE, "/api/v1/cc-certificates/{{none}}",
     0},
    {"GET", "/cc-certificates", AZ_ALL, AZ_B_NONE, "/cc-certificates", 0},
    {"GET", "/cc-certificates/import", AZ_CB_STAFF, AZ_B_NONE, "/cc-certificates/import", 0},
    {"POST", "/cc-certificates/import", AZ_CB_STAFF, AZ_B_MULTIPART, "/cc-certificates/import", 0},
    {"GET", "/cc-certificates/{id}", AZ_ALL, AZ_B_NONE, "/cc-certificates/{{none}}", 0},

    /* ---- applications: the manufacturer files and acts on its case; examiners may attach
     *      documents (evidence, api.md document_ids) -------------------------------------- */
    {"POST", "/api/v1/applications", AZ_MAKER, AZ_B_JSON, "/api/v1/applications", 0},
    {"GET", "/api/v1/applications", AZ_CASE_READ, AZ_B_NONE, "/api/v1/applications", 0},
    {"GET", "/api/v1/applications/{id}", AZ_CASE_READ, AZ_B_NONE, "/api/v1/applications/{{app}}",
     0},
    {"PATCH", "/api/v1/applications/{id}", AZ_MAKER, AZ_B_JSON, "/api/v1/applications/{{none}}", 0},
    {"POST", "/api/v1/applications/{id}/submit", AZ_MAKER, AZ_B_JSON_OR_FORM,
     "/api/v1/applications/{{none}}/submit", 0},
    {"POST", "/api/v1/applications/{id}/withdraw", AZ_MAKER, AZ_B_JSON_OR_FORM,
     "/api/v1/applications/{{none}}/withdraw", 0},
    {"GET", "/api/v1/applications/{id}/history", AZ_CASE_READ, AZ_B_NONE,
     "/api/v1/applications/{{app}}/history", 0},
    {"POST", "/api/v1/applications/{id}/documents", AZ_MAKER | AZ_EXAM, AZ_B_MULTIPART,
     "/api/v1/applications/{{none}}/documents", 0},
    {"GET", "/api/v1/applications/{id}/documents", AZ_CASE_READ, AZ_B_NONE,
     "/api/v1/applications/{{app}}/documents", 0},
    {"GET", "/api/v1/applications/{id}/documents/{doc_id}", AZ_CASE_READ, AZ_B_NONE,
     "/api/v1/applications/{{app}}/documents/{{doc}}", 0},
    /* issue 20: the maker deletes a document of its draft */
    {"DELETE", "/api/v1/applications/{id}/documents/{doc_id}", AZ_MAKER, AZ_B_NONE,
     "/api/v1/applications/{{none}}/documents/{{none}}", 0},
    {"GET", "/api/v1/applications/{id}/info-requests", AZ_CASE_READ, AZ_B_NONE,
     "/api/v1/applications/{{app}}/info-requests", 0},
    {"POST", "/api/v1/applications/{id}/info-requests/{rid}/response", AZ_MAKER, AZ_B_JSON,
     "/api/v1/applications/{{none}}/info-requests/{{none}}/response", 0},
    {"GET", "/applications", AZ_CASE_READ, AZ_B_NONE, "/applications", 0},
    {"GET", "/applications/new", AZ_MAKER, AZ_B_NONE, "/applications/new", 0},
    {"POST", "/applications", AZ_MAKER, AZ_B_FORM, "/applications", 0},
    {"GET", "/applications/{id}", AZ_CASE_READ, AZ_B_NONE, "/applications/{{app}}", 0},
    {"GET", "/applications/{id}/edit", AZ_MAKER, AZ_B_NONE, "/applications/{{app}}/edit", 0},
    {"POST", "/applications/{id}", AZ_MAKER, AZ_B_FORM, "/applications/{{none}}", 0},
    {"POST", "/applications/{id}/submit", AZ_MAKER, AZ_B_FORM, "/applications/{{none}}/submit", 0},
    {"POST", "/applications/{id}/withdraw", AZ_MAKER, AZ_B_FORM, "/applications/{{none}}/withdraw",
     0},
    {"POST", "/applications/{id}/documents", AZ_MAKER | AZ_EXAM, AZ_B_MULTIPART,
     "/applications/{{none}}/documents", 0},
    {"POST", "/applications/{id}/documents/{doc_id}/delete", AZ_MAKER, AZ_B_FORM,
     "/applications/{{none}}/documents/{{none}}/delete", 0},
    {"POST", "/applications/{id}/info-requests/{rid}/response", AZ_MAKER, AZ_B_FORM,
     "/applications/{{none}}/info-requests/{{none}}/response", 0},

    /* ---- examination: examiners examine; admins only assign (rules.md decision 1), in the
     *      API and on the examiner page's forms alike -------------------------------------- */
    {"GET", "/api/v1/examination/queue", AZ_CB_STAFF, AZ_B_NONE, "/api/v1/examination/queue", 0},
    {"GET", "/api/v1/applications/{id}/examination", AZ_CB_STAFF, AZ_B_NONE,
     "/api/v1/applications/{{app}}/examination", 0},
    {"POST", "/api/v1/applications/{id}/assign", AZ_CB_STAFF, AZ_B_JSON,
     "/api/v1/applications/{{none}}/assign", 0},
    {"POST", "/api/v1/applications/{id}/requirements/{req}/evidence", AZ_EXAM, AZ_B_JSON,
     "/api/v1/applications/{{none}}/requirements/SR-1/evidence", 0},
    {"PUT", "/api/v1/applications/{id}/requirements/{req}/verdict", AZ_EXAM, AZ_B_JSON,
     "/api/v1/applications/{{none}}/requirements/SR-1/verdict", 0},
    {"POST", "/api/v1/applications/{id}/info-requests", AZ_EXAM, AZ_B_JSON,
     "/api/v1/applications/{{none}}/info-requests", 0},
    {"POST", "/api/v1/applications/{id}/equivalence", AZ_EXAM, AZ_B_JSON,
     "/api/v1/applications/{{none}}/equivalence", 0},
    {"POST", "/api/v1/applications/{id}/proposal", AZ_EXAM, AZ_B_JSON,
     "/api/v1/applications/{{none}}/proposal", 0},
    {"POST", "/api/v1/applications/{id}/review", AZ_EXAM, AZ_B_JSON,
     "/api/v1/applications/{{none}}/review", 0},
    {"GET", "/examination", AZ_CB_STAFF, AZ_B_NONE, "/examination", 0},
    {"GET", "/examination/{id}", AZ_CB_STAFF, AZ_B_NONE, "/examination/{{app}}", 0},
    {"POST", "/examination/{id}/assign", AZ_CB_STAFF, AZ_B_FORM, "/examination/{{none}}/assign", 0},
    {"POST", "/examination/{id}/evidence", AZ_EXAM, AZ_B_FORM, "/examination/{{none}}/evidence", 0},
    {"POST", "/examination/{id}/verdict", AZ_EXAM, AZ_B_FORM, "/examination/{{none}}/verdict", 0},
    {"POST", "/examination/{id}/info-request", AZ_EXAM, AZ_B_FORM,
     "/examination/{{none}}/info-request", 0},
    {"POST", "/examination/{id}/equivalence", AZ_EXAM, AZ_B_FORM,
     "/examination/{{none}}/equivalence", 0},
    {"POST", "/examination/{id}/proposal", AZ_EXAM, AZ_B_FORM, "/examination/{{none}}/proposal", 0},
    {"POST", "/examination/{id}/review", AZ_EXAM, AZ_B_FORM, "/examination/{{none}}/review", 0},

    /* ---- accounts: anyone signs up and in; any signed-in user manages their own session,
     *      password and tokens; only admins manage users (api.md "Accounts") -------------- */
    {"POST", "/api/v1/signup", AZ_ALL, AZ_B_JSON, "/api/v1/signup", 0},
    {"POST", "/api/v1/session", AZ_ALL, AZ_B_JSON, "/api/v1/session", 0},
    {"GET", "/api/v1/session", AZ_USERS, AZ_B_NONE, "/api/v1/session", 0},
    {"DELETE", "/api/v1/session", AZ_USERS, AZ_B_NONE, "/api/v1/session", AZ_ENDS_SESSION},
    {"POST", "/api/v1/users", AZ_ADMIN, AZ_B_JSON, "/api/v1/users", 0},
    {"GET", "/api/v1/users", AZ_ADMIN, AZ_B_NONE, "/api/v1/users", 0},
    {"POST", "/api/v1/tokens", AZ_USERS, AZ_B_JSON, "/api/v1/tokens", 0},
    {"GET", "/api/v1/tokens", AZ_USERS, AZ_B_NONE, "/api/v1/tokens", 0},
    {"DELETE", "/api/v1/tokens/{id}", AZ_USERS, AZ_B_NONE, "/api/v1/tokens/{{none}}", 0},
    {"POST", "/api/v1/account/password", AZ_USERS, AZ_B_JSON, "/api/v1/account/password", 0},
    {"GET", "/signin", AZ_ALL, AZ_B_NONE, "/signin", 0},
    {"POST", "/signin", AZ_ALL, AZ_B_FORM, "/signin", 0},
    {"POST", "/signout", AZ_USERS, AZ_B_FORM, "/signout", AZ_ENDS_SESSION},
    {"GET", "/signup", AZ_ALL, AZ_B_NONE, "/signup", 0},
    {"POST", "/signup", AZ_ALL, AZ_B_FORM, "/signup", 0},
    {"GET", "/account", AZ_USERS, AZ_B_NONE, "/account", 0},
    {"POST", "/account/password", AZ_USERS, AZ_B_FORM, "/account/password", 0},
    {"POST", "/account/tokens", AZ_USERS, AZ_B_FORM, "/account/tokens", 0},
    {"POST", "/account/tokens/{id}/revoke", AZ_USERS, AZ_B_FORM, "/account/tokens/{{none}}/revoke",
     0},
    {"GET", "/admin/users", AZ_ADMIN, AZ_B_NONE, "/admin/users", 0},
    {"POST", "/admin/users", AZ_ADMIN, AZ_B_FORM, "/admin/users", 0},
    {"GET", "/api/v1/recognised-schemes", AZ_ALL, AZ_B_NONE, "/api/v1/recognised-schemes", 0},
    /* issue 18: the signed audit checkpoints are public */
    {"GET", "/api/v1/audit/checkpoints", AZ_ALL, AZ_B_NONE, "/api/v1/audit/checkpoints", 0},
    /* the national view (issue 17): the public register across bodies; what was refused and
     * how each body's pulls go are for the regulator and the body's administrators */
    {"GET", "/api/v1/national/certificates", AZ_ALL, AZ_B_NONE, "/api/v1/national/certificates", 0},
    {"GET", "/api/v1/national/certificates/export", AZ_ALL, AZ_B_NONE,
     "/api/v1/national/certificates/export", 0},
    {"GET", "/api/v1/national/stats", AZ_ALL, AZ_B_NONE, "/api/v1/national/stats", 0},
    {"GET", "/api/v1/national/rejections", AZ_REG | AZ_ADMIN, AZ_B_NONE,
     "/api/v1/national/rejections", 0},
    {"GET", "/api/v1/national/bodies", AZ_REG | AZ_ADMIN, AZ_B_NONE, "/api/v1/national/bodies", 0},
    {"GET", "/national", AZ_ALL, AZ_B_NONE, "/national", 0},
    /* ---- surveillance (issue 17): the regulator and the body's examiners run cases; the
     *      holder reads its own and responds; only the regulator orders; admins take no part
     *      in cases but may change a certificate's status (as the API allows) ---------- */
    {"POST", "/api/v1/surveillance-cases", AZ_EXAM | AZ_REG, AZ_B_JSON,
     "/api/v1/surveillance-cases", 0},
    {"GET", "/api/v1/surveillance-cases", AZ_MAKER | AZ_EXAM | AZ_REG, AZ_B_NONE,
     "/api/v1/surveillance-cases", 0},
    {"GET", "/api/v1/surveillance-cases/{id}", AZ_MAKER | AZ_EXAM | AZ_REG, AZ_B_NONE,
     "/api/v1/surveillance-cases/{{none}}", 0},
    {"POST", "/api/v1/surveillance-cases/{id}/purchases", AZ_EXAM | AZ_REG, AZ_B_JSON,
     "/api/v1/surveillance-cases/{{none}}/purchases", 0},
    {"POST", "/api/v1/surveillance-cases/{id}/tests", AZ_EXAM | AZ_REG, AZ_B_JSON,
     "/api/v1/surveillance-cases/{{none}}/tests", 0},
    {"POST", "/api/v1/surveillance-cases/{id}/findings", AZ_EXAM | AZ_REG, AZ_B_JSON,
     "/api/v1/surveillance-cases/{{none}}/findings", 0},
    {"POST", "/api/v1/surveillance-cases/{id}/response", AZ_MAKER, AZ_B_JSON,
     "/api/v1/surveillance-cases/{{none}}/response", 0},
    {"POST", "/api/v1/surveillance-cases/{id}/corrective-action", AZ_EXAM | AZ_REG, AZ_B_JSON,
     "/api/v1/surveillance-cases/{{none}}/corrective-action", 0},
    {"POST", "/api/v1/surveillance-cases/{id}/close", AZ_EXAM | AZ_REG, AZ_B_JSON,
     "/api/v1/surveillance-cases/{{none}}/close", 0},
    {"POST", "/api/v1/surveillance-cases/{id}/order", AZ_REG, AZ_B_JSON,
     "/api/v1/surveillance-cases/{{none}}/order", 0},
    {"POST", "/api/v1/surveillance-cases/{id}/evidence", AZ_EXAM | AZ_REG, AZ_B_MULTIPART,
     "/api/v1/surveillance-cases/{{none}}/evidence", 0},
    {"GET", "/api/v1/surveillance-cases/{id}/evidence/{eid}", AZ_MAKER | AZ_EXAM | AZ_REG,
     AZ_B_NONE, "/api/v1/surveillance-cases/{{none}}/evidence/{{none}}", 0},
    {"GET", "/surveillance", AZ_MAKER | AZ_EXAM | AZ_REG, AZ_B_NONE, "/surveillance", 0},
    {"POST", "/surveillance", AZ_EXAM | AZ_REG, AZ_B_FORM, "/surveillance", 0},
    {"GET", "/surveillance/{id}", AZ_MAKER | AZ_EXAM | AZ_REG, AZ_B_NONE, "/surveillance/{{none}}",
     0},
    {"POST", "/surveillance/{id}/evidence", AZ_EXAM | AZ_REG, AZ_B_MULTIPART,
     "/surveillance/{{none}}/evidence", 0},
    {"POST", "/surveillance/{id}/{step}", AZ_MAKER | AZ_EXAM | AZ_REG, AZ_B_FORM,
     "/surveillance/{{none}}/finding", 0},
    {"GET", "/certificates/{number}/status", AZ_EXAM | AZ_REG | AZ_ADMIN, AZ_B_NONE,
     "/certificates/D20-9999999/status", 0},
    {"POST", "/certificates/{number}/status", AZ_EXAM | AZ_REG | AZ_ADMIN, AZ_B_FORM,
     "/certificates/D20-9999999/status", 0},
    {"POST", "/certificates/{number}/status/{action}", AZ_EXAM | AZ_REG | AZ_ADMIN, AZ_B_FORM,
     "/certificates/D20-9999999/status/suspend", 0},
    /* the living record (issue 16): a maker reads and replaces its own holder record, the
     * staff read any; the holder files changes; reports go to the regulator and the admin */
    {"GET", "/api/v1/organizations/me", AZ_MAKER, AZ_B_NONE, "/api/v1/organizations/me", 0},
    {"PUT", "/api/v1/organizations/me", AZ_MAKER, AZ_B_JSON, "/api/v1/organizations/me", 0},
    {"GET", "/api/v1/organizations/{id}", AZ_USERS, AZ_B_NONE, "/api/v1/organizations/{{none}}", 0},
    {"POST", "/api/v1/certificates/{number}/changes", AZ_MAKER, AZ_B_JSON,
     "/api/v1/certificates/D20-9999999/changes", 0},
    {"GET", "/api/v1/reports/certifications", AZ_REG | AZ_ADMIN, AZ_B_NONE,
     "/api/v1/reports/certifications?from=2026-01-01&to=2026-01-31", 0},
    {"GET", "/api/v1/reports/certifications/submissions", AZ_REG | AZ_ADMIN, AZ_B_NONE,
     "/api/v1/reports/certifications/submissions", 0},
    {"POST", "/api/v1/reports/certifications/submissions", AZ_REG | AZ_ADMIN, AZ_B_JSON,
     "/api/v1/reports/certifications/submissions", 0},
    {"GET", "/api/v1/certificates/{number}/exhibits/{id}", AZ_ALL, AZ_B_NONE,
     "/api/v1/certificates/D20-9999999/exhibits/{{none}}", 0},
    {"GET", "/api/v1/certificates/{number}/inspections", AZ_USERS, AZ_B_NONE,
     "/api/v1/certificates/D20-9999999/inspections", 0},
    {"POST", "/api/v1/certificates/{number}/inspections", AZ_MAKER, AZ_B_JSON,
     "/api/v1/certificates/D20-9999999/inspections", 0},
    {"GET", "/account/organization", AZ_MAKER, AZ_B_NONE, "/account/organization", 0},
    {"POST", "/account/organization", AZ_MAKER, AZ_B_FORM, "/account/organization", 0},
    {"GET", "/certificates/{number}/changes/new", AZ_MAKER, AZ_B_NONE,
     "/certificates/D20-9999999/changes/new", 0},
    {"POST", "/certificates/{number}/changes", AZ_MAKER, AZ_B_FORM,
     "/certificates/D20-9999999/changes", 0},
    {"GET", "/certificates/{number}/inspections", AZ_USERS, AZ_B_NONE,
     "/certificates/D20-9999999/inspections", 0},
    {"POST", "/certificates/{number}/inspections", AZ_MAKER, AZ_B_FORM,
     "/certificates/D20-9999999/inspections", 0},
    {"GET", "/reports/certifications", AZ_REG | AZ_ADMIN, AZ_B_NONE, "/reports/certifications", 0},
    {"POST", "/reports/certifications/submissions", AZ_REG | AZ_ADMIN, AZ_B_FORM,
     "/reports/certifications/submissions", 0},
    /* issue 19: e-mail verification and password reset are for anyone (the token or the
     * mailbox is the proof); notification choices are one's own; the outbox is the admin's */
    {"POST", "/api/v1/signup/verify", AZ_ALL, AZ_B_JSON, "/api/v1/signup/verify", 0},
    {"POST", "/api/v1/password-reset", AZ_ALL, AZ_B_JSON, "/api/v1/password-reset", 0},
    {"POST", "/api/v1/password-reset/confirm", AZ_ALL, AZ_B_JSON, "/api/v1/password-reset/confirm",
     0},
    {"GET", "/verify-email", AZ_ALL, AZ_B_NONE, "/verify-email", 0},
    {"POST", "/verify-email", AZ_ALL, AZ_B_FORM, "/verify-email", 0},
    {"GET", "/password-reset", AZ_ALL, AZ_B_NONE, "/password-reset", 0},
    {"POST", "/password-reset", AZ_ALL, AZ_B_FORM, "/password-reset", 0},
    {"GET", "/reset-password", AZ_ALL, AZ_B_NONE, "/reset-password", 0},
    {"POST", "/reset-password", AZ_ALL, AZ_B_FORM, "/reset-password", 0},
    {"POST", "/account/notifications", AZ_USERS, AZ_B_FORM, "/account/notifications", 0},
    {"GET", "/admin/outbox", AZ_ADMIN, AZ_B_NONE, "/admin/outbox", 0},
    {"POST", "/api/v1/subscriptions", AZ_ALL, AZ_B_JSON, "/api/v1/subscriptions", 0},
    {"POST", "/api/v1/subscriptions/confirm", AZ_ALL, AZ_B_JSON, "/api/v1/subscriptions/confirm",
     0},
    {"POST", "/api/v1/subscriptions/unsubscribe", AZ_ALL, AZ_B_JSON,
     "/api/v1/subscriptions/unsubscribe", 0},
    {"GET", "/subscriptions/confirm", AZ_ALL, AZ_B_NONE, "/subscriptions/confirm", 0},
    {"POST", "/subscriptions/confirm", AZ_ALL, AZ_B_FORM, "/subscriptions/confirm", 0},
    {"GET", "/subscriptions/new", AZ_ALL, AZ_B_NONE, "/subscriptions/new", 0},
    {"POST", "/subscriptions", AZ_ALL, AZ_B_FORM, "/subscriptions", 0},
    {"GET", "/unsubscribe", AZ_ALL, AZ_B_NONE, "/unsubscribe", 0},
    {"POST", "/unsubscribe", AZ_ALL, AZ_B_FORM, "/unsubscribe", 0},
};

#define AZ_TABLE_LEN (sizeof az_table / sizeof az_table[0])

#endif
