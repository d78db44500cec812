/* Holder records (issue 16): the applicant organisation as the certificate's holder, with
 * its legal names, 法人番号, address, country, representative, contact person and, for a
 * foreign maker, its agent in Japan. A manufacturer reads and replaces its own
 * organisation's record ("me"); the staff read any. Missing fields are listed with the
 * record and asked for before a change application is filed. */
#ifndef GK_SERVICE_HOLDERS_H
#define GK_SERVICE_HOLDERS_H

#include "domain/holders.h"
#include "http/fields.h"
#include "service/service.h"

#include <libpq-fe.h>

void gk_svc_holders_register(void);

/* The record with "missing" (field names a filing still needs) and "complete". `id` is
 * "me" (a manufacturer's own organisation) or an organisation id (staff; a manufacturer's
 * own id works too, another's is 404). */
void gk_svc_holder_get(const gk_call *call, const char *id, gk_outcome *out);

/* Every holder field, in gk_holder_fields() order (absent clears an optional field). */
typedef struct {
    const char *v[GK_HOLDER_NFIELDS];
} gk_holder_put_in;
extern const gk_spec gk_holder_put_spec;
/* Replace the caller's organisation's record: 422 naming each bad field (a 法人番号 whose
 * check digit is wrong: "corporate_number"), 409 when another organisation holds the number. */
void gk_svc_holder_put(const gk_call *call, const gk_holder_put_in *in, gk_outcome *out);

/* Inside a transaction: the names of the fields the organisation's record lacks for a
 * filing (a new array; empty when complete), or NULL on a database failure (*s says). */
json_t *gk_holder_missing_in_tx(PGconn *c, const char *org_id, gk_tx_status *s);

/* Design-holder inspection records (設計合致義務): the holder of a design certification records
 * the inspections of the equipment it produces; the holder, the body and the regulator read
 * them. 404 for a certificate not the manufacturer's organisation's; 409 for a certificate
 * that is not a design certification. */
typedef struct {
    const char *number; /* from the path */
    const char *inspected_on, *lot, *result, *notes, *inspector;
    long long quantity;
} gk_inspection_in;
extern const gk_spec gk_inspection_spec;
void gk_svc_inspection_add(const gk_call *call, const gk_inspection_in *in, gk_outcome *out);
/* {items: [...], next: null}. */
void gk_svc_inspections_list(const gk_call *call, const char *number, gk_outcome *out);

#endif
