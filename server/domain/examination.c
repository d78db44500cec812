#include "domain/examination.h"

#include <string.h>

static const gk_exam_verdict_rule verdicts[] = {
    {"pass", true, false, false},
    {"fail", false, false, false},
    {"not_applicable", true, true, false},
    {"met_by_equivalence", true, false, true},
};

/* verdicts[] by name (a unit test keeps them equal). */
const char *const gk_exam_verdicts[] = {"pass", "fail", "not_applicable", "met_by_equivalence",
                                        NULL};

/* Those of verdicts[] with `clears` (checked by the same test). */
const char *const gk_exam_clearing_verdicts[] = {"pass", "not_applicable", "met_by_equivalence",
                                                 NULL};

const char *const gk_exam_decisions[] = {GK_EXAM_DECISION_GRANT, "reject", NULL};

const gk_exam_verdict_rule *gk_exam_verdict_rule_of(const char *name)
{
    for (size_t i = 0; name && i < sizeof verdicts / sizeof *verdicts; i++)
        if (!strcmp(verdicts[i].name, name)) return &verdicts[i];
    return NULL;
}
