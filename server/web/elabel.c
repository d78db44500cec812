/* The electronic label /e/{number}: the public record of one certificate (the operation of
 * GET /api/v1/certificates/{number}) on a page small enough for a device's screen. */
#include "http/handlers.h"
#include "http/service_call.h"
#include "service/certificates.h"
#include "web/page.h"

void gk_h_page_elabel(gk_request *r)
{
    gk_call call = gk_call_of(r);
    gk_outcome o;
    gk_svc_cert_get(&call, r->params[0], &o);
    if (o.err != GK_ERR_OK) {
        gk_error e = o.err;
        gk_outcome_clear(&o);
        gk_page_error(r, e, NULL);
        return;
    }
    json_t *cert = o.view;
    o.view = NULL;
    gk_page_render(r, 200, "elabel", json_pack("{s:o}", "cert", cert));
}
