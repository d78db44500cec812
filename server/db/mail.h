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
/* $1 application id. Columns: the assigned examiner's user id (no row: none). */
#define GK_SQL_MAIL_EXAMINER "mail_examiner"

#endif
