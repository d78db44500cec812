/* Life cycles of applications and certificates as transition TABLES: (from state, event,
 * role) -> to state. The schema's transition tables list the same status changes (a unit
 * test compares them row by row).
 *
 *   application: draft -> submitted -> in_review <-> info_requested -> proposed
 *                -> granted | rejected (approved by a second examiner), proposed -> in_review
 *                (review not approved), withdrawn by the applicant before a decision.
 *   certificate: granted <-> suspended, granted|suspended -> revoked (final).
 *
 * The role is the caller's account role. The table says what a ROLE may do; identity rules
 * (a manufacturer acts only on its own organisation's cases, nobody approves their own
 * proposal) need ids and are checked by the caller, the latter with
 * gk_lifecycle_review_allowed. Everything is static data; nothing is allocated. */
#ifndef GK_DOMAIN_LIFECYCLE_H
#define GK_DOMAIN_LIFECYCLE_H

#include <stdbool.h>
#include <stddef.h>

#include "errors.h"

typedef enum {
    GK_LC_ROLE_MANUFACTURER,
    GK_LC_ROLE_EXAMINER,
    GK_LC_ROLE_REGULATOR,
    GK_LC_ROLE_ADMIN,
    GK_LC_ROLE__COUNT
} gk_lifecycle_role;

typedef enum {
    GK_LC_DRAFT,
    GK_LC_SUBMITTED,
    GK_LC_IN_REVIEW,
    GK_LC_INFO_REQUESTED,
    GK_LC_PROPOSED,
    GK_LC_GRANTED,
    GK_LC_REJECTED,
    GK_LC_WITHDRAWN,
    GK_LC_CLOSED_NOT_REQUIRED, /* outside certification: closed with no certificate */
    GK_LC_STATE__COUNT
} gk_lifecycle_state;

typedef enum {
    GK_LC_EV_EDIT,
    GK_LC_EV_SUBMIT,
    GK_LC_EV_WITHDRAW,
    GK_LC_EV_ASSIGN,       /* an examiner or admin assigns the case (also re-assigns) */
    GK_LC_EV_START_REVIEW, /* an examiner takes a submitted case */
    GK_LC_EV_REQUEST_INFO,
    GK_LC_EV_RESPOND,
    GK_LC_EV_PROPOSE,
    GK_LC_EV_APPROVE_GRANT,        /* reviewer approves a proposal to grant */
    GK_LC_EV_APPROVE_REJECT,       /* reviewer approves a proposal to reject */
    GK_LC_EV_RETURN,               /* reviewer does not approve: back to in_review */
    GK_LC_EV_APPROVE_NOT_REQUIRED, /* reviewer approves: certification not required */
    GK_LC_EVENT__COUNT
} gk_lifecycle_event;

/* A row of a life-cycle table over that life cycle's state and event enums. */
#define GK_LIFECYCLE_ROW(state_type, event_type)                                                   \
    struct {                                                                                       \
        state_type from;                                                                           \
        event_type event;                                                                          \
        gk_lifecycle_role role;                                                                    \
        state_type to;                                                                             \
    }

typedef GK_LIFECYCLE_ROW(gk_lifecycle_state, gk_lifecycle_event) gk_lifecycle_transition;

/* The application table itself (read-only), for documentation pages and tests. */
const gk_lifecycle_transition *gk_lifecycle_table(size_t *n);

/* Next state of an application.
 *   GK_ERR_OK         *to set
 *   GK_ERR_FORBIDDEN  the role may not do this event in any state (403)
 *   GK_ERR_CONFLICT   the role may do it, but not from this state (409)
 * Out-of-range enums give GK_ERR_FORBIDDEN. *to is untouched on error. */
gk_error gk_lifecycle_next(gk_lifecycle_state from, gk_lifecycle_event event,
                           gk_lifecycle_role role, gk_lifecycle_state *to);

/* True for granted, rejected, withdrawn, closed_not_required: no event leaves them. */
bool gk_lifecycle_is_final(gk_lifecycle_state state);

/* What a state means outside its transitions, as data (lifecycle.c, state_props):
 *   visible to staff: a draft is the applicant's own until submitted; examiners and admins
 *                     neither read nor act on it (it is "not found" to them);
 *   in the queue:     submitted and not yet decided (the examiner's queue);
 *   examinable:       examination records (evidence, verdicts, CC equivalence) may be
 *                     written; frozen once a decision is proposed. */
bool gk_lifecycle_staff_visible(gk_lifecycle_state state);
bool gk_lifecycle_in_queue(gk_lifecycle_state state);
bool gk_lifecycle_is_examinable(gk_lifecycle_state state);
/* The names of the queue's states in life-cycle order, NULL-terminated (the choices of a
 * queue filter). */
extern const char *const gk_lifecycle_queue_states[];

/* Four eyes: the reviewer of a proposal must not be its proposer. GK_ERR_FORBIDDEN when the
 * ids are equal or either is missing, else GK_ERR_OK. */
gk_error gk_lifecycle_review_allowed(const char *proposer_id, const char *reviewer_id);

/* ---- certificates ---- */

typedef enum {
    GK_LC_CERT_GRANTED,
    GK_LC_CERT_SUSPENDED,
    GK_LC_CERT_REVOKED,
    GK_LC_CERT_STATE__COUNT
} gk_lifecycle_cert_state;

typedef enum {
    GK_LC_CERT_EV_SUSPEND,
    GK_LC_CERT_EV_REINSTATE,
    GK_LC_CERT_EV_REVOKE,
    GK_LC_CERT_EVENT__COUNT
} gk_lifecycle_cert_event;

typedef GK_LIFECYCLE_ROW(gk_lifecycle_cert_state,
                         gk_lifecycle_cert_event) gk_lifecycle_cert_transition;

const gk_lifecycle_cert_transition *gk_lifecycle_cert_table(size_t *n);

/* Next state of a certificate; errors as gk_lifecycle_next. Revoked is final. */
gk_error gk_lifecycle_cert_next(gk_lifecycle_cert_state from, gk_lifecycle_cert_event event,
                                gk_lifecycle_role role, gk_lifecycle_cert_state *to);

/* ---- names (the strings of the API and the database) ---- */

const char *gk_lifecycle_role_name(gk_lifecycle_role role);              /* "manufacturer" ... */
const char *gk_lifecycle_state_name(gk_lifecycle_state state);           /* "in_review" ... */
const char *gk_lifecycle_event_name(gk_lifecycle_event event);           /* "approve_grant" ... */
const char *gk_lifecycle_cert_state_name(gk_lifecycle_cert_state state); /* "suspended" */
const char *gk_lifecycle_cert_event_name(gk_lifecycle_cert_event event); /* "reinstate" */
/* The above return "unknown" for out-of-range values. The parsers return false (and leave
 * *out untouched) for unknown or NULL names; matching is exact (case-sensitive). */
bool gk_lifecycle_role_from_name(const char *name, gk_lifecycle_role *out);
bool gk_lifecycle_state_from_name(const char *name, gk_lifecycle_state *out);
bool gk_lifecycle_event_from_name(const char *name, gk_lifecycle_event *out);
bool gk_lifecycle_cert_state_from_name(const char *name, gk_lifecycle_cert_state *out);
bool gk_lifecycle_cert_event_from_name(const char *name, gk_lifecycle_cert_event *out);

#endif
