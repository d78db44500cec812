#include "crypto/token.h"

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

bool gk_hex_encode(const unsigned char *in, size_t len, char *out, size_t out_size)
{
    static const char digits[] = "0123456789abcdef";
    if (out_size == 0 || len > (out_size - 1) / 2) return false;
    for (size_t i = 0; i < len; i++) {
        out[2 * i] = digits[in[i] >> 4];
        out[2 * i + 1] = digits[in[i] & 0xF];
    }
    out[2 * len] = '\0';
    return true;
}

static int nibble(char c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

bool gk_hex_decode(const char *in, size_t in_len, unsigned char *out, size_t out_size,
                   size_t *out_len)
{
    if (in_len % 2 != 0 || in_len / 2 > out_size) return false;
    for (size_t i = 0; i < in_len; i += 2) {
        int hi = nibble(in[i]), lo = nibble(in[i + 1]);
        if (hi < 0 || lo < 0) return false;
        out[i / 2] = (unsigned char)(hi << 4 | lo);
    }
    *out_len = in_len / 2;
    return true;
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
