/* Market-surveillance cases in PostgreSQL (schema/0021_surveillance.sql): opening a case,
 * appending its steps, its status, and reading a case or a page of cases as JSON.
 *
 * Functions run inside the caller's transaction (or on the given connection) and return a
 * gk_tx_status as db/run.h classifies it. JSON results are new references. */
#ifndef GK_DB_SURVEILLANCE_H
#define GK_DB_SURVEILLANCE_H

#include "db/tx.h"
#include "errors.h"

#include <jansson.h>
#include <libpq-fe.h>
#include <stdbool.h>
#include <stddef.h>

void gk_db_surveillance_register(void);

/* The certificate a case is opened on: *found, and its holder organisation ("" for an
 * imported one without). */
gk_tx_status gk_db_sv_certificate(PGconn *c, const char *number, bool *found, char org_id[37]);

typedef struct {
    const char *certificate_number, *claimed_number, *organization_id, *product, *summary;
    const char *opened_by;
} gk_db_sv_case;

/* Inserts the case and its 'open' step; id_out receives the id. */
gk_tx_status gk_db_sv_insert(PGconn *c, const gk_db_sv_case *k, const char *internal_note,
                             char id_out[37], gk_error *e, const char **field);

/* Locks a case: *found, its status, certificate number ("" when none) and holder ("" when
 * none). org_filter (NULL: staff) hides other organisations' cases and those the holder
 * cannot see yet (no finding and no order). */
typedef struct {
    bool found;
    char status[32], certificate_number[32], organization_id[37];
} gk_db_sv_lock_row;
gk_tx_status gk_db_sv_lock(PGconn *c, const char *id, const char *org_filter,
                           gk_db_sv_lock_row *out);

/* One step (the columns a kind does not use are NULL). */
typedef struct {
    const char *event, *from, *to;
    const char *place, *purchased_on, *serial, *firmware_version;
    const char *requirement, *verdict, *evidence;
    const char *body, *internal_note;
    const char *actor_id;
} gk_db_sv_step;
/* step_id (may be NULL) receives the new step's id. */
gk_tx_status gk_db_sv_append(PGconn *c, const char *case_id, const gk_db_sv_step *st,
                             char step_id[24], gk_error *e, const char **field);

/* A step cites an evidence file of its case (another case's: GK_TX_ABORT, field
 * evidence_ids). */
gk_tx_status gk_db_sv_cite(PGconn *c, const char *case_id, const char *step_id,
                           const char *evidence_id, gk_error *e, const char **field);

/* An evidence file; id_out receives its id. */
gk_tx_status gk_db_sv_evidence_add(PGconn *c, const char *case_id, const char *filename,
                                   const char *media_type, const char *sha256_hex, const void *data,
                                   size_t len, const char *uploaded_by, char id_out[37]);

/* An evidence file's bytes (malloc'd, *data NULL when none) of a case visible under
 * org_filter (as gk_db_sv_lock), with its name and type. */
gk_tx_status gk_db_sv_evidence_get(PGconn *c, const char *case_id, const char *evidence_id,
                                   const char *org_filter, char **data, size_t *len,
                                   char filename[1024], char media_type[128]);

/* The new status (and the order's kind, reference and certificate action when it closes by
 * an order; otherwise NULL). */
gk_tx_status gk_db_sv_set_status(PGconn *c, const char *case_id, const char *status,
                                 const char *order_kind, const char *order_reference,
                                 const char *certificate_action);

/* The case with its steps; *out NULL when not found (or not visible to org_filter). staff:
 * internal notes and actors' names are included; otherwise neither (the holder's view). */
gk_tx_status gk_db_sv_get(PGconn *c, const char *id, const char *org_filter, bool staff,
                          json_t **out);

/* A page of cases, newest first: filters may be NULL; after = the id of the last case of the
 * previous page. */
gk_tx_status gk_db_sv_list(PGconn *c, const char *org_filter, const char *status,
                           const char *certificate, const char *after, int limit, json_t **items,
                           char **next);

#endif
