/* Unit tests of domain/surveillance. The expected transitions are written out here a second
 * time, by name, independently of the module's table: every listed row is accepted with its
 * target, and EVERY other (status, event, role) triple is refused, 403 when the role never
 * does the event and 409 when it does but not from that status. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h> /* needs the four headers above first */

#include <stdbool.h>
#include <string.h>

#include "domain/surveillance.h"

typedef struct {
    const char *from, *event, *role, *to;
} row;

static const row rows[] = {
    {"open", "record_purchase", "examiner", "open"},
    {"open", "record_purchase", "regulator", "open"},
    {"open", "record_test", "examiner", "open"},
    {"open", "record_test", "regulator", "open"},
    {"open", "record_finding", "examiner", "awaiting_response"},
    {"open", "record_finding", "regulator", "awaiting_response"},
    {"open", "close_no_finding", "examiner", "closed_no_finding"},
    {"open", "close_no_finding", "regulator", "closed_no_finding"},
    {"open", "issue_order", "regulator", "closed_order"},
    {"awaiting_response", "respond", "manufacturer", "responded"},
    {"awaiting_response", "issue_order", "regulator", "closed_order"},
    {"responded", "record_purchase", "examiner", "responded"},
    {"responded", "record_purchase", "regulator", "responded"},
    {"responded", "record_test", "examiner", "responded"},
    {"responded", "record_test", "regulator", "responded"},
    {"responded", "record_finding", "examiner", "awaiting_response"},
    {"responded", "record_finding", "regulator", "awaiting_response"},
    {"responded", "require_corrective_action", "examiner", "corrective_action"},
    {"responded", "require_corrective_action", "regulator", "corrective_action"},
    {"responded", "close_no_finding", "examiner", "closed_no_finding"},
    {"responded", "close_no_finding", "regulator", "closed_no_finding"},
    {"responded", "issue_order", "regulator", "closed_order"},
    {"corrective_action", "respond", "manufacturer", "corrective_action"},
    {"corrective_action", "close_corrective_action", "examiner", "closed_corrective_action"},
    {"corrective_action", "close_corrective_action", "regulator", "closed_corrective_action"},
    {"corrective_action", "issue_order", "regulator", "closed_order"},
};
#define NROWS (sizeof rows / sizeof *rows)

static const row *find(const char *from, const char *event, const char *role)
{
    for (size_t i = 0; i < NROWS; i++)
        if (!strcmp(rows[i].from, from) && !strcmp(rows[i].event, event) &&
            !strcmp(rows[i].role, role))
            return &rows[i];
    return NULL;
}

static bool role_does(const char *event, const char *role)
{
    for (size_t i = 0; i < NROWS; i++)
        if (!strcmp(rows[i].event, event) && !strcmp(rows[i].role, role)) return true;
    return false;
}

/* Every (status, event, role) triple, exhaustively. */
static void test_every_triple(void **state)
{
    (void)state;
    size_t accepted = 0;
    for (int s = 0; s < GK_SV_STATE__COUNT; s++)
        for (int e = 0; e < GK_SV_EVENT__COUNT; e++)
            for (int r = 0; r < GK_LC_ROLE__COUNT; r++) {
                const char *sn = gk_sv_state_name((gk_sv_state)s);
                const char *en = gk_sv_event_name((gk_sv_event)e);
                const char *rn = gk_lifecycle_role_name((gk_lifecycle_role)r);
                gk_sv_state to = GK_SV_STATE__COUNT;
                gk_error err =
                    gk_sv_next((gk_sv_state)s, (gk_sv_event)e, (gk_lifecycle_role)r, &to);
                const row *want = find(sn, en, rn);
                if (want) {
                    if (err != GK_ERR_OK) fail_msg("%s %s %s refused", sn, en, rn);
                    assert_string_equal(gk_sv_state_name(to), want->to);
                    assert_true(
                        gk_sv_allowed((gk_sv_state)s, (gk_sv_event)e, (gk_lifecycle_role)r));
                    accepted++;
                } else {
                    gk_error expect = role_does(en, rn) ? GK_ERR_CONFLICT : GK_ERR_FORBIDDEN;
                    if (err != expect)
                        fail_msg("%s %s %s: got %d, want %d", sn, en, rn, (int)err, (int)expect);
                    assert_int_equal(to, GK_SV_STATE__COUNT); /* untouched */
                }
            }
    assert_int_equal(accepted, NROWS);
    size_t n;
    gk_sv_table(&n);
    assert_int_equal(n, NROWS);
}

/* The rules a reader of the issue checks first. */
static void test_key_rules(void **state)
{
    (void)state;
    gk_sv_state to;
    /* Only the regulator orders; examiners run the case but do not order. */
    assert_int_equal(gk_sv_next(GK_SV_OPEN, GK_SV_EV_ISSUE_ORDER, GK_LC_ROLE_EXAMINER, &to),
                     GK_ERR_FORBIDDEN);
    /* The holder answers, it never records tests or closes. */
    assert_int_equal(gk_sv_next(GK_SV_OPEN, GK_SV_EV_RECORD_TEST, GK_LC_ROLE_MANUFACTURER, &to),
                     GK_ERR_FORBIDDEN);
    assert_int_equal(gk_sv_next(GK_SV_OPEN, GK_SV_EV_RESPOND, GK_LC_ROLE_MANUFACTURER, &to),
                     GK_ERR_CONFLICT);
    /* Admins take no part. */
    assert_false(gk_sv_role_runs_cases(GK_LC_ROLE_ADMIN));
    assert_true(gk_sv_role_runs_cases(GK_LC_ROLE_REGULATOR));
    /* Closed cases are final; open ones are not. */
    assert_true(gk_sv_is_closed(GK_SV_CLOSED_ORDER));
    assert_true(gk_sv_is_closed(GK_SV_CLOSED_NO_FINDING));
    assert_true(gk_sv_is_closed(GK_SV_CLOSED_CORRECTIVE_ACTION));
    assert_false(gk_sv_is_closed(GK_SV_OPEN));
    assert_false(gk_sv_is_closed(GK_SV_AWAITING_RESPONSE));
    /* The order's action is a certificate event. */
    gk_lifecycle_cert_event ev;
    assert_true(gk_sv_order_action("suspend", &ev));
    assert_int_equal(ev, GK_LC_CERT_EV_SUSPEND);
    assert_true(gk_sv_order_action("revoke", &ev));
    assert_int_equal(ev, GK_LC_CERT_EV_REVOKE);
    assert_false(gk_sv_order_action("reinstate", &ev));
    assert_false(gk_sv_order_action(NULL, &ev));
}

static void test_names(void **state)
{
    (void)state;
    for (int s = 0; s < GK_SV_STATE__COUNT; s++) {
        gk_sv_state back;
        assert_true(gk_sv_state_from_name(gk_sv_state_name((gk_sv_state)s), &back));
        assert_int_equal(back, s);
    }
    for (int e = 0; e < GK_SV_EVENT__COUNT; e++) {
        gk_sv_event back;
        assert_true(gk_sv_event_from_name(gk_sv_event_name((gk_sv_event)e), &back));
        assert_int_equal(back, e);
    }
    gk_sv_state st = GK_SV_OPEN;
    assert_false(gk_sv_state_from_name("Open", &st));
    assert_false(gk_sv_state_from_name(NULL, &st));
    assert_string_equal(gk_sv_state_name((gk_sv_state)99), "unknown");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_triple),
        cmocka_unit_test(test_key_rules),
        cmocka_unit_test(test_names),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
