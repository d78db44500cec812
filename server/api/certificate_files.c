/* The files of a certificate (service/mark.h): the mark, the QR code, the certificate PDF
 * and the label sheet. The verification URL they carry starts with the configured public
 * address (GITEKI_PUBLIC_URL), never with the request's Host header: a code printed on
 * equipment must not depend on how one client happened to reach us. */
#include "http/handlers.h"

#include "app.h"
#include "http/reply.h"
#include "http/service_call.h"
#include "service/mark.h"

#include <stdio.h>
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
    gk_reply_take(r, 200, f.content_type, f.data, f.len);
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
