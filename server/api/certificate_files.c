/* The files of a certificate (service/mark.h): the mark, the QR code, the certificate PDF
 * and the label sheet. The adapter's one job beyond the call is the site's public address
 * for the verification URL: the request's Host (checked to be a host name or address with
 * an optional port), over https when the server is configured behind TLS. */
#include "http/handlers.h"

#include "app.h"
#include "http/reply.h"
#include "http/service_call.h"
#include "service/mark.h"

#include <stdio.h>
#include <string.h>

static bool host_ok(const char *h)
{
    size_t n = h ? strlen(h) : 0;
    if (n == 0 || n > 255) return false;
    for (size_t i = 0; i < n; i++)
        if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-:[]", h[i]))
            return false;
    return true;
}

static const char *site(gk_request *r)
{
    const char *host = gk_req_header(r, MHD_HTTP_HEADER_HOST);
    const char *scheme = gk_app.config.secure_cookies ? "https" : "http";
    if (host_ok(host)) return gk_req_printf(r, "%s://%s", scheme, host);
    const char *lh = gk_app.config.listen_host ? gk_app.config.listen_host : "127.0.0.1";
    return gk_req_printf(r, strchr(lh, ':') ? "%s://[%s]:%u" : "%s://%s:%u", scheme, lh,
                         (unsigned)gk_app.config.listen_port);
}

static void reply_file(gk_request *r, gk_cert_file_kind kind, bool attachment)
{
    gk_call call = gk_call_of(r);
    gk_cert_file_in in = {.number = r->params[0], .kind = kind, .site = site(r)};
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
