/* Password hashing with scrypt (OpenSSL EVP_KDF "SCRYPT") and the password policy.
 *
 * Stored form, self-describing so the cost can be raised later without breaking old hashes:
 *     $scrypt$ln=17,r=8,p=1$<salt>$<hash>
 * ln = log2(N); salt (16 random bytes) and hash (32 bytes) in standard base64 without padding.
 *
 * Cost: N=2^17, r=8 needs 128 MiB and about 0.7 s per hash. A counting semaphore bounds how
 * many hashes run at once (max_concurrent), so a flood of sign-ins cannot exhaust memory;
 * every hash and verify goes through it. When max_waiting > 0 at most that many callers wait
 * for a slot: the next one is told GK_PASSWORD_BUSY at once instead of holding its (HTTP
 * worker) thread, so a flood of sign-ups cannot take every worker.
 *
 * Thread-safety: every function may be called from any thread. gk_password_init is meant to
 * run once at start (tests call it again to change the cost); a hash already running keeps
 * the parameters it started with. */
#ifndef GK_CRYPTO_PASSWORD_H
#define GK_CRYPTO_PASSWORD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define GK_PASSWORD_MIN_CODE_POINTS 12 /* Unicode code points, not bytes */
#define GK_PASSWORD_MAX_BYTES 1024
#define GK_PASSWORD_SALT_LEN 16 /* what we write */
#define GK_PASSWORD_HASH_LEN 32
#define GK_PASSWORD_FIELD_MAX 64 /* longest salt or hash accepted when parsing */
/* The most memory one hash may use (128 * r * N): refuses a configuration or a stored string
 * that would need more, so a corrupted row cannot make one sign-in allocate gigabytes. */
#define GK_PASSWORD_MAX_MEMORY (UINT64_C(1) << 30)

typedef struct {
    uint64_t n;              /* CPU/memory cost: a power of two, at least 2 */
    uint32_t r;              /* block size */
    uint32_t p;              /* parallelism */
    unsigned max_concurrent; /* hashes computed at once; 0 means GK_PASSWORD_DEFAULT_CONCURRENCY */
    unsigned max_waiting;    /* callers allowed to wait for a slot; 0: unbounded (command line) */
} gk_password_config;

#define GK_PASSWORD_DEFAULT_CONCURRENCY 2u
/* The production default, also in force when gk_password_init was never called. */
#define GK_PASSWORD_CONFIG_DEFAULT                                                                 \
    ((gk_password_config){                                                                         \
        .n = UINT64_C(1) << 17, .r = 8, .p = 1, .max_concurrent = 2, .max_waiting = 0})

/* NULL when cfg is usable, else a static English sentence naming the bad value (for the
 * configuration loader's error message). */
const char *gk_password_config_check(const gk_password_config *cfg);

/* Installs cfg (copied). False, changing nothing, when gk_password_config_check refuses it. */
bool gk_password_init(const gk_password_config *cfg);

/* Hashes pw with the configured cost and a fresh salt. On success *out is a malloc'd
 * encoded string the caller frees. False on CSPRNG/OpenSSL/allocation failure, or when pw is
 * longer than GK_PASSWORD_MAX_BYTES (check the policy first). Blocks while the semaphore is
 * full. */
bool gk_password_hash(const char *pw, char **out);

typedef enum {
    GK_PASSWORD_MATCH,
    GK_PASSWORD_MISMATCH,  /* wrong password (or longer than GK_PASSWORD_MAX_BYTES) */
    GK_PASSWORD_MALFORMED, /* the stored string is not one of ours: a data bug, log it */
    GK_PASSWORD_FAILURE,   /* OpenSSL or allocation failure: answer 500, not 401 */
    GK_PASSWORD_BUSY,      /* max_waiting callers already wait: answer 503 with Retry-After */
} gk_password_result;

/* gk_password_hash that never waits behind max_waiting others: GK_PASSWORD_MATCH with *out
 * set on success, GK_PASSWORD_BUSY, or GK_PASSWORD_FAILURE. */
gk_password_result gk_password_hash_try(const char *pw, char **out);

/* Checks pw against an encoded string in constant time (CRYPTO_memcmp). On MATCH, and only
 * then, *needs_rehash (optional) tells whether the stored cost, salt or hash length is weaker
 * than the configuration: the caller should then store gk_password_hash(pw) instead. */
gk_password_result gk_password_verify(const char *pw, const char *encoded, bool *needs_rehash);

/* Spends the same time as verifying against a configured-cost hash, for sign-ins naming an
 * unknown account, so response time does not tell which e-mail addresses exist. */
bool gk_password_verify_dummy(const char *pw); /* false: GK_PASSWORD_BUSY */

/* The decoded fields of an encoded string. */
typedef struct {
    unsigned ln; /* N = 2^ln */
    uint32_t r, p;
    unsigned char salt[GK_PASSWORD_FIELD_MAX];
    size_t salt_len;
    unsigned char hash[GK_PASSWORD_FIELD_MAX];
    size_t hash_len;
} gk_password_encoded;

/* Strict parser for the encoded form, exposed for the fuzzer. Accepts exactly
 * "$scrypt$ln=<1..63>,r=<n>,p=<n>$<salt>$<hash>", decimal numbers without sign or leading
 * zeros, salt 8..64 and hash 16..64 bytes, parameters OpenSSL accepts and that need at most
 * GK_PASSWORD_MAX_MEMORY. False for anything else; never reads past the NUL. */
bool gk_password_parse_encoded(const char *encoded, gk_password_encoded *out);

/* The password policy. NULL when pw is acceptable, else a message key for the UI (the first
 * that applies, in this order):
 *   "password.too_long"   more than GK_PASSWORD_MAX_BYTES bytes
 *   "password.not_utf8"   not valid UTF-8
 *   "password.too_short"  fewer than GK_PASSWORD_MIN_CODE_POINTS code points
 *   "password.blank", "password.repetitive", "password.common"  (domain/password_strength.h)
 *   "password.dictionary", "password.simple", "password.weak"  libcrack2 refuses it (a
 *                         dictionary word, a keyboard or letter sequence, another reason)
 * Length counts code points so that 12 kana (36 bytes) are 12, not 36. No composition
 * rules (NIST SP 800-63B): blocklists instead. When libcrack2's dictionary
 * (GetDefaultCracklibDict(), Debian's cracklib-runtime) cannot be read, only its own checks
 * are skipped. */
const char *gk_password_policy_check(const char *pw);

/* The semaphore's state, for /metrics and tests. reset_peak starts a new peak measurement. */
typedef struct {
    unsigned in_flight;          /* hashes running now */
    unsigned waiting;            /* callers blocked on the semaphore */
    unsigned long long refused;  /* callers told GK_PASSWORD_BUSY since start */
    unsigned peak;               /* most in_flight seen since the last reset */
    unsigned long long computed; /* hashes finished since start */
} gk_password_usage;

gk_password_usage gk_password_get_usage(bool reset_peak);

#endif
