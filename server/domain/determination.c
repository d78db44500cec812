#include "domain/determination.h"

#include <string.h>

/* Each fact's name, once: the member name, and "facts." + name for field errors. */
#define FACTS(X)                                                                                   \
    X(GK_FACT_DIRECTLY_CONNECTABLE, "directly_connectable")                                        \
    X(GK_FACT_DATA_TRANSMISSION_FACILITY, "data_transmission_facility")                            \
    X(GK_FACT_USES_IP, "uses_ip")                                                                  \
    X(GK_FACT_REMOTELY_CONFIGURABLE, "remotely_configurable")                                      \
    X(GK_FACT_USER_INSTALLABLE_SECURITY_SOFTWARE, "user_installable_security_software")            \
    X(GK_FACT_CONNECTABLE_TO_CARRIER_LINE, "connectable_to_carrier_line")                          \
    X(GK_FACT_ALWAYS_VIA_CERTIFIED_EQUIPMENT, "always_via_certified_equipment")
#define FACT_NAME(fact, name) [fact] = name,
#define FACT_FIELD(fact, name) [fact] = "facts." name,
const char *const gk_determination_fact_names[GK_FACT__COUNT] = {FACTS(FACT_NAME)};
const char *const gk_determination_fact_fields[GK_FACT__COUNT] = {FACTS(FACT_FIELD)};
#undef FACT_NAME
#undef FACT_FIELD
#undef FACTS

const gk_fact gk_determination_questions[GK_QUESTION_COUNT] = {
    GK_FACT_CONNECTABLE_TO_CARRIER_LINE, GK_FACT_ALWAYS_VIA_CERTIFIED_EQUIPMENT,
    GK_FACT_DATA_TRANSMISSION_FACILITY,  GK_FACT_USES_IP,
    GK_FACT_REMOTELY_CONFIGURABLE,       GK_FACT_USER_INSTALLABLE_SECURITY_SOFTWARE};

int gk_determination_fact_index(const char *name)
{
    if (!name) return -1;
    for (int i = 0; i < GK_FACT__COUNT; i++)
        if (strcmp(gk_determination_fact_names[i], name) == 0) return i;
    return -1;
}

bool gk_facts_conclude(gk_facts *f)
{
    gk_tristate c = f->v[GK_FACT_CONNECTABLE_TO_CARRIER_LINE];
    gk_tristate a = f->v[GK_FACT_ALWAYS_VIA_CERTIFIED_EQUIPMENT];
    bool parts = (c == GK_TRI_TRUE || c == GK_TRI_FALSE) && (a == GK_TRI_TRUE || a == GK_TRI_FALSE);
    if (parts)
        f->v[GK_FACT_DIRECTLY_CONNECTABLE] =
            c == GK_TRI_TRUE && a == GK_TRI_FALSE ? GK_TRI_TRUE : GK_TRI_FALSE;
    return parts;
}

void gk_facts_normalise(gk_facts *f)
{
    gk_tristate *d = &f->v[GK_FACT_DIRECTLY_CONNECTABLE];
    gk_tristate c = f->v[GK_FACT_CONNECTABLE_TO_CARRIER_LINE];
    gk_tristate a = f->v[GK_FACT_ALWAYS_VIA_CERTIFIED_EQUIPMENT];
    if (gk_facts_conclude(f)) {
    } else if (*d == GK_TRI_TRUE && c != GK_TRI_FALSE && a != GK_TRI_TRUE) {
        f->v[GK_FACT_CONNECTABLE_TO_CARRIER_LINE] = GK_TRI_TRUE;
        f->v[GK_FACT_ALWAYS_VIA_CERTIFIED_EQUIPMENT] = GK_TRI_FALSE;
    }
}

static const char *const outcome_names[GK_OUTCOME__COUNT] = {
    [GK_OUTCOME_NOT_SUBJECT] = "not_subject",
    [GK_OUTCOME_SUBJECT_GENERAL_ONLY] = "subject_general_only",
    [GK_OUTCOME_SUBJECT_WITH_SECURITY] = "subject_with_security",
};

const char *gk_scope_outcome_name(gk_scope_outcome outcome)
{
    return (unsigned)outcome < GK_OUTCOME__COUNT ? outcome_names[outcome] : "unknown";
}

bool gk_scope_outcome_from_name(const char *name, gk_scope_outcome *out)
{
    for (int i = 0; name && i < GK_OUTCOME__COUNT; i++) {
        if (strcmp(outcome_names[i], name) == 0) {
            *out = (gk_scope_outcome)i;
            return true;
        }
    }
    return false;
}

/* One row per test: its name, the fact it reads (-1: none) and which value makes it hold,
 * and the message keys of its reason when it holds and when it fails. */
static const struct {
    const char *name;
    int fact;
    gk_tristate holds_when;
    const char *holds_key, *fails_key;
} tests[GK_TEST__COUNT] = {
    [GK_TEST_DIRECT_CONNECTION] = {"direct_connection", GK_FACT_DIRECTLY_CONNECTABLE, GK_TRI_TRUE,
                                   "determination.reason.direct_connection.holds",
                                   "determination.reason.direct_connection.fails"},
    [GK_TEST_DATA_TRANSMISSION_FACILITY] =
        {"data_transmission_facility", GK_FACT_DATA_TRANSMISSION_FACILITY, GK_TRI_TRUE,
         "determination.reason.data_transmission_facility.holds",
         "determination.reason.data_transmission_facility.fails"},
    [GK_TEST_INTERNET_PROTOCOL] = {"internet_protocol", GK_FACT_USES_IP, GK_TRI_TRUE,
                                   "determination.reason.internet_protocol.holds",
                                   "determination.reason.internet_protocol.fails"},
    [GK_TEST_REMOTE_CONFIGURATION] = {"remote_configuration", GK_FACT_REMOTELY_CONFIGURABLE,
                                      GK_TRI_TRUE,
                                      "determination.reason.remote_configuration.holds",
                                      "determination.reason.remote_configuration.fails"},
    [GK_TEST_NOT_USER_SECURABLE] = {"not_user_securable",
                                    GK_FACT_USER_INSTALLABLE_SECURITY_SOFTWARE, GK_TRI_FALSE,
                                    "determination.reason.not_user_securable.holds",
                                    "determination.reason.not_user_securable.fails"},
    [GK_TEST_RULE_SET_SECURITY_REQUIREMENTS] =
        {"rule_set_security_requirements", -1, GK_TRI_TRUE,
         "determination.reason.rule_set_security_requirements.holds",
         "determination.reason.rule_set_security_requirements.fails"},
};

const char *gk_test_name(gk_test test)
{
    return (unsigned)test < GK_TEST__COUNT ? tests[test].name : "unknown";
}

static bool known(gk_tristate t)
{
    return t == GK_TRI_TRUE || t == GK_TRI_FALSE;
}

/* Expects normalised facts: the connection is answered when the shorthand is (it is derived
 * when both parts are); otherwise the unanswered parts are named, never the shorthand. In
 * the order of the questions. */
static size_t collect_missing(const gk_facts *facts, gk_determination *out)
{
    bool connection = known(facts->v[GK_FACT_DIRECTLY_CONNECTABLE]);
    for (size_t k = 0; k < GK_QUESTION_COUNT; k++) {
        gk_fact i = gk_determination_questions[k];
        if (known(facts->v[i])) continue;
        bool part =
            i == GK_FACT_CONNECTABLE_TO_CARRIER_LINE || i == GK_FACT_ALWAYS_VIA_CERTIFIED_EQUIPMENT;
        if (part && connection) continue; /* answered by the shorthand */
        out->missing[out->n_missing++] = gk_determination_fact_fields[i];
    }
    return out->n_missing;
}

static gk_connection_basis connection_basis(const gk_facts *f)
{
    if (!known(f->v[GK_FACT_CONNECTABLE_TO_CARRIER_LINE]) ||
        !known(f->v[GK_FACT_ALWAYS_VIA_CERTIFIED_EQUIPMENT]))
        return GK_CONN_SHORTHAND;
    if (f->v[GK_FACT_CONNECTABLE_TO_CARRIER_LINE] == GK_TRI_FALSE) return GK_CONN_NOT_CONNECTABLE;
    if (f->v[GK_FACT_ALWAYS_VIA_CERTIFIED_EQUIPMENT] == GK_TRI_TRUE) return GK_CONN_ALWAYS_VIA;
    return GK_CONN_BY_PARTS;
}

/* The reason of the direct-connection test names the answer that decided it. */
static const char *connection_key(gk_connection_basis b, bool holds)
{
    switch (b) {
    case GK_CONN_NOT_CONNECTABLE:
        return "determination.reason.direct_connection.fails_not_connectable";
    case GK_CONN_ALWAYS_VIA:
        return "determination.reason.direct_connection.fails_always_via_certified";
    case GK_CONN_SHORTHAND:
        /* the texts of the filings before the two parts, unchanged */
        return holds ? "determination.reason.direct_connection.holds"
                     : "determination.reason.direct_connection.fails";
    default:
        return "determination.reason.direct_connection.holds";
    }
}

static void evaluate_tests(const gk_facts *facts, const gk_rule_set *rs, bool holds[])
{
    for (int t = 0; t < GK_TEST__COUNT; t++)
        holds[t] = tests[t].fact >= 0 ? facts->v[tests[t].fact] == tests[t].holds_when
                                      : gk_rule_set_has_security_requirements(rs);
}

/* Applies the outcome rules (see the header) and marks the deciding tests. */
static gk_scope_outcome decide(const bool holds[], bool decisive[])
{
    memset(decisive, 0, GK_TEST__COUNT * sizeof decisive[0]);
    if (!holds[GK_TEST_DIRECT_CONNECTION]) {
        decisive[GK_TEST_DIRECT_CONNECTION] = true;
        return GK_OUTCOME_NOT_SUBJECT;
    }
    if (!holds[GK_TEST_RULE_SET_SECURITY_REQUIREMENTS]) {
        decisive[GK_TEST_RULE_SET_SECURITY_REQUIREMENTS] = true;
        return GK_OUTCOME_SUBJECT_GENERAL_ONLY;
    }
    bool any_fails = false;
    for (int t = GK_TEST_DATA_TRANSMISSION_FACILITY; t <= GK_TEST_NOT_USER_SECURABLE; t++)
        if (!holds[t]) any_fails = decisive[t] = true;
    if (any_fails) return GK_OUTCOME_SUBJECT_GENERAL_ONLY;
    for (int t = 0; t < GK_TEST__COUNT; t++)
        decisive[t] = true;
    return GK_OUTCOME_SUBJECT_WITH_SECURITY;
}

gk_error gk_determination_run(const gk_facts *given, const gk_rule_set *rule_set,
                              gk_determination *out)
{
    memset(out, 0, sizeof *out);
    gk_facts norm = *given, *facts = &norm;
    gk_facts_normalise(facts);
    if (collect_missing(facts, out) > 0) return GK_ERR_VALIDATION;
    if (!rule_set) return GK_ERR_INTERNAL;

    bool holds[GK_TEST__COUNT], decisive[GK_TEST__COUNT];
    evaluate_tests(facts, rule_set, holds);
    out->outcome = decide(holds, decisive);
    out->rule_set = rule_set;
    out->connection_basis = connection_basis(given);

    for (int t = 0; t < GK_TEST__COUNT; t++) {
        gk_rationale_entry *e = &out->rationale[out->n_rationale++];
        e->test = (gk_test)t;
        e->name = tests[t].name;
        e->holds = holds[t];
        e->decisive = decisive[t];
        e->reason_key = t == GK_TEST_DIRECT_CONNECTION
                            ? connection_key(out->connection_basis, holds[t])
                        : holds[t] ? tests[t].holds_key
                                   : tests[t].fails_key;
    }

    /* Report l. 521-528: guidance accompanying the 2020 rule set, not a condition of older
     * ones (a rule set with security requirements). */
    if (out->outcome == GK_OUTCOME_NOT_SUBJECT && holds[GK_TEST_RULE_SET_SECURITY_REQUIREMENTS])
        out->obligations[out->n_obligations++] = GK_OBLIGATION_MANUAL_NO_DIRECT_CONNECTION;

    if (out->outcome == GK_OUTCOME_SUBJECT_WITH_SECURITY) {
        for (size_t i = 0; i < rule_set->n_requirements; i++) {
            if (rule_set->requirements[i].kind != GK_REQ_KIND_REQUIREMENT) continue;
            if (out->n_requirements == GK_RULE_SET_MAX_REQUIREMENTS) {
                /* gk_rule_set_check refuses such data at load time: a bug if reached. */
                memset(out, 0, sizeof *out);
                return GK_ERR_INTERNAL;
            }
            out->requirements[out->n_requirements++] = rule_set->requirements[i].id;
        }
    }
    return GK_ERR_OK;
}

gk_error gk_determination_on(const gk_rule_set *sets, size_t n, const gk_facts *given,
                             gk_date filing_date, const char *opt_in_rule_set,
                             gk_determination *out)
{
    memset(out, 0, sizeof *out);
    gk_facts norm = *given, *facts = &norm;
    gk_facts_normalise(facts);
    if (collect_missing(facts, out) > 0) return GK_ERR_VALIDATION;
    const gk_rule_set *rs;
    gk_error e = gk_rule_set_select(sets, n, filing_date, opt_in_rule_set, &rs);
    if (e != GK_ERR_OK) return e;
    return gk_determination_run(given, rs, out);
}

const gk_obligation_statement gk_obligation_statements[] = {
    {GK_OBLIGATION_MANUAL_NO_DIRECT_CONNECTION, "connect_through_certified_equipment",
     "determination.statement.connect_through_certified_equipment"},
    {GK_OBLIGATION_MANUAL_NO_DIRECT_CONNECTION, "carrier_inspection_for_direct_connection",
     "determination.statement.carrier_inspection_for_direct_connection"},
    {NULL, NULL, NULL},
};
