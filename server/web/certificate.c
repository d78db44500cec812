/* The printable certificate page: the number with the technical conformity mark, the device,
 * the basis, the status history, and the verification: the server checks the signature and
 * says so, and the page shows how anyone can check it without our code (the published key,
 * the signed payload, openssl). */
#include "api/certificates.h"
#include "http/handlers.h"
#include "app.h"
#include "crypto/sign.h"
#include "web/page.h"

#include <string.h>

void gk_h_page_certificate(gk_request *r)
{
    gk_error e;
    json_t *cert = gk_cert_load(r, r->params[0], &e);
    if (!cert) {
        gk_page_error(r, e, NULL);
        return;
    }
    json_t *key = json_null();
    const char *key_id = json_string_value(json_object_get(cert, "key_id"));
    json_t *keys = gk_app.keystore ? gk_keystore_public_keys(gk_app.keystore) : NULL;
    size_t i;
    json_t *k;
    json_array_foreach(keys, i, k)
    {
        const char *id = json_string_value(json_object_get(k, "key_id"));
        if (key_id && id && !strcmp(id, key_id)) {
            json_decref(key);
            key = json_incref(k);
        }
    }
    json_decref(keys);
    json_t *m = json_pack("{s:o, s:o, s:{s:s}}", "cert", cert, "key", key, "nav", "certificates",
                          "page");
    gk_page_render(r, 200, "certificate", m);
}
