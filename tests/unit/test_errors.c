/* The error catalogue: codes are unique and well-formed, statuses are errors, both titles
 * exist, and docs/errors.md lists exactly the catalogue with the same statuses. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "errors.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void codes_are_unique_and_shaped(void **state)
{
    for (int i = 1; i < GK_ERR__COUNT; i++) {
        const char *c = gk_error_code((gk_error)i);
        assert_non_null(strchr(c, '.'));
        assert_true(strspn(c, "abcdefghijklmnopqrstuvwxyz_.") == strlen(c));
        assert_true(gk_error_status((gk_error)i) >= 400 && gk_error_status((gk_error)i) < 600);
        assert_true(strlen(gk_error_title((gk_error)i, "en")) > 0);
        assert_true(strlen(gk_error_title((gk_error)i, "ja")) > 0);
        assert_string_not_equal(gk_error_title((gk_error)i, "en"),
                                gk_error_title((gk_error)i, "ja"));
        for (int j = i + 1; j < GK_ERR__COUNT; j++)
            assert_string_not_equal(c, gk_error_code((gk_error)j));
    }
}

static void out_of_range_is_internal(void **state)
{
    assert_string_equal(gk_error_code((gk_error)9999), "server.internal");
    assert_int_equal(gk_error_status((gk_error)9999), 500);
}

static void docs_list_every_code(void **state)
{
    FILE *f = fopen("docs/errors.md", "r");
    assert_non_null(f);
    char line[512];
    int seen[GK_ERR__COUNT] = {0};
    int rows = 0;
    while (fgets(line, sizeof line, f)) {
        char code[64];
        unsigned status;
        if (sscanf(line, "| `%63[a-z_.]` | %u |", code, &status) != 2) continue;
        rows++;
        int found = -1;
        for (int i = 1; i < GK_ERR__COUNT; i++)
            if (!strcmp(gk_error_code((gk_error)i), code)) found = i;
        if (found < 0) fail_msg("docs/errors.md lists unknown code %s", code);
        assert_int_equal(gk_error_status((gk_error)found), status);
        seen[found]++;
    }
    fclose(f);
    for (int i = 1; i < GK_ERR__COUNT; i++)
        if (seen[i] != 1)
            fail_msg("docs/errors.md lists %s %d times", gk_error_code((gk_error)i), seen[i]);
    assert_int_equal(rows, GK_ERR__COUNT - 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(codes_are_unique_and_shaped),
        cmocka_unit_test(out_of_range_is_internal),
        cmocka_unit_test(docs_list_every_code),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
