#include "domain/lifecycle.h"

#include <string.h>

#define M GK_LC_ROLE_MANUFACTURER
#define E GK_LC_ROLE_EXAMINER
#define R GK_LC_ROLE_REGULATOR
#define A GK_LC_ROLE_ADMIN

/* The application life cycle. Regulators have no row: they watch and order, they do not
 * process cases. Admins only (re)assign cases; decisions stay with examiners. */
static const gk_lifecycle_transition app_table[] = {
    {GK_LC_DRAFT, GK_LC_EV_EDIT, M, GK_LC_DRAFT},
    {GK_LC_DRAFT, GK_LC_EV_SUBMIT, M, GK_LC_SUBMITTED},
    {GK_LC_DRAFT, GK_LC_EV_WITHDRAW, M, GK_LC_WITHDRAWN},

    {GK_LC_SUBMITTED, GK_LC_EV_WITHDRAW, M, GK_LC_WITHDRAWN},
    {GK_LC_SUBMITTED, GK_LC_EV_ASSIGN, E, GK_LC_IN_REVIEW},
    {GK_LC_SUBMITTED, GK_LC_EV_ASSIGN, A, GK_LC_IN_REVIEW},
    {GK_LC_SUBMITTED, GK_LC_EV_START_REVIEW, E, GK_LC_IN_REVIEW},

    {GK_LC_IN_REVIEW, GK_LC_EV_WITHDRAW, M, GK_LC_WITHDRAWN},
    {GK_LC_IN_REVIEW, GK_LC_EV_ASSIGN, E, GK_LC_IN_REVIEW},
    {GK_LC_IN_REVIEW, GK_LC_EV_ASSIGN, A, GK_LC_IN_REVIEW},
    {GK_LC_IN_REVIEW, GK_LC_EV_REQUEST_INFO, E, GK_LC_INFO_REQUESTED},
    {GK_LC_IN_REVIEW, GK_LC_EV_PROPOSE, E, GK_LC_PROPOSED},

    {GK_LC_INFO_REQUESTED, GK_LC_EV_WITHDRAW, M, GK_LC_WITHDRAWN},
    {GK_LC_INFO_REQUESTED, GK_LC_EV_RESPOND, M, GK_LC_IN_REVIEW},
    {GK_LC_INFO_REQUESTED, GK_LC_EV_ASSIGN, E, GK_LC_INFO_REQUESTED},
    {GK_LC_INFO_REQUESTED, GK_LC_EV_ASSIGN, A, GK_LC_INFO_REQUESTED},

    {GK_LC_PROPOSED, GK_LC_EV_WITHDRAW, M, GK_LC_WITHDRAWN},
    {GK_LC_PROPOSED, GK_LC_EV_APPROVE_GRANT, E, GK_LC_GRANTED},
    {GK_LC_PROPOSED, GK_LC_EV_APPROVE_REJECT, E, GK_LC_REJECTED},
    {GK_LC_PROPOSED, GK_LC_EV_RETURN, E, GK_LC_IN_REVIEW},
    {GK_LC_PROPOSED, GK_LC_EV_APPROVE_NOT_REQUIRED, E, GK_LC_CLOSED_NOT_REQUIRED},
};

/* The certificate life cycle: the certification body's examiners act on market surveillance,
 * regulators order, admins correct; the holder cannot suspend or revoke. So every transition
 * is open to the three staff roles alike: one row each. */
#define STAFF(from, event, to)                                                                     \
    {from, event, E, to}, {from, event, R, to},                                                    \
    {                                                                                              \
        from, event, A, to                                                                         \
    }
static const gk_lifecycle_cert_transition cert_table[] = {
    STAFF(GK_LC_CERT_GRANTED, GK_LC_CERT_EV_SUSPEND, GK_LC_CERT_SUSPENDED),
    STAFF(GK_LC_CERT_SUSPENDED, GK_LC_CERT_EV_REINSTATE, GK_LC_CERT_GRANTED),
    STAFF(GK_LC_CERT_GRANTED, GK_LC_CERT_EV_REVOKE, GK_LC_CERT_REVOKED),
    STAFF(GK_LC_CERT_SUSPENDED, GK_LC_CERT_EV_REVOKE, GK_LC_CERT_REVOKED),
};
#undef STAFF

#undef M
#undef E
#undef R
#undef A

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* The two life cycles share one lookup; their row types differ only in their enums. */
#define LIFECYCLE(table_fn, next_fn, table, row_type, state_type, event_type)                      \
    const row_type *table_fn(size_t *n)                                                            \
    {                                                                                              \
        *n = COUNT(table);                                                                         \
        return table;                                                                              \
    }                                                                                              \
    gk_error next_fn(state_type from, event_type event, gk_lifecycle_role role, state_type *to)    \
    {                                                                                              \
        bool role_may = false;                                                                     \
        for (size_t i = 0; i < COUNT(table); i++) {                                                \
            const row_type *t = &table[i];                                                         \
            if (t->event != event || t->role != role) continue;                                    \
            role_may = true;                                                                       \
            if (t->from == from) {                                                                 \
                *to = t->to;                                                                       \
                return GK_ERR_OK;                                                                  \
            }                                                                                      \
        }                                                                                          \
        return role_may ? GK_ERR_CONFLICT : GK_ERR_FORBIDDEN;                                      \
    }

LIFECYCLE(gk_lifecycle_table, gk_lifecycle_next, app_table, gk_lifecycle_transition,
          gk_lifecycle_state, gk_lifecycle_event)
LIFECYCLE(gk_lifecycle_cert_table, gk_lifecycle_cert_next, cert_table, gk_lifecycle_cert_transition,
          gk_lifecycle_cert_state, gk_lifecycle_cert_event)

bool gk_lifecycle_is_final(gk_lifecycle_state state)
{
    for (size_t i = 0; i < COUNT(app_table); i++)
        if (app_table[i].from == state) return false;
    return true;
}

static const struct {
    bool staff_visible, in_queue, examinable;
} state_props[GK_LC_STATE__COUNT] = {
    [GK_LC_DRAFT] = {false, false, false},
    [GK_LC_SUBMITTED] = {true, true, false},
    [GK_LC_IN_REVIEW] = {true, true, true},
    [GK_LC_INFO_REQUESTED] = {true, true, true},
    [GK_LC_PROPOSED] = {true, true, false},
    [GK_LC_GRANTED] = {true, false, false},
    [GK_LC_REJECTED] = {true, false, false},
    [GK_LC_WITHDRAWN] = {true, false, false},
    [GK_LC_CLOSED_NOT_REQUIRED] = {true, false, false},
};

/* The same states as state_props' in_queue, by name (a unit test keeps them equal). */
const char *const gk_lifecycle_queue_states[] = {"submitted", "in_review", "info_requested",
                                                 "proposed", NULL};

bool gk_lifecycle_staff_visible(gk_lifecycle_state state)
{
    return (unsigned)state < GK_LC_STATE__COUNT && state_props[state].staff_visible;
}

bool gk_lifecycle_in_queue(gk_lifecycle_state state)
{
    return (unsigned)state < GK_LC_STATE__COUNT && state_props[state].in_queue;
}

bool gk_lifecycle_is_examinable(gk_lifecycle_state state)
{
    return (unsigned)state < GK_LC_STATE__COUNT && state_props[state].examinable;
}

gk_error gk_lifecycle_review_allowed(const char *proposer_id, const char *reviewer_id)
{
    if (!proposer_id || !reviewer_id || !*proposer_id || !*reviewer_id) return GK_ERR_FORBIDDEN;
    return strcmp(proposer_id, reviewer_id) == 0 ? GK_ERR_FORBIDDEN : GK_ERR_OK;
}

/* ---- names -------------------------------------------------------------------------- */

static const char *const role_names[GK_LC_ROLE__COUNT] = {
    [GK_LC_ROLE_MANUFACTURER] = "manufacturer",
    [GK_LC_ROLE_EXAMINER] = "examiner",
    [GK_LC_ROLE_REGULATOR] = "regulator",
    [GK_LC_ROLE_ADMIN] = "admin",
};

static const char *const state_names[GK_LC_STATE__COUNT] = {
    [GK_LC_DRAFT] = "draft",
    [GK_LC_SUBMITTED] = "submitted",
    [GK_LC_IN_REVIEW] = "in_review",
    [GK_LC_INFO_REQUESTED] = "info_requested",
    [GK_LC_PROPOSED] = "proposed",
    [GK_LC_GRANTED] = "granted",
    [GK_LC_REJECTED] = "rejected",
    [GK_LC_WITHDRAWN] = "withdrawn",
    [GK_LC_CLOSED_NOT_REQUIRED] = "closed_not_required",
};

static const char *const event_names[GK_LC_EVENT__COUNT] = {
    [GK_LC_EV_EDIT] = "edit",
    [GK_LC_EV_SUBMIT] = "submit",
    [GK_LC_EV_WITHDRAW] = "withdraw",
    [GK_LC_EV_ASSIGN] = "assign",
    [GK_LC_EV_START_REVIEW] = "start_review",
    [GK_LC_EV_REQUEST_INFO] = "request_info",
    [GK_LC_EV_RESPOND] = "respond",
    [GK_LC_EV_PROPOSE] = "propose",
    [GK_LC_EV_APPROVE_GRANT] = "approve_grant",
    [GK_LC_EV_APPROVE_REJECT] = "approve_reject",
    [GK_LC_EV_RETURN] = "return",
    [GK_LC_EV_APPROVE_NOT_REQUIRED] = "approve_not_required",
};

static const char *const cert_state_names[GK_LC_CERT_STATE__COUNT] = {
    [GK_LC_CERT_GRANTED] = "granted",
    [GK_LC_CERT_SUSPENDED] = "suspended",
    [GK_LC_CERT_REVOKED] = "revoked",
};

static const char *const cert_event_names[GK_LC_CERT_EVENT__COUNT] = {
    [GK_LC_CERT_EV_SUSPEND] = "suspend",
    [GK_LC_CERT_EV_REINSTATE] = "reinstate",
    [GK_LC_CERT_EV_REVOKE] = "revoke",
};

static const char *name_of(const char *const *names, int count, int value)
{
    return value >= 0 && value < count ? names[value] : "unknown";
}

static bool index_of(const char *const *names, int count, const char *name, int *out)
{
    for (int i = 0; name && i < count; i++) {
        if (strcmp(names[i], name) == 0) {
            *out = i;
            return true;
        }
    }
    return false;
}

const char *gk_lifecycle_role_name(gk_lifecycle_role v)
{
    return name_of(role_names, GK_LC_ROLE__COUNT, (int)v);
}

const char *gk_lifecycle_state_name(gk_lifecycle_state v)
{
    return name_of(state_names, GK_LC_STATE__COUNT, (int)v);
}

const char *gk_lifecycle_event_name(gk_lifecycle_event v)
{
    return name_of(event_names, GK_LC_EVENT__COUNT, (int)v);
}

const char *gk_lifecycle_cert_state_name(gk_lifecycle_cert_state v)
{
    return name_of(cert_state_names, GK_LC_CERT_STATE__COUNT, (int)v);
}

const char *gk_lifecycle_cert_event_name(gk_lifecycle_cert_event v)
{
    return name_of(cert_event_names, GK_LC_CERT_EVENT__COUNT, (int)v);
}

/* The parsers: one helper, typed wrappers (the enums are ints underneath). */
#define FROM_NAME(fn, type, names, count)                                                          \
    bool fn(const char *name, type *out)                                                           \
    {                                                                                              \
        int i;                                                                                     \
        if (!index_of(names, count, name, &i)) return false;                                       \
        *out = (type)i;                                                                            \
        return true;                                                                               \
    }

FROM_NAME(gk_lifecycle_role_from_name, gk_lifecycle_role, role_names, GK_LC_ROLE__COUNT)
FROM_NAME(gk_lifecycle_state_from_name, gk_lifecycle_state, state_names, GK_LC_STATE__COUNT)
FROM_NAME(gk_lifecycle_event_from_name, gk_lifecycle_event, event_names, GK_LC_EVENT__COUNT)
FROM_NAME(gk_lifecycle_cert_state_from_name, gk_lifecycle_cert_state, cert_state_names,
          GK_LC_CERT_STATE__COUNT)
FROM_NAME(gk_lifecycle_cert_event_from_name, gk_lifecycle_cert_event, cert_event_names,
          GK_LC_CERT_EVENT__COUNT)
