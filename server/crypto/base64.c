#include "crypto/base64.h"

#include <stdint.h>
#include <stdlib.h>

static const char alphabet_std[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
static const char alphabet_url[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

static bool padded(gk_base64_variant v)
{
    return v == GK_B64_STD;
}

size_t gk_base64_encoded_len(size_t len, gk_base64_variant v)
{
    if (len > (SIZE_MAX - 1) / 4 * 3 - 3) return 0;
    size_t groups = len / 3, rest = len % 3;
    size_t n = groups * 4;
    if (rest) n += padded(v) ? 4 : rest + 1;
    return n;
}

bool gk_base64_encode_to(const void *data, size_t len, gk_base64_variant v, char *out,
                         size_t out_size)
{
    size_t need = gk_base64_encoded_len(len, v);
    if (len != 0 && need == 0) return false;
    if (out_size < need + 1) return false;
    const char *a = v == GK_B64_URL ? alphabet_url : alphabet_std;
    const unsigned char *in = data;
    size_t o = 0, i = 0;
    for (; i + 3 <= len; i += 3) {
        uint32_t w = (uint32_t)in[i] << 16 | (uint32_t)in[i + 1] << 8 | in[i + 2];
        out[o++] = a[w >> 18 & 63];
        out[o++] = a[w >> 12 & 63];
        out[o++] = a[w >> 6 & 63];
        out[o++] = a[w & 63];
    }
    size_t rest = len - i;
    if (rest) {
        uint32_t w = (uint32_t)in[i] << 16 | (rest == 2 ? (uint32_t)in[i + 1] << 8 : 0);
        out[o++] = a[w >> 18 & 63];
        out[o++] = a[w >> 12 & 63];
        if (rest == 2) out[o++] = a[w >> 6 & 63];
        if (padded(v)) {
            if (rest == 1) out[o++] = '=';
            out[o++] = '=';
        }
    }
    out[o] = '\0';
    return true;
}

char *gk_base64_encode(const void *data, size_t len, gk_base64_variant v)
{
    size_t need = gk_base64_encoded_len(len, v);
    if (len != 0 && need == 0) return NULL;
    char *out = malloc(need + 1);
    if (!out) return NULL;
    if (!gk_base64_encode_to(data, len, v, out, need + 1)) {
        free(out);
        return NULL;
    }
    return out;
}

size_t gk_base64_decoded_max(size_t in_len)
{
    return in_len / 4 * 3 + 3;
}

/* Value of one character in the variant's alphabet, or -1. */
static int sextet(unsigned char c, gk_base64_variant v)
{
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (v == GK_B64_URL) {
        if (c == '-') return 62;
        if (c == '_') return 63;
    } else {
        if (c == '+') return 62;
        if (c == '/') return 63;
    }
    return -1;
}

bool gk_base64_decode(const char *in, size_t in_len, gk_base64_variant v, unsigned char *out,
                      size_t out_size, size_t *out_len)
{
    size_t data_len = in_len; /* characters carrying data, padding excluded */
    if (padded(v)) {
        if (in_len % 4 != 0) return false;
        if (in_len >= 1 && in[in_len - 1] == '=') data_len--;
        if (in_len >= 2 && in[in_len - 2] == '=') data_len--;
        /* "x===" has data_len%4 == 1, rejected below; '=' elsewhere fails sextet(). */
    }
    size_t tail = data_len % 4;
    if (tail == 1) return false;
    size_t n = data_len / 4 * 3 + (tail ? tail - 1 : 0);
    if (n > out_size) return false;

    size_t o = 0, i = 0;
    uint32_t acc = 0;
    for (; i < data_len; i++) {
        int s = sextet((unsigned char)in[i], v);
        if (s < 0) return false;
        acc = acc << 6 | (uint32_t)s;
        if (i % 4 == 3) {
            out[o++] = (unsigned char)(acc >> 16);
            out[o++] = (unsigned char)(acc >> 8);
            out[o++] = (unsigned char)acc;
            acc = 0;
        }
    }
    if (tail == 2) {
        if (acc & 0xF) /* 12 bits carry 8: the 4 low bits must be zero */
            return false;
        out[o++] = (unsigned char)(acc >> 4);
    } else if (tail == 3) {
        if (acc & 0x3) /* 18 bits carry 16 */
            return false;
        out[o++] = (unsigned char)(acc >> 10);
        out[o++] = (unsigned char)(acc >> 2);
    }
    *out_len = o;
    return true;
}
