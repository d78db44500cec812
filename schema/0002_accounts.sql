-- 0002 accounts: organisations, users, sessions, API tokens, login throttling, idempotency.

-- A manufacturer / applicant legal entity (申請者).
CREATE TABLE organizations (
    id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    name             gk_label NOT NULL,
    name_ja          gk_label,
    -- 法人番号: 13 digits. Its check digit is validated by the server, the format here.
    corporate_number text
        CONSTRAINT organizations_corporate_number_format CHECK (corporate_number ~ '^[0-9]{13}$'),
    representative   gk_label NOT NULL,
    created_at       timestamptz NOT NULL DEFAULT now(),
    updated_at       timestamptz NOT NULL DEFAULT now(),
    -- One legal entity, one organisation (NULLs do not collide).
    CONSTRAINT organizations_corporate_number_key UNIQUE (corporate_number)
);
CREATE TRIGGER organizations_touch BEFORE UPDATE ON organizations
    FOR EACH ROW EXECUTE FUNCTION gk_touch_updated_at();

CREATE TABLE users (
    id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    email           text NOT NULL
        CONSTRAINT users_email_format CHECK (
            char_length(email) <= 254 AND email ~ '^[^@[:space:][:cntrl:]]+@[^@[:space:][:cntrl:]]+$'),
    name            gk_label NOT NULL,
    role            text NOT NULL
        CONSTRAINT users_role_check CHECK (role IN ('manufacturer', 'examiner', 'regulator', 'admin')),
    organization_id uuid REFERENCES organizations (id),
    -- A PHC-style string ($scrypt$ln=17,r=8,p=1$salt$hash): never a plain password.
    password_hash   text NOT NULL
        CONSTRAINT users_password_hash_format CHECK (password_hash ~ '^\$[a-z0-9-]{1,32}(\$[^$[:space:]]+)+$'),
    disabled        boolean NOT NULL DEFAULT false,
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now(),
    -- A manufacturer belongs to exactly one organisation; staff to none (they see all cases).
    CONSTRAINT users_organization_iff_manufacturer
        CHECK ((role = 'manufacturer') = (organization_id IS NOT NULL))
);
-- E-mail addresses are unique ignoring case (no citext extension needed).
CREATE UNIQUE INDEX users_email_lower_key ON users (lower(email));
CREATE INDEX users_organization_idx ON users (organization_id) WHERE organization_id IS NOT NULL;
CREATE TRIGGER users_touch BEFORE UPDATE ON users
    FOR EACH ROW EXECUTE FUNCTION gk_touch_updated_at();

-- Browser sessions. Only the SHA-256 of the cookie value is stored, so a database dump
-- does not yield usable sessions.
CREATE TABLE sessions (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    token_hash      gk_sha256 NOT NULL CONSTRAINT sessions_token_hash_key UNIQUE,
    user_id         uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    -- Random per-session secret from which the CSRF token is derived. Kept in clear because
    -- pages must embed the token in forms; alone it grants nothing without the cookie.
    csrf_secret     bytea NOT NULL
        CONSTRAINT sessions_csrf_secret_length CHECK (octet_length(csrf_secret) = 32),
    created_at      timestamptz NOT NULL DEFAULT now(),
    last_seen_at    timestamptz NOT NULL DEFAULT now(),
    -- Idle expiry moves forward on use but never beyond the absolute expiry.
    idle_expires_at timestamptz NOT NULL,
    expires_at      timestamptz NOT NULL,
    remote_addr     inet,
    CONSTRAINT sessions_times_ordered CHECK (
        last_seen_at >= created_at AND idle_expires_at <= expires_at AND expires_at > created_at)
);
CREATE INDEX sessions_user_idx ON sessions (user_id);
CREATE INDEX sessions_expires_idx ON sessions (expires_at);

-- Bearer tokens for API clients; shown once, stored as SHA-256.
CREATE TABLE api_tokens (
    id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    user_id      uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name         gk_label NOT NULL,
    token_hash   gk_sha256 NOT NULL CONSTRAINT api_tokens_token_hash_key UNIQUE,
    created_at   timestamptz NOT NULL DEFAULT now(),
    expires_on   date,                 -- NULL: does not expire
    last_used_at timestamptz,
    revoked_at   timestamptz,
    CONSTRAINT api_tokens_revoked_after_created CHECK (revoked_at >= created_at)
);
CREATE INDEX api_tokens_user_idx ON api_tokens (user_id);

-- Failed sign-in counters, per account and per client address.
CREATE TABLE login_throttle (
    key          text PRIMARY KEY
        CONSTRAINT login_throttle_key_format CHECK (key ~ '^(account|addr):[^[:space:][:cntrl:]]{1,254}$'),
    failures     integer NOT NULL DEFAULT 0 CONSTRAINT login_throttle_failures_check CHECK (failures >= 0),
    window_start timestamptz NOT NULL DEFAULT now(),
    locked_until timestamptz
);
CREATE INDEX login_throttle_window_idx ON login_throttle (window_start);

-- Responses remembered for Idempotency-Key. The row is inserted in the same transaction as
-- the effect it guards, so a concurrent repeat waits on the primary key and then sees it.
CREATE TABLE idempotency_keys (
    user_id               uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    key                   text NOT NULL
        CONSTRAINT idempotency_keys_key_format CHECK (key ~ '^[!-~]{1,255}$'),
    -- SHA-256 over method, path and body: a repeat with another body is a 422.
    request_hash          gk_sha256 NOT NULL,
    response_status       smallint NOT NULL
        CONSTRAINT idempotency_keys_status_check CHECK (response_status BETWEEN 200 AND 599),
    response_content_type text NOT NULL DEFAULT 'application/json',
    response_location     text,
    response_body         text NOT NULL,
    created_at            timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (user_id, key)
);
CREATE INDEX idempotency_keys_created_idx ON idempotency_keys (created_at);
