/* gk_password_parse_encoded: the stored "$scrypt$ln=..,r=..,p=..$salt$hash" string (a
 * corrupted or hostile row must not crash or allocate gigabytes). Also the password policy,
 * which reads the raw UTF-8 a user typed.
 *
 * Oracles: an accepted string has fields within the documented limits (ln 1..63, salt 8..64,
 * hash 16..64 bytes, 128*r*N within GK_PASSWORD_MAX_MEMORY), and parsing is deterministic;
 * the policy answers NULL or one of its three keys. */
#include "fuzz_common.h"

#include "crypto/password.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *s = fz_cstr(data, size);
    gk_password_encoded e, again;
    memset(&e, 0xA5, sizeof e);
    if (gk_password_parse_encoded(s, &e)) {
        FZ_CHECK(strncmp(s, "$scrypt$ln=", 11) == 0);
        FZ_CHECK(e.ln >= 1 && e.ln <= 63);
        FZ_CHECK(e.r >= 1 && e.p >= 1);
        FZ_CHECK(e.salt_len >= 8 && e.salt_len <= GK_PASSWORD_FIELD_MAX);
        FZ_CHECK(e.hash_len >= 16 && e.hash_len <= GK_PASSWORD_FIELD_MAX);
        /* 128 * r * N in 128-bit arithmetic so the oracle itself cannot overflow */
        unsigned __int128 mem = (unsigned __int128)128 * e.r << e.ln;
        FZ_CHECK(mem <= GK_PASSWORD_MAX_MEMORY);
        memset(&again, 0, sizeof again);
        FZ_CHECK(gk_password_parse_encoded(s, &again));
        FZ_CHECK(again.ln == e.ln && again.r == e.r && again.p == e.p &&
                 again.salt_len == e.salt_len && again.hash_len == e.hash_len &&
                 !memcmp(again.salt, e.salt, e.salt_len) &&
                 !memcmp(again.hash, e.hash, e.hash_len));
    }
    const char *key = gk_password_policy_check(s);
    /* the refusal is one of the policy's catalogue keys, never anything else */
    static const char *const keys[] = {"password.too_long",   "password.not_utf8",
                                       "password.too_short",  "password.blank",
                                       "password.repetitive", "password.common",
                                       "password.dictionary", "password.simple",
                                       "password.weak"};
    bool known = !key;
    for (size_t i = 0; key && i < sizeof keys / sizeof *keys; i++)
        known |= !strcmp(key, keys[i]);
    FZ_CHECK(known);
    if (size > GK_PASSWORD_MAX_BYTES && strlen(s) > GK_PASSWORD_MAX_BYTES)
        FZ_CHECK(key && !strcmp(key, "password.too_long"));
    free(s);
    return 0;
}
