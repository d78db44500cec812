#include "http/service_idem.h"

#include <string.h>

static gk_tx_status lookup(PGconn *c, void *ctx, const char *const *parts, gk_svc_idem_found *found,
                           gk_outcome *replay)
{
    gk_http_idem *st = ctx;
    *found = GK_SVC_IDEM_NEW;
    if (parts) {
        gk_sha256_ctx h = {0};
        bool ok = gk_idem_hash_begin(&h, st->r->method, st->r->path);
        for (size_t i = 0; ok && parts[i]; i++)
            ok = gk_sha256_update(&h, parts[i], strlen(parts[i]) + 1);
        if (!ok || !gk_sha256_final(&h, st->idem.hash)) {
            gk_sha256_abort(&h);
            return GK_TX_HARD;
        }
    }
    gk_idem_outcome io;
    gk_idem_response resp;
    gk_tx_status s = gk_idem_lookup(c, st->r, &st->idem, &io, &resp);
    if (s != GK_TX_OK) return s;
    if (io == GK_IDEM_REPLAY) {
        *found = GK_SVC_IDEM_REPLAY;
        replay->replayed = true;
        replay->status = resp.status;
        replay->replay_body = resp.body;
        replay->replay_type = resp.content_type;
        replay->location = resp.location;
    } else if (io == GK_IDEM_MISMATCH) {
        *found = GK_SVC_IDEM_MISMATCH;
    }
    return GK_TX_OK;
}

static gk_tx_status store(PGconn *c, void *ctx, unsigned status, const char *location,
                          const char *body)
{
    gk_http_idem *st = ctx;
    return gk_idem_store(c, st->r, &st->idem, status, location, body);
}

const gk_svc_idem *gk_http_idem_of(gk_request *r, bool body_buffered, gk_http_idem *st, gk_error *e)
{
    memset(st, 0, sizeof *st);
    if (body_buffered) {
        *e = gk_idem_from_request(r, &st->idem);
    } else {
        st->idem.key = gk_req_header(r, "Idempotency-Key");
        *e = st->idem.key && !gk_idem_key_valid(st->idem.key) ? GK_ERR_BAD_REQUEST : GK_ERR_OK;
    }
    if (*e != GK_ERR_OK || !st->idem.key) return NULL;
    st->r = r;
    st->hook = (gk_svc_idem){.lookup = lookup, .store = store, .ctx = st};
    return &st->hook;
}
