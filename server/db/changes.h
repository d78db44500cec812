/* Change applications on a granted certificate and the versions they make
 * (schema/0023_living_record.sql). A change is an applications row with a kind and the
 * certificate's number: it is examined and reviewed like any application, and its approval
 * (gk_db_cert_issue, called by the review) makes a new signed version of the certificate.
 * Functions run inside the caller's transaction (db/tx.h). */
#ifndef GK_DB_CHANGES_H
#define GK_DB_CHANGES_H

#include "db/tx.h"
#include "domain/certificate_number.h"
#include "errors.h"

#include <jansson.h>
#include <libpq-fe.h>
#include <stdbool.h>

struct gk_keystore;

void gk_db_changes_register(void);

/* The certificate to change, locked: found false when there is none for this organisation
 * (org NULL: any); status; whether it has an application (imported ones have none); whether
 * a change of it is open (filed, not yet decided). */
typedef struct {
    bool found, issued_here, change_open;
    char status[16], organization_id[37];
} gk_change_target;
gk_tx_status gk_db_change_target(PGconn *c, const char *number, const char *org,
                                 gk_change_target *out);

/* The requirement ids of `csv_list` ("SR-2,SR-3") that are not requirements of the
 * certificate's rule set, as a new array (empty when all are). */
gk_tx_status gk_db_change_unknown_requirements(PGconn *c, const char *number, const char *csv_list,
                                               json_t **out);

/* The change as filed: every value may be NULL but kind, summary, number and actor. */
typedef struct {
    const char *number, *kind, *summary, *actor_id;
    const char *added_model_name, *affected_requirements; /* "SR-2,SR-3" */
    const char *new_holder_json;                          /* a JSON object */
    const char *hardware_version, *firmware_versions, *update_method, *security_support_until;
    bool as_draft; /* leave it a draft (its documents come first), else file it at once */
} gk_change_filing;

/* Insert the change as a draft of the holder's (device, facts and declarations copied from
 * the certificate's application), then, unless f->as_draft, file it (submitted, with the filing date, rule set and
 * determination of the certificate's application), with both history events. id_out: the
 * new application id. Refusals of the schema: GK_TX_ABORT with *e and *field. */
gk_tx_status gk_db_change_file(PGconn *c, const gk_change_filing *f, char id_out[37], gk_error *e,
                               const char **field);

/* The approval of a change: build the next version's payload from the certificate's current
 * record and the change, sign it, insert it. number_out: the certificate's number. */
gk_tx_status gk_db_change_make_version(PGconn *c, struct gk_keystore *ks, const char *app_id,
                                       const char *actor_id, char number_out[GK_CERT_NUMBER_BUF],
                                       gk_error *e);

/* Whether the certificate's current version already has this model name. */
gk_tx_status gk_db_change_name_taken(PGconn *c, const char *number, const char *model_name,
                                     bool *taken);

/* A document published with the certificate today (its exhibit object: id, filename,
 * content_type, size, sha256, ...), or *out NULL when it is not one. */
gk_tx_status gk_db_change_exhibit(PGconn *c, const char *number, const char *doc_id, json_t **out);

#endif
