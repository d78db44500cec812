/* Idempotency-Key (docs/openapi.yaml): a creating POST that carries the header is recorded with its
 * response in `idempotency_keys`, in the SAME transaction as the creation, so a repeat of
 * the same key and body replays the first response (status, Location and body) and creates
 * nothing, and a repeat with another body is refused with 422 request.idempotency_mismatch.
 * Keys are per user. The request is identified by SHA-256 over method, path and body.
 *
 * Use inside a transaction callback:
 *     gk_idem_lookup -> NEW: create, then gk_idem_store with the reply you will send;
 *                    -> REPLAY: roll back, reply with gk_idem_reply;
 *                    -> MISMATCH: roll back, reply 422.
 * gk_idem_store reports a concurrent first use of the key as GK_TX_SOFT, so the transaction
 * runner retries and the retry replays the winner's response. */
#ifndef GK_HTTP_IDEMPOTENCY_H
#define GK_HTTP_IDEMPOTENCY_H

#include "crypto/token.h"
#include "db/tx.h"
#include "http/request.h"

#include <libpq-fe.h>
#include <stdbool.h>
#include <stddef.h>

typedef struct {
    const char *key; /* the header's value; NULL when the request has none */
    unsigned char hash[GK_SHA256_LEN];
} gk_idem;

typedef enum { GK_IDEM_NEW, GK_IDEM_REPLAY, GK_IDEM_MISMATCH } gk_idem_outcome;

/* The stored first response; strings live with the request. */
typedef struct {
    unsigned status;
    const char *content_type, *location, *body;
} gk_idem_response;

/* ---- pure ---- */

/* 1..255 printable ASCII characters without space (the column's rule). */
bool gk_idem_key_valid(const char *key);
/* Start the request hash: method and path, each followed by a NUL, then the body bytes fed
 * with gk_sha256_update. False on OpenSSL failure. */
bool gk_idem_hash_begin(gk_sha256_ctx *ctx, const char *method, const char *path);
/* One-shot form of the above over a whole body. */
bool gk_idem_request_hash(const char *method, const char *path, const void *body, size_t len,
                          unsigned char out[GK_SHA256_LEN]);
/* What a lookup means: nothing stored -> NEW; the same hash -> REPLAY; else MISMATCH. */
gk_idem_outcome gk_idem_decide(bool found, const unsigned char *stored, size_t stored_len,
                               const unsigned char hash[GK_SHA256_LEN]);

/* ---- with the request and the database ---- */

void gk_idem_register(void);

/* Read the header of a request whose body is buffered (r->body) and hash it. GK_ERR_OK
 * (out->key NULL when absent) or GK_ERR_BAD_REQUEST for a malformed key. */
gk_error gk_idem_from_request(gk_request *r, gk_idem *out);

/* Look the key up for the signed-in user. Nothing to do (NEW) when k->key is NULL. */
gk_tx_status gk_idem_lookup(PGconn *c, gk_request *r, const gk_idem *k, gk_idem_outcome *out,
                            gk_idem_response *resp);

/* Record the response about to be sent (no-op without a key). A concurrent first use of the
 * same key gives GK_TX_SOFT. */
gk_tx_status gk_idem_store(PGconn *c, gk_request *r, const gk_idem *k, unsigned status,
                           const char *location, const char *body);

/* Reply with a stored response (adds `Idempotent-Replayed: true`). */
void gk_idem_reply(gk_request *r, const gk_idem_response *resp);

#endif
