/* Mail from the services (issue 19): a message written from the catalogues in the
 * recipient's language and put in the outbox inside the caller's transaction, so the mail
 * exists exactly when its event does. The delivery worker (mail/worker.h) sends it.
 *
 * A mail of kind K reads `mail.K.subject` and `mail.K.body` from
 * templates/messages/{ja,en}/mail.json, replaces {name} placeholders with the given values,
 * and composes a text part (the body, the link, the footer) and an HTML part (template
 * `mail`, escaped by construction) with mail/compose.h. */
#ifndef GK_MAIL_MAIL_H
#define GK_MAIL_MAIL_H

#include "db/tx.h"

#include <libpq-fe.h>
#include <stdbool.h>

typedef struct {
    const char *kind; /* signup.verify, signup.exists, password.reset, info_request, ... */
    const char *to;   /* the recipient's address */
    const char *lang; /* "ja" or "en" */
    const char *link; /* an absolute URL shown under the body, or NULL */
    bool secret;      /* the link is a one-time token: the stored message is blanked once sent */
    const char *unsubscribe; /* one-click unsubscribe URL (List-Unsubscribe), or NULL */
    const char *params[16];  /* name, value, ..., NULL: placeholders of subject and body */
} gk_mail;

/* Compose and queue. GK_TX_HARD when the message cannot be made (a bug: logged). */
gk_tx_status gk_mail_queue(PGconn *c, const gk_mail *m);

/* The absolute URL of path (starting with "/") on GITEKI_PUBLIC_URL, malloc'd. */
char *gk_mail_url(const char *path, const char *token);

/* A notification to a user (by id) about kind (info_request, decision, certificate, answer,
 * review: the names of users.mail_off), unless the user turned that kind off, is disabled or
 * not verified. params as in gk_mail; path (may be NULL) is a page of the site. */
gk_tx_status gk_mail_notify_user(PGconn *c, const char *user_id, const char *pref, const char *kind,
                                 const char *path, const char *const *params);

/* gk_mail_notify_user for every manufacturer of the application's organisation (the
 * applicant), of the organisation holding a certificate (by its stored number), or for the
 * application's assigned examiner (none assigned: nobody), or for every examiner but the
 * proposer (who may review a proposal). */
gk_tx_status gk_mail_notify_applicants(PGconn *c, const char *app_id, const char *pref,
                                       const char *kind, const char *path,
                                       const char *const *params);
gk_tx_status gk_mail_notify_cert_holders(PGconn *c, const char *number, const char *pref,
                                         const char *kind, const char *path,
                                         const char *const *params);
gk_tx_status gk_mail_notify_reviewers(PGconn *c, const char *proposer_id, const char *pref,
                                      const char *kind, const char *path,
                                      const char *const *params);
gk_tx_status gk_mail_notify_examiner(PGconn *c, const char *app_id, const char *pref,
                                     const char *kind, const char *path, const char *const *params);

/* The digest of the next due subscription (its last digest older than hours), in one
 * transaction that claims it FOR UPDATE SKIP LOCKED: a mail when certificates matching its
 * search changed since, then the subscription's digest time moves on. *done: whether one was
 * due. */
gk_tx_status gk_mail_digest_one(PGconn *c, unsigned hours, bool *done);

#endif
