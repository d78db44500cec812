-- 0019 roles and signed audit checkpoints (issue 18 item 15).
--
-- 1. The application role. Migrations run as the owner of the tables (GITEKI_MIGRATE_DATABASE_URL);
--    `giteki serve` connects as a login role that is a member of the NOLOGIN group role
--    `giteki_app` (GITEKI_DATABASE_URL), which may read and write rows but owns nothing: no DDL,
--    no ALTER TABLE ... DISABLE TRIGGER (ownership is needed), no UPDATE, DELETE or TRUNCATE on
--    the append-only tables (the ones gk_make_append_only marked: audit_log, certificate_events,
--    application_events, evidence, ...), and schema_migrations read-only.
--    gk_grant_app_role() sets those privileges from the catalogue; server/db/migrate.c calls it
--    again after every run that applied a migration, so the tables of later migrations get the
--    same treatment (ALTER DEFAULT PRIVILEGES below covers them until then).
--    Creating the role needs CREATEROLE: an owner without it gets a warning, and the database
--    administrator creates `giteki_app` once (docs/operations.md).
--
-- 2. audit_checkpoints: the chain head (seq, hash) signed with the server's Ed25519 key
--    (crypto/sign.h) now and then and on demand (`giteki audit checkpoint`), published at
--    GET /api/v1/audit/checkpoints. Someone who can write the tables as their owner can rewrite
--    the whole chain consistently (every hash recomputed); they cannot sign the new head, so
--    `giteki audit verify` finds the stored hash at a checkpoint's seq differing from the signed
--    one. The signed text is
--      giteki-audit-checkpoint:v1:<seq>:<hash as 64 lower-case hex>:<signed_at YYYY-MM-DDTHH:MM:SSZ>

DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'giteki_app') THEN
        BEGIN
            CREATE ROLE giteki_app NOLOGIN;
        EXCEPTION
            WHEN insufficient_privilege THEN
                RAISE WARNING 'cannot create role giteki_app (the owner role lacks CREATEROLE): '
                              'create it once as a superuser, then migrate again';
            WHEN duplicate_object OR unique_violation THEN
                NULL; -- another database of this cluster created it just now
        END;
    END IF;
END $$;

CREATE FUNCTION gk_grant_app_role() RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    t regclass;
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'giteki_app') THEN
        RAISE WARNING 'role giteki_app does not exist: no privileges granted';
        RETURN;
    END IF;
    EXECUTE 'GRANT USAGE ON SCHEMA public TO giteki_app';
    EXECUTE 'GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO giteki_app';
    EXECUTE 'REVOKE TRUNCATE, REFERENCES, TRIGGER ON ALL TABLES IN SCHEMA public FROM giteki_app';
    EXECUTE 'GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA public TO giteki_app';
    EXECUTE 'GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA public TO giteki_app';
    -- Append-only tables: rows are added, never changed or removed.
    FOR t IN SELECT DISTINCT tgrelid::regclass FROM pg_trigger
              WHERE tgname = 'append_only_rows' AND NOT tgisinternal
    LOOP
        EXECUTE format('REVOKE UPDATE, DELETE ON %s FROM giteki_app', t);
    END LOOP;
    EXECUTE 'REVOKE INSERT, UPDATE, DELETE ON schema_migrations FROM giteki_app';
    EXECUTE 'REVOKE DELETE ON certification_body FROM giteki_app';
END $$;

DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'giteki_app') THEN
        ALTER DEFAULT PRIVILEGES IN SCHEMA public
            GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO giteki_app;
        ALTER DEFAULT PRIVILEGES IN SCHEMA public
            GRANT USAGE, SELECT, UPDATE ON SEQUENCES TO giteki_app;
    END IF;
END $$;

CREATE TABLE audit_checkpoints (
    seq       bigint PRIMARY KEY CONSTRAINT audit_checkpoints_seq_check CHECK (seq >= 1),
    hash      gk_sha256 NOT NULL,
    signed_at timestamptz NOT NULL,
    key_id    text NOT NULL
        CONSTRAINT audit_checkpoints_key_id_format CHECK (key_id ~ '^[0-9a-f]{16}$'),
    signature text NOT NULL
        CONSTRAINT audit_checkpoints_signature_format CHECK (signature ~ '^[A-Za-z0-9_-]{86}$')
);
SELECT gk_make_append_only('audit_checkpoints');

SELECT gk_grant_app_role();
