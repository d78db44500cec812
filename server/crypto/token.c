#include "crypto/token.h"
#include "util/hex.h"

#include "crypto/base64.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <string.h>

bool gk_token_new(char out[GK_TOKEN_LEN + 1])
{
    unsigned char raw[GK_TOKEN_BYTES];
    if (RAND_bytes(raw, sizeof raw) != 1) return false;
    bool ok = gk_base64_encode_to(raw, sizeof raw, GK_B64_URL, out, GK_TOKEN_LEN + 1);
    OPENSSL_cleanse(raw, sizeof raw);
    return ok;
}

bool gk_sha256(const void *data, size_t len, unsigned char out[GK_SHA256_LEN])
{
    unsigned int n = 0;
    return EVP_Digest(data, len, out, &n, EVP_sha256(), NULL) == 1 && n == GK_SHA256_LEN;
}

bool gk_token_hash(const char *token, unsigned char out[GK_SHA256_LEN])
{
    return token && gk_sha256(token, strlen(token), out);
}

bool gk_token_equal(const char *a, const char *b)
{
    if (!a || !b) return false;
    size_t la = strlen(a), lb = strlen(b);
    if (la != lb) return false;
    return CRYPTO_memcmp(a, b, la) == 0;
}

bool gk_sha256_init(gk_sha256_ctx *ctx)
{
    ctx->md = EVP_MD_CTX_new();
    if (!ctx->md) return false;
    if (EVP_DigestInit_ex(ctx->md, EVP_sha256(), NULL) != 1) {
        gk_sha256_abort(ctx);
        return false;
    }
    return true;
}

bool gk_sha256_update(gk_sha256_ctx *ctx, const void *data, size_t len)
{
    if (!ctx->md) return false;
    return len == 0 || EVP_DigestUpdate(ctx->md, data, len) == 1;
}

bool gk_sha256_final(gk_sha256_ctx *ctx, unsigned char out[GK_SHA256_LEN])
{
    if (!ctx->md) return false;
    unsigned int n = 0;
    bool ok = EVP_DigestFinal_ex(ctx->md, out, &n) == 1 && n == GK_SHA256_LEN;
    gk_sha256_abort(ctx);
    return ok;
}

void gk_sha256_abort(gk_sha256_ctx *ctx)
{
    EVP_MD_CTX_free(ctx->md);
    ctx->md = NULL;
}
