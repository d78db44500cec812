-- 0001 foundations: domains and trigger functions shared by every later file.
--
-- Conventions (see schema/README.md):
--  * enumerations are `text` with a named CHECK, not CREATE TYPE ... AS ENUM: adding a value
--    is then an ordinary ALTER TABLE in a migration, and libpq sees plain text;
--  * a rule that a trigger enforces raises SQLSTATE 23514 (check_violation) with
--    CONSTRAINT set to a stable name, exactly like a CHECK would, so the server maps every
--    rejection the same way (PG_DIAG_CONSTRAINT_NAME -> error catalogue);
--  * gen_random_uuid() is built into PostgreSQL 13+, no extension is needed.

-- A SHA-256 digest as raw bytes (documents, tokens, hash chain).
CREATE DOMAIN gk_sha256 AS bytea
    CONSTRAINT gk_sha256_length CHECK (octet_length(VALUE) = 32);

-- A short single-line human label: a name, a title, a file name.
-- Blank or control characters are always a bug or an attack (header injection, log forging).
CREATE DOMAIN gk_label AS text
    CONSTRAINT gk_label_format CHECK (
        btrim(VALUE) <> '' AND char_length(VALUE) <= 300 AND VALUE !~ '[[:cntrl:]]');

-- Free prose (descriptions, reasons, messages): not blank, bounded; newlines allowed.
CREATE DOMAIN gk_prose AS text
    CONSTRAINT gk_prose_format CHECK (
        btrim(VALUE, E' \t\r\n') <> '' AND char_length(VALUE) <= 20000);

-- Raise like a CHECK constraint named `constraint_name` would.
CREATE FUNCTION gk_reject(constraint_name text, message text, detail text DEFAULT NULL)
RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION USING
        ERRCODE = 'check_violation',
        CONSTRAINT = constraint_name,
        MESSAGE = message,
        DETAIL = coalesce(detail, '');
END $$;

-- Trigger: refuse the operation (UPDATE, DELETE, TRUNCATE on append-only tables).
-- Raised as constraint `<table>_append_only`, or as the trigger's first argument if given.
CREATE FUNCTION gk_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM gk_reject(coalesce(TG_ARGV[0], TG_TABLE_NAME || '_append_only'),
                      format('%s: %s refused', TG_TABLE_NAME, TG_OP));
    RETURN NULL;
END $$;

-- Trigger: keep updated_at truthful whatever the UPDATE statement says.
CREATE FUNCTION gk_touch_updated_at() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.updated_at := now();
    RETURN NEW;
END $$;

-- Make a table append-only (row UPDATE/DELETE and TRUNCATE refused).
-- Used by later files as: SELECT gk_make_append_only('certificate_events');
CREATE FUNCTION gk_make_append_only(tbl regclass) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    EXECUTE format('CREATE TRIGGER %I BEFORE UPDATE OR DELETE ON %s '
                   'FOR EACH ROW EXECUTE FUNCTION gk_refuse_change()',
                   'append_only_rows', tbl);
    EXECUTE format('CREATE TRIGGER %I BEFORE TRUNCATE ON %s '
                   'FOR EACH STATEMENT EXECUTE FUNCTION gk_refuse_change()',
                   'append_only_truncate', tbl);
END $$;
