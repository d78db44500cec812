/* The printable certificate page: the number with the technical conformity mark, the device,
 * the basis, the status history, and the verification: the server checks the signature and
 * says so, and the page shows how anyone can check it without our code (the published key,
 * the signed payload, openssl). */
#include "http/handlers.h"
#include "http/service_call.h"
#include "service/certificates.h"
#include "service/mark.h"
#include "web/page.h"

#include <string.h>

void gk_h_page_certificate(gk_request *r)
{
    gk_call call = gk_call_of(r);
    gk_outcome o;
    gk_svc_cert_get(&call, r->params[0], &o);
    json_t *cert = gk_page_view(r, &o);
    if (!cert) return;
    json_t *key = gk_svc_cert_signing_key(json_string_value(json_object_get(cert, "key_id")));
    bool labels = gk_svc_cert_may_get_labels(&call, cert);
    json_t *m = json_pack("{s:o, s:o, s:{s:s}, s:b}", "cert", cert, "key", key, "nav",
                          "certificates", "page", "labels", labels);
    /* issue 16: the holder may apply for a change of its granted certificate */
    if (m)
        json_object_set_new(m, "can_change",
                            json_boolean(
                                labels && call.user.role == GK_ROLE_MANUFACTURER &&
                                !strcmp(json_string_value(json_object_get(cert, "status"))
                                            ? json_string_value(json_object_get(cert, "status"))
                                            : "",
                                        "granted")));
    gk_page_render(r, 200, "certificate", m);
}
