/* POST /api/v1/determinations and GET /api/v1/rule-sets, as api.md and domain.md state them:
 * the three outcomes, the effective-date boundary, opting in to a promulgated rule set, and
 * a 422 naming the field for every missing or mistyped fact and every bad date. */
#include "bodies.h"
#include "harness.h"

#define PATH "/api/v1/determinations"
#define JSON_TYPE_ "application/json"

/* One fact each, as it is for equipment Article 34-10 covers. */
#define F_DIRECT "\"directly_connectable\": true"
#define F_FACILITY "\"data_transmission_facility\": true"
#define F_IP "\"uses_ip\": true"
#define F_REMOTE "\"remotely_configurable\": true"
#define F_SOFTWARE "\"user_installable_security_software\": false"
#define FACTS5(a, b, c, d, e) "{" a ", " b ", " c ", " d ", " e "}"
#define FACTS4(a, b, c, d) "{" a ", " b ", " c ", " d "}"

#define OPT_IN(facts, date, rule_set)                                                              \
    "{\"facts\": " facts ", \"filing_date\": \"" date "\", \"opt_in_rule_set\": \"" rule_set "\"}"
#define ON(date) DETERMINATION(FACTS_ALL_HOLD, date)

/* The names of the tests in `rationale`, as server/domain/determination.c and docs/rules.md
 * name them: direct connection, then the four tests of Article 34-10, then whether the
 * governing rule set has the security requirements at all. */
#define T_DIRECT "direct_connection"
#define T_FACILITY "data_transmission_facility"
#define T_IP "internet_protocol"
#define T_REMOTE "remote_configuration"
#define T_SOFTWARE "not_user_securable"
#define T_RULE_SET "rule_set_security_requirements"
#define HOLDS(test) JSON_FIND("rationale", "test=\"" test "\"", "holds=true")
#define FAILS(test) JSON_FIND("rationale", "test=\"" test "\"", "holds=false")

#define SR_ALL "[\"SR-1\", \"SR-2\", \"SR-3\", \"SR-4\"]"
#define MANUAL_STATEMENT "\"manual_no_direct_connection_statement\""

/* A 422 naming one field. */
#define INVALID(step_name, body_text, field)                                                       \
    {                                                                                              \
        .name = step_name, .method = "POST", .path = PATH, .content_type = JSON_TYPE_,             \
        .body = body_text, .expect_status = 422, .expect_code = "validation.failed", .checks = {   \
            JSON_STR("errors[].field", field)                                                      \
        }                                                                                          \
    }

/* A general-only outcome where exactly `test` fails. */
#define GENERAL_ONLY(step_name, facts, test)                                                       \
    {                                                                                              \
        .name = step_name, .method = "POST", .path = PATH, .content_type = JSON_TYPE_,             \
        .body = DETERMINATION(facts, "2021-06-01"), .expect_status = 200,                          \
        .expect_content_type = JSON_TYPE_, .checks = {                                             \
            JSON_STR("outcome", "subject_general_only"),                                           \
            JSON_STR("rule_set", "2020-04"),                                                       \
            JSON_EQ("requirements", "[]"),                                                         \
            JSON_EQ("obligations", "[]"),                                                          \
            FAILS(test),                                                                           \
            HOLDS(T_DIRECT)                                                                        \
        }                                                                                          \
    }

static const ht_step with_security[] = {
    {.name = "a router with a WAN port and a web admin, filed in 2021",
     .method = "POST",
     .path = PATH,
     .content_type = JSON_TYPE_,
     .body = ON("2021-06-01"),
     .expect_status = 200,
     .expect_content_type = JSON_TYPE_,
     .checks = {JSON_STR("outcome", "subject_with_security"), JSON_STR("rule_set", "2020-04"),
                JSON_EQ("requirements", SR_ALL), JSON_EQ("obligations", "[]"),
                JSON_TYPE("rationale[].reason", "string"), HOLDS(T_DIRECT), HOLDS(T_FACILITY),
                HOLDS(T_IP), HOLDS(T_REMOTE), HOLDS(T_SOFTWARE)}},
};

static const ht_step not_subject[] = {
    {.name = "a camera always behind a router: no certification, a manual statement",
     .method = "POST",
     .path = PATH,
     .content_type = JSON_TYPE_,
     .body = DETERMINATION(FACTS5("\"directly_connectable\": false", F_FACILITY, F_IP, F_REMOTE,
                                  F_SOFTWARE),
                           "2021-06-01"),
     .expect_status = 200,
     .expect_content_type = JSON_TYPE_,
     .checks = {JSON_STR("outcome", "not_subject"), JSON_HAS("obligations", MANUAL_STATEMENT),
                JSON_LEN("obligations", 1), JSON_EQ("requirements", "[]"), FAILS(T_DIRECT)}},
};

static const ht_step general_only[] = {
    GENERAL_ONLY("not on a data transmission facility",
                 FACTS5(F_DIRECT, "\"data_transmission_facility\": false", F_IP, F_REMOTE,
                        F_SOFTWARE),
                 T_FACILITY),
    GENERAL_ONLY("no Internet Protocol on the line",
                 FACTS5(F_DIRECT, F_FACILITY, "\"uses_ip\": false", F_REMOTE, F_SOFTWARE), T_IP),
    GENERAL_ONLY("settings cannot be changed over the line",
                 FACTS5(F_DIRECT, F_FACILITY, F_IP, "\"remotely_configurable\": false", F_SOFTWARE),
                 T_REMOTE),
    GENERAL_ONLY("a PC: the user can install security software",
                 FACTS5(F_DIRECT, F_FACILITY, F_IP, F_REMOTE,
                        "\"user_installable_security_software\": true"),
                 T_SOFTWARE),
};

/* In force 2020-04-01: an application filed the day before is judged under pre-2020. */
static const ht_step effective_date_boundary[] = {
    {.name = "filed 2020-03-31: pre-2020, no security requirements",
     .method = "POST",
     .path = PATH,
     .content_type = JSON_TYPE_,
     .body = ON("2020-03-31"),
     .expect_status = 200,
     .checks = {JSON_STR("rule_set", "pre-2020"), JSON_STR("outcome", "subject_general_only"),
                JSON_EQ("requirements", "[]"), FAILS(T_RULE_SET), HOLDS(T_IP)}},
    {.name = "filed 2020-04-01: 2020-04 with SR-1..SR-4",
     .method = "POST",
     .path = PATH,
     .content_type = JSON_TYPE_,
     .body = ON("2020-04-01"),
     .expect_status = 200,
     .checks = {JSON_STR("rule_set", "2020-04"), JSON_STR("outcome", "subject_with_security"),
                JSON_EQ("requirements", SR_ALL), HOLDS(T_RULE_SET)}},
};

/* 2020-04 was promulgated 2019-03-01: from then on an applicant may opt in early. */
static const ht_step opt_in_accepted[] = {
    {.name = "filed 2019-06-01 without opting in: pre-2020",
     .method = "POST",
     .path = PATH,
     .content_type = JSON_TYPE_,
     .body = ON("2019-06-01"),
     .expect_status = 200,
     .checks = {JSON_STR("rule_set", "pre-2020"), JSON_EQ("requirements", "[]")}},
    {.name = "filed 2019-06-01 opting in to 2020-04",
     .method = "POST",
     .path = PATH,
     .content_type = JSON_TYPE_,
     .body = OPT_IN(FACTS_ALL_HOLD, "2019-06-01", "2020-04"),
     .expect_status = 200,
     .checks = {JSON_STR("rule_set", "2020-04"), JSON_STR("outcome", "subject_with_security"),
                JSON_EQ("requirements", SR_ALL)}},
    {.name = "opting in on the day of promulgation",
     .method = "POST",
     .path = PATH,
     .content_type = JSON_TYPE_,
     .body = OPT_IN(FACTS_ALL_HOLD, "2019-03-01", "2020-04"),
     .expect_status = 200,
     .checks = {JSON_STR("rule_set", "2020-04")}},
    {.name = "naming the rule set already in force changes nothing",
     .method = "POST",
     .path = PATH,
     .content_type = JSON_TYPE_,
     .body = OPT_IN(FACTS_ALL_HOLD, "2021-06-01", "2020-04"),
     .expect_status = 200,
     .checks = {JSON_STR("rule_set", "2020-04")}},
};

static const ht_step opt_in_refused[] = {
    {.name = "filed 2019-01-15, before 2020-04 was promulgated",
     .method = "POST",
     .path = PATH,
     .content_type = JSON_TYPE_,
     .body = OPT_IN(FACTS_ALL_HOLD, "2019-01-15", "2020-04"),
     .expect_status = 422,
     .expect_code = "rule_set.not_promulgated"},
    {.name = "filed the day before promulgation",
     .method = "POST",
     .path = PATH,
     .content_type = JSON_TYPE_,
     .body = OPT_IN(FACTS_ALL_HOLD, "2019-02-28", "2020-04"),
     .expect_status = 422,
     .expect_code = "rule_set.not_promulgated"},
    {.name = "filed 2021-06-01 opting back to pre-2020",
     .method = "POST",
     .path = PATH,
     .content_type = JSON_TYPE_,
     .body = OPT_IN(FACTS_ALL_HOLD, "2021-06-01", "pre-2020"),
     .expect_status = 422,
     .expect_code = "rule_set.older_than_in_force"},
    {.name = "a rule set that does not exist",
     .method = "POST",
     .path = PATH,
     .content_type = JSON_TYPE_,
     .body = OPT_IN(FACTS_ALL_HOLD, "2021-06-01", "2031-01"),
     .expect_status = 422,
     .expect_code = "rule_set.unknown"},
};

static const ht_step missing_facts[] = {
    /* the connection unanswered: its first part is named (the shorthand never is) */
    INVALID("no connection answer",
            DETERMINATION(FACTS4(F_FACILITY, F_IP, F_REMOTE, F_SOFTWARE), "2021-06-01"),
            "facts.connectable_to_carrier_line"),
    INVALID("no data_transmission_facility",
            DETERMINATION(FACTS4(F_DIRECT, F_IP, F_REMOTE, F_SOFTWARE), "2021-06-01"),
            "facts.data_transmission_facility"),
    INVALID("no uses_ip",
            DETERMINATION(FACTS4(F_DIRECT, F_FACILITY, F_REMOTE, F_SOFTWARE), "2021-06-01"),
            "facts.uses_ip"),
    INVALID("no remotely_configurable",
            DETERMINATION(FACTS4(F_DIRECT, F_FACILITY, F_IP, F_SOFTWARE), "2021-06-01"),
            "facts.remotely_configurable"),
    INVALID("no user_installable_security_software",
            DETERMINATION(FACTS4(F_DIRECT, F_FACILITY, F_IP, F_REMOTE), "2021-06-01"),
            "facts.user_installable_security_software"),
    INVALID("no facts at all", "{\"filing_date\": \"2021-06-01\"}", "facts"),
    INVALID("facts not an object", DETERMINATION("[true, true]", "2021-06-01"), "facts"),
    {.name = "two missing facts: both named",
     .method = "POST",
     .path = PATH,
     .content_type = JSON_TYPE_,
     .body = DETERMINATION("{" F_DIRECT ", " F_FACILITY ", " F_IP "}", "2021-06-01"),
     .expect_status = 422,
     .expect_code = "validation.failed",
     .checks = {JSON_STR("errors[].field", "facts.remotely_configurable"),
                JSON_STR("errors[].field", "facts.user_installable_security_software"),
                JSON_TYPE("errors[].message", "string")}},
};

static const ht_step mistyped_facts[] = {
    INVALID("the string \"yes\" for a boolean",
            DETERMINATION(FACTS5(F_DIRECT, F_FACILITY, "\"uses_ip\": \"yes\"", F_REMOTE,
                                 F_SOFTWARE),
                          "2021-06-01"),
            "facts.uses_ip"),
    INVALID("a number for a boolean",
            DETERMINATION(FACTS5("\"directly_connectable\": 1", F_FACILITY, F_IP, F_REMOTE,
                                 F_SOFTWARE),
                          "2021-06-01"),
            "facts.directly_connectable"),
    INVALID("null for a boolean",
            DETERMINATION(FACTS5(F_DIRECT, F_FACILITY, F_IP, "\"remotely_configurable\": null",
                                 F_SOFTWARE),
                          "2021-06-01"),
            "facts.remotely_configurable"),
};

static const ht_step bad_dates[] = {
    INVALID("February 30th", ON("2021-02-30"), "filing_date"),
    INVALID("slashes", ON("2021/06/01"), "filing_date"),
    INVALID("words", ON("yesterday"), "filing_date"),
    INVALID("a number", "{\"facts\": " FACTS_ALL_HOLD ", \"filing_date\": 20210601}",
            "filing_date"),
    INVALID("month 13", ON("2021-13-01"), "filing_date"),
};

static const ht_step rule_sets[] = {
    {.name = "both rule sets with their dates",
     .method = "GET",
     .path = "/api/v1/rule-sets",
     .expect_status = 200,
     .expect_content_type = JSON_TYPE_,
     .checks = {JSON_FIND("items", "id=\"2020-04\"", "promulgated_on=\"2019-03-01\""),
                JSON_FIND("items", "id=\"2020-04\"", "effective_on=\"2020-04-01\""),
                JSON_FIND("items", "id=\"pre-2020\"", "promulgated_on"),
                JSON_FIND("items", "id=\"pre-2020\"", "effective_on")}},
};

static const ht_scenario scenarios[] = {
    HT_CASES("subject-with-security", with_security),
    HT_CASES("not-subject", not_subject),
    HT_CASES("subject-general-only", general_only),
    HT_CASES("effective-date-boundary", effective_date_boundary),
    HT_CASES("opt-in-accepted", opt_in_accepted),
    HT_CASES("opt-in-refused", opt_in_refused),
    HT_CASES("missing-facts", missing_facts),
    HT_CASES("mistyped-facts", mistyped_facts),
    HT_CASES("bad-dates", bad_dates),
    HT_CASES("rule-sets", rule_sets),
};

const ht_group ht_group_determination = {"determination", scenarios, HT_COUNT(scenarios)};
