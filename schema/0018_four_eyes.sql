-- 0018 four eyes, enforced in the database (issue 18 item 3).
--
-- 1. Who works on a case's record: evidence, verdicts, equivalence decisions and the
--    proposal are written only by the examiner the case is assigned to, or by a lead
--    examiner (`users.lead_examiner`, a capability of an examiner account set by an
--    administrator; not a fifth role).
-- 2. Who approves: the reviewer who approves a proposal is neither its proposer (0008,
--    proposals_four_eyes) nor anyone who took part in the examination of the case: recorded
--    evidence, a verdict or an equivalence decision on it (`case_examiners`, kept by the
--    triggers below and filled here from the rows and the audit log, since a verdict that
--    was replaced no longer names its first author). Asking the applicant a question does not
--    make an examiner part of the record. Sending a proposal back is not a decision: any
--    second examiner may do it.
-- The services check both first (403 case.not_assigned / review.took_part); these triggers
-- refuse a write that bypasses them.

ALTER TABLE users ADD COLUMN lead_examiner boolean NOT NULL DEFAULT false;
ALTER TABLE users ADD CONSTRAINT users_lead_examiner_is_examiner
    CHECK (NOT lead_examiner OR role = 'examiner');

-- The user may write the case's examination record: the assigned examiner, or an enabled
-- lead examiner.
CREATE FUNCTION gk_require_case_examiner(app uuid, user_id uuid, constraint_name text) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM applications WHERE id = app AND assigned_examiner_id = user_id)
       AND NOT EXISTS (SELECT 1 FROM users WHERE id = user_id AND role = 'examiner'
                       AND lead_examiner AND NOT disabled) THEN
        PERFORM gk_reject(constraint_name,
                          'only the examiner assigned to the case or a lead examiner may do this',
                          format('user %s, application %s', user_id, app));
    END IF;
END $$;

-- Everyone who recorded evidence, a verdict or an equivalence decision on a case.
CREATE TABLE case_examiners (
    application_id uuid NOT NULL REFERENCES applications (id),
    user_id        uuid NOT NULL REFERENCES users (id),
    first_at       timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (application_id, user_id)
);
SELECT gk_make_append_only('case_examiners');

INSERT INTO case_examiners (application_id, user_id)
SELECT application_id, recorded_by FROM evidence
UNION SELECT application_id, decided_by FROM verdicts
UNION SELECT application_id, decided_by FROM equivalence_decisions
UNION SELECT a.id, l.actor_user_id FROM audit_log l
      JOIN applications a ON a.id::text = substring(l.object FROM 13)
      WHERE l.action IN ('examination.evidence', 'examination.verdict', 'examination.equivalence')
        AND l.actor_user_id IS NOT NULL AND l.object LIKE 'application:%'
ON CONFLICT DO NOTHING;

-- BEFORE: the writer is the case's examiner (or a lead). One function per table, each naming
-- its constraint; the triggers are named <table>_guard_… so that they fire after the
-- table's own guard (PostgreSQL fires them in name order): a regulator is still refused as
-- not an examiner, a frozen record as not under examination.
CREATE FUNCTION gk_evidence_case_examiner() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM gk_require_case_examiner(NEW.application_id, NEW.recorded_by,
                                     'evidence_recorded_by_case_examiner');
    RETURN NEW;
END $$;
CREATE TRIGGER evidence_guard_case_examiner BEFORE INSERT ON evidence
    FOR EACH ROW EXECUTE FUNCTION gk_evidence_case_examiner();

CREATE FUNCTION gk_verdicts_case_examiner() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM gk_require_case_examiner(NEW.application_id, NEW.decided_by,
                                     'verdicts_decided_by_case_examiner');
    RETURN NEW;
END $$;
CREATE TRIGGER verdicts_guard_case_examiner BEFORE INSERT OR UPDATE ON verdicts
    FOR EACH ROW EXECUTE FUNCTION gk_verdicts_case_examiner();

CREATE FUNCTION gk_equivalence_decisions_case_examiner() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM gk_require_case_examiner(NEW.application_id, NEW.decided_by,
                                     'equivalence_decisions_decided_by_case_examiner');
    RETURN NEW;
END $$;
CREATE TRIGGER equivalence_decisions_guard_case_examiner BEFORE INSERT ON equivalence_decisions
    FOR EACH ROW EXECUTE FUNCTION gk_equivalence_decisions_case_examiner();

CREATE FUNCTION gk_proposals_case_examiner() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM gk_require_case_examiner(NEW.application_id, NEW.proposed_by,
                                     'proposals_proposed_by_case_examiner');
    RETURN NEW;
END $$;
CREATE TRIGGER proposals_guard_case_examiner BEFORE INSERT ON proposals
    FOR EACH ROW EXECUTE FUNCTION gk_proposals_case_examiner();

-- AFTER: the writer took part in the examination of the case.
CREATE FUNCTION gk_case_examiners_record() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    actor uuid;
BEGIN
    IF TG_TABLE_NAME = 'evidence' THEN
        actor := NEW.recorded_by;
    ELSE
        actor := NEW.decided_by;
    END IF;
    INSERT INTO case_examiners (application_id, user_id) VALUES (NEW.application_id, actor)
    ON CONFLICT DO NOTHING;
    RETURN NULL;
END $$;

CREATE TRIGGER evidence_took_part AFTER INSERT ON evidence
    FOR EACH ROW EXECUTE FUNCTION gk_case_examiners_record();
CREATE TRIGGER verdicts_took_part AFTER INSERT OR UPDATE ON verdicts
    FOR EACH ROW EXECUTE FUNCTION gk_case_examiners_record();
CREATE TRIGGER equivalence_decisions_took_part AFTER INSERT ON equivalence_decisions
    FOR EACH ROW EXECUTE FUNCTION gk_case_examiners_record();

-- The approval: not by anyone who took part in the record (the proposer is refused by
-- proposals_four_eyes, 0008).
CREATE FUNCTION gk_proposals_reviewer_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    -- The proposer is left to proposals_four_eyes, the more telling refusal.
    IF NEW.approve AND NEW.reviewed_by IS NOT NULL AND OLD.reviewed_by IS NULL
       AND NEW.reviewed_by IS DISTINCT FROM NEW.proposed_by
       AND EXISTS (SELECT 1 FROM case_examiners
                   WHERE application_id = NEW.application_id AND user_id = NEW.reviewed_by) THEN
        PERFORM gk_reject('proposals_reviewer_took_part',
                          'the reviewer who approves took no part in the examination of the case',
                          format('user %s, application %s', NEW.reviewed_by, NEW.application_id));
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER proposals_reviewer_independent BEFORE UPDATE ON proposals
    FOR EACH ROW EXECUTE FUNCTION gk_proposals_reviewer_guard();
