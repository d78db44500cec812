/* Unit tests of domain/certificate_number: format, strict parse, display form with the mark,
 * round trips, rejects, and the category -> class letters table with overrides. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h> /* needs the four headers above first */

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "domain/certificate_number.h"

static gk_date D(const char *s)
{
    gk_date d;
    if (!gk_date_parse(s, &d)) fail_msg("bad test date %s", s);
    return d;
}

static const struct {
    const char *text;
    const char *letters;
    int yy, serial, body;
} valid_numbers[] = {
    {"D20-0123001", "D", 20, 123, 1},       {"A19-0001001", "A", 19, 1, 1},
    {"B21-9999002", "B", 21, 9999, 2},      {"AD18-0042201", "AD", 18, 42, 201},
    {"ACD05-1000999", "ACD", 5, 1000, 999}, {"D00-0001010", "D", 0, 1, 10},
    {"Z99-0500100", "Z", 99, 500, 100},
};

static void test_number_parse_and_format(void **state)
{
    for (size_t i = 0; i < sizeof valid_numbers / sizeof valid_numbers[0]; i++) {
        gk_cert_number n;
        char buf[GK_CERT_NUMBER_BUF], disp[GK_CERT_DISPLAY_BUF], expect[32];
        if (gk_cert_number_parse(valid_numbers[i].text, &n) != GK_ERR_OK)
            fail_msg("refused %s", valid_numbers[i].text);
        assert_string_equal(n.letters, valid_numbers[i].letters);
        assert_int_equal(n.yy, valid_numbers[i].yy);
        assert_int_equal(n.serial, valid_numbers[i].serial);
        assert_int_equal(n.body, valid_numbers[i].body);
        assert_string_equal(gk_cert_number_format(&n, buf), valid_numbers[i].text);
        snprintf(expect, sizeof expect, "T %s", valid_numbers[i].text);
        assert_string_equal(gk_cert_number_display(&n, disp), expect);
        /* The display form parses back to the same number. */
        gk_cert_number back;
        assert_int_equal(gk_cert_number_parse_display(disp, &back), GK_ERR_OK);
        assert_memory_equal(&back, &n, sizeof n);
    }
}

static const char *const rejected_numbers[] = {
    "d20-0123001",                     /* lower case */
    "D20-0000001",                     /* serial 0000 */
    "D20-0123000",                     /* body 000 */
    "D20-01230011",                    /* too many digits */
    "D20-012300",                      /* too few digits */
    "D2-0123001",                      /* one-digit year */
    "D200-0123001",                    /* three-digit year */
    "ABCD20-0123001",                  /* four letters */
    "20-0123001",                      /* no letters */
    "D20 0123001",                     /* no dash */
    "D20-0123-001",                    /* extra dash */
    "D20_0123001",    " D20-0123001",  /* blanks: only the display parser trims */
    "D20-0123001 ",   "T D20-0123001", /* the mark: only the display parser accepts it */
    "D20-O123001",                     /* letter O for zero */
    "Ｄ20-0123001",                    /* full-width letter */
    "D2O-0123001",    "",
};

static void test_number_rejects(void **state)
{
    for (size_t i = 0; i < sizeof rejected_numbers / sizeof rejected_numbers[0]; i++) {
        gk_cert_number n = {"Q", 1, 2, 3};
        if (gk_cert_number_parse(rejected_numbers[i], &n) != GK_ERR_VALIDATION)
            fail_msg("accepted \"%s\"", rejected_numbers[i]);
        assert_string_equal(n.letters, "Q"); /* untouched */
    }
    gk_cert_number n;
    assert_int_equal(gk_cert_number_parse(NULL, &n), GK_ERR_VALIDATION);
}

static void test_number_parse_display(void **state)
{
    static const struct {
        const char *text;
        bool ok;
    } cases[] = {
        {"T D20-0123001", true},
        {"  T D20-0123001  ", true},
        {"D20-0123001", true},
        {"\xE2\x93\x89 D20-0123001", true},
        {"\xE2\x93\x89"
         "D20-0123001",
         true},
        {"TD20-0123001", true}, /* read as class letters "TD" */
        {"T  D20-0123001", false},
        {"t D20-0123001", false},
        {"T d20-0123001", false},
        {"T D20-0000001", false},
        {"T", false},
        {"", false},
        {"T D20-0123001 x", false},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        gk_cert_number n;
        gk_error e = gk_cert_number_parse_display(cases[i].text, &n);
        if ((e == GK_ERR_OK) != cases[i].ok)
            fail_msg("\"%s\": %s", cases[i].text, gk_error_code(e));
    }
    gk_cert_number n;
    assert_int_equal(gk_cert_number_parse_display("TD20-0123001", &n), GK_ERR_OK);
    assert_string_equal(n.letters, "TD");
    assert_int_equal(gk_cert_number_parse_display(NULL, &n), GK_ERR_VALIDATION);
}

static void test_number_make(void **state)
{
    static const struct {
        const char *letters, *granted;
        int serial, body;
        const char *expect; /* NULL: refused */
    } cases[] = {
        {"D", "2020-06-30", 123, 1, "D20-0123001"},
        {"A", "2019-12-31", 1, 1, "A19-0001001"},
        {"B", "2100-01-01", 9999, 999, "B00-9999999"},
        {"AD", "2031-04-01", 42, 3, "AD31-0042003"},
        {"D", "2020-06-30", 0, 1, NULL},     /* serial 0 */
        {"D", "2020-06-30", 10000, 1, NULL}, /* numbers of the year exhausted */
        {"D", "2020-06-30", 1, 0, NULL},     /* body 000 */
        {"D", "2020-06-30", 1, 1000, NULL},
        {"d", "2020-06-30", 1, 1, NULL},
        {"", "2020-06-30", 1, 1, NULL},
        {"ABCD", "2020-06-30", 1, 1, NULL},
        {"D1", "2020-06-30", 1, 1, NULL},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        gk_cert_number n;
        char buf[GK_CERT_NUMBER_BUF];
        gk_error e = gk_cert_number_make(cases[i].letters, D(cases[i].granted), cases[i].serial,
                                         cases[i].body, &n);
        if (!cases[i].expect) {
            assert_int_equal(e, GK_ERR_VALIDATION);
            continue;
        }
        assert_int_equal(e, GK_ERR_OK);
        assert_string_equal(gk_cert_number_format(&n, buf), cases[i].expect);
    }
    gk_cert_number n;
    assert_int_equal(gk_cert_number_make(NULL, D("2020-06-30"), 1, 1, &n), GK_ERR_VALIDATION);
}

/* Every serial of a year round-trips through text. */
static void test_number_round_trip_all_serials(void **state)
{
    for (int serial = 1; serial <= GK_CERT_SERIAL_MAX; serial++) {
        gk_cert_number n, back;
        char buf[GK_CERT_NUMBER_BUF];
        assert_int_equal(gk_cert_number_make("AD", D("2024-07-01"), serial, 1, &n), GK_ERR_OK);
        assert_non_null(gk_cert_number_format(&n, buf));
        assert_int_equal(strlen(buf), 12);
        assert_int_equal(gk_cert_number_parse(buf, &back), GK_ERR_OK);
        assert_memory_equal(&n, &back, sizeof n);
    }
}

static void test_number_format_refuses_invalid(void **state)
{
    static const gk_cert_number bad[] = {
        {"D", 20, 0, 1}, {"D", 20, 1, 0}, {"D", 100, 1, 1},
        {"D", -1, 1, 1}, {"", 20, 1, 1},  {"d", 20, 1, 1},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char buf[GK_CERT_NUMBER_BUF] = "junk", disp[GK_CERT_DISPLAY_BUF] = "junk";
        assert_null(gk_cert_number_format(&bad[i], buf));
        assert_string_equal(buf, "");
        assert_null(gk_cert_number_display(&bad[i], disp));
        assert_string_equal(disp, "");
    }
}

static void test_number_class_letters(void **state)
{
    static const struct {
        const char *category, *letters;
    } defaults[] = {
        {"router", "D"},    {"gateway", "D"}, {"onu_modem", "D"},   {"camera", "D"},
        {"recorder", "D"},  {"nas", "D"},     {"set_top_box", "D"}, {"iot_device", "D"},
        {"telephone", "A"}, {"pc", "D"},      {"smartphone", "B"},  {"other", "D"},
        {"drone", "D"}, /* unknown category: the data-terminal default */
    };
    for (size_t i = 0; i < sizeof defaults / sizeof defaults[0]; i++)
        assert_string_equal(gk_class_letters_default(defaults[i].category), defaults[i].letters);
    assert_string_equal(gk_class_letters_default(NULL), "D");

    /* Every default entry is valid letters, and the table names the 12 categories of
     * domain.md exactly once. */
    size_t n;
    const gk_class_letters_entry *t = gk_class_letters_defaults(&n);
    assert_int_equal(n, 12);
    for (size_t i = 0; i < n; i++) {
        assert_true(gk_class_letters_valid(t[i].letters));
        for (size_t j = 0; j < i; j++)
            assert_string_not_equal(t[i].category, t[j].category);
    }

    /* Overrides from the database win; other categories keep their defaults. */
    static const gk_class_letters_entry overrides[] = {{"onu_modem", "AD"},
                                                       {"smartphone", "BD"},
                                                       {"drone", "E"}};
    static const struct {
        const char *category, *letters;
    } with_overrides[] = {
        {"onu_modem", "AD"}, {"smartphone", "BD"}, {"drone", "E"},
        {"router", "D"},     {"telephone", "A"},   {"unknown", "D"},
    };
    for (size_t i = 0; i < sizeof with_overrides / sizeof with_overrides[0]; i++)
        assert_string_equal(gk_class_letters_lookup(overrides, 3, with_overrides[i].category),
                            with_overrides[i].letters);

    static const struct {
        const char *letters;
        bool ok;
    } validity[] = {{"D", true},  {"AD", true},  {"ACD", true}, {"", false},  {"ABCD", false},
                    {"d", false}, {"A1", false}, {"Ä", false},  {" D", false}};
    for (size_t i = 0; i < sizeof validity / sizeof validity[0]; i++)
        assert_int_equal(gk_class_letters_valid(validity[i].letters), validity[i].ok);
    assert_false(gk_class_letters_valid(NULL));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_number_parse_and_format),
        cmocka_unit_test(test_number_rejects),
        cmocka_unit_test(test_number_parse_display),
        cmocka_unit_test(test_number_make),
        cmocka_unit_test(test_number_round_trip_all_serials),
        cmocka_unit_test(test_number_format_refuses_invalid),
        cmocka_unit_test(test_number_class_letters),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
