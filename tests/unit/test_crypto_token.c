/* Tokens, SHA-256 (one-shot and streaming, FIPS 180 vectors), hex and base64 helpers. */
#include "crypto/base64.h"
#include "crypto/token.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

static void hex_of(const unsigned char *d, size_t n, char *out, size_t out_size)
{
    assert_true(gk_hex_encode(d, n, out, out_size));
}

/* ---- tokens ---- */

static bool url_char(char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '_';
}

static void test_token_shape(void **state)
{
    for (int i = 0; i < 100; i++) {
        char t[GK_TOKEN_LEN + 1];
        memset(t, 'X', sizeof t);
        assert_true(gk_token_new(t));
        assert_int_equal(strlen(t), 43);
        for (size_t j = 0; j < GK_TOKEN_LEN; j++)
            assert_true(url_char(t[j]));
        unsigned char raw[48];
        size_t n = 0;
        assert_true(gk_base64_decode(t, strlen(t), GK_B64_URL, raw, sizeof raw, &n));
        assert_int_equal(n, 32);
    }
}

static int cmp_tokens(const void *a, const void *b)
{
    return strcmp(a, b);
}

static void test_token_unique(void **state)
{
    enum { N = 5000 };
    char(*t)[GK_TOKEN_LEN + 1] = malloc(N * sizeof *t);
    assert_non_null(t);
    unsigned bit_counts[32 * 8] = {0};
    for (int i = 0; i < N; i++) {
        assert_true(gk_token_new(t[i]));
        unsigned char raw[33];
        size_t n;
        assert_true(gk_base64_decode(t[i], GK_TOKEN_LEN, GK_B64_URL, raw, sizeof raw, &n));
        for (int b = 0; b < 32 * 8; b++)
            bit_counts[b] += raw[b / 8] >> (b % 8) & 1;
    }
    qsort(t, N, sizeof *t, cmp_tokens);
    for (int i = 1; i < N; i++)
        assert_string_not_equal(t[i - 1], t[i]);
    /* Every bit varies: each is set in roughly half the draws (5000/2 +- ~10 sigma). */
    for (int b = 0; b < 32 * 8; b++) {
        assert_in_range(bit_counts[b], N / 2 - 360, N / 2 + 360);
    }
    free(t);
}

static void test_token_hash_and_equal(void **state)
{
    unsigned char h[GK_SHA256_LEN];
    char hex[65];
    assert_true(gk_token_hash("abc", h));
    hex_of(h, sizeof h, hex, sizeof hex);
    assert_string_equal(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    assert_false(gk_token_hash(NULL, h));

    static const struct {
        const char *a, *b;
        bool equal;
    } cases[] = {
        {"abc", "abc", true}, {"", "", true},       {"abc", "abd", false}, {"abc", "ab", false},
        {"ab", "abc", false}, {"abc", NULL, false}, {NULL, NULL, false},   {"Abc", "abc", false},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++)
        assert_int_equal(gk_token_equal(cases[i].a, cases[i].b), cases[i].equal);
}

/* ---- SHA-256 ---- */

static const struct {
    const char *msg;
    const char *digest;
} sha_vectors[] = {
    {"", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"},
    {"abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"},
    {"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
     "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"},
    {"abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlm"
     "nopqrsmnopqrstnopqrstu",
     "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1"},
};

static void test_sha256_vectors(void **state)
{
    for (size_t i = 0; i < sizeof sha_vectors / sizeof *sha_vectors; i++) {
        const char *m = sha_vectors[i].msg;
        unsigned char h[GK_SHA256_LEN];
        char hex[65];
        assert_true(gk_sha256(m, strlen(m), h));
        hex_of(h, sizeof h, hex, sizeof hex);
        assert_string_equal(hex, sha_vectors[i].digest);

        /* Streaming, byte by byte and in uneven pieces, gives the same digest. */
        static const size_t pieces[] = {1, 3, 7, 64, 1000};
        for (size_t p = 0; p < sizeof pieces / sizeof *pieces; p++) {
            gk_sha256_ctx ctx = {0};
            assert_true(gk_sha256_init(&ctx));
            for (size_t off = 0; off < strlen(m); off += pieces[p]) {
                size_t n = strlen(m) - off < pieces[p] ? strlen(m) - off : pieces[p];
                assert_true(gk_sha256_update(&ctx, m + off, n));
            }
            assert_true(gk_sha256_final(&ctx, h));
            assert_null(ctx.md);
            hex_of(h, sizeof h, hex, sizeof hex);
            assert_string_equal(hex, sha_vectors[i].digest);
        }
    }
}

static void test_sha256_million_a_streamed(void **state)
{
    char chunk[1000];
    memset(chunk, 'a', sizeof chunk);
    gk_sha256_ctx ctx = {0};
    assert_true(gk_sha256_init(&ctx));
    for (int i = 0; i < 1000; i++)
        assert_true(gk_sha256_update(&ctx, chunk, sizeof chunk));
    unsigned char h[GK_SHA256_LEN];
    char hex[65];
    assert_true(gk_sha256_final(&ctx, h));
    hex_of(h, sizeof h, hex, sizeof hex);
    assert_string_equal(hex, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

static void test_sha256_lifecycle(void **state)
{
    gk_sha256_ctx ctx = {0};
    unsigned char h[GK_SHA256_LEN];
    gk_sha256_abort(&ctx); /* a zeroed context may be aborted */
    assert_false(gk_sha256_update(&ctx, "x", 1));
    assert_false(gk_sha256_final(&ctx, h));
    assert_true(gk_sha256_init(&ctx));
    assert_true(gk_sha256_update(&ctx, "abc", 3));
    gk_sha256_abort(&ctx); /* cancelled upload: released, no leak */
    assert_null(ctx.md);
    assert_false(gk_sha256_final(&ctx, h));
}

/* ---- hex ---- */

static void test_hex(void **state)
{
    const unsigned char bytes[] = {0x00, 0x01, 0x7f, 0x80, 0xab, 0xff};
    char out[13];
    assert_true(gk_hex_encode(bytes, sizeof bytes, out, sizeof out));
    assert_string_equal(out, "00017f80abff");
    assert_false(gk_hex_encode(bytes, sizeof bytes, out, 12)); /* no room for the NUL */
    assert_false(gk_hex_encode(bytes, 1, out, 0));
    assert_true(gk_hex_encode(bytes, 0, out, 1));
    assert_string_equal(out, "");

    static const struct {
        const char *in;
        bool ok;
        size_t len;
        const char *bytes;
    } cases[] = {
        {"", true, 0, ""},       {"00ff", true, 2, "\x00\xff"}, {"ABcd", true, 2, "\xab\xcd"},
        {"0", false, 0, NULL},   {"0g", false, 0, NULL},        {" 00", false, 0, NULL},
        {"00 ", false, 0, NULL}, {"0x00", false, 0, NULL},      {"-1", false, 0, NULL},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        unsigned char buf[8];
        size_t n = 99;
        bool ok = gk_hex_decode(cases[i].in, strlen(cases[i].in), buf, sizeof buf, &n);
        assert_int_equal(ok, cases[i].ok);
        if (ok) {
            assert_int_equal(n, cases[i].len);
            assert_memory_equal(buf, cases[i].bytes, n);
        }
    }
    unsigned char small[1];
    size_t n;
    assert_false(gk_hex_decode("0011", 4, small, sizeof small, &n));
}

/* ---- base64 ---- */

static const struct {
    const char *plain, *std, *url;
} b64_vectors[] = {
    /* RFC 4648 section 10, plus bytes that differ between the alphabets */
    {"", "", ""},
    {"f", "Zg==", "Zg"},
    {"fo", "Zm8=", "Zm8"},
    {"foo", "Zm9v", "Zm9v"},
    {"foob", "Zm9vYg==", "Zm9vYg"},
    {"fooba", "Zm9vYmE=", "Zm9vYmE"},
    {"foobar", "Zm9vYmFy", "Zm9vYmFy"},
    {"\xfb\xff\xbf", "+/+/", "-_-_"},
    {"\xfb\xf0", "+/A=", "-_A"},
};

static void test_base64_vectors(void **state)
{
    for (size_t i = 0; i < sizeof b64_vectors / sizeof *b64_vectors; i++) {
        const char *p = b64_vectors[i].plain;
        size_t pl = strlen(p);
        char *s = gk_base64_encode(p, pl, GK_B64_STD);
        char *u = gk_base64_encode(p, pl, GK_B64_URL);
        char *n = gk_base64_encode(p, pl, GK_B64_STD_NOPAD);
        assert_non_null(s);
        assert_non_null(u);
        assert_non_null(n);
        assert_string_equal(s, b64_vectors[i].std);
        assert_string_equal(u, b64_vectors[i].url);
        assert_int_equal(strlen(s), gk_base64_encoded_len(pl, GK_B64_STD));
        assert_int_equal(strlen(u), gk_base64_encoded_len(pl, GK_B64_URL));
        /* No-padding standard = standard with the '=' removed. */
        assert_int_equal(strlen(n), strcspn(s, "="));
        assert_memory_equal(n, s, strlen(n));

        unsigned char buf[16];
        size_t len = 99;
        assert_true(gk_base64_decode(s, strlen(s), GK_B64_STD, buf, sizeof buf, &len));
        assert_int_equal(len, pl);
        assert_memory_equal(buf, p, pl);
        assert_true(gk_base64_decode(u, strlen(u), GK_B64_URL, buf, sizeof buf, &len));
        assert_int_equal(len, pl);
        assert_memory_equal(buf, p, pl);
        assert_true(gk_base64_decode(n, strlen(n), GK_B64_STD_NOPAD, buf, sizeof buf, &len));
        assert_int_equal(len, pl);
        assert_memory_equal(buf, p, pl);
        free(s);
        free(u);
        free(n);
    }
}

static void test_base64_encode_to_bounds(void **state)
{
    char out[5];
    assert_true(gk_base64_encode_to("foo", 3, GK_B64_STD, out, 5));
    assert_string_equal(out, "Zm9v");
    assert_false(gk_base64_encode_to("foo", 3, GK_B64_STD, out, 4));
    assert_false(gk_base64_encode_to("f", 1, GK_B64_STD, out, 4)); /* "Zg==" + NUL */
    assert_true(gk_base64_encode_to("f", 1, GK_B64_URL, out, 3));
    assert_string_equal(out, "Zg");
}

static void test_base64_strict_decoding(void **state)
{
    static const struct {
        const char *in;
        gk_base64_variant v;
    } bad[] = {
        {"Zg", GK_B64_STD},                                  /* padding missing */
        {"Zg=", GK_B64_STD},                                 /* padding short */
        {"Zg===", GK_B64_STD},                               /* too much padding */
        {"Z===", GK_B64_STD},                                /* one character carries no byte */
        {"====", GK_B64_STD},       {"=Zg=", GK_B64_STD},    /* padding first */
        {"Zg==Zg==", GK_B64_STD},                            /* padding in the middle */
        {"Zh==", GK_B64_STD},                                /* non-zero unused bits */
        {"Zm9=", GK_B64_STD},                                /* non-zero unused bits */
        {"Zm9v\n", GK_B64_STD},                              /* whitespace */
        {" Zm9v", GK_B64_STD},      {"Zm-v", GK_B64_STD},    /* URL alphabet in standard */
        {"Zm+v", GK_B64_URL},                                /* standard alphabet in URL */
        {"Zm/v", GK_B64_URL},       {"Zg==", GK_B64_URL},    /* padding where none is allowed */
        {"Zg==", GK_B64_STD_NOPAD}, {"Z", GK_B64_URL},       /* length 1 mod 4 */
        {"Zm9vY", GK_B64_URL},      {"Zh", GK_B64_URL},      /* non-zero unused bits */
        {"Zm9", GK_B64_STD_NOPAD},  {"Zm\x80v", GK_B64_URL}, /* non-ASCII */
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        unsigned char buf[16];
        size_t n;
        if (gk_base64_decode(bad[i].in, strlen(bad[i].in), bad[i].v, buf, sizeof buf, &n))
            fail_msg("accepted bad base64 #%zu \"%s\"", i, bad[i].in);
    }
    unsigned char one[1];
    size_t n;
    assert_false(gk_base64_decode("Zm8", 3, GK_B64_URL, one, sizeof one, &n)); /* 2 bytes */
    assert_true(gk_base64_decode("Zg", 2, GK_B64_URL, one, sizeof one, &n));
    assert_int_equal(n, 1);
}

static void test_base64_round_trip_all_lengths(void **state)
{
    unsigned char data[70], back[80];
    for (size_t i = 0; i < sizeof data; i++)
        data[i] = (unsigned char)(i * 37 + 11);
    static const gk_base64_variant variants[] = {GK_B64_STD, GK_B64_STD_NOPAD, GK_B64_URL};
    for (size_t v = 0; v < 3; v++) {
        for (size_t len = 0; len <= sizeof data; len++) {
            char *e = gk_base64_encode(data, len, variants[v]);
            assert_non_null(e);
            size_t n = 0;
            assert_true(gk_base64_decode(e, strlen(e), variants[v], back, sizeof back, &n));
            assert_int_equal(n, len);
            assert_memory_equal(back, data, len);
            assert_true(gk_base64_decoded_max(strlen(e)) >= len);
            free(e);
        }
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_token_shape),
        cmocka_unit_test(test_token_unique),
        cmocka_unit_test(test_token_hash_and_equal),
        cmocka_unit_test(test_sha256_vectors),
        cmocka_unit_test(test_sha256_million_a_streamed),
        cmocka_unit_test(test_sha256_lifecycle),
        cmocka_unit_test(test_hex),
        cmocka_unit_test(test_base64_vectors),
        cmocka_unit_test(test_base64_encode_to_bounds),
        cmocka_unit_test(test_base64_strict_decoding),
        cmocka_unit_test(test_base64_round_trip_all_lengths),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
