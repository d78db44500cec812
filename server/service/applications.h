/* The applicant's side of a case (docs/openapi.yaml "Applications"): file a draft, edit it (If-Match),
 * submit, withdraw, answer a request for information; read a case, the list, its history
 * and its questions. The JSON API (api/applications.c, api/info_requests.c, api/history.c)
 * and the pages (web/applications.c) call these and only render.
 *
 * Who sees what: a manufacturer only its organisation's cases (another's is NOT_FOUND); staff
 * every case except drafts, which are the applicant's own until submitted (NOT_FOUND, and
 * absent from lists), as in the examination. Every change is ONE transaction with its audit
 * entry, and every status change goes through gk_lifecycle_next. Outcomes carry the
 * application view of docs/openapi.yaml, with its ETag (the version). */
#ifndef GK_SERVICE_APPLICATIONS_H
#define GK_SERVICE_APPLICATIONS_H

#include "db/rule_sets.h"
#include "http/fields.h"
#include "service/service.h"

#include <jansson.h>
#include <libpq-fe.h>

/* Statements of the modules below (called once at start). */
void gk_svc_applications_register(void);

/* ---- Idempotency-Key, inside the operation's transaction ----
 * The key is an HTTP matter (the adapter knows the request and how it is hashed); the
 * operation runs the look-up first and records its answer last, in its transaction. */
typedef enum { GK_SVC_IDEM_NEW, GK_SVC_IDEM_REPLAY, GK_SVC_IDEM_MISMATCH } gk_svc_idem_found;
typedef struct gk_svc_idem {
    /* parts: what the request means when its body is not the measure (NULL-terminated), or
     * NULL for the body. On REPLAY the first answer is in *replay (replayed, status, body,
     * type, location). */
    gk_tx_status (*lookup)(PGconn *c, void *ctx, const char *const *parts, gk_svc_idem_found *found,
                           gk_outcome *replay);
    gk_tx_status (*store)(PGconn *c, void *ctx, unsigned status, const char *location,
                          const char *body);
    void *ctx;
} gk_svc_idem;

/* ---- changes ---- */

/* The application document of docs/openapi.yaml ({route, device{model_name, type_name, category,
 * description, facts}, declarations, cc_certificate_id, opt_in_rule_set, opt_in_reason}):
 * nested maps keyed by facts and requirements that depend on the rule sets in the database,
 * so it is read as a whole against them (messages per field) rather than by a field spec.
 * The form adapter builds the same document from its fields. */
typedef struct {
    json_t *doc;             /* borrowed */
    const gk_svc_idem *idem; /* NULL: no Idempotency-Key */
} gk_app_create_in;
/* 201 with the draft, Location and ETag. */
void gk_svc_app_create(const gk_call *call, const gk_app_create_in *in, gk_outcome *out);

typedef struct {
    const char *id;
    json_t *patch;        /* merged into the stored document (device and facts member-wise) */
    const char *if_match; /* the ETag the client read; NULL: 428 */
} gk_app_update_in;
void gk_svc_app_update(const gk_call *call, const gk_app_update_in *in, gk_outcome *out);

/* Fixes the filing date, the governing rule set and the determination, after checking the
 * facts, the declarations and the route's required documents (domain/documents.h). */
void gk_svc_app_submit(const gk_call *call, const char *id, gk_outcome *out);

typedef struct {
    const char *id;     /* from the path */
    const char *reason; /* optional prose */
} gk_app_withdraw_in;
extern const gk_spec gk_app_withdraw_spec;
void gk_svc_app_withdraw(const gk_call *call, const gk_app_withdraw_in *in, gk_outcome *out);

typedef struct {
    const char *id, *rid; /* from the path: the case and the open request */
    const char *message;  /* the answer */
    json_t *document_ids; /* JSON array of ids of the case's documents, or NULL */
} gk_app_respond_in;
extern const gk_spec gk_app_respond_spec;
void gk_svc_app_respond(const gk_call *call, const gk_app_respond_in *in, gk_outcome *out);

/* ---- reading ---- */

/* The case (view and ETag). */
void gk_svc_app_get(const gk_call *call, const char *id, gk_outcome *out);

/* Query text as given (NULL when absent): limit 1..500 (50), after (a cursor), status. */
typedef struct {
    const char *limit, *after, *status;
} gk_app_list_in;
/* {"items", "next"}. */
void gk_svc_app_list(const gk_call *call, const gk_app_list_in *in, gk_outcome *out);

/* {"items": status changes oldest first, "next": null}. */
void gk_svc_app_history(const gk_call *call, const char *id, gk_outcome *out);
/* {"items": the requests for information with their answers, "next": null}. */
void gk_svc_app_info_requests(const gk_call *call, const char *id, gk_outcome *out);

/* The case page: {app (with documents and history), info_requests, facts, declarations,
 * missing_documents (drafts), document_kinds, is_draft, can_edit, can_withdraw,
 * can_upload}: what the caller may do comes from the life-cycle and document rules. */
void gk_svc_app_case(const gk_call *call, const char *id, gk_outcome *out);

/* What the application form offers: the rule sets (in the call's arena) and the device
 * categories of the database ([{id, title}] in the call's language, new reference). */
gk_error gk_svc_app_form_choices(const gk_call *call, gk_rule_catalog *cat, json_t **categories);

#endif
