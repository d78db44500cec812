-- 0006 applications: the case, its life cycle as data, declarations and status history.

-- Small helpers for the cross-table rules below.
-- Require `user_id` to be an enabled examiner (examination acts, four eyes).
CREATE FUNCTION gk_require_examiner(user_id uuid, constraint_name text) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    IF user_id IS NOT NULL AND NOT EXISTS (
            SELECT 1 FROM users WHERE id = user_id AND role = 'examiner' AND NOT disabled) THEN
        PERFORM gk_reject(constraint_name, 'the user is not an enabled examiner',
                          format('user %s', user_id));
    END IF;
END $$;

-- A manufacturer may act only on its own organisation's cases; staff on any.
CREATE FUNCTION gk_require_same_organization_or_examiner(user_id uuid, org_id uuid,
                                                         constraint_name text) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    u users;
BEGIN
    SELECT * INTO u FROM users WHERE id = user_id;
    IF NOT FOUND OR NOT (
            (u.role = 'manufacturer' AND u.organization_id = org_id) OR u.role = 'examiner') THEN
        PERFORM gk_reject(constraint_name,
                          'the user is neither of the applicant organisation nor an examiner',
                          format('user %s, organization %s', user_id, org_id));
    END IF;
END $$;

-- The life cycle as data: the only status changes an application may make.
-- draft -> submitted | withdrawn; submitted -> in_review (an examiner is assigned);
-- in_review <-> info_requested; in_review -> proposed; proposed -> granted | rejected |
-- in_review (the reviewer did not approve); withdrawn by the applicant before a decision.
CREATE TABLE application_transitions (
    from_status text NOT NULL,
    to_status   text NOT NULL,
    PRIMARY KEY (from_status, to_status),
    CONSTRAINT application_transitions_status_check CHECK (
        from_status IN ('draft', 'submitted', 'in_review', 'info_requested', 'proposed')
        AND to_status IN ('submitted', 'in_review', 'info_requested', 'proposed',
                          'granted', 'rejected', 'withdrawn'))
);
INSERT INTO application_transitions (from_status, to_status) VALUES
    ('draft', 'submitted'),
    ('draft', 'withdrawn'),
    ('submitted', 'in_review'),
    ('submitted', 'withdrawn'),
    ('in_review', 'info_requested'),
    ('in_review', 'proposed'),
    ('in_review', 'withdrawn'),
    ('info_requested', 'in_review'),
    ('info_requested', 'withdrawn'),
    ('proposed', 'in_review'),
    ('proposed', 'granted'),
    ('proposed', 'rejected'),
    ('proposed', 'withdrawn');

CREATE TABLE applications (
    id                     uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    organization_id        uuid NOT NULL REFERENCES organizations (id),
    route                  text NOT NULL
        CONSTRAINT applications_route_check CHECK (route IN ('conformity', 'design')),
    status                 text NOT NULL DEFAULT 'draft'
        CONSTRAINT applications_status_check CHECK (status IN (
            'draft', 'submitted', 'in_review', 'info_requested', 'proposed',
            'granted', 'rejected', 'withdrawn')),
    -- The device.
    model_name             gk_label NOT NULL,
    type_name              gk_label,
    category_id            text NOT NULL REFERENCES device_categories (id),
    description            gk_prose,
    -- The five facts of the determination; unknown (NULL) only while a draft.
    directly_connectable              boolean,
    data_transmission_facility        boolean,
    uses_ip                           boolean,
    remotely_configurable             boolean,
    user_installable_security_software boolean,
    -- Early opt-in to a newer rule set, and why (recorded, domain.md "Transition rules").
    opt_in_rule_set_id     text REFERENCES rule_sets (id),
    opt_in_reason          gk_prose,
    cc_certificate_id      uuid REFERENCES cc_certificates (id),
    -- Fixed on submit, never changed afterwards.
    filing_date            date,
    rule_set_id            text REFERENCES rule_sets (id),
    determination          jsonb,
    assigned_examiner_id   uuid REFERENCES users (id),
    created_by             uuid NOT NULL REFERENCES users (id),
    created_at             timestamptz NOT NULL DEFAULT now(),
    updated_at             timestamptz NOT NULL DEFAULT now(),
    -- ETag; incremented by trigger on every UPDATE whatever the statement says.
    version                integer NOT NULL DEFAULT 1 CONSTRAINT applications_version_check CHECK (version >= 1),

    -- filing_date is NULL while draft, set from submission on. A withdrawn application has one
    -- only if it was withdrawn after submission.
    CONSTRAINT applications_filing_date_by_status CHECK (
        CASE status
            WHEN 'draft' THEN filing_date IS NULL
            WHEN 'withdrawn' THEN true
            ELSE filing_date IS NOT NULL
        END),
    -- filing date, rule set and determination are fixed together, at submission.
    CONSTRAINT applications_submission_fields_together CHECK (
        num_nulls(filing_date, rule_set_id, determination) IN (0, 3)),
    CONSTRAINT applications_facts_known_when_filed CHECK (
        filing_date IS NULL OR num_nulls(directly_connectable, data_transmission_facility, uses_ip,
                                         remotely_configurable, user_installable_security_software) = 0),
    -- The stored determination is the object of POST /determinations, for this rule set.
    CONSTRAINT applications_determination_shape CHECK (
        determination IS NULL OR (
            jsonb_typeof(determination) = 'object'
            AND determination ->> 'outcome' IN ('not_subject', 'subject_general_only', 'subject_with_security')
            AND determination ->> 'rule_set' = rule_set_id)),
    -- An opt-in carries its reason once filed; a reason without an opt-in means nothing.
    CONSTRAINT applications_opt_in_reason CHECK (
        (opt_in_rule_set_id IS NULL AND opt_in_reason IS NULL)
        OR (opt_in_rule_set_id IS NOT NULL AND (filing_date IS NULL OR opt_in_reason IS NOT NULL))),
    -- Examination needs an examiner.
    CONSTRAINT applications_examiner_when_examined CHECK (
        status NOT IN ('in_review', 'info_requested', 'proposed', 'granted', 'rejected')
        OR assigned_examiner_id IS NOT NULL),
    -- Targets of composite foreign keys (children stay on the application's rule set).
    CONSTRAINT applications_id_rule_set_key UNIQUE (id, rule_set_id),
    CONSTRAINT applications_id_organization_key UNIQUE (id, organization_id)
);
CREATE INDEX applications_org_status_idx ON applications (organization_id, status);
CREATE INDEX applications_org_created_idx ON applications (organization_id, created_at, id);
CREATE INDEX applications_status_updated_idx ON applications (status, updated_at, id);
CREATE INDEX applications_created_idx ON applications (created_at, id);
CREATE INDEX applications_examiner_status_idx ON applications (assigned_examiner_id, status)
    WHERE assigned_examiner_id IS NOT NULL;
CREATE INDEX applications_cc_idx ON applications (cc_certificate_id) WHERE cc_certificate_id IS NOT NULL;

-- Check the rule set chosen at submission: the one in force on the filing date, or an opt-in
-- rule set that is promulgated by then and not older than the one in force.
CREATE FUNCTION gk_check_rule_set_selection(a applications) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    in_force text := gk_rule_set_in_force(a.filing_date);
    opt rule_sets;
BEGIN
    IF a.filing_date IS NULL OR a.rule_set_id IS NULL THEN
        RETURN;   -- the table's CHECK constraints name what is missing
    END IF;
    IF in_force IS NULL THEN
        PERFORM gk_reject('applications_rule_set_selection',
                          'no rule set is in force on the filing date', a.filing_date::text);
    END IF;
    IF a.opt_in_rule_set_id IS NOT NULL THEN
        SELECT * INTO opt FROM rule_sets WHERE id = a.opt_in_rule_set_id;
        IF opt.promulgated_on > a.filing_date THEN
            PERFORM gk_reject('applications_opt_in_not_promulgated',
                              'the opt-in rule set is not promulgated on the filing date',
                              format('%s promulgated %s, filed %s', opt.id, opt.promulgated_on, a.filing_date));
        END IF;
        IF opt.effective_on < (SELECT effective_on FROM rule_sets WHERE id = in_force) THEN
            PERFORM gk_reject('applications_opt_in_older',
                              'the opt-in rule set is older than the one in force',
                              format('%s is older than %s', opt.id, in_force));
        END IF;
    END IF;
    IF a.rule_set_id IS DISTINCT FROM coalesce(a.opt_in_rule_set_id, in_force) THEN
        PERFORM gk_reject('applications_rule_set_selection',
                          'the rule set is not the one the filing date and opt-in select',
                          format('got %s, expected %s', a.rule_set_id, coalesce(a.opt_in_rule_set_id, in_force)));
    END IF;
    -- The filing date is today or earlier in Japan (back-dating is allowed, e.g. imports).
    IF a.filing_date > (now() AT TIME ZONE 'Asia/Tokyo')::date THEN
        PERFORM gk_reject('applications_filing_date_future', 'the filing date is in the future',
                          a.filing_date::text);
    END IF;
END $$;

-- Guard: who may create/hold the case, the life cycle, what is frozen after submission,
-- and the ETag version.
CREATE FUNCTION gk_applications_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        IF NEW.status <> 'draft' THEN
            PERFORM gk_reject('applications_created_as_draft',
                              'an application is created as a draft', NEW.status);
        END IF;
        IF NOT EXISTS (SELECT 1 FROM users WHERE id = NEW.created_by AND role = 'manufacturer'
                       AND organization_id = NEW.organization_id) THEN
            PERFORM gk_reject('applications_created_by_applicant',
                              'an application is created by a user of the applicant organisation');
        END IF;
        NEW.version := 1;
    ELSE
        IF NEW.id <> OLD.id OR NEW.organization_id <> OLD.organization_id
           OR NEW.created_by <> OLD.created_by OR NEW.created_at <> OLD.created_at THEN
            PERFORM gk_reject('applications_identity_immutable',
                              'id, organisation and creator of an application never change');
        END IF;
        IF NEW.status <> OLD.status AND NOT EXISTS (
                SELECT 1 FROM application_transitions
                WHERE from_status = OLD.status AND to_status = NEW.status) THEN
            PERFORM gk_reject('applications_status_transition', 'status change not allowed',
                              format('%s -> %s', OLD.status, NEW.status));
        END IF;
        IF OLD.status <> 'draft' AND (
               NEW.route, NEW.model_name, NEW.type_name, NEW.category_id, NEW.description,
               NEW.directly_connectable, NEW.data_transmission_facility, NEW.uses_ip,
               NEW.remotely_configurable, NEW.user_installable_security_software,
               NEW.opt_in_rule_set_id, NEW.opt_in_reason,
               NEW.filing_date, NEW.rule_set_id, NEW.determination)
           IS DISTINCT FROM (
               OLD.route, OLD.model_name, OLD.type_name, OLD.category_id, OLD.description,
               OLD.directly_connectable, OLD.data_transmission_facility, OLD.uses_ip,
               OLD.remotely_configurable, OLD.user_installable_security_software,
               OLD.opt_in_rule_set_id, OLD.opt_in_reason,
               OLD.filing_date, OLD.rule_set_id, OLD.determination) THEN
            PERFORM gk_reject('applications_frozen_after_submit',
                              'the device, facts, filing date, rule set and determination are fixed at submission');
        END IF;
        IF OLD.status = 'draft' AND NEW.status = 'submitted' THEN
            PERFORM gk_check_rule_set_selection(NEW);
        END IF;
        NEW.version := OLD.version + 1;
        NEW.updated_at := now();
    END IF;
    IF NEW.assigned_examiner_id IS DISTINCT FROM (CASE WHEN TG_OP = 'UPDATE' THEN OLD.assigned_examiner_id END) THEN
        PERFORM gk_require_examiner(NEW.assigned_examiner_id, 'applications_assigned_examiner_role');
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER applications_guard BEFORE INSERT OR UPDATE ON applications
    FOR EACH ROW EXECUTE FUNCTION gk_applications_guard();

-- How the applicant says it meets each requirement (SR-2 names a measure).
-- While a draft has no rule set, requirement and measure must exist in some rule set; from
-- submission on they must belong to the application's rule set.
CREATE TABLE declarations (
    application_id uuid NOT NULL REFERENCES applications (id) ON DELETE CASCADE,
    requirement_id text NOT NULL
        CONSTRAINT declarations_requirement_id_format CHECK (requirement_id ~ '^[A-Z]{2,4}(-[0-9]{1,3})?$'),
    measure        text,
    description    gk_prose NOT NULL,
    PRIMARY KEY (application_id, requirement_id)
);

-- Does a declaration fit the catalogue of `rs` (or of any rule set when rs is NULL)?
CREATE FUNCTION gk_check_declaration(rs text, req text, measure text) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM requirements r
                   WHERE r.id = req AND r.kind = 'requirement' AND (rs IS NULL OR r.rule_set_id = rs)) THEN
        PERFORM gk_reject('declarations_requirement_in_rule_set',
                          'no such requirement in the rule set', format('%s in %s', req, coalesce(rs, 'any rule set')));
    END IF;
    IF measure IS NULL THEN
        -- A requirement with listed measures needs one named once the rule set is known.
        IF rs IS NOT NULL AND EXISTS (SELECT 1 FROM requirement_measures m
                                      WHERE m.rule_set_id = rs AND m.requirement_id = req) THEN
            PERFORM gk_reject('declarations_measure_required', 'the requirement needs a measure', req);
        END IF;
    ELSIF NOT EXISTS (SELECT 1 FROM requirement_measures m
                      WHERE m.requirement_id = req AND m.id = measure AND (rs IS NULL OR m.rule_set_id = rs)) THEN
        PERFORM gk_reject('declarations_measure_in_rule_set', 'no such measure for the requirement',
                          format('%s / %s', req, measure));
    END IF;
END $$;

CREATE FUNCTION gk_declarations_guard() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    a applications;
    row_app uuid := CASE WHEN TG_OP = 'DELETE' THEN OLD.application_id ELSE NEW.application_id END;
BEGIN
    SELECT * INTO a FROM applications WHERE id = row_app;
    IF FOUND AND a.status <> 'draft' THEN
        PERFORM gk_reject('declarations_draft_only', 'declarations change only while a draft', a.status);
    END IF;
    IF TG_OP = 'DELETE' THEN
        RETURN OLD;
    END IF;
    PERFORM gk_check_declaration(a.rule_set_id, NEW.requirement_id, NEW.measure);
    RETURN NEW;
END $$;
CREATE TRIGGER declarations_guard BEFORE INSERT OR UPDATE OR DELETE ON declarations
    FOR EACH ROW EXECUTE FUNCTION gk_declarations_guard();

-- On submission, re-check the declarations against the rule set now fixed.
CREATE FUNCTION gk_applications_check_declarations() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    d declarations;
BEGIN
    FOR d IN SELECT * FROM declarations WHERE application_id = NEW.id LOOP
        PERFORM gk_check_declaration(NEW.rule_set_id, d.requirement_id, d.measure);
    END LOOP;
    RETURN NULL;
END $$;
CREATE TRIGGER applications_check_declarations AFTER UPDATE OF status ON applications
    FOR EACH ROW WHEN (OLD.status = 'draft' AND NEW.status = 'submitted')
    EXECUTE FUNCTION gk_applications_check_declarations();

-- Status history: every status change, who, when, why (append-only).
-- The creation is recorded with from_status NULL and to_status 'draft'.
CREATE TABLE application_events (
    id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    application_id uuid NOT NULL REFERENCES applications (id),
    from_status    text,
    to_status      text NOT NULL,
    actor_id       uuid REFERENCES users (id),   -- NULL: the system
    at             timestamptz NOT NULL DEFAULT now(),
    reason         gk_prose,
    CONSTRAINT application_events_creation CHECK (from_status IS NOT NULL OR to_status = 'draft'),
    CONSTRAINT application_events_transition FOREIGN KEY (from_status, to_status)
        REFERENCES application_transitions (from_status, to_status)
);
CREATE INDEX application_events_application_idx ON application_events (application_id, at, id);
SELECT gk_make_append_only('application_events');
