/* The ONE public projection of a certificate (issue 18 item 4), and the staff's extended view.
 *
 * Every public surface (the anonymous certificate JSON, the HTML page, the electronic label,
 * the PDF, the Atom feed's entries, the exports) shows what gk_public_cert keeps: a whitelist
 * of fields of the stored record (the published fields of the signed payload, the status and
 * the server's check of the signature) and of its history (event, time, public reason, order
 * reference). Never the actor's id or name, the holder's organisation id, the application id
 * or an internal note. A field not named in the whitelist tables of public_cert.c does not
 * go out: a field added to the database view stays staff-only until it is added there.
 *
 * The signed payload is shown verbatim (it is what the signature covers, so it must be
 * checkable without our code). Certificates granted before issue 18 were signed over a
 * "giteki.certificate.v1" payload that holds the application id: that text is shown as it
 * is, but the id is never repeated as a field of its own. New grants sign
 * "giteki.certificate.v2", without it (docs/security.md). */
#ifndef GK_SERVICE_PUBLIC_CERT_H
#define GK_SERVICE_PUBLIC_CERT_H

#include <jansson.h>
#include <stdbool.h>

/* The public projection of the full record (gk_db_cert_view plus "verified",
 * "mismatched_fields", "verify_url"). New reference; NULL when out of memory. */
json_t *gk_public_cert(json_t *full);

/* The staff's view (examiners, regulators, admins): the public projection plus the staff-only
 * fields (application_id, organization_id, each event's actor_id and actor_name, and the
 * fields later issues add to the staff view). Only for a caller gk_call_is_staff accepts.
 * New reference; NULL when out of memory. */
json_t *gk_staff_cert(json_t *full);

/* One row of the change feed (number, event, manufacturer, model_name, type_name, reason,
 * order_reference and the feed's paging fields id, updated, at_us) with the staff-only fields
 * left out. New reference. */
json_t *gk_public_cert_event_row(json_t *row);

#endif
