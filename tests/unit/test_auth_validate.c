/* The pure checks of the accounts module: 法人番号 check digits, e-mail and label shapes,
 * UUIDs, safe redirect targets, Bearer headers, the session cookie's attributes, role names. */
#include "auth/validate.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

typedef struct {
    const char *in;
    bool ok;
} vcase;

#define RUN_CASES(fn, cases)                                                                       \
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {                                    \
        if (fn(cases[i].in) != cases[i].ok)                                                        \
            fail_msg("%s(\"%s\") should be %s", #fn, cases[i].in ? cases[i].in : "(null)",         \
                     cases[i].ok ? "true" : "false");                                              \
    }

static void test_corporate_number(void **state)
{
    static const vcase cases[] = {
        {"7000012050002", true},  /* National Tax Agency */
        {"1180301018771", true},  /* a listed company (check digit 1) */
        {"8000012050002", false}, /* wrong check digit */
        {"6000012050002", false},
        {"7000012050003", false}, /* a base digit changed */
        {"700001205000", false},  /* 12 digits */
        {"70000120500020", false},
        {"70000120500O2", false}, /* a letter O */
        {"7000012050002 ", false},
        {"", false},
        {NULL, false},
    };
    RUN_CASES(gk_auth_corporate_number_valid, cases);
}

/* Every base number has exactly one check digit: build it from the rule independently
 * (weights from the left: 2,1,2,1,... for the 12 digits) and compare with all ten. */
static void test_corporate_number_exactly_one_digit(void **state)
{
    static const char *bases[] = {"000000000000", "123456789012", "999999999999",
                                  "000012050002", "180301018771", "010101010101"};
    for (size_t b = 0; b < sizeof bases / sizeof *bases; b++) {
        unsigned sum = 0;
        for (int i = 0; i < 12; i++)
            sum += (unsigned)(bases[b][i] - '0') * (i % 2 ? 1u : 2u);
        unsigned want = 9 - sum % 9;
        int valid = 0;
        for (unsigned d = 0; d <= 9; d++) {
            char s[14];
            snprintf(s, sizeof s, "%u%s", d, bases[b]);
            bool ok = gk_auth_corporate_number_valid(s);
            assert_int_equal(ok, d == want);
            valid += ok;
        }
        assert_int_equal(valid, 1);
    }
}

static void test_email(void **state)
{
    static const vcase cases[] = {
        {"a@b", true},
        {"hanako.sato+giteki@example.co.jp", true},
        {"山田@例え.jp", true},
        {"no-at-sign", false},
        {"@example.jp", false},
        {"name@", false},
        {"a@b@c", false},
        {"with space@example.jp", false},
        {"tab\t@example.jp", false},
        {"", false},
        {NULL, false},
    };
    RUN_CASES(gk_auth_email_valid, cases);
    char long_email[300];
    memset(long_email, 'a', sizeof long_email);
    memcpy(long_email + 250, "@b.jp", 6); /* 255 bytes */
    assert_false(gk_auth_email_valid(long_email));
    long_email[249] = 0;
    strcat(long_email, "@b.j"); /* 253 bytes */
    assert_true(gk_auth_email_valid(long_email));
}

static void test_label(void **state)
{
    static const vcase cases[] = {
        {"Acme", true},
        {"アクメ機器株式会社", true},
        {" a ", true},
        {"", false},
        {"   ", false},
        {"line\nbreak", false},
        {"del\x7f", false},
        {"c1\xc2\x85", false},
        {"bad \xff utf8", false},
        {"overlong \xc0\xaf", false},
        {NULL, false},
    };
    RUN_CASES(gk_auth_label_valid, cases);
    char s[1300];
    /* 300 three-byte characters pass, 301 do not: code points are counted, not bytes */
    s[0] = 0;
    for (int i = 0; i < 300; i++)
        strcat(s, "あ");
    assert_true(gk_auth_label_valid(s));
    strcat(s, "あ");
    assert_false(gk_auth_label_valid(s));
}

static void test_uuid(void **state)
{
    static const vcase cases[] = {
        {"3f1c2b9e-0d4a-4c1e-9b7a-2e5f6a7b8c9d", true},
        {"3F1C2B9E-0D4A-4C1E-9B7A-2E5F6A7B8C9D", true},
        {"3f1c2b9e0d4a4c1e9b7a2e5f6a7b8c9d", false},
        {"3f1c2b9e-0d4a-4c1e-9b7a-2e5f6a7b8c9", false},
        {"3f1c2b9e-0d4a-4c1e-9b7a-2e5f6a7b8c9g", false},
        {"not-a-uuid", false},
        {"", false},
        {NULL, false},
    };
    RUN_CASES(gk_auth_uuid_valid, cases);
}

static void test_next(void **state)
{
    static const vcase cases[] = {
        {"/", true},
        {"/account", true},
        {"/applications/x?tab=docs#top", true},
        {"//evil.example/", false},
        {"/\\evil.example", false},
        {"https://evil.example/", false},
        {"javascript:alert(1)", false},
        {"account", false},
        {"/a\r\nSet-Cookie: x=1", false},
        {"/a\\b", false},
        {"", false},
        {NULL, false},
    };
    RUN_CASES(gk_auth_next_is_safe, cases);
}

static void test_bearer(void **state)
{
    static const char tok[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJ0123-_x"; /* 43 */
    assert_int_equal(strlen(tok), 43);
    struct {
        const char *header;
        bool ok;
    } cases[] = {
        {"Bearer abcdefghijklmnopqrstuvwxyzABCDEFGHIJ0123-_x", true},
        {"bearer abcdefghijklmnopqrstuvwxyzABCDEFGHIJ0123-_x", true},
        {"Bearer  abcdefghijklmnopqrstuvwxyzABCDEFGHIJ0123-_x", false},
        {"Bearer abcdefghijklmnopqrstuvwxyzABCDEFGHIJ0123-_", false},
        {"Bearer abcdefghijklmnopqrstuvwxyzABCDEFGHIJ0123-_xy", false},
        {"Bearer abcdefghijklmnopqrstuvwxyzABCDEFGHIJ0123-_=", false},
        {"Bearer abcdefghijklmnopqrstuvwxyzABCDEFGHIJ0123+/x", false},
        {"Basic dXNlcjpwYXNz", false},
        {"Bearer", false},
        {"", false},
        {NULL, false},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        const char *t = gk_auth_bearer_token(cases[i].header);
        if (cases[i].ok) {
            assert_non_null(t);
            assert_string_equal(t, tok);
        } else if (t) {
            fail_msg("accepted \"%s\"", cases[i].header);
        }
    }
}

static void test_cookie(void **state)
{
    char buf[256];
    static const char tok[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJ0123-_x";
    assert_true(gk_auth_session_cookie(buf, sizeof buf, tok, false));
    assert_string_equal(buf, "giteki_session=abcdefghijklmnopqrstuvwxyzABCDEFGHIJ0123-_x; Path=/; "
                             "HttpOnly; SameSite=Strict");
    assert_true(gk_auth_session_cookie(buf, sizeof buf, tok, true));
    assert_non_null(strstr(buf, "; Secure"));
    assert_non_null(strstr(buf, "; HttpOnly"));
    assert_null(strstr(buf, "Max-Age"));
    assert_true(gk_auth_session_cookie(buf, sizeof buf, NULL, false));
    assert_string_equal(buf, "giteki_session=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0");
    assert_false(gk_auth_session_cookie(buf, 20, tok, false)); /* too small: refused */
}

static void test_roles(void **state)
{
    static const char *names[] = {"manufacturer", "examiner", "regulator", "admin"};
    for (size_t i = 0; i < 4; i++) {
        gk_role r = gk_role_parse(names[i]);
        assert_int_not_equal(r, GK_ROLE_ANON);
        assert_string_equal(gk_role_name(r), names[i]);
    }
    assert_int_equal(gk_role_parse("Admin"), GK_ROLE_ANON);
    assert_int_equal(gk_role_parse("root"), GK_ROLE_ANON);
    assert_int_equal(gk_role_parse(NULL), GK_ROLE_ANON);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_corporate_number),
        cmocka_unit_test(test_corporate_number_exactly_one_digit),
        cmocka_unit_test(test_email),
        cmocka_unit_test(test_label),
        cmocka_unit_test(test_uuid),
        cmocka_unit_test(test_next),
        cmocka_unit_test(test_bearer),
        cmocka_unit_test(test_cookie),
        cmocka_unit_test(test_roles),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
