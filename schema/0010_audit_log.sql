-- 0010 audit log: append-only, hash-chained.
--
-- Each entry stores the hash of its predecessor (prev_hash) and its own hash. The server
-- computes `hash` (crypto/audit_chain.c defines what is hashed: prev_hash and the entry's
-- fields); the database enforces the chain's shape: seq runs 1, 2, 3 ... without gaps,
-- prev_hash equals the previous entry's hash (32 zero bytes for the first), and no entry is
-- ever changed or removed. `detail` is `json`, not `jsonb`, so it is kept byte for byte as
-- hashed.
--
-- Appending (inside the caller's transaction, preferably as its last statement):
--   SELECT seq, hash FROM audit_chain_head FOR UPDATE;     -- serialises appenders
--   INSERT INTO audit_log (seq, at, actor, ..., prev_hash, hash) VALUES (head.seq + 1, ...,
--          head.hash, <computed>);
-- A stale head (another transaction appended in between) is refused with SQLSTATE 40001
-- (serialization_failure), which the transaction runner already retries.

CREATE TABLE audit_log (
    seq           bigint PRIMARY KEY CONSTRAINT audit_log_seq_check CHECK (seq >= 1),
    at            timestamptz NOT NULL DEFAULT now(),
    -- 'user:<uuid>', 'system', 'cli', 'anonymous' ...: single-line, so the hashed text is unambiguous.
    actor         text NOT NULL
        CONSTRAINT audit_log_actor_format CHECK (actor ~ '^[a-z]+(:[^[:space:][:cntrl:]]+)?$' AND char_length(actor) <= 200),
    actor_user_id uuid REFERENCES users (id),
    action        text NOT NULL
        CONSTRAINT audit_log_action_format CHECK (action ~ '^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)*$' AND char_length(action) <= 100),
    object        text
        CONSTRAINT audit_log_object_format CHECK (object !~ '[[:cntrl:]]' AND char_length(object) <= 300),
    detail        json NOT NULL DEFAULT '{}',
    prev_hash     gk_sha256 NOT NULL,
    hash          gk_sha256 NOT NULL CONSTRAINT audit_log_hash_key UNIQUE,
    -- No fork: a hash is the predecessor of at most one entry.
    CONSTRAINT audit_log_prev_hash_key UNIQUE (prev_hash)
);
CREATE INDEX audit_log_at_idx ON audit_log (at);
CREATE INDEX audit_log_object_idx ON audit_log (object, seq) WHERE object IS NOT NULL;
CREATE INDEX audit_log_actor_user_idx ON audit_log (actor_user_id, seq) WHERE actor_user_id IS NOT NULL;

-- The chain's tip, one row; moved only by the audit_log trigger.
CREATE TABLE audit_chain_head (
    singleton boolean PRIMARY KEY DEFAULT true CONSTRAINT audit_chain_head_singleton CHECK (singleton),
    seq       bigint NOT NULL CONSTRAINT audit_chain_head_seq_check CHECK (seq >= 0),
    hash      gk_sha256 NOT NULL
);
INSERT INTO audit_chain_head (seq, hash) VALUES (0, '\x0000000000000000000000000000000000000000000000000000000000000000');

CREATE FUNCTION gk_audit_log_append() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE audit_chain_head SET seq = NEW.seq, hash = NEW.hash
     WHERE seq = NEW.seq - 1 AND hash = NEW.prev_hash;
    IF NOT FOUND THEN
        RAISE EXCEPTION USING
            ERRCODE = 'serialization_failure',
            CONSTRAINT = 'audit_log_chain',
            MESSAGE = 'audit entry does not extend the chain head (stale head: retry)',
            DETAIL = format('entry seq %s', NEW.seq);
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER audit_log_append BEFORE INSERT ON audit_log
    FOR EACH ROW EXECUTE FUNCTION gk_audit_log_append();
SELECT gk_make_append_only('audit_log');

-- The head moves only from inside the audit_log trigger (trigger depth 2), never directly.
CREATE FUNCTION gk_audit_chain_head_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'UPDATE' OR pg_trigger_depth() < 2 THEN
        PERFORM gk_reject('audit_chain_head_guarded', 'the audit chain head moves only by appending to audit_log');
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER audit_chain_head_guard BEFORE INSERT OR UPDATE OR DELETE ON audit_chain_head
    FOR EACH ROW EXECUTE FUNCTION gk_audit_chain_head_guard();
CREATE TRIGGER audit_chain_head_no_truncate BEFORE TRUNCATE ON audit_chain_head
    FOR EACH STATEMENT EXECUTE FUNCTION gk_refuse_change('audit_chain_head_guarded');
