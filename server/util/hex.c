#include "util/hex.h"

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

int gk_hex_digit(char c)
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
        int hi = gk_hex_digit(in[i]), lo = gk_hex_digit(in[i + 1]);
        if (hi < 0 || lo < 0) return false;
        out[i / 2] = (unsigned char)(hi << 4 | lo);
    }
    *out_len = in_len / 2;
    return true;
}
