/* The service layer: one operation per use case (file an application, upload a document,
 * record a verdict, suspend a certificate, ...), shared by the JSON API (server/api/) and
 * the HTML forms (server/web/). Handlers only parse, call and render; the rules of who may
 * do what, the transaction and the audit entry live in the operation.
 *
 * The contract of every operation, `void gk_svc_<area>_<verb>(const gk_call *call,
 * const <typed input> *in, gk_outcome *out)`:
 *   - `call` says who acts and in which language messages are written (never a gk_request:
 *     services know nothing of HTTP, so the command line calls them too);
 *   - the input is a typed struct read by the adapter (its field spec is declared next to
 *     the operation so that the API and the form read it alike);
 *   - authorisation of the object (a manufacturer only ever finds its organisation's cases:
 *     another's is GK_ERR_NOT_FOUND, not FORBIDDEN);
 *   - ONE transaction (db/tx.h) for a change, with its audit entry;
 *   - the outcome: err == GK_ERR_OK and `view` (the docs/openapi.yaml object), or err with field errors
 *     whose messages come from the message catalogues in call->lang.
 * Headers of one area: service/<area>.h. This file holds what they share. */
#ifndef GK_SERVICE_SERVICE_H
#define GK_SERVICE_SERVICE_H

#include "auth/principal.h"
#include "db/tx.h"
#include "domain/lifecycle.h"
#include "errors.h"
#include "util/arena.h"

#include <jansson.h>
#include <stdarg.h>
#include <stdbool.h>

/* Who calls, in which language, with which scratch memory. Strings are borrowed. */
typedef struct gk_call {
    gk_principal user;           /* role GK_ROLE_ANON when nobody is signed in */
    const char *lang;            /* "ja" or "en": the language of messages in outcomes */
    gk_arena *arena;             /* scratch for the call's strings; freed by whoever owns it */
    const char *client_addr;     /* for throttling and the audit trail; may be NULL */
    const char *idempotency_key; /* Idempotency-Key of the request, or NULL */
} gk_call;

/* The result of an operation. `view` and `errors` are owned by the outcome: the adapter hands
 * them on (gk_reply_outcome, gk_page_*), or gk_outcome_clear frees them. */
typedef struct {
    gk_error err;       /* GK_ERR_OK on success */
    unsigned status;    /* success status when it is not the adapter's default (201), or 0 */
    const char *detail; /* in call->lang, in the call's arena or static; may be NULL */
    json_t *errors;     /* [{field, message}] or NULL */
    json_t *view;       /* the result on success */
    const char *etag, *location; /* for the reply's headers; in the arena, may be NULL */
    long retry_after;            /* seconds for a Retry-After header of a refusal, or 0 */
    /* An Idempotency-Key repeat: the first answer, to be sent again as it was. */
    bool replayed;
    const char *replay_body, *replay_type;
} gk_outcome;

void gk_outcome_clear(gk_outcome *o);

/* Fail the outcome with e (its status comes from the catalogue). When `field` is given, one
 * field error is added whose message is the catalogue text of `msg_key` in call->lang
 * (NULL: the error's own title). Returns GK_TX_ABORT so a transaction callback can
 * `return gk_fail(...)`. */
gk_tx_status gk_fail(gk_outcome *o, const gk_call *call, gk_error e, const char *field,
                     const char *msg_key);
/* Add one field error (message from the catalogue) without failing yet; for operations that
 * collect every bad field before answering. */
void gk_field_err(gk_outcome *o, const gk_call *call, const char *field, const char *msg_key);
/* After gk_tx_run: turn a transaction that did not commit for a technical reason into the
 * outcome's error (503 when the database is unreachable, 500 otherwise), leaving a business
 * refusal (GK_TX_ABORT with err already set) as it is. */
void gk_outcome_finish(gk_outcome *o, gk_tx_status s);

/* The catalogue text of `key` in the call's language (the key itself when missing). */
const char *gk_call_msg(const gk_call *call, const char *key);
/* The same with {name} placeholders replaced: pairs of name, value, ending with NULL. In the
 * call's arena. */
const char *gk_call_msgf(const gk_call *call, const char *key, ...) __attribute__((sentinel));
const char *gk_call_vmsgf(const gk_call *call, const char *key, va_list ap);
/* Scratch strings in the call's arena. */
char *gk_call_printf(const gk_call *call, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* The life-cycle role of the caller. Fails closed: anything unknown is the manufacturer's
 * role, the one with the fewest rights over a case it does not own. */
gk_lifecycle_role gk_call_lc_role(const gk_call *call);
/* Manufacturers see their organisation's objects only (the filter to pass to db/); staff see
 * all (NULL). */
const char *gk_call_org_filter(const gk_call *call);
bool gk_call_is_staff(const gk_call *call); /* examiner, regulator or admin */

#endif
