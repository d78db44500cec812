-- Test helpers, created inside the calling file's transaction (rolled back with it).
-- Included by every tests/db/*.sql with: \ir lib/helpers.sql (right after BEGIN).
-- Query results are discarded; failures arrive as errors on stderr.
\o /dev/null

CREATE SCHEMA t;

-- Fail the test file with a message.
CREATE FUNCTION t.fail(label text, message text) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'FAIL [%]: %', label, message;
END $$;

CREATE FUNCTION t.assert(cond boolean, label text) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    IF cond IS NOT TRUE THEN
        PERFORM t.fail(label, 'assertion is not true');
    END IF;
END $$;

CREATE FUNCTION t.assert_eq(got anyelement, want anyelement, label text) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    IF got IS DISTINCT FROM want THEN
        PERFORM t.fail(label, format('got %s, want %s', got, want));
    END IF;
END $$;

-- Run `stmt` (one or more SQL commands) and require it to fail with constraint `want`
-- (PG_DIAG_CONSTRAINT_NAME; for NOT NULL / FK the name PostgreSQL gives) and, when given,
-- SQLSTATE `want_state`. The statement's effects are rolled back (sub-transaction).
-- Put 'SET CONSTRAINTS ALL IMMEDIATE' at the end of `stmt` to run deferred checks.
CREATE FUNCTION t.rejects(label text, stmt text, want text, want_state text DEFAULT NULL)
RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    got_constraint text;
    got_state text;
    got_message text;
BEGIN
    BEGIN
        EXECUTE stmt;
    EXCEPTION WHEN OTHERS THEN
        GET STACKED DIAGNOSTICS got_constraint = CONSTRAINT_NAME, got_state = RETURNED_SQLSTATE,
                                got_message = MESSAGE_TEXT;
        IF want IS NOT NULL AND got_constraint IS DISTINCT FROM want THEN
            PERFORM t.fail(label, format('rejected by %L (%s: %s), want constraint %L',
                                         got_constraint, got_state, got_message, want));
        END IF;
        IF want_state IS NOT NULL AND got_state <> want_state THEN
            PERFORM t.fail(label, format('SQLSTATE %s (%s), want %s', got_state, got_message, want_state));
        END IF;
        RETURN;
    END;
    PERFORM t.fail(label, 'accepted, want rejection by ' || coalesce(want, want_state, 'anything'));
END $$;

-- Run `stmt` and require success; its effects are kept. Note that a 'SET CONSTRAINTS ALL
-- IMMEDIATE' kept this way stays in force for the rest of the file: end such a statement
-- with 'SET CONSTRAINTS ALL DEFERRED' to restore the default.
CREATE FUNCTION t.accepts(label text, stmt text) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    got_message text;
    got_constraint text;
BEGIN
    EXECUTE stmt;
EXCEPTION WHEN OTHERS THEN
    GET STACKED DIAGNOSTICS got_message = MESSAGE_TEXT, got_constraint = CONSTRAINT_NAME;
    PERFORM t.fail(label, format('rejected: %s (constraint %L)', got_message, got_constraint));
END $$;

-- Like t.accepts, but the effects are rolled back (to try a statement, e.g. with deferred
-- checks run by a trailing SET CONSTRAINTS ALL IMMEDIATE, without keeping it).
CREATE FUNCTION t.accepts_then_undo(label text, stmt text) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    got_message text;
    got_constraint text;
BEGIN
    BEGIN
        EXECUTE stmt;
        RAISE EXCEPTION USING ERRCODE = 'T0000', MESSAGE = 'undo';
    EXCEPTION WHEN SQLSTATE 'T0000' THEN
        NULL;
    END;
EXCEPTION WHEN OTHERS THEN
    GET STACKED DIAGNOSTICS got_message = MESSAGE_TEXT, got_constraint = CONSTRAINT_NAME;
    PERFORM t.fail(label, format('rejected: %s (constraint %L)', got_message, got_constraint));
END $$;

-- Fixtures ---------------------------------------------------------------------------------

CREATE FUNCTION t.org(name text DEFAULT 'Example Devices K.K.') RETURNS uuid LANGUAGE sql AS $$
    INSERT INTO organizations (name, representative) VALUES (name, 'Taro Yamada') RETURNING id
$$;

CREATE FUNCTION t.user(role text, org uuid DEFAULT NULL, email text DEFAULT NULL) RETURNS uuid LANGUAGE sql AS $$
    INSERT INTO users (email, name, role, organization_id, password_hash)
    VALUES (coalesce(email, role || '-' || gen_random_uuid() || '@example.test'), 'Test ' || role, role, org,
            '$scrypt$ln=4,r=8,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNo')
    RETURNING id
$$;

-- A draft application with all five facts making Article 34-10 apply.
CREATE FUNCTION t.draft(org uuid, creator uuid, category text DEFAULT 'router') RETURNS uuid LANGUAGE sql AS $$
    INSERT INTO applications (organization_id, route, model_name, category_id, created_by,
                              directly_connectable, data_transmission_facility, uses_ip,
                              remotely_configurable, user_installable_security_software)
    VALUES (org, 'conformity', 'RT-100', category, creator, true, true, true, true, false)
    RETURNING id
$$;

-- Submit a draft under the rule set in force on `filed` (no opt-in).
CREATE FUNCTION t.submit(app uuid, filed date DEFAULT DATE '2021-06-01',
                         outcome text DEFAULT 'subject_with_security') RETURNS void LANGUAGE sql AS $$
    UPDATE applications
       SET status = 'submitted', filing_date = filed, rule_set_id = gk_rule_set_in_force(filed),
           determination = jsonb_build_object('outcome', outcome, 'rule_set', gk_rule_set_in_force(filed))
     WHERE id = app
$$;

-- Submitted and assigned: status in_review.
CREATE FUNCTION t.in_review(app uuid, examiner uuid, filed date DEFAULT DATE '2021-06-01',
                            outcome text DEFAULT 'subject_with_security') RETURNS void LANGUAGE sql AS $$
    SELECT t.submit(app, filed, outcome);
    UPDATE applications SET status = 'in_review', assigned_examiner_id = examiner WHERE id = app;
$$;

-- 32 bytes derived from a label, for hashes in fixtures.
CREATE FUNCTION t.h(label text) RETURNS bytea LANGUAGE sql IMMUTABLE AS $$
    SELECT sha256(convert_to(label, 'UTF8'))
$$;
