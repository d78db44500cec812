/* The SQL of mail (see mail.h). */
#include "db/mail.h"

#include "db/db.h"
#include "db/run.h"

#define RFC3339(col) "to_char(" col " AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')"

static const gk_stmt stmts[] = {
    {"mail_outbox_insert", "INSERT INTO mail_outbox (kind, recipient, subject, message, secret)"
                           " VALUES ($1, $2, $3, $4, $5::boolean) RETURNING id"},
    {GK_SQL_MAIL_ONCE_AN_HOUR,
     "SELECT pg_try_advisory_xact_lock(hashtext('mail:' || $2 || ':' || $1))"
     " AND NOT EXISTS (SELECT 1 FROM mail_outbox WHERE recipient = $1 AND kind = $2"
     "                 AND created_at > now() - interval '1 hour')"},
    {GK_SQL_MAIL_TAKEN, "SELECT EXISTS (SELECT 1 FROM users WHERE lower(email) = lower($1)),"
                        " NOT EXISTS (SELECT 1 FROM mail_outbox WHERE recipient = $1 AND kind = $2"
                        "             AND created_at > now() - interval '1 hour')"},
    {GK_SQL_MAIL_CLAIM, "SELECT id, recipient, message, attempts FROM mail_outbox"
                        " WHERE status = 'queued' AND next_attempt_at <= now()"
                        " ORDER BY next_attempt_at, id LIMIT $1::int FOR UPDATE SKIP LOCKED"},
    {GK_SQL_MAIL_SENT,
     "UPDATE mail_outbox SET status = 'sent', sent_at = now(), attempts = attempts + 1,"
     " last_error = NULL, message = CASE WHEN secret THEN NULL ELSE message END"
     " WHERE id = $1::bigint"},
    {GK_SQL_MAIL_RETRY,
     "UPDATE mail_outbox SET attempts = attempts + 1, last_error = left($2, 500),"
     " next_attempt_at = now() + make_interval(secs => $3::int) WHERE id = $1::bigint"},
    {GK_SQL_MAIL_FAILED, "UPDATE mail_outbox SET status = 'failed', attempts = attempts + 1,"
                         " last_error = left($2, 500) WHERE id = $1::bigint"},
    {GK_SQL_MAIL_LIST,
     "SELECT id, kind, recipient, subject, status, attempts, last_error, " RFC3339(
         "created_at") ", " RFC3339("sent_at") " FROM mail_outbox"
                                               " WHERE $1::text IS NULL OR status = $1"
                                               " ORDER BY id DESC LIMIT $2::int"},
    {GK_SQL_MAIL_COUNTS,
     "SELECT count(*) FILTER (WHERE status = 'queued'), count(*) FILTER (WHERE status = 'sent'),"
     " count(*) FILTER (WHERE status = 'failed') FROM mail_outbox"},

    {GK_SQL_EMAIL_TOKEN_INSERT,
     "INSERT INTO email_tokens (token_hash, user_id, purpose, expires_at)"
     " VALUES (decode($1, 'hex'), $2::uuid, $3, now() + interval '24 hours')"},
    {GK_SQL_EMAIL_TOKEN_USE,
     "UPDATE email_tokens SET used_at = now()"
     " WHERE token_hash = decode($1, 'hex') AND purpose = $2 AND used_at IS NULL"
     "   AND expires_at > now() RETURNING user_id"},
    {GK_SQL_EMAIL_TOKENS_VOID,
     "UPDATE email_tokens SET used_at = now() WHERE user_id = $1::uuid AND used_at IS NULL"},

    {GK_SQL_MAIL_USER_BY_EMAIL, "SELECT id, name, lang, email_verified_at IS NOT NULL FROM users"
                                " WHERE lower(email) = lower($1) AND NOT disabled"},
    {GK_SQL_MAIL_USER_BY_ID,
     "SELECT email, name, lang, NOT ($2 = ANY (mail_off)) FROM users"
     " WHERE id = $1::uuid AND NOT disabled AND email_verified_at IS NOT NULL"},
    {GK_SQL_MAIL_USER_UNVERIFY,
     "UPDATE users SET email_verified_at = NULL, lang = $2 WHERE id = $1::uuid"},
    {GK_SQL_MAIL_USER_VERIFY,
     "UPDATE users SET email_verified_at = coalesce(email_verified_at, now())"
     " WHERE id = $1::uuid RETURNING id"},
    {GK_SQL_MAIL_USER_VERIFIED,
     "SELECT email_verified_at IS NOT NULL FROM users WHERE id = $1::uuid"},
    {GK_SQL_MAIL_PREFS_GET, "SELECT mail_off FROM users WHERE id = $1::uuid"},
    {GK_SQL_MAIL_PREFS_SET, "UPDATE users SET mail_off = $2::text[] WHERE id = $1::uuid"},
    {GK_SQL_MAIL_APPLICANTS,
     "SELECT u.id FROM applications a JOIN users u ON u.organization_id = a.organization_id"
     " WHERE a.id = $1::uuid AND u.role = 'manufacturer' ORDER BY u.id"},
    {GK_SQL_MAIL_CERT_HOLDERS,
     "SELECT u.id FROM certificates c JOIN users u ON u.organization_id = c.organization_id"
     " WHERE c.number = $1 AND u.role = 'manufacturer' ORDER BY u.id"},
    {GK_SQL_MAIL_REVIEWERS,
     "SELECT id FROM users WHERE role = 'examiner' AND id <> $1::uuid AND NOT disabled"
     " ORDER BY id"},
    {GK_SQL_MAIL_EXAMINER, "SELECT assigned_examiner_id FROM applications"
                           " WHERE id = $1::uuid AND assigned_examiner_id IS NOT NULL"},

    {GK_SQL_SUB_INSERT,
     "INSERT INTO mail_subscriptions (email, query, lang, confirm_hash, unsubscribe_token)"
     " VALUES ($1, $2, $3, decode($4, 'hex'), $5) RETURNING id"},
    {GK_SQL_SUB_CONFIRM,
     "UPDATE mail_subscriptions SET confirmed_at = now(), digest_after = now()"
     " WHERE confirm_hash = decode($1, 'hex') AND confirmed_at IS NULL"
     "   AND unsubscribed_at IS NULL AND created_at > now() - interval '24 hours'"
     " RETURNING id, query"},
    {GK_SQL_SUB_UNSUBSCRIBE,
     "UPDATE mail_subscriptions SET unsubscribed_at = now()"
     " WHERE unsubscribe_token = $1 AND unsubscribed_at IS NULL RETURNING id, query"},
    {GK_SQL_SUB_DUE,
     "SELECT id, email, query, lang, unsubscribe_token, digest_after FROM mail_subscriptions"
     " WHERE confirmed_at IS NOT NULL AND unsubscribed_at IS NULL"
     "   AND digest_after <= now() - make_interval(hours => $1::int)"
     " ORDER BY digest_after LIMIT 1 FOR UPDATE SKIP LOCKED"},
    {GK_SQL_SUB_CHANGES,
     "WITH q AS (SELECT '%' || replace(replace(replace($1, '\\', '\\\\'), '%', '\\%'),"
     "                  '_', '\\_') || '%' AS pat)"
     " SELECT c.number, e.event, c.manufacturer, c.model_name"
     " FROM certificate_events e JOIN certificates c ON c.number = e.certificate_number, q"
     " WHERE e.at > $2::timestamptz"
     "   AND (c.manufacturer ILIKE q.pat OR c.model_name ILIKE q.pat OR c.type_name ILIKE q.pat"
     "        OR c.number ILIKE q.pat OR c.category_id = $1)"
     " ORDER BY e.at, e.id LIMIT 200"},
    {GK_SQL_SUB_DIGESTED, "UPDATE mail_subscriptions SET digest_after = now() WHERE id = $1::uuid"},
};

void gk_mail_db_register(void)
{
    gk_db_register(stmts, sizeof stmts / sizeof *stmts);
}

gk_tx_status gk_db_mail_insert(PGconn *c, const char *kind, const char *recipient,
                               const char *subject, const char *message, bool secret)
{
    const char *v[] = {kind, recipient, subject, message, secret ? "true" : "false"};
    return gk_db_run(c, "mail_outbox_insert", 5, v, NULL, NULL, NULL);
}
