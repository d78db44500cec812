/* gk_scache (server/util/shard_cache.h): hits and misses, replacement, the byte bound and
 * oldest-first eviction, the epoch that refuses a value read before an invalidation, readers
 * keeping an evicted entry alive, and many threads reading and invalidating at once. */
/* cmocka.h needs these first */
// clang-format off
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
// clang-format on

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/shard_cache.h"

static atomic_int freed;

static void free_value(void *v)
{
    atomic_fetch_add(&freed, 1);
    free(v);
}

static char *val(const char *s)
{
    return strdup(s);
}

static void test_hit_miss_replace(void **state)
{
    (void)state;
    atomic_store(&freed, 0);
    gk_scache *c = gk_scache_new(1 << 20, 8, free_value);
    assert_non_null(c);
    assert_null(gk_scache_get(c, "D20-0001001"));
    assert_true(gk_scache_put(c, "D20-0001001", val("one"), 4, gk_scache_epoch(c)));
    gk_scache_entry *e = gk_scache_get(c, "D20-0001001");
    assert_non_null(e);
    assert_string_equal(gk_scache_value(e), "one");
    gk_scache_release(e);
    /* Replaced: the old value is freed once nobody holds it. */
    e = gk_scache_get(c, "D20-0001001");
    assert_true(gk_scache_put(c, "D20-0001001", val("two"), 4, gk_scache_epoch(c)));
    assert_int_equal(atomic_load(&freed), 0); /* e still holds "one" */
    assert_string_equal(gk_scache_value(e), "one");
    gk_scache_release(e);
    assert_int_equal(atomic_load(&freed), 1);
    e = gk_scache_get(c, "D20-0001001");
    assert_string_equal(gk_scache_value(e), "two");
    gk_scache_release(e);
    gk_scache_stats st;
    gk_scache_stats_get(c, &st);
    assert_int_equal(st.entries, 1);
    assert_int_equal(st.hits, 3);
    assert_int_equal(st.misses, 1);
    /* put_hold: the entry comes back held; refused, the value stays the caller's. */
    e = gk_scache_put_hold(c, "X", val("x"), 2, gk_scache_epoch(c));
    assert_non_null(e);
    assert_string_equal(gk_scache_value(e), "x");
    gk_scache_evict(c, "X");
    assert_string_equal(gk_scache_value(e), "x");
    gk_scache_release(e);
    assert_int_equal(atomic_load(&freed), 2);
    uint64_t ep = gk_scache_epoch(c);
    gk_scache_evict(c, "Y");
    char *mine = val("y");
    assert_null(gk_scache_put_hold(c, "Y", mine, 2, ep));
    assert_string_equal(mine, "y");
    free(mine);
    gk_scache_free(c);
    assert_int_equal(atomic_load(&freed), 3);
}

static void test_epoch_refuses_stale(void **state)
{
    (void)state;
    atomic_store(&freed, 0);
    gk_scache *c = gk_scache_new(1 << 20, 4, free_value);
    uint64_t before = gk_scache_epoch(c);
    /* An invalidation arrives while the value is being read: it must not be put. */
    gk_scache_evict(c, "D20-0001001");
    assert_false(gk_scache_put(c, "D20-0001001", val("stale"), 6, before));
    assert_int_equal(atomic_load(&freed), 1);
    assert_null(gk_scache_get(c, "D20-0001001"));
    /* Another key's eviction counts too (the epoch is one for the cache). */
    before = gk_scache_epoch(c);
    gk_scache_evict(c, "other");
    assert_false(gk_scache_put(c, "D20-0001001", val("stale"), 6, before));
    /* A clear as well; then a fresh read is put. */
    before = gk_scache_epoch(c);
    assert_true(gk_scache_put(c, "A", val("a"), 2, before));
    gk_scache_clear(c);
    assert_null(gk_scache_get(c, "A"));
    assert_false(gk_scache_put(c, "B", val("b"), 2, before));
    assert_true(gk_scache_put(c, "B", val("b"), 2, gk_scache_epoch(c)));
    gk_scache_entry *e = gk_scache_get(c, "B");
    assert_non_null(e);
    /* Evicted while a reader holds it: still readable, freed at release. */
    int f = atomic_load(&freed);
    gk_scache_evict(c, "B");
    assert_null(gk_scache_get(c, "B"));
    assert_string_equal(gk_scache_value(e), "b");
    assert_int_equal(atomic_load(&freed), f);
    gk_scache_release(e);
    assert_int_equal(atomic_load(&freed), f + 1);
    gk_scache_free(c);
}

static void test_bound_evicts_oldest(void **state)
{
    (void)state;
    atomic_store(&freed, 0);
    /* One shard of 8 KiB: entries of ~1 KiB, so about 7 fit. */
    gk_scache *c = gk_scache_new(8192, 1, free_value);
    char key[16];
    for (int i = 0; i < 100; i++) {
        snprintf(key, sizeof key, "k%03d", i);
        assert_true(gk_scache_put(c, key, val(key), 1000, gk_scache_epoch(c)));
    }
    gk_scache_stats st;
    gk_scache_stats_get(c, &st);
    assert_true(st.bytes <= 8192);
    assert_true(st.entries >= 5 && st.entries <= 8);
    assert_int_equal(st.evictions, 100 - st.entries);
    assert_null(gk_scache_get(c, "k000"));         /* the oldest went first */
    gk_scache_entry *e = gk_scache_get(c, "k099"); /* the newest stays */
    assert_non_null(e);
    gk_scache_release(e);
    /* A value larger than the bound is refused, not stored. */
    assert_false(gk_scache_put(c, "huge", val("x"), 100000, gk_scache_epoch(c)));
    gk_scache_free(c);
    assert_int_equal(atomic_load(&freed), 101);
}

/* Readers and invalidators at once: every value read is one that was put for that key, and
 * nothing leaks (the count of frees equals the count of puts at the end). */
typedef struct {
    gk_scache *c;
    int id;
    atomic_long *bad;
} worker;

static void *reader(void *arg)
{
    worker *w = arg;
    char key[16], want[32];
    for (int i = 0; i < 20000; i++) {
        int k = (i * 7 + w->id) % 64;
        snprintf(key, sizeof key, "n%d", k);
        gk_scache_entry *e = gk_scache_get(w->c, key);
        if (e) {
            snprintf(want, sizeof want, "v%d", k);
            if (strcmp(gk_scache_value(e), want)) atomic_fetch_add(w->bad, 1);
            gk_scache_release(e);
        } else {
            uint64_t ep = gk_scache_epoch(w->c);
            snprintf(want, sizeof want, "v%d", k);
            gk_scache_put(w->c, key, val(want), 16, ep);
        }
        if (w->id == 0 && i % 100 == 0) gk_scache_evict(w->c, key);
        if (w->id == 1 && i % 5000 == 0) gk_scache_clear(w->c);
    }
    return NULL;
}

static void test_threads(void **state)
{
    (void)state;
    atomic_store(&freed, 0);
    gk_scache *c = gk_scache_new(1 << 16, 16, free_value);
    atomic_long bad = 0;
    pthread_t t[6];
    worker w[6];
    for (int i = 0; i < 6; i++) {
        w[i] = (worker){c, i, &bad};
        assert_int_equal(pthread_create(&t[i], NULL, reader, &w[i]), 0);
    }
    for (int i = 0; i < 6; i++)
        pthread_join(t[i], NULL);
    assert_int_equal(atomic_load(&bad), 0);
    gk_scache_stats st;
    gk_scache_stats_get(c, &st);
    assert_true(st.hits > 0);
    long puts = (long)st.puts, refused = (long)st.refused;
    gk_scache_free(c);
    assert_int_equal(atomic_load(&freed), puts + refused);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_hit_miss_replace),
        cmocka_unit_test(test_epoch_refuses_stale),
        cmocka_unit_test(test_bound_evicts_oldest),
        cmocka_unit_test(test_threads),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
