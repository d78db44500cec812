/* gk_buf: growth, formatting, HTML escaping, sticky failure. */
/* cmocka.h needs these first */
// clang-format off
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
// clang-format on

#include <stdlib.h>
#include <string.h>

#include "render/buf.h"

static void test_append_and_grow(void **state)
{
    (void)state;
    gk_buf b = GK_BUF_INIT;
    assert_string_equal(gk_buf_cstr(&b), "");
    /* Past several doublings, with formatted pieces wider than the free space. */
    for (int i = 0; i < 2000; i++)
        assert_int_equal(gk_buf_appendf(&b, "%04d,", i), 0);
    assert_int_equal(b.len, 2000 * 5);
    assert_int_equal(strlen(b.data), b.len);
    assert_memory_equal(b.data, "0000,0001,", 10);
    assert_memory_equal(b.data + b.len - 5, "1999,", 5);
    char big[5000];
    memset(big, 'x', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    assert_int_equal(gk_buf_appendf(&b, "[%s]", big), 0);
    assert_int_equal(b.len, 2000 * 5 + 5001);
    assert_int_equal(b.data[b.len - 1], ']');
    assert_int_equal(gk_buf_putc(&b, '!'), 0);
    assert_int_equal(gk_buf_append(&b, "ab\0c", 4), 0); /* bytes, NULs included */
    assert_int_equal(b.len, 2000 * 5 + 5001 + 5);
    gk_buf_truncate(&b, 3);
    assert_string_equal(b.data, "000");
    gk_buf_truncate(&b, 100); /* longer: no-op */
    assert_int_equal(b.len, 3);
    size_t n = 0;
    char *s = gk_buf_steal(&b, &n);
    assert_string_equal(s, "000");
    assert_int_equal(n, 3);
    assert_null(b.data);
    assert_int_equal(b.len, 0);
    free(s);
    s = gk_buf_steal(&b, &n); /* empty: a fresh "" */
    assert_string_equal(s, "");
    assert_int_equal(n, 0);
    free(s);
}

static void test_html_escape(void **state)
{
    (void)state;
    static const struct {
        const char *in, *out;
    } cases[] = {
        {"plain", "plain"},
        {"<script>", "&lt;script&gt;"},
        {"a & b", "a &amp; b"},
        {"\"q\" 'a'", "&quot;q&quot; &#39;a&#39;"},
        {"&amp;", "&amp;amp;"},
        {"日本語<", "日本語&lt;"},
        {"", ""},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        gk_buf b = GK_BUF_INIT;
        assert_int_equal(gk_buf_append_html(&b, cases[i].in, strlen(cases[i].in)), 0);
        assert_string_equal(gk_buf_cstr(&b), cases[i].out);
        gk_buf_free(&b);
    }
}

static void test_failure_is_sticky(void **state)
{
    (void)state;
    gk_buf b = GK_BUF_INIT;
    assert_int_equal(gk_buf_puts(&b, "keep"), 0);
    assert_int_equal(gk_buf_reserve(&b, SIZE_MAX - 2), -1); /* would overflow */
    assert_true(b.failed);
    assert_int_equal(gk_buf_puts(&b, "more"), -1);
    assert_int_equal(gk_buf_appendf(&b, "%d", 1), -1);
    assert_int_equal(gk_buf_append_html(&b, "<", 1), -1);
    assert_string_equal(b.data, "keep"); /* nothing half-written */
    size_t n = 99;
    assert_null(gk_buf_steal(&b, &n)); /* a failed buffer hands out nothing */
    assert_int_equal(n, 0);
    assert_false(b.failed);
    assert_int_equal(gk_buf_puts(&b, "again"), 0);
    assert_int_equal(gk_buf_reserve(&b, SIZE_MAX), -1);
    gk_buf_reset(&b);
    assert_false(b.failed);
    assert_int_equal(b.len, 0);
    assert_int_equal(gk_buf_puts(&b, "ok"), 0);
    assert_string_equal(b.data, "ok");
    gk_buf_free(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_append_and_grow),
        cmocka_unit_test(test_html_escape),
        cmocka_unit_test(test_failure_is_sticky),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
