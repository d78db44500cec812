-- Issue 19: e-mail. Verified accounts, one-time e-mail tokens (verification and password
-- reset), each user's language and notification choices, and the outbox that the delivery
-- worker of `giteki serve` sends from.

-- Accounts made before verification existed were made by people who could sign in: they stay
-- verified. New sign-ups are verified by the link of their mail; accounts made by an
-- administrator or `giteki user create` are verified when made.
ALTER TABLE users ADD COLUMN email_verified_at timestamptz DEFAULT now();
UPDATE users SET email_verified_at = created_at;
-- The language of the mails a user receives (the language of the sign-up page).
ALTER TABLE users ADD COLUMN lang text NOT NULL DEFAULT 'ja'
    CONSTRAINT users_lang_check CHECK (lang IN ('ja', 'en'));
-- Notification kinds the user turned off on the account page (none: every notification).
ALTER TABLE users ADD COLUMN mail_off text[] NOT NULL DEFAULT '{}'
    CONSTRAINT users_mail_off_check CHECK (
        mail_off <@ ARRAY['info_request', 'decision', 'certificate', 'answer', 'review']::text[]);

-- One-time tokens sent by mail: only their SHA-256 is stored. Single use (used_at), 24 hours.
CREATE TABLE email_tokens (
    token_hash  gk_sha256 CONSTRAINT email_tokens_pkey PRIMARY KEY,
    user_id     uuid NOT NULL CONSTRAINT email_tokens_user_id_fkey REFERENCES users (id),
    purpose     text NOT NULL CONSTRAINT email_tokens_purpose_check CHECK (purpose IN ('verify', 'reset')),
    created_at  timestamptz NOT NULL DEFAULT now(),
    expires_at  timestamptz NOT NULL,
    used_at     timestamptz,
    CONSTRAINT email_tokens_times_ordered CHECK (expires_at > created_at)
);
CREATE INDEX email_tokens_user_idx ON email_tokens (user_id);

-- The outbox: every mail is a row written in the transaction of the event that causes it.
-- The worker claims due rows with FOR UPDATE SKIP LOCKED (several instances share the work,
-- none sends a row another holds), sends, and marks them sent, or schedules the next try
-- (exponential back-off) until the last try marks them failed. A message that carries a
-- one-time link (secret) is blanked once sent: the link is then only in the recipient's box.
CREATE TABLE mail_outbox (
    id              bigint GENERATED ALWAYS AS IDENTITY CONSTRAINT mail_outbox_pkey PRIMARY KEY,
    kind            text NOT NULL CONSTRAINT mail_outbox_kind_format CHECK (kind ~ '^[a-z_.]{1,64}$'),
    recipient       text NOT NULL CONSTRAINT mail_outbox_recipient_format CHECK (
        char_length(recipient) <= 254 AND recipient ~ '^[^@[:space:][:cntrl:]<>]+@[^@[:space:][:cntrl:]<>]+$'),
    subject         text NOT NULL,
    message         text,
    secret          boolean NOT NULL DEFAULT false,
    status          text NOT NULL DEFAULT 'queued'
        CONSTRAINT mail_outbox_status_check CHECK (status IN ('queued', 'sent', 'failed')),
    attempts        integer NOT NULL DEFAULT 0 CONSTRAINT mail_outbox_attempts_check CHECK (attempts >= 0),
    next_attempt_at timestamptz NOT NULL DEFAULT now(),
    last_error      text,
    created_at      timestamptz NOT NULL DEFAULT now(),
    sent_at         timestamptz,
    CONSTRAINT mail_outbox_message_until_sent CHECK (message IS NOT NULL OR status = 'sent')
);
CREATE INDEX mail_outbox_due_idx ON mail_outbox (next_attempt_at, id) WHERE status = 'queued';
CREATE INDEX mail_outbox_recent_idx ON mail_outbox (id DESC);
-- "Was this address told within the hour?" (a flood of sign-ups with a taken address).
CREATE INDEX mail_outbox_recipient_idx ON mail_outbox (recipient, kind, created_at);

-- Subscriptions (issue 19): anyone subscribes an address to a register search (a word matched
-- against maker, model, type and number, or a category id) with double opt-in; a confirmed
-- subscription gets a digest of the certificates granted, imported, suspended, reinstated or
-- revoked since the last one (at most one a day), with a one-click unsubscribe link
-- (RFC 8058). Only the SHA-256 of the confirmation token is kept; the unsubscribe token is kept
-- as is (it can only end the subscription, and every digest must carry it).
CREATE TABLE mail_subscriptions (
    id                uuid DEFAULT gen_random_uuid() CONSTRAINT mail_subscriptions_pkey PRIMARY KEY,
    email             text NOT NULL CONSTRAINT mail_subscriptions_email_format CHECK (
        char_length(email) <= 254 AND email ~ '^[^@[:space:][:cntrl:]<>]+@[^@[:space:][:cntrl:]<>]+$'),
    query             text NOT NULL CONSTRAINT mail_subscriptions_query_check CHECK (
        char_length(query) BETWEEN 1 AND 200),
    lang              text NOT NULL DEFAULT 'ja'
        CONSTRAINT mail_subscriptions_lang_check CHECK (lang IN ('ja', 'en')),
    confirm_hash      gk_sha256 NOT NULL CONSTRAINT mail_subscriptions_confirm_key UNIQUE,
    unsubscribe_token text NOT NULL CONSTRAINT mail_subscriptions_unsubscribe_key UNIQUE,
    created_at        timestamptz NOT NULL DEFAULT now(),
    confirmed_at      timestamptz,
    unsubscribed_at   timestamptz,
    digest_after      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX mail_subscriptions_due_idx ON mail_subscriptions (digest_after)
    WHERE confirmed_at IS NOT NULL AND unsubscribed_at IS NULL;
