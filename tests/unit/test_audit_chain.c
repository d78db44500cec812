/* The audit log hash chain (crypto/audit_chain.h): the hash covers every field and the
 * predecessor's hash, and verification names the first entry that was changed, removed,
 * re-ordered or re-linked. Chains are built here with gk_audit_hash itself, then damaged
 * one way per case. */
#include "crypto/audit_chain.h"
#include "crypto/canonical_json.h"

#include <openssl/evp.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#define N 6

static const char *const ACTIONS[N] = {"application.assign",  "examination.evidence",
                                       "examination.verdict", "application.propose",
                                       "application.review",  "certificate.suspend"};

typedef struct {
    gk_audit_entry e[N];
    json_t *detail[N];
    char at[N][32];
} chain;

/* A valid chain of N entries starting from the zero hash. */
static void build(chain *c)
{
    memset(c, 0, sizeof *c);
    for (int i = 0; i < N; i++) {
        gk_audit_entry *e = &c->e[i];
        snprintf(c->at[i], sizeof c->at[i], "2026-11-28T10:00:0%d.12345%dZ", i, i);
        c->detail[i] = json_pack("{s:s, s:i}", "to", "in_review", "n", i);
        e->seq = i + 1;
        e->at = c->at[i];
        e->actor = "user:3f0c1c44-6a53-4b39-9d6b-0d3c2f0e9a11";
        e->action = ACTIONS[i];
        e->object = i == 2 ? NULL : "application:6642abc8-77ad-4b02-8f75-599f4b1deb75";
        e->detail = c->detail[i];
        if (i) memcpy(e->prev_hash, c->e[i - 1].hash, GK_AUDIT_HASH_LEN);
        assert_true(gk_audit_hash(e, e->hash));
    }
}

static void release(chain *c)
{
    for (int i = 0; i < N; i++)
        json_decref(c->detail[i]);
}

static const unsigned char ZERO[GK_AUDIT_HASH_LEN] = {0};

static void intact_chain_verifies(void **state)
{
    (void)state;
    chain c;
    build(&c);
    assert_int_equal(gk_audit_verify_entries(c.e, N, ZERO), -1);
    /* Any run from the middle verifies against its predecessor's hash. */
    assert_int_equal(gk_audit_verify_entries(c.e + 3, N - 3, c.e[2].hash), -1);
    release(&c);
}

/* The hash is SHA-256 of the canonical JSON of the documented object, so anyone can
 * recompute it without our code. */
static void hash_is_sha256_of_the_documented_object(void **state)
{
    (void)state;
    chain c;
    build(&c);
    const gk_audit_entry *e = &c.e[1];
    char prev[65];
    for (int i = 0; i < GK_AUDIT_HASH_LEN; i++)
        sprintf(prev + 2 * i, "%02x", e->prev_hash[i]);
    json_t *o = json_pack("{s:i, s:I, s:s, s:s, s:s, s:s, s:O, s:s}", "v", 1, "seq",
                          (json_int_t)e->seq, "at", e->at, "actor", e->actor, "action", e->action,
                          "object", e->object, "detail", e->detail, "prev_hash", prev);
    char *text = gk_canonical_json(o);
    assert_non_null(text);
    unsigned char h[32];
    unsigned int len = 0;
    assert_int_equal(EVP_Digest(text, strlen(text), h, &len, EVP_sha256(), NULL), 1);
    assert_memory_equal(h, e->hash, 32);
    free(text);
    json_decref(o);
    release(&c);
}

/* One change per case; the index is the entry verification must name. */
typedef enum {
    CHANGE_ACTION,
    CHANGE_ACTOR,
    CHANGE_AT,
    CHANGE_OBJECT_TO_NULL,
    CHANGE_OBJECT_FROM_NULL,
    CHANGE_DETAIL,
    CHANGE_SEQ,
    CHANGE_STORED_HASH,
    CHANGE_PREV_HASH,
    SWAP_WITH_NEXT,
    DROP_ENTRY,
} change_kind;

static const struct {
    const char *name;
    change_kind kind;
    int at;      /* entry changed */
    long expect; /* first entry verification names */
} CASES[] = {
    {"action of the first entry", CHANGE_ACTION, 0, 0},
    {"actor in the middle", CHANGE_ACTOR, 3, 3},
    {"time of the last entry", CHANGE_AT, N - 1, N - 1},
    {"object removed", CHANGE_OBJECT_TO_NULL, 1, 1},
    {"object added where there was none", CHANGE_OBJECT_FROM_NULL, 2, 2},
    {"detail value", CHANGE_DETAIL, 4, 4},
    {"sequence number", CHANGE_SEQ, 2, 2},
    /* A rewritten hash still matches its own fields only if recomputed; the next entry's
     * prev_hash then no longer matches, or this one's hash does not. */
    {"stored hash", CHANGE_STORED_HASH, 1, 1},
    {"prev_hash re-linked", CHANGE_PREV_HASH, 3, 3},
    {"two entries swapped", SWAP_WITH_NEXT, 2, 2},
    {"an entry removed", DROP_ENTRY, 2, 2},
};

static void every_change_is_found_at_its_entry(void **state)
{
    (void)state;
    for (size_t k = 0; k < sizeof CASES / sizeof *CASES; k++) {
        chain c;
        build(&c);
        gk_audit_entry *e = &c.e[CASES[k].at];
        size_t n = N;
        json_t *other = NULL;
        switch (CASES[k].kind) {
        case CHANGE_ACTION:
            e->action = "application.withdraw";
            break;
        case CHANGE_ACTOR:
            e->actor = "user:00000000-0000-4000-8000-000000000000";
            break;
        case CHANGE_AT:
            e->at = "2026-11-28T10:00:05.123456Z";
            break;
        case CHANGE_OBJECT_TO_NULL:
            e->object = NULL;
            break;
        case CHANGE_OBJECT_FROM_NULL:
            e->object = "";
            break;
        case CHANGE_DETAIL:
            other = json_pack("{s:s, s:i}", "to", "granted", "n", CASES[k].at);
            e->detail = other;
            break;
        case CHANGE_SEQ:
            e->seq += 10;
            break;
        case CHANGE_STORED_HASH:
            e->hash[7] ^= 1;
            break;
        case CHANGE_PREV_HASH:
            e->prev_hash[0] ^= 0x80;
            break;
        case SWAP_WITH_NEXT: {
            gk_audit_entry t = c.e[CASES[k].at];
            c.e[CASES[k].at] = c.e[CASES[k].at + 1];
            c.e[CASES[k].at + 1] = t;
            break;
        }
        case DROP_ENTRY:
            memmove(&c.e[CASES[k].at], &c.e[CASES[k].at + 1],
                    (N - CASES[k].at - 1) * sizeof c.e[0]);
            n = N - 1;
            break;
        }
        long got = gk_audit_verify_entries(c.e, n, ZERO);
        if (got != CASES[k].expect)
            fail_msg("%s: expected entry %ld, got %ld", CASES[k].name, CASES[k].expect, got);
        json_decref(other);
        release(&c);
    }
}

static void a_detail_that_is_not_an_object_cannot_be_hashed(void **state)
{
    (void)state;
    json_t *arr = json_array();
    json_t *real = json_pack("{s:f}", "x", 0.5);
    gk_audit_entry e = {.seq = 1,
                        .at = "2026-01-01T00:00:00.000000Z",
                        .actor = "cli",
                        .action = "certificate.import",
                        .detail = arr};
    unsigned char h[GK_AUDIT_HASH_LEN];
    assert_false(gk_audit_hash(&e, h));
    e.detail = real; /* floating point is never hashed: JCS would not reproduce it exactly */
    assert_false(gk_audit_hash(&e, h));
    e.detail = NULL; /* absent means {} */
    assert_true(gk_audit_hash(&e, h));
    json_decref(arr);
    json_decref(real);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(intact_chain_verifies),
        cmocka_unit_test(hash_is_sha256_of_the_documented_object),
        cmocka_unit_test(every_change_is_found_at_its_entry),
        cmocka_unit_test(a_detail_that_is_not_an_object_cannot_be_hashed),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
