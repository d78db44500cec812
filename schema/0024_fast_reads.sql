-- 0024 fast public reads (issue 21): the servers cache the public projection of certificates
-- in memory (server/service/certificates.c) and drop an entry when the database says it
-- changed. Every change of a certificate's row or history NOTIFYs the channel
-- gk_certificates with the number (payload '*' when many rows changed at once, or something
-- every certificate shows, such as a category's title, changed). Statement-level triggers
-- with transition tables: a bulk import of 100,000 rows sends one notification, not 200,000.
-- ENABLE ALWAYS: the triggers fire under session_replication_role = replica as well (a
-- restore, a logical replica, a maintenance session), so no change escapes the caches.

CREATE FUNCTION gk_certificates_notify() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    n bigint;
    num text;
BEGIN
    IF TG_TABLE_NAME = 'certificate_events' THEN
        SELECT count(DISTINCT certificate_number), min(certificate_number) INTO n, num FROM new_rows;
    ELSE
        SELECT count(*), min(number) INTO n, num FROM new_rows;
    END IF;
    IF n = 1 THEN
        PERFORM pg_notify('gk_certificates', num);
    ELSIF n > 1 AND n <= 100 THEN
        IF TG_TABLE_NAME = 'certificate_events' THEN
            PERFORM pg_notify('gk_certificates', certificate_number)
               FROM (SELECT DISTINCT certificate_number FROM new_rows) d;
        ELSE
            PERFORM pg_notify('gk_certificates', number) FROM new_rows;
        END IF;
    ELSIF n > 100 THEN
        PERFORM pg_notify('gk_certificates', '*');
    END IF;
    RETURN NULL;
END $$;

CREATE FUNCTION gk_certificates_notify_all() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('gk_certificates', '*');
    RETURN NULL;
END $$;

CREATE TRIGGER certificates_notify_insert AFTER INSERT ON certificates
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION gk_certificates_notify();
CREATE TRIGGER certificates_notify_update AFTER UPDATE ON certificates
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION gk_certificates_notify();
CREATE TRIGGER certificate_events_notify AFTER INSERT ON certificate_events
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION gk_certificates_notify();
CREATE TRIGGER device_categories_notify AFTER INSERT OR UPDATE OR DELETE ON device_categories
    FOR EACH STATEMENT EXECUTE FUNCTION gk_certificates_notify_all();

ALTER TABLE certificates ENABLE ALWAYS TRIGGER certificates_notify_insert;
ALTER TABLE certificates ENABLE ALWAYS TRIGGER certificates_notify_update;
ALTER TABLE certificate_events ENABLE ALWAYS TRIGGER certificate_events_notify;
ALTER TABLE device_categories ENABLE ALWAYS TRIGGER device_categories_notify;

-- Search at a million certificates (issue 21). Text is compared normalised on both sides:
-- the stored columns hold NFKC (full-width and half-width letters and digits, ｰ and ー, to
-- one form); the server folds the searched text the same way (gk_utf8_fold: NFKC + case
-- folding) and compares case-insensitively (ILIKE), on trigram indexes of these columns.
--   search_text: maker, model and type as one text, with the names later versions added
--                (search_extra, 0023), for `q`;
--   holder_key:  the maker (the holder's name) in lower case, for `manufacturer` (a part of
--                the name) and `holder` (the whole name, exact: an index range scan in grant
--                order, so the newest 50 of one maker are one scan of 51 index entries).
ALTER TABLE certificates
    ADD COLUMN search_text text GENERATED ALWAYS AS (
        normalize(manufacturer::text || ' ' || model_name::text || ' ' || coalesce(type_name::text, '')
                  || coalesce(' ' || search_extra, ''), NFKC)) STORED,
    ADD COLUMN holder_key text GENERATED ALWAYS AS (lower(normalize(manufacturer::text, NFKC))) STORED;
CREATE INDEX certificates_search_text_trgm_idx ON certificates USING gin (search_text gin_trgm_ops);
CREATE INDEX certificates_holder_trgm_idx ON certificates USING gin (holder_key gin_trgm_ops);
CREATE INDEX certificates_holder_granted_idx ON certificates (holder_key, granted_on, number);
-- As in 0011: statistics precise enough to tell a rare text from a common one.
ALTER TABLE certificates ALTER COLUMN search_text SET STATISTICS 1000;
ALTER TABLE certificates ALTER COLUMN holder_key SET STATISTICS 1000;
-- The expression indexes of 0011 are replaced by the ones above.
DROP INDEX certificates_text_trgm_idx;
DROP INDEX certificates_manufacturer_trgm_idx;

-- Bulk import (issue 21): the server validates each row of the file as before, then COPYs the
-- rows it accepted into a temporary table cert_import_stage (created by the server in the
-- import's transaction, ON COMMIT DROP) and calls this function, which makes them
-- certificates and 'import' events set-wise: one INSERT ... SELECT for the whole file. Only
-- when the schema refuses some row (a serial of that year already another certificate's, a
-- text with a line break, ...) does it fall back to one row at a time, each in its own
-- subtransaction, and name the refused rows. outcome per staged line: inserted, unchanged (the
-- number was already registered, or an earlier line of the file registered it),
-- serial_taken, label, refused. Returns {"inserted", "unchanged", "refused": [[line, why]]}.
CREATE FUNCTION gk_import_staged(actor uuid) RETURNS json LANGUAGE plpgsql AS $$
DECLARE
    r record;
    cons text;
    done boolean := false;
BEGIN
    BEGIN
        WITH first AS (
            SELECT DISTINCT ON (number) * FROM cert_import_stage ORDER BY number, line
        ), ins AS (
            INSERT INTO certificates (number, route, category_id, manufacturer, model_name, type_name,
                                      granted_on, rule_set_id, grandfathered, basis)
            SELECT number, route, category_id, manufacturer, model_name, type_name, granted_on,
                   rule_set_id, grandfathered, basis
              FROM first ORDER BY line
            ON CONFLICT (number) DO NOTHING
            RETURNING number
        ), ev AS (
            INSERT INTO certificate_events (certificate_number, event, actor_id)
            SELECT number, 'import', actor FROM ins
        )
        UPDATE cert_import_stage s SET outcome = 'inserted'
          FROM first f JOIN ins i ON i.number = f.number
         WHERE s.line = f.line;
        UPDATE cert_import_stage SET outcome = 'unchanged' WHERE outcome IS NULL;
        done := true;
    EXCEPTION WHEN data_exception OR integrity_constraint_violation THEN
        NULL; -- some row is refused: one at a time below
    END;
    FOR r IN SELECT * FROM cert_import_stage WHERE NOT done ORDER BY line LOOP
        BEGIN
            INSERT INTO certificates (number, route, category_id, manufacturer, model_name, type_name,
                                      granted_on, rule_set_id, grandfathered, basis)
            VALUES (r.number, r.route, r.category_id, r.manufacturer, r.model_name, r.type_name,
                    r.granted_on, r.rule_set_id, r.grandfathered, r.basis)
            ON CONFLICT (number) DO NOTHING;
            IF FOUND THEN
                INSERT INTO certificate_events (certificate_number, event, actor_id)
                VALUES (r.number, 'import', actor);
                UPDATE cert_import_stage SET outcome = 'inserted' WHERE line = r.line;
            ELSE
                UPDATE cert_import_stage SET outcome = 'unchanged' WHERE line = r.line;
            END IF;
        EXCEPTION WHEN data_exception OR integrity_constraint_violation THEN
            GET STACKED DIAGNOSTICS cons = CONSTRAINT_NAME;
            UPDATE cert_import_stage
               SET outcome = CASE WHEN cons LIKE '%serial%' THEN 'serial_taken'
                                  WHEN cons LIKE '%gk_label%' THEN 'label'
                                  ELSE 'refused' END
             WHERE line = r.line;
        END;
    END LOOP;
    RETURN (SELECT json_build_object(
                'inserted', count(*) FILTER (WHERE outcome = 'inserted'),
                'unchanged', count(*) FILTER (WHERE outcome = 'unchanged'),
                'refused', coalesce(json_agg(json_build_array(line, outcome) ORDER BY line)
                                    FILTER (WHERE outcome NOT IN ('inserted', 'unchanged')), '[]'))
              FROM cert_import_stage);
END $$;
