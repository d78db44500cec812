/* The life cycle of a market-surveillance case as a transition TABLE: (from status, event,
 * role) -> to status, like domain/lifecycle.h. The schema's surveillance_transitions rows list
 * the same (from, event, to) triples (tests/unit/test_lifecycle_schema.c compares them).
 *
 *   open --record_finding--> awaiting_response --respond (holder)--> responded
 *   responded --require_corrective_action--> corrective_action --close_corrective_action-->
 *   closed_corrective_action; open|responded --close_no_finding--> closed_no_finding;
 *   open|awaiting_response|responded|corrective_action --issue_order (regulator)--> closed_order
 *   (the order suspends or revokes the certificate in the same transaction).
 *   Sample purchases and tests are recorded while the case is open or responded.
 *
 * Examiners of the body and the regulator run a case; only the regulator issues an order;
 * the holder (manufacturer) only responds. Static data; nothing is allocated. */
#ifndef GK_DOMAIN_SURVEILLANCE_H
#define GK_DOMAIN_SURVEILLANCE_H

#include <stdbool.h>
#include <stddef.h>

#include "domain/lifecycle.h"
#include "errors.h"

typedef enum {
    GK_SV_OPEN,
    GK_SV_AWAITING_RESPONSE,
    GK_SV_RESPONDED,
    GK_SV_CORRECTIVE_ACTION,
    GK_SV_CLOSED_NO_FINDING,
    GK_SV_CLOSED_CORRECTIVE_ACTION,
    GK_SV_CLOSED_ORDER,
    GK_SV_STATE__COUNT
} gk_sv_state;

typedef enum {
    GK_SV_EV_RECORD_PURCHASE,
    GK_SV_EV_RECORD_TEST,
    GK_SV_EV_RECORD_FINDING,
    GK_SV_EV_RESPOND,
    GK_SV_EV_REQUIRE_CORRECTIVE_ACTION,
    GK_SV_EV_CLOSE_NO_FINDING,
    GK_SV_EV_CLOSE_CORRECTIVE_ACTION,
    GK_SV_EV_ISSUE_ORDER,
    GK_SV_EVENT__COUNT
} gk_sv_event;

typedef GK_LIFECYCLE_ROW(gk_sv_state, gk_sv_event) gk_sv_transition;

const gk_sv_transition *gk_sv_table(size_t *n);

/* Next status; GK_ERR_FORBIDDEN when the role never does the event, GK_ERR_CONFLICT when it
 * does but not from this status. *to untouched on error. */
gk_error gk_sv_next(gk_sv_state from, gk_sv_event event, gk_lifecycle_role role, gk_sv_state *to);

/* Whether the role may do the event from `from` (a page shows only the forms that apply). */
bool gk_sv_allowed(gk_sv_state from, gk_sv_event event, gk_lifecycle_role role);

/* No event leaves a closed case. */
bool gk_sv_is_closed(gk_sv_state s);

/* Whether the role takes part in cases at all (staff run them, the holder answers). */
bool gk_sv_role_runs_cases(gk_lifecycle_role role);

/* The certificate event an order's action means (suspend, revoke); false for another word. */
bool gk_sv_order_action(const char *action, gk_lifecycle_cert_event *ev);

/* Order kinds (表示の禁止 and others), NULL-terminated; the schema's CHECK lists the same. */
extern const char *const gk_sv_order_kinds[];
/* Verdicts of a surveillance test, NULL-terminated. */
extern const char *const gk_sv_verdicts[];

const char *gk_sv_state_name(gk_sv_state s); /* "unknown" out of range */
const char *gk_sv_event_name(gk_sv_event e);
bool gk_sv_state_from_name(const char *name, gk_sv_state *out);
bool gk_sv_event_from_name(const char *name, gk_sv_event *out);

#endif
