/* The certificate endpoints (service/certificates.h): one certificate, the signing keys, the
 * life cycle and the import. The list, exports, feed and statistics are the registry's. */
#include "http/handlers.h"

#include "http/reply.h"
#include "http/service_call.h"
#include "http/validators.h"
#include "service/certificates.h"

void gk_certificates_register(void)
{
    gk_svc_certificates_register();
}

/* The public read (issue 21): the cached JSON text as it is, with its validators; 304 when
 * the client's copy is current. Staff get their extended view, never cached. */
void gk_h_certificate_get(gk_request *r)
{
    gk_call call = gk_call_of(r);
    if (gk_call_is_staff(&call)) {
        GK_API_CALL(r, 200, gk_svc_cert_get, r->params[0]);
        return;
    }
    gk_outcome out;
    gk_cert_public *p = gk_svc_cert_public(&call, r->params[0], &out);
    if (!p) {
        gk_reply_outcome(r, 200, &out);
        return;
    }
    const char *etag = gk_cert_public_etag(p);
    time_t modified = gk_cert_public_modified(p);
    if (gk_http_not_modified(r, etag, modified)) {
        gk_reply_not_modified(r, etag, modified, GK_PUBLIC_MAX_AGE, GK_PUBLIC_SWR);
    } else {
        size_t len;
        const char *json = gk_cert_public_json(p, &len);
        gk_reply_bytes(r, 200, "application/json", json, len);
        gk_http_public_cache(r, etag, modified, GK_PUBLIC_MAX_AGE, GK_PUBLIC_SWR);
    }
    gk_cert_public_release(p);
}

void gk_h_signing_keys(gk_request *r)
{
    GK_API_CALL(r, 200, gk_svc_cert_signing_keys);
}

/* Suspend, reinstate and revoke read the same input. */
typedef void status_op(const gk_call *, const gk_cert_status_in *, gk_outcome *);

static void change_status(gk_request *r, status_op *op)
{
    gk_cert_status_in in = {.number = r->params[0]};
    GK_API_OP(r, &gk_cert_status_spec, &in, op, 200);
}

void gk_h_certificate_suspend(gk_request *r)
{
    change_status(r, gk_svc_cert_suspend);
}

void gk_h_certificate_reinstate(gk_request *r)
{
    change_status(r, gk_svc_cert_reinstate);
}

void gk_h_certificate_revoke(gk_request *r)
{
    change_status(r, gk_svc_cert_revoke);
}

void gk_h_certificates_import(gk_request *r)
{
    gk_cert_import_in in = {.csv = r->body, .len = r->body ? r->body_len : 0};
    GK_API_CALL(r, 200, gk_svc_cert_import, &in);
}
