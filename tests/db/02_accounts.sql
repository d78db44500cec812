-- Accounts: organisations, users (role/organisation), sessions, tokens, throttle, idempotency.
BEGIN;
\ir lib/helpers.sql

CREATE TEMP TABLE fx AS SELECT t.org() AS org, t.user('examiner') AS examiner;

-- organization_id is required exactly when the role is manufacturer.
DO $$
DECLARE
    org uuid := (SELECT org FROM fx);
    c record;
    n integer := 0;
BEGIN
    FOR c IN SELECT * FROM (VALUES
            ('manufacturer', true,  true),
            ('manufacturer', false, false),
            ('examiner',     false, true),
            ('examiner',     true,  false),
            ('regulator',    false, true),
            ('regulator',    true,  false),
            ('admin',        false, true),
            ('admin',        true,  false)) AS v(role, with_org, ok) LOOP
        n := n + 1;
        IF c.ok THEN
            PERFORM t.accepts_then_undo(format('%s with_org=%s', c.role, c.with_org),
                format('SELECT t.user(%L, %L)', c.role, CASE WHEN c.with_org THEN org END));
        ELSE
            PERFORM t.rejects(format('%s with_org=%s', c.role, c.with_org),
                format('SELECT t.user(%L, %L)', c.role, CASE WHEN c.with_org THEN org END),
                'users_organization_iff_manufacturer');
        END IF;
    END LOOP;
    PERFORM t.assert_eq(n, 8, 'role cases run');
END $$;

SELECT t.rejects('unknown role',
    $q$SELECT t.user('superuser')$q$, 'users_role_check');
SELECT t.rejects('staff moved into an organisation',
    (SELECT format($q$UPDATE users SET organization_id = %L WHERE id = %L$q$, org, examiner) FROM fx),
    'users_organization_iff_manufacturer');

-- E-mail unique ignoring case.
SELECT t.accepts('first user', $q$SELECT t.user('admin', NULL, 'Alice@Example.test')$q$);
SELECT t.rejects('same e-mail other case',
    $q$SELECT t.user('regulator', NULL, 'alice@example.TEST')$q$, 'users_email_lower_key');
SELECT t.rejects('e-mail without @',
    $q$SELECT t.user('admin', NULL, 'alice.example.test')$q$, 'users_email_format');
SELECT t.rejects('e-mail with a newline',
    $q$SELECT t.user('admin', NULL, E'bob@example.test\nBcc: x@y')$q$, 'users_email_format');

-- Passwords are stored hashed (PHC string), never plain.
SELECT t.rejects('plain password',
    $q$INSERT INTO users (email, name, role, password_hash) VALUES ('p@example.test', 'P', 'admin', 'hunter2')$q$,
    'users_password_hash_format');
SELECT t.rejects('blank name',
    $q$INSERT INTO users (email, name, role, password_hash) VALUES ('p@example.test', '  ', 'admin', '$scrypt$ln=4$abc$def')$q$,
    'gk_label_format');

-- Organisations.
DO $$
DECLARE
    c record;
BEGIN
    FOR c IN SELECT * FROM (VALUES
            ('1234567890123', true),
            ('123456789012',  false),
            ('12345678901234', false),
            ('123456789012A', false),
            ('１２３４５６７８９０１２３', false)) AS v(num, ok) LOOP
        IF c.ok THEN
            PERFORM t.accepts_then_undo('corporate number ' || c.num,
                format($q$INSERT INTO organizations (name, corporate_number, representative) VALUES ('X', %L, 'Y')$q$, c.num));
        ELSE
            PERFORM t.rejects('corporate number ' || c.num,
                format($q$INSERT INTO organizations (name, corporate_number, representative) VALUES ('X', %L, 'Y')$q$, c.num),
                'organizations_corporate_number_format');
        END IF;
    END LOOP;
END $$;
SELECT t.accepts('organisation without corporate number',
    $q$INSERT INTO organizations (name, representative) VALUES ('No Number Ltd', 'Y')$q$);
SELECT t.accepts('corporate number A',
    $q$INSERT INTO organizations (name, corporate_number, representative) VALUES ('A', '7010001000001', 'Y')$q$);
SELECT t.rejects('corporate number twice',
    $q$INSERT INTO organizations (name, corporate_number, representative) VALUES ('B', '7010001000001', 'Y')$q$,
    'organizations_corporate_number_key');
SELECT t.rejects('organisation without representative',
    $q$INSERT INTO organizations (name) VALUES ('C')$q$, NULL, '23502');

-- Sessions: hashed token, expiry ordering.
SELECT t.accepts('session',
    $q$INSERT INTO sessions (token_hash, user_id, csrf_secret, idle_expires_at, expires_at)
       VALUES (t.h('s1'), t.user('admin'), t.h('c1'), now() + interval '30 min', now() + interval '12 hours')$q$);
SELECT t.rejects('session token reused',
    $q$INSERT INTO sessions (token_hash, user_id, csrf_secret, idle_expires_at, expires_at)
       VALUES (t.h('s1'), t.user('admin'), t.h('c2'), now() + interval '30 min', now() + interval '12 hours')$q$,
    'sessions_token_hash_key');
SELECT t.rejects('session token not a SHA-256',
    $q$INSERT INTO sessions (token_hash, user_id, csrf_secret, idle_expires_at, expires_at)
       VALUES ('\x0102', t.user('admin'), t.h('c3'), now() + interval '30 min', now() + interval '12 hours')$q$,
    'gk_sha256_length');
SELECT t.rejects('idle expiry beyond absolute expiry',
    $q$INSERT INTO sessions (token_hash, user_id, csrf_secret, idle_expires_at, expires_at)
       VALUES (t.h('s4'), t.user('admin'), t.h('c4'), now() + interval '13 hours', now() + interval '12 hours')$q$,
    'sessions_times_ordered');

-- API tokens.
SELECT t.accepts('token',
    $q$INSERT INTO api_tokens (user_id, name, token_hash, expires_on) VALUES (t.user('regulator'), 'export job', t.h('tok1'), DATE '2030-01-01')$q$);
SELECT t.rejects('token hash reused',
    $q$INSERT INTO api_tokens (user_id, name, token_hash) VALUES (t.user('regulator'), 'other', t.h('tok1'))$q$,
    'api_tokens_token_hash_key');

-- Login throttle keys.
SELECT t.accepts('throttle by account', $q$INSERT INTO login_throttle (key) VALUES ('account:alice@example.test')$q$);
SELECT t.accepts('throttle by address', $q$INSERT INTO login_throttle (key) VALUES ('addr:2001:db8::1')$q$);
SELECT t.rejects('throttle key of unknown kind', $q$INSERT INTO login_throttle (key) VALUES ('user:1')$q$,
    'login_throttle_key_format');
SELECT t.rejects('negative failures', $q$INSERT INTO login_throttle (key, failures) VALUES ('addr:192.0.2.1', -1)$q$,
    'login_throttle_failures_check');

-- Idempotency keys: one per user and key.
CREATE TEMP TABLE fx_u AS SELECT t.user('manufacturer', (SELECT org FROM fx)) AS u;
SELECT t.accepts('idempotency key',
    format($q$INSERT INTO idempotency_keys (user_id, key, request_hash, response_status, response_body)
              VALUES (%L, 'k-1', t.h('body'), 201, '{"id":"x"}')$q$, (SELECT u FROM fx_u)));
SELECT t.rejects('idempotency key reused by the same user',
    format($q$INSERT INTO idempotency_keys (user_id, key, request_hash, response_status, response_body)
              VALUES (%L, 'k-1', t.h('other'), 201, '{}')$q$, (SELECT u FROM fx_u)),
    'idempotency_keys_pkey');
SELECT t.accepts('same key, another user',
    $q$INSERT INTO idempotency_keys (user_id, key, request_hash, response_status, response_body)
       VALUES (t.user('admin'), 'k-1', t.h('body'), 201, '{}')$q$);
SELECT t.rejects('idempotency key with a space',
    format($q$INSERT INTO idempotency_keys (user_id, key, request_hash, response_status, response_body)
              VALUES (%L, 'k 2', t.h('b'), 201, '{}')$q$, (SELECT u FROM fx_u)),
    'idempotency_keys_key_format');

ROLLBACK;
