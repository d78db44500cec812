/* Ed25519 key store: generation, file modes, sign/verify, reopen, rotation, reload, refusal
 * of unsafe folders, the generation lock, concurrent signing. Works in a mkdtemp folder under
 * /tmp that each test removes. */
#include "crypto/base64.h"
#include "crypto/sign.h"
#include "crypto/token.h"

#include <dirent.h>
#include <fcntl.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

typedef struct {
    char root[64]; /* the mkdtemp folder */
    char dir[96];  /* root/keys, created by the store */
} fixture;

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    if (!f) return -1;
    strcpy(f->root, "/tmp/giteki-sign-XXXXXX");
    if (!mkdtemp(f->root)) {
        free(f);
        return -1;
    }
    snprintf(f->dir, sizeof f->dir, "%s/keys", f->root);
    *state = f;
    return 0;
}

static void remove_folder(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d) return;
    struct dirent *e;
    char path[512];
    while ((e = readdir(d))) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0) continue;
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        struct stat st;
        if (lstat(path, &st) == 0 && S_ISDIR(st.st_mode))
            remove_folder(path);
        else
            unlink(path);
    }
    closedir(d);
    rmdir(dir);
}

static int teardown(void **state)
{
    fixture *f = *state;
    chmod(f->dir, 0700);
    remove_folder(f->root);
    free(f);
    return 0;
}

static gk_keystore *open_ok(const char *dir)
{
    char *err = NULL;
    gk_keystore *ks = gk_keystore_open(dir, &err);
    if (!ks) fail_msg("open %s: %s", dir, err ? err : "(no message)");
    assert_null(err);
    return ks;
}

/* Opening must fail; returns the message (caller frees). */
static char *open_fails(const char *dir)
{
    char *err = NULL;
    gk_keystore *ks = gk_keystore_open(dir, &err);
    if (ks) fail_msg("open %s succeeded, expected a refusal", dir);
    assert_non_null(err);
    return err;
}

static size_t count_pem_files(const char *dir)
{
    DIR *d = opendir(dir);
    assert_non_null(d);
    size_t n = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        size_t len = strlen(e->d_name);
        if (len > 4 && strcmp(e->d_name + len - 4, ".pem") == 0) n++;
    }
    closedir(d);
    return n;
}

static void key_path(const fixture *f, const char *key_id, char *out, size_t size)
{
    snprintf(out, size, "%s/%s.pem", f->dir, key_id);
}

static unsigned file_mode(const char *path)
{
    struct stat st;
    assert_int_equal(stat(path, &st), 0);
    return st.st_mode & 07777;
}

/* Finds key_id in the public listing. */
static json_t *listed(json_t *list, const char *key_id)
{
    size_t i;
    json_t *item;
    json_array_foreach(list, i, item)
    {
        if (strcmp(json_string_value(json_object_get(item, "key_id")), key_id) == 0) return item;
    }
    return NULL;
}

/* Verifies with OpenSSL directly from the published raw public key: the listing is what
 * an outside verifier would use. */
static bool verify_with_published_key(json_t *item, const unsigned char *msg, size_t len,
                                      const char *sig_b64)
{
    const char *pub_b64 = json_string_value(json_object_get(item, "public_key"));
    unsigned char pub[32], sig[64];
    size_t n = 0, sn = 0;
    assert_true(gk_base64_decode(pub_b64, strlen(pub_b64), GK_B64_URL, pub, sizeof pub, &n));
    assert_int_equal(n, 32);
    assert_true(gk_base64_decode(sig_b64, strlen(sig_b64), GK_B64_URL, sig, sizeof sig, &sn));
    assert_int_equal(sn, 64);
    EVP_PKEY *pk = EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, NULL, pub, sizeof pub);
    assert_non_null(pk);
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    bool ok = EVP_DigestVerifyInit(ctx, NULL, NULL, NULL, pk) == 1 &&
              EVP_DigestVerify(ctx, sig, sn, msg, len) == 1;
    EVP_MD_CTX_free(ctx);
    EVP_PKEY_free(pk);
    return ok;
}

static const unsigned char message[] = "{\"number\":\"001-240001\",\"status\":\"granted\"}";

static void test_first_start_generates_key(void **state)
{
    fixture *f = *state;
    gk_keystore *ks = open_ok(f->dir);
    const char *id = gk_keystore_active_key_id(ks);
    assert_int_equal(strlen(id), GK_SIGN_KEY_ID_LEN);

    /* folder 0700, key 0600, named by its id, "current" names it */
    assert_int_equal(file_mode(f->dir), 0700);
    char path[256];
    key_path(f, id, path, sizeof path);
    assert_int_equal(file_mode(path), 0600);
    assert_int_equal(count_pem_files(f->dir), 1);
    char cur_path[256], cur[64] = "";
    snprintf(cur_path, sizeof cur_path, "%s/current", f->dir);
    FILE *cf = fopen(cur_path, "r");
    assert_non_null(cf);
    assert_non_null(fgets(cur, sizeof cur, cf));
    fclose(cf);
    assert_int_equal(strncmp(cur, id, 16), 0);

    /* PEM PKCS#8 */
    FILE *kf = fopen(path, "r");
    char first[64] = "";
    assert_non_null(fgets(first, sizeof first, kf));
    fclose(kf);
    assert_string_equal(first, "-----BEGIN PRIVATE KEY-----\n");

    /* key id = first 16 hex of SHA-256 of the raw public key */
    json_t *list = gk_keystore_public_keys(ks);
    assert_int_equal(json_array_size(list), 1);
    json_t *item = json_array_get(list, 0);
    assert_string_equal(json_string_value(json_object_get(item, "key_id")), id);
    assert_string_equal(json_string_value(json_object_get(item, "algorithm")), "Ed25519");
    assert_true(json_is_true(json_object_get(item, "active")));
    const char *created = json_string_value(json_object_get(item, "created_at"));
    assert_non_null(created);
    assert_int_equal(strlen(created), 20); /* YYYY-MM-DDTHH:MM:SSZ */
    assert_int_equal(created[10], 'T');
    assert_int_equal(created[19], 'Z');
    const char *pub_b64 = json_string_value(json_object_get(item, "public_key"));
    assert_int_equal(strlen(pub_b64), 43);
    unsigned char pub[32], digest[32];
    size_t n;
    assert_true(gk_base64_decode(pub_b64, 43, GK_B64_URL, pub, sizeof pub, &n));
    assert_true(gk_sha256(pub, sizeof pub, digest));
    char hex[65];
    assert_true(gk_hex_encode(digest, sizeof digest, hex, sizeof hex));
    assert_int_equal(strncmp(hex, id, 16), 0);
    json_decref(list);
    gk_keystore_close(ks);
}

static void test_sign_verify_and_tamper(void **state)
{
    fixture *f = *state;
    gk_keystore *ks = open_ok(f->dir);
    size_t len = sizeof message - 1;
    char *sig = NULL;
    const char *kid = NULL;
    assert_true(gk_keystore_sign(ks, message, len, &sig, &kid));
    assert_string_equal(kid, gk_keystore_active_key_id(ks));
    assert_int_equal(strlen(sig), 86); /* 64 bytes base64url, no padding */
    assert_true(gk_keystore_verify(ks, kid, message, len, sig));

    /* Ed25519 is deterministic: the same message gives the same signature. */
    char *sig2 = NULL;
    assert_true(gk_keystore_sign(ks, message, len, &sig2, NULL));
    assert_string_equal(sig, sig2);
    free(sig2);

    json_t *list = gk_keystore_public_keys(ks);
    assert_true(verify_with_published_key(listed(list, kid), message, len, sig));
    json_decref(list);

    /* Every single-byte change of the message fails. */
    unsigned char copy[sizeof message];
    for (size_t i = 0; i < len; i++) {
        memcpy(copy, message, sizeof message);
        copy[i] ^= 0x01;
        assert_false(gk_keystore_verify(ks, kid, copy, len, sig));
    }
    assert_false(gk_keystore_verify(ks, kid, message, len - 1, sig));

    /* Altered signatures, wrong or malformed key ids */
    char *bad = strdup(sig);
    bad[10] = bad[10] == 'A' ? 'B' : 'A';
    assert_false(gk_keystore_verify(ks, kid, message, len, bad));
    strcpy(bad, sig);
    bad[85] = '\0';
    assert_false(gk_keystore_verify(ks, kid, message, len, bad)); /* 63.x bytes */
    static const char *bad_sigs[] = {"", "AAAA", "not base64 at all!", NULL};
    for (size_t i = 0; bad_sigs[i]; i++)
        assert_false(gk_keystore_verify(ks, kid, message, len, bad_sigs[i]));
    char padded[96];
    snprintf(padded, sizeof padded, "%s==", sig);
    assert_false(gk_keystore_verify(ks, kid, message, len, padded));
    assert_false(gk_keystore_verify(ks, NULL, message, len, sig));
    assert_false(gk_keystore_verify(ks, kid, message, len, NULL));
    assert_false(gk_keystore_verify(ks, "0000000000000000", message, len, sig));
    char longer[32];
    snprintf(longer, sizeof longer, "%sx", kid); /* a prefix match is not a match */
    assert_false(gk_keystore_verify(ks, longer, message, len, sig));
    char shorter[16];
    memcpy(shorter, kid, 15);
    shorter[15] = '\0';
    assert_false(gk_keystore_verify(ks, shorter, message, len, sig));

    /* The empty message signs and verifies too. */
    char *esig = NULL;
    assert_true(gk_keystore_sign(ks, NULL, 0, &esig, NULL));
    assert_true(gk_keystore_verify(ks, kid, (const unsigned char *)"", 0, esig));
    assert_false(gk_keystore_verify(ks, kid, message, len, esig));
    free(esig);
    free(bad);
    free(sig);
    gk_keystore_close(ks);
}

static void test_reopen_loads_same_key(void **state)
{
    fixture *f = *state;
    gk_keystore *a = open_ok(f->dir);
    char id[17];
    strcpy(id, gk_keystore_active_key_id(a));
    char *sig = NULL;
    assert_true(gk_keystore_sign(a, message, sizeof message - 1, &sig, NULL));
    gk_keystore_close(a);

    gk_keystore *b = open_ok(f->dir);
    assert_string_equal(gk_keystore_active_key_id(b), id);
    assert_int_equal(count_pem_files(f->dir), 1);
    assert_true(gk_keystore_verify(b, id, message, sizeof message - 1, sig));
    gk_keystore_close(b);
    free(sig);
}

static void test_rotation(void **state)
{
    fixture *f = *state;
    gk_keystore *ks = open_ok(f->dir);
    char old_id[17];
    strcpy(old_id, gk_keystore_active_key_id(ks));
    char *old_sig = NULL;
    assert_true(gk_keystore_sign(ks, message, sizeof message - 1, &old_sig, NULL));

    char *err = NULL;
    assert_true(gk_keystore_rotate(ks, &err));
    assert_null(err);
    char new_id[17];
    strcpy(new_id, gk_keystore_active_key_id(ks));
    assert_string_not_equal(new_id, old_id);
    assert_int_equal(count_pem_files(f->dir), 2);
    char path[256];
    key_path(f, new_id, path, sizeof path);
    assert_int_equal(file_mode(path), 0600);

    /* New signatures use the new key; the old one still verifies. */
    char *new_sig = NULL;
    const char *kid = NULL;
    assert_true(gk_keystore_sign(ks, message, sizeof message - 1, &new_sig, &kid));
    assert_string_equal(kid, new_id);
    assert_true(gk_keystore_verify(ks, old_id, message, sizeof message - 1, old_sig));
    assert_true(gk_keystore_verify(ks, new_id, message, sizeof message - 1, new_sig));
    assert_false(gk_keystore_verify(ks, new_id, message, sizeof message - 1, old_sig));
    assert_false(gk_keystore_verify(ks, old_id, message, sizeof message - 1, new_sig));

    /* Both listed, newest first, only the new one active. */
    json_t *list = gk_keystore_public_keys(ks);
    assert_int_equal(json_array_size(list), 2);
    assert_string_equal(json_string_value(json_object_get(json_array_get(list, 0), "key_id")),
                        new_id);
    assert_true(json_is_true(json_object_get(listed(list, new_id), "active")));
    assert_true(json_is_false(json_object_get(listed(list, old_id), "active")));
    assert_true(
        verify_with_published_key(listed(list, old_id), message, sizeof message - 1, old_sig));
    json_decref(list);
    gk_keystore_close(ks);

    /* A restart keeps the rotated key active and the old one available. */
    ks = open_ok(f->dir);
    assert_string_equal(gk_keystore_active_key_id(ks), new_id);
    assert_true(gk_keystore_verify(ks, old_id, message, sizeof message - 1, old_sig));
    list = gk_keystore_public_keys(ks);
    assert_int_equal(json_array_size(list), 2);
    json_decref(list);
    gk_keystore_close(ks);
    free(old_sig);
    free(new_sig);
}

static void set_mtime(const char *path, time_t t)
{
    struct timespec times[2] = {{.tv_sec = t}, {.tv_sec = t}};
    assert_int_equal(utimensat(AT_FDCWD, path, times, 0), 0);
}

static void test_newest_key_active_without_marker(void **state)
{
    fixture *f = *state;
    gk_keystore *ks = open_ok(f->dir);
    char first[17], second[17];
    strcpy(first, gk_keystore_active_key_id(ks));
    assert_true(gk_keystore_rotate(ks, NULL));
    strcpy(second, gk_keystore_active_key_id(ks));
    gk_keystore_close(ks);

    char cur[256], p1[256], p2[256];
    snprintf(cur, sizeof cur, "%s/current", f->dir);
    key_path(f, first, p1, sizeof p1);
    key_path(f, second, p2, sizeof p2);
    assert_int_equal(unlink(cur), 0);

    /* Make the first key the newer file: it becomes active. */
    set_mtime(p1, 1700000000);
    set_mtime(p2, 1600000000);
    ks = open_ok(f->dir);
    assert_string_equal(gk_keystore_active_key_id(ks), first);
    json_t *list = gk_keystore_public_keys(ks);
    assert_string_equal(json_string_value(json_object_get(listed(list, first), "created_at")),
                        "2023-11-14T22:13:20Z");
    assert_string_equal(json_string_value(json_object_get(json_array_get(list, 0), "key_id")),
                        first);
    json_decref(list);
    gk_keystore_close(ks);

    set_mtime(p1, 1500000000);
    ks = open_ok(f->dir);
    assert_string_equal(gk_keystore_active_key_id(ks), second);
    gk_keystore_close(ks);
    assert_int_equal(count_pem_files(f->dir), 2); /* no key generated: keys were there */
}

static void test_reload_sees_other_instance_rotation(void **state)
{
    fixture *f = *state;
    gk_keystore *a = open_ok(f->dir);
    gk_keystore *b = open_ok(f->dir);
    assert_string_equal(gk_keystore_active_key_id(a), gk_keystore_active_key_id(b));

    assert_true(gk_keystore_rotate(a, NULL));
    char *sig = NULL;
    const char *kid = NULL;
    assert_true(gk_keystore_sign(a, message, sizeof message - 1, &sig, &kid));
    assert_false(gk_keystore_verify(b, kid, message, sizeof message - 1, sig)); /* not yet */
    char *err = NULL;
    assert_true(gk_keystore_reload(b, &err));
    assert_null(err);
    assert_true(gk_keystore_verify(b, kid, message, sizeof message - 1, sig));
    assert_string_equal(gk_keystore_active_key_id(b), kid);
    json_t *list = gk_keystore_public_keys(b);
    assert_int_equal(json_array_size(list), 2);
    json_decref(list);
    assert_true(gk_keystore_reload(b, NULL)); /* nothing new: unchanged */
    list = gk_keystore_public_keys(b);
    assert_int_equal(json_array_size(list), 2);
    json_decref(list);
    free(sig);
    gk_keystore_close(a);
    gk_keystore_close(b);
}

static void test_refuses_unsafe_or_broken_folders(void **state)
{
    fixture *f = *state;
    gk_keystore *ks = open_ok(f->dir);
    char id[17], path[256], moved[256], cur[256];
    strcpy(id, gk_keystore_active_key_id(ks));
    gk_keystore_close(ks);
    key_path(f, id, path, sizeof path);
    snprintf(cur, sizeof cur, "%s/current", f->dir);

    /* key readable by others */
    assert_int_equal(chmod(path, 0644), 0);
    char *err = open_fails(f->dir);
    assert_non_null(strstr(err, "0600"));
    free(err);
    assert_int_equal(chmod(path, 0600), 0);

    /* folder writable by others */
    assert_int_equal(chmod(f->dir, 0777), 0);
    free(open_fails(f->dir));
    assert_int_equal(chmod(f->dir, 0700), 0);

    /* a key under another key's name */
    snprintf(moved, sizeof moved, "%s/0123456789abcdef.pem", f->dir);
    assert_int_equal(rename(path, moved), 0);
    err = open_fails(f->dir);
    assert_non_null(strstr(err, id)); /* names the right file name */
    free(err);
    assert_int_equal(rename(moved, path), 0);

    /* a .pem that is not a key */
    FILE *g = fopen(moved, "w");
    fputs("-----BEGIN PRIVATE KEY-----\nbm9wZQ==\n-----END PRIVATE KEY-----\n", g);
    fclose(g);
    chmod(moved, 0600);
    free(open_fails(f->dir));
    unlink(moved);

    /* a key of another algorithm */
    EVP_PKEY *ec = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
    assert_non_null(ec);
    g = fopen(moved, "w");
    BIO *bio = BIO_new_fp(g, BIO_NOCLOSE);
    assert_int_equal(PEM_write_bio_PrivateKey(bio, ec, NULL, NULL, 0, NULL, NULL), 1);
    BIO_free(bio);
    fclose(g);
    EVP_PKEY_free(ec);
    chmod(moved, 0600);
    err = open_fails(f->dir);
    assert_non_null(strstr(err, "Ed25519"));
    free(err);
    unlink(moved);

    /* "current" naming a key that is not there, or garbage */
    static const char *bad_current[] = {"fedcba9876543210\n", "not a key id\n", ""};
    for (size_t i = 0; i < 3; i++) {
        g = fopen(cur, "w");
        fputs(bad_current[i], g);
        fclose(g);
        free(open_fails(f->dir));
    }
    /* Files with other names are ignored; restoring "current" heals the folder. */
    g = fopen(cur, "w");
    fprintf(g, "%s\n", id);
    fclose(g);
    snprintf(moved, sizeof moved, "%s/README.txt", f->dir);
    g = fopen(moved, "w");
    fputs("keys live here\n", g);
    fclose(g);
    ks = open_ok(f->dir);
    assert_string_equal(gk_keystore_active_key_id(ks), id);
    gk_keystore_close(ks);

    /* Not a folder at all; a missing parent. */
    free(open_fails(moved));
    char missing[256];
    snprintf(missing, sizeof missing, "%s/no/such/place", f->root);
    free(open_fails(missing));
    assert_null(gk_keystore_open(missing, NULL)); /* err is optional */
}

/* ---- concurrency ---- */

typedef struct {
    const char *dir;
    pthread_barrier_t *start;
    char key_id[17];
    bool ok;
} opener_arg;

static void *opener(void *p)
{
    opener_arg *a = p;
    pthread_barrier_wait(a->start);
    gk_keystore *ks = gk_keystore_open(a->dir, NULL);
    a->ok = ks != NULL;
    if (ks) {
        strcpy(a->key_id, gk_keystore_active_key_id(ks));
        gk_keystore_close(ks);
    }
    return NULL;
}

static void test_concurrent_first_start_makes_one_key(void **state)
{
    /* Several instances starting at once on an empty folder: the lock lets one generate,
     * the others load that key. Repeated to give a race a chance to show. */
    fixture *f = *state;
    enum { THREADS = 6, ROUNDS = 5 };
    for (int round = 0; round < ROUNDS; round++) {
        char dir[160];
        snprintf(dir, sizeof dir, "%s/round%d", f->root, round);
        assert_int_equal(mkdir(dir, 0700), 0);
        pthread_barrier_t start;
        pthread_barrier_init(&start, NULL, THREADS);
        pthread_t tid[THREADS];
        opener_arg args[THREADS];
        for (int i = 0; i < THREADS; i++) {
            args[i] = (opener_arg){.dir = dir, .start = &start};
            assert_int_equal(pthread_create(&tid[i], NULL, opener, &args[i]), 0);
        }
        for (int i = 0; i < THREADS; i++)
            pthread_join(tid[i], NULL);
        pthread_barrier_destroy(&start);
        for (int i = 0; i < THREADS; i++) {
            assert_true(args[i].ok);
            assert_string_equal(args[i].key_id, args[0].key_id);
        }
        assert_int_equal(count_pem_files(dir), 1);
    }
}

typedef struct {
    gk_keystore *ks;
    int id;
    bool ok;
} signer_arg;

static void *signer(void *p)
{
    signer_arg *a = p;
    a->ok = true;
    for (int i = 0; i < 200 && a->ok; i++) {
        char msg[64];
        int n = snprintf(msg, sizeof msg, "thread %d message %d", a->id, i);
        char *sig = NULL;
        const char *kid = NULL;
        a->ok = gk_keystore_sign(a->ks, (unsigned char *)msg, (size_t)n, &sig, &kid) &&
                gk_keystore_verify(a->ks, kid, (unsigned char *)msg, (size_t)n, sig) &&
                !gk_keystore_verify(a->ks, kid, (unsigned char *)msg, (size_t)n - 1, sig);
        free(sig);
        if (a->id == 0 && i % 50 == 0) /* rotate while the others sign */
            a->ok = a->ok && gk_keystore_rotate(a->ks, NULL);
    }
    return NULL;
}

static void test_concurrent_signing(void **state)
{
    fixture *f = *state;
    gk_keystore *ks = open_ok(f->dir);
    enum { THREADS = 4 };
    pthread_t tid[THREADS];
    signer_arg args[THREADS];
    for (int i = 0; i < THREADS; i++) {
        args[i] = (signer_arg){.ks = ks, .id = i};
        assert_int_equal(pthread_create(&tid[i], NULL, signer, &args[i]), 0);
    }
    for (int i = 0; i < THREADS; i++) {
        pthread_join(tid[i], NULL);
        assert_true(args[i].ok);
    }
    json_t *list = gk_keystore_public_keys(ks);
    assert_int_equal(json_array_size(list), 5); /* the first key and four rotations */
    size_t active = 0, i;
    json_t *item;
    json_array_foreach(list, i, item) active += json_is_true(json_object_get(item, "active"));
    assert_int_equal(active, 1);
    json_decref(list);
    gk_keystore_close(ks);
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(test_first_start_generates_key),
        T(test_sign_verify_and_tamper),
        T(test_reopen_loads_same_key),
        T(test_rotation),
        T(test_newest_key_active_without_marker),
        T(test_reload_sees_other_instance_rotation),
        T(test_refuses_unsafe_or_broken_folders),
        T(test_concurrent_first_start_makes_one_key),
        T(test_concurrent_signing),
    };
#undef T
    return cmocka_run_group_tests(tests, NULL, NULL);
}
