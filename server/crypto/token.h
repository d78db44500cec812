/* Random bearer tokens (API tokens, session ids, CSRF tokens), SHA-256 and hex helpers.
 *
 * A token is 32 bytes from the OpenSSL CSPRNG written as base64url without padding: 43
 * characters, safe in cookies, headers and URLs. Only its SHA-256 is stored (gk_token_hash),
 * so a stolen database does not hand out working tokens; lookups are by hash. */
#ifndef GK_CRYPTO_TOKEN_H
#define GK_CRYPTO_TOKEN_H

#include <stdbool.h>
#include "util/hex.h" /* gk_hex_encode/decode: their old home */

#include <stddef.h>

#define GK_TOKEN_BYTES 32
#define GK_TOKEN_LEN 43 /* characters, without the NUL */
#define GK_SHA256_LEN 32

/* Writes a fresh token and its NUL into out. Returns false only when the CSPRNG fails
 * (the caller must then refuse the request: never fall back to a weaker source). */
bool gk_token_new(char out[GK_TOKEN_LEN + 1]);

/* SHA-256 of the token's characters (the NUL is not hashed). False on OpenSSL failure. */
bool gk_token_hash(const char *token, unsigned char out[GK_SHA256_LEN]);

/* Constant-time equality of two NUL-terminated strings (CSRF tokens and the like). The time
 * depends on the lengths only, never on where the contents differ. NULL equals nothing. */
bool gk_token_equal(const char *a, const char *b);

/* One-shot SHA-256. False on OpenSSL failure. */
bool gk_sha256(const void *data, size_t len, unsigned char out[GK_SHA256_LEN]);

/* Streaming SHA-256 for uploads: memory stays constant however large the file.
 * Lifecycle: gk_sha256_init, any number of gk_sha256_update, then exactly one of
 * gk_sha256_final (result) or gk_sha256_abort (upload cancelled). Both release the context,
 * after which the struct may be initialised again. A zeroed struct may be aborted safely,
 * so per-request state can call gk_sha256_abort unconditionally on cleanup.
 * The struct holds an OpenSSL EVP_MD_CTX; one context must not be used by two threads at
 * once, separate contexts are independent. */
typedef struct gk_sha256_ctx {
    struct evp_md_ctx_st *md; /* owned; NULL when not initialised */
} gk_sha256_ctx;

bool gk_sha256_init(gk_sha256_ctx *ctx);
bool gk_sha256_update(gk_sha256_ctx *ctx, const void *data, size_t len);
/* Writes the digest and releases the context; on failure the context is released too. */
bool gk_sha256_final(gk_sha256_ctx *ctx, unsigned char out[GK_SHA256_LEN]);
void gk_sha256_abort(gk_sha256_ctx *ctx);

#endif
