#include "db/accounts.h"

#include "db/db.h"

#define RFC3339(col) "to_char(" col " AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')"

static const gk_stmt stmts[] = {
    {GK_SQL_SESSION_LOOKUP,
     "WITH s AS ("
     " SELECT s.id, s.csrf_secret, s.last_seen_at, u.id AS uid, u.email, u.name, u.role,"
     "        u.organization_id"
     " FROM sessions s JOIN users u ON u.id = s.user_id"
     " WHERE s.token_hash = decode($1, 'hex') AND s.idle_expires_at > now()"
     "   AND s.expires_at > now() AND NOT u.disabled),"
     " touched AS ("
     " UPDATE sessions SET last_seen_at = now(),"
     "        idle_expires_at = LEAST(now() + make_interval(secs => CASE WHEN"
     "          (SELECT role FROM s) = 'manufacturer' THEN $2::int ELSE $3::int END), expires_at)"
     " WHERE id = (SELECT id FROM s) AND last_seen_at < now() - interval '15 seconds')"
     " SELECT id, encode(csrf_secret, 'hex'), uid, email, name, role, organization_id FROM s"},
    {GK_SQL_SESSION_INSERT,
     "INSERT INTO sessions (token_hash, user_id, csrf_secret, idle_expires_at, expires_at,"
     " remote_addr)"
     " VALUES (decode($1, 'hex'), $2::uuid, decode($3, 'hex'),"
     "  now() + make_interval(secs => LEAST($4::int, $5::int)),"
     "  now() + make_interval(secs => $5::int), $6::inet) RETURNING id"},
    {GK_SQL_SESSION_DELETE, "DELETE FROM sessions WHERE id = $1::bigint"},
    {GK_SQL_SESSIONS_DELETE_OTHERS,
     "DELETE FROM sessions WHERE user_id = $1::uuid AND id <> coalesce($2::bigint, -1)"},

    {GK_SQL_USER_BY_EMAIL, "SELECT id, email, name, role, organization_id, password_hash FROM users"
                           " WHERE lower(email) = lower($1) AND NOT disabled"},
    {GK_SQL_USER_PASSWORD, "SELECT password_hash FROM users WHERE id = $1::uuid"},
    {GK_SQL_USER_SET_PASSWORD, "UPDATE users SET password_hash = $2 WHERE id = $1::uuid"},
    {GK_SQL_USERS_LIST,
     "SELECT id, email, name, role, organization_id, disabled, " RFC3339(
         "created_at") ", lead_examiner, (SELECT o.name FROM organizations o"
                       " WHERE o.id = users.organization_id)"
                       " FROM users WHERE ($1::uuid IS NULL OR id > $1::uuid) ORDER BY id LIMIT $2::int"},

    {GK_SQL_ORG_INSERT,
     "INSERT INTO organizations (name, name_ja, corporate_number, representative)"
     " VALUES ($1, $2, $3, $4) RETURNING id"},

    {GK_SQL_TOKEN_INSERT, "INSERT INTO api_tokens (user_id, name, token_hash, expires_on, scopes)"
                          " VALUES ($1::uuid, $2, decode($3, 'hex'), $4::date, $5::text[])"
                          " RETURNING id, " RFC3339("created_at")},
    {GK_SQL_TOKEN_LOOKUP,
     "SELECT t.id, u.id, u.email, u.name, u.role, u.organization_id,"
     "       (t.last_used_at IS NULL OR t.last_used_at < now() - interval '60 seconds'),"
     "       t.scopes"
     " FROM api_tokens t JOIN users u ON u.id = t.user_id"
     " WHERE t.token_hash = decode($1, 'hex') AND t.revoked_at IS NULL"
     "   AND (t.expires_on IS NULL OR t.expires_on >= current_date) AND NOT u.disabled"},
    {GK_SQL_TOKEN_TOUCH, "UPDATE api_tokens SET last_used_at = now() WHERE id = $1::uuid"},
    {GK_SQL_TOKENS_LIST,
     "SELECT id, name, " RFC3339("created_at") ", expires_on, " RFC3339(
         "last_used_at") ", scopes FROM api_tokens WHERE user_id = $1::uuid AND revoked_at IS NULL"
                         " ORDER BY created_at DESC, id LIMIT 500"},
    {GK_SQL_TOKEN_REVOKE,
     "UPDATE api_tokens SET revoked_at = now()"
     " WHERE id = $1::uuid AND user_id = $2::uuid AND revoked_at IS NULL RETURNING id"},

    {GK_SQL_TOKENS_REVOKE_ALL, "UPDATE api_tokens SET revoked_at = now()"
                               " WHERE user_id = $1::uuid AND revoked_at IS NULL RETURNING id"},
    {GK_SQL_THROTTLE_ENSURE,
     "INSERT INTO login_throttle (key) VALUES ($1) ON CONFLICT (key) DO NOTHING"},
    {GK_SQL_THROTTLE_GET_LOCKED,
     "SELECT failures, floor(extract(epoch FROM now() - window_start))::bigint,"
     " CASE WHEN locked_until > now()"
     "  THEN ceil(extract(epoch FROM locked_until - now()))::bigint ELSE 0 END"
     " FROM login_throttle WHERE key = $1 FOR UPDATE"},
    {GK_SQL_THROTTLE_GET,
     "SELECT failures, floor(extract(epoch FROM now() - window_start))::bigint,"
     " CASE WHEN locked_until > now()"
     "  THEN ceil(extract(epoch FROM locked_until - now()))::bigint ELSE 0 END"
     " FROM login_throttle WHERE key = $1"},
    {GK_SQL_THROTTLE_SET,
     "UPDATE login_throttle SET failures = $2::int,"
     " window_start = CASE WHEN $3 = '1' THEN now() ELSE window_start END,"
     " locked_until = CASE WHEN $4::int > 0 THEN now() + make_interval(secs => $4::int)"
     "                ELSE locked_until END"
     " WHERE key = $1"},
    {GK_SQL_THROTTLE_RESET, "DELETE FROM login_throttle WHERE key = $1"},
    {GK_SQL_THROTTLE_HIT,
     "INSERT INTO login_throttle AS t (key, failures) VALUES ($1, 1)"
     " ON CONFLICT (key) DO UPDATE SET"
     " failures = CASE WHEN t.window_start <= now() - make_interval(secs => $2::int)"
     "  THEN 1 ELSE t.failures + 1 END,"
     " window_start = CASE WHEN t.window_start <= now() - make_interval(secs => $2::int)"
     "  THEN now() ELSE t.window_start END"
     " RETURNING failures,"
     " ceil(extract(epoch FROM t.window_start + make_interval(secs => $2::int) - now()))::bigint"},
    {GK_SQL_USER_EMAIL_TAKEN, "SELECT 1 FROM users WHERE lower(email) = lower($1)"},
};

void gk_accounts_register(void)
{
    gk_db_register(stmts, sizeof stmts / sizeof *stmts);
}
