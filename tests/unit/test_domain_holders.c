/* The holder rules of domain/holders.h on tables of cases: the 法人番号 check digit, the
 * fields a filing needs for Japanese and foreign holders, the kinds of change. */
#include "domain/holders.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

static void test_corporate_number_table(void **state)
{
    (void)state;
    static const struct {
        const char *in;
        bool ok;
    } cases[] = {
        {"7000012050002", true},  /* 国税庁 */
        {"1180301018771", true},  /* check digit 1 */
        {"4000012090001", true},  /* 総務省 */
        {"8000012050002", false}, /* wrong check digit */
        {"6000012050002", false},
        {"5000012090001", false},
        {"7000012050003", false}, /* a base digit changed */
        {"700001205000", false},  /* 12 digits */
        {"70000120500020", false},
        {"70000120500O2", false},  /* the letter O */
        {"７000012050002", false}, /* a full-width digit */
        {"7000012050002 ", false},
        {"", false},
        {NULL, false},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++)
        if (gk_holder_corporate_number_valid(cases[i].in) != cases[i].ok)
            fail_msg("\"%s\" should be %s", cases[i].in ? cases[i].in : "(null)",
                     cases[i].ok ? "valid" : "refused");
}

/* The check digit from the rule written out independently: weights 2,1,2,1,... from the
 * left of the 12 base digits; exactly one of the ten first digits is valid. */
static void test_check_digit_exhaustive_sample(void **state)
{
    (void)state;
    char s[14];
    for (unsigned seed = 0; seed < 5000; seed++) {
        unsigned x = seed * 2654435761u;
        int sum = 0;
        for (int i = 0; i < 12; i++) {
            x = x * 1103515245u + 12345u;
            s[1 + i] = (char)('0' + (x >> 16) % 10);
            sum += (s[1 + i] - '0') * (i % 2 == 0 ? 2 : 1);
        }
        s[13] = 0;
        int want = 9 - sum % 9;
        assert_int_equal(gk_holder_check_digit(s + 1), want);
        int valid = 0;
        for (char d = '0'; d <= '9'; d++) {
            s[0] = d;
            if (gk_holder_corporate_number_valid(s)) valid++, assert_int_equal(d - '0', want);
        }
        assert_int_equal(valid, 1);
    }
    assert_int_equal(gk_holder_check_digit("12345678901"), -1);
    assert_int_equal(gk_holder_check_digit("12345678901a"), -1);
}

static gk_holder_values full_japanese(void)
{
    gk_holder_values h = {{"Example Denki", "例電機株式会社", "Example Denki K.K.", "7000012050002",
                           "東京都千代田区1-1", NULL, "JP", "山田 太郎", "代表取締役", "佐藤 花子",
                           "03-1234-5678", "sato@example.jp", NULL, NULL}};
    return h;
}

static void test_missing_fields_table(void **state)
{
    (void)state;
    const char *m[GK_HOLDER_NFIELDS];
    gk_holder_values h = full_japanese();
    assert_int_equal(gk_holder_missing(&h, m, GK_HOLDER_NFIELDS), 0);

    h.v[4] = "";    /* address_ja */
    h.v[11] = NULL; /* contact.email */
    assert_int_equal(gk_holder_missing(&h, m, GK_HOLDER_NFIELDS), 2);
    assert_string_equal(m[0], "address_ja");
    assert_string_equal(m[1], "contact.email");

    /* An organisation from before issue 16: name and representative only. */
    gk_holder_values old = {{"Old Maker", NULL, NULL, NULL, NULL, NULL, NULL, "Rep", NULL, NULL,
                             NULL, NULL, NULL, NULL}};
    size_t n = gk_holder_missing(&old, m, GK_HOLDER_NFIELDS);
    assert_int_equal(n, 7); /* name_ja, address_ja, country, title, contact x3 */
    assert_string_equal(m[0], "name_ja");
    assert_string_equal(m[2], "country");

    /* A foreign maker: no 法人番号, no Japanese name or address, but the English ones. */
    gk_holder_values f = {{"Acme Inc.", NULL, NULL, NULL, NULL, NULL, "US", "J. Doe", "CEO",
                           "A. Agent", "+1 555 0100", "a@acme.example", NULL, NULL}};
    n = gk_holder_missing(&f, m, GK_HOLDER_NFIELDS);
    assert_int_equal(n, 2);
    assert_string_equal(m[0], "name_en");
    assert_string_equal(m[1], "address_en");
    f.v[2] = "Acme Inc.";
    f.v[5] = "1 Main St, Springfield";
    assert_int_equal(gk_holder_missing(&f, m, GK_HOLDER_NFIELDS), 0);

    /* A Japanese holder without its corporate number is asked for it. */
    h = full_japanese();
    h.v[3] = NULL;
    assert_int_equal(gk_holder_missing(&h, m, 1), 1);
    assert_string_equal(m[0], "corporate_number");
}

static void test_change_kinds(void **state)
{
    (void)state;
    static const char *const names[] = {"partial_change", "name_addition", "holder_change"};
    for (int i = 0; i < 3; i++) {
        gk_change_kind k;
        assert_true(gk_change_kind_parse(names[i], &k));
        assert_string_equal(gk_change_kind_name(k), names[i]);
    }
    gk_change_kind k;
    assert_false(gk_change_kind_parse("new", &k));
    assert_false(gk_change_kind_parse("Name_Addition", &k));
    assert_false(gk_change_kind_parse(NULL, &k));
    assert_true(gk_change_allowed_on("granted"));
    assert_false(gk_change_allowed_on("suspended"));
    assert_false(gk_change_allowed_on("revoked"));
    assert_false(gk_change_allowed_on(NULL));
    const char *docs[4];
    assert_int_equal(gk_change_required_documents(GK_CHANGE_HOLDER, docs, 4), 1);
    assert_string_equal(docs[0], "other");
    assert_int_equal(gk_change_required_documents(GK_CHANGE_NAME_ADDITION, docs, 4), 0);
    assert_int_equal(gk_change_required_documents(GK_CHANGE_PARTIAL, docs, 4), 0);
    assert_true(gk_change_filed_as_draft(GK_CHANGE_HOLDER));
    assert_false(gk_change_filed_as_draft(GK_CHANGE_NAME_ADDITION));
    assert_false(gk_change_filed_as_draft(GK_CHANGE_PARTIAL));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_corporate_number_table),
        cmocka_unit_test(test_check_digit_exhaustive_sample),
        cmocka_unit_test(test_missing_fields_table),
        cmocka_unit_test(test_change_kinds),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
