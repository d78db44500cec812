/* Applications in PostgreSQL: the case row, its declarations, its status history
 * (application_events) and the JSON view of docs/openapi.yaml built in SQL.
 *
 * Every function runs one or a few registered statements on the connection it is given,
 * which is inside the caller's transaction (db/tx.h). They return a gk_tx_status: GK_TX_OK,
 * GK_TX_ABORT when a rule of the schema refused the change (then *e and *field, when given,
 * say which error and which input: see gk_db_app_map_error), or SOFT/HARD/UNAVAILABLE from
 * gk_tx_check. Strings in the structs are borrowed from the caller. Ids are UUID text;
 * callers check the format first (gk_db_is_uuid) so that a malformed id is a 404.
 *
 * Status changes: gk_db_app_transition is THE way to move a case (examination included):
 * it updates the status only from the expected `from` (0 rows: somebody moved it first ->
 * GK_TX_ABORT with GK_ERR_CONFLICT) and writes the history event in the same transaction.
 * Callers decide `to` with gk_lifecycle_next (domain/lifecycle.h) and lock the row first
 * (gk_db_app_lock). Statement order for an examiner's request for information (issue 6):
 * gk_db_app_lock, gk_lifecycle_next(in_review, REQUEST_INFO), INSERT info_requests, then
 * gk_db_app_transition(in_review -> info_requested, reason = the message). The answer
 * (api/info_requests.c) records the response first, then transitions back to in_review. */
#ifndef GK_DB_APPLICATIONS_H
#define GK_DB_APPLICATIONS_H

#include "domain/date.h"
#include "domain/determination.h"
#include "domain/rule_set.h"
#include "errors.h"
#include "db/tx.h"

#include <jansson.h>
#include <libpq-fe.h>
#include <stdbool.h>

typedef struct {
    const char *requirement_id, *measure, *description; /* measure may be NULL */
} gk_app_declaration;

/* What a manufacturer writes: creation and draft edits. */
typedef struct {
    const char *route, *model_name, *type_name, *category, *description;
    gk_facts facts; /* unset facts are stored as NULL (allowed while a draft) */
    const char *cc_certificate_id, *opt_in_rule_set, *opt_in_reason;
    gk_app_declaration decl[GK_RULE_SET_MAX_REQUIREMENTS];
    size_t n_decl;
    /* what is examined (issue 16); NULL when not stated */
    const char *hardware_version, *firmware_versions, *update_method, *security_support_until;
    /* issue 16: a foreign maker's agent in Japan (NULL: none); its power of attorney is a
     * document of kind power_of_attorney */
    const char *agent_name, *agent_address, *agent_contact;
} gk_app_input;

/* The locked row, for decisions. Strings are copies owned by the struct's user via `res`:
 * call gk_db_app_row_free. */
typedef struct {
    bool found;
    char id[37], organization_id[37], status[20], route[16];
    int version;
    gk_facts facts;
    char opt_in_rule_set[64];
    bool has_opt_in_reason;
    gk_date today_jst; /* the database's date in Japan: the filing date of a submission */
    char kind[24];     /* new, or a change of a certificate (issue 16) */
} gk_app_row;

void gk_db_applications_register(void);

/* True for a canonical UUID text (8-4-4-4-12 hex). */
bool gk_db_is_uuid(const char *s);

/* Map a failed statement to an error and the input it concerns (NULL when none). Returns
 * false when the failure is not a rule of the schema (the caller treats it as a bug). */
bool gk_db_app_map_error(const PGresult *res, gk_error *e, const char **field);

/* Lock the application (FOR UPDATE); org_id restricts to one organisation (NULL: any).
 * row->found false when there is none (or it is another organisation's). */
gk_tx_status gk_db_app_lock(PGconn *c, const char *id, const char *org_id, gk_app_row *row);

/* The docs/openapi.yaml view (new reference in *out, NULL when not found / not visible to org_id). */
gk_tx_status gk_db_app_view(PGconn *c, const char *id, const char *org_id, json_t **out);

/* Insert a draft with its declarations and the creation event; id_out receives the id. */
gk_tx_status gk_db_app_insert(PGconn *c, const gk_app_input *in, const char *org_id,
                              const char *user_id, char id_out[37], gk_error *e,
                              const char **field);

/* Replace the fields and the declarations of a draft. */
gk_tx_status gk_db_app_update_draft(PGconn *c, const char *id, const gk_app_input *in, gk_error *e,
                                    const char **field);

/* draft -> submitted in the single UPDATE the schema asks for, plus the event. */
gk_tx_status gk_db_app_submit(PGconn *c, const char *id, const char *actor_id, gk_date filing_date,
                              const char *rule_set_id, const char *determination_json, gk_error *e,
                              const char **field);

/* Before submission: drop the declarations of requirements the governing rule set does not
 * have (a filing judged under pre-2020 declares nothing; the schema re-checks at submit). */
gk_tx_status gk_db_app_prune_declarations(PGconn *c, const char *id, const char *rule_set_id);

/* from -> to with the history event (who, why; reason may be NULL). */
gk_tx_status gk_db_app_transition(PGconn *c, const char *id, const char *from, const char *to,
                                  const char *actor_id, const char *reason, gk_error *e);

/* Newest first; `after` is the id of the last item of the previous page (NULL: start).
 * org_id NULL (staff): every organisation's cases except drafts, which are the applicant's
 * own until submitted. *next is the cursor or NULL (copy owned by caller). */
gk_tx_status gk_db_app_list(PGconn *c, const char *org_id, const char *status, const char *after,
                            int limit, json_t **items, char **next);

/* The history of status changes, oldest first: [{from_status,to_status,actor_id,actor_name,
 * at,reason}]. */
gk_tx_status gk_db_app_history(PGconn *c, const char *id, json_t **items);

/* The document kinds the application has: a JSON array of distinct kind names. */
gk_tx_status gk_db_app_document_kinds(PGconn *c, const char *id, json_t **kinds);

/* The device categories (rows of device_categories, in their order): [{id, title_en,
 * title_ja}]. */
gk_tx_status gk_db_app_categories(PGconn *c, json_t **items);

#endif
