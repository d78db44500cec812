/* Subscriptions to the register (issue 19): anyone subscribes an address to a search (a word
 * matched against maker, model, type and certificate number, or a category id) with double
 * opt-in, and gets a digest of the certificates granted, suspended, reinstated or revoked
 * that match it (mail/mail.h gk_mail_digest_one, run by the delivery worker), each with a
 * one-click unsubscribe link (RFC 8058). */
#ifndef GK_SERVICE_SUBSCRIPTIONS_H
#define GK_SERVICE_SUBSCRIPTIONS_H

#include "http/fields.h"
#include "service/service.h"

typedef struct {
    const char *email, *query;
} gk_sub_input;
extern const gk_spec gk_sub_spec;
/* Always the same answer ({"email", "status": "confirmation_sent", "message"}): the address
 * gets a mail with a link to /subscriptions/confirm?token=... (24 hours). Counted per client
 * address with the sign-ups. */
void gk_svc_sub_create(const gk_call *call, const gk_sub_input *in, gk_outcome *out);

typedef struct {
    const char *token;
} gk_sub_token_input;
extern const gk_spec gk_sub_token_spec;
/* view {"confirmed": true, "query"}; a token unknown, used or expired is a field error. */
void gk_svc_sub_confirm(const gk_call *call, const gk_sub_token_input *in, gk_outcome *out);
/* view {"unsubscribed": true, "query"}; an unknown token (or one already used) is a field
 * error on token. */
void gk_svc_sub_unsubscribe(const gk_call *call, const gk_sub_token_input *in, gk_outcome *out);

#endif
