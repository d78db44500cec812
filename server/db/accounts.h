/* The SQL of accounts: sessions, API tokens, sign-in throttling, organisations and user
 * lookups. Every statement is prepared on connect (gk_accounts_register before gk_db_init);
 * callers run them with gk_db_exec(conn, GK_SQL_..., n, values) and read the columns in the
 * order documented next to each name. Binary values (token hashes, CSRF secrets) travel as
 * lower-case hex text and are decoded by PostgreSQL, so every parameter is text. */
#ifndef GK_DB_ACCOUNTS_H
#define GK_DB_ACCOUNTS_H

void gk_accounts_register(void);

/* $1 token hash (hex), $2 idle seconds, $3 idle seconds of staff roles. Finds a live session (idle and absolute expiry not
 * passed, user not disabled) and moves its idle expiry forward (at most every 15 s, never
 * past the absolute expiry). Columns: session id, csrf secret (hex), user id, email, name,
 * role, organization id (NULL for staff). No row: unknown or expired. */
#define GK_SQL_SESSION_LOOKUP "acct_session_lookup"
/* $1 token hash (hex), $2 user id, $3 csrf secret (hex), $4 idle s, $5 absolute s,
 * $6 client address (inet text or NULL). Columns: session id. */
#define GK_SQL_SESSION_INSERT "acct_session_insert"
/* $1 session id. */
#define GK_SQL_SESSION_DELETE "acct_session_delete"
/* $1 user id, $2 session id to keep (or NULL): after a password change. */
#define GK_SQL_SESSIONS_DELETE_OTHERS "acct_sessions_delete_others"

/* $1 e-mail (compared ignoring case). Columns: id, email, name, role, organization id,
 * password hash. Disabled users are not found. */
#define GK_SQL_USER_BY_EMAIL "acct_user_by_email"
/* $1 user id. Columns: password hash. */
#define GK_SQL_USER_PASSWORD "acct_user_password"
/* $1 user id, $2 new password hash. */
#define GK_SQL_USER_SET_PASSWORD "acct_user_set_password"
/* $1 cursor (last id seen, or NULL), $2 limit. Columns: id, email, name, role,
 * organization id, disabled ('t'/'f'), created_at (RFC 3339). Ordered by id. */
#define GK_SQL_USERS_LIST "acct_users_list"

/* $1 name, $2 name_ja (or NULL), $3 corporate number (or NULL), $4 representative.
 * Columns: id. */
#define GK_SQL_ORG_INSERT "acct_org_insert"

/* $1 user id, $2 name, $3 token hash (hex), $4 expires_on (date text), $5 scopes (array
 * literal "{read,file}"). Columns: id, created_at. */
#define GK_SQL_TOKEN_INSERT "acct_token_insert"
/* $1 token hash (hex). A usable token (not revoked, not past expires_on, user enabled).
 * Columns: token id, user id, email, name, role, organization id, whether last_used_at is
 * stale enough to be written again ('t'/'f'), scopes (array literal). */
#define GK_SQL_TOKEN_LOOKUP "acct_token_lookup"
/* $1 token id. */
#define GK_SQL_TOKEN_TOUCH "acct_token_touch"
/* $1 user id. The user's tokens that are not revoked, newest first (at most 500).
 * Columns: id, name, created_at, expires_on, last_used_at, scopes (array literal). */
#define GK_SQL_TOKENS_LIST "acct_tokens_list"
/* $1 token id, $2 owner's user id. Columns: id (no row: not theirs, unknown or revoked). */
#define GK_SQL_TOKEN_REVOKE "acct_token_revoke"
/* $1 user id: revokes every token of the user (a password change). Columns: id per token. */
#define GK_SQL_TOKENS_REVOKE_ALL "acct_tokens_revoke_all"

/* $1 key. Makes sure the counter row exists (then lock it with THROTTLE_GET_LOCKED). */
#define GK_SQL_THROTTLE_ENSURE "acct_throttle_ensure"
/* $1 key. Columns: failures, seconds since window_start, seconds until locked_until (0 when
 * not locked). FOR UPDATE: use inside a transaction. */
#define GK_SQL_THROTTLE_GET_LOCKED "acct_throttle_get_locked"
/* $1 key. Same columns without a lock (the check before a sign-in). No row: no failures. */
#define GK_SQL_THROTTLE_GET "acct_throttle_get"
/* $1 key, $2 failures, $3 '1' to restart the window now, $4 seconds to lock (0 = none). */
#define GK_SQL_THROTTLE_SET "acct_throttle_set"
/* $1 key. */
#define GK_SQL_THROTTLE_RESET "acct_throttle_reset"
/* $1 key, $2 window seconds: one more attempt in the key's fixed window (a new window when
 * the last one passed). Columns: attempts in this window, seconds until it ends. */
#define GK_SQL_THROTTLE_HIT "acct_throttle_hit"
/* $1 e-mail (folded). Columns: 1 when an account has this address (disabled ones too). */
#define GK_SQL_USER_EMAIL_TAKEN "acct_user_email_taken"

#endif
