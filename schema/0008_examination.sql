-- 0008 examination: information requests, evidence, verdicts, CC equivalence, proposals.
--
-- Evidence, verdicts and equivalence decisions are written only while the application is
-- in_review or info_requested: once a decision is proposed the record it rests on is frozen
-- (a reviewer who sends it back reopens it).

CREATE FUNCTION gk_require_examinable(app uuid, constraint_name text) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    st text;
BEGIN
    SELECT status INTO st FROM applications WHERE id = app;
    IF st IS NOT NULL AND st NOT IN ('in_review', 'info_requested') THEN
        PERFORM gk_reject(constraint_name, 'the application is not under examination', st);
    END IF;
END $$;

-- Examiner's questions and the applicant's answer (one open question at a time).
CREATE TABLE info_requests (
    id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    application_id   uuid NOT NULL REFERENCES applications (id),
    message          gk_prose NOT NULL,
    asked_by         uuid NOT NULL REFERENCES users (id),
    asked_at         timestamptz NOT NULL DEFAULT now(),
    response_message gk_prose,
    responded_by     uuid REFERENCES users (id),
    responded_at     timestamptz,
    CONSTRAINT info_requests_response_together CHECK (
        num_nulls(response_message, responded_by, responded_at) IN (0, 3)),
    CONSTRAINT info_requests_responded_after_asked CHECK (responded_at >= asked_at),
    CONSTRAINT info_requests_id_application_key UNIQUE (id, application_id)
);
CREATE UNIQUE INDEX info_requests_one_open ON info_requests (application_id) WHERE responded_at IS NULL;
CREATE INDEX info_requests_application_idx ON info_requests (application_id, asked_at);

CREATE FUNCTION gk_info_requests_guard() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    org uuid;
BEGIN
    IF TG_OP = 'DELETE' THEN
        PERFORM gk_reject('info_requests_append_only', 'information requests are never deleted');
    END IF;
    IF TG_OP = 'INSERT' THEN
        PERFORM gk_require_examiner(NEW.asked_by, 'info_requests_asked_by_examiner');
        PERFORM gk_require_examinable(NEW.application_id, 'info_requests_application_not_in_review');
    ELSE
        IF OLD.responded_at IS NOT NULL
           OR (NEW.id, NEW.application_id, NEW.message, NEW.asked_by, NEW.asked_at)
              IS DISTINCT FROM (OLD.id, OLD.application_id, OLD.message, OLD.asked_by, OLD.asked_at) THEN
            PERFORM gk_reject('info_requests_append_only',
                              'a question is answered once and never edited', OLD.id::text);
        END IF;
    END IF;
    IF NEW.responded_by IS NOT NULL THEN
        SELECT organization_id INTO org FROM applications WHERE id = NEW.application_id;
        IF NOT EXISTS (SELECT 1 FROM users WHERE id = NEW.responded_by
                       AND role = 'manufacturer' AND organization_id = org) THEN
            PERFORM gk_reject('info_requests_responded_by_applicant',
                              'the applicant organisation answers information requests');
        END IF;
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER info_requests_guard BEFORE INSERT OR UPDATE OR DELETE ON info_requests
    FOR EACH ROW EXECUTE FUNCTION gk_info_requests_guard();
CREATE TRIGGER info_requests_no_truncate BEFORE TRUNCATE ON info_requests
    FOR EACH STATEMENT EXECUTE FUNCTION gk_refuse_change();

-- Documents attached to an answer: of the same application (composite keys).
CREATE TABLE info_request_documents (
    info_request_id uuid NOT NULL,
    application_id  uuid NOT NULL,
    document_id     uuid NOT NULL,
    PRIMARY KEY (info_request_id, document_id),
    FOREIGN KEY (info_request_id, application_id) REFERENCES info_requests (id, application_id),
    FOREIGN KEY (document_id, application_id) REFERENCES documents (id, application_id)
);
SELECT gk_make_append_only('info_request_documents');

-- Test evidence per requirement (or per obligation, e.g. the manual statement required of
-- equipment that is never directly connected).
CREATE TABLE evidence (
    id             uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    application_id uuid NOT NULL,
    rule_set_id    text NOT NULL,         -- filled from the application when omitted
    requirement_id text,
    obligation     text
        CONSTRAINT evidence_obligation_check CHECK (obligation IN ('manual_no_direct_connection_statement')),
    procedure      gk_prose NOT NULL,
    result         gk_prose NOT NULL,
    recorded_by    uuid NOT NULL REFERENCES users (id),
    recorded_at    timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT evidence_requirement_or_obligation CHECK (num_nulls(requirement_id, obligation) = 1),
    FOREIGN KEY (application_id, rule_set_id) REFERENCES applications (id, rule_set_id),
    FOREIGN KEY (rule_set_id, requirement_id) REFERENCES requirements (rule_set_id, id),
    CONSTRAINT evidence_id_application_key UNIQUE (id, application_id)
);
CREATE INDEX evidence_application_idx ON evidence (application_id, requirement_id, recorded_at);

CREATE FUNCTION gk_evidence_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.rule_set_id IS NULL THEN   -- convenience: the application's rule set
        SELECT rule_set_id INTO NEW.rule_set_id FROM applications WHERE id = NEW.application_id;
    END IF;
    PERFORM gk_require_examiner(NEW.recorded_by, 'evidence_recorded_by_examiner');
    PERFORM gk_require_examinable(NEW.application_id, 'evidence_application_not_in_review');
    RETURN NEW;
END $$;
CREATE TRIGGER evidence_guard BEFORE INSERT ON evidence
    FOR EACH ROW EXECUTE FUNCTION gk_evidence_guard();
SELECT gk_make_append_only('evidence');

-- Files an evidence item rests on, with the SHA-256 it saw: the composite key makes the copy
-- equal to the document's digest.
CREATE TABLE evidence_documents (
    evidence_id    uuid NOT NULL,
    application_id uuid NOT NULL,
    document_id    uuid NOT NULL,
    sha256         gk_sha256 NOT NULL,
    PRIMARY KEY (evidence_id, document_id),
    FOREIGN KEY (evidence_id, application_id) REFERENCES evidence (id, application_id),
    FOREIGN KEY (document_id, application_id, sha256) REFERENCES documents (id, application_id, sha256)
);
SELECT gk_make_append_only('evidence_documents');

-- The examiner's decision on a CC certificate (append-only; the latest one counts).
CREATE TABLE equivalence_decisions (
    id                bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    application_id    uuid NOT NULL REFERENCES applications (id),
    cc_certificate_id uuid NOT NULL REFERENCES cc_certificates (id),
    accepted          boolean NOT NULL,
    rationale         gk_prose NOT NULL,
    decided_on        date NOT NULL,         -- the date the certificate's validity is judged on
    decided_by        uuid NOT NULL REFERENCES users (id),
    decided_at        timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX equivalence_decisions_application_idx ON equivalence_decisions (application_id, id);

CREATE FUNCTION gk_equivalence_decisions_guard() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    c cc_certificates;
BEGIN
    PERFORM gk_require_examiner(NEW.decided_by, 'equivalence_decisions_decided_by_examiner');
    PERFORM gk_require_examinable(NEW.application_id, 'equivalence_decisions_application_not_in_review');
    IF NEW.accepted THEN
        SELECT * INTO c FROM cc_certificates WHERE id = NEW.cc_certificate_id;
        IF FOUND AND NOT gk_cc_valid_on(c, NEW.decided_on) THEN
            PERFORM gk_reject('equivalence_decisions_cc_valid',
                              'equivalence needs a CC certificate valid on the decision date',
                              format('%s on %s', c.id, NEW.decided_on));
        END IF;
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER equivalence_decisions_guard BEFORE INSERT ON equivalence_decisions
    FOR EACH ROW EXECUTE FUNCTION gk_equivalence_decisions_guard();
SELECT gk_make_append_only('equivalence_decisions');

-- Is the latest equivalence decision of an application an acceptance?
CREATE FUNCTION gk_equivalence_accepted(app uuid) RETURNS boolean LANGUAGE sql STABLE AS $$
    SELECT coalesce((SELECT accepted FROM equivalence_decisions
                     WHERE application_id = app ORDER BY id DESC LIMIT 1), false)
$$;

-- One verdict per requirement (PUT replaces it while under examination).
CREATE TABLE verdicts (
    application_id uuid NOT NULL,
    rule_set_id    text NOT NULL,         -- filled from the application when omitted
    requirement_id text NOT NULL,
    verdict        text NOT NULL
        CONSTRAINT verdicts_verdict_check CHECK (
            verdict IN ('pass', 'fail', 'not_applicable', 'met_by_equivalence')),
    reason         gk_prose,
    decided_by     uuid NOT NULL REFERENCES users (id),
    decided_at     timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (application_id, requirement_id),
    FOREIGN KEY (application_id, rule_set_id) REFERENCES applications (id, rule_set_id),
    FOREIGN KEY (rule_set_id, requirement_id) REFERENCES requirements (rule_set_id, id),
    CONSTRAINT verdicts_reason_when_not_applicable CHECK (verdict <> 'not_applicable' OR reason IS NOT NULL)
);

CREATE FUNCTION gk_verdicts_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        PERFORM gk_require_examinable(OLD.application_id, 'verdicts_application_not_in_review');
        RETURN OLD;
    END IF;
    PERFORM gk_require_examinable(NEW.application_id, 'verdicts_application_not_in_review');
    IF NEW.rule_set_id IS NULL THEN   -- convenience: the application's rule set
        SELECT rule_set_id INTO NEW.rule_set_id FROM applications WHERE id = NEW.application_id;
    END IF;
    IF TG_OP = 'UPDATE' AND (NEW.application_id, NEW.requirement_id) IS DISTINCT FROM (OLD.application_id, OLD.requirement_id) THEN
        PERFORM gk_reject('verdicts_identity_immutable', 'a verdict stays on its requirement');
    END IF;
    PERFORM gk_require_examiner(NEW.decided_by, 'verdicts_decided_by_examiner');
    IF NOT EXISTS (SELECT 1 FROM requirements WHERE rule_set_id = NEW.rule_set_id
                   AND id = NEW.requirement_id AND kind = 'requirement') THEN
        PERFORM gk_reject('verdicts_requirement_in_rule_set',
                          'verdicts are given on the requirements of the rule set (not on equivalence)',
                          format('%s in %s', NEW.requirement_id, NEW.rule_set_id));
    END IF;
    IF NEW.verdict = 'met_by_equivalence' AND NOT gk_equivalence_accepted(NEW.application_id) THEN
        PERFORM gk_reject('verdicts_equivalence_accepted',
                          'met_by_equivalence needs an accepted CC equivalence decision');
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER verdicts_guard BEFORE INSERT OR UPDATE OR DELETE ON verdicts
    FOR EACH ROW EXECUTE FUNCTION gk_verdicts_guard();

-- Proposed decision and its review by a second examiner (four eyes).
CREATE TABLE proposals (
    id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    application_id uuid NOT NULL REFERENCES applications (id),
    decision       text NOT NULL CONSTRAINT proposals_decision_check CHECK (decision IN ('grant', 'reject')),
    reason         gk_prose NOT NULL,
    proposed_by    uuid NOT NULL REFERENCES users (id),
    proposed_at    timestamptz NOT NULL DEFAULT now(),
    reviewed_by    uuid REFERENCES users (id),
    reviewed_at    timestamptz,
    approve        boolean,
    comment        gk_prose,
    CONSTRAINT proposals_review_together CHECK (num_nulls(reviewed_by, reviewed_at, approve) IN (0, 3)),
    CONSTRAINT proposals_comment_needs_review CHECK (comment IS NULL OR reviewed_by IS NOT NULL),
    -- Sending a proposal back says why.
    CONSTRAINT proposals_comment_when_not_approved CHECK (approve IS DISTINCT FROM false OR comment IS NOT NULL),
    CONSTRAINT proposals_reviewed_after_proposed CHECK (reviewed_at >= proposed_at),
    -- Four eyes: nobody approves (or sends back) their own proposal.
    CONSTRAINT proposals_four_eyes CHECK (reviewed_by <> proposed_by)
);
CREATE UNIQUE INDEX proposals_one_open ON proposals (application_id) WHERE reviewed_at IS NULL;
CREATE INDEX proposals_application_idx ON proposals (application_id, id);

CREATE FUNCTION gk_proposals_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        PERFORM gk_reject('proposals_append_only', 'proposals are never deleted');
    END IF;
    IF TG_OP = 'INSERT' THEN
        PERFORM gk_require_examiner(NEW.proposed_by, 'proposals_proposed_by_examiner');
        PERFORM gk_require_examinable(NEW.application_id, 'proposals_application_not_in_review');
        IF NEW.reviewed_by IS NOT NULL THEN
            PERFORM gk_reject('proposals_reviewed_later', 'a proposal is reviewed after it is made');
        END IF;
    ELSE
        IF OLD.reviewed_at IS NOT NULL
           OR (NEW.id, NEW.application_id, NEW.decision, NEW.reason, NEW.proposed_by, NEW.proposed_at)
              IS DISTINCT FROM (OLD.id, OLD.application_id, OLD.decision, OLD.reason, OLD.proposed_by, OLD.proposed_at) THEN
            PERFORM gk_reject('proposals_append_only', 'a proposal is reviewed once and never edited');
        END IF;
        PERFORM gk_require_examiner(NEW.reviewed_by, 'proposals_reviewed_by_examiner');
        IF (SELECT status FROM applications WHERE id = NEW.application_id) <> 'proposed' THEN
            PERFORM gk_reject('proposals_application_not_proposed',
                              'only a proposed application is reviewed');
        END IF;
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER proposals_guard BEFORE INSERT OR UPDATE OR DELETE ON proposals
    FOR EACH ROW EXECUTE FUNCTION gk_proposals_guard();
CREATE TRIGGER proposals_no_truncate BEFORE TRUNCATE ON proposals
    FOR EACH STATEMENT EXECUTE FUNCTION gk_refuse_change();
