#include "domain/examination.h"

#include <string.h>

static const gk_exam_verdict_rule verdicts[] = {
    {"pass", true, false, false, false},
    {"fail", false, false, false, false},
    {"not_applicable", true, true, false, true},
    {"met_by_equivalence", true, false, true, false},
};

/* verdicts[] by name (a unit test keeps them equal). */
const char *const gk_exam_verdicts[] = {"pass", "fail", "not_applicable", "met_by_equivalence",
                                        NULL};

/* Those of verdicts[] with `clears` (checked by the same test). */
const char *const gk_exam_clearing_verdicts[] = {"pass", "not_applicable", "met_by_equivalence",
                                                 NULL};

/* Those of verdicts[] with `conditional_only` (checked by the same test). */
const char *const gk_exam_conditional_only_verdicts[] = {"not_applicable", NULL};

const char *const gk_exam_decisions[] = {GK_EXAM_DECISION_GRANT, "reject",
                                         GK_EXAM_DECISION_NOT_REQUIRED, NULL};

bool gk_exam_decision_fits(const char *decision, const char *outcome)
{
    if (!decision || !outcome) return false;
    bool not_subject = !strcmp(outcome, "not_subject");
    if (!strcmp(decision, GK_EXAM_DECISION_GRANT)) return !not_subject;
    if (!strcmp(decision, GK_EXAM_DECISION_NOT_REQUIRED)) return not_subject;
    return true;
}

bool gk_exam_verdict_allowed_on(const gk_exam_verdict_rule *rule, bool conditional)
{
    return rule && (!rule->conditional_only || conditional);
}

const gk_exam_verdict_rule *gk_exam_verdict_rule_of(const char *name)
{
    for (size_t i = 0; name && i < sizeof verdicts / sizeof *verdicts; i++)
        if (!strcmp(verdicts[i].name, name)) return &verdicts[i];
    return NULL;
}

const gk_exam_finding gk_exam_findings[] = {
    {"SR-2", GK_EXAM_FINDING_DERIVABLE, GK_FINDING_BOOL, "unique_per_device"},
    {"SR-3", "update_secure", GK_FINDING_BOOL, NULL},
    {"SR-3", "update_automatic", GK_FINDING_BOOL, NULL},
    {"SR-3", "update_method", GK_FINDING_TEXT, NULL},
    {NULL, NULL, GK_FINDING_BOOL, NULL},
};

bool gk_exam_finding_required(const gk_exam_finding *f, const char *requirement,
                              const char *declared_measure)
{
    if (!f || !f->name || !requirement || strcmp(f->requirement, requirement)) return false;
    if (!f->when_measure) return true;
    return declared_measure && !strcmp(declared_measure, f->when_measure);
}

const char *gk_exam_verdict_blocked(const char *requirement, const char *verdict, int derivable)
{
    if (!requirement || !verdict) return NULL;
    if (!strcmp(requirement, "SR-2") && !strcmp(verdict, "pass") && derivable == 1)
        return "examination.sr2_derivable";
    return NULL;
}

const char *gk_exam_mapping_count_problem(const char *basis, size_t n_mappings)
{
    if (n_mappings == 0) return "examination.equivalence_needs_requirements";
    if (basis && !strcmp(basis, GK_EXAM_EQ_FUNCTION) && n_mappings != 1)
        return "examination.equivalent_function_one";
    return NULL;
}
