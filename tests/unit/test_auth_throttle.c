/* The sign-in throttle decision: counting within a window, restarting after it, locking at
 * the limit, Retry-After, and the row keys. */
#include "auth/throttle.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

static const gk_throttle_rule rule5 = {.limit = 5, .window_s = 900};

static void test_after_failure_table(void **state)
{
    static const struct {
        const char *what;
        gk_throttle_state in;
        long failures;
        bool restart;
        long lock;
    } cases[] = {
        {"first failure ever", {0, 0, 0}, 1, true, 0},
        {"second, inside the window", {1, 10, 0}, 2, false, 0},
        {"fourth", {3, 899, 0}, 4, false, 0},
        {"fifth reaches the limit: lock for a window", {4, 100, 0}, 5, false, 900},
        {"window passed: count from one", {4, 900, 0}, 1, true, 0},
        {"long ago", {50, 100000, 0}, 1, true, 0},
        {"already at the limit (concurrent failure)", {5, 5, 800}, 6, false, 900},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        gk_throttle_update u = gk_throttle_after_failure(cases[i].in, rule5);
        if (u.failures != cases[i].failures || u.restart_window != cases[i].restart ||
            u.lock_s != cases[i].lock)
            fail_msg("%s: got failures %ld restart %d lock %ld", cases[i].what, u.failures,
                     u.restart_window, u.lock_s);
    }
}

/* The pair (account, address) is never locked for a window at once: the delay grows from
 * base_s, doubling, up to window_s (issue 18: a stranger cannot lock the owner out). */
static void test_pair_delays_grow(void **state)
{
    const gk_throttle_rule pair = GK_THROTTLE_PAIR;
    assert_int_equal(pair.limit, 5);
    static const long want[] = {0, 0, 0, 0, 30, 60, 120, 240, 480, 900, 900, 900};
    gk_throttle_state s = {0};
    for (size_t n = 0; n < sizeof want / sizeof *want; n++) {
        gk_throttle_update u = gk_throttle_after_failure(s, pair);
        if (u.lock_s != want[n])
            fail_msg("failure %zu: wait %ld, wanted %ld", n + 1, u.lock_s, want[n]);
        s.failures = u.failures;
        s.window_age_s = u.restart_window ? 1 : s.window_age_s + 1;
    }
}

/* Walk a sequence of failures one second apart, as the DB would store them: exactly the
 * limit-th failure locks, for each rule of the module. */
static void test_sequence_locks_at_limit(void **state)
{
    const gk_throttle_rule rules[] = {{.limit = 5, .window_s = 900}, GK_THROTTLE_ADDRESS};
    for (size_t k = 0; k < 2; k++) {
        gk_throttle_state s = {0};
        for (long n = 1; n <= rules[k].limit; n++) {
            assert_int_equal(gk_throttle_retry_after(s), 0);
            gk_throttle_update u = gk_throttle_after_failure(s, rules[k]);
            assert_int_equal(u.failures, n);
            assert_int_equal(u.lock_s > 0, n == rules[k].limit);
            s.failures = u.failures;
            s.window_age_s = u.restart_window ? 1 : s.window_age_s + 1;
            s.locked_for_s = u.lock_s;
        }
        assert_int_equal(gk_throttle_retry_after(s), rules[k].window_s);
    }
    assert_int_equal(GK_THROTTLE_ADDRESS.limit, 20);
}

static void test_retry_after(void **state)
{
    assert_int_equal(gk_throttle_retry_after((gk_throttle_state){5, 10, 37}), 37);
    assert_int_equal(gk_throttle_retry_after((gk_throttle_state){5, 10, 0}), 0);
    assert_int_equal(gk_throttle_retry_after((gk_throttle_state){5, 10, -3}), 0);
}

static void test_keys(void **state)
{
    char k[300];
    assert_true(gk_throttle_key(k, sizeof k, "account", "Hanako.Sato@Example.JP"));
    assert_string_equal(k, "account:hanako.sato@example.jp");
    assert_true(gk_throttle_key(k, sizeof k, "addr", "2001:db8::1"));
    assert_string_equal(k, "addr:2001:db8::1");
    assert_false(gk_throttle_key(k, sizeof k, "account", "with space@x"));
    assert_false(gk_throttle_key(k, sizeof k, "account", "ctl\x01@x"));
    assert_false(gk_throttle_key(k, sizeof k, "account", ""));
    assert_false(gk_throttle_key(k, sizeof k, "account", NULL));
    char longv[300];
    memset(longv, 'a', 255);
    longv[255] = 0;
    assert_false(gk_throttle_key(k, sizeof k, "account", longv)); /* the key CHECK allows 254 */
    longv[254] = 0;
    assert_true(gk_throttle_key(k, sizeof k, "account", longv));
    assert_false(gk_throttle_key(k, 12, "account", "a@b.example.jp")); /* buffer too small */
    char pk[400];
    assert_true(gk_throttle_pair_key(pk, sizeof pk, "hanako@example.jp", "192.0.2.1"));
    assert_string_equal(pk, "pair:hanako@example.jp/192.0.2.1");
    assert_false(gk_throttle_pair_key(pk, sizeof pk, "a/b@example.jp", "192.0.2.1"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_after_failure_table),
        cmocka_unit_test(test_sequence_locks_at_limit),
        cmocka_unit_test(test_pair_delays_grow),
        cmocka_unit_test(test_retry_after),
        cmocka_unit_test(test_keys),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
