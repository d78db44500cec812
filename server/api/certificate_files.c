/* The files of a certificate (service/mark.h): the mark, the QR code, the certificate PDF
 * and the label sheet. The verification URL they carry starts with the configured public
 * address (GITEKI_PUBLIC_URL), never with the request's Host header: a code printed on
 * equipment must not depend on how one client happened to reach us. */
#include "http/handlers.h"

#include "app.h"
#include "http/reply.h"
#include "http/service_call.h"
#include "http/validators.h"
#include "crypto/token.h"
#include "util/hex.h"
#include "service/mark.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void reply_file(gk_request *r, gk_cert_file_kind kind, bool attachment)
{
    gk_call call = gk_call_of(r);
    gk_cert_file_in in = {.number = r->params[0], .kind = kind, .site = gk_app.config.public_url};
    gk_cert_file f;
    gk_outcome o;
    gk_svc_cert_file(&call, &in, &f, &o);
    if (o.err != GK_ERR_OK) {
        gk_reply_outcome(r, 200, &o);
        return;
    }
    gk_outcome_clear(&o);
    /* Everything but the holder's label sheet is public and the same for everyone in a
     * language: validators from the bytes, and Cache-Control public (issue 21). */
    const char *etag = NULL;
    unsigned char h[32];
    char hex[21];
    if (kind != GK_CERT_FILE_LABELS_PDF && gk_sha256(f.data, f.len, h) &&
        gk_hex_encode(h, 10, hex, sizeof hex))
        etag = gk_req_printf(r, "\"%s\"", hex);
    if (etag && gk_http_not_modified(r, etag, 0)) {
        free(f.data);
        gk_reply_not_modified(r, etag, 0, GK_PUBLIC_MAX_AGE, GK_PUBLIC_SWR);
        gk_reply_header(r, "Vary", "Accept-Language");
        return;
    }
    gk_reply_take(r, 200, f.content_type, f.data, f.len);
    if (etag) {
        gk_http_public_cache(r, etag, 0, GK_PUBLIC_MAX_AGE, GK_PUBLIC_SWR);
        gk_reply_header(r, "Vary", "Accept-Language");
    }
    /* The file name is the certificate number and a fixed suffix: plain ASCII. */
    gk_reply_header(r, "Content-Disposition",
                    gk_req_printf(r, "%s; filename=\"%s\"", attachment ? "attachment" : "inline",
                                  f.filename));
}

void gk_h_certificate_mark_svg(gk_request *r)
{
    reply_file(r, GK_CERT_FILE_MARK_SVG, false);
}

void gk_h_certificate_qr_svg(gk_request *r)
{
    reply_file(r, GK_CERT_FILE_QR_SVG, false);
}

void gk_h_certificate_qr_png(gk_request *r)
{
    reply_file(r, GK_CERT_FILE_QR_PNG, false);
}

void gk_h_certificate_pdf(gk_request *r)
{
    reply_file(r, GK_CERT_FILE_PDF, true);
}

void gk_h_certificate_labels_pdf(gk_request *r)
{
    reply_file(r, GK_CERT_FILE_LABELS_PDF, true);
}
