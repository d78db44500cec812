-- 0009 certificates: signing keys, certificates, the gap-free serial counter, certificate
-- events, and the checks at COMMIT that tie a decision to its proposal and certificate.
--
-- Granting, in one transaction and in this order:
--   1. UPDATE proposals SET reviewed_by, reviewed_at, approve, comment (the open proposal);
--   2. INSERT INTO certificate_serials (year, body_code, last_serial) VALUES (y, b, 1)
--        ON CONFLICT (year, body_code) DO UPDATE SET last_serial = certificate_serials.last_serial + 1
--        RETURNING last_serial;                      -- locks the counter row until COMMIT
--   3. INSERT INTO certificates (...) with that serial in its number;
--   4. INSERT INTO certificate_events (event 'grant'); UPDATE applications SET status = 'granted';
--      INSERT INTO application_events.
-- At COMMIT deferred triggers check: every counter value taken has its certificate (no gaps),
-- the certificate's application is granted, and a granted application has its certificate,
-- an approved grant proposal and a verdict on every requirement, none failed.

CREATE TABLE signing_keys (
    key_id     text PRIMARY KEY
        CONSTRAINT signing_keys_key_id_format CHECK (key_id ~ '^[A-Za-z0-9._-]{1,64}$'),
    algorithm  text NOT NULL DEFAULT 'ed25519'
        CONSTRAINT signing_keys_algorithm_check CHECK (algorithm = 'ed25519'),
    public_key bytea NOT NULL
        CONSTRAINT signing_keys_public_key_length CHECK (octet_length(public_key) = 32)
        CONSTRAINT signing_keys_public_key_key UNIQUE,
    created_at timestamptz NOT NULL DEFAULT now(),
    retired_at timestamptz,
    CONSTRAINT signing_keys_retired_after_created CHECK (retired_at >= created_at)
);
-- At most one key signs new certificates.
CREATE UNIQUE INDEX signing_keys_one_active ON signing_keys ((true)) WHERE retired_at IS NULL;

CREATE FUNCTION gk_signing_keys_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' OR OLD.retired_at IS NOT NULL
       OR (NEW.key_id, NEW.algorithm, NEW.public_key, NEW.created_at)
          IS DISTINCT FROM (OLD.key_id, OLD.algorithm, OLD.public_key, OLD.created_at) THEN
        PERFORM gk_reject('signing_keys_append_only',
                          'a signing key is kept for verification; it can only be retired once');
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER signing_keys_guard BEFORE UPDATE OR DELETE ON signing_keys
    FOR EACH ROW EXECUTE FUNCTION gk_signing_keys_guard();
CREATE TRIGGER signing_keys_no_truncate BEFORE TRUNCATE ON signing_keys
    FOR EACH STATEMENT EXECUTE FUNCTION gk_refuse_change('signing_keys_append_only');

-- Certificates: issued here (application_id set) or imported pre-existing ones (NULL).
-- Numbers are never reused or deleted; a revoked certificate keeps its number.
CREATE TABLE certificates (
    number            text PRIMARY KEY
        CONSTRAINT certificates_number_format CHECK (number ~ '^[A-Z]{1,3}[0-9]{2}-[0-9]{4}[0-9]{3}$'),
    application_id    uuid CONSTRAINT certificates_application_key UNIQUE REFERENCES applications (id),
    organization_id   uuid REFERENCES organizations (id),
    route             text NOT NULL
        CONSTRAINT certificates_route_check CHECK (route IN ('conformity', 'design')),
    category_id       text NOT NULL REFERENCES device_categories (id),
    manufacturer      gk_label NOT NULL,     -- as printed at grant (or import)
    model_name        gk_label NOT NULL,
    type_name         gk_label,
    granted_on        date NOT NULL,
    rule_set_id       text NOT NULL REFERENCES rule_sets (id),
    grandfathered     boolean NOT NULL DEFAULT false,
    basis             text NOT NULL
        CONSTRAINT certificates_basis_check CHECK (basis IN ('tested', 'cc_equivalence', 'not_applicable')),
    status            text NOT NULL DEFAULT 'granted'
        CONSTRAINT certificates_status_check CHECK (status IN ('granted', 'suspended', 'revoked')),
    status_changed_on date NOT NULL,         -- defaults to granted_on on insert
    -- Ed25519 signature over canonical_json, kept byte for byte (json, not jsonb).
    canonical_json    json,
    signature         bytea CONSTRAINT certificates_signature_length CHECK (octet_length(signature) = 64),
    key_id            text REFERENCES signing_keys (key_id),
    created_at        timestamptz NOT NULL DEFAULT now(),
    updated_at        timestamptz NOT NULL DEFAULT now(),
    -- Parts of the number, for the counter and its checks.
    grant_year        integer GENERATED ALWAYS AS (extract(year FROM granted_on)::integer) STORED,
    serial            integer GENERATED ALWAYS AS (substring(number FROM '-([0-9]{4})')::integer) STORED,
    body_code         text GENERATED ALWAYS AS (right(number, 3)) STORED,
    -- <yy> is the year of grant.
    CONSTRAINT certificates_number_year CHECK (
        substring(number FROM '^[A-Z]{1,3}([0-9]{2})-') = lpad((extract(year FROM granted_on)::integer % 100)::text, 2, '0')),
    -- The serial is unique per year and body, whatever the class letters.
    CONSTRAINT certificates_serial_key UNIQUE (grant_year, body_code, serial),
    CONSTRAINT certificates_signature_together CHECK (num_nulls(canonical_json, signature, key_id) IN (0, 3)),
    CONSTRAINT certificates_issued_signed CHECK (application_id IS NULL OR signature IS NOT NULL),
    CONSTRAINT certificates_issued_organization CHECK (application_id IS NULL OR organization_id IS NOT NULL),
    CONSTRAINT certificates_status_date CHECK (status_changed_on >= granted_on)
);
CREATE INDEX certificates_granted_idx ON certificates (granted_on, number);
CREATE INDEX certificates_status_idx ON certificates (status, status_changed_on);
CREATE INDEX certificates_category_idx ON certificates (category_id, granted_on);
CREATE INDEX certificates_rule_set_idx ON certificates (rule_set_id, grandfathered);
CREATE INDEX certificates_basis_idx ON certificates (basis);
CREATE INDEX certificates_organization_idx ON certificates (organization_id) WHERE organization_id IS NOT NULL;
CREATE INDEX certificates_manufacturer_idx ON certificates (lower(manufacturer));
CREATE INDEX certificates_updated_idx ON certificates (updated_at, number);

-- The gap-free serial counter: one row per year and body; last_serial is the last number
-- taken. Taking a number bumps it by one in the granting transaction (row lock until COMMIT).
-- A row may be created at a higher value (the floor left by imported certificates).
CREATE TABLE certificate_serials (
    year        integer NOT NULL CONSTRAINT certificate_serials_year_check CHECK (year BETWEEN 2000 AND 2099),
    body_code   text NOT NULL
        CONSTRAINT certificate_serials_body_code_format CHECK (body_code ~ '^[0-9]{3}$'),
    last_serial integer NOT NULL DEFAULT 0
        CONSTRAINT certificate_serials_last_serial_range CHECK (last_serial BETWEEN 0 AND 9999),
    PRIMARY KEY (year, body_code)
);

CREATE FUNCTION gk_certificate_serials_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        PERFORM gk_reject('certificate_serials_monotonic', 'a serial counter is never deleted');
    END IF;
    IF (NEW.year, NEW.body_code) IS DISTINCT FROM (OLD.year, OLD.body_code)
       OR NEW.last_serial < OLD.last_serial THEN
        PERFORM gk_reject('certificate_serials_monotonic',
                          'a serial counter only moves forward: numbers are never reused',
                          format('%s/%s: %s -> %s', OLD.year, OLD.body_code, OLD.last_serial, NEW.last_serial));
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER certificate_serials_guard BEFORE UPDATE OR DELETE ON certificate_serials
    FOR EACH ROW EXECUTE FUNCTION gk_certificate_serials_guard();
CREATE TRIGGER certificate_serials_no_truncate BEFORE TRUNCATE ON certificate_serials
    FOR EACH STATEMENT EXECUTE FUNCTION gk_refuse_change('certificate_serials_monotonic');

-- At COMMIT: every number taken from the counter belongs to a certificate (gap-free).
CREATE FUNCTION gk_certificate_serials_check() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    first_taken integer;
    missing integer;
BEGIN
    IF TG_OP = 'INSERT' THEN
        -- A new counter starts at 0, or at a floor that an existing certificate holds.
        first_taken := CASE WHEN NEW.last_serial = 0 THEN 1 ELSE NEW.last_serial END;
    ELSE
        first_taken := OLD.last_serial + 1;
    END IF;
    SELECT s INTO missing
      FROM generate_series(first_taken, NEW.last_serial) AS s
     WHERE NOT EXISTS (SELECT 1 FROM certificates c
                       WHERE c.grant_year = NEW.year AND c.body_code = NEW.body_code AND c.serial = s)
     LIMIT 1;
    IF missing IS NOT NULL THEN
        PERFORM gk_reject('certificate_serials_gap_free',
                          'a serial was taken without issuing its certificate',
                          format('%s/%s serial %s', NEW.year, NEW.body_code, missing));
    END IF;
    RETURN NULL;
END $$;
CREATE CONSTRAINT TRIGGER certificate_serials_gap_free AFTER INSERT OR UPDATE ON certificate_serials
    DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION gk_certificate_serials_check();

-- Allowed certificate status changes (suspend, reinstate, revoke).
CREATE TABLE certificate_transitions (
    from_status text NOT NULL,
    to_status   text NOT NULL,
    event       text NOT NULL,
    PRIMARY KEY (from_status, to_status)
);
INSERT INTO certificate_transitions (from_status, to_status, event) VALUES
    ('granted', 'suspended', 'suspend'),
    ('suspended', 'granted', 'reinstate'),
    ('granted', 'revoked', 'revoke'),
    ('suspended', 'revoked', 'revoke');

CREATE FUNCTION gk_certificates_guard() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    a applications;
    cls text;
    counter integer;
BEGIN
    IF TG_OP = 'DELETE' THEN
        PERFORM gk_reject('certificates_never_deleted', 'certificates are never deleted', OLD.number);
    END IF;
    IF TG_OP = 'UPDATE' THEN
        IF (NEW.number, NEW.application_id, NEW.organization_id, NEW.route, NEW.category_id,
            NEW.manufacturer, NEW.model_name, NEW.type_name, NEW.granted_on, NEW.rule_set_id,
            NEW.grandfathered, NEW.basis, NEW.created_at)
           IS DISTINCT FROM
           (OLD.number, OLD.application_id, OLD.organization_id, OLD.route, OLD.category_id,
            OLD.manufacturer, OLD.model_name, OLD.type_name, OLD.granted_on, OLD.rule_set_id,
            OLD.grandfathered, OLD.basis, OLD.created_at) THEN
            PERFORM gk_reject('certificates_identity_immutable',
                              'only the status and the signature of a certificate change', OLD.number);
        END IF;
        IF NEW.status <> OLD.status THEN
            IF NOT EXISTS (SELECT 1 FROM certificate_transitions
                           WHERE from_status = OLD.status AND to_status = NEW.status) THEN
                PERFORM gk_reject('certificates_status_transition', 'certificate status change not allowed',
                                  format('%s -> %s', OLD.status, NEW.status));
            END IF;
            IF NEW.status_changed_on < OLD.status_changed_on THEN
                PERFORM gk_reject('certificates_status_date', 'the status date moves forward');
            END IF;
        ELSIF NEW.status_changed_on <> OLD.status_changed_on THEN
            PERFORM gk_reject('certificates_status_date', 'the status date changes with the status');
        END IF;
        IF NEW.signature IS NOT NULL AND NEW.signature IS DISTINCT FROM OLD.signature
           AND NOT EXISTS (SELECT 1 FROM signing_keys WHERE key_id = NEW.key_id AND retired_at IS NULL) THEN
            PERFORM gk_reject('certificates_signing_key_active', 'new signatures use the active key', NEW.key_id);
        END IF;
        NEW.updated_at := now();
        RETURN NEW;
    END IF;

    -- INSERT
    NEW.status_changed_on := coalesce(NEW.status_changed_on, NEW.granted_on);
    IF NEW.signature IS NOT NULL
       AND NOT EXISTS (SELECT 1 FROM signing_keys WHERE key_id = NEW.key_id AND retired_at IS NULL) THEN
        PERFORM gk_reject('certificates_signing_key_active', 'new signatures use the active key', NEW.key_id);
    END IF;
    -- A rule set without security requirements has no security basis.
    IF NOT EXISTS (SELECT 1 FROM requirements WHERE rule_set_id = NEW.rule_set_id AND kind = 'requirement')
       AND NEW.basis <> 'not_applicable' THEN
        PERFORM gk_reject('certificates_basis', 'this rule set has no security requirements',
                          format('%s, basis %s', NEW.rule_set_id, NEW.basis));
    END IF;
    IF NEW.application_id IS NULL THEN
        -- Imported: judged under the rule set in force on its grant date.
        IF NEW.rule_set_id IS DISTINCT FROM gk_rule_set_in_force(NEW.granted_on) THEN
            PERFORM gk_reject('certificates_import_rule_set',
                              'an imported certificate carries the rule set in force on its grant date',
                              format('%s granted %s', NEW.rule_set_id, NEW.granted_on));
        END IF;
        RETURN NEW;
    END IF;

    -- Issued from an application.
    SELECT * INTO a FROM applications WHERE id = NEW.application_id;
    IF NOT FOUND THEN
        RETURN NEW;   -- the foreign key reports it
    END IF;
    IF NEW.status <> 'granted' THEN
        PERFORM gk_reject('certificates_issued_as_granted', 'a certificate is issued as granted', NEW.status);
    END IF;
    IF (NEW.organization_id, NEW.route, NEW.category_id, NEW.model_name, NEW.type_name, NEW.rule_set_id)
       IS DISTINCT FROM (a.organization_id, a.route, a.category_id, a.model_name, a.type_name, a.rule_set_id) THEN
        PERFORM gk_reject('certificates_match_application',
                          'the certificate differs from its application', NEW.number);
    END IF;
    IF NEW.granted_on < a.filing_date THEN
        PERFORM gk_reject('certificates_granted_after_filing', 'granted before it was filed');
    END IF;
    SELECT class_letters INTO cls FROM device_categories WHERE id = NEW.category_id;
    IF substring(NEW.number FROM '^([A-Z]{1,3})') IS DISTINCT FROM cls THEN
        PERFORM gk_reject('certificates_class_letters', 'the class letters are not the category''s',
                          format('%s for %s (%s)', NEW.number, NEW.category_id, cls));
    END IF;
    IF right(NEW.number, 3) IS DISTINCT FROM gk_body_code() THEN
        PERFORM gk_reject('certificates_body_code', 'the number does not carry this body''s code',
                          format('%s, body %s', NEW.number, gk_body_code()));
    END IF;
    SELECT last_serial INTO counter FROM certificate_serials
     WHERE year = extract(year FROM NEW.granted_on)::integer AND body_code = right(NEW.number, 3);
    IF counter IS DISTINCT FROM substring(NEW.number FROM '-([0-9]{4})')::integer THEN
        PERFORM gk_reject('certificates_serial_from_counter',
                          'an issued number takes the serial just drawn from the counter',
                          format('%s, counter at %s', NEW.number, counter));
    END IF;
    IF (NEW.basis = 'not_applicable') <> (a.determination ->> 'outcome' IS DISTINCT FROM 'subject_with_security')
       OR (NEW.basis = 'cc_equivalence' AND NOT gk_equivalence_accepted(a.id)) THEN
        PERFORM gk_reject('certificates_basis', 'the security basis does not follow the examination',
                          format('basis %s, outcome %s', NEW.basis, a.determination ->> 'outcome'));
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER certificates_guard BEFORE INSERT OR UPDATE OR DELETE ON certificates
    FOR EACH ROW EXECUTE FUNCTION gk_certificates_guard();
CREATE TRIGGER certificates_no_truncate BEFORE TRUNCATE ON certificates
    FOR EACH STATEMENT EXECUTE FUNCTION gk_refuse_change('certificates_never_deleted');

-- At COMMIT: an issued certificate's application is granted.
CREATE FUNCTION gk_certificates_check_application() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF (SELECT status FROM applications WHERE id = NEW.application_id) IS DISTINCT FROM 'granted' THEN
        PERFORM gk_reject('certificates_application_granted',
                          'a certificate is issued only for a granted application', NEW.number);
    END IF;
    RETURN NULL;
END $$;
CREATE CONSTRAINT TRIGGER certificates_application_granted AFTER INSERT ON certificates
    DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW WHEN (NEW.application_id IS NOT NULL)
    EXECUTE FUNCTION gk_certificates_check_application();

-- Life-cycle events of certificates (append-only): the regulator's change feed.
CREATE TABLE certificate_events (
    id                 bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    certificate_number text NOT NULL REFERENCES certificates (number),
    event              text NOT NULL
        CONSTRAINT certificate_events_event_check CHECK (
            event IN ('grant', 'import', 'suspend', 'reinstate', 'revoke')),
    reason             gk_prose,
    order_reference    gk_label,             -- e.g. the regulator's order number
    actor_id           uuid REFERENCES users (id),
    at                 timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT certificate_events_reason_required CHECK (event IN ('grant', 'import') OR reason IS NOT NULL)
);
-- A certificate comes into the registry once.
CREATE UNIQUE INDEX certificate_events_one_origin ON certificate_events (certificate_number)
    WHERE event IN ('grant', 'import');
CREATE INDEX certificate_events_at_idx ON certificate_events (at, id);
CREATE INDEX certificate_events_certificate_idx ON certificate_events (certificate_number, at);
SELECT gk_make_append_only('certificate_events');

-- At COMMIT, after a status change of an application: the state it reached is backed by the
-- record (approved proposal, certificate, verdicts).
CREATE FUNCTION gk_applications_check_decision() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    cur applications;
    p proposals;
    missing text;
BEGIN
    SELECT * INTO cur FROM applications WHERE id = NEW.id;
    IF NOT FOUND OR cur.status <> NEW.status THEN
        RETURN NULL;   -- a later change is checked by its own trigger event
    END IF;
    SELECT * INTO p FROM proposals WHERE application_id = NEW.id ORDER BY id DESC LIMIT 1;
    IF cur.status = 'proposed' AND (p.id IS NULL OR p.reviewed_at IS NOT NULL) THEN
        PERFORM gk_reject('applications_proposed_has_proposal', 'a proposed application has an open proposal');
    ELSIF cur.status IN ('granted', 'rejected') THEN
        IF p.id IS NULL OR p.approve IS DISTINCT FROM true
           OR p.decision <> (CASE cur.status WHEN 'granted' THEN 'grant' ELSE 'reject' END) THEN
            PERFORM gk_reject('applications_decision_approved',
                              'a decision needs the matching proposal approved by a second examiner', cur.status);
        END IF;
        IF cur.status = 'granted' THEN
            IF NOT EXISTS (SELECT 1 FROM certificates WHERE application_id = cur.id) THEN
                PERFORM gk_reject('applications_granted_has_certificate', 'a granted application has its certificate');
            END IF;
            IF cur.determination ->> 'outcome' = 'subject_with_security' THEN
                SELECT string_agg(r.id, ', ' ORDER BY r.sort_order) INTO missing
                  FROM requirements r
                  LEFT JOIN verdicts v ON v.application_id = cur.id AND v.requirement_id = r.id
                 WHERE r.rule_set_id = cur.rule_set_id AND r.kind = 'requirement'
                   AND (v.verdict IS NULL OR v.verdict = 'fail');
                IF missing IS NOT NULL THEN
                    PERFORM gk_reject('applications_grant_verdicts',
                                      'a grant needs a verdict on every requirement, none failed', missing);
                END IF;
            END IF;
        END IF;
    ELSIF cur.status = 'in_review' AND OLD.status = 'proposed'
          AND (p.id IS NULL OR p.approve IS DISTINCT FROM false) THEN
        PERFORM gk_reject('applications_sent_back_by_review',
                          'only a review that does not approve sends a proposal back');
    END IF;
    RETURN NULL;
END $$;
CREATE CONSTRAINT TRIGGER applications_decision_backed AFTER UPDATE ON applications
    DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW WHEN (OLD.status IS DISTINCT FROM NEW.status)
    EXECUTE FUNCTION gk_applications_check_decision();

-- At COMMIT, after a review: the application left 'proposed' accordingly.
CREATE FUNCTION gk_proposals_check_applied() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    st text;
BEGIN
    SELECT status INTO st FROM applications WHERE id = NEW.application_id;
    IF st = 'proposed' THEN
        PERFORM gk_reject('proposals_review_applied',
                          'a reviewed proposal moves the application on (granted, rejected or in_review)');
    END IF;
    RETURN NULL;
END $$;
CREATE CONSTRAINT TRIGGER proposals_review_applied AFTER UPDATE ON proposals
    DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW WHEN (OLD.reviewed_at IS NULL AND NEW.reviewed_at IS NOT NULL)
    EXECUTE FUNCTION gk_proposals_check_applied();
