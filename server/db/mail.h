/* The SQL of mail (issue 19): the outbox, one-time e-mail tokens (verification, password
 * reset), the account fields mails need (language, verified, notification choices).
 * Statements are registered by gk_mail_db_register; run them with db/run.h. Token hashes
 * travel as lower-case hex text. */
#ifndef GK_DB_MAIL_H
#define GK_DB_MAIL_H

#include "db/tx.h"

#include <libpq-fe.h>
#include <stdbool.h>

void gk_mail_db_register(void);

/* Put one composed message in the outbox, inside the caller's transaction (the mail exists
 * exactly when the event does). secret: the message carries a one-time link and is blanked
 * once sent. */
gk_tx_status gk_db_mail_insert(PGconn *c, const char *kind, const char *recipient,
                               const char *subject, const char *message, bool secret);

/* $1 recipient, $2 kind: 't' when this transaction may queue a mail of that kind to that
 * recipient: none was queued in the last hour and no concurrent transaction is queueing one
 * (a transaction-scoped advisory lock). Keeps a flood of sign-ups with a taken address from
 * flooding its owner's mailbox, and cheap. */
#define GK_SQL_MAIL_ONCE_AN_HOUR "mail_once_an_hour"
/* $1 e-mail (folded), $2 notice kind: one round trip for a sign-up. Columns: 't' when an
 * account has this address (disabled ones too), 't' when no notice of that kind went to it
 * in the last hour. */
#define GK_SQL_MAIL_TAKEN "mail_taken"
/* $1 limit: the oldest due queued mail, locked FOR UPDATE SKIP LOCKED (use inside a
 * transaction). Columns: id, recipient, message, attempts. */
#define GK_SQL_MAIL_CLAIM "mail_claim"
/* $1 id. */
#define GK_SQL_MAIL_SENT "mail_sent"
/* $1 id, $2 error text, $3 seconds until the next try. */
#define GK_SQL_MAIL_RETRY "mail_retry"
/* $1 id, $2 error text. */
#define GK_SQL_MAIL_FAILED "mail_failed"
/* $1 status or NULL (all), $2 limit. Columns: id, kind, recipient, subject, status,
 * attempts, last_error, created_at, sent_at (RFC 3339 or NULL), newest first. */
#define GK_SQL_MAIL_LIST "mail_list"
/* Columns: queued, sent, failed counts. */
#define GK_SQL_MAIL_COUNTS "mail_counts"

/* $1 token hash (hex), $2 user id, $3 purpose ('verify' | 'reset'). 24 hours. */
#define GK_SQL_EMAIL_TOKEN_INSERT "mail_token_insert"
/* $1 token hash (hex), $2 purpose: uses the token when it is unused and unexpired.
 * Columns: user id (no row: unknown, used, expired). */
#define GK_SQL_EMAIL_TOKEN_USE "mail_token_use"
/* $1 user id: every unused token of the user is used up (after a reset). */
#define GK_SQL_EMAIL_TOKENS_VOID "mail_tokens_void"

/* $1 e-mail (folded). Columns: id, name, lang, verified ('t'/'f'). Disabled users are not
 * found. */
#define GK_SQL_MAIL_USER_BY_EMAIL "mail_user_by_email"
/* $1 user id, $2 notification kind. Columns: email, name, lang, whether the user wants
 * this kind ('t'/'f'). No row: unknown or disabled. */
#define GK_SQL_MAIL_USER_BY_ID "mail_user_by_id"
/* $1 user id, $2 lang: a sign-up's account, not verified until its link is followed. */
#define GK_SQL_MAIL_USER_UNVERIFY "mail_user_unverify"
/* $1 user id. Columns: id (no row: unknown). */
#define GK_SQL_MAIL_USER_VERIFY "mail_user_verify"
/* $1 user id. Columns: 't' when the user's address is verified. */
#define GK_SQL_MAIL_USER_VERIFIED "mail_user_verified"
/* $1 user id. Columns: mail_off as an array literal. */
#define GK_SQL_MAIL_PREFS_GET "mail_prefs_get"
/* $1 user id, $2 array literal of kinds turned off. */
#define GK_SQL_MAIL_PREFS_SET "mail_prefs_set"
/* $1 application id. Columns: user ids of the organisation's manufacturers (the applicant). */
#define GK_SQL_MAIL_APPLICANTS "mail_applicants"
/* $1 certificate number (as stored). Columns: user ids of the holder organisation's
 * manufacturers. */
#define GK_SQL_MAIL_CERT_HOLDERS "mail_cert_holders"
/* $1 the proposer's user id. Columns: user ids of the other examiners (any of them may be the
 * second pair of eyes). */
#define GK_SQL_MAIL_REVIEWERS "mail_reviewers"
/* $1 application id. Columns: the assigned examiner's user id (no row: none). */
#define GK_SQL_MAIL_EXAMINER "mail_examiner"

/* ---- subscriptions ---- */
/* $1 email, $2 query, $3 lang, $4 confirm hash (hex), $5 unsubscribe token. Columns: id. */
#define GK_SQL_SUB_INSERT "mail_sub_insert"
/* $1 confirm hash (hex): confirms an unconfirmed subscription made less than 24 hours ago.
 * Columns: id, query (no row: unknown, used or expired). */
#define GK_SQL_SUB_CONFIRM "mail_sub_confirm"
/* $1 unsubscribe token. Columns: id, query (no row: unknown or already unsubscribed). */
#define GK_SQL_SUB_UNSUBSCRIBE "mail_sub_unsubscribe"
/* $1 hours: one confirmed subscription whose last digest is older, locked FOR UPDATE SKIP
 * LOCKED. Columns: id, email, query, lang, unsubscribe token, digest_after (timestamptz
 * text). */
#define GK_SQL_SUB_DUE "mail_sub_due"
/* $1 query, $2 since (timestamptz text): the public facts of the certificate events since then
 * whose certificate matches the query (at most 200). Columns: number, event, manufacturer,
 * model_name. */
#define GK_SQL_SUB_CHANGES "mail_sub_changes"
/* $1 id: the digest was made (changes up to now are told). */
#define GK_SQL_SUB_DIGESTED "mail_sub_digested"

#endif
