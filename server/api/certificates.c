/* The certificate endpoints (service/certificates.h): one certificate, the signing keys, the
 * life cycle and the import. The list, exports, feed and statistics are the registry's. */
#include "http/handlers.h"

#include "http/fields.h"
#include "http/reply.h"
#include "http/service_call.h"
#include "service/certificates.h"

void gk_certificates_register(void)
{
    gk_svc_certificates_register();
}

void gk_h_certificate_get(gk_request *r)
{
    gk_call call = gk_call_of(r);
    gk_outcome o;
    gk_svc_cert_get(&call, r->params[0], &o);
    gk_reply_outcome(r, 200, &o);
}

void gk_h_signing_keys(gk_request *r)
{
    gk_call call = gk_call_of(r);
    gk_outcome o;
    gk_svc_cert_signing_keys(&call, &o);
    gk_reply_outcome(r, 200, &o);
}

typedef void (*status_op)(const gk_call *, const gk_cert_status_in *, gk_outcome *);

static void change_status(gk_request *r, status_op op)
{
    gk_cert_status_in in = {.number = r->params[0]};
    json_t *errors = NULL;
    if (gk_fields_read_into(r, gk_cert_status_fields, gk_cert_status_fields_n, &in, &errors)) {
        gk_reply_problem(r, GK_ERR_VALIDATION, NULL, errors);
        r->error = GK_ERR_VALIDATION;
        return;
    }
    gk_call call = gk_call_of(r);
    gk_outcome o;
    op(&call, &in, &o);
    gk_reply_outcome(r, 200, &o);
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
    gk_call call = gk_call_of(r);
    gk_cert_import_in in = {.csv = r->body, .len = r->body ? r->body_len : 0};
    gk_outcome o;
    gk_svc_cert_import(&call, &in, &o);
    gk_reply_outcome(r, 200, &o);
}
