-- 0023 the certificate as a living record (issue 16): the holder's record on the
-- organisation, what was examined (hardware, firmware, update method, security-update
-- period), change applications on a granted certificate (an application row with a kind and
-- the certificate's number), the signed versions a change makes, the reports to the
-- Minister and when they were submitted, and the public exhibits of a certificate.

-- ---- holder records -------------------------------------------------------------------------
-- `name` stays the display name, `name_ja` the Japanese legal name, `corporate_number` the
-- 法人番号 (check digit verified by the server), `representative` the representative's name.
ALTER TABLE organizations
    ADD COLUMN name_en              gk_label,
    ADD COLUMN address_ja           gk_label,
    ADD COLUMN address_en           gk_label,
    ADD COLUMN country              text
        CONSTRAINT organizations_country_format CHECK (country ~ '^[A-Z]{2}$'),
    ADD COLUMN representative_title gk_label,
    ADD COLUMN contact_name         gk_label,
    ADD COLUMN contact_phone        text
        CONSTRAINT organizations_contact_phone_format CHECK (contact_phone ~ '^\+?[0-9][0-9 ()-]{5,23}$'),
    ADD COLUMN contact_email        text
        CONSTRAINT organizations_contact_email_format CHECK (
            char_length(contact_email) <= 254
            AND contact_email ~ '^[^@[:space:][:cntrl:]]+@[^@[:space:][:cntrl:]]+$'),
    -- A foreign maker acting through an agent in Japan (its power of attorney, 委任状, is a
    -- document of kind `other` on the application).
    ADD COLUMN agent_name           gk_label,
    ADD COLUMN agent_address        gk_label;

-- ---- applications: what was examined, and change applications ------------------------------
ALTER TABLE applications
    ADD COLUMN hardware_version        gk_label,
    ADD COLUMN firmware_versions       gk_label,
    ADD COLUMN update_method           gk_label,
    ADD COLUMN security_support_until  date,
    -- new: a first application; otherwise a change of the certificate `certificate_number`.
    ADD COLUMN kind                    text NOT NULL DEFAULT 'new'
        CONSTRAINT applications_kind_check CHECK (
            kind IN ('new', 'partial_change', 'name_addition', 'holder_change')),
    ADD COLUMN certificate_number      text
        CONSTRAINT applications_certificate_number_fkey REFERENCES certificates (number),
    ADD COLUMN change_summary          gk_prose,
    ADD COLUMN added_model_name        gk_label,
    -- partial_change: the requirement ids the change affects (re-examined; the others are
    -- carried over from the certificate's last examination).
    ADD COLUMN affected_requirements   text[],
    -- holder_change: the holder's new public record ({name, name_ja, name_en, address_ja, ...}).
    ADD COLUMN new_holder              jsonb,
    ADD CONSTRAINT applications_change_of_certificate CHECK (
        (kind = 'new') = (certificate_number IS NULL)
        AND (kind = 'new' OR change_summary IS NOT NULL)
        AND ((kind = 'name_addition') = (added_model_name IS NOT NULL))
        AND ((kind = 'partial_change') = (affected_requirements IS NOT NULL))
        AND ((kind = 'holder_change') = (new_holder IS NOT NULL)));
CREATE INDEX applications_certificate_idx ON applications (certificate_number)
    WHERE certificate_number IS NOT NULL;

-- What was examined is fixed at submission like the device.
CREATE FUNCTION gk_applications_examined_frozen() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF OLD.status <> 'draft' AND (
           NEW.hardware_version, NEW.firmware_versions, NEW.update_method,
           NEW.security_support_until, NEW.kind, NEW.certificate_number, NEW.change_summary,
           NEW.added_model_name, NEW.affected_requirements, NEW.new_holder)
       IS DISTINCT FROM (
           OLD.hardware_version, OLD.firmware_versions, OLD.update_method,
           OLD.security_support_until, OLD.kind, OLD.certificate_number, OLD.change_summary,
           OLD.added_model_name, OLD.affected_requirements, OLD.new_holder) THEN
        PERFORM gk_reject('applications_frozen_after_submit',
                          'what was examined and the change are fixed at submission');
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER applications_examined_frozen BEFORE UPDATE ON applications
    FOR EACH ROW EXECUTE FUNCTION gk_applications_examined_frozen();

-- A verdict carried over from the certificate's last examination names that application.
ALTER TABLE verdicts ADD COLUMN carried_from uuid
    CONSTRAINT verdicts_carried_from_fkey REFERENCES applications (id);

-- ---- certificate versions -----------------------------------------------------------------
-- Version 1 is the certificate row itself (its signed payload). Each approved change adds a
-- version, signed on its own, with the public record as it stands after the change.
CREATE TABLE certificate_versions (
    certificate_number text NOT NULL REFERENCES certificates (number),
    version            integer NOT NULL CONSTRAINT certificate_versions_version_check CHECK (version >= 2),
    application_id     uuid NOT NULL
        CONSTRAINT certificate_versions_application_key UNIQUE REFERENCES applications (id),
    kind               text NOT NULL
        CONSTRAINT certificate_versions_kind_check CHECK (
            kind IN ('partial_change', 'name_addition', 'holder_change')),
    summary            gk_prose NOT NULL,
    effective_on       date NOT NULL,
    model_names        jsonb NOT NULL,
    holder             jsonb NOT NULL,
    examined           jsonb NOT NULL,
    canonical_json     json NOT NULL,
    signature          bytea NOT NULL
        CONSTRAINT certificate_versions_signature_length CHECK (octet_length(signature) = 64),
    key_id             text NOT NULL REFERENCES signing_keys (key_id),
    actor_id           uuid REFERENCES users (id),
    created_at         timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (certificate_number, version)
);
CREATE INDEX certificate_versions_created_idx ON certificate_versions (effective_on, certificate_number);
SELECT gk_make_append_only('certificate_versions');

-- The public holder record of an organisation (never the contact person: that is for the
-- body's staff).
CREATE FUNCTION gk_holder_public(o organizations) RETURNS jsonb LANGUAGE sql STABLE AS $$
    SELECT jsonb_build_object('name', o.name, 'name_ja', o.name_ja, 'name_en', o.name_en,
                              'address_ja', o.address_ja, 'address_en', o.address_en,
                              'country', o.country, 'representative', o.representative,
                              'representative_title', o.representative_title)
$$;

-- What was examined, as an application states it.
CREATE FUNCTION gk_examined_of(a applications) RETURNS jsonb LANGUAGE sql STABLE AS $$
    SELECT jsonb_build_object('hardware_version', a.hardware_version,
                              'firmware_versions', a.firmware_versions,
                              'update_method', a.update_method,
                              'security_support_until', a.security_support_until)
$$;

-- The certificate's current public state: {model_names, holder, examined, version}; from its
-- latest version, else from the certificate, its application and its organisation.
CREATE FUNCTION gk_certificate_current(num text) RETURNS jsonb LANGUAGE sql STABLE AS $$
    SELECT coalesce(
        (SELECT jsonb_build_object('model_names', v.model_names, 'holder', v.holder,
                                   'examined', v.examined, 'version', v.version)
           FROM certificate_versions v WHERE v.certificate_number = num
          ORDER BY v.version DESC LIMIT 1),
        (SELECT jsonb_build_object(
                    'model_names', jsonb_build_array(c.model_name),
                    'holder', coalesce(gk_holder_public(o), '{}'::jsonb)
                              || jsonb_build_object('name', c.manufacturer),
                    'examined', coalesce(gk_examined_of(a), gk_examined_of(NULL::applications)),
                    'version', 1)
           FROM certificates c
           LEFT JOIN organizations o ON o.id = c.organization_id
           LEFT JOIN applications a ON a.id = c.application_id
          WHERE c.number = num))
$$;

-- The last application examined for a certificate (the grant or its latest approved change):
-- the source of carried-over verdicts.
CREATE FUNCTION gk_certificate_last_examined(num text) RETURNS uuid LANGUAGE sql STABLE AS $$
    SELECT coalesce(
        (SELECT v.application_id FROM certificate_versions v
          JOIN applications a ON a.id = v.application_id
         WHERE v.certificate_number = num AND a.kind = 'partial_change'
         ORDER BY v.version DESC LIMIT 1),
        (SELECT application_id FROM certificates WHERE number = num))
$$;

-- The day a document of a granted certificate is published: a `public` one with the grant
-- (or its change's approval), a `confidential_until` one on its date but never later than 180
-- days after the grant (the longest deferral allowed), a `confidential` one never (NULL).
CREATE FUNCTION gk_exhibit_published_on(cls text, until date, granted date) RETURNS date
LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE cls WHEN 'public' THEN granted
                    WHEN 'confidential_until' THEN greatest(granted, least(until, granted + 180))
           END
$$;

-- Documents published with a certificate on a day, of its application and of its approved
-- changes, with their SHA-256.
CREATE FUNCTION gk_certificate_exhibits(num text, on_day date) RETURNS jsonb LANGUAGE sql STABLE AS $$
    SELECT coalesce(jsonb_agg(jsonb_build_object(
               'id', x.id, 'kind', x.kind, 'filename', x.filename,
               'content_type', x.content_type, 'size', x.size, 'sha256', x.sha256,
               'confidentiality', x.confidentiality, 'published_on', x.published_on,
               'url', '/api/v1/certificates/' || num || '/exhibits/' || x.id)
             ORDER BY x.uploaded_at, x.id), '[]'::jsonb)
      FROM (SELECT d.id, d.kind, d.filename, d.content_type, d.size,
                   encode(d.sha256, 'hex') AS sha256, d.confidentiality, d.uploaded_at,
                   gk_exhibit_published_on(d.confidentiality, d.confidential_until,
                                           coalesce(v.effective_on, c.granted_on)) AS published_on
              FROM certificates c
              LEFT JOIN certificate_versions v ON v.certificate_number = c.number
              JOIN documents d ON d.application_id = coalesce(v.application_id, c.application_id)
             WHERE c.number = num
            UNION
            SELECT d.id, d.kind, d.filename, d.content_type, d.size,
                   encode(d.sha256, 'hex'), d.confidentiality, d.uploaded_at,
                   gk_exhibit_published_on(d.confidentiality, d.confidential_until, c.granted_on)
              FROM certificates c JOIN documents d ON d.application_id = c.application_id
             WHERE c.number = num) x
     WHERE x.published_on <= on_day
$$;

-- base64url without padding, as the API writes signatures.
CREATE FUNCTION gk_base64url(b bytea) RETURNS text LANGUAGE sql IMMUTABLE AS $$
    SELECT rtrim(translate(replace(encode(b, 'base64'), E'\n', ''), '+/', '-_'), '=')
$$;

-- The living part of the public certificate: versions (1 = the grant), the current model
-- names, holder and what was examined, and the exhibits published today (Japan).
CREATE FUNCTION gk_certificate_living(num text) RETURNS jsonb LANGUAGE sql STABLE AS $$
    SELECT jsonb_build_object(
        'versions',
        (SELECT jsonb_agg(x.v ORDER BY x.n) FROM (
            SELECT 1 AS n, jsonb_build_object(
                       'version', 1, 'kind', 'grant', 'effective_on', c.granted_on,
                       'summary', NULL, 'model_names', jsonb_build_array(c.model_name),
                       'key_id', c.key_id, 'signed_payload', c.canonical_json::text,
                       'signature', CASE WHEN c.signature IS NOT NULL
                                         THEN gk_base64url(c.signature) END) AS v
              FROM certificates c WHERE c.number = num
            UNION ALL
            SELECT v.version, jsonb_build_object(
                       'version', v.version, 'kind', v.kind, 'effective_on', v.effective_on,
                       'summary', v.summary, 'model_names', v.model_names, 'holder', v.holder,
                       'examined', v.examined, 'key_id', v.key_id,
                       'signed_payload', v.canonical_json::text,
                       'signature', gk_base64url(v.signature))
              FROM certificate_versions v WHERE v.certificate_number = num) x),
        'current_version', cur -> 'version',
        'model_names', cur -> 'model_names',
        'holder', cur -> 'holder',
        'examined', cur -> 'examined',
        'exhibits', gk_certificate_exhibits(num, (now() AT TIME ZONE 'Asia/Tokyo')::date))
      FROM (SELECT gk_certificate_current(num) AS cur) s
$$;

-- A change application in review starts with the verdicts of the certificate's last
-- examination on every requirement the change does not affect (a name addition and a holder
-- change affect none), carried over with a reference to where they came from.
CREATE FUNCTION gk_applications_carry_verdicts() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO verdicts (application_id, rule_set_id, requirement_id, verdict, reason,
                          decided_by, carried_from)
    SELECT NEW.id, NEW.rule_set_id, v.requirement_id, v.verdict, v.reason,
           NEW.assigned_examiner_id, v.application_id
      FROM verdicts v
     WHERE v.application_id = gk_certificate_last_examined(NEW.certificate_number)
       AND v.rule_set_id = NEW.rule_set_id
       AND NOT (v.requirement_id = ANY (coalesce(NEW.affected_requirements, '{}')))
    ON CONFLICT (application_id, requirement_id) DO NOTHING;
    RETURN NULL;
END $$;
CREATE TRIGGER applications_carry_verdicts AFTER UPDATE OF status ON applications
    FOR EACH ROW WHEN (OLD.status = 'submitted' AND NEW.status = 'in_review' AND NEW.kind <> 'new')
    EXECUTE FUNCTION gk_applications_carry_verdicts();

-- The decision check of 0009, with one change: a granted change application is backed by the
-- certificate version it made, not by a certificate of its own.
CREATE OR REPLACE FUNCTION gk_applications_check_decision() RETURNS trigger LANGUAGE plpgsql AS $$
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
            IF cur.kind = 'new' AND NOT EXISTS (SELECT 1 FROM certificates WHERE application_id = cur.id) THEN
                PERFORM gk_reject('applications_granted_has_certificate', 'a granted application has its certificate');
            END IF;
            IF cur.kind <> 'new' AND NOT EXISTS (SELECT 1 FROM certificate_versions WHERE application_id = cur.id) THEN
                PERFORM gk_reject('applications_granted_has_certificate', 'a granted change has its certificate version');
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

-- ---- reports to the Minister --------------------------------------------------------------
-- One row per event in a period: grant, change (a version), suspension, reinstatement,
-- revocation. The holder is the public record as it stood after the event.
CREATE FUNCTION gk_certification_report(from_day date, to_day date) RETURNS TABLE (
    number text, event text, event_date date, holder_name text, holder_address text,
    representative text, equipment_kind text, model_names text, versions text, basis text,
    event_key text) LANGUAGE sql STABLE AS $$
    WITH ev AS (
        SELECT e.certificate_number AS number,
               CASE e.event WHEN 'grant' THEN 'grant' WHEN 'suspend' THEN 'suspension'
                            WHEN 'reinstate' THEN 'reinstatement' ELSE 'revocation' END AS event,
               (e.at AT TIME ZONE 'Asia/Tokyo')::date AS event_date,
               e.at, 'e' || e.id AS event_key
          FROM certificate_events e
         WHERE e.event IN ('grant', 'suspend', 'reinstate', 'revoke')
        UNION ALL
        SELECT v.certificate_number, 'change:' || v.kind, v.effective_on, v.created_at,
               'v' || v.certificate_number || '/' || v.version
          FROM certificate_versions v)
    SELECT ev.number, ev.event, ev.event_date,
           coalesce(h.holder ->> 'name_ja', h.holder ->> 'name'),
           coalesce(h.holder ->> 'address_ja', h.holder ->> 'address_en', ''),
           coalesce(nullif(concat_ws(' ', h.holder ->> 'representative_title',
                                     h.holder ->> 'representative'), ''), ''),
           dc.title_ja || ' / ' || dc.title_en,
           (SELECT string_agg(m, '; ') FROM jsonb_array_elements_text(h.model_names) m),
           concat_ws('; ', 'hw ' || (h.examined ->> 'hardware_version'),
                     'fw ' || (h.examined ->> 'firmware_versions')),
           c.basis || ' (' || c.rule_set_id || ')',
           ev.event_key
      FROM ev
      JOIN certificates c ON c.number = ev.number
      JOIN device_categories dc ON dc.id = c.category_id
      CROSS JOIN LATERAL (
          SELECT coalesce(
              (SELECT jsonb_build_object('holder', v.holder, 'model_names', v.model_names,
                                         'examined', v.examined)
                 FROM certificate_versions v
                WHERE v.certificate_number = ev.number AND v.created_at <= ev.at
                ORDER BY v.version DESC LIMIT 1),
              (SELECT jsonb_build_object(
                          'holder', coalesce(gk_holder_public(o), '{}'::jsonb)
                                    || jsonb_build_object('name', c.manufacturer),
                          'model_names', jsonb_build_array(c.model_name),
                          'examined', coalesce(gk_examined_of(a), '{}'::jsonb))
                 FROM (SELECT 1) one
                 LEFT JOIN organizations o ON o.id = c.organization_id
                 LEFT JOIN applications a ON a.id = c.application_id)) AS r) x
      CROSS JOIN LATERAL (SELECT x.r -> 'holder' AS holder, x.r -> 'model_names' AS model_names,
                                 x.r -> 'examined' AS examined) h
     WHERE ev.event_date BETWEEN from_day AND to_day
     ORDER BY ev.event_date, ev.at, ev.number
$$;

-- A report marked as submitted to the Minister: the period, who, when, the reference, and the
-- rows as submitted (so a re-run shows what changed since).
CREATE TABLE report_submissions (
    id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    period_from  date NOT NULL,
    period_to    date NOT NULL,
    reference    gk_label NOT NULL,
    submitted_by uuid NOT NULL REFERENCES users (id),
    submitted_at timestamptz NOT NULL DEFAULT now(),
    rows         jsonb NOT NULL,
    CONSTRAINT report_submissions_period CHECK (period_from <= period_to)
);
CREATE INDEX report_submissions_period_idx ON report_submissions (period_from, period_to);
SELECT gk_make_append_only('report_submissions');

-- ---- search finds every model name of every version, and the holder's names ---------------
-- The names a certificate's versions added (further model names, a new holder's names), kept
-- on the certificate for the public search (0024's search_text includes it).
ALTER TABLE certificates ADD COLUMN search_extra text;

CREATE FUNCTION gk_certificate_versions_search() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE certificates c SET search_extra = (
        SELECT string_agg(DISTINCT n, ' ' ORDER BY n)
          FROM certificate_versions v,
               LATERAL (SELECT jsonb_array_elements_text(v.model_names)
                        UNION ALL SELECT v.holder ->> 'name'
                        UNION ALL SELECT v.holder ->> 'name_ja'
                        UNION ALL SELECT v.holder ->> 'name_en') x(n)
         WHERE v.certificate_number = c.number AND n IS NOT NULL)
     WHERE c.number = NEW.certificate_number;
    RETURN NULL;
END $$;
CREATE TRIGGER certificate_versions_search AFTER INSERT ON certificate_versions
    FOR EACH ROW EXECUTE FUNCTION gk_certificate_versions_search();

-- (0024 folds search_extra into the normalised search_text column and its trigram index.)

-- ---- design-holder inspection records (設計合致義務) -----------------------------------------
-- The holder of a design certification inspects the equipment it produces against the
-- certified design and records each inspection; the body and the regulator read them.
CREATE TABLE design_inspections (
    id                 bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    certificate_number text NOT NULL
        CONSTRAINT design_inspections_certificate_fkey REFERENCES certificates (number),
    inspected_on       date NOT NULL,
    lot                gk_label NOT NULL,
    quantity           integer NOT NULL
        CONSTRAINT design_inspections_quantity_check CHECK (quantity BETWEEN 1 AND 100000000),
    result             text NOT NULL
        CONSTRAINT design_inspections_result_check CHECK (result IN ('conforming', 'nonconforming')),
    notes              gk_prose,
    inspector          gk_label NOT NULL,
    recorded_by        uuid NOT NULL
        CONSTRAINT design_inspections_recorded_by_fkey REFERENCES users (id),
    recorded_at        timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT design_inspections_nonconforming_notes CHECK (result = 'conforming' OR notes IS NOT NULL)
);
CREATE INDEX design_inspections_certificate_idx ON design_inspections (certificate_number, inspected_on, id);
SELECT gk_make_append_only('design_inspections');

CREATE FUNCTION gk_design_inspections_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM certificates c JOIN users u ON u.organization_id = c.organization_id
                   WHERE c.number = NEW.certificate_number AND c.route = 'design'
                     AND u.id = NEW.recorded_by AND u.role = 'manufacturer') THEN
        PERFORM gk_reject('design_inspections_by_design_holder',
                          'inspections are recorded by the holder of a design certification',
                          NEW.certificate_number);
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER design_inspections_guard BEFORE INSERT ON design_inspections
    FOR EACH ROW EXECUTE FUNCTION gk_design_inspections_guard();
