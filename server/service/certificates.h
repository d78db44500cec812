/* Certificates: one certificate as the public sees it (with the server's check of its
 * signature), the published signing keys, the life cycle (suspend, reinstate, revoke: the
 * certificate life-cycle table of domain/lifecycle.h decides who may, from which status),
 * and the bulk import of pre-existing certificates shared by the API and the command line.
 * Each change is ONE transaction with its audit entry. */
#ifndef GK_SERVICE_CERTIFICATES_H
#define GK_SERVICE_CERTIFICATES_H

#include "http/fields.h"
#include "service/service.h"
#include "util/shard_cache.h"

#include <stddef.h>
#include <time.h>

/* Registers the certificate statements (at start). */
void gk_svc_certificates_register(void);

/* The certificate (number as stored, or in the display form "T D20-0123001") with
 * "verified" (the server checked the signature against its published key) and
 * "verify_url". GK_ERR_NOT_FOUND for a number that is not one or names nothing. The public
 * projection (service/public_cert.h) for everyone but staff, who get the staff's view. */
void gk_svc_cert_get(const gk_call *call, const char *number, gk_outcome *out);

/* The public record of a certificate as the public reads it, through the in-process cache
 * (issue 21): its JSON text, ready to send, and its HTTP validators. A cache miss reads the
 * database as gk_svc_cert_get does. NULL with out->err as gk_svc_cert_get otherwise; the
 * caller releases what it got. Entries are dropped when the database NOTIFYs a change
 * (schema/0024_fast_reads.sql) and the whole cache when the listener loses its connection. */
typedef struct gk_cert_public gk_cert_public;
gk_cert_public *gk_svc_cert_public(const gk_call *call, const char *number, gk_outcome *out);
const char *gk_cert_public_json(const gk_cert_public *p, size_t *len);
const char *gk_cert_public_etag(const gk_cert_public *p); /* quoted, strong */
time_t gk_cert_public_modified(const gk_cert_public *p);  /* the row's or last event's time */
json_t *gk_cert_public_view(const gk_cert_public *p);     /* a copy: new reference */
void gk_cert_public_release(gk_cert_public *p);           /* NULL is fine */

/* Whether the caller is a manufacturer of the organisation holding the certificate (that
 * organisation is never part of the public view). */
bool gk_svc_cert_held_by_caller(const gk_call *call, const char *number);

/* The cache's counters (hits, misses, entries, bytes) for /metrics and the benchmark. */
void gk_svc_cert_cache_stats(gk_scache_stats *out);
/* After the commit of a change to a certificate made by another operation (a version from an
 * approved change, a surveillance order): this server's next read sees it at once; other
 * instances drop their entry when the NOTIFY of the commit reaches them. */
void gk_svc_cert_cache_forget(const char *number);
/* Invalidations so far: entries dropped by a NOTIFY or this server's own change, and whole
 * drops (a NOTIFY '*', the listener connecting or losing its connection). */
typedef struct {
    unsigned long long entries, drops;
} gk_cert_cache_invalidations;
void gk_svc_cert_cache_invalidations(gk_cert_cache_invalidations *out);

/* {items: the published keys, next: null, signature: how to check a signature}. */
void gk_svc_cert_signing_keys(const gk_call *call, gk_outcome *out);
/* The published key with this id, or JSON null. New reference. */
json_t *gk_svc_cert_signing_key(const char *key_id);

typedef struct {
    const char *number;          /* from the path */
    const char *reason;          /* required */
    const char *order_reference; /* optional: the regulator's order */
    /* optional: staff only, never on a public surface (kept in certificate_event_notes and
     * the audit entry); the API takes it as "internal_note" or as "note", the name of the public contract */
    const char *internal_note, *note;
} gk_cert_status_in;
extern const gk_spec gk_cert_status_spec;
/* On success the view is the certificate after the change (as gk_svc_cert_get). 409 when
 * the status does not allow it, 403 for a role the table does not name. */
void gk_svc_cert_suspend(const gk_call *call, const gk_cert_status_in *in, gk_outcome *out);
void gk_svc_cert_reinstate(const gk_call *call, const gk_cert_status_in *in, gk_outcome *out);
void gk_svc_cert_revoke(const gk_call *call, const gk_cert_status_in *in, gk_outcome *out);

/* The same status change inside the caller's transaction (a surveillance order suspends or
 * revokes in its own transaction): locks the certificate (stored number), checks the life
 * cycle for the caller's role, writes the status, the public event, the internal note and
 * the audit entry (its detail merged with `audit_extra` when not NULL). GK_TX_ABORT with
 * out failed (404, 403, 409) when refused. */
gk_tx_status gk_svc_cert_change_status_tx(PGconn *c, const gk_call *call, const char *number,
                                          gk_lifecycle_cert_event ev, const gk_cert_status_in *in,
                                          json_t *audit_extra, gk_outcome *out);

/* The import. The CSV (UTF-8, optional BOM, RFC 4180 quoting) has the header
 *   number,route,category,manufacturer,model_name,type_name,granted_on[,basis]
 * Each row is validated on its own; a bad row is reported with its line (1 = the header) and
 * reason (in call->lang) and the others are imported. Every certificate is registered under
 * the rule set in force on its grant date and marked grandfathered when granted before the
 * rule set in force today took effect and its category is one Art. 34-10 can cover
 * (device_categories.security_applicable: not telephones, PCs, smartphones). The optional
 * basis column (tested, cc_equivalence, not_applicable) says how the security requirements
 * were met; empty or absent, the basis is "unstated" (never "tested"). Under a rule set
 * without security requirements the basis is always "not_applicable" (another is refused). A number already registered is skipped, so importing
 * the same file twice adds nothing. The whole file is ONE transaction with one audit entry,
 * under the caller's user id, or, for a call without one (the command line), under the
 * principal's name ("cli").
 * View: {"imported", "unchanged", "rejected": [{"line", "reason"}], "rejected_count"};
 * GK_ERR_VALIDATION (field "header") when the header is wrong. */
#define GK_CERT_IMPORT_COLUMNS                                                                     \
    "number,route,category,manufacturer,model_name,type_name,granted_on[,basis]"
#define GK_CERT_IMPORT_NCOLS 8           /* with the optional last column, basis */
#define GK_CERT_IMPORT_MAX_FIELD 1024    /* bytes of one field; a longer one refuses its row */
#define GK_CERT_IMPORT_MAX_REJECTED 1000 /* rejections listed; more are only counted */
typedef struct {
    const char *csv;
    size_t len;
} gk_cert_import_in;
void gk_svc_cert_import(const gk_call *call, const gk_cert_import_in *in, gk_outcome *out);

#endif
