/* Unit tests of domain/date: strict ISO parsing, the CC Portal US form, formatting,
 * year arithmetic, and an exhaustive cross-check against a naive day counter. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h> /* needs the four headers above first */

#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "domain/date.h"

/* Day numbers computed independently (Python's datetime.date differences from 1970-01-01). */
static const struct {
    const char *text;
    gk_date days;
} known_dates[] = {
    {"1970-01-01", 0},      {"1969-12-31", -1},      {"2019-03-01", 17956},   {"2020-04-01", 18353},
    {"2000-02-29", 11016},  {"0001-01-01", -719162}, {"9999-12-31", 2932896}, {"2024-02-29", 19782},
    {"1900-03-01", -25508}, {"2038-01-19", 24855},   {"1985-04-01", 5569},
};

static void test_date_parse_known_values(void **state)
{
    for (size_t i = 0; i < sizeof known_dates / sizeof known_dates[0]; i++) {
        gk_date d = 12345;
        char buf[GK_DATE_BUF];
        assert_true(gk_date_parse(known_dates[i].text, &d));
        assert_int_equal(d, known_dates[i].days);
        assert_string_equal(gk_date_format(d, buf), known_dates[i].text);
    }
}

static const char *const rejected_iso[] = {
    "2021-02-30",  "2021-02-29",   "1900-02-29",       "2100-02-29",  "2020-13-01", "2020-00-10",
    "2020-01-00",  "2020-04-31",   "2020-06-31",       "2020-4-01",   "2020-04-1",  "20200401",
    "2020-04-01 ", " 2020-04-01",  "2020-04-01T00:00", "+020-04-01",  "2020/04/01", "",
    "0000-01-01",  "abcd-ef-gh",   "2020-04-0a",       "2020-04-01Z", "2020--4-01", "-2020-04-01",
    "12020-04-01", "2020-04-01\n", "２０２０-04-01",
};

static void test_date_parse_rejects(void **state)
{
    for (size_t i = 0; i < sizeof rejected_iso / sizeof rejected_iso[0]; i++) {
        gk_date d = 777;
        if (gk_date_parse(rejected_iso[i], &d)) fail_msg("accepted \"%s\"", rejected_iso[i]);
        assert_int_equal(d, 777); /* untouched */
    }
    gk_date d = 777;
    assert_false(gk_date_parse(NULL, &d));
}

/* Exhaustive: walk every day of 1600-03-01 .. 2400-12-31 with a naive calendar written here
 * (month lengths and the Gregorian leap rule) and compare number, parts, text and parse. */
static int naive_month_len(int y, int m)
{
    static const int len[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return m == 2 && leap ? 29 : len[m - 1];
}

static void test_date_exhaustive_against_naive_calendar(void **state)
{
    gk_date start;
    assert_true(gk_date_parse("1600-03-01", &start));
    int y = 1600, m = 3, dd = 1;
    for (gk_date d = start; y <= 2400; d++) {
        int py, pm, pd;
        char buf[GK_DATE_BUF], expect[48];
        gk_date back;
        gk_date_to_ymd(d, &py, &pm, &pd);
        if (py != y || pm != m || pd != dd) fail_msg("day %d: %d-%d-%d", (int)d, py, pm, pd);
        assert_int_equal(gk_date_year(d), y);
        snprintf(expect, sizeof expect, "%04d-%02d-%02d", y, m, dd);
        assert_string_equal(gk_date_format(d, buf), expect);
        assert_true(gk_date_parse(buf, &back));
        assert_int_equal(back, d);
        assert_true(gk_date_from_ymd(y, m, dd, &back));
        assert_int_equal(back, d);
        if (++dd > naive_month_len(y, m)) {
            dd = 1;
            if (++m > 12) {
                m = 1;
                y++;
            }
        }
    }
}

static void test_date_from_ymd_validity(void **state)
{
    static const struct {
        int y, m, d;
        bool ok;
    } cases[] = {
        {2020, 2, 29, true}, {2021, 2, 29, false}, {2000, 2, 29, true},  {1900, 2, 29, false},
        {2020, 4, 30, true}, {2020, 4, 31, false}, {2020, 12, 31, true}, {2020, 13, 1, false},
        {2020, 0, 1, false}, {2020, 1, 0, false},  {0, 1, 1, false},     {10000, 1, 1, false},
        {1, 1, 1, true},     {9999, 12, 31, true}, {2020, -1, 1, false},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        gk_date d = 42;
        assert_int_equal(gk_date_is_valid_ymd(cases[i].y, cases[i].m, cases[i].d), cases[i].ok);
        assert_int_equal(gk_date_from_ymd(cases[i].y, cases[i].m, cases[i].d, &d), cases[i].ok);
        if (!cases[i].ok) assert_int_equal(d, 42);
    }
}

static void test_date_parse_us(void **state)
{
    static const struct {
        const char *text;
        const char *iso; /* NULL: refused */
    } cases[] = {
        {"04/01/2020", "2020-04-01"},
        {"4/1/2020", "2020-04-01"},
        {"12/31/2019", "2019-12-31"},
        {"1/02/2021", "2021-01-02"},
        {"02/29/2020", "2020-02-29"},
        {" 10/7/2016 ", "2016-10-07"},
        {"09/08/2017\r", "2017-09-08"},
        {"13/01/2020", NULL},
        {"02/30/2020", NULL},
        {"02/29/2019", NULL},
        {"2020-04-01", NULL},
        {"4/1/20", NULL},
        {"04/01/2020x", NULL},
        {"004/01/2020", NULL},
        {"4//2020", NULL},
        {"", NULL},
        {"4/1/02020", NULL},
        {"04-01-2020", NULL},
        {"0/1/2020", NULL},
        {"4/0/2020", NULL},
        {"4/1/2020/", NULL},
        {"4 /1/2020", NULL},
        {"April 1, 2020", NULL},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        gk_date d = 99, want;
        bool ok = gk_date_parse_us(cases[i].text, &d);
        if (!cases[i].iso) {
            if (ok) fail_msg("accepted \"%s\"", cases[i].text);
            assert_int_equal(d, 99);
            continue;
        }
        if (!ok) fail_msg("refused \"%s\"", cases[i].text);
        assert_true(gk_date_parse(cases[i].iso, &want));
        assert_int_equal(d, want);
    }
    gk_date d;
    assert_false(gk_date_parse_us(NULL, &d));
}

static void test_date_add_years(void **state)
{
    static const struct {
        const char *from;
        int years;
        const char *to; /* NULL: out of range */
    } cases[] = {
        {"2019-06-15", 5, "2024-06-15"}, {"2020-02-29", 5, "2025-03-01"},
        {"2020-02-29", 4, "2024-02-29"}, {"2020-02-29", -1, "2019-03-01"},
        {"2020-12-31", 1, "2021-12-31"}, {"2020-01-01", 0, "2020-01-01"},
        {"9999-01-01", 1, NULL},         {"0001-06-01", -1, NULL},
        {"2020-01-01", 100000, NULL},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        gk_date from, got = 5, want;
        char buf[GK_DATE_BUF];
        assert_true(gk_date_parse(cases[i].from, &from));
        bool ok = gk_date_add_years(from, cases[i].years, &got);
        if (!cases[i].to) {
            assert_false(ok);
            continue;
        }
        assert_true(ok);
        assert_true(gk_date_parse(cases[i].to, &want));
        if (got != want)
            fail_msg("%s + %d = %s", cases[i].from, cases[i].years, gk_date_format(got, buf));
    }
}

static void test_date_today_utc(void **state)
{
    gk_date before = (gk_date)(time(NULL) / 86400);
    gk_date today = gk_date_today_utc();
    gk_date after = (gk_date)(time(NULL) / 86400);
    assert_true(today >= before && today <= after);
    gk_date y2024;
    assert_true(gk_date_parse("2024-01-01", &y2024));
    assert_true(today > y2024);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_date_parse_known_values),
        cmocka_unit_test(test_date_parse_rejects),
        cmocka_unit_test(test_date_exhaustive_against_naive_calendar),
        cmocka_unit_test(test_date_from_ymd_validity),
        cmocka_unit_test(test_date_parse_us),
        cmocka_unit_test(test_date_add_years),
        cmocka_unit_test(test_date_today_utc),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
