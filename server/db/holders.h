/* The holder record of an organisation (schema/0023_living_record.sql): read it as the API
 * shows it, replace it. Functions run inside the caller's transaction (db/tx.h). */
#ifndef GK_DB_HOLDERS_H
#define GK_DB_HOLDERS_H

#include "db/tx.h"
#include "domain/holders.h"
#include "errors.h"

#include <jansson.h>
#include <libpq-fe.h>
#include <stdbool.h>

void gk_db_holders_register(void);

/* The organisation's record as the API shows it ({id, name, ..., contact: {...}, agent:
 * {...}}), or *out NULL when there is no such organisation. */
gk_tx_status gk_db_holder_get(PGconn *c, const char *org_id, json_t **out);

/* Lock the row and replace every holder field with `h` (values in gk_holder_fields() order,
 * NULL clears). GK_TX_ABORT with *e / *field when a constraint refuses a value (a corporate
 * number another organisation holds: resource.already_exists). */
gk_tx_status gk_db_holder_put(PGconn *c, const char *org_id, const gk_holder_values *h, gk_error *e,
                              const char **field);

/* Design-holder inspection records (設計合致義務). The certificate for an inspection: *found
 * false when there is none (for the organisation org, unless NULL); route its route. */
gk_tx_status gk_db_inspection_target(PGconn *c, const char *number, const char *org, char route[16],
                                     bool *found);

typedef struct {
    const char *number, *inspected_on, *lot, *quantity, *result, *notes, *inspector, *user_id;
} gk_inspection_row;
/* Record one inspection; *out the record. Refusals: GK_TX_ABORT with *e, *field. */
gk_tx_status gk_db_inspection_add(PGconn *c, const gk_inspection_row *row, json_t **out,
                                  gk_error *e, const char **field);
/* Every inspection of the certificate, oldest first (a new array). */
gk_tx_status gk_db_inspections(PGconn *c, const char *number, json_t **out);

#endif
