/* Unit tests of cc/multipart: the boundary from Content-Type, and parts found in place in
 * bodies written the way browsers write them (a file part, text fields, CRLFs in the file). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h> /* needs the four headers above first */

#include <string.h>

#include "cc/form.h"

static void boundaries(void **state)
{
    static const struct {
        const char *ct, *want; /* want NULL: refused */
    } cases[] = {
        {"multipart/form-data; boundary=----WebKitFormBoundary7MA4YWxkTrZu0gW",
         "----WebKitFormBoundary7MA4YWxkTrZu0gW"},
        {"multipart/form-data; charset=utf-8; boundary=\"a b:c\"", "a b:c"},
        {"Multipart/Form-Data;boundary=xyz;foo=bar", "xyz"},
        {"multipart/form-data", NULL},
        {"multipart/form-data; boundary=", NULL},
        {"multipart/form-data; boundary=\"unterminated", NULL},
        {"multipart/form-data; boundary=bad{char}", NULL},
        {"multipart/form-data; boundary="
         "12345678901234567890123456789012345678901234567890123456789012345678901",
         NULL},
        {"text/csv; boundary=x", NULL},
        {NULL, NULL},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        char b[71];
        bool ok = gk_cc_form_boundary(cases[i].ct, b);
        if (ok != (cases[i].want != NULL)) fail_msg("case %zu: %d", i, ok);
        if (ok) assert_string_equal(b, cases[i].want);
    }
}

#define B "----x7MA4YWxk"
static const char body[] =
    "--" B "\r\n"
    "Content-Disposition: form-data; name=\"csrf_token\"\r\n\r\n"
    "tok123\r\n"
    "--" B "\r\n"
    "Content-Disposition: form-data; name=\"status\"\r\n\r\n"
    "archived\r\n"
    "--" B "\r\n"
    "Content-Disposition: form-data; name=\"file\"; filename=\"certified products.csv\"\r\n"
    "Content-Type: text/csv\r\n\r\n"
    "Category,Name\r\n\"a\r\n--not-the-boundary\",b\r\n\r\n"
    "--" B "--\r\n";

static void parts_found_in_place(void **state)
{
    gk_cc_form_part parts[4];
    int n = gk_cc_form_parse(B, body, sizeof body - 1, parts, 4);
    assert_int_equal(n, 3);
    const gk_cc_form_part *t = gk_cc_form_find(parts, n, "csrf_token");
    assert_non_null(t);
    assert_int_equal(t->len, 6);
    assert_memory_equal(t->data, "tok123", 6);
    assert_false(t->has_filename);
    const gk_cc_form_part *f = gk_cc_form_find(parts, n, "file");
    assert_non_null(f);
    assert_true(f->has_filename);
    assert_string_equal(f->filename, "certified products.csv");
    static const char want[] = "Category,Name\r\n\"a\r\n--not-the-boundary\",b\r\n";
    assert_int_equal(f->len, sizeof want - 1);
    assert_memory_equal(f->data, want, sizeof want - 1);
    assert_true(f->data > body && f->data < body + sizeof body); /* no copy */
    assert_null(gk_cc_form_find(parts, n, "missing"));
}

static void malformed_bodies(void **state)
{
    static const char *const bad[] = {
        "",
        "no delimiter at all",
        "--" B "\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nno closing delimiter",
        "--" B "\r\nContent-Disposition: form-data; name=\"a\"", /* headers never end */
        "--" B "garbage\r\n\r\nx\r\n--" B "--",
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        gk_cc_form_part parts[4];
        if (gk_cc_form_parse(B, bad[i], strlen(bad[i]), parts, 4) != -1)
            fail_msg("case %zu accepted", i);
    }
    /* more parts than room */
    gk_cc_form_part one[1];
    assert_int_equal(gk_cc_form_parse(B, body, sizeof body - 1, one, 1), -1);
    /* a preamble before the first delimiter and an empty body part are fine */
    static const char pre[] = "preamble\r\n--" B "\r\n\r\n\r\n--" B "--";
    gk_cc_form_part p[2];
    assert_int_equal(gk_cc_form_parse(B, pre, sizeof pre - 1, p, 2), 1);
    assert_int_equal(p[0].len, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(boundaries),
        cmocka_unit_test(parts_found_in_place),
        cmocka_unit_test(malformed_bodies),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
