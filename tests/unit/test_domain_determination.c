/* Unit tests of domain/determination: one table of cases through gk_determination_on (facts,
 * filing date, opt-in -> error, outcome, rule set, deciding tests, requirements, obligations,
 * missing fields), plus the structure of the rationale and the name tables. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h> /* needs the four headers above first */

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "domain/determination.h"
#include "rule_set_fixture.h"

static gk_date D(const char *s)
{
    gk_date d;
    if (!gk_date_parse(s, &d)) fail_msg("bad test date %s", s);
    return d;
}

/* Facts as characters in the order directly_connectable, data_transmission_facility,
 * uses_ip, remotely_configurable, user_installable_security_software, then optionally
 * connectable_to_carrier_line, always_via_certified_equipment (five characters: the two
 * parts unset, the shorthand answers): '1' true, '0' false, '-' unset. */
static gk_facts F(const char *s)
{
    gk_facts f = {{0}};
    size_t n = strlen(s);
    assert_true(n == GK_FACT__COUNT || n == GK_FACT__COUNT - 2);
    for (size_t i = 0; i < n; i++)
        f.v[i] = s[i] == '1' ? GK_TRI_TRUE : s[i] == '0' ? GK_TRI_FALSE : GK_TRI_UNSET;
    return f;
}

#define ALL                                                                                        \
    "direct_connection,data_transmission_facility,internet_protocol,"                              \
    "remote_configuration,not_user_securable,rule_set_security_requirements"
#define SRS "SR-1,SR-2,SR-3,SR-4"
#define MANUAL "manual_no_direct_connection_statement"

typedef struct {
    const char *facts;
    const char *filing;
    const char *opt_in;
    gk_error err;
    const char *outcome;  /* when err == OK */
    const char *rule_set; /* when err == OK */
    const char *decisive; /* comma-separated test names, in rationale order */
    const char *requirements;
    const char *obligations;
    const char *missing; /* when err == VALIDATION: comma-separated field paths */
} det_case;

/* One case per line reads better than the formatter's layout. */
// clang-format off
static const det_case cases[] = {
    /* --- all 32 combinations under the 2020-04 rule set --------------------------------- */
    /* not directly connectable: nothing else matters */
    {"00000", "2021-06-01", NULL, GK_ERR_OK, "not_subject", "2020-04", "direct_connection", "", MANUAL, ""},
    {"00001", "2021-06-01", NULL, GK_ERR_OK, "not_subject", "2020-04", "direct_connection", "", MANUAL, ""},
    {"00010", "2021-06-01", NULL, GK_ERR_OK, "not_subject", "2020-04", "direct_connection", "", MANUAL, ""},
    {"00011", "2021-06-01", NULL, GK_ERR_OK, "not_subject", "2020-04", "direct_connection", "", MANUAL, ""},
    {"00100", "2021-06-01", NULL, GK_ERR_OK, "not_subject", "2020-04", "direct_connection", "", MANUAL, ""},
    {"00101", "2021-06-01", NULL, GK_ERR_OK, "not_subject", "2020-04", "direct_connection", "", MANUAL, ""},
    {"00110", "2021-06-01", NULL, GK_ERR_OK, "not_subject", "2020-04", "direct_connection", "", MANUAL, ""},
    {"00111", "2021-06-01", NULL, GK_ERR_OK, "not_subject", "2020-04", "direct_connection", "", MANUAL, ""},
    {"01000", "2021-06-01", NULL, GK_ERR_OK, "not_subject", "2020-04", "direct_connection", "", MANUAL, ""},
    {"01001", "2021-06-01", NULL, GK_ERR_OK, "not_subject", "2020-04", "direct_connection", "", MANUAL, ""},
    {"01010", "2021-06-01", NULL, GK_ERR_OK, "not_subject", "2020-04", "direct_connection", "", MANUAL, ""},
    {"01011", "2021-06-01", NULL, GK_ERR_OK, "not_subject", "2020-04", "direct_connection", "", MANUAL, ""},
    {"01100", "2021-06-01", NULL, GK_ERR_OK, "not_subject", "2020-04", "direct_connection", "", MANUAL, ""},
    {"01101", "2021-06-01", NULL, GK_ERR_OK, "not_subject", "2020-04", "direct_connection", "", MANUAL, ""},
    /* a camera behind a router: every Art. 34-10 test holds, still not subject */
    {"01110", "2021-06-01", NULL, GK_ERR_OK, "not_subject", "2020-04", "direct_connection", "", MANUAL, ""},
    {"01111", "2021-06-01", NULL, GK_ERR_OK, "not_subject", "2020-04", "direct_connection", "", MANUAL, ""},
    /* directly connectable: the failing Art. 34-10 tests decide */
    {"10000", "2021-06-01", NULL, GK_ERR_OK, "subject_general_only", "2020-04", "data_transmission_facility,internet_protocol,remote_configuration", "", "", ""},
    {"10001", "2021-06-01", NULL, GK_ERR_OK, "subject_general_only", "2020-04", "data_transmission_facility,internet_protocol,remote_configuration,not_user_securable", "", "", ""},
    {"10010", "2021-06-01", NULL, GK_ERR_OK, "subject_general_only", "2020-04", "data_transmission_facility,internet_protocol", "", "", ""},
    {"10011", "2021-06-01", NULL, GK_ERR_OK, "subject_general_only", "2020-04", "data_transmission_facility,internet_protocol,not_user_securable", "", "", ""},
    {"10100", "2021-06-01", NULL, GK_ERR_OK, "subject_general_only", "2020-04", "data_transmission_facility,remote_configuration", "", "", ""},
    {"10101", "2021-06-01", NULL, GK_ERR_OK, "subject_general_only", "2020-04", "data_transmission_facility,remote_configuration,not_user_securable", "", "", ""},
    {"10110", "2021-06-01", NULL, GK_ERR_OK, "subject_general_only", "2020-04", "data_transmission_facility", "", "", ""},
    {"10111", "2021-06-01", NULL, GK_ERR_OK, "subject_general_only", "2020-04", "data_transmission_facility,not_user_securable", "", "", ""},
    /* a non-IP modem */
    {"11000", "2021-06-01", NULL, GK_ERR_OK, "subject_general_only", "2020-04", "internet_protocol,remote_configuration", "", "", ""},
    {"11001", "2021-06-01", NULL, GK_ERR_OK, "subject_general_only", "2020-04", "internet_protocol,remote_configuration,not_user_securable", "", "", ""},
    {"11010", "2021-06-01", NULL, GK_ERR_OK, "subject_general_only", "2020-04", "internet_protocol", "", "", ""},
    {"11011", "2021-06-01", NULL, GK_ERR_OK, "subject_general_only", "2020-04", "internet_protocol,not_user_securable", "", "", ""},
    /* an IP device that cannot be configured over the line */
    {"11100", "2021-06-01", NULL, GK_ERR_OK, "subject_general_only", "2020-04", "remote_configuration", "", "", ""},
    {"11101", "2021-06-01", NULL, GK_ERR_OK, "subject_general_only", "2020-04", "remote_configuration,not_user_securable", "", "", ""},
    /* a router with a web admin: the requirements apply */
    {"11110", "2021-06-01", NULL, GK_ERR_OK, "subject_with_security", "2020-04", ALL, SRS, "", ""},
    /* a PC or smartphone: the ただし書 exemption */
    {"11111", "2021-06-01", NULL, GK_ERR_OK, "subject_general_only", "2020-04", "not_user_securable", "", "", ""}, 
    /* --- the effective date, both sides ---------------------------------------------- */
    {"11110", "2020-03-31", NULL, GK_ERR_OK, "subject_general_only", "pre-2020", "rule_set_security_requirements", "", "", ""},
    {"11110", "2020-04-01", NULL, GK_ERR_OK, "subject_with_security", "2020-04", ALL, SRS, "", ""},
    {"11111", "2020-03-31", NULL, GK_ERR_OK, "subject_general_only", "pre-2020", "rule_set_security_requirements", "", "", ""},
    /* under pre-2020 only the rule set decides, even when a test 1-4 fails as well */
    {"10000", "2019-06-01", NULL, GK_ERR_OK, "subject_general_only", "pre-2020", "rule_set_security_requirements", "", "", ""},
    {"01110", "2020-03-31", NULL, GK_ERR_OK, "not_subject", "pre-2020", "direct_connection", "", "", ""}, 
    /* --- opt-in ---------------------------------------------------------------------- */
    {"11110", "2019-06-01", "2020-04", GK_ERR_OK, "subject_with_security", "2020-04", ALL, SRS, "", ""},
    {"11110", "2019-03-01", "2020-04", GK_ERR_OK, "subject_with_security", "2020-04", ALL, SRS, "", ""},
    {"11110", "2020-03-31", "pre-2020", GK_ERR_OK, "subject_general_only", "pre-2020", "rule_set_security_requirements", "", "", ""},
    {"11110", "2021-06-01", "2020-04", GK_ERR_OK, "subject_with_security", "2020-04", ALL, SRS, "", ""},
    {"11110", "2019-01-15", "2020-04", GK_ERR_RULE_SET_NOT_PROMULGATED, NULL, NULL, NULL, NULL, NULL, ""},
    {"11110", "2019-02-28", "2020-04", GK_ERR_RULE_SET_NOT_PROMULGATED, NULL, NULL, NULL, NULL, NULL, ""},
    {"11110", "2021-06-01", "pre-2020", GK_ERR_RULE_SET_OLDER, NULL, NULL, NULL, NULL, NULL, ""},
    {"11110", "2020-04-01", "pre-2020", GK_ERR_RULE_SET_OLDER, NULL, NULL, NULL, NULL, NULL, ""},
    {"11110", "2021-06-01", "2020-10", GK_ERR_RULE_SET_UNKNOWN, NULL, NULL, NULL, NULL, NULL, ""},
    {"11110", "1980-01-01", NULL, GK_ERR_RULE_SET_UNKNOWN, NULL, NULL, NULL, NULL, NULL, ""}, 
    /* --- missing facts: every one is named ------------------------------------------- */
    /* the connection unanswered: its two parts are named, never the shorthand */
    {"-1110", "2021-06-01", NULL, GK_ERR_VALIDATION, NULL, NULL, NULL, NULL, NULL, "facts.connectable_to_carrier_line,facts.always_via_certified_equipment"},
    {"-11101-", "2021-06-01", NULL, GK_ERR_VALIDATION, NULL, NULL, NULL, NULL, NULL, "facts.always_via_certified_equipment"},
    {"-1110-0", "2021-06-01", NULL, GK_ERR_VALIDATION, NULL, NULL, NULL, NULL, NULL, "facts.connectable_to_carrier_line"},
    {"11-10", "2021-06-01", NULL, GK_ERR_VALIDATION, NULL, NULL, NULL, NULL, NULL, "facts.uses_ip"},
    {"1111-", "2021-06-01", NULL, GK_ERR_VALIDATION, NULL, NULL, NULL, NULL, NULL, "facts.user_installable_security_software"},
    {"-----", "2021-06-01", NULL, GK_ERR_VALIDATION, NULL, NULL, NULL, NULL, NULL, "facts.connectable_to_carrier_line,facts.always_via_certified_equipment,facts.data_transmission_facility,facts.uses_ip," "facts.remotely_configurable,facts.user_installable_security_software"},
    /* not directly connectable would decide alone, but the record must be complete */
    {"0----", "2021-06-01", NULL, GK_ERR_VALIDATION, NULL, NULL, NULL, NULL, NULL, "facts.data_transmission_facility,facts.uses_ip,facts.remotely_configurable," "facts.user_installable_security_software"},
    {"1-1-0", "2021-06-01", NULL, GK_ERR_VALIDATION, NULL, NULL, NULL, NULL, NULL, "facts.data_transmission_facility,facts.remotely_configurable"},
    /* missing facts are reported before a bad opt-in */
    {"11-10", "2021-06-01", "pre-2020", GK_ERR_VALIDATION, NULL, NULL, NULL, NULL, NULL, "facts.uses_ip"},
};
// clang-format on

/* Joins strings with commas into buf. */
static const char *join(const char *const *items, size_t n, char *buf, size_t size)
{
    buf[0] = '\0';
    for (size_t i = 0; i < n; i++) {
        if (i) strncat(buf, ",", size - strlen(buf) - 1);
        strncat(buf, items[i], size - strlen(buf) - 1);
    }
    return buf;
}

static void test_determination_table(void **state)
{
    size_t n;
    const gk_rule_set *sets = gk_rule_set_builtin(&n);
    assert_true(sizeof cases / sizeof cases[0] >= 40);
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const det_case *c = &cases[i];
        gk_facts f = F(c->facts);
        gk_determination det;
        char got[512];
        gk_error e = gk_determination_on(sets, n, &f, D(c->filing), c->opt_in, &det);
        if (e != c->err)
            fail_msg("case %zu (%s %s %s): %s, expected %s", i, c->facts, c->filing,
                     c->opt_in ? c->opt_in : "-", gk_error_code(e), gk_error_code(c->err));
        join(det.missing, det.n_missing, got, sizeof got);
        if (strcmp(got, c->missing) != 0) fail_msg("case %zu missing: %s", i, got);
        if (e != GK_ERR_OK) {
            assert_int_equal(det.n_rationale, 0);
            assert_int_equal(det.n_requirements, 0);
            continue;
        }
        if (strcmp(gk_scope_outcome_name(det.outcome), c->outcome) != 0)
            fail_msg("case %zu (%s %s): outcome %s, expected %s", i, c->facts, c->filing,
                     gk_scope_outcome_name(det.outcome), c->outcome);
        assert_string_equal(det.rule_set->id, c->rule_set);

        const char *decisive[GK_TEST__COUNT];
        size_t nd = 0;
        for (size_t k = 0; k < det.n_rationale; k++)
            if (det.rationale[k].decisive) decisive[nd++] = det.rationale[k].name;
        join(decisive, nd, got, sizeof got);
        if (strcmp(got, c->decisive) != 0)
            fail_msg("case %zu (%s %s): decided by %s, expected %s", i, c->facts, c->filing, got,
                     c->decisive);
        assert_string_equal(join(det.requirements, det.n_requirements, got, sizeof got),
                            c->requirements);
        assert_string_equal(join(det.obligations, det.n_obligations, got, sizeof got),
                            c->obligations);
    }
}

/* The rationale is complete whatever decided: six tests in a fixed order, each "holds" read
 * from its fact (test 4 holds when the user can NOT secure the device), reasons in both
 * languages that change with the result. Checked for all 32 fact combinations and both
 * built-in rule sets. */
static void test_determination_rationale_complete(void **state)
{
    static const char *const order[GK_TEST__COUNT] = {
        "direct_connection",    "data_transmission_facility", "internet_protocol",
        "remote_configuration", "not_user_securable",         "rule_set_security_requirements"};
    size_t n;
    const gk_rule_set *sets = gk_rule_set_builtin(&n);
    for (size_t s = 0; s < n; s++) {
        for (int bits = 0; bits < 32; bits++) {
            char facts[6];
            for (int k = 0; k < 5; k++)
                facts[k] = (bits >> (4 - k)) & 1 ? '1' : '0';
            facts[5] = '\0';
            gk_facts f = F(facts);
            gk_determination det;
            assert_int_equal(gk_determination_run(&f, &sets[s], &det), GK_ERR_OK);
            assert_ptr_equal(det.rule_set, &sets[s]);
            assert_int_equal(det.n_rationale, GK_TEST__COUNT);
            size_t n_decisive = 0;
            for (int k = 0; k < GK_TEST__COUNT; k++) {
                const gk_rationale_entry *r = &det.rationale[k];
                assert_int_equal(r->test, k);
                assert_string_equal(r->name, order[k]);
                assert_string_equal(gk_test_name((gk_test)k), order[k]);
                bool expect = k < 4    ? facts[k] == '1'
                              : k == 4 ? facts[4] == '0'
                                       : gk_rule_set_has_security_requirements(&sets[s]);
                assert_int_equal(r->holds, expect);
                /* The reason is the key of the test and its result. */
                char key[96];
                snprintf(key, sizeof key, "determination.reason.%s.%s", order[k],
                         r->holds ? "holds" : "fails");
                assert_string_equal(r->reason_key, key);
                if (r->decisive) n_decisive++;
            }
            assert_true(n_decisive >= 1);
            /* The reason follows the result: flip one fact, the reason changes. */
            gk_facts g = f;
            gk_determination det2;
            g.v[GK_FACT_USES_IP] = f.v[GK_FACT_USES_IP] == GK_TRI_TRUE ? GK_TRI_FALSE : GK_TRI_TRUE;
            assert_int_equal(gk_determination_run(&g, &sets[s], &det2), GK_ERR_OK);
            assert_string_not_equal(det.rationale[GK_TEST_INTERNET_PROTOCOL].reason_key,
                                    det2.rationale[GK_TEST_INTERNET_PROTOCOL].reason_key);
        }
    }
}

/* The report's two-part direct-connection test (l. 511-515): physically and technically
 * connectable, and among those, equipment constantly connected through certified equipment
 * and not at all expected to be used directly is outside. Facts: connectable, always_via,
 * then the shorthand as given ('-' not given); the Art. 34-10 facts of a router (1110). */
typedef struct {
    const char *device;
    char connectable, always_via, shorthand;
    const char *outcome;
    const char *reason; /* the direct-connection reason key's last part */
    gk_connection_basis basis;
    gk_tristate derived; /* directly_connectable after gk_facts_normalise */
} conn_case;

static gk_tristate T(char c)
{
    return c == '1' ? GK_TRI_TRUE : c == '0' ? GK_TRI_FALSE : GK_TRI_UNSET;
}

static void test_determination_connection_table(void **state)
{
    // clang-format off
    static const conn_case devices[] = {
        /* a portable Wi-Fi device: it can join public Wi-Fi, so it is expected to be used
         * directly even if it lives behind a home router most of the time */
        {"portable Wi-Fi device", '1', '0', '-', "subject_with_security", "holds", GK_CONN_BY_PARTS, GK_TRI_TRUE},
        /* white goods with an Ethernet port: connectable, but always behind a router and
         * never taken outdoors (the report's example) */
        {"white goods with an Ethernet port", '1', '1', '-', "not_subject", "fails_always_via_certified", GK_CONN_ALWAYS_VIA, GK_TRI_FALSE},
        /* a device behind a router, never taken outside */
        {"device behind a router never taken outside", '1', '1', '-', "not_subject", "fails_always_via_certified", GK_CONN_ALWAYS_VIA, GK_TRI_FALSE},
        /* a device with no interface a carrier's line accepts */
        {"no carrier interface", '0', '0', '-', "not_subject", "fails_not_connectable", GK_CONN_NOT_CONNECTABLE, GK_TRI_FALSE},
        {"no carrier interface, behind a router", '0', '1', '-', "not_subject", "fails_not_connectable", GK_CONN_NOT_CONNECTABLE, GK_TRI_FALSE},
        /* the parts decide over a contradicting shorthand */
        {"white goods answering the shorthand yes", '1', '1', '1', "not_subject", "fails_always_via_certified", GK_CONN_ALWAYS_VIA, GK_TRI_FALSE},
        {"portable device answering the shorthand no", '1', '0', '0', "subject_with_security", "holds", GK_CONN_BY_PARTS, GK_TRI_TRUE},
        /* the shorthand alone (filings before the two parts) */
        {"shorthand yes", '-', '-', '1', "subject_with_security", "holds", GK_CONN_SHORTHAND, GK_TRI_TRUE},
        {"shorthand no", '-', '-', '0', "not_subject", "fails", GK_CONN_SHORTHAND, GK_TRI_FALSE},
        /* one part and the shorthand: the shorthand answers */
        {"shorthand no, connectable yes", '1', '-', '0', "not_subject", "fails", GK_CONN_SHORTHAND, GK_TRI_FALSE},
    };
    // clang-format on
    size_t n;
    const gk_rule_set *sets = gk_rule_set_builtin(&n);
    for (size_t i = 0; i < sizeof devices / sizeof devices[0]; i++) {
        const conn_case *c = &devices[i];
        gk_facts f = F("-1110");
        f.v[GK_FACT_CONNECTABLE_TO_CARRIER_LINE] = T(c->connectable);
        f.v[GK_FACT_ALWAYS_VIA_CERTIFIED_EQUIPMENT] = T(c->always_via);
        f.v[GK_FACT_DIRECTLY_CONNECTABLE] = T(c->shorthand);
        gk_determination det;
        gk_error e = gk_determination_on(sets, n, &f, D("2021-06-01"), NULL, &det);
        if (e != GK_ERR_OK) fail_msg("%s: %s", c->device, gk_error_code(e));
        if (strcmp(gk_scope_outcome_name(det.outcome), c->outcome) != 0)
            fail_msg("%s: %s, expected %s", c->device, gk_scope_outcome_name(det.outcome),
                     c->outcome);
        char key[96];
        snprintf(key, sizeof key, "determination.reason.direct_connection.%s", c->reason);
        const gk_rationale_entry *r = &det.rationale[GK_TEST_DIRECT_CONNECTION];
        if (strcmp(r->reason_key, key) != 0)
            fail_msg("%s: reason %s, expected %s", c->device, r->reason_key, key);
        if (det.connection_basis != c->basis)
            fail_msg("%s: basis %d", c->device, det.connection_basis);
        assert_int_equal(r->decisive, det.outcome == GK_OUTCOME_NOT_SUBJECT ||
                                          det.outcome == GK_OUTCOME_SUBJECT_WITH_SECURITY);
        if (det.outcome == GK_OUTCOME_NOT_SUBJECT) assert_string_equal(det.obligations[0], MANUAL);
        gk_facts g = f;
        gk_facts_normalise(&g);
        if (g.v[GK_FACT_DIRECTLY_CONNECTABLE] != c->derived) fail_msg("%s: derived", c->device);
        /* what a filing stores: only the conclusion of both parts, never parts from it */
        gk_facts h = f;
        bool parts = gk_facts_conclude(&h);
        assert_int_equal(parts, c->connectable != '-' && c->always_via != '-');
        if (!parts)
            assert_int_equal(h.v[GK_FACT_CONNECTABLE_TO_CARRIER_LINE],
                             f.v[GK_FACT_CONNECTABLE_TO_CARRIER_LINE]);
    }
}

static void test_determination_fact_names(void **state)
{
    static const char *const names[GK_FACT__COUNT] = {"directly_connectable",
                                                      "data_transmission_facility",
                                                      "uses_ip",
                                                      "remotely_configurable",
                                                      "user_installable_security_software",
                                                      "connectable_to_carrier_line",
                                                      "always_via_certified_equipment"};
    for (int i = 0; i < GK_FACT__COUNT; i++) {
        char field[128];
        snprintf(field, sizeof field, "facts.%s", names[i]);
        assert_string_equal(gk_determination_fact_names[i], names[i]);
        assert_string_equal(gk_determination_fact_fields[i], field);
        assert_int_equal(gk_determination_fact_index(names[i]), i);
    }
    assert_int_equal(gk_determination_fact_index("usesIp"), -1);
    assert_int_equal(gk_determination_fact_index("facts.uses_ip"), -1);
    assert_int_equal(gk_determination_fact_index(NULL), -1);
    /* A zeroed struct means "nothing stated". */
    gk_facts none = {{0}};
    gk_determination det;
    size_t n;
    const gk_rule_set *sets = gk_rule_set_builtin(&n);
    assert_int_equal(gk_determination_run(&none, &sets[1], &det), GK_ERR_VALIDATION);
    assert_int_equal(det.n_missing, GK_FACT__COUNT - 1); /* the shorthand is never named */
    /* A value outside the enum is as good as unset (never read as true). */
    gk_facts odd = F("11110");
    odd.v[GK_FACT_USES_IP] = (gk_tristate)9;
    assert_int_equal(gk_determination_run(&odd, &sets[1], &det), GK_ERR_VALIDATION);
    assert_int_equal(det.n_missing, 1);
    assert_string_equal(det.missing[0], "facts.uses_ip");
}

static void test_determination_outcome_names(void **state)
{
    static const struct {
        gk_scope_outcome o;
        const char *name;
    } names[] = {{GK_OUTCOME_NOT_SUBJECT, "not_subject"},
                 {GK_OUTCOME_SUBJECT_GENERAL_ONLY, "subject_general_only"},
                 {GK_OUTCOME_SUBJECT_WITH_SECURITY, "subject_with_security"}};
    for (size_t i = 0; i < 3; i++) {
        gk_scope_outcome o;
        assert_string_equal(gk_scope_outcome_name(names[i].o), names[i].name);
        assert_true(gk_scope_outcome_from_name(names[i].name, &o));
        assert_int_equal(o, names[i].o);
    }
    gk_scope_outcome o;
    assert_false(gk_scope_outcome_from_name("subject", &o));
    assert_false(gk_scope_outcome_from_name(NULL, &o));
    assert_string_equal(gk_scope_outcome_name((gk_scope_outcome)42), "unknown");
    assert_string_equal(gk_test_name((gk_test)42), "unknown");
}

static void test_determination_without_rule_set(void **state)
{
    gk_facts f = F("11110");
    gk_determination det;
    assert_int_equal(gk_determination_run(&f, NULL, &det), GK_ERR_INTERNAL);
}

/* D9 (issue 15 item 5): the manual obligation carries both of the report's statements (l.
 * 522-527), and is raised under the 2020 rule set only (the pre-2020 rows of the table above
 * list no obligation). */
static void test_determination_obligation_statements(void **state)
{
    (void)state;
    static const char *const want[] = {"connect_through_certified_equipment",
                                       "carrier_inspection_for_direct_connection"};
    size_t n = 0;
    for (const gk_obligation_statement *st = gk_obligation_statements; st->obligation; st++) {
        assert_string_equal(st->obligation, MANUAL);
        assert_true(n < 2);
        assert_string_equal(st->id, want[n]);
        assert_non_null(strstr(st->text_key, st->id));
        n++;
    }
    assert_int_equal(n, 2);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_determination_obligation_statements),
        cmocka_unit_test(test_determination_table),
        cmocka_unit_test(test_determination_rationale_complete),
        cmocka_unit_test(test_determination_fact_names),
        cmocka_unit_test(test_determination_connection_table),
        cmocka_unit_test(test_determination_outcome_names),
        cmocka_unit_test(test_determination_without_rule_set),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
