/* The holder record of an organisation (schema/0023_living_record.sql): read it as the API
 * shows it, replace it. Functions run inside the caller's transaction (db/tx.h). */
#ifndef GK_DB_HOLDERS_H
#define GK_DB_HOLDERS_H

#include "db/tx.h"
#include "domain/holders.h"
#include "errors.h"

#include <jansson.h>
#include <libpq-fe.h>

void gk_db_holders_register(void);

/* The organisation's record as the API shows it ({id, name, ..., contact: {...}, agent:
 * {...}}), or *out NULL when there is no such organisation. */
gk_tx_status gk_db_holder_get(PGconn *c, const char *org_id, json_t **out);

/* Lock the row and replace every holder field with `h` (values in gk_holder_fields() order,
 * NULL clears). GK_TX_ABORT with *e / *field when a constraint refuses a value (a corporate
 * number another organisation holds: resource.already_exists). */
gk_tx_status gk_db_holder_put(PGconn *c, const char *org_id, const gk_holder_values *h, gk_error *e,
                              const char **field);

#endif
