/* The pure parts of Idempotency-Key (http/idempotency.h): which keys are accepted, what the
 * request hash covers, and what a lookup means. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "http/idempotency.h"

#include <string.h>

static void keys(void **state)
{
    char longest[256], too_long[257];
    memset(longest, 'k', 255);
    longest[255] = 0;
    memset(too_long, 'k', 256);
    too_long[256] = 0;
    static const struct {
        const char *key;
        bool ok;
    } cases[] = {
        {"abc", true},        {"0f6c1c4e-5a6b-4b0e-9d3f-1b2c3d4e5f60", true},
        {"!~", true},         {"", false},
        {"has space", false}, {"tab\t", false},
        {"日本", false},      {NULL, false},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++)
        if (gk_idem_key_valid(cases[i].key) != cases[i].ok)
            fail_msg("case %zu (%s)", i, cases[i].key ? cases[i].key : "NULL");
    assert_true(gk_idem_key_valid(longest));
    assert_false(gk_idem_key_valid(too_long));
}

static void hash_covers_method_path_body(void **state)
{
    static const struct {
        const char *method, *path, *body;
    } reqs[] = {
        {"POST", "/api/v1/applications", "{\"a\":1}"},
        {"POST", "/api/v1/applications", "{\"a\":2}"},
        {"PUT", "/api/v1/applications", "{\"a\":1}"},
        {"POST", "/api/v1/applications/x", "{\"a\":1}"},
        /* the separator keeps "path + body" boundaries apart */
        {"POST", "/api/v1/applications{\"a\"", ":1}"},
        {"POST", "/api/v1/applications", ""},
    };
    unsigned char h[6][GK_SHA256_LEN];
    for (size_t i = 0; i < 6; i++)
        assert_true(gk_idem_request_hash(reqs[i].method, reqs[i].path, reqs[i].body,
                                         strlen(reqs[i].body), h[i]));
    for (size_t i = 0; i < 6; i++)
        for (size_t j = i + 1; j < 6; j++)
            if (!memcmp(h[i], h[j], GK_SHA256_LEN)) fail_msg("requests %zu and %zu collide", i, j);
    unsigned char again[GK_SHA256_LEN];
    assert_true(gk_idem_request_hash("POST", "/api/v1/applications", "{\"a\":1}", 7, again));
    assert_memory_equal(again, h[0], GK_SHA256_LEN);
    /* The streaming form gives the same digest as the one-shot form. */
    gk_sha256_ctx ctx = {0};
    assert_true(gk_idem_hash_begin(&ctx, "POST", "/api/v1/applications"));
    assert_true(gk_sha256_update(&ctx, "{\"a\"", 4));
    assert_true(gk_sha256_update(&ctx, ":1}", 3));
    assert_true(gk_sha256_final(&ctx, again));
    assert_memory_equal(again, h[0], GK_SHA256_LEN);
}

static void decide(void **state)
{
    unsigned char a[GK_SHA256_LEN], b[GK_SHA256_LEN];
    memset(a, 1, sizeof a);
    memset(b, 1, sizeof b);
    b[31] = 2;
    assert_int_equal(gk_idem_decide(false, NULL, 0, a), GK_IDEM_NEW);
    assert_int_equal(gk_idem_decide(true, a, sizeof a, a), GK_IDEM_REPLAY);
    assert_int_equal(gk_idem_decide(true, b, sizeof b, a), GK_IDEM_MISMATCH);
    assert_int_equal(gk_idem_decide(true, a, 31, a), GK_IDEM_MISMATCH); /* damaged row */
    assert_int_equal(gk_idem_decide(true, NULL, 0, a), GK_IDEM_MISMATCH);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(keys),
        cmocka_unit_test(hash_covers_method_path_body),
        cmocka_unit_test(decide),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
