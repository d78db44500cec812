/* Unit tests of domain/lifecycle. The expected transitions are written out here a second time,
 * by name, independently of the module's table: every listed row must be accepted with its
 * target, and EVERY other (state, event, role) triple must be refused, with 403 when the role
 * never does that event and 409 when it does but not from that state. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h> /* needs the four headers above first */

#include <stdbool.h>
#include <string.h>

#include "domain/lifecycle.h"

typedef struct {
    const char *from, *event, *role, *to;
} row;

static const row app_rows[] = {
    {"draft", "edit", "manufacturer", "draft"},
    {"draft", "submit", "manufacturer", "submitted"},
    {"draft", "withdraw", "manufacturer", "withdrawn"},
    {"submitted", "withdraw", "manufacturer", "withdrawn"},
    {"submitted", "assign", "examiner", "in_review"},
    {"submitted", "assign", "admin", "in_review"},
    {"submitted", "start_review", "examiner", "in_review"},
    {"in_review", "withdraw", "manufacturer", "withdrawn"},
    {"in_review", "assign", "examiner", "in_review"},
    {"in_review", "assign", "admin", "in_review"},
    {"in_review", "request_info", "examiner", "info_requested"},
    {"in_review", "propose", "examiner", "proposed"},
    {"info_requested", "withdraw", "manufacturer", "withdrawn"},
    {"info_requested", "respond", "manufacturer", "in_review"},
    {"info_requested", "assign", "examiner", "info_requested"},
    {"info_requested", "assign", "admin", "info_requested"},
    {"proposed", "withdraw", "manufacturer", "withdrawn"},
    {"proposed", "approve_grant", "examiner", "granted"},
    {"proposed", "approve_reject", "examiner", "rejected"},
    {"proposed", "return", "examiner", "in_review"},
    {"proposed", "approve_not_required", "examiner", "closed_not_required"},
};

static const row cert_rows[] = {
    {"granted", "suspend", "examiner", "suspended"},
    {"granted", "suspend", "regulator", "suspended"},
    {"granted", "suspend", "admin", "suspended"},
    {"suspended", "reinstate", "examiner", "granted"},
    {"suspended", "reinstate", "regulator", "granted"},
    {"suspended", "reinstate", "admin", "granted"},
    {"granted", "revoke", "examiner", "revoked"},
    {"granted", "revoke", "regulator", "revoked"},
    {"granted", "revoke", "admin", "revoked"},
    {"suspended", "revoke", "examiner", "revoked"},
    {"suspended", "revoke", "regulator", "revoked"},
    {"suspended", "revoke", "admin", "revoked"},
};

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

static const row *find_row(const row *rows, size_t n, const char *from, const char *event,
                           const char *role)
{
    for (size_t i = 0; i < n; i++)
        if (!strcmp(rows[i].from, from) && !strcmp(rows[i].event, event) &&
            !strcmp(rows[i].role, role))
            return &rows[i];
    return NULL;
}

static bool role_does_event(const row *rows, size_t n, const char *event, const char *role)
{
    for (size_t i = 0; i < n; i++)
        if (!strcmp(rows[i].event, event) && !strcmp(rows[i].role, role)) return true;
    return false;
}

static void test_lifecycle_application_every_triple(void **state)
{
    size_t accepted = 0;
    for (int s = 0; s < GK_LC_STATE__COUNT; s++)
        for (int e = 0; e < GK_LC_EVENT__COUNT; e++)
            for (int r = 0; r < GK_LC_ROLE__COUNT; r++) {
                const char *sn = gk_lifecycle_state_name((gk_lifecycle_state)s);
                const char *en = gk_lifecycle_event_name((gk_lifecycle_event)e);
                const char *rn = gk_lifecycle_role_name((gk_lifecycle_role)r);
                gk_lifecycle_state to = (gk_lifecycle_state)99;
                gk_error err = gk_lifecycle_next((gk_lifecycle_state)s, (gk_lifecycle_event)e,
                                                 (gk_lifecycle_role)r, &to);
                const row *want = find_row(app_rows, COUNT(app_rows), sn, en, rn);
                if (want) {
                    if (err != GK_ERR_OK) fail_msg("%s/%s/%s refused", sn, en, rn);
                    assert_string_equal(gk_lifecycle_state_name(to), want->to);
                    accepted++;
                    continue;
                }
                gk_error expect = role_does_event(app_rows, COUNT(app_rows), en, rn)
                                      ? GK_ERR_CONFLICT
                                      : GK_ERR_FORBIDDEN;
                if (err != expect)
                    fail_msg("%s/%s/%s: %s, expected %s", sn, en, rn, gk_error_code(err),
                             gk_error_code(expect));
                assert_int_equal(to, 99); /* untouched */
            }
    assert_int_equal(accepted, COUNT(app_rows));
    size_t n;
    gk_lifecycle_table(&n);
    assert_int_equal(n, COUNT(app_rows));
}

static void test_lifecycle_certificate_every_triple(void **state)
{
    size_t accepted = 0;
    for (int s = 0; s < GK_LC_CERT_STATE__COUNT; s++)
        for (int e = 0; e < GK_LC_CERT_EVENT__COUNT; e++)
            for (int r = 0; r < GK_LC_ROLE__COUNT; r++) {
                const char *sn = gk_lifecycle_cert_state_name((gk_lifecycle_cert_state)s);
                const char *en = gk_lifecycle_cert_event_name((gk_lifecycle_cert_event)e);
                const char *rn = gk_lifecycle_role_name((gk_lifecycle_role)r);
                gk_lifecycle_cert_state to = (gk_lifecycle_cert_state)99;
                gk_error err =
                    gk_lifecycle_cert_next((gk_lifecycle_cert_state)s, (gk_lifecycle_cert_event)e,
                                           (gk_lifecycle_role)r, &to);
                const row *want = find_row(cert_rows, COUNT(cert_rows), sn, en, rn);
                if (want) {
                    if (err != GK_ERR_OK) fail_msg("%s/%s/%s refused", sn, en, rn);
                    assert_string_equal(gk_lifecycle_cert_state_name(to), want->to);
                    accepted++;
                    continue;
                }
                gk_error expect = role_does_event(cert_rows, COUNT(cert_rows), en, rn)
                                      ? GK_ERR_CONFLICT
                                      : GK_ERR_FORBIDDEN;
                if (err != expect)
                    fail_msg("%s/%s/%s: %s, expected %s", sn, en, rn, gk_error_code(err),
                             gk_error_code(expect));
                assert_int_equal(to, 99);
            }
    assert_int_equal(accepted, COUNT(cert_rows));
    size_t n;
    gk_lifecycle_cert_table(&n);
    assert_int_equal(n, COUNT(cert_rows));
}

/* Spot checks of the refusals that matter most, spelled out. */
static void test_lifecycle_key_refusals(void **state)
{
    static const struct {
        gk_lifecycle_state from;
        gk_lifecycle_event event;
        gk_lifecycle_role role;
        gk_error err;
    } cases[] = {
        {GK_LC_GRANTED, GK_LC_EV_WITHDRAW, GK_LC_ROLE_MANUFACTURER, GK_ERR_CONFLICT},
        {GK_LC_REJECTED, GK_LC_EV_WITHDRAW, GK_LC_ROLE_MANUFACTURER, GK_ERR_CONFLICT},
        {GK_LC_WITHDRAWN, GK_LC_EV_SUBMIT, GK_LC_ROLE_MANUFACTURER, GK_ERR_CONFLICT},
        {GK_LC_SUBMITTED, GK_LC_EV_EDIT, GK_LC_ROLE_MANUFACTURER, GK_ERR_CONFLICT},
        {GK_LC_IN_REVIEW, GK_LC_EV_APPROVE_GRANT, GK_LC_ROLE_EXAMINER, GK_ERR_CONFLICT},
        {GK_LC_PROPOSED, GK_LC_EV_APPROVE_GRANT, GK_LC_ROLE_MANUFACTURER, GK_ERR_FORBIDDEN},
        {GK_LC_PROPOSED, GK_LC_EV_APPROVE_GRANT, GK_LC_ROLE_ADMIN, GK_ERR_FORBIDDEN},
        {GK_LC_PROPOSED, GK_LC_EV_APPROVE_GRANT, GK_LC_ROLE_REGULATOR, GK_ERR_FORBIDDEN},
        {GK_LC_DRAFT, GK_LC_EV_SUBMIT, GK_LC_ROLE_EXAMINER, GK_ERR_FORBIDDEN},
        {GK_LC_IN_REVIEW, GK_LC_EV_RESPOND, GK_LC_ROLE_MANUFACTURER, GK_ERR_CONFLICT},
        {GK_LC_SUBMITTED, GK_LC_EV_START_REVIEW, GK_LC_ROLE_ADMIN, GK_ERR_FORBIDDEN},
        {(gk_lifecycle_state)42, GK_LC_EV_SUBMIT, GK_LC_ROLE_MANUFACTURER, GK_ERR_CONFLICT},
        {GK_LC_DRAFT, (gk_lifecycle_event)42, GK_LC_ROLE_MANUFACTURER, GK_ERR_FORBIDDEN},
        {GK_LC_DRAFT, GK_LC_EV_SUBMIT, (gk_lifecycle_role)42, GK_ERR_FORBIDDEN},
    };
    for (size_t i = 0; i < COUNT(cases); i++) {
        gk_lifecycle_state to;
        assert_int_equal(gk_lifecycle_next(cases[i].from, cases[i].event, cases[i].role, &to),
                         cases[i].err);
    }
    gk_lifecycle_cert_state cto;
    assert_int_equal(gk_lifecycle_cert_next(GK_LC_CERT_REVOKED, GK_LC_CERT_EV_REINSTATE,
                                            GK_LC_ROLE_REGULATOR, &cto),
                     GK_ERR_CONFLICT);
    assert_int_equal(gk_lifecycle_cert_next(GK_LC_CERT_GRANTED, GK_LC_CERT_EV_REVOKE,
                                            GK_LC_ROLE_MANUFACTURER, &cto),
                     GK_ERR_FORBIDDEN);
}

/* A whole case walked through the table: file, review, ask, answer, propose, return,
 * propose again, grant. */
static void test_lifecycle_walk(void **state)
{
    static const struct {
        const char *event, *role, *state;
    } steps[] = {
        {"edit", "manufacturer", "draft"},        {"submit", "manufacturer", "submitted"},
        {"assign", "admin", "in_review"},         {"request_info", "examiner", "info_requested"},
        {"respond", "manufacturer", "in_review"}, {"propose", "examiner", "proposed"},
        {"return", "examiner", "in_review"},      {"propose", "examiner", "proposed"},
        {"approve_grant", "examiner", "granted"},
    };
    gk_lifecycle_state s = GK_LC_DRAFT;
    for (size_t i = 0; i < COUNT(steps); i++) {
        gk_lifecycle_event e;
        gk_lifecycle_role r;
        assert_true(gk_lifecycle_event_from_name(steps[i].event, &e));
        assert_true(gk_lifecycle_role_from_name(steps[i].role, &r));
        assert_int_equal(gk_lifecycle_next(s, e, r, &s), GK_ERR_OK);
        assert_string_equal(gk_lifecycle_state_name(s), steps[i].state);
    }
    assert_true(gk_lifecycle_is_final(s));
}

static void test_lifecycle_final_states(void **state)
{
    static const struct {
        gk_lifecycle_state s;
        bool final;
    } cases[] = {
        {GK_LC_DRAFT, false},          {GK_LC_SUBMITTED, false}, {GK_LC_IN_REVIEW, false},
        {GK_LC_INFO_REQUESTED, false}, {GK_LC_PROPOSED, false},  {GK_LC_GRANTED, true},
        {GK_LC_REJECTED, true},        {GK_LC_WITHDRAWN, true},  {GK_LC_CLOSED_NOT_REQUIRED, true}};
    for (size_t i = 0; i < COUNT(cases); i++)
        assert_int_equal(gk_lifecycle_is_final(cases[i].s), cases[i].final);
}

static void test_lifecycle_four_eyes(void **state)
{
    static const struct {
        const char *proposer, *reviewer;
        gk_error err;
    } cases[] = {
        {"u-1", "u-2", GK_ERR_OK},       {"u-1", "u-1", GK_ERR_FORBIDDEN},
        {NULL, "u-2", GK_ERR_FORBIDDEN}, {"u-1", NULL, GK_ERR_FORBIDDEN},
        {"", "u-2", GK_ERR_FORBIDDEN},   {"u-1", "", GK_ERR_FORBIDDEN},
    };
    for (size_t i = 0; i < COUNT(cases); i++)
        assert_int_equal(gk_lifecycle_review_allowed(cases[i].proposer, cases[i].reviewer),
                         cases[i].err);
}

static void test_lifecycle_names_round_trip(void **state)
{
    static const char *const roles[] = {"manufacturer", "examiner", "regulator", "admin"};
    static const char *const states[] = {"draft",          "submitted", "in_review",
                                         "info_requested", "proposed",  "granted",
                                         "rejected",       "withdrawn", "closed_not_required"};
    static const char *const events[] = {"edit",           "submit",       "withdraw",
                                         "assign",         "start_review", "request_info",
                                         "respond",        "propose",      "approve_grant",
                                         "approve_reject", "return",       "approve_not_required"};
    static const char *const cert_states[] = {"granted", "suspended", "revoked"};
    static const char *const cert_events[] = {"suspend", "reinstate", "revoke"};
    assert_int_equal(COUNT(roles), GK_LC_ROLE__COUNT);
    assert_int_equal(COUNT(states), GK_LC_STATE__COUNT);
    assert_int_equal(COUNT(events), GK_LC_EVENT__COUNT);
    assert_int_equal(COUNT(cert_states), GK_LC_CERT_STATE__COUNT);
    assert_int_equal(COUNT(cert_events), GK_LC_CERT_EVENT__COUNT);
    for (int i = 0; i < GK_LC_ROLE__COUNT; i++) {
        gk_lifecycle_role v;
        assert_string_equal(gk_lifecycle_role_name((gk_lifecycle_role)i), roles[i]);
        assert_true(gk_lifecycle_role_from_name(roles[i], &v));
        assert_int_equal(v, i);
    }
    for (int i = 0; i < GK_LC_STATE__COUNT; i++) {
        gk_lifecycle_state v;
        assert_string_equal(gk_lifecycle_state_name((gk_lifecycle_state)i), states[i]);
        assert_true(gk_lifecycle_state_from_name(states[i], &v));
        assert_int_equal(v, i);
    }
    for (int i = 0; i < GK_LC_EVENT__COUNT; i++) {
        gk_lifecycle_event v;
        assert_string_equal(gk_lifecycle_event_name((gk_lifecycle_event)i), events[i]);
        assert_true(gk_lifecycle_event_from_name(events[i], &v));
        assert_int_equal(v, i);
    }
    for (int i = 0; i < GK_LC_CERT_STATE__COUNT; i++) {
        gk_lifecycle_cert_state v;
        assert_string_equal(gk_lifecycle_cert_state_name((gk_lifecycle_cert_state)i),
                            cert_states[i]);
        assert_true(gk_lifecycle_cert_state_from_name(cert_states[i], &v));
        assert_int_equal(v, i);
    }
    for (int i = 0; i < GK_LC_CERT_EVENT__COUNT; i++) {
        gk_lifecycle_cert_event v;
        assert_string_equal(gk_lifecycle_cert_event_name((gk_lifecycle_cert_event)i),
                            cert_events[i]);
        assert_true(gk_lifecycle_cert_event_from_name(cert_events[i], &v));
        assert_int_equal(v, i);
    }
    /* Unknown names and values. */
    gk_lifecycle_role r = GK_LC_ROLE_ADMIN;
    assert_false(gk_lifecycle_role_from_name("Admin", &r));
    assert_false(gk_lifecycle_role_from_name("", &r));
    assert_false(gk_lifecycle_role_from_name(NULL, &r));
    assert_int_equal(r, GK_LC_ROLE_ADMIN);
    gk_lifecycle_state s;
    assert_false(gk_lifecycle_state_from_name("approved", &s));
    gk_lifecycle_event e;
    assert_false(gk_lifecycle_event_from_name("approve", &e));
    assert_string_equal(gk_lifecycle_state_name((gk_lifecycle_state)-1), "unknown");
    assert_string_equal(gk_lifecycle_event_name((gk_lifecycle_event)99), "unknown");
    assert_string_equal(gk_lifecycle_role_name((gk_lifecycle_role)99), "unknown");
    assert_string_equal(gk_lifecycle_cert_state_name((gk_lifecycle_cert_state)99), "unknown");
    assert_string_equal(gk_lifecycle_cert_event_name((gk_lifecycle_cert_event)99), "unknown");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_lifecycle_application_every_triple),
        cmocka_unit_test(test_lifecycle_certificate_every_triple),
        cmocka_unit_test(test_lifecycle_key_refusals),
        cmocka_unit_test(test_lifecycle_walk),
        cmocka_unit_test(test_lifecycle_final_states),
        cmocka_unit_test(test_lifecycle_four_eyes),
        cmocka_unit_test(test_lifecycle_names_round_trip),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
