#include "http/idempotency.h"

#include "db/idempotency.h"
#include "http/reply.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void gk_idem_register(void)
{
    gk_db_idem_register();
}

bool gk_idem_key_valid(const char *key)
{
    if (!key) return false;
    size_t n = strlen(key);
    if (n < 1 || n > 255) return false;
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)key[i] < '!' || (unsigned char)key[i] > '~') return false;
    return true;
}

bool gk_idem_hash_begin(gk_sha256_ctx *ctx, const char *method, const char *path)
{
    if (!gk_sha256_init(ctx)) return false;
    if (!gk_sha256_update(ctx, method, strlen(method) + 1) ||
        !gk_sha256_update(ctx, path, strlen(path) + 1)) {
        gk_sha256_abort(ctx);
        return false;
    }
    return true;
}

bool gk_idem_request_hash(const char *method, const char *path, const void *body, size_t len,
                          unsigned char out[GK_SHA256_LEN])
{
    gk_sha256_ctx ctx = {0};
    if (!gk_idem_hash_begin(&ctx, method, path)) return false;
    if (len && !gk_sha256_update(&ctx, body, len)) {
        gk_sha256_abort(&ctx);
        return false;
    }
    return gk_sha256_final(&ctx, out);
}

gk_idem_outcome gk_idem_decide(bool found, const unsigned char *stored, size_t stored_len,
                               const unsigned char hash[GK_SHA256_LEN])
{
    if (!found) return GK_IDEM_NEW;
    if (stored && stored_len == GK_SHA256_LEN && memcmp(stored, hash, GK_SHA256_LEN) == 0)
        return GK_IDEM_REPLAY;
    return GK_IDEM_MISMATCH;
}

gk_error gk_idem_from_request(gk_request *r, gk_idem *out)
{
    memset(out, 0, sizeof *out);
    const char *key = gk_req_header(r, "Idempotency-Key");
    if (!key) return GK_ERR_OK;
    if (!gk_idem_key_valid(key)) return GK_ERR_BAD_REQUEST;
    if (!gk_idem_request_hash(r->method, r->path, r->body, r->body_len, out->hash))
        return GK_ERR_INTERNAL;
    out->key = key;
    return GK_ERR_OK;
}

gk_tx_status gk_idem_lookup(PGconn *c, gk_request *r, const gk_idem *k, gk_idem_outcome *out,
                            gk_idem_response *resp)
{
    *out = GK_IDEM_NEW;
    memset(resp, 0, sizeof *resp);
    if (!k->key) return GK_TX_OK;
    gk_db_idem_row row;
    gk_tx_status s = gk_db_idem_get(c, r->user.id, k->key, &row);
    if (s != GK_TX_OK) return s;
    *out = gk_idem_decide(row.found, row.hash, row.hash_len, k->hash);
    if (*out == GK_IDEM_REPLAY) {
        resp->status = row.status;
        resp->content_type = gk_req_strdup(r, row.content_type);
        resp->location = row.location ? gk_req_strdup(r, row.location) : NULL;
        resp->body = gk_req_strdup(r, row.body);
        if (!resp->content_type || !resp->body) s = GK_TX_HARD;
    }
    gk_db_idem_row_free(&row);
    return s;
}

gk_tx_status gk_idem_store(PGconn *c, gk_request *r, const gk_idem *k, unsigned status,
                           const char *location, const char *body)
{
    if (!k->key) return GK_TX_OK;
    return gk_db_idem_put(c, r->user.id, k->key, k->hash, status, location, body);
}

void gk_idem_reply(gk_request *r, const gk_idem_response *resp)
{
    gk_reply_bytes(r, resp->status, resp->content_type, resp->body, strlen(resp->body));
    if (resp->location) gk_reply_header(r, "Location", resp->location);
    gk_reply_header(r, "Idempotent-Replayed", "true");
}
