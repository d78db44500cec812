/* Unit tests of domain/rule_set: the built-in data, selection by filing date and opt-in,
 * grandfathering, statuses, the load-time check, and a third (future) rule set that must
 * work with no code change. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h> /* needs the four headers above first */

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "domain/determination.h"
#include "domain/rule_set.h"
#include "rule_set_fixture.h"

static gk_date D(const char *s)
{
    gk_date d;
    if (!gk_date_parse(s, &d)) fail_msg("bad test date %s", s);
    return d;
}

/* A hypothetical amendment, built in the test from data only: promulgated 2026-10-01,
 * effective 2027-10-01, the 2020 catalogue plus SR-5. Its dates are set in setup_future(). */
static const char *const sr2_measures[] = {"prompt_change", "unique_per_device", "equivalent"};
static const gk_requirement future_requirements[] = {
    {"SR-1", GK_REQ_KIND_REQUIREMENT, "Access control", "アクセス制御機能", "", NULL, 0},
    {"SR-2", GK_REQ_KIND_REQUIREMENT, "Initial credentials", "識別符号", "", sr2_measures, 3},
    {"SR-3", GK_REQ_KIND_REQUIREMENT, "Firmware update", "更新機能", "", NULL, 0},
    {"SR-4", GK_REQ_KIND_REQUIREMENT, "Retention", "維持", "", NULL, 0},
    {"SR-5", GK_REQ_KIND_REQUIREMENT, "Vulnerability disclosure contact", "脆弱性窓口", "", NULL,
     0},
    {"EQ", GK_REQ_KIND_EQUIVALENCE, "Equivalent", "同等以上", "", NULL, 0},
};

/* sets[0..2]: the two built-ins and the future set, in the order given by `order`. */
static void three_sets(const int order[3], gk_rule_set out[3])
{
    size_t n;
    const gk_rule_set *b = gk_rule_set_builtin(&n);
    assert_int_equal(n, 2);
    gk_rule_set all[3] = {b[0],
                          b[1],
                          {"2027-10", "Future", "将来", "", D("2026-10-01"), D("2027-10-01"),
                           future_requirements,
                           sizeof future_requirements / sizeof future_requirements[0]}};
    for (int i = 0; i < 3; i++)
        out[i] = all[order[i]];
}

static const int permutations[6][3] = {{0, 1, 2}, {0, 2, 1}, {1, 0, 2},
                                       {1, 2, 0}, {2, 0, 1}, {2, 1, 0}};

/* ---- built-in data ------------------------------------------------------------------ */

static void test_rule_set_builtin_data(void **state)
{
    size_t n;
    const gk_rule_set *sets = gk_rule_set_builtin(&n);
    assert_int_equal(n, 2);
    assert_int_equal(gk_rule_set_check(sets, n, NULL), GK_ERR_OK);

    const gk_rule_set *pre = gk_rule_set_find(sets, n, "pre-2020");
    const gk_rule_set *r20 = gk_rule_set_find(sets, n, "2020-04");
    assert_non_null(pre);
    assert_non_null(r20);
    assert_int_equal(pre->effective_on, D("1985-04-01"));
    assert_int_equal(r20->promulgated_on, D("2019-03-01"));
    assert_int_equal(r20->effective_on, D("2020-04-01"));
    assert_false(gk_rule_set_has_security_requirements(pre));
    assert_true(gk_rule_set_has_security_requirements(r20));
    assert_int_equal(gk_rule_set_grace_days(r20), 397);
    assert_int_equal(gk_rule_set_grace_days(pre), 0);

    static const struct {
        const char *id;
        gk_requirement_kind kind;
    } catalogue[] = {{"SR-1", GK_REQ_KIND_REQUIREMENT},
                     {"SR-2", GK_REQ_KIND_REQUIREMENT},
                     {"SR-3", GK_REQ_KIND_REQUIREMENT},
                     {"SR-4", GK_REQ_KIND_REQUIREMENT},
                     {"EQ", GK_REQ_KIND_EQUIVALENCE}};
    assert_int_equal(r20->n_requirements, 5);
    for (size_t i = 0; i < 5; i++) {
        assert_string_equal(r20->requirements[i].id, catalogue[i].id);
        assert_int_equal(r20->requirements[i].kind, catalogue[i].kind);
        assert_non_null(r20->requirements[i].title_en);
        assert_non_null(r20->requirements[i].title_ja);
    }
    assert_string_equal(gk_requirement_kind_name(GK_REQ_KIND_REQUIREMENT), "requirement");
    assert_string_equal(gk_requirement_kind_name(GK_REQ_KIND_EQUIVALENCE), "equivalence");
    assert_null(gk_rule_set_find(sets, n, "2020"));
    assert_null(gk_rule_set_find(sets, n, NULL));
}

static void test_rule_set_sr2_measures(void **state)
{
    size_t n;
    const gk_rule_set *r20 = gk_rule_set_find(gk_rule_set_builtin(&n), 2, "2020-04");
    const gk_requirement *sr2 = gk_rule_set_requirement(r20, "SR-2");
    const gk_requirement *sr1 = gk_rule_set_requirement(r20, "SR-1");
    assert_non_null(sr2);
    assert_non_null(sr1);
    assert_null(gk_rule_set_requirement(r20, "SR-9"));
    assert_null(gk_rule_set_requirement(r20, NULL));
    static const struct {
        const char *measure;
        bool sr2, sr1;
    } cases[] = {{"prompt_change", true, false},  {"unique_per_device", true, false},
                 {"equivalent", true, false},     {"default_password", false, false},
                 {"Prompt_change", false, false}, {"", false, false}};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        assert_int_equal(gk_requirement_has_measure(sr2, cases[i].measure), cases[i].sr2);
        assert_int_equal(gk_requirement_has_measure(sr1, cases[i].measure), cases[i].sr1);
    }
    assert_false(gk_requirement_has_measure(sr2, NULL));
}

/* ---- selection ---------------------------------------------------------------------- */

typedef struct {
    const char *filing;
    const char *opt_in;
    gk_error err;
    const char *id; /* expected rule set when err == OK */
} select_case;

static void run_select_cases(const gk_rule_set *sets, size_t n, const select_case *c, size_t count)
{
    for (size_t i = 0; i < count; i++) {
        const gk_rule_set *out = (const gk_rule_set *)&out; /* sentinel */
        gk_error e = gk_rule_set_select(sets, n, D(c[i].filing), c[i].opt_in, &out);
        if (e != c[i].err)
            fail_msg("filing %s opt-in %s: %s, expected %s", c[i].filing,
                     c[i].opt_in ? c[i].opt_in : "-", gk_error_code(e), gk_error_code(c[i].err));
        if (e == GK_ERR_OK)
            assert_string_equal(out->id, c[i].id);
        else
            assert_ptr_equal(out, (const gk_rule_set *)&out); /* untouched on error */
    }
}

static const select_case builtin_select_cases[] = {
    {"2019-06-01", NULL, GK_ERR_OK, "pre-2020"},
    {"2020-03-31", NULL, GK_ERR_OK, "pre-2020"},
    {"2020-04-01", NULL, GK_ERR_OK, "2020-04"},
    {"2031-01-01", NULL, GK_ERR_OK, "2020-04"},
    {"1985-04-01", NULL, GK_ERR_OK, "pre-2020"},
    {"1985-03-31", NULL, GK_ERR_RULE_SET_UNKNOWN, NULL},
    /* opt-in to the promulgated, not yet effective set */
    {"2019-06-01", "2020-04", GK_ERR_OK, "2020-04"},
    {"2019-03-01", "2020-04", GK_ERR_OK, "2020-04"},
    {"2020-03-31", "2020-04", GK_ERR_OK, "2020-04"},
    {"2019-02-28", "2020-04", GK_ERR_RULE_SET_NOT_PROMULGATED, NULL},
    {"2019-01-15", "2020-04", GK_ERR_RULE_SET_NOT_PROMULGATED, NULL},
    /* opting into the set in force changes nothing */
    {"2021-06-01", "2020-04", GK_ERR_OK, "2020-04"},
    {"2020-03-31", "pre-2020", GK_ERR_OK, "pre-2020"},
    /* older than the set in force */
    {"2021-06-01", "pre-2020", GK_ERR_RULE_SET_OLDER, NULL},
    {"2020-04-01", "pre-2020", GK_ERR_RULE_SET_OLDER, NULL},
    /* unknown */
    {"2021-06-01", "2020-05", GK_ERR_RULE_SET_UNKNOWN, NULL},
    {"2021-06-01", "", GK_ERR_RULE_SET_UNKNOWN, NULL},
    {"2021-06-01", "PRE-2020", GK_ERR_RULE_SET_UNKNOWN, NULL},
    {"1980-01-01", "pre-2020", GK_ERR_RULE_SET_NOT_PROMULGATED, NULL},
};

static void test_rule_set_select_builtin(void **state)
{
    size_t n;
    const gk_rule_set *b = gk_rule_set_builtin(&n);
    run_select_cases(b, n, builtin_select_cases,
                     sizeof builtin_select_cases / sizeof builtin_select_cases[0]);
    /* Reversed input order gives the same answers. */
    gk_rule_set rev[2] = {b[1], b[0]};
    run_select_cases(rev, 2, builtin_select_cases,
                     sizeof builtin_select_cases / sizeof builtin_select_cases[0]);
}

static const select_case future_select_cases[] = {
    {"2026-09-30", "2027-10", GK_ERR_RULE_SET_NOT_PROMULGATED, NULL},
    {"2026-10-01", "2027-10", GK_ERR_OK, "2027-10"},
    {"2027-09-30", NULL, GK_ERR_OK, "2020-04"},
    {"2027-10-01", NULL, GK_ERR_OK, "2027-10"},
    {"2028-01-01", "2020-04", GK_ERR_RULE_SET_OLDER, NULL},
    {"2027-01-01", "pre-2020", GK_ERR_RULE_SET_OLDER, NULL},
    {"2027-01-01", "2020-04", GK_ERR_OK, "2020-04"},
    /* from 2019, two steps ahead: 2027-10 is not promulgated yet */
    {"2019-06-01", "2027-10", GK_ERR_RULE_SET_NOT_PROMULGATED, NULL},
    {"2019-06-01", "2020-04", GK_ERR_OK, "2020-04"},
    {"2019-06-01", NULL, GK_ERR_OK, "pre-2020"},
};

static void test_rule_set_third_set_no_code_change(void **state)
{
    for (int p = 0; p < 6; p++) {
        gk_rule_set sets[3];
        three_sets(permutations[p], sets);
        assert_int_equal(gk_rule_set_check(sets, 3, NULL), GK_ERR_OK);
        run_select_cases(sets, 3, future_select_cases,
                         sizeof future_select_cases / sizeof future_select_cases[0]);

        const gk_rule_set *f = gk_rule_set_find(sets, 3, "2027-10");
        assert_int_equal(gk_rule_set_grace_days(f), 365);

        /* Determination under the future set lists SR-1..SR-5 (EQ is no requirement). */
        gk_facts facts = {{GK_TRI_TRUE, GK_TRI_TRUE, GK_TRI_TRUE, GK_TRI_TRUE, GK_TRI_FALSE}};
        gk_determination det;
        assert_int_equal(gk_determination_on(sets, 3, &facts, D("2027-10-01"), NULL, &det),
                         GK_ERR_OK);
        assert_int_equal(det.outcome, GK_OUTCOME_SUBJECT_WITH_SECURITY);
        assert_string_equal(det.rule_set->id, "2027-10");
        static const char *const want[] = {"SR-1", "SR-2", "SR-3", "SR-4", "SR-5"};
        assert_int_equal(det.n_requirements, 5);
        for (size_t i = 0; i < 5; i++)
            assert_string_equal(det.requirements[i], want[i]);
        /* The day before, the 2020 set still governs: four requirements. */
        assert_int_equal(gk_determination_on(sets, 3, &facts, D("2027-09-30"), NULL, &det),
                         GK_ERR_OK);
        assert_string_equal(det.rule_set->id, "2020-04");
        assert_int_equal(det.n_requirements, 4);

        /* Grandfathering follows the new set too. */
        assert_true(gk_rule_set_is_grandfathered(sets, 3, D("2021-05-01"), D("2027-10-01")));
        assert_false(gk_rule_set_is_grandfathered(sets, 3, D("2021-05-01"), D("2027-09-30")));
        assert_true(gk_rule_set_is_superseded(sets, 3, "2020-04", D("2027-10-01")));
        assert_false(gk_rule_set_is_superseded(sets, 3, "2027-10", D("2027-10-01")));
    }
}

static void test_rule_set_in_force(void **state)
{
    static const struct {
        const char *date;
        const char *id; /* NULL: none */
    } cases[] = {
        {"1985-03-31", NULL},       {"1985-04-01", "pre-2020"}, {"2019-03-01", "pre-2020"},
        {"2020-03-31", "pre-2020"}, {"2020-04-01", "2020-04"},  {"2027-09-30", "2020-04"},
        {"2027-10-01", "2027-10"},  {"2099-12-31", "2027-10"},
    };
    for (int p = 0; p < 6; p++) {
        gk_rule_set sets[3];
        three_sets(permutations[p], sets);
        for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
            const gk_rule_set *r = gk_rule_set_in_force(sets, 3, D(cases[i].date));
            if (!cases[i].id)
                assert_null(r);
            else {
                assert_non_null(r);
                assert_string_equal(r->id, cases[i].id);
            }
        }
    }
}

static void test_rule_set_status_on(void **state)
{
    static const struct {
        const char *today, *id;
        gk_rule_set_status status;
        const char *name;
    } cases[] = {
        {"2019-02-28", "2020-04", GK_RULE_SET_DRAFT, "draft"},
        {"2019-03-01", "2020-04", GK_RULE_SET_PROMULGATED, "promulgated"},
        {"2020-03-31", "2020-04", GK_RULE_SET_PROMULGATED, "promulgated"},
        {"2020-03-31", "pre-2020", GK_RULE_SET_IN_FORCE, "in_force"},
        {"2020-04-01", "2020-04", GK_RULE_SET_IN_FORCE, "in_force"},
        {"2020-04-01", "pre-2020", GK_RULE_SET_SUPERSEDED, "superseded"},
        {"2026-06-01", "2027-10", GK_RULE_SET_DRAFT, "draft"},
        {"2026-12-01", "2027-10", GK_RULE_SET_PROMULGATED, "promulgated"},
        {"2026-12-01", "2020-04", GK_RULE_SET_IN_FORCE, "in_force"},
        {"2028-01-01", "2020-04", GK_RULE_SET_SUPERSEDED, "superseded"},
        {"2028-01-01", "2027-10", GK_RULE_SET_IN_FORCE, "in_force"},
    };
    gk_rule_set sets[3];
    three_sets(permutations[4], sets);
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const gk_rule_set *r = gk_rule_set_find(sets, 3, cases[i].id);
        gk_rule_set_status s = gk_rule_set_status_on(sets, 3, r, D(cases[i].today));
        assert_int_equal(s, cases[i].status);
        assert_string_equal(gk_rule_set_status_name(s), cases[i].name);
    }
}

/* ---- grandfathering ----------------------------------------------------------------- */

static void test_rule_set_grandfathered(void **state)
{
    static const struct {
        const char *granted, *today;
        bool grandfathered;
    } cases[] = {
        {"2019-12-31", "2021-01-01", true},  /* granted under pre-2020, viewed after 2020-04 */
        {"2020-03-31", "2020-04-01", true},  /* last day before the effective date */
        {"2020-04-01", "2020-04-01", false}, /* granted on the effective date */
        {"2020-04-01", "2025-01-01", false},
        {"2019-06-01", "2020-03-31", false}, /* new set not yet effective today */
        {"1990-01-01", "2019-01-01", false},
        {"2019-06-01", "1980-01-01", false}, /* nothing in force "today" */
        {"1980-01-01", "2021-01-01", true},  /* before every rule set */
    };
    size_t n;
    const gk_rule_set *b = gk_rule_set_builtin(&n);
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        if (gk_rule_set_is_grandfathered(b, n, D(cases[i].granted), D(cases[i].today)) !=
            cases[i].grandfathered)
            fail_msg("granted %s today %s", cases[i].granted, cases[i].today);
}

static void test_rule_set_superseded(void **state)
{
    static const struct {
        const char *id, *today;
        bool superseded;
    } cases[] = {
        {"pre-2020", "2021-01-01", true}, /* e.g. pending at 2020-04-01, granted in 2020-06 */
        {"pre-2020", "2020-04-01", true}, {"pre-2020", "2020-03-31", false},
        {"2020-04", "2021-01-01", false}, {"2020-04", "2019-06-01", false}, /* opted in early */
        {"nope", "2021-01-01", false},    {"pre-2020", "1980-01-01", false},
    };
    size_t n;
    const gk_rule_set *b = gk_rule_set_builtin(&n);
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        if (gk_rule_set_is_superseded(b, n, cases[i].id, D(cases[i].today)) != cases[i].superseded)
            fail_msg("%s today %s", cases[i].id, cases[i].today);
    assert_false(gk_rule_set_is_superseded(b, n, NULL, D("2021-01-01")));
}

/* ---- load-time check ---------------------------------------------------------------- */

static void test_rule_set_check_rejects_bad_data(void **state)
{
    static const gk_requirement dup_req[] = {
        {"SR-1", GK_REQ_KIND_REQUIREMENT, "a", "a", "", NULL, 0},
        {"SR-1", GK_REQ_KIND_REQUIREMENT, "b", "b", "", NULL, 0},
    };
    static const gk_requirement no_id[] = {{NULL, GK_REQ_KIND_REQUIREMENT, "a", "a", "", NULL, 0}};
    static const gk_requirement bad_kind[] = {
        {"SR-1", (gk_requirement_kind)7, "a", "a", "", NULL, 0}};
    static const gk_requirement bad_measures[] = {
        {"SR-2", GK_REQ_KIND_REQUIREMENT, "a", "a", "", NULL, 2}};
    static const char *const empty_measure[] = {""};
    static const gk_requirement empty_measures[] = {
        {"SR-2", GK_REQ_KIND_REQUIREMENT, "a", "a", "", empty_measure, 1}};
    static gk_requirement many[GK_RULE_SET_MAX_REQUIREMENTS + 1];
    static char ids[GK_RULE_SET_MAX_REQUIREMENTS + 1][16];
    for (int i = 0; i <= GK_RULE_SET_MAX_REQUIREMENTS; i++) {
        snprintf(ids[i], sizeof ids[i], "SR-%d", i);
        many[i] = (gk_requirement){ids[i], GK_REQ_KIND_REQUIREMENT, "t", "t", "", NULL, 0};
    }

    const gk_date a = D("2019-03-01"), b = D("2020-04-01"), c = D("2021-04-01");
    const struct {
        const char *what;
        gk_rule_set sets[2];
        size_t n;
    } cases[] = {
        {"duplicate id", {{"x", "", "", "", a, a, NULL, 0}, {"x", "", "", "", b, b, NULL, 0}}, 2},
        {"same effective date",
         {{"x", "", "", "", a, b, NULL, 0}, {"y", "", "", "", a, b, NULL, 0}},
         2},
        {"promulgated after effective", {{"x", "", "", "", c, b, NULL, 0}}, 1},
        {"empty id", {{"", "", "", "", a, b, NULL, 0}}, 1},
        {"null id", {{NULL, "", "", "", a, b, NULL, 0}}, 1},
        {"no date", {{"x", "", "", "", GK_DATE_NONE, b, NULL, 0}}, 1},
        {"count without array", {{"x", "", "", "", a, b, NULL, 3}}, 1},
        {"duplicate requirement", {{"x", "", "", "", a, b, dup_req, 2}}, 1},
        {"requirement without id", {{"x", "", "", "", a, b, no_id, 1}}, 1},
        {"requirement of unknown kind", {{"x", "", "", "", a, b, bad_kind, 1}}, 1},
        {"measures count without array", {{"x", "", "", "", a, b, bad_measures, 1}}, 1},
        {"empty measure", {{"x", "", "", "", a, b, empty_measures, 1}}, 1},
        {"too many requirements",
         {{"x", "", "", "", a, b, many, GK_RULE_SET_MAX_REQUIREMENTS + 1}},
         1},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const char *problem = NULL;
        if (gk_rule_set_check(cases[i].sets, cases[i].n, &problem) != GK_ERR_VALIDATION)
            fail_msg("accepted: %s", cases[i].what);
        assert_non_null(problem);
    }
    /* The boundary: exactly the maximum is fine. */
    gk_rule_set ok = {"x", "", "", "", a, b, many, GK_RULE_SET_MAX_REQUIREMENTS};
    assert_int_equal(gk_rule_set_check(&ok, 1, NULL), GK_ERR_OK);
    assert_int_equal(gk_rule_set_check(NULL, 0, NULL), GK_ERR_OK);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rule_set_builtin_data),
        cmocka_unit_test(test_rule_set_sr2_measures),
        cmocka_unit_test(test_rule_set_select_builtin),
        cmocka_unit_test(test_rule_set_third_set_no_code_change),
        cmocka_unit_test(test_rule_set_in_force),
        cmocka_unit_test(test_rule_set_status_on),
        cmocka_unit_test(test_rule_set_grandfathered),
        cmocka_unit_test(test_rule_set_superseded),
        cmocka_unit_test(test_rule_set_check_rejects_bad_data),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
