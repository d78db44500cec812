/* The bridge between a request and the service layer (service/service.h): the call context
 * a handler passes to an operation, and the JSON reply of an operation's outcome. Pages
 * render outcomes with web/page.h instead. */
#ifndef GK_HTTP_SERVICE_CALL_H
#define GK_HTTP_SERVICE_CALL_H

#include "http/request.h"
#include "service/service.h"

/* Who calls (the request's principal), its language, its arena, client address and
 * Idempotency-Key. Borrowed from r: valid while the request lives. */
gk_call gk_call_of(gk_request *r);

/* Reply to an API request with an outcome: problem+json on error; the first answer again on
 * an idempotent replay; else the view with ok_status (or o->status when set), ETag and
 * Location when the outcome has them. Clears the outcome. */
void gk_reply_outcome(gk_request *r, unsigned ok_status, gk_outcome *o);

#endif
