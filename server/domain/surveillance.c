#include "domain/surveillance.h"

#include <string.h>

#define E GK_LC_ROLE_EXAMINER
#define R GK_LC_ROLE_REGULATOR
#define M GK_LC_ROLE_MANUFACTURER

/* Staff steps: examiners of the body and the regulator alike (one row each). */
#define STAFF(from, event, to)                                                                     \
    {from, event, E, to},                                                                          \
    {                                                                                              \
        from, event, R, to                                                                         \
    }

static const gk_sv_transition table[] = {
    STAFF(GK_SV_OPEN, GK_SV_EV_RECORD_PURCHASE, GK_SV_OPEN),
    STAFF(GK_SV_OPEN, GK_SV_EV_RECORD_TEST, GK_SV_OPEN),
    STAFF(GK_SV_OPEN, GK_SV_EV_RECORD_FINDING, GK_SV_AWAITING_RESPONSE),
    STAFF(GK_SV_OPEN, GK_SV_EV_CLOSE_NO_FINDING, GK_SV_CLOSED_NO_FINDING),
    {GK_SV_OPEN, GK_SV_EV_ISSUE_ORDER, R, GK_SV_CLOSED_ORDER},

    {GK_SV_AWAITING_RESPONSE, GK_SV_EV_RESPOND, M, GK_SV_RESPONDED},
    {GK_SV_AWAITING_RESPONSE, GK_SV_EV_ISSUE_ORDER, R, GK_SV_CLOSED_ORDER},

    STAFF(GK_SV_RESPONDED, GK_SV_EV_RECORD_PURCHASE, GK_SV_RESPONDED),
    STAFF(GK_SV_RESPONDED, GK_SV_EV_RECORD_TEST, GK_SV_RESPONDED),
    STAFF(GK_SV_RESPONDED, GK_SV_EV_RECORD_FINDING, GK_SV_AWAITING_RESPONSE),
    STAFF(GK_SV_RESPONDED, GK_SV_EV_REQUIRE_CORRECTIVE_ACTION, GK_SV_CORRECTIVE_ACTION),
    STAFF(GK_SV_RESPONDED, GK_SV_EV_CLOSE_NO_FINDING, GK_SV_CLOSED_NO_FINDING),
    {GK_SV_RESPONDED, GK_SV_EV_ISSUE_ORDER, R, GK_SV_CLOSED_ORDER},

    {GK_SV_CORRECTIVE_ACTION, GK_SV_EV_RESPOND, M, GK_SV_CORRECTIVE_ACTION},
    STAFF(GK_SV_CORRECTIVE_ACTION, GK_SV_EV_CLOSE_CORRECTIVE_ACTION,
          GK_SV_CLOSED_CORRECTIVE_ACTION),
    {GK_SV_CORRECTIVE_ACTION, GK_SV_EV_ISSUE_ORDER, R, GK_SV_CLOSED_ORDER},
};
#undef STAFF
#undef E
#undef R
#undef M

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

const gk_sv_transition *gk_sv_table(size_t *n)
{
    *n = COUNT(table);
    return table;
}

gk_error gk_sv_next(gk_sv_state from, gk_sv_event event, gk_lifecycle_role role, gk_sv_state *to)
{
    bool role_may = false;
    for (size_t i = 0; i < COUNT(table); i++) {
        if (table[i].event != event || table[i].role != role) continue;
        role_may = true;
        if (table[i].from == from) {
            *to = table[i].to;
            return GK_ERR_OK;
        }
    }
    return role_may ? GK_ERR_CONFLICT : GK_ERR_FORBIDDEN;
}

bool gk_sv_allowed(gk_sv_state from, gk_sv_event event, gk_lifecycle_role role)
{
    gk_sv_state to;
    return gk_sv_next(from, event, role, &to) == GK_ERR_OK;
}

bool gk_sv_is_closed(gk_sv_state s)
{
    for (size_t i = 0; i < COUNT(table); i++)
        if (table[i].from == s) return false;
    return true;
}

bool gk_sv_role_runs_cases(gk_lifecycle_role role)
{
    return role == GK_LC_ROLE_EXAMINER || role == GK_LC_ROLE_REGULATOR;
}

bool gk_sv_order_action(const char *action, gk_lifecycle_cert_event *ev)
{
    if (!action) return false;
    if (!strcmp(action, "suspend")) {
        *ev = GK_LC_CERT_EV_SUSPEND;
        return true;
    }
    if (!strcmp(action, "revoke")) {
        *ev = GK_LC_CERT_EV_REVOKE;
        return true;
    }
    return false;
}

const char *const gk_sv_order_kinds[] = {"display_prohibition", "improvement_order", "other", NULL};
const char *const gk_sv_verdicts[] = {"pass", "fail", NULL};

static const char *const state_names[GK_SV_STATE__COUNT] = {
    [GK_SV_OPEN] = "open",
    [GK_SV_AWAITING_RESPONSE] = "awaiting_response",
    [GK_SV_RESPONDED] = "responded",
    [GK_SV_CORRECTIVE_ACTION] = "corrective_action",
    [GK_SV_CLOSED_NO_FINDING] = "closed_no_finding",
    [GK_SV_CLOSED_CORRECTIVE_ACTION] = "closed_corrective_action",
    [GK_SV_CLOSED_ORDER] = "closed_order",
};

static const char *const event_names[GK_SV_EVENT__COUNT] = {
    [GK_SV_EV_RECORD_PURCHASE] = "record_purchase",
    [GK_SV_EV_RECORD_TEST] = "record_test",
    [GK_SV_EV_RECORD_FINDING] = "record_finding",
    [GK_SV_EV_RESPOND] = "respond",
    [GK_SV_EV_REQUIRE_CORRECTIVE_ACTION] = "require_corrective_action",
    [GK_SV_EV_CLOSE_NO_FINDING] = "close_no_finding",
    [GK_SV_EV_CLOSE_CORRECTIVE_ACTION] = "close_corrective_action",
    [GK_SV_EV_ISSUE_ORDER] = "issue_order",
};

const char *gk_sv_state_name(gk_sv_state s)
{
    return (unsigned)s < GK_SV_STATE__COUNT ? state_names[s] : "unknown";
}

const char *gk_sv_event_name(gk_sv_event e)
{
    return (unsigned)e < GK_SV_EVENT__COUNT ? event_names[e] : "unknown";
}

static bool index_of(const char *const *names, int n, const char *name, int *out)
{
    for (int i = 0; name && i < n; i++)
        if (!strcmp(names[i], name)) {
            *out = i;
            return true;
        }
    return false;
}

bool gk_sv_state_from_name(const char *name, gk_sv_state *out)
{
    int i;
    if (!index_of(state_names, GK_SV_STATE__COUNT, name, &i)) return false;
    *out = (gk_sv_state)i;
    return true;
}

bool gk_sv_event_from_name(const char *name, gk_sv_event *out)
{
    int i;
    if (!index_of(event_names, GK_SV_EVENT__COUNT, name, &i)) return false;
    *out = (gk_sv_event)i;
    return true;
}
