/* The aggregator's pure parts (national/puller.h): the GITEKI_AGGREGATE value, table by
 * table; a published key matching its pinned id; Ed25519 verification of a payload with one
 * changed byte. */
#include "crypto/base64.h"
#include "crypto/token.h"
#include "national/puller.h"
#include "util/hex.h"

#include <openssl/evp.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

static void test_config_table(void **state)
{
    (void)state;
    static const struct {
        const char *spec;
        int bodies; /* -1: refused */
    } rows[] = {
        {"001=http://127.0.0.1:8080=0123456789abcdef", 1},
        {"001=https://a.example/giteki/=0123456789abcdef,fedcba9876543210", 1},
        {"001=http://a.example=0123456789abcdef;002=http://b.example=0123456789abcdef", 2},
        {" 001=http://a.example=0123456789abcdef ; 002=http://b.example=0123456789abcdef ;", 2},
        {"", -1},                                        /* no body */
        {"001=http://a.example", -1},                    /* no key */
        {"001=http://a.example=", -1},                   /* empty key list */
        {"01=http://a.example=0123456789abcdef", -1},    /* code of two digits */
        {"abc=http://a.example=0123456789abcdef", -1},   /* code not digits */
        {"001=ftp://a.example=0123456789abcdef", -1},    /* not http(s) */
        {"001=http://=0123456789abcdef", -1},            /* no host */
        {"001=http://a.example?x=0123456789abcdef", -1}, /* a query in the base */
        {"001=http://a.example=0123456789ABCDEF", -1},   /* upper-case hex */
        {"001=http://a.example=0123456789abcde", -1},    /* 15 digits */
        {"001=http://a.example=0123456789abcdef,", 1},   /* trailing comma ignored */
        {"001=http://a.example=0123456789abcdef;001=http://b.example=0123456789abcdef", -1},
    };
    for (size_t i = 0; i < sizeof rows / sizeof *rows; i++) {
        gk_national_config *c = NULL;
        char *err = NULL;
        int n = gk_national_config_parse(rows[i].spec, &c, &err);
        if (n != rows[i].bodies)
            print_error("row %zu: \"%s\" gave %d (%s)\n", i, rows[i].spec, n, err ? err : "");
        assert_int_equal(n, rows[i].bodies);
        if (n < 0) {
            assert_non_null(err);
            assert_null(c);
        } else {
            assert_null(err);
        }
        free(err);
        gk_national_config_free(c);
    }
}

/* A fresh Ed25519 key: raw public key (base64url), its key id and a signature of msg. */
static void make_key(const char *msg, char pub_b64[64], char key_id[17], char **sig_b64)
{
    EVP_PKEY *k = EVP_PKEY_Q_keygen(NULL, NULL, "ED25519");
    assert_non_null(k);
    unsigned char pub[32], h[32], sig[64];
    size_t plen = sizeof pub, slen = sizeof sig;
    assert_int_equal(EVP_PKEY_get_raw_public_key(k, pub, &plen), 1);
    assert_true(gk_base64_encode_to(pub, 32, GK_B64_URL, pub_b64, 64));
    assert_true(gk_sha256(pub, 32, h));
    assert_true(gk_hex_encode(h, 8, key_id, 17));
    EVP_MD_CTX *m = EVP_MD_CTX_new();
    assert_int_equal(EVP_DigestSignInit(m, NULL, NULL, NULL, k), 1);
    assert_int_equal(EVP_DigestSign(m, sig, &slen, (const unsigned char *)msg, strlen(msg)), 1);
    EVP_MD_CTX_free(m);
    EVP_PKEY_free(k);
    *sig_b64 = gk_base64_encode(sig, 64, GK_B64_URL);
}

static void test_key_and_signature(void **state)
{
    (void)state;
    const char *msg = "{\"certification_body\":\"101\",\"number\":\"D26-0001101\"}";
    char pub[64], id[17], pub2[64], id2[17];
    char *sig = NULL, *sig2 = NULL;
    make_key(msg, pub, id, &sig);
    make_key(msg, pub2, id2, &sig2);
    unsigned char raw[32], raw2[32];
    assert_true(gk_national_key_matches_id(pub, id, raw));
    assert_false(gk_national_key_matches_id(pub, id2, raw2)); /* another key's id */
    assert_false(gk_national_key_matches_id("not-base64!", id, raw2));
    assert_true(gk_national_key_matches_id(pub2, id2, raw2));

    assert_true(gk_national_verify(raw, (const unsigned char *)msg, strlen(msg), sig));
    assert_false(gk_national_verify(raw2, (const unsigned char *)msg, strlen(msg), sig));
    char *changed = strdup(msg);
    for (size_t i = 0; i < strlen(msg); i++) { /* every single changed byte is refused */
        changed[i] ^= 0x01;
        assert_false(gk_national_verify(raw, (const unsigned char *)changed, strlen(msg), sig));
        changed[i] ^= 0x01;
    }
    assert_false(gk_national_verify(raw, (const unsigned char *)msg, strlen(msg), "AAAA"));
    assert_false(gk_national_verify(raw, (const unsigned char *)msg, strlen(msg), NULL));
    free(changed);
    free(sig);
    free(sig2);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_config_table),
        cmocka_unit_test(test_key_and_signature),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
