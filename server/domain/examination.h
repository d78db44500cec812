/* The vocabulary of an examination as data: the verdicts an examiner gives a requirement
 * (and what each means for a grant), the decisions a proposal may carry, and the obligation
 * evidence is recorded against. The schema's CHECK lists (schema/0008_examination.sql) say
 * the same; a unit test compares them. Static data, nothing allocated. */
#ifndef GK_DOMAIN_EXAMINATION_H
#define GK_DOMAIN_EXAMINATION_H

#include <stdbool.h>
#include <stddef.h>

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

/* ---- findings: the structured answers an evidence item on a requirement carries ---------- */

typedef enum { GK_FINDING_BOOL, GK_FINDING_TEXT } gk_exam_finding_type;

typedef struct {
    const char *requirement; /* "SR-2" */
    const char *name;        /* the field of the evidence body, the key in its findings */
    gk_exam_finding_type type;
    /* asked only when the applicant declared this measure for the requirement (NULL: always) */
    const char *when_measure;
} gk_exam_finding;

/* SR-2 (report l. 332-340, purpose "so that others cannot easily guess them"): are the
 * per-device initial values derivable from identifiers printed on or broadcast by the device
 * (MAC address, serial number)? Asked when the declared measure is unique_per_device.
 * SR-3 (l. 352-360): are updates secure, automatic, and by what method (recommended and
 * recorded, not required). NULL-name terminated. */
extern const gk_exam_finding gk_exam_findings[];
#define GK_EXAM_FINDING_DERIVABLE "derivable_from_identifiers"

/* Whether finding f must be answered on evidence for `requirement` when the applicant
 * declared `declared_measure` (NULL: none) for it. False for a finding of another
 * requirement. */
bool gk_exam_finding_required(const gk_exam_finding *f, const char *requirement,
                              const char *declared_measure);

/* Whether `verdict` may be given on `requirement` given the latest recorded answer to the
 * derivability question (-1 never answered, 0 no, 1 yes): NULL when it may, else the message
 * key of the refusal. A per-device value derivable from a printed or broadcast identifier
 * is one others can easily guess: SR-2 cannot pass on it. */
const char *gk_exam_verdict_blocked(const char *requirement, const char *verdict, int derivable);

/* ---- equivalence: per requirement ------------------------------------------------------ */

/* The bases of an equivalence decision: a certificate of a recognised scheme, or a function
 * equivalent to or better than the requirement without any certificate. */
#define GK_EXAM_EQ_CERTIFICATE "certificate"
#define GK_EXAM_EQ_FUNCTION "equivalent_function"
/* The scheme whose certificates are in the registry (cc_certificates) and cited by id. */
#define GK_EXAM_SCHEME_CC "cc"

/* What an accepted equivalence decision needs, given the number of requirements it maps:
 * GK_ERR-free check returning NULL when fine, else the message key (a certificate maps one
 * or more requirements, never none; an equivalent function exactly one). */
const char *gk_exam_mapping_count_problem(const char *basis, size_t n_mappings);

#endif
