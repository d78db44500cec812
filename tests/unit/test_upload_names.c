/* A file's name against the type its content was sniffed as (issue 20): evil.pdf holding
 * text is refused; names that promise nothing are not judged. */
/* cmocka.h needs these first */
// clang-format off
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
// clang-format on

#include "http/multipart.h"

static const struct {
    const char *name, *type;
    bool ok;
} CASES[] = {
    {"outline.pdf", "application/pdf", true},
    {"OUTLINE.PDF", "application/pdf", true},
    {"evil.pdf", "text/plain; charset=utf-8", false},
    {"evil.pdf", "image/png", false},
    {"evil.pdf", NULL, false},
    {"front.png", "image/png", true},
    {"front.png", "image/jpeg", false},
    {"photo.jpg", "image/jpeg", true},
    {"photo.JPEG", "image/jpeg", true},
    {"photo.jpeg", "application/pdf", false},
    {"notes.txt", "text/plain; charset=utf-8", true},
    {"archive.zip", "application/zip", true},
    {"report", "application/pdf", true},
    {".pdf", "text/plain; charset=utf-8", true}, /* no name before the extension */
    {NULL, "application/pdf", true},
};

static void test_names(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof CASES / sizeof *CASES; i++)
        if (gk_multipart_name_matches(CASES[i].name, CASES[i].type) != CASES[i].ok)
            fail_msg("case %zu: %s as %s: expected %s", i, CASES[i].name ? CASES[i].name : "(none)",
                     CASES[i].type ? CASES[i].type : "(none)", CASES[i].ok ? "ok" : "refused");
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_names)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
