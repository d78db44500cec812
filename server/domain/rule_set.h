/* Rule sets: versions of the technical standard as DATA (docs/rules.md "Transition rules").
 *
 * A rule set is the technical standard as in force from one date: its promulgation date, its
 * effective date and its catalogue of security requirements. An amendment of the ordinance is a
 * new rule set row, never new code: every function here works on any array of rule sets, in
 * any order (the server loads them from the database; tests build their own).
 *
 * Memory: the structs only borrow strings and arrays. Whoever builds them (test data, or the
 * database loader with its own arena) owns them and keeps them alive as long as
 * any result of this module (which points into them) is used. Nothing here allocates. */
#ifndef GK_DOMAIN_RULE_SET_H
#define GK_DOMAIN_RULE_SET_H

#include <stdbool.h>
#include <stddef.h>

#include "domain/date.h"
#include "errors.h"

/* Upper bounds that let results live in fixed arrays; gk_rule_set_check refuses more. */
#define GK_RULE_SET_MAX_REQUIREMENTS 32
#define GK_RULE_SET_MAX_MEASURES 8

typedef enum {
    GK_REQ_KIND_REQUIREMENT, /* an item the equipment must meet (SR-1..SR-4) */
    GK_REQ_KIND_EQUIVALENCE, /* "or equivalent or better" (同等以上): a way to meet them all */
} gk_requirement_kind;

typedef struct {
    const char *id; /* stable id, "SR-1"; the key of declarations and verdicts */
    gk_requirement_kind kind;
    const char *title_en;
    const char *title_ja;
    const char *legal_basis;     /* e.g. "端末設備等規則 第34条の10 第1号" */
    const char *const *measures; /* accepted declaration measures (SR-2), may be NULL */
    size_t n_measures;
} gk_requirement;

typedef struct {
    const char *id; /* "pre-2020", "2020-04" */
    const char *title_en;
    const char *title_ja;
    const char *legal_basis; /* the amending ordinance */
    gk_date promulgated_on;
    gk_date effective_on;
    const gk_requirement *requirements; /* catalogue; may be NULL when n_requirements == 0 */
    size_t n_requirements;
} gk_rule_set;

/* Where a rule set stands on a given day, for the list shown to applicants ahead of time. */
typedef enum {
    GK_RULE_SET_DRAFT,       /* not yet promulgated */
    GK_RULE_SET_PROMULGATED, /* promulgated, in its grace period, not yet effective */
    GK_RULE_SET_IN_FORCE,    /* the one that governs filings made today */
    GK_RULE_SET_SUPERSEDED,  /* an older one; still governs what was filed/granted under it */
} gk_rule_set_status;

/* Checks that a loaded array is usable: unique non-empty ids, promulgated_on <= effective_on,
 * distinct effective dates (otherwise "the rule set in force" is ambiguous), at most
 * GK_RULE_SET_MAX_REQUIREMENTS requirements with unique ids, known kinds, measures within
 * GK_RULE_SET_MAX_MEASURES. GK_ERR_OK, or GK_ERR_VALIDATION with *problem (static English
 * text, may be NULL) naming the first defect. The loader runs it once at start-up. */
gk_error gk_rule_set_check(const gk_rule_set *sets, size_t n, const char **problem);

/* Finds a rule set by id; NULL when unknown. */
const gk_rule_set *gk_rule_set_find(const gk_rule_set *sets, size_t n, const char *id);

/* The rule set in force on `date`: the one with the latest effective_on <= date.
 * NULL when none is effective yet on that date. */
const gk_rule_set *gk_rule_set_in_force(const gk_rule_set *sets, size_t n, gk_date date);

/* The rule set that governs an application filed on filing_date (docs/rules.md: "judged under the
 * rule set in force on its filing date ... unless the applicant opts in to the newer rule set
 * early"). opt_in_id NULL = no opt-in.
 *   GK_ERR_OK                        *out set (the in-force set, or the opted-in one)
 *   GK_ERR_RULE_SET_UNKNOWN          opt_in_id names no rule set, or none is in force on
 *                                    filing_date (a date before every rule set)
 *   GK_ERR_RULE_SET_NOT_PROMULGATED  opt_in names a set not yet promulgated on filing_date
 *   GK_ERR_RULE_SET_OLDER            opt_in names a set older than the one in force
 * Opting into the set already in force is accepted (it changes nothing). */
gk_error gk_rule_set_select(const gk_rule_set *sets, size_t n, gk_date filing_date,
                            const char *opt_in_id, const gk_rule_set **out);

/* Days between promulgation and effect: the grace period (the 2018 report asked for one to
 * two years; 2020-04 has 397 days). */
int gk_rule_set_grace_days(const gk_rule_set *set);

/* Status of `set` on `today` relative to the other sets of the array. */
gk_rule_set_status gk_rule_set_status_on(const gk_rule_set *sets, size_t n, const gk_rule_set *set,
                                         gk_date today);
/* "draft", "promulgated", "in_force", "superseded". */
const char *gk_rule_set_status_name(gk_rule_set_status status);

/* True when the set has at least one item of kind GK_REQ_KIND_REQUIREMENT (pre-2020 has none,
 * so under it no equipment is "subject_with_security"). */
bool gk_rule_set_has_security_requirements(const gk_rule_set *set);

/* Finds a catalogue entry by id ("SR-2"); NULL when the set has no such entry. */
const gk_requirement *gk_rule_set_requirement(const gk_rule_set *set, const char *req_id);

/* True when `measure` ("prompt_change") is one of the requirement's accepted measures. */
bool gk_requirement_has_measure(const gk_requirement *req, const char *measure);

/* "requirement" / "equivalence". */
const char *gk_requirement_kind_name(gk_requirement_kind kind);

/* Grandfathering of a certificate known only by its grant date (bulk import of pre-existing
 * certificates): true exactly when a rule set is in force on `today` whose effective_on is
 * later than granted_on, i.e. the certificate was granted before the current technical
 * standard took effect and stays valid under the supplementary provisions (附則: certificates
 * granted before the effective date remain valid). False when no rule set is in force today. */
bool gk_rule_set_is_grandfathered(const gk_rule_set *sets, size_t n, gk_date granted_on,
                                  gk_date today);

/* Grandfathering of a certificate whose governing rule set is recorded (granted by this
 * system): true when that rule set is not the one in force on `today` and is older than it.
 * This also covers an application pending on an effective date, finished under the old set
 * and granted after the date. False when the id is unknown or nothing is in force today. */
bool gk_rule_set_is_superseded(const gk_rule_set *sets, size_t n, const char *rule_set_id,
                               gk_date today);

#endif
