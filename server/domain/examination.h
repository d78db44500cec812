/* The vocabulary of an examination as data: the verdicts an examiner gives a requirement
 * (and what each means for a grant), the decisions a proposal may carry, and the obligation
 * evidence is recorded against. The schema's CHECK lists (schema/0008_examination.sql) say
 * the same; a unit test compares them. Static data, nothing allocated. */
#ifndef GK_DOMAIN_EXAMINATION_H
#define GK_DOMAIN_EXAMINATION_H

#include <stdbool.h>

typedef struct {
    const char *name;       /* "pass", ... as the API and the database spell it */
    bool clears;            /* counts as met when a grant is proposed or approved */
    bool needs_reason;      /* refused without a reason */
    bool needs_equivalence; /* only with an equivalence mapping for the requirement */
    /* only on a requirement the rule set marks conditional (SR-2: "where access control uses
     * identification codes"); the report makes every other requirement mandatory */
    bool conditional_only;
} gk_exam_verdict_rule;

/* Verdicts, NULL-terminated names (the choices of the verdict field). */
extern const char *const gk_exam_verdicts[];
/* The rule of a verdict; NULL for an unknown name. */
const gk_exam_verdict_rule *gk_exam_verdict_rule_of(const char *name);

/* The names of the verdicts with conditional_only, NULL-terminated (they clear only a
 * conditional requirement). */
extern const char *const gk_exam_conditional_only_verdicts[];

/* The names of the verdicts that clear a requirement, NULL-terminated. */
extern const char *const gk_exam_clearing_verdicts[];

/* Decisions a proposal may carry, NULL-terminated. */
extern const char *const gk_exam_decisions[];
#define GK_EXAM_DECISION_GRANT "grant"
/* Equipment outside certification (determination not_subject): closed with no certificate. */
#define GK_EXAM_DECISION_NOT_REQUIRED "not_required"

/* Whether a decision fits the case's determination outcome: a not_subject case can only be
 * closed as not_required (or rejected), and not_required fits nothing else. */
bool gk_exam_decision_fits(const char *decision, const char *outcome);

/* Whether verdict may be given on a requirement that is (or is not) conditional. */
bool gk_exam_verdict_allowed_on(const gk_exam_verdict_rule *rule, bool conditional);

/* The obligation (not a requirement of the rule set) that evidence may be recorded against:
 * the manual says the device is not to be connected directly. */
#define GK_EXAM_OBLIGATION_MANUAL "manual_no_direct_connection_statement"

#endif
