/* Documents of a case: the streamed upload, the list and one document's metadata and bytes.
 * Who may add a document when is domain/documents.h (gk_doc_upload_allowed); a case the
 * caller may not see (another organisation's; a draft, for staff) is NOT_FOUND.
 *
 * An upload is one transaction on a connection of its own, since the body arrives over many
 * event-loop turns: begin (the case must be visible and open to the caller's uploads; with
 * an Idempotency-Key a case submitted since may still replay its first answer, so that
 * refusal waits for the end), write the file's bytes as they come (hashed and stored in
 * GK_DOC_CHUNK rows: memory stays one chunk), then finish (the fields, the key, the case
 * re-checked under a row lock, the documents row, the audit entry, COMMIT). Freeing an
 * upload that did not commit rolls it back: nothing is stored. */
#ifndef GK_SERVICE_DOCUMENTS_H
#define GK_SERVICE_DOCUMENTS_H

#include "db/documents.h"
#include "service/applications.h"

#include <stdbool.h>
#include <stddef.h>

typedef struct gk_doc_upload gk_doc_upload;

/* Never NULL but when out of memory; a refusal is kept and answered by finish. */
gk_doc_upload *gk_svc_doc_upload_begin(const gk_call *call, const char *app_id);
/* The file's bytes, in order. False once the upload failed. */
bool gk_svc_doc_upload_write(gk_doc_upload *u, const char *data, size_t n);
/* Record a refusal found by the adapter while the body streamed (its parser): the first
 * one counts; msg_key is the catalogue key of its message (a field error when field is
 * given), written out in the caller's language; NULL: the error's title. */
void gk_svc_doc_upload_refuse(gk_doc_upload *u, gk_error e, const char *field, const char *msg_key);
/* Whether the upload is still going (no refusal yet). */
bool gk_svc_doc_upload_ok(const gk_doc_upload *u);

/* The parts of the form besides the file (read by the adapter from the multipart body by
 * this spec) and what its parser learnt of the file. */
typedef struct {
    const char *kind, *confidentiality;
    const char *filename, *content_type; /* from the file's part: sanitised, sniffed */
    const gk_svc_idem *idem;             /* NULL: no Idempotency-Key */
} gk_doc_upload_in;
extern const gk_spec gk_doc_upload_spec;
/* 201 with {id, sha256, size, kind, filename, content_type, confidentiality} and Location,
 * or the refusal. */
void gk_svc_doc_upload_finish(gk_doc_upload *u, const gk_doc_upload_in *in, gk_outcome *out);
void gk_svc_doc_upload_free(gk_doc_upload *u);

/* {"items": the case's documents, oldest first, "next": null}. */
void gk_svc_doc_list(const gk_call *call, const char *app_id, gk_outcome *out);
/* One document's metadata (view: {id, kind, filename, content_type, size, sha256, ...}). */
void gk_svc_doc_get(const gk_call *call, const char *app_id, const char *doc_id, gk_outcome *out);
/* Chunk `seq` (0, 1, ...) of a document gk_svc_doc_get allowed: up to GK_DOC_CHUNK bytes
 * copied into buf of cap >= GK_DOC_CHUNK (*n; 0 past the end). False when the database could not be read. */
bool gk_svc_doc_chunk(const char *doc_id, int seq, char *buf, size_t cap, size_t *n);

/* Deletes a document while its application is a draft (issue 20): the caller's organisation
 * only (another's case: not found), one transaction with its audit entry. CONFLICT
 * (ux.doc.not_draft) once the application left the draft. View: {id, deleted: true}. */
void gk_svc_doc_delete(const gk_call *call, const char *app_id, const char *doc_id,
                       gk_outcome *out);

#endif
