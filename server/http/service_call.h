/* The bridge between a request and the service layer (service/service.h): the call context
 * a handler passes to an operation, the reading of the operation's input, and the JSON reply
 * of its outcome. Pages hand outcomes to web/page.h instead.
 *
 * An adapter is one statement:
 *     gk_exam_assign_in in = {.app_id = r->params[0]};
 *     GK_API_OP(r, &gk_exam_assign_spec, &in, gk_svc_exam_assign, 200);
 * or, for an operation without a field spec, GK_API_CALL(r, 200, gk_svc_cert_get, r->params[0]).
 * The operation is called directly, so its input type is checked by the compiler. */
#ifndef GK_HTTP_SERVICE_CALL_H
#define GK_HTTP_SERVICE_CALL_H

#include "http/fields.h"
#include "http/request.h"
#include "service/service.h"

/* Who calls (the request's principal), its language, its arena, client address and
 * Idempotency-Key. Borrowed from r: valid while the request lives. */
gk_call gk_call_of(gk_request *r);

/* The one input step of both adapters: read `spec` (NULL: nothing to read) from the JSON body
 * or the form into `in`, the bad fields into o->errors. False when a field of this read or
 * of an earlier one is bad: the outcome has then failed with GK_ERR_VALIDATION (422) naming
 * every bad field, and the operation is not to be called. A spec with op_checks leaves the
 * errors to the operation (true). */
bool gk_read_input(gk_request *r, const gk_call *call, const gk_spec *spec, void *in,
                   gk_outcome *o);

/* The catalogue text of `key` in the request's language with {name} placeholders replaced:
 * pairs of name, value, ending with NULL. In the request's arena. */
const char *gk_req_msgf(gk_request *r, const char *key, ...) __attribute__((sentinel));

/* Reply to an API request with an outcome: problem+json on error; the first answer again on
 * an idempotent replay; else the view with ok_status (or o->status when set), ETag and
 * Location when the outcome has them. Clears the outcome. */
void gk_reply_outcome(gk_request *r, unsigned ok_status, gk_outcome *o);

/* Retry-After of a throttled answer, in seconds (at least 1). */
void gk_reply_retry_after(gk_request *r, long seconds);

/* A query parameter of the request (ctx): the getter the services take to read a query. */
const char *gk_query_get(void *ctx, const char *name);

/* One operation for a request, in one statement: the call of r; `spec` read into `in` (NULL,
 * NULL: nothing to read); when the input is good, op(&call, args..., &out) with the
 * operation's own arguments (none, its input, or its plain parameters); then
 * done(r, done_arg, &out) hands the outcome on (the reply, or a page's rendering of it).
 * The operation is called directly, so the compiler checks every argument. */
#define GK_RUN(r, spec, in, done, done_arg, ...)                                                   \
    do {                                                                                           \
        gk_call gk_call_ = gk_call_of(r);                                                          \
        gk_outcome gk_out_ = {0};                                                                  \
        if (gk_read_input((r), &gk_call_, (spec), (in), &gk_out_))                                 \
            GK_RUN_OP_(__VA_ARGS__, &gk_out_)(&gk_call_, GK_RUN_ARGS_(__VA_ARGS__, &gk_out_));     \
        done((r), (done_arg), &gk_out_);                                                           \
    } while (0)
/* The usual case: the operation takes the input its spec was read into. */
#define GK_OP(r, spec, in, op, done, done_arg) GK_RUN(r, spec, in, done, done_arg, op, in)
/* The JSON handlers: the outcome replied with ok_status (gk_reply_outcome). */
#define GK_API_OP(r, spec, in, op, ok_status) GK_OP(r, spec, in, op, gk_reply_outcome, ok_status)
#define GK_API_CALL(r, ok_status, ...)                                                             \
    GK_RUN(r, NULL, NULL, gk_reply_outcome, ok_status, __VA_ARGS__)

/* ... = op [, args]: the out pointer is appended to the list before it is split, so an
 * operation without args is called as op(&call, &out). */
#define GK_RUN_OP_(op, ...) op
#define GK_RUN_ARGS_(op, ...) __VA_ARGS__

#endif
