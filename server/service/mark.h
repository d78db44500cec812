/* The files of a certificate: the display of the mark (SVG), the QR code of its public
 * verification address (SVG, PNG), the certificate document (PDF, Japanese and English) and
 * the holder's label sheet (PDF). All are drawn from the public record of the certificate
 * (gk_svc_cert_get), never from a staff-only field. Everyone may get the mark, the codes and
 * the document; the label sheet is for the holder's organisation and the staff. */
#ifndef GK_SERVICE_MARK_H
#define GK_SERVICE_MARK_H

#include "service/service.h"

#include <stddef.h>

typedef enum {
    GK_CERT_FILE_MARK_SVG,
    GK_CERT_FILE_QR_SVG,
    GK_CERT_FILE_QR_PNG,
    GK_CERT_FILE_PDF,
    GK_CERT_FILE_LABELS_PDF,
} gk_cert_file_kind;

typedef struct {
    const char *number; /* as stored or in the display form */
    gk_cert_file_kind kind;
    /* The public address of this site without a final slash ("https://giteki.example"):
     * the verification address is <site>/e/<number>. */
    const char *site;
} gk_cert_file_in;

typedef struct {
    unsigned char *data; /* malloc'd: the caller frees it or hands it on */
    size_t len;
    const char *content_type; /* static */
    const char *filename;     /* suggested download name, in the call's arena */
} gk_cert_file;

/* On success out->err is GK_ERR_OK and *file holds the bytes; otherwise file->data is NULL
 * and out says why: GK_ERR_NOT_FOUND (no such certificate), GK_ERR_FORBIDDEN (the label
 * sheet of another organisation's certificate), GK_ERR_INTERNAL (rendering failed). */
void gk_svc_cert_file(const gk_call *call, const gk_cert_file_in *in, gk_cert_file *file,
                      gk_outcome *out);

/* Whether the caller may get the label sheet of this certificate (its public view): the
 * holder's organisation and the staff. */
bool gk_svc_cert_may_get_labels(const gk_call *call, json_t *view);

/* The public verification address of a certificate, in the call's arena. */
const char *gk_svc_cert_verify_url(const gk_call *call, const char *site, const char *number);

#endif
