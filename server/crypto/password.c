#include "crypto/password.h"

#include "crypto/base64.h"
#include "domain/password_strength.h"
#include "util/utf8.h"

#include <crack.h>

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/kdf.h>
#include <openssl/params.h>
#include <openssl/rand.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PREFIX "$scrypt$"
#define MIN_SALT 8
#define MIN_HASH 16

/* The semaphore and the configuration share one mutex: a hash snapshots the configuration
 * when it gets its slot. */
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t slot_free = PTHREAD_COND_INITIALIZER;
static gk_password_config config = GK_PASSWORD_CONFIG_DEFAULT;
static gk_password_usage usage;

/* Memory scrypt allocates (OpenSSL: 128*r*(N+2) + 128*r*p). False on overflow. */
static bool memory_needed(uint64_t n, uint32_t r, uint32_t p, uint64_t *out)
{
    uint64_t v, b, sum;
    if (__builtin_mul_overflow((uint64_t)128 * r, n + 2, &v) ||
        __builtin_mul_overflow((uint64_t)128 * r, (uint64_t)p, &b) ||
        __builtin_add_overflow(v, b, &sum))
        return false;
    *out = sum;
    return true;
}

/* The same limits for a configuration and for a stored string. NULL when acceptable. */
static const char *params_check(uint64_t n, uint32_t r, uint32_t p)
{
    if (n < 2 || (n & (n - 1)) != 0) return "scrypt N must be a power of two, at least 2";
    if (r == 0) return "scrypt r must be at least 1";
    if (p == 0) return "scrypt p must be at least 1";
    if ((uint64_t)r * p >= (UINT64_C(1) << 30)) return "scrypt r*p must be below 2^30";
    if (16 * (uint64_t)r < 64 && n >= (UINT64_C(1) << (16 * r)))
        return "scrypt N must be below 2^(16*r)";
    uint64_t mem, table;
    if (!memory_needed(n, r, p, &mem) || __builtin_mul_overflow((uint64_t)128 * r, n, &table) ||
        table > GK_PASSWORD_MAX_MEMORY)
        return "scrypt 128*r*N needs more memory than the 1 GiB allowed per hash";
    return NULL;
}

const char *gk_password_config_check(const gk_password_config *cfg)
{
    if (!cfg) return "no password configuration";
    return params_check(cfg->n, cfg->r, cfg->p);
}

bool gk_password_init(const gk_password_config *cfg)
{
    if (gk_password_config_check(cfg)) return false;
    pthread_mutex_lock(&lock);
    config = *cfg;
    if (config.max_concurrent == 0) config.max_concurrent = GK_PASSWORD_DEFAULT_CONCURRENCY;
    pthread_cond_broadcast(&slot_free); /* a larger bound may admit waiters now */
    pthread_mutex_unlock(&lock);
    return true;
}

/* A slot, or false (GK_PASSWORD_BUSY) when bounded and max_waiting callers already wait. */
static bool acquire_slot(bool bounded, gk_password_config *snapshot)
{
    pthread_mutex_lock(&lock);
    if (bounded && config.max_waiting > 0 && usage.in_flight >= config.max_concurrent &&
        usage.waiting >= config.max_waiting) {
        usage.refused++;
        pthread_mutex_unlock(&lock);
        return false;
    }
    usage.waiting++;
    while (usage.in_flight >= config.max_concurrent)
        pthread_cond_wait(&slot_free, &lock);
    usage.waiting--;
    usage.in_flight++;
    if (usage.in_flight > usage.peak) usage.peak = usage.in_flight;
    *snapshot = config;
    pthread_mutex_unlock(&lock);
    return true;
}

static void release_slot(void)
{
    pthread_mutex_lock(&lock);
    usage.in_flight--;
    usage.computed++;
    pthread_cond_signal(&slot_free);
    pthread_mutex_unlock(&lock);
}

gk_password_usage gk_password_get_usage(bool reset_peak)
{
    pthread_mutex_lock(&lock);
    gk_password_usage u = usage;
    if (reset_peak) usage.peak = usage.in_flight;
    pthread_mutex_unlock(&lock);
    return u;
}

/* scrypt(pw, salt, N, r, p) into out[0..out_len). The caller holds a slot. */
static bool derive(const char *pw, size_t pw_len, const unsigned char *salt, size_t salt_len,
                   uint64_t n, uint32_t r, uint32_t p, unsigned char *out, size_t out_len)
{
    uint64_t maxmem;
    if (!memory_needed(n, r, p, &maxmem)) return false;
    EVP_KDF *kdf = EVP_KDF_fetch(NULL, OSSL_KDF_NAME_SCRYPT, NULL);
    EVP_KDF_CTX *kctx = kdf ? EVP_KDF_CTX_new(kdf) : NULL;
    EVP_KDF_free(kdf); /* the context keeps its own reference */
    if (!kctx) return false;
    OSSL_PARAM params[] = {
        OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_PASSWORD, (void *)pw, pw_len),
        OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_SALT, (void *)salt, salt_len),
        OSSL_PARAM_construct_uint64(OSSL_KDF_PARAM_SCRYPT_N, &n),
        OSSL_PARAM_construct_uint32(OSSL_KDF_PARAM_SCRYPT_R, &r),
        OSSL_PARAM_construct_uint32(OSSL_KDF_PARAM_SCRYPT_P, &p),
        /* OpenSSL's default cap is 32 MiB; allow exactly what these parameters need. */
        OSSL_PARAM_construct_uint64(OSSL_KDF_PARAM_SCRYPT_MAXMEM, &maxmem),
        OSSL_PARAM_construct_end(),
    };
    bool ok = EVP_KDF_derive(kctx, out, out_len, params) == 1;
    EVP_KDF_CTX_free(kctx);
    return ok;
}

static unsigned log2_u64(uint64_t n)
{
    unsigned ln = 0;
    while (n > 1)
        n >>= 1, ln++;
    return ln;
}

static gk_password_result hash(const char *pw, char **out, bool bounded)
{
    *out = NULL;
    if (!pw) return GK_PASSWORD_FAILURE;
    size_t pw_len = strlen(pw);
    if (pw_len > GK_PASSWORD_MAX_BYTES) return GK_PASSWORD_FAILURE;
    unsigned char salt[GK_PASSWORD_SALT_LEN], key[GK_PASSWORD_HASH_LEN];
    if (RAND_bytes(salt, sizeof salt) != 1) return GK_PASSWORD_FAILURE;

    gk_password_config cfg;
    if (!acquire_slot(bounded, &cfg)) return GK_PASSWORD_BUSY;
    bool ok = derive(pw, pw_len, salt, sizeof salt, cfg.n, cfg.r, cfg.p, key, sizeof key);
    release_slot();

    char salt_b64[32], key_b64[48];
    ok = ok &&
         gk_base64_encode_to(salt, sizeof salt, GK_B64_STD_NOPAD, salt_b64, sizeof salt_b64) &&
         gk_base64_encode_to(key, sizeof key, GK_B64_STD_NOPAD, key_b64, sizeof key_b64);
    OPENSSL_cleanse(key, sizeof key);
    if (!ok) return GK_PASSWORD_FAILURE;
    char *s = NULL;
    if (asprintf(&s, PREFIX "ln=%u,r=%u,p=%u$%s$%s", log2_u64(cfg.n), (unsigned)cfg.r,
                 (unsigned)cfg.p, salt_b64, key_b64) < 0)
        return GK_PASSWORD_FAILURE;
    *out = s;
    return GK_PASSWORD_MATCH;
}

bool gk_password_hash(const char *pw, char **out)
{
    return hash(pw, out, false) == GK_PASSWORD_MATCH;
}

gk_password_result gk_password_hash_try(const char *pw, char **out)
{
    return hash(pw, out, true);
}

/* Reads a decimal number without sign or leading zero, at most max; advances *s. */
static bool parse_number(const char **s, uint64_t max, uint64_t *out)
{
    const char *c = *s;
    if (*c < '0' || *c > '9' || (*c == '0' && c[1] >= '0' && c[1] <= '9')) return false;
    uint64_t v = 0;
    for (; *c >= '0' && *c <= '9'; c++) {
        v = v * 10 + (uint64_t)(*c - '0');
        if (v > max) return false;
    }
    *s = c;
    *out = v;
    return true;
}

static bool parse_literal(const char **s, const char *lit)
{
    size_t n = strlen(lit);
    if (strncmp(*s, lit, n) != 0) return false;
    *s += n;
    return true;
}

/* Decodes the base64 field from *s up to the next '$' or the end. */
static bool parse_field(const char **s, unsigned char *out, size_t min, size_t *out_len)
{
    size_t n = strcspn(*s, "$");
    if (!gk_base64_decode(*s, n, GK_B64_STD_NOPAD, out, GK_PASSWORD_FIELD_MAX, out_len) ||
        *out_len < min)
        return false;
    *s += n;
    return true;
}

bool gk_password_parse_encoded(const char *encoded, gk_password_encoded *out)
{
    if (!encoded || !out) return false;
    memset(out, 0, sizeof *out);
    const char *s = encoded;
    uint64_t ln, r, p;
    if (!parse_literal(&s, PREFIX "ln=") || !parse_number(&s, 63, &ln) || ln == 0 ||
        !parse_literal(&s, ",r=") || !parse_number(&s, UINT32_MAX, &r) ||
        !parse_literal(&s, ",p=") || !parse_number(&s, UINT32_MAX, &p) || !parse_literal(&s, "$") ||
        !parse_field(&s, out->salt, MIN_SALT, &out->salt_len) || !parse_literal(&s, "$") ||
        !parse_field(&s, out->hash, MIN_HASH, &out->hash_len) || *s != '\0')
        return false;
    if (params_check(UINT64_C(1) << ln, (uint32_t)r, (uint32_t)p)) return false;
    out->ln = (unsigned)ln;
    out->r = (uint32_t)r;
    out->p = (uint32_t)p;
    return true;
}

static bool weaker_than(const gk_password_encoded *e, const gk_password_config *cfg)
{
    return (UINT64_C(1) << e->ln) < cfg->n || e->r < cfg->r || e->p < cfg->p ||
           e->salt_len < GK_PASSWORD_SALT_LEN || e->hash_len < GK_PASSWORD_HASH_LEN;
}

gk_password_result gk_password_verify(const char *pw, const char *encoded, bool *needs_rehash)
{
    if (needs_rehash) *needs_rehash = false;
    gk_password_encoded e;
    if (!gk_password_parse_encoded(encoded, &e)) return GK_PASSWORD_MALFORMED;
    if (!pw) return GK_PASSWORD_MISMATCH;
    size_t pw_len = strlen(pw);
    if (pw_len > GK_PASSWORD_MAX_BYTES) return GK_PASSWORD_MISMATCH;

    unsigned char key[GK_PASSWORD_FIELD_MAX];
    gk_password_config cfg;
    if (!acquire_slot(true, &cfg)) return GK_PASSWORD_BUSY;
    bool ok =
        derive(pw, pw_len, e.salt, e.salt_len, UINT64_C(1) << e.ln, e.r, e.p, key, e.hash_len);
    release_slot();
    if (!ok) return GK_PASSWORD_FAILURE;
    bool match = CRYPTO_memcmp(key, e.hash, e.hash_len) == 0;
    OPENSSL_cleanse(key, sizeof key);
    if (!match) return GK_PASSWORD_MISMATCH;
    if (needs_rehash) *needs_rehash = weaker_than(&e, &cfg);
    return GK_PASSWORD_MATCH;
}

bool gk_password_verify_dummy(const char *pw)
{
    /* A fixed salt is fine: the result is thrown away, only the time spent matters. */
    static const unsigned char salt[GK_PASSWORD_SALT_LEN] = "giteki-no-user!";
    unsigned char key[GK_PASSWORD_HASH_LEN];
    size_t pw_len = pw ? strnlen(pw, GK_PASSWORD_MAX_BYTES) : 0;
    gk_password_config cfg;
    if (!acquire_slot(true, &cfg)) return false;
    (void)derive(pw ? pw : "", pw_len, salt, sizeof salt, cfg.n, cfg.r, cfg.p, key, sizeof key);
    release_slot();
    OPENSSL_cleanse(key, sizeof key);
    return true;
}

/* libcrack2's verdict as a message key. Its reasons are English sentences; the ones we can
 * name get a key of their own. FascistCheck keeps static state and exit()s on a missing
 * dictionary (Debian #682735): one call at a time, through Debian's safe variant. */
static pthread_mutex_t crack_lock = PTHREAD_MUTEX_INITIALIZER;

static const char *crack_check(const char *pw)
{
    char why[256] = "";
    pthread_mutex_lock(&crack_lock);
    int ok = __DEBIAN_SPECIFIC__SafeFascistCheck(pw, GetDefaultCracklibDict(), why, sizeof why);
    pthread_mutex_unlock(&crack_lock);
    if (!ok || !why[0]) return NULL; /* no dictionary: the other checks still ran */
    if (strstr(why, "dictionary")) return "password.dictionary";
    if (strstr(why, "DIFFERENT") || strstr(why, "whitespace")) return "password.repetitive";
    if (strstr(why, "simplistic") || strstr(why, "systematic")) return "password.simple";
    return "password.weak";
}

const char *gk_password_policy_check(const char *pw)
{
    if (!pw) return "password.too_short";
    size_t len = strnlen(pw, GK_PASSWORD_MAX_BYTES + 1); /* never walk a huge input */
    if (len > GK_PASSWORD_MAX_BYTES) return "password.too_long";
    const unsigned char *s = (const unsigned char *)pw;
    size_t code_points = 0;
    for (size_t i = 0; i < len;) {
        uint32_t cp;
        size_t n = gk_utf8_next(s + i, len - i, &cp);
        if (n == 0) return "password.not_utf8";
        i += n;
        code_points++;
    }
    if (code_points < GK_PASSWORD_MIN_CODE_POINTS) return "password.too_short";
    const char *weak = gk_password_weakness(pw, len);
    return weak ? weak : crack_check(pw);
}
