/* The Idempotency-Key of a request as a service's hook (service/applications.h gk_svc_idem):
 * the key and the request hash are HTTP matters (http/idempotency.h); the operation calls
 * the hook inside its own transaction. */
#ifndef GK_HTTP_SERVICE_IDEM_H
#define GK_HTTP_SERVICE_IDEM_H

#include "http/idempotency.h"
#include "http/request.h"
#include "service/applications.h"

typedef struct {
    gk_svc_idem hook;
    gk_request *r;
    gk_idem idem;
} gk_http_idem;

/* The hook for r in *st: NULL when the request has no key, or when the key is malformed
 * (*e = GK_ERR_BAD_REQUEST; else GK_ERR_OK). The request hash covers method, path and the
 * buffered body (body_buffered), or else what the operation says the request means (its
 * `parts`: a streamed body is not kept). */
const gk_svc_idem *gk_http_idem_of(gk_request *r, bool body_buffered, gk_http_idem *st,
                                   gk_error *e);

#endif
