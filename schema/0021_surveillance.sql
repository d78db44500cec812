-- 0021 surveillance: market surveillance cases (issue 17) and the internal note of a
-- certificate status change.
--
-- A surveillance case is opened by the regulator or an examiner of the body on a certificate
-- (or on a product found on the market that claims a number the register may not hold). Its
-- steps are appended to surveillance_steps, each a row of surveillance_transitions (the same
-- table as domain/surveillance.c: tests/unit/test_lifecycle_schema.c compares them row by
-- row). A regulatory order closes the case and suspends or revokes the certificate in the
-- same transaction (the certificate's own status change, certificate_events).
--
-- The internal note of a suspension or revocation lives in its own table,
-- certificate_event_notes, which no public read selects: the certificate_events row keeps
-- only what is published (event, public reason, order reference, date).

CREATE TABLE surveillance_transitions (
    from_status text NOT NULL,
    event       text NOT NULL,
    to_status   text NOT NULL,
    PRIMARY KEY (from_status, event, to_status)
);
INSERT INTO surveillance_transitions (from_status, event, to_status) VALUES
    ('open', 'record_purchase', 'open'),
    ('open', 'record_test', 'open'),
    ('open', 'record_finding', 'awaiting_response'),
    ('open', 'close_no_finding', 'closed_no_finding'),
    ('open', 'issue_order', 'closed_order'),
    ('awaiting_response', 'respond', 'responded'),
    ('awaiting_response', 'issue_order', 'closed_order'),
    ('responded', 'record_purchase', 'responded'),
    ('responded', 'record_test', 'responded'),
    ('responded', 'record_finding', 'awaiting_response'),
    ('responded', 'require_corrective_action', 'corrective_action'),
    ('responded', 'close_no_finding', 'closed_no_finding'),
    ('responded', 'issue_order', 'closed_order'),
    ('corrective_action', 'respond', 'corrective_action'),
    ('corrective_action', 'close_corrective_action', 'closed_corrective_action'),
    ('corrective_action', 'issue_order', 'closed_order');

CREATE TABLE surveillance_cases (
    id                 uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    certificate_number text REFERENCES certificates (number),
    claimed_number     gk_label,          -- the number the product claims, as found
    organization_id    uuid REFERENCES organizations (id),   -- the holder (from the certificate)
    product            gk_label NOT NULL, -- what was found on the market
    summary            gk_prose NOT NULL, -- why the case was opened
    status             text NOT NULL DEFAULT 'open'
        CONSTRAINT surveillance_cases_status_check CHECK (status IN ('open', 'awaiting_response',
            'responded', 'corrective_action', 'closed_no_finding', 'closed_corrective_action',
            'closed_order')),
    order_kind         text
        CONSTRAINT surveillance_cases_order_kind_check CHECK (order_kind IN (
            'display_prohibition', 'improvement_order', 'other')),
    order_reference    gk_label,
    certificate_action text
        CONSTRAINT surveillance_cases_certificate_action_check CHECK (
            certificate_action IN ('suspend', 'revoke')),
    opened_by          uuid NOT NULL REFERENCES users (id),
    opened_at          timestamptz NOT NULL DEFAULT now(),
    updated_at         timestamptz NOT NULL DEFAULT now(),
    closed_at          timestamptz,
    CONSTRAINT surveillance_cases_subject CHECK (certificate_number IS NOT NULL OR claimed_number IS NOT NULL),
    CONSTRAINT surveillance_cases_order_together CHECK (
        (status = 'closed_order') = (order_kind IS NOT NULL AND order_reference IS NOT NULL)),
    CONSTRAINT surveillance_cases_action_needs_certificate CHECK (
        certificate_action IS NULL OR (certificate_number IS NOT NULL AND status = 'closed_order')),
    CONSTRAINT surveillance_cases_closed_at CHECK ((closed_at IS NOT NULL) = (status LIKE 'closed_%'))
);
CREATE INDEX surveillance_cases_certificate_idx ON surveillance_cases (certificate_number);
CREATE INDEX surveillance_cases_organization_idx ON surveillance_cases (organization_id, opened_at);
CREATE INDEX surveillance_cases_opened_idx ON surveillance_cases (opened_at, id);

-- The steps of a case, append-only. One row per event; the columns a kind of step needs
-- are required by surveillance_steps_shape.
CREATE TABLE surveillance_steps (
    id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    case_id          uuid NOT NULL REFERENCES surveillance_cases (id),
    event            text NOT NULL,
    from_status      text,              -- NULL for 'open'
    to_status        text NOT NULL,
    -- a sample purchase
    place            gk_label,
    purchased_on     date,
    serial           gk_label,
    firmware_version gk_label,
    -- a test per requirement
    requirement_id   text
        CONSTRAINT surveillance_steps_requirement_format CHECK (requirement_id ~ '^[A-Z]{1,4}-[0-9]{1,3}$'),
    verdict          text
        CONSTRAINT surveillance_steps_verdict_check CHECK (verdict = 'pass' OR verdict = 'fail'),
    evidence         gk_prose,          -- procedure, evidence files and lab references
    -- the text of a finding, response, corrective action, closing or order (public to the holder)
    body             gk_prose,
    internal_note    gk_prose,          -- staff only; never shown to the holder or the public
    actor_id         uuid NOT NULL REFERENCES users (id),
    at               timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT surveillance_steps_transition FOREIGN KEY (from_status, event, to_status)
        REFERENCES surveillance_transitions (from_status, event, to_status),
    CONSTRAINT surveillance_steps_open CHECK ((event = 'open') = (from_status IS NULL)
        AND (event <> 'open' OR to_status = 'open')),
    CONSTRAINT surveillance_steps_shape CHECK (CASE event
        WHEN 'record_purchase' THEN place IS NOT NULL AND purchased_on IS NOT NULL
        WHEN 'record_test' THEN requirement_id IS NOT NULL AND verdict IS NOT NULL AND evidence IS NOT NULL
        WHEN 'open' THEN true
        ELSE body IS NOT NULL END)
);
CREATE INDEX surveillance_steps_case_idx ON surveillance_steps (case_id, id);
SELECT gk_make_append_only('surveillance_steps');

-- The internal note of a certificate status change (suspend, reinstate, revoke): staff only.
CREATE TABLE certificate_event_notes (
    event_id bigint PRIMARY KEY REFERENCES certificate_events (id),
    note     gk_prose NOT NULL
);
SELECT gk_make_append_only('certificate_event_notes');

-- Evidence files of a case (photos, lab reports, captures), uploaded by the staff; a test
-- step cites them (surveillance_step_evidence). Kept in the row: a case has few, small files
-- (the upload route caps each).
CREATE TABLE surveillance_evidence (
    id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    case_id     uuid NOT NULL REFERENCES surveillance_cases (id),
    filename    gk_label NOT NULL,
    media_type  text NOT NULL
        CONSTRAINT surveillance_evidence_media_type_format CHECK (media_type ~ '^[a-z]+/[a-zA-Z0-9.+-]+(; ?[a-z]+=[a-zA-Z0-9-]+)?$'),
    size        bigint NOT NULL
        CONSTRAINT surveillance_evidence_size_check CHECK (size = octet_length(content) AND size > 0),
    sha256      gk_sha256 NOT NULL,
    content     bytea NOT NULL,
    uploaded_by uuid NOT NULL REFERENCES users (id),
    uploaded_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT surveillance_evidence_case_key UNIQUE (case_id, id)
);
SELECT gk_make_append_only('surveillance_evidence');

CREATE TABLE surveillance_step_evidence (
    step_id     bigint NOT NULL REFERENCES surveillance_steps (id),
    case_id     uuid NOT NULL,
    evidence_id uuid NOT NULL,
    PRIMARY KEY (step_id, evidence_id),
    -- A step cites only its own case's files.
    CONSTRAINT surveillance_step_evidence_same_case FOREIGN KEY (case_id, evidence_id)
        REFERENCES surveillance_evidence (case_id, id)
);
SELECT gk_make_append_only('surveillance_step_evidence');
