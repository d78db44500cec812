/* The examination rules of docs/rules.md (E1-E3) on tables: which verdict may be given on
 * which requirement, and which decision fits which determination. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h> /* needs the four headers above first */

#include <stdbool.h>
#include <string.h>

#include "domain/examination.h"

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* E1: not_applicable only on a conditional requirement (SR-2); the others anywhere. */
static void test_verdict_allowed_on(void **state)
{
    (void)state;
    static const struct {
        const char *verdict;
        bool conditional, allowed;
    } rows[] = {
        {"pass", false, true},
        {"pass", true, true},
        {"fail", false, true},
        {"fail", true, true},
        {"not_applicable", false, false}, /* SR-1, SR-3, SR-4: mandatory */
        {"not_applicable", true, true},   /* SR-2: where access control uses credentials */
        {"met_by_equivalence", false, true},
        {"met_by_equivalence", true, true},
    };
    for (size_t i = 0; i < COUNT(rows); i++)
        assert_int_equal(gk_exam_verdict_allowed_on(gk_exam_verdict_rule_of(rows[i].verdict),
                                                    rows[i].conditional),
                         rows[i].allowed);
    assert_false(gk_exam_verdict_allowed_on(NULL, true));
    assert_true(gk_exam_verdict_rule_of("not_applicable")->needs_reason);
}

/* E2: a not_subject case is never granted; not_required is only for it. */
static void test_decision_fits(void **state)
{
    (void)state;
    static const struct {
        const char *decision, *outcome;
        bool fits;
    } rows[] = {
        {"grant", "subject_with_security", true},
        {"grant", "subject_general_only", true},
        {"grant", "not_subject", false},
        {"not_required", "not_subject", true},
        {"not_required", "subject_with_security", false},
        {"not_required", "subject_general_only", false},
        {"reject", "not_subject", true},
        {"reject", "subject_with_security", true},
        {"grant", NULL, false},
        {NULL, "not_subject", false},
    };
    for (size_t i = 0; i < COUNT(rows); i++)
        assert_int_equal(gk_exam_decision_fits(rows[i].decision, rows[i].outcome), rows[i].fits);
}

/* E3: the list of conditional-only verdicts says what the table says. */
static void test_conditional_only_list(void **state)
{
    (void)state;
    size_t n = 0;
    for (size_t i = 0; gk_exam_verdicts[i]; i++) {
        const gk_exam_verdict_rule *r = gk_exam_verdict_rule_of(gk_exam_verdicts[i]);
        assert_non_null(r);
        if (!r->conditional_only) continue;
        bool listed = false;
        for (size_t j = 0; gk_exam_conditional_only_verdicts[j]; j++)
            if (gk_exam_verdict_rule_of(gk_exam_conditional_only_verdicts[j]) == r) listed = true;
        assert_true(listed);
        n++;
    }
    size_t listed = 0;
    while (gk_exam_conditional_only_verdicts[listed])
        listed++;
    assert_int_equal(n, listed);
}

static const gk_exam_finding *finding(const char *name)
{
    for (const gk_exam_finding *f = gk_exam_findings; f->name; f++)
        if (!strcmp(f->name, name)) return f;
    return NULL;
}

/* E4: what SR-2 and SR-3 evidence must answer (report l. 332-340, 352-360). */
static void test_findings_required(void **state)
{
    (void)state;
    static const struct {
        const char *finding, *requirement, *measure;
        bool required;
    } rows[] = {
        {"derivable_from_identifiers", "SR-2", "unique_per_device", true},
        {"derivable_from_identifiers", "SR-2", "prompt_change", false},
        {"derivable_from_identifiers", "SR-2", "equivalent", false},
        {"derivable_from_identifiers", "SR-2", NULL, false},
        {"derivable_from_identifiers", "SR-1", "unique_per_device", false},
        {"update_secure", "SR-3", NULL, true},
        {"update_automatic", "SR-3", NULL, true},
        {"update_method", "SR-3", NULL, true},
        {"update_secure", "SR-4", NULL, false},
        {"update_method", "SR-2", "unique_per_device", false},
    };
    for (size_t i = 0; i < COUNT(rows); i++) {
        const gk_exam_finding *f = finding(rows[i].finding);
        assert_non_null(f);
        if (gk_exam_finding_required(f, rows[i].requirement, rows[i].measure) != rows[i].required)
            fail_msg("%s on %s (%s)", rows[i].finding, rows[i].requirement,
                     rows[i].measure ? rows[i].measure : "-");
    }
    assert_false(gk_exam_finding_required(NULL, "SR-2", "unique_per_device"));
    assert_int_equal(finding("update_method")->type, GK_FINDING_TEXT);
    assert_int_equal(finding("derivable_from_identifiers")->type, GK_FINDING_BOOL);
}

/* E5: which verdict may be given on the latest derivability answer: a per-device value derived
 * from a printed or broadcast identifier is easily guessed, so SR-2 cannot pass on it. */
static void test_verdict_blocked(void **state)
{
    (void)state;
    static const struct {
        const char *requirement, *verdict;
        int derivable;
        bool blocked;
    } rows[] = {
        {"SR-2", "pass", 1, true},
        {"SR-2", "pass", 0, false},
        {"SR-2", "pass", -1, false}, /* not asked (prompt_change) or never answered */
        {"SR-2", "fail", 1, false},
        {"SR-2", "not_applicable", 1, false},
        {"SR-2", "met_by_equivalence", 1, false},
        {"SR-1", "pass", 1, false},
        {"SR-3", "pass", 1, false},
        {NULL, "pass", 1, false},
        {"SR-2", NULL, 1, false},
    };
    for (size_t i = 0; i < COUNT(rows); i++) {
        const char *key =
            gk_exam_verdict_blocked(rows[i].requirement, rows[i].verdict, rows[i].derivable);
        if ((key != NULL) != rows[i].blocked) fail_msg("row %zu", i);
        if (key) assert_string_equal(key, "examination.sr2_derivable");
    }
}

/* E6: an accepted equivalence maps at least one requirement; an equivalent function one. */
static void test_mapping_count(void **state)
{
    (void)state;
    static const struct {
        const char *basis;
        size_t n;
        const char *problem;
    } rows[] = {
        {GK_EXAM_EQ_CERTIFICATE, 0, "examination.equivalence_needs_requirements"},
        {GK_EXAM_EQ_CERTIFICATE, 1, NULL},
        {GK_EXAM_EQ_CERTIFICATE, 4, NULL},
        {GK_EXAM_EQ_FUNCTION, 0, "examination.equivalence_needs_requirements"},
        {GK_EXAM_EQ_FUNCTION, 1, NULL},
        {GK_EXAM_EQ_FUNCTION, 2, "examination.equivalent_function_one"},
    };
    for (size_t i = 0; i < COUNT(rows); i++) {
        const char *p = gk_exam_mapping_count_problem(rows[i].basis, rows[i].n);
        if (!rows[i].problem)
            assert_null(p);
        else
            assert_string_equal(p, rows[i].problem);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_verdict_allowed_on),    cmocka_unit_test(test_decision_fits),
        cmocka_unit_test(test_conditional_only_list), cmocka_unit_test(test_findings_required),
        cmocka_unit_test(test_verdict_blocked),       cmocka_unit_test(test_mapping_count),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
