/* Password hashing (scrypt), the encoded form, rehash detection, the policy and the bound on
 * concurrent hashes. Tests use a low N: the production cost (2^17) would take seconds here. */
#include "crypto/base64.h"
#include "crypto/password.h"

#include <openssl/evp.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#define LOW_N (UINT64_C(1) << 10)

static void configure(uint64_t n, uint32_t r, uint32_t p, unsigned max_concurrent)
{
    gk_password_config cfg = {.n = n, .r = r, .p = p, .max_concurrent = max_concurrent};
    assert_true(gk_password_init(&cfg));
}

static int setup(void **state)
{
    configure(LOW_N, 8, 1, 2);
    return 0;
}

static void test_round_trip(void **state)
{
    const char *pw = "correct horse battery staple";
    char *a = NULL, *b = NULL;
    assert_true(gk_password_hash(pw, &a));
    assert_true(gk_password_hash(pw, &b));
    assert_non_null(a);
    assert_non_null(b);
    assert_string_not_equal(a, b); /* fresh salt each time */
    assert_int_equal(strncmp(a, "$scrypt$ln=10,r=8,p=1$", 22), 0);

    gk_password_encoded e;
    assert_true(gk_password_parse_encoded(a, &e));
    assert_int_equal(e.ln, 10);
    assert_int_equal(e.r, 8);
    assert_int_equal(e.p, 1);
    assert_int_equal(e.salt_len, GK_PASSWORD_SALT_LEN);
    assert_int_equal(e.hash_len, GK_PASSWORD_HASH_LEN);

    /* The stored hash is scrypt itself, computed here by another OpenSSL entry point. */
    unsigned char ref[GK_PASSWORD_HASH_LEN];
    assert_int_equal(
        EVP_PBE_scrypt(pw, strlen(pw), e.salt, e.salt_len, LOW_N, 8, 1, 0, ref, sizeof ref), 1);
    assert_memory_equal(ref, e.hash, sizeof ref);

    bool rehash = true;
    assert_int_equal(gk_password_verify(pw, a, &rehash), GK_PASSWORD_MATCH);
    assert_false(rehash);
    assert_int_equal(gk_password_verify(pw, b, NULL), GK_PASSWORD_MATCH);
    free(a);
    free(b);
}

/* RFC 7914 section 12, third vector: verifying a hash someone else computed. */
static void test_rfc7914_vector(void **state)
{
    static const char hex[] = "7023bdcb3afd7348461c06cd81fd38ebfda8fbba904f8e3ea9b543f6545da1f2"
                              "d5432955613f0fcf62d49705242a9af9e61e85dc0d651e40dfcf017b45575887";
    unsigned char dk[64];
    for (size_t i = 0; i < 64; i++) {
        unsigned v;
        assert_int_equal(sscanf(hex + 2 * i, "%2x", &v), 1);
        dk[i] = (unsigned char)v;
    }
    char *salt = gk_base64_encode("SodiumChloride", 14, GK_B64_STD_NOPAD);
    char *hash = gk_base64_encode(dk, sizeof dk, GK_B64_STD_NOPAD);
    char encoded[256];
    snprintf(encoded, sizeof encoded, "$scrypt$ln=14,r=8,p=1$%s$%s", salt, hash);
    bool rehash = false;
    assert_int_equal(gk_password_verify("pleaseletmein", encoded, &rehash), GK_PASSWORD_MATCH);
    assert_true(rehash); /* 14-byte salt and 64-byte hash: salt shorter than ours */
    assert_int_equal(gk_password_verify("pleaseletmeIn", encoded, &rehash), GK_PASSWORD_MISMATCH);
    free(salt);
    free(hash);
}

static void test_wrong_password(void **state)
{
    char *enc = NULL;
    assert_true(gk_password_hash("パスワードは十二文字以上です", &enc));
    static const char *wrong[] = {
        "",
        "パスワードは十二文字以上でず",
        "パスワードは十二文字以上です ",
        "パスワードは十二文字以上で",
        "PASSWORD",
    };
    for (size_t i = 0; i < sizeof wrong / sizeof *wrong; i++) {
        bool rehash = true;
        assert_int_equal(gk_password_verify(wrong[i], enc, &rehash), GK_PASSWORD_MISMATCH);
        assert_false(rehash); /* only ever true on a match */
    }
    /* Over-long input is a mismatch, never a crash or a hash of a megabyte. */
    char *huge = malloc(GK_PASSWORD_MAX_BYTES + 2);
    memset(huge, 'a', GK_PASSWORD_MAX_BYTES + 1);
    huge[GK_PASSWORD_MAX_BYTES + 1] = '\0';
    assert_int_equal(gk_password_verify(huge, enc, NULL), GK_PASSWORD_MISMATCH);
    char *out = (char *)1;
    assert_false(gk_password_hash(huge, &out));
    assert_null(out);
    free(huge);
    free(enc);
}

/* Replaces one character of the i-th '$'-separated field (counting from 1) by another valid
 * base64 character, keeping the string well-formed. */
static char *tamper(const char *enc, int field, size_t at)
{
    char *t = strdup(enc);
    char *p = t;
    for (int f = 0; f < field; f++)
        p = strchr(p, '$') + 1;
    p[at] = p[at] == 'A' ? 'B' : 'A';
    return t;
}

static void test_tampered(void **state)
{
    const char *pw = "tamper-evident-123";
    char *enc = NULL;
    assert_true(gk_password_hash(pw, &enc));
    /* fields: 1 = "scrypt", 2 = params, 3 = salt, 4 = hash */
    char *salt0 = tamper(enc, 3, 0), *salt9 = tamper(enc, 3, 9);
    char *hash0 = tamper(enc, 4, 0), *hash20 = tamper(enc, 4, 20);
    char *list[] = {salt0, salt9, hash0, hash20};
    for (size_t i = 0; i < 4; i++) {
        gk_password_encoded e;
        assert_true(gk_password_parse_encoded(list[i], &e)); /* still well-formed */
        assert_int_equal(gk_password_verify(pw, list[i], NULL), GK_PASSWORD_MISMATCH);
        free(list[i]);
    }
    /* Lowered or raised cost with the same salt and hash: a different function, no match. */
    char *p = strdup(enc);
    memcpy(strstr(p, "ln=10"), "ln=11", 5);
    assert_int_equal(gk_password_verify(pw, p, NULL), GK_PASSWORD_MISMATCH);
    memcpy(strstr(p, "ln=11"), "ln=10", 5);
    memcpy(strstr(p, "r=8"), "r=7", 3);
    assert_int_equal(gk_password_verify(pw, p, NULL), GK_PASSWORD_MISMATCH);
    free(p);
    free(enc);
}

static void test_needs_rehash(void **state)
{
    const char *pw = "raise the cost later";
    char *enc = NULL;
    assert_true(gk_password_hash(pw, &enc)); /* ln=10, r=8, p=1 */
    static const struct {
        uint64_t n;
        uint32_t r, p;
        bool rehash;
    } cases[] = {
        {LOW_N, 8, 1, false},      /* same */
        {LOW_N << 1, 8, 1, true},  /* N raised */
        {LOW_N, 9, 1, true},       /* r raised */
        {LOW_N, 8, 2, true},       /* p raised */
        {LOW_N >> 1, 8, 1, false}, /* configuration lowered: the stored one is stronger */
        {LOW_N, 4, 1, false},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        configure(cases[i].n, cases[i].r, cases[i].p, 2);
        bool rehash = !cases[i].rehash;
        assert_int_equal(gk_password_verify(pw, enc, &rehash), GK_PASSWORD_MATCH);
        assert_int_equal(rehash, cases[i].rehash);
    }
    /* After raising, a new hash carries the new cost and needs no rehash. */
    configure(LOW_N << 1, 8, 1, 2);
    char *enc2 = NULL;
    assert_true(gk_password_hash(pw, &enc2));
    assert_int_equal(strncmp(enc2, "$scrypt$ln=11,r=8,p=1$", 22), 0);
    bool rehash = true;
    assert_int_equal(gk_password_verify(pw, enc2, &rehash), GK_PASSWORD_MATCH);
    assert_false(rehash);
    configure(LOW_N, 8, 1, 2);
    free(enc);
    free(enc2);
}

/* A 16-byte salt and a 32-byte hash in base64 without padding. */
#define SALT "c2FsdHNhbHRzYWx0c2FsdA"
#define HASH "aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g"
#define PARAMS "$scrypt$ln=10,r=8,p=1$"

static void test_malformed_encodings(void **state)
{
    gk_password_encoded e;
    assert_true(gk_password_parse_encoded(PARAMS SALT "$" HASH, &e));
    assert_int_equal(e.salt_len, 16);
    assert_int_equal(e.hash_len, 32);
    assert_memory_equal(e.salt, "saltsaltsaltsalt", 16);

    static const char *const bad[] = {
        "",
        "$scrypt$",
        "scrypt$ln=10,r=8,p=1$" SALT "$" HASH,
        "$SCRYPT$ln=10,r=8,p=1$" SALT "$" HASH,
        "$argon2id$ln=10,r=8,p=1$" SALT "$" HASH,
        "$scrypt$ln=0,r=8,p=1$" SALT "$" HASH,   /* N = 1 */
        "$scrypt$ln=010,r=8,p=1$" SALT "$" HASH, /* leading zero */
        "$scrypt$ln=64,r=8,p=1$" SALT "$" HASH,
        "$scrypt$ln=-1,r=8,p=1$" SALT "$" HASH,
        "$scrypt$ln=+10,r=8,p=1$" SALT "$" HASH,
        "$scrypt$ln=,r=8,p=1$" SALT "$" HASH,
        "$scrypt$ln=10,r=0,p=1$" SALT "$" HASH,
        "$scrypt$ln=10,r=8,p=0$" SALT "$" HASH,
        "$scrypt$ln=10,r=99999999999,p=1$" SALT "$" HASH,
        "$scrypt$ln=10,r=8,p=4294967296$" SALT "$" HASH,
        "$scrypt$ln=30,r=8,p=1$" SALT "$" HASH,          /* 128 GiB */
        "$scrypt$ln=16,r=1,p=1$" SALT "$" HASH,          /* N must be below 2^(16r) */
        "$scrypt$ln=10,r=8,p=1073741824$" SALT "$" HASH, /* r*p >= 2^30 */
        "$scrypt$r=8,ln=10,p=1$" SALT "$" HASH,          /* order */
        "$scrypt$ln=10,r=8$" SALT "$" HASH,
        "$scrypt$ln=10,r=8,p=1,x=1$" SALT "$" HASH,
        "$scrypt$ln=10, r=8,p=1$" SALT "$" HASH,
        PARAMS SALT,
        PARAMS SALT "$",
        PARAMS "$" HASH,
        PARAMS SALT "$" HASH "$",
        PARAMS SALT "$" HASH "$x",
        PARAMS SALT "$" HASH "\n",
        PARAMS SALT "$" HASH "=",
        PARAMS SALT "$" HASH HASH HASH, /* 96-byte hash */
        PARAMS "c2FsdA$" HASH,          /* 4-byte salt */
        PARAMS SALT "$aGFzaGhhc2g",     /* 8-byte hash */
        PARAMS "c2Fs*HNhbHRzYWx0c2FsdA$" HASH,
        PARAMS "c2FsdHNhbHRzYWx0c2FsdA==$" HASH, /* padding */
        PARAMS "c2FsdHNhbHRzYWx0c2FsdB$" HASH,   /* non-zero unused bits */
        PARAMS "c2FsdHNhbHRzYWx0c2Fsd-_$" HASH,  /* URL alphabet */
        PARAMS " " SALT "$" HASH,
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        if (gk_password_parse_encoded(bad[i], &e))
            fail_msg("accepted malformed #%zu: %s", i, bad[i]);
        bool rehash = true;
        assert_int_equal(gk_password_verify("whatever password", bad[i], &rehash),
                         GK_PASSWORD_MALFORMED);
        assert_false(rehash);
    }
    assert_false(gk_password_parse_encoded(NULL, &e));
    assert_int_equal(gk_password_verify("x", NULL, NULL), GK_PASSWORD_MALFORMED);
}

static void test_config_check(void **state)
{
    static const struct {
        gk_password_config cfg;
        bool ok;
    } cases[] = {
        {{.n = UINT64_C(1) << 17, .r = 8, .p = 1}, true},
        {{.n = 2, .r = 1, .p = 1}, true},
        {{.n = 0, .r = 8, .p = 1}, false},
        {{.n = 1, .r = 8, .p = 1}, false},
        {{.n = 1000, .r = 8, .p = 1}, false}, /* not a power of two */
        {{.n = 1024, .r = 0, .p = 1}, false},
        {{.n = 1024, .r = 8, .p = 0}, false},
        {{.n = UINT64_C(1) << 20, .r = 8, .p = 1}, true},  /* 1 GiB: the cap */
        {{.n = UINT64_C(1) << 21, .r = 8, .p = 1}, false}, /* 2 GiB > 1 GiB cap */
        {{.n = UINT64_C(1) << 22, .r = 4, .p = 1}, false},
        {{.n = UINT64_C(1) << 63, .r = 8, .p = 1}, false},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        const char *why = gk_password_config_check(&cases[i].cfg);
        assert_int_equal(why == NULL, cases[i].ok);
        assert_int_equal(gk_password_init(&cases[i].cfg), cases[i].ok);
    }
    assert_non_null(gk_password_config_check(NULL));
    /* The production default is valid, and a refused init changed nothing. */
    gk_password_config def = GK_PASSWORD_CONFIG_DEFAULT;
    assert_null(gk_password_config_check(&def));
    assert_int_equal(def.n, UINT64_C(1) << 17);
    configure(LOW_N, 8, 1, 2);
    gk_password_config broken = {.n = 3, .r = 8, .p = 1};
    assert_false(gk_password_init(&broken));
    char *enc = NULL;
    assert_true(gk_password_hash("still the low cost", &enc));
    assert_int_equal(strncmp(enc, "$scrypt$ln=10,", 14), 0);
    free(enc);
}

static void test_policy(void **state)
{
    static const struct {
        const char *pw;
        const char *key;
    } cases[] = {
        {"", "password.too_short"},
        {"elevenchars", "password.too_short"}, /* 11 */
        {"twelve chars", NULL},                /* 12 */
        {"twelve  chars", NULL},               /* spaces count */
        /* issue 18 item 9: long enough but weak, each with the reason */
        {"            ", "password.blank"},
        {"\xe3\x80\x80\xe3\x80\x80\xe3\x80\x80\xe3\x80\x80\xe3\x80\x80\xe3\x80\x80\xe3\x80\x80\xe3\x80\x80\xe3\x80\x80\xe3\x80\x80\xe3\x80\x80\xe3\x80\x80",
         "password.blank"}, /* 12 ideographic spaces */
        {"aaaaaaaaaaaa", "password.repetitive"},
        {"abababababab", "password.repetitive"},
        {"password1234", "password.common"},
        {"Password1234!", "password.common"},
        {"1234PASSWORD", "password.common"},
        {"p@ssw0rd2024", "password.common"},
        {"qwertyuiop12", "password.common"},
        {"iloveyou1234", "password.common"},
        {"123456789012", "password.common"},
        {"2024-01-01!!", "password.common"},
        {"abcdefghijkl", "password.common"},
        {"mnopqrstuvwx", "password.simple"},     /* libcrack2 */
        {"sunflowers12", "password.dictionary"}, /* libcrack2 */
        {"correct horse battery staple", NULL},
        {"my password is long enough", NULL}, /* a common word inside a passphrase is fine */
        /* 11 kana: 33 bytes, still 11 characters */
        {"あいうえおかきくけこさ", "password.too_short"},
        {"あいうえおかきくけこさし", NULL},               /* 12 kana, 36 bytes */
        {"日本語のパスワード", "password.too_short"},     /* 9 */
        {"日本語のパスワードです", "password.too_short"}, /* 11 */
        {"日本語のパスワードですよ", NULL},               /* 12 */
        {"😀😀😀😀😀😀😀😀😀😀😀", "password.too_short"},            /* 11 x 4 bytes */
        {"😀😀😀😀😀😀😀😀😀😀😀!", "password.repetitive"},
        {"😀😀😀😀😀😀😀😀😀😀😀!?#$", NULL},
        {"abcdefghijk\xe9", "password.not_utf8"}, /* Latin-1 é */
        {"abcdefghijkl\xff", "password.not_utf8"},
        {"abcdefghijkl\xc0\xaf", "password.not_utf8"},         /* overlong '/' */
        {"abcdefghijkl\xe0\x80\xaf", "password.not_utf8"},     /* overlong */
        {"abcdefghijkl\xed\xa0\x80", "password.not_utf8"},     /* surrogate U+D800 */
        {"abcdefghijkl\xf4\x90\x80\x80", "password.not_utf8"}, /* above U+10FFFF */
        {"abcdefghijkl\xe3\x81", "password.not_utf8"},         /* truncated */
        {"abcdefghijkl\x80", "password.not_utf8"},             /* lone continuation */
        {"abcdefghijkl\xf8\x88\x80\x80\x80", "password.not_utf8"},
        {"zx81 spectrum\xf4\x8f\xbf\xbf", NULL}, /* U+10FFFF */
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        const char *got = gk_password_policy_check(cases[i].pw);
        if (!cases[i].key && got) fail_msg("case %zu: expected acceptance, got %s", i, got);
        if (cases[i].key && (!got || strcmp(got, cases[i].key) != 0))
            fail_msg("case %zu: expected %s, got %s", i, cases[i].key, got ? got : "(accepted)");
    }

    /* Byte limits: 1024 bytes pass, 1025 do not, also when made of 3-byte characters. */
    char *buf = malloc(2048);
    for (int i = 0; i < 1024; i++)
        buf[i] = (char)('a' + (i * 7 + i / 26) % 26);
    buf[1024] = '\0';
    assert_null(gk_password_policy_check(buf));
    buf[1024] = 'a';
    buf[1025] = '\0';
    assert_string_equal(gk_password_policy_check(buf), "password.too_long");
    buf[0] = '\0';
    static const char kana[] = "あいうえおかきくけこさしすせそたちつてとなにぬねの";
    for (int i = 0; i < 341; i++) /* 1023 bytes */
        strncat(buf, kana + 3 * ((i * 7 + i / 25) % 25), 3);
    assert_null(gk_password_policy_check(buf));
    strcat(buf, "あ"); /* 1026 bytes, 342 characters */
    assert_string_equal(gk_password_policy_check(buf), "password.too_long");
    free(buf);
}

/* ---- the bound on concurrent hashes ---- */

typedef struct {
    pthread_barrier_t *start;
    const char *encoded;
    bool hash; /* hash (true) or verify (false) */
    bool ok;
} worker_arg;

static void *worker(void *p)
{
    worker_arg *a = p;
    pthread_barrier_wait(a->start);
    if (a->hash) {
        char *enc = NULL;
        a->ok = gk_password_hash("concurrent password", &enc);
        free(enc);
    } else {
        a->ok = gk_password_verify("concurrent password", a->encoded, NULL) == GK_PASSWORD_MATCH;
    }
    return NULL;
}

/* Runs `threads` hashes/verifies at once under max_concurrent; returns the peak. */
static unsigned run_flood(unsigned threads, unsigned max_concurrent)
{
    configure(UINT64_C(1) << 13, 8, 1, max_concurrent);
    char *enc = NULL;
    assert_true(gk_password_hash("concurrent password", &enc));
    gk_password_usage before = gk_password_get_usage(true);
    assert_int_equal(before.in_flight, 0);

    pthread_barrier_t start;
    pthread_barrier_init(&start, NULL, threads);
    pthread_t tid[16];
    worker_arg args[16];
    assert_true(threads <= 16);
    for (unsigned i = 0; i < threads; i++) {
        args[i] = (worker_arg){.start = &start, .encoded = enc, .hash = i % 2 == 0};
        assert_int_equal(pthread_create(&tid[i], NULL, worker, &args[i]), 0);
    }
    for (unsigned i = 0; i < threads; i++) {
        pthread_join(tid[i], NULL);
        assert_true(args[i].ok);
    }
    pthread_barrier_destroy(&start);
    gk_password_usage after = gk_password_get_usage(false);
    assert_int_equal(after.in_flight, 0);
    assert_int_equal(after.waiting, 0);
    assert_int_equal(after.computed - before.computed, threads);
    free(enc);
    configure(LOW_N, 8, 1, 2);
    return after.peak;
}

static void test_concurrency_bound(void **state)
{
    /* Eight callers released together: never more than the bound in flight, and the bound
     * is reached (the semaphore admits as many as allowed, not fewer). */
    assert_int_equal(run_flood(8, 2), 2);
    assert_int_equal(run_flood(6, 1), 1);
    unsigned peak = run_flood(8, 3);
    assert_in_range(peak, 2, 3);
}

static void test_default_concurrency(void **state)
{
    /* max_concurrent 0 means the default of 2. */
    assert_int_equal(run_flood(8, 0), GK_PASSWORD_DEFAULT_CONCURRENCY);
}

static void test_dummy_verify_uses_a_slot(void **state)
{
    gk_password_usage before = gk_password_get_usage(false);
    gk_password_verify_dummy("no such user");
    gk_password_usage after = gk_password_get_usage(false);
    assert_int_equal(after.computed - before.computed, 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_round_trip),
        cmocka_unit_test(test_rfc7914_vector),
        cmocka_unit_test(test_wrong_password),
        cmocka_unit_test(test_tampered),
        cmocka_unit_test(test_needs_rehash),
        cmocka_unit_test(test_malformed_encodings),
        cmocka_unit_test(test_config_check),
        cmocka_unit_test(test_policy),
        cmocka_unit_test(test_concurrency_bound),
        cmocka_unit_test(test_default_concurrency),
        cmocka_unit_test(test_dummy_verify_uses_a_slot),
    };
    return cmocka_run_group_tests(tests, setup, NULL);
}
