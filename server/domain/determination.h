/* The scope determination: does certification apply, and does Article 34-10 (the IoT
 * security requirements) apply? (docs/rules.md "Scope", 端末設備等規則 第34条の10.)
 *
 * Input: five facts about the equipment, each unset/false/true, and the governing rule set.
 * Output: the outcome, the applicable requirement ids, obligations, and the complete
 * rationale (every test evaluated and reported, with the deciding ones flagged).
 *
 * Memory: the result is a plain struct filled in place; every string in it is either a static
 * name or message key of this module, or points into the rule set passed in (which must outlive the result).
 * Nothing is allocated, so there is nothing to free. */
#ifndef GK_DOMAIN_DETERMINATION_H
#define GK_DOMAIN_DETERMINATION_H

#include <stdbool.h>
#include <stddef.h>

#include "domain/date.h"
#include "domain/rule_set.h"
#include "errors.h"

/* A fact the applicant may not have stated yet. UNSET is zero, so `{0}` is "nothing known". */
typedef enum { GK_TRI_UNSET = 0, GK_TRI_FALSE, GK_TRI_TRUE } gk_tristate;

/* The facts, in the order of gk_determination_fact_names. */
typedef enum {
    GK_FACT_DIRECTLY_CONNECTABLE,               /* physically and technically able to connect
                                                   directly to a carrier's line facility */
    GK_FACT_DATA_TRANSMISSION_FACILITY,         /* connects to a digital data transmission
                                                   facility (FTTH, DSL, CATV, mobile ...) */
    GK_FACT_USES_IP,                            /* uses Internet Protocol on that connection */
    GK_FACT_REMOTELY_CONFIGURABLE,              /* its send/receive settings can be changed via
                                                   the line (web admin, telnet, cloud, TR-069) */
    GK_FACT_USER_INSTALLABLE_SECURITY_SOFTWARE, /* the user can at will and at any time take
                                                 measures with arbitrary software (PC, phone) */
    /* The report's two-part direct-connection test (l. 511-515); when both are answered they
     * decide, and GK_FACT_DIRECTLY_CONNECTABLE is derived from them (gk_facts_normalise). */
    GK_FACT_CONNECTABLE_TO_CARRIER_LINE,    /* physically and technically connectable directly
                                               to a carrier's line facility (WAN port, SIM ...) */
    GK_FACT_ALWAYS_VIA_CERTIFIED_EQUIPMENT, /* constantly connected through certified equipment
                                               AND not at all expected to be used connected
                                               directly (never taken outdoors, e.g.) */
    GK_FACT__COUNT
} gk_fact;

/* JSON member names inside "facts" ("uses_ip") and the field paths used in error reports
 * ("facts.uses_ip"), indexed by gk_fact: the JSON layer iterates these, so a new fact cannot
 * be forgotten there. */
extern const char *const gk_determination_fact_names[GK_FACT__COUNT];
extern const char *const gk_determination_fact_fields[GK_FACT__COUNT];

typedef struct {
    gk_tristate v[GK_FACT__COUNT];
} gk_facts;

/* The shorthand `directly_connectable` means "connectable and not always behind certified
 * equipment". When both parts are answered, directly_connectable := connectable AND NOT
 * always_via (an answer given for it is overridden); when only directly_connectable = true is
 * answered, the parts become connectable = true, always_via = false; directly_connectable =
 * false alone leaves the parts unset (either could be the reason). */
void gk_facts_normalise(gk_facts *facts);
/* Only the first half: when both parts are answered, sets directly_connectable from them
 * (what a filing stores). Returns whether both parts are answered. */
bool gk_facts_conclude(gk_facts *facts);

/* Which answer decided the direct-connection test (the rationale names it). */
typedef enum {
    GK_CONN_BY_PARTS,        /* connectable and not always via certified equipment */
    GK_CONN_NOT_CONNECTABLE, /* connectable_to_carrier_line = false */
    GK_CONN_ALWAYS_VIA,      /* always_via_certified_equipment = true */
    GK_CONN_SHORTHAND,       /* directly_connectable alone */
} gk_connection_basis;

/* The questions a form asks, in order: the two parts of the connection test first, then
 * the Art. 34-10 facts; the shorthand directly_connectable is accepted, never asked. */
#define GK_QUESTION_COUNT (GK_FACT__COUNT - 1)
extern const gk_fact gk_determination_questions[GK_QUESTION_COUNT];

/* Index of a fact by its JSON name; -1 when unknown. */
int gk_determination_fact_index(const char *name);

typedef enum {
    GK_OUTCOME_NOT_SUBJECT,           /* never directly connected: outside certification */
    GK_OUTCOME_SUBJECT_GENERAL_ONLY,  /* certification needed, Art. 34-10 does not apply */
    GK_OUTCOME_SUBJECT_WITH_SECURITY, /* certification needed and Art. 34-10 applies */
    GK_OUTCOME__COUNT
} gk_scope_outcome;

/* "not_subject", "subject_general_only", "subject_with_security". */
const char *gk_scope_outcome_name(gk_scope_outcome outcome);
/* Inverse of gk_scope_outcome_name; false when unknown. */
bool gk_scope_outcome_from_name(const char *name, gk_scope_outcome *out);

/* The tests, in the order the rationale lists them. */
typedef enum {
    GK_TEST_DIRECT_CONNECTION,              /* certification needed at all: the two-part test */
    GK_TEST_DATA_TRANSMISSION_FACILITY,     /* Art. 34-10 test 1 */
    GK_TEST_INTERNET_PROTOCOL,              /* test 2 */
    GK_TEST_REMOTE_CONFIGURATION,           /* test 3 */
    GK_TEST_NOT_USER_SECURABLE,             /* test 4: not within the ただし書 exemption */
    GK_TEST_RULE_SET_SECURITY_REQUIREMENTS, /* the governing rule set has any requirement */
    GK_TEST__COUNT
} gk_test;

/* "direct_connection", "data_transmission_facility", "internet_protocol",
 * "remote_configuration", "not_user_securable", "rule_set_security_requirements". */
const char *gk_test_name(gk_test test);

typedef struct {
    gk_test test;
    const char *name; /* gk_test_name(test) */
    bool holds;
    bool decisive; /* this test's result decided the outcome (see below) */
    /* The reason as a message key ("determination.reason.<test>.holds" / ".fails"): the
     * service renders it in the caller's language (the domain holds no text). */
    const char *reason_key;
} gk_rationale_entry;

#define GK_DETERMINATION_MAX_OBLIGATIONS 4

/* Obligation of not_subject equipment: its manual must say it cannot be connected directly
 * to a carrier's line (public wireless LAN included) and must go through a router. */
#define GK_OBLIGATION_MANUAL_NO_DIRECT_CONNECTION "manual_no_direct_connection_statement"

/* What an obligation asks, statement by statement (report l. 522-527: the manual says (1)
 * that the equipment must be connected through certified equipment, the user's duty, and (2)
 * that connecting it directly to a carrier's line requires the carrier's inspection). The
 * obligation is raised only under a rule set with security requirements (the 2020 rules'
 * guidance). Rows in order; NULL-obligation terminated; text_key is a message key. */
typedef struct {
    const char *obligation, *id, *text_key;
} gk_obligation_statement;
extern const gk_obligation_statement gk_obligation_statements[];

typedef struct {
    gk_scope_outcome outcome;
    const gk_rule_set *rule_set; /* the governing rule set (its id is the "rule set version") */
    /* Ids of the catalogue entries of kind "requirement" that apply, in catalogue order;
     * empty unless outcome is subject_with_security. */
    const char *requirements[GK_RULE_SET_MAX_REQUIREMENTS];
    size_t n_requirements;
    const char *obligations[GK_DETERMINATION_MAX_OBLIGATIONS];
    size_t n_obligations;
    /* Always all GK_TEST__COUNT tests in gk_test order once the facts are complete. */
    gk_rationale_entry rationale[GK_TEST__COUNT];
    size_t n_rationale;
    /* Which answer decided the direct-connection test (the reason key says it too). */
    gk_connection_basis connection_basis;
    /* On GK_ERR_VALIDATION: the field paths of every unset fact ("facts.uses_ip"), in order. */
    const char *missing[GK_FACT__COUNT];
    size_t n_missing;
} gk_determination;

/* Determines the outcome under `rule_set` (not NULL), after gk_facts_normalise.
 *   not directly connectable (not connectable, or always behind certified equipment and never
 *   expected to be used directly; or the shorthand answered no)
 *                                          -> not_subject (+ manual obligation); decisive:
 *                                             direct_connection
 *   directly connectable and the rule set has no security requirements
 *                                          -> subject_general_only; decisive: the rule-set test
 *   directly connectable and a test 1-4 fails
 *                                          -> subject_general_only; decisive: each failing test
 *   otherwise                              -> subject_with_security; decisive: all tests (each
 *                                             one is necessary)
 * Returns GK_ERR_OK, or GK_ERR_VALIDATION when any fact is unset (out->missing names every
 * one; the rest of *out is then cleared). The connection is answered either by both parts or
 * by the shorthand; when neither is, the missing parts are named (never the shorthand). An unset fact is refused even when another fact
 * would decide alone: the determination is recorded with the application, so it is complete.
 */
gk_error gk_determination_run(const gk_facts *facts, const gk_rule_set *rule_set,
                              gk_determination *out);

/* The stateless determination of the API: selects the governing rule set for filing_date and
 * the optional opt-in (gk_rule_set_select), then runs it. Missing facts are reported first
 * (GK_ERR_VALIDATION, out->missing filled), then the rule-set errors of gk_rule_set_select. */
gk_error gk_determination_on(const gk_rule_set *sets, size_t n, const gk_facts *facts,
                             gk_date filing_date, const char *opt_in_rule_set,
                             gk_determination *out);

#endif
