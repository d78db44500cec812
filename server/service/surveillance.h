/* Market surveillance (issue 17): the regulator and the body's examiners open a case on a
 * certificate (or on a product found on the market that claims a number), record sample
 * purchases and tests per requirement, send findings to the holder, who responds (through
 * the web or the API, like a request for information), require corrective action, and close
 * the case: without finding, corrective action done, or a regulatory order (表示の禁止 and
 * others) with its reference, which suspends or revokes the certificate IN THE SAME
 * TRANSACTION through the certificate's own status change (service/certificates.h).
 *
 * Who may do which step from which status is the table of domain/surveillance.h. Every step
 * is ONE transaction with its audit entry, whose object is the certificate
 * ("certificate:<number>", so the certificate's audit trail lists the case's steps), or
 * "surveillance:<id>" for a case on a claimed number the register does not hold.
 * The holder sees its own organisation's cases once a finding or an order was sent
 * (another's, or one not yet sent, is 404), without internal notes or staff names. */
#ifndef GK_SERVICE_SURVEILLANCE_H
#define GK_SERVICE_SURVEILLANCE_H

#include "domain/date.h"
#include "domain/surveillance.h"
#include "http/fields.h"
#include "service/service.h"

void gk_svc_surveillance_register(void);

typedef struct {
    const char *certificate_number; /* a registered certificate (stored or display form), or */
    const char *claimed_number;     /* the number a product claims (not necessarily registered) */
    const char *product, *summary;  /* required */
    const char *internal_note;      /* optional, staff only */
    /* Idempotency-Key (service/applications.h gk_svc_idem): NULL without one. A repeat with
     * the same key and body answers the first response; with another body 422. */
    const struct gk_svc_idem *idem;
} gk_sv_open_in;
extern const gk_spec gk_sv_open_spec;
/* 201 with the case (staff view). 422 naming certificate_number when it names nothing and
 * no claimed number is given. */
void gk_svc_sv_open(const gk_call *call, const gk_sv_open_in *in, gk_outcome *out);

typedef struct {
    const char *status, *certificate, *after;
    int limit;
} gk_sv_list_in;
/* {items, next}: staff see every case, a holder its visible ones. */
void gk_svc_sv_list(const gk_call *call, const gk_sv_list_in *in, gk_outcome *out);

/* The case with its steps (the holder's view for a manufacturer), plus "actions": the steps
 * the caller may take now (names of domain/surveillance.h events). */
void gk_svc_sv_get(const gk_call *call, const char *id, gk_outcome *out);

/* One step. `event` is set by the adapter (the route); the spec of that step reads the rest. */
typedef struct {
    const char *id;
    gk_sv_event event;
    /* purchase */
    const char *place, *serial, *firmware_version;
    gk_date purchased_on;
    /* test */
    const char *requirement, *verdict, *evidence;
    json_t *evidence_ids; /* optional array of evidence file ids of the case (borrowed) */
    /* finding, response, corrective action, close, order: the text */
    const char *body;
    const char *internal_note; /* staff only */
    /* close */
    const char *outcome; /* no_finding | corrective_action_done */
    /* order */
    const char *order_kind, *order_reference, *certificate_action;
} gk_sv_step_in;
extern const gk_spec gk_sv_purchase_spec; /* place, purchased_on, serial, firmware_version */
extern const gk_spec gk_sv_test_spec;     /* requirement, verdict, evidence */
extern const gk_spec gk_sv_text_spec;     /* body (finding, response, corrective action) */
extern const gk_spec gk_sv_close_spec;    /* outcome, body */
extern const gk_spec gk_sv_order_spec;    /* kind, reference, certificate_action, body */
/* The view is the case after the step. 403/409 from the life cycle; 404 for a case the caller
 * does not see; an order on a certificate suspends or revokes it (409 when the certificate's
 * status does not allow it: nothing is written). */
void gk_svc_sv_step(const gk_call *call, const gk_sv_step_in *in, gk_outcome *out);

/* An evidence file (photo, lab report, capture) of a case, uploaded by the staff: its type is
 * decided from its bytes (http/multipart.h's sniffing is the adapter's), at most
 * GK_SV_EVIDENCE_MAX bytes. 201 {id, filename, media_type, size, sha256}; 409 on a closed
 * case; 422 naming "file" when empty. */
#define GK_SV_EVIDENCE_MAX (8 * 1024 * 1024)
typedef struct {
    const char *id;
    const char *filename, *media_type; /* sanitised by the adapter */
    const char *data;
    size_t len;
} gk_sv_evidence_in;
void gk_svc_sv_evidence_add(const gk_call *call, const gk_sv_evidence_in *in, gk_outcome *out);

/* One evidence file for whoever sees the case: *data malloc'd (the caller frees), with its
 * name and type; GK_ERR_NOT_FOUND otherwise. */
typedef struct {
    char *data;
    size_t len;
    char filename[1024], media_type[128];
} gk_sv_file;
gk_error gk_svc_sv_evidence_get(const gk_call *call, const char *id, const char *evidence_id,
                                gk_sv_file *file);

#endif
