-- 0022 the national view across certification bodies (issue 17).
--
-- A giteki started as an aggregator (GITEKI_AGGREGATE) pulls the signed Atom feed of every
-- configured certification body, verifies each entry's Ed25519 signature against the keys
-- pinned for that body, and keeps here what it accepted, with its provenance. Entries that fail
-- verification are never stored as certificates: they are listed in national_rejections.
-- On a body that is not an aggregator these tables stay empty.

-- The bodies of the configuration (rewritten from GITEKI_AGGREGATE at every start) and the
-- state of their pulls.
CREATE TABLE national_bodies (
    code            text
        CONSTRAINT national_bodies_pkey PRIMARY KEY
        CONSTRAINT national_bodies_code_format CHECK (code ~ '^[0-9]{3}$'),
    base_url        text NOT NULL
        CONSTRAINT national_bodies_base_url_format CHECK (base_url ~ '^https?://[^[:space:]]+$'),
    pinned_key_ids  text[] NOT NULL,
    -- the feed position already read: entries updated before (hw_at - the overlap window)
    -- are not fetched again
    hw_at           timestamptz,
    last_attempt_at timestamptz,
    last_success_at timestamptz,
    last_error      text,
    accepted_total  bigint NOT NULL DEFAULT 0,
    rejected_total  bigint NOT NULL DEFAULT 0
);

-- Every accepted feed entry: the provenance of what national_certificates shows.
CREATE TABLE national_entries (
    body_code   text NOT NULL
        CONSTRAINT national_entries_body_fkey REFERENCES national_bodies (code) ON DELETE CASCADE,
    entry_id    text NOT NULL,
    number      text NOT NULL,
    event       text NOT NULL,
    updated_at  timestamptz NOT NULL,
    fetched_at  timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT national_entries_pkey PRIMARY KEY (body_code, entry_id)
);

-- One row per certificate of a body: the fields of its verified signed payload, the status
-- its latest accepted event gave it, and where and when it came from.
CREATE TABLE national_certificates (
    body_code         text NOT NULL
        CONSTRAINT national_certificates_body_fkey REFERENCES national_bodies (code) ON DELETE CASCADE,
    number            text NOT NULL,
    route             text NOT NULL,
    category          text NOT NULL,
    manufacturer      text NOT NULL,
    model_name        text NOT NULL,
    type_name         text,
    granted_on        date NOT NULL,
    rule_set          text NOT NULL,
    grandfathered     boolean NOT NULL,
    basis             text NOT NULL,
    status            text NOT NULL
        CONSTRAINT national_certificates_status_check CHECK (status IN ('granted', 'suspended', 'revoked')),
    status_changed_at timestamptz NOT NULL,
    -- the event's position in its body's feed (the number that ends its entry id): of two
    -- events of one second, the later one sets the status
    status_entry_seq  bigint NOT NULL DEFAULT 0,
    signed_payload    text NOT NULL,
    signature         text NOT NULL,
    key_id            text NOT NULL,
    feed_entry_id     text NOT NULL,
    fetched_at        timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT national_certificates_pkey PRIMARY KEY (body_code, number)
);
CREATE INDEX national_certificates_text_idx ON national_certificates
    USING gin ((manufacturer || ' ' || model_name || ' ' || coalesce(type_name, '') || ' ' || number) gin_trgm_ops);

-- Entries refused: the signature does not verify, the key is not pinned, the payload does not
-- say what the entry says, or the entry is not signed at all. One row per (body, entry,
-- reason), counted each time the entry is seen again.
CREATE TABLE national_rejections (
    id          bigint GENERATED ALWAYS AS IDENTITY CONSTRAINT national_rejections_pkey PRIMARY KEY,
    body_code   text NOT NULL
        CONSTRAINT national_rejections_body_fkey REFERENCES national_bodies (code) ON DELETE CASCADE,
    entry_id    text NOT NULL,
    number      text,
    reason      text NOT NULL
        CONSTRAINT national_rejections_reason_check
            CHECK (reason IN ('bad_signature', 'unknown_key', 'payload_mismatch', 'malformed', 'unsigned')),
    detail      text,
    first_seen  timestamptz NOT NULL DEFAULT now(),
    last_seen   timestamptz NOT NULL DEFAULT now(),
    seen        integer NOT NULL DEFAULT 1,
    CONSTRAINT national_rejections_entry_key UNIQUE (body_code, entry_id, reason)
);
