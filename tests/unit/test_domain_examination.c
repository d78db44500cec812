/* The examination rules of docs/rules.md (E1-E3) on tables: which verdict may be given on
 * which requirement, and which decision fits which determination. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h> /* needs the four headers above first */

#include <stdbool.h>

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

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_verdict_allowed_on),
        cmocka_unit_test(test_decision_fits),
        cmocka_unit_test(test_conditional_only_list),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
