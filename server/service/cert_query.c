/* The certificate query's errors in the caller's language: db/certificate_search.c returns
 * catalogue keys, this turns them into the {"field","message"} list the adapters reply. */
#include "db/certificate_search.h"

#include "app.h"
#include "render/i18n.h"

int gk_cert_query_parse(gk_cert_query *q, gk_cert_getter get, void *ctx, json_t **errors,
                        const char *lang)
{
    gk_cert_query_error errs[GK_CERT_QUERY_ERRORS_MAX];
    int bad = gk_cert_query_read(q, get, ctx, errs, GK_CERT_QUERY_ERRORS_MAX);
    for (int i = 0; i < bad && i < GK_CERT_QUERY_ERRORS_MAX; i++) {
        json_t *e = json_pack("{s:s, s:s}", "field", errs[i].field, "message",
                              gk_messages_get(gk_app.messages, lang, errs[i].key));
        if (!e) continue;
        if (!*errors) *errors = json_array();
        if (*errors) json_array_append(*errors, e);
        json_decref(e);
    }
    return bad;
}
