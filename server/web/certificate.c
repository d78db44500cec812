/* The printable certificate page: the number with the technical conformity mark, the device,
 * the basis, the status history, and the verification: the server checks the signature and
 * says so, and the page shows how anyone can check it without our code (the published key,
 * the signed payload, openssl).
 *
 * The public projection comes from the cache of public records (service/certificates.h). An
 * anonymous visitor's page is the same for everyone in a language: it carries validators
 * (a weak ETag of the record's and the language) and Cache-Control public, so a shared
 * cache can serve it; a signed-in user's page (their name, the label sheet link) does not. */
#include "http/handlers.h"
#include "http/reply.h"
#include "http/service_call.h"
#include "http/validators.h"
#include "service/certificates.h"
#include "service/mark.h"
#include "web/page.h"

#include <string.h>

void gk_h_page_certificate(gk_request *r)
{
    gk_call call = gk_call_of(r);
    gk_outcome o;
    json_t *cert = NULL;
    const char *etag = NULL;
    time_t modified = 0;
    bool shared = call.user.role == GK_ROLE_ANON && !gk_req_query(r, "lang");
    if (gk_call_is_staff(&call)) {
        gk_svc_cert_get(&call, r->params[0], &o);
    } else {
        gk_cert_public *p = gk_svc_cert_public(&call, r->params[0], &o);
        if (p) {
            o.view = gk_cert_public_view(p);
            if (!o.view) o.err = GK_ERR_INTERNAL;
            const char *tag = gk_cert_public_etag(p);
            etag = gk_req_printf(r, "W/\"%.*s-%s\"", (int)strlen(tag) - 2, tag + 1, r->lang);
            modified = gk_cert_public_modified(p);
            gk_cert_public_release(p);
        }
    }
    if (shared && o.err == GK_ERR_OK && etag && gk_http_not_modified(r, etag, modified)) {
        gk_outcome_clear(&o);
        gk_reply_not_modified(r, etag, modified, GK_PUBLIC_MAX_AGE, GK_PUBLIC_SWR);
        gk_reply_header(r, "Vary", "Accept-Language");
        return;
    }
    cert = gk_page_view(r, &o);
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
    if (shared && etag && r->status == 200) {
        gk_http_public_cache(r, etag, modified, GK_PUBLIC_MAX_AGE, GK_PUBLIC_SWR);
        gk_reply_header(r, "Vary", "Accept-Language");
    }
}
