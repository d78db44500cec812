/* Certificates in PostgreSQL (schema/0009_certificates.sql): issuing one for a granted
 * application (gap-free serial, signature over the canonical JSON, the grant event), reading
 * one with its history, the life cycle (suspend, reinstate, revoke), and the bulk import of
 * pre-existing certificates.
 *
 * Functions run inside the caller's transaction and return a gk_tx_status as in
 * db/examination.h: GK_TX_ABORT with *e when a rule refused the write. JSON results are new
 * references owned by the caller. */
#ifndef GK_DB_CERTIFICATES_H
#define GK_DB_CERTIFICATES_H

#include "db/tx.h"
#include "domain/date.h"
#include "domain/certificate_number.h"
#include "errors.h"

#include <jansson.h>
#include <libpq-fe.h>
#include <stdbool.h>

struct gk_keystore;

void gk_db_certificates_register(void);

/* What the certificate of an application carries, read from the case (after the review was
 * recorded, before the status changes). The maker's texts are as long as filing allowed: no
 * fixed buffers for user text (a 900-byte model name once made every grant of it fail). */
typedef struct {
    bool found;
    char organization_id[37], route[16], category[40], rule_set[64], outcome[32];
    char *manufacturer, *model_name, *type_name; /* owned (any length): gk_db_cert_case_free */
    bool has_type_name;
    bool equivalence_accepted, any_met_by_equivalence;
    char class_letters[GK_CERT_LETTERS_MAX + 1];
    gk_date today_jst; /* the grant date */
    char kind[24];     /* applications.kind: "new", or a change (issue 16) */
} gk_cert_case;

gk_tx_status gk_db_cert_case(PGconn *c, const char *app_id, gk_cert_case *out);
void gk_db_cert_case_free(gk_cert_case *k);

/* Steps 2-4 of a grant (0009_certificates.sql): bump the serial counter of (year of
 * granted_on, body), build and sign the certificate's canonical JSON, register the signing
 * key (retiring an older active one), insert the certificate and its 'grant' event.
 * number_out receives the number. basis: tested | cc_equivalence | not_applicable. */
gk_tx_status gk_db_cert_issue(PGconn *c, struct gk_keystore *ks, const char *app_id,
                              const gk_cert_case *k, const char *basis, bool grandfathered,
                              const char *body_code, const char *actor_id,
                              char number_out[GK_CERT_NUMBER_BUF], gk_error *e);

/* Sign `canon` with the active key (registering it, retiring an older one): the signature
 * as hex and the key id (borrowed from the keystore). Shared by grants and versions. */
gk_tx_status gk_db_cert_sign(PGconn *c, struct gk_keystore *ks, const char *canon,
                             char sig_hex[129], const char **key_id, gk_error *e);

/* The certificate as the API shows it, with signature (base64url), key_id, the signed
 * payload text and its events; NULL when there is none. */
gk_tx_status gk_db_cert_view(PGconn *c, const char *number, json_t **out);

/* The certification body's name, {"ja", "en"} (new reference; NULL when the row is missing). */
gk_tx_status gk_db_cert_body_name(PGconn *c, json_t **out);

/* Lock one certificate for a status change: status "" when there is none. */
gk_tx_status gk_db_cert_lock(PGconn *c, const char *number, char status[16]);

/* from -> to with the event (suspend/reinstate/revoke), public reason and order reference;
 * the internal note (may be NULL) goes to certificate_event_notes, apart from the event. */
gk_tx_status gk_db_cert_set_status(PGconn *c, const char *number, const char *from, const char *to,
                                   const char *event, const char *reason,
                                   const char *order_reference, const char *internal_note,
                                   const char *actor_id, gk_error *e);

/* One pre-existing certificate (already validated by the caller). *inserted false when the
 * number is already registered (a re-import adds nothing). A row the schema refuses is
 * rolled back alone (a savepoint) and named in *why: "serial_taken" (the serial of that year
 * is another certificate's), "label" (a text field is empty or has line breaks), "refused"
 * (any other rule). */
typedef struct {
    const char *number, *route, *category, *manufacturer, *model_name, *type_name;
    const char *granted_on; /* YYYY-MM-DD */
    const char *rule_set;
    bool grandfathered;
    const char *basis;
} gk_cert_import_row;

gk_tx_status gk_db_cert_import(PGconn *c, const gk_cert_import_row *row, const char *actor_id,
                               bool *inserted, const char **why);

/* True in *ok when the category exists; *security_applicable when Art. 34-10 can cover it
 * (device_categories.security_applicable, 0016). */
gk_tx_status gk_db_cert_category_exists(PGconn *c, const char *category, bool *ok,
                                        bool *security_applicable);

/* ---- the bulk import (issue 21) ----
 * The categories as {id: security_applicable} (one read for a whole file). */
gk_tx_status gk_db_cert_categories(PGconn *c, json_t **out);

/* Rows the caller validated, in COPY's text format (gk_db_copy_text_field), one per line:
 *   line, number, route, category, manufacturer, model_name, type_name (\N: none), granted_on,
 *   rule_set, grandfathered (t/f), basis
 * COPYed into a temporary staging table and made certificates with their 'import' events by
 * gk_import_staged (schema/0024_fast_reads.sql): set-wise, or one row at a time when the
 * schema refuses some. *outcomes: {"inserted", "unchanged", "refused": [[line, why]]} with
 * why serial_taken, label or refused (as gk_db_cert_import's). actor_id may be NULL. */
gk_tx_status gk_db_cert_import_staged(PGconn *c, const char *rows, size_t len, const char *actor_id,
                                      json_t **outcomes);
/* Append one field to b in COPY's text format, then a tab (a newline when last). */
struct gk_buf;
void gk_db_copy_text_field(struct gk_buf *b, const char *s, bool last);

#endif
